//! What amoCRM sends to us rather than answers: account webhooks ([`WebhookDelivery::parse`]) and the
//! integration's signed "disconnect" hook ([`DisconnectHook`]).
//!
//! Webhooks arrive as `application/x-www-form-urlencoded` with PHP-style nested keys —
//! `leads[status][0][id]=…&account[subdomain]=…` — and v2-style fields, every value a string. The parser is
//! tolerant: unknown entities and actions are kept by name, every field of an item is kept raw, and typed
//! accessors read the few fields the service acts on. It is bounded: at most [`MAX_WEBHOOK_PAIRS`] pairs.

use std::collections::BTreeMap;

use hmac::{Hmac, Mac};
use secrecy::{ExposeSecret, SecretString};
use sha2::Sha256;

use crate::Error;

/// The most `key=value` pairs one delivery may carry; a larger one is refused unread.
pub const MAX_WEBHOOK_PAIRS: usize = 5_000;

/// One webhook delivery: the account it is from and its events, in the order their first field appeared.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct WebhookDelivery {
    /// `account[id]`.
    pub account_id: Option<i64>,
    /// `account[subdomain]`.
    pub subdomain: Option<String>,
    /// One event per `{entity}[{action}][{n}]` item.
    pub events: Vec<WebhookEvent>,
}

/// What a webhook event is about. Companies arrive under `contacts` with `type=company`.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum WebhookEntity {
    /// `leads`.
    Lead,
    /// `contacts` with `type=contact` (or no type).
    Contact,
    /// `contacts` with `type=company`, or `companies`.
    Company,
    /// `task` / `tasks`.
    Task,
    /// Anything else (`unsorted`, `talk`, `message`, `catalogs`, `customers`, …), by its key.
    Other(String),
}

/// What happened.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum WebhookAction {
    /// `add`.
    Add,
    /// `update`.
    Update,
    /// `delete`.
    Delete,
    /// `restore`.
    Restore,
    /// `status`: a lead moved to another stage.
    Status,
    /// `responsible`: the responsible user changed.
    Responsible,
    /// `note`: a note was added to the entity.
    Note,
    /// Anything else, by its key.
    Other(String),
}

impl WebhookAction {
    fn of(key: &str) -> Self {
        match key {
            "add" => Self::Add,
            "update" => Self::Update,
            "delete" => Self::Delete,
            "restore" => Self::Restore,
            "status" => Self::Status,
            "responsible" => Self::Responsible,
            "note" => Self::Note,
            other => Self::Other(other.to_owned()),
        }
    }
}

/// One item of a delivery, its fields kept raw by their path below the item (`id`, `status_id`,
/// `custom_fields[0][values][0][value]`, `note[element_id]`, …).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct WebhookEvent {
    /// What it is about.
    pub entity: WebhookEntity,
    /// What happened.
    pub action: WebhookAction,
    /// Every field of the item, as sent.
    pub fields: BTreeMap<String, String>,
}

impl WebhookEvent {
    /// A field read as an integer (amoCRM sends every value as a string); `None` when absent or not a number.
    pub fn int(&self, key: &str) -> Option<i64> {
        self.fields.get(key)?.trim().parse().ok()
    }

    /// The entity the event is about: for a note, the entity the note belongs to (`note[element_id]`,
    /// or `element_id`); otherwise the item's own `id`.
    pub fn entity_id(&self) -> Option<i64> {
        match self.action {
            WebhookAction::Note => self
                .int("note[element_id]")
                .or_else(|| self.int("element_id")),
            _ => self.int("id"),
        }
    }

    /// For a task, the entity it is attached to: (`element_type`, `element_id`); amoCRM's v2 codes
    /// (1 contact, 2 lead, 3 company).
    pub fn task_target(&self) -> Option<(i64, i64)> {
        Some((self.int("element_type")?, self.int("element_id")?))
    }

    /// The lead's stage after the change (`status_id`, `pipeline_id`).
    pub fn stage(&self) -> Option<(i64, i64)> {
        Some((self.int("pipeline_id")?, self.int("status_id")?))
    }

    /// The lead's stage before a status change (`old_status_id`, `old_pipeline_id`, the pipeline defaulting
    /// to the current one when amoCRM leaves it out).
    pub fn old_stage(&self) -> Option<(i64, i64)> {
        let status = self.int("old_status_id")?;
        let pipeline = self
            .int("old_pipeline_id")
            .or_else(|| self.int("pipeline_id"))?;
        Some((pipeline, status))
    }

    /// Who made the change, when amoCRM says (`modified_user_id`).
    pub fn modified_by(&self) -> Option<i64> {
        self.int("modified_user_id")
    }

    /// The entity's name, when the item carries it.
    pub fn name(&self) -> Option<&str> {
        self.fields.get("name").map(String::as_str)
    }

    /// When the change happened, unix seconds (`last_modified`, else `updated_at`).
    pub fn changed_at(&self) -> Option<i64> {
        self.int("last_modified").or_else(|| self.int("updated_at"))
    }
}

impl WebhookDelivery {
    /// Reads a delivery's form body. Keys that do not have the `{entity}[{action}][{n}]…` shape (other than
    /// `account[…]`) are ignored; a body with more than [`MAX_WEBHOOK_PAIRS`] pairs is refused.
    pub fn parse(body: &[u8]) -> Result<Self, Error> {
        let mut delivery = WebhookDelivery::default();
        // (entity key, action key, item index) → index into `items`, in order of first appearance.
        let mut index: BTreeMap<(String, String, String), usize> = BTreeMap::new();
        let mut items: Vec<(String, String, BTreeMap<String, String>)> = Vec::new();
        for (n, (key, value)) in form_urlencoded::parse(body).enumerate() {
            if n >= MAX_WEBHOOK_PAIRS {
                return Err(Error::InvalidWebhook(format!(
                    "more than {MAX_WEBHOOK_PAIRS} fields"
                )));
            }
            let path = key_path(&key);
            match path.as_slice() {
                [account, field] if *account == "account" => match *field {
                    "id" => delivery.account_id = value.trim().parse().ok(),
                    "subdomain" => delivery.subdomain = Some(value.into_owned()),
                    _ => {}
                },
                [entity, action, item, rest @ ..] if !rest.is_empty() => {
                    let slot = (entity.to_string(), action.to_string(), item.to_string());
                    let at = *index.entry(slot).or_insert_with(|| {
                        items.push((entity.to_string(), action.to_string(), BTreeMap::new()));
                        items.len() - 1
                    });
                    items[at].2.insert(field_path(rest), value.into_owned());
                }
                _ => {}
            }
        }
        delivery.events = items
            .into_iter()
            .map(|(entity, action, fields)| WebhookEvent {
                entity: entity_of(&entity, &fields),
                action: WebhookAction::of(&action),
                fields,
            })
            .collect();
        Ok(delivery)
    }
}

/// `leads[status][0][id]` → `["leads", "status", "0", "id"]`. A key without brackets is one segment.
fn key_path(key: &str) -> Vec<&str> {
    let (head, mut rest) = match key.find('[') {
        Some(at) => (&key[..at], &key[at..]),
        None => return vec![key],
    };
    let mut path = vec![head];
    while let Some(inner) = rest.strip_prefix('[') {
        let Some(end) = inner.find(']') else { break };
        path.push(&inner[..end]);
        rest = &inner[end + 1..];
    }
    path
}

/// The path below an item as one key: `["note", "element_id"]` → `note[element_id]`.
fn field_path(rest: &[&str]) -> String {
    let mut key = rest[0].to_owned();
    for part in &rest[1..] {
        key.push('[');
        key.push_str(part);
        key.push(']');
    }
    key
}

fn entity_of(key: &str, fields: &BTreeMap<String, String>) -> WebhookEntity {
    match key {
        "leads" => WebhookEntity::Lead,
        "contacts" if fields.get("type").map(String::as_str) == Some("company") => {
            WebhookEntity::Company
        }
        "contacts" => WebhookEntity::Contact,
        "companies" => WebhookEntity::Company,
        "task" | "tasks" => WebhookEntity::Task,
        other => WebhookEntity::Other(other.to_owned()),
    }
}

/// The integration's "disconnect" hook: amoCRM calls it (GET, with `client_uuid`, `account_id` and
/// `signature` in the query) when the integration is uninstalled or its access revoked in an account.
/// `signature` is HMAC-SHA256 of `"{client_id}|{account_id}"` keyed with the integration's client secret.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DisconnectHook {
    /// The integration's client id, as amoCRM sends it.
    pub client_uuid: String,
    /// The amoCRM account that disconnected.
    pub account_id: i64,
    signature: String,
}

impl DisconnectHook {
    /// Reads the hook's query string; every one of its three parameters is required.
    pub fn from_query(query: &str) -> Result<Self, Error> {
        let (mut client_uuid, mut account_id, mut signature) = (None, None, None);
        for (key, value) in form_urlencoded::parse(query.as_bytes()).take(32) {
            match key.as_ref() {
                "client_uuid" => client_uuid = Some(value.into_owned()),
                "account_id" => account_id = value.trim().parse::<i64>().ok(),
                "signature" => signature = Some(value.trim().to_owned()),
                _ => {}
            }
        }
        let missing =
            |what: &str| Error::InvalidWebhook(format!("the disconnect hook has no {what}"));
        Ok(Self {
            client_uuid: client_uuid.ok_or_else(|| missing("client_uuid"))?,
            account_id: account_id.ok_or_else(|| missing("numeric account_id"))?,
            signature: signature.ok_or_else(|| missing("signature"))?,
        })
    }

    /// Whether the hook was signed by amoCRM for this integration: the client id must be ours and the
    /// signature (hex, as documented; base64 also accepted) must match, compared in constant time.
    pub fn verify(&self, client_id: &str, client_secret: &SecretString) -> bool {
        if self.client_uuid != client_id {
            return false;
        }
        let given = match hex::decode(&self.signature) {
            Ok(bytes) => bytes,
            Err(_) => {
                use base64::Engine as _;
                match base64::engine::general_purpose::STANDARD.decode(&self.signature) {
                    Ok(bytes) => bytes,
                    Err(_) => return false,
                }
            }
        };
        let Ok(mut mac) = Hmac::<Sha256>::new_from_slice(client_secret.expose_secret().as_bytes())
        else {
            return false;
        };
        mac.update(format!("{client_id}|{}", self.account_id).as_bytes());
        mac.verify_slice(&given).is_ok()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_nested_key_splits_into_its_path() {
        assert_eq!(
            key_path("leads[status][0][id]"),
            ["leads", "status", "0", "id"]
        );
        assert_eq!(
            key_path("leads[update][0][custom_fields][1][values][0][value]"),
            [
                "leads",
                "update",
                "0",
                "custom_fields",
                "1",
                "values",
                "0",
                "value"
            ]
        );
        assert_eq!(key_path("plain"), ["plain"]);
        assert_eq!(key_path("broken[open"), ["broken"]);
    }
}
