-- Things a connection's block must say once, e.g. that another Usedesk account connected to the same
-- amoCRM account. `seen_at` is set when a block has shown the notice.
CREATE TABLE IF NOT EXISTS connection_notices (
    id TEXT PRIMARY KEY,
    connection_id TEXT NOT NULL,
    kind TEXT NOT NULL,
    detail TEXT NOT NULL,
    created_at BIGINT NOT NULL,
    seen_at BIGINT
);

CREATE INDEX IF NOT EXISTS connection_notices_unseen ON connection_notices (connection_id, seen_at);
