//! The amoCRM stand-in: the request pipeline (stats, latency, faults, rate limit, bearer check) and
//! the routing of `/api/v4`.

mod companies;
mod contacts;
mod faults;
mod feed;
mod leads;
mod links;
mod metadata;
mod tasks;
mod webhooks;
mod writes;

use std::time::Duration;

use bytes::Bytes;
use http::{Method, Response};
use serde_json::Value;
use tokio::time::Instant;

pub(crate) use webhooks::{Outgoing, send as send_webhooks};

use crate::error::ApiError;
use crate::faults::FaultMode;
use crate::http::{Body, Query};
use crate::oauth;
use crate::state::{Shared, lock};
use crate::stats::Side;

/// One request, read and ready for a handler.
pub(crate) struct Ctx {
    pub method: Method,
    pub path: String,
    /// The raw query string; the pipeline parses it into `query` after stats, faults and the rate
    /// limit, so a malformed one is counted like any other request.
    pub raw_query: Option<String>,
    pub query: Query,
    pub body: Bytes,
    pub content_type: Option<String>,
    pub authorization: Option<String>,
    /// `http://host:port` as the client addressed us, for `_links`.
    pub base: String,
    /// The user the bearer token acts as; set once the token is checked.
    pub user_id: i64,
}

/// Answers one request to the amoCRM listener (everything but `/__sandbox`).
pub(crate) async fn handle(shared: &Shared, mut ctx: Ctx) -> Response<Body> {
    lock(&shared.stats).endpoint(Side::Amocrm, ctx.method.as_str(), &ctx.path);
    let is_api = ctx.path.starts_with("/api/v4/");
    let mut over_limit = false;
    if is_api {
        let now = Instant::now();
        lock(&shared.stats).api_start(now);
        if shared.config.enforce_rate_limit {
            over_limit = lock(&shared.limiter).arrive(
                now,
                shared.config.rate_limit_requests,
                shared.config.rate_limit_window,
            );
        }
        let latency = *lock(&shared.latency);
        if !latency.is_zero() {
            tokio::time::sleep(latency).await;
        }
    }
    let fault = lock(&shared.faults).take(&ctx.path);
    match fault {
        Some(FaultMode::Slow(delay)) => tokio::time::sleep(delay).await,
        Some(FaultMode::None) | None => {}
        Some(mode) => {
            if let Some(response) = faults::respond(shared, &mode) {
                return response;
            }
        }
    }
    if over_limit {
        return faults::too_many_json(shared, window_seconds(shared.config.rate_limit_window));
    }
    let query = match Query::parse(ctx.raw_query.as_deref()) {
        Ok(query) => query,
        Err(error) => return error.into_response(),
    };
    ctx.query = query;
    if is_api {
        return match authenticate(shared, &ctx) {
            Ok(user_id) => {
                ctx.user_id = user_id;
                route_api(shared, &ctx).unwrap_or_else(ApiError::into_response)
            }
            Err(error) => error.into_response(),
        };
    }
    let content_type = ctx.content_type.as_deref();
    match (ctx.method.clone(), ctx.path.as_str()) {
        (Method::GET, "/oauth") => oauth::authorize_page(shared, &ctx.query),
        (Method::POST, "/oauth/decision") => oauth::decision(shared, content_type, &ctx.body),
        (Method::POST, "/oauth2/access_token") => oauth::token(shared, content_type, &ctx.body),
        (_, "/oauth" | "/oauth/decision" | "/oauth2/access_token") => {
            ApiError::MethodNotAllowed.into_response()
        }
        _ => ApiError::NotFound.into_response(),
    }
}

fn authenticate(shared: &Shared, ctx: &Ctx) -> Result<i64, ApiError> {
    let header = ctx.authorization.as_deref().unwrap_or_default();
    let token = header
        .strip_prefix("Bearer ")
        .or_else(|| header.strip_prefix("bearer "))
        .map(str::trim)
        .filter(|t| !t.is_empty())
        .ok_or_else(|| {
            ApiError::Unauthorized("The Authorization: Bearer header is missing".to_owned())
        })?;
    lock(&shared.tokens)
        .authenticate(token)
        .map_err(|detail| ApiError::Unauthorized(detail.to_owned()))
}

fn route_api(shared: &Shared, ctx: &Ctx) -> Result<Response<Body>, ApiError> {
    let rest = ctx
        .path
        .trim_start_matches("/api/v4/")
        .trim_end_matches('/');
    let segments: Vec<&str> = rest.split('/').collect();
    let m = &ctx.method;
    let get = m == Method::GET;
    let post = m == Method::POST;
    let patch = m == Method::PATCH;
    let mut crm = lock(&shared.crm);
    let crm = &mut *crm;
    match segments.as_slice() {
        ["account"] if get => metadata::account(crm, ctx),
        ["users"] if get => metadata::users(crm, ctx),
        ["users", id] if get => metadata::user(crm, ctx, parse_id(id)?),
        ["leads", "pipelines"] if get => metadata::pipelines(crm, ctx),
        ["leads", "pipelines", id] if get => metadata::pipeline(crm, ctx, parse_id(id)?),
        ["leads", "custom_fields"] if get => {
            metadata::custom_fields(&crm.lead_fields, "leads", ctx)
        }
        ["contacts", "custom_fields"] if get => {
            metadata::custom_fields(&crm.contact_fields, "contacts", ctx)
        }
        ["contacts"] if get => contacts::list(crm, ctx),
        ["contacts"] if post => contacts::create(crm, ctx),
        ["contacts"] if patch => contacts::update_many(crm, ctx),
        ["contacts", "notes"] if get => feed::list_notes(crm, ctx, "contacts", None),
        ["contacts", "notes"] if post => feed::create_notes(crm, ctx, "contacts", None),
        ["contacts", id] if get => contacts::get(crm, ctx, parse_id(id)?),
        ["contacts", id] if patch => contacts::update_one(crm, ctx, parse_id(id)?),
        ["leads"] if get => leads::list(crm, ctx),
        ["leads"] if post => leads::create(crm, ctx),
        ["leads"] if patch => leads::update_many(crm, ctx),
        ["leads", "loss_reasons"] if get => tasks::loss_reasons(crm, ctx),
        ["contacts", id, "link"] if post => companies::link_contact(crm, ctx, parse_id(id)?),
        ["companies"] if get => companies::list(crm, ctx),
        ["companies"] if post => companies::create(crm, ctx),
        ["companies", id] if get => companies::get(crm, ctx, parse_id(id)?),
        ["companies", id, "link"] if post => companies::link_company(crm, ctx, parse_id(id)?),
        ["tasks"] if get => tasks::list(crm, ctx),
        ["tasks"] if post => tasks::create(crm, ctx),
        ["tasks"] if patch => tasks::update_many(crm, ctx),
        ["tasks", id] if get => tasks::get(crm, ctx, parse_id(id)?),
        ["tasks", id] if patch => tasks::update_one(crm, ctx, parse_id(id)?),
        ["leads", "complex"] if post => leads::create_complex(crm, ctx),
        ["leads", "notes"] if get => feed::list_notes(crm, ctx, "leads", None),
        ["leads", "notes"] if post => feed::create_notes(crm, ctx, "leads", None),
        ["leads", id] if get => leads::get(crm, ctx, parse_id(id)?),
        ["leads", id] if patch => leads::update_one(crm, ctx, parse_id(id)?),
        ["leads", id, "link"] if post => links::link(crm, ctx, parse_id(id)?),
        ["leads", id, "unlink"] if post => links::unlink(crm, ctx, parse_id(id)?),
        ["leads", id, "links"] if get => links::list(crm, ctx, parse_id(id)?),
        ["leads", id, "notes"] if get => feed::list_notes(crm, ctx, "leads", Some(parse_id(id)?)),
        ["leads", id, "notes"] if post => {
            feed::create_notes(crm, ctx, "leads", Some(parse_id(id)?))
        }
        ["contacts", id, "notes"] if get => {
            feed::list_notes(crm, ctx, "contacts", Some(parse_id(id)?))
        }
        ["contacts", id, "notes"] if post => {
            feed::create_notes(crm, ctx, "contacts", Some(parse_id(id)?))
        }
        ["events"] if get => feed::list_events(crm, ctx),
        ["webhooks"] if get => webhooks::list(crm, ctx),
        ["webhooks"] if post => webhooks::subscribe(crm, ctx),
        ["webhooks"] if m == Method::DELETE => webhooks::unsubscribe(crm, ctx),
        ["events", "types"] if get => Ok(feed::event_types(ctx)),
        [
            "account" | "users" | "contacts" | "leads" | "events" | "webhooks" | "companies"
            | "tasks",
        ]
        | ["users" | "contacts" | "leads" | "companies" | "tasks", _]
        | ["leads" | "events" | "contacts" | "companies", _, _] => Err(ApiError::MethodNotAllowed),
        _ => Err(ApiError::NotFound),
    }
}

/// Moves a lead to another stage as user `by` would in amoCRM's interface: the change is validated like an API
/// update, recorded in the events feed and queued for the subscribed webhooks.
pub(crate) fn move_lead(
    shared: &Shared,
    lead_id: i64,
    status_id: i64,
    pipeline_id: Option<i64>,
    by: i64,
) -> Result<(), String> {
    let mut crm = lock(&shared.crm);
    let mut item = serde_json::json!({ "status_id": status_id });
    if let Some(pipeline_id) = pipeline_id {
        item["pipeline_id"] = pipeline_id.into();
    }
    let mut errors = Vec::new();
    let plan = writes::plan_update(&crm, lead_id, &item, by, &mut errors).ok_or_else(|| {
        errors
            .iter()
            .map(|e| format!("{}: {}", e.path, e.detail))
            .collect::<Vec<_>>()
            .join("; ")
    })?;
    plan.commit(&mut crm, by);
    Ok(())
}

/// The subscribed webhooks: (destination, whether amoCRM disabled it).
pub(crate) fn webhooks(shared: &Shared) -> Vec<(String, bool)> {
    lock(&shared.crm)
        .webhooks
        .iter()
        .map(|h| (h.destination.clone(), h.disabled))
        .collect()
}

/// The deliveries sent so far, oldest first: (destination, form body).
pub(crate) fn webhook_log(shared: &Shared) -> Vec<(String, String)> {
    lock(&shared.crm)
        .webhook_log
        .iter()
        .map(|d| (d.destination.clone(), d.body.clone()))
        .collect()
}

/// A numeric path segment; anything else names no entity.
fn parse_id(segment: &str) -> Result<i64, ApiError> {
    segment.parse::<i64>().map_err(|_| ApiError::NotFound)
}

/// The JSON array body of a batch write, at most `max` entities long.
pub(crate) fn batch(body: &[u8], max: usize) -> Result<Vec<Value>, ApiError> {
    let value: Value = serde_json::from_slice(body)
        .map_err(|e| ApiError::BadRequest(format!("malformed JSON body: {e}")))?;
    let Value::Array(items) = value else {
        return Err(ApiError::BadRequest(
            "the request body must be a JSON array of entities".to_owned(),
        ));
    };
    if items.is_empty() {
        return Err(ApiError::BadRequest(
            "the request body is an empty array".to_owned(),
        ));
    }
    if items.len() > max {
        return Err(ApiError::TooManyEntities(max));
    }
    Ok(items)
}

/// The JSON object body of a single-entity write.
pub(crate) fn object(body: &[u8]) -> Result<Value, ApiError> {
    let value: Value = serde_json::from_slice(body)
        .map_err(|e| ApiError::BadRequest(format!("malformed JSON body: {e}")))?;
    if !value.is_object() {
        return Err(ApiError::BadRequest(
            "the request body must be a JSON object".to_owned(),
        ));
    }
    Ok(value)
}

/// The entity's `request_id` as sent, or its index in the batch.
pub(crate) fn request_id(item: &Value, index: usize) -> String {
    match &item["request_id"] {
        Value::String(s) => s.clone(),
        Value::Number(n) => n.to_string(),
        _ => index.to_string(),
    }
}

/// Sorts by `order[field]`, refusing fields the endpoint does not sort by.
pub(crate) fn sort_by_order<T>(
    items: &mut [&T],
    order: Option<(String, bool)>,
    key: impl Fn(&T, &str) -> Option<i64>,
    allowed: &[&str],
) -> Result<(), ApiError> {
    let Some((field, descending)) = order else {
        return Ok(());
    };
    if !allowed.contains(&field.as_str()) {
        return Err(ApiError::BadRequest(format!(
            "order[{field}]: sorting by this field is not supported"
        )));
    }
    items.sort_by_key(|item| key(item, &field).unwrap_or_default());
    if descending {
        items.reverse();
    }
    Ok(())
}

/// The `_links.self` object of an entity.
pub(crate) fn self_link(base: &str, path: &str) -> Value {
    serde_json::json!({ "self": { "href": format!("{base}{path}") } })
}

/// How long the built-in limiter tells clients to wait, in whole seconds (at least one).
fn window_seconds(window: Duration) -> u64 {
    window.as_secs_f64().ceil().max(1.0) as u64
}
