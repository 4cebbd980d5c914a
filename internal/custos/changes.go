package custos

import (
	"fmt"
	"slices"
	"strings"
	"time"
)

// What changed since: a re-diligence is read against the approved
// evaluation it follows, so that the officer and the approving managers see
// at once what is different this year: each checklist answer, each score,
// the red flags, and the custodian's catalogue facts (as approved then,
// against as they stand now, or as frozen when the re-diligence was
// submitted).

// AnswerState is an answer at one point in time.
type AnswerState struct {
	Status AnswerStatus `json:"status"`
	Note   string       `json:"note"`
}

// AnswerChange is one checklist item, before and now.
type AnswerChange struct {
	ItemID int64  `json:"item_id"`
	Key    string `json:"key"`
	Prompt string `json:"prompt"`
	// Previous is nil when the item was not in the followed evaluation.
	Previous *AnswerState `json:"previous"`
	Current  AnswerState  `json:"current"`
	// CarriedForward: the current answer is the previous one, not yet
	// confirmed.
	CarriedForward bool `json:"carried_forward"`
	Changed        bool `json:"changed"`
}

// ScoreChange is one criterion's score, before and now (nil when unscored).
type ScoreChange struct {
	Criterion string `json:"criterion"`
	Name      string `json:"name"`
	Weight    int    `json:"weight"`
	Previous  *int   `json:"previous"`
	Current   *int   `json:"current"`
	Changed   bool   `json:"changed"`
}

// FlagChange is a red flag that is new, gone, or in another status.
type FlagChange struct {
	Title    string   `json:"title"`
	Severity Severity `json:"severity"`
	// Previous and Current are the flag's status then and now; nil where
	// the flag did not exist.
	Previous *RedFlagStatus `json:"previous"`
	Current  *RedFlagStatus `json:"current"`
}

// FactChange is a catalogue fact of the custodian that differs.
type FactChange struct {
	Fact     string `json:"fact"`
	Previous string `json:"previous"`
	Current  string `json:"current"`
}

// Changes is what changed in a re-diligence since the evaluation it follows.
type Changes struct {
	EvaluationID        int64      `json:"evaluation_id"`
	FollowsEvaluationID int64      `json:"follows_evaluation_id"`
	FollowsApprovedAt   *time.Time `json:"follows_approved_at"`
	CustodianID         int64      `json:"custodian_id"`
	Custodian           string     `json:"custodian"`
	// Answers lists every checklist item of the re-diligence, changed or not.
	Answers        []AnswerChange `json:"answers"`
	AnswersChanged int            `json:"answers_changed"`
	Scores         []ScoreChange  `json:"scores"`
	// WeightedTotal before and now.
	PreviousWeightedTotal float64      `json:"previous_weighted_total"`
	CurrentWeightedTotal  float64      `json:"current_weighted_total"`
	RedFlags              []FlagChange `json:"red_flags"`
	Facts                 []FactChange `json:"facts"`
}

// ChangesSince compares a re-diligence (cur) with the approved evaluation it
// follows (prev), for the custodian it reviews.
func ChangesSince(prev, cur *Workspace) (*Changes, error) {
	e := cur.Evaluation
	if e.FollowsEvaluationID == nil || len(cur.Assessments) != 1 {
		return nil, Errorf(ECONFLICT, "evaluation %d is not a re-diligence: it follows no evaluation", e.ID)
	}
	if prev.Evaluation.ID != *e.FollowsEvaluationID {
		return nil, Internal(fmt.Errorf("evaluation %d follows %d, not %d", e.ID, *e.FollowsEvaluationID, prev.Evaluation.ID))
	}
	now := cur.Assessments[0]
	var then *Assessment
	for i := range prev.Assessments {
		if prev.Assessments[i].Custodian.ID == now.Custodian.ID {
			then = &prev.Assessments[i]
		}
	}
	if then == nil {
		return nil, Internal(fmt.Errorf("custodian %d is not a candidate of evaluation %d", now.Custodian.ID, prev.Evaluation.ID))
	}
	out := &Changes{EvaluationID: e.ID, FollowsEvaluationID: prev.Evaluation.ID, FollowsApprovedAt: prev.Evaluation.ApprovedAt,
		CustodianID: now.Custodian.ID, Custodian: now.Custodian.Name, Answers: []AnswerChange{}, Scores: []ScoreChange{},
		RedFlags: []FlagChange{}, Facts: []FactChange{},
		PreviousWeightedTotal: then.WeightedTotal, CurrentWeightedTotal: now.WeightedTotal}

	before := map[int64]Answer{}
	for _, a := range then.Answers {
		before[a.ItemID] = a
	}
	answers := map[int64]Answer{}
	for _, a := range now.Answers {
		answers[a.ItemID] = a
	}
	for _, it := range cur.Template.Items() {
		a := answers[it.ID]
		ch := AnswerChange{ItemID: it.ID, Key: it.Key, Prompt: it.Prompt, Current: AnswerState{a.Status, a.Note}, CarriedForward: a.CarriedForward}
		if b, ok := before[it.ID]; ok {
			ch.Previous = &AnswerState{b.Status, b.Note}
			ch.Changed = b.Status != a.Status || strings.TrimSpace(b.Note) != strings.TrimSpace(a.Note)
		} else {
			ch.Changed = a.Status != AnswerPending
		}
		if ch.Changed {
			out.AnswersChanged++
		}
		out.Answers = append(out.Answers, ch)
	}

	scoreOf := func(a *Assessment, key string) *int {
		for _, s := range a.Scores {
			if s.Criterion == key {
				v := s.Score
				return &v
			}
		}
		return nil
	}
	for _, cr := range cur.Template.Criteria {
		p, c := scoreOf(then, cr.Key), scoreOf(&now, cr.Key)
		changed := (p == nil) != (c == nil) || (p != nil && c != nil && *p != *c)
		out.Scores = append(out.Scores, ScoreChange{Criterion: cr.Key, Name: cr.Name, Weight: cr.Weight, Previous: p, Current: c, Changed: changed})
	}

	flagKey := func(f RedFlag) string {
		switch {
		case f.MandateRule != nil:
			return "rule:" + *f.MandateRule
		case f.DefinitionID != nil:
			return fmt.Sprintf("definition:%d", *f.DefinitionID)
		}
		return "title:" + strings.ToLower(strings.TrimSpace(f.Title))
	}
	old := map[string]RedFlag{}
	for _, f := range then.RedFlags {
		old[flagKey(f)] = f
	}
	seen := map[string]bool{}
	for _, f := range now.RedFlags {
		k := flagKey(f)
		seen[k] = true
		st := f.Status
		if p, ok := old[k]; !ok {
			out.RedFlags = append(out.RedFlags, FlagChange{Title: f.Title, Severity: f.Severity, Current: &st})
		} else if p.Status != f.Status {
			ps := p.Status
			out.RedFlags = append(out.RedFlags, FlagChange{Title: f.Title, Severity: f.Severity, Previous: &ps, Current: &st})
		}
	}
	for _, f := range then.RedFlags {
		if !seen[flagKey(f)] {
			ps := f.Status
			out.RedFlags = append(out.RedFlags, FlagChange{Title: f.Title, Severity: f.Severity, Previous: &ps})
		}
	}

	p, c := then.Custodian, now.Custodian
	fact := func(name, a, b string) {
		if a != b {
			out.Facts = append(out.Facts, FactChange{Fact: name, Previous: a, Current: b})
		}
	}
	fact("name", p.Name, c.Name)
	fact("qualified_custodian", yesNo(p.QualifiedCustodian), yesNo(c.QualifiedCustodian))
	pr, cr := slices.Clone(p.Regions), slices.Clone(c.Regions)
	slices.Sort(pr)
	slices.Sort(cr)
	fact("regions", strings.Join(pr, ", "), strings.Join(cr, ", "))
	fact("staking", yesNo(p.Staking), yesNo(c.Staking))
	return out, nil
}

func yesNo(b bool) string {
	if b {
		return "yes"
	}
	return "no"
}
