// memo verify and memo certs: what an auditor runs, with or without the database.

package main

import (
	"context"
	"crypto/x509"
	"encoding/pem"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"strings"
	"time"

	"github.com/custos-dd/custos/internal/memo"
	"github.com/custos-dd/custos/internal/postgres"
	"github.com/custos-dd/custos/internal/signing"
)

// memoVerify checks a PDF file: signature, byte range, signer and registry.
func memoVerify(ctx context.Context, args []string, out io.Writer, getenv func(string) string) error {
	if len(args) > 0 && strings.HasPrefix(args[0], "-") {
		return memoVerifyOffline(args, out)
	}
	if len(args) != 1 {
		return errors.New("usage: custos memo verify FILE, or custos memo verify --offline --cert ORG.crt FILE")
	}
	pdf, err := os.ReadFile(args[0])
	if err != nil {
		return err
	}
	certPath := getenv("CUSTOS_SIGNING_CERT")
	if certPath == "" {
		certPath = "signing/memo-signing.crt"
	}
	pem, err := os.ReadFile(certPath)
	if err != nil {
		return fmt.Errorf("the organisation's signing certificate (CUSTOS_SIGNING_CERT): %w", err)
	}
	certs, err := signing.ParseCertificatesPEM(pem)
	if err != nil {
		return fmt.Errorf("%s: %w", certPath, err)
	}
	db, err := openDB(ctx, getenv)
	if err != nil {
		return err
	}
	defer db.Close()
	// Memos signed with any key the organisation has used verify (rotation).
	verifier := signing.Verifier{Trusted: certs[0]}
	known, err := postgres.NewCheckpointService(db, nil).SigningCertificates(ctx)
	if err != nil {
		return describe(err)
	}
	for _, k := range known {
		verifier.Earlier = append(verifier.Earlier, k.Cert)
	}
	svc := postgres.NewMemoService(db, nil, nil, nil, verifier)
	v, err := svc.VerifyMemo(ctx, pdf)
	if err != nil {
		return describe(err)
	}
	yes := func(b bool) string {
		if b {
			return "yes"
		}
		return "NO"
	}
	fmt.Fprintf(out, "file:                      %s (%d bytes, SHA-256 %x)\n", args[0], len(pdf), []byte(v.SHA256))
	fmt.Fprintf(out, "signature valid:           %s\n", yes(v.Signature.Valid))
	fmt.Fprintf(out, "covers the whole file:     %s\n", yes(v.Signature.CoversWholeFile))
	fmt.Fprintf(out, "signed by our certificate: %s\n", yes(v.Signature.OurCertificate))
	fmt.Fprintf(out, "issued by Custos:          %s\n", yes(v.Memo != nil))
	if k := v.SigningKey; k != nil {
		until := "now"
		if k.InUseUntil != nil {
			until = k.InUseUntil.Format(time.RFC3339)
		}
		fmt.Fprintf(out, "signing key:               %s (fingerprint %s), in use from %s until %s\n", k.Subject, k.Fingerprint, k.InUseFrom.Format(time.RFC3339), until)
		fmt.Fprintf(out, "the current key then:      %s\n", yes(k.CurrentWhenSigned))
	}
	if v.Memo != nil {
		fmt.Fprintf(out, "memo %d of evaluation %d %q, issued %s\n", v.Memo.ID, v.Memo.EvaluationID, v.Memo.Title, v.Memo.IssuedAt.Format(time.RFC3339))
		for _, a := range v.Approvals {
			fmt.Fprintf(out, "  approved by %s at %s (snapshot %x)\n", a.ManagerName, a.CreatedAt.Format(time.RFC3339), []byte(a.SnapshotHash))
		}
	}
	if v.Genuine {
		fmt.Fprintln(out, "GENUINE: an unaltered memo issued by Custos")
		return nil
	}
	fmt.Fprintln(out, "NOT GENUINE:")
	for _, r := range v.Reasons {
		fmt.Fprintln(out, "  - "+r)
	}
	return exitError(1)
}

// memoVerifyOffline checks a memo with nothing but the file and the
// organisation's certificates (every one it has signed with, in one PEM
// file): signature, byte range, signer, timestamp, certificate validity at
// signing, and the manifest inside the signed bytes, which it prints.
func memoVerifyOffline(args []string, out io.Writer) error {
	fs := flag.NewFlagSet("memo verify", flag.ContinueOnError)
	fs.SetOutput(out)
	offline := fs.Bool("offline", false, "verify without any database (required with --cert)")
	certPath := fs.String("cert", "", "PEM file of the organisation's signing certificates (every one it has used)")
	tsaPath := fs.String("tsa-cert", "", "PEM file of the trusted time-stamping authorities (without it a timestamp is reported as unverified and proves nothing)")
	if err := fs.Parse(args); err != nil {
		return err
	}
	if !*offline || *certPath == "" || fs.NArg() != 1 {
		return errors.New("usage: custos memo verify --offline --cert ORG.crt [--tsa-cert TSA.crt] FILE")
	}
	readCerts := func(path string) ([]*x509.Certificate, error) {
		b, err := os.ReadFile(path)
		if err != nil {
			return nil, err
		}
		certs, err := signing.ParseCertificatesPEM(b)
		if err != nil {
			return nil, fmt.Errorf("%s: %w", path, err)
		}
		return certs, nil
	}
	certs, err := readCerts(*certPath)
	if err != nil {
		return err
	}
	v := signing.Verifier{Earlier: certs}
	if *tsaPath != "" {
		if v.TSAs, err = readCerts(*tsaPath); err != nil {
			return err
		}
	}
	doc, err := os.ReadFile(fs.Arg(0))
	if err != nil {
		return err
	}
	verdict := memo.VerifyOffline(doc, v)
	printOfflineVerdict(out, fs.Arg(0), verdict)
	if verdict.Genuine {
		return nil
	}
	return exitError(1)
}

func printOfflineVerdict(out io.Writer, name string, v *memo.OfflineVerdict) {
	yes := func(b bool) string {
		if b {
			return "yes"
		}
		return "NO"
	}
	r := v.Signature
	fmt.Fprintf(out, "file:                          %s (%d bytes, SHA-256 %x)\n", name, v.Size, v.SHA256)
	fmt.Fprintf(out, "signature valid:               %s\n", yes(r.Valid))
	fmt.Fprintf(out, "covers the whole file:         %s\n", yes(r.CoversWholeFile))
	if r.Signer != nil {
		fmt.Fprintf(out, "signer:                        %s (fingerprint %s)\n", r.Signer.Subject.String(), r.SignerFingerprint)
		fmt.Fprintf(out, "signer's certificate valid:    %s to %s\n", r.Signer.NotBefore.UTC().Format(time.RFC3339), r.Signer.NotAfter.UTC().Format(time.RFC3339))
	}
	fmt.Fprintf(out, "an organisation certificate:   %s\n", yes(r.OurCertificate))
	switch {
	case r.Timestamp != nil && r.Timestamp.TSA != nil:
		fmt.Fprintf(out, "timestamp (RFC 3161):          %s by %s (fingerprint %s); covers the signature: %s; trusted TSA: %s\n",
			r.Timestamp.Time.Format(time.RFC3339), r.Timestamp.TSA.Subject.String(), signing.Fingerprint(r.Timestamp.TSA), yes(r.Timestamp.Valid), yes(r.Timestamp.Trusted))
	case r.Timestamp != nil:
		fmt.Fprintf(out, "timestamp (RFC 3161):          present but unreadable\n")
	case r.Valid:
		fmt.Fprintf(out, "timestamp (RFC 3161):          none: the time of signing below is the signer's own claim\n")
	}
	if !r.SignedAt.IsZero() {
		source := "claimed by the signer"
		if r.Timestamp != nil && r.Timestamp.Valid && !r.Timestamp.Trusted {
			source = "claimed by the signer; unverified timestamp, not proof"
		}
		if r.TimeTrusted {
			source = "proven by the timestamp"
		}
		fmt.Fprintf(out, "signed at:                     %s (%s)\n", r.SignedAt.Format(time.RFC3339), source)
	}
	if v.Manifest != nil {
		fmt.Fprintf(out, "manifest (%s, inside the signed bytes):\n%s\n", memo.ManifestFile, v.ManifestJSON)
	}
	for _, w := range v.Warnings {
		fmt.Fprintf(out, "WARNING: %s\n", w)
	}
	if v.Genuine {
		fmt.Fprintln(out, "GENUINE: an unaltered memo signed with the organisation's key, verified offline")
		return
	}
	fmt.Fprintln(out, "NOT GENUINE:")
	for _, reason := range v.Reasons {
		fmt.Fprintln(out, "  - "+reason)
	}
}

// memoCerts prints every certificate the organisation has signed memos
// with, oldest first, each after a line saying when it was in use (text
// outside the PEM blocks, which PEM readers skip): the file auditors pass
// as --cert.
func memoCerts(ctx context.Context, out io.Writer, getenv func(string) string) error {
	db, err := openDB(ctx, getenv)
	if err != nil {
		return err
	}
	defer db.Close()
	certs, err := postgres.NewCheckpointService(db, nil).SigningCertificates(ctx)
	if err != nil {
		return describe(err)
	}
	if len(certs) == 0 {
		return errors.New("no certificate has signed yet (custos serve records its certificate at start)")
	}
	for _, c := range certs {
		until := "now"
		if c.InUseUntil != nil {
			until = c.InUseUntil.Format(time.RFC3339)
		}
		fmt.Fprintf(out, "# %s, SHA-256 %s, in use from %s until %s\n", c.Cert.Subject.String(), signing.Fingerprint(c.Cert), c.InUseFrom.Format(time.RFC3339), until)
		if err := pem.Encode(out, &pem.Block{Type: "CERTIFICATE", Bytes: c.Cert.Raw}); err != nil {
			return err
		}
	}
	return nil
}
