//! Property tests: neither reader panics on any input, and every error names
//! a field or path.

use proptest::prelude::*;
use serde_json::{Map, Value};
use usedesk::{BlockRequest, FreeCreateLead};

/// The fields a block request error may name.
const BLOCK_FIELDS: [&str; 5] = [
    "body",
    "ticket_id",
    "client_id",
    "channel_id",
    "client_data",
];

/// The roots a trigger problem's path may start with.
const TRIGGER_ROOTS: [&str; 8] = [
    "body",
    "data",
    "amoClientId",
    "amo_client_id",
    "ticketId",
    "ticket_id",
    "fields",
    "comment",
];

fn content_type() -> impl Strategy<Value = Option<&'static str>> {
    prop::sample::select(vec![
        None,
        Some("application/json"),
        Some("application/json; charset=utf-8"),
        Some("application/x-www-form-urlencoded"),
        Some("text/plain"),
        Some("multipart/form-data"),
    ])
}

/// Strings that look like what reaches these readers: digits, templates,
/// UUID fragments, separators and arbitrary text.
fn text() -> impl Strategy<Value = String> {
    prop_oneof![
        "[0-9]{0,20}",
        "-?[0-9]{1,5}\\.[0-9]{0,3}",
        "\\{\\{[a-z_]{0,12}\\}\\}",
        "[0-9a-fA-F-]{0,40}",
        "[ a-z@.,;+()\\[\\]=&%-]{0,20}",
        ".{0,12}",
    ]
}

fn json_value() -> impl Strategy<Value = Value> {
    let leaf = prop_oneof![
        Just(Value::Null),
        any::<bool>().prop_map(Value::Bool),
        any::<i64>().prop_map(Value::from),
        any::<f64>().prop_map(Value::from),
        text().prop_map(Value::String),
    ];
    leaf.prop_recursive(4, 48, 6, |inner| {
        prop_oneof![
            prop::collection::vec(inner.clone(), 0..6).prop_map(Value::Array),
            prop::collection::vec((key(), inner), 0..6)
                .prop_map(|entries| Value::Object(entries.into_iter().collect())),
        ]
    })
}

/// Object keys: mostly the names the readers look for, sometimes anything.
fn key() -> impl Strategy<Value = String> {
    prop_oneof![
        prop::sample::select(vec![
            "ticket_id",
            "client_id",
            "channel_id",
            "client_data",
            "name",
            "emails",
            "phones",
            "phone",
            "type",
            "email",
            "social_services",
            "secret",
            "secret_key",
            "language",
            "lang",
            "idioma",
            "amoClientId",
            "ticketId",
            "fields",
            "price",
            "status_id",
            "custom_fields_values",
            "field_id",
            "values",
            "value",
            "enum_id",
            "enum_code",
            "comment",
            "data",
            "0",
            "1",
        ])
        .prop_map(str::to_owned),
        "[a-z_0-9]{1,8}",
    ]
}

fn object_of(keys: &'static [&'static str]) -> impl Strategy<Value = Map<String, Value>> {
    prop::collection::vec((prop::sample::select(keys), json_value()), 0..8).prop_map(|entries| {
        entries
            .into_iter()
            .map(|(key, value)| (key.to_owned(), value))
            .collect()
    })
}

fn check_block(result: Result<BlockRequest, usedesk::ParseError>) -> Result<(), TestCaseError> {
    if let Err(error) = result {
        prop_assert!(
            BLOCK_FIELDS.contains(&error.field.as_str()),
            "field {:?}",
            error.field
        );
        prop_assert!(!error.message.is_empty());
    }
    Ok(())
}

fn check_trigger(
    result: Result<FreeCreateLead, Vec<usedesk::Problem>>,
) -> Result<(), TestCaseError> {
    match result {
        Ok(lead) => {
            prop_assert!(lead.ticket_id > 0);
            prop_assert_eq!(lead.amo_client_id.len(), 36);
            prop_assert_eq!(
                lead.amo_client_id.to_ascii_lowercase(),
                lead.amo_client_id.clone()
            );
        }
        Err(problems) => {
            prop_assert!(!problems.is_empty());
            for problem in problems {
                let root = problem.path.split(['.', '[']).next().unwrap_or_default();
                prop_assert!(TRIGGER_ROOTS.contains(&root), "path {:?}", problem.path);
                prop_assert!(!problem.message.is_empty());
            }
        }
    }
    Ok(())
}

proptest! {
    #[test]
    fn the_block_reader_never_panics_on_arbitrary_bytes(
        content_type in content_type(),
        body in prop::collection::vec(any::<u8>(), 0..512),
    ) {
        check_block(BlockRequest::parse(content_type, &body))?;
    }

    #[test]
    fn the_block_reader_names_a_field_for_any_json_values(
        map in object_of(&[
            "ticket_id", "client_id", "channel_id", "client_data", "subject", "contact",
            "channel_data", "secret", "secret_key", "language", "lang", "idioma",
            "amo_base_host", "usedesk_api_token", "other",
        ]),
    ) {
        let body = Value::Object(map).to_string();
        check_block(BlockRequest::parse(Some("application/json"), body.as_bytes()))?;
    }

    #[test]
    fn the_block_reader_never_panics_on_form_bodies_with_bracket_keys(
        pairs in prop::collection::vec(("[a-z_\\[\\]0-9]{0,24}", "[ -~]{0,16}"), 0..10),
    ) {
        let body = url::form_urlencoded::Serializer::new(String::new())
            .extend_pairs(pairs)
            .finish();
        check_block(BlockRequest::parse(Some("application/x-www-form-urlencoded"), body.as_bytes()))?;
    }

    #[test]
    fn the_trigger_reader_never_panics_on_arbitrary_bytes(
        body in prop::collection::vec(any::<u8>(), 0..512),
    ) {
        check_trigger(FreeCreateLead::parse(&body))?;
    }

    #[test]
    fn the_trigger_reader_gives_rooted_paths_for_any_json_values(
        payload in object_of(&["amoClientId", "ticketId", "fields", "comment", "other"]),
        fields in object_of(&[
            "name", "price", "status_id", "pipeline_id", "responsible_user_id",
            "custom_fields_values", "other",
        ]),
        in_envelope in any::<bool>(),
    ) {
        let mut payload = payload;
        if !fields.is_empty() {
            payload.insert("fields".to_owned(), Value::Object(fields));
        }
        let body = if in_envelope {
            serde_json::json!({"url": "x", "data": payload, "headers": []})
        } else {
            Value::Object(payload)
        };
        check_trigger(FreeCreateLead::parse(body.to_string().as_bytes()))?;
    }

    #[test]
    fn the_trigger_reader_reads_well_formed_custom_fields_or_names_each_bad_value(
        values in prop::collection::vec(json_value(), 0..5),
        field_id in json_value(),
    ) {
        let body = serde_json::json!({
            "amoClientId": "1ff6828b-c10c-43f8-98d0-370001e85b6c",
            "ticketId": 1,
            "fields": {"custom_fields_values": [{"field_id": field_id, "values": values}]}
        });
        check_trigger(FreeCreateLead::parse(body.to_string().as_bytes()))?;
    }
}
