package apitest

import (
	"encoding/json"
	"net/http"
	"slices"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/custos-dd/custos/internal/httpapi"
)

// ExpectStatus fails the test unless res has the status.
func ExpectStatus(t testing.TB, res *Response, status int) {
	t.Helper()
	if res.Status != status {
		t.Fatalf("status = %d, want %d; body: %s", res.Status, status, res.Body)
	}
}

// DecodeInto decodes res's body into v, failing the given t (Response.JSON
// reports to the test that made the Env, not to a subtest).
func DecodeInto(t testing.TB, res *Response, v any) {
	t.Helper()
	if err := json.Unmarshal(res.Body, v); err != nil {
		t.Fatalf("decode %s: %v", res.Body, err)
	}
}

// Decode decodes res's body into a fresh T, usually a domain type:
// apitest.Decode[*custos.Workspace](t, res).
func Decode[T any](t testing.TB, res *Response) T {
	t.Helper()
	var v T
	DecodeInto(t, res, &v)
	return v
}

// ExpectProblem checks that res is a problem document with the status and
// returns it.
func ExpectProblem(t testing.TB, res *Response, status int) httpapi.Problem {
	t.Helper()
	ExpectStatus(t, res, status)
	if ct := res.Header.Get("Content-Type"); !strings.HasPrefix(ct, "application/problem+json") {
		t.Fatalf("Content-Type = %q, want application/problem+json; body: %s", ct, res.Body)
	}
	p := Decode[httpapi.Problem](t, res)
	if p.Status != status {
		t.Fatalf("problem status = %d, want %d", p.Status, status)
	}
	if p.Title == "" || p.Type == "" {
		t.Fatalf("problem without type or title: %s", res.Body)
	}
	return p
}

// ExpectFieldErrors checks that res is a 400 problem whose errors name
// exactly the given fields (in any order), each with a reason.
func ExpectFieldErrors(t testing.TB, res *Response, fields ...string) httpapi.Problem {
	t.Helper()
	p := ExpectProblem(t, res, http.StatusBadRequest)
	var got []string
	for _, fe := range p.Errors {
		if strings.TrimSpace(fe.Reason) == "" {
			t.Errorf("field %q has no reason: %s", fe.Field, res.Body)
		}
		if !slices.Contains(got, fe.Field) {
			got = append(got, fe.Field)
		}
	}
	want := slices.Clone(fields)
	slices.Sort(got)
	slices.Sort(want)
	if diff := cmp.Diff(want, got); diff != "" {
		t.Fatalf("fields named by the problem (-want +got):\n%s\nbody: %s", diff, res.Body)
	}
	return p
}

// ReasonOf returns the reason a problem gives for a field, or "".
func ReasonOf(p httpapi.Problem, field string) string {
	for _, fe := range p.Errors {
		if fe.Field == field {
			return fe.Reason
		}
	}
	return ""
}

// StaleProblem is a 412 problem with the current state kept raw, to decode
// into the domain type of what the client tried to change.
type StaleProblem struct {
	httpapi.Problem
	RawCurrent json.RawMessage `json:"current"`
}
