//! The rate limiter's last window, recorded by a stopping server and taken once by the next.

use std::time::{Duration, SystemTime};

use amocrm::RecentStarts;
use domain::store::ConnectionId;
use store::{SqlStore, StoreOptions};

use crate::harness::{TempDir, on_both_backends};

fn at(millis: u64) -> SystemTime {
    SystemTime::UNIX_EPOCH + Duration::from_millis(1_800_000_000_000 + millis)
}

on_both_backends!(
    a_limiter_handoff_is_taken_once_with_its_starts_and_none_is_found_after,
    |fixture| {
        let store = &fixture.store;
        let starts = RecentStarts::from([
            (
                "https://a.amocrm.ru".to_owned(),
                vec![at(0), at(100), at(250)],
            ),
            ("https://b.kommo.com".to_owned(), vec![at(900)]),
        ]);

        let before = store.take_limiter_handoff().await.unwrap();
        store.save_limiter_handoff(&starts).await.unwrap();
        let taken = store.take_limiter_handoff().await.unwrap();
        let again = store.take_limiter_handoff().await.unwrap();

        assert_eq!(before, None, "no handoff before a graceful stop");
        assert_eq!(taken, Some(starts));
        assert_eq!(again, None, "a crash after a start finds no old handoff");
    }
);

on_both_backends!(
    an_empty_handoff_is_a_record_that_nothing_was_sent,
    |fixture| {
        let store = &fixture.store;

        store
            .save_limiter_handoff(&RecentStarts::new())
            .await
            .unwrap();
        let taken = store.take_limiter_handoff().await.unwrap();

        assert_eq!(taken, Some(RecentStarts::new()));
    }
);

on_both_backends!(
    two_handoffs_are_added_together_and_starts_are_rounded_up_to_the_millisecond_never_merged,
    |fixture| {
        let store = &fixture.store;
        let account = "https://a.amocrm.ru".to_owned();
        let first = RecentStarts::from([(account.clone(), vec![at(0), at(300)])]);
        let second = RecentStarts::from([(
            account.clone(),
            vec![
                at(100) + Duration::from_micros(10),
                at(100) + Duration::from_micros(20),
                at(300),
            ],
        )]);

        store.save_limiter_handoff(&first).await.unwrap();
        store.save_limiter_handoff(&second).await.unwrap();
        let taken = store.take_limiter_handoff().await.unwrap();

        assert_eq!(
            taken,
            Some(RecentStarts::from([(
                account,
                vec![at(0), at(101), at(101), at(300), at(300)]
            )]))
        );
    }
);

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_restored_backup_holds_no_limiter_handoff() {
    // Arrange: a backup of a stopped service, with the handoff it left.
    let dir = TempDir::new("handoff");
    let url = format!("sqlite://{}/live.db", dir.path().display());
    let live = SqlStore::open(&url, StoreOptions::default()).await.unwrap();
    let conn = ConnectionId::new_random();
    domain::store::Store::set_link(&live, conn, 1, 100)
        .await
        .unwrap();
    live.save_limiter_handoff(&RecentStarts::from([(
        "https://a.amocrm.ru".to_owned(),
        vec![at(0)],
    )]))
    .await
    .unwrap();
    let backup = dir.path().join("backup.db");
    live.backup_to(&backup).await.unwrap();
    live.close().await;

    // Act
    let target = dir.path().join("restored/usedesk-amocrm.db");
    store::restore_sqlite(&backup, &target, false)
        .await
        .unwrap();
    let restored = SqlStore::open(
        &format!("sqlite://{}", target.display()),
        StoreOptions {
            key_file: Some(dir.path().join("token-encryption.key")),
            ..StoreOptions::default()
        },
    )
    .await
    .unwrap();

    // Assert
    assert_eq!(restored.take_limiter_handoff().await.unwrap(), None);
    assert_eq!(
        domain::store::Store::get_link(&restored, conn, 1)
            .await
            .unwrap(),
        Some(100)
    );
    restored.close().await;
}
