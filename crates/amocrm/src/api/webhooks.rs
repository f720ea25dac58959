//! `/api/v4/webhooks`: subscribing an account's events to a URL (administrators only).

use reqwest::Method;
use serde::{Deserialize, Serialize};

use crate::Error;
use crate::client::{AmoClient, Call};

const LIST: &str = "GET /api/v4/webhooks";
const SUBSCRIBE: &str = "POST /api/v4/webhooks";
const UNSUBSCRIBE: &str = "DELETE /api/v4/webhooks";

/// A subscription to create: where amoCRM posts, and which events (`add_lead`, `update_lead`, `status_lead`,
/// `delete_lead`, `add_contact`, `update_contact`, `note_lead`, `add_task`, …).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct NewWebhook {
    /// The URL amoCRM posts to.
    pub destination: String,
    /// The events.
    pub settings: Vec<String>,
    /// The order among the account's hooks, when given.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub sort: Option<i64>,
}

/// A subscription as amoCRM reports it.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
pub struct Webhook {
    /// Its id.
    #[serde(default)]
    pub id: Option<i64>,
    /// The URL amoCRM posts to.
    pub destination: String,
    /// The events.
    #[serde(default)]
    pub settings: Vec<String>,
    /// Whether amoCRM turned it off (after too many failed deliveries).
    #[serde(default)]
    pub disabled: bool,
    /// Its order among the account's hooks.
    #[serde(default)]
    pub sort: Option<i64>,
}

#[derive(Deserialize)]
struct Listed {
    #[serde(default, rename = "_embedded")]
    embedded: Option<Embedded>,
}

#[derive(Deserialize)]
struct Embedded {
    #[serde(default)]
    webhooks: Vec<Webhook>,
}

/// Webhook subscriptions; see [`AmoClient::webhooks`].
#[derive(Debug, Clone, Copy)]
pub struct WebhooksApi<'a> {
    client: &'a AmoClient,
}

impl<'a> WebhooksApi<'a> {
    pub(crate) fn new(client: &'a AmoClient) -> Self {
        WebhooksApi { client }
    }

    /// The account's subscriptions, only those posting to `destination` when given (204 → none).
    pub async fn list(&self, destination: Option<&str>) -> Result<Vec<Webhook>, Error> {
        let query: Vec<(String, String)> = destination
            .map(|d| ("filter[destination]".to_owned(), d.to_owned()))
            .into_iter()
            .collect();
        let url = self.client.url("/api/v4/webhooks", &query);
        let listed: Option<Listed> = self.client.fetch(&Call::get(LIST, url)).await?;
        Ok(listed
            .and_then(|l| l.embedded)
            .map(|e| e.webhooks)
            .unwrap_or_default())
    }

    /// Subscribes `hook.destination` to `hook.settings`. amoCRM answers with the subscription; subscribing
    /// the same destination again replaces its events.
    pub async fn subscribe(&self, hook: &NewWebhook) -> Result<Webhook, Error> {
        if hook.settings.is_empty() {
            return Err(Error::InvalidArgument(
                "a webhook needs at least one event".into(),
            ));
        }
        let url = self.client.url("/api/v4/webhooks", &[]);
        let call = Call::with_json(Method::POST, SUBSCRIBE, url, hook)?;
        self.client
            .fetch(&call)
            .await?
            .ok_or_else(|| Error::Decode {
                endpoint: SUBSCRIBE,
                message: "the subscription was answered with no content".to_owned(),
            })
    }

    /// Removes the subscription posting to `destination`. Removing one that does not exist is not an error
    /// (the goal, no subscription, holds).
    pub async fn unsubscribe(&self, destination: &str) -> Result<(), Error> {
        let url = self.client.url("/api/v4/webhooks", &[]);
        let body = serde_json::json!({ "destination": destination });
        let call = Call::with_json(Method::DELETE, UNSUBSCRIBE, url, &body)?;
        match self.client.execute(&call).await {
            Ok(_) | Err(Error::NotFound) => Ok(()),
            Err(e) => Err(e),
        }
    }
}
