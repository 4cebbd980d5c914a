package postgres

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strings"
	"sync"
	"time"

	"github.com/jmoiron/sqlx"
	"github.com/lib/pq"
)

// Hot statements are the ones every request or every write sends: the
// session lookup, the locked header of a change to one candidate's part,
// the part's upsert and the audit append. Sent unprepared, PostgreSQL
// parses and plans each of them again on every execution, which cost more
// than running them (an answer write: about 1.9 ms of parse and plan
// against 0.6 ms of execution). Prepared once per connection they are only
// bound and executed: still one round trip each.
//
// A statement is marked hot where it is written (hot(`...`) around its
// text); PrepareHot prepares them all on the pool once the schema is there,
// and from then on the Tx and DB helpers below send a hot statement through
// its prepared form on whichever connection runs it (database/sql prepares
// it on a connection the first time that connection runs it, and keeps it
// for the connection's life). Anything not marked, and anything before
// PrepareHot, is sent as before. Only fixed texts are marked: a statement
// whose text varies with the request (sorted lists) would fill the cache;
// a catch-all query ("$1 IS NULL OR …") is better planned for its
// parameters each time, since a generic plan, made without them, cannot use
// an index behind the OR; and catalogue search, whose every shape has a text
// of its own, is not marked either: its generic plan would gather a common
// term through its index whole (catalogue.go).
var hotQueries []string

// hot marks query as hot and returns it unchanged; call it at package level.
func hot(query string) string {
	hotQueries = append(hotQueries, query)
	return query
}

// hotStatements are the prepared hot statements, by text.
type hotStatements struct {
	mu sync.RWMutex
	m  map[string]*sqlx.Stmt
}

func (h *hotStatements) get(query string) *sqlx.Stmt {
	if h == nil {
		return nil
	}
	h.mu.RLock()
	defer h.mu.RUnlock()
	return h.m[query]
}

// PrepareHot prepares the hot statements on the pool. The server calls it
// once at start, after the schema is known to be migrated; a statement that
// does not prepare names the schema as the likely cause.
func (db *DB) PrepareHot(ctx context.Context) error {
	m := make(map[string]*sqlx.Stmt, len(hotQueries))
	for _, q := range hotQueries {
		if m[q] != nil {
			continue
		}
		st, err := db.db.PreparexContext(ctx, q)
		if err != nil {
			for _, s := range m {
				s.Close()
			}
			return fmt.Errorf("prepare %.60q: %w", q, err)
		}
		m[q] = st
	}
	db.hot.mu.Lock()
	old := db.hot.m
	db.hot.m = m
	db.hot.mu.Unlock()
	for _, s := range old {
		s.Close()
	}
	return nil
}

// HotStatements is how many distinct hot statements there are.
func HotStatements() int {
	seen := map[string]bool{}
	for _, q := range hotQueries {
		seen[q] = true
	}
	return len(seen)
}

// The transaction's query methods send a hot statement prepared; they
// shadow sqlx.Tx's so that every call site gets it without knowing.

func (tx *Tx) stmt(ctx context.Context, query string) (*sqlx.Stmt, *sqlx.Stmt) {
	if st := tx.db.hot.get(query); st != nil {
		return st, tx.Tx.StmtxContext(ctx, st)
	}
	return nil, nil
}

// GetContext is sqlx.Tx.GetContext, prepared when the query is hot.
func (tx *Tx) GetContext(ctx context.Context, dest any, query string, args ...any) error {
	if pool, st := tx.stmt(ctx, query); st != nil {
		return tx.db.stale(query, pool, st.GetContext(ctx, dest, args...))
	}
	return tx.Tx.GetContext(ctx, dest, query, args...)
}

// SelectContext is sqlx.Tx.SelectContext, prepared when the query is hot.
func (tx *Tx) SelectContext(ctx context.Context, dest any, query string, args ...any) error {
	if pool, st := tx.stmt(ctx, query); st != nil {
		return tx.db.stale(query, pool, st.SelectContext(ctx, dest, args...))
	}
	return tx.Tx.SelectContext(ctx, dest, query, args...)
}

// ExecContext is sqlx.Tx.ExecContext, prepared when the query is hot.
func (tx *Tx) ExecContext(ctx context.Context, query string, args ...any) (sql.Result, error) {
	if pool, st := tx.stmt(ctx, query); st != nil {
		res, err := st.ExecContext(ctx, args...)
		return res, tx.db.stale(query, pool, err)
	}
	return tx.Tx.ExecContext(ctx, query, args...)
}

// QueryRowxContext is sqlx.Tx.QueryRowxContext, prepared when the query is hot.
func (tx *Tx) QueryRowxContext(ctx context.Context, query string, args ...any) *sqlx.Row {
	if pool, st := tx.stmt(ctx, query); st != nil {
		row := st.QueryRowxContext(ctx, args...)
		tx.db.stale(query, pool, row.Err())
		return row
	}
	return tx.Tx.QueryRowxContext(ctx, query, args...)
}

// getOptional is GetContext for a row that may be missing: nil, not an
// error, when there is none (the domain command then refuses by name).
func getOptional[T any](ctx context.Context, tx *Tx, query string, args ...any) (*T, error) {
	var v T
	if err := tx.GetContext(ctx, &v, query, args...); errors.Is(err, sql.ErrNoRows) {
		return nil, nil
	} else if err != nil {
		return nil, err
	}
	return &v, nil
}

// get and selectAll are the pool's, outside a transaction, prepared when
// hot. A statement whose plan went stale is sent again unprepared at once.
func (db *DB) get(ctx context.Context, dest any, query string, args ...any) error {
	if st := db.hot.get(query); st != nil {
		if err := db.stale(query, st, st.GetContext(ctx, dest, args...)); !errors.Is(err, errStalePlan) {
			return err
		}
	}
	return db.db.GetContext(ctx, dest, query, args...)
}

func (db *DB) selectAll(ctx context.Context, dest any, query string, args ...any) error {
	if st := db.hot.get(query); st != nil {
		if err := db.stale(query, st, st.SelectContext(ctx, dest, args...)); !errors.Is(err, errStalePlan) {
			return err
		}
	}
	return db.db.SelectContext(ctx, dest, query, args...)
}

// errStalePlan marks the error of a hot statement PostgreSQL will no longer
// run as prepared.
var errStalePlan = errors.New("a prepared statement's plan went stale")

// stale passes err on. When it says that a migration, run while this server
// was serving, changed the type of a column the hot statement returns (a
// prepared statement then fails on every connection that prepared it, and
// database/sql never prepares it again), the statement is dropped from the
// hot ones and prepared afresh in the background; until then it is sent
// unprepared. Only the request that met the change fails (a transaction
// cannot go on after an error; a lone read is sent again at once).
func (db *DB) stale(query string, st *sqlx.Stmt, err error) error {
	var pe *pq.Error
	if err == nil || !errors.As(err, &pe) || pe.Code != "0A000" || !strings.Contains(pe.Message, "cached plan must not change result type") {
		return err
	}
	db.hot.mu.Lock()
	if db.hot.m[query] != st { // already dropped by another request
		db.hot.mu.Unlock()
		return fmt.Errorf("%w: %w", errStalePlan, err)
	}
	delete(db.hot.m, query)
	db.hot.mu.Unlock()
	go func() {
		st.Close() // on each connection once it is idle
		ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
		defer cancel()
		fresh, err := db.db.PreparexContext(ctx, query)
		if err != nil {
			return // it stays unprepared
		}
		db.hot.mu.Lock()
		if _, ok := db.hot.m[query]; !ok && db.hot.m != nil {
			db.hot.m[query], fresh = fresh, nil
		}
		db.hot.mu.Unlock()
		if fresh != nil {
			fresh.Close()
		}
	}()
	return fmt.Errorf("%w: %w", errStalePlan, err)
}
