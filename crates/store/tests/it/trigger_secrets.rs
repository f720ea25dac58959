//! The trigger secret's hash: absent on a new connection, replaced by a rotation, kept across a re-login, and
//! added to a database created before migration 0002.

use std::sync::Arc;

use domain::store::{ConnectionId, Store, StoreError, TriggerSecretRecord};
use secrecy::SecretString;
use store::{SqlStore, StoreOptions};

use crate::connections::tokens;
use crate::harness::{Fixture, on_both_backends, test_key};

async fn save(store: &SqlStore, account: &str) -> ConnectionId {
    store
        .save_login(
            account,
            "https://hogwarts.amocrm.ru",
            &tokens("access-1", "refresh-1"),
            Some(&SecretString::from("usedesk-token".to_owned())),
        )
        .await
        .unwrap()
        .id
}

/// Runs one statement on the fixture's database, behind the store's back.
async fn raw(fixture: &Fixture, sql: &str) {
    if let Some(schema) = &fixture.schema {
        let pool = sqlx::PgPool::connect(&fixture.url).await.unwrap();
        let mut conn = pool.acquire().await.unwrap();
        sqlx::query(&format!("SET search_path TO \"{schema}\""))
            .execute(&mut *conn)
            .await
            .unwrap();
        sqlx::query(sql).execute(&mut *conn).await.unwrap();
        drop(conn);
        pool.close().await;
    } else {
        let pool = sqlx::SqlitePool::connect(&fixture.url).await.unwrap();
        sqlx::query(sql).execute(&pool).await.unwrap();
        pool.close().await;
    }
}

/// A second store on the fixture's database, as a restarted (upgraded) process opens it.
async fn reopen(fixture: &Fixture) -> Arc<SqlStore> {
    let options = match &fixture.schema {
        Some(schema) => StoreOptions {
            encryption_key: Some(test_key()),
            pg_schema: Some(schema.clone()),
            max_connections: Some(2),
            ..StoreOptions::default()
        },
        None => StoreOptions::default(),
    };
    Arc::new(SqlStore::open(&fixture.url, options).await.unwrap())
}

on_both_backends!(
    a_new_connection_has_no_trigger_secret_and_a_rotation_replaces_the_hash,
    |fixture| {
        let store = &fixture.store;
        let id = save(store, "acct-secret").await;

        let fresh = store.get_trigger_secret(id).await.unwrap();
        store
            .set_trigger_secret_hash(id, "hash-one", 1_800_000_000)
            .await
            .unwrap();
        let first = store.get_trigger_secret(id).await.unwrap();
        store
            .set_trigger_secret_hash(id, "hash-two", 1_800_000_100)
            .await
            .unwrap();
        let second = store.get_trigger_secret(id).await.unwrap();

        assert_eq!(
            fresh,
            Some(TriggerSecretRecord {
                hash: None,
                created_at: None
            })
        );
        assert_eq!(
            first,
            Some(TriggerSecretRecord {
                hash: Some("hash-one".into()),
                created_at: Some(1_800_000_000)
            })
        );
        assert_eq!(
            second,
            Some(TriggerSecretRecord {
                hash: Some("hash-two".into()),
                created_at: Some(1_800_000_100)
            })
        );
    }
);

on_both_backends!(
    an_unknown_connection_has_no_record_and_cannot_be_given_a_secret,
    |fixture| {
        let store = &fixture.store;
        let unknown = ConnectionId::new_random();

        let read = store.get_trigger_secret(unknown).await.unwrap();
        let written = store
            .set_trigger_secret_hash(unknown, "hash", 1_800_000_000)
            .await;

        assert_eq!(read, None);
        assert!(
            matches!(written, Err(StoreError::NotFound(_))),
            "{written:?}"
        );
    }
);

on_both_backends!(
    a_re_login_keeps_the_trigger_secret_and_other_connections_have_their_own,
    |fixture| {
        let store = &fixture.store;
        let id = save(store, "acct-relogin").await;
        let other = save(store, "acct-other").await;
        store
            .set_trigger_secret_hash(id, "hash-kept", 1_800_000_000)
            .await
            .unwrap();

        let again = save(store, "acct-relogin").await;

        assert_eq!(again, id, "a re-login keeps the Integration ID");
        assert_eq!(
            store.get_trigger_secret(id).await.unwrap().unwrap().hash,
            Some("hash-kept".into())
        );
        assert_eq!(
            store.get_trigger_secret(other).await.unwrap().unwrap().hash,
            None
        );
    }
);

on_both_backends!(
    a_database_from_before_the_trigger_secret_gets_the_columns_on_upgrade,
    |fixture| {
        // Arrange: undo migration 0002, as a database created by the previous release looks.
        let id = save(&fixture.store, "acct-upgrade").await;
        raw(
            fixture,
            "ALTER TABLE connections DROP COLUMN trigger_secret_hash",
        )
        .await;
        raw(
            fixture,
            "ALTER TABLE connections DROP COLUMN trigger_secret_at",
        )
        .await;
        raw(fixture, "DELETE FROM schema_migrations WHERE version = 2").await;

        // Act: the upgraded process opens it.
        let upgraded = reopen(fixture).await;

        // Assert: the existing connection is kept, without a secret, and can be given one.
        assert_eq!(
            upgraded.get_trigger_secret(id).await.unwrap(),
            Some(TriggerSecretRecord {
                hash: None,
                created_at: None
            })
        );
        upgraded
            .set_trigger_secret_hash(id, "hash-after-upgrade", 1_800_000_000)
            .await
            .unwrap();
        assert!(upgraded.get_connection(id).await.unwrap().is_some());
        upgraded.close().await;
    }
);
