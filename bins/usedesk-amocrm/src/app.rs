//! Wires the crates together from a [`Config`]: store, rate limiter, domain, metrics and the HTTP app.

use std::path::Path;
use std::sync::Arc;
use std::time::Duration;

use amocrm::{HostPolicy, OAuthConfig, RateLimiter};
use anyhow::{Context as _, bail};
use base64::Engine as _;
use domain::store::Store;
use domain::{Dependencies, Domain, DomainConfig};
use secrecy::SecretString;

use crate::config::Config;
use crate::handoff::{self, LimiterHandoff};

/// The window of the per-account limit: amoCRM's second plus a margin, so that network jitter between our
/// request starts and amoCRM's arrival times never shows amoCRM more than the limit in one of its seconds.
const LIMIT_WINDOW: Duration = Duration::from_millis(1100);

/// Everything `serve` needs.
pub struct Built {
    /// The HTTP application.
    pub app: block::App,
    /// The store (for `migrate` and readiness).
    pub store: Arc<dyn Store>,
    /// The in-process limiter to hand over to the next process when a serving process stops gracefully (none for
    /// the Redis limiter, nor when built only to check the configuration).
    pub handoff: Option<LimiterHandoff>,
}

/// Opens the store and migrates it.
pub async fn open_store(config: &Config) -> anyhow::Result<Arc<store::SqlStore>> {
    let options = store::StoreOptions {
        encryption_key: config.security.token_encryption_key.clone(),
        old_encryption_keys: config.security.old_token_encryption_keys.clone(),
        ..store::StoreOptions::default()
    };
    let store = store::SqlStore::open(&config.database_url, options)
        .await
        .with_context(|| format!("opening the database {}", redact_url(&config.database_url)))?;
    if store.is_sqlite() {
        let released = store.release_pending_claims().await?;
        if released > 0 {
            tracing::info!(
                released,
                "released trigger claims left pending by an earlier run"
            );
        }
    }
    Ok(Arc::new(store))
}

/// A database URL with its password hidden, for messages.
pub fn redact_url(url: &str) -> String {
    match url::Url::parse(url) {
        Ok(mut parsed) if parsed.password().is_some() => {
            let _ = parsed.set_password(Some("***"));
            parsed.to_string()
        }
        _ => url.to_owned(),
    }
}

/// The signing key from config, or one generated (0600) beside the SQLite database on first start.
fn signing_key(config: &Config) -> anyhow::Result<SecretString> {
    if let Some(key) = &config.security.signing_key {
        return Ok(key.clone());
    }
    let Some(db) = config.sqlite_path() else {
        bail!(
            "security.signing_key must be set when the database is PostgreSQL (every replica needs the same key)"
        );
    };
    let path = db.with_file_name("signing.key");
    load_or_create_secret(&path)
}

fn load_or_create_secret(path: &Path) -> anyhow::Result<SecretString> {
    if let Ok(text) = std::fs::read_to_string(path) {
        return Ok(SecretString::from(text.trim().to_owned()));
    }
    if let Some(dir) = path.parent().filter(|d| !d.as_os_str().is_empty()) {
        store::create_private_dir(dir).with_context(|| format!("creating {}", dir.display()))?;
    }
    let mut bytes = [0u8; 32];
    getrandom::getrandom(&mut bytes).map_err(|e| anyhow::anyhow!("no randomness: {e}"))?;
    let text = base64::engine::general_purpose::STANDARD.encode(bytes);
    let mut options = std::fs::OpenOptions::new();
    options.write(true).create_new(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt as _;
        options.mode(0o600);
    }
    match options.open(path) {
        Ok(mut file) => {
            use std::io::Write as _;
            file.write_all(text.as_bytes())
                .with_context(|| format!("writing {}", path.display()))?;
            Ok(SecretString::from(text))
        }
        Err(e) if e.kind() == std::io::ErrorKind::AlreadyExists => Ok(SecretString::from(
            std::fs::read_to_string(path)?.trim().to_owned(),
        )),
        Err(e) => Err(e).with_context(|| format!("creating {}", path.display())),
    }
}

/// The amoCRM OAuth client settings, when the client id and secret are configured.
fn oauth(config: &Config) -> Option<OAuthConfig> {
    let (id, Some(secret)) = (&config.amocrm.client_id, &config.amocrm.client_secret) else {
        return None;
    };
    if id.is_empty() {
        return None;
    }
    let mut oauth = OAuthConfig::new(id.clone(), secret.clone(), config.redirect_uri());
    if let Some(url) = &config.amocrm.authorize_url_amocrm {
        oauth.authorize_url_amocrm = url.clone();
    }
    if let Some(url) = &config.amocrm.authorize_url_kommo {
        oauth.authorize_url_kommo = url.clone();
    }
    Some(oauth)
}

/// Builds the application, with `preview` for the preview page, to check the configuration or for the demo:
/// it leaves the limiter handoff of a stopped server for the server that will serve.
pub async fn build(
    config: &Config,
    preview: Option<block::view::Preview>,
) -> anyhow::Result<Built> {
    build_as(config, preview, false).await
}

/// Builds the application of the process that serves: it takes over the limiter handoff of the server that
/// stopped before it (see [`crate::handoff`]).
pub async fn build_to_serve(config: &Config) -> anyhow::Result<Built> {
    let built = build_as(config, None, true).await?;
    // Before the first request, not during it: a restarted server's first block is as fast as a warm one.
    block::warm_up();
    Ok(built)
}

/// The rate limiter, and for a serving process with an in-process limiter what to hand over when it stops.
async fn limiter(
    config: &Config,
    store: &Arc<store::SqlStore>,
    serving: bool,
) -> anyhow::Result<(Arc<dyn RateLimiter>, Option<LimiterHandoff>)> {
    let per_second = config.rate_limit_per_second;
    // A serving process takes the handoff even when it does not use it (the Redis limiter), so that no later
    // start finds an old record; checking the configuration leaves it for the server that will serve.
    let taken = if serving {
        handoff::take(store).await
    } else {
        None
    };
    if !config.redis_url.is_empty() {
        let shared = store::RedisRateLimiter::connect(
            &config.redis_url,
            "usedesk-amocrm:limit",
            per_second,
            LIMIT_WINDOW,
        )
        .await
        .context("connecting to redis_url")?;
        return Ok((Arc::new(shared), None));
    }
    let local = handoff::local_limiter(
        taken,
        per_second,
        LIMIT_WINDOW,
        config.rate_limit_cold_start,
    );
    let handoff = serving.then(|| LimiterHandoff::new(local.clone(), store.clone()));
    Ok((Arc::new(local), handoff))
}

/// (Long because it is the one place that wires every part from the configuration, in order.)
async fn build_as(
    config: &Config,
    preview: Option<block::view::Preview>,
    serving: bool,
) -> anyhow::Result<Built> {
    config.validate()?;
    let sql_store = open_store(config).await?;
    let (limiter, handoff) = limiter(config, &sql_store, serving).await?;
    let store: Arc<dyn Store> = sql_store;
    let http = reqwest::Client::builder()
        .user_agent(concat!("usedesk-amocrm/", env!("CARGO_PKG_VERSION")))
        .pool_idle_timeout(Duration::from_secs(60))
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .context("building the HTTP client")?;
    let metrics = block::Metrics::new();
    let host_policy = HostPolicy::try_with_extra_allowed(config.amocrm.allowed_hosts.clone())
        .context("amocrm.allowed_hosts")?;
    let login_pins = login_pins(config, &host_policy)?;
    let domain_config = DomainConfig {
        host_policy,
        login_pins,
        oauth: oauth(config),
        default_country: Some(config.default_country_code.clone()).filter(|c| !c.is_empty()),
        metadata_ttl: Duration::from_secs(config.metadata_ttl_secs),
        render_deadline: Duration::from_millis(config.render_deadline_ms),
        request_timeout: Duration::from_millis(config.request_timeout_ms),
        render_cache_ttl: Duration::from_millis(config.render_cache_ms),
        idempotency_ttl: Duration::from_secs(config.idempotency_ttl_secs),
        usedesk_base: config.usedesk.api_base.clone(),
        usedesk_comment_on_create: config.usedesk.comment_on_create,
        time_zone: Some(config.time_zone.trim().to_owned()).filter(|z| !z.is_empty()),
        default_language: config.default_language,
        require_trigger_secret: config.security.require_trigger_secret,
        rate_limit_requests: config.rate_limit_per_second,
        rate_limit_window: LIMIT_WINDOW,
        ..DomainConfig::default()
    };
    if !config.security.require_trigger_secret {
        tracing::warn!("{}", crate::config::TRIGGER_SECRET_OFF_WARNING);
    }
    let domain = Domain::new(
        domain_config,
        Dependencies {
            store: store.clone(),
            http,
            limiter,
            call_observer: Some(metrics.clone()),
            refresh_observer: Some(metrics.clone()),
        },
    );
    if serving && !config.redis_url.is_empty() {
        share_cache_drops(&domain, &config.redis_url).await?;
    }
    // What the operator can configure; the rest (the OAuth state's lifetime, the body limit) keeps the
    // block's own defaults.
    let block_config = block::BlockConfig {
        block_secret: config.security.block_secret.clone(),
        default_language: config.default_language,
        action_ttl: Duration::from_secs(config.security.action_ttl_secs),
        link_ttl: Duration::from_secs(config.security.link_ttl_secs),
        cors_origins: config.usedesk.cors_origins.clone(),
        preview,
        ..block::BlockConfig::new(config.public_url(), signing_key(config)?)
    };
    block_config
        .validate()
        .context("the configuration cannot be used (see docs/configuration.md)")?;
    Ok(Built {
        app: block::App::new(block_config, domain, metrics),
        store,
        handoff,
    })
}

/// With Redis, what a webhook or a write changes is dropped from every replica's caches at once (the cache bus);
/// the subscription is made before the first request, so no drop published after start-up is missed.
async fn share_cache_drops(domain: &Domain, redis_url: &str) -> anyhow::Result<()> {
    let bus = store::RedisCacheBus::connect(redis_url, "usedesk-amocrm:cache-drops")
        .await
        .context("connecting to redis_url for the cache bus")?;
    let first = bus
        .subscribe()
        .await
        .context("subscribing to the cache bus on redis_url")?;
    domain.share_cache_drops(Arc::new(bus.clone()));
    tokio::spawn(bus.follow(domain.clone(), first));
    Ok(())
}

/// `[security] login_pins`, each amoCRM account checked against the host policy (a pin that names a host the
/// service may not call could never match).
pub fn login_pins(config: &Config, policy: &HostPolicy) -> anyhow::Result<Vec<domain::LoginPin>> {
    config
        .security
        .login_pins
        .iter()
        .map(|pin| {
            let mut pin = pin.to_pin();
            pin.amo_hosts = pin
                .amo_hosts
                .iter()
                .map(|host| {
                    amocrm::AccountHost::parse(host, policy)
                        .map(|h| h.as_str().to_owned())
                        .with_context(|| format!("security.login_pins: amo_hosts entry {host:?}"))
                })
                .collect::<anyhow::Result<_>>()?;
            Ok(pin)
        })
        .collect()
}
