package signing

import (
	"bufio"
	"bytes"
	"cmp"
	"crypto"
	"crypto/ecdsa"
	"crypto/rand"
	"crypto/rsa"
	"crypto/sha256"
	"crypto/x509"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"slices"
	"time"

	"github.com/custos-dd/custos/internal/custos"
)

// CheckpointFormat starts every checkpoint statement. Version 2 chains the
// checkpoints: each names the previous one's sequence number and the
// SHA-256 of its statement, so that a checkpoint removed from the middle of
// a bundle is detected. Version 1 statements (before the chain) still verify.
const (
	CheckpointFormat   = "custos-audit-checkpoint/2"
	checkpointFormatV1 = "custos-audit-checkpoint/1"
)

// BundleFormat names the audit export layout: JSON lines, a header, then
// every event in sequence order, then every checkpoint.
const BundleFormat = "custos-audit-bundle/1"

// Checkpoint is a signed statement of the audit chain's head.
type Checkpoint struct {
	Seq               int64            `json:"seq"`
	Hash              custos.HashBytes `json:"hash"`
	SignedAt          time.Time        `json:"signed_at"`
	Reason            string           `json:"reason"`
	SignerFingerprint string           `json:"signer_fingerprint"`
	// PrevSeq and PrevStatementSHA256 name the previous checkpoint (zero
	// and empty for the first one, and in version 1 statements).
	PrevSeq             int64            `json:"prev_seq,omitempty"`
	PrevStatementSHA256 custos.HashBytes `json:"prev_statement_sha256,omitempty"`
	Statement           []byte           `json:"statement"` // base64 in JSON
	Signature           []byte           `json:"signature"`
}

// Chained says the checkpoint's statement names its predecessor (version 2).
func (c *Checkpoint) Chained() bool {
	return !bytes.HasPrefix(c.Statement, []byte(checkpointFormatV1+"\n"))
}

// StatementDigest is what the next checkpoint names this one by.
func (c *Checkpoint) StatementDigest() []byte {
	d := sha256.Sum256(c.Statement)
	return d[:]
}

// CheckpointStatement is the text a checkpoint signs: the head, the time
// and the previous checkpoint.
func CheckpointStatement(seq int64, hash []byte, at time.Time, prevSeq int64, prevDigest []byte) []byte {
	return fmt.Appendf(nil, "%s\nseq=%d\nhash=%x\ntime=%s\nprev_seq=%d\nprev_statement_sha256=%x\n",
		CheckpointFormat, seq, hash, at.UTC().Format(time.RFC3339Nano), prevSeq, prevDigest)
}

func checkpointStatementV1(seq int64, hash []byte, at time.Time) []byte {
	return fmt.Appendf(nil, "%s\nseq=%d\nhash=%x\ntime=%s\n", checkpointFormatV1, seq, hash, at.UTC().Format(time.RFC3339Nano))
}

// SignCheckpoint signs the head (seq, hash) at time at, after the
// checkpoint prev (nil for the first), with the signer's key (which may
// live in a token).
func (s *Signer) SignCheckpoint(seq int64, hash []byte, at time.Time, reason string, prev *Checkpoint) (*Checkpoint, error) {
	var prevSeq int64
	var prevDigest []byte
	if prev != nil {
		prevSeq, prevDigest = prev.Seq, prev.StatementDigest()
	}
	st := CheckpointStatement(seq, hash, at, prevSeq, prevDigest)
	digest := sha256.Sum256(st)
	sig, err := s.key.Sign(rand.Reader, digest[:], crypto.SHA256)
	if err != nil {
		return nil, fmt.Errorf("signing: checkpoint: %w", err)
	}
	return &Checkpoint{Seq: seq, Hash: hash, SignedAt: at.UTC(), Reason: reason, SignerFingerprint: s.fingerprint,
		PrevSeq: prevSeq, PrevStatementSHA256: prevDigest, Statement: st, Signature: sig}, nil
}

// verifyCheckpoint checks the statement says what the checkpoint says and
// is signed by cert.
func verifyCheckpoint(c *Checkpoint, cert *x509.Certificate) error {
	want := CheckpointStatement(c.Seq, c.Hash, c.SignedAt, c.PrevSeq, c.PrevStatementSHA256)
	if !c.Chained() {
		want = checkpointStatementV1(c.Seq, c.Hash, c.SignedAt)
	}
	if !bytes.Equal(c.Statement, want) {
		return errors.New("its statement does not match its fields")
	}
	digest := sha256.Sum256(c.Statement)
	switch pub := cert.PublicKey.(type) {
	case *ecdsa.PublicKey:
		if !ecdsa.VerifyASN1(pub, digest[:], c.Signature) {
			return errBadSignature
		}
	case *rsa.PublicKey:
		if err := rsa.VerifyPKCS1v15(pub, crypto.SHA256, digest[:], c.Signature); err != nil {
			return errBadSignature
		}
	default:
		return fmt.Errorf("unsupported key type %T", pub)
	}
	return nil
}

// BundleLine is one line of an audit bundle: exactly one field is set.
type BundleLine struct {
	Format     string             `json:"format,omitempty"`
	Event      *custos.AuditEvent `json:"event,omitempty"`
	Checkpoint *Checkpoint        `json:"checkpoint,omitempty"`
}

// BundleReport is what verifying an audit bundle found.
type BundleReport struct {
	Events      int64
	HeadSeq     int64
	HeadHash    []byte
	Checkpoints int
	// Verified checkpoints, by sequence number, with who signed them.
	Verified []string
	// Uncovered counts the events after the last checkpoint.
	Uncovered int64
	// LastSignedAt is when the latest checkpoint was signed: a bundle cut
	// after it (its newest checkpoints and events removed) still verifies,
	// so the reader must judge whether this time is recent enough, or check
	// it against memos (CheckMemoAnchor).
	LastSignedAt time.Time
	Problems     []string
	// hashes are the events' hashes by sequence number, for anchors.
	hashes map[int64][]byte
}

// CheckAnchor checks that the bundle holds event seq with hash, as a memo's
// manifest (its audit_head, inside the memo's signature) says it should: a
// bundle cut before a memo's audit head, or rewritten up to it, fails.
func (r *BundleReport) CheckAnchor(what string, seq int64, hash []byte) {
	switch h, ok := r.hashes[seq]; {
	case !ok:
		r.Problems = append(r.Problems, fmt.Sprintf("%s names audit event %d, which the bundle lacks (the trail was cut)", what, seq))
	case !bytes.Equal(h, hash):
		r.Problems = append(r.Problems, fmt.Sprintf("%s names audit event %d with hash %x, but the bundle's event %d has %x", what, seq, hash, seq, h))
	default:
		r.Verified = append(r.Verified, fmt.Sprintf("event %d, as %s says", seq, what))
	}
}

// OK says the chain holds and every checkpoint verifies against it.
func (r *BundleReport) OK() bool { return len(r.Problems) == 0 && r.Checkpoints > 0 }

// VerifyBundle checks an audit bundle offline against the organisation's
// certificates: the hash chain from the genesis, then each checkpoint's
// signature (by one of certs) and that the event at its sequence number has
// exactly the hash it signed. A history rewritten after a checkpoint, even
// with every hash recomputed, fails the second test.
func VerifyBundle(r io.Reader, certs []*x509.Certificate) (*BundleReport, error) {
	rep := &BundleReport{hashes: map[int64][]byte{}}
	sc := bufio.NewScanner(r)
	sc.Buffer(make([]byte, 1<<20), 64<<20)
	chain := custos.NewChainVerifier()
	hashes := rep.hashes
	var cps []*Checkpoint
	first := true
	for sc.Scan() {
		var l BundleLine
		d := json.NewDecoder(bytes.NewReader(sc.Bytes()))
		d.DisallowUnknownFields()
		if err := d.Decode(&l); err != nil {
			return nil, fmt.Errorf("bundle line %d: %w", rep.Events+int64(len(cps))+1, err)
		}
		switch {
		case first:
			if l.Format != BundleFormat {
				return nil, fmt.Errorf("not a %s file", BundleFormat)
			}
			first = false
		case l.Event != nil:
			rep.Events++
			chain.Add(l.Event)
			hashes[l.Event.Seq] = l.Event.Hash
			rep.HeadSeq, rep.HeadHash = l.Event.Seq, l.Event.Hash
		case l.Checkpoint != nil:
			cps = append(cps, l.Checkpoint)
		}
	}
	if err := sc.Err(); err != nil {
		return nil, err
	}
	if first {
		return nil, errors.New("the bundle is empty")
	}
	if chain.Broken != nil {
		rep.Problems = append(rep.Problems, fmt.Sprintf("the chain breaks at event %d: %s", chain.Broken.Seq, chain.Broken.Reason))
	}
	rep.Checkpoints = len(cps)
	rep.Uncovered = rep.HeadSeq
	for _, c := range cps {
		rep.Uncovered = min(rep.Uncovered, max(rep.HeadSeq-c.Seq, 0))
	}
	if len(cps) == 0 {
		rep.Problems = append(rep.Problems, "the bundle has no signed checkpoint")
	}
	slices.SortFunc(cps, func(a, b *Checkpoint) int { return cmp.Compare(a.Seq, b.Seq) })
	for i, c := range cps {
		rep.LastSignedAt = c.SignedAt
		// The chain of checkpoints: a chained one names the one before it.
		var prevSeq int64
		var prevDigest []byte
		if i > 0 {
			prevSeq, prevDigest = cps[i-1].Seq, cps[i-1].StatementDigest()
		}
		switch {
		case c.Chained() && (c.PrevSeq != prevSeq || !bytes.Equal(c.PrevStatementSHA256, prevDigest)):
			rep.Problems = append(rep.Problems, fmt.Sprintf("checkpoint at event %d follows a checkpoint at event %d that the bundle lacks or has altered (a checkpoint was removed)", c.Seq, c.PrevSeq))
		case !c.Chained() && i > 0 && cps[i-1].Chained():
			rep.Problems = append(rep.Problems, fmt.Sprintf("checkpoint at event %d is of the unchained format but follows chained ones", c.Seq))
		}
		var cert *x509.Certificate
		for _, k := range certs {
			if Fingerprint(k) == c.SignerFingerprint {
				cert = k
			}
		}
		switch h, ok := hashes[c.Seq]; {
		case cert == nil:
			rep.Problems = append(rep.Problems, fmt.Sprintf("checkpoint at event %d is signed by a certificate that is not the organisation's (fingerprint %s)", c.Seq, c.SignerFingerprint))
		case verifyCheckpoint(c, cert) != nil:
			rep.Problems = append(rep.Problems, fmt.Sprintf("checkpoint at event %d: the signature does not verify (%v)", c.Seq, verifyCheckpoint(c, cert)))
		case !ok:
			rep.Problems = append(rep.Problems, fmt.Sprintf("checkpoint at event %d: the bundle has no event %d (the trail was cut)", c.Seq, c.Seq))
		case !bytes.Equal(h, c.Hash):
			rep.Problems = append(rep.Problems, fmt.Sprintf("event %d has hash %x, but the checkpoint signed on %s says %s: the history up to it was rewritten",
				c.Seq, h, c.SignedAt.Format(time.RFC3339), hex.EncodeToString(c.Hash)))
		default:
			rep.Verified = append(rep.Verified, fmt.Sprintf("event %d, signed %s by %s", c.Seq, c.SignedAt.Format(time.RFC3339), cert.Subject.CommonName))
		}
	}
	return rep, nil
}
