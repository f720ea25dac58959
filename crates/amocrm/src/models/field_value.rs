//! Custom field values, as read from entities and as written to them.

use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};

use crate::models::FieldType;
use crate::serde_util::null_default;

/// The field code of the predefined phone field of contacts.
pub const PHONE: &str = "PHONE";
/// The field code of the predefined e-mail field of contacts.
pub const EMAIL: &str = "EMAIL";
/// The field code of the predefined position (job title) field of contacts.
pub const POSITION: &str = "POSITION";

/// The values of one custom field of an entity.
///
/// Reading fills every field amoCRM sends. Serialising produces the write shape amoCRM accepts:
/// only `field_id` / `field_code` and `values` (names and types are read-only).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct CustomFieldValue {
    /// Field id; on writes either this or `field_code` identifies the field.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub field_id: Option<i64>,
    /// Field name (read only).
    #[serde(default, skip_serializing)]
    pub field_name: Option<String>,
    /// Field code such as `PHONE` or `EMAIL`, when the field has one.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub field_code: Option<String>,
    /// Field type (read only; `None` on values built for writing when the type is not implied).
    #[serde(default, skip_serializing)]
    pub field_type: Option<FieldType>,
    /// The values; several for multiselect and multitext fields.
    #[serde(default, deserialize_with = "null_default")]
    pub values: Vec<FieldValueItem>,
}

/// One value of a custom field.
///
/// `value` is kept as raw JSON because its shape depends on the field type (text, number, bool,
/// timestamp, or an object for addresses, legal entities and types amoCRM adds later).
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct FieldValueItem {
    /// The value itself; `Null` when the item only carries an enum.
    #[serde(default, skip_serializing_if = "Value::is_null")]
    pub value: Value,
    /// The chosen enum, for select-like fields.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub enum_id: Option<i64>,
    /// The enum code, such as `WORK` for phones and e-mails.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub enum_code: Option<String>,
    /// Any other keys of the item (such as `subtype` of address fields), kept so that a value
    /// read can be written back unchanged.
    #[serde(flatten)]
    pub extra: Map<String, Value>,
}

impl FieldValueItem {
    /// An item holding `value`.
    pub fn new(value: impl Into<Value>) -> FieldValueItem {
        FieldValueItem {
            value: value.into(),
            ..FieldValueItem::default()
        }
    }

    /// The value when it is a JSON string.
    pub fn as_str(&self) -> Option<&str> {
        self.value.as_str()
    }

    /// The value as display text: strings as they are, numbers and booleans printed, objects
    /// and lists as compact JSON; `None` when there is no value.
    ///
    /// Composite values (catalog links, legal entities, addresses) are objects; when one carries a
    /// human-readable `name`, `value` or `text`, that is shown instead of the raw JSON.
    pub fn as_text(&self) -> Option<String> {
        match &self.value {
            Value::Null => None,
            Value::String(s) => Some(s.clone()),
            Value::Number(n) => Some(n.to_string()),
            Value::Bool(b) => Some(b.to_string()),
            Value::Object(map) => Some(
                ["name", "value", "text"]
                    .iter()
                    .find_map(|key| map.get(*key).and_then(Value::as_str))
                    .map_or_else(|| self.value.to_string(), str::to_owned),
            ),
            other => Some(other.to_string()),
        }
    }
}

impl CustomFieldValue {
    /// A value for the field `field_id` made of raw `values`.
    pub fn with_values(field_id: i64, values: Vec<FieldValueItem>) -> CustomFieldValue {
        CustomFieldValue {
            field_id: Some(field_id),
            field_name: None,
            field_code: None,
            field_type: None,
            values,
        }
    }

    /// A single text value (text, textarea, url fields).
    pub fn text(field_id: i64, text: impl Into<String>) -> CustomFieldValue {
        CustomFieldValue {
            field_type: Some(FieldType::Text),
            ..CustomFieldValue::with_values(field_id, vec![FieldValueItem::new(text.into())])
        }
    }

    /// A single JSON value of any shape (numbers, booleans, timestamps, objects).
    pub fn value(field_id: i64, value: impl Into<Value>) -> CustomFieldValue {
        CustomFieldValue::with_values(field_id, vec![FieldValueItem::new(value)])
    }

    /// The chosen enums of a select, radiobutton or multiselect field.
    pub fn enums(field_id: i64, enum_ids: impl IntoIterator<Item = i64>) -> CustomFieldValue {
        let values = enum_ids
            .into_iter()
            .map(|id| FieldValueItem {
                enum_id: Some(id),
                ..FieldValueItem::default()
            })
            .collect();
        CustomFieldValue::with_values(field_id, values)
    }

    /// A phone number for a contact's `PHONE` field; `enum_code` is one of `WORK`, `WORKDD`,
    /// `MOB`, `FAX`, `HOME`, `OTHER`.
    pub fn phone(value: impl Into<String>, enum_code: impl Into<String>) -> CustomFieldValue {
        CustomFieldValue::multitext(PHONE, value.into(), enum_code.into())
    }

    /// An e-mail for a contact's `EMAIL` field; `enum_code` is one of `WORK`, `PRIV`, `OTHER`.
    pub fn email(value: impl Into<String>, enum_code: impl Into<String>) -> CustomFieldValue {
        CustomFieldValue::multitext(EMAIL, value.into(), enum_code.into())
    }

    fn multitext(code: &str, value: String, enum_code: String) -> CustomFieldValue {
        CustomFieldValue {
            field_id: None,
            field_name: None,
            field_code: Some(code.to_owned()),
            field_type: Some(FieldType::Multitext),
            values: vec![FieldValueItem {
                enum_code: Some(enum_code),
                ..FieldValueItem::new(value)
            }],
        }
    }

    /// Whether this is the field with code `code` (compared case-insensitively).
    pub fn has_code(&self, code: &str) -> bool {
        self.field_code
            .as_deref()
            .is_some_and(|c| c.eq_ignore_ascii_case(code))
    }

    /// The values that are strings, in order.
    pub fn texts(&self) -> impl Iterator<Item = &str> {
        self.values.iter().filter_map(FieldValueItem::as_str)
    }
}

/// The string values of the fields with code `code`, in order.
pub(crate) fn texts_by_code<'a>(values: &'a [CustomFieldValue], code: &str) -> Vec<&'a str> {
    values
        .iter()
        .filter(|v| v.has_code(code))
        .flat_map(CustomFieldValue::texts)
        .collect()
}
