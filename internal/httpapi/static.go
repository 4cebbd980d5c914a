package httpapi

import (
	_ "embed"
	"encoding/json"
	"io/fs"
	"mime"
	"net/http"
	"path"
	"strings"
	"sync"

	"github.com/getkin/kin-openapi/openapi3"
	"github.com/gin-gonic/gin"
)

// OpenAPIYAML is the API description; the server serves it as JSON.
//
//go:embed openapi.yaml
var OpenAPIYAML []byte

var openAPIJSON = sync.OnceValues(func() ([]byte, error) {
	doc, err := openapi3.NewLoader().LoadFromData(OpenAPIYAML)
	if err != nil {
		return nil, err
	}
	return json.Marshal(doc)
})

func (s *Server) openAPI(c *gin.Context) {
	b, err := openAPIJSON()
	if err != nil {
		s.writeError(c, err)
		return
	}
	c.Data(http.StatusOK, "application/json", b)
}

// frontendIndex serves the web app's entry page.
func (s *Server) frontendIndex(c *gin.Context) { s.serveFrontend(c, "index.html") }

// noRoute answers unknown API paths with a problem and serves the web app's
// files (or its entry page, for client-side routes) for everything else.
func (s *Server) noRoute(c *gin.Context) {
	p := c.Request.URL.Path
	if strings.HasPrefix(p, "/api/") || (c.Request.Method != http.MethodGet && c.Request.Method != http.MethodHead) {
		writeProblem(c, http.StatusNotFound, "no such resource", nil)
		return
	}
	name := strings.TrimPrefix(path.Clean(p), "/")
	if s.cfg.Frontend != nil {
		if st, err := fs.Stat(s.cfg.Frontend, name); err == nil && !st.IsDir() {
			s.serveFrontend(c, name)
			return
		}
	}
	s.serveFrontend(c, "index.html")
}

func (s *Server) serveFrontend(c *gin.Context, name string) {
	if s.cfg.Frontend == nil {
		writeProblem(c, http.StatusNotFound, "the web app is not built into this server", nil)
		return
	}
	if name == "index.html" {
		c.Header("Cache-Control", "no-cache")
	} else if strings.HasPrefix(name, "assets/") {
		c.Header("Cache-Control", "public, max-age=31536000, immutable")
	}
	b, err := fs.ReadFile(s.cfg.Frontend, name)
	if err != nil && name == "index.html" {
		writeProblem(c, http.StatusNotFound, "the web app is not built into this server: run make build", nil)
		return
	} else if err != nil {
		writeProblem(c, http.StatusNotFound, "no such file", nil)
		return
	}
	ctype := mime.TypeByExtension(path.Ext(name))
	if ctype == "" {
		ctype = "application/octet-stream"
	}
	c.Data(http.StatusOK, ctype, b)
}
