//! The sliding-window limiter and account pauses, under tokio's paused clock.

use std::sync::{Arc, Mutex};
use std::time::{Duration, SystemTime};

use amocrm::{AmoClient, Error, LocalRateLimiter, PauseReason, RateLimiter, StaticToken};
use async_trait::async_trait;
use futures_util::future::join_all;
use tokio::time::Instant;
use wiremock::matchers::{method, path};
use wiremock::{Mock, MockServer};

use crate::support::{fixture, hal, host_for, mount_catch_all};

/// Wraps a limiter and records when each request was let through, i.e. when it started.
struct RecordingLimiter {
    inner: LocalRateLimiter,
    starts: Mutex<Vec<Instant>>,
}

#[async_trait]
impl RateLimiter for RecordingLimiter {
    async fn acquire(&self, account: &str, max_wait: Option<Duration>) -> Result<Duration, Error> {
        let waited = self.inner.acquire(account, max_wait).await?;
        self.starts.lock().unwrap().push(Instant::now());
        Ok(waited)
    }

    async fn pause(
        &self,
        account: &str,
        until: SystemTime,
        reason: PauseReason,
    ) -> Result<(), Error> {
        self.inner.pause(account, until, reason).await
    }

    async fn paused(&self, account: &str) -> Result<Option<(SystemTime, PauseReason)>, Error> {
        self.inner.paused(account).await
    }
}

/// The largest number of `starts` inside any half-open window `[t, t + window)`.
pub(crate) fn max_in_any_window(starts: &[Instant], window: Duration) -> usize {
    starts
        .iter()
        .map(|&from| {
            starts
                .iter()
                .filter(|&&s| s >= from && s < from + window)
                .count()
        })
        .max()
        .unwrap_or(0)
}

#[tokio::test(start_paused = true)]
async fn a_burst_of_30_calls_starts_7_at_once_and_never_more_than_7_in_any_second() {
    // Arrange
    let server = MockServer::start().await;
    mount_catch_all(&server).await;
    Mock::given(method("GET"))
        .and(path("/api/v4/leads/pipelines"))
        .respond_with(hal(fixture!("pipelines.json")))
        .expect(30)
        .mount(&server)
        .await;
    let limiter = Arc::new(RecordingLimiter {
        inner: LocalRateLimiter::new(7, Duration::from_secs(1)),
        starts: Mutex::new(Vec::new()),
    });
    // Under a paused clock any pending timer fires as soon as the runtime idles on network I/O,
    // so this test runs without a request timeout and without the pool's idle timer.
    let http = reqwest::Client::builder()
        .pool_idle_timeout(None)
        .build()
        .unwrap();
    let client = AmoClient::builder(host_for(&server), Arc::new(StaticToken::new("t")))
        .http_client(http)
        .rate_limiter(limiter.clone())
        .no_timeout()
        .build();
    let began = Instant::now();

    // Act
    let results = join_all((0..30).map(|_| {
        let client = client.clone();
        async move { client.pipelines().list().await }
    }))
    .await;

    // Assert
    assert!(results.iter().all(Result::is_ok));
    let mut starts = limiter.starts.lock().unwrap().clone();
    starts.sort();
    assert_eq!(starts.len(), 30);
    assert!(
        starts[..7].iter().all(|&s| s == began),
        "the first 7 go at once"
    );
    assert!(
        starts[7] >= began + Duration::from_secs(1),
        "the 8th waits a full window"
    );
    assert_eq!(max_in_any_window(&starts, Duration::from_secs(1)), 7);
    assert!(
        starts[29] < began + Duration::from_secs(5),
        "30 calls need only 5 windows"
    );
}

#[tokio::test(start_paused = true)]
async fn the_limiter_reports_the_time_each_caller_waited_and_keeps_accounts_apart() {
    // Arrange
    let limiter = LocalRateLimiter::new(2, Duration::from_secs(1));

    // Act
    let first = limiter.acquire("a", None).await.unwrap();
    let second = limiter.acquire("a", None).await.unwrap();
    let other_account = limiter.acquire("b", None).await.unwrap();
    let third = limiter.acquire("a", None).await.unwrap();

    // Assert
    assert_eq!(first, Duration::ZERO);
    assert_eq!(second, Duration::ZERO);
    assert_eq!(other_account, Duration::ZERO);
    assert_eq!(third, Duration::from_secs(1));
}

#[tokio::test(start_paused = true)]
async fn a_pause_ends_when_its_time_has_passed_and_is_never_shortened() {
    // Arrange
    let limiter = LocalRateLimiter::amocrm_default();
    let long = SystemTime::now() + Duration::from_secs(300);
    let short = SystemTime::now() + Duration::from_secs(60);
    limiter
        .pause("acc", long, PauseReason::Forbidden)
        .await
        .unwrap();
    limiter
        .pause("acc", short, PauseReason::TooManyRequests)
        .await
        .unwrap();

    // Act
    let during = limiter.paused("acc").await.unwrap();
    tokio::time::advance(Duration::from_secs(301)).await;
    let after = limiter.paused("acc").await.unwrap();

    // Assert
    assert_eq!(during, Some((long, PauseReason::Forbidden)));
    assert_eq!(after, None);
    assert_eq!(limiter.paused("other").await.unwrap(), None);
}

#[test]
fn pause_reasons_have_stable_names() {
    // Arrange
    let reasons = [PauseReason::TooManyRequests, PauseReason::Forbidden];

    // Act
    let names: Vec<&str> = reasons.iter().map(|r| r.as_str()).collect();
    let parsed: Vec<PauseReason> = names.iter().map(|n| n.parse().unwrap()).collect();

    // Assert
    assert_eq!(names, ["too_many_requests", "forbidden"]);
    assert_eq!(parsed, reasons);
    assert!("blocked".parse::<PauseReason>().is_err());
}

#[tokio::test(start_paused = true)]
async fn a_request_that_stops_waiting_gives_its_slot_back() {
    // Arrange: the window is full, and a waiting request is abandoned (as a render deadline does).
    let limiter = LocalRateLimiter::new(1, Duration::from_secs(1));
    limiter.acquire("a", None).await.unwrap();
    let abandoned =
        tokio::time::timeout(Duration::from_millis(100), limiter.acquire("a", None)).await;

    // Act: a later request for the same account.
    let started = Instant::now();
    let waited = limiter.acquire("a", None).await.unwrap();

    // Assert: it takes the first free slot (1 s after the first request), not one behind the abandoned one.
    assert!(abandoned.is_err(), "the first waiter was abandoned");
    assert_eq!(started.elapsed(), waited);
    assert_eq!(waited, Duration::from_millis(900));
}

#[tokio::test(start_paused = true)]
async fn a_request_that_would_wait_too_long_fails_at_once_and_reserves_nothing() {
    // Arrange
    let limiter = LocalRateLimiter::new(2, Duration::from_secs(1));
    limiter.acquire("a", None).await.unwrap();
    limiter.acquire("a", None).await.unwrap();

    // Act
    let refused = limiter.acquire("a", Some(Duration::from_millis(500))).await;
    let next = limiter
        .acquire("a", Some(Duration::from_secs(2)))
        .await
        .unwrap();

    // Assert
    match refused {
        Err(Error::Throttled { wait }) => assert_eq!(wait, Duration::from_secs(1)),
        other => panic!("expected Throttled, got {other:?}"),
    }
    assert_eq!(
        next,
        Duration::from_secs(1),
        "the refused request took no slot"
    );
}
