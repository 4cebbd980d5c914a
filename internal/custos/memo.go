package custos

import (
	"context"
	"time"
)

// Memo is an issued, signed PDF memo of an approved evaluation, as recorded
// in the registry.
type Memo struct {
	ID                int64     `json:"id"`
	EvaluationID      int64     `json:"evaluation_id"`
	TeamID            int64     `json:"team_id"`
	Title             string    `json:"title"`
	SHA256            HashBytes `json:"sha256"`
	Size              int64     `json:"size"`
	SignerFingerprint string    `json:"signer_fingerprint"`
	SnapshotHash      HashBytes `json:"snapshot_hash"`
	AuditHeadSeq      int64     `json:"audit_head_seq"`
	AuditHeadHash     HashBytes `json:"audit_head_hash"`
	IssuedBy          int64     `json:"issued_by"`
	IssuedAt          time.Time `json:"issued_at"`
}

// MemoApprover is one approval as the memo prints it.
type MemoApprover struct {
	Name         string
	Role         string
	At           time.Time
	Comment      string
	SnapshotHash HashBytes
}

// MemoContent is everything a memo prints. The renderer only lays it out.
type MemoContent struct {
	MemoID     int64
	IssuedAt   time.Time
	IssuedBy   string
	TeamName   string
	PreparedBy string
	Workspace  *Workspace
	Approvers  []MemoApprover
	// The audit chain's head when the evaluation was approved: the approval
	// event's sequence number and hash.
	AuditHeadSeq  int64
	AuditHeadHash HashBytes
	// Predecessor is the evaluation's previous memo, if this one replaces it.
	Predecessor *Memo
	// Follows is, for a re-diligence, the latest memo of the approved
	// evaluation it follows (nil when that one never had a memo); the memo
	// names it so that the yearly reviews form a chain an auditor can walk.
	Follows *Memo
}

// MemoRenderer lays a memo out as an unsigned PDF.
type MemoRenderer interface {
	Render(m *MemoContent) ([]byte, error)
}

// Signer signs a PDF with the organisation's key and certificate.
type Signer interface {
	Sign(pdf []byte, signedAt time.Time) ([]byte, error)
	// Fingerprint is the hex SHA-256 of the signing certificate (DER).
	Fingerprint() string
}

// SignatureCheck is what verifying a PDF's signature found.
type SignatureCheck struct {
	// Signed: the file carries a PDF signature at all.
	Signed bool `json:"signed"`
	// Valid: the signature is cryptographically valid over its byte range.
	Valid bool `json:"valid"`
	// CoversWholeFile: the signed byte range runs to the end of the file,
	// so nothing was appended after signing.
	CoversWholeFile bool `json:"covers_whole_file"`
	// SignerFingerprint is the hex SHA-256 of the signer's certificate.
	SignerFingerprint string `json:"signer_fingerprint"`
	// OurCertificate: the signer is this organisation's certificate.
	OurCertificate bool `json:"our_certificate"`
	// Problems says, in words, what is wrong.
	Problems []string `json:"problems"`
}

// SignatureVerifier checks a PDF's signature.
type SignatureVerifier interface {
	Verify(pdf []byte) SignatureCheck
}

// MemoVerdict answers "is this file an unaltered memo that we issued?".
type MemoVerdict struct {
	Genuine   bool           `json:"genuine"`
	SHA256    HashBytes      `json:"sha256"`
	Signature SignatureCheck `json:"signature"`
	// Memo is the registry entry whose digest the file has, if any.
	Memo      *Memo      `json:"memo"`
	Approvals []Approval `json:"approvals"`
	Reasons   []string   `json:"reasons"`
	// SigningKey is the signer's certificate in the organisation's key
	// history, nil when it is not one the organisation has used.
	SigningKey *SigningKey `json:"signing_key"`
}

// SigningKey is a certificate the organisation has signed memos with, and
// when it was the one in use (key rotation).
type SigningKey struct {
	Fingerprint       string     `json:"fingerprint" db:"fingerprint"`
	Subject           string     `json:"subject" db:"subject"`
	NotBefore         time.Time  `json:"not_before" db:"not_before"`
	NotAfter          time.Time  `json:"not_after" db:"not_after"`
	InUseFrom         time.Time  `json:"in_use_from" db:"in_use_from"`
	InUseUntil        *time.Time `json:"in_use_until" db:"in_use_until"`
	CurrentWhenSigned bool       `json:"current_when_signed" db:"-"`
}

// MemoFilter selects memos of one team, newest first.
type MemoFilter struct {
	TeamID int64
	Before int64
	Limit  int
}

// MemoPage is a page of memos, newest first.
type MemoPage = Page[Memo]

// MemoService issues, lists, serves and verifies memos.
type MemoService interface {
	IssueMemo(ctx context.Context, evaluationID int64) (*Memo, error)
	ListMemos(ctx context.Context, f MemoFilter) (*MemoPage, error)
	FindMemo(ctx context.Context, id int64) (*Memo, error)
	// MemoTeam returns the team a memo belongs to, for authorization.
	MemoTeam(ctx context.Context, id int64) (int64, error)
	// DownloadMemo returns the signed PDF and records the download.
	DownloadMemo(ctx context.Context, id int64) (*Memo, []byte, error)
	VerifyMemo(ctx context.Context, pdf []byte) (*MemoVerdict, error)
}
