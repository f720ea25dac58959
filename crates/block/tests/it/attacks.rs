//! Attacks that once worked, performed again over HTTP against the real service: each test fails if its
//! attack succeeds. The work each request may cause is bounded by what it sends, checked by counting what
//! reached amoCRM rather than by timing.

use domain::store::{FieldChoices, Store};
use serde_json::{Value, json};
use wiremock::matchers::{method, path};
use wiremock::{Mock, ResponseTemplate};

use crate::support::*;

/// The GETs amoCRM received on `route`.
async fn gets_of(app: &TestApp, route: &str) -> usize {
    app.amo
        .received_requests()
        .await
        .unwrap_or_default()
        .iter()
        .filter(|r| r.method.as_str() == "GET" && r.url.path() == route)
        .count()
}

#[tokio::test]
async fn a_deal_form_with_ninety_thousand_field_keys_is_refused_in_one_pass_and_creates_nothing() {
    // Arrange: a genuine submit token, as a deal form hands out.
    let app = TestApp::start().await;
    let connection = app.connect().await;
    Mock::given(method("POST"))
        .and(path("/api/v4/leads"))
        .respond_with(ResponseTemplate::new(500))
        .expect(0)
        .mount(&app.amo)
        .await;
    let create = sign_claims(
        &json!({"c": connection.to_string(), "t": TICKET_ID, "u": CLIENT_ID, "k": "create_deal",
            "s": 3001, "l": "en", "e": domain::now() + 600, "n": "n-deal-flood"}),
        SIGNING_KEY,
    );
    let mut body = format!("t={create}&name=Flood");
    for key in 0..90_000 {
        body.push_str(&format!("&cf:{key}="));
    }

    // Act
    let response = app
        .http
        .post(app.url("/action/deal"))
        .header("Accept", "application/json")
        .header("Content-Type", "application/x-www-form-urlencoded")
        .body(body)
        .send()
        .await
        .unwrap();

    // Assert: refused before the token is spent or amoCRM is asked anything.
    assert_eq!(response.status().as_u16(), 400);
    let answer: Value = response.json().await.unwrap();
    assert_eq!(answer["error"]["code"], "bad_request", "{answer}");
    assert!(
        app.store
            .consume_nonce("action:n-deal-flood", domain::now() + 600)
            .await
            .unwrap(),
        "the token was not spent"
    );
}

#[tokio::test]
async fn a_block_with_a_thousand_phones_and_e_mails_searches_at_most_five_of_each_and_says_so() {
    // Arrange
    let app = TestApp::start().await;
    app.connect().await;
    app.mount_metadata().await;
    Mock::given(method("GET"))
        .and(path("/api/v4/contacts"))
        .respond_with(ResponseTemplate::new(204))
        .mount(&app.amo)
        .await;
    let mut body = app.block_request();
    body["client_data"]["phones"] = (0..1000)
        .map(
            |i| json!({"type": "mobile", "phone": format!("+7 916 {:03} {:04}", i / 10, 1000 + i)}),
        )
        .collect();
    body["client_data"]["emails"] = (0..1000)
        .map(|i| json!(format!("client{i}@example.com")))
        .collect();

    // Act
    let (status, html) = app.post_block(&body).await;

    // Assert: ten searches at most, whatever the request carries, and the agent is told.
    assert_eq!(status, 200);
    assert!(gets_of(&app, "/api/v4/contacts").await <= 10);
    let said = unescape(&html);
    assert!(said.contains("were not searched"), "{said}");
}

#[tokio::test]
async fn an_amocrm_url_field_that_a_browser_would_turn_into_another_host_is_shown_as_text_only() {
    // Arrange: a deal whose chosen URL field holds "/<TAB>/evil.example/phish".
    let app = TestApp::start().await;
    let connection = app.connect().await;
    app.store
        .set_field_choices(
            connection,
            &FieldChoices {
                list: vec![domain::FieldKey::Custom(712)],
                card: Vec::new(),
            },
        )
        .await
        .unwrap();
    app.mount_get("/api/v4/account", fixture!("amocrm/account.json"))
        .await;
    app.mount_no_tasks().await;
    app.mount_get(
        "/api/v4/leads/pipelines",
        fixture!("block/xss_pipelines.json"),
    )
    .await;
    app.mount_get("/api/v4/users", fixture!("amocrm/users.json"))
        .await;
    app.mount_get(
        "/api/v4/leads/custom_fields",
        fixture!("block/xss_lead_fields.json"),
    )
    .await;
    app.mount_search(PHONE_QUERY, Some(fixture!("block/xss_contacts.json")))
        .await;
    Mock::given(method("GET"))
        .and(path("/api/v4/contacts"))
        .respond_with(ResponseTemplate::new(204))
        .with_priority(10)
        .mount(&app.amo)
        .await;
    app.mount_get("/api/v4/leads", fixture!("block/leads_url_tab.json"))
        .await;

    // Act
    let (status, html) = app.post_block(&app.block_request()).await;

    // Assert: the value is there as text, and no link leads anywhere but an absolute http(s) address.
    assert_eq!(status, 200);
    assert!(unescape(&html).contains("evil.example/phish"), "{html}");
    for href in html.split("href=\"").skip(1) {
        let href = unescape(&href[..href.find('"').unwrap()]);
        if let Some(number) = href.strip_prefix("tel:+") {
            assert!(number.chars().all(|c| c.is_ascii_digit()), "{href}");
            continue;
        }
        assert!(
            href.starts_with("http://") || href.starts_with("https://"),
            "a relative or odd link: {href:?}"
        );
        assert!(!href.contains("evil.example"), "{href}");
    }
}

#[tokio::test]
async fn links_that_open_pages_live_an_hour_while_in_place_write_tokens_keep_the_block_lifetime() {
    // Arrange
    let app = TestApp::start().await;
    app.connect().await;
    app.mount_many_contacts().await;

    // Act
    let (status, html) = app.post_block(&app.block_request()).await;
    let now = domain::now();

    // Assert: the settings, deal card and deal form links (bearer values in a query string) expire within
    // the hour; the link form's token, posted in place, keeps the longer lifetime.
    assert_eq!(status, 200);
    let expiry = |url: &str| {
        tokens_for(&html, &app.url(url))
            .iter()
            .map(|t| {
                (
                    claims_of(t)["k"].as_str().unwrap().to_owned(),
                    claims_of(t)["e"].as_i64().unwrap(),
                )
            })
            .collect::<Vec<_>>()
    };
    let pages: Vec<_> = ["/action/settings", "/deal", "/action/deal"]
        .into_iter()
        .flat_map(expiry)
        .collect();
    assert!(pages.len() >= 3, "{pages:?}");
    for (kind, exp) in &pages {
        assert!(*exp <= now + 3600 + 5, "{kind} lives {} s", exp - now);
    }
    let writes = expiry("/action/link");
    assert!(!writes.is_empty());
    for (kind, exp) in &writes {
        assert!(*exp > now + 3600 * 11, "{kind} lives {} s", exp - now);
    }
}
