//! Per-account request rate limiting and back-off pauses.
//!
//! amoCRM allows about 7 requests per second and answers bursts with 429, then blocks the account
//! or IP with 403 on every request. The client therefore asks a [`RateLimiter`] before every
//! request, and pauses the account after a 429 or 403 so that nothing is sent until the pause
//! ends. [`LocalRateLimiter`] serves one process; a shared implementation of the same trait
//! serves several replicas.
//!
//! A 429 that says how long to wait (a JSON `retry_after`) pauses the account for exactly that
//! long. One that does not (amoCRM's HTML 429 page) starts a back-off in growing steps —
//! [`BackoffSteps`]: 1 s, 2 s, 4 s, … up to a cap — counted per account where the pause is kept,
//! and reset by the next successful request.

use std::collections::{HashMap, VecDeque};
use std::fmt;
use std::str::FromStr;
use std::sync::atomic::AtomicBool;
use std::sync::{Arc, Mutex, PoisonError};
use std::time::{Duration, SystemTime};

use async_trait::async_trait;
use serde::{Deserialize, Serialize};
use tokio::time::Instant;

use crate::Error;

mod backoff;
mod handoff;

pub use backoff::BackoffSteps;
pub use handoff::RecentStarts;

/// Why requests to an account are paused.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
#[non_exhaustive]
pub enum PauseReason {
    /// amoCRM answered 429.
    TooManyRequests,
    /// amoCRM answered 403, taken as a block of the account or IP.
    Forbidden,
}

impl PauseReason {
    /// A stable name: `too_many_requests` or `forbidden`.
    pub fn as_str(self) -> &'static str {
        match self {
            PauseReason::TooManyRequests => "too_many_requests",
            PauseReason::Forbidden => "forbidden",
        }
    }
}

impl fmt::Display for PauseReason {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl FromStr for PauseReason {
    type Err = Error;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        match s {
            "too_many_requests" => Ok(PauseReason::TooManyRequests),
            "forbidden" => Ok(PauseReason::Forbidden),
            other => Err(Error::InvalidArgument(format!(
                "unknown pause reason {other:?}"
            ))),
        }
    }
}

/// Decides when the next request to an account may start, and remembers back-off pauses.
///
/// `account` is the account key; the client uses the account host's origin
/// ([`AccountHost::as_str`](crate::AccountHost::as_str)).
#[async_trait]
pub trait RateLimiter: Send + Sync + 'static {
    /// Waits until one more request to `account` may start; returns the time waited.
    ///
    /// With `max_wait`, a request whose slot lies further away fails at once with
    /// [`Error::Throttled`] and reserves nothing. A caller that stops waiting (its future is
    /// dropped) gives its slot back, so abandoned requests never hold the account's budget.
    async fn acquire(&self, account: &str, max_wait: Option<Duration>) -> Result<Duration, Error>;
    /// Stops requests to `account` until `until` (429 back-off, 403 cool-down).
    ///
    /// A pause never shortens an existing longer pause.
    async fn pause(
        &self,
        account: &str,
        until: SystemTime,
        reason: PauseReason,
    ) -> Result<(), Error>;
    /// `Some((until, reason))` when the account is paused.
    async fn paused(&self, account: &str) -> Result<Option<(SystemTime, PauseReason)>, Error>;

    /// Records a 429 that did not say how long to wait and pauses the account for the next step
    /// of `steps`; returns how long the account is now paused from now.
    ///
    /// When the account is already paused, the 429 answered a request sent before that pause
    /// began: the streak does not grow and the current pause stays. The default implementation
    /// keeps no streak and always pauses for the first step; limiters should override it.
    async fn back_off(&self, account: &str, steps: BackoffSteps) -> Result<Duration, Error> {
        if let Some((until, _)) = self.paused(account).await? {
            return Ok(until.duration_since(SystemTime::now()).unwrap_or_default());
        }
        let pause = steps.pause(1);
        self.pause(
            account,
            SystemTime::now() + pause,
            PauseReason::TooManyRequests,
        )
        .await?;
        Ok(pause)
    }

    /// How long a request to `account` asking now would wait for its slot (reserving nothing): the length of the
    /// limiter's own queue, for estimates. The default knows of no queue.
    async fn backlog(&self, account: &str) -> Duration {
        let _ = account;
        Duration::ZERO
    }

    /// Ends the account's streak of 429s: a request has just succeeded. Implementations make this
    /// cheap when there is no streak, since it follows every successful request.
    async fn succeeded(&self, account: &str) -> Result<(), Error> {
        let _ = account;
        Ok(())
    }
}

/// An in-process sliding-window-log limiter: at most `max_requests` request starts in any window
/// of length `per`, per account.
///
/// A sliding window (rather than a token bucket or GCRA) is what lets a burst of `max_requests`
/// go at once while still never exceeding `max_requests` starts inside any window — the way
/// amoCRM counts. Waiting callers are served in arrival order: each one reserves the earliest
/// slot that keeps the invariant, then sleeps until it.
///
/// Clones share state. Time is measured with [`tokio::time::Instant`], so tests under a paused
/// tokio clock are deterministic.
///
/// A process cannot know by itself what its predecessor sent just before it stopped. A stopping
/// server therefore [closes](LocalRateLimiter::close) its limiter and records its
/// [`recent_starts`](LocalRateLimiter::recent_starts); its successor builds its limiter
/// [`with_recent_starts`](LocalRateLimiter::with_recent_starts), every window exactly as full as it
/// is. Without such a record (a crash, a first start) it builds it
/// [`starting_full`](LocalRateLimiter::starting_full): every account's window counts as full at
/// creation, and no request starts in the first `per` after it.
#[derive(Clone)]
pub struct LocalRateLimiter {
    inner: Arc<LimiterState>,
}

struct LimiterState {
    max: usize,
    per: Duration,
    /// No request starts before this moment (the window counted as full at creation).
    not_before: Option<Instant>,
    /// Set by [`LocalRateLimiter::close`]: no request starts any more.
    closed: AtomicBool,
    accounts: Mutex<HashMap<String, AccountWindow>>,
}

#[derive(Default)]
struct AccountWindow {
    /// Start times of the last `max` requests (some may lie in the future: reserved slots).
    starts: VecDeque<Instant>,
    pause: Option<Pause>,
    /// Consecutive 429s without `retry_after`; kept beside the pause they set.
    streak: u32,
}

struct Pause {
    /// The end of the pause on the tokio clock, which decides when it is over.
    ends: Instant,
    /// The same moment on the wall clock, which is what callers are told.
    until: SystemTime,
    reason: PauseReason,
}

impl LocalRateLimiter {
    /// A limiter allowing `max_requests` starts per `per` for each account (a `max_requests` of 0
    /// is taken as 1, since a limiter that never lets anything through is a bug, not a policy).
    pub fn new(max_requests: u32, per: Duration) -> LocalRateLimiter {
        LocalRateLimiter::build(max_requests, per, None)
    }

    /// Like [`LocalRateLimiter::new`], but every account's window counts as full now: the first
    /// request to any account starts `per` from now at the earliest.
    ///
    /// This is the limiter for a process that may replace another one (a restart, a deploy):
    /// whatever the old process sent in its last `per`, the new one adds nothing to that window,
    /// so amoCRM never sees more than `max_requests` in any `per` across the restart.
    pub fn starting_full(max_requests: u32, per: Duration) -> LocalRateLimiter {
        LocalRateLimiter::build(max_requests, per, Some(Instant::now() + per))
    }

    fn build(max_requests: u32, per: Duration, not_before: Option<Instant>) -> LocalRateLimiter {
        LocalRateLimiter {
            inner: Arc::new(LimiterState {
                max: usize::try_from(max_requests.max(1)).unwrap_or(usize::MAX),
                per,
                not_before,
                closed: AtomicBool::new(false),
                accounts: Mutex::new(HashMap::new()),
            }),
        }
    }

    /// The limit amoCRM documents: 7 requests per second.
    pub fn amocrm_default() -> LocalRateLimiter {
        LocalRateLimiter::new(7, Duration::from_secs(1))
    }

    fn with_account<R>(&self, account: &str, f: impl FnOnce(&mut AccountWindow) -> R) -> R {
        // The lock only guards plain data and is never held across an await, so a poisoned lock
        // still holds consistent data.
        let mut accounts = self
            .inner
            .accounts
            .lock()
            .unwrap_or_else(PoisonError::into_inner);
        f(accounts.entry(account.to_owned()).or_default())
    }

    /// Reserves the earliest start time that keeps at most `max` starts in any window of `per`,
    /// unless it lies beyond `latest`: then nothing is reserved and the slot is returned as `Err`.
    fn reserve(
        &self,
        account: &str,
        now: Instant,
        latest: Option<Instant>,
    ) -> Result<Instant, Instant> {
        let (max, per) = (self.inner.max, self.inner.per);
        self.with_account(account, |window| {
            while window
                .starts
                .front()
                .is_some_and(|start| *start + per <= now)
            {
                window.starts.pop_front();
            }
            // The new start must be at least `per` after the start `max` places before it.
            let earliest = match window.starts.len() {
                len if len >= max => window.starts[len - max] + per,
                _ => now,
            };
            let slot = [
                Some(earliest),
                Some(now),
                window.starts.back().copied(),
                self.inner.not_before,
            ]
            .into_iter()
            .flatten()
            .max()
            .unwrap_or(now);
            if latest.is_some_and(|latest| slot > latest) {
                return Err(slot);
            }
            window.starts.push_back(slot);
            Ok(slot)
        })
    }

    /// Gives back a reserved slot that will not be used. Later reservations keep their slots (they
    /// stay within the limit); new ones can use the freed capacity.
    fn release(&self, account: &str, slot: Instant) {
        self.with_account(account, |window| {
            if let Some(at) = window.starts.iter().rposition(|s| *s == slot) {
                window.starts.remove(at);
            }
        });
    }
}

/// A reserved slot not yet reached; dropped early, it gives the slot back.
struct Reservation<'a> {
    limiter: &'a LocalRateLimiter,
    account: &'a str,
    slot: Instant,
    used: bool,
}

impl Drop for Reservation<'_> {
    fn drop(&mut self) {
        if !self.used {
            self.limiter.release(self.account, self.slot);
        }
    }
}

impl Default for LocalRateLimiter {
    fn default() -> Self {
        LocalRateLimiter::amocrm_default()
    }
}

impl fmt::Debug for LocalRateLimiter {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("LocalRateLimiter")
            .field("max_requests", &self.inner.max)
            .field("per", &self.inner.per)
            .finish_non_exhaustive()
    }
}

#[async_trait]
impl RateLimiter for LocalRateLimiter {
    async fn acquire(&self, account: &str, max_wait: Option<Duration>) -> Result<Duration, Error> {
        let now = Instant::now();
        let slot = self
            .reserve(account, now, max_wait.map(|w| now + w))
            .map_err(|slot| Error::Throttled { wait: slot - now })?;
        let mut reservation = Reservation {
            limiter: self,
            account,
            slot,
            used: false,
        };
        // Checked after reserving: a request either shows among the starts read after `close`, or sees the
        // limiter closed here (the account lock orders the two).
        self.refuse_when_closed()?;
        if slot > now {
            tokio::time::sleep_until(slot).await;
            // Closed while waiting: the slot is given back and the request never starts.
            self.refuse_when_closed()?;
        }
        reservation.used = true;
        Ok(slot - now)
    }

    async fn backlog(&self, account: &str) -> Duration {
        let now = Instant::now();
        let (max, per) = (self.inner.max, self.inner.per);
        self.with_account(account, |window| {
            let live: Vec<Instant> = window
                .starts
                .iter()
                .copied()
                .filter(|start| *start + per > now)
                .collect();
            let earliest = match live.len() {
                len if len >= max => live[len - max] + per,
                _ => now,
            };
            [Some(earliest), live.last().copied(), self.inner.not_before]
                .into_iter()
                .flatten()
                .max()
                .map_or(Duration::ZERO, |slot| slot.saturating_duration_since(now))
        })
    }

    async fn pause(
        &self,
        account: &str,
        until: SystemTime,
        reason: PauseReason,
    ) -> Result<(), Error> {
        let ends = Instant::now() + until.duration_since(SystemTime::now()).unwrap_or_default();
        self.with_account(account, |window| {
            let longer = window.pause.as_ref().is_none_or(|p| p.ends < ends);
            if longer {
                window.pause = Some(Pause {
                    ends,
                    until,
                    reason,
                });
            }
        });
        Ok(())
    }

    async fn paused(&self, account: &str) -> Result<Option<(SystemTime, PauseReason)>, Error> {
        let now = Instant::now();
        Ok(self.with_account(account, |window| match &window.pause {
            Some(pause) if pause.ends > now => Some((pause.until, pause.reason)),
            Some(pause) => {
                // The streak outlives its pause for a while, so the next 429 takes the next step.
                if pause.ends + BackoffSteps::MEMORY <= now {
                    window.pause = None;
                    window.streak = 0;
                }
                None
            }
            None => None,
        }))
    }

    async fn back_off(&self, account: &str, steps: BackoffSteps) -> Result<Duration, Error> {
        let now = Instant::now();
        let wall = SystemTime::now();
        Ok(self.with_account(account, |window| {
            if let Some(pause) = window.pause.as_ref() {
                if pause.ends > now {
                    return pause.ends - now;
                }
                if pause.ends + BackoffSteps::MEMORY <= now {
                    window.streak = 0;
                }
            }
            window.streak = window.streak.saturating_add(1);
            let length = steps.pause(window.streak);
            window.pause = Some(Pause {
                ends: now + length,
                until: wall + length,
                reason: PauseReason::TooManyRequests,
            });
            length
        }))
    }

    async fn succeeded(&self, account: &str) -> Result<(), Error> {
        let mut accounts = self
            .inner
            .accounts
            .lock()
            .unwrap_or_else(PoisonError::into_inner);
        if let Some(window) = accounts.get_mut(account) {
            window.streak = 0;
        }
        Ok(())
    }
}
