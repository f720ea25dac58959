//! Keys derived from the one configured signing key, and the randomness the service needs.
//!
//! Each purpose gets its own key, HMAC-SHA256(signing key, purpose), so a value made for one
//! purpose (an action token) can never be accepted for another (an OAuth state).

use base64::Engine as _;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use hmac::{Hmac, Mac};
use secrecy::{ExposeSecret, SecretString};
use sha2::Sha256;

/// The purpose names keys are derived for; changing one invalidates every value made with it.
const ACTION_PURPOSE: &str = "usedesk-amocrm/block/action-token/v1";
const SEAL_PURPOSE: &str = "usedesk-amocrm/block/oauth-seal/v1";

/// The derived keys.
pub(crate) struct Keys {
    /// Signs action tokens (HMAC-SHA256).
    pub(crate) action: [u8; 32],
    /// Seals the OAuth context (ChaCha20-Poly1305).
    pub(crate) seal: [u8; 32],
}

impl Keys {
    /// Derives every key from the configured signing key.
    pub(crate) fn derive(signing_key: &SecretString) -> Self {
        let master = signing_key.expose_secret().as_bytes();
        Self {
            action: derive(master, ACTION_PURPOSE),
            seal: derive(master, SEAL_PURPOSE),
        }
    }
}

fn derive(master: &[u8], purpose: &str) -> [u8; 32] {
    let mut mac =
        <Hmac<Sha256> as Mac>::new_from_slice(master).expect("HMAC accepts keys of any length");
    mac.update(purpose.as_bytes());
    mac.finalize().into_bytes().into()
}

/// `N` bytes from the operating system's random source.
///
/// Without randomness no token can be made safely, so a failing source is a fatal fault.
pub(crate) fn random_bytes<const N: usize>() -> [u8; N] {
    let mut bytes = [0u8; N];
    getrandom::getrandom(&mut bytes).expect("the operating system's random source works");
    bytes
}

/// A fresh single-use nonce, as text: a random prefix drawn once per process and a counter.
///
/// A nonce only has to be unique — the token's MAC, not the nonce, is what cannot be forged — and a block
/// signs a dozen links, so one system call per process instead of one per link.
pub(crate) fn nonce() -> String {
    use std::sync::LazyLock;
    use std::sync::atomic::{AtomicU64, Ordering};
    static PREFIX: LazyLock<[u8; 12]> = LazyLock::new(random_bytes::<12>);
    static COUNTER: AtomicU64 = AtomicU64::new(0);
    let mut bytes = [0u8; 20];
    bytes[..12].copy_from_slice(&*PREFIX);
    bytes[12..].copy_from_slice(&COUNTER.fetch_add(1, Ordering::Relaxed).to_be_bytes());
    URL_SAFE_NO_PAD.encode(bytes)
}

/// A short random reference that ties what the agent sees to a line in the log.
pub(crate) fn reference() -> String {
    const ALPHABET: &[u8] = b"ABCDEFGHJKLMNPQRSTUVWXYZ23456789";
    random_bytes::<8>()
        .iter()
        .map(|b| char::from(ALPHABET[usize::from(*b) % ALPHABET.len()]))
        .collect()
}

/// Where a single-use nonce belongs: the store keeps every kind in one table, so each is written with its
/// scope in front and two kinds can never spend each other's values.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum NonceScope {
    /// An action token's nonce, spent by its one write.
    Action,
    /// A login link's nonce, spent by the confirmation button.
    LoginLink,
    /// An OAuth `state`'s nonce, spent by its one callback.
    OAuthState,
}

impl NonceScope {
    /// The stored form of `nonce` in this scope.
    pub(crate) fn key(self, nonce: &str) -> String {
        let scope = match self {
            Self::Action => "action",
            Self::LoginLink => "login-link",
            Self::OAuthState => "oauth",
        };
        format!("{scope}:{nonce}")
    }
}
