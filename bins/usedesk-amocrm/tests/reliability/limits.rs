//! amoCRM's rate limit across a restart: the sandbox enforces 7 requests a second, as amoCRM does, and counts
//! what it received. A burst of blocks, SIGTERM, a restart on the same SQLite database and one more block must
//! never put more than 7 requests into any second, so amoCRM never answers 429.

use serde_json::json;

use crate::support::{
    Server, TempDir, free_port, http, login, post_block, sample_body, sandbox_for, until,
};

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_burst_then_a_restart_then_a_block_never_exceed_seven_requests_a_second() {
    // Arrange
    let dir = TempDir::new("reliability");
    let port = free_port();
    let base = format!("http://127.0.0.1:{port}/");
    let sandbox = sandbox_for(&base, true).await;
    let amo = sandbox
        .amocrm_url()
        .to_string()
        .trim_end_matches('/')
        .to_owned();
    let env = vec![(
        "USEDESK_AMOCRM_DATABASE_URL",
        format!("sqlite://{}/db.sqlite", dir.path().display()),
    )];
    let server = Server::spawn(&sandbox, port, &env).await;
    let client = http();
    login(&client, &base, &sample_body(&amo, 1002)).await;
    sandbox.reset_stats();

    // Act: seven blocks of seven different clients at once (so none shares another's load), then SIGTERM while
    // their requests are reaching amoCRM, a restart, and one block.
    let burst: Vec<_> = (0..7)
        .map(|i| {
            let mut body = sample_body(&amo, 1002);
            body["client_id"] = json!(90_000 + i);
            let (client, base) = (client.clone(), base.clone());
            tokio::spawn(async move { post_block(&client, &base, &body).await })
        })
        .collect();
    until("the burst reaches amoCRM", || {
        sandbox.stats().api_requests >= 7
    })
    .await;
    server.terminate();
    for block in burst {
        let _ = block.await;
    }
    let _server = Server::spawn(&sandbox, port, &env).await;
    let (_, html) = post_block(&client, &base, &sample_body(&amo, 1002)).await;

    // Assert
    let stats = sandbox.stats();
    assert!(
        html.contains("Harry Potter"),
        "the block after the restart shows data: {html}"
    );
    assert_eq!(
        stats.too_many_requests, 0,
        "amoCRM never answered 429: {stats:?}"
    );
    assert!(
        stats.max_requests_per_second <= 7,
        "at most 7 requests in any second: {stats:?}"
    );
}
