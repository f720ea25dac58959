//! Idempotency keys: one owner, stored results, conflicts, crash takeover.

use domain::store::{ConnectionId, IdempotencyClaim, Store};

use crate::harness::on_both_backends;

on_both_backends!(
    the_first_claim_owns_the_key_and_later_claims_wait_or_get_the_result,
    |fixture| {
        let store = &fixture.store;
        let conn = ConnectionId::new_random();
        assert_eq!(
            store
                .claim_idempotency(conn, "k", "fp", 86_400, 60)
                .await
                .unwrap(),
            IdempotencyClaim::Claimed { progress: None }
        );
        assert_eq!(
            store
                .claim_idempotency(conn, "k", "fp", 86_400, 60)
                .await
                .unwrap(),
            IdempotencyClaim::InProgress
        );
        store
            .finish_idempotency(conn, "k", r#"{"lead_id":5}"#)
            .await
            .unwrap();
        assert_eq!(
            store
                .claim_idempotency(conn, "k", "fp", 86_400, 60)
                .await
                .unwrap(),
            IdempotencyClaim::Done {
                result: r#"{"lead_id":5}"#.into()
            }
        );
    }
);

on_both_backends!(a_key_reused_for_another_body_is_a_conflict, |fixture| {
    let store = &fixture.store;
    let conn = ConnectionId::new_random();
    store
        .claim_idempotency(conn, "k", "fp-1", 86_400, 60)
        .await
        .unwrap();
    assert_eq!(
        store
            .claim_idempotency(conn, "k", "fp-2", 86_400, 60)
            .await
            .unwrap(),
        IdempotencyClaim::Conflict
    );
});

on_both_backends!(a_released_key_can_be_claimed_again, |fixture| {
    let store = &fixture.store;
    let conn = ConnectionId::new_random();
    store
        .claim_idempotency(conn, "k", "fp", 86_400, 60)
        .await
        .unwrap();
    store.release_idempotency(conn, "k").await.unwrap();
    assert_eq!(
        store
            .claim_idempotency(conn, "k", "fp", 86_400, 60)
            .await
            .unwrap(),
        IdempotencyClaim::Claimed { progress: None }
    );
});

on_both_backends!(
    a_stale_claim_is_taken_over_with_its_recorded_progress,
    |fixture| {
        let store = &fixture.store;
        let conn = ConnectionId::new_random();
        store
            .claim_idempotency(conn, "k", "fp", 86_400, 60)
            .await
            .unwrap();
        store
            .record_idempotency_progress(conn, "k", r#"{"contact_id":9}"#)
            .await
            .unwrap();
        // A stale-after of -1 s makes the claim count as abandoned at once, standing in for a crashed owner.
        assert_eq!(
            store
                .claim_idempotency(conn, "k", "fp", 86_400, -1)
                .await
                .unwrap(),
            IdempotencyClaim::Claimed {
                progress: Some(r#"{"contact_id":9}"#.into())
            }
        );
    }
);

on_both_backends!(an_expired_record_is_forgotten, |fixture| {
    let store = &fixture.store;
    let conn = ConnectionId::new_random();
    store
        .claim_idempotency(conn, "k", "fp", 86_400, 60)
        .await
        .unwrap();
    store.finish_idempotency(conn, "k", "{}").await.unwrap();
    // A TTL of -1 s means every existing record is past its life.
    assert_eq!(
        store
            .claim_idempotency(conn, "k", "fp", -1, 60)
            .await
            .unwrap(),
        IdempotencyClaim::Claimed { progress: None }
    );
});

on_both_backends!(twenty_concurrent_claims_give_exactly_one_owner, |fixture| {
    let store = fixture.store.clone();
    let conn = ConnectionId::new_random();
    let claims = futures_join(store, conn).await;
    assert_eq!(
        claims
            .iter()
            .filter(|c| matches!(c, IdempotencyClaim::Claimed { .. }))
            .count(),
        1,
        "{claims:?}"
    );
});

async fn futures_join(
    store: std::sync::Arc<store::SqlStore>,
    conn: ConnectionId,
) -> Vec<IdempotencyClaim> {
    let handles: Vec<_> = (0..20)
        .map(|_| {
            let store = store.clone();
            tokio::spawn(async move {
                store
                    .claim_idempotency(conn, "same", "fp", 86_400, 60)
                    .await
                    .unwrap()
            })
        })
        .collect();
    let mut out = Vec::new();
    for h in handles {
        out.push(h.await.unwrap());
    }
    out
}
