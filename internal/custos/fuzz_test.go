package custos

import (
	"bytes"
	"encoding/json"
	"reflect"
	"strings"
	"testing"
	"time"
)

// FuzzCanonicalJSON: the canonical form is valid JSON, means the same value
// as its input, and is its own canonical form (so a hash survives a round
// trip through jsonb).
func FuzzCanonicalJSON(f *testing.F) {
	for _, s := range []string{
		`{"b":1,"a":[true,null,"x"]}`, ` { "z" : 1.50e3 , "a" : {"y":"\u00e9<&>","x":[]} } `,
		`null`, ``, `12345678901234567890123`, `"\ud800"`, `{"a":1,"a":2}`, `[1,2] 3`, `{"a":`,
	} {
		f.Add([]byte(s))
	}
	decode := func(b []byte) (any, error) {
		d := json.NewDecoder(bytes.NewReader(b))
		d.UseNumber()
		var v any
		err := d.Decode(&v)
		return v, err
	}
	f.Fuzz(func(t *testing.T, raw []byte) {
		out, err := CanonicalJSON(raw)
		if err != nil {
			return
		}
		if !json.Valid(out) {
			t.Fatalf("canonical form %q is not JSON", out)
		}
		again, err := CanonicalJSON(out)
		if err != nil || !bytes.Equal(again, out) {
			t.Fatalf("not idempotent: %q → %q (%v)", out, again, err)
		}
		if len(bytes.Trim(raw, " \t\n\r")) == 0 {
			return // empty means null
		}
		in, err1 := decode(raw)
		canon, err2 := decode(out)
		if err1 != nil || err2 != nil || !reflect.DeepEqual(in, canon) {
			t.Fatalf("%q and its canonical form %q differ in meaning (%v, %v)", raw, out, err1, err2)
		}
	})
}

// FuzzChainVerifier: a chain built honestly verifies; changing any one
// event is caught at that event; events with unreadable content are reported,
// never a panic.
func FuzzChainVerifier(f *testing.F) {
	f.Add(uint8(3), []byte(`{"title":"Fund III"}`), uint8(1), byte('x'))
	f.Add(uint8(1), []byte(`not json`), uint8(0), byte(0))
	f.Add(uint8(8), []byte(`[1,2,{"a":null}]`), uint8(7), byte(0xff))
	f.Fuzz(func(t *testing.T, n uint8, payload []byte, tamper uint8, flip byte) {
		count := int(n%8) + 1
		start := time.Date(2026, 11, 28, 9, 0, 0, 0, time.UTC)
		events := make([]*AuditEvent, count)
		prev := GenesisHash
		for i := range events {
			after, err := CanonicalJSON(payload)
			if err != nil {
				after = json.RawMessage(`{"raw":` + string(mustJSON(t, string(payload))) + `}`)
			}
			e := &AuditEvent{Seq: int64(i + 1), OccurredAt: start.Add(time.Duration(i) * time.Second), Actor: "fuzz",
				Action: "evaluation.create", ObjectType: "evaluation", ObjectID: strings.Repeat("1", i+1), After: after,
				RequestID: "r", PrevHash: prev}
			h, err := e.ComputeHash(prev)
			if err != nil {
				t.Fatalf("event %d: %v", i+1, err)
			}
			e.Hash, prev = h, h
			events[i] = e
		}
		v := NewChainVerifier()
		for _, e := range events {
			v.Add(e)
		}
		if r := v.Finish(int64(count), prev); !r.Valid {
			t.Fatalf("an honest chain of %d events does not verify: %+v", count, r.Broken)
		}

		k := int(tamper) % count
		changed := *events[k]
		switch tamper % 3 {
		case 0:
			changed.Action += string(rune(flip))
		case 1:
			changed.Before = append(json.RawMessage(nil), payload...) // possibly not JSON at all
			if bytes.Equal(changed.Before, events[k].Before) {
				changed.Before = append(changed.Before, ' ', flip)
			}
		case 2:
			changed.OccurredAt = changed.OccurredAt.Add(time.Duration(int(flip)+1) * time.Microsecond)
		}
		v = NewChainVerifier()
		for i, e := range events {
			if i == k {
				e = &changed
			}
			v.Add(e)
		}
		r := v.Finish(int64(count), prev)
		sameMeaning := false
		if tamper%3 == 1 {
			// Whitespace around an empty Before is still "no value".
			c, err := CanonicalJSON(changed.Before)
			sameMeaning = err == nil && string(c) == "null"
		}
		if sameMeaning {
			return
		}
		if r.Valid || r.Broken == nil || r.Broken.Seq != int64(k+1) {
			t.Fatalf("event %d changed (%d): report %+v", k+1, tamper%3, r.Broken)
		}
	})
}

func mustJSON(t *testing.T, v any) []byte {
	b, err := json.Marshal(v)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// FuzzDetectType: the evidence sniffer names one media type without
// parameters for any content, decided by its first 512 bytes only.
func FuzzDetectType(f *testing.F) {
	for _, s := range []string{"%PDF-1.7\n", "\x89PNG\r\n\x1a\n", "\xff\xd8\xff\xe0", "plain text", "<html><script>", "", "\x00\x01\x02"} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, content []byte) {
		ct := detectType(content)
		if ct == "" || strings.ContainsAny(ct, "; \t") {
			t.Fatalf("detectType(%q) = %q", content, ct)
		}
		if len(content) > 512 {
			if head := detectType(content[:512]); head != ct {
				t.Fatalf("type %q from the whole file, %q from its first 512 bytes", ct, head)
			}
		}
		if ct == "application/pdf" && !bytes.HasPrefix(content, []byte("%PDF-")) {
			t.Fatalf("%q taken for a PDF", content)
		}
	})
}
