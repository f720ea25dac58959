//! The payload fingerprint used to recognise a retried trigger.

use sha2::{Digest, Sha256};
use usedesk::FreeCreateLead;

fn fingerprint(body: &str) -> [u8; 32] {
    FreeCreateLead::parse(body.as_bytes())
        .expect("the payload is valid")
        .fingerprint()
}

const BASE: &str = r#"{
    "amoClientId": "1ff6828b-c10c-43f8-98d0-370001e85b6c",
    "ticketId": 2265179,
    "fields": {"name": "gg", "price": 1, "status_id": 55524250,
               "custom_fields_values": [{"field_id": 1, "values": [{"value": "a"}]},
                                        {"field_id": 2, "values": [{"enum_id": 3}]}]},
    "comment": "4444"
}"#;

#[test]
fn the_fingerprint_does_not_depend_on_key_order() {
    // Arrange
    let reordered = r#"{
        "comment": "4444",
        "fields": {"custom_fields_values": [{"values": [{"value": "a"}], "field_id": 1},
                                            {"values": [{"enum_id": 3}], "field_id": 2}],
                   "status_id": 55524250, "price": 1, "name": "gg"},
        "ticketId": 2265179,
        "amoClientId": "1ff6828b-c10c-43f8-98d0-370001e85b6c"
    }"#;

    // Act & Assert
    assert_eq!(fingerprint(BASE), fingerprint(reordered));
}

#[test]
fn the_fingerprint_does_not_depend_on_custom_field_order_or_numbers_sent_as_strings() {
    // Arrange
    let variant = r#"{
        "amoClientId": "1ff6828b-c10c-43f8-98d0-370001e85b6c",
        "ticketId": "2265179",
        "fields": {"name": "gg", "price": "1", "status_id": "55524250",
                   "custom_fields_values": [{"field_id": "2", "values": [{"enum_id": "3"}]},
                                            {"field_id": 1, "values": [{"value": "a"}]}]},
        "comment": "4444"
    }"#;

    // Act & Assert
    assert_eq!(fingerprint(BASE), fingerprint(variant));
}

#[test]
fn the_fingerprint_is_the_same_inside_and_outside_a_trigger_envelope() {
    // Arrange
    let envelope = format!(
        r#"{{"url": "https://example.org/api/freeCreateLead", "data": {BASE}, "headers": []}}"#
    );

    // Act & Assert
    assert_eq!(fingerprint(BASE), fingerprint(&envelope));
}

#[test]
fn the_fingerprint_changes_with_the_ticket_the_fields_or_the_comment() {
    // Arrange
    let base = fingerprint(BASE);
    let variants = [
        BASE.replace("2265179", "2265180"),
        BASE.replace("\"price\": 1", "\"price\": 2"),
        BASE.replace("\"value\": \"a\"", "\"value\": \"b\""),
        BASE.replace("\"enum_id\": 3", "\"enum_code\": \"3\""),
        BASE.replace("\"comment\": \"4444\"", "\"comment\": \"4445\""),
        BASE.replace(", \"status_id\": 55524250", ""),
    ];

    for variant in variants {
        // Act
        let changed = fingerprint(&variant);

        // Assert
        assert_ne!(changed, base, "variant {variant}");
    }
}

#[test]
fn the_fingerprint_is_the_sha256_of_the_documented_canonical_text() {
    // Arrange: keys sorted, no whitespace, absent fields as null, custom
    // fields by id. A change here breaks idempotency across an upgrade, so
    // the canonical form's version must be bumped on purpose if it changes.
    let canonical = concat!(
        r#"{"comment":"4444","fields":{"custom_fields_values":[{"field_id":1,"values":[{"value":"a"}]},"#,
        r#"{"field_id":2,"values":[{"enum_id":3}]}],"name":"gg","pipeline_id":null,"price":1,"#,
        r#""responsible_user_id":null,"status_id":55524250},"ticket_id":2265179,"version":1}"#,
    );
    let expected: [u8; 32] = Sha256::digest(canonical.as_bytes()).into();

    // Act
    let digest = fingerprint(BASE);

    // Assert
    assert_eq!(digest, expected);
    let hex: String = digest.iter().map(|byte| format!("{byte:02x}")).collect();
    assert_eq!(
        hex,
        "9dc6a2346302867ed0dd2211cc99b8a39dca246ec6d8c2b2cf9a8f646c52340d"
    );
}

#[test]
fn log_ticket_changes_the_fingerprint_only_when_it_is_asked_for() {
    // Arrange
    let with = |flag: &str| {
        BASE.replacen(
            "\"comment\"",
            &format!("\"log_ticket\": {flag}, \"comment\""),
            1,
        )
    };

    // Act / Assert: a body that says no digests like one without the key (stored claims stay valid).
    assert_eq!(fingerprint(&with("false")), fingerprint(BASE));
    assert_ne!(fingerprint(&with("true")), fingerprint(BASE));
}
