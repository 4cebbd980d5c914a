package custos

import (
	"testing"

	"github.com/google/go-cmp/cmp"
)

// sensCase builds assessments named Alpha, Bravo, … with scores per criterion key.
func sensAssessments(keys []string, scores ...[]int) []Assessment {
	names := []string{"Alpha", "Bravo", "Charlie"}
	var out []Assessment
	for i, row := range scores {
		a := Assessment{Custodian: CandidateSummary{ID: int64(i + 1), Name: names[i]}}
		for k, s := range row {
			a.Scores = append(a.Scores, Score{Criterion: keys[k], Score: s})
		}
		out = append(out, a)
	}
	return out
}

func crit(pairs ...any) []Criterion {
	var out []Criterion
	for i := 0; i < len(pairs); i += 2 {
		out = append(out, Criterion{Key: pairs[i].(string), Name: pairs[i].(string), Weight: pairs[i+1].(int)})
	}
	return out
}

// The headline figures of each case are computed by hand in the comments.
func TestWeightSensitivity_HandComputedCases(t *testing.T) {
	type want struct {
		winner   int64
		smallest *ShiftThreshold
		transfer *WeightTransfer
		robust   bool
		verdict  string
	}
	tests := []struct {
		name     string
		criteria []Criterion
		scores   [][]int
		want     want
	}{
		{
			// a 52, b 48. Alpha (5,0) = 52, Bravo (0,5) = 48: Alpha leads by 4.
			// With two criteria, a −t gives b +t: Bravo − Alpha = (−5(52−t) + 5(48+t))/5 = −4 + 2t, level at t = 2.
			name: "a shift of 2 points, well within 5, overturns the winner", criteria: crit("a", 52, "b", 48),
			scores: [][]int{{5, 0}, {0, 5}},
			want: want{winner: 1,
				smallest: &ShiftThreshold{Criterion: "a", Delta: -2, From: 52, To: 50, ChallengerID: 2, Challenger: "Bravo"},
				transfer: &WeightTransfer{Points: 2, To: "b", From: []WeightSource{{"a", 2}}, ChallengerID: 2, Challenger: "Bravo"},
				verdict: "Not robust: lowering a by 2 points (from 52 to 50, the others rescaled) brings Bravo level with Alpha." +
					" The smallest targeted change that does: moving 2 points from a to b brings Bravo level."},
		},
		{
			// a 50, b 50. Alpha (5,1) = 60, Bravo (1,4) = 50.
			// Bravo − Alpha = ((50+t)(1−5) + (50−t)(4−1))/5 = (−50 − 7t)/5, level at t = −50/7 = −7.14.
			name: "a shift of 7.14 points overturns the winner: within 10, so not robust", criteria: crit("a", 50, "b", 50),
			scores: [][]int{{5, 1}, {1, 4}},
			want: want{winner: 1,
				smallest: &ShiftThreshold{Criterion: "a", Delta: -7.14, From: 50, To: 42.86, ChallengerID: 2, Challenger: "Bravo"},
				transfer: &WeightTransfer{Points: 7.14, To: "b", From: []WeightSource{{"a", 7.14}}, ChallengerID: 2, Challenger: "Bravo"},
				verdict: "Not robust: lowering a by 7.14 points (from 50 to 42.86, the others rescaled) brings Bravo level with Alpha." +
					" The smallest targeted change that does: moving 7.14 points from a to b brings Bravo level."},
		},
		{
			// a 50, b 50. Alpha (5,0) = 50, Bravo (0,3) = 30.
			// Bravo − Alpha = ((50+t)(−5) + (50−t)(3))/5 = (−100 − 8t)/5, level at t = −12.5: beyond 10.
			name: "a winner only a 12.5-point shift overturns is robust", criteria: crit("a", 50, "b", 50),
			scores: [][]int{{5, 0}, {0, 3}},
			want: want{winner: 1, robust: true,
				smallest: &ShiftThreshold{Criterion: "a", Delta: -12.5, From: 50, To: 37.5, ChallengerID: 2, Challenger: "Bravo"},
				transfer: &WeightTransfer{Points: 12.5, To: "b", From: []WeightSource{{"a", 12.5}}, ChallengerID: 2, Challenger: "Bravo"},
				verdict: "Robust: no single shift of up to 10 points in one weight (the others rescaled) changes the winner, Alpha." +
					" The smallest targeted change that does: moving 12.5 points from a to b brings Bravo level."},
		},
		{
			// Alpha (4,2) = 60 = Bravo (2,4): a tie, Alpha first by name; any weight towards b puts Bravo first.
			name: "a tie is reported as one, the threshold 0", criteria: crit("a", 50, "b", 50),
			scores: [][]int{{4, 2}, {2, 4}},
			want: want{winner: 1,
				smallest: &ShiftThreshold{Criterion: "a", Delta: 0, From: 50, To: 50, ChallengerID: 2, Challenger: "Bravo"},
				transfer: &WeightTransfer{Points: 0, To: "b", From: []WeightSource{}, ChallengerID: 2, Challenger: "Bravo"},
				verdict:  "Tied: Alpha and Bravo have the same weighted total; Alpha is first only by name."},
		},
		{
			// Alpha (5,5) dominates Bravo (1,1): no weights at all put Bravo first.
			name: "a dominant winner cannot be overturned", criteria: crit("a", 50, "b", 50),
			scores: [][]int{{5, 5}, {1, 1}},
			want: want{winner: 1, robust: true,
				verdict: "Robust: no single shift of one criterion's weight changes the winner, Alpha. No weighting of the criteria puts another candidate first."},
		},
		{
			// a 30, b 2, c 68. Alpha (0,5,5) = (0+10+340)/5 = 70; Bravo (5,0,2) = (150+0+136)/5 = 57.2; lead 12.8 = 64/5.
			// Bravo's d = (5,−5,−3): pour into a, first from b (gain 10 a point, 2 points: 20), then from c
			// (gain 8, 44/8 = 5.5 points): 7.5 points. Check: a 37.5, b 0, c 62.5 give Alpha 62.5 and Bravo 62.5.
			name: "the smallest transfer drains the cheapest criterion first", criteria: crit("a", 30, "b", 2, "c", 68),
			scores: [][]int{{0, 5, 5}, {5, 0, 2}},
			want: want{winner: 1,
				// Raising a by t (b and c rescaled by (70−t)/70): Bravo − Alpha = (5(30+t) − (70−t)/70·(5·2 + 3·68))/5 = (−64 + t·(5 + 214/70))/5 = 0
				// at t = 64·70/564 = 7.94.
				smallest: &ShiftThreshold{Criterion: "a", Delta: 7.94, From: 30, To: 37.94, ChallengerID: 2, Challenger: "Bravo"},
				transfer: &WeightTransfer{Points: 7.5, To: "a", From: []WeightSource{{"b", 2}, {"c", 5.5}}, ChallengerID: 2, Challenger: "Bravo"},
				verdict: "Not robust: raising a by 7.94 points (from 30 to 37.94, the others rescaled) brings Bravo level with Alpha." +
					" The smallest targeted change that does: moving 7.5 points to a, taken from b (2) and c (5.5), brings Bravo level."},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			keys := []string{}
			for _, c := range tt.criteria {
				keys = append(keys, c.Key)
			}
			s := WeightSensitivity(tt.criteria, sensAssessments(keys, tt.scores...))
			got := want{winner: s.WinnerID, smallest: s.SmallestShift, transfer: s.SmallestTransfer, robust: s.Robust, verdict: s.Verdict}
			if d := cmp.Diff(tt.want, got, cmp.AllowUnexported(want{})); d != "" {
				t.Errorf("(-want +got):\n%s", d)
			}
		})
	}
}

// The ±5 and ±10 grid: a 50, b 50, Alpha (5,1) = 60, Bravo (1,4) = 50.
// a −5: 45/55 → Alpha (225+55)/5 = 56, Bravo (45+220)/5 = 53; a −10: 40/60 → Alpha 52, Bravo 56.
// a +5: 55/45 → Alpha 64, Bravo 47; a +10: 60/40 → Alpha 68, Bravo 44. b mirrors a.
func TestWeightSensitivity_GridOfShifts(t *testing.T) {
	s := WeightSensitivity(crit("a", 50, "b", 50), sensAssessments([]string{"a", "b"}, []int{5, 1}, []int{1, 4}))
	type row struct {
		Criterion     string
		Delta         int
		Weight        float64
		Alpha, Bravo  float64
		WinnerChanged bool
	}
	var got []row
	for _, sh := range s.Shifts {
		r := row{Criterion: sh.Criterion, Delta: sh.Delta, Weight: sh.Weight, WinnerChanged: sh.WinnerChanged}
		for _, e := range sh.Ranking {
			if e.CustodianID == 1 {
				r.Alpha = e.WeightedTotal
			} else {
				r.Bravo = e.WeightedTotal
			}
		}
		got = append(got, r)
	}
	want := []row{
		{"a", -10, 40, 52, 56, true}, {"a", -5, 45, 56, 53, false}, {"a", 5, 55, 64, 47, false}, {"a", 10, 60, 68, 44, false},
		{"b", -10, 40, 68, 44, false}, {"b", -5, 45, 64, 47, false}, {"b", 5, 55, 56, 53, false}, {"b", 10, 60, 52, 56, true},
	}
	if d := cmp.Diff(want, got); d != "" {
		t.Errorf("shifts (-want +got):\n%s", d)
	}
	if s.Shifts[0].Ranking[0].Name != "Bravo" || s.Shifts[0].Ranking[0].Rank != 1 {
		t.Errorf("a −10 ranking = %+v, want Bravo first", s.Shifts[0].Ranking)
	}
}

func TestWeightSensitivity_ClampsShiftsToTheWeightRange(t *testing.T) {
	// a 5, b 95: a −10 can only reach 0 (b 100); b +10 only 100.
	s := WeightSensitivity(crit("a", 5, "b", 95), sensAssessments([]string{"a", "b"}, []int{5, 1}, []int{1, 4}))
	got := map[string]float64{}
	for _, sh := range s.Shifts {
		got[sh.Criterion+string(rune('0'+sh.Delta/5+2))] = sh.Weight
	}
	want := map[string]float64{"a0": 0, "a1": 0, "a3": 10, "a4": 15, "b0": 85, "b1": 90, "b3": 100, "b4": 100}
	if d := cmp.Diff(want, got); d != "" {
		t.Errorf("weights (-want +got):\n%s", d)
	}
}

func TestWeightSensitivity_NilWithNothingToOverturn(t *testing.T) {
	if s := WeightSensitivity(crit("a", 50, "b", 50), sensAssessments([]string{"a", "b"}, []int{5, 1})); s != nil {
		t.Errorf("one candidate: %+v, want nil", s)
	}
	if s := WeightSensitivity(crit("a", 100), sensAssessments([]string{"a"}, []int{5}, []int{1})); s != nil {
		t.Errorf("one criterion: %+v, want nil", s)
	}
	// Before anyone is scored every total is 0: a "winner" first only by
	// name is no ranking to be robust or fragile about.
	if s := WeightSensitivity(crit("a", 50, "b", 50), sensAssessments([]string{"a", "b"}, []int{}, []int{})); s != nil {
		t.Errorf("nobody scored: %+v, want nil", s)
	}
}

// Unscored criteria count 0, as in the weighted total, and a three-way field
// finds the challenger that is closest.
func TestWeightSensitivity_PicksTheClosestChallenger(t *testing.T) {
	// a 52, b 48. Alpha (5,0) = 52; Bravo (0,5) = 48 draws level after 2 points (b +2);
	// Charlie (0,4) = 38.4 needs more: (−5(52−t) + 4(48+t))/5 = 0 at t = 68/9 = 7.56.
	as := sensAssessments([]string{"a", "b"}, []int{5, 0}, []int{0, 5}, []int{0, 4})
	as[0].Scores = as[0].Scores[:1] // Alpha's b unscored: 0, as before
	s := WeightSensitivity(crit("a", 52, "b", 48), as)
	if s.SmallestShift == nil || s.SmallestShift.Challenger != "Bravo" || s.SmallestShift.Delta != -2 {
		t.Errorf("smallest shift = %+v, want Bravo at −2", s.SmallestShift)
	}
	if s.SmallestTransfer == nil || s.SmallestTransfer.Challenger != "Bravo" || s.SmallestTransfer.Points != 2 {
		t.Errorf("smallest transfer = %+v, want Bravo after 2 points", s.SmallestTransfer)
	}
}
