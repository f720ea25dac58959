//! The one error type of this crate and the amoCRM problem document it carries.

use std::fmt;
use std::time::{Duration, SystemTime};

use serde::{Deserialize, Serialize};

use crate::limiter::PauseReason;
use crate::serde_util::{lenient_string, lenient_u16, null_default};

/// Everything that can go wrong when talking to amoCRM / Kommo.
///
/// The variants follow the failure policy of the service: each HTTP status class amoCRM uses has
/// its own variant, so callers can decide between "ask the user to log in again", "show stale
/// data", and "show the validation message" without parsing strings.
///
/// Problem documents are boxed to keep `Result<_, Error>` small on the happy path.
#[derive(Debug, Clone, thiserror::Error)]
#[non_exhaustive]
pub enum Error {
    /// The account host was refused by the [`HostPolicy`](crate::HostPolicy) (the SSRF guard).
    #[error("invalid amoCRM account host {input:?}: {reason}")]
    InvalidHost {
        /// The text that was given as a host.
        input: String,
        /// Why it was refused.
        reason: String,
    },

    /// The caller asked for something amoCRM would refuse anyway (too many ids, a limit out of
    /// range); nothing was sent.
    #[error("invalid argument: {0}")]
    InvalidArgument(String),

    /// amoCRM answered 401 and the token could not be renewed (expired long-lived token, the
    /// integration was disabled, or the refreshed token was refused too).
    #[error("amoCRM refused the access token (401){}", problem_suffix(.problem))]
    Unauthorized {
        /// The problem document of the 401 answer, when it had one.
        problem: Option<Box<Problem>>,
    },

    /// The refresh token was revoked or already consumed: the user must authorize again.
    #[error("the amoCRM refresh token has been revoked; the account must be authorized again")]
    TokenRevoked,

    /// amoCRM answered 402: the account's subscription or trial has ended.
    #[error("the amoCRM subscription of this account has ended (402)")]
    PaymentRequired,

    /// amoCRM answered 403: a block of the account or integration, missing rights, or a scope
    /// error.
    #[error("amoCRM forbade the request (403){}", problem_suffix(.problem))]
    Forbidden {
        /// The problem document of the 403 answer, when it was JSON.
        problem: Option<Box<Problem>>,
    },

    /// amoCRM answered 404.
    #[error("not found in amoCRM (404)")]
    NotFound,

    /// amoCRM refused the request content (400 or 422), usually with per-item validation errors.
    #[error("amoCRM rejected the request ({status}): {problem}")]
    Validation {
        /// The HTTP status, 400 or 422.
        status: u16,
        /// The problem document, with `validation-errors` when amoCRM sent them.
        problem: Box<Problem>,
    },

    /// amoCRM answered 429. The account has been paused for `retry_after`, or, when the body was
    /// HTML and carried no delay, for the next step of the back-off
    /// ([`BackoffSteps`](crate::BackoffSteps)).
    #[error("amoCRM rate limit hit (429){}", retry_suffix(.retry_after))]
    TooManyRequests {
        /// The delay amoCRM asked for; `None` when the answer was not JSON.
        retry_after: Option<Duration>,
    },

    /// Requests to this account are paused after a 429 or a 403 block; nothing was sent.
    #[error("requests to this amoCRM account are paused ({reason}) for {}", remaining(.until))]
    Paused {
        /// When requests may be sent again.
        until: SystemTime,
        /// Why the account was paused.
        reason: PauseReason,
    },

    /// Our own rate limiter has queued so many requests for this account that this one's slot
    /// lies beyond the caller's deadline
    /// ([`ClientBuilder::max_limiter_wait`](crate::ClientBuilder::max_limiter_wait)); nothing was
    /// sent. amoCRM itself has not pushed back.
    #[error("too many requests to this amoCRM account are queued; the next slot is {} ms away", .wait.as_millis())]
    Throttled {
        /// How long the request would have had to wait.
        wait: Duration,
    },

    /// amoCRM answered with a 5xx status.
    #[error("amoCRM server error {status}{}", trace_suffix(.trace_id))]
    Server {
        /// The HTTP status.
        status: u16,
        /// The `trace_id` amoCRM puts in 5xx bodies, for its support.
        trace_id: Option<String>,
    },

    /// amoCRM answered with a status this client has no meaning for (405, 409, 413, …).
    #[error("amoCRM answered with unexpected status {status}{}", problem_suffix(.problem))]
    UnexpectedStatus {
        /// The HTTP status.
        status: u16,
        /// The problem document, when the body was one.
        problem: Option<Box<Problem>>,
    },

    /// The request did not complete within the configured timeout.
    #[error("the request to amoCRM timed out")]
    Timeout,

    /// The request could not be sent or its answer could not be read (DNS, TLS, connection
    /// reset, …).
    #[error("could not reach amoCRM: {0}")]
    Transport(String),

    /// The answer was not what this endpoint returns (malformed JSON, a missing field, a next-page
    /// link to another host, endless pagination).
    #[error("could not understand the answer of {endpoint}: {message}")]
    Decode {
        /// The endpoint, such as `GET /api/v4/contacts`.
        endpoint: &'static str,
        /// What was wrong.
        message: String,
    },

    /// A webhook delivery or the disconnect hook could not be read (too large, or a required parameter
    /// missing). Nothing in it was acted on.
    #[error("unreadable webhook: {0}")]
    InvalidWebhook(String),

    /// The token persister failed, so the freshly rotated token was not used.
    #[error("could not store the refreshed amoCRM token: {0}")]
    Persist(String),

    /// A create or update split into several requests failed after some of them had already been
    /// applied. Repeating the whole call would duplicate the applied part.
    #[error("only part of the write was applied ({} entities) before: {source}", created_ids.len())]
    PartialWrite {
        /// The ids of the entities that were written before the failure, in input order.
        created_ids: Vec<i64>,
        /// The error of the request that failed.
        source: Box<Error>,
    },
}

impl Error {
    /// Whether repeating the same read soon may succeed: timeouts, transport failures and 5xx
    /// answers.
    ///
    /// The client itself never retries; writes must not be repeated blindly even when this is
    /// true (send them with a `request_id` and check first). Rate-limit errors
    /// ([`Error::TooManyRequests`], [`Error::Paused`]) are not retryable: the account is paused
    /// and an immediate retry would fail fast anyway.
    pub fn is_retryable(&self) -> bool {
        matches!(
            self,
            Error::Timeout | Error::Transport(_) | Error::Server { .. }
        )
    }

    /// Whether the user has to authorize the integration again (revoked or refused token).
    pub fn needs_reauthorization(&self) -> bool {
        matches!(self, Error::TokenRevoked | Error::Unauthorized { .. })
    }

    /// The amoCRM problem document carried by this error, if any.
    pub fn problem(&self) -> Option<&Problem> {
        match self {
            Error::Unauthorized { problem }
            | Error::Forbidden { problem }
            | Error::UnexpectedStatus { problem, .. } => problem.as_deref(),
            Error::Validation { problem, .. } => Some(problem),
            Error::PartialWrite { source, .. } => source.problem(),
            _ => None,
        }
    }
}

/// An amoCRM error body (`application/problem+json`).
///
/// Every field is optional because amoCRM fills them unevenly: OAuth errors carry `hint`, 5xx
/// answers carry `trace_id`, validation errors carry `validation-errors`.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Problem {
    /// Short summary, such as `Bad Request`.
    #[serde(default, deserialize_with = "lenient_string")]
    pub title: Option<String>,
    /// A URI naming the problem type.
    #[serde(default, rename = "type", deserialize_with = "lenient_string")]
    pub type_: Option<String>,
    /// The HTTP status repeated in the body.
    #[serde(default, deserialize_with = "lenient_u16")]
    pub status: Option<u16>,
    /// Human-readable explanation.
    #[serde(default, deserialize_with = "lenient_string")]
    pub detail: Option<String>,
    /// Per-item validation errors of a batch request.
    #[serde(
        default,
        rename = "validation-errors",
        alias = "validation_errors",
        deserialize_with = "null_default"
    )]
    pub validation_errors: Vec<ValidationError>,
    /// OAuth hint, such as `Token has been revoked`.
    #[serde(default, deserialize_with = "lenient_string")]
    pub hint: Option<String>,
    /// Trace id for amoCRM support.
    #[serde(default, deserialize_with = "lenient_string")]
    pub trace_id: Option<String>,
}

impl Problem {
    /// Whether the problem says that a token was revoked (amoCRM's answer to a reused or expired
    /// refresh token).
    pub fn mentions_revoked(&self) -> bool {
        [&self.hint, &self.title, &self.detail]
            .into_iter()
            .flatten()
            .any(|text| text.to_ascii_lowercase().contains("revoked"))
    }
}

impl fmt::Display for Problem {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let mut parts = [&self.title, &self.detail, &self.hint]
            .into_iter()
            .flatten()
            .map(String::as_str);
        match parts.next() {
            Some(first) => {
                f.write_str(first)?;
                for part in parts {
                    write!(f, ": {part}")?;
                }
            }
            None => f.write_str("no details")?,
        }
        for item in &self.validation_errors {
            for detail in &item.errors {
                write!(f, "; {} at {}", detail.code, detail.path)?;
            }
        }
        Ok(())
    }
}

/// The validation errors of one item of a batch request.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct ValidationError {
    /// The `request_id` of the item (amoCRM uses the item's index when none was sent).
    #[serde(default, deserialize_with = "lenient_string")]
    pub request_id: Option<String>,
    /// What was wrong with the item.
    #[serde(default, deserialize_with = "null_default")]
    pub errors: Vec<ValidationDetail>,
}

/// One validation error, such as `NotSupportedChoice` at `custom_fields_values.0.field_id`.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct ValidationDetail {
    /// Machine-readable code.
    #[serde(default, deserialize_with = "null_default")]
    pub code: String,
    /// Dotted path of the offending field.
    #[serde(default, deserialize_with = "null_default")]
    pub path: String,
    /// Human-readable explanation.
    #[serde(default, deserialize_with = "null_default")]
    pub detail: String,
}

fn problem_suffix(problem: &Option<Box<Problem>>) -> String {
    problem
        .as_ref()
        .map(|p| format!(": {p}"))
        .unwrap_or_default()
}

fn retry_suffix(retry_after: &Option<Duration>) -> String {
    retry_after
        .map(|d| format!(", retry after {} s", d.as_secs()))
        .unwrap_or_default()
}

fn trace_suffix(trace_id: &Option<String>) -> String {
    trace_id
        .as_ref()
        .map(|t| format!(" (trace_id {t})"))
        .unwrap_or_default()
}

fn remaining(until: &SystemTime) -> String {
    let secs = until
        .duration_since(SystemTime::now())
        .unwrap_or_default()
        .as_secs();
    format!("{secs} more s")
}
