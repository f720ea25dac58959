//! The priority gate in front of the limiter, under tokio's paused clock.

use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::Duration;

use amocrm::{
    AmoClient, EntityLink, Error, LocalRateLimiter, Priority, PriorityGate, RateLimiter,
    StaticToken,
};
use tokio::time::Instant;
use wiremock::matchers::{method, path};
use wiremock::{Mock, MockServer};

use crate::support::{fixture, hal, host_for, mount_catch_all};

/// Goes through the gate and then the limiter, as the client does.
async fn turn(
    gate: &PriorityGate,
    limiter: &LocalRateLimiter,
    priority: Priority,
    deadline: Option<Instant>,
) -> Result<(), Error> {
    let permit = gate.acquire("acc", priority, deadline).await?;
    let max_wait = deadline.map(|d| d.saturating_duration_since(Instant::now()));
    limiter.acquire("acc", max_wait).await?;
    drop(permit);
    Ok(())
}

/// Lets the spawned tasks run until `n` requests wait at the gate.
async fn until_waiting(gate: &PriorityGate, n: usize) {
    until_waiting_for(gate, "acc", n).await;
}

/// Lets the spawned tasks run until `n` requests to `account` wait at the gate.
async fn until_waiting_for(gate: &PriorityGate, account: &str, n: usize) {
    while gate.waiting(account) < n {
        tokio::task::yield_now().await;
    }
}

#[tokio::test(start_paused = true)]
async fn a_write_behind_a_burst_of_100_reads_is_let_through_in_the_next_window() {
    // Arrange
    let gate = PriorityGate::amocrm_default();
    let limiter = LocalRateLimiter::amocrm_default();
    let reads_done = Arc::new(AtomicUsize::new(0));
    let began = Instant::now();
    let reads: Vec<_> = (0..100)
        .map(|_| {
            let (gate, limiter, done) = (gate.clone(), limiter.clone(), reads_done.clone());
            tokio::spawn(async move {
                turn(&gate, &limiter, Priority::Interactive, None)
                    .await
                    .unwrap();
                done.fetch_add(1, Ordering::SeqCst);
            })
        })
        .collect();
    // 7 went at once, 7 hold the next window's slots, the rest wait at the gate.
    until_waiting(&gate, 86).await;

    // Act
    turn(
        &gate,
        &limiter,
        Priority::Write,
        Some(Instant::now() + Duration::from_secs(8)),
    )
    .await
    .unwrap();

    // Assert
    let waited = began.elapsed();
    assert!(
        waited <= Duration::from_secs(2),
        "the write went within two windows, not after the reads' 14 s: {waited:?}"
    );
    assert!(
        reads_done.load(Ordering::SeqCst) <= 21,
        "most reads still wait behind the write"
    );
    for read in reads {
        read.await.unwrap();
    }
    assert_eq!(reads_done.load(Ordering::SeqCst), 100);
}

#[tokio::test(start_paused = true)]
async fn interactive_reads_go_before_background_reads_queued_earlier() {
    // Arrange
    let gate = PriorityGate::amocrm_default();
    let limiter = LocalRateLimiter::amocrm_default();
    let order = Arc::new(std::sync::Mutex::new(Vec::new()));
    let spawn = |priority: Priority, label: &'static str| {
        let (gate, limiter, order) = (gate.clone(), limiter.clone(), order.clone());
        tokio::spawn(async move {
            turn(&gate, &limiter, priority, None).await.unwrap();
            order.lock().unwrap().push(label);
        })
    };
    let mut tasks: Vec<_> = (0..21)
        .map(|_| spawn(Priority::Background, "background"))
        .collect();
    until_waiting(&gate, 7).await;

    // Act
    tasks.push(spawn(Priority::Interactive, "interactive"));
    for task in tasks {
        task.await.unwrap();
    }

    // Assert
    let order = order.lock().unwrap();
    let at = order.iter().position(|l| *l == "interactive").unwrap();
    assert!(
        at <= 14,
        "the interactive read went in the first or second window, not last: position {at}"
    );
}

#[tokio::test(start_paused = true)]
async fn a_request_whose_turn_lies_past_its_deadline_fails_at_once_and_takes_no_place() {
    // Arrange
    let gate = PriorityGate::amocrm_default();
    let limiter = LocalRateLimiter::amocrm_default();
    let _reads: Vec<_> = (0..70)
        .map(|_| {
            let (gate, limiter) = (gate.clone(), limiter.clone());
            tokio::spawn(async move { turn(&gate, &limiter, Priority::Interactive, None).await })
        })
        .collect();
    until_waiting(&gate, 56).await;
    let queued = gate.waiting("acc");
    let began = Instant::now();

    // Act
    let result = turn(
        &gate,
        &limiter,
        Priority::Interactive,
        Some(Instant::now() + Duration::from_secs(2)),
    )
    .await;

    // Assert
    match result {
        Err(Error::Throttled { wait }) => assert!(wait >= Duration::from_secs(9), "{wait:?}"),
        other => panic!("expected Throttled, got {other:?}"),
    }
    assert_eq!(began.elapsed(), Duration::ZERO, "it failed at once");
    assert_eq!(gate.waiting("acc"), queued, "it left no place behind");
    assert!(
        gate.estimate("acc", Priority::Write) < gate.estimate("acc", Priority::Interactive),
        "a write would not wait for the queued reads"
    );
}

#[tokio::test(start_paused = true)]
async fn a_waiter_that_stops_waiting_gives_its_place_back() {
    // Arrange
    let gate = PriorityGate::new(1, Duration::from_secs(1));
    let held = gate
        .acquire("acc", Priority::Interactive, None)
        .await
        .unwrap();
    let waiting = {
        let gate = gate.clone();
        tokio::spawn(async move { gate.acquire("acc", Priority::Interactive, None).await })
    };
    until_waiting(&gate, 1).await;

    // Act
    waiting.abort();
    let _ = waiting.await;
    drop(held);

    // Assert
    assert_eq!(gate.waiting("acc"), 0);
    let next = tokio::time::timeout(
        Duration::from_millis(1),
        gate.acquire("acc", Priority::Background, None),
    )
    .await;
    assert!(next.is_ok(), "the permit came back to the gate");
}

#[tokio::test(start_paused = true)]
async fn through_the_client_an_agents_write_during_a_read_burst_completes_within_its_deadline() {
    // Arrange
    let server = MockServer::start().await;
    mount_catch_all(&server).await;
    Mock::given(method("GET"))
        .and(path("/api/v4/leads/pipelines"))
        .respond_with(hal(fixture!("pipelines.json")))
        .mount(&server)
        .await;
    Mock::given(method("POST"))
        .and(path("/api/v4/leads/5/link"))
        .respond_with(hal(fixture!("links_created.json")))
        .expect(1)
        .mount(&server)
        .await;
    let http = reqwest::Client::builder()
        .pool_idle_timeout(None)
        .build()
        .unwrap();
    let deadline = Duration::from_secs(8);
    let gate = PriorityGate::amocrm_default();
    let reads = AmoClient::builder(host_for(&server), Arc::new(StaticToken::new("t")))
        .http_client(http)
        .rate_limiter(Arc::new(LocalRateLimiter::amocrm_default()))
        .gate(gate.clone(), Priority::Interactive)
        .no_timeout()
        .build();
    let writes = reads.with_priority(Priority::Write);
    let done = Arc::new(AtomicUsize::new(0));
    let burst: Vec<_> = (0..100)
        .map(|_| {
            let (client, done) = (reads.clone(), done.clone());
            tokio::spawn(async move {
                let result = client.pipelines().list().await;
                done.fetch_add(1, Ordering::SeqCst);
                result
            })
        })
        .collect();
    until_waiting_for(&gate, host_for(&server).as_str(), 50).await;
    let began = Instant::now();

    // Act
    let written = tokio::time::timeout(
        deadline,
        writes.leads().link(5, &[EntityLink::contact(7, true)]),
    )
    .await;

    // Assert
    assert!(
        matches!(written, Ok(Ok(()))),
        "the write completed within its deadline"
    );
    assert!(began.elapsed() < deadline);
    assert!(
        done.load(Ordering::SeqCst) < 50,
        "the write did not wait for the burst"
    );
    for read in burst {
        assert!(read.await.unwrap().is_ok());
    }
}
