package httpapi_test

import (
	"net/http"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/custos-dd/custos/internal/apitest"
	"github.com/custos-dd/custos/internal/custos"
	"github.com/custos-dd/custos/internal/demo"
	"github.com/custos-dd/custos/internal/httpapi"
)

type mandateFitList struct {
	Items []httpapi.MandateFitCandidate `json:"items"`
}

// previewEnv seeds the demo and adds two custodians with known facts: one
// that misses every rule of a strict Singapore-and-Ireland mandate, one that
// fits it (through the APAC bloc and a presence in Ireland).
func previewEnv(t *testing.T) (env *apitest.Env, team, misfit, fit int64) {
	env = apitest.New(t)
	team = env.SeedDemo()[demo.TreasuryTeam]
	as := env.As("admin@example.com")
	m, err := env.Server.Custodians.CreateCustodian(as, custos.CustodianFacts{Slug: "preview-trust", Name: "Preview Trust",
		LegalEntity: "Preview Trust AG", Regions: []string{"EU"}})
	if err != nil {
		t.Fatal(err)
	}
	f, err := env.Server.Custodians.CreateCustodian(as, custos.CustodianFacts{Slug: "fitting-custody", Name: "Fitting Custody",
		LegalEntity: "Fitting Custody Pte Ltd", Regions: []string{"APAC", "IE"}, QualifiedCustodian: true, Staking: true})
	if err != nil {
		t.Fatal(err)
	}
	return env, team, m.ID, f.ID
}

var strictMandate = map[string]any{"regions": []string{"SG", "IE"}, "qualified_custodian_required": true, "staking_required": true}

func TestMandateFitPreviewsTheFlagsOpeningRaises(t *testing.T) {
	t.Parallel()
	env, team, misfit, fit := previewEnv(t)
	officer := env.Login("officer@example.com")

	res := officer.Do(http.MethodPost, "/api/v1/mandate-fit", map[string]any{
		"mandate": strictMandate, "custodian_ids": []int64{misfit, fit}, "template_id": 1})
	expectStatus(t, res, http.StatusOK)
	var got mandateFitList
	decodeInto(t, res, &got)
	want := mandateFitList{Items: []httpapi.MandateFitCandidate{
		{CustodianID: misfit, Name: "Preview Trust", Flags: []httpapi.MandateFitFlag{
			{Rule: "qualified_custodian", Severity: custos.SeverityCritical, Title: "Not a qualified custodian",
				Reason: "The mandate requires a qualified custodian; the catalogue does not list Preview Trust as one."},
			{Rule: "region_licence", Severity: custos.SeverityHigh, Title: "No licence for a mandate region",
				Reason: "The mandate covers SG; the catalogue lists no licence or presence of Preview Trust there."},
			{Rule: "staking", Severity: custos.SeverityMedium, Title: "Staking not available from custody",
				Reason: "The mandate needs staking; the catalogue lists no staking from custody at Preview Trust."},
		}},
		{CustodianID: fit, Name: "Fitting Custody", Flags: []httpapi.MandateFitFlag{}},
	}}
	if d := cmp.Diff(want, got); d != "" {
		t.Fatalf("preview (-want +got):\n%s", d)
	}

	// Opening the evaluation raises exactly the flags the preview showed.
	res = officer.Do(http.MethodPost, "/api/v1/evaluations", map[string]any{"team_id": team, "title": "Preview check",
		"template_id": 1, "mandate": strictMandate, "custodian_ids": []int64{misfit, fit}})
	expectStatus(t, res, http.StatusCreated)
	var ws custos.Workspace
	decodeInto(t, res, &ws)
	raised := map[int64][]httpapi.MandateFitFlag{}
	for _, a := range ws.Assessments {
		raised[a.Custodian.ID] = []httpapi.MandateFitFlag{}
		for _, f := range a.RedFlags {
			if f.MandateRule != nil {
				raised[a.Custodian.ID] = append(raised[a.Custodian.ID], httpapi.MandateFitFlag{Rule: *f.MandateRule, Severity: f.Severity, Title: f.Title, Reason: f.Reason})
			}
		}
	}
	previewed := map[int64][]httpapi.MandateFitFlag{}
	for _, c := range got.Items {
		previewed[c.CustodianID] = c.Flags
	}
	if d := cmp.Diff(previewed, raised); d != "" {
		t.Errorf("flags raised on opening differ from the preview (-preview +raised):\n%s", d)
	}
}

func TestMandateFitWithoutTemplateOrRegion(t *testing.T) {
	t.Parallel()
	env, _, misfit, _ := previewEnv(t)
	// A mandate still being written: no region yet, and no template chosen.
	res := env.Login("other.officer@example.com").Do(http.MethodPost, "/api/v1/mandate-fit", map[string]any{
		"mandate": map[string]any{"qualified_custodian_required": true}, "custodian_ids": []int64{misfit}})
	expectStatus(t, res, http.StatusOK)
	var got mandateFitList
	decodeInto(t, res, &got)
	want := mandateFitList{Items: []httpapi.MandateFitCandidate{{CustodianID: misfit, Name: "Preview Trust", Flags: []httpapi.MandateFitFlag{
		{Rule: "qualified_custodian", Severity: custos.SeverityCritical, Title: "Mandate fit: qualified_custodian",
			Reason: "The mandate requires a qualified custodian; the catalogue does not list Preview Trust as one."},
	}}}}
	if d := cmp.Diff(want, got); d != "" {
		t.Fatalf("preview (-want +got):\n%s", d)
	}
}

func TestMandateFitBadInputNamesTheField(t *testing.T) {
	t.Parallel()
	env, _, misfit, fit := previewEnv(t)
	officer := env.Login("officer@example.com")
	many := make([]int64, custos.MaxCandidates+1)
	for i := range many {
		many[i] = int64(i + 1)
	}
	for _, tc := range []struct {
		name  string
		body  map[string]any
		field string
	}{
		{"unknown region", map[string]any{"mandate": map[string]any{"regions": []string{"XX"}}, "custodian_ids": []int64{fit}}, "mandate.regions"},
		{"region twice", map[string]any{"mandate": map[string]any{"regions": []string{"SG", "SG"}}, "custodian_ids": []int64{fit}}, "mandate.regions"},
		{"no custodian", map[string]any{"mandate": strictMandate, "custodian_ids": []int64{}}, "custodian_ids"},
		{"custodians missing", map[string]any{"mandate": strictMandate}, "custodian_ids"},
		{"too many custodians", map[string]any{"mandate": strictMandate, "custodian_ids": many}, "custodian_ids"},
		{"custodian twice", map[string]any{"mandate": strictMandate, "custodian_ids": []int64{misfit, misfit}}, "custodian_ids"},
		{"custodian not in the catalogue", map[string]any{"mandate": strictMandate, "custodian_ids": []int64{fit, 999999}}, "custodian_ids"},
		{"custodian IDs of the wrong type", map[string]any{"mandate": strictMandate, "custodian_ids": "1,2"}, "custodian_ids"},
		{"no such template", map[string]any{"mandate": strictMandate, "custodian_ids": []int64{fit}, "template_id": 999999}, "template_id"},
		{"unknown field", map[string]any{"mandate": strictMandate, "custodian_ids": []int64{fit}, "team_id": 1}, "team_id"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			expectFieldErrors(t, officer.Do(http.MethodPost, "/api/v1/mandate-fit", tc.body), tc.field)
		})
	}
}
