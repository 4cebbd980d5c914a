//go:build cgo

package signing

import (
	"crypto/ecdsa"
	"crypto/x509"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/ThalesGroup/crypto11"
)

// softHSMModule is where Debian's softhsm2 package puts the module.
const softHSMModule = "/usr/lib/softhsm/libsofthsm2.so"

// softHSM makes a SoftHSM2 token of its own in a temporary folder (through
// SOFTHSM2_CONF) and logs in to it.
func softHSM(t *testing.T) *Token {
	t.Helper()
	util, err := exec.LookPath("softhsm2-util")
	if err != nil {
		t.Fatal("softhsm2-util not found: install softhsm2 (apt-get install -y softhsm2; make test does this as root)")
	}
	dir := t.TempDir()
	tokens := filepath.Join(dir, "tokens")
	if err := os.Mkdir(tokens, 0o700); err != nil {
		t.Fatal(err)
	}
	conf := filepath.Join(dir, "softhsm2.conf")
	if err := os.WriteFile(conf, []byte("directories.tokendir = "+tokens+"\nobjectstore.backend = file\nlog.level = ERROR\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	t.Setenv("SOFTHSM2_CONF", conf)
	out, err := exec.Command(util, "--init-token", "--free", "--label", "custos-test", "--pin", "4711-test-pin", "--so-pin", "0815-test-so-pin").CombinedOutput()
	if err != nil {
		t.Fatalf("softhsm2-util --init-token: %v\n%s", err, out)
	}
	tok, err := OpenToken(TokenConfig{Module: softHSMModule, TokenLabel: "custos-test", PIN: "4711-test-pin"})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { tok.Close() })
	return tok
}

func TestSoftHSMKeySignsMemosAndNeverLeavesTheToken(t *testing.T) {
	tok := softHSM(t)
	s, err := tok.GenerateDevelopment("memo-signing", testNow)
	if err != nil {
		t.Fatal(err)
	}
	if _, inMemory := s.Key().(*ecdsa.PrivateKey); inMemory {
		t.Fatal("the token signer holds an in-memory private key")
	}

	// The key is sensitive and not extractable, and its value cannot be read.
	attrs, err := tok.Context().GetAttributes(s.Key(), []crypto11.AttributeType{crypto11.CkaExtractable, crypto11.CkaSensitive})
	if err != nil {
		t.Fatal(err)
	}
	if v := attrs[crypto11.CkaExtractable].Value; len(v) != 1 || v[0] != 0 {
		t.Errorf("CKA_EXTRACTABLE = %v, want false", v)
	}
	if v := attrs[crypto11.CkaSensitive].Value; len(v) != 1 || v[0] != 1 {
		t.Errorf("CKA_SENSITIVE = %v, want true", v)
	}
	if a, err := tok.Context().GetAttribute(s.Key(), crypto11.CkaValue); err == nil {
		t.Fatalf("the private key's value was read out of the token (%d bytes)", len(a.Value))
	} else {
		t.Logf("reading CKA_VALUE: %v", err)
	}

	signed, err := s.Sign(memoPDF(), testNow)
	if err != nil {
		t.Fatal(err)
	}
	if c := s.Verifier().Verify(signed); !c.Valid || !c.CoversWholeFile || !c.OurCertificate || len(c.Problems) != 0 {
		t.Fatalf("Custos's verdict on the token-signed PDF: %+v", c)
	}
	out := pdfsig(t, signed)
	t.Logf("pdfsig:\n%s", out)
	for _, want := range []string{"Signature is Valid.", "Total document signed", "Custos development signing"} {
		if !strings.Contains(out, want) {
			t.Errorf("pdfsig output lacks %q", want)
		}
	}

	// The server finds the same key again by its label.
	again, err := tok.Signer("memo-signing", []*x509.Certificate{s.Certificate()}, testNow)
	if err != nil {
		t.Fatal(err)
	}
	if signed, err := again.Sign(memoPDF(), testNow); err != nil || !s.Verifier().Verify(signed).Valid {
		t.Fatalf("signing with the key found by label: %v", err)
	}
	if _, err := tok.Signer("no-such-key", []*x509.Certificate{s.Certificate()}, testNow); err == nil {
		t.Error("a key label the token does not have was accepted")
	}
	// The server's way in: make the key and write its certificate once
	// (development), then find the key by label with that certificate.
	certPath := filepath.Join(t.TempDir(), "token-key.crt")
	made, err := LoadTokenSigner(tok, "server-key", certPath, true, testNow)
	if err != nil {
		t.Fatal(err)
	}
	loaded, err := LoadTokenSigner(tok, "server-key", certPath, false, testNow)
	if err != nil || loaded.Fingerprint() != made.Fingerprint() {
		t.Fatalf("reloading the token key: %v", err)
	}
	if _, err := LoadTokenSigner(tok, "server-key", filepath.Join(t.TempDir(), "missing.crt"), false, testNow); err == nil {
		t.Error("a token key without its certificate was accepted")
	}

	// A login lasts while the module is loaded (PKCS#11 logs in the
	// application, not the session): close it before trying a wrong PIN.
	if err := tok.Close(); err != nil {
		t.Fatal(err)
	}
	if _, err := OpenToken(TokenConfig{Module: softHSMModule, TokenLabel: "custos-test", PIN: "wrong-pin"}); err == nil || strings.Contains(err.Error(), "wrong-pin") {
		t.Errorf("a wrong PIN: %v (must fail without repeating the PIN)", err)
	}
}
