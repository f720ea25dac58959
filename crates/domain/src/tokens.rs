//! The token source every amoCRM call of a connection uses: tokens from the store, refreshed at most once
//! at a time per connection (in-process by a mutex, across replicas by the store's refresh lock), with the
//! rotated pair committed to the store before it is used.

use std::sync::Arc;
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use amocrm::{AccountHost, OAuthClient, TokenPair, TokenSource};
use async_trait::async_trait;
use secrecy::{ExposeSecret, SecretString};
use tokio::sync::Mutex;

use crate::store::{Connection, ConnectionId, Store, StoredTokens};

/// Refresh this long before the access token expires.
const LEEWAY: Duration = Duration::from_secs(120);

/// Counts refreshes, for metrics.
pub trait RefreshObserver: Send + Sync + 'static {
    /// A refresh finished: `outcome` is `ok`, `revoked`, `adopted` (another replica had refreshed) or `error`.
    fn on_refresh(&self, outcome: &'static str);
}

/// The tokens of one connection.
pub struct StoreTokenSource {
    id: ConnectionId,
    host: AccountHost,
    store: Arc<dyn Store>,
    oauth: Option<OAuthClient>,
    observer: Option<Arc<dyn RefreshObserver>>,
    current: Mutex<Current>,
}

struct Current {
    tokens: Option<StoredTokens>,
    version: i64,
}

impl std::fmt::Debug for StoreTokenSource {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("StoreTokenSource")
            .field("connection", &self.id)
            .field("host", &self.host.as_str())
            .finish_non_exhaustive()
    }
}

pub(crate) fn to_stored(pair: &TokenPair) -> StoredTokens {
    StoredTokens {
        access_token: pair.access_token.clone(),
        refresh_token: pair.refresh_token.clone(),
        expires_at: pair.expires_at.and_then(|t| {
            t.duration_since(UNIX_EPOCH)
                .ok()
                .and_then(|d| i64::try_from(d.as_secs()).ok())
        }),
    }
}

fn expiring(tokens: &StoredTokens) -> bool {
    let Some(expires_at) = tokens.expires_at else {
        return false;
    };
    let soon = SystemTime::now() + LEEWAY;
    let soon = soon
        .duration_since(UNIX_EPOCH)
        .map_or(0, |d| i64::try_from(d.as_secs()).unwrap_or(i64::MAX));
    expires_at <= soon
}

impl StoreTokenSource {
    /// The token source of `connection`, whose account is `host`.
    pub fn new(
        connection: &Connection,
        host: AccountHost,
        store: Arc<dyn Store>,
        oauth: Option<OAuthClient>,
        observer: Option<Arc<dyn RefreshObserver>>,
    ) -> Self {
        Self {
            id: connection.id,
            host,
            store,
            oauth,
            observer,
            current: Mutex::new(Current {
                tokens: connection.tokens.clone(),
                version: connection.token_version,
            }),
        }
    }

    /// Adopts the stored tokens when the store has newer ones than this source (a new login, or a refresh
    /// by another replica), so a source never keeps using, or keeps refusing with, an outdated pair.
    pub async fn catch_up(&self, connection: &Connection) {
        let mut current = self.current.lock().await;
        if connection.token_version > current.version {
            current.version = connection.token_version;
            current.tokens = connection.tokens.clone();
        }
    }

    fn observe(&self, outcome: &'static str) {
        if let Some(observer) = &self.observer {
            observer.on_refresh(outcome);
        }
    }

    /// Refreshes unless someone already replaced `stale`; returns the access token to use.
    /// Holds the in-process mutex throughout, so concurrent callers wait and then reuse the result.
    async fn refresh_if_still(&self, stale: Option<&str>) -> Result<SecretString, amocrm::Error> {
        let mut current = self.current.lock().await;
        let still_stale = match (&current.tokens, stale) {
            (None, _) => true,
            (Some(t), Some(stale)) => t.access_token.expose_secret() == stale,
            (Some(t), None) => expiring(t),
        };
        if !still_stale {
            return current
                .tokens
                .as_ref()
                .map(|t| t.access_token.clone())
                .ok_or(amocrm::Error::TokenRevoked);
        }

        let persist = |e: crate::store::StoreError| amocrm::Error::Persist(e.to_string());
        let guard = self
            .store
            .lock_for_refresh(self.id)
            .await
            .map_err(persist)?;
        let locked = guard.connection().clone();
        if locked.token_version != current.version {
            // Another replica refreshed (or an agent logged in again) while we waited: use its tokens.
            current.version = locked.token_version;
            current.tokens = locked.tokens.clone();
            drop(guard);
            self.observe("adopted");
            return current
                .tokens
                .as_ref()
                .map(|t| t.access_token.clone())
                .ok_or(amocrm::Error::TokenRevoked);
        }
        let refresh_token = current
            .tokens
            .as_ref()
            .and_then(|t| t.refresh_token.clone());
        let (Some(oauth), Some(refresh_token)) = (&self.oauth, refresh_token) else {
            // A long-lived token, or no OAuth client to refresh with: nothing to do but log in again.
            guard.mark_needs_login().await.map_err(persist)?;
            current.tokens = None;
            self.observe("revoked");
            return Err(amocrm::Error::TokenRevoked);
        };
        match oauth.refresh(&self.host, &refresh_token).await {
            Ok(pair) => {
                let stored = to_stored(&pair);
                // Committed before use: if this fails, the new pair is never used and the error is returned.
                let saved = guard.save_tokens(&stored).await.map_err(persist)?;
                current.version = saved.token_version;
                current.tokens = Some(stored);
                self.observe("ok");
                Ok(pair.access_token)
            }
            Err(amocrm::Error::TokenRevoked | amocrm::Error::Unauthorized { .. }) => {
                guard.mark_needs_login().await.map_err(persist)?;
                current.tokens = None;
                self.observe("revoked");
                Err(amocrm::Error::TokenRevoked)
            }
            Err(e) => {
                // Network trouble: keep the old pair (amoCRM keeps the old refresh token valid until the
                // new one is used) and let a later call try again.
                drop(guard);
                self.observe("error");
                Err(e)
            }
        }
    }
}

#[async_trait]
impl TokenSource for StoreTokenSource {
    async fn access_token(&self) -> Result<SecretString, amocrm::Error> {
        {
            let current = self.current.lock().await;
            match &current.tokens {
                Some(t) if !expiring(t) || t.refresh_token.is_none() => {
                    return Ok(t.access_token.clone());
                }
                Some(_) => {}
                None => return Err(amocrm::Error::TokenRevoked),
            }
        }
        self.refresh_if_still(None).await
    }

    async fn refresh_after_unauthorized(
        &self,
        refused: &SecretString,
    ) -> Result<SecretString, amocrm::Error> {
        self.refresh_if_still(Some(refused.expose_secret())).await
    }
}
