package httpapi_test

import (
	"bytes"
	"fmt"
	"net/http"
	"strings"
	"testing"

	"github.com/custos-dd/custos/internal/apitest"
	"github.com/custos-dd/custos/internal/custos"
	"github.com/custos-dd/custos/internal/demo"
	"github.com/custos-dd/custos/internal/signing"
	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"
)

func verifyPDF(t *testing.T, c *apitest.Client, pdf []byte) *custos.MemoVerdict {
	t.Helper()
	res := c.Request(http.MethodPost, "/api/v1/memos/verify", bytes.NewReader(pdf), http.Header{"Content-Type": {"application/pdf"}})
	apitest.ExpectStatus(t, res, http.StatusOK)
	return apitest.Decode[*custos.MemoVerdict](t, res)
}

// issuedMemo approves an evaluation of n custodians and issues its memo
// through the API, returning the memo's metadata and the downloaded PDF.
func issuedMemo(t *testing.T, env *apitest.Env, n int) (*custos.Workspace, custos.Memo, []byte) {
	t.Helper()
	teams := env.SeedDemo()
	ws := env.ApprovedEvaluation(env.As("officer@example.com"), env.As("manager@example.com"), teams[demo.TreasuryTeam], n)
	res := env.Login("officer@example.com").Do(http.MethodPost, fmt.Sprintf("/api/v1/evaluations/%d/memos", ws.Evaluation.ID), nil)
	apitest.ExpectStatus(t, res, http.StatusCreated)
	m := apitest.Decode[custos.Memo](t, res)
	dl := env.Login("auditor@example.com").Do(http.MethodGet, fmt.Sprintf("/api/v1/memos/%d/pdf", m.ID), nil)
	apitest.ExpectStatus(t, dl, http.StatusOK)
	if ct := dl.Header.Get("Content-Type"); ct != "application/pdf" {
		t.Fatalf("the memo downloads as %q", ct)
	}
	return ws, m, dl.Body
}

// recognition is what a verdict says about a file's origin.
type recognition struct {
	Genuine   bool
	Memo      int64 // the registered memo it matches, 0 for none
	Approvers []string
}

func recognitionOf(v *custos.MemoVerdict) recognition {
	r := recognition{Genuine: v.Genuine}
	if v.Memo != nil {
		r.Memo = v.Memo.ID
	}
	for _, a := range v.Approvals {
		r.Approvers = append(r.Approvers, a.ManagerName)
	}
	return r
}

func TestMemo_OfTenCandidatesIsSignedReadableAndRegistered(t *testing.T) {
	t.Parallel()
	env := apitest.New(t)
	ws, m, pdf := issuedMemo(t, env, 10)

	// The registry entry describes the downloaded file and the approved snapshot.
	officer, err := env.Users.FindUserByEmail(env.As("officer@example.com"), "officer@example.com")
	if err != nil {
		t.Fatal(err)
	}
	want := custos.Memo{ID: m.ID, EvaluationID: ws.Evaluation.ID, TeamID: ws.Evaluation.TeamID, Title: ws.Evaluation.Title,
		SHA256: apitest.SHA256(pdf), Size: int64(len(pdf)), SignerFingerprint: env.Signer.Fingerprint(),
		SnapshotHash: ws.Evaluation.SnapshotHash, IssuedBy: officer.ID}
	if diff := cmp.Diff(want, m, cmpopts.IgnoreFields(custos.Memo{}, "AuditHeadSeq", "AuditHeadHash", "IssuedAt")); diff != "" {
		t.Fatalf("registry entry (-want +got):\n%s", diff)
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
	wantVerdict := recognition{Genuine: true, Memo: m.ID, Approvers: []string{"Maya Manager"}}
	if diff := cmp.Diff(wantVerdict, recognitionOf(v)); diff != "" {
		t.Fatalf("the issued memo's verdict (-want +got):\n%s", diff)
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

	// Each is refused, names what is wrong with its signature, and matches
	// no registered memo.
	type signature struct{ Signed, Valid, CoversWholeFile, OurCertificate bool }
	cases := []struct {
		name   string
		file   []byte
		want   signature
		reason string
	}{
		{"a flipped byte", flipped, signature{Signed: true, Valid: false, CoversWholeFile: true, OurCertificate: true}, "changed after signing"},
		{"an update appended after signing", apitest.AppendUpdate(t, pdf), signature{Signed: true, Valid: true, CoversWholeFile: false, OurCertificate: true}, "appended after the signature"},
		{"a signature by another certificate", foreign, signature{Signed: true, Valid: true, CoversWholeFile: true, OurCertificate: false}, "another certificate"},
		{"a file that is not a signed PDF", []byte("%PDF-1.4\nnot really\n%%EOF\n"), signature{}, "not signed"},
	}
	for _, c := range cases {
		v := verifyPDF(t, auditor, c.file)
		if diff := cmp.Diff(recognition{}, recognitionOf(v)); diff != "" {
			t.Errorf("%s: recognised (-want +got):\n%s", c.name, diff)
		}
		got := signature{v.Signature.Signed, v.Signature.Valid, v.Signature.CoversWholeFile, v.Signature.OurCertificate}
		if diff := cmp.Diff(c.want, got); diff != "" {
			t.Errorf("%s: signature check (-want +got):\n%s", c.name, diff)
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
	apitest.ExpectProblem(t, res, http.StatusConflict)
}

func TestMemo_EveryDownloadIsAuditedAndOutsidersCannotDownload(t *testing.T) {
	t.Parallel()
	env := apitest.New(t)
	_, m, _ := issuedMemo(t, env, 2)
	path := fmt.Sprintf("/api/v1/memos/%d/pdf", m.ID)
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
	if diff := cmp.Diff(want, who); diff != "" {
		t.Fatalf("who the download events name (-want +got):\n%s", diff)
	}
	r, err := env.Audit.VerifyAuditChain(env.As("auditor@example.com"))
	if err != nil {
		t.Fatal(err)
	}
	if !r.Valid {
		t.Fatalf("audit chain after downloads does not verify: %+v", r)
	}
}
