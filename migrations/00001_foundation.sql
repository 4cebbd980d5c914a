-- +goose Up
-- Accounts, teams, sessions, the custodian catalogue, templates and the audit
-- trail: everything the evaluation workflow builds on.

CREATE TABLE users (
    id            bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    email         text        NOT NULL CHECK (email = lower(email) AND email <> ''),
    name          text        NOT NULL,
    password_hash text        NOT NULL,
    disabled      boolean     NOT NULL DEFAULT false,
    created_at    timestamptz NOT NULL,
    updated_at    timestamptz NOT NULL
);
CREATE UNIQUE INDEX users_email_key ON users (email);

CREATE TABLE teams (
    id                 bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    name               text        NOT NULL CHECK (name <> ''),
    -- How many managers (never the submitter) must approve a shortlist.
    approvals_required integer     NOT NULL DEFAULT 1 CHECK (approvals_required BETWEEN 1 AND 10),
    created_at         timestamptz NOT NULL,
    updated_at         timestamptz NOT NULL
);
CREATE UNIQUE INDEX teams_name_key ON teams (lower(name));

CREATE TABLE memberships (
    team_id    bigint      NOT NULL REFERENCES teams (id),
    user_id    bigint      NOT NULL REFERENCES users (id),
    role       text        NOT NULL CHECK (role IN ('officer', 'manager', 'auditor', 'admin')),
    created_at timestamptz NOT NULL,
    PRIMARY KEY (team_id, user_id, role)
);
CREATE INDEX memberships_user_idx ON memberships (user_id);

-- Sessions and API tokens keep only the SHA-256 of the secret the client holds.
CREATE TABLE sessions (
    id           bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    token_hash   bytea       NOT NULL UNIQUE,
    user_id      bigint      NOT NULL REFERENCES users (id),
    created_at   timestamptz NOT NULL,
    last_seen_at timestamptz NOT NULL,
    expires_at   timestamptz NOT NULL,
    ended_at     timestamptz
);
CREATE INDEX sessions_user_idx ON sessions (user_id);

CREATE TABLE api_tokens (
    id           bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    user_id      bigint      NOT NULL REFERENCES users (id),
    name         text        NOT NULL,
    token_hash   bytea       NOT NULL UNIQUE,
    read_only    boolean     NOT NULL,
    created_at   timestamptz NOT NULL,
    expires_at   timestamptz NOT NULL,
    revoked_at   timestamptz,
    last_used_at timestamptz
);
CREATE INDEX api_tokens_user_idx ON api_tokens (user_id);

-- Failed logins per submitted e-mail address, whether or not an account has
-- it, so that throttling says nothing about which accounts exist.
CREATE TABLE login_failures (
    email             text        PRIMARY KEY,
    failures          integer     NOT NULL,
    window_started_at timestamptz NOT NULL,
    blocked_until     timestamptz
);

CREATE TABLE custodians (
    id                  bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    slug                text        NOT NULL UNIQUE CHECK (slug ~ '^[a-z0-9]+(-[a-z0-9]+)*$'),
    name                text        NOT NULL CHECK (name <> ''),
    legal_entity        text        NOT NULL,
    -- [{"name": "NY trust charter", "regulator": "NYDFS", "jurisdiction": "US"}]
    licences            jsonb       NOT NULL DEFAULT '[]' CHECK (jsonb_typeof(licences) = 'array'),
    qualified_custodian boolean     NOT NULL,
    -- ISO-style codes: US, EU, UK, CH, SG, HK, AE, JE, IE, LU, IT, APAC, MENA, GLOBAL
    regions             text[]      NOT NULL,
    key_management      text[]      NOT NULL,
    staking             boolean     NOT NULL,
    settlement_network  text        NOT NULL DEFAULT '',
    fee_model           text        NOT NULL DEFAULT '',
    notes               text        NOT NULL DEFAULT '',
    -- Provenance per fact: {"qualified_custodian": {"source": "...", "verified_on": "2025-09-01"}}
    provenance          jsonb       NOT NULL DEFAULT '{}' CHECK (jsonb_typeof(provenance) = 'object'),
    version             integer     NOT NULL DEFAULT 1,
    created_at          timestamptz NOT NULL,
    updated_at          timestamptz NOT NULL
);
CREATE UNIQUE INDEX custodians_name_key ON custodians (lower(name));
CREATE INDEX custodians_regions_idx ON custodians USING gin (regions);

-- A template version is immutable once written: editing makes a new version.
CREATE TABLE templates (
    id          bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    family      text        NOT NULL,
    version     integer     NOT NULL CHECK (version > 0),
    name        text        NOT NULL,
    description text        NOT NULL DEFAULT '',
    created_at  timestamptz NOT NULL,
    UNIQUE (family, version)
);

CREATE TABLE template_criteria (
    template_id bigint  NOT NULL REFERENCES templates (id),
    key         text    NOT NULL,
    name        text    NOT NULL,
    description text    NOT NULL,
    weight      integer NOT NULL CHECK (weight BETWEEN 0 AND 100),
    position    integer NOT NULL,
    PRIMARY KEY (template_id, key)
);

CREATE TABLE template_sections (
    template_id bigint  NOT NULL REFERENCES templates (id),
    key         text    NOT NULL,
    title       text    NOT NULL,
    position    integer NOT NULL,
    PRIMARY KEY (template_id, key)
);

CREATE TABLE template_items (
    id                bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    template_id       bigint  NOT NULL,
    section_key       text    NOT NULL,
    key               text    NOT NULL,
    prompt            text    NOT NULL,
    guidance          text    NOT NULL DEFAULT '',
    evidence_required boolean NOT NULL,
    position          integer NOT NULL,
    UNIQUE (template_id, key),
    FOREIGN KEY (template_id, section_key) REFERENCES template_sections (template_id, key)
);

CREATE TABLE template_red_flags (
    id               bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    template_id      bigint  NOT NULL REFERENCES templates (id),
    key              text    NOT NULL,
    title            text    NOT NULL,
    description      text    NOT NULL,
    default_severity text    NOT NULL CHECK (default_severity IN ('low', 'medium', 'high', 'critical')),
    -- Where the flag comes from: the article's red flags, its beginner mistakes, or our own practice.
    origin           text    NOT NULL CHECK (origin IN ('red_flag', 'beginner_mistake', 'practice')),
    -- Set when mandate fit raises the flag by itself: qualified_custodian, region_licence, staking.
    mandate_rule     text CHECK (mandate_rule IN ('qualified_custodian', 'region_licence', 'staking')),
    position         integer NOT NULL,
    UNIQUE (template_id, key)
);

-- +goose StatementBegin
CREATE FUNCTION refuse_change() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    RAISE EXCEPTION '% on % is not allowed: %', TG_OP, TG_TABLE_NAME, TG_ARGV[0]
        USING ERRCODE = 'restrict_violation';
END;
$$;
-- +goose StatementEnd

CREATE TRIGGER templates_immutable BEFORE UPDATE OR DELETE ON templates
    FOR EACH ROW EXECUTE FUNCTION refuse_change('template versions never change');
CREATE TRIGGER template_criteria_immutable BEFORE UPDATE OR DELETE ON template_criteria
    FOR EACH ROW EXECUTE FUNCTION refuse_change('template versions never change');
CREATE TRIGGER template_sections_immutable BEFORE UPDATE OR DELETE ON template_sections
    FOR EACH ROW EXECUTE FUNCTION refuse_change('template versions never change');
CREATE TRIGGER template_items_immutable BEFORE UPDATE OR DELETE ON template_items
    FOR EACH ROW EXECUTE FUNCTION refuse_change('template versions never change');
CREATE TRIGGER template_red_flags_immutable BEFORE UPDATE OR DELETE ON template_red_flags
    FOR EACH ROW EXECUTE FUNCTION refuse_change('template versions never change');

-- The audit trail. Each event's hash covers the previous event's hash and the
-- event's canonical content; audit_head holds the chain's tip and its row lock
-- serialises appends, so concurrent writers cannot fork the chain.
CREATE TABLE audit_events (
    seq         bigint      PRIMARY KEY CHECK (seq > 0),
    occurred_at timestamptz NOT NULL,
    actor_id    bigint,
    actor       text        NOT NULL,
    team_id     bigint,
    action      text        NOT NULL,
    object_type text        NOT NULL,
    object_id   text        NOT NULL,
    before      jsonb,
    after       jsonb,
    request_id  text        NOT NULL DEFAULT '',
    prev_hash   bytea       NOT NULL,
    hash        bytea       NOT NULL
);
CREATE INDEX audit_events_team_idx ON audit_events (team_id, seq);

CREATE TABLE audit_head (
    id   integer PRIMARY KEY CHECK (id = 1),
    seq  bigint  NOT NULL,
    hash bytea   NOT NULL
);
INSERT INTO audit_head (id, seq, hash) VALUES (1, 0, decode(repeat('00', 32), 'hex'));

CREATE TRIGGER audit_events_append_only BEFORE UPDATE OR DELETE ON audit_events
    FOR EACH ROW EXECUTE FUNCTION refuse_change('the audit trail is append-only');
CREATE TRIGGER audit_events_no_truncate BEFORE TRUNCATE ON audit_events
    FOR EACH STATEMENT EXECUTE FUNCTION refuse_change('the audit trail is append-only');
CREATE TRIGGER audit_head_no_delete BEFORE DELETE ON audit_head
    FOR EACH ROW EXECUTE FUNCTION refuse_change('the audit trail is append-only');
CREATE TRIGGER audit_head_no_truncate BEFORE TRUNCATE ON audit_head
    FOR EACH STATEMENT EXECUTE FUNCTION refuse_change('the audit trail is append-only');

-- +goose Down
DROP TABLE audit_head, audit_events, template_red_flags, template_items, template_sections,
    template_criteria, templates, custodians, login_failures, api_tokens, sessions,
    memberships, teams, users;
DROP FUNCTION refuse_change();
