//! Base URLs, timeouts and what a client's `Debug` shows.

use std::time::Duration;

use secrecy::SecretString;
use serde_json::json;
use url::Url;
use usedesk::{Error, UsedeskClient};
use wiremock::Mock;
use wiremock::matchers::{body_json, method, path};

use crate::support::{TOKEN, json_response, usedesk};

fn client_at(base: &str) -> UsedeskClient {
    UsedeskClient::new(
        Url::parse(base).expect("a valid URL"),
        SecretString::from(TOKEN),
        reqwest::Client::new(),
    )
}

#[test]
fn the_default_base_is_the_public_api_and_method_paths_join_under_it() {
    // Arrange
    let client = client_at(UsedeskClient::DEFAULT_BASE);

    // Act
    let endpoint = client.endpoint("create/comment").expect("the URL joins");

    // Assert
    assert_eq!(endpoint.as_str(), "https://api.usedesk.ru/create/comment");
}

#[test]
fn a_base_with_a_path_and_no_trailing_slash_keeps_its_path() {
    // Arrange
    let client = client_at("https://secure.usedesk.com/uapi");

    // Act
    let endpoint = client.endpoint("update/client").expect("the URL joins");

    // Assert
    assert_eq!(
        endpoint.as_str(),
        "https://secure.usedesk.com/uapi/update/client"
    );
    assert_eq!(
        client.base_url().as_str(),
        "https://secure.usedesk.com/uapi/"
    );
}

#[test]
fn a_base_with_a_trailing_slash_joins_the_same_way() {
    // Arrange
    let client = client_at("https://helpdesk.example.org/usedesk/uapi/");

    // Act
    let endpoint = client.endpoint("ticket").expect("the URL joins");

    // Assert
    assert_eq!(
        endpoint.as_str(),
        "https://helpdesk.example.org/usedesk/uapi/ticket"
    );
}

#[test]
fn a_base_that_is_not_http_is_refused_with_a_base_url_error() {
    // Arrange
    let client = client_at("ftp://files.example.org/");

    // Act
    let error = client.endpoint("ticket").expect_err("ftp is not an API");

    // Assert
    assert!(matches!(error, Error::BaseUrl { .. }), "got {error:?}");
}

#[test]
fn the_timeout_is_ten_seconds_unless_set() {
    // Arrange
    let client = client_at(UsedeskClient::DEFAULT_BASE);

    // Act
    let changed = client.clone().with_timeout(Duration::from_secs(3));

    // Assert
    assert_eq!(client.timeout(), Duration::from_secs(10));
    assert_eq!(changed.timeout(), Duration::from_secs(3));
}

#[test]
fn a_client_s_debug_shows_the_base_but_never_the_token() {
    // Arrange
    let client = client_at("https://secure.usedesk.com/uapi");

    // Act
    let shown = format!("{client:?}");

    // Assert
    assert!(!shown.contains(TOKEN), "the token leaked: {shown}");
    assert!(
        shown.contains("https://secure.usedesk.com/uapi/"),
        "shown: {shown}"
    );
}

#[tokio::test]
async fn calls_go_to_the_method_path_under_a_base_path() {
    // Arrange
    let server = usedesk().await;
    Mock::given(method("POST"))
        .and(path("/uapi/users"))
        .and(body_json(json!({"api_token": TOKEN})))
        .respond_with(json_response(200, fixture!("users.json")))
        .expect(1)
        .mount(&server)
        .await;
    let client = client_at(&format!("{}/uapi", server.uri()));

    // Act
    let users = client.users().await.expect("the agents are read");

    // Assert
    assert_eq!(users.len(), 2);
}
