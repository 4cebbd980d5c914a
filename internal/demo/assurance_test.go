package demo_test

import (
	"fmt"
	"sort"
	"testing"

	"github.com/custos-dd/custos/internal/apitest"
	"github.com/custos-dd/custos/internal/custos"
	"github.com/custos-dd/custos/internal/demo"
	"github.com/custos-dd/custos/internal/postgres"
	"github.com/google/go-cmp/cmp"
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
		states = append(states, fmt.Sprintf("%d:%s:%s", d.CustodianID, d.Kind, d.Freshness.State))
	}
	sort.Strings(states)
	anchorage, bitgo := k.Custodian(demo.AssuranceCustodian), k.Custodian(demo.AppointedCustodian)
	want := []string{fmt.Sprintf("%d:iso27001:expiring", anchorage), fmt.Sprintf("%d:soc2_type2:stale", anchorage),
		fmt.Sprintf("%d:soc2_type2:stale", bitgo)}
	sort.Strings(want)
	if diff := cmp.Diff(want, states); diff != "" {
		t.Errorf("demo documents (-want +got):\n%s", diff)
	}
}
