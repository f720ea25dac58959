//! A contact's tasks: the page with its open tasks and its open deals' (`GET /action/tasks`, read when the agent
//! opens it), creating a task on the contact or one of its open deals (`POST /action/tasks`) and completing one
//! (`POST /action/task-complete`). "Call back" is the same page with a call task for tomorrow prefilled.

use domain::tasks::NewTaskInput;
use http::StatusCode;

use crate::Error;
use crate::app::App;
use crate::extract::{ActionPost, PageRequest, subject};
use crate::http::{self as web, Response};
use crate::token::{ActionKind, Scope};
use crate::view::model::{Done, PageView, TasksPage};

/// Tomorrow at 10:00 in the agents' time zone, as a `datetime-local` value.
fn tomorrow_morning(now: i64, utc_offset_minutes: i32) -> String {
    let local = now.saturating_add(i64::from(utc_offset_minutes) * 60);
    let day = local.div_euclid(86_400) + 1;
    let at = day * 86_400 + 10 * 3_600;
    time::OffsetDateTime::from_unix_timestamp(at).map_or_else(
        |_| String::new(),
        |t| {
            format!(
                "{:04}-{:02}-{:02}T10:00",
                t.year(),
                u8::from(t.month()),
                t.day()
            )
        },
    )
}

async fn page(
    app: &App,
    scope: &Scope,
    contact_id: i64,
    draft: Option<NewTaskInput>,
    errors: Vec<domain::FieldError>,
    created: bool,
) -> Result<PageView, Error> {
    let context = domain::ActionContext {
        connection_id: scope.connection,
        ticket_id: scope.ticket,
        client_id: scope.client,
        actor: "agent".into(),
        lang: scope.lang,
        time_zone: scope.zone.clone(),
        agent: scope.agent.clone(),
    };
    let tasks = app.domain().contact_tasks(&context, contact_id).await?;
    let draft = draft.unwrap_or_else(|| NewTaskInput {
        type_id: tasks.types.first().map(|(id, _)| *id),
        text: String::new(),
        due: {
            let now = domain::now();
            let zone = app.domain().zone(context.time_zone.as_deref(), None);
            tomorrow_morning(now, zone.at(now).offset_minutes())
        },
        responsible_user_id: tasks.default_responsible,
        deal_id: None,
    });
    let complete = tasks
        .tasks
        .iter()
        .map(|t| {
            (
                t.id,
                app.action(scope, ActionKind::CompleteTask, Some(t.id)),
            )
        })
        .collect();
    Ok(PageView::Tasks(Box::new(TasksPage {
        tasks: Box::new(tasks),
        complete,
        create: app.action(scope, ActionKind::CreateTask, Some(contact_id)),
        draft,
        errors,
        created,
    })))
}

/// `GET /action/tasks?t=…[&call=1]`: the contact's open tasks and the create form (prefilled with a call for
/// tomorrow morning when `call` is set).
pub(crate) async fn tasks_page(app: &App, got: PageRequest) -> Result<Response, Error> {
    let scope = got.claims.scope();
    let contact_id = subject(&got.claims)?;
    let mut view = page(app, &scope, contact_id, None, Vec::new(), false).await?;
    if got.query.get("call").is_some()
        && let PageView::Tasks(tasks) = &mut view
    {
        let call_type = tasks
            .tasks
            .types
            .iter()
            .find(|(id, _)| *id == amocrm::TASK_TYPE_FOLLOW_UP)
            .or(tasks.tasks.types.first())
            .map(|(id, _)| *id);
        tasks.draft.type_id = call_type;
        tasks.draft.text = i18n::Translator::global().t(scope.lang, "task-call-back-text");
    }
    Ok(app.page(StatusCode::OK, scope.lang, &view))
}

fn draft_of(posted: &ActionPost) -> NewTaskInput {
    let fields = &posted.fields;
    NewTaskInput {
        type_id: fields.text("type").and_then(|v| v.parse().ok()),
        text: fields.get("text").unwrap_or_default().to_owned(),
        due: fields.get("due").unwrap_or_default().trim().to_owned(),
        responsible_user_id: fields.text("responsible").and_then(|v| v.parse().ok()),
        // `contact`, or `deal:<id>`.
        deal_id: fields
            .text("on")
            .and_then(|v| v.strip_prefix("deal:"))
            .and_then(|v| v.parse().ok()),
    }
}

/// `POST /action/tasks`: creates the task on the token's contact; the page shows the list with it.
pub(crate) async fn create_task(app: &App, posted: &ActionPost) -> Result<Response, Error> {
    let contact_id = subject(&posted.claims)?;
    let draft = draft_of(posted);
    let scope = posted.scope();
    match app
        .domain()
        .create_task(&posted.claims.context(), contact_id, draft.clone())
        .await
    {
        Ok(_) if posted.json => Ok(posted.done(app, Done::TaskCreated)),
        Ok(_) => {
            let view = page(app, &scope, contact_id, None, Vec::new(), true).await?;
            Ok(app.page(StatusCode::OK, scope.lang, &view))
        }
        Err(domain::Error::Validation(errors)) if !posted.json => {
            let view = page(app, &scope, contact_id, Some(draft), errors, false).await?;
            Ok(app.page(StatusCode::UNPROCESSABLE_ENTITY, scope.lang, &view))
        }
        Err(e) => Err(e.into()),
    }
}

/// `POST /action/task-complete` with `result`: completes the token's task.
pub(crate) async fn complete_task(app: &App, posted: &ActionPost) -> Result<Response, Error> {
    let task_id = subject(&posted.claims)?;
    let result = posted.fields.get("result").unwrap_or_default();
    app.domain()
        .complete_task(&posted.claims.context(), task_id, result)
        .await?;
    if posted.json {
        return Ok(web::json(
            StatusCode::OK,
            serde_json::json!({"ok": true}).to_string(),
        ));
    }
    Ok(posted.done(app, Done::TaskCompleted))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tomorrow_morning_is_in_the_agents_time_zone() {
        // 2026-11-25 22:30 UTC is already 2026-11-26 01:30 in Moscow.
        let now = 1_795_645_800;
        assert_eq!(tomorrow_morning(now, 180), "2026-11-27T10:00");
        assert_eq!(tomorrow_morning(now, 0), "2026-11-26T10:00");
    }
}
