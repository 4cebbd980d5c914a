package apitest

import (
	"context"
	"database/sql"
	"database/sql/driver"
	"sync/atomic"
	"testing"

	"github.com/jmoiron/sqlx"
	"github.com/lib/pq"
	"github.com/peterldowns/pgtestdb"
)

// QueryCounter counts the statements the application sends, so tests can
// hold a page to a fixed number of queries. A prepared statement counts
// each time it runs, and its preparation counts once, when its connection
// prepares it.
type QueryCounter struct {
	n atomic.Int64
	// reprepared counts preparations of a text its connection had already
	// prepared: a hot statement is prepared once per connection.
	reprepared atomic.Int64
	// prepares counts preparations; executions counts runs of prepared statements.
	prepares, executions atomic.Int64
}

// Prepared returns how many statements connections prepared, and how many
// times prepared statements ran.
func (q *QueryCounter) Prepared() (prepares, executions int64) {
	return q.prepares.Load(), q.executions.Load()
}

// Reprepared returns how many times a connection prepared a statement it
// had prepared before.
func (q *QueryCounter) Reprepared() int64 { return q.reprepared.Load() }

// Count returns the number of statements so far.
func (q *QueryCounter) Count() int64 { return q.n.Load() }

// During returns how many statements fn sent.
func (q *QueryCounter) During(fn func()) int64 {
	before := q.Count()
	fn()
	return q.Count() - before
}

// newCountedDB is NewDB whose connections count their statements.
func newCountedDB(t testing.TB) (*sqlx.DB, pgtestdb.Config, *QueryCounter) {
	t.Helper()
	conf := pgtestdb.Custom(t, ServerConfig(t), migrator{})
	base, err := pq.NewConnector(conf.URL())
	if err != nil {
		t.Fatal(err)
	}
	counter := &QueryCounter{}
	db := sqlx.NewDb(sql.OpenDB(countingConnector{base, counter}), "postgres")
	db.SetMaxOpenConns(40)
	t.Cleanup(func() { db.Close() })
	return db, *conf, counter
}

type countingConnector struct {
	driver.Connector
	counter *QueryCounter
}

func (c countingConnector) Connect(ctx context.Context) (driver.Conn, error) {
	conn, err := c.Connector.Connect(ctx)
	if err != nil {
		return nil, err
	}
	return &countingConn{pqConn: conn.(pqConn), counter: c.counter, prepared: map[string]bool{}}, nil
}

// pqConn is what lib/pq's connection implements and database/sql uses.
type pqConn interface {
	driver.Conn
	driver.ConnBeginTx
	driver.ConnPrepareContext
	driver.QueryerContext
	driver.ExecerContext
	driver.Pinger
	driver.SessionResetter
	driver.NamedValueChecker
}

// countingConn is used by one goroutine at a time (database/sql's rule), so
// prepared needs no lock.
type countingConn struct {
	pqConn
	counter  *QueryCounter
	prepared map[string]bool
}

func (c *countingConn) QueryContext(ctx context.Context, q string, args []driver.NamedValue) (driver.Rows, error) {
	c.counter.n.Add(1)
	return c.pqConn.QueryContext(ctx, q, args)
}

func (c *countingConn) ExecContext(ctx context.Context, q string, args []driver.NamedValue) (driver.Result, error) {
	c.counter.n.Add(1)
	return c.pqConn.ExecContext(ctx, q, args)
}

func (c *countingConn) PrepareContext(ctx context.Context, q string) (driver.Stmt, error) {
	c.counter.n.Add(1)
	c.counter.prepares.Add(1)
	st, err := c.pqConn.PrepareContext(ctx, q)
	if err != nil {
		return nil, err
	}
	if c.prepared[q] {
		c.counter.reprepared.Add(1)
	}
	c.prepared[q] = true
	return &countingStmt{st.(pqStmt), c.counter}, nil
}

// pqStmt is what lib/pq's prepared statement implements.
type pqStmt interface {
	driver.Stmt
	driver.StmtExecContext
	driver.StmtQueryContext
}

type countingStmt struct {
	pqStmt
	counter *QueryCounter
}

func (s *countingStmt) QueryContext(ctx context.Context, args []driver.NamedValue) (driver.Rows, error) {
	s.counter.n.Add(1)
	s.counter.executions.Add(1)
	return s.pqStmt.QueryContext(ctx, args)
}

func (s *countingStmt) ExecContext(ctx context.Context, args []driver.NamedValue) (driver.Result, error) {
	s.counter.n.Add(1)
	s.counter.executions.Add(1)
	return s.pqStmt.ExecContext(ctx, args)
}
