//! The tasks page: a contact's open tasks (overdue in red, today's marked) with their complete forms, and the
//! form that creates a task on the contact.

use std::borrow::Cow;

use askama::Template;
use domain::FieldErrorCode;
use domain::tasks::TaskTarget;

use super::forms::{Banner, ErrorLine, error_text};
use super::model::TasksPage;
use super::style::FormTarget;
use super::text::Tr;

/// The page.
#[derive(Template)]
#[template(path = "page/tasks.html")]
struct Tasks {
    t: Tr,
    title: String,
    created: bool,
    tasks: Vec<Item>,
    create: Option<FormTarget>,
    types: Vec<Choice>,
    users: Vec<Choice>,
    /// What the task is set on: the contact (`contact`) or one of its open deals (`deal:<id>`), with the chosen one
    /// selected; empty when the contact has no open deal.
    targets: Vec<(String, String, bool)>,
    text: String,
    due: String,
    errors: Vec<ErrorLine>,
    problem: Option<Banner>,
}

/// One open task.
struct Item {
    kind: String,
    text: String,
    due: String,
    state: &'static str,
    state_label: Option<Cow<'static, str>>,
    responsible: Option<String>,
    target: String,
    complete: Option<FormTarget>,
}

/// One option of a select.
struct Choice {
    value: i64,
    label: String,
    selected: bool,
}

pub(crate) fn render(tr: Tr, page: &TasksPage) -> askama::Result<String> {
    let data = &page.tasks;
    let tasks = data
        .tasks
        .iter()
        .map(|task| {
            let (state, state_label) = super::task_lines::state(&tr, task.due);
            Item {
                kind: task.kind.clone(),
                text: task.text.clone(),
                due: tr.datetime(task.due),
                state,
                state_label,
                responsible: task.responsible.as_ref().map(|u| tr.user(u)),
                target: match &task.target {
                    TaskTarget::Contact => tr.t("task-on-contact"),
                    TaskTarget::Deal { name, .. } => tr.arg("task-on-deal", "deal", name),
                },
                complete: page
                    .complete
                    .iter()
                    .find(|(id, _)| *id == task.id)
                    .and_then(|(_, action)| FormTarget::of(action)),
            }
        })
        .collect();
    let draft = &page.draft;
    let errors = page
        .errors
        .iter()
        .map(|e| ErrorLine {
            text: match e.code {
                FieldErrorCode::Date => tr.t("task-due-invalid"),
                _ => error_text(&tr, e, &tr.t("task-text")),
            },
            anchor: None,
        })
        .collect();
    Tasks {
        t: tr,
        title: tr.arg("tasks-title", "contact", &data.contact_name),
        created: page.created,
        tasks,
        create: FormTarget::of(&page.create),
        types: data
            .types
            .iter()
            .map(|(id, name)| Choice {
                value: *id,
                label: name.clone(),
                selected: draft.type_id == Some(*id),
            })
            .collect(),
        users: data
            .users
            .iter()
            .map(|u| Choice {
                value: u.id,
                label: tr.user(u),
                selected: draft.responsible_user_id == Some(u.id),
            })
            .collect(),
        targets: if data.open_deals.is_empty() {
            Vec::new()
        } else {
            std::iter::once((
                "contact".to_owned(),
                tr.t("task-on-contact"),
                draft.deal_id.is_none(),
            ))
            .chain(data.open_deals.iter().map(|(id, name)| {
                (
                    format!("deal:{id}"),
                    tr.arg("task-on-deal", "deal", name),
                    draft.deal_id == Some(*id),
                )
            }))
            .collect()
        },
        text: draft.text.clone(),
        due: draft.due.clone(),
        errors,
        problem: None,
    }
    .render()
}

/// The contact edit page.
#[derive(Template)]
#[template(path = "page/contact_edit.html")]
struct ContactEditPage {
    t: Tr,
    title: String,
    submit: Option<FormTarget>,
    name: String,
    position: String,
    /// Said when the contact has a position: a blank one keeps it.
    position_hint: Option<String>,
    users: Vec<Choice>,
    errors: Vec<ErrorLine>,
    problem: Option<Banner>,
}

pub(crate) fn contact_edit(
    tr: Tr,
    submit: &super::model::Action,
    contact: &domain::edit::ContactEdit,
    errors: &[domain::FieldError],
) -> askama::Result<String> {
    ContactEditPage {
        t: tr,
        title: tr.t("contact-edit-title"),
        submit: FormTarget::of(submit),
        name: contact.name.clone(),
        position: contact.position.clone(),
        position_hint: (!contact.position.trim().is_empty()).then(|| tr.t("contact-position-hint")),
        users: contact
            .users
            .iter()
            .map(|u| Choice {
                value: u.id,
                label: tr.user(u),
                selected: contact.responsible_user_id == Some(u.id),
            })
            .collect(),
        errors: errors
            .iter()
            .map(|e| ErrorLine {
                text: error_text(&tr, e, &tr.t("form-name")),
                anchor: None,
            })
            .collect(),
        problem: None,
    }
    .render()
}
