//! A contact's open tasks and its open deals' — on the tasks page (every page of them, read when the agent opens
//! it) and in the block (one page each, read beside the deals: `tasks/block.rs`) — creating a task on the contact, and
//! completing one with a result. One rule turns amoCRM's tasks into what both show (`open_tasks`).

use amocrm::{NewTask, Task, TaskEntityType, TasksQuery};
use serde::{Deserialize, Serialize};

use crate::Error;
use crate::fields::{parse_date_in, required, too_long};
use crate::keys::FieldKey;
use crate::metadata::CoreMeta;
use crate::model::{DealKind, UserRef};
use crate::service::{ActionContext, Domain};
use crate::store::{AuditAction, AuditResult};

/// The longest task text or result accepted.
pub const TASK_TEXT_MAX: usize = 1000;

/// The most deals whose tasks are read (the newest).
const DEALS_MAX: usize = 50;

/// What a task is attached to.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub enum TaskTarget {
    /// The contact itself.
    Contact,
    /// One of its deals.
    Deal {
        /// The deal id.
        id: i64,
        /// Its name.
        name: String,
    },
}

pub(crate) mod block;

/// An open task as the tasks page and the block show it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct TaskView {
    /// The task id.
    pub id: i64,
    /// The task type's name in the account (the id as text when unknown).
    pub kind: String,
    /// What to do.
    pub text: String,
    /// The deadline, unix seconds.
    pub due: i64,
    /// The responsible user.
    pub responsible: Option<UserRef>,
    /// What it is attached to.
    pub target: TaskTarget,
}

/// The open tasks the block shows for a contact or a deal.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct OpenTasks {
    /// The tasks read, soonest due first.
    pub list: Vec<TaskView>,
    /// Whether amoCRM may hold more than were read: the block reads one page of the soonest, the tasks page all.
    #[serde(default)]
    pub more_unread: bool,
    /// Whether the block could not read them this time (amoCRM busy or failing): it says so rather than showing
    /// "no tasks".
    #[serde(default)]
    pub not_read: bool,
}

/// The tasks page of one contact.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ContactTasks {
    /// The contact id.
    pub contact_id: i64,
    /// Its name.
    pub contact_name: String,
    /// Its open tasks and its open deals', earliest deadline first.
    pub tasks: Vec<TaskView>,
    /// The account's task types, `(id, name)`, in the account's order (kept with the metadata).
    pub types: Vec<(i64, String)>,
    /// The users a task can be given to (empty when the users list is not readable).
    pub users: Vec<UserRef>,
    /// Who a new task goes to by default: the contact's responsible user.
    pub default_responsible: Option<i64>,
    /// The contact's open deals a new task can be set on instead, `(id, name)`, newest first.
    #[serde(default)]
    pub open_deals: Vec<(i64, String)>,
}

/// A task to create on a contact, as the agent filled the form.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct NewTaskInput {
    /// The task type id.
    pub type_id: Option<i64>,
    /// What to do.
    pub text: String,
    /// The deadline as the form sent it (`YYYY-MM-DDTHH:MM`, local time).
    pub due: String,
    /// The responsible user; the contact's when `None`.
    pub responsible_user_id: Option<i64>,
    /// One of the contact's open deals to set the task on instead of the contact.
    #[serde(default)]
    pub deal_id: Option<i64>,
}

fn checked_text(text: &str, key: FieldKey) -> Result<String, Error> {
    let text = text.trim();
    if text.is_empty() {
        return Err(Error::Validation(vec![required(key)]));
    }
    if text.chars().count() > TASK_TEXT_MAX {
        return Err(Error::Validation(vec![too_long(key)]));
    }
    Ok(text.to_owned())
}

impl Domain {
    /// The open tasks of a contact and of its open deals, with what the create form needs.
    pub async fn contact_tasks(
        &self,
        ctx: &ActionContext,
        contact_id: i64,
    ) -> Result<ContactTasks, Error> {
        let (_, client) = self.session(ctx.connection_id).await?;
        let contact = crate::contacts::live_contact(&client, contact_id, true).await?;
        let mut deal_ids = contact.leads.clone();
        deal_ids.sort_unstable_by(|a, b| b.cmp(a));
        deal_ids.truncate(DEALS_MAX);
        let contact_query = TasksQuery::open_of(TaskEntityType::Contacts, [contact_id]);
        let deals_query = TasksQuery::open_of(TaskEntityType::Leads, deal_ids.clone());
        let leads_query = amocrm::LeadsQuery {
            limit: Some(250),
            ..amocrm::LeadsQuery::by_ids(deal_ids.clone())
        };
        let with_deals = !deal_ids.is_empty();
        let (core, of_contact, of_deals, leads) = tokio::join!(
            self.core_meta(ctx.connection_id, &client),
            crate::retry::read(|| async { client.tasks().list_all(&contact_query).await }),
            async {
                if with_deals {
                    crate::retry::read(|| async { client.tasks().list_all(&deals_query).await })
                        .await
                } else {
                    Ok(Vec::new())
                }
            },
            async {
                if with_deals {
                    crate::retry::read(|| async { client.leads().list_all(&leads_query).await })
                        .await
                } else {
                    Ok(Vec::new())
                }
            },
        );
        let (core, of_contact, of_deals, leads) = (core?, of_contact?, of_deals?, leads?);
        let core = &core.value;
        let mut tasks = open_tasks(core, &of_contact, |_| Some(TaskTarget::Contact));
        tasks.extend(open_tasks(core, &of_deals, deal_target(&leads)));
        tasks.sort_by_key(|t| (t.due, t.id));
        let types = core.task_types.clone();
        let users = core.users_by_name();
        Ok(ContactTasks {
            contact_id,
            contact_name: contact.name.clone(),
            tasks,
            types,
            users,
            default_responsible: (contact.responsible_user_id > 0)
                .then_some(contact.responsible_user_id),
            open_deals: leads
                .iter()
                .filter(|l| !l.is_deleted && DealKind::of_status(l.status_id) == DealKind::Open)
                .map(|l| (l.id, crate::render::deal_name(l)))
                .collect(),
        })
    }

    /// Creates a task on a contact. Returns the new task's id.
    pub async fn create_task(
        &self,
        ctx: &ActionContext,
        contact_id: i64,
        input: NewTaskInput,
    ) -> Result<i64, Error> {
        let text = checked_text(&input.text, FieldKey::Note);
        let due = parse_date_in(&input.due, &self.zone(ctx.time_zone.as_deref(), None))
            .filter(|due| *due > 0)
            .ok_or_else(|| {
                Error::Validation(vec![crate::FieldError {
                    field: FieldKey::Custom(0),
                    label: None,
                    code: crate::FieldErrorCode::Date,
                }])
            });
        let (text, due) = match (text, due) {
            (Ok(text), Ok(due)) => (text, due),
            (Err(Error::Validation(mut a)), Err(Error::Validation(b))) => {
                a.extend(b);
                return Err(Error::Validation(a));
            }
            (Err(e), _) | (_, Err(e)) => return Err(e),
        };
        let (_, client) = self.session(ctx.connection_id).await?;
        // A deal the form names must be one of this contact's: the signed token names only the contact.
        let on = match input.deal_id {
            Some(deal) => {
                let contact = crate::contacts::live_contact(&client, contact_id, true).await?;
                if !contact.leads.contains(&deal) {
                    return Err(Error::NotFound(format!(
                        "deal {deal} of contact {contact_id}"
                    )));
                }
                (TaskEntityType::Leads, deal)
            }
            None => (TaskEntityType::Contacts, contact_id),
        };
        let task = NewTask {
            task_type_id: input.type_id,
            responsible_user_id: input.responsible_user_id,
            ..NewTask::new(text, due).on(on.0, on.1)
        };
        let created = client.tasks().create(&[task]).await;
        let target = match input.deal_id {
            Some(deal) => format!("lead:{deal}"),
            None => format!("contact:{contact_id}"),
        };
        match created {
            Ok(mut ids) if !ids.is_empty() => {
                self.after_write(ctx.connection_id);
                self.audit(ctx, AuditAction::TaskCreate, target, AuditResult::Ok)
                    .await;
                Ok(ids.remove(0).id)
            }
            Ok(_) => Err(Error::Internal("amoCRM created no task".into())),
            Err(e) => {
                self.audit(ctx, AuditAction::TaskCreate, target, AuditResult::Error)
                    .await;
                Err(e.into())
            }
        }
    }

    /// Completes an open task with the result the agent wrote.
    pub async fn complete_task(
        &self,
        ctx: &ActionContext,
        task_id: i64,
        result: &str,
    ) -> Result<(), Error> {
        let result = checked_text(result, FieldKey::Comment)?;
        let (_, client) = self.session(ctx.connection_id).await?;
        let task = crate::retry::read(|| async { client.tasks().get(task_id).await })
            .await?
            .ok_or_else(|| Error::NotFound(format!("task {task_id}")))?;
        if task.is_completed {
            // Done elsewhere meanwhile: the block that offered it shows it no more.
            self.after_write(ctx.connection_id);
            return Ok(());
        }
        let done = client.tasks().complete(task_id, &result).await;
        if done.is_ok() {
            self.after_write(ctx.connection_id);
        }
        let outcome = AuditResult::of(&done);
        self.audit(
            ctx,
            AuditAction::TaskComplete,
            format!("task:{task_id}"),
            outcome,
        )
        .await;
        done?;
        Ok(())
    }
}

/// The open tasks among `tasks` that `target` attaches to something shown (`None` leaves a task out), soonest due
/// first, each with its type's name from the metadata: the one rule of the tasks page and the block.
pub(crate) fn open_tasks<'a>(
    core: &CoreMeta,
    tasks: impl IntoIterator<Item = &'a Task>,
    target: impl Fn(&Task) -> Option<TaskTarget>,
) -> Vec<TaskView> {
    let mut views: Vec<TaskView> = tasks
        .into_iter()
        .filter(|t| !t.is_completed)
        .filter_map(|task| {
            Some(TaskView {
                id: task.id,
                kind: core.task_type(task.task_type_id),
                text: task.text.clone(),
                due: task.complete_till,
                responsible: core.user(task.responsible_user_id),
                target: target(task)?,
            })
        })
        .collect();
    views.sort_by_key(|t| (t.due, t.id));
    views
}

/// What a deal's task is attached to: the deal, when it is among `leads` and open (a closed deal's tasks are not
/// shown).
pub(crate) fn deal_target(leads: &[amocrm::Lead]) -> impl Fn(&Task) -> Option<TaskTarget> + '_ {
    move |task| {
        let lead = leads.iter().find(|l| {
            Some(l.id) == task.entity_id
                && !l.is_deleted
                && DealKind::of_status(l.status_id) == DealKind::Open
        })?;
        Some(TaskTarget::Deal {
            id: lead.id,
            name: crate::render::deal_name(lead),
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_task_text_must_be_there_and_not_too_long() {
        assert!(matches!(
            checked_text("  ", FieldKey::Note),
            Err(Error::Validation(_))
        ));
        let long = "x".repeat(TASK_TEXT_MAX + 1);
        assert!(matches!(
            checked_text(&long, FieldKey::Note),
            Err(Error::Validation(_))
        ));
        assert_eq!(
            checked_text(" Call back ", FieldKey::Note).expect("ok"),
            "Call back"
        );
    }
}
