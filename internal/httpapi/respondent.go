package httpapi

import (
	"mime"
	"net/http"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/gin-gonic/gin"

	"github.com/custos-dd/custos/internal/custos"
)

// The respondent's routes: a custodian's contact, without an account, known
// only by the invitation token of its link.
//
// The token travels in the InvitationHeader request header and nowhere else:
// not in a cookie (nothing a browser sends by itself), not in a URL the
// server sees (the web page keeps it in the fragment of /respond#<token>,
// which browsers never send or put in a Referer). That is also the
// respondent's CSRF defence: a cross-site form or image cannot set a request
// header, and a cross-site script can only with a CORS preflight that this
// server never grants, so no other site can make a respondent's browser
// write. The guard reads the header only on these routes; every other route
// ignores it and answers such a request as it answers an anonymous one.

// InvitationHeader carries a respondent's invitation token.
const InvitationHeader = "X-Invitation-Token"

const ctxInvitationToken = "invitation_token"

// respondentLimiter bounds each client address, per minute, to a number of
// respondent requests and a smaller number of links that open nothing. It
// is per server process: behind several replicas the bound multiplies, which
// still leaves guessing a 256-bit token hopeless; it is there to keep one
// client from hogging the respondent routes.
type respondentLimiter struct {
	mu                 sync.Mutex
	requests, badLinks int
	now                func() time.Time
	windows            map[string]*limitWindow
}

type limitWindow struct {
	start              time.Time
	requests, badLinks int
}

func newRespondentLimiter(requests, badLinks int, now func() time.Time) *respondentLimiter {
	return &respondentLimiter{requests: requests, badLinks: badLinks, now: now, windows: map[string]*limitWindow{}}
}

// window returns addr's current one-minute window, starting a new one when
// the last is over; old windows are swept when there are many.
func (l *respondentLimiter) window(addr string) *limitWindow {
	now := l.now()
	w := l.windows[addr]
	if w == nil || now.Sub(w.start) >= time.Minute {
		if len(l.windows) > 10000 {
			for a, x := range l.windows {
				if now.Sub(x.start) >= time.Minute {
					delete(l.windows, a)
				}
			}
		}
		w = &limitWindow{start: now}
		l.windows[addr] = w
	}
	return w
}

// admit counts a request and says how long to wait when addr is over
// either bound (0 when admitted).
func (l *respondentLimiter) admit(addr string) time.Duration {
	l.mu.Lock()
	defer l.mu.Unlock()
	w := l.window(addr)
	w.requests++
	if w.requests > l.requests || w.badLinks >= l.badLinks {
		return time.Minute - l.now().Sub(w.start)
	}
	return 0
}

// badLink counts a link that opened nothing.
func (l *respondentLimiter) badLink(addr string) {
	l.mu.Lock()
	defer l.mu.Unlock()
	l.window(addr).badLinks++
}

// guardRespondent admits a respondent route's request: a token in the
// header, within the address's limits. The service checks the token itself.
func (s *Server) guardRespondent(c *gin.Context) {
	addr := s.clientAddr(c.Request)
	if wait := s.respondents.admit(addr); wait > 0 {
		s.writeError(c, &custos.Error{Code: custos.ETHROTTLED, Message: "too many requests from this address; wait a minute",
			RetryAfterSeconds: max(1, int(wait.Round(time.Second).Seconds()))})
		return
	}
	token := strings.TrimSpace(c.GetHeader(InvitationHeader))
	if token == "" {
		s.writeError(c, custos.Errorf(custos.EUNAUTHENTICATED, "open the link from your invitation; it carries the key this page needs"))
		return
	}
	c.Set(ctxInvitationToken, token)
	c.Next()
	if c.Writer.Status() == http.StatusUnauthorized {
		s.respondents.badLink(addr)
	}
}

func invitationToken(c *gin.Context) string { return c.GetString(ctxInvitationToken) }

func (s *Server) getQuestionnaire(c *gin.Context) {
	q, err := s.Invitations.Questionnaire(c.Request.Context(), invitationToken(c))
	if err != nil {
		s.writeError(c, err)
		return
	}
	c.JSON(http.StatusOK, q)
}

type responseRequest struct {
	Status string `json:"status"`
	Note   string `json:"note"`
}

func (s *Server) saveResponse(c *gin.Context) {
	var req responseRequest
	itemID, ok := pathID(c, "itemID")
	if !ok || !s.bindJSON(c, &req) {
		return
	}
	r, err := s.Invitations.SaveResponse(c.Request.Context(), invitationToken(c), itemID,
		custos.AnswerInput{Status: custos.AnswerStatus(req.Status), Note: req.Note})
	if err != nil {
		s.writeError(c, err)
		return
	}
	c.JSON(http.StatusOK, r)
}

func (s *Server) addResponseDocument(c *gin.Context) {
	itemID, ok := pathID(c, "itemID")
	if !ok {
		return
	}
	label, content, ok := s.readUpload(c)
	if !ok {
		return
	}
	d, err := s.Invitations.AddResponseDocument(c.Request.Context(), invitationToken(c), itemID, label, content)
	if err != nil {
		s.writeError(c, err)
		return
	}
	c.JSON(http.StatusCreated, d)
}

func (s *Server) submitResponses(c *gin.Context) {
	q, err := s.Invitations.SubmitResponses(c.Request.Context(), invitationToken(c))
	if err != nil {
		s.writeError(c, err)
		return
	}
	c.JSON(http.StatusOK, q)
}

// --- the officer's side --------------------------------------------------------

type invitationRequest struct {
	CustodianID   int64    `json:"custodian_id"`
	Name          string   `json:"name"`
	Email         string   `json:"email"`
	SectionKeys   []string `json:"section_keys"`
	ExpiresInDays int      `json:"expires_in_days"`
}

// createInvitation answers the token once. When the server sends e-mail the
// link is also queued for the contact in the same transaction (the outbox);
// otherwise the officer passes it on.
func (s *Server) createInvitation(c *gin.Context) {
	var req invitationRequest
	p, ok := bindPath(c)
	if !ok || !s.bindJSON(c, &req) {
		return
	}
	issued, err := s.Invitations.Invite(c.Request.Context(), p.ID, custos.NewInvitation{CustodianID: req.CustodianID,
		Name: req.Name, Email: req.Email, SectionKeys: req.SectionKeys, ExpiresInDays: req.ExpiresInDays})
	if err != nil {
		s.writeError(c, err)
		return
	}
	c.JSON(http.StatusCreated, issued)
}

func (s *Server) listInvitations(c *gin.Context) {
	p, ok := bindPath(c)
	if !ok {
		return
	}
	list, err := s.Invitations.Invitations(c.Request.Context(), p.ID)
	if err != nil {
		s.writeError(c, err)
		return
	}
	c.JSON(http.StatusOK, items(list))
}

func (s *Server) revokeInvitation(c *gin.Context) {
	p, ok := bindPath(c)
	if !ok {
		return
	}
	inv, err := s.Invitations.RevokeInvitation(c.Request.Context(), p.ID, p.InvitationID)
	if err != nil {
		s.writeError(c, err)
		return
	}
	c.JSON(http.StatusOK, inv)
}

func (s *Server) acceptResponse(c *gin.Context) {
	p, ok := bindPath(c)
	if !ok {
		return
	}
	r, err := s.Invitations.AcceptResponse(c.Request.Context(), p.ID, p.InvitationID, p.ItemID)
	if err != nil {
		s.writeError(c, err)
		return
	}
	c.JSON(http.StatusOK, r)
}

type clarifyRequest struct {
	Comment string `json:"comment"`
}

func (s *Server) clarifyResponse(c *gin.Context) {
	var req clarifyRequest
	p, ok := bindPath(c)
	if !ok {
		return
	}
	if !s.bindJSON(c, &req) {
		return
	}
	r, err := s.Invitations.RequestClarification(c.Request.Context(), p.ID, p.InvitationID, p.ItemID, req.Comment)
	if err != nil {
		s.writeError(c, err)
		return
	}
	c.JSON(http.StatusOK, r)
}

// downloadResponseDocument sends a respondent's file for review, as an
// attachment browsers never render in place.
func (s *Server) downloadResponseDocument(c *gin.Context) {
	p, ok := bindPath(c)
	if !ok {
		return
	}
	d, content, err := s.Invitations.ResponseDocument(c.Request.Context(), p.ID, p.InvitationID, p.DocumentID)
	if err != nil {
		s.writeError(c, err)
		return
	}
	name := "response-document-" + strconv.FormatInt(d.ID, 10) + custos.EvidenceTypes[d.ContentType]
	c.Header("Content-Disposition", mime.FormatMediaType("attachment", map[string]string{"filename": name}))
	c.Header("Content-Security-Policy", "sandbox; default-src 'none'")
	c.Data(http.StatusOK, d.ContentType, content)
}
