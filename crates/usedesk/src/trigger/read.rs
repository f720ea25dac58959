//! Readers for the payload's values; each records a [`Problem`](super::Problem)
//! and carries on, so one pass finds every mistake.

use serde_json::{Map, Value};

use super::problem::{ProblemCode, Problems};
use super::{LeadFields, TriggerFieldValue, TriggerValue};
use crate::lenient::{self, IntError};

/// What a number field holds, which decides its range and its messages.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Number {
    /// An amoCRM or Usedesk id: positive.
    Id,
    /// A deal's budget: a whole, non-negative amount.
    Price,
}

/// The first of `keys` present in `map`, with the key that was used, so
/// messages name the key the admin actually wrote.
pub(crate) fn first<'a>(
    map: &'a Map<String, Value>,
    keys: &[&'a str],
) -> Option<(&'a str, &'a Value)> {
    keys.iter()
        .find_map(|key| map.get(*key).map(|value| (*key, value)))
}

/// Reads a number; `null` and `""` read as absent without a problem.
pub(crate) fn number(
    problems: &mut Problems,
    local: &str,
    value: &Value,
    kind: Number,
) -> Option<i64> {
    let read = match lenient::int(value) {
        Ok(read) => read,
        Err(error) => {
            let (code, message) = match error {
                IntError::Template { text } => (ProblemCode::Unexpanded, unexpanded(local, &text)),
                IntError::WrongType { got } => (
                    ProblemCode::WrongType,
                    format!("{local} must be a number, got {got}"),
                ),
                IntError::NotNumeric { got } => (
                    ProblemCode::Invalid,
                    format!("{local} must be a number, got {got}"),
                ),
                IntError::Fractional { got } if kind == Number::Price => (
                    ProblemCode::Invalid,
                    format!(
                        "{local} must be a whole number, got {got}: amoCRM stores a deal's budget as an integer, so round it"
                    ),
                ),
                IntError::Fractional { got } => (
                    ProblemCode::Invalid,
                    format!("{local} must be a whole number, got {got}"),
                ),
                IntError::OutOfRange { got } => {
                    (ProblemCode::Invalid, format!("{local} is too large: {got}"))
                }
            };
            problems.push(local, code, message);
            return None;
        }
    };
    let number = read?;
    match kind {
        Number::Id if number <= 0 => {
            problems.push(
                local,
                ProblemCode::Invalid,
                format!("{local} must be a positive id, got {number}"),
            );
            None
        }
        Number::Price if number < 0 => {
            problems.push(
                local,
                ProblemCode::Invalid,
                format!("{local} must not be negative, got {number}"),
            );
            None
        }
        _ => Some(number),
    }
}

/// Reads a required number: absent, `null` and `""` are Missing problems.
pub(crate) fn required_number(
    problems: &mut Problems,
    local: &str,
    value: Option<&Value>,
    kind: Number,
    how_to_fill: &str,
) -> Option<i64> {
    let Some(value) = value else {
        problems.push(
            local,
            ProblemCode::Missing,
            format!("{local} is missing: {how_to_fill}"),
        );
        return None;
    };
    let before = problems.len();
    let number = number(problems, local, value, kind);
    if number.is_none() && problems.len() == before {
        problems.push(
            local,
            ProblemCode::Missing,
            format!("{local} is empty: {how_to_fill}"),
        );
    }
    number
}

/// The message for a placeholder the trigger left unsubstituted.
pub(crate) fn unexpanded(local: &str, text: &str) -> String {
    format!(
        "{local} is the literal template {text}: the trigger did not substitute it; \
         use the variable picker in the trigger's POST body"
    )
}

/// Reads optional text: numbers and booleans are written out, blanks are absent.
pub(crate) fn text(problems: &mut Problems, local: &str, value: Option<&Value>) -> Option<String> {
    let value = value?;
    match lenient::text(value) {
        Ok(text) => text,
        Err(()) => {
            problems.push(
                local,
                ProblemCode::WrongType,
                format!("{local} must be text, got {}", lenient::describe(value)),
            );
            None
        }
    }
}

/// Reads an optional yes/no switch: `true`/`false`, `1`/`0`, or those (and `yes`/`no`, `on`/`off`) as text in any
/// case; missing, `null` or blank is no. Anything else is a problem, so a misspelt value never passes as "no".
pub(crate) fn switch(problems: &mut Problems, local: &str, value: Option<&Value>) -> bool {
    let Some(value) = value else {
        return false;
    };
    let read = match value {
        Value::Null => Some(false),
        Value::Bool(flag) => Some(*flag),
        Value::Number(number) => match number.as_i64() {
            Some(0) => Some(false),
            Some(1) => Some(true),
            _ => None,
        },
        Value::String(text) => match text.trim().to_ascii_lowercase().as_str() {
            "" | "0" | "false" | "no" | "off" => Some(false),
            "1" | "true" | "yes" | "on" => Some(true),
            _ => None,
        },
        _ => None,
    };
    read.unwrap_or_else(|| {
        problems.push(
            local,
            ProblemCode::WrongType,
            format!(
                "{local} must be true or false, got {}",
                lenient::describe(value)
            ),
        );
        false
    })
}

/// Reads `fields`: an object, or a JSON string holding one.
pub(crate) fn fields(problems: &mut Problems, value: Option<&Value>) -> LeadFields {
    let decoded;
    let map = match value {
        None | Some(Value::Null) => return LeadFields::default(),
        Some(Value::Object(map)) => map,
        Some(Value::String(text)) if text.trim().is_empty() => return LeadFields::default(),
        Some(Value::String(text)) => match serde_json::from_str::<Value>(text) {
            Ok(Value::Object(map)) => {
                decoded = map;
                &decoded
            }
            _ => {
                problems.push(
                    "fields",
                    ProblemCode::WrongType,
                    format!(
                        "fields must be an object like {{\"name\": …, \"price\": …}}, got {}",
                        lenient::describe_str(text)
                    ),
                );
                return LeadFields::default();
            }
        },
        Some(other) => {
            problems.push(
                "fields",
                ProblemCode::WrongType,
                format!(
                    "fields must be an object like {{\"name\": …, \"price\": …}}, got {}",
                    lenient::describe(other)
                ),
            );
            return LeadFields::default();
        }
    };
    let optional = |problems: &mut Problems, key: &str, kind: Number| {
        map.get(key)
            .and_then(|value| number(problems, &format!("fields.{key}"), value, kind))
    };
    LeadFields {
        name: text(problems, "fields.name", map.get("name")),
        price: optional(problems, "price", Number::Price),
        status_id: optional(problems, "status_id", Number::Id),
        pipeline_id: optional(problems, "pipeline_id", Number::Id),
        responsible_user_id: optional(problems, "responsible_user_id", Number::Id),
        custom_fields_values: custom_fields(problems, map.get("custom_fields_values")),
    }
}

fn custom_fields(problems: &mut Problems, value: Option<&Value>) -> Vec<TriggerFieldValue> {
    const LOCAL: &str = "fields.custom_fields_values";
    let items = match value {
        None | Some(Value::Null) => return Vec::new(),
        Some(Value::Array(items)) => items,
        Some(other) => {
            problems.push(
                LOCAL,
                ProblemCode::WrongType,
                format!(
                    "{LOCAL} must be a list like [{{\"field_id\": 1025541, \"values\": [{{\"value\": \"…\"}}]}}], got {}",
                    lenient::describe(other)
                ),
            );
            return Vec::new();
        }
    };
    let mut fields: Vec<TriggerFieldValue> = Vec::new();
    let mut seen: Vec<(i64, String)> = Vec::new();
    for (index, item) in items.iter().enumerate() {
        let local = format!("{LOCAL}[{index}]");
        let Some(field) = custom_field(problems, &local, item) else {
            continue;
        };
        if let Some((_, first_at)) = seen.iter().find(|(id, _)| *id == field.field_id) {
            problems.push(
                &format!("{local}.field_id"),
                ProblemCode::Invalid,
                format!(
                    "{local}.field_id {} appears more than once (first at {first_at}): put all its values in one entry",
                    field.field_id
                ),
            );
            continue;
        }
        seen.push((field.field_id, local));
        fields.push(field);
    }
    fields
}

fn custom_field(problems: &mut Problems, local: &str, item: &Value) -> Option<TriggerFieldValue> {
    let Value::Object(map) = item else {
        problems.push(
            local,
            ProblemCode::WrongType,
            format!(
                "{local} must be an object like {{\"field_id\": 1025541, \"values\": [{{\"value\": \"…\"}}]}}, got {}",
                lenient::describe(item)
            ),
        );
        return None;
    };
    let field_id = required_number(
        problems,
        &format!("{local}.field_id"),
        map.get("field_id"),
        Number::Id,
        "give the amoCRM custom field's id",
    );
    let values = values(problems, &format!("{local}.values"), map.get("values"));
    Some(TriggerFieldValue {
        field_id: field_id?,
        values: values?,
    })
}

fn values(
    problems: &mut Problems,
    local: &str,
    value: Option<&Value>,
) -> Option<Vec<TriggerValue>> {
    let items: Vec<(String, &Value)> = match value {
        None | Some(Value::Null) => {
            problems.push(
                local,
                ProblemCode::Missing,
                format!("{local} is missing: give a list like [{{\"value\": \"…\"}}] or [{{\"enum_id\": 705377}}]"),
            );
            return None;
        }
        Some(Value::Array(items)) => items
            .iter()
            .enumerate()
            .map(|(index, item)| (format!("{local}[{index}]"), item))
            .collect(),
        // A lone value object is read as a list of one.
        Some(single @ Value::Object(_)) => vec![(local.to_owned(), single)],
        Some(other) => {
            problems.push(
                local,
                ProblemCode::WrongType,
                format!(
                    "{local} must be a list like [{{\"value\": \"…\"}}], got {}",
                    lenient::describe(other)
                ),
            );
            return None;
        }
    };
    if items.is_empty() {
        problems.push(
            local,
            ProblemCode::Invalid,
            format!("{local} is empty: give at least one {{\"value\": …}} or {{\"enum_id\": …}}"),
        );
        return None;
    }
    let before = problems.len();
    let read: Vec<TriggerValue> = items
        .iter()
        .filter_map(|(path, item)| one_value(problems, path, item))
        .collect();
    (problems.len() == before).then_some(read)
}

fn one_value(problems: &mut Problems, local: &str, item: &Value) -> Option<TriggerValue> {
    let map = match item {
        Value::Object(map) => map,
        Value::String(_) | Value::Number(_) | Value::Bool(_) => {
            return Some(TriggerValue::Value(item.clone()));
        }
        other => {
            problems.push(
                local,
                ProblemCode::WrongType,
                format!(
                    "{local} must be an object like {{\"value\": …}} or {{\"enum_id\": …}}, got {}",
                    lenient::describe(other)
                ),
            );
            return None;
        }
    };
    let present: Vec<&str> = ["value", "enum_id", "enum_code"]
        .into_iter()
        .filter(|key| map.contains_key(*key))
        .collect();
    match present.as_slice() {
        [] => {
            problems.push(
                local,
                ProblemCode::Missing,
                format!("{local} must have \"value\", \"enum_id\" or \"enum_code\""),
            );
            None
        }
        ["enum_id"] => required_number(
            problems,
            &format!("{local}.enum_id"),
            map.get("enum_id"),
            Number::Id,
            "give the id of the list option",
        )
        .map(TriggerValue::EnumId),
        ["enum_code"] => {
            let local = format!("{local}.enum_code");
            let code = text(problems, &local, map.get("enum_code"));
            if code.is_none()
                && map
                    .get("enum_code")
                    .is_some_and(|value| lenient::text(value).is_ok())
            {
                problems.push(
                    &local,
                    ProblemCode::Missing,
                    format!("{local} is empty: give the option's code"),
                );
            }
            code.map(TriggerValue::EnumCode)
        }
        ["value"] => plain_value(problems, &format!("{local}.value"), map.get("value")),
        several => {
            problems.push(
                local,
                ProblemCode::Invalid,
                format!(
                    "{local} has {}: give exactly one of \"value\", \"enum_id\" or \"enum_code\"",
                    several
                        .iter()
                        .map(|key| format!("\"{key}\""))
                        .collect::<Vec<_>>()
                        .join(" and ")
                ),
            );
            None
        }
    }
}

fn plain_value(
    problems: &mut Problems,
    local: &str,
    value: Option<&Value>,
) -> Option<TriggerValue> {
    match value {
        None | Some(Value::Null) => {
            problems.push(
                local,
                ProblemCode::Missing,
                format!("{local} is null: give the field's value"),
            );
            None
        }
        Some(Value::Array(_)) => {
            problems.push(
                local,
                ProblemCode::WrongType,
                format!(
                    "{local} must be text, a number, true/false or an object, got an array: give one {{\"value\": …}} per item instead"
                ),
            );
            None
        }
        // Objects pass through: amoCRM's composite field types (legal entity,
        // chained list, file) take object values, and amoCRM checks them itself.
        Some(value) => Some(TriggerValue::Value(value.clone())),
    }
}
