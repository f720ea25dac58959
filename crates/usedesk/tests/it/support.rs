//! A wiremock stand-in for Usedesk, and a client pointed at it.

use std::time::Duration;

use secrecy::SecretString;
use url::Url;
use usedesk::UsedeskClient;
use wiremock::matchers::any;
use wiremock::{Mock, MockServer, ResponseTemplate};

/// The API token every test client sends.
pub const TOKEN: &str = "test-token-3f9a1c";

/// A mock Usedesk that fails the test, when dropped, if it received any
/// request no other mock was written for.
pub async fn usedesk() -> MockServer {
    let server = MockServer::start().await;
    Mock::given(any())
        .respond_with(
            ResponseTemplate::new(500).set_body_string("unexpected request: no mock matches it"),
        )
        .with_priority(u8::MAX)
        .named("catch-all: an unexpected call reached the mock Usedesk")
        .expect(0)
        .mount(&server)
        .await;
    server
}

/// A client for the mock Usedesk, with a short timeout so a hung call fails fast.
pub fn client_for(server: &MockServer) -> UsedeskClient {
    let base = Url::parse(&server.uri()).expect("wiremock's URI is a valid URL");
    UsedeskClient::new(base, SecretString::from(TOKEN), reqwest::Client::new())
        .with_timeout(Duration::from_secs(5))
}

/// A JSON response carrying a fixture's text.
pub fn json_response(status: u16, body: &str) -> ResponseTemplate {
    ResponseTemplate::new(status).set_body_raw(body.as_bytes().to_vec(), "application/json")
}
