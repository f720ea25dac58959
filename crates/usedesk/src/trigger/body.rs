//! From raw bytes to the payload object: size limit, JSON syntax (with the
//! `//` notes the setup article's example carries), and the trigger envelope.

use serde_json::{Map, Value};

use super::problem::{Problem, ProblemCode, body_problem};
use crate::lenient;

/// The largest trigger body accepted, in bytes (256 KiB).
pub const MAX_BODY_BYTES: usize = 256 * 1024;

/// Keys that mark an object as the payload itself rather than an envelope.
const PAYLOAD_KEYS: [&str; 4] = ["amoClientId", "amo_client_id", "ticketId", "ticket_id"];

/// The payload object, and `data` when it was unwrapped from an envelope.
pub(crate) fn payload(body: &[u8]) -> Result<(Map<String, Value>, &'static str), Vec<Problem>> {
    if body.len() > MAX_BODY_BYTES {
        return Err(body_problem(
            "body",
            ProblemCode::TooLarge,
            format!(
                "the body is {} bytes; at most {MAX_BODY_BYTES} bytes (256 KiB) are accepted: \
                 send only amoClientId, ticketId, fields and comment",
                body.len()
            ),
        ));
    }
    let root = match parse(body, "body")? {
        Value::Object(root) => root,
        other => {
            return Err(body_problem(
                "body",
                ProblemCode::WrongType,
                format!(
                    "the body must be a JSON object like {{\"amoClientId\": …, \"ticketId\": …, \"fields\": {{…}}}}, got {}",
                    lenient::describe(&other)
                ),
            ));
        }
    };
    let is_envelope =
        root.contains_key("data") && !PAYLOAD_KEYS.iter().any(|key| root.contains_key(*key));
    if !is_envelope {
        return Ok((root, ""));
    }
    unwrap_envelope(root).map(|payload| (payload, "data"))
}

/// The value of the header `name` (any case) that the trigger action's envelope lists in its `headers`, when the
/// body is such an envelope. Usedesk's action has a headers list; should it post its whole configuration rather
/// than send the list as HTTP headers, this is where a header the admin added ends up.
///
/// The list's exact form is undocumented, so every plausible one is read: an object (`{"Name": "value"}`), an
/// array of `"Name: value"` lines, of `{"name"|"key"|"header": …, "value": …}` objects, of one-pair objects or of
/// `["Name", "value"]` pairs, or any of these as a JSON string.
pub(crate) fn envelope_header(body: &[u8], name: &str) -> Option<String> {
    if body.len() > MAX_BODY_BYTES {
        return None;
    }
    let Ok(Value::Object(root)) = parse(body, "body") else {
        return None;
    };
    let is_envelope =
        root.contains_key("data") && !PAYLOAD_KEYS.iter().any(|key| root.contains_key(*key));
    if !is_envelope {
        return None;
    }
    header_in(root.get("headers")?, name, 0)
}

fn header_in(headers: &Value, name: &str, depth: u8) -> Option<String> {
    let named = |key: &str| key.trim().eq_ignore_ascii_case(name);
    let text = |value: &Value| {
        value
            .as_str()
            .map(str::trim)
            .filter(|v| !v.is_empty())
            .map(str::to_owned)
    };
    let line = |line: &str| {
        line.split_once(':')
            .filter(|(key, _)| named(key))
            .map(|(_, value)| value.trim().to_owned())
            .filter(|value| !value.is_empty())
    };
    match headers {
        Value::String(inner) if depth == 0 => match serde_json::from_str::<Value>(inner) {
            Ok(value) => header_in(&value, name, depth + 1),
            Err(_) => inner.lines().find_map(line),
        },
        Value::Object(map) => {
            let key = ["name", "key", "header"]
                .iter()
                .find_map(|k| map.get(*k))
                .and_then(Value::as_str);
            match key {
                Some(key) if named(key) => map.get("value").and_then(text),
                Some(_) => None,
                None => map
                    .iter()
                    .find(|(k, _)| named(k))
                    .and_then(|(_, v)| text(v)),
            }
        }
        Value::Array(items) => items.iter().find_map(|item| match item {
            Value::String(l) => line(l),
            Value::Array(pair) => match pair.as_slice() {
                [Value::String(key), value] if named(key) => text(value),
                _ => None,
            },
            Value::Object(_) => header_in(item, name, depth + 1),
            _ => None,
        }),
        _ => None,
    }
}

/// Takes the payload out of the trigger action's `{"url", "data", "headers"}`
/// form; `data` may be an object or a JSON string.
fn unwrap_envelope(mut root: Map<String, Value>) -> Result<Map<String, Value>, Vec<Problem>> {
    let data = root.remove("data").unwrap_or(Value::Null);
    let data = match data {
        Value::String(text) if !text.trim().is_empty() => parse(text.as_bytes(), "data")?,
        other => other,
    };
    match data {
        Value::Object(payload) => Ok(payload),
        Value::Null | Value::String(_) => Err(body_problem(
            "data",
            ProblemCode::Missing,
            "data is empty: put the freeCreateLead object (amoClientId, ticketId, fields, comment) in data".to_owned(),
        )),
        other => Err(body_problem(
            "data",
            ProblemCode::WrongType,
            format!(
                "data must be the freeCreateLead object or a JSON string holding it, got {}",
                lenient::describe(&other)
            ),
        )),
    }
}

/// Parses JSON text, tolerating `//` and `/* */` comments.
fn parse(bytes: &[u8], path: &str) -> Result<Value, Vec<Problem>> {
    let bytes = bytes.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(bytes);
    if bytes.iter().all(u8::is_ascii_whitespace) {
        return Err(body_problem(
            path,
            ProblemCode::Missing,
            format!("{path} is empty: send a JSON object with amoClientId, ticketId and fields"),
        ));
    }
    let first_error = match serde_json::from_slice(bytes) {
        Ok(value) => return Ok(value),
        Err(error) => error,
    };
    let Some(uncommented) = strip_comments(bytes) else {
        return Err(syntax_problem(path, &first_error, false));
    };
    serde_json::from_slice(&uncommented).map_err(|error| syntax_problem(path, &error, true))
}

fn syntax_problem(path: &str, error: &serde_json::Error, had_comments: bool) -> Vec<Problem> {
    let hint = if had_comments {
        "; the // notes were ignored, but a note that wraps onto the next line breaks the JSON: \
         delete the notes copied from the example"
    } else {
        ""
    };
    body_problem(
        path,
        ProblemCode::Syntax,
        format!("{path} is not valid JSON: {error}{hint}"),
    )
}

/// Blanks out `//` and `/* */` comments outside strings, keeping every
/// newline so error positions still match the text the admin wrote.
/// Returns `None` when there are no comments to strip.
fn strip_comments(bytes: &[u8]) -> Option<Vec<u8>> {
    let mut out = bytes.to_vec();
    let mut found = false;
    let mut in_string = false;
    let mut index = 0;
    while index < out.len() {
        let byte = out[index];
        if in_string {
            match byte {
                b'\\' => index += 1,
                b'"' => in_string = false,
                _ => {}
            }
            index += 1;
            continue;
        }
        match (byte, out.get(index + 1)) {
            (b'"', _) => in_string = true,
            (b'/', Some(b'/')) => {
                found = true;
                while index < out.len() && out[index] != b'\n' {
                    out[index] = b' ';
                    index += 1;
                }
                continue;
            }
            (b'/', Some(b'*')) => {
                found = true;
                let end = out[index + 2..]
                    .windows(2)
                    .position(|pair| pair == b"*/")
                    .map_or(out.len(), |offset| index + 2 + offset + 2);
                for blank in &mut out[index..end] {
                    if *blank != b'\n' {
                        *blank = b' ';
                    }
                }
                index = end;
                continue;
            }
            _ => {}
        }
        index += 1;
    }
    found.then_some(out)
}
