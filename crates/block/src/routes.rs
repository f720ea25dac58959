//! The route table ([`ROUTES`]) and what runs for each route: the service's own routes here, the agent's pages
//! and actions through `extract` (their token checked, and spent for a write) before their handler.

use http::header::{self, HeaderValue};
use http::{Method, StatusCode};
use hyper::Request;
use hyper::body::Incoming;
use url::Url;

use crate::app::App;
use crate::http::{self as web, Response};
use crate::token::ActionKind as K;
use crate::view;
use crate::{actions, connection, deal_edit, deals, edit, extract, find, tasks};

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
    DealStage,
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
    // The block's stage select: a deal moved in place.
    ("/action/deal-stage", Route::DealStage, "POST, OPTIONS"),
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
    /// The route of a request's path.
    pub(crate) fn of(path: &str) -> Self {
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
    pub(crate) fn is_action(self) -> bool {
        self.allowed().contains("OPTIONS")
    }
}

impl App {
    /// Runs the handler of `route` for `method`: the service's own routes here, the agent's in
    /// [`agent_route`](Self::agent_route).
    pub(crate) async fn route(
        &self,
        route: Route,
        method: Method,
        request: Request<Incoming>,
    ) -> Response {
        match (route, method) {
            (Route::Api, Method::POST) => Box::pin(crate::api::block(self, request)).await,
            (Route::FreeCreateLead, Method::POST) => {
                Box::pin(crate::trigger::free_create_lead(self, request)).await
            }
            (Route::OAuthStart, Method::GET) => crate::oauth::start(self, request).await,
            (Route::OAuthStart, Method::POST) => crate::oauth::confirm(self, request).await,
            (Route::OAuthCallback, Method::GET) => {
                Box::pin(crate::oauth::callback(self, request)).await
            }
            (Route::Webhook, Method::POST) => Box::pin(crate::hooks::webhook(self, request)).await,
            (Route::DisconnectHook, Method::GET) => crate::hooks::disconnect(self, request).await,
            (Route::Preview, Method::GET) => self.preview(&request),
            (Route::Healthz, Method::GET) => web::text(StatusCode::OK, "ok"),
            (Route::Readyz, Method::GET) => self.readiness().await,
            (Route::Metrics, Method::GET) => web::metrics(self.inner.metrics.encode()),
            (Route::Unknown, _) => web::text(StatusCode::NOT_FOUND, "not found"),
            (route, method) => Box::pin(self.agent_route(route, method, request)).await,
        }
    }

    /// The agent's pages (a GET whose token is checked) and actions (a POST whose token is spent); a method the
    /// route does not answer is refused with its `Allow`. Long because it is one `match`, a table of the agent's
    /// routes and the token kinds each takes, which reads best whole.
    async fn agent_route(
        &self,
        route: Route,
        method: Method,
        request: Request<Incoming>,
    ) -> Response {
        match (route, method) {
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
            (Route::DealStage, Method::POST) => {
                extract::action(self, request, &[K::MoveDeal], deal_edit::move_deal).await
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
            (route, _) => {
                let mut response = web::text(StatusCode::METHOD_NOT_ALLOWED, "method not allowed");
                response
                    .headers_mut()
                    .insert(header::ALLOW, HeaderValue::from_static(route.allowed()));
                response
            }
        }
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
}
