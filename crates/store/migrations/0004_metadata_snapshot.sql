-- The last account metadata (account, pipelines, users) fetched for a connection, so that a restarted server
-- renders its first block without asking amoCRM for it again; revalidated in the background. `body` is the
-- domain's own JSON; `fetched_at` is unix seconds.
CREATE TABLE IF NOT EXISTS metadata_snapshots (
    connection_id TEXT PRIMARY KEY,
    body TEXT NOT NULL,
    fetched_at BIGINT NOT NULL
);
