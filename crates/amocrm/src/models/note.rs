//! Notes of an entity's feed (`/api/v4/leads/{id}/notes`).

use std::fmt;

use serde::{Deserialize, Serialize};
use serde_json::{Value, json};

use crate::serde_util::null_default;

/// The type of a note; types this client does not know are kept as [`NoteType::Other`].
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(from = "String", into = "String")]
pub enum NoteType {
    /// `common`: a text comment.
    Common,
    /// `call_in`: an incoming call.
    CallIn,
    /// `call_out`: an outgoing call.
    CallOut,
    /// `service_message`: a message from an integration.
    ServiceMessage,
    /// `extended_service_message`.
    ExtendedServiceMessage,
    /// `message_cashier`.
    MessageCashier,
    /// `sms_in`.
    SmsIn,
    /// `sms_out`.
    SmsOut,
    /// `geolocation`.
    Geolocation,
    /// `attachment`.
    Attachment,
    /// Any other type, with amoCRM's name for it.
    Other(String),
}

const KNOWN_NOTE_TYPES: [(&str, NoteType); 10] = [
    ("common", NoteType::Common),
    ("call_in", NoteType::CallIn),
    ("call_out", NoteType::CallOut),
    ("service_message", NoteType::ServiceMessage),
    ("extended_service_message", NoteType::ExtendedServiceMessage),
    ("message_cashier", NoteType::MessageCashier),
    ("sms_in", NoteType::SmsIn),
    ("sms_out", NoteType::SmsOut),
    ("geolocation", NoteType::Geolocation),
    ("attachment", NoteType::Attachment),
];

impl NoteType {
    /// amoCRM's name of the type.
    pub fn as_str(&self) -> &str {
        if let NoteType::Other(name) = self {
            return name;
        }
        KNOWN_NOTE_TYPES
            .iter()
            .find(|(_, known)| known == self)
            .map_or("", |(name, _)| name)
    }
}

impl From<String> for NoteType {
    fn from(name: String) -> NoteType {
        KNOWN_NOTE_TYPES
            .iter()
            .find(|(known, _)| *known == name)
            .map_or(NoteType::Other(name), |(_, note_type)| note_type.clone())
    }
}

impl From<NoteType> for String {
    fn from(note_type: NoteType) -> String {
        match note_type {
            NoteType::Other(name) => name,
            known => known.as_str().to_owned(),
        }
    }
}

impl fmt::Display for NoteType {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// A note as amoCRM returns it.
#[derive(Debug, Clone, PartialEq, Deserialize)]
pub struct Note {
    /// Note id.
    pub id: i64,
    /// The entity (lead) the note belongs to.
    #[serde(default, deserialize_with = "null_default")]
    pub entity_id: i64,
    /// Who wrote it (0 for robots and integrations).
    #[serde(default, deserialize_with = "null_default")]
    pub created_by: i64,
    /// Who changed it last.
    #[serde(default, deserialize_with = "null_default")]
    pub updated_by: i64,
    /// Creation time, unix seconds.
    #[serde(default, deserialize_with = "null_default")]
    pub created_at: i64,
    /// Last change, unix seconds.
    #[serde(default, deserialize_with = "null_default")]
    pub updated_at: i64,
    /// The responsible user.
    #[serde(default, deserialize_with = "null_default")]
    pub responsible_user_id: i64,
    /// The note's type.
    pub note_type: NoteType,
    /// The type-specific content, kept raw (`{"text": …}` for comments, call details for calls).
    #[serde(default)]
    pub params: Value,
    /// The account id.
    #[serde(default, deserialize_with = "null_default")]
    pub account_id: i64,
}

impl Note {
    /// The note's text (`params.text`), when it has one.
    pub fn text(&self) -> Option<&str> {
        self.params.get("text").and_then(Value::as_str)
    }
}

/// A note to add.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct NewNote {
    /// The note's type.
    pub note_type: NoteType,
    /// The type-specific content.
    pub params: Value,
    /// Echoed back in the answer; generated when `None`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub request_id: Option<String>,
}

impl NewNote {
    /// A text comment.
    pub fn common(text: impl Into<String>) -> NewNote {
        NewNote {
            note_type: NoteType::Common,
            params: json!({ "text": text.into() }),
            request_id: None,
        }
    }
}
