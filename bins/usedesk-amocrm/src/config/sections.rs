//! The `[amocrm]`, `[usedesk]` and `[security]` sections, the login pins, and the URL readers they share with
//! the top level.

use block::BlockConfig;
use domain::DomainConfig;
use secrecy::SecretString;
use serde::{Deserialize, Deserializer};
use url::Url;

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
pub(super) fn url<'de, D: Deserializer<'de>>(deserializer: D) -> Result<Url, D::Error> {
    let text = String::deserialize(deserializer)?;
    Url::parse(text.trim()).map_err(|e| {
        serde::de::Error::custom(format!(
            "{text:?} is not a URL ({e}): write an absolute URL such as https://example.com/"
        ))
    })
}

/// Reads an optional absolute URL: unset or empty is `None`.
pub(super) fn optional_url<'de, D: Deserializer<'de>>(
    deserializer: D,
) -> Result<Option<Url>, D::Error> {
    let text = String::deserialize(deserializer)?;
    if text.trim().is_empty() {
        return Ok(None);
    }
    url(serde::de::value::StringDeserializer::new(text)).map(Some)
}
