//! Cache drops between replicas: two domains over one store, as two server processes are, with a bus that hands
//! each published drop to the test.

use std::sync::Arc;

use async_trait::async_trait;
use domain::BlockOutcome;
use domain::replicas::CacheBus;
use tokio::sync::{Mutex, mpsc};

use crate::harness::{self, World};

/// A bus that keeps what is published.
struct Recording {
    sent: mpsc::UnboundedSender<String>,
    received: Mutex<mpsc::UnboundedReceiver<String>>,
}

impl Recording {
    fn new() -> Arc<Self> {
        let (sent, received) = mpsc::unbounded_channel();
        Arc::new(Self {
            sent,
            received: Mutex::new(received),
        })
    }

    async fn next(&self) -> String {
        self.received.lock().await.recv().await.expect("a message")
    }
}

#[async_trait]
impl CacheBus for Recording {
    async fn publish(&self, message: String) -> Result<(), domain::Cause> {
        self.sent
            .send(message)
            .map_err(|e| domain::Cause::message(e.to_string()))
    }
}

async fn leads_calls(world: &World) -> usize {
    world
        .count_requests(|r| r.url.path() == "/api/v4/leads")
        .await
}

async fn render(domain: &domain::Domain, world: &World) {
    assert!(matches!(
        domain.block(world.harry(55)).await,
        BlockOutcome::Ready(_)
    ));
}

#[tokio::test]
async fn a_write_on_one_replica_empties_the_other_replicas_cached_block_and_not_twice_its_own() {
    let world = World::new().await;
    world.mount_metadata().await;
    world.mount_harry().await;
    let other = harness::domain_over(
        world.store.clone(),
        harness::config(&world.amo, &world.usedesk),
    );
    let bus = Recording::new();
    world.domain.share_cache_drops(bus.clone());
    render(&other, &world).await;
    render(&other, &world).await;
    assert_eq!(leads_calls(&world).await, 1, "the second block is cached");

    world.domain.unlink(&world.ctx()).await.expect("unlinked");
    let drop = bus.next().await;

    assert!(!world.domain.apply_shared_drop(&drop), "its own drop");
    assert!(other.apply_shared_drop(&drop), "the other replica's drop");
    render(&other, &world).await;
    assert_eq!(leads_calls(&world).await, 2, "the block is loaded again");
}

#[tokio::test]
async fn a_drop_of_other_deals_keeps_the_block_and_one_of_its_deals_empties_it() {
    let world = World::new().await;
    world.mount_metadata().await;
    world.mount_harry().await;
    render(&world.domain, &world).await;
    let connection = world.connection.id.0;
    let touching = |deal: i64| {
        format!(
            r#"{{"origin":1,"drop":"touching","connection":"{connection}","deals":[{deal}],"contacts":[]}}"#
        )
    };

    assert!(world.domain.apply_shared_drop(&touching(999_999)));
    render(&world.domain, &world).await;
    assert_eq!(leads_calls(&world).await, 1, "another deal: still cached");

    assert!(world.domain.apply_shared_drop(&touching(4001)));
    render(&world.domain, &world).await;
    assert_eq!(leads_calls(&world).await, 2, "Harry's deal: loaded again");

    assert!(!world.domain.apply_shared_drop("not json"));
    assert!(
        !world
            .domain
            .apply_shared_drop(r#"{"origin":1,"drop":"unknown"}"#)
    );
}
