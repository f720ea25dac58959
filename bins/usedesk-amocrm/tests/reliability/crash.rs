//! The server killed with SIGKILL in the middle of a token refresh and of a trigger, then restarted on the same
//! SQLite database: the stored refresh token still works, and the retried trigger creates no second deal.
//! The sandbox does not enforce the rate limit here: a restarted process cannot know what its dead predecessor
//! sent in the last second, and these tests are about crashes, not limits.

use std::time::Duration;

use reqwest::StatusCode;
use sandbox::{FaultMode, Faults};
use serde_json::json;

use crate::support::{
    Server, TempDir, free_port, http, leads_named, login, post_block, post_trigger, sample_body,
    sandbox_for, trigger_secret_from_the_gear, until,
};

fn slow(prefix: &str) -> Faults {
    Faults {
        mode: FaultMode::Slow(Duration::from_secs(60)),
        for_next: None,
        only_path_prefix: Some(prefix.into()),
    }
}

fn db_env(dir: &TempDir) -> Vec<(&'static str, String)> {
    vec![(
        "USEDESK_AMOCRM_DATABASE_URL",
        format!("sqlite://{}/db.sqlite", dir.path().display()),
    )]
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_crash_during_a_token_refresh_loses_no_token() {
    let dir = TempDir::new("reliability");
    let port = free_port();
    let base = format!("http://127.0.0.1:{port}/");
    let sandbox = sandbox_for(&base, false).await;
    let amo = sandbox
        .amocrm_url()
        .to_string()
        .trim_end_matches('/')
        .to_owned();
    let server = Server::spawn(&sandbox, port, &db_env(&dir)).await;
    let client = http();
    login(&client, &base, &sample_body(&amo, 1002)).await;

    sandbox.expire_access_tokens();
    sandbox.set_faults(slow("/oauth2/access_token"));
    sandbox.reset_stats();
    let pending = tokio::spawn({
        let (client, base, body) = (client.clone(), base.clone(), sample_body(&amo, 1003));
        async move { post_block(&client, &base, &body).await }
    });
    until("the refresh reaches amoCRM", || {
        sandbox
            .stats()
            .endpoints
            .get("POST /oauth2/access_token")
            .is_some_and(|n| *n >= 1)
    })
    .await;
    server.kill();
    let _ = pending.await;
    sandbox.set_faults(Faults::default());

    let _server = Server::spawn(&sandbox, port, &db_env(&dir)).await;
    let (_, html) = post_block(&client, &base, &sample_body(&amo, 1002)).await;

    assert!(
        html.contains("Harry Potter"),
        "the stored refresh token still works after the crash: {html}"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_crash_during_free_create_lead_then_a_retry_creates_one_deal() {
    let dir = TempDir::new("reliability");
    let port = free_port();
    let base = format!("http://127.0.0.1:{port}/");
    let sandbox = sandbox_for(&base, false).await;
    let amo = sandbox
        .amocrm_url()
        .to_string()
        .trim_end_matches('/')
        .to_owned();
    let server = Server::spawn(&sandbox, port, &db_env(&dir)).await;
    let client = http();
    login(&client, &base, &sample_body(&amo, 1002)).await;
    let (_, block) = post_block(&client, &base, &sample_body(&amo, 1002)).await;
    let (connection, secret) = trigger_secret_from_the_gear(&client, &block).await;
    let secret = Some(secret.as_str());

    // Warm the metadata cache, so that the crashing call's only slow request is the deal's creation.
    let warm = trigger_body(&connection, 1003, "Warm-up deal");
    assert_eq!(
        post_trigger(&client, &base, &warm, secret, None).await.0,
        StatusCode::OK
    );
    let name = "Deal that survives a crash";
    let body = trigger_body(&connection, 1002, name);
    sandbox.set_faults(slow("/api/v4/leads"));
    sandbox.reset_stats();
    let pending = tokio::spawn({
        let (client, base, body, secret) = (
            client.clone(),
            base.clone(),
            body.clone(),
            secret.map(str::to_owned),
        );
        async move { post_trigger(&client, &base, &body, secret.as_deref(), None).await }
    });
    until("the deal's creation reaches amoCRM", || {
        sandbox
            .stats()
            .endpoints
            .get("POST /api/v4/leads")
            .is_some_and(|n| *n >= 1)
    })
    .await;
    server.kill();
    let _ = pending.await;
    sandbox.set_faults(Faults::default());

    let _server = Server::spawn(&sandbox, port, &db_env(&dir)).await;
    let (status, answer) = post_trigger(&client, &base, &body, secret, None).await;

    assert_eq!(status, StatusCode::OK, "{answer}");
    assert_eq!(
        leads_named(&sandbox, name).await,
        1,
        "exactly one deal after the crash and the retry"
    );
    let (_, again) = post_trigger(&client, &base, &body, secret, None).await;
    assert_eq!(again["lead_id"], answer["lead_id"]);
}

fn trigger_body(connection: &str, ticket: i64, name: &str) -> serde_json::Value {
    json!({"amoClientId": connection, "ticketId": ticket, "fields": {"name": name, "price": 100}, "comment": "from a rule"})
}
