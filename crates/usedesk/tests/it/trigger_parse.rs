//! The `freeCreateLead` trigger payload.

use serde_json::json;
use usedesk::{FreeCreateLead, LeadFields, Problem, ProblemCode, TriggerFieldValue, TriggerValue};

fn problems_of(body: &str) -> Vec<(String, ProblemCode)> {
    FreeCreateLead::parse(body.as_bytes())
        .expect_err("the payload has problems")
        .into_iter()
        .map(|problem| (problem.path, problem.code))
        .collect()
}

fn at(path: &str, code: ProblemCode) -> (String, ProblemCode) {
    (path.to_owned(), code)
}

/// The seed's example, as the trigger sends it once `{{ticket_id}}` is substituted.
fn seed_lead() -> FreeCreateLead {
    FreeCreateLead {
        amo_client_id: "1ff6828b-c10c-43f8-98d0-370001e85b6c".to_owned(),
        ticket_id: 2265179,
        fields: LeadFields {
            name: Some("gg".to_owned()),
            price: Some(1),
            status_id: Some(55524250),
            pipeline_id: Some(6516490),
            responsible_user_id: Some(9311182),
            custom_fields_values: vec![
                TriggerFieldValue {
                    field_id: 1025541,
                    values: vec![TriggerValue::Value(json!("asd"))],
                },
                TriggerFieldValue {
                    field_id: 1372537,
                    values: vec![TriggerValue::EnumId(705377)],
                },
                TriggerFieldValue {
                    field_id: 1372539,
                    values: vec![TriggerValue::EnumId(705381), TriggerValue::EnumId(705385)],
                },
            ],
        },
        comment: Some("4444".to_owned()),
        log_ticket: false,
    }
}

#[test]
fn the_seed_s_envelope_with_a_substituted_ticket_id_is_read_exactly() {
    // Act
    let lead = FreeCreateLead::parse(fixture!("trigger_seed_substituted.json").as_bytes());

    // Assert
    assert_eq!(lead, Ok(seed_lead()));
}

#[test]
fn the_seed_s_payload_without_its_envelope_is_read_the_same() {
    // Arrange
    let envelope: serde_json::Value =
        serde_json::from_str(fixture!("trigger_seed_substituted.json")).expect("valid JSON");
    let payload = envelope["data"].to_string();

    // Act
    let lead = FreeCreateLead::parse(payload.as_bytes());

    // Assert
    assert_eq!(lead, Ok(seed_lead()));
}

#[test]
fn an_envelope_whose_data_is_a_json_string_is_unwrapped() {
    // Act
    let lead = FreeCreateLead::parse(fixture!("trigger_data_string_envelope.json").as_bytes());

    // Assert
    assert_eq!(lead, Ok(seed_lead()));
}

#[test]
fn the_seed_s_unsubstituted_ticket_id_is_an_unexpanded_problem_with_a_fix() {
    // Act
    let problems = FreeCreateLead::parse(fixture!("trigger_seed_envelope.json").as_bytes())
        .expect_err("the template was not substituted");

    // Assert
    assert_eq!(
        problems,
        vec![Problem {
            path: "data.ticketId".to_owned(),
            code: ProblemCode::Unexpanded,
            message: "ticketId is the literal template {{ticket_id}}: the trigger did not \
                      substitute it; use the variable picker in the trigger's POST body"
                .to_owned(),
        }]
    );
}

#[test]
fn an_unsubstituted_ticket_id_outside_an_envelope_is_reported_at_ticket_id() {
    // Act
    let problems = FreeCreateLead::parse(fixture!("trigger_unexpanded.json").as_bytes())
        .expect_err("the template was not substituted");

    // Assert
    assert_eq!(problems.len(), 1);
    assert_eq!(problems[0].path, "ticketId");
    assert_eq!(problems[0].code, ProblemCode::Unexpanded);
    assert_eq!(
        problems[0].message,
        "ticketId is the literal template {{ticket_id}}: the trigger did not substitute it; \
         use the variable picker in the trigger's POST body"
    );
}

#[test]
fn the_article_s_example_with_a_wrapped_note_is_a_syntax_problem_pointing_at_the_line() {
    // Arrange: the example as printed, whose "//" note wraps onto line 12.
    let body = fixture!("trigger_seed_article.txt");

    // Act
    let problems = FreeCreateLead::parse(body.as_bytes()).expect_err("the text is not JSON");

    // Assert
    assert_eq!(problems.len(), 1);
    assert_eq!(problems[0].path, "body");
    assert_eq!(problems[0].code, ProblemCode::Syntax);
    assert!(
        problems[0].message.contains("line 12"),
        "message {}",
        problems[0].message
    );
    assert!(
        problems[0].message.contains("delete the notes"),
        "message {}",
        problems[0].message
    );
}

#[test]
fn notes_that_stay_on_their_line_are_ignored() {
    // Arrange: the article's example with its wrapped note joined back onto one line.
    let body = fixture!("trigger_seed_article.txt")
        .replace(
            "identificação do\nresponsável",
            "identificação do responsável",
        )
        .replace("{{ticket_id}}", "2265179");

    // Act
    let lead = FreeCreateLead::parse(body.as_bytes());

    // Assert
    assert_eq!(lead, Ok(seed_lead()));
}

#[test]
fn numbers_sent_as_strings_and_integral_floats_are_accepted_and_the_id_is_lowercased() {
    // Act
    let lead = FreeCreateLead::parse(fixture!("trigger_payload.json").as_bytes())
        .expect("the payload is valid");

    // Assert
    assert_eq!(lead.amo_client_id, "1ff6828b-c10c-43f8-98d0-370001e85b6c");
    assert_eq!(lead.ticket_id, 2265179);
    assert_eq!(lead.fields.name.as_deref(), Some("Order 1542 follow-up"));
    assert_eq!(lead.fields.price, Some(5000));
    assert_eq!(lead.fields.status_id, Some(142));
    assert_eq!(lead.fields.pipeline_id, Some(6516490));
    assert_eq!(lead.fields.responsible_user_id, Some(9311182));
    assert_eq!(
        lead.fields.custom_fields_values,
        vec![
            TriggerFieldValue {
                field_id: 1025541,
                values: vec![TriggerValue::Value(json!("asd"))]
            },
            TriggerFieldValue {
                field_id: 1025542,
                values: vec![
                    TriggerValue::Value(json!(12.5)),
                    TriggerValue::Value(json!(true))
                ],
            },
            TriggerFieldValue {
                field_id: 1372537,
                values: vec![TriggerValue::EnumId(705377)]
            },
            TriggerFieldValue {
                field_id: 1372540,
                values: vec![TriggerValue::EnumCode("WORK".to_owned())],
            },
        ]
    );
    assert_eq!(
        lead.comment.as_deref(),
        Some("Created by the \"Delivery\" trigger")
    );
}

#[test]
fn every_problem_is_returned_with_its_path_in_body_order() {
    // Act
    let problems = problems_of(fixture!("trigger_many_problems.json"));

    // Assert
    assert_eq!(
        problems,
        vec![
            at("amoClientId", ProblemCode::Missing),
            at("ticketId", ProblemCode::Invalid),
            at("fields.name", ProblemCode::WrongType),
            at("fields.price", ProblemCode::Invalid),
            at("fields.status_id", ProblemCode::Unexpanded),
            at("fields.pipeline_id", ProblemCode::Invalid),
            at("fields.responsible_user_id", ProblemCode::WrongType),
            at(
                "fields.custom_fields_values[1].field_id",
                ProblemCode::Missing
            ),
            at(
                "fields.custom_fields_values[2].values[1].enum_id",
                ProblemCode::Invalid
            ),
            at("fields.custom_fields_values[3]", ProblemCode::WrongType),
            at(
                "fields.custom_fields_values[4].values",
                ProblemCode::Invalid
            ),
            at(
                "fields.custom_fields_values[5].values[0]",
                ProblemCode::Invalid
            ),
            at(
                "fields.custom_fields_values[6].field_id",
                ProblemCode::Invalid
            ),
            at("comment", ProblemCode::WrongType),
        ]
    );
}

#[test]
fn a_fractional_price_is_refused_with_a_message_that_says_to_round_it() {
    // Arrange
    let body = r#"{"amoClientId": "1ff6828b-c10c-43f8-98d0-370001e85b6c", "ticketId": 1, "fields": {"price": 12.5}}"#;

    // Act
    let problems = FreeCreateLead::parse(body.as_bytes()).expect_err("12.5 is not a budget");

    // Assert
    assert_eq!(problems.len(), 1);
    assert_eq!(
        problems[0].message,
        "fields.price must be a whole number, got 12.5: amoCRM stores a deal's budget as an \
         integer, so round it"
    );
}

#[test]
fn an_integral_float_price_is_accepted() {
    // Arrange
    let body = r#"{"amoClientId": "1ff6828b-c10c-43f8-98d0-370001e85b6c", "ticketId": "1", "fields": {"price": "5000.0"}}"#;

    // Act
    let lead = FreeCreateLead::parse(body.as_bytes()).expect("5000.0 is a whole budget");

    // Assert
    assert_eq!(lead.fields.price, Some(5000));
}

#[test]
fn missing_identifiers_are_both_reported_as_missing() {
    // Act
    let problems =
        FreeCreateLead::parse(br#"{"fields": {"name": "x"}}"#).expect_err("ids are missing");

    // Assert
    let found: Vec<(&str, ProblemCode)> = problems
        .iter()
        .map(|problem| (problem.path.as_str(), problem.code))
        .collect();
    assert_eq!(
        found,
        vec![
            ("amoClientId", ProblemCode::Missing),
            ("ticketId", ProblemCode::Missing)
        ]
    );
    assert!(problems[0].message.contains("Integration ID"));
}

#[test]
fn an_integration_id_that_is_not_a_uuid_is_invalid() {
    // Arrange
    let body = r#"{"amoClientId": "my-integration", "ticketId": 1}"#;

    // Act
    let problems = FreeCreateLead::parse(body.as_bytes()).expect_err("not a UUID");

    // Assert
    assert_eq!(problems.len(), 1);
    assert_eq!(problems[0].path, "amoClientId");
    assert_eq!(problems[0].code, ProblemCode::Invalid);
    assert!(
        problems[0]
            .message
            .starts_with(r#"amoClientId "my-integration" is not an Integration ID"#)
    );
}

#[test]
fn a_body_over_256_kibibytes_is_too_large() {
    // Arrange
    let padding = "x".repeat(256 * 1024);
    let body = format!(
        r#"{{"amoClientId": "1ff6828b-c10c-43f8-98d0-370001e85b6c", "ticketId": 1, "comment": "{padding}"}}"#
    );

    // Act
    let problems = FreeCreateLead::parse(body.as_bytes()).expect_err("the body is too large");

    // Assert
    assert_eq!(problems.len(), 1);
    assert_eq!(problems[0].path, "body");
    assert_eq!(problems[0].code, ProblemCode::TooLarge);
}

#[test]
fn a_body_that_is_not_an_object_is_a_wrong_type_problem() {
    // Act
    let problems = problems_of("[1, 2, 3]");

    // Assert
    assert_eq!(problems, vec![at("body", ProblemCode::WrongType)]);
}

#[test]
fn an_empty_body_is_a_missing_problem() {
    // Act
    let problems = problems_of("   ");

    // Assert
    assert_eq!(problems, vec![at("body", ProblemCode::Missing)]);
}

#[test]
fn unknown_keys_are_ignored() {
    // Arrange
    let body = r#"{"amoClientId": "1ff6828b-c10c-43f8-98d0-370001e85b6c", "ticketId": 7, "debug": [1], "fields": {"tags": ["x"]}}"#;

    // Act
    let lead = FreeCreateLead::parse(body.as_bytes()).expect("unknown keys do not matter");

    // Assert
    assert_eq!(lead.ticket_id, 7);
    assert_eq!(lead.fields, LeadFields::default());
}

#[test]
fn a_problem_serialises_with_a_snake_case_code() {
    // Arrange
    let problem = Problem {
        path: "fields.price".to_owned(),
        code: ProblemCode::WrongType,
        message: "fields.price must be a number, got true".to_owned(),
    };

    // Act
    let value = serde_json::to_value(&problem).expect("serialisable");

    // Assert
    assert_eq!(
        value,
        json!({"path": "fields.price", "code": "wrong_type", "message": "fields.price must be a number, got true"})
    );
    assert_eq!(
        problem.to_string(),
        "fields.price must be a number, got true"
    );
}

#[test]
fn a_header_listed_in_the_envelope_is_read_in_every_plausible_form() {
    let data = r#"{"amoClientId": "1ff6828b-c10c-43f8-98d0-370001e85b6c", "ticketId": 1}"#;
    let forms = [
        serde_json::json!({"X-Trigger-Secret": "s1"}),
        serde_json::json!({"x-trigger-secret": " s1 "}),
        serde_json::json!(["Content-Type: application/json", "X-Trigger-Secret: s1"]),
        serde_json::json!([{"name": "X-Trigger-Secret", "value": "s1"}]),
        serde_json::json!([{"key": "Accept", "value": "x"}, {"key": "x-trigger-secret", "value": "s1"}]),
        serde_json::json!([{"X-Trigger-Secret": "s1"}]),
        serde_json::json!([["X-Trigger-Secret", "s1"]]),
        serde_json::json!(r#"{"X-Trigger-Secret": "s1"}"#),
        serde_json::json!("X-Trigger-Secret: s1"),
    ];
    for headers in forms {
        let body = serde_json::json!({"url": "https://x.example/api/freeCreateLead", "data": data, "headers": headers});
        assert_eq!(
            FreeCreateLead::envelope_header(body.to_string().as_bytes(), "x-trigger-secret")
                .as_deref(),
            Some("s1"),
            "{headers}"
        );
    }
}

#[test]
fn no_header_is_read_from_a_plain_payload_an_empty_list_or_another_header() {
    let plain = r#"{"amoClientId": "1ff6828b-c10c-43f8-98d0-370001e85b6c", "ticketId": 1, "headers": {"X-Trigger-Secret": "s1"}}"#;
    let empty = r#"{"url": "u", "data": {"ticketId": 1}, "headers": []}"#;
    let other = r#"{"url": "u", "data": {"ticketId": 1}, "headers": [{"name": "Accept", "value": "s1"}, "Bad line"]}"#;
    let blank = r#"{"url": "u", "data": {"ticketId": 1}, "headers": {"X-Trigger-Secret": "  "}}"#;
    for body in [plain, empty, other, blank, "not json", ""] {
        assert_eq!(
            FreeCreateLead::envelope_header(body.as_bytes(), "x-trigger-secret"),
            None,
            "{body}"
        );
    }
}

#[test]
fn log_ticket_is_read_as_a_yes_or_no_in_the_forms_a_trigger_sends_and_is_no_when_absent() {
    let read = |value: serde_json::Value| {
        let body = json!({
            "amoClientId": "1ff6828b-c10c-43f8-98d0-370001e85b6c",
            "ticketId": 7,
            "log_ticket": value,
        });
        FreeCreateLead::parse(body.to_string().as_bytes()).map(|lead| lead.log_ticket)
    };

    for yes in [
        json!(true),
        json!(1),
        json!("true"),
        json!("1"),
        json!(" Yes "),
        json!("on"),
    ] {
        assert_eq!(read(yes.clone()), Ok(true), "{yes}");
    }
    for no in [
        json!(false),
        json!(0),
        json!("false"),
        json!("0"),
        json!("no"),
        json!(""),
        json!(null),
    ] {
        assert_eq!(read(no.clone()), Ok(false), "{no}");
    }
    let absent = FreeCreateLead::parse(
        br#"{"amoClientId": "1ff6828b-c10c-43f8-98d0-370001e85b6c", "ticketId": 7}"#,
    );
    assert_eq!(absent.map(|lead| lead.log_ticket), Ok(false));
}

#[test]
fn a_log_ticket_that_is_not_a_yes_or_no_is_a_wrong_type_problem() {
    for wrong in ["\"tru\"", "2", "[true]", "{}"] {
        let body = format!(
            r#"{{"amoClientId": "1ff6828b-c10c-43f8-98d0-370001e85b6c", "ticketId": 7, "log_ticket": {wrong}}}"#
        );
        assert_eq!(
            problems_of(&body),
            vec![at("log_ticket", ProblemCode::WrongType)],
            "{wrong}"
        );
    }
}
