package custos

import (
	"crypto/sha256"
	"fmt"
	"reflect"
	"sort"
	"strings"
	"testing"
	"time"
)

// defaultCriteria are the default weights: liquidity 30, security 25,
// coverage 15, costs 15, ux 10, support 5 (sum 100).
func defaultCriteria() []Criterion {
	return []Criterion{
		{Key: "liquidity", Weight: 30},
		{Key: "security", Weight: 25},
		{Key: "coverage", Weight: 15},
		{Key: "costs", Weight: 15},
		{Key: "ux", Weight: 10},
		{Key: "support", Weight: 5},
	}
}

// scoresOf pairs the default criterion keys with scores in order; a negative
// value leaves the criterion unscored.
func scoresOf(vals ...int) []Score {
	keys := []string{"liquidity", "security", "coverage", "costs", "ux", "support"}
	var out []Score
	for i, v := range vals {
		if v >= 0 {
			out = append(out, Score{Criterion: keys[i], Score: v, Rationale: "r"})
		}
	}
	return out
}

func TestWeightedTotal_MatchesHandComputedValues(t *testing.T) {
	tests := []struct {
		name     string
		criteria []Criterion
		scores   []Score
		want     float64
	}{
		// (30+25+15+15+10+5)·5/5 = 100·5/5 = 100
		{"all criteria scored 5 give 100", defaultCriteria(), scoresOf(5, 5, 5, 5, 5, 5), 100},
		// (30+25+15+15+10+5)·0/5 = 0
		{"all criteria scored 0 give 0", defaultCriteria(), scoresOf(0, 0, 0, 0, 0, 0), 0},
		// (30·4+25·3+15·5+15·2+10·4+5·1)/5 = (120+75+75+30+40+5)/5 = 345/5 = 69
		{"mixed scores 4,3,5,2,4,1 give 69", defaultCriteria(), scoresOf(4, 3, 5, 2, 4, 1), 69},
		// nothing scored: every criterion counts 0 → 0/5 = 0
		{"no scores give 0", defaultCriteria(), nil, 0},
		// support unscored counts 0: (120+75+75+30+40+5·0)/5 = 340/5 = 68
		{"an unscored criterion counts 0", defaultCriteria(), scoresOf(4, 3, 5, 2, 4, -1), 68},
		// only security: 25·5/5 = 25
		{"a single scored criterion gives its weight times score over 5", defaultCriteria(), scoresOf(-1, 5, -1, -1, -1, -1), 25},
		// "marketing" is not a criterion: (30+25+15+15+10+5)·5/5 = 100, the 5 on marketing adds nothing
		{"a score for an unknown criterion is ignored", defaultCriteria(),
			append(scoresOf(5, 5, 5, 5, 5, 5), Score{Criterion: "marketing", Score: 5}), 100},
		// only an unknown criterion scored: 0
		{"only unknown criteria scored give 0", defaultCriteria(), []Score{{Criterion: "marketing", Score: 5}}, 0},
		// custom weights 33/33/34, a=1: 33·1/5 = 6.6
		{"a total that is not a whole number keeps one decimal",
			[]Criterion{{Key: "a", Weight: 33}, {Key: "b", Weight: 33}, {Key: "c", Weight: 34}},
			[]Score{{Criterion: "a", Score: 1}}, 6.6},
		// custom weights 33/33/34, scores 2,3,4: (66+99+136)/5 = 301/5 = 60.2
		{"custom weights with several scores", []Criterion{{Key: "a", Weight: 33}, {Key: "b", Weight: 33}, {Key: "c", Weight: 34}},
			[]Score{{Criterion: "a", Score: 2}, {Criterion: "b", Score: 3}, {Criterion: "c", Score: 4}}, 60.2},
		// no criteria at all: empty sum = 0
		{"no criteria give 0", nil, scoresOf(5, 5, 5, 5, 5, 5), 0},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := WeightedTotal(tt.criteria, tt.scores); got != tt.want {
				t.Fatalf("WeightedTotal = %v, want %v", got, tt.want)
			}
		})
	}
}

// testTemplate has two sections and three items; item 12 needs evidence.
func testTemplate() *Template {
	return &Template{
		ID:       7,
		Criteria: defaultCriteria(),
		Sections: []ChecklistSection{
			{Key: "s1", Title: "Legal", Items: []ChecklistItem{
				{ID: 11, Key: "licence", Prompt: "Licence held"},
				{ID: 12, Key: "audit", Prompt: "SOC 2 report", EvidenceRequired: true},
			}},
			{Key: "s2", Title: "Ops", Items: []ChecklistItem{
				{ID: 13, Key: "insurance", Prompt: "Insurance"},
			}},
		},
	}
}

func TestTemplateItems_ListsItemsOfAllSectionsInOrder(t *testing.T) {
	var ids []int64
	for _, it := range testTemplate().Items() {
		ids = append(ids, it.ID)
	}
	if want := []int64{11, 12, 13}; !reflect.DeepEqual(ids, want) {
		t.Fatalf("items = %v, want %v", ids, want)
	}
}

func TestAssemble_GivesEveryTemplateItemAnAnswerPendingWhenNoneStored(t *testing.T) {
	now := time.Date(2025, 1, 2, 3, 4, 5, 0, time.UTC)
	by := int64(9)
	ws := Assemble(WorkspaceParts{
		Evaluation: Evaluation{ID: 1, Round: 0},
		Template:   testTemplate(),
		Candidates: []CandidateSummary{{ID: 1, Name: "Alpha"}},
		Answers: map[int64][]Answer{1: {
			// stored out of template order, plus an answer to an item not in the template
			{ItemID: 13, Status: AnswerNotMet, Note: "no cover", Version: 3, UpdatedBy: &by, UpdatedAt: &now},
			{ItemID: 99, Status: AnswerMet},
		}},
	})
	got := ws.Assessments[0].Answers
	want := []Answer{
		{ItemID: 11, Status: AnswerPending},
		{ItemID: 12, Status: AnswerPending},
		{ItemID: 13, Status: AnswerNotMet, Note: "no cover", Version: 3, UpdatedBy: &by, UpdatedAt: &now},
	}
	if !reflect.DeepEqual(got, want) {
		t.Fatalf("answers = %+v\nwant %+v", got, want)
	}
}

func TestAssemble_CountsCompletionWithPercentToOneDecimal(t *testing.T) {
	tests := []struct {
		name    string
		answers []Answer
		want    Completion
	}{
		// 0/3 → 0 %
		{"nothing answered", nil, Completion{Answered: 0, Total: 3, Percent: 0}},
		// pending stored explicitly does not count: 0/3
		{"a stored pending answer does not count", []Answer{{ItemID: 11, Status: AnswerPending}}, Completion{Answered: 0, Total: 3, Percent: 0}},
		// 1/3 = 33.333… → 33.3
		{"one of three", []Answer{{ItemID: 11, Status: AnswerMet}}, Completion{Answered: 1, Total: 3, Percent: 33.3}},
		// 2/3 = 66.666… → 66.7
		{"two of three rounds half up to 66.7", []Answer{{ItemID: 11, Status: AnswerNotApplicable}, {ItemID: 13, Status: AnswerNotMet}}, Completion{Answered: 2, Total: 3, Percent: 66.7}},
		// 3/3 = 100
		{"all answered, any non-pending status counts", []Answer{{ItemID: 11, Status: AnswerMet}, {ItemID: 12, Status: AnswerPartlyMet}, {ItemID: 13, Status: AnswerNotMet}}, Completion{Answered: 3, Total: 3, Percent: 100}},
		// an answer to an unknown item is not counted: 1/3 → 33.3
		{"answers to items outside the template do not count", []Answer{{ItemID: 11, Status: AnswerMet}, {ItemID: 99, Status: AnswerMet}}, Completion{Answered: 1, Total: 3, Percent: 33.3}},
		{"a carried-forward answer is to confirm, not answered", []Answer{{ItemID: 11, Status: AnswerMet, CarriedForward: true}, {ItemID: 12, Status: AnswerMet}}, Completion{Answered: 1, ToConfirm: 1, Total: 3, Percent: 33.3}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			ws := Assemble(WorkspaceParts{Template: testTemplate(), Candidates: []CandidateSummary{{ID: 1, Name: "A"}},
				Answers: map[int64][]Answer{1: tt.answers}})
			if got := ws.Assessments[0].Completion; got != tt.want {
				t.Fatalf("completion = %+v, want %+v", got, tt.want)
			}
		})
	}

	t.Run("seven items, one answered is 14.3", func(t *testing.T) {
		tpl := &Template{Sections: []ChecklistSection{{}}}
		for i := 1; i <= 7; i++ {
			tpl.Sections[0].Items = append(tpl.Sections[0].Items, ChecklistItem{ID: int64(i)})
		}
		ws := Assemble(WorkspaceParts{Template: tpl, Candidates: []CandidateSummary{{ID: 1}},
			Answers: map[int64][]Answer{1: {{ItemID: 1, Status: AnswerMet}}}})
		// 1/7 = 14.2857… → 14.3
		if got, want := ws.Assessments[0].Completion, (Completion{Answered: 1, Total: 7, Percent: 14.3}); got != want {
			t.Fatalf("completion = %+v, want %+v", got, want)
		}
	})

	t.Run("a template without items is 0 of 0 at 0 percent", func(t *testing.T) {
		ws := Assemble(WorkspaceParts{Template: &Template{}, Candidates: []CandidateSummary{{ID: 1}}})
		if got, want := ws.Assessments[0].Completion, (Completion{Answered: 0, Total: 0, Percent: 0}); got != want {
			t.Fatalf("completion = %+v, want %+v", got, want)
		}
	})
}

func TestAssemble_RanksByWeightedTotalWithTiesByName(t *testing.T) {
	ws := Assemble(WorkspaceParts{
		Template: testTemplate(),
		Candidates: []CandidateSummary{
			{ID: 1, Name: "Delta"},
			{ID: 2, Name: "Bravo"},
			{ID: 3, Name: "Charlie"},
			{ID: 4, Name: "Alpha"},
		},
		Scores: map[int64][]Score{
			1: scoresOf(4, 3, 5, 2, 4, 1), // 69
			2: scoresOf(5, 5, 5, 5, 5, 5), // 100
			3: scoresOf(4, 3, 5, 2, 4, 1), // 69, ties with Delta; Charlie < Delta
			4: nil,                        // 0
		},
	})
	wantRanking := []RankEntry{
		{Rank: 1, CustodianID: 2, Name: "Bravo", WeightedTotal: 100},
		{Rank: 2, CustodianID: 3, Name: "Charlie", WeightedTotal: 69},
		{Rank: 3, CustodianID: 1, Name: "Delta", WeightedTotal: 69},
		{Rank: 4, CustodianID: 4, Name: "Alpha", WeightedTotal: 0},
	}
	if !reflect.DeepEqual(ws.Ranking, wantRanking) {
		t.Fatalf("ranking = %+v\nwant %+v", ws.Ranking, wantRanking)
	}
	// Assessments keep candidate order and carry their rank and total.
	wantRank := map[int64]int{1: 3, 2: 1, 3: 2, 4: 4}
	wantTotal := map[int64]float64{1: 69, 2: 100, 3: 69, 4: 0}
	for i, a := range ws.Assessments {
		if want := []int64{1, 2, 3, 4}[i]; a.Custodian.ID != want {
			t.Fatalf("assessment %d is custodian %d, want %d (candidate order)", i, a.Custodian.ID, want)
		}
		if a.Rank != wantRank[a.Custodian.ID] {
			t.Errorf("custodian %d: Rank = %d, want %d", a.Custodian.ID, a.Rank, wantRank[a.Custodian.ID])
		}
		if a.WeightedTotal != wantTotal[a.Custodian.ID] {
			t.Errorf("custodian %d: WeightedTotal = %v, want %v", a.Custodian.ID, a.WeightedTotal, wantTotal[a.Custodian.ID])
		}
	}
}

func TestAssemble_CountsOnlyApprovalsOfTheCurrentRound(t *testing.T) {
	tests := []struct {
		name      string
		round     int
		approvals []Approval
		want      int
	}{
		{"no approvals", 1, nil, 0},
		{"approvals of earlier rounds do not count", 2, []Approval{
			{Round: 1, ManagerID: 1, Decision: DecisionApprove},
			{Round: 1, ManagerID: 2, Decision: DecisionApprove},
		}, 0},
		{"returns do not count", 2, []Approval{
			{Round: 2, ManagerID: 1, Decision: DecisionReturn},
		}, 0},
		{"approvals of the current round count", 2, []Approval{
			{Round: 1, ManagerID: 1, Decision: DecisionApprove},
			{Round: 1, ManagerID: 2, Decision: DecisionReturn},
			{Round: 2, ManagerID: 1, Decision: DecisionApprove},
			{Round: 2, ManagerID: 3, Decision: DecisionReturn},
			{Round: 2, ManagerID: 2, Decision: DecisionApprove},
		}, 2},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			ws := Assemble(WorkspaceParts{Evaluation: Evaluation{Round: tt.round}, Template: testTemplate(),
				Approvals: tt.approvals, ApprovalsRequired: 2})
			if ws.ApprovalsReceived != tt.want {
				t.Fatalf("ApprovalsReceived = %d, want %d", ws.ApprovalsReceived, tt.want)
			}
			if ws.ApprovalsRequired != 2 {
				t.Fatalf("ApprovalsRequired = %d, want 2", ws.ApprovalsRequired)
			}
		})
	}
}

func TestAssemble_ReturnsEmptyListsNotNil(t *testing.T) {
	ws := Assemble(WorkspaceParts{Template: testTemplate(), Candidates: []CandidateSummary{{ID: 1}}})
	if ws.Assessments == nil || ws.Ranking == nil || ws.Shortlist == nil || ws.Approvals == nil || ws.SubmitBlockers == nil {
		t.Fatalf("nil list in workspace: %+v", ws)
	}
	a := ws.Assessments[0]
	if a.Scores == nil || a.RedFlags == nil || a.Evidence == nil || a.Answers == nil {
		t.Fatalf("nil list in assessment: %+v", a)
	}
	empty := Assemble(WorkspaceParts{Template: testTemplate()})
	if empty.Assessments == nil || len(empty.Assessments) != 0 || empty.Ranking == nil || len(empty.Ranking) != 0 {
		t.Fatalf("workspace without candidates: assessments %v ranking %v", empty.Assessments, empty.Ranking)
	}
}

// blockerKeys renders blockers as sortable "code c=… i=… f=…" strings.
func blockerKeys(bs []Blocker) []string {
	out := []string{}
	p := func(x *int64) string {
		if x == nil {
			return "-"
		}
		return fmt.Sprint(*x)
	}
	for _, b := range bs {
		k := "-"
		if b.Criterion != nil {
			k = *b.Criterion
		}
		key := fmt.Sprintf("%s c=%s i=%s f=%s", b.Code, p(b.CustodianID), p(b.ItemID), p(b.FlagID))
		if b.Criterion != nil || b.Code == "unscored" || b.Code == "shortlist_inversion" {
			key += " k=" + k
		}
		out = append(out, key)
	}
	sort.Strings(out)
	return out
}

// allAnswered answers items 11 and 13 met, and item 12 (evidence required) with s12.
func allAnswered(s12 AnswerStatus) []Answer {
	return []Answer{{ItemID: 11, Status: AnswerMet}, {ItemID: 12, Status: s12, Note: "n"}, {ItemID: 13, Status: AnswerMet}}
}

func TestSubmitBlockers(t *testing.T) {
	shortlist1 := []ShortlistEntry{{CustodianID: 1, Rank: 1, Rationale: "best"}}
	ev12 := []Evidence{{ID: 5, CustodianID: 1, ItemID: 12}}
	tests := []struct {
		name      string
		shortlist []ShortlistEntry
		answers   map[int64][]Answer
		evidence  map[int64][]Evidence
		flags     map[int64][]RedFlag
		scores    map[int64][]Score // nil: every criterion of both scored 4
		want      []string
	}{
		{
			name:    "an empty shortlist blocks",
			answers: map[int64][]Answer{1: allAnswered(AnswerMet)}, evidence: map[int64][]Evidence{1: ev12},
			want: []string{"shortlist_empty c=- i=- f=-"},
		},
		{
			name:      "a complete shortlisted custodian does not block",
			shortlist: shortlist1,
			answers:   map[int64][]Answer{1: allAnswered(AnswerMet)}, evidence: map[int64][]Evidence{1: ev12},
			want: []string{},
		},
		{
			name:      "an unanswered item of a shortlisted custodian blocks",
			shortlist: shortlist1,
			answers:   map[int64][]Answer{1: {{ItemID: 11, Status: AnswerMet}, {ItemID: 12, Status: AnswerNotMet, Note: "n"}}},
			want:      []string{"unanswered c=1 i=13 f=-"},
		},
		{
			name:      "an item answered met without required evidence blocks",
			shortlist: shortlist1,
			answers:   map[int64][]Answer{1: allAnswered(AnswerMet)},
			want:      []string{"evidence_missing c=1 i=12 f=-"},
		},
		{
			name:      "an item answered partly met without required evidence blocks",
			shortlist: shortlist1,
			answers:   map[int64][]Answer{1: allAnswered(AnswerPartlyMet)},
			want:      []string{"evidence_missing c=1 i=12 f=-"},
		},
		{
			name:      "evidence on another item does not satisfy the required item",
			shortlist: shortlist1,
			answers:   map[int64][]Answer{1: allAnswered(AnswerMet)},
			evidence:  map[int64][]Evidence{1: {{ID: 6, CustodianID: 1, ItemID: 11}}},
			want:      []string{"evidence_missing c=1 i=12 f=-"},
		},
		{
			name:      "an item answered partly met with evidence does not block",
			shortlist: shortlist1,
			answers:   map[int64][]Answer{1: allAnswered(AnswerPartlyMet)}, evidence: map[int64][]Evidence{1: ev12},
			want: []string{},
		},
		{
			name:      "an item answered not met needs no evidence",
			shortlist: shortlist1,
			answers:   map[int64][]Answer{1: allAnswered(AnswerNotMet)},
			want:      []string{},
		},
		{
			name:      "an item answered not applicable needs no evidence",
			shortlist: shortlist1,
			answers:   map[int64][]Answer{1: allAnswered(AnswerNotApplicable)},
			want:      []string{},
		},
		{
			name:      "an open critical flag blocks",
			shortlist: shortlist1,
			answers:   map[int64][]Answer{1: allAnswered(AnswerNotMet)},
			flags:     map[int64][]RedFlag{1: {{ID: 40, CustodianID: 1, Title: "Sanctions", Severity: SeverityCritical, Status: FlagOpen}}},
			want:      []string{"open_critical_flag c=1 i=- f=40"},
		},
		{
			name:      "mitigated, accepted or closed critical flags and open high flags do not block",
			shortlist: shortlist1,
			answers:   map[int64][]Answer{1: allAnswered(AnswerNotMet)},
			flags: map[int64][]RedFlag{1: {
				{ID: 41, Severity: SeverityCritical, Status: FlagMitigated},
				{ID: 42, Severity: SeverityCritical, Status: FlagAccepted, Resolution: "board accepted"},
				{ID: 43, Severity: SeverityCritical, Status: FlagClosed},
				{ID: 44, Severity: SeverityHigh, Status: FlagOpen},
				{ID: 45, Severity: SeverityMedium, Status: FlagOpen},
				{ID: 46, Severity: SeverityLow, Status: FlagOpen},
			}},
			want: []string{},
		},
		{
			name:      "custodians not on the shortlist never block",
			shortlist: shortlist1,
			answers:   map[int64][]Answer{1: allAnswered(AnswerNotMet), 2: {{ItemID: 12, Status: AnswerMet}}},
			flags:     map[int64][]RedFlag{2: {{ID: 47, Severity: SeverityCritical, Status: FlagOpen}}},
			want:      []string{},
		},
		{
			name:      "an unscored criterion of a shortlisted custodian blocks, naming the criterion",
			shortlist: shortlist1,
			answers:   map[int64][]Answer{1: allAnswered(AnswerNotMet)},
			scores:    map[int64][]Score{1: scoresOf(4, 4, -1, 4, 4, -1)},
			want:      []string{"unscored c=1 i=- f=- k=coverage", "unscored c=1 i=- f=- k=support"},
		},
		{
			name:      "a score of 0 is a score and does not block",
			shortlist: shortlist1,
			answers:   map[int64][]Answer{1: allAnswered(AnswerNotMet)},
			scores:    map[int64][]Score{1: scoresOf(0, 0, 0, 0, 0, 0)},
			want:      []string{},
		},
		{
			name:      "unscored criteria of a custodian not shortlisted do not block",
			shortlist: shortlist1,
			answers:   map[int64][]Answer{1: allAnswered(AnswerNotMet)},
			scores:    map[int64][]Score{1: scoresOf(1, 1, 1, 1, 1, 1)},
			want:      []string{},
		},
		{
			// Alpha 4·100/5 = 80 and Bravo 5·100/5 = 100: Bravo ranks first.
			name:      "a shortlist placing a lower total above a higher one needs an inversion rationale",
			shortlist: []ShortlistEntry{{CustodianID: 1, Rank: 1, Rationale: "a"}, {CustodianID: 2, Rank: 2, Rationale: "b"}},
			answers:   map[int64][]Answer{1: allAnswered(AnswerNotMet), 2: allAnswered(AnswerNotMet)},
			scores:    map[int64][]Score{1: scoresOf(4, 4, 4, 4, 4, 4), 2: scoresOf(5, 5, 5, 5, 5, 5)},
			want:      []string{"shortlist_inversion c=1 i=- f=- k=-"},
		},
		{
			name: "an inversion with its rationale does not block",
			shortlist: []ShortlistEntry{{CustodianID: 1, Rank: 1, Rationale: "a", InversionRationale: "Bravo's bank licence is under review."},
				{CustodianID: 2, Rank: 2, Rationale: "b"}},
			answers: map[int64][]Answer{1: allAnswered(AnswerNotMet), 2: allAnswered(AnswerNotMet)},
			scores:  map[int64][]Score{1: scoresOf(4, 4, 4, 4, 4, 4), 2: scoresOf(5, 5, 5, 5, 5, 5)},
			want:    []string{},
		},
		{
			name: "a blank inversion rationale is none",
			shortlist: []ShortlistEntry{{CustodianID: 1, Rank: 1, Rationale: "a", InversionRationale: "  "},
				{CustodianID: 2, Rank: 2, Rationale: "b"}},
			answers: map[int64][]Answer{1: allAnswered(AnswerNotMet), 2: allAnswered(AnswerNotMet)},
			scores:  map[int64][]Score{1: scoresOf(4, 4, 4, 4, 4, 4), 2: scoresOf(5, 5, 5, 5, 5, 5)},
			want:    []string{"shortlist_inversion c=1 i=- f=- k=-"},
		},
		{
			name:      "a shortlist in ranking order needs no inversion rationale",
			shortlist: []ShortlistEntry{{CustodianID: 2, Rank: 1, Rationale: "b"}, {CustodianID: 1, Rank: 2, Rationale: "a"}},
			answers:   map[int64][]Answer{1: allAnswered(AnswerNotMet), 2: allAnswered(AnswerNotMet)},
			scores:    map[int64][]Score{1: scoresOf(4, 4, 4, 4, 4, 4), 2: scoresOf(5, 5, 5, 5, 5, 5)},
			want:      []string{},
		},
		{
			// Both total 80: the ranking orders them by name only, so either order is no inversion.
			name:      "equal totals in either order are no inversion",
			shortlist: []ShortlistEntry{{CustodianID: 2, Rank: 1, Rationale: "b"}, {CustodianID: 1, Rank: 2, Rationale: "a"}},
			answers:   map[int64][]Answer{1: allAnswered(AnswerNotMet), 2: allAnswered(AnswerNotMet)},
			want:      []string{},
		},
		{
			// Bravo (100) is not shortlisted: Alpha's place above it is no shortlist inversion.
			name:      "a higher-ranked candidate left off the shortlist is no inversion",
			shortlist: shortlist1,
			answers:   map[int64][]Answer{1: allAnswered(AnswerNotMet)},
			scores:    map[int64][]Score{1: scoresOf(4, 4, 4, 4, 4, 4), 2: scoresOf(5, 5, 5, 5, 5, 5)},
			want:      []string{},
		},
		{
			name:      "several reasons are all listed",
			shortlist: []ShortlistEntry{{CustodianID: 1, Rank: 1, Rationale: "a"}, {CustodianID: 2, Rank: 2, Rationale: "b"}},
			answers: map[int64][]Answer{
				1: {{ItemID: 12, Status: AnswerMet}},
				2: {{ItemID: 11, Status: AnswerMet}, {ItemID: 12, Status: AnswerPartlyMet, Note: "n"}, {ItemID: 13, Status: AnswerMet}},
			},
			flags: map[int64][]RedFlag{
				1: {{ID: 50, Severity: SeverityCritical, Status: FlagOpen}, {ID: 51, Severity: SeverityCritical, Status: FlagOpen}},
				2: {{ID: 52, Severity: SeverityCritical, Status: FlagOpen}},
			},
			want: []string{
				"evidence_missing c=1 i=12 f=-",
				"evidence_missing c=2 i=12 f=-",
				"open_critical_flag c=1 i=- f=50",
				"open_critical_flag c=1 i=- f=51",
				"open_critical_flag c=2 i=- f=52",
				"unanswered c=1 i=11 f=-",
				"unanswered c=1 i=13 f=-",
			},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			scores := tt.scores
			if scores == nil {
				scores = map[int64][]Score{1: scoresOf(4, 4, 4, 4, 4, 4), 2: scoresOf(4, 4, 4, 4, 4, 4)}
			}
			ws := Assemble(WorkspaceParts{
				Template:   testTemplate(),
				Candidates: []CandidateSummary{{ID: 1, Name: "Alpha"}, {ID: 2, Name: "Bravo"}},
				Answers:    tt.answers, Evidence: tt.evidence, RedFlags: tt.flags, Shortlist: tt.shortlist, Scores: scores,
			})
			want := tt.want
			sort.Strings(want)
			if got := blockerKeys(ws.SubmitBlockers); !reflect.DeepEqual(got, want) {
				t.Fatalf("Assemble blockers = %q\nwant %q", got, want)
			}
			if got := blockerKeys(SubmitBlockers(ws)); !reflect.DeepEqual(got, want) {
				t.Fatalf("SubmitBlockers = %q\nwant %q", got, want)
			}
			for _, b := range ws.SubmitBlockers {
				if b.Message == "" {
					t.Errorf("blocker %s has no message", b.Code)
				}
			}
		})
	}
}

func TestSubmitBlockers_MessagesNameTheCustodianAndItemOrFlag(t *testing.T) {
	ws := Assemble(WorkspaceParts{
		Template:   testTemplate(),
		Candidates: []CandidateSummary{{ID: 1, Name: "Alpha Custody"}},
		Answers:    map[int64][]Answer{1: {{ItemID: 12, Status: AnswerMet}}},
		RedFlags:   map[int64][]RedFlag{1: {{ID: 9, Title: "Sanctioned owner", Severity: SeverityCritical, Status: FlagOpen}}},
		Shortlist:  []ShortlistEntry{{CustodianID: 1, Rank: 1, Rationale: "x"}},
		Scores:     map[int64][]Score{1: scoresOf(1, 1, 1, 1, 1, 1)},
	})
	prompts := map[int64]string{11: "Licence held", 12: "SOC 2 report", 13: "Insurance"}
	if len(ws.SubmitBlockers) != 4 {
		t.Fatalf("blockers = %+v, want 4", ws.SubmitBlockers)
	}
	for _, b := range ws.SubmitBlockers {
		want := "Sanctioned owner"
		if b.ItemID != nil {
			want = prompts[*b.ItemID]
		}
		if !strings.Contains(b.Message, "Alpha Custody") || !strings.Contains(b.Message, want) {
			t.Errorf("%s message %q should name the custodian and %q", b.Code, b.Message, want)
		}
	}
}

func TestMandateFit(t *testing.T) {
	type flag struct {
		rule     string
		severity Severity
	}
	tests := []struct {
		name    string
		mandate Mandate
		cand    CandidateSummary
		want    []flag
	}{
		{
			name:    "a fully fitting custodian raises no flags",
			mandate: Mandate{Regions: []string{"US", "UK"}, QualifiedCustodianRequired: true, StakingRequired: true},
			cand:    CandidateSummary{Name: "Fit", QualifiedCustodian: true, Regions: []string{"UK", "US"}, Staking: true},
		},
		{
			name:    "a non-qualified custodian where one is required is critical",
			mandate: Mandate{Regions: []string{"US"}, QualifiedCustodianRequired: true},
			cand:    CandidateSummary{Name: "Acme", Regions: []string{"US"}},
			want:    []flag{{RuleQualifiedCustodian, SeverityCritical}},
		},
		{
			name:    "a non-qualified custodian is fine when none is required",
			mandate: Mandate{Regions: []string{"US"}},
			cand:    CandidateSummary{Name: "Acme", Regions: []string{"US"}},
		},
		{
			name:    "each region not covered is one high flag",
			mandate: Mandate{Regions: []string{"US", "CH", "JE"}},
			cand:    CandidateSummary{Name: "Acme", Regions: []string{"US"}},
			want:    []flag{{RuleRegionLicence, SeverityHigh}, {RuleRegionLicence, SeverityHigh}},
		},
		{
			name:    "GLOBAL covers every region",
			mandate: Mandate{Regions: []string{"US", "EU", "CH", "APAC", "MENA", "JE", "GLOBAL"}},
			cand:    CandidateSummary{Name: "World", Regions: []string{"GLOBAL"}},
		},
		{
			name:    "a custodian in the EU covers member states IE, LU and IT",
			mandate: Mandate{Regions: []string{"IE", "LU", "IT"}},
			cand:    CandidateSummary{Name: "Euro", Regions: []string{"EU"}},
		},
		{
			name:    "a custodian in a member state covers the EU mandate region",
			mandate: Mandate{Regions: []string{"EU"}},
			cand:    CandidateSummary{Name: "Dublin", Regions: []string{"IE"}},
		},
		{
			name:    "a custodian in SG covers a mandate in APAC",
			mandate: Mandate{Regions: []string{"APAC"}},
			cand:    CandidateSummary{Name: "Lion", Regions: []string{"SG"}},
		},
		{
			name:    "a custodian in APAC covers HK and SG",
			mandate: Mandate{Regions: []string{"HK", "SG"}},
			cand:    CandidateSummary{Name: "Pacific", Regions: []string{"APAC"}},
		},
		{
			name:    "a custodian in MENA covers AE",
			mandate: Mandate{Regions: []string{"AE"}},
			cand:    CandidateSummary{Name: "Gulf", Regions: []string{"MENA"}},
		},
		{
			name:    "one member state does not cover another",
			mandate: Mandate{Regions: []string{"LU"}},
			cand:    CandidateSummary{Name: "Dublin", Regions: []string{"IE"}},
			want:    []flag{{RuleRegionLicence, SeverityHigh}},
		},
		{
			name:    "SG does not cover HK",
			mandate: Mandate{Regions: []string{"HK"}},
			cand:    CandidateSummary{Name: "Lion", Regions: []string{"SG"}},
			want:    []flag{{RuleRegionLicence, SeverityHigh}},
		},
		{
			name:    "a UK custodian does not cover the EU",
			mandate: Mandate{Regions: []string{"EU"}},
			cand:    CandidateSummary{Name: "London", Regions: []string{"UK"}},
			want:    []flag{{RuleRegionLicence, SeverityHigh}},
		},
		{
			name:    "a custodian without regions covers none",
			mandate: Mandate{Regions: []string{"US"}},
			cand:    CandidateSummary{Name: "Nowhere"},
			want:    []flag{{RuleRegionLicence, SeverityHigh}},
		},
		{
			name:    "staking required and not supported is medium",
			mandate: Mandate{Regions: []string{"US"}, StakingRequired: true},
			cand:    CandidateSummary{Name: "Acme", Regions: []string{"US"}},
			want:    []flag{{RuleStaking, SeverityMedium}},
		},
		{
			name:    "no staking is fine when staking is not required",
			mandate: Mandate{Regions: []string{"US"}},
			cand:    CandidateSummary{Name: "Acme", Regions: []string{"US"}, Staking: false},
		},
		{
			name:    "every shortfall is raised, in rule order",
			mandate: Mandate{Regions: []string{"US", "SG"}, QualifiedCustodianRequired: true, StakingRequired: true},
			cand:    CandidateSummary{Name: "Acme", Regions: []string{"CH"}},
			want: []flag{{RuleQualifiedCustodian, SeverityCritical}, {RuleRegionLicence, SeverityHigh},
				{RuleRegionLicence, SeverityHigh}, {RuleStaking, SeverityMedium}},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := MandateFit(tt.mandate, tt.cand)
			var gotFlags []flag
			for _, f := range got {
				gotFlags = append(gotFlags, flag{f.Rule, f.Severity})
				if !strings.Contains(f.Reason, tt.cand.Name) {
					t.Errorf("reason %q does not name custodian %q", f.Reason, tt.cand.Name)
				}
			}
			if !reflect.DeepEqual(gotFlags, tt.want) {
				t.Fatalf("flags = %v, want %v", gotFlags, tt.want)
			}
		})
	}
}

func TestMandateFit_RegionFlagNamesTheMissingRegion(t *testing.T) {
	got := MandateFit(Mandate{Regions: []string{"US", "CH", "JE"}}, CandidateSummary{Name: "Acme", Regions: []string{"US"}})
	if len(got) != 2 || !strings.Contains(got[0].Reason, "CH") || !strings.Contains(got[1].Reason, "JE") {
		t.Fatalf("flags = %+v, want one for CH then one for JE", got)
	}
}

// snapshotParts is a complete workspace's parts; each call returns fresh,
// unshared values.
func snapshotParts() WorkspaceParts {
	t0 := time.Date(2025, 3, 1, 10, 0, 0, 0, time.UTC)
	by := int64(3)
	due := "2025-06-30"
	return WorkspaceParts{
		Evaluation: Evaluation{ID: 5, TeamID: 2, Title: "Custody 2025", TemplateID: 7, OwnerID: 3, DueDate: &due,
			Mandate: Mandate{Regions: []string{"EU", "US"}, QualifiedCustodianRequired: true, Assets: []string{"BTC", "ETH"},
				StakingRequired: true, ExpectedAUCUSD: 5_000_000},
			Status: StatusDraft, Version: 4, Round: 1, CreatedAt: t0, UpdatedAt: t0},
		Template:   testTemplate(),
		Candidates: []CandidateSummary{{ID: 1, Name: "Alpha", Regions: []string{"EU"}}, {ID: 2, Name: "Bravo", Regions: []string{"US"}}},
		Answers: map[int64][]Answer{
			1: {{ItemID: 11, Status: AnswerMet, Note: "ok", Version: 2, UpdatedBy: &by, UpdatedAt: &t0},
				{ItemID: 12, Status: AnswerPartlyMet, Note: "type I only", Version: 1, UpdatedBy: &by, UpdatedAt: &t0}},
			2: {{ItemID: 13, Status: AnswerNotMet, Note: "none", Version: 1, UpdatedBy: &by, UpdatedAt: &t0}},
		},
		Scores: map[int64][]Score{
			1: {{Criterion: "liquidity", Score: 4, Rationale: "deep", UpdatedBy: 3, UpdatedAt: t0}},
			2: {{Criterion: "security", Score: 2, Rationale: "weak", UpdatedBy: 3, UpdatedAt: t0}},
		},
		RedFlags: map[int64][]RedFlag{
			1: {{ID: 30, CustodianID: 1, Title: "Thin insurance", Severity: SeverityHigh, Status: FlagOpen, CreatedAt: t0, UpdatedAt: t0}},
		},
		Evidence: map[int64][]Evidence{
			1: {{ID: 70, CustodianID: 1, ItemID: 12, Label: "soc2.pdf", SHA256: HashBytes{0xab, 0xcd}, UploadedBy: 3, UploadedAt: t0}},
		},
		Shortlist:         []ShortlistEntry{{CustodianID: 1, Rank: 1, Rationale: "strongest"}, {CustodianID: 2, Rank: 2, Rationale: "fallback"}},
		Approvals:         []Approval{{ID: 1, Round: 1, ManagerID: 8, Decision: DecisionReturn, CreatedAt: t0}},
		ApprovalsRequired: 1,
	}
}

func snapshotHash(t *testing.T, p WorkspaceParts) HashBytes {
	t.Helper()
	b, h := Snapshot(Assemble(p))
	if sum := sha256.Sum256(b); !reflect.DeepEqual(HashBytes(sum[:]), h) {
		t.Fatalf("hash is not the SHA-256 of the returned JSON")
	}
	return h
}

func TestSnapshot_SameWorkspaceGivesSameHash(t *testing.T) {
	a := snapshotHash(t, snapshotParts())
	b := snapshotHash(t, snapshotParts())
	if !reflect.DeepEqual(a, b) || len(a) != sha256.Size {
		t.Fatalf("hashes differ or are not SHA-256: %x vs %x", a, b)
	}
	ws := Assemble(snapshotParts())
	j1, _ := Snapshot(ws)
	j2, _ := Snapshot(ws)
	if string(j1) != string(j2) {
		t.Fatalf("snapshot of one workspace is not stable")
	}
}

func TestSnapshot_ChangedConclusionsChangeTheHash(t *testing.T) {
	base := snapshotHash(t, snapshotParts())
	tests := []struct {
		name   string
		change func(p *WorkspaceParts)
	}{
		{"answer note", func(p *WorkspaceParts) { p.Answers[1][0].Note = "ok, checked" }},
		{"answer status", func(p *WorkspaceParts) { p.Answers[1][0].Status = AnswerNotApplicable }},
		{"a pending item answered", func(p *WorkspaceParts) {
			p.Answers[2] = append(p.Answers[2], Answer{ItemID: 11, Status: AnswerMet})
		}},
		{"score", func(p *WorkspaceParts) { p.Scores[1][0].Score = 5 }},
		{"score rationale", func(p *WorkspaceParts) { p.Scores[1][0].Rationale = "deeper" }},
		{"a new score", func(p *WorkspaceParts) {
			p.Scores[2] = append(p.Scores[2], Score{Criterion: "ux", Score: 3, Rationale: "ok"})
		}},
		{"flag status", func(p *WorkspaceParts) { p.RedFlags[1][0].Status = FlagMitigated }},
		{"flag severity", func(p *WorkspaceParts) { p.RedFlags[1][0].Severity = SeverityCritical }},
		{"flag resolution", func(p *WorkspaceParts) { p.RedFlags[1][0].Resolution = "top-up policy" }},
		{"flag title", func(p *WorkspaceParts) { p.RedFlags[1][0].Title = "No insurance" }},
		{"evidence file", func(p *WorkspaceParts) { p.Evidence[1][0].SHA256 = HashBytes{0xab, 0xce} }},
		{"evidence added", func(p *WorkspaceParts) {
			p.Evidence[2] = []Evidence{{ID: 71, CustodianID: 2, ItemID: 12, SHA256: HashBytes{1}}}
		}},
		{"shortlist rationale", func(p *WorkspaceParts) { p.Shortlist[0].Rationale = "strongest overall" }},
		{"shortlist order of ranks", func(p *WorkspaceParts) { p.Shortlist[0].Rank, p.Shortlist[1].Rank = 2, 1 }},
		{"shortlist shortened", func(p *WorkspaceParts) { p.Shortlist = p.Shortlist[:1] }},
		{"title", func(p *WorkspaceParts) { p.Evaluation.Title = "Custody 2026" }},
		{"mandate region", func(p *WorkspaceParts) { p.Evaluation.Mandate.Regions = []string{"EU"} }},
		{"mandate staking", func(p *WorkspaceParts) { p.Evaluation.Mandate.StakingRequired = false }},
		{"round", func(p *WorkspaceParts) { p.Evaluation.Round = 2 }},
		{"candidate removed", func(p *WorkspaceParts) { p.Candidates = p.Candidates[:1] }},
	}
	for _, tt := range tests {
		t.Run("a changed "+tt.name+" changes the hash", func(t *testing.T) {
			p := snapshotParts()
			tt.change(&p)
			if got := snapshotHash(t, p); reflect.DeepEqual(got, base) {
				t.Fatalf("hash unchanged after changing %s", tt.name)
			}
		})
	}
}

func TestSnapshot_VersionsTimestampsAndDerivedFiguresDoNotChangeTheHash(t *testing.T) {
	base := snapshotHash(t, snapshotParts())
	later := time.Date(2025, 4, 1, 9, 0, 0, 0, time.UTC)
	other := int64(99)
	tests := []struct {
		name   string
		change func(p *WorkspaceParts)
	}{
		{"evaluation version", func(p *WorkspaceParts) { p.Evaluation.Version = 17 }},
		{"evaluation timestamps", func(p *WorkspaceParts) {
			p.Evaluation.CreatedAt, p.Evaluation.UpdatedAt, p.Evaluation.SubmittedAt = later, later, &later
		}},
		{"evaluation status and submitter", func(p *WorkspaceParts) {
			p.Evaluation.Status, p.Evaluation.SubmittedBy = StatusSubmitted, &other
		}},
		{"answer versions and editors", func(p *WorkspaceParts) {
			p.Answers[1][0].Version, p.Answers[1][0].UpdatedBy, p.Answers[1][0].UpdatedAt = 9, &other, &later
		}},
		{"score editors and times", func(p *WorkspaceParts) {
			p.Scores[1][0].UpdatedBy, p.Scores[1][0].UpdatedAt = 99, later
		}},
		{"flag timestamps", func(p *WorkspaceParts) {
			p.RedFlags[1][0].CreatedAt, p.RedFlags[1][0].UpdatedAt = later, later
		}},
		{"evidence upload time", func(p *WorkspaceParts) {
			p.Evidence[1][0].UploadedAt, p.Evidence[1][0].UploadedBy = later, 99
		}},
		{"approvals", func(p *WorkspaceParts) {
			p.Approvals = append(p.Approvals, Approval{Round: 1, ManagerID: 9, Decision: DecisionApprove, CreatedAt: later})
		}},
		{"approvals required", func(p *WorkspaceParts) { p.ApprovalsRequired = 3 }},
	}
	for _, tt := range tests {
		t.Run("a changed "+tt.name+" keeps the hash", func(t *testing.T) {
			p := snapshotParts()
			tt.change(&p)
			if got := snapshotHash(t, p); !reflect.DeepEqual(got, base) {
				t.Fatalf("hash changed after changing %s", tt.name)
			}
		})
	}
}
