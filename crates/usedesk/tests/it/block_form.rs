//! Block requests sent as `application/x-www-form-urlencoded`.

use secrecy::ExposeSecret;
use serde_json::json;
use usedesk::{BlockRequest, Language, Phone, PhoneKind};

const FORM: &str = "application/x-www-form-urlencoded";

#[test]
fn a_php_style_nested_form_is_read_like_json() {
    // Arrange
    let body = fixture!("block_request_form.txt");

    // Act
    let request = BlockRequest::parse(Some(FORM), body.as_bytes()).expect("the form is read");

    // Assert
    assert_eq!(request.ticket_id, Some(2265179));
    assert_eq!(request.subject.as_deref(), Some("Where is my order?"));
    assert_eq!(request.client_id, Some(261702));
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
                kind: PhoneKind::Fax,
                phone: "84951234567".to_owned()
            },
        ]
    );
    assert_eq!(
        request.client_data.social_services,
        vec![json!({"type": "vk"})]
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
    assert_eq!(request.language, Language::Ru, "idioma is the language");
    assert_eq!(
        request.extra.get("custom"),
        Some(&json!({"nested": "kept"}))
    );
}

#[test]
fn client_data_given_as_a_json_string_inside_a_form_field_is_decoded() {
    // Arrange
    let body = fixture!("block_request_form_json_client_data.txt");

    // Act
    let request = BlockRequest::parse(Some(FORM), body.as_bytes()).expect("the form is read");

    // Assert
    assert_eq!(request.ticket_id, Some(1002));
    assert_eq!(request.client_data.name.as_deref(), Some("Luna Lovegood"));
    assert_eq!(request.client_data.emails, vec!["luna@quibbler.example"]);
    assert_eq!(
        request.client_data.phones,
        vec![Phone {
            kind: PhoneKind::Home,
            phone: "+44 1632 960123".to_owned()
        }]
    );
    assert_eq!(request.language, Language::Pt, "pt-BR is Portuguese");
    assert_eq!(
        request.extra.get("client_data_extra"),
        Some(&json!(["a", "b"]))
    );
}

#[test]
fn a_form_is_the_default_when_the_content_type_is_missing_and_the_body_is_not_json() {
    // Arrange
    let body =
        b"ticket_id=55&client_data[emails][]=a%40example.com&client_data[emails][]=b%40example.com";

    // Act
    let request = BlockRequest::parse(None, body).expect("the form is read");

    // Assert
    assert_eq!(request.ticket_id, Some(55));
    assert_eq!(
        request.client_data.emails,
        vec!["a@example.com", "b@example.com"]
    );
}

#[test]
fn the_content_type_may_carry_a_charset_and_odd_capitals() {
    // Arrange
    let content_type = "Application/X-WWW-Form-URLEncoded; charset=UTF-8";

    // Act
    let request =
        BlockRequest::parse(Some(content_type), b"ticket_id=7&lang=es").expect("the form is read");

    // Assert
    assert_eq!(request.ticket_id, Some(7));
    assert_eq!(request.language, Language::Es);
}

#[test]
fn phones_indexed_out_of_order_are_read_in_index_order() {
    // Arrange
    let body = b"client_data[phones][1][phone]=222&client_data[phones][0][phone]=111&client_data[phones][0][type]=home";

    // Act
    let request = BlockRequest::from_form(body).expect("the form is read");

    // Assert
    assert_eq!(
        request.client_data.phones,
        vec![
            Phone {
                kind: PhoneKind::Home,
                phone: "111".to_owned()
            },
            Phone {
                kind: PhoneKind::Other,
                phone: "222".to_owned()
            },
        ]
    );
}

#[test]
fn a_malformed_bracket_key_is_kept_as_a_literal_key() {
    // Act
    let request = BlockRequest::from_form(b"weird[key=1&ticket_id=3").expect("the form is read");

    // Assert
    assert_eq!(request.ticket_id, Some(3));
    assert_eq!(request.extra.get("weird[key"), Some(&json!("1")));
}

#[test]
fn a_non_numeric_ticket_id_in_a_form_is_an_error_naming_the_field() {
    // Act
    let error = BlockRequest::parse(Some(FORM), b"ticket_id=12a").expect_err("12a is not an id");

    // Assert
    assert_eq!(
        error.to_string(),
        r#"ticket_id: expected a number, got "12a""#
    );
}

#[test]
fn client_data_that_is_not_json_in_a_form_field_is_an_error_naming_client_data() {
    // Act
    let error = BlockRequest::from_form(b"client_data=%7Bnot+json").expect_err("not an object");

    // Assert
    assert_eq!(error.field, "client_data");
    assert_eq!(
        error.message,
        r#"expected an object or a JSON-encoded object, got "{not json""#
    );
}

#[test]
fn a_multipart_body_is_refused_with_a_clear_message() {
    // Act
    let error = BlockRequest::parse(Some("multipart/form-data; boundary=x"), b"--x\r\n")
        .expect_err("multipart is not read");

    // Assert
    assert_eq!(error.field, "body");
    assert!(
        error
            .message
            .contains("send JSON or application/x-www-form-urlencoded")
    );
}
