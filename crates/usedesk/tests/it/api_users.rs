//! `POST /users`.

use serde_json::json;
use wiremock::Mock;
use wiremock::matchers::{body_json, method, path};

use crate::support::{TOKEN, client_for, json_response, usedesk};

#[tokio::test]
async fn users_sends_only_the_token_and_reads_agents_with_their_groups() {
    // Arrange
    let server = usedesk().await;
    Mock::given(method("POST"))
        .and(path("/users"))
        .and(body_json(json!({"api_token": TOKEN})))
        .respond_with(json_response(200, fixture!("users.json")))
        .expect(1)
        .mount(&server)
        .await;

    // Act
    let users = client_for(&server)
        .users()
        .await
        .expect("the agents are read");

    // Assert
    assert_eq!(users.len(), 2);
    assert_eq!(users[0].id, 558);
    assert_eq!(users[0].name.as_deref(), Some("Agent Name"));
    assert_eq!(users[0].email.as_deref(), Some("agent@gmail.com"));
    assert_eq!(users[0].position, None, "a blank position reads as absent");
    assert_eq!(users[0].role.as_deref(), Some("admin"));
    let groups: Vec<(i64, Option<&str>)> = users[0]
        .groups
        .iter()
        .map(|group| (group.id, group.name.as_deref()))
        .collect();
    assert_eq!(groups, vec![(123, Some("Group")), (354, Some("Group 2"))]);
    assert_eq!(users[0].extra.get("online_status"), Some(&json!("0")));
    assert_eq!(users[1].id, 568);
    assert!(users[1].groups.is_empty());
}
