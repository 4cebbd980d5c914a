package httpapi_test

import (
	"bytes"
	"compress/gzip"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/custos-dd/custos/internal/apitest"
)

func TestJSONAnswersAreGzippedForClientsThatAcceptIt(t *testing.T) {
	t.Parallel()
	env := apitest.New(t)
	teams := env.SeedDemo()
	officer, manager := env.As("officer@example.com"), env.As("manager2@example.com")
	ws := env.ApprovedEvaluation(officer, manager, teams["Demo Treasury"], 3)
	m, err := env.Memos.IssueMemo(manager, ws.Evaluation.ID)
	if err != nil {
		t.Fatal(err)
	}
	evidence := ws.Assessments[0].Evidence[0].ID
	c := env.Login("auditor@example.com")
	get := func(path, acceptEncoding string) *httptest.ResponseRecorder {
		t.Helper()
		req := httptest.NewRequest(http.MethodGet, path, nil)
		req.AddCookie(&http.Cookie{Name: c.Cookie.Name, Value: c.Cookie.Value})
		if acceptEncoding != "" {
			req.Header.Set("Accept-Encoding", acceptEncoding)
		}
		rec := httptest.NewRecorder()
		env.Server.ServeHTTP(rec, req)
		if rec.Code != http.StatusOK {
			t.Fatalf("GET %s: %d %s", path, rec.Code, rec.Body)
		}
		return rec
	}

	workspace := fmt.Sprintf("/api/v1/evaluations/%d", ws.Evaluation.ID)
	plain := get(workspace, "")
	if plain.Header().Get("Content-Encoding") != "" || plain.Body.Len() < 1024 {
		t.Fatalf("without Accept-Encoding: encoding %q, %d bytes; want a plain answer over 1 KB",
			plain.Header().Get("Content-Encoding"), plain.Body.Len())
	}
	zipped := get(workspace, "br;q=1.0, gzip;q=0.8")
	if got := zipped.Header().Get("Content-Encoding"); got != "gzip" {
		t.Fatalf("workspace with Accept-Encoding gzip: Content-Encoding %q, want gzip", got)
	}
	if zipped.Header().Get("Vary") != "Accept-Encoding" || zipped.Header().Get("ETag") != plain.Header().Get("ETag") {
		t.Errorf("gzipped headers: Vary %q, ETag %q vs %q", zipped.Header().Get("Vary"), zipped.Header().Get("ETag"), plain.Header().Get("ETag"))
	}
	compressed := zipped.Body.Len()
	zr, err := gzip.NewReader(zipped.Body)
	if err != nil {
		t.Fatal(err)
	}
	body, err := io.ReadAll(zr)
	if err != nil {
		t.Fatal(err)
	}
	if d := cmp.Diff(plain.Body.String(), string(body)); d != "" {
		t.Errorf("the gzipped workspace differs once unzipped (-plain +unzipped):\n%s", d)
	}
	t.Logf("workspace of 3 candidates: %d bytes, %d gzipped", len(body), compressed)

	for _, tc := range []struct{ name, path, accept string }{
		{"gzip refused with q=0", workspace, "gzip;q=0, identity"},
		{"a small JSON answer", "/api/v1/me", "gzip"},
		{"a memo PDF", fmt.Sprintf("/api/v1/memos/%d/pdf", m.ID), "gzip"},
		{"an evidence download", fmt.Sprintf("/api/v1/evaluations/%d/evidence/%d", ws.Evaluation.ID, evidence), "gzip"},
	} {
		rec := get(tc.path, tc.accept)
		if got := rec.Header().Get("Content-Encoding"); got != "" {
			t.Errorf("%s: Content-Encoding %q, want none", tc.name, got)
		}
		if tc.name == "a memo PDF" && !bytes.HasPrefix(rec.Body.Bytes(), []byte("%PDF-")) {
			t.Errorf("the memo is not a plain PDF: %.20q", rec.Body.Bytes())
		}
	}
}
