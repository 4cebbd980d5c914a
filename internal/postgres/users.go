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

type userRow struct {
	ID           int64     `db:"id"`
	Email        string    `db:"email"`
	Name         string    `db:"name"`
	PasswordHash string    `db:"password_hash"`
	Disabled     bool      `db:"disabled"`
	CreatedAt    time.Time `db:"created_at"`
	UpdatedAt    time.Time `db:"updated_at"`
}

func (r *userRow) user() *custos.User {
	return &custos.User{ID: r.ID, Email: r.Email, Name: r.Name, Disabled: r.Disabled,
		CreatedAt: r.CreatedAt.UTC(), UpdatedAt: r.UpdatedAt.UTC()}
}

// auditUser is what the trail records of an account: never the password hash.
func auditUser(u *custos.User) userAudit {
	return userAudit{Email: u.Email, Name: u.Name, Disabled: u.Disabled}
}

func (tx *Tx) findUser(ctx context.Context, id int64, forUpdate bool) (*userRow, error) {
	q := `SELECT id, email, name, password_hash, disabled, created_at, updated_at FROM users WHERE id = $1`
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
	hash, err := secret.HashPassword(nu.Password)
	if err != nil {
		return nil, custos.Internal(err)
	}
	var u *custos.User
	err = s.db.inTx(ctx, func(tx *Tx) error {
		var err error
		u, err = tx.createUser(ctx, nu.Email, nu.Name, hash)
		return err
	})
	return u, err
}

func (tx *Tx) createUser(ctx context.Context, email, name, hash string) (*custos.User, error) {
	var r userRow
	if err := tx.GetContext(ctx, &r, `
		INSERT INTO users (email, name, password_hash, created_at, updated_at)
		VALUES ($1, $2, $3, $4, $4)
		RETURNING id, email, name, password_hash, disabled, created_at, updated_at`,
		email, name, hash, tx.now); err != nil {
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
	err := s.db.db.GetContext(ctx, &r, `SELECT id, email, name, password_hash, disabled, created_at, updated_at
		FROM users WHERE id = $1`, id)
	if err != nil {
		return nil, mapErr(orNotFound(err, "user"))
	}
	return r.user(), nil
}

// ListUsers returns every account, by e-mail address.
func (s *UserService) ListUsers(ctx context.Context) ([]*custos.User, error) {
	var rows []userRow
	if err := s.db.db.SelectContext(ctx, &rows, `SELECT id, email, name, password_hash, disabled, created_at, updated_at
		FROM users ORDER BY email`); err != nil {
		return nil, mapErr(err)
	}
	out := make([]*custos.User, len(rows))
	for i := range rows {
		out[i] = rows[i].user()
	}
	return out, nil
}

// UpdateUser renames, disables or resets the password of an account.
// Disabling or resetting the password ends the account's sessions.
func (s *UserService) UpdateUser(ctx context.Context, id int64, up custos.UserUpdate) (*custos.User, error) {
	if err := up.Validate(); err != nil {
		return nil, err
	}
	var hash *string
	if up.Password != nil {
		h, err := secret.HashPassword(*up.Password)
		if err != nil {
			return nil, custos.Internal(err)
		}
		hash = &h
	}
	var out *custos.User
	err := s.db.inTx(ctx, func(tx *Tx) error {
		old, err := tx.findUser(ctx, id, true)
		if err != nil {
			return err
		}
		before := old.user()
		var r userRow
		if err := tx.GetContext(ctx, &r, `
			UPDATE users SET name = COALESCE($2, name), disabled = COALESCE($3, disabled),
				password_hash = COALESCE($4, password_hash), updated_at = $5
			WHERE id = $1
			RETURNING id, email, name, password_hash, disabled, created_at, updated_at`,
			id, up.Name, up.Disabled, hash, tx.now); err != nil {
			return err
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
	err := s.db.db.GetContext(ctx, &r, `SELECT id, email, name, password_hash, disabled, created_at, updated_at
		FROM users WHERE email = $1`, custos.NormalizeEmail(email))
	if err != nil {
		return nil, mapErr(orNotFound(err, "user"))
	}
	return r.user(), nil
}
