//! Stats, latency and the `/__sandbox` controls, and the handle's lifecycle.

use std::time::Duration;

use reqwest::StatusCode;
use sandbox::{SandboxConfig, Stats};
use serde_json::{Value, json};

use crate::support::Harness;

#[tokio::test]
async fn stats_count_requests_by_endpoint_with_ids_folded() {
    // Arrange
    let harness = Harness::start().await;

    // Act
    harness.get("/api/v4/contacts").await;
    harness.get("/api/v4/leads/20000001").await;
    harness.get("/api/v4/leads/20000002").await;
    harness
        .usedesk_call("/users", &json!({ "api_token": "t" }))
        .await;
    let over_http: Stats = harness
        .http
        .get(harness.amo("/__sandbox/stats"))
        .send()
        .await
        .expect("an answer")
        .json()
        .await
        .expect("Stats JSON");

    // Assert
    let stats = harness.sandbox.stats();
    assert_eq!(stats.endpoints.get("GET /api/v4/contacts"), Some(&1));
    assert_eq!(stats.endpoints.get("GET /api/v4/leads/{id}"), Some(&2));
    assert_eq!(stats.usedesk_endpoints.get("POST /users"), Some(&1));
    assert_eq!(stats.api_requests, 3);
    assert!(stats.max_requests_per_second >= 1);
    assert_eq!(
        over_http, stats,
        "the control endpoint reports the same numbers"
    );
}

#[tokio::test]
async fn resetting_stats_over_http_zeroes_them() {
    // Arrange
    let harness = Harness::start().await;
    harness.get("/api/v4/account").await;

    // Act
    let response = harness
        .http
        .post(harness.amo("/__sandbox/reset-stats"))
        .send()
        .await
        .expect("an answer");

    // Assert
    assert_eq!(response.status(), StatusCode::NO_CONTENT);
    assert_eq!(harness.sandbox.stats(), Stats::default());
}

#[tokio::test]
async fn latency_can_be_set_over_http() {
    // Arrange
    let harness = Harness::start().await;

    // Act
    let response = harness
        .http
        .post(harness.amo("/__sandbox/latency"))
        .json(&json!({ "millis": 250 }))
        .send()
        .await
        .expect("an answer");

    // Assert
    assert_eq!(response.status(), StatusCode::NO_CONTENT);
    assert_eq!(harness.sandbox.latency(), Duration::from_millis(250));
}

#[tokio::test]
async fn latency_holds_an_api_answer_past_a_shorter_client_timeout() {
    // Arrange
    let harness = Harness::with(SandboxConfig {
        latency: Duration::from_secs(60),
        ..SandboxConfig::default()
    })
    .await;

    // Act
    let result = harness
        .http
        .get(harness.amo("/api/v4/account"))
        .bearer_auth(&harness.token)
        .timeout(Duration::from_millis(300))
        .send()
        .await;
    let oauth_page = harness
        .http
        .get(harness.sandbox.authorize_url())
        .send()
        .await;

    // Assert
    assert!(result.expect_err("the answer waits a minute").is_timeout());
    assert!(oauth_page.is_ok(), "latency applies to API calls only");
    harness.sandbox.shutdown().await;
}

#[tokio::test]
async fn a_long_lived_token_issued_over_http_works() {
    // Arrange
    let harness = Harness::start().await;
    let body: Value = harness
        .http
        .post(harness.amo("/__sandbox/long-lived-token"))
        .send()
        .await
        .expect("an answer")
        .json()
        .await
        .expect("JSON");
    let token = body["access_token"].as_str().expect("a token");

    // Act
    let response = harness
        .http
        .get(harness.amo("/api/v4/account"))
        .bearer_auth(token)
        .send()
        .await
        .expect("an answer");

    // Assert
    assert_eq!(response.status(), StatusCode::OK);
}

#[tokio::test]
async fn an_unknown_control_answers_404() {
    // Arrange
    let harness = Harness::start().await;

    // Act
    let response = harness
        .http
        .post(harness.amo("/__sandbox/explode"))
        .send()
        .await
        .expect("an answer");

    // Assert
    assert_eq!(response.status(), StatusCode::NOT_FOUND);
}

#[tokio::test]
async fn after_shutdown_the_listeners_refuse_connections() {
    // Arrange
    let harness = Harness::start().await;
    let url = harness.amo("/api/v4/account");

    // Act
    harness.sandbox.shutdown().await;
    let result = harness.http.get(url).send().await;

    // Assert
    assert!(result.expect_err("nothing listens any more").is_connect());
}

#[test]
fn the_config_debug_hides_the_client_secret() {
    // Arrange
    let config = SandboxConfig::default();

    // Act
    let printed = format!("{config:?}");

    // Assert
    assert!(!printed.contains("sandbox-client-secret"), "{printed}");
    assert!(printed.contains("sandbox-client-id"));
}

#[tokio::test]
async fn responses_carry_an_x_request_id() {
    // Arrange
    let harness = Harness::start().await;

    // Act
    let response = harness.get("/api/v4/account").await;

    // Assert
    assert!(response.headers().get("x-request-id").is_some());
}

#[tokio::test]
async fn a_tickets_comments_are_read_apart_and_the_controls_answer_any_origin() {
    // Arrange: comments in two tickets.
    let harness = Harness::start().await;
    for (ticket, message) in [(1002, "For Harry"), (1003, "For the Weasleys")] {
        harness
            .usedesk_call(
                "/create/comment",
                &json!({ "api_token": "t", "ticket_id": ticket, "message": message }),
            )
            .await;
    }

    // Act
    let response = harness
        .http
        .get(harness.amo("/__sandbox/usedesk-comments/1002"))
        .header("origin", "http://127.0.0.1:8080")
        .send()
        .await
        .expect("an answer");
    let preflight = harness
        .http
        .request(reqwest::Method::OPTIONS, harness.amo("/__sandbox/faults"))
        .header("origin", "http://127.0.0.1:8080")
        .header("access-control-request-method", "POST")
        .send()
        .await
        .expect("an answer");

    // Assert
    assert_eq!(response.status(), StatusCode::OK);
    assert_eq!(
        response.headers()["access-control-allow-origin"],
        "*",
        "a page on another port may read it"
    );
    let comments: Value = response.json().await.expect("JSON");
    let messages: Vec<&str> = comments
        .as_array()
        .expect("a list")
        .iter()
        .filter_map(|c| c["message"].as_str())
        .collect();
    assert_eq!(messages, ["For Harry"]);
    assert_eq!(preflight.status(), StatusCode::NO_CONTENT);
    assert_eq!(preflight.headers()["access-control-allow-origin"], "*");
    assert!(
        preflight.headers()["access-control-allow-headers"]
            .to_str()
            .is_ok_and(|h| h.contains("content-type"))
    );
}
