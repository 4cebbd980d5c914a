package httpapi

import (
	"bytes"
	"encoding/json"
	"io"
	"log/slog"
	"mime"
	"net/http"
	"net/http/httptest"
	"reflect"
	"testing"

	"github.com/gin-gonic/gin"
)

// fuzzBody is a request body with the kinds of fields handlers bind.
type fuzzBody struct {
	Name   string   `json:"name"`
	Count  int64    `json:"count"`
	Weight float64  `json:"weight"`
	Tags   []string `json:"tags"`
	Nested *struct {
		OK bool `json:"ok"`
	} `json:"nested"`
}

// FuzzBindJSON: whatever the body and content type, bindJSON either binds
// exactly what encoding/json strictly reads from the body, or answers a
// problem document (400 naming a field, 413 or 415) — never a panic or a 5xx.
func FuzzBindJSON(f *testing.F) {
	for _, seed := range []struct{ ct, body string }{
		{"application/json", `{"name":"Fund III","count":3,"weight":0.5,"tags":["a"],"nested":{"ok":true}}`},
		{"application/json; charset=utf-8", `{"count":"three"}`},
		{"application/json", `{"unknown":1}`},
		{"application/json", `[1,2]`},
		{"application/json", `{"name":"a"}{"name":"b"}`},
		{"text/plain", `{"name":"a"}`},
		{"application/json", ``},
		{"application/json", `{"nested":{"ok":"yes"}}`},
	} {
		f.Add(seed.ct, []byte(seed.body))
	}
	gin.SetMode(gin.ReleaseMode)
	const limit = 4096
	s := &Server{cfg: Config{MaxBodyBytes: limit}, log: slog.New(slog.NewTextHandler(io.Discard, nil))}
	f.Fuzz(func(t *testing.T, contentType string, body []byte) {
		w := httptest.NewRecorder()
		c, _ := gin.CreateTestContext(w)
		c.Request = httptest.NewRequest(http.MethodPost, "/api/v1/things", bytes.NewReader(body))
		c.Request.Header.Set("Content-Type", contentType)
		var got fuzzBody
		if s.bindJSON(c, &got) {
			mt, _, err := mime.ParseMediaType(contentType)
			if err != nil || mt != "application/json" || len(body) > limit {
				t.Fatalf("bound a body with content type %q and %d bytes", contentType, len(body))
			}
			var want fuzzBody
			d := json.NewDecoder(bytes.NewReader(body))
			d.DisallowUnknownFields()
			if err := d.Decode(&want); err != nil {
				t.Fatalf("bound a body encoding/json refuses: %v", err)
			}
			if !reflect.DeepEqual(got, want) {
				t.Fatalf("bound %+v, encoding/json reads %+v", got, want)
			}
			return
		}
		var p Problem
		if err := json.Unmarshal(w.Body.Bytes(), &p); err != nil {
			t.Fatalf("refused without a problem document: %d %q", w.Code, w.Body.String())
		}
		switch w.Code {
		case http.StatusBadRequest:
			if len(p.Errors) == 0 || p.Errors[0].Field == "" || p.Errors[0].Reason == "" {
				t.Fatalf("400 without naming the field: %+v", p)
			}
		case http.StatusRequestEntityTooLarge, http.StatusUnsupportedMediaType:
		default:
			t.Fatalf("refused with %d: %s", w.Code, w.Body.String())
		}
		if p.Status != w.Code || w.Header().Get("Content-Type") != "application/problem+json" {
			t.Fatalf("problem %+v with Content-Type %q for status %d", p, w.Header().Get("Content-Type"), w.Code)
		}
	})
}
