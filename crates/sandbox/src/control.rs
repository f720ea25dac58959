//! `/__sandbox/…` on the amoCRM listener: the Rust controls over HTTP, for servers and benchmarks
//! that run the sandbox in another process.

use std::time::Duration;

use http::{Method, Response, StatusCode};
use serde::{Deserialize, Serialize};
use serde_json::json;

use crate::faults::Faults;
use crate::http::{Body, json, no_content};
use crate::state::Shared;

/// The body of `POST /__sandbox/latency` and the answer of `GET /__sandbox/latency`.
#[derive(Debug, Serialize, Deserialize)]
struct Latency {
    millis: u64,
}

/// The body of `POST /__sandbox/move-lead`: a stage change made "in amoCRM" by a user.
#[derive(Debug, Deserialize)]
struct MoveLead {
    lead_id: i64,
    status_id: i64,
    #[serde(default)]
    pipeline_id: Option<i64>,
    #[serde(default = "default_mover")]
    user_id: i64,
}

fn default_mover() -> i64 {
    crate::seed::USER_ALBUS
}

/// Answers one control request. The controls answer any origin (and its CORS preflight), so a demo page
/// served by another loopback port — the preview's fault selector — can use them.
pub(crate) fn handle(shared: &Shared, method: &Method, path: &str, body: &[u8]) -> Response<Body> {
    let mut response = if method == Method::OPTIONS {
        let mut preflight = no_content();
        let headers = preflight.headers_mut();
        headers.insert(
            "access-control-allow-methods",
            http::HeaderValue::from_static("GET, POST"),
        );
        headers.insert(
            "access-control-allow-headers",
            http::HeaderValue::from_static("content-type"),
        );
        preflight
    } else {
        answer(shared, method, path, body)
    };
    response.headers_mut().insert(
        "access-control-allow-origin",
        http::HeaderValue::from_static("*"),
    );
    response
}

/// What a control request does: one `match` over the controls, each arm a line or a few, which reads best as
/// one table of the sandbox's controls (why it is long).
fn answer(shared: &Shared, method: &Method, path: &str, body: &[u8]) -> Response<Body> {
    let route = path.trim_start_matches("/__sandbox/").trim_end_matches('/');
    if let (&Method::GET, Some(ticket)) = (method, route.strip_prefix("usedesk-comments/")) {
        return match ticket.parse::<i64>() {
            Ok(ticket) => {
                let comments: Vec<_> = shared
                    .usedesk_comments()
                    .into_iter()
                    .filter(|c| c.ticket_id == ticket)
                    .collect();
                json(
                    StatusCode::OK,
                    &serde_json::to_value(comments).unwrap_or_default(),
                )
            }
            Err(_) => bad_request("expected /__sandbox/usedesk-comments/{ticket_id}"),
        };
    }
    match (method.clone(), route) {
        (Method::GET, "stats") => json(
            StatusCode::OK,
            &serde_json::to_value(shared.stats()).unwrap_or_default(),
        ),
        (Method::POST, "reset-stats") => {
            shared.reset_stats();
            no_content()
        }
        (Method::GET, "faults") => json(
            StatusCode::OK,
            &serde_json::to_value(shared.faults()).unwrap_or_default(),
        ),
        (Method::POST, "faults") => match serde_json::from_slice::<Faults>(body) {
            Ok(faults) => {
                shared.set_faults(faults);
                json(
                    StatusCode::OK,
                    &serde_json::to_value(shared.faults()).unwrap_or_default(),
                )
            }
            Err(e) => bad_request(&format!("expected a Faults object: {e}")),
        },
        (Method::GET, "latency") => {
            let millis = u64::try_from(shared.latency().as_millis()).unwrap_or(u64::MAX);
            json(StatusCode::OK, &json!({ "millis": millis }))
        }
        (Method::POST, "latency") => match serde_json::from_slice::<Latency>(body) {
            Ok(latency) => {
                shared.set_latency(Duration::from_millis(latency.millis));
                no_content()
            }
            Err(e) => bad_request(&format!("expected {{\"millis\": N}}: {e}")),
        },
        (Method::POST, "long-lived-token") => json(
            StatusCode::OK,
            &json!({ "access_token": shared.issue_long_lived_token() }),
        ),
        (Method::POST, "revoke-tokens") => {
            shared.revoke_all_tokens();
            no_content()
        }
        (Method::POST, "expire-tokens") => {
            shared.expire_access_tokens();
            no_content()
        }
        (Method::POST, "move-lead") => match serde_json::from_slice::<MoveLead>(body) {
            Ok(m) => match crate::amocrm::move_lead(shared, m.lead_id, m.status_id, m.pipeline_id, m.user_id) {
                Ok(()) => no_content(),
                Err(why) => bad_request(&why),
            },
            Err(e) => bad_request(&format!(
                "expected {{\"lead_id\", \"status_id\", \"pipeline_id\"?, \"user_id\"?}}: {e}"
            )),
        },
        (Method::GET, "webhooks") => json(
            StatusCode::OK,
            &json!(crate::amocrm::webhooks(shared)
                .into_iter()
                .map(|(destination, disabled)| json!({"destination": destination, "disabled": disabled}))
                .collect::<Vec<_>>()),
        ),
        (Method::GET, "usedesk-comments") => json(
            StatusCode::OK,
            &serde_json::to_value(shared.usedesk_comments()).unwrap_or_default(),
        ),
        _ => json(
            StatusCode::NOT_FOUND,
            &json!({ "error": format!("no sandbox control {method} {path}") }),
        ),
    }
}

fn bad_request(message: &str) -> Response<Body> {
    json(StatusCode::BAD_REQUEST, &json!({ "error": message }))
}
