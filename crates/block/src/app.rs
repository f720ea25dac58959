//! [`App`]: the service as one cloneable handle — dispatch, per-request logging and metrics, and the helpers every
//! route shares (signed actions, pages). The route table is in `routes.rs`, CORS in `cors.rs`, failure answers in
//! `failures.rs`, what the block marks as new in `created.rs`.

use std::sync::Arc;
use std::time::Instant;

use bytes::Bytes;
use http::header;
use http::{Method, StatusCode};
use http_body_util::Full;
use hyper::Request;
use hyper::body::Incoming;
use tracing::Instrument as _;
use url::Url;

use crate::config::BlockConfig;
pub(crate) use crate::created::Created;
use crate::http::{self as web, Response};
use crate::keys::Keys;
use crate::metrics::Metrics;
use crate::routes::Route;
use crate::seal::Sealer;
use crate::token::{ActionKind, Scope, Signer};
use crate::view::model::{Action, PageView};
use crate::view::{self, Display};
use domain::store::ConnectionId;

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
    pub(crate) rendered: crate::rendered::Rendered,
    /// What each connection created in the last minute, for the block to mark as new.
    pub(crate) created: std::sync::Mutex<std::collections::HashMap<ConnectionId, Vec<Created>>>,
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
                rendered: crate::rendered::Rendered::default(),
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
        self.action_about(scope, kind, (subject, None))
    }

    /// An action about `subject` that also names the `contact` it was offered on (a deal's card reads it beside
    /// the deal).
    pub(crate) fn action_about(
        &self,
        scope: &Scope,
        kind: ActionKind,
        about: (Option<i64>, Option<i64>),
    ) -> Action {
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
                .sign(scope, kind, about, domain::now().saturating_add(ttl)),
        }
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
}
