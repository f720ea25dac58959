//! OAuth 2.0: the authorization URL, the code exchange and the token refresh.

use std::fmt;
use std::sync::Arc;
use std::time::{Duration, SystemTime};

use secrecy::{ExposeSecret, SecretString};
use serde::{Deserialize, Serialize};
use url::Url;

use crate::Error;
use crate::host::{AccountHost, Product};
use crate::status::{error_for_status, parse_problem};

const TOKEN_ENDPOINT: &str = "POST /oauth2/access_token";
const DEFAULT_TIMEOUT: Duration = Duration::from_secs(10);

/// The integration's OAuth settings.
#[derive(Clone)]
pub struct OAuthConfig {
    /// The integration id (a UUID issued by amoCRM).
    pub client_id: String,
    /// The integration's secret key.
    pub client_secret: SecretString,
    /// The redirect URI registered for the integration, byte for byte (amoCRM refuses the token
    /// exchange when even a trailing slash differs).
    pub redirect_uri: String,
    /// The authorization page for amoCRM accounts, by default `https://www.amocrm.ru/oauth`.
    pub authorize_url_amocrm: Url,
    /// The authorization page for Kommo accounts, by default `https://www.kommo.com/oauth`.
    pub authorize_url_kommo: Url,
}

impl OAuthConfig {
    /// Settings with the public authorization pages.
    pub fn new(
        client_id: impl Into<String>,
        client_secret: impl Into<SecretString>,
        redirect_uri: impl Into<String>,
    ) -> OAuthConfig {
        OAuthConfig {
            client_id: client_id.into(),
            client_secret: client_secret.into(),
            redirect_uri: redirect_uri.into(),
            authorize_url_amocrm: Url::parse("https://www.amocrm.ru/oauth")
                .expect("the amoCRM authorization URL is a valid constant"),
            authorize_url_kommo: Url::parse("https://www.kommo.com/oauth")
                .expect("the Kommo authorization URL is a valid constant"),
        }
    }
}

impl fmt::Debug for OAuthConfig {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("OAuthConfig")
            .field("client_id", &self.client_id)
            .field("client_secret", &"[REDACTED]")
            .field("redirect_uri", &self.redirect_uri)
            .field("authorize_url_amocrm", &self.authorize_url_amocrm.as_str())
            .field("authorize_url_kommo", &self.authorize_url_kommo.as_str())
            .finish()
    }
}

/// How amoCRM returns from its authorization window.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum AuthMode {
    /// The window closes and the redirect happens in the parent window.
    Popup,
    /// The redirect happens inside the opened window, which then reports to its opener with
    /// `postMessage`.
    PostMessage,
}

impl AuthMode {
    /// The value of the `mode` parameter.
    pub fn as_str(self) -> &'static str {
        match self {
            AuthMode::Popup => "popup",
            AuthMode::PostMessage => "post_message",
        }
    }
}

/// An access token and, for OAuth tokens, the refresh token that renews it.
#[derive(Debug, Clone)]
pub struct TokenPair {
    /// The bearer token sent with API calls.
    pub access_token: SecretString,
    /// The refresh token; `None` for long-lived tokens. It rotates on every refresh.
    pub refresh_token: Option<SecretString>,
    /// When the access token expires; `None` when unknown (a long-lived token whose expiry was
    /// not recorded).
    pub expires_at: Option<SystemTime>,
    /// The token type amoCRM reported, normally `Bearer`.
    pub token_type: String,
}

impl TokenPair {
    /// A long-lived token of a private integration: no refresh token.
    pub fn long_lived(token: impl Into<SecretString>, expires_at: Option<SystemTime>) -> TokenPair {
        TokenPair {
            access_token: token.into(),
            refresh_token: None,
            expires_at,
            token_type: "Bearer".to_owned(),
        }
    }

    /// Whether the access token is expired at `now`, or will be within `leeway`.
    pub fn is_expired(&self, now: SystemTime, leeway: Duration) -> bool {
        self.expires_at
            .is_some_and(|expires_at| expires_at <= now + leeway)
    }
}

/// Talks to amoCRM's OAuth endpoints for one integration. Cheap to clone.
#[derive(Clone)]
pub struct OAuthClient {
    inner: Arc<OAuthInner>,
}

struct OAuthInner {
    config: OAuthConfig,
    http: reqwest::Client,
    timeout: Duration,
}

#[derive(Serialize)]
struct TokenRequest<'a> {
    client_id: &'a str,
    client_secret: &'a str,
    grant_type: &'a str,
    #[serde(skip_serializing_if = "Option::is_none")]
    code: Option<&'a str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    refresh_token: Option<&'a str>,
    redirect_uri: &'a str,
}

#[derive(Deserialize)]
struct TokenResponse {
    #[serde(default)]
    token_type: Option<String>,
    #[serde(default)]
    expires_in: Option<u64>,
    access_token: String,
    #[serde(default)]
    refresh_token: Option<String>,
}

impl OAuthClient {
    /// An OAuth client sending its requests through `http` (share one `reqwest::Client` for the
    /// whole process to share its connection pool).
    pub fn new(config: OAuthConfig, http: reqwest::Client) -> OAuthClient {
        OAuthClient {
            inner: Arc::new(OAuthInner {
                config,
                http,
                timeout: DEFAULT_TIMEOUT,
            }),
        }
    }

    /// The same client with another timeout for token requests (10 s by default).
    pub fn with_timeout(self, timeout: Duration) -> OAuthClient {
        OAuthClient {
            inner: Arc::new(OAuthInner {
                config: self.inner.config.clone(),
                http: self.inner.http.clone(),
                timeout,
            }),
        }
    }

    /// The settings this client uses.
    pub fn config(&self) -> &OAuthConfig {
        &self.inner.config
    }

    /// The URL of the authorization page the user is sent to.
    ///
    /// `state` comes back unchanged in the callback; make it unguessable and bound to the
    /// user's session (it is the CSRF protection of the flow).
    pub fn authorize_url(&self, product: Product, state: &str, mode: AuthMode) -> Url {
        let config = &self.inner.config;
        let mut url = match product {
            Product::AmoCrm => config.authorize_url_amocrm.clone(),
            Product::Kommo => config.authorize_url_kommo.clone(),
        };
        url.query_pairs_mut()
            .append_pair("client_id", &config.client_id)
            .append_pair("state", state)
            .append_pair("mode", mode.as_str());
        url
    }

    /// Exchanges an authorization code (valid 20 minutes) for a token pair, at the account the
    /// callback's `referer` named.
    pub async fn exchange_code(&self, host: &AccountHost, code: &str) -> Result<TokenPair, Error> {
        self.token_request(host, "authorization_code", Some(code), None)
            .await
    }

    /// Exchanges a refresh token for a new pair. The answer carries a NEW refresh token: store it
    /// before using the new access token, since the old one stops working once the new pair is
    /// used.
    ///
    /// A revoked or already consumed refresh token gives [`Error::TokenRevoked`].
    pub async fn refresh(
        &self,
        host: &AccountHost,
        refresh_token: &SecretString,
    ) -> Result<TokenPair, Error> {
        self.token_request(
            host,
            "refresh_token",
            None,
            Some(refresh_token.expose_secret()),
        )
        .await
    }

    async fn token_request(
        &self,
        host: &AccountHost,
        grant_type: &str,
        code: Option<&str>,
        refresh_token: Option<&str>,
    ) -> Result<TokenPair, Error> {
        let config = &self.inner.config;
        let body = TokenRequest {
            client_id: &config.client_id,
            client_secret: config.client_secret.expose_secret(),
            grant_type,
            code,
            refresh_token,
            redirect_uri: &config.redirect_uri,
        };
        let url = host
            .url()
            .join("/oauth2/access_token")
            .map_err(|e| Error::InvalidArgument(e.to_string()))?;
        let request = self
            .inner
            .http
            .post(url)
            .header(reqwest::header::ACCEPT, "application/json")
            .json(&body);
        let exchange = async {
            let response = request.send().await?;
            let status = response.status().as_u16();
            let headers = response.headers().clone();
            let bytes = response.bytes().await?;
            Ok::<_, reqwest::Error>((status, headers, bytes))
        };
        let (status, headers, bytes) = tokio::time::timeout(self.inner.timeout, exchange)
            .await
            .map_err(|_| Error::Timeout)?
            .map_err(crate::status::transport_error)?;
        tracing::debug!(
            endpoint = TOKEN_ENDPOINT,
            status,
            grant_type,
            host = %host,
            "amoCRM token request"
        );

        if (200..300).contains(&status) {
            let response: TokenResponse =
                serde_json::from_slice(&bytes).map_err(|e| Error::Decode {
                    endpoint: TOKEN_ENDPOINT,
                    message: e.to_string(),
                })?;
            return Ok(TokenPair {
                access_token: response.access_token.into(),
                refresh_token: response.refresh_token.map(SecretString::from),
                expires_at: response
                    .expires_in
                    .map(|secs| SystemTime::now() + Duration::from_secs(secs)),
                token_type: response.token_type.unwrap_or_else(|| "Bearer".to_owned()),
            });
        }

        let problem = parse_problem(&bytes);
        // amoCRM documents 401 for a consumed refresh token; some answers arrive as 400 with the
        // same hint, and both mean the user has to log in again.
        if matches!(status, 400 | 401) && problem.as_ref().is_some_and(|p| p.mentions_revoked()) {
            return Err(Error::TokenRevoked);
        }
        Err(error_for_status(status, &headers, &bytes))
    }
}

impl fmt::Debug for OAuthClient {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("OAuthClient")
            .field("config", &self.inner.config)
            .field("timeout", &self.inner.timeout)
            .finish_non_exhaustive()
    }
}
