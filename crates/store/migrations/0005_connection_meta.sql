-- What the service knows about a connection besides its tokens: the amoCRM account and user it acts as (for the
-- gear page and the signed "disconnect" hook, which names the account by id), the language of the login, the
-- account's webhook subscription (the secret in its URL kept only as a SHA-256 hash, hex), and the per-connection
-- option of stage-change comments in tickets (1 on, 0 off). One row per connection, written at login.
CREATE TABLE IF NOT EXISTS connection_meta (
    connection_id TEXT PRIMARY KEY,
    amo_account_id BIGINT,
    amo_user_id BIGINT,
    amo_user_name TEXT,
    connected_at BIGINT,
    lang TEXT,
    webhook_secret_hash TEXT,
    webhook_destination TEXT,
    webhook_at BIGINT,
    stage_comments BIGINT NOT NULL DEFAULT 1
);

CREATE INDEX IF NOT EXISTS connection_meta_account ON connection_meta (amo_account_id);

-- Deals created from a Usedesk ticket (by an agent or a trigger), so a stage change amoCRM reports lands as a
-- comment in that ticket. `last_status_id`/`last_change_at` are the last change commented on: a duplicate, late or
-- reordered delivery finds nothing newer to claim.
CREATE TABLE IF NOT EXISTS deal_tickets (
    connection_id TEXT NOT NULL,
    deal_id BIGINT NOT NULL,
    ticket_id BIGINT NOT NULL,
    created_at BIGINT NOT NULL,
    last_status_id BIGINT,
    last_change_at BIGINT,
    PRIMARY KEY (connection_id, deal_id)
);
