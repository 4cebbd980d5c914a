package custos

import (
	"bytes"
	"errors"
	"reflect"
	"sort"
	"strings"
	"testing"
)

// problemFields returns the sorted, de-duplicated fields of an EINVALID error,
// nil for nil; it fails the test for any other error.
func problemFields(t *testing.T, err error) []string {
	t.Helper()
	if err == nil {
		return nil
	}
	var e *Error
	if !errors.As(err, &e) || e.Code != EINVALID {
		t.Fatalf("error %v is not an EINVALID *Error", err)
	}
	seen := map[string]bool{}
	var out []string
	for _, f := range e.Fields {
		if f.Reason == "" {
			t.Errorf("field %s has no reason", f.Field)
		}
		if !seen[f.Field] {
			out = append(out, f.Field)
		}
		seen[f.Field] = true
	}
	sort.Strings(out)
	return out
}

func fieldsEqual(t *testing.T, err error, want []string) {
	t.Helper()
	got := problemFields(t, err)
	if len(want) == 0 {
		want = nil
	}
	sort.Strings(want)
	if !reflect.DeepEqual(got, want) {
		t.Fatalf("invalid fields = %v, want %v (err %v)", got, want, err)
	}
}

func reasons(err error) string {
	var e *Error
	if !errors.As(err, &e) {
		return ""
	}
	var b strings.Builder
	for _, f := range e.Fields {
		b.WriteString(f.Field + ": " + f.Reason + "\n")
	}
	return b.String()
}

func TestAnswerInputValidate(t *testing.T) {
	tests := []struct {
		name string
		in   AnswerInput
		want []string
	}{
		{"met needs no note", AnswerInput{Status: AnswerMet}, nil},
		{"pending needs no note", AnswerInput{Status: AnswerPending}, nil},
		{"not applicable needs no note", AnswerInput{Status: AnswerNotApplicable}, nil},
		{"not met with a note is valid", AnswerInput{Status: AnswerNotMet, Note: "no licence in CH"}, nil},
		{"partly met with a note is valid", AnswerInput{Status: AnswerPartlyMet, Note: "type I only"}, nil},
		{"not met without a note is refused", AnswerInput{Status: AnswerNotMet}, []string{"note"}},
		{"partly met without a note is refused", AnswerInput{Status: AnswerPartlyMet}, []string{"note"}},
		{"a blank note does not count as a note", AnswerInput{Status: AnswerNotMet, Note: " \t\n "}, []string{"note"}},
		{"an unknown status is refused", AnswerInput{Status: "maybe"}, []string{"status"}},
		{"an empty status is refused", AnswerInput{Status: ""}, []string{"status"}},
		{"a status in another case is refused", AnswerInput{Status: "MET"}, []string{"status"}},
		{"a note of 4000 characters is accepted", AnswerInput{Status: AnswerMet, Note: strings.Repeat("é", 4000)}, nil},
		{"a note over 4000 characters is refused", AnswerInput{Status: AnswerMet, Note: strings.Repeat("a", 4001)}, []string{"note"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			in := tt.in
			fieldsEqual(t, in.Validate(), tt.want)
		})
	}
	t.Run("the note is trimmed", func(t *testing.T) {
		a := AnswerInput{Status: AnswerNotMet, Note: "  why \n"}
		if err := a.Validate(); err != nil || a.Note != "why" {
			t.Fatalf("note = %q, err %v", a.Note, err)
		}
	})
}

func TestScoreInputValidate(t *testing.T) {
	tests := []struct {
		name string
		in   ScoreInput
		want []string
	}{
		{"0 with a rationale is valid", ScoreInput{0, "nothing"}, nil},
		{"5 with a rationale is valid", ScoreInput{5, "excellent"}, nil},
		{"3 with a rationale is valid", ScoreInput{3, "fine"}, nil},
		{"below 0 is refused", ScoreInput{-1, "x"}, []string{"score"}},
		{"above 5 is refused", ScoreInput{6, "x"}, []string{"score"}},
		{"a missing rationale is refused", ScoreInput{3, ""}, []string{"rationale"}},
		{"a blank rationale is refused", ScoreInput{3, "   "}, []string{"rationale"}},
		{"a rationale over 4000 characters is refused", ScoreInput{3, strings.Repeat("a", 4001)}, []string{"rationale"}},
		{"both problems are reported", ScoreInput{9, ""}, []string{"score", "rationale"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			in := tt.in
			fieldsEqual(t, in.Validate(), tt.want)
		})
	}
}

func TestNewRedFlagValidate(t *testing.T) {
	def := int64(4)
	tests := []struct {
		name string
		in   NewRedFlag
		want []string
	}{
		{"a custom flag with title and severity is valid", NewRedFlag{Title: "Key person risk", Severity: SeverityHigh}, nil},
		{"a custom flag needs a title", NewRedFlag{Severity: SeverityHigh}, []string{"title"}},
		{"a custom flag's blank title is refused", NewRedFlag{Title: "  ", Severity: SeverityHigh}, []string{"title"}},
		{"a custom flag needs a severity", NewRedFlag{Title: "Key person risk"}, []string{"severity"}},
		{"a custom flag with an unknown severity is refused", NewRedFlag{Title: "x", Severity: "severe"}, []string{"severity"}},
		{"a custom flag missing both reports both", NewRedFlag{}, []string{"title", "severity"}},
		{"a custom flag's title over 200 characters is refused", NewRedFlag{Title: strings.Repeat("t", 201), Severity: SeverityLow}, []string{"title"}},
		{"a flag from a definition may omit title and severity", NewRedFlag{DefinitionID: &def}, nil},
		{"a flag from a definition may override the severity", NewRedFlag{DefinitionID: &def, Severity: SeverityCritical}, nil},
		{"a flag from a definition with an unknown severity is refused", NewRedFlag{DefinitionID: &def, Severity: "huge"}, []string{"severity"}},
		{"a description over 4000 characters is refused", NewRedFlag{DefinitionID: &def, Description: strings.Repeat("d", 4001)}, []string{"description"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			in := tt.in
			fieldsEqual(t, in.Validate(), tt.want)
		})
	}
}

func TestRedFlagMoveValidate(t *testing.T) {
	tests := []struct {
		name string
		in   RedFlagMove
		want []string
	}{
		{"open needs no resolution", RedFlagMove{Status: FlagOpen}, nil},
		{"mitigated needs no resolution", RedFlagMove{Status: FlagMitigated}, nil},
		{"closed needs no resolution", RedFlagMove{Status: FlagClosed}, nil},
		{"accepted with a resolution is valid", RedFlagMove{Status: FlagAccepted, Resolution: "within appetite"}, nil},
		{"accepted without a resolution is refused", RedFlagMove{Status: FlagAccepted}, []string{"resolution"}},
		{"accepted with a blank resolution is refused", RedFlagMove{Status: FlagAccepted, Resolution: " \n"}, []string{"resolution"}},
		{"an unknown status is refused", RedFlagMove{Status: "ignored"}, []string{"status"}},
		{"an empty status is refused", RedFlagMove{}, []string{"status"}},
		{"a resolution over 4000 characters is refused", RedFlagMove{Status: FlagClosed, Resolution: strings.Repeat("r", 4001)}, []string{"resolution"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			in := tt.in
			fieldsEqual(t, in.Validate(), tt.want)
		})
	}
}

func TestValidateShortlist(t *testing.T) {
	cands := map[int64]bool{1: true, 2: true, 3: true}
	e := func(id int64, rank int, why string) ShortlistEntry {
		return ShortlistEntry{CustodianID: id, Rank: rank, Rationale: why}
	}
	tests := []struct {
		name    string
		entries []ShortlistEntry
		wantErr string // substring of a reason; "" for valid
	}{
		{"one candidate ranked 1 is valid", []ShortlistEntry{e(2, 1, "best")}, ""},
		{"ranks 1..n in any order are valid", []ShortlistEntry{e(3, 2, "b"), e(1, 3, "c"), e(2, 1, "a")}, ""},
		{"an empty shortlist is refused", nil, "at least one"},
		{"a rank 0 is refused", []ShortlistEntry{e(1, 0, "a")}, "ranks must be 1 to 1"},
		{"a gap in ranks is refused", []ShortlistEntry{e(1, 1, "a"), e(2, 3, "b")}, "ranks must be 1 to 2"},
		{"a repeated rank is refused", []ShortlistEntry{e(1, 1, "a"), e(2, 1, "b")}, "each once"},
		{"a negative rank is refused", []ShortlistEntry{e(1, -1, "a"), e(2, 1, "b")}, "each once"},
		{"a non-candidate is refused", []ShortlistEntry{e(1, 1, "a"), e(4, 2, "b")}, "custodian 4 is not a candidate"},
		{"a custodian listed twice is refused", []ShortlistEntry{e(1, 1, "a"), e(1, 2, "b")}, "custodian 1 is listed twice"},
		{"a missing rationale is refused", []ShortlistEntry{e(1, 1, "a"), e(2, 2, "")}, "needs a rationale"},
		{"a blank rationale is refused", []ShortlistEntry{e(1, 1, "  \t")}, "needs a rationale"},
		{"a rationale over 4000 characters is refused", []ShortlistEntry{e(1, 1, strings.Repeat("x", 4001))}, "too long"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			err := ValidateShortlist(tt.entries, cands)
			if tt.wantErr == "" {
				if err != nil {
					t.Fatalf("unexpected error: %v\n%s", err, reasons(err))
				}
				return
			}
			fieldsEqual(t, err, []string{"entries"})
			if !strings.Contains(reasons(err), tt.wantErr) {
				t.Fatalf("reasons %q do not mention %q", reasons(err), tt.wantErr)
			}
		})
	}
	t.Run("several problems are all reported", func(t *testing.T) {
		err := ValidateShortlist([]ShortlistEntry{e(9, 1, ""), e(9, 1, "x")}, cands)
		r := reasons(err)
		for _, want := range []string{"custodian 9 is not a candidate", "listed twice", "each once", "needs a rationale"} {
			if !strings.Contains(r, want) {
				t.Errorf("reasons %q do not mention %q", r, want)
			}
		}
	})
	t.Run("rationales are trimmed in place", func(t *testing.T) {
		es := []ShortlistEntry{e(1, 1, "  best \n")}
		if err := ValidateShortlist(es, cands); err != nil || es[0].Rationale != "best" {
			t.Fatalf("rationale = %q, err %v", es[0].Rationale, err)
		}
	})
}

func ids(n int) []int64 {
	out := make([]int64, n)
	for i := range out {
		out[i] = int64(i + 1)
	}
	return out
}

func validNewEvaluation() NewEvaluation {
	due := "2025-12-31"
	return NewEvaluation{TeamID: 1, Title: "Custody RFP", TemplateID: 2,
		Mandate:      Mandate{Regions: []string{"EU", "US"}, Assets: []string{"BTC"}, ExpectedAUCUSD: 1},
		CustodianIDs: []int64{10, 11}, DueDate: &due}
}

func TestNewEvaluationValidate(t *testing.T) {
	str := func(s string) *string { return &s }
	tests := []struct {
		name   string
		change func(n *NewEvaluation)
		want   []string
	}{
		{"a complete evaluation is valid", func(n *NewEvaluation) {}, nil},
		{"no due date is valid", func(n *NewEvaluation) { n.DueDate = nil }, nil},
		{"2 candidates are the minimum", func(n *NewEvaluation) { n.CustodianIDs = ids(2) }, nil},
		{"20 candidates are the maximum", func(n *NewEvaluation) { n.CustodianIDs = ids(20) }, nil},
		{"1 candidate is too few", func(n *NewEvaluation) { n.CustodianIDs = ids(1) }, []string{"custodian_ids"}},
		{"no candidates are too few", func(n *NewEvaluation) { n.CustodianIDs = nil }, []string{"custodian_ids"}},
		{"21 candidates are too many", func(n *NewEvaluation) { n.CustodianIDs = ids(21) }, []string{"custodian_ids"}},
		{"a duplicate candidate is refused", func(n *NewEvaluation) { n.CustodianIDs = []int64{10, 11, 10} }, []string{"custodian_ids"}},
		{"an unknown region is refused", func(n *NewEvaluation) { n.Mandate.Regions = []string{"EU", "XX"} }, []string{"mandate.regions"}},
		{"a region in lower case is unknown", func(n *NewEvaluation) { n.Mandate.Regions = []string{"eu"} }, []string{"mandate.regions"}},
		{"no region is refused", func(n *NewEvaluation) { n.Mandate.Regions = nil }, []string{"mandate.regions"}},
		{"a region listed twice is refused", func(n *NewEvaluation) { n.Mandate.Regions = []string{"US", "US"} }, []string{"mandate.regions"}},
		{"a blank asset is refused", func(n *NewEvaluation) { n.Mandate.Assets = []string{"BTC", " "} }, []string{"mandate.assets"}},
		{"a negative AUC is refused", func(n *NewEvaluation) { n.Mandate.ExpectedAUCUSD = -1 }, []string{"mandate.expected_assets_under_custody_usd"}},
		{"a due date in another format is refused", func(n *NewEvaluation) { n.DueDate = str("31/12/2025") }, []string{"due_date"}},
		{"a due date that does not exist is refused", func(n *NewEvaluation) { n.DueDate = str("2025-02-30") }, []string{"due_date"}},
		{"a due date with a time is refused", func(n *NewEvaluation) { n.DueDate = str("2025-12-31T00:00:00Z") }, []string{"due_date"}},
		{"an empty due date is refused", func(n *NewEvaluation) { n.DueDate = str("") }, []string{"due_date"}},
		{"a missing team is refused", func(n *NewEvaluation) { n.TeamID = 0 }, []string{"team_id"}},
		{"a missing template is refused", func(n *NewEvaluation) { n.TemplateID = 0 }, []string{"template_id"}},
		{"a blank title is refused", func(n *NewEvaluation) { n.Title = "   " }, []string{"title"}},
		{"a title over 200 characters is refused", func(n *NewEvaluation) { n.Title = strings.Repeat("t", 201) }, []string{"title"}},
		{"every problem is reported at once", func(n *NewEvaluation) {
			*n = NewEvaluation{Title: " ", Mandate: Mandate{Regions: []string{"ZZ"}, ExpectedAUCUSD: -5},
				CustodianIDs: []int64{3}, DueDate: str("tomorrow")}
		}, []string{"team_id", "template_id", "title", "mandate.regions", "mandate.expected_assets_under_custody_usd", "due_date", "custodian_ids"}},
		{"too few and duplicated candidates are both reported", func(n *NewEvaluation) { n.CustodianIDs = ids(21); n.CustodianIDs[20] = 1 }, []string{"custodian_ids"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			n := validNewEvaluation()
			tt.change(&n)
			fieldsEqual(t, n.Validate(), tt.want)
		})
	}
	t.Run("the title is trimmed and nil assets become empty", func(t *testing.T) {
		n := validNewEvaluation()
		n.Title, n.Mandate.Assets = "  RFP  ", nil
		if err := n.Validate(); err != nil || n.Title != "RFP" || n.Mandate.Assets == nil {
			t.Fatalf("title %q assets %v err %v", n.Title, n.Mandate.Assets, err)
		}
	})
	t.Run("over the limit and duplicated candidates report two problems", func(t *testing.T) {
		n := validNewEvaluation()
		n.CustodianIDs = append(ids(20), 1)
		var e *Error
		if err := n.Validate(); !errors.As(err, &e) || len(e.Fields) != 2 {
			t.Fatalf("want two custodian_ids problems, got %v", reasons(err))
		}
	})
}

var (
	pdfBytes  = []byte("%PDF-1.7\n%\xe2\xe3\xcf\xd3\n1 0 obj\n<< /Type /Catalog >>\nendobj\n")
	pngBytes  = []byte("\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x01\x00\x00\x00\x01\x08\x06\x00\x00\x00")
	jpegBytes = []byte("\xFF\xD8\xFF\xE0\x00\x10JFIF\x00\x01\x01\x00\x00\x01\x00\x01\x00\x00")
	elfBytes  = []byte("\x7fELF\x02\x01\x01\x00\x00\x00\x00\x00\x00\x00\x00\x00\x02\x00>\x00\x01\x00\x00\x00")
	peBytes   = []byte("MZ\x90\x00\x03\x00\x00\x00\x04\x00\x00\x00\xff\xff\x00\x00\xb8\x00\x00\x00")
)

func TestCheckEvidence_DetectsTheTypeFromTheBytes(t *testing.T) {
	tests := []struct {
		name      string
		label     string
		content   []byte
		wantType  string
		wantValid bool
	}{
		{"a PDF is a PDF", "soc2.pdf", pdfBytes, "application/pdf", true},
		{"a PDF named .png is still a PDF", "photo.png", pdfBytes, "application/pdf", true},
		{"a PNG is a PNG", "diagram.png", pngBytes, "image/png", true},
		{"a PNG named .pdf is still a PNG", "report.pdf", pngBytes, "image/png", true},
		{"a JPEG is a JPEG", "scan.jpg", jpegBytes, "image/jpeg", true},
		{"plain text is text/plain without parameters", "notes.txt", []byte("Insurance: Lloyd's syndicate\n"), "text/plain", true},
		{"an HTML page is refused even if named .pdf", "report.pdf", []byte("<!DOCTYPE html><html><body>hi</body></html>"), "text/html", false},
		{"an HTML fragment with a script is refused", "notes.txt", []byte("  <script>alert(1)</script>"), "text/html", false},
		{"an ELF executable is refused", "tool.pdf", elfBytes, "application/octet-stream", false},
		{"a Windows executable is refused", "invoice.pdf", peBytes, "application/octet-stream", false},
		{"a ZIP archive is refused", "bundle.pdf", []byte("PK\x03\x04\x14\x00\x00\x00\x08\x00"), "application/zip", false},
		{"an XML document is refused", "image.png", []byte(`<?xml version="1.0"?><svg xmlns="http://www.w3.org/2000/svg"/>`), "text/xml", false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, ctype, err := CheckEvidence(tt.label, tt.content)
			if ctype != tt.wantType {
				t.Errorf("type = %q, want %q", ctype, tt.wantType)
			}
			if tt.wantValid {
				if err != nil {
					t.Fatalf("refused: %v", reasons(err))
				}
				if _, ok := EvidenceTypes[ctype]; !ok {
					t.Fatalf("accepted type %q is not in EvidenceTypes", ctype)
				}
			} else {
				fieldsEqual(t, err, []string{"file"})
			}
		})
	}
}

func TestCheckEvidence_RefusesEmptyAndOversizedFiles(t *testing.T) {
	tests := []struct {
		name    string
		content []byte
		valid   bool
		reason  string
	}{
		{"an empty file is refused", nil, false, "is empty"},
		{"a zero-length file is refused", []byte{}, false, "is empty"},
		{"a one-byte text file is accepted", []byte("a"), true, ""},
		{"exactly 10 MiB is accepted", bytes.Repeat([]byte("a"), MaxEvidenceBytes), true, ""},
		{"10 MiB and one byte is refused", bytes.Repeat([]byte("a"), MaxEvidenceBytes+1), false, "larger than 10 MiB"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, _, err := CheckEvidence("f.txt", tt.content)
			if tt.valid {
				if err != nil {
					t.Fatalf("refused: %v", reasons(err))
				}
				return
			}
			fieldsEqual(t, err, []string{"file"})
			if r := reasons(err); !strings.Contains(r, tt.reason) || strings.Count(r, "\n") != 1 {
				t.Fatalf("reasons %q: want exactly one, mentioning %q", r, tt.reason)
			}
		})
	}
	if MaxEvidenceBytes != 10*1024*1024 {
		t.Fatalf("MaxEvidenceBytes = %d, want 10 MiB", MaxEvidenceBytes)
	}
}

func TestCheckEvidence_TidiesTheLabel(t *testing.T) {
	tests := []struct {
		name  string
		label string
		want  string
		valid bool
	}{
		{"a plain label is kept", "SOC 2 Type II.pdf", "SOC 2 Type II.pdf", true},
		{"surrounding space is trimmed", "  soc2.pdf \t", "soc2.pdf", true},
		{"control characters are stripped", "soc\x00\r\n2\x1b[31m\x7f.pdf", "soc2[31m.pdf", true},
		{"a tab inside is stripped", "a\tb", "ab", true},
		{"non-ASCII letters are kept", "Prüfbericht – 2025.pdf", "Prüfbericht – 2025.pdf", true},
		{"an empty label becomes evidence", "", "evidence", true},
		{"a label of only control characters becomes evidence", "\x00\x01\n", "evidence", true},
		{"200 characters are accepted", strings.Repeat("ä", 200), strings.Repeat("ä", 200), true},
		{"201 characters are refused", strings.Repeat("a", 201), strings.Repeat("a", 201), false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			label, _, err := CheckEvidence(tt.label, []byte("text"))
			if label != tt.want {
				t.Errorf("label = %q, want %q", label, tt.want)
			}
			if tt.valid && err != nil {
				t.Fatalf("refused: %v", reasons(err))
			}
			if !tt.valid {
				fieldsEqual(t, err, []string{"file"})
			}
		})
	}
}

func TestCheckEvidence_StripsC1ControlCharactersFromTheLabel(t *testing.T) {
	label, _, err := CheckEvidence("soc\u00852\u009b.pdf", []byte("text"))
	if err != nil || label != "soc2.pdf" {
		t.Fatalf("label = %q, err %v; want %q", label, err, "soc2.pdf")
	}
}
