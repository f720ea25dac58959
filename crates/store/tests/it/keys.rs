//! The token-encryption key: generated beside SQLite, rotated, and refused when wrong.

use domain::store::{Store, StoreError, StoredTokens};
use secrecy::{ExposeSecret, SecretString};
use store::{SqlStore, StoreOptions, TokenKey};

use crate::harness::TempDir;

fn tokens() -> StoredTokens {
    StoredTokens {
        access_token: SecretString::from("a".to_owned()),
        refresh_token: None,
        expires_at: None,
    }
}

#[tokio::test]
async fn sqlite_generates_a_private_key_file_beside_the_database_and_reuses_it() {
    let dir = TempDir::new("store-keys");
    let url = format!("sqlite://{}/db/store.db", dir.path().display());
    let store = SqlStore::open(&url, StoreOptions::default()).await.unwrap();
    let conn = store
        .save_login("acct", "https://k.amocrm.ru", &tokens(), None)
        .await
        .unwrap();
    store.close().await;

    let key_path = dir.path().join("db/token-encryption.key");
    let meta = std::fs::metadata(&key_path).expect("key file exists");
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt as _;
        assert_eq!(meta.permissions().mode() & 0o777, 0o600);
    }
    let reopened = SqlStore::open(&url, StoreOptions::default()).await.unwrap();
    let read = reopened.get_connection(conn.id).await.unwrap().unwrap();
    assert_eq!(read.tokens.unwrap().access_token.expose_secret(), "a");
}

#[tokio::test]
async fn tokens_written_with_an_old_key_are_read_after_rotation_and_refused_without_it() {
    let dir = TempDir::new("store-keys");
    let url = format!("sqlite://{}/store.db", dir.path().display());
    let (_, old_key) = TokenKey::generate();
    let (_, new_key) = TokenKey::generate();
    let with_old = StoreOptions {
        encryption_key: Some(old_key.clone()),
        ..StoreOptions::default()
    };
    let store = SqlStore::open(&url, with_old).await.unwrap();
    let conn = store
        .save_login("acct", "https://k.amocrm.ru", &tokens(), None)
        .await
        .unwrap();
    store.close().await;

    let rotated = StoreOptions {
        encryption_key: Some(new_key.clone()),
        old_encryption_keys: vec![old_key],
        ..StoreOptions::default()
    };
    let store = SqlStore::open(&url, rotated).await.unwrap();
    assert!(
        store
            .get_connection(conn.id)
            .await
            .unwrap()
            .unwrap()
            .tokens
            .is_some()
    );
    store.close().await;

    let without_old = StoreOptions {
        encryption_key: Some(new_key),
        ..StoreOptions::default()
    };
    let store = SqlStore::open(&url, without_old).await.unwrap();
    match store.get_connection(conn.id).await {
        Err(StoreError::Crypto(message)) => {
            assert!(message.contains("not configured"), "{message}")
        }
        other => panic!("expected a crypto error, got {other:?}"),
    }
    // A fresh login replaces the undecryptable row and keeps its id.
    let relogin = store
        .save_login("acct", "https://k.amocrm.ru", &tokens(), None)
        .await
        .unwrap();
    assert_eq!(relogin.id, conn.id);
}

#[tokio::test]
async fn a_malformed_key_is_refused_with_a_clear_message() {
    let dir = TempDir::new("store-keys");
    let url = format!("sqlite://{}/store.db", dir.path().display());
    let bad = StoreOptions {
        encryption_key: Some(SecretString::from("c2hvcnQ=".to_owned())),
        ..StoreOptions::default()
    };
    let err = SqlStore::open(&url, bad).await.unwrap_err();
    assert!(err.to_string().contains("32 bytes"), "{err}");
}

#[tokio::test]
async fn an_unsupported_database_url_is_refused() {
    let err = SqlStore::open("mysql://localhost/x", StoreOptions::default())
        .await
        .unwrap_err();
    assert!(err.to_string().contains("sqlite://"), "{err}");
}

#[cfg(unix)]
#[tokio::test]
async fn sqlite_keeps_its_directory_and_database_files_private_to_their_owner() {
    use std::os::unix::fs::PermissionsExt as _;
    // Arrange: a database from an earlier version, left world-readable.
    let dir = TempDir::new("store-perms");
    let url = format!("sqlite://{}/data/store.db", dir.path().display());
    let store = SqlStore::open(&url, StoreOptions::default()).await.unwrap();
    store
        .save_login("acct", "https://k.amocrm.ru", &tokens(), None)
        .await
        .unwrap();
    store.close().await;
    let db = dir.path().join("data/store.db");
    std::fs::set_permissions(&db, std::fs::Permissions::from_mode(0o644)).unwrap();

    // Act: open it again and write, so the WAL exists.
    let store = SqlStore::open(&url, StoreOptions::default()).await.unwrap();
    store
        .save_login("acct2", "https://k.amocrm.ru", &tokens(), None)
        .await
        .unwrap();

    // Assert
    let mode =
        |path: &std::path::Path| std::fs::metadata(path).unwrap().permissions().mode() & 0o777;
    assert_eq!(mode(&dir.path().join("data")), 0o700);
    for name in ["store.db", "store.db-wal", "store.db-shm"] {
        let path = dir.path().join("data").join(name);
        if name == "store.db" || path.exists() {
            assert_eq!(mode(&path), 0o600, "{name}");
        }
    }
    assert!(dir.path().join("data/store.db-wal").exists());
    store.close().await;
}
