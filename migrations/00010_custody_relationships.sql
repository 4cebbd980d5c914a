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

-- +goose Down
DROP TABLE custody_relationships;
