//! Where API calls get their bearer token, and how it is renewed.

use std::fmt;
use std::sync::Arc;
use std::time::{Duration, SystemTime};

use async_trait::async_trait;
use futures_util::future::BoxFuture;
use secrecy::{ExposeSecret, SecretString};

use crate::Error;
use crate::host::AccountHost;
use crate::oauth::{OAuthClient, TokenPair};

/// The default window before expiry in which [`OAuthTokenSource`] refreshes proactively.
pub const DEFAULT_REFRESH_LEEWAY: Duration = Duration::from_secs(60);

/// Supplies the bearer token of one account to the [`AmoClient`](crate::AmoClient).
#[async_trait]
pub trait TokenSource: Send + Sync + 'static {
    /// The access token to send now.
    async fn access_token(&self) -> Result<SecretString, Error>;
    /// Called at most once per request after amoCRM answered 401 to `refused`. Must return a
    /// fresh token (refreshing only if the current token is still `refused` — so N concurrent
    /// 401s cause one refresh) or an error such as [`Error::TokenRevoked`] /
    /// [`Error::Unauthorized`].
    async fn refresh_after_unauthorized(
        &self,
        refused: &SecretString,
    ) -> Result<SecretString, Error>;
}

/// A fixed token, such as a private integration's long-lived token.
///
/// It cannot be renewed: a 401 means it expired or was revoked, and gives
/// [`Error::Unauthorized`].
pub struct StaticToken {
    token: SecretString,
}

impl StaticToken {
    /// Wraps a token.
    pub fn new(token: impl Into<SecretString>) -> StaticToken {
        StaticToken {
            token: token.into(),
        }
    }
}

impl fmt::Debug for StaticToken {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("StaticToken([REDACTED])")
    }
}

#[async_trait]
impl TokenSource for StaticToken {
    async fn access_token(&self) -> Result<SecretString, Error> {
        Ok(self.token.clone())
    }

    async fn refresh_after_unauthorized(
        &self,
        _refused: &SecretString,
    ) -> Result<SecretString, Error> {
        Err(Error::Unauthorized { problem: None })
    }
}

/// Stores a freshly refreshed token pair durably.
///
/// amoCRM rotates the refresh token on every refresh, and the old one stops working once the new
/// pair is used: a pair that was used but not stored logs the account out for good. So
/// [`OAuthTokenSource`] awaits the persister and uses the new pair only after it succeeded.
///
/// Any `Fn(TokenPair) -> BoxFuture<'static, Result<(), Error>>` is a persister.
#[async_trait]
pub trait TokenPersister: Send + Sync + 'static {
    /// Stores `tokens`; an error keeps the previous pair in use.
    async fn persist(&self, tokens: &TokenPair) -> Result<(), Error>;
}

#[async_trait]
impl<F> TokenPersister for F
where
    F: Fn(TokenPair) -> BoxFuture<'static, Result<(), Error>> + Send + Sync + 'static,
{
    async fn persist(&self, tokens: &TokenPair) -> Result<(), Error> {
        self(tokens.clone()).await
    }
}

/// An in-process single-flight refresher of one account's OAuth token pair.
///
/// One async mutex guards the pair: a refresh happens under it, so concurrent callers wait for
/// that one refresh and then use its result instead of starting their own (with a rotating
/// refresh token, a second refresh would revoke the first). Coordinating replicas is the job of
/// a [`TokenSource`] built over shared storage.
pub struct OAuthTokenSource {
    oauth: OAuthClient,
    host: AccountHost,
    tokens: tokio::sync::Mutex<TokenPair>,
    persister: Arc<dyn TokenPersister>,
    leeway: Duration,
}

impl OAuthTokenSource {
    /// A source for the account at `host`, starting from `tokens`, storing every refreshed pair
    /// through `persister` before using it.
    pub fn new(
        oauth: OAuthClient,
        host: AccountHost,
        tokens: TokenPair,
        persister: Arc<dyn TokenPersister>,
    ) -> OAuthTokenSource {
        OAuthTokenSource {
            oauth,
            host,
            tokens: tokio::sync::Mutex::new(tokens),
            persister,
            leeway: DEFAULT_REFRESH_LEEWAY,
        }
    }

    /// Refresh proactively when the token expires within `leeway` (60 s by default).
    pub fn with_leeway(mut self, leeway: Duration) -> OAuthTokenSource {
        self.leeway = leeway;
        self
    }

    /// The account this source holds tokens for. It never changes on refresh: the token
    /// endpoint is called on the account host, and the new pair belongs to the same host.
    pub fn host(&self) -> &AccountHost {
        &self.host
    }

    /// A copy of the current token pair.
    pub async fn tokens(&self) -> TokenPair {
        self.tokens.lock().await.clone()
    }

    /// Replaces the current pair, for example with one another process refreshed and stored.
    pub async fn replace(&self, tokens: TokenPair) {
        *self.tokens.lock().await = tokens;
    }

    /// Refreshes under the held lock, persists, and only then installs the new pair.
    async fn refresh_locked(&self, current: &mut TokenPair) -> Result<SecretString, Error> {
        let Some(refresh_token) = current.refresh_token.clone() else {
            return Err(Error::Unauthorized { problem: None });
        };
        let fresh = self.oauth.refresh(&self.host, &refresh_token).await?;
        self.persister
            .persist(&fresh)
            .await
            .map_err(|error| match error {
                Error::Persist(message) => Error::Persist(message),
                other => Error::Persist(other.to_string()),
            })?;
        tracing::info!(host = %self.host, "amoCRM token refreshed and stored");
        let access = fresh.access_token.clone();
        *current = fresh;
        Ok(access)
    }
}

impl fmt::Debug for OAuthTokenSource {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("OAuthTokenSource")
            .field("host", &self.host)
            .field("leeway", &self.leeway)
            .finish_non_exhaustive()
    }
}

#[async_trait]
impl TokenSource for OAuthTokenSource {
    async fn access_token(&self) -> Result<SecretString, Error> {
        let mut current = self.tokens.lock().await;
        let now = SystemTime::now();
        if !current.is_expired(now, self.leeway) {
            return Ok(current.access_token.clone());
        }
        if current.refresh_token.is_none() {
            // Nothing can renew this token: use it while it lasts, then report it refused.
            return if current.is_expired(now, Duration::ZERO) {
                Err(Error::Unauthorized { problem: None })
            } else {
                Ok(current.access_token.clone())
            };
        }
        self.refresh_locked(&mut current).await
    }

    async fn refresh_after_unauthorized(
        &self,
        refused: &SecretString,
    ) -> Result<SecretString, Error> {
        let mut current = self.tokens.lock().await;
        if current.access_token.expose_secret() != refused.expose_secret() {
            // Another caller refreshed while this one waited for the lock.
            return Ok(current.access_token.clone());
        }
        self.refresh_locked(&mut current).await
    }
}
