package notify_test

import (
	"context"
	"errors"
	"fmt"
	"io"
	"mime"
	"mime/quotedprintable"
	"net"
	"net/mail"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/emersion/go-smtp"
	"github.com/google/go-cmp/cmp"

	"github.com/custos-dd/custos/internal/apitest"
	"github.com/custos-dd/custos/internal/custos"
	"github.com/custos-dd/custos/internal/demo"
	"github.com/custos-dd/custos/internal/notify"
	"github.com/custos-dd/custos/internal/postgres"
)

// --- a real SMTP server, in the test's process --------------------------------

// received is one message the server accepted.
type received struct {
	notification int64
	to, subject  string
	body         string
}

// mailServer is a go-smtp server that keeps what it accepts. fail, when
// set, is how it refuses: "connect" (at the greeting), "rcpt" (550 to the
// recipient) or "data" (451 after the message).
type mailServer struct {
	mu   sync.Mutex
	got  []received
	fail string
	srv  *smtp.Server
	addr string
}

func startMailServer(t *testing.T) *mailServer {
	t.Helper()
	m := &mailServer{}
	m.srv = smtp.NewServer(m)
	m.srv.Domain = "localhost"
	m.srv.ReadTimeout, m.srv.WriteTimeout = 30*time.Second, 30*time.Second
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	m.addr = ln.Addr().String()
	go m.srv.Serve(ln)
	t.Cleanup(func() { m.srv.Close() })
	return m
}

func (m *mailServer) setFail(mode string) { m.mu.Lock(); m.fail = mode; m.mu.Unlock() }

func (m *mailServer) failing(mode string) bool {
	m.mu.Lock()
	defer m.mu.Unlock()
	return m.fail == mode
}

func (m *mailServer) messages() []received {
	m.mu.Lock()
	defer m.mu.Unlock()
	return append([]received(nil), m.got...)
}

func (m *mailServer) NewSession(*smtp.Conn) (smtp.Session, error) {
	if m.failing("connect") {
		return nil, &smtp.SMTPError{Code: 421, EnhancedCode: smtp.EnhancedCode{4, 3, 2}, Message: "Service not available, try later"}
	}
	return &mailSession{m: m}, nil
}

type mailSession struct {
	m  *mailServer
	to string
}

func (s *mailSession) Reset()        {}
func (s *mailSession) Logout() error { return nil }
func (s *mailSession) Mail(string, *smtp.MailOptions) error {
	return nil
}
func (s *mailSession) Rcpt(to string, _ *smtp.RcptOptions) error {
	if s.m.failing("rcpt") {
		return &smtp.SMTPError{Code: 550, EnhancedCode: smtp.EnhancedCode{5, 1, 1}, Message: "Mailbox unavailable"}
	}
	s.to = to
	return nil
}
func (s *mailSession) Data(r io.Reader) error {
	msg, err := mail.ReadMessage(r)
	if err != nil {
		return err
	}
	body, err := io.ReadAll(msg.Body)
	if err != nil {
		return err
	}
	if s.m.failing("data") {
		return &smtp.SMTPError{Code: 451, EnhancedCode: smtp.EnhancedCode{4, 3, 0}, Message: "Local error, try again"}
	}
	id, _ := strconv.ParseInt(msg.Header.Get("X-Custos-Notification"), 10, 64)
	subject, _ := new(mime.WordDecoder).DecodeHeader(msg.Header.Get("Subject"))
	s.m.mu.Lock()
	s.m.got = append(s.m.got, received{notification: id, to: s.to, subject: subject, body: decodeBody(msg.Header.Get("Content-Transfer-Encoding"), body)})
	s.m.mu.Unlock()
	return nil
}

func decodeBody(encoding string, body []byte) string {
	if strings.EqualFold(encoding, "quoted-printable") {
		b, err := io.ReadAll(quotedprintable.NewReader(strings.NewReader(string(body))))
		if err == nil {
			return string(b)
		}
	}
	return string(body)
}

// --- the stack -----------------------------------------------------------------

type stack struct {
	env      *apitest.Env
	treasury int64
	outbox   *postgres.OutboxStore
	mail     *mailServer
	worker   *notify.Worker
}

func newStack(t *testing.T) *stack {
	t.Helper()
	env := apitest.New(t)
	teams := env.SeedDemo()
	m := startMailServer(t)
	s := &stack{env: env, treasury: teams[demo.TreasuryTeam], outbox: postgres.NewOutbox(env.Store), mail: m}
	s.worker = s.workerOn(env.Store)
	return s
}

// workerOn is a worker over store that sends to the test's SMTP server.
func (s *stack) workerOn(store *postgres.DB) *notify.Worker {
	s.env.T.Helper()
	mailer, err := notify.ParseSMTPURL("smtp://" + s.mail.addr + "?from=custos@example.com&tls=off")
	if err != nil {
		s.env.T.Fatal(err)
	}
	return &notify.Worker{Outbox: postgres.NewOutbox(store), Mailer: mailer, BaseURL: "https://custos.example.com"}
}

func (s *stack) step(w *notify.Worker) notify.Step {
	s.env.T.Helper()
	st, err := w.Step(context.Background())
	if err != nil {
		s.env.T.Fatal(err)
	}
	return st
}

func (s *stack) states() []postgres.EmailState {
	s.env.T.Helper()
	st, err := s.outbox.EmailStates(context.Background())
	if err != nil {
		s.env.T.Fatal(err)
	}
	return st
}

// inApp is what the user's notification list says, through the API.
func (s *stack) inApp(email string, query string) custos.NotificationPage {
	s.env.T.Helper()
	var page custos.NotificationPage
	res := s.env.Login(email).Do("GET", "/api/v1/notifications"+query, nil)
	if res.Status != 200 {
		s.env.T.Fatalf("GET notifications as %s: %d %s", email, res.Status, res.Body)
	}
	res.JSON(&page)
	return page
}

func subjects(page custos.NotificationPage) []string {
	var out []string
	for _, n := range page.Items {
		out = append(out, n.Subject)
	}
	return out
}

// emailedInvitation opens a draft of two catalogue custodians as the
// officer and invites a contact at the first through an invitation service
// that e-mails its links; it returns the service, the invitation and the
// custodian's name.
func (s *stack) emailedInvitation() (*postgres.InvitationService, *custos.IssuedInvitation, string) {
	s.env.T.Helper()
	officer := s.env.As("officer@example.com")
	custodians, err := postgres.NewCatalogueService(s.env.Store).ListCustodians(officer, custos.CustodianFilter{Limit: 2})
	if err != nil {
		s.env.T.Fatal(err)
	}
	ws := s.env.OpenEvaluation(officer, s.treasury, custodians.Items[0].ID, custodians.Items[1].ID)
	invitations := postgres.NewInvitationService(s.env.Store, postgres.NewEvaluationService(s.env.Store)).EmailInvitations(true)
	issued, err := invitations.Invite(officer, ws.Evaluation.ID, custos.NewInvitation{CustodianID: custodians.Items[0].ID,
		Name: "Rita Respondent", Email: "rita@custodian.example"})
	if err != nil {
		s.env.T.Fatal(err)
	}
	return invitations, issued, custodians.Items[0].Name
}

// --- the journey -----------------------------------------------------------------

// TestReviewReminderJourney: approve, record the relationship, move the
// clock 11 months on (to 30 days before the review is due): the 30-day
// reminder goes out once in-app and once by e-mail to the owner and each
// manager, and further scans send nothing more.
func TestReviewReminderJourney(t *testing.T) {
	t.Parallel()
	s := newStack(t)
	env := s.env
	officer, manager := env.As("officer@example.com"), env.As("manager@example.com")
	ws := env.ApprovedEvaluation(officer, manager, s.treasury, 2)
	title := ws.Evaluation.Title

	// The workflow's own notifications were written with their events.
	if diff := cmp.Diff([]string{"Approved: " + title}, subjects(s.inApp("officer@example.com", ""))); diff != "" {
		t.Errorf("the officer's notifications (-want +got):\n%s", diff)
	}
	if diff := cmp.Diff([]string{"Shortlist to approve: " + title}, subjects(s.inApp("manager2@example.com", ""))); diff != "" {
		t.Errorf("the other manager's notifications (-want +got):\n%s", diff)
	}
	// The approving manager is not told about their own approval.
	if diff := cmp.Diff([]string{"Shortlist to approve: " + title}, subjects(s.inApp("manager@example.com", ""))); diff != "" {
		t.Errorf("the approving manager's notifications (-want +got):\n%s", diff)
	}
	if diff := cmp.Diff([]string{"Approved: " + title}, subjects(s.inApp("auditor@example.com", ""))); diff != "" {
		t.Errorf("the auditor's notifications (-want +got):\n%s", diff)
	}
	// …and go out by e-mail on the worker's first step.
	if st := s.step(s.worker); st.Sent != 4 || st.Reminders != 0 {
		t.Fatalf("first step: %+v, want the 4 workflow e-mails and no reminder", st)
	}
	before := len(s.mail.messages())

	rels := postgres.NewRelationshipService(env.Store)
	rel, err := rels.Appoint(officer, custos.NewRelationship{TeamID: s.treasury, EvaluationID: ws.Evaluation.ID,
		CustodianID: ws.Shortlist[0].CustodianID})
	if err != nil {
		t.Fatal(err)
	}
	if st := s.step(s.worker); st.Reminders != 0 || st.Sent != 0 {
		t.Fatalf("a review a year off: %+v", st)
	}

	// Eleven months on: 30 days before the review is due.
	due, _ := time.Parse(time.DateOnly, rel.NextReviewDue)
	now := env.Clock.Now()
	env.Clock.Advance(due.AddDate(0, 0, -30).Add(9 * time.Hour).Sub(now))
	if months := monthsBetween(now, env.Clock.Now()); months != 11 {
		t.Fatalf("the clock moved %d months, want 11", months)
	}
	st := s.step(s.worker)
	if st.Reminders != 3 || st.Sent != 3 {
		t.Fatalf("the 30-day step: %+v, want 3 reminders (the owner and both managers) sent", st)
	}
	subject := "Review due in 30 days: " + rel.CustodianName
	for _, who := range []string{"officer@example.com", "manager@example.com", "manager2@example.com"} {
		page := s.inApp(who, "?unread=true")
		if len(page.Items) == 0 || page.Items[0].Subject != subject {
			t.Fatalf("%s's newest unread notification: %v, want %q", who, subjects(page), subject)
		}
		if got := page.Items[0].Link; got != fmt.Sprintf("/teams/%d/relationships/%d", s.treasury, rel.ID) {
			t.Errorf("link %q", got)
		}
	}
	if got := subjects(s.inApp("auditor@example.com", "")); len(got) != 1 {
		t.Errorf("the auditor was told of the review: %v", got)
	}
	reminders := func() map[string]int {
		n := map[string]int{}
		for _, m := range s.mail.messages()[before:] {
			n[m.to+" "+m.subject]++
		}
		return n
	}
	want := map[string]int{"officer@example.com " + subject: 1, "manager@example.com " + subject: 1, "manager2@example.com " + subject: 1}
	if diff := cmp.Diff(want, reminders()); diff != "" {
		t.Errorf("e-mailed reminders (-want +got):\n%s", diff)
	}
	for _, m := range s.mail.messages()[before:] {
		link := fmt.Sprintf("https://custos.example.com/teams/%d/relationships/%d", s.treasury, rel.ID)
		if !strings.Contains(m.body, link) {
			t.Errorf("the e-mail to %s has no link %s:\n%s", m.to, link, m.body)
		}
	}

	// Again, and a day later (the same stage): nothing more, in-app or by mail.
	for range 2 {
		if st := s.step(s.worker); st != (notify.Step{}) {
			t.Fatalf("a repeated scan: %+v", st)
		}
		env.Clock.Advance(24 * time.Hour)
	}
	if diff := cmp.Diff(want, reminders()); diff != "" {
		t.Errorf("after repeated scans (-want +got):\n%s", diff)
	}
	if n := s.inApp("officer@example.com", "").Unread; n != 2 {
		t.Errorf("the officer has %d unread, want 2 (approved, 30-day reminder)", n)
	}

	// 7 days before: the next stage goes out once.
	env.Clock.Advance(due.AddDate(0, 0, -7).Add(9 * time.Hour).Sub(env.Clock.Now()))
	if st := s.step(s.worker); st.Reminders != 3 || st.Sent != 3 {
		t.Fatalf("the 7-day step: %+v", st)
	}
	if st := s.step(s.worker); st != (notify.Step{}) {
		t.Fatalf("a repeated 7-day scan: %+v", st)
	}
}

func monthsBetween(a, b time.Time) int {
	return (b.Year()-a.Year())*12 + int(b.Month()) - int(a.Month())
}

// TestMarkRead: one, then all; another user's is not found.
func TestMarkRead(t *testing.T) {
	t.Parallel()
	s := newStack(t)
	env := s.env
	env.ApprovedEvaluation(env.As("officer@example.com"), env.As("manager@example.com"), s.treasury, 2)
	env.ApprovedEvaluation(env.As("officer@example.com"), env.As("manager@example.com"), s.treasury, 2)
	officer := env.Login("officer@example.com")
	page := s.inApp("officer@example.com", "?limit=1")
	if page.Unread != 2 || len(page.Items) != 1 || page.NextBefore == nil {
		t.Fatalf("first page: %+v", page)
	}
	next := s.inApp("officer@example.com", fmt.Sprintf("?limit=1&before=%d", *page.NextBefore))
	if len(next.Items) != 1 || next.Items[0].ID >= page.Items[0].ID || next.NextBefore != nil {
		t.Fatalf("second page: %+v", next)
	}
	if res := env.Login("manager2@example.com").Do("POST", fmt.Sprintf("/api/v1/notifications/%d/read", page.Items[0].ID), nil); res.Status != 404 {
		t.Errorf("another user's notification: %d", res.Status)
	}
	if res := officer.Do("POST", fmt.Sprintf("/api/v1/notifications/%d/read", page.Items[0].ID), nil); res.Status != 204 {
		t.Fatalf("mark read: %d %s", res.Status, res.Body)
	}
	if p := s.inApp("officer@example.com", "?unread=true"); p.Unread != 1 || len(p.Items) != 1 || p.Items[0].ID != next.Items[0].ID {
		t.Errorf("after marking one: %+v", p)
	}
	if res := officer.Do("GET", "/api/v1/notifications?unread=maybe", nil); res.Status != 400 || !strings.Contains(string(res.Body), `"unread"`) {
		t.Errorf("a bad filter: %d %s", res.Status, res.Body)
	}
	res := officer.Do("POST", "/api/v1/notifications/read", nil)
	if res.Status != 200 || res.Map()["marked"] != float64(1) {
		t.Fatalf("mark all: %d %s", res.Status, res.Body)
	}
	if p := s.inApp("officer@example.com", ""); p.Unread != 0 || len(p.Items) != 2 || p.Items[0].ReadAt == nil {
		t.Errorf("after marking all: %+v", p)
	}
}

// --- exactly once with two workers ----------------------------------------------

// TestTwoWorkersDeliverEachOnce: two workers, each with its own connection
// pool (as two server processes would have), drain one outbox at once; the
// SMTP server receives every notification exactly once.
func TestTwoWorkersDeliverEachOnce(t *testing.T) {
	t.Parallel()
	s := newStack(t)
	const n = 120
	if _, err := s.env.SQL.Exec(`INSERT INTO notifications (user_id, kind, object_type, object_id, subject, body, link,
			created_at, next_attempt_at)
		SELECT u.id, 'evaluation.submitted', 'evaluation', g::text, 'Shortlist to approve ' || g, 'Please review it.',
			'/evaluations/' || g, $2, $2
		FROM generate_series(1, $1) g JOIN users u ON u.email = 'manager@example.com'`, n, s.env.Clock.Now()); err != nil {
		t.Fatal(err)
	}
	second, err := postgres.Open(context.Background(), s.env.Conf.URL(), 4)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { second.Close() })
	second.Now = s.env.Clock.Now
	workers := []*notify.Worker{s.worker, s.workerOn(second)}
	for _, w := range workers {
		w.Batch = 3 // small claims, so the two interleave
	}
	var wg sync.WaitGroup
	sent := make([]int, len(workers))
	errs := make(chan error, len(workers))
	for i, w := range workers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			deadline := time.Now().Add(2 * time.Minute)
			for time.Now().Before(deadline) {
				st, err := w.Step(context.Background())
				if err != nil {
					errs <- err
					return
				}
				sent[i] += st.Sent
				if st.Sent == 0 && st.Failed == 0 {
					return // nothing left to claim
				}
			}
			errs <- errors.New("the outbox did not drain within 2 minutes")
		}()
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Fatal(err)
	}
	per := map[int64]int{}
	for _, m := range s.mail.messages() {
		per[m.notification]++
	}
	for _, st := range s.states() {
		if st.State != "sent" || st.Attempts != 1 || per[st.ID] != 1 {
			t.Errorf("notification %d: %s after %d attempt(s), received %d time(s)", st.ID, st.State, st.Attempts, per[st.ID])
		}
	}
	if got := len(s.mail.messages()); got != n {
		t.Errorf("the server received %d messages, want %d", got, n)
	}
	t.Logf("worker 1 sent %d, worker 2 sent %d", sent[0], sent[1])
	if sent[0]+sent[1] != n {
		t.Errorf("the workers report %d sent, want %d", sent[0]+sent[1], n)
	}
}

// --- retries ------------------------------------------------------------------------

// TestFailingServerIsRetriedWithBackoff: a server that refuses the
// connection, then the recipient, then the message, is retried after 30 s,
// 60 s and 120 s of the injected clock, never before; once it recovers the
// notification is delivered once and nothing is lost.
func TestFailingServerIsRetriedWithBackoff(t *testing.T) {
	t.Parallel()
	s := newStack(t)
	env := s.env
	env.SubmittedEvaluation(env.As("officer@example.com"), s.treasury) // tells manager and manager2
	for i, mode := range []string{"connect", "rcpt", "data"} {
		s.mail.setFail(mode)
		if st := s.step(s.worker); st.Failed != 2 || st.Sent != 0 {
			t.Fatalf("attempt %d (%s refused): %+v", i+1, mode, st)
		}
		for _, st := range s.states() {
			if st.State != "pending" || st.Attempts != i+1 || st.Error == "" {
				t.Errorf("after a refused %s: %+v", mode, st)
			}
		}
		// Not before its time: the backoff doubles from 30 s.
		wait := 30 * time.Second << i
		env.Clock.Advance(wait - time.Second)
		if st := s.step(s.worker); st != (notify.Step{}) {
			t.Fatalf("retried %v early: %+v", time.Second, st)
		}
		env.Clock.Advance(time.Second)
	}
	if len(s.mail.messages()) != 0 {
		t.Fatalf("a refused message was received: %+v", s.mail.messages())
	}
	s.mail.setFail("")
	if st := s.step(s.worker); st.Sent != 2 || st.Failed != 0 {
		t.Fatalf("after recovery: %+v", st)
	}
	if st := s.step(s.worker); st != (notify.Step{}) {
		t.Fatalf("a step after delivery: %+v", st)
	}
	got := map[string]int{}
	for _, m := range s.mail.messages() {
		got[m.to]++
	}
	if diff := cmp.Diff(map[string]int{"manager@example.com": 1, "manager2@example.com": 1}, got); diff != "" {
		t.Errorf("received (-want +got):\n%s", diff)
	}
	for _, st := range s.states() {
		if st.State != "sent" || st.Attempts != 4 {
			t.Errorf("after recovery: %+v", st)
		}
	}
}

// TestEmailOff: without a mailer nothing is e-mailed, the notifications are
// marked so, and the in-app list has them all the same.
func TestEmailOff(t *testing.T) {
	t.Parallel()
	s := newStack(t)
	env := s.env
	env.SubmittedEvaluation(env.As("officer@example.com"), s.treasury)
	w := &notify.Worker{Outbox: s.outbox}
	if st := s.step(w); st.Sent != 0 {
		t.Fatalf("sent without a mailer: %+v", st)
	}
	for _, st := range s.states() {
		if st.State != "off" {
			t.Errorf("%+v, want off", st)
		}
	}
	if p := s.inApp("manager@example.com", "?unread=true"); p.Unread != 1 {
		t.Errorf("in-app: %+v", p)
	}
}

// TestRetryIn is the backoff schedule: doubling from Backoff, capped, and
// given up after MaxAttempts.
func TestRetryIn(t *testing.T) {
	w := &notify.Worker{Backoff: 30 * time.Second, MaxBackoff: 4 * time.Minute, MaxAttempts: 6}
	var got []time.Duration
	for n := 1; n <= 6; n++ {
		got = append(got, w.RetryIn(n))
	}
	want := []time.Duration{30 * time.Second, time.Minute, 2 * time.Minute, 4 * time.Minute, 4 * time.Minute, 0}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("RetryIn (-want +got):\n%s", diff)
	}
}

func TestParseSMTPURL(t *testing.T) {
	for _, bad := range []string{"smtp://mail.example.com", "http://mail.example.com?from=a@b.c", "smtp://?from=a@b.c",
		"smtp://mail.example.com:x?from=a@b.c", "smtp://mail.example.com?from=a@b.c&tls=maybe"} {
		if _, err := notify.ParseSMTPURL(bad); err == nil {
			t.Errorf("%s was accepted", bad)
		}
	}
	m, err := notify.ParseSMTPURL("smtps://u:p@mail.example.com?from=custos@example.com")
	if err != nil || m.Host != "mail.example.com:465" {
		t.Errorf("smtps: %v %+v", err, m)
	}
}

// TestReturnAndMemoNotifications: a return tells the officer who submitted
// (with the manager's comment), a memo the auditors; a refused write tells
// no one, since its notifications roll back with it.
func TestReturnAndMemoNotifications(t *testing.T) {
	t.Parallel()
	s := newStack(t)
	env := s.env
	officer, manager := env.As("officer@example.com"), env.As("manager@example.com")
	ws := env.SubmittedEvaluation(officer, s.treasury)
	// The officer cannot approve their own submission: refused, and no one is told.
	if _, err := env.Evaluations.Decide(officer, ws.Evaluation.ID, 0, custos.DecisionApprove, ""); err == nil {
		t.Fatal("the submitter approved")
	}
	if _, err := env.Evaluations.Decide(manager, ws.Evaluation.ID, 0, custos.DecisionReturn, "Score the support criterion again."); err != nil {
		t.Fatal(err)
	}
	page := s.inApp("officer@example.com", "")
	if diff := cmp.Diff([]string{"Returned for rework: " + ws.Evaluation.Title}, subjects(page)); diff != "" {
		t.Fatalf("the officer's notifications (-want +got):\n%s", diff)
	}
	if !strings.Contains(page.Items[0].Body, "Score the support criterion again.") {
		t.Errorf("the return's comment is not in %q", page.Items[0].Body)
	}

	approved := env.ApprovedEvaluation(officer, manager, s.treasury, 2)
	m, err := env.Memos.IssueMemo(officer, approved.Evaluation.ID)
	if err != nil {
		t.Fatal(err)
	}
	got := s.inApp("auditor@example.com", "")
	if len(got.Items) == 0 || got.Items[0].Subject != "Memo issued: "+approved.Evaluation.Title || got.Items[0].ObjectID != strconv.FormatInt(m.ID, 10) {
		t.Fatalf("the auditor's newest notification: %+v", got.Items)
	}
	// Who was told what, in all: no one twice, never the actor.
	kinds := map[string]int{}
	for _, st := range s.states() {
		kinds[st.Kind]++
	}
	want := map[string]int{"evaluation.submitted": 4, "evaluation.returned": 1, "evaluation.approved": 2, "memo.issued": 1}
	if diff := cmp.Diff(want, kinds); diff != "" {
		t.Errorf("notifications by kind (-want +got):\n%s", diff)
	}
}

// TestInvitationEmailedOnceThenForgotten: with e-mail on, a respondent
// invitation's link is queued in the transaction that creates it, reaches
// the contact (who has no account) once, never shows in anyone's in-app
// list, and is wiped from the outbox once sent, since only its hash may
// stay.
func TestInvitationEmailedOnceThenForgotten(t *testing.T) {
	t.Parallel()
	s := newStack(t)
	env := s.env
	_, issued, custodian := s.emailedInvitation()
	if !issued.Emailed {
		t.Errorf("issued %+v: want emailed", issued)
	}
	if st := s.step(s.worker); st.Sent != 1 {
		t.Fatalf("step: %+v, want the invitation sent", st)
	}
	if st := s.step(s.worker); st.Sent != 0 {
		t.Fatalf("second step: %+v, want nothing more", st)
	}
	got := s.mail.messages()
	if len(got) != 1 || got[0].to != "rita@custodian.example" ||
		!strings.Contains(got[0].body, "https://custos.example.com"+issued.Link) || !strings.Contains(got[0].subject, custodian) {
		t.Fatalf("mail: %+v, want one message to the contact with the link %s", got, issued.Link)
	}
	var kept []string
	rows, err := env.Store.SQL().QueryContext(context.Background(), `SELECT link || ' ' || body FROM notifications WHERE kind = 'invitation.sent'`)
	if err != nil {
		t.Fatal(err)
	}
	for rows.Next() {
		var k string
		if err := rows.Scan(&k); err != nil {
			t.Fatal(err)
		}
		kept = append(kept, k)
	}
	if err := rows.Close(); err != nil {
		t.Fatal(err)
	}
	if len(kept) != 1 || strings.Contains(kept[0], issued.Token) {
		t.Errorf("outbox keeps %q, want the sent invitation without its token", kept)
	}
	for _, who := range []string{"officer@example.com", "manager@example.com"} {
		for _, n := range s.inApp(who, "").Items {
			if n.Kind == custos.NoticeInvitation {
				t.Errorf("%s sees the invitation e-mail in-app: %+v", who, n)
			}
		}
	}
}

// TestDocumentNoticesOnce: the owner of a custody relationship is told once
// that an assurance document on its custodian is expiring, and once more
// when it has expired; other users hear nothing, and repeated scans write
// nothing new.
func TestDocumentNoticesOnce(t *testing.T) {
	t.Parallel()
	s := newStack(t)
	env := s.env
	officer, manager := env.As("officer@example.com"), env.As("manager@example.com")
	ws := env.ApprovedEvaluation(officer, manager, s.treasury, 2)
	s.step(s.worker) // the workflow's own e-mails
	rel, err := postgres.NewRelationshipService(env.Store).Appoint(officer, custos.NewRelationship{TeamID: s.treasury,
		EvaluationID: ws.Evaluation.ID, CustodianID: ws.Shortlist[0].CustodianID})
	if err != nil {
		t.Fatal(err)
	}
	day := func(d time.Time) *string { v := d.UTC().Format(time.DateOnly); return &v }
	now := env.Clock.Now()
	doc, err := postgres.NewAssuranceService(env.Store).AddDocument(officer, s.treasury, rel.CustodianID, custos.DocumentInput{
		Kind: custos.DocISO27001, Issuer: "BSI", IssuedOn: *day(now.AddDate(-2, 0, 0)), ValidUntil: day(now.AddDate(0, 0, 90))})
	if err != nil {
		t.Fatal(err)
	}
	if st := s.step(s.worker); st.Reminders != 0 {
		t.Fatalf("a certificate valid 90 more days: %+v, want no notice", st)
	}
	env.Clock.Advance(40 * 24 * time.Hour) // 50 days left: expiring
	for i, want := range []int{1, 0} {
		if st := s.step(s.worker); st.Reminders != want {
			t.Fatalf("expiring, scan %d: %+v, want %d notice(s)", i+1, st, want)
		}
	}
	env.Clock.Advance(60 * 24 * time.Hour) // past its date: expired
	for i, want := range []int{1, 0} {
		if st := s.step(s.worker); st.Reminders != want {
			t.Fatalf("expired, scan %d: %+v, want %d notice(s)", i+1, st, want)
		}
	}
	label := custos.DocISO27001.Label()
	want := []string{"Expired: the " + label + " of " + rel.CustodianName, "Expiring: the " + label + " of " + rel.CustodianName}
	var got []string
	for _, n := range s.inApp("officer@example.com", "").Items {
		if n.ObjectType == "assurance_document" && n.ObjectID == strconv.FormatInt(doc.ID, 10) {
			got = append(got, n.Subject)
		}
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("the owner's document notices (-want +got):\n%s", diff)
	}
	for _, n := range s.inApp("manager2@example.com", "").Items {
		if n.ObjectType == "assurance_document" {
			t.Errorf("a manager who owns nothing was told: %+v", n)
		}
	}
}

// A revoked invitation's queued e-mail does not go out, and its token
// leaves the outbox with the revocation.
func TestInvitationRevoked_NotEmailedAndItsTokenGone(t *testing.T) {
	t.Parallel()
	s := newStack(t)
	env := s.env
	inv, issued, _ := s.emailedInvitation()
	if _, err := inv.RevokeInvitation(env.As("officer@example.com"), issued.Invitation.EvaluationID, issued.Invitation.ID); err != nil {
		t.Fatal(err)
	}
	var n int
	if err := env.Store.SQL().QueryRow(`SELECT count(*) FROM notifications WHERE link LIKE '%' || $1`, issued.Token).Scan(&n); err != nil {
		t.Fatal(err)
	}
	if n != 0 {
		t.Errorf("after revocation the outbox still holds the token (%d rows)", n)
	}
	if st := s.step(s.worker); st.Sent != 0 {
		t.Errorf("step after revocation: %+v, want the revoked invitation not sent", st)
	}
}
