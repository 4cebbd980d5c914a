// Package apitest builds the real stack for tests: a fresh PostgreSQL
// database per test (cloned by pgtestdb from a migrated template), the real
// services, casbin policy and gin router, and an HTTP client whose every
// response is checked against the OpenAPI document.
package apitest

import (
	"context"
	"crypto/sha256"
	"database/sql"
	"encoding/hex"
	"io/fs"
	"net/url"
	"os"
	"sort"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/jmoiron/sqlx"
	_ "github.com/lib/pq"
	"github.com/peterldowns/pgtestdb"

	"github.com/custos-dd/custos/internal/postgres"
	"github.com/custos-dd/custos/internal/secret"
	"github.com/custos-dd/custos/migrations"
)

// migrator applies the embedded migrations to pgtestdb's template database.
type migrator struct{}

// Hash identifies the template by the migrations' names and contents.
func (migrator) Hash() (string, error) {
	h := sha256.New()
	names, err := fs.Glob(migrations.FS, "*.sql")
	if err != nil {
		return "", err
	}
	sort.Strings(names)
	for _, n := range names {
		b, err := fs.ReadFile(migrations.FS, n)
		if err != nil {
			return "", err
		}
		h.Write([]byte(n))
		h.Write(b)
	}
	return hex.EncodeToString(h.Sum(nil))[:16], nil
}

func (migrator) Migrate(ctx context.Context, db *sql.DB, _ pgtestdb.Config) error {
	_, err := postgres.Migrate(ctx, db)
	return err
}

// patientHashing lets password checks wait for a hashing slot as long as a
// test may take: the parallel tests of one package share one process, and
// its few slots, on a busy machine, where a server's one-second wait would
// turn sign-ins away with 503 at random. The bound itself is tested on the
// real binary, with the server's wait.
var patientHashing sync.Once

// ServerConfig is the PostgreSQL server the tests use, from DATABASE_URL
// (make test sets it to a throwaway cluster).
func ServerConfig(t testing.TB) pgtestdb.Config {
	t.Helper()
	patientHashing.Do(func() { secret.SetHashWait(5 * time.Minute) })
	raw := os.Getenv("DATABASE_URL")
	if raw == "" {
		t.Fatal("DATABASE_URL is not set: run the tests with `make test`, which starts a PostgreSQL cluster")
	}
	u, err := url.Parse(raw)
	if err != nil {
		t.Fatalf("DATABASE_URL: %v", err)
	}
	pw, _ := u.User.Password()
	c := pgtestdb.Config{
		DriverName:                "postgres",
		Host:                      u.Hostname(),
		Port:                      u.Port(),
		User:                      u.User.Username(),
		Password:                  pw,
		Database:                  strings.TrimPrefix(u.Path, "/"),
		Options:                   u.RawQuery,
		ForceTerminateConnections: true,
	}
	if c.Options == "" {
		c.Options = "sslmode=disable"
	}
	if !strings.Contains(c.Options, "binary_parameters=") { // as postgres.OpenWith connects
		c.Options += "&binary_parameters=yes"
	}
	return c
}

// NewDB returns a connection to a fresh, migrated database of this test's
// own, and the config of that database (connect as the server's superuser
// by keeping its Database and taking User and Password from ServerConfig).
func NewDB(t testing.TB) (*sqlx.DB, pgtestdb.Config) {
	t.Helper()
	conf := pgtestdb.Custom(t, ServerConfig(t), migrator{})
	db, err := sqlx.Open("postgres", conf.URL())
	if err != nil {
		t.Fatal(err)
	}
	db.SetMaxOpenConns(40)
	t.Cleanup(func() { db.Close() })
	return db, *conf
}

// Superuser connects to the test's database as the server's superuser, which
// can do what the application cannot (disable the audit trail's triggers).
func Superuser(t testing.TB, testDB pgtestdb.Config) *sqlx.DB {
	t.Helper()
	admin := ServerConfig(t)
	admin.Database = testDB.Database
	db, err := sqlx.Open("postgres", admin.URL())
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	return db
}
