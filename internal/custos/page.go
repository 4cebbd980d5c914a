package custos

import "math"

// Page is one page of a newest-first list (evaluations, memos, audit
// events). NextBefore is the cursor of the next, older page; nil on the last.
type Page[T any] struct {
	Items      []T    `json:"items"`
	NextBefore *int64 `json:"next_before"`
}

// PageBounds are the page sizes a list allows.
type PageBounds struct {
	Default, Max int
}

// ListPage bounds the lists of evaluations and memos and the catalogue's
// pages: 1 to 100, 25 by default.
var ListPage = PageBounds{Default: 25, Max: 100}

// AuditPageBounds bounds the audit trail, whose screens read longer pages: 1 to
// 200, 50 by default (as the API has always documented).
var AuditPageBounds = PageBounds{Default: 50, Max: 200}

// Limit checks a requested page size: 0 means the default, and anything
// else must be between 1 and the maximum. Every list checks its limit here,
// the catalogue's name-ordered pages too.
func (b PageBounds) Limit(n int) (int, error) {
	if n < 0 || n > b.Max {
		return 0, Invalid("limit", "must be between 1 and "+itoa64(int64(b.Max)))
	}
	if n == 0 {
		return b.Default, nil
	}
	return n, nil
}

// PageQuery is what a client asks of a newest-first list: at most Limit
// items (0 for the default) whose key is below Before (0 for the newest).
type PageQuery struct {
	Before int64
	Limit  int
}

// Check is the one validation of a page query: a limit out of bounds or a
// negative cursor is refused naming the field. It returns the query with
// the default limit filled in and Before set to the largest key when the
// client asked for the newest page, so a store can always filter key < Before.
func (q PageQuery) Check(b PageBounds) (PageQuery, error) {
	var p Problems
	limit, err := b.Limit(q.Limit)
	if err != nil {
		p = append(p, AsError(err).Fields...)
	}
	if q.Before < 0 {
		p.Add("before", "must be a positive cursor from next_before")
	}
	if err := p.Err(); err != nil {
		return q, err
	}
	q.Limit = limit
	if q.Before == 0 {
		q.Before = math.MaxInt64
	}
	return q, nil
}

// PageOf makes the page of a query from rows read newest first with one row
// more than the limit: that extra row only says there is a next page.
func PageOf[T any](rows []T, q PageQuery, key func(T) int64) Page[T] {
	page := Page[T]{Items: rows}
	if len(rows) > q.Limit {
		page.Items = rows[:q.Limit]
		next := key(page.Items[q.Limit-1])
		page.NextBefore = &next
	}
	if page.Items == nil {
		page.Items = []T{}
	}
	return page
}
