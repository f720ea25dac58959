//! Custom field definitions (`GET /api/v4/{entity}/custom_fields`).

use serde::Deserialize;

use crate::models::open_enum::open_enum;
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

open_enum! {
    /// The type of a custom field.
    ///
    /// amoCRM adds types over time; an unknown one is kept as [`FieldType::Other`] instead of
    /// failing the whole answer (the official PHP SDK crashed on `tracking_data` that way).
    pub enum FieldType {
        /// `text`
        Text = "text",
        /// `numeric`
        Numeric = "numeric",
        /// `checkbox`
        Checkbox = "checkbox",
        /// `select`
        Select = "select",
        /// `multiselect`
        Multiselect = "multiselect",
        /// `multitext` (phones, e-mails)
        Multitext = "multitext",
        /// `date`
        Date = "date",
        /// `url`
        Url = "url",
        /// `textarea`
        Textarea = "textarea",
        /// `radiobutton`
        Radiobutton = "radiobutton",
        /// `streetaddress`
        Streetaddress = "streetaddress",
        /// `smart_address`
        SmartAddress = "smart_address",
        /// `birthday`
        Birthday = "birthday",
        /// `legal_entity`
        LegalEntity = "legal_entity",
        /// `date_time`
        DateTime = "date_time",
        /// `items`
        Items = "items",
        /// `category`
        Category = "category",
        /// `price`
        Price = "price",
        /// `tracking_data`
        TrackingData = "tracking_data",
        /// `linked_entity`
        LinkedEntity = "linked_entity",
        /// `org_legal_name`
        OrgLegalName = "org_legal_name",
        /// `monetary`
        Monetary = "monetary",
        /// `chained_list`
        ChainedList = "chained_list",
        /// `file`
        File = "file",
        /// `payer`
        Payer = "payer",
        /// `supplier`
        Supplier = "supplier",
    }
}

impl FieldType {
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
