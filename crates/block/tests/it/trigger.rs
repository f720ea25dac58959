//! `POST /api/freeCreateLead`: success, idempotent replays, and every error code.

use domain::store::{ConnectionId, Store};
use serde_json::{Value, json};
use wiremock::matchers::{body_partial_json, body_string_contains, method, path};
use wiremock::{Mock, ResponseTemplate};

use crate::support::*;

/// The trigger fixture for `connection`.
fn payload(connection: ConnectionId) -> Value {
    let mut body: Value =
        serde_json::from_str(fixture!("block/trigger.json")).expect("the fixture is JSON");
    body["amoClientId"] = Value::from(connection.to_string());
    body
}

/// POSTs a trigger, with its secret in the `X-Trigger-Secret` header when given.
async fn post_trigger(
    app: &TestApp,
    body: &Value,
    secret: Option<&str>,
    key: Option<&str>,
) -> (u16, Value, reqwest::header::HeaderMap) {
    let mut request = app.http.post(app.url("/api/freeCreateLead")).json(body);
    if let Some(secret) = secret {
        request = request.header("X-Trigger-Secret", secret);
    }
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
    // The note back to the ticket first: the trigger's own comment goes to the same path.
    Mock::given(method("POST"))
        .and(path("/api/v4/leads/7101/notes"))
        .and(body_string_contains(
            "Created from Usedesk ticket #2265179 “Where is my broom?”",
        ))
        .and(body_string_contains("Created by a Usedesk trigger."))
        .respond_with(hal(fixture!("amocrm/notes_created.json")))
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
    let secret = app.trigger_secret(connection).await;
    mount_ticket_and_search(&app).await;
    mount_lead_creation(&app, 1).await;

    // Act
    let (status, body, _) = post_trigger(&app, &payload(connection), Some(&secret), None).await;

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
    let secret = app.trigger_secret(connection).await;
    mount_ticket_and_search(&app).await;
    mount_lead_creation(&app, 1).await;
    let (_, first, _) = post_trigger(&app, &payload(connection), Some(&secret), None).await;

    // Act: the same body again, as Usedesk retries it.
    let (status, again, _) = post_trigger(&app, &payload(connection), Some(&secret), None).await;

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
    let secret = app.trigger_secret(connection).await;
    mount_ticket_and_search(&app).await;
    mount_lead_creation(&app, 1).await;
    let envelope = json!({
        "url": app.url("/api/freeCreateLead"),
        "data": payload(connection).to_string(),
        "headers": {},
    });

    // Act
    let (status, body, _) = post_trigger(&app, &envelope, Some(&secret), None).await;

    // Assert
    assert_eq!(status, 200, "{body}");
    assert_eq!(body["lead_id"], 7101);
}

#[tokio::test]
async fn trigger_refuses_an_idempotency_key_reused_for_another_body() {
    // Arrange
    let app = TestApp::start().await;
    let connection = app.connect().await;
    let secret = app.trigger_secret(connection).await;
    mount_ticket_and_search(&app).await;
    mount_lead_creation(&app, 1).await;
    let (first, _, _) =
        post_trigger(&app, &payload(connection), Some(&secret), Some("key-1")).await;
    let mut other = payload(connection);
    other["fields"]["name"] = Value::from("Another deal");

    // Act
    let (status, body, _) = post_trigger(&app, &other, Some(&secret), Some("key-1")).await;

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
    let secret = app.trigger_secret(connection).await;
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
    let (status, answer, headers) =
        post_trigger(&app, &body, Some(&secret), Some("busy-key")).await;

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
async fn trigger_answers_401_for_an_unknown_integration_id_as_for_a_wrong_secret() {
    // Arrange
    let app = TestApp::start().await;
    let connection = app.connect().await;
    let secret = app.trigger_secret(connection).await;
    let unknown = payload(ConnectionId::new_random());

    // Act
    let (status, body, _) = post_trigger(&app, &unknown, Some(&secret), None).await;
    let (wrong_status, wrong, _) =
        post_trigger(&app, &payload(connection), Some("wrong-secret"), None).await;
    let (bare_status, bare, _) = post_trigger(&app, &unknown, None, None).await;

    // Assert: the same answer as for a wrong secret, so it tells nobody which IDs exist.
    assert_eq!((status, wrong_status, bare_status), (401, 401, 401));
    assert_eq!(body, wrong);
    assert_eq!(body["error"]["code"], "trigger_secret_invalid");
    assert_eq!(bare["error"]["code"], "trigger_secret_required");
}

#[tokio::test]
async fn trigger_answers_404_for_an_unknown_integration_id_when_secrets_are_not_required() {
    // Arrange
    let app = TestApp::with(Options {
        require_trigger_secret: false,
        ..Options::default()
    })
    .await;

    // Act
    let (status, body, _) =
        post_trigger(&app, &payload(ConnectionId::new_random()), None, None).await;

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
    let secret = app.trigger_secret(connection).await;
    app.store
        .lock_for_refresh(connection)
        .await
        .unwrap()
        .mark_needs_login()
        .await
        .unwrap();

    // Act
    let (status, body, _) = post_trigger(&app, &payload(connection), Some(&secret), None).await;

    // Assert
    assert_eq!(status, 401);
    assert_eq!(body["error"]["code"], "needs_login");
}

#[tokio::test]
async fn trigger_answers_404_when_usedesk_has_no_such_ticket() {
    // Arrange
    let app = TestApp::start().await;
    let connection = app.connect().await;
    let secret = app.trigger_secret(connection).await;
    Mock::given(method("POST"))
        .and(path("/ticket"))
        .respond_with(json_answer(fixture!("usedesk/error_ticket_not_found.json")))
        .expect(1)
        .mount(&app.usedesk)
        .await;

    // Act
    let (status, body, _) = post_trigger(&app, &payload(connection), Some(&secret), None).await;

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
    let secret = app.trigger_secret(connection).await;
    mount_ticket_and_search(&app).await;
    mount_lead_creation(&app, 0).await;
    let mut body = payload(connection);
    body["fields"]["status_id"] = json!(40002);
    body["fields"]["custom_fields_values"] =
        json!([{"field_id": 702, "values": [{"value": "lots"}]}]);

    // Act
    let (status, answer, _) = post_trigger(&app, &body, Some(&secret), None).await;

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
    let secret = app.trigger_secret(connection).await;
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
    let (status, body, headers) =
        post_trigger(&app, &payload(connection), Some(&secret), None).await;

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
    let secret = app.trigger_secret(connection).await;
    Mock::given(method("POST"))
        .and(path("/ticket"))
        .respond_with(ResponseTemplate::new(503).set_body_string("maintenance"))
        .mount(&app.usedesk)
        .await;

    // Act
    let (status, body, headers) =
        post_trigger(&app, &payload(connection), Some(&secret), None).await;

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
    let (status, answer, _) = post_trigger(&app, &body, None, None).await;

    // Assert
    assert_eq!(status, 413);
    assert_eq!(answer["error"]["code"], "payload_too_large");
}

#[tokio::test]
async fn trigger_secret_works_in_the_header_as_a_bearer_token_in_the_query_and_in_the_envelope() {
    // Arrange: four differently keyed requests, so each one creates its deal.
    let app = TestApp::start().await;
    let connection = app.connect().await;
    let secret = app.trigger_secret(connection).await;
    mount_ticket_and_search(&app).await;
    mount_lead_creation(&app, 4).await;
    let body = payload(connection);
    let envelope = json!({
        "url": app.url("/api/freeCreateLead"),
        "data": body,
        "headers": [{"name": "X-Trigger-Secret", "value": secret}],
    });
    let send = |request: reqwest::RequestBuilder, key: &'static str| async move {
        let response = request.header("Idempotency-Key", key).send().await.unwrap();
        let status = response.status().as_u16();
        (status, response.json::<Value>().await.unwrap())
    };
    let url = app.url("/api/freeCreateLead");

    // Act
    let header = send(
        app.http
            .post(&url)
            .header("X-Trigger-Secret", &secret)
            .json(&body),
        "header",
    )
    .await;
    let bearer = send(
        app.http.post(&url).bearer_auth(&secret).json(&body),
        "bearer",
    )
    .await;
    let query = send(
        app.http
            .post(&url)
            .query(&[("secret", &secret)])
            .json(&body),
        "query",
    )
    .await;
    let enveloped = send(app.http.post(&url).json(&envelope), "envelope").await;

    // Assert
    for (how, (status, answer)) in [
        ("header", header),
        ("bearer", bearer),
        ("query", query),
        ("envelope", enveloped),
    ] {
        assert_eq!(status, 200, "{how}: {answer}");
        assert_eq!(answer["lead_id"], 7101, "{how}");
        assert_eq!(answer["replayed"], false, "{how}");
    }
}

#[tokio::test]
async fn trigger_without_a_required_secret_says_where_to_find_it() {
    // Arrange
    let app = TestApp::start().await;
    let connection = app.connect().await;

    // Act
    let response = app
        .http
        .post(app.url("/api/freeCreateLead"))
        .json(&payload(connection))
        .send()
        .await
        .unwrap();
    let status = response.status().as_u16();
    let challenge = response.headers().get("www-authenticate").cloned();
    let body: Value = response.json().await.unwrap();

    // Assert
    assert_eq!(status, 401);
    assert!(challenge.is_some_and(|c| c.to_str().unwrap().starts_with("Bearer")));
    assert_eq!(body["error"]["code"], "trigger_secret_required");
    assert_eq!(body["error"]["path"], Value::Null);
    let message = body["error"]["message"].as_str().unwrap();
    assert!(message.contains("gear of the amoCRM block"), "{message}");
    assert!(message.contains("Trigger secret"), "{message}");
    assert!(message.contains("X-Trigger-Secret"), "{message}");
    assert!(message.contains("?secret="), "{message}");
}

#[tokio::test]
async fn with_the_requirement_off_a_connection_without_a_secret_still_takes_triggers_until_it_gets_one()
 {
    // Arrange
    let app = TestApp::with(Options {
        require_trigger_secret: false,
        ..Options::default()
    })
    .await;
    let connection = app.connect().await;
    mount_ticket_and_search(&app).await;
    mount_lead_creation(&app, 1).await;

    // Act
    let (open, created, _) = post_trigger(&app, &payload(connection), None, None).await;
    let (wrong, _, _) = post_trigger(&app, &payload(connection), Some("wrong"), None).await;
    let secret = app.trigger_secret(connection).await;
    let (closed, refused, _) = post_trigger(&app, &payload(connection), None, None).await;
    let (with_secret, replayed, _) =
        post_trigger(&app, &payload(connection), Some(&secret), None).await;

    // Assert
    assert_eq!(open, 200, "{created}");
    assert_eq!(wrong, 401, "a presented secret is always checked");
    assert_eq!(closed, 401);
    assert_eq!(refused["error"]["code"], "trigger_secret_required");
    assert_eq!(with_secret, 200);
    assert_eq!(replayed["lead_id"], created["lead_id"]);
}

/// The gear page for `connection`, opened as the block's gear link opens it.
async fn gear(app: &TestApp, connection: ConnectionId) -> (u16, String) {
    let claims = json!({"c": connection.to_string(), "t": TICKET_ID, "u": CLIENT_ID, "k": "settings",
                        "l": "en", "e": domain::now() + 600, "n": format!("gear-{}", uuid::Uuid::new_v4())});
    app.get_page(
        &app.url("/action/settings"),
        &sign_claims(&claims, SIGNING_KEY),
        &[],
    )
    .await
}

/// The value of the element with this id on a page.
fn field_value(page: &str, id: &str) -> String {
    let page = unescape(page);
    let at = page
        .find(&format!("id=\"{id}\""))
        .unwrap_or_else(|| panic!("#{id} in {page}"));
    let tag = &page[at..at + page[at..].find('>').unwrap()];
    let value = tag.split("value=\"").nth(1).expect("a value");
    value[..value.find('"').unwrap()].to_owned()
}

#[tokio::test]
async fn the_gear_creates_a_secret_shows_it_once_and_rotating_stops_the_old_one() {
    // Arrange
    let app = TestApp::start().await;
    let connection = app.connect().await;
    app.mount_metadata().await;
    mount_ticket_and_search(&app).await;
    mount_lead_creation(&app, 1).await;
    let (status, before) = gear(&app, connection).await;
    assert_eq!(status, 200);
    assert_shows(&before, "No trigger secret yet");
    assert_shows(&before, "Create trigger secret");
    let create = token_for(&before, &app.url("/action/trigger-secret"));

    // Act: create, use, look at the gear again, reload the answer, rotate, use both.
    let created = app
        .http
        .post(app.url("/action/trigger-secret"))
        .form(&[("t", create.as_str())])
        .send()
        .await
        .unwrap();
    let created_status = created.status().as_u16();
    let csp = created.headers()["content-security-policy"]
        .to_str()
        .unwrap()
        .to_owned();
    let created = created.text().await.unwrap();
    let secret = field_value(&created, "trigger-secret");
    let (first_use, first, _) = post_trigger(&app, &payload(connection), Some(&secret), None).await;
    let (_, after) = gear(&app, connection).await;
    let (replay_status, replay) = app
        .post_form(
            &app.url("/action/trigger-secret"),
            &[("t", create.as_str())],
        )
        .await;
    let rotate = token_for(&after, &app.url("/action/trigger-secret"));
    let (rotated_status, rotated) = app
        .post_form(
            &app.url("/action/trigger-secret"),
            &[("t", rotate.as_str())],
        )
        .await;
    let new_secret = field_value(&rotated, "trigger-secret");
    let (old_use, old, _) = post_trigger(&app, &payload(connection), Some(&secret), None).await;
    let (new_use, new, _) = post_trigger(&app, &payload(connection), Some(&new_secret), None).await;

    // Assert: the page showed the secret with the header, the URL and this connection's body.
    assert_eq!(created_status, 200);
    assert_eq!(secret.len(), 43, "{secret}");
    assert_shows(&created, &format!("X-Trigger-Secret: {secret}"));
    assert_shows(
        &created,
        &format!("{}?secret={secret}", app.url("/api/freeCreateLead")),
    );
    assert_shows(&created, &format!("\"amoClientId\": \"{connection}\""));
    assert_shows(&created, "\"ticketId\": \"{{ticket_id}}\"");
    assert!(csp.contains("script-src 'unsafe-hashes' 'sha256-"), "{csp}");
    assert_eq!(first_use, 200, "{first}");
    // The gear says a secret is set, and never shows it again; a reloaded answer shows nothing either.
    assert_shows(&after, "This connection has a trigger secret");
    assert_shows(&after, "Rotate trigger secret");
    assert_hides(&after, &secret);
    assert_eq!(replay_status, 409);
    assert_hides(&replay, &secret);
    // Rotation: a new secret, the old one refused at once, the new one working.
    assert_eq!(rotated_status, 200);
    assert_shows(&rotated, "Trigger secret rotated");
    assert_ne!(new_secret, secret);
    assert_eq!(old_use, 401);
    assert_eq!(old["error"]["code"], "trigger_secret_invalid");
    assert_eq!(new_use, 200, "{new}");
    assert_eq!(new["lead_id"], first["lead_id"]);
    let audit: Vec<String> = app
        .store
        .list_audit(connection, 10)
        .await
        .unwrap()
        .into_iter()
        .map(|e| e.action.to_string())
        .collect();
    assert!(
        audit.contains(&"trigger_secret.create".to_owned()),
        "{audit:?}"
    );
    assert!(
        audit.contains(&"trigger_secret.rotate".to_owned()),
        "{audit:?}"
    );
}
