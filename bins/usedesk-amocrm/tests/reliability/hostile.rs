//! Hostile input: malformed bodies, hosts that would turn us into a proxy, forged and replayed tokens, script in
//! every field Usedesk sends, and triggers with wrong types — refused precisely, never a crash, never a request out.

use reqwest::StatusCode;
use serde_json::{Value, json};

use crate::support::{Stack, unescape};

#[tokio::test]
async fn malformed_block_bodies_get_an_answer_and_never_a_crash() {
    let stack = Stack::start().await;
    let huge = "x".repeat(300_000);
    let corpus: Vec<(&str, Vec<u8>)> = vec![
        ("application/json", b"".to_vec()),
        ("application/json", b"{".to_vec()),
        ("application/json", b"[]".to_vec()),
        ("application/json", b"null".to_vec()),
        ("application/json", b"\"just a string\"".to_vec()),
        (
            "application/json",
            br#"{"ticket_id": {"nested": true}}"#.to_vec(),
        ),
        (
            "application/json",
            br#"{"ticket_id": "abc", "client_id": [1,2]}"#.to_vec(),
        ),
        (
            "application/json",
            br#"{"client_data": "not an object"}"#.to_vec(),
        ),
        (
            "application/json",
            br#"{"client_data": {"phones": [null, 5, {"phone": []}]}}"#.to_vec(),
        ),
        (
            "application/json",
            br#"{"amo_base_host": 42, "language": ["ru"]}"#.to_vec(),
        ),
        (
            "application/json",
            format!(r#"{{"subject": "{huge}"}}"#).into_bytes(),
        ),
        ("application/json", vec![0xff, 0xfe, 0x7b, 0x22]),
        (
            "application/json",
            b"{\"subject\": \"\xed\xa0\x80\"}".to_vec(),
        ),
        (
            "application/x-www-form-urlencoded",
            b"client_data[phones][0][phone]=%ZZ&&&==".to_vec(),
        ),
        (
            "application/x-www-form-urlencoded",
            b"client_data[[[]]]=1&amo_base_host[]=x".to_vec(),
        ),
        ("text/plain", b"hello".to_vec()),
        (
            "multipart/form-data; boundary=x",
            b"--x\r\n\r\n--x--".to_vec(),
        ),
    ];
    for (content_type, body) in corpus {
        let response = stack
            .http
            .post(format!("{}api/", stack.base))
            .header("content-type", content_type)
            .body(body.clone())
            .send()
            .await
            .unwrap();
        let status = response.status();
        assert!(
            status.is_success() || status.is_client_error(),
            "{content_type} {:?} → {status}",
            String::from_utf8_lossy(&body[..body.len().min(80)])
        );
    }
    let big = vec![b'a'; 2 * 1024 * 1024];
    let response = stack
        .http
        .post(format!("{}api/", stack.base))
        .header("content-type", "application/json")
        .body(big)
        .send()
        .await
        .unwrap();
    assert!(
        response.status() == StatusCode::PAYLOAD_TOO_LARGE || response.status().is_success(),
        "{}",
        response.status()
    );
    let alive = stack
        .http
        .get(format!("{}healthz", stack.base))
        .send()
        .await
        .unwrap();
    assert_eq!(
        alive.status(),
        StatusCode::OK,
        "the server is still serving"
    );
}

#[tokio::test]
async fn hosts_outside_amocrm_and_kommo_are_refused_without_any_request() {
    let stack = Stack::start().await;
    stack.sandbox.reset_stats();
    let hostile = [
        "https://evil.example.com",
        "http://127.0.0.1:80",
        "http://localhost:8080",
        "http://[::1]/",
        "http://169.254.169.254/latest/meta-data",
        "https://hogwarts.amocrm.ru@evil.example",
        "https://evil.example/.amocrm.ru",
        "https://hogwarts.amocrm.ru.evil.example",
        "https://amocrm.ru",
        "javascript:alert(1)",
        "file:///etc/passwd",
        "https://hogwarts.amocrm.ru:8443",
        "http://hogwarts.amocrm.ru",
        "https://evil.example/redirect?to=https://hogwarts.amocrm.ru",
    ];
    for host in hostile {
        let mut body = stack.sample(1002);
        body["amo_base_host"] = json!(host);
        let (status, html) = stack.block(&body).await;
        assert_eq!(status, StatusCode::OK, "{host}");
        assert!(
            !html.contains("oauth/start"),
            "{host} must not be offered a login: {html}"
        );
    }
    assert_eq!(stack.sandbox.stats().api_requests, 0);
}

#[tokio::test]
async fn script_in_every_usedesk_field_comes_out_escaped() {
    let stack = Stack::start().await;
    stack.login().await;
    let payload = "<script>alert(1)</script>\"><img src=x onerror=alert(1)>";
    let mut body = stack.sample(1001);
    body["subject"] = json!(payload);
    body["client_data"]["name"] = json!(payload);
    body["client_data"]["emails"] = json!([format!("{payload}@x.io"), "luna@quibbler.example"]);
    body["client_data"]["phones"] = json!([{"type": payload, "phone": payload}]);

    let (_, html) = stack.block(&body).await;

    assert!(!html.contains("<script>"), "{html}");
    assert!(!html.contains("<img src=x"), "{html}");
    assert!(
        unescape(&html).contains(payload),
        "the text survives as text: {html}"
    );
}

#[tokio::test]
async fn a_missing_host_is_a_clear_block_not_an_error() {
    let stack = Stack::start().await;
    let mut body = stack.sample(1002);
    body.as_object_mut().unwrap().remove("amo_base_host");
    let (status, html) = stack.block(&body).await;
    assert_eq!(status, StatusCode::OK);
    assert!(
        html.contains("amo_base_host"),
        "the block names the parameter to add: {html}"
    );
    assert!(!html.contains("oauth/start"), "{html}");
}

#[tokio::test]
async fn hostile_triggers_get_precise_client_errors() {
    let stack = Stack::start().await;
    let unknown = uuid_text();
    let cases: Vec<(Value, StatusCode, &str)> = vec![
        (json!("not an object"), StatusCode::BAD_REQUEST, ""),
        (
            json!({"ticketId": 1}),
            StatusCode::BAD_REQUEST,
            "amoClientId",
        ),
        (
            json!({"amoClientId": unknown, "ticketId": "{{ticket_id}}"}),
            StatusCode::BAD_REQUEST,
            "ticketId",
        ),
        (
            json!({"amoClientId": unknown, "ticketId": 1, "fields": {"price": "a lot"}}),
            StatusCode::BAD_REQUEST,
            "fields.price",
        ),
        (
            json!({"amoClientId": unknown, "ticketId": 1, "fields": {"custom_fields_values": [{"field_id": "x"}]}}),
            StatusCode::BAD_REQUEST,
            "fields.custom_fields_values[0]",
        ),
        // An unknown Integration ID is refused like a missing secret: no oracle of which IDs exist.
        (
            json!({"amoClientId": unknown, "ticketId": 1}),
            StatusCode::UNAUTHORIZED,
            "",
        ),
    ];
    for (body, expected, path) in cases {
        let (status, answer) = stack.trigger(&body, None, None).await;
        assert_eq!(status, expected, "{body} → {answer}");
        let error = &answer["error"];
        assert!(
            error["code"].as_str().is_some_and(|c| !c.is_empty()),
            "{answer}"
        );
        assert!(
            error["message"].as_str().is_some_and(|m| !m.is_empty()),
            "{answer}"
        );
        if !path.is_empty() {
            assert!(
                error["path"].as_str().is_some_and(|p| p.starts_with(path)),
                "{body} → {answer}"
            );
        }
    }
    let raw = stack
        .http
        .post(format!("{}api/freeCreateLead", stack.base))
        .header("content-type", "application/json")
        .body(vec![0xff, 0x00])
        .send()
        .await
        .unwrap();
    assert_eq!(raw.status(), StatusCode::BAD_REQUEST);
}

fn uuid_text() -> String {
    "7d3f2a10-0000-4000-8000-000000000001".to_owned()
}

#[tokio::test]
async fn a_trigger_that_knows_only_the_integration_id_reaches_neither_usedesk_nor_amocrm() {
    // Arrange: a logged-in account; the attacker has read the Integration ID on the gear page.
    let stack = Stack::start().await;
    stack.login().await;
    let (_, block) = stack.block(&stack.sample(1002)).await;
    let gear = crate::support::link(&block, "action/settings").expect("a gear link");
    let page = stack
        .http
        .get(&gear)
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    let id = testkit::agent::integration_id(&page).expect("the Integration ID");
    let attack = json!({"amoClientId": id, "ticketId": 1002,
        "fields": {"name": "URGENT: pay invoice at https://evil.example/pay", "price": 999_999},
        "comment": "attacker note"});
    stack.sandbox.reset_stats();

    // Act: without a secret, with a guessed one, and for a ticket that does not exist.
    let (bare, bare_answer) = stack.trigger(&attack, None, None).await;
    let (guessed, _) = stack.trigger(&attack, Some("guessed-secret"), None).await;
    let mut probe = attack.clone();
    probe["ticketId"] = json!(999_999);
    let (probed, _) = stack.trigger(&probe, None, None).await;

    // Assert: 401 each time, and the sandbox saw no request at all.
    assert_eq!(
        (bare, guessed, probed),
        (
            StatusCode::UNAUTHORIZED,
            StatusCode::UNAUTHORIZED,
            StatusCode::UNAUTHORIZED
        ),
        "{bare_answer}"
    );
    assert_eq!(bare_answer["error"]["code"], "trigger_secret_required");
    let stats = stack.sandbox.stats();
    assert!(stats.endpoints.is_empty(), "amoCRM was called: {stats:?}");
    assert!(
        stats.usedesk_endpoints.is_empty(),
        "Usedesk was called: {stats:?}"
    );

    // And the admin's secret, created in the gear, works.
    let (_, secret) = crate::support::trigger_secret_from_the_gear(&stack.http, &block).await;
    let (status, answer) = stack.trigger(&attack, Some(&secret), None).await;
    assert_eq!(status, StatusCode::OK, "{answer}");
}
