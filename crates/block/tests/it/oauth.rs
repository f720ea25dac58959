//! "Login to amoCRM": the login link, the redirect to amoCRM with a sealed state, and the callback.

use domain::Domain;
use domain::store::Store;
use i18n::Lang::En;
use secrecy::SecretString;
use url::Url;
use wiremock::matchers::{body_partial_json, header, method, path};
use wiremock::{Mock, ResponseTemplate};

use crate::support::*;

/// The block's login link, from a render of a ticket whose account is not connected (Usedesk names the
/// account's agents to the login pages).
async fn login_link(app: &TestApp) -> String {
    app.mount_usedesk_users().await;
    let (_, html) = app.post_block(&app.block_request()).await;
    let html = unescape(&html);
    let start = html
        .find(&format!("{}/oauth/start?s=", app.base))
        .unwrap_or_else(|| panic!("a login link in {html}"));
    html[start..].chars().take_while(|c| *c != '"').collect()
}

/// Follows the login link and confirms the login; the `Location` amoCRM is sent to.
async fn start(app: &TestApp, link: &str) -> Url {
    let (response, _) = app.confirm_login(link).await;
    assert_eq!(response.status().as_u16(), 302, "a redirect to amoCRM");
    let location = response.headers()["location"].to_str().unwrap().to_owned();
    Url::parse(&location).unwrap()
}

fn query_value(url: &Url, key: &str) -> String {
    url.query_pairs()
        .find(|(k, _)| k == key)
        .map(|(_, v)| v.into_owned())
        .unwrap_or_else(|| panic!("{key} in {url}"))
}

async fn callback(app: &TestApp, pairs: &[(&str, &str)]) -> (u16, String) {
    let response = app
        .http
        .get(app.url("/oauth/callback"))
        .query(pairs)
        .send()
        .await
        .unwrap();
    let status = response.status().as_u16();
    (status, response.text().await.unwrap())
}

async fn mount_token_exchange(app: &TestApp, times: u64) {
    Mock::given(method("POST"))
        .and(path("/oauth2/access_token"))
        .and(body_partial_json(serde_json::json!({
            "client_id": "integration-id",
            "grant_type": "authorization_code",
            "code": "the-code",
            "redirect_uri": app.url("/oauth/callback"),
        })))
        .respond_with(json_answer(fixture!("amocrm/token.json")))
        .expect(times)
        .mount(&app.amo)
        .await;
    app.mount_login_follow_up().await;
}

#[tokio::test]
async fn login_flow_connects_the_account_and_the_next_render_shows_its_data() {
    // Arrange
    let app = TestApp::start().await;
    mount_token_exchange(&app, 1).await;
    let link = login_link(&app).await;
    assert!(!link.contains(USEDESK_TOKEN), "the token is sealed: {link}");

    // Act: the agent follows the link, allows access, and amoCRM calls back.
    let authorize = start(&app, &link).await;
    let state = query_value(&authorize, "state");
    let (status, page) = callback(
        &app,
        &[
            ("code", "the-code"),
            ("state", &state),
            ("referer", app.amo_host().authority()),
            ("client_id", "integration-id"),
        ],
    )
    .await;

    // Assert: amoCRM's consent page with our client id and a sealed state.
    assert_eq!(authorize.host_str(), Some("www.amocrm.ru"));
    assert_eq!(query_value(&authorize, "client_id"), "integration-id");
    assert!(!authorize.as_str().contains(USEDESK_TOKEN));
    assert_eq!(status, 200);
    assert_shows(&page, &t(En, "oauth-success"));
    let connection = app
        .store
        .find_connection(
            &Domain::usedesk_account(&SecretString::from(USEDESK_TOKEN)),
            app.amo_host().as_str(),
        )
        .await
        .unwrap()
        .expect("the connection is stored");
    assert!(connection.tokens.is_some());

    // Assert: the next render uses the new token and shows the client's data.
    for route in [
        "/api/v4/account",
        "/api/v4/leads/pipelines",
        "/api/v4/users",
    ] {
        let body = match route {
            "/api/v4/account" => fixture!("amocrm/account.json"),
            "/api/v4/leads/pipelines" => fixture!("amocrm/pipelines.json"),
            _ => fixture!("amocrm/users.json"),
        };
        Mock::given(method("GET"))
            .and(path(route))
            .and(header("authorization", "Bearer new-access-token"))
            .respond_with(hal(body))
            .mount(&app.amo)
            .await;
    }
    app.mount_search(PHONE_QUERY, Some(fixture!("block/contacts_one.json")))
        .await;
    app.mount_search(EMAIL_QUERY, None).await;
    app.mount_get("/api/v4/leads", fixture!("block/leads_all.json"))
        .await;
    app.mount_no_tasks().await;
    let (_, html) = app.post_block(&app.block_request()).await;
    assert_shows(&html, "Harry Potter");
    assert_shows(&html, "Firebolt order");
}

#[tokio::test]
async fn login_callback_shows_denied_when_the_user_refuses_access() {
    // Arrange
    let app = TestApp::start().await;
    let authorize = start(&app, &login_link(&app).await).await;
    let state = query_value(&authorize, "state");

    // Act
    let (status, page) = callback(
        &app,
        &[
            ("error", "access_denied"),
            ("state", &state),
            ("client_id", "integration-id"),
        ],
    )
    .await;

    // Assert: no code exchange (the catch-all would fail the test).
    assert_eq!(status, 403);
    assert_shows(&page, &t(En, "oauth-denied"));
}

#[tokio::test]
async fn login_callback_refuses_a_forged_or_tampered_state() {
    // Arrange
    let app = TestApp::start().await;
    let authorize = start(&app, &login_link(&app).await).await;
    let genuine = query_value(&authorize, "state");
    let mut tampered = genuine.clone().into_bytes();
    let middle = tampered.len() / 2;
    tampered[middle] = if tampered[middle] == b'A' { b'B' } else { b'A' };
    let tampered = String::from_utf8(tampered).unwrap();

    for state in ["forged-state", tampered.as_str(), ""] {
        // Act
        let (status, page) = callback(
            &app,
            &[
                ("code", "the-code"),
                ("state", state),
                ("referer", app.amo_host().authority()),
            ],
        )
        .await;

        // Assert
        assert_eq!(status, 400, "state {state:?}");
        assert_shows(&page, &t(En, "oauth-bad-state"));
    }
}

#[tokio::test]
async fn login_callback_refuses_the_login_link_itself_as_a_state() {
    // Arrange: the sealed value of the login link is not a state, though sealed with the same key.
    let app = TestApp::start().await;
    let link = Url::parse(&login_link(&app).await).unwrap();
    let sealed = query_value(&link, "s");

    // Act
    let (status, page) = callback(
        &app,
        &[
            ("code", "the-code"),
            ("state", &sealed),
            ("referer", app.amo_host().authority()),
        ],
    )
    .await;

    // Assert
    assert_eq!(status, 400);
    assert_shows(&page, &t(En, "oauth-bad-state"));
}

#[tokio::test]
async fn login_callback_refuses_a_state_used_twice() {
    // Arrange
    let app = TestApp::start().await;
    mount_token_exchange(&app, 1).await;
    let authorize = start(&app, &login_link(&app).await).await;
    let state = query_value(&authorize, "state");
    let host = app.amo_host();
    let pairs = [
        ("code", "the-code"),
        ("state", state.as_str()),
        ("referer", host.authority()),
    ];
    let (first, _) = callback(&app, &pairs).await;

    // Act
    let (second, page) = callback(&app, &pairs).await;

    // Assert: one exchange only.
    assert_eq!(first, 200);
    assert_eq!(second, 400);
    assert_shows(&page, &t(En, "oauth-bad-state"));
}

#[tokio::test]
async fn login_callback_refuses_a_referer_of_another_host_without_exchanging_the_code() {
    // Arrange
    let app = TestApp::start().await;
    mount_token_exchange(&app, 0).await;

    for referer in ["hogwarts.amocrm.ru", "evil.example.com"] {
        let authorize = start(&app, &login_link(&app).await).await;
        let state = query_value(&authorize, "state");

        // Act
        let (status, page) = callback(
            &app,
            &[
                ("code", "the-code"),
                ("state", &state),
                ("referer", referer),
            ],
        )
        .await;

        // Assert
        assert_eq!(status, 403, "referer {referer}");
        assert_shows(&page, referer);
        assert_shows(&page, app.amo_host().as_str());
    }
}

#[tokio::test]
async fn login_callback_shows_the_failure_when_amocrm_refuses_the_code() {
    // Arrange
    let app = TestApp::start().await;
    Mock::given(method("POST"))
        .and(path("/oauth2/access_token"))
        .respond_with(ResponseTemplate::new(400).set_body_raw(
            fixture!("amocrm/oauth_invalid_code_400.json"),
            "application/problem+json",
        ))
        .expect(1)
        .mount(&app.amo)
        .await;
    let authorize = start(&app, &login_link(&app).await).await;
    let state = query_value(&authorize, "state");

    // Act
    let (status, page) = callback(
        &app,
        &[
            ("code", "the-code"),
            ("state", &state),
            ("referer", app.amo_host().authority()),
        ],
    )
    .await;

    // Assert
    assert_eq!(status, 502);
    assert_shows(&page, &t(En, "oauth-exchange-failed"));
}

#[tokio::test]
async fn login_start_refuses_a_forged_login_link() {
    // Arrange
    let app = TestApp::start().await;

    // Act
    let response = app
        .http
        .get(app.url("/oauth/start?s=not-a-sealed-value"))
        .send()
        .await
        .unwrap();
    let status = response.status().as_u16();
    let page = response.text().await.unwrap();

    // Assert
    assert_eq!(status, 400);
    assert_shows(&page, &t(En, "oauth-bad-state"));
}

/// How the fixture's Usedesk account (`POST /users`: agents at gmail.com and usedesk.com) is named.
const ACCOUNT_NAMED: &str = "Usedesk account of agents @gmail.com, @usedesk.com (2 agents), #";

/// The fingerprint of a Usedesk token's account, as the pages show it.
fn fingerprint(token: &str) -> String {
    domain::fingerprint(&Domain::usedesk_account(&SecretString::from(token)))
}

/// A block request of another Usedesk account for the same amoCRM account.
fn other_account_request(app: &TestApp, token: &str) -> serde_json::Value {
    let mut body = app.block_request();
    body["usedesk_api_token"] = serde_json::Value::from(token);
    body
}

/// The login link of a block answer.
fn link_in(app: &TestApp, html: &str) -> String {
    let html = unescape(html);
    let start = html
        .find(&format!("{}/oauth/start?s=", app.base))
        .unwrap_or_else(|| panic!("a login link in {html}"));
    html[start..].chars().take_while(|c| *c != '"').collect()
}

/// Logs the Usedesk account of `token` in to the mock amoCRM through the pages, as its agent would.
async fn log_in_as(app: &TestApp, token: &str) -> (u16, String) {
    let (_, html) = app.post_block(&other_account_request(app, token)).await;
    let authorize = start(app, &link_in(app, &html)).await;
    let state = query_value(&authorize, "state");
    callback(
        app,
        &[
            ("code", "the-code"),
            ("state", &state),
            ("referer", app.amo_host().authority()),
        ],
    )
    .await
}

#[tokio::test]
async fn the_login_link_first_shows_a_confirmation_naming_both_accounts_and_a_get_spends_nothing() {
    // Arrange
    let app = TestApp::start().await;
    let link = login_link(&app).await;

    // Act: a link preview fetches the page, then the agent opens it.
    let preview = app.http.get(&link).send().await.unwrap();
    let opened = app.http.get(&link).send().await.unwrap();

    // Assert: a page, no redirect, naming the Usedesk account, the amoCRM account and what connecting means.
    assert_eq!(preview.status().as_u16(), 200);
    assert_eq!(opened.status().as_u16(), 200);
    assert!(opened.headers().get("location").is_none());
    let csp = opened.headers()["content-security-policy"]
        .to_str()
        .unwrap()
        .to_owned();
    assert!(
        csp.contains("form-action 'self' https://www.amocrm.ru;"),
        "the button may lead on to amoCRM only: {csp}"
    );
    let page = unescape(&opened.text().await.unwrap());
    assert_shows(&page, &t(En, "login-confirm-title"));
    assert_shows(
        &page,
        &format!("{ACCOUNT_NAMED}{}", fingerprint(USEDESK_TOKEN)),
    );
    assert_shows(&page, app.amo_host().as_str());
    assert_shows(
        &page,
        &t1(
            En,
            "login-confirm-consequence",
            "host",
            app.amo_host().as_str(),
        ),
    );
    assert_shows(
        &page,
        &format!("method=\"post\" action=\"{}/oauth/start\"", app.base),
    );
    assert_shows(&page, &t(En, "login-confirm-continue"));
    assert_hides(&page, USEDESK_TOKEN);
}

#[tokio::test]
async fn the_login_link_lives_no_longer_than_twenty_minutes() {
    // Arrange
    let app = TestApp::start().await;
    let link = Url::parse(&login_link(&app).await).unwrap();

    // Act
    let context = open_login(&query_value(&link, "s"), SIGNING_KEY);

    // Assert
    let lifetime = context["e"].as_i64().unwrap() - domain::now();
    assert!(
        (1..=20 * 60).contains(&lifetime),
        "the link lives {lifetime} s"
    );
    assert!(
        context["n"].as_str().is_some_and(|n| !n.is_empty()),
        "a nonce"
    );
}

#[tokio::test]
async fn the_confirmation_names_the_account_by_its_fingerprint_when_usedesk_does_not_answer() {
    // Arrange
    let app = TestApp::start().await;
    Mock::given(method("POST"))
        .and(path("/users"))
        .respond_with(ResponseTemplate::new(500))
        .with_priority(1)
        .mount(&app.usedesk)
        .await;
    let link = login_link(&app).await;

    // Act
    let (answer, page) = app.confirm_login(&link).await;

    // Assert
    assert_shows(
        &unescape(&page),
        &t1(
            En,
            "usedesk-account-unnamed",
            "fingerprint",
            &fingerprint(USEDESK_TOKEN),
        ),
    );
    assert_eq!(answer.status().as_u16(), 302, "the login still goes on");
}

#[tokio::test]
async fn a_confirmed_login_link_is_spent_and_a_second_confirmation_is_refused_without_a_redirect() {
    // Arrange
    let app = TestApp::start().await;
    let link = login_link(&app).await;
    let sealed = query_value(&Url::parse(&link).unwrap(), "s");
    let (first, _) = app.confirm_login(&link).await;

    // Act: the button's form posted again (a second tab, the back button, or whoever holds the link).
    let second = app
        .http
        .post(app.url("/oauth/start"))
        .form(&[("s", sealed.as_str())])
        .send()
        .await
        .unwrap();

    // Assert
    assert_eq!(first.status().as_u16(), 302);
    assert_eq!(second.status().as_u16(), 410);
    assert!(second.headers().get("location").is_none());
    assert_shows(&second.text().await.unwrap(), &t(En, "oauth-link-spent"));
}

#[tokio::test]
async fn a_spent_login_link_says_so_when_opened_again() {
    // Arrange
    let app = TestApp::start().await;
    let link = login_link(&app).await;
    let (first, _) = app.confirm_login(&link).await;

    // Act
    let reopened = app.http.get(&link).send().await.unwrap();

    // Assert
    assert_eq!(first.status().as_u16(), 302);
    assert_eq!(reopened.status().as_u16(), 410);
    let page = reopened.text().await.unwrap();
    assert_shows(&page, &t(En, "oauth-link-spent"));
    assert_hides(&page, &t(En, "login-confirm-continue"));
}

#[tokio::test]
async fn an_expired_login_link_is_refused_on_the_page_and_on_the_button() {
    // Arrange: a link the service would have minted 21 minutes ago, sealed with the operator's key.
    let app = TestApp::start().await;
    app.mount_usedesk_users().await;
    let sealed = seal_login(
        &serde_json::json!({"u": USEDESK_TOKEN, "h": app.amo_host().as_str(), "l": "ru",
            "e": domain::now() - 60, "n": "expired-1"}),
        SIGNING_KEY,
    );
    let link = format!("{}/oauth/start?s={sealed}", app.base);

    // Act
    let page = app.http.get(&link).send().await.unwrap();
    let button = app
        .http
        .post(app.url("/oauth/start"))
        .form(&[("s", sealed.as_str())])
        .send()
        .await
        .unwrap();

    // Assert
    for answer in [page, button] {
        assert_eq!(answer.status().as_u16(), 410);
        assert!(answer.headers().get("location").is_none());
        assert_shows(
            &answer.text().await.unwrap(),
            &t(i18n::Lang::En, "oauth-link-spent"),
        );
    }
}

#[tokio::test]
async fn a_confirmation_posted_from_another_site_is_refused_and_leaves_the_link_usable() {
    // Arrange
    let app = TestApp::start().await;
    let link = login_link(&app).await;
    let sealed = query_value(&Url::parse(&link).unwrap(), "s");

    // Act: another site's page auto-submits the button's form for the agent.
    let forged = app
        .http
        .post(app.url("/oauth/start"))
        .header("sec-fetch-site", "cross-site")
        .form(&[("s", sealed.as_str())])
        .send()
        .await
        .unwrap();

    // Assert
    assert_eq!(forged.status().as_u16(), 403);
    assert!(forged.headers().get("location").is_none());
    assert_shows(&forged.text().await.unwrap(), &t(En, "oauth-cross-site"));
    let (own, _) = app.confirm_login(&link).await;
    assert_eq!(own.status().as_u16(), 302, "the link is not spent");
}

#[tokio::test]
async fn the_success_page_names_both_accounts_and_says_every_agent_gets_access() {
    // Arrange
    let app = TestApp::start().await;
    mount_token_exchange(&app, 1).await;
    app.mount_usedesk_users().await;

    // Act
    let (status, page) = log_in_as(&app, USEDESK_TOKEN).await;

    // Assert
    assert_eq!(status, 200);
    let page = unescape(&page);
    assert_shows(&page, &t(En, "oauth-success"));
    assert_shows(
        &page,
        &format!(
            "The amoCRM account {} is now connected to the {ACCOUNT_NAMED}{}.",
            app.amo_host().as_str(),
            fingerprint(USEDESK_TOKEN)
        ),
    );
    assert_shows(&page, &t(En, "oauth-success-all-agents"));
}

#[tokio::test]
async fn a_second_usedesk_account_connecting_is_told_once_in_the_existing_connections_block() {
    // Arrange: the existing connection's block is rendered (and cached, as in production) before.
    let app = TestApp::with(Options {
        render_cache_ttl: std::time::Duration::from_secs(10),
        ..Options::default()
    })
    .await;
    app.connect().await;
    app.mount_one_contact().await;
    app.mount_usedesk_users().await;
    mount_token_exchange(&app, 1).await;
    let notice = "Another Usedesk account (";
    let short = "agents @gmail.com, @usedesk.com, 2 agents, #";
    let (_, before) = app.post_block(&app.block_request()).await;
    assert_shows(&before, "Harry Potter");
    assert_hides(&unescape(&before), notice);

    // Act: another Usedesk account connects to the same amoCRM account; the existing block renders twice.
    let (status, _) = log_in_as(&app, "another-usedesk-token").await;
    let (_, first) = app.post_block(&app.block_request()).await;
    let (_, second) = app.post_block(&app.block_request()).await;

    // Assert
    assert_eq!(status, 200);
    let first = unescape(&first);
    assert_shows(
        &first,
        &format!(
            "{notice}{short}{}) connected to this amoCRM account at ",
            fingerprint("another-usedesk-token")
        ),
    );
    assert_shows(&first, "Harry Potter");
    assert_hides(&unescape(&second), notice);
    assert_shows(&second, "Harry Potter");
}

#[tokio::test]
async fn with_login_pins_an_unpinned_pair_is_refused_before_amocrm_and_the_page_shows_the_pin() {
    // Arrange
    let pinned = fingerprint(USEDESK_TOKEN);
    let app = TestApp::with(Options {
        login_pins: vec![domain::LoginPin {
            usedesk_account: pinned.clone(),
            amo_hosts: vec!["https://hogwarts.amocrm.ru".into()],
        }],
        ..Options::default()
    })
    .await;
    let link = login_link(&app).await;
    let sealed = query_value(&Url::parse(&link).unwrap(), "s");

    // Act
    let page = app.http.get(&link).send().await.unwrap();
    let button = app
        .http
        .post(app.url("/oauth/start"))
        .form(&[("s", sealed.as_str())])
        .send()
        .await
        .unwrap();

    // Assert: refused on the page and on the button, naming the pin that would allow it.
    let expected_pin = format!(
        "login_pins = [{{ usedesk_account = \"{pinned}\", amo_hosts = [\"{}\"] }}]",
        app.amo_host().as_str()
    );
    for answer in [page, button] {
        assert_eq!(answer.status().as_u16(), 403);
        assert!(answer.headers().get("location").is_none());
        let html = unescape(&answer.text().await.unwrap());
        assert_shows(&html, &t(En, "oauth-not-pinned-hint"));
        assert_shows(&html, &expected_pin);
        assert_hides(&html, &t(En, "login-confirm-continue"));
    }
}

#[tokio::test]
async fn with_login_pins_a_pinned_pair_logs_in() {
    // Arrange: the pin as an administrator may write it (`#`, upper case), naming the mock amoCRM.
    let app = TestApp::with(Options {
        login_pins: vec![domain::LoginPin {
            usedesk_account: format!("#{}", fingerprint(USEDESK_TOKEN).to_uppercase()),
            amo_hosts: vec!["https://hogwarts.amocrm.ru".into()],
        }],
        pin_own_host: true,
        ..Options::default()
    })
    .await;
    mount_token_exchange(&app, 1).await;
    app.mount_usedesk_users().await;

    // Act
    let (status, page) = log_in_as(&app, USEDESK_TOKEN).await;

    // Assert
    assert_eq!(status, 200);
    assert_shows(&page, &t(En, "oauth-success"));
}
