//! Configuration: a TOML file, then environment overrides, then defaults. Every key and its default is
//! documented in `docs/configuration.md`; secrets stay `SecretString` from here to the line that uses them.

use std::net::SocketAddr;
use std::path::{Path, PathBuf};
use std::time::Duration;

use anyhow::{Context as _, anyhow, bail};
use block::BlockConfig;
use domain::DomainConfig;
use i18n::Lang;
use secrecy::{ExposeSecret as _, SecretString};
use serde::{Deserialize, Deserializer};
use url::Url;

use crate::logging::LogFormat;

/// The environment prefix; `USEDESK_AMOCRM_AMOCRM__CLIENT_ID` sets `[amocrm] client_id`.
pub const ENV_PREFIX: &str = "USEDESK_AMOCRM_";

/// The whole configuration.
#[derive(Debug, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct Config {
    /// Address to listen on.
    pub listen: SocketAddr,
    /// The service's public base URL (what Usedesk and agents' browsers reach); unset or empty means
    /// `http://{listen}/`.
    #[serde(deserialize_with = "optional_url")]
    pub public_url: Option<Url>,
    /// `sqlite://PATH` (default) or `postgres://…`.
    pub database_url: String,
    /// Redis URL for the rate limiter shared by replicas; empty = in-process limiter.
    pub redis_url: String,
    /// Language when the block does not say: `en`, `es`, `pt`, `ru`.
    pub default_language: Lang,
    /// Offset of the times shown to agents, in minutes east of UTC.
    pub display_utc_offset_minutes: i32,
    /// Country code given to bare ten-digit phone numbers; empty for none.
    pub default_country_code: String,
    /// How long a block may take before it shows what it has, in milliseconds.
    pub render_deadline_ms: u64,
    /// Timeout of one amoCRM or Usedesk request, in milliseconds.
    pub request_timeout_ms: u64,
    /// How long identical block requests (same client, same identifiers) reuse one render, in milliseconds.
    pub render_cache_ms: u64,
    /// amoCRM requests per second per account.
    pub rate_limit_per_second: u32,
    /// Whether every account's first window after start counts as full (with the in-process limiter): a
    /// restarted process cannot know what its predecessor sent a moment ago.
    pub rate_limit_cold_start: bool,
    /// How long account metadata is cached, in seconds.
    pub metadata_ttl_secs: u64,
    /// How long a `freeCreateLead` result is remembered for retries, in seconds.
    pub idempotency_ttl_secs: u64,
    /// `text` or `json`.
    pub log_format: LogFormat,
    /// Log filter, e.g. `info` or `usedesk_amocrm=debug,info`.
    pub log_level: String,
    /// Serve `GET /preview`.
    pub preview: bool,
    /// amoCRM settings.
    pub amocrm: AmoCrmConfig,
    /// Usedesk settings.
    pub usedesk: UsedeskConfig,
    /// Keys and secrets.
    pub security: SecurityConfig,
}

/// `[amocrm]`.
#[derive(Debug, Default, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct AmoCrmConfig {
    /// The integration's client id (amoCRM → Settings → Integrations).
    pub client_id: String,
    /// Its secret key.
    pub client_secret: Option<SecretString>,
    /// The redirect URI registered in amoCRM; default `{public_url}/oauth/callback`. Kept as written, not
    /// parsed: amoCRM compares it byte for byte, and parsing would normalise it (a trailing `/`, the case).
    pub redirect_uri: String,
    /// The amoCRM consent page; unset or empty means the public one the `amocrm` crate knows.
    #[serde(deserialize_with = "optional_url")]
    pub authorize_url_amocrm: Option<Url>,
    /// The Kommo consent page; unset or empty means the public one the `amocrm` crate knows.
    #[serde(deserialize_with = "optional_url")]
    pub authorize_url_kommo: Option<Url>,
    /// Extra exact origins allowed as `amo_base_host` besides amoCRM/Kommo (private installs, tests).
    pub allowed_hosts: Vec<String>,
}

/// `[usedesk]`.
#[derive(Debug, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct UsedeskConfig {
    /// The Usedesk API base URL.
    #[serde(deserialize_with = "url")]
    pub api_base: Url,
    /// Add a private comment to the ticket when a contact or deal is created from it.
    pub comment_on_create: bool,
    /// Origins allowed to run actions in place (CORS).
    pub cors_origins: Vec<String>,
}

/// `[security]`.
#[derive(Debug, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct SecurityConfig {
    /// The dynamic block's "Secret key"; block requests must carry it.
    pub block_secret: Option<SecretString>,
    /// Refuse to start without `block_secret` (default). Turning it off lets anyone holding a Usedesk API
    /// token read and write the connected amoCRM through this service.
    pub require_block_secret: bool,
    /// Key for signed actions and OAuth state; generated beside the SQLite file when empty.
    pub signing_key: Option<SecretString>,
    /// Token-encryption key (base64 of 32 bytes); generated beside the SQLite file when empty.
    pub token_encryption_key: Option<SecretString>,
    /// Older token-encryption keys still accepted for reading (rotation).
    pub old_token_encryption_keys: Vec<SecretString>,
    /// Lifetime of action tokens in the block, in seconds.
    pub action_ttl_secs: u64,
    /// Lifetime of the block's GET links that open a page (new contact, new deal, deal card, settings), in
    /// seconds: their token sits in browser history and proxy logs.
    pub link_ttl_secs: u64,
    /// Which Usedesk accounts may connect to which amoCRM accounts; empty lets any account connect to any.
    pub login_pins: Vec<LoginPinConfig>,
    /// Refuse `freeCreateLead` without the connection's trigger secret (default `true`). See
    /// [`TRIGGER_SECRET_OFF_WARNING`] for what switching it off exposes.
    pub require_trigger_secret: bool,
}

/// One entry of `[security] login_pins`: a Usedesk account (the fingerprint the login confirmation page shows)
/// and the amoCRM accounts it may connect to.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct LoginPinConfig {
    /// The Usedesk account's fingerprint, e.g. `a1b2c3d4e5f6` (a leading `#` is ignored).
    pub usedesk_account: String,
    /// The amoCRM accounts, e.g. `https://hogwarts.amocrm.ru`.
    pub amo_hosts: Vec<String>,
}

impl LoginPinConfig {
    /// The pin as the domain checks it.
    pub fn to_pin(&self) -> domain::LoginPin {
        domain::LoginPin {
            usedesk_account: self.usedesk_account.clone(),
            amo_hosts: self.amo_hosts.clone(),
        }
    }
}

/// What `[security] require_trigger_secret = false` exposes, as `check-config` and every start say it.
pub const TRIGGER_SECRET_OFF_WARNING: &str = "[security] require_trigger_secret is false: anyone who knows an Integration ID can create deals and contacts and write comments into tickets (connections that have a trigger secret still require it)";

/// A duration in whole milliseconds, for the `_ms` keys.
fn millis(duration: Duration) -> u64 {
    u64::try_from(duration.as_millis()).unwrap_or(u64::MAX)
}

/// The defaults of the keys that configure the domain and the block are theirs ([`DomainConfig::default`],
/// the [`BlockConfig`] constants); only the binary's own keys have their default written here.
impl Default for Config {
    fn default() -> Self {
        let domain = DomainConfig::default();
        Self {
            listen: "127.0.0.1:8080".parse().expect("a valid address"),
            public_url: None,
            database_url: "sqlite://data/usedesk-amocrm.db".into(),
            redis_url: String::new(),
            default_language: Lang::default(),
            display_utc_offset_minutes: domain.utc_offset_minutes,
            default_country_code: domain.default_country.unwrap_or_default(),
            render_deadline_ms: millis(domain.render_deadline),
            request_timeout_ms: millis(domain.request_timeout),
            render_cache_ms: millis(domain.render_cache_ttl),
            rate_limit_per_second: 7,
            rate_limit_cold_start: true,
            metadata_ttl_secs: domain.metadata_ttl.as_secs(),
            idempotency_ttl_secs: domain.idempotency_ttl.as_secs(),
            log_format: LogFormat::default(),
            log_level: "info".into(),
            preview: false,
            amocrm: AmoCrmConfig::default(),
            usedesk: UsedeskConfig::default(),
            security: SecurityConfig::default(),
        }
    }
}

impl Default for UsedeskConfig {
    fn default() -> Self {
        let domain = DomainConfig::default();
        Self {
            api_base: domain.usedesk_base,
            comment_on_create: domain.usedesk_comment_on_create,
            cors_origins: vec![
                "https://secure.usedesk.ru".into(),
                "https://secure.usedesk.com".into(),
            ],
        }
    }
}

impl Default for SecurityConfig {
    fn default() -> Self {
        Self {
            block_secret: None,
            require_block_secret: true,
            signing_key: None,
            token_encryption_key: None,
            old_token_encryption_keys: Vec::new(),
            action_ttl_secs: BlockConfig::DEFAULT_ACTION_TTL.as_secs(),
            link_ttl_secs: BlockConfig::DEFAULT_LINK_TTL.as_secs(),
            login_pins: Vec::new(),
            require_trigger_secret: DomainConfig::default().require_trigger_secret,
        }
    }
}

/// Reads an absolute URL, refusing anything else with what to write instead.
fn url<'de, D: Deserializer<'de>>(deserializer: D) -> Result<Url, D::Error> {
    let text = String::deserialize(deserializer)?;
    Url::parse(text.trim()).map_err(|e| {
        serde::de::Error::custom(format!(
            "{text:?} is not a URL ({e}): write an absolute URL such as https://example.com/"
        ))
    })
}

/// Reads an optional absolute URL: unset or empty is `None`.
fn optional_url<'de, D: Deserializer<'de>>(deserializer: D) -> Result<Option<Url>, D::Error> {
    let text = String::deserialize(deserializer)?;
    if text.trim().is_empty() {
        return Ok(None);
    }
    url(serde::de::value::StringDeserializer::new(text)).map(Some)
}

/// A deserialisation error as `key: what is wrong` (toml appends the key as "in `key`").
fn describe(error: &toml::de::Error) -> String {
    let text = error.to_string();
    let text = text.trim_end();
    match text.rsplit_once("\nin `") {
        Some((message, key)) => format!("{}: {}", key.trim_end_matches('`'), message.trim()),
        None => text.to_owned(),
    }
}

/// Sets `path` (dotted) in a TOML table to `value`.
fn set_path(table: &mut toml::Table, path: &[String], value: toml::Value) {
    let (last, parents) = path.split_last().expect("a non-empty path");
    let mut current = table;
    for part in parents {
        current = current
            .entry(part.clone())
            .or_insert_with(|| toml::Value::Table(toml::Table::new()))
            .as_table_mut()
            .expect("sections are tables");
    }
    current.insert(last.clone(), value);
}

/// Reads an environment value as TOML (numbers, booleans, arrays), or as a plain string.
fn env_value(raw: &str) -> toml::Value {
    let parsed: Result<toml::Table, _> = toml::from_str(&format!("v = {raw}"));
    parsed
        .ok()
        .and_then(|mut t| t.remove("v"))
        .unwrap_or_else(|| toml::Value::String(raw.to_owned()))
}

impl Config {
    /// Loads `path` (when given, or `usedesk-amocrm.toml` when it exists), then applies `env` overrides.
    pub fn load(
        path: Option<&Path>,
        env: impl Iterator<Item = (String, String)>,
    ) -> anyhow::Result<Self> {
        let default_file = PathBuf::from("usedesk-amocrm.toml");
        let file = match path {
            Some(p) => Some(p.to_path_buf()),
            None => default_file.exists().then_some(default_file),
        };
        let mut table: toml::Table = match &file {
            Some(p) => {
                let text = std::fs::read_to_string(p)
                    .with_context(|| format!("reading {}", p.display()))?;
                toml::from_str(&text).with_context(|| format!("parsing {}", p.display()))?
            }
            None => toml::Table::new(),
        };
        for (name, raw) in env {
            let Some(rest) = name.strip_prefix(ENV_PREFIX) else {
                continue;
            };
            let path: Vec<String> = rest.split("__").map(str::to_ascii_lowercase).collect();
            if path.iter().any(String::is_empty) {
                bail!("environment variable {name}: empty path segment");
            }
            set_path(&mut table, &path, env_value(&raw));
        }
        let config: Config = toml::Value::Table(table).try_into().map_err(|e| {
            anyhow!(
                "the configuration cannot be used (see docs/configuration.md):\n  - {}",
                describe(&e)
            )
        })?;
        config.validate()?;
        Ok(config)
    }

    /// Every problem of the configuration, each naming its key and what to do; all are reported at once,
    /// and any one of them refuses the start (`serve`, `demo` and `check-config` alike).
    pub fn problems(&self) -> Vec<String> {
        let mut problems = Vec::new();
        if self.rate_limit_per_second == 0 {
            problems.push("rate_limit_per_second must be at least 1".into());
        }
        if let Some(key) = &self.security.signing_key
            && key.expose_secret().len() < block::MIN_SIGNING_KEY_BYTES
        {
            problems.push(format!(
                "security.signing_key must have at least {} bytes: use a random value, e.g. `openssl rand -base64 48`, \
                 or leave it empty to have one generated beside the SQLite database",
                block::MIN_SIGNING_KEY_BYTES
            ));
        }
        for origin in &self.usedesk.cors_origins {
            if let Err(why) = check_origin(origin) {
                problems.push(format!("usedesk.cors_origins: {origin:?} {why}"));
            }
        }
        for pin in &self.security.login_pins {
            if let Some(problem) = pin.to_pin().problem() {
                problems.push(format!("security.login_pins: {problem}"));
            }
        }
        if self.security.action_ttl_secs == 0 || self.security.link_ttl_secs == 0 {
            problems.push(
                "security.action_ttl_secs and security.link_ttl_secs must be at least 1".into(),
            );
        }
        problems
    }

    fn validate(&self) -> anyhow::Result<()> {
        let problems = self.problems();
        if problems.is_empty() {
            return Ok(());
        }
        bail!(
            "the configuration cannot be used (see docs/configuration.md):\n  - {}",
            problems.join("\n  - ")
        )
    }

    /// What the configuration deliberately leaves open, for `check-config` and the start log.
    pub fn exposures(&self) -> Vec<&'static str> {
        let mut open = Vec::new();
        if !self.security.require_block_secret && self.security.block_secret.is_none() {
            open.push(
                "security.require_block_secret = false and no block_secret: anyone holding a Usedesk API token \
                 (other integrations have it too) can search and write the connected amoCRM through this service",
            );
        }
        open
    }

    /// What `serve` (and `check-config`) need beyond a valid configuration: the block secret, unless the
    /// operator opted out. The demo, on loopback with its own sandbox, does not ask for it.
    pub fn check_for_serving(&self) -> anyhow::Result<()> {
        let mut problems = self.problems();
        if self.security.require_block_secret
            && self
                .security
                .block_secret
                .as_ref()
                .is_none_or(|s| s.expose_secret().trim().is_empty())
        {
            problems.push(
                "security.block_secret is not set: put a long random value there and the same value in the \
                 Usedesk block's \"Secret key\" (docs/setup.md), or set security.require_block_secret = false \
                 to accept block requests that carry only a Usedesk API token"
                    .into(),
            );
        }
        if problems.is_empty() {
            return Ok(());
        }
        let unset = self.unset_for_production();
        let also = if unset.is_empty() {
            String::new()
        } else {
            format!(
                "\nalso still to set before agents can use it:\n  - {}",
                unset.join("\n  - ")
            )
        };
        bail!(
            "the configuration cannot be used (see docs/configuration.md):\n  - {}{also}",
            problems.join("\n  - ")
        )
    }

    /// What a real deployment still lacks that `serve` does not insist on (it starts without them, and the
    /// block says what is missing): named in a refused start, so an operator fixes everything in one go.
    pub fn unset_for_production(&self) -> Vec<String> {
        let mut unset = Vec::new();
        if self.public_url.is_none() {
            unset.push(
                "public_url: the HTTPS address Usedesk and agents reach the service at, e.g. https://amo.example.com/"
                    .into(),
            );
        }
        if self.amocrm.client_id.is_empty() || self.amocrm.client_secret.is_none() {
            unset.push(
                "amocrm.client_id and amocrm.client_secret: the amoCRM integration's ID and secret key (docs/setup.md)"
                    .into(),
            );
        }
        unset
    }

    /// The public URL, defaulting to `http://{listen}/`, always ending in `/`.
    pub fn public_url(&self) -> Url {
        let Some(configured) = &self.public_url else {
            return Url::parse(&format!("http://{}/", self.listen)).expect("an address is a host");
        };
        let mut url = configured.clone();
        if !url.path().ends_with('/') {
            let path = format!("{}/", url.path());
            url.set_path(&path);
        }
        url
    }

    /// The OAuth redirect URI (registered in amoCRM).
    pub fn redirect_uri(&self) -> String {
        if self.amocrm.redirect_uri.is_empty() {
            self.public_url()
                .join("oauth/callback")
                .expect("a relative path")
                .to_string()
        } else {
            self.amocrm.redirect_uri.clone()
        }
    }

    /// The SQLite database file, when the database is SQLite.
    pub fn sqlite_path(&self) -> Option<PathBuf> {
        let rest = self
            .database_url
            .strip_prefix("sqlite://")
            .or_else(|| self.database_url.strip_prefix("sqlite:"))?;
        Some(PathBuf::from(rest.split('?').next().unwrap_or(rest)))
    }
}

/// Whether `origin` may run actions in place: a bare origin (scheme, host, optional port), never `null` or a
/// wildcard, and `https` unless it is on this machine (loopback).
fn check_origin(origin: &str) -> Result<(), &'static str> {
    let trimmed = origin.trim().trim_end_matches('/');
    if trimmed.eq_ignore_ascii_case("null") || trimmed.contains('*') {
        return Err(
            "is not allowed: name each Usedesk origin exactly, e.g. https://secure.usedesk.ru",
        );
    }
    let parsed = url::Url::parse(trimmed)
        .map_err(|_| "is not an origin such as https://secure.usedesk.ru")?;
    if parsed.origin().ascii_serialization() != trimmed.to_ascii_lowercase() {
        return Err(
            "must be a bare origin (no path, query or user), e.g. https://secure.usedesk.ru",
        );
    }
    let loopback = match parsed.host() {
        Some(url::Host::Domain(d)) => d.eq_ignore_ascii_case("localhost"),
        Some(url::Host::Ipv4(ip)) => ip.is_loopback(),
        Some(url::Host::Ipv6(ip)) => ip.is_loopback(),
        None => false,
    };
    if parsed.scheme() != "https" && !loopback {
        return Err("must use https (plain http is accepted only on loopback)");
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn env(pairs: &[(&str, &str)]) -> impl Iterator<Item = (String, String)> {
        pairs
            .iter()
            .map(|(k, v)| ((*k).to_owned(), (*v).to_owned()))
            .collect::<Vec<_>>()
            .into_iter()
    }

    #[test]
    fn no_configuration_at_all_gives_the_documented_defaults() {
        let config = Config::load(Some(Path::new("/dev/null")), env(&[])).unwrap();
        assert_eq!(config.database_url, "sqlite://data/usedesk-amocrm.db");
        assert_eq!(config.public_url().as_str(), "http://127.0.0.1:8080/");
        assert_eq!(
            config.redirect_uri(),
            "http://127.0.0.1:8080/oauth/callback"
        );
        assert_eq!(config.rate_limit_per_second, 7);
        assert!(config.amocrm.client_secret.is_none());
        assert!(config.security.require_trigger_secret);
    }

    #[test]
    fn docs_configuration_md_lists_the_defaults_in_effect() {
        let docs = include_str!("../../../docs/configuration.md");
        let c = Config::default();
        let on = |b: bool| b.to_string();
        let rows = [
            ("listen", c.listen.to_string()),
            ("database_url", c.database_url.clone()),
            ("default_language", c.default_language.code().to_owned()),
            (
                "display_utc_offset_minutes",
                c.display_utc_offset_minutes.to_string(),
            ),
            ("default_country_code", c.default_country_code.clone()),
            ("render_deadline_ms", c.render_deadline_ms.to_string()),
            ("request_timeout_ms", c.request_timeout_ms.to_string()),
            ("render_cache_ms", c.render_cache_ms.to_string()),
            ("rate_limit_per_second", c.rate_limit_per_second.to_string()),
            ("rate_limit_cold_start", on(c.rate_limit_cold_start)),
            ("metadata_ttl_secs", c.metadata_ttl_secs.to_string()),
            ("idempotency_ttl_secs", c.idempotency_ttl_secs.to_string()),
            ("log_format", "text".to_owned()),
            ("log_level", c.log_level.clone()),
            ("preview", on(c.preview)),
            (
                "api_base",
                c.usedesk.api_base.as_str().trim_end_matches('/').to_owned(),
            ),
            ("comment_on_create", on(c.usedesk.comment_on_create)),
            ("require_block_secret", on(c.security.require_block_secret)),
            ("action_ttl_secs", c.security.action_ttl_secs.to_string()),
            ("link_ttl_secs", c.security.link_ttl_secs.to_string()),
            (
                "require_trigger_secret",
                on(c.security.require_trigger_secret),
            ),
        ];
        assert_eq!(c.log_format, LogFormat::Text);
        for (key, value) in rows {
            let row = format!("| `{key}` | `{value}` |");
            assert!(docs.contains(&row), "docs/configuration.md lacks {row}");
        }
        let origins = format!("{:?}", c.usedesk.cors_origins);
        assert!(
            docs.contains(&format!("| `cors_origins` | `{origins}` |")),
            "{origins}"
        );
    }

    #[test]
    fn the_trigger_secret_requirement_can_be_switched_off_by_file_or_environment() {
        let dir = testkit::TempDir::new("config");
        let file = dir.path().join("usedesk-amocrm.toml");
        std::fs::write(&file, "[security]\nrequire_trigger_secret = false\n").unwrap();
        let from_file = Config::load(Some(&file), env(&[])).unwrap();
        let from_env = Config::load(
            Some(Path::new("/dev/null")),
            env(&[("USEDESK_AMOCRM_SECURITY__REQUIRE_TRIGGER_SECRET", "false")]),
        )
        .unwrap();
        assert!(!from_file.security.require_trigger_secret);
        assert!(!from_env.security.require_trigger_secret);
        assert!(TRIGGER_SECRET_OFF_WARNING.contains(
            "anyone who knows an Integration ID can create deals and contacts and write comments into tickets"
        ));
    }

    #[test]
    fn environment_variables_override_top_level_and_section_keys() {
        let config = Config::load(
            Some(Path::new("/dev/null")),
            env(&[
                ("USEDESK_AMOCRM_LISTEN", "0.0.0.0:9000"),
                ("USEDESK_AMOCRM_PREVIEW", "true"),
                ("USEDESK_AMOCRM_AMOCRM__CLIENT_SECRET", "s3cret"),
                (
                    "USEDESK_AMOCRM_USEDESK__CORS_ORIGINS",
                    r#"["https://a.example"]"#,
                ),
                ("OTHER_VARIABLE", "ignored"),
            ]),
        )
        .unwrap();
        assert_eq!(config.listen.port(), 9000);
        assert!(config.preview);
        assert_eq!(
            config.amocrm.client_secret.unwrap().expose_secret(),
            "s3cret"
        );
        assert_eq!(config.usedesk.cors_origins, vec!["https://a.example"]);
    }

    #[test]
    fn a_misspelled_key_is_refused_with_its_name() {
        let err = Config::load(
            Some(Path::new("/dev/null")),
            env(&[("USEDESK_AMOCRM_LISTEN_ADDR", "x")]),
        )
        .unwrap_err();
        assert!(format!("{err:#}").contains("listen_addr"), "{err:#}");
    }

    #[test]
    fn a_bad_language_is_refused() {
        let err = Config::load(
            Some(Path::new("/dev/null")),
            env(&[("USEDESK_AMOCRM_DEFAULT_LANGUAGE", "de")]),
        )
        .unwrap_err();
        assert!(err.to_string().contains("default_language"), "{err}");
    }

    #[test]
    fn a_bad_log_format_or_url_is_refused_naming_its_key() {
        for (variable, value, key) in [
            ("USEDESK_AMOCRM_LOG_FORMAT", "xml", "log_format"),
            ("USEDESK_AMOCRM_PUBLIC_URL", "amo.example.com", "public_url"),
            (
                "USEDESK_AMOCRM_USEDESK__API_BASE",
                "not a url",
                "usedesk.api_base",
            ),
            (
                "USEDESK_AMOCRM_AMOCRM__AUTHORIZE_URL_KOMMO",
                "/oauth",
                "amocrm.authorize_url_kommo",
            ),
        ] {
            let err = Config::load(Some(Path::new("/dev/null")), env(&[(variable, value)]))
                .unwrap_err()
                .to_string();
            assert!(err.contains(&format!("{key}: ")), "{err}");
        }
    }

    #[test]
    fn typed_values_are_read_and_an_empty_url_means_the_default() {
        let config = Config::load(
            Some(Path::new("/dev/null")),
            env(&[
                ("USEDESK_AMOCRM_LOG_FORMAT", "json"),
                ("USEDESK_AMOCRM_DEFAULT_LANGUAGE", "pt-BR"),
                ("USEDESK_AMOCRM_PUBLIC_URL", "https://amo.example.com/base"),
                ("USEDESK_AMOCRM_AMOCRM__AUTHORIZE_URL_AMOCRM", ""),
            ]),
        )
        .unwrap();
        assert_eq!(config.log_format, LogFormat::Json);
        assert_eq!(config.default_language, Lang::Pt);
        assert_eq!(
            config.public_url().as_str(),
            "https://amo.example.com/base/"
        );
        assert!(config.amocrm.authorize_url_amocrm.is_none());
    }

    #[test]
    fn login_pins_are_read_from_the_file_and_the_environment() {
        let dir = std::env::temp_dir().join(format!("pins-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        let file = dir.join("config.toml");
        std::fs::write(
            &file,
            "[security]\nlogin_pins = [{ usedesk_account = \"a1b2c3d4e5f6\", amo_hosts = [\"https://hogwarts.amocrm.ru\"] }]\n",
        )
        .unwrap();

        let from_file = Config::load(Some(&file), env(&[])).unwrap();
        let from_env = Config::load(
            Some(Path::new("/dev/null")),
            env(&[(
                "USEDESK_AMOCRM_SECURITY__LOGIN_PINS",
                r##"[{ usedesk_account = "#F0E1D2C3B4A5", amo_hosts = ["x.amocrm.ru", "y.kommo.com"] }]"##,
            )]),
        )
        .unwrap();
        std::fs::remove_dir_all(&dir).unwrap();

        assert_eq!(
            from_file.security.login_pins[0].usedesk_account,
            "a1b2c3d4e5f6"
        );
        assert_eq!(
            from_file.security.login_pins[0].amo_hosts,
            vec!["https://hogwarts.amocrm.ru"]
        );
        assert_eq!(from_env.security.login_pins[0].amo_hosts.len(), 2);
    }

    #[test]
    fn a_login_pin_with_a_short_fingerprint_or_no_host_is_refused() {
        for pins in [
            r#"[{ usedesk_account = "a1b2", amo_hosts = ["x.amocrm.ru"] }]"#,
            r#"[{ usedesk_account = "a1b2c3d4e5f6", amo_hosts = [] }]"#,
        ] {
            let error = Config::load(
                Some(Path::new("/dev/null")),
                env(&[("USEDESK_AMOCRM_SECURITY__LOGIN_PINS", pins)]),
            )
            .unwrap_err();
            assert!(format!("{error:#}").contains("login_pins"), "{error:#}");
        }
    }

    #[test]
    fn debug_output_hides_secrets() {
        let config = Config::load(
            Some(Path::new("/dev/null")),
            env(&[(
                "USEDESK_AMOCRM_SECURITY__SIGNING_KEY",
                "very-secret-key-of-more-than-thirty-two-bytes",
            )]),
        )
        .unwrap();
        assert!(!format!("{config:?}").contains("very-secret-key"));
    }

    #[test]
    fn a_short_signing_key_null_and_wildcard_origins_are_all_refused_at_once_naming_their_keys() {
        // Act: the weak configuration that used to start with one warning.
        let err = Config::load(
            Some(Path::new("/dev/null")),
            env(&[
                ("USEDESK_AMOCRM_SECURITY__SIGNING_KEY", "short"),
                (
                    "USEDESK_AMOCRM_USEDESK__CORS_ORIGINS",
                    r#"["https://secure.usedesk.ru", "null", "https://*.usedesk.ru", "http://usedesk.example"]"#,
                ),
            ]),
        )
        .unwrap_err();

        // Assert: every problem is named, not only the first.
        let text = format!("{err:#}");
        assert!(text.contains("security.signing_key"), "{text}");
        assert!(text.contains(r#""null""#), "{text}");
        assert!(text.contains("https://*.usedesk.ru"), "{text}");
        assert!(text.contains("http://usedesk.example"), "{text}");
        assert!(!text.contains("\"https://secure.usedesk.ru\" "), "{text}");
    }

    #[test]
    fn plain_http_origins_are_accepted_only_on_loopback() {
        assert!(check_origin("http://127.0.0.1:8080").is_ok());
        assert!(check_origin("http://localhost:3000").is_ok());
        assert!(check_origin("https://secure.usedesk.ru/").is_ok());
        assert!(check_origin("http://secure.usedesk.ru").is_err());
        assert!(check_origin("https://secure.usedesk.ru/path").is_err());
    }

    #[test]
    fn a_refused_start_also_names_the_public_url_and_the_amocrm_client_still_unset() {
        let config = Config::load(Some(Path::new("/dev/null")), env(&[])).unwrap();

        let err = format!("{:#}", config.check_for_serving().unwrap_err());

        for key in [
            "security.block_secret",
            "public_url",
            "amocrm.client_id",
            "amocrm.client_secret",
        ] {
            assert!(err.contains(key), "{key} is not named: {err}");
        }
    }

    #[test]
    fn serving_requires_the_block_secret_unless_the_operator_opts_out() {
        let config = Config::load(Some(Path::new("/dev/null")), env(&[])).unwrap();
        let err = config.check_for_serving().unwrap_err();
        assert!(
            format!("{err:#}").contains("security.block_secret"),
            "{err:#}"
        );
        assert!(config.exposures().is_empty());

        let with_secret = Config::load(
            Some(Path::new("/dev/null")),
            env(&[(
                "USEDESK_AMOCRM_SECURITY__BLOCK_SECRET",
                "a-long-random-block-secret",
            )]),
        )
        .unwrap();
        with_secret.check_for_serving().unwrap();

        let opted_out = Config::load(
            Some(Path::new("/dev/null")),
            env(&[("USEDESK_AMOCRM_SECURITY__REQUIRE_BLOCK_SECRET", "false")]),
        )
        .unwrap();
        opted_out.check_for_serving().unwrap();
        assert!(opted_out.exposures()[0].contains("Usedesk API token"));
    }
}
