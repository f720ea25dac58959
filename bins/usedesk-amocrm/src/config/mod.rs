//! Configuration: a TOML file, then environment overrides, then defaults. Every key and its default is
//! documented in `docs/configuration.md`; secrets stay `SecretString` from here to the line that uses them.
//!
//! Values are typed when they are read, so a malformed one stops the load naming its key; the sections live in
//! `sections`, and what types cannot express (and `serve`'s own demands) in `checks`.

mod checks;
mod sections;
#[cfg(test)]
mod tests;

use std::net::SocketAddr;
use std::path::{Path, PathBuf};
use std::time::Duration;

use anyhow::{Context as _, bail};
use domain::DomainConfig;
use i18n::Lang;
use serde::Deserialize;
use url::Url;

use crate::logging::LogFormat;
use sections::optional_url;
pub use sections::{
    AmoCrmConfig, LoginPinConfig, SecurityConfig, TRIGGER_SECRET_OFF_WARNING, UsedeskConfig,
};

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
    /// Redis URL for the rate limiter and the cache bus shared by replicas; empty = in-process limiter, no bus.
    pub redis_url: String,
    /// Language when the block does not say: `en`, `es`, `pt`, `ru`.
    pub default_language: Lang,
    /// The time zone of every account (an IANA name or an offset such as `+03:00`); empty uses each amoCRM
    /// account's own zone.
    pub time_zone: String,
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

/// A duration in whole milliseconds, for the `_ms` keys.
fn millis(duration: Duration) -> u64 {
    u64::try_from(duration.as_millis()).unwrap_or(u64::MAX)
}

/// The defaults of the keys that configure the domain and the block are theirs ([`DomainConfig::default`],
/// the [`block::BlockConfig`] constants); only the binary's own keys have their default written here.
impl Default for Config {
    fn default() -> Self {
        let domain = DomainConfig::default();
        Self {
            listen: "127.0.0.1:8080".parse().expect("a valid address"),
            public_url: None,
            database_url: "sqlite://data/usedesk-amocrm.db".into(),
            redis_url: String::new(),
            default_language: Lang::default(),
            time_zone: domain.time_zone.unwrap_or_default(),
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
        let config: Config = toml::Value::Table(table)
            .try_into()
            .map_err(|e| checks::refusal(&[describe(&e)], ""))?;
        config.validate()?;
        Ok(config)
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
