//! How Usedesk's failures become [`usedesk::Error`]s.

use std::time::Duration;

use usedesk::{Error, NewComment};
use wiremock::matchers::{method, path};
use wiremock::{Mock, ResponseTemplate};

use crate::support::{TOKEN, client_for, json_response, usedesk};

#[tokio::test]
async fn a_401_answer_is_unauthorized_and_not_retryable() {
    // Arrange
    let server = usedesk().await;
    Mock::given(method("POST"))
        .and(path("/ticket"))
        .respond_with(json_response(401, fixture!("error_invalid_token.json")))
        .expect(1)
        .mount(&server)
        .await;

    // Act
    let error = client_for(&server)
        .ticket(1)
        .await
        .expect_err("the token is refused");

    // Assert
    match &error {
        Error::Unauthorized { body } => assert!(body.contains("Invalid api token"), "body {body}"),
        other => panic!("expected Unauthorized, got {other:?}"),
    }
    assert!(!error.is_retryable());
}

#[tokio::test]
async fn a_403_answer_is_unauthorized() {
    // Arrange
    let server = usedesk().await;
    Mock::given(method("POST"))
        .and(path("/users"))
        .respond_with(ResponseTemplate::new(403))
        .expect(1)
        .mount(&server)
        .await;

    // Act
    let error = client_for(&server)
        .users()
        .await
        .expect_err("access is refused");

    // Assert
    assert!(matches!(error, Error::Unauthorized { .. }), "got {error:?}");
}

#[tokio::test]
async fn an_error_body_about_the_token_is_unauthorized_even_with_status_200() {
    // Arrange
    let server = usedesk().await;
    Mock::given(method("POST"))
        .and(path("/client"))
        .respond_with(json_response(200, fixture!("error_invalid_token.json")))
        .expect(1)
        .mount(&server)
        .await;

    // Act
    let error = client_for(&server)
        .client(1)
        .await
        .expect_err("the token is refused");

    // Assert
    assert!(matches!(error, Error::Unauthorized { .. }), "got {error:?}");
}

#[tokio::test]
async fn a_500_answer_is_a_retryable_http_error_that_keeps_usedesk_s_body() {
    // Arrange
    let server = usedesk().await;
    Mock::given(method("POST"))
        .and(path("/ticket"))
        .respond_with(ResponseTemplate::new(500).set_body_string(fixture!("not_json.html")))
        .expect(1)
        .mount(&server)
        .await;

    // Act
    let error = client_for(&server)
        .ticket(1)
        .await
        .expect_err("Usedesk fails");

    // Assert
    match &error {
        Error::Http { status, body } => {
            assert_eq!(*status, 500);
            assert!(body.contains("502 Bad Gateway"), "body {body}");
        }
        other => panic!("expected Http, got {other:?}"),
    }
    assert!(error.is_retryable());
}

#[tokio::test]
async fn an_error_body_with_status_200_is_an_api_error_with_usedesk_s_message() {
    // Arrange
    let server = usedesk().await;
    Mock::given(method("POST"))
        .and(path("/create/comment"))
        .respond_with(json_response(200, fixture!("error_validation.json")))
        .expect(1)
        .mount(&server)
        .await;

    // Act
    let error = client_for(&server)
        .create_comment(&NewComment::private(1, ""))
        .await
        .expect_err("Usedesk refuses the comment");

    // Assert
    match &error {
        Error::Api { message, body } => {
            assert_eq!(message, "The message field is required.");
            assert!(
                body.contains("The message field is required."),
                "body {body}"
            );
        }
        other => panic!("expected Api, got {other:?}"),
    }
    assert!(!error.is_retryable());
}

#[tokio::test]
async fn a_success_answer_that_is_not_json_is_a_decode_error_naming_the_method() {
    // Arrange
    let server = usedesk().await;
    Mock::given(method("POST"))
        .and(path("/users"))
        .respond_with(ResponseTemplate::new(200).set_body_string(fixture!("not_json.html")))
        .expect(1)
        .mount(&server)
        .await;

    // Act
    let error = client_for(&server)
        .users()
        .await
        .expect_err("the answer is HTML");

    // Assert
    match error {
        Error::Decode { method, message } => {
            assert_eq!(method, "users");
            assert!(
                message.starts_with("expected JSON, got \"<html>"),
                "message {message}"
            );
        }
        other => panic!("expected Decode, got {other:?}"),
    }
}

#[tokio::test]
async fn a_404_html_page_is_an_http_error_because_it_means_a_wrong_base_url() {
    // Arrange
    let server = usedesk().await;
    Mock::given(method("POST"))
        .and(path("/ticket"))
        .respond_with(ResponseTemplate::new(404).set_body_string(fixture!("not_json.html")))
        .expect(1)
        .mount(&server)
        .await;

    // Act
    let error = client_for(&server)
        .ticket(1)
        .await
        .expect_err("the path is wrong");

    // Assert
    assert!(
        matches!(error, Error::Http { status: 404, .. }),
        "got {error:?}"
    );
}

#[tokio::test]
async fn a_404_with_a_json_error_is_not_found() {
    // Arrange
    let server = usedesk().await;
    Mock::given(method("POST"))
        .and(path("/ticket"))
        .respond_with(json_response(404, fixture!("error_ticket_not_found.json")))
        .expect(1)
        .mount(&server)
        .await;

    // Act
    let error = client_for(&server)
        .ticket(1)
        .await
        .expect_err("there is no ticket");

    // Assert
    assert!(matches!(error, Error::NotFound { .. }), "got {error:?}");
}

#[tokio::test]
async fn a_429_answer_is_retryable() {
    // Arrange
    let server = usedesk().await;
    Mock::given(method("POST"))
        .and(path("/users"))
        .respond_with(ResponseTemplate::new(429))
        .expect(1)
        .mount(&server)
        .await;

    // Act
    let error = client_for(&server)
        .users()
        .await
        .expect_err("Usedesk is busy");

    // Assert
    assert!(
        matches!(error, Error::Http { status: 429, .. }),
        "got {error:?}"
    );
    assert!(error.is_retryable());
}

#[tokio::test]
async fn an_answer_slower_than_the_timeout_is_a_retryable_timeout() {
    // Arrange
    let server = usedesk().await;
    Mock::given(method("POST"))
        .and(path("/ticket"))
        .respond_with(json_response(200, fixture!("ticket.json")).set_delay(Duration::from_secs(5)))
        .expect(1)
        .mount(&server)
        .await;
    let client = client_for(&server).with_timeout(Duration::from_millis(200));

    // Act
    let error = client.ticket(1).await.expect_err("the answer is too slow");

    // Assert
    assert_eq!(error, Error::Timeout);
    assert!(error.is_retryable());
}

#[tokio::test]
async fn an_unreachable_server_is_a_retryable_transport_error() {
    // Arrange: a port that was free a moment ago has no listener now.
    let listener = std::net::TcpListener::bind("127.0.0.1:0").expect("a free port");
    let address = listener.local_addr().expect("the port's address");
    drop(listener);
    let base = url::Url::parse(&format!("http://{address}/")).expect("a valid URL");
    let client = usedesk::UsedeskClient::new(
        base,
        secrecy::SecretString::from(TOKEN),
        reqwest::Client::new(),
    );

    // Act
    let error = client.users().await.expect_err("nobody listens");

    // Assert
    assert!(matches!(error, Error::Transport(_)), "got {error:?}");
    assert!(error.is_retryable());
}

#[tokio::test]
async fn error_bodies_never_carry_the_token_even_when_usedesk_echoes_it() {
    // Arrange
    let server = usedesk().await;
    Mock::given(method("POST"))
        .and(path("/ticket"))
        .respond_with(
            ResponseTemplate::new(500)
                .set_body_string(format!("{}{TOKEN}", fixture!("not_json.html"))),
        )
        .expect(1)
        .mount(&server)
        .await;

    // Act
    let error = client_for(&server)
        .ticket(1)
        .await
        .expect_err("Usedesk fails");

    // Assert
    let shown = format!("{error} {error:?}");
    assert!(!shown.contains(TOKEN), "the token leaked: {shown}");
    assert!(shown.contains("[REDACTED]"), "the echo is marked: {shown}");
}

#[tokio::test]
async fn long_error_bodies_are_cut_to_two_kibibytes() {
    // Arrange
    let server = usedesk().await;
    let long_page = fixture!("not_json.html").repeat(100);
    Mock::given(method("POST"))
        .and(path("/ticket"))
        .respond_with(ResponseTemplate::new(503).set_body_string(long_page))
        .expect(1)
        .mount(&server)
        .await;

    // Act
    let error = client_for(&server)
        .ticket(1)
        .await
        .expect_err("Usedesk fails");

    // Assert
    match error {
        Error::Http { status, body } => {
            assert_eq!(status, 503);
            assert!(
                body.len() <= 2048 + '…'.len_utf8(),
                "body is {} bytes",
                body.len()
            );
            assert!(body.ends_with('…'));
        }
        other => panic!("expected Http, got {other:?}"),
    }
}
