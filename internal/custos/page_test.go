package custos

import (
	"math"
	"testing"

	"github.com/google/go-cmp/cmp"
)

func TestPageQueryCheckFillsDefaultsAndRefusesOutOfBounds(t *testing.T) {
	bounds := PageBounds{Default: 25, Max: 100}
	for _, tc := range []struct {
		name  string
		in    PageQuery
		want  PageQuery
		field []FieldError
	}{
		{"absent limit and cursor mean the newest 25", PageQuery{}, PageQuery{Before: math.MaxInt64, Limit: 25}, nil},
		{"a limit of 1 and a cursor are kept", PageQuery{Before: 7, Limit: 1}, PageQuery{Before: 7, Limit: 1}, nil},
		{"the maximum is allowed", PageQuery{Limit: 100}, PageQuery{Before: math.MaxInt64, Limit: 100}, nil},
		{"above the maximum is refused", PageQuery{Limit: 101}, PageQuery{}, []FieldError{{"limit", "must be between 1 and 100"}}},
		{"a negative limit and cursor are refused together", PageQuery{Before: -1, Limit: -1}, PageQuery{},
			[]FieldError{{"limit", "must be between 1 and 100"}, {"before", "must be a positive cursor from next_before"}}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			got, err := tc.in.Check(bounds)
			if tc.field != nil {
				if diff := cmp.Diff(tc.field, AsError(err).Fields); diff != "" {
					t.Fatalf("field errors (-want +got):\n%s", diff)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if diff := cmp.Diff(tc.want, got); diff != "" {
				t.Errorf("checked query (-want +got):\n%s", diff)
			}
		})
	}
}

func TestPageOfCutsTheExtraRowIntoTheNextCursor(t *testing.T) {
	key := func(n int64) int64 { return n }
	next := func(n int64) *int64 { return &n }
	q := PageQuery{Limit: 2}
	for _, tc := range []struct {
		name string
		rows []int64
		want Page[int64]
	}{
		{"no rows is an empty last page", nil, Page[int64]{Items: []int64{}}},
		{"as many rows as the limit is the last page", []int64{9, 8}, Page[int64]{Items: []int64{9, 8}}},
		{"one row more names the last kept row as the cursor", []int64{9, 8, 7}, Page[int64]{Items: []int64{9, 8}, NextBefore: next(8)}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if diff := cmp.Diff(tc.want, PageOf(tc.rows, q, key)); diff != "" {
				t.Errorf("page (-want +got):\n%s", diff)
			}
		})
	}
}
