//! The account's data as the amoCRM stand-in keeps it: metadata, entities and the feed.

use std::collections::BTreeMap;
use std::time::{SystemTime, UNIX_EPOCH};

use serde_json::{Value, json};

/// A user of the account.
#[derive(Debug, Clone)]
pub(crate) struct User {
    pub id: i64,
    pub name: String,
    pub email: String,
    pub lang: &'static str,
    pub is_admin: bool,
    pub is_active: bool,
    pub group_id: i64,
}

/// One stage of a pipeline.
#[derive(Debug, Clone)]
pub(crate) struct Status {
    pub id: i64,
    pub name: String,
    pub sort: i64,
    pub color: &'static str,
    /// 1 for the incoming ("unsorted") stage, 0 otherwise.
    pub kind: u8,
    pub is_editable: bool,
}

/// A sales pipeline with its stages in display order.
#[derive(Debug, Clone)]
pub(crate) struct Pipeline {
    pub id: i64,
    pub name: String,
    pub sort: i64,
    pub is_main: bool,
    pub statuses: Vec<Status>,
}

/// One choice of a select-like field, or one kind (`WORK`, `MOB`…) of a multitext field.
#[derive(Debug, Clone)]
pub(crate) struct FieldEnum {
    pub id: i64,
    pub value: String,
    pub sort: i64,
}

/// A custom field definition.
#[derive(Debug, Clone)]
pub(crate) struct CustomField {
    pub id: i64,
    pub name: String,
    pub code: Option<String>,
    pub sort: i64,
    pub field_type: String,
    pub enums: Vec<FieldEnum>,
    /// `(pipeline_id, status_id)` pairs in which the field must be filled.
    pub required_statuses: Vec<(i64, i64)>,
    pub is_api_only: bool,
    pub is_predefined: bool,
    pub entity_type: &'static str,
}

/// A contact. Custom field values are kept in amoCRM's output shape.
#[derive(Debug, Clone)]
pub(crate) struct Contact {
    pub id: i64,
    pub name: String,
    pub first_name: String,
    pub last_name: String,
    pub responsible_user_id: i64,
    pub created_by: i64,
    pub updated_by: i64,
    pub created_at: i64,
    pub updated_at: i64,
    pub custom_fields_values: Vec<Value>,
    /// Its tags' names (`_embedded.tags`).
    pub tags: Vec<String>,
}

/// A lead's link to a contact.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct LeadContact {
    pub id: i64,
    pub is_main: bool,
}

/// A lead (deal).
#[derive(Debug, Clone)]
pub(crate) struct Lead {
    pub id: i64,
    pub name: String,
    pub price: i64,
    pub responsible_user_id: i64,
    pub status_id: i64,
    pub pipeline_id: i64,
    pub loss_reason_id: Option<i64>,
    pub created_by: i64,
    pub updated_by: i64,
    pub created_at: i64,
    pub updated_at: i64,
    pub closed_at: Option<i64>,
    pub custom_fields_values: Vec<Value>,
    pub contacts: Vec<LeadContact>,
    pub tags: Vec<String>,
}

/// A note on a lead.
#[derive(Debug, Clone)]
pub(crate) struct Note {
    pub id: i64,
    /// `leads` or `contacts`: whose feed the note is in.
    pub entity_type: &'static str,
    pub entity_id: i64,
    pub note_type: String,
    pub params: Value,
    pub created_by: i64,
    pub created_at: i64,
    pub updated_at: i64,
    pub responsible_user_id: i64,
}

/// A company. A contact belongs to at most one; so does a lead.
#[derive(Debug, Clone)]
pub(crate) struct Company {
    pub id: i64,
    pub name: String,
    pub responsible_user_id: i64,
    pub created_by: i64,
    pub updated_by: i64,
    pub created_at: i64,
    pub updated_at: i64,
}

/// A task, attached to a lead, a contact, a company or nothing.
#[derive(Debug, Clone)]
pub(crate) struct Task {
    pub id: i64,
    pub created_by: i64,
    pub updated_by: i64,
    pub created_at: i64,
    pub updated_at: i64,
    pub responsible_user_id: i64,
    /// `(entity_type, entity_id)`, such as `("leads", 20000001)`.
    pub entity: Option<(String, i64)>,
    pub duration: i64,
    pub is_completed: bool,
    pub task_type_id: i64,
    pub text: String,
    pub result: Option<String>,
    pub complete_till: i64,
}

/// A task type of the account (`GET /api/v4/account?with=task_types`).
#[derive(Debug, Clone)]
pub(crate) struct TaskType {
    pub id: i64,
    pub name: String,
    pub code: Option<&'static str>,
}

/// A loss reason of the account.
#[derive(Debug, Clone)]
pub(crate) struct LossReason {
    pub id: i64,
    pub name: String,
    pub sort: i64,
}

/// An entry of the events feed.
#[derive(Debug, Clone)]
pub(crate) struct Event {
    pub id: String,
    pub kind: String,
    pub entity_type: &'static str,
    pub entity_id: i64,
    pub created_by: i64,
    pub created_at: i64,
    pub value_before: Value,
    pub value_after: Value,
}

/// A webhook subscription.
#[derive(Debug, Clone)]
pub(crate) struct Webhook {
    pub id: i64,
    pub destination: String,
    pub settings: Vec<String>,
    pub sort: i64,
    pub disabled: bool,
    /// Failed deliveries in a row.
    pub failures: u32,
    pub created_at: i64,
    pub created_by: i64,
}

/// The whole account.
#[derive(Debug, Clone, Default)]
pub(crate) struct Crm {
    pub users: Vec<User>,
    pub pipelines: Vec<Pipeline>,
    pub lead_fields: Vec<CustomField>,
    pub contact_fields: Vec<CustomField>,
    pub contacts: BTreeMap<i64, Contact>,
    pub leads: BTreeMap<i64, Lead>,
    pub notes: BTreeMap<i64, Note>,
    pub events: Vec<Event>,
    pub companies: BTreeMap<i64, Company>,
    /// The company of each contact that has one.
    pub contact_company: BTreeMap<i64, i64>,
    /// The company of each lead that has one.
    pub lead_company: BTreeMap<i64, i64>,
    pub tasks: BTreeMap<i64, Task>,
    pub task_types: Vec<TaskType>,
    pub loss_reasons: Vec<LossReason>,
    pub next_task_id: i64,
    pub next_contact_id: i64,
    pub next_lead_id: i64,
    pub next_note_id: i64,
    pub next_company_id: i64,
    pub next_event_seq: u64,
    pub webhooks: Vec<Webhook>,
    pub next_webhook_id: i64,
    /// Deliveries raised by the request being handled, sent once it is answered.
    pub outbox: Vec<crate::amocrm::Outgoing>,
    /// Deliveries sent (answered or not), oldest first, the last thousand.
    pub webhook_log: Vec<crate::amocrm::Outgoing>,
}

impl Crm {
    /// The user with this id.
    pub(crate) fn user(&self, id: i64) -> Option<&User> {
        self.users.iter().find(|u| u.id == id)
    }

    /// The pipeline with this id.
    pub(crate) fn pipeline(&self, id: i64) -> Option<&Pipeline> {
        self.pipelines.iter().find(|p| p.id == id)
    }

    /// The main pipeline, where leads land when no pipeline is named.
    pub(crate) fn main_pipeline(&self) -> Option<&Pipeline> {
        self.pipelines
            .iter()
            .find(|p| p.is_main)
            .or(self.pipelines.first())
    }

    /// The stage `status_id` of pipeline `pipeline_id`, if it belongs to it.
    pub(crate) fn status(&self, pipeline_id: i64, status_id: i64) -> Option<&Status> {
        self.pipeline(pipeline_id)?
            .statuses
            .iter()
            .find(|s| s.id == status_id)
    }

    /// The pipeline a stage belongs to; the shared won/lost stages resolve to the main pipeline.
    pub(crate) fn pipeline_of_status(&self, status_id: i64) -> Option<i64> {
        if status_id == 142 || status_id == 143 {
            return self.main_pipeline().map(|p| p.id);
        }
        self.pipelines
            .iter()
            .find(|p| p.statuses.iter().any(|s| s.id == status_id))
            .map(|p| p.id)
    }

    /// Where a new lead goes when only the pipeline is named: the first ordinary stage.
    pub(crate) fn first_stage(&self, pipeline_id: i64) -> Option<i64> {
        self.pipeline(pipeline_id)?
            .statuses
            .iter()
            .find(|s| s.kind == 0 && s.id != 142 && s.id != 143)
            .map(|s| s.id)
    }

    /// Allocates the next contact id.
    pub(crate) fn new_contact_id(&mut self) -> i64 {
        self.next_contact_id += 1;
        self.next_contact_id
    }

    /// Allocates the next lead id.
    pub(crate) fn new_lead_id(&mut self) -> i64 {
        self.next_lead_id += 1;
        self.next_lead_id
    }

    /// Allocates the next note id.
    pub(crate) fn new_note_id(&mut self) -> i64 {
        self.next_note_id += 1;
        self.next_note_id
    }

    /// Allocates the next company id.
    pub(crate) fn new_company_id(&mut self) -> i64 {
        self.next_company_id += 1;
        self.next_company_id
    }

    /// Allocates the next task id.
    pub(crate) fn new_task_id(&mut self) -> i64 {
        self.next_task_id += 1;
        self.next_task_id
    }

    /// Stores a new company named `name` and returns its id.
    pub(crate) fn add_company(&mut self, name: String, user_id: i64, at: i64) -> i64 {
        let id = self.new_company_id();
        self.companies.insert(
            id,
            Company {
                id,
                name,
                responsible_user_id: user_id,
                created_by: user_id,
                updated_by: user_id,
                created_at: at,
                updated_at: at,
            },
        );
        id
    }

    /// Appends an event on a lead. Ids look like amoCRM's: opaque, lower-case, 26 characters.
    pub(crate) fn push_event(
        &mut self,
        kind: &str,
        lead_id: i64,
        by: i64,
        at: i64,
        before: Value,
        after: Value,
    ) {
        self.next_event_seq += 1;
        self.events.push(Event {
            id: format!("01k{:023x}", self.next_event_seq),
            kind: kind.to_owned(),
            entity_type: "lead",
            entity_id: lead_id,
            created_by: by,
            created_at: at,
            value_before: before,
            value_after: after,
        });
    }

    /// The ids of the leads linked to a contact, in id order.
    pub(crate) fn leads_of_contact(&self, contact_id: i64) -> Vec<i64> {
        self.leads
            .values()
            .filter(|l| l.contacts.iter().any(|c| c.id == contact_id))
            .map(|l| l.id)
            .collect()
    }
}

/// Seconds since the Unix epoch, from the real clock.
pub(crate) fn now_unix() -> i64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map(|d| i64::try_from(d.as_secs()).unwrap_or(i64::MAX))
        .unwrap_or(0)
}

/// `{"lead_status": {...}}`, the value shape of status events.
pub(crate) fn lead_status_value(status_id: i64, pipeline_id: i64) -> Value {
    json!([{ "lead_status": { "id": status_id, "pipeline_id": pipeline_id } }])
}

/// amoCRM's `query` search, reproduced the way its full-text index behaves for our purposes.
///
/// A value matches when the query is a case-insensitive substring of it. In addition, when the query
/// looks like a phone number (digits with only `+ - ( ) .` and spaces around them), it matches a value
/// whose digits contain the query's digits: `916 123-45-67` finds `+7 (916) 123-45-67`, but
/// `89161234567` does not find `+7 (916) 123-45-67`, because the leading `8` is not stored. That is why
/// clients drop the country prefix before searching and confirm hits themselves.
pub(crate) fn text_matches(query: &str, name: &str, custom_fields_values: &[Value]) -> bool {
    let needle = query.trim().to_lowercase();
    if needle.is_empty() {
        return true;
    }
    let phone_like = is_phone_like(&needle);
    let needle_digits: String = needle.chars().filter(char::is_ascii_digit).collect();
    let hit = |text: &str| {
        if text.to_lowercase().contains(&needle) {
            return true;
        }
        if phone_like {
            let digits: String = text.chars().filter(char::is_ascii_digit).collect();
            return digits.contains(&needle_digits);
        }
        false
    };
    if hit(name) {
        return true;
    }
    custom_fields_values.iter().any(|field| {
        field["values"].as_array().is_some_and(|values| {
            values.iter().any(|v| match &v["value"] {
                Value::String(s) => hit(s),
                Value::Number(n) => hit(&n.to_string()),
                _ => false,
            })
        })
    })
}

/// True for text made of digits and the punctuation people put in phone numbers (`+ - ( ) .`, spaces).
pub(crate) fn is_phone_like(text: &str) -> bool {
    text.bytes().any(|b| b.is_ascii_digit())
        && text
            .bytes()
            .all(|b| b.is_ascii_digit() || b" +-().".contains(&b))
}
