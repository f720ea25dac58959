//! The ticket's client as the block request describes it: `client_data`.

use serde_json::{Map, Value};

use crate::error::ParseError;
use crate::lenient;

/// The most e-mails, phones and social profiles kept from one request's `client_data`; the rest are dropped
/// at parse time. A real client has a handful; a request with thousands would only multiply the work that
/// follows (each identifier may become an amoCRM search).
pub const MAX_CLIENT_ITEMS: usize = 50;

/// The client of the ticket, from the block request's `client_data`.
///
/// Every part may be missing; lists are empty then. Blank e-mails and phones
/// are dropped, and each list keeps at most [`MAX_CLIENT_ITEMS`] entries.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct ClientData {
    /// The client's name.
    pub name: Option<String>,
    /// The client's e-mail addresses, in Usedesk's order.
    pub emails: Vec<String>,
    /// The client's phones, in Usedesk's order.
    pub phones: Vec<Phone>,
    /// The client's social profiles, kept as Usedesk sent them.
    pub social_services: Vec<Value>,
    /// Keys of `client_data` this crate does not interpret, kept as sent.
    pub extra: Map<String, Value>,
}

/// One phone of the client.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Phone {
    /// What kind of phone Usedesk says it is.
    pub kind: PhoneKind,
    /// The number as Usedesk has it, not normalised.
    pub phone: String,
}

/// The kind of a client's phone, as Usedesk names it.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Default)]
pub enum PhoneKind {
    /// `home`.
    Home,
    /// `mobile`.
    Mobile,
    /// `stationary` (a landline).
    Stationary,
    /// `fax`.
    Fax,
    /// `other`, and the kind of a phone sent without one.
    #[default]
    Other,
    /// A kind Usedesk did not document, kept in lower case.
    Unknown(String),
}

impl PhoneKind {
    /// Reads Usedesk's name for a phone kind, case-insensitively; blank reads as [`PhoneKind::Other`].
    pub fn from_wire(kind: &str) -> PhoneKind {
        let lowered = kind.trim().to_lowercase();
        match lowered.as_str() {
            "home" => PhoneKind::Home,
            "mobile" => PhoneKind::Mobile,
            "stationary" => PhoneKind::Stationary,
            "fax" => PhoneKind::Fax,
            "other" | "" => PhoneKind::Other,
            _ => PhoneKind::Unknown(lowered),
        }
    }

    /// Usedesk's name for the kind, as sent in `phone_type`.
    pub fn as_str(&self) -> &str {
        match self {
            PhoneKind::Home => "home",
            PhoneKind::Mobile => "mobile",
            PhoneKind::Stationary => "stationary",
            PhoneKind::Fax => "fax",
            PhoneKind::Other => "other",
            PhoneKind::Unknown(kind) => kind,
        }
    }
}

impl serde::Serialize for PhoneKind {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_str(self.as_str())
    }
}

impl<'de> serde::Deserialize<'de> for PhoneKind {
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let value = Value::deserialize(deserializer)?;
        let text = lenient::text(&value).ok().flatten().unwrap_or_default();
        Ok(PhoneKind::from_wire(&text))
    }
}

impl ClientData {
    /// Reads `client_data` from the request's value for it.
    ///
    /// Accepts an object, a JSON string holding an object (form senders do
    /// this), and the empty forms PHP produces (`null`, `""`, `[]`).
    pub(crate) fn from_value(value: Value) -> Result<ClientData, ParseError> {
        match value {
            Value::Null => Ok(ClientData::default()),
            Value::Object(map) => Ok(ClientData::from_map(map)),
            Value::Array(items) if items.is_empty() => Ok(ClientData::default()),
            Value::String(text) if text.trim().is_empty() => Ok(ClientData::default()),
            Value::String(text) => match serde_json::from_str::<Value>(&text) {
                Ok(Value::Object(map)) => Ok(ClientData::from_map(map)),
                Ok(Value::Array(items)) if items.is_empty() => Ok(ClientData::default()),
                _ => Err(ParseError::new(
                    "client_data",
                    format!(
                        "expected an object or a JSON-encoded object, got {}",
                        lenient::describe_str(&text)
                    ),
                )),
            },
            other => Err(ParseError::new(
                "client_data",
                format!("expected an object, got {}", lenient::describe(&other)),
            )),
        }
    }

    fn from_map(mut map: Map<String, Value>) -> ClientData {
        let name = match map.remove("name") {
            None => None,
            Some(value) => match lenient::text(&value) {
                Ok(name) => name,
                Err(()) => {
                    // An unreadable name is kept aside rather than lost.
                    map.insert("name".to_owned(), value);
                    None
                }
            },
        };
        let mut emails = map
            .remove("emails")
            .map(|value| lenient::emails(&value))
            .unwrap_or_default();
        emails.truncate(MAX_CLIENT_ITEMS);
        let mut phones = map
            .remove("phones")
            .map(|value| phones(&value))
            .unwrap_or_default();
        phones.truncate(MAX_CLIENT_ITEMS);
        let social_services = map
            .remove("social_services")
            .map(|value| {
                lenient::items(&value)
                    .into_iter()
                    .take(MAX_CLIENT_ITEMS)
                    .cloned()
                    .collect()
            })
            .unwrap_or_default();
        ClientData {
            name,
            emails,
            phones,
            social_services,
            extra: map,
        }
    }
}

/// Phones from a list of `{phone, type}` objects, of bare numbers, or of
/// strings holding several numbers separated by commas.
fn phones(value: &Value) -> Vec<Phone> {
    phones_with_ids(value)
        .into_iter()
        .map(|(_, phone)| phone)
        .collect()
}

/// Like [`phones`], with the id Usedesk gives a phone object, if any.
pub(crate) fn phones_with_ids(value: &Value) -> Vec<(Option<i64>, Phone)> {
    let mut found = Vec::new();
    for item in lenient::items(value) {
        match item {
            Value::Object(map) => {
                let Some(phone) = lenient::text_at(map, &["phone", "number", "value"]) else {
                    continue;
                };
                let kind = lenient::text_at(map, &["type", "kind"]).unwrap_or_default();
                let id = map.get("id").and_then(|id| lenient::int(id).ok().flatten());
                found.push((
                    id,
                    Phone {
                        kind: PhoneKind::from_wire(&kind),
                        phone,
                    },
                ));
            }
            other => {
                let Some(text) = lenient::text(other).ok().flatten() else {
                    continue;
                };
                found.extend(
                    text.split(',')
                        .map(str::trim)
                        .filter(|phone| !phone.is_empty())
                        .map(|phone| {
                            let phone = Phone {
                                kind: PhoneKind::Other,
                                phone: phone.to_owned(),
                            };
                            (None, phone)
                        }),
                );
            }
        }
    }
    found
}
