//! How the service behaves: its public address, its secrets and its limits.

use std::fmt;
use std::time::Duration;

use secrecy::{ExposeSecret, SecretString};
use url::Url;

use crate::Error;
use crate::view::Preview;

/// The fewest bytes a signing key may have: HMAC-SHA256 gains nothing from more, and is weakened by fewer.
pub const MIN_SIGNING_KEY_BYTES: usize = 32;

/// The service's configuration. [`BlockConfig::new`] fills in the documented defaults.
pub struct BlockConfig {
    /// The base of every link the service emits, e.g. `http://127.0.0.1:8080/`.
    pub public_url: Url,
    /// The dynamic block's "Secret key"; when set, every block request must carry it.
    pub block_secret: Option<SecretString>,
    /// At least 32 bytes of entropy (any text); the keys that sign action tokens and seal OAuth
    /// state are derived from it, one per purpose.
    pub signing_key: SecretString,
    /// The language used when a request names none.
    pub default_language: i18n::Lang,
    /// How long an action token in a rendered block stays valid (default 12 h).
    pub action_ttl: Duration,
    /// How long a GET link that opens a page (new contact, new deal, deal card, settings) stays valid (default
    /// 1 h): its token sits in browser history and proxy logs. Never longer than `action_ttl`.
    pub link_ttl: Duration,
    /// How long an OAuth `state` stays valid (default 20 min, the authorization code's own lifetime).
    pub oauth_state_ttl: Duration,
    /// The exact origins (e.g. `https://secure.usedesk.ru`) allowed to run actions in place.
    pub cors_origins: Vec<String>,
    /// The preview page's inputs; `GET /preview` answers 404 while this is `None`.
    pub preview: Option<Preview>,
    /// The largest request body accepted (default 1 MiB).
    pub max_body_bytes: usize,
}

impl BlockConfig {
    /// The default of [`BlockConfig::action_ttl`]: 12 hours.
    pub const DEFAULT_ACTION_TTL: Duration = Duration::from_secs(12 * 3600);
    /// The default of [`BlockConfig::link_ttl`]: 1 hour.
    pub const DEFAULT_LINK_TTL: Duration = Duration::from_secs(3600);
    /// The default of [`BlockConfig::oauth_state_ttl`]: 20 minutes, the authorization code's own lifetime.
    pub const DEFAULT_OAUTH_STATE_TTL: Duration = Duration::from_secs(20 * 60);
    /// The default of [`BlockConfig::max_body_bytes`]: 1 MiB.
    pub const DEFAULT_MAX_BODY_BYTES: usize = 1024 * 1024;

    /// A configuration with these two required settings and every other one at its default.
    pub fn new(public_url: Url, signing_key: SecretString) -> Self {
        Self {
            public_url,
            block_secret: None,
            signing_key,
            default_language: i18n::Lang::default(),
            action_ttl: Self::DEFAULT_ACTION_TTL,
            link_ttl: Self::DEFAULT_LINK_TTL,
            oauth_state_ttl: Self::DEFAULT_OAUTH_STATE_TTL,
            cors_origins: Vec::new(),
            preview: None,
            max_body_bytes: Self::DEFAULT_MAX_BODY_BYTES,
        }
    }

    /// Checks what the types cannot: the signing key's length, the public URL's scheme, the CORS
    /// origins' form, and that the lifetimes are not zero.
    pub fn validate(&self) -> Result<(), Error> {
        if self.signing_key.expose_secret().len() < MIN_SIGNING_KEY_BYTES {
            return Err(Error::Config(format!(
                "the signing key must have at least {MIN_SIGNING_KEY_BYTES} bytes"
            )));
        }
        if !matches!(self.public_url.scheme(), "http" | "https")
            || self.public_url.cannot_be_a_base()
        {
            return Err(Error::Config(format!(
                "the public URL {} must be an http(s) base URL",
                self.public_url
            )));
        }
        for origin in &self.cors_origins {
            let parsed = Url::parse(origin)
                .map_err(|e| Error::Config(format!("CORS origin {origin:?}: {e}")))?;
            if parsed.origin().ascii_serialization() != origin.trim_end_matches('/') {
                return Err(Error::Config(format!(
                    "CORS origin {origin:?} must be a bare origin such as https://secure.usedesk.ru"
                )));
            }
        }
        if self.action_ttl.is_zero() || self.link_ttl.is_zero() || self.oauth_state_ttl.is_zero() {
            return Err(Error::Config("token lifetimes must not be zero".into()));
        }
        if self.max_body_bytes == 0 {
            return Err(Error::Config("the body limit must not be zero".into()));
        }
        Ok(())
    }

    /// The public URL with a trailing slash, so relative paths join under it rather than beside it.
    pub(crate) fn base_url(&self) -> Url {
        let mut url = self.public_url.clone();
        if !url.path().ends_with('/') {
            let path = format!("{}/", url.path());
            url.set_path(&path);
        }
        url.set_query(None);
        url.set_fragment(None);
        url
    }
}

impl fmt::Debug for BlockConfig {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("BlockConfig")
            .field("public_url", &self.public_url.as_str())
            .field(
                "block_secret",
                &self.block_secret.as_ref().map(|_| "[REDACTED]"),
            )
            .field("signing_key", &"[REDACTED]")
            .field("default_language", &self.default_language)
            .field("action_ttl", &self.action_ttl)
            .field("link_ttl", &self.link_ttl)
            .field("oauth_state_ttl", &self.oauth_state_ttl)
            .field("cors_origins", &self.cors_origins)
            .field("preview", &self.preview.is_some())
            .field("max_body_bytes", &self.max_body_bytes)
            .finish()
    }
}
