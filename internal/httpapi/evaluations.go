package httpapi

import (
	"errors"
	"fmt"
	"io"
	"mime"
	"net/http"
	"path"
	"strconv"
	"strings"

	"github.com/gin-gonic/gin"

	"github.com/custos-dd/custos/internal/custos"
)

// ETags are the quoted version numbers of the workspace and of an answer.
func etag(version int) string { return `"` + strconv.Itoa(version) + `"` }

// ifMatchHeader reads If-Match: present is false when it is absent or "*";
// a value that is no version number gives -1, which nothing matches.
func ifMatchHeader(c *gin.Context) (version int, present bool) {
	h := strings.TrimSpace(c.GetHeader("If-Match"))
	if h == "" || h == "*" {
		return 0, false
	}
	n, err := strconv.Atoi(strings.Trim(strings.TrimPrefix(h, "W/"), `"`))
	if err != nil || n < 0 {
		return -1, true
	}
	return n, true
}

// ifMatch is the workspace version If-Match names, 0 for none. Workspace
// versions start at 1, so "0" matches nothing.
func ifMatch(c *gin.Context) int {
	v, present := ifMatchHeader(c)
	if present && v == 0 {
		return -1
	}
	return v
}

// ifMatchAnswer is the answer version If-Match names, nil for none; an item
// never answered has version 0.
func ifMatchAnswer(c *gin.Context) *int {
	if v, present := ifMatchHeader(c); present {
		return &v
	}
	return nil
}

func (s *Server) renderWorkspace(c *gin.Context, status int, ws *custos.Workspace) {
	c.Header("ETag", etag(ws.Evaluation.Version))
	c.JSON(status, ws)
}

// workspaceError answers a failed workspace write; a stale If-Match gets 412
// with the current workspace.
func (s *Server) workspaceError(c *gin.Context, id int64, err error) {
	if custos.ErrorCode(err) != custos.EPRECONDITION {
		s.writeError(c, err)
		return
	}
	ws, werr := s.Evaluations.Workspace(c.Request.Context(), id)
	if werr != nil {
		s.writeError(c, werr)
		return
	}
	c.Header("ETag", etag(ws.Evaluation.Version))
	s.writeStale(c, err, ws)
}

type mandateBody struct {
	Regions                    []string `json:"regions"`
	QualifiedCustodianRequired bool     `json:"qualified_custodian_required"`
	Assets                     []string `json:"assets"`
	StakingRequired            bool     `json:"staking_required"`
	ExpectedAUCUSD             int64    `json:"expected_assets_under_custody_usd"`
}

func (m *mandateBody) mandate() *custos.Mandate {
	if m == nil {
		return nil
	}
	return &custos.Mandate{Regions: m.Regions, QualifiedCustodianRequired: m.QualifiedCustodianRequired, Assets: m.Assets,
		StakingRequired: m.StakingRequired, ExpectedAUCUSD: m.ExpectedAUCUSD}
}

type createEvaluationRequest struct {
	TeamID       int64       `json:"team_id"`
	Title        string      `json:"title"`
	TemplateID   int64       `json:"template_id"`
	Mandate      mandateBody `json:"mandate"`
	CustodianIDs []int64     `json:"custodian_ids"`
	DueDate      *string     `json:"due_date"`
}

func (s *Server) createEvaluation(c *gin.Context) {
	var req createEvaluationRequest
	if !s.bindJSON(c, &req) {
		return
	}
	if req.TeamID <= 0 {
		s.writeError(c, custos.Invalid("team_id", "is required"))
		return
	}
	if !s.allowTeam(c, req.TeamID) {
		return
	}
	ws, err := s.Evaluations.CreateEvaluation(c.Request.Context(), custos.NewEvaluation{TeamID: req.TeamID, Title: req.Title,
		TemplateID: req.TemplateID, Mandate: *req.Mandate.mandate(), CustodianIDs: req.CustodianIDs, DueDate: req.DueDate})
	if err != nil {
		s.writeError(c, err)
		return
	}
	c.Header("Location", fmt.Sprintf("/api/v1/evaluations/%d", ws.Evaluation.ID))
	s.renderWorkspace(c, http.StatusCreated, ws)
}

func (s *Server) listEvaluations(c *gin.Context) {
	team, _ := strconv.ParseInt(c.Query("team"), 10, 64) // the guard has checked it
	q, ok := pageParams(c)
	if !ok {
		return
	}
	custodian, ok := queryInt(c, "custodian")
	if !ok {
		return
	}
	preparer, ok := queryInt(c, "preparer")
	if !ok {
		return
	}
	var dueBy *string
	if d := c.Query("due_by"); d != "" {
		dueBy = &d
	}
	page, err := s.Evaluations.ListEvaluations(c.Request.Context(), custos.EvaluationFilter{TeamID: team,
		Status: custos.EvaluationStatus(c.Query("status")), Before: q.Before, Limit: q.Limit,
		CustodianID: int64(custodian), PreparerID: int64(preparer), DueBy: dueBy, Text: c.Query("q")})
	if err != nil {
		s.writeError(c, err)
		return
	}
	c.JSON(http.StatusOK, page)
}

func (s *Server) getWorkspace(c *gin.Context) {
	p, ok := bindPath(c)
	if !ok {
		return
	}
	ws, err := s.Evaluations.Workspace(c.Request.Context(), p.ID)
	if err != nil {
		s.writeError(c, err)
		return
	}
	if inm := c.GetHeader("If-None-Match"); inm != "" && strings.TrimPrefix(inm, "W/") == etag(ws.Evaluation.Version) {
		c.Header("ETag", etag(ws.Evaluation.Version))
		c.Status(http.StatusNotModified)
		return
	}
	s.renderWorkspace(c, http.StatusOK, ws)
}

type updateEvaluationRequest struct {
	Title   *string      `json:"title"`
	Mandate *mandateBody `json:"mandate"`
	DueDate *string      `json:"due_date"`
	// ClearDueDate removes the due date.
	ClearDueDate bool `json:"clear_due_date"`
}

func (s *Server) updateEvaluation(c *gin.Context) {
	var req updateEvaluationRequest
	p, ok := bindPath(c)
	if !ok || !s.bindJSON(c, &req) {
		return
	}
	ws, err := s.Evaluations.UpdateEvaluation(c.Request.Context(), p.ID, ifMatch(c), custos.EvaluationUpdate{
		Title: req.Title, Mandate: req.Mandate.mandate(), DueDate: req.DueDate, ClearDueDate: req.ClearDueDate})
	if err != nil {
		s.workspaceError(c, p.ID, err)
		return
	}
	s.renderWorkspace(c, http.StatusOK, ws)
}

type addCandidateRequest struct {
	CustodianID int64 `json:"custodian_id"`
}

func (s *Server) addCandidate(c *gin.Context) {
	var req addCandidateRequest
	p, ok := bindPath(c)
	if !ok || !s.bindJSON(c, &req) {
		return
	}
	if req.CustodianID <= 0 {
		s.writeError(c, custos.Invalid("custodian_id", "is required"))
		return
	}
	ws, err := s.Evaluations.AddCandidate(c.Request.Context(), p.ID, req.CustodianID, ifMatch(c))
	if err != nil {
		s.workspaceError(c, p.ID, err)
		return
	}
	s.renderWorkspace(c, http.StatusOK, ws)
}

func (s *Server) removeCandidate(c *gin.Context) {
	p, ok := bindPath(c)
	if !ok {
		return
	}
	ws, err := s.Evaluations.RemoveCandidate(c.Request.Context(), p.ID, p.CustodianID, ifMatch(c))
	if err != nil {
		s.workspaceError(c, p.ID, err)
		return
	}
	s.renderWorkspace(c, http.StatusOK, ws)
}

type answerRequest struct {
	Status string `json:"status"`
	Note   string `json:"note"`
}

func (s *Server) putAnswer(c *gin.Context) {
	var req answerRequest
	p, ok := bindPath(c)
	if !ok || !s.bindJSON(c, &req) {
		return
	}
	a, err := s.Evaluations.PutAnswer(c.Request.Context(), p.ID, p.CustodianID, p.ItemID, ifMatchAnswer(c),
		custos.AnswerInput{Status: custos.AnswerStatus(req.Status), Note: req.Note})
	if custos.ErrorCode(err) == custos.EPRECONDITION {
		cur, cerr := s.Evaluations.Answer(c.Request.Context(), p.ID, p.CustodianID, p.ItemID)
		if cerr != nil {
			s.writeError(c, cerr)
			return
		}
		c.Header("ETag", etag(cur.Version))
		s.writeStale(c, err, cur)
		return
	} else if err != nil {
		s.writeError(c, err)
		return
	}
	c.Header("ETag", etag(a.Version))
	c.JSON(http.StatusOK, a)
}

// addEvidence takes one file in the multipart field "file".
func (s *Server) addEvidence(c *gin.Context) {
	p, ok := bindPath(c)
	if !ok {
		return
	}
	label, content, ok := s.readUpload(c)
	if !ok {
		return
	}
	ev, err := s.Evaluations.AddEvidence(c.Request.Context(), p.ID, p.CustodianID, p.ItemID, ifMatch(c), label, content)
	if err != nil {
		s.workspaceError(c, p.ID, err)
		return
	}
	c.JSON(http.StatusCreated, ev)
}

// readUpload reads the one file in the multipart field "file", at most
// MaxEvidenceBytes, and its base name as a label; it answers the problem
// itself when it cannot.
func (s *Server) readUpload(c *gin.Context) (string, []byte, bool) {
	mt, _, err := mime.ParseMediaType(c.GetHeader("Content-Type"))
	if err != nil || mt != "multipart/form-data" {
		writeProblem(c, http.StatusUnsupportedMediaType, "upload the file as multipart/form-data in the field \"file\"", nil)
		return "", nil, false
	}
	// The form's overhead besides the file is small: allow 64 KiB of it.
	c.Request.Body = http.MaxBytesReader(c.Writer, c.Request.Body, custos.MaxEvidenceBytes+64<<10)
	mr, err := c.Request.MultipartReader()
	if err != nil {
		writeProblem(c, http.StatusBadRequest, "the request is not valid", []custos.FieldError{{Field: "file", Reason: "the multipart body cannot be read"}})
		return "", nil, false
	}
	for {
		part, err := mr.NextPart()
		if err == io.EOF {
			s.writeError(c, custos.Invalid("file", "is required"))
			return "", nil, false
		} else if err != nil {
			s.uploadError(c, err)
			return "", nil, false
		}
		if part.FormName() != "file" {
			continue
		}
		content, err := io.ReadAll(io.LimitReader(part, custos.MaxEvidenceBytes+1))
		if err != nil {
			s.uploadError(c, err)
			return "", nil, false
		}
		if len(content) > custos.MaxEvidenceBytes {
			writeProblem(c, http.StatusRequestEntityTooLarge, "evidence files are at most 10 MiB", nil)
			return "", nil, false
		}
		// Only the base name is kept, and only as a label.
		label := path.Base(strings.ReplaceAll(part.FileName(), `\`, "/"))
		if label == "." || label == "/" {
			label = ""
		}
		return label, content, true
	}
}

func (s *Server) uploadError(c *gin.Context, err error) {
	var tooBig *http.MaxBytesError
	if errors.As(err, &tooBig) {
		writeProblem(c, http.StatusRequestEntityTooLarge, "evidence files are at most 10 MiB", nil)
		return
	}
	writeProblem(c, http.StatusBadRequest, "the request is not valid", []custos.FieldError{{Field: "file", Reason: "the upload was cut short or malformed"}})
}

// downloadEvidence sends a file as an attachment that browsers never render
// in place.
func (s *Server) downloadEvidence(c *gin.Context) {
	p, ok := bindPath(c)
	if !ok {
		return
	}
	f, err := s.Evaluations.EvidenceFile(c.Request.Context(), p.ID, p.EvidenceID)
	if err != nil {
		s.writeError(c, err)
		return
	}
	name := fmt.Sprintf("evidence-%d%s", f.ID, custos.EvidenceTypes[f.ContentType])
	c.Header("Content-Disposition", mime.FormatMediaType("attachment", map[string]string{"filename": name}))
	c.Header("Content-Security-Policy", "sandbox; default-src 'none'")
	c.Header("X-Evidence-Label", mime.QEncoding.Encode("utf-8", f.Label))
	c.Header("X-Content-SHA256", fmt.Sprintf("%x", []byte(f.SHA256)))
	c.Data(http.StatusOK, f.ContentType, f.Content)
}

type scoreRequest struct {
	Score     *int   `json:"score"`
	Rationale string `json:"rationale"`
}

func (s *Server) putScore(c *gin.Context) {
	var req scoreRequest
	p, ok := bindPath(c)
	if !ok || !s.bindJSON(c, &req) {
		return
	}
	if req.Score == nil {
		var p custos.Problems
		p.Add("score", "is required")
		if strings.TrimSpace(req.Rationale) == "" {
			p.Add("rationale", "say why the custodian earns this score")
		}
		s.writeError(c, p.Err())
		return
	}
	sc, err := s.Evaluations.PutScore(c.Request.Context(), p.ID, p.CustodianID, p.Criterion, ifMatch(c),
		custos.ScoreInput{Score: *req.Score, Rationale: req.Rationale})
	if err != nil {
		s.workspaceError(c, p.ID, err)
		return
	}
	c.JSON(http.StatusOK, sc)
}

type raiseRedFlagRequest struct {
	DefinitionID *int64 `json:"definition_id"`
	Title        string `json:"title"`
	Description  string `json:"description"`
	Severity     string `json:"severity"`
}

func (s *Server) raiseRedFlag(c *gin.Context) {
	var req raiseRedFlagRequest
	p, ok := bindPath(c)
	if !ok || !s.bindJSON(c, &req) {
		return
	}
	f, err := s.Evaluations.RaiseRedFlag(c.Request.Context(), p.ID, p.CustodianID, ifMatch(c), custos.NewRedFlag{DefinitionID: req.DefinitionID,
		Title: req.Title, Description: req.Description, Severity: custos.Severity(req.Severity)})
	if err != nil {
		s.workspaceError(c, p.ID, err)
		return
	}
	c.JSON(http.StatusCreated, f)
}

type moveRedFlagRequest struct {
	Status     string `json:"status"`
	Resolution string `json:"resolution"`
}

func (s *Server) moveRedFlag(c *gin.Context) {
	var req moveRedFlagRequest
	p, ok := bindPath(c)
	if !ok || !s.bindJSON(c, &req) {
		return
	}
	f, err := s.Evaluations.MoveRedFlag(c.Request.Context(), p.ID, p.FlagID, ifMatch(c), custos.RedFlagMove{Status: custos.RedFlagStatus(req.Status), Resolution: req.Resolution})
	if err != nil {
		s.workspaceError(c, p.ID, err)
		return
	}
	c.JSON(http.StatusOK, f)
}

type shortlistRequest struct {
	Entries []struct {
		CustodianID int64  `json:"custodian_id"`
		Rank        int    `json:"rank"`
		Rationale   string `json:"rationale"`
		// InversionRationale is needed where the entry sits above a
		// candidate the ranking puts higher.
		InversionRationale string `json:"inversion_rationale"`
	} `json:"entries"`
}

func (s *Server) putShortlist(c *gin.Context) {
	var req shortlistRequest
	p, ok := bindPath(c)
	if !ok || !s.bindJSON(c, &req) {
		return
	}
	entries := make([]custos.ShortlistEntry, len(req.Entries))
	for i, e := range req.Entries {
		entries[i] = custos.ShortlistEntry{CustodianID: e.CustodianID, Rank: e.Rank, Rationale: e.Rationale, InversionRationale: e.InversionRationale}
	}
	ws, err := s.Evaluations.PutShortlist(c.Request.Context(), p.ID, ifMatch(c), entries)
	if err != nil {
		s.workspaceError(c, p.ID, err)
		return
	}
	s.renderWorkspace(c, http.StatusOK, ws)
}

func (s *Server) submit(c *gin.Context) {
	p, ok := bindPath(c)
	if !ok {
		return
	}
	ws, err := s.Evaluations.Submit(c.Request.Context(), p.ID, ifMatch(c))
	if err != nil {
		s.workspaceError(c, p.ID, err)
		return
	}
	s.renderWorkspace(c, http.StatusOK, ws)
}

type decisionRequest struct {
	Comment string `json:"comment"`
}

func (s *Server) decide(c *gin.Context, d custos.Decision) {
	var req decisionRequest
	p, ok := bindPath(c)
	// A decision may come without a body (an approval needs no comment).
	if !ok || c.Request.ContentLength != 0 && !s.bindJSON(c, &req) {
		return
	}
	ws, err := s.Evaluations.Decide(c.Request.Context(), p.ID, ifMatch(c), d, req.Comment)
	if err != nil {
		s.workspaceError(c, p.ID, err)
		return
	}
	s.renderWorkspace(c, http.StatusOK, ws)
}

func (s *Server) approve(c *gin.Context)          { s.decide(c, custos.DecisionApprove) }
func (s *Server) returnEvaluation(c *gin.Context) { s.decide(c, custos.DecisionReturn) }
