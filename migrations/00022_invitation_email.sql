-- +goose Up
-- A respondent invitation is e-mailed through the notification outbox, in
-- the transaction that creates it. Its recipient has no account: the row
-- names an address instead of a user, never shows in anyone's in-app list,
-- and its link (which holds the invitation's token) is wiped as soon as the
-- e-mail is sent, given up or turned off, so the token is kept no longer
-- than its delivery needs.
ALTER TABLE notifications ALTER COLUMN user_id DROP NOT NULL;
ALTER TABLE notifications ADD COLUMN to_email text, ADD COLUMN to_name text;
ALTER TABLE notifications ADD CONSTRAINT notifications_one_recipient
    CHECK ((user_id IS NULL) <> (to_email IS NULL));

-- +goose Down
DELETE FROM notifications WHERE user_id IS NULL;
ALTER TABLE notifications DROP CONSTRAINT notifications_one_recipient;
ALTER TABLE notifications DROP COLUMN to_email, DROP COLUMN to_name;
ALTER TABLE notifications ALTER COLUMN user_id SET NOT NULL;
