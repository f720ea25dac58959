//! "Login to amoCRM": the login link, the redirect to amoCRM with a sealed state, and the callback.

use domain::Domain;
use domain::store::Store;
use i18n::Lang::En;
use secrecy::SecretString;
use url::Url;
use wiremock::matchers::{body_partial_json, header, method, path};
use wiremock::{Mock, ResponseTemplate};

use crate::support::*;

/// The block's login link, from a render of a ticket whose account is not connected.
async fn login_link(app: &TestApp) -> String {
    let (_, html) = app.post_block(&app.block_request()).await;
    let html = unescape(&html);
    let start = html
        .find(&format!("{}/oauth/start?s=", app.base))
        .unwrap_or_else(|| panic!("a login link in {html}"));
    html[start..].chars().take_while(|c| *c != '"').collect()
}

/// Follows the login link; the `Location` amoCRM is sent to.
async fn start(app: &TestApp, link: &str) -> Url {
    let response = app.http.get(link).send().await.unwrap();
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
