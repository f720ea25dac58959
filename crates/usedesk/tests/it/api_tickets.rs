//! `POST /ticket`.

use serde_json::json;
use usedesk::Error;
use wiremock::Mock;
use wiremock::matchers::{body_json, header, method, path};

use crate::support::{TOKEN, client_for, json_response, usedesk};

#[tokio::test]
async fn ticket_sends_the_token_and_ticket_id_as_json_and_reads_string_ids() {
    // Arrange
    let server = usedesk().await;
    Mock::given(method("POST"))
        .and(path("/ticket"))
        .and(header("content-type", "application/json"))
        .and(body_json(json!({"api_token": TOKEN, "ticket_id": 2265179})))
        .respond_with(json_response(200, fixture!("ticket.json")))
        .expect(1)
        .mount(&server)
        .await;

    // Act
    let details = client_for(&server)
        .ticket(2265179)
        .await
        .expect("the ticket is read");

    // Assert
    let ticket = &details.ticket;
    assert_eq!(ticket.id, 2265179);
    assert_eq!(ticket.status_id, Some(1));
    assert_eq!(ticket.subject.as_deref(), Some("Where is my order?"));
    assert_eq!(ticket.client_id, Some(261702));
    assert_eq!(ticket.assignee_id, Some(2));
    assert_eq!(ticket.group, Some(0));
    assert_eq!(ticket.company_id, Some(153561));
    assert_eq!(ticket.channel_id, Some(4321));
    assert_eq!(ticket.published_at.as_deref(), Some("2017-03-01 14:30:49"));
    assert_eq!(
        ticket.last_updated_at.as_deref(),
        Some("2017-03-01 14:30:49")
    );
    assert_eq!(details.comments.len(), 2);
    assert_eq!(details.comments[0].id, 2658287);
    assert!(details.comments[0].is_first);
    assert_eq!(details.comments[0].from.as_deref(), Some("client"));
    assert_eq!(details.comments[0].user_id, None);
    assert_eq!(details.comments[1].user_id, Some(2));
    assert!(!details.comments[1].is_first);
    assert_eq!(details.changes.len(), 1);
    assert_eq!(details.changes[0].trigger_id, Some(1260));
    assert_eq!(
        details.changes[0].data,
        vec![json!({"target": "assignee", "value": "2"})]
    );
}

#[tokio::test]
async fn ticket_keeps_keys_it_does_not_model_in_extra() {
    // Arrange
    let server = usedesk().await;
    Mock::given(method("POST"))
        .and(path("/ticket"))
        .respond_with(json_response(200, fixture!("ticket.json")))
        .expect(1)
        .mount(&server)
        .await;

    // Act
    let details = client_for(&server)
        .ticket(2265179)
        .await
        .expect("the ticket is read");

    // Assert
    assert_eq!(details.ticket.extra.get("priority"), Some(&json!("medium")));
    assert_eq!(
        details.ticket.extra.get("tags"),
        Some(&json!([{"id": 7, "name": "delivery"}]))
    );
    assert_eq!(
        details.comments[1].extra.get("type"),
        Some(&json!("private"))
    );
    assert_eq!(
        details.changes[0].extra.get("new_status"),
        Some(&json!("0"))
    );
}

#[tokio::test]
async fn ticket_is_not_found_when_usedesk_answers_a_null_ticket() {
    // Arrange
    let server = usedesk().await;
    Mock::given(method("POST"))
        .and(path("/ticket"))
        .respond_with(json_response(200, fixture!("ticket_null.json")))
        .expect(1)
        .mount(&server)
        .await;

    // Act
    let error = client_for(&server)
        .ticket(5)
        .await
        .expect_err("there is no ticket");

    // Assert
    assert!(matches!(error, Error::NotFound { .. }), "got {error:?}");
}

#[tokio::test]
async fn ticket_is_not_found_when_usedesk_answers_a_not_found_error_body() {
    // Arrange
    let server = usedesk().await;
    Mock::given(method("POST"))
        .and(path("/ticket"))
        .respond_with(json_response(200, fixture!("error_ticket_not_found.json")))
        .expect(1)
        .mount(&server)
        .await;

    // Act
    let error = client_for(&server)
        .ticket(5)
        .await
        .expect_err("there is no ticket");

    // Assert
    match error {
        Error::NotFound { body } => assert!(body.contains("Ticket not found"), "body {body}"),
        other => panic!("expected NotFound, got {other:?}"),
    }
}

#[tokio::test]
async fn ticket_fails_to_decode_an_answer_without_a_ticket_key() {
    // Arrange
    let server = usedesk().await;
    Mock::given(method("POST"))
        .and(path("/ticket"))
        .respond_with(json_response(200, fixture!("ticket_missing.json")))
        .expect(1)
        .mount(&server)
        .await;

    // Act
    let error = client_for(&server)
        .ticket(5)
        .await
        .expect_err("the answer lacks the ticket");

    // Assert
    match error {
        Error::Decode { method, message } => {
            assert_eq!(method, "ticket");
            assert!(message.contains("ticket"), "message {message}");
        }
        other => panic!("expected Decode, got {other:?}"),
    }
}

#[tokio::test]
async fn ticket_reads_a_conversation_of_client_trigger_and_agent_as_plain_text_oldest_first() {
    // Arrange
    let server = usedesk().await;
    Mock::given(method("POST"))
        .and(path("/ticket"))
        .and(body_json(json!({"api_token": TOKEN, "ticket_id": 2265180})))
        .respond_with(json_response(200, fixture!("ticket_conversation.json")))
        .expect(1)
        .mount(&server)
        .await;

    // Act
    let details = client_for(&server)
        .ticket(2265180)
        .await
        .expect("the ticket is read");

    // Assert
    let who: Vec<_> = details
        .comments
        .iter()
        .map(|c| (c.from.as_deref(), c.user_id, c.client_id))
        .collect();
    assert_eq!(
        who,
        vec![
            (Some("client"), None, Some(261702)),
            (Some("trigger"), None, None),
            (Some("user"), Some(2), None),
        ]
    );
    let texts: Vec<String> = details.comments.iter().map(|c| c.text()).collect();
    assert_eq!(
        texts,
        vec![
            "Hello,\nmy order 1542 arrived broken.\nCan I get a refund?".to_owned(),
            "Your request is registered № 1542.".to_owned(),
            "Sorry about that & thank you for the photos.\n\nThe refund is on its way.".to_owned(),
        ]
    );
    assert_eq!(
        details.comments[2].published_at.as_deref(),
        Some("2017-03-01 15:02:11")
    );
}

#[tokio::test]
async fn ticket_reads_an_answer_without_comments_as_an_empty_conversation() {
    // Arrange
    let server = usedesk().await;
    Mock::given(method("POST"))
        .and(path("/ticket"))
        .respond_with(json_response(200, fixture!("ticket_no_comments.json")))
        .expect(1)
        .mount(&server)
        .await;

    // Act
    let details = client_for(&server)
        .ticket(2265181)
        .await
        .expect("the ticket is read");

    // Assert
    assert_eq!(details.ticket.id, 2265181);
    assert_eq!(details.ticket.subject.as_deref(), Some("Call me back"));
    assert!(details.comments.is_empty());
}

#[tokio::test]
async fn ticket_with_an_invalid_token_is_unauthorized_and_not_retryable() {
    // Arrange
    let server = usedesk().await;
    Mock::given(method("POST"))
        .and(path("/ticket"))
        .respond_with(json_response(200, fixture!("error_invalid_token.json")))
        .expect(1)
        .mount(&server)
        .await;

    // Act
    let error = client_for(&server)
        .ticket(2265180)
        .await
        .expect_err("the token is refused");

    // Assert
    assert!(matches!(error, Error::Unauthorized { .. }), "got {error:?}");
    assert!(!error.is_retryable());
}
