//! `POST /client`, `POST /clients` and `POST /update/client`.

use serde_json::json;
use usedesk::{ClientSearch, ClientUpdate, Error, PhoneKind};
use wiremock::Mock;
use wiremock::matchers::{body_json, method, path};

use crate::support::{TOKEN, client_for, json_response, usedesk};

#[tokio::test]
async fn client_reads_the_array_form_usedesk_answers() {
    // Arrange
    let server = usedesk().await;
    Mock::given(method("POST"))
        .and(path("/client"))
        .and(body_json(json!({"api_token": TOKEN, "client_id": 2})))
        .respond_with(json_response(200, fixture!("client_array.json")))
        .expect(1)
        .mount(&server)
        .await;

    // Act
    let client = client_for(&server)
        .client(2)
        .await
        .expect("the client is read");

    // Assert
    assert_eq!(client.id, 2);
    assert_eq!(client.name.as_deref(), Some("Ekaterina Arhipova"));
    assert_eq!(client.note.as_deref(), Some("Prefers e-mail"));
    assert_eq!(client.company_id, Some(153561));
    assert!(!client.spammer);
    assert!(client.vip);
    assert_eq!(client.tickets, vec![2, 3000640, 3000652]);
    let emails: Vec<(Option<i64>, &str)> = client
        .emails
        .iter()
        .map(|email| (email.id, email.email.as_str()))
        .collect();
    assert_eq!(
        emails,
        vec![
            (Some(2), "arhipova1206@gmail.com"),
            (Some(3), "e.arhipova@example.com")
        ]
    );
    let phones: Vec<(&str, PhoneKind)> = client
        .phones
        .iter()
        .map(|phone| (phone.phone.as_str(), phone.kind.clone()))
        .collect();
    assert_eq!(
        phones,
        vec![
            ("+7 (900) 123-45-67", PhoneKind::Mobile),
            ("84951234567", PhoneKind::Stationary)
        ]
    );
    assert_eq!(
        client.messengers,
        vec![json!({"identity": "@arhipova", "type": "telegram"})]
    );
    assert_eq!(client.extra.get("zendesk_id"), Some(&json!(null)));
}

#[tokio::test]
async fn client_reads_a_bare_client_object_with_string_lists() {
    // Arrange
    let server = usedesk().await;
    Mock::given(method("POST"))
        .and(path("/client"))
        .respond_with(json_response(200, fixture!("client_object.json")))
        .expect(1)
        .mount(&server)
        .await;

    // Act
    let client = client_for(&server)
        .client(77)
        .await
        .expect("the client is read");

    // Assert
    assert_eq!(client.id, 77);
    assert_eq!(client.emails.len(), 1);
    assert_eq!(client.emails[0].email, "harry@hogwarts.example");
    assert_eq!(client.emails[0].id, None);
    assert_eq!(client.phones.len(), 1);
    assert_eq!(client.phones[0].phone, "+44 20 7946 0018");
    assert_eq!(client.phones[0].kind, PhoneKind::Other);
}

#[tokio::test]
async fn client_is_not_found_when_usedesk_answers_an_empty_array() {
    // Arrange
    let server = usedesk().await;
    Mock::given(method("POST"))
        .and(path("/client"))
        .respond_with(json_response(200, fixture!("client_empty_array.json")))
        .expect(1)
        .mount(&server)
        .await;

    // Act
    let error = client_for(&server)
        .client(3)
        .await
        .expect_err("there is no client");

    // Assert
    assert!(matches!(error, Error::NotFound { .. }), "got {error:?}");
}

#[tokio::test]
async fn clients_sends_a_partial_search_and_splits_comma_separated_emails() {
    // Arrange
    let server = usedesk().await;
    Mock::given(method("POST"))
        .and(path("/clients"))
        .and(body_json(json!({
            "api_token": TOKEN,
            "query": "shazam",
            "search_type": "partial_match"
        })))
        .respond_with(json_response(200, fixture!("clients.json")))
        .expect(1)
        .mount(&server)
        .await;

    // Act
    let found = client_for(&server)
        .clients(&ClientSearch::new("shazam"))
        .await
        .expect("the search answers");

    // Assert
    let ids: Vec<i64> = found.iter().map(|client| client.id).collect();
    assert_eq!(ids, vec![1, 16, 17], "the entry without an id is skipped");
    assert_eq!(found[0].emails, vec!["support@usedesk.ru"]);
    assert_eq!(found[0].tickets, vec![1, 3089372, 3091416]);
    assert!(found[1].emails.is_empty());
    assert_eq!(
        found[2].emails,
        vec!["shazam@email.shazam.com", "press@shazam.example"]
    );
    assert_eq!(found[2].phones, vec!["+1 555 0100"]);
}

#[tokio::test]
async fn clients_sends_a_full_match_search_with_its_offset() {
    // Arrange
    let server = usedesk().await;
    Mock::given(method("POST"))
        .and(path("/clients"))
        .and(body_json(json!({
            "api_token": TOKEN,
            "query": "+44 1632 960123",
            "search_type": "full_match",
            "offset": 2
        })))
        .respond_with(json_response(200, fixture!("clients_wrapped.json")))
        .expect(1)
        .mount(&server)
        .await;
    let search = ClientSearch {
        offset: Some(2),
        ..ClientSearch::full("+44 1632 960123")
    };

    // Act
    let found = client_for(&server)
        .clients(&search)
        .await
        .expect("the search answers");

    // Assert
    assert_eq!(found.len(), 1);
    assert_eq!(found[0].id, 5);
    assert_eq!(found[0].name.as_deref(), Some("Ron Weasley"));
    assert_eq!(found[0].emails, vec!["ron@burrow.example"]);
    assert_eq!(found[0].phones, vec!["+44 1632 960123"]);
}

#[tokio::test]
async fn update_client_sends_only_the_changes_it_is_given() {
    // Arrange
    let server = usedesk().await;
    Mock::given(method("POST"))
        .and(path("/update/client"))
        .and(body_json(json!({
            "api_token": TOKEN,
            "client_id": 1234,
            "name": "Jon",
            "emails": ["jon@example.com"],
            "phone": "+79001234567",
            "phone_type": "mobile",
            "note": "Linked to amoCRM contact 777",
            "is_new_note": true
        })))
        .respond_with(json_response(200, fixture!("update_client.json")))
        .expect(1)
        .mount(&server)
        .await;
    let update = ClientUpdate {
        name: Some("Jon".to_owned()),
        emails: vec!["jon@example.com".to_owned()],
        phone: Some("+79001234567".to_owned()),
        phone_type: Some(PhoneKind::Mobile),
        note: Some("Linked to amoCRM contact 777".to_owned()),
        new_note: true,
        ..ClientUpdate::new(1234)
    };

    // Act
    let result = client_for(&server).update_client(&update).await;

    // Assert
    assert_eq!(result, Ok(()));
}

#[tokio::test]
async fn update_client_with_no_changes_sends_only_the_client_id() {
    // Arrange
    let server = usedesk().await;
    Mock::given(method("POST"))
        .and(path("/update/client"))
        .and(body_json(json!({"api_token": TOKEN, "client_id": 1234})))
        .respond_with(json_response(200, fixture!("update_client.json")))
        .expect(1)
        .mount(&server)
        .await;

    // Act
    let result = client_for(&server)
        .update_client(&ClientUpdate::new(1234))
        .await;

    // Assert
    assert_eq!(result, Ok(()));
}

#[tokio::test]
async fn update_client_fails_when_usedesk_answers_status_false() {
    // Arrange
    let server = usedesk().await;
    Mock::given(method("POST"))
        .and(path("/update/client"))
        .respond_with(json_response(200, fixture!("update_client_failed.json")))
        .expect(1)
        .mount(&server)
        .await;

    // Act
    let error = client_for(&server)
        .update_client(&ClientUpdate::new(1234))
        .await
        .expect_err("Usedesk reported a failure");

    // Assert
    match error {
        Error::Api { message, body } => {
            assert_eq!(message, "status is false");
            assert!(body.contains("1234"), "body {body}");
        }
        other => panic!("expected Api, got {other:?}"),
    }
}
