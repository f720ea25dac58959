//! Tolerant deserializers: amoCRM sends `null` where a list or a number is expected, numbers as
//! strings and strings as numbers, so a strict derive would turn harmless variations into errors.

use serde::{Deserialize, Deserializer};
use serde_json::Value;

/// `null` (or an absent field, with `#[serde(default)]`) becomes `T::default()`.
pub(crate) fn null_default<'de, D, T>(deserializer: D) -> Result<T, D::Error>
where
    D: Deserializer<'de>,
    T: Default + Deserialize<'de>,
{
    Ok(Option::<T>::deserialize(deserializer)?.unwrap_or_default())
}

/// A string, or a number / bool written as text; `null` and other shapes become `None`.
pub(crate) fn lenient_string<'de, D>(deserializer: D) -> Result<Option<String>, D::Error>
where
    D: Deserializer<'de>,
{
    Ok(match Value::deserialize(deserializer)? {
        Value::String(s) => Some(s),
        Value::Number(n) => Some(n.to_string()),
        Value::Bool(b) => Some(b.to_string()),
        _ => None,
    })
}

/// A required identifier sent as a string or a number, kept as a string.
pub(crate) fn string_or_number<'de, D>(deserializer: D) -> Result<String, D::Error>
where
    D: Deserializer<'de>,
{
    match Value::deserialize(deserializer)? {
        Value::String(s) => Ok(s),
        Value::Number(n) => Ok(n.to_string()),
        other => Err(serde::de::Error::custom(format!(
            "expected a string or a number, found {other}"
        ))),
    }
}

/// A status code given as a number or a numeric string; anything else becomes `None`.
pub(crate) fn lenient_u16<'de, D>(deserializer: D) -> Result<Option<u16>, D::Error>
where
    D: Deserializer<'de>,
{
    Ok(match Value::deserialize(deserializer)? {
        Value::Number(n) => n.as_u64().and_then(|n| u16::try_from(n).ok()),
        Value::String(s) => s.trim().parse().ok(),
        _ => None,
    })
}

/// An integer that may arrive as a float or a numeric string (prices); `null` becomes 0.
pub(crate) fn lenient_i64<'de, D>(deserializer: D) -> Result<i64, D::Error>
where
    D: Deserializer<'de>,
{
    Ok(match Value::deserialize(deserializer)? {
        Value::Number(n) => n
            .as_i64()
            // Rounding is intended: amoCRM prices are integers, a float here is a
            // representation accident, not a fraction worth keeping.
            .or_else(|| n.as_f64().map(|f| f.round() as i64))
            .unwrap_or_default(),
        Value::String(s) => s.trim().parse().unwrap_or_default(),
        _ => 0,
    })
}

/// One string or a list of strings (the complex-create answer sends `request_id` as a list).
pub(crate) fn one_or_many_strings<'de, D>(deserializer: D) -> Result<Vec<String>, D::Error>
where
    D: Deserializer<'de>,
{
    fn text(value: Value) -> Option<String> {
        match value {
            Value::String(s) => Some(s),
            Value::Number(n) => Some(n.to_string()),
            _ => None,
        }
    }
    Ok(match Value::deserialize(deserializer)? {
        Value::Array(items) => items.into_iter().filter_map(text).collect(),
        other => text(other).into_iter().collect(),
    })
}

/// The `id` of an embedded entity reference such as `{"id": 5, "_links": …}`.
#[derive(Debug, Deserialize)]
pub(crate) struct IdRef {
    pub(crate) id: i64,
}
