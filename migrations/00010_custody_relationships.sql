-- +goose Up
-- A custody relationship: a custodian a team appointed from the shortlist of
-- an approved evaluation, with its owner and the cadence of its reviews.
-- evaluation_id is the approved evaluation the relationship rests on now
-- (the appointing one, later the last approved re-diligence); last_reviewed_on
-- is when that evaluation's decision was taken, and next_review_due follows
-- from it and the cadence unless the team set a date by hand.
CREATE TABLE custody_relationships (
    id               bigserial   PRIMARY KEY,
    team_id          bigint      NOT NULL REFERENCES teams (id),
    custodian_id     bigint      NOT NULL REFERENCES custodians (id),
    evaluation_id    bigint      NOT NULL REFERENCES evaluations (id),
    owner_id         bigint      NOT NULL REFERENCES users (id),
    appointed_on     date        NOT NULL,
    last_reviewed_on date        NOT NULL,
    review_months    integer     NOT NULL DEFAULT 12 CHECK (review_months BETWEEN 1 AND 60),
    next_review_due  date        NOT NULL,
    status           text        NOT NULL DEFAULT 'active' CHECK (status IN ('active', 'ended')),
    ended_on         date,
    end_reason       text        NOT NULL DEFAULT '',
    version          integer     NOT NULL DEFAULT 1,
    created_by       bigint      NOT NULL REFERENCES users (id),
    created_at       timestamptz NOT NULL,
    updated_at       timestamptz NOT NULL,
    CHECK ((status = 'ended') = (ended_on IS NOT NULL))
);
-- One active relationship per team and custodian; ended ones stay as history.
CREATE UNIQUE INDEX custody_relationships_active ON custody_relationships (team_id, custodian_id) WHERE status = 'active';
CREATE INDEX custody_relationships_team ON custody_relationships (team_id, id DESC);

-- Re-diligence: an evaluation of a relationship's one custodian, which
-- follows the approved evaluation the relationship rested on.
ALTER TABLE evaluations ADD COLUMN relationship_id bigint REFERENCES custody_relationships (id),
    ADD COLUMN follows_evaluation_id bigint REFERENCES evaluations (id);
-- One re-diligence in progress (not yet approved) per relationship.
CREATE UNIQUE INDEX evaluations_one_open_rediligence ON evaluations (relationship_id)
    WHERE relationship_id IS NOT NULL AND status <> 'approved';
-- An answer carried forward from the evaluation it follows stays marked
-- until an officer confirms it (answers it again).
ALTER TABLE answers ADD COLUMN carried_forward boolean NOT NULL DEFAULT false;
-- Evidence of the followed evaluation, linked rather than copied: the file
-- stays where it was uploaded, with its digest and its audit history.
CREATE TABLE evidence_links (
    evaluation_id bigint NOT NULL,
    custodian_id  bigint NOT NULL,
    evidence_id   bigint NOT NULL REFERENCES evidence (id),
    PRIMARY KEY (evaluation_id, evidence_id),
    FOREIGN KEY (evaluation_id, custodian_id) REFERENCES evaluation_candidates (evaluation_id, custodian_id) ON DELETE CASCADE
);

-- +goose Down
DROP TABLE evidence_links;
ALTER TABLE answers DROP COLUMN carried_forward;
DROP INDEX evaluations_one_open_rediligence;
ALTER TABLE evaluations DROP COLUMN follows_evaluation_id, DROP COLUMN relationship_id;
DROP TABLE custody_relationships;
