//! What types cannot express: every problem of a configuration at once, what it leaves open, and what `serve`
//! needs on top.

use anyhow::anyhow;
use secrecy::ExposeSecret as _;

use super::Config;

impl Config {
    /// Every problem of the configuration, each naming its key and what to do; all are reported at once,
    /// and any one of them refuses the start (`serve`, `demo` and `check-config` alike).
    pub fn problems(&self) -> Vec<String> {
        let mut problems = Vec::new();
        if self.rate_limit_per_second == 0 {
            problems.push("rate_limit_per_second must be at least 1".into());
        }
        if !self.time_zone.trim().is_empty() && domain::Zone::parse(&self.time_zone).is_none() {
            problems.push(format!(
                "time_zone: {:?} is neither a time zone name (such as Europe/Moscow) nor an offset (such as +03:00)",
                self.time_zone
            ));
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

    /// Refuses the configuration when [`Config::problems`] names any, listing them all.
    pub fn validate(&self) -> anyhow::Result<()> {
        let problems = self.problems();
        if problems.is_empty() {
            return Ok(());
        }
        Err(refusal(&problems, ""))
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
        Err(refusal(&problems, &also))
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
}

/// The refusal of a configuration: every problem on its own line, then `after`.
pub(super) fn refusal(problems: &[String], after: &str) -> anyhow::Error {
    anyhow!(
        "the configuration cannot be used (see docs/configuration.md):\n  - {}{after}",
        problems.join("\n  - ")
    )
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
    use std::path::Path;

    use super::*;
    use crate::config::tests::env;

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
