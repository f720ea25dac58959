//! The `freeCreateLead` trigger payload: what a Usedesk trigger's "POST
//! request" action sends to create an amoCRM deal from a ticket.
//!
//! The shape is the one in the integration's setup article:
//!
//! ```json
//! {"amoClientId": "1ff6828b-c10c-43f8-98d0-370001e85b6c", "ticketId": "{{ticket_id}}",
//!  "fields": {"name": "gg", "price": 1, "status_id": 55524250, "pipeline_id": 6516490,
//!             "responsible_user_id": 9311182,
//!             "custom_fields_values": [{"field_id": 1025541, "values": [{"value": "asd"}]},
//!                                      {"field_id": 1372537, "values": [{"enum_id": 705377}]}]},
//!  "comment": "4444"}
//! ```
//!
//! The reader reports every mistake at once, each with its path and an
//! English message that says what to fix, because the admin writing the
//! trigger sees them only in Usedesk's trigger log.

mod body;
mod fingerprint;
mod problem;
mod read;

use serde_json::Value;

pub use body::MAX_BODY_BYTES;
pub use problem::{Problem, ProblemCode};

use problem::Problems;
use read::Number;

/// A valid `freeCreateLead` payload.
#[derive(Debug, Clone, PartialEq)]
pub struct FreeCreateLead {
    /// The connection's Integration ID, a UUID in lower case.
    pub amo_client_id: String,
    /// The Usedesk ticket the deal is created for.
    pub ticket_id: i64,
    /// The deal's fields.
    pub fields: LeadFields,
    /// A note to add to the deal.
    pub comment: Option<String>,
    /// Whether to log the ticket's conversation to the new deal as a note too (`log_ticket`; no when absent).
    pub log_ticket: bool,
}

/// The deal's fields, as the trigger gives them; absent ones are left to amoCRM's defaults.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct LeadFields {
    /// The deal's name.
    pub name: Option<String>,
    /// The deal's budget, a whole amount in the account's currency.
    pub price: Option<i64>,
    /// The stage the deal starts in.
    pub status_id: Option<i64>,
    /// The pipeline the deal starts in.
    pub pipeline_id: Option<i64>,
    /// The amoCRM user responsible for the deal.
    pub responsible_user_id: Option<i64>,
    /// Custom field values, one entry per field.
    pub custom_fields_values: Vec<TriggerFieldValue>,
}

/// The values of one amoCRM custom field.
#[derive(Debug, Clone, PartialEq)]
pub struct TriggerFieldValue {
    /// The amoCRM custom field's id.
    pub field_id: i64,
    /// The field's values; one for most types, several for multi-select lists.
    pub values: Vec<TriggerValue>,
}

/// One value of a custom field.
#[derive(Debug, Clone, PartialEq)]
pub enum TriggerValue {
    /// `{"value": …}`: text, a number, a bool, or (for amoCRM's composite
    /// field types) an object, passed to amoCRM as given.
    Value(Value),
    /// `{"enum_id": …}`: a list option chosen by id.
    EnumId(i64),
    /// `{"enum_code": …}`: a list option chosen by code.
    EnumCode(String),
}

impl FreeCreateLead {
    /// Reads a trigger body: the payload itself, or the trigger action's
    /// envelope `{"url": …, "data": {…} | "<json>", "headers": …}`.
    ///
    /// Numbers may be strings (`"5000"`); unknown keys are ignored; `//`
    /// notes copied from the setup article are tolerated. On failure returns
    /// every problem found, in the order of the body.
    pub fn parse(body: &[u8]) -> Result<FreeCreateLead, Vec<Problem>> {
        let (payload, prefix) = body::payload(body)?;
        let mut problems = Problems::new(prefix);

        let amo_client_id = amo_client_id(
            &mut problems,
            read::first(&payload, &["amoClientId", "amo_client_id"]),
        );
        let (ticket_key, ticket_value) = read::first(&payload, &["ticketId", "ticket_id"])
            .map_or(("ticketId", None), |(key, value)| (key, Some(value)));
        let ticket_id = read::required_number(
            &mut problems,
            ticket_key,
            ticket_value,
            Number::Id,
            "give the ticket's id, inserted with the trigger's variable picker",
        );
        let fields = read::fields(&mut problems, payload.get("fields"));
        let comment = read::text(&mut problems, "comment", payload.get("comment"));
        let log_ticket = read::switch(&mut problems, "log_ticket", payload.get("log_ticket"));

        match (amo_client_id, ticket_id) {
            (Some(amo_client_id), Some(ticket_id)) if problems.is_empty() => Ok(FreeCreateLead {
                amo_client_id,
                ticket_id,
                fields,
                comment,
                log_ticket,
            }),
            _ => Err(problems.into_vec()),
        }
    }

    /// The value of the header `name` (any case) listed in the `headers` of the trigger action's envelope
    /// (`{"url", "data", "headers"}`), when the body is that envelope and lists it. See
    /// [`parse`](Self::parse) for the envelope; the forms of the list that are understood are an object, or an
    /// array of `"Name: value"` lines, `{"name": …, "value": …}` objects or `["Name", "value"]` pairs.
    pub fn envelope_header(body: &[u8], name: &str) -> Option<String> {
        body::envelope_header(body, name)
    }

    /// A SHA-256 digest of the ticket, the fields and the comment, for
    /// recognising a retried trigger.
    ///
    /// The digest does not depend on the order of keys in the body nor on the
    /// order of custom fields, and numbers sent as strings digest like
    /// numbers, because it is computed from the parsed payload.
    pub fn fingerprint(&self) -> [u8; 32] {
        fingerprint::digest(self)
    }
}

fn amo_client_id(problems: &mut Problems, found: Option<(&str, &Value)>) -> Option<String> {
    const HOW: &str = "copy the Integration ID shown in the amoCRM block's settings (a UUID like 1ff6828b-c10c-43f8-98d0-370001e85b6c)";
    let Some((key, value)) = found else {
        problems.push(
            "amoClientId",
            ProblemCode::Missing,
            format!("amoClientId is missing: {HOW}"),
        );
        return None;
    };
    let text = match value {
        Value::Null => "",
        Value::String(text) => text.trim(),
        other => {
            problems.push(
                key,
                ProblemCode::WrongType,
                format!(
                    "{key} must be a string, got {}: {HOW}",
                    crate::lenient::describe(other)
                ),
            );
            return None;
        }
    };
    if text.is_empty() {
        problems.push(key, ProblemCode::Missing, format!("{key} is empty: {HOW}"));
        return None;
    }
    if crate::lenient::is_template(text) {
        problems.push(key, ProblemCode::Unexpanded, read::unexpanded(key, text));
        return None;
    }
    if !is_uuid(text) {
        problems.push(
            key,
            ProblemCode::Invalid,
            format!(
                "{key} {} is not an Integration ID: {HOW}",
                crate::lenient::describe_str(text)
            ),
        );
        return None;
    }
    Some(text.to_ascii_lowercase())
}

/// True for the hyphenated UUID text form: 8-4-4-4-12 hexadecimal digits.
fn is_uuid(text: &str) -> bool {
    let groups: Vec<&str> = text.split('-').collect();
    groups.len() == 5
        && groups
            .iter()
            .zip([8, 4, 4, 4, 12])
            .all(|(group, len)| group.len() == len && group.bytes().all(|b| b.is_ascii_hexdigit()))
}
