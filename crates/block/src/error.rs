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
    #[error("storage failed")]
    Store(#[source] domain::store::StoreError),
}

impl Error {
    /// How the failure is answered — status, stable code, what the agent is told, when to try again — decided
    /// here, in one match, for every edge. It is long on purpose: one arm per failure, so a new failure is one
    /// line in one place and the compiler points at it. The trigger API (`trigger.rs`) and the OAuth pages (`oauth.rs`)
    /// start from this and override, by name, the few cases where their own contract differs.
    pub fn classify(&self) -> Classified {
        use StatusCode as S;
        use domain::Error as D;
        let plain = |status, code, failure| Classified {
            status,
            code,
            failure,
            retry_after: None,
        };
        let later = |status, code, failure, seconds| Classified {
            status,
            code,
            failure,
            retry_after: Some(seconds),
        };
        let internal = || plain(S::INTERNAL_SERVER_ERROR, "internal", Failure::Internal);
        match self {
            Self::Config(_) | Self::Store(_) => internal(),
            Self::TokenInvalid(_) => plain(S::FORBIDDEN, "token_invalid", Failure::TokenInvalid),
            Self::TokenExpired => plain(S::GONE, "token_expired", Failure::TokenExpired),
            Self::TokenReplayed => plain(S::CONFLICT, "token_replayed", Failure::TokenReplayed),
            Self::BadState(_) => plain(S::BAD_REQUEST, "bad_state", Failure::TokenInvalid),
            Self::TooLarge { .. } => {
                plain(S::PAYLOAD_TOO_LARGE, "payload_too_large", Failure::Internal)
            }
            Self::UnsupportedMediaType => plain(
                S::UNSUPPORTED_MEDIA_TYPE,
                "unsupported_media_type",
                Failure::Internal,
            ),
            Self::BadRequest(_) => plain(S::BAD_REQUEST, "bad_request", Failure::Internal),
            Self::Domain(e) => match e {
                D::NeedsLogin | D::NotConnected => {
                    plain(S::UNAUTHORIZED, "needs_login", Failure::NeedsLogin)
                }
                D::TriggerSecretRequired => plain(
                    S::UNAUTHORIZED,
                    "trigger_secret_required",
                    Failure::TokenInvalid,
                ),
                D::TriggerSecretInvalid => plain(
                    S::UNAUTHORIZED,
                    "trigger_secret_invalid",
                    Failure::TokenInvalid,
                ),
                D::NotFound(_) => plain(S::NOT_FOUND, "not_found", Failure::NotFound),
                D::CompanyChoice(_) => plain(S::CONFLICT, "company_choice", Failure::Internal),
                D::Validation(errors) => plain(
                    S::UNPROCESSABLE_ENTITY,
                    "validation",
                    Failure::Rejected(
                        errors
                            .iter()
                            .map(|e| e.label.clone().unwrap_or_else(|| e.field.to_string()))
                            .collect::<Vec<_>>()
                            .join(", "),
                    ),
                ),
                // amoCRM's own explanation of a refused write is meant for the person who wrote it.
                D::Rejected(reason) => plain(
                    S::UNPROCESSABLE_ENTITY,
                    "rejected",
                    Failure::Rejected(reason.clone()),
                ),
                D::Forbidden(reason) => {
                    plain(S::FORBIDDEN, "forbidden", Failure::Rejected(reason.clone()))
                }
                D::Busy { until } => later(
                    S::TOO_MANY_REQUESTS,
                    "busy",
                    Failure::Busy,
                    wait_or(*until, 60),
                ),
                D::Queued { until } => {
                    let seconds = seconds_until(*until);
                    later(
                        S::SERVICE_UNAVAILABLE,
                        "queued",
                        Failure::Queued { seconds },
                        seconds,
                    )
                }
                D::Blocked { until } => later(
                    S::SERVICE_UNAVAILABLE,
                    "blocked",
                    Failure::Blocked,
                    wait_or(*until, 300),
                ),
                D::PaymentRequired => plain(
                    S::PAYMENT_REQUIRED,
                    "payment_required",
                    Failure::PaymentRequired,
                ),
                D::Unavailable(_)
                | D::Timeout
                | D::Usedesk {
                    retryable: true, ..
                } => later(
                    S::SERVICE_UNAVAILABLE,
                    "unavailable",
                    Failure::Unavailable,
                    30,
                ),
                D::Usedesk { .. } => plain(S::BAD_GATEWAY, "usedesk_error", Failure::Internal),
                D::Conflict => plain(S::CONFLICT, "conflict", Failure::Internal),
                D::InProgress => later(S::CONFLICT, "in_progress", Failure::Internal, 5),
                _ => internal(),
            },
        }
    }

    /// The HTTP status the failure is answered with.
    pub fn status(&self) -> StatusCode {
        self.classify().status
    }

    /// What the agent is told, for the views to translate.
    pub fn failure(&self) -> Failure {
        self.classify().failure
    }

    /// A stable snake_case name of the failure, for JSON answers.
    pub fn code(&self) -> &'static str {
        self.classify().code
    }

    /// Seconds after which trying again may work, for a `Retry-After` header.
    pub fn retry_after(&self) -> Option<u64> {
        self.classify().retry_after
    }
}

/// How one failure is answered; see [`Error::classify`].
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Classified {
    /// The HTTP status.
    pub status: StatusCode,
    /// A stable snake_case name, for JSON answers and metrics.
    pub code: &'static str,
    /// What the agent is told, for the views to translate.
    pub failure: Failure,
    /// Seconds after which trying again may work (`Retry-After`).
    pub retry_after: Option<u64>,
}

/// Whole seconds until `at` (at least 1), or `default` when the wait is unknown or over.
fn wait_or(at: Option<std::time::SystemTime>, default: u64) -> u64 {
    at.and_then(|t| t.duration_since(std::time::SystemTime::now()).ok())
        .map_or(default, |d| d.as_secs().max(1))
}

/// Whole seconds (at least 1) until `at`.
fn seconds_until(at: std::time::SystemTime) -> u64 {
    at.duration_since(std::time::SystemTime::now())
        .map_or(1, |d| d.as_secs_f64().ceil() as u64)
        .max(1)
}
