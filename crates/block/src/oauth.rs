//! "Login to amoCRM": the block's login link, `/oauth/start` (a confirmation page naming both accounts, whose
//! button spends the link and goes on to amoCRM's consent page with a sealed `state`) and `/oauth/callback`
//! (the code exchanged, the connection stored, both accounts named).

use amocrm::AccountHost;
use http::StatusCode;
use hyper::Request;
use hyper::body::Incoming;
use secrecy::SecretString;

use crate::app::App;
use crate::http::{self as web, Fields, Response};
use crate::keys;
use crate::seal::{self, LoginContext, Purpose};
use crate::view;
use crate::view::model::{OAuthFailure, PageView};

/// The most characters of an untrusted value (a host, a referer) a log line quotes.
const LOGGED_MAX: usize = 200;

/// An untrusted value as a log line quotes it: cut short, and logged with `?` so control characters are
/// escaped and cannot forge a line.
pub(crate) fn untrusted(value: &str) -> String {
    value.chars().take(LOGGED_MAX).collect()
}

/// The block's "Login to amoCRM" link: `/oauth/start` with the login context sealed into `s`. It lives as
/// long as an OAuth state (20 minutes by default) and is spent by the confirmation of its login.
pub(crate) fn login_url(
    app: &App,
    usedesk_token: &SecretString,
    host: &AccountHost,
    lang: i18n::Lang,
) -> String {
    let ttl = i64::try_from(app.config().oauth_state_ttl.as_secs()).unwrap_or(i64::MAX);
    let context = LoginContext {
        usedesk_token: usedesk_token.clone(),
        host: host.as_str().to_owned(),
        lang,
        exp: domain::now().saturating_add(ttl),
        nonce: Some(keys::nonce()),
    };
    let sealed = app.inner.sealer.seal(&context, Purpose::LoginLink);
    let mut url = app.url("oauth/start");
    url.query_pairs_mut().append_pair("s", &sealed);
    url.to_string()
}

fn query(request: &Request<Incoming>) -> Fields {
    Fields::urlencoded(request.uri().query().unwrap_or("").as_bytes())
}

fn failure(app: &App, status: StatusCode, lang: i18n::Lang, why: OAuthFailure) -> Response {
    app.page(status, lang, &PageView::OAuthFailure(why))
}

/// A login context that may go on: its link genuine and unexpired, OAuth configured, its host still allowed,
/// and its pair of accounts let through by the login pins.
struct Login {
    context: LoginContext,
    host: AccountHost,
}

/// Opens the sealed login link `sealed` and checks it may go on; otherwise the page that says why not.
async fn open_login(app: &App, sealed: Option<&str>) -> Result<Login, Response> {
    let default = app.config().default_language;
    let opened = sealed
        .ok_or(crate::Error::BadState("no login context"))
        .and_then(|s| app.inner.sealer.open(s, Purpose::LoginLink, domain::now()));
    let context = match opened {
        Ok(context) => context,
        Err(e) if seal::is_expired(&e) => {
            tracing::info!("expired login link refused");
            return Err(failure(
                app,
                StatusCode::GONE,
                default,
                OAuthFailure::LinkSpent,
            ));
        }
        Err(e) => {
            tracing::info!(error = %domain::Report(&e), "login link refused");
            return Err(failure(
                app,
                StatusCode::BAD_REQUEST,
                default,
                OAuthFailure::BadState,
            ));
        }
    };
    let lang = context.lang;
    if context.nonce.is_none() {
        // Minted before links became single-use: it cannot be spent, so it is not honoured.
        tracing::info!("login link without a nonce refused");
        return Err(failure(
            app,
            StatusCode::GONE,
            lang,
            OAuthFailure::LinkSpent,
        ));
    }
    if !app.domain().oauth_configured() {
        return Err(failure(
            app,
            StatusCode::SERVICE_UNAVAILABLE,
            lang,
            OAuthFailure::NotConfigured,
        ));
    }
    // The host policy may have changed since the block was rendered: check the host again.
    let host = match app.domain().parse_host(&context.host) {
        Ok(host) => host,
        Err(e) => {
            tracing::info!(error = ?untrusted(&e.to_string()), "login link names a host that is no longer allowed");
            return Err(failure(
                app,
                StatusCode::BAD_REQUEST,
                lang,
                OAuthFailure::BadState,
            ));
        }
    };
    if !app.domain().login_allowed(&context.usedesk_token, &host) {
        let account = app
            .domain()
            .describe_usedesk_account(&context.usedesk_token)
            .await;
        tracing::warn!(
            usedesk_account = %account.fingerprint,
            host = ?untrusted(host.as_str()),
            "login refused: no login pin names this pair"
        );
        let why = OAuthFailure::NotPinned {
            account,
            host: host.as_str().to_owned(),
        };
        return Err(failure(app, StatusCode::FORBIDDEN, lang, why));
    }
    Ok(Login { context, host })
}

/// The key under which the store remembers a spent login link.
fn link_nonce(context: &LoginContext) -> String {
    keys::NonceScope::LoginLink.key(context.nonce.as_deref().unwrap_or_default())
}

/// `GET /oauth/start?s=…`: the confirmation page. Nothing is spent here, so a link preview that fetches the
/// link does not use it up.
pub(crate) async fn start(app: &App, request: Request<Incoming>) -> Response {
    let query = query(&request);
    let Login { context, host } = match open_login(app, query.text("s")).await {
        Ok(login) => login,
        Err(page) => return page,
    };
    let lang = context.lang;
    // A spent link says so at once (reading the nonce spends nothing).
    let nonce = link_nonce(&context);
    match app.domain().store().nonce_used(&nonce).await {
        Ok(false) => {}
        Ok(true) => {
            tracing::info!("spent login link opened");
            return failure(app, StatusCode::GONE, lang, OAuthFailure::LinkSpent);
        }
        Err(e) => {
            tracing::warn!(error = %domain::Report(&e), "could not read the login link's nonce")
        }
    }
    // The button's redirect leads to amoCRM's consent page: the page's form-action must allow its origin.
    let consent_origin = match app.domain().authorize_url(&host, "") {
        Ok(url) => url.origin().ascii_serialization(),
        Err(e) => {
            tracing::warn!(error = %domain::Report(&e), "no authorization URL");
            return failure(
                app,
                StatusCode::SERVICE_UNAVAILABLE,
                lang,
                OAuthFailure::NotConfigured,
            );
        }
    };
    let account = app
        .domain()
        .describe_usedesk_account(&context.usedesk_token)
        .await;
    let page = PageView::LoginConfirm {
        account,
        host: host.as_str().to_owned(),
        submit: app.url("oauth/start").to_string(),
        sealed: app.inner.sealer.seal(&context, Purpose::LoginLink),
    };
    web::page_posting_to(
        StatusCode::OK,
        view::render_page(lang, &page, &app.display()),
        &consent_origin,
    )
}

/// Whether the browser says the form was submitted from another site's page (`Sec-Fetch-Site`): a page that
/// posts the link for the agent would skip the confirmation.
fn cross_site(request: &Request<Incoming>) -> bool {
    request
        .headers()
        .get("sec-fetch-site")
        .and_then(|v| v.to_str().ok())
        .is_some_and(|site| {
            !site.eq_ignore_ascii_case("same-origin") && !site.eq_ignore_ascii_case("none")
        })
}

/// `POST /oauth/start` (the confirmation page's button): spends the login link, then `302` to amoCRM's consent
/// page with a new sealed `state`.
pub(crate) async fn confirm(app: &App, request: Request<Incoming>) -> Response {
    let default = app.config().default_language;
    if cross_site(&request) {
        tracing::warn!("login confirmation posted from another site refused");
        return failure(app, StatusCode::FORBIDDEN, default, OAuthFailure::CrossSite);
    }
    let (parts, body) = request.into_parts();
    let body = match web::read_body(body, &parts.headers, app.config().max_body_bytes).await {
        Ok(body) => body,
        Err(e) => {
            tracing::info!(error = %domain::Report(&e), "login confirmation unreadable");
            return failure(app, e.status(), default, OAuthFailure::BadState);
        }
    };
    let fields = Fields::urlencoded(&body);
    let Login { context, host } = match open_login(app, fields.text("s")).await {
        Ok(login) => login,
        Err(page) => return page,
    };
    let lang = context.lang;
    // A login link is good for one confirmed login.
    match app
        .domain()
        .store()
        .consume_nonce(&link_nonce(&context), context.exp)
        .await
    {
        Ok(true) => {}
        Ok(false) => {
            tracing::warn!("login link used twice");
            return failure(app, StatusCode::GONE, lang, OAuthFailure::LinkSpent);
        }
        Err(e) => {
            let reference = keys::reference();
            tracing::error!(%reference, error = %domain::Report(&e), "could not record the login link");
            return failure(
                app,
                StatusCode::SERVICE_UNAVAILABLE,
                lang,
                OAuthFailure::ExchangeFailed,
            );
        }
    }
    let ttl = i64::try_from(app.config().oauth_state_ttl.as_secs()).unwrap_or(i64::MAX);
    let state = app.inner.sealer.seal(
        &LoginContext {
            exp: domain::now().saturating_add(ttl),
            nonce: Some(keys::nonce()),
            ..context
        },
        Purpose::State,
    );
    match app.domain().authorize_url(&host, &state) {
        Ok(url) => web::redirect(url.as_str()),
        Err(e) => {
            tracing::warn!(error = %domain::Report(&e), "no authorization URL");
            failure(
                app,
                StatusCode::SERVICE_UNAVAILABLE,
                lang,
                OAuthFailure::NotConfigured,
            )
        }
    }
}

/// An OAuth page's refusal: its status and what the person is told. The login pages speak their own small
/// vocabulary ([`OAuthFailure`]: denied, bad state, host mismatch, not pinned, …) rather than the actions'
/// classification (`Error::classify`), because what went wrong is a step of the login, not an amoCRM answer.
struct Refused(StatusCode, OAuthFailure);

/// `GET /oauth/callback?code=…&state=…&referer=…`: amoCRM's answer to the consent page; the code is exchanged
/// at the account the state names, and the connection stored.
pub(crate) async fn callback(app: &App, request: Request<Incoming>) -> Response {
    let query = query(&request);
    let state = query
        .text("state")
        .ok_or(crate::Error::BadState("no state"))
        .and_then(|s| app.inner.sealer.open(s, Purpose::State, domain::now()));
    let lang = state
        .as_ref()
        .map_or(app.config().default_language, |c| c.lang);
    match complete(app, &query, state).await {
        Ok(page) => app.page(StatusCode::OK, lang, &page),
        Err(Refused(status, why)) => failure(app, status, lang, why),
    }
}

/// The callback's steps: amoCRM's own refusal, the state (genuine, unexpired, unused), the code, the host, the
/// exchange.
async fn complete(
    app: &App,
    query: &Fields,
    state: Result<LoginContext, crate::Error>,
) -> Result<PageView, Refused> {
    // amoCRM reports "Deny" (and its own failures) as `error`, without a code.
    if let Some(error) = query.text("error") {
        tracing::info!(error = ?untrusted(error), "amoCRM returned without authorization");
        let why = if error == "access_denied" {
            OAuthFailure::Denied
        } else {
            OAuthFailure::ExchangeFailed
        };
        return Err(Refused(StatusCode::FORBIDDEN, why));
    }
    let context = state.map_err(|e| {
        tracing::warn!(error = %domain::Report(&e), "OAuth state refused");
        Refused(StatusCode::BAD_REQUEST, OAuthFailure::BadState)
    })?;
    spend_state(app, &context).await?;
    let code = query.text("code").ok_or_else(|| {
        tracing::warn!("OAuth callback without a code");
        Refused(StatusCode::BAD_REQUEST, OAuthFailure::ExchangeFailed)
    })?;
    let host = app.domain().parse_host(&context.host).map_err(|e| {
        tracing::info!(error = ?untrusted(&e.to_string()), "the state names a host that is no longer allowed");
        Refused(StatusCode::BAD_REQUEST, OAuthFailure::BadState)
    })?;
    let referer = query.text("referer");
    let login = match app
        .domain()
        .complete_login(&context.usedesk_token, &host, referer, code)
        .await
    {
        Ok(login) => login,
        Err(e) => return Err(login_refused(app, &context, &host, referer, e).await),
    };
    // Webhooks make amoCRM's own changes reach the block at once; without them it refreshes on its TTLs.
    let user = match app
        .domain()
        .connect_webhooks(
            &login.connection,
            &app.url(crate::hooks::WEBHOOK_PATH),
            context.lang.code(),
        )
        .await
    {
        Ok(details) => {
            tracing::info!(connection = %login.connection.id, subscription = ?details.subscription, "amoCRM webhooks after login");
            details.user_name
        }
        Err(e) => {
            tracing::warn!(error = %domain::Report(&e), "could not record the login's details or subscribe webhooks");
            None
        }
    };
    tracing::info!(
        connection = %login.connection.id,
        usedesk_account = %login.account.fingerprint,
        host = ?untrusted(host.as_str()),
        "amoCRM connected"
    );
    Ok(PageView::OAuthSuccess {
        host: host.as_str().to_owned(),
        account: login.account,
        user,
    })
}

/// A state is good for one callback: a replayed one is refused like a forged one.
async fn spend_state(app: &App, context: &LoginContext) -> Result<(), Refused> {
    let nonce = context.nonce.clone().unwrap_or_default();
    match app
        .domain()
        .store()
        .consume_nonce(&keys::NonceScope::OAuthState.key(&nonce), context.exp)
        .await
    {
        Ok(true) if !nonce.is_empty() => Ok(()),
        Ok(_) => {
            tracing::warn!("OAuth state used twice");
            Err(Refused(StatusCode::BAD_REQUEST, OAuthFailure::BadState))
        }
        Err(e) => {
            let reference = keys::reference();
            tracing::error!(%reference, error = %domain::Report(&e), "could not record the OAuth state");
            Err(Refused(
                StatusCode::SERVICE_UNAVAILABLE,
                OAuthFailure::ExchangeFailed,
            ))
        }
    }
}

/// What the person is told when the code exchange or the login itself was refused.
async fn login_refused(
    app: &App,
    context: &LoginContext,
    host: &AccountHost,
    referer: Option<&str>,
    error: domain::Error,
) -> Refused {
    match error {
        domain::Error::LoginNotAllowed => {
            let account = app
                .domain()
                .describe_usedesk_account(&context.usedesk_token)
                .await;
            tracing::warn!(usedesk_account = %account.fingerprint, "login refused at the callback: no login pin names this pair");
            let why = OAuthFailure::NotPinned {
                account,
                host: host.as_str().to_owned(),
            };
            Refused(StatusCode::FORBIDDEN, why)
        }
        domain::Error::HostMismatch { expected, actual } => {
            tracing::warn!(expected = ?untrusted(&expected), actual = ?untrusted(&actual), "another amoCRM account answered");
            let why = OAuthFailure::HostMismatch { expected, actual };
            Refused(StatusCode::FORBIDDEN, why)
        }
        domain::Error::InvalidHost(reason) => {
            tracing::warn!(reason = ?untrusted(&reason), "the callback's referer is not an allowed amoCRM host");
            let why = OAuthFailure::HostMismatch {
                expected: host.as_str().to_owned(),
                actual: referer.unwrap_or_default().to_owned(),
            };
            Refused(StatusCode::FORBIDDEN, why)
        }
        domain::Error::OAuthNotConfigured => {
            Refused(StatusCode::SERVICE_UNAVAILABLE, OAuthFailure::NotConfigured)
        }
        e => {
            tracing::warn!(error = %domain::Report(&e), "the authorization code exchange failed");
            Refused(StatusCode::BAD_GATEWAY, OAuthFailure::ExchangeFailed)
        }
    }
}
