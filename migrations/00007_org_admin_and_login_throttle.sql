-- +goose Up
-- Organisation admins are named on the account; a team's "admin" membership
-- now administers only that team (its settings and memberships).
ALTER TABLE users ADD COLUMN org_admin boolean NOT NULL DEFAULT false;
-- Whoever administered the organisation before this change (an admin of any
-- team) keeps doing so, so that an upgraded installation is never left
-- without one; an organisation admin then narrows the others.
UPDATE users SET org_admin = true WHERE id IN (SELECT user_id FROM memberships WHERE role = 'admin');

-- Failed logins are now counted per key: 'account-address:<email> <ip>',
-- 'address:<ip>' and 'account:<email>' (the account-wide count only slows).
-- The old per-address rows counted something else: start afresh.
DELETE FROM login_failures;
ALTER TABLE login_failures RENAME COLUMN email TO key;
ALTER TABLE login_failures RENAME TO login_throttle;

-- +goose Down
DELETE FROM login_throttle;
ALTER TABLE login_throttle RENAME TO login_failures;
ALTER TABLE login_failures RENAME COLUMN key TO email;
ALTER TABLE users DROP COLUMN org_admin;
