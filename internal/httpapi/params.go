package httpapi

import (
	"net/http"
	"strconv"

	"github.com/gin-gonic/gin"

	"github.com/custos-dd/custos/internal/custos"
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
