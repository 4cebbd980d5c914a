package memo

import (
	"bytes"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"slices"
	"time"

	"github.com/digitorus/pdf"

	"github.com/custos-dd/custos/internal/custos"
)

// ManifestFile is the name of the JSON attachment every memo carries. It
// is written before signing, so the signature covers it: a reader with the
// PDF and the organisation's certificate learns what was approved without
// any database.
const ManifestFile = "custos-manifest.json"

// ManifestFormat names this layout of the manifest; a later layout gets a
// new name and readers refuse one they do not know. Layout 2 added
// "follows" (the memo a re-diligence's memo follows); readers still take 1.
const ManifestFormat = "custos-memo-manifest/2"

// manifestFormats are the layouts this reader knows.
var manifestFormats = []string{"custos-memo-manifest/1", ManifestFormat}

// Manifest is the machine-readable statement a memo makes about itself.
// Digests are lower-case hex SHA-256.
type Manifest struct {
	Format     string             `json:"format"`
	Memo       ManifestMemo       `json:"memo"`
	Team       ManifestTeam       `json:"team"`
	Evaluation ManifestEvaluation `json:"evaluation"`
	Approvals  []ManifestApproval `json:"approvals"`
	// AuditHead is the audit chain's head when the evaluation was approved.
	AuditHead ManifestAuditHead `json:"audit_head"`
	// Predecessor is the evaluation's previous memo, which this one replaces.
	Predecessor *ManifestPredecessor `json:"predecessor"`
	// Follows is, on a re-diligence's memo, the latest memo of the approved
	// evaluation it follows (layout 2; null otherwise).
	Follows *ManifestFollows `json:"follows"`
}

type ManifestFollows struct {
	MemoID       int64     `json:"memo_id"`
	EvaluationID int64     `json:"evaluation_id"`
	SHA256       string    `json:"sha256"`
	IssuedAt     time.Time `json:"issued_at"`
}

type ManifestMemo struct {
	ID       int64     `json:"id"`
	IssuedAt time.Time `json:"issued_at"`
	IssuedBy string    `json:"issued_by"`
}

type ManifestTeam struct {
	ID   int64  `json:"id"`
	Name string `json:"name"`
}

type ManifestEvaluation struct {
	ID             int64  `json:"id"`
	Title          string `json:"title"`
	Round          int    `json:"round"`
	SnapshotSHA256 string `json:"snapshot_sha256"`
	PreparedBy     string `json:"prepared_by"`
}

type ManifestApproval struct {
	Manager        string    `json:"manager"`
	ApprovedAt     time.Time `json:"approved_at"`
	SnapshotSHA256 string    `json:"snapshot_sha256"`
	Comment        string    `json:"comment"`
}

type ManifestAuditHead struct {
	Seq    int64  `json:"seq"`
	SHA256 string `json:"sha256"`
}

type ManifestPredecessor struct {
	MemoID   int64     `json:"memo_id"`
	SHA256   string    `json:"sha256"`
	IssuedAt time.Time `json:"issued_at"`
}

// NewManifest states what m records.
func NewManifest(m *custos.MemoContent) Manifest {
	ev := m.Workspace.Evaluation
	mf := Manifest{
		Format:     ManifestFormat,
		Memo:       ManifestMemo{ID: m.MemoID, IssuedAt: m.IssuedAt.UTC(), IssuedBy: m.IssuedBy},
		Team:       ManifestTeam{ID: ev.TeamID, Name: m.TeamName},
		Evaluation: ManifestEvaluation{ID: ev.ID, Title: ev.Title, Round: ev.Round, SnapshotSHA256: hex.EncodeToString(ev.SnapshotHash), PreparedBy: m.PreparedBy},
		Approvals:  []ManifestApproval{},
		AuditHead:  ManifestAuditHead{Seq: m.AuditHeadSeq, SHA256: hex.EncodeToString(m.AuditHeadHash)},
	}
	for _, a := range m.Approvers {
		mf.Approvals = append(mf.Approvals, ManifestApproval{Manager: a.Name, ApprovedAt: a.At.UTC(),
			SnapshotSHA256: hex.EncodeToString(a.SnapshotHash), Comment: a.Comment})
	}
	if p := m.Predecessor; p != nil {
		mf.Predecessor = &ManifestPredecessor{MemoID: p.ID, SHA256: hex.EncodeToString(p.SHA256), IssuedAt: p.IssuedAt.UTC()}
	}
	if f := m.Follows; f != nil {
		mf.Follows = &ManifestFollows{MemoID: f.ID, EvaluationID: f.EvaluationID, SHA256: hex.EncodeToString(f.SHA256), IssuedAt: f.IssuedAt.UTC()}
	}
	return mf
}

// Encode is the manifest as attached: indented JSON, so that it reads well
// when a PDF reader opens the attachment.
func (m Manifest) Encode() ([]byte, error) {
	var b bytes.Buffer
	enc := json.NewEncoder(&b)
	enc.SetEscapeHTML(false) // "Treasury & Digital Assets", not "\u0026"
	enc.SetIndent("", "  ")
	if err := enc.Encode(m); err != nil {
		return nil, err
	}
	return b.Bytes(), nil
}

// Check reports what is inconsistent within the manifest itself: an
// unknown format, no approvals, or an approval of another snapshot than
// the one the memo describes.
func (m *Manifest) Check() []string {
	var problems []string
	if !slices.Contains(manifestFormats, m.Format) {
		return []string{fmt.Sprintf("the manifest's format %q is not one of %q", m.Format, manifestFormats)}
	}
	if len(m.Evaluation.SnapshotSHA256) != 64 {
		problems = append(problems, "the manifest has no evaluation snapshot hash")
	}
	if len(m.Approvals) == 0 {
		problems = append(problems, "the manifest records no approval")
	}
	for _, a := range m.Approvals {
		if a.SnapshotSHA256 != m.Evaluation.SnapshotSHA256 {
			problems = append(problems, fmt.Sprintf("%s approved snapshot %s, not the memo's snapshot %s", a.Manager, a.SnapshotSHA256, m.Evaluation.SnapshotSHA256))
		}
	}
	if m.AuditHead.Seq <= 0 || len(m.AuditHead.SHA256) != 64 {
		problems = append(problems, "the manifest has no audit chain head")
	}
	return problems
}

// ErrNoManifest means the PDF carries no Custos manifest attachment.
var ErrNoManifest = errors.New("the file carries no " + ManifestFile + " attachment")

// ReadManifest finds the manifest attachment in a PDF (through the
// catalogue's /Names /EmbeddedFiles tree of the file's last revision) and
// decodes it. It returns the attachment's bytes as well. It does not
// check any signature: call it on a file whose signature covers it.
func ReadManifest(doc []byte) (*Manifest, []byte, error) {
	raw, err := readAttachment(doc, ManifestFile)
	if err != nil {
		return nil, nil, err
	}
	d := json.NewDecoder(bytes.NewReader(raw))
	d.DisallowUnknownFields()
	var m Manifest
	if err := d.Decode(&m); err != nil {
		return nil, raw, fmt.Errorf("the manifest is not valid JSON of %s: %w", ManifestFormat, err)
	}
	return &m, raw, nil
}

func readAttachment(doc []byte, name string) (data []byte, err error) {
	defer func() {
		// The PDF reader panics on some malformed files.
		if r := recover(); r != nil {
			data, err = nil, fmt.Errorf("reading the PDF: %v", r)
		}
	}()
	r, err := pdf.NewReader(bytes.NewReader(doc), int64(len(doc)))
	if err != nil {
		return nil, fmt.Errorf("reading the PDF: %w", err)
	}
	names := r.Trailer().Key("Root").Key("Names").Key("EmbeddedFiles").Key("Names")
	for i := 1; i < names.Len(); i += 2 {
		spec := names.Index(i)
		if spec.Key("UF").Text() != name && spec.Key("F").Text() != name {
			continue
		}
		stream := spec.Key("EF").Key("F")
		if stream.Kind() != pdf.Stream {
			return nil, fmt.Errorf("the %s attachment has no content", name)
		}
		rd := stream.Reader()
		defer rd.Close()
		return io.ReadAll(io.LimitReader(rd, 1<<20))
	}
	return nil, ErrNoManifest
}
