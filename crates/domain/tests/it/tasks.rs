//! Open tasks in the block: read in the second round trip beside the deals (the contacts' and their deals', one
//! page each), named from the task types the metadata keeps, left out when amoCRM fails them, and gone from the
//! next block once completed from it.

use domain::BlockOutcome;
use domain::tasks::TaskTarget;
use wiremock::matchers::{body_json, method, path, query_param};
use wiremock::{Mock, ResponseTemplate};

use crate::harness::{World, json};

fn ready(outcome: BlockOutcome) -> domain::model::BlockData {
    match outcome {
        BlockOutcome::Ready(data) => *data,
        other => panic!("expected data, got {other:?}"),
    }
}

/// Harry's open tasks (on him: one overdue, one later) and his deals' (one on the open deal, one on the won deal).
async fn mount_tasks(world: &World) {
    Mock::given(method("GET"))
        .and(path("/api/v4/tasks"))
        .and(query_param("filter[entity_type]", "contacts"))
        .and(query_param("filter[entity_id][]", "3001"))
        .and(query_param("filter[is_completed]", "0"))
        .and(query_param("order[complete_till]", "asc"))
        .and(query_param("limit", "250"))
        .respond_with(json("tasks_of_harry.json"))
        .mount(&world.amo)
        .await;
    Mock::given(method("GET"))
        .and(path("/api/v4/tasks"))
        .and(query_param("filter[entity_type]", "leads"))
        .and(query_param("filter[entity_id][]", "4001"))
        .and(query_param("filter[entity_id][]", "4002"))
        .and(query_param("filter[is_completed]", "0"))
        .and(query_param("order[complete_till]", "asc"))
        .and(query_param("limit", "250"))
        .respond_with(json("tasks_of_harrys_deals.json"))
        .mount(&world.amo)
        .await;
}

/// Every request amoCRM received, as `METHOD /path` with the query pairs that tell the calls apart.
async fn requests(world: &World) -> Vec<String> {
    let mut seen: Vec<String> = world
        .amo
        .received_requests()
        .await
        .unwrap_or_default()
        .iter()
        .map(|r| {
            let telling: Vec<String> = r
                .url
                .query_pairs()
                .filter(|(k, _)| ["query", "with", "filter[entity_type]"].contains(&k.as_ref()))
                .map(|(k, v)| format!("{k}={v}"))
                .collect();
            format!("{} {} {}", r.method, r.url.path(), telling.join("&"))
                .trim_end()
                .to_owned()
        })
        .collect();
    seen.sort();
    seen
}

#[tokio::test]
async fn the_block_reads_the_open_tasks_of_the_contact_and_its_deals_beside_the_deals() {
    // Arrange
    let world = World::new().await;
    world.mount_metadata().await;
    world.mount_harry().await;
    mount_tasks(&world).await;

    // Act
    let data = ready(world.domain.block(world.harry(55)).await);

    // Assert: one call per kind of entity beside the leads call, and no other request than the two waves'.
    assert_eq!(
        requests(&world).await,
        [
            "GET /api/v4/account with=datetime_settings,task_types",
            "GET /api/v4/contacts with=leads&query=9161234567",
            "GET /api/v4/contacts with=leads&query=harry.potter@hogwarts.example",
            "GET /api/v4/leads",
            "GET /api/v4/leads/pipelines",
            "GET /api/v4/tasks filter[entity_type]=contacts",
            "GET /api/v4/tasks filter[entity_type]=leads",
            "GET /api/v4/users",
        ]
    );
    let harry = &data.contacts[0];
    let own: Vec<(i64, &str, &str)> = harry
        .tasks
        .list
        .iter()
        .map(|t| (t.id, t.kind.as_str(), t.text.as_str()))
        .collect();
    assert_eq!(
        own,
        [
            (56970, "Follow-up", "Call Harry back about the wand"),
            (56971, "Meeting", "Meet Harry at the Burrow"),
        ]
    );
    assert!(
        harry
            .tasks
            .list
            .iter()
            .all(|t| t.target == TaskTarget::Contact)
    );
    let open_deal = harry.deals.iter().find(|d| d.id == 4001).expect("shown");
    let won_deal = harry.deals.iter().find(|d| d.id == 4002).expect("shown");
    assert_eq!(open_deal.tasks.list.len(), 1);
    assert_eq!(open_deal.tasks.list[0].kind, "Send documents");
    assert_eq!(
        open_deal.tasks.list[0]
            .responsible
            .as_ref()
            .and_then(|u| u.name.as_deref()),
        Some("Minerva McGonagall")
    );
    assert!(
        won_deal.tasks.list.is_empty(),
        "a closed deal's tasks are not shown"
    );
    assert!(!harry.tasks.more_unread);
}

#[tokio::test]
async fn a_tasks_failure_leaves_the_tasks_out_and_the_block_whole() {
    // Arrange
    let world = World::new().await;
    world.mount_metadata().await;
    world.mount_harry().await;
    Mock::given(method("GET"))
        .and(path("/api/v4/tasks"))
        .respond_with(ResponseTemplate::new(500))
        .mount(&world.amo)
        .await;

    // Act
    let outcome = world.domain.block(world.harry(55)).await;

    // Assert
    let data = ready(outcome);
    let harry = &data.contacts[0];
    assert_eq!(harry.deals.len(), 2, "the deals are shown");
    assert!(harry.tasks.list.is_empty());
    assert!(harry.deals.iter().all(|d| d.tasks.list.is_empty()));
    assert!(
        harry.tasks.not_read,
        "the block says they could not be read"
    );
}

#[tokio::test]
async fn with_the_account_busy_the_block_comes_without_its_tasks_rather_than_wait_a_window_for_them()
 {
    // Arrange: a domain whose limiter lets 5 requests go every 3 s: the block's first round trip (metadata and two
    // searches) takes them all, so its second waits for the next window, longer than tasks wait.
    let world = World::new().await;
    world.mount_metadata().await;
    world.mount_harry().await;
    mount_tasks(&world).await;
    let domain = domain::Domain::new(
        crate::harness::config(&world.amo, &world.usedesk),
        domain::Dependencies {
            store: world.store.clone(),
            http: reqwest::Client::new(),
            limiter: std::sync::Arc::new(amocrm::LocalRateLimiter::new(
                5,
                std::time::Duration::from_secs(3),
            )),
            call_observer: None,
            refresh_observer: None,
        },
    );

    // Act
    let data = ready(domain.block(world.harry(55)).await);

    // Assert
    let harry = &data.contacts[0];
    assert_eq!(harry.deals.len(), 2, "the deals are shown");
    assert!(
        harry.tasks.not_read,
        "the block says the tasks were not read"
    );
    assert!(
        requests(&world)
            .await
            .contains(&"GET /api/v4/leads".to_owned())
    );
    assert!(
        !requests(&world)
            .await
            .iter()
            .any(|r| r.contains("/api/v4/tasks")),
        "no tasks call waited for the next window"
    );
}

#[tokio::test]
async fn a_full_page_of_tasks_says_there_may_be_more() {
    // Arrange
    let world = World::new().await;
    world.mount_metadata().await;
    world.mount_harry().await;
    Mock::given(method("GET"))
        .and(path("/api/v4/tasks"))
        .and(query_param("filter[entity_type]", "contacts"))
        .respond_with(json("tasks_of_harry_more.json"))
        .mount(&world.amo)
        .await;

    // Act
    let data = ready(world.domain.block(world.harry(55)).await);

    // Assert: the block read one page only (no request for page 2), and says there is more.
    let harry = &data.contacts[0];
    assert_eq!(harry.tasks.list.len(), 2);
    assert!(harry.tasks.more_unread);
    let pages = world
        .amo
        .received_requests()
        .await
        .unwrap_or_default()
        .iter()
        .filter(|r| r.url.query_pairs().any(|(k, _)| k == "page"))
        .count();
    assert_eq!(pages, 0);
}

#[tokio::test]
async fn a_task_completed_from_the_block_is_gone_from_the_next_block() {
    // Arrange
    let world = World::new().await;
    world.mount_metadata().await;
    world.mount_harry().await;
    mount_tasks(&world).await;
    let before = ready(world.domain.block(world.harry(55)).await);
    Mock::given(method("GET"))
        .and(path("/api/v4/tasks/56970"))
        .respond_with(json("task_56970.json"))
        .mount(&world.amo)
        .await;
    Mock::given(method("PATCH"))
        .and(path("/api/v4/tasks/56970"))
        .and(body_json(serde_json::json!({
            "id": 56970,
            "is_completed": true,
            "result": {"text": "Reached him"}
        })))
        .respond_with(json("task_56970_completed.json"))
        .expect(1)
        .mount(&world.amo)
        .await;
    // Act
    world
        .domain
        .complete_task(&world.ctx(), 56970, "Reached him")
        .await
        .expect("completed");
    let after = ready(world.domain.block(world.harry(55)).await);

    // Assert: the cached render was dropped, so the next block read amoCRM again.
    assert_eq!(before.contacts[0].tasks.list.len(), 2);
    let searches = requests(&world)
        .await
        .into_iter()
        .filter(|r| r.starts_with("GET /api/v4/contacts"))
        .count();
    assert_eq!(searches, 4, "two searches per block");
    assert_ne!(before.render_id, after.render_id);
}

#[tokio::test]
async fn blocks_of_the_same_contact_opened_at_once_share_one_tasks_call_per_kind() {
    // Arrange: twenty clients with Harry's phone and e-mail (twenty render keys), at the same time.
    let world = World::new().await;
    world.mount_metadata().await;
    world.mount_harry().await;
    for (kind, file) in [
        ("contacts", "tasks_of_harry.json"),
        ("leads", "tasks_of_harrys_deals.json"),
    ] {
        Mock::given(method("GET"))
            .and(path("/api/v4/tasks"))
            .and(query_param("filter[entity_type]", kind))
            // amoCRM's latency: the blocks opened together find the call still in flight.
            .respond_with(json(file).set_delay(std::time::Duration::from_millis(150)))
            .expect(1)
            .mount(&world.amo)
            .await;
    }

    // Act
    let renders = (0..20).map(|i| world.domain.block(world.harry(100 + i)));
    let outcomes = futures_util::future::join_all(renders).await;

    // Assert: every block shows Harry's tasks, read once per kind (the mocks' expectations).
    for outcome in outcomes {
        let data = ready(outcome);
        assert_eq!(data.contacts[0].tasks.list.len(), 2);
    }
}
