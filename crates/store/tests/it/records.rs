//! Links, field choices, the audit trail, single-use nonces and connection notices.

use domain::store::{
    AuditAction, AuditEntry, AuditResult, ConnectionId, ConnectionNotice, FieldChoices, Store,
    StoredTokens,
};
use secrecy::SecretString;

use crate::harness::on_both_backends;

on_both_backends!(a_link_is_set_replaced_and_removed, |fixture| {
    let store = &fixture.store;
    let conn = ConnectionId::new_random();
    assert_eq!(store.get_link(conn, 7).await.unwrap(), None);
    store.set_link(conn, 7, 100).await.unwrap();
    assert_eq!(store.get_link(conn, 7).await.unwrap(), Some(100));
    store.set_link(conn, 7, 200).await.unwrap();
    assert_eq!(store.get_link(conn, 7).await.unwrap(), Some(200));
    assert_eq!(
        store.get_link(ConnectionId::new_random(), 7).await.unwrap(),
        None,
        "links belong to one connection"
    );
    store.remove_link(conn, 7).await.unwrap();
    assert_eq!(store.get_link(conn, 7).await.unwrap(), None);
    store
        .remove_link(conn, 7)
        .await
        .expect("removing a missing link succeeds");
});

on_both_backends!(field_choices_are_saved_per_connection, |fixture| {
    let store = &fixture.store;
    let conn = ConnectionId::new_random();
    assert_eq!(store.get_field_choices(conn).await.unwrap(), None);
    let choices = FieldChoices {
        list: vec!["price".parse().unwrap(), "cf:12".parse().unwrap()],
        card: vec!["cf:13".parse().unwrap()],
    };
    store.set_field_choices(conn, &choices).await.unwrap();
    assert_eq!(
        store.get_field_choices(conn).await.unwrap(),
        Some(choices.clone())
    );
    let changed = FieldChoices {
        list: vec![],
        card: vec!["price".parse().unwrap()],
    };
    store.set_field_choices(conn, &changed).await.unwrap();
    assert_eq!(store.get_field_choices(conn).await.unwrap(), Some(changed));
});

on_both_backends!(the_audit_trail_lists_newest_first, |fixture| {
    let store = &fixture.store;
    let conn = ConnectionId::new_random();
    for (at, action) in [
        (10, "contact.create"),
        (30, "lead.create"),
        (20, "link.set"),
    ] {
        store
            .append_audit(&AuditEntry {
                connection_id: conn,
                at,
                actor: "agent:5".into(),
                ticket_id: Some(1002),
                action: AuditAction::from_stored(action),
                target: "lead:1".into(),
                result: AuditResult::Ok,
            })
            .await
            .unwrap();
    }
    let listed = store.list_audit(conn, 2).await.unwrap();
    assert_eq!(
        listed.iter().map(|e| e.action.as_str()).collect::<Vec<_>>(),
        ["lead.create", "link.set"]
    );
    assert_eq!(listed[0].ticket_id, Some(1002));
    assert!(
        store
            .list_audit(ConnectionId::new_random(), 10)
            .await
            .unwrap()
            .is_empty()
    );
});

on_both_backends!(a_nonce_is_accepted_once, |fixture| {
    let store = &fixture.store;
    let nonce = uuid::Uuid::new_v4().to_string();
    assert!(store.consume_nonce(&nonce, 4_000_000_000).await.unwrap());
    assert!(!store.consume_nonce(&nonce, 4_000_000_000).await.unwrap());
});

on_both_backends!(the_store_answers_a_ping, |fixture| {
    fixture.store.ping().await.unwrap();
});

on_both_backends!(a_nonce_reads_as_used_only_once_consumed, |fixture| {
    let store = &fixture.store;
    let later = domain::now() + 600;
    assert!(!store.nonce_used("login-link:n1").await.unwrap());
    assert!(store.consume_nonce("login-link:n1", later).await.unwrap());
    assert!(store.nonce_used("login-link:n1").await.unwrap());
    assert!(!store.nonce_used("login-link:n2").await.unwrap());
    store.release_nonce("login-link:n1").await.unwrap();
    assert!(!store.nonce_used("login-link:n1").await.unwrap());
});

async fn login(store: &store::SqlStore, account: &str, host: &str) -> ConnectionId {
    let tokens = StoredTokens {
        access_token: SecretString::from("access"),
        refresh_token: None,
        expires_at: None,
    };
    store
        .save_login(account, host, &tokens, None)
        .await
        .unwrap()
        .id
}

on_both_backends!(
    a_host_notice_reaches_the_other_connections_of_that_host_and_is_taken_once,
    |fixture| {
        let store = &fixture.store;
        let host = "https://hogwarts.amocrm.ru";
        let first = login(store, "account-a", host).await;
        let second = login(store, "account-b", host).await;
        let elsewhere = login(store, "account-a", "https://durmstrang.amocrm.ru").await;
        let newcomer = login(store, "account-c", host).await;

        let reached = store
            .add_host_notice(host, newcomer, "other_account_connected", "{\"n\":1}", 100)
            .await
            .unwrap();

        assert_eq!(reached, 2, "the two other connections of the host");
        assert!(store.has_unseen_notices(first).await.unwrap());
        assert!(store.has_unseen_notices(second).await.unwrap());
        assert!(
            !store.has_unseen_notices(newcomer).await.unwrap(),
            "not the newcomer itself"
        );
        assert!(
            !store.has_unseen_notices(elsewhere).await.unwrap(),
            "not another host"
        );
        let taken = store.take_unseen_notices(first, 200).await.unwrap();
        assert_eq!(
            taken,
            vec![ConnectionNotice {
                connection_id: first,
                kind: "other_account_connected".into(),
                detail: "{\"n\":1}".into(),
                created_at: 100,
                seen_at: Some(200),
            }]
        );
        assert!(
            store
                .take_unseen_notices(first, 201)
                .await
                .unwrap()
                .is_empty(),
            "once"
        );
        assert!(!store.has_unseen_notices(first).await.unwrap());
        assert!(
            store.has_unseen_notices(second).await.unwrap(),
            "each connection sees its own"
        );
    }
);

on_both_backends!(
    notices_are_taken_oldest_first_and_concurrent_takers_share_nothing,
    |fixture| {
        let store = &fixture.store;
        let host = "https://hogwarts.amocrm.ru";
        let existing = login(store, "account-a", host).await;
        let newcomer = login(store, "account-b", host).await;
        for (at, detail) in [(300, "later"), (100, "earlier")] {
            store
                .add_host_notice(host, newcomer, "other_account_connected", detail, at)
                .await
                .unwrap();
        }

        let (one, two) = tokio::join!(
            store.take_unseen_notices(existing, 400),
            store.take_unseen_notices(existing, 400)
        );

        let mut details: Vec<String> = one.unwrap().into_iter().map(|n| n.detail).collect();
        let others: Vec<String> = two.unwrap().into_iter().map(|n| n.detail).collect();
        assert!(
            details.is_empty() || others.is_empty(),
            "one taker gets them all: {details:?} {others:?}"
        );
        details.extend(others);
        assert_eq!(details, vec!["earlier".to_owned(), "later".to_owned()]);
    }
);

on_both_backends!(
    a_metadata_snapshot_is_kept_per_connection_and_replaced,
    |fixture| {
        let store = &fixture.store;
        let conn = ConnectionId::new_random();
        assert_eq!(store.get_metadata_snapshot(conn).await.unwrap(), None);
        store
            .put_metadata_snapshot(conn, r#"{"v":1}"#, 100)
            .await
            .unwrap();
        assert_eq!(
            store.get_metadata_snapshot(conn).await.unwrap(),
            Some((r#"{"v":1}"#.to_owned(), 100))
        );
        store
            .put_metadata_snapshot(conn, r#"{"v":2}"#, 200)
            .await
            .unwrap();
        assert_eq!(
            store.get_metadata_snapshot(conn).await.unwrap(),
            Some((r#"{"v":2}"#.to_owned(), 200))
        );
        assert_eq!(
            store
                .get_metadata_snapshot(ConnectionId::new_random())
                .await
                .unwrap(),
            None,
            "snapshots belong to one connection"
        );
    }
);
