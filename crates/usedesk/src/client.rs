//! The Usedesk API client: one POST per method, the token in the JSON body,
//! and one place that turns Usedesk's answers into values or [`Error`]s.

use std::fmt;
use std::time::{Duration, Instant};

use secrecy::{ExposeSecret, SecretString};
use serde::de::DeserializeOwned;
use serde_json::{Map, Value};
use url::Url;

use crate::error::{Error, MAX_KEPT_BODY, truncate};

/// Answers larger than this are refused rather than buffered: no Usedesk
/// method this crate calls returns anywhere near it.
const MAX_RESPONSE_BYTES: usize = 16 * 1024 * 1024;

/// A client for the Usedesk API of one Usedesk account (one API token).
///
/// Every method is `POST {base}/{method}` with a JSON body carrying
/// `api_token`. Cloning is cheap and shares the HTTP connection pool. The
/// `Debug` output shows the base URL and timeout, never the token.
#[derive(Clone)]
pub struct UsedeskClient {
    base_url: Url,
    api_token: SecretString,
    http: reqwest::Client,
    timeout: Duration,
}

impl UsedeskClient {
    /// The public cloud API.
    pub const DEFAULT_BASE: &'static str = "https://api.usedesk.ru";

    /// How long a call may take, from connecting to the end of the answer,
    /// unless [`UsedeskClient::with_timeout`] says otherwise.
    pub const DEFAULT_TIMEOUT: Duration = Duration::from_secs(10);

    /// A client for the API at `base_url`, such as [`UsedeskClient::DEFAULT_BASE`],
    /// `https://secure.usedesk.com/uapi`, or an on-premise address. A base
    /// with or without a trailing slash works the same.
    pub fn new(base_url: Url, api_token: SecretString, http: reqwest::Client) -> UsedeskClient {
        UsedeskClient {
            base_url: with_trailing_slash(base_url),
            api_token,
            http,
            timeout: UsedeskClient::DEFAULT_TIMEOUT,
        }
    }

    /// The same client with another timeout per call.
    pub fn with_timeout(mut self, timeout: Duration) -> UsedeskClient {
        self.timeout = timeout;
        self
    }

    /// The base URL, always ending in `/`.
    pub fn base_url(&self) -> &Url {
        &self.base_url
    }

    /// The timeout per call.
    pub fn timeout(&self) -> Duration {
        self.timeout
    }

    /// The full URL of an API method, such as `create/comment`.
    pub fn endpoint(&self, method: &str) -> Result<Url, Error> {
        let invalid = |message: String| Error::BaseUrl {
            url: self.base_url.to_string(),
            message,
        };
        if !matches!(self.base_url.scheme(), "http" | "https") {
            return Err(invalid(format!(
                "the scheme must be http or https, not {}",
                self.base_url.scheme()
            )));
        }
        self.base_url
            .join(method)
            .map_err(|error| invalid(error.to_string()))
    }

    /// Calls `method` with `params` (the token is added) and returns the
    /// answer's JSON, after every error check.
    pub(crate) async fn call_value(
        &self,
        method: &str,
        mut params: Map<String, Value>,
    ) -> Result<Value, Error> {
        let url = self.endpoint(method)?;
        params.insert(
            "api_token".to_owned(),
            Value::String(self.api_token.expose_secret().to_owned()),
        );
        let started = Instant::now();
        let (status, bytes) = self.send(method, url, &params).await.inspect_err(|error| {
            tracing::debug!(method, %error, "Usedesk call failed before an answer");
        })?;
        tracing::debug!(
            method,
            status,
            bytes = bytes.len(),
            elapsed_ms = u64::try_from(started.elapsed().as_millis()).unwrap_or(u64::MAX),
            "Usedesk answered"
        );
        self.interpret(method, status, &bytes)
    }

    async fn send(
        &self,
        method: &str,
        url: Url,
        body: &Map<String, Value>,
    ) -> Result<(u16, Vec<u8>), Error> {
        let mut response = self
            .http
            .post(url)
            .timeout(self.timeout)
            .header(reqwest::header::ACCEPT, "application/json")
            .json(body)
            .send()
            .await
            .map_err(transport_error)?;
        let status = response.status().as_u16();
        let mut bytes = Vec::new();
        while let Some(chunk) = response.chunk().await.map_err(transport_error)? {
            if bytes.len() + chunk.len() > MAX_RESPONSE_BYTES {
                return Err(Error::Decode {
                    method: method.to_owned(),
                    message: format!(
                        "the answer (HTTP {status}) exceeds {MAX_RESPONSE_BYTES} bytes"
                    ),
                });
            }
            bytes.extend_from_slice(&chunk);
        }
        Ok((status, bytes))
    }

    /// Turns an HTTP answer into JSON or an [`Error`].
    fn interpret(&self, method: &str, status: u16, bytes: &[u8]) -> Result<Value, Error> {
        let json: Option<Value> = serde_json::from_slice(bytes).ok();
        let failure = json.as_ref().and_then(failure_message);
        // The kept body is built only for an error: a success can be large.
        let body = || self.kept_body(bytes);
        match status {
            401 | 403 => Err(Error::Unauthorized { body: body() }),
            // A 404 without JSON is a web server's page for a wrong path, which
            // means a wrong base URL, not a missing ticket.
            404 if json.is_some() => Err(Error::NotFound { body: body() }),
            200..=299 => match (json, failure) {
                (_, Some(message)) => Err(classify(message, body())),
                (Some(json), None) => Ok(json),
                (None, None) => Err(Error::Decode {
                    method: method.to_owned(),
                    message: format!("expected JSON, got {}", describe_body(&body())),
                }),
            },
            _ if failure.as_deref().is_some_and(is_about_token) => {
                Err(Error::Unauthorized { body: body() })
            }
            _ => Err(Error::Http {
                status,
                body: body(),
            }),
        }
    }

    /// The body as errors keep it: lossy UTF-8, the token blanked, cut to 2 KiB.
    fn kept_body(&self, bytes: &[u8]) -> String {
        let text = String::from_utf8_lossy(bytes);
        let token = self.api_token.expose_secret();
        let text = if token.is_empty() {
            text.into_owned()
        } else {
            text.replace(token, "[REDACTED]")
        };
        truncate(&text, MAX_KEPT_BODY)
    }
}

impl fmt::Debug for UsedeskClient {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("UsedeskClient")
            .field("base_url", &self.base_url.as_str())
            .field("api_token", &"[REDACTED]")
            .field("timeout", &self.timeout)
            .finish_non_exhaustive()
    }
}

/// Decodes a checked answer into a model.
pub(crate) fn decode<T: DeserializeOwned>(method: &str, value: Value) -> Result<T, Error> {
    serde_json::from_value(value).map_err(|error| Error::Decode {
        method: method.to_owned(),
        message: error.to_string(),
    })
}

fn with_trailing_slash(mut url: Url) -> Url {
    if !url.path().ends_with('/') {
        let path = format!("{}/", url.path());
        url.set_path(&path);
    }
    url
}

fn transport_error(error: reqwest::Error) -> Error {
    if error.is_timeout() {
        return Error::Timeout;
    }
    // reqwest's own message is terse ("error sending request"); the causes
    // below it say what actually failed (DNS, refused connection, TLS).
    let error = error.without_url();
    let mut message = error.to_string();
    let mut source = std::error::Error::source(&error);
    while let Some(cause) = source {
        message.push_str(": ");
        message.push_str(&cause.to_string());
        source = cause.source();
    }
    Error::Transport(message)
}

/// The failure a JSON body reports, if any: `{"error": …}`, `{"errors": …}`,
/// or a `status` of `false`, `"error"` or `"fail"`.
fn failure_message(json: &Value) -> Option<String> {
    let Value::Object(map) = json else {
        return None;
    };
    if let Some(message) = map.get("error").and_then(error_text) {
        return Some(message);
    }
    if let Some(message) = map.get("errors").and_then(error_text) {
        return Some(message);
    }
    let failed = match map.get("status") {
        Some(Value::Bool(false)) => true,
        Some(Value::String(status)) => matches!(
            status.trim().to_ascii_lowercase().as_str(),
            "error" | "fail" | "failed" | "failure"
        ),
        _ => false,
    };
    if !failed {
        return None;
    }
    let message = map
        .get("message")
        .and_then(error_text)
        .unwrap_or_else(|| format!("status is {}", map.get("status").unwrap_or(&Value::Null)));
    Some(message)
}

/// The text of an error value; `null`, `false` and blanks mean no error.
fn error_text(value: &Value) -> Option<String> {
    match value {
        Value::Null | Value::Bool(false) => None,
        Value::String(text) => {
            let text = text.trim();
            (!text.is_empty()).then(|| text.to_owned())
        }
        Value::Array(items) => {
            let parts: Vec<String> = items.iter().filter_map(error_text).collect();
            (!parts.is_empty()).then(|| parts.join("; "))
        }
        Value::Object(map) => map.get("message").and_then(error_text).or_else(|| {
            let parts: Vec<String> = map
                .iter()
                .filter_map(|(key, item)| error_text(item).map(|text| format!("{key}: {text}")))
                .collect();
            (!parts.is_empty()).then(|| parts.join("; "))
        }),
        other => Some(other.to_string()),
    }
}

/// Sorts an error message into the variant that tells the caller what to do.
fn classify(message: String, body: String) -> Error {
    if is_about_token(&message) {
        return Error::Unauthorized { body };
    }
    if is_about_absence(&message) {
        return Error::NotFound { body };
    }
    Error::Api { message, body }
}

fn is_about_token(message: &str) -> bool {
    contains_any(
        message,
        &[
            "token",
            "unauthori",
            "not authori",
            "authentication",
            "access denied",
            "токен",
            "авториз",
        ],
    )
}

fn is_about_absence(message: &str) -> bool {
    contains_any(
        message,
        &[
            "not found",
            "not exist",
            "doesn't exist",
            "no such",
            "не найден",
            "не существует",
        ],
    )
}

fn contains_any(message: &str, markers: &[&str]) -> bool {
    let lowered = message.to_lowercase();
    markers.iter().any(|marker| lowered.contains(marker))
}

fn describe_body(body: &str) -> String {
    if body.trim().is_empty() {
        return "an empty body".to_owned();
    }
    crate::lenient::describe_str(body)
}
