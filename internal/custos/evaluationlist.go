package custos

import (
	"strings"
	"unicode/utf8"
)

// Validate checks the filters of the evaluation list; the text is trimmed
// so that a stray space does not hide every evaluation.
func (f *EvaluationFilter) Validate() error {
	var p Problems
	if f.CustodianID < 0 {
		p.Add("custodian", "must be a positive integer")
	}
	if f.PreparerID < 0 {
		p.Add("preparer", "must be a positive integer")
	}
	validDueDate(&p, f.DueBy)
	if len(p) > 0 && f.DueBy != nil {
		// validDueDate names the field of an evaluation; the list's is due_by.
		for i := range p {
			if p[i].Field == "due_date" {
				p[i].Field = "due_by"
			}
		}
	}
	f.Text = strings.TrimSpace(f.Text)
	if utf8.RuneCountInString(f.Text) > 200 {
		p.Add("q", "is too long (200 characters at most)")
	}
	return p.Err()
}
