//! What the Usedesk stand-in keeps: clients, tickets, agents and the comments posted through the API.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};
use serde_json::{Value, json};

/// A comment created through `POST /create/comment`, as a test inspects it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct UsedeskComment {
    /// The id the API answered with.
    pub comment_id: i64,
    /// The ticket it was posted to.
    pub ticket_id: i64,
    /// The message, HTML allowed, as sent.
    pub message: String,
    /// `private` (Usedesk's default) or `public`.
    pub kind: String,
    /// `user`, `client` or `trigger`.
    pub from: String,
    /// The authoring agent when `from` is `user` (the first agent when none was named).
    pub user_id: Option<i64>,
    /// The trigger when `from` is `trigger`.
    pub trigger_id: Option<i64>,
    /// When it was posted, `YYYY-MM-DD HH:MM:SS` in UTC as Usedesk writes dates.
    pub published_at: String,
}

/// A Usedesk client.
#[derive(Debug, Clone)]
pub(crate) struct Client {
    pub id: i64,
    pub name: String,
    pub emails: Vec<String>,
    /// `(type, phone)` pairs; types are `home`, `mobile`, `stationary`, `fax`, `other`.
    pub phones: Vec<(String, String)>,
    pub note: String,
    pub position: String,
    pub created_at: String,
}

/// A Usedesk ticket with the client's first message.
#[derive(Debug, Clone)]
pub(crate) struct Ticket {
    pub id: i64,
    pub subject: String,
    pub client_id: i64,
    pub status_id: i64,
    pub channel_id: i64,
    pub email: Option<String>,
    pub published_at: String,
    pub last_updated_at: String,
    pub assignee_id: Option<i64>,
    pub group: Option<i64>,
    pub first_message: String,
}

/// A Usedesk agent.
#[derive(Debug, Clone)]
pub(crate) struct Agent {
    pub id: i64,
    pub name: String,
    pub email: String,
    pub group_id: i64,
    pub group_name: String,
}

/// The whole Usedesk company.
#[derive(Debug, Clone, Default)]
pub(crate) struct Usedesk {
    pub clients: BTreeMap<i64, Client>,
    pub tickets: BTreeMap<i64, Ticket>,
    pub agents: Vec<Agent>,
    pub comments: Vec<UsedeskComment>,
    pub next_comment_id: i64,
    pub next_ticket_id: i64,
    pub next_client_id: i64,
}

impl Client {
    /// The client object of `/client` and `/clients`.
    pub(crate) fn to_json(&self, tickets: &[i64]) -> Value {
        let emails: Vec<Value> = self
            .emails
            .iter()
            .enumerate()
            .map(|(i, email)| {
                json!({ "id": self.id * 100 + i as i64, "email": email, "client_id": self.id, "fullcontact": null, "status": "active" })
            })
            .collect();
        let phones: Vec<Value> = self
            .phones
            .iter()
            .enumerate()
            .map(|(i, (kind, phone))| json!({ "id": self.id * 100 + 50 + i as i64, "phone": phone, "type": kind, "client_id": self.id }))
            .collect();
        json!({
            "id": self.id,
            "name": self.name,
            "avatar": null,
            "position": self.position,
            "note": self.note,
            "company_id": 7001,
            "spammer": 0,
            "vip": 0,
            "client_company_id": null,
            "created_at": self.created_at,
            "tickets": tickets,
            "emails": emails,
            "phones": phones,
            "social_networks": [],
            "messengers": [],
            "addresses": [],
            "sites": [],
            "client_company": null,
        })
    }
}

impl Usedesk {
    /// The ids of a client's tickets.
    pub(crate) fn tickets_of(&self, client_id: i64) -> Vec<i64> {
        self.tickets
            .values()
            .filter(|t| t.client_id == client_id)
            .map(|t| t.id)
            .collect()
    }
}
