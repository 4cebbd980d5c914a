package clustertest

import (
	"bytes"
	"fmt"
	"net/http"
	"testing"
)

// tinyPDF sniffs as application/pdf: the evidence the officer attaches.
var tinyPDF = []byte("%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n")

type item struct {
	ID               int64  `json:"id"`
	Key              string `json:"key"`
	EvidenceRequired bool   `json:"evidence_required"`
}

type template struct {
	Criteria []struct {
		Key string `json:"key"`
	} `json:"criteria"`
	Sections []struct {
		Items []item `json:"items"`
	} `json:"sections"`
}

type workspace struct {
	Evaluation struct {
		ID     int64  `json:"id"`
		Status string `json:"status"`
	} `json:"evaluation"`
	Assessments []struct {
		Custodian struct {
			ID int64 `json:"id"`
		} `json:"custodian"`
		Answers []struct {
			ItemID int64  `json:"item_id"`
			Status string `json:"status"`
			Note   string `json:"note"`
		} `json:"answers"`
		Scores []struct {
			Criterion string `json:"criterion"`
			Score     int    `json:"score"`
			Rationale string `json:"rationale"`
		} `json:"scores"`
		Evidence []struct {
			ID     int64 `json:"id"`
			ItemID int64 `json:"item_id"`
		} `json:"evidence"`
		RedFlags []struct {
			ID       int64  `json:"id"`
			Status   string `json:"status"`
			Severity string `json:"severity"`
		} `json:"red_flags"`
	} `json:"assessments"`
	SubmitBlockers []struct {
		Message string `json:"message"`
	} `json:"submit_blockers"`
}

type memoAnswer struct {
	ID     int64  `json:"id"`
	SHA256 string `json:"sha256"`
}

// journey is the officer → manager → auditor path through one address:
// every write is checked when made and again, all of them, at the end.
type journey struct {
	t         *testing.T
	addr      string
	treasury  int64
	candidate int64
	// afterWrite, when set, runs after each acknowledged write of the
	// officer's checklist and scoring (n counts them from 1).
	afterWrite func(n int)

	officer, manager, auditor *client
	evalID                    int64
	writes                    int
	// what the server acknowledged, to find again at the end
	answered map[int64]string // item → note
	evidence map[int64]bool   // evidence ID
	scored   map[string]int   // criterion → score
	memo     memoAnswer
}

func newJourney(t *testing.T, addr string) *journey {
	return &journey{t: t, addr: addr, candidate: 1,
		answered: map[int64]string{}, evidence: map[int64]bool{}, scored: map[string]int{}}
}

func (j *journey) wrote() {
	j.writes++
	if j.afterWrite != nil {
		j.afterWrite(j.writes)
	}
}

// teamID returns the demo team's ID from the officer's memberships.
func teamID(t *testing.T, c *client, name string) int64 {
	t.Helper()
	var me struct {
		Memberships []struct {
			TeamID   int64  `json:"team_id"`
			TeamName string `json:"team_name"`
		} `json:"memberships"`
	}
	c.must(http.StatusOK, http.MethodGet, "/api/v1/me", nil).decode(t, &me)
	for _, m := range me.Memberships {
		if m.TeamName == name {
			return m.TeamID
		}
	}
	t.Fatalf("not a member of %q: %+v", name, me.Memberships)
	return 0
}

// prepare: the officer opens an evaluation, answers the checklist with
// evidence, scores, settles the red flags, shortlists and submits.
func (j *journey) prepare() {
	t := j.t
	j.officer = newClient(t, j.addr).login("officer@example.com")
	j.treasury = teamID(t, j.officer, "Demo Treasury")
	var tpl template
	j.officer.must(http.StatusOK, http.MethodGet, "/api/v1/templates/1", nil).decode(t, &tpl)

	var ws workspace
	j.officer.must(http.StatusCreated, http.MethodPost, "/api/v1/evaluations", map[string]any{
		"team_id": j.treasury, "title": "Cluster RFP", "template_id": 1,
		"mandate": map[string]any{"regions": []string{"US"}, "qualified_custodian_required": true,
			"assets": []string{"BTC", "ETH"}, "staking_required": false},
		"custodian_ids": []int64{j.candidate, 2},
	}).decode(t, &ws)
	j.evalID = ws.Evaluation.ID
	base := fmt.Sprintf("/api/v1/evaluations/%d/custodians/%d", j.evalID, j.candidate)

	for _, s := range tpl.Sections {
		for _, it := range s.Items {
			note := fmt.Sprintf("Checked %s with the custodian's documents.", it.Key)
			j.officer.must(http.StatusOK, http.MethodPut, fmt.Sprintf("%s/answers/%d", base, it.ID),
				map[string]string{"status": "met", "note": note})
			j.answered[it.ID] = note
			j.wrote()
			if it.EvidenceRequired {
				var ev struct {
					ID int64 `json:"id"`
				}
				j.officer.upload(http.StatusCreated, fmt.Sprintf("%s/answers/%d/evidence", base, it.ID), it.Key+".pdf", tinyPDF).decode(t, &ev)
				j.evidence[ev.ID] = true
				j.wrote()
			}
		}
	}
	for i, c := range tpl.Criteria {
		score := 3 + i%3
		j.officer.must(http.StatusOK, http.MethodPut, fmt.Sprintf("%s/scores/%s", base, c.Key),
			map[string]any{"score": score, "rationale": "Assessed against " + c.Key + "."})
		j.scored[c.Key] = score
		j.wrote()
	}
	j.officer.must(http.StatusOK, http.MethodGet, fmt.Sprintf("/api/v1/evaluations/%d", j.evalID), nil).decode(t, &ws)
	for _, a := range ws.Assessments {
		if a.Custodian.ID != j.candidate {
			continue
		}
		for _, f := range a.RedFlags {
			if f.Status == "open" {
				j.officer.must(http.StatusOK, http.MethodPatch, fmt.Sprintf("/api/v1/evaluations/%d/red-flags/%d", j.evalID, f.ID),
					map[string]string{"status": "mitigated", "resolution": "Confirmed with the custodian's compliance team."})
			}
		}
	}
	j.officer.must(http.StatusOK, http.MethodPut, fmt.Sprintf("/api/v1/evaluations/%d/shortlist", j.evalID),
		map[string]any{"entries": []map[string]any{{"custodian_id": j.candidate, "rank": 1, "rationale": "Best fit."}}})
	j.officer.must(http.StatusOK, http.MethodPost, fmt.Sprintf("/api/v1/evaluations/%d/submit", j.evalID), nil)
}

// approveAndIssue: a manager who did not submit approves and issues the memo.
func (j *journey) approveAndIssue() {
	t := j.t
	j.manager = newClient(t, j.addr).login("manager@example.com")
	var ws workspace
	j.manager.must(http.StatusOK, http.MethodPost, fmt.Sprintf("/api/v1/evaluations/%d/approve", j.evalID),
		map[string]string{"comment": "Approved by the investment committee."}).decode(t, &ws)
	if ws.Evaluation.Status != "approved" {
		t.Fatalf("after the approval the evaluation is %q", ws.Evaluation.Status)
	}
	j.manager.must(http.StatusCreated, http.MethodPost, fmt.Sprintf("/api/v1/evaluations/%d/memos", j.evalID), nil).decode(t, &j.memo)
}

// audit: the auditor finds every acknowledged write, downloads the memo, has
// it verified, and verifies the audit chain.
func (j *journey) audit() {
	t := j.t
	j.auditor = newClient(t, j.addr).login("auditor@example.com")
	var ws workspace
	j.auditor.must(http.StatusOK, http.MethodGet, fmt.Sprintf("/api/v1/evaluations/%d", j.evalID), nil).decode(t, &ws)
	if ws.Evaluation.Status != "approved" {
		t.Errorf("the auditor sees the evaluation %q, want approved", ws.Evaluation.Status)
	}
	for _, a := range ws.Assessments {
		if a.Custodian.ID != j.candidate {
			continue
		}
		gotAnswers := map[int64]string{}
		for _, an := range a.Answers {
			gotAnswers[an.ItemID] = an.Note
		}
		for id, note := range j.answered {
			if gotAnswers[id] != note {
				t.Errorf("answer to item %d: %q, acknowledged %q (a lost write)", id, gotAnswers[id], note)
			}
		}
		gotEvidence := map[int64]bool{}
		for _, e := range a.Evidence {
			gotEvidence[e.ID] = true
		}
		for id := range j.evidence {
			if !gotEvidence[id] {
				t.Errorf("evidence %d was acknowledged but is missing (a lost write)", id)
			}
		}
		gotScores := map[string]int{}
		for _, s := range a.Scores {
			gotScores[s.Criterion] = s.Score
		}
		for k, v := range j.scored {
			if gotScores[k] != v {
				t.Errorf("score %s: %d, acknowledged %d (a lost write)", k, gotScores[k], v)
			}
		}
	}
	pdf := j.auditor.must(http.StatusOK, http.MethodGet, fmt.Sprintf("/api/v1/memos/%d/pdf", j.memo.ID), nil)
	if !bytes.HasPrefix(pdf.Body, []byte("%PDF-")) {
		t.Fatalf("memo %d download is not a PDF: %s", j.memo.ID, truncate(pdf.Body))
	}
	v := j.auditor.send(http.MethodPost, "/api/v1/memos/verify", bytes.NewReader(pdf.Body), http.Header{"Content-Type": {"application/pdf"}})
	var verdict struct {
		Genuine bool `json:"genuine"`
	}
	v.decode(t, &verdict)
	if v.Status != http.StatusOK || !verdict.Genuine {
		t.Errorf("memo %d verified by the other replicas: %d %s, want genuine", j.memo.ID, v.Status, truncate(v.Body))
	}
	var chain struct {
		Valid bool `json:"valid"`
	}
	j.auditor.must(http.StatusOK, http.MethodGet, "/api/v1/audit/verify", nil).decode(t, &chain)
	if !chain.Valid {
		t.Errorf("the audit chain does not verify over HTTP")
	}
}

func (j *journey) run() {
	j.prepare()
	j.approveAndIssue()
	j.audit()
}

// requests lists every request the journey's parties made.
func (j *journey) requests() []string {
	var ids []string
	for _, c := range []*client{j.officer, j.manager, j.auditor} {
		if c != nil {
			ids = append(ids, c.sent...)
		}
	}
	return ids
}
