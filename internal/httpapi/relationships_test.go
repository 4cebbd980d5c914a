package httpapi_test

import (
	"bytes"
	"encoding/json"
	"fmt"
	"net/http"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/custos-dd/custos/internal/apitest"
	"github.com/custos-dd/custos/internal/custos"
)

// approvedKit returns the kit and an approved evaluation whose shortlist is
// Coinbase.
func approvedKit(t *testing.T) (*apitest.Kit, *custos.Workspace) {
	t.Helper()
	k := apitest.NewKit(t)
	k.SetApprovalsRequired(1)
	ws := k.Submittable()
	k.Submit(k.Officer, ws.Evaluation.ID)
	apitest.ExpectStatus(t, apitest.Decide(k.Env.Login("manager@example.com"), ws.Evaluation.ID, "approve", "Agreed."), http.StatusOK)
	return k, k.Workspace(k.Officer, ws.Evaluation.ID)
}

// The relationship's life through the API: appointed from the approved
// shortlist, read, changed under If-Match, ended; each change is one audit
// event with before and after, and another team never sees it.
func TestRelationship_Lifecycle(t *testing.T) {
	t.Parallel()
	k, ws := approvedKit(t)
	coinbase, anchorage := k.Custodian("coinbase-prime-custody"), k.Custodian("anchorage-digital-bank")
	base := fmt.Sprintf("/api/v1/teams/%d/relationships", k.Treasury)
	manager := k.Env.Login("manager@example.com")

	// Only the approved shortlist can be appointed from.
	apitest.ExpectFieldErrors(t, k.Officer.Do(http.MethodPost, base, map[string]any{"evaluation_id": ws.Evaluation.ID, "custodian_id": anchorage}), "custodian_id")
	draft := k.Open(k.Officer, apitest.USMandate(), coinbase, anchorage)
	apitest.ExpectProblem(t, k.Officer.Do(http.MethodPost, base, map[string]any{"evaluation_id": draft.Evaluation.ID, "custodian_id": coinbase}), http.StatusConflict)
	apitest.ExpectFieldErrors(t, k.Officer.Do(http.MethodPost, base, map[string]any{"evaluation_id": ws.Evaluation.ID, "custodian_id": coinbase,
		"owner_id": k.UserID("auditor@example.com")}), "owner_id")

	res := k.Officer.Do(http.MethodPost, base, map[string]any{"evaluation_id": ws.Evaluation.ID, "custodian_id": coinbase,
		"owner_id": k.UserID("manager@example.com")})
	apitest.ExpectStatus(t, res, http.StatusCreated)
	r := apitest.Decode[custos.Relationship](t, res)
	path := fmt.Sprintf("%s/%d", base, r.ID)
	if res.Header.Get("Location") != path || res.Header.Get("ETag") != `"1"` {
		t.Errorf("Location %q, ETag %q", res.Header.Get("Location"), res.Header.Get("ETag"))
	}
	// The test clock stands at 26 November 2026.
	want := custos.Relationship{ID: r.ID, TeamID: k.Treasury, CustodianID: coinbase, CustodianName: "Coinbase Prime Custody",
		EvaluationID: ws.Evaluation.ID, OwnerID: k.UserID("manager@example.com"), OwnerName: r.OwnerName, AppointedOn: "2026-11-26",
		LastReviewed: "2026-11-26", ReviewMonths: 12, NextReviewDue: "2027-11-26", Status: custos.ActiveRelationship, Version: 1,
		CreatedAt: r.CreatedAt, UpdatedAt: r.UpdatedAt,
		DiligenceStatus: custos.DiligenceCurrent, DiligenceReasons: []string{}}
	if d := cmp.Diff(want, r); d != "" {
		t.Errorf("appointed (-want +got):\n%s", d)
	}
	// A second active relationship with the same custodian is a conflict.
	apitest.ExpectProblem(t, manager.Do(http.MethodPost, base, map[string]any{"evaluation_id": ws.Evaluation.ID, "custodian_id": coinbase}), http.StatusConflict)

	// Read by the auditor; hidden from another team's officer (its team is
	// not theirs) and not found under another team's path.
	auditor := k.Env.Login("auditor@example.com")
	apitest.ExpectStatus(t, auditor.Do(http.MethodGet, path, nil), http.StatusOK)
	apitest.ExpectProblem(t, auditor.Do(http.MethodPatch, path, map[string]any{"review_months": 6}), http.StatusForbidden)
	other := k.Env.Login("other.officer@example.com")
	apitest.ExpectProblem(t, other.Do(http.MethodGet, path, nil), http.StatusForbidden)
	apitest.ExpectProblem(t, other.Do(http.MethodGet, fmt.Sprintf("/api/v1/teams/%d/relationships/%d", k.Other, r.ID), nil), http.StatusNotFound)

	// A change under a stale If-Match is refused with the current state.
	k.Env.Clock.Advance(24 * time.Hour) // the sessions end: sign in again
	k.Officer, manager, auditor = k.Env.Login("officer@example.com"), k.Env.Login("manager@example.com"), k.Env.Login("auditor@example.com")
	stale := k.Officer.Request(http.MethodPatch, path, jsonBody(t, map[string]any{"review_months": 6}), http.Header{"If-Match": {`"7"`}, "Content-Type": {"application/json"}})
	apitest.ExpectStatus(t, stale, http.StatusPreconditionFailed)
	res = k.Officer.Request(http.MethodPatch, path, jsonBody(t, map[string]any{"review_months": 6}), http.Header{"If-Match": {`"1"`}, "Content-Type": {"application/json"}})
	apitest.ExpectStatus(t, res, http.StatusOK)
	if got := apitest.Decode[custos.Relationship](t, res); got.NextReviewDue != "2027-05-26" || got.ReviewMonths != 6 || got.Version != 2 {
		t.Errorf("after a 6-month cadence: %+v", got)
	}
	apitest.ExpectFieldErrors(t, k.Officer.Do(http.MethodPatch, path, map[string]any{"next_review_due": "2026-01-01"}), "next_review_due")

	apitest.ExpectFieldErrors(t, manager.Do(http.MethodPost, path+"/end", map[string]any{"reason": ""}), "reason")
	res = manager.Do(http.MethodPost, path+"/end", map[string]any{"reason": "Assets moved to the new prime broker."})
	apitest.ExpectStatus(t, res, http.StatusOK)
	if got := apitest.Decode[custos.Relationship](t, res); got.Status != custos.EndedRelationship || got.EndedOn == nil || *got.EndedOn != "2026-11-27" {
		t.Errorf("ended: %+v", got)
	}
	apitest.ExpectProblem(t, k.Officer.Do(http.MethodPatch, path, map[string]any{"review_months": 3}), http.StatusConflict)

	// Ended, the custodian can be appointed again; the list shows both.
	apitest.ExpectStatus(t, k.Officer.Do(http.MethodPost, base, map[string]any{"evaluation_id": ws.Evaluation.ID, "custodian_id": coinbase}), http.StatusCreated)
	res = auditor.Do(http.MethodGet, base+"?status=ended", nil)
	apitest.ExpectStatus(t, res, http.StatusOK)
	if p := apitest.Decode[custos.RelationshipPage](t, res); len(p.Items) != 1 || p.Items[0].ID != r.ID {
		t.Errorf("ended relationships: %+v", p.Items)
	}
	apitest.ExpectFieldErrors(t, auditor.Do(http.MethodGet, base+"?status=lapsed", nil), "status")

	// One audit event per change, in order, with what changed.
	res = auditor.Do(http.MethodGet, fmt.Sprintf("/api/v1/audit?team=%d&limit=100", k.Treasury), nil)
	apitest.ExpectStatus(t, res, http.StatusOK)
	type shape struct{ Action, Object string }
	var got []shape
	var update custos.AuditEvent
	events := apitest.Decode[custos.Page[custos.AuditEvent]](t, res).Items
	for i := len(events) - 1; i >= 0; i-- {
		if e := events[i]; e.ObjectType == "relationship" {
			got = append(got, shape{e.Action, e.ObjectID})
			if e.Action == "relationship.update" {
				update = e
			}
		}
	}
	second := fmt.Sprint(r.ID + 1)
	if d := cmp.Diff([]shape{{"relationship.appoint", fmt.Sprint(r.ID)}, {"relationship.update", fmt.Sprint(r.ID)},
		{"relationship.end", fmt.Sprint(r.ID)}, {"relationship.appoint", second}}, got); d != "" {
		t.Errorf("audit events (-want +got):\n%s", d)
	}
	var before, after struct {
		ReviewMonths  int    `json:"review_months"`
		NextReviewDue string `json:"next_review_due"`
	}
	_ = json.Unmarshal(update.Before, &before)
	_ = json.Unmarshal(update.After, &after)
	if before.ReviewMonths != 12 || after.ReviewMonths != 6 || after.NextReviewDue != "2027-05-26" {
		t.Errorf("update audit: before %+v, after %+v", before, after)
	}
}

func jsonBody(t *testing.T, v any) *bytes.Reader {
	t.Helper()
	b, err := json.Marshal(v)
	if err != nil {
		t.Fatal(err)
	}
	return bytes.NewReader(b)
}
