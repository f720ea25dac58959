//! CORS for the actions the block runs in place, from Usedesk's page: which origins may, their preflight, and the
//! headers of their answers.

use http::StatusCode;
use http::header::{self, HeaderValue};
use hyper::Request;
use hyper::body::Incoming;

use crate::app::App;
use crate::http::{self as web, Response};

impl App {
    /// Whether `origin` is one of the configured origins that may call actions in place.
    pub(crate) fn origin_allowed(&self, origin: &str) -> bool {
        let origin = origin.trim().trim_end_matches('/').to_ascii_lowercase();
        self.inner.cors_origins.contains(&origin)
    }

    /// `response` with `Access-Control-Allow-Origin` for an allowed `origin` (and `Vary: Origin` always).
    pub(crate) fn with_cors(&self, origin: Option<&str>, mut response: Response) -> Response {
        let headers = response.headers_mut();
        headers.insert(header::VARY, HeaderValue::from_static("Origin"));
        if let Some(origin) = origin.filter(|o| self.origin_allowed(o))
            && let Ok(value) = HeaderValue::from_str(origin)
        {
            headers.insert(header::ACCESS_CONTROL_ALLOW_ORIGIN, value);
        }
        response
    }

    /// The answer to a CORS preflight: a POST from an allowed origin may come; anything else is refused.
    pub(crate) fn preflight(&self, origin: Option<&str>, request: &Request<Incoming>) -> Response {
        let asks_post = request
            .headers()
            .get(header::ACCESS_CONTROL_REQUEST_METHOD)
            .is_some_and(|m| m.as_bytes().eq_ignore_ascii_case(b"POST"));
        let Some(origin) = origin.filter(|o| self.origin_allowed(o) && asks_post) else {
            let mut response = web::text(StatusCode::FORBIDDEN, "origin not allowed");
            response
                .headers_mut()
                .insert(header::VARY, HeaderValue::from_static("Origin"));
            return response;
        };
        let mut response = web::text(StatusCode::NO_CONTENT, "");
        let headers = response.headers_mut();
        headers.remove(header::CONTENT_TYPE);
        if let Ok(value) = HeaderValue::from_str(origin) {
            headers.insert(header::ACCESS_CONTROL_ALLOW_ORIGIN, value);
        }
        headers.insert(
            header::ACCESS_CONTROL_ALLOW_METHODS,
            HeaderValue::from_static("POST"),
        );
        headers.insert(
            header::ACCESS_CONTROL_ALLOW_HEADERS,
            HeaderValue::from_static("accept, content-type"),
        );
        headers.insert(
            header::ACCESS_CONTROL_MAX_AGE,
            HeaderValue::from_static("600"),
        );
        headers.insert(header::VARY, HeaderValue::from_static("Origin"));
        response
    }
}
