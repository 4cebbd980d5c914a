package postgres

import (
	"context"

	"github.com/custos-dd/custos/internal/custos"
)

// ExportService reads what an export holds and records the download as an
// audit event in the same transaction: the file holds exactly what the
// trail says was taken.
type ExportService struct {
	db          *DB
	evaluations *EvaluationService
}

// NewExportService returns the export service over the same stores the API reads.
func NewExportService(db *DB, evaluations *EvaluationService) *ExportService {
	return &ExportService{db: db, evaluations: evaluations}
}

// ExportEvaluation returns the workspace, as GET /evaluations/{id} does,
// and records who took it in which format.
func (s *ExportService) ExportEvaluation(ctx context.Context, id int64, x custos.EvaluationExport) (*custos.Workspace, error) {
	if err := x.Validate(); err != nil {
		return nil, err
	}
	var ws *custos.Workspace
	err := s.db.inTx(ctx, func(tx *Tx) error {
		// A share lock holds off every writer (each locks the evaluation's
		// row for update), so the workspace's queries see one state.
		var one int
		if err := tx.GetContext(ctx, &one, `SELECT 1 FROM evaluations WHERE id = $1 FOR SHARE`, id); err != nil {
			return orNotFound(err, "evaluation")
		}
		var err error
		if ws, err = s.evaluations.workspace(ctx, tx, id); err != nil {
			return err
		}
		return tx.record(ctx, ws.Evaluation.TeamID, custos.EvaluationExported{EvaluationID: id, Export: x, Version: ws.Evaluation.Version})
	})
	if err != nil {
		return nil, err
	}
	return ws, nil
}

// ExportCatalogue returns every custodian of the catalogue, by name, and
// records the download.
func (s *ExportService) ExportCatalogue(ctx context.Context) ([]*custos.Custodian, error) {
	var out []*custos.Custodian
	err := s.db.inTx(ctx, func(tx *Tx) error {
		var rows []custodianRow
		if err := tx.SelectContext(ctx, &rows, `SELECT `+custodianColumns+` FROM custodians ORDER BY lower(name), id`); err != nil {
			return err
		}
		out = make([]*custos.Custodian, 0, len(rows))
		for i := range rows {
			c, err := rows[i].custodian()
			if err != nil {
				return err
			}
			out = append(out, c)
		}
		return tx.record(ctx, 0, custos.CatalogueExported{Custodians: len(out)})
	})
	if err != nil {
		return nil, err
	}
	return out, nil
}
