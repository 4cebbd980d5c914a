package custos

import (
	"bytes"
	"crypto/sha256"
	"encoding/json"
	"strings"
	"testing"
	"time"
)

func TestCanonicalJSON(t *testing.T) {
	tests := []struct {
		name string
		in   string
		want string
	}{
		{"object keys are sorted", `{"b":1,"a":2,"c":3}`, `{"a":2,"b":1,"c":3}`},
		{"nested keys are sorted, array order is kept", `{"z":{"y":[3,1,2],"x":{"q":true,"p":null}},"a":"s"}`,
			`{"a":"s","z":{"x":{"p":null,"q":true},"y":[3,1,2]}}`},
		{"insignificant space is dropped", " {\n\t\"a\" : [ 1 , 2 ] ,\r\n \"b\" : { } }\n ", `{"a":[1,2],"b":{}}`},
		{"space inside strings is kept", `{"a":"  two  spaces "}`, `{"a":"  two  spaces "}`},
		{"numbers keep their literal digits", `{"d":1.50,"i":12345678901234567890,"n":-0.0001}`, `{"d":1.50,"i":12345678901234567890,"n":-0.0001}`},
		{"a scalar is kept", `42`, `42`},
		{"a string is kept", `"x"`, `"x"`},
		{"an empty array is kept", `[]`, `[]`},
		{"null stays null", `null`, `null`},
		{"null with space is null", "  null \n", `null`},
		{"empty input is null", ``, `null`},
		{"only space is null", " \n\t ", `null`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := CanonicalJSON([]byte(tt.in))
			if err != nil {
				t.Fatalf("error: %v", err)
			}
			if string(got) != tt.want {
				t.Fatalf("CanonicalJSON(%q) = %s, want %s", tt.in, got, tt.want)
			}
			again, err := CanonicalJSON(got)
			if err != nil || !bytes.Equal(again, got) {
				t.Fatalf("not idempotent: %s → %s (%v)", got, again, err)
			}
		})
	}
	t.Run("nil input is null", func(t *testing.T) {
		if got, err := CanonicalJSON(nil); err != nil || string(got) != "null" {
			t.Fatalf("got %s, %v", got, err)
		}
	})
	t.Run("invalid JSON is an error", func(t *testing.T) {
		for _, in := range []string{`{`, `{"a":}`, `{'a':1}`, `nope`} {
			if _, err := CanonicalJSON([]byte(in)); err == nil {
				t.Errorf("CanonicalJSON(%q) accepted invalid JSON", in)
			}
		}
	})
}

func TestCanonicalJSON_IsStableUnderKeyReorderingAndWhitespace(t *testing.T) {
	variants := []string{
		`{"user_id":7,"roles":["officer","manager"],"team":{"id":2,"name":"Ops"},"amount":1.10}`,
		`{"team":{"name":"Ops","id":2},"amount":1.10,"user_id":7,"roles":["officer","manager"]}`,
		"{\n  \"amount\" : 1.10,\n  \"roles\" : [ \"officer\" , \"manager\" ],\n  \"team\" : { \"id\" : 2 , \"name\" : \"Ops\" },\n  \"user_id\" : 7\n}\n",
	}
	first, err := CanonicalJSON([]byte(variants[0]))
	if err != nil {
		t.Fatal(err)
	}
	for _, v := range variants[1:] {
		got, err := CanonicalJSON([]byte(v))
		if err != nil || !bytes.Equal(got, first) {
			t.Fatalf("CanonicalJSON(%q) = %s, want %s (%v)", v, got, first, err)
		}
	}
	// Different values stay different: array order and number digits matter.
	for _, v := range []string{
		`{"user_id":7,"roles":["manager","officer"],"team":{"id":2,"name":"Ops"},"amount":1.10}`,
		`{"user_id":7,"roles":["officer","manager"],"team":{"id":2,"name":"Ops"},"amount":1.1}`,
	} {
		got, _ := CanonicalJSON([]byte(v))
		if bytes.Equal(got, first) {
			t.Fatalf("a different document canonicalised to the same bytes: %s", v)
		}
	}
}

func baseAuditEvent() AuditEvent {
	actor, team := int64(3), int64(2)
	return AuditEvent{
		Seq:        1,
		OccurredAt: time.Date(2025, 5, 6, 7, 8, 9, 123456000, time.UTC),
		ActorID:    &actor,
		Actor:      "ann@example.com",
		TeamID:     &team,
		Action:     "answer.put",
		ObjectType: "answer",
		ObjectID:   "5/1/11",
		Before:     json.RawMessage(`{"status":"pending"}`),
		After:      json.RawMessage(`{"note":"ok","status":"met"}`),
		RequestID:  "req-1",
	}
}

func TestComputeHash_ChangesWithAnyField(t *testing.T) {
	base := baseAuditEvent()
	prev := bytes.Repeat([]byte{0x11}, 32)
	want, err := base.ComputeHash(prev)
	if err != nil {
		t.Fatal(err)
	}
	if len(want) != sha256.Size {
		t.Fatalf("hash has %d bytes, want %d", len(want), sha256.Size)
	}
	other, zero := int64(4), int64(0)
	tests := []struct {
		name   string
		change func(e *AuditEvent)
	}{
		{"seq", func(e *AuditEvent) { e.Seq = 2 }},
		{"time", func(e *AuditEvent) { e.OccurredAt = e.OccurredAt.Add(time.Microsecond) }},
		{"actor id", func(e *AuditEvent) { e.ActorID = &other }},
		{"actor id removed", func(e *AuditEvent) { e.ActorID = nil }},
		{"actor id zero rather than none", func(e *AuditEvent) { e.ActorID = &zero }},
		{"actor", func(e *AuditEvent) { e.Actor = "bob@example.com" }},
		{"team id", func(e *AuditEvent) { e.TeamID = &other }},
		{"team id removed", func(e *AuditEvent) { e.TeamID = nil }},
		{"action", func(e *AuditEvent) { e.Action = "answer.delete" }},
		{"object type", func(e *AuditEvent) { e.ObjectType = "score" }},
		{"object id", func(e *AuditEvent) { e.ObjectID = "5/1/12" }},
		{"before", func(e *AuditEvent) { e.Before = json.RawMessage(`{"status":"met"}`) }},
		{"before removed", func(e *AuditEvent) { e.Before = nil }},
		{"after", func(e *AuditEvent) { e.After = json.RawMessage(`{"note":"ok!","status":"met"}`) }},
		{"after number digits", func(e *AuditEvent) { e.After = json.RawMessage(`{"note":"ok","status":"met","n":1.0}`) }},
		{"request id", func(e *AuditEvent) { e.RequestID = "req-2" }},
	}
	for _, tt := range tests {
		t.Run("a changed "+tt.name+" changes the hash", func(t *testing.T) {
			e := baseAuditEvent()
			tt.change(&e)
			got, err := e.ComputeHash(prev)
			if err != nil {
				t.Fatal(err)
			}
			if bytes.Equal(got, want) {
				t.Fatalf("hash unchanged after changing %s", tt.name)
			}
		})
	}
	t.Run("a changed previous hash changes the hash", func(t *testing.T) {
		got, _ := base.ComputeHash(GenesisHash)
		if bytes.Equal(got, want) {
			t.Fatal("hash does not depend on the previous hash")
		}
	})
	t.Run("the stored hash and prev hash fields are not hashed", func(t *testing.T) {
		e := baseAuditEvent()
		e.Hash, e.PrevHash = HashBytes{1, 2}, HashBytes{3}
		if got, _ := e.ComputeHash(prev); !bytes.Equal(got, want) {
			t.Fatal("hash depends on the Hash/PrevHash fields")
		}
	})

	same := []struct {
		name   string
		change func(e *AuditEvent)
	}{
		{"before and after with reordered keys and space", func(e *AuditEvent) {
			e.Before = json.RawMessage(" { \"status\" : \"pending\" } ")
			e.After = json.RawMessage("{\n\"status\": \"met\",\n\"note\": \"ok\"\n}")
		}},
		{"the same instant in another time zone", func(e *AuditEvent) {
			e.OccurredAt = e.OccurredAt.In(time.FixedZone("CET", 3600))
		}},
		{"nanoseconds below the stored microsecond", func(e *AuditEvent) {
			e.OccurredAt = e.OccurredAt.Add(999 * time.Nanosecond)
		}},
	}
	for _, tt := range same {
		t.Run(tt.name+" keep the hash", func(t *testing.T) {
			e := baseAuditEvent()
			tt.change(&e)
			got, err := e.ComputeHash(prev)
			if err != nil || !bytes.Equal(got, want) {
				t.Fatalf("hash changed (%v)", err)
			}
		})
	}
	t.Run("null and absent before hash the same", func(t *testing.T) {
		a, b := baseAuditEvent(), baseAuditEvent()
		a.Before, b.Before = nil, json.RawMessage("null")
		ha, _ := a.ComputeHash(prev)
		hb, _ := b.ComputeHash(prev)
		if !bytes.Equal(ha, hb) {
			t.Fatal("nil and null before hash differently")
		}
	})
	t.Run("unreadable before is an error", func(t *testing.T) {
		e := baseAuditEvent()
		e.Before = json.RawMessage(`{"broken"`)
		if _, err := e.ComputeHash(prev); err == nil {
			t.Fatal("no error for invalid JSON")
		}
	})
}

// auditChain builds a valid chain of n events, seq 1..n.
func auditChain(t *testing.T, n int) []*AuditEvent {
	t.Helper()
	prev := GenesisHash
	var out []*AuditEvent
	t0 := time.Date(2025, 1, 1, 0, 0, 0, 0, time.UTC)
	for i := 1; i <= n; i++ {
		e := &AuditEvent{Seq: int64(i), OccurredAt: t0.Add(time.Duration(i) * time.Minute), Actor: "ann",
			Action: "thing.do", ObjectType: "thing", ObjectID: strings.Repeat("x", i),
			After: json.RawMessage(`{"i":` + strings.Repeat("1", i) + `}`), PrevHash: prev}
		h, err := e.ComputeHash(prev)
		if err != nil {
			t.Fatal(err)
		}
		e.Hash = h
		prev = h
		out = append(out, e)
	}
	return out
}

func TestChainVerifier(t *testing.T) {
	tests := []struct {
		name string
		// tamper returns the events walked and the head (seq, hash) the store records.
		tamper      func(es []*AuditEvent) ([]*AuditEvent, int64, []byte)
		wantValid   bool
		wantSeq     int64
		wantChecked int64
		wantReason  string
	}{
		{
			name:      "an intact chain is valid",
			tamper:    func(es []*AuditEvent) ([]*AuditEvent, int64, []byte) { return es, 5, es[4].Hash },
			wantValid: true, wantChecked: 5,
		},
		{
			name: "a missing event is a gap at its seq",
			tamper: func(es []*AuditEvent) ([]*AuditEvent, int64, []byte) {
				return []*AuditEvent{es[0], es[1], es[3], es[4]}, 5, es[4].Hash
			},
			wantSeq: 3, wantChecked: 2, wantReason: "missing",
		},
		{
			name: "a missing first event is a gap at seq 1",
			tamper: func(es []*AuditEvent) ([]*AuditEvent, int64, []byte) {
				return es[1:], 5, es[4].Hash
			},
			wantSeq: 1, wantChecked: 0, wantReason: "missing",
		},
		{
			name: "a wrong previous hash is reported at its event",
			tamper: func(es []*AuditEvent) ([]*AuditEvent, int64, []byte) {
				es[2].PrevHash = bytes.Repeat([]byte{0xee}, 32)
				return es, 5, es[4].Hash
			},
			wantSeq: 3, wantChecked: 2, wantReason: "previous hash",
		},
		{
			name: "changed content is reported at its event",
			tamper: func(es []*AuditEvent) ([]*AuditEvent, int64, []byte) {
				es[3].After = json.RawMessage(`{"i":"changed"}`)
				return es, 5, es[4].Hash
			},
			wantSeq: 4, wantChecked: 3, wantReason: "content does not match",
		},
		{
			name: "a changed actor is reported at its event",
			tamper: func(es []*AuditEvent) ([]*AuditEvent, int64, []byte) {
				es[0].Actor = "mallory"
				return es, 5, es[4].Hash
			},
			wantSeq: 1, wantChecked: 0, wantReason: "content does not match",
		},
		{
			name: "unreadable content is reported at its event",
			tamper: func(es []*AuditEvent) ([]*AuditEvent, int64, []byte) {
				es[1].Before = json.RawMessage(`{`)
				return es, 5, es[4].Hash
			},
			wantSeq: 2, wantChecked: 1, wantReason: "cannot be read",
		},
		{
			name: "an event rehashed after a change breaks the next event's link",
			tamper: func(es []*AuditEvent) ([]*AuditEvent, int64, []byte) {
				es[1].Action = "thing.undo"
				es[1].Hash, _ = es[1].ComputeHash(es[0].Hash)
				return es, 5, es[4].Hash
			},
			wantSeq: 3, wantChecked: 2, wantReason: "previous hash",
		},
		{
			name: "a truncated trail is reported at the first missing event after the last one walked",
			tamper: func(es []*AuditEvent) ([]*AuditEvent, int64, []byte) {
				return es[:3], 5, es[4].Hash
			},
			wantSeq: 4, wantChecked: 3, wantReason: "head is event 5",
		},
		{
			name: "a head hash that does not match the last event is a break",
			tamper: func(es []*AuditEvent) ([]*AuditEvent, int64, []byte) {
				return es, 5, es[3].Hash
			},
			wantSeq: 6, wantChecked: 5, wantReason: "head",
		},
		{
			name: "an empty trail with a genesis head is valid",
			tamper: func(es []*AuditEvent) ([]*AuditEvent, int64, []byte) {
				return nil, 0, GenesisHash
			},
			wantValid: true, wantChecked: 0,
		},
		{
			name: "an emptied trail whose head is event 5 is broken at seq 1",
			tamper: func(es []*AuditEvent) ([]*AuditEvent, int64, []byte) {
				return nil, 5, es[4].Hash
			},
			wantSeq: 1, wantChecked: 0, wantReason: "head is event 5",
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			events, headSeq, headHash := tt.tamper(auditChain(t, 5))
			v := NewChainVerifier()
			for _, e := range events {
				if !v.Add(e) {
					break
				}
			}
			r := v.Finish(headSeq, headHash)
			if r.Valid != tt.wantValid || r.Checked != tt.wantChecked || r.HeadSeq != headSeq {
				t.Fatalf("report = %+v (broken %+v), want valid=%v checked=%d", r, r.Broken, tt.wantValid, tt.wantChecked)
			}
			if tt.wantValid {
				if r.Broken != nil {
					t.Fatalf("valid report carries a break: %+v", r.Broken)
				}
				return
			}
			if r.Broken == nil || r.Broken.Seq != tt.wantSeq || !strings.Contains(r.Broken.Reason, tt.wantReason) {
				t.Fatalf("broken = %+v, want seq %d with reason containing %q", r.Broken, tt.wantSeq, tt.wantReason)
			}
		})
	}
}

func TestChainVerifier_StopsAtTheFirstBreak(t *testing.T) {
	es := auditChain(t, 4)
	es[1].After = json.RawMessage(`{"i":0}`)
	es[3].After = json.RawMessage(`{"i":0}`)
	v := NewChainVerifier()
	results := []bool{}
	for _, e := range es {
		results = append(results, v.Add(e))
	}
	if want := []bool{true, false, false, false}; !equalBools(results, want) {
		t.Fatalf("Add results = %v, want %v", results, want)
	}
	if v.Broken == nil || v.Broken.Seq != 2 || v.Checked != 1 {
		t.Fatalf("broken = %+v checked %d, want the first break at seq 2", v.Broken, v.Checked)
	}
	// Finish keeps the first break rather than reporting the head.
	if r := v.Finish(4, es[3].Hash); r.Valid || r.Broken.Seq != 2 {
		t.Fatalf("report = %+v", r)
	}
}

func equalBools(a, b []bool) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if a[i] != b[i] {
			return false
		}
	}
	return true
}

func TestHashBytes_MarshalsAsHex(t *testing.T) {
	b, err := json.Marshal(struct {
		H HashBytes `json:"h"`
	}{HashBytes{0x00, 0xab, 0xff}})
	if err != nil || string(b) != `{"h":"00abff"}` {
		t.Fatalf("got %s, %v", b, err)
	}
	if len(GenesisHash) != 32 || !bytes.Equal(GenesisHash, make([]byte, 32)) {
		t.Fatalf("GenesisHash = %x, want 32 zero bytes", []byte(GenesisHash))
	}
}

func TestCanonicalJSON_RefusesTrailingData(t *testing.T) {
	for _, in := range []string{`{"a":1} junk`, `{"a":1}{"b":2}`, `1 2`} {
		if out, err := CanonicalJSON([]byte(in)); err == nil {
			t.Errorf("CanonicalJSON(%q) = %s, want an error for trailing data", in, out)
		}
	}
}
