-- +goose Up
-- A sign-in through the organisation's OpenID Connect provider that has left
-- for the provider and not yet come back. It lives here, not in a replica's
-- memory, so that the callback may reach any replica, and so that taking it
-- (DELETE ... RETURNING) makes its state single-use across all of them.
-- Only hashes of the state and of the browser's binding cookie are kept.
CREATE TABLE oidc_pending_logins (
    state_hash    bytea PRIMARY KEY,
    browser_hash  bytea NOT NULL,
    nonce         text NOT NULL,
    code_verifier text NOT NULL,
    return_to     text NOT NULL,
    created_at    timestamptz NOT NULL,
    expires_at    timestamptz NOT NULL
);
CREATE INDEX oidc_pending_logins_expires_at ON oidc_pending_logins (expires_at);

-- +goose Down
DROP TABLE oidc_pending_logins;
