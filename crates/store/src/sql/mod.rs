//! [`SqlStore`]: the one implementation of [`Store`] for both SQLite and PostgreSQL.
//!
//! Every query is written once in SQL both databases accept (`$1` placeholders, `ON CONFLICT`), and run
//! against whichever pool is open. The refresh lock is an in-process mutex per connection; on PostgreSQL
//! it is also a row lock (`SELECT … FOR UPDATE`) held until the new tokens are committed, which is what
//! makes one refresh at a time hold across replicas.
//!
//! One file per table, each an `impl SqlStore` block: `connections.rs`, `trigger_secrets.rs`, `refresh.rs`
//! (the refresh lock), `links.rs` (links and field choices), `idempotency.rs`, `audit.rs`, `notices.rs`,
//! `nonces.rs`, `meta.rs` (login details, webhooks, deals' tickets, disconnecting), `handoff.rs` (the rate
//! limiter's last window, handed from a stopping server to the next, outside the `Store` trait since only the
//! server binary needs it); `open.rs` opens the pool. Rust allows one `impl Store for SqlStore`, so the one below
//! only delegates to them.

use std::collections::HashMap;
use std::sync::{Arc, Mutex};

use async_trait::async_trait;
use domain::store::{
    AuditEntry, Connection, ConnectionId, ConnectionMeta, ConnectionNotice, FieldChoices,
    IdempotencyClaim, RefreshGuard, StageChange, Store, StoreError, StoredTokens,
    TriggerSecretRecord,
};
use secrecy::SecretString;
use sqlx::{PgPool, SqlitePool};

use crate::crypto::TokenCipher;

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

/// Declares a row struct and its `sqlx::FromRow`, reading each field from the column of the same name.
///
/// Written by hand rather than `#[derive(sqlx::FromRow)]`: the derive needs sqlx's `derive` feature, which builds
/// `sqlx-macros-core` with both database drivers (a second bundled SQLite) as a proc-macro dependency.
macro_rules! row {
    ($(#[$meta:meta])* struct $name:ident { $($(#[$field_meta:meta])* $field:ident: $ty:ty),* $(,)? }) => {
        $(#[$meta])*
        pub(super) struct $name {
            $($(#[$field_meta])* pub(super) $field: $ty),*
        }

        impl<'r, R> sqlx::FromRow<'r, R> for $name
        where
            R: sqlx::Row,
            &'r str: sqlx::ColumnIndex<R>,
            $($ty: sqlx::Decode<'r, R::Database> + sqlx::Type<R::Database>),*
        {
            fn from_row(row: &'r R) -> Result<Self, sqlx::Error> {
                Ok(Self {
                    $($field: sqlx::Row::try_get(row, stringify!($field))?),*
                })
            }
        }
    };
}

mod audit;
mod connections;
mod handoff;
mod idempotency;
mod links;
mod meta;
mod nonces;
mod notices;
mod open;
mod refresh;
mod trigger_secrets;

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
    StoreError::Database(domain::Cause::new(error))
}

impl SqlStore {
    /// Whether this store is the embedded SQLite (one process) rather than PostgreSQL (replicas).
    pub fn is_sqlite(&self) -> bool {
        matches!(self.backend, Backend::Sqlite(_))
    }

    /// Closes the pool, waiting for in-flight queries.
    pub async fn close(&self) {
        on_pool!(&self.backend, pool => pool.close().await);
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
        self.connection_by_account(usedesk_account, amo_host).await
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
        self.upsert_login(usedesk_account, amo_host, tokens, usedesk_token)
            .await
    }

    async fn lock_for_refresh(
        &self,
        id: ConnectionId,
    ) -> Result<Box<dyn RefreshGuard>, StoreError> {
        self.refresh_guard(id).await
    }

    async fn get_trigger_secret(
        &self,
        id: ConnectionId,
    ) -> Result<Option<TriggerSecretRecord>, StoreError> {
        self.trigger_secret_of(id).await
    }

    async fn set_trigger_secret_hash(
        &self,
        id: ConnectionId,
        hash: &str,
        at: i64,
    ) -> Result<(), StoreError> {
        self.store_trigger_secret_hash(id, hash, at).await
    }

    async fn get_link(
        &self,
        connection: ConnectionId,
        usedesk_client_id: i64,
    ) -> Result<Option<i64>, StoreError> {
        self.link_of(connection, usedesk_client_id).await
    }

    async fn set_link(
        &self,
        connection: ConnectionId,
        usedesk_client_id: i64,
        contact_id: i64,
    ) -> Result<(), StoreError> {
        self.upsert_link(connection, usedesk_client_id, contact_id)
            .await
    }

    async fn remove_link(
        &self,
        connection: ConnectionId,
        usedesk_client_id: i64,
    ) -> Result<(), StoreError> {
        self.delete_link(connection, usedesk_client_id).await
    }

    async fn get_field_choices(
        &self,
        connection: ConnectionId,
    ) -> Result<Option<FieldChoices>, StoreError> {
        self.field_choices_of(connection).await
    }

    async fn set_field_choices(
        &self,
        connection: ConnectionId,
        choices: &FieldChoices,
    ) -> Result<(), StoreError> {
        self.upsert_field_choices(connection, choices).await
    }

    async fn get_metadata_snapshot(
        &self,
        connection: ConnectionId,
    ) -> Result<Option<(String, i64)>, StoreError> {
        self.metadata_snapshot_of(connection).await
    }

    async fn put_metadata_snapshot(
        &self,
        connection: ConnectionId,
        body: &str,
        fetched_at: i64,
    ) -> Result<(), StoreError> {
        self.upsert_metadata_snapshot(connection, body, fetched_at)
            .await
    }

    async fn claim_idempotency(
        &self,
        connection: ConnectionId,
        key: &str,
        fingerprint: &str,
        ttl_secs: i64,
        stale_after_secs: i64,
    ) -> Result<IdempotencyClaim, StoreError> {
        self.claim_key(connection, key, fingerprint, ttl_secs, stale_after_secs)
            .await
    }

    async fn record_idempotency_progress(
        &self,
        connection: ConnectionId,
        key: &str,
        progress: &str,
    ) -> Result<(), StoreError> {
        self.record_key_progress(connection, key, progress).await
    }

    async fn finish_idempotency(
        &self,
        connection: ConnectionId,
        key: &str,
        result: &str,
    ) -> Result<(), StoreError> {
        self.finish_key(connection, key, result).await
    }

    async fn release_idempotency(
        &self,
        connection: ConnectionId,
        key: &str,
    ) -> Result<(), StoreError> {
        self.release_key(connection, key).await
    }

    async fn append_audit(&self, entry: &AuditEntry) -> Result<(), StoreError> {
        self.insert_audit(entry).await
    }

    async fn list_audit(
        &self,
        connection: ConnectionId,
        limit: u32,
    ) -> Result<Vec<AuditEntry>, StoreError> {
        self.audit_page(connection, limit).await
    }

    async fn add_host_notice(
        &self,
        amo_host: &str,
        except: ConnectionId,
        kind: &str,
        detail: &str,
        at: i64,
    ) -> Result<u64, StoreError> {
        self.insert_host_notice(amo_host, except, kind, detail, at)
            .await
    }

    async fn has_unseen_notices(&self, connection: ConnectionId) -> Result<bool, StoreError> {
        self.any_unseen_notice(connection).await
    }

    async fn take_unseen_notices(
        &self,
        connection: ConnectionId,
        at: i64,
    ) -> Result<Vec<ConnectionNotice>, StoreError> {
        self.mark_and_take_notices(connection, at).await
    }

    async fn get_connection_meta(
        &self,
        connection: ConnectionId,
    ) -> Result<Option<ConnectionMeta>, StoreError> {
        self.meta_of(connection).await
    }

    async fn save_connection_meta(
        &self,
        connection: ConnectionId,
        meta: &ConnectionMeta,
    ) -> Result<(), StoreError> {
        self.upsert_meta(connection, meta).await
    }

    async fn connections_of_amo_account(
        &self,
        amo_account_id: i64,
    ) -> Result<Vec<ConnectionId>, StoreError> {
        self.connections_with_account(amo_account_id).await
    }

    async fn remember_deal_ticket(
        &self,
        connection: ConnectionId,
        deal_id: i64,
        ticket_id: i64,
        at: i64,
    ) -> Result<(), StoreError> {
        self.insert_deal_ticket(connection, deal_id, ticket_id, at)
            .await
    }

    async fn claim_stage_change(
        &self,
        connection: ConnectionId,
        change: &StageChange,
    ) -> Result<Option<i64>, StoreError> {
        self.claim_change(connection, change).await
    }

    async fn disconnect(
        &self,
        connection: ConnectionId,
        keep_settings: bool,
        at: i64,
    ) -> Result<bool, StoreError> {
        self.drop_connection_access(connection, keep_settings, at)
            .await
    }

    async fn consume_nonce(&self, nonce: &str, expires_at: i64) -> Result<bool, StoreError> {
        self.insert_nonce(nonce, expires_at).await
    }

    async fn nonce_used(&self, nonce: &str) -> Result<bool, StoreError> {
        self.nonce_remembered(nonce).await
    }

    async fn release_nonce(&self, nonce: &str) -> Result<(), StoreError> {
        self.delete_nonce(nonce).await
    }
}
