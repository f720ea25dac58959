//! The account's pauses as a request sees them: waiting one out within the request's deadline, and pausing the
//! account when amoCRM pushes back (429 with or without `Retry-After`, 403).

use std::time::{Duration, SystemTime};

use reqwest::header::HeaderMap;
use tokio::time::Instant;

use super::{AmoClient, Call};
use crate::Error;
use crate::limiter::PauseReason;
use crate::status::error_for_status;

impl AmoClient {
    /// Whether the account is paused after a 429 and the pause ends by `deadline`.
    pub(super) async fn pause_ends_by(&self, account: &str, deadline: Option<Instant>) -> bool {
        let Some(deadline) = deadline else {
            return false;
        };
        match self.inner.limiter.paused(account).await {
            Ok(Some((until, PauseReason::TooManyRequests))) => {
                let remaining = until.duration_since(SystemTime::now()).unwrap_or_default();
                Instant::now() + remaining <= deadline
            }
            _ => false,
        }
    }

    /// Waits while the account is paused after a 429 and the pause ends by `deadline`; fails
    /// with [`Error::Paused`] at once on a pause that ends later (or on any pause without a
    /// deadline, or a 403 cool-down). Returns whether it waited.
    pub(super) async fn wait_out_pause(
        &self,
        account: &str,
        deadline: Option<Instant>,
    ) -> Result<bool, Error> {
        let mut waited = false;
        while let Some((until, reason)) = self.inner.limiter.paused(account).await? {
            // At least a millisecond, so a pause whose wall-clock end has just passed but which
            // the limiter still reports cannot make this loop spin.
            let remaining = until
                .duration_since(SystemTime::now())
                .unwrap_or_default()
                .max(Duration::from_millis(1));
            let ends_in_time = deadline.is_some_and(|d| Instant::now() + remaining <= d);
            if reason != PauseReason::TooManyRequests || !ends_in_time {
                return Err(Error::Paused { until, reason });
            }
            tokio::time::sleep(remaining).await;
            waited = true;
        }
        Ok(waited)
    }

    /// The error for a failed answer, pausing the account when amoCRM pushed back.
    pub(super) async fn failure(
        &self,
        call: &Call,
        status: u16,
        headers: &HeaderMap,
        body: &[u8],
    ) -> Error {
        let error = error_for_status(status, headers, body);
        let inner = &*self.inner;
        let account = inner.host.as_str();
        let pause = match &error {
            // An HTML 429 says nothing about how long to wait: the limiter takes the next step.
            Error::TooManyRequests { retry_after: None } => Some(
                inner
                    .limiter
                    .back_off(account, inner.backoff.steps_429)
                    .await
                    .map(|duration| (duration, PauseReason::TooManyRequests)),
            ),
            Error::TooManyRequests {
                retry_after: Some(duration),
            } => Some(
                self.pause_for(*duration, PauseReason::TooManyRequests)
                    .await,
            ),
            Error::Forbidden { .. } if call.forbidden_pauses => Some(
                self.pause_for(inner.backoff.forbidden_cooldown, PauseReason::Forbidden)
                    .await,
            ),
            _ => None,
        };
        match pause {
            Some(Ok((duration, reason))) => tracing::warn!(
                host = %inner.host,
                endpoint = call.endpoint,
                %reason,
                pause_ms = duration.as_millis() as u64,
                "amoCRM pushed back; pausing the account"
            ),
            // The original answer matters more to the caller than the limiter's failure.
            Some(Err(pause_error)) => {
                tracing::warn!(%pause_error, "could not record the amoCRM pause");
            }
            None => {}
        }
        error
    }

    /// Pauses the account for `duration`.
    async fn pause_for(
        &self,
        duration: Duration,
        reason: PauseReason,
    ) -> Result<(Duration, PauseReason), Error> {
        let until = SystemTime::now() + duration;
        self.inner
            .limiter
            .pause(self.inner.host.as_str(), until, reason)
            .await?;
        Ok((duration, reason))
    }
}
