//! Two server processes sharing PostgreSQL and Redis: one refresh for both, one rate limit for both, what one
//! stores the other sees, and what a webhook to one changes the other's block shows at once.

use std::time::Duration;

use reqwest::StatusCode;
use sandbox::seed::{LEAD_HARRY_FIREBOLT, STATUS_CONTRACT_SENT, USER_MINERVA};

use serde_json::json;

use crate::support::{
    Server, free_port, http, login, post_block, sample_body, sandbox_for, within,
};

struct Database {
    admin: String,
    name: String,
}

impl Database {
    async fn create() -> Option<Database> {
        let admin = testkit::pg_url();
        let name = format!("usedesk_amocrm_rel_{}", std::process::id());
        let pool = match sqlx::PgPool::connect(&admin).await {
            Ok(pool) => pool,
            Err(e) => return testkit::unavailable("PostgreSQL", &admin, &e),
        };
        sqlx::query(&format!("DROP DATABASE IF EXISTS {name} WITH (FORCE)"))
            .execute(&pool)
            .await
            .unwrap();
        sqlx::query(&format!("CREATE DATABASE {name}"))
            .execute(&pool)
            .await
            .unwrap();
        Some(Database { admin, name })
    }

    fn url(&self) -> String {
        let mut url = url::Url::parse(&self.admin).unwrap();
        url.set_path(&self.name);
        url.to_string()
    }

    async fn drop(self) {
        let pool = sqlx::PgPool::connect(&self.admin).await.unwrap();
        sqlx::query(&format!(
            "DROP DATABASE IF EXISTS {} WITH (FORCE)",
            self.name
        ))
        .execute(&pool)
        .await
        .unwrap();
    }
}

async fn redis_url() -> Option<String> {
    let url = testkit::redis_url();
    let address = url.trim_start_matches("redis://").trim_end_matches('/');
    match tokio::net::TcpStream::connect(address).await {
        Ok(_) => Some(url),
        Err(e) => testkit::unavailable("Redis", &url, &e),
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn two_replicas_refresh_once_share_the_rate_limit_and_see_each_others_links_and_webhooks() {
    let Some(db) = Database::create().await else {
        return;
    };
    let Some(redis) = redis_url().await else {
        return db.drop().await;
    };
    let (port_a, port_b) = (free_port(), free_port());
    let base_a = format!("http://127.0.0.1:{port_a}/");
    let base_b = format!("http://127.0.0.1:{port_b}/");
    let sandbox = sandbox_for(&base_a, true).await;
    let amo = sandbox
        .amocrm_url()
        .to_string()
        .trim_end_matches('/')
        .to_owned();
    let shared = vec![
        ("USEDESK_AMOCRM_DATABASE_URL", db.url()),
        ("USEDESK_AMOCRM_REDIS_URL", redis),
        (
            "USEDESK_AMOCRM_SECURITY__SIGNING_KEY",
            "c2hhcmVkLXNpZ25pbmcta2V5LWZvci1ib3RoLXJlcGxpY2Fz".to_owned(),
        ),
        (
            "USEDESK_AMOCRM_SECURITY__TOKEN_ENCRYPTION_KEY",
            "MDEyMzQ1Njc4OWFiY2RlZjAxMjM0NTY3ODlhYmNkZWY=".to_owned(),
        ),
        (
            "USEDESK_AMOCRM_AMOCRM__REDIRECT_URI",
            format!("{base_a}oauth/callback"),
        ),
        ("USEDESK_AMOCRM_PUBLIC_URL", base_a.clone()),
    ];
    let replica_a = Server::spawn(&sandbox, port_a, &shared).await;
    let replica_b = Server::spawn(&sandbox, port_b, &shared).await;
    let client = http();
    login(&client, &replica_a.base, &sample_body(&amo, 1002)).await;

    // One refresh for both replicas.
    sandbox.expire_access_tokens();
    sandbox.reset_stats();
    let renders = (0..10).map(|i| {
        let (client, base) = (
            client.clone(),
            if i % 2 == 0 {
                base_a.clone()
            } else {
                base_b.clone()
            },
        );
        let mut body = sample_body(&amo, 1002);
        body["client_id"] = json!(9000 + i);
        async move { post_block(&client, &base, &body).await }
    });
    let answers = futures_util::future::join_all(renders).await;
    let without_data = answers
        .iter()
        .find(|(s, html)| *s != StatusCode::OK || !html.contains("Harry Potter"));
    assert!(without_data.is_none(), "{without_data:?}");
    assert_eq!(
        sandbox.stats().endpoints.get("POST /oauth2/access_token"),
        Some(&1),
        "exactly one refresh across replicas"
    );

    // One limit for both replicas: a burst from both never puts more than 7 requests in a second. The first phase's
    // last requests leave amoCRM's one-second window first, so that what is counted is the burst alone.
    tokio::time::sleep(Duration::from_millis(1_100)).await;
    sandbox.reset_stats();
    let burst = (0..16).map(|i| {
        let (client, base) = (
            client.clone(),
            if i % 2 == 0 {
                base_a.clone()
            } else {
                base_b.clone()
            },
        );
        let mut body = sample_body(&amo, 1003);
        body["client_id"] = json!(9100 + i);
        async move { post_block(&client, &base, &body).await }
    });
    let answers = futures_util::future::join_all(burst).await;
    let stats = sandbox.stats();
    assert!(answers.iter().all(|(s, _)| *s == StatusCode::OK));
    assert!(stats.max_requests_per_second <= 7, "{stats:?}");
    assert_eq!(stats.too_many_requests, 0, "{stats:?}");

    // What one replica stores, the other sees.
    let (_, three) = post_block(&client, &base_a, &sample_body(&amo, 1003)).await;
    let link_form = crate::support::link(&three, "action/link").expect("a Link button");
    let token = hidden_token_after(&three, "action/link").expect("its token");
    let linked = client
        .post(&link_form)
        .form(&[("t", token.as_str())])
        .send()
        .await
        .unwrap();
    assert!(linked.status().is_success(), "{}", linked.status());
    let (_, seen_by_b) = post_block(&client, &base_b, &sample_body(&amo, 1003)).await;
    assert!(
        seen_by_b.contains("action/unlink"),
        "replica B shows the link made through replica A"
    );

    // A change amoCRM announces to one replica reaches the other's block at once, not after its render TTL (10 s):
    // the webhook goes to replica A (the public URL), the block is replica B's, rendered and cached before.
    let harry = sample_body(&amo, 1002);
    let (_, before) = post_block(&client, &base_b, &harry).await;
    let shown_before = before.matches("Contract sent").count();
    sandbox
        .move_lead(
            LEAD_HARRY_FIREBOLT,
            STATUS_CONTRACT_SENT,
            None,
            USER_MINERVA,
        )
        .expect("the sandbox moves the deal");
    let fresh = within(Duration::from_secs(2), async || {
        let (_, html) = post_block(&client, &base_b, &harry).await;
        html.matches("Contract sent").count() > shown_before
    })
    .await;
    assert!(
        fresh,
        "replica B shows the stage changed in amoCRM within two seconds, though the webhook reached replica A"
    );

    drop((replica_a, replica_b));
    db.drop().await;
}

/// The value of the first hidden `t` field after the first occurrence of `needle`.
pub(crate) fn hidden_token_after(html: &str, needle: &str) -> Option<String> {
    let rest = &html[html.find(needle)?..];
    let at = rest.find("name=\"t\"")?;
    let after = &rest[at..];
    let value = after.find("value=\"")? + 7;
    let end = after[value..].find('"')?;
    Some(after[value..value + end].to_owned())
}
