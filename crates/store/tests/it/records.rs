//! Links, field choices, the audit trail and single-use nonces.

use domain::store::{AuditEntry, ConnectionId, FieldChoices, Store};

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
        list: vec!["price".into(), "cf:12".into()],
        card: vec!["cf:13".into()],
    };
    store.set_field_choices(conn, &choices).await.unwrap();
    assert_eq!(
        store.get_field_choices(conn).await.unwrap(),
        Some(choices.clone())
    );
    let changed = FieldChoices {
        list: vec![],
        card: vec!["price".into()],
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
                action: action.into(),
                target: "lead:1".into(),
                result: "ok".into(),
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
