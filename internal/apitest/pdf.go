package apitest

import (
	"os"
	"os/exec"
	"path/filepath"
	"testing"

	"github.com/custos-dd/custos/internal/pdftest"
)

// AppendUpdate appends an incremental update after a signed PDF (a new
// object with other page text): see pdftest.AppendUpdate.
func AppendUpdate(t testing.TB, signed []byte) []byte {
	t.Helper()
	return pdftest.AppendUpdate(t, signed, 0)
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
