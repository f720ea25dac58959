//! What a [`Domain`](super::Domain) is built from: its configuration and its dependencies.

use std::sync::Arc;
use std::time::Duration;

use amocrm::{CallObserver, HostPolicy, OAuthConfig, RateLimiter};
use url::Url;

use crate::store::Store;
use crate::tokens::RefreshObserver;

/// How the domain behaves. `Default` gives the documented defaults.
#[derive(Debug, Clone)]
pub struct DomainConfig {
    /// Which amoCRM hosts may be called (the SSRF guard).
    pub host_policy: HostPolicy,
    /// The amoCRM OAuth client; `None` until configured (the block then says so).
    pub oauth: Option<OAuthConfig>,
    /// Country code prefixed to bare ten-digit phone numbers (`7` for Russia); `None` leaves them out.
    pub default_country: Option<String>,
    /// How long account metadata (pipelines, users, fields) is cached.
    pub metadata_ttl: Duration,
    /// How long a rendered ticket's data is reused for identical renders.
    pub render_cache_ttl: Duration,
    /// How long a block render may take before the block shows what it has.
    pub render_deadline: Duration,
    /// Timeout of one amoCRM or Usedesk request.
    pub request_timeout: Duration,
    /// How long a `freeCreateLead` result is remembered for identical retries.
    pub idempotency_ttl: Duration,
    /// The Usedesk API base URL.
    pub usedesk_base: Url,
    /// Whether creating a contact or deal from a ticket adds a private comment to that ticket.
    pub usedesk_comment_on_create: bool,
    /// The most deals shown per contact.
    pub max_deals_per_contact: usize,
    /// A `freeCreateLead` claim not updated for this long belongs to a crashed process and is taken over.
    pub claim_stale_after: Duration,
    /// The operator's time zone for every account (an IANA name such as `America/Sao_Paulo`, or an offset such
    /// as `+03:00`); `None` (the default) uses each amoCRM account's own zone. A block request's `timezone`
    /// still wins over it. See [`Domain::zone`](super::Domain::zone).
    pub time_zone: Option<String>,
    /// The language of the notes a trigger leaves in the ticket and in amoCRM (the block's own actions use the
    /// agent's).
    pub default_language: i18n::Lang,
    /// Which Usedesk accounts may connect to which amoCRM accounts; empty lets any account connect to any.
    pub login_pins: Vec<crate::login::LoginPin>,
    /// Whether `freeCreateLead` refuses a trigger without its connection's trigger secret (default `true`).
    /// When `false`, a connection that has never had a secret accepts triggers by its Integration ID alone;
    /// one that has a secret still requires it.
    pub require_trigger_secret: bool,
    /// How long a block's amoCRM work may go on in the background after its render deadline passed (filling the
    /// caches for the agent's next look); past it the work is dropped. Also how long data prepared that way stays
    /// fresh for the block that asked for it.
    pub continuation_horizon: Duration,
    /// The account's request budget: this many per `rate_limit_window` (the limiter's), used to order and
    /// estimate the queue in front of the limiter.
    pub rate_limit_requests: u32,
    /// The window of `rate_limit_requests`.
    pub rate_limit_window: Duration,
}

impl Default for DomainConfig {
    fn default() -> Self {
        Self {
            host_policy: HostPolicy::default(),
            oauth: None,
            default_country: Some("7".into()),
            metadata_ttl: Duration::from_secs(600),
            render_cache_ttl: Duration::from_secs(10),
            render_deadline: Duration::from_secs(8),
            request_timeout: Duration::from_secs(10),
            idempotency_ttl: Duration::from_secs(24 * 3600),
            usedesk_base: Url::parse("https://api.usedesk.ru").expect("a valid URL"),
            usedesk_comment_on_create: true,
            max_deals_per_contact: 50,
            claim_stale_after: Duration::from_secs(120),
            time_zone: None,
            default_language: i18n::Lang::default(),
            login_pins: Vec::new(),
            require_trigger_secret: true,
            continuation_horizon: Duration::from_secs(60),
            rate_limit_requests: 7,
            rate_limit_window: Duration::from_secs(1),
        }
    }
}

/// What the domain needs from outside: storage, an HTTP client, a rate limiter and optional observers.
#[derive(Clone)]
pub struct Dependencies {
    /// The store.
    pub store: Arc<dyn Store>,
    /// A shared HTTP client (one connection pool for everything).
    pub http: reqwest::Client,
    /// The amoCRM rate limiter (per account; shared across replicas when Redis-backed).
    pub limiter: Arc<dyn RateLimiter>,
    /// Sees every amoCRM call (metrics).
    pub call_observer: Option<Arc<dyn CallObserver>>,
    /// Sees every token refresh (metrics).
    pub refresh_observer: Option<Arc<dyn RefreshObserver>>,
}
