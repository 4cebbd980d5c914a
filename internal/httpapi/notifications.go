package httpapi

import (
	"net/http"

	"github.com/gin-gonic/gin"

	"github.com/custos-dd/custos/internal/custos"
)

// Notifications are the signed-in user's own: the routes are org-wide and
// the service reads and marks only the actor's rows, so another user's ID
// is simply not found.

func (s *Server) listNotifications(c *gin.Context) {
	q, ok := pageParams(c)
	if !ok {
		return
	}
	f := custos.NotificationFilter{PageQuery: q}
	switch c.Query("unread") {
	case "", "false":
	case "true":
		f.UnreadOnly = true
	default:
		writeProblem(c, http.StatusBadRequest, "the request is not valid", []custos.FieldError{{Field: "unread", Reason: "must be true or false"}})
		return
	}
	page, err := s.Notifications.ListNotifications(c.Request.Context(), f)
	if err != nil {
		s.writeError(c, err)
		return
	}
	c.JSON(http.StatusOK, page)
}

func (s *Server) markNotificationRead(c *gin.Context) {
	id, ok := pathID(c, "id")
	if !ok {
		return
	}
	if err := s.Notifications.MarkNotificationRead(c.Request.Context(), id); err != nil {
		s.writeError(c, err)
		return
	}
	c.Status(http.StatusNoContent)
}

func (s *Server) markAllNotificationsRead(c *gin.Context) {
	n, err := s.Notifications.MarkAllNotificationsRead(c.Request.Context())
	if err != nil {
		s.writeError(c, err)
		return
	}
	c.JSON(http.StatusOK, gin.H{"marked": n})
}
