//! Custom field definitions (`GET /api/v4/{entity}/custom_fields`).

use std::fmt;

use serde::{Deserialize, Serialize};

use crate::serde_util::null_default;

/// The entity types that have custom fields.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum EntityType {
    /// Leads (deals).
    Leads,
    /// Contacts.
    Contacts,
    /// Companies.
    Companies,
    /// Customers.
    Customers,
}

impl EntityType {
    /// The path segment, such as `leads`.
    pub fn as_str(self) -> &'static str {
        match self {
            EntityType::Leads => "leads",
            EntityType::Contacts => "contacts",
            EntityType::Companies => "companies",
            EntityType::Customers => "customers",
        }
    }
}

/// The type of a custom field.
///
/// amoCRM adds types over time; an unknown one is kept as [`FieldType::Other`] instead of failing
/// the whole answer (the official PHP SDK crashed on `tracking_data` that way).
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(from = "String", into = "String")]
pub enum FieldType {
    /// `text`
    Text,
    /// `numeric`
    Numeric,
    /// `checkbox`
    Checkbox,
    /// `select`
    Select,
    /// `multiselect`
    Multiselect,
    /// `multitext` (phones, e-mails)
    Multitext,
    /// `date`
    Date,
    /// `url`
    Url,
    /// `textarea`
    Textarea,
    /// `radiobutton`
    Radiobutton,
    /// `streetaddress`
    Streetaddress,
    /// `smart_address`
    SmartAddress,
    /// `birthday`
    Birthday,
    /// `legal_entity`
    LegalEntity,
    /// `date_time`
    DateTime,
    /// `items`
    Items,
    /// `category`
    Category,
    /// `price`
    Price,
    /// `tracking_data`
    TrackingData,
    /// `linked_entity`
    LinkedEntity,
    /// `org_legal_name`
    OrgLegalName,
    /// `monetary`
    Monetary,
    /// `chained_list`
    ChainedList,
    /// `file`
    File,
    /// `payer`
    Payer,
    /// `supplier`
    Supplier,
    /// A type this client does not know yet, with amoCRM's name for it.
    Other(String),
}

const KNOWN_FIELD_TYPES: [(&str, FieldType); 26] = [
    ("text", FieldType::Text),
    ("numeric", FieldType::Numeric),
    ("checkbox", FieldType::Checkbox),
    ("select", FieldType::Select),
    ("multiselect", FieldType::Multiselect),
    ("multitext", FieldType::Multitext),
    ("date", FieldType::Date),
    ("url", FieldType::Url),
    ("textarea", FieldType::Textarea),
    ("radiobutton", FieldType::Radiobutton),
    ("streetaddress", FieldType::Streetaddress),
    ("smart_address", FieldType::SmartAddress),
    ("birthday", FieldType::Birthday),
    ("legal_entity", FieldType::LegalEntity),
    ("date_time", FieldType::DateTime),
    ("items", FieldType::Items),
    ("category", FieldType::Category),
    ("price", FieldType::Price),
    ("tracking_data", FieldType::TrackingData),
    ("linked_entity", FieldType::LinkedEntity),
    ("org_legal_name", FieldType::OrgLegalName),
    ("monetary", FieldType::Monetary),
    ("chained_list", FieldType::ChainedList),
    ("file", FieldType::File),
    ("payer", FieldType::Payer),
    ("supplier", FieldType::Supplier),
];

impl FieldType {
    /// amoCRM's name of the type, such as `multiselect`.
    pub fn as_str(&self) -> &str {
        if let FieldType::Other(name) = self {
            return name;
        }
        KNOWN_FIELD_TYPES
            .iter()
            .find(|(_, known)| known == self)
            .map_or("", |(name, _)| name)
    }

    /// Whether values of this type refer to the field's enums (`enum_id`).
    pub fn has_enums(&self) -> bool {
        matches!(
            self,
            FieldType::Select
                | FieldType::Multiselect
                | FieldType::Radiobutton
                | FieldType::Multitext
                | FieldType::Category
        )
    }
}

impl From<String> for FieldType {
    fn from(name: String) -> FieldType {
        KNOWN_FIELD_TYPES
            .iter()
            .find(|(known, _)| *known == name)
            .map_or(FieldType::Other(name), |(_, field_type)| field_type.clone())
    }
}

impl From<&str> for FieldType {
    fn from(name: &str) -> FieldType {
        FieldType::from(name.to_owned())
    }
}

impl From<FieldType> for String {
    fn from(field_type: FieldType) -> String {
        match field_type {
            FieldType::Other(name) => name,
            known => known.as_str().to_owned(),
        }
    }
}

impl fmt::Display for FieldType {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// A custom field definition.
#[derive(Debug, Clone, PartialEq, Deserialize)]
pub struct CustomField {
    /// Field id.
    pub id: i64,
    /// Display name.
    #[serde(default, deserialize_with = "null_default")]
    pub name: String,
    /// Field code (`PHONE`, `EMAIL`, … for predefined fields), when it has one.
    #[serde(default)]
    pub code: Option<String>,
    /// Sort position.
    #[serde(default, deserialize_with = "null_default")]
    pub sort: i64,
    /// The field's type.
    #[serde(rename = "type")]
    pub field_type: FieldType,
    /// The entity type the field belongs to, such as `leads`.
    #[serde(default)]
    pub entity_type: Option<String>,
    /// Whether only the API may change the field.
    #[serde(default, deserialize_with = "null_default")]
    pub is_api_only: bool,
    /// Whether amoCRM created the field.
    #[serde(default, deserialize_with = "null_default")]
    pub is_predefined: bool,
    /// Whether the field may be deleted.
    #[serde(default, deserialize_with = "null_default")]
    pub is_deletable: bool,
    /// The choices of an enum field.
    #[serde(default, deserialize_with = "null_default")]
    pub enums: Vec<Enum>,
    /// The field group, when grouped.
    #[serde(default)]
    pub group_id: Option<String>,
    /// The pipeline stages in which the field must be filled.
    #[serde(default, deserialize_with = "null_default")]
    pub required_statuses: Vec<RequiredStatus>,
}

impl CustomField {
    /// Whether the field must be filled for a lead in `pipeline_id` / `status_id`.
    pub fn is_required_in(&self, pipeline_id: i64, status_id: i64) -> bool {
        self.required_statuses
            .iter()
            .any(|r| r.pipeline_id == pipeline_id && r.status_id == status_id)
    }
}

/// One choice of an enum field.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
pub struct Enum {
    /// Enum id, sent as `enum_id`.
    pub id: i64,
    /// Display value (for multitext fields, the code such as `WORK`).
    #[serde(default, deserialize_with = "null_default")]
    pub value: String,
    /// Sort position.
    #[serde(default, deserialize_with = "null_default")]
    pub sort: i64,
}

/// A pipeline stage in which a field is required.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
pub struct RequiredStatus {
    /// Pipeline id.
    pub pipeline_id: i64,
    /// Status id.
    pub status_id: i64,
}
