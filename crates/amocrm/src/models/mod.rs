//! The entities amoCRM returns and the shapes written to it.
//!
//! Read models tolerate `null` where amoCRM sometimes sends it and ignore fields they do not
//! name; values whose shape varies (custom field values, note params, event values) are kept as
//! raw JSON. Write models serialise to exactly the body amoCRM documents.

mod account;
mod common;
mod company;
mod contact;
mod custom_field;
mod event;
mod field_value;
mod lead;
mod loss_reason;
mod note;
mod open_enum;
mod pipeline;
mod task;
mod user;

pub use account::{Account, AccountWith, DatetimeSettings, TaskType, UsersGroup};
pub use common::{Created, Tag, Updated};
pub use company::{Company, CompanyDraft};
pub use contact::{Contact, ContactUpdate, NewContact};
pub use custom_field::{CustomField, EntityType, Enum, FieldType, RequiredStatus};
pub use event::Event;
pub use field_value::{CustomFieldValue, EMAIL, FieldValueItem, PHONE, POSITION};
pub use lead::{
    ComplexCreated, ComplexLead, EntityLink, Lead, LeadContact, LeadUpdate, LinkEntityType,
    LinkMetadata, NewCompany, NewLead, STATUS_LOST, STATUS_WON,
};
pub use loss_reason::LossReason;
pub use note::{NewNote, Note, NoteType};
pub use pipeline::{Pipeline, Status};
pub use task::{
    NewTask, TASK_TYPE_FOLLOW_UP, TASK_TYPE_MEETING, Task, TaskEntityType, TaskResult, TaskUpdate,
};
pub use user::{User, UserRights};
