//! Leads: list with filters and search, read, and the write endpoints (create, update, complex).

use std::collections::HashSet;

use http::{Response, StatusCode};
use serde_json::{Value, json};

use super::writes::{plan_new, plan_update, validation};
use super::{Ctx, batch, object, request_id, self_link, sort_by_order};
use crate::error::{ApiError, FieldError, ItemErrors};
use crate::http::{Body, Paging, as_i64, hal, json as json_response, no_content};
use crate::model::{Crm, Lead, text_matches};
use crate::seed;

/// A lead in amoCRM's shape; `_embedded.contacts` stubs only with `with=contacts`.
/// Tags as amoCRM embeds them: `{id, name, color}`.
pub(super) fn tags(names: &[String]) -> Vec<Value> {
    names
        .iter()
        .enumerate()
        .map(|(i, name)| json!({ "id": 100 + i as i64, "name": name, "color": null }))
        .collect()
}

pub(super) fn render(lead: &Lead, crm: &Crm, base: &str, with_contacts: bool) -> Value {
    let tags = tags(&lead.tags);
    let companies: Vec<Value> = crm
        .lead_company
        .get(&lead.id)
        .map(
            |id| json!({ "id": id, "_links": self_link(base, &format!("/api/v4/companies/{id}")) }),
        )
        .into_iter()
        .collect();
    let mut embedded = json!({ "tags": tags, "companies": companies });
    if with_contacts {
        embedded["contacts"] = lead
            .contacts
            .iter()
            .map(|c| json!({ "id": c.id, "is_main": c.is_main, "_links": self_link(base, &format!("/api/v4/contacts/{}", c.id)) }))
            .collect();
    }
    json!({
        "id": lead.id,
        "name": lead.name,
        "price": lead.price,
        "responsible_user_id": lead.responsible_user_id,
        "group_id": 0,
        "status_id": lead.status_id,
        "pipeline_id": lead.pipeline_id,
        "loss_reason_id": lead.loss_reason_id,
        "created_by": lead.created_by,
        "updated_by": lead.updated_by,
        "created_at": lead.created_at,
        "updated_at": lead.updated_at,
        "closed_at": lead.closed_at,
        "closest_task_at": null,
        "is_deleted": false,
        "custom_fields_values": if lead.custom_fields_values.is_empty() { Value::Null } else { lead.custom_fields_values.clone().into() },
        "score": null,
        "account_id": seed::ACCOUNT_ID,
        "labor_cost": null,
        "_links": self_link(base, &format!("/api/v4/leads/{}", lead.id)),
        "_embedded": embedded,
    })
}

/// One `filter[statuses][i]` entry: a pipeline, a stage, or both.
type StatusFilter = (Option<i64>, Option<i64>);

/// `filter[statuses][i][pipeline_id]` / `[status_id]` pairs.
fn status_filters(ctx: &Ctx) -> Result<Vec<StatusFilter>, ApiError> {
    let mut by_index: std::collections::BTreeMap<String, (Option<i64>, Option<i64>)> =
        Default::default();
    for (rest, value) in ctx.query.with_prefix("filter[statuses][") {
        let Some((index, field)) = rest.split_once("][") else {
            continue;
        };
        let id = value.trim().parse::<i64>().map_err(|_| {
            ApiError::BadRequest(format!(
                "filter[statuses][{rest}: expected an integer, got {value:?}"
            ))
        })?;
        let entry = by_index.entry(index.to_owned()).or_default();
        match field.trim_end_matches(']') {
            "pipeline_id" => entry.0 = Some(id),
            "status_id" => entry.1 = Some(id),
            other => {
                return Err(ApiError::BadRequest(format!(
                    "filter[statuses]: unknown key {other:?}"
                )));
            }
        }
    }
    Ok(by_index.into_values().collect())
}

/// `GET /api/v4/leads`.
pub(super) fn list(crm: &Crm, ctx: &Ctx) -> Result<Response<Body>, ApiError> {
    let q = &ctx.query;
    let paging = Paging::from_query(q, 50, 250, false)?;
    let ids = q.ids("filter[id]")?;
    let pipelines = q.ids("filter[pipeline_id]")?;
    let responsible = q.ids("filter[responsible_user_id]")?;
    let statuses = status_filters(ctx)?;
    let needle = q.get_trimmed("query");
    let mut found: Vec<&Lead> = crm
        .leads
        .values()
        .filter(|l| ids.is_empty() || ids.contains(&l.id))
        .filter(|l| pipelines.is_empty() || pipelines.contains(&l.pipeline_id))
        .filter(|l| responsible.is_empty() || responsible.contains(&l.responsible_user_id))
        .filter(|l| {
            statuses.is_empty()
                || statuses.iter().any(|(p, s)| {
                    p.is_none_or(|p| p == l.pipeline_id) && s.is_none_or(|s| s == l.status_id)
                })
        })
        .filter(|l| needle.is_none_or(|n| text_matches(n, &l.name, &l.custom_fields_values)))
        .collect();
    sort_by_order(
        &mut found,
        q.order()?,
        |l, key| match key {
            "updated_at" => Some(l.updated_at),
            "created_at" => Some(l.created_at),
            _ => Some(l.id),
        },
        &["updated_at", "created_at", "id"],
    )?;
    let (page, has_next) = paging.slice(&found);
    if page.is_empty() {
        return Ok(no_content());
    }
    let with_contacts = q.has_with("contacts");
    Ok(hal(
        StatusCode::OK,
        &json!({
            "_page": paging.page,
            "_links": paging.links(&ctx.base, "/api/v4/leads", q, has_next),
            "_embedded": { "leads": page.iter().map(|l| render(l, crm, &ctx.base, with_contacts)).collect::<Vec<_>>() },
        }),
    ))
}

/// `GET /api/v4/leads/{id}`.
pub(super) fn get(crm: &Crm, ctx: &Ctx, id: i64) -> Result<Response<Body>, ApiError> {
    let lead = crm.leads.get(&id).ok_or(ApiError::NotFound)?;
    Ok(hal(
        StatusCode::OK,
        &render(lead, crm, &ctx.base, ctx.query.has_with("contacts")),
    ))
}

/// `POST /api/v4/leads`: all or nothing; each new lead gets a `lead_added` event.
pub(super) fn create(crm: &mut Crm, ctx: &Ctx) -> Result<Response<Body>, ApiError> {
    let items = batch(&ctx.body, 250)?;
    let mut planned = Vec::new();
    let mut failures = Vec::new();
    for (i, item) in items.iter().enumerate() {
        let mut errors = Vec::new();
        let lead = plan_new(crm, item, ctx.user_id, false, &mut errors);
        let company = super::companies::embedded_company(crm, item, &mut errors);
        match lead.filter(|_| errors.is_empty()) {
            Some(lead) => planned.push((request_id(item, i), lead, company)),
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
    for (request_id, lead, company) in planned {
        let id = commit_new(crm, lead, ctx.user_id);
        if let Some(company_id) = company {
            crm.lead_company.insert(id, company_id);
        }
        created.push(json!({
            "id": id,
            "request_id": request_id,
            "_links": self_link(&ctx.base, &format!("/api/v4/leads/{id}")),
        }));
    }
    Ok(hal(
        StatusCode::OK,
        &json!({ "_links": self_link(&ctx.base, "/api/v4/leads"), "_embedded": { "leads": created } }),
    ))
}

/// Stores a validated new lead and records its `lead_added` event.
fn commit_new(crm: &mut Crm, mut lead: Lead, user_id: i64) -> i64 {
    lead.id = crm.new_lead_id();
    let id = lead.id;
    if lead.name.is_empty() {
        // amoCRM names an unnamed deal after its id.
        lead.name = format!("Deal #{id}");
    }
    let after = crate::model::lead_status_value(lead.status_id, lead.pipeline_id);
    let at = lead.created_at;
    crm.emit_lead("add", &lead, None);
    crm.leads.insert(id, lead);
    crm.push_event("lead_added", id, user_id, at, json!([]), after);
    id
}

/// `PATCH /api/v4/leads`: every item names its `id`; all or nothing.
pub(super) fn update_many(crm: &mut Crm, ctx: &Ctx) -> Result<Response<Body>, ApiError> {
    let items = batch(&ctx.body, 250)?;
    let mut planned = Vec::new();
    let mut failures = Vec::new();
    let mut seen = HashSet::new();
    for (i, item) in items.iter().enumerate() {
        let mut errors = Vec::new();
        let plan = match as_i64(&item["id"]) {
            Some(id) if !seen.insert(id) => {
                errors.push(FieldError::new(
                    "NotSupportedChoice",
                    "id",
                    format!("lead {id} appears twice in the request"),
                ));
                None
            }
            Some(id) => plan_update(crm, id, item, ctx.user_id, &mut errors),
            None => {
                errors.push(FieldError::new(
                    "FieldIsRequired",
                    "id",
                    "id is required to update a lead",
                ));
                None
            }
        };
        match plan {
            Some(plan) => planned.push((request_id(item, i), plan)),
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
        .map(|(request_id, plan)| {
            let answer = json!({
                "id": plan.lead.id,
                "updated_at": plan.lead.updated_at,
                "request_id": request_id,
                "_links": self_link(&ctx.base, &format!("/api/v4/leads/{}", plan.lead.id)),
            });
            plan.commit(crm, ctx.user_id);
            answer
        })
        .collect();
    Ok(hal(
        StatusCode::OK,
        &json!({ "_links": self_link(&ctx.base, "/api/v4/leads"), "_embedded": { "leads": updated } }),
    ))
}

/// `PATCH /api/v4/leads/{id}` with a single object.
pub(super) fn update_one(crm: &mut Crm, ctx: &Ctx, id: i64) -> Result<Response<Body>, ApiError> {
    if !crm.leads.contains_key(&id) {
        return Err(ApiError::NotFound);
    }
    let item = object(&ctx.body)?;
    let mut errors = Vec::new();
    let Some(plan) = plan_update(crm, id, &item, ctx.user_id, &mut errors) else {
        return Err(validation("0", errors));
    };
    let answer = json!({
        "id": plan.lead.id,
        "updated_at": plan.lead.updated_at,
        "_links": self_link(&ctx.base, &format!("/api/v4/leads/{id}")),
    });
    plan.commit(crm, ctx.user_id);
    Ok(hal(StatusCode::OK, &answer))
}

/// `POST /api/v4/leads/complex`: each lead with at most one new (or existing) contact and one new
/// company; at most 50 leads. Answers a plain array, as amoCRM does.
pub(super) fn create_complex(crm: &mut Crm, ctx: &Ctx) -> Result<Response<Body>, ApiError> {
    let items = batch(&ctx.body, 50)?;
    let mut planned = Vec::new();
    let mut failures = Vec::new();
    for (i, item) in items.iter().enumerate() {
        let mut errors = Vec::new();
        let lead = plan_new(crm, item, ctx.user_id, true, &mut errors);
        let contact = complex_contact(crm, item, ctx.user_id, &mut errors);
        let company = complex_company(item, &mut errors);
        match (lead, errors.is_empty()) {
            (Some(lead), true) => planned.push((request_id(item, i), lead, contact, company)),
            _ => failures.push(ItemErrors {
                request_id: request_id(item, i),
                errors,
            }),
        }
    }
    if !failures.is_empty() {
        return Err(ApiError::Validation(failures));
    }
    let mut answers = Vec::new();
    for (request_id, mut lead, contact, company) in planned {
        let contact_id = match contact {
            Some(ComplexContact::Existing(id)) => Some(id),
            Some(ComplexContact::New(mut contact)) => {
                contact.id = crm.new_contact_id();
                let id = contact.id;
                crm.contacts.insert(id, *contact);
                Some(id)
            }
            None => None,
        };
        if let Some(id) = contact_id {
            lead.contacts = vec![crate::model::LeadContact { id, is_main: true }];
        }
        let company_id =
            company.map(|name| crm.add_company(name, ctx.user_id, crate::model::now_unix()));
        let id = commit_new(crm, lead, ctx.user_id);
        if let Some(company_id) = company_id {
            crm.lead_company.insert(id, company_id);
            if let Some(contact_id) = contact_id {
                crm.contact_company.entry(contact_id).or_insert(company_id);
            }
        }
        answers.push(json!({
            "id": id,
            "contact_id": contact_id,
            "company_id": company_id,
            "request_id": [request_id],
            "merged": false,
        }));
    }
    Ok(json_response(StatusCode::OK, &Value::Array(answers)))
}

enum ComplexContact {
    Existing(i64),
    New(Box<crate::model::Contact>),
}

fn complex_contact(
    crm: &Crm,
    item: &Value,
    user_id: i64,
    errors: &mut Vec<FieldError>,
) -> Option<ComplexContact> {
    let contacts = item["_embedded"]["contacts"].as_array()?;
    if contacts.len() > 1 {
        errors.push(FieldError::new(
            "NotSupportedChoice",
            "_embedded.contacts",
            "a complex lead takes at most one contact",
        ));
        return None;
    }
    let contact = contacts.first()?;
    if let Some(id) = as_i64(&contact["id"]) {
        if crm.contacts.contains_key(&id) {
            return Some(ComplexContact::Existing(id));
        }
        errors.push(FieldError::new(
            "NotSupportedChoice",
            "_embedded.contacts.0.id",
            format!("contact {id} does not exist"),
        ));
        return None;
    }
    let mut contact_errors = Vec::new();
    let built = super::contacts::build_new(crm, contact, user_id, &mut contact_errors);
    errors.extend(contact_errors.into_iter().map(|mut e| {
        e.path = format!("_embedded.contacts.0.{}", e.path)
            .trim_end_matches('.')
            .to_owned();
        e
    }));
    built.map(|c| ComplexContact::New(Box::new(c)))
}

fn complex_company(item: &Value, errors: &mut Vec<FieldError>) -> Option<String> {
    let companies = item["_embedded"]["companies"].as_array()?;
    if companies.len() > 1 {
        errors.push(FieldError::new(
            "NotSupportedChoice",
            "_embedded.companies",
            "a complex lead takes at most one company",
        ));
        return None;
    }
    let company = companies.first()?;
    match company["name"].as_str().map(str::trim) {
        Some(name) if !name.is_empty() => Some(name.to_owned()),
        _ => {
            errors.push(FieldError::new(
                "FieldIsRequired",
                "_embedded.companies.0.name",
                "a new company needs a name",
            ));
            None
        }
    }
}
