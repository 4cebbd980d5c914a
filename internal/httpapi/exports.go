package httpapi

import (
	"bytes"
	"fmt"
	"mime"
	"net/http"

	"github.com/gin-gonic/gin"

	"github.com/custos-dd/custos/internal/custos"
	"github.com/custos-dd/custos/internal/export"
)

// Content types of the export files.
const (
	contentXLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
	contentCSV  = "text/csv; charset=utf-8"
)

// exportEvaluation answers GET /evaluations/{id}/export?format=xlsx|csv|json
// (&part=answers|scores|red_flags for CSV). The file is built in memory
// before anything is sent, so a failure is a problem document, never half
// a file.
func (s *Server) exportEvaluation(c *gin.Context) {
	p, ok := bindPath(c)
	if !ok {
		return
	}
	x := custos.EvaluationExport{Format: custos.ExportFormat(c.Query("format")), Part: custos.ExportPart(c.Query("part"))}
	if err := x.Validate(); err != nil {
		s.writeError(c, err)
		return
	}
	ws, err := s.Exports.ExportEvaluation(c.Request.Context(), p.ID, x)
	if err != nil {
		s.writeError(c, err)
		return
	}
	name := fmt.Sprintf("custos-evaluation-%d", ws.Evaluation.ID)
	var buf bytes.Buffer
	var ctype string
	switch x.Format {
	case custos.ExportJSON:
		// The same document as GET /evaluations/{id}, as a file.
		c.Header("Content-Disposition", attachment(name+".json"))
		c.Header("ETag", etag(ws.Evaluation.Version))
		c.JSON(http.StatusOK, ws)
		return
	case custos.ExportXLSX:
		ctype, name, err = contentXLSX, name+".xlsx", export.XLSX(&buf, ws)
	case custos.ExportCSV:
		ctype, name = contentCSV, name+"-"+string(x.Part)+".csv"
		switch x.Part {
		case custos.PartScores:
			err = export.ScoresCSV(&buf, ws)
		case custos.PartRedFlags:
			err = export.RedFlagsCSV(&buf, ws)
		default:
			err = export.AnswersCSV(&buf, ws)
		}
	}
	if err != nil {
		s.writeError(c, custos.Internal(err))
		return
	}
	c.Header("Content-Disposition", attachment(name))
	c.Data(http.StatusOK, ctype, buf.Bytes())
}

// exportCatalogue answers GET /catalogue/export: the catalogue as CSV.
func (s *Server) exportCatalogue(c *gin.Context) {
	list, err := s.Exports.ExportCatalogue(c.Request.Context())
	if err != nil {
		s.writeError(c, err)
		return
	}
	var buf bytes.Buffer
	if err := export.CatalogueCSV(&buf, list); err != nil {
		s.writeError(c, custos.Internal(err))
		return
	}
	c.Header("Content-Disposition", attachment("custos-catalogue.csv"))
	c.Data(http.StatusOK, contentCSV, buf.Bytes())
}

func attachment(name string) string {
	return mime.FormatMediaType("attachment", map[string]string{"filename": name})
}
