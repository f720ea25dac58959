//! Tasks (`/api/v4/tasks`).

use serde::{Deserialize, Serialize};

use crate::models::open_enum::open_enum;
use crate::serde_util::{lenient_string, null_default};

open_enum! {
    /// The kind of entity a task is attached to (`entity_type`).
    pub enum TaskEntityType {
        /// A lead.
        Leads = "leads",
        /// A contact.
        Contacts = "contacts",
        /// A company.
        Companies = "companies",
        /// A customer.
        Customers = "customers",
    }
}

/// The id of the system task type "follow-up" (shown as "call" in older accounts).
pub const TASK_TYPE_FOLLOW_UP: i64 = 1;
/// The id of the system task type "meeting".
pub const TASK_TYPE_MEETING: i64 = 2;

/// A task as amoCRM returns it.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[serde(from = "TaskWire")]
pub struct Task {
    /// Task id.
    pub id: i64,
    /// Who created it.
    pub created_by: i64,
    /// Who changed it last.
    pub updated_by: i64,
    /// Creation time, unix seconds.
    pub created_at: i64,
    /// Last change, unix seconds.
    pub updated_at: i64,
    /// The responsible user.
    pub responsible_user_id: i64,
    /// The responsible user's group.
    pub group_id: i64,
    /// The entity the task is attached to, when it is attached to one.
    pub entity_id: Option<i64>,
    /// The kind of that entity.
    pub entity_type: Option<TaskEntityType>,
    /// Duration in seconds.
    pub duration: i64,
    /// Whether the task is done.
    pub is_completed: bool,
    /// The task type (see [`crate::TaskType`]; system ids are [`TASK_TYPE_FOLLOW_UP`] and
    /// [`TASK_TYPE_MEETING`], other ids are the account's own).
    pub task_type_id: i64,
    /// What to do.
    pub text: String,
    /// The result text, when the task was completed with one.
    pub result: Option<String>,
    /// The deadline, unix seconds.
    pub complete_till: i64,
    /// The account id.
    pub account_id: i64,
}

#[derive(Deserialize)]
struct TaskWire {
    id: i64,
    #[serde(default, deserialize_with = "null_default")]
    created_by: i64,
    #[serde(default, deserialize_with = "null_default")]
    updated_by: i64,
    #[serde(default, deserialize_with = "null_default")]
    created_at: i64,
    #[serde(default, deserialize_with = "null_default")]
    updated_at: i64,
    #[serde(default, deserialize_with = "null_default")]
    responsible_user_id: i64,
    #[serde(default, deserialize_with = "null_default")]
    group_id: i64,
    #[serde(default)]
    entity_id: Option<i64>,
    #[serde(default)]
    entity_type: Option<TaskEntityType>,
    #[serde(default, deserialize_with = "null_default")]
    duration: i64,
    #[serde(default, deserialize_with = "null_default")]
    is_completed: bool,
    #[serde(default, deserialize_with = "null_default")]
    task_type_id: i64,
    #[serde(default, deserialize_with = "null_default")]
    text: String,
    #[serde(default, deserialize_with = "null_default")]
    result: ResultWire,
    #[serde(default, deserialize_with = "null_default")]
    complete_till: i64,
    #[serde(default, deserialize_with = "null_default")]
    account_id: i64,
}

/// `result` is absent, `null`, `{}` or `{"text": …}`; amoCRM has also been seen sending `[]`.
#[derive(Default, Deserialize)]
#[serde(untagged)]
enum ResultWire {
    Text {
        #[serde(default, deserialize_with = "lenient_string")]
        text: Option<String>,
    },
    #[default]
    Empty,
    #[allow(dead_code)]
    Other(serde_json::Value),
}

impl From<TaskWire> for Task {
    fn from(wire: TaskWire) -> Task {
        let result = match wire.result {
            ResultWire::Text { text } => text.filter(|t| !t.is_empty()),
            ResultWire::Empty | ResultWire::Other(_) => None,
        };
        Task {
            id: wire.id,
            created_by: wire.created_by,
            updated_by: wire.updated_by,
            created_at: wire.created_at,
            updated_at: wire.updated_at,
            responsible_user_id: wire.responsible_user_id,
            group_id: wire.group_id,
            entity_id: wire.entity_id.filter(|id| *id != 0),
            entity_type: wire.entity_type,
            duration: wire.duration,
            is_completed: wire.is_completed,
            task_type_id: wire.task_type_id,
            text: wire.text,
            result,
            complete_till: wire.complete_till,
            account_id: wire.account_id,
        }
    }
}

/// The `result` object of a task write.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct TaskResult {
    /// The result text.
    pub text: String,
}

/// A task to create. amoCRM needs `text` and `complete_till`; send the responsible user
/// explicitly rather than relying on the token's user.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct NewTask {
    /// The task type.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub task_type_id: Option<i64>,
    /// What to do.
    pub text: String,
    /// The deadline, unix seconds (23:59 is shown as "all day").
    pub complete_till: i64,
    /// The responsible user.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub responsible_user_id: Option<i64>,
    /// The entity to attach the task to.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub entity_id: Option<i64>,
    /// The kind of that entity.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub entity_type: Option<TaskEntityType>,
    /// Duration in seconds.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub duration: Option<i64>,
    /// Echoed back in the answer to match results to inputs; generated when `None`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub request_id: Option<String>,
}

impl NewTask {
    /// A task with `text` due at `complete_till` (unix seconds), attached to nothing yet.
    pub fn new(text: impl Into<String>, complete_till: i64) -> NewTask {
        NewTask {
            task_type_id: None,
            text: text.into(),
            complete_till,
            responsible_user_id: None,
            entity_id: None,
            entity_type: None,
            duration: None,
            request_id: None,
        }
    }

    /// The same task attached to `entity_id` of `entity_type`.
    pub fn on(mut self, entity_type: TaskEntityType, entity_id: i64) -> NewTask {
        self.entity_type = Some(entity_type);
        self.entity_id = Some(entity_id);
        self
    }
}

/// Changes to an existing task; `None` fields are left as they are.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct TaskUpdate {
    /// The task to change.
    pub id: i64,
    /// New type.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub task_type_id: Option<i64>,
    /// New text.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub text: Option<String>,
    /// New deadline, unix seconds.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub complete_till: Option<i64>,
    /// New responsible user.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub responsible_user_id: Option<i64>,
    /// Whether the task is done.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub is_completed: Option<bool>,
    /// The result (amoCRM asks for it together with `is_completed` to complete a task).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub result: Option<TaskResult>,
}

impl TaskUpdate {
    /// Completes task `id` with the result `text`.
    pub fn complete(id: i64, text: impl Into<String>) -> TaskUpdate {
        TaskUpdate {
            id,
            is_completed: Some(true),
            result: Some(TaskResult { text: text.into() }),
            ..TaskUpdate::default()
        }
    }
}
