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

/// A fresh single-use nonce, as text.
pub(crate) fn nonce() -> String {
    URL_SAFE_NO_PAD.encode(random_bytes::<16>())
}

/// A short random reference that ties what the agent sees to a line in the log.
pub(crate) fn reference() -> String {
    const ALPHABET: &[u8] = b"ABCDEFGHJKLMNPQRSTUVWXYZ23456789";
    random_bytes::<8>()
        .iter()
        .map(|b| char::from(ALPHABET[usize::from(*b) % ALPHABET.len()]))
        .collect()
}
