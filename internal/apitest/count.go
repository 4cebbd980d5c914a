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
// hold a page to a fixed number of queries.
type QueryCounter struct{ n atomic.Int64 }

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
	return &countingConn{conn.(pqConn), c.counter}, nil
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
}

type countingConn struct {
	pqConn
	counter *QueryCounter
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
	return c.pqConn.PrepareContext(ctx, q)
}
