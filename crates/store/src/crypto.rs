//! Tokens encrypted at rest with ChaCha20-Poly1305 (an AEAD from RustCrypto; nothing hand-rolled).
//!
//! A stored value reads `v1.<key id>.<base64(nonce ‖ ciphertext)>`. The key id lets a deployment rotate
//! keys: new writes use the primary key, reads accept any configured key, and since every refresh rewrites
//! the tokens, old keys can be dropped once every connection has refreshed (a day).
//! The associated data binds a ciphertext to its connection and column, so a row's token cannot be
//! copied into another row or column and still decrypt.

use std::fs::{self, OpenOptions};
use std::io::Write as _;
use std::path::{Path, PathBuf};

use base64::Engine as _;
use base64::engine::general_purpose::{STANDARD, URL_SAFE_NO_PAD};
use chacha20poly1305::aead::{Aead, AeadCore, KeyInit, OsRng, Payload};
use chacha20poly1305::{ChaCha20Poly1305, Key, Nonce};
use secrecy::{ExposeSecret, SecretString};
use sha2::{Digest, Sha256};

use crate::Error;

const NONCE_LEN: usize = 12;

/// One 256-bit token-encryption key.
#[derive(Clone)]
pub struct TokenKey {
    id: String,
    cipher: ChaCha20Poly1305,
}

impl std::fmt::Debug for TokenKey {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("TokenKey")
            .field("id", &self.id)
            .finish_non_exhaustive()
    }
}

impl TokenKey {
    /// Reads a key from its base64 text (standard or URL-safe alphabet) of exactly 32 bytes.
    pub fn from_base64(text: &SecretString) -> Result<Self, Error> {
        let trimmed = text.expose_secret().trim();
        let bytes = STANDARD
            .decode(trimmed)
            .or_else(|_| URL_SAFE_NO_PAD.decode(trimmed.trim_end_matches('=')))
            .map_err(|_| Error::Key("the token encryption key is not valid base64".into()))?;
        Self::from_bytes(&bytes)
    }

    fn from_bytes(bytes: &[u8]) -> Result<Self, Error> {
        if bytes.len() != 32 {
            return Err(Error::Key(format!(
                "the token encryption key must be 32 bytes, got {}",
                bytes.len()
            )));
        }
        let digest = Sha256::digest(bytes);
        let id = digest[..4].iter().map(|b| format!("{b:02x}")).collect();
        Ok(Self {
            id,
            cipher: ChaCha20Poly1305::new(Key::from_slice(bytes)),
        })
    }

    /// A fresh random key and its base64 text.
    pub fn generate() -> (Self, SecretString) {
        let key = ChaCha20Poly1305::generate_key(&mut OsRng);
        let text = STANDARD.encode(key.as_slice());
        let parsed = Self::from_bytes(key.as_slice()).expect("a generated key has 32 bytes");
        (parsed, SecretString::from(text))
    }

    /// The short public id written beside every ciphertext made with this key.
    pub fn id(&self) -> &str {
        &self.id
    }

    /// Loads the key stored in `path`, or creates that file with a new random key, readable only by its owner.
    pub fn load_or_create(path: &Path) -> Result<Self, Error> {
        match fs::read_to_string(path) {
            Ok(text) => return Self::from_base64(&SecretString::from(text)),
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => {}
            Err(e) => return Err(Error::Key(format!("cannot read {}: {e}", path.display()))),
        }
        if let Some(dir) = path.parent() {
            fs::create_dir_all(dir)
                .map_err(|e| Error::Key(format!("cannot create {}: {e}", dir.display())))?;
        }
        let (key, text) = Self::generate();
        let mut options = OpenOptions::new();
        options.write(true).create_new(true);
        #[cfg(unix)]
        {
            use std::os::unix::fs::OpenOptionsExt as _;
            options.mode(0o600);
        }
        match options.open(path) {
            Ok(mut file) => {
                file.write_all(text.expose_secret().as_bytes())
                    .and_then(|()| file.sync_all())
                    .map_err(|e| Error::Key(format!("cannot write {}: {e}", path.display())))?;
                Ok(key)
            }
            // Another process created it between our read and our create: use theirs.
            Err(e) if e.kind() == std::io::ErrorKind::AlreadyExists => {
                Self::from_base64(&SecretString::from(fs::read_to_string(path).map_err(
                    |e| Error::Key(format!("cannot read {}: {e}", path.display())),
                )?))
            }
            Err(e) => Err(Error::Key(format!("cannot create {}: {e}", path.display()))),
        }
    }

    /// The default key file beside a SQLite database file.
    pub fn default_path_beside(database_file: &Path) -> PathBuf {
        database_file.with_file_name("token-encryption.key")
    }
}

/// Encrypts and decrypts tokens with a primary key and any number of older keys.
#[derive(Debug, Clone)]
pub struct TokenCipher {
    primary: TokenKey,
    older: Vec<TokenKey>,
}

impl TokenCipher {
    /// A cipher that writes with `primary` and reads with it or any of `older`.
    pub fn new(primary: TokenKey, older: Vec<TokenKey>) -> Self {
        Self { primary, older }
    }

    /// Encrypts `secret` for the given connection and column.
    pub fn seal(&self, secret: &SecretString, context: &str) -> Result<String, Error> {
        let nonce = ChaCha20Poly1305::generate_nonce(&mut OsRng);
        let sealed = self
            .primary
            .cipher
            .encrypt(
                &nonce,
                Payload {
                    msg: secret.expose_secret().as_bytes(),
                    aad: context.as_bytes(),
                },
            )
            .map_err(|_| Error::Key("encryption failed".into()))?;
        let mut blob = Vec::with_capacity(NONCE_LEN + sealed.len());
        blob.extend_from_slice(nonce.as_slice());
        blob.extend_from_slice(&sealed);
        Ok(format!("v1.{}.{}", self.primary.id, STANDARD.encode(blob)))
    }

    /// Decrypts a value written by [`seal`](Self::seal) with the same context.
    pub fn open(
        &self,
        stored: &str,
        context: &str,
    ) -> Result<SecretString, domain::store::StoreError> {
        use domain::store::StoreError;
        let mut parts = stored.splitn(3, '.');
        let (Some("v1"), Some(key_id), Some(body)) = (parts.next(), parts.next(), parts.next())
        else {
            return Err(StoreError::Crypto("unknown token format".into()));
        };
        let key = std::iter::once(&self.primary)
            .chain(&self.older)
            .find(|k| k.id == key_id)
            .ok_or_else(|| {
                StoreError::Crypto(format!(
                    "the token was encrypted with key {key_id}, which is not configured"
                ))
            })?;
        let blob = STANDARD
            .decode(body)
            .map_err(|_| StoreError::Crypto("token is not base64".into()))?;
        if blob.len() <= NONCE_LEN {
            return Err(StoreError::Crypto("token is too short".into()));
        }
        let (nonce, sealed) = blob.split_at(NONCE_LEN);
        let plain = key
            .cipher
            .decrypt(
                Nonce::from_slice(nonce),
                Payload {
                    msg: sealed,
                    aad: context.as_bytes(),
                },
            )
            .map_err(|_| {
                StoreError::Crypto("authentication failed (wrong key or tampered row)".into())
            })?;
        String::from_utf8(plain)
            .map(SecretString::from)
            .map_err(|_| StoreError::Crypto("token is not UTF-8".into()))
    }
}
