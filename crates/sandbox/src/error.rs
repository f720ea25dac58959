//! The errors an amoCRM handler can answer with, and their problem+json shapes.

use http::{Response, StatusCode};
use serde_json::{Value, json};

use crate::http::{Body, problem};

/// One failed check on one entity of a batch, as amoCRM reports it in `validation-errors`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct FieldError {
    /// amoCRM's error code, e.g. `NotSupportedChoice` or `FieldIsRequired`.
    pub code: &'static str,
    /// The dotted path of the offending input, e.g. `custom_fields_values.0.field_id`.
    pub path: String,
    /// A sentence saying what is wrong.
    pub detail: String,
}

impl FieldError {
    /// Builds one error.
    pub(crate) fn new(
        code: &'static str,
        path: impl Into<String>,
        detail: impl Into<String>,
    ) -> Self {
        Self {
            code,
            path: path.into(),
            detail: detail.into(),
        }
    }
}

/// The errors of one entity of a batch, keyed by its `request_id`.
#[derive(Debug, Clone)]
pub(crate) struct ItemErrors {
    /// The entity's `request_id`, or its index in the batch when it sent none.
    pub request_id: String,
    /// What failed.
    pub errors: Vec<FieldError>,
}

/// Why an amoCRM request was refused.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub(crate) enum ApiError {
    /// The request is malformed: bad query, bad JSON, a limit out of range.
    #[error("bad request: {0}")]
    BadRequest(String),
    /// One or more entities of a batch failed validation; nothing was written.
    #[error("request validation failed")]
    Validation(Vec<ItemErrors>),
    /// More entities were sent in one request than the endpoint accepts.
    #[error("limit {0} per request")]
    TooManyEntities(usize),
    /// The addressed entity or path does not exist.
    #[error("not found")]
    NotFound,
    /// The path exists, but not for this method.
    #[error("method not allowed")]
    MethodNotAllowed,
    /// The request carries no valid bearer token.
    #[error("unauthorized: {0}")]
    Unauthorized(String),
    /// The user lacks the rights for this (e.g. an administrator-only endpoint).
    #[error("forbidden: {0}")]
    Forbidden(String),
}

impl ApiError {
    /// The problem+json response amoCRM would send.
    pub(crate) fn into_response(self) -> Response<Body> {
        match self {
            ApiError::BadRequest(detail) => {
                problem(StatusCode::BAD_REQUEST, &base(400, "Bad Request", &detail))
            }
            ApiError::Validation(items) => {
                let mut body = base(400, "Bad Request", "Request validation failed");
                body["validation-errors"] = items
                    .iter()
                    .map(|item| {
                        json!({
                            "request_id": item.request_id,
                            "errors": item.errors.iter().map(|e| json!({
                                "code": e.code, "path": e.path, "detail": e.detail,
                            })).collect::<Vec<_>>(),
                        })
                    })
                    .collect();
                problem(StatusCode::BAD_REQUEST, &body)
            }
            ApiError::TooManyEntities(limit) => problem(
                StatusCode::UNPROCESSABLE_ENTITY,
                &base(
                    422,
                    "Unprocessable Entity",
                    &format!("Limit {limit} per page"),
                ),
            ),
            ApiError::NotFound => {
                problem(StatusCode::NOT_FOUND, &base(404, "Not Found", "Not Found"))
            }
            ApiError::MethodNotAllowed => problem(
                StatusCode::METHOD_NOT_ALLOWED,
                &base(405, "Method Not Allowed", "Method Not Allowed"),
            ),
            ApiError::Unauthorized(detail) => problem(
                StatusCode::UNAUTHORIZED,
                &base(401, "Unauthorized", &detail),
            ),
            ApiError::Forbidden(detail) => {
                problem(StatusCode::FORBIDDEN, &base(403, "Forbidden", &detail))
            }
        }
    }
}

/// The common problem fields.
pub(crate) fn base(status: u16, title: &str, detail: &str) -> Value {
    json!({
        "title": title,
        "type": format!("https://httpstatus.es/{status}"),
        "status": status,
        "detail": detail,
    })
}
