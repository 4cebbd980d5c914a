package httpapi_test

// Concurrency of the evaluation workflow (issue 3, item 8): officers
// answering different items at once all succeed; fifty concurrent approvals
// or returns of one submission change its state once, with one audit event,
// and the rest get 409.
//
// apitest.Client reports through t.Errorf only (safe from any goroutine);
// results are collected in the goroutines and asserted here.

import (
	"encoding/json"
	"fmt"
	"net/http"
	"sync"
	"testing"
	"time"

	"github.com/custos-dd/custos/internal/apitest"
	"github.com/custos-dd/custos/internal/custos"
)

// wfLogin signs in like env.Login but returns an error instead of failing
// the test, so that it can run in a goroutine.
func wfLogin(env *apitest.Env, email string) (*apitest.Client, error) {
	c := env.Anonymous()
	res := c.Do(http.MethodPost, "/api/v1/session", map[string]string{"email": email, "password": apitest.Password})
	if res.Status != http.StatusCreated {
		return nil, fmt.Errorf("login %s: %d %s", email, res.Status, res.Body)
	}
	for _, ck := range res.Header.Values("Set-Cookie") {
		if parsed, err := http.ParseSetCookie(ck); err == nil && parsed.Value != "" {
			c.Cookie = parsed
		}
	}
	var me struct {
		CSRF string `json:"csrf_token"`
	}
	if err := json.Unmarshal(res.Body, &me); err != nil {
		return nil, err
	}
	c.CSRF = me.CSRF
	return c, nil
}

// managers makes n accounts that are managers of the treasury team and signs
// each in. Password hashing is deliberately slow, so it runs on a few
// goroutines.
func (k *evalKit) managers(n int) []*apitest.Client {
	k.t.Helper()
	start := time.Now()
	users := make([]*custos.User, n)
	errs := make([]error, n)
	clients := make([]*apitest.Client, n)
	parallel := func(fn func(i int)) {
		var wg sync.WaitGroup
		sem := make(chan struct{}, 8)
		for i := 0; i < n; i++ {
			wg.Add(1)
			sem <- struct{}{}
			go func(i int) {
				defer func() { <-sem; wg.Done() }()
				fn(i)
			}(i)
		}
		wg.Wait()
	}
	parallel(func(i int) {
		users[i], errs[i] = k.env.Users.CreateUser(k.ctx(), custos.NewUser{Email: fmt.Sprintf("manager-%02d@example.com", i),
			Name: fmt.Sprintf("Manager %02d", i), Password: apitest.Password})
	})
	for i, err := range errs {
		if err != nil {
			k.t.Fatalf("create manager %d: %v", i, err)
		}
		if _, err := k.env.Teams.AddMember(k.ctx(), k.treasury, users[i].ID, custos.RoleManager); err != nil {
			k.t.Fatal(err)
		}
	}
	if err := k.env.Authz.Reload(k.ctx()); err != nil {
		k.t.Fatal(err)
	}
	parallel(func(i int) { clients[i], errs[i] = wfLogin(k.env, users[i].Email) })
	for _, err := range errs {
		if err != nil {
			k.t.Fatal(err)
		}
	}
	k.t.Logf("%d managers created and signed in in %v", n, time.Since(start).Round(time.Millisecond))
	return clients
}

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
	for _, e := range wfTeamAudit(t, c, team) {
		if e.Action == action && e.ObjectID == objectID {
			n++
		}
	}
	return n
}

func TestConcurrency_TwoOfficersAnsweringDifferentItemsAtOnceAllSucceed(t *testing.T) {
	t.Parallel()
	k := newEvalKit(t)
	officers := []*apitest.Client{k.officer, k.env.Login("officer2@example.com")}
	officerIDs := []int64{k.userID("officer@example.com"), k.userID("officer2@example.com")}
	coinbase, anchorage := k.id("coinbase-prime-custody"), k.id("anchorage-digital-bank")
	ws := k.openEvaluation(k.officer, wfUSMandate(), coinbase, anchorage)
	id := ws.Evaluation.ID
	items := k.template.items()

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
		return officers[j.officer].Do(http.MethodPut, wfAnswerPath(id, j.custodian, j.item),
			map[string]string{"status": "partly_met", "note": fmt.Sprintf("answered by officer %d as job %d", j.officer+1, i)})
	})
	t.Logf("%d concurrent answers in %v", n, time.Since(start).Round(time.Millisecond))
	if got := countStatuses(statuses); got[http.StatusOK] != n {
		t.Fatalf("statuses %v, want %d × 200", got, n)
	}

	after := k.workspace(k.officer, id)
	stored := map[string]wsAnswer{}
	for _, a := range after.Assessments {
		for _, ans := range a.Answers {
			stored[fmt.Sprintf("%d/%d", a.Custodian.ID, ans.ItemID)] = ans
		}
	}
	for i, j := range jobs {
		ans := stored[fmt.Sprintf("%d/%d", j.custodian, j.item)]
		if ans.Status != "partly_met" || ans.Note != fmt.Sprintf("answered by officer %d as job %d", j.officer+1, i) || ans.Version != 1 {
			t.Errorf("job %d: stored %+v", i, ans)
		}
	}
	var byOfficer [2]int
	if err := k.env.SQL.Get(&byOfficer[0], `SELECT count(*) FROM answers WHERE evaluation_id = $1 AND updated_by = $2`, id, officerIDs[0]); err != nil {
		t.Fatal(err)
	}
	if err := k.env.SQL.Get(&byOfficer[1], `SELECT count(*) FROM answers WHERE evaluation_id = $1 AND updated_by = $2`, id, officerIDs[1]); err != nil {
		t.Fatal(err)
	}
	if byOfficer[0] != n/2 || byOfficer[1] != n/2 {
		t.Errorf("answers by officer: %v, want %d each", byOfficer, n/2)
	}
	// Every write moved the workspace version on exactly once.
	if after.Evaluation.Version != ws.Evaluation.Version+n {
		t.Errorf("version %d after %d writes from %d", after.Evaluation.Version, n, ws.Evaluation.Version)
	}
	// The audit chain stayed whole under concurrent appends.
	auditor := k.env.Login("auditor@example.com")
	var report struct {
		Valid bool `json:"valid"`
	}
	res := auditor.Do(http.MethodGet, "/api/v1/audit/verify", nil)
	expectStatus(t, res, http.StatusOK)
	decodeInto(t, res, &report)
	if !report.Valid {
		t.Errorf("the audit chain breaks under concurrent writes: %s", res.Body)
	}
	puts := 0
	for _, e := range wfTeamAudit(t, auditor, k.treasury) {
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
	k := newEvalKit(t)
	managers := k.managers(50)
	ws := k.submittable()
	id := ws.Evaluation.ID
	k.submit(k.officer, id)

	start := time.Now()
	statuses := race(len(managers), func(i int) *apitest.Response {
		return wfDecide(managers[i], id, "approve", fmt.Sprintf("approved by manager %d", i))
	})
	t.Logf("50 concurrent approvals in %v", time.Since(start).Round(time.Millisecond))
	if got := countStatuses(statuses); got[http.StatusOK] != 1 || got[http.StatusConflict] != len(managers)-1 {
		t.Fatalf("statuses %v, want one 200 and %d × 409", got, len(managers)-1)
	}

	ws = k.workspace(k.officer, id)
	if ws.Evaluation.Status != "approved" || len(ws.Approvals) != 1 || ws.ApprovalsReceived != 1 {
		t.Fatalf("after the race: status %s, %d approvals", ws.Evaluation.Status, len(ws.Approvals))
	}
	var stored int
	if err := k.env.SQL.Get(&stored, `SELECT count(*) FROM approvals WHERE evaluation_id = $1`, id); err != nil || stored != 1 {
		t.Fatalf("%d approval rows (%v), want 1", stored, err)
	}
	auditor := k.env.Login("auditor@example.com")
	if n := auditCount(t, auditor, k.treasury, "evaluation.approve", fmt.Sprint(id)); n != 1 {
		t.Errorf("%d evaluation.approve events, want exactly 1", n)
	}

	// With two approvals required, the same fifty managers produce exactly
	// two approvals, each counted once.
	k.setApprovalsRequired(2)
	second := k.submittable().Evaluation.ID
	k.submit(k.officer, second)
	statuses = race(len(managers), func(i int) *apitest.Response { return wfDecide(managers[i], second, "approve", nil) })
	if got := countStatuses(statuses); got[http.StatusOK] != 2 || got[http.StatusConflict] != len(managers)-2 {
		t.Fatalf("two required: statuses %v, want two 200 and %d × 409", got, len(managers)-2)
	}
	ws = k.workspace(k.officer, second)
	if ws.Evaluation.Status != "approved" || len(ws.Approvals) != 2 || ws.ApprovalsReceived != 2 ||
		ws.Approvals[0].ManagerID == ws.Approvals[1].ManagerID {
		t.Fatalf("two required, after the race: status %s, approvals %+v", ws.Evaluation.Status, ws.Approvals)
	}
	if n := auditCount(t, auditor, k.treasury, "evaluation.approve", fmt.Sprint(second)); n != 2 {
		t.Errorf("two required: %d evaluation.approve events, want 2", n)
	}
	t.Logf("whole test: %v", time.Since(begin).Round(time.Millisecond))
}

func TestConcurrency_FiftyReturnsOfOneSubmissionReturnOnce(t *testing.T) {
	t.Parallel()
	begin := time.Now()
	k := newEvalKit(t)
	managers := k.managers(50)
	ws := k.submittable()
	id := ws.Evaluation.ID
	k.submit(k.officer, id)

	statuses := race(len(managers), func(i int) *apitest.Response {
		return wfDecide(managers[i], id, "return", fmt.Sprintf("returned by manager %d: explain the fees", i))
	})
	if got := countStatuses(statuses); got[http.StatusOK] != 1 || got[http.StatusConflict] != len(managers)-1 {
		t.Fatalf("statuses %v, want one 200 and %d × 409", got, len(managers)-1)
	}

	ws = k.workspace(k.officer, id)
	if ws.Evaluation.Status != "draft" || len(ws.Approvals) != 1 || ws.Approvals[0].Decision != "return" {
		t.Fatalf("after the race: status %s, decisions %+v", ws.Evaluation.Status, ws.Approvals)
	}
	auditor := k.env.Login("auditor@example.com")
	if n := auditCount(t, auditor, k.treasury, "evaluation.return", fmt.Sprint(id)); n != 1 {
		t.Errorf("%d evaluation.return events, want exactly 1", n)
	}
	// The returned draft can be resubmitted and approved once more.
	ws = k.submit(k.officer, id)
	if ws.Evaluation.Round != 2 {
		t.Errorf("resubmitted in round %d, want 2", ws.Evaluation.Round)
	}
	t.Logf("whole test: %v", time.Since(begin).Round(time.Millisecond))
}
