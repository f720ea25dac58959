//! Requests checked before a handler runs: a GET page's token verified, a POSTed action's form read and its
//! token verified and spent. A handler gets the claims and the fields, never a request to check; a refusal is
//! answered here, in the agent's language where the token says it.
//!
//! Every identity an action touches comes from its token. GET pages only read it; a POST spends the
//! token's nonce first, so a second use is refused whatever the first one's outcome. A POST answers a
//! page for a new tab, or — when the caller asks for JSON — `{"ok": true}` for the in-place handler.

use http::StatusCode;
use hyper::Request;
use hyper::body::Incoming;

use crate::Error;
use crate::app::App;
use crate::error::Classified;
use crate::http::{self as web, Fields, Response};
use crate::keys::NonceScope;
use crate::token::{ActionKind, Claims, Scope};
use crate::view::model::{Done, Failure, PageView, Problem};

/// Runs a GET page: its token (one of `kinds`) is verified first; the handler's failure becomes the failure page
/// in the agent's language.
pub(crate) async fn page(
    app: &App,
    request: Request<Incoming>,
    kinds: &[ActionKind],
    handler: impl AsyncFnOnce(&App, PageRequest) -> Result<Response, Error>,
) -> Response {
    let got = match read_get(app, &request, kinds) {
        Ok(got) => got,
        Err(refused) => return *refused,
    };
    let lang = got.claims.lang();
    let zone = got.claims.zone(app.domain());
    // Boxed, here and below: a handler's future is large, and kept inline it would make every route's
    // future as large as the largest handler's, on the stack of whoever polls it.
    match app.in_zone(zone, Box::pin(handler(app, got))).await {
        Ok(response) => response,
        Err(e) => app.failed_page(lang, &e),
    }
}

/// Runs a POSTed action: its form is read and its token (one of `kinds`) verified and spent first; the handler's
/// failure is answered as a page or as JSON, giving the token back when nothing was written.
pub(crate) async fn action(
    app: &App,
    request: Request<Incoming>,
    kinds: &[ActionKind],
    handler: impl AsyncFnOnce(&App, &ActionPost) -> Result<Response, Error>,
) -> Response {
    let posted = match read_post(app, request, kinds).await {
        Ok(posted) => posted,
        Err(refused) => return *refused,
    };
    let zone = posted.claims.zone(app.domain());
    app.in_zone(zone, async {
        match Box::pin(handler(app, &posted)).await {
            Ok(response) => response,
            Err(e) => Box::pin(posted.failed(app, &e)).await,
        }
    })
    .await
}

/// A verified GET: the token's claims and the query.
pub(crate) struct PageRequest {
    pub(crate) claims: Claims,
    pub(crate) query: Fields,
}

/// Reads a GET page's token (one of `kinds`) from the query; the answer to send when it is refused.
pub(crate) fn read_get(
    app: &App,
    request: &Request<Incoming>,
    kinds: &[ActionKind],
) -> Result<PageRequest, Box<Response>> {
    let query = Fields::urlencoded(request.uri().query().unwrap_or("").as_bytes());
    // A form reloaded through a GET button may carry its own submit token besides the button's:
    // the first one good for this page wins.
    let mut first_error = None;
    for token in query.all("t") {
        match verify(app, Some(token), kinds) {
            Ok(claims) => return Ok(PageRequest { claims, query }),
            Err(e) => {
                first_error.get_or_insert(e);
            }
        }
    }
    let error = first_error.unwrap_or(Error::TokenInvalid("no token"));
    Err(Box::new(
        app.failed_page(app.config().default_language, &error),
    ))
}

/// A verified, spent POST: the token's claims, the form, and how to answer.
pub(crate) struct ActionPost {
    pub(crate) claims: Claims,
    pub(crate) fields: Fields,
    /// Whether the caller wants JSON (the in-place handler) rather than a page.
    pub(crate) json: bool,
}

/// Whether a failed action certainly wrote nothing: refused before sending, or refused by amoCRM.
fn nothing_written(error: &Error) -> bool {
    matches!(
        error,
        Error::Domain(
            domain::Error::Validation(_)
                | domain::Error::NeedsLogin
                | domain::Error::NotConnected
                | domain::Error::Busy { .. }
                | domain::Error::Queued { .. }
                | domain::Error::Blocked { .. }
                | domain::Error::PaymentRequired
                | domain::Error::NotFound(_)
                | domain::Error::Rejected(_)
        )
    )
}

/// Whether trying the same write again can work: not for a refused token, a lost login or a deleted record.
fn may_retry(error: &Error) -> bool {
    !matches!(
        error.classify().failure,
        Failure::NeedsLogin
            | Failure::NotFound
            | Failure::TokenInvalid
            | Failure::TokenExpired
            | Failure::TokenReplayed
    )
}

impl ActionPost {
    /// The agent's language.
    pub(crate) fn lang(&self) -> i18n::Lang {
        self.claims.lang()
    }

    /// The token's scope, for the fresh tokens of a page shown in answer.
    pub(crate) fn scope(&self) -> Scope {
        self.claims.scope()
    }

    /// The answer to a success.
    pub(crate) fn done(&self, app: &App, done: Done) -> Response {
        if self.json {
            web::json(StatusCode::OK, serde_json::json!({"ok": true}).to_string())
        } else {
            app.page(StatusCode::OK, self.lang(), &PageView::Done(done))
        }
    }

    /// The answer to a success that has a page to show: `{"ok": true}` in place, else `303 See Other` to
    /// `location` (POST → redirect → GET), so a reload of the page the agent lands on never posts again.
    pub(crate) fn see_other(&self, location: &str) -> Response {
        if self.json {
            web::json(StatusCode::OK, serde_json::json!({"ok": true}).to_string())
        } else {
            web::see_other(location)
        }
    }

    /// When a write failed upstream and the answer is a page: the problem to show above the same form, which
    /// comes back with every value kept and a fresh token. The failure is logged (and the spent token given
    /// back when nothing was written) here. `None` when the form cannot help — in place, a refused field (the
    /// form shows its errors), a lost login or a deleted record — and the failure is answered as usual.
    pub(crate) async fn problem(&self, app: &App, error: &Error) -> Option<(Problem, Classified)> {
        if self.json {
            return None;
        }
        if !may_retry(error) || matches!(error, Error::Domain(domain::Error::Validation(_))) {
            return None;
        }
        let classified = error.classify();
        let reference = app.log_failure(error, &classified);
        let maybe_saved = !nothing_written(error);
        if !maybe_saved {
            self.release(app).await;
        }
        let problem = Problem {
            reason: classified.failure.clone(),
            reference,
            maybe_saved,
        };
        Some((problem, classified))
    }

    /// Gives the spent token back: the action certainly wrote nothing, and the same form may be sent again.
    pub(crate) async fn release(&self, app: &App) {
        if let Err(e) = app
            .domain()
            .store()
            .release_nonce(&NonceScope::Action.key(&self.claims.nonce))
            .await
        {
            tracing::warn!(error = %domain::Report(&e), "could not release the action token");
        }
    }

    /// The answer to a failure. When the action failed before writing anything, the token's nonce is given
    /// back, so the same form can be sent again (the in-place handler falls back to a plain submit with the
    /// same token); when something may have been written, the token stays spent.
    pub(crate) async fn failed(&self, app: &App, error: &Error) -> Response {
        let released = nothing_written(error);
        if released {
            self.release(app).await;
        }
        if self.json {
            // The spent token cannot be sent again: a write that may have happened gets a fresh one, with a
            // warning, so the button works again.
            let retry = (!released && may_retry(error)).then(|| {
                let again = app.action(&self.scope(), self.claims.kind, self.claims.subject);
                again.token
            });
            app.failed_json_retry(self.lang(), error, retry)
        } else {
            app.failed_page(self.lang(), error)
        }
    }
}

/// Reads a POSTed action: its form, its token (one of `kinds`), and spends the token's nonce.
pub(crate) async fn read_post(
    app: &App,
    request: Request<Incoming>,
    kinds: &[ActionKind],
) -> Result<ActionPost, Box<Response>> {
    let json = web::wants_json(request.headers());
    let fail = |lang, e: Error| {
        Box::new(if json {
            app.failed_json(lang, &e)
        } else {
            app.failed_page(lang, &e)
        })
    };
    let default = app.config().default_language;
    let (parts, body) = request.into_parts();
    let body = web::read_body(body, &parts.headers, app.config().max_body_bytes)
        .await
        .map_err(|e| fail(default, e))?;
    let fields =
        Fields::form(web::content_type(&parts.headers), &body).map_err(|e| fail(default, e))?;
    let claims = verify(app, fields.get("t"), kinds).map_err(|e| fail(default, e))?;
    match app
        .domain()
        .store()
        .consume_nonce(&NonceScope::Action.key(&claims.nonce), claims.exp)
        .await
    {
        Ok(true) => Ok(ActionPost {
            claims,
            fields,
            json,
        }),
        Ok(false) => Err(fail(claims.lang(), Error::TokenReplayed)),
        Err(e) => Err(fail(claims.lang(), Error::Store(e))),
    }
}

fn verify(app: &App, token: Option<&str>, kinds: &[ActionKind]) -> Result<Claims, Error> {
    let token = token
        .filter(|t| !t.trim().is_empty())
        .ok_or(Error::TokenInvalid("no token"))?;
    app.inner.signer.verify(token, kinds, domain::now())
}

/// The subject (contact or deal) a token must name for its action.
pub(crate) fn subject(claims: &Claims) -> Result<i64, Error> {
    claims
        .subject
        .ok_or(Error::TokenInvalid("token names no contact or deal"))
}
