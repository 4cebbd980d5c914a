package memo

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"github.com/custos-dd/custos/internal/custos"
	"github.com/custos-dd/custos/internal/memo/memotest"
)

func render(t testing.TB, m *custos.MemoContent) []byte {
	t.Helper()
	r, err := NewRenderer()
	if err != nil {
		t.Fatal(err)
	}
	out, err := r.Render(m)
	if err != nil {
		t.Fatal(err)
	}
	return out
}

// TestRender renders the 10-candidate sample twice and checks the bytes.
// With MEMO_PDF=path it also writes the PDF there, to look at.
func TestRender(t *testing.T) {
	m := memotest.SampleContent(10)
	a := render(t, m)
	if !bytes.HasPrefix(a, []byte("%PDF-")) {
		t.Fatalf("output starts with %q, not %%PDF-", a[:min(len(a), 16)])
	}
	if !bytes.HasSuffix(bytes.TrimRight(a, "\r\n"), []byte("%%EOF")) {
		t.Fatal("output does not end with the end-of-file marker")
	}
	b := render(t, memotest.SampleContent(10))
	if !bytes.Equal(a, b) {
		t.Fatalf("two renders of the same content differ (%d and %d bytes, SHA-256 %x and %x)",
			len(a), len(b), sha256.Sum256(a), sha256.Sum256(b))
	}
	if !bytes.Contains(a, []byte("/CreationDate (D:20261201110500)")) {
		t.Error("the creation date is not the issue time")
	}
	if p := os.Getenv("MEMO_PDF"); p != "" {
		if err := os.WriteFile(p, a, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	t.Logf("10 candidates: %d bytes", len(a))
}

// TestSampleContent: the fixture is a consistent approved evaluation, as
// the workflow would have left it.
func TestSampleContent(t *testing.T) {
	m := memotest.SampleContent(10)
	ws := m.Workspace
	if len(ws.Assessments) != 10 || len(ws.Template.Items()) != 29 || len(ws.Template.Sections) != 8 {
		t.Fatalf("%d candidates, %d items in %d sections", len(ws.Assessments), len(ws.Template.Items()), len(ws.Template.Sections))
	}
	if len(ws.SubmitBlockers) != 0 {
		t.Errorf("the approved sample has submit blockers: %+v", ws.SubmitBlockers)
	}
	if _, h := custos.Snapshot(ws); !bytes.Equal(h, ws.Evaluation.SnapshotHash) || !bytes.Equal(h, m.Approvers[0].SnapshotHash) {
		t.Error("the approved snapshot hash is not the snapshot's")
	}
	if ws.ApprovalsReceived != 2 || ws.ApprovalsRequired != 2 || len(m.Approvers) != 2 {
		t.Errorf("approvals %d of %d, %d approvers", ws.ApprovalsReceived, ws.ApprovalsRequired, len(m.Approvers))
	}
	statuses := map[custos.RedFlagStatus]bool{}
	auto, evidence, shortfalls := 0, 0, 0
	for _, a := range ws.Assessments {
		for _, f := range a.RedFlags {
			statuses[f.Status] = true
			if f.MandateRule != nil {
				auto++
			}
		}
		evidence += len(a.Evidence)
		for _, ans := range a.Answers {
			if ans.Status == custos.AnswerNotMet || ans.Status == custos.AnswerPartlyMet {
				shortfalls++
			}
		}
	}
	if len(statuses) != 4 || auto == 0 || evidence == 0 || shortfalls == 0 {
		t.Errorf("flag statuses %v, %d automatic flags, %d evidence files, %d shortfalls", statuses, auto, evidence, shortfalls)
	}
	if !bytes.Equal(mustJSON(t, memotest.SampleContent(10)), mustJSON(t, m)) {
		t.Error("SampleContent is not deterministic")
	}
}

func mustJSON(t *testing.T, v any) []byte {
	t.Helper()
	b, err := json.Marshal(v)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

func TestRenderSizes(t *testing.T) {
	for _, n := range []int{1, 2, 3, 12, 20} {
		out := render(t, memotest.SampleContent(n))
		if !bytes.HasPrefix(out, []byte("%PDF-")) {
			t.Fatalf("%d candidates: not a PDF", n)
		}
	}
}

func TestRenderRejectsIncompleteContent(t *testing.T) {
	r, err := NewRenderer()
	if err != nil {
		t.Fatal(err)
	}
	if _, err := r.Render(nil); err == nil {
		t.Error("nil content rendered")
	}
	if _, err := r.Render(&custos.MemoContent{IssuedAt: memotest.SampleContent(2).IssuedAt}); err == nil {
		t.Error("content without a workspace rendered")
	}
	var zero custos.MemoContent
	zero.Workspace = memotest.SampleContent(2).Workspace
	if _, err := r.Render(&zero); err == nil {
		t.Error("content without an issue time rendered (its bytes would depend on the clock)")
	}
}

// TestHostileText: text a user typed (control characters, emoji beyond the
// Basic Multilingual Plane, very long words and notes, the page-count
// alias) lays out without breaking gofpdf.
func TestHostileText(t *testing.T) {
	m := memotest.SampleContent(3)
	ws := m.Workspace
	ws.Evaluation.Title = "Fund \x00IV\tcustody 🚀 review {nb} " + strings.Repeat("Ünterschrift ", 20)
	long := strings.Repeat("A very long note that wraps across many lines and pages. ", 400)
	a := &ws.Assessments[0]
	a.Answers[0].Status = custos.AnswerNotMet
	a.Answers[0].Note = long
	a.Scores[0].Rationale = strings.Repeat("x", 900) + "\r\n🙂 done"
	a.RedFlags = append(a.RedFlags, custos.RedFlag{ID: 99, Title: "Ω " + strings.Repeat("long-title-", 30), Severity: "unknown", Status: "odd"})
	m.Approvers[0].Comment = strings.Repeat("Comment line.\n", 80)
	out := render(t, m)
	if !bytes.HasPrefix(out, []byte("%PDF-")) {
		t.Fatal("not a PDF")
	}
	text := pdfText(t, out)
	if !strings.Contains(text, "review {nb}") {
		t.Error("the text {nb} of a title was replaced by the page count")
	}
}

// pdfText extracts the text of a PDF with poppler's pdftotext.
func pdfText(t *testing.T, pdf []byte) string {
	t.Helper()
	bin, err := exec.LookPath("pdftotext")
	if err != nil {
		// Never skip: CI installs poppler-utils, and so must a developer.
		t.Fatal("pdftotext is not on PATH: install poppler-utils (apt-get install -y poppler-utils)")
	}
	dir := t.TempDir()
	in := filepath.Join(dir, "memo.pdf")
	if err := os.WriteFile(in, pdf, 0o644); err != nil {
		t.Fatal(err)
	}
	out, err := exec.Command(bin, "-enc", "UTF-8", in, "-").CombinedOutput()
	if err != nil {
		t.Fatalf("pdftotext: %v\n%s", err, out)
	}
	return string(out)
}

// TestTextContent reads the memo back with pdftotext: the custodian names
// (accents included), the weights, the approvers and the snapshot hash are
// all there as text.
func TestTextContent(t *testing.T) {
	m := memotest.SampleContent(10)
	text := pdfText(t, render(t, m))
	// pdftotext may break a line anywhere a table cell wraps: compare with
	// runs of white space folded.
	flat := strings.Join(strings.Fields(text), " ")
	want := []string{
		"Custodian due-diligence memo",
		"Zürich – Société Générale",
		m.Workspace.Evaluation.Title,
		m.TeamName,
		"USD 250,000,000",
		"Memo #17",
	}
	for _, a := range m.Workspace.Assessments {
		want = append(want, a.Custodian.Name)
	}
	for _, cr := range m.Workspace.Template.Criteria {
		want = append(want, cr.Name+" "+strconv.Itoa(cr.Weight))
	}
	for _, ap := range m.Approvers {
		want = append(want, ap.Name)
		want = append(want, hex.EncodeToString(ap.SnapshotHash))
	}
	want = append(want, hex.EncodeToString(m.AuditHeadHash), "#1843")
	// The weight sensitivity is recorded with its verdict.
	if m.Workspace.Sensitivity == nil {
		t.Fatal("the sample has several candidates and criteria but no sensitivity")
	}
	want = append(want, "Weight sensitivity", m.Workspace.Sensitivity.Verdict)
	for _, w := range want {
		if !strings.Contains(flat, w) {
			t.Errorf("pdftotext output lacks %q", w)
		}
	}
	// Page numbers: "Page N of M" on every page, M the page count.
	pages := strings.Count(text, "\f")
	if pages < 10 {
		t.Fatalf("only %d pages", pages)
	}
	for n := 1; n <= pages; n++ {
		if p := "Page " + strconv.Itoa(n) + " of " + strconv.Itoa(pages); !strings.Contains(flat, p) {
			t.Errorf("no %q", p)
		}
	}
	// The running header on every page but the title page.
	header := "Custos · " + m.Workspace.Evaluation.Title + " · Memo #17"
	if got := strings.Count(flat, header); got != pages-1 {
		t.Errorf("running header on %d pages, want %d", got, pages-1)
	}
	// Every evidence digest is listed (in two halves of 32 hex digits).
	for _, a := range m.Workspace.Assessments {
		for _, e := range a.Evidence {
			h := hex.EncodeToString(e.SHA256)
			if !strings.Contains(flat, h[:32]) || !strings.Contains(flat, h[32:]) {
				t.Errorf("evidence %s: digest %s not listed", e.Label, h)
			}
		}
	}
	t.Logf("10 candidates: %d pages", pages)
}

// TestFontFallback: the sample needs only the cut fonts, and a memo whose
// text needs more (Greek, Cyrillic) is rendered with the whole fonts, and
// reads back right.
func TestFontFallback(t *testing.T) {
	r, err := NewRenderer()
	if err != nil {
		t.Fatal(err)
	}
	if _, outside, err := r.render(memotest.SampleContent(10), r.cut); err != nil || outside {
		t.Fatalf("the sample does not fit the cut fonts (outside %v, err %v)", outside, err)
	}
	m := memotest.SampleContent(4)
	m.Workspace.Assessments[1].Custodian.Name = "Αθηνά Θεματοφύλακας"
	m.Workspace.Assessments[3].Custodian.Name = "Московский Депозитарий"
	for i := range m.Workspace.Ranking {
		for _, a := range m.Workspace.Assessments {
			if a.Custodian.ID == m.Workspace.Ranking[i].CustodianID {
				m.Workspace.Ranking[i].Name = a.Custodian.Name
			}
		}
	}
	if _, outside, _ := r.render(m, r.cut); !outside {
		t.Fatal("Greek and Cyrillic names were not noticed as outside the cut fonts")
	}
	out, err := r.Render(m)
	if err != nil {
		t.Fatal(err)
	}
	flat := strings.Join(strings.Fields(pdfText(t, out)), " ")
	for _, w := range []string{"Αθηνά Θεματοφύλακας", "Московский Депозитарий", "Zürich – Société Générale"} {
		if !strings.Contains(flat, w) {
			t.Errorf("pdftotext output lacks %q", w)
		}
	}
}

// TestConcurrentRender: one renderer serves concurrent renders (run with
// -race to check), and they all give the same bytes.
func TestConcurrentRender(t *testing.T) {
	r, err := NewRenderer()
	if err != nil {
		t.Fatal(err)
	}
	m := memotest.SampleContent(3)
	want, err := r.Render(m)
	if err != nil {
		t.Fatal(err)
	}
	errs := make(chan error, 4)
	for i := 0; i < 4; i++ {
		go func() {
			got, err := r.Render(memotest.SampleContent(3))
			if err == nil && !bytes.Equal(got, want) {
				err = errors.New("a concurrent render gave other bytes")
			}
			errs <- err
		}()
	}
	for i := 0; i < 4; i++ {
		if err := <-errs; err != nil {
			t.Error(err)
		}
	}
}

func BenchmarkRender10Candidates(b *testing.B) {
	r, err := NewRenderer()
	if err != nil {
		b.Fatal(err)
	}
	m := memotest.SampleContent(10)
	b.ReportAllocs()
	b.ResetTimer()
	var n int
	for i := 0; i < b.N; i++ {
		out, err := r.Render(m)
		if err != nil {
			b.Fatal(err)
		}
		n = len(out)
	}
	b.ReportMetric(float64(n), "bytes/memo")
}
