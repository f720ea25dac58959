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
    let mut answer = json!({
        "ok": true,
        "lead_id": outcome.lead_id,
        "lead_url": outcome.lead_url,
        "contact_id": outcome.contact_id,
        "contact_url": outcome.contact_url,
        "contact_created": outcome.contact_created,
        "replayed": outcome.replayed,
    });
    // Only when the trigger asked for it (`log_ticket`): whether the ticket was logged to the deal, and why not.
    if let Some(logged) = outcome.ticket_logged {
        answer["ticket_logged"] = logged.into();
        if let Some(problem) = &outcome.ticket_log_problem {
            answer["ticket_log_problem"] = problem.as_str().into();
        }
    }
    answer
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
    use domain::FieldKey as K;
    match error.field {
        K::Name => "fields.name".into(),
        K::Price => "fields.price".into(),
        K::Stage => "fields.status_id".into(),
        K::Responsible => "fields.responsible_user_id".into(),
        K::Custom(id) => {
            let index = payload
                .fields
                .custom_fields_values
                .iter()
                .position(|f| f.field_id == id);
            match index {
                Some(i) => format!("fields.custom_fields_values[{i}]"),
                None => "fields.custom_fields_values".into(),
            }
        }
        other => format!("fields.{other}"),
    }
}

/// The trigger API's answer to a failure: the service's one classification (`Error::classify`) for status,
/// code and `Retry-After`, in English (a trigger has no agent to translate for), with the cases where this API's
/// contract differs named here: an unknown Integration ID is `404 unknown_client`; every kind of upstream trouble
/// (amoCRM busy, queued, blocked, down or slow; Usedesk down) is one `503 upstream_unavailable`, since a trigger
/// can only retry; a refused field points at its place in the payload. Long on purpose: one arm per failure,
/// the whole contract in one table.
fn failure_answer(app: &App, payload: &FreeCreateLead, error: domain::Error) -> Response {
    use domain::Error as D;
    let wrapped = Error::Domain(error.clone());
    let classified = wrapped.classify();
    let t1 = |id: &str, name: &str, value: Arg| {
        Translator::global().t_args(Lang::En, id, &[(name, value)])
    };
    let (status, code, message, path): (StatusCode, &str, String, Option<&str>) = match &error {
        D::TriggerSecretRequired | D::TriggerSecretInvalid => {
            return secret_refused(payload, &error);
        }
        D::Validation(errors) => return validation_answer(payload, errors),
        D::NotConnected => (
            StatusCode::NOT_FOUND,
            "unknown_client",
            english("api-error-unknown-client"),
            Some("amoClientId"),
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
            english("api-error-usedesk-unavailable"),
            None,
        ),
        D::NeedsLogin => (
            classified.status,
            classified.code,
            english("api-error-needs-login"),
            Some("amoClientId"),
        ),
        D::NotFound(_) => (
            classified.status,
            classified.code,
            t1(
                "api-error-ticket-not-found",
                "ticket",
                Arg::from(payload.ticket_id),
            ),
            Some("ticketId"),
        ),
        D::Conflict => (
            classified.status,
            classified.code,
            english("api-error-conflict"),
            None,
        ),
        D::InProgress => (
            classified.status,
            classified.code,
            english("api-error-in-progress"),
            None,
        ),
        D::Rejected(reason) => (
            classified.status,
            classified.code,
            t1("api-error-rejected", "reason", Arg::from(reason.as_str())),
            None,
        ),
        D::PaymentRequired => (
            classified.status,
            classified.code,
            english("api-error-payment-required"),
            None,
        ),
        D::Forbidden(_) => (
            classified.status,
            classified.code,
            english("api-error-forbidden"),
            None,
        ),
        D::Usedesk { .. } => (
            classified.status,
            classified.code,
            english("api-error-usedesk-refused"),
            None,
        ),
        _ => {
            let reference = app.log_failure(&wrapped, &classified);
            let message = t1("api-error-internal", "ref", Arg::from(reference.as_str()));
            let mut body = error_body("internal", &message, None);
            body["error"]["reference"] = Value::from(reference);
            return answer(StatusCode::INTERNAL_SERVER_ERROR, &body, None);
        }
    };
    tracing::info!(error = %domain::Report(&error), code, "trigger refused");
    answer(
        status,
        &error_body(code, &message, path),
        classified.retry_after,
    )
}

/// A draft amoCRM would refuse: every problem with its place in the payload.
fn validation_answer(payload: &FreeCreateLead, errors: &[FieldError]) -> Response {
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
    answer(StatusCode::UNPROCESSABLE_ENTITY, &body, None)
}
