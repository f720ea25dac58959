//! The persistence port of the domain: what the rules need to remember, and nothing about how.
//!
//! `crates/store` implements [`Store`] on SQLite and PostgreSQL. Every method is atomic on its own;
//! the only multi-step operation, a token refresh, is fenced by a [`RefreshGuard`] so that exactly
//! one refresh runs per connection at a time — inside one process and, on PostgreSQL, across replicas.

use std::fmt;

use async_trait::async_trait;
use secrecy::SecretString;
use serde::{Deserialize, Serialize};
use uuid::Uuid;

mod audit;

pub use audit::{AuditAction, AuditEntry, AuditResult};

/// A connection's id: the "Integration ID" (`amoClientId`) that Usedesk triggers send.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
pub struct ConnectionId(pub Uuid);

impl ConnectionId {
    /// A new random id.
    pub fn new_random() -> Self {
        Self(Uuid::new_v4())
    }

    /// Parses the textual form (any case, hyphenated).
    pub fn parse(text: &str) -> Option<Self> {
        Uuid::parse_str(text.trim()).ok().map(Self)
    }
}

impl fmt::Display for ConnectionId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        self.0.hyphenated().fmt(f)
    }
}

/// Whether a connection can call amoCRM right now.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum ConnectionStatus {
    /// Tokens are present and were last known to work.
    Active,
    /// amoCRM refused the tokens (revoked, expired refresh token, install deactivated): an agent must log in again.
    NeedsLogin,
}

impl ConnectionStatus {
    /// The stored spelling.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Active => "active",
            Self::NeedsLogin => "needs_login",
        }
    }

    /// Parses the stored spelling; anything unknown is treated as needing login, the safe side.
    pub fn from_stored(text: &str) -> Self {
        match text {
            "active" => Self::Active,
            _ => Self::NeedsLogin,
        }
    }
}

/// An OAuth token pair as the domain keeps it. Secrets stay wrapped until the one line that builds a header.
#[derive(Debug, Clone)]
pub struct StoredTokens {
    /// The bearer token for API calls.
    pub access_token: SecretString,
    /// The refresh token; `None` for long-lived tokens.
    pub refresh_token: Option<SecretString>,
    /// When the access token expires, as unix seconds; `None` when unknown.
    pub expires_at: Option<i64>,
}

/// One (Usedesk account, amoCRM account) pair.
#[derive(Debug, Clone)]
pub struct Connection {
    /// The Integration ID.
    pub id: ConnectionId,
    /// The Usedesk account: a hash of its API token, never the token itself.
    pub usedesk_account: String,
    /// The amoCRM account: its normalised base URL, e.g. `https://hogwarts.amocrm.ru`.
    pub amo_host: String,
    /// Whether the tokens can be used.
    pub status: ConnectionStatus,
    /// The tokens; `None` after they were revoked.
    pub tokens: Option<StoredTokens>,
    /// The Usedesk API token of the account, kept (encrypted) so triggers can read tickets and post comments.
    pub usedesk_token: Option<SecretString>,
    /// Incremented on every token write, so a reader can tell whether someone else refreshed meanwhile.
    pub token_version: i64,
    /// Creation time, unix seconds.
    pub created_at: i64,
    /// Last change, unix seconds.
    pub updated_at: i64,
}

/// A connection's trigger secret as stored: never the secret, only its hash.
#[derive(Clone, PartialEq, Eq)]
pub struct TriggerSecretRecord {
    /// The secret's hash (see [`crate::trigger_secret`]); `None` while no secret was ever created.
    pub hash: Option<String>,
    /// When the current secret was created, unix seconds.
    pub created_at: Option<i64>,
}

impl fmt::Debug for TriggerSecretRecord {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        // A hash of a high-entropy secret gives nothing away, but a log has no use for it either.
        f.debug_struct("TriggerSecretRecord")
            .field("hash", &self.hash.as_ref().map(|_| "[set]"))
            .field("created_at", &self.created_at)
            .finish()
    }
}

/// Which fields the deals list and the deal card show, per connection.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, Default)]
pub struct FieldChoices {
    /// Fields shown in the deals list, in order.
    #[serde(deserialize_with = "crate::keys::known_field_keys")]
    pub list: Vec<crate::FieldKey>,
    /// Fields shown in the deal card, in order.
    #[serde(deserialize_with = "crate::keys::known_field_keys")]
    pub card: Vec<crate::FieldKey>,
}

/// The outcome of claiming an idempotency key.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum IdempotencyClaim {
    /// Nobody holds the key: the caller owns it now and must finish or release it.
    Claimed {
        /// Progress a crashed earlier owner recorded, to resume from instead of starting again.
        progress: Option<String>,
    },
    /// Another caller is working on the same key right now.
    InProgress,
    /// The work was done before; here is its stored result.
    Done {
        /// The first call's result, as stored.
        result: String,
    },
    /// The key was used before for a different request body.
    Conflict,
}

/// Something a connection's block must say once (e.g. that another Usedesk account connected to the same
/// amoCRM account).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ConnectionNotice {
    /// The connection whose block shows it.
    pub connection_id: ConnectionId,
    /// What happened, e.g. `other_account_connected`.
    pub kind: String,
    /// The details, as the domain wrote them (JSON).
    pub detail: String,
    /// When it happened, unix seconds.
    pub created_at: i64,
    /// When a block showed it, unix seconds; `None` until then.
    pub seen_at: Option<i64>,
}

/// What the service knows about a connection besides its tokens: the amoCRM account and user it acts as, the
/// language of its login, its webhook subscription and its options. Written at login; `Default` is "nothing known".
#[derive(Clone, PartialEq, Eq)]
pub struct ConnectionMeta {
    /// The amoCRM account's id (what the "disconnect" hook names).
    pub amo_account_id: Option<i64>,
    /// The amoCRM user the tokens act as.
    pub amo_user_id: Option<i64>,
    /// That user's name, as amoCRM gave it at login.
    pub amo_user_name: Option<String>,
    /// When the connection was last logged in, unix seconds.
    pub connected_at: Option<i64>,
    /// The language of the block that logged in (what stage-change comments are written in), e.g. `ru`.
    pub lang: Option<String>,
    /// The hash of the secret in the webhook URL; `None` while no webhook is subscribed.
    pub webhook_secret_hash: Option<String>,
    /// The URL amoCRM posts the webhooks to (it carries the secret, so it is never shown).
    pub webhook_destination: Option<String>,
    /// When the webhook was subscribed, unix seconds.
    pub webhook_at: Option<i64>,
    /// Whether a stage change of a deal created from a ticket adds a private comment to that ticket.
    pub stage_comments: bool,
}

impl Default for ConnectionMeta {
    fn default() -> Self {
        Self {
            amo_account_id: None,
            amo_user_id: None,
            amo_user_name: None,
            connected_at: None,
            lang: None,
            webhook_secret_hash: None,
            webhook_destination: None,
            webhook_at: None,
            stage_comments: true,
        }
    }
}

impl fmt::Debug for ConnectionMeta {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        // The destination carries the webhook secret; neither it nor the hash belongs in a log.
        f.debug_struct("ConnectionMeta")
            .field("amo_account_id", &self.amo_account_id)
            .field("amo_user_id", &self.amo_user_id)
            .field("connected_at", &self.connected_at)
            .field("lang", &self.lang)
            .field(
                "webhook",
                &self.webhook_secret_hash.as_ref().map(|_| "[set]"),
            )
            .field("webhook_at", &self.webhook_at)
            .field("stage_comments", &self.stage_comments)
            .finish_non_exhaustive()
    }
}

/// A stage change reported by amoCRM, as the store decides whether it is new.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct StageChange {
    /// The deal.
    pub deal_id: i64,
    /// The stage it moved to.
    pub status_id: i64,
    /// The stage it came from, when amoCRM says.
    pub old_status_id: Option<i64>,
    /// When it changed, unix seconds, when amoCRM says.
    pub changed_at: Option<i64>,
}

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
