//! Handing a [`LocalRateLimiter`]'s window over to the process that replaces it.
//!
//! amoCRM counts requests per account whoever sends them, so a restarted server must not add a burst to what
//! its predecessor sent in its last second. The stopping process [closes](LocalRateLimiter::close) its limiter
//! (nothing starts any more) and reads out the start times of the requests of its last window on the wall
//! clock ([`LocalRateLimiter::recent_starts`]); the new process turns them back into instants of its own clock
//! ([`LocalRateLimiter::with_recent_starts`]). Wall-clock times are the only ones two processes share.

use std::collections::BTreeMap;
use std::sync::atomic::Ordering;
use std::time::{Duration, SystemTime};

use tokio::time::Instant;

use super::{AccountWindow, LocalRateLimiter};
use crate::Error;

/// Per account (the limiter's account key), the wall-clock start times of the requests of its last window,
/// oldest first. Accounts that sent nothing in that window are absent.
pub type RecentStarts = BTreeMap<String, Vec<SystemTime>>;

impl LocalRateLimiter {
    /// A limiter allowing `max_requests` starts per `per`, whose windows hold `starts`: the requests a
    /// predecessor started, as it recorded them with [`LocalRateLimiter::recent_starts`] when it stopped.
    ///
    /// Each account's window is exactly as full as the recorded starts make it; accounts absent from `starts`
    /// start empty, since the predecessor sent nothing to them in its last window. Only a complete record
    /// allows that: without one (the predecessor crashed), use [`LocalRateLimiter::starting_full`].
    pub fn with_recent_starts(
        max_requests: u32,
        per: Duration,
        starts: &RecentStarts,
    ) -> LocalRateLimiter {
        LocalRateLimiter::with_recent_starts_as_of(max_requests, per, starts, SystemTime::now())
    }

    /// [`LocalRateLimiter::with_recent_starts`] with `wall_now` taken as the wall-clock time of this moment
    /// (tests pair it with a paused tokio clock).
    ///
    /// A start later than `wall_now` (the wall clock was set back between the two processes) counts as
    /// starting now: every recorded request did start before the record was made, so that is the latest it can
    /// have been, and the safe side of the limit.
    pub fn with_recent_starts_as_of(
        max_requests: u32,
        per: Duration,
        starts: &RecentStarts,
        wall_now: SystemTime,
    ) -> LocalRateLimiter {
        let limiter = LocalRateLimiter::build(max_requests, per, None);
        let now = Instant::now();
        for (account, walls) in starts {
            let mut instants: Vec<Instant> = walls
                .iter()
                .filter_map(|wall| {
                    let age = wall_now.duration_since(*wall).unwrap_or_default();
                    // A start whose age the tokio clock cannot go back to is counted as recent (the safe side).
                    (age < per).then(|| now.checked_sub(age).unwrap_or(now))
                })
                .collect();
            if instants.is_empty() {
                continue;
            }
            instants.sort();
            limiter.with_account(account, |window: &mut AccountWindow| {
                window.starts = instants.into();
            });
        }
        limiter
    }

    /// The wall-clock start times of each account's requests in the last window: what a successor needs to go
    /// on where this limiter stops. Slots reserved for later are left out; call [`LocalRateLimiter::close`]
    /// first, so that none of them starts after all.
    pub fn recent_starts(&self) -> RecentStarts {
        self.recent_starts_as_of(SystemTime::now())
    }

    /// [`LocalRateLimiter::recent_starts`] with `wall_now` taken as the wall-clock time of this moment.
    pub fn recent_starts_as_of(&self, wall_now: SystemTime) -> RecentStarts {
        let now = Instant::now();
        let per = self.inner.per;
        let accounts = self
            .inner
            .accounts
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner);
        accounts
            .iter()
            .filter_map(|(account, window)| {
                let walls: Vec<SystemTime> = window
                    .starts
                    .iter()
                    .filter(|start| **start <= now && **start + per > now)
                    .map(|start| wall_now.checked_sub(now - *start).unwrap_or(wall_now))
                    .collect();
                (!walls.is_empty()).then(|| (account.clone(), walls))
            })
            .collect()
    }

    /// Stops the limiter: from now on every request is refused with [`Error::Throttled`], including those
    /// already waiting for a slot, so the starts read by [`LocalRateLimiter::recent_starts`] afterwards are
    /// the last this limiter lets through. For a process that is shutting down.
    pub fn close(&self) {
        self.inner.closed.store(true, Ordering::SeqCst);
    }

    /// Whether [`LocalRateLimiter::close`] was called.
    pub fn is_closed(&self) -> bool {
        self.inner.closed.load(Ordering::SeqCst)
    }

    /// `Err(Throttled)` once the limiter is closed.
    pub(super) fn refuse_when_closed(&self) -> Result<(), Error> {
        if self.is_closed() {
            return Err(Error::Throttled {
                wait: self.inner.per,
            });
        }
        Ok(())
    }
}
