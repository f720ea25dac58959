-- What a server's in-process rate limiter knew when it stopped gracefully: per amoCRM account, the wall-clock
-- start times of its requests in the last window. The next server to start reads and deletes every row, so that
-- its first second goes on exactly where its predecessor stopped; a crash leaves no row, and a successor then
-- counts every window as full. `body` is JSON {"account": [unix milliseconds, …]}; `written_at` is unix seconds.
CREATE TABLE IF NOT EXISTS limiter_handoffs (
    written_at BIGINT NOT NULL,
    body TEXT NOT NULL
);
