//! The `dynamic_block` example, included from its own file, answers block requests over HTTP
//! against a mock Usedesk API.

use std::sync::Arc;

use secrecy::SecretString;
use serde_json::{Value, json};
use url::Url;
use wiremock::Mock;
use wiremock::matchers::{body_json, method, path};

use crate::support::{json_response, usedesk};

#[allow(dead_code)]
#[path = "../../examples/dynamic_block.rs"]
mod dynamic_block;

fn config(api: &wiremock::MockServer, secret: &str) -> dynamic_block::Config {
    dynamic_block::Config {
        secret: SecretString::from(secret),
        api_base: Url::parse(&api.uri()).unwrap(),
        api_token: None,
        http: reqwest::Client::new(),
    }
}

fn html_of(json: &str) -> String {
    let value: Value = serde_json::from_str(json).expect("the answer is JSON");
    value["html"].as_str().expect("an html string").to_owned()
}

#[tokio::test]
async fn the_block_answers_over_http_with_the_client_and_the_ticket_read_from_the_api() {
    // Arrange
    let api = usedesk().await;
    Mock::given(method("POST"))
        .and(path("/ticket"))
        .and(body_json(
            json!({"api_token": "usedesk-token-1", "ticket_id": 2265179}),
        ))
        .respond_with(json_response(200, fixture!("ticket.json")))
        .expect(1)
        .mount(&api)
        .await;
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let block = format!("http://{}/", listener.local_addr().unwrap());
    let server = tokio::spawn(dynamic_block::serve(
        listener,
        Arc::new(config(&api, "block-secret-1")),
    ));

    // Act
    let response = reqwest::Client::new()
        .post(&block)
        .header("content-type", "application/json")
        .body(fixture!("block_request.json"))
        .send()
        .await
        .expect("the block answers");

    // Assert
    assert_eq!(response.status(), 200);
    assert_eq!(response.headers()["content-type"], "application/json");
    let html = html_of(&response.text().await.unwrap());
    assert!(html.contains("<b>Harry Potter</b>"), "{html}");
    assert!(html.contains("+44 20 7946 0018"), "{html}");
    assert!(html.contains("harry@hogwarts.example"), "{html}");
    assert!(
        html.contains("Ticket #2265179: Where is my order? (2 comments)"),
        "{html}"
    );
    server.abort();
}

#[tokio::test]
async fn a_form_encoded_request_is_answered_like_a_json_one() {
    // Arrange
    let api = usedesk().await;
    Mock::given(method("POST"))
        .and(path("/ticket"))
        .respond_with(json_response(200, fixture!("ticket.json")))
        .expect(1)
        .mount(&api)
        .await;

    // Act
    let (status, json) = dynamic_block::answer(
        &config(&api, "block-secret-1"),
        Some("application/x-www-form-urlencoded"),
        fixture!("block_request_form.txt").as_bytes(),
    )
    .await;

    // Assert
    assert_eq!(status, 200);
    let html = html_of(&json);
    assert!(html.contains("<b>Harry Potter</b>"), "{html}");
    assert!(html.contains("(2 comments)"), "{html}");
}

#[tokio::test]
async fn a_request_with_another_secret_is_refused_without_calling_the_api() {
    // Arrange
    let api = usedesk().await;

    // Act
    let (status, json) = dynamic_block::answer(
        &config(&api, "the-real-secret"),
        Some("application/json"),
        fixture!("block_request.json").as_bytes(),
    )
    .await;

    // Assert
    assert_eq!(status, 403);
    assert!(html_of(&json).contains("secret does not match"));
}

#[tokio::test]
async fn client_values_are_escaped_in_the_html_and_no_token_means_no_api_call() {
    // Arrange
    let api = usedesk().await;
    let body = json!({
        "ticket_id": 7,
        "subject": "<img src=x onerror=alert(1)>",
        "secret_key": "s",
        "client_data": {"name": "<script>alert('x')</script>", "emails": ["a&b@example.com"]}
    })
    .to_string();

    // Act
    let (status, json) = dynamic_block::answer(
        &config(&api, "s"),
        Some("application/json"),
        body.as_bytes(),
    )
    .await;

    // Assert
    assert_eq!(status, 200);
    let html = html_of(&json);
    assert!(
        !html.contains("<script>") && !html.contains("<img"),
        "{html}"
    );
    assert!(
        html.contains("&lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt;"),
        "{html}"
    );
    assert!(html.contains("a&amp;b@example.com"), "{html}");
    assert!(html.contains("Ticket #7: &lt;img"), "{html}");
}

#[tokio::test]
async fn an_unreadable_request_is_answered_400_with_the_reason() {
    // Arrange
    let api = usedesk().await;

    // Act
    let (status, json) = dynamic_block::answer(
        &config(&api, "s"),
        Some("application/json"),
        br#"{"ticket_id": "abc"}"#,
    )
    .await;

    // Assert
    assert_eq!(status, 400);
    assert!(html_of(&json).contains("ticket_id"), "{}", html_of(&json));
}
