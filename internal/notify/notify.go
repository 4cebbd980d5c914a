// Package notify is the notification delivery worker: it writes the review
// reminders that fall due and e-mails the outbox's notifications. In-app
// delivery needs no worker: a notification is in the recipient's list as
// soon as the transaction of its cause commits.
package notify

import (
	"context"
	"errors"
	"log/slog"
	"strings"
	"time"

	"github.com/custos-dd/custos/internal/custos"
)

// Mailer sends one notification by e-mail; link is the object's absolute URL.
type Mailer interface {
	Send(ctx context.Context, e custos.OutboxEmail, link string) error
}

// Worker delivers notifications. A nil Mailer means e-mail is off.
type Worker struct {
	Outbox custos.Outbox
	Mailer Mailer
	// BaseURL is the web app's public address, e.g. https://custos.example.com.
	BaseURL string
	Log     *slog.Logger
	// Batch is how many e-mails one step claims; Lease how long a claim
	// holds before another worker may take the e-mail over.
	Batch int
	Lease time.Duration
	// Backoff is the wait after the first failure, doubled after each
	// further one up to MaxBackoff; after MaxAttempts the e-mail is failed.
	Backoff, MaxBackoff time.Duration
	MaxAttempts         int
}

// Defaults fills the zero settings.
func (w *Worker) defaults() {
	if w.Batch == 0 {
		w.Batch = 20
	}
	if w.Lease == 0 {
		// Well above go-mail's 30 s timeout per dial and command.
		w.Lease = 5 * time.Minute
	}
	if w.Backoff == 0 {
		w.Backoff = 30 * time.Second
	}
	if w.MaxBackoff == 0 {
		w.MaxBackoff = time.Hour
	}
	if w.MaxAttempts == 0 {
		w.MaxAttempts = 10
	}
	if w.Log == nil {
		w.Log = slog.New(slog.DiscardHandler)
	}
}

// Step is what the worker does on each tick: write the review reminders
// and document notices that fell due, send what is due by e-mail, then
// bring the drafts' document flags in line with the day.
type Step struct {
	Reminders, Sent, Failed int
	// Flags is how many drafts' document flags the round raised, reopened
	// or closed.
	Flags int
}

// RetryIn is the wait before attempt n+1 after n failed attempts: Backoff,
// doubled each time, at most MaxBackoff; 0 when n attempts were the last.
func (w *Worker) RetryIn(attempts int) time.Duration {
	w.defaults()
	if attempts >= w.MaxAttempts {
		return 0
	}
	d := w.Backoff
	for i := 1; i < attempts && d < w.MaxBackoff; i++ {
		d *= 2
	}
	return min(d, w.MaxBackoff)
}

// Step runs one round. Tests drive the worker by calling it; Run calls it
// on a timer.
func (w *Worker) Step(ctx context.Context) (Step, error) {
	w.defaults()
	var s Step
	n, err := w.Outbox.ScanReviewReminders(ctx)
	if err != nil {
		return s, err
	}
	s.Reminders = n
	if n, err = w.Outbox.ScanDocumentNotices(ctx); err != nil {
		return s, err
	}
	s.Reminders += n
	mailErr := w.sendDue(ctx, &s)
	if ctx.Err() != nil {
		return s, mailErr
	}
	// Time, not a write, makes a document lapse: the drafts' flags follow,
	// after the e-mail, so that a draft someone holds locked never delays it.
	var flagErr error
	s.Flags, flagErr = w.Outbox.ScanDocumentFlags(ctx)
	return s, errors.Join(mailErr, flagErr)
}

// sendDue e-mails what is due, batch after batch, counting into s.
func (w *Worker) sendDue(ctx context.Context, s *Step) error {
	if w.Mailer == nil {
		_, err := w.Outbox.EmailOff(ctx)
		return err
	}
	for {
		batch, err := w.Outbox.ClaimEmails(ctx, w.Batch, w.Lease)
		if err != nil {
			return err
		}
		for _, e := range batch {
			if ctx.Err() != nil {
				// Shutting down: hand what is claimed but unsent back at once
				// rather than leave it leased.
				_ = w.Outbox.EmailFailed(context.WithoutCancel(ctx), e, "the worker stopped before sending it", time.Nanosecond)
				continue
			}
			if err := w.deliver(ctx, e); err != nil {
				s.Failed++
			} else {
				s.Sent++
			}
		}
		if len(batch) < w.Batch || ctx.Err() != nil {
			return ctx.Err()
		}
	}
}

// deliver sends one claimed e-mail: it was marked 'sending' when claimed,
// it is sent, then marked sent.
//
// Exactly once, honestly: a failed attempt (the server refused, or we
// could not reach it) is retried, and a retry never sends twice because
// the server did not accept the first. Two workers never send the same
// e-mail because the claim (FOR UPDATE SKIP LOCKED, moving it to
// 'sending') gives each row to one of them. What no SMTP sender can rule
// out is a crash (or a lost connection) after the server accepted the
// message and before "sent" is recorded: the lease then runs out and
// another worker sends it again. We choose that (at least once) over
// marking it sent before sending (at most once), because a lost review
// reminder costs more than a duplicate; the fixed Message-ID lets mail
// clients fold such a duplicate.
func (w *Worker) deliver(ctx context.Context, e custos.OutboxEmail) error {
	link := strings.TrimSuffix(w.BaseURL, "/") + e.Link
	sctx, cancel := context.WithTimeout(ctx, w.Lease/2)
	err := w.Mailer.Send(sctx, e, link)
	cancel()
	if err != nil {
		retry := w.RetryIn(e.Attempt)
		w.Log.Warn("notification e-mail failed", "notification", e.ID, "attempt", e.Attempt, "retry_in", retry.String(), "err", err)
		// The record uses the caller's context even when ours ended: the
		// row would otherwise stay leased until the lease runs out.
		if ferr := w.Outbox.EmailFailed(context.WithoutCancel(ctx), e, err.Error(), retry); ferr != nil {
			w.Log.Error("cannot record a failed e-mail", "notification", e.ID, "err", ferr)
		}
		return err
	}
	if err := w.Outbox.EmailSent(context.WithoutCancel(ctx), e); err != nil {
		w.Log.Error("e-mail sent but not recorded as sent; it will be sent again when its lease runs out",
			"notification", e.ID, "err", err)
		return err
	}
	return nil
}

// Run calls Step every interval until ctx ends, then returns: a step in
// progress finishes its current e-mail first.
func (w *Worker) Run(ctx context.Context, every time.Duration) {
	w.defaults()
	t := time.NewTicker(every)
	defer t.Stop()
	for {
		if s, err := w.Step(ctx); err != nil && ctx.Err() == nil {
			w.Log.Error("notification worker step failed", "err", err)
		} else if s.Reminders+s.Sent+s.Failed+s.Flags > 0 {
			w.Log.Info("notifications", "reminders_written", s.Reminders, "emails_sent", s.Sent, "emails_failed", s.Failed,
				"document_flags_changed", s.Flags)
		}
		select {
		case <-ctx.Done():
			return
		case <-t.C:
		}
	}
}
