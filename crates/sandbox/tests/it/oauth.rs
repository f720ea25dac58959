//! The consent page, the callback, token exchange, refresh rotation and bearer checks.

use reqwest::StatusCode;
use sandbox::SandboxConfig;
use serde_json::{Value, json};
use url::Url;

use crate::support::{Harness, content_type, enc};

const REDIRECT_URI: &str = "https://integration.example/oauth/callback";

/// Opens the consent page, clicks Allow, and returns the callback URL.
async fn allow(harness: &Harness, state: &str) -> Url {
    let response = harness
        .http
        .post(harness.amo("/oauth/decision"))
        .form(&[
            ("client_id", "sandbox-client-id"),
            ("state", state),
            ("redirect_uri", REDIRECT_URI),
            ("decision", "allow"),
        ])
        .send()
        .await
        .expect("an answer");
    assert_eq!(response.status(), StatusCode::FOUND);
    let location = response.headers()["location"]
        .to_str()
        .expect("a location")
        .to_owned();
    Url::parse(&location).expect("an absolute callback URL")
}

fn param(url: &Url, name: &str) -> Option<String> {
    url.query_pairs()
        .find(|(k, _)| k == name)
        .map(|(_, v)| v.into_owned())
}

async fn token_request(harness: &Harness, body: Value) -> reqwest::Response {
    harness
        .http
        .post(harness.amo("/oauth2/access_token"))
        .json(&body)
        .send()
        .await
        .expect("an answer")
}

async fn exchange(harness: &Harness, code: &str) -> Value {
    let response = token_request(
        harness,
        json!({ "client_id": "sandbox-client-id", "client_secret": "sandbox-client-secret",
                "grant_type": "authorization_code", "code": code, "redirect_uri": REDIRECT_URI }),
    )
    .await;
    assert_eq!(response.status(), StatusCode::OK);
    response.json().await.expect("a token JSON")
}

async fn refresh(harness: &Harness, refresh_token: &str) -> reqwest::Response {
    token_request(
        harness,
        json!({ "client_id": "sandbox-client-id", "client_secret": "sandbox-client-secret",
                "grant_type": "refresh_token", "refresh_token": refresh_token, "redirect_uri": REDIRECT_URI }),
    )
    .await
}

async fn account_status(harness: &Harness, token: &str) -> StatusCode {
    harness
        .http
        .get(harness.amo("/api/v4/account"))
        .bearer_auth(token)
        .send()
        .await
        .expect("an answer")
        .status()
}

fn text(value: &Value, key: &str) -> String {
    value[key]
        .as_str()
        .unwrap_or_else(|| panic!("{key} in {value}"))
        .to_owned()
}

#[tokio::test]
async fn the_authorization_page_asks_to_allow_access_to_the_account() {
    // Arrange
    let harness = Harness::start().await;
    let url = format!(
        "{}?client_id=sandbox-client-id&state=s%3C1%3E&mode=popup&redirect_uri={}",
        harness.sandbox.authorize_url(),
        enc(REDIRECT_URI)
    );

    // Act
    let response = harness.http.get(url).send().await.expect("an answer");

    // Assert
    assert_eq!(response.status(), StatusCode::OK);
    assert_eq!(content_type(&response), "text/html");
    let page = response.text().await.expect("HTML");
    assert!(page.contains("Allow access for"), "{page}");
    assert!(page.contains("Hogwarts Trading"));
    assert!(page.contains(r#"<form method="post" action="/oauth/decision">"#));
    assert!(page.contains(r#"id="allow""#) && page.contains(r#"id="deny""#));
    assert!(
        page.contains(r#"name="state" value="s&lt;1&gt;""#),
        "the state is escaped: {page}"
    );
    assert!(page.contains(&format!(r#"name="redirect_uri" value="{REDIRECT_URI}""#)));
}

#[tokio::test]
async fn the_authorization_page_uses_the_configured_redirect_uri_when_none_is_given() {
    // Arrange
    let harness = Harness::with(SandboxConfig {
        redirect_uri: Some("https://configured.example/cb".to_owned()),
        ..SandboxConfig::default()
    })
    .await;

    // Act
    let page = harness
        .http
        .get(format!(
            "{}?client_id=sandbox-client-id&state=x",
            harness.sandbox.authorize_url()
        ))
        .send()
        .await
        .expect("an answer")
        .text()
        .await
        .expect("HTML");

    // Assert
    assert!(
        page.contains(r#"name="redirect_uri" value="https://configured.example/cb""#),
        "{page}"
    );
}

#[tokio::test]
async fn the_authorization_page_refuses_an_unknown_client() {
    // Arrange
    let harness = Harness::start().await;

    // Act
    let response = harness
        .http
        .get(format!(
            "{}?client_id=someone-else&redirect_uri={}",
            harness.sandbox.authorize_url(),
            enc(REDIRECT_URI)
        ))
        .send()
        .await
        .expect("an answer");

    // Assert
    assert_eq!(response.status(), StatusCode::BAD_REQUEST);
}

#[tokio::test]
async fn allow_redirects_with_code_state_referer_and_client_id() {
    // Arrange
    let harness = Harness::start().await;

    // Act
    let callback = allow(&harness, "csrf-42").await;

    // Assert
    assert!(callback.as_str().starts_with(REDIRECT_URI));
    assert!(param(&callback, "code").is_some_and(|c| !c.is_empty()));
    assert_eq!(param(&callback, "state").as_deref(), Some("csrf-42"));
    assert_eq!(
        param(&callback, "referer"),
        Some(harness.sandbox.amocrm_referer())
    );
    assert_eq!(
        param(&callback, "client_id").as_deref(),
        Some("sandbox-client-id")
    );
}

#[tokio::test]
async fn deny_redirects_with_access_denied() {
    // Arrange
    let harness = Harness::start().await;

    // Act
    let response = harness
        .http
        .post(harness.amo("/oauth/decision"))
        .form(&[
            ("client_id", "sandbox-client-id"),
            ("state", "st"),
            ("redirect_uri", REDIRECT_URI),
            ("decision", "deny"),
        ])
        .send()
        .await
        .expect("an answer");

    // Assert
    assert_eq!(response.status(), StatusCode::FOUND);
    let callback =
        Url::parse(response.headers()["location"].to_str().expect("text")).expect("a URL");
    assert_eq!(param(&callback, "error").as_deref(), Some("access_denied"));
    assert_eq!(param(&callback, "state").as_deref(), Some("st"));
    assert_eq!(
        param(&callback, "client_id").as_deref(),
        Some("sandbox-client-id")
    );
    assert_eq!(param(&callback, "code"), None);
}

#[tokio::test]
async fn code_exchange_then_rotation_then_reuse_of_the_consumed_refresh_token_is_revoked() {
    // Arrange
    let harness = Harness::start().await;
    let code = param(&allow(&harness, "s").await, "code").expect("a code");

    // Act
    let first = exchange(&harness, &code).await;
    let rotated_response = refresh(&harness, &text(&first, "refresh_token")).await;
    assert_eq!(rotated_response.status(), StatusCode::OK);
    let rotated: Value = rotated_response.json().await.expect("JSON");
    let new_token_works = account_status(&harness, &text(&rotated, "access_token")).await;
    let reuse = refresh(&harness, &text(&first, "refresh_token")).await;

    // Assert
    assert_eq!(first["token_type"], "Bearer");
    assert_eq!(first["expires_in"], 86_400);
    assert!(first["server_time"].is_i64());
    assert_ne!(
        text(&rotated, "refresh_token"),
        text(&first, "refresh_token"),
        "each refresh rotates"
    );
    assert_eq!(new_token_works, StatusCode::OK);
    assert_eq!(reuse.status(), StatusCode::UNAUTHORIZED);
    let problem: Value = reuse.json().await.expect("JSON");
    assert_eq!(problem["hint"], "Token has been revoked");
    assert_eq!(
        problem["type"],
        "https://developers.amocrm.ru/v3/errors/OAuthProblemJson"
    );
    assert_eq!(problem["status"], 401);
    assert_eq!(problem["title"], "Unauthorized");
}

#[tokio::test]
async fn the_old_refresh_token_stays_usable_until_the_new_pair_is_used() {
    // Arrange: a client refreshes, loses the answer, and retries with the same refresh token.
    let harness = Harness::start().await;
    let code = param(&allow(&harness, "s").await, "code").expect("a code");
    let first = exchange(&harness, &code).await;
    let lost: Value = refresh(&harness, &text(&first, "refresh_token"))
        .await
        .json()
        .await
        .expect("JSON");

    // Act
    let retry = refresh(&harness, &text(&first, "refresh_token")).await;
    let retried: Value = retry.json().await.expect("JSON");

    // Assert: the retry succeeds, and the pair nobody received is withdrawn.
    assert!(retried["access_token"].is_string());
    assert_eq!(
        account_status(&harness, &text(&retried, "access_token")).await,
        StatusCode::OK
    );
    assert_eq!(
        account_status(&harness, &text(&lost, "access_token")).await,
        StatusCode::UNAUTHORIZED
    );
    assert_eq!(
        refresh(&harness, &text(&lost, "refresh_token"))
            .await
            .status(),
        StatusCode::UNAUTHORIZED
    );
}

#[tokio::test]
async fn using_the_new_refresh_token_consumes_the_old_one() {
    // Arrange
    let harness = Harness::start().await;
    let code = param(&allow(&harness, "s").await, "code").expect("a code");
    let first = exchange(&harness, &code).await;
    let second: Value = refresh(&harness, &text(&first, "refresh_token"))
        .await
        .json()
        .await
        .expect("JSON");

    // Act
    let third = refresh(&harness, &text(&second, "refresh_token")).await;
    let reuse = refresh(&harness, &text(&first, "refresh_token")).await;

    // Assert
    assert_eq!(third.status(), StatusCode::OK);
    assert_eq!(reuse.status(), StatusCode::UNAUTHORIZED);
}

#[tokio::test]
async fn an_authorization_code_can_be_exchanged_only_once() {
    // Arrange
    let harness = Harness::start().await;
    let code = param(&allow(&harness, "s").await, "code").expect("a code");
    exchange(&harness, &code).await;

    // Act
    let again = token_request(
        &harness,
        json!({ "client_id": "sandbox-client-id", "client_secret": "sandbox-client-secret",
                "grant_type": "authorization_code", "code": code, "redirect_uri": REDIRECT_URI }),
    )
    .await;

    // Assert
    assert_eq!(again.status(), StatusCode::BAD_REQUEST);
}

#[tokio::test]
async fn a_token_request_with_another_redirect_uri_is_refused() {
    // Arrange
    let harness = Harness::start().await;
    let code = param(&allow(&harness, "s").await, "code").expect("a code");

    // Act
    let response = token_request(
        &harness,
        json!({ "client_id": "sandbox-client-id", "client_secret": "sandbox-client-secret",
                "grant_type": "authorization_code", "code": code, "redirect_uri": format!("{REDIRECT_URI}/") }),
    )
    .await;

    // Assert
    assert_eq!(response.status(), StatusCode::BAD_REQUEST);
    let problem: Value = response.json().await.expect("JSON");
    assert_eq!(problem["detail"], "Некорректный запрос");
}

#[tokio::test]
async fn a_token_request_with_a_wrong_secret_is_unauthorized() {
    // Arrange
    let harness = Harness::start().await;
    let code = param(&allow(&harness, "s").await, "code").expect("a code");

    // Act
    let response = token_request(
        &harness,
        json!({ "client_id": "sandbox-client-id", "client_secret": "guess",
                "grant_type": "authorization_code", "code": code, "redirect_uri": REDIRECT_URI }),
    )
    .await;

    // Assert
    assert_eq!(response.status(), StatusCode::UNAUTHORIZED);
}

#[tokio::test]
async fn the_token_endpoint_accepts_a_form_body() {
    // Arrange
    let harness = Harness::start().await;
    let code = param(&allow(&harness, "s").await, "code").expect("a code");

    // Act
    let response = harness
        .http
        .post(harness.amo("/oauth2/access_token"))
        .form(&[
            ("client_id", "sandbox-client-id"),
            ("client_secret", "sandbox-client-secret"),
            ("grant_type", "authorization_code"),
            ("code", code.as_str()),
            ("redirect_uri", REDIRECT_URI),
        ])
        .send()
        .await
        .expect("an answer");

    // Assert
    assert_eq!(response.status(), StatusCode::OK);
}

#[tokio::test]
async fn an_api_call_without_a_bearer_token_answers_401_problem_json() {
    // Arrange
    let harness = Harness::start().await;

    // Act
    let response = harness
        .http
        .get(harness.amo("/api/v4/contacts"))
        .send()
        .await
        .expect("an answer");

    // Assert
    assert_eq!(response.status(), StatusCode::UNAUTHORIZED);
    assert_eq!(content_type(&response), "application/problem+json");
    let problem: Value = response.json().await.expect("JSON");
    assert_eq!(problem["status"], 401);
}

#[tokio::test]
async fn an_expired_access_token_answers_401_until_refreshed() {
    // Arrange
    let harness = Harness::start().await;
    let code = param(&allow(&harness, "s").await, "code").expect("a code");
    let pair = exchange(&harness, &code).await;

    // Act
    harness.sandbox.expire_access_tokens();
    let expired = account_status(&harness, &text(&pair, "access_token")).await;
    let refreshed: Value = refresh(&harness, &text(&pair, "refresh_token"))
        .await
        .json()
        .await
        .expect("JSON");

    // Assert
    assert_eq!(expired, StatusCode::UNAUTHORIZED);
    assert_eq!(
        account_status(&harness, &text(&refreshed, "access_token")).await,
        StatusCode::OK
    );
    assert_eq!(
        account_status(&harness, &harness.token).await,
        StatusCode::OK,
        "long-lived tokens do not expire with them"
    );
}

#[tokio::test]
async fn revoking_all_tokens_refuses_every_call_and_every_refresh() {
    // Arrange
    let harness = Harness::start().await;
    let code = param(&allow(&harness, "s").await, "code").expect("a code");
    let pair = exchange(&harness, &code).await;

    // Act
    harness.sandbox.revoke_all_tokens();

    // Assert
    assert_eq!(
        account_status(&harness, &text(&pair, "access_token")).await,
        StatusCode::UNAUTHORIZED
    );
    assert_eq!(
        account_status(&harness, &harness.token).await,
        StatusCode::UNAUTHORIZED
    );
    let refused = refresh(&harness, &text(&pair, "refresh_token")).await;
    assert_eq!(refused.status(), StatusCode::UNAUTHORIZED);
    let problem: Value = refused.json().await.expect("JSON");
    assert_eq!(problem["hint"], "Token has been revoked");
}

#[tokio::test]
async fn access_tokens_expire_after_the_configured_lifetime() {
    // Arrange
    let harness = Harness::with(SandboxConfig {
        access_token_ttl: std::time::Duration::ZERO,
        enforce_rate_limit: false,
        ..SandboxConfig::default()
    })
    .await;
    let code = param(&allow(&harness, "s").await, "code").expect("a code");

    // Act
    let pair = exchange(&harness, &code).await;

    // Assert
    assert_eq!(pair["expires_in"], 0);
    assert_eq!(
        account_status(&harness, &text(&pair, "access_token")).await,
        StatusCode::UNAUTHORIZED
    );
}

#[tokio::test]
async fn approving_an_authorization_url_in_code_gives_a_callback_whose_code_exchanges() {
    // Arrange
    let harness = Harness::start().await;
    let mut authorize = harness.sandbox.authorize_url();
    authorize
        .query_pairs_mut()
        .append_pair("client_id", "sandbox-client-id")
        .append_pair("state", "st-1")
        .append_pair("redirect_uri", REDIRECT_URI)
        .append_pair("mode", "post_message");

    // Act
    let callback = harness.sandbox.approve(&authorize).expect("approved");
    let tokens = exchange(&harness, &param(&callback, "code").expect("a code")).await;

    // Assert
    assert!(callback.as_str().starts_with(REDIRECT_URI));
    assert_eq!(param(&callback, "state").as_deref(), Some("st-1"));
    assert!(
        tokens["access_token"]
            .as_str()
            .is_some_and(|t| !t.is_empty())
    );
    let mut foreign = authorize.clone();
    foreign.set_query(Some("client_id=someone-else&state=x"));
    assert!(harness.sandbox.approve(&foreign).is_none());
}
