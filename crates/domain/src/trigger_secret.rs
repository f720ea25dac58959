//! The trigger secret: what a Usedesk trigger must present, besides the Integration ID, to create deals.
//!
//! The Integration ID (`amoClientId`) is shown to every agent on the block's gear page and cannot be rotated, so
//! it only says *which* connection a trigger means. The secret says the trigger may use it. Each connection has at
//! most one: 32 bytes from the operating system's generator, written as 43 base64url characters. It is shown once,
//! when it is created, and only its SHA-256 hash is stored (a fast hash is enough for a secret with 256 bits of
//! entropy: there is nothing to guess). Creating a new one replaces the hash, so the old secret stops working at
//! once.
//!
//! A trigger without a valid secret is refused before anything else is read or written: no Usedesk or amoCRM
//! request, no idempotency record, no audit line. An unknown Integration ID is refused with the same error as a
//! wrong secret, so the answer tells nobody which IDs exist.

use base64::Engine as _;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use secrecy::{ExposeSecret as _, SecretString};
use sha2::{Digest as _, Sha256};
use subtle::ConstantTimeEq as _;

use crate::Error;
use crate::service::{ActionContext, Domain};
use crate::store::{AuditAction, AuditResult, ConnectionId};

/// Random bytes in a secret.
const SECRET_BYTES: usize = 32;

/// Domain separation of the stored hash, so it can never be confused with another hash of the same text.
const HASH_CONTEXT: &[u8] = b"usedesk-amocrm/trigger-secret/v1\0";

/// The stored form's prefix: the algorithm, so that another one can be introduced without guessing.
const HASH_PREFIX: &str = "sha256:";

/// A secret longer than this is refused unhashed (a real one has 43 characters).
const MAX_PRESENTED_LEN: usize = 256;

/// A trigger secret just created: the only moment its text exists on our side.
#[derive(Debug)]
pub struct NewTriggerSecret {
    /// The secret, to show once.
    pub secret: SecretString,
    /// When it was created, unix seconds.
    pub created_at: i64,
    /// Whether it replaced an earlier secret (which no longer works).
    pub replaced: bool,
}

/// What the gear page says about a connection's trigger secret.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct TriggerSecretStatus {
    /// Whether the connection has a secret.
    pub set: bool,
    /// When the current secret was created, when known.
    pub created_at: Option<i64>,
    /// Whether this server refuses triggers without a secret (`[security] require_trigger_secret`).
    pub required: bool,
}

/// A new random secret: 32 bytes from the operating system, base64url without padding (URL- and header-safe).
pub fn generate() -> Result<SecretString, Error> {
    let mut bytes = [0u8; SECRET_BYTES];
    getrandom::getrandom(&mut bytes)
        .map_err(|e| Error::Internal(format!("no randomness for a trigger secret: {e}")))?;
    Ok(SecretString::from(URL_SAFE_NO_PAD.encode(bytes)))
}

/// The stored form of a secret: `sha256:` and the hex SHA-256 of the domain-separated, trimmed secret.
pub fn hash(secret: &str) -> String {
    let digest = Sha256::new()
        .chain_update(HASH_CONTEXT)
        .chain_update(secret.trim().as_bytes())
        .finalize();
    let hex: String = digest.iter().map(|b| format!("{b:02x}")).collect();
    format!("{HASH_PREFIX}{hex}")
}

/// Whether `presented` is the secret whose stored form is `stored`, compared in constant time.
pub fn matches(presented: &str, stored: &str) -> bool {
    let presented = presented.trim();
    if presented.is_empty() || presented.len() > MAX_PRESENTED_LEN {
        return false;
    }
    let candidate = hash(presented);
    // Both are `sha256:` plus 64 hex digits; a stored value of another length simply never matches.
    candidate.as_bytes().ct_eq(stored.as_bytes()).into()
}

impl Domain {
    /// Creates (or rotates) the trigger secret of the connection in `ctx`, and records it in the audit trail.
    /// The old secret, if any, stops working at once.
    pub async fn create_trigger_secret(
        &self,
        ctx: &ActionContext,
    ) -> Result<NewTriggerSecret, Error> {
        let id = ctx.connection_id;
        let existing = self
            .store()
            .get_trigger_secret(id)
            .await?
            .ok_or(Error::NotConnected)?;
        let secret = generate()?;
        let created_at = crate::now();
        let replaced = existing.hash.is_some();
        match self
            .store()
            .set_trigger_secret_hash(id, &hash(secret.expose_secret()), created_at)
            .await
        {
            Ok(()) => {}
            Err(crate::store::StoreError::NotFound(_)) => return Err(Error::NotConnected),
            Err(e) => return Err(e.into()),
        }
        let action = if replaced {
            AuditAction::TriggerSecretRotate
        } else {
            AuditAction::TriggerSecretCreate
        };
        self.audit(ctx, action, format!("connection:{id}"), AuditResult::Ok)
            .await;
        tracing::info!(connection = %id, replaced, "trigger secret created");
        Ok(NewTriggerSecret {
            secret,
            created_at,
            replaced,
        })
    }

    /// Whether the connection has a trigger secret (and since when), and whether this server requires one.
    pub async fn trigger_secret_status(
        &self,
        id: ConnectionId,
    ) -> Result<TriggerSecretStatus, Error> {
        let record = self
            .store()
            .get_trigger_secret(id)
            .await?
            .ok_or(Error::NotConnected)?;
        Ok(TriggerSecretStatus {
            set: record.hash.is_some(),
            created_at: record.hash.as_ref().and(record.created_at),
            required: self.config().require_trigger_secret,
        })
    }

    /// Lets a trigger through to connection `id` only with its valid secret. Reads the stored hash and nothing
    /// else. The rules:
    ///
    /// - a presented secret is always checked: a wrong one, one of another connection, a rotated one, or any
    ///   secret for an unknown Integration ID is [`Error::TriggerSecretInvalid`];
    /// - without a secret, [`Error::TriggerSecretRequired`] — whether the ID exists or not — unless the operator
    ///   switched the requirement off *and* the connection has never had a secret (the legacy mode: such a
    ///   connection is open to anyone who knows its Integration ID; an unknown ID is then
    ///   [`Error::NotConnected`]). Once a connection has a secret, it is required whatever the configuration.
    pub(crate) async fn authorize_trigger(
        &self,
        id: ConnectionId,
        presented: Option<&SecretString>,
    ) -> Result<(), Error> {
        let presented = presented
            .map(|s| s.expose_secret().trim())
            .filter(|s| !s.is_empty());
        let record = self.store().get_trigger_secret(id).await?;
        let stored = record.as_ref().and_then(|r| r.hash.as_deref());
        match (presented, stored) {
            (Some(presented), Some(stored)) if matches(presented, stored) => Ok(()),
            (Some(presented), _) => {
                // The same work whether or not there was a hash to compare with.
                let _ = matches(presented, "");
                Err(Error::TriggerSecretInvalid)
            }
            (None, Some(_)) => Err(Error::TriggerSecretRequired),
            (None, None) if self.config().require_trigger_secret => {
                Err(Error::TriggerSecretRequired)
            }
            (None, None) if record.is_none() => Err(Error::NotConnected),
            (None, None) => Ok(()),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_generated_secret_has_256_random_bits_in_43_url_safe_characters() {
        let one = generate().unwrap();
        let two = generate().unwrap();
        let text = one.expose_secret();
        assert_eq!(text.len(), 43);
        assert!(
            text.bytes()
                .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_'),
            "{text}"
        );
        assert_ne!(text, two.expose_secret());
    }

    #[test]
    fn the_stored_form_is_a_tagged_hash_never_the_secret() {
        let secret = generate().unwrap();
        let stored = hash(secret.expose_secret());
        assert!(stored.starts_with("sha256:"));
        assert_eq!(stored.len(), "sha256:".len() + 64);
        assert!(!stored.contains(secret.expose_secret()));
        assert_eq!(stored, hash(secret.expose_secret()), "deterministic");
    }

    #[test]
    fn only_the_same_secret_matches_its_hash() {
        let secret = generate().unwrap();
        let other = generate().unwrap();
        let stored = hash(secret.expose_secret());
        assert!(matches(secret.expose_secret(), &stored));
        assert!(
            matches(&format!(" {} \n", secret.expose_secret()), &stored),
            "surrounding whitespace is not part of it"
        );
        assert!(!matches(other.expose_secret(), &stored));
        assert!(!matches(&secret.expose_secret().to_uppercase(), &stored));
        assert!(!matches("", &stored));
        assert!(!matches(&stored, &stored), "the hash is not the secret");
        assert!(!matches(secret.expose_secret(), ""));
        assert!(!matches(&"a".repeat(10_000), &stored));
    }
}
