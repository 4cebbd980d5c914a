package export

import (
	"fmt"
	"io"
	"strings"

	"github.com/xuri/excelize/v2"

	"github.com/custos-dd/custos/internal/custos"
)

// Sheet names of the workbook besides one per candidate.
const (
	SheetSummary   = "Summary"
	SheetScores    = "Scores"
	SheetRedFlags  = "Red flags"
	SheetApprovals = "Approvals"
)

// XLSX writes the evaluation as a workbook: Summary; Scores (a row per
// criterion with its weight and each candidate's score, then the weighted
// totals and the ranks); a sheet per candidate's checklist; Red flags;
// Approvals. Numbers are number cells; text is stored as text cells, which
// a spreadsheet never evaluates, and guarded like the CSV besides (Guard),
// so a copy pasted elsewhere stays inert too.
func XLSX(w io.Writer, ws *custos.Workspace) error {
	f := excelize.NewFile()
	defer f.Close()
	if err := f.SetSheetName("Sheet1", SheetSummary); err != nil {
		return err
	}
	bold, err := f.NewStyle(&excelize.Style{Font: &excelize.Font{Bold: true}})
	if err != nil {
		return err
	}
	b := &book{f: f, bold: bold}
	b.summary(ws)
	b.scores(ws)
	names := CandidateSheets(ws)
	for i, a := range ws.Assessments {
		b.checklist(names[i], ws, a)
	}
	b.redFlags(ws)
	b.approvals(ws)
	if b.err != nil {
		return b.err
	}
	_, err = f.WriteTo(w)
	return err
}

// CandidateSheets names each candidate's checklist sheet, in the
// workspace's order: the custodian's name cut to Excel's 31 characters,
// without the characters a sheet name may not hold, made unique.
func CandidateSheets(ws *custos.Workspace) []string {
	used := map[string]bool{strings.ToLower(SheetSummary): true, strings.ToLower(SheetScores): true,
		strings.ToLower(SheetRedFlags): true, strings.ToLower(SheetApprovals): true}
	out := make([]string, len(ws.Assessments))
	for i, a := range ws.Assessments {
		name := strings.Map(func(r rune) rune {
			if strings.ContainsRune(`:\/?*[]'`, r) {
				return ' '
			}
			return r
		}, a.Custodian.Name)
		name = strings.TrimSpace(name)
		if name == "" {
			name = fmt.Sprintf("Custodian %d", a.Custodian.ID)
		}
		base := []rune(name)
		if len(base) > 31 {
			base = base[:31]
		}
		name = string(base)
		for n := 2; used[strings.ToLower(name)]; n++ {
			suffix := fmt.Sprintf(" (%d)", n)
			r := []rune(string(base))
			if len(r)+len([]rune(suffix)) > 31 {
				r = r[:31-len([]rune(suffix))]
			}
			name = strings.TrimSpace(string(r)) + suffix
		}
		used[strings.ToLower(name)] = true
		out[i] = name
	}
	return out
}

// book writes rows and keeps the first error.
type book struct {
	f    *excelize.File
	bold int
	err  error
}

func (b *book) sheet(name string) {
	if b.err != nil {
		return
	}
	if _, err := b.f.NewSheet(name); err != nil {
		b.err = err
	}
}

// row writes cells from column A of the given 1-based row; strings are
// guarded.
func (b *book) row(sheet string, n int, cells ...any) {
	if b.err != nil {
		return
	}
	for i, v := range cells {
		if s, ok := v.(string); ok {
			cells[i] = Guard(s)
		}
	}
	cell, err := excelize.CoordinatesToCellName(1, n)
	if err == nil {
		err = b.f.SetSheetRow(sheet, cell, &cells)
	}
	if err != nil {
		b.err = err
	}
}

// head writes a bold header row.
func (b *book) head(sheet string, n int, cells ...any) {
	b.row(sheet, n, cells...)
	if b.err != nil {
		return
	}
	last, err := excelize.CoordinatesToCellName(len(cells), n)
	if err == nil {
		err = b.f.SetCellStyle(sheet, fmt.Sprintf("A%d", n), last, b.bold)
	}
	if err != nil {
		b.err = err
	}
}

func (b *book) summary(ws *custos.Workspace) {
	e := ws.Evaluation
	s := SheetSummary
	due := ""
	if e.DueDate != nil {
		due = *e.DueDate
	}
	rows := [][]any{
		{"Evaluation", e.Title},
		{"Evaluation ID", e.ID},
		{"Status", string(e.Status)},
		{"Version", e.Version},
		{"Template", fmt.Sprintf("%s (version %d)", ws.Template.Name, ws.Template.Version)},
		{"Prepared by", e.OwnerName},
		{"Due", due},
		{"Mandate regions", strings.Join(e.Mandate.Regions, ", ")},
		{"Mandate assets", strings.Join(e.Mandate.Assets, ", ")},
		{"Qualified custodian required", e.Mandate.QualifiedCustodianRequired},
		{"Staking required", e.Mandate.StakingRequired},
		{"Approvals", fmt.Sprintf("%d of %d", ws.ApprovalsReceived, ws.ApprovalsRequired)},
	}
	for i, r := range rows {
		b.row(s, i+1, r...)
	}
	if b.err == nil {
		b.err = b.f.SetColWidth(s, "A", "A", 30)
	}
	if b.err == nil {
		b.err = b.f.SetColWidth(s, "B", "B", 60)
	}
}

func (b *book) scores(ws *custos.Workspace) {
	s := SheetScores
	b.sheet(s)
	head := []any{"Criterion", "Weight"}
	for _, a := range ws.Assessments {
		head = append(head, a.Custodian.Name)
	}
	b.head(s, 1, head...)
	n := 2
	for _, cr := range ws.Template.Criteria {
		row := []any{cr.Name, cr.Weight}
		for _, a := range ws.Assessments {
			row = append(row, scoreOf(a, cr.Key))
		}
		b.row(s, n, row...)
		n++
	}
	total, rank, done, flags := []any{"Weighted total", nil}, []any{"Rank", nil}, []any{"Checklist answered", nil}, []any{"Open red flags", nil}
	for _, a := range ws.Assessments {
		total = append(total, a.WeightedTotal)
		rank = append(rank, a.Rank)
		done = append(done, fmt.Sprintf("%d of %d", a.Completion.Answered, a.Completion.Total))
		flags = append(flags, openFlags(a))
	}
	b.head(s, n, total...)
	b.row(s, n+1, rank...)
	b.row(s, n+2, done...)
	b.row(s, n+3, flags...)
	if b.err == nil {
		b.err = b.f.SetColWidth(s, "A", "A", 28)
	}
}

func (b *book) checklist(s string, ws *custos.Workspace, a custos.Assessment) {
	b.sheet(s)
	b.head(s, 1, "Section", "Item", "Key", "Status", "Carried forward", "Note", "Evidence files")
	items, section := itemsOf(ws.Template)
	answers := map[int64]custos.Answer{}
	for _, an := range a.Answers {
		answers[an.ItemID] = an
	}
	files := evidenceCount(a)
	for i, it := range items {
		an := answers[it.ID]
		b.row(s, i+2, section[it.ID], it.Prompt, it.Key, string(an.Status), an.CarriedForward, an.Note, files[it.ID])
	}
	if b.err == nil {
		b.err = b.f.SetColWidth(s, "B", "B", 60)
	}
}

func (b *book) redFlags(ws *custos.Workspace) {
	s := SheetRedFlags
	b.sheet(s)
	b.head(s, 1, "Custodian", "Title", "Severity", "Status", "Resolution", "Reason")
	n := 2
	for _, a := range ws.Assessments {
		for _, f := range a.RedFlags {
			b.row(s, n, a.Custodian.Name, f.Title, string(f.Severity), string(f.Status), f.Resolution, f.Reason)
			n++
		}
	}
}

func (b *book) approvals(ws *custos.Workspace) {
	s := SheetApprovals
	b.sheet(s)
	b.head(s, 1, "Round", "Manager", "Decision", "Comment", "Snapshot SHA-256", "At (UTC)")
	for i, ap := range ws.Approvals {
		b.row(s, i+2, ap.Round, ap.ManagerName, string(ap.Decision), ap.Comment, fmt.Sprintf("%x", []byte(ap.SnapshotHash)),
			ap.CreatedAt.UTC().Format("2006-01-02 15:04:05"))
	}
}
