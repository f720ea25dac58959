//! The domain's one error type. It classifies what went wrong by what the agent should be told,
//! keeping the cause as an error for the log (`source()`). It is `Clone` so coalesced callers can share one
//! outcome; the cause is shared, not copied.

use std::fmt;
use std::sync::Arc;
use std::time::SystemTime;

use crate::store::StoreError;

/// Why one field of a form or trigger was refused.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub enum FieldErrorCode {
    /// Required (for the chosen stage, or always) but empty.
    Required,
    /// Not a number.
    Number,
    /// Not one of the field's options.
    Enum,
    /// Not a date.
    Date,
    /// Not an `http(s)` link.
    Url,
    /// Not yes/no.
    Checkbox,
    /// Longer than the field takes.
    TooLong {
        /// The longest value accepted.
        max: usize,
    },
    /// No such field in the account (or it cannot be written through the API).
    UnknownField,
    /// The stage does not belong to the pipeline.
    StageNotInPipeline,
    /// amoCRM refused the value: its explanation, as it gave it (in its language, cut short).
    Refused {
        /// amoCRM's explanation.
        detail: String,
    },
}

/// One refused field.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct FieldError {
    /// The field.
    pub field: crate::FieldKey,
    /// The field's name as the agent knows it (a custom field's amoCRM name), when it has one.
    pub label: Option<String>,
    /// What is wrong.
    pub code: FieldErrorCode,
}

/// The error behind a failure, kept whole for the log: its `Display` and its `source()` chain are the
/// original's. Shared, so that an [`Error`] that carries it stays `Clone`.
#[derive(Clone)]
pub struct Cause(Arc<dyn std::error::Error + Send + Sync>);

impl Cause {
    /// Keeps `error`.
    pub fn new(error: impl std::error::Error + Send + Sync + 'static) -> Self {
        Self(Arc::new(error))
    }

    /// A cause that is only a sentence (where no error value exists, such as a missing setting).
    pub fn message(text: impl Into<String>) -> Self {
        Self(Arc::from(Box::<dyn std::error::Error + Send + Sync>::from(
            text.into(),
        )))
    }
}

impl fmt::Display for Cause {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        self.0.fmt(f)
    }
}

impl fmt::Debug for Cause {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        self.0.fmt(f)
    }
}

impl std::error::Error for Cause {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        self.0.source()
    }
}

/// An error with its causes, `outer: inner: innermost`, for one log line.
pub struct Report<'a>(pub &'a (dyn std::error::Error + 'a));

impl fmt::Display for Report<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}", self.0)?;
        let mut source = self.0.source();
        while let Some(cause) = source {
            write!(f, ": {cause}")?;
            source = cause.source();
        }
        Ok(())
    }
}

/// Everything the domain can fail with.
#[derive(Debug, Clone, thiserror::Error)]
#[non_exhaustive]
pub enum Error {
    /// `amo_base_host` is not an amoCRM / Kommo account host (or not allowed).
    #[error("not an allowed amoCRM host: {0}")]
    InvalidHost(String),
    /// The OAuth client id, secret or redirect URI is not configured.
    #[error("the amoCRM OAuth client is not configured")]
    OAuthNotConfigured,
    /// No connection exists for this Usedesk account and amoCRM account (or this Integration ID).
    #[error("no connection to amoCRM")]
    NotConnected,
    /// A trigger presented no trigger secret, and this connection (or this server) requires one.
    #[error("the trigger presented no trigger secret")]
    TriggerSecretRequired,
    /// A trigger presented a secret that is not the current one of the Integration ID it names (a wrong or
    /// rotated secret, another connection's, or an unknown Integration ID).
    #[error("the trigger secret does not match the Integration ID")]
    TriggerSecretInvalid,
    /// amoCRM refused the connection's tokens: an agent must log in again.
    #[error("amoCRM access was revoked; log in again")]
    NeedsLogin,
    /// The operator's login pins do not let this Usedesk account connect to this amoCRM account.
    #[error("the login pins do not allow this Usedesk account to connect to this amoCRM account")]
    LoginNotAllowed,
    /// The OAuth callback came from another amoCRM account than the block's.
    #[error("authorized account {actual} is not the block's {expected}")]
    HostMismatch {
        /// The block's `amo_base_host`.
        expected: String,
        /// The account that answered.
        actual: String,
    },
    /// amoCRM rate-limited us (429), now or recently.
    #[error("amoCRM is busy (rate limited)")]
    Busy {
        /// When requests may resume, when known.
        until: Option<SystemTime>,
    },
    /// Our own rate limiter has so many requests for this amoCRM account queued that this one could not start
    /// before its deadline. amoCRM has not pushed back: nothing was sent.
    #[error("too many requests for this amoCRM account are queued here")]
    Queued {
        /// When the request's slot would have come: the data can be fetched from then on.
        until: SystemTime,
    },
    /// amoCRM blocked access (403 on every request).
    #[error("amoCRM blocked access")]
    Blocked {
        /// When we will try again.
        until: Option<SystemTime>,
    },
    /// The account's subscription ended (402).
    #[error("the amoCRM subscription ended")]
    PaymentRequired,
    /// The amoCRM user lacks the rights for this (403 on an admin-only call).
    #[error("not allowed in amoCRM: {0}")]
    Forbidden(String),
    /// amoCRM did not answer in time, or answered with a server error.
    #[error("amoCRM is unavailable")]
    Unavailable(#[source] Cause),
    /// The render deadline passed.
    #[error("amoCRM did not answer within the deadline")]
    Timeout,
    /// Something asked for does not exist (a contact, a deal, a ticket).
    #[error("not found: {0}")]
    NotFound(String),
    /// Our validation refused the input; nothing was sent.
    #[error("{} field(s) refused", .0.len())]
    Validation(Vec<FieldError>),
    /// Several companies have exactly the name asked for a new contact's company: the agent chooses (nothing was
    /// written).
    #[error("{} companies have this name", .0.len())]
    CompanyChoice(Vec<crate::companies::attach::CompanyOption>),
    /// amoCRM refused a write we thought valid; its explanation is kept.
    #[error("amoCRM refused the write: {0}")]
    Rejected(String),
    /// Usedesk's API failed.
    #[error("Usedesk API failed")]
    Usedesk {
        /// The cause.
        #[source]
        cause: Cause,
        /// Whether trying again later may work.
        retryable: bool,
    },
    /// The same idempotency key was used for a different request.
    #[error("the idempotency key was used for a different request")]
    Conflict,
    /// The same request is being processed right now (by another replica).
    #[error("the same request is in progress")]
    InProgress,
    /// The database failed.
    #[error("storage failed")]
    Store(#[source] Cause),
    /// A bug or an impossible state; the message is for the log.
    #[error("internal error: {0}")]
    Internal(String),
}

impl Error {
    /// Whether the cause is amoCRM being slow, busy or down: the block may show the last known data instead.
    pub fn is_degradation(&self) -> bool {
        matches!(
            self,
            Self::Busy { .. }
                | Self::Queued { .. }
                | Self::Blocked { .. }
                | Self::Unavailable(_)
                | Self::Timeout
        )
    }
}

impl From<StoreError> for Error {
    fn from(e: StoreError) -> Self {
        Self::Store(Cause::new(e))
    }
}

impl From<amocrm::Error> for Error {
    fn from(e: amocrm::Error) -> Self {
        use amocrm::Error as A;
        match e {
            // The input is untrusted: quoted with its control characters escaped, and cut short, so that
            // it can never forge a line of a text log.
            A::InvalidHost { input, reason } => {
                let shown: String = input.chars().take(200).collect();
                Self::InvalidHost(format!("{shown:?}: {reason}"))
            }
            A::Unauthorized { .. } | A::TokenRevoked => Self::NeedsLogin,
            A::PaymentRequired => Self::PaymentRequired,
            // Outside the users list (handled where it is called), amoCRM's 403 means a block.
            A::Forbidden { .. } => Self::Blocked { until: None },
            A::NotFound => Self::NotFound("amoCRM entity".into()),
            A::Validation { problem, .. } => Self::Rejected(problem.to_string()),
            A::Throttled { wait } => Self::Queued {
                until: SystemTime::now() + wait,
            },
            A::TooManyRequests { retry_after } => Self::Busy {
                until: retry_after.map(|d| SystemTime::now() + d),
            },
            A::Paused { until, reason } => match reason {
                amocrm::PauseReason::TooManyRequests => Self::Busy { until: Some(until) },
                _ => Self::Blocked { until: Some(until) },
            },
            A::Timeout | A::Server { .. } | A::Transport(_) | A::UnexpectedStatus { .. } => {
                Self::Unavailable(Cause::new(e))
            }
            A::Persist(message) => Self::Store(Cause::message(message)),
            other => Self::Internal(other.to_string()),
        }
    }
}

impl From<usedesk::Error> for Error {
    fn from(e: usedesk::Error) -> Self {
        match e {
            usedesk::Error::NotFound { .. } => Self::NotFound("Usedesk ticket or client".into()),
            other => Self::Usedesk {
                retryable: other.is_retryable(),
                cause: Cause::new(other),
            },
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_database_failure_keeps_its_cause_for_the_log() {
        let io = std::io::Error::other("connection reset by peer");
        let error = Error::from(StoreError::Database(Cause::new(io)));

        let source = std::error::Error::source(&error).expect("the store error is the source");
        assert_eq!(source.to_string(), "database error");
        assert_eq!(
            Report(&error).to_string(),
            "storage failed: database error: connection reset by peer"
        );
        let shared = error.clone();
        assert_eq!(Report(&shared).to_string(), Report(&error).to_string());
    }
}
