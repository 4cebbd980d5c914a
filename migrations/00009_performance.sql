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

-- +goose Down
DROP TRIGGER evaluations_team_fixed ON evaluations;
ALTER TABLE audit_head DROP COLUMN prev_hash;
