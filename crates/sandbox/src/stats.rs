//! Request counters and the sliding-window rate limit, so tests and benchmarks can see what a
//! client really sent.

use std::collections::{BTreeMap, VecDeque};
use std::time::Duration;

use serde::{Deserialize, Serialize};
use tokio::time::Instant;

/// A snapshot of what the sandbox has received since it started or since the last reset.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Stats {
    /// Requests to the amoCRM listener by endpoint, with numeric path segments folded into `{id}`:
    /// `"GET /api/v4/contacts"`, `"GET /api/v4/leads/{id}"`, `"POST /oauth2/access_token"`.
    pub endpoints: BTreeMap<String, u64>,
    /// Requests under `/api/v4/`, whatever their answer.
    pub api_requests: u64,
    /// The most API requests that started within any one-second window.
    pub max_requests_per_second: u32,
    /// 429 answers sent, by the built-in rate limit or by an injected fault.
    pub too_many_requests: u64,
    /// Requests to the Usedesk listener by endpoint, e.g. `"POST /create/comment"`.
    pub usedesk_endpoints: BTreeMap<String, u64>,
}

/// Which stand-in a request reached.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Side {
    /// The amoCRM listener.
    Amocrm,
    /// The Usedesk listener.
    Usedesk,
}

/// The mutable counters behind [`Stats`].
#[derive(Debug, Default)]
pub(crate) struct StatsRecorder {
    endpoints: BTreeMap<String, u64>,
    usedesk_endpoints: BTreeMap<String, u64>,
    api_starts: Vec<Instant>,
    too_many_requests: u64,
}

impl StatsRecorder {
    /// Counts one request.
    pub(crate) fn endpoint(&mut self, side: Side, method: &str, path: &str) {
        let map = match side {
            Side::Amocrm => &mut self.endpoints,
            Side::Usedesk => &mut self.usedesk_endpoints,
        };
        *map.entry(endpoint_key(method, path)).or_default() += 1;
    }

    /// Records the start of one API request.
    pub(crate) fn api_start(&mut self, at: Instant) {
        self.api_starts.push(at);
    }

    /// Counts one 429 answer.
    pub(crate) fn too_many(&mut self) {
        self.too_many_requests += 1;
    }

    /// Forgets everything.
    pub(crate) fn reset(&mut self) {
        *self = Self::default();
    }

    /// The current numbers.
    pub(crate) fn snapshot(&self) -> Stats {
        Stats {
            endpoints: self.endpoints.clone(),
            api_requests: self.api_starts.len() as u64,
            max_requests_per_second: max_in_window(&self.api_starts, Duration::from_secs(1)),
            too_many_requests: self.too_many_requests,
            usedesk_endpoints: self.usedesk_endpoints.clone(),
        }
    }
}

/// The largest number of instants inside any half-open window `[t, t + window)`. The instants are
/// recorded under a lock in arrival order, so they are already sorted.
fn max_in_window(starts: &[Instant], window: Duration) -> u32 {
    let mut best = 0;
    let mut first = 0;
    for (last, at) in starts.iter().enumerate() {
        while at.duration_since(starts[first]) >= window {
            first += 1;
        }
        best = best.max(last - first + 1);
    }
    u32::try_from(best).unwrap_or(u32::MAX)
}

/// `GET /api/v4/leads/123/notes` becomes `GET /api/v4/leads/{id}/notes`, so counters group by endpoint.
pub(crate) fn endpoint_key(method: &str, path: &str) -> String {
    let folded: Vec<&str> = path
        .split('/')
        .map(|segment| {
            if !segment.is_empty() && segment.bytes().all(|b| b.is_ascii_digit()) {
                "{id}"
            } else {
                segment
            }
        })
        .collect();
    format!("{method} {}", folded.join("/"))
}

/// The built-in rate limit: a log of recent API request starts.
#[derive(Debug, Default)]
pub(crate) struct WindowLimiter {
    starts: VecDeque<Instant>,
}

impl WindowLimiter {
    /// Records a request starting `now` and says whether it exceeds `max` starts within `window`.
    /// Refused requests count too, as they do at amoCRM: hammering a limited account keeps it limited.
    pub(crate) fn arrive(&mut self, now: Instant, max: u32, window: Duration) -> bool {
        while let Some(front) = self.starts.front() {
            if now.duration_since(*front) >= window {
                self.starts.pop_front();
            } else {
                break;
            }
        }
        self.starts.push_back(now);
        self.starts.len() > max as usize
    }
}
