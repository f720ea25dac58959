//! The sealed OAuth context: which Usedesk account logs in to which amoCRM account, in which language.
//!
//! It travels in two URLs — the block's "Login to amoCRM" link and the OAuth `state` — and holds the
//! Usedesk API token, so it is encrypted and authenticated (ChaCha20-Poly1305), never just signed.
//! The purpose is bound as associated data: a login link is not a valid `state`, nor the reverse.

use base64::Engine as _;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use chacha20poly1305::aead::{Aead, KeyInit, Payload};
use chacha20poly1305::{ChaCha20Poly1305, Key, Nonce};
use secrecy::{ExposeSecret, SecretString};
use serde::{Deserialize, Serialize};

use crate::Error;
use crate::keys;

/// Why [`Sealer::open`] refuses a genuine value that has outlived its lifetime.
const EXPIRED: &str = "expired";

/// Whether `error` says a sealed value was genuine but expired.
pub(crate) fn is_expired(error: &Error) -> bool {
    matches!(error, Error::BadState(why) if *why == EXPIRED)
}

/// Where a sealed value is used.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Purpose {
    /// The block's login link (`/oauth/start?s=…`).
    LoginLink,
    /// The OAuth `state` sent to amoCRM and back.
    State,
}

impl Purpose {
    fn aad(self) -> &'static [u8] {
        match self {
            Self::LoginLink => b"usedesk-amocrm/login-link/v1",
            Self::State => b"usedesk-amocrm/oauth-state/v1",
        }
    }
}

/// What a login needs to finish.
pub(crate) struct LoginContext {
    /// The Usedesk API token: it identifies the Usedesk account the connection belongs to.
    pub(crate) usedesk_token: SecretString,
    /// The amoCRM account, as the block named it (checked again when used).
    pub(crate) host: String,
    /// The agent's language.
    pub(crate) lang: i18n::Lang,
    /// Expiry, unix seconds.
    pub(crate) exp: i64,
    /// A single-use nonce: a login link is spent when its login is confirmed, a state when amoCRM calls back.
    pub(crate) nonce: Option<String>,
}

#[derive(Serialize, Deserialize)]
struct Wire {
    #[serde(rename = "u")]
    usedesk_token: String,
    #[serde(rename = "h")]
    host: String,
    #[serde(rename = "l")]
    lang: String,
    #[serde(rename = "e")]
    exp: i64,
    #[serde(rename = "n", default, skip_serializing_if = "Option::is_none")]
    nonce: Option<String>,
}

/// Seals and opens login contexts with the sealing key.
pub(crate) struct Sealer {
    cipher: ChaCha20Poly1305,
}

impl Sealer {
    pub(crate) fn new(key: [u8; 32]) -> Self {
        Self {
            cipher: ChaCha20Poly1305::new(Key::from_slice(&key)),
        }
    }

    /// The context, encrypted for `purpose`, as URL-safe text.
    pub(crate) fn seal(&self, context: &LoginContext, purpose: Purpose) -> String {
        let wire = Wire {
            usedesk_token: context.usedesk_token.expose_secret().to_owned(),
            host: context.host.clone(),
            lang: context.lang.code().to_owned(),
            exp: context.exp,
            nonce: context.nonce.clone(),
        };
        let plain = serde_json::to_vec(&wire).expect("the context always serialises");
        let nonce = keys::random_bytes::<12>();
        let sealed = self
            .cipher
            .encrypt(
                Nonce::from_slice(&nonce),
                Payload {
                    msg: &plain,
                    aad: purpose.aad(),
                },
            )
            .expect("ChaCha20-Poly1305 encrypts any message of this size");
        let mut out = nonce.to_vec();
        out.extend_from_slice(&sealed);
        URL_SAFE_NO_PAD.encode(out)
    }

    /// The context sealed for `purpose`, when genuine and not expired at `now`.
    pub(crate) fn open(
        &self,
        text: &str,
        purpose: Purpose,
        now: i64,
    ) -> Result<LoginContext, Error> {
        let bytes = URL_SAFE_NO_PAD
            .decode(text.trim())
            .map_err(|_| Error::BadState("not base64url"))?;
        if bytes.len() < 12 + 16 {
            return Err(Error::BadState("too short"));
        }
        let (nonce, sealed) = bytes.split_at(12);
        let plain = self
            .cipher
            .decrypt(
                Nonce::from_slice(nonce),
                Payload {
                    msg: sealed,
                    aad: purpose.aad(),
                },
            )
            .map_err(|_| Error::BadState("does not authenticate"))?;
        let wire: Wire =
            serde_json::from_slice(&plain).map_err(|_| Error::BadState("unreadable"))?;
        if wire.exp <= now {
            return Err(Error::BadState(EXPIRED));
        }
        Ok(LoginContext {
            usedesk_token: SecretString::from(wire.usedesk_token),
            host: wire.host,
            lang: i18n::Lang::from_code(&wire.lang).unwrap_or_default(),
            exp: wire.exp,
            nonce: wire.nonce,
        })
    }
}
