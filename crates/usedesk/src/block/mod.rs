//! The dynamic-block contract: what Usedesk POSTs when an agent opens a
//! ticket ([`BlockRequest`]) and what it expects back ([`BlockResponse`]).
//!
//! Usedesk documents only part of the request, so the reader is tolerant:
//! every field may be missing, `null` or `""`; ids may be numbers or strings;
//! the body may be JSON or a PHP-style form; unknown keys are kept.

pub(crate) mod client_data;
mod form;
mod language;

use std::fmt;

use secrecy::SecretString;
use serde_json::{Map, Value};

pub use client_data::{ClientData, MAX_CLIENT_ITEMS, Phone, PhoneKind};
pub use language::Language;

use crate::error::ParseError;
use crate::lenient::{self, IntError};

/// Where the block's secret key may arrive; Usedesk does not document its name.
const SECRET_KEYS: [&str; 2] = ["secret_key", "secret"];

/// Where the language parameter may arrive: the setup article names it
/// `idioma` in Portuguese, and admins type the English names too.
const LANGUAGE_KEYS: [&str; 4] = ["language", "lang", "idioma", "locale"];

/// The body Usedesk POSTs to the block's URL when an agent opens a ticket.
///
/// Holds both the documented ticket fields and the block's own POST
/// parameters (`amo_base_host`, `usedesk_api_token`, the language). Its
/// `Debug` output never shows the secret key, the API token, or any unknown
/// key whose name suggests a credential.
#[derive(Clone, Default)]
pub struct BlockRequest {
    /// The ticket's id.
    pub ticket_id: Option<i64>,
    /// The ticket's subject.
    pub subject: Option<String>,
    /// The Usedesk client's id.
    pub client_id: Option<i64>,
    /// The contact the ticket came from (an address or a number).
    pub contact: Option<String>,
    /// The channel's id.
    pub channel_id: Option<i64>,
    /// The channel's type (deprecated by Usedesk in favour of `channel_data`).
    pub channel_type: Option<String>,
    /// The address the ticket was sent from (deprecated by Usedesk).
    pub from_email: Option<String>,
    /// The channel's data, kept as sent: its content is undocumented.
    pub channel_data: Option<Value>,
    /// The ticket's client.
    pub client_data: ClientData,
    /// The block's secret key, from `secret_key` or `secret`.
    pub secret_key: Option<SecretString>,
    /// The amoCRM account's address, a block POST parameter.
    pub amo_base_host: Option<String>,
    /// The Usedesk API token, a block POST parameter.
    pub usedesk_api_token: Option<SecretString>,
    /// The language to answer in, from `language`, `lang` or `idioma`; English when absent or unknown.
    pub language: Language,
    /// Whether the request named a known language (so `language` is not merely the default).
    pub language_given: bool,
    /// Keys this crate does not interpret, kept as sent.
    pub extra: Map<String, Value>,
}

impl BlockRequest {
    /// Reads a block request, choosing the format from the content type.
    ///
    /// A body starting with `{` is read as JSON whatever the content type
    /// says. Otherwise `application/json` (or any `+json` type) means JSON,
    /// `application/x-www-form-urlencoded` means a form, `multipart/*` is
    /// refused, and a missing or unknown content type means a form unless
    /// the body opens like JSON (`[` or `"`). An empty body is a request
    /// with every field absent.
    pub fn parse(content_type: Option<&str>, body: &[u8]) -> Result<BlockRequest, ParseError> {
        let first = strip_bom(body)
            .iter()
            .copied()
            .find(|byte| !byte.is_ascii_whitespace());
        if first == Some(b'{') {
            return BlockRequest::from_json(body);
        }
        let media_type = content_type
            .and_then(|value| value.split(';').next())
            .map(|value| value.trim().to_ascii_lowercase())
            .unwrap_or_default();
        if media_type == "application/json"
            || media_type == "text/json"
            || media_type.ends_with("+json")
        {
            return BlockRequest::from_json(body);
        }
        if media_type.starts_with("multipart/") {
            return Err(ParseError::new(
                "body",
                format!(
                    "{media_type} bodies are not supported; \
                     send JSON or application/x-www-form-urlencoded"
                ),
            ));
        }
        if media_type != "application/x-www-form-urlencoded" && matches!(first, Some(b'[' | b'"')) {
            // Without a form content type, a body that opens like JSON is
            // JSON; reading it as JSON gives a far clearer error.
            return BlockRequest::from_json(body);
        }
        BlockRequest::from_form(body)
    }

    /// Reads a JSON body. An empty body is a request with every field absent.
    pub fn from_json(body: &[u8]) -> Result<BlockRequest, ParseError> {
        let body = strip_bom(body);
        if body.iter().all(u8::is_ascii_whitespace) {
            return Ok(BlockRequest::default());
        }
        let value: Value = serde_json::from_slice(body)
            .map_err(|error| ParseError::new("body", format!("invalid JSON: {error}")))?;
        match value {
            Value::Object(map) => BlockRequest::from_map(map),
            other => Err(ParseError::new(
                "body",
                format!("expected a JSON object, got {}", lenient::describe(&other)),
            )),
        }
    }

    /// Reads an `application/x-www-form-urlencoded` body with PHP-style
    /// nested keys (`client_data[phones][0][phone]=…`).
    pub fn from_form(body: &[u8]) -> Result<BlockRequest, ParseError> {
        BlockRequest::from_map(form::decode(strip_bom(body)))
    }

    fn from_map(mut map: Map<String, Value>) -> Result<BlockRequest, ParseError> {
        let ticket_id = take_id(&mut map, "ticket_id")?;
        let client_id = take_id(&mut map, "client_id")?;
        let channel_id = take_id(&mut map, "channel_id")?;
        let client_data = match map.remove("client_data") {
            None => ClientData::default(),
            Some(value) => ClientData::from_value(value)?,
        };
        let channel_data = map.remove("channel_data").and_then(decode_nested);
        let language = take_language(&mut map);
        Ok(BlockRequest {
            ticket_id,
            subject: take_text(&mut map, "subject"),
            client_id,
            contact: take_text(&mut map, "contact"),
            channel_id,
            channel_type: take_text(&mut map, "channel_type"),
            from_email: take_text(&mut map, "from_email"),
            channel_data,
            client_data,
            secret_key: take_secret(&mut map, &SECRET_KEYS),
            amo_base_host: take_text(&mut map, "amo_base_host"),
            usedesk_api_token: take_secret(&mut map, &["usedesk_api_token"]),
            language: language.unwrap_or_default(),
            language_given: language.is_some(),
            extra: map,
        })
    }
}

impl fmt::Debug for BlockRequest {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("BlockRequest")
            .field("ticket_id", &self.ticket_id)
            .field("subject", &self.subject)
            .field("client_id", &self.client_id)
            .field("contact", &self.contact)
            .field("channel_id", &self.channel_id)
            .field("channel_type", &self.channel_type)
            .field("from_email", &self.from_email)
            .field("channel_data", &self.channel_data)
            .field("client_data", &self.client_data)
            .field("secret_key", &redacted(self.secret_key.as_ref()))
            .field("amo_base_host", &self.amo_base_host)
            .field(
                "usedesk_api_token",
                &redacted(self.usedesk_api_token.as_ref()),
            )
            .field("language", &self.language)
            .field("extra", &redact_credentials(&self.extra))
            .finish()
    }
}

/// What the block answers: `{"html": "…"}`, served as `application/json`.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct BlockResponse {
    /// The HTML Usedesk inserts into the ticket card.
    pub html: String,
}

impl BlockResponse {
    /// A response carrying this HTML.
    pub fn new(html: impl Into<String>) -> BlockResponse {
        BlockResponse { html: html.into() }
    }

    /// The response body: `{"html":"…"}`.
    pub fn to_json(&self) -> String {
        // Written straight into one buffer: the block's HTML is large, and going through a
        // `Value` would copy it and escape it piece by piece through the formatter.
        let mut out = Vec::with_capacity(self.html.len() + self.html.len() / 8 + 16);
        out.extend_from_slice(b"{\"html\":");
        serde_json::to_writer(&mut out, self.html.as_str())
            .expect("a string always serialises to JSON");
        out.push(b'}');
        String::from_utf8(out).expect("serde_json writes UTF-8")
    }
}

fn strip_bom(body: &[u8]) -> &[u8] {
    body.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(body)
}

fn take_id(map: &mut Map<String, Value>, field: &str) -> Result<Option<i64>, ParseError> {
    let Some(value) = map.remove(field) else {
        return Ok(None);
    };
    lenient::int(&value).map_err(|error| {
        let message = match error {
            IntError::WrongType { got } | IntError::NotNumeric { got } => {
                format!("expected a number, got {got}")
            }
            IntError::Fractional { got } => format!("expected a whole number, got {got}"),
            IntError::OutOfRange { got } => format!("the number {got} is too large for an id"),
            IntError::Template { text } => format!(
                "expected a number, got the unsubstituted template {}",
                lenient::describe_str(&text)
            ),
        };
        ParseError::new(field, message)
    })
}

/// Takes a scalar field as text; a value with no text form (an array or an
/// object) is left in the map, so it reaches `extra` instead of being lost.
fn take_text(map: &mut Map<String, Value>, field: &str) -> Option<String> {
    let value = map.remove(field)?;
    match lenient::text(&value) {
        Ok(text) => text,
        Err(()) => {
            map.insert(field.to_owned(), value);
            None
        }
    }
}

/// Takes the first non-blank value under any of `keys` as a secret, and
/// removes every one of them so no copy stays behind in `extra`.
fn take_secret(map: &mut Map<String, Value>, keys: &[&str]) -> Option<SecretString> {
    let mut secret = None;
    for key in keys {
        let Some(value) = map.remove(*key) else {
            continue;
        };
        if secret.is_none() {
            secret = lenient::text(&value).ok().flatten().map(SecretString::from);
        }
    }
    secret
}

/// Takes the language from the first of its aliases that names a known one.
fn take_language(map: &mut Map<String, Value>) -> Option<Language> {
    let mut language = None;
    for key in LANGUAGE_KEYS {
        let Some(value) = map.remove(key) else {
            continue;
        };
        if language.is_none() {
            language = lenient::text(&value)
                .ok()
                .flatten()
                .and_then(|code| Language::from_code(&code));
        }
    }
    language
}

/// Keeps a nested value as sent, except that blanks read as absent and a
/// JSON-encoded object or array inside a string (as form senders produce) is decoded.
fn decode_nested(value: Value) -> Option<Value> {
    match value {
        Value::Null => None,
        Value::String(text) if text.trim().is_empty() => None,
        Value::String(text) => match serde_json::from_str::<Value>(&text) {
            Ok(decoded @ (Value::Object(_) | Value::Array(_))) => Some(decoded),
            _ => Some(Value::String(text)),
        },
        other => Some(other),
    }
}

fn redacted(secret: Option<&SecretString>) -> Option<&'static str> {
    secret.map(|_| "[REDACTED]")
}

/// A copy of `extra` with the values of credential-like keys blanked, at any
/// depth, so a block parameter such as `access_token` never reaches a log.
fn redact_credentials(map: &Map<String, Value>) -> Map<String, Value> {
    map.iter()
        .map(|(key, value)| {
            let value = if is_credential_key(key) {
                Value::String("[REDACTED]".to_owned())
            } else {
                redact_nested(value)
            };
            (key.clone(), value)
        })
        .collect()
}

fn redact_nested(value: &Value) -> Value {
    match value {
        Value::Object(map) => Value::Object(redact_credentials(map)),
        Value::Array(items) => Value::Array(items.iter().map(redact_nested).collect()),
        other => other.clone(),
    }
}

fn is_credential_key(key: &str) -> bool {
    let lowered = key.to_ascii_lowercase();
    [
        "token",
        "secret",
        "password",
        "passwd",
        "key",
        "auth",
        "credential",
    ]
    .iter()
    .any(|marker| lowered.contains(marker))
}
