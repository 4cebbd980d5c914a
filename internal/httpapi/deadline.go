package httpapi

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"net/http"
	"strconv"
	"sync"

	"github.com/custos-dd/custos/internal/custos"
)

// retryAfterSeconds is what a 503 asks clients to wait before trying again.
const retryAfterSeconds = 2

// deadlineKey finds the request's deadlineWriter in its context.
type deadlineKey struct{}

// deadlineWriter buffers a handler's answer so that, once the request's
// deadline passes, the server can answer 503 at once while the handler is
// still stuck (a frozen database does not answer lib/pq's cancel request,
// so a query can outlive its context); what the handler writes later is
// dropped.
type deadlineWriter struct {
	mu       sync.Mutex
	header   http.Header
	buf      bytes.Buffer
	status   int
	timedOut bool
}

func (w *deadlineWriter) Header() http.Header { return w.header }

func (w *deadlineWriter) WriteHeader(status int) {
	w.mu.Lock()
	defer w.mu.Unlock()
	if w.status == 0 && !w.timedOut {
		w.status = status
	}
}

func (w *deadlineWriter) Write(b []byte) (int, error) {
	w.mu.Lock()
	defer w.mu.Unlock()
	if w.timedOut {
		return 0, http.ErrHandlerTimeout
	}
	if w.status == 0 {
		w.status = http.StatusOK
	}
	return w.buf.Write(b)
}

// Flush does nothing: the answer is sent whole once the handler returns.
// (gin's writer asserts that its writer can flush.)
func (w *deadlineWriter) Flush() {}

// timedOut reports whether the request in ctx was already answered 503.
func timedOut(ctx context.Context) bool {
	w, ok := ctx.Value(deadlineKey{}).(*deadlineWriter)
	if !ok {
		return false
	}
	w.mu.Lock()
	defer w.mu.Unlock()
	return w.timedOut
}

// ServeHTTP makes the server an http.Handler. Every request gets the
// server's own request ID and a deadline: its context ends after
// RequestTimeout (so database calls give up), and if the handler has still
// not answered by then the client gets 503 with Retry-After regardless.
func (s *Server) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	w, finish := gzipped(w, r) // JSON answers of 1 KB or more, for clients that accept gzip (gzip.go)
	defer finish()
	id := newRequestID()
	ctx, cancel := context.WithTimeout(custos.WithRequestID(r.Context(), id), s.cfg.RequestTimeout)
	defer cancel()
	dw := &deadlineWriter{header: make(http.Header)}
	r = r.WithContext(context.WithValue(ctx, deadlineKey{}, dw))

	done := make(chan struct{})
	panicked := make(chan any, 1)
	go func() {
		defer func() {
			if p := recover(); p != nil {
				panicked <- p
			}
			close(done)
		}()
		s.engine.ServeHTTP(dw, r)
	}()
	select {
	case <-done:
		select {
		case p := <-panicked:
			panic(p) // http.ErrAbortHandler: let net/http drop the connection
		default:
		}
		dw.mu.Lock()
		defer dw.mu.Unlock()
		dst := w.Header()
		for k, v := range dw.header {
			dst[k] = v
		}
		if dw.status == 0 {
			dw.status = http.StatusOK
		}
		w.WriteHeader(dw.status)
		w.Write(dw.buf.Bytes())
	case <-ctx.Done():
		dw.mu.Lock()
		dw.timedOut = true
		dw.mu.Unlock()
		if errors.Is(ctx.Err(), context.DeadlineExceeded) {
			s.log.WarnContext(ctx, "request deadline passed: answered 503", "request_id", id,
				"method", methodLabel(r.Method), "timeout", s.cfg.RequestTimeout.String())
		}
		writeUnavailable(w, r.URL.Path, id, "the request took too long (the database may be unavailable); try again shortly")
	}
}

// writeUnavailable answers 503 with a problem document and Retry-After,
// outside gin (the handler may still hold gin's context).
func writeUnavailable(w http.ResponseWriter, path, requestID, detail string) {
	p := Problem{
		Type: problemType(http.StatusServiceUnavailable), Title: http.StatusText(http.StatusServiceUnavailable),
		Status: http.StatusServiceUnavailable, Detail: detail, Instance: path, RequestID: requestID,
	}
	body, _ := json.Marshal(p)
	h := w.Header()
	h.Set("Content-Type", "application/problem+json")
	h.Set("Retry-After", strconv.Itoa(retryAfterSeconds))
	h.Set("X-Request-ID", requestID)
	h.Set("X-Content-Type-Options", "nosniff")
	h.Set("Cache-Control", "no-store")
	w.WriteHeader(http.StatusServiceUnavailable)
	w.Write(body)
}
