//! Persistence for usedesk-amocrm: the [`domain::store::Store`] trait on SQLite (the embedded default: one
//! file, WAL) and on PostgreSQL (several replicas), from one set of migrations, with OAuth tokens encrypted
//! at rest — plus, through Redis, a rate limiter shared so replicas respect one amoCRM limit together, and a cache
//! bus so every replica drops what a webhook or a write changed at once.
//!
//! ```no_run
//! # async fn demo() -> Result<(), store::Error> {
//! let store = store::open("sqlite://data/usedesk-amocrm.db", store::StoreOptions::default()).await?;
//! store.ping().await.expect("the database answers");
//! # Ok(()) }
//! ```
#![deny(missing_docs)]

mod backup;
mod crypto;
mod migrate;
mod redis_bus;
mod redis_limiter;
mod sql;

use std::path::PathBuf;
use std::sync::Arc;

use secrecy::SecretString;

pub use backup::{Copied, backup_sqlite, restore_sqlite};
pub use crypto::{TokenCipher, TokenKey};
pub use redis_bus::RedisCacheBus;
pub use redis_limiter::RedisRateLimiter;
pub use sql::SqlStore;

/// Creates `dir` (and its missing parents) readable by its owner only — 0700 on Unix; directories that already
/// exist are left as they are. The data directory and backups are made this way: they hold keys and tokens.
pub fn create_private_dir(dir: &std::path::Path) -> std::io::Result<()> {
    let mut builder = std::fs::DirBuilder::new();
    builder.recursive(true);
    #[cfg(unix)]
    std::os::unix::fs::DirBuilderExt::mode(&mut builder, 0o700);
    builder.create(dir)
}

/// Errors while opening a store.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum Error {
    /// The database URL names no supported backend.
    #[error("unsupported database URL {0:?}: use sqlite://PATH or postgres://USER@HOST/DB")]
    UnsupportedUrl(String),
    /// The database could not be opened or migrated.
    #[error("database error: {0}")]
    Database(#[from] sqlx::Error),
    /// A migration failed.
    #[error("migration {version} failed: {message}")]
    Migration {
        /// The migration's number.
        version: i64,
        /// What the database said.
        message: String,
    },
    /// A backup or restore could not be made; the message says what to do.
    #[error("{0}")]
    Backup(String),
    /// The database was migrated by a newer binary, past the last migration this one knows.
    #[error(
        "the database is at schema version {found}, this binary knows up to {known}: upgrade the binary or restore a backup"
    )]
    SchemaTooNew {
        /// The database's schema version.
        found: i64,
        /// The last schema version this binary knows.
        known: i64,
    },
    /// Redis could not be reached.
    #[error("redis: {0}")]
    Redis(String),
    /// The token-encryption key is missing, malformed or unreadable.
    #[error("token encryption key: {0}")]
    Key(String),
}

/// The schema version this build creates and understands (its last migration). A database at a higher
/// version is refused with [`Error::SchemaTooNew`].
pub fn schema_version() -> i64 {
    migrate::latest()
}

/// How to open a store.
#[derive(Debug, Clone, Default)]
pub struct StoreOptions {
    /// The token-encryption key (base64 of 32 bytes). When absent, SQLite generates one into a
    /// `0600` file beside the database; PostgreSQL refuses to start, because replicas must share one key.
    pub encryption_key: Option<SecretString>,
    /// Older keys still accepted for reading, for key rotation.
    pub old_encryption_keys: Vec<SecretString>,
    /// Where to keep the generated key instead of beside the SQLite file.
    pub key_file: Option<PathBuf>,
    /// Maximum pooled connections (default 8 for PostgreSQL, 4 for SQLite).
    pub max_connections: Option<u32>,
    /// PostgreSQL schema to use (created when missing), for isolating tests; default `public`.
    pub pg_schema: Option<String>,
}

/// Opens (creating when needed) and migrates the store at `database_url`.
pub async fn open(
    database_url: &str,
    options: StoreOptions,
) -> Result<Arc<dyn domain::store::Store>, Error> {
    Ok(Arc::new(SqlStore::open(database_url, options).await?))
}
