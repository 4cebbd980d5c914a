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
