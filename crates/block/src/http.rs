//! Small HTTP helpers: reading bodies within the limit, form and query fields, and answers with the
//! headers every kind of response needs.

use bytes::Bytes;
use http::StatusCode;
use http::header::{self, HeaderMap, HeaderValue};
use http_body_util::{BodyExt as _, Full, Limited};
use hyper::body::Incoming;

use crate::Error;

/// How long a client may take to send a request body: a slow sender must not hold a connection forever.
const BODY_READ_TIMEOUT: std::time::Duration = std::time::Duration::from_secs(30);

/// The response type of every route.
pub(crate) type Response = hyper::Response<Full<Bytes>>;

/// The policy of every page: nothing loads, nothing runs, forms post only to us, no framing.
const PAGE_CSP: &str = "default-src 'none'; style-src 'unsafe-inline'; form-action 'self'; \
     frame-ancestors 'none'; base-uri 'none'";

/// The page that shows a new trigger secret: the page policy, plus exactly one inline handler allowed by its hash,
/// `this.select()`, which selects a read-only field's text when it gets the focus. No other code can run.
const SECRET_PAGE_CSP: &str = "default-src 'none'; style-src 'unsafe-inline'; \
     script-src 'unsafe-hashes' 'sha256-biFQTroSCI3Z5BmsMGyEE2jFZdwjjG1Oe7JLytgH6jM='; form-action 'self'; \
     frame-ancestors 'none'; base-uri 'none'";

/// The handler whose hash [`SECRET_PAGE_CSP`] allows.
pub(crate) const SELECT_ON_FOCUS: &str = "this.select()";

/// The deal form's stage select: choosing a stage marks the fields it requires (`data-required-in` lists the
/// `pipeline:status` pairs where a field is required), moves them out of "More fields", and folds back the ones it
/// no longer requires that the gear did not choose; on the deal's edit page it shows the loss reason only while
/// "lost" (status 143) is chosen. It changes classes, attributes and places only — no markup.
pub(crate) const STAGE_CHANGE: &str = "var s=this.value,f=this.form,m=f.querySelector('.cf-main'),\
d=f.querySelector('.cf-more'),n;f.querySelectorAll('[data-required-in]').forEach(function(e){\
var r=(' '+e.getAttribute('data-required-in')+' ').indexOf(' '+s+' ')>=0;e.classList.toggle('required-now',r);\
e.querySelectorAll('input,select,textarea').forEach(function(i){i.setAttribute('aria-required',r)});\
if(r&&e.parentNode!==m)m.appendChild(e);if(!r&&e.hasAttribute('data-fold')&&e.parentNode===m)d.appendChild(e)});\
n=d.children.length;f.querySelector('.cf-count').textContent=n;d.parentNode.hidden=!n;\
var l=f.querySelector('.loss-reason');if(l)l.hidden=s.split(':')[1]!=='143'";

/// The gear's filter box: hides the rows and checkboxes (`[data-filter]`, whose attribute holds their words in
/// lower case) that do not contain what is typed. Without it everything shows.
pub(crate) const FILTER_ROWS: &str = "var q=this.value.trim().toLowerCase();\
document.querySelectorAll('[data-filter]').forEach(function(r){\
r.hidden=q!==''&&r.getAttribute('data-filter').indexOf(q)<0})";

/// The policy of a page whose inline handlers are exactly `handlers`, each allowed by its hash: the page policy
/// with `script-src 'unsafe-hashes'` and nothing else that could run.
pub(crate) fn handlers_policy(handlers: &[&str]) -> String {
    use base64::Engine as _;
    use sha2::{Digest as _, Sha256};
    let hashes: Vec<String> = handlers
        .iter()
        .map(|h| {
            format!(
                "'sha256-{}'",
                base64::engine::general_purpose::STANDARD.encode(Sha256::digest(h.as_bytes()))
            )
        })
        .collect();
    format!(
        "default-src 'none'; style-src 'unsafe-inline'; script-src 'unsafe-hashes' {}; form-action 'self'; \
         frame-ancestors 'none'; base-uri 'none'",
        hashes.join(" ")
    )
}

/// A page whose inline `handlers` may run (see [`handlers_policy`]).
pub(crate) fn page_with_handlers(status: StatusCode, html: String, handlers: &[&str]) -> Response {
    let mut response = page(status, html);
    if let Ok(value) = HeaderValue::from_str(&handlers_policy(handlers)) {
        response
            .headers_mut()
            .insert(header::CONTENT_SECURITY_POLICY, value);
    }
    response
}

/// The preview page runs its own inline script, which posts to our `/api/` (and, in demo mode, calls the
/// sandbox's controls: its origin is added to `connect-src`).
const PREVIEW_CSP: &str = "default-src 'none'; style-src 'unsafe-inline'; \
     script-src 'unsafe-inline'; connect-src 'self'; form-action 'self'; \
     frame-ancestors 'none'; base-uri 'none'";

fn base(status: StatusCode, content_type: &'static str, body: impl Into<Bytes>) -> Response {
    let mut response = hyper::Response::new(Full::new(body.into()));
    *response.status_mut() = status;
    let headers = response.headers_mut();
    headers.insert(header::CONTENT_TYPE, HeaderValue::from_static(content_type));
    headers.insert(
        header::X_CONTENT_TYPE_OPTIONS,
        HeaderValue::from_static("nosniff"),
    );
    // Links carry tokens in their query: they must never travel on as a referrer or sit in a cache.
    headers.insert(
        header::REFERRER_POLICY,
        HeaderValue::from_static("no-referrer"),
    );
    headers.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    response
}

/// A full HTML document.
pub(crate) fn page(status: StatusCode, html: String) -> Response {
    let mut response = base(status, "text/html; charset=utf-8", html);
    response.headers_mut().insert(
        header::CONTENT_SECURITY_POLICY,
        HeaderValue::from_static(PAGE_CSP),
    );
    response
}

/// A full HTML document whose one form may also lead on (by a redirect) to `origin`.
pub(crate) fn page_posting_to(status: StatusCode, html: String, origin: &str) -> Response {
    let csp = format!(
        "default-src 'none'; style-src 'unsafe-inline'; form-action 'self' {origin}; \
         frame-ancestors 'none'; base-uri 'none'"
    );
    let mut response = page(status, html);
    if let Ok(value) = HeaderValue::from_str(&csp) {
        response
            .headers_mut()
            .insert(header::CONTENT_SECURITY_POLICY, value);
    }
    response
}

/// The page showing a new trigger secret (see [`SECRET_PAGE_CSP`]).
pub(crate) fn secret_page(status: StatusCode, html: String) -> Response {
    let mut response = base(status, "text/html; charset=utf-8", html);
    response.headers_mut().insert(
        header::CONTENT_SECURITY_POLICY,
        HeaderValue::from_static(SECRET_PAGE_CSP),
    );
    response
}

/// The preview page, whose script is allowed to run, and to reach the sandbox at `sandbox` (an origin) too.
pub(crate) fn preview_page(html: String, sandbox: Option<&str>) -> Response {
    let mut response = base(StatusCode::OK, "text/html; charset=utf-8", html);
    let csp = sandbox
        .map(|origin| {
            PREVIEW_CSP.replace(
                "connect-src 'self'",
                &format!("connect-src 'self' {origin}"),
            )
        })
        .and_then(|csp| HeaderValue::from_str(&csp).ok())
        .unwrap_or_else(|| HeaderValue::from_static(PREVIEW_CSP));
    response
        .headers_mut()
        .insert(header::CONTENT_SECURITY_POLICY, csp);
    response
}

/// A JSON answer.
pub(crate) fn json(status: StatusCode, body: String) -> Response {
    base(status, "application/json", body)
}

/// A JSON answer whose body is already made (shared, not copied).
pub(crate) fn json_bytes(status: StatusCode, body: bytes::Bytes) -> Response {
    base(status, "application/json", body)
}

/// A plain-text answer.
pub(crate) fn text(status: StatusCode, body: &'static str) -> Response {
    base(status, "text/plain; charset=utf-8", body)
}

/// A Prometheus text answer.
pub(crate) fn metrics(body: String) -> Response {
    base(
        StatusCode::OK,
        "application/openmetrics-text; version=1.0.0; charset=utf-8",
        body,
    )
}

/// A `302 Found` to `location`.
pub(crate) fn redirect(location: &str) -> Response {
    let mut response = base(StatusCode::FOUND, "text/plain; charset=utf-8", Bytes::new());
    match HeaderValue::from_str(location) {
        Ok(value) => {
            response.headers_mut().insert(header::LOCATION, value);
        }
        Err(_) => *response.status_mut() = StatusCode::INTERNAL_SERVER_ERROR,
    }
    response
}

/// A `303 See Other` to `location`: the answer to a POST whose result is a page to GET.
pub(crate) fn see_other(location: &str) -> Response {
    let mut response = redirect(location);
    if response.status() == StatusCode::FOUND {
        *response.status_mut() = StatusCode::SEE_OTHER;
    }
    response
}

/// Adds `Retry-After` when a wait is known.
pub(crate) fn with_retry_after(mut response: Response, seconds: Option<u64>) -> Response {
    if let Some(seconds) = seconds {
        response
            .headers_mut()
            .insert(header::RETRY_AFTER, HeaderValue::from(seconds));
    }
    response
}

/// Reads a body of at most `limit` bytes.
pub(crate) async fn read_body(
    body: Incoming,
    headers: &HeaderMap,
    limit: usize,
) -> Result<Bytes, Error> {
    let declared = headers
        .get(header::CONTENT_LENGTH)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.trim().parse::<u64>().ok());
    if declared.is_some_and(|len| len > limit as u64) {
        return Err(Error::TooLarge { limit });
    }
    let collect = Limited::new(body, limit).collect();
    match tokio::time::timeout(BODY_READ_TIMEOUT, collect).await {
        Err(_) => Err(Error::BadRequest("the body did not arrive in time".into())),
        Ok(Ok(collected)) => Ok(collected.to_bytes()),
        Ok(Err(e)) if e.is::<http_body_util::LengthLimitError>() => Err(Error::TooLarge { limit }),
        Ok(Err(e)) => Err(Error::BadRequest(format!("body: {e}"))),
    }
}

/// The request's content type, when it has a readable one.
pub(crate) fn content_type(headers: &HeaderMap) -> Option<&str> {
    headers
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
}

/// Whether the caller wants a JSON answer (an in-place action) rather than a page.
pub(crate) fn wants_json(headers: &HeaderMap) -> bool {
    headers
        .get_all(header::ACCEPT)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .any(|v| v.to_ascii_lowercase().contains("application/json"))
}

/// The most fields a form or query may carry: the largest form of ours (a deal form of an account with
/// hundreds of fields, some multi-select) stays far below it, and it bounds the work of every handler
/// that reads fields.
pub(crate) const MAX_FORM_FIELDS: usize = 2_000;

/// Form or query fields, in their order, repeated keys kept.
#[derive(Debug, Default, Clone)]
pub(crate) struct Fields(Vec<(String, String)>);

impl Fields {
    /// Reads `application/x-www-form-urlencoded` text (a body or a query string), keeping at most
    /// [`MAX_FORM_FIELDS`] fields (one more, so that [`Fields::form`] can tell an overlong form).
    pub(crate) fn urlencoded(bytes: &[u8]) -> Self {
        Self(
            url::form_urlencoded::parse(bytes)
                .take(MAX_FORM_FIELDS + 1)
                .map(|(k, v)| (k.into_owned(), v.into_owned()))
                .collect(),
        )
    }

    /// Reads a POSTed form. Only `application/x-www-form-urlencoded` is accepted (what a plain form
    /// and the in-place handler's `URLSearchParams` send); its parse is one linear pass, so a request
    /// without a valid token costs no more than its size. Any other declared type — `multipart/form-data`
    /// above all, whose boundary search an attacker can make quadratic — is refused before a byte is parsed.
    pub(crate) fn form(content_type: Option<&str>, body: &[u8]) -> Result<Self, Error> {
        let media = content_type
            .map(|t| t.split(';').next().unwrap_or("").trim())
            .unwrap_or("");
        if !media.is_empty() && !media.eq_ignore_ascii_case("application/x-www-form-urlencoded") {
            return Err(Error::UnsupportedMediaType);
        }
        let fields = Self::urlencoded(body);
        if fields.0.len() > MAX_FORM_FIELDS {
            return Err(Error::BadRequest(format!(
                "a form may carry at most {MAX_FORM_FIELDS} fields"
            )));
        }
        Ok(fields)
    }

    /// The first value of `key`.
    pub(crate) fn get(&self, key: &str) -> Option<&str> {
        self.0
            .iter()
            .find(|(k, _)| k == key)
            .map(|(_, v)| v.as_str())
    }

    /// The first non-blank value of `key`, trimmed.
    pub(crate) fn text(&self, key: &str) -> Option<&str> {
        self.all(key)
            .into_iter()
            .map(str::trim)
            .find(|v| !v.is_empty())
    }

    /// Every value of `key`, in order.
    pub(crate) fn all(&self, key: &str) -> Vec<&str> {
        self.0
            .iter()
            .filter(|(k, _)| k == key)
            .map(|(_, v)| v.as_str())
            .collect()
    }

    /// Every pair, in order.
    pub(crate) fn pairs(&self) -> &[(String, String)] {
        &self.0
    }
}

#[cfg(test)]
mod tests {
    use base64::Engine as _;
    use sha2::{Digest as _, Sha256};

    use super::*;

    #[test]
    fn the_secret_page_policy_allows_exactly_the_select_on_focus_handler() {
        let hash = base64::engine::general_purpose::STANDARD
            .encode(Sha256::digest(SELECT_ON_FOCUS.as_bytes()));
        assert!(
            SECRET_PAGE_CSP.contains(&format!("script-src 'unsafe-hashes' 'sha256-{hash}';")),
            "{SECRET_PAGE_CSP}"
        );
        assert!(!SECRET_PAGE_CSP.contains("'unsafe-inline'; form"));
        assert_eq!(handlers_policy(&[SELECT_ON_FOCUS]), SECRET_PAGE_CSP);
        assert_eq!(
            SECRET_PAGE_CSP.replace(&format!("script-src 'unsafe-hashes' 'sha256-{hash}'; "), ""),
            PAGE_CSP
        );
    }
}
