package httpapi

import (
	"context"
	"fmt"
	"net/http"
	"strconv"
	"time"

	"github.com/gin-gonic/gin"

	"github.com/custos-dd/custos/internal/custos"
	"github.com/custos-dd/custos/internal/secret"
)

// pathID reads a positive integer path parameter, answering 400 otherwise.
func pathID(c *gin.Context, name string) (int64, bool) {
	id, err := strconv.ParseInt(c.Param(name), 10, 64)
	if err != nil || id <= 0 {
		writeProblem(c, http.StatusBadRequest, "the request is not valid", []custos.FieldError{{Field: name, Reason: "must be a positive integer"}})
		return 0, false
	}
	return id, true
}

// queryInt reads an optional integer query parameter.
func queryInt(c *gin.Context, name string) (int, bool) {
	raw := c.Query(name)
	if raw == "" {
		return 0, true
	}
	n, err := strconv.Atoi(raw)
	if err != nil || n < 0 {
		writeProblem(c, http.StatusBadRequest, "the request is not valid", []custos.FieldError{{Field: name, Reason: "must be a non-negative integer"}})
		return 0, false
	}
	return n, true
}

// pageParams reads the ?limit= and ?before= of a newest-first list.
func pageParams(c *gin.Context) (limit, before int, ok bool) {
	if limit, ok = queryInt(c, "limit"); !ok {
		return 0, 0, false
	}
	before, ok = queryInt(c, "before")
	return limit, before, ok
}

type list[T any] struct {
	Items []T `json:"items"`
}

func items[T any](xs []T) list[T] {
	if xs == nil {
		xs = []T{}
	}
	return list[T]{Items: xs}
}

func (s *Server) healthz(c *gin.Context) { c.JSON(http.StatusOK, gin.H{"status": "ok"}) }

func (s *Server) readyz(c *gin.Context) {
	ctx, cancel := context.WithTimeout(c.Request.Context(), 2*time.Second)
	defer cancel()
	if err := s.Ready(ctx); err != nil {
		s.log.WarnContext(ctx, "not ready", "err", err)
		writeProblem(c, http.StatusServiceUnavailable, "the database does not answer", nil)
		return
	}
	c.JSON(http.StatusOK, gin.H{"status": "ready"})
}

// --- sessions -------------------------------------------------------------

type loginRequest struct {
	Email    string `json:"email"`
	Password string `json:"password"`
}

type meResponse struct {
	User        *custos.User        `json:"user"`
	Memberships []custos.Membership `json:"memberships"`
	// CSRFToken goes in the X-CSRF-Token header of unsafe requests made
	// with the session cookie.
	CSRFToken string     `json:"csrf_token,omitempty"`
	ExpiresAt *time.Time `json:"session_expires_at,omitempty"`
}

func (s *Server) login(c *gin.Context) {
	var req loginRequest
	if !s.bindJSON(c, &req) {
		return
	}
	token, sess, err := s.Auth.Login(c.Request.Context(), req.Email, req.Password)
	if err != nil {
		s.writeError(c, err)
		return
	}
	c.SetSameSite(http.SameSiteStrictMode)
	c.SetCookie(s.cookieName(), token, int(time.Until(sess.ExpiresAt).Seconds()), "/", "", s.cfg.SecureCookies, true)
	res, err := s.meFor(c.Request.Context(), sess.UserID)
	if err != nil {
		s.writeError(c, err)
		return
	}
	res.CSRFToken = secret.CSRFToken(token)
	res.ExpiresAt = &sess.ExpiresAt
	c.JSON(http.StatusCreated, res)
}

func (s *Server) meFor(ctx context.Context, userID int64) (*meResponse, error) {
	u, err := s.Users.FindUser(ctx, userID)
	if err != nil {
		return nil, err
	}
	ms, err := s.Teams.UserMemberships(ctx, userID)
	if err != nil {
		return nil, err
	}
	if ms == nil {
		ms = []custos.Membership{}
	}
	return &meResponse{User: u, Memberships: ms}, nil
}

func (s *Server) logout(c *gin.Context) {
	if cookie, err := c.Cookie(s.cookieName()); err == nil && cookie != "" {
		if err := s.Auth.Logout(c.Request.Context(), cookie); err != nil {
			s.writeError(c, err)
			return
		}
	}
	c.SetSameSite(http.SameSiteStrictMode)
	c.SetCookie(s.cookieName(), "", -1, "/", "", s.cfg.SecureCookies, true)
	c.Status(http.StatusNoContent)
}

func (s *Server) me(c *gin.Context) {
	res, err := s.meFor(c.Request.Context(), custos.ActorFrom(c.Request.Context()).UserID)
	if err != nil {
		s.writeError(c, err)
		return
	}
	if cookie, err := c.Cookie(s.cookieName()); err == nil && custos.ActorFrom(c.Request.Context()).SessionID != 0 {
		res.CSRFToken = secret.CSRFToken(cookie)
	}
	c.JSON(http.StatusOK, res)
}

// --- API tokens -----------------------------------------------------------

type createTokenRequest struct {
	Name          string `json:"name"`
	ReadOnly      bool   `json:"read_only"`
	ExpiresInDays int    `json:"expires_in_days"`
}

type createdToken struct {
	*custos.APIToken
	// Token is the secret, shown only in this answer.
	Token string `json:"token"`
}

func (s *Server) createToken(c *gin.Context) {
	var req createTokenRequest
	if !s.bindJSON(c, &req) {
		return
	}
	secretToken, tok, err := s.Auth.CreateToken(c.Request.Context(), custos.NewAPIToken{Name: req.Name, ReadOnly: req.ReadOnly, ExpiresInDays: req.ExpiresInDays})
	if err != nil {
		s.writeError(c, err)
		return
	}
	c.JSON(http.StatusCreated, createdToken{APIToken: tok, Token: secretToken})
}

func (s *Server) listTokens(c *gin.Context) {
	toks, err := s.Auth.ListTokens(c.Request.Context())
	if err != nil {
		s.writeError(c, err)
		return
	}
	c.JSON(http.StatusOK, items(toks))
}

func (s *Server) revokeToken(c *gin.Context) {
	id, ok := pathID(c, "id")
	if !ok {
		return
	}
	if err := s.Auth.RevokeToken(c.Request.Context(), id); err != nil {
		s.writeError(c, err)
		return
	}
	c.Status(http.StatusNoContent)
}

// --- users ----------------------------------------------------------------

type createUserRequest struct {
	Email    string `json:"email"`
	Name     string `json:"name"`
	Password string `json:"password"`
}

type updateUserRequest struct {
	Name     *string `json:"name"`
	Disabled *bool   `json:"disabled"`
	Password *string `json:"password"`
}

func (s *Server) listUsers(c *gin.Context) {
	us, err := s.Users.ListUsers(c.Request.Context())
	if err != nil {
		s.writeError(c, err)
		return
	}
	c.JSON(http.StatusOK, items(us))
}

func (s *Server) createUser(c *gin.Context) {
	var req createUserRequest
	if !s.bindJSON(c, &req) {
		return
	}
	u, err := s.Users.CreateUser(c.Request.Context(), custos.NewUser{Email: req.Email, Name: req.Name, Password: req.Password})
	if err != nil {
		s.writeError(c, err)
		return
	}
	c.JSON(http.StatusCreated, u)
}

func (s *Server) getUser(c *gin.Context) {
	id, ok := pathID(c, "id")
	if !ok {
		return
	}
	u, err := s.Users.FindUser(c.Request.Context(), id)
	if err != nil {
		s.writeError(c, err)
		return
	}
	c.JSON(http.StatusOK, u)
}

func (s *Server) updateUser(c *gin.Context) {
	id, ok := pathID(c, "id")
	if !ok {
		return
	}
	var req updateUserRequest
	if !s.bindJSON(c, &req) {
		return
	}
	u, err := s.Users.UpdateUser(c.Request.Context(), id, custos.UserUpdate{Name: req.Name, Disabled: req.Disabled, Password: req.Password})
	if err != nil {
		s.writeError(c, err)
		return
	}
	if req.Disabled != nil {
		s.reloadAuthz(c)
	}
	c.JSON(http.StatusOK, u)
}

// reloadAuthz applies a membership change to this server at once; other
// servers follow the database notification.
func (s *Server) reloadAuthz(c *gin.Context) {
	if err := s.Authz.Reload(c.Request.Context()); err != nil {
		s.log.ErrorContext(c.Request.Context(), "reload memberships", "err", err)
	}
}

// --- teams and memberships --------------------------------------------------

type createTeamRequest struct {
	Name string `json:"name"`
}

type updateTeamRequest struct {
	Name              *string `json:"name"`
	ApprovalsRequired *int    `json:"approvals_required"`
}

type addMemberRequest struct {
	UserID int64  `json:"user_id"`
	Role   string `json:"role"`
}

func (s *Server) listTeams(c *gin.Context) {
	ts, err := s.Teams.ListTeams(c.Request.Context())
	if err != nil {
		s.writeError(c, err)
		return
	}
	c.JSON(http.StatusOK, items(ts))
}

func (s *Server) createTeam(c *gin.Context) {
	var req createTeamRequest
	if !s.bindJSON(c, &req) {
		return
	}
	t, err := s.Teams.CreateTeam(c.Request.Context(), req.Name)
	if err != nil {
		s.writeError(c, err)
		return
	}
	c.JSON(http.StatusCreated, t)
}

func (s *Server) getTeam(c *gin.Context) {
	id, ok := pathID(c, "teamID")
	if !ok {
		return
	}
	t, err := s.Teams.FindTeam(c.Request.Context(), id)
	if err != nil {
		s.writeError(c, err)
		return
	}
	c.JSON(http.StatusOK, t)
}

func (s *Server) updateTeam(c *gin.Context) {
	id, ok := pathID(c, "teamID")
	if !ok {
		return
	}
	var req updateTeamRequest
	if !s.bindJSON(c, &req) {
		return
	}
	t, err := s.Teams.UpdateTeam(c.Request.Context(), id, custos.TeamUpdate{Name: req.Name, ApprovalsRequired: req.ApprovalsRequired})
	if err != nil {
		s.writeError(c, err)
		return
	}
	c.JSON(http.StatusOK, t)
}

func (s *Server) listMembers(c *gin.Context) {
	id, ok := pathID(c, "teamID")
	if !ok {
		return
	}
	ms, err := s.Teams.ListMembers(c.Request.Context(), id)
	if err != nil {
		s.writeError(c, err)
		return
	}
	c.JSON(http.StatusOK, items(ms))
}

func (s *Server) addMember(c *gin.Context) {
	id, ok := pathID(c, "teamID")
	if !ok {
		return
	}
	var req addMemberRequest
	if !s.bindJSON(c, &req) {
		return
	}
	m, err := s.Teams.AddMember(c.Request.Context(), id, req.UserID, custos.Role(req.Role))
	if err != nil {
		s.writeError(c, err)
		return
	}
	s.reloadAuthz(c)
	c.JSON(http.StatusCreated, m)
}

func (s *Server) removeMember(c *gin.Context) {
	teamID, ok := pathID(c, "teamID")
	if !ok {
		return
	}
	userID, ok := pathID(c, "userID")
	if !ok {
		return
	}
	if err := s.Teams.RemoveMember(c.Request.Context(), teamID, userID, custos.Role(c.Param("role"))); err != nil {
		s.writeError(c, err)
		return
	}
	s.reloadAuthz(c)
	c.Status(http.StatusNoContent)
}

// --- catalogue and templates --------------------------------------------------

type custodianRequest struct {
	Slug               string                       `json:"slug"`
	Name               string                       `json:"name"`
	LegalEntity        string                       `json:"legal_entity"`
	Licences           []custos.Licence             `json:"licences"`
	QualifiedCustodian bool                         `json:"qualified_custodian"`
	Regions            []string                     `json:"regions"`
	KeyManagement      []string                     `json:"key_management"`
	Staking            bool                         `json:"staking"`
	SettlementNetwork  string                       `json:"settlement_network"`
	FeeModel           string                       `json:"fee_model"`
	Notes              string                       `json:"notes"`
	Provenance         map[string]custos.Provenance `json:"provenance"`
	// Version is required on update: the version the edit was based on.
	Version int `json:"version"`
}

func (r custodianRequest) facts() custos.CustodianFacts {
	return custos.CustodianFacts{Slug: r.Slug, Name: r.Name, LegalEntity: r.LegalEntity, Licences: r.Licences,
		QualifiedCustodian: r.QualifiedCustodian, Regions: r.Regions, KeyManagement: r.KeyManagement, Staking: r.Staking,
		SettlementNetwork: r.SettlementNetwork, FeeModel: r.FeeModel, Notes: r.Notes, Provenance: r.Provenance}
}

func (s *Server) listCustodians(c *gin.Context) {
	limit, ok := queryInt(c, "limit")
	if !ok {
		return
	}
	f := custos.CustodianFilter{Query: c.Query("q"), Region: c.Query("region"), After: c.Query("after"), Limit: limit}
	switch c.Query("qualified") {
	case "":
	case "true", "false":
		q := c.Query("qualified") == "true"
		f.Qualified = &q
	default:
		s.writeError(c, custos.Invalid("qualified", "must be true or false"))
		return
	}
	if c.Query("limit") != "" && limit == 0 {
		s.writeError(c, custos.Invalid("limit", "must be between 1 and 100"))
		return
	}
	page, err := s.Custodians.ListCustodians(c.Request.Context(), f)
	if err != nil {
		s.writeError(c, err)
		return
	}
	c.JSON(http.StatusOK, page)
}

func (s *Server) getCustodian(c *gin.Context) {
	id, ok := pathID(c, "id")
	if !ok {
		return
	}
	cu, err := s.Custodians.FindCustodian(c.Request.Context(), id)
	if err != nil {
		s.writeError(c, err)
		return
	}
	c.JSON(http.StatusOK, cu)
}

func (s *Server) createCustodian(c *gin.Context) {
	var req custodianRequest
	if !s.bindJSON(c, &req) {
		return
	}
	cu, err := s.Custodians.CreateCustodian(c.Request.Context(), req.facts())
	if err != nil {
		s.writeError(c, err)
		return
	}
	c.JSON(http.StatusCreated, cu)
}

func (s *Server) updateCustodian(c *gin.Context) {
	id, ok := pathID(c, "id")
	if !ok {
		return
	}
	var req custodianRequest
	if !s.bindJSON(c, &req) {
		return
	}
	if req.Version <= 0 {
		s.writeError(c, custos.Invalid("version", "is required: send the version you edited"))
		return
	}
	cu, err := s.Custodians.UpdateCustodian(c.Request.Context(), id, req.Version, req.facts())
	if err != nil {
		s.writeError(c, err)
		return
	}
	c.JSON(http.StatusOK, cu)
}

func (s *Server) listTemplates(c *gin.Context) {
	ts, err := s.Templates.ListTemplates(c.Request.Context())
	if err != nil {
		s.writeError(c, err)
		return
	}
	c.JSON(http.StatusOK, items(ts))
}

func (s *Server) getTemplate(c *gin.Context) {
	id, ok := pathID(c, "id")
	if !ok {
		return
	}
	t, err := s.Templates.FindTemplate(c.Request.Context(), id)
	if err != nil {
		s.writeError(c, err)
		return
	}
	c.JSON(http.StatusOK, t)
}

type templateRequest struct {
	Family      string `json:"family"`
	Name        string `json:"name"`
	Description string `json:"description"`
	Criteria    []struct {
		Key         string `json:"key"`
		Name        string `json:"name"`
		Description string `json:"description"`
		Weight      int    `json:"weight"`
	} `json:"criteria"`
	Sections []struct {
		Key   string `json:"key"`
		Title string `json:"title"`
		Items []struct {
			Key              string `json:"key"`
			Prompt           string `json:"prompt"`
			Guidance         string `json:"guidance"`
			EvidenceRequired bool   `json:"evidence_required"`
		} `json:"items"`
	} `json:"sections"`
	RedFlags []struct {
		Key             string  `json:"key"`
		Title           string  `json:"title"`
		Description     string  `json:"description"`
		DefaultSeverity string  `json:"default_severity"`
		Origin          string  `json:"origin"`
		MandateRule     *string `json:"mandate_rule"`
	} `json:"red_flags"`
}

// createTemplate writes the next version of a template family; versions in
// use never change.
func (s *Server) createTemplate(c *gin.Context) {
	var req templateRequest
	if !s.bindJSON(c, &req) {
		return
	}
	nt := custos.NewTemplate{Family: req.Family, Name: req.Name, Description: req.Description}
	for _, cr := range req.Criteria {
		nt.Criteria = append(nt.Criteria, custos.Criterion{Key: cr.Key, Name: cr.Name, Description: cr.Description, Weight: cr.Weight})
	}
	for _, sec := range req.Sections {
		cs := custos.ChecklistSection{Key: sec.Key, Title: sec.Title}
		for _, it := range sec.Items {
			cs.Items = append(cs.Items, custos.ChecklistItem{Key: it.Key, Prompt: it.Prompt, Guidance: it.Guidance, EvidenceRequired: it.EvidenceRequired})
		}
		nt.Sections = append(nt.Sections, cs)
	}
	for _, f := range req.RedFlags {
		nt.RedFlags = append(nt.RedFlags, custos.RedFlagDefinition{Key: f.Key, Title: f.Title, Description: f.Description,
			DefaultSeverity: custos.Severity(f.DefaultSeverity), Origin: f.Origin, MandateRule: f.MandateRule})
	}
	t, err := s.Templates.CreateTemplate(c.Request.Context(), nt)
	if err != nil {
		s.writeError(c, err)
		return
	}
	c.Header("Location", fmt.Sprintf("/api/v1/templates/%d", t.ID))
	c.JSON(http.StatusCreated, t)
}

// --- audit ------------------------------------------------------------------

func (s *Server) listAudit(c *gin.Context) {
	limit, before, ok := pageParams(c)
	if !ok {
		return
	}
	f := custos.AuditFilter{Before: int64(before), Limit: limit}
	if raw := c.Query("team"); raw != "" {
		id, _ := strconv.ParseInt(raw, 10, 64) // the guard has checked it
		f.TeamID = &id
	}
	page, err := s.Audit.ListAuditEvents(c.Request.Context(), f)
	if err != nil {
		s.writeError(c, err)
		return
	}
	c.JSON(http.StatusOK, page)
}

func (s *Server) verifyAudit(c *gin.Context) {
	report, err := s.Audit.VerifyAuditChain(c.Request.Context())
	if err != nil {
		s.writeError(c, err)
		return
	}
	c.JSON(http.StatusOK, report)
}
