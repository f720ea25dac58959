//! Token sources: the single-flight refresh, persistence before use, proactive refresh.

use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::{Duration, SystemTime};

use amocrm::{
    AccountWith, AmoClient, Error, OAuthClient, OAuthConfig, OAuthTokenSource, TokenPair,
    TokenPersister,
};
use futures_util::FutureExt;
use futures_util::future::{BoxFuture, join_all};
use secrecy::ExposeSecret;
use wiremock::matchers::{header, method, path};
use wiremock::{Mock, MockServer, ResponseTemplate};

use crate::support::{builder_for, fixture, host_for, mount_catch_all, problem};

fn pair(access: &str, refresh: &str, expires_in: Duration) -> TokenPair {
    TokenPair {
        access_token: access.into(),
        refresh_token: Some(refresh.into()),
        expires_at: Some(SystemTime::now() + expires_in),
        token_type: "Bearer".to_owned(),
    }
}

/// A persister that counts calls and remembers the last access token it stored.
#[derive(Default)]
struct CountingPersister {
    calls: AtomicUsize,
    last: std::sync::Mutex<Option<String>>,
}

#[async_trait::async_trait]
impl TokenPersister for CountingPersister {
    async fn persist(&self, tokens: &TokenPair) -> Result<(), Error> {
        self.calls.fetch_add(1, Ordering::SeqCst);
        *self.last.lock().unwrap() = Some(tokens.access_token.expose_secret().to_owned());
        Ok(())
    }
}

async fn server() -> MockServer {
    let server = MockServer::start().await;
    mount_catch_all(&server).await;
    server
}

fn token_source(
    server: &MockServer,
    tokens: TokenPair,
    persister: Arc<dyn TokenPersister>,
) -> Arc<OAuthTokenSource> {
    let oauth = OAuthClient::new(
        OAuthConfig::new("client-uuid", "client-secret", "https://example.com/cb"),
        reqwest::Client::new(),
    );
    Arc::new(OAuthTokenSource::new(
        oauth,
        host_for(server),
        tokens,
        persister,
    ))
}

async fn mount_token_endpoint(server: &MockServer, times: u64) {
    Mock::given(method("POST"))
        .and(path("/oauth2/access_token"))
        .respond_with(
            ResponseTemplate::new(200).set_body_raw(fixture!("token.json"), "application/json"),
        )
        .expect(times)
        .named("token endpoint")
        .mount(server)
        .await;
}

async fn mount_account(server: &MockServer, token: &str, response: ResponseTemplate, times: u64) {
    Mock::given(method("GET"))
        .and(path("/api/v4/account"))
        .and(header("authorization", format!("Bearer {token}").as_str()))
        .respond_with(response)
        .expect(times)
        .named(format!("account with token {token}"))
        .mount(server)
        .await;
}

fn account_ok() -> ResponseTemplate {
    ResponseTemplate::new(200).set_body_raw(fixture!("account.json"), "application/hal+json")
}

#[tokio::test]
async fn fifty_concurrent_calls_answered_401_cause_exactly_one_refresh() {
    // Arrange
    let server = server().await;
    // The refusals come back a little late so that all 50 calls have sent the old token before
    // the first 401 starts the refresh.
    let refused =
        problem(401, fixture!("unauthorized_401.json")).set_delay(Duration::from_millis(200));
    mount_account(&server, "old-access", refused, 50).await;
    mount_account(&server, "new-access-token", account_ok(), 50).await;
    mount_token_endpoint(&server, 1).await;
    let persister = Arc::new(CountingPersister::default());
    let source = token_source(
        &server,
        pair("old-access", "old-refresh", Duration::from_secs(3600)),
        persister.clone(),
    );
    let client = builder_for(&server, source.clone()).build();

    // Act
    let results = join_all((0..50).map(|_| {
        let client = client.clone();
        async move { client.account().get(&[]).await }
    }))
    .await;

    // Assert
    for result in results {
        assert_eq!(
            result.expect("every call succeeds after the refresh").id,
            30061234
        );
    }
    assert_eq!(persister.calls.load(Ordering::SeqCst), 1);
    let tokens = source.tokens().await;
    assert_eq!(tokens.access_token.expose_secret(), "new-access-token");
    assert_eq!(
        tokens.refresh_token.as_ref().map(|t| t.expose_secret()),
        Some("new-refresh-token")
    );
}

#[tokio::test]
async fn a_failed_persist_keeps_the_new_token_unused_and_returns_the_error() {
    // Arrange
    let server = server().await;
    mount_token_endpoint(&server, 1).await;
    Mock::given(path("/api/v4/account"))
        .respond_with(account_ok())
        .expect(0)
        .named("any account call")
        .mount(&server)
        .await;
    let failing = |_tokens: TokenPair| -> BoxFuture<'static, Result<(), Error>> {
        async { Err(Error::Persist("database is read-only".to_owned())) }.boxed()
    };
    let source = token_source(
        &server,
        pair("expired-access", "old-refresh", Duration::ZERO),
        Arc::new(failing),
    );
    let client = builder_for(&server, source.clone()).build();

    // Act
    let result = client.account().get(&[]).await;

    // Assert
    match result {
        Err(Error::Persist(message)) => assert!(message.contains("read-only")),
        other => panic!("expected a persist error, got {other:?}"),
    }
    let tokens = source.tokens().await;
    assert_eq!(tokens.access_token.expose_secret(), "expired-access");
    assert_eq!(
        tokens.refresh_token.as_ref().map(|t| t.expose_secret()),
        Some("old-refresh")
    );
}

#[tokio::test]
async fn a_token_expiring_within_the_leeway_is_refreshed_before_the_call() {
    // Arrange
    let server = server().await;
    mount_token_endpoint(&server, 1).await;
    mount_account(&server, "new-access-token", account_ok(), 1).await;
    let persister = Arc::new(CountingPersister::default());
    let source = token_source(
        &server,
        pair("expiring-access", "old-refresh", Duration::from_secs(30)),
        persister.clone(),
    );
    let client = builder_for(&server, source).build();

    // Act
    let account = client.account().get(&[AccountWith::AmojoId]).await;

    // Assert
    assert_eq!(account.expect("the call succeeds").subdomain, "hogwarts");
    assert_eq!(
        persister.last.lock().unwrap().as_deref(),
        Some("new-access-token")
    );
}

#[tokio::test]
async fn a_revoked_refresh_token_fails_the_call_with_token_revoked() {
    // Arrange
    let server = server().await;
    mount_account(
        &server,
        "old-access",
        problem(401, fixture!("unauthorized_401.json")),
        1,
    )
    .await;
    Mock::given(method("POST"))
        .and(path("/oauth2/access_token"))
        .respond_with(problem(401, fixture!("token_revoked_401.json")))
        .expect(1)
        .mount(&server)
        .await;
    let persister = Arc::new(CountingPersister::default());
    let source = token_source(
        &server,
        pair("old-access", "consumed-refresh", Duration::from_secs(3600)),
        persister.clone(),
    );
    let client = builder_for(&server, source).build();

    // Act
    let result = client.account().get(&[]).await;

    // Assert
    assert!(matches!(result, Err(Error::TokenRevoked)), "{result:?}");
    assert!(result.unwrap_err().needs_reauthorization());
    assert_eq!(persister.calls.load(Ordering::SeqCst), 0);
}

#[tokio::test]
async fn a_second_401_after_the_refresh_is_final() {
    // Arrange
    let server = server().await;
    mount_account(
        &server,
        "old-access",
        problem(401, fixture!("unauthorized_401.json")),
        1,
    )
    .await;
    mount_account(
        &server,
        "new-access-token",
        problem(401, fixture!("unauthorized_401.json")),
        1,
    )
    .await;
    mount_token_endpoint(&server, 1).await;
    let source = token_source(
        &server,
        pair("old-access", "old-refresh", Duration::from_secs(3600)),
        Arc::new(CountingPersister::default()),
    );
    let client: AmoClient = builder_for(&server, source).build();

    // Act
    let result = client.account().get(&[]).await;

    // Assert
    assert!(
        matches!(result, Err(Error::Unauthorized { .. })),
        "{result:?}"
    );
}

#[tokio::test]
async fn an_expired_long_lived_token_is_refused_without_sending_anything() {
    // Arrange
    let server = server().await;
    let expired = TokenPair::long_lived(
        "long-lived",
        Some(SystemTime::now() - Duration::from_secs(1)),
    );
    let source = token_source(&server, expired, Arc::new(CountingPersister::default()));
    let client = builder_for(&server, source).build();

    // Act
    let result = client.account().get(&[]).await;

    // Assert
    assert!(
        matches!(result, Err(Error::Unauthorized { problem: None })),
        "{result:?}"
    );
}

#[test]
fn debug_output_of_a_token_source_shows_no_token() {
    // Arrange
    let oauth = OAuthClient::new(
        OAuthConfig::new("client-uuid", "client-secret", "https://example.com/cb"),
        reqwest::Client::new(),
    );
    let host = amocrm::AccountHost::parse("hogwarts.amocrm.ru", &Default::default()).unwrap();
    let source = OAuthTokenSource::new(
        oauth,
        host,
        pair("access-secret", "refresh-secret", Duration::from_secs(60)),
        Arc::new(CountingPersister::default()),
    );

    // Act
    let printed = format!("{source:?} {:?}", amocrm::StaticToken::new("static-secret"));

    // Assert
    assert!(!printed.contains("secret"), "{printed}");
}
