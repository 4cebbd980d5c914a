package httpapi_test

import (
	"fmt"
	"net/http"
	"testing"

	"github.com/custos-dd/custos/internal/apitest"
)

func TestAdminsWriteNewTemplateVersionsThatEvaluationsCanUse(t *testing.T) {
	t.Parallel()
	env := apitest.New(t)
	teams := env.SeedDemo()
	admin := env.Login("admin@example.com")

	var current map[string]any
	admin.Do(http.MethodGet, "/api/v1/templates/1", nil).JSON(&current)
	body := map[string]any{"family": "default", "name": "Institutional custodian due diligence (2027)", "description": "Adds a proof-of-reserves item.",
		"criteria": current["criteria"], "red_flags": []map[string]any{}}
	sections := current["sections"].([]any)
	for _, sec := range sections {
		for _, it := range sec.(map[string]any)["items"].([]any) {
			delete(it.(map[string]any), "id") // item IDs belong to a version; the new one gets its own
		}
	}
	first := sections[0].(map[string]any)
	items := first["items"].([]any)
	first["items"] = append(items, map[string]any{"key": "regulatory_fit.proof_of_reserves", "prompt": "Does the custodian publish proof of reserves?", "evidence_required": false})
	body["sections"] = sections
	for _, f := range current["red_flags"].([]any) {
		delete(f.(map[string]any), "id")
		body["red_flags"] = append(body["red_flags"].([]map[string]any), f.(map[string]any))
	}

	res := admin.Do(http.MethodPost, "/api/v1/templates", body)
	if res.Status != http.StatusCreated {
		t.Fatalf("new version: %d %s", res.Status, res.Body)
	}
	var v2 struct {
		ID      int64 `json:"id"`
		Version int   `json:"version"`
	}
	res.JSON(&v2)
	if v2.Version != 2 {
		t.Fatalf("the new version is %d, want 2", v2.Version)
	}
	// Version 1 is untouched, and an evaluation can be opened on version 2.
	var v1 map[string]any
	admin.Do(http.MethodGet, "/api/v1/templates/1", nil).JSON(&v1)
	if len(v1["sections"].([]any)[0].(map[string]any)["items"].([]any)) != len(items) {
		t.Fatal("writing version 2 changed version 1")
	}
	officer := env.Login("officer@example.com")
	res = officer.Do(http.MethodPost, "/api/v1/evaluations", map[string]any{"team_id": teams["Demo Treasury"], "title": "On v2",
		"template_id": v2.ID, "mandate": map[string]any{"regions": []string{"US"}}, "custodian_ids": []int{1, 2}})
	if res.Status != http.StatusCreated {
		t.Fatalf("evaluation on version 2: %d %s", res.Status, res.Body)
	}
	if !auditHas(t, admin, "", "template.create", fmt.Sprint(v2.ID)) {
		t.Fatal("no template.create event in the audit trail")
	}
}

func TestTemplateVersionsAreRefusedWhenTheirWeightsOrKeysAreWrong(t *testing.T) {
	t.Parallel()
	env := apitest.New(t)
	env.SeedDemo()
	admin := env.Login("admin@example.com")
	cases := []struct {
		name  string
		edit  func(map[string]any)
		field string
	}{
		{"weights that do not sum to 100", func(b map[string]any) {
			b["criteria"] = []map[string]any{{"key": "security", "name": "Security", "weight": 90}}
		}, "criteria"},
		{"no checklist item", func(b map[string]any) { b["sections"] = []map[string]any{} }, "sections"},
		{"a duplicate item key", func(b map[string]any) {
			b["sections"] = []map[string]any{{"key": "a", "title": "A", "items": []map[string]any{
				{"key": "a.x", "prompt": "One?"}, {"key": "a.x", "prompt": "Two?"}}}}
		}, "sections"},
		{"an unknown mandate rule", func(b map[string]any) {
			b["red_flags"] = []map[string]any{{"key": "odd", "title": "Odd", "default_severity": "low", "origin": "practice", "mandate_rule": "vibes"}}
		}, "red_flags"},
		{"a family that is not a key", func(b map[string]any) { b["family"] = "Not A Key" }, "family"},
	}
	for _, c := range cases {
		t.Run(c.name+" names "+c.field, func(t *testing.T) {
			b := smallTemplate("default")
			c.edit(b)
			p := apitest.ExpectProblem(t, admin.Do(http.MethodPost, "/api/v1/templates", b), http.StatusBadRequest)
			if apitest.ReasonOf(p, c.field) == "" {
				t.Errorf("the problem gives no reason for %s: %+v", c.field, p.Errors)
			}
		})
	}
}
