//! Companies: list with `query` search, read (with their leads and contacts), create, and links
//! between contacts and companies (`POST /contacts/{id}/link`, `POST /companies/{id}/link`).

use http::{Response, StatusCode};
use serde_json::{Value, json};

use super::writes::validation;
use super::{Ctx, batch, request_id, self_link};
use crate::error::{ApiError, FieldError, ItemErrors};
use crate::http::{Body, Paging, as_i64, hal, no_content};
use crate::model::{Company, Crm, now_unix, text_matches};
use crate::seed;

fn id_refs(base: &str, kind: &str, ids: impl IntoIterator<Item = i64>) -> Vec<Value> {
    ids.into_iter()
        .map(|id| json!({ "id": id, "_links": self_link(base, &format!("/api/v4/{kind}/{id}")) }))
        .collect()
}

/// A company in amoCRM's shape; `_embedded.leads` / `contacts` only when asked for with `with`.
fn render(company: &Company, crm: &Crm, ctx: &Ctx) -> Value {
    let mut embedded = json!({ "tags": [] });
    if ctx.query.has_with("leads") {
        let leads = crm
            .lead_company
            .iter()
            .filter(|(_, c)| **c == company.id)
            .map(|(lead, _)| *lead);
        embedded["leads"] = id_refs(&ctx.base, "leads", leads).into();
    }
    if ctx.query.has_with("contacts") {
        let contacts = crm
            .contact_company
            .iter()
            .filter(|(_, c)| **c == company.id)
            .map(|(contact, _)| *contact);
        embedded["contacts"] = id_refs(&ctx.base, "contacts", contacts).into();
    }
    json!({
        "id": company.id,
        "name": company.name,
        "responsible_user_id": company.responsible_user_id,
        "group_id": 0,
        "created_by": company.created_by,
        "updated_by": company.updated_by,
        "created_at": company.created_at,
        "updated_at": company.updated_at,
        "closest_task_at": null,
        "is_deleted": false,
        "custom_fields_values": null,
        "account_id": seed::ACCOUNT_ID,
        "_links": self_link(&ctx.base, &format!("/api/v4/companies/{}", company.id)),
        "_embedded": embedded,
    })
}

/// `GET /api/v4/companies`.
pub(super) fn list(crm: &Crm, ctx: &Ctx) -> Result<Response<Body>, ApiError> {
    let q = &ctx.query;
    let paging = Paging::from_query(q, 50, 250, false)?;
    let ids = q.ids("filter[id]")?;
    let needle = q.get_trimmed("query");
    let found: Vec<&Company> = crm
        .companies
        .values()
        .filter(|c| ids.is_empty() || ids.contains(&c.id))
        .filter(|c| needle.is_none_or(|n| text_matches(n, &c.name, &[])))
        .collect();
    let (page, has_next) = paging.slice(&found);
    if page.is_empty() {
        return Ok(no_content());
    }
    Ok(hal(
        StatusCode::OK,
        &json!({
            "_page": paging.page,
            "_links": paging.links(&ctx.base, "/api/v4/companies", q, has_next),
            "_embedded": { "companies": page.iter().map(|c| render(c, crm, ctx)).collect::<Vec<_>>() },
        }),
    ))
}

/// `GET /api/v4/companies/{id}`.
pub(super) fn get(crm: &Crm, ctx: &Ctx, id: i64) -> Result<Response<Body>, ApiError> {
    let company = crm.companies.get(&id).ok_or(ApiError::NotFound)?;
    Ok(hal(StatusCode::OK, &render(company, crm, ctx)))
}

/// `POST /api/v4/companies`: all or nothing.
pub(super) fn create(crm: &mut Crm, ctx: &Ctx) -> Result<Response<Body>, ApiError> {
    let items = batch(&ctx.body, 250)?;
    let mut planned = Vec::new();
    let mut failures = Vec::new();
    for (i, item) in items.iter().enumerate() {
        let mut errors = Vec::new();
        let name = item["name"].as_str().map(str::trim).unwrap_or_default();
        if name.is_empty() {
            errors.push(FieldError::new(
                "FieldIsRequired",
                "name",
                "a company needs a name",
            ));
        }
        let mut responsible = ctx.user_id;
        let raw = &item["responsible_user_id"];
        if !raw.is_null() {
            match as_i64(raw) {
                Some(id) if crm.user(id).is_some() => responsible = id,
                _ => errors.push(FieldError::new(
                    "NotSupportedChoice",
                    "responsible_user_id",
                    format!("{raw} is not a user of the account"),
                )),
            }
        }
        if errors.is_empty() {
            planned.push((request_id(item, i), name.to_owned(), responsible));
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
    let now = now_unix();
    let created: Vec<Value> = planned
        .into_iter()
        .map(|(request_id, name, responsible)| {
            let id = crm.add_company(name, ctx.user_id, now);
            if let Some(company) = crm.companies.get_mut(&id) {
                company.responsible_user_id = responsible;
            }
            json!({
                "id": id,
                "request_id": request_id,
                "_links": self_link(&ctx.base, &format!("/api/v4/companies/{id}")),
            })
        })
        .collect();
    Ok(hal(
        StatusCode::OK,
        &json!({
            "_links": self_link(&ctx.base, "/api/v4/companies"),
            "_embedded": { "companies": created },
        }),
    ))
}

/// Reads `[{to_entity_id, to_entity_type}]` links of one accepted type to existing entities.
fn read_links(
    body: &[u8],
    accepted: &str,
    exists: impl Fn(i64) -> bool,
) -> Result<Vec<i64>, ApiError> {
    let items = batch(body, 250)?;
    let mut errors = Vec::new();
    let mut ids = Vec::new();
    for (i, item) in items.iter().enumerate() {
        let kind = item["to_entity_type"].as_str().unwrap_or_default();
        if kind != accepted {
            errors.push(FieldError::new(
                "NotSupportedChoice",
                format!("{i}.to_entity_type"),
                format!("the sandbox links this entity to {accepted} only, not {kind:?}"),
            ));
            continue;
        }
        match as_i64(&item["to_entity_id"]) {
            Some(id) if exists(id) => ids.push(id),
            _ => errors.push(FieldError::new(
                "NotSupportedChoice",
                format!("{i}.to_entity_id"),
                format!("{accepted} {} does not exist", item["to_entity_id"]),
            )),
        }
    }
    if errors.is_empty() {
        Ok(ids)
    } else {
        Err(validation("0", errors))
    }
}

fn links_answer(ctx: &Ctx, pairs: &[(i64, &str, i64, &str)]) -> Response<Body> {
    let links: Vec<Value> = pairs
        .iter()
        .map(|(from, from_kind, to, to_kind)| {
            json!({
                "entity_id": from,
                "entity_type": from_kind,
                "to_entity_id": to,
                "to_entity_type": to_kind,
                "metadata": null,
            })
        })
        .collect();
    hal(
        StatusCode::OK,
        &json!({
            "_total_items": links.len(),
            "_links": self_link(&ctx.base, &ctx.path),
            "_embedded": { "links": links },
        }),
    )
}

fn touch_contact(crm: &mut Crm, contact_id: i64, user_id: i64) {
    if let Some(contact) = crm.contacts.get_mut(&contact_id) {
        contact.updated_at = now_unix();
        contact.updated_by = user_id;
    }
}

/// `POST /api/v4/contacts/{id}/link` to companies. A contact has one company: linking another
/// replaces it.
pub(super) fn link_contact(
    crm: &mut Crm,
    ctx: &Ctx,
    contact_id: i64,
) -> Result<Response<Body>, ApiError> {
    if !crm.contacts.contains_key(&contact_id) {
        return Err(ApiError::NotFound);
    }
    let companies = read_links(&ctx.body, "companies", |id| crm.companies.contains_key(&id))?;
    let mut pairs = Vec::new();
    if let Some(company_id) = companies.last() {
        crm.contact_company.insert(contact_id, *company_id);
        touch_contact(crm, contact_id, ctx.user_id);
        pairs.push((contact_id, "contacts", *company_id, "companies"));
    }
    Ok(links_answer(ctx, &pairs))
}

/// `POST /api/v4/companies/{id}/link` to contacts: each contact moves to this company.
pub(super) fn link_company(
    crm: &mut Crm,
    ctx: &Ctx,
    company_id: i64,
) -> Result<Response<Body>, ApiError> {
    if !crm.companies.contains_key(&company_id) {
        return Err(ApiError::NotFound);
    }
    let contacts = read_links(&ctx.body, "contacts", |id| crm.contacts.contains_key(&id))?;
    let mut pairs = Vec::new();
    for contact_id in contacts {
        crm.contact_company.insert(contact_id, company_id);
        touch_contact(crm, contact_id, ctx.user_id);
        pairs.push((company_id, "companies", contact_id, "contacts"));
    }
    Ok(links_answer(ctx, &pairs))
}

/// The existing company named in a new lead's `_embedded.companies` (links on create only).
pub(super) fn embedded_company(
    crm: &Crm,
    item: &Value,
    errors: &mut Vec<FieldError>,
) -> Option<i64> {
    let companies = item["_embedded"]["companies"].as_array()?;
    if companies.len() > 1 {
        errors.push(FieldError::new(
            "NotSupportedChoice",
            "_embedded.companies",
            "a lead has at most one company",
        ));
        return None;
    }
    let raw = &companies.first()?["id"];
    match as_i64(raw) {
        Some(id) if crm.companies.contains_key(&id) => Some(id),
        _ => {
            errors.push(FieldError::new(
                "NotSupportedChoice",
                "_embedded.companies.0.id",
                format!("company {raw} does not exist"),
            ));
            None
        }
    }
}
