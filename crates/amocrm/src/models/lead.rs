//! Leads (deals), their links to contacts, and complex creation.

use serde::{Deserialize, Serialize};

use crate::models::common::{IdOnly, Tag, TagName};
use crate::models::{CustomFieldValue, NewContact};
use crate::serde_util::{IdRef, lenient_i64, null_default, one_or_many_strings};

/// The system status of won leads, in every pipeline.
pub const STATUS_WON: i64 = 142;
/// The system status of lost leads, in every pipeline.
pub const STATUS_LOST: i64 = 143;

/// A lead as amoCRM returns it.
#[derive(Debug, Clone, PartialEq, Deserialize)]
#[serde(from = "LeadWire")]
pub struct Lead {
    /// Lead id.
    pub id: i64,
    /// Lead name.
    pub name: String,
    /// Budget, in the account's currency (0 when empty).
    pub price: i64,
    /// The responsible user.
    pub responsible_user_id: i64,
    /// The responsible user's group.
    pub group_id: i64,
    /// The stage.
    pub status_id: i64,
    /// The pipeline.
    pub pipeline_id: i64,
    /// Why the lead was lost, for leads in [`STATUS_LOST`].
    pub loss_reason_id: Option<i64>,
    /// Who created it.
    pub created_by: i64,
    /// Who changed it last.
    pub updated_by: i64,
    /// Creation time, unix seconds.
    pub created_at: i64,
    /// Last change, unix seconds.
    pub updated_at: i64,
    /// When it was won or lost, unix seconds.
    pub closed_at: Option<i64>,
    /// The nearest task's due time, unix seconds.
    pub closest_task_at: Option<i64>,
    /// Whether the lead is in the trash.
    pub is_deleted: bool,
    /// Custom field values.
    pub custom_fields_values: Vec<CustomFieldValue>,
    /// The account id.
    pub account_id: i64,
    /// The linked contacts (`_embedded.contacts`, filled when asked `with=contacts`).
    pub contacts: Vec<LeadContact>,
    /// Ids of the linked companies.
    pub companies: Vec<i64>,
    /// The lead's tags.
    pub tags: Vec<Tag>,
}

impl Lead {
    /// Whether the lead is won.
    pub fn is_won(&self) -> bool {
        self.status_id == STATUS_WON
    }

    /// Whether the lead is lost.
    pub fn is_lost(&self) -> bool {
        self.status_id == STATUS_LOST
    }

    /// Whether the lead is still open (neither won nor lost).
    pub fn is_open(&self) -> bool {
        !self.is_won() && !self.is_lost()
    }

    /// The main contact's id, or the first contact's when none is marked main.
    pub fn main_contact_id(&self) -> Option<i64> {
        self.contacts
            .iter()
            .find(|c| c.is_main)
            .or_else(|| self.contacts.first())
            .map(|c| c.id)
    }
}

/// A contact linked to a lead.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct LeadContact {
    /// Contact id.
    pub id: i64,
    /// Whether it is the lead's main contact.
    #[serde(default, deserialize_with = "null_default")]
    pub is_main: bool,
}

#[derive(Deserialize)]
struct LeadWire {
    id: i64,
    #[serde(default, deserialize_with = "null_default")]
    name: String,
    #[serde(default, deserialize_with = "lenient_i64")]
    price: i64,
    #[serde(default, deserialize_with = "null_default")]
    responsible_user_id: i64,
    #[serde(default, deserialize_with = "null_default")]
    group_id: i64,
    #[serde(default, deserialize_with = "null_default")]
    status_id: i64,
    #[serde(default, deserialize_with = "null_default")]
    pipeline_id: i64,
    #[serde(default)]
    loss_reason_id: Option<i64>,
    #[serde(default, deserialize_with = "null_default")]
    created_by: i64,
    #[serde(default, deserialize_with = "null_default")]
    updated_by: i64,
    #[serde(default, deserialize_with = "null_default")]
    created_at: i64,
    #[serde(default, deserialize_with = "null_default")]
    updated_at: i64,
    #[serde(default)]
    closed_at: Option<i64>,
    #[serde(default)]
    closest_task_at: Option<i64>,
    #[serde(default, deserialize_with = "null_default")]
    is_deleted: bool,
    #[serde(default, deserialize_with = "null_default")]
    custom_fields_values: Vec<CustomFieldValue>,
    #[serde(default, deserialize_with = "null_default")]
    account_id: i64,
    #[serde(default, rename = "_embedded", deserialize_with = "null_default")]
    embedded: LeadEmbedded,
}

#[derive(Default, Deserialize)]
struct LeadEmbedded {
    #[serde(default, deserialize_with = "null_default")]
    contacts: Vec<LeadContact>,
    #[serde(default, deserialize_with = "null_default")]
    companies: Vec<IdRef>,
    #[serde(default, deserialize_with = "null_default")]
    tags: Vec<Tag>,
}

impl From<LeadWire> for Lead {
    fn from(wire: LeadWire) -> Lead {
        Lead {
            id: wire.id,
            name: wire.name,
            price: wire.price,
            responsible_user_id: wire.responsible_user_id,
            group_id: wire.group_id,
            status_id: wire.status_id,
            pipeline_id: wire.pipeline_id,
            loss_reason_id: wire.loss_reason_id,
            created_by: wire.created_by,
            updated_by: wire.updated_by,
            created_at: wire.created_at,
            updated_at: wire.updated_at,
            closed_at: wire.closed_at,
            closest_task_at: wire.closest_task_at,
            is_deleted: wire.is_deleted,
            custom_fields_values: wire.custom_fields_values,
            account_id: wire.account_id,
            contacts: wire.embedded.contacts,
            companies: wire.embedded.companies.into_iter().map(|c| c.id).collect(),
            tags: wire.embedded.tags,
        }
    }
}

/// A lead to create.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct NewLead {
    /// Lead name.
    pub name: Option<String>,
    /// Budget.
    pub price: Option<i64>,
    /// The stage; the pipeline's first stage when absent.
    pub status_id: Option<i64>,
    /// The pipeline; the main pipeline when absent.
    pub pipeline_id: Option<i64>,
    /// The responsible user.
    pub responsible_user_id: Option<i64>,
    /// Custom field values.
    pub custom_fields_values: Vec<CustomFieldValue>,
    /// Existing contacts to link (`_embedded.contacts`; linking this way works only on create).
    pub contacts: Vec<LeadContact>,
    /// Existing companies to link, by id.
    pub companies: Vec<i64>,
    /// Tags to attach, by name.
    pub tags: Vec<String>,
    /// Echoed back in the answer to match results to inputs; generated when `None`.
    pub request_id: Option<String>,
}

impl Serialize for NewLead {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        LeadFieldsWire {
            name: self.name.as_deref(),
            price: self.price,
            status_id: self.status_id,
            pipeline_id: self.pipeline_id,
            responsible_user_id: self.responsible_user_id,
            custom_fields_values: &self.custom_fields_values,
            embedded: EmbeddedWire {
                contacts: self.contacts.iter().map(EmbeddedItem::Link).collect(),
                companies: self
                    .companies
                    .iter()
                    .map(|&id| EmbeddedItem::Id(IdOnly { id }))
                    .collect(),
                tags: self.tags.iter().map(|name| TagName { name }).collect(),
            }
            .non_empty(),
            request_id: self.request_id.as_deref(),
        }
        .serialize(serializer)
    }
}

/// A lead created together with a new contact and company (`POST /api/v4/leads/complex`).
#[derive(Debug, Clone, Default, PartialEq)]
pub struct ComplexLead {
    /// Lead name.
    pub name: Option<String>,
    /// Budget.
    pub price: Option<i64>,
    /// The stage.
    pub status_id: Option<i64>,
    /// The pipeline.
    pub pipeline_id: Option<i64>,
    /// The responsible user.
    pub responsible_user_id: Option<i64>,
    /// The lead's custom field values.
    pub custom_fields_values: Vec<CustomFieldValue>,
    /// Tags to attach, by name.
    pub tags: Vec<String>,
    /// The contact to create with the lead (at most one).
    pub contact: Option<NewContact>,
    /// The company to create with the lead (at most one).
    pub company: Option<NewCompany>,
    /// Echoed back in the answer; generated when `None`.
    pub request_id: Option<String>,
}

impl Serialize for ComplexLead {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        LeadFieldsWire {
            name: self.name.as_deref(),
            price: self.price,
            status_id: self.status_id,
            pipeline_id: self.pipeline_id,
            responsible_user_id: self.responsible_user_id,
            custom_fields_values: &self.custom_fields_values,
            embedded: EmbeddedWire {
                contacts: self.contact.iter().map(EmbeddedItem::Contact).collect(),
                companies: self.company.iter().map(EmbeddedItem::Company).collect(),
                tags: self.tags.iter().map(|name| TagName { name }).collect(),
            }
            .non_empty(),
            request_id: self.request_id.as_deref(),
        }
        .serialize(serializer)
    }
}

/// A company to create inside a [`ComplexLead`].
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
pub struct NewCompany {
    /// Company name.
    pub name: String,
    /// Custom field values.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub custom_fields_values: Vec<CustomFieldValue>,
}

/// The result of one complex create.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
pub struct ComplexCreated {
    /// The new lead's id.
    pub id: i64,
    /// The contact's id, when one was created or matched.
    #[serde(default)]
    pub contact_id: Option<i64>,
    /// The company's id, when one was created or matched.
    #[serde(default)]
    pub company_id: Option<i64>,
    /// The `request_id` of the input (amoCRM sends it as a list).
    #[serde(default, deserialize_with = "one_or_many_strings")]
    pub request_id: Vec<String>,
    /// Whether duplicate control merged the lead into an existing one.
    #[serde(default, deserialize_with = "null_default")]
    pub merged: bool,
}

/// Changes to an existing lead; `None` fields are left as they are.
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
pub struct LeadUpdate {
    /// The lead to change.
    pub id: i64,
    /// New name.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
    /// New budget.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub price: Option<i64>,
    /// New stage.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub status_id: Option<i64>,
    /// New pipeline.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub pipeline_id: Option<i64>,
    /// New responsible user.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub responsible_user_id: Option<i64>,
    /// Loss reason, only with [`STATUS_LOST`].
    #[serde(skip_serializing_if = "Option::is_none")]
    pub loss_reason_id: Option<i64>,
    /// Custom fields to set. amoCRM replaces all values of each field listed.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub custom_fields_values: Option<Vec<CustomFieldValue>>,
}

/// What a lead can be linked to.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum LinkEntityType {
    /// A contact.
    Contacts,
    /// A company.
    Companies,
    /// A catalog element (a product).
    CatalogElements,
}

/// A link from a lead to another entity (`POST /api/v4/leads/{id}/link`).
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct EntityLink {
    /// The linked entity's id.
    pub to_entity_id: i64,
    /// The linked entity's type.
    pub to_entity_type: LinkEntityType,
    /// Link details, such as `{"is_main": true}` for contacts.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub metadata: Option<LinkMetadata>,
}

impl EntityLink {
    /// A link to a contact, optionally as the lead's main contact.
    pub fn contact(id: i64, is_main: bool) -> EntityLink {
        EntityLink {
            to_entity_id: id,
            to_entity_type: LinkEntityType::Contacts,
            metadata: is_main.then(|| LinkMetadata {
                is_main: Some(true),
                ..LinkMetadata::default()
            }),
        }
    }

    /// A link to a company.
    pub fn company(id: i64) -> EntityLink {
        EntityLink {
            to_entity_id: id,
            to_entity_type: LinkEntityType::Companies,
            metadata: None,
        }
    }
}

/// Details of an [`EntityLink`].
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
pub struct LinkMetadata {
    /// For contacts: whether it is the main contact.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub is_main: Option<bool>,
    /// For catalog elements: the catalog.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub catalog_id: Option<i64>,
    /// For catalog elements: how many.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub quantity: Option<f64>,
}

/// The fields shared by the lead create shapes.
#[derive(Serialize)]
struct LeadFieldsWire<'a> {
    #[serde(skip_serializing_if = "Option::is_none")]
    name: Option<&'a str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    price: Option<i64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    status_id: Option<i64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pipeline_id: Option<i64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    responsible_user_id: Option<i64>,
    #[serde(skip_serializing_if = "<[_]>::is_empty")]
    custom_fields_values: &'a [CustomFieldValue],
    #[serde(rename = "_embedded", skip_serializing_if = "Option::is_none")]
    embedded: Option<EmbeddedWire<'a>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    request_id: Option<&'a str>,
}

#[derive(Serialize)]
struct EmbeddedWire<'a> {
    #[serde(skip_serializing_if = "Vec::is_empty")]
    contacts: Vec<EmbeddedItem<'a>>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    companies: Vec<EmbeddedItem<'a>>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    tags: Vec<TagName<'a>>,
}

impl EmbeddedWire<'_> {
    fn non_empty(self) -> Option<Self> {
        let empty = self.contacts.is_empty() && self.companies.is_empty() && self.tags.is_empty();
        (!empty).then_some(self)
    }
}

#[derive(Serialize)]
#[serde(untagged)]
enum EmbeddedItem<'a> {
    Link(&'a LeadContact),
    Id(IdOnly),
    Contact(&'a NewContact),
    Company(&'a NewCompany),
}
