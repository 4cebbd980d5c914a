-- +goose Up
-- The approvals a round needs are fixed when it is submitted: changing the
-- team's setting afterwards must not change a round in flight (an admin
-- could otherwise lower it to let one manager approve alone). NULL while a
-- draft has never been submitted.
ALTER TABLE evaluations ADD COLUMN approvals_required integer CHECK (approvals_required BETWEEN 1 AND 10);

-- Rounds submitted or approved before this migration needed the team's
-- setting as it is now. The lock trigger refuses changes to approved
-- evaluations, so it is off for this one statement.
ALTER TABLE evaluations DISABLE TRIGGER evaluations_lock;
UPDATE evaluations e SET approvals_required = t.approvals_required
    FROM teams t WHERE t.id = e.team_id AND e.status <> 'draft';
ALTER TABLE evaluations ENABLE TRIGGER evaluations_lock;

-- What was submitted stays as it was, the approvals its round needs included.
-- +goose StatementBegin
CREATE OR REPLACE FUNCTION refuse_approved_change() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF OLD.status = 'approved' THEN
        RAISE EXCEPTION 'evaluation % is approved and locked', OLD.id USING ERRCODE = 'restrict_violation';
    END IF;
    -- A submitted evaluation only moves on (to approved, or back to draft);
    -- what was submitted stays as it was.
    IF TG_OP = 'UPDATE' AND OLD.status = 'submitted' AND (
        NEW.title IS DISTINCT FROM OLD.title OR NEW.mandate IS DISTINCT FROM OLD.mandate
        OR NEW.template_id IS DISTINCT FROM OLD.template_id OR NEW.due_date IS DISTINCT FROM OLD.due_date
        OR NEW.team_id IS DISTINCT FROM OLD.team_id OR NEW.round IS DISTINCT FROM OLD.round
        OR NEW.submitted_by IS DISTINCT FROM OLD.submitted_by OR NEW.snapshot_hash IS DISTINCT FROM OLD.snapshot_hash
        OR NEW.approvals_required IS DISTINCT FROM OLD.approvals_required) THEN
        RAISE EXCEPTION 'evaluation % is submitted: what was submitted cannot change', OLD.id
            USING ERRCODE = 'restrict_violation';
    END IF;
    IF TG_OP = 'DELETE' THEN
        RAISE EXCEPTION 'evaluations are never deleted' USING ERRCODE = 'restrict_violation';
    END IF;
    RETURN NEW;
END;
$$;
-- +goose StatementEnd

-- +goose Down
-- +goose StatementBegin
CREATE OR REPLACE FUNCTION refuse_approved_change() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF OLD.status = 'approved' THEN
        RAISE EXCEPTION 'evaluation % is approved and locked', OLD.id USING ERRCODE = 'restrict_violation';
    END IF;
    IF TG_OP = 'UPDATE' AND OLD.status = 'submitted' AND (
        NEW.title IS DISTINCT FROM OLD.title OR NEW.mandate IS DISTINCT FROM OLD.mandate
        OR NEW.template_id IS DISTINCT FROM OLD.template_id OR NEW.due_date IS DISTINCT FROM OLD.due_date
        OR NEW.team_id IS DISTINCT FROM OLD.team_id OR NEW.round IS DISTINCT FROM OLD.round
        OR NEW.submitted_by IS DISTINCT FROM OLD.submitted_by OR NEW.snapshot_hash IS DISTINCT FROM OLD.snapshot_hash) THEN
        RAISE EXCEPTION 'evaluation % is submitted: what was submitted cannot change', OLD.id
            USING ERRCODE = 'restrict_violation';
    END IF;
    IF TG_OP = 'DELETE' THEN
        RAISE EXCEPTION 'evaluations are never deleted' USING ERRCODE = 'restrict_violation';
    END IF;
    RETURN NEW;
END;
$$;
-- +goose StatementEnd
ALTER TABLE evaluations DROP COLUMN approvals_required;
