//! Tickets: `POST /ticket`.

use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};

use super::params;
use crate::client::{UsedeskClient, decode};
use crate::error::Error;
use crate::lenient::de;

/// A ticket with its comments and history, as `/ticket` returns it.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct TicketDetails {
    /// The ticket itself.
    pub ticket: Ticket,
    /// The ticket's comments, oldest first as Usedesk lists them.
    #[serde(default, deserialize_with = "de::list")]
    pub comments: Vec<Comment>,
    /// The ticket's change history.
    #[serde(default, deserialize_with = "de::list")]
    pub changes: Vec<Change>,
    /// Other keys of the answer, kept as sent.
    #[serde(flatten)]
    pub extra: Map<String, Value>,
}

/// A Usedesk ticket.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct Ticket {
    /// The ticket's id.
    #[serde(deserialize_with = "de::id")]
    pub id: i64,
    /// The status: 1 open, 2 solved, 3 closed, 4 deleted, 5 on hold, 6 pending,
    /// 7 spam, 8 new, 9 mailing, 10 merged.
    #[serde(default, deserialize_with = "de::opt_id")]
    pub status_id: Option<i64>,
    /// The subject.
    #[serde(default, deserialize_with = "de::opt_text")]
    pub subject: Option<String>,
    /// The client's id.
    #[serde(default, deserialize_with = "de::opt_id")]
    pub client_id: Option<i64>,
    /// The assigned agent's id.
    #[serde(default, deserialize_with = "de::opt_id")]
    pub assignee_id: Option<i64>,
    /// The assigned group's id (`0` when none).
    #[serde(default, deserialize_with = "de::opt_id")]
    pub group: Option<i64>,
    /// The e-mail field as Usedesk sends it (it may be `"0"`).
    #[serde(default, deserialize_with = "de::opt_text")]
    pub email: Option<String>,
    /// When the ticket was created, in Usedesk's `YYYY-MM-DD hh:mm:ss` form.
    #[serde(default, deserialize_with = "de::opt_text")]
    pub published_at: Option<String>,
    /// When the ticket last changed, in the same form.
    #[serde(default, deserialize_with = "de::opt_text")]
    pub last_updated_at: Option<String>,
    /// The Usedesk company (account) id.
    #[serde(default, deserialize_with = "de::opt_id")]
    pub company_id: Option<i64>,
    /// The channel's id.
    #[serde(default, deserialize_with = "de::opt_id")]
    pub channel_id: Option<i64>,
    /// Other keys (tags, custom fields, priority, …), kept as sent.
    #[serde(flatten)]
    pub extra: Map<String, Value>,
}

/// A comment in a ticket.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct Comment {
    /// The comment's id.
    #[serde(deserialize_with = "de::id")]
    pub id: i64,
    /// The text, possibly HTML.
    #[serde(default, deserialize_with = "de::opt_text")]
    pub message: Option<String>,
    /// Who wrote it: `user`, `client` or `trigger`.
    #[serde(default, deserialize_with = "de::opt_text")]
    pub from: Option<String>,
    /// The agent who wrote it.
    #[serde(default, deserialize_with = "de::opt_id")]
    pub user_id: Option<i64>,
    /// The client who wrote it.
    #[serde(default, deserialize_with = "de::opt_id")]
    pub client_id: Option<i64>,
    /// The ticket it belongs to.
    #[serde(default, deserialize_with = "de::opt_id")]
    pub ticket_id: Option<i64>,
    /// Whether it opened the ticket.
    #[serde(default, deserialize_with = "de::flag")]
    pub is_first: bool,
    /// When it was published, in Usedesk's `YYYY-MM-DD hh:mm:ss` form.
    #[serde(default, deserialize_with = "de::opt_text")]
    pub published_at: Option<String>,
    /// Other keys (`type`, `delivered`, `readed`, files, …), kept as sent.
    #[serde(flatten)]
    pub extra: Map<String, Value>,
}

/// One entry of a ticket's change history.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct Change {
    /// The change's id.
    #[serde(default, deserialize_with = "de::opt_id")]
    pub id: Option<i64>,
    /// The trigger that made it, if a trigger did.
    #[serde(default, deserialize_with = "de::opt_id")]
    pub trigger_id: Option<i64>,
    /// The agent who made it, if an agent did.
    #[serde(default, deserialize_with = "de::opt_id")]
    pub user_id: Option<i64>,
    /// What changed: `[{target, value}]`, kept as sent.
    #[serde(default, deserialize_with = "de::values")]
    pub data: Vec<Value>,
    /// When it happened.
    #[serde(default, deserialize_with = "de::opt_text")]
    pub changed_at: Option<String>,
    /// Other keys (old and new status, …), kept as sent.
    #[serde(flatten)]
    pub extra: Map<String, Value>,
}

impl Comment {
    /// The message as plain text (see [`crate::plain_text`]); empty when there is none.
    pub fn text(&self) -> String {
        self.message
            .as_deref()
            .map(crate::plain_text)
            .unwrap_or_default()
    }
}

impl UsedeskClient {
    /// The ticket `ticket_id`, with its comments and history (`POST /ticket`).
    pub async fn ticket(&self, ticket_id: i64) -> Result<TicketDetails, Error> {
        const METHOD: &str = "ticket";
        let answer = self
            .call_value(METHOD, params([("ticket_id", ticket_id.into())]))
            .await?;
        // An answer without a ticket object means there is no such ticket.
        let has_ticket = answer.get("ticket").is_some_and(Value::is_object);
        if !has_ticket && answer.get("ticket").is_some() {
            return Err(Error::NotFound {
                body: format!("no ticket {ticket_id} in Usedesk's answer"),
            });
        }
        decode(METHOD, answer)
    }
}
