//! "Login to amoCRM": the block's login link, `/oauth/start` (on to amoCRM's consent page with a
//! sealed `state`) and `/oauth/callback` (the code exchanged, the connection stored).

use amocrm::AccountHost;
use http::StatusCode;
use hyper::Request;
use hyper::body::Incoming;
use secrecy::SecretString;

use crate::app::App;
use crate::http::{self as web, Fields, Response};
use crate::keys;
use crate::seal::{LoginContext, Purpose};
use crate::view::model::{OAuthFailure, PageView};

/// The block's "Login to amoCRM" link: `/oauth/start` with the login context sealed into `s`, valid as
/// long as the block's actions.
pub(crate) fn login_url(
    app: &App,
    usedesk_token: &SecretString,
    host: &AccountHost,
    lang: i18n::Lang,
) -> String {
    let ttl = i64::try_from(app.config().action_ttl.as_secs()).unwrap_or(i64::MAX);
    let context = LoginContext {
        usedesk_token: usedesk_token.clone(),
        host: host.as_str().to_owned(),
        lang,
        exp: domain::now().saturating_add(ttl),
        nonce: None,
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

pub(crate) async fn start(app: &App, request: Request<Incoming>) -> Response {
    let query = query(&request);
    let default = app.config().default_language;
    let opened = query
        .text("s")
        .ok_or(crate::Error::BadState("no login context"))
        .and_then(|s| app.inner.sealer.open(s, Purpose::LoginLink, domain::now()));
    let context = match opened {
        Ok(context) => context,
        Err(e) => {
            tracing::info!(error = %e, "login link refused");
            return failure(
                app,
                StatusCode::BAD_REQUEST,
                default,
                OAuthFailure::BadState,
            );
        }
    };
    let lang = context.lang;
    if !app.domain().oauth_configured() {
        return failure(
            app,
            StatusCode::SERVICE_UNAVAILABLE,
            lang,
            OAuthFailure::NotConfigured,
        );
    }
    // The host policy may have changed since the block was rendered: check the host again.
    let host = match app.domain().parse_host(&context.host) {
        Ok(host) => host,
        Err(e) => {
            tracing::info!(error = %e, "login link names a host that is no longer allowed");
            return failure(app, StatusCode::BAD_REQUEST, lang, OAuthFailure::BadState);
        }
    };
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
            tracing::warn!(error = %e, "no authorization URL");
            failure(
                app,
                StatusCode::SERVICE_UNAVAILABLE,
                lang,
                OAuthFailure::NotConfigured,
            )
        }
    }
}

pub(crate) async fn callback(app: &App, request: Request<Incoming>) -> Response {
    let query = query(&request);
    let default = app.config().default_language;
    let state = query
        .text("state")
        .ok_or(crate::Error::BadState("no state"))
        .and_then(|s| app.inner.sealer.open(s, Purpose::State, domain::now()));
    let lang = state.as_ref().map_or(default, |c| c.lang);

    // amoCRM reports "Deny" (and its own failures) as `error`, without a code.
    if let Some(error) = query.text("error") {
        tracing::info!(error, "amoCRM returned without authorization");
        let why = if error == "access_denied" {
            OAuthFailure::Denied
        } else {
            OAuthFailure::ExchangeFailed
        };
        return failure(app, StatusCode::FORBIDDEN, lang, why);
    }
    let context = match state {
        Ok(context) => context,
        Err(e) => {
            tracing::warn!(error = %e, "OAuth state refused");
            return failure(app, StatusCode::BAD_REQUEST, lang, OAuthFailure::BadState);
        }
    };
    // A state is good for one callback: a replayed one is refused like a forged one.
    let nonce = context.nonce.clone().unwrap_or_default();
    match app
        .domain()
        .store()
        .consume_nonce(&format!("oauth:{nonce}"), context.exp)
        .await
    {
        Ok(true) if !nonce.is_empty() => {}
        Ok(_) => {
            tracing::warn!("OAuth state used twice");
            return failure(app, StatusCode::BAD_REQUEST, lang, OAuthFailure::BadState);
        }
        Err(e) => {
            let reference = keys::reference();
            tracing::error!(%reference, error = %e, "could not record the OAuth state");
            return failure(
                app,
                StatusCode::SERVICE_UNAVAILABLE,
                lang,
                OAuthFailure::ExchangeFailed,
            );
        }
    }
    let Some(code) = query.text("code") else {
        tracing::warn!("OAuth callback without a code");
        return failure(
            app,
            StatusCode::BAD_REQUEST,
            lang,
            OAuthFailure::ExchangeFailed,
        );
    };
    let host = match app.domain().parse_host(&context.host) {
        Ok(host) => host,
        Err(e) => {
            tracing::info!(error = %e, "the state names a host that is no longer allowed");
            return failure(app, StatusCode::BAD_REQUEST, lang, OAuthFailure::BadState);
        }
    };
    let referer = query.text("referer");
    match app
        .domain()
        .complete_login(&context.usedesk_token, &host, referer, code)
        .await
    {
        Ok(connection) => {
            tracing::info!(connection = %connection.id, host = host.as_str(), "amoCRM connected");
            let page = PageView::OAuthSuccess {
                host: host.as_str().to_owned(),
            };
            app.page(StatusCode::OK, lang, &page)
        }
        Err(domain::Error::HostMismatch { expected, actual }) => {
            tracing::warn!(%expected, %actual, "another amoCRM account answered");
            let why = OAuthFailure::HostMismatch { expected, actual };
            failure(app, StatusCode::FORBIDDEN, lang, why)
        }
        Err(domain::Error::InvalidHost(reason)) => {
            tracing::warn!(%reason, "the callback's referer is not an allowed amoCRM host");
            let why = OAuthFailure::HostMismatch {
                expected: host.as_str().to_owned(),
                actual: referer.unwrap_or_default().to_owned(),
            };
            failure(app, StatusCode::FORBIDDEN, lang, why)
        }
        Err(domain::Error::OAuthNotConfigured) => failure(
            app,
            StatusCode::SERVICE_UNAVAILABLE,
            lang,
            OAuthFailure::NotConfigured,
        ),
        Err(e) => {
            tracing::warn!(error = %e, "the authorization code exchange failed");
            failure(
                app,
                StatusCode::BAD_GATEWAY,
                lang,
                OAuthFailure::ExchangeFailed,
            )
        }
    }
}
