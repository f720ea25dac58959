//! The persistence port of the domain: what the rules need to remember, and nothing about how.
//!
//! `crates/store` implements [`Store`] on SQLite and PostgreSQL. Every method is atomic on its own;
//! the only multi-step operation, a token refresh, is fenced by a [`RefreshGuard`] so that exactly
//! one refresh runs per connection at a time — inside one process and, on PostgreSQL, across replicas.

use async_trait::async_trait;
use secrecy::SecretString;

mod audit;
mod records;

pub use audit::{AuditAction, AuditEntry, AuditResult};
pub use records::{
    Connection, ConnectionId, ConnectionMeta, ConnectionNotice, ConnectionStatus, FieldChoices,
    IdempotencyClaim, StageChange, StoredTokens, TriggerSecretRecord,
};

/// Errors a store reports.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum StoreError {
    /// The database could not be reached or answered with an error.
    #[error("database error")]
    Database(#[source] crate::Cause),
    /// A stored token could not be decrypted (wrong key, or tampered row).
    #[error("stored token could not be decrypted: {0}")]
    Crypto(String),
    /// A stored row could not be understood.
    #[error("corrupt stored data: {0}")]
    Corrupt(String),
    /// The thing to change does not exist.
    #[error("not found: {0}")]
    NotFound(String),
}

/// Exclusive right to refresh one connection's tokens.
///
/// Dropping the guard without calling a consuming method releases it and changes nothing.
#[async_trait]
pub trait RefreshGuard: Send {
    /// The connection as read while holding the lock: if its `token_version` moved since the caller last
    /// looked, someone else already refreshed and the caller should simply use these tokens.
    fn connection(&self) -> &Connection;

    /// Stores the rotated token pair, marks the connection active, and releases the lock.
    /// Returns the connection as stored.
    async fn save_tokens(self: Box<Self>, tokens: &StoredTokens) -> Result<Connection, StoreError>;

    /// Drops the tokens and marks the connection as needing login, then releases the lock.
    async fn mark_needs_login(self: Box<Self>) -> Result<(), StoreError>;
}

/// Everything the domain persists.
#[async_trait]
pub trait Store: Send + Sync + 'static {
    /// Succeeds when the database answers (readiness).
    async fn ping(&self) -> Result<(), StoreError>;

    /// The connection for a Usedesk account and an amoCRM host, if any.
    async fn find_connection(
        &self,
        usedesk_account: &str,
        amo_host: &str,
    ) -> Result<Option<Connection>, StoreError>;

    /// The connection with this Integration ID, if any.
    async fn get_connection(&self, id: ConnectionId) -> Result<Option<Connection>, StoreError>;

    /// Creates the connection for (Usedesk account, amoCRM host) with these tokens, or, when it exists,
    /// replaces its tokens and marks it active — keeping its id, so triggers keep working after a re-login.
    async fn save_login(
        &self,
        usedesk_account: &str,
        amo_host: &str,
        tokens: &StoredTokens,
        usedesk_token: Option<&SecretString>,
    ) -> Result<Connection, StoreError>;

    /// The trigger secret of the connection with this Integration ID; `None` when there is no such connection.
    /// Reads nothing else (no token is decrypted), so an unauthenticated trigger costs one indexed read.
    async fn get_trigger_secret(
        &self,
        id: ConnectionId,
    ) -> Result<Option<TriggerSecretRecord>, StoreError>;

    /// Replaces the connection's trigger secret hash (the old secret stops working at once) and records when.
    /// [`StoreError::NotFound`] when there is no such connection.
    async fn set_trigger_secret_hash(
        &self,
        id: ConnectionId,
        hash: &str,
        at: i64,
    ) -> Result<(), StoreError>;

    /// Waits for, then takes, the exclusive right to refresh this connection's tokens.
    async fn lock_for_refresh(&self, id: ConnectionId)
    -> Result<Box<dyn RefreshGuard>, StoreError>;

    /// The amoCRM contact a Usedesk client is linked to, if any.
    async fn get_link(
        &self,
        connection: ConnectionId,
        usedesk_client_id: i64,
    ) -> Result<Option<i64>, StoreError>;

    /// Links a Usedesk client to an amoCRM contact, replacing any earlier link.
    async fn set_link(
        &self,
        connection: ConnectionId,
        usedesk_client_id: i64,
        contact_id: i64,
    ) -> Result<(), StoreError>;

    /// Removes a Usedesk client's link; succeeds when there was none.
    async fn remove_link(
        &self,
        connection: ConnectionId,
        usedesk_client_id: i64,
    ) -> Result<(), StoreError>;

    /// The connection's field choices, if any were saved.
    async fn get_field_choices(
        &self,
        connection: ConnectionId,
    ) -> Result<Option<FieldChoices>, StoreError>;

    /// Saves the connection's field choices.
    async fn set_field_choices(
        &self,
        connection: ConnectionId,
        choices: &FieldChoices,
    ) -> Result<(), StoreError>;

    /// Claims an idempotency key for a request whose body hashes to `fingerprint`.
    ///
    /// A key held longer than `stale_after_secs` without finishing is taken over (its owner crashed);
    /// records older than `ttl_secs` are forgotten.
    async fn claim_idempotency(
        &self,
        connection: ConnectionId,
        key: &str,
        fingerprint: &str,
        ttl_secs: i64,
        stale_after_secs: i64,
    ) -> Result<IdempotencyClaim, StoreError>;

    /// Records how far the owner of a claimed key got, so a retry after a crash can resume.
    async fn record_idempotency_progress(
        &self,
        connection: ConnectionId,
        key: &str,
        progress: &str,
    ) -> Result<(), StoreError>;

    /// Stores the result for a claimed key; later claims get [`IdempotencyClaim::Done`].
    async fn finish_idempotency(
        &self,
        connection: ConnectionId,
        key: &str,
        result: &str,
    ) -> Result<(), StoreError>;

    /// Gives a claimed key up without a result (the work failed), keeping its recorded progress, so that a
    /// retry claims it at once and resumes from that progress.
    async fn release_idempotency(
        &self,
        connection: ConnectionId,
        key: &str,
    ) -> Result<(), StoreError>;

    /// Appends to the audit trail.
    async fn append_audit(&self, entry: &AuditEntry) -> Result<(), StoreError>;

    /// The newest audit entries of a connection, newest first.
    async fn list_audit(
        &self,
        connection: ConnectionId,
        limit: u32,
    ) -> Result<Vec<AuditEntry>, StoreError>;

    /// Adds a notice (`kind`, `detail`, time `at`) to every connection of `amo_host` except `except`.
    /// Returns how many connections got it.
    async fn add_host_notice(
        &self,
        amo_host: &str,
        except: ConnectionId,
        kind: &str,
        detail: &str,
        at: i64,
    ) -> Result<u64, StoreError>;

    /// Whether the connection has notices no block has shown yet.
    async fn has_unseen_notices(&self, connection: ConnectionId) -> Result<bool, StoreError>;

    /// The connection's unseen notices, oldest first, marked seen at `at` in the same step: each notice is
    /// returned once, even to concurrent callers.
    async fn take_unseen_notices(
        &self,
        connection: ConnectionId,
        at: i64,
    ) -> Result<Vec<ConnectionNotice>, StoreError>;

    /// The connection's [`ConnectionMeta`]; `None` when none was written.
    async fn get_connection_meta(
        &self,
        connection: ConnectionId,
    ) -> Result<Option<ConnectionMeta>, StoreError>;

    /// Writes the connection's [`ConnectionMeta`], replacing what was there.
    async fn save_connection_meta(
        &self,
        connection: ConnectionId,
        meta: &ConnectionMeta,
    ) -> Result<(), StoreError>;

    /// The connections whose amoCRM account has this id.
    async fn connections_of_amo_account(
        &self,
        amo_account_id: i64,
    ) -> Result<Vec<ConnectionId>, StoreError>;

    /// Remembers that a deal was created from a Usedesk ticket (the first ticket wins).
    async fn remember_deal_ticket(
        &self,
        connection: ConnectionId,
        deal_id: i64,
        ticket_id: i64,
        at: i64,
    ) -> Result<(), StoreError>;

    /// Claims a stage change of a deal created from a ticket, so it is commented on once: returns the ticket when
    /// the deal has one and the change is newer than the last claimed one (a later time; or the same time,
    /// continuing from the last claimed stage; or, with no time, another stage). Atomic: of concurrent claims of
    /// one change, one wins.
    async fn claim_stage_change(
        &self,
        connection: ConnectionId,
        change: &StageChange,
    ) -> Result<Option<i64>, StoreError>;

    /// Disconnects: drops the amoCRM and Usedesk tokens (the connection needs a login), its webhook subscription
    /// and login details; and, unless `keep_settings`, its links, field choices and deals' tickets. One
    /// transaction. Returns `false` when there is no such connection.
    async fn disconnect(
        &self,
        connection: ConnectionId,
        keep_settings: bool,
        at: i64,
    ) -> Result<bool, StoreError>;

    /// The connection's account metadata snapshot (the domain's own JSON) and when it was fetched (unix seconds).
    async fn get_metadata_snapshot(
        &self,
        connection: ConnectionId,
    ) -> Result<Option<(String, i64)>, StoreError>;

    /// Replaces the connection's account metadata snapshot.
    async fn put_metadata_snapshot(
        &self,
        connection: ConnectionId,
        body: &str,
        fetched_at: i64,
    ) -> Result<(), StoreError>;

    /// Records a single-use nonce until `expires_at` (unix seconds). Returns `false` when it was already used.
    async fn consume_nonce(&self, nonce: &str, expires_at: i64) -> Result<bool, StoreError>;

    /// Whether a nonce was consumed and is still remembered (without consuming it).
    async fn nonce_used(&self, nonce: &str) -> Result<bool, StoreError>;

    /// Forgets a consumed nonce, so its token can be used once more (its action failed without writing anything).
    async fn release_nonce(&self, nonce: &str) -> Result<(), StoreError>;
}
