//! The Usedesk API stand-in.

use reqwest::StatusCode;
use sandbox::seed::*;
use serde_json::{Value, json};

use crate::support::Harness;

#[tokio::test]
async fn a_ticket_is_answered_with_its_client_and_first_message() {
    // Arrange
    let harness = Harness::start().await;

    // Act
    let response = harness
        .usedesk_call(
            "/ticket",
            &json!({ "api_token": "t", "ticket_id": TICKET_ONE_MATCH }),
        )
        .await;

    // Assert
    assert_eq!(response.status(), StatusCode::OK);
    let body: Value = response.json().await.expect("JSON");
    assert_eq!(body["ticket"]["subject"], "Firebolt delivery date");
    assert_eq!(body["ticket"]["client_id"], CLIENT_HARRY);
    assert_eq!(body["comments"][0]["from"], "client");
}

#[tokio::test]
async fn a_client_is_answered_as_an_array_of_one() {
    // Arrange
    let harness = Harness::start().await;

    // Act
    let body: Value = harness
        .usedesk_call(
            "/client",
            &json!({ "api_token": "t", "client_id": CLIENT_WEASLEYS.to_string() }),
        )
        .await
        .json()
        .await
        .expect("JSON");

    // Assert
    let client = &body[0]["client"];
    assert_eq!(client["name"], "Weasley family");
    assert_eq!(client["emails"].as_array().map(Vec::len), Some(2));
    assert_eq!(client["phones"][0]["phone"], "+7 903 555-01-01");
    assert_eq!(client["phones"][0]["type"], "home");
    assert_eq!(client["tickets"], json!([TICKET_THREE_MATCHES]));
}

#[tokio::test]
async fn clients_are_found_by_phone_digits_and_by_email() {
    // Arrange
    let harness = Harness::start().await;

    // Act
    let by_phone: Value = harness
        .usedesk_call(
            "/clients",
            &json!({ "api_token": "t", "query": "89161234567" }),
        )
        .await
        .json()
        .await
        .expect("JSON");
    let by_email: Value = harness
        .usedesk_call("/clients", &json!({ "api_token": "t", "query": "weasleys@burrow.example", "search_type": "full_match" }))
        .await
        .json()
        .await
        .expect("JSON");

    // Assert
    assert_eq!(by_phone[0]["id"], CLIENT_HARRY);
    assert_eq!(by_phone.as_array().map(Vec::len), Some(1));
    assert_eq!(by_email[0]["id"], CLIENT_WEASLEYS);
}

#[tokio::test]
async fn updating_a_client_adds_emails_and_a_phone() {
    // Arrange
    let harness = Harness::start().await;

    // Act
    let response = harness
        .usedesk_call(
            "/update/client",
            &json!({ "api_token": "t", "client_id": CLIENT_LUNA, "emails": ["luna@hogwarts.example"], "phone": "+44 20 7946 0999", "phone_type": "mobile" }),
        )
        .await;
    let body: Value = response.json().await.expect("JSON");
    let client: Value = harness
        .usedesk_call(
            "/client",
            &json!({ "api_token": "t", "client_id": CLIENT_LUNA }),
        )
        .await
        .json()
        .await
        .expect("JSON");

    // Assert
    assert_eq!(body["status"], "success");
    let emails: Vec<&str> = client[0]["client"]["emails"]
        .as_array()
        .expect("emails")
        .iter()
        .filter_map(|e| e["email"].as_str())
        .collect();
    assert_eq!(
        emails,
        vec!["luna.lovegood@quibbler.example", "luna@hogwarts.example"]
    );
    assert_eq!(
        client[0]["client"]["phones"][1]["phone"],
        "+44 20 7946 0999"
    );
}

#[tokio::test]
async fn a_created_comment_is_private_by_default_and_kept_for_inspection() {
    // Arrange
    let harness = Harness::start().await;

    // Act
    let response = harness
        .usedesk_call("/create/comment", &json!({ "api_token": "t", "ticket_id": TICKET_ONE_MATCH, "message": "Deal <b>created</b> in amoCRM" }))
        .await;
    let ticket: Value = harness
        .usedesk_call(
            "/ticket",
            &json!({ "api_token": "t", "ticket_id": TICKET_ONE_MATCH }),
        )
        .await
        .json()
        .await
        .expect("JSON");

    // Assert
    assert_eq!(response.status(), StatusCode::OK);
    let body: Value = response.json().await.expect("JSON");
    assert_eq!(body["status"], "success");
    let comment_id = body["comment_id"].as_i64().expect("an id");
    let comments = harness.sandbox.usedesk_comments();
    assert_eq!(comments.len(), 1);
    assert_eq!(comments[0].comment_id, comment_id);
    assert_eq!(comments[0].ticket_id, TICKET_ONE_MATCH);
    assert_eq!(comments[0].kind, "private");
    assert_eq!(comments[0].from, "user");
    assert_eq!(comments[0].user_id, Some(USEDESK_USER_POPPY));
    assert_eq!(comments[0].message, "Deal <b>created</b> in amoCRM");
    assert_eq!(ticket["comments"][1]["id"], comment_id);
}

#[tokio::test]
async fn a_comment_on_a_missing_ticket_is_not_found() {
    // Arrange
    let harness = Harness::start().await;

    // Act
    let response = harness
        .usedesk_call(
            "/create/comment",
            &json!({ "api_token": "t", "ticket_id": 1, "message": "x" }),
        )
        .await;

    // Assert
    assert_eq!(response.status(), StatusCode::NOT_FOUND);
    assert!(harness.sandbox.usedesk_comments().is_empty());
}

#[tokio::test]
async fn a_form_encoded_call_is_accepted() {
    // Arrange
    let harness = Harness::start().await;

    // Act
    let response = harness
        .http
        .post(harness.usedesk("/create/comment"))
        .form(&[
            ("api_token", "t"),
            ("ticket_id", "1003"),
            ("message", "from a form"),
            ("type", "public"),
        ])
        .send()
        .await
        .expect("an answer");

    // Assert
    assert_eq!(response.status(), StatusCode::OK);
    let comments = harness.sandbox.usedesk_comments();
    assert_eq!(comments[0].ticket_id, TICKET_THREE_MATCHES);
    assert_eq!(comments[0].kind, "public");
}

#[tokio::test]
async fn the_bad_token_is_refused_with_401() {
    // Arrange
    let harness = Harness::start().await;

    // Act
    let response = harness
        .usedesk_call(
            "/ticket",
            &json!({ "api_token": "bad-token", "ticket_id": TICKET_ONE_MATCH }),
        )
        .await;

    // Assert
    assert_eq!(response.status(), StatusCode::UNAUTHORIZED);
    let body: Value = response.json().await.expect("JSON");
    assert_eq!(body, json!({ "error": "Invalid api token" }));
}

#[tokio::test]
async fn a_call_without_a_token_is_refused_with_401() {
    // Arrange
    let harness = Harness::start().await;

    // Act
    let response = harness.usedesk_call("/users", &json!({})).await;

    // Assert
    assert_eq!(response.status(), StatusCode::UNAUTHORIZED);
}

#[tokio::test]
async fn users_lists_the_agents_with_their_groups() {
    // Arrange
    let harness = Harness::start().await;

    // Act
    let body: Value = harness
        .usedesk_call("/users", &json!({ "api_token": "t" }))
        .await
        .json()
        .await
        .expect("JSON");

    // Assert
    let ids: Vec<i64> = body
        .as_array()
        .expect("agents")
        .iter()
        .filter_map(|a| a["id"].as_i64())
        .collect();
    assert_eq!(ids, vec![USEDESK_USER_POPPY, USEDESK_USER_FILIUS]);
    assert_eq!(body[0]["groups"][0]["name"], "Support");
}

#[tokio::test]
async fn a_created_ticket_can_be_read_back() {
    // Arrange
    let harness = Harness::start().await;

    // Act
    let created: Value = harness
        .usedesk_call("/create/ticket", &json!({ "api_token": "t", "subject": "New", "message": "Hello", "client_email": "new@example.com" }))
        .await
        .json()
        .await
        .expect("JSON");
    let ticket_id = created["ticket_id"].as_i64().expect("an id");
    let ticket: Value = harness
        .usedesk_call(
            "/ticket",
            &json!({ "api_token": "t", "ticket_id": ticket_id }),
        )
        .await
        .json()
        .await
        .expect("JSON");

    // Assert
    assert_eq!(ticket["ticket"]["subject"], "New");
    assert_eq!(ticket["ticket"]["email"], "new@example.com");
}

#[tokio::test]
async fn an_unknown_method_answers_404() {
    // Arrange
    let harness = Harness::start().await;

    // Act
    let response = harness
        .usedesk_call("/delete/everything", &json!({ "api_token": "t" }))
        .await;

    // Assert
    assert_eq!(response.status(), StatusCode::NOT_FOUND);
}
