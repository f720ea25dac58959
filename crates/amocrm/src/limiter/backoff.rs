//! The growing pauses after 429 answers that did not say how long to wait.

use std::time::Duration;

/// How long the account is paused after consecutive 429 answers that carried no `retry_after`.
///
/// The `n`-th such 429 in a row pauses the account for `first × 2ⁿ⁻¹`, but never longer than
/// `cap`: 1 s, 2 s, 4 s, 8 s, 16 s, 32 s, then 60 s with the defaults. A successful request ends
/// the streak; so does a quiet spell of [`BackoffSteps::MEMORY`] after the last pause ended.
///
/// Only a 429 for a request sent while the account was not paused counts as a step: the other
/// requests of the same burst, answered 429 too, belong to the step already taken. So a burst of
/// seven 429s pauses the account for one step, not seven.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct BackoffSteps {
    /// The first pause. Default 1 s.
    pub first: Duration,
    /// The longest pause. Default 60 s: while amoCRM keeps answering 429, at most one burst of
    /// requests (the limiter's `max`) per minute reaches it, far from the repeated hammering that
    /// makes amoCRM block the account with 403.
    pub cap: Duration,
}

impl BackoffSteps {
    /// How long a streak of 429s is remembered after its last pause ended, without a success.
    pub const MEMORY: Duration = Duration::from_secs(600);

    /// The pause of the `step`-th consecutive 429 (counted from 1).
    pub fn pause(&self, step: u32) -> Duration {
        let factor = 1u32.checked_shl(step.saturating_sub(1)).unwrap_or(u32::MAX);
        self.first.saturating_mul(factor).min(self.cap)
    }
}

impl Default for BackoffSteps {
    fn default() -> Self {
        BackoffSteps {
            first: Duration::from_secs(1),
            cap: Duration::from_secs(60),
        }
    }
}
