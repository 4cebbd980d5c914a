package custos

import (
	"bytes"
	"crypto/sha256"
	"testing"
	"time"
)

// Events recorded before client request IDs existed must hash as they did;
// events that carry one have it covered by the hash.
func TestClientRequestIDLeavesOldHashesAndIsCoveredByNewOnes(t *testing.T) {
	e := AuditEvent{Seq: 7, OccurredAt: time.Date(2026, 11, 28, 9, 0, 0, 0, time.UTC), Actor: "anonymous",
		Action: "session.create", ObjectType: "session", ObjectID: "3", RequestID: "abc"}
	prev := bytes.Repeat([]byte{1}, 32)
	old := `{"seq":7,"occurred_at":"2026-11-28T09:00:00Z","actor_id":null,"actor":"anonymous","team_id":null,` +
		`"action":"session.create","object_type":"session","object_id":"3","before":null,"after":null,"request_id":"abc"}`
	want := sha256.Sum256(append(bytes.Clone(prev), old...))
	got, err := e.ComputeHash(prev)
	if err != nil || !bytes.Equal(got, want[:]) {
		t.Fatalf("an event without a client request ID hashes to %x, before it hashed to %x (%v)", got, want, err)
	}
	e.ClientRequestID = "trace-42"
	with, err := e.ComputeHash(prev)
	if err != nil || bytes.Equal(with, got) {
		t.Fatalf("the client request ID is not covered by the hash (%v)", err)
	}
}
