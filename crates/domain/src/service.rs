//! [`Domain`]: the one entry point the HTTP layer calls. It owns the caches and builds, per connection, an
//! amoCRM client whose tokens come from the store.

use std::collections::HashMap;
use std::sync::{Arc, Mutex, PoisonError};
use std::time::Duration;

use amocrm::{
    AccountHost, AmoClient, AuthMode, CallObserver, Contact, HostPolicy, OAuthClient, OAuthConfig,
    Priority, PriorityGate, RateLimiter,
};
use secrecy::{ExposeSecret, SecretString};
use sha2::{Digest, Sha256};
use url::Url;

use crate::Error;
use crate::cache::{CoalescingCache, InFlight};
use crate::fields::FieldDef;
use crate::metadata::CoreMeta;
use crate::model::{AccountView, BlockData};
use crate::store::{Connection, ConnectionId, ConnectionStatus, Store};
use crate::tokens::{RefreshObserver, StoreTokenSource, to_stored};
use crate::zone::Zone;

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
    /// still wins over it. See [`Domain::zone`].
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

/// How long a connection read from the store is reused by block renders. Our own changes (a login, a lost
/// access) drop it at once; another replica's are seen within this time.
const CONNECTION_TTL: Duration = Duration::from_secs(5);

/// The key of a rendered ticket: the connection, the Usedesk client, and the identifiers searched.
pub(crate) type RenderKey = (ConnectionId, Option<i64>, Vec<String>);

pub(crate) struct Inner {
    pub(crate) config: DomainConfig,
    pub(crate) deps: Dependencies,
    pub(crate) oauth: Option<OAuthClient>,
    pub(crate) sources: Mutex<HashMap<ConnectionId, Arc<StoreTokenSource>>>,
    pub(crate) core: CoalescingCache<ConnectionId, CoreMeta>,
    pub(crate) deal_fields: CoalescingCache<ConnectionId, Vec<FieldDef>>,
    pub(crate) renders: CoalescingCache<RenderKey, BlockData>,
    /// Connections by (Usedesk account, amoCRM host), read on every block: kept briefly so that a block
    /// answered from the render cache does not touch the database.
    pub(crate) connections: CoalescingCache<(String, String), Option<Connection>>,
    pub(crate) triggers: crate::trigger::InFlight,
    /// Whether a connection has notices its block has not shown, read from the store at most every few
    /// seconds per connection (and dropped at once by our own changes).
    pub(crate) notice_flags: CoalescingCache<ConnectionId, bool>,
    /// Orders each account's requests by priority in front of the limiter.
    pub(crate) gate: PriorityGate,
    /// Block loads in flight (going on past their render deadline), by render key and the key's epoch.
    pub(crate) continuations: InFlight<(RenderKey, u64), BlockData>,
    /// Contact searches in flight, by connection and query: two blocks searching one identifier share one call.
    pub(crate) searches: InFlight<(ConnectionId, String), Vec<Contact>>,
    /// Leads calls waiting for their turn, which other blocks' ids may join.
    pub(crate) lead_batches: crate::batch::LeadBatches,
    /// Connections whose stored metadata snapshot this process has read (once each).
    pub(crate) snapshots_read: Mutex<std::collections::HashSet<ConnectionId>>,
}

/// The domain. Cheap to clone; clones share caches.
#[derive(Clone)]
pub struct Domain {
    pub(crate) inner: Arc<Inner>,
}

impl std::fmt::Debug for Domain {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Domain")
            .field("config", &self.inner.config)
            .finish_non_exhaustive()
    }
}

/// A finished login: the connection stored, and the Usedesk account it belongs to as people can recognise it.
#[derive(Debug, Clone)]
pub struct CompletedLogin {
    /// The connection.
    pub connection: Connection,
    /// The Usedesk account now connected.
    pub account: crate::login::UsedeskAccountLabel,
}

/// Who acts and from where: carried by every action.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ActionContext {
    /// The connection.
    pub connection_id: ConnectionId,
    /// The Usedesk ticket the action comes from.
    pub ticket_id: Option<i64>,
    /// The Usedesk client of that ticket.
    pub client_id: Option<i64>,
    /// Who, for the audit trail (e.g. `agent`, `trigger`).
    pub actor: String,
    /// The language of the notes left in the ticket and in amoCRM.
    pub lang: i18n::Lang,
    /// The time zone the block request asked for (typed dates are read in it), if any.
    pub time_zone: Option<String>,
    /// The Usedesk agent who acts (name and/or e-mail, as the block request gave it), for the note in amoCRM.
    pub agent: Option<String>,
}

impl Domain {
    /// A domain with this configuration and these dependencies.
    pub fn new(config: DomainConfig, deps: Dependencies) -> Self {
        let oauth = config
            .oauth
            .clone()
            .map(|c| OAuthClient::new(c, deps.http.clone()).with_timeout(config.request_timeout));
        let inner = Inner {
            core: CoalescingCache::new(config.metadata_ttl, 10_000),
            deal_fields: CoalescingCache::new(config.metadata_ttl, 10_000),
            renders: CoalescingCache::new(config.render_cache_ttl, 5_000),
            connections: CoalescingCache::new(CONNECTION_TTL, 10_000),
            triggers: crate::trigger::InFlight::default(),
            notice_flags: CoalescingCache::new(CONNECTION_TTL, 10_000),
            gate: PriorityGate::new(config.rate_limit_requests, config.rate_limit_window),
            continuations: InFlight::default(),
            searches: InFlight::default(),
            lead_batches: crate::batch::LeadBatches::default(),
            snapshots_read: Mutex::default(),
            sources: Mutex::default(),
            oauth,
            config,
            deps,
        };
        Self {
            inner: Arc::new(inner),
        }
    }

    /// The configuration.
    pub fn config(&self) -> &DomainConfig {
        &self.inner.config
    }

    /// The time zone times are shown and typed dates read in: the block request's (`requested`), else the
    /// operator's ([`DomainConfig::time_zone`]), else the amoCRM account's own, else UTC.
    pub fn zone(&self, requested: Option<&str>, account: Option<&AccountView>) -> Zone {
        Zone::resolve(
            requested,
            self.config().time_zone.as_deref(),
            account.and_then(|a| a.time_zone.as_deref()),
        )
    }

    /// The store.
    pub fn store(&self) -> &Arc<dyn Store> {
        &self.inner.deps.store
    }

    /// Whether "Login to amoCRM" can work (the OAuth client is configured).
    pub fn oauth_configured(&self) -> bool {
        self.inner.oauth.is_some()
    }

    /// Checks `amo_base_host` against the host policy (the SSRF guard).
    pub fn parse_host(&self, raw: &str) -> Result<AccountHost, Error> {
        AccountHost::parse(raw, &self.inner.config.host_policy).map_err(Error::from)
    }

    /// The Usedesk account's identity: a hash of its API token, never the token itself.
    pub fn usedesk_account(token: &SecretString) -> String {
        let digest = Sha256::new()
            .chain_update(b"usedesk-amocrm/usedesk-account/v1\0")
            .chain_update(token.expose_secret().trim().as_bytes())
            .finalize();
        digest.iter().map(|b| format!("{b:02x}")).collect()
    }

    /// The amoCRM (or Kommo) consent page for `host`, carrying our signed `state`.
    pub fn authorize_url(&self, host: &AccountHost, state: &str) -> Result<Url, Error> {
        let oauth = self.inner.oauth.as_ref().ok_or(Error::OAuthNotConfigured)?;
        Ok(oauth.authorize_url(host.product(), state, AuthMode::PostMessage))
    }

    /// Finishes "Login to amoCRM": checks the login pins and that the answering account is the block's,
    /// exchanges the code, stores the connection (keeping its Integration ID when it existed), and tells the
    /// other connections of that amoCRM account that this Usedesk account connected to it.
    pub async fn complete_login(
        &self,
        usedesk_token: &SecretString,
        expected: &AccountHost,
        referer: Option<&str>,
        code: &str,
    ) -> Result<CompletedLogin, Error> {
        let oauth = self.inner.oauth.as_ref().ok_or(Error::OAuthNotConfigured)?;
        if !self.login_allowed(usedesk_token, expected) {
            return Err(Error::LoginNotAllowed);
        }
        let host = match referer.filter(|r| !r.trim().is_empty()) {
            Some(referer) => AccountHost::from_referer(referer, &self.inner.config.host_policy)?,
            None => expected.clone(),
        };
        if host.as_str() != expected.as_str() {
            return Err(Error::HostMismatch {
                expected: expected.as_str().to_owned(),
                actual: host.as_str().to_owned(),
            });
        }
        let pair = oauth.exchange_code(&host, code).await?;
        let connection = self
            .store()
            .save_login(
                &Self::usedesk_account(usedesk_token),
                host.as_str(),
                &to_stored(&pair),
                Some(usedesk_token),
            )
            .await?;
        self.forget_connection(connection.id);
        let account = self.describe_usedesk_account(usedesk_token).await;
        self.notify_other_connections(&connection, &account).await;
        Ok(CompletedLogin {
            connection,
            account,
        })
    }

    /// The connection of a Usedesk account to an amoCRM account, if any.
    pub async fn connection(
        &self,
        usedesk_token: &SecretString,
        host: &AccountHost,
    ) -> Result<Option<Connection>, Error> {
        Ok(self
            .store()
            .find_connection(&Self::usedesk_account(usedesk_token), host.as_str())
            .await?)
    }

    /// [`connection`](Self::connection), reused for a few seconds: what every block render asks first.
    pub(crate) async fn cached_connection(
        &self,
        usedesk_token: &SecretString,
        host: &AccountHost,
    ) -> Result<Option<Connection>, Error> {
        let key = (
            Self::usedesk_account(usedesk_token),
            host.as_str().to_owned(),
        );
        let cached = self
            .inner
            .connections
            .get_or_load(&key, || self.connection(usedesk_token, host), |_| false)
            .await?;
        Ok((*cached.value).clone())
    }

    /// The connection with this Integration ID.
    pub async fn connection_by_id(&self, id: ConnectionId) -> Result<Connection, Error> {
        self.store()
            .get_connection(id)
            .await?
            .ok_or(Error::NotConnected)
    }

    /// Drops what is cached for a connection (after a new login).
    pub(crate) fn forget_connection(&self, id: ConnectionId) {
        self.inner
            .sources
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .remove(&id);
        self.inner.core.invalidate(|k| *k == id);
        self.inner.deal_fields.invalidate(|k| *k == id);
        self.inner.renders.invalidate(|k| k.0 == id);
        // Keyed by account and host rather than id (a first login has no id yet): drop them all; it is rare.
        self.inner.connections.invalidate(|_| true);
    }

    /// Forgets rendered data of a connection after our own write, so the next render shows it.
    pub(crate) fn after_write(&self, id: ConnectionId) {
        self.inner.renders.invalidate(|k| k.0 == id);
    }

    /// An amoCRM client for a usable connection, for an agent's action: its requests go before reads.
    pub(crate) async fn client(&self, connection: &Connection) -> Result<AmoClient, Error> {
        self.client_with(
            connection,
            Priority::Write,
            self.inner.config.render_deadline,
        )
        .await
    }

    /// An amoCRM client whose requests have `priority` and fail at once as "queued" when they could not start
    /// within `max_wait`.
    pub(crate) async fn client_with(
        &self,
        connection: &Connection,
        priority: Priority,
        max_wait: Duration,
    ) -> Result<AmoClient, Error> {
        if connection.status == ConnectionStatus::NeedsLogin || connection.tokens.is_none() {
            return Err(Error::NeedsLogin);
        }
        let host = AccountHost::parse(&connection.amo_host, &self.inner.config.host_policy)?;
        let source = {
            let mut sources = self
                .inner
                .sources
                .lock()
                .unwrap_or_else(PoisonError::into_inner);
            sources
                .entry(connection.id)
                .or_insert_with(|| {
                    Arc::new(StoreTokenSource::new(
                        connection,
                        host.clone(),
                        self.inner.deps.store.clone(),
                        self.inner.oauth.clone(),
                        self.inner.deps.refresh_observer.clone(),
                    ))
                })
                .clone()
        };
        source.catch_up(connection).await;
        let mut builder = AmoClient::builder(host, source)
            .http_client(self.inner.deps.http.clone())
            .rate_limiter(self.inner.deps.limiter.clone())
            // A request that could not start in time fails at once as "queued" instead of waiting in vain.
            .max_limiter_wait(max_wait)
            // amoCRM's own 429 pauses are waited out only within the render deadline: past it the block says
            // amoCRM is busy rather than preparing.
            .max_pause_wait(self.inner.config.render_deadline)
            .gate(self.inner.gate.clone(), priority)
            .timeout(self.inner.config.request_timeout);
        if let Some(observer) = &self.inner.deps.call_observer {
            builder = builder.observer(observer.clone());
        }
        Ok(builder.build())
    }

    /// The connection and its client, for an action.
    pub(crate) async fn session(&self, id: ConnectionId) -> Result<(Connection, AmoClient), Error> {
        let connection = self.connection_by_id(id).await?;
        let client = self.client(&connection).await?;
        Ok((connection, client))
    }

    /// The amoCRM account's zone as last loaded for this Usedesk account and amoCRM host, without calling anyone:
    /// what a block that could load nothing fresh still shows its times in.
    pub async fn known_account(
        &self,
        usedesk_token: &SecretString,
        host: &AccountHost,
    ) -> Option<AccountView> {
        let connection = self.cached_connection(usedesk_token, host).await.ok()??;
        // Not waiting: a load of the metadata may be the very amoCRM work this block could not wait for.
        let core = self.inner.core.peek_now(&connection.id)?;
        Some(core.value.account.clone())
    }

    /// Account, pipelines and users of a connection (cached; concurrent misses make one load). The first look in
    /// this process takes the store's snapshot: fresh within `metadata_ttl` of its fetch, otherwise shown while
    /// it is revalidated in the background.
    pub(crate) async fn core_meta(
        &self,
        id: ConnectionId,
        client: &AmoClient,
    ) -> Result<crate::cache::Cached<CoreMeta>, Error> {
        if let Some(cached) = self.core_from_snapshot(id, client).await {
            return Ok(cached);
        }
        self.inner
            .core
            .get_or_load(&id, || self.fetch_core(id, client), Error::is_degradation)
            .await
    }

    /// The stored snapshot, on the first look at a connection's metadata in this process.
    async fn core_from_snapshot(
        &self,
        id: ConnectionId,
        client: &AmoClient,
    ) -> Option<crate::cache::Cached<CoreMeta>> {
        let first = self
            .inner
            .snapshots_read
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .insert(id);
        if !first {
            return None;
        }
        let snapshot = self.stored_snapshot(id).await?;
        let (body, fetched_at) = snapshot;
        let age = Duration::from_secs(u64::try_from(crate::now() - fetched_at).unwrap_or(0));
        let fresh_for = self.inner.config.metadata_ttl.saturating_sub(age);
        let value = Arc::new(body.core);
        let epoch = self.inner.core.epoch(&id);
        self.inner
            .core
            .put_loaded(&id, value.clone(), fresh_for, epoch)
            .await;
        if fresh_for.is_zero() {
            // Shown now; fetched again behind the renders and actions.
            let (domain, client) = (self.clone(), client.with_priority(Priority::Background));
            tokio::spawn(async move {
                let reload = domain
                    .inner
                    .core
                    .get_or_load(&id, || domain.fetch_core(id, &client), |_| false)
                    .await;
                if let Err(error) = reload {
                    tracing::info!(error = %crate::Report(&error), "could not revalidate the account metadata");
                }
            });
        }
        Some(crate::cache::Cached {
            value,
            fetched_at,
            stale: false,
        })
    }

    async fn stored_snapshot(&self, id: ConnectionId) -> Option<(crate::metadata::Snapshot, i64)> {
        match self.store().get_metadata_snapshot(id).await {
            Ok(Some((body, fetched_at))) => match serde_json::from_str(&body) {
                Ok(snapshot) => Some((snapshot, fetched_at)),
                Err(error) => {
                    tracing::warn!(%error, "ignoring an unreadable metadata snapshot");
                    None
                }
            },
            Ok(None) => None,
            Err(error) => {
                tracing::warn!(error = %crate::Report(&Error::from(error)), "could not read the metadata snapshot");
                None
            }
        }
    }

    /// Fetches the metadata — reusing the stored account record while it is younger than a day — and stores the
    /// snapshot.
    async fn fetch_core(&self, id: ConnectionId, client: &AmoClient) -> Result<CoreMeta, Error> {
        let now = crate::now();
        let known = self
            .stored_snapshot(id)
            .await
            .map(|(s, _)| s)
            .filter(|s| now - s.account_fetched_at < crate::metadata::ACCOUNT_TTL_SECS);
        let account_fetched_at = known.as_ref().map_or(now, |s| s.account_fetched_at);
        let core = crate::metadata::load_core(client, known.map(|s| s.core.account)).await?;
        let snapshot = crate::metadata::Snapshot {
            core,
            account_fetched_at,
        };
        match serde_json::to_string(&snapshot) {
            Ok(body) => {
                if let Err(error) = self.store().put_metadata_snapshot(id, &body, now).await {
                    tracing::warn!(error = %crate::Report(&Error::from(error)), "could not store the metadata snapshot");
                }
            }
            Err(error) => tracing::warn!(%error, "could not encode the metadata snapshot"),
        }
        Ok(snapshot.core)
    }

    /// The lead custom fields of a connection (cached).
    pub(crate) async fn deal_fields(
        &self,
        id: ConnectionId,
        client: &AmoClient,
    ) -> Result<Arc<Vec<FieldDef>>, Error> {
        Ok(self
            .inner
            .deal_fields
            .get_or_load(
                &id,
                || crate::metadata::load_deal_fields(client),
                Error::is_degradation,
            )
            .await?
            .value)
    }

    /// Records a write in the audit trail; a failure to record is logged, never shown.
    pub(crate) async fn audit(
        &self,
        ctx: &ActionContext,
        action: crate::store::AuditAction,
        target: String,
        result: crate::store::AuditResult,
    ) {
        let entry = crate::store::AuditEntry {
            connection_id: ctx.connection_id,
            at: crate::now(),
            actor: ctx.actor.clone(),
            ticket_id: ctx.ticket_id,
            action: action.clone(),
            target,
            result,
        };
        if let Err(e) = self.store().append_audit(&entry).await {
            tracing::warn!(error = %crate::Report(&e), action = %action, "could not record the audit entry");
        }
    }
}
