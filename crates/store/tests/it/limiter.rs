//! The Redis-shared rate limiter: one amoCRM limit for every replica.

use std::time::{Duration, SystemTime};

use amocrm::{PauseReason, RateLimiter};
use store::RedisRateLimiter;

/// Two limiters on one fresh key prefix stand for two replicas; `None` (loudly) when Redis is not reachable locally.
async fn two_replicas() -> Option<(RedisRateLimiter, RedisRateLimiter)> {
    let url = testkit::redis_url();
    let prefix = format!("usedesk-amocrm-test:{}", uuid::Uuid::new_v4().simple());
    let connect = || RedisRateLimiter::connect(&url, &prefix, 7, Duration::from_secs(1));
    match (connect().await, connect().await) {
        (Ok(a), Ok(b)) => Some((a, b)),
        (Err(e), _) | (_, Err(e)) => testkit::unavailable("Redis", &url, &e),
    }
}

#[tokio::test]
async fn thirty_reservations_from_two_replicas_never_put_more_than_seven_in_any_second() {
    let Some((a, b)) = two_replicas().await else {
        return;
    };
    let calls = (0..30).map(|i| {
        let limiter = if i % 2 == 0 { a.clone() } else { b.clone() };
        async move { limiter.reserve("https://hogwarts.amocrm.ru").await.unwrap() }
    });
    let reserved = futures_join(calls).await;

    let first_now = reserved.iter().map(|(_, now)| *now).min().unwrap();
    let mut slots: Vec<i64> = reserved.iter().map(|(slot, _)| *slot).collect();
    slots.sort_unstable();
    for (i, start) in slots.iter().enumerate() {
        let in_window = slots[i..].iter().take_while(|s| **s < start + 1000).count();
        assert!(
            in_window <= 7,
            "{in_window} starts within 1 s of {start}: {slots:?}"
        );
    }
    let immediate = slots.iter().filter(|s| **s <= first_now + 200).count();
    assert_eq!(immediate, 7, "a burst of 7 goes at once: {slots:?}");
    assert!(
        slots[29] - slots[0] >= 3000,
        "30 requests at 7/s span at least 3 s of slots: {slots:?}"
    );
}

#[tokio::test]
async fn accounts_are_limited_separately() {
    let Some((a, _)) = two_replicas().await else {
        return;
    };
    for _ in 0..7 {
        a.reserve("https://one.amocrm.ru").await.unwrap();
    }
    let (slot, now) = a.reserve("https://two.amocrm.ru").await.unwrap();
    assert!(
        slot <= now,
        "another account is not slowed by the first one's burst"
    );
}

#[tokio::test]
async fn a_pause_set_by_one_replica_is_seen_by_the_other_and_never_shortened() {
    let Some((a, b)) = two_replicas().await else {
        return;
    };
    let account = "https://paused.amocrm.ru";
    assert_eq!(b.paused(account).await.unwrap(), None);

    let long = SystemTime::now() + Duration::from_secs(300);
    a.pause(account, long, PauseReason::Forbidden)
        .await
        .unwrap();
    a.pause(
        account,
        SystemTime::now() + Duration::from_secs(10),
        PauseReason::TooManyRequests,
    )
    .await
    .unwrap();

    let (until, reason) = b
        .paused(account)
        .await
        .unwrap()
        .expect("paused for every replica");
    assert_eq!(reason, PauseReason::Forbidden);
    assert!(until >= long - Duration::from_secs(1));
}

async fn futures_join<F: std::future::Future<Output = (i64, i64)> + Send + 'static>(
    calls: impl Iterator<Item = F>,
) -> Vec<(i64, i64)> {
    let handles: Vec<_> = calls.map(tokio::spawn).collect();
    let mut out = Vec::new();
    for handle in handles {
        out.push(handle.await.unwrap());
    }
    out
}

#[tokio::test]
async fn a_request_that_would_wait_too_long_is_refused_at_once_and_takes_no_slot() {
    let Some((a, b)) = two_replicas().await else {
        return;
    };
    let account = "https://throttled.amocrm.ru";
    for _ in 0..7 {
        a.reserve(account).await.unwrap();
    }

    let refused = b.acquire(account, Some(Duration::from_millis(100))).await;
    let (slot, now) = a.reserve(account).await.unwrap();

    assert!(
        matches!(refused, Err(amocrm::Error::Throttled { .. })),
        "{refused:?}"
    );
    assert!(
        slot - now <= 1000,
        "the refused request reserved nothing: the next slot is the window's first"
    );
}

#[tokio::test]
async fn a_replica_that_stops_waiting_gives_its_slot_back() {
    let Some((a, b)) = two_replicas().await else {
        return;
    };
    let account = "https://abandoned.amocrm.ru";
    for _ in 0..7 {
        a.reserve(account).await.unwrap();
    }
    let abandoned = tokio::time::timeout(Duration::from_millis(50), b.acquire(account, None)).await;
    assert!(abandoned.is_err());

    // The slot is removed by a task spawned on drop; wait (bounded) until Redis shows it gone.
    let mut freed = false;
    for _ in 0..200 {
        let (slot, now) = a.reserve(account).await.unwrap();
        if slot - now <= 1000 {
            freed = true;
            break;
        }
        tokio::task::yield_now().await;
    }
    assert!(freed, "the abandoned slot was given back");
}

/// Small steps, so a streak runs its course in a fraction of a second of Redis time.
const SMALL_STEPS: amocrm::BackoffSteps = amocrm::BackoffSteps {
    first: Duration::from_millis(20),
    cap: Duration::from_millis(80),
};

#[tokio::test]
async fn consecutive_html_429s_on_two_replicas_pause_for_growing_steps_up_to_the_cap() {
    let Some((a, b)) = two_replicas().await else {
        return;
    };
    let account = "https://steps.amocrm.ru";

    let mut pauses = Vec::new();
    for i in 0..5 {
        let replica = if i % 2 == 0 { &a } else { &b };
        let pause = replica.back_off(account, SMALL_STEPS).await.unwrap();
        pauses.push(pause.as_millis());
        // Each 429 answers a request sent after the previous pause ended.
        tokio::time::sleep(pause).await;
    }

    assert_eq!(pauses, [20, 40, 80, 80, 80]);
}

#[tokio::test]
async fn a_429_during_a_pause_set_by_another_replica_keeps_that_pause_and_takes_no_step() {
    let Some((a, b)) = two_replicas().await else {
        return;
    };
    let account = "https://burst.amocrm.ru";
    let steps = amocrm::BackoffSteps::default();

    let first = a.back_off(account, steps).await.unwrap();
    let same_burst = b.back_off(account, steps).await.unwrap();
    let (_, reason) = b.paused(account).await.unwrap().expect("paused");

    assert_eq!(first, Duration::from_secs(1));
    assert!(same_burst <= first, "{same_burst:?}");
    assert!(same_burst > Duration::from_millis(500), "{same_burst:?}");
    assert_eq!(reason, PauseReason::TooManyRequests);
}

#[tokio::test]
async fn a_success_on_any_replica_ends_the_streak() {
    let Some((a, b)) = two_replicas().await else {
        return;
    };
    let account = "https://recovered.amocrm.ru";
    for _ in 0..2 {
        let pause = a.back_off(account, SMALL_STEPS).await.unwrap();
        tokio::time::sleep(pause).await;
    }

    // As the client does: the other replica looks for a pause before its request, which then succeeds.
    assert_eq!(b.paused(account).await.unwrap(), None);
    b.succeeded(account).await.unwrap();
    let after_success = a.back_off(account, SMALL_STEPS).await.unwrap();

    assert_eq!(after_success, Duration::from_millis(20));
}

#[tokio::test]
async fn a_json_retry_after_is_kept_as_given_and_a_later_html_429_takes_no_step_inside_it() {
    let Some((a, b)) = two_replicas().await else {
        return;
    };
    let account = "https://retry-after.amocrm.ru";
    let until = SystemTime::now() + Duration::from_secs(300);

    a.pause(account, until, PauseReason::TooManyRequests)
        .await
        .unwrap();
    let html = b.back_off(account, SMALL_STEPS).await.unwrap();
    let (paused_until, _) = a.paused(account).await.unwrap().expect("paused");

    assert!(html > Duration::from_secs(290), "{html:?}");
    assert!(paused_until >= until - Duration::from_secs(1));
}
