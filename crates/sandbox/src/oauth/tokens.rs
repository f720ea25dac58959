//! The token store: authorization codes, access tokens and refresh tokens with amoCRM's rotation rule.

use std::collections::HashMap;
use std::time::Duration;

use http::{Response, StatusCode};
use serde_json::json;
use tokio::time::Instant;

use crate::http::Body;
use crate::seed;

/// Authorization codes live 20 minutes, as at amoCRM.
pub(super) const CODE_TTL: Duration = Duration::from_secs(20 * 60);
/// Refresh tokens live three months.
const REFRESH_TTL: Duration = Duration::from_secs(90 * 24 * 60 * 60);
/// Long-lived tokens are issued for a year.
const LONG_LIVED_TTL: Duration = Duration::from_secs(365 * 24 * 60 * 60);

struct Code {
    client_id: String,
    redirect_uri: String,
    expires_at: Instant,
    used: bool,
}

struct Access {
    expires_at: Instant,
    revoked: bool,
    long_lived: bool,
    user_id: i64,
    /// The refresh token that produced this pair, until this token's first use retires it.
    predecessor: Option<String>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum RefreshState {
    /// Usable.
    Active,
    /// Superseded and its successor has been used: any further use is a reuse.
    Consumed,
    /// Revoked by the administrator, or superseded by a retry before its pair was ever used.
    Revoked,
}

struct Refresh {
    state: RefreshState,
    client_id: String,
    redirect_uri: String,
    expires_at: Instant,
    user_id: i64,
    /// The refresh token this one replaced; retired when this one (or its access token) is used.
    predecessor: Option<String>,
    /// The pair issued when this token was last used, as `(access, refresh)`.
    successor: Option<(String, String)>,
}

/// Every code and token the account has issued.
#[derive(Default)]
pub(crate) struct TokenStore {
    codes: HashMap<String, Code>,
    access: HashMap<String, Access>,
    refresh: HashMap<String, Refresh>,
}

/// An OAuth failure in amoCRM's `OAuthProblemJson` shape.
pub(super) struct OAuthError {
    status: u16,
    hint: &'static str,
    detail: String,
}

impl OAuthError {
    pub(super) fn new(status: u16, hint: &'static str, detail: impl Into<String>) -> Self {
        Self {
            status,
            hint,
            detail: detail.into(),
        }
    }

    fn revoked() -> Self {
        Self::new(
            401,
            "Token has been revoked",
            "The refresh token is invalid.",
        )
    }

    pub(super) fn into_response(self) -> Response<Body> {
        let title = match self.status {
            401 => "Unauthorized",
            _ => "Bad Request",
        };
        let body = json!({
            "hint": self.hint,
            "title": title,
            "type": "https://developers.amocrm.ru/v3/errors/OAuthProblemJson",
            "status": self.status,
            "detail": self.detail,
        });
        let status = StatusCode::from_u16(self.status).unwrap_or(StatusCode::BAD_REQUEST);
        crate::http::problem(status, &body)
    }
}

/// A freshly issued pair.
pub(super) struct Pair {
    pub access: String,
    pub refresh: String,
}

impl TokenStore {
    /// Issues a single-use authorization code bound to a client and redirect URI.
    pub(super) fn issue_code(&mut self, client_id: &str, redirect_uri: &str) -> String {
        let code = random_token("def50200");
        self.codes.insert(
            code.clone(),
            Code {
                client_id: client_id.to_owned(),
                redirect_uri: redirect_uri.to_owned(),
                expires_at: Instant::now() + CODE_TTL,
                used: false,
            },
        );
        code
    }

    fn issue_pair(
        &mut self,
        client_id: &str,
        redirect_uri: &str,
        user_id: i64,
        predecessor: Option<String>,
        ttl: Duration,
    ) -> Pair {
        let now = Instant::now();
        let access = random_token("");
        let refresh = random_token("def50200");
        self.access.insert(
            access.clone(),
            Access {
                expires_at: now + ttl,
                revoked: false,
                long_lived: false,
                user_id,
                predecessor: predecessor.clone(),
            },
        );
        self.refresh.insert(
            refresh.clone(),
            Refresh {
                state: RefreshState::Active,
                client_id: client_id.to_owned(),
                redirect_uri: redirect_uri.to_owned(),
                expires_at: now + REFRESH_TTL,
                user_id,
                predecessor,
                successor: None,
            },
        );
        Pair { access, refresh }
    }

    /// Marks a refresh token as consumed because its successor has now been used.
    fn retire(&mut self, token: &str) {
        if let Some(old) = self.refresh.get_mut(token)
            && old.state == RefreshState::Active
        {
            old.state = RefreshState::Consumed;
        }
    }

    pub(super) fn exchange_code(
        &mut self,
        code: &str,
        client_id: &str,
        redirect_uri: &str,
        ttl: Duration,
    ) -> Result<Pair, OAuthError> {
        let entry = self.codes.get_mut(code).ok_or_else(|| {
            OAuthError::new(
                400,
                "Cannot decrypt the authorization code",
                "The authorization code is invalid.",
            )
        })?;
        if entry.used {
            return Err(OAuthError::new(
                400,
                "Authorization code has been revoked",
                "The authorization code was already used.",
            ));
        }
        if Instant::now() >= entry.expires_at {
            return Err(OAuthError::new(
                400,
                "Authorization code has expired",
                "The authorization code is older than 20 minutes.",
            ));
        }
        if entry.client_id != client_id {
            return Err(OAuthError::new(
                400,
                "Authorization code was not issued to this client",
                "Некорректный запрос",
            ));
        }
        if entry.redirect_uri != redirect_uri {
            return Err(OAuthError::new(
                400,
                "redirect_uri does not match the one of the authorization request",
                "Некорректный запрос",
            ));
        }
        entry.used = true;
        Ok(self.issue_pair(client_id, redirect_uri, seed::USER_ALBUS, None, ttl))
    }

    pub(super) fn refresh(
        &mut self,
        token: &str,
        client_id: &str,
        redirect_uri: &str,
        ttl: Duration,
    ) -> Result<Pair, OAuthError> {
        let entry = self.refresh.get(token).ok_or_else(|| {
            OAuthError::new(
                401,
                "Cannot decrypt the refresh token",
                "The refresh token is invalid.",
            )
        })?;
        match entry.state {
            RefreshState::Active => {}
            RefreshState::Consumed | RefreshState::Revoked => return Err(OAuthError::revoked()),
        }
        if Instant::now() >= entry.expires_at {
            return Err(OAuthError::new(
                401,
                "Token has expired",
                "The refresh token has expired.",
            ));
        }
        if entry.client_id != client_id {
            return Err(OAuthError::new(
                401,
                "Token was not issued to this client",
                "The refresh token is invalid.",
            ));
        }
        if entry.redirect_uri != redirect_uri {
            return Err(OAuthError::new(
                400,
                "redirect_uri does not match the registered one",
                "Некорректный запрос",
            ));
        }
        let user_id = entry.user_id;
        let predecessor = entry.predecessor.clone();
        let previous_successor = entry.successor.clone();
        // Using this token proves its predecessor's retry window is over.
        if let Some(predecessor) = predecessor {
            self.retire(&predecessor);
        }
        // A second use before the first successor was ever used is a client retrying after a lost
        // answer: the unused successor is withdrawn and a new one issued.
        if let Some((access, refresh)) = previous_successor {
            if let Some(a) = self.access.get_mut(&access) {
                a.revoked = true;
            }
            if let Some(r) = self.refresh.get_mut(&refresh) {
                r.state = RefreshState::Revoked;
            }
        }
        let pair = self.issue_pair(
            client_id,
            redirect_uri,
            user_id,
            Some(token.to_owned()),
            ttl,
        );
        if let Some(entry) = self.refresh.get_mut(token) {
            entry.predecessor = None;
            entry.successor = Some((pair.access.clone(), pair.refresh.clone()));
        }
        Ok(pair)
    }

    /// The user an API call acts as, or why the token is refused.
    pub(crate) fn authenticate(&mut self, token: &str) -> Result<i64, &'static str> {
        let entry = self
            .access
            .get_mut(token)
            .ok_or("The access token is invalid")?;
        if entry.revoked {
            return Err("The access token has been revoked");
        }
        if Instant::now() >= entry.expires_at {
            return Err("The access token has expired");
        }
        let user_id = entry.user_id;
        if let Some(predecessor) = entry.predecessor.take() {
            self.retire(&predecessor);
        }
        Ok(user_id)
    }

    /// A long-lived token: admin rights, no refresh token.
    pub(crate) fn issue_long_lived(&mut self) -> String {
        let token = random_token("");
        self.access.insert(
            token.clone(),
            Access {
                expires_at: Instant::now() + LONG_LIVED_TTL,
                revoked: false,
                long_lived: true,
                user_id: seed::USER_ALBUS,
                predecessor: None,
            },
        );
        token
    }

    /// Every token stops working, as when an administrator deactivates the installation.
    pub(crate) fn revoke_all(&mut self) {
        for access in self.access.values_mut() {
            access.revoked = true;
        }
        for refresh in self.refresh.values_mut() {
            refresh.state = RefreshState::Revoked;
        }
    }

    /// Every OAuth access token expires now; long-lived tokens keep their own validity.
    pub(crate) fn expire_access(&mut self) {
        let now = Instant::now();
        for access in self.access.values_mut().filter(|a| !a.long_lived) {
            access.expires_at = now;
        }
    }
}

/// A random hex token with a prefix. The sandbox never serves a real account, so if the system's
/// randomness is unavailable a clock-and-counter value is unique enough.
pub(super) fn random_token(prefix: &str) -> String {
    use std::sync::atomic::{AtomicU64, Ordering};
    static COUNTER: AtomicU64 = AtomicU64::new(0);
    let mut bytes = [0u8; 32];
    if getrandom::getrandom(&mut bytes).is_err() {
        let n = COUNTER.fetch_add(1, Ordering::Relaxed);
        let nanos = std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map(|d| d.as_nanos())
            .unwrap_or(0);
        bytes[..8].copy_from_slice(&n.to_le_bytes());
        bytes[8..24].copy_from_slice(&nanos.to_le_bytes());
    }
    let mut out = String::with_capacity(prefix.len() + 64);
    out.push_str(prefix);
    for b in bytes {
        out.push_str(&format!("{b:02x}"));
    }
    out
}
