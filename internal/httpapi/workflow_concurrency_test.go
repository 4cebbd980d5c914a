package httpapi_test

// Concurrency of the evaluation workflow (issue 3, item 8): officers
// answering different items at once all succeed; fifty concurrent approvals
// or returns of one submission change its state once, with one audit event,
// and the rest get 409.
//
// apitest.Client reports through t.Errorf only (safe from any goroutine);
// results are collected in the goroutines and asserted here.

import (
	"fmt"
	"net/http"
	"sync"
	"testing"
	"time"

	"github.com/custos-dd/custos/internal/apitest"
	"github.com/custos-dd/custos/internal/custos"
	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"
)

// race runs fn for every index at once (as near as a start barrier gets)
// and returns the statuses.
func race(n int, fn func(i int) *apitest.Response) []int {
	statuses := make([]int, n)
	var wg sync.WaitGroup
	startLine := make(chan struct{})
	for i := 0; i < n; i++ {
		wg.Add(1)
		go func(i int) {
			defer wg.Done()
			<-startLine
			statuses[i] = fn(i).Status
		}(i)
	}
	close(startLine)
	wg.Wait()
	return statuses
}

func countStatuses(statuses []int) map[int]int {
	out := map[int]int{}
	for _, s := range statuses {
		out[s]++
	}
	return out
}

// auditCount counts a team's audit events of an action on an object.
func auditCount(t *testing.T, c *apitest.Client, team int64, action, objectID string) int {
	t.Helper()
	n := 0
	for _, e := range apitest.TeamAudit(t, c, team) {
		if e.Action == action && e.ObjectID == objectID {
			n++
		}
	}
	return n
}

func TestConcurrency_TwoOfficersAnsweringDifferentItemsAtOnceAllSucceed(t *testing.T) {
	t.Parallel()
	k := apitest.NewKit(t)
	officers := []*apitest.Client{k.Officer, k.Env.Login("officer2@example.com")}
	officerIDs := []int64{k.UserID("officer@example.com"), k.UserID("officer2@example.com")}
	coinbase, anchorage := k.Custodian("coinbase-prime-custody"), k.Custodian("anchorage-digital-bank")
	ws := k.Open(k.Officer, apitest.USMandate(), coinbase, anchorage)
	id := ws.Evaluation.ID
	items := k.Template.Items()

	// 40 writes: officer i%2 answers item i/2 of candidate i%2, so the two
	// officers work on different candidates' items side by side.
	const n = 40
	type job struct {
		officer   int
		custodian int64
		item      int64
	}
	jobs := make([]job, n)
	for i := range jobs {
		cand := coinbase
		if i%2 == 1 {
			cand = anchorage
		}
		jobs[i] = job{i % 2, cand, items[i/2].ID}
	}
	start := time.Now()
	statuses := race(n, func(i int) *apitest.Response {
		j := jobs[i]
		return officers[j.officer].Do(http.MethodPut, apitest.AnswerPath(id, j.custodian, j.item),
			map[string]string{"status": "partly_met", "note": fmt.Sprintf("answered by officer %d as job %d", j.officer+1, i)})
	})
	t.Logf("%d concurrent answers in %v", n, time.Since(start).Round(time.Millisecond))
	if got := countStatuses(statuses); got[http.StatusOK] != n {
		t.Fatalf("statuses %v, want %d × 200", got, n)
	}

	after := k.Workspace(k.Officer, id)
	stored := map[string]custos.Answer{}
	for _, a := range after.Assessments {
		for _, ans := range a.Answers {
			stored[fmt.Sprintf("%d/%d", a.Custodian.ID, ans.ItemID)] = ans
		}
	}
	for i, j := range jobs {
		ans := stored[fmt.Sprintf("%d/%d", j.custodian, j.item)]
		want := custos.Answer{ItemID: j.item, Status: custos.AnswerPartlyMet, Note: fmt.Sprintf("answered by officer %d as job %d", j.officer+1, i),
			Version: 1, UpdatedBy: &officerIDs[j.officer]}
		if diff := cmp.Diff(want, ans, cmpopts.IgnoreFields(custos.Answer{}, "UpdatedAt")); diff != "" {
			t.Errorf("job %d: stored answer (-want +got):\n%s", i, diff)
		}
	}
	var byOfficer [2]int
	if err := k.Env.SQL.Get(&byOfficer[0], `SELECT count(*) FROM answers WHERE evaluation_id = $1 AND updated_by = $2`, id, officerIDs[0]); err != nil {
		t.Fatal(err)
	}
	if err := k.Env.SQL.Get(&byOfficer[1], `SELECT count(*) FROM answers WHERE evaluation_id = $1 AND updated_by = $2`, id, officerIDs[1]); err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff([2]int{n / 2, n / 2}, byOfficer); diff != "" {
		t.Errorf("answers by officer (-want +got):\n%s", diff)
	}
	// Every write moved the workspace version on exactly once.
	if after.Evaluation.Version != ws.Evaluation.Version+n {
		t.Errorf("version %d after %d writes from %d", after.Evaluation.Version, n, ws.Evaluation.Version)
	}
	// The audit chain stayed whole under concurrent appends.
	auditor := k.Env.Login("auditor@example.com")
	res := auditor.Do(http.MethodGet, "/api/v1/audit/verify", nil)
	apitest.ExpectStatus(t, res, http.StatusOK)
	if report := apitest.Decode[custos.ChainReport](t, res); !report.Valid {
		t.Errorf("the audit chain breaks under concurrent writes: %s", res.Body)
	}
	puts := 0
	for _, e := range apitest.TeamAudit(t, auditor, k.Treasury) {
		if e.Action == "answer.put" {
			puts++
		}
	}
	if puts != n {
		t.Errorf("%d answer.put events, want %d", puts, n)
	}
}

func TestConcurrency_FiftyApprovalsOfOneSubmissionApproveOnce(t *testing.T) {
	t.Parallel()
	begin := time.Now()
	k := apitest.NewKit(t)
	managers := k.Managers(50)
	ws := k.Submittable()
	id := ws.Evaluation.ID
	k.Submit(k.Officer, id)

	start := time.Now()
	statuses := race(len(managers), func(i int) *apitest.Response {
		return apitest.Decide(managers[i], id, "approve", fmt.Sprintf("approved by manager %d", i))
	})
	t.Logf("50 concurrent approvals in %v", time.Since(start).Round(time.Millisecond))
	if diff := cmp.Diff(map[int]int{http.StatusOK: 1, http.StatusConflict: len(managers) - 1}, countStatuses(statuses)); diff != "" {
		t.Fatalf("statuses of the racing decisions (-want +got):\n%s", diff)
	}

	ws = k.Workspace(k.Officer, id)
	expectStanding(t, "after the race", ws, standing{Status: custos.StatusApproved, Round: 1, Required: 1, Received: 1})
	if len(ws.Approvals) != 1 {
		t.Fatalf("after the race: %d approvals listed, want 1", len(ws.Approvals))
	}
	var stored int
	if err := k.Env.SQL.Get(&stored, `SELECT count(*) FROM approvals WHERE evaluation_id = $1`, id); err != nil || stored != 1 {
		t.Fatalf("%d approval rows (%v), want 1", stored, err)
	}
	auditor := k.Env.Login("auditor@example.com")
	if n := auditCount(t, auditor, k.Treasury, "evaluation.approve", fmt.Sprint(id)); n != 1 {
		t.Errorf("%d evaluation.approve events, want exactly 1", n)
	}

	// With two approvals required, the same fifty managers produce exactly
	// two approvals, each counted once.
	k.SetApprovalsRequired(2)
	second := k.Submittable().Evaluation.ID
	k.Submit(k.Officer, second)
	statuses = race(len(managers), func(i int) *apitest.Response { return apitest.Decide(managers[i], second, "approve", nil) })
	if diff := cmp.Diff(map[int]int{http.StatusOK: 2, http.StatusConflict: len(managers) - 2}, countStatuses(statuses)); diff != "" {
		t.Fatalf("two required: statuses of the racing approvals (-want +got):\n%s", diff)
	}
	ws = k.Workspace(k.Officer, second)
	expectStanding(t, "two required, after the race", ws, standing{Status: custos.StatusApproved, Round: 1, Required: 2, Received: 2})
	approvers := map[int64]bool{}
	for _, a := range ws.Approvals {
		approvers[a.ManagerID] = true
	}
	if len(ws.Approvals) != 2 || len(approvers) != 2 {
		t.Fatalf("two required: want two approvals by two managers, got %+v", ws.Approvals)
	}
	if n := auditCount(t, auditor, k.Treasury, "evaluation.approve", fmt.Sprint(second)); n != 2 {
		t.Errorf("two required: %d evaluation.approve events, want 2", n)
	}
	t.Logf("whole test: %v", time.Since(begin).Round(time.Millisecond))
}

func TestConcurrency_FiftyReturnsOfOneSubmissionReturnOnce(t *testing.T) {
	t.Parallel()
	begin := time.Now()
	k := apitest.NewKit(t)
	managers := k.Managers(50)
	ws := k.Submittable()
	id := ws.Evaluation.ID
	k.Submit(k.Officer, id)

	statuses := race(len(managers), func(i int) *apitest.Response {
		return apitest.Decide(managers[i], id, "return", fmt.Sprintf("returned by manager %d: explain the fees", i))
	})
	if diff := cmp.Diff(map[int]int{http.StatusOK: 1, http.StatusConflict: len(managers) - 1}, countStatuses(statuses)); diff != "" {
		t.Fatalf("statuses of the racing decisions (-want +got):\n%s", diff)
	}

	ws = k.Workspace(k.Officer, id)
	expectStanding(t, "after the race", ws, standing{Status: custos.StatusDraft, Round: 1, Required: 1})
	var decisions []custos.Decision
	for _, a := range ws.Approvals {
		decisions = append(decisions, a.Decision)
	}
	if diff := cmp.Diff([]custos.Decision{custos.DecisionReturn}, decisions); diff != "" {
		t.Fatalf("decisions after the race (-want +got):\n%s", diff)
	}
	auditor := k.Env.Login("auditor@example.com")
	if n := auditCount(t, auditor, k.Treasury, "evaluation.return", fmt.Sprint(id)); n != 1 {
		t.Errorf("%d evaluation.return events, want exactly 1", n)
	}
	// The returned draft can be resubmitted and approved once more.
	ws = k.Submit(k.Officer, id)
	if ws.Evaluation.Round != 2 {
		t.Errorf("resubmitted in round %d, want 2", ws.Evaluation.Round)
	}
	t.Logf("whole test: %v", time.Since(begin).Round(time.Millisecond))
}
