//! Companies (`/api/v4/companies`).

use serde::{Deserialize, Serialize};

use crate::models::CustomFieldValue;
use crate::models::common::Tag;
use crate::serde_util::{IdRef, null_default};

/// A company as amoCRM returns it.
#[derive(Debug, Clone, PartialEq, Deserialize)]
#[serde(from = "CompanyWire")]
pub struct Company {
    /// Company id.
    pub id: i64,
    /// Name.
    pub name: String,
    /// The responsible user.
    pub responsible_user_id: i64,
    /// The responsible user's group.
    pub group_id: i64,
    /// Who created it.
    pub created_by: i64,
    /// Who changed it last.
    pub updated_by: i64,
    /// Creation time, unix seconds.
    pub created_at: i64,
    /// Last change, unix seconds.
    pub updated_at: i64,
    /// The nearest task's due time, unix seconds.
    pub closest_task_at: Option<i64>,
    /// Whether the company is in the trash.
    pub is_deleted: bool,
    /// Custom field values.
    pub custom_fields_values: Vec<CustomFieldValue>,
    /// The account id.
    pub account_id: i64,
    /// Ids of its contacts (`_embedded.contacts`, filled when asked `with=contacts`).
    pub contacts: Vec<i64>,
    /// Ids of its leads (`_embedded.leads`, filled when asked `with=leads`).
    pub leads: Vec<i64>,
    /// Its tags.
    pub tags: Vec<Tag>,
}

#[derive(Deserialize)]
struct CompanyWire {
    id: i64,
    #[serde(default, deserialize_with = "null_default")]
    name: String,
    #[serde(default, deserialize_with = "null_default")]
    responsible_user_id: i64,
    #[serde(default, deserialize_with = "null_default")]
    group_id: i64,
    #[serde(default, deserialize_with = "null_default")]
    created_by: i64,
    #[serde(default, deserialize_with = "null_default")]
    updated_by: i64,
    #[serde(default, deserialize_with = "null_default")]
    created_at: i64,
    #[serde(default, deserialize_with = "null_default")]
    updated_at: i64,
    #[serde(default)]
    closest_task_at: Option<i64>,
    #[serde(default, deserialize_with = "null_default")]
    is_deleted: bool,
    #[serde(default, deserialize_with = "null_default")]
    custom_fields_values: Vec<CustomFieldValue>,
    #[serde(default, deserialize_with = "null_default")]
    account_id: i64,
    #[serde(default, rename = "_embedded", deserialize_with = "null_default")]
    embedded: CompanyEmbedded,
}

#[derive(Default, Deserialize)]
struct CompanyEmbedded {
    #[serde(default, deserialize_with = "null_default")]
    contacts: Vec<IdRef>,
    #[serde(default, deserialize_with = "null_default")]
    leads: Vec<IdRef>,
    #[serde(default, deserialize_with = "null_default")]
    tags: Vec<Tag>,
}

impl From<CompanyWire> for Company {
    fn from(wire: CompanyWire) -> Company {
        Company {
            id: wire.id,
            name: wire.name,
            responsible_user_id: wire.responsible_user_id,
            group_id: wire.group_id,
            created_by: wire.created_by,
            updated_by: wire.updated_by,
            created_at: wire.created_at,
            updated_at: wire.updated_at,
            closest_task_at: wire.closest_task_at,
            is_deleted: wire.is_deleted,
            custom_fields_values: wire.custom_fields_values,
            account_id: wire.account_id,
            contacts: wire.embedded.contacts.into_iter().map(|c| c.id).collect(),
            leads: wire.embedded.leads.into_iter().map(|l| l.id).collect(),
            tags: wire.embedded.tags,
        }
    }
}

/// A company to create with `POST /api/v4/companies`.
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
pub struct CompanyDraft {
    /// Name.
    pub name: String,
    /// The responsible user; amoCRM uses the token's user when absent.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub responsible_user_id: Option<i64>,
    /// Custom field values.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub custom_fields_values: Vec<CustomFieldValue>,
    /// Echoed back in the answer to match results to inputs; generated when `None`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub request_id: Option<String>,
}

impl CompanyDraft {
    /// A company with just a name.
    pub fn named(name: impl Into<String>) -> CompanyDraft {
        CompanyDraft {
            name: name.into(),
            ..CompanyDraft::default()
        }
    }
}
