//! amoCRM webhooks: the subscription a login makes, and what a delivery changes.
//!
//! At login the connection's amoCRM account is subscribed to the events the block shows, at
//! `{public}/hooks/amocrm?c={Integration ID}&s={secret}`. The secret is 32 random bytes, new at every
//! subscription; only its hash is stored, and a delivery is verified in constant time before anything else is
//! read. amoCRM signs nothing, so the secret is what makes a delivery ours.
//!
//! A verified delivery drops exactly the cached data it touches (the rendered blocks that show the deal or
//! contact, every block of the connection for a new deal or contact, and the metadata when it names a stage or
//! field the cache does not know), so the next block is fresh at once. A stage change of a deal created from a
//! ticket is claimed in the store (once per change; late, repeated and reordered deliveries claim nothing) and
//! handed back to the caller, who writes the comment in the connection's language after answering amoCRM.
//!
//! Webhooks only accelerate: with none arriving, every cache still expires on its TTL.

use amocrm::{NewWebhook, WebhookDelivery};
use secrecy::ExposeSecret as _;
use sha2::{Digest as _, Sha256};
use subtle::ConstantTimeEq as _;
use url::Url;

use crate::Error;
use crate::service::Domain;
use crate::store::{Connection, ConnectionId, ConnectionMeta};

mod invalidate;
mod stage_comments;

pub use stage_comments::{StageComment, StageCommentFacts, StageOutcome};

/// The events a connection subscribes to (amoCRM's `settings` names).
pub const WEBHOOK_EVENTS: &[&str] = &[
    "add_lead",
    "update_lead",
    "status_lead",
    "delete_lead",
    "add_contact",
    "update_contact",
    "delete_contact",
    "note_lead",
    "add_task",
    "update_task",
];

/// Domain separation of the stored hash of a webhook secret.
const HASH_CONTEXT: &[u8] = b"usedesk-amocrm/webhook-secret/v1\0";

/// A presented secret longer than this is refused unhashed (a real one has 43 characters).
const MAX_SECRET_LEN: usize = 256;

/// The stored form of a webhook secret: hex SHA-256 of the domain-separated secret.
fn hash(secret: &str) -> String {
    let digest = Sha256::new()
        .chain_update(HASH_CONTEXT)
        .chain_update(secret.as_bytes())
        .finalize();
    digest.iter().map(|b| format!("{b:02x}")).collect()
}

/// Whether `presented` is the secret hashed into `stored`, compared in constant time.
fn secret_matches(presented: &str, stored: &str) -> bool {
    if presented.is_empty() || presented.len() > MAX_SECRET_LEN {
        return false;
    }
    hash(presented).as_bytes().ct_eq(stored.as_bytes()).into()
}

/// What a verified delivery did.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct WebhookReceipt {
    /// How many events it carried.
    pub events: usize,
    /// The stage changes claimed for a ticket comment.
    pub comments: Vec<StageComment>,
}

/// How a delivery was taken.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum WebhookVerdict {
    /// Verified and applied.
    Accepted(WebhookReceipt),
    /// Unknown connection, no webhook, a wrong secret or another account: nothing read, nothing changed.
    Refused,
    /// Verified, but the body could not be read as a delivery; nothing changed.
    Malformed(String),
}

/// A connection's details as the gear page shows them.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ConnectionDetails {
    /// The connection.
    pub connection: ConnectionId,
    /// Its amoCRM account host.
    pub amo_host: String,
    /// Whether it can call amoCRM.
    pub active: bool,
    /// What the service knows besides the tokens.
    pub meta: ConnectionMeta,
}

/// What a login recorded: the amoCRM user the block's actions appear as, and the webhook subscription.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LoginDetails {
    /// The amoCRM user's name, when the users list is readable.
    pub user_name: Option<String>,
    /// Whether amoCRM posts its changes to us.
    pub subscription: Subscription,
}

/// What a subscription attempt came to.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Subscription {
    /// amoCRM posts the events to our receiver.
    Subscribed,
    /// amoCRM refused (not an administrator, or the plan has no API webhooks): blocks live on TTLs.
    Refused(String),
}

impl Domain {
    /// After a login: records the amoCRM account and user and the block's language, and subscribes the account
    /// to [`WEBHOOK_EVENTS`] at `receiver` with a new secret (dropping the previous subscription). A refused
    /// subscription is reported, not an error: the block works on TTLs without webhooks.
    pub async fn connect_webhooks(
        &self,
        connection: &Connection,
        receiver: &Url,
        lang: &str,
    ) -> Result<LoginDetails, Error> {
        let client = self.client(connection).await?;
        let account_api = client.account();
        let account = crate::retry::read(|| account_api.get(&[])).await?;
        let users = client.users().list_all().await.ok();
        let user_name = users.as_ref().and_then(|users| {
            users
                .iter()
                .find(|u| u.id == account.current_user_id)
                .map(|u| u.name.clone())
        });
        let store = self.store();
        let previous = store.get_connection_meta(connection.id).await?;
        let mut meta = ConnectionMeta {
            amo_account_id: Some(account.id),
            amo_user_id: Some(account.current_user_id),
            amo_user_name: user_name,
            connected_at: Some(crate::now()),
            lang: Some(lang.to_owned()),
            webhook_secret_hash: None,
            webhook_destination: None,
            webhook_at: None,
            stage_comments: previous.as_ref().is_none_or(|p| p.stage_comments),
        };
        if let Some(old) = previous
            .as_ref()
            .and_then(|p| p.webhook_destination.as_deref())
            && let Err(e) = client.webhooks().unsubscribe(old).await
        {
            tracing::info!(error = %crate::Report(&e), "the previous webhook could not be removed");
        }
        let secret = crate::trigger_secret::generate()?;
        let mut destination = receiver.clone();
        destination
            .query_pairs_mut()
            .append_pair("c", &connection.id.to_string())
            .append_pair("s", secret.expose_secret());
        let hook = NewWebhook {
            destination: destination.to_string(),
            settings: WEBHOOK_EVENTS.iter().map(|s| (*s).to_owned()).collect(),
            sort: None,
        };
        let outcome = match client.webhooks().subscribe(&hook).await {
            Ok(_) => {
                meta.webhook_secret_hash = Some(hash(secret.expose_secret()));
                meta.webhook_destination = Some(hook.destination);
                meta.webhook_at = Some(crate::now());
                Subscription::Subscribed
            }
            Err(e) => {
                tracing::info!(error = %crate::Report(&e), "amoCRM refused the webhook subscription; blocks refresh on their TTLs");
                Subscription::Refused(e.to_string())
            }
        };
        store.save_connection_meta(connection.id, &meta).await?;
        Ok(LoginDetails {
            user_name: meta.amo_user_name,
            subscription: outcome,
        })
    }

    /// The connection's details for the gear page.
    pub async fn connection_details(&self, id: ConnectionId) -> Result<ConnectionDetails, Error> {
        let connection = self.connection_by_id(id).await?;
        let meta = self
            .store()
            .get_connection_meta(id)
            .await?
            .unwrap_or_default();
        Ok(ConnectionDetails {
            connection: id,
            amo_host: connection.amo_host,
            active: connection.tokens.is_some()
                && connection.status == crate::store::ConnectionStatus::Active,
            meta,
        })
    }

    /// Turns the stage-change comments of a connection on or off.
    pub async fn set_stage_comments(&self, id: ConnectionId, on: bool) -> Result<(), Error> {
        let store = self.store();
        let mut meta = store.get_connection_meta(id).await?.unwrap_or_default();
        meta.stage_comments = on;
        store.save_connection_meta(id, &meta).await?;
        Ok(())
    }

    /// Remembers that a deal was created from a ticket, so its stage changes are said there. A failure is
    /// logged: the deal exists either way.
    pub(crate) async fn remember_deal_ticket(&self, id: ConnectionId, deal_id: i64, ticket: i64) {
        if let Err(e) = self
            .store()
            .remember_deal_ticket(id, deal_id, ticket, crate::now())
            .await
        {
            tracing::warn!(error = %crate::Report(&e), deal_id, "could not remember the deal's ticket");
        }
    }

    /// Receives one webhook delivery for connection `connection` (as the URL names it) with secret `secret`.
    /// [`WebhookVerdict::Refused`] when the connection is unknown, has no webhook, or the secret is wrong:
    /// nothing was read beyond the one stored hash, nothing changed. Otherwise the caches the events touch are
    /// dropped and the stage changes to comment on are claimed and returned.
    pub async fn receive_webhook(
        &self,
        connection: &str,
        secret: &str,
        body: &[u8],
    ) -> Result<WebhookVerdict, Error> {
        let Some(id) = ConnectionId::parse(connection) else {
            return Ok(WebhookVerdict::Refused);
        };
        let Some(meta) = self.store().get_connection_meta(id).await? else {
            return Ok(WebhookVerdict::Refused);
        };
        let Some(stored) = meta.webhook_secret_hash.as_deref() else {
            return Ok(WebhookVerdict::Refused);
        };
        if !secret_matches(secret, stored) {
            return Ok(WebhookVerdict::Refused);
        }
        let delivery = match WebhookDelivery::parse(body) {
            Ok(delivery) => delivery,
            Err(e) => return Ok(WebhookVerdict::Malformed(e.to_string())),
        };
        if let (Some(expected), Some(sent)) = (meta.amo_account_id, delivery.account_id)
            && expected != sent
        {
            tracing::info!(
                expected,
                sent,
                "a webhook for another amoCRM account was ignored"
            );
            return Ok(WebhookVerdict::Refused);
        }
        self.invalidate_for(id, &delivery.events).await;
        let mut comments = Vec::new();
        if meta.stage_comments {
            for event in &delivery.events {
                if let Some(comment) = self.claim_comment(id, &meta, event).await? {
                    comments.push(comment);
                }
            }
        }
        Ok(WebhookVerdict::Accepted(WebhookReceipt {
            events: delivery.events.len(),
            comments,
        }))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_secret_matches_only_its_own_hash() {
        let stored = hash("the-secret");

        assert!(secret_matches("the-secret", &stored));
        assert!(!secret_matches("the-secreT", &stored));
        assert!(!secret_matches("", &stored));
        assert!(!secret_matches(&"x".repeat(300), &stored));
    }
}
