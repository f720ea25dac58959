//! amoCRM's rate limit across a restart: the sandbox enforces 7 requests a second, as amoCRM does, and counts
//! what it received. A burst of blocks, a stop (SIGTERM, as a deploy does, or SIGKILL, as a crash), a restart on
//! the same SQLite database and one more block must never put more than 7 requests into any second, so amoCRM
//! never answers 429. After SIGTERM the new process goes on from the old one's last window (the limiter
//! handoff); after a crash there is no handoff and it counts its first second as full.

use serde_json::json;
use store::{SqlStore, StoreOptions};

use crate::support::{
    Server, TempDir, free_port, http, login, post_block, sample_body, sandbox_for, until,
};

/// How the first server stops.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Stop {
    Term,
    Kill,
}

/// What the restart saw.
struct Restart {
    /// The first block after the restart.
    html: String,
    /// What the sandbox counted.
    stats: sandbox::Stats,
    /// How many request starts of the amoCRM account the stopped server recorded for its successor, if any.
    handed_over: Option<usize>,
}

/// A burst of seven blocks of seven different clients at once, each with a phone and an e-mail of its own (so
/// none shares another's searches: 14 requests, two windows' worth), the stop while their requests are reaching
/// amoCRM, a restart on the same database, and one block.
async fn burst_stop_restart(stop: Stop) -> Restart {
    let dir = TempDir::new("reliability");
    let port = free_port();
    let base = format!("http://127.0.0.1:{port}/");
    let sandbox = sandbox_for(&base, true).await;
    let amo = sandbox
        .amocrm_url()
        .to_string()
        .trim_end_matches('/')
        .to_owned();
    let url = format!("sqlite://{}/db.sqlite", dir.path().display());
    let env = vec![("USEDESK_AMOCRM_DATABASE_URL", url.clone())];
    let server = Server::spawn(&sandbox, port, &env).await;
    let client = http();
    login(&client, &base, &sample_body(&amo, 1002)).await;
    sandbox.reset_stats();

    let burst: Vec<_> = (0..7)
        .map(|i| {
            let mut body = sample_body(&amo, 1002);
            body["client_id"] = json!(90_000 + i);
            body["client_data"]["emails"] = json!([format!("burst-{i}@example.test")]);
            body["client_data"]["phones"] =
                json!([{"type": "mobile", "phone": format!("+7 900 555-{i:04}")}]);
            let (client, base) = (client.clone(), base.clone());
            tokio::spawn(async move { post_block(&client, &base, &body).await })
        })
        .collect();
    until("the burst reaches amoCRM", || {
        sandbox.stats().api_requests >= 7
    })
    .await;
    match stop {
        Stop::Term => server.terminate(),
        Stop::Kill => server.kill(),
    }
    for block in burst {
        let _ = block.await;
    }
    let handed_over = handed_over(&url, &amo).await;
    let _server = Server::spawn(&sandbox, port, &env).await;
    let (_, html) = post_block(&client, &base, &sample_body(&amo, 1002)).await;
    Restart {
        html,
        stats: sandbox.stats(),
        handed_over,
    }
}

/// Looks at the handoff the stopped server left in the database (and puts it back for the next start).
async fn handed_over(url: &str, amo: &str) -> Option<usize> {
    let store = SqlStore::open(url, StoreOptions::default())
        .await
        .expect("the database opens");
    let taken = store
        .take_limiter_handoff()
        .await
        .expect("the handoff reads");
    if let Some(starts) = &taken {
        store.save_limiter_handoff(starts).await.expect("put back");
    }
    store.close().await;
    taken.map(|starts| starts.get(amo).map_or(0, Vec::len))
}

fn assert_within_the_limit(restart: &Restart) {
    let stats = &restart.stats;
    assert!(
        restart.html.contains("Harry Potter"),
        "the block after the restart shows data: {}",
        restart.html
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

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_burst_then_a_graceful_restart_then_a_block_never_exceed_seven_requests_a_second() {
    // Act
    let restart = burst_stop_restart(Stop::Term).await;

    // Assert
    assert_within_the_limit(&restart);
    let handed = restart.handed_over.expect("SIGTERM leaves a handoff");
    assert!(
        (1..=7).contains(&handed),
        "the last window's starts of the account were handed over: {handed}"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_burst_then_a_crash_then_a_block_never_exceed_seven_requests_a_second() {
    // Act
    let restart = burst_stop_restart(Stop::Kill).await;

    // Assert
    assert_within_the_limit(&restart);
    assert_eq!(
        restart.handed_over, None,
        "a crash leaves no handoff: the new process counts its first second as full"
    );
}
