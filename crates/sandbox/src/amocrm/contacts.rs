//! Contacts: list with `query` search, read, create and update.

use http::{Response, StatusCode};
use serde_json::{Value, json};

use super::{Ctx, batch, object, request_id, self_link, sort_by_order};
use crate::error::{ApiError, FieldError, ItemErrors};
use crate::http::{Body, Paging, as_i64, hal, no_content};
use crate::model::{Contact, Crm, now_unix, text_matches};
use crate::seed;
use crate::values;

/// A contact in amoCRM's shape; `_embedded.leads` only when asked for with `with=leads`.
pub(super) fn render(contact: &Contact, crm: &Crm, base: &str, with_leads: bool) -> Value {
    // amoCRM names a contact's company without being asked (`with` is not needed).
    let companies: Vec<Value> = crm
        .contact_company
        .get(&contact.id)
        .map(
            |id| json!({ "id": id, "_links": self_link(base, &format!("/api/v4/companies/{id}")) }),
        )
        .into_iter()
        .collect();
    let mut embedded = json!({ "tags": super::leads::tags(&contact.tags), "companies": companies });
    if with_leads {
        embedded["leads"] = crm
            .leads_of_contact(contact.id)
            .into_iter()
            .map(
                |id| json!({ "id": id, "_links": self_link(base, &format!("/api/v4/leads/{id}")) }),
            )
            .collect();
    }
    json!({
        "id": contact.id,
        "name": contact.name,
        "first_name": contact.first_name,
        "last_name": contact.last_name,
        "responsible_user_id": contact.responsible_user_id,
        "group_id": 0,
        "created_by": contact.created_by,
        "updated_by": contact.updated_by,
        "created_at": contact.created_at,
        "updated_at": contact.updated_at,
        "closest_task_at": null,
        "is_deleted": false,
        "is_unsorted": false,
        // amoCRM sends null, not [], for an entity without values; clients must accept it.
        "custom_fields_values": if contact.custom_fields_values.is_empty() { Value::Null } else { contact.custom_fields_values.clone().into() },
        "account_id": seed::ACCOUNT_ID,
        "_links": self_link(base, &format!("/api/v4/contacts/{}", contact.id)),
        "_embedded": embedded,
    })
}

/// `GET /api/v4/contacts`.
pub(super) fn list(crm: &Crm, ctx: &Ctx) -> Result<Response<Body>, ApiError> {
    let q = &ctx.query;
    let paging = Paging::from_query(q, 50, 250, false)?;
    let ids = q.ids("filter[id]")?;
    let responsible = q.ids("filter[responsible_user_id]")?;
    let names = q.multi("filter[name]");
    let needle = q.get_trimmed("query");
    let mut found: Vec<&Contact> = crm
        .contacts
        .values()
        .filter(|c| ids.is_empty() || ids.contains(&c.id))
        .filter(|c| responsible.is_empty() || responsible.contains(&c.responsible_user_id))
        .filter(|c| names.is_empty() || names.contains(&c.name))
        .filter(|c| needle.is_none_or(|n| text_matches(n, &c.name, &c.custom_fields_values)))
        .collect();
    sort_by_order(
        &mut found,
        q.order()?,
        |c, key| match key {
            "updated_at" => Some(c.updated_at),
            _ => Some(c.id),
        },
        &["updated_at", "id"],
    )?;
    let (page, has_next) = paging.slice(&found);
    if page.is_empty() {
        return Ok(no_content());
    }
    let with_leads = q.has_with("leads");
    Ok(hal(
        StatusCode::OK,
        &json!({
            "_page": paging.page,
            "_links": paging.links(&ctx.base, "/api/v4/contacts", q, has_next),
            "_embedded": { "contacts": page.iter().map(|c| render(c, crm, &ctx.base, with_leads)).collect::<Vec<_>>() },
        }),
    ))
}

/// `GET /api/v4/contacts/{id}`.
pub(super) fn get(crm: &Crm, ctx: &Ctx, id: i64) -> Result<Response<Body>, ApiError> {
    let contact = crm.contacts.get(&id).ok_or(ApiError::NotFound)?;
    Ok(hal(
        StatusCode::OK,
        &render(contact, crm, &ctx.base, ctx.query.has_with("leads")),
    ))
}

/// Reads the name fields of a create or update. On create at least one must be given.
fn apply_names(contact: &mut Contact, item: &Value, creating: bool, errors: &mut Vec<FieldError>) {
    for (key, slot) in [
        ("first_name", &mut contact.first_name),
        ("last_name", &mut contact.last_name),
    ] {
        match &item[key] {
            Value::Null => {}
            Value::String(s) => *slot = s.trim().to_owned(),
            _ => errors.push(FieldError::new(
                "InvalidType",
                key,
                format!("{key} must be a string"),
            )),
        }
    }
    match &item["name"] {
        Value::String(s) if !s.trim().is_empty() => contact.name = s.trim().to_owned(),
        Value::Null | Value::String(_) => {
            let composed = format!("{} {}", contact.first_name, contact.last_name)
                .trim()
                .to_owned();
            if !composed.is_empty()
                && (creating || item.get("first_name").is_some() || item.get("last_name").is_some())
            {
                contact.name = composed;
            }
        }
        _ => errors.push(FieldError::new(
            "InvalidType",
            "name",
            "name must be a string",
        )),
    }
    if creating && contact.name.is_empty() {
        errors.push(FieldError::new(
            "FieldIsRequired",
            "name",
            "name or first_name is required",
        ));
    }
}

fn apply_responsible(crm: &Crm, item: &Value, slot: &mut i64, errors: &mut Vec<FieldError>) {
    let raw = &item["responsible_user_id"];
    if raw.is_null() {
        return;
    }
    match as_i64(raw) {
        Some(id) if crm.user(id).is_some() => *slot = id,
        _ => errors.push(FieldError::new(
            "NotSupportedChoice",
            "responsible_user_id",
            format!("{raw} is not a user of the account"),
        )),
    }
}

/// Validates one new contact; `None` when it has errors (pushed to `errors`).
pub(super) fn build_new(
    crm: &Crm,
    item: &Value,
    user_id: i64,
    errors: &mut Vec<FieldError>,
) -> Option<Contact> {
    if !item.is_object() {
        errors.push(FieldError::new(
            "InvalidType",
            "",
            "each contact must be a JSON object",
        ));
        return None;
    }
    let now = now_unix();
    let mut contact = Contact {
        id: 0,
        name: String::new(),
        first_name: String::new(),
        last_name: String::new(),
        responsible_user_id: user_id,
        created_by: user_id,
        updated_by: user_id,
        created_at: now,
        updated_at: now,
        custom_fields_values: Vec::new(),
        tags: super::writes::tag_names(item),
    };
    apply_names(&mut contact, item, true, errors);
    apply_responsible(crm, item, &mut contact.responsible_user_id, errors);
    let writes = values::normalize(
        &crm.contact_fields,
        &item["custom_fields_values"],
        "custom_fields_values",
        errors,
    );
    values::apply(&mut contact.custom_fields_values, writes);
    errors.is_empty().then_some(contact)
}

/// `POST /api/v4/contacts`: all or nothing.
pub(super) fn create(crm: &mut Crm, ctx: &Ctx) -> Result<Response<Body>, ApiError> {
    let items = batch(&ctx.body, 250)?;
    let mut planned = Vec::new();
    let mut failures = Vec::new();
    for (i, item) in items.iter().enumerate() {
        let mut errors = Vec::new();
        let contact = build_new(crm, item, ctx.user_id, &mut errors);
        match contact {
            Some(contact) => planned.push((request_id(item, i), contact)),
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
    for (request_id, mut contact) in planned {
        contact.id = crm.new_contact_id();
        created.push(json!({
            "id": contact.id,
            "request_id": request_id,
            "is_deleted": false,
            "is_unsorted": false,
            "_links": self_link(&ctx.base, &format!("/api/v4/contacts/{}", contact.id)),
        }));
        crm.contacts.insert(contact.id, contact);
    }
    Ok(hal(
        StatusCode::OK,
        &json!({
            "_links": self_link(&ctx.base, "/api/v4/contacts"),
            "_embedded": { "contacts": created },
        }),
    ))
}

/// Validates an update against a copy of the contact.
fn plan_update(
    crm: &Crm,
    id: i64,
    item: &Value,
    user_id: i64,
    errors: &mut Vec<FieldError>,
) -> Option<Contact> {
    let Some(existing) = crm.contacts.get(&id) else {
        errors.push(FieldError::new(
            "NotSupportedChoice",
            "id",
            format!("contact {id} does not exist"),
        ));
        return None;
    };
    let mut contact = existing.clone();
    apply_names(&mut contact, item, false, errors);
    // Tags sent replace the contact's; none sent leaves them.
    if item["_embedded"]["tags"].is_array() {
        contact.tags = super::writes::tag_names(item);
    }
    apply_responsible(crm, item, &mut contact.responsible_user_id, errors);
    let writes = values::normalize(
        &crm.contact_fields,
        &item["custom_fields_values"],
        "custom_fields_values",
        errors,
    );
    values::apply(&mut contact.custom_fields_values, writes);
    contact.updated_at = now_unix();
    contact.updated_by = user_id;
    errors.is_empty().then_some(contact)
}

/// `PATCH /api/v4/contacts`: every item names its `id`; all or nothing.
pub(super) fn update_many(crm: &mut Crm, ctx: &Ctx) -> Result<Response<Body>, ApiError> {
    let items = batch(&ctx.body, 250)?;
    let mut planned = Vec::new();
    let mut failures = Vec::new();
    for (i, item) in items.iter().enumerate() {
        let mut errors = Vec::new();
        let Some(id) = as_i64(&item["id"]) else {
            errors.push(FieldError::new(
                "FieldIsRequired",
                "id",
                "id is required to update a contact",
            ));
            failures.push(ItemErrors {
                request_id: request_id(item, i),
                errors,
            });
            continue;
        };
        match plan_update(crm, id, item, ctx.user_id, &mut errors) {
            Some(contact) => planned.push((request_id(item, i), contact)),
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
        .map(|(request_id, contact)| {
            let answer = json!({
                "id": contact.id,
                "name": contact.name,
                "updated_at": contact.updated_at,
                "request_id": request_id,
                "_links": self_link(&ctx.base, &format!("/api/v4/contacts/{}", contact.id)),
            });
            crm.contacts.insert(contact.id, contact);
            answer
        })
        .collect();
    Ok(hal(
        StatusCode::OK,
        &json!({
            "_links": self_link(&ctx.base, "/api/v4/contacts"),
            "_embedded": { "contacts": updated },
        }),
    ))
}

/// `PATCH /api/v4/contacts/{id}` with a single object.
pub(super) fn update_one(crm: &mut Crm, ctx: &Ctx, id: i64) -> Result<Response<Body>, ApiError> {
    if !crm.contacts.contains_key(&id) {
        return Err(ApiError::NotFound);
    }
    let item = object(&ctx.body)?;
    let mut errors = Vec::new();
    let Some(contact) = plan_update(crm, id, &item, ctx.user_id, &mut errors) else {
        return Err(ApiError::Validation(vec![ItemErrors {
            request_id: "0".to_owned(),
            errors,
        }]));
    };
    let answer = json!({
        "id": contact.id,
        "name": contact.name,
        "updated_at": contact.updated_at,
        "_links": self_link(&ctx.base, &format!("/api/v4/contacts/{}", contact.id)),
    });
    crm.contacts.insert(contact.id, contact);
    Ok(hal(StatusCode::OK, &answer))
}
