//! Validation and normalisation of `custom_fields_values` on writes, so that what is stored, and
//! later read back, has exactly the shapes amoCRM returns.

use serde_json::{Map, Value, json};

use crate::error::FieldError;
use crate::http::as_i64;
use crate::model::CustomField;

/// What a write does to one field: set it to a stored value object, or clear it.
#[derive(Debug, Clone)]
pub(crate) struct FieldWrite {
    pub field_id: i64,
    /// `None` clears the field (`"values": null` or `[]`).
    pub stored: Option<Value>,
}

/// Checks every item of a `custom_fields_values` input against the field catalogue. Errors are
/// pushed with paths relative to `prefix` (e.g. `custom_fields_values.0.values.1.enum_id`).
pub(crate) fn normalize(
    fields: &[CustomField],
    input: &Value,
    prefix: &str,
    errors: &mut Vec<FieldError>,
) -> Vec<FieldWrite> {
    let items = match input {
        Value::Null => return Vec::new(),
        Value::Array(items) => items,
        _ => {
            errors.push(FieldError::new(
                "InvalidType",
                prefix,
                "custom_fields_values must be an array",
            ));
            return Vec::new();
        }
    };
    let mut writes = Vec::new();
    for (i, item) in items.iter().enumerate() {
        let path = format!("{prefix}.{i}");
        let Some(object) = item.as_object() else {
            errors.push(FieldError::new(
                "InvalidType",
                path,
                "each custom field value must be an object",
            ));
            continue;
        };
        let Some(field) = resolve_field(fields, object, &path, errors) else {
            continue;
        };
        let values = match object.get("values") {
            None | Some(Value::Null) => {
                writes.push(FieldWrite {
                    field_id: field.id,
                    stored: None,
                });
                continue;
            }
            Some(Value::Array(values)) => values,
            Some(_) => {
                errors.push(FieldError::new(
                    "InvalidType",
                    format!("{path}.values"),
                    "values must be an array",
                ));
                continue;
            }
        };
        if values.is_empty() {
            writes.push(FieldWrite {
                field_id: field.id,
                stored: None,
            });
            continue;
        }
        let before = errors.len();
        let normalized: Vec<Value> = values
            .iter()
            .enumerate()
            .filter_map(|(j, value)| {
                normalize_value(field, value, &format!("{path}.values.{j}"))
                    .map_err(|e| errors.push(e))
                    .ok()
            })
            .collect();
        if errors.len() == before {
            writes.push(FieldWrite {
                field_id: field.id,
                stored: Some(stored_value(field, normalized)),
            });
        }
    }
    writes
}

/// The stored (and returned) shape of a field's values.
pub(crate) fn stored_value(field: &CustomField, values: Vec<Value>) -> Value {
    json!({
        "field_id": field.id,
        "field_name": field.name,
        "field_code": field.code,
        "field_type": field.field_type,
        "values": values,
    })
}

/// Applies writes to an entity's stored values; returns the ids of the fields whose values changed.
pub(crate) fn apply(existing: &mut Vec<Value>, writes: Vec<FieldWrite>) -> Vec<i64> {
    let mut changed = Vec::new();
    for write in writes {
        let position = existing
            .iter()
            .position(|v| as_i64(&v["field_id"]) == Some(write.field_id));
        match (position, write.stored) {
            (Some(at), Some(stored)) => {
                if existing[at] != stored {
                    existing[at] = stored;
                    changed.push(write.field_id);
                }
            }
            (None, Some(stored)) => {
                existing.push(stored);
                changed.push(write.field_id);
            }
            (Some(at), None) => {
                existing.remove(at);
                changed.push(write.field_id);
            }
            (None, None) => {}
        }
    }
    changed
}

/// True when the entity has at least one value for the field.
pub(crate) fn has_value(values: &[Value], field_id: i64) -> bool {
    values.iter().any(|v| {
        as_i64(&v["field_id"]) == Some(field_id)
            && v["values"]
                .as_array()
                .is_some_and(|items| !items.is_empty())
    })
}

fn resolve_field<'a>(
    fields: &'a [CustomField],
    object: &Map<String, Value>,
    path: &str,
    errors: &mut Vec<FieldError>,
) -> Option<&'a CustomField> {
    if let Some(raw) = object.get("field_id").filter(|v| !v.is_null()) {
        let Some(id) = as_i64(raw) else {
            errors.push(FieldError::new(
                "InvalidType",
                format!("{path}.field_id"),
                "field_id must be an integer",
            ));
            return None;
        };
        let found = fields.iter().find(|f| f.id == id);
        if found.is_none() {
            errors.push(FieldError::new(
                "NotSupportedChoice",
                format!("{path}.field_id"),
                format!("The custom field {id} does not exist"),
            ));
        }
        return found;
    }
    if let Some(code) = object.get("field_code").and_then(Value::as_str) {
        let found = fields.iter().find(|f| {
            f.code
                .as_deref()
                .is_some_and(|c| c.eq_ignore_ascii_case(code))
        });
        if found.is_none() {
            errors.push(FieldError::new(
                "NotSupportedChoice",
                format!("{path}.field_code"),
                format!("The custom field with code {code:?} does not exist"),
            ));
        }
        return found;
    }
    errors.push(FieldError::new(
        "NotSupportedChoice",
        format!("{path}.field_id"),
        "field_id or field_code is required",
    ));
    None
}

fn normalize_value(field: &CustomField, value: &Value, path: &str) -> Result<Value, FieldError> {
    let Some(object) = value.as_object() else {
        return Err(FieldError::new(
            "InvalidType",
            path,
            "each value must be an object such as {\"value\": …}",
        ));
    };
    let raw = object.get("value").unwrap_or(&Value::Null);
    let invalid = |what: &str| {
        FieldError::new(
            "InvalidType",
            format!("{path}.value"),
            format!("{} expects {what}", field.name),
        )
    };
    match field.field_type.as_str() {
        "text" | "textarea" | "url" | "streetaddress" => match raw {
            Value::String(s) => Ok(json!({ "value": s })),
            Value::Number(n) => Ok(json!({ "value": n.to_string() })),
            _ => Err(invalid("a string")),
        },
        "numeric" | "monetary" | "price" => match raw {
            Value::Number(n) => Ok(json!({ "value": n.to_string() })),
            Value::String(s) if s.trim().parse::<f64>().is_ok() => Ok(json!({ "value": s.trim() })),
            _ => Err(invalid("a number")),
        },
        "checkbox" => match raw {
            Value::Bool(b) => Ok(json!({ "value": b })),
            Value::Number(n) if n.as_i64() == Some(0) || n.as_i64() == Some(1) => {
                Ok(json!({ "value": n.as_i64() == Some(1) }))
            }
            Value::String(s) if matches!(s.as_str(), "0" | "1" | "true" | "false") => {
                Ok(json!({ "value": s == "1" || s == "true" }))
            }
            _ => Err(invalid("true or false")),
        },
        "date" | "date_time" | "birthday" => match raw {
            Value::Number(_) | Value::String(_) => as_i64(raw)
                .or_else(|| raw.as_str().and_then(parse_rfc3339))
                .map(|ts| json!({ "value": ts }))
                .ok_or_else(|| invalid("a Unix timestamp or an RFC 3339 date")),
            _ => Err(invalid("a Unix timestamp or an RFC 3339 date")),
        },
        "select" | "radiobutton" | "multiselect" | "category" => choice(field, object, path),
        "multitext" => multitext(field, object, raw, path),
        // Other types (tracking_data, chained_list, smart_address, legal_entity…) are stored as sent,
        // because their shapes vary and clients must cope with them raw.
        _ => Ok(value.clone()),
    }
}

fn choice(
    field: &CustomField,
    object: &Map<String, Value>,
    path: &str,
) -> Result<Value, FieldError> {
    if let Some(raw_id) = object.get("enum_id").filter(|v| !v.is_null()) {
        let id = as_i64(raw_id).ok_or_else(|| {
            FieldError::new(
                "InvalidType",
                format!("{path}.enum_id"),
                "enum_id must be an integer",
            )
        })?;
        let choice = field.enums.iter().find(|e| e.id == id).ok_or_else(|| {
            FieldError::new(
                "NotSupportedChoice",
                format!("{path}.enum_id"),
                format!("{id} is not a choice of the field {:?}", field.name),
            )
        })?;
        return Ok(
            json!({ "value": choice.value, "enum_id": choice.id, "enum_code": Value::Null }),
        );
    }
    let text = object
        .get("value")
        .and_then(Value::as_str)
        .unwrap_or_default();
    let choice = field
        .enums
        .iter()
        .find(|e| e.value == text)
        .ok_or_else(|| {
            FieldError::new(
                "NotSupportedChoice",
                format!("{path}.value"),
                format!("{text:?} is not a choice of the field {:?}", field.name),
            )
        })?;
    Ok(json!({ "value": choice.value, "enum_id": choice.id, "enum_code": Value::Null }))
}

fn multitext(
    field: &CustomField,
    object: &Map<String, Value>,
    raw: &Value,
    path: &str,
) -> Result<Value, FieldError> {
    let text = match raw {
        Value::String(s) if !s.trim().is_empty() => s.clone(),
        Value::Number(n) => n.to_string(),
        _ => {
            return Err(FieldError::new(
                "InvalidType",
                format!("{path}.value"),
                format!("{} expects a string", field.name),
            ));
        }
    };
    let by_id = object
        .get("enum_id")
        .and_then(as_i64)
        .and_then(|id| field.enums.iter().find(|e| e.id == id));
    let by_code = object
        .get("enum_code")
        .and_then(Value::as_str)
        .and_then(|code| {
            field
                .enums
                .iter()
                .find(|e| e.value.eq_ignore_ascii_case(code))
        });
    let wanted = object.get("enum_id").is_some_and(|v| !v.is_null())
        || object.get("enum_code").is_some_and(|v| !v.is_null());
    // Without a kind amoCRM files the value as WORK.
    let choice = match (by_id.or(by_code), wanted) {
        (Some(choice), _) => choice,
        (None, true) => {
            return Err(FieldError::new(
                "NotSupportedChoice",
                format!("{path}.enum_code"),
                format!(
                    "not a kind of {} (use one of {})",
                    field.name,
                    enum_names(field)
                ),
            ));
        }
        (None, false) => field
            .enums
            .first()
            .ok_or_else(|| FieldError::new("NotSupportedChoice", path, "the field has no kinds"))?,
    };
    Ok(json!({ "value": text, "enum_id": choice.id, "enum_code": choice.value }))
}

fn enum_names(field: &CustomField) -> String {
    field
        .enums
        .iter()
        .map(|e| e.value.as_str())
        .collect::<Vec<_>>()
        .join(", ")
}

/// Parses `YYYY-MM-DD`, `YYYY-MM-DDTHH:MM:SS[.fff](Z|±HH:MM)` into Unix seconds.
pub(crate) fn parse_rfc3339(text: &str) -> Option<i64> {
    let text = text.trim();
    let number = |s: &str| s.parse::<i64>().ok();
    let (date, rest) = text.split_at_checked(10)?;
    let mut parts = date.split('-');
    let (year, month, day) = (
        number(parts.next()?)?,
        number(parts.next()?)?,
        number(parts.next()?)?,
    );
    if !(1..=12).contains(&month) || !(1..=31).contains(&day) {
        return None;
    }
    let days = days_from_civil(year, month, day);
    if rest.is_empty() {
        return Some(days * 86_400);
    }
    let rest = rest.strip_prefix(['T', 't', ' '])?;
    let (clock, mut zone) = rest.split_at_checked(8)?;
    let mut hms = clock.split(':');
    let (hour, minute, second) = (
        number(hms.next()?)?,
        number(hms.next()?)?,
        number(hms.next()?)?,
    );
    if let Some(fraction) = zone.strip_prefix('.') {
        let end = fraction
            .find(|c: char| !c.is_ascii_digit())
            .unwrap_or(fraction.len());
        zone = &fraction[end..];
    }
    let offset = match zone {
        "Z" | "z" | "" => 0,
        _ => {
            let sign = match zone.as_bytes().first()? {
                b'+' => 1,
                b'-' => -1,
                _ => return None,
            };
            let (h, m) = zone[1..].split_once(':')?;
            sign * (number(h)? * 3600 + number(m)? * 60)
        }
    };
    Some(days * 86_400 + hour * 3600 + minute * 60 + second - offset)
}

/// Days since 1970-01-01 of a proleptic Gregorian date (Howard Hinnant's algorithm).
fn days_from_civil(year: i64, month: i64, day: i64) -> i64 {
    let y = if month <= 2 { year - 1 } else { year };
    let era = y.div_euclid(400);
    let yoe = y - era * 400;
    let mp = (month + 9) % 12;
    let doy = (153 * mp + 2) / 5 + day - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    era * 146_097 + doe - 719_468
}
