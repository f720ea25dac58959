//! The block's signed actions: reading a token, and the contact, link and settings routes.
//!
//! Every identity an action touches comes from its token. GET pages only read it; a POST spends the
//! token's nonce first, so a second use is refused whatever the first one's outcome. A POST answers a
//! page for a new tab, or — when the caller asks for JSON — `{"ok": true}` for the in-place handler.

use domain::NewContactInput;
use domain::store::FieldChoices;
use http::StatusCode;
use hyper::Request;
use hyper::body::Incoming;

use crate::Error;
use crate::app::App;
use crate::http::{self as web, Fields, Response};
use crate::token::{ActionKind, Claims, Scope};
use crate::view::model::{Done, PageView, TriggerSecretPage, TriggerSecretSection};

/// A verified GET: the token's claims and the query.
pub(crate) struct Got {
    pub(crate) claims: Claims,
    pub(crate) query: Fields,
}

/// Reads a GET page's token (one of `kinds`) from the query; the answer to send when it is refused.
pub(crate) fn read_get(
    app: &App,
    request: &Request<Incoming>,
    kinds: &[ActionKind],
) -> Result<Got, Box<Response>> {
    let query = Fields::urlencoded(request.uri().query().unwrap_or("").as_bytes());
    // A form reloaded through a GET button may carry its own submit token besides the button's:
    // the first one good for this page wins.
    let mut first_error = None;
    for token in query.all("t") {
        match verify(app, Some(token), kinds) {
            Ok(claims) => return Ok(Got { claims, query }),
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
pub(crate) struct Posted {
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

impl Posted {
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

    /// The answer to a failure. When the action failed before writing anything, the token's nonce is given
    /// back, so the same form can be sent again (the in-place handler falls back to a plain submit with the
    /// same token); when something may have been written, the token stays spent.
    pub(crate) async fn failed(&self, app: &App, error: &Error) -> Response {
        if nothing_written(error)
            && let Err(e) = app
                .domain()
                .store()
                .release_nonce(&format!("action:{}", self.claims.nonce))
                .await
        {
            tracing::warn!(error = %e, "could not release the action token");
        }
        if self.json {
            app.failed_json(self.lang(), error)
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
) -> Result<Posted, Box<Response>> {
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
        .consume_nonce(&format!("action:{}", claims.nonce), claims.exp)
        .await
    {
        Ok(true) => Ok(Posted {
            claims,
            fields,
            json,
        }),
        Ok(false) => Err(fail(claims.lang(), Error::TokenReplayed)),
        Err(e) => Err(fail(claims.lang(), Error::Store(e.to_string()))),
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

/// Non-blank values of a repeated field, trimmed.
fn filled(fields: &Fields, key: &str) -> Vec<String> {
    fields
        .all(key)
        .into_iter()
        .map(str::trim)
        .filter(|v| !v.is_empty())
        .map(str::to_owned)
        .collect()
}

/// `GET /action/contact?t=…[&name=…&phone=…&email=…]`: the new-contact form, prefilled.
pub(crate) async fn contact_form(app: &App, request: Request<Incoming>) -> Response {
    let got = match read_get(app, &request, &[ActionKind::AddContact]) {
        Ok(got) => got,
        Err(response) => return *response,
    };
    let scope = got.claims.scope();
    let page = PageView::ContactForm {
        submit: app.action("action/contact", &scope, ActionKind::CreateContact, None),
        name: got.query.text("name").unwrap_or_default().to_owned(),
        phones: filled(&got.query, "phone"),
        emails: filled(&got.query, "email"),
        errors: Vec::new(),
    };
    app.page(StatusCode::OK, scope.lang, &page)
}

/// `POST /action/contact`: creates the contact and links the client to it.
pub(crate) async fn create_contact(app: &App, request: Request<Incoming>) -> Response {
    let posted = match read_post(app, request, &[ActionKind::CreateContact]).await {
        Ok(posted) => posted,
        Err(response) => return *response,
    };
    let input = NewContactInput {
        name: posted
            .fields
            .get("name")
            .unwrap_or_default()
            .trim()
            .to_owned(),
        phones: filled(&posted.fields, "phone"),
        emails: filled(&posted.fields, "email"),
        responsible_user_id: None,
    };
    match app
        .domain()
        .create_contact(&posted.claims.context(), input.clone())
        .await
    {
        Ok(created) => posted.done(
            app,
            Done::ContactCreated {
                name: created.name,
                url: created.url,
            },
        ),
        Err(domain::Error::Validation(errors)) if !posted.json => {
            let scope = posted.scope();
            let page = PageView::ContactForm {
                submit: app.action("action/contact", &scope, ActionKind::CreateContact, None),
                name: input.name,
                phones: input.phones,
                emails: input.emails,
                errors,
            };
            app.page(StatusCode::UNPROCESSABLE_ENTITY, scope.lang, &page)
        }
        Err(e) => posted.failed(app, &e.into()).await,
    }
}

/// `POST /action/link`: binds the client to the token's contact.
pub(crate) async fn link(app: &App, request: Request<Incoming>) -> Response {
    let posted = match read_post(app, request, &[ActionKind::Link]).await {
        Ok(posted) => posted,
        Err(response) => return *response,
    };
    let result = match subject(&posted.claims) {
        Ok(contact_id) => app
            .domain()
            .link(&posted.claims.context(), contact_id)
            .await
            .map_err(Error::from),
        Err(e) => Err(e),
    };
    match result {
        Ok(()) => posted.done(app, Done::Linked),
        Err(e) => posted.failed(app, &e).await,
    }
}

/// `POST /action/unlink`: removes the client's link.
pub(crate) async fn unlink(app: &App, request: Request<Incoming>) -> Response {
    let posted = match read_post(app, request, &[ActionKind::Unlink]).await {
        Ok(posted) => posted,
        Err(response) => return *response,
    };
    match app.domain().unlink(&posted.claims.context()).await {
        Ok(()) => posted.done(app, Done::Unlinked),
        Err(e) => posted.failed(app, &e.into()).await,
    }
}

async fn settings_page(app: &App, scope: &Scope, saved: bool) -> Response {
    let (settings, secret) = tokio::join!(
        app.domain().field_settings(scope.connection),
        app.domain().trigger_secret_status(scope.connection)
    );
    match settings.and_then(|settings| Ok((settings, secret?))) {
        Ok((settings, secret)) => {
            let page = PageView::Settings {
                submit: app.action("action/settings", scope, ActionKind::SaveSettings, None),
                settings: Box::new(settings),
                saved,
                trigger_secret: TriggerSecretSection {
                    set: secret.set,
                    created_at: secret.created_at,
                    required: secret.required,
                    create: app.action(
                        "action/trigger-secret",
                        scope,
                        ActionKind::TriggerSecret,
                        None,
                    ),
                },
            };
            app.page(StatusCode::OK, scope.lang, &page)
        }
        Err(e) => app.failed_page(scope.lang, &e.into()),
    }
}

/// `GET /action/settings?t=…`: the gear — which fields the deals list and the deal card show.
pub(crate) async fn settings(app: &App, request: Request<Incoming>) -> Response {
    match read_get(app, &request, &[ActionKind::Settings]) {
        Ok(got) => settings_page(app, &got.claims.scope(), false).await,
        Err(response) => *response,
    }
}

/// `POST /action/settings`: saves the ticked fields (`list` and `card`, repeated).
pub(crate) async fn save_settings(app: &App, request: Request<Incoming>) -> Response {
    let posted = match read_post(app, request, &[ActionKind::SaveSettings]).await {
        Ok(posted) => posted,
        Err(response) => return *response,
    };
    let choices = FieldChoices {
        list: filled(&posted.fields, "list"),
        card: filled(&posted.fields, "card"),
    };
    match app
        .domain()
        .save_field_choices(&posted.claims.context(), choices)
        .await
    {
        Ok(()) if posted.json => {
            web::json(StatusCode::OK, serde_json::json!({"ok": true}).to_string())
        }
        Ok(()) => settings_page(app, &posted.scope(), true).await,
        Err(e) => posted.failed(app, &e.into()).await,
    }
}

/// `POST /action/trigger-secret`: creates (or rotates) the connection's trigger secret and shows it, this once,
/// with how to put it in a Usedesk trigger. The old secret stops working at once. The answer is a page only: the
/// secret is never sent to an in-place handler, and a reload of the page is refused (the token is spent).
pub(crate) async fn trigger_secret(app: &App, request: Request<Incoming>) -> Response {
    let posted = match read_post(app, request, &[ActionKind::TriggerSecret]).await {
        Ok(posted) => posted,
        Err(response) => return *response,
    };
    match app
        .domain()
        .create_trigger_secret(&posted.claims.context())
        .await
    {
        Ok(created) => {
            let page = PageView::TriggerSecret(Box::new(TriggerSecretPage {
                secret: created.secret,
                replaced: created.replaced,
                integration_id: posted.claims.connection.to_string(),
                endpoint: app.url("api/freeCreateLead").to_string(),
                ticket_id: posted.claims.ticket,
                required: app.domain().config().require_trigger_secret,
            }));
            app.page(StatusCode::OK, posted.lang(), &page)
        }
        Err(e) => posted.failed(app, &e.into()).await,
    }
}
