//! `POST /api/freeCreateLead`: success, idempotent replays, and every error code.

use domain::store::{ConnectionId, Store};
use serde_json::{Value, json};
use wiremock::matchers::{body_partial_json, method, path};
use wiremock::{Mock, ResponseTemplate};

use crate::support::*;

/// The trigger fixture for `connection`.
fn payload(connection: ConnectionId) -> Value {
    let mut body: Value =
        serde_json::from_str(fixture!("block/trigger.json")).expect("the fixture is JSON");
    body["amoClientId"] = Value::from(connection.to_string());
    body
}

async fn post_trigger(
    app: &TestApp,
    body: &Value,
    key: Option<&str>,
) -> (u16, Value, reqwest::header::HeaderMap) {
    let mut request = app.http.post(app.url("/api/freeCreateLead")).json(body);
    if let Some(key) = key {
        request = request.header("Idempotency-Key", key);
    }
    let response = request.send().await.unwrap();
    let status = response.status().as_u16();
    let headers = response.headers().clone();
    (
        status,
        response.json().await.expect("a JSON answer"),
        headers,
    )
}

/// Usedesk's ticket and client, and amoCRM finding Harry by phone.
async fn mount_ticket_and_search(app: &TestApp) {
    Mock::given(method("POST"))
        .and(path("/ticket"))
        .respond_with(json_answer(fixture!("block/usedesk_ticket.json")))
        .mount(&app.usedesk)
        .await;
    Mock::given(method("POST"))
        .and(path("/client"))
        .respond_with(json_answer(fixture!("block/usedesk_client.json")))
        .mount(&app.usedesk)
        .await;
    app.mount_metadata().await;
    app.mount_search(PHONE_QUERY, Some(fixture!("block/contacts_one.json")))
        .await;
    app.mount_search(EMAIL_QUERY, None).await;
}

async fn mount_lead_creation(app: &TestApp, times: u64) {
    Mock::given(method("POST"))
        .and(path("/api/v4/leads"))
        .and(body_partial_json(json!([{
            "name": "Broom from the trigger",
            "price": 1500,
            "status_id": 40001,
            "_embedded": {"contacts": [{"id": 3001}]},
        }])))
        .respond_with(hal(fixture!("block/leads_created.json")))
        .expect(times)
        .mount(&app.amo)
        .await;
    Mock::given(method("POST"))
        .and(path("/api/v4/leads/7101/notes"))
        .respond_with(hal(fixture!("amocrm/notes_created.json")))
        .expect(times)
        .mount(&app.amo)
        .await;
}

#[tokio::test]
async fn trigger_creates_the_deal_for_the_ticket_client_and_answers_its_ids() {
    // Arrange
    let app = TestApp::start().await;
    let connection = app.connect().await;
    mount_ticket_and_search(&app).await;
    mount_lead_creation(&app, 1).await;

    // Act
    let (status, body, _) = post_trigger(&app, &payload(connection), None).await;

    // Assert
    assert_eq!(status, 200, "{body}");
    let host = app.amo_host();
    assert_eq!(
        body,
        json!({
            "ok": true,
            "lead_id": 7101,
            "lead_url": format!("{}/leads/detail/7101", host.as_str()),
            "contact_id": 3001,
            "contact_url": format!("{}/contacts/detail/3001", host.as_str()),
            "contact_created": false,
            "replayed": false,
        })
    );
}

#[tokio::test]
async fn trigger_retried_returns_the_same_deal_without_creating_another() {
    // Arrange
    let app = TestApp::start().await;
    let connection = app.connect().await;
    mount_ticket_and_search(&app).await;
    mount_lead_creation(&app, 1).await;
    let (_, first, _) = post_trigger(&app, &payload(connection), None).await;

    // Act: the same body again, as Usedesk retries it.
    let (status, again, _) = post_trigger(&app, &payload(connection), None).await;

    // Assert
    assert_eq!(status, 200);
    assert_eq!(again["lead_id"], first["lead_id"]);
    assert_eq!(again["replayed"], true);
}

#[tokio::test]
async fn trigger_inside_usedesk_envelope_is_unwrapped() {
    // Arrange
    let app = TestApp::start().await;
    let connection = app.connect().await;
    mount_ticket_and_search(&app).await;
    mount_lead_creation(&app, 1).await;
    let envelope = json!({
        "url": app.url("/api/freeCreateLead"),
        "data": payload(connection).to_string(),
        "headers": {},
    });

    // Act
    let (status, body, _) = post_trigger(&app, &envelope, None).await;

    // Assert
    assert_eq!(status, 200, "{body}");
    assert_eq!(body["lead_id"], 7101);
}

#[tokio::test]
async fn trigger_refuses_an_idempotency_key_reused_for_another_body() {
    // Arrange
    let app = TestApp::start().await;
    let connection = app.connect().await;
    mount_ticket_and_search(&app).await;
    mount_lead_creation(&app, 1).await;
    let (first, _, _) = post_trigger(&app, &payload(connection), Some("key-1")).await;
    let mut other = payload(connection);
    other["fields"]["name"] = Value::from("Another deal");

    // Act
    let (status, body, _) = post_trigger(&app, &other, Some("key-1")).await;

    // Assert
    assert_eq!(first, 200);
    assert_eq!(status, 409);
    assert_eq!(body["error"]["code"], "conflict");
}

#[tokio::test]
async fn trigger_says_the_same_request_is_in_progress_with_retry_after() {
    // Arrange: another replica holds the key.
    let app = TestApp::start().await;
    let connection = app.connect().await;
    let body = payload(connection);
    let parsed = usedesk::FreeCreateLead::parse(body.to_string().as_bytes()).unwrap();
    let fingerprint: String = parsed
        .fingerprint()
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect();
    app.store
        .claim_idempotency(connection, "key:busy-key", &fingerprint, 3600, 120)
        .await
        .unwrap();

    // Act
    let (status, answer, headers) = post_trigger(&app, &body, Some("busy-key")).await;

    // Assert
    assert_eq!(status, 409);
    assert_eq!(answer["error"]["code"], "in_progress");
    assert!(headers.contains_key("retry-after"));
}

#[tokio::test]
async fn trigger_reports_every_problem_of_an_invalid_payload() {
    // Arrange
    let app = TestApp::start().await;

    // Act
    let (status, body, _) = post_trigger(
        &app,
        &json!({"amoClientId": "not-an-id", "ticketId": "{{ticket_id}}", "fields": {"price": 12.5}}),
        None,
    )
    .await;

    // Assert
    assert_eq!(status, 400);
    assert_eq!(body["error"]["code"], "invalid_payload");
    assert_eq!(body["error"]["path"], "amoClientId");
    let paths: Vec<&str> = body["error"]["problems"]
        .as_array()
        .unwrap()
        .iter()
        .map(|p| p["path"].as_str().unwrap())
        .collect();
    assert_eq!(paths, vec!["amoClientId", "ticketId", "fields.price"]);
}

#[tokio::test]
async fn trigger_refuses_a_body_that_is_not_json() {
    // Arrange
    let app = TestApp::start().await;

    // Act
    let response = app
        .http
        .post(app.url("/api/freeCreateLead"))
        .header("Content-Type", "application/json")
        .body("{not json")
        .send()
        .await
        .unwrap();
    let status = response.status().as_u16();
    let body: Value = response.json().await.unwrap();

    // Assert
    assert_eq!(status, 400);
    assert_eq!(body["error"]["code"], "invalid_payload");
    assert_eq!(body["error"]["problems"][0]["code"], "syntax");
}

#[tokio::test]
async fn trigger_answers_404_for_an_unknown_integration_id() {
    // Arrange
    let app = TestApp::start().await;

    // Act
    let (status, body, _) = post_trigger(&app, &payload(ConnectionId::new_random()), None).await;

    // Assert
    assert_eq!(status, 404);
    assert_eq!(body["error"]["code"], "unknown_client");
    assert_eq!(body["error"]["path"], "amoClientId");
}

#[tokio::test]
async fn trigger_answers_401_when_the_connection_needs_login() {
    // Arrange
    let app = TestApp::start().await;
    let connection = app.connect().await;
    app.store
        .lock_for_refresh(connection)
        .await
        .unwrap()
        .mark_needs_login()
        .await
        .unwrap();

    // Act
    let (status, body, _) = post_trigger(&app, &payload(connection), None).await;

    // Assert
    assert_eq!(status, 401);
    assert_eq!(body["error"]["code"], "needs_login");
}

#[tokio::test]
async fn trigger_answers_404_when_usedesk_has_no_such_ticket() {
    // Arrange
    let app = TestApp::start().await;
    let connection = app.connect().await;
    Mock::given(method("POST"))
        .and(path("/ticket"))
        .respond_with(json_answer(fixture!("usedesk/error_ticket_not_found.json")))
        .expect(1)
        .mount(&app.usedesk)
        .await;

    // Act
    let (status, body, _) = post_trigger(&app, &payload(connection), None).await;

    // Assert
    assert_eq!(status, 404);
    assert_eq!(body["error"]["code"], "not_found");
    assert_eq!(body["error"]["path"], "ticketId");
}

#[tokio::test]
async fn trigger_answers_422_naming_the_field_the_stage_requires_and_creates_nothing() {
    // Arrange: Negotiation requires the product, which the payload leaves out.
    let app = TestApp::start().await;
    let connection = app.connect().await;
    mount_ticket_and_search(&app).await;
    mount_lead_creation(&app, 0).await;
    let mut body = payload(connection);
    body["fields"]["status_id"] = json!(40002);
    body["fields"]["custom_fields_values"] =
        json!([{"field_id": 702, "values": [{"value": "lots"}]}]);

    // Act
    let (status, answer, _) = post_trigger(&app, &body, None).await;

    // Assert
    assert_eq!(status, 422, "{answer}");
    assert_eq!(answer["error"]["code"], "validation");
    let paths: Vec<&str> = answer["error"]["problems"]
        .as_array()
        .unwrap()
        .iter()
        .map(|p| p["path"].as_str().unwrap())
        .collect();
    assert_eq!(
        paths,
        vec![
            "fields.custom_fields_values[0]",
            "fields.custom_fields_values"
        ]
    );
    assert!(
        answer["error"]["message"]
            .as_str()
            .unwrap()
            .contains("Product")
    );
}

#[tokio::test]
async fn trigger_answers_503_with_retry_after_when_amocrm_is_down() {
    // Arrange
    let app = TestApp::start().await;
    let connection = app.connect().await;
    Mock::given(method("POST"))
        .and(path("/ticket"))
        .respond_with(json_answer(fixture!("block/usedesk_ticket.json")))
        .mount(&app.usedesk)
        .await;
    Mock::given(method("POST"))
        .and(path("/client"))
        .respond_with(json_answer(fixture!("block/usedesk_client.json")))
        .mount(&app.usedesk)
        .await;
    Mock::given(method("GET"))
        .and(path("/api/v4/contacts"))
        .respond_with(ResponseTemplate::new(502).set_body_string("bad gateway"))
        .mount(&app.amo)
        .await;

    // Act
    let (status, body, headers) = post_trigger(&app, &payload(connection), None).await;

    // Assert
    assert_eq!(status, 503);
    assert_eq!(body["error"]["code"], "upstream_unavailable");
    assert_eq!(headers["retry-after"], "30");
}

#[tokio::test]
async fn trigger_answers_503_with_retry_after_when_usedesk_is_down() {
    // Arrange
    let app = TestApp::start().await;
    let connection = app.connect().await;
    Mock::given(method("POST"))
        .and(path("/ticket"))
        .respond_with(ResponseTemplate::new(503).set_body_string("maintenance"))
        .mount(&app.usedesk)
        .await;

    // Act
    let (status, body, headers) = post_trigger(&app, &payload(connection), None).await;

    // Assert
    assert_eq!(status, 503);
    assert_eq!(body["error"]["code"], "upstream_unavailable");
    assert!(headers.contains_key("retry-after"));
}

#[tokio::test]
async fn trigger_refuses_a_body_over_the_limit() {
    // Arrange
    let app = TestApp::with(Options {
        max_body_bytes: 1024,
        ..Options::default()
    })
    .await;
    let mut body = payload(ConnectionId::new_random());
    body["comment"] = Value::from("x".repeat(4096));

    // Act
    let (status, answer, _) = post_trigger(&app, &body, None).await;

    // Assert
    assert_eq!(status, 413);
    assert_eq!(answer["error"]["code"], "payload_too_large");
}
