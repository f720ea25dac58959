//! `POST /api/freeCreateLead`: a Usedesk trigger creates a deal for the ticket's client.
//!
//! JSON in and out, in English (a trigger has no agent to translate for). Errors are
//! `{"error": {"code", "message", "path"}}` with a stable snake_case `code`; a failure worth
//! retrying carries `Retry-After`.
//!
//! Besides the Integration ID in the body, a trigger presents its connection's trigger secret (created in the
//! block's gear): in the `X-Trigger-Secret` header, as `Authorization: Bearer …`, in the query parameter `secret`,
//! or — should Usedesk post its action's whole `{"url", "data", "headers"}` envelope as the body — in that
//! envelope's `headers`. The domain checks it before anything else; without a valid one the answer is 401 and
//! nothing is read from Usedesk or amoCRM, nor stored.

use domain::{FieldError, TriggerOutcome};
use http::StatusCode;
use http::header::{self, HeaderMap, HeaderValue};
use hyper::Request;
use hyper::body::Incoming;
use i18n::{Arg, Lang, Translator};
use secrecy::SecretString;
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
    let secret = presented_secret(&parts.headers, parts.uri.query(), &body);
    match app
        .domain()
        .free_create_lead(&payload, secret.as_ref(), key.as_deref())
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

/// The header a trigger puts its secret in.
pub(crate) const SECRET_HEADER: &str = "x-trigger-secret";

/// The query parameter a trigger may put its secret in instead.
pub(crate) const SECRET_PARAMETER: &str = "secret";

/// The trigger secret the request presents, wherever it is: the `X-Trigger-Secret` header, then
/// `Authorization: Bearer`, then the query's `secret`, then the envelope's `headers` in the body. Blank values
/// count as absent. The value is wrapped at once, so it can reach no log.
fn presented_secret(headers: &HeaderMap, query: Option<&str>, body: &[u8]) -> Option<SecretString> {
    let filled = |value: &str| {
        Some(value.trim())
            .filter(|v| !v.is_empty())
            .map(str::to_owned)
    };
    let bearer = |value: &str| {
        let (scheme, token) = value.trim().split_once(' ')?;
        scheme
            .eq_ignore_ascii_case("bearer")
            .then(|| filled(token))?
    };
    let from_header = headers
        .get(SECRET_HEADER)
        .and_then(|v| v.to_str().ok())
        .and_then(filled);
    let from_bearer = || {
        headers
            .get(header::AUTHORIZATION)
            .and_then(|v| v.to_str().ok())
            .and_then(bearer)
    };
    let from_query = || {
        web::Fields::urlencoded(query.unwrap_or("").as_bytes())
            .get(SECRET_PARAMETER)
            .and_then(filled)
    };
    let from_envelope = || {
        FreeCreateLead::envelope_header(body, SECRET_HEADER)
            .and_then(|v| filled(&v))
            .or_else(|| {
                FreeCreateLead::envelope_header(body, "authorization").and_then(|v| bearer(&v))
            })
    };
    from_header
        .or_else(from_bearer)
        .or_else(from_query)
        .or_else(from_envelope)
        .map(SecretString::from)
}

/// The 401 of a trigger without a valid secret: the same for a wrong secret and an unknown Integration ID.
fn secret_refused(payload: &FreeCreateLead, error: &domain::Error) -> Response {
    let (code, message) = match error {
        domain::Error::TriggerSecretRequired => (
            "trigger_secret_required",
            english("api-error-trigger-secret-required"),
        ),
        _ => (
            "trigger_secret_invalid",
            english("api-error-trigger-secret-invalid"),
        ),
    };
    // The Integration ID only (a validated UUID, so nothing to escape); never the presented secret.
    tracing::warn!(
        connection = ?payload.amo_client_id,
        code,
        "trigger refused: no valid trigger secret"
    );
    let mut response = answer(
        StatusCode::UNAUTHORIZED,
        &error_body(code, &message, None),
        None,
    );
    response.headers_mut().insert(
        header::WWW_AUTHENTICATE,
        HeaderValue::from_static("Bearer realm=\"freeCreateLead\""),
    );
    response
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
        D::TriggerSecretRequired | D::TriggerSecretInvalid => {
            return secret_refused(payload, &error);
        }
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
