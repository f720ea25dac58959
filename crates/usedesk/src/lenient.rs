//! Readers for the loosely typed JSON that Usedesk produces.
//!
//! Usedesk sends ids as numbers in one place and as strings in the next
//! (`"id": "2265179"`), booleans as `0`/`"1"`, lists as PHP arrays that may
//! arrive as objects with numeric keys, and empty strings where a value is
//! absent. Every reader here accepts all of those shapes, so the rest of the
//! crate deals with one shape only.

use serde_json::{Map, Value};

/// Why a JSON value could not be read as a whole number.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum IntError {
    /// The JSON type cannot hold a number at all (a bool, an array, an object).
    WrongType { got: String },
    /// A string that is not a number, such as `"abc"`.
    NotNumeric { got: String },
    /// A number with a fractional part, such as `12.5`.
    Fractional { got: String },
    /// A number too large for a 64-bit integer.
    OutOfRange { got: String },
    /// A template placeholder such as `{{ticket_id}}` that was never substituted.
    Template { text: String },
}

/// Reads a whole number from a number or a numeric string.
///
/// `null`, `""` and whitespace read as absent. Integral floats (`123.0`,
/// `"123.0"`) are accepted because PHP and JavaScript producers emit them.
pub(crate) fn int(value: &Value) -> Result<Option<i64>, IntError> {
    match value {
        Value::Null => Ok(None),
        Value::Number(number) => number_to_int(number, value).map(Some),
        Value::String(text) => string_to_int(text),
        other => Err(IntError::WrongType {
            got: describe(other),
        }),
    }
}

fn number_to_int(number: &serde_json::Number, value: &Value) -> Result<i64, IntError> {
    if let Some(int) = number.as_i64() {
        return Ok(int);
    }
    if number.is_u64() {
        return Err(IntError::OutOfRange {
            got: describe(value),
        });
    }
    float_to_int(number.as_f64().unwrap_or(f64::NAN), describe(value))
}

fn string_to_int(text: &str) -> Result<Option<i64>, IntError> {
    let trimmed = text.trim();
    if trimmed.is_empty() {
        return Ok(None);
    }
    if is_template(trimmed) {
        return Err(IntError::Template {
            text: trimmed.to_owned(),
        });
    }
    if let Ok(int) = trimmed.parse::<i64>() {
        return Ok(Some(int));
    }
    let shown = describe_str(trimmed);
    // Only plain decimal notation counts as numeric: Rust's float parser also
    // accepts words such as "inf" and "NaN", which no producer means as an id.
    let plain = trimmed
        .bytes()
        .all(|b| b.is_ascii_digit() || matches!(b, b'.' | b'-' | b'+' | b'e' | b'E'));
    if !plain || !trimmed.bytes().any(|b| b.is_ascii_digit()) {
        return Err(IntError::NotNumeric { got: shown });
    }
    match trimmed.parse::<f64>() {
        Ok(float) => float_to_int(float, shown).map(Some),
        Err(_) => Err(IntError::NotNumeric { got: shown }),
    }
}

fn float_to_int(float: f64, shown: String) -> Result<i64, IntError> {
    if !float.is_finite() {
        return Err(IntError::NotNumeric { got: shown });
    }
    if float.fract() != 0.0 {
        return Err(IntError::Fractional { got: shown });
    }
    // 2^63 is exactly representable as f64; anything at or beyond it overflows i64.
    const LIMIT: f64 = 9_223_372_036_854_775_808.0;
    if !(-LIMIT..LIMIT).contains(&float) {
        return Err(IntError::OutOfRange { got: shown });
    }
    // The checks above make this conversion exact: integral and in range.
    Ok(float as i64)
}

/// True when the text still contains a `{{…}}` template placeholder.
pub(crate) fn is_template(text: &str) -> bool {
    text.find("{{")
        .is_some_and(|start| text[start + 2..].contains("}}"))
}

/// Reads a scalar as text: strings are trimmed, numbers and booleans are
/// written out, and `null` or an empty string read as absent.
///
/// Returns `Err(())` for arrays and objects, which have no text form; callers
/// decide whether that is an error or something to keep aside.
pub(crate) fn text(value: &Value) -> Result<Option<String>, ()> {
    match value {
        Value::Null => Ok(None),
        Value::String(text) => {
            let trimmed = text.trim();
            Ok((!trimmed.is_empty()).then(|| trimmed.to_owned()))
        }
        Value::Number(number) => Ok(Some(number.to_string())),
        Value::Bool(flag) => Ok(Some(flag.to_string())),
        Value::Array(_) | Value::Object(_) => Err(()),
    }
}

/// Reads a flag written as a bool, a number or a string (`1`, `"0"`, `"true"`).
pub(crate) fn flag(value: &Value) -> bool {
    match value {
        Value::Bool(flag) => *flag,
        Value::Number(number) => number.as_f64().is_some_and(|n| n != 0.0),
        Value::String(text) => matches!(
            text.trim().to_ascii_lowercase().as_str(),
            "1" | "true" | "yes" | "on" | "y"
        ),
        _ => false,
    }
}

/// The elements of a list that PHP may have encoded as an array, as an object
/// with numeric keys (a sparse array), or as a single item.
///
/// `null` and empty strings give no elements; `null` elements are dropped.
pub(crate) fn items(value: &Value) -> Vec<&Value> {
    match value {
        Value::Null => Vec::new(),
        Value::Array(items) => items.iter().filter(|item| !item.is_null()).collect(),
        Value::Object(map) if is_numeric_map(map) => {
            let mut entries: Vec<(u64, &Value)> = map
                .iter()
                .filter_map(|(key, item)| Some((key.parse().ok()?, item)))
                .filter(|(_, item)| !item.is_null())
                .collect();
            entries.sort_by_key(|(index, _)| *index);
            entries.into_iter().map(|(_, item)| item).collect()
        }
        Value::String(text) if text.trim().is_empty() => Vec::new(),
        single => vec![single],
    }
}

/// True for a non-empty object whose keys are all array indices (`"0"`, `"1"`, …).
pub(crate) fn is_numeric_map(map: &Map<String, Value>) -> bool {
    !map.is_empty() && map.keys().all(|key| is_index(key))
}

/// True for the canonical text of an array index: digits without a leading zero.
pub(crate) fn is_index(key: &str) -> bool {
    !key.is_empty()
        && key.len() <= 9
        && key.bytes().all(|b| b.is_ascii_digit())
        && (key == "0" || !key.starts_with('0'))
}

/// The first non-empty text under any of `keys` in an object.
pub(crate) fn text_at(map: &Map<String, Value>, keys: &[&str]) -> Option<String> {
    keys.iter()
        .find_map(|key| map.get(*key).and_then(|value| text(value).ok().flatten()))
}

/// E-mail addresses from any of the shapes Usedesk uses: a list of strings, a
/// list of `{email: …}` objects, or one string that may hold several
/// addresses separated by commas or semicolons.
pub(crate) fn emails(value: &Value) -> Vec<String> {
    emails_with_ids(value)
        .into_iter()
        .map(|(_, email)| email)
        .collect()
}

/// Like [`emails`], with the id Usedesk gives an address object, if any.
pub(crate) fn emails_with_ids(value: &Value) -> Vec<(Option<i64>, String)> {
    let mut found = Vec::new();
    for item in items(value) {
        let (id, text) = match item {
            Value::Object(map) => (
                map.get("id").and_then(|id| int(id).ok().flatten()),
                text_at(map, &["email", "value", "address"]),
            ),
            other => (None, text(other).ok().flatten()),
        };
        let Some(text) = text else { continue };
        found.extend(
            text.split([',', ';'])
                .map(str::trim)
                .filter(|part| !part.is_empty())
                .map(|part| (id, part.to_owned())),
        );
    }
    found
}

/// A short, human-readable description of a JSON value for error messages.
pub(crate) fn describe(value: &Value) -> String {
    match value {
        Value::Null => "null".to_owned(),
        Value::Bool(flag) => flag.to_string(),
        Value::Number(number) => number.to_string(),
        Value::String(text) => describe_str(text),
        Value::Array(items) if items.is_empty() => "an empty array".to_owned(),
        Value::Array(_) => "an array".to_owned(),
        Value::Object(map) if map.is_empty() => "an empty object".to_owned(),
        Value::Object(_) => "an object".to_owned(),
    }
}

/// A string quoted as JSON, cut to a readable length.
pub(crate) fn describe_str(text: &str) -> String {
    const MAX_CHARS: usize = 60;
    if text.chars().count() <= MAX_CHARS {
        return Value::String(text.to_owned()).to_string();
    }
    let cut: String = text.chars().take(MAX_CHARS).collect();
    format!("{}…", Value::String(cut))
}

/// Serde adapters for response models: each reads the lenient shapes above and
/// never fails on an optional field, so one odd value cannot sink a whole answer.
pub(crate) mod de {
    use serde::Deserialize;
    use serde::de::{DeserializeOwned, Deserializer, Error as _};
    use serde_json::Value;

    /// A required id, from a number or a numeric string.
    pub(crate) fn id<'de, D: Deserializer<'de>>(deserializer: D) -> Result<i64, D::Error> {
        let value = Value::deserialize(deserializer)?;
        match super::int(&value) {
            Ok(Some(id)) => Ok(id),
            Ok(None) => Err(D::Error::custom("the id is empty")),
            Err(_) => Err(D::Error::custom(format!(
                "expected an id, got {}",
                super::describe(&value)
            ))),
        }
    }

    /// An optional id; anything unreadable counts as absent.
    pub(crate) fn opt_id<'de, D: Deserializer<'de>>(
        deserializer: D,
    ) -> Result<Option<i64>, D::Error> {
        let value = Value::deserialize(deserializer)?;
        Ok(super::int(&value).ok().flatten())
    }

    /// Optional text; numbers are written out, arrays and objects count as absent.
    pub(crate) fn opt_text<'de, D: Deserializer<'de>>(
        deserializer: D,
    ) -> Result<Option<String>, D::Error> {
        let value = Value::deserialize(deserializer)?;
        Ok(super::text(&value).ok().flatten())
    }

    /// A flag from a bool, `0`/`1` or their string forms.
    pub(crate) fn flag<'de, D: Deserializer<'de>>(deserializer: D) -> Result<bool, D::Error> {
        let value = Value::deserialize(deserializer)?;
        Ok(super::flag(&value))
    }

    /// A list of ids; unreadable elements are skipped.
    pub(crate) fn ids<'de, D: Deserializer<'de>>(deserializer: D) -> Result<Vec<i64>, D::Error> {
        let value = Value::deserialize(deserializer)?;
        Ok(super::items(&value)
            .into_iter()
            .filter_map(|item| super::int(item).ok().flatten())
            .collect())
    }

    /// A list of raw values in any list shape.
    pub(crate) fn values<'de, D: Deserializer<'de>>(
        deserializer: D,
    ) -> Result<Vec<Value>, D::Error> {
        let value = Value::deserialize(deserializer)?;
        Ok(super::items(&value).into_iter().cloned().collect())
    }

    /// A list of models; elements that do not fit the model are skipped
    /// rather than failing the whole answer.
    pub(crate) fn list<'de, D: Deserializer<'de>, T: DeserializeOwned>(
        deserializer: D,
    ) -> Result<Vec<T>, D::Error> {
        let value = Value::deserialize(deserializer)?;
        Ok(super::items(&value)
            .into_iter()
            .filter_map(|item| T::deserialize(item).ok())
            .collect())
    }
}
