//! Events of the account's history (`GET /api/v4/events`).

use serde::Deserialize;
use serde_json::Value;

use crate::serde_util::{null_default, string_or_number};

/// An event, such as a stage change of a lead.
#[derive(Debug, Clone, PartialEq, Deserialize)]
pub struct Event {
    /// Event id (a string in amoCRM).
    #[serde(deserialize_with = "string_or_number")]
    pub id: String,
    /// Event type, such as `lead_status_changed` or `custom_field_123_value_changed`.
    #[serde(rename = "type")]
    pub event_type: String,
    /// The entity the event is about.
    #[serde(default, deserialize_with = "null_default")]
    pub entity_id: i64,
    /// The entity's type, such as `lead`.
    #[serde(default, deserialize_with = "null_default")]
    pub entity_type: String,
    /// Who caused it (0 for robots and integrations).
    #[serde(default, deserialize_with = "null_default")]
    pub created_by: i64,
    /// When it happened, unix seconds.
    #[serde(default, deserialize_with = "null_default")]
    pub created_at: i64,
    /// The state before, kept raw because its shape depends on the type.
    #[serde(default)]
    pub value_before: Value,
    /// The state after, kept raw because its shape depends on the type.
    #[serde(default)]
    pub value_after: Value,
    /// The account id.
    #[serde(default, deserialize_with = "null_default")]
    pub account_id: i64,
}
