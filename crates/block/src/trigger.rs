//! `POST /api/freeCreateLead`: a Usedesk trigger creates a deal for the ticket's client.
//!
//! JSON in and out, in English (a trigger has no agent to translate for). Errors are
//! `{"error": {"code", "message", "path"}}` with a stable snake_case `code`; a failure worth
//! retrying carries `Retry-After`.

use domain::{FieldError, TriggerOutcome};
use http::StatusCode;
use hyper::Request;
use hyper::body::Incoming;
use i18n::{Arg, Lang, Translator};
use serde_json::{Value, json};
use usedesk::{FreeCreateLead, Problem, ProblemCode};

use crate::Error;
use crate::app::App;
use crate::http::{self as web, Response};
use crate::messages;

fn english(id: &str) -> String {
    Translator::global().t(Lang::En, id)
}

fn error_body(code: &str, message: &str, path: Option<&str>) -> Value {
    json!({"error": {"code": code, "message": message, "path": path}})
}

fn answer(status: StatusCode, body: &Value, retry_after: Option<u64>) -> Response {
    web::with_retry_after(web::json(status, body.to_string()), retry_after)
}

pub(crate) async fn free_create_lead(app: &App, request: Request<Incoming>) -> Response {
    let (parts, body) = request.into_parts();
    let key = parts
        .headers
        .get("idempotency-key")
        .and_then(|v| v.to_str().ok())
        .map(str::to_owned);
    let limit = app.config().max_body_bytes.min(usedesk::MAX_BODY_BYTES);
    let body = match web::read_body(body, &parts.headers, limit).await {
        Ok(body) => body,
        Err(e @ Error::TooLarge { .. }) => {
            let body = error_body(
                "payload_too_large",
                &english("api-error-payload-too-large"),
                Some("body"),
            );
            return answer(e.status(), &body, None);
        }
        Err(e) => {
            let body = error_body("bad_request", &e.to_string(), Some("body"));
            return answer(StatusCode::BAD_REQUEST, &body, None);
        }
    };
    let payload = match FreeCreateLead::parse(&body) {
        Ok(payload) => payload,
        Err(problems) => return problems_answer(&problems),
    };
    match app
        .domain()
        .free_create_lead(&payload, key.as_deref())
        .await
    {
        Ok(outcome) => {
            tracing::info!(
                lead = outcome.lead_id,
                contact = outcome.contact_id,
                replayed = outcome.replayed,
                "trigger created a deal"
            );
            answer(StatusCode::OK, &success(&outcome), None)
        }
        Err(e) => failure_answer(app, &payload, e),
    }
}

fn success(outcome: &TriggerOutcome) -> Value {
    json!({
        "ok": true,
        "lead_id": outcome.lead_id,
        "lead_url": outcome.lead_url,
        "contact_id": outcome.contact_id,
        "contact_url": outcome.contact_url,
        "contact_created": outcome.contact_created,
        "replayed": outcome.replayed,
    })
}

fn problems_answer(problems: &[Problem]) -> Response {
    let too_large = problems.iter().any(|p| p.code == ProblemCode::TooLarge);
    let (status, code) = if too_large {
        (StatusCode::PAYLOAD_TOO_LARGE, "payload_too_large")
    } else {
        (StatusCode::BAD_REQUEST, "invalid_payload")
    };
    let first = problems.first();
    let message = first.map_or_else(|| english("api-error-bad-json"), |p| p.message.clone());
    let mut body = error_body(code, &message, first.map(|p| p.path.as_str()));
    body["error"]["problems"] = problems
        .iter()
        .map(|p| json!({"path": p.path, "code": p.code.as_str(), "message": p.message}))
        .collect();
    answer(status, &body, None)
}

/// Where in the payload a refused field is: the domain's field key mapped back to the trigger's JSON.
fn field_path(payload: &FreeCreateLead, error: &FieldError) -> String {
    match error.field.as_str() {
        "name" => "fields.name".into(),
        "price" => "fields.price".into(),
        "stage" => "fields.status_id".into(),
        "responsible" => "fields.responsible_user_id".into(),
        key => {
            let index = key
                .strip_prefix("cf:")
                .and_then(|id| id.parse::<i64>().ok())
                .and_then(|id| {
                    payload
                        .fields
                        .custom_fields_values
                        .iter()
                        .position(|f| f.field_id == id)
                });
            match index {
                Some(i) => format!("fields.custom_fields_values[{i}]"),
                None => "fields.custom_fields_values".into(),
            }
        }
    }
}

fn failure_answer(app: &App, payload: &FreeCreateLead, error: domain::Error) -> Response {
    use domain::Error as D;
    let retry_after = Error::Domain(error.clone()).retry_after();
    let (status, code, message, path): (StatusCode, &str, String, Option<&str>) = match &error {
        D::NotConnected => (
            StatusCode::NOT_FOUND,
            "unknown_client",
            english("api-error-unknown-client"),
            Some("amoClientId"),
        ),
        D::NeedsLogin => (
            StatusCode::UNAUTHORIZED,
            "needs_login",
            english("api-error-needs-login"),
            Some("amoClientId"),
        ),
        D::NotFound(_) => (
            StatusCode::NOT_FOUND,
            "not_found",
            Translator::global().t_args(
                Lang::En,
                "api-error-ticket-not-found",
                &[("ticket", Arg::from(payload.ticket_id))],
            ),
            Some("ticketId"),
        ),
        D::Conflict => (
            StatusCode::CONFLICT,
            "conflict",
            english("api-error-conflict"),
            None,
        ),
        D::InProgress => (
            StatusCode::CONFLICT,
            "in_progress",
            "The same request is being processed right now. Retry it in a few seconds.".into(),
            None,
        ),
        D::Validation(errors) => {
            let problems: Vec<Value> = errors
                .iter()
                .map(|e| {
                    json!({
                        "path": field_path(payload, e),
                        "code": "invalid",
                        "message": messages::field_error(Lang::En, e),
                    })
                })
                .collect();
            let first = errors.first().map(|e| field_path(payload, e));
            let mut body = error_body(
                "validation",
                &format!(
                    "{} {}",
                    english("api-error-validation"),
                    messages::field_errors(Lang::En, errors)
                ),
                first.as_deref(),
            );
            body["error"]["problems"] = problems.into();
            return answer(StatusCode::UNPROCESSABLE_ENTITY, &body, None);
        }
        D::Rejected(reason) => (
            StatusCode::UNPROCESSABLE_ENTITY,
            "rejected",
            format!("amoCRM refused the deal: {reason}"),
            None,
        ),
        D::PaymentRequired => (
            StatusCode::PAYMENT_REQUIRED,
            "payment_required",
            "The amoCRM subscription has ended.".into(),
            None,
        ),
        D::Forbidden(_) => (
            StatusCode::FORBIDDEN,
            "forbidden",
            "The amoCRM user of this connection may not do this.".into(),
            None,
        ),
        D::Busy { .. } | D::Queued { .. } | D::Blocked { .. } | D::Unavailable(_) | D::Timeout => (
            StatusCode::SERVICE_UNAVAILABLE,
            "upstream_unavailable",
            english("api-error-upstream-unavailable"),
            None,
        ),
        D::Usedesk {
            retryable: true, ..
        } => (
            StatusCode::SERVICE_UNAVAILABLE,
            "upstream_unavailable",
            "Usedesk is unavailable right now. Retry the request later.".into(),
            None,
        ),
        D::Usedesk { .. } => (
            StatusCode::BAD_GATEWAY,
            "usedesk_error",
            "Usedesk refused the request: check the usedesk_api_token of the block (open the block in a ticket once after changing it).".into(),
            None,
        ),
        _ => {
            let reference = app.log_failure(&Error::Domain(error.clone()));
            let body = json!({"error": {
                "code": "internal",
                "message": format!("Something went wrong on our side (reference {reference})."),
                "path": null,
                "reference": reference,
            }});
            return answer(StatusCode::INTERNAL_SERVER_ERROR, &body, None);
        }
    };
    tracing::info!(error = %error, code, "trigger refused");
    answer(status, &error_body(code, &message, path), retry_after)
}
