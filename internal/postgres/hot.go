package postgres

import (
	"context"
	"database/sql"
	"fmt"
	"sync"

	"github.com/jmoiron/sqlx"
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
// whose text varies with the request (catalogue search's filters, sorted
// lists) would fill the cache, and a catch-all query of that kind is better
// planned for its parameters each time.
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

func (tx *Tx) stmt(ctx context.Context, query string) *sqlx.Stmt {
	if st := tx.db.hot.get(query); st != nil {
		return tx.Tx.StmtxContext(ctx, st)
	}
	return nil
}

// GetContext is sqlx.Tx.GetContext, prepared when the query is hot.
func (tx *Tx) GetContext(ctx context.Context, dest any, query string, args ...any) error {
	if st := tx.stmt(ctx, query); st != nil {
		return st.GetContext(ctx, dest, args...)
	}
	return tx.Tx.GetContext(ctx, dest, query, args...)
}

// SelectContext is sqlx.Tx.SelectContext, prepared when the query is hot.
func (tx *Tx) SelectContext(ctx context.Context, dest any, query string, args ...any) error {
	if st := tx.stmt(ctx, query); st != nil {
		return st.SelectContext(ctx, dest, args...)
	}
	return tx.Tx.SelectContext(ctx, dest, query, args...)
}

// ExecContext is sqlx.Tx.ExecContext, prepared when the query is hot.
func (tx *Tx) ExecContext(ctx context.Context, query string, args ...any) (sql.Result, error) {
	if st := tx.stmt(ctx, query); st != nil {
		return st.ExecContext(ctx, args...)
	}
	return tx.Tx.ExecContext(ctx, query, args...)
}

// QueryRowxContext is sqlx.Tx.QueryRowxContext, prepared when the query is hot.
func (tx *Tx) QueryRowxContext(ctx context.Context, query string, args ...any) *sqlx.Row {
	if st := tx.stmt(ctx, query); st != nil {
		return st.QueryRowxContext(ctx, args...)
	}
	return tx.Tx.QueryRowxContext(ctx, query, args...)
}

// get and exec are the pool's, outside a transaction, prepared when hot.
func (db *DB) get(ctx context.Context, dest any, query string, args ...any) error {
	if st := db.hot.get(query); st != nil {
		return st.GetContext(ctx, dest, args...)
	}
	return db.db.GetContext(ctx, dest, query, args...)
}

func (db *DB) exec(ctx context.Context, query string, args ...any) (sql.Result, error) {
	if st := db.hot.get(query); st != nil {
		return st.ExecContext(ctx, args...)
	}
	return db.db.ExecContext(ctx, query, args...)
}
