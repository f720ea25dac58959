//! The refresh lock: one token refresh per connection at a time — an in-process mutex everywhere, and on
//! PostgreSQL also the connection's row, locked by a transaction until the rotated tokens commit.

use std::sync::Arc;

use async_trait::async_trait;
use domain::now;
use domain::store::{Connection, ConnectionId, RefreshGuard, StoreError, StoredTokens};
use sqlx::{Postgres, Transaction};
use tokio::sync::OwnedMutexGuard;

use super::connections::{CONNECTION_COLUMNS, ConnectionRow};
use super::{Backend, SqlStore, db};

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

impl SqlStore {
    fn process_lock(&self, id: ConnectionId) -> Arc<tokio::sync::Mutex<()>> {
        let mut locks = self.refresh_locks.lock().unwrap_or_else(|p| p.into_inner());
        locks.entry(id).or_default().clone()
    }

    pub(super) async fn refresh_guard(
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
}
