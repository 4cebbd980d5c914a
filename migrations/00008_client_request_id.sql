-- +goose Up
-- A client's own X-Request-ID, recorded beside the server's request ID
-- (which stays the event's request_id, unique per request). Events before
-- this column have '' here, which the hash leaves out, so their hashes hold.
ALTER TABLE audit_events ADD COLUMN client_request_id text NOT NULL DEFAULT '';

-- +goose Down
ALTER TABLE audit_events DROP COLUMN client_request_id;
