//! The two listeners, their accept loops, and the [`Sandbox`] handle.

use std::convert::Infallible;
use std::fmt;
use std::io;
use std::net::SocketAddr;
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::Duration;

use bytes::Bytes;
use http::header::{AUTHORIZATION, CONTENT_TYPE, HOST};
use http::{HeaderMap, HeaderValue, Request, Response, StatusCode};
use http_body_util::{BodyExt, Limited};
use hyper::body::Incoming;
use hyper::server::conn::http1;
use hyper::service::service_fn;
use hyper_util::rt::TokioIo;
use tokio::net::TcpListener;
use tokio::sync::watch;
use tokio::task::{JoinHandle, JoinSet};
use url::Url;

use crate::amocrm::{self, Ctx};
use crate::config::SandboxConfig;
use crate::control;
use crate::faults::Faults;
use crate::http::{Body, Query, json};
use crate::state::Shared;
use crate::stats::{Side, Stats};
use crate::usedesk::{self, model::UsedeskComment};

/// Request bodies above this size are refused; no real call comes close.
const MAX_BODY: usize = 8 * 1024 * 1024;

/// A running amoCRM + Usedesk stand-in. Both listeners accept connections as soon as
/// [`start`](Self::start) returns. Dropping the handle stops accepting; [`shutdown`](Self::shutdown)
/// also waits for the listeners to close.
pub struct Sandbox {
    shared: Arc<Shared>,
    amocrm_addr: SocketAddr,
    usedesk_addr: SocketAddr,
    stop: watch::Sender<bool>,
    tasks: Vec<JoinHandle<()>>,
}

impl fmt::Debug for Sandbox {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Sandbox")
            .field("amocrm_addr", &self.amocrm_addr)
            .field("usedesk_addr", &self.usedesk_addr)
            .field("config", &self.shared.config)
            .finish()
    }
}

impl Sandbox {
    /// Binds both listeners, loads the account and starts serving.
    pub async fn start(config: SandboxConfig) -> io::Result<Sandbox> {
        let amocrm_listener = TcpListener::bind(config.amocrm_addr).await?;
        let usedesk_listener = TcpListener::bind(config.usedesk_addr).await?;
        let amocrm_addr = amocrm_listener.local_addr()?;
        let usedesk_addr = usedesk_listener.local_addr()?;
        let shared = Arc::new(Shared::new(config, amocrm_addr));
        let (stop, stopped) = watch::channel(false);
        let tasks = vec![
            tokio::spawn(serve(
                amocrm_listener,
                Arc::clone(&shared),
                Side::Amocrm,
                stopped.clone(),
            )),
            tokio::spawn(serve(
                usedesk_listener,
                Arc::clone(&shared),
                Side::Usedesk,
                stopped,
            )),
        ];
        tracing::debug!(%amocrm_addr, %usedesk_addr, "sandbox listening");
        Ok(Sandbox {
            shared,
            amocrm_addr,
            usedesk_addr,
            stop,
            tasks,
        })
    }

    /// The amoCRM account host, e.g. `http://127.0.0.1:41234/`. It also serves `/oauth`,
    /// `/oauth2/access_token` and the `/__sandbox` controls.
    pub fn amocrm_url(&self) -> Url {
        http_url(self.amocrm_addr)
    }

    /// What the OAuth callback carries as `referer`: the account host without a scheme, e.g. `127.0.0.1:41234`.
    pub fn amocrm_referer(&self) -> String {
        self.amocrm_addr.to_string()
    }

    /// The Usedesk API base, e.g. `http://127.0.0.1:41235/`.
    pub fn usedesk_url(&self) -> Url {
        http_url(self.usedesk_addr)
    }

    /// The authorization page, `{amocrm}/oauth`.
    pub fn authorize_url(&self) -> Url {
        let mut url = self.amocrm_url();
        url.set_path("/oauth");
        url
    }

    /// Approves an authorization request as if the user pressed "Allow" on the consent page at
    /// `authorize_url` (the URL our service redirected to): returns the callback URL with the code, or
    /// `None` when the request names another client. Lets HTTP-level tests log in without a browser.
    pub fn approve(&self, authorize_url: &Url) -> Option<Url> {
        crate::oauth::approve(&self.shared, authorize_url)
    }

    /// Replaces the injected faults.
    pub fn set_faults(&self, faults: Faults) {
        self.shared.set_faults(faults);
    }

    /// The injected faults now (a `for_next` fault counts down as it is applied).
    pub fn faults(&self) -> Faults {
        self.shared.faults()
    }

    /// Changes the delay added to every amoCRM API request.
    pub fn set_latency(&self, latency: Duration) {
        self.shared.set_latency(latency);
    }

    /// The delay added to every amoCRM API request.
    pub fn latency(&self) -> Duration {
        self.shared.latency()
    }

    /// What the sandbox has received since it started or since [`reset_stats`](Self::reset_stats).
    pub fn stats(&self) -> Stats {
        self.shared.stats()
    }

    /// Zeroes the counters.
    pub fn reset_stats(&self) {
        self.shared.reset_stats();
    }

    /// Issues a long-lived token (admin rights, no refresh token, valid for a year).
    pub fn issue_long_lived_token(&self) -> String {
        self.shared.issue_long_lived_token()
    }

    /// Revokes every token and refresh token: all API calls answer 401 and every refresh answers
    /// 401 "Token has been revoked", as when an administrator deactivates the installation.
    pub fn revoke_all_tokens(&self) {
        self.shared.revoke_all_tokens();
    }

    /// Expires every OAuth access token now, so the next API call answers 401 and a client has to
    /// refresh. Refresh tokens and long-lived tokens are untouched.
    pub fn expire_access_tokens(&self) {
        self.shared.expire_access_tokens();
    }

    /// Moves lead `lead_id` to stage `status_id` (in `pipeline_id`, or its own) as user `by` would in amoCRM:
    /// the events feed records it and the subscribed webhooks are posted to, like any change. An error says why
    /// the move is not possible.
    pub fn move_lead(
        &self,
        lead_id: i64,
        status_id: i64,
        pipeline_id: Option<i64>,
        by: i64,
    ) -> Result<(), String> {
        amocrm::move_lead(&self.shared, lead_id, status_id, pipeline_id, by)?;
        let outbox = std::mem::take(&mut crate::state::lock(&self.shared.crm).outbox);
        amocrm::send_webhooks(&self.shared, outbox);
        Ok(())
    }

    /// The account uninstalls the integration: every token is revoked, and the query amoCRM sends (GET) to the
    /// integration's disconnect URL is returned — `client_uuid`, `account_id` and `signature`, the hex
    /// HMAC-SHA256 of `"{client_id}|{account_id}"` keyed with the client secret.
    pub fn uninstall(&self) -> String {
        use hmac::Mac as _;
        self.shared.revoke_all_tokens();
        let config = &self.shared.config;
        let account_id = crate::seed::ACCOUNT_ID;
        let mut mac =
            hmac::Hmac::<sha2::Sha256>::new_from_slice(config.oauth_client_secret.as_bytes())
                .expect("HMAC takes a key of any length");
        mac.update(format!("{}|{account_id}", config.oauth_client_id).as_bytes());
        let signature = hex::encode(mac.finalize().into_bytes());
        url::form_urlencoded::Serializer::new(String::new())
            .append_pair("client_uuid", &config.oauth_client_id)
            .append_pair("account_id", &account_id.to_string())
            .append_pair("signature", &signature)
            .finish()
    }

    /// The account's webhook subscriptions: (destination, whether it was disabled after failed deliveries).
    pub fn webhooks(&self) -> Vec<(String, bool)> {
        amocrm::webhooks(&self.shared)
    }

    /// The webhook deliveries sent so far (answered or not), oldest first: (destination, form body). Lets a
    /// test replay one, as amoCRM does when it retries.
    pub fn webhook_log(&self) -> Vec<(String, String)> {
        amocrm::webhook_log(&self.shared)
    }

    /// The comments posted through Usedesk's `POST /create/comment`, oldest first.
    pub fn usedesk_comments(&self) -> Vec<UsedeskComment> {
        self.shared.usedesk_comments()
    }

    /// Stops accepting connections, drops the open ones, and waits for both listeners to close.
    pub async fn shutdown(self) {
        let _ = self.stop.send(true);
        for task in self.tasks {
            let _ = task.await;
        }
    }
}

/// Runs a sandbox until Ctrl-C, for a small binary or a `demo` subcommand.
pub async fn run_forever(config: SandboxConfig) -> io::Result<()> {
    let sandbox = Sandbox::start(config).await?;
    tracing::info!(
        amocrm = %sandbox.amocrm_url(),
        usedesk = %sandbox.usedesk_url(),
        authorize = %sandbox.authorize_url(),
        "sandbox running; Ctrl-C stops it"
    );
    let stopped = tokio::signal::ctrl_c().await;
    sandbox.shutdown().await;
    stopped
}

fn http_url(addr: SocketAddr) -> Url {
    Url::parse(&format!("http://{addr}")).expect("a socket address always forms a valid http URL")
}

async fn serve(
    listener: TcpListener,
    shared: Arc<Shared>,
    side: Side,
    mut stopped: watch::Receiver<bool>,
) {
    let mut connections = JoinSet::new();
    loop {
        tokio::select! {
            accepted = listener.accept() => match accepted {
                Ok((stream, _)) => {
                    let shared = Arc::clone(&shared);
                    connections.spawn(async move {
                        let service = service_fn(move |request| {
                            let shared = Arc::clone(&shared);
                            async move { Ok::<_, Infallible>(dispatch(&shared, side, request).await) }
                        });
                        if let Err(error) = http1::Builder::new().serve_connection(TokioIo::new(stream), service).await {
                            tracing::debug!(%error, "sandbox connection ended with an error");
                        }
                    });
                }
                // Accept errors (for example running out of file descriptors) are transient; the
                // loop goes on so the sandbox recovers once the pressure is gone.
                Err(error) => tracing::warn!(%error, "sandbox accept failed"),
            },
            Some(_) = connections.join_next(), if !connections.is_empty() => {}
            _ = stopped.changed() => break,
        }
    }
    connections.shutdown().await;
}

async fn dispatch(shared: &Arc<Shared>, side: Side, request: Request<Incoming>) -> Response<Body> {
    let response = answer(shared, side, request).await;
    // The changes the request made reach subscribed webhooks after it is answered, as in amoCRM.
    let outbox = std::mem::take(&mut crate::state::lock(&shared.crm).outbox);
    amocrm::send_webhooks(shared, outbox);
    response
}

async fn answer(shared: &Shared, side: Side, request: Request<Incoming>) -> Response<Body> {
    let (parts, body) = request.into_parts();
    let body: Bytes = match Limited::new(body, MAX_BODY).collect().await {
        Ok(collected) => collected.to_bytes(),
        Err(_) => {
            return json(
                StatusCode::PAYLOAD_TOO_LARGE,
                &serde_json::json!({ "error": "the request body is too large or was cut off" }),
            );
        }
    };
    let header = |name| {
        parts
            .headers
            .get(name)
            .and_then(|v: &HeaderValue| v.to_str().ok())
            .map(str::to_owned)
    };
    let content_type = header(CONTENT_TYPE);
    let path = parts.uri.path().to_owned();
    match side {
        Side::Usedesk => {
            usedesk::handle(shared, &parts.method, &path, content_type.as_deref(), &body)
        }
        Side::Amocrm if path.starts_with("/__sandbox/") => {
            control::handle(shared, &parts.method, &path, &body)
        }
        Side::Amocrm => {
            let ctx = Ctx {
                method: parts.method.clone(),
                path,
                raw_query: parts.uri.query().map(str::to_owned),
                query: Query::default(),
                body,
                content_type,
                authorization: header(AUTHORIZATION),
                base: base_url(&parts.headers, shared.amocrm_addr),
                user_id: 0,
            };
            let mut response = amocrm::handle(shared, ctx).await;
            response.headers_mut().insert("x-request-id", request_id());
            response
        }
    }
}

/// `http://{Host}` as the client addressed us, so `_links` stay on the origin the client trusts
/// (`localhost` and `127.0.0.1` are different origins to a careful client).
fn base_url(headers: &HeaderMap, addr: SocketAddr) -> String {
    let host = headers.get(HOST).and_then(|v| v.to_str().ok()).filter(|h| {
        !h.is_empty()
            && h.bytes()
                .all(|b| b.is_ascii_alphanumeric() || b".-:[]".contains(&b))
    });
    match host {
        Some(host) => format!("http://{host}"),
        None => format!("http://{addr}"),
    }
}

/// A unique `X-Request-Id`, which amoCRM sends and clients log.
fn request_id() -> HeaderValue {
    static NEXT: AtomicU64 = AtomicU64::new(1);
    let n = NEXT.fetch_add(1, Ordering::Relaxed);
    HeaderValue::from_str(&format!("sbx-{n:012x}"))
        .unwrap_or_else(|_| HeaderValue::from_static("sbx"))
}
