-- +goose Up
-- The audit head keeps the hash it replaced, so that one statement can lock
-- it, hash the new event in the database and append the event with its
-- previous hash (RETURNING sees only the new row).
ALTER TABLE audit_head ADD COLUMN prev_hash bytea;

-- An evaluation's team decides who may see and change it; it never changes,
-- which lets a server remember it (EvaluationService.EvaluationTeam).
CREATE TRIGGER evaluations_team_fixed BEFORE UPDATE OF team_id ON evaluations
    FOR EACH ROW WHEN (OLD.team_id IS DISTINCT FROM NEW.team_id)
    EXECUTE FUNCTION refuse_change('an evaluation never changes team');

-- Catalogue search is a substring match (LIKE '%term%') on the name, the
-- legal entity and the notes: trigrams let an index answer it instead of
-- reading every custodian. pg_trgm ships with PostgreSQL (Debian's server
-- package included) and is a trusted extension: a database owner may create it.
CREATE EXTENSION IF NOT EXISTS pg_trgm;
CREATE INDEX custodians_search_trgm ON custodians USING gin
    (lower(name) gin_trgm_ops, lower(legal_entity) gin_trgm_ops, lower(notes) gin_trgm_ops);

-- A memo names the audit event of its evaluation's last approval: found by
-- object and action, not by reading the trail backwards.
CREATE INDEX audit_events_object_idx ON audit_events (object_type, object_id, action, seq);

-- How far the audit chain is known good: verification goes on from here
-- (custos audit verify --full walks it from the start).
CREATE TABLE audit_verified (
    id          integer     PRIMARY KEY CHECK (id = 1),
    seq         bigint      NOT NULL,
    hash        bytea       NOT NULL,
    verified_at timestamptz NOT NULL
);

-- +goose Down
DROP TABLE audit_verified;
DROP INDEX audit_events_object_idx;
DROP INDEX custodians_search_trgm;
DROP TRIGGER evaluations_team_fixed ON evaluations;
ALTER TABLE audit_head DROP COLUMN prev_hash;
