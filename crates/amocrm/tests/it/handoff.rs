//! A limiter's window handed over to the process that replaces it, under tokio's paused clock and a wall clock
//! fixed by the test.

use std::time::{Duration, SystemTime};

use amocrm::{Error, LocalRateLimiter, RateLimiter, RecentStarts};
use futures_util::future::join_all;
use tokio::time::Instant;

use crate::limiter::max_in_any_window;

const SECOND: Duration = Duration::from_secs(1);

/// The wall clock of the test: a fixed moment when the paused tokio clock read `origin`.
struct Clocks {
    origin: Instant,
    wall_origin: SystemTime,
}

impl Clocks {
    fn new() -> Clocks {
        Clocks {
            origin: Instant::now(),
            wall_origin: SystemTime::UNIX_EPOCH + Duration::from_secs(1_800_000_000),
        }
    }

    fn wall_now(&self) -> SystemTime {
        self.wall_origin + (Instant::now() - self.origin)
    }
}

#[tokio::test(start_paused = true)]
async fn a_limiter_seeded_from_its_predecessors_starts_never_lets_more_than_7_into_any_second() {
    // Arrange: the old process sends 7 requests, one every 100 ms, then stops.
    let clocks = Clocks::new();
    let old = LocalRateLimiter::new(7, SECOND);
    let mut starts = Vec::new();
    for _ in 0..7 {
        old.acquire("acct", None).await.unwrap();
        starts.push(Instant::now());
        tokio::time::advance(Duration::from_millis(100)).await;
    }
    old.close();
    let handed = old.recent_starts_as_of(clocks.wall_now());
    tokio::time::advance(Duration::from_millis(200)).await;

    // Act: the new process, 900 ms after the first request, sends 7 more at once.
    let new = LocalRateLimiter::with_recent_starts_as_of(7, SECOND, &handed, clocks.wall_now());
    let waits = join_all((0..7).map(|_| async {
        let waited = new.acquire("acct", None).await.unwrap();
        (waited, Instant::now())
    }))
    .await;

    // Assert
    let recorded: Vec<SystemTime> = (0..7u64)
        .map(|n| clocks.wall_origin + Duration::from_millis(100 * n))
        .collect();
    assert_eq!(handed.get("acct"), Some(&recorded));
    assert_eq!(
        waits[0].0,
        Duration::from_millis(100),
        "the first new request waits until the old first one leaves the window"
    );
    starts.extend(waits.iter().map(|(_, at)| *at));
    assert_eq!(max_in_any_window(&starts, SECOND), 7);
}

#[tokio::test(start_paused = true)]
async fn an_account_absent_from_the_handoff_starts_at_once_while_without_a_handoff_it_waits_a_window()
 {
    // Arrange
    let clocks = Clocks::new();
    let handed = RecentStarts::from([("busy".to_owned(), vec![clocks.wall_now()])]);
    let seeded = LocalRateLimiter::with_recent_starts_as_of(1, SECOND, &handed, clocks.wall_now());
    let full = LocalRateLimiter::starting_full(1, SECOND);

    // Act: asked not to wait, a request says how long it would have waited.
    let now = Some(Duration::ZERO);
    let quiet_seeded = seeded.acquire("quiet", now).await;
    let busy_seeded = seeded.acquire("busy", now).await;
    let quiet_full = full.acquire("quiet", now).await;

    // Assert
    assert!(
        matches!(quiet_seeded, Ok(Duration::ZERO)),
        "{quiet_seeded:?}"
    );
    assert!(
        matches!(busy_seeded, Err(Error::Throttled { wait }) if wait == SECOND),
        "{busy_seeded:?}"
    );
    assert!(
        matches!(quiet_full, Err(Error::Throttled { wait }) if wait == SECOND),
        "{quiet_full:?}"
    );
}

#[tokio::test(start_paused = true)]
async fn starts_older_than_the_window_are_dropped_and_starts_after_a_clock_set_back_count_as_now() {
    // Arrange: one start 2 s old, one an hour "in the future" (the wall clock was set back between processes).
    let clocks = Clocks::new();
    let now = clocks.wall_now();
    let handed = RecentStarts::from([
        ("old".to_owned(), vec![now - 2 * SECOND]),
        ("ahead".to_owned(), vec![now + Duration::from_secs(3600)]),
    ]);
    let limiter = LocalRateLimiter::with_recent_starts_as_of(1, SECOND, &handed, now);

    // Act
    let old = limiter.acquire("old", None).await.unwrap();
    let ahead = limiter.acquire("ahead", None).await.unwrap();

    // Assert
    assert_eq!(old, Duration::ZERO);
    assert_eq!(ahead, SECOND, "counted as starting now, not in an hour");
}

#[tokio::test(start_paused = true)]
async fn a_closed_limiter_starts_nothing_more_not_even_a_request_already_waiting() {
    // Arrange: one request started, a second one waiting for its slot.
    let clocks = Clocks::new();
    let limiter = LocalRateLimiter::new(1, SECOND);
    limiter.acquire("acct", None).await.unwrap();
    let waiting = tokio::spawn({
        let limiter = limiter.clone();
        async move { limiter.acquire("acct", None).await }
    });
    tokio::task::yield_now().await;

    // Act
    limiter.close();
    let handed = limiter.recent_starts_as_of(clocks.wall_now());
    let waited = waiting.await.unwrap();
    let fresh = limiter.acquire("other", None).await;

    // Assert
    assert!(limiter.is_closed());
    assert!(matches!(waited, Err(Error::Throttled { .. })), "{waited:?}");
    assert!(matches!(fresh, Err(Error::Throttled { .. })), "{fresh:?}");
    assert_eq!(
        handed,
        RecentStarts::from([("acct".to_owned(), vec![clocks.wall_origin])]),
        "only the request that started is handed over"
    );
}
