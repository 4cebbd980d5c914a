-- +goose Up
-- Checkpoints name the checkpoint before them (its sequence number and the
-- SHA-256 of its signed statement), so that one removed from the middle of
-- an exported bundle is detected. Checkpoints signed before this have 0 and
-- an empty digest here, and their statements (format /1) do not name one.
ALTER TABLE audit_checkpoints
    ADD COLUMN prev_seq bigint NOT NULL DEFAULT 0,
    ADD COLUMN prev_statement_sha256 bytea NOT NULL DEFAULT ''::bytea;

-- Past an account's failure ceiling, sign-in attempts on it are handed out
-- one slot each, next_slot apart by the account's delay, whichever server
-- takes them: parallel guessers queue instead of each sleeping alone.
ALTER TABLE login_throttle ADD COLUMN next_slot timestamptz;

-- +goose Down
ALTER TABLE login_throttle DROP COLUMN next_slot;
ALTER TABLE audit_checkpoints DROP COLUMN prev_seq, DROP COLUMN prev_statement_sha256;
