//! The answers of a failed request: the failure page, the in-place JSON (with a fresh token when a write may
//! have reached amoCRM), and the log line each leaves under the reference the agent is shown.

use crate::app::App;
use crate::error::Classified;
use crate::http::{self as web, Response};
use crate::view::model::{Failure, PageView};
use crate::{Error, keys, messages};

impl App {
    /// The failure page for `error`; an unexplained cause is logged under the reference it shows.
    pub(crate) fn failed_page(&self, lang: i18n::Lang, error: &Error) -> Response {
        let classified = error.classify();
        let reference = self.log_failure(error, &classified);
        let page = PageView::Failed {
            reason: classified.failure,
            reference,
        };
        web::with_retry_after(
            self.page(classified.status, lang, &page),
            classified.retry_after,
        )
    }

    /// The in-place answer for `error`: `{"ok": false, "error": {"code", "message"}}`.
    pub(crate) fn failed_json(&self, lang: i18n::Lang, error: &Error) -> Response {
        self.failed_json_retry(lang, error, None)
    }

    /// The in-place answer for a refused action whose page can give what it lacks: `error.message` says why,
    /// `error.next` is that page (the block's form offers it beside the message).
    pub(crate) fn refused_json(&self, error: &Error, message: String, next: &str) -> Response {
        let classified = error.classify();
        let body = serde_json::json!({
            "ok": false,
            "error": {"code": classified.code, "message": message, "next": next}
        });
        web::json(classified.status, body.to_string())
    }

    /// The in-place answer for a write that may have reached amoCRM although its answer was lost: the
    /// message says so, and `error.t` carries a fresh token for the same action, which the block's form
    /// takes for its next try (the one it sent stays spent).
    pub(crate) fn failed_json_retry(
        &self,
        lang: i18n::Lang,
        error: &Error,
        retry: Option<String>,
    ) -> Response {
        let classified = error.classify();
        let reference = self.log_failure(error, &classified);
        let mut body = serde_json::json!({
            "ok": false,
            "error": {
                "code": classified.code,
                "message": messages::failure(lang, &classified.failure, &reference),
                "reference": reference,
            }
        });
        if let Error::Domain(domain::Error::Validation(errors)) = error {
            body["error"]["message"] = messages::field_errors(lang, errors).into();
            body["error"]["fields"] = errors
                .iter()
                .map(|e| serde_json::json!({"field": e.field, "label": e.label}))
                .collect();
        }
        if let Some(token) = retry {
            let maybe = messages::maybe_saved(lang);
            let message = format!(
                "{} {maybe}",
                body["error"]["message"].as_str().unwrap_or_default()
            );
            body["error"]["message"] = message.into();
            body["error"]["t"] = token.into();
        }
        web::with_retry_after(
            web::json(classified.status, body.to_string()),
            classified.retry_after,
        )
    }

    /// Logs a failure at the level it deserves; returns the reference the agent is shown.
    pub(crate) fn log_failure(&self, error: &Error, classified: &Classified) -> String {
        let reference = keys::reference();
        if matches!(classified.failure, Failure::Internal) {
            tracing::error!(%reference, error = %domain::Report(&error), "request failed");
        } else {
            tracing::info!(%reference, error = %domain::Report(&error), code = classified.code, "request refused");
        }
        reference
    }
}
