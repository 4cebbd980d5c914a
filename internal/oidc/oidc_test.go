package oidc

import (
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/custos-dd/custos/internal/custos"
)

func TestRoleMapGivesEachRoleOnceInAStableOrder(t *testing.T) {
	m, err := ParseRoleMap(" managers=2:manager, officers=1:officer,managers=1:auditor,all=1:officer ")
	if err != nil {
		t.Fatal(err)
	}
	c := Config{RoleMap: m}
	got := c.GrantsFor([]string{"officers", "unknown", "managers", "all"})
	want := []Grant{{1, custos.RoleAuditor}, {1, custos.RoleOfficer}, {2, custos.RoleManager}}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("grants (-want +got):\n%s", diff)
	}
	if got := c.GrantsFor([]string{"marketing"}); len(got) != 0 {
		t.Errorf("a value that maps to nothing gave %v", got)
	}
}

func TestRoleMapRefusesWhatItCannotRead(t *testing.T) {
	for _, bad := range []string{"officers", "officers=1", "=1:officer", "officers=treasury:officer", "officers=0:officer", "officers=1:boss"} {
		if _, err := ParseRoleMap(bad); err == nil {
			t.Errorf("ParseRoleMap(%q) accepted it", bad)
		}
	}
	if m, err := ParseRoleMap(""); err != nil || len(m) != 0 {
		t.Errorf("an empty map: %v, %v", m, err)
	}
}
