package custos

import (
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
)

func TestAddMonths_KeepsToTheLastDayOfAShorterMonth(t *testing.T) {
	for _, tc := range []struct {
		from   string
		months int
		want   string
	}{
		{"2026-11-26", 12, "2027-11-26"},
		{"2027-01-31", 1, "2027-02-28"},
		{"2028-01-31", 1, "2028-02-29"},
		{"2026-08-31", 6, "2027-02-28"},
		{"2026-12-15", 1, "2027-01-15"},
		{"2026-03-31", 60, "2031-03-31"},
	} {
		d, _ := time.Parse(dateLayout, tc.from)
		if got := AddMonths(d, tc.months).Format(dateLayout); got != tc.want {
			t.Errorf("%s + %d months = %s, want %s", tc.from, tc.months, got, tc.want)
		}
	}
}

func TestAppoint(t *testing.T) {
	now := time.Date(2026, 11, 26, 9, 0, 0, 0, time.UTC)
	approved := Evaluation{ID: 7, TeamID: 3, Status: StatusApproved}
	shortlist := []ShortlistEntry{{CustodianID: 1, Rank: 1}, {CustodianID: 2, Rank: 2}}
	ok := Appointment{Evaluation: approved, Shortlist: shortlist, OwnerInTeam: true}
	base := NewRelationship{TeamID: 3, EvaluationID: 7, CustodianID: 2}
	for _, tc := range []struct {
		name      string
		n         NewRelationship
		a         Appointment
		code      string
		field     string
		appointed string
		due       string
		months    int
	}{
		{name: "defaults: today, 12 months, the caller owns it", n: base, a: ok, appointed: "2026-11-26", due: "2027-11-26", months: 12},
		{name: "an earlier date and a 6-month cadence", n: func() NewRelationship { n := base; n.AppointedOn, n.ReviewMonths = "2026-08-31", 6; return n }(), a: ok,
			appointed: "2026-08-31", due: "2027-02-28", months: 6},
		{name: "not on the shortlist", n: func() NewRelationship { n := base; n.CustodianID = 9; return n }(), a: ok, code: EINVALID, field: "custodian_id"},
		{name: "a draft", a: func() Appointment { a := ok; a.Evaluation.Status = StatusDraft; return a }(), n: base, code: ECONFLICT},
		{name: "submitted, not yet approved", a: func() Appointment { a := ok; a.Evaluation.Status = StatusSubmitted; return a }(), n: base, code: ECONFLICT},
		{name: "another team's evaluation", a: func() Appointment { a := ok; a.Evaluation.TeamID = 4; return a }(), n: base, code: EINVALID, field: "evaluation_id"},
		{name: "already appointed", a: func() Appointment { a := ok; a.AlreadyAppointed = true; return a }(), n: base, code: ECONFLICT},
		{name: "an owner outside the team", a: func() Appointment { a := ok; a.OwnerInTeam = false; return a }(), n: base, code: EINVALID, field: "owner_id"},
		{name: "appointed in the future", n: func() NewRelationship { n := base; n.AppointedOn = "2026-11-27"; return n }(), a: ok, code: EINVALID, field: "appointed_on"},
		{name: "not a date", n: func() NewRelationship { n := base; n.AppointedOn = "26/11/2026"; return n }(), a: ok, code: EINVALID, field: "appointed_on"},
		{name: "a cadence of 61 months", n: func() NewRelationship { n := base; n.ReviewMonths = 61; return n }(), a: ok, code: EINVALID, field: "review_months"},
		{name: "a negative cadence", n: func() NewRelationship { n := base; n.ReviewMonths = -1; return n }(), a: ok, code: EINVALID, field: "review_months"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			ev, err := Appoint(tc.n, tc.a, 11, now)
			if tc.code != "" {
				checkError(t, err, tc.code, tc.field)
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			want := Relationship{TeamID: 3, CustodianID: 2, EvaluationID: 7, OwnerID: 11, AppointedOn: tc.appointed,
				LastReviewed: tc.appointed, ReviewMonths: tc.months, NextReviewDue: tc.due, Status: ActiveRelationship,
				Version: 1, CreatedAt: now, UpdatedAt: now}
			if d := cmp.Diff(want, ev.Relationship); d != "" {
				t.Errorf("relationship (-want +got):\n%s", d)
			}
		})
	}
}

// checkError checks a domain error's code and, for invalid input, that it
// names the field.
func checkError(t *testing.T, err error, code, field string) {
	t.Helper()
	if ErrorCode(err) != code {
		t.Fatalf("error %v, want code %s", err, code)
	}
	if field == "" {
		return
	}
	for _, f := range err.(*Error).Fields {
		if f.Field == field {
			return
		}
	}
	t.Errorf("error %v does not name %s", err, field)
}

func TestUpdateAndEndRelationship(t *testing.T) {
	now := time.Date(2027, 3, 1, 9, 0, 0, 0, time.UTC)
	r := Relationship{ID: 5, TeamID: 3, CustodianID: 2, EvaluationID: 7, OwnerID: 11, AppointedOn: "2026-11-26",
		LastReviewed: "2026-11-26", ReviewMonths: 12, NextReviewDue: "2027-11-26", Status: ActiveRelationship, Version: 2}
	six, date, early, owner := 6, "2027-06-30", "2026-10-01", int64(12)
	ended := r
	ended.Status = EndedRelationship

	for _, tc := range []struct {
		name      string
		r         Relationship
		ifVersion int
		u         RelationshipUpdate
		ownerOK   bool
		code      string
		field     string
		due       string
		months    int
	}{
		{name: "a new cadence moves the due date from the last review", r: r, u: RelationshipUpdate{ReviewMonths: &six}, ownerOK: true, due: "2027-05-26", months: 6},
		{name: "a date by hand", r: r, u: RelationshipUpdate{NextReviewDue: &date}, ownerOK: true, due: date, months: 12},
		{name: "both: the date by hand wins", r: r, u: RelationshipUpdate{ReviewMonths: &six, NextReviewDue: &date}, ownerOK: true, due: date, months: 6},
		{name: "the current version", r: r, ifVersion: 2, u: RelationshipUpdate{OwnerID: &owner}, ownerOK: true, due: "2027-11-26", months: 12},
		{name: "a stale version", r: r, ifVersion: 1, u: RelationshipUpdate{ReviewMonths: &six}, ownerOK: true, code: EPRECONDITION},
		{name: "an owner outside the team", r: r, u: RelationshipUpdate{OwnerID: &owner}, code: EINVALID, field: "owner_id"},
		{name: "due before the last review", r: r, u: RelationshipUpdate{NextReviewDue: &early}, ownerOK: true, code: EINVALID, field: "next_review_due"},
		{name: "ended", r: ended, u: RelationshipUpdate{ReviewMonths: &six}, ownerOK: true, code: ECONFLICT},
	} {
		t.Run("update: "+tc.name, func(t *testing.T) {
			ev, err := UpdateRelationship(tc.r, tc.ifVersion, tc.u, tc.ownerOK, now)
			if tc.code != "" {
				checkError(t, err, tc.code, tc.field)
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if ev.After.NextReviewDue != tc.due || ev.After.ReviewMonths != tc.months || ev.After.Version != 3 || !cmp.Equal(ev.Before, tc.r) {
				t.Errorf("after %+v, want due %s every %d months at version 3", ev.After, tc.due, tc.months)
			}
		})
	}

	for _, tc := range []struct {
		name, on, reason string
		r                Relationship
		code, field      string
		want             string
	}{
		{name: "today by default", reason: "Moved to another custodian.", r: r, want: "2027-03-01"},
		{name: "on a past date", on: "2027-02-01", reason: "Moved.", r: r, want: "2027-02-01"},
		{name: "without a reason", reason: "  ", r: r, code: EINVALID, field: "reason"},
		{name: "in the future", on: "2027-03-02", reason: "Moved.", r: r, code: EINVALID, field: "ended_on"},
		{name: "before the appointment", on: "2026-11-25", reason: "Moved.", r: r, code: EINVALID, field: "ended_on"},
		{name: "twice", reason: "Moved.", r: ended, code: ECONFLICT},
	} {
		t.Run("end: "+tc.name, func(t *testing.T) {
			ev, err := EndRelationship(tc.r, 0, tc.on, tc.reason, now)
			if tc.code != "" {
				checkError(t, err, tc.code, tc.field)
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if ev.After.Status != EndedRelationship || ev.After.EndedOn == nil || *ev.After.EndedOn != tc.want {
				t.Errorf("after %+v, want ended on %s", ev.After, tc.want)
			}
		})
	}
}
