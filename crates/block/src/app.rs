//! [`App`]: the service as one cloneable handle — routing, per-request logging and metrics, and the
//! helpers every route shares (signed actions, pages, failures).

use std::sync::Arc;
use std::time::Instant;

use bytes::Bytes;
use http::header::{self, HeaderValue};
use http::{Method, StatusCode};
use http_body_util::Full;
use hyper::Request;
use hyper::body::Incoming;
use tracing::Instrument as _;
use url::Url;

use crate::config::BlockConfig;
use crate::error::Classified;
use crate::http::{self as web, Response};
use crate::keys::{self, Keys};
use crate::metrics::Metrics;
use crate::seal::Sealer;
use crate::token::{ActionKind, ActionKind as K, Scope, Signer};
use crate::view::model::{Action, Failure, PageView};
use crate::view::{self, Display};
use crate::{Error, actions, connection, deal_edit, deals, edit, extract, find, messages, tasks};
use domain::store::ConnectionId;

/// Every route, with the label its metrics and logs use.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Route {
    Api,
    FreeCreateLead,
    OAuthStart,
    OAuthCallback,
    Contact,
    Link,
    Unlink,
    Deal,
    Settings,
    TriggerSecret,
    Search,
    ContactValue,
    Tasks,
    TaskComplete,
    ContactEdit,
    DealCard,
    DealChange,
    Comment,
    Connection,
    Disconnect,
    StageComments,
    Webhook,
    DisconnectHook,
    Preview,
    Healthz,
    Readyz,
    Metrics,
    Unknown,
}

/// The one route table: each route's path (also its label in metrics and logs — a fixed set, never the raw
/// path), the methods it answers, and whether the block may run it in place (cross-origin, from Usedesk's page).
/// Paths reached with or without a trailing slash are listed twice under the same route.
const ROUTES: &[(&str, Route, &str)] = &[
    ("/api/", Route::Api, "POST"),
    ("/api", Route::Api, "POST"),
    ("/api/freeCreateLead", Route::FreeCreateLead, "POST"),
    ("/api/freeCreateLead/", Route::FreeCreateLead, "POST"),
    ("/oauth/start", Route::OAuthStart, "GET, POST"),
    ("/oauth/callback", Route::OAuthCallback, "GET"),
    ("/action/contact", Route::Contact, "GET, POST, OPTIONS"),
    ("/action/link", Route::Link, "POST, OPTIONS"),
    ("/action/unlink", Route::Unlink, "POST, OPTIONS"),
    ("/action/deal", Route::Deal, "GET, POST, OPTIONS"),
    ("/action/settings", Route::Settings, "GET, POST, OPTIONS"),
    // The trigger secret's page is a plain form post from the gear page, never run in place.
    ("/action/trigger-secret", Route::TriggerSecret, "POST"),
    // The search is a GET page opened in a new tab; its results link with the ordinary Link action.
    ("/action/search", Route::Search, "GET"),
    (
        "/action/contact-value",
        Route::ContactValue,
        "POST, OPTIONS",
    ),
    ("/action/tasks", Route::Tasks, "GET, POST, OPTIONS"),
    (
        "/action/task-complete",
        Route::TaskComplete,
        "POST, OPTIONS",
    ),
    (
        "/action/contact-edit",
        Route::ContactEdit,
        "GET, POST, OPTIONS",
    ),
    ("/deal", Route::DealCard, "GET"),
    // The deal's edit page is the card's route with `edit=1`; its form posts here, as a page (never in place).
    ("/action/deal-change", Route::DealChange, "POST"),
    ("/action/comment", Route::Comment, "POST, OPTIONS"),
    // The gear's connection page and its forms: plain pages, never run in place.
    ("/action/connection", Route::Connection, "GET"),
    ("/action/disconnect", Route::Disconnect, "POST"),
    ("/action/stage-comments", Route::StageComments, "POST"),
    // What amoCRM calls on its own: account webhooks (secret in the query) and the signed disconnect hook.
    ("/hooks/amocrm", Route::Webhook, "POST"),
    ("/hooks/amocrm/disconnect", Route::DisconnectHook, "GET"),
    ("/preview", Route::Preview, "GET"),
    ("/healthz", Route::Healthz, "GET"),
    ("/readyz", Route::Readyz, "GET"),
    ("/metrics", Route::Metrics, "GET"),
];

impl Route {
    fn of(path: &str) -> Self {
        ROUTES
            .iter()
            .find(|(p, _, _)| *p == path)
            .map_or(Self::Unknown, |(_, route, _)| *route)
    }

    fn entry(self) -> Option<&'static (&'static str, Route, &'static str)> {
        ROUTES.iter().find(|(_, route, _)| *route == self)
    }

    /// The label of the route in metrics and logs (a fixed set, never the raw path).
    pub(crate) fn label(self) -> &'static str {
        self.entry().map_or("unknown", |(path, _, _)| path)
    }

    /// The methods the route answers.
    fn allowed(self) -> &'static str {
        self.entry().map_or("GET", |(_, _, methods)| methods)
    }

    /// Whether the route is an action the block may run in place (cross-origin, from Usedesk's page).
    fn is_action(self) -> bool {
        self.allowed().contains("OPTIONS")
    }
}

tokio::task_local! {
    /// The time zone of the request being answered: set from the block's account (or the request) for a
    /// block, and from the token for a page or action, so every page shows times as the block did.
    pub(crate) static DISPLAY_ZONE: &'static domain::Zone;
}

/// The service. Cheap to clone: clones share everything.
#[derive(Clone)]
pub struct App {
    pub(crate) inner: Arc<Inner>,
}

pub(crate) struct Inner {
    pub(crate) config: BlockConfig,
    pub(crate) base: Url,
    pub(crate) domain: domain::Domain,
    pub(crate) metrics: Arc<Metrics>,
    pub(crate) signer: Signer,
    pub(crate) sealer: Sealer,
    pub(crate) cors_origins: Vec<String>,
    /// Rendered answers of fresh blocks, reused while the domain serves the same data.
    pub(crate) rendered: crate::api::Rendered,
    /// What each connection created in the last minute, for the block to mark as new.
    pub(crate) created: std::sync::Mutex<std::collections::HashMap<ConnectionId, Vec<Created>>>,
}

/// A contact or deal created from the block, and when.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Created {
    /// A contact id, created at (unix seconds).
    Contact(i64, i64),
    /// A deal id, created at (unix seconds).
    Deal(i64, i64),
}

/// How long the block marks what was just created.
const MARKED_NEW_SECONDS: i64 = 60;

impl Created {
    fn at(self) -> i64 {
        match self {
            Self::Contact(_, at) | Self::Deal(_, at) => at,
        }
    }
}

impl std::fmt::Debug for App {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("App")
            .field("config", &self.inner.config)
            .finish_non_exhaustive()
    }
}

impl App {
    /// The service over this domain, recording into `metrics`.
    ///
    /// Call [`BlockConfig::validate`] first: a configuration that fails it still runs, but weakly
    /// (a short signing key) or not as meant (a malformed origin is never matched).
    pub fn new(config: BlockConfig, domain: domain::Domain, metrics: Arc<Metrics>) -> App {
        if let Err(e) = config.validate() {
            tracing::warn!(error = %domain::Report(&e), "the block service runs with a questionable configuration");
        }
        let keys = Keys::derive(&config.signing_key);
        let cors_origins = config
            .cors_origins
            .iter()
            .map(|o| o.trim().trim_end_matches('/').to_ascii_lowercase())
            .collect();
        App {
            inner: Arc::new(Inner {
                base: config.base_url(),
                signer: Signer::new(keys.action),
                sealer: Sealer::new(keys.seal),
                cors_origins,
                rendered: crate::api::Rendered::default(),
                created: std::sync::Mutex::default(),
                config,
                domain,
                metrics,
            }),
        }
    }

    /// Answers one request. Never fails: every failure is an answer.
    pub async fn handle(&self, request: Request<Incoming>) -> hyper::Response<Full<Bytes>> {
        let started = Instant::now();
        let route = Route::of(request.uri().path());
        // The path alone: queries carry tokens and sealed values, which never reach a log.
        let span = tracing::info_span!(
            "request",
            method = %request.method(),
            route = route.label(),
            status = tracing::field::Empty,
            latency_ms = tracing::field::Empty,
        );
        let response = self.dispatch(route, request).instrument(span.clone()).await;
        let status = response.status().as_u16();
        let elapsed = started.elapsed();
        let latency_ms = u64::try_from(elapsed.as_millis()).unwrap_or(u64::MAX);
        span.record("status", status);
        span.record("latency_ms", latency_ms);
        // The event repeats the span's fields, so a log line reads whole whatever the formatter.
        span.in_scope(|| {
            tracing::info!(route = route.label(), status, latency_ms, "request served");
        });
        self.inner
            .metrics
            .observe_request(route.label(), status, elapsed);
        response
    }

    async fn dispatch(&self, route: Route, request: Request<Incoming>) -> Response {
        let method = request.method().clone();
        if route.is_action() {
            let origin = request
                .headers()
                .get(header::ORIGIN)
                .and_then(|v| v.to_str().ok())
                .map(str::to_owned);
            if method == Method::OPTIONS {
                return self.preflight(origin.as_deref(), &request);
            }
            // An in-place call from an origin we do not answer could not read its result, yet would
            // spend the token: refuse it untouched, so the block's plain form still works.
            if web::wants_json(request.headers())
                && origin.as_deref().is_some_and(|o| !self.origin_allowed(o))
            {
                return web::json(
                    StatusCode::FORBIDDEN,
                    serde_json::json!({"ok": false, "error": {"code": "origin_not_allowed",
                        "message": "This origin may not call the service in place."}})
                    .to_string(),
                );
            }
            let response = self.route(route, method, request).await;
            return self.with_cors(origin.as_deref(), response);
        }
        self.route(route, method, request).await
    }

    async fn route(&self, route: Route, method: Method, request: Request<Incoming>) -> Response {
        match (route, method) {
            (Route::Api, Method::POST) => crate::api::block(self, request).await,
            (Route::FreeCreateLead, Method::POST) => {
                crate::trigger::free_create_lead(self, request).await
            }
            (Route::OAuthStart, Method::GET) => crate::oauth::start(self, request).await,
            (Route::OAuthStart, Method::POST) => crate::oauth::confirm(self, request).await,
            (Route::OAuthCallback, Method::GET) => crate::oauth::callback(self, request).await,
            (Route::Contact, Method::GET) => {
                extract::page(self, request, &[K::AddContact], actions::contact_form).await
            }
            (Route::Contact, Method::POST) => {
                extract::action(self, request, &[K::CreateContact], actions::create_contact).await
            }
            (Route::Link, Method::POST) => {
                extract::action(self, request, &[K::Link], actions::link).await
            }
            (Route::Unlink, Method::POST) => {
                extract::action(self, request, &[K::Unlink], actions::unlink).await
            }
            // The form's own submit token may come back to the form through "Show required fields".
            (Route::Deal, Method::GET) => {
                let kinds = [K::NewDeal, K::CreateDeal];
                extract::page(self, request, &kinds, deals::deal_form).await
            }
            (Route::Deal, Method::POST) => {
                extract::action(self, request, &[K::CreateDeal], deals::create_deal).await
            }
            (Route::Settings, Method::GET) => {
                extract::page(self, request, &[K::Settings], actions::settings).await
            }
            (Route::Settings, Method::POST) => {
                extract::action(self, request, &[K::SaveSettings], actions::save_settings).await
            }
            (Route::TriggerSecret, Method::POST) => {
                extract::action(self, request, &[K::TriggerSecret], actions::trigger_secret).await
            }
            (Route::Search, Method::GET) => {
                extract::page(self, request, &[K::Search], find::search).await
            }
            (Route::ContactValue, Method::POST) => {
                extract::action(self, request, &[K::AddContactValue], edit::add_value).await
            }
            (Route::Tasks, Method::GET) => {
                extract::page(self, request, &[K::Tasks], tasks::tasks_page).await
            }
            (Route::Tasks, Method::POST) => {
                extract::action(self, request, &[K::CreateTask], tasks::create_task).await
            }
            (Route::TaskComplete, Method::POST) => {
                extract::action(self, request, &[K::CompleteTask], tasks::complete_task).await
            }
            (Route::ContactEdit, Method::GET) => {
                extract::page(self, request, &[K::EditContact], edit::edit_form).await
            }
            (Route::ContactEdit, Method::POST) => {
                extract::action(self, request, &[K::SaveContact], edit::save_contact).await
            }
            (Route::DealCard, Method::GET) => {
                extract::page(self, request, &[K::Deal], deals::deal_card).await
            }
            (Route::DealChange, Method::POST) => {
                extract::action(self, request, &[K::ChangeDeal], deal_edit::change_deal).await
            }
            (Route::Comment, Method::POST) => {
                extract::action(self, request, &[K::Comment], deals::comment).await
            }
            (Route::Connection, Method::GET) => {
                extract::page(self, request, &[K::Connection], connection::page).await
            }
            (Route::Disconnect, Method::POST) => {
                extract::action(self, request, &[K::Disconnect], connection::disconnect).await
            }
            (Route::StageComments, Method::POST) => {
                let kinds = [K::StageComments];
                extract::action(self, request, &kinds, connection::stage_comments).await
            }
            (Route::Webhook, Method::POST) => crate::hooks::webhook(self, request).await,
            (Route::DisconnectHook, Method::GET) => crate::hooks::disconnect(self, request).await,
            (Route::Preview, Method::GET) => self.preview(&request),
            (Route::Healthz, Method::GET) => web::text(StatusCode::OK, "ok"),
            (Route::Readyz, Method::GET) => self.readiness().await,
            (Route::Metrics, Method::GET) => web::metrics(self.inner.metrics.encode()),
            (Route::Unknown, _) => web::text(StatusCode::NOT_FOUND, "not found"),
            (route, _) => {
                let mut response = web::text(StatusCode::METHOD_NOT_ALLOWED, "method not allowed");
                response
                    .headers_mut()
                    .insert(header::ALLOW, HeaderValue::from_static(route.allowed()));
                response
            }
        }
    }

    fn origin_allowed(&self, origin: &str) -> bool {
        let origin = origin.trim().trim_end_matches('/').to_ascii_lowercase();
        self.inner.cors_origins.contains(&origin)
    }

    fn with_cors(&self, origin: Option<&str>, mut response: Response) -> Response {
        let headers = response.headers_mut();
        headers.insert(header::VARY, HeaderValue::from_static("Origin"));
        if let Some(origin) = origin.filter(|o| self.origin_allowed(o))
            && let Ok(value) = HeaderValue::from_str(origin)
        {
            headers.insert(header::ACCESS_CONTROL_ALLOW_ORIGIN, value);
        }
        response
    }

    fn preflight(&self, origin: Option<&str>, request: &Request<Incoming>) -> Response {
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

    fn preview(&self, request: &Request<Incoming>) -> Response {
        let Some(preview) = &self.inner.config.preview else {
            return web::text(StatusCode::NOT_FOUND, "not found");
        };
        let query = web::Fields::urlencoded(request.uri().query().unwrap_or("").as_bytes());
        let lang = query
            .text("lang")
            .and_then(i18n::Lang::from_code)
            .unwrap_or(self.inner.config.default_language);
        // Only an http(s) origin goes into the page's policy.
        let sandbox = preview
            .sandbox_url
            .as_deref()
            .and_then(|u| Url::parse(u).ok())
            .filter(|u| matches!(u.scheme(), "http" | "https"))
            .map(|u| u.origin().ascii_serialization());
        web::preview_page(view::render_preview(lang, preview), sandbox.as_deref())
    }

    async fn readiness(&self) -> Response {
        match self.inner.domain.store().ping().await {
            Ok(()) => web::text(StatusCode::OK, "ready"),
            Err(e) => {
                tracing::warn!(error = %domain::Report(&e), "the store does not answer");
                web::text(StatusCode::SERVICE_UNAVAILABLE, "store unavailable")
            }
        }
    }

    /// The domain.
    pub(crate) fn domain(&self) -> &domain::Domain {
        &self.inner.domain
    }

    /// The configuration.
    pub(crate) fn config(&self) -> &BlockConfig {
        &self.inner.config
    }

    /// An absolute URL of ours, `path` relative to the public base.
    pub(crate) fn url(&self, path: &str) -> Url {
        self.inner
            .base
            .join(path)
            .expect("our own paths always join onto an http(s) base")
    }

    /// Runs `work` with times shown in `zone` (what [`App::display`] reads): the zone of the block a page or
    /// action comes from travels in its token.
    pub(crate) async fn in_zone<T>(
        &self,
        zone: &'static domain::Zone,
        work: impl std::future::Future<Output = T>,
    ) -> T {
        DISPLAY_ZONE.scope(zone, work).await
    }

    /// How times are shown now: in the zone of the request being answered (see [`App::display_zone`]).
    pub(crate) fn display(&self) -> Display {
        Display {
            zone: DISPLAY_ZONE
                .try_with(|zone| *zone)
                .unwrap_or_else(|_| self.domain().zone(None, None).shared()),
            now: domain::now(),
            default_country: self
                .domain()
                .config()
                .default_country
                .as_deref()
                .and_then(|c| c.parse().ok()),
        }
    }

    /// A signed action: the URL of `kind`'s route and a fresh token for it.
    pub(crate) fn action(&self, scope: &Scope, kind: ActionKind, subject: Option<i64>) -> Action {
        let config = &self.inner.config;
        let lifetime = if kind.is_page_link() {
            config.link_ttl.min(config.action_ttl)
        } else {
            config.action_ttl
        };
        let ttl = i64::try_from(lifetime.as_secs()).unwrap_or(i64::MAX);
        Action {
            url: self.url(kind.path()).to_string(),
            token: self
                .inner
                .signer
                .sign(scope, kind, subject, domain::now().saturating_add(ttl)),
        }
    }

    /// Remembers that `created` was made on `connection` now, for the block's next renders to mark it new.
    pub(crate) fn remember_created(&self, connection: ConnectionId, created: Created) {
        let mut all = self
            .inner
            .created
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner);
        let now = domain::now();
        all.retain(|_, list| {
            list.retain(|c| c.at() > now - MARKED_NEW_SECONDS);
            !list.is_empty()
        });
        all.entry(connection).or_default().push(created);
    }

    /// The contacts and deals made on `connection` in the last minute.
    pub(crate) fn just_created(&self, connection: ConnectionId) -> (Vec<i64>, Vec<i64>) {
        let all = self
            .inner
            .created
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner);
        let since = domain::now() - MARKED_NEW_SECONDS;
        let mut contacts = Vec::new();
        let mut deals = Vec::new();
        for created in all.get(&connection).into_iter().flatten() {
            match *created {
                Created::Contact(id, at) if at > since => contacts.push(id),
                Created::Deal(id, at) if at > since => deals.push(id),
                _ => {}
            }
        }
        (contacts, deals)
    }

    /// A page in the agent's language.
    pub(crate) fn page(&self, status: StatusCode, lang: i18n::Lang, page: &PageView) -> Response {
        let html = view::render_page(lang, page, &self.display());
        match page {
            // Its read-only fields select their text on focus: the one inline handler a page may run.
            PageView::TriggerSecret(_) => web::secret_page(status, html),
            // Choosing a stage marks and reveals the fields it requires.
            PageView::DealForm { .. } => {
                web::page_with_handlers(status, html, &[web::STAGE_CHANGE])
            }
            // The same on the deal's edit page, where it also shows the loss reason only for "lost".
            PageView::DealEdit(_) => web::page_with_handlers(status, html, &[web::STAGE_CHANGE]),
            // The Integration ID and the trigger body select on focus; the filter box hides rows.
            PageView::Settings { .. } => {
                web::page_with_handlers(status, html, &[web::SELECT_ON_FOCUS, web::FILTER_ROWS])
            }
            _ => web::page(status, html),
        }
    }

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
