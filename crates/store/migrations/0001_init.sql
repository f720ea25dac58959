-- One schema for SQLite and PostgreSQL: only portable types (TEXT, BIGINT) and portable syntax.
-- Times are unix seconds; ids are UUID text; encrypted tokens are base64 text.
CREATE TABLE IF NOT EXISTS connections (
    id TEXT PRIMARY KEY,
    usedesk_account TEXT NOT NULL,
    amo_host TEXT NOT NULL,
    status TEXT NOT NULL,
    access_token TEXT,
    refresh_token TEXT,
    expires_at BIGINT,
    usedesk_token TEXT,
    token_version BIGINT NOT NULL DEFAULT 0,
    created_at BIGINT NOT NULL,
    updated_at BIGINT NOT NULL,
    UNIQUE (usedesk_account, amo_host)
);

CREATE TABLE IF NOT EXISTS links (
    connection_id TEXT NOT NULL,
    usedesk_client_id BIGINT NOT NULL,
    contact_id BIGINT NOT NULL,
    created_at BIGINT NOT NULL,
    PRIMARY KEY (connection_id, usedesk_client_id)
);

CREATE TABLE IF NOT EXISTS field_choices (
    connection_id TEXT PRIMARY KEY,
    choices TEXT NOT NULL,
    updated_at BIGINT NOT NULL
);

CREATE TABLE IF NOT EXISTS idempotency (
    connection_id TEXT NOT NULL,
    idem_key TEXT NOT NULL,
    fingerprint TEXT NOT NULL,
    state TEXT NOT NULL,
    progress TEXT,
    result TEXT,
    created_at BIGINT NOT NULL,
    updated_at BIGINT NOT NULL,
    PRIMARY KEY (connection_id, idem_key)
);

CREATE TABLE IF NOT EXISTS audit_log (
    id TEXT PRIMARY KEY,
    connection_id TEXT NOT NULL,
    at BIGINT NOT NULL,
    actor TEXT NOT NULL,
    ticket_id BIGINT,
    action TEXT NOT NULL,
    target TEXT NOT NULL,
    result TEXT NOT NULL
);

CREATE INDEX IF NOT EXISTS audit_log_by_connection ON audit_log (connection_id, at);

CREATE TABLE IF NOT EXISTS nonces (
    nonce TEXT PRIMARY KEY,
    expires_at BIGINT NOT NULL
);
