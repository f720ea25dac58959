//! The store's behaviour, run against SQLite and PostgreSQL alike.

mod harness;

mod connections;
mod idempotency;
mod keys;
mod limiter;
mod records;
mod trigger_secrets;
