//! Token refresh: once per connection however many renders need it, across replicas too, committed before use.

use domain::BlockOutcome;
use domain::store::ConnectionStatus;
use secrecy::ExposeSecret;
use wiremock::matchers::{body_partial_json, header, method, path};
use wiremock::{Mock, MockServer, ResponseTemplate};

use crate::harness::{World, json};

async fn mount_api_for(server: &MockServer, bearer: &str) {
    let auth = format!("Bearer {bearer}");
    for (p, file) in [
        ("/api/v4/account", "account.json"),
        ("/api/v4/leads/pipelines", "pipelines.json"),
        ("/api/v4/users", "users.json"),
        ("/api/v4/contacts", "contacts_by_phone.json"),
        ("/api/v4/leads", "leads.json"),
    ] {
        Mock::given(method("GET"))
            .and(path(p))
            .and(header("authorization", auth.as_str()))
            .respond_with(json(file))
            .mount(server)
            .await;
    }
}

async fn mount_refresh(server: &MockServer) {
    Mock::given(method("POST"))
        .and(path("/oauth2/access_token"))
        .and(body_partial_json(serde_json::json!({"grant_type": "refresh_token", "refresh_token": "old-refresh", "client_id": "client-id"})))
        .respond_with(json("token.json"))
        .expect(1)
        .mount(server)
        .await;
}

#[tokio::test]
async fn fifty_concurrent_renders_on_an_expired_token_make_exactly_one_refresh() {
    let world = World::with("old-access", 1_000, |_| {}).await;
    mount_refresh(&world.amo).await;
    mount_api_for(&world.amo, "new-access").await;

    let renders = (0..50).map(|i| world.domain.block(world.harry(1000 + i)));
    let outcomes = futures_util::future::join_all(renders).await;

    assert!(
        outcomes.iter().all(|o| matches!(o, BlockOutcome::Ready(_))),
        "{:?}",
        outcomes.first()
    );
    let stored = world
        .store
        .get_connection(world.connection.id)
        .await
        .unwrap()
        .unwrap();
    let tokens = stored.tokens.unwrap();
    assert_eq!(tokens.access_token.expose_secret(), "new-access");
    assert_eq!(
        tokens.refresh_token.unwrap().expose_secret(),
        "new-refresh",
        "the rotated refresh token is stored"
    );
}

#[tokio::test]
async fn a_401_mid_session_refreshes_once_and_retries() {
    let world = World::with("old-access", 4_000_000_000, |_| {}).await;
    Mock::given(method("GET"))
        .and(header("authorization", "Bearer old-access"))
        .respond_with(
            ResponseTemplate::new(401)
                .set_body_string(crate::harness::fixture("../amocrm/unauthorized_401.json")),
        )
        .mount(&world.amo)
        .await;
    mount_refresh(&world.amo).await;
    mount_api_for(&world.amo, "new-access").await;

    let renders = (0..10).map(|i| world.domain.block(world.harry(2000 + i)));
    let outcomes = futures_util::future::join_all(renders).await;

    assert!(
        outcomes.iter().all(|o| matches!(o, BlockOutcome::Ready(_))),
        "{:?}",
        outcomes.first()
    );
}

#[tokio::test]
async fn a_revoked_refresh_token_marks_the_connection_as_needing_login() {
    let world = World::with("old-access", 1_000, |_| {}).await;
    Mock::given(method("POST"))
        .and(path("/oauth2/access_token"))
        .respond_with(
            ResponseTemplate::new(401)
                .set_body_string(crate::harness::fixture("../amocrm/token_revoked_401.json")),
        )
        .expect(1)
        .mount(&world.amo)
        .await;

    let outcome = world.domain.block(world.harry(55)).await;

    assert!(
        matches!(outcome, BlockOutcome::NeedsLogin { .. }),
        "{outcome:?}"
    );
    let stored = world
        .store
        .get_connection(world.connection.id)
        .await
        .unwrap()
        .unwrap();
    assert_eq!(stored.status, ConnectionStatus::NeedsLogin);
    assert!(stored.tokens.is_none());
}

/// Two domains over two store handles on one PostgreSQL schema stand for two replicas.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn two_replicas_on_postgres_refreshing_at_once_make_one_refresh_request() {
    let Some(pg) = crate::harness::postgres_pair().await else {
        return;
    };
    let amo = MockServer::start().await;
    let usedesk = MockServer::start().await;
    crate::harness::catch_all(&amo).await;
    mount_refresh(&amo).await;
    mount_api_for(&amo, "new-access").await;
    let config = crate::harness::config(&amo, &usedesk);
    let replica_a = crate::harness::domain_over(pg.a.clone(), config.clone());
    let replica_b = crate::harness::domain_over(pg.b.clone(), config);
    let host = replica_a.parse_host(&amo.uri()).unwrap();
    pg.a.save_login(
        &domain::Domain::usedesk_account(&crate::harness::usedesk_token()),
        host.as_str(),
        &crate::harness::tokens("old-access", 1_000),
        None,
    )
    .await
    .unwrap();

    let world_input = |i: i64| domain::BlockInput {
        usedesk_token: crate::harness::usedesk_token(),
        host: host.clone(),
        client: domain::model::TicketClient {
            client_id: Some(i),
            phones: vec!["+79161234567".into()],
            ..Default::default()
        },
    };
    let a = (0..10).map(|i| replica_a.block(world_input(i)));
    let b = (10..20).map(|i| replica_b.block(world_input(i)));
    let (ra, rb) = tokio::join!(
        futures_util::future::join_all(a),
        futures_util::future::join_all(b)
    );

    assert!(
        ra.iter()
            .chain(rb.iter())
            .all(|o| matches!(o, BlockOutcome::Ready(_))),
        "{:?}",
        ra.first()
    );
    pg.cleanup().await;
}
