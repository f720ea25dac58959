//! [`Domain`]: the one entry point the HTTP layer calls. It owns the caches and builds, per connection, an
//! amoCRM client whose tokens come from the store.

use std::collections::HashMap;
use std::sync::{Arc, Mutex, PoisonError};
use std::time::Duration;

use amocrm::{AccountHost, AmoClient, AuthMode, Contact, OAuthClient, Priority, PriorityGate};
use secrecy::{ExposeSecret, SecretString};
use sha2::{Digest, Sha256};
use url::Url;

use crate::Error;
use crate::cache::{CoalescingCache, InFlight};
use crate::fields::FieldDef;
use crate::metadata::CoreMeta;
use crate::model::{AccountView, BlockData};
use crate::store::{Connection, ConnectionId, ConnectionStatus, Store};
use crate::tokens::{StoreTokenSource, to_stored};
use crate::zone::Zone;

mod config;
mod metadata_cache;

pub use config::{Dependencies, DomainConfig};

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
    /// Reads of open tasks in flight, by connection, entity type and ids: blocks of one client share one call.
    pub(crate) task_reads: crate::tasks::block::TaskReads,
    /// Leads calls waiting for their turn, which other blocks' ids may join.
    pub(crate) lead_batches: crate::batch::LeadBatches,
    /// Connections whose stored metadata snapshot this process has read (once each).
    pub(crate) snapshots_read: Mutex<std::collections::HashSet<ConnectionId>>,
    /// The deal ids of each company shown, by connection and company: read beside the company by the next block.
    pub(crate) company_leads: CoalescingCache<(ConnectionId, i64), Vec<i64>>,
    /// Where cache drops go to the other replicas, once set.
    pub(crate) bus: std::sync::OnceLock<Arc<dyn crate::replicas::CacheBus>>,
    /// This domain's name on the bus.
    pub(crate) origin: u64,
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
            company_leads: CoalescingCache::new(config.metadata_ttl, 10_000),
            renders: CoalescingCache::new(config.render_cache_ttl, 5_000),
            connections: CoalescingCache::new(CONNECTION_TTL, 10_000),
            triggers: crate::trigger::InFlight::default(),
            notice_flags: CoalescingCache::new(CONNECTION_TTL, 10_000),
            gate: PriorityGate::new(config.rate_limit_requests, config.rate_limit_window),
            continuations: InFlight::default(),
            searches: InFlight::default(),
            task_reads: InFlight::default(),
            lead_batches: crate::batch::LeadBatches::default(),
            snapshots_read: Mutex::default(),
            sources: Mutex::default(),
            bus: std::sync::OnceLock::new(),
            origin: crate::replicas::origin(),
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

    /// Drops what is cached for a connection (after a new login, a lost access), here and on the other replicas.
    pub(crate) fn forget_connection(&self, id: ConnectionId) {
        self.drop_caches(crate::replicas::CacheDrop::Connection { connection: id });
    }

    /// Drops what is cached for a connection in this process.
    pub(crate) fn forget_connection_here(&self, id: ConnectionId) {
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

    /// Forgets rendered data of a connection after our own write, so the next render shows it (on every replica).
    pub(crate) fn after_write(&self, id: ConnectionId) {
        self.drop_caches(crate::replicas::CacheDrop::Blocks { connection: id });
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

    /// The one entity a create made. A failed create is recorded in the audit trail first (as `target`: it has no
    /// id); an answer without an entity is an internal error naming `what`.
    pub(crate) async fn created_one(
        &self,
        ctx: &ActionContext,
        (action, target): (crate::store::AuditAction, String),
        what: &str,
        result: Result<Vec<amocrm::Created>, amocrm::Error>,
    ) -> Result<amocrm::Created, Error> {
        match result {
            Ok(mut ids) if !ids.is_empty() => Ok(ids.remove(0)),
            Ok(_) => Err(Error::Internal(format!("amoCRM created no {what}"))),
            Err(e) => {
                self.audit(ctx, action, target, crate::store::AuditResult::Error)
                    .await;
                Err(e.into())
            }
        }
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
