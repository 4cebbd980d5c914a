package postgres_test

import (
	"context"
	"sync"
	"testing"
	"time"

	"github.com/custos-dd/custos/internal/apitest"
	"github.com/custos-dd/custos/internal/custos"
	"github.com/custos-dd/custos/internal/postgres"
)

// A fresh server's first workspace reads must not deadlock the pool: no read
// may wait for a second connection while it holds one (issue 9, item 16).
// With two connections and sixteen concurrent first reads of different
// evaluations, a read that asked the pool for the template while holding its
// transaction's connection would wait for ever.
func TestFirstWorkspaceReadsDoNotDeadlockASmallPool(t *testing.T) {
	t.Parallel()
	env := apitest.New(t)
	teams := env.SeedDemo()
	officer := env.As("officer@example.com")
	var ids []int64
	for range 16 {
		ids = append(ids, env.OpenEvaluation(officer, teams["Demo Treasury"], 1, 4).Evaluation.ID)
	}

	env.SQL.SetMaxOpenConns(2)
	fresh := postgres.NewEvaluationService(env.Store) // an empty template cache, as at start
	ctx, cancel := context.WithTimeout(officer, 60*time.Second)
	defer cancel()
	errs := make([]error, len(ids))
	var wg sync.WaitGroup
	for i, id := range ids {
		wg.Go(func() {
			ws, err := fresh.Workspace(ctx, id)
			if err == nil && ws.Evaluation.ID != id {
				err = custos.Errorf(custos.EINTERNAL, "read evaluation %d, want %d", ws.Evaluation.ID, id)
			}
			errs[i] = err
		})
	}
	wg.Wait()
	for i, err := range errs {
		if err != nil {
			t.Errorf("first read of evaluation %d with a pool of 2: %v", ids[i], err)
		}
	}
}
