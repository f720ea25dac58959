//! Connections, their encrypted tokens, and the refresh lock.

use domain::store::{ConnectionStatus, Store, StoredTokens};
use secrecy::{ExposeSecret, SecretString};

use crate::harness::on_both_backends;

pub fn tokens(access: &str, refresh: &str) -> StoredTokens {
    StoredTokens {
        access_token: SecretString::from(access.to_owned()),
        refresh_token: Some(SecretString::from(refresh.to_owned())),
        expires_at: Some(1_900_000_000),
    }
}

async fn raw_access_token(fixture: &crate::harness::Fixture, id: &str) -> String {
    let sql = "SELECT access_token FROM connections WHERE id = $1";
    if let Some(schema) = &fixture.schema {
        let pool = sqlx::PgPool::connect(&fixture.url).await.unwrap();
        let sql = sql.replace("connections", &format!("\"{schema}\".connections"));
        sqlx::query_scalar(&sql)
            .bind(id)
            .fetch_one(&pool)
            .await
            .unwrap()
    } else {
        let pool = sqlx::SqlitePool::connect(&fixture.url).await.unwrap();
        sqlx::query_scalar(sql)
            .bind(id)
            .fetch_one(&pool)
            .await
            .unwrap()
    }
}

on_both_backends!(
    a_saved_login_round_trips_and_its_tokens_are_encrypted_at_rest,
    |fixture| {
        let store = &fixture.store;
        let saved = store
            .save_login(
                "acct-hash",
                "https://hogwarts.amocrm.ru",
                &tokens("access-SECRET-1", "refresh-SECRET-1"),
                Some(&SecretString::from("usedesk-SECRET".to_owned())),
            )
            .await
            .unwrap();

        let found = store
            .find_connection("acct-hash", "https://hogwarts.amocrm.ru")
            .await
            .unwrap()
            .expect("found");
        assert_eq!(found.id, saved.id);
        assert_eq!(found.status, ConnectionStatus::Active);
        let t = found.tokens.expect("tokens");
        assert_eq!(t.access_token.expose_secret(), "access-SECRET-1");
        assert_eq!(t.refresh_token.unwrap().expose_secret(), "refresh-SECRET-1");
        assert_eq!(t.expires_at, Some(1_900_000_000));
        assert_eq!(
            found.usedesk_token.as_ref().unwrap().expose_secret(),
            "usedesk-SECRET"
        );

        let raw = raw_access_token(fixture, &saved.id.to_string()).await;
        assert!(raw.starts_with("v1."), "stored form is versioned: {raw}");
        assert!(
            !raw.contains("SECRET"),
            "the token must not be stored in clear: {raw}"
        );
        let debug = format!("{:?}", store.get_connection(saved.id).await.unwrap());
        assert!(
            !debug.contains("SECRET"),
            "Debug must not print tokens: {debug}"
        );
    }
);

on_both_backends!(
    a_second_login_keeps_the_integration_id_and_replaces_the_tokens,
    |fixture| {
        let store = &fixture.store;
        let first = store
            .save_login("acct", "https://a.kommo.com", &tokens("a1", "r1"), None)
            .await
            .unwrap();
        let second = store
            .save_login("acct", "https://a.kommo.com", &tokens("a2", "r2"), None)
            .await
            .unwrap();
        assert_eq!(first.id, second.id);
        assert!(second.token_version > first.token_version);
        assert_eq!(second.tokens.unwrap().access_token.expose_secret(), "a2");
        let with_usedesk = store
            .save_login(
                "acct",
                "https://a.kommo.com",
                &tokens("a4", "r4"),
                Some(&SecretString::from("u1".to_owned())),
            )
            .await
            .unwrap();
        let relogin = store
            .save_login("acct", "https://a.kommo.com", &tokens("a5", "r5"), None)
            .await
            .unwrap();
        assert_eq!(with_usedesk.usedesk_token.unwrap().expose_secret(), "u1");
        assert_eq!(
            relogin
                .usedesk_token
                .expect("a login without a Usedesk token keeps the stored one")
                .expose_secret(),
            "u1"
        );
        let other = store
            .save_login(
                "other-acct",
                "https://a.kommo.com",
                &tokens("a3", "r3"),
                None,
            )
            .await
            .unwrap();
        assert_ne!(
            other.id, first.id,
            "another Usedesk account is another connection"
        );
    }
);

on_both_backends!(an_unknown_connection_is_none, |fixture| {
    let store = &fixture.store;
    assert!(
        store
            .find_connection("nobody", "https://x.amocrm.ru")
            .await
            .unwrap()
            .is_none()
    );
    assert!(
        store
            .get_connection(domain::store::ConnectionId::new_random())
            .await
            .unwrap()
            .is_none()
    );
});

on_both_backends!(
    saving_refreshed_tokens_under_the_lock_bumps_the_version,
    |fixture| {
        let store = &fixture.store;
        let conn = store
            .save_login("acct", "https://b.amocrm.ru", &tokens("a1", "r1"), None)
            .await
            .unwrap();
        let guard = store.lock_for_refresh(conn.id).await.unwrap();
        assert_eq!(guard.connection().token_version, conn.token_version);
        let saved = guard.save_tokens(&tokens("a2", "r2")).await.unwrap();
        assert_eq!(saved.token_version, conn.token_version + 1);
        let reread = store.get_connection(conn.id).await.unwrap().unwrap();
        assert_eq!(
            reread
                .tokens
                .unwrap()
                .refresh_token
                .unwrap()
                .expose_secret(),
            "r2"
        );
    }
);

on_both_backends!(
    a_revoked_connection_needs_login_and_keeps_no_tokens,
    |fixture| {
        let store = &fixture.store;
        let conn = store
            .save_login("acct", "https://c.amocrm.ru", &tokens("a1", "r1"), None)
            .await
            .unwrap();
        store
            .lock_for_refresh(conn.id)
            .await
            .unwrap()
            .mark_needs_login()
            .await
            .unwrap();
        let reread = store.get_connection(conn.id).await.unwrap().unwrap();
        assert_eq!(reread.status, ConnectionStatus::NeedsLogin);
        assert!(reread.tokens.is_none());
        let relogin = store
            .save_login("acct", "https://c.amocrm.ru", &tokens("a9", "r9"), None)
            .await
            .unwrap();
        assert_eq!(relogin.id, conn.id);
        assert_eq!(relogin.status, ConnectionStatus::Active);
    }
);

on_both_backends!(
    a_dropped_refresh_guard_changes_nothing_and_releases_the_lock,
    |fixture| {
        let store = &fixture.store;
        let conn = store
            .save_login("acct", "https://d.amocrm.ru", &tokens("a1", "r1"), None)
            .await
            .unwrap();
        drop(store.lock_for_refresh(conn.id).await.unwrap());
        let again = store.lock_for_refresh(conn.id).await.unwrap();
        assert_eq!(again.connection().token_version, conn.token_version);
    }
);

on_both_backends!(
    concurrent_refreshers_in_one_process_take_turns_and_the_second_sees_the_first_ones_tokens,
    |fixture| {
        let store = fixture.store.clone();
        let conn = store
            .save_login("acct", "https://e.amocrm.ru", &tokens("a1", "r1"), None)
            .await
            .unwrap();
        let first = store.lock_for_refresh(conn.id).await.unwrap();
        let waiter = {
            let store = store.clone();
            tokio::spawn(async move {
                let guard = store.lock_for_refresh(conn.id).await.unwrap();
                guard.connection().token_version
            })
        };
        first.save_tokens(&tokens("a2", "r2")).await.unwrap();
        let seen = waiter.await.unwrap();
        assert_eq!(
            seen,
            conn.token_version + 1,
            "the waiter ran only after the first refresher committed"
        );
    }
);

/// Two handles on one PostgreSQL schema stand for two replicas: the row lock makes the second wait.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn two_replicas_on_postgres_refresh_one_after_the_other() {
    let Some(fixture) = crate::harness::postgres().await else {
        return;
    };
    let replica_a = fixture.store.clone();
    let replica_b = crate::harness::second_replica(&fixture).await;
    let conn = replica_a
        .save_login("acct", "https://f.amocrm.ru", &tokens("a1", "r1"), None)
        .await
        .unwrap();

    let guard_a = replica_a.lock_for_refresh(conn.id).await.unwrap();
    let waiter = tokio::spawn(async move {
        let guard = replica_b.lock_for_refresh(conn.id).await.unwrap();
        let version = guard.connection().token_version;
        let access = guard
            .connection()
            .tokens
            .as_ref()
            .unwrap()
            .access_token
            .expose_secret()
            .to_owned();
        (version, access)
    });
    // Wait (without sleeping) until replica B is really blocked on the row lock.
    let admin = sqlx::PgPool::connect(&fixture.url).await.unwrap();
    loop {
        let waiting: i64 = sqlx::query_scalar("SELECT count(*) FROM pg_locks WHERE NOT granted")
            .fetch_one(&admin)
            .await
            .unwrap();
        if waiting > 0 {
            break;
        }
        tokio::task::yield_now().await;
    }
    guard_a.save_tokens(&tokens("a2", "r2")).await.unwrap();
    let (version, access) = waiter.await.unwrap();
    assert_eq!(version, conn.token_version + 1);
    assert_eq!(
        access, "a2",
        "replica B sees replica A's rotated token instead of refreshing again"
    );
    fixture.cleanup().await;
}
