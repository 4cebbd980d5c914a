package demo_test

import (
	"testing"

	"github.com/custos-dd/custos/internal/apitest"
	"github.com/custos-dd/custos/internal/custos"
	"github.com/custos-dd/custos/internal/demo"
	"github.com/custos-dd/custos/internal/postgres"
)

// The demo shows a stale SOC 2 report and an expiring certificate at once,
// and seeding again adds nothing.
func TestSeedAssurance_StaleReportAtOnce(t *testing.T) {
	t.Parallel()
	k := apitest.NewKit(t)
	docs := postgres.NewAssuranceService(k.Env.Store)
	cat := postgres.NewCatalogueService(k.Env.Store)
	for range 2 {
		if err := demo.SeedAssurance(k.Ctx(), k.Env.Users, k.Env.Teams, cat, docs, k.Env.Clock.Now()); err != nil {
			t.Fatal(err)
		}
	}
	got, err := docs.ListDocuments(k.Ctx(), custos.AssuranceFilter{TeamID: k.Treasury, Due: true})
	if err != nil {
		t.Fatal(err)
	}
	var states []string
	for _, d := range got {
		if d.CustodianID != k.Custodian(demo.AssuranceCustodian) {
			t.Errorf("document on custodian %d", d.CustodianID)
		}
		states = append(states, string(d.Kind)+":"+string(d.Freshness.State))
	}
	if len(states) != 2 || states[0] != "iso27001:expiring" || states[1] != "soc2_type2:stale" {
		t.Errorf("demo documents: %v", states)
	}
}
