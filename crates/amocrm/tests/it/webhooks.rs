//! Webhook subscriptions, the deliveries amoCRM posts, and the signed disconnect hook.

use amocrm::{
    DisconnectHook, Error, NewWebhook, SecretString, WebhookAction, WebhookDelivery, WebhookEntity,
};
use hmac::{Hmac, Mac};
use sha2::Sha256;
use wiremock::matchers::{body_json, method, path, query_param};
use wiremock::{Mock, ResponseTemplate};

use crate::support::{Harness, fixture};

const DESTINATION: &str =
    "https://amo.example.com/hooks/amocrm/5e1f2c3a-1111-4222-8333-944455556666?s=abc";

#[tokio::test]
async fn subscriptions_are_listed_for_one_destination_with_their_disabled_flag() {
    let harness = Harness::start().await;
    Mock::given(method("GET"))
        .and(path("/api/v4/webhooks"))
        .and(query_param("filter[destination]", DESTINATION))
        .respond_with(harness.hal(fixture!("webhooks.json")))
        .expect(1)
        .mount(&harness.server)
        .await;

    let hooks = harness
        .client
        .webhooks()
        .list(Some(DESTINATION))
        .await
        .unwrap();

    assert_eq!(hooks.len(), 2);
    assert_eq!(hooks[0].destination, DESTINATION);
    assert_eq!(hooks[0].settings[2], "status_lead");
    assert!(!hooks[0].disabled);
    assert!(hooks[1].disabled, "an auto-disabled hook is reported");
}

#[tokio::test]
async fn an_account_without_subscriptions_answers_204_and_that_is_an_empty_list() {
    let harness = Harness::start().await;
    Mock::given(method("GET"))
        .and(path("/api/v4/webhooks"))
        .respond_with(ResponseTemplate::new(204))
        .mount(&harness.server)
        .await;

    let hooks = harness.client.webhooks().list(None).await.unwrap();

    assert!(hooks.is_empty());
}

#[tokio::test]
async fn subscribing_posts_the_destination_and_events_and_returns_the_subscription() {
    let harness = Harness::start().await;
    let settings: Vec<String> = ["add_lead", "status_lead", "note_lead"]
        .map(str::to_owned)
        .to_vec();
    Mock::given(method("POST"))
        .and(path("/api/v4/webhooks"))
        .and(body_json(serde_json::json!({
            "destination": DESTINATION,
            "settings": settings,
        })))
        .respond_with(harness.hal(fixture!("webhook_created.json")))
        .expect(1)
        .mount(&harness.server)
        .await;

    let hook = harness
        .client
        .webhooks()
        .subscribe(&NewWebhook {
            destination: DESTINATION.into(),
            settings,
            sort: None,
        })
        .await
        .unwrap();

    assert_eq!(hook.id, Some(13));
    assert!(hook.settings.contains(&"status_lead".to_owned()));
}

#[tokio::test]
async fn a_subscription_without_events_is_refused_before_sending() {
    let harness = Harness::start().await;

    let refused = harness
        .client
        .webhooks()
        .subscribe(&NewWebhook {
            destination: DESTINATION.into(),
            settings: Vec::new(),
            sort: None,
        })
        .await;

    assert!(
        matches!(refused, Err(Error::InvalidArgument(_))),
        "{refused:?}"
    );
    assert!(harness.server.received_requests().await.unwrap().is_empty());
}

#[tokio::test]
async fn unsubscribing_deletes_by_destination_and_a_missing_one_is_already_gone() {
    let harness = Harness::start().await;
    Mock::given(method("DELETE"))
        .and(path("/api/v4/webhooks"))
        .and(body_json(serde_json::json!({ "destination": DESTINATION })))
        .respond_with(ResponseTemplate::new(204))
        .up_to_n_times(1)
        .expect(1)
        .mount(&harness.server)
        .await;
    Mock::given(method("DELETE"))
        .and(path("/api/v4/webhooks"))
        .respond_with(ResponseTemplate::new(404))
        .mount(&harness.server)
        .await;

    harness
        .client
        .webhooks()
        .unsubscribe(DESTINATION)
        .await
        .unwrap();
    harness
        .client
        .webhooks()
        .unsubscribe(DESTINATION)
        .await
        .expect("removing a subscription that is gone succeeds");
}

#[test]
fn a_status_change_delivery_reads_the_lead_its_stages_and_the_account() {
    let delivery = WebhookDelivery::parse(fixture!("webhook_status_lead.form").as_bytes()).unwrap();

    assert_eq!(delivery.account_id, Some(30061234));
    assert_eq!(delivery.subdomain.as_deref(), Some("hogwarts"));
    assert_eq!(delivery.events.len(), 1);
    let event = &delivery.events[0];
    assert_eq!(event.entity, WebhookEntity::Lead);
    assert_eq!(event.action, WebhookAction::Status);
    assert_eq!(event.entity_id(), Some(7101));
    assert_eq!(event.stage(), Some((3001, 142)));
    assert_eq!(event.old_stage(), Some((3001, 31)));
    assert_eq!(event.modified_by(), Some(8002));
    assert_eq!(event.name(), Some("Подписка «Pro»"));
    assert_eq!(event.changed_at(), Some(1764301000));
}

#[test]
fn a_mixed_delivery_keeps_every_item_companies_notes_tasks_and_unknown_entities() {
    let delivery = WebhookDelivery::parse(fixture!("webhook_mixed.form").as_bytes()).unwrap();

    let kinds: Vec<(WebhookEntity, WebhookAction, Option<i64>)> = delivery
        .events
        .iter()
        .map(|e| (e.entity.clone(), e.action.clone(), e.entity_id()))
        .collect();
    assert_eq!(
        kinds,
        vec![
            (WebhookEntity::Lead, WebhookAction::Update, Some(7102)),
            (WebhookEntity::Lead, WebhookAction::Update, Some(7103)),
            (WebhookEntity::Company, WebhookAction::Update, Some(9001)),
            (WebhookEntity::Contact, WebhookAction::Add, Some(5501)),
            (WebhookEntity::Lead, WebhookAction::Note, Some(7101)),
            (WebhookEntity::Task, WebhookAction::Add, Some(301)),
            (
                WebhookEntity::Other("talk".into()),
                WebhookAction::Add,
                None
            ),
        ]
    );
    let renewal = &delivery.events[0];
    assert_eq!(
        renewal
            .fields
            .get("custom_fields[0][values][0][value]")
            .map(String::as_str),
        Some("1"),
        "nested fields are kept raw by their path"
    );
    assert_eq!(delivery.events[5].task_target(), Some((2, 7101)));
}

#[test]
fn a_delivery_beyond_the_field_bound_is_refused_unread() {
    let body = (0..amocrm::webhook::MAX_WEBHOOK_PAIRS + 1)
        .map(|n| format!("leads[update][{n}][id]={n}"))
        .collect::<Vec<_>>()
        .join("&");

    let refused = WebhookDelivery::parse(body.as_bytes());

    assert!(
        matches!(refused, Err(Error::InvalidWebhook(_))),
        "{refused:?}"
    );
}

#[test]
fn garbage_is_a_delivery_with_no_events_not_a_failure() {
    let delivery = WebhookDelivery::parse(b"%%%&&==[[]]&leads=1&leads[add]=2").unwrap();

    assert!(delivery.events.is_empty());
    assert_eq!(delivery.account_id, None);
}

fn signed(client_id: &str, secret: &str, account_id: i64) -> String {
    let mut mac = Hmac::<Sha256>::new_from_slice(secret.as_bytes()).unwrap();
    mac.update(format!("{client_id}|{account_id}").as_bytes());
    hex::encode(mac.finalize().into_bytes())
}

#[test]
fn a_disconnect_hook_signed_with_our_secret_is_accepted() {
    let client_id = "5e1f2c3a-aaaa-4bbb-8ccc-9ddddddddddd";
    let secret = SecretString::from("integration-secret".to_owned());
    let query = format!(
        "client_uuid={client_id}&account_id=30061234&signature={}",
        signed(client_id, "integration-secret", 30061234)
    );

    let hook = DisconnectHook::from_query(&query).unwrap();

    assert_eq!(hook.account_id, 30061234);
    assert!(hook.verify(client_id, &secret));
}

#[test]
fn a_forged_disconnect_hook_is_refused() {
    let client_id = "5e1f2c3a-aaaa-4bbb-8ccc-9ddddddddddd";
    let secret = SecretString::from("integration-secret".to_owned());
    let forgeries = [
        // Signed with another secret.
        format!(
            "client_uuid={client_id}&account_id=30061234&signature={}",
            signed(client_id, "guessed", 30061234)
        ),
        // A valid signature for another account.
        format!(
            "client_uuid={client_id}&account_id=30069999&signature={}",
            signed(client_id, "integration-secret", 30061234)
        ),
        // Another integration's hook.
        format!(
            "client_uuid=other&account_id=30061234&signature={}",
            signed("other", "integration-secret", 30061234)
        ),
        format!("client_uuid={client_id}&account_id=30061234&signature=not-hex"),
    ];

    for query in forgeries {
        let hook = DisconnectHook::from_query(&query).unwrap();
        assert!(!hook.verify(client_id, &secret), "{query}");
    }
    assert!(DisconnectHook::from_query("client_uuid=x&account_id=1").is_err());
}
