//! `POST /create/comment`.

use serde_json::json;
use usedesk::{CommentCreated, CommentFrom, CommentKind, Error, NewComment};
use wiremock::Mock;
use wiremock::matchers::{body_json, method, path};

use crate::support::{TOKEN, client_for, json_response, usedesk};

#[tokio::test]
async fn create_comment_sends_a_private_comment_without_an_author_by_default() {
    // Arrange
    let server = usedesk().await;
    Mock::given(method("POST"))
        .and(path("/create/comment"))
        .and(body_json(json!({
            "api_token": TOKEN,
            "ticket_id": 2265179,
            "message": "Deal <b>Order 1542</b> created in amoCRM",
            "type": "private"
        })))
        .respond_with(json_response(200, fixture!("comment_created.json")))
        .expect(1)
        .mount(&server)
        .await;

    // Act
    let created = client_for(&server)
        .create_comment(&NewComment::private(
            2265179,
            "Deal <b>Order 1542</b> created in amoCRM",
        ))
        .await;

    // Assert
    assert_eq!(created, Ok(CommentCreated { comment_id: 98765 }));
}

#[tokio::test]
async fn create_comment_sends_a_public_comment_on_behalf_of_an_agent() {
    // Arrange
    let server = usedesk().await;
    Mock::given(method("POST"))
        .and(path("/create/comment"))
        .and(body_json(json!({
            "api_token": TOKEN,
            "ticket_id": 7,
            "message": "Hello",
            "type": "public",
            "from": "user",
            "user_id": 558
        })))
        .respond_with(json_response(200, fixture!("comment_created.json")))
        .expect(1)
        .mount(&server)
        .await;
    let comment = NewComment {
        kind: CommentKind::Public,
        from: CommentFrom::User { user_id: 558 },
        ..NewComment::private(7, "Hello")
    };

    // Act
    let created = client_for(&server).create_comment(&comment).await;

    // Assert
    assert_eq!(created, Ok(CommentCreated { comment_id: 98765 }));
}

#[tokio::test]
async fn create_comment_sends_a_trigger_author_with_its_trigger_id() {
    // Arrange
    let server = usedesk().await;
    Mock::given(method("POST"))
        .and(path("/create/comment"))
        .and(body_json(json!({
            "api_token": TOKEN,
            "ticket_id": 7,
            "message": "Hello",
            "type": "private",
            "from": "trigger",
            "trigger_id": 1260
        })))
        .respond_with(json_response(200, fixture!("comment_created.json")))
        .expect(1)
        .mount(&server)
        .await;
    let comment = NewComment {
        from: CommentFrom::Trigger { trigger_id: 1260 },
        ..NewComment::private(7, "Hello")
    };

    // Act
    let created = client_for(&server).create_comment(&comment).await;

    // Assert
    assert_eq!(created, Ok(CommentCreated { comment_id: 98765 }));
}

#[tokio::test]
async fn create_comment_fails_when_the_status_is_not_success() {
    // Arrange
    let server = usedesk().await;
    Mock::given(method("POST"))
        .and(path("/create/comment"))
        .respond_with(json_response(200, fixture!("comment_unconfirmed.json")))
        .expect(1)
        .mount(&server)
        .await;

    // Act
    let error = client_for(&server)
        .create_comment(&NewComment::private(7, "Hello"))
        .await
        .expect_err("the comment is not confirmed");

    // Assert
    match error {
        Error::Api { message, body } => {
            assert!(message.contains("\"queued\""), "message {message}");
            assert!(body.contains("queued"), "body {body}");
        }
        other => panic!("expected Api, got {other:?}"),
    }
}

#[tokio::test]
async fn create_comment_fails_when_a_success_lacks_the_comment_id() {
    // Arrange
    let server = usedesk().await;
    Mock::given(method("POST"))
        .and(path("/create/comment"))
        .respond_with(json_response(200, fixture!("comment_without_id.json")))
        .expect(1)
        .mount(&server)
        .await;

    // Act
    let error = client_for(&server)
        .create_comment(&NewComment::private(7, "Hello"))
        .await
        .expect_err("there is no comment id");

    // Assert
    assert!(
        matches!(&error, Error::Decode { method, .. } if method == "create/comment"),
        "got {error:?}"
    );
}

#[tokio::test]
async fn create_comment_reports_usedesk_s_validation_message() {
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
        .create_comment(&NewComment::private(7, ""))
        .await
        .expect_err("Usedesk refuses an empty message");

    // Assert
    match error {
        Error::Api { message, .. } => assert_eq!(message, "The message field is required."),
        other => panic!("expected Api, got {other:?}"),
    }
}
