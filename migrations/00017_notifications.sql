-- +goose Up
-- Notifications: an outbox written in the same transaction as the event that
-- causes it, one row per recipient. The row is the in-app notification (the
-- user sees it as soon as the transaction commits; read_at marks it read);
-- the e-mail columns are the delivery worker's state for the same message.
--
-- kind names what happened (evaluation.submitted, relationship.review_due,
-- and later document.expiring / document.expired); object_type/object_id
-- name what it is about, payload carries the kind's own facts, and subject,
-- body and link are the text as it was when the event happened.
CREATE TABLE notifications (
    id              bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    user_id         bigint      NOT NULL REFERENCES users (id),
    team_id         bigint      REFERENCES teams (id),
    kind            text        NOT NULL CHECK (kind <> ''),
    object_type     text        NOT NULL,
    object_id       text        NOT NULL,
    payload         jsonb       NOT NULL DEFAULT '{}' CHECK (jsonb_typeof(payload) = 'object'),
    subject         text        NOT NULL,
    body            text        NOT NULL,
    link            text        NOT NULL,
    -- Scheduled notifications (review reminders) carry a key that names the
    -- occasion (relationship, threshold, due date): a second scan, or a
    -- second server scanning at the same moment, inserts nothing more.
    dedupe_key      text,
    created_at      timestamptz NOT NULL,
    read_at         timestamptz,
    -- pending: to send; sending: claimed by a worker until lease_until;
    -- sent; failed: gave up after the last attempt; off: not sent by e-mail
    -- (no SMTP configured, or the account is disabled).
    email_state     text        NOT NULL DEFAULT 'pending'
                    CHECK (email_state IN ('pending', 'sending', 'sent', 'failed', 'off')),
    attempts        integer     NOT NULL DEFAULT 0,
    next_attempt_at timestamptz NOT NULL,
    lease_until     timestamptz,
    last_error      text        NOT NULL DEFAULT '',
    sent_at         timestamptz
);
CREATE UNIQUE INDEX notifications_once ON notifications (user_id, dedupe_key) WHERE dedupe_key IS NOT NULL;
-- A user's list, newest first, and its unread count.
CREATE INDEX notifications_user ON notifications (user_id, id DESC);
CREATE INDEX notifications_unread ON notifications (user_id) WHERE read_at IS NULL;
-- The worker's queue: only what is still to be sent.
CREATE INDEX notifications_outbox ON notifications (next_attempt_at) WHERE email_state IN ('pending', 'sending');

-- +goose Down
DROP TABLE notifications;
