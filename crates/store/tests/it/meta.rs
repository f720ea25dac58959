//! Connection details, deals created from tickets, stage-change claims and disconnecting.

use domain::store::{
    ConnectionId, ConnectionMeta, ConnectionStatus, FieldChoices, StageChange, Store,
};
use secrecy::SecretString;

use crate::connections::tokens;
use crate::harness::on_both_backends;

async fn connect(store: &dyn Store, account: &str) -> ConnectionId {
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

fn change(status_id: i64, old_status_id: i64, changed_at: Option<i64>) -> StageChange {
    StageChange {
        deal_id: 77,
        status_id,
        old_status_id: Some(old_status_id),
        changed_at,
    }
}

on_both_backends!(
    connection_details_are_saved_replaced_and_found_by_account,
    |fixture| {
        let store = &*fixture.store;
        let id = connect(store, "acct-meta").await;
        let other = connect(store, "acct-meta-2").await;
        let meta = ConnectionMeta {
            amo_account_id: Some(29_000_001),
            amo_user_id: Some(5),
            amo_user_name: Some("Olga".into()),
            connected_at: Some(1_800_000_000),
            lang: Some("ru".into()),
            webhook_secret_hash: Some("hash".into()),
            webhook_destination: Some("https://example.test/hooks/amocrm?c=x&s=y".into()),
            webhook_at: Some(1_800_000_001),
            stage_comments: false,
        };

        let before = store.get_connection_meta(id).await.unwrap();
        store.save_connection_meta(id, &meta).await.unwrap();
        let saved = store.get_connection_meta(id).await.unwrap();
        let replaced = ConnectionMeta {
            stage_comments: true,
            ..meta.clone()
        };
        store.save_connection_meta(id, &replaced).await.unwrap();
        store
            .save_connection_meta(other, &ConnectionMeta::default())
            .await
            .unwrap();

        assert_eq!(before, None);
        assert_eq!(saved, Some(meta));
        assert_eq!(store.get_connection_meta(id).await.unwrap(), Some(replaced));
        assert_eq!(
            store.connections_of_amo_account(29_000_001).await.unwrap(),
            vec![id]
        );
        assert!(
            store
                .connections_of_amo_account(1)
                .await
                .unwrap()
                .is_empty()
        );
    }
);

on_both_backends!(
    a_stage_change_is_claimed_once_and_late_or_reordered_ones_are_not,
    |fixture| {
        let store = &*fixture.store;
        let id = connect(store, "acct-claims").await;

        let unknown_deal = store
            .claim_stage_change(id, &change(2, 1, Some(100)))
            .await
            .unwrap();
        store.remember_deal_ticket(id, 77, 1002, 50).await.unwrap();
        store.remember_deal_ticket(id, 77, 9999, 60).await.unwrap();
        let first = store
            .claim_stage_change(id, &change(2, 1, Some(100)))
            .await
            .unwrap();
        let duplicate = store
            .claim_stage_change(id, &change(2, 1, Some(100)))
            .await
            .unwrap();
        let same_second_next = store
            .claim_stage_change(id, &change(3, 2, Some(100)))
            .await
            .unwrap();
        let late_first_again = store
            .claim_stage_change(id, &change(2, 1, Some(100)))
            .await
            .unwrap();
        let older = store
            .claim_stage_change(id, &change(9, 8, Some(90)))
            .await
            .unwrap();
        let newer = store
            .claim_stage_change(id, &change(142, 3, Some(130)))
            .await
            .unwrap();
        let untimed_same = store
            .claim_stage_change(id, &change(142, 3, None))
            .await
            .unwrap();

        assert_eq!(unknown_deal, None, "a deal not created from a ticket");
        assert_eq!(first, Some(1002), "the first ticket is kept");
        assert_eq!(duplicate, None);
        assert_eq!(same_second_next, Some(1002));
        assert_eq!(late_first_again, None);
        assert_eq!(older, None);
        assert_eq!(newer, Some(1002));
        assert_eq!(untimed_same, None);
    }
);

on_both_backends!(concurrent_claims_of_one_change_have_one_winner, |fixture| {
    let store = fixture.store.clone();
    let id = connect(&*store, "acct-race").await;
    store.remember_deal_ticket(id, 77, 1002, 50).await.unwrap();

    let claims = (0..8).map(|_| {
        let store = store.clone();
        tokio::spawn(async move { store.claim_stage_change(id, &change(2, 1, Some(100))).await })
    });
    let mut won = 0;
    for claim in claims {
        if claim.await.unwrap().unwrap().is_some() {
            won += 1;
        }
    }

    assert_eq!(won, 1);
});

on_both_backends!(
    disconnecting_drops_the_tokens_and_optionally_the_settings,
    |fixture| {
        let store = &*fixture.store;
        let keep = connect(store, "acct-keep").await;
        let forget = connect(store, "acct-forget").await;
        let choices = FieldChoices {
            list: vec![domain::FieldKey::Price],
            card: vec![],
        };
        for id in [keep, forget] {
            store.set_link(id, 10, 20).await.unwrap();
            store.set_field_choices(id, &choices).await.unwrap();
            store.remember_deal_ticket(id, 77, 1002, 50).await.unwrap();
            store
                .save_connection_meta(
                    id,
                    &ConnectionMeta {
                        amo_account_id: Some(31),
                        webhook_secret_hash: Some("hash".into()),
                        ..ConnectionMeta::default()
                    },
                )
                .await
                .unwrap();
        }

        assert!(store.disconnect(keep, true, 1_800_000_000).await.unwrap());
        assert!(
            store
                .disconnect(forget, false, 1_800_000_000)
                .await
                .unwrap()
        );
        assert!(
            !store
                .disconnect(ConnectionId::new_random(), false, 1)
                .await
                .unwrap()
        );

        for id in [keep, forget] {
            let connection = store.get_connection(id).await.unwrap().unwrap();
            assert_eq!(connection.status, ConnectionStatus::NeedsLogin);
            assert!(connection.tokens.is_none());
            assert!(connection.usedesk_token.is_none());
            assert_eq!(store.get_connection_meta(id).await.unwrap(), None);
        }
        assert_eq!(store.get_link(keep, 10).await.unwrap(), Some(20));
        assert_eq!(store.get_field_choices(keep).await.unwrap(), Some(choices));
        assert_eq!(store.get_link(forget, 10).await.unwrap(), None);
        assert_eq!(store.get_field_choices(forget).await.unwrap(), None);
        assert_eq!(
            store
                .claim_stage_change(forget, &change(2, 1, Some(100)))
                .await
                .unwrap(),
            None
        );
        assert!(
            store
                .connections_of_amo_account(31)
                .await
                .unwrap()
                .is_empty()
        );
    }
);
