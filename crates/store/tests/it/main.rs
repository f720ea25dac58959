//! The store's behaviour, run against SQLite and PostgreSQL alike.

mod harness;

mod backup;
mod connections;
mod handoff;
mod idempotency;
mod keys;
mod limiter;
mod meta;
mod migrations;
mod records;
mod trigger_secrets;
