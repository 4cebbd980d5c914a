package custos

import (
	"crypto/sha256"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
)

// The evaluation's rules, command by command, without a database.

var at = time.Date(2027, 1, 12, 9, 30, 0, 0, time.UTC)

const (
	officer  int64 = 10
	manager  int64 = 20
	manager2 int64 = 21
	manager3 int64 = 22
)

func aggTemplate() *Template {
	rule := RuleQualifiedCustodian
	return &Template{ID: 1, Criteria: []Criterion{{Key: "security", Weight: 60}, {Key: "ux", Weight: 40}},
		Sections: []ChecklistSection{
			{Key: "licensing", Items: []ChecklistItem{{ID: 11, Prompt: "Charter", EvidenceRequired: true}}},
			{Key: "ops", Items: []ChecklistItem{{ID: 12, Prompt: "Cold storage"}}},
		},
		RedFlags: []RedFlagDefinition{
			{ID: 31, Title: "Commingled assets", Description: "Client assets held in an omnibus wallet.", DefaultSeverity: SeverityHigh},
			{ID: 32, Title: "Not a qualified custodian", DefaultSeverity: SeverityCritical, MandateRule: &rule},
		}}
}

func aggDraft() Evaluation {
	return Evaluation{ID: 7, TeamID: 1, Title: "Custody RFP", TemplateID: 1, OwnerID: officer, Status: StatusDraft, Version: 5,
		Mandate: Mandate{Regions: []string{"US"}, Assets: []string{"BTC"}}}
}

func aggSubmitted(round int) Evaluation {
	e := aggDraft()
	by := officer
	e.Status, e.Round, e.SubmittedBy, e.SnapshotHash = StatusSubmitted, round, &by, HashBytes("snapshot-of-round")
	return e
}

func with(e Evaluation, status EvaluationStatus) Evaluation {
	e.Status = status
	return e
}

func ptr[T any](v T) *T { return &v }

// wantCode fails unless err has the code ("" for no error).
func wantCode(t *testing.T, err error, code string) {
	t.Helper()
	if got := ErrorCode(err); got != code {
		t.Fatalf("error %v: code %q, want %q", err, got, code)
	}
}

// Every change to a draft honours the lock: a submitted or approved
// evaluation cannot change, and a change based on an old version is stale.
func TestCommands_StatusAndLock(t *testing.T) {
	tmpl := aggTemplate()
	candidate := Part{CustodianID: 1, IsCandidate: true}
	commands := map[string]func(e Evaluation, ifVersion int) error{
		"update": func(e Evaluation, v int) error {
			_, err := UpdateEvaluation(e, v, EvaluationUpdate{Title: ptr("New title")})
			return err
		},
		"add candidate": func(e Evaluation, v int) error {
			_, err := AddCandidate(e, v, Candidacy{CustodianID: 3, Candidates: 2, InCatalogue: true})
			return err
		},
		"remove candidate": func(e Evaluation, v int) error {
			_, err := RemoveCandidate(e, v, Candidacy{CustodianID: 3, Candidates: 3, IsCandidate: true, InCatalogue: true}, nil)
			return err
		},
		"evidence": func(e Evaluation, v int) error {
			_, err := AttachEvidence(e, tmpl, v, candidate, 11, "charter.txt", []byte("charter"), officer, at)
			return err
		},
		"score": func(e Evaluation, v int) error {
			_, err := RecordScore(e, tmpl, v, candidate, "ux", nil, ScoreInput{Score: 4, Rationale: "Good."}, officer, at)
			return err
		},
		"raise flag": func(e Evaluation, v int) error {
			_, err := RaiseRedFlag(e, tmpl, v, candidate, NewRedFlag{DefinitionID: ptr[int64](31)}, officer, at)
			return err
		},
		"move flag": func(e Evaluation, v int) error {
			_, err := MoveRedFlag(e, v, &RedFlag{ID: 5, Status: FlagOpen}, RedFlagMove{Status: FlagMitigated}, at)
			return err
		},
		"shortlist": func(e Evaluation, v int) error {
			_, err := SetShortlist(e, v, []int64{1, 2}, nil, []ShortlistEntry{{CustodianID: 1, Rank: 1, Rationale: "Best."}})
			return err
		},
		"submit": func(e Evaluation, v int) error {
			_, err := Submit(submittableWorkspace(e), v, 1, officer, at)
			return err
		},
	}
	cases := []struct {
		name      string
		status    EvaluationStatus
		ifVersion int
		code      string
	}{
		{"a draft at its version", StatusDraft, 5, ""},
		{"a draft without If-Match", StatusDraft, 0, ""},
		{"a draft changed since", StatusDraft, 4, EPRECONDITION},
		{"a submitted evaluation", StatusSubmitted, 5, ECONFLICT},
		{"an approved evaluation", StatusApproved, 0, ECONFLICT},
	}
	for name, run := range commands {
		for _, c := range cases {
			t.Run(name+"/"+c.name, func(t *testing.T) {
				wantCode(t, run(with(aggDraft(), c.status), c.ifVersion), c.code)
			})
		}
	}
	// An answer is guarded by its own version, not the evaluation's, so
	// that officers answering different items never collide.
	for _, c := range cases {
		t.Run("answer/"+c.name, func(t *testing.T) {
			_, err := RecordAnswer(with(aggDraft(), c.status), tmpl, candidate, Answer{ItemID: 12, Status: AnswerPending}, nil,
				AnswerInput{Status: AnswerMet}, officer, at)
			want := c.code
			if want == EPRECONDITION {
				want = ""
			}
			wantCode(t, err, want)
		})
	}
}

func TestCandidates_StayBetweenTwoAndTwenty(t *testing.T) {
	cases := []struct {
		name   string
		add    bool
		c      Candidacy
		code   string
		fields string
	}{
		{"add the 20th", true, Candidacy{CustodianID: 9, Candidates: 19, InCatalogue: true}, "", ""},
		{"add a 21st", true, Candidacy{CustodianID: 9, Candidates: 20, InCatalogue: true}, EINVALID, "custodian_id"},
		{"add one the catalogue lacks", true, Candidacy{CustodianID: 9, Candidates: 3}, EINVALID, "custodian_id"},
		{"add a candidate twice", true, Candidacy{CustodianID: 9, Candidates: 3, InCatalogue: true, IsCandidate: true}, ECONFLICT, ""},
		{"remove down to 2", false, Candidacy{CustodianID: 9, Candidates: 3, InCatalogue: true, IsCandidate: true}, "", ""},
		{"remove below 2", false, Candidacy{CustodianID: 9, Candidates: 2, InCatalogue: true, IsCandidate: true}, ECONFLICT, ""},
		{"remove one that is not a candidate", false, Candidacy{CustodianID: 9, Candidates: 5, InCatalogue: true}, ENOTFOUND, ""},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			var err error
			if c.add {
				var ev CandidateAdded
				ev, err = AddCandidate(aggDraft(), 0, c.c)
				if err == nil && ev != (CandidateAdded{EvaluationID: 7, CustodianID: 9}) {
					t.Errorf("event %+v", ev)
				}
			} else {
				var ev CandidateRemoved
				ev, err = RemoveCandidate(aggDraft(), 0, c.c, []byte(`{"answers":3}`))
				if err == nil && (ev.CustodianID != 9 || string(ev.Removed) != `{"answers":3}`) {
					t.Errorf("event %+v", ev)
				}
			}
			wantCode(t, err, c.code)
			if c.fields != "" {
				fieldsEqual(t, err, []string{c.fields})
			}
		})
	}
}

func TestOpenEvaluation(t *testing.T) {
	good := func() NewEvaluation {
		return NewEvaluation{TeamID: 1, Title: " Custody RFP ", TemplateID: 1, Mandate: Mandate{Regions: []string{"US"}},
			CustodianIDs: []int64{1, 4}}
	}
	unbalanced := aggTemplate()
	unbalanced.Criteria[0].Weight = 50
	cases := []struct {
		name        string
		n           NewEvaluation
		t           *Template
		inCatalogue int
		fields      []string
	}{
		{"a good evaluation", good(), aggTemplate(), 2, nil},
		{"no such template", good(), nil, 2, []string{"template_id"}},
		{"weights that do not sum to 100", good(), unbalanced, 2, []string{"template_id"}},
		{"a custodian not in the catalogue", good(), aggTemplate(), 1, []string{"custodian_ids"}},
		{"one candidate", func() NewEvaluation { n := good(); n.CustodianIDs = []int64{1}; return n }(), aggTemplate(), 1, []string{"custodian_ids"}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			ev, err := OpenEvaluation(c.n, c.t, c.inCatalogue, officer, at)
			fieldsEqual(t, err, c.fields)
			if err != nil {
				return
			}
			want := EvaluationCreated{Header: Evaluation{TeamID: 1, Title: "Custody RFP", TemplateID: 1, OwnerID: officer,
				Mandate: Mandate{Regions: []string{"US"}, Assets: []string{}}, Status: StatusDraft, Version: 1, CreatedAt: at, UpdatedAt: at},
				CustodianIDs: []int64{1, 4}}
			if d := cmp.Diff(want, ev); d != "" {
				t.Errorf("event (-want +got):\n%s", d)
			}
		})
	}
}

func TestUpdateEvaluation_RecordsBeforeAndAfter(t *testing.T) {
	e := aggDraft()
	e.DueDate = ptr("2027-03-31")
	newMandate := Mandate{Regions: []string{"SG"}, Assets: []string{}}
	ev, err := UpdateEvaluation(e, 5, EvaluationUpdate{Mandate: &newMandate, ClearDueDate: true})
	if err != nil {
		t.Fatal(err)
	}
	want := EvaluationUpdated{EvaluationID: 7, MandateChanged: true,
		Before: EvaluationHeaderChange{Title: "Custody RFP", Mandate: e.Mandate, DueDate: ptr("2027-03-31")},
		After:  EvaluationHeaderChange{Title: "Custody RFP", Mandate: newMandate}}
	if d := cmp.Diff(want, ev); d != "" {
		t.Errorf("event (-want +got):\n%s", d)
	}
	ev, err = UpdateEvaluation(e, 5, EvaluationUpdate{Title: ptr("Renamed")})
	if err != nil || ev.MandateChanged || ev.After.Title != "Renamed" {
		t.Errorf("a new title: %+v, %v", ev, err)
	}
	_, err = UpdateEvaluation(e, 5, EvaluationUpdate{Title: ptr("  ")})
	fieldsEqual(t, err, []string{"title"})
}

func TestRecordAnswer(t *testing.T) {
	stored := Answer{ItemID: 12, Status: AnswerMet, Note: "Seen.", Version: 3}
	cases := []struct {
		name      string
		part      Part
		current   Answer
		ifVersion *int
		in        AnswerInput
		code      string
		version   int
	}{
		{"a first answer", Part{1, true}, Answer{ItemID: 12, Status: AnswerPending}, nil, AnswerInput{Status: AnswerMet}, "", 1},
		{"a first answer guarded by version 0", Part{1, true}, Answer{ItemID: 12, Status: AnswerPending}, ptr(0), AnswerInput{Status: AnswerMet}, "", 1},
		{"a change at the current version", Part{1, true}, stored, ptr(3), AnswerInput{Status: AnswerNotApplicable}, "", 4},
		{"a change based on an older version", Part{1, true}, stored, ptr(2), AnswerInput{Status: AnswerNotApplicable}, EPRECONDITION, 0},
		{"a custodian that is not a candidate", Part{9, false}, stored, nil, AnswerInput{Status: AnswerMet}, ENOTFOUND, 0},
		{"an item of another template", Part{1, true}, Answer{ItemID: 99}, nil, AnswerInput{Status: AnswerMet}, ENOTFOUND, 0},
		{"not met without a reason", Part{1, true}, stored, nil, AnswerInput{Status: AnswerNotMet, Note: " "}, EINVALID, 0},
		{"an unknown status", Part{1, true}, stored, nil, AnswerInput{Status: "maybe"}, EINVALID, 0},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			ev, err := RecordAnswer(aggDraft(), aggTemplate(), c.part, c.current, c.ifVersion, c.in, officer, at)
			wantCode(t, err, c.code)
			if err != nil {
				return
			}
			want := AnswerRecorded{EvaluationID: 7, CustodianID: 1, Before: c.current,
				After: Answer{ItemID: 12, Status: c.in.Status, Version: c.version, UpdatedBy: ptr(officer), UpdatedAt: ptr(at)}}
			if d := cmp.Diff(want, ev); d != "" {
				t.Errorf("event (-want +got):\n%s", d)
			}
		})
	}
}

func TestAttachEvidence(t *testing.T) {
	sum := sha256.Sum256([]byte("Charter no. 1234"))
	cases := []struct {
		name    string
		part    Part
		item    int64
		content []byte
		code    string
	}{
		{"a text file", Part{1, true}, 11, []byte("Charter no. 1234"), ""},
		{"an empty file", Part{1, true}, 11, nil, EINVALID},
		{"an executable", Part{1, true}, 11, []byte("MZ\x90\x00\x03\x00\x00\x00\x04\x00\x00\x00\xff\xff\x00\x00"), EINVALID},
		{"not a candidate", Part{9, false}, 11, []byte("Charter no. 1234"), ENOTFOUND},
		{"an item of another template", Part{1, true}, 99, []byte("Charter no. 1234"), ENOTFOUND},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			ev, err := AttachEvidence(aggDraft(), aggTemplate(), 0, c.part, c.item, " charter.txt ", c.content, officer, at)
			wantCode(t, err, c.code)
			if err != nil {
				return
			}
			want := Evidence{CustodianID: 1, ItemID: 11, Label: "charter.txt", ContentType: "text/plain", Size: 16,
				SHA256: sum[:], UploadedBy: officer, UploadedAt: at}
			if d := cmp.Diff(want, ev.Evidence); d != "" {
				t.Errorf("evidence (-want +got):\n%s", d)
			}
		})
	}
}

func TestRecordScore(t *testing.T) {
	old := &Score{Criterion: "ux", Score: 2, Rationale: "Clunky."}
	cases := []struct {
		name      string
		part      Part
		criterion string
		in        ScoreInput
		code      string
	}{
		{"a score", Part{1, true}, "ux", ScoreInput{Score: 4, Rationale: " Good. "}, ""},
		{"a criterion of another template", Part{1, true}, "price", ScoreInput{Score: 4, Rationale: "Good."}, ENOTFOUND},
		{"not a candidate", Part{9, false}, "ux", ScoreInput{Score: 4, Rationale: "Good."}, ENOTFOUND},
		{"above 5", Part{1, true}, "ux", ScoreInput{Score: 6, Rationale: "Good."}, EINVALID},
		{"without a rationale", Part{1, true}, "ux", ScoreInput{Score: 3}, EINVALID},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			ev, err := RecordScore(aggDraft(), aggTemplate(), 0, c.part, c.criterion, old, c.in, officer, at)
			wantCode(t, err, c.code)
			if err != nil {
				return
			}
			want := ScoreRecorded{EvaluationID: 7, CustodianID: 1, Before: old,
				After: Score{Criterion: "ux", Score: 4, Rationale: "Good.", UpdatedBy: officer, UpdatedAt: at}}
			if d := cmp.Diff(want, ev); d != "" {
				t.Errorf("event (-want +got):\n%s", d)
			}
		})
	}
}

func TestRaiseRedFlag(t *testing.T) {
	cases := []struct {
		name  string
		part  Part
		in    NewRedFlag
		code  string
		field string
		want  RedFlag
	}{
		{"from the catalogue, with its defaults", Part{1, true}, NewRedFlag{DefinitionID: ptr[int64](31)}, "", "",
			RedFlag{CustodianID: 1, DefinitionID: ptr[int64](31), Title: "Commingled assets",
				Description: "Client assets held in an omnibus wallet.", Severity: SeverityHigh}},
		{"from the catalogue, more severe", Part{1, true}, NewRedFlag{DefinitionID: ptr[int64](31), Severity: SeverityCritical}, "", "",
			RedFlag{CustodianID: 1, DefinitionID: ptr[int64](31), Title: "Commingled assets",
				Description: "Client assets held in an omnibus wallet.", Severity: SeverityCritical}},
		{"a custom flag", Part{1, true}, NewRedFlag{Title: "Thin disclosures", Severity: SeverityLow}, "", "",
			RedFlag{CustodianID: 1, Title: "Thin disclosures", Severity: SeverityLow}},
		{"a definition of another template", Part{1, true}, NewRedFlag{DefinitionID: ptr[int64](99)}, EINVALID, "definition_id", RedFlag{}},
		{"a custom flag without a severity", Part{1, true}, NewRedFlag{Title: "Thin disclosures"}, EINVALID, "severity", RedFlag{}},
		{"not a candidate", Part{9, false}, NewRedFlag{Title: "Thin disclosures", Severity: SeverityLow}, ENOTFOUND, "", RedFlag{}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			ev, err := RaiseRedFlag(aggDraft(), aggTemplate(), 0, c.part, c.in, officer, at)
			wantCode(t, err, c.code)
			if c.field != "" {
				fieldsEqual(t, err, []string{c.field})
			}
			if err != nil {
				return
			}
			c.want.Status, c.want.RaisedBy, c.want.CreatedAt, c.want.UpdatedAt = FlagOpen, ptr(officer), at, at
			if d := cmp.Diff(RedFlagRaised{EvaluationID: 7, Flag: c.want}, ev); d != "" {
				t.Errorf("event (-want +got):\n%s", d)
			}
		})
	}
}

func TestMoveRedFlag(t *testing.T) {
	flag := &RedFlag{ID: 5, CustodianID: 1, Title: "Commingled assets", Severity: SeverityCritical, Status: FlagOpen}
	cases := []struct {
		name string
		flag *RedFlag
		move RedFlagMove
		code string
	}{
		{"accepted with a justification", flag, RedFlagMove{Status: FlagAccepted, Resolution: " Insurance covers it. "}, ""},
		{"accepted without one", flag, RedFlagMove{Status: FlagAccepted}, EINVALID},
		{"an unknown status", flag, RedFlagMove{Status: "ignored"}, EINVALID},
		{"a flag of another evaluation", nil, RedFlagMove{Status: FlagClosed}, ENOTFOUND},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			ev, err := MoveRedFlag(aggDraft(), 0, c.flag, c.move, at)
			wantCode(t, err, c.code)
			if err != nil {
				return
			}
			after := *flag
			after.Status, after.Resolution, after.UpdatedAt = FlagAccepted, "Insurance covers it.", at
			if d := cmp.Diff(RedFlagMoved{EvaluationID: 7, Before: *flag, After: after}, ev); d != "" {
				t.Errorf("event (-want +got):\n%s", d)
			}
		})
	}
}

func TestSetShortlist(t *testing.T) {
	current := []ShortlistEntry{{CustodianID: 2, Rank: 1, Rationale: "Was best."}}
	cases := []struct {
		name    string
		entries []ShortlistEntry
		code    string
	}{
		{"two ranked candidates", []ShortlistEntry{{1, 2, "Second.", ""}, {2, 1, "First.", ""}}, ""},
		{"a custodian that is not a candidate", []ShortlistEntry{{9, 1, "Best.", ""}}, EINVALID},
		{"a gap in the ranks", []ShortlistEntry{{1, 1, "First.", ""}, {2, 3, "Third.", ""}}, EINVALID},
		{"nobody", nil, EINVALID},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			ev, err := SetShortlist(aggDraft(), 0, []int64{1, 2}, current, c.entries)
			wantCode(t, err, c.code)
			if err == nil {
				if d := cmp.Diff(ShortlistSet{EvaluationID: 7, Before: current, After: c.entries}, ev); d != "" {
					t.Errorf("event (-want +got):\n%s", d)
				}
			}
		})
	}
}

// submittableWorkspace is e with one candidate answered, evidenced and
// shortlisted: nothing blocks its submission.
func submittableWorkspace(e Evaluation) *Workspace {
	tmpl := aggTemplate()
	return Assemble(WorkspaceParts{Evaluation: e, Template: tmpl,
		Candidates: []CandidateSummary{{ID: 1, Name: "Anchorage"}, {ID: 2, Name: "BitGo"}},
		Answers:    map[int64][]Answer{1: {{ItemID: 11, Status: AnswerMet}, {ItemID: 12, Status: AnswerNotApplicable}}},
		Evidence:   map[int64][]Evidence{1: {{ID: 3, CustodianID: 1, ItemID: 11, SHA256: HashBytes("digest")}}},
		Scores:     map[int64][]Score{1: {{Criterion: "security", Score: 4, Rationale: "r"}, {Criterion: "ux", Score: 3, Rationale: "r"}}},
		Shortlist:  []ShortlistEntry{{CustodianID: 1, Rank: 1, Rationale: "Best fit."}}})
}

func TestSubmit(t *testing.T) {
	t.Run("a complete draft becomes the next round, its approvals fixed", func(t *testing.T) {
		e := aggDraft()
		e.Round = 1 // returned once
		ws := submittableWorkspace(e)
		ev, err := Submit(ws, 5, 3, officer, at)
		if err != nil {
			t.Fatal(err)
		}
		next := *ws
		next.Evaluation.Round = 2
		_, hash := Snapshot(&next)
		want := EvaluationSubmitted{EvaluationID: 7, Round: 2, SubmittedBy: officer, SubmittedAt: at, SnapshotHash: hash,
			Shortlist: ws.Shortlist, ApprovalsRequired: 3}
		if d := cmp.Diff(want, ev); d != "" {
			t.Errorf("event (-want +got):\n%s", d)
		}
		if ws.Evaluation.Round != 1 {
			t.Errorf("Submit changed the workspace it was given: round %d", ws.Evaluation.Round)
		}
	})
	t.Run("the snapshot hash is of the round's content", func(t *testing.T) {
		a, _ := Submit(submittableWorkspace(aggDraft()), 0, 1, officer, at)
		b, _ := Submit(submittableWorkspace(aggDraft()), 0, 2, manager, at.Add(time.Hour))
		if d := cmp.Diff(a.SnapshotHash, b.SnapshotHash); d != "" {
			t.Errorf("the same content hashed differently by who submitted it and when:\n%s", d)
		}
		ws := submittableWorkspace(aggDraft())
		ws.Assessments[0].Answers[1].Note = "Changed."
		c, _ := Submit(ws, 0, 1, officer, at)
		if string(c.SnapshotHash) == string(a.SnapshotHash) {
			t.Error("a changed note left the snapshot hash as it was")
		}
	})
	t.Run("anything blocking is listed", func(t *testing.T) {
		ws := submittableWorkspace(aggDraft())
		ws.Shortlist = nil
		ws.SubmitBlockers = SubmitBlockers(ws)
		_, err := Submit(ws, 0, 1, officer, at)
		wantCode(t, err, ECONFLICT)
		if blockers := AsError(err).Blockers; len(blockers) != 1 || blockers[0].Code != "shortlist_empty" {
			t.Errorf("blockers %+v", blockers)
		}
	})
	t.Run("a missing score refuses submission", func(t *testing.T) {
		ws := submittableWorkspace(aggDraft())
		ws.Assessments[0].Scores = ws.Assessments[0].Scores[:1] // ux unscored
		_, err := Submit(ws, 0, 1, officer, at)
		wantCode(t, err, ECONFLICT)
		ux := "ux"
		one := int64(1)
		want := []Blocker{{Code: "unscored", CustodianID: &one, Criterion: &ux, Message: `Anchorage: the criterion "ux" is not scored.`}}
		if d := cmp.Diff(want, AsError(err).Blockers); d != "" {
			t.Errorf("blockers (-want +got):\n%s", d)
		}
	})
	t.Run("an inversion without rationale refuses submission", func(t *testing.T) {
		// Anchorage (60·4+40·3)/5 = 72; BitGo (60·5+40·5)/5 = 100, yet shortlisted second.
		e := aggDraft()
		answered := []Answer{{ItemID: 11, Status: AnswerNotMet}, {ItemID: 12, Status: AnswerNotApplicable}}
		parts := WorkspaceParts{Evaluation: e, Template: aggTemplate(),
			Candidates: []CandidateSummary{{ID: 1, Name: "Anchorage"}, {ID: 2, Name: "BitGo"}},
			Answers:    map[int64][]Answer{1: answered, 2: answered},
			Scores: map[int64][]Score{
				1: {{Criterion: "security", Score: 4}, {Criterion: "ux", Score: 3}},
				2: {{Criterion: "security", Score: 5}, {Criterion: "ux", Score: 5}}},
			Shortlist: []ShortlistEntry{{CustodianID: 1, Rank: 1, Rationale: "Fit."}, {CustodianID: 2, Rank: 2, Rationale: "Fallback."}}}
		_, err := Submit(Assemble(parts), 0, 1, officer, at)
		wantCode(t, err, ECONFLICT)
		one := int64(1)
		want := []Blocker{{Code: "shortlist_inversion", CustodianID: &one,
			Message: "Anchorage is shortlisted above BitGo, whose weighted total is higher (72.0 against 100.0): say why in the inversion rationale."}}
		if d := cmp.Diff(want, AsError(err).Blockers); d != "" {
			t.Errorf("blockers (-want +got):\n%s", d)
		}
		parts.Shortlist[0].InversionRationale = "BitGo cannot hold SOL in custody before Q3."
		if _, err := Submit(Assemble(parts), 0, 1, officer, at); err != nil {
			t.Errorf("with the rationale: %v", err)
		}
	})
}

// A manager's decision: the submitter never decides, one person counts
// once per round, N of M approvals approve, a return needs a comment and
// voids the round.
func TestDecide(t *testing.T) {
	approved := func(by int64, round int) Approval {
		return Approval{Round: round, ManagerID: by, Decision: DecisionApprove}
	}
	cases := []struct {
		name      string
		e         Evaluation
		required  int
		decisions []Approval
		by        int64
		d         Decision
		comment   string
		ifVersion int
		code      string
		status    EvaluationStatus
		approvals int
	}{
		{"one of one approves", aggSubmitted(1), 1, nil, manager, DecisionApprove, "", 5, "", StatusApproved, 1},
		{"the first of two waits", aggSubmitted(1), 2, nil, manager, DecisionApprove, "", 0, "", StatusSubmitted, 1},
		{"the second of two approves", aggSubmitted(1), 2, []Approval{approved(manager, 1)}, manager2, DecisionApprove, "", 0, "", StatusApproved, 2},
		{"the second of three waits", aggSubmitted(1), 3, []Approval{approved(manager, 1)}, manager2, DecisionApprove, "", 0, "", StatusSubmitted, 2},
		{"the submitter approves", aggSubmitted(1), 1, nil, officer, DecisionApprove, "", 0, EFORBIDDEN, "", 0},
		{"the submitter returns", aggSubmitted(1), 1, nil, officer, DecisionReturn, "Fix it.", 0, EFORBIDDEN, "", 0},
		{"the same manager twice", aggSubmitted(1), 2, []Approval{approved(manager, 1)}, manager, DecisionApprove, "", 0, ECONFLICT, "", 0},
		{"the same manager returns after approving", aggSubmitted(1), 2, []Approval{approved(manager, 1)}, manager, DecisionReturn, "No.", 0, ECONFLICT, "", 0},
		{"round 1's approver in round 2", aggSubmitted(2), 2, []Approval{approved(manager, 1)}, manager, DecisionApprove, "", 0, "", StatusSubmitted, 1},
		{"round 1's approvals do not count in round 2", aggSubmitted(2), 2,
			[]Approval{approved(manager2, 1), approved(manager3, 1)}, manager, DecisionApprove, "", 0, "", StatusSubmitted, 1},
		{"a return sends it back to draft", aggSubmitted(1), 2, []Approval{approved(manager, 1)}, manager2, DecisionReturn,
			"Explain the insurance exclusions.", 0, "", StatusDraft, 0},
		{"a return without a comment", aggSubmitted(1), 1, nil, manager, DecisionReturn, "", 0, EINVALID, "", 0},
		{"a return with a blank comment", aggSubmitted(1), 1, nil, manager, DecisionReturn, " \n ", 0, EINVALID, "", 0},
		{"a comment over 4000 characters", aggSubmitted(1), 1, nil, manager, DecisionApprove, strings.Repeat("é", 4001), 0, EINVALID, "", 0},
		{"an unknown decision", aggSubmitted(1), 1, nil, manager, "abstain", "", 0, EINVALID, "", 0},
		{"a draft", aggDraft(), 1, nil, manager, DecisionApprove, "", 0, ECONFLICT, "", 0},
		{"an approved evaluation", with(aggSubmitted(1), StatusApproved), 1, nil, manager, DecisionApprove, "", 0, ECONFLICT, "", 0},
		{"a version the manager did not review", aggSubmitted(1), 1, nil, manager, DecisionApprove, "", 4, EPRECONDITION, "", 0},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			r := SubmittedRound{Evaluation: c.e, ApprovalsRequired: c.required, Decisions: c.decisions}
			ev, err := Decide(r, c.ifVersion, c.by, c.d, c.comment, at)
			wantCode(t, err, c.code)
			if err != nil {
				return
			}
			want := DecisionRecorded{EvaluationID: 7, Round: c.e.Round, ManagerID: c.by, Decision: c.d,
				Comment: strings.TrimSpace(c.comment), SnapshotHash: c.e.SnapshotHash, Approvals: c.approvals,
				ApprovalsRequired: c.required, Status: c.status, At: at}
			if d := cmp.Diff(want, ev); d != "" {
				t.Errorf("event (-want +got):\n%s", d)
			}
		})
	}
}

func TestIssueMemo_OnlyOfTheApprovedSnapshot(t *testing.T) {
	approved := with(aggSubmitted(1), StatusApproved)
	memo := Memo{ID: 3, EvaluationID: 7, SnapshotHash: approved.SnapshotHash}
	cases := []struct {
		name string
		e    Evaluation
		m    Memo
		code string
	}{
		{"an approved evaluation", approved, memo, ""},
		{"a submitted one", aggSubmitted(1), memo, ECONFLICT},
		{"a draft", aggDraft(), memo, ECONFLICT},
		{"a memo of another snapshot", approved, Memo{ID: 3, EvaluationID: 7, SnapshotHash: HashBytes("other")}, ECONFLICT},
		{"a memo of another evaluation", approved, Memo{ID: 3, EvaluationID: 8, SnapshotHash: approved.SnapshotHash}, ECONFLICT},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			ev, err := IssueMemo(c.e, c.m)
			wantCode(t, err, c.code)
			if err == nil && ev.Memo.ID != 3 {
				t.Errorf("event %+v", ev)
			}
		})
	}
}

// Mandate fit keeps the automatic flags in line with the mandate and the
// candidates, and leaves flags an officer resolved by hand alone.
func TestReconcileMandateFit(t *testing.T) {
	tmpl := aggTemplate()
	rule, region := RuleQualifiedCustodian, RuleRegionLicence
	unqualified := CandidateSummary{ID: 3, Name: "Komainu", Regions: []string{"US"}}
	qualifiedUS := CandidateSummary{ID: 4, Name: "Anchorage", QualifiedCustodian: true, Regions: []string{"US"}}
	needsQC := Mandate{Regions: []string{"US"}, QualifiedCustodianRequired: true}
	reason := MandateFit(needsQC, unqualified)[0].Reason
	flag := func(id int64, status RedFlagStatus, resolution string) RedFlag {
		return RedFlag{ID: id, CustodianID: 3, DefinitionID: ptr[int64](32), Title: "Not a qualified custodian",
			Severity: SeverityCritical, Status: status, Resolution: resolution, MandateRule: &rule, Reason: reason}
	}
	moved := func(before RedFlag, status RedFlagStatus, resolution string) Event {
		after := before
		after.Status, after.Resolution, after.UpdatedAt = status, resolution, at
		return RedFlagMoved{EvaluationID: 7, Before: before, After: after}
	}
	staleRegion := RedFlag{ID: 9, CustodianID: 4, Title: "Mandate fit: region_licence", Severity: SeverityHigh, Status: FlagOpen,
		MandateRule: &region, Reason: "The mandate covers SG; the catalogue lists no licence or presence of Anchorage there."}
	cases := []struct {
		name     string
		m        Mandate
		existing []RedFlag
		want     []Event
	}{
		{"a missing flag is raised from the catalogue's definition", needsQC, nil, []Event{RedFlagRaised{EvaluationID: 7,
			Flag: RedFlag{CustodianID: 3, DefinitionID: ptr[int64](32), Title: "Not a qualified custodian", Severity: SeverityCritical,
				Status: FlagOpen, MandateRule: &rule, Reason: reason, CreatedAt: at, UpdatedAt: at}}}},
		{"a standing flag is left alone", needsQC, []RedFlag{flag(5, FlagOpen, "")}, nil},
		{"a flag resolved by hand is left alone", needsQC, []RedFlag{flag(5, FlagAccepted, "Counsel agrees.")}, nil},
		{"a flag closed by hand stays closed", needsQC, []RedFlag{flag(5, FlagClosed, "Wrong entity.")}, nil},
		{"a flag it closed itself reopens", needsQC, []RedFlag{flag(5, FlagClosed, AutoClosed)},
			[]Event{moved(flag(5, FlagClosed, AutoClosed), FlagOpen, "")}},
		{"an open flag that no longer applies closes", Mandate{Regions: []string{"US"}}, []RedFlag{flag(5, FlagOpen, "")},
			[]Event{moved(flag(5, FlagOpen, ""), FlagClosed, AutoClosed)}},
		{"an accepted flag that no longer applies stays accepted", Mandate{Regions: []string{"US"}},
			[]RedFlag{flag(5, FlagAccepted, "Counsel agrees.")}, nil},
		{"a region dropped from the mandate closes its flag", Mandate{Regions: []string{"US"}}, []RedFlag{staleRegion},
			[]Event{moved(staleRegion, FlagClosed, AutoClosed)}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			got := ReconcileMandateFit(7, c.m, []CandidateSummary{unqualified, qualifiedUS}, tmpl, c.existing, at)
			if d := cmp.Diff(c.want, got); d != "" {
				t.Errorf("events (-want +got):\n%s", d)
			}
		})
	}
}
