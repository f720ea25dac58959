//! The answers of injected faults and of the built-in rate limit.

use std::sync::atomic::{AtomicU64, Ordering};

use http::{Response, StatusCode};
use serde_json::json;

use crate::error::base;
use crate::faults::FaultMode;
use crate::http::{Body, html, problem};
use crate::state::{Shared, lock};

/// The response of a failing mode; `None` for the modes that answer normally (`None`, `Slow`).
pub(super) fn respond(shared: &Shared, mode: &FaultMode) -> Option<Response<Body>> {
    let response = match mode {
        FaultMode::None | FaultMode::Slow(_) => return None,
        FaultMode::TooManyJson { retry_after } => too_many_json(shared, *retry_after),
        FaultMode::TooManyHtml => {
            lock(&shared.stats).too_many();
            html(
                StatusCode::TOO_MANY_REQUESTS,
                "<html>\n<head><title>429 Too Many Requests</title></head>\n<body>\n<center><h1>429 Too Many Requests</h1></center>\n</body>\n</html>\n"
                    .to_owned(),
            )
        }
        FaultMode::Forbidden => problem(
            StatusCode::FORBIDDEN,
            &base(
                403,
                "Forbidden",
                "Access to the account has been blocked because of too many requests",
            ),
        ),
        FaultMode::Unauthorized => problem(
            StatusCode::UNAUTHORIZED,
            &base(401, "Unauthorized", "The access token is invalid"),
        ),
        FaultMode::PaymentRequired => problem(
            StatusCode::PAYMENT_REQUIRED,
            &base(
                402,
                "Payment Required",
                "The account's subscription has ended",
            ),
        ),
        FaultMode::ServerError => {
            let mut body = base(500, "Internal Server Error", "Internal Server Error");
            body["trace_id"] = trace_id().into();
            problem(StatusCode::INTERNAL_SERVER_ERROR, &body)
        }
    };
    Some(response)
}

/// 429 with amoCRM's documented JSON body; counted in the stats.
pub(super) fn too_many_json(shared: &Shared, retry_after: u64) -> Response<Body> {
    lock(&shared.stats).too_many();
    problem(
        StatusCode::TOO_MANY_REQUESTS,
        &json!({
            "title": "Too Many Requests",
            "type": "https://httpstatus.es/429",
            "status": 429,
            "detail": "Too many requests to the account, retry later",
            "retry_after": retry_after,
        }),
    )
}

/// A trace id shaped like amoCRM's (32 hex digits), unique within the process.
fn trace_id() -> String {
    static NEXT: AtomicU64 = AtomicU64::new(0x5f3c_0000_0000);
    format!(
        "{:032x}",
        NEXT.fetch_add(1, Ordering::Relaxed)
            .wrapping_mul(0x9e37_79b9_7f4a_7c15)
    )
}
