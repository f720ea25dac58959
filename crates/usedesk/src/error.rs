//! The errors of this crate: [`Error`] for calls to the Usedesk API, and
//! [`ParseError`] for a dynamic-block request that cannot be read.

/// How much of an upstream body an error keeps, so logs stay readable while
/// still showing what Usedesk said.
pub(crate) const MAX_KEPT_BODY: usize = 2048;

/// How much of the kept body an error's one-line message shows.
const MAX_SHOWN_BODY: usize = 200;

/// A failed call to the Usedesk API.
///
/// Bodies kept in variants are Usedesk's own answer, cut to 2 KiB, with the
/// API token blanked out should Usedesk ever echo it back.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum Error {
    /// Usedesk answered with an HTTP status that is neither success nor one of
    /// the statuses with their own variant.
    #[error("Usedesk answered HTTP {status}: {}", shown(body))]
    Http {
        /// The HTTP status code.
        status: u16,
        /// Usedesk's body, cut to 2 KiB.
        body: String,
    },
    /// Usedesk answered, but its body reports a failure: `{"error": "…"}`, or a
    /// `status` that is not success.
    #[error("Usedesk reported an error: {message}")]
    Api {
        /// Usedesk's message, or a description of the unexpected status.
        message: String,
        /// Usedesk's body, cut to 2 KiB.
        body: String,
    },
    /// Usedesk refused the API token: HTTP 401 or 403, or an error body about
    /// the token. The block's `usedesk_api_token` must be corrected.
    #[error("Usedesk refused the API token: {}", shown(body))]
    Unauthorized {
        /// Usedesk's body, cut to 2 KiB.
        body: String,
    },
    /// The ticket, client or other object asked for does not exist.
    #[error("Usedesk has no such object: {}", shown(body))]
    NotFound {
        /// Usedesk's body, cut to 2 KiB.
        body: String,
    },
    /// Usedesk did not answer within the client's timeout.
    #[error("Usedesk did not answer in time")]
    Timeout,
    /// The request never got an HTTP answer: DNS, connection or TLS failure.
    #[error("could not reach Usedesk: {0}")]
    Transport(String),
    /// Usedesk answered success, but the body is not what the method returns.
    #[error("could not read Usedesk's answer to {method}: {message}")]
    Decode {
        /// The API method, such as `ticket` or `create/comment`.
        method: String,
        /// What was wrong with the body.
        message: String,
    },
    /// The configured base URL cannot carry API method paths.
    #[error("the Usedesk base URL {url} cannot be used: {message}")]
    BaseUrl {
        /// The base URL as configured.
        url: String,
        /// Why it cannot be used.
        message: String,
    },
}

impl Error {
    /// True when the same call may succeed if tried again later: timeouts,
    /// transport failures, HTTP 5xx and HTTP 429.
    ///
    /// Whether a write should be retried at all is the caller's decision.
    pub fn is_retryable(&self) -> bool {
        match self {
            Error::Timeout | Error::Transport(_) => true,
            Error::Http { status, .. } => *status >= 500 || *status == 429,
            _ => false,
        }
    }
}

/// The start of a kept body, for one-line messages.
fn shown(body: &str) -> String {
    if body.is_empty() {
        return "(empty body)".to_owned();
    }
    truncate(body, MAX_SHOWN_BODY)
}

/// Cuts text to at most `max` bytes on a character boundary, marking the cut.
pub(crate) fn truncate(text: &str, max: usize) -> String {
    if text.len() <= max {
        return text.to_owned();
    }
    let mut end = max;
    while !text.is_char_boundary(end) {
        end -= 1;
    }
    format!("{}…", &text[..end])
}

/// A dynamic-block request that cannot be read.
///
/// `field` names the offending body field (`ticket_id`, `client_data`), or
/// `body` when the body as a whole is unreadable; `message` says what was
/// expected and what arrived.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{field}: {message}")]
#[non_exhaustive]
pub struct ParseError {
    /// The field that could not be read, or `body`.
    pub field: String,
    /// What was expected and what arrived.
    pub message: String,
}

impl ParseError {
    pub(crate) fn new(field: impl Into<String>, message: impl Into<String>) -> Self {
        Self {
            field: field.into(),
            message: message.into(),
        }
    }
}
