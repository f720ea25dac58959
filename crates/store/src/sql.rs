//! [`SqlStore`]: the one implementation of [`Store`] for both SQLite and PostgreSQL.
//!
//! Every query is written once in SQL both databases accept (`$1` placeholders, `ON CONFLICT`), and run
//! against whichever pool is open. The refresh lock is an in-process mutex per connection; on PostgreSQL
//! it is also a row lock (`SELECT … FOR UPDATE`) held until the new tokens are committed, which is what
//! makes one refresh at a time hold across replicas.

use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::str::FromStr;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use async_trait::async_trait;
use domain::now;
use domain::store::{
    AuditEntry, Connection, ConnectionId, ConnectionNotice, ConnectionStatus, FieldChoices,
    IdempotencyClaim, RefreshGuard, Store, StoreError, StoredTokens, TriggerSecretRecord,
};
use secrecy::SecretString;
use sqlx::postgres::{PgConnectOptions, PgPoolOptions};
use sqlx::sqlite::{SqliteConnectOptions, SqliteJournalMode, SqlitePoolOptions, SqliteSynchronous};
use sqlx::{PgPool, Postgres, SqlitePool, Transaction};
use tokio::sync::OwnedMutexGuard;

use crate::crypto::{TokenCipher, TokenKey};
use crate::{Error, StoreOptions};

/// The open pool of whichever database the URL named.
#[derive(Debug, Clone)]
pub(crate) enum Backend {
    Sqlite(SqlitePool),
    Postgres(PgPool),
}

/// Runs the same expression against whichever pool is open; the expression is type-checked per backend.
macro_rules! on_pool {
    ($backend:expr, $pool:ident => $body:expr) => {
        match $backend {
            Backend::Sqlite($pool) => $body,
            Backend::Postgres($pool) => $body,
        }
    };
}

/// Like `on_pool!` for a statement: evaluates to the number of rows it changed.
macro_rules! exec {
    ($backend:expr, $pool:ident => $body:expr) => {
        match $backend {
            Backend::Sqlite($pool) => $body.rows_affected(),
            Backend::Postgres($pool) => $body.rows_affected(),
        }
    };
}

/// How long a notice a block has shown is kept, in seconds.
const NOTICE_KEEP_SECS: i64 = 90 * 86_400;

const CONNECTION_COLUMNS: &str = "id, usedesk_account, amo_host, status, access_token, refresh_token, expires_at, token_version, created_at, updated_at, usedesk_token";

type ConnectionRow = (
    String,
    String,
    String,
    String,
    Option<String>,
    Option<String>,
    Option<i64>,
    i64,
    i64,
    i64,
    Option<String>,
);

type AuditRow = (String, i64, String, Option<i64>, String, String, String);

/// The SQL store. Cheap to clone.
#[derive(Clone)]
pub struct SqlStore {
    pub(crate) backend: Backend,
    cipher: TokenCipher,
    refresh_locks: Arc<Mutex<HashMap<ConnectionId, Arc<tokio::sync::Mutex<()>>>>>,
}

impl std::fmt::Debug for SqlStore {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let kind = match self.backend {
            Backend::Sqlite(_) => "sqlite",
            Backend::Postgres(_) => "postgres",
        };
        f.debug_struct("SqlStore")
            .field("backend", &kind)
            .finish_non_exhaustive()
    }
}

fn db(error: sqlx::Error) -> StoreError {
    StoreError::Database(error.to_string())
}

/// Creates the data directory, readable by its owner only (0700 on Unix; directories above it that already
/// exist are left as they are).
fn create_private_dir(dir: &Path) -> Result<(), Error> {
    let mut builder = std::fs::DirBuilder::new();
    builder.recursive(true);
    #[cfg(unix)]
    std::os::unix::fs::DirBuilderExt::mode(&mut builder, 0o700);
    builder
        .create(dir)
        .map_err(|e| Error::Key(format!("cannot create {}: {e}", dir.display())))
}

/// Makes the SQLite file (created empty when missing) and its `-wal` and `-shm` companions readable by their
/// owner only (0600 on Unix). SQLite gives the companions it creates the main file's permissions, so a new
/// database starts private; an existing one from an earlier version is tightened here.
fn restrict_database_files(path: &Path) -> Result<(), Error> {
    #[cfg(unix)]
    {
        use std::os::unix::fs::{OpenOptionsExt as _, PermissionsExt as _};
        let cannot =
            |e: std::io::Error| Error::Key(format!("cannot protect {}: {e}", path.display()));
        std::fs::OpenOptions::new()
            .create(true)
            .append(true)
            .mode(0o600)
            .open(path)
            .map_err(cannot)?;
        for suffix in ["", "-wal", "-shm", "-journal"] {
            let file = PathBuf::from(format!("{}{suffix}", path.display()));
            if file.exists() {
                std::fs::set_permissions(&file, std::fs::Permissions::from_mode(0o600))
                    .map_err(cannot)?;
            }
        }
    }
    #[cfg(not(unix))]
    let _ = path;
    Ok(())
}

impl SqlStore {
    /// Opens and migrates the database at `url` (`sqlite://…` or `postgres://…`).
    pub async fn open(url: &str, options: StoreOptions) -> Result<Self, Error> {
        let (backend, key_file) = if let Some(rest) = url
            .strip_prefix("sqlite://")
            .or_else(|| url.strip_prefix("sqlite:"))
        {
            let path = rest.split('?').next().unwrap_or(rest);
            if path.is_empty() || path == ":memory:" {
                return Err(Error::UnsupportedUrl(url.to_owned()));
            }
            if let Some(dir) = Path::new(path)
                .parent()
                .filter(|d| !d.as_os_str().is_empty())
            {
                create_private_dir(dir)?;
            }
            restrict_database_files(Path::new(path))?;
            let connect = SqliteConnectOptions::from_str(&format!("sqlite://{path}"))?
                .create_if_missing(true)
                .journal_mode(SqliteJournalMode::Wal)
                .synchronous(SqliteSynchronous::Normal)
                .busy_timeout(Duration::from_secs(10))
                .foreign_keys(true);
            // An embedded file has no network connection to lose: skip sqlx's ping before every use.
            let pool = SqlitePoolOptions::new()
                .test_before_acquire(false)
                .max_connections(options.max_connections.unwrap_or(4))
                .connect_with(connect)
                .await?;
            let key_file = options
                .key_file
                .clone()
                .unwrap_or_else(|| TokenKey::default_path_beside(Path::new(path)));
            (Backend::Sqlite(pool), Some(key_file))
        } else if url.starts_with("postgres://") || url.starts_with("postgresql://") {
            let mut connect = PgConnectOptions::from_str(url)?;
            if let Some(schema) = &options.pg_schema {
                connect = connect.options([("search_path", schema.as_str())]);
                // The schema must exist before a pooled connection can use it.
                let admin = PgPoolOptions::new()
                    .max_connections(1)
                    .connect_with(PgConnectOptions::from_str(url)?)
                    .await?;
                sqlx::query(&format!(
                    "CREATE SCHEMA IF NOT EXISTS \"{}\"",
                    schema.replace('"', "")
                ))
                .execute(&admin)
                .await?;
                admin.close().await;
            }
            let pool = PgPoolOptions::new()
                .max_connections(options.max_connections.unwrap_or(8))
                .acquire_timeout(Duration::from_secs(10))
                .connect_with(connect)
                .await?;
            (Backend::Postgres(pool), options.key_file.clone())
        } else {
            return Err(Error::UnsupportedUrl(url.to_owned()));
        };

        let primary = match (&options.encryption_key, key_file) {
            (Some(text), _) => TokenKey::from_base64(text)?,
            (None, Some(path)) => TokenKey::load_or_create(&path)?,
            (None, None) => {
                return Err(Error::Key(
                    "PostgreSQL needs token_encryption_key in the config, shared by every replica"
                        .into(),
                ));
            }
        };
        let older = options
            .old_encryption_keys
            .iter()
            .map(TokenKey::from_base64)
            .collect::<Result<Vec<_>, _>>()?;

        crate::migrate::run(&backend).await?;
        Ok(Self {
            backend,
            cipher: TokenCipher::new(primary, older),
            refresh_locks: Arc::default(),
        })
    }

    /// Releases every pending idempotency claim (keeping its progress). Only for a process that knows it is the
    /// database's sole user — SQLite, the single-machine default — at start: claims still pending were left by a
    /// crashed run, and releasing them lets retries resume at once instead of waiting for them to go stale.
    pub async fn release_pending_claims(&self) -> Result<u64, StoreError> {
        Ok(exec!(&self.backend, pool => sqlx::query(
            "UPDATE idempotency SET state = 'released' WHERE state = 'pending'")
            .execute(pool)
            .await
            .map_err(db)?))
    }

    /// Whether this store is the embedded SQLite (one process) rather than PostgreSQL (replicas).
    pub fn is_sqlite(&self) -> bool {
        matches!(self.backend, Backend::Sqlite(_))
    }

    /// Closes the pool, waiting for in-flight queries.
    pub async fn close(&self) {
        on_pool!(&self.backend, pool => pool.close().await);
    }

    fn decode_connection(&self, row: ConnectionRow) -> Result<Connection, StoreError> {
        let (
            id,
            usedesk_account,
            amo_host,
            status,
            access,
            refresh,
            expires_at,
            version,
            created,
            updated,
            usedesk_secret,
        ) = row;
        let id = ConnectionId::parse(&id)
            .ok_or_else(|| StoreError::Corrupt(format!("connection id {id:?}")))?;
        let tokens = match access {
            Some(access) => Some(StoredTokens {
                access_token: self.cipher.open(&access, &context(id, "access"))?,
                refresh_token: refresh
                    .map(|r| self.cipher.open(&r, &context(id, "refresh")))
                    .transpose()?,
                expires_at,
            }),
            None => None,
        };
        let usedesk_token = usedesk_secret
            .map(|t| self.cipher.open(&t, &context(id, "usedesk")))
            .transpose()?;
        Ok(Connection {
            id,
            usedesk_token,
            usedesk_account,
            amo_host,
            status: ConnectionStatus::from_stored(&status),
            tokens,
            token_version: version,
            created_at: created,
            updated_at: updated,
        })
    }

    fn seal_tokens(
        &self,
        id: ConnectionId,
        tokens: &StoredTokens,
    ) -> Result<(String, Option<String>), StoreError> {
        let crypto = |e: Error| StoreError::Crypto(e.to_string());
        let access = self
            .cipher
            .seal(&tokens.access_token, &context(id, "access"))
            .map_err(crypto)?;
        let refresh = tokens
            .refresh_token
            .as_ref()
            .map(|r| self.cipher.seal(r, &context(id, "refresh")))
            .transpose()
            .map_err(crypto)?;
        Ok((access, refresh))
    }

    async fn fetch_connection(&self, id: ConnectionId) -> Result<Option<Connection>, StoreError> {
        let sql = format!("SELECT {CONNECTION_COLUMNS} FROM connections WHERE id = $1");
        let row: Option<ConnectionRow> = on_pool!(&self.backend, pool => sqlx::query_as(&sql)
            .bind(id.to_string())
            .fetch_optional(pool)
            .await
            .map_err(db)?);
        row.map(|r| self.decode_connection(r)).transpose()
    }

    fn process_lock(&self, id: ConnectionId) -> Arc<tokio::sync::Mutex<()>> {
        let mut locks = self.refresh_locks.lock().unwrap_or_else(|p| p.into_inner());
        locks.entry(id).or_default().clone()
    }
}

/// The associated data that binds a ciphertext to its connection and column.
fn context(id: ConnectionId, column: &str) -> String {
    format!("connection:{id}:{column}")
}

const SAVE_TOKENS: &str = "UPDATE connections SET access_token = $1, refresh_token = $2, expires_at = $3, status = 'active', token_version = token_version + 1, updated_at = $4 WHERE id = $5";
const MARK_NEEDS_LOGIN: &str = "UPDATE connections SET access_token = NULL, refresh_token = NULL, expires_at = NULL, status = 'needs_login', token_version = token_version + 1, updated_at = $1 WHERE id = $2";

/// The refresh lock on SQLite (and its in-process half everywhere): a mutex per connection.
struct LocalGuard {
    store: SqlStore,
    connection: Connection,
    _lock: OwnedMutexGuard<()>,
}

#[async_trait]
impl RefreshGuard for LocalGuard {
    fn connection(&self) -> &Connection {
        &self.connection
    }

    async fn save_tokens(self: Box<Self>, tokens: &StoredTokens) -> Result<Connection, StoreError> {
        let id = self.connection.id;
        let (access, refresh) = self.store.seal_tokens(id, tokens)?;
        exec!(&self.store.backend, pool => sqlx::query(SAVE_TOKENS)
            .bind(access)
            .bind(refresh)
            .bind(tokens.expires_at)
            .bind(now())
            .bind(id.to_string())
            .execute(pool)
            .await
            .map_err(db)?);
        self.store
            .fetch_connection(id)
            .await?
            .ok_or_else(|| StoreError::NotFound(format!("connection {id}")))
    }

    async fn mark_needs_login(self: Box<Self>) -> Result<(), StoreError> {
        let id = self.connection.id;
        exec!(&self.store.backend, pool => sqlx::query(MARK_NEEDS_LOGIN)
            .bind(now())
            .bind(id.to_string())
            .execute(pool)
            .await
            .map_err(db)?);
        Ok(())
    }
}

/// The refresh lock on PostgreSQL: the row stays locked by this transaction until it commits.
struct PgGuard {
    store: SqlStore,
    connection: Connection,
    tx: Transaction<'static, Postgres>,
    _lock: OwnedMutexGuard<()>,
}

#[async_trait]
impl RefreshGuard for PgGuard {
    fn connection(&self) -> &Connection {
        &self.connection
    }

    async fn save_tokens(
        mut self: Box<Self>,
        tokens: &StoredTokens,
    ) -> Result<Connection, StoreError> {
        let id = self.connection.id;
        let (access, refresh) = self.store.seal_tokens(id, tokens)?;
        sqlx::query(SAVE_TOKENS)
            .bind(access)
            .bind(refresh)
            .bind(tokens.expires_at)
            .bind(now())
            .bind(id.to_string())
            .execute(&mut *self.tx)
            .await
            .map_err(db)?;
        let this = *self;
        this.tx.commit().await.map_err(db)?;
        this.store
            .fetch_connection(id)
            .await?
            .ok_or_else(|| StoreError::NotFound(format!("connection {id}")))
    }

    async fn mark_needs_login(mut self: Box<Self>) -> Result<(), StoreError> {
        let id = self.connection.id;
        sqlx::query(MARK_NEEDS_LOGIN)
            .bind(now())
            .bind(id.to_string())
            .execute(&mut *self.tx)
            .await
            .map_err(db)?;
        let this = *self;
        this.tx.commit().await.map_err(db)
    }
}

#[async_trait]
impl Store for SqlStore {
    async fn ping(&self) -> Result<(), StoreError> {
        exec!(&self.backend, pool => sqlx::query("SELECT 1").execute(pool).await.map_err(db)?);
        Ok(())
    }

    async fn find_connection(
        &self,
        usedesk_account: &str,
        amo_host: &str,
    ) -> Result<Option<Connection>, StoreError> {
        let sql = format!(
            "SELECT {CONNECTION_COLUMNS} FROM connections WHERE usedesk_account = $1 AND amo_host = $2"
        );
        let row: Option<ConnectionRow> = on_pool!(&self.backend, pool => sqlx::query_as(&sql)
            .bind(usedesk_account)
            .bind(amo_host)
            .fetch_optional(pool)
            .await
            .map_err(db)?);
        row.map(|r| self.decode_connection(r)).transpose()
    }

    async fn get_connection(&self, id: ConnectionId) -> Result<Option<Connection>, StoreError> {
        self.fetch_connection(id).await
    }

    async fn save_login(
        &self,
        usedesk_account: &str,
        amo_host: &str,
        tokens: &StoredTokens,
        usedesk_token: Option<&SecretString>,
    ) -> Result<Connection, StoreError> {
        // The id is part of the ciphertexts' associated data, so learn it (or mint it) first.
        let existing = self.find_connection(usedesk_account, amo_host).await;
        let id = match existing {
            Ok(Some(c)) => c.id,
            // A row whose tokens no longer decrypt is replaced, keeping its id.
            Err(StoreError::Crypto(_)) => {
                let id: Option<String> = on_pool!(&self.backend, pool => sqlx::query_scalar(
                    "SELECT id FROM connections WHERE usedesk_account = $1 AND amo_host = $2")
                    .bind(usedesk_account)
                    .bind(amo_host)
                    .fetch_optional(pool)
                    .await
                    .map_err(db)?);
                id.and_then(|i| ConnectionId::parse(&i))
                    .unwrap_or_else(ConnectionId::new_random)
            }
            Err(e) => return Err(e),
            Ok(None) => ConnectionId::new_random(),
        };
        let (access, refresh) = self.seal_tokens(id, tokens)?;
        let usedesk = usedesk_token
            .map(|t| self.cipher.seal(t, &context(id, "usedesk")))
            .transpose()
            .map_err(|e| StoreError::Crypto(e.to_string()))?;
        let at = now();
        let sql = "INSERT INTO connections (id, usedesk_account, amo_host, status, access_token, refresh_token, expires_at, token_version, created_at, updated_at, usedesk_token) \
                   VALUES ($1, $2, $3, 'active', $4, $5, $6, 1, $7, $7, $8) \
                   ON CONFLICT (usedesk_account, amo_host) DO UPDATE SET status = 'active', access_token = excluded.access_token, \
                   refresh_token = excluded.refresh_token, expires_at = excluded.expires_at, \
                   usedesk_token = COALESCE(excluded.usedesk_token, connections.usedesk_token), \
                   token_version = connections.token_version + 1, updated_at = excluded.updated_at";
        exec!(&self.backend, pool => sqlx::query(sql)
            .bind(id.to_string())
            .bind(usedesk_account)
            .bind(amo_host)
            .bind(access)
            .bind(refresh)
            .bind(tokens.expires_at)
            .bind(at)
            .bind(usedesk.clone())
            .execute(pool)
            .await
            .map_err(db)?);
        self.find_connection(usedesk_account, amo_host)
            .await?
            .ok_or_else(|| StoreError::NotFound(format!("connection for {amo_host}")))
    }

    async fn lock_for_refresh(
        &self,
        id: ConnectionId,
    ) -> Result<Box<dyn RefreshGuard>, StoreError> {
        let lock = self.process_lock(id).lock_owned().await;
        match &self.backend {
            Backend::Sqlite(_) => {
                let connection = self
                    .fetch_connection(id)
                    .await?
                    .ok_or_else(|| StoreError::NotFound(format!("connection {id}")))?;
                Ok(Box::new(LocalGuard {
                    store: self.clone(),
                    connection,
                    _lock: lock,
                }))
            }
            Backend::Postgres(pool) => {
                let mut tx = pool.begin().await.map_err(db)?;
                let sql = format!(
                    "SELECT {CONNECTION_COLUMNS} FROM connections WHERE id = $1 FOR UPDATE"
                );
                let row: Option<ConnectionRow> = sqlx::query_as(&sql)
                    .bind(id.to_string())
                    .fetch_optional(&mut *tx)
                    .await
                    .map_err(db)?;
                let connection = row
                    .map(|r| self.decode_connection(r))
                    .transpose()?
                    .ok_or_else(|| StoreError::NotFound(format!("connection {id}")))?;
                Ok(Box::new(PgGuard {
                    store: self.clone(),
                    connection,
                    tx,
                    _lock: lock,
                }))
            }
        }
    }

    async fn get_trigger_secret(
        &self,
        id: ConnectionId,
    ) -> Result<Option<TriggerSecretRecord>, StoreError> {
        let sql = "SELECT trigger_secret_hash, trigger_secret_at FROM connections WHERE id = $1";
        let row: Option<(Option<String>, Option<i64>)> = on_pool!(&self.backend, pool => sqlx::query_as(sql)
            .bind(id.to_string())
            .fetch_optional(pool)
            .await
            .map_err(db)?);
        Ok(row.map(|(hash, created_at)| TriggerSecretRecord { hash, created_at }))
    }

    async fn set_trigger_secret_hash(
        &self,
        id: ConnectionId,
        hash: &str,
        at: i64,
    ) -> Result<(), StoreError> {
        let sql = "UPDATE connections SET trigger_secret_hash = $1, trigger_secret_at = $2, updated_at = $2 WHERE id = $3";
        let changed = exec!(&self.backend, pool => sqlx::query(sql)
            .bind(hash)
            .bind(at)
            .bind(id.to_string())
            .execute(pool)
            .await
            .map_err(db)?);
        if changed == 0 {
            return Err(StoreError::NotFound(format!("connection {id}")));
        }
        Ok(())
    }

    async fn get_link(
        &self,
        connection: ConnectionId,
        usedesk_client_id: i64,
    ) -> Result<Option<i64>, StoreError> {
        let sql =
            "SELECT contact_id FROM links WHERE connection_id = $1 AND usedesk_client_id = $2";
        Ok(on_pool!(&self.backend, pool => sqlx::query_scalar(sql)
            .bind(connection.to_string())
            .bind(usedesk_client_id)
            .fetch_optional(pool)
            .await
            .map_err(db)?))
    }

    async fn set_link(
        &self,
        connection: ConnectionId,
        usedesk_client_id: i64,
        contact_id: i64,
    ) -> Result<(), StoreError> {
        let sql = "INSERT INTO links (connection_id, usedesk_client_id, contact_id, created_at) VALUES ($1, $2, $3, $4) \
                   ON CONFLICT (connection_id, usedesk_client_id) DO UPDATE SET contact_id = excluded.contact_id, created_at = excluded.created_at";
        exec!(&self.backend, pool => sqlx::query(sql)
            .bind(connection.to_string())
            .bind(usedesk_client_id)
            .bind(contact_id)
            .bind(now())
            .execute(pool)
            .await
            .map_err(db)?);
        Ok(())
    }

    async fn remove_link(
        &self,
        connection: ConnectionId,
        usedesk_client_id: i64,
    ) -> Result<(), StoreError> {
        let sql = "DELETE FROM links WHERE connection_id = $1 AND usedesk_client_id = $2";
        exec!(&self.backend, pool => sqlx::query(sql)
            .bind(connection.to_string())
            .bind(usedesk_client_id)
            .execute(pool)
            .await
            .map_err(db)?);
        Ok(())
    }

    async fn get_field_choices(
        &self,
        connection: ConnectionId,
    ) -> Result<Option<FieldChoices>, StoreError> {
        let sql = "SELECT choices FROM field_choices WHERE connection_id = $1";
        let text: Option<String> = on_pool!(&self.backend, pool => sqlx::query_scalar(sql)
            .bind(connection.to_string())
            .fetch_optional(pool)
            .await
            .map_err(db)?);
        text.map(|t| {
            serde_json::from_str(&t).map_err(|e| StoreError::Corrupt(format!("field choices: {e}")))
        })
        .transpose()
    }

    async fn set_field_choices(
        &self,
        connection: ConnectionId,
        choices: &FieldChoices,
    ) -> Result<(), StoreError> {
        let text = serde_json::to_string(choices)
            .map_err(|e| StoreError::Corrupt(format!("field choices: {e}")))?;
        let sql = "INSERT INTO field_choices (connection_id, choices, updated_at) VALUES ($1, $2, $3) \
                   ON CONFLICT (connection_id) DO UPDATE SET choices = excluded.choices, updated_at = excluded.updated_at";
        exec!(&self.backend, pool => sqlx::query(sql)
            .bind(connection.to_string())
            .bind(text)
            .bind(now())
            .execute(pool)
            .await
            .map_err(db)?);
        Ok(())
    }

    async fn claim_idempotency(
        &self,
        connection: ConnectionId,
        key: &str,
        fingerprint: &str,
        ttl_secs: i64,
        stale_after_secs: i64,
    ) -> Result<IdempotencyClaim, StoreError> {
        let at = now();
        let conn = connection.to_string();
        exec!(&self.backend, pool => sqlx::query(
            "DELETE FROM idempotency WHERE connection_id = $1 AND idem_key = $2 AND created_at < $3")
            .bind(&conn)
            .bind(key)
            .bind(at - ttl_secs)
            .execute(pool)
            .await
            .map_err(db)?);
        let inserted = exec!(&self.backend, pool => sqlx::query(
            "INSERT INTO idempotency (connection_id, idem_key, fingerprint, state, created_at, updated_at) \
             VALUES ($1, $2, $3, 'pending', $4, $4) ON CONFLICT (connection_id, idem_key) DO NOTHING")
            .bind(&conn)
            .bind(key)
            .bind(fingerprint)
            .bind(at)
            .execute(pool)
            .await
            .map_err(db)?);
        if inserted == 1 {
            return Ok(IdempotencyClaim::Claimed { progress: None });
        }
        let row: Option<(String, String, Option<String>, Option<String>, i64)> = on_pool!(&self.backend, pool => sqlx::query_as(
            "SELECT fingerprint, state, progress, result, updated_at FROM idempotency WHERE connection_id = $1 AND idem_key = $2")
            .bind(&conn)
            .bind(key)
            .fetch_optional(pool)
            .await
            .map_err(db)?);
        let Some((stored_fingerprint, state, progress, result, updated_at)) = row else {
            // The record expired between our insert and our read: the caller may simply try again.
            return Ok(IdempotencyClaim::InProgress);
        };
        if stored_fingerprint != fingerprint {
            return Ok(IdempotencyClaim::Conflict);
        }
        if state == "done" {
            return Ok(IdempotencyClaim::Done {
                result: result.unwrap_or_default(),
            });
        }
        if state == "pending" && updated_at >= at - stale_after_secs {
            return Ok(IdempotencyClaim::InProgress);
        }
        // Released by a failed owner, or its owner went silent: take the key over, unless someone else just did.
        let taken = exec!(&self.backend, pool => sqlx::query(
            "UPDATE idempotency SET state = 'pending', updated_at = $1 WHERE connection_id = $2 AND idem_key = $3 AND state = $4 AND updated_at = $5")
            .bind(at)
            .bind(&conn)
            .bind(key)
            .bind(&state)
            .bind(updated_at)
            .execute(pool)
            .await
            .map_err(db)?);
        Ok(if taken == 1 {
            IdempotencyClaim::Claimed { progress }
        } else {
            IdempotencyClaim::InProgress
        })
    }

    async fn record_idempotency_progress(
        &self,
        connection: ConnectionId,
        key: &str,
        progress: &str,
    ) -> Result<(), StoreError> {
        exec!(&self.backend, pool => sqlx::query(
            "UPDATE idempotency SET progress = $1, updated_at = $2 WHERE connection_id = $3 AND idem_key = $4")
            .bind(progress)
            .bind(now())
            .bind(connection.to_string())
            .bind(key)
            .execute(pool)
            .await
            .map_err(db)?);
        Ok(())
    }

    async fn finish_idempotency(
        &self,
        connection: ConnectionId,
        key: &str,
        result: &str,
    ) -> Result<(), StoreError> {
        exec!(&self.backend, pool => sqlx::query(
            "UPDATE idempotency SET state = 'done', result = $1, updated_at = $2 WHERE connection_id = $3 AND idem_key = $4")
            .bind(result)
            .bind(now())
            .bind(connection.to_string())
            .bind(key)
            .execute(pool)
            .await
            .map_err(db)?);
        Ok(())
    }

    async fn release_idempotency(
        &self,
        connection: ConnectionId,
        key: &str,
    ) -> Result<(), StoreError> {
        exec!(&self.backend, pool => sqlx::query(
            "UPDATE idempotency SET state = 'released' WHERE connection_id = $1 AND idem_key = $2 AND state = 'pending'")
            .bind(connection.to_string())
            .bind(key)
            .execute(pool)
            .await
            .map_err(db)?);
        Ok(())
    }

    async fn append_audit(&self, entry: &AuditEntry) -> Result<(), StoreError> {
        exec!(&self.backend, pool => sqlx::query(
            "INSERT INTO audit_log (id, connection_id, at, actor, ticket_id, action, target, result) VALUES ($1, $2, $3, $4, $5, $6, $7, $8)")
            .bind(uuid::Uuid::new_v4().to_string())
            .bind(entry.connection_id.to_string())
            .bind(entry.at)
            .bind(&entry.actor)
            .bind(entry.ticket_id)
            .bind(&entry.action)
            .bind(&entry.target)
            .bind(&entry.result)
            .execute(pool)
            .await
            .map_err(db)?);
        Ok(())
    }

    async fn list_audit(
        &self,
        connection: ConnectionId,
        limit: u32,
    ) -> Result<Vec<AuditEntry>, StoreError> {
        let rows: Vec<AuditRow> = on_pool!(&self.backend, pool => sqlx::query_as(
            "SELECT connection_id, at, actor, ticket_id, action, target, result FROM audit_log \
             WHERE connection_id = $1 ORDER BY at DESC, id DESC LIMIT $2")
            .bind(connection.to_string())
            .bind(i64::from(limit))
            .fetch_all(pool)
            .await
            .map_err(db)?);
        rows.into_iter()
            .map(|(conn, at, actor, ticket_id, action, target, result)| {
                Ok(AuditEntry {
                    connection_id: ConnectionId::parse(&conn)
                        .ok_or_else(|| StoreError::Corrupt(format!("audit connection {conn:?}")))?,
                    at,
                    actor,
                    ticket_id,
                    action,
                    target,
                    result,
                })
            })
            .collect()
    }

    async fn add_host_notice(
        &self,
        amo_host: &str,
        except: ConnectionId,
        kind: &str,
        detail: &str,
        at: i64,
    ) -> Result<u64, StoreError> {
        // One statement: the notice reaches exactly the connections that exist at that moment.
        let prefix = uuid::Uuid::new_v4().simple().to_string();
        Ok(exec!(&self.backend, pool => sqlx::query(
            "INSERT INTO connection_notices (id, connection_id, kind, detail, created_at) \
             SELECT $1 || ':' || id, id, $2, $3, $4 FROM connections WHERE amo_host = $5 AND id <> $6")
            .bind(prefix)
            .bind(kind)
            .bind(detail)
            .bind(at)
            .bind(amo_host)
            .bind(except.to_string())
            .execute(pool)
            .await
            .map_err(db)?))
    }

    async fn has_unseen_notices(&self, connection: ConnectionId) -> Result<bool, StoreError> {
        let found: Option<i64> = on_pool!(&self.backend, pool => sqlx::query_scalar(
            "SELECT created_at FROM connection_notices WHERE connection_id = $1 AND seen_at IS NULL LIMIT 1")
            .bind(connection.to_string())
            .fetch_optional(pool)
            .await
            .map_err(db)?);
        Ok(found.is_some())
    }

    async fn take_unseen_notices(
        &self,
        connection: ConnectionId,
        at: i64,
    ) -> Result<Vec<ConnectionNotice>, StoreError> {
        // Seen notices are kept for a while (what the block said, and when), then forgotten.
        exec!(&self.backend, pool => sqlx::query(
            "DELETE FROM connection_notices WHERE seen_at IS NOT NULL AND seen_at < $1")
            .bind(at.saturating_sub(NOTICE_KEEP_SECS))
            .execute(pool)
            .await
            .map_err(db)?);
        // Marking and reading in one statement: a concurrent caller finds nothing left to mark.
        let mut rows: Vec<(String, String, i64)> = on_pool!(&self.backend, pool => sqlx::query_as(
            "UPDATE connection_notices SET seen_at = $2 WHERE connection_id = $1 AND seen_at IS NULL \
             RETURNING kind, detail, created_at")
            .bind(connection.to_string())
            .bind(at)
            .fetch_all(pool)
            .await
            .map_err(db)?);
        rows.sort_by_key(|(_, _, created_at)| *created_at);
        Ok(rows
            .into_iter()
            .map(|(kind, detail, created_at)| ConnectionNotice {
                connection_id: connection,
                kind,
                detail,
                created_at,
                seen_at: Some(at),
            })
            .collect())
    }

    async fn consume_nonce(&self, nonce: &str, expires_at: i64) -> Result<bool, StoreError> {
        let at = now();
        exec!(&self.backend, pool => sqlx::query("DELETE FROM nonces WHERE expires_at < $1")
            .bind(at)
            .execute(pool)
            .await
            .map_err(db)?);
        let inserted = exec!(&self.backend, pool => sqlx::query(
            "INSERT INTO nonces (nonce, expires_at) VALUES ($1, $2) ON CONFLICT (nonce) DO NOTHING")
            .bind(nonce)
            .bind(expires_at)
            .execute(pool)
            .await
            .map_err(db)?);
        Ok(inserted == 1)
    }

    async fn nonce_used(&self, nonce: &str) -> Result<bool, StoreError> {
        let found: Option<i64> = on_pool!(&self.backend, pool => sqlx::query_scalar(
            "SELECT expires_at FROM nonces WHERE nonce = $1 AND expires_at >= $2")
            .bind(nonce)
            .bind(now())
            .fetch_optional(pool)
            .await
            .map_err(db)?);
        Ok(found.is_some())
    }

    async fn release_nonce(&self, nonce: &str) -> Result<(), StoreError> {
        exec!(&self.backend, pool => sqlx::query("DELETE FROM nonces WHERE nonce = $1")
            .bind(nonce)
            .execute(pool)
            .await
            .map_err(db)?);
        Ok(())
    }
}
