//! The built-in 7-requests-per-window limit.

use std::time::Duration;

use reqwest::StatusCode;
use sandbox::SandboxConfig;
use serde_json::Value;

use crate::support::Harness;

/// A window long enough that no machine, however loaded, spreads the test's requests across two.
fn long_window() -> SandboxConfig {
    SandboxConfig {
        rate_limit_window: Duration::from_secs(3600),
        ..SandboxConfig::default()
    }
}

#[tokio::test]
async fn the_eighth_request_within_the_window_answers_429_json() {
    // Arrange
    let harness = Harness::with(long_window()).await;
    let mut statuses = Vec::new();

    // Act
    for _ in 0..7 {
        statuses.push(harness.get("/api/v4/account").await.status());
    }
    let eighth = harness.get("/api/v4/account").await;

    // Assert
    assert!(
        statuses.iter().all(|s| *s == StatusCode::OK),
        "{statuses:?}"
    );
    assert_eq!(eighth.status(), StatusCode::TOO_MANY_REQUESTS);
    let body: Value = eighth.json().await.expect("JSON");
    assert_eq!(body["status"], 429);
    assert_eq!(body["retry_after"], 3600);
    let stats = harness.sandbox.stats();
    assert_eq!(stats.too_many_requests, 1);
    assert_eq!(stats.api_requests, 8);
}

#[tokio::test]
async fn requests_that_are_not_api_calls_do_not_count_against_the_limit() {
    // Arrange
    let harness = Harness::with(long_window()).await;
    for _ in 0..10 {
        harness
            .http
            .get(harness.sandbox.authorize_url())
            .send()
            .await
            .expect("an answer");
        harness
            .http
            .get(harness.amo("/__sandbox/stats"))
            .send()
            .await
            .expect("an answer");
    }

    // Act
    let response = harness.get("/api/v4/account").await;

    // Assert
    assert_eq!(response.status(), StatusCode::OK);
}

#[tokio::test]
async fn without_enforcement_a_burst_is_never_refused() {
    // Arrange
    let harness = Harness::with(SandboxConfig {
        enforce_rate_limit: false,
        ..long_window()
    })
    .await;

    // Act
    let mut statuses = Vec::new();
    for _ in 0..12 {
        statuses.push(harness.get("/api/v4/account").await.status());
    }

    // Assert
    assert!(
        statuses.iter().all(|s| *s == StatusCode::OK),
        "{statuses:?}"
    );
    assert_eq!(harness.sandbox.stats().too_many_requests, 0);
}

#[tokio::test(start_paused = true)]
async fn the_window_slides_so_requests_are_accepted_again_a_second_later() {
    // Arrange: with the clock paused, all eight requests start at the same instant.
    let harness = Harness::with(SandboxConfig::default()).await;
    for _ in 0..7 {
        assert_eq!(
            harness.get("/api/v4/account").await.status(),
            StatusCode::OK
        );
    }
    assert_eq!(
        harness.get("/api/v4/account").await.status(),
        StatusCode::TOO_MANY_REQUESTS
    );

    // Act
    tokio::time::advance(Duration::from_secs(1)).await;
    let after = harness.get("/api/v4/account").await;

    // Assert
    assert_eq!(after.status(), StatusCode::OK);
    let stats = harness.sandbox.stats();
    assert_eq!(stats.max_requests_per_second, 8);
    assert_eq!(stats.api_requests, 9);
}
