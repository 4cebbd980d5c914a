package postgres

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strconv"
	"time"

	"github.com/custos-dd/custos/internal/custos"
)

// TeamService manages teams and memberships.
type TeamService struct{ db *DB }

// NewTeamService returns the team service.
func NewTeamService(db *DB) *TeamService { return &TeamService{db} }

const teamColumns = `id, name, approvals_required, created_at, updated_at`

type teamRow struct {
	ID                int64     `db:"id"`
	Name              string    `db:"name"`
	ApprovalsRequired int       `db:"approvals_required"`
	CreatedAt         time.Time `db:"created_at"`
	UpdatedAt         time.Time `db:"updated_at"`
}

func (r *teamRow) team() *custos.Team {
	return &custos.Team{ID: r.ID, Name: r.Name, ApprovalsRequired: r.ApprovalsRequired,
		CreatedAt: r.CreatedAt.UTC(), UpdatedAt: r.UpdatedAt.UTC()}
}

func auditTeam(t *custos.Team) teamAudit {
	return teamAudit{Name: t.Name, ApprovalsRequired: t.ApprovalsRequired}
}

func teamID(id int64) *int64 { return &id }

// CreateTeam creates a team.
func (s *TeamService) CreateTeam(ctx context.Context, name string) (*custos.Team, error) {
	name, err := custos.NormalizeTeamName(name)
	if err != nil {
		return nil, err
	}
	var t *custos.Team
	err = s.db.inTx(ctx, func(tx *Tx) error {
		var err error
		t, err = tx.createTeam(ctx, name)
		return err
	})
	return t, err
}

func (tx *Tx) createTeam(ctx context.Context, name string) (*custos.Team, error) {
	var r teamRow
	if err := tx.GetContext(ctx, &r, `INSERT INTO teams (name, created_at, updated_at) VALUES ($1, $2, $2)
		RETURNING `+teamColumns, name, tx.now); err != nil {
		return nil, err
	}
	t := r.team()
	return t, tx.audit(ctx, custos.NewAuditEvent{TeamID: teamID(t.ID), Action: "team.create", ObjectType: "team",
		ObjectID: strconv.FormatInt(t.ID, 10), After: auditTeam(t)})
}

// FindTeam returns one team.
func (s *TeamService) FindTeam(ctx context.Context, id int64) (*custos.Team, error) {
	var r teamRow
	if err := s.db.db.GetContext(ctx, &r, `SELECT `+teamColumns+` FROM teams WHERE id = $1`, id); err != nil {
		return nil, mapErr(orNotFound(err, "team"))
	}
	return r.team(), nil
}

// ListTeams returns every team by name.
func (s *TeamService) ListTeams(ctx context.Context) ([]*custos.Team, error) {
	var rows []teamRow
	if err := s.db.db.SelectContext(ctx, &rows, `SELECT `+teamColumns+` FROM teams ORDER BY lower(name)`); err != nil {
		return nil, mapErr(err)
	}
	out := make([]*custos.Team, len(rows))
	for i := range rows {
		out[i] = rows[i].team()
	}
	return out, nil
}

// UpdateTeam renames a team or changes how many approvals it needs.
func (s *TeamService) UpdateTeam(ctx context.Context, id int64, up custos.TeamUpdate) (*custos.Team, error) {
	if err := up.Validate(); err != nil {
		return nil, err
	}
	var out *custos.Team
	err := s.db.inTx(ctx, func(tx *Tx) error {
		var old teamRow
		if err := tx.GetContext(ctx, &old, `SELECT `+teamColumns+` FROM teams WHERE id = $1 FOR UPDATE`, id); err != nil {
			return orNotFound(err, "team")
		}
		var r teamRow
		if err := tx.GetContext(ctx, &r, `UPDATE teams SET name = COALESCE($2, name),
			approvals_required = COALESCE($3, approvals_required), updated_at = $4
			WHERE id = $1 RETURNING `+teamColumns, id, up.Name, up.ApprovalsRequired, tx.now); err != nil {
			return err
		}
		out = r.team()
		return tx.audit(ctx, custos.NewAuditEvent{TeamID: teamID(id), Action: "team.update", ObjectType: "team",
			ObjectID: strconv.FormatInt(id, 10), Before: auditTeam(old.team()), After: auditTeam(out)})
	})
	return out, err
}

const membershipQuery = `SELECT m.team_id, t.name AS team_name, m.user_id, u.email AS user_email,
	u.name AS user_name, m.role, m.created_at
	FROM memberships m JOIN teams t ON t.id = m.team_id JOIN users u ON u.id = m.user_id`

type membershipRow struct {
	TeamID    int64     `db:"team_id"`
	TeamName  string    `db:"team_name"`
	UserID    int64     `db:"user_id"`
	UserEmail string    `db:"user_email"`
	UserName  string    `db:"user_name"`
	Role      string    `db:"role"`
	CreatedAt time.Time `db:"created_at"`
}

func (r membershipRow) membership() custos.Membership {
	return custos.Membership{TeamID: r.TeamID, TeamName: r.TeamName, UserID: r.UserID, UserEmail: r.UserEmail,
		UserName: r.UserName, Role: custos.Role(r.Role), CreatedAt: r.CreatedAt.UTC()}
}

func (s *TeamService) memberships(ctx context.Context, where string, args ...any) ([]custos.Membership, error) {
	var rows []membershipRow
	if err := s.db.db.SelectContext(ctx, &rows, membershipQuery+" "+where+" ORDER BY t.name, u.email, m.role", args...); err != nil {
		return nil, mapErr(err)
	}
	out := make([]custos.Membership, len(rows))
	for i, r := range rows {
		out[i] = r.membership()
	}
	return out, nil
}

// ListMembers returns the memberships of a team.
func (s *TeamService) ListMembers(ctx context.Context, teamID int64) ([]custos.Membership, error) {
	if _, err := s.FindTeam(ctx, teamID); err != nil {
		return nil, err
	}
	return s.memberships(ctx, "WHERE m.team_id = $1", teamID)
}

// UserMemberships returns the memberships of a user.
func (s *TeamService) UserMemberships(ctx context.Context, userID int64) ([]custos.Membership, error) {
	return s.memberships(ctx, "WHERE m.user_id = $1", userID)
}

// AllMemberships returns every membership of every enabled account.
func (s *TeamService) AllMemberships(ctx context.Context) ([]custos.Membership, error) {
	return s.memberships(ctx, "WHERE NOT u.disabled")
}

// OrgAdmins returns the enabled accounts that administer the organisation.
func (s *TeamService) OrgAdmins(ctx context.Context) ([]int64, error) {
	var ids []int64
	if err := s.db.db.SelectContext(ctx, &ids, `SELECT id FROM users WHERE org_admin AND NOT disabled ORDER BY id`); err != nil {
		return nil, mapErr(err)
	}
	return ids, nil
}

// AddMember gives a user a role in a team.
func (s *TeamService) AddMember(ctx context.Context, teamID, userID int64, role custos.Role) (*custos.Membership, error) {
	var p custos.Problems
	if userID <= 0 {
		p.Add("user_id", "is required")
	}
	if !role.Valid() {
		p.Add("role", fmt.Sprintf("must be one of %v", custos.Roles))
	}
	if err := p.Err(); err != nil {
		return nil, err
	}
	var m *custos.Membership
	err := s.db.inTx(ctx, func(tx *Tx) error {
		var err error
		m, err = tx.addMember(ctx, teamID, "user_id", userID, role)
		return err
	})
	return m, err
}

// AddMemberByEmail gives the account with an address a role in a team.
func (s *TeamService) AddMemberByEmail(ctx context.Context, teamID int64, email string, role custos.Role) (*custos.Membership, error) {
	var p custos.Problems
	email = custos.NormalizeEmail(email)
	if email == "" {
		p.Add("email", "is required")
	}
	if !role.Valid() {
		p.Add("role", fmt.Sprintf("must be one of %v", custos.Roles))
	}
	if err := p.Err(); err != nil {
		return nil, err
	}
	var m *custos.Membership
	err := s.db.inTx(ctx, func(tx *Tx) error {
		var userID int64
		if err := tx.GetContext(ctx, &userID, `SELECT id FROM users WHERE email = $1 AND NOT disabled`, email); errors.Is(err, sql.ErrNoRows) {
			return custos.ErrNotAddable("email")
		} else if err != nil {
			return err
		}
		var err error
		m, err = tx.addMember(ctx, teamID, "email", userID, role)
		return err
	})
	return m, err
}

// actorIsOrgAdmin reads from the database, not the authorizer's cache,
// whether the acting account administers the organisation.
func (tx *Tx) actorIsOrgAdmin(ctx context.Context) (bool, error) {
	a := custos.ActorFrom(ctx)
	if a.UserID == 0 {
		return false, nil
	}
	var orgAdmin bool
	err := tx.GetContext(ctx, &orgAdmin, `SELECT org_admin AND NOT disabled FROM users WHERE id = $1`, a.UserID)
	return orgAdmin, err
}

func (tx *Tx) addMember(ctx context.Context, teamID int64, field string, userID int64, role custos.Role) (*custos.Membership, error) {
	var exists bool
	if err := tx.GetContext(ctx, &exists, `SELECT EXISTS (SELECT 1 FROM teams WHERE id = $1)`, teamID); err != nil {
		return nil, err
	} else if !exists {
		return nil, notFound("team")
	}
	orgAdmin, err := tx.actorIsOrgAdmin(ctx)
	if err != nil {
		return nil, err
	}
	actor := custos.ActorFrom(ctx)
	if field == "user_id" {
		// A team admin names by ID only someone already in the team; anyone
		// else by address. Otherwise walking IDs would list every account.
		q, args := `SELECT EXISTS (SELECT 1 FROM users WHERE id = $1)`, []any{userID}
		if !orgAdmin && actor.UserID != 0 {
			q = `SELECT EXISTS (SELECT 1 FROM users u JOIN memberships m ON m.user_id = u.id AND m.team_id = $2
				WHERE u.id = $1 AND NOT u.disabled)`
			args = append(args, teamID)
		}
		if err := tx.GetContext(ctx, &exists, q, args...); err != nil {
			return nil, err
		} else if !exists {
			return nil, custos.ErrNotAddable("user_id")
		}
	}
	if err := custos.CheckMembershipChange(orgAdmin, actor.UserID, userID, role); err != nil {
		return nil, err
	}
	if _, err := tx.ExecContext(ctx, `INSERT INTO memberships (team_id, user_id, role, created_at) VALUES ($1, $2, $3, $4)`,
		teamID, userID, role, tx.now); err != nil {
		return nil, err
	}
	var r membershipRow
	if err := tx.GetContext(ctx, &r, membershipQuery+` WHERE m.team_id = $1 AND m.user_id = $2 AND m.role = $3`,
		teamID, userID, role); err != nil {
		return nil, err
	}
	m := r.membership()
	if err := tx.notifyAuthz(ctx); err != nil {
		return nil, err
	}
	return &m, tx.audit(ctx, custos.NewAuditEvent{TeamID: &teamID, Action: "membership.create", ObjectType: "membership",
		ObjectID: fmt.Sprintf("%d/%d/%s", teamID, userID, role),
		After:    membershipAudit{TeamID: teamID, UserID: userID, UserEmail: m.UserEmail, Role: role}})
}

// RemoveMember takes a role in a team away from a user.
func (s *TeamService) RemoveMember(ctx context.Context, teamID, userID int64, role custos.Role) error {
	if !role.Valid() {
		return custos.Invalid("role", fmt.Sprintf("must be one of %v", custos.Roles))
	}
	return s.db.inTx(ctx, func(tx *Tx) error {
		orgAdmin, err := tx.actorIsOrgAdmin(ctx)
		if err != nil {
			return err
		}
		if err := custos.CheckMembershipChange(orgAdmin, custos.ActorFrom(ctx).UserID, userID, role); err != nil {
			return err
		}
		res, err := tx.ExecContext(ctx, `DELETE FROM memberships WHERE team_id = $1 AND user_id = $2 AND role = $3`,
			teamID, userID, role)
		if err != nil {
			return err
		}
		if n, _ := res.RowsAffected(); n == 0 {
			return notFound("membership")
		}
		if err := tx.notifyAuthz(ctx); err != nil {
			return err
		}
		return tx.audit(ctx, custos.NewAuditEvent{TeamID: &teamID, Action: "membership.delete", ObjectType: "membership",
			ObjectID: fmt.Sprintf("%d/%d/%s", teamID, userID, role),
			Before:   membershipRemovedAudit{TeamID: teamID, UserID: userID, Role: role}})
	})
}

// FindTeamByName returns the team with a name, compared without case.
func (s *TeamService) FindTeamByName(ctx context.Context, name string) (*custos.Team, error) {
	var r teamRow
	if err := s.db.db.GetContext(ctx, &r, `SELECT `+teamColumns+` FROM teams WHERE lower(name) = lower($1)`, name); err != nil {
		return nil, mapErr(orNotFound(err, "team"))
	}
	return r.team(), nil
}
