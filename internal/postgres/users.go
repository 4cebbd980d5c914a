package postgres

import (
	"context"
	"strconv"
	"time"

	"github.com/custos-dd/custos/internal/custos"
	"github.com/custos-dd/custos/internal/secret"
)

// UserService manages accounts, teams and memberships.
type UserService struct{ db *DB }

// NewUserService returns the account service.
func NewUserService(db *DB) *UserService { return &UserService{db} }

const userColumns = `id, email, name, password_hash, disabled, org_admin, created_at, updated_at`

type userRow struct {
	ID           int64     `db:"id"`
	Email        string    `db:"email"`
	Name         string    `db:"name"`
	PasswordHash string    `db:"password_hash"`
	Disabled     bool      `db:"disabled"`
	OrgAdmin     bool      `db:"org_admin"`
	CreatedAt    time.Time `db:"created_at"`
	UpdatedAt    time.Time `db:"updated_at"`
}

func (r *userRow) user() *custos.User {
	return &custos.User{ID: r.ID, Email: r.Email, Name: r.Name, Disabled: r.Disabled, OrgAdmin: r.OrgAdmin,
		CreatedAt: r.CreatedAt.UTC(), UpdatedAt: r.UpdatedAt.UTC()}
}

// auditUser is what the trail records of an account: never the password hash.
func auditUser(u *custos.User) userAudit {
	return userAudit{Email: u.Email, Name: u.Name, Disabled: u.Disabled, OrgAdmin: u.OrgAdmin}
}

func (tx *Tx) findUser(ctx context.Context, id int64, forUpdate bool) (*userRow, error) {
	q := `SELECT ` + userColumns + ` FROM users WHERE id = $1`
	if forUpdate {
		q += ` FOR UPDATE`
	}
	var r userRow
	if err := tx.GetContext(ctx, &r, q, id); err != nil {
		return nil, orNotFound(err, "user")
	}
	return &r, nil
}

// CreateUser creates an account.
func (s *UserService) CreateUser(ctx context.Context, nu custos.NewUser) (*custos.User, error) {
	if err := nu.Validate(); err != nil {
		return nil, err
	}
	hash, err := hashPassword(ctx, nu.Password)
	if err != nil {
		return nil, err
	}
	var u *custos.User
	err = s.db.inTx(ctx, func(tx *Tx) error {
		var err error
		u, err = tx.createUser(ctx, nu.Email, nu.Name, hash, nu.OrgAdmin)
		return err
	})
	return u, err
}

// hashPassword hashes a new password, answering 503 when the server is
// saturated with password checks.
func hashPassword(ctx context.Context, pw string) (string, error) {
	h, err := secret.HashPassword(ctx, pw)
	if err == secret.ErrBusy {
		return "", custos.ErrBusy()
	} else if err != nil {
		return "", custos.Internal(err)
	}
	return h, nil
}

func (tx *Tx) createUser(ctx context.Context, email, name, hash string, orgAdmin bool) (*custos.User, error) {
	var r userRow
	if err := tx.GetContext(ctx, &r, `
		INSERT INTO users (email, name, password_hash, org_admin, created_at, updated_at)
		VALUES ($1, $2, $3, $4, $5, $5)
		RETURNING `+userColumns,
		email, name, hash, orgAdmin, tx.now); err != nil {
		return nil, err
	}
	u := r.user()
	// Every account is an organisation member for the authorizer.
	if err := tx.notifyAuthz(ctx); err != nil {
		return nil, err
	}
	return u, tx.audit(ctx, custos.NewAuditEvent{Action: "user.create", ObjectType: "user",
		ObjectID: strconv.FormatInt(u.ID, 10), After: auditUser(u)})
}

// FindUser returns one account.
func (s *UserService) FindUser(ctx context.Context, id int64) (*custos.User, error) {
	var r userRow
	err := s.db.db.GetContext(ctx, &r, `SELECT `+userColumns+`
		FROM users WHERE id = $1`, id)
	if err != nil {
		return nil, mapErr(orNotFound(err, "user"))
	}
	return r.user(), nil
}

// ListUsers returns every account, by e-mail address.
func (s *UserService) ListUsers(ctx context.Context) ([]*custos.User, error) {
	var rows []userRow
	if err := s.db.db.SelectContext(ctx, &rows, `SELECT `+userColumns+`
		FROM users ORDER BY email`); err != nil {
		return nil, mapErr(err)
	}
	out := make([]*custos.User, len(rows))
	for i := range rows {
		out[i] = rows[i].user()
	}
	return out, nil
}

// UpdateUser renames, disables, resets the password of an account or makes
// it an organisation admin or not. Disabling or resetting the password ends
// the account's sessions. The last enabled organisation admin can be neither
// disabled nor demoted: nobody would be left to administer.
func (s *UserService) UpdateUser(ctx context.Context, id int64, up custos.UserUpdate) (*custos.User, error) {
	var related []string
	if up.Password != nil {
		// The policy refuses passwords built from the account's own address or name.
		if u, err := s.FindUser(ctx, id); err == nil {
			related = []string{u.Email, u.Name}
		}
	}
	if err := up.Validate(related...); err != nil {
		return nil, err
	}
	var hash *string
	if up.Password != nil {
		h, err := hashPassword(ctx, *up.Password)
		if err != nil {
			return nil, err
		}
		hash = &h
	}
	var out *custos.User
	err := s.db.inTx(ctx, func(tx *Tx) error {
		if (up.Disabled != nil && *up.Disabled) || (up.OrgAdmin != nil && !*up.OrgAdmin) {
			// Lock every enabled organisation admin, so that two admins demoting
			// each other at once cannot both succeed.
			var admins []int64
			if err := tx.SelectContext(ctx, &admins, `SELECT id FROM users WHERE org_admin AND NOT disabled ORDER BY id FOR UPDATE`); err != nil {
				return err
			}
			if len(admins) == 1 && admins[0] == id {
				return custos.Errorf(custos.ECONFLICT, "this is the last organisation admin: make another user organisation admin before disabling or demoting this one")
			}
		}
		old, err := tx.findUser(ctx, id, true)
		if err != nil {
			return err
		}
		before := old.user()
		var r userRow
		if err := tx.GetContext(ctx, &r, `
			UPDATE users SET name = COALESCE($2, name), disabled = COALESCE($3, disabled),
				password_hash = COALESCE($4, password_hash), org_admin = COALESCE($5, org_admin), updated_at = $6
			WHERE id = $1
			RETURNING `+userColumns,
			id, up.Name, up.Disabled, hash, up.OrgAdmin, tx.now); err != nil {
			return err
		}
		if r.OrgAdmin != old.OrgAdmin || r.Disabled != old.Disabled {
			if err := tx.notifyAuthz(ctx); err != nil {
				return err
			}
		}
		out = r.user()
		if (up.Disabled != nil && *up.Disabled) || hash != nil {
			if _, err := tx.ExecContext(ctx, `UPDATE sessions SET ended_at = $2 WHERE user_id = $1 AND ended_at IS NULL`, id, tx.now); err != nil {
				return err
			}
			// A reset after a compromise must shut out tokens made with the old password too.
			if _, err := tx.ExecContext(ctx, `UPDATE api_tokens SET revoked_at = $2 WHERE user_id = $1 AND revoked_at IS NULL`, id, tx.now); err != nil {
				return err
			}
		}
		after := auditUser(out)
		if hash != nil {
			after.PasswordReset = true
		}
		return tx.audit(ctx, custos.NewAuditEvent{Action: "user.update", ObjectType: "user",
			ObjectID: strconv.FormatInt(id, 10), Before: auditUser(before), After: after})
	})
	return out, err
}

// notifyAuthz tells every server, on commit, to reload memberships.
func (tx *Tx) notifyAuthz(ctx context.Context) error {
	_, err := tx.ExecContext(ctx, `SELECT pg_notify($1, '')`, AuthzChannel)
	return err
}

// FindUserByEmail returns the account with an address.
func (s *UserService) FindUserByEmail(ctx context.Context, email string) (*custos.User, error) {
	var r userRow
	err := s.db.db.GetContext(ctx, &r, `SELECT `+userColumns+`
		FROM users WHERE email = $1`, custos.NormalizeEmail(email))
	if err != nil {
		return nil, mapErr(orNotFound(err, "user"))
	}
	return r.user(), nil
}
