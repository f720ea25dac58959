//! Shared test set-up: a wiremock amoCRM with a catch-all, and a client pointed at it.

use std::sync::{Arc, Mutex};
use std::time::Duration;

use amocrm::{
    AccountHost, AmoClient, CallObserver, ClientBuilder, HostPolicy, LocalRateLimiter, StaticToken,
    TokenSource,
};
use wiremock::matchers::any;
use wiremock::{Mock, MockServer, ResponseTemplate};

/// The contents of a file under `fixtures/amocrm/`.
macro_rules! fixture {
    ($name:literal) => {
        include_str!(concat!(
            env!("CARGO_MANIFEST_DIR"),
            "/../../fixtures/amocrm/",
            $name
        ))
    };
}
pub(crate) use fixture;

/// The account origin the fixtures are written for; replaced by the mock server's origin.
pub const FIXTURE_ORIGIN: &str = "https://hogwarts.amocrm.ru";

/// The long-lived token the default harness authenticates with.
pub const TEST_TOKEN: &str = "test-token";

/// A policy allowing exactly the mock server's origin.
pub fn policy_for(server: &MockServer) -> HostPolicy {
    HostPolicy::try_with_extra_allowed(vec![server.uri()]).expect("the mock origin is valid")
}

/// The account host of the mock server.
pub fn host_for(server: &MockServer) -> AccountHost {
    AccountHost::parse(&server.uri(), &policy_for(server)).expect("the mock origin is allowed")
}

/// Answers every request no other mock matched with a readable failure, and fails the test on
/// drop if it was reached.
pub async fn mount_catch_all(server: &MockServer) {
    Mock::given(any())
        .respond_with(
            ResponseTemplate::new(418)
                .set_body_string("unexpected request: no mock in this test matches it"),
        )
        .with_priority(u8::MAX)
        .named("catch-all for unexpected requests")
        .expect(0)
        .mount(server)
        .await;
}

/// A client builder for the mock server with a limiter loose enough not to slow tests down.
pub fn builder_for(server: &MockServer, tokens: Arc<dyn TokenSource>) -> ClientBuilder {
    AmoClient::builder(host_for(server), tokens).rate_limiter(Arc::new(LocalRateLimiter::new(
        1000,
        Duration::from_secs(1),
    )))
}

/// A mock amoCRM with a catch-all, and a client using a static token.
pub struct Harness {
    pub server: MockServer,
    pub client: AmoClient,
}

impl Harness {
    pub async fn start() -> Harness {
        let server = MockServer::start().await;
        mount_catch_all(&server).await;
        let client = builder_for(&server, Arc::new(StaticToken::new(TEST_TOKEN))).build();
        Harness { server, client }
    }

    /// `fixture` with its links pointing at the mock server.
    pub fn body(&self, fixture: &str) -> String {
        fixture.replace(FIXTURE_ORIGIN, &self.server.uri())
    }

    /// A 200 HAL answer with `fixture`.
    pub fn hal(&self, fixture: &str) -> ResponseTemplate {
        hal(self.body(fixture))
    }
}

/// A 200 `application/hal+json` answer.
pub fn hal(body: impl Into<String>) -> ResponseTemplate {
    ResponseTemplate::new(200).set_body_raw(body.into(), "application/hal+json")
}

/// An error answer with an `application/problem+json` body.
pub fn problem(status: u16, body: &str) -> ResponseTemplate {
    ResponseTemplate::new(status).set_body_raw(body.to_owned(), "application/problem+json")
}

/// A call observer that records what it is told.
#[derive(Default)]
pub struct RecordingObserver {
    pub calls: Mutex<Vec<(&'static str, Option<u16>)>>,
    pub waits: Mutex<Vec<Duration>>,
}

impl CallObserver for RecordingObserver {
    fn on_call(&self, endpoint: &'static str, status: Option<u16>, _elapsed: Duration) {
        self.calls.lock().unwrap().push((endpoint, status));
    }

    fn on_limiter_wait(&self, waited: Duration) {
        self.waits.lock().unwrap().push(waited);
    }
}
