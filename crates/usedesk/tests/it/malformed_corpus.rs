//! A table of malformed bodies: each must fail, and the failure must name the
//! field (block requests) or path (trigger payloads) that is wrong.

use usedesk::{BlockRequest, FreeCreateLead, ProblemCode};

const JSON: Option<&str> = Some("application/json");
const FORM: Option<&str> = Some("application/x-www-form-urlencoded");

/// (content type, body, the field the error must name)
const BLOCK_CASES: &[(Option<&str>, &[u8], &str)] = &[
    (JSON, br#"{"ticket_id": "abc"}"#, "ticket_id"),
    (JSON, br#"{"ticket_id": true}"#, "ticket_id"),
    (JSON, br#"{"ticket_id": [1]}"#, "ticket_id"),
    (JSON, br#"{"ticket_id": {"id": 1}}"#, "ticket_id"),
    (JSON, br#"{"ticket_id": 1.5}"#, "ticket_id"),
    (JSON, br#"{"ticket_id": 1e300}"#, "ticket_id"),
    (JSON, br#"{"ticket_id": 99999999999999999999}"#, "ticket_id"),
    (JSON, br#"{"ticket_id": "{{ticket_id}}"}"#, "ticket_id"),
    (JSON, br#"{"ticket_id": "-"}"#, "ticket_id"),
    (JSON, br#"{"client_id": "12 34"}"#, "client_id"),
    (JSON, br#"{"client_id": "NaN"}"#, "client_id"),
    (JSON, br#"{"client_id": "inf"}"#, "client_id"),
    (JSON, br#"{"channel_id": "0x10"}"#, "channel_id"),
    (JSON, br#"{"channel_id": false}"#, "channel_id"),
    (JSON, br#"{"client_data": 5}"#, "client_data"),
    (JSON, br#"{"client_data": true}"#, "client_data"),
    (JSON, br#"{"client_data": [1, 2]}"#, "client_data"),
    (JSON, br#"{"client_data": "not json"}"#, "client_data"),
    (JSON, br#"{"client_data": "[1]"}"#, "client_data"),
    (JSON, br#"{"ticket_id": 1,"#, "body"),
    (JSON, b"[]", "body"),
    (JSON, br#""string""#, "body"),
    (JSON, b"42", "body"),
    (JSON, b"null", "body"),
    (None, br#"{"a": }"#, "body"),
    (None, br#"[{"ticket_id": 1}]"#, "body"),
    (JSON, br#"{"ticket_id": 1} trailing"#, "body"),
    (JSON, b"{\"subject\": \"\xff\"}", "body"),
    (FORM, b"ticket_id=abc", "ticket_id"),
    (FORM, b"client_id=1.5", "client_id"),
    (FORM, b"channel_id=x", "channel_id"),
    (FORM, b"client_data=oops", "client_data"),
    (FORM, b"ticket_id[]=1", "ticket_id"),
    (FORM, b"client_data[name]=x&client_data=5", "client_data"),
    (Some("multipart/form-data; boundary=b"), b"--b--", "body"),
];

const ID: &str = r#""amoClientId": "1ff6828b-c10c-43f8-98d0-370001e85b6c""#;

/// (body, the path of the first problem, its code)
fn trigger_cases() -> Vec<(String, &'static str, ProblemCode)> {
    let with = |rest: &str| format!("{{{ID}, \"ticketId\": 1, {rest}}}");
    let field = |values: &str| {
        with(&format!(
            r#""fields": {{"custom_fields_values": [{{"field_id": 1, "values": {values}}}]}}"#
        ))
    };
    vec![
        (String::new(), "body", ProblemCode::Missing),
        ("{".to_owned(), "body", ProblemCode::Syntax),
        ("[]".to_owned(), "body", ProblemCode::WrongType),
        (r#""x""#.to_owned(), "body", ProblemCode::WrongType),
        ("null".to_owned(), "body", ProblemCode::WrongType),
        (
            format!("{{{ID}, \"ticketId\": 1,}}"),
            "body",
            ProblemCode::Syntax,
        ),
        (r#"{"data": 5}"#.to_owned(), "data", ProblemCode::WrongType),
        (r#"{"data": null}"#.to_owned(), "data", ProblemCode::Missing),
        (
            r#"{"data": "{bad"}"#.to_owned(),
            "data",
            ProblemCode::Syntax,
        ),
        (
            r#"{"data": "[1]"}"#.to_owned(),
            "data",
            ProblemCode::WrongType,
        ),
        ("{}".to_owned(), "amoClientId", ProblemCode::Missing),
        (
            r#"{"amoClientId": 5, "ticketId": 1}"#.to_owned(),
            "amoClientId",
            ProblemCode::WrongType,
        ),
        (
            r#"{"amoClientId": "", "ticketId": 1}"#.to_owned(),
            "amoClientId",
            ProblemCode::Missing,
        ),
        (
            r#"{"amoClientId": "{{amo}}", "ticketId": 1}"#.to_owned(),
            "amoClientId",
            ProblemCode::Unexpanded,
        ),
        (
            r#"{"amoClientId": "1ff6828b-c10c-43f8-98d0-370001e85b6", "ticketId": 1}"#.to_owned(),
            "amoClientId",
            ProblemCode::Invalid,
        ),
        (
            r#"{"amoClientId": "1ff6828g-c10c-43f8-98d0-370001e85b6c", "ticketId": 1}"#.to_owned(),
            "amoClientId",
            ProblemCode::Invalid,
        ),
        (
            format!(r#"{{{ID}, "ticketId": ""}}"#),
            "ticketId",
            ProblemCode::Missing,
        ),
        (
            format!(r#"{{{ID}, "ticketId": null}}"#),
            "ticketId",
            ProblemCode::Missing,
        ),
        (
            format!(r#"{{{ID}, "ticketId": 0}}"#),
            "ticketId",
            ProblemCode::Invalid,
        ),
        (
            format!(r#"{{{ID}, "ticketId": -5}}"#),
            "ticketId",
            ProblemCode::Invalid,
        ),
        (
            format!(r#"{{{ID}, "ticketId": [1]}}"#),
            "ticketId",
            ProblemCode::WrongType,
        ),
        (
            format!(r#"{{{ID}, "ticketId": 1.5}}"#),
            "ticketId",
            ProblemCode::Invalid,
        ),
        (
            format!(r#"{{{ID}, "ticketId": "{{{{ticket_id}}}}"}}"#),
            "ticketId",
            ProblemCode::Unexpanded,
        ),
        (
            format!(r#"{{{ID}, "ticket_id": "twelve"}}"#),
            "ticket_id",
            ProblemCode::Invalid,
        ),
        (with(r#""fields": 5"#), "fields", ProblemCode::WrongType),
        (
            with(r#""fields": "nope""#),
            "fields",
            ProblemCode::WrongType,
        ),
        (
            with(r#""fields": {"price": "12,50"}"#),
            "fields.price",
            ProblemCode::Invalid,
        ),
        (
            with(r#""fields": {"price": -1}"#),
            "fields.price",
            ProblemCode::Invalid,
        ),
        (
            with(r#""fields": {"price": {}}"#),
            "fields.price",
            ProblemCode::WrongType,
        ),
        (
            with(r#""fields": {"status_id": "{{status}}"}"#),
            "fields.status_id",
            ProblemCode::Unexpanded,
        ),
        (
            with(r#""fields": {"pipeline_id": "1e400"}"#),
            "fields.pipeline_id",
            ProblemCode::Invalid,
        ),
        (
            with(r#""fields": {"name": {}}"#),
            "fields.name",
            ProblemCode::WrongType,
        ),
        (
            with(r#""fields": {"custom_fields_values": {}}"#),
            "fields.custom_fields_values",
            ProblemCode::WrongType,
        ),
        (
            with(r#""fields": {"custom_fields_values": [{"field_id": 1}]}"#),
            "fields.custom_fields_values[0].values",
            ProblemCode::Missing,
        ),
        (
            with(r#""fields": {"custom_fields_values": [{"field_id": "{{f}}", "values": [1]}]}"#),
            "fields.custom_fields_values[0].field_id",
            ProblemCode::Unexpanded,
        ),
        (
            field(r#""a""#),
            "fields.custom_fields_values[0].values",
            ProblemCode::WrongType,
        ),
        (
            field("[{}]"),
            "fields.custom_fields_values[0].values[0]",
            ProblemCode::Missing,
        ),
        (
            field("[null]"),
            "fields.custom_fields_values[0].values[0]",
            ProblemCode::WrongType,
        ),
        (
            field(r#"[{"value": null}]"#),
            "fields.custom_fields_values[0].values[0].value",
            ProblemCode::Missing,
        ),
        (
            field(r#"[{"value": [1]}]"#),
            "fields.custom_fields_values[0].values[0].value",
            ProblemCode::WrongType,
        ),
        (
            field(r#"[{"enum_code": ""}]"#),
            "fields.custom_fields_values[0].values[0].enum_code",
            ProblemCode::Missing,
        ),
        (
            field(r#"[{"enum_code": [1]}]"#),
            "fields.custom_fields_values[0].values[0].enum_code",
            ProblemCode::WrongType,
        ),
        (
            field(r#"[{"enum_id": 0}]"#),
            "fields.custom_fields_values[0].values[0].enum_id",
            ProblemCode::Invalid,
        ),
        (
            field(r#"[{"enum_id": null}]"#),
            "fields.custom_fields_values[0].values[0].enum_id",
            ProblemCode::Missing,
        ),
        (with(r#""comment": [1]"#), "comment", ProblemCode::WrongType),
    ]
}

#[test]
fn the_corpus_holds_at_least_fifty_malformed_bodies() {
    assert!(BLOCK_CASES.len() + trigger_cases().len() >= 50);
}

#[test]
fn every_malformed_block_request_fails_naming_its_field() {
    for (content_type, body, field) in BLOCK_CASES {
        // Act
        let result = BlockRequest::parse(*content_type, body);

        // Assert
        let shown = String::from_utf8_lossy(body);
        let error = result.expect_err(&format!("{shown} must fail"));
        assert_eq!(error.field, *field, "body {shown}: {error}");
        assert!(!error.message.is_empty(), "body {shown}");
        assert!(
            error.to_string().starts_with(&format!("{field}: ")),
            "body {shown}: {error}"
        );
    }
}

#[test]
fn every_malformed_trigger_payload_fails_with_its_path_and_code_first() {
    for (body, path, code) in trigger_cases() {
        // Act
        let result = FreeCreateLead::parse(body.as_bytes());

        // Assert
        let problems = result.expect_err(&format!("{body} must fail"));
        assert_eq!(
            (problems[0].path.as_str(), problems[0].code),
            (path, code),
            "body {body}: {problems:?}"
        );
        for problem in &problems {
            let local = problem.path.strip_prefix("data.").unwrap_or(&problem.path);
            assert!(
                problem.message.contains(local),
                "the message must name {local}: {problem:?}"
            );
        }
    }
}
