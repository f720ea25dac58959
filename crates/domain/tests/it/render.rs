//! What the block shows: matching, linking, deals, caching, coalescing and degraded mode.

use domain::model::DealKind;
use domain::{BlockOutcome, Degradation};
use wiremock::matchers::{method, path, query_param};
use wiremock::{Mock, ResponseTemplate};

use crate::harness::{World, json, usedesk_token};

fn ready(outcome: BlockOutcome) -> domain::model::BlockData {
    match outcome {
        BlockOutcome::Ready(data) => *data,
        other => panic!("expected data, got {other:?}"),
    }
}

#[tokio::test]
async fn a_client_is_found_by_phone_and_email_once_with_deals_named_from_metadata() {
    let world = World::new().await;
    world.mount_metadata().await;
    world.mount_harry().await;

    let data = ready(world.domain.block(world.harry(55)).await);

    assert_eq!(
        data.identifiers,
        vec!["+79161234567", "harry.potter@hogwarts.example"]
    );
    assert_eq!(
        data.contacts.len(),
        1,
        "the near miss is dropped and the duplicate merged: {:?}",
        data.contacts
    );
    let harry = &data.contacts[0];
    assert_eq!(harry.name, "Harry Potter");
    assert_eq!(
        harry.matched_by,
        vec!["+79161234567", "harry.potter@hogwarts.example"]
    );
    assert_eq!(
        harry.responsible.as_ref().unwrap().name.as_deref(),
        Some("Severus Snape")
    );
    assert!(harry.url.ends_with("/contacts/detail/3001"));
    assert_eq!(data.account.currency, "RUB");
    let deals: Vec<_> = harry
        .deals
        .iter()
        .map(|d| (d.id, d.stage.name.as_str(), d.kind))
        .collect();
    assert_eq!(
        deals,
        vec![
            (4001, "Qualified", DealKind::Open),
            (4002, "Closed - won", DealKind::Won)
        ]
    );
    assert_eq!(harry.deals[0].pipeline.1, "Sales");
    assert_eq!(harry.deals[0].stage.color, "#99ccff");
    assert_eq!(harry.deals[0].price, Some(5000));
    assert!(!data.linked);
}

#[tokio::test]
async fn a_stage_colour_that_is_not_a_plain_hex_colour_is_replaced() {
    let world = World::new().await;
    world.mount_metadata().await;
    Mock::given(method("GET"))
        .and(path("/api/v4/contacts"))
        .respond_with(json("contacts_weasley.json"))
        .mount(&world.amo)
        .await;
    Mock::given(method("GET"))
        .and(path("/api/v4/leads"))
        .respond_with(json("leads.json"))
        .mount(&world.amo)
        .await;
    let mut input = world.harry(60);
    input.client.phones = vec!["+7 903 111-22-33".into()];
    input.client.emails.clear();

    let data = ready(world.domain.block(input).await);

    assert_eq!(
        data.contacts.iter().map(|c| c.id).collect::<Vec<_>>(),
        vec![3102, 3103, 3101],
        "newest first"
    );
    let lost = &data.contacts[2].deals[0];
    assert_eq!(lost.kind, DealKind::Lost);
    assert_eq!(lost.stage.color, "#e0e0e0");
}

#[tokio::test]
async fn a_ticket_without_phones_or_emails_searches_nothing() {
    let world = World::new().await;
    world.mount_metadata().await;
    Mock::given(method("GET"))
        .and(path("/api/v4/contacts"))
        .respond_with(ResponseTemplate::new(500))
        .expect(0)
        .mount(&world.amo)
        .await;
    let mut input = world.harry(55);
    input.client.phones.clear();
    input.client.emails = vec!["not-an-email".into()];

    let data = ready(world.domain.block(input).await);

    assert!(data.contacts.is_empty());
    assert!(data.identifiers.is_empty());
}

#[tokio::test]
async fn no_match_is_an_empty_block_not_an_error() {
    let world = World::new().await;
    world.mount_metadata().await;
    Mock::given(method("GET"))
        .and(path("/api/v4/contacts"))
        .respond_with(ResponseTemplate::new(204))
        .mount(&world.amo)
        .await;

    let data = ready(world.domain.block(world.harry(55)).await);

    assert!(data.contacts.is_empty());
}

#[tokio::test]
async fn a_linked_contact_is_shown_alone_without_searching() {
    let world = World::new().await;
    world.mount_metadata().await;
    Mock::given(method("GET"))
        .and(path("/api/v4/contacts"))
        .respond_with(ResponseTemplate::new(500))
        .expect(0)
        .mount(&world.amo)
        .await;
    Mock::given(method("GET"))
        .and(path("/api/v4/contacts/3001"))
        .respond_with(json("contact_3001.json"))
        .expect(1)
        .mount(&world.amo)
        .await;
    Mock::given(method("GET"))
        .and(path("/api/v4/leads"))
        .respond_with(json("leads.json"))
        .mount(&world.amo)
        .await;
    world
        .store
        .set_link(world.connection.id, 55, 3001)
        .await
        .unwrap();

    let data = ready(world.domain.block(world.harry(55)).await);

    assert!(data.linked);
    assert_eq!(data.contacts.len(), 1);
    assert!(data.contacts[0].linked);
    assert_eq!(data.contacts[0].deals.len(), 2);
}

#[tokio::test]
async fn a_link_to_a_deleted_contact_is_dropped_and_the_search_runs_again() {
    let world = World::new().await;
    world.mount_metadata().await;
    world.mount_harry().await;
    Mock::given(method("GET"))
        .and(path("/api/v4/contacts/3999"))
        .respond_with(ResponseTemplate::new(204))
        .expect(1)
        .mount(&world.amo)
        .await;
    world
        .store
        .set_link(world.connection.id, 55, 3999)
        .await
        .unwrap();

    let data = ready(world.domain.block(world.harry(55)).await);

    assert!(!data.linked);
    assert_eq!(data.contacts[0].id, 3001);
    assert_eq!(
        world.store.get_link(world.connection.id, 55).await.unwrap(),
        None
    );
}

#[tokio::test]
async fn an_unknown_usedesk_account_is_not_connected() {
    let world = World::new().await;
    let mut input = world.harry(55);
    input.usedesk_token = secrecy::SecretString::from("another-account".to_owned());

    assert!(matches!(
        world.domain.block(input).await,
        BlockOutcome::NotConnected
    ));
}

#[tokio::test]
async fn a_revoked_connection_needs_login() {
    let world = World::new().await;
    world
        .store
        .lock_for_refresh(world.connection.id)
        .await
        .unwrap()
        .mark_needs_login()
        .await
        .unwrap();

    match world.domain.block(world.harry(55)).await {
        BlockOutcome::NeedsLogin { connection_id } => {
            assert_eq!(connection_id, world.connection.id)
        }
        other => panic!("expected needs login, got {other:?}"),
    }
}

#[tokio::test]
async fn twenty_concurrent_renders_on_a_cold_cache_fetch_pipelines_once() {
    let world = World::new().await;
    Mock::given(method("GET"))
        .and(path("/api/v4/leads/pipelines"))
        .respond_with(json("pipelines.json"))
        .expect(1)
        .mount(&world.amo)
        .await;
    Mock::given(method("GET"))
        .and(path("/api/v4/account"))
        .respond_with(json("account.json"))
        .expect(1)
        .mount(&world.amo)
        .await;
    Mock::given(method("GET"))
        .and(path("/api/v4/users"))
        .respond_with(json("users.json"))
        .expect(1)
        .mount(&world.amo)
        .await;
    world.mount_harry().await;

    // Different Usedesk clients, so the renders themselves are not coalesced — only the metadata.
    let renders = (0..20).map(|i| world.domain.block(world.harry(100 + i)));
    let outcomes = futures_util::future::join_all(renders).await;

    assert!(
        outcomes
            .into_iter()
            .all(|o| matches!(o, BlockOutcome::Ready(_)))
    );
}

#[tokio::test]
async fn fifty_agents_opening_the_same_ticket_make_one_search_per_identifier() {
    let world = World::new().await;
    world.mount_metadata().await;
    Mock::given(method("GET"))
        .and(path("/api/v4/contacts"))
        .and(query_param("query", "9161234567"))
        .respond_with(json("contacts_by_phone.json"))
        .expect(1)
        .mount(&world.amo)
        .await;
    Mock::given(method("GET"))
        .and(path("/api/v4/contacts"))
        .and(query_param("query", "harry.potter@hogwarts.example"))
        .respond_with(json("contacts_by_email.json"))
        .expect(1)
        .mount(&world.amo)
        .await;
    Mock::given(method("GET"))
        .and(path("/api/v4/leads"))
        .respond_with(json("leads.json"))
        .expect(1)
        .mount(&world.amo)
        .await;

    let renders = (0..50).map(|_| world.domain.block(world.harry(55)));
    let outcomes = futures_util::future::join_all(renders).await;

    assert!(
        outcomes
            .into_iter()
            .all(|o| matches!(o, BlockOutcome::Ready(_)))
    );
}

#[tokio::test]
async fn when_amocrm_fails_the_last_known_data_is_shown_with_its_time() {
    let world = World::with("good-access", 4_000_000_000, |c| {
        c.render_cache_ttl = std::time::Duration::ZERO
    })
    .await;
    world.mount_metadata().await;
    world.mount_harry().await;
    let first = ready(world.domain.block(world.harry(55)).await);
    world.amo.reset().await;
    crate::harness::catch_all(&world.amo).await;
    Mock::given(method("GET"))
        .respond_with(ResponseTemplate::new(503))
        .mount(&world.amo)
        .await;

    match world.domain.block(world.harry(55)).await {
        BlockOutcome::Degraded {
            reason,
            last_known: Some(data),
            ..
        } => {
            assert_eq!(reason, Degradation::Unavailable);
            assert_eq!(data.contacts, first.contacts);
            assert!(data.stale_as_of.is_some());
        }
        other => panic!("expected stale data, got {other:?}"),
    }
}

#[tokio::test]
async fn a_rate_limited_account_is_busy() {
    let world = World::new().await;
    Mock::given(method("GET"))
        .respond_with(
            ResponseTemplate::new(429)
                .set_body_string("<html><body>Too many requests</body></html>")
                .insert_header("content-type", "text/html"),
        )
        .mount(&world.amo)
        .await;

    match world.domain.block(world.harry(55)).await {
        BlockOutcome::Degraded {
            reason,
            last_known: None,
            ..
        } => assert!(matches!(reason, Degradation::Busy { .. }), "{reason:?}"),
        other => panic!("expected busy, got {other:?}"),
    }
}

#[tokio::test]
async fn a_render_slower_than_the_deadline_answers_preparing_on_time() {
    let world = World::with("good-access", 4_000_000_000, |c| {
        c.render_deadline = std::time::Duration::from_millis(200)
    })
    .await;
    Mock::given(method("GET"))
        .respond_with(json("account.json").set_delay(std::time::Duration::from_secs(3)))
        .mount(&world.amo)
        .await;

    match world.domain.block(world.harry(55)).await {
        BlockOutcome::Degraded { reason, .. } => {
            assert!(matches!(reason, Degradation::Preparing { seconds } if seconds >= 1));
        }
        other => panic!("expected preparing, got {other:?}"),
    }
}

#[tokio::test]
async fn the_usedesk_account_is_identified_by_a_hash_of_its_token() {
    let hash = domain::Domain::usedesk_account(&usedesk_token());
    assert_eq!(hash.len(), 64);
    assert!(!hash.contains(crate::harness::USEDESK_TOKEN));
    assert_eq!(
        hash,
        domain::Domain::usedesk_account(&secrecy::SecretString::from(
            " usedesk-api-token-1 ".to_owned()
        ))
    );
}

#[tokio::test]
async fn a_server_error_on_a_read_is_retried_within_the_deadline() {
    let world = World::new().await;
    world.mount_metadata().await;
    Mock::given(method("GET"))
        .and(path("/api/v4/contacts"))
        .respond_with(ResponseTemplate::new(502))
        .up_to_n_times(2)
        .with_priority(1)
        .expect(2)
        .mount(&world.amo)
        .await;
    world.mount_harry().await;

    let data = ready(world.domain.block(world.harry(55)).await);

    assert_eq!(data.contacts[0].id, 3001);
}

#[tokio::test]
async fn a_403_says_until_when_the_account_is_paused() {
    let world = World::new().await;
    Mock::given(method("GET"))
        .respond_with(ResponseTemplate::new(403))
        .mount(&world.amo)
        .await;

    match world.domain.block(world.harry(55)).await {
        BlockOutcome::Degraded {
            reason: Degradation::Blocked { until: Some(until) },
            last_known: None,
            ..
        } => assert!(until > domain::now(), "{until} is in the future"),
        other => panic!("expected a pause with its end, got {other:?}"),
    }
}
