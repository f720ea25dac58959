//! Webhook subscriptions (`/api/v4/webhooks`) and deliveries of the account's own changes, form-encoded, as
//! amoCRM posts them.

use reqwest::{Method, StatusCode};
use sandbox::seed::{PIPELINE_SALES, STATUS_CONTRACT_SENT, USER_MINERVA};
use serde_json::json;
use tokio::io::{AsyncReadExt as _, AsyncWriteExt as _};
use tokio::net::TcpListener;

use crate::support::Harness;

/// Accepts one HTTP/1.1 request on `listener`, answers 200, and returns its head and body.
async fn receive_one(listener: &TcpListener) -> (String, String) {
    let (mut stream, _) = listener.accept().await.unwrap();
    let mut bytes = Vec::new();
    let mut chunk = [0u8; 4096];
    loop {
        let n = stream.read(&mut chunk).await.unwrap();
        assert!(n > 0, "the delivery ended early");
        bytes.extend_from_slice(&chunk[..n]);
        let text = String::from_utf8_lossy(&bytes).to_string();
        if let Some(end) = text.find("\r\n\r\n") {
            let head = text[..end].to_ascii_lowercase();
            let length: usize = head
                .lines()
                .find_map(|l| l.strip_prefix("content-length:"))
                .map_or(0, |v| v.trim().parse().unwrap());
            if bytes.len() >= end + 4 + length {
                stream
                    .write_all(b"HTTP/1.1 200 OK\r\ncontent-length: 0\r\n\r\n")
                    .await
                    .unwrap();
                return (head, text[end + 4..].to_owned());
            }
        }
    }
}

#[tokio::test]
async fn a_subscribed_destination_receives_a_stage_change_form_encoded_and_unsubscribing_stops_it()
{
    // Arrange
    let harness = Harness::start().await;
    let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let destination = format!(
        "http://{}/hooks/amocrm?c=1&s=x",
        listener.local_addr().unwrap()
    );

    // Act
    let unknown = harness
        .post(
            "/api/v4/webhooks",
            &json!({"destination": destination, "settings": ["no_such_event"]}),
        )
        .await;
    let subscribed = harness
        .post(
            "/api/v4/webhooks",
            &json!({"destination": destination, "settings": ["status_lead"]}),
        )
        .await;
    let listed = harness.get_ok("/api/v4/webhooks").await;
    harness
        .sandbox
        .move_lead(
            20_000_001,
            STATUS_CONTRACT_SENT,
            Some(PIPELINE_SALES),
            USER_MINERVA,
        )
        .unwrap();
    let (head, body) = receive_one(&listener).await;
    let removed = harness
        .send(
            Method::DELETE,
            "/api/v4/webhooks",
            &json!({"destination": destination}),
        )
        .await;
    let removed_again = harness
        .send(
            Method::DELETE,
            "/api/v4/webhooks",
            &json!({"destination": destination}),
        )
        .await;

    // Assert
    assert_eq!(unknown.status(), StatusCode::BAD_REQUEST);
    assert_eq!(subscribed.status(), StatusCode::OK);
    assert_eq!(
        listed["_embedded"]["webhooks"][0]["destination"],
        json!(destination)
    );
    assert_eq!(listed["_embedded"]["webhooks"][0]["disabled"], json!(false));
    assert!(head.starts_with("post /hooks/amocrm?c=1&s=x "), "{head}");
    assert!(
        head.contains("content-type: application/x-www-form-urlencoded"),
        "{head}"
    );
    let fields: Vec<(String, String)> = url::form_urlencoded::parse(body.as_bytes())
        .into_owned()
        .collect();
    let field = |key: &str| {
        fields
            .iter()
            .find(|(k, _)| k == key)
            .map(|(_, v)| v.as_str())
    };
    assert_eq!(field("leads[status][0][id]"), Some("20000001"));
    assert_eq!(
        field("leads[status][0][status_id]"),
        Some(STATUS_CONTRACT_SENT.to_string().as_str())
    );
    assert!(field("leads[status][0][old_status_id]").is_some());
    assert_eq!(
        field("leads[status][0][modified_user_id]"),
        Some(USER_MINERVA.to_string().as_str())
    );
    assert_eq!(
        field("account[id]"),
        Some(sandbox::seed::ACCOUNT_ID.to_string().as_str())
    );
    assert_eq!(removed.status(), StatusCode::NO_CONTENT);
    assert_eq!(removed_again.status(), StatusCode::NOT_FOUND);
    assert!(harness.sandbox.webhooks().is_empty());
}
