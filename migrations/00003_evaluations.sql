-- +goose Up
-- Evaluations: a team's due diligence of several custodians against one
-- template version, from draft through submission to approval.

CREATE TABLE evaluations (
    id                bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    team_id           bigint      NOT NULL REFERENCES teams (id),
    title             text        NOT NULL CHECK (title <> ''),
    template_id       bigint      NOT NULL REFERENCES templates (id),
    -- {"regions": [...], "qualified_custodian_required": bool, "assets": [...],
    --  "staking_required": bool, "expected_assets_under_custody_usd": int}
    mandate           jsonb       NOT NULL CHECK (jsonb_typeof(mandate) = 'object'),
    owner_id          bigint      NOT NULL REFERENCES users (id),
    due_date          date,
    status            text        NOT NULL DEFAULT 'draft' CHECK (status IN ('draft', 'submitted', 'approved')),
    -- Bumped by every change to the evaluation or its parts: the workspace ETag.
    version           integer     NOT NULL DEFAULT 1,
    -- Each submission opens a round; approvals belong to a round, and a
    -- return voids the round's approvals.
    round             integer     NOT NULL DEFAULT 0,
    submitted_by      bigint      REFERENCES users (id),
    submitted_at      timestamptz,
    snapshot_hash     bytea,
    approved_at       timestamptz,
    created_at        timestamptz NOT NULL,
    updated_at        timestamptz NOT NULL
);
CREATE INDEX evaluations_team_idx ON evaluations (team_id, id);

CREATE TABLE evaluation_candidates (
    evaluation_id bigint      NOT NULL REFERENCES evaluations (id),
    custodian_id  bigint      NOT NULL REFERENCES custodians (id),
    added_at      timestamptz NOT NULL,
    -- The candidate's catalogue facts as submitted: a submitted or approved
    -- evaluation shows these, whatever the catalogue says later.
    frozen        jsonb,
    PRIMARY KEY (evaluation_id, custodian_id)
);

CREATE TABLE answers (
    evaluation_id bigint      NOT NULL,
    custodian_id  bigint      NOT NULL,
    item_id       bigint      NOT NULL REFERENCES template_items (id),
    status        text        NOT NULL CHECK (status IN ('pending', 'met', 'partly_met', 'not_met', 'not_applicable')),
    note          text        NOT NULL DEFAULT '',
    version       integer     NOT NULL DEFAULT 1,
    updated_by    bigint      NOT NULL REFERENCES users (id),
    updated_at    timestamptz NOT NULL,
    PRIMARY KEY (evaluation_id, custodian_id, item_id),
    FOREIGN KEY (evaluation_id, custodian_id) REFERENCES evaluation_candidates (evaluation_id, custodian_id) ON DELETE CASCADE
);

-- Evidence files live in the database with their digest; the workspace
-- lists them without reading their bytes.
CREATE TABLE evidence (
    id            bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    evaluation_id bigint      NOT NULL,
    custodian_id  bigint      NOT NULL,
    item_id       bigint      NOT NULL REFERENCES template_items (id),
    label         text        NOT NULL,
    content_type  text        NOT NULL,
    size          bigint      NOT NULL CHECK (size > 0),
    sha256        bytea       NOT NULL CHECK (length(sha256) = 32),
    content       bytea       NOT NULL,
    uploaded_by   bigint      NOT NULL REFERENCES users (id),
    uploaded_at   timestamptz NOT NULL,
    FOREIGN KEY (evaluation_id, custodian_id) REFERENCES evaluation_candidates (evaluation_id, custodian_id) ON DELETE CASCADE
);
CREATE INDEX evidence_evaluation_idx ON evidence (evaluation_id);

CREATE TABLE scores (
    evaluation_id bigint      NOT NULL,
    custodian_id  bigint      NOT NULL,
    criterion     text        NOT NULL,
    score         integer     NOT NULL CHECK (score BETWEEN 0 AND 5),
    rationale     text        NOT NULL,
    updated_by    bigint      NOT NULL REFERENCES users (id),
    updated_at    timestamptz NOT NULL,
    PRIMARY KEY (evaluation_id, custodian_id, criterion),
    FOREIGN KEY (evaluation_id, custodian_id) REFERENCES evaluation_candidates (evaluation_id, custodian_id) ON DELETE CASCADE
);

CREATE TABLE red_flags (
    id            bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    evaluation_id bigint      NOT NULL,
    custodian_id  bigint      NOT NULL,
    definition_id bigint      REFERENCES template_red_flags (id),
    title         text        NOT NULL,
    description   text        NOT NULL DEFAULT '',
    severity      text        NOT NULL CHECK (severity IN ('low', 'medium', 'high', 'critical')),
    status        text        NOT NULL DEFAULT 'open' CHECK (status IN ('open', 'mitigated', 'accepted', 'closed')),
    -- Why an accepted flag is acceptable, or how it was mitigated or closed.
    resolution    text        NOT NULL DEFAULT '',
    -- Raised by mandate fit: which rule, and why.
    mandate_rule  text,
    reason        text        NOT NULL DEFAULT '',
    raised_by     bigint      REFERENCES users (id),
    created_at    timestamptz NOT NULL,
    updated_at    timestamptz NOT NULL,
    CHECK (status <> 'accepted' OR resolution <> ''),
    FOREIGN KEY (evaluation_id, custodian_id) REFERENCES evaluation_candidates (evaluation_id, custodian_id) ON DELETE CASCADE
);
CREATE INDEX red_flags_evaluation_idx ON red_flags (evaluation_id);
-- Mandate fit raises each rule's flag at most once per candidate and place.
CREATE UNIQUE INDEX red_flags_mandate_key ON red_flags (evaluation_id, custodian_id, mandate_rule, reason)
    WHERE mandate_rule IS NOT NULL;

CREATE TABLE shortlist_entries (
    evaluation_id bigint  NOT NULL,
    custodian_id  bigint  NOT NULL,
    rank          integer NOT NULL CHECK (rank > 0),
    rationale     text    NOT NULL CHECK (rationale <> ''),
    PRIMARY KEY (evaluation_id, custodian_id),
    UNIQUE (evaluation_id, rank),
    FOREIGN KEY (evaluation_id, custodian_id) REFERENCES evaluation_candidates (evaluation_id, custodian_id) ON DELETE CASCADE
);

CREATE TABLE approvals (
    id            bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    evaluation_id bigint      NOT NULL REFERENCES evaluations (id),
    round         integer     NOT NULL,
    manager_id    bigint      NOT NULL REFERENCES users (id),
    -- The name as it was when the manager decided.
    manager_name  text        NOT NULL,
    decision      text        NOT NULL CHECK (decision IN ('approve', 'return')),
    comment       text        NOT NULL DEFAULT '',
    snapshot_hash bytea       NOT NULL,
    created_at    timestamptz NOT NULL,
    CHECK (decision <> 'return' OR comment <> ''),
    -- One person counts once per round.
    UNIQUE (evaluation_id, round, manager_id)
);

-- The database holds the lock too: once an evaluation leaves draft, its parts
-- cannot change, and an approved evaluation cannot change at all.
-- +goose StatementBegin
CREATE FUNCTION refuse_unless_draft() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
    eval_id bigint;
    st text;
BEGIN
    IF TG_OP = 'DELETE' THEN
        eval_id := OLD.evaluation_id;
    ELSE
        eval_id := NEW.evaluation_id;
    END IF;
    -- FOR SHARE: a submission or approval that has not committed yet makes
    -- this write wait for it, then see its status.
    SELECT status INTO st FROM evaluations WHERE id = eval_id FOR SHARE;
    IF st IS DISTINCT FROM 'draft' THEN
        RAISE EXCEPTION 'evaluation % is %: its % cannot change', eval_id, st, TG_TABLE_NAME
            USING ERRCODE = 'restrict_violation';
    END IF;
    IF TG_OP = 'DELETE' THEN
        RETURN OLD;
    END IF;
    RETURN NEW;
END;
$$;

CREATE FUNCTION refuse_approved_change() RETURNS trigger LANGUAGE plpgsql AS $$
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

CREATE FUNCTION refuse_late_approval() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
    st text;
BEGIN
    IF TG_OP <> 'INSERT' THEN
        RAISE EXCEPTION 'approvals are never changed' USING ERRCODE = 'restrict_violation';
    END IF;
    SELECT status INTO st FROM evaluations WHERE id = NEW.evaluation_id;
    IF st IS DISTINCT FROM 'submitted' THEN
        RAISE EXCEPTION 'evaluation % is %: it takes no decisions', NEW.evaluation_id, st
            USING ERRCODE = 'restrict_violation';
    END IF;
    RETURN NEW;
END;
$$;
-- +goose StatementEnd

CREATE TRIGGER evaluations_lock BEFORE UPDATE OR DELETE ON evaluations
    FOR EACH ROW EXECUTE FUNCTION refuse_approved_change();
CREATE TRIGGER approvals_lock BEFORE INSERT OR UPDATE OR DELETE ON approvals
    FOR EACH ROW EXECUTE FUNCTION refuse_late_approval();
CREATE TRIGGER evaluation_candidates_lock BEFORE INSERT OR UPDATE OR DELETE ON evaluation_candidates
    FOR EACH ROW EXECUTE FUNCTION refuse_unless_draft();
CREATE TRIGGER answers_lock BEFORE INSERT OR UPDATE OR DELETE ON answers
    FOR EACH ROW EXECUTE FUNCTION refuse_unless_draft();
CREATE TRIGGER evidence_lock BEFORE INSERT OR UPDATE OR DELETE ON evidence
    FOR EACH ROW EXECUTE FUNCTION refuse_unless_draft();
CREATE TRIGGER scores_lock BEFORE INSERT OR UPDATE OR DELETE ON scores
    FOR EACH ROW EXECUTE FUNCTION refuse_unless_draft();
CREATE TRIGGER red_flags_lock BEFORE INSERT OR UPDATE OR DELETE ON red_flags
    FOR EACH ROW EXECUTE FUNCTION refuse_unless_draft();
CREATE TRIGGER shortlist_entries_lock BEFORE INSERT OR UPDATE OR DELETE ON shortlist_entries
    FOR EACH ROW EXECUTE FUNCTION refuse_unless_draft();

-- +goose Down
DROP TABLE approvals, shortlist_entries, red_flags, scores, evidence, answers, evaluation_candidates, evaluations;
DROP FUNCTION refuse_late_approval(), refuse_approved_change(), refuse_unless_draft();
