// audit verify and audit export: the chain, incremental or whole, and offline bundles.

package main

import (
	"context"
	"encoding/hex"
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

func auditVerify(ctx context.Context, out io.Writer, getenv func(string) string, whole bool) error {
	db, err := openDB(ctx, getenv)
	if err != nil {
		return err
	}
	defer db.Close()
	verify := postgres.NewAuditService(db).VerifyAuditChainSince
	if whole {
		verify = postgres.NewAuditService(db).VerifyAuditChain
	}
	r, err := verify(ctx)
	if err != nil {
		return err
	}
	if !r.Valid {
		fmt.Fprintf(out, "BROKEN at event %d: %s (%d events verified before it)\n", r.Broken.Seq, r.Broken.Reason, r.Checked)
		return exitError(1)
	}
	fmt.Fprintf(out, "OK: %d events verified; head %d %x\n", r.Checked, r.HeadSeq, []byte(r.HeadHash))
	return nil
}

// auditExport writes the audit bundle: the whole trail and the checkpoints
// the server has signed (at each memo and hourly). It needs the database,
// not the signing key.
func auditExport(ctx context.Context, args []string, out io.Writer, getenv func(string) string) error {
	fs := flag.NewFlagSet("audit export", flag.ContinueOnError)
	fs.SetOutput(out)
	file := fs.String("out", "", "write the bundle to this file (default: standard output)")
	if err := fs.Parse(args); err != nil {
		return err
	}
	db, err := openDB(ctx, getenv)
	if err != nil {
		return err
	}
	defer db.Close()
	w := out
	if *file != "" {
		f, err := os.OpenFile(*file, os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o644)
		if err != nil {
			return err
		}
		defer f.Close()
		w = f
	}
	if err := postgres.NewCheckpointService(db, nil).ExportBundle(ctx, w); err != nil {
		return err
	}
	if *file != "" {
		fmt.Fprintf(out, "wrote %s\n", *file)
	}
	return nil
}

// auditVerifyBundle checks an audit bundle with nothing but the file and
// the organisation's certificates.
func auditVerifyBundle(args []string, out io.Writer) error {
	fs := flag.NewFlagSet("audit verify", flag.ContinueOnError)
	fs.SetOutput(out)
	bundle := fs.String("bundle", "", "the bundle written by custos audit export")
	certPath := fs.String("cert", "", "PEM file of the organisation's signing certificates")
	var memos []string
	fs.Func("memo", "a memo PDF whose manifest's audit head the bundle must hold (repeatable): anchors a bundle cut after its last checkpoint", func(p string) error {
		memos = append(memos, p)
		return nil
	})
	if err := fs.Parse(args); err != nil {
		return err
	}
	if *bundle == "" || *certPath == "" {
		return errors.New("usage: custos audit verify --bundle FILE --cert ORG.crt [--memo MEMO.pdf ...]")
	}
	b, err := os.ReadFile(*certPath)
	if err != nil {
		return err
	}
	certs, err := signing.ParseCertificatesPEM(b)
	if err != nil {
		return fmt.Errorf("%s: %w", *certPath, err)
	}
	f, err := os.Open(*bundle)
	if err != nil {
		return err
	}
	defer f.Close()
	rep, err := signing.VerifyBundle(f, certs)
	if err != nil {
		return err
	}
	for _, p := range memos {
		doc, err := os.ReadFile(p)
		if err != nil {
			return err
		}
		v := memo.VerifyOffline(doc, signing.Verifier{Earlier: certs})
		if !v.Genuine {
			rep.Problems = append(rep.Problems, fmt.Sprintf("memo %s is not genuine, so it anchors nothing: %s", p, strings.Join(v.Reasons, "; ")))
			continue
		}
		head, err := hex.DecodeString(v.Manifest.AuditHead.SHA256)
		if err != nil {
			rep.Problems = append(rep.Problems, fmt.Sprintf("memo %s: its manifest's audit head is not hexadecimal", p))
			continue
		}
		rep.CheckAnchor("memo "+p, v.Manifest.AuditHead.Seq, head)
	}
	fmt.Fprintf(out, "events: %d, head %d %x\n", rep.Events, rep.HeadSeq, rep.HeadHash)
	fmt.Fprintf(out, "signed checkpoints: %d\n", rep.Checkpoints)
	if !rep.LastSignedAt.IsZero() {
		// A bundle cut after a checkpoint verifies: only this time (or a
		// memo given with --memo) shows how recent it is.
		fmt.Fprintf(out, "last signed checkpoint:        %s (nothing after it is vouched for by a signature)\n", rep.LastSignedAt.Format(time.RFC3339))
	}
	for _, v := range rep.Verified {
		fmt.Fprintln(out, "  verified: "+v)
	}
	if rep.Uncovered > 0 {
		fmt.Fprintf(out, "events after the last signed checkpoint: %d (the chain covers them; no signature does yet)\n", rep.Uncovered)
	}
	if rep.OK() {
		fmt.Fprintln(out, "OK: the chain holds and every signed checkpoint matches it")
		return nil
	}
	fmt.Fprintln(out, "BROKEN:")
	for _, p := range rep.Problems {
		fmt.Fprintln(out, "  - "+p)
	}
	return exitError(1)
}
