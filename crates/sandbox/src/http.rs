//! Small HTTP building blocks shared by both stand-ins: responses, query strings in PHP's bracket
//! notation, form bodies, and HTML escaping.

use std::collections::BTreeMap;

use bytes::Bytes;
use http::{HeaderValue, Response, StatusCode, header};
use http_body_util::Full;
use serde_json::{Map, Value};

use crate::error::ApiError;

/// The body type of every response the sandbox sends.
pub(crate) type Body = Full<Bytes>;

/// Builds a response with a body and a content type.
pub(crate) fn respond(
    status: StatusCode,
    content_type: &'static str,
    body: impl Into<Bytes>,
) -> Response<Body> {
    let mut response = Response::new(Full::new(body.into()));
    *response.status_mut() = status;
    response
        .headers_mut()
        .insert(header::CONTENT_TYPE, HeaderValue::from_static(content_type));
    response
}

/// A HAL document, which is what amoCRM answers on success.
pub(crate) fn hal(status: StatusCode, value: &Value) -> Response<Body> {
    respond(status, "application/hal+json", value.to_string())
}

/// A plain JSON document (OAuth answers, complex create, Usedesk, sandbox controls).
pub(crate) fn json(status: StatusCode, value: &Value) -> Response<Body> {
    respond(status, "application/json", value.to_string())
}

/// An RFC 7807 problem document, which is what amoCRM answers on errors.
pub(crate) fn problem(status: StatusCode, value: &Value) -> Response<Body> {
    respond(status, "application/problem+json", value.to_string())
}

/// An HTML page.
pub(crate) fn html(status: StatusCode, page: String) -> Response<Body> {
    respond(status, "text/html; charset=utf-8", page)
}

/// 204 with an empty body: amoCRM's answer to every empty list.
pub(crate) fn no_content() -> Response<Body> {
    let mut response = Response::new(Full::new(Bytes::new()));
    *response.status_mut() = StatusCode::NO_CONTENT;
    response
}

/// A 302 redirect to `location`.
pub(crate) fn redirect(location: &str) -> Response<Body> {
    let mut response = Response::new(Full::new(Bytes::new()));
    *response.status_mut() = StatusCode::FOUND;
    if let Ok(value) = HeaderValue::from_str(location) {
        response.headers_mut().insert(header::LOCATION, value);
    }
    response
}

/// Escapes text for HTML element content and quoted attribute values.
pub(crate) fn escape_html(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            other => out.push(other),
        }
    }
    out
}

/// A decoded query string that keeps every pair in order, because amoCRM's filters repeat keys
/// (`filter[id][]=1&filter[id][]=2`).
#[derive(Debug, Clone, Default)]
pub(crate) struct Query {
    pairs: Vec<(String, String)>,
}

impl Query {
    /// Decodes a raw query string; malformed input is a client error.
    pub(crate) fn parse(raw: Option<&str>) -> Result<Self, ApiError> {
        let pairs = match raw {
            None | Some("") => Vec::new(),
            Some(raw) => serde_urlencoded::from_str::<Vec<(String, String)>>(raw)
                .map_err(|e| ApiError::BadRequest(format!("malformed query string: {e}")))?,
        };
        Ok(Self { pairs })
    }

    /// The first value of an exact key.
    pub(crate) fn get(&self, key: &str) -> Option<&str> {
        self.pairs
            .iter()
            .find(|(k, _)| k == key)
            .map(|(_, v)| v.as_str())
    }

    /// The first non-blank value of an exact key, trimmed.
    pub(crate) fn get_trimmed(&self, key: &str) -> Option<&str> {
        self.get(key).map(str::trim).filter(|v| !v.is_empty())
    }

    /// Every value of a PHP-style list: `base=a,b`, `base[]=a`, or `base[0]=a`.
    pub(crate) fn multi(&self, base: &str) -> Vec<String> {
        let mut out = Vec::new();
        for (key, value) in &self.pairs {
            if key == base {
                out.extend(
                    value
                        .split(',')
                        .map(str::trim)
                        .filter(|v| !v.is_empty())
                        .map(String::from),
                );
                continue;
            }
            let Some(rest) = key.strip_prefix(base) else {
                continue;
            };
            let Some(inner) = rest.strip_prefix('[').and_then(|r| r.strip_suffix(']')) else {
                continue;
            };
            if inner.is_empty() || inner.bytes().all(|b| b.is_ascii_digit()) {
                let value = value.trim();
                if !value.is_empty() {
                    out.push(value.to_owned());
                }
            }
        }
        out
    }

    /// A PHP-style list of integer ids; a non-numeric entry is a client error naming the key.
    pub(crate) fn ids(&self, base: &str) -> Result<Vec<i64>, ApiError> {
        self.multi(base)
            .iter()
            .map(|v| {
                v.parse::<i64>().map_err(|_| {
                    ApiError::BadRequest(format!("{base}: expected an integer, got {v:?}"))
                })
            })
            .collect()
    }

    /// The `with` list, lower-cased.
    pub(crate) fn with(&self) -> Vec<String> {
        self.multi("with")
            .into_iter()
            .map(|w| w.to_ascii_lowercase())
            .collect()
    }

    /// True when `with` names `item`.
    pub(crate) fn has_with(&self, item: &str) -> bool {
        self.with().iter().any(|w| w == item)
    }

    /// The `order[field]=asc|desc` pair, if any.
    pub(crate) fn order(&self) -> Result<Option<(String, bool)>, ApiError> {
        for (key, value) in &self.pairs {
            let Some(field) = key.strip_prefix("order[").and_then(|r| r.strip_suffix(']')) else {
                continue;
            };
            let descending = match value.to_ascii_lowercase().as_str() {
                "asc" => false,
                "desc" => true,
                other => {
                    return Err(ApiError::BadRequest(format!(
                        "{key}: expected asc or desc, got {other:?}"
                    )));
                }
            };
            return Ok(Some((field.to_owned(), descending)));
        }
        Ok(None)
    }

    /// Pairs whose key starts with `prefix`, for nested filters such as `filter[statuses][0][status_id]`.
    pub(crate) fn with_prefix<'a>(
        &'a self,
        prefix: &'a str,
    ) -> impl Iterator<Item = (&'a str, &'a str)> + 'a {
        self.pairs
            .iter()
            .filter_map(move |(k, v)| k.strip_prefix(prefix).map(|rest| (rest, v.as_str())))
    }

    /// An optional non-negative integer parameter.
    pub(crate) fn int(&self, key: &str) -> Result<Option<i64>, ApiError> {
        match self.get_trimmed(key) {
            None => Ok(None),
            Some(v) => v.parse::<i64>().map(Some).map_err(|_| {
                ApiError::BadRequest(format!("{key}: expected an integer, got {v:?}"))
            }),
        }
    }

    /// The same query with `page` and `limit` replaced, encoded for a `_links` href.
    pub(crate) fn encode_with_page(&self, page: usize, limit: usize) -> String {
        let mut pairs: Vec<(&str, String)> = self
            .pairs
            .iter()
            .filter(|(k, _)| k != "page" && k != "limit")
            .map(|(k, v)| (k.as_str(), v.clone()))
            .collect();
        pairs.push(("page", page.to_string()));
        pairs.push(("limit", limit.to_string()));
        serde_urlencoded::to_string(&pairs).unwrap_or_default()
    }
}

/// One page of a list, chosen by `page` and `limit`.
pub(crate) struct Paging {
    /// The 1-based page number.
    pub page: usize,
    /// The page size.
    pub limit: usize,
}

impl Paging {
    /// Reads `page` and `limit`; a limit above `max` is refused unless `clamp` says to cap it, which is
    /// what amoCRM does for custom fields.
    pub(crate) fn from_query(
        query: &Query,
        default_limit: usize,
        max: usize,
        clamp: bool,
    ) -> Result<Self, ApiError> {
        let page = match query.int("page")? {
            None => 1,
            Some(p) if p >= 1 => p as usize,
            Some(p) => {
                return Err(ApiError::BadRequest(format!(
                    "page: must be at least 1, got {p}"
                )));
            }
        };
        let limit = match query.int("limit")? {
            None => default_limit,
            Some(l) if l < 1 => {
                return Err(ApiError::BadRequest(format!(
                    "limit: must be at least 1, got {l}"
                )));
            }
            Some(l) if l as usize > max => {
                if clamp {
                    max
                } else {
                    return Err(ApiError::BadRequest(format!(
                        "limit: must not exceed {max}, got {l}"
                    )));
                }
            }
            Some(l) => l as usize,
        };
        Ok(Self { page, limit })
    }

    /// The items of this page and whether a next page exists.
    pub(crate) fn slice<'a, T>(&self, items: &'a [T]) -> (&'a [T], bool) {
        let start = (self.page - 1).saturating_mul(self.limit);
        if start >= items.len() {
            return (&[], false);
        }
        let end = (start + self.limit).min(items.len());
        (&items[start..end], end < items.len())
    }

    /// The `_links` object of a page: `self`, `next` when there is more, `prev` after the first page.
    pub(crate) fn links(&self, base: &str, path: &str, query: &Query, has_next: bool) -> Value {
        let href = |page: usize| serde_json::json!({ "href": format!("{base}{path}?{}", query.encode_with_page(page, self.limit)) });
        let mut links = Map::new();
        links.insert("self".into(), href(self.page));
        if has_next {
            links.insert("next".into(), href(self.page + 1));
        }
        if self.page > 1 {
            links.insert("prev".into(), href(self.page - 1));
        }
        Value::Object(links)
    }
}

/// Parses a body that may be JSON or `application/x-www-form-urlencoded` into JSON. Form keys in
/// PHP's bracket notation (`emails[]=a`, `phones[0][phone]=b`) become arrays and objects, because
/// that is how PHP clients of both services send them.
pub(crate) fn parse_body(content_type: Option<&str>, body: &[u8]) -> Result<Value, String> {
    let trimmed = body.trim_ascii_start();
    let is_form = content_type.is_some_and(|c| {
        c.to_ascii_lowercase()
            .starts_with("application/x-www-form-urlencoded")
    });
    if trimmed.is_empty() {
        return Ok(Value::Object(Map::new()));
    }
    if !is_form && (trimmed.starts_with(b"{") || trimmed.starts_with(b"[")) {
        return serde_json::from_slice(body).map_err(|e| format!("malformed JSON body: {e}"));
    }
    form_to_json(body)
}

/// Decodes a form body into JSON, following PHP's rules for bracketed keys.
pub(crate) fn form_to_json(body: &[u8]) -> Result<Value, String> {
    let pairs: Vec<(String, String)> =
        serde_urlencoded::from_bytes(body).map_err(|e| format!("malformed form body: {e}"))?;
    let mut root = Node::Map(BTreeMap::new());
    for (key, value) in pairs {
        let segments = split_php_key(&key);
        root.insert(&segments, value);
    }
    Ok(root.into_json())
}

/// Splits `a[b][]` into `["a", "b", ""]`.
fn split_php_key(key: &str) -> Vec<String> {
    let Some(open) = key.find('[') else {
        return vec![key.to_owned()];
    };
    let mut segments = vec![key[..open].to_owned()];
    let mut rest = &key[open..];
    while let Some(stripped) = rest.strip_prefix('[') {
        let Some(close) = stripped.find(']') else {
            break;
        };
        segments.push(stripped[..close].to_owned());
        rest = &stripped[close + 1..];
    }
    segments
}

/// An intermediate tree for form decoding: maps whose keys are all digits become arrays at the end.
enum Node {
    Leaf(String),
    Map(BTreeMap<String, Node>),
    List(Vec<Node>),
}

impl Node {
    fn insert(&mut self, segments: &[String], value: String) {
        let Some((head, tail)) = segments.split_first() else {
            *self = Node::Leaf(value);
            return;
        };
        if head.is_empty() {
            if !matches!(self, Node::List(_)) {
                *self = Node::List(Vec::new());
            }
            if let Node::List(items) = self {
                let mut child = Node::Map(BTreeMap::new());
                child.insert(tail, value);
                items.push(child);
            }
            return;
        }
        if !matches!(self, Node::Map(_)) {
            *self = Node::Map(BTreeMap::new());
        }
        if let Node::Map(map) = self {
            map.entry(head.clone())
                .or_insert_with(|| Node::Map(BTreeMap::new()))
                .insert(tail, value);
        }
    }

    fn into_json(self) -> Value {
        match self {
            Node::Leaf(s) => Value::String(s),
            Node::List(items) => Value::Array(items.into_iter().map(Node::into_json).collect()),
            Node::Map(map) => {
                let numeric =
                    !map.is_empty() && map.keys().all(|k| k.bytes().all(|b| b.is_ascii_digit()));
                if numeric {
                    let mut indexed: Vec<(u64, Node)> = map
                        .into_iter()
                        .map(|(k, v)| (k.parse::<u64>().unwrap_or(u64::MAX), v))
                        .collect();
                    indexed.sort_by_key(|(i, _)| *i);
                    Value::Array(indexed.into_iter().map(|(_, v)| v.into_json()).collect())
                } else {
                    Value::Object(map.into_iter().map(|(k, v)| (k, v.into_json())).collect())
                }
            }
        }
    }
}

/// Reads an integer that may be sent as a JSON number or a numeric string.
pub(crate) fn as_i64(value: &Value) -> Option<i64> {
    match value {
        Value::Number(n) => n
            .as_i64()
            .or_else(|| n.as_f64().filter(|f| f.fract() == 0.0).map(|f| f as i64)),
        Value::String(s) => s.trim().parse::<i64>().ok(),
        _ => None,
    }
}

/// Reads a non-blank string, also accepting numbers, because form bodies and loose clients mix them.
pub(crate) fn as_text(value: &Value) -> Option<String> {
    match value {
        Value::String(s) if !s.trim().is_empty() => Some(s.clone()),
        Value::Number(n) => Some(n.to_string()),
        _ => None,
    }
}
