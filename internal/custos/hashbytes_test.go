package custos

import (
	"crypto/sha256"
	"encoding/json"
	"testing"

	"github.com/google/go-cmp/cmp"
)

func TestHashBytesReadsBackTheHexItWrites(t *testing.T) {
	sum := sha256.Sum256([]byte("memo"))
	for _, h := range []HashBytes{sum[:], nil} {
		raw, err := json.Marshal(h)
		if err != nil {
			t.Fatal(err)
		}
		var got HashBytes
		if err := json.Unmarshal(raw, &got); err != nil {
			t.Fatal(err)
		}
		if diff := cmp.Diff(h, got); diff != "" {
			t.Errorf("%s read back (-wrote +read):\n%s", raw, diff)
		}
	}
	var bad HashBytes
	if err := json.Unmarshal([]byte(`"not hex"`), &bad); err == nil {
		t.Error("a digest that is not hex was accepted")
	}
}
