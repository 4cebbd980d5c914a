-- +goose Up
-- A custodian answers the questionnaire itself. An officer invites a contact
-- at one candidate of a draft evaluation; the link carries a 256-bit token of
-- which only the SHA-256 is kept (token_hash), so a copy of the database
-- opens no questionnaire. section_keys is empty for "every section".
CREATE TABLE respondent_invitations (
    id            bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    evaluation_id bigint      NOT NULL,
    custodian_id  bigint      NOT NULL,
    name          text        NOT NULL,
    email         text        NOT NULL,
    section_keys  text[]      NOT NULL DEFAULT '{}',
    token_hash    bytea       NOT NULL UNIQUE CHECK (length(token_hash) = 32),
    created_by    bigint      NOT NULL REFERENCES users (id),
    created_at    timestamptz NOT NULL,
    expires_at    timestamptz NOT NULL,
    opened_at     timestamptz,
    submitted_at  timestamptz,
    revoked_at    timestamptz,
    revoked_by    bigint REFERENCES users (id),
    CHECK (expires_at > created_at),
    FOREIGN KEY (evaluation_id, custodian_id) REFERENCES evaluation_candidates (evaluation_id, custodian_id) ON DELETE CASCADE
);
CREATE INDEX respondent_invitations_evaluation ON respondent_invitations (evaluation_id, id);

-- One item of a respondent's answers. state: draft (the respondent is
-- writing), submitted (waiting for review), clarify (the officer asked a
-- question in clarification; the respondent may answer again), accepted (it
-- became the team's answer).
CREATE TABLE respondent_responses (
    invitation_id  bigint      NOT NULL REFERENCES respondent_invitations (id) ON DELETE CASCADE,
    evaluation_id  bigint      NOT NULL REFERENCES evaluations (id),
    item_id        bigint      NOT NULL REFERENCES template_items (id),
    status         text        NOT NULL CHECK (status IN ('pending', 'met', 'partly_met', 'not_met', 'not_applicable')),
    note           text        NOT NULL DEFAULT '',
    state          text        NOT NULL DEFAULT 'draft' CHECK (state IN ('draft', 'submitted', 'clarify', 'accepted')),
    clarification  text        NOT NULL DEFAULT '',
    updated_at     timestamptz NOT NULL,
    submitted_at   timestamptz,
    reviewed_by    bigint REFERENCES users (id),
    reviewed_at    timestamptz,
    PRIMARY KEY (invitation_id, item_id)
);

-- Documents a respondent uploaded; evidence_id is set when the officer's
-- acceptance made one into evidence.
CREATE TABLE respondent_documents (
    id            bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    invitation_id bigint      NOT NULL REFERENCES respondent_invitations (id) ON DELETE CASCADE,
    evaluation_id bigint      NOT NULL REFERENCES evaluations (id),
    item_id       bigint      NOT NULL REFERENCES template_items (id),
    label         text        NOT NULL,
    content_type  text        NOT NULL,
    size          bigint      NOT NULL CHECK (size > 0),
    sha256        bytea       NOT NULL CHECK (length(sha256) = 32),
    content       bytea       NOT NULL,
    uploaded_at   timestamptz NOT NULL,
    evidence_id   bigint REFERENCES evidence (id)
);
CREATE INDEX respondent_documents_invitation ON respondent_documents (invitation_id, item_id);

-- The responses are part of the draft: the database refuses them once the
-- evaluation leaves draft, like answers and evidence.
CREATE TRIGGER respondent_responses_lock BEFORE INSERT OR UPDATE OR DELETE ON respondent_responses
    FOR EACH ROW EXECUTE FUNCTION refuse_unless_draft();
CREATE TRIGGER respondent_documents_lock BEFORE INSERT OR UPDATE OR DELETE ON respondent_documents
    FOR EACH ROW EXECUTE FUNCTION refuse_unless_draft();

-- An answer accepted from a custodian's response names the invitation and
-- when the custodian submitted it; an officer's own later answer clears both.
ALTER TABLE answers ADD COLUMN from_invitation_id bigint REFERENCES respondent_invitations (id),
    ADD COLUMN responded_at timestamptz,
    ADD CHECK ((from_invitation_id IS NULL) = (responded_at IS NULL));

-- +goose Down
ALTER TABLE answers DROP COLUMN responded_at, DROP COLUMN from_invitation_id;
DROP TABLE respondent_documents;
DROP TABLE respondent_responses;
DROP TABLE respondent_invitations;
