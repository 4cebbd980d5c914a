package postgres_test

import (
	"context"
	"database/sql"
	"database/sql/driver"
	"encoding/json"
	"os"
	"regexp"
	"strings"
	"sync"
	"testing"

	"github.com/jmoiron/sqlx"
	"github.com/lib/pq"

	"github.com/custos-dd/custos/internal/apitest"
	"github.com/custos-dd/custos/internal/custos"
	"github.com/custos-dd/custos/internal/memo"
	"github.com/custos-dd/custos/internal/postgres"
	"github.com/custos-dd/custos/internal/signing"
)

// Every list and search query, as the services send it, is planned over a
// large generated database (10,000 custodians, 100,000 audit events, 5,000
// evaluations and memos) and must not read a large table sequentially.
// Lists that return a whole small table (teams, users, templates) are not
// here: reading all of it is what they are for.
func TestListAndSearchQueriesUseIndexesOnALargeDatabase(t *testing.T) {
	t.Parallel()
	env := apitest.New(t)
	teams := env.SeedDemo()
	team := teams["Demo Treasury"]
	officer, manager := env.As("officer@example.com"), env.As("manager2@example.com")
	approved := env.ApprovedEvaluation(officer, manager, team, 2)
	generateLargeDatabase(t, env.SQL, team)

	rec := &recorder{}
	base, err := pq.NewConnector(env.Conf.URL())
	if err != nil {
		t.Fatal(err)
	}
	sqlDB := sqlx.NewDb(sql.OpenDB(recordingConnector{base, rec}), "postgres")
	t.Cleanup(func() { sqlDB.Close() })
	store := postgres.New(sqlDB)
	store.Now = env.Clock.Now
	catalogue := postgres.NewCatalogueService(store)
	audit := postgres.NewAuditService(store)
	evals := postgres.NewEvaluationService(store)
	renderer, err := memo.NewRenderer()
	if err != nil {
		t.Fatal(err)
	}
	signer, err := signing.NewDevelopment(env.Clock.Now())
	if err != nil {
		t.Fatal(err)
	}
	memos := postgres.NewMemoService(store, evals, renderer, signer, signer.Verifier())
	yes := true

	calls := []struct {
		name string
		call func(ctx context.Context) error
	}{
		{"catalogue, first page", func(ctx context.Context) error {
			_, err := catalogue.ListCustodians(ctx, custos.CustodianFilter{})
			return err
		}},
		{"catalogue search, a match", func(ctx context.Context) error {
			_, err := catalogue.ListCustodians(ctx, custos.CustodianFilter{Query: "Anchorage"})
			return err
		}},
		{"catalogue search, no match", func(ctx context.Context) error {
			_, err := catalogue.ListCustodians(ctx, custos.CustodianFilter{Query: "zzqxw nothing"})
			return err
		}},
		{"catalogue search, a legal entity word, qualified only", func(ctx context.Context) error {
			_, err := catalogue.ListCustodians(ctx, custos.CustodianFilter{Query: "trust company", Qualified: &yes})
			return err
		}},
		{"audit trail, newest", func(ctx context.Context) error {
			_, err := audit.ListAuditEvents(ctx, custos.AuditFilter{Limit: 50})
			return err
		}},
		{"audit trail of a team", func(ctx context.Context) error {
			_, err := audit.ListAuditEvents(ctx, custos.AuditFilter{TeamID: &team, Limit: 50})
			return err
		}},
		{"evaluations of a team", func(ctx context.Context) error {
			_, err := evals.ListEvaluations(ctx, custos.EvaluationFilter{TeamID: team, Limit: 50})
			return err
		}},
		{"draft evaluations of a team", func(ctx context.Context) error {
			_, err := evals.ListEvaluations(ctx, custos.EvaluationFilter{TeamID: team, Status: custos.StatusDraft, Limit: 50})
			return err
		}},
		{"memos of a team", func(ctx context.Context) error {
			_, err := memos.ListMemos(ctx, custos.MemoFilter{TeamID: team, Limit: 50})
			return err
		}},
		{"memo issue (its approval lookup)", func(context.Context) error {
			_, err := memos.IssueMemo(manager, approved.Evaluation.ID)
			return err
		}},
	}
	large := largeTables(t, env.SQL)
	for _, c := range calls {
		rec.reset()
		if err := c.call(officer); err != nil {
			t.Fatalf("%s: %v", c.name, err)
		}
		usedTrigrams := false
		for _, q := range rec.taken() {
			if !strings.HasPrefix(strings.TrimSpace(q.query), "SELECT") && !strings.HasPrefix(strings.TrimSpace(q.query), "WITH") {
				continue
			}
			for _, scanned := range seqScans(t, env.SQL, q) {
				usedTrigrams = usedTrigrams || scanned == "index:custodians_search_trgm"
				if large[scanned] {
					t.Errorf("%s reads %s sequentially:\n%s", c.name, scanned, q.query)
				}
			}
		}
		// Walking the name index in order and filtering reads every custodian
		// when nothing matches: a search must go through the trigrams.
		if strings.HasPrefix(c.name, "catalogue search") && !usedTrigrams {
			t.Errorf("%s does not use the trigram index", c.name)
		}
	}
	catalogueSearchReadsBoundedRows(t, env, catalogue, rec, officer)
}

// generateLargeDatabase adds what grows with use, in bulk.
func generateLargeDatabase(t *testing.T, db *sqlx.DB, team int64) {
	t.Helper()
	for _, q := range []string{
		`INSERT INTO custodians (slug, name, legal_entity, qualified_custodian, regions, key_management, staking, notes, created_at, updated_at)
			SELECT 'generated-' || g, 'Generated Custody ' || g, 'Generated Custody Holdings ' || g || ' Ltd', g % 2 = 0,
				ARRAY['US', 'EU'], ARRAY['mpc'], g % 3 = 0, 'Notes ' || md5(g::text), now(), now()
			FROM generate_series(1, 10000) g`,
		`INSERT INTO evaluations (team_id, title, template_id, mandate, owner_id, created_at, updated_at)
			SELECT CASE WHEN g % 2 = 0 THEN $1::bigint ELSE (SELECT max(id) FROM teams) END, 'Generated RFP ' || g, 1, '{}',
				(SELECT min(id) FROM users), now(), now()
			FROM generate_series(1, 5000) g`,
		`INSERT INTO memos (evaluation_id, team_id, title, sha256, size, signer_fingerprint, snapshot_hash,
				audit_head_seq, audit_head_hash, pdf, issued_by, issued_at)
			SELECT e.id, e.team_id, e.title, sha256(('memo ' || e.id)::bytea), 10, repeat('0', 64), '\x00', 1, '\x00',
				'%PDF-1.4', e.owner_id, now()
			FROM evaluations e WHERE e.title LIKE 'Generated RFP %'`,
		// Numbers far above the chain's head: the chain is not what is tested here.
		`INSERT INTO audit_events (seq, occurred_at, actor, team_id, action, object_type, object_id, prev_hash, hash)
			SELECT 1000000 + g, now(), 'officer@example.com', CASE WHEN g % 2 = 0 THEN $1::bigint END,
				'answer.put', 'evaluation', (g % 5000)::text, '\x00', '\x00'
			FROM generate_series(1, 100000) g`,
		`VACUUM ANALYZE`, // as autovacuum leaves them: statistics, and the GIN pending list merged
	} {
		var args []any
		if strings.Contains(q, "$1") {
			args = append(args, team)
		}
		if _, err := db.Exec(q, args...); err != nil {
			t.Fatalf("generating the large database: %v\n%s", err, q)
		}
	}
}

// largeTables are the tables of more than a thousand rows.
func largeTables(t *testing.T, db *sqlx.DB) map[string]bool {
	t.Helper()
	var names []string
	if err := db.Select(&names, `SELECT relname FROM pg_class WHERE relkind = 'r' AND reltuples > 1000
		AND relnamespace = 'public'::regnamespace`); err != nil {
		t.Fatal(err)
	}
	large := map[string]bool{}
	for _, n := range names {
		large[n] = true
	}
	if !large["custodians"] || !large["audit_events"] || !large["evaluations"] || !large["memos"] {
		t.Fatalf("the generated tables are not all large: %v", names)
	}
	return large
}

// seqScans plans q with its arguments and returns the tables it reads
// sequentially, and the indexes it uses as "index:NAME".
func seqScans(t *testing.T, db *sqlx.DB, q recorded) []string {
	t.Helper()
	// A read is executed (ANALYZE), so that a branch its one-time filter
	// skips (the catalogue search's dense and sparse paths) counts for
	// nothing; a statement that writes is only planned.
	explain := "EXPLAIN (FORMAT JSON) "
	if !regexp.MustCompile(`(?i)\b(INSERT|UPDATE|DELETE)\b`).MatchString(q.query) {
		explain = "EXPLAIN (ANALYZE, FORMAT JSON) "
	}
	var plan string
	if err := db.QueryRow(explain+q.query, q.args...).Scan(&plan); err != nil {
		t.Fatalf("EXPLAIN: %v\n%s", err, q.query)
	}
	if os.Getenv("EXPLAIN_DEBUG") != "" {
		t.Log(plan)
	}
	var doc []struct{ Plan planNode }
	if err := json.Unmarshal([]byte(plan), &doc); err != nil {
		t.Fatal(err)
	}
	var out []string
	var walk func(n planNode)
	walk = func(n planNode) {
		if n.Loops != nil && *n.Loops == 0 {
			return // never executed
		}
		if n.NodeType == "Seq Scan" {
			out = append(out, n.Relation)
		}
		if n.Index != "" {
			out = append(out, "index:"+n.Index)
		}
		for _, c := range n.Plans {
			walk(c)
		}
	}
	for _, d := range doc {
		walk(d.Plan)
	}
	return out
}

type planNode struct {
	NodeType string     `json:"Node Type"`
	Relation string     `json:"Relation Name"`
	Index    string     `json:"Index Name"`
	Loops    *float64   `json:"Actual Loops"`
	Plans    []planNode `json:"Plans"`
}

// recorder keeps the statements a connection sends, with their arguments.
type recorder struct {
	mu   sync.Mutex
	sent []recorded
}

type recorded struct {
	query string
	args  []any
}

func (r *recorder) add(q string, args []driver.NamedValue) {
	r.mu.Lock()
	defer r.mu.Unlock()
	vals := make([]any, len(args))
	for i, a := range args {
		vals[i] = a.Value
	}
	r.sent = append(r.sent, recorded{q, vals})
}

func (r *recorder) reset() { r.mu.Lock(); r.sent = nil; r.mu.Unlock() }

func (r *recorder) taken() []recorded {
	r.mu.Lock()
	defer r.mu.Unlock()
	return append([]recorded(nil), r.sent...)
}

type recordingConnector struct {
	driver.Connector
	rec *recorder
}

func (c recordingConnector) Connect(ctx context.Context) (driver.Conn, error) {
	conn, err := c.Connector.Connect(ctx)
	if err != nil {
		return nil, err
	}
	return &recordingConn{conn.(recordedConn), c.rec}, nil
}

type recordedConn interface {
	driver.Conn
	driver.ConnBeginTx
	driver.QueryerContext
	driver.ExecerContext
}

type recordingConn struct {
	recordedConn
	rec *recorder
}

func (c *recordingConn) QueryContext(ctx context.Context, q string, args []driver.NamedValue) (driver.Rows, error) {
	c.rec.add(q, args)
	return c.recordedConn.QueryContext(ctx, q, args)
}

func (c *recordingConn) ExecContext(ctx context.Context, q string, args []driver.NamedValue) (driver.Result, error) {
	c.rec.add(q, args)
	return c.recordedConn.ExecContext(ctx, q, args)
}
