// Package pdftest builds altered PDFs for tests of signature verification.
package pdftest

import (
	"bytes"
	"fmt"
	"regexp"
	"strconv"
	"testing"
)

// AppendUpdate appends an incremental update after a signed PDF: object
// number obj (0 for the next free number) with other page text, an xref
// section and a trailer pointing back to the signed revision. Redefining an
// existing content object is the classic "shadow" attack: a reader shows the
// new text while the signature still checks out over its byte range, which
// no longer reaches the end of the file.
func AppendUpdate(t testing.TB, signed []byte, obj int) []byte {
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
	if obj == 0 {
		obj = size
	}
	if obj >= size {
		size = obj + 1
	}
	stream := "BT /F1 12 Tf 56 780 Td (Ranked first: Mallory Trust) Tj ET\n"
	var b bytes.Buffer
	b.Write(signed)
	off := b.Len()
	fmt.Fprintf(&b, "%d 0 obj\n<< /Length %d >>\nstream\n%sendstream\nendobj\n", obj, len(stream), stream)
	xref := b.Len()
	fmt.Fprintf(&b, "xref\n%d 1\n%010d 00000 n \ntrailer\n<< /Size %d /Root %s /Prev %s >>\nstartxref\n%d\n%%%%EOF\n",
		obj, off, size, root, prev, xref)
	return b.Bytes()
}
