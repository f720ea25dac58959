//! Backups of a live SQLite store, and restoring them only where nobody has the database open.

use domain::store::{ConnectionId, Store};
use store::{SqlStore, StoreOptions};

use crate::harness::TempDir;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_sqlite_store_is_backed_up_while_it_writes_and_restored_with_its_data() {
    let dir = TempDir::new("backup");
    let url = format!("sqlite://{}/live.db", dir.path().display());
    let live = SqlStore::open(&url, StoreOptions::default()).await.unwrap();
    let conn = ConnectionId::new_random();
    live.set_link(conn, 1, 100).await.unwrap();
    let writer = tokio::spawn({
        let live = live.clone();
        async move {
            for client in 2..400 {
                live.set_link(conn, client, client * 100).await.unwrap();
            }
        }
    });
    let backup = dir.path().join("backup.db");

    let copied = live.backup_to(&backup).await.expect("the backup is made");
    writer.await.unwrap();

    assert_eq!(copied.schema_version, store::schema_version());
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt as _;
        let mode = std::fs::metadata(&backup).unwrap().permissions().mode() & 0o777;
        assert_eq!(mode, 0o600, "the backup is private");
    }
    let target = dir.path().join("restored/usedesk-amocrm.db");
    store::restore_sqlite(&backup, &target, false)
        .await
        .expect("the backup is restored into a new place");
    let restored = SqlStore::open(
        &format!("sqlite://{}", target.display()),
        StoreOptions {
            key_file: Some(dir.path().join("token-encryption.key")),
            ..StoreOptions::default()
        },
    )
    .await
    .unwrap();
    assert_eq!(restored.get_link(conn, 1).await.unwrap(), Some(100));
    restored.close().await;
    live.close().await;
}

#[tokio::test]
async fn a_restore_over_a_database_in_use_is_refused_even_with_force() {
    let dir = TempDir::new("backup");
    let path = dir.path().join("live.db");
    let live = SqlStore::open(
        &format!("sqlite://{}", path.display()),
        StoreOptions::default(),
    )
    .await
    .unwrap();
    live.ping().await.unwrap();
    let backup = dir.path().join("backup.db");
    live.backup_to(&backup).await.unwrap();

    let without_force = store::restore_sqlite(&backup, &path, false)
        .await
        .expect_err("an existing database is not replaced without --force");
    let in_use = store::restore_sqlite(&backup, &path, true)
        .await
        .expect_err("a database in use is never replaced");

    assert!(
        without_force.to_string().contains("--force"),
        "{without_force}"
    );
    assert!(in_use.to_string().contains("in use"), "{in_use}");
    live.close().await;
    store::restore_sqlite(&backup, &path, true)
        .await
        .expect("once closed, --force replaces it");
}
