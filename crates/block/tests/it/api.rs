//! `POST /api/`: every state the agent can see, from JSON and form bodies, in the right language.

use std::sync::Arc;
use std::time::Duration;

use amocrm::RateLimiter;
use domain::store::Store;
use i18n::Lang::{En, Pt, Ru};
use serde_json::Value;
use wiremock::matchers::{method, path, query_param};
use wiremock::{Mock, ResponseTemplate};

use crate::support::*;

#[tokio::test]
async fn block_asks_for_amo_base_host_when_it_is_missing() {
    // Arrange
    let app = TestApp::start().await;
    let mut body = app.block_request();
    body.as_object_mut().unwrap().remove("amo_base_host");

    // Act
    let (status, html) = app.post_block(&body).await;

    // Assert
    assert_eq!(status, 200);
    assert_shows(&html, &t(En, "setup-missing-host"));
    assert_shows(&html, "amo_base_host");
}

#[tokio::test]
async fn block_refuses_a_host_that_is_not_amocrm_without_calling_it() {
    // Arrange
    let app = TestApp::start().await;
    let mut body = app.block_request();
    body["amo_base_host"] = Value::from("https://evil.example.com/");
    Mock::given(wiremock::matchers::any())
        .respond_with(ResponseTemplate::new(500))
        .expect(0)
        .mount(&app.amo)
        .await;

    // Act
    let (status, html) = app.post_block(&body).await;

    // Assert
    assert_eq!(status, 200);
    assert_shows(
        &html,
        &t1(
            En,
            "state-refused-host",
            "host",
            "https://evil.example.com/",
        ),
    );
}

#[tokio::test]
async fn block_refuses_a_request_whose_secret_key_is_wrong_or_missing() {
    // Arrange
    let app = TestApp::with(Options {
        secret: Some("block-secret-1"),
        ..Options::default()
    })
    .await;
    let mut wrong = app.block_request();
    wrong["secret_key"] = Value::from("block-secret-2");
    let missing = app.block_request();

    // Act
    let (wrong_status, wrong_html) = app.post_block(&wrong).await;
    let (missing_status, missing_html) = app.post_block(&missing).await;

    // Assert
    assert_eq!((wrong_status, missing_status), (200, 200));
    assert_shows(&wrong_html, &t(En, "state-bad-secret"));
    assert_shows(&missing_html, &t(En, "state-bad-secret"));
}

#[tokio::test]
async fn block_accepts_the_right_secret_key_under_either_name() {
    // Arrange
    let app = TestApp::with(Options {
        secret: Some("block-secret-1"),
        ..Options::default()
    })
    .await;
    let mut as_secret_key = app.block_request();
    as_secret_key["secret_key"] = Value::from("block-secret-1");
    let mut as_secret = app.block_request();
    as_secret["secret"] = Value::from("block-secret-1");

    // Act
    let (_, first) = app.post_block(&as_secret_key).await;
    let (_, second) = app.post_block(&as_secret).await;

    // Assert: past the secret, the block asks to log in (there is no connection yet).
    for html in [first, second] {
        assert_hides(&html, &t(En, "state-bad-secret"));
        assert_shows(&html, &t(En, "button-login"));
    }
}

#[tokio::test]
async fn block_asks_for_usedesk_api_token_when_it_is_missing() {
    // Arrange
    let app = TestApp::start().await;
    let mut body = app.block_request();
    body.as_object_mut().unwrap().remove("usedesk_api_token");

    // Act
    let (status, html) = app.post_block(&body).await;

    // Assert
    assert_eq!(status, 200);
    assert_shows(&html, &t(En, "setup-missing-token"));
    assert_shows(&html, "usedesk_api_token");
}

#[tokio::test]
async fn block_offers_login_when_the_account_is_not_connected() {
    // Arrange
    let app = TestApp::start().await;

    // Act
    let (status, html) = app.post_block(&app.block_request()).await;

    // Assert
    assert_eq!(status, 200);
    assert_shows(&html, &t(En, "state-needs-login"));
    assert_shows(&html, &format!("{}/oauth/start?s=", app.base));
    // The Usedesk token travels only sealed.
    assert_hides(&html, USEDESK_TOKEN);
}

#[tokio::test]
async fn block_says_oauth_is_not_configured_instead_of_offering_a_login_that_cannot_work() {
    // Arrange
    let app = TestApp::with(Options {
        oauth: false,
        ..Options::default()
    })
    .await;

    // Act
    let (status, html) = app.post_block(&app.block_request()).await;

    // Assert
    assert_eq!(status, 200);
    assert_shows(&html, &t(En, "state-oauth-not-configured"));
    assert_hides(&html, "/oauth/start");
}

#[tokio::test]
async fn block_offers_login_again_when_access_was_revoked() {
    // Arrange
    let app = TestApp::start().await;
    let connection = app.connect().await;
    app.store
        .lock_for_refresh(connection)
        .await
        .unwrap()
        .mark_needs_login()
        .await
        .unwrap();

    // Act
    let (status, html) = app.post_block(&app.block_request()).await;

    // Assert
    assert_eq!(status, 200);
    assert_shows(&html, &t(En, "state-login-expired"));
    assert_shows(&html, &format!("{}/oauth/start?s=", app.base));
}

#[tokio::test]
async fn block_offers_to_add_the_client_when_no_contact_is_found() {
    // Arrange
    let app = TestApp::start().await;
    app.connect().await;
    app.mount_metadata().await;
    app.mount_search(PHONE_QUERY, None).await;
    app.mount_search(EMAIL_QUERY, None).await;

    // Act
    let (status, html) = app.post_block(&app.block_request()).await;

    // Assert
    assert_eq!(status, 200);
    assert_shows(&html, &t(En, "state-no-contact"));
    // One click creates the contact; "Edit before adding" opens the prefilled form.
    let add = tokens_for(&html, &app.url("/action/contact"));
    assert_eq!(add.len(), 2, "the edit link and the add form: {html}");
    assert_eq!(claims_of(&add[0])["k"], "add_contact");
    assert_eq!(claims_of(&add[1])["k"], "create_contact");
    assert_shows(&html, "name=\"name\" value=\"Harry Potter\"");
    assert_shows(&html, "&name=Harry+Potter");
}

#[tokio::test]
async fn block_shows_the_one_contact_found_with_its_deals_and_no_link_button() {
    // Arrange
    let app = TestApp::start().await;
    app.connect().await;
    app.mount_one_contact().await;

    // Act
    let (status, html) = app.post_block(&app.block_request()).await;

    // Assert
    assert_eq!(status, 200);
    assert_shows(&html, "Harry Potter");
    assert_shows(&html, "Firebolt order");
    assert_shows(&html, "Wand repair");
    assert_shows(&html, "First contact");
    assert_shows(&html, "Minerva McGonagall");
    assert!(tokens_for(&html, &app.url("/action/link")).is_empty());
    // An open deal's "Change" link opens its edit page with the card's own token.
    let deals: std::collections::BTreeSet<String> =
        tokens_for(&html, &app.url("/deal")).into_iter().collect();
    assert_eq!(deals.len(), 2, "a card link per deal");
    let subjects: Vec<i64> = deals
        .iter()
        .map(|t| claims_of(t)["s"].as_i64().unwrap())
        .collect();
    assert!(subjects.contains(&7001) && subjects.contains(&7002));
    let new_deal = token_for(&html, &app.url("/action/deal"));
    assert_eq!(claims_of(&new_deal)["s"], 3001);
    assert_eq!(claims_of(&new_deal)["t"], TICKET_ID);
    assert_eq!(claims_of(&new_deal)["u"], CLIENT_ID);
}

#[tokio::test]
async fn block_shows_every_confirmed_contact_with_a_link_button_each() {
    // Arrange
    let app = TestApp::start().await;
    app.connect().await;
    app.mount_many_contacts().await;

    // Act
    let (status, html) = app.post_block(&app.block_request()).await;

    // Assert
    assert_eq!(status, 200);
    assert_shows(&html, "Harry Potter");
    assert_shows(&html, "Harry J. Potter (old card)");
    assert_shows(&html, "Time-Turner rental");
    // amoCRM's full-text hit with other digits is not the client.
    assert_hides(&html, "Near miss");
    let links = tokens_for(&html, &app.url("/action/link"));
    let contacts: Vec<i64> = links
        .iter()
        .map(|t| claims_of(t)["s"].as_i64().unwrap())
        .collect();
    assert_eq!(contacts, vec![3001, 3003]);
}

#[tokio::test]
async fn block_shows_only_the_linked_contact_with_an_unlink_button() {
    // Arrange
    let app = TestApp::start().await;
    let connection = app.connect().await;
    app.store
        .set_link(connection, CLIENT_ID, 3003)
        .await
        .unwrap();
    app.mount_metadata().await;
    app.mount_get("/api/v4/contacts/3003", fixture!("block/contact_3003.json"))
        .await;
    app.mount_get("/api/v4/leads", fixture!("block/leads_all.json"))
        .await;

    // Act
    let (status, html) = app.post_block(&app.block_request()).await;

    // Assert
    assert_eq!(status, 200);
    assert_shows(&html, "Harry J. Potter (old card)");
    assert_shows(&html, &t(En, "contact-linked-badge"));
    assert_hides(&html, "Firebolt order");
    assert!(tokens_for(&html, &app.url("/action/link")).is_empty());
    let unlink = token_for(&html, &app.url("/action/unlink"));
    assert_eq!(claims_of(&unlink)["k"], "unlink");
}

#[tokio::test]
async fn block_shows_the_last_known_data_as_of_its_time_when_amocrm_fails_after_a_good_render() {
    // Arrange: the first render succeeds, then amoCRM answers 500.
    let app = TestApp::start().await;
    app.connect().await;
    app.mount_metadata().await;
    Mock::given(method("GET"))
        .and(path("/api/v4/contacts"))
        .and(query_param("query", PHONE_QUERY))
        .respond_with(hal(fixture!("block/contacts_one.json")))
        .up_to_n_times(1)
        .with_priority(1)
        .mount(&app.amo)
        .await;
    Mock::given(method("GET"))
        .and(path("/api/v4/contacts"))
        .respond_with(ResponseTemplate::new(204))
        .up_to_n_times(1)
        .with_priority(2)
        .mount(&app.amo)
        .await;
    Mock::given(method("GET"))
        .and(path("/api/v4/contacts"))
        .respond_with(ResponseTemplate::new(500).set_body_string("{\"title\":\"oops\"}"))
        .with_priority(3)
        .mount(&app.amo)
        .await;
    app.mount_get("/api/v4/leads", fixture!("block/leads_all.json"))
        .await;
    let (_, fresh) = app.post_block(&app.block_request()).await;
    assert_hides(&fresh, "as of");

    // Act
    let (status, html) = app.post_block(&app.block_request()).await;

    // Assert
    assert_eq!(status, 200);
    assert_shows(&html, "Harry Potter");
    assert_shows(&html, "Firebolt order");
    let stale = t1(En, "state-stale", "time", "");
    assert_shows(&html, stale.trim_end_matches('.'));
}

#[tokio::test]
async fn block_says_amocrm_is_busy_when_it_answers_429() {
    // Arrange: one block found nothing, so the account (and its zone) is known; then amoCRM answers 429.
    let app = TestApp::start().await;
    app.connect().await;
    app.mount_metadata().await;
    Mock::given(method("GET"))
        .and(path("/api/v4/contacts"))
        .respond_with(ResponseTemplate::new(204))
        .up_to_n_times(2)
        .mount(&app.amo)
        .await;
    Mock::given(method("GET"))
        .and(path("/api/v4/contacts"))
        .respond_with(ResponseTemplate::new(429).set_body_raw(
            fixture!("amocrm/too_many_requests_429.json"),
            "application/problem+json",
        ))
        .mount(&app.amo)
        .await;
    let (first, _) = app.post_block(&app.block_request()).await;
    assert_eq!(first, 200);
    let mut other_client = app.block_request();
    other_client["client_id"] = serde_json::json!(424242);

    // Act
    let (status, html) = app.post_block(&other_client).await;

    // Assert
    assert_eq!(status, 200);
    // The fixture's `retry_after` is 300 s: the block says when it retries, in the account's zone.
    assert_shows(
        &html,
        "amoCRM is busy: it is receiving too many requests. Retrying at ",
    );
    assert_shows(&html, "(UTC+3 / MSK)");
}

#[tokio::test]
async fn block_shows_times_in_the_zone_its_timezone_parameter_names_over_the_accounts() {
    // Arrange: the account is in Moscow; the block's POST parameters say São Paulo.
    let app = TestApp::start().await;
    app.connect().await;
    app.mount_metadata().await;
    Mock::given(method("GET"))
        .and(path("/api/v4/contacts"))
        .respond_with(ResponseTemplate::new(429).set_body_raw(
            fixture!("amocrm/too_many_requests_429.json"),
            "application/problem+json",
        ))
        .mount(&app.amo)
        .await;
    let mut request = app.block_request();
    request["timezone"] = "America/Sao_Paulo".into();

    // Act
    let (status, html) = app.post_block(&request).await;

    // Assert
    assert_eq!(status, 200);
    assert_shows(&html, "(UTC\u{2212}3)");
    assert!(!html.contains("MSK"), "{html}");
}

#[tokio::test]
async fn block_delayed_by_our_own_queue_says_when_its_data_will_be_ready_not_that_amocrm_is_busy() {
    // Arrange: one request a minute, and this minute's request already taken, so the block's first
    // request would start long after the render deadline.
    let limiter = Arc::new(amocrm::LocalRateLimiter::new(1, Duration::from_secs(60)));
    let app = TestApp::with(Options {
        limiter: Some(limiter.clone()),
        ..Options::default()
    })
    .await;
    app.connect().await;
    let _ = limiter
        .acquire(app.amo_host().as_str(), Some(Duration::ZERO))
        .await;

    // Act
    let (status, html) = app.post_block(&app.block_request()).await;

    // Assert: answered at once (the queue is longer than the deadline), the work waiting in the background;
    // the catch-all mock would fail the test had anything reached amoCRM.
    assert_eq!(status, 200);
    let preparing = |seconds: i64| {
        i18n::Translator::global().t_args(
            En,
            "state-preparing",
            &[("seconds", i18n::Arg::from(seconds))],
        )
    };
    assert!(
        (50..=62).any(|n| unescape(&html).contains(&preparing(n))),
        "expected the preparing message with the queue's estimate:\n{html}"
    );
    assert_hides(&html, &t(En, "state-busy"));
}

#[tokio::test]
async fn block_says_the_data_is_being_prepared_and_reloads_itself_when_the_render_deadline_passes()
{
    // Arrange: amoCRM answers after the deadline.
    let app = TestApp::with(Options {
        render_deadline: Duration::from_millis(200),
        ..Options::default()
    })
    .await;
    app.connect().await;
    Mock::given(method("GET"))
        .respond_with(hal(fixture!("amocrm/account.json")).set_delay(Duration::from_secs(5)))
        .mount(&app.amo)
        .await;

    // Act
    let (status, html) = app.post_block(&app.block_request()).await;

    // Assert: the work goes on in the background; the block says so and clicks its reload button later.
    assert_eq!(status, 200);
    assert!(html.contains(r#"class="uda-preparing"#), "{html}");
    assert!(html.contains("being fetched from amoCRM"), "{html}");
    assert!(html.contains("a.block-reload-button"), "{html}");
}

#[tokio::test]
async fn block_reads_a_form_body_and_answers_in_its_language() {
    // Arrange
    let app = TestApp::start().await;
    let body = fixture!("block/block_request_form.txt").trim().replace(
        "AMO_BASE_HOST",
        &app.amo.uri().replace(':', "%3A").replace('/', "%2F"),
    );

    // Act
    let response = app
        .http
        .post(app.url("/api"))
        .header("Content-Type", "application/x-www-form-urlencoded")
        .body(body)
        .send()
        .await
        .unwrap();
    let (status, html) = block_html(response).await;

    // Assert
    assert_eq!(status, 200);
    assert_shows(&html, &t(Ru, "state-needs-login"));
    assert_shows(&html, &t(Ru, "button-login"));
}

#[tokio::test]
async fn block_uses_the_configured_language_when_the_request_names_none() {
    // Arrange
    let app = TestApp::with(Options {
        default_language: Pt,
        ..Options::default()
    })
    .await;
    let mut unnamed = app.block_request();
    unnamed.as_object_mut().unwrap().remove("language");
    let mut english = app.block_request();
    english["language"] = Value::from("en");

    // Act
    let (_, unnamed_html) = app.post_block(&unnamed).await;
    let (_, english_html) = app.post_block(&english).await;

    // Assert
    assert_shows(&unnamed_html, &t(Pt, "button-login"));
    assert_shows(&english_html, &t(En, "button-login"));
}

#[tokio::test]
async fn block_answers_400_with_a_block_when_the_body_cannot_be_read() {
    // Arrange
    let app = TestApp::start().await;

    // Act
    let response = app
        .http
        .post(app.url("/api/"))
        .header("Content-Type", "application/json")
        .body("{\"ticket_id\": ")
        .send()
        .await
        .unwrap();
    let (status, html) = block_html(response).await;

    // Assert
    assert_eq!(status, 400);
    assert!(html.contains("uda-block"), "still a block: {html}");
    assert_shows(&html, "Something went wrong");
}

#[tokio::test]
async fn block_answers_413_with_a_block_when_the_body_is_over_the_limit() {
    // Arrange
    let app = TestApp::with(Options {
        max_body_bytes: 2048,
        ..Options::default()
    })
    .await;
    let mut body = app.block_request();
    body["subject"] = Value::from("x".repeat(4096));

    // Act
    let (status, html) = app.post_block(&body).await;

    // Assert
    assert_eq!(status, 413);
    assert!(html.contains("uda-block"), "still a block: {html}");
}

#[tokio::test]
async fn an_identical_block_request_is_answered_as_rendered_until_the_ticket_or_the_data_changes() {
    // Arrange: the render cache on, as in production.
    let app = TestApp::with(Options {
        render_cache_ttl: std::time::Duration::from_secs(10),
        ..Options::default()
    })
    .await;
    let _connection = app.connect().await;
    app.mount_many_contacts().await;
    app.mount_get("/api/v4/contacts/3001", fixture!("block/contact_3001.json"))
        .await;
    let request = app.block_request();
    let mut other_ticket = app.block_request();
    other_ticket["ticket_id"] = serde_json::json!(TICKET_ID + 1);

    // Act
    let (_, first) = app.post_block(&request).await;
    let (_, again) = app.post_block(&request).await;
    let (_, for_other_ticket) = app.post_block(&other_ticket).await;
    let link = tokens_for(&first, &app.url("/action/link"))
        .into_iter()
        .find(|t| claims_of(t)["s"] == 3001)
        .expect("a link button");
    let (linked, _) = app
        .post_form(&app.url("/action/link"), &[("t", &link)])
        .await;
    let (_, after_link) = app.post_block(&request).await;

    // Assert
    assert_eq!(
        first, again,
        "the same data, ticket, client and language: the same answer"
    );
    assert_ne!(
        first, for_other_ticket,
        "another ticket gets tokens of its own"
    );
    assert_eq!(linked, 200);
    assert_ne!(
        after_link, first,
        "our own write changes the data, so the block is rendered anew"
    );
    assert!(after_link.contains("/action/unlink"), "and shows the link");
}
