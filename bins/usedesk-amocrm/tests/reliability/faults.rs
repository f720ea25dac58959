//! amoCRM misbehaving (sandbox fault modes) and Usedesk down: the block always answers, on time, saying what
//! happened; nothing is retried blindly; back-off and circuit breaker hold.

use std::time::Duration;

use reqwest::StatusCode;
use sandbox::{FaultMode, Faults};
use serde_json::json;

use crate::support::{Stack, shows, unescape};

fn fault(mode: FaultMode) -> Faults {
    Faults {
        mode,
        for_next: None,
        only_path_prefix: None,
    }
}

/// Whether the block says amoCRM is busy: with the moment it retries (`state-busy-until`) or without it.
fn says_busy(html: &str) -> bool {
    unescape(html).contains("amoCRM is busy: it is receiving too many requests.")
}

/// Whether the block says amoCRM paused the integration: until a moment (`state-blocked-until`) or for a while.
fn says_paused(html: &str) -> bool {
    unescape(html).contains("amoCRM has paused this integration")
}

async fn logged_in() -> Stack {
    let stack = Stack::start().await;
    stack.login().await;
    stack
}

#[tokio::test]
async fn a_429_with_a_json_body_pauses_the_account_and_the_block_says_busy() {
    let stack = logged_in().await;
    stack
        .sandbox
        .set_faults(fault(FaultMode::TooManyJson { retry_after: 300 }));

    let (status, html) = stack.block(&stack.sample(1003)).await;
    stack.sandbox.reset_stats();
    let (_, again) = stack.block(&stack.sample(1003)).await;

    assert_eq!(status, StatusCode::OK);
    assert!(says_busy(&html), "{html}");
    assert!(says_busy(&again), "{again}");
    assert_eq!(
        stack.sandbox.stats().api_requests,
        0,
        "no request is sent while the account is paused"
    );
}

#[tokio::test]
async fn a_429_with_an_html_body_is_understood_too() {
    let stack = logged_in().await;
    stack.sandbox.set_faults(fault(FaultMode::TooManyHtml));

    let (status, html) = stack.block(&stack.sample(1003)).await;

    assert_eq!(status, StatusCode::OK);
    assert!(says_busy(&html), "{html}");
}

#[tokio::test]
async fn a_403_opens_the_circuit_and_nothing_is_sent_during_the_cool_down() {
    let stack = logged_in().await;
    stack.sandbox.set_faults(fault(FaultMode::Forbidden));

    let (_, html) = stack.block(&stack.sample(1003)).await;
    stack.sandbox.set_faults(Faults::default());
    stack.sandbox.reset_stats();
    let (_, again) = stack.block(&stack.sample(1001)).await;

    assert!(says_paused(&html), "{html}");
    assert!(says_paused(&again), "{again}");
    assert_eq!(
        stack.sandbox.stats().api_requests,
        0,
        "the circuit stays open for the cool-down"
    );
}

#[tokio::test]
async fn expired_access_tokens_make_exactly_one_refresh_for_many_concurrent_blocks() {
    let stack = logged_in().await;
    stack.sandbox.expire_access_tokens();
    stack.sandbox.reset_stats();

    let bodies: Vec<_> = (0..12)
        .map(|i| {
            let mut body = stack.sample(1002);
            body["client_id"] = json!(5000 + i);
            body
        })
        .collect();
    let renders = futures_util::future::join_all(bodies.iter().map(|b| stack.block(b))).await;

    assert!(
        renders
            .iter()
            .all(|(_, html)| html.contains("Harry Potter")),
        "{:?}",
        renders[0]
    );
    assert_eq!(
        stack
            .sandbox
            .stats()
            .endpoints
            .get("POST /oauth2/access_token"),
        Some(&1)
    );
}

#[tokio::test]
async fn revoked_access_brings_back_the_login_button() {
    let stack = logged_in().await;
    stack.sandbox.revoke_all_tokens();

    let (_, html) = stack.block(&stack.sample(1002)).await;

    assert!(html.contains("oauth/start"), "{html}");
    assert!(
        shows(&html, "state-login-expired") || shows(&html, "state-needs-login"),
        "{html}"
    );
}

#[tokio::test]
async fn a_single_server_error_is_retried_and_the_block_is_fresh() {
    let stack = logged_in().await;
    stack.sandbox.set_faults(Faults {
        mode: FaultMode::ServerError,
        for_next: Some(1),
        only_path_prefix: Some("/api/v4/contacts".into()),
    });

    let (_, html) = stack.block(&stack.sample(1002)).await;

    assert!(html.contains("Harry Potter"), "{html}");
    assert!(!shows(&html, "state-stale"), "{html}");
}

#[tokio::test]
async fn persistent_server_errors_show_the_last_known_data_as_of_its_time() {
    let stack = Stack::start_with(|c| c.render_cache_ms = 0).await;
    stack.login().await;
    let (_, fresh) = stack.block(&stack.sample(1002)).await;
    stack.sandbox.set_faults(fault(FaultMode::ServerError));

    let (status, html) = stack.block(&stack.sample(1002)).await;

    assert!(fresh.contains("Harry Potter"), "{fresh}");
    assert_eq!(status, StatusCode::OK);
    assert!(
        html.contains("Harry Potter"),
        "the last known data is still shown: {html}"
    );
    assert!(
        crate::support::unescape(&html).contains("data as of"),
        "and says how old it is: {html}"
    );
}

#[tokio::test]
async fn amocrm_slower_than_the_deadline_gives_a_preparing_block_on_time() {
    let stack = Stack::start_with(|c| c.render_deadline_ms = 400).await;
    stack.login().await;
    stack
        .sandbox
        .set_faults(fault(FaultMode::Slow(Duration::from_secs(20))));

    let started = std::time::Instant::now();
    let (status, html) = stack.block(&stack.sample(1003)).await;

    assert_eq!(status, StatusCode::OK);
    // The work goes on in the background; the block says the data is being prepared.
    assert!(html.contains(r#"class="uda-preparing"#), "{html}");
    assert!(
        started.elapsed() < Duration::from_secs(10),
        "answered within the deadline, not after amoCRM"
    );
}
