package postgres

import "testing"

func TestSnakeCaseMapsFieldNamesToColumns(t *testing.T) {
	for in, want := range map[string]string{
		"ID": "id", "UserID": "user_id", "CreatedAt": "created_at", "EvidenceRequired": "evidence_required",
		"HTTPStatus": "http_status", "Key": "key",
	} {
		if got := snakeCase(in); got != want {
			t.Errorf("snakeCase(%q) = %q, want %q", in, got, want)
		}
	}
}
