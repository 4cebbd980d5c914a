package custos

import (
	"crypto/sha256"
	"encoding/json"
	"fmt"
	"strings"
	"time"
	"unicode/utf8"
)

// The evaluation's commands. Each takes what the store loaded for it (the
// evaluation's header, locked, and the part being changed), checks every
// rule and returns the event to save; none touches a database. Input is
// checked first, then the evaluation's status and version, then the part.

// checkStatus: every change but a decision needs a draft, and a decision a
// submitted round; ifVersion, when not 0, must be the current version.
func checkStatus(e *Evaluation, want EvaluationStatus, ifVersion int) error {
	if e.Status != want {
		if want == StatusDraft {
			return Errorf(ECONFLICT, "the evaluation is %s: it cannot change any more", e.Status)
		}
		return Errorf(ECONFLICT, "the evaluation is %s, not %s", e.Status, want)
	}
	if ifVersion != 0 && ifVersion != e.Version {
		return Stale("the evaluation")
	}
	return nil
}

func notCandidate(custodianID int64) error {
	return Errorf(ENOTFOUND, "custodian %d is not a candidate of this evaluation", custodianID)
}

// Item returns the checklist item with this ID, if the template has it.
func (t *Template) Item(id int64) (ChecklistItem, bool) {
	for _, s := range t.Sections {
		for _, it := range s.Items {
			if it.ID == id {
				return it, true
			}
		}
	}
	return ChecklistItem{}, false
}

func (t *Template) hasCriterion(key string) bool {
	for _, c := range t.Criteria {
		if c.Key == key {
			return true
		}
	}
	return false
}

func (t *Template) redFlag(id int64) (RedFlagDefinition, bool) {
	for _, d := range t.RedFlags {
		if d.ID == id {
			return d, true
		}
	}
	return RedFlagDefinition{}, false
}

// OpenEvaluation opens an evaluation of a template; inCatalogue counts how
// many of the named custodians the catalogue has.
func OpenEvaluation(n NewEvaluation, t *Template, inCatalogue int, by int64, at time.Time) (EvaluationCreated, error) {
	if err := n.Validate(); err != nil {
		return EvaluationCreated{}, err
	}
	if t == nil {
		return EvaluationCreated{}, Invalid("template_id", "no such template")
	}
	if t.TotalWeight() != 100 {
		return EvaluationCreated{}, Invalid("template_id", "the template's weights do not sum to 100")
	}
	if inCatalogue != len(n.CustodianIDs) {
		return EvaluationCreated{}, Invalid("custodian_ids", "names a custodian that is not in the catalogue")
	}
	return EvaluationCreated{
		Header: Evaluation{TeamID: n.TeamID, Title: n.Title, TemplateID: n.TemplateID, Mandate: n.Mandate, OwnerID: by,
			DueDate: n.DueDate, Status: StatusDraft, Version: 1, CreatedAt: at, UpdatedAt: at},
		CustodianIDs: n.CustodianIDs,
	}, nil
}

// UpdateEvaluation edits a draft's title, mandate or due date.
func UpdateEvaluation(e Evaluation, ifVersion int, u EvaluationUpdate) (EvaluationUpdated, error) {
	if err := u.Validate(); err != nil {
		return EvaluationUpdated{}, err
	}
	if err := checkStatus(&e, StatusDraft, ifVersion); err != nil {
		return EvaluationUpdated{}, err
	}
	before := EvaluationHeaderChange{Title: e.Title, Mandate: e.Mandate, DueDate: e.DueDate}
	after := before
	if u.Title != nil {
		after.Title = *u.Title
	}
	if u.Mandate != nil {
		after.Mandate = *u.Mandate
	}
	if u.DueDate != nil {
		after.DueDate = u.DueDate
	} else if u.ClearDueDate {
		after.DueDate = nil
	}
	return EvaluationUpdated{EvaluationID: e.ID, Before: before, After: after, MandateChanged: u.Mandate != nil}, nil
}

// Candidacy is what the store knows about one custodian and a draft's
// candidates.
type Candidacy struct {
	CustodianID int64
	// Candidates counts the draft's candidates now.
	Candidates  int
	IsCandidate bool
	InCatalogue bool
}

// AddCandidate puts a catalogue custodian on a draft of at most MaxCandidates.
func AddCandidate(e Evaluation, ifVersion int, c Candidacy) (CandidateAdded, error) {
	if err := checkStatus(&e, StatusDraft, ifVersion); err != nil {
		return CandidateAdded{}, err
	}
	switch {
	case c.Candidates >= MaxCandidates:
		return CandidateAdded{}, Invalid("custodian_id", fmt.Sprintf("an evaluation has at most %d candidates", MaxCandidates))
	case !c.InCatalogue:
		return CandidateAdded{}, Invalid("custodian_id", "no such custodian in the catalogue")
	case c.IsCandidate:
		return CandidateAdded{}, Errorf(ECONFLICT, "custodian %d is already a candidate", c.CustodianID)
	}
	return CandidateAdded{EvaluationID: e.ID, CustodianID: c.CustodianID}, nil
}

// RemoveCandidate takes a candidate off a draft that keeps at least
// MinCandidates; removed summarises what goes with it.
func RemoveCandidate(e Evaluation, ifVersion int, c Candidacy, removed json.RawMessage) (CandidateRemoved, error) {
	if err := checkStatus(&e, StatusDraft, ifVersion); err != nil {
		return CandidateRemoved{}, err
	}
	if !c.IsCandidate {
		return CandidateRemoved{}, notCandidate(c.CustodianID)
	}
	if min := MinCandidatesOf(e); c.Candidates <= min {
		return CandidateRemoved{}, Errorf(ECONFLICT, "an evaluation keeps at least %d candidate(s)", min)
	}
	return CandidateRemoved{EvaluationID: e.ID, CustodianID: c.CustodianID, Removed: removed}, nil
}

// Part names the candidate a change is about and whether it is one.
type Part struct {
	CustodianID int64
	IsCandidate bool
}

func (p Part) check() error {
	if !p.IsCandidate {
		return notCandidate(p.CustodianID)
	}
	return nil
}

// RecordAnswer answers one checklist item. current is the stored answer
// (pending, version 0, when none is); ifVersion, when not nil, must be its
// version. Two officers answering different items both succeed, because
// the evaluation's own version is not checked.
func RecordAnswer(e Evaluation, t *Template, p Part, current Answer, ifVersion *int, in AnswerInput, by int64, at time.Time) (AnswerRecorded, error) {
	if err := in.Validate(); err != nil {
		return AnswerRecorded{}, err
	}
	if err := checkStatus(&e, StatusDraft, 0); err != nil {
		return AnswerRecorded{}, err
	}
	if err := p.check(); err != nil {
		return AnswerRecorded{}, err
	}
	if _, ok := t.Item(current.ItemID); !ok {
		return AnswerRecorded{}, Errorf(ENOTFOUND, "checklist item %d is not in this evaluation's template", current.ItemID)
	}
	if ifVersion != nil && *ifVersion != current.Version {
		return AnswerRecorded{}, Stale("the answer")
	}
	after := Answer{ItemID: current.ItemID, Status: in.Status, Note: in.Note, Version: current.Version + 1,
		UpdatedBy: &by, UpdatedAt: &at}
	return AnswerRecorded{EvaluationID: e.ID, CustodianID: p.CustodianID, Before: current, After: after}, nil
}

// AttachEvidence stores a file against an item's answer; its type is
// detected from the bytes.
func AttachEvidence(e Evaluation, t *Template, ifVersion int, p Part, itemID int64, label string, content []byte, by int64, at time.Time) (EvidenceAttached, error) {
	label, ctype, err := CheckEvidence(label, content)
	if err != nil {
		return EvidenceAttached{}, err
	}
	if err := checkStatus(&e, StatusDraft, ifVersion); err != nil {
		return EvidenceAttached{}, err
	}
	if err := p.check(); err != nil {
		return EvidenceAttached{}, err
	}
	if _, ok := t.Item(itemID); !ok {
		return EvidenceAttached{}, Errorf(ENOTFOUND, "checklist item %d is not in this evaluation's template", itemID)
	}
	sum := sha256.Sum256(content)
	return EvidenceAttached{EvaluationID: e.ID, Content: content, Evidence: Evidence{CustodianID: p.CustodianID, ItemID: itemID,
		Label: label, ContentType: ctype, Size: int64(len(content)), SHA256: sum[:], UploadedBy: by, UploadedAt: at}}, nil
}

// RecordScore scores one criterion of the template for a candidate;
// current is the stored score, nil when there is none.
func RecordScore(e Evaluation, t *Template, ifVersion int, p Part, criterion string, current *Score, in ScoreInput, by int64, at time.Time) (ScoreRecorded, error) {
	if err := in.Validate(); err != nil {
		return ScoreRecorded{}, err
	}
	if err := checkStatus(&e, StatusDraft, ifVersion); err != nil {
		return ScoreRecorded{}, err
	}
	if err := p.check(); err != nil {
		return ScoreRecorded{}, err
	}
	if !t.hasCriterion(criterion) {
		return ScoreRecorded{}, Errorf(ENOTFOUND, "criterion %q is not in this evaluation's template", criterion)
	}
	return ScoreRecorded{EvaluationID: e.ID, CustodianID: p.CustodianID, Before: current,
		After: Score{Criterion: criterion, Score: in.Score, Rationale: in.Rationale, UpdatedBy: by, UpdatedAt: at}}, nil
}

// RaiseRedFlag raises a flag from the template's catalogue, whose title,
// description and severity are the defaults, or a custom one.
func RaiseRedFlag(e Evaluation, t *Template, ifVersion int, p Part, in NewRedFlag, by int64, at time.Time) (RedFlagRaised, error) {
	if err := in.Validate(); err != nil {
		return RedFlagRaised{}, err
	}
	if err := checkStatus(&e, StatusDraft, ifVersion); err != nil {
		return RedFlagRaised{}, err
	}
	if err := p.check(); err != nil {
		return RedFlagRaised{}, err
	}
	if in.DefinitionID != nil {
		def, ok := t.redFlag(*in.DefinitionID)
		if !ok {
			return RedFlagRaised{}, Invalid("definition_id", "is not in this evaluation's red-flag catalogue")
		}
		if in.Title == "" {
			in.Title = def.Title
		}
		if in.Description == "" {
			in.Description = def.Description
		}
		if in.Severity == "" {
			in.Severity = def.DefaultSeverity
		}
	}
	return RedFlagRaised{EvaluationID: e.ID, Flag: RedFlag{CustodianID: p.CustodianID, DefinitionID: in.DefinitionID,
		Title: in.Title, Description: in.Description, Severity: in.Severity, Status: FlagOpen, RaisedBy: &by,
		CreatedAt: at, UpdatedAt: at}}, nil
}

// MoveRedFlag changes a flag's status; flag is nil when the evaluation has
// no such flag.
func MoveRedFlag(e Evaluation, ifVersion int, flag *RedFlag, m RedFlagMove, at time.Time) (RedFlagMoved, error) {
	if err := m.Validate(); err != nil {
		return RedFlagMoved{}, err
	}
	if err := checkStatus(&e, StatusDraft, ifVersion); err != nil {
		return RedFlagMoved{}, err
	}
	if flag == nil {
		return RedFlagMoved{}, Errorf(ENOTFOUND, "red flag not found")
	}
	if flag.Status == FlagWithdrawn {
		// A flag raised by mistake is not a concern to resolve: raise a new
		// one if there is a real concern after all.
		return RedFlagMoved{}, Errorf(ECONFLICT, "the red flag was withdrawn as raised by mistake; raise a new flag instead")
	}
	after := *flag
	after.Status, after.Resolution, after.UpdatedAt = m.Status, m.Resolution, at
	return RedFlagMoved{EvaluationID: e.ID, Before: *flag, After: after}, nil
}

// SetShortlist replaces the shortlist of a draft whose candidates are given.
func SetShortlist(e Evaluation, ifVersion int, candidates []int64, current, entries []ShortlistEntry) (ShortlistSet, error) {
	if err := checkStatus(&e, StatusDraft, ifVersion); err != nil {
		return ShortlistSet{}, err
	}
	isCandidate := map[int64]bool{}
	for _, c := range candidates {
		isCandidate[c] = true
	}
	if err := ValidateShortlist(entries, isCandidate); err != nil {
		return ShortlistSet{}, err
	}
	return ShortlistSet{EvaluationID: e.ID, Before: current, After: entries}, nil
}

// Submit freezes a complete draft for approval as its next round: it is
// refused, with every reason listed, while anything blocks it. The round
// needs the approvals the team requires now, whatever the team says later.
func Submit(ws *Workspace, ifVersion int, approvalsRequired int, by int64, at time.Time) (EvaluationSubmitted, error) {
	if err := checkStatus(&ws.Evaluation, StatusDraft, ifVersion); err != nil {
		return EvaluationSubmitted{}, err
	}
	if blockers := SubmitBlockers(ws); len(blockers) > 0 {
		return EvaluationSubmitted{}, &Error{Code: ECONFLICT, Blockers: blockers,
			Message: fmt.Sprintf("the shortlist cannot be submitted yet: %d thing(s) to finish", len(blockers))}
	}
	if approvalsRequired < 1 {
		return EvaluationSubmitted{}, Internal(fmt.Errorf("the team requires %d approvals", approvalsRequired))
	}
	next := *ws
	next.Evaluation.Round++
	_, hash := Snapshot(&next)
	return EvaluationSubmitted{EvaluationID: ws.Evaluation.ID, Round: next.Evaluation.Round, SubmittedBy: by, SubmittedAt: at,
		SnapshotHash: hash, Shortlist: ws.Shortlist, ApprovalsRequired: approvalsRequired}, nil
}

// SubmittedRound is a submitted evaluation with the number of approvals its
// round needs (fixed at submission) and the round's decisions so far.
type SubmittedRound struct {
	Evaluation        Evaluation
	ApprovalsRequired int
	Decisions         []Approval
}

// Decide records a manager's decision on a submitted round. The submitter
// never decides, one person counts once per round, and the last approval
// the round needs approves and locks the evaluation. A return needs a
// comment and sends the evaluation back to draft, which voids the round.
func Decide(r SubmittedRound, ifVersion int, manager int64, d Decision, comment string, at time.Time) (DecisionRecorded, error) {
	comment = strings.TrimSpace(comment)
	switch {
	case d != DecisionApprove && d != DecisionReturn:
		return DecisionRecorded{}, Invalid("decision", "must be approve or return")
	case d == DecisionReturn && comment == "":
		return DecisionRecorded{}, Invalid("comment", "say what must change before the shortlist comes back")
	case utf8.RuneCountInString(comment) > 4000:
		return DecisionRecorded{}, Invalid("comment", "is too long (4000 characters at most)")
	}
	e := r.Evaluation
	if err := checkStatus(&e, StatusSubmitted, ifVersion); err != nil {
		return DecisionRecorded{}, err
	}
	if e.SubmittedBy != nil && *e.SubmittedBy == manager {
		return DecisionRecorded{}, Errorf(EFORBIDDEN, "you submitted this shortlist, so someone else must decide on it")
	}
	approvals := 0
	for _, a := range r.Decisions {
		if a.Round != e.Round {
			continue
		}
		if a.ManagerID == manager {
			return DecisionRecorded{}, Errorf(ECONFLICT, "you have already decided on this submission; one person counts once")
		}
		if a.Decision == DecisionApprove {
			approvals++
		}
	}
	out := DecisionRecorded{EvaluationID: e.ID, Round: e.Round, ManagerID: manager, Decision: d, Comment: comment,
		SnapshotHash: e.SnapshotHash, ApprovalsRequired: r.ApprovalsRequired, Status: StatusSubmitted, At: at}
	switch d {
	case DecisionReturn:
		out.Status = StatusDraft
	case DecisionApprove:
		out.Approvals = approvals + 1
		if out.Approvals >= r.ApprovalsRequired {
			out.Status = StatusApproved
		}
	}
	return out, nil
}

// MemoIssuable: only an approved evaluation has a memo.
func MemoIssuable(e Evaluation) error {
	if e.Status != StatusApproved {
		return Errorf(ECONFLICT, "the evaluation is %s: only an approved evaluation has a memo", e.Status)
	}
	return nil
}

// IssueMemo registers the memo of an approved evaluation; the memo must be
// of the snapshot the managers approved.
func IssueMemo(e Evaluation, m Memo) (MemoIssued, error) {
	if err := MemoIssuable(e); err != nil {
		return MemoIssued{}, err
	}
	if m.EvaluationID != e.ID || string(m.SnapshotHash) != string(e.SnapshotHash) {
		return MemoIssued{}, Errorf(ECONFLICT, "the memo is not of the approved snapshot")
	}
	return MemoIssued{Memo: m}, nil
}

// AutoClosed is the resolution of a mandate flag that mandate fit closed by
// itself, so that it can reopen that flag when it applies again.
const AutoClosed = "No longer applies: the mandate or the candidates changed."

// ReconcileMandateFit brings a draft's automatic red flags in line with its
// mandate and candidates (MandateFit): it raises the flags that apply and
// are missing, reopens those it closed by itself that apply again, and
// closes the open ones that no longer apply. Flags an officer resolved by
// hand are left as they are. existing are the evaluation's mandate flags,
// whatever their status.
func ReconcileMandateFit(evaluationID int64, m Mandate, candidates []CandidateSummary, t *Template, existing []RedFlag, at time.Time) []Event {
	type key struct {
		custodian    int64
		rule, reason string
	}
	have := map[key]RedFlag{}
	for _, f := range existing {
		if f.MandateRule != nil {
			have[key{f.CustodianID, *f.MandateRule, f.Reason}] = f
		}
	}
	var events []Event
	want := map[key]bool{}
	for _, c := range candidates {
		for _, mf := range MandateFit(m, c) {
			k := key{c.ID, mf.Rule, mf.Reason}
			want[k] = true
			if f, ok := have[k]; ok {
				if f.Status == FlagClosed && f.Resolution == AutoClosed {
					after := f
					after.Status, after.Resolution, after.UpdatedAt = FlagOpen, "", at
					events = append(events, RedFlagMoved{EvaluationID: evaluationID, Before: f, After: after})
				}
				continue
			}
			f := RedFlag{CustodianID: c.ID, Title: "Mandate fit: " + mf.Rule, Severity: mf.Severity, Status: FlagOpen,
				MandateRule: &mf.Rule, Reason: mf.Reason, CreatedAt: at, UpdatedAt: at}
			for _, d := range t.RedFlags {
				if d.MandateRule != nil && *d.MandateRule == mf.Rule {
					f.DefinitionID, f.Title, f.Description = &d.ID, d.Title, d.Description
				}
			}
			events = append(events, RedFlagRaised{EvaluationID: evaluationID, Flag: f})
		}
	}
	for _, f := range existing {
		if f.MandateRule == nil || f.Status != FlagOpen || want[key{f.CustodianID, *f.MandateRule, f.Reason}] {
			continue
		}
		after := f
		after.Status, after.Resolution, after.UpdatedAt = FlagClosed, AutoClosed, at
		events = append(events, RedFlagMoved{EvaluationID: evaluationID, Before: f, After: after})
	}
	return events
}

// WithdrawSubmission takes a submitted round back to draft at its
// submitter's request, before any manager has decided on it. Only the
// submitter may: a manager who wants changes returns the round with a
// comment instead, and another officer must not pull a colleague's
// submission from under the managers. Once a decision is recorded the
// round belongs to the managers, so a withdrawal is refused.
func WithdrawSubmission(r SubmittedRound, ifVersion int, by int64, at time.Time) (SubmissionWithdrawn, error) {
	e := r.Evaluation
	if err := checkStatus(&e, StatusSubmitted, ifVersion); err != nil {
		return SubmissionWithdrawn{}, err
	}
	if e.SubmittedBy == nil || *e.SubmittedBy != by {
		return SubmissionWithdrawn{}, Errorf(EFORBIDDEN, "only the officer who submitted this shortlist can withdraw it")
	}
	for _, d := range r.Decisions {
		if d.Round == e.Round {
			return SubmissionWithdrawn{}, Errorf(ECONFLICT,
				"a manager has already decided on this submission, so it can no longer be withdrawn; ask a manager to return it")
		}
	}
	return SubmissionWithdrawn{EvaluationID: e.ID, Round: e.Round, SnapshotHash: e.SnapshotHash, By: by, At: at}, nil
}

// WithdrawRedFlag marks a flag raised by mistake as withdrawn, with the
// reason, which is distinct from closing a real concern. Flags mandate fit
// raised by itself follow the mandate and the candidates, so they cannot be
// withdrawn by hand; a withdrawn flag stays withdrawn.
func WithdrawRedFlag(e Evaluation, ifVersion int, flag *RedFlag, reason string, at time.Time) (RedFlagWithdrawn, error) {
	reason = strings.TrimSpace(reason)
	switch {
	case reason == "":
		return RedFlagWithdrawn{}, Invalid("reason", "say why the flag was raised by mistake")
	case utf8.RuneCountInString(reason) > 4000:
		return RedFlagWithdrawn{}, Invalid("reason", "is too long (4000 characters at most)")
	}
	if err := checkStatus(&e, StatusDraft, ifVersion); err != nil {
		return RedFlagWithdrawn{}, err
	}
	switch {
	case flag == nil:
		return RedFlagWithdrawn{}, Errorf(ENOTFOUND, "red flag not found")
	case flag.MandateRule != nil:
		return RedFlagWithdrawn{}, Errorf(ECONFLICT,
			"mandate fit raised this flag from the mandate and the candidates, so it cannot be withdrawn by hand: change the mandate or the candidates, or resolve the flag")
	case flag.Status == FlagWithdrawn:
		return RedFlagWithdrawn{}, Errorf(ECONFLICT, "the red flag is already withdrawn")
	}
	after := *flag
	after.Status, after.Resolution, after.UpdatedAt = FlagWithdrawn, reason, at
	return RedFlagWithdrawn{EvaluationID: e.ID, Before: *flag, After: after}, nil
}

// RemoveEvidence takes a file off a draft's answer. ev is nil when the
// evaluation has no such file of its own (files a re-diligence links from
// the approved evaluation it follows belong to that one and stay).
func RemoveEvidence(e Evaluation, ifVersion int, ev *Evidence, by int64, at time.Time) (EvidenceRemoved, error) {
	if err := checkStatus(&e, StatusDraft, ifVersion); err != nil {
		return EvidenceRemoved{}, err
	}
	if ev == nil {
		return EvidenceRemoved{}, Errorf(ENOTFOUND, "evidence not found in this evaluation (files a re-diligence links from the evaluation it follows stay with that one)")
	}
	return EvidenceRemoved{EvaluationID: e.ID, Evidence: *ev, RemovedBy: by, RemovedAt: at}, nil
}

// SkippedItem is a checklist item a bulk change left alone, and why.
type SkippedItem struct {
	ItemID int64  `json:"item_id"`
	Key    string `json:"key"`
	Reason string `json:"reason"`
}

// SectionMarked is what marking a section met decided: one answer event per
// item it marks (so each answer's history reads the same whether it was
// ticked alone or with its section) and the items it skipped.
type SectionMarked struct {
	Answers []AnswerRecorded
	Skipped []SkippedItem
}

// MarkSectionMet marks every pending item of one checklist section met for
// one candidate. Items that need evidence are skipped, since "met" there
// rests on a file someone must attach and look at; items already answered
// keep their answer. current holds the candidate's stored answers by item.
func MarkSectionMet(e Evaluation, t *Template, ifVersion int, p Part, sectionKey string, current map[int64]Answer, by int64, at time.Time) (SectionMarked, error) {
	if err := checkStatus(&e, StatusDraft, ifVersion); err != nil {
		return SectionMarked{}, err
	}
	if err := p.check(); err != nil {
		return SectionMarked{}, err
	}
	var section *ChecklistSection
	for i := range t.Sections {
		if t.Sections[i].Key == sectionKey {
			section = &t.Sections[i]
		}
	}
	if section == nil {
		return SectionMarked{}, Errorf(ENOTFOUND, "checklist section %q is not in this evaluation's template", sectionKey)
	}
	out := SectionMarked{Answers: []AnswerRecorded{}, Skipped: []SkippedItem{}}
	for _, it := range section.Items {
		before, ok := current[it.ID]
		if !ok {
			before = Answer{ItemID: it.ID, Status: AnswerPending}
		}
		if before.Status != AnswerPending {
			continue
		}
		if it.EvidenceRequired {
			out.Skipped = append(out.Skipped, SkippedItem{ItemID: it.ID, Key: it.Key,
				Reason: "needs evidence: attach the file and answer it on its own"})
			continue
		}
		after := Answer{ItemID: it.ID, Status: AnswerMet, Note: before.Note, Version: before.Version + 1,
			UpdatedBy: &by, UpdatedAt: &at}
		out.Answers = append(out.Answers, AnswerRecorded{EvaluationID: e.ID, CustodianID: p.CustodianID, Before: before, After: after})
	}
	return out, nil
}
