//! Injected failures.

use std::time::Duration;

use reqwest::StatusCode;
use sandbox::{FaultMode, Faults};
use serde_json::{Value, json};

use crate::support::{Harness, content_type};

fn always(mode: FaultMode) -> Faults {
    Faults {
        mode,
        for_next: None,
        only_path_prefix: None,
    }
}

#[tokio::test]
async fn too_many_json_answers_429_with_retry_after_in_the_body() {
    // Arrange
    let harness = Harness::start().await;
    harness
        .sandbox
        .set_faults(always(FaultMode::TooManyJson { retry_after: 17 }));

    // Act
    let response = harness.get("/api/v4/contacts").await;

    // Assert
    assert_eq!(response.status(), StatusCode::TOO_MANY_REQUESTS);
    assert!(response.headers().get("retry-after").is_none());
    let body: Value = response.json().await.expect("JSON");
    assert_eq!(body["title"], "Too Many Requests");
    assert_eq!(body["type"], "https://httpstatus.es/429");
    assert_eq!(body["status"], 429);
    assert_eq!(body["retry_after"], 17);
    assert!(body["detail"].is_string());
    assert_eq!(harness.sandbox.stats().too_many_requests, 1);
}

#[tokio::test]
async fn too_many_html_answers_429_with_an_html_page_and_no_retry_after() {
    // Arrange
    let harness = Harness::start().await;
    harness.sandbox.set_faults(always(FaultMode::TooManyHtml));

    // Act
    let response = harness.get("/api/v4/leads").await;

    // Assert
    assert_eq!(response.status(), StatusCode::TOO_MANY_REQUESTS);
    assert_eq!(content_type(&response), "text/html");
    assert!(response.headers().get("retry-after").is_none());
    assert!(response.text().await.expect("text").starts_with("<html>"));
}

#[tokio::test]
async fn error_modes_answer_their_status_with_a_problem_body() {
    // Arrange
    let harness = Harness::start().await;
    let cases = [
        (FaultMode::Forbidden, StatusCode::FORBIDDEN),
        (FaultMode::Unauthorized, StatusCode::UNAUTHORIZED),
        (FaultMode::PaymentRequired, StatusCode::PAYMENT_REQUIRED),
        (FaultMode::ServerError, StatusCode::INTERNAL_SERVER_ERROR),
    ];

    for (mode, expected) in cases {
        // Act
        harness.sandbox.set_faults(always(mode.clone()));
        let response = harness.get("/api/v4/account").await;

        // Assert
        assert_eq!(response.status(), expected, "{mode:?}");
        assert_eq!(
            content_type(&response),
            "application/problem+json",
            "{mode:?}"
        );
        let body: Value = response.json().await.expect("JSON");
        assert_eq!(body["status"], expected.as_u16(), "{mode:?}");
    }
}

#[tokio::test]
async fn a_server_error_carries_a_trace_id() {
    // Arrange
    let harness = Harness::start().await;
    harness.sandbox.set_faults(always(FaultMode::ServerError));

    // Act
    let body: Value = harness
        .get("/api/v4/leads/pipelines")
        .await
        .json()
        .await
        .expect("JSON");

    // Assert
    assert!(
        body["trace_id"].as_str().is_some_and(|t| t.len() == 32),
        "{body}"
    );
}

#[tokio::test]
async fn a_fault_for_the_next_two_requests_clears_itself_afterwards() {
    // Arrange
    let harness = Harness::start().await;
    harness.sandbox.set_faults(Faults {
        mode: FaultMode::ServerError,
        for_next: Some(2),
        only_path_prefix: None,
    });

    // Act
    let statuses = [
        harness.get("/api/v4/account").await.status(),
        harness.get("/api/v4/account").await.status(),
        harness.get("/api/v4/account").await.status(),
    ];

    // Assert
    assert_eq!(
        statuses,
        [
            StatusCode::INTERNAL_SERVER_ERROR,
            StatusCode::INTERNAL_SERVER_ERROR,
            StatusCode::OK
        ]
    );
    assert_eq!(harness.sandbox.faults(), Faults::default());
}

#[tokio::test]
async fn a_path_prefix_limits_the_fault_to_matching_requests() {
    // Arrange
    let harness = Harness::start().await;
    harness.sandbox.set_faults(Faults {
        mode: FaultMode::Forbidden,
        for_next: None,
        only_path_prefix: Some("/api/v4/users".to_owned()),
    });

    // Act
    let users = harness.get("/api/v4/users").await.status();
    let account = harness.get("/api/v4/account").await.status();

    // Assert
    assert_eq!(users, StatusCode::FORBIDDEN);
    assert_eq!(account, StatusCode::OK);
}

#[tokio::test]
async fn a_path_prefix_can_target_the_token_endpoint() {
    // Arrange
    let harness = Harness::start().await;
    harness.sandbox.set_faults(Faults {
        mode: FaultMode::ServerError,
        for_next: Some(1),
        only_path_prefix: Some("/oauth2/".to_owned()),
    });

    // Act
    let response = harness
        .http
        .post(harness.amo("/oauth2/access_token"))
        .json(&json!({}))
        .send()
        .await
        .expect("an answer");

    // Assert
    assert_eq!(response.status(), StatusCode::INTERNAL_SERVER_ERROR);
}

#[tokio::test]
async fn slow_mode_holds_the_answer_past_a_client_timeout() {
    // Arrange
    let harness = Harness::start().await;
    harness
        .sandbox
        .set_faults(always(FaultMode::Slow(Duration::from_secs(120))));

    // Act
    let result = harness
        .http
        .get(harness.amo("/api/v4/account"))
        .bearer_auth(&harness.token)
        .timeout(Duration::from_millis(300))
        .send()
        .await;

    // Assert
    let error = result.expect_err("the answer is held for two minutes");
    assert!(error.is_timeout(), "{error}");
    harness.sandbox.shutdown().await;
}

#[tokio::test]
async fn faults_set_over_http_apply_to_the_api() {
    // Arrange
    let harness = Harness::start().await;

    // Act
    let set = harness
        .http
        .post(harness.amo("/__sandbox/faults"))
        .json(&json!({ "mode": { "too_many_json": { "retry_after": 3 } }, "for_next": 1 }))
        .send()
        .await
        .expect("an answer");
    let limited = harness.get("/api/v4/account").await;

    // Assert
    assert_eq!(set.status(), StatusCode::OK);
    assert_eq!(limited.status(), StatusCode::TOO_MANY_REQUESTS);
    assert_eq!(
        harness.get("/api/v4/account").await.status(),
        StatusCode::OK
    );
}

#[test]
fn faults_read_and_write_the_documented_json() {
    // Arrange
    let slow = Faults {
        mode: FaultMode::Slow(Duration::from_millis(1500)),
        for_next: Some(3),
        only_path_prefix: None,
    };

    // Act
    let written = serde_json::to_value(&slow).expect("serialises");
    let read: Faults =
        serde_json::from_value(json!({ "mode": "too_many_html" })).expect("deserialises");

    // Assert
    assert_eq!(
        written,
        json!({ "mode": { "slow": 1500 }, "for_next": 3, "only_path_prefix": null })
    );
    assert_eq!(
        read,
        Faults {
            mode: FaultMode::TooManyHtml,
            for_next: None,
            only_path_prefix: None
        }
    );
}
