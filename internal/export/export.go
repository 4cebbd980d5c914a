// Package export writes an evaluation as XLSX or CSV and the catalogue as
// CSV. It only lays out what the store read (and recorded as taken): every
// number is the API's, never computed again here.
package export

import (
	"encoding/csv"
	"fmt"
	"io"
	"strconv"
	"strings"

	"github.com/custos-dd/custos/internal/custos"
)

// Guard keeps a spreadsheet from reading a text cell as a formula (CSV or
// formula injection): a value starting with = + - @, a tab or a carriage
// return gets a leading apostrophe, which spreadsheets show as text. A
// note such as "=HYPERLINK(...)" typed into a checklist answer thus opens
// as the text it is. Numbers are written by the exporters themselves and
// never pass through here.
func Guard(s string) string {
	if s == "" {
		return s
	}
	switch s[0] {
	case '=', '+', '-', '@', '\t', '\r':
		return "'" + s
	}
	return s
}

// csvWriter guards every text cell it writes.
type csvWriter struct{ w *csv.Writer }

func newCSV(w io.Writer) *csvWriter { return &csvWriter{csv.NewWriter(w)} }

// row writes one record; strings are guarded, numbers formatted as the
// API's JSON writes them.
func (c *csvWriter) row(cells ...any) error {
	rec := make([]string, len(cells))
	for i, v := range cells {
		switch v := v.(type) {
		case string:
			rec[i] = Guard(v)
		case int:
			rec[i] = strconv.Itoa(v)
		case int64:
			rec[i] = strconv.FormatInt(v, 10)
		case float64:
			rec[i] = strconv.FormatFloat(v, 'f', -1, 64)
		case bool:
			rec[i] = strconv.FormatBool(v)
		case nil:
			rec[i] = ""
		default:
			return fmt.Errorf("export: no CSV form for %T", v)
		}
	}
	return c.w.Write(rec)
}

func (c *csvWriter) flush() error { c.w.Flush(); return c.w.Error() }

// itemsOf returns the template's items with their section's title.
func itemsOf(t *custos.Template) (items []custos.ChecklistItem, section map[int64]string) {
	section = map[int64]string{}
	for _, s := range t.Sections {
		for _, it := range s.Items {
			items = append(items, it)
			section[it.ID] = s.Title
		}
	}
	return items, section
}

func evidenceCount(a custos.Assessment) map[int64]int {
	n := map[int64]int{}
	for _, ev := range a.Evidence {
		n[ev.ItemID]++
	}
	return n
}

// AnswersCSV writes one row per candidate and checklist item, candidates in
// the workspace's order and items in the template's:
//
//	custodian_id,custodian,section,item_id,item_key,item,evidence_required,status,carried_forward,note,evidence_files
func AnswersCSV(w io.Writer, ws *custos.Workspace) error {
	c := newCSV(w)
	if err := c.row("custodian_id", "custodian", "section", "item_id", "item_key", "item", "evidence_required",
		"status", "carried_forward", "note", "evidence_files"); err != nil {
		return err
	}
	items, section := itemsOf(ws.Template)
	for _, a := range ws.Assessments {
		answers := map[int64]custos.Answer{}
		for _, an := range a.Answers {
			answers[an.ItemID] = an
		}
		files := evidenceCount(a)
		for _, it := range items {
			an := answers[it.ID]
			if err := c.row(a.Custodian.ID, a.Custodian.Name, section[it.ID], it.ID, it.Key, it.Prompt, it.EvidenceRequired,
				string(an.Status), an.CarriedForward, an.Note, files[it.ID]); err != nil {
				return err
			}
		}
	}
	return c.flush()
}

// ScoresCSV writes the scores matrix: one row per candidate in ranking
// order, a column per criterion (its key; the score 0–5, empty when not
// scored), then the weighted total (Σ weight × score / 5), the checklist
// completion and the open red flags:
//
//	rank,custodian_id,custodian,<criterion key>…,weighted_total,answered,items,open_red_flags
func ScoresCSV(w io.Writer, ws *custos.Workspace) error {
	c := newCSV(w)
	head := []any{"rank", "custodian_id", "custodian"}
	for _, cr := range ws.Template.Criteria {
		head = append(head, cr.Key)
	}
	if err := c.row(append(head, "weighted_total", "answered", "items", "open_red_flags")...); err != nil {
		return err
	}
	for _, a := range ranked(ws) {
		row := []any{a.Rank, a.Custodian.ID, a.Custodian.Name}
		for _, cr := range ws.Template.Criteria {
			row = append(row, scoreOf(a, cr.Key))
		}
		row = append(row, a.WeightedTotal, a.Completion.Answered, a.Completion.Total, openFlags(a))
		if err := c.row(row...); err != nil {
			return err
		}
	}
	return c.flush()
}

// RedFlagsCSV writes one row per red flag:
//
//	flag_id,custodian_id,custodian,title,severity,status,resolution,reason,mandate_rule
func RedFlagsCSV(w io.Writer, ws *custos.Workspace) error {
	c := newCSV(w)
	if err := c.row("flag_id", "custodian_id", "custodian", "title", "severity", "status", "resolution", "reason", "mandate_rule"); err != nil {
		return err
	}
	for _, a := range ws.Assessments {
		for _, f := range a.RedFlags {
			rule := ""
			if f.MandateRule != nil {
				rule = *f.MandateRule
			}
			if err := c.row(f.ID, a.Custodian.ID, a.Custodian.Name, f.Title, string(f.Severity), string(f.Status),
				f.Resolution, f.Reason, rule); err != nil {
				return err
			}
		}
	}
	return c.flush()
}

// CatalogueCSV writes the catalogue, one custodian a row; lists are joined
// with "; " and each licence is "regulator: name (jurisdiction)".
//
//	id,slug,name,legal_entity,licences,qualified_custodian,regions,key_management,staking,settlement_network,fee_model,notes,updated_at
func CatalogueCSV(w io.Writer, custodians []*custos.Custodian) error {
	c := newCSV(w)
	if err := c.row("id", "slug", "name", "legal_entity", "licences", "qualified_custodian", "regions", "key_management",
		"staking", "settlement_network", "fee_model", "notes", "updated_at"); err != nil {
		return err
	}
	for _, cu := range custodians {
		var lic []string
		for _, l := range cu.Licences {
			lic = append(lic, fmt.Sprintf("%s: %s (%s)", l.Regulator, l.Name, l.Jurisdiction))
		}
		if err := c.row(cu.ID, cu.Slug, cu.Name, cu.LegalEntity, strings.Join(lic, "; "), cu.QualifiedCustodian,
			strings.Join(cu.Regions, "; "), strings.Join(cu.KeyManagement, "; "), cu.Staking, cu.SettlementNetwork,
			cu.FeeModel, cu.Notes, cu.UpdatedAt.UTC().Format("2006-01-02T15:04:05Z")); err != nil {
			return err
		}
	}
	return c.flush()
}

// ranked returns the assessments in ranking order (the workspace's ranking).
func ranked(ws *custos.Workspace) []custos.Assessment {
	by := map[int64]custos.Assessment{}
	for _, a := range ws.Assessments {
		by[a.Custodian.ID] = a
	}
	out := make([]custos.Assessment, 0, len(ws.Ranking))
	for _, r := range ws.Ranking {
		out = append(out, by[r.CustodianID])
	}
	return out
}

// scoreOf is the candidate's score on a criterion, nil when unscored.
func scoreOf(a custos.Assessment, key string) any {
	for _, s := range a.Scores {
		if s.Criterion == key {
			return s.Score
		}
	}
	return nil
}

func openFlags(a custos.Assessment) int {
	n := 0
	for _, f := range a.RedFlags {
		if f.Status == custos.FlagOpen {
			n++
		}
	}
	return n
}
