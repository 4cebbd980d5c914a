package httpapi_test

import (
	"net/http"
	"testing"

	"github.com/custos-dd/custos/internal/apitest"
)

func TestOfficerSignsInAndReadsTheirMemberships(t *testing.T) {
	t.Parallel()
	env := apitest.New(t)
	env.SeedDemo()
	c := env.Login("officer@example.com")
	res := c.Do(http.MethodGet, "/api/v1/me", nil)
	if res.Status != http.StatusOK {
		t.Fatalf("GET /me = %d %s", res.Status, res.Body)
	}
	var me struct {
		User struct {
			Email string `json:"email"`
		} `json:"user"`
		Memberships []struct {
			TeamName string `json:"team_name"`
			Role     string `json:"role"`
		} `json:"memberships"`
	}
	res.JSON(&me)
	if me.User.Email != "officer@example.com" || len(me.Memberships) != 1 || me.Memberships[0].Role != "officer" || me.Memberships[0].TeamName != "Demo Treasury" {
		t.Fatalf("unexpected /me: %s", res.Body)
	}
}
