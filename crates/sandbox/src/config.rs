//! How a sandbox is started.

use std::fmt;
use std::net::{Ipv4Addr, SocketAddr};
use std::time::Duration;

/// Everything [`Sandbox::start`](crate::Sandbox::start) needs. `Default` gives two loopback
/// listeners on free ports, the sample data, no latency and amoCRM's real limits.
#[derive(Clone)]
pub struct SandboxConfig {
    /// Where the amoCRM stand-in listens (API, OAuth pages and `/__sandbox` controls).
    /// Default `127.0.0.1:0`, a free port.
    pub amocrm_addr: SocketAddr,
    /// Where the Usedesk stand-in listens. Default `127.0.0.1:0`.
    pub usedesk_addr: SocketAddr,
    /// The only OAuth client the account knows. Default `sandbox-client-id`.
    pub oauth_client_id: String,
    /// The client's secret. Default `sandbox-client-secret`. It is a test value, yet `Debug` hides it
    /// all the same so that no log ever learns the habit of printing secrets.
    pub oauth_client_secret: String,
    /// The redirect URI used when the authorization page is opened without a `redirect_uri`
    /// parameter. Default `None`: such a request is refused.
    pub redirect_uri: Option<String>,
    /// Delay added to every amoCRM API request before it is answered. Default zero.
    pub latency: Duration,
    /// Load the sample contacts, leads, notes, events and Usedesk tickets. The account, users,
    /// pipelines and custom fields exist either way. Default `true`.
    pub seed: bool,
    /// Lifetime of OAuth access tokens. Default 24 h, as amoCRM.
    pub access_token_ttl: Duration,
    /// Answer 429 when more than [`rate_limit_requests`](Self::rate_limit_requests) API requests
    /// start within any [`rate_limit_window`](Self::rate_limit_window). Default `true`.
    pub enforce_rate_limit: bool,
    /// How many API requests may start within one window. Default 7, amoCRM's documented limit.
    pub rate_limit_requests: u32,
    /// The sliding window of the rate limit. Default 1 s.
    pub rate_limit_window: Duration,
}

impl Default for SandboxConfig {
    fn default() -> Self {
        let loopback = SocketAddr::from((Ipv4Addr::LOCALHOST, 0));
        Self {
            amocrm_addr: loopback,
            usedesk_addr: loopback,
            oauth_client_id: "sandbox-client-id".to_owned(),
            oauth_client_secret: "sandbox-client-secret".to_owned(),
            redirect_uri: None,
            latency: Duration::ZERO,
            seed: true,
            access_token_ttl: Duration::from_secs(24 * 60 * 60),
            enforce_rate_limit: true,
            rate_limit_requests: 7,
            rate_limit_window: Duration::from_secs(1),
        }
    }
}

impl fmt::Debug for SandboxConfig {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("SandboxConfig")
            .field("amocrm_addr", &self.amocrm_addr)
            .field("usedesk_addr", &self.usedesk_addr)
            .field("oauth_client_id", &self.oauth_client_id)
            .field("oauth_client_secret", &"[redacted]")
            .field("redirect_uri", &self.redirect_uri)
            .field("latency", &self.latency)
            .field("seed", &self.seed)
            .field("access_token_ttl", &self.access_token_ttl)
            .field("enforce_rate_limit", &self.enforce_rate_limit)
            .field("rate_limit_requests", &self.rate_limit_requests)
            .field("rate_limit_window", &self.rate_limit_window)
            .finish()
    }
}
