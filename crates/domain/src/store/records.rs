//! The records the store keeps: connections and their tokens, trigger secrets, field choices, idempotency claims,
//! notices, what is known of a connection besides its tokens, and stage changes.

use std::fmt;

use secrecy::SecretString;
use serde::{Deserialize, Serialize};
use uuid::Uuid;

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
