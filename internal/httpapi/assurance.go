package httpapi

import (
	"fmt"
	"mime"
	"net/http"
	"strconv"

	"github.com/gin-gonic/gin"

	"github.com/custos-dd/custos/internal/custos"
)

// Assurance documents live under their team, like relationships: the guard
// authorizes the request in the team of the path, and the service finds a
// document only in that team.

type documentPath struct {
	TeamID, CustodianID, ID int64
	CUECID                  int
}

func bindDocumentPath(c *gin.Context) (documentPath, bool) {
	team, _ := strconv.ParseInt(c.Param("teamID"), 10, 64) // the guard has checked it
	p := documentPath{TeamID: team}
	var ok bool
	if c.Param("custodianID") != "" {
		if p.CustodianID, ok = pathID(c, "custodianID"); !ok {
			return p, false
		}
	}
	if c.Param("documentID") != "" {
		if p.ID, ok = pathID(c, "documentID"); !ok {
			return p, false
		}
	}
	if c.Param("cuecID") != "" {
		id, ok := pathID(c, "cuecID")
		if !ok {
			return p, false
		}
		p.CUECID = int(id)
	}
	return p, true
}

func (s *Server) renderDocument(c *gin.Context, status int, d *custos.AssuranceDocument) {
	c.Header("ETag", etag(d.Version))
	c.JSON(status, d)
}

// documentError answers a failed write; a stale If-Match gets 412 with the
// document as it is now.
func (s *Server) documentError(c *gin.Context, p documentPath, err error) {
	if custos.ErrorCode(err) != custos.EPRECONDITION {
		s.writeError(c, err)
		return
	}
	d, rerr := s.Assurance.Document(c.Request.Context(), p.TeamID, p.ID)
	if rerr != nil {
		s.writeError(c, rerr)
		return
	}
	c.Header("ETag", etag(d.Version))
	s.writeStale(c, err, d)
}

type documentList struct {
	Items []custos.AssuranceDocument `json:"items"`
}

// listDocuments lists the team's documents: all of them, of one custodian
// (under /custodians/:custodianID), or with ?due=true only those expiring
// or lapsed (the dashboard's tile).
func (s *Server) listDocuments(c *gin.Context) {
	p, ok := bindDocumentPath(c)
	if !ok {
		return
	}
	f := custos.AssuranceFilter{TeamID: p.TeamID, CustodianID: p.CustodianID}
	for _, q := range []struct {
		name string
		dst  *bool
	}{{"due", &f.Due}, {"archived", &f.Archived}} {
		switch c.Query(q.name) {
		case "", "false":
		case "true":
			*q.dst = true
		default:
			s.writeError(c, custos.Invalid(q.name, "must be true or false"))
			return
		}
	}
	docs, err := s.Assurance.ListDocuments(c.Request.Context(), f)
	if err != nil {
		s.writeError(c, err)
		return
	}
	c.JSON(http.StatusOK, documentList{Items: docs})
}

type documentRequest struct {
	Kind        custos.DocumentKind `json:"kind"`
	Issuer      string              `json:"issuer"`
	PeriodStart *string             `json:"period_start"`
	PeriodEnd   *string             `json:"period_end"`
	ValidUntil  *string             `json:"valid_until"`
	IssuedOn    string              `json:"issued_on"`
	Opinion     *custos.Opinion     `json:"opinion"`
	Scope       string              `json:"scope"`
	CarveOuts   string              `json:"carve_outs"`
	CUECs       []string            `json:"cuecs"`
}

func (r documentRequest) input() custos.DocumentInput {
	return custos.DocumentInput{Kind: r.Kind, Issuer: r.Issuer, PeriodStart: r.PeriodStart, PeriodEnd: r.PeriodEnd,
		ValidUntil: r.ValidUntil, IssuedOn: r.IssuedOn, Opinion: r.Opinion, Scope: r.Scope, CarveOuts: r.CarveOuts, CUECs: r.CUECs}
}

func (s *Server) addDocument(c *gin.Context) {
	p, ok := bindDocumentPath(c)
	if !ok {
		return
	}
	var req documentRequest
	if !s.bindJSON(c, &req) {
		return
	}
	d, err := s.Assurance.AddDocument(c.Request.Context(), p.TeamID, p.CustodianID, req.input())
	if err != nil {
		s.writeError(c, err)
		return
	}
	c.Header("Location", fmt.Sprintf("/api/v1/teams/%d/documents/%d", p.TeamID, d.ID))
	s.renderDocument(c, http.StatusCreated, d)
}

func (s *Server) getDocument(c *gin.Context) {
	p, ok := bindDocumentPath(c)
	if !ok {
		return
	}
	d, err := s.Assurance.Document(c.Request.Context(), p.TeamID, p.ID)
	if err != nil {
		s.writeError(c, err)
		return
	}
	s.renderDocument(c, http.StatusOK, d)
}

func (s *Server) updateDocument(c *gin.Context) {
	p, ok := bindDocumentPath(c)
	if !ok {
		return
	}
	var req documentRequest
	if !s.bindJSON(c, &req) {
		return
	}
	d, err := s.Assurance.UpdateDocument(c.Request.Context(), p.TeamID, p.ID, ifMatch(c), req.input())
	if err != nil {
		s.documentError(c, p, err)
		return
	}
	s.renderDocument(c, http.StatusOK, d)
}

// archiveDocument is the DELETE of a document: it stays on record, archived.
func (s *Server) archiveDocument(c *gin.Context) {
	p, ok := bindDocumentPath(c)
	if !ok {
		return
	}
	d, err := s.Assurance.ArchiveDocument(c.Request.Context(), p.TeamID, p.ID, ifMatch(c))
	if err != nil {
		s.documentError(c, p, err)
		return
	}
	s.renderDocument(c, http.StatusOK, d)
}

type confirmCUECRequest struct {
	Confirmed *bool `json:"confirmed"`
}

func (s *Server) confirmCUEC(c *gin.Context) {
	p, ok := bindDocumentPath(c)
	if !ok {
		return
	}
	var req confirmCUECRequest
	if !s.bindJSON(c, &req) {
		return
	}
	if req.Confirmed == nil {
		s.writeError(c, custos.Invalid("confirmed", "is required: true or false"))
		return
	}
	d, err := s.Assurance.ConfirmCUEC(c.Request.Context(), p.TeamID, p.ID, p.CUECID, *req.Confirmed)
	if err != nil {
		s.writeError(c, err)
		return
	}
	s.renderDocument(c, http.StatusOK, d)
}

// attachDocumentFile takes the document's file in the multipart field "file".
func (s *Server) attachDocumentFile(c *gin.Context) {
	p, ok := bindDocumentPath(c)
	if !ok {
		return
	}
	label, content, ok := s.readUpload(c)
	if !ok {
		return
	}
	d, err := s.Assurance.AttachDocumentFile(c.Request.Context(), p.TeamID, p.ID, label, content)
	if err != nil {
		s.writeError(c, err)
		return
	}
	s.renderDocument(c, http.StatusOK, d)
}

// downloadDocumentFile sends the file as an attachment browsers never render
// in place, as evidence is sent.
func (s *Server) downloadDocumentFile(c *gin.Context) {
	p, ok := bindDocumentPath(c)
	if !ok {
		return
	}
	f, content, err := s.Assurance.DocumentFile(c.Request.Context(), p.TeamID, p.ID)
	if err != nil {
		s.writeError(c, err)
		return
	}
	name := fmt.Sprintf("document-%d%s", p.ID, custos.EvidenceTypes[f.ContentType])
	c.Header("Content-Disposition", mime.FormatMediaType("attachment", map[string]string{"filename": name}))
	c.Header("Content-Security-Policy", "sandbox; default-src 'none'")
	c.Header("X-Content-SHA256", fmt.Sprintf("%x", []byte(f.SHA256)))
	c.Data(http.StatusOK, f.ContentType, content)
}
