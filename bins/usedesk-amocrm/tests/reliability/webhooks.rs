//! amoCRM webhooks through the real binary: a stage changed "in amoCRM" (the sandbox) reaches the block at once
//! and lands once as a private comment in the ticket the deal came from; repeated, late and forged deliveries
//! change nothing more; without webhooks the block still catches up, on its render TTL.

use std::time::Duration;

use reqwest::StatusCode;
use sandbox::seed::{STATUS_CONTRACT_SENT, STATUS_WON, USER_MINERVA};
use sandbox::{FaultMode, Faults};
use serde_json::json;

use crate::support::{
    Server, TempDir, free_port, http, link, login, post_block, post_trigger, sample_body,
    sandbox_for, shows, trigger_secret_from_the_gear, unescape, within,
};

const DEAL: &str = "Webhook deal";

fn db_env(dir: &TempDir) -> Vec<(&'static str, String)> {
    vec![(
        "USEDESK_AMOCRM_DATABASE_URL",
        format!("sqlite://{}/db.sqlite", dir.path().display()),
    )]
}

/// The private comments about our deal in ticket 1002 that name `stage`.
fn stage_comments(sandbox: &sandbox::Sandbox, stage: &str) -> usize {
    sandbox
        .usedesk_comments()
        .iter()
        .filter(|c| {
            c.ticket_id == 1002
                && c.kind == "private"
                && c.message.contains(DEAL)
                && c.message.contains(stage)
        })
        .count()
}

/// The server as a process, logged in from ticket 1002, with a deal created from that ticket by a trigger.
/// Returns (server, sandbox, the deal's id, its directory).
async fn stack_with_a_deal(
    extra: &[(&'static str, String)],
    webhooks_work: bool,
) -> (Server, sandbox::Sandbox, i64, TempDir) {
    let dir = TempDir::new("reliability");
    let port = free_port();
    let base = format!("http://127.0.0.1:{port}/");
    let sandbox = sandbox_for(&base, false).await;
    if !webhooks_work {
        // amoCRM fails every webhook call: the subscription does not happen.
        sandbox.set_faults(Faults {
            mode: FaultMode::ServerError,
            for_next: None,
            only_path_prefix: Some("/api/v4/webhooks".into()),
        });
    }
    let mut env = db_env(&dir);
    env.extend(extra.iter().cloned());
    let server = Server::spawn(&sandbox, port, &env).await;
    let amo = sandbox
        .amocrm_url()
        .to_string()
        .trim_end_matches('/')
        .to_owned();
    let client = http();
    login(&client, &base, &sample_body(&amo, 1002)).await;
    let (_, block) = post_block(&client, &base, &sample_body(&amo, 1002)).await;
    let (connection, secret) = trigger_secret_from_the_gear(&client, &block).await;
    let body = json!({"amoClientId": connection, "ticketId": 1002, "fields": {"name": DEAL}});
    let (status, answer) = post_trigger(&client, &base, &body, Some(&secret), None).await;
    assert_eq!(status, StatusCode::OK, "{answer}");
    let deal = answer["lead_id"].as_i64().expect("the deal's id");
    (server, sandbox, deal, dir)
}

async fn block_html(server: &Server, sandbox: &sandbox::Sandbox) -> String {
    let amo = sandbox
        .amocrm_url()
        .to_string()
        .trim_end_matches('/')
        .to_owned();
    post_block(&http(), &server.base, &sample_body(&amo, 1002))
        .await
        .1
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_stage_changed_in_amocrm_reaches_the_block_and_the_ticket_once() {
    let (server, sandbox, deal, _dir) = stack_with_a_deal(&[], true).await;
    let hooks = sandbox.webhooks();
    assert_eq!(
        hooks.len(),
        1,
        "the login subscribed one webhook: {hooks:?}"
    );
    assert!(
        hooks[0]
            .0
            .starts_with(&format!("{}hooks/amocrm?", server.base))
    );
    // The block is rendered (and cached for its TTL, 10 s) before the change.
    let before = block_html(&server, &sandbox).await;
    let shown_before = before.matches("Contract sent").count();

    sandbox
        .move_lead(deal, STATUS_CONTRACT_SENT, None, USER_MINERVA)
        .expect("the sandbox moves the deal");

    let fresh = within(Duration::from_secs(1), async || {
        block_html(&server, &sandbox)
            .await
            .matches("Contract sent")
            .count()
            > shown_before
    })
    .await;
    assert!(
        fresh,
        "the new stage is in the block within a second, with no TTL wait"
    );
    let commented = within(Duration::from_secs(5), async || {
        stage_comments(&sandbox, "Contract sent") == 1
    })
    .await;
    assert!(
        commented,
        "one private comment in the ticket: {:?}",
        sandbox.usedesk_comments()
    );
    let comment = sandbox
        .usedesk_comments()
        .into_iter()
        .find(|c| c.message.contains(DEAL) && c.message.contains("Contract sent"))
        .unwrap();
    assert!(
        comment.message.contains("Minerva"),
        "it says who: {}",
        comment.message
    );

    // The same change delivered again (amoCRM retries), then the deal won, then the first move delivered late.
    let log = sandbox.webhook_log();
    let (destination, moved) = log
        .iter()
        .rev()
        .find(|(_, body)| body.contains("leads%5Bstatus%5D"))
        .cloned()
        .expect("the stage change was delivered");
    let client = http();
    for _ in 0..2 {
        let answer = client
            .post(&destination)
            .header("content-type", "application/x-www-form-urlencoded")
            .body(moved.clone())
            .send()
            .await
            .unwrap();
        assert_eq!(answer.status(), StatusCode::OK);
    }
    sandbox
        .move_lead(deal, STATUS_WON, None, USER_MINERVA)
        .expect("the sandbox wins the deal");
    let won = within(Duration::from_secs(5), async || {
        sandbox
            .usedesk_comments()
            .iter()
            .filter(|c| c.ticket_id == 1002 && c.message.contains(DEAL))
            .count()
            >= 3
    })
    .await;
    assert!(
        won,
        "the win is commented on: {:?}",
        sandbox.usedesk_comments()
    );
    let late = client
        .post(&destination)
        .header("content-type", "application/x-www-form-urlencoded")
        .body(moved.clone())
        .send()
        .await
        .unwrap();
    assert_eq!(late.status(), StatusCode::OK);

    // A forged delivery: the right connection, a wrong secret.
    let forged_url = {
        let mut url = url::Url::parse(&destination).unwrap();
        let connection = url
            .query_pairs()
            .find(|(k, _)| k == "c")
            .map(|(_, v)| v.into_owned())
            .unwrap();
        url.query_pairs_mut()
            .clear()
            .append_pair("c", &connection)
            .append_pair("s", "not-the-secret");
        url
    };
    let forged = client
        .post(forged_url)
        .header("content-type", "application/x-www-form-urlencoded")
        .body(moved.replace("80000015", "80000014"))
        .send()
        .await
        .unwrap();
    assert_eq!(forged.status(), StatusCode::UNAUTHORIZED);

    // Whatever the replays and the forgery might have posted would be in by the time a later block answers.
    let _ = block_html(&server, &sandbox).await;
    let ours: Vec<_> = sandbox
        .usedesk_comments()
        .into_iter()
        .filter(|c| c.ticket_id == 1002 && c.message.contains(DEAL))
        .collect();
    // The creation's comment, the move, the win: nothing from the repeat, the late one or the forgery.
    assert_eq!(ours.len(), 3, "{ours:#?}");
    assert_eq!(stage_comments(&sandbox, "Contract sent"), 1);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn without_webhooks_the_block_catches_up_on_its_render_ttl() {
    // A short render TTL keeps the test quick; the default is 10 s, the wait below is bounded by it.
    let ttl = ("USEDESK_AMOCRM_RENDER_CACHE_MS", "1500".to_owned());
    let (server, sandbox, deal, _dir) = stack_with_a_deal(&[ttl], false).await;
    assert!(
        sandbox.webhooks().is_empty(),
        "amoCRM refused the subscription"
    );
    let before = block_html(&server, &sandbox).await;
    let shown_before = before.matches("Contract sent").count();

    sandbox
        .move_lead(deal, STATUS_CONTRACT_SENT, None, USER_MINERVA)
        .expect("the sandbox moves the deal");

    let caught_up = within(Duration::from_secs(10), async || {
        block_html(&server, &sandbox)
            .await
            .matches("Contract sent")
            .count()
            > shown_before
    })
    .await;
    assert!(
        caught_up,
        "the block shows the new stage once its render expires"
    );
    assert_eq!(
        stage_comments(&sandbox, "Contract sent"),
        0,
        "no webhook, no ticket comment: those need webhooks"
    );
}

/// The `value` of the hidden token field of the form posting to `path` in `html`, and the form's action.
fn form(html: &str, path: &str) -> (String, String) {
    let at = html
        .find(&format!("{path}\""))
        .unwrap_or_else(|| panic!("no form posting to {path} in {html}"));
    let start = html[..at].rfind('"').unwrap() + 1;
    let action = unescape(&html[start..at + path.len()]);
    let marker = "name=\"t\" value=\"";
    let token_at = at + html[at..].find(marker).unwrap() + marker.len();
    let token: String = html[token_at..].chars().take_while(|c| *c != '"').collect();
    (action, unescape(&token))
}

/// What the `connections` table holds, read behind the server's back: (status, tokens present).
async fn stored_connection(dir: &TempDir) -> (String, bool) {
    let url = format!("sqlite://{}/db.sqlite", dir.path().display());
    let pool = sqlx::SqlitePool::connect(&url).await.unwrap();
    let row: (String, Option<String>, Option<String>, Option<String>) = sqlx::query_as(
        "SELECT status, access_token, refresh_token, usedesk_token FROM connections",
    )
    .fetch_one(&pool)
    .await
    .unwrap();
    pool.close().await;
    (row.0, row.1.is_some() || row.2.is_some() || row.3.is_some())
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn disconnecting_from_the_gear_deletes_the_tokens_and_the_webhook_and_the_block_asks_to_log_in()
 {
    let (server, sandbox, _deal, dir) = stack_with_a_deal(&[], true).await;
    let client = http();
    let block = block_html(&server, &sandbox).await;
    let gear = link(&block, "action/settings").expect("a gear link");
    let gear = client
        .get(&gear)
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    let page = link(&gear, "action/connection").expect("the connection page's link");
    let page = client
        .get(&page)
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(shows(&page, "connection-all-agents"), "{page}");
    assert_eq!(stored_connection(&dir).await, ("active".to_owned(), true));
    let (action, token) = form(&page, "action/disconnect");

    let answer = client
        .post(&action)
        .form(&[("t", token.as_str()), ("keep", "1")])
        .send()
        .await
        .unwrap();

    assert_eq!(answer.status(), StatusCode::OK);
    let answer = answer.text().await.unwrap();
    assert!(shows(&answer, "connection-disconnected"), "{answer}");
    assert!(shows(&answer, "connection-disconnected-kept"), "{answer}");
    assert!(sandbox.webhooks().is_empty(), "the webhook is unsubscribed");
    assert_eq!(
        stored_connection(&dir).await,
        ("needs_login".to_owned(), false)
    );
    let after = block_html(&server, &sandbox).await;
    assert!(
        link(&after, "oauth/start").is_some(),
        "the block asks to log in: {after}"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn amocrms_signed_disconnect_hook_marks_the_connection_as_needing_login_and_a_forged_one_does_nothing()
 {
    let (server, sandbox, _deal, dir) = stack_with_a_deal(&[], true).await;
    let client = http();
    let hook = format!("{}hooks/amocrm/disconnect", server.base);
    // The account uninstalls the integration: its tokens stop working and amoCRM calls the hook.
    let signed = sandbox.uninstall();
    let forged = signed.replace("signature=", "signature=00");

    let refused = client.get(format!("{hook}?{forged}")).send().await.unwrap();
    assert_eq!(refused.status(), StatusCode::UNAUTHORIZED);
    assert_eq!(stored_connection(&dir).await, ("active".to_owned(), true));

    let accepted = client.get(format!("{hook}?{signed}")).send().await.unwrap();

    assert_eq!(accepted.status(), StatusCode::OK);
    assert_eq!(
        stored_connection(&dir).await,
        ("needs_login".to_owned(), false)
    );
    let after = block_html(&server, &sandbox).await;
    assert!(
        link(&after, "oauth/start").is_some(),
        "the block asks to log in: {after}"
    );
}
