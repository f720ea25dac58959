//! The trigger secret: created and rotated from the gear, stored only hashed, and checked before a trigger reads or
//! writes anything.

use domain::Error;
use domain::store::{ConnectionId, IdempotencyClaim};
use secrecy::{ExposeSecret as _, SecretString};
use wiremock::matchers::{method, path};
use wiremock::{Mock, ResponseTemplate};

use crate::harness::World;

fn payload(id: ConnectionId) -> usedesk::FreeCreateLead {
    let body = serde_json::json!({
        "amoClientId": id.to_string(),
        "ticketId": 1002,
        "fields": {"name": "Attacker's deal", "price": 999_999},
        "comment": "attacker's note"
    });
    usedesk::FreeCreateLead::parse(body.to_string().as_bytes()).unwrap()
}

/// Nothing reached amoCRM or Usedesk, and nothing was stored for the connection.
async fn assert_untouched(
    world: &World,
    id: ConnectionId,
    fingerprint_of: &usedesk::FreeCreateLead,
) {
    assert_eq!(
        world
            .amo
            .received_requests()
            .await
            .unwrap_or_default()
            .len(),
        0,
        "amoCRM was called"
    );
    assert_eq!(
        world
            .usedesk
            .received_requests()
            .await
            .unwrap_or_default()
            .len(),
        0,
        "Usedesk was called"
    );
    let audit = world.store.list_audit(id, 10).await.unwrap();
    assert!(
        audit
            .iter()
            .all(|e| e.action.as_str().starts_with("trigger_secret.")),
        "{audit:?}"
    );
    // No idempotency record exists: a claim of the request's key is a fresh one.
    let fingerprint: String = fingerprint_of
        .fingerprint()
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect();
    let claim = world
        .store
        .claim_idempotency(id, &format!("fp:{fingerprint}"), &fingerprint, 3600, 120)
        .await
        .unwrap();
    assert_eq!(claim, IdempotencyClaim::Claimed { progress: None });
}

#[tokio::test]
async fn without_a_valid_secret_a_trigger_reads_and_writes_nothing() {
    let world = World::new().await;
    let id = world.connection.id;
    let own = world
        .domain
        .create_trigger_secret(&world.ctx())
        .await
        .unwrap()
        .secret;
    let wrong = SecretString::from("not-the-secret".to_owned());
    let blank = SecretString::from("  ".to_owned());
    let body = payload(id);

    let none = world.domain.free_create_lead(&body, None, None).await;
    let blank = world
        .domain
        .free_create_lead(&body, Some(&blank), None)
        .await;
    let wrong = world
        .domain
        .free_create_lead(&body, Some(&wrong), None)
        .await;
    let mut unknown = payload(ConnectionId::new_random());
    unknown.amo_client_id = ConnectionId::new_random().to_string();
    let unknown_with_secret = world
        .domain
        .free_create_lead(&unknown, Some(&own), None)
        .await;
    let unknown_without = world.domain.free_create_lead(&unknown, None, None).await;

    assert!(
        matches!(none, Err(Error::TriggerSecretRequired)),
        "{none:?}"
    );
    assert!(
        matches!(blank, Err(Error::TriggerSecretRequired)),
        "{blank:?}"
    );
    assert!(
        matches!(wrong, Err(Error::TriggerSecretInvalid)),
        "{wrong:?}"
    );
    assert!(
        matches!(unknown_with_secret, Err(Error::TriggerSecretInvalid)),
        "{unknown_with_secret:?}"
    );
    assert!(
        matches!(unknown_without, Err(Error::TriggerSecretRequired)),
        "{unknown_without:?}"
    );
    assert_untouched(&world, id, &body).await;
}

#[tokio::test]
async fn a_connection_without_a_secret_refuses_every_trigger_by_default() {
    let world = World::new().await;
    let body = payload(world.connection.id);

    let refused = world.domain.free_create_lead(&body, None, None).await;
    let guessed = world
        .domain
        .free_create_lead(&body, Some(&SecretString::from("guess".to_owned())), None)
        .await;

    assert!(
        matches!(refused, Err(Error::TriggerSecretRequired)),
        "{refused:?}"
    );
    assert!(
        matches!(guessed, Err(Error::TriggerSecretInvalid)),
        "{guessed:?}"
    );
    assert_untouched(&world, world.connection.id, &body).await;
}

#[tokio::test]
async fn another_connections_secret_does_not_open_this_one() {
    let world = World::new().await;
    let other = world
        .store
        .save_login(
            "another-usedesk-account",
            world.host().as_str(),
            &crate::harness::tokens("other-access", 4_000_000_000),
            None,
        )
        .await
        .unwrap();
    world
        .domain
        .create_trigger_secret(&world.ctx())
        .await
        .unwrap();
    let mut other_ctx = world.ctx();
    other_ctx.connection_id = other.id;
    let others = world
        .domain
        .create_trigger_secret(&other_ctx)
        .await
        .unwrap()
        .secret;
    let body = payload(world.connection.id);

    let result = world
        .domain
        .free_create_lead(&body, Some(&others), None)
        .await;

    assert!(
        matches!(result, Err(Error::TriggerSecretInvalid)),
        "{result:?}"
    );
    assert_untouched(&world, world.connection.id, &body).await;
}

#[tokio::test]
async fn rotating_stops_the_old_secret_at_once_and_the_new_one_gets_through() {
    let world = World::new().await;
    // Usedesk answers 502: reaching it proves the secret was accepted, and nothing is created.
    Mock::given(method("POST"))
        .and(path("/ticket"))
        .respond_with(ResponseTemplate::new(502))
        .with_priority(1)
        .mount(&world.usedesk)
        .await;
    let first = world
        .domain
        .create_trigger_secret(&world.ctx())
        .await
        .unwrap();
    let second = world
        .domain
        .create_trigger_secret(&world.ctx())
        .await
        .unwrap();
    let body = payload(world.connection.id);

    let old = world
        .domain
        .free_create_lead(&body, Some(&first.secret), None)
        .await;
    let new = world
        .domain
        .free_create_lead(&body, Some(&second.secret), None)
        .await;

    assert!(!first.replaced);
    assert!(second.replaced);
    assert_ne!(first.secret.expose_secret(), second.secret.expose_secret());
    assert!(matches!(old, Err(Error::TriggerSecretInvalid)), "{old:?}");
    assert!(
        matches!(
            new,
            Err(Error::Usedesk {
                retryable: true,
                ..
            })
        ),
        "the new secret gets through to Usedesk: {new:?}"
    );
}

#[tokio::test]
async fn the_secret_is_stored_only_as_a_hash_and_each_change_is_audited() {
    let world = World::new().await;
    let before = world
        .domain
        .trigger_secret_status(world.connection.id)
        .await
        .unwrap();

    let created = world
        .domain
        .create_trigger_secret(&world.ctx())
        .await
        .unwrap();
    let rotated = world
        .domain
        .create_trigger_secret(&world.ctx())
        .await
        .unwrap();
    let after = world
        .domain
        .trigger_secret_status(world.connection.id)
        .await
        .unwrap();

    assert!(!before.set && before.created_at.is_none() && before.required);
    assert!(after.set);
    assert_eq!(after.created_at, Some(rotated.created_at));
    let record = world
        .store
        .get_trigger_secret(world.connection.id)
        .await
        .unwrap()
        .unwrap();
    let hash = record.hash.unwrap();
    assert!(hash.starts_with("sha256:"), "{hash}");
    assert!(!hash.contains(rotated.secret.expose_secret()));
    assert!(!hash.contains(created.secret.expose_secret()));
    assert_eq!(
        hash,
        domain::trigger_secret::hash(rotated.secret.expose_secret())
    );
    let mut actions: Vec<String> = world
        .store
        .list_audit(world.connection.id, 10)
        .await
        .unwrap()
        .into_iter()
        .map(|e| format!("{} {} {}", e.action, e.target, e.result))
        .collect();
    actions.sort();
    let target = format!("connection:{}", world.connection.id);
    assert_eq!(
        actions,
        [
            format!("trigger_secret.create {target} ok"),
            format!("trigger_secret.rotate {target} ok"),
        ]
    );
}

#[tokio::test]
async fn an_unknown_connection_gets_no_secret() {
    let world = World::new().await;
    let mut ctx = world.ctx();
    ctx.connection_id = ConnectionId::new_random();

    let created = world.domain.create_trigger_secret(&ctx).await;
    let status = world.domain.trigger_secret_status(ctx.connection_id).await;

    assert!(matches!(created, Err(Error::NotConnected)), "{created:?}");
    assert!(matches!(status, Err(Error::NotConnected)), "{status:?}");
}

#[tokio::test]
async fn with_the_requirement_off_only_connections_without_a_secret_accept_triggers_without_one() {
    let world = World::with("good-access", 4_000_000_000, |c| {
        c.require_trigger_secret = false;
    })
    .await;
    Mock::given(method("POST"))
        .and(path("/ticket"))
        .respond_with(ResponseTemplate::new(502))
        .with_priority(1)
        .mount(&world.usedesk)
        .await;
    let body = payload(world.connection.id);

    let open = world.domain.free_create_lead(&body, None, None).await;
    let wrong_while_open = world
        .domain
        .free_create_lead(&body, Some(&SecretString::from("wrong".to_owned())), None)
        .await;
    let status = world
        .domain
        .trigger_secret_status(world.connection.id)
        .await
        .unwrap();
    let secret = world
        .domain
        .create_trigger_secret(&world.ctx())
        .await
        .unwrap()
        .secret;
    let closed = world.domain.free_create_lead(&body, None, None).await;
    let with_secret = world
        .domain
        .free_create_lead(&body, Some(&secret), None)
        .await;

    assert!(
        matches!(open, Err(Error::Usedesk { .. })),
        "no secret needed while the connection has none: {open:?}"
    );
    assert!(
        matches!(wrong_while_open, Err(Error::TriggerSecretInvalid)),
        "a presented secret is always checked: {wrong_while_open:?}"
    );
    assert!(!status.required);
    assert!(
        matches!(closed, Err(Error::TriggerSecretRequired)),
        "once the connection has a secret it is required: {closed:?}"
    );
    assert!(
        matches!(with_secret, Err(Error::Usedesk { .. })),
        "{with_secret:?}"
    );
}
