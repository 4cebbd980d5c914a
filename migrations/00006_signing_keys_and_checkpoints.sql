-- +goose Up
-- Every certificate that has signed memos, with when it was the one in use
-- (key rotation): memos by an earlier key still verify, and a verdict can
-- say whether the key was the current one when it signed.
CREATE TABLE signing_certificates (
    fingerprint  text        PRIMARY KEY CHECK (fingerprint ~ '^[0-9a-f]{64}$'),
    subject      text        NOT NULL,
    der          bytea       NOT NULL,
    not_before   timestamptz NOT NULL,
    not_after    timestamptz NOT NULL,
    in_use_from  timestamptz NOT NULL,
    in_use_until timestamptz CHECK (in_use_until IS NULL OR in_use_until >= in_use_from)
);
-- One certificate is current at a time.
CREATE UNIQUE INDEX signing_certificates_one_current ON signing_certificates ((true)) WHERE in_use_until IS NULL;
CREATE TRIGGER signing_certificates_no_delete BEFORE DELETE ON signing_certificates
    FOR EACH ROW EXECUTE FUNCTION refuse_change('certificates that signed are kept');

-- Signed audit checkpoints: the organisation key's signature over the audit
-- chain's head. A history rewritten after a checkpoint, even with every hash
-- recomputed, no longer has the hash the checkpoint signed.
CREATE TABLE audit_checkpoints (
    seq                bigint      PRIMARY KEY,
    hash               bytea       NOT NULL CHECK (length(hash) = 32),
    signed_at          timestamptz NOT NULL,
    reason             text        NOT NULL CHECK (reason IN ('memo', 'schedule')),
    signer_fingerprint text        NOT NULL REFERENCES signing_certificates (fingerprint),
    statement          bytea       NOT NULL,
    signature          bytea       NOT NULL
);
CREATE TRIGGER audit_checkpoints_append_only BEFORE UPDATE OR DELETE ON audit_checkpoints
    FOR EACH ROW EXECUTE FUNCTION refuse_change('audit checkpoints are append-only');
CREATE TRIGGER audit_checkpoints_no_truncate BEFORE TRUNCATE ON audit_checkpoints
    FOR EACH STATEMENT EXECUTE FUNCTION refuse_change('audit checkpoints are append-only');

-- +goose Down
DROP TABLE audit_checkpoints, signing_certificates;
