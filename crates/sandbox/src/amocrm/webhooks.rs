//! Webhooks as amoCRM does them: `GET/POST/DELETE /api/v4/webhooks` (administrators only), and deliveries —
//! `application/x-www-form-urlencoded` POSTs with PHP-style nested keys and v2-style string fields
//! (`leads[status][0][id]=…&leads[status][0][old_status_id]=…&account[id]=…`) — of the account's own changes
//! to every subscribed destination whose settings name the event. A destination that answers outside
//! 100–299 is counted; after 100 such answers in a row the hook is disabled, as amoCRM does.

use std::time::Duration;

use bytes::Bytes;
use http::{Request, Response, StatusCode};
use http_body_util::Full;
use hyper_util::rt::TokioIo;
use serde_json::{Value, json};
use url::Url;

use super::{Ctx, object, self_link};
use crate::error::ApiError;
use crate::http::{Body, hal, no_content};
use crate::model::{Crm, Lead, Webhook};
use crate::seed;

/// The event settings amoCRM accepts (a subset: the ones the sandbox can raise, and their siblings).
const SETTINGS: &[&str] = &[
    "add_lead",
    "update_lead",
    "status_lead",
    "delete_lead",
    "restore_lead",
    "responsible_lead",
    "note_lead",
    "add_contact",
    "update_contact",
    "delete_contact",
    "restore_contact",
    "responsible_contact",
    "note_contact",
    "add_company",
    "update_company",
    "delete_company",
    "add_task",
    "update_task",
    "delete_task",
    "add_talk",
    "update_talk",
];

/// How many failed answers in a row disable a hook.
const DISABLE_AFTER: u32 = 100;

/// How long a destination has to answer.
const DELIVERY_TIMEOUT: Duration = Duration::from_secs(2);

/// One delivery waiting to be sent once the request that caused it is answered.
#[derive(Debug, Clone)]
pub(crate) struct Outgoing {
    pub destination: String,
    pub body: String,
}

fn view(hook: &Webhook, base: &str) -> Value {
    json!({
        "id": hook.id,
        "destination": hook.destination,
        "created_at": hook.created_at,
        "updated_at": hook.created_at,
        "account_id": seed::ACCOUNT_ID,
        "created_by": hook.created_by,
        "sort": hook.sort,
        "disabled": hook.disabled,
        "settings": hook.settings,
        "_links": self_link(base, "/api/v4/webhooks"),
    })
}

fn require_admin(crm: &Crm, ctx: &Ctx) -> Result<(), ApiError> {
    match crm.user(ctx.user_id) {
        Some(user) if user.is_admin => Ok(()),
        _ => Err(ApiError::Forbidden(
            "Only an account administrator may manage webhooks".to_owned(),
        )),
    }
}

/// `GET /api/v4/webhooks[?filter[destination]=…]`.
pub(super) fn list(crm: &Crm, ctx: &Ctx) -> Result<Response<Body>, ApiError> {
    require_admin(crm, ctx)?;
    let wanted = ctx.query.get("filter[destination]");
    let hooks: Vec<Value> = crm
        .webhooks
        .iter()
        .filter(|h| wanted.is_none_or(|d| d == h.destination))
        .map(|h| view(h, &ctx.base))
        .collect();
    if hooks.is_empty() {
        return Ok(no_content());
    }
    Ok(hal(
        StatusCode::OK,
        &json!({ "_total_items": hooks.len(), "_links": self_link(&ctx.base, "/api/v4/webhooks"),
                 "_embedded": { "webhooks": hooks } }),
    ))
}

/// `POST /api/v4/webhooks`: subscribes a destination (again: replaces its settings and enables it).
pub(super) fn subscribe(crm: &mut Crm, ctx: &Ctx) -> Result<Response<Body>, ApiError> {
    require_admin(crm, ctx)?;
    let item = object(&ctx.body)?;
    let destination = item["destination"].as_str().unwrap_or_default().trim();
    let parsed = Url::parse(destination)
        .ok()
        .filter(|u| matches!(u.scheme(), "http" | "https"));
    if parsed.is_none() {
        return Err(ApiError::BadRequest(
            "destination: a valid http(s) URL is required".to_owned(),
        ));
    }
    let settings: Vec<String> = item["settings"]
        .as_array()
        .map(|a| {
            a.iter()
                .filter_map(|s| s.as_str().map(str::to_owned))
                .collect()
        })
        .unwrap_or_default();
    if settings.is_empty() {
        return Err(ApiError::BadRequest(
            "settings: at least one event is required".to_owned(),
        ));
    }
    if let Some(unknown) = settings.iter().find(|s| !SETTINGS.contains(&s.as_str())) {
        return Err(ApiError::BadRequest(format!(
            "settings: unknown event {unknown:?}"
        )));
    }
    let sort = item["sort"].as_i64().unwrap_or(1);
    let now = crate::model::now_unix();
    let hook = match crm
        .webhooks
        .iter_mut()
        .find(|h| h.destination == destination)
    {
        Some(hook) => {
            hook.settings = settings;
            hook.sort = sort;
            hook.disabled = false;
            hook.failures = 0;
            hook.clone()
        }
        None => {
            if crm.webhooks.len() >= 100 {
                return Err(ApiError::BadRequest(
                    "an account may have at most 100 webhooks".to_owned(),
                ));
            }
            crm.next_webhook_id += 1;
            let hook = Webhook {
                id: crm.next_webhook_id,
                destination: destination.to_owned(),
                settings,
                sort,
                disabled: false,
                failures: 0,
                created_at: now,
                created_by: ctx.user_id,
            };
            crm.webhooks.push(hook.clone());
            hook
        }
    };
    Ok(hal(StatusCode::OK, &view(&hook, &ctx.base)))
}

/// `DELETE /api/v4/webhooks` with `{"destination": …}`: 204; 404 when no hook posts there.
pub(super) fn unsubscribe(crm: &mut Crm, ctx: &Ctx) -> Result<Response<Body>, ApiError> {
    require_admin(crm, ctx)?;
    let item = object(&ctx.body)?;
    let destination = item["destination"].as_str().unwrap_or_default();
    let before = crm.webhooks.len();
    crm.webhooks.retain(|h| h.destination != destination);
    if crm.webhooks.len() == before {
        return Err(ApiError::NotFound);
    }
    Ok(no_content())
}

/// The v2-style fields of a lead, as every lead event carries them (all strings).
fn lead_fields(lead: &Lead) -> Vec<(String, String)> {
    let fields = vec![
        ("id", lead.id.to_string()),
        ("name", lead.name.clone()),
        ("status_id", lead.status_id.to_string()),
        ("pipeline_id", lead.pipeline_id.to_string()),
        ("price", lead.price.to_string()),
        ("responsible_user_id", lead.responsible_user_id.to_string()),
        ("last_modified", lead.updated_at.to_string()),
        ("modified_user_id", lead.updated_by.to_string()),
        ("created_user_id", lead.created_by.to_string()),
        ("date_create", lead.created_at.to_string()),
        ("created_at", lead.created_at.to_string()),
        ("updated_at", lead.updated_at.to_string()),
        ("account_id", seed::ACCOUNT_ID.to_string()),
    ];
    fields.into_iter().map(|(k, v)| (k.to_owned(), v)).collect()
}

impl Crm {
    /// Queues the deliveries of a lead event (`add`, `update`, `status`, `delete`) to the hooks subscribed to it.
    /// `old` is the stage before a status change.
    pub(crate) fn emit_lead(&mut self, action: &str, lead: &Lead, old: Option<(i64, i64)>) {
        let setting = format!("{action}_lead");
        let mut fields = lead_fields(lead);
        if let Some((pipeline, status)) = old {
            fields.push(("old_status_id".to_owned(), status.to_string()));
            fields.push(("old_pipeline_id".to_owned(), pipeline.to_string()));
        }
        let mut body = url::form_urlencoded::Serializer::new(String::new());
        for (key, value) in &fields {
            body.append_pair(&format!("leads[{action}][0][{key}]"), value);
        }
        body.append_pair("account[subdomain]", seed::ACCOUNT_SUBDOMAIN);
        body.append_pair("account[id]", &seed::ACCOUNT_ID.to_string());
        let body = body.finish();
        let destinations: Vec<String> = self
            .webhooks
            .iter()
            .filter(|h| !h.disabled && h.settings.contains(&setting))
            .map(|h| h.destination.clone())
            .collect();
        for destination in destinations {
            self.outbox.push(Outgoing {
                destination,
                body: body.clone(),
            });
        }
    }
}

/// Sends queued deliveries, each on its own task; an answer outside 100–299 (or none within 2 s) counts
/// against the hook.
pub(crate) fn send(shared: &std::sync::Arc<crate::state::Shared>, outbox: Vec<Outgoing>) {
    for delivery in outbox {
        let shared = std::sync::Arc::clone(shared);
        tokio::spawn(async move {
            let ok = matches!(
                tokio::time::timeout(DELIVERY_TIMEOUT, post(&delivery)).await,
                Ok(Ok(status)) if (100..300).contains(&status)
            );
            lock_record(&shared, delivery, ok);
        });
    }
}

/// How many sent deliveries the sandbox remembers (for tests that replay one).
const LOG_KEPT: usize = 1_000;

fn lock_record(shared: &crate::state::Shared, delivery: Outgoing, ok: bool) {
    let mut crm = crate::state::lock(&shared.crm);
    if crm.webhook_log.len() >= LOG_KEPT {
        crm.webhook_log.remove(0);
    }
    let destination = delivery.destination.clone();
    crm.webhook_log.push(delivery);
    if let Some(hook) = crm
        .webhooks
        .iter_mut()
        .find(|h| h.destination == destination)
    {
        if ok {
            hook.failures = 0;
        } else {
            hook.failures += 1;
            if hook.failures >= DISABLE_AFTER {
                hook.disabled = true;
            }
        }
    }
}

/// POSTs one delivery over plain HTTP/1.1 (the sandbox runs on loopback); returns the answer's status.
async fn post(delivery: &Outgoing) -> Result<u16, String> {
    let url = Url::parse(&delivery.destination).map_err(|e| e.to_string())?;
    let host = url.host_str().ok_or("no host")?.to_owned();
    let port = url.port_or_known_default().ok_or("no port")?;
    let stream = tokio::net::TcpStream::connect((host.as_str(), port))
        .await
        .map_err(|e| e.to_string())?;
    let (mut sender, connection) = hyper::client::conn::http1::handshake(TokioIo::new(stream))
        .await
        .map_err(|e| e.to_string())?;
    tokio::spawn(async move {
        let _ = connection.await;
    });
    let mut target = url.path().to_owned();
    if let Some(query) = url.query() {
        target.push('?');
        target.push_str(query);
    }
    let request = Request::post(target)
        .header(http::header::HOST, format!("{host}:{port}"))
        .header(
            http::header::CONTENT_TYPE,
            "application/x-www-form-urlencoded",
        )
        .header(http::header::USER_AGENT, "amoCRM-Webhooks/3.0")
        .body(Full::new(Bytes::from(delivery.body.clone())))
        .map_err(|e| e.to_string())?;
    let response = sender
        .send_request(request)
        .await
        .map_err(|e| e.to_string())?;
    Ok(response.status().as_u16())
}
