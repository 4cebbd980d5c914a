package custos

import (
	"net/http"
	"strings"
)

// detectType sniffs a file's media type from its first bytes (the WHATWG
// algorithm), without parameters.
func detectType(content []byte) string {
	t := http.DetectContentType(content)
	if i := strings.IndexByte(t, ';'); i >= 0 {
		t = t[:i]
	}
	return strings.TrimSpace(t)
}
