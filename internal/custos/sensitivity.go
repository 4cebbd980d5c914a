package custos

import (
	"fmt"
	"math"
	"sort"
	"strings"
)

// Weight sensitivity: how far the ranking rests on the weights the template
// chose. Two measures, both exact for the current scores:
//
//   - single shifts: one criterion's weight moves by t points and the others
//     are rescaled in proportion to keep 100. Every candidate's total is
//     linear in t, so the t at which a challenger draws level with the
//     winner is found by solving a linear equation, not by sampling. The
//     grid of ±5 and ±10 points is shown beside it.
//   - the smallest transfer: over the whole weight simplex, the fewest
//     weight points that must move between criteria (the sum of the
//     increases, equal to the sum of the decreases) for a challenger to draw
//     level. Moving m points from criterion i to j changes the challenger's
//     lead by m·(dⱼ − dᵢ)/5, where d is its score minus the winner's; the
//     cheapest way is to pour into the criterion with the largest d, taking
//     first from the criteria with the smallest d (a fractional knapsack,
//     which the greedy order solves exactly).
//
// "Draws level" is the threshold: from there on the challenger ties or
// leads, and ties are ordered by name only.

// SensitivityShifts are the single shifts shown, in points of weight.
var SensitivityShifts = []int{-10, -5, 5, 10}

// RobustShift is the largest single shift a robust ranking withstands.
const RobustShift = 10

// Sensitivity is the weight sensitivity of an evaluation's ranking.
type Sensitivity struct {
	WinnerID int64 `json:"winner_id"`
	// Shifts are the rankings under each criterion's weight ±5 and ±10.
	Shifts []WeightShift `json:"shifts"`
	// Thresholds are, per criterion and direction, the single shift at which
	// some challenger draws level with the winner; none where no shift does.
	Thresholds []ShiftThreshold `json:"thresholds"`
	// SmallestShift is the smallest of the thresholds; nil when no single
	// shift changes the winner.
	SmallestShift *ShiftThreshold `json:"smallest_shift"`
	// SmallestTransfer is the fewest weight points moved between any
	// criteria that lets a challenger draw level; nil when none can.
	SmallestTransfer *WeightTransfer `json:"smallest_transfer"`
	// Robust: no single shift of up to RobustShift points changes the winner.
	Robust  bool   `json:"robust"`
	Verdict string `json:"verdict"`
}

// WeightShift is the ranking with one criterion's weight shifted.
type WeightShift struct {
	Criterion string `json:"criterion"`
	Delta     int    `json:"delta"`
	// Weight is the criterion's new weight (kept within 0 and 100).
	Weight        float64     `json:"weight"`
	Ranking       []RankEntry `json:"ranking"`
	WinnerChanged bool        `json:"winner_changed"`
}

// ShiftThreshold is the single shift of one criterion's weight at which a
// challenger draws level with the winner.
type ShiftThreshold struct {
	Criterion    string  `json:"criterion"`
	Delta        float64 `json:"delta"` // signed points, to two decimals
	From         float64 `json:"from"`
	To           float64 `json:"to"`
	ChallengerID int64   `json:"challenger_id"`
	Challenger   string  `json:"challenger"`
}

// WeightTransfer is a move of weight points between criteria.
type WeightTransfer struct {
	Points       float64        `json:"points"` // to two decimals
	To           string         `json:"to"`
	From         []WeightSource `json:"from"`
	ChallengerID int64          `json:"challenger_id"`
	Challenger   string         `json:"challenger"`
}

// WeightSource is one criterion giving up weight in a transfer.
type WeightSource struct {
	Criterion string  `json:"criterion"`
	Points    float64 `json:"points"`
}

const sensEps = 1e-9

func round2(x float64) float64 {
	r := math.Round(x*100) / 100
	if r == 0 {
		return 0 // no negative zero
	}
	return r
}

// scoreMatrix is the candidates' scores by criterion, unscored as 0 (as in
// WeightedTotal).
func scoreMatrix(criteria []Criterion, as []Assessment) [][]float64 {
	out := make([][]float64, len(as))
	for i, a := range as {
		by := map[string]int{}
		for _, s := range a.Scores {
			by[s.Criterion] = s.Score
		}
		out[i] = make([]float64, len(criteria))
		for k, c := range criteria {
			out[i][k] = float64(by[c.Key])
		}
	}
	return out
}

// shiftedWeights moves criterion k by t points and rescales the others in
// proportion to keep the sum; when the others all weigh 0, they share the
// remainder equally.
func shiftedWeights(w []float64, k int, t float64) []float64 {
	out := make([]float64, len(w))
	rest := 100 - w[k]
	nk := w[k] + t
	for j := range w {
		switch {
		case j == k:
			out[j] = nk
		case rest > sensEps:
			out[j] = w[j] * (100 - nk) / rest
		default:
			out[j] = (100 - nk) / float64(len(w)-1)
		}
	}
	return out
}

func totalsUnder(w []float64, m [][]float64) []float64 {
	out := make([]float64, len(m))
	for i, row := range m {
		for k, s := range row {
			out[i] += w[k] * s
		}
		out[i] /= 5
	}
	return out
}

// anyScored says whether any candidate has a score yet.
func anyScored(as []Assessment) bool {
	for _, a := range as {
		if len(a.Scores) > 0 {
			return true
		}
	}
	return false
}

// rankUnder orders candidate indexes by total, ties by name.
func rankUnder(totals []float64, as []Assessment) []int {
	idx := make([]int, len(as))
	for i := range idx {
		idx[i] = i
	}
	sort.SliceStable(idx, func(x, y int) bool {
		a, b := idx[x], idx[y]
		if math.Abs(totals[a]-totals[b]) > sensEps {
			return totals[a] > totals[b]
		}
		return as[a].Custodian.Name < as[b].Custodian.Name
	})
	return idx
}

// WeightSensitivity measures how the ranking of the assessments answers to
// shifts of the criteria weights. It is nil with fewer than two candidates
// or fewer than two criteria, and before anyone is scored: there is nothing
// to overturn (all at 0, the "winner" would be first only by name).
func WeightSensitivity(criteria []Criterion, as []Assessment) *Sensitivity {
	if len(as) < 2 || len(criteria) < 2 || !anyScored(as) {
		return nil
	}
	w := make([]float64, len(criteria))
	for k, c := range criteria {
		w[k] = float64(c.Weight)
	}
	m := scoreMatrix(criteria, as)
	base := rankUnder(totalsUnder(w, m), as)
	win := base[0]
	s := &Sensitivity{WinnerID: as[win].Custodian.ID, Shifts: []WeightShift{}, Thresholds: []ShiftThreshold{}}

	for k, c := range criteria {
		for _, d := range SensitivityShifts {
			t := math.Max(-w[k], math.Min(float64(d), 100-w[k]))
			ws := shiftedWeights(w, k, t)
			totals := totalsUnder(ws, m)
			order := rankUnder(totals, as)
			sh := WeightShift{Criterion: c.Key, Delta: d, Weight: round2(ws[k]), WinnerChanged: order[0] != win}
			for r, i := range order {
				sh.Ranking = append(sh.Ranking, RankEntry{Rank: r + 1, CustodianID: as[i].Custodian.ID,
					Name: as[i].Custodian.Name, WeightedTotal: round2(totals[i])})
			}
			s.Shifts = append(s.Shifts, sh)
		}
		for _, dir := range []float64{-1, 1} {
			if th, ok := shiftThreshold(w, m, k, dir, win); ok {
				s.Thresholds = append(s.Thresholds, ShiftThreshold{Criterion: c.Key, Delta: round2(th.t), From: w[k],
					To: round2(w[k] + th.t), ChallengerID: as[th.c].Custodian.ID, Challenger: as[th.c].Custodian.Name})
			}
		}
	}
	for i := range s.Thresholds {
		if s.SmallestShift == nil || math.Abs(s.Thresholds[i].Delta) < math.Abs(s.SmallestShift.Delta) {
			s.SmallestShift = &s.Thresholds[i]
		}
	}
	for c := range as {
		if c == win {
			continue
		}
		if tr, ok := smallestTransfer(criteria, w, m, win, c); ok && (s.SmallestTransfer == nil || tr.Points < s.SmallestTransfer.Points) {
			tr.ChallengerID, tr.Challenger = as[c].Custodian.ID, as[c].Custodian.Name
			s.SmallestTransfer = &tr
		}
	}
	s.Robust = s.SmallestShift == nil || math.Abs(s.SmallestShift.Delta) > RobustShift
	s.Verdict = verdict(s, criteria, as[win].Custodian.Name)
	return s
}

type crossing struct {
	t float64
	c int
}

// shiftThreshold finds the smallest shift of criterion k in direction dir
// (−1 down, +1 up, within the weight's range 0–100) at which a challenger
// draws level with the winner. The lead Δ(t) of each challenger is linear
// in t, so Δ(t) = Δ(0) + t·(Δ(1) − Δ(0)) and the crossing is −Δ(0)/slope.
func shiftThreshold(w []float64, m [][]float64, k int, dir float64, win int) (crossing, bool) {
	limit := 100 - w[k]
	if dir < 0 {
		limit = w[k]
	}
	if limit < sensEps {
		return crossing{}, false
	}
	t0 := totalsUnder(w, m)
	t1 := totalsUnder(shiftedWeights(w, k, dir), m)
	best, found := crossing{}, false
	for c := range m {
		if c == win {
			continue
		}
		lead0 := t0[c] - t0[win] // ≤ 0: the winner leads or ties
		slope := (t1[c] - t1[win]) - lead0
		var steps float64
		switch {
		case math.Abs(lead0) <= sensEps:
			if slope <= sensEps {
				continue // tied, and this direction favours the winner
			}
			steps = 0
		case slope <= sensEps:
			continue
		default:
			steps = -lead0 / slope
		}
		if steps > limit+sensEps {
			continue
		}
		if !found || steps < math.Abs(best.t) {
			best, found = crossing{t: dir * steps, c: c}, true
		}
	}
	return best, found
}

// smallestTransfer is the fewest weight points to move so that challenger c
// draws level with the winner, or false when no weights make it do so.
func smallestTransfer(criteria []Criterion, w []float64, m [][]float64, win, c int) (WeightTransfer, bool) {
	d := make([]float64, len(w))
	gap := 0.0 // the winner's lead, in weight·score
	for k := range w {
		d[k] = m[c][k] - m[win][k]
		gap -= w[k] * d[k]
	}
	to := 0
	for k := range d {
		if d[k] > d[to] {
			to = k
		}
	}
	tr := WeightTransfer{To: criteria[to].Key, From: []WeightSource{}}
	if gap <= sensEps {
		return tr, true
	}
	donors := []int{}
	for k := range d {
		if k != to && w[k] > sensEps && d[to]-d[k] > sensEps {
			donors = append(donors, k)
		}
	}
	sort.SliceStable(donors, func(x, y int) bool { return d[donors[x]] < d[donors[y]] })
	moved := 0.0
	for _, k := range donors {
		gain := d[to] - d[k]
		take := math.Min(w[k], gap/gain)
		moved += take
		gap -= take * gain
		tr.From = append(tr.From, WeightSource{Criterion: criteria[k].Key, Points: round2(take)})
		if gap <= sensEps {
			tr.Points = round2(moved)
			return tr, true
		}
	}
	return WeightTransfer{}, false
}

func criterionNamed(criteria []Criterion, key string) string {
	for _, c := range criteria {
		if c.Key == key {
			return criterionName(c)
		}
	}
	return key
}

func points(x float64) string {
	s := strings.TrimSuffix(strings.TrimRight(fmt.Sprintf("%.2f", x), "0"), ".")
	if s == "1" {
		return "1 point"
	}
	return s + " points"
}

// verdict says in one sentence or two how robust the winner is.
func verdict(s *Sensitivity, criteria []Criterion, winner string) string {
	var b strings.Builder
	tr := s.SmallestTransfer
	if tr != nil && tr.Points == 0 {
		return fmt.Sprintf("Tied: %s and %s have the same weighted total; %s is first only by name.", winner, tr.Challenger, winner)
	}
	switch {
	case s.SmallestShift == nil:
		fmt.Fprintf(&b, "Robust: no single shift of one criterion's weight changes the winner, %s.", winner)
	case s.Robust:
		fmt.Fprintf(&b, "Robust: no single shift of up to %d points in one weight (the others rescaled) changes the winner, %s.", RobustShift, winner)
	default:
		sh := s.SmallestShift
		verb := "raising"
		if sh.Delta < 0 {
			verb = "lowering"
		}
		fmt.Fprintf(&b, "Not robust: %s %s by %s (from %s to %s, the others rescaled) brings %s level with %s.",
			verb, criterionNamed(criteria, sh.Criterion), points(math.Abs(sh.Delta)), trimNum(sh.From), trimNum(sh.To), sh.Challenger, winner)
	}
	if tr == nil {
		b.WriteString(" No weighting of the criteria puts another candidate first.")
		return b.String()
	}
	to := criterionNamed(criteria, tr.To)
	if len(tr.From) == 1 {
		fmt.Fprintf(&b, " The smallest targeted change that does: moving %s from %s to %s brings %s level.",
			points(tr.Points), criterionNamed(criteria, tr.From[0].Criterion), to, tr.Challenger)
		return b.String()
	}
	var from []string
	for _, f := range tr.From {
		from = append(from, fmt.Sprintf("%s (%s)", criterionNamed(criteria, f.Criterion), trimNum(f.Points)))
	}
	fmt.Fprintf(&b, " The smallest targeted change that does: moving %s to %s, taken from %s, brings %s level.",
		points(tr.Points), to, strings.Join(from, " and "), tr.Challenger)
	return b.String()
}

func trimNum(x float64) string {
	return strings.TrimSuffix(strings.TrimRight(fmt.Sprintf("%.2f", x), "0"), ".")
}
