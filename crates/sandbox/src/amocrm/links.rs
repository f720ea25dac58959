//! Links between a lead and contacts: `POST /leads/{id}/link`, `/unlink`, `GET /leads/{id}/links`.

use http::{Response, StatusCode};
use serde_json::{Value, json};

use super::writes::validation;
use super::{Ctx, batch, self_link};
use crate::error::{ApiError, FieldError};
use crate::http::{Body, as_i64, hal, no_content};
use crate::model::{Crm, LeadContact, now_unix};

/// One requested link: the contact and whether it should be the main one.
struct LinkRequest {
    contact_id: i64,
    is_main: bool,
}

fn read_links(crm: &Crm, body: &[u8]) -> Result<Vec<LinkRequest>, ApiError> {
    let items = batch(body, 250)?;
    let mut errors = Vec::new();
    let mut links = Vec::new();
    for (i, item) in items.iter().enumerate() {
        let kind = item["to_entity_type"].as_str().unwrap_or_default();
        if kind != "contacts" {
            errors.push(FieldError::new(
                "NotSupportedChoice",
                format!("{i}.to_entity_type"),
                format!("the sandbox links leads to contacts only, not {kind:?}"),
            ));
            continue;
        }
        match as_i64(&item["to_entity_id"]) {
            Some(id) if crm.contacts.contains_key(&id) => {
                let metadata = &item["metadata"];
                let is_main = metadata["is_main"]
                    .as_bool()
                    .or(metadata["main_contact"].as_bool())
                    .unwrap_or(false);
                links.push(LinkRequest {
                    contact_id: id,
                    is_main,
                });
            }
            _ => errors.push(FieldError::new(
                "NotSupportedChoice",
                format!("{i}.to_entity_id"),
                format!("contact {} does not exist", item["to_entity_id"]),
            )),
        }
    }
    if errors.is_empty() {
        Ok(links)
    } else {
        Err(validation("0", errors))
    }
}

fn link_json(lead_id: i64, contact: &LeadContact) -> Value {
    json!({
        "entity_id": lead_id,
        "entity_type": "leads",
        "to_entity_id": contact.id,
        "to_entity_type": "contacts",
        "metadata": { "main_contact": contact.is_main },
    })
}

fn touch_contact(crm: &mut Crm, contact_id: i64, user_id: i64, now: i64) {
    if let Some(contact) = crm.contacts.get_mut(&contact_id) {
        contact.updated_at = now;
        contact.updated_by = user_id;
    }
}

/// `POST /api/v4/leads/{id}/link`: links contacts, updating both sides.
pub(super) fn link(crm: &mut Crm, ctx: &Ctx, lead_id: i64) -> Result<Response<Body>, ApiError> {
    if !crm.leads.contains_key(&lead_id) {
        return Err(ApiError::NotFound);
    }
    let requests = read_links(crm, &ctx.body)?;
    let now = now_unix();
    let mut answered = Vec::new();
    for request in requests {
        let Some(lead) = crm.leads.get_mut(&lead_id) else {
            break;
        };
        let is_first = lead.contacts.is_empty();
        if request.is_main {
            lead.contacts.iter_mut().for_each(|c| c.is_main = false);
        }
        let newly_linked = match lead
            .contacts
            .iter_mut()
            .find(|c| c.id == request.contact_id)
        {
            Some(existing) => {
                existing.is_main |= request.is_main;
                false
            }
            None => {
                lead.contacts.push(LeadContact {
                    id: request.contact_id,
                    is_main: request.is_main || is_first,
                });
                true
            }
        };
        lead.updated_at = now;
        lead.updated_by = ctx.user_id;
        if let Some(current) = lead.contacts.iter().find(|c| c.id == request.contact_id) {
            answered.push(link_json(lead_id, current));
        }
        touch_contact(crm, request.contact_id, ctx.user_id, now);
        if newly_linked {
            crm.push_event(
                "entity_linked",
                lead_id,
                ctx.user_id,
                now,
                json!([]),
                json!([{ "link": { "entity": { "id": request.contact_id, "type": "contact" } } }]),
            );
        }
    }
    Ok(hal(
        StatusCode::OK,
        &json!({
            "_total_items": answered.len(),
            "_links": self_link(&ctx.base, &format!("/api/v4/leads/{lead_id}/link")),
            "_embedded": { "links": answered },
        }),
    ))
}

/// `POST /api/v4/leads/{id}/unlink`: removes links, updating both sides; answers 204.
pub(super) fn unlink(crm: &mut Crm, ctx: &Ctx, lead_id: i64) -> Result<Response<Body>, ApiError> {
    if !crm.leads.contains_key(&lead_id) {
        return Err(ApiError::NotFound);
    }
    let requests = read_links(crm, &ctx.body)?;
    let now = now_unix();
    for request in requests {
        let Some(lead) = crm.leads.get_mut(&lead_id) else {
            break;
        };
        let before = lead.contacts.len();
        lead.contacts.retain(|c| c.id != request.contact_id);
        if lead.contacts.len() == before {
            continue;
        }
        if !lead.contacts.iter().any(|c| c.is_main)
            && let Some(first) = lead.contacts.first_mut()
        {
            first.is_main = true;
        }
        lead.updated_at = now;
        lead.updated_by = ctx.user_id;
        touch_contact(crm, request.contact_id, ctx.user_id, now);
        crm.push_event(
            "entity_unlinked",
            lead_id,
            ctx.user_id,
            now,
            json!([{ "link": { "entity": { "id": request.contact_id, "type": "contact" } } }]),
            json!([]),
        );
    }
    Ok(no_content())
}

/// `GET /api/v4/leads/{id}/links`.
pub(super) fn list(crm: &Crm, ctx: &Ctx, lead_id: i64) -> Result<Response<Body>, ApiError> {
    let lead = crm.leads.get(&lead_id).ok_or(ApiError::NotFound)?;
    if lead.contacts.is_empty() {
        return Ok(no_content());
    }
    let links: Vec<Value> = lead
        .contacts
        .iter()
        .map(|c| link_json(lead_id, c))
        .collect();
    Ok(hal(
        StatusCode::OK,
        &json!({
            "_total_items": links.len(),
            "_links": self_link(&ctx.base, &format!("/api/v4/leads/{lead_id}/links")),
            "_embedded": { "links": links },
        }),
    ))
}
