-- The trigger secret of a connection: what `POST /api/freeCreateLead` must present besides the Integration ID.
-- Only a SHA-256 hash of the secret is kept (hex), with the time it was created (unix seconds); both stay NULL
-- until someone creates a secret in the block's gear. Portable to SQLite and PostgreSQL: one column per statement.
ALTER TABLE connections ADD COLUMN trigger_secret_hash TEXT;

ALTER TABLE connections ADD COLUMN trigger_secret_at BIGINT;
