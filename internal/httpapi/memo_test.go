package httpapi_test

import (
	"bytes"
	"crypto/sha256"
	"fmt"
	"net/http"
	"strings"
	"testing"

	"github.com/custos-dd/custos/internal/apitest"
	"github.com/custos-dd/custos/internal/custos"
	"github.com/custos-dd/custos/internal/demo"
	"github.com/custos-dd/custos/internal/signing"
)

type verdict struct {
	Genuine   bool   `json:"genuine"`
	SHA256    string `json:"sha256"`
	Signature struct {
		Signed          bool `json:"signed"`
		Valid           bool `json:"valid"`
		CoversWholeFile bool `json:"covers_whole_file"`
		OurCertificate  bool `json:"our_certificate"`
	} `json:"signature"`
	Memo *struct {
		ID           int64 `json:"id"`
		EvaluationID int64 `json:"evaluation_id"`
	} `json:"memo"`
	Approvals []struct {
		ManagerName string `json:"manager_name"`
	} `json:"approvals"`
	Reasons []string `json:"reasons"`
}

func verifyPDF(t *testing.T, c *apitest.Client, pdf []byte) verdict {
	t.Helper()
	res := c.Request(http.MethodPost, "/api/v1/memos/verify", bytes.NewReader(pdf), http.Header{"Content-Type": {"application/pdf"}})
	if res.Status != http.StatusOK {
		t.Fatalf("verify: %d %s", res.Status, res.Body)
	}
	var v verdict
	res.JSON(&v)
	return v
}

// issuedMemo approves an evaluation of n custodians and issues its memo
// through the API, returning the memo's metadata and the downloaded PDF.
func issuedMemo(t *testing.T, env *apitest.Env, n int) (*custos.Workspace, map[string]any, []byte) {
	t.Helper()
	teams := env.SeedDemo()
	ws := env.ApprovedEvaluation(env.As("officer@example.com"), env.As("manager@example.com"), teams[demo.TreasuryTeam], n)
	res := env.Login("officer@example.com").Do(http.MethodPost, fmt.Sprintf("/api/v1/evaluations/%d/memos", ws.Evaluation.ID), nil)
	if res.Status != http.StatusCreated {
		t.Fatalf("issue memo: %d %s", res.Status, res.Body)
	}
	m := res.Map()
	dl := env.Login("auditor@example.com").Do(http.MethodGet, fmt.Sprintf("/api/v1/memos/%v/pdf", m["id"]), nil)
	if dl.Status != http.StatusOK || dl.Header.Get("Content-Type") != "application/pdf" {
		t.Fatalf("download: %d %s", dl.Status, dl.Header.Get("Content-Type"))
	}
	return ws, m, dl.Body
}

func TestMemo_OfTenCandidatesIsSignedReadableAndRegistered(t *testing.T) {
	t.Parallel()
	env := apitest.New(t)
	ws, m, pdf := issuedMemo(t, env, 10)

	sum := fmt.Sprintf("%x", sha256.Sum256(pdf))
	if m["sha256"] != sum || int(m["size"].(float64)) != len(pdf) || m["signer_fingerprint"] != env.Signer.Fingerprint() {
		t.Fatalf("registry entry %v does not describe the downloaded file (sha256 %s, %d bytes)", m, sum, len(pdf))
	}
	if m["snapshot_hash"] != fmt.Sprintf("%x", []byte(ws.Evaluation.SnapshotHash)) {
		t.Fatalf("memo snapshot %v, evaluation snapshot %x", m["snapshot_hash"], []byte(ws.Evaluation.SnapshotHash))
	}

	sig := apitest.Poppler(t, "pdfsig", pdf)
	for _, want := range []string{"Signature is Valid.", "Total document signed"} {
		if !strings.Contains(sig, want) {
			t.Errorf("pdfsig does not say %q:\n%s", want, sig)
		}
	}
	text := apitest.Poppler(t, "pdftotext", pdf, "-layout")
	wants := []string{"Maya Manager", fmt.Sprintf("%x", []byte(ws.Evaluation.SnapshotHash)), ws.Evaluation.Title}
	for _, a := range ws.Assessments {
		wants = append(wants, a.Custodian.Name)
	}
	for _, c := range ws.Template.Criteria {
		wants = append(wants, c.Name)
	}
	for _, w := range wants {
		if !strings.Contains(text, w) {
			t.Errorf("the memo's text lacks %q", w)
		}
	}
	for _, weight := range []string{"30", "25", "15", "10", "5"} {
		if !strings.Contains(text, weight) {
			t.Errorf("the memo's text lacks the weight %s", weight)
		}
	}

	v := verifyPDF(t, env.Login("auditor@example.com"), pdf)
	if !v.Genuine || v.Memo == nil || v.Memo.EvaluationID != ws.Evaluation.ID || len(v.Approvals) != 1 || v.Approvals[0].ManagerName != "Maya Manager" {
		t.Fatalf("the issued memo is not recognised as genuine: %+v", v)
	}
}

func TestMemo_TamperedOrForeignFilesAreRejectedWithAReason(t *testing.T) {
	t.Parallel()
	env := apitest.New(t)
	_, _, pdf := issuedMemo(t, env, 3)
	auditor := env.Login("auditor@example.com")

	flipped := bytes.Clone(pdf)
	i := bytes.Index(flipped, []byte("Maya Manager"))
	if i < 0 {
		i = len(flipped) / 3
	}
	flipped[i] ^= 0x01

	other, err := signing.NewDevelopment(env.Clock.Now())
	if err != nil {
		t.Fatal(err)
	}
	foreign, err := other.Sign(pdf, env.Clock.Now())
	if err != nil {
		t.Fatal(err)
	}

	cases := []struct {
		name   string
		file   []byte
		check  func(v verdict) bool
		reason string
	}{
		{"a flipped byte", flipped, func(v verdict) bool { return !v.Signature.Valid }, "changed after signing"},
		{"an update appended after signing", apitest.AppendUpdate(t, pdf), func(v verdict) bool { return v.Signature.Valid && !v.Signature.CoversWholeFile }, "appended after the signature"},
		{"a signature by another certificate", foreign, func(v verdict) bool { return v.Signature.Valid && !v.Signature.OurCertificate }, "another certificate"},
		{"a file that is not a signed PDF", []byte("%PDF-1.4\nnot really\n%%EOF\n"), func(v verdict) bool { return !v.Signature.Signed }, "not signed"},
	}
	for _, c := range cases {
		v := verifyPDF(t, auditor, c.file)
		if v.Genuine || !c.check(v) || v.Memo != nil {
			t.Errorf("%s: verdict %+v", c.name, v)
		}
		joined := strings.Join(v.Reasons, "; ")
		if !strings.Contains(joined, c.reason) || !strings.Contains(joined, "no memo with this SHA-256") {
			t.Errorf("%s: reasons %q do not say %q and that no such memo was issued", c.name, joined, c.reason)
		}
	}
	if out := apitest.Poppler(t, "pdfsig", flipped); strings.Contains(out, "Signature is Valid.") {
		t.Errorf("pdfsig accepts the flipped file:\n%s", out)
	}
	if out := apitest.Poppler(t, "pdfsig", apitest.AppendUpdate(t, pdf)); !strings.Contains(out, "Not total document signed") {
		t.Errorf("pdfsig does not notice the appended update:\n%s", out)
	}
}

func TestMemo_OnlyAnApprovedEvaluationHasOne(t *testing.T) {
	t.Parallel()
	env := apitest.New(t)
	teams := env.SeedDemo()
	ws := env.SubmittedEvaluation(env.As("officer@example.com"), teams[demo.TreasuryTeam])
	res := env.Login("officer@example.com").Do(http.MethodPost, fmt.Sprintf("/api/v1/evaluations/%d/memos", ws.Evaluation.ID), nil)
	if res.Status != http.StatusConflict {
		t.Fatalf("memo of a submitted evaluation: %d, want 409", res.Status)
	}
}

func TestMemo_EveryDownloadIsAuditedAndOutsidersCannotDownload(t *testing.T) {
	t.Parallel()
	env := apitest.New(t)
	_, m, _ := issuedMemo(t, env, 2)
	path := fmt.Sprintf("/api/v1/memos/%v/pdf", m["id"])
	for _, email := range []string{"manager@example.com", "officer2@example.com"} {
		if res := env.Login(email).Do(http.MethodGet, path, nil); res.Status != http.StatusOK {
			t.Fatalf("%s download: %d", email, res.Status)
		}
	}
	// To those who may not read the team's memos, the memo does not exist.
	for _, email := range []string{"other.officer@example.com", "admin@example.com"} {
		if res := env.Login(email).Do(http.MethodGet, path, nil); res.Status != http.StatusNotFound {
			t.Fatalf("%s download: %d, want 404", email, res.Status)
		}
	}
	var who []string
	if err := env.SQL.Select(&who, `SELECT actor FROM audit_events WHERE action = 'memo.download' ORDER BY seq`); err != nil {
		t.Fatal(err)
	}
	want := []string{"auditor@example.com", "manager@example.com", "officer2@example.com"}
	if strings.Join(who, ",") != strings.Join(want, ",") {
		t.Fatalf("download events name %v, want %v", who, want)
	}
	if r, err := env.Audit.VerifyAuditChain(env.As("auditor@example.com")); err != nil || !r.Valid {
		t.Fatalf("audit chain after downloads: %+v %v", r, err)
	}
}
