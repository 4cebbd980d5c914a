-- +goose Up
-- A red flag raised by mistake is withdrawn, with the reason in its
-- resolution: distinct from closing a real concern.
ALTER TABLE red_flags DROP CONSTRAINT red_flags_status_check;
ALTER TABLE red_flags ADD CONSTRAINT red_flags_status_check
    CHECK (status IN ('open', 'mitigated', 'accepted', 'closed', 'withdrawn'));
ALTER TABLE red_flags ADD CONSTRAINT red_flags_withdrawn_reason_check
    CHECK (status <> 'withdrawn' OR resolution <> '');

-- +goose Down
ALTER TABLE red_flags DROP CONSTRAINT red_flags_withdrawn_reason_check;
ALTER TABLE red_flags DROP CONSTRAINT red_flags_status_check;
ALTER TABLE red_flags ADD CONSTRAINT red_flags_status_check
    CHECK (status IN ('open', 'mitigated', 'accepted', 'closed'));
