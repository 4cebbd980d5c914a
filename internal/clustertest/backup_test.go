package clustertest

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"fmt"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"sync/atomic"
	"testing"

	"github.com/jmoiron/sqlx"
)

// The backup and restore drill of the README: pg_dump of the running
// cluster while an officer keeps writing, pg_restore into an empty database,
// then the audit chain and every memo verify against the restored copy.
func TestBackupAndRestoreDrill(t *testing.T) {
	c := NewCluster(t)
	j := newJourney(t, c.LB)
	j.run()
	j.manager.must(http.StatusCreated, http.MethodPost, fmt.Sprintf("/api/v1/evaluations/%d/memos", j.evalID), nil)

	// A running system: an officer edits the demo draft through the
	// balancer for as long as the dump takes.
	var draftID int64
	if err := c.DB.Get(&draftID, `SELECT id FROM evaluations WHERE status = 'draft' ORDER BY id LIMIT 1`); err != nil {
		t.Fatal(err)
	}
	var itemID int64
	if err := c.DB.Get(&itemID, `SELECT i.id FROM template_items i JOIN evaluations e ON e.template_id = i.template_id
		WHERE e.id = $1 ORDER BY i.id LIMIT 1`, draftID); err != nil {
		t.Fatal(err)
	}
	var candidate int64
	if err := c.DB.Get(&candidate, `SELECT custodian_id FROM evaluation_candidates WHERE evaluation_id = $1 ORDER BY custodian_id LIMIT 1`, draftID); err != nil {
		t.Fatal(err)
	}
	var stop atomic.Bool
	writes := make(chan int)
	go func() {
		n := 0
		for !stop.Load() {
			a := j.officer.do(http.MethodPut, fmt.Sprintf("/api/v1/evaluations/%d/custodians/%d/answers/%d", draftID, candidate, itemID),
				map[string]string{"status": "met", "note": "Edit " + strconv.Itoa(n) + " while the backup runs."})
			if a.Status != http.StatusOK {
				t.Errorf("answer while the backup runs: %d %s", a.Status, truncate(a.Body))
				break
			}
			n++
		}
		writes <- n
	}()

	dump := filepath.Join(t.TempDir(), "custos.dump")
	out, err := exec.Command("pg_dump", "--format=custom", "--no-owner", "--no-privileges", "--file", dump, c.AdminURL).CombinedOutput()
	stop.Store(true)
	written := <-writes
	if err != nil {
		t.Fatalf("pg_dump: %v\n%s", err, out)
	}
	t.Logf("pg_dump of the running cluster while %d answers were written", written)

	// Restore into an empty database.
	b := make([]byte, 6)
	rand.Read(b)
	name := "custos_restore_" + hex.EncodeToString(b)
	admin, err := sqlx.Open("postgres", os.Getenv("DATABASE_URL"))
	if err != nil {
		t.Fatal(err)
	}
	defer admin.Close()
	if _, err := admin.Exec(`CREATE DATABASE ` + name); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { admin.ExecContext(context.Background(), `DROP DATABASE IF EXISTS `+name+` WITH (FORCE)`) })
	restored := superuserURL(t, name)
	if out, err := exec.Command("pg_restore", "--no-owner", "--no-privileges", "--exit-on-error", "--dbname", restored, dump).CombinedOutput(); err != nil {
		t.Fatalf("pg_restore: %v\n%s", err, out)
	}

	// The restored database is complete and current: nothing to migrate,
	// the chain verifies, and it holds every memo.
	if out, err := c.CLIOn(restored, "migrate"); err != nil || !strings.Contains(out, "up to date") {
		t.Fatalf("custos migrate on the restored database: %v\n%s", err, out)
	}
	t.Log("restored: " + auditVerifies(t, c, restored))
	var memos []struct {
		ID  int64  `db:"id"`
		PDF []byte `db:"pdf"`
	}
	rdb, err := sqlx.Open("postgres", restored)
	if err != nil {
		t.Fatal(err)
	}
	defer rdb.Close()
	if err := rdb.Select(&memos, `SELECT id, pdf FROM memos ORDER BY id`); err != nil {
		t.Fatal(err)
	}
	var live int
	if err := c.DB.Get(&live, `SELECT count(*) FROM memos`); err != nil {
		t.Fatal(err)
	}
	if len(memos) != live || live < 2 {
		t.Fatalf("the restored database has %d memos, the running one %d; want the same, at least 2", len(memos), live)
	}
	dir := t.TempDir()
	for _, m := range memos {
		file := filepath.Join(dir, fmt.Sprintf("memo-%d.pdf", m.ID))
		if err := os.WriteFile(file, m.PDF, 0o600); err != nil {
			t.Fatal(err)
		}
		out, err := c.CLIOn(restored, "memo", "verify", file)
		if err != nil || !strings.Contains(out, "GENUINE: an unaltered memo issued by Custos") {
			t.Errorf("custos memo verify memo %d against the restored database: %v\n%s", m.ID, err, out)
		}
	}
	t.Logf("%d memos verify against the restored database", len(memos))

	// A changed byte is still caught against the restored registry.
	bad := append([]byte(nil), memos[0].PDF...)
	bad[len(bad)/2] ^= 0xff
	file := filepath.Join(dir, "changed.pdf")
	if err := os.WriteFile(file, bad, 0o600); err != nil {
		t.Fatal(err)
	}
	if out, err := c.CLIOn(restored, "memo", "verify", file); err == nil || !strings.Contains(out, "NOT GENUINE") {
		t.Errorf("a changed memo verified against the restored database: %v\n%s", err, out)
	}
}
