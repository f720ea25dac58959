//! 429 back-off in growing steps, waiting out pauses within the caller's deadline, and a limiter
//! that starts full after a restart — under tokio's paused clock.

use std::sync::Arc;
use std::time::{Duration, SystemTime};

use amocrm::{
    AmoClient, BackoffSteps, Error, LocalRateLimiter, PauseReason, RateLimiter, StaticToken,
};
use futures_util::future::join_all;
use tokio::time::Instant;
use wiremock::matchers::{method, path};
use wiremock::{Mock, MockServer, ResponseTemplate};

use crate::support::{fixture, hal, host_for, mount_catch_all, problem};

const ACCOUNT: &str = "https://hogwarts.amocrm.ru";

fn secs(n: u64) -> Duration {
    Duration::from_secs(n)
}

/// A client for `server` with a deadline of `deadline` before sending. Under a paused clock any
/// pending timer fires as soon as the runtime idles on network I/O, so there is no request timeout
/// and no idle timer in the pool.
fn client(server: &MockServer, limiter: LocalRateLimiter, deadline: Option<Duration>) -> AmoClient {
    let http = reqwest::Client::builder()
        .pool_idle_timeout(None)
        .build()
        .unwrap();
    let mut builder = AmoClient::builder(host_for(server), Arc::new(StaticToken::new("t")))
        .http_client(http)
        .rate_limiter(Arc::new(limiter))
        .no_timeout();
    if let Some(deadline) = deadline {
        builder = builder.max_limiter_wait(deadline);
    }
    builder.build()
}

fn html_429() -> ResponseTemplate {
    ResponseTemplate::new(429).set_body_raw(fixture!("too_many_requests_429.html"), "text/html")
}

async fn mount_account(server: &MockServer, answer: ResponseTemplate, times: u64) {
    Mock::given(method("GET"))
        .and(path("/api/v4/account"))
        .respond_with(answer)
        .up_to_n_times(times)
        .expect(times)
        .mount(server)
        .await;
}

#[test]
fn the_default_steps_double_from_one_second_up_to_a_cap_of_a_minute() {
    let steps = BackoffSteps::default();

    let pauses: Vec<u64> = (1..=9).map(|n| steps.pause(n).as_secs()).collect();

    assert_eq!(pauses, [1, 2, 4, 8, 16, 32, 60, 60, 60]);
    assert_eq!(steps.pause(u32::MAX), secs(60), "no overflow at any step");
}

#[tokio::test(start_paused = true)]
async fn consecutive_429s_without_retry_after_pause_for_growing_steps_up_to_the_cap() {
    // Arrange
    let limiter = LocalRateLimiter::new(7, secs(1));
    let steps = BackoffSteps {
        first: secs(1),
        cap: secs(5),
    };

    // Act: each 429 arrives after the previous pause has ended.
    let mut pauses = Vec::new();
    for _ in 0..5 {
        let pause = limiter.back_off(ACCOUNT, steps).await.unwrap();
        tokio::time::advance(pause).await;
        pauses.push(pause);
    }

    // Assert
    assert_eq!(pauses, [secs(1), secs(2), secs(4), secs(5), secs(5)]);
}

#[tokio::test(start_paused = true)]
async fn a_429_answered_during_a_pause_keeps_the_pause_and_takes_no_step() {
    // Arrange: a burst of requests all answered 429.
    let limiter = LocalRateLimiter::new(7, secs(1));
    let steps = BackoffSteps::default();
    let first = limiter.back_off(ACCOUNT, steps).await.unwrap();
    tokio::time::advance(Duration::from_millis(300)).await;

    // Act
    let rest: Vec<Duration> = join_all((0..6).map(|_| limiter.back_off(ACCOUNT, steps)))
        .await
        .into_iter()
        .map(Result::unwrap)
        .collect();
    tokio::time::advance(Duration::from_millis(700)).await;
    let next = limiter.back_off(ACCOUNT, steps).await.unwrap();

    // Assert
    assert_eq!(first, secs(1));
    assert!(
        rest.iter().all(|&d| d == Duration::from_millis(700)),
        "{rest:?}"
    );
    assert_eq!(next, secs(2), "the burst counted as one step");
}

#[tokio::test(start_paused = true)]
async fn a_success_ends_the_streak_and_the_next_429_pauses_for_the_first_step_again() {
    // Arrange
    let limiter = LocalRateLimiter::new(7, secs(1));
    let steps = BackoffSteps::default();
    for _ in 0..3 {
        let pause = limiter.back_off(ACCOUNT, steps).await.unwrap();
        tokio::time::advance(pause).await;
    }

    // Act
    limiter.succeeded(ACCOUNT).await.unwrap();
    let after_success = limiter.back_off(ACCOUNT, steps).await.unwrap();

    // Assert
    assert_eq!(after_success, secs(1));
}

#[tokio::test(start_paused = true)]
async fn a_streak_is_forgotten_after_a_quiet_spell_without_any_request() {
    // Arrange
    let limiter = LocalRateLimiter::new(7, secs(1));
    let steps = BackoffSteps::default();
    let pause = limiter.back_off(ACCOUNT, steps).await.unwrap();
    tokio::time::advance(pause + BackoffSteps::MEMORY).await;

    // Act
    let next = limiter.back_off(ACCOUNT, steps).await.unwrap();

    // Assert
    assert_eq!(next, secs(1));
}

#[tokio::test(start_paused = true)]
async fn html_429s_through_the_client_pause_for_one_then_two_seconds_and_a_success_resets() {
    // Arrange
    let server = MockServer::start().await;
    mount_catch_all(&server).await;
    mount_account(&server, html_429(), 2).await;
    let client = client(&server, LocalRateLimiter::new(7, secs(1)), None);
    let account = client.host().as_str().to_owned();
    let remaining = |until: SystemTime| {
        until
            .duration_since(SystemTime::now())
            .unwrap_or_default()
            .as_secs_f64()
            .round() as u64
    };

    // Act
    let first = client.account().get(&[]).await;
    let (until_first, _) = client
        .rate_limiter()
        .paused(&account)
        .await
        .unwrap()
        .unwrap();
    let first_pause = remaining(until_first);
    tokio::time::advance(secs(1)).await;
    let second = client.account().get(&[]).await;
    let (until_second, _) = client
        .rate_limiter()
        .paused(&account)
        .await
        .unwrap()
        .unwrap();
    let second_pause = remaining(until_second);
    tokio::time::advance(secs(2)).await;
    mount_account(&server, hal(fixture!("account.json")), 1).await;
    let recovered = client.account().get(&[]).await;
    mount_account(&server, html_429(), 1).await;
    let again = client.account().get(&[]).await;
    let (until_again, _) = client
        .rate_limiter()
        .paused(&account)
        .await
        .unwrap()
        .unwrap();

    // Assert
    assert!(
        matches!(first, Err(Error::TooManyRequests { retry_after: None })),
        "{first:?}"
    );
    assert!(
        matches!(second, Err(Error::TooManyRequests { retry_after: None })),
        "{second:?}"
    );
    assert_eq!((first_pause, second_pause), (1, 2));
    assert!(recovered.is_ok(), "{recovered:?}");
    assert!(again.is_err());
    assert_eq!(remaining(until_again), 1, "the success reset the steps");
}

#[tokio::test(start_paused = true)]
async fn a_read_answered_with_an_html_429_is_repeated_after_its_one_second_pause_within_the_deadline()
 {
    // Arrange
    let server = MockServer::start().await;
    mount_catch_all(&server).await;
    mount_account(&server, html_429(), 1).await;
    mount_account(&server, hal(fixture!("account.json")), 1).await;
    let client = client(&server, LocalRateLimiter::new(7, secs(1)), Some(secs(8)));
    let began = Instant::now();

    // Act
    let account = client.account().get(&[]).await;

    // Assert
    assert!(account.is_ok(), "{account:?}");
    assert!(began.elapsed() >= secs(1), "it waited the pause out");
    assert!(began.elapsed() < secs(2));
}

#[tokio::test(start_paused = true)]
async fn a_json_retry_after_is_honoured_as_given_and_waited_out_within_the_deadline() {
    // Arrange
    let server = MockServer::start().await;
    mount_catch_all(&server).await;
    mount_account(
        &server,
        problem(429, fixture!("too_many_requests_429_short.json")),
        1,
    )
    .await;
    mount_account(&server, hal(fixture!("account.json")), 1).await;
    let client = client(&server, LocalRateLimiter::new(7, secs(1)), Some(secs(8)));
    let began = Instant::now();

    // Act
    let account = client.account().get(&[]).await;

    // Assert
    assert!(account.is_ok(), "{account:?}");
    assert!(
        began.elapsed() >= secs(2),
        "the 2 s retry_after was honoured, not the 1 s step"
    );
    assert!(began.elapsed() < secs(3));
}

#[tokio::test(start_paused = true)]
async fn a_request_to_an_account_paused_until_within_the_deadline_waits_and_succeeds() {
    // Arrange
    let server = MockServer::start().await;
    mount_catch_all(&server).await;
    mount_account(&server, hal(fixture!("account.json")), 1).await;
    let client = client(&server, LocalRateLimiter::new(7, secs(1)), Some(secs(8)));
    let account = client.host().as_str().to_owned();
    client
        .rate_limiter()
        .pause(
            &account,
            SystemTime::now() + secs(3),
            PauseReason::TooManyRequests,
        )
        .await
        .unwrap();
    let began = Instant::now();

    // Act
    let result = client.account().get(&[]).await;

    // Assert
    assert!(result.is_ok(), "{result:?}");
    assert!(
        began.elapsed() >= Duration::from_millis(2900),
        "{:?}",
        began.elapsed()
    );
    assert!(began.elapsed() < secs(4));
}

#[tokio::test(start_paused = true)]
async fn a_request_to_an_account_paused_beyond_the_deadline_fails_at_once_and_sends_nothing() {
    // Arrange
    let server = MockServer::start().await;
    mount_catch_all(&server).await;
    let client = client(&server, LocalRateLimiter::new(7, secs(1)), Some(secs(8)));
    let account = client.host().as_str().to_owned();
    let until = SystemTime::now() + secs(20);
    client
        .rate_limiter()
        .pause(&account, until, PauseReason::TooManyRequests)
        .await
        .unwrap();
    let began = Instant::now();

    // Act
    let result = client.account().get(&[]).await;

    // Assert
    match result {
        Err(Error::Paused {
            until: reported,
            reason,
        }) => {
            assert_eq!(reported, until);
            assert_eq!(reason, PauseReason::TooManyRequests);
        }
        other => panic!("expected Paused, got {other:?}"),
    }
    assert_eq!(began.elapsed(), Duration::ZERO, "it did not wait");
}

#[tokio::test(start_paused = true)]
async fn a_403_cool_down_is_never_waited_out_even_when_it_ends_within_the_deadline() {
    // Arrange
    let server = MockServer::start().await;
    mount_catch_all(&server).await;
    let client = client(&server, LocalRateLimiter::new(7, secs(1)), Some(secs(8)));
    let account = client.host().as_str().to_owned();
    client
        .rate_limiter()
        .pause(
            &account,
            SystemTime::now() + secs(2),
            PauseReason::Forbidden,
        )
        .await
        .unwrap();

    // Act
    let result = client.account().get(&[]).await;

    // Assert
    assert!(
        matches!(
            result,
            Err(Error::Paused {
                reason: PauseReason::Forbidden,
                ..
            })
        ),
        "{result:?}"
    );
}

#[tokio::test(start_paused = true)]
async fn a_limiter_starting_full_lets_no_request_start_in_its_first_window_and_max_in_each_after() {
    // Arrange
    let limiter = LocalRateLimiter::starting_full(7, secs(1));
    let began = Instant::now();

    // Act
    let waits: Vec<Duration> = join_all((0..15).map(|_| limiter.acquire(ACCOUNT, None)))
        .await
        .into_iter()
        .map(Result::unwrap)
        .collect();
    let later = limiter
        .acquire("https://other.amocrm.ru", None)
        .await
        .unwrap();

    // Assert
    let count = |d: Duration| waits.iter().filter(|&&w| w == d).count();
    assert_eq!(count(secs(1)), 7, "{waits:?}");
    assert_eq!(count(secs(2)), 7, "{waits:?}");
    assert_eq!(count(secs(3)), 1, "{waits:?}");
    assert_eq!(began.elapsed(), secs(3));
    assert_eq!(
        later,
        Duration::ZERO,
        "the first window is over for every account"
    );
}

#[tokio::test(start_paused = true)]
async fn a_limiter_starting_full_still_refuses_at_once_a_slot_beyond_the_deadline() {
    // Arrange
    let limiter = LocalRateLimiter::starting_full(7, secs(1));

    // Act
    let refused = limiter
        .acquire(ACCOUNT, Some(Duration::from_millis(500)))
        .await;
    let accepted = limiter.acquire(ACCOUNT, Some(secs(1))).await;

    // Assert
    assert!(
        matches!(refused, Err(Error::Throttled { wait }) if wait == secs(1)),
        "{refused:?}"
    );
    assert_eq!(accepted.unwrap(), secs(1));
}
