//! Spacing of sequential blocks so the account's rate limiter never makes a request wait: latency runs measure
//! how deep a block goes into amoCRM, and the limiter's own effect is measured by the burst.

use std::collections::VecDeque;
use std::time::Duration;

use tokio::time::Instant;

/// Remembers when earlier blocks' amoCRM requests may have started, and waits until one more block fits.
#[derive(Debug)]
pub struct Pacer {
    window: Duration,
    max: u64,
    /// (when the block ended, how many amoCRM requests it made). Its requests all started before it ended,
    /// so counting them at the end is the cautious side.
    recent: VecDeque<(Instant, u64)>,
}

impl Pacer {
    /// A pacer for at most `max` requests in any `window`.
    pub fn new(max: u64, window: Duration) -> Self {
        Self {
            window,
            max,
            recent: VecDeque::new(),
        }
    }

    /// Requests counted in the window ending `now`.
    fn in_window(&mut self, now: Instant) -> u64 {
        while self
            .recent
            .front()
            .is_some_and(|(end, _)| *end + self.window <= now)
        {
            self.recent.pop_front();
        }
        self.recent.iter().map(|(_, n)| n).sum()
    }

    /// How long to wait before a block of `next` requests fits; zero when it fits now. A block larger than
    /// the limit waits until nothing else is in the window.
    pub fn delay(&mut self, now: Instant, next: u64) -> Duration {
        let next = next.min(self.max);
        let mut used = self.in_window(now);
        let mut wait_until = now;
        for (end, n) in &self.recent {
            if used + next <= self.max {
                break;
            }
            used -= n;
            wait_until = *end + self.window;
        }
        wait_until - now
    }

    /// Waits until a block of `next` requests fits.
    pub async fn wait(&mut self, next: u64) {
        let delay = self.delay(Instant::now(), next);
        if !delay.is_zero() {
            tokio::time::sleep(delay).await;
        }
    }

    /// Records a block that ended `at` after making `requests`.
    pub fn record(&mut self, at: Instant, requests: u64) {
        self.recent.push_back((at, requests));
    }
}
