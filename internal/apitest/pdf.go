package apitest

import (
	"bytes"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strconv"
	"testing"
)

// AppendUpdate appends an incremental update after a signed PDF: a new page
// content object, an xref section and a trailer pointing back to the signed
// revision. A reader shows the new content; the signature still checks out
// over its byte range, which no longer reaches the end of the file.
func AppendUpdate(t testing.TB, signed []byte) []byte {
	t.Helper()
	last := func(re string) string {
		m := regexp.MustCompile(re).FindAllSubmatch(signed, -1)
		if len(m) == 0 {
			t.Fatalf("no %q in the signed PDF", re)
		}
		return string(m[len(m)-1][1])
	}
	prev := last(`startxref\s+(\d+)`)
	size, _ := strconv.Atoi(last(`/Size\s+(\d+)`))
	root := last(`/Root\s+(\d+\s+\d+\s+R)`)
	stream := "BT /F1 12 Tf 56 780 Td (Ranked first: Mallory Trust) Tj ET\n"
	var b bytes.Buffer
	b.Write(signed)
	off := b.Len()
	fmt.Fprintf(&b, "%d 0 obj\n<< /Length %d >>\nstream\n%sendstream\nendobj\n", size, len(stream), stream)
	xref := b.Len()
	fmt.Fprintf(&b, "xref\n%d 1\n%010d 00000 n \ntrailer\n<< /Size %d /Root %s /Prev %s >>\nstartxref\n%d\n%%%%EOF\n",
		size, off, size+1, root, prev, xref)
	return b.Bytes()
}

// Poppler runs one of poppler's tools (pdfsig, pdftotext) on a PDF and
// returns what it printed. pdfsig exits 0 even on a digest mismatch, so
// callers read its output.
func Poppler(t testing.TB, tool string, pdf []byte, args ...string) string {
	t.Helper()
	bin, err := exec.LookPath(tool)
	if err != nil {
		t.Fatalf("%s is not installed: make test installs poppler-utils (sudo apt-get install poppler-utils)", tool)
	}
	path := filepath.Join(t.TempDir(), "memo.pdf")
	if err := os.WriteFile(path, pdf, 0o600); err != nil {
		t.Fatal(err)
	}
	args = append(args, path)
	if tool == "pdftotext" {
		args = append(args, "-")
	}
	out, err := exec.Command(bin, args...).CombinedOutput()
	if err != nil && tool != "pdfsig" {
		t.Fatalf("%s: %v\n%s", tool, err, out)
	}
	return string(out)
}
