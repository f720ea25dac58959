//! Clients: `POST /client`, `POST /clients` and `POST /update/client`.

use serde::de::Deserializer;
use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};

use super::{list_items, params, unwrap_object};
use crate::block::PhoneKind;
use crate::block::client_data::phones_with_ids;
use crate::client::{UsedeskClient, decode};
use crate::error::Error;
use crate::lenient::{self, de};

/// A Usedesk client (the customer), as `/client` returns it.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct Client {
    /// The client's id.
    #[serde(deserialize_with = "de::id")]
    pub id: i64,
    /// The client's name.
    #[serde(default, deserialize_with = "de::opt_text")]
    pub name: Option<String>,
    /// The avatar's URL.
    #[serde(default, deserialize_with = "de::opt_text")]
    pub avatar: Option<String>,
    /// The client's position.
    #[serde(default, deserialize_with = "de::opt_text")]
    pub position: Option<String>,
    /// The agents' note on the client.
    #[serde(default, deserialize_with = "de::opt_text")]
    pub note: Option<String>,
    /// The Usedesk company (account) id.
    #[serde(default, deserialize_with = "de::opt_id")]
    pub company_id: Option<i64>,
    /// The client's own company, if any.
    #[serde(default, deserialize_with = "de::opt_id")]
    pub client_company_id: Option<i64>,
    /// Whether the client is marked as a spammer.
    #[serde(default, deserialize_with = "de::flag")]
    pub spammer: bool,
    /// Whether the client is marked as VIP.
    #[serde(default, deserialize_with = "de::flag")]
    pub vip: bool,
    /// When the client was created, in Usedesk's `YYYY-MM-DD hh:mm:ss` form.
    #[serde(default, deserialize_with = "de::opt_text")]
    pub created_at: Option<String>,
    /// The ids of the client's tickets.
    #[serde(default, deserialize_with = "de::ids")]
    pub tickets: Vec<i64>,
    /// The client's e-mail addresses.
    #[serde(default, deserialize_with = "client_emails")]
    pub emails: Vec<ClientEmail>,
    /// The client's phones.
    #[serde(default, deserialize_with = "client_phones")]
    pub phones: Vec<ClientPhone>,
    /// Social network profiles, kept as sent.
    #[serde(default, deserialize_with = "de::values")]
    pub social_networks: Vec<Value>,
    /// Messenger identities, kept as sent.
    #[serde(default, deserialize_with = "de::values")]
    pub messengers: Vec<Value>,
    /// Postal addresses, kept as sent.
    #[serde(default, deserialize_with = "de::values")]
    pub addresses: Vec<Value>,
    /// Web sites, kept as sent.
    #[serde(default, deserialize_with = "de::values")]
    pub sites: Vec<Value>,
    /// Other keys, kept as sent.
    #[serde(flatten)]
    pub extra: Map<String, Value>,
}

/// One e-mail address of a client.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct ClientEmail {
    /// The address's id in Usedesk, when Usedesk gives one.
    pub id: Option<i64>,
    /// The address.
    pub email: String,
}

/// One phone of a client.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct ClientPhone {
    /// The phone's id in Usedesk, when Usedesk gives one.
    pub id: Option<i64>,
    /// The number as Usedesk has it.
    pub phone: String,
    /// The phone's kind (Usedesk's `type`).
    #[serde(rename = "type")]
    pub kind: PhoneKind,
}

/// A client in a `/clients` search result.
///
/// The search answers a flatter shape than `/client`: `emails` is one
/// string (possibly several addresses) and there is a single `phone`.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(from = "RawSummary")]
pub struct ClientSummary {
    /// The client's id.
    pub id: i64,
    /// The client's name.
    pub name: Option<String>,
    /// The client's e-mail addresses.
    pub emails: Vec<String>,
    /// The client's phone numbers.
    pub phones: Vec<String>,
    /// The ids of the client's tickets.
    pub tickets: Vec<i64>,
    /// Other keys, kept as sent.
    #[serde(flatten)]
    pub extra: Map<String, Value>,
}

#[derive(Deserialize)]
struct RawSummary {
    #[serde(deserialize_with = "de::id")]
    id: i64,
    #[serde(default, deserialize_with = "de::opt_text")]
    name: Option<String>,
    #[serde(default)]
    emails: Value,
    #[serde(default)]
    phone: Value,
    #[serde(default)]
    phones: Value,
    #[serde(default, deserialize_with = "de::ids")]
    tickets: Vec<i64>,
    #[serde(flatten)]
    extra: Map<String, Value>,
}

impl From<RawSummary> for ClientSummary {
    fn from(raw: RawSummary) -> ClientSummary {
        let mut phones: Vec<String> = phone_list(&raw.phones)
            .into_iter()
            .chain(phone_list(&raw.phone))
            .map(|phone| phone.phone)
            .collect();
        phones.dedup();
        ClientSummary {
            id: raw.id,
            name: raw.name,
            emails: lenient::emails(&raw.emails),
            phones,
            tickets: raw.tickets,
            extra: raw.extra,
        }
    }
}

/// How `/clients` matches the query.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Hash)]
pub enum SearchType {
    /// `partial_match`: the query may be part of a name, address or number.
    #[default]
    Partial,
    /// `full_match`: the query must match whole.
    Full,
}

impl SearchType {
    /// Usedesk's name for the search type.
    pub fn as_str(self) -> &'static str {
        match self {
            SearchType::Partial => "partial_match",
            SearchType::Full => "full_match",
        }
    }
}

/// A `/clients` search: by name, e-mail or phone.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ClientSearch {
    /// What to search for: one name, address or number.
    pub query: String,
    /// How the query must match.
    pub search_type: SearchType,
    /// The page: each step skips 100 results.
    pub offset: Option<u32>,
}

impl ClientSearch {
    /// A partial-match search for `query`, first page.
    pub fn new(query: impl Into<String>) -> ClientSearch {
        ClientSearch {
            query: query.into(),
            ..ClientSearch::default()
        }
    }

    /// A full-match search for `query`, first page.
    pub fn full(query: impl Into<String>) -> ClientSearch {
        ClientSearch {
            search_type: SearchType::Full,
            ..ClientSearch::new(query)
        }
    }
}

/// Changes to a client for `/update/client`; absent parts are left as they are.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ClientUpdate {
    /// The client to change.
    pub client_id: i64,
    /// A new name.
    pub name: Option<String>,
    /// E-mail addresses to add (Usedesk keeps the existing ones).
    pub emails: Vec<String>,
    /// A phone to add (Usedesk keeps the existing ones).
    pub phone: Option<String>,
    /// The added phone's kind.
    pub phone_type: Option<PhoneKind>,
    /// Note text.
    pub note: Option<String>,
    /// When true the note starts a new note; otherwise Usedesk appends it to the existing one.
    pub new_note: bool,
}

impl ClientUpdate {
    /// An update of `client_id` that changes nothing yet.
    pub fn new(client_id: i64) -> ClientUpdate {
        ClientUpdate {
            client_id,
            ..ClientUpdate::default()
        }
    }

    fn to_params(&self) -> Map<String, Value> {
        let mut params = params([("client_id", self.client_id.into())]);
        if let Some(name) = &self.name {
            params.insert("name".to_owned(), name.clone().into());
        }
        if !self.emails.is_empty() {
            params.insert("emails".to_owned(), self.emails.clone().into());
        }
        if let Some(phone) = &self.phone {
            params.insert("phone".to_owned(), phone.clone().into());
            if let Some(kind) = &self.phone_type {
                params.insert("phone_type".to_owned(), kind.as_str().into());
            }
        }
        if let Some(note) = &self.note {
            params.insert("note".to_owned(), note.clone().into());
            if self.new_note {
                params.insert("is_new_note".to_owned(), true.into());
            }
        }
        params
    }
}

impl UsedeskClient {
    /// The client `client_id` (`POST /client`).
    ///
    /// Usedesk answers an array `[{"client": {…}, …}]`; a bare
    /// `{"client": {…}}` or the client object itself is accepted too.
    pub async fn client(&self, client_id: i64) -> Result<Client, Error> {
        const METHOD: &str = "client";
        let answer = self
            .call_value(METHOD, params([("client_id", client_id.into())]))
            .await?;
        let item = match answer {
            Value::Array(items) => items.into_iter().find(|item| !item.is_null()),
            Value::Null => None,
            other => Some(other),
        };
        let Some(item) = item else {
            return Err(Error::NotFound {
                body: format!("no client {client_id} in Usedesk's answer"),
            });
        };
        decode(METHOD, unwrap_object(item, "client"))
    }

    /// Clients matching a search (`POST /clients`), at most 100 per page.
    ///
    /// Entries Usedesk sends without a readable id are skipped.
    pub async fn clients(&self, search: &ClientSearch) -> Result<Vec<ClientSummary>, Error> {
        let mut params = params([
            ("query", search.query.clone().into()),
            ("search_type", search.search_type.as_str().into()),
        ]);
        if let Some(offset) = search.offset {
            params.insert("offset".to_owned(), offset.into());
        }
        let answer = self.call_value("clients", params).await?;
        Ok(list_items(answer, "clients")
            .into_iter()
            .filter_map(|item| {
                let item = unwrap_object(item, "client");
                ClientSummary::deserialize(&item)
                    .inspect_err(
                        |error| tracing::debug!(%error, "skipped an unreadable client in a search"),
                    )
                    .ok()
            })
            .collect())
    }

    /// Changes a client (`POST /update/client`).
    pub async fn update_client(&self, update: &ClientUpdate) -> Result<(), Error> {
        self.call_value("update/client", update.to_params()).await?;
        Ok(())
    }
}

fn client_emails<'de, D: Deserializer<'de>>(deserializer: D) -> Result<Vec<ClientEmail>, D::Error> {
    let value = Value::deserialize(deserializer)?;
    Ok(lenient::emails_with_ids(&value)
        .into_iter()
        .map(|(id, email)| ClientEmail { id, email })
        .collect())
}

fn client_phones<'de, D: Deserializer<'de>>(deserializer: D) -> Result<Vec<ClientPhone>, D::Error> {
    let value = Value::deserialize(deserializer)?;
    Ok(phone_list(&value))
}

fn phone_list(value: &Value) -> Vec<ClientPhone> {
    phones_with_ids(value)
        .into_iter()
        .map(|(id, phone)| ClientPhone {
            id,
            phone: phone.phone,
            kind: phone.kind,
        })
        .collect()
}
