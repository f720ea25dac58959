//! OAuth 2.0 from the authorization page to API calls, with the tokens kept in a private file.
//!
//! ```sh
//! export AMOCRM_CLIENT_ID=… AMOCRM_CLIENT_SECRET=… AMOCRM_REDIRECT_URI=https://example.com/oauth
//! # 1. The page to send the user to (amoCRM for *.amocrm.ru, Kommo for *.kommo.com / *.amocrm.com):
//! cargo run -p amocrm --example oauth_token_store -- authorize yourcompany.amocrm.ru
//! # 2. After the redirect, exchange the `code` for tokens at the account named by `referer`:
//! cargo run -p amocrm --example oauth_token_store -- exchange <referer> <code>
//! # 3. Call the API; an expired access token is refreshed, and the new pair stored, first:
//! cargo run -p amocrm --example oauth_token_store -- account
//! ```
//!
//! The tokens live in `AMOCRM_TOKEN_FILE` (default `amocrm-tokens.json`), readable by the owner
//! only. amoCRM rotates the refresh token on every refresh, and a new pair that was used but not
//! stored logs the account out for good. So [`FileTokenStore`] is the
//! [`TokenPersister`] of the [`OAuthTokenSource`]: each refreshed pair is written (to a temporary
//! file, then renamed over the old one) before the client sends it.

use std::fs;
use std::io::{self, Write as _};
use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::sync::Arc;
use std::time::{Duration, UNIX_EPOCH};

use amocrm::{
    AccountHost, AmoClient, AuthMode, Error, HostPolicy, OAuthClient, OAuthConfig,
    OAuthTokenSource, SecretString, TokenPair, TokenPersister,
};
use secrecy::ExposeSecret;
use serde::{Deserialize, Serialize};

const USAGE: &str = "usage: AMOCRM_CLIENT_ID=<id> AMOCRM_CLIENT_SECRET=<secret> \
AMOCRM_REDIRECT_URI=<uri> [AMOCRM_TOKEN_FILE=amocrm-tokens.json] \
cargo run -p amocrm --example oauth_token_store -- \
authorize <host> | exchange <referer> <code> | account";

/// One account's token pair in a JSON file that only its owner may read.
pub struct FileTokenStore {
    path: PathBuf,
    host: AccountHost,
}

/// The file's contents.
#[derive(Serialize, Deserialize)]
struct StoredTokens {
    host: String,
    access_token: String,
    refresh_token: Option<String>,
    /// Unix seconds.
    expires_at: Option<u64>,
    token_type: String,
}

impl FileTokenStore {
    /// A store for the tokens of the account at `host`, in the file at `path`.
    pub fn new(path: impl Into<PathBuf>, host: AccountHost) -> FileTokenStore {
        FileTokenStore {
            path: path.into(),
            host,
        }
    }

    /// Reads a store written before, checking its host against `policy` again.
    pub fn load(
        path: impl Into<PathBuf>,
        policy: &HostPolicy,
    ) -> Result<(FileTokenStore, TokenPair), Error> {
        let path = path.into();
        let bytes = fs::read(&path).map_err(|e| persist_error(&path, &e))?;
        let stored: StoredTokens = serde_json::from_slice(&bytes)
            .map_err(|e| Error::Persist(format!("{}: {e}", path.display())))?;
        let host = AccountHost::parse(&stored.host, policy)?;
        let tokens = TokenPair {
            access_token: SecretString::from(stored.access_token),
            refresh_token: stored.refresh_token.map(SecretString::from),
            expires_at: stored
                .expires_at
                .map(|secs| UNIX_EPOCH + Duration::from_secs(secs)),
            token_type: stored.token_type,
        };
        Ok((FileTokenStore { path, host }, tokens))
    }

    /// The account the tokens belong to.
    pub fn host(&self) -> &AccountHost {
        &self.host
    }

    /// Writes `tokens` durably: to a new owner-only file beside the target, synced, then renamed
    /// over it, so a crash leaves the old pair or the new one, never half a file.
    pub fn save(&self, tokens: &TokenPair) -> Result<(), Error> {
        let stored = StoredTokens {
            host: self.host.as_str().to_owned(),
            access_token: tokens.access_token.expose_secret().to_owned(),
            refresh_token: tokens
                .refresh_token
                .as_ref()
                .map(|t| t.expose_secret().to_owned()),
            expires_at: tokens
                .expires_at
                .and_then(|at| at.duration_since(UNIX_EPOCH).ok())
                .map(|d| d.as_secs()),
            token_type: tokens.token_type.clone(),
        };
        let bytes = serde_json::to_vec_pretty(&stored)
            .map_err(|e| Error::Persist(format!("{}: {e}", self.path.display())))?;
        write_private(&self.path, &bytes).map_err(|e| persist_error(&self.path, &e))
    }
}

/// Never prints the tokens, only where they are.
impl std::fmt::Debug for FileTokenStore {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("FileTokenStore")
            .field("path", &self.path)
            .field("host", &self.host.as_str())
            .finish()
    }
}

#[async_trait::async_trait]
impl TokenPersister for FileTokenStore {
    async fn persist(&self, tokens: &TokenPair) -> Result<(), Error> {
        // A few hundred bytes: writing them blocks the runtime for less than a context switch to
        // a blocking thread would cost.
        self.save(tokens)
    }
}

fn persist_error(path: &Path, error: &io::Error) -> Error {
    Error::Persist(format!("{}: {error}", path.display()))
}

/// Replaces the file at `path` with `bytes`, readable and writable by the owner only.
fn write_private(path: &Path, bytes: &[u8]) -> io::Result<()> {
    let mut temporary = path.as_os_str().to_owned();
    temporary.push(".tmp");
    let temporary = PathBuf::from(temporary);
    // A leftover from a crash may have other permissions; the mode applies only on creation.
    match fs::remove_file(&temporary) {
        Err(error) if error.kind() != io::ErrorKind::NotFound => return Err(error),
        _ => {}
    }
    let mut options = fs::OpenOptions::new();
    options.write(true).create_new(true);
    #[cfg(unix)]
    std::os::unix::fs::OpenOptionsExt::mode(&mut options, 0o600);
    let mut file = options.open(&temporary)?;
    file.write_all(bytes)?;
    file.sync_all()?;
    fs::rename(&temporary, path)
}

/// Exchanges the authorization `code` from the callback for tokens of the account `host` (the
/// callback's `referer`), and stores them.
pub async fn exchange(
    oauth: &OAuthClient,
    host: AccountHost,
    code: &str,
    path: impl Into<PathBuf>,
) -> Result<FileTokenStore, Error> {
    let tokens = oauth.exchange_code(&host, code).await?;
    let store = FileTokenStore::new(path, host);
    store.save(&tokens)?;
    Ok(store)
}

/// A client for the account whose tokens are stored at `path`. Every refresh goes through the
/// store before the new access token is sent.
pub fn client(
    oauth: OAuthClient,
    path: impl Into<PathBuf>,
    policy: &HostPolicy,
) -> Result<AmoClient, Error> {
    let (store, tokens) = FileTokenStore::load(path, policy)?;
    let host = store.host().clone();
    let source = OAuthTokenSource::new(oauth, host.clone(), tokens, Arc::new(store));
    Ok(AmoClient::builder(host, Arc::new(source)).build())
}

fn oauth_from_env() -> Option<OAuthClient> {
    let client_id = std::env::var("AMOCRM_CLIENT_ID").ok()?;
    let secret = std::env::var("AMOCRM_CLIENT_SECRET").ok()?;
    let redirect_uri = std::env::var("AMOCRM_REDIRECT_URI").ok()?;
    let config = OAuthConfig::new(client_id, SecretString::from(secret), redirect_uri);
    Some(OAuthClient::new(config, reqwest::Client::new()))
}

#[tokio::main]
async fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let Some(oauth) = oauth_from_env() else {
        eprintln!("{USAGE}");
        return ExitCode::from(2);
    };
    let path = std::env::var("AMOCRM_TOKEN_FILE").unwrap_or_else(|_| "amocrm-tokens.json".into());
    let policy = HostPolicy::default();

    let outcome = match args.iter().map(String::as_str).collect::<Vec<_>>()[..] {
        ["authorize", host] => AccountHost::parse(host, &policy).map(|host| {
            // In a web service, `state` is random and bound to the user's session: it is the
            // flow's CSRF protection. Check it when the callback arrives.
            let state = uuid::Uuid::new_v4().to_string();
            let url = oauth.authorize_url(host.product(), &state, AuthMode::Popup);
            println!("open {url}\n(state {state})");
        }),
        ["exchange", referer, code] => match AccountHost::from_referer(referer, &policy) {
            Ok(host) => exchange(&oauth, host, code, &path).await.map(|store| {
                println!("tokens for {} stored in {path}", store.host());
            }),
            Err(error) => Err(error),
        },
        ["account"] => match client(oauth, &path, &policy) {
            Ok(client) => client.account().get(&[]).await.map(|account| {
                println!("{} (#{}), {}", account.name, account.id, client.host());
            }),
            Err(error) => Err(error),
        },
        _ => {
            eprintln!("{USAGE}");
            return ExitCode::from(2);
        }
    };
    match outcome {
        Ok(()) => ExitCode::SUCCESS,
        Err(error) => {
            eprintln!("error: {error}");
            if error.needs_reauthorization() {
                eprintln!("authorize again: run `authorize`, then `exchange`");
            }
            ExitCode::FAILURE
        }
    }
}
