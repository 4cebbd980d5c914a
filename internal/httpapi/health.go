package httpapi

import (
	"context"
	"net/http"
	"strconv"
	"time"

	"github.com/gin-gonic/gin"
)

// readyBudget is how long /readyz waits for the database. Monitors give it
// 2 s; this leaves room to answer.
const readyBudget = 1500 * time.Millisecond

func (s *Server) healthz(c *gin.Context) { c.JSON(http.StatusOK, gin.H{"status": "ok"}) }

// readyz answers within readyBudget whatever the database does: the check
// runs on its own context and, should the driver not return when that ends
// (a frozen server does not answer lib/pq's cancel request), the answer does
// not wait for it.
func (s *Server) readyz(c *gin.Context) {
	ctx, cancel := context.WithTimeout(context.WithoutCancel(c.Request.Context()), readyBudget)
	defer cancel()
	result := make(chan error, 1)
	go func() { result <- s.Ready(ctx) }()
	var err error
	select {
	case err = <-result:
	case <-ctx.Done():
		err = ctx.Err()
	}
	if err != nil {
		s.log.WarnContext(ctx, "not ready", "request_id", c.GetString(ctxRequestID), "err", err)
		c.Header("Retry-After", strconv.Itoa(retryAfterSeconds))
		writeProblem(c, http.StatusServiceUnavailable, "the database does not answer", nil)
		return
	}
	c.JSON(http.StatusOK, gin.H{"status": "ready"})
}
