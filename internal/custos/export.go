package custos

import "context"

// Exports: an evaluation or the catalogue leaves Custos as a file. Each
// download is an audit event recorded in the transaction that reads what
// the file holds, so no copy leaves without a record of who took it and
// the file holds exactly what was recorded as taken.

// ExportFormat is the kind of file an evaluation is exported as.
type ExportFormat string

const (
	ExportXLSX ExportFormat = "xlsx"
	ExportCSV  ExportFormat = "csv"
	ExportJSON ExportFormat = "json"
)

// ExportPart is which table a CSV export holds: a CSV file is one table, so
// the evaluation is exported as one of these at a time.
type ExportPart string

const (
	// PartAnswers: one row per candidate and checklist item.
	PartAnswers ExportPart = "answers"
	// PartScores: one row per candidate, a column per criterion, the
	// weighted total and the rank.
	PartScores ExportPart = "scores"
	// PartRedFlags: one row per red flag.
	PartRedFlags ExportPart = "red_flags"
)

// EvaluationExport says what is exported.
type EvaluationExport struct {
	Format ExportFormat
	// Part is set for CSV only (answers when empty).
	Part ExportPart
}

// Validate checks the format and the part, naming the query parameter.
func (x *EvaluationExport) Validate() error {
	var p Problems
	switch x.Format {
	case ExportXLSX, ExportJSON:
		if x.Part != "" {
			p.Add("part", "only a CSV export has parts")
		}
	case ExportCSV:
		switch x.Part {
		case "":
			x.Part = PartAnswers
		case PartAnswers, PartScores, PartRedFlags:
		default:
			p.Add("part", "must be answers, scores or red_flags")
		}
	default:
		p.Add("format", "must be xlsx, csv or json")
	}
	return p.Err()
}

// EvaluationExported: someone downloaded an evaluation as a file.
type EvaluationExported struct {
	EvaluationID int64
	Export       EvaluationExport
	// Version is the evaluation's version the file was made from.
	Version int
}

// CatalogueExported: someone downloaded the custodian catalogue as CSV. It
// belongs to no evaluation and no team.
type CatalogueExported struct{ Custodians int }

func (e EvaluationExported) Evaluation() int64 { return e.EvaluationID }
func (CatalogueExported) Evaluation() int64    { return 0 }
func (EvaluationExported) event()              {}
func (CatalogueExported) event()               {}

// ExportService reads what an export holds and records the download in the
// same transaction.
type ExportService interface {
	ExportEvaluation(ctx context.Context, id int64, x EvaluationExport) (*Workspace, error)
	ExportCatalogue(ctx context.Context) ([]*Custodian, error)
}
