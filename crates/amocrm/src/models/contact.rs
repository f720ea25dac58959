//! Contacts.

use serde::{Deserialize, Serialize};

use crate::models::CustomFieldValue;
use crate::models::common::{Tag, TagName};
use crate::models::field_value::{EMAIL, PHONE, POSITION, texts_by_code};
use crate::serde_util::{IdRef, null_default};

/// A contact as amoCRM returns it.
#[derive(Debug, Clone, PartialEq, Deserialize)]
#[serde(from = "ContactWire")]
pub struct Contact {
    /// Contact id.
    pub id: i64,
    /// Full name.
    pub name: String,
    /// First name.
    pub first_name: String,
    /// Last name.
    pub last_name: String,
    /// The responsible user.
    pub responsible_user_id: i64,
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
    /// Whether the contact is in the trash.
    pub is_deleted: bool,
    /// Custom field values (phones and e-mails among them).
    pub custom_fields_values: Vec<CustomFieldValue>,
    /// The account id.
    pub account_id: i64,
    /// Ids of the contact's leads (`_embedded.leads`, filled when asked `with=leads`).
    pub leads: Vec<i64>,
    /// The contact's tags.
    pub tags: Vec<Tag>,
    /// Ids of the contact's companies (`_embedded.companies`, sent without `with`; a contact
    /// has at most one, but the list is kept as amoCRM sent it).
    pub companies: Vec<i64>,
}

impl Contact {
    /// The whole value list of the field with code `code` (such as [`PHONE`]) with `value`
    /// appended, ready for a PATCH: amoCRM replaces a field's whole value list, so the values
    /// already stored are sent again, each with its `enum_id` / `enum_code`. When the field is
    /// still empty the list holds `value` alone, sent by field code.
    pub fn field_with_added(
        &self,
        code: &str,
        value: impl Into<String>,
        enum_code: impl Into<String>,
    ) -> CustomFieldValue {
        let item = crate::models::FieldValueItem {
            enum_code: Some(enum_code.into()),
            ..crate::models::FieldValueItem::new(value.into())
        };
        match self.custom_fields_values.iter().find(|v| v.has_code(code)) {
            Some(existing) => {
                let mut values = existing.values.clone();
                values.push(item);
                CustomFieldValue {
                    field_id: existing.field_id,
                    field_name: None,
                    field_code: if existing.field_id.is_some() {
                        None
                    } else {
                        existing.field_code.clone()
                    },
                    field_type: existing.field_type.clone(),
                    values,
                }
            }
            None => CustomFieldValue {
                field_id: None,
                field_name: None,
                field_code: Some(code.to_owned()),
                field_type: Some(crate::models::FieldType::Multitext),
                values: vec![item],
            },
        }
    }

    /// The contact's company, when it has one.
    pub fn company_id(&self) -> Option<i64> {
        self.companies.first().copied()
    }
}

impl Contact {
    /// The phone numbers, as stored (values of the `PHONE` field).
    pub fn phones(&self) -> Vec<&str> {
        texts_by_code(&self.custom_fields_values, PHONE)
    }

    /// The e-mail addresses, as stored (values of the `EMAIL` field).
    pub fn emails(&self) -> Vec<&str> {
        texts_by_code(&self.custom_fields_values, EMAIL)
    }

    /// The position (job title), as stored (the first value of the `POSITION` field), when it has one.
    pub fn position(&self) -> Option<&str> {
        texts_by_code(&self.custom_fields_values, POSITION)
            .into_iter()
            .map(str::trim)
            .find(|p| !p.is_empty())
    }
}

#[derive(Deserialize)]
struct ContactWire {
    id: i64,
    #[serde(default, deserialize_with = "null_default")]
    name: String,
    #[serde(default, deserialize_with = "null_default")]
    first_name: String,
    #[serde(default, deserialize_with = "null_default")]
    last_name: String,
    #[serde(default, deserialize_with = "null_default")]
    responsible_user_id: i64,
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
    #[serde(default)]
    company_id: Option<i64>,
    #[serde(default, rename = "_embedded", deserialize_with = "null_default")]
    embedded: ContactEmbedded,
}

#[derive(Default, Deserialize)]
struct ContactEmbedded {
    #[serde(default, deserialize_with = "null_default")]
    leads: Vec<IdRef>,
    #[serde(default, deserialize_with = "null_default")]
    tags: Vec<Tag>,
    #[serde(default, deserialize_with = "null_default")]
    companies: Vec<IdRef>,
}

impl From<ContactWire> for Contact {
    fn from(wire: ContactWire) -> Contact {
        Contact {
            id: wire.id,
            name: wire.name,
            first_name: wire.first_name,
            last_name: wire.last_name,
            responsible_user_id: wire.responsible_user_id,
            created_by: wire.created_by,
            updated_by: wire.updated_by,
            created_at: wire.created_at,
            updated_at: wire.updated_at,
            closest_task_at: wire.closest_task_at,
            is_deleted: wire.is_deleted,
            custom_fields_values: wire.custom_fields_values,
            account_id: wire.account_id,
            leads: wire.embedded.leads.into_iter().map(|l| l.id).collect(),
            tags: wire.embedded.tags,
            companies: {
                let mut companies: Vec<i64> =
                    wire.embedded.companies.into_iter().map(|c| c.id).collect();
                if let Some(id) = wire.company_id.filter(|id| *id != 0)
                    && !companies.contains(&id)
                {
                    companies.push(id);
                }
                companies
            },
        }
    }
}

/// A contact to create.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct NewContact {
    /// Full name (amoCRM needs a name or a first / last name).
    pub name: Option<String>,
    /// First name.
    pub first_name: Option<String>,
    /// Last name.
    pub last_name: Option<String>,
    /// The responsible user; amoCRM uses the token's user when absent.
    pub responsible_user_id: Option<i64>,
    /// Custom field values, such as [`CustomFieldValue::phone`] and [`CustomFieldValue::email`].
    pub custom_fields_values: Vec<CustomFieldValue>,
    /// Tags to attach, by name.
    pub tags: Vec<String>,
    /// Echoed back in the answer to match results to inputs; generated when `None`.
    pub request_id: Option<String>,
}

impl NewContact {
    /// A contact with just a name.
    pub fn named(name: impl Into<String>) -> NewContact {
        NewContact {
            name: Some(name.into()),
            ..NewContact::default()
        }
    }
}

impl Serialize for NewContact {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        #[derive(Serialize)]
        struct Wire<'a> {
            #[serde(skip_serializing_if = "Option::is_none")]
            name: Option<&'a str>,
            #[serde(skip_serializing_if = "Option::is_none")]
            first_name: Option<&'a str>,
            #[serde(skip_serializing_if = "Option::is_none")]
            last_name: Option<&'a str>,
            #[serde(skip_serializing_if = "Option::is_none")]
            responsible_user_id: Option<i64>,
            #[serde(skip_serializing_if = "<[_]>::is_empty")]
            custom_fields_values: &'a [CustomFieldValue],
            #[serde(rename = "_embedded", skip_serializing_if = "Option::is_none")]
            embedded: Option<Embedded<'a>>,
            #[serde(skip_serializing_if = "Option::is_none")]
            request_id: Option<&'a str>,
        }
        #[derive(Serialize)]
        struct Embedded<'a> {
            tags: Vec<TagName<'a>>,
        }
        Wire {
            name: self.name.as_deref(),
            first_name: self.first_name.as_deref(),
            last_name: self.last_name.as_deref(),
            responsible_user_id: self.responsible_user_id,
            custom_fields_values: &self.custom_fields_values,
            embedded: (!self.tags.is_empty()).then(|| Embedded {
                tags: self.tags.iter().map(|name| TagName { name }).collect(),
            }),
            request_id: self.request_id.as_deref(),
        }
        .serialize(serializer)
    }
}

/// Changes to an existing contact; `None` fields are left as they are.
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
pub struct ContactUpdate {
    /// The contact to change.
    pub id: i64,
    /// New full name.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
    /// New first name.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub first_name: Option<String>,
    /// New last name.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub last_name: Option<String>,
    /// New responsible user.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub responsible_user_id: Option<i64>,
    /// Custom fields to set. amoCRM replaces all values of each field listed.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub custom_fields_values: Option<Vec<CustomFieldValue>>,
}
