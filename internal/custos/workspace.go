package custos

import (
	"crypto/sha256"
	"encoding/json"
	"fmt"
	"math"
	"sort"
	"strings"
)

// CandidateSummary is what the workspace shows of a candidate's catalogue entry.
type CandidateSummary struct {
	ID                 int64    `json:"id"`
	Slug               string   `json:"slug"`
	Name               string   `json:"name"`
	QualifiedCustodian bool     `json:"qualified_custodian"`
	Regions            []string `json:"regions"`
	Staking            bool     `json:"staking"`
}

// Completion counts answered checklist items. An answer a re-diligence
// carried forward from the last approved evaluation counts only once the
// officer confirms it (ToConfirm until then): it says what was true a year
// ago, and submission waits for its confirmation.
type Completion struct {
	Answered  int     `json:"answered"`
	ToConfirm int     `json:"to_confirm"`
	Total     int     `json:"total"`
	Percent   float64 `json:"percent"`
}

// Assessment is everything about one candidate in an evaluation.
type Assessment struct {
	Custodian     CandidateSummary `json:"custodian"`
	Answers       []Answer         `json:"answers"`
	Scores        []Score          `json:"scores"`
	RedFlags      []RedFlag        `json:"red_flags"`
	Evidence      []Evidence       `json:"evidence"`
	Completion    Completion       `json:"completion"`
	WeightedTotal float64          `json:"weighted_total"`
	Rank          int              `json:"rank"`
	// Assurance lists, on a draft, the checklist items whose required
	// assurance document the team's documents do not satisfy today.
	Assurance []AssuranceFinding `json:"assurance"`
}

// RankEntry is one line of the ranking by weighted total.
type RankEntry struct {
	Rank          int     `json:"rank"`
	CustodianID   int64   `json:"custodian_id"`
	Name          string  `json:"name"`
	WeightedTotal float64 `json:"weighted_total"`
}

// Blocker is one reason a shortlist cannot be submitted yet.
type Blocker struct {
	Code        string `json:"code"`
	CustodianID *int64 `json:"custodian_id"`
	ItemID      *int64 `json:"item_id"`
	FlagID      *int64 `json:"flag_id"`
	// Criterion is the unscored criterion's key, for unscored; else nil.
	Criterion *string `json:"criterion"`
	Message   string  `json:"message"`
}

// Workspace is the whole of an evaluation, as one answer.
type Workspace struct {
	Evaluation        Evaluation       `json:"evaluation"`
	Template          *Template        `json:"template"`
	Assessments       []Assessment     `json:"assessments"`
	Ranking           []RankEntry      `json:"ranking"`
	Shortlist         []ShortlistEntry `json:"shortlist"`
	Approvals         []Approval       `json:"approvals"`
	ApprovalsRequired int              `json:"approvals_required"`
	ApprovalsReceived int              `json:"approvals_received"`
	SubmitBlockers    []Blocker        `json:"submit_blockers"`
	// Sensitivity is how the ranking answers to shifts of the weights; nil
	// with fewer than two candidates or criteria.
	Sensitivity *Sensitivity `json:"sensitivity"`
}

// WorkspaceParts are the rows a store reads; Assemble derives the rest.
type WorkspaceParts struct {
	Evaluation        Evaluation
	Template          *Template
	Candidates        []CandidateSummary
	Answers           map[int64][]Answer // by custodian
	Scores            map[int64][]Score
	RedFlags          map[int64][]RedFlag
	Evidence          map[int64][]Evidence
	Shortlist         []ShortlistEntry
	Approvals         []Approval
	ApprovalsRequired int
	// Documents are the team's active assurance documents by custodian,
	// their freshness judged at the time the workspace is read.
	Documents map[int64][]AssuranceDocument
}

// WeightedTotal is Σ weight × score / 5 over the criteria: out of 100 when
// the weights sum to 100. An unscored criterion counts 0.
func WeightedTotal(criteria []Criterion, scores []Score) float64 {
	by := map[string]int{}
	for _, s := range scores {
		by[s.Criterion] = s.Score
	}
	total := 0
	for _, c := range criteria {
		total += c.Weight * by[c.Key]
	}
	// total/5 has at most one decimal (the fifth of an integer).
	return math.Round(float64(total)*20) / 100
}

// Assemble builds the workspace from its parts: every item gets an answer
// (pending when none is stored), and completion, weighted totals, the
// ranking and the submit blockers are derived here, never stored.
func Assemble(p WorkspaceParts) *Workspace {
	ws := &Workspace{
		Evaluation:        p.Evaluation,
		Template:          p.Template,
		Shortlist:         nonNilSlice(p.Shortlist),
		Approvals:         nonNilSlice(p.Approvals),
		ApprovalsRequired: p.ApprovalsRequired,
	}
	items := p.Template.Items()
	for _, c := range p.Candidates {
		stored := map[int64]Answer{}
		for _, a := range p.Answers[c.ID] {
			stored[a.ItemID] = a
		}
		a := Assessment{
			Custodian: c,
			Scores:    nonNilSlice(p.Scores[c.ID]),
			RedFlags:  nonNilSlice(p.RedFlags[c.ID]),
			Evidence:  nonNilSlice(p.Evidence[c.ID]),
			Answers:   make([]Answer, len(items)),
		}
		for i, it := range items {
			ans, ok := stored[it.ID]
			if !ok {
				ans = Answer{ItemID: it.ID, Status: AnswerPending}
			}
			a.Answers[i] = ans
			switch {
			case ans.Status == AnswerPending:
			case ans.CarriedForward:
				a.Completion.ToConfirm++
			default:
				a.Completion.Answered++
			}
		}
		a.Completion.Total = len(items)
		if len(items) > 0 {
			a.Completion.Percent = math.Round(float64(a.Completion.Answered)*1000/float64(len(items))) / 10
		}
		a.WeightedTotal = WeightedTotal(p.Template.Criteria, a.Scores)
		a.Assurance = []AssuranceFinding{}
		if p.Evaluation.Status == StatusDraft {
			a.Assurance = nonNilSlice(RequirementFindings(items, p.Documents[c.ID]))
		}
		ws.Assessments = append(ws.Assessments, a)
	}
	if ws.Assessments == nil {
		ws.Assessments = []Assessment{}
	}
	ws.Ranking = rank(ws.Assessments)
	ws.Sensitivity = WeightSensitivity(p.Template.Criteria, ws.Assessments)
	// A return sends the evaluation back to draft and voids its round's approvals.
	for _, ap := range ws.Approvals {
		if p.Evaluation.Status != StatusDraft && ap.Round == p.Evaluation.Round && ap.Decision == DecisionApprove {
			ws.ApprovalsReceived++
		}
	}
	ws.SubmitBlockers = SubmitBlockers(ws)
	return ws
}

func nonNilSlice[T any](xs []T) []T {
	if xs == nil {
		return []T{}
	}
	return xs
}

// rank orders candidates by weighted total, ties by name, and numbers them.
func rank(as []Assessment) []RankEntry {
	idx := make([]int, len(as))
	for i := range idx {
		idx[i] = i
	}
	sort.SliceStable(idx, func(x, y int) bool {
		a, b := as[idx[x]], as[idx[y]]
		if a.WeightedTotal != b.WeightedTotal {
			return a.WeightedTotal > b.WeightedTotal
		}
		return a.Custodian.Name < b.Custodian.Name
	})
	out := make([]RankEntry, len(idx))
	for r, i := range idx {
		as[i].Rank = r + 1
		out[r] = RankEntry{Rank: r + 1, CustodianID: as[i].Custodian.ID, Name: as[i].Custodian.Name, WeightedTotal: as[i].WeightedTotal}
	}
	return out
}

// Items lists the template's checklist items in order.
func (t *Template) Items() []ChecklistItem {
	var out []ChecklistItem
	for _, s := range t.Sections {
		out = append(out, s.Items...)
	}
	return out
}

// SubmitBlockers lists every reason the shortlist cannot be submitted: for
// each shortlisted custodian, unanswered items, required evidence missing
// for an item answered met or partly met, and open critical red flags.
func SubmitBlockers(ws *Workspace) []Blocker {
	out := []Blocker{}
	if len(ws.Shortlist) == 0 {
		out = append(out, Blocker{Code: "shortlist_empty", Message: "No custodian is shortlisted yet."})
	}
	shortlisted := map[int64]bool{}
	for _, e := range ws.Shortlist {
		shortlisted[e.CustodianID] = true
	}
	items := ws.Template.Items()
	for _, a := range ws.Assessments {
		if !shortlisted[a.Custodian.ID] {
			continue
		}
		cid := a.Custodian.ID
		withEvidence := map[int64]bool{}
		for _, e := range a.Evidence {
			withEvidence[e.ItemID] = true
		}
		for i, ans := range a.Answers {
			it := items[i]
			itemID := it.ID
			switch {
			case ans.Status == AnswerPending:
				out = append(out, Blocker{Code: "unanswered", CustodianID: &cid, ItemID: &itemID,
					Message: fmt.Sprintf("%s: %q is not answered.", a.Custodian.Name, it.Prompt)})
			case ans.CarriedForward:
				out = append(out, Blocker{Code: "unconfirmed", CustodianID: &cid, ItemID: &itemID,
					Message: fmt.Sprintf("%s: %q was carried forward from the last approved evaluation; confirm it.", a.Custodian.Name, it.Prompt)})
			case it.EvidenceRequired && (ans.Status == AnswerMet || ans.Status == AnswerPartlyMet) && !withEvidence[it.ID]:
				out = append(out, Blocker{Code: "evidence_missing", CustodianID: &cid, ItemID: &itemID,
					Message: fmt.Sprintf("%s: %q needs evidence attached.", a.Custodian.Name, it.Prompt)})
			}
		}
		// An unscored criterion would count 0 in the weighted total without
		// anyone having decided so: the ranking approvers see must rest on
		// every criterion having been judged.
		scored := map[string]bool{}
		for _, s := range a.Scores {
			scored[s.Criterion] = true
		}
		for _, c := range ws.Template.Criteria {
			if !scored[c.Key] {
				key := c.Key
				out = append(out, Blocker{Code: "unscored", CustodianID: &cid, Criterion: &key,
					Message: fmt.Sprintf("%s: the criterion %q is not scored.", a.Custodian.Name, criterionName(c))})
			}
		}
		for _, f := range a.Assurance {
			itemID := f.ItemID
			it, _ := ws.Template.Item(itemID)
			out = append(out, Blocker{Code: "assurance_document", CustodianID: &cid, ItemID: &itemID,
				Message: fmt.Sprintf("%s: %q rests on a current %s: %s", a.Custodian.Name, it.Prompt, f.Kind.Label(), strings.Join(f.Reasons, " "))})
		}
		for _, f := range a.RedFlags {
			if f.Status == FlagOpen && f.Severity == SeverityCritical {
				flagID := f.ID
				out = append(out, Blocker{Code: "open_critical_flag", CustodianID: &cid, FlagID: &flagID,
					Message: fmt.Sprintf("%s has an open critical red flag: %s.", a.Custodian.Name, f.Title)})
			}
		}
	}
	out = append(out, inversionBlockers(ws)...)
	return out
}

func criterionName(c Criterion) string {
	if c.Name != "" {
		return c.Name
	}
	return c.Key
}

// Inversion is a shortlist entry placed above a candidate whose weighted
// total is strictly higher. A tie is no inversion: the ranking itself only
// orders ties by name.
type Inversion struct {
	Above, Below Assessment
}

// ShortlistInversions lists, for each shortlisted custodian, the first
// shortlisted custodian below it with a higher weighted total.
func ShortlistInversions(ws *Workspace) []Inversion {
	byID := map[int64]Assessment{}
	for _, a := range ws.Assessments {
		byID[a.Custodian.ID] = a
	}
	entries := append([]ShortlistEntry(nil), ws.Shortlist...)
	sort.SliceStable(entries, func(i, j int) bool { return entries[i].Rank < entries[j].Rank })
	var out []Inversion
	for i, hi := range entries {
		above, ok := byID[hi.CustodianID]
		if !ok {
			continue
		}
		for _, lo := range entries[i+1:] {
			below, ok := byID[lo.CustodianID]
			if ok && below.WeightedTotal > above.WeightedTotal {
				out = append(out, Inversion{Above: above, Below: below})
				break
			}
		}
	}
	return out
}

// inversionBlockers asks for an inversion rationale on each shortlist entry
// that contradicts the ranking. It is a submit blocker, not a rule of the
// shortlist's own save, because scores keep changing after the shortlist is
// saved: only at submission is the ranking the approvers will see fixed.
func inversionBlockers(ws *Workspace) []Blocker {
	rationale := map[int64]string{}
	for _, e := range ws.Shortlist {
		rationale[e.CustodianID] = strings.TrimSpace(e.InversionRationale)
	}
	var out []Blocker
	for _, inv := range ShortlistInversions(ws) {
		if rationale[inv.Above.Custodian.ID] != "" {
			continue
		}
		cid := inv.Above.Custodian.ID
		out = append(out, Blocker{Code: "shortlist_inversion", CustodianID: &cid,
			Message: fmt.Sprintf("%s is shortlisted above %s, whose weighted total is higher (%.1f against %.1f): say why in the inversion rationale.",
				inv.Above.Custodian.Name, inv.Below.Custodian.Name, inv.Above.WeightedTotal, inv.Below.WeightedTotal)})
	}
	return out
}

// snapshot is the canonical content managers approve: what the officers
// concluded, without versions, timestamps or derived figures.
type snapshot struct {
	EvaluationID int64               `json:"evaluation_id"`
	TeamID       int64               `json:"team_id"`
	Title        string              `json:"title"`
	TemplateID   int64               `json:"template_id"`
	Mandate      Mandate             `json:"mandate"`
	Round        int                 `json:"round"`
	Candidates   []snapshotCandidate `json:"candidates"`
	Shortlist    []ShortlistEntry    `json:"shortlist"`
}

type snapshotCandidate struct {
	CustodianID int64            `json:"custodian_id"`
	Answers     []snapshotAnswer `json:"answers"`
	Scores      []snapshotScore  `json:"scores"`
	RedFlags    []snapshotFlag   `json:"red_flags"`
	Evidence    []string         `json:"evidence_sha256"`
}

type snapshotAnswer struct {
	ItemID int64        `json:"item_id"`
	Status AnswerStatus `json:"status"`
	Note   string       `json:"note"`
}

type snapshotScore struct {
	Criterion string `json:"criterion"`
	Score     int    `json:"score"`
	Rationale string `json:"rationale"`
}

type snapshotFlag struct {
	ID         int64         `json:"id"`
	Title      string        `json:"title"`
	Severity   Severity      `json:"severity"`
	Status     RedFlagStatus `json:"status"`
	Resolution string        `json:"resolution"`
}

// Snapshot returns the canonical JSON of what is submitted and its SHA-256.
func Snapshot(ws *Workspace) ([]byte, HashBytes) {
	e := ws.Evaluation
	s := snapshot{EvaluationID: e.ID, TeamID: e.TeamID, Title: e.Title, TemplateID: e.TemplateID, Mandate: e.Mandate,
		Round: e.Round, Shortlist: ws.Shortlist, Candidates: []snapshotCandidate{}}
	for _, a := range ws.Assessments {
		c := snapshotCandidate{CustodianID: a.Custodian.ID, Answers: []snapshotAnswer{}, Scores: []snapshotScore{},
			RedFlags: []snapshotFlag{}, Evidence: []string{}}
		for _, x := range a.Answers {
			c.Answers = append(c.Answers, snapshotAnswer{x.ItemID, x.Status, x.Note})
		}
		for _, x := range a.Scores {
			c.Scores = append(c.Scores, snapshotScore{x.Criterion, x.Score, x.Rationale})
		}
		for _, x := range a.RedFlags {
			c.RedFlags = append(c.RedFlags, snapshotFlag{x.ID, x.Title, x.Severity, x.Status, x.Resolution})
		}
		for _, x := range a.Evidence {
			c.Evidence = append(c.Evidence, fmt.Sprintf("%x", []byte(x.SHA256)))
		}
		s.Candidates = append(s.Candidates, c)
	}
	b, _ := json.Marshal(s) // only plain values: cannot fail
	sum := sha256.Sum256(b)
	return b, sum[:]
}

// Mandate fit rules, as named in template_red_flags.mandate_rule.
const (
	RuleQualifiedCustodian = "qualified_custodian"
	RuleRegionLicence      = "region_licence"
	RuleStaking            = "staking"
)

// MandateFlag is a red flag that mandate fit raises by itself.
type MandateFlag struct {
	Rule     string
	Severity Severity
	Reason   string
}

// regionBlocs says which regions a bloc contains: a presence in a member
// state counts for the bloc and the bloc's licence for its members.
var regionBlocs = map[string][]string{
	"EU":   {"IE", "LU", "IT"},
	"APAC": {"SG", "HK"},
	"MENA": {"AE"},
}

// covers reports whether a custodian present in have serves region want.
func covers(have []string, want string) bool {
	for _, h := range have {
		if h == want || h == "GLOBAL" || contains(regionBlocs[h], want) || contains(regionBlocs[want], h) {
			return true
		}
	}
	return false
}

// MandateFit checks a candidate against the mandate, the article's beginner
// mistakes: a non-qualified custodian where one is required (critical), no
// licence or presence for a mandate region (high), no staking when staking
// is needed (medium).
func MandateFit(m Mandate, c CandidateSummary) []MandateFlag {
	var out []MandateFlag
	if m.QualifiedCustodianRequired && !c.QualifiedCustodian {
		out = append(out, MandateFlag{RuleQualifiedCustodian, SeverityCritical,
			fmt.Sprintf("The mandate requires a qualified custodian; the catalogue does not list %s as one.", c.Name)})
	}
	for _, r := range m.Regions {
		if !covers(c.Regions, r) {
			out = append(out, MandateFlag{RuleRegionLicence, SeverityHigh,
				fmt.Sprintf("The mandate covers %s; the catalogue lists no licence or presence of %s there.", r, c.Name)})
		}
	}
	if m.StakingRequired && !c.Staking {
		out = append(out, MandateFlag{RuleStaking, SeverityMedium,
			fmt.Sprintf("The mandate needs staking; the catalogue lists no staking from custody at %s.", c.Name)})
	}
	return out
}
