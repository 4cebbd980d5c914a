package postgres

import (
	"context"

	"github.com/custos-dd/custos/internal/custos"
)

// AppendAuditEvent appends one event as every write does (tx.audit), for
// the tests of the append itself.
func AppendAuditEvent(ctx context.Context, db *DB, ne custos.NewAuditEvent) error {
	return db.inTx(ctx, func(tx *Tx) error { return tx.audit(ctx, ne) })
}

// IsHot says whether a statement is prepared once per connection (hot.go).
func IsHot(query string) bool {
	for _, q := range hotQueries {
		if q == query {
			return true
		}
	}
	return false
}
