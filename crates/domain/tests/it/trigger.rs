//! freeCreateLead: find or create the contact, create the deal once, however often Usedesk retries.

use domain::Error;
use secrecy::SecretString;
use wiremock::matchers::{method, path, query_param};
use wiremock::{Mock, ResponseTemplate};

use crate::harness::{World, json};

/// The connection's trigger secret, created as the gear's button creates it.
async fn secret(world: &World) -> SecretString {
    world
        .domain
        .create_trigger_secret(&world.ctx())
        .await
        .unwrap()
        .secret
}

fn payload(world: &World, comment: &str) -> usedesk::FreeCreateLead {
    let body = serde_json::json!({
        "amoClientId": world.connection.id.to_string(),
        "ticketId": "1002",
        "fields": {
            "name": "Deal from trigger", "price": 700, "pipeline_id": 10, "status_id": 102,
            "custom_fields_values": [{"field_id": 702, "values": [{"enum_id": 7021}]}]
        },
        "comment": comment
    });
    usedesk::FreeCreateLead::parse(body.to_string().as_bytes()).unwrap()
}

async fn mount_usedesk(world: &World) {
    Mock::given(method("POST"))
        .and(path("/ticket"))
        .respond_with(json("usedesk_ticket.json"))
        .mount(&world.usedesk)
        .await;
    Mock::given(method("POST"))
        .and(path("/client"))
        .respond_with(json("usedesk_client.json"))
        .mount(&world.usedesk)
        .await;
    Mock::given(method("POST"))
        .and(path("/create/comment"))
        .respond_with(json("usedesk_comment.json"))
        .mount(&world.usedesk)
        .await;
}

async fn mount_amocrm(world: &World, lead_posts: u64) {
    world.mount_metadata().await;
    Mock::given(method("GET"))
        .and(path("/api/v4/contacts"))
        .and(query_param("query", "9161234567"))
        .respond_with(json("contacts_by_phone.json"))
        .mount(&world.amo)
        .await;
    Mock::given(method("GET"))
        .and(path("/api/v4/contacts"))
        .and(query_param("query", "harry.potter@hogwarts.example"))
        .respond_with(json("contacts_by_email.json"))
        .mount(&world.amo)
        .await;
    Mock::given(method("POST"))
        .and(path("/api/v4/leads"))
        .respond_with(json("created_lead.json"))
        .expect(lead_posts)
        .mount(&world.amo)
        .await;
    Mock::given(method("POST"))
        .and(path("/api/v4/leads/4500/notes"))
        .respond_with(json("created_note.json"))
        .mount(&world.amo)
        .await;
}

#[tokio::test]
async fn a_trigger_creates_a_deal_for_the_matched_contact_and_a_retry_replays_it() {
    let world = World::new().await;
    let secret = secret(&world).await;
    mount_usedesk(&world).await;
    mount_amocrm(&world, 1).await;

    let first = world
        .domain
        .free_create_lead(&payload(&world, "from a rule"), Some(&secret), None)
        .await
        .unwrap();
    let again = world
        .domain
        .free_create_lead(&payload(&world, "from a rule"), Some(&secret), None)
        .await
        .unwrap();

    assert_eq!(first.lead_id, 4500);
    assert_eq!(first.contact_id, 3001);
    assert!(!first.contact_created);
    assert!(!first.replayed);
    assert_eq!(again.lead_id, 4500);
    assert!(again.replayed);
}

#[tokio::test]
async fn twenty_concurrent_identical_triggers_post_exactly_one_lead() {
    let world = World::new().await;
    let secret = secret(&world).await;
    mount_usedesk(&world).await;
    mount_amocrm(&world, 1).await;
    let body = payload(&world, "same");

    let calls = (0..20).map(|_| world.domain.free_create_lead(&body, Some(&secret), None));
    let outcomes = futures_util::future::join_all(calls).await;

    assert!(
        outcomes
            .iter()
            .all(|o| o.as_ref().is_ok_and(|o| o.lead_id == 4500)),
        "{outcomes:?}"
    );
}

#[tokio::test]
async fn the_same_idempotency_key_with_another_body_is_a_conflict() {
    let world = World::new().await;
    let secret = secret(&world).await;
    mount_usedesk(&world).await;
    mount_amocrm(&world, 1).await;

    world
        .domain
        .free_create_lead(&payload(&world, "one"), Some(&secret), Some("key-1"))
        .await
        .unwrap();
    let err = world
        .domain
        .free_create_lead(&payload(&world, "two"), Some(&secret), Some("key-1"))
        .await
        .unwrap_err();

    assert!(matches!(err, Error::Conflict), "{err:?}");
}

#[tokio::test]
async fn an_unknown_integration_id_is_refused_like_a_wrong_secret() {
    let world = World::new().await;
    let secret = secret(&world).await;
    let mut body = payload(&world, "x");
    body.amo_client_id = uuid::Uuid::new_v4().to_string();
    assert!(matches!(
        world
            .domain
            .free_create_lead(&body, Some(&secret), None)
            .await,
        Err(Error::TriggerSecretInvalid)
    ));
    assert!(matches!(
        world.domain.free_create_lead(&body, None, None).await,
        Err(Error::TriggerSecretRequired)
    ));
}

#[tokio::test]
async fn an_unknown_integration_id_is_not_connected_when_the_secret_is_not_required() {
    let world = World::with("good-access", 4_000_000_000, |c| {
        c.require_trigger_secret = false;
    })
    .await;
    let mut body = payload(&world, "x");
    body.amo_client_id = uuid::Uuid::new_v4().to_string();
    assert!(matches!(
        world.domain.free_create_lead(&body, None, None).await,
        Err(Error::NotConnected)
    ));
}

#[tokio::test]
async fn usedesk_down_creates_nothing_and_a_retry_completes_the_same_deal() {
    let world = World::new().await;
    let secret = secret(&world).await;
    mount_amocrm(&world, 1).await;
    Mock::given(method("POST"))
        .and(path("/ticket"))
        .respond_with(ResponseTemplate::new(502))
        .up_to_n_times(1)
        .with_priority(1)
        .mount(&world.usedesk)
        .await;
    mount_usedesk(&world).await;

    let err = world
        .domain
        .free_create_lead(&payload(&world, "retry me"), Some(&secret), None)
        .await
        .unwrap_err();
    assert!(
        matches!(
            err,
            Error::Usedesk {
                retryable: true,
                ..
            }
        ),
        "{err:?}"
    );
    let done = world
        .domain
        .free_create_lead(&payload(&world, "retry me"), Some(&secret), None)
        .await
        .unwrap();

    assert_eq!(done.lead_id, 4500);
    assert!(!done.replayed);
}

#[tokio::test]
async fn invalid_fields_are_refused_before_any_deal_is_created() {
    let world = World::new().await;
    let secret = secret(&world).await;
    mount_usedesk(&world).await;
    mount_amocrm(&world, 0).await;
    let mut body = payload(&world, "x");
    body.fields.status_id = Some(103);

    let err = world
        .domain
        .free_create_lead(&body, Some(&secret), None)
        .await
        .unwrap_err();

    let Error::Validation(errors) = err else {
        panic!("{err:?}")
    };
    assert_eq!(errors[0].field, "cf:701");
}

/// The bodies of the notes amoCRM was sent for deal 4500 that log a ticket.
async fn ticket_logs(world: &World) -> usize {
    world
        .count_requests(|r| {
            r.url.path() == "/api/v4/leads/4500/notes"
                && String::from_utf8_lossy(&r.body).contains("Conversation of Usedesk ticket #1002")
        })
        .await
}

#[tokio::test]
async fn a_trigger_with_log_ticket_logs_the_conversation_to_the_deal_it_creates() {
    let world = World::new().await;
    let secret = secret(&world).await;
    mount_usedesk(&world).await;
    mount_amocrm(&world, 1).await;
    let mut body = payload(&world, "from a rule");
    body.log_ticket = true;

    let outcome = world
        .domain
        .free_create_lead(&body, Some(&secret), None)
        .await
        .unwrap();

    assert_eq!(outcome.lead_id, 4500);
    assert_eq!(outcome.ticket_logged, Some(true));
    assert_eq!(outcome.ticket_log_problem, None);
    assert_eq!(ticket_logs(&world).await, 1);
}

#[tokio::test]
async fn a_trigger_whose_ticket_cannot_be_logged_creates_the_deal_and_says_why() {
    let world = World::new().await;
    let secret = secret(&world).await;
    mount_usedesk(&world).await;
    Mock::given(method("POST"))
        .and(path("/api/v4/leads/4500/notes"))
        .and(wiremock::matchers::body_string_contains(
            "Conversation of Usedesk ticket",
        ))
        .respond_with(ResponseTemplate::new(500))
        .with_priority(1)
        .mount(&world.amo)
        .await;
    mount_amocrm(&world, 1).await;
    let mut body = payload(&world, "from a rule");
    body.log_ticket = true;

    let outcome = world
        .domain
        .free_create_lead(&body, Some(&secret), None)
        .await
        .unwrap();

    assert_eq!(outcome.lead_id, 4500);
    assert_eq!(outcome.ticket_logged, Some(false));
    assert!(
        outcome
            .ticket_log_problem
            .as_deref()
            .is_some_and(|p| p.contains("amoCRM")),
        "{:?}",
        outcome.ticket_log_problem
    );
}

#[tokio::test]
async fn a_trigger_without_log_ticket_logs_nothing_and_says_nothing_about_it() {
    let world = World::new().await;
    let secret = secret(&world).await;
    mount_usedesk(&world).await;
    mount_amocrm(&world, 1).await;

    let outcome = world
        .domain
        .free_create_lead(&payload(&world, "from a rule"), Some(&secret), None)
        .await
        .unwrap();

    assert_eq!(outcome.ticket_logged, None);
    assert_eq!(ticket_logs(&world).await, 0);
}

#[tokio::test]
async fn a_trigger_deal_for_a_contact_with_a_company_is_linked_to_both_without_another_read() {
    // Arrange: the matched contact has a company (its search result names it).
    let world = World::new().await;
    let secret = secret(&world).await;
    mount_usedesk(&world).await;
    world.mount_metadata().await;
    for (query, fixture) in [
        ("9161234567", "contacts_by_phone_with_company.json"),
        (
            "harry.potter@hogwarts.example",
            "contacts_by_email_with_company.json",
        ),
    ] {
        Mock::given(method("GET"))
            .and(path("/api/v4/contacts"))
            .and(query_param("query", query))
            .respond_with(json(fixture))
            .mount(&world.amo)
            .await;
    }
    Mock::given(method("POST"))
        .and(path("/api/v4/leads"))
        .and(wiremock::matchers::body_partial_json(serde_json::json!([{
            "_embedded": {"contacts": [{"id": 3001, "is_main": true}], "companies": [{"id": 5001}]}
        }])))
        .respond_with(json("created_lead.json"))
        .expect(1)
        .mount(&world.amo)
        .await;
    Mock::given(method("POST"))
        .and(path("/api/v4/leads/4500/notes"))
        .respond_with(json("created_note.json"))
        .mount(&world.amo)
        .await;

    // Act
    let outcome = world
        .domain
        .free_create_lead(&payload(&world, "with a company"), Some(&secret), None)
        .await
        .unwrap();

    // Assert: the contact was not read again for its company.
    assert_eq!(outcome.lead_id, 4500);
    let reads = world.amo.received_requests().await.unwrap_or_default();
    assert!(
        !reads
            .iter()
            .any(|r| r.url.path().starts_with("/api/v4/contacts/")),
        "the company came with the search"
    );
}
