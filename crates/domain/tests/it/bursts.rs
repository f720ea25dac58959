//! Bursts: a block's work goes on past its render deadline (bounded, deduplicated, dropped past the horizon), and
//! blocks searching the same identifier at once share the search.

use std::time::Duration;

use domain::{BlockOutcome, Degradation};
use wiremock::matchers::{method, path, query_param};
use wiremock::{Mock, ResponseTemplate};

use crate::harness::{World, json};

/// amoCRM requests the mock received so far.
async fn requests(world: &World) -> usize {
    world
        .count_requests(|r| r.url.path().starts_with("/api/v4/"))
        .await
}

async fn mount_slow_harry(world: &World, delay: Duration) {
    for (query, file) in [
        ("9161234567", "contacts_by_phone.json"),
        ("harry.potter@hogwarts.example", "contacts_by_email.json"),
    ] {
        Mock::given(method("GET"))
            .and(path("/api/v4/contacts"))
            .and(query_param("query", query))
            .respond_with(json(file).set_delay(delay))
            .expect(1)
            .mount(&world.amo)
            .await;
    }
    Mock::given(method("GET"))
        .and(path("/api/v4/leads"))
        .respond_with(json("leads.json"))
        .mount(&world.amo)
        .await;
}

#[tokio::test]
async fn a_block_slower_than_its_deadline_is_preparing_and_its_work_fills_the_cache_for_the_next_look()
 {
    // Arrange: searches answer after 300 ms, the deadline is 50 ms.
    let world = World::with("good-access", 4_000_000_000, |c| {
        c.render_deadline = Duration::from_millis(50);
    })
    .await;
    world.mount_metadata().await;
    mount_slow_harry(&world, Duration::from_millis(300)).await;

    // Act
    let first = world.domain.block(world.harry(55)).await;
    let mut looks = 1;
    let data = loop {
        // Each look joins the work in flight (or finds its result); none starts another.
        match world.domain.block(world.harry(55)).await {
            BlockOutcome::Ready(data) => break data,
            BlockOutcome::Degraded {
                reason: Degradation::Preparing { .. },
                ..
            } => looks += 1,
            other => panic!("expected preparing or data, got {other:?}"),
        }
    };
    let after_load = requests(&world).await;
    let reopened = world.domain.block(world.harry(55)).await;

    // Assert
    match first {
        BlockOutcome::Degraded {
            reason: Degradation::Preparing { seconds },
            last_known: None,
            ..
        } => assert!(seconds >= 1),
        other => panic!("expected preparing, got {other:?}"),
    }
    assert!(looks >= 1);
    assert_eq!(data.contacts[0].id, 3001);
    assert!(matches!(reopened, BlockOutcome::Ready(_)));
    assert_eq!(
        requests(&world).await,
        after_load,
        "reopening costs no amoCRM request"
    );
    assert_eq!(world.domain.loads_in_flight(), 0);
}

#[tokio::test]
async fn two_blocks_for_different_clients_with_the_same_identifiers_search_each_once() {
    // Arrange (each search `expect(1)`, checked when the mock server drops)
    let world = World::new().await;
    world.mount_metadata().await;
    mount_slow_harry(&world, Duration::from_millis(100)).await;

    // Act
    let (a, b) = tokio::join!(
        world.domain.block(world.harry(55)),
        world.domain.block(world.harry(56))
    );

    // Assert
    for outcome in [a, b] {
        match outcome {
            BlockOutcome::Ready(data) => assert_eq!(data.contacts[0].id, 3001),
            other => panic!("expected data, got {other:?}"),
        }
    }
}

#[tokio::test]
async fn background_work_is_bounded_per_account() {
    // Arrange: 1 request per second for 2 s of horizon allows 2 loads in flight.
    let world = World::with("good-access", 4_000_000_000, |c| {
        c.render_deadline = Duration::from_millis(50);
        c.continuation_horizon = Duration::from_secs(2);
        c.rate_limit_requests = 1;
        c.rate_limit_window = Duration::from_secs(1);
    })
    .await;
    Mock::given(method("GET"))
        .respond_with(ResponseTemplate::new(503).set_delay(Duration::from_secs(10)))
        .mount(&world.amo)
        .await;

    // Act
    let first = world.domain.block(world.harry(1)).await;
    let second = world.domain.block(world.harry(2)).await;
    let third = world.domain.block(world.harry(3)).await;
    let first_again = world.domain.block(world.harry(1)).await;

    // Assert
    for outcome in [first, second, first_again] {
        assert!(
            matches!(
                outcome,
                BlockOutcome::Degraded {
                    reason: Degradation::Preparing { .. },
                    ..
                }
            ),
            "{outcome:?}"
        );
    }
    match third {
        BlockOutcome::Degraded {
            reason: Degradation::Queued { seconds },
            ..
        } => assert!(seconds >= 1),
        other => panic!("expected queued, got {other:?}"),
    }
    assert_eq!(world.domain.loads_in_flight(), 2);
}

#[tokio::test]
async fn background_work_is_dropped_past_the_horizon() {
    // Arrange: amoCRM never answers within the 200 ms horizon.
    let world = World::with("good-access", 4_000_000_000, |c| {
        c.render_deadline = Duration::from_millis(20);
        c.continuation_horizon = Duration::from_millis(200);
        c.request_timeout = Duration::from_secs(60);
    })
    .await;
    Mock::given(method("GET"))
        .respond_with(ResponseTemplate::new(503).set_delay(Duration::from_secs(30)))
        .mount(&world.amo)
        .await;

    // Act
    let first = world.domain.block(world.harry(7)).await;
    let in_flight = world.domain.loads_in_flight();
    // Waits for our own task to end (bounded only so that a bug fails instead of hanging).
    tokio::time::timeout(Duration::from_secs(20), async {
        while world.domain.loads_in_flight() > 0 {
            tokio::task::yield_now().await;
        }
    })
    .await
    .expect("the load was dropped at its horizon");

    // Assert
    assert!(matches!(
        first,
        BlockOutcome::Degraded {
            reason: Degradation::Preparing { .. },
            ..
        }
    ));
    assert_eq!(in_flight, 1);
    assert!(
        matches!(
            world.domain.block(world.harry(7)).await,
            BlockOutcome::Degraded {
                reason: Degradation::Preparing { .. },
                ..
            }
        ),
        "nothing was cached: the next look starts again"
    );
}

/// Mounts the metadata endpoints, each expected `times` times.
async fn mount_counted_metadata(world: &World, account: u64, lists: u64) {
    for (p, file, times) in [
        ("/api/v4/account", "account.json", account),
        ("/api/v4/leads/pipelines", "pipelines.json", lists),
        ("/api/v4/users", "users.json", lists),
    ] {
        Mock::given(method("GET"))
            .and(path(p))
            .respond_with(json(file))
            .expect(times)
            .mount(&world.amo)
            .await;
    }
}

#[tokio::test]
async fn a_restarted_domain_renders_its_first_block_from_the_stored_metadata_without_asking_amocrm()
{
    // Arrange: the metadata is fetched once, by the first process.
    let world = World::new().await;
    mount_counted_metadata(&world, 1, 1).await;
    world.mount_harry().await;
    let before = ready_data(world.domain.block(world.harry(55)).await);
    let restarted = crate::harness::domain_over(
        world.store.clone(),
        crate::harness::config(&world.amo, &world.usedesk),
    );

    // Act
    let after = ready_data(restarted.block(world.harry(56)).await);

    // Assert (each metadata mock `expect(1)`, checked when the mock server drops)
    assert_eq!(after.account, before.account);
    assert_eq!(after.contacts, before.contacts);
}

#[tokio::test]
async fn a_metadata_miss_does_not_fetch_the_account_record_again() {
    // Arrange: metadata expires at once, so every block misses it.
    let world = World::with("good-access", 4_000_000_000, |c| {
        c.metadata_ttl = Duration::ZERO;
    })
    .await;
    mount_counted_metadata(&world, 1, 3).await;
    world.mount_harry().await;

    // Act
    for client in [1, 2, 3] {
        ready_data(world.domain.block(world.harry(client)).await);
    }

    // Assert: the account record once, pipelines and users on every miss (checked when the mock server drops).
}

fn ready_data(outcome: BlockOutcome) -> domain::model::BlockData {
    match outcome {
        BlockOutcome::Ready(data) => *data,
        other => panic!("expected data, got {other:?}"),
    }
}
