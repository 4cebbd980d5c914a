// Package postgres implements the domain services on PostgreSQL with sqlx.
// Each exported method owns its transaction; helpers take the transaction.
package postgres

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"math"
	neturl "net/url"
	"strconv"
	"strings"
	"time"
	"unicode"

	"github.com/jmoiron/sqlx"
	"github.com/lib/pq"
	"github.com/pressly/goose/v3"

	"github.com/custos-dd/custos/internal/custos"
	"github.com/custos-dd/custos/migrations"
)

// AuthzChannel is the NOTIFY channel that tells every server to reload the
// memberships it authorizes with.
const AuthzChannel = "custos_authz"

// DB is the PostgreSQL store.
type DB struct {
	db *sqlx.DB
	// ready is a one-connection pool of its own for the readiness check, so
	// that a pool exhausted by stuck requests does not make it wait.
	ready *sql.DB
	// Now is the clock; tests replace it.
	Now           func() time.Time
	SessionPolicy custos.SessionPolicy
	Throttle      custos.LoginThrottle
	// Freshness says how long assurance documents count (assurance.go).
	Freshness custos.FreshnessPolicy
	// hot are the hot statements once PrepareHot has run (hot.go).
	hot *hotStatements
}

// Settings are the pool's size and the limits put on every connection.
type Settings struct {
	MaxConns int
	// StatementTimeout is PostgreSQL's statement_timeout on every connection;
	// zero leaves the server's default (none). It stops work the server does
	// for a request that has already been answered 503.
	StatementTimeout time.Duration
	// ConnectTimeout bounds opening one connection (lib/pq's connect_timeout,
	// whole seconds); zero means 10 s.
	ConnectTimeout time.Duration
}

// Open connects to the database at url with a pool of maxConns and no
// statement timeout: the command-line tasks (migrations, audit verify) may
// legitimately run long.
func Open(ctx context.Context, url string, maxConns int) (*DB, error) {
	return OpenWith(ctx, url, Settings{MaxConns: maxConns})
}

// OpenWith connects to the database at url with the given settings.
func OpenWith(ctx context.Context, rawURL string, s Settings) (*DB, error) {
	dsn, err := withConnectionLimits(rawURL, s)
	if err != nil {
		return nil, err
	}
	db, err := sqlx.Open("postgres", dsn)
	if err != nil {
		return nil, err
	}
	db.SetMaxOpenConns(s.MaxConns)
	db.SetMaxIdleConns(s.MaxConns)
	db.SetConnMaxIdleTime(5 * time.Minute)
	pctx, cancel := context.WithTimeout(ctx, 10*time.Second)
	defer cancel()
	if err := db.PingContext(pctx); err != nil {
		db.Close()
		return nil, fmt.Errorf("cannot reach the database: %w", err)
	}
	ready, err := sql.Open("postgres", dsn)
	if err != nil {
		db.Close()
		return nil, err
	}
	ready.SetMaxOpenConns(1)
	ready.SetMaxIdleConns(1)
	store := New(db)
	store.ready = ready
	return store, nil
}

// withConnectionLimits adds connect_timeout and statement_timeout to the URL
// unless it already names them (an operator's URL wins).
func withConnectionLimits(rawURL string, s Settings) (string, error) {
	u, err := neturl.Parse(rawURL)
	if err != nil {
		return "", fmt.Errorf("DATABASE_URL: %w", err)
	}
	q := u.Query()
	connect := s.ConnectTimeout
	if connect <= 0 {
		connect = 10 * time.Second
	}
	if q.Get("connect_timeout") == "" {
		q.Set("connect_timeout", strconv.Itoa(int(math.Ceil(connect.Seconds()))))
	}
	// Without binary_parameters lib/pq prepares every parameterised statement
	// in a round trip of its own (Parse/Describe, then Bind/Execute); with it,
	// one round trip per statement (an answer write: 25 → 14 round trips
	// before the statements were folded, now 6).
	if q.Get("binary_parameters") == "" {
		q.Set("binary_parameters", "yes")
	}
	if s.StatementTimeout > 0 && q.Get("statement_timeout") == "" {
		// Any parameter lib/pq does not know is sent as a run-time setting.
		q.Set("statement_timeout", strconv.FormatInt(s.StatementTimeout.Milliseconds(), 10))
	}
	u.RawQuery = q.Encode()
	return u.String(), nil
}

// New wraps an open connection pool.
func New(db *sqlx.DB) *DB {
	// Columns are snake_case; struct fields without a db tag map to them by name.
	db.MapperFunc(snakeCase)
	return &DB{
		db:            db,
		Now:           time.Now,
		SessionPolicy: custos.DefaultSessionPolicy,
		Throttle:      custos.DefaultLoginThrottle,
		Freshness:     custos.DefaultFreshness,
		hot:           &hotStatements{},
	}
}

// Close closes the pool.
func (db *DB) Close() error {
	if db.ready != nil {
		db.ready.Close()
	}
	return db.db.Close()
}

// Ping checks that the database answers, on the readiness check's own
// connection when there is one.
func (db *DB) Ping(ctx context.Context) error {
	if db.ready != nil {
		return db.ready.PingContext(ctx)
	}
	return db.db.PingContext(ctx)
}

// Stats reports the pool's statistics.
func (db *DB) Stats() sql.DBStats { return db.db.Stats() }

// SQL returns the underlying pool, for the metrics collector and tests.
func (db *DB) SQL() *sql.DB { return db.db.DB }

// Migrate applies every pending migration.
func Migrate(ctx context.Context, sqlDB *sql.DB) ([]string, error) {
	fsys, err := fs.Sub(migrations.FS, ".")
	if err != nil {
		return nil, err
	}
	p, err := goose.NewProvider(goose.DialectPostgres, sqlDB, fsys)
	if err != nil {
		return nil, err
	}
	results, err := p.Up(ctx)
	var applied []string
	for _, r := range results {
		applied = append(applied, r.Source.Path)
	}
	return applied, err
}

// Tx is a transaction with the time it started at and the request's actor.
type Tx struct {
	*sqlx.Tx
	db  *DB
	now time.Time
}

func (db *DB) begin(ctx context.Context) (*Tx, error) {
	tx, err := db.db.BeginTxx(ctx, nil)
	if err != nil {
		return nil, custos.Internal(err)
	}
	return &Tx{Tx: tx, db: db, now: db.Now().UTC().Truncate(time.Microsecond)}, nil
}

// inTx runs fn in a transaction and commits when it returns nil.
func (db *DB) inTx(ctx context.Context, fn func(tx *Tx) error) error {
	tx, err := db.begin(ctx)
	if err != nil {
		return err
	}
	defer tx.Rollback()
	if err := fn(tx); err != nil {
		return mapErr(err)
	}
	if err := tx.Commit(); err != nil {
		return mapErr(err)
	}
	return nil
}

// mapErr turns driver errors into domain errors, once for every query.
func mapErr(err error) error {
	if err == nil {
		return nil
	}
	var ce *custos.Error
	if errors.As(err, &ce) {
		return ce
	}
	if errors.Is(err, sql.ErrNoRows) {
		return custos.Errorf(custos.ENOTFOUND, "not found")
	}
	var pe *pq.Error
	if errors.As(err, &pe) {
		switch pe.Code {
		case "23505": // unique_violation
			return custos.Errorf(custos.ECONFLICT, "%s already exists", conflictSubject(pe.Constraint))
		case "23503": // foreign_key_violation
			return custos.Errorf(custos.EINVALID, "a referenced record does not exist")
		case "22021", "22P05": // character_not_in_repertoire, untranslatable_character (NUL)
			return custos.Errorf(custos.EINVALID, "the text contains a character that cannot be stored (such as NUL)")
		case "23001": // restrict_violation, raised by refuse_change()
			return custos.Errorf(custos.ECONFLICT, "%s", pe.Message)
		}
	}
	return custos.Internal(err)
}

func conflictSubject(constraint string) string {
	switch constraint {
	case "users_email_key":
		return "an account with this e-mail address"
	case "teams_name_key":
		return "a team with this name"
	case "memberships_pkey":
		return "this membership"
	case "custodians_name_key":
		return "a custodian with this name"
	case "custodians_slug_key":
		return "a custodian with this slug"
	}
	return "a record with these values"
}

// notFound is the error for a missing object of a kind.
func notFound(kind string) error { return custos.Errorf(custos.ENOTFOUND, "%s not found", kind) }

// jsonValue marshals v for a jsonb column.
func jsonValue(v any) ([]byte, error) {
	if v == nil {
		return nil, nil
	}
	if raw, ok := v.(json.RawMessage); ok {
		return raw, nil
	}
	return json.Marshal(v)
}

// orNotFound reports a missing row as "kind not found" and leaves other errors.
func orNotFound(err error, kind string) error {
	if errors.Is(err, sql.ErrNoRows) {
		return notFound(kind)
	}
	return err
}

// snakeCase maps a Go field name to its column: CreatedAt → created_at, UserID → user_id.
func snakeCase(name string) string {
	var b strings.Builder
	runes := []rune(name)
	for i, r := range runes {
		if unicode.IsUpper(r) {
			prevLower := i > 0 && unicode.IsLower(runes[i-1])
			nextLower := i+1 < len(runes) && unicode.IsLower(runes[i+1]) && i > 0 && unicode.IsUpper(runes[i-1])
			if prevLower || nextLower {
				b.WriteByte('_')
			}
			b.WriteRune(unicode.ToLower(r))
		} else {
			b.WriteRune(r)
		}
	}
	return b.String()
}

func trimmed(s string) string { return strings.TrimSpace(s) }
