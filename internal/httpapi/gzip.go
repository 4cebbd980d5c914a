package httpapi

import (
	"bytes"
	"compress/gzip"
	"mime"
	"net/http"
	"strconv"
	"strings"
	"sync"
)

// gzipMinBytes is the smallest JSON answer worth compressing: below it the
// gzip header and the CPU cost more than the bytes saved.
const gzipMinBytes = 1024

var gzipWriters = sync.Pool{New: func() any {
	zw, _ := gzip.NewWriterLevel(nil, gzip.DefaultCompression)
	return zw
}}

// gzipped compresses JSON answers of gzipMinBytes or more for clients that
// accept gzip. The server already holds the whole answer before it writes it
// (for its deadline), so this sees the whole answer too and decides by its
// size; downloads (memo PDFs, evidence: anything with a Content-Disposition)
// and other media types go out unchanged. Call finish once the answer is
// written to the returned writer.
func gzipped(w http.ResponseWriter, r *http.Request) (_ http.ResponseWriter, finish func()) {
	if !acceptsGzip(r.Header.Values("Accept-Encoding")) || r.Method == http.MethodHead {
		return w, func() {}
	}
	g := &gzipResponse{w: w}
	return g, g.finish
}

type gzipResponse struct {
	w      http.ResponseWriter
	status int
	buf    bytes.Buffer
}

func (g *gzipResponse) Header() http.Header { return g.w.Header() }

func (g *gzipResponse) WriteHeader(status int) {
	if g.status == 0 {
		g.status = status
	}
}

func (g *gzipResponse) Write(p []byte) (int, error) {
	if g.status == 0 {
		g.status = http.StatusOK
	}
	return g.buf.Write(p)
}

func (g *gzipResponse) finish() {
	if g.status == 0 && g.buf.Len() == 0 {
		return // nothing was answered (a handler panic aborts the connection)
	}
	if g.status == 0 {
		g.status = http.StatusOK
	}
	h := g.w.Header()
	if isJSON(h.Get("Content-Type")) {
		h.Add("Vary", "Accept-Encoding")
	}
	if g.buf.Len() < gzipMinBytes || !isJSON(h.Get("Content-Type")) || h.Get("Content-Disposition") != "" ||
		h.Get("Content-Encoding") != "" || g.status == http.StatusNoContent || g.status == http.StatusNotModified {
		g.w.WriteHeader(g.status)
		g.w.Write(g.buf.Bytes())
		return
	}
	var out bytes.Buffer
	zw := gzipWriters.Get().(*gzip.Writer)
	zw.Reset(&out)
	zw.Write(g.buf.Bytes())
	zw.Close()
	gzipWriters.Put(zw)
	h.Set("Content-Encoding", "gzip")
	h.Set("Content-Length", strconv.Itoa(out.Len()))
	g.w.WriteHeader(g.status)
	g.w.Write(out.Bytes())
}

func isJSON(contentType string) bool {
	mt, _, err := mime.ParseMediaType(contentType)
	return err == nil && (mt == "application/json" || strings.HasSuffix(mt, "+json"))
}

// acceptsGzip reads Accept-Encoding: gzip (or *) with a q-value above zero.
func acceptsGzip(values []string) bool {
	for _, v := range values {
		for _, part := range strings.Split(v, ",") {
			coding, params, _ := strings.Cut(strings.TrimSpace(part), ";")
			coding = strings.ToLower(strings.TrimSpace(coding))
			if coding != "gzip" && coding != "x-gzip" && coding != "*" {
				continue
			}
			q := 1.0
			for _, p := range strings.Split(params, ";") {
				if k, val, ok := strings.Cut(strings.TrimSpace(p), "="); ok && strings.EqualFold(strings.TrimSpace(k), "q") {
					if f, err := strconv.ParseFloat(strings.TrimSpace(val), 64); err == nil {
						q = f
					}
				}
			}
			if q > 0 {
				return true
			}
		}
	}
	return false
}
