//! Block requests sent as JSON.

use secrecy::ExposeSecret;
use serde_json::json;
use usedesk::{BlockRequest, BlockResponse, Language, Phone, PhoneKind};

fn parse_json(body: &str) -> BlockRequest {
    BlockRequest::parse(Some("application/json"), body.as_bytes()).expect("the request is read")
}

#[test]
fn a_full_json_request_is_read_field_by_field() {
    // Arrange
    let body = fixture!("block_request.json");

    // Act
    let request = parse_json(body);

    // Assert
    assert_eq!(request.ticket_id, Some(2265179));
    assert_eq!(request.subject.as_deref(), Some("Where is my order?"));
    assert_eq!(request.client_id, Some(261702));
    assert_eq!(request.contact.as_deref(), Some("harry@hogwarts.example"));
    assert_eq!(request.channel_id, Some(4321));
    assert_eq!(request.channel_type.as_deref(), Some("email"));
    assert_eq!(request.from_email.as_deref(), Some("support@shop.example"));
    assert_eq!(
        request.channel_data,
        Some(json!({"id": 4321, "type": "email", "name": "Support mailbox"}))
    );
    assert_eq!(request.client_data.name.as_deref(), Some("Harry Potter"));
    assert_eq!(
        request.client_data.emails,
        vec!["harry@hogwarts.example", "h.potter@ministry.example"]
    );
    assert_eq!(
        request.client_data.phones,
        vec![
            Phone {
                kind: PhoneKind::Mobile,
                phone: "+44 20 7946 0018".to_owned()
            },
            Phone {
                kind: PhoneKind::Stationary,
                phone: "8 (495) 123-45-67".to_owned()
            },
        ]
    );
    assert_eq!(
        request.client_data.social_services,
        vec![json!({"type": "vk", "url": "https://vk.com/harry"})]
    );
    assert_eq!(
        request.secret_key.as_ref().map(|s| s.expose_secret()),
        Some("block-secret-1")
    );
    assert_eq!(
        request.amo_base_host.as_deref(),
        Some("https://hogwarts.amocrm.com/")
    );
    assert_eq!(
        request
            .usedesk_api_token
            .as_ref()
            .map(|s| s.expose_secret()),
        Some("usedesk-token-1")
    );
    assert_eq!(request.language, Language::Pt);
}

#[test]
fn unknown_keys_are_kept_in_extra_and_known_ones_are_not() {
    // Arrange
    let body = fixture!("block_request.json");

    // Act
    let request = parse_json(body);

    // Assert
    let mut keys: Vec<&str> = request.extra.keys().map(String::as_str).collect();
    keys.sort_unstable();
    assert_eq!(keys, vec!["custom_param", "from_id"]);
    assert_eq!(request.extra["custom_param"], json!("kept"));
    assert_eq!(request.extra["from_id"], json!(99));
}

#[test]
fn string_ids_nulls_and_blanks_are_read_leniently() {
    // Arrange
    let body = fixture!("block_request_strings.json");

    // Act
    let request = parse_json(body);

    // Assert
    assert_eq!(request.ticket_id, Some(2265179));
    assert_eq!(
        request.client_id,
        Some(261702),
        "\"261702.0\" is a whole number"
    );
    assert_eq!(request.channel_id, None, "\"\" reads as absent");
    assert_eq!(request.subject, None, "\"\" reads as absent");
    assert_eq!(request.contact, None);
    assert_eq!(request.channel_type, None);
    assert_eq!(request.channel_data, None);
    assert_eq!(request.client_data.name, None);
    assert!(request.client_data.social_services.is_empty());
    assert_eq!(
        request.amo_base_host.as_deref(),
        Some("https://hogwarts.kommo.com")
    );
    assert!(
        request.usedesk_api_token.is_none(),
        "a blank token reads as absent"
    );
}

#[test]
fn emails_may_be_objects_and_phones_may_be_bare_numbers() {
    // Arrange
    let body = fixture!("block_request_strings.json");

    // Act
    let request = parse_json(body);

    // Assert
    assert_eq!(
        request.client_data.emails,
        vec!["luna@quibbler.example", "ron@burrow.example"]
    );
    assert_eq!(
        request.client_data.phones,
        vec![
            Phone {
                kind: PhoneKind::Other,
                phone: "+44 1632 960123".to_owned()
            },
            Phone {
                kind: PhoneKind::Mobile,
                phone: "79001234567".to_owned()
            },
            Phone {
                kind: PhoneKind::Unknown("pager".to_owned()),
                phone: "555".to_owned()
            },
        ]
    );
}

#[test]
fn the_secret_is_read_from_the_secret_key() {
    // Arrange
    let body = fixture!("block_request_strings.json");

    // Act
    let request = parse_json(body);

    // Assert
    assert_eq!(
        request.secret_key.as_ref().map(|s| s.expose_secret()),
        Some("block-secret-2")
    );
    assert!(!request.extra.contains_key("secret"));
}

#[test]
fn secret_key_wins_over_secret_when_both_are_sent_and_neither_stays_in_extra() {
    // Arrange
    let body = r#"{"secret": "second", "secret_key": "first"}"#;

    // Act
    let request = parse_json(body);

    // Assert
    assert_eq!(
        request.secret_key.as_ref().map(|s| s.expose_secret()),
        Some("first")
    );
    assert!(request.extra.is_empty(), "extra: {:?}", request.extra);
}

#[test]
fn a_request_without_client_data_has_an_empty_client() {
    // Arrange
    let body = fixture!("block_request_minimal.json");

    // Act
    let request = parse_json(body);

    // Assert
    assert_eq!(request.ticket_id, Some(1001));
    assert_eq!(request.client_data, Default::default());
    assert_eq!(request.language, Language::En);
    assert!(request.secret_key.is_none());
}

#[test]
fn php_s_empty_array_and_null_client_data_read_as_an_empty_client() {
    for body in [
        r#"{"client_data": []}"#,
        r#"{"client_data": null}"#,
        r#"{"client_data": ""}"#,
    ] {
        // Act
        let request = parse_json(body);

        // Assert
        assert_eq!(request.client_data, Default::default(), "body {body}");
    }
}

#[test]
fn client_data_sent_as_a_json_string_is_decoded() {
    // Arrange
    let body =
        r#"{"client_data": "{\"name\": \"Luna\", \"emails\": [\"luna@quibbler.example\"]}"}"#;

    // Act
    let request = parse_json(body);

    // Assert
    assert_eq!(request.client_data.name.as_deref(), Some("Luna"));
    assert_eq!(request.client_data.emails, vec!["luna@quibbler.example"]);
}

#[test]
fn a_sparse_php_array_of_emails_is_read_in_index_order() {
    // Arrange
    let body = r#"{"client_data": {"emails": {"2": "c@example.com", "0": "a@example.com"}}}"#;

    // Act
    let request = parse_json(body);

    // Assert
    assert_eq!(
        request.client_data.emails,
        vec!["a@example.com", "c@example.com"]
    );
}

#[test]
fn a_non_numeric_ticket_id_is_an_error_naming_the_field() {
    // Arrange
    let body = r#"{"ticket_id": "abc"}"#;

    // Act
    let error = BlockRequest::parse(Some("application/json"), body.as_bytes())
        .expect_err("abc is not an id");

    // Assert
    assert_eq!(error.field, "ticket_id");
    assert_eq!(
        error.to_string(),
        r#"ticket_id: expected a number, got "abc""#
    );
}

#[test]
fn numeric_ids_may_be_integral_floats_but_not_fractions() {
    // Arrange
    let whole = r#"{"ticket_id": 123.0, "client_id": "77"}"#;
    let fraction = r#"{"client_id": 12.5}"#;

    // Act
    let request = parse_json(whole);
    let error = BlockRequest::from_json(fraction.as_bytes()).expect_err("12.5 is not an id");

    // Assert
    assert_eq!(request.ticket_id, Some(123));
    assert_eq!(request.client_id, Some(77));
    assert_eq!(
        error.to_string(),
        "client_id: expected a whole number, got 12.5"
    );
}

#[test]
fn client_data_of_the_wrong_type_is_an_error_naming_client_data() {
    // Arrange
    let body = r#"{"client_data": 42}"#;

    // Act
    let error = BlockRequest::from_json(body.as_bytes()).expect_err("42 is not a client");

    // Assert
    assert_eq!(error.field, "client_data");
    assert_eq!(error.message, "expected an object, got 42");
}

#[test]
fn a_scalar_field_sent_as_an_object_is_kept_in_extra_instead_of_failing() {
    // Arrange
    let body = r#"{"ticket_id": 5, "subject": {"text": "odd"}}"#;

    // Act
    let request = parse_json(body);

    // Assert
    assert_eq!(request.subject, None);
    assert_eq!(request.extra["subject"], json!({"text": "odd"}));
}

#[test]
fn invalid_json_is_an_error_naming_the_body() {
    // Arrange
    let body = r#"{"ticket_id": 5,"#;

    // Act
    let error = BlockRequest::parse(None, body.as_bytes()).expect_err("the JSON is cut off");

    // Assert
    assert_eq!(error.field, "body");
    assert!(
        error.message.starts_with("invalid JSON: "),
        "message {}",
        error.message
    );
}

#[test]
fn a_json_array_body_is_an_error_naming_the_body() {
    // Act
    let error =
        BlockRequest::parse(Some("application/json"), b"[1, 2]").expect_err("not an object");

    // Assert
    assert_eq!(
        error.to_string(),
        "body: expected a JSON object, got an array"
    );
}

#[test]
fn an_empty_body_is_a_request_with_every_field_absent() {
    for content_type in [
        Some("application/json"),
        None,
        Some("application/x-www-form-urlencoded"),
    ] {
        // Act
        let request = BlockRequest::parse(content_type, b"  ").expect("an empty body is read");

        // Assert
        assert_eq!(request.ticket_id, None, "content type {content_type:?}");
        assert!(request.extra.is_empty());
    }
}

#[test]
fn a_json_body_is_recognised_without_a_content_type_and_behind_a_wrong_one() {
    // Arrange
    let body = "\u{feff}  {\"ticket_id\": 9}";

    for content_type in [
        None,
        Some("text/plain"),
        Some("application/x-www-form-urlencoded"),
    ] {
        // Act
        let request = BlockRequest::parse(content_type, body.as_bytes()).expect("JSON is sniffed");

        // Assert
        assert_eq!(request.ticket_id, Some(9), "content type {content_type:?}");
    }
}

#[test]
fn a_debug_print_never_shows_the_secret_the_token_or_credential_like_extras() {
    // Arrange
    let request = parse_json(fixture!("block_request_strings.json"));
    let full = parse_json(fixture!("block_request.json"));

    // Act
    let shown = format!("{request:?} {full:?}");

    // Assert
    for secret in [
        "block-secret-1",
        "block-secret-2",
        "usedesk-token-1",
        "third-party-credential",
    ] {
        assert!(!shown.contains(secret), "{secret} leaked: {shown}");
    }
    assert!(shown.contains("[REDACTED]"));
    assert!(
        shown.contains("2265179"),
        "the rest is still shown: {shown}"
    );
}

#[test]
fn a_block_response_serialises_to_an_html_object() {
    // Arrange
    let response = BlockResponse::new("<div class=\"amo\">Olá & \"hi\"</div>");

    // Act
    let body = response.to_json();

    // Assert
    let parsed: serde_json::Value = serde_json::from_str(&body).expect("the body is JSON");
    assert_eq!(
        parsed,
        json!({"html": "<div class=\"amo\">Olá & \"hi\"</div>"})
    );
    assert_eq!(
        serde_json::to_value(&response).expect("serialisable"),
        parsed
    );
}

#[test]
fn a_client_with_thousands_of_phones_and_emails_keeps_the_first_fifty_of_each() {
    // Arrange
    let body = json!({
        "client_data": {
            "phones": (0..3000).map(|i| json!({"type": "mobile", "phone": format!("+7{i:010}")})).collect::<Vec<_>>(),
            "emails": (0..3000).map(|i| format!("c{i}@example.com")).collect::<Vec<_>>(),
        }
    });

    // Act
    let request = parse_json(&body.to_string());

    // Assert
    assert_eq!(request.client_data.phones.len(), usedesk::MAX_CLIENT_ITEMS);
    assert_eq!(request.client_data.emails.len(), usedesk::MAX_CLIENT_ITEMS);
    assert_eq!(request.client_data.emails[0], "c0@example.com");
}
