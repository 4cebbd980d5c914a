package demo

import (
	"context"
	"time"

	"github.com/custos-dd/custos/internal/custos"
)

// AssuranceCustodian is the custodian the demo's assurance documents are
// about: Anchorage Digital Bank, first in the ranking of the submitted Fund
// III evaluation and so the custodian Demo Treasury appoints.
const AssuranceCustodian = "anchorage-digital-bank"

// AppointedCustodian is the custodian of the demo's custody relationship
// (relationships.go); it holds a stale SOC 2 report too, so the relationship
// shows "diligence stale" at once.
const AppointedCustodian = "bitgo-custody"

// SeedAssurance gives Demo Treasury, unless it has some already, assurance
// documents dated from now so that `make run` shows them at once: on
// AssuranceCustodian a SOC 2 Type II report whose period ended 15 months
// ago (stale, with a control the team has not confirmed) and an ISO 27001
// certificate that expires in 40 days (expiring); on AppointedCustodian the
// same stale kind of report.
func SeedAssurance(ctx context.Context, users Store, teams TeamStore, cat Catalogue, docs custos.AssuranceService, now time.Time) error {
	team, err := teams.FindTeamByName(ctx, TreasuryTeam)
	if err != nil {
		return err
	}
	page, err := cat.ListCustodians(ctx, custos.CustodianFilter{Limit: 100})
	if err != nil {
		return err
	}
	officer, err := users.FindUserByEmail(ctx, "officer@example.com")
	if err != nil {
		return err
	}
	as := custos.WithActor(ctx, custos.Actor{UserID: officer.ID, Email: officer.Email})
	for _, slug := range []string{AssuranceCustodian, AppointedCustodian} {
		var custodianID int64
		for _, c := range page.Items {
			if c.Slug == slug {
				custodianID = c.ID
			}
		}
		if custodianID == 0 {
			return custos.Errorf(custos.ENOTFOUND, "demo: custodian %q is not in the catalogue", slug)
		}
		have, err := docs.ListDocuments(ctx, custos.AssuranceFilter{TeamID: team.ID, CustodianID: custodianID, Archived: true})
		if err != nil {
			return err
		}
		if len(have) > 0 {
			continue
		}
		if err := seedDocuments(as, docs, team.ID, custodianID, slug == AssuranceCustodian, now); err != nil {
			return err
		}
	}
	return nil
}

func seedDocuments(as context.Context, docs custos.AssuranceService, teamID, custodianID int64, withCertificate bool, now time.Time) error {
	day := func(t time.Time) *string { s := t.UTC().Format("2006-01-02"); return &s }
	today := time.Date(now.UTC().Year(), now.UTC().Month(), 1, 0, 0, 0, 0, time.UTC)
	end := today.AddDate(0, -15, -1) // the last day of the month 15 months back
	op := custos.OpinionUnqualified
	if _, err := docs.AddDocument(as, teamID, custodianID, custos.DocumentInput{Kind: custos.DocSOC2Type2,
		Issuer: "KPMG LLP", PeriodStart: day(end.AddDate(-1, 0, 1)), PeriodEnd: day(end), IssuedOn: *day(end.AddDate(0, 2, 0)),
		Opinion: &op, Scope: "Custody operations: key management, transaction approval, cold storage.",
		CarveOuts: "Sub-service organisations: the data-centre providers.",
		CUECs:     []string{"Clients restrict who may approve withdrawals and review that list each quarter."}}); err != nil {
		return err
	}
	if !withCertificate {
		return nil
	}
	_, err := docs.AddDocument(as, teamID, custodianID, custos.DocumentInput{Kind: custos.DocISO27001, Issuer: "BSI",
		ValidUntil: day(now.AddDate(0, 0, 40)), IssuedOn: *day(now.AddDate(-3, 0, 40)), Scope: "Information security management of the custody platform."})
	return err
}
