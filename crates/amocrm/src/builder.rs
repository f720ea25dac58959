//! Configuring an [`AmoClient`]: its HTTP client, rate limiter, timeouts, observer and back-off policy.

use std::fmt;
use std::sync::Arc;
use std::time::Duration;

use crate::client::{AmoClient, CallObserver, Inner};
use crate::gate::{Priority, PriorityGate};
use crate::host::AccountHost;
use crate::limiter::{BackoffSteps, LocalRateLimiter, RateLimiter};
use crate::tokens::TokenSource;

const DEFAULT_TIMEOUT: Duration = Duration::from_secs(10);

/// How long an account is paused after amoCRM pushes back.
///
/// A 429 with a JSON `retry_after` pauses the account for exactly that long.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct BackoffPolicy {
    /// Pauses after consecutive 429s that did not say how long to wait (HTML bodies): growing
    /// steps from 1 s to a cap of 60 s by default, reset by a success.
    pub steps_429: BackoffSteps,
    /// Pause after a 403 taken as a block. Default 300 s.
    pub forbidden_cooldown: Duration,
}

impl Default for BackoffPolicy {
    fn default() -> Self {
        BackoffPolicy {
            steps_429: BackoffSteps::default(),
            forbidden_cooldown: Duration::from_secs(300),
        }
    }
}

/// Configures an [`AmoClient`]; start with [`AmoClient::builder`].
pub struct ClientBuilder {
    host: AccountHost,
    tokens: Arc<dyn TokenSource>,
    http: Option<reqwest::Client>,
    limiter: Option<Arc<dyn RateLimiter>>,
    timeout: Option<Duration>,
    observer: Option<Arc<dyn CallObserver>>,
    backoff: BackoffPolicy,
    max_limiter_wait: Option<Duration>,
    gate: Option<PriorityGate>,
    priority: Priority,
    max_pause_wait: Option<Duration>,
}

impl ClientBuilder {
    /// Sends requests through `http`; share one `reqwest::Client` across accounts to share its
    /// connection pool. By default a new one is created.
    pub fn http_client(mut self, http: reqwest::Client) -> ClientBuilder {
        self.http = Some(http);
        self
    }

    /// Uses `limiter` (keyed by the account host). By default a new [`LocalRateLimiter`] of 7
    /// requests per second; pass one shared limiter to every client of the same account.
    pub fn rate_limiter(mut self, limiter: Arc<dyn RateLimiter>) -> ClientBuilder {
        self.limiter = Some(limiter);
        self
    }

    /// Gives every request a deadline `wait` from its start, for everything before it is sent:
    /// the rate limiter's queue and 429 pauses.
    ///
    /// A request whose slot lies beyond the deadline fails at once with [`Error::Throttled`](crate::Error::Throttled); one
    /// to an account paused after a 429 waits the pause out when it ends before the deadline and
    /// fails at once with [`Error::Paused`](crate::Error::Paused) otherwise. Nothing is sent in either failure, so a
    /// caller with a deadline learns it cannot make it instead of waiting in vain. By default
    /// requests wait as long as the limiter says, and fail at once on any pause.
    pub fn max_limiter_wait(mut self, wait: Duration) -> ClientBuilder {
        self.max_limiter_wait = Some(wait);
        self
    }

    /// Waits out a 429 pause only when it ends within `wait` of the request's start (and within
    /// [`max_limiter_wait`](Self::max_limiter_wait)), so a caller may queue long for our own limiter yet give up at
    /// once when amoCRM itself pushed back. By default the limiter's deadline applies to both.
    pub fn max_pause_wait(mut self, wait: Duration) -> ClientBuilder {
        self.max_pause_wait = Some(wait);
        self
    }

    /// Fails a request with [`Error::Timeout`](crate::Error::Timeout) when sending it and reading its answer take
    /// longer than `timeout` (10 s by default). The wait for the rate limiter is not included.
    pub fn timeout(mut self, timeout: Duration) -> ClientBuilder {
        self.timeout = Some(timeout);
        self
    }

    /// No per-request timeout, for callers that enforce their own deadline around every call
    /// (and for tests under a paused tokio clock, where a pending timer would fire at once).
    pub fn no_timeout(mut self) -> ClientBuilder {
        self.timeout = None;
        self
    }

    /// Orders this client's requests through `gate` (share one gate per process) with `priority`; by default
    /// there is no gate and requests reach the limiter in arrival order.
    pub fn gate(mut self, gate: PriorityGate, priority: Priority) -> ClientBuilder {
        self.gate = Some(gate);
        self.priority = priority;
        self
    }

    /// Reports every call and limiter wait to `observer`.
    pub fn observer(mut self, observer: Arc<dyn CallObserver>) -> ClientBuilder {
        self.observer = Some(observer);
        self
    }

    /// Sets how long the account is paused after a 429 or a 403.
    pub fn backoff(mut self, backoff: BackoffPolicy) -> ClientBuilder {
        self.backoff = backoff;
        self
    }

    /// Builds the client. Without [`ClientBuilder::http_client`], a default `reqwest::Client`
    /// is created here.
    pub fn build(self) -> AmoClient {
        AmoClient {
            inner: Arc::new(Inner {
                host: self.host,
                tokens: self.tokens,
                http: self.http.unwrap_or_default(),
                limiter: self
                    .limiter
                    .unwrap_or_else(|| Arc::new(LocalRateLimiter::amocrm_default())),
                timeout: self.timeout,
                observer: self.observer,
                backoff: self.backoff,
                max_limiter_wait: self.max_limiter_wait,
                gate: self.gate,
                priority: self.priority,
                max_pause_wait: self.max_pause_wait,
            }),
        }
    }
}

impl fmt::Debug for ClientBuilder {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("ClientBuilder")
            .field("host", &self.host.as_str())
            .field("timeout", &self.timeout)
            .field("backoff", &self.backoff)
            .finish_non_exhaustive()
    }
}

impl AmoClient {
    /// Starts configuring a client for the account at `host`, authenticated by `tokens`.
    pub fn builder(host: AccountHost, tokens: Arc<dyn TokenSource>) -> ClientBuilder {
        ClientBuilder {
            host,
            tokens,
            http: None,
            limiter: None,
            timeout: Some(DEFAULT_TIMEOUT),
            observer: None,
            backoff: BackoffPolicy::default(),
            max_limiter_wait: None,
            gate: None,
            priority: Priority::default(),
            max_pause_wait: None,
        }
    }
}
