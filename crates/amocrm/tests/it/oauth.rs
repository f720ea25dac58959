//! OAuth 2.0: authorization URL, code exchange and refresh.

use std::time::{Duration, SystemTime};

use amocrm::{AuthMode, Error, OAuthClient, OAuthConfig, Product, SecretString, TokenPair};
use secrecy::ExposeSecret;
use serde_json::json;
use wiremock::matchers::{body_json, header, method, path};
use wiremock::{Mock, MockServer, ResponseTemplate};

use crate::support::{fixture, host_for, mount_catch_all, problem};

fn oauth_client() -> OAuthClient {
    OAuthClient::new(
        OAuthConfig::new(
            "client-uuid",
            "client-secret",
            "https://usedesk-amocrm.example/oauth/callback/",
        ),
        reqwest::Client::new(),
    )
}

async fn token_server() -> MockServer {
    let server = MockServer::start().await;
    mount_catch_all(&server).await;
    server
}

#[test]
fn the_authorization_url_names_the_client_the_state_and_the_mode_for_each_product() {
    // Arrange
    let oauth = oauth_client();

    // Act
    let amocrm = oauth.authorize_url(Product::AmoCrm, "state-1", AuthMode::PostMessage);
    let kommo = oauth.authorize_url(Product::Kommo, "a b&c", AuthMode::Popup);

    // Assert
    assert_eq!(
        amocrm.as_str(),
        "https://www.amocrm.ru/oauth?client_id=client-uuid&state=state-1&mode=post_message"
    );
    assert_eq!(
        kommo.as_str(),
        "https://www.kommo.com/oauth?client_id=client-uuid&state=a+b%26c&mode=popup"
    );
}

#[tokio::test]
async fn exchanging_a_code_posts_the_documented_json_to_the_account_and_returns_the_pair() {
    // Arrange
    let server = token_server().await;
    Mock::given(method("POST"))
        .and(path("/oauth2/access_token"))
        .and(header("content-type", "application/json"))
        .and(body_json(json!({
            "client_id": "client-uuid",
            "client_secret": "client-secret",
            "grant_type": "authorization_code",
            "code": "auth-code",
            "redirect_uri": "https://usedesk-amocrm.example/oauth/callback/"
        })))
        .respond_with(
            ResponseTemplate::new(200).set_body_raw(fixture!("token.json"), "application/json"),
        )
        .expect(1)
        .mount(&server)
        .await;
    let before = SystemTime::now();

    // Act
    let pair = oauth_client()
        .exchange_code(&host_for(&server), "auth-code")
        .await
        .expect("the exchange succeeds");

    // Assert
    assert_eq!(pair.access_token.expose_secret(), "new-access-token");
    assert_eq!(
        pair.refresh_token.as_ref().map(|t| t.expose_secret()),
        Some("new-refresh-token")
    );
    assert_eq!(pair.token_type, "Bearer");
    let expires_at = pair.expires_at.expect("expires_in was given");
    assert!(expires_at >= before + Duration::from_secs(86400));
    assert!(!pair.is_expired(SystemTime::now(), Duration::from_secs(60)));
}

#[tokio::test]
async fn refreshing_posts_the_refresh_grant_with_the_redirect_uri() {
    // Arrange
    let server = token_server().await;
    Mock::given(method("POST"))
        .and(path("/oauth2/access_token"))
        .and(body_json(json!({
            "client_id": "client-uuid",
            "client_secret": "client-secret",
            "grant_type": "refresh_token",
            "refresh_token": "old-refresh-token",
            "redirect_uri": "https://usedesk-amocrm.example/oauth/callback/"
        })))
        .respond_with(
            ResponseTemplate::new(200).set_body_raw(fixture!("token.json"), "application/json"),
        )
        .expect(1)
        .mount(&server)
        .await;

    // Act
    let pair = oauth_client()
        .refresh(&host_for(&server), &SecretString::from("old-refresh-token"))
        .await
        .expect("the refresh succeeds");

    // Assert
    assert_eq!(pair.access_token.expose_secret(), "new-access-token");
}

#[tokio::test]
async fn refresh_fails_with_token_revoked_when_amocrm_says_the_token_has_been_revoked() {
    // Arrange
    let server = token_server().await;
    Mock::given(method("POST"))
        .and(path("/oauth2/access_token"))
        .respond_with(problem(401, fixture!("token_revoked_401.json")))
        .expect(1)
        .mount(&server)
        .await;

    // Act
    let result = oauth_client()
        .refresh(&host_for(&server), &SecretString::from("consumed"))
        .await;

    // Assert
    assert!(matches!(result, Err(Error::TokenRevoked)), "{result:?}");
}

#[tokio::test]
async fn refresh_fails_with_unauthorized_on_another_401() {
    // Arrange
    let server = token_server().await;
    Mock::given(method("POST"))
        .and(path("/oauth2/access_token"))
        .respond_with(problem(401, fixture!("unauthorized_401.json")))
        .expect(1)
        .mount(&server)
        .await;

    // Act
    let result = oauth_client()
        .refresh(&host_for(&server), &SecretString::from("refresh"))
        .await;

    // Assert
    match result {
        Err(Error::Unauthorized {
            problem: Some(problem),
        }) => {
            assert_eq!(problem.status, Some(401));
        }
        other => panic!("expected Unauthorized with a problem, got {other:?}"),
    }
}

#[tokio::test]
async fn an_expired_authorization_code_gives_a_validation_error_with_the_hint() {
    // Arrange
    let server = token_server().await;
    Mock::given(method("POST"))
        .and(path("/oauth2/access_token"))
        .respond_with(problem(400, fixture!("oauth_invalid_code_400.json")))
        .expect(1)
        .mount(&server)
        .await;

    // Act
    let result = oauth_client()
        .exchange_code(&host_for(&server), "stale-code")
        .await;

    // Assert
    match result {
        Err(Error::Validation {
            status: 400,
            problem,
        }) => {
            assert_eq!(
                problem.hint.as_deref(),
                Some("Authorization code has expired")
            );
        }
        other => panic!("expected a 400 validation error, got {other:?}"),
    }
}

#[test]
fn a_long_lived_token_has_no_refresh_token_and_expires_when_told() {
    // Arrange
    let now = SystemTime::now();
    let pair = TokenPair::long_lived("long-lived", Some(now + Duration::from_secs(30)));
    let forever = TokenPair::long_lived("forever", None);

    // Act
    let expired_within_a_minute = pair.is_expired(now, Duration::from_secs(60));
    let expired_now = pair.is_expired(now, Duration::ZERO);

    // Assert
    assert!(pair.refresh_token.is_none());
    assert!(expired_within_a_minute);
    assert!(!expired_now);
    assert!(!forever.is_expired(now, Duration::from_secs(3600)));
}

#[test]
fn debug_output_of_the_oauth_config_client_and_tokens_shows_no_secret() {
    // Arrange
    let oauth = oauth_client();
    let pair = TokenPair {
        access_token: "access-secret".into(),
        refresh_token: Some("refresh-secret".into()),
        expires_at: None,
        token_type: "Bearer".to_owned(),
    };

    // Act
    let printed = format!("{:?} {:?} {:?}", oauth.config(), oauth, pair);

    // Assert
    assert!(!printed.contains("client-secret"), "{printed}");
    assert!(!printed.contains("access-secret"), "{printed}");
    assert!(!printed.contains("refresh-secret"), "{printed}");
    assert!(printed.contains("client-uuid"));
}
