//! Injected failures, so that clients can be tested against every answer amoCRM is known to give.

use std::time::Duration;

use serde::{Deserialize, Serialize};

/// Which failure to inject, into which requests, and for how long.
///
/// Over HTTP (`POST /__sandbox/faults`) it is JSON such as
/// `{"mode": {"too_many_json": {"retry_after": 3}}, "for_next": 2, "only_path_prefix": "/api/v4/contacts"}`;
/// `{"mode": "none"}` clears it.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(default)]
pub struct Faults {
    /// The failure.
    pub mode: FaultMode,
    /// Apply to the next N matching requests and then clear; `None` applies until changed.
    pub for_next: Option<u32>,
    /// Only requests whose path starts with this prefix are affected. Without it, only API
    /// requests (`/api/v4/…`) are; with it, the OAuth token endpoint can be targeted too.
    pub only_path_prefix: Option<String>,
}

/// The failure injected by [`Faults`].
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum FaultMode {
    /// Answer normally.
    #[default]
    None,
    /// 429 with amoCRM's documented JSON body carrying `retry_after` (seconds).
    TooManyJson {
        /// The `retry_after` value of the body, in seconds.
        retry_after: u64,
    },
    /// 429 with a small HTML page and no `Retry-After` header, as SDK users have reported.
    TooManyHtml,
    /// 403, what amoCRM answers once it has blocked an account or IP.
    Forbidden,
    /// 401, as for an expired or revoked token.
    Unauthorized,
    /// 402, the account's subscription has ended.
    PaymentRequired,
    /// 500 carrying a `trace_id`.
    ServerError,
    /// Wait this long, then answer normally. Over HTTP the value is in milliseconds: `{"slow": 1500}`.
    Slow(#[serde(with = "millis")] Duration),
}

impl Faults {
    /// The failure to apply to a request for `path`, counting it against `for_next`.
    pub(crate) fn take(&mut self, path: &str) -> Option<FaultMode> {
        if self.mode == FaultMode::None {
            return None;
        }
        let applies = match &self.only_path_prefix {
            Some(prefix) => path.starts_with(prefix.as_str()),
            None => path.starts_with("/api/v4/"),
        };
        if !applies {
            return None;
        }
        let mode = self.mode.clone();
        if let Some(remaining) = self.for_next.as_mut() {
            if *remaining == 0 {
                *self = Faults::default();
                return None;
            }
            *remaining -= 1;
            if *remaining == 0 {
                *self = Faults::default();
            }
        }
        Some(mode)
    }
}

/// Serialises a `Duration` as whole milliseconds, which is what a person types into a JSON body.
mod millis {
    use std::time::Duration;

    use serde::{Deserialize, Deserializer, Serializer};

    pub(super) fn serialize<S: Serializer>(
        duration: &Duration,
        serializer: S,
    ) -> Result<S::Ok, S::Error> {
        serializer.serialize_u64(u64::try_from(duration.as_millis()).unwrap_or(u64::MAX))
    }

    pub(super) fn deserialize<'de, D: Deserializer<'de>>(
        deserializer: D,
    ) -> Result<Duration, D::Error> {
        u64::deserialize(deserializer).map(Duration::from_millis)
    }
}
