package signing

import (
	"bytes"
	"testing"
)

// FuzzVerify: the memo verifier reads any file without panicking, and calls
// a file genuine (valid, covering the whole file, signed by our
// certificate) only when it is the one file our key signed in this process,
// changed at most inside the signature's own hex string — which the byte
// range leaves out by design.
func FuzzVerify(f *testing.F) {
	s, err := NewDevelopment(testNow)
	if err != nil {
		f.Fatal(err)
	}
	genuine, err := s.Sign(memoPDF(), testNow)
	if err != nil {
		f.Fatal(err)
	}
	sig, ok := findSignature(genuine)
	if !ok || sig.contentsStart < 0 {
		f.Fatal("the signed memo has no signature the verifier finds")
	}
	f.Add(genuine)
	f.Add(memoPDF())
	flipped := bytes.Clone(genuine)
	flipped[len(flipped)/3] ^= 0x20
	f.Add(flipped)
	f.Add(append(bytes.Clone(genuine), "\n1 0 obj\n<< >>\nendobj\n%%EOF\n"...))
	f.Add(genuine[:len(genuine)/2])
	f.Add([]byte("/ByteRange [0 10 20 30] /Contents <3082>"))
	v := s.Verifier()
	f.Fuzz(func(t *testing.T, doc []byte) {
		c := v.Verify(doc)
		if !(c.Valid && c.CoversWholeFile && c.OurCertificate) {
			if c.Valid && c.OurCertificate && len(c.Problems) == 0 && !c.CoversWholeFile {
				t.Fatal("a file not wholly signed was reported without a problem")
			}
			return
		}
		if len(doc) != len(genuine) ||
			!bytes.Equal(doc[:sig.contentsStart], genuine[:sig.contentsStart]) ||
			!bytes.Equal(doc[sig.contentsEnd:], genuine[sig.contentsEnd:]) {
			t.Fatalf("a file our key never signed (%d bytes) is reported genuine", len(doc))
		}
	})
}
