package httpapi

import (
	"errors"
	"fmt"
	"io"
	"mime"
	"net/http"
	"strconv"

	"github.com/gin-gonic/gin"

	"github.com/custos-dd/custos/internal/custos"
)

// MaxMemoBytes bounds a file sent for verification.
const MaxMemoBytes = 32 << 20

func (s *Server) issueMemo(c *gin.Context) {
	p, ok := bindPath(c)
	if !ok {
		return
	}
	m, err := s.Memos.IssueMemo(c.Request.Context(), p.ID)
	if err != nil {
		s.writeError(c, err)
		return
	}
	c.Header("Location", fmt.Sprintf("/api/v1/memos/%d", m.ID))
	c.JSON(http.StatusCreated, m)
}

func (s *Server) listMemos(c *gin.Context) {
	team, _ := strconv.ParseInt(c.Query("team"), 10, 64) // the guard has checked it
	q, ok := pageParams(c)
	if !ok {
		return
	}
	page, err := s.Memos.ListMemos(c.Request.Context(), custos.MemoFilter{TeamID: team, Before: q.Before, Limit: q.Limit})
	if err != nil {
		s.writeError(c, err)
		return
	}
	c.JSON(http.StatusOK, page)
}

func (s *Server) getMemo(c *gin.Context) {
	p, ok := bindPath(c)
	if !ok {
		return
	}
	m, err := s.Memos.FindMemo(c.Request.Context(), p.ID)
	if err != nil {
		s.writeError(c, err)
		return
	}
	c.JSON(http.StatusOK, m)
}

func (s *Server) downloadMemo(c *gin.Context) {
	p, ok := bindPath(c)
	if !ok {
		return
	}
	m, pdf, err := s.Memos.DownloadMemo(c.Request.Context(), p.ID)
	if err != nil {
		s.writeError(c, err)
		return
	}
	c.Header("Content-Disposition", mime.FormatMediaType("attachment", map[string]string{"filename": fmt.Sprintf("custos-memo-%d.pdf", m.ID)}))
	c.Header("X-Content-SHA256", fmt.Sprintf("%x", []byte(m.SHA256)))
	c.Data(http.StatusOK, "application/pdf", pdf)
}

// verifyMemo takes the PDF as the raw request body.
func (s *Server) verifyMemo(c *gin.Context) {
	mt, _, err := mime.ParseMediaType(c.GetHeader("Content-Type"))
	if err != nil || (mt != "application/pdf" && mt != "application/octet-stream") {
		writeProblem(c, http.StatusUnsupportedMediaType, "send the PDF itself as the body, with Content-Type: application/pdf", nil)
		return
	}
	body, err := io.ReadAll(http.MaxBytesReader(c.Writer, c.Request.Body, MaxMemoBytes))
	if err != nil {
		var tooBig *http.MaxBytesError
		if errors.As(err, &tooBig) {
			writeProblem(c, http.StatusRequestEntityTooLarge, "memos are smaller than 32 MiB", nil)
			return
		}
		writeProblem(c, http.StatusBadRequest, "the body could not be read", nil)
		return
	}
	v, err := s.Memos.VerifyMemo(c.Request.Context(), body)
	if err != nil {
		s.writeError(c, err)
		return
	}
	c.JSON(http.StatusOK, v)
}
