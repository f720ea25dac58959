//! The API client: one account, one token source, one rate limiter; every request goes through
//! [`AmoClient::execute`], which applies the limiter, the token, the 401 retry, and the 429 / 403
//! back-off.
//!
//! A request with a deadline ([`ClientBuilder::max_limiter_wait`]) waits out a 429 pause that
//! ends within it and fails fast with [`Error::Paused`] only when the pause ends later.

use std::fmt;
use std::sync::Arc;
use std::time::Duration;

use reqwest::Method;
use reqwest::header::{ACCEPT, CONTENT_TYPE, HeaderMap};
use secrecy::{ExposeSecret, SecretString};
use serde::de::DeserializeOwned;
use tokio::time::Instant;
use url::Url;

use crate::Error;
use crate::builder::BackoffPolicy;
use crate::gate::{Priority, PriorityGate};
use crate::host::AccountHost;
use crate::limiter::RateLimiter;
use crate::status::{parse_problem, transport_error};
use crate::tokens::TokenSource;

mod call;
mod pauses;

use call::CallSource;
pub(crate) use call::{Body, Call, decode};

/// How late after its slot a request may still be sent: later, it could land in amoCRM's next window together with
/// the requests of that window.
const STALE_SLOT: Duration = Duration::from_millis(50);

/// Receives one notification per HTTP call and per limiter wait, for metrics.
///
/// Both methods default to doing nothing.
pub trait CallObserver: Send + Sync {
    /// A call finished: `endpoint` is a fixed label such as `GET /api/v4/contacts`, `status` is
    /// `None` when no answer arrived (timeout, transport error).
    fn on_call(&self, endpoint: &'static str, status: Option<u16>, elapsed: Duration) {
        let _ = (endpoint, status, elapsed);
    }
    /// A request waited `waited` for the rate limiter (zero when it went at once).
    fn on_limiter_wait(&self, waited: Duration) {
        let _ = waited;
    }
}

/// A client for one amoCRM / Kommo account. Cheap to clone: clones share everything.
#[derive(Clone)]
pub struct AmoClient {
    pub(crate) inner: Arc<Inner>,
}

pub(crate) struct Inner {
    pub(crate) host: AccountHost,
    pub(crate) tokens: Arc<dyn TokenSource>,
    pub(crate) http: reqwest::Client,
    pub(crate) limiter: Arc<dyn RateLimiter>,
    pub(crate) timeout: Option<Duration>,
    pub(crate) observer: Option<Arc<dyn CallObserver>>,
    pub(crate) backoff: BackoffPolicy,
    pub(crate) max_limiter_wait: Option<Duration>,
    pub(crate) gate: Option<PriorityGate>,
    pub(crate) priority: Priority,
    pub(crate) max_pause_wait: Option<Duration>,
}

impl fmt::Debug for AmoClient {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("AmoClient")
            .field("host", &self.inner.host.as_str())
            .field("timeout", &self.inner.timeout)
            .field("backoff", &self.inner.backoff)
            .finish_non_exhaustive()
    }
}

impl AmoClient {
    /// The account this client talks to.
    pub fn host(&self) -> &AccountHost {
        &self.inner.host
    }

    /// The rate limiter this client uses.
    pub fn rate_limiter(&self) -> &Arc<dyn RateLimiter> {
        &self.inner.limiter
    }

    /// The URL of `path` (absolute, starting with `/`) on the account host, with `query` pairs.
    pub(crate) fn url(&self, path: &str, query: &[(String, String)]) -> Url {
        let mut url = self.inner.host.url().clone();
        url.set_path(path);
        if !query.is_empty() {
            url.query_pairs_mut().extend_pairs(query);
        }
        url
    }

    /// The priority this client's requests have at the [`PriorityGate`].
    pub fn priority(&self) -> Priority {
        self.inner.priority
    }

    /// The same client with another priority (sharing everything else).
    pub fn with_priority(&self, priority: Priority) -> AmoClient {
        self.derived(priority, self.inner.max_limiter_wait)
    }

    /// The same client whose requests fail at once ([`Error::Throttled`]) when they could not start within
    /// `wait` (sharing everything else): for reads worth making only while the account is not busy.
    pub fn with_max_limiter_wait(&self, wait: Duration) -> AmoClient {
        self.derived(self.inner.priority, Some(wait))
    }

    fn derived(&self, priority: Priority, max_limiter_wait: Option<Duration>) -> AmoClient {
        let inner = &*self.inner;
        AmoClient {
            inner: Arc::new(Inner {
                host: inner.host.clone(),
                tokens: inner.tokens.clone(),
                http: inner.http.clone(),
                limiter: inner.limiter.clone(),
                timeout: inner.timeout,
                observer: inner.observer.clone(),
                backoff: inner.backoff,
                max_limiter_wait,
                gate: inner.gate.clone(),
                priority,
                max_pause_wait: inner.max_pause_wait,
            }),
        }
    }

    /// Sends `call` and returns the body of a successful answer.
    pub(crate) async fn execute(&self, call: &Call) -> Result<Body, Error> {
        self.execute_from(CallSource::Ready(call)).await
    }

    /// Like [`execute`](Self::execute), but the call is made only when the request has its limiter slot, so
    /// what it asks for can still grow while it waits (batched reads).
    pub(crate) async fn execute_deferred(
        &self,
        make: Box<dyn FnOnce() -> Result<Call, Error> + Send + '_>,
    ) -> Result<Body, Error> {
        self.execute_from(CallSource::Deferred(Some(make), None))
            .await
    }

    async fn execute_from(&self, mut source: CallSource<'_>) -> Result<Body, Error> {
        let inner = &*self.inner;
        let account = inner.host.as_str();
        // After a 401 the renewed token is used for one more attempt; a second 401 is final.
        let mut renewed: Option<SecretString> = None;
        let mut retried = false;
        let started = Instant::now();
        let deadline = inner.max_limiter_wait.map(|wait| started + wait);
        // 429 pauses are waited out only until this (never later than the deadline).
        let pause_deadline = match (inner.max_pause_wait, deadline) {
            (Some(wait), Some(d)) => Some((started + wait).min(d)),
            (Some(wait), None) => Some(started + wait),
            (None, d) => d,
        };
        loop {
            if !self.take_slot(deadline, pause_deadline).await? {
                continue;
            }
            let asked = Instant::now();
            let bearer = match renewed.take() {
                Some(token) => token,
                None => inner.tokens.access_token().await?,
            };
            // Waiting for the token (another request was refreshing it) made the slot stale: sent now, this
            // request would arrive closer to the next ones than the limit allows. It takes a new slot.
            if asked.elapsed() > STALE_SLOT {
                renewed = Some(bearer);
                continue;
            }
            let call = source.call()?;
            let (status, headers, body) = self.send_once(call, &bearer).await?;

            if (200..300).contains(&status) {
                if let Err(error) = inner.limiter.succeeded(account).await {
                    tracing::warn!(%error, "could not reset the amoCRM back-off");
                }
                return Ok(Some(body).filter(|b| status != 204 && !b.is_empty()));
            }
            if status == 401 && !retried {
                retried = true;
                // The token was refused: renew it once (single-flight in the token source) and
                // repeat the request with the new one. A 401 means amoCRM did not process the
                // request, so repeating it once is safe even for a write.
                match inner.tokens.refresh_after_unauthorized(&bearer).await {
                    Ok(fresh) => {
                        renewed = Some(fresh);
                        continue;
                    }
                    Err(Error::Unauthorized { problem: None }) => {
                        return Err(Error::Unauthorized {
                            problem: parse_problem(&body),
                        });
                    }
                    Err(other) => return Err(other),
                }
            }
            let error = self.failure(call, status, &headers, &body).await;
            // amoCRM did not process a request it answered 429, so a read is repeated once the
            // pause it set is over, when that is before the deadline. Writes are never repeated.
            if matches!(error, Error::TooManyRequests { .. })
                && call.method == Method::GET
                && self.pause_ends_by(account, pause_deadline).await
            {
                continue;
            }
            return Err(error);
        }
    }

    /// Waits out a pause, then for the request's turn at the gate and its limiter slot. Returns `false` when the
    /// slot came stale (the process woke late, or the account was paused meanwhile): the caller takes another.
    async fn take_slot(
        &self,
        deadline: Option<Instant>,
        pause_deadline: Option<Instant>,
    ) -> Result<bool, Error> {
        let inner = &*self.inner;
        let account = inner.host.as_str();
        self.wait_out_pause(account, pause_deadline).await?;
        // The gate orders requests by priority and keeps the limiter's own queue about one window long.
        let permit = match &inner.gate {
            Some(gate) => Some(gate.acquire(account, inner.priority, deadline).await?),
            None => None,
        };
        let asked_slot = Instant::now();
        let max_wait = deadline.map(|d| d.saturating_duration_since(asked_slot));
        let waited = inner.limiter.acquire(account, max_wait).await?;
        drop(permit);
        // Woken late (a busy process): sent now, the request would land in amoCRM's next window with that
        // window's own requests. It takes a new slot instead.
        if asked_slot.elapsed() > waited + STALE_SLOT {
            return Ok(false);
        }
        if let Some(observer) = &inner.observer {
            observer.on_limiter_wait(waited);
        }
        // Another request may have paused the account while this one waited for its slot. The
        // slot is stale once the pause has been waited out: it was counted before the pause,
        // and sending in it now could exceed the limit, so a new one is taken.
        Ok(!self.wait_out_pause(account, pause_deadline).await?)
    }

    /// One HTTP exchange, within the timeout, reported to the observer.
    async fn send_once(
        &self,
        call: &Call,
        bearer: &SecretString,
    ) -> Result<(u16, HeaderMap, Vec<u8>), Error> {
        let inner = &*self.inner;
        let mut request = inner
            .http
            .request(call.method.clone(), call.url.clone())
            .bearer_auth(bearer.expose_secret())
            .header(ACCEPT, "application/json");
        if let Some(body) = &call.body {
            request = request
                .header(CONTENT_TYPE, "application/json")
                .body(body.clone());
        }
        let exchange = async {
            let response = request.send().await.map_err(transport_error)?;
            let status = response.status().as_u16();
            let headers = response.headers().clone();
            let body = response.bytes().await.map_err(transport_error)?;
            Ok::<_, Error>((status, headers, body.to_vec()))
        };
        let started = Instant::now();
        let result = match inner.timeout {
            Some(timeout) => tokio::time::timeout(timeout, exchange)
                .await
                .unwrap_or(Err(Error::Timeout)),
            None => exchange.await,
        };
        let elapsed = started.elapsed();
        let status = result.as_ref().ok().map(|(status, _, _)| *status);
        if let Some(observer) = &inner.observer {
            observer.on_call(call.endpoint, status, elapsed);
        }
        match &result {
            Ok((status, headers, _)) => {
                let request_id = headers
                    .get("x-request-id")
                    .and_then(|v| v.to_str().ok())
                    .unwrap_or("-");
                tracing::debug!(
                    endpoint = call.endpoint,
                    status,
                    request_id,
                    elapsed_ms = elapsed.as_millis() as u64,
                    host = %inner.host,
                    "amoCRM call"
                );
            }
            Err(error) => tracing::debug!(
                endpoint = call.endpoint,
                %error,
                elapsed_ms = elapsed.as_millis() as u64,
                host = %inner.host,
                "amoCRM call failed"
            ),
        }
        result
    }

    /// One entity at `path` (with amoCRM's `with=` when `with` is given); `None` when it does not exist (404 or
    /// 204).
    pub(crate) async fn fetch_one<T: DeserializeOwned>(
        &self,
        endpoint: &'static str,
        path: &str,
        with: Option<&str>,
    ) -> Result<Option<T>, Error> {
        let query: Vec<(String, String)> = with
            .map(|with| ("with".to_owned(), with.to_owned()))
            .into_iter()
            .collect();
        let url = self.url(path, &query);
        match self.fetch(&Call::get(endpoint, url)).await {
            Err(Error::NotFound) => Ok(None),
            other => other,
        }
    }

    /// Sends `call` and decodes the JSON answer; `None` for 204 / empty answers.
    pub(crate) async fn fetch<T: DeserializeOwned>(&self, call: &Call) -> Result<Option<T>, Error> {
        match self.execute(call).await? {
            Some(body) => decode(call.endpoint, &body).map(Some),
            None => Ok(None),
        }
    }
}
