//! Tasks: list with amoCRM's filters, read, create and update (completing included), and the
//! account's loss reasons.

use http::{Response, StatusCode};
use serde_json::{Value, json};

use super::writes::validation;
use super::{Ctx, batch, object, request_id, self_link, sort_by_order};
use crate::error::{ApiError, FieldError, ItemErrors};
use crate::http::{Body, Paging, as_i64, hal, no_content};
use crate::model::{Crm, Task, now_unix};
use crate::seed;

/// The entity kinds a task can be attached to.
const ENTITY_TYPES: [&str; 4] = ["leads", "contacts", "companies", "customers"];

fn render(task: &Task, base: &str) -> Value {
    let (entity_type, entity_id) = match &task.entity {
        Some((kind, id)) => (Value::from(kind.as_str()), Value::from(*id)),
        None => (Value::Null, Value::Null),
    };
    json!({
        "id": task.id,
        "created_by": task.created_by,
        "updated_by": task.updated_by,
        "created_at": task.created_at,
        "updated_at": task.updated_at,
        "responsible_user_id": task.responsible_user_id,
        "group_id": 0,
        "entity_id": entity_id,
        "entity_type": entity_type,
        "duration": task.duration,
        "is_completed": task.is_completed,
        "task_type_id": task.task_type_id,
        "text": task.text,
        // amoCRM sends null for an open task and {"text": …} once a result is recorded.
        "result": task.result.as_ref().map(|text| json!({ "text": text })),
        "complete_till": task.complete_till,
        "account_id": seed::ACCOUNT_ID,
        "_links": self_link(base, &format!("/api/v4/tasks/{}", task.id)),
    })
}

/// `GET /api/v4/tasks`. `filter[entity_id]` is honoured only with `filter[entity_type]`, as
/// amoCRM documents.
pub(super) fn list(crm: &Crm, ctx: &Ctx) -> Result<Response<Body>, ApiError> {
    let q = &ctx.query;
    let paging = Paging::from_query(q, 50, 250, false)?;
    let ids = q.ids("filter[id]")?;
    let responsible = q.ids("filter[responsible_user_id]")?;
    let types = q.ids("filter[task_type]")?;
    let completed = match q.get_trimmed("filter[is_completed]") {
        None => None,
        Some("1" | "true") => Some(true),
        Some("0" | "false") => Some(false),
        Some(other) => {
            return Err(ApiError::BadRequest(format!(
                "filter[is_completed]: expected 0 or 1, got {other:?}"
            )));
        }
    };
    let entity_type = q.get_trimmed("filter[entity_type]");
    if let Some(kind) = entity_type
        && !ENTITY_TYPES.contains(&kind)
    {
        return Err(ApiError::BadRequest(format!(
            "filter[entity_type]: expected one of {ENTITY_TYPES:?}, got {kind:?}"
        )));
    }
    let entity_ids = match entity_type {
        Some(_) => q.ids("filter[entity_id]")?,
        None => Vec::new(),
    };
    let mut found: Vec<&Task> = crm
        .tasks
        .values()
        .filter(|t| ids.is_empty() || ids.contains(&t.id))
        .filter(|t| responsible.is_empty() || responsible.contains(&t.responsible_user_id))
        .filter(|t| types.is_empty() || types.contains(&t.task_type_id))
        .filter(|t| completed.is_none_or(|c| t.is_completed == c))
        .filter(|t| {
            entity_type.is_none_or(|kind| t.entity.as_ref().is_some_and(|(k, _)| k == kind))
        })
        .filter(|t| {
            entity_ids.is_empty()
                || t.entity
                    .as_ref()
                    .is_some_and(|(_, id)| entity_ids.contains(id))
        })
        .collect();
    sort_by_order(
        &mut found,
        q.order()?,
        |t, key| match key {
            "created_at" => Some(t.created_at),
            "complete_till" => Some(t.complete_till),
            _ => Some(t.id),
        },
        &["created_at", "complete_till", "id"],
    )?;
    let (page, has_next) = paging.slice(&found);
    if page.is_empty() {
        return Ok(no_content());
    }
    Ok(hal(
        StatusCode::OK,
        &json!({
            "_page": paging.page,
            "_links": paging.links(&ctx.base, "/api/v4/tasks", q, has_next),
            "_embedded": { "tasks": page.iter().map(|t| render(t, &ctx.base)).collect::<Vec<_>>() },
        }),
    ))
}

/// `GET /api/v4/tasks/{id}`.
pub(super) fn get(crm: &Crm, ctx: &Ctx, id: i64) -> Result<Response<Body>, ApiError> {
    let task = crm.tasks.get(&id).ok_or(ApiError::NotFound)?;
    Ok(hal(StatusCode::OK, &render(task, &ctx.base)))
}

fn entity_exists(crm: &Crm, kind: &str, id: i64) -> bool {
    match kind {
        "leads" => crm.leads.contains_key(&id),
        "contacts" => crm.contacts.contains_key(&id),
        "companies" => crm.companies.contains_key(&id),
        _ => false,
    }
}

/// Applies the writable fields of `item` to `task`, pushing what is wrong to `errors`.
fn apply(crm: &Crm, item: &Value, task: &mut Task, errors: &mut Vec<FieldError>) {
    let int = |key: &str, errors: &mut Vec<FieldError>| int_field(item, key, errors);
    match &item["text"] {
        Value::Null => {}
        Value::String(s) if !s.trim().is_empty() => task.text = s.trim().to_owned(),
        _ => errors.push(FieldError::new(
            "InvalidType",
            "text",
            "text must be a non-empty string",
        )),
    }
    if let Some(till) = int("complete_till", errors) {
        task.complete_till = till;
    }
    if let Some(duration) = int("duration", errors) {
        task.duration = duration.max(0);
    }
    if let Some(kind) = int("task_type_id", errors) {
        if crm.task_types.iter().any(|t| t.id == kind) {
            task.task_type_id = kind;
        } else {
            errors.push(FieldError::new(
                "NotSupportedChoice",
                "task_type_id",
                format!("task type {kind} does not exist"),
            ));
        }
    }
    if let Some(user) = int("responsible_user_id", errors) {
        if crm.user(user).is_some() {
            task.responsible_user_id = user;
        } else {
            errors.push(FieldError::new(
                "NotSupportedChoice",
                "responsible_user_id",
                format!("{user} is not a user of the account"),
            ));
        }
    }
    apply_target(crm, item, task, errors);
    if let Some(done) = item["is_completed"].as_bool() {
        task.is_completed = done;
    }
    apply_result(item, task, errors);
}

/// An integer field of `item`; `None` when absent, or (with an error) when not an integer.
fn int_field(item: &Value, key: &str, errors: &mut Vec<FieldError>) -> Option<i64> {
    let raw = &item[key];
    if raw.is_null() {
        return None;
    }
    let parsed = as_i64(raw);
    if parsed.is_none() {
        errors.push(FieldError::new(
            "InvalidType",
            key,
            format!("{key} must be an integer"),
        ));
    }
    parsed
}

/// Applies what the task is attached to (`entity_type` and `entity_id`, which go together).
fn apply_target(crm: &Crm, item: &Value, task: &mut Task, errors: &mut Vec<FieldError>) {
    let kind = item["entity_type"].as_str();
    let id = int_field(item, "entity_id", errors);
    match (kind, id) {
        (None, None) => {}
        (Some(kind), Some(id)) if entity_exists(crm, kind, id) => {
            task.entity = Some((kind.to_owned(), id));
        }
        (Some(kind), Some(id)) => errors.push(FieldError::new(
            "NotSupportedChoice",
            "entity_id",
            format!("{kind} {id} does not exist"),
        )),
        _ => errors.push(FieldError::new(
            "FieldIsRequired",
            "entity_type",
            "entity_id and entity_type go together",
        )),
    }
}

/// Applies the task's `result` (an object with a text).
fn apply_result(item: &Value, task: &mut Task, errors: &mut Vec<FieldError>) {
    match &item["result"] {
        Value::Null => {}
        Value::Object(result) => match result.get("text") {
            Some(Value::String(text)) => task.result = Some(text.clone()),
            None | Some(Value::Null) => {}
            Some(_) => errors.push(FieldError::new(
                "InvalidType",
                "result.text",
                "result.text must be a string",
            )),
        },
        _ => errors.push(FieldError::new(
            "InvalidType",
            "result",
            "result must be an object with a text",
        )),
    }
}

/// `POST /api/v4/tasks`: all or nothing. `text` and `complete_till` are required.
pub(super) fn create(crm: &mut Crm, ctx: &Ctx) -> Result<Response<Body>, ApiError> {
    let items = batch(&ctx.body, 250)?;
    let now = now_unix();
    let mut planned = Vec::new();
    let mut failures = Vec::new();
    for (i, item) in items.iter().enumerate() {
        let mut errors = Vec::new();
        let mut task = Task {
            id: 0,
            created_by: ctx.user_id,
            updated_by: ctx.user_id,
            created_at: now,
            updated_at: now,
            responsible_user_id: ctx.user_id,
            entity: None,
            duration: 0,
            is_completed: false,
            task_type_id: 1,
            text: String::new(),
            result: None,
            complete_till: 0,
        };
        if !item.is_object() {
            errors.push(FieldError::new(
                "InvalidType",
                "",
                "each task must be a JSON object",
            ));
        } else {
            for key in ["text", "complete_till"] {
                if item[key].is_null() {
                    errors.push(FieldError::new(
                        "FieldIsRequired",
                        key,
                        "This field is missing.",
                    ));
                }
            }
            apply(crm, item, &mut task, &mut errors);
        }
        if errors.is_empty() {
            planned.push((request_id(item, i), task));
        } else {
            failures.push(ItemErrors {
                request_id: request_id(item, i),
                errors,
            });
        }
    }
    if !failures.is_empty() {
        return Err(ApiError::Validation(failures));
    }
    let mut created = Vec::new();
    for (request_id, mut task) in planned {
        task.id = crm.new_task_id();
        created.push(json!({
            "id": task.id,
            "request_id": request_id,
            "_links": self_link(&ctx.base, &format!("/api/v4/tasks/{}", task.id)),
        }));
        crm.tasks.insert(task.id, task);
    }
    Ok(hal(
        StatusCode::OK,
        &json!({ "_links": self_link(&ctx.base, "/api/v4/tasks"), "_embedded": { "tasks": created } }),
    ))
}

fn plan_update(
    crm: &Crm,
    id: i64,
    item: &Value,
    user_id: i64,
    errors: &mut Vec<FieldError>,
) -> Option<Task> {
    let Some(existing) = crm.tasks.get(&id) else {
        errors.push(FieldError::new(
            "NotSupportedChoice",
            "id",
            format!("task {id} does not exist"),
        ));
        return None;
    };
    let mut task = existing.clone();
    apply(crm, item, &mut task, errors);
    task.updated_at = now_unix();
    task.updated_by = user_id;
    errors.is_empty().then_some(task)
}

/// `PATCH /api/v4/tasks`: every item names its `id`; all or nothing.
pub(super) fn update_many(crm: &mut Crm, ctx: &Ctx) -> Result<Response<Body>, ApiError> {
    let items = batch(&ctx.body, 250)?;
    let mut planned = Vec::new();
    let mut failures = Vec::new();
    for (i, item) in items.iter().enumerate() {
        let mut errors = Vec::new();
        let task = match as_i64(&item["id"]) {
            Some(id) => plan_update(crm, id, item, ctx.user_id, &mut errors),
            None => {
                errors.push(FieldError::new(
                    "FieldIsRequired",
                    "id",
                    "id is required to update a task",
                ));
                None
            }
        };
        match task {
            Some(task) => planned.push((request_id(item, i), task)),
            None => failures.push(ItemErrors {
                request_id: request_id(item, i),
                errors,
            }),
        }
    }
    if !failures.is_empty() {
        return Err(ApiError::Validation(failures));
    }
    let updated: Vec<Value> = planned
        .into_iter()
        .map(|(request_id, task)| {
            let answer = json!({
                "id": task.id,
                "updated_at": task.updated_at,
                "request_id": request_id,
                "_links": self_link(&ctx.base, &format!("/api/v4/tasks/{}", task.id)),
            });
            crm.tasks.insert(task.id, task);
            answer
        })
        .collect();
    Ok(hal(
        StatusCode::OK,
        &json!({ "_links": self_link(&ctx.base, "/api/v4/tasks"), "_embedded": { "tasks": updated } }),
    ))
}

/// `PATCH /api/v4/tasks/{id}`: answers only the id and `updated_at`, as amoCRM documents.
pub(super) fn update_one(crm: &mut Crm, ctx: &Ctx, id: i64) -> Result<Response<Body>, ApiError> {
    if !crm.tasks.contains_key(&id) {
        return Err(ApiError::NotFound);
    }
    let item = object(&ctx.body)?;
    let mut errors = Vec::new();
    let Some(task) = plan_update(crm, id, &item, ctx.user_id, &mut errors) else {
        return Err(validation("0", errors));
    };
    let answer = json!({
        "id": task.id,
        "updated_at": task.updated_at,
        "_links": self_link(&ctx.base, &format!("/api/v4/tasks/{}", task.id)),
    });
    crm.tasks.insert(task.id, task);
    Ok(hal(StatusCode::OK, &answer))
}

/// `GET /api/v4/leads/loss_reasons`; 204 when the account has none.
pub(super) fn loss_reasons(crm: &Crm, ctx: &Ctx) -> Result<Response<Body>, ApiError> {
    let paging = Paging::from_query(&ctx.query, 50, 250, false)?;
    let (page, has_next) = paging.slice(&crm.loss_reasons);
    if page.is_empty() {
        return Ok(no_content());
    }
    let reasons: Vec<Value> = page
        .iter()
        .map(|r| {
            json!({
                "id": r.id,
                "name": r.name,
                "sort": r.sort,
                "created_at": seed::SEED_TIME,
                "updated_at": seed::SEED_TIME,
                "_links": self_link(&ctx.base, &format!("/api/v4/leads/loss_reasons/{}", r.id)),
            })
        })
        .collect();
    Ok(hal(
        StatusCode::OK,
        &json!({
            "_total_items": crm.loss_reasons.len(),
            "_page": paging.page,
            "_links": paging.links(&ctx.base, "/api/v4/leads/loss_reasons", &ctx.query, has_next),
            "_embedded": { "loss_reasons": reasons },
        }),
    ))
}
