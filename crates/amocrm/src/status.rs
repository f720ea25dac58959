//! Turning amoCRM's non-success answers into [`Error`]s.

use std::error::Error as _;
use std::time::Duration;

use reqwest::header::HeaderMap;
use serde_json::Value;

use crate::{Error, Problem};

/// The error for a non-2xx answer. Side effects (pausing the account) are the caller's.
pub(crate) fn error_for_status(status: u16, headers: &HeaderMap, body: &[u8]) -> Error {
    let problem = parse_problem(body);
    match status {
        400 | 422 => Error::Validation {
            status,
            problem: problem.unwrap_or_else(|| {
                Box::new(Problem {
                    status: Some(status),
                    detail: text_excerpt(body),
                    ..Problem::default()
                })
            }),
        },
        401 => Error::Unauthorized { problem },
        402 => Error::PaymentRequired,
        403 => Error::Forbidden { problem },
        404 => Error::NotFound,
        429 => Error::TooManyRequests {
            retry_after: retry_after(headers, body),
        },
        500..=599 => Error::Server {
            status,
            trace_id: problem.and_then(|p| p.trace_id),
        },
        _ => Error::UnexpectedStatus { status, problem },
    }
}

/// The problem document in `body`, when the body is a JSON object.
pub(crate) fn parse_problem(body: &[u8]) -> Option<Box<Problem>> {
    match serde_json::from_slice::<Value>(body) {
        Ok(value @ Value::Object(_)) => serde_json::from_value(value).ok().map(Box::new),
        _ => None,
    }
}

/// The delay a 429 asks for: `retry_after` in a JSON body (seconds), else a numeric
/// `Retry-After` header; `None` for the HTML answers amoCRM also sends.
pub(crate) fn retry_after(headers: &HeaderMap, body: &[u8]) -> Option<Duration> {
    let from_body = serde_json::from_slice::<Value>(body)
        .ok()
        .and_then(|value| match value.get("retry_after")? {
            Value::Number(n) => n.as_f64(),
            Value::String(s) => s.trim().parse().ok(),
            _ => None,
        });
    let from_header = || {
        headers
            .get(reqwest::header::RETRY_AFTER)?
            .to_str()
            .ok()?
            .trim()
            .parse::<f64>()
            .ok()
    };
    from_body
        .or_else(from_header)
        .filter(|secs| secs.is_finite() && *secs >= 0.0)
        .map(Duration::from_secs_f64)
}

/// A transport failure, with the chain of causes (reqwest's own message is often just "error
/// sending request").
pub(crate) fn transport_error(error: reqwest::Error) -> Error {
    if error.is_timeout() {
        return Error::Timeout;
    }
    let mut message = error.to_string();
    let mut source = error.source();
    while let Some(cause) = source {
        message.push_str(": ");
        message.push_str(&cause.to_string());
        source = cause.source();
    }
    Error::Transport(message)
}

/// A short, single-line excerpt of a non-JSON body, so an HTML error page does not flood logs.
fn text_excerpt(body: &[u8]) -> Option<String> {
    let text = String::from_utf8_lossy(body);
    let text = text.split_whitespace().collect::<Vec<_>>().join(" ");
    if text.is_empty() {
        return None;
    }
    Some(text.chars().take(200).collect())
}
