package postgres

import (
	"encoding/json"
	"reflect"
	"sort"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/custos-dd/custos/internal/custos"
)

// auditShape is what the audit trail shows of an event: its action and
// object type and the keys of its before and after (nil when absent).
type auditShape struct {
	Action, ObjectType string
	Before, After      []string
}

func keysOf(t *testing.T, v any) []string {
	t.Helper()
	if v == nil {
		return nil
	}
	raw, err := json.Marshal(v)
	if err != nil {
		t.Fatal(err)
	}
	var m map[string]json.RawMessage
	if err := json.Unmarshal(raw, &m); err != nil {
		return []string{"<" + string(raw[:1]) + ">"} // not an object: a list
	}
	keys := []string{}
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	return keys
}

// Every domain event has an audit mapping, and each mapping keeps the shape
// the API and the web app show: a new event type without a case in auditOf,
// or a payload that loses or renames a key, fails here.
func TestAuditOf_MapsEveryEventTypeWithAStableShape(t *testing.T) {
	endedOn := "2027-05-01"
	flag := custos.RedFlag{ID: 5, CustodianID: 1, Title: "Commingled assets"}
	populated := map[string]custos.Event{
		"ScoreRecorded": custos.ScoreRecorded{Before: &custos.Score{Score: 2}, After: custos.Score{Score: 4}},
		"RedFlagMoved":  custos.RedFlagMoved{Before: flag, After: flag},
		"DecisionRecorded": custos.DecisionRecorded{Decision: custos.DecisionApprove, Approvals: 1, ApprovalsRequired: 2,
			Status: custos.StatusSubmitted},
		"CandidateRemoved": custos.CandidateRemoved{CustodianID: 3, Removed: json.RawMessage(`{"answers":2}`)},
		"RelationshipEnded": custos.RelationshipEnded{After: custos.Relationship{Status: custos.EndedRelationship,
			EndedOn: &endedOn, EndReason: "Moved to another custodian."}},
		"ResponseSaved": custos.ResponseSaved{Before: &custos.Response{ItemID: 3}, After: custos.Response{ItemID: 3}},
	}
	relKeys := []string{"appointed_on", "custodian_id", "evaluation_id", "next_review_due", "owner_id", "review_months", "status"}
	docKeys := []string{"carve_outs", "cuecs", "custodian_id", "file_sha256", "issued_on", "issuer", "kind", "opinion",
		"period_end", "period_start", "scope", "status", "valid_until"}
	invKeys := []string{"custodian_id", "email", "evaluation_id", "expires_at", "name", "revoked_at", "section_keys"}
	respKeys := []string{"clarification", "evaluation_id", "item_id", "note", "state", "status"}
	flagKeys := []string{"custodian_id", "evaluation_id", "mandate_rule", "reason", "resolution", "severity", "status", "title"}
	want := map[string]auditShape{
		"EvaluationCreated": {"evaluation.create", "evaluation", nil,
			[]string{"custodian_ids", "due_date", "mandate", "template_id", "title"}},
		"EvaluationUpdated": {"evaluation.update", "evaluation",
			[]string{"due_date", "mandate", "title"}, []string{"due_date", "mandate", "title"}},
		"CandidateAdded":   {"evaluation.add_candidate", "evaluation", nil, []string{"custodian_id"}},
		"CandidateRemoved": {"evaluation.remove_candidate", "evaluation", []string{"custodian_id", "removed"}, nil},
		"AnswerRecorded":   {"answer.put", "answer", []string{"note", "status"}, []string{"note", "status"}},
		"EvidenceAttached": {"evidence.add", "evidence", nil,
			[]string{"content_type", "custodian_id", "evaluation_id", "item_id", "label", "sha256", "size"}},
		"EvidenceDownloaded": {"evidence.download", "evidence", nil,
			[]string{"custodian_id", "evaluation_id", "item_id", "label", "sha256"}},
		"ScoreRecorded": {"score.put", "score", []string{"rationale", "score"}, []string{"rationale", "score"}},
		"RedFlagRaised": {"red_flag.raise", "red_flag", nil, flagKeys},
		"RedFlagMoved":  {"red_flag.update", "red_flag", flagKeys, flagKeys},
		"ShortlistSet":  {"shortlist.put", "evaluation", nil, nil},
		"EvaluationSubmitted": {"evaluation.submit", "evaluation", []string{"status"},
			[]string{"approvals_required", "round", "shortlist", "snapshot_sha256", "status"}},
		"DecisionRecorded": {"evaluation.approve", "evaluation", []string{"status"},
			[]string{"approvals", "approvals_required", "comment", "decision", "round", "snapshot_sha256", "status"}},
		"MemoIssued": {"memo.issue", "memo", nil,
			[]string{"evaluation_id", "sha256", "signer_fingerprint", "size", "snapshot_sha256"}},
		"MemoDownloaded": {"memo.download", "memo", nil, []string{"evaluation_id", "sha256"}},
		"SubmissionWithdrawn": {"evaluation.withdraw", "evaluation", []string{"round", "snapshot_sha256", "status"},
			[]string{"status"}},
		"RedFlagWithdrawn": {"red_flag.withdraw", "red_flag", flagKeys, flagKeys},
		"EvidenceRemoved": {"evidence.remove", "evidence",
			[]string{"content_type", "custodian_id", "evaluation_id", "item_id", "label", "sha256", "size"}, nil},
		"RelationshipAppointed": {"relationship.appoint", "relationship", nil, relKeys},
		"RelationshipUpdated":   {"relationship.update", "relationship", relKeys, relKeys},
		"RelationshipReviewed":  {"relationship.review", "relationship", relKeys, relKeys},
		"RediligenceOpened": {"evaluation.open_rediligence", "evaluation", nil, []string{"carried_answers", "custodian_ids", "due_date",
			"follows_evaluation_id", "linked_evidence", "mandate", "relationship_id", "template_id", "title"}},
		"EvaluationExported":          {"evaluation.export", "evaluation", nil, []string{"format", "version"}},
		"CatalogueExported":           {"catalogue.export", "catalogue", nil, []string{"custodians", "format"}},
		"AssuranceDocumentAdded":      {"assurance_document.add", "assurance_document", nil, docKeys},
		"AssuranceDocumentChanged":    {"assurance_document.update", "assurance_document", docKeys, docKeys},
		"AssuranceDocumentDownloaded": {"assurance_document.download", "assurance_document", nil, []string{"custodian_id", "file_sha256", "kind"}},
		"RelationshipEnded": {"relationship.end", "relationship", relKeys,
			[]string{"appointed_on", "custodian_id", "end_reason", "ended_on", "evaluation_id", "next_review_due", "owner_id", "review_months", "status"}},
		"InvitationCreated":     {"invitation.create", "invitation", nil, invKeys},
		"InvitationWithdrawn":   {"invitation.revoke", "invitation", invKeys, invKeys},
		"InvitationOpened":      {"invitation.open", "invitation", nil, []string{"evaluation_id", "opened_at"}},
		"ResponseSaved":         {"response.save", "invitation", respKeys, respKeys},
		"ResponseDocumentAdded": {"response.add_document", "invitation", nil, []string{"content_type", "evaluation_id", "item_id", "label", "sha256", "size"}},
		"ResponsesSubmitted":    {"response.submit", "invitation", nil, []string{"evaluation_id", "item_ids"}},
		"ResponseAccepted": {"response.accept", "invitation", respKeys,
			[]string{"clarification", "custodian_id", "document_ids", "evaluation_id", "item_id", "note", "state", "status"}},
		"ClarificationRequested": {"response.clarify", "invitation", respKeys, respKeys},
		"ResponseDocumentDownloaded": {"response.download_document", "invitation", nil,
			[]string{"content_type", "evaluation_id", "item_id", "label", "sha256", "size"}},
	}
	for _, ev := range custos.EventTypes() {
		name := reflect.TypeOf(ev).Name()
		t.Run(name, func(t *testing.T) {
			if p, ok := populated[name]; ok {
				ev = p
			}
			a, err := auditOf(42, ev)
			if err != nil {
				t.Fatalf("no audit mapping: %v", err)
			}
			if name == "CatalogueExported" { // the organisation's catalogue: no team
				if a.TeamID != nil {
					t.Errorf("team %v, want none", *a.TeamID)
				}
			} else if a.TeamID == nil || *a.TeamID != 42 {
				t.Errorf("team %v, want 42", a.TeamID)
			}
			got := auditShape{Action: a.Action, ObjectType: a.ObjectType, Before: keysOf(t, a.Before), After: keysOf(t, a.After)}
			w, ok := want[name]
			if !ok {
				t.Fatalf("add the audit shape of %s to this test: %+v", name, got)
			}
			if name == "ShortlistSet" { // lists, not objects
				w.Before, w.After = got.Before, got.After
			}
			if d := cmp.Diff(w, got); d != "" {
				t.Errorf("audit shape (-want +got):\n%s", d)
			}
		})
	}
}

// A return records no approval counts: they go with approvals only.
func TestAuditOf_AReturnHasNoApprovalCounts(t *testing.T) {
	a, err := auditOf(1, custos.DecisionRecorded{Decision: custos.DecisionReturn, Comment: "Fix the insurance.", Status: custos.StatusDraft})
	if err != nil {
		t.Fatal(err)
	}
	if d := cmp.Diff([]string{"comment", "decision", "round", "snapshot_sha256", "status"}, keysOf(t, a.After)); d != "" {
		t.Errorf("return's after (-want +got):\n%s", d)
	}
	if a.Action != "evaluation.return" {
		t.Errorf("action %q", a.Action)
	}
}
