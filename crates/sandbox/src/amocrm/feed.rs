//! A lead's feed: notes (read and write) and events (read; writes elsewhere add them).

use http::{Response, StatusCode};
use serde_json::{Value, json};

use super::{Ctx, batch, request_id, self_link, sort_by_order};
use crate::error::{ApiError, FieldError, ItemErrors};
use crate::http::{Body, Paging, as_i64, hal, no_content};
use crate::model::{Crm, Event, Note, now_unix};
use crate::seed;

/// Note types the sandbox accepts on writes.
const NOTE_TYPES: &[&str] = &[
    "common",
    "call_in",
    "call_out",
    "service_message",
    "extended_service_message",
    "message_cashier",
    "sms_in",
    "sms_out",
    "geolocation",
    "attachment",
];

fn note_json(note: &Note, base: &str) -> Value {
    json!({
        "id": note.id,
        "entity_id": note.entity_id,
        "created_by": note.created_by,
        "updated_by": note.created_by,
        "created_at": note.created_at,
        "updated_at": note.updated_at,
        "responsible_user_id": note.responsible_user_id,
        "group_id": 0,
        "note_type": note.note_type,
        "params": note.params,
        "account_id": seed::ACCOUNT_ID,
        "_links": self_link(base, &format!("/api/v4/{}/{}/notes/{}", note.entity_type, note.entity_id, note.id)),
    })
}

/// `GET /api/v4/leads/{id}/notes` and `GET /api/v4/leads/notes?filter[entity_id][]=…`.
pub(super) fn list_notes(
    crm: &Crm,
    ctx: &Ctx,
    entity_type: &'static str,
    lead_id: Option<i64>,
) -> Result<Response<Body>, ApiError> {
    let q = &ctx.query;
    let paging = Paging::from_query(q, 50, 250, false)?;
    let entity_ids = match lead_id {
        Some(id) if !exists(crm, entity_type, id) => return Err(ApiError::NotFound),
        Some(id) => vec![id],
        None => q.ids("filter[entity_id]")?,
    };
    let types = q.multi("filter[note_type]");
    let mut found: Vec<&Note> = crm
        .notes
        .values()
        .filter(|n| n.entity_type == entity_type)
        .filter(|n| entity_ids.is_empty() || entity_ids.contains(&n.entity_id))
        .filter(|n| types.is_empty() || types.contains(&n.note_type))
        .collect();
    sort_by_order(
        &mut found,
        q.order()?,
        |n, key| {
            Some(if key == "updated_at" {
                n.updated_at
            } else {
                n.id
            })
        },
        &["updated_at", "id"],
    )?;
    let (page, has_next) = paging.slice(&found);
    if page.is_empty() {
        return Ok(no_content());
    }
    let path = match lead_id {
        Some(id) => format!("/api/v4/{entity_type}/{id}/notes"),
        None => format!("/api/v4/{entity_type}/notes"),
    };
    Ok(hal(
        StatusCode::OK,
        &json!({
            "_page": paging.page,
            "_links": paging.links(&ctx.base, &path, q, has_next),
            "_embedded": { "notes": page.iter().map(|n| note_json(n, &ctx.base)).collect::<Vec<_>>() },
        }),
    ))
}

/// Validates a note of any kind against amoCRM's rules. One `match` over the note types, each with its own
/// required parameters: long, but a table of amoCRM's rules that reads best in one place.
fn plan_note(
    crm: &Crm,
    item: &Value,
    entity_type: &'static str,
    lead_id: Option<i64>,
    user_id: i64,
    errors: &mut Vec<FieldError>,
) -> Option<Note> {
    let entity_id = match lead_id {
        Some(id) => Some(id),
        None => match as_i64(&item["entity_id"]) {
            Some(id) if exists(crm, entity_type, id) => Some(id),
            Some(id) => {
                errors.push(FieldError::new(
                    "NotSupportedChoice",
                    "entity_id",
                    format!("{entity_type} {id} does not exist"),
                ));
                None
            }
            None => {
                errors.push(FieldError::new(
                    "FieldIsRequired",
                    "entity_id",
                    "entity_id is required",
                ));
                None
            }
        },
    };
    let note_type = item["note_type"].as_str().unwrap_or_default();
    if !NOTE_TYPES.contains(&note_type) {
        errors.push(FieldError::new(
            "NotSupportedChoice",
            "note_type",
            format!("{note_type:?} is not a note type"),
        ));
    }
    let params = &item["params"];
    if !params.is_object() {
        errors.push(FieldError::new(
            "FieldIsRequired",
            "params",
            "params must be an object",
        ));
    }
    let needs_text = matches!(
        note_type,
        "common" | "service_message" | "extended_service_message" | "sms_in" | "sms_out"
    );
    if needs_text && params["text"].as_str().is_none_or(|t| t.trim().is_empty()) {
        errors.push(FieldError::new(
            "FieldIsRequired",
            "params.text",
            "the note text must not be empty",
        ));
    }
    if matches!(note_type, "call_in" | "call_out")
        && params["phone"].as_str().is_none_or(|t| t.trim().is_empty())
    {
        errors.push(FieldError::new(
            "FieldIsRequired",
            "params.phone",
            "a call note needs the phone",
        ));
    }
    let author = match as_i64(&item["created_by"]) {
        None => user_id,
        Some(id) if id == 0 || crm.user(id).is_some() => id,
        Some(id) => {
            errors.push(FieldError::new(
                "NotSupportedChoice",
                "created_by",
                format!("{id} is not a user of the account"),
            ));
            user_id
        }
    };
    let now = now_unix();
    let entity_id = entity_id?;
    errors.is_empty().then(|| Note {
        id: 0,
        entity_type,
        entity_id,
        note_type: note_type.to_owned(),
        params: params.clone(),
        created_by: author,
        created_at: now,
        updated_at: now,
        responsible_user_id: as_i64(&item["responsible_user_id"]).unwrap_or(user_id),
    })
}

/// `POST /api/v4/leads/{id}/notes` and the bulk `POST /api/v4/leads/notes` (with `entity_id` per item).
pub(super) fn create_notes(
    crm: &mut Crm,
    ctx: &Ctx,
    entity_type: &'static str,
    lead_id: Option<i64>,
) -> Result<Response<Body>, ApiError> {
    if lead_id.is_some_and(|id| !exists(crm, entity_type, id)) {
        return Err(ApiError::NotFound);
    }
    let items = batch(&ctx.body, 250)?;
    let mut planned = Vec::new();
    let mut failures = Vec::new();
    for (i, item) in items.iter().enumerate() {
        let mut errors = Vec::new();
        match plan_note(crm, item, entity_type, lead_id, ctx.user_id, &mut errors) {
            Some(note) => planned.push((request_id(item, i), note)),
            None => failures.push(ItemErrors {
                request_id: request_id(item, i),
                errors,
            }),
        }
    }
    if !failures.is_empty() {
        return Err(ApiError::Validation(failures));
    }
    let mut created = Vec::new();
    for (request_id, mut note) in planned {
        note.id = crm.new_note_id();
        created.push(json!({
            "id": note.id,
            "entity_id": note.entity_id,
            "request_id": request_id,
            "_links": self_link(&ctx.base, &format!("/api/v4/{entity_type}/{}/notes/{}", note.entity_id, note.id)),
        }));
        crm.notes.insert(note.id, note);
    }
    let path = match lead_id {
        Some(id) => format!("/api/v4/{entity_type}/{id}/notes"),
        None => format!("/api/v4/{entity_type}/notes"),
    };
    Ok(hal(
        StatusCode::OK,
        &json!({ "_links": self_link(&ctx.base, &path), "_embedded": { "notes": created } }),
    ))
}

/// Whether the lead or contact a note is for exists.
fn exists(crm: &Crm, entity_type: &str, id: i64) -> bool {
    match entity_type {
        "contacts" => crm.contacts.contains_key(&id),
        _ => crm.leads.contains_key(&id),
    }
}

fn event_json(event: &Event, base: &str) -> Value {
    let entity_path = match event.entity_type {
        "contact" => "contacts",
        _ => "leads",
    };
    json!({
        "id": event.id,
        "type": event.kind,
        "entity_id": event.entity_id,
        "entity_type": event.entity_type,
        "created_by": event.created_by,
        "created_at": event.created_at,
        "value_after": event.value_after,
        "value_before": event.value_before,
        "account_id": seed::ACCOUNT_ID,
        "_links": self_link(base, &format!("/api/v4/events/{}", event.id)),
        "_embedded": {
            "entity": {
                "id": event.entity_id,
                "_links": self_link(base, &format!("/api/v4/{entity_path}/{}", event.entity_id)),
            },
        },
    })
}

/// `GET /api/v4/events`: newest first; `filter[entity_id]` takes at most 10 ids and needs exactly
/// one `filter[entity]`; `limit` at most 100.
pub(super) fn list_events(crm: &Crm, ctx: &Ctx) -> Result<Response<Body>, ApiError> {
    let q = &ctx.query;
    let paging = Paging::from_query(q, 50, 100, false)?;
    let entities = q.multi("filter[entity]");
    let entity_ids = q.ids("filter[entity_id]")?;
    if entity_ids.len() > 10 {
        return Err(ApiError::BadRequest(format!(
            "filter[entity_id]: at most 10 ids are allowed, got {}",
            entity_ids.len()
        )));
    }
    if !entity_ids.is_empty() && entities.len() != 1 {
        return Err(ApiError::BadRequest(
            "filter[entity_id] needs exactly one filter[entity]".to_owned(),
        ));
    }
    for entity in &entities {
        if !["lead", "contact", "company", "customer", "task"].contains(&entity.as_str())
            && !entity.starts_with("catalog_")
        {
            return Err(ApiError::BadRequest(format!(
                "filter[entity]: unknown entity {entity:?}"
            )));
        }
    }
    let types = q.multi("filter[type]");
    let authors = q.ids("filter[created_by]")?;
    if authors.len() > 10 {
        return Err(ApiError::BadRequest(
            "filter[created_by]: at most 10 ids are allowed".to_owned(),
        ));
    }
    let from = q.int("filter[created_at][from]")?;
    let to = q.int("filter[created_at][to]")?;
    let mut found: Vec<&Event> = crm
        .events
        .iter()
        .filter(|e| entities.is_empty() || entities.iter().any(|x| x == e.entity_type))
        .filter(|e| entity_ids.is_empty() || entity_ids.contains(&e.entity_id))
        .filter(|e| types.is_empty() || types.contains(&e.kind))
        .filter(|e| authors.is_empty() || authors.contains(&e.created_by))
        .filter(|e| from.is_none_or(|f| e.created_at >= f) && to.is_none_or(|t| e.created_at <= t))
        .collect();
    found.sort_by(|a, b| {
        b.created_at
            .cmp(&a.created_at)
            .then_with(|| b.id.cmp(&a.id))
    });
    let (page, has_next) = paging.slice(&found);
    if page.is_empty() {
        return Ok(no_content());
    }
    Ok(hal(
        StatusCode::OK,
        &json!({
            "_page": paging.page,
            "_links": paging.links(&ctx.base, "/api/v4/events", q, has_next),
            "_embedded": { "events": page.iter().map(|e| event_json(e, &ctx.base)).collect::<Vec<_>>() },
        }),
    ))
}

/// (A data table: one entry per event kind, which is why it is long.)
/// `GET /api/v4/events/types`: the event kinds the sandbox produces, with their names.
pub(super) fn event_types(ctx: &Ctx) -> Response<Body> {
    let kinds = [
        (
            "lead_added",
            "Новая сделка",
            "Lead added",
            "Lead añadido",
            "Lead adicionado",
        ),
        (
            "lead_status_changed",
            "Изменение этапа продажи",
            "Stage changed",
            "Etapa cambiada",
            "Etapa alterada",
        ),
        (
            "entity_responsible_changed",
            "Ответственный изменен",
            "Responsible changed",
            "Responsable cambiado",
            "Responsável alterado",
        ),
        (
            "sale_field_changed",
            "Изменение поля «Бюджет»",
            "Sale value changed",
            "Venta cambiada",
            "Valor da venda alterado",
        ),
        (
            "name_field_changed",
            "Изменение поля «Название»",
            "Name changed",
            "Nombre cambiado",
            "Nome alterado",
        ),
        (
            "custom_field_value_changed",
            "Изменение поля",
            "Field changed",
            "Campo cambiado",
            "Campo alterado",
        ),
        (
            "entity_linked",
            "Прикрепление",
            "Linked",
            "Vinculado",
            "Vinculado",
        ),
        (
            "entity_unlinked",
            "Открепление",
            "Unlinked",
            "Desvinculado",
            "Desvinculado",
        ),
        (
            "incoming_chat_message",
            "Входящее сообщение",
            "Incoming chat message",
            "Mensaje entrante",
            "Mensagem recebida",
        ),
    ];
    let types: Vec<Value> = kinds
        .iter()
        .enumerate()
        .map(|(i, (key, ru, en, es, pt))| {
            json!({ "key": key, "type": i + 1, "lang": { "ru": ru, "en": en, "es": es, "pt": pt } })
        })
        .collect();
    hal(
        StatusCode::OK,
        &json!({
            "_total_items": types.len(),
            "_links": self_link(&ctx.base, "/api/v4/events/types"),
            "_embedded": { "events_types": types },
        }),
    )
}
