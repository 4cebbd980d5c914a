package httpapi_test

// API tests of the evaluation workflow (issue 3): the whole journey from an
// officer's draft to a manager's approval and the lock after it, two
// approvals, returns, mandate fit, submission blockers, the weighted-score
// arithmetic, the number of queries of a workspace load, ETags and evidence.
// Concurrency is in workflow_concurrency_test.go and bad input in
// workflow_badinput_test.go; the helpers below serve all three.

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"net/http"
	"sort"
	"strings"
	"testing"

	"github.com/custos-dd/custos/internal/apitest"
	"github.com/custos-dd/custos/internal/custos"
	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"
)

// ignoreTimestamps leaves out of a comparison what the clock decides.
var ignoreTimestamps = cmp.Options{
	cmpopts.IgnoreFields(custos.Evaluation{}, "CreatedAt", "UpdatedAt", "SubmittedAt", "ApprovedAt"),
	cmpopts.IgnoreFields(custos.RedFlag{}, "CreatedAt", "UpdatedAt"),
	cmpopts.IgnoreFields(custos.Approval{}, "CreatedAt"),
	cmpopts.EquateEmpty(),
}

// blockerCodes lists the codes of a workspace's submission blockers.
func blockerCodes(ws *custos.Workspace) []string {
	var codes []string
	for _, b := range ws.SubmitBlockers {
		codes = append(codes, b.Code)
	}
	return codes
}

// approvalCount is what a workspace says of its approvals.
type approvalCount struct{ Required, Received int }

func approvalsOf(ws *custos.Workspace) approvalCount {
	return approvalCount{Required: ws.ApprovalsRequired, Received: ws.ApprovalsReceived}
}

// --- 1. the whole journey ----------------------------------------------------------

func TestJourney_OfficerPreparesManagerApprovesAndTheEvaluationLocks(t *testing.T) {
	t.Parallel()
	k := apitest.NewKit(t)
	env, officer := k.Env, k.Officer
	officerID := k.UserID("officer@example.com")
	// The officer is a manager of the team too, so that what refuses their
	// approval below is the submitter rule, not the policy.
	k.Grant(k.Treasury, officerID, custos.RoleManager)

	coinbase, anchorage, komainu := k.Custodian("coinbase-prime-custody"), k.Custodian("anchorage-digital-bank"), k.Custodian("komainu")
	ws := k.Open(officer, apitest.USMandate(), coinbase, anchorage, komainu)
	id := ws.Evaluation.ID
	// The mandate and due date round-trip; the draft starts at version 1, round 0.
	dueDate := "2027-03-31"
	wantDraft := custos.Evaluation{ID: id, TeamID: k.Treasury, Title: "2027 custody RFP — Fund III", TemplateID: 1,
		Mandate: custos.Mandate{Regions: []string{"US"}, QualifiedCustodianRequired: true, Assets: []string{"BTC", "ETH"}, ExpectedAUCUSD: 250_000_000},
		OwnerID: officerID, OwnerName: "Olivia Officer", DueDate: &dueDate, Status: custos.StatusDraft, Version: 1}
	if diff := cmp.Diff(wantDraft, ws.Evaluation, ignoreTimestamps); diff != "" {
		t.Fatalf("new evaluation (-want +got):\n%s", diff)
	}
	if diff := cmp.Diff(approvalCount{Required: 1}, approvalsOf(ws)); diff != "" {
		t.Errorf("approvals of the draft (-want +got):\n%s", diff)
	}
	// Komainu is neither a qualified custodian nor present in the US: mandate
	// fit raised two flags; the two US trust companies have none.
	flagCounts := map[int64]int{}
	for _, a := range ws.Assessments {
		flagCounts[a.Custodian.ID] = len(a.RedFlags)
	}
	if diff := cmp.Diff(map[int64]int{coinbase: 0, anchorage: 0, komainu: 2}, flagCounts); diff != "" {
		t.Fatalf("automatic red flags per candidate (-want +got):\n%s", diff)
	}

	// Every item of every candidate: mostly met, one partly met and one not
	// applicable, each with a note.
	items := k.Template.Items()
	for _, cid := range []int64{coinbase, anchorage, komainu} {
		for i, it := range items {
			switch i {
			case 1:
				k.Answer(officer, id, cid, it.ID, "partly_met", "Licensed in the US; the EU entity is still pending.")
			case 5:
				k.Answer(officer, id, cid, it.ID, "not_applicable", "The mandate needs no staking.")
			default:
				k.Answer(officer, id, cid, it.ID, "met", "Checked against the custodian's documents.")
			}
		}
	}
	k.AttachRequiredEvidence(officer, id, coinbase, anchorage, komainu)
	// Scores: every criterion of the shortlisted two, some of Komainu.
	k.ScoreAll(officer, id, coinbase, 5, 4, 4, 3, 4, 3)
	k.ScoreAll(officer, id, anchorage, 3, 5, 3, 3, 4, 4)
	k.Score(officer, id, komainu, "liquidity", 2)
	k.Score(officer, id, coinbase, "costs", 2) // a second score of a criterion: audited with before and after

	// Red flags: one from the catalogue, one custom, one critical; each resolved.
	socDef := apitest.Definition(t, k.Template, "no_soc_report")
	// A flag from the catalogue takes its title, description and severity.
	fromCatalogue := k.Raise(officer, id, coinbase, map[string]any{"definition_id": socDef.ID})
	ignoreFlagID := cmpopts.IgnoreFields(custos.RedFlag{}, "ID")
	if diff := cmp.Diff(custos.RedFlag{CustodianID: coinbase, DefinitionID: &socDef.ID, Title: socDef.Title, Description: socDef.Description,
		Severity: socDef.DefaultSeverity, Status: custos.FlagOpen, RaisedBy: &officerID}, fromCatalogue, ignoreFlagID, ignoreTimestamps); diff != "" {
		t.Errorf("flag from the catalogue (-want +got):\n%s", diff)
	}
	custom := k.Raise(officer, id, anchorage, map[string]any{"title": "Insurance limit shared across all clients",
		"description": "The broker letter shows one limit for every client.", "severity": "medium"})
	if diff := cmp.Diff(custos.RedFlag{CustodianID: anchorage, Title: "Insurance limit shared across all clients",
		Description: "The broker letter shows one limit for every client.", Severity: custos.SeverityMedium, Status: custos.FlagOpen,
		RaisedBy: &officerID}, custom, ignoreFlagID, ignoreTimestamps); diff != "" {
		t.Errorf("custom flag (-want +got):\n%s", diff)
	}
	commingled := apitest.Definition(t, k.Template, "commingled_wallets").ID
	critical := k.Raise(officer, id, anchorage, map[string]any{"definition_id": commingled})
	if critical.Severity != custos.SeverityCritical {
		t.Errorf("commingled wallets is critical in the catalogue, got severity %q", critical.Severity)
	}
	mitigated := k.Move(officer, id, fromCatalogue.ID, "mitigated", "The SOC 2 Type II report for 2026 arrived.")
	wantMitigated := fromCatalogue
	wantMitigated.Status, wantMitigated.Resolution = custos.FlagMitigated, "The SOC 2 Type II report for 2026 arrived."
	if diff := cmp.Diff(wantMitigated, mitigated, ignoreTimestamps); diff != "" {
		t.Errorf("mitigated flag (-want +got):\n%s", diff)
	}
	accepted := k.Move(officer, id, custom.ID, "accepted", "The shared limit exceeds our expected assets tenfold.")
	wantAccepted := custom
	wantAccepted.Status, wantAccepted.Resolution = custos.FlagAccepted, "The shared limit exceeds our expected assets tenfold."
	if diff := cmp.Diff(wantAccepted, accepted, ignoreTimestamps); diff != "" {
		t.Errorf("accepted flag (-want +got):\n%s", diff)
	}
	k.Move(officer, id, critical.ID, "closed", "Wallet attestation shows segregated addresses.")
	for _, f := range apitest.AssessmentOf(t, k.Workspace(officer, id), komainu).RedFlags {
		if f.Severity == "critical" {
			k.Move(officer, id, f.ID, "accepted", "Komainu is kept for comparison only; it is not shortlisted.")
		} else {
			k.Move(officer, id, f.ID, "closed", "Not shortlisted.")
		}
	}

	// Every candidate is complete, has its required evidence and no open flag.
	required := 0
	for _, it := range items {
		if it.EvidenceRequired {
			required++
		}
	}
	type progress struct {
		Completion custos.Completion
		Evidence   int
		OpenFlags  int
	}
	ws = k.Workspace(officer, id)
	for _, cid := range []int64{coinbase, anchorage, komainu} {
		a := apitest.AssessmentOf(t, ws, cid)
		got := progress{Completion: a.Completion, Evidence: len(a.Evidence)}
		for _, f := range a.RedFlags {
			if f.Status == custos.FlagOpen {
				got.OpenFlags++
			}
		}
		want := progress{Completion: custos.Completion{Answered: len(items), Total: len(items), Percent: 100}, Evidence: required}
		if diff := cmp.Diff(want, got); diff != "" {
			t.Errorf("progress of %s (-want +got):\n%s", a.Custodian.Name, diff)
		}
	}
	if diff := cmp.Diff([]string{"shortlist_empty"}, blockerCodes(ws)); diff != "" {
		t.Fatalf("before the shortlist the only blocker is the empty shortlist (-want +got):\n%s", diff)
	}

	ws = k.Shortlist(officer, id, coinbase, anchorage)
	wantShortlist := []custos.ShortlistEntry{
		{CustodianID: coinbase, Rank: 1, Rationale: "Ranked 1: strongest fit on liquidity and security for the mandate."},
		{CustodianID: anchorage, Rank: 2, Rationale: "Ranked 2: strongest fit on liquidity and security for the mandate."},
	}
	if diff := cmp.Diff(wantShortlist, ws.Shortlist); diff != "" {
		t.Fatalf("shortlist (-want +got):\n%s", diff)
	}
	if diff := cmp.Diff([]string(nil), blockerCodes(ws)); diff != "" {
		t.Fatalf("blockers with everything done (-want +got):\n%s", diff)
	}

	ws = k.Submit(officer, id)
	snapshot := ws.Evaluation.SnapshotHash
	wantSubmitted := wantDraft
	wantSubmitted.Status, wantSubmitted.Round, wantSubmitted.SubmittedBy = custos.StatusSubmitted, 1, &officerID
	wantSubmitted.SubmittedByName = &wantSubmitted.OwnerName
	wantSubmitted.Version, wantSubmitted.SnapshotHash = ws.Evaluation.Version, snapshot // checked below
	if diff := cmp.Diff(wantSubmitted, ws.Evaluation, ignoreTimestamps); diff != "" {
		t.Fatalf("submitted evaluation (-want +got):\n%s", diff)
	}
	if len(snapshot) != sha256.Size || ws.Evaluation.SubmittedAt == nil {
		t.Fatalf("a submission records its time and a SHA-256 snapshot: %x at %v", []byte(snapshot), ws.Evaluation.SubmittedAt)
	}
	// Submitted means frozen.
	res := officer.Do(http.MethodPut, apitest.AnswerPath(id, coinbase, items[0].ID), map[string]string{"status": "not_met", "note": "changed my mind"})
	apitest.ExpectProblem(t, res, http.StatusConflict)

	// The submitter holds the manager role but still cannot approve their own work.
	res = apitest.Decide(officer, id, "approve", nil)
	if p := apitest.ExpectProblem(t, res, http.StatusForbidden); !strings.Contains(p.Detail, "submitted") {
		t.Errorf("the refusal does not say why: %q", p.Detail)
	}

	manager := env.Login("manager@example.com")
	res = apitest.Decide(manager, id, "approve", "Sound work; Coinbase first.")
	apitest.ExpectStatus(t, res, http.StatusOK)
	ws = apitest.Decode[*custos.Workspace](t, res)
	if ws.Evaluation.Status != custos.StatusApproved || ws.Evaluation.ApprovedAt == nil {
		t.Fatalf("after the approval: status %q, approved at %v", ws.Evaluation.Status, ws.Evaluation.ApprovedAt)
	}
	if diff := cmp.Diff(approvalCount{Required: 1, Received: 1}, approvalsOf(ws)); diff != "" {
		t.Errorf("approvals (-want +got):\n%s", diff)
	}
	// The approval is of the submitted snapshot, which approval left unchanged.
	wantApprovals := []custos.Approval{{Round: 1, ManagerID: k.UserID("manager@example.com"), ManagerName: "Maya Manager",
		Decision: custos.DecisionApprove, Comment: "Sound work; Coinbase first.", SnapshotHash: snapshot}}
	if diff := cmp.Diff(wantApprovals, ws.Approvals, cmpopts.IgnoreFields(custos.Approval{}, "ID"), ignoreTimestamps); diff != "" {
		t.Errorf("approvals (-want +got):\n%s", diff)
	}
	if diff := cmp.Diff(snapshot, ws.Evaluation.SnapshotHash); diff != "" {
		t.Errorf("the approved evaluation's snapshot (-submitted +approved):\n%s", diff)
	}
	// The hash is the SHA-256 of the canonical snapshot of what was submitted:
	// recomputed from the frozen evaluation it is the same.
	stored, err := env.Evaluations.Workspace(k.Ctx(), id)
	if err != nil {
		t.Fatal(err)
	}
	if _, sum := custos.Snapshot(stored); !bytes.Equal(sum, snapshot) {
		t.Errorf("snapshot of the approved evaluation hashes to %x, the approval recorded %x", []byte(sum), []byte(snapshot))
	}

	// Approved means locked: every write is refused with 409.
	manager2 := env.Login("manager2@example.com")
	body, header := apitest.Multipart("file", "late.pdf", "application/pdf", apitest.TinyPDF)
	later := []struct {
		name string
		res  *apitest.Response
	}{
		{"answer", officer.Do(http.MethodPut, apitest.AnswerPath(id, coinbase, items[0].ID), map[string]string{"status": "met", "note": "again"})},
		{"evidence", officer.Request(http.MethodPost, apitest.AnswerPath(id, coinbase, items[0].ID)+"/evidence", body, header)},
		{"score", officer.Do(http.MethodPut, apitest.EvalPath(id, fmt.Sprintf("/custodians/%d/scores/liquidity", coinbase)),
			map[string]any{"score": 1, "rationale": "late"})},
		{"red flag", officer.Do(http.MethodPost, apitest.EvalPath(id, fmt.Sprintf("/custodians/%d/red-flags", coinbase)),
			map[string]any{"title": "Late", "severity": "low"})},
		{"move flag", officer.Do(http.MethodPatch, apitest.EvalPath(id, fmt.Sprintf("/red-flags/%d", custom.ID)), map[string]string{"status": "open"})},
		{"shortlist", officer.Do(http.MethodPut, apitest.EvalPath(id, "/shortlist"), map[string]any{"entries": []map[string]any{
			{"custodian_id": anchorage, "rank": 1, "rationale": "late"}}})},
		{"patch", officer.Do(http.MethodPatch, apitest.EvalPath(id), map[string]any{"title": "Renamed"})},
		{"add candidate", officer.Do(http.MethodPost, apitest.EvalPath(id, "/candidates"), map[string]any{"custodian_id": k.Custodian("gemini-custody")})},
		{"remove candidate", officer.Do(http.MethodDelete, apitest.EvalPath(id, fmt.Sprintf("/candidates/%d", komainu)), nil)},
		{"submit", officer.Do(http.MethodPost, apitest.EvalPath(id, "/submit"), nil)},
		{"approve again", apitest.Decide(manager2, id, "approve", nil)},
		{"return", apitest.Decide(manager2, id, "return", "Too late to return.")},
	}
	for _, w := range later {
		if w.res.Status != http.StatusConflict {
			t.Errorf("%s after approval: %d %s, want 409", w.name, w.res.Status, w.res.Body)
		}
	}
	after := k.Workspace(manager, id)
	if diff := cmp.Diff(ws, after); diff != "" {
		t.Errorf("refused writes changed the approved workspace (-before +after):\n%s", diff)
	}

	// The database holds the lock too, even for the application's own role.
	for _, stmt := range []struct{ sql, want string }{
		{`UPDATE answers SET note = 'tampered' WHERE evaluation_id = $1`, "cannot change"},
		{fmt.Sprintf(`INSERT INTO scores (evaluation_id, custodian_id, criterion, score, rationale, updated_by, updated_at)
			VALUES ($1, %d, 'security', 5, 'tampered', %d, now())`, komainu, officerID), "cannot change"},
		{`DELETE FROM evidence WHERE evaluation_id = $1`, "cannot change"},
		{`UPDATE evaluations SET title = 'tampered' WHERE id = $1`, "locked"},
	} {
		if _, err := env.SQL.Exec(stmt.sql, id); err == nil || !strings.Contains(err.Error(), stmt.want) {
			t.Errorf("%s: err = %v, want one saying %q", strings.Fields(stmt.sql)[0]+" "+strings.Fields(stmt.sql)[1], err, stmt.want)
		}
	}

	// The audit trail verifies and tells the story with before and after.
	auditor := env.Login("auditor@example.com")
	res = auditor.Do(http.MethodGet, "/api/v1/audit/verify", nil)
	apitest.ExpectStatus(t, res, http.StatusOK)
	if report := apitest.Decode[custos.ChainReport](t, res); !report.Valid {
		t.Errorf("the audit chain does not verify: %s", res.Body)
	}
	events := apitest.TeamAudit(t, auditor, k.Treasury)
	byAction := map[string][]*custos.AuditEvent{}
	for _, e := range events {
		byAction[e.Action] = append(byAction[e.Action], e)
	}
	// Actions that change something must show before and after; creations show after.
	wantBefore := map[string]bool{"answer.put": true, "score.put": true, "red_flag.update": true, "evaluation.submit": true, "evaluation.approve": true}
	for _, action := range []string{"evaluation.create", "answer.put", "evidence.add", "score.put", "red_flag.raise",
		"red_flag.update", "shortlist.put", "evaluation.submit", "evaluation.approve"} {
		evs := byAction[action]
		if len(evs) == 0 {
			t.Errorf("no %s event in the audit trail", action)
			continue
		}
		sawBefore := false
		for _, e := range evs {
			if apitest.IsNull(e.After) {
				t.Errorf("%s event %d has no after", action, e.Seq)
			}
			sawBefore = sawBefore || !apitest.IsNull(e.Before)
		}
		if wantBefore[action] && !sawBefore {
			t.Errorf("no %s event has a before", action)
		}
	}
	wantCounts := map[string]int{
		"evaluation.create":  1,
		"answer.put":         3 * len(items),
		"evaluation.submit":  1,
		"evaluation.approve": 1,
		"shortlist.put":      1,
	}
	gotCounts := map[string]int{}
	for action := range wantCounts {
		gotCounts[action] = len(byAction[action])
	}
	if diff := cmp.Diff(wantCounts, gotCounts); diff != "" {
		t.Errorf("events per action (-want +got):\n%s", diff)
	}
	if evs := byAction["evaluation.approve"]; len(evs) == 1 {
		type approveEvent struct {
			Actor, ObjectID string
			Before, After   map[string]any
		}
		got := approveEvent{Actor: evs[0].Actor, ObjectID: evs[0].ObjectID}
		json.Unmarshal(evs[0].Before, &got.Before)
		json.Unmarshal(evs[0].After, &got.After)
		want := approveEvent{Actor: "manager@example.com", ObjectID: fmt.Sprint(id),
			Before: map[string]any{"status": "submitted"}, After: map[string]any{"status": "approved", "snapshot_sha256": hex.EncodeToString(snapshot)}}
		// Only the members named in want matter; the events carry more.
		onlyWanted := cmpopts.IgnoreMapEntries(func(k string, _ any) bool { return k != "status" && k != "snapshot_sha256" })
		if diff := cmp.Diff(want, got, onlyWanted); diff != "" {
			t.Errorf("approve event (-want +got):\n%s", diff)
		}
	}
	for _, e := range byAction["evidence.add"] {
		var after map[string]any
		json.Unmarshal(e.After, &after)
		if after["sha256"] != hex.EncodeToString(apitest.SHA256(apitest.TinyPDF)) {
			t.Errorf("evidence event without the file's digest: %s", e.After)
			break
		}
	}
}

// --- 2. two approvals -------------------------------------------------------------

func TestApproval_TwoRequiredNeedTwoDifferentManagers_OnePersonCountsOnce(t *testing.T) {
	t.Parallel()
	k := apitest.NewKit(t)
	k.SetApprovalsRequired(2)
	ws := k.Submittable()
	id := ws.Evaluation.ID
	ws = k.Submit(k.Officer, id)
	expectStanding(t, "submitted", ws, standing{Status: custos.StatusSubmitted, Round: 1, Required: 2})
	snapshot := ws.Evaluation.SnapshotHash

	manager := k.Env.Login("manager@example.com")
	res := apitest.Decide(manager, id, "approve", nil)
	apitest.ExpectStatus(t, res, http.StatusOK)
	ws = apitest.Decode[*custos.Workspace](t, res)
	expectStanding(t, "after one of two approvals", ws, standing{Status: custos.StatusSubmitted, Round: 1, Required: 2, Received: 1})
	if ws.Evaluation.ApprovedAt != nil {
		t.Errorf("one of two approvals set approved_at %v", ws.Evaluation.ApprovedAt)
	}

	res = apitest.Decide(manager, id, "approve", "once more")
	if p := apitest.ExpectProblem(t, res, http.StatusConflict); !strings.Contains(p.Detail, "once") {
		t.Errorf("the second approval by the same manager: %q", p.Detail)
	}
	ws = k.Workspace(manager, id)
	expectStanding(t, "after the same manager approved again", ws, standing{Status: custos.StatusSubmitted, Round: 1, Required: 2, Received: 1})

	res = apitest.Decide(k.Env.Login("manager2@example.com"), id, "approve", nil)
	apitest.ExpectStatus(t, res, http.StatusOK)
	ws = apitest.Decode[*custos.Workspace](t, res)
	expectStanding(t, "after the second manager", ws, standing{Status: custos.StatusApproved, Round: 1, Required: 2, Received: 2})
	want := []decision{{1, "Maya Manager", custos.DecisionApprove, ""}, {1, "Mateo Manager", custos.DecisionApprove, ""}}
	if diff := cmp.Diff(want, decisionsOf(ws.Approvals, snapshot)); diff != "" {
		t.Errorf("decisions, each of the submitted snapshot (-want +got):\n%s", diff)
	}
}

// standing is where a submission stands: its status and round, and the
// approvals it needs and has.
type standing struct {
	Status             custos.EvaluationStatus
	Round              int
	Required, Received int
}

func expectStanding(t *testing.T, when string, ws *custos.Workspace, want standing) {
	t.Helper()
	got := standing{Status: ws.Evaluation.Status, Round: ws.Evaluation.Round, Required: ws.ApprovalsRequired, Received: ws.ApprovalsReceived}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Fatalf("%s (-want +got):\n%s", when, diff)
	}
}

// decision is one approval or return as a reader of the workspace sees it.
type decision struct {
	Round    int
	Manager  string
	Decision custos.Decision
	Comment  string
}

// decisionsOf lists the decisions; one of another snapshot than the round's
// is shown with its snapshot in the comment, so that a diff shows it.
func decisionsOf(approvals []custos.Approval, snapshots ...custos.HashBytes) []decision {
	var out []decision
	for _, a := range approvals {
		d := decision{Round: a.Round, Manager: a.ManagerName, Decision: a.Decision, Comment: a.Comment}
		if a.Round <= len(snapshots) && !bytes.Equal(a.SnapshotHash, snapshots[a.Round-1]) {
			d.Comment += fmt.Sprintf(" [of snapshot %x, not the round's %x]", []byte(a.SnapshotHash), []byte(snapshots[a.Round-1]))
		}
		out = append(out, d)
	}
	return out
}

// --- 3. return ------------------------------------------------------------------------

func TestReturn_NeedsACommentSendsBackToDraftAndVoidsTheApprovals(t *testing.T) {
	t.Parallel()
	k := apitest.NewKit(t)
	k.SetApprovalsRequired(2)
	ws := k.Submittable()
	id := ws.Evaluation.ID
	coinbase := k.Custodian("coinbase-prime-custody")
	first := k.Submit(k.Officer, id)

	manager, manager2 := k.Env.Login("manager@example.com"), k.Env.Login("manager2@example.com")
	apitest.ExpectStatus(t, apitest.Decide(manager, id, "approve", nil), http.StatusOK)

	// A return needs a comment.
	apitest.ExpectFieldErrors(t, apitest.Decide(manager2, id, "return", nil), "comment")
	apitest.ExpectFieldErrors(t, apitest.Decide(manager2, id, "return", "   "), "comment")
	expectStanding(t, "after refused returns", k.Workspace(manager2, id), standing{Status: custos.StatusSubmitted, Round: 1, Required: 2, Received: 1})

	// The return sends the evaluation back to draft and voids round 1's
	// approval (it stays on record); the return is recorded with its comment.
	res := apitest.Decide(manager2, id, "return", "Explain the insurance exclusions before we sign off.")
	apitest.ExpectStatus(t, res, http.StatusOK)
	ws = apitest.Decode[*custos.Workspace](t, res)
	expectStanding(t, "returned", ws, standing{Status: custos.StatusDraft, Round: 1, Required: 2})
	round1 := []decision{{1, "Maya Manager", custos.DecisionApprove, ""},
		{1, "Mateo Manager", custos.DecisionReturn, "Explain the insurance exclusions before we sign off."}}
	if diff := cmp.Diff(round1, decisionsOf(ws.Approvals, first.Evaluation.SnapshotHash)); diff != "" {
		t.Fatalf("decisions of round 1 (-want +got):\n%s", diff)
	}
	// Returning a draft again is refused.
	apitest.ExpectProblem(t, apitest.Decide(manager, id, "return", "again"), http.StatusConflict)

	// The draft can be edited and resubmitted: a new round with a new snapshot.
	item := k.Template.Items()[0]
	k.Answer(k.Officer, id, coinbase, item.ID, "met", "Charter confirmed on the NYDFS register on 2027-01-12.")
	second := k.Submit(k.Officer, id)
	expectStanding(t, "resubmitted", second, standing{Status: custos.StatusSubmitted, Round: 2, Required: 2})
	if bytes.Equal(second.Evaluation.SnapshotHash, first.Evaluation.SnapshotHash) || len(second.Evaluation.SnapshotHash) != sha256.Size {
		t.Errorf("round 2 snapshot %x, round 1 %x: want a new SHA-256", []byte(second.Evaluation.SnapshotHash), []byte(first.Evaluation.SnapshotHash))
	}

	// Round 1's approver may approve round 2; two approvals of round 2 approve.
	res = apitest.Decide(manager, id, "approve", nil)
	apitest.ExpectStatus(t, res, http.StatusOK)
	expectStanding(t, "round 2, first approval", apitest.Decode[*custos.Workspace](t, res), standing{Status: custos.StatusSubmitted, Round: 2, Required: 2, Received: 1})
	res = apitest.Decide(manager2, id, "approve", nil)
	apitest.ExpectStatus(t, res, http.StatusOK)
	ws = apitest.Decode[*custos.Workspace](t, res)
	expectStanding(t, "round 2, second approval", ws, standing{Status: custos.StatusApproved, Round: 2, Required: 2, Received: 2})
	// Each decision is of its own round's snapshot.
	all := append(round1, decision{2, "Maya Manager", custos.DecisionApprove, ""}, decision{2, "Mateo Manager", custos.DecisionApprove, ""})
	if diff := cmp.Diff(all, decisionsOf(ws.Approvals, first.Evaluation.SnapshotHash, second.Evaluation.SnapshotHash)); diff != "" {
		t.Errorf("decisions of both rounds (-want +got):\n%s", diff)
	}
}

// --- 4. mandate fit -----------------------------------------------------------------------

// mandateFlag is what mandate fit decides about a flag.
type mandateFlag struct {
	Custodian int64
	Rule      string
	Severity  custos.Severity
	Status    custos.RedFlagStatus
	Reason    string
}

func wfMandateFlags(ws *custos.Workspace) map[string]custos.RedFlag {
	out := map[string]custos.RedFlag{}
	for _, f := range apitest.Flags(ws) {
		if f.MandateRule != nil {
			out[fmt.Sprintf("%d %s %s", f.CustodianID, *f.MandateRule, f.Reason)] = f
		}
	}
	return out
}

func TestMandateFit_RaisesEachAutomaticFlagWithItsReason_AndFollowsChanges(t *testing.T) {
	t.Parallel()
	k := apitest.NewKit(t)
	komainu, zodia, anchorage := k.Custodian("komainu"), k.Custodian("zodia-custody"), k.Custodian("anchorage-digital-bank")
	// Regions in the catalogue: Komainu EU UK MENA JE AE IT (staking, not
	// qualified); Zodia UK EU MENA APAC IE LU AE (no staking, not qualified);
	// Anchorage US (staking, qualified). APAC covers SG and HK.
	mandate := map[string]any{"regions": []string{"US", "SG"}, "qualified_custodian_required": true,
		"assets": []string{"ETH", "SOL"}, "staking_required": true, "expected_assets_under_custody_usd": 80_000_000}
	ws := k.Open(k.Officer, mandate, komainu, zodia, anchorage)
	id := ws.Evaluation.ID

	qualified := func(name string) string {
		return "The mandate requires a qualified custodian; the catalogue does not list " + name + " as one."
	}
	region := func(r, name string) string {
		return "The mandate covers " + r + "; the catalogue lists no licence or presence of " + name + " there."
	}
	staking := func(name string) string {
		return "The mandate needs staking; the catalogue lists no staking from custody at " + name + "."
	}
	want := []mandateFlag{
		{komainu, "qualified_custodian", "critical", "open", qualified("Komainu")},
		{komainu, "region_licence", "high", "open", region("US", "Komainu")},
		{komainu, "region_licence", "high", "open", region("SG", "Komainu")},
		{zodia, "qualified_custodian", "critical", "open", qualified("Zodia Custody")},
		{zodia, "region_licence", "high", "open", region("US", "Zodia Custody")},
		{zodia, "staking", "medium", "open", staking("Zodia Custody")},
		{anchorage, "region_licence", "high", "open", region("SG", "Anchorage Digital Bank")},
	}
	defs := map[string]int64{}
	for _, d := range k.Template.RedFlags {
		if d.MandateRule != nil {
			defs[*d.MandateRule] = d.ID
		}
	}
	check := func(stage string, ws *custos.Workspace, want []mandateFlag) map[string]custos.RedFlag {
		t.Helper()
		got := wfMandateFlags(ws)
		var flags []mandateFlag
		for _, f := range got {
			flags = append(flags, mandateFlag{f.CustodianID, *f.MandateRule, f.Severity, f.Status, f.Reason})
			if f.DefinitionID == nil || *f.DefinitionID != defs[*f.MandateRule] || f.Title == "" {
				t.Errorf("%s: %s flag does not point at the catalogue's definition %d: %+v", stage, *f.MandateRule, defs[*f.MandateRule], f)
			}
			if f.Status == custos.FlagClosed && !strings.Contains(f.Resolution, "No longer applies") {
				t.Errorf("%s: auto-closed flag without the reason it closed: %q", stage, f.Resolution)
			}
		}
		byKey := cmpopts.SortSlices(func(a, b mandateFlag) bool { return fmt.Sprint(a) < fmt.Sprint(b) })
		if diff := cmp.Diff(want, flags, byKey); diff != "" {
			t.Errorf("%s: automatic flags (-want +got):\n%s", stage, diff)
		}
		return got
	}
	opened := check("opened", ws, want)

	// A narrower mandate: no qualified custodian needed, HK instead of SG,
	// staking still needed. Flags that no longer apply close; new ones open.
	res := k.Officer.Do(http.MethodPatch, apitest.EvalPath(id), map[string]any{"mandate": map[string]any{"regions": []string{"US", "HK"},
		"qualified_custodian_required": false, "assets": []string{"ETH"}, "staking_required": true}})
	apitest.ExpectStatus(t, res, http.StatusOK)
	ws = apitest.Decode[*custos.Workspace](t, res)
	changed := []mandateFlag{
		{komainu, "qualified_custodian", "critical", "closed", qualified("Komainu")},
		{komainu, "region_licence", "high", "open", region("US", "Komainu")},
		{komainu, "region_licence", "high", "closed", region("SG", "Komainu")},
		{komainu, "region_licence", "high", "open", region("HK", "Komainu")},
		{zodia, "qualified_custodian", "critical", "closed", qualified("Zodia Custody")},
		{zodia, "region_licence", "high", "open", region("US", "Zodia Custody")},
		{zodia, "staking", "medium", "open", staking("Zodia Custody")},
		{anchorage, "region_licence", "high", "closed", region("SG", "Anchorage Digital Bank")},
		{anchorage, "region_licence", "high", "open", region("HK", "Anchorage Digital Bank")},
	}
	got := check("after the mandate changed", ws, changed)
	// A flag that still applies is the same flag, not a new one.
	for key, f := range opened {
		if g, ok := got[key]; ok && g.ID != f.ID {
			t.Errorf("flag %q was replaced (%d → %d)", key, f.ID, g.ID)
		}
	}

	// Requiring a qualified custodian again reopens the same flags; dropping
	// staking closes the staking flag.
	res = k.Officer.Do(http.MethodPatch, apitest.EvalPath(id), map[string]any{"mandate": map[string]any{"regions": []string{"US", "HK"},
		"qualified_custodian_required": true, "assets": []string{"ETH"}, "staking_required": false}})
	apitest.ExpectStatus(t, res, http.StatusOK)
	ws = apitest.Decode[*custos.Workspace](t, res)
	changed[0].Status, changed[4].Status, changed[6].Status = custos.FlagOpen, custos.FlagOpen, custos.FlagClosed
	got = check("after the mandate changed back", ws, changed)
	for _, key := range []string{fmt.Sprintf("%d qualified_custodian %s", komainu, qualified("Komainu")),
		fmt.Sprintf("%d qualified_custodian %s", zodia, qualified("Zodia Custody"))} {
		if got[key].ID != opened[key].ID {
			t.Errorf("the reopened flag %q is a new flag (%d, was %d)", key, got[key].ID, opened[key].ID)
		}
	}

	// A new candidate is checked at once: Hex Trust is not qualified and not
	// in the US (HK is covered).
	hex := k.Custodian("hex-trust")
	res = k.Officer.Do(http.MethodPost, apitest.EvalPath(id, "/candidates"), map[string]any{"custodian_id": hex})
	apitest.ExpectStatus(t, res, http.StatusOK)
	ws = apitest.Decode[*custos.Workspace](t, res)
	changed = append(changed,
		mandateFlag{hex, "qualified_custodian", "critical", "open", qualified("Hex Trust")},
		mandateFlag{hex, "region_licence", "high", "open", region("US", "Hex Trust")})
	check("after adding Hex Trust", ws, changed)

	// A flag an officer resolved by hand is left alone when mandate fit runs
	// again (the same mandate sent again).
	manualKey := fmt.Sprintf("%d region_licence %s", komainu, region("US", "Komainu"))
	k.Move(k.Officer, id, got[manualKey].ID, "accepted", "Komainu would serve us from Jersey; counsel agrees.")
	res = k.Officer.Do(http.MethodPatch, apitest.EvalPath(id), map[string]any{"mandate": map[string]any{"regions": []string{"US", "HK"},
		"qualified_custodian_required": true, "assets": []string{"ETH"}, "staking_required": false}})
	apitest.ExpectStatus(t, res, http.StatusOK)
	ws = apitest.Decode[*custos.Workspace](t, res)
	manual := got[manualKey]
	manual.Status, manual.Resolution = custos.FlagAccepted, "Komainu would serve us from Jersey; counsel agrees."
	if diff := cmp.Diff(manual, wfMandateFlags(ws)[manualKey], ignoreTimestamps); diff != "" {
		t.Errorf("mandate fit moved a hand-resolved flag (-want +got):\n%s", diff)
	}
	changed[1].Status = custos.FlagAccepted
	check("after mandate fit ran again", ws, changed) // no duplicates
}

// --- 5. submission blockers ---------------------------------------------------------------

func TestSubmit_RefusedWithEveryReasonListed(t *testing.T) {
	t.Parallel()
	k := apitest.NewKit(t)
	officer := k.Officer
	coinbase, komainu, anchorage := k.Custodian("coinbase-prime-custody"), k.Custodian("komainu"), k.Custodian("anchorage-digital-bank")
	ws := k.Open(officer, apitest.USMandate(), coinbase, komainu, anchorage)
	id := ws.Evaluation.ID

	refused := func(stage string) []custos.Blocker {
		t.Helper()
		res := officer.Do(http.MethodPost, apitest.EvalPath(id, "/submit"), nil)
		apitest.ExpectProblem(t, res, http.StatusConflict)
		var p struct {
			Detail   string           `json:"detail"`
			Blockers []custos.Blocker `json:"blockers"`
		}
		apitest.DecodeInto(t, res, &p)
		for _, b := range p.Blockers {
			if b.Message == "" {
				t.Errorf("%s: blocker without a message: %+v", stage, b)
			}
		}
		return p.Blockers
	}
	keys := func(bs []custos.Blocker) []string {
		out := []string{}
		for _, b := range bs {
			out = append(out, blockerKey(b))
		}
		sort.Strings(out)
		return out
	}

	// Nothing shortlisted: that is the one reason (the candidates' own gaps
	// matter only once they are shortlisted).
	if diff := cmp.Diff([]string{"shortlist_empty c0 i0 f0"}, keys(refused("empty"))); diff != "" {
		t.Fatalf("blockers with an empty shortlist (-want +got):\n%s", diff)
	}

	// Coinbase: two items unanswered (one of them needs evidence), two
	// evidence-required items answered met without evidence, one
	// evidence-required item not met (needs no evidence) and one not
	// applicable; the rest met with evidence.
	items := k.Template.Items()
	var required, plain []custos.ChecklistItem
	for _, it := range items {
		if it.EvidenceRequired {
			required = append(required, it)
		} else {
			plain = append(plain, it)
		}
	}
	if len(required) < 6 || len(plain) < 2 {
		t.Fatalf("the template has %d evidence-required and %d other items", len(required), len(plain))
	}
	unanswered := []int64{required[0].ID, plain[0].ID}
	noEvidence := []int64{required[1].ID, required[2].ID}
	for _, it := range items {
		switch it.ID {
		case unanswered[0], unanswered[1]:
		case required[3].ID:
			k.Answer(officer, id, coinbase, it.ID, "not_met", "No SOC 2 report for the custody entity.")
		case required[4].ID:
			k.Answer(officer, id, coinbase, it.ID, "not_applicable", "Out of scope for this mandate.")
		default:
			k.Answer(officer, id, coinbase, it.ID, "met", "Verified.")
			if it.EvidenceRequired && it.ID != noEvidence[0] && it.ID != noEvidence[1] {
				apitest.ExpectStatus(t, apitest.Upload(officer, id, coinbase, it.ID, it.Key+".pdf", "", apitest.TinyPDF), http.StatusCreated)
			}
		}
	}
	// A critical flag that was mitigated does not block.
	commingled := apitest.Definition(t, k.Template, "commingled_wallets").ID
	mitigated := k.Raise(officer, id, coinbase, map[string]any{"definition_id": commingled})
	k.Move(officer, id, mitigated.ID, "mitigated", "Segregated addresses attested.")
	// Komainu: everything not applicable (no evidence needed); its automatic
	// critical flag (not a qualified custodian) is open and blocks, its high
	// regional flag does not.
	for _, it := range items {
		k.Answer(officer, id, komainu, it.ID, "not_applicable", "Out of scope.")
	}
	// Coinbase is scored 4 on every criterion but support, which blocks;
	// Komainu 3 on all, below Coinbase, so the shortlist's order follows
	// the ranking.
	for _, cr := range k.Template.Criteria {
		if cr.Key != "support" {
			k.Score(officer, id, coinbase, cr.Key, 4)
		}
		k.Score(officer, id, komainu, cr.Key, 3)
	}
	// Anchorage is not shortlisted: its open critical flag, its unanswered
	// items and its missing scores do not block.
	k.Raise(officer, id, anchorage, map[string]any{"title": "Key ceremony not witnessed", "severity": "critical"})

	ws = k.Shortlist(officer, id, coinbase, komainu)
	var komainuCritical int64
	for _, f := range apitest.AssessmentOf(t, ws, komainu).RedFlags {
		if f.Severity == "critical" {
			komainuCritical = f.ID
		}
	}
	c, kk := coinbase, komainu
	var want []custos.Blocker
	for _, item := range unanswered {
		item := item
		want = append(want, custos.Blocker{Code: "unanswered", CustodianID: &c, ItemID: &item})
	}
	for _, item := range noEvidence {
		item := item
		want = append(want, custos.Blocker{Code: "evidence_missing", CustodianID: &c, ItemID: &item})
	}
	want = append(want, custos.Blocker{Code: "open_critical_flag", CustodianID: &kk, FlagID: &komainuCritical})
	support := "support"
	want = append(want, custos.Blocker{Code: "unscored", CustodianID: &c, Criterion: &support})

	bs := refused("incomplete")
	if diff := cmp.Diff(keys(want), keys(bs)); diff != "" {
		t.Fatalf("blockers of the refusal (-want +got):\n%s", diff)
	}
	if diff := cmp.Diff(keys(want), keys(ws.SubmitBlockers)); diff != "" {
		t.Errorf("the workspace's submit_blockers (-want +got):\n%s", diff)
	}
	for _, b := range bs {
		if b.Code == "open_critical_flag" && !strings.Contains(b.Message, "Komainu") {
			t.Errorf("the blocker does not name the custodian: %q", b.Message)
		}
	}
	if diff := cmp.Diff(ws.Evaluation, k.Workspace(officer, id).Evaluation); diff != "" {
		t.Fatalf("a refused submission changed the evaluation (-before +after):\n%s", diff)
	}

	// Finishing the work lifts every blocker.
	k.Answer(officer, id, coinbase, unanswered[0], "not_met", "Charter not confirmed.")
	k.Answer(officer, id, coinbase, unanswered[1], "met", "Verified.")
	for _, item := range noEvidence {
		apitest.ExpectStatus(t, apitest.Upload(officer, id, coinbase, item, "letter.pdf", "", apitest.TinyPDF), http.StatusCreated)
	}
	k.Move(officer, id, komainuCritical, "accepted", "Counsel confirmed the fund may use a non-qualified custodian for this sleeve.")
	k.Score(officer, id, coinbase, "support", 4)
	if ws = k.Submit(officer, id); ws.Evaluation.Status != "submitted" {
		t.Fatalf("status %s", ws.Evaluation.Status)
	}
}

// --- 6. weighted scores ---------------------------------------------------------------------

func TestScores_WeightedTotalAndRankingMatchTheHandArithmetic(t *testing.T) {
	t.Parallel()
	k := apitest.NewKit(t)
	officer := k.Officer
	coinbase, fidelity, bitgo, gemini := k.Custodian("coinbase-prime-custody"), k.Custodian("fidelity-digital-assets"), k.Custodian("bitgo-custody"), k.Custodian("gemini-custody")
	ws := k.Open(officer, apitest.USMandate(), coinbase, fidelity, bitgo, gemini)
	id := ws.Evaluation.ID

	// The weights: liquidity 30, security 25, coverage 15, costs 15, ux 10,
	// support 5. The weighted total is Σ weight × score / 5 (out of 100).
	weights := map[string]int{}
	for _, c := range ws.Template.Criteria {
		weights[c.Key] = c.Weight
	}
	if diff := cmp.Diff(map[string]int{"liquidity": 30, "security": 25, "coverage": 15, "costs": 15, "ux": 10, "support": 5}, weights); diff != "" {
		t.Fatalf("template weights (-want +got):\n%s", diff)
	}

	// A line of the ranking, as the ranking and the candidate's assessment
	// both show it.
	type line struct {
		Name  string
		Total float64
	}
	type ranked struct {
		Rank   int
		Name   string
		Total  float64
		Rank2  int     // the assessment's rank
		Total2 float64 // the assessment's total
	}
	expect := func(stage string, want ...line) {
		t.Helper()
		ws := k.Workspace(officer, id)
		var wantRanked, gotRanked []ranked
		for i, w := range want {
			wantRanked = append(wantRanked, ranked{i + 1, w.Name, w.Total, i + 1, w.Total})
		}
		for _, r := range ws.Ranking {
			a := apitest.AssessmentOf(t, ws, r.CustodianID)
			gotRanked = append(gotRanked, ranked{r.Rank, r.Name, r.WeightedTotal, a.Rank, a.WeightedTotal})
		}
		if diff := cmp.Diff(wantRanked, gotRanked); diff != "" {
			t.Errorf("%s: ranking (-want +got):\n%s", stage, diff)
		}
	}
	// Before any score every total is 0; ties rank by name.
	expect("unscored", line{"BitGo Custody", 0}, line{"Coinbase Prime Custody", 0}, line{"Fidelity Digital Assets", 0}, line{"Gemini Custody", 0})

	// Coinbase 5 4 4 3 4 3: 150 + 100 + 60 + 45 + 40 + 15 = 410 → 410/5 = 82
	k.ScoreAll(officer, id, coinbase, 5, 4, 4, 3, 4, 3)
	// Fidelity 3 5 2 4 3 5: 90 + 125 + 30 + 60 + 30 + 25 = 360 → 72
	k.ScoreAll(officer, id, fidelity, 3, 5, 2, 4, 3, 5)
	// BitGo 4 4 5 3 2 1: 120 + 100 + 75 + 45 + 20 + 5 = 365 → 73
	k.ScoreAll(officer, id, bitgo, 4, 4, 5, 3, 2, 1)
	// Gemini: only UX 3, the rest unscored (count 0): 10 × 3 = 30 → 6
	k.Score(officer, id, gemini, "ux", 3)

	expect("all scored", line{"Coinbase Prime Custody", 82}, line{"BitGo Custody", 73}, line{"Fidelity Digital Assets", 72}, line{"Gemini Custody", 6})

	// Rescoring replaces: Fidelity security 5 → 0 takes 25 × 5 = 125 off:
	// 360 − 125 = 235 → 47.
	k.Score(officer, id, fidelity, "security", 0)
	// Coinbase liquidity 5 → 4 and costs 3 → 1: 410 − 30 − 30 = 350 → 70.
	k.Score(officer, id, coinbase, "liquidity", 4)
	k.Score(officer, id, coinbase, "costs", 1)
	expect("rescored", line{"BitGo Custody", 73}, line{"Coinbase Prime Custody", 70}, line{"Fidelity Digital Assets", 47}, line{"Gemini Custody", 6})

	// A tie: Coinbase coverage 4 → 5 adds 15 × 1 = 15: 350 + 15 = 365 → 73,
	// equal to BitGo; ties rank by name (BitGo before Coinbase).
	k.Score(officer, id, coinbase, "coverage", 5)
	expect("tied", line{"BitGo Custody", 73}, line{"Coinbase Prime Custody", 73}, line{"Fidelity Digital Assets", 47}, line{"Gemini Custody", 6})

	// All fives are 100; all zeros are 0.
	k.ScoreAll(officer, id, gemini, 5, 5, 5, 5, 5, 5)
	k.ScoreAll(officer, id, fidelity, 0, 0, 0, 0, 0, 0)
	expect("extremes", line{"Gemini Custody", 100}, line{"BitGo Custody", 73}, line{"Coinbase Prime Custody", 73}, line{"Fidelity Digital Assets", 0})
}

// --- 7. queries per workspace load -----------------------------------------------------------

func TestWorkspace_LoadsWithTheSameNumberOfQueriesFor3And20Candidates(t *testing.T) {
	t.Parallel()
	k := apitest.NewKit(t)
	officer := k.Officer
	admin := k.Env.Login("admin@example.com")

	// Ten seeded custodians and ten more: twenty candidates.
	all := k.CustodianIDs()
	for i := 1; i <= 11; i++ {
		res := admin.Do(http.MethodPost, "/api/v1/custodians", map[string]any{"slug": fmt.Sprintf("extra-custodian-%d", i),
			"name": fmt.Sprintf("Extra Custodian %02d", i), "legal_entity": "Extra Trust Co.", "regions": []string{"EU"}})
		apitest.ExpectStatus(t, res, http.StatusCreated)
		all = append(all, apitest.Decode[custos.Custodian](t, res).ID)
	}
	sort.Slice(all, func(i, j int) bool { return all[i] < all[j] })
	if len(all) != 21 {
		t.Fatalf("%d custodians", len(all))
	}
	all, spare := all[:20], all[20]

	// fill answers every item of every candidate and adds a score, a flag
	// and an evidence file to each, and a shortlist.
	fill := func(ids []int64) int64 {
		ws := k.Open(officer, apitest.USMandate(), ids...)
		id := ws.Evaluation.ID
		k.AnswerAll(officer, id, ids...)
		item := k.Template.Items()[0]
		for _, cid := range ids {
			k.Score(officer, id, cid, "security", 4)
			k.Raise(officer, id, cid, map[string]any{"title": "Limited disclosures", "severity": "low"})
			apitest.ExpectStatus(t, apitest.Upload(officer, id, cid, item.ID, "charter.pdf", "", apitest.TinyPDF), http.StatusCreated)
		}
		k.Shortlist(officer, id, ids[0], ids[1])
		return id
	}
	small := fill(all[:3])
	large := fill(all)

	load := func(id int64) *custos.Workspace { return k.Workspace(officer, id) }
	// Warm the template cache (and the session) first.
	load(small)
	load(large)
	var wsSmall, wsLarge *custos.Workspace
	nSmall := k.Env.Queries.During(func() { wsSmall = load(small) })
	nLarge := k.Env.Queries.During(func() { wsLarge = load(large) })
	items := len(k.Template.Items())
	t.Logf("workspace load: %d queries for 3 candidates × %d items, %d queries for 20 candidates × %d items", nSmall, items, nLarge, items)
	if diff := cmp.Diff([]int{3, 20}, []int{len(wsSmall.Assessments), len(wsLarge.Assessments)}); diff != "" {
		t.Fatalf("candidates of the two workspaces (-want +got):\n%s", diff)
	}
	// Every candidate of the large one is full: answers, a score, evidence
	// and the low flag raised by hand (mandate fit may add more).
	type fullness struct{ Answered, Scores, Evidence int }
	for _, a := range wsLarge.Assessments {
		got := fullness{a.Completion.Answered, len(a.Scores), len(a.Evidence)}
		if diff := cmp.Diff(fullness{items, 1, 1}, got); diff != "" || len(a.RedFlags) == 0 {
			t.Fatalf("the large workspace is not full: %s has %d flags; (-want +got):\n%s", a.Custodian.Name, len(a.RedFlags), diff)
		}
	}
	if nSmall != nLarge {
		t.Errorf("a workspace load takes %d queries for 3 candidates but %d for 20", nSmall, nLarge)
	}
	// The store's read alone, without the request's authentication and
	// authorization.
	read := func(id int64) func() {
		return func() {
			if _, err := k.Env.Evaluations.Workspace(k.Ctx(), id); err != nil {
				t.Fatal(err)
			}
		}
	}
	sSmall, sLarge := k.Env.Queries.During(read(small)), k.Env.Queries.During(read(large))
	t.Logf("workspace read in the store: %d queries for 3 candidates, %d for 20", sSmall, sLarge)
	if sSmall != sLarge {
		t.Errorf("the store reads a workspace with %d queries for 3 candidates but %d for 20", sSmall, sLarge)
	}
	// Twenty is the most an evaluation takes.
	apitest.ExpectFieldErrors(t, officer.Do(http.MethodPost, apitest.EvalPath(large, "/candidates"), map[string]any{"custodian_id": spare}), "custodian_id")
	if nSmall > 15 {
		t.Errorf("a workspace load takes %d queries; it should be a fixed handful", nSmall)
	}
}

// --- 8. ETags ----------------------------------------------------------------------------------

func TestETags_ConditionalReadsAndStaleWritesGet304And412(t *testing.T) {
	t.Parallel()
	k := apitest.NewKit(t)
	officer, officer2 := k.Officer, k.Env.Login("officer2@example.com")
	coinbase, anchorage := k.Custodian("coinbase-prime-custody"), k.Custodian("anchorage-digital-bank")
	ws := k.Open(officer, apitest.USMandate(), coinbase, anchorage)
	id := ws.Evaluation.ID

	res := officer.Do(http.MethodGet, apitest.EvalPath(id), nil)
	apitest.ExpectStatus(t, res, http.StatusOK)
	tag := res.Header.Get("ETag")
	ws = apitest.Decode[*custos.Workspace](t, res)
	if tag != apitest.ETag(ws.Evaluation.Version) {
		t.Fatalf("ETag %q for version %d", tag, ws.Evaluation.Version)
	}

	// A conditional read of an unchanged workspace: 304 without a body.
	res = officer.Request(http.MethodGet, apitest.EvalPath(id), nil, http.Header{"If-None-Match": {tag}})
	type conditional struct {
		Status     int
		Body, ETag string
	}
	if diff := cmp.Diff(conditional{http.StatusNotModified, "", tag}, conditional{res.Status, string(res.Body), res.Header.Get("ETag")}); diff != "" {
		t.Fatalf("If-None-Match with the current ETag (-want +got):\n%s", diff)
	}
	res = officer.Request(http.MethodGet, apitest.EvalPath(id), nil, http.Header{"If-None-Match": {`"999"`}})
	apitest.ExpectStatus(t, res, http.StatusOK)

	// Officer 2 renames it with the right If-Match; the ETag moves on.
	rename := func(c *apitest.Client, ifMatch, title string) *apitest.Response {
		body, _ := json.Marshal(map[string]any{"title": title})
		return c.Request(http.MethodPatch, apitest.EvalPath(id), bytes.NewReader(body),
			http.Header{"Content-Type": {"application/json"}, "If-Match": {ifMatch}})
	}
	res = rename(officer2, tag, "Renamed by Omar")
	apitest.ExpectStatus(t, res, http.StatusOK)
	newTag := res.Header.Get("ETag")
	if newTag == tag || newTag == "" {
		t.Fatalf("the ETag did not change with the title: %q → %q", tag, newTag)
	}
	// The officer, still holding the old ETag, is refused with the current state.
	res = rename(officer, tag, "Renamed by Olivia")
	p := apitest.ExpectProblem(t, res, http.StatusPreconditionFailed)
	stale := apitest.Decode[apitest.StaleProblem](t, res)
	var current *custos.Workspace
	if err := json.Unmarshal(stale.RawCurrent, &current); err != nil || current == nil {
		t.Fatalf("412 without the current workspace: %s (%v)", res.Body, err)
	}
	type version struct {
		ID          int64
		Title, ETag string
	}
	want := version{ID: id, Title: "Renamed by Omar", ETag: newTag}
	if diff := cmp.Diff(want, version{current.Evaluation.ID, current.Evaluation.Title, apitest.ETag(current.Evaluation.Version)}); diff != "" {
		t.Errorf("412's current workspace (-want +got):\n%s", diff)
	}
	if got := res.Header.Get("ETag"); got != newTag {
		t.Errorf("412's ETag %q, want the current %q", got, newTag)
	}
	if p.Detail == "" {
		t.Error("412 without a detail")
	}
	if ws = k.Workspace(officer, id); ws.Evaluation.Title != "Renamed by Omar" {
		t.Fatalf("a stale write went through: %q", ws.Evaluation.Title)
	}
	// A malformed If-Match never matches; "*" always does.
	apitest.ExpectProblem(t, rename(officer, "not-a-tag", "x"), http.StatusPreconditionFailed)
	apitest.ExpectStatus(t, rename(officer, "*", "Renamed by Olivia"), http.StatusOK)

	// A stale If-Match on the shortlist and on submit is refused too.
	entries := map[string]any{"entries": []map[string]any{{"custodian_id": coinbase, "rank": 1, "rationale": "Deepest liquidity."}}}
	raw, _ := json.Marshal(entries)
	res = officer.Request(http.MethodPut, apitest.EvalPath(id, "/shortlist"), bytes.NewReader(raw),
		http.Header{"Content-Type": {"application/json"}, "If-Match": {tag}})
	apitest.ExpectProblem(t, res, http.StatusPreconditionFailed)
	res = officer.Request(http.MethodPost, apitest.EvalPath(id, "/submit"), nil, http.Header{"If-Match": {tag}})
	apitest.ExpectProblem(t, res, http.StatusPreconditionFailed)

	// Answers carry their own ETag: the answer's version.
	item := k.Template.Items()[3].ID
	put := func(c *apitest.Client, ifMatch, status, note string) *apitest.Response {
		body, _ := json.Marshal(map[string]string{"status": status, "note": note})
		h := http.Header{"Content-Type": {"application/json"}}
		if ifMatch != "" {
			h.Set("If-Match", ifMatch)
		}
		return c.Request(http.MethodPut, apitest.AnswerPath(id, anchorage, item), bytes.NewReader(body), h)
	}
	// An item never answered is at version 0: If-Match "0" creates it once.
	res = put(officer, `"0"`, "met", "First look.")
	apitest.ExpectStatus(t, res, http.StatusOK)
	first := res.Header.Get("ETag")
	res = put(officer2, `"0"`, "not_met", "Created again from a stale page.")
	apitest.ExpectProblem(t, res, http.StatusPreconditionFailed)
	if first != `"1"` {
		t.Fatalf("first answer ETag %q", first)
	}
	res = put(officer2, first, "partly_met", "One enforcement action in 2024, remediated.")
	apitest.ExpectStatus(t, res, http.StatusOK)
	second := res.Header.Get("ETag")
	if second != `"2"` {
		t.Fatalf("second answer ETag %q", second)
	}
	// Olivia's write based on version 1 is refused with Omar's answer.
	res = put(officer, first, "met", "Looks fine to me.")
	apitest.ExpectProblem(t, res, http.StatusPreconditionFailed)
	stale = apitest.Decode[apitest.StaleProblem](t, res)
	var cur custos.Answer
	if err := json.Unmarshal(stale.RawCurrent, &cur); err != nil {
		t.Fatalf("412 without the current answer: %s", res.Body)
	}
	omarID := k.UserID("officer2@example.com")
	wantAnswer := custos.Answer{ItemID: item, Status: custos.AnswerPartlyMet, Note: "One enforcement action in 2024, remediated.", Version: 2, UpdatedBy: &omarID}
	if diff := cmp.Diff(wantAnswer, cur, cmpopts.IgnoreFields(custos.Answer{}, "UpdatedAt")); diff != "" {
		t.Errorf("412's current answer (-want +got):\n%s", diff)
	}
	if got := res.Header.Get("ETag"); got != second {
		t.Errorf("412's ETag %q, want the current %q", got, second)
	}
	// With the current ETag it goes through.
	res = put(officer, second, "met", "Remediation confirmed by the regulator.")
	apitest.ExpectStatus(t, res, http.StatusOK)
	if res.Header.Get("ETag") != `"3"` {
		t.Errorf("third answer ETag %q", res.Header.Get("ETag"))
	}
	a := apitest.AssessmentOf(t, k.Workspace(officer, id), anchorage)
	for _, ans := range a.Answers {
		if ans.ItemID == item {
			type stored struct {
				Status  custos.AnswerStatus
				Version int
			}
			if diff := cmp.Diff(stored{custos.AnswerMet, 3}, stored{ans.Status, ans.Version}); diff != "" {
				t.Errorf("stored answer (-want +got):\n%s", diff)
			}
		}
	}
}

// --- 10. evidence -----------------------------------------------------------------------------

func TestEvidence_TypeFromTheBytesSafeDownloadAndTeamAccess(t *testing.T) {
	t.Parallel()
	k := apitest.NewKit(t)
	officer := k.Officer
	coinbase, anchorage, gemini := k.Custodian("coinbase-prime-custody"), k.Custodian("anchorage-digital-bank"), k.Custodian("gemini-custody")
	ws := k.Open(officer, apitest.USMandate(), coinbase, anchorage)
	id := ws.Evaluation.ID
	item := k.Template.Items()[0].ID

	// A PDF named like a PNG and sent as image/png is stored as a PDF; the
	// name is only a label, without its directories.
	res := apitest.Upload(officer, id, coinbase, item, `..\..\reports/x.png`, "image/png", apitest.TinyPDF)
	apitest.ExpectStatus(t, res, http.StatusCreated)
	ev := apitest.Decode[custos.Evidence](t, res)
	wantSum := custos.HashBytes(apitest.SHA256(apitest.TinyPDF))
	wantEvidence := custos.Evidence{ID: ev.ID, CustodianID: coinbase, ItemID: item, Label: "x.png", ContentType: "application/pdf",
		Size: int64(len(apitest.TinyPDF)), SHA256: wantSum, UploadedBy: k.UserID("officer@example.com")}
	if diff := cmp.Diff(wantEvidence, ev, cmpopts.IgnoreFields(custos.Evidence{}, "UploadedAt")); diff != "" {
		t.Fatalf("stored evidence (-want +got):\n%s", diff)
	}

	// Other accepted types, detected from their bytes.
	png := append([]byte("\x89PNG\r\n\x1a\n"), bytes.Repeat([]byte{0}, 32)...)
	jpeg := append([]byte{0xFF, 0xD8, 0xFF, 0xE0}, bytes.Repeat([]byte{1}, 32)...)
	for _, c := range []struct {
		name    string
		content []byte
		want    string
	}{
		{"scan.pdf", png, "image/png"},
		{"photo", jpeg, "image/jpeg"},
		{"notes.pdf", []byte("Call with the custodian on 2027-01-10: SOC 2 report promised.\n"), "text/plain"},
	} {
		res := apitest.Upload(officer, id, coinbase, item, c.name, "application/pdf", c.content)
		apitest.ExpectStatus(t, res, http.StatusCreated)
		if e := apitest.Decode[custos.Evidence](t, res); e.ContentType != c.want {
			t.Errorf("%s stored as %s, want %s", c.name, e.ContentType, c.want)
		}
	}

	// Refused: HTML (whatever its name), an empty file, no file, and a body
	// that is not multipart.
	html := []byte("<!DOCTYPE html><html><body><script>alert(document.cookie)</script></body></html>")
	apitest.ExpectFieldErrors(t, apitest.Upload(officer, id, coinbase, item, "report.pdf", "application/pdf", html), "file")
	apitest.ExpectFieldErrors(t, apitest.Upload(officer, id, coinbase, item, "empty.pdf", "application/pdf", nil), "file")
	body, header := apitest.Multipart("attachment", "x.pdf", "", apitest.TinyPDF)
	apitest.ExpectFieldErrors(t, officer.Request(http.MethodPost, apitest.AnswerPath(id, coinbase, item)+"/evidence", body, header), "file")
	res = officer.Request(http.MethodPost, apitest.AnswerPath(id, coinbase, item)+"/evidence", bytes.NewReader(apitest.TinyPDF),
		http.Header{"Content-Type": {"application/json"}})
	apitest.ExpectProblem(t, res, http.StatusUnsupportedMediaType)
	res = officer.Request(http.MethodPost, apitest.AnswerPath(id, coinbase, item)+"/evidence", bytes.NewReader(apitest.TinyPDF),
		http.Header{"Content-Type": {"application/pdf"}})
	apitest.ExpectProblem(t, res, http.StatusUnsupportedMediaType)
	// Over 10 MiB: 413.
	big := append(append([]byte{}, apitest.TinyPDF...), bytes.Repeat([]byte(" "), custos.MaxEvidenceBytes)...)
	apitest.ExpectProblem(t, apitest.Upload(officer, id, coinbase, item, "big.pdf", "", big), http.StatusRequestEntityTooLarge)
	// Not a candidate, not an item of the template: 404.
	apitest.ExpectProblem(t, apitest.Upload(officer, id, gemini, item, "x.pdf", "", apitest.TinyPDF), http.StatusNotFound)
	apitest.ExpectProblem(t, apitest.Upload(officer, id, coinbase, 999999, "x.pdf", "", apitest.TinyPDF), http.StatusNotFound)
	// To another team's officer the evaluation does not exist.
	outsider := k.Env.Login("other.officer@example.com")
	apitest.ExpectProblem(t, apitest.Upload(outsider, id, coinbase, item, "x.pdf", "", apitest.TinyPDF), http.StatusNotFound)

	ws = k.Workspace(officer, id)
	a := apitest.AssessmentOf(t, ws, coinbase)
	if len(a.Evidence) != 4 {
		t.Fatalf("%d evidence files stored, want 4: %+v", len(a.Evidence), a.Evidence)
	}
	listed := a.Evidence[0]
	if diff := cmp.Diff(ev, listed); diff != "" {
		t.Fatalf("the workspace lists the first file otherwise than its upload answered (-upload +listed):\n%s", diff)
	}

	// The download: the stored bytes, as an attachment that is never sniffed.
	download := func(c *apitest.Client, evalID, evidenceID int64) *apitest.Response {
		return c.Do(http.MethodGet, apitest.EvalPath(evalID, fmt.Sprintf("/evidence/%d", evidenceID)), nil)
	}
	for _, who := range []string{"officer@example.com", "auditor@example.com", "manager@example.com"} {
		res := download(k.Env.Login(who), id, ev.ID)
		apitest.ExpectStatus(t, res, http.StatusOK)
		if !bytes.Equal(res.Body, apitest.TinyPDF) {
			t.Errorf("%s downloaded other bytes", who)
		}
		if got := apitest.SHA256(res.Body); !bytes.Equal(got, listed.SHA256) {
			t.Errorf("downloaded SHA-256 %x, workspace lists %x", got, []byte(listed.SHA256))
		}
		// An attachment named by the server (never by the uploader), typed
		// as stored and never sniffed.
		wantHeaders := map[string]string{
			"Content-Disposition":    fmt.Sprintf(`attachment; filename=evidence-%d.pdf`, ev.ID),
			"Content-Type":           "application/pdf",
			"X-Content-Type-Options": "nosniff",
			"X-Content-SHA256":       hex.EncodeToString(listed.SHA256),
		}
		gotHeaders := map[string]string{}
		for h := range wantHeaders {
			gotHeaders[h] = res.Header.Get(h)
		}
		if diff := cmp.Diff(wantHeaders, gotHeaders); diff != "" {
			t.Errorf("download headers for %s (-want +got):\n%s", who, diff)
		}
	}
	apitest.ExpectProblem(t, download(outsider, id, ev.ID), http.StatusNotFound)
	apitest.ExpectProblem(t, download(officer, id, 999999), http.StatusNotFound)

	// Evidence of one evaluation cannot be fetched through another.
	other := k.Open(officer, apitest.USMandate(), coinbase, anchorage)
	apitest.ExpectProblem(t, download(officer, other.Evaluation.ID, ev.ID), http.StatusNotFound)
}

// blockerKey identifies a blocker without its message.
func blockerKey(b custos.Blocker) string {
	n := func(p *int64) int64 {
		if p == nil {
			return 0
		}
		return *p
	}
	key := fmt.Sprintf("%s c%d i%d f%d", b.Code, n(b.CustodianID), n(b.ItemID), n(b.FlagID))
	if b.Criterion != nil {
		key += " k=" + *b.Criterion
	}
	return key
}
