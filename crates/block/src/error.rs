//! The service's one error type. Each failure keeps two faces apart: what the agent is told (a
//! [`Failure`] the views translate, a stable `code`, an HTTP status) and what the log gets (the
//! `Display` text, which may name causes the agent should never see).

use http::StatusCode;

use crate::view::model::Failure;

/// Everything a request can fail with.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum Error {
    /// The configuration cannot work (a short signing key, a malformed origin).
    #[error("invalid configuration: {0}")]
    Config(String),
    /// The action token is missing, forged, tampered with, or meant for another action.
    #[error("action token refused: {0}")]
    TokenInvalid(&'static str),
    /// The action token is genuine but past its lifetime.
    #[error("action token expired")]
    TokenExpired,
    /// The action token was already used for its one write.
    #[error("action token already used")]
    TokenReplayed,
    /// The OAuth `state` (or the login link's sealed context) is forged, tampered, expired or reused.
    #[error("OAuth state refused: {0}")]
    BadState(&'static str),
    /// The request body is over the configured limit.
    #[error("request body over {limit} bytes")]
    TooLarge {
        /// The limit, in bytes.
        limit: usize,
    },
    /// A form was sent in another format than `application/x-www-form-urlencoded`.
    #[error("forms must be sent as application/x-www-form-urlencoded")]
    UnsupportedMediaType,
    /// The request could not be read (its body or its parameters).
    #[error("unreadable request: {0}")]
    BadRequest(String),
    /// The domain refused or failed.
    #[error(transparent)]
    Domain(#[from] domain::Error),
    /// The store failed where the service calls it directly (nonces, readiness).
    #[error("storage: {0}")]
    Store(String),
}

impl Error {
    /// The HTTP status the failure is answered with.
    pub fn status(&self) -> StatusCode {
        use domain::Error as D;
        match self {
            Self::TokenInvalid(_) => StatusCode::FORBIDDEN,
            Self::TokenExpired => StatusCode::GONE,
            Self::TokenReplayed => StatusCode::CONFLICT,
            Self::BadState(_) | Self::BadRequest(_) => StatusCode::BAD_REQUEST,
            Self::TooLarge { .. } => StatusCode::PAYLOAD_TOO_LARGE,
            Self::UnsupportedMediaType => StatusCode::UNSUPPORTED_MEDIA_TYPE,
            Self::Config(_) | Self::Store(_) => StatusCode::INTERNAL_SERVER_ERROR,
            Self::Domain(e) => match e {
                D::NeedsLogin
                | D::NotConnected
                | D::TriggerSecretRequired
                | D::TriggerSecretInvalid => StatusCode::UNAUTHORIZED,
                D::NotFound(_) => StatusCode::NOT_FOUND,
                D::Validation(_) | D::Rejected(_) => StatusCode::UNPROCESSABLE_ENTITY,
                D::Busy { .. } => StatusCode::TOO_MANY_REQUESTS,
                D::PaymentRequired => StatusCode::PAYMENT_REQUIRED,
                D::Forbidden(_) => StatusCode::FORBIDDEN,
                D::Queued { .. } | D::Blocked { .. } | D::Unavailable(_) | D::Timeout => {
                    StatusCode::SERVICE_UNAVAILABLE
                }
                D::Usedesk { retryable, .. } => {
                    if *retryable {
                        StatusCode::SERVICE_UNAVAILABLE
                    } else {
                        StatusCode::BAD_GATEWAY
                    }
                }
                D::Conflict | D::InProgress => StatusCode::CONFLICT,
                _ => StatusCode::INTERNAL_SERVER_ERROR,
            },
        }
    }

    /// What the agent is told, for the views to translate.
    pub fn failure(&self) -> Failure {
        use domain::Error as D;
        match self {
            Self::TokenInvalid(_) | Self::BadState(_) => Failure::TokenInvalid,
            Self::TokenExpired => Failure::TokenExpired,
            Self::TokenReplayed => Failure::TokenReplayed,
            Self::Domain(e) => match e {
                D::NeedsLogin | D::NotConnected => Failure::NeedsLogin,
                D::TriggerSecretRequired | D::TriggerSecretInvalid => Failure::TokenInvalid,
                D::NotFound(_) => Failure::NotFound,
                D::Busy { .. } => Failure::Busy,
                D::Queued { until } => Failure::Queued {
                    seconds: seconds_until(*until),
                },
                D::Blocked { .. } => Failure::Blocked,
                D::PaymentRequired => Failure::PaymentRequired,
                D::Unavailable(_)
                | D::Timeout
                | D::Usedesk {
                    retryable: true, ..
                } => Failure::Unavailable,
                // amoCRM's own explanation of a refused write is meant for the person who wrote it.
                D::Rejected(reason) | D::Forbidden(reason) => Failure::Rejected(reason.clone()),
                D::Validation(errors) => Failure::Rejected(
                    errors
                        .iter()
                        .map(|e| e.label.clone().unwrap_or_else(|| e.field.clone()))
                        .collect::<Vec<_>>()
                        .join(", "),
                ),
                _ => Failure::Internal,
            },
            Self::Config(_)
            | Self::TooLarge { .. }
            | Self::UnsupportedMediaType
            | Self::BadRequest(_)
            | Self::Store(_) => Failure::Internal,
        }
    }

    /// A stable snake_case name of the failure, for JSON answers.
    pub fn code(&self) -> &'static str {
        use domain::Error as D;
        match self {
            Self::Config(_) | Self::Store(_) => "internal",
            Self::TokenInvalid(_) => "token_invalid",
            Self::TokenExpired => "token_expired",
            Self::TokenReplayed => "token_replayed",
            Self::BadState(_) => "bad_state",
            Self::TooLarge { .. } => "payload_too_large",
            Self::UnsupportedMediaType => "unsupported_media_type",
            Self::BadRequest(_) => "bad_request",
            Self::Domain(e) => match e {
                D::NeedsLogin | D::NotConnected => "needs_login",
                D::TriggerSecretRequired => "trigger_secret_required",
                D::TriggerSecretInvalid => "trigger_secret_invalid",
                D::NotFound(_) => "not_found",
                D::Validation(_) => "validation",
                D::Rejected(_) => "rejected",
                D::Busy { .. } => "busy",
                D::Queued { .. } => "queued",
                D::Blocked { .. } => "blocked",
                D::PaymentRequired => "payment_required",
                D::Forbidden(_) => "forbidden",
                D::Unavailable(_) | D::Timeout => "unavailable",
                D::Usedesk {
                    retryable: true, ..
                } => "unavailable",
                D::Usedesk { .. } => "usedesk_error",
                D::Conflict => "conflict",
                D::InProgress => "in_progress",
                _ => "internal",
            },
        }
    }

    /// Seconds after which trying again may work, for a `Retry-After` header.
    pub fn retry_after(&self) -> Option<u64> {
        use domain::Error as D;
        let until = |at: &Option<std::time::SystemTime>, default: u64| {
            at.and_then(|t| t.duration_since(std::time::SystemTime::now()).ok())
                .map_or(default, |d| d.as_secs().max(1))
        };
        match self {
            Self::Domain(D::Busy { until: at }) => Some(until(at, 60)),
            Self::Domain(D::Queued { until }) => Some(seconds_until(*until)),
            Self::Domain(D::Blocked { until: at }) => Some(until(at, 300)),
            Self::Domain(
                D::Unavailable(_)
                | D::Timeout
                | D::Usedesk {
                    retryable: true, ..
                },
            ) => Some(30),
            Self::Domain(D::InProgress) => Some(5),
            _ => None,
        }
    }

    /// Whether the failure is ours or unexplained, so its cause must be logged under a reference.
    pub(crate) fn is_internal(&self) -> bool {
        matches!(self.failure(), Failure::Internal)
    }
}

/// Whole seconds (at least 1) until `at`.
fn seconds_until(at: std::time::SystemTime) -> u64 {
    at.duration_since(std::time::SystemTime::now())
        .map_or(1, |d| d.as_secs_f64().ceil() as u64)
        .max(1)
}
