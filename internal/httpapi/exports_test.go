package httpapi_test

import (
	"bytes"
	"encoding/csv"
	"fmt"
	"net/http"
	"strconv"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/xuri/excelize/v2"

	"github.com/custos-dd/custos/internal/apitest"
	"github.com/custos-dd/custos/internal/custos"
	"github.com/custos-dd/custos/internal/export"
)

// An approved evaluation of two candidates with different scores, a red
// flag, an approval and text that a spreadsheet would run as a formula.
func exportedEvaluation(t *testing.T) (*apitest.Kit, *custos.Workspace) {
	t.Helper()
	k := apitest.NewKit(t)
	k.SetApprovalsRequired(1)
	ws := k.Submittable()
	id := ws.Evaluation.ID
	anchorage := k.Custodian("anchorage-digital-bank")
	k.ScoreAll(k.Officer, id, anchorage, 5, 3, 2, 4, 1, 0)
	k.Answer(k.Officer, id, anchorage, k.Template.Items()[0].ID, "not_met", `=HYPERLINK("http://evil.example","Open")`)
	flag := k.Raise(k.Officer, id, anchorage, map[string]any{"title": "-2 keys held by one person", "severity": "high"})
	k.Move(k.Officer, id, flag.ID, "mitigated", "@SUM(1) second keyholder appointed.")
	k.Submit(k.Officer, id)
	apitest.ExpectStatus(t, apitest.Decide(k.Env.Login("manager@example.com"), id, "approve", "Agreed."), http.StatusOK)
	return k, k.Workspace(k.Officer, id)
}

func download(t *testing.T, c *apitest.Client, path, ctype string) []byte {
	t.Helper()
	res := c.Do(http.MethodGet, path, nil)
	apitest.ExpectStatus(t, res, http.StatusOK)
	if got := res.Header.Get("Content-Type"); !strings.HasPrefix(got, ctype) {
		t.Errorf("%s: Content-Type %q, want %s", path, got, ctype)
	}
	if cd := res.Header.Get("Content-Disposition"); !strings.HasPrefix(cd, "attachment;") {
		t.Errorf("%s: Content-Disposition %q", path, cd)
	}
	return res.Body
}

func readCSV(t *testing.T, b []byte) [][]string {
	t.Helper()
	rows, err := csv.NewReader(bytes.NewReader(b)).ReadAll()
	if err != nil {
		t.Fatalf("CSV: %v\n%s", err, b)
	}
	return rows
}

func num(t *testing.T, s string) float64 {
	t.Helper()
	f, err := strconv.ParseFloat(s, 64)
	if err != nil {
		t.Fatalf("not a number: %q", s)
	}
	return f
}

// The numbers of the API, as the exports must show them.
type exportedNumbers struct {
	Totals map[string]float64
	Ranks  map[string]int
	Scores map[string]map[string]string // custodian → criterion key → score ("" when unscored)
	Flags  []string                     // custodian|title|severity|status|resolution
}

func numbersOf(ws *custos.Workspace) exportedNumbers {
	n := exportedNumbers{Totals: map[string]float64{}, Ranks: map[string]int{}, Scores: map[string]map[string]string{}}
	for _, a := range ws.Assessments {
		name := a.Custodian.Name
		n.Totals[name], n.Ranks[name] = a.WeightedTotal, a.Rank
		n.Scores[name] = map[string]string{}
		for _, cr := range ws.Template.Criteria {
			n.Scores[name][cr.Key] = ""
		}
		for _, s := range a.Scores {
			n.Scores[name][s.Criterion] = strconv.Itoa(s.Score)
		}
		for _, f := range a.RedFlags {
			n.Flags = append(n.Flags, strings.Join([]string{name, export.Guard(f.Title), string(f.Severity), string(f.Status), export.Guard(f.Resolution)}, "|"))
		}
	}
	return n
}

// The workbook, opened back with excelize, holds the API's scores,
// weighted totals, ranks, answers, red flags and approvals; text that would
// be a formula is inert text.
func TestExport_XLSXMatchesTheAPI(t *testing.T) {
	t.Parallel()
	k, ws := exportedEvaluation(t)
	auditor := k.Env.Login("auditor@example.com")
	body := download(t, auditor, apitest.EvalPath(ws.Evaluation.ID, "/export?format=xlsx"), "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
	f, err := excelize.OpenReader(bytes.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	sheets := append([]string{export.SheetSummary, export.SheetScores}, export.CandidateSheets(ws)...)
	sheets = append(sheets, export.SheetRedFlags, export.SheetApprovals)
	if d := cmp.Diff(sheets, f.GetSheetList()); d != "" {
		t.Errorf("sheets (-want +got):\n%s", d)
	}

	want := numbersOf(ws)
	got := exportedNumbers{Totals: map[string]float64{}, Ranks: map[string]int{}, Scores: map[string]map[string]string{}}
	rows, err := f.GetRows(export.SheetScores)
	if err != nil {
		t.Fatal(err)
	}
	names := rows[0][2:]
	for _, name := range names {
		got.Scores[name] = map[string]string{}
	}
	for i, cr := range ws.Template.Criteria {
		r := rows[i+1]
		if r[0] != cr.Name || r[1] != strconv.Itoa(cr.Weight) {
			t.Errorf("criterion row %d: %q", i, r[:2])
		}
		for j, name := range names {
			v := ""
			if j+2 < len(r) {
				v = r[j+2]
			}
			got.Scores[name][cr.Key] = v
		}
	}
	totals, ranks := rows[len(ws.Template.Criteria)+1], rows[len(ws.Template.Criteria)+2]
	if totals[0] != "Weighted total" || ranks[0] != "Rank" {
		t.Fatalf("rows after the criteria: %q, %q", totals, ranks)
	}
	for j, name := range names {
		got.Totals[name] = num(t, totals[j+2])
		got.Ranks[name] = int(num(t, ranks[j+2]))
		// A number cell, not text that looks like one.
		cell, _ := excelize.CoordinatesToCellName(j+3, len(ws.Template.Criteria)+2)
		if typ, _ := f.GetCellType(export.SheetScores, cell); typ != excelize.CellTypeUnset && typ != excelize.CellTypeNumber {
			t.Errorf("weighted total %s is a %v cell", cell, typ)
		}
	}
	rows, err = f.GetRows(export.SheetRedFlags)
	if err != nil {
		t.Fatal(err)
	}
	for _, r := range rows[1:] {
		got.Flags = append(got.Flags, strings.Join([]string{r[0], r[1], r[2], r[3], r[4]}, "|"))
	}
	if d := cmp.Diff(want, got); d != "" {
		t.Errorf("the workbook's numbers (-API +XLSX):\n%s", d)
	}

	// Each candidate's checklist: the API's statuses, item by item; the
	// formula-like note is text with its apostrophe, and no formula.
	for i, a := range ws.Assessments {
		sheet := export.CandidateSheets(ws)[i]
		rows, err := f.GetRows(sheet)
		if err != nil {
			t.Fatal(err)
		}
		var wantStatus, gotStatus []string
		for j, an := range a.Answers {
			wantStatus = append(wantStatus, string(an.Status))
			gotStatus = append(gotStatus, rows[j+1][3])
			if strings.HasPrefix(an.Note, "=") {
				if rows[j+1][5] != "'"+an.Note {
					t.Errorf("note %q exported as %q", an.Note, rows[j+1][5])
				}
				if formula, _ := f.GetCellFormula(sheet, fmt.Sprintf("F%d", j+2)); formula != "" {
					t.Errorf("the note became the formula %q", formula)
				}
			}
		}
		if d := cmp.Diff(wantStatus, gotStatus); d != "" {
			t.Errorf("%s checklist (-API +XLSX):\n%s", a.Custodian.Name, d)
		}
	}
	rows, err = f.GetRows(export.SheetApprovals)
	if err != nil {
		t.Fatal(err)
	}
	if len(rows) != 1+len(ws.Approvals) || rows[1][1] != ws.Approvals[0].ManagerName || rows[1][2] != "approve" ||
		rows[1][4] != fmt.Sprintf("%x", []byte(ws.Approvals[0].SnapshotHash)) {
		t.Errorf("approvals sheet: %q, API: %+v", rows, ws.Approvals)
	}
}

// The CSV parts, read back with encoding/csv, hold the API's numbers; the
// JSON is the workspace itself; each download is one audit event.
func TestExport_CSVAndJSONMatchTheAPI(t *testing.T) {
	t.Parallel()
	k, ws := exportedEvaluation(t)
	id := ws.Evaluation.ID
	want := numbersOf(ws)

	rows := readCSV(t, download(t, k.Officer, apitest.EvalPath(id, "/export?format=csv&part=scores"), "text/csv"))
	head := []string{"rank", "custodian_id", "custodian"}
	for _, cr := range ws.Template.Criteria {
		head = append(head, cr.Key)
	}
	head = append(head, "weighted_total", "answered", "items", "open_red_flags")
	if d := cmp.Diff(head, rows[0]); d != "" {
		t.Errorf("scores header (-want +got):\n%s", d)
	}
	got := exportedNumbers{Totals: map[string]float64{}, Ranks: map[string]int{}, Scores: map[string]map[string]string{}, Flags: want.Flags}
	for i, r := range rows[1:] {
		name := r[2]
		if name != ws.Ranking[i].Name {
			t.Errorf("row %d is %s, the ranking's is %s", i+1, name, ws.Ranking[i].Name)
		}
		got.Ranks[name] = int(num(t, r[0]))
		got.Scores[name] = map[string]string{}
		for j, cr := range ws.Template.Criteria {
			got.Scores[name][cr.Key] = r[3+j]
		}
		got.Totals[name] = num(t, r[3+len(ws.Template.Criteria)])
	}
	if d := cmp.Diff(want, got); d != "" {
		t.Errorf("scores CSV (-API +CSV):\n%s", d)
	}

	rows = readCSV(t, download(t, k.Officer, apitest.EvalPath(id, "/export?format=csv"), "text/csv"))
	if n := len(k.Template.Items()) * len(ws.Assessments); len(rows) != n+1 {
		t.Fatalf("answers CSV: %d rows, want %d and a header", len(rows)-1, n)
	}
	var wantAnswers, gotAnswers []string
	for _, a := range ws.Assessments {
		for _, an := range a.Answers {
			wantAnswers = append(wantAnswers, fmt.Sprintf("%d|%d|%s|%s", a.Custodian.ID, an.ItemID, an.Status, export.Guard(an.Note)))
		}
	}
	for _, r := range rows[1:] {
		gotAnswers = append(gotAnswers, strings.Join([]string{r[0], r[3], r[7], r[9]}, "|"))
	}
	if d := cmp.Diff(wantAnswers, gotAnswers); d != "" {
		t.Errorf("answers CSV (-API +CSV):\n%s", d)
	}
	if !slicesContain(gotAnswers, `'=HYPERLINK("http://evil.example","Open")`) {
		t.Errorf("the formula-like note is not guarded: %q", gotAnswers)
	}

	rows = readCSV(t, download(t, k.Officer, apitest.EvalPath(id, "/export?format=csv&part=red_flags"), "text/csv"))
	var flags []string
	for _, r := range rows[1:] {
		flags = append(flags, strings.Join([]string{r[2], r[3], r[4], r[5], r[6]}, "|"))
	}
	if d := cmp.Diff(want.Flags, flags); d != "" || len(flags) == 0 {
		t.Errorf("red flags CSV (-API +CSV):\n%s", d)
	}

	res := k.Officer.Do(http.MethodGet, apitest.EvalPath(id, "/export?format=json"), nil)
	apitest.ExpectStatus(t, res, http.StatusOK)
	if d := cmp.Diff(ws, apitest.Decode[*custos.Workspace](t, res)); d != "" {
		t.Errorf("JSON export (-API +file):\n%s", d)
	}

	// Bad parameters are named; another team cannot export.
	apitest.ExpectFieldErrors(t, k.Officer.Do(http.MethodGet, apitest.EvalPath(id, "/export?format=pdf"), nil), "format")
	apitest.ExpectFieldErrors(t, k.Officer.Do(http.MethodGet, apitest.EvalPath(id, "/export?format=csv&part=memo"), nil), "part")
	apitest.ExpectFieldErrors(t, k.Officer.Do(http.MethodGet, apitest.EvalPath(id, "/export?format=xlsx&part=scores"), nil), "part")
	apitest.ExpectProblem(t, k.Env.Login("other.officer@example.com").Do(http.MethodGet, apitest.EvalPath(id, "/export?format=json"), nil), http.StatusNotFound)

	// Four downloads, four audit events, each naming format and part.
	page, err := k.Env.Audit.ListAuditEvents(k.Ctx(), custos.AuditFilter{TeamID: &k.Treasury, Limit: 50})
	if err != nil {
		t.Fatal(err)
	}
	var exports []string
	for _, e := range page.Items {
		if e.Action == "evaluation.export" && e.ObjectID == strconv.FormatInt(id, 10) {
			exports = append(exports, e.Actor+" "+string(e.After))
		}
	}
	v := ws.Evaluation.Version
	wantExports := []string{
		fmt.Sprintf(`officer@example.com {"format": "json", "version": %d}`, v),
		fmt.Sprintf(`officer@example.com {"part": "red_flags", "format": "csv", "version": %d}`, v),
		fmt.Sprintf(`officer@example.com {"part": "answers", "format": "csv", "version": %d}`, v),
		fmt.Sprintf(`officer@example.com {"part": "scores", "format": "csv", "version": %d}`, v),
	}
	if d := cmp.Diff(wantExports, exports); d != "" {
		t.Errorf("export audit events, newest first (-want +got):\n%s", d)
	}
}

func slicesContain(list []string, suffix string) bool {
	for _, s := range list {
		if strings.HasSuffix(s, suffix) {
			return true
		}
	}
	return false
}

// The catalogue CSV, read back, lists the API's custodians; the download is
// audited.
func TestExport_CatalogueCSV(t *testing.T) {
	t.Parallel()
	k := apitest.NewKit(t)
	res := k.Officer.Do(http.MethodGet, "/api/v1/custodians?limit=100", nil)
	apitest.ExpectStatus(t, res, http.StatusOK)
	var want []string
	for _, c := range apitest.Decode[custos.CustodianPage](t, res).Items {
		want = append(want, fmt.Sprintf("%d|%s|%t|%s", c.ID, c.Name, c.QualifiedCustodian, strings.Join(c.Regions, "; ")))
	}
	rows := readCSV(t, download(t, k.Officer, "/api/v1/catalogue/export", "text/csv"))
	if rows[0][0] != "id" || rows[0][2] != "name" {
		t.Errorf("header %q", rows[0])
	}
	var got []string
	for _, r := range rows[1:] {
		got = append(got, strings.Join([]string{r[0], r[2], r[5], r[6]}, "|"))
	}
	if d := cmp.Diff(want, got); d != "" || len(got) < 10 {
		t.Errorf("catalogue CSV (-API +CSV):\n%s", d)
	}
	page, err := k.Env.Audit.ListAuditEvents(k.Ctx(), custos.AuditFilter{Limit: 5})
	if err != nil {
		t.Fatal(err)
	}
	if e := page.Items[0]; e.Action != "catalogue.export" || e.TeamID != nil || e.Actor != "officer@example.com" ||
		string(e.After) != fmt.Sprintf(`{"format": "csv", "custodians": %d}`, len(want)) {
		t.Errorf("newest audit event: %s %v %s %s", e.Action, e.TeamID, e.Actor, e.After)
	}
}

// Guard puts an apostrophe before what a spreadsheet reads as a formula,
// and nothing else.
func TestGuard(t *testing.T) {
	t.Parallel()
	for in, want := range map[string]string{
		"=1+2": "'=1+2", "+44 20": "'+44 20", "-5": "'-5", "@SUM(A1)": "'@SUM(A1)", "\tx": "'\tx", "\rx": "'\rx",
		"": "", "Checked.": "Checked.", "a=b": "a=b", "'quoted": "'quoted",
	} {
		if got := export.Guard(in); got != want {
			t.Errorf("Guard(%q) = %q, want %q", in, got, want)
		}
	}
}
