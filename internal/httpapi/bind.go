package httpapi

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"mime"
	"net/http"
	"strings"

	"github.com/gin-gonic/gin"

	"github.com/custos-dd/custos/internal/custos"
)

// bindJSON decodes the request body into dst strictly: JSON content type
// (415), size limit (413), no unknown fields, right types (400 naming the
// field). It writes the problem and returns false when the body is refused.
func (s *Server) bindJSON(c *gin.Context, dst any) bool {
	mt, _, err := mime.ParseMediaType(c.GetHeader("Content-Type"))
	if err != nil || mt != "application/json" {
		writeProblem(c, http.StatusUnsupportedMediaType, "send the body as application/json", nil)
		return false
	}
	body, err := io.ReadAll(http.MaxBytesReader(c.Writer, c.Request.Body, s.cfg.MaxBodyBytes))
	if err != nil {
		var tooBig *http.MaxBytesError
		if errors.As(err, &tooBig) {
			writeProblem(c, http.StatusRequestEntityTooLarge, fmt.Sprintf("the body is larger than %d bytes", s.cfg.MaxBodyBytes), nil)
			return false
		}
		writeProblem(c, http.StatusBadRequest, "the body could not be read", nil)
		return false
	}
	if trimmed := bytes.TrimSpace(body); len(trimmed) > 0 && trimmed[0] != '{' {
		writeProblem(c, http.StatusBadRequest, "the request is not valid", []custos.FieldError{{Field: "body", Reason: "must be a JSON object"}})
		return false
	}
	d := json.NewDecoder(bytes.NewReader(body))
	d.DisallowUnknownFields()
	if err := d.Decode(dst); err != nil {
		writeProblem(c, http.StatusBadRequest, "the request is not valid", []custos.FieldError{decodeProblem(err)})
		return false
	}
	if _, err := d.Token(); err != io.EOF {
		writeProblem(c, http.StatusBadRequest, "the request is not valid", []custos.FieldError{{Field: "body", Reason: "holds more than one JSON value"}})
		return false
	}
	return true
}

// decodeProblem names the field a JSON decoding error is about.
func decodeProblem(err error) custos.FieldError {
	var typeErr *json.UnmarshalTypeError
	var syntaxErr *json.SyntaxError
	switch {
	case errors.As(err, &typeErr):
		field := typeErr.Field
		if field == "" {
			return custos.FieldError{Field: "body", Reason: "must be a JSON object"}
		}
		return custos.FieldError{Field: field, Reason: "must be " + jsonKind(typeErr.Type.Kind().String())}
	case errors.As(err, &syntaxErr), errors.Is(err, io.ErrUnexpectedEOF):
		return custos.FieldError{Field: "body", Reason: "is not valid JSON"}
	case errors.Is(err, io.EOF):
		return custos.FieldError{Field: "body", Reason: "is empty"}
	case strings.HasPrefix(err.Error(), "json: unknown field "):
		name := strings.Trim(strings.TrimPrefix(err.Error(), "json: unknown field "), `"`)
		if name == "" {
			// Found by FuzzBindJSON: {"":1} would name no field at all.
			return custos.FieldError{Field: "body", Reason: `holds a field with an empty name ("")`}
		}
		return custos.FieldError{Field: name, Reason: "is not a known field"}
	}
	return custos.FieldError{Field: "body", Reason: "is not valid"}
}

func jsonKind(goKind string) string {
	switch goKind {
	case "string":
		return "a string"
	case "bool":
		return "a boolean"
	case "int", "int8", "int16", "int32", "int64", "uint", "uint8", "uint16", "uint32", "uint64":
		return "an integer"
	case "float32", "float64":
		return "a number"
	case "slice", "array":
		return "an array"
	case "map", "struct":
		return "an object"
	}
	return "of another type"
}
