package custos

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"io"
	"time"
)

// AuditEvent is one entry of the append-only, hash-chained audit trail.
type AuditEvent struct {
	Seq        int64           `json:"seq"`
	OccurredAt time.Time       `json:"occurred_at"`
	ActorID    *int64          `json:"actor_id"`
	Actor      string          `json:"actor"`
	TeamID     *int64          `json:"team_id"`
	Action     string          `json:"action"`
	ObjectType string          `json:"object_type"`
	ObjectID   string          `json:"object_id"`
	Before     json.RawMessage `json:"before"`
	After      json.RawMessage `json:"after"`
	RequestID  string          `json:"request_id"`
	// ClientRequestID is the X-Request-ID the client sent, if any; RequestID
	// is always the server's own.
	ClientRequestID string    `json:"client_request_id,omitempty"`
	PrevHash        HashBytes `json:"prev_hash"`
	Hash            HashBytes `json:"hash"`
}

// HashBytes is a SHA-256 digest shown as hex.
type HashBytes []byte

// MarshalJSON writes the digest as a hex string.
func (h HashBytes) MarshalJSON() ([]byte, error) { return json.Marshal(hex.EncodeToString(h)) }

// UnmarshalJSON reads the hex string MarshalJSON writes, so that API clients
// (and the API tests) decode answers into the domain types.
func (h *HashBytes) UnmarshalJSON(b []byte) error {
	var s string
	if err := json.Unmarshal(b, &s); err != nil {
		return err
	}
	if s == "" {
		*h = nil
		return nil
	}
	raw, err := hex.DecodeString(s)
	if err != nil {
		return err
	}
	*h = raw
	return nil
}

// GenesisHash is the previous hash of the first event.
var GenesisHash = make(HashBytes, sha256.Size)

// NewAuditEvent is what a write records about itself; the store fills in the
// sequence, time, actor and hashes.
type NewAuditEvent struct {
	TeamID     *int64
	Action     string
	ObjectType string
	ObjectID   string
	Before     any
	After      any
}

// canonicalEvent fixes the order and form of the hashed fields.
type canonicalEvent struct {
	Seq        int64           `json:"seq"`
	OccurredAt string          `json:"occurred_at"`
	ActorID    *int64          `json:"actor_id"`
	Actor      string          `json:"actor"`
	TeamID     *int64          `json:"team_id"`
	Action     string          `json:"action"`
	ObjectType string          `json:"object_type"`
	ObjectID   string          `json:"object_id"`
	Before     json.RawMessage `json:"before"`
	After      json.RawMessage `json:"after"`
	RequestID  string          `json:"request_id"`
	// Omitted when empty, so events recorded before it existed hash as before.
	ClientRequestID string `json:"client_request_id,omitempty"`
}

// CanonicalJSON re-encodes a JSON document with sorted object keys and no
// insignificant space, so that the same value hashes the same after a round
// trip through the database (jsonb reorders keys and drops spaces). Numbers
// keep their literal digits.
func CanonicalJSON(raw []byte) (json.RawMessage, error) {
	// Only JSON's own white space (bytes.TrimSpace also takes \v, \f and
	// Unicode spaces, which make a document invalid, not null).
	if t := bytes.Trim(raw, jsonSpace); len(t) == 0 || string(t) == "null" {
		return json.RawMessage("null"), nil
	}
	d := json.NewDecoder(bytes.NewReader(raw))
	d.UseNumber()
	var v any
	if err := d.Decode(&v); err != nil {
		return nil, fmt.Errorf("canonical json: %w", err)
	}
	if _, err := d.Token(); err != io.EOF {
		return nil, fmt.Errorf("canonical json: trailing data after the value")
	}
	out, err := json.Marshal(v)
	if err != nil {
		return nil, fmt.Errorf("canonical json: %w", err)
	}
	return out, nil
}

// jsonSpace is the white space JSON allows between tokens (RFC 8259).
const jsonSpace = " \t\n\r"

// AuditTime is the precision at which event times are stored and hashed.
func AuditTime(t time.Time) time.Time { return t.UTC().Truncate(time.Microsecond) }

// ComputeHash returns SHA-256(prev_hash || canonical content) for e.
func (e *AuditEvent) ComputeHash(prev []byte) (HashBytes, error) {
	content, err := e.HashedContent()
	if err != nil {
		return nil, err
	}
	h := sha256.New()
	h.Write(prev)
	h.Write(content)
	return h.Sum(nil), nil
}

// HashedContent is the canonical content an event's hash covers after the
// previous hash: hash = SHA-256(prev_hash || HashedContent). It begins with
// the event's sequence number ({"seq":N,...}), so that a store can fill the
// number in where the chain's head is locked.
func (e *AuditEvent) HashedContent() ([]byte, error) {
	before, err := CanonicalJSON(e.Before)
	if err != nil {
		return nil, err
	}
	after, err := CanonicalJSON(e.After)
	if err != nil {
		return nil, err
	}
	content, err := json.Marshal(canonicalEvent{
		Seq:             e.Seq,
		OccurredAt:      AuditTime(e.OccurredAt).Format(time.RFC3339Nano),
		ActorID:         e.ActorID,
		Actor:           e.Actor,
		TeamID:          e.TeamID,
		Action:          e.Action,
		ObjectType:      e.ObjectType,
		ObjectID:        e.ObjectID,
		Before:          before,
		After:           after,
		RequestID:       e.RequestID,
		ClientRequestID: e.ClientRequestID,
	})
	if err != nil {
		return nil, err
	}
	return content, nil
}

// ChainVerifier walks events in sequence order and reports the first break.
type ChainVerifier struct {
	prev    HashBytes
	nextSeq int64
	Checked int64
	Broken  *ChainBreak
}

// ChainBreak names the first event at which the chain does not hold.
type ChainBreak struct {
	Seq    int64  `json:"seq"`
	Reason string `json:"reason"`
}

// NewChainVerifier starts at the genesis.
func NewChainVerifier() *ChainVerifier {
	return &ChainVerifier{prev: GenesisHash, nextSeq: 1}
}

// NewChainVerifierFrom continues a walk after event seq, already verified,
// whose hash was hash: the events after it are checked as NewChainVerifier
// would check them, and Checked counts the verified prefix too.
func NewChainVerifierFrom(seq int64, hash HashBytes) *ChainVerifier {
	if seq == 0 {
		return NewChainVerifier()
	}
	return &ChainVerifier{prev: hash, nextSeq: seq + 1, Checked: seq}
}

// Add checks the next event. It returns false once the chain is broken.
func (v *ChainVerifier) Add(e *AuditEvent) bool {
	if v.Broken != nil {
		return false
	}
	switch {
	case e.Seq != v.nextSeq:
		v.Broken = &ChainBreak{Seq: v.nextSeq, Reason: fmt.Sprintf("event %d is missing (found %d next)", v.nextSeq, e.Seq)}
	case !bytes.Equal(e.PrevHash, v.prev):
		v.Broken = &ChainBreak{Seq: e.Seq, Reason: "its previous hash does not match the hash of the event before it"}
	default:
		h, err := e.ComputeHash(v.prev)
		if err != nil {
			v.Broken = &ChainBreak{Seq: e.Seq, Reason: "its content cannot be read: " + err.Error()}
		} else if !bytes.Equal(h, e.Hash) {
			v.Broken = &ChainBreak{Seq: e.Seq, Reason: "its content does not match its hash"}
		}
	}
	if v.Broken != nil {
		return false
	}
	v.prev = e.Hash
	v.nextSeq++
	v.Checked++
	return true
}

// Finish checks the chain's recorded head against the last event walked, which
// catches events removed from the end.
func (v *ChainVerifier) Finish(headSeq int64, headHash []byte) ChainReport {
	r := ChainReport{Checked: v.Checked, HeadSeq: headSeq, HeadHash: headHash}
	if v.Broken == nil && (headSeq != v.nextSeq-1 || !bytes.Equal(headHash, v.prev)) {
		v.Broken = &ChainBreak{Seq: v.nextSeq, Reason: fmt.Sprintf("the chain's head is event %d but the trail ends at event %d", headSeq, v.nextSeq-1)}
	}
	r.Broken = v.Broken
	r.Valid = v.Broken == nil
	return r
}

// ChainReport is the result of walking the chain.
type ChainReport struct {
	Valid    bool        `json:"valid"`
	Checked  int64       `json:"checked"`
	HeadSeq  int64       `json:"head_seq"`
	HeadHash HashBytes   `json:"head_hash"`
	Broken   *ChainBreak `json:"first_broken"`
	// VerifiedFrom is the event the walk went on from, verified before and
	// checked to be unchanged (0: the walk began at the first event).
	VerifiedFrom int64 `json:"verified_from"`
}

// AuditFilter selects events. A nil TeamID means every team; every other
// filter left nil or empty selects everything too.
type AuditFilter struct {
	TeamID *int64
	// ActorID selects the events of one user.
	ActorID *int64
	// From and To bound when the events occurred: From <= occurred_at < To.
	From, To *time.Time
	// EvaluationID selects the events about one evaluation and its parts
	// (answers, scores, evidence, red flags, shortlist, decisions, memos).
	EvaluationID *int64
	// Action selects one action, such as evaluation.submit.
	Action string
	// Before is a cursor: only events with a lower sequence number. Pages go
	// from newest to oldest.
	Before int64
	Limit  int
}

// AuditPage is one page of events, newest first.
type AuditPage = Page[*AuditEvent]

// AuditService reads and verifies the trail.
type AuditService interface {
	ListAuditEvents(ctx context.Context, f AuditFilter) (*AuditPage, error)
	// VerifyAuditChain walks the whole chain.
	VerifyAuditChain(ctx context.Context) (ChainReport, error)
	// VerifyAuditChainSince goes on from the event verified last.
	VerifyAuditChainSince(ctx context.Context) (ChainReport, error)
}
