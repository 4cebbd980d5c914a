package custos

import (
	"context"
	"strings"
	"time"
	"unicode/utf8"
)

// A custody relationship is a custodian a team appointed from the shortlist
// of an approved evaluation. It carries the duty to look at the custodian
// again: a review falls due ReviewMonths after the last approved evaluation
// of it (the SEC staff's 2025 letter makes that inquiry annual, hence the
// default of 12).

// DefaultReviewMonths is the review cadence when the team names none.
const DefaultReviewMonths = 12

// RelationshipStatus is where a relationship stands.
type RelationshipStatus string

const (
	ActiveRelationship RelationshipStatus = "active"
	EndedRelationship  RelationshipStatus = "ended"
)

// Relationship is one custody relationship. Dates are YYYY-MM-DD.
type Relationship struct {
	ID            int64              `json:"id" db:"id"`
	TeamID        int64              `json:"team_id" db:"team_id"`
	CustodianID   int64              `json:"custodian_id" db:"custodian_id"`
	CustodianName string             `json:"custodian_name" db:"custodian_name"`
	EvaluationID  int64              `json:"evaluation_id" db:"evaluation_id"`
	OwnerID       int64              `json:"owner_id" db:"owner_id"`
	OwnerName     string             `json:"owner_name" db:"owner_name"`
	AppointedOn   string             `json:"appointed_on" db:"appointed_on"`
	LastReviewed  string             `json:"last_reviewed_on" db:"last_reviewed_on"`
	ReviewMonths  int                `json:"review_months" db:"review_months"`
	NextReviewDue string             `json:"next_review_due" db:"next_review_due"`
	Status        RelationshipStatus `json:"status" db:"status"`
	EndedOn       *string            `json:"ended_on" db:"ended_on"`
	EndReason     string             `json:"end_reason" db:"end_reason"`
	Version       int                `json:"version" db:"version"`
	CreatedAt     time.Time          `json:"created_at" db:"created_at"`
	UpdatedAt     time.Time          `json:"updated_at" db:"updated_at"`
	// DiligenceStatus is "stale" while one of the team's assurance documents
	// on the custodian has lapsed (Diligence), with the reasons; derived
	// when read.
	DiligenceStatus  DiligenceStatus `json:"diligence_status" db:"-"`
	DiligenceReasons []string        `json:"diligence_reasons" db:"-"`
}

// NewRelationship is what a team records when it appoints a custodian.
// OwnerID 0 makes the appointing user the owner; ReviewMonths 0 is the
// default; AppointedOn empty is today.
type NewRelationship struct {
	TeamID       int64
	EvaluationID int64
	CustodianID  int64
	OwnerID      int64
	AppointedOn  string
	ReviewMonths int
}

// RelationshipUpdate changes an active relationship; nil fields stay. A
// new cadence moves the next review due from the last review unless
// NextReviewDue sets it by hand.
type RelationshipUpdate struct {
	OwnerID       *int64
	ReviewMonths  *int
	NextReviewDue *string
}

// RelationshipFilter selects a team's relationships, newest first.
type RelationshipFilter struct {
	TeamID int64
	Status RelationshipStatus
	Before int64
	Limit  int
}

// RelationshipPage is a page of relationships.
type RelationshipPage = Page[Relationship]

// RelationshipService records and reads custody relationships. Every
// method is scoped to the team: another team's relationship is not found.
type RelationshipService interface {
	ListRelationships(ctx context.Context, f RelationshipFilter) (*RelationshipPage, error)
	Relationship(ctx context.Context, teamID, id int64) (*Relationship, error)
	Appoint(ctx context.Context, n NewRelationship) (*Relationship, error)
	UpdateRelationship(ctx context.Context, teamID, id int64, ifVersion int, u RelationshipUpdate) (*Relationship, error)
	EndRelationship(ctx context.Context, teamID, id int64, ifVersion int, endedOn, reason string) (*Relationship, error)
	// StartRediligence opens the re-diligence of a relationship and answers
	// the new evaluation's ID.
	StartRediligence(ctx context.Context, teamID, id int64) (int64, error)
}

// AddMonths adds whole months to a date, keeping to the last day of a
// shorter month (31 January + 1 month is 28 or 29 February, not 3 March).
func AddMonths(d time.Time, months int) time.Time {
	y, m, day := d.Date()
	first := time.Date(y, m+time.Month(months), 1, 0, 0, 0, 0, time.UTC)
	last := first.AddDate(0, 1, -1).Day()
	if day > last {
		day = last
	}
	return time.Date(first.Year(), first.Month(), day, 0, 0, 0, 0, time.UTC)
}

const dateLayout = "2006-01-02"

func parseDate(p *Problems, field, s string) (time.Time, bool) {
	d, err := time.Parse(dateLayout, s)
	if err != nil || !datePattern.MatchString(s) {
		p.Add(field, "must be a date (YYYY-MM-DD)")
		return time.Time{}, false
	}
	return d, true
}

func validCadence(p *Problems, months int) {
	if months < 1 || months > 60 {
		p.Add("review_months", "must be between 1 and 60 months")
	}
}

// Appointment is what the store knows when a custodian is appointed: the
// approved evaluation, its shortlist, whether the owner may own it (an
// officer or manager of the team) and whether the team already has an
// active relationship with the custodian.
type Appointment struct {
	Evaluation       Evaluation
	Shortlist        []ShortlistEntry
	OwnerInTeam      bool
	AlreadyAppointed bool
	CustodianName    string
}

// RelationshipAppointed: a team appointed a custodian. The store assigns
// Relationship.ID when it saves it.
type RelationshipAppointed struct{ Relationship Relationship }

// RelationshipUpdated: an active relationship's owner, cadence or next
// review due changed.
type RelationshipUpdated struct{ Before, After Relationship }

// RelationshipEnded: the team no longer uses the custodian.
type RelationshipEnded struct{ Before, After Relationship }

func (e RelationshipAppointed) Evaluation() int64 { return e.Relationship.EvaluationID }
func (e RelationshipUpdated) Evaluation() int64   { return e.After.EvaluationID }
func (e RelationshipEnded) Evaluation() int64     { return e.After.EvaluationID }

func (RelationshipAppointed) event() {}
func (RelationshipUpdated) event()   {}
func (RelationshipEnded) event()     {}

// Appoint records a custodian the team appoints from an approved
// evaluation's shortlist.
func Appoint(n NewRelationship, a Appointment, by int64, at time.Time) (RelationshipAppointed, error) {
	var p Problems
	if n.OwnerID == 0 {
		n.OwnerID = by
	}
	if n.ReviewMonths == 0 {
		n.ReviewMonths = DefaultReviewMonths
	}
	validCadence(&p, n.ReviewMonths)
	if n.AppointedOn == "" {
		n.AppointedOn = at.UTC().Format(dateLayout)
	}
	appointed, ok := parseDate(&p, "appointed_on", n.AppointedOn)
	if ok && appointed.After(at.UTC()) {
		p.Add("appointed_on", "cannot be in the future")
	}
	if n.CustodianID <= 0 {
		p.Add("custodian_id", "is required")
	}
	if n.OwnerID < 0 || !a.OwnerInTeam {
		p.Add("owner_id", "must be an officer or manager of the team")
	}
	if err := p.Err(); err != nil {
		return RelationshipAppointed{}, err
	}
	e := a.Evaluation
	if e.TeamID != n.TeamID {
		return RelationshipAppointed{}, Invalid("evaluation_id", "is not an evaluation of this team")
	}
	if e.Status != StatusApproved {
		return RelationshipAppointed{}, Errorf(ECONFLICT, "the evaluation is %s: a custodian is appointed from an approved shortlist", e.Status)
	}
	shortlisted := false
	for _, s := range a.Shortlist {
		shortlisted = shortlisted || s.CustodianID == n.CustodianID
	}
	if !shortlisted {
		return RelationshipAppointed{}, Invalid("custodian_id", "is not on the approved shortlist")
	}
	if a.AlreadyAppointed {
		return RelationshipAppointed{}, Errorf(ECONFLICT, "the team already has an active relationship with this custodian")
	}
	r := Relationship{TeamID: n.TeamID, CustodianID: n.CustodianID, EvaluationID: e.ID,
		OwnerID: n.OwnerID, AppointedOn: n.AppointedOn, LastReviewed: n.AppointedOn, ReviewMonths: n.ReviewMonths,
		NextReviewDue: AddMonths(appointed, n.ReviewMonths).Format(dateLayout), Status: ActiveRelationship,
		Version: 1, CreatedAt: at, UpdatedAt: at}
	return RelationshipAppointed{Relationship: r}, nil
}

func checkActive(r Relationship, ifVersion int) error {
	if r.Status != ActiveRelationship {
		return Errorf(ECONFLICT, "the relationship has ended: it cannot change any more")
	}
	if ifVersion != 0 && ifVersion != r.Version {
		return Stale("the relationship")
	}
	return nil
}

// UpdateRelationship changes an active relationship's owner, cadence or
// next review due; ownerInTeam says whether a new owner may own it.
func UpdateRelationship(r Relationship, ifVersion int, u RelationshipUpdate, ownerInTeam bool, at time.Time) (RelationshipUpdated, error) {
	var p Problems
	after := r
	if u.OwnerID != nil {
		if !ownerInTeam {
			p.Add("owner_id", "must be an officer or manager of the team")
		}
		after.OwnerID = *u.OwnerID
	}
	if u.ReviewMonths != nil {
		validCadence(&p, *u.ReviewMonths)
		after.ReviewMonths = *u.ReviewMonths
	}
	if u.NextReviewDue != nil {
		if d, ok := parseDate(&p, "next_review_due", *u.NextReviewDue); ok {
			after.NextReviewDue = d.Format(dateLayout)
		}
	} else if u.ReviewMonths != nil {
		if last, err := time.Parse(dateLayout, r.LastReviewed); err == nil {
			after.NextReviewDue = AddMonths(last, after.ReviewMonths).Format(dateLayout)
		}
	}
	if err := p.Err(); err != nil {
		return RelationshipUpdated{}, err
	}
	if err := checkActive(r, ifVersion); err != nil {
		return RelationshipUpdated{}, err
	}
	if after.NextReviewDue < r.LastReviewed {
		return RelationshipUpdated{}, Invalid("next_review_due", "cannot be before the last review ("+r.LastReviewed+")")
	}
	after.Version, after.UpdatedAt = r.Version+1, at
	return RelationshipUpdated{Before: r, After: after}, nil
}

// EndRelationship ends an active relationship on a date, with the reason.
func EndRelationship(r Relationship, ifVersion int, endedOn, reason string, at time.Time) (RelationshipEnded, error) {
	var p Problems
	reason = strings.TrimSpace(reason)
	if endedOn == "" {
		endedOn = at.UTC().Format(dateLayout)
	}
	if d, ok := parseDate(&p, "ended_on", endedOn); ok {
		if d.After(at.UTC()) {
			p.Add("ended_on", "cannot be in the future")
		} else if endedOn < r.AppointedOn {
			p.Add("ended_on", "cannot be before the appointment ("+r.AppointedOn+")")
		}
	}
	switch {
	case reason == "":
		p.Add("reason", "say why the relationship ends")
	case utf8.RuneCountInString(reason) > 2000:
		p.Add("reason", "is too long (2000 characters at most)")
	}
	if err := p.Err(); err != nil {
		return RelationshipEnded{}, err
	}
	if err := checkActive(r, ifVersion); err != nil {
		return RelationshipEnded{}, err
	}
	after := r
	after.Status, after.EndedOn, after.EndReason, after.Version, after.UpdatedAt = EndedRelationship, &endedOn, reason, r.Version+1, at
	return RelationshipEnded{Before: r, After: after}, nil
}
