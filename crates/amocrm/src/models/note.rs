//! Notes of an entity's feed (`/api/v4/leads/{id}/notes`).

use serde::{Deserialize, Serialize};
use serde_json::{Value, json};

use crate::models::open_enum::open_enum;
use crate::serde_util::null_default;

open_enum! {
    /// The type of a note; types this client does not know are kept as [`NoteType::Other`].
    pub enum NoteType {
        /// `common`: a text comment.
        Common = "common",
        /// `call_in`: an incoming call.
        CallIn = "call_in",
        /// `call_out`: an outgoing call.
        CallOut = "call_out",
        /// `service_message`: a message from an integration.
        ServiceMessage = "service_message",
        /// `extended_service_message`.
        ExtendedServiceMessage = "extended_service_message",
        /// `message_cashier`.
        MessageCashier = "message_cashier",
        /// `sms_in`.
        SmsIn = "sms_in",
        /// `sms_out`.
        SmsOut = "sms_out",
        /// `geolocation`.
        Geolocation = "geolocation",
        /// `attachment`.
        Attachment = "attachment",
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
