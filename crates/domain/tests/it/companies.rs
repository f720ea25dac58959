//! Companies in writes: a new contact attached to its company (found by exact name, created, or chosen among
//! several), and a new deal linked to its contact's company too.

use domain::{CompanyOutcome, CompanyPick, DealDraft, Error, FieldKey, NewContactInput};
use wiremock::matchers::{body_partial_json, method, path, query_param};
use wiremock::{Mock, ResponseTemplate};

use crate::harness::{World, json};

fn luna(company: CompanyPick) -> NewContactInput {
    NewContactInput {
        name: "Luna Lovegood".into(),
        phones: vec!["8 903 123-45-67".into()],
        responsible_user_id: Some(8002),
        company,
        ..Default::default()
    }
}

async fn mount_search(world: &World, query: &str, fixture: &str) {
    Mock::given(method("GET"))
        .and(path("/api/v4/companies"))
        .and(query_param("query", query))
        .respond_with(json(fixture))
        .expect(1)
        .mount(&world.amo)
        .await;
}

async fn mount_contact_post(world: &World, times: u64) {
    Mock::given(method("POST"))
        .and(path("/api/v4/contacts"))
        .respond_with(json("created_contact.json"))
        .expect(times)
        .mount(&world.amo)
        .await;
    Mock::given(method("POST"))
        .and(path("/create/comment"))
        .respond_with(json("usedesk_comment.json"))
        .mount(&world.usedesk)
        .await;
}

async fn mount_link(world: &World, company: i64, answer: ResponseTemplate) {
    Mock::given(method("POST"))
        .and(path("/api/v4/contacts/3500/link"))
        .and(body_partial_json(serde_json::json!([
            {"to_entity_id": company, "to_entity_type": "companies"}
        ])))
        .respond_with(answer)
        .expect(1)
        .mount(&world.amo)
        .await;
}

async fn no_company_created(world: &World) {
    Mock::given(method("POST"))
        .and(path("/api/v4/companies"))
        .respond_with(ResponseTemplate::new(500))
        .expect(0)
        .mount(&world.amo)
        .await;
}

#[tokio::test]
async fn a_new_contact_is_linked_to_the_one_company_with_exactly_its_name() {
    // Arrange: amoCRM's loose search also finds "Gringotts Bank Annex"; the name is typed trimmed and in lower case.
    let world = World::new().await;
    mount_search(&world, "gringotts bank", "companies_gringotts_one.json").await;
    mount_contact_post(&world, 1).await;
    no_company_created(&world).await;
    mount_link(&world, 5001, json("contact_company_linked.json")).await;

    // Act
    let created = world
        .domain
        .create_contact(
            &world.ctx(),
            luna(CompanyPick::Named("  gringotts bank ".into())),
        )
        .await
        .unwrap();

    // Assert
    assert_eq!(created.contact.id, 3500);
    assert!(matches!(
        created.company,
        Some(CompanyOutcome::Linked { id: 5001, created: false, ref name, .. }) if name == "Gringotts Bank"
    ));
}

#[tokio::test]
async fn a_company_nobody_has_is_created_with_the_contacts_responsible_and_linked() {
    // Arrange: only the near miss has a similar name.
    let world = World::new().await;
    Mock::given(method("GET"))
        .and(path("/api/v4/companies"))
        .and(query_param("query", "Gringotts"))
        .respond_with(json("companies_gringotts_one.json"))
        .expect(1)
        .mount(&world.amo)
        .await;
    mount_contact_post(&world, 1).await;
    Mock::given(method("POST"))
        .and(path("/api/v4/companies"))
        .and(body_partial_json(serde_json::json!([
            {"name": "Gringotts", "responsible_user_id": 8002}
        ])))
        .respond_with(json("created_company.json"))
        .expect(1)
        .mount(&world.amo)
        .await;
    mount_link(&world, 5100, json("contact_company_linked.json")).await;

    // Act
    let created = world
        .domain
        .create_contact(&world.ctx(), luna(CompanyPick::Named("Gringotts".into())))
        .await
        .unwrap();

    // Assert
    assert!(matches!(
        created.company,
        Some(CompanyOutcome::Linked {
            id: 5100,
            created: true,
            ..
        })
    ));
}

#[tokio::test]
async fn several_companies_with_the_name_are_offered_and_nothing_is_written() {
    // Arrange: two live companies are named "Gringotts Bank" (in any case); a third one is deleted.
    let world = World::new().await;
    world.mount_metadata().await;
    mount_search(&world, "Gringotts Bank", "companies_gringotts_two.json").await;
    mount_contact_post(&world, 0).await;
    no_company_created(&world).await;

    // Act
    let err = world
        .domain
        .create_contact(
            &world.ctx(),
            luna(CompanyPick::Named("Gringotts Bank".into())),
        )
        .await
        .unwrap_err();

    // Assert: the most recently changed first, with their responsible users and pages.
    let Error::CompanyChoice(options) = err else {
        panic!("expected a choice, got {err:?}")
    };
    assert_eq!(
        options.iter().map(|o| o.id).collect::<Vec<_>>(),
        vec![5003, 5001]
    );
    assert_eq!(options[0].name, "GRINGOTTS BANK");
    assert_eq!(options[1].responsible.as_ref().map(|u| u.id), Some(8002));
    assert!(options[1].url.ends_with("/companies/detail/5001"));
}

#[tokio::test]
async fn a_chosen_company_is_checked_and_the_contact_linked_to_it() {
    // Arrange
    let world = World::new().await;
    Mock::given(method("GET"))
        .and(path("/api/v4/companies/5003"))
        .respond_with(json("company_5003.json"))
        .expect(1)
        .mount(&world.amo)
        .await;
    mount_contact_post(&world, 1).await;
    no_company_created(&world).await;
    mount_link(&world, 5003, json("contact_company_linked.json")).await;

    // Act
    let created = world
        .domain
        .create_contact(&world.ctx(), luna(CompanyPick::Existing(5003)))
        .await
        .unwrap();

    // Assert
    assert!(matches!(
        created.company,
        Some(CompanyOutcome::Linked { id: 5003, .. })
    ));
}

#[tokio::test]
async fn a_chosen_company_that_was_deleted_is_refused_before_anything_is_written() {
    // Arrange
    let world = World::new().await;
    Mock::given(method("GET"))
        .and(path("/api/v4/companies/5003"))
        .respond_with(json("company_5003_deleted.json"))
        .mount(&world.amo)
        .await;
    mount_contact_post(&world, 0).await;

    // Act
    let err = world
        .domain
        .create_contact(&world.ctx(), luna(CompanyPick::Existing(5003)))
        .await
        .unwrap_err();

    // Assert
    let Error::Validation(errors) = err else {
        panic!("expected a refused field, got {err:?}")
    };
    assert_eq!(errors[0].field, FieldKey::Company);
}

#[tokio::test]
async fn a_link_that_fails_leaves_the_contact_and_says_the_link_did_not_happen() {
    // Arrange
    let world = World::new().await;
    mount_search(&world, "Gringotts Bank", "companies_gringotts_one.json").await;
    mount_contact_post(&world, 1).await;
    mount_link(&world, 5001, ResponseTemplate::new(400)).await;

    // Act
    let created = world
        .domain
        .create_contact(
            &world.ctx(),
            luna(CompanyPick::Named("Gringotts Bank".into())),
        )
        .await
        .unwrap();

    // Assert: the contact exists, is linked to the Usedesk client, and the answer says what did not happen.
    assert_eq!(created.contact.id, 3500);
    assert!(matches!(
        created.company,
        Some(CompanyOutcome::NotLinked {
            id: 5001,
            created: false,
            ..
        })
    ));
    assert_eq!(
        world.store.get_link(world.connection.id, 55).await.unwrap(),
        Some(3500)
    );
    let audit = world
        .store
        .list_audit(world.connection.id, 10)
        .await
        .unwrap();
    assert!(
        audit
            .iter()
            .any(|a| a.action == "company.link" && a.result == domain::store::AuditResult::Error),
        "{audit:?}"
    );
}

#[tokio::test]
async fn a_deal_for_a_contact_with_a_company_is_linked_to_both() {
    // Arrange
    let world = World::new().await;
    world.mount_metadata().await;
    Mock::given(method("GET"))
        .and(path("/api/v4/contacts/3001"))
        .respond_with(json("contact_3001_with_company.json"))
        .expect(1)
        .mount(&world.amo)
        .await;
    Mock::given(method("POST"))
        .and(path("/api/v4/leads"))
        .and(body_partial_json(serde_json::json!([{
            "_embedded": {"contacts": [{"id": 3001, "is_main": true}], "companies": [{"id": 5001}]}
        }])))
        .respond_with(json("created_lead.json"))
        .expect(1)
        .mount(&world.amo)
        .await;
    Mock::given(method("POST"))
        .and(path("/create/comment"))
        .respond_with(json("usedesk_comment.json"))
        .mount(&world.usedesk)
        .await;
    Mock::given(method("POST"))
        .and(path("/ticket"))
        .respond_with(json("usedesk_ticket.json"))
        .mount(&world.usedesk)
        .await;
    Mock::given(method("POST"))
        .and(path("/api/v4/leads/4500/notes"))
        .respond_with(json("created_note.json"))
        .mount(&world.amo)
        .await;
    let draft = DealDraft {
        name: "Vault upgrade".into(),
        pipeline_id: Some(10),
        status_id: Some(102),
        contact_id: Some(3001),
        ..Default::default()
    };

    // Act
    let created = world.domain.create_deal(&world.ctx(), draft).await.unwrap();

    // Assert
    assert_eq!(created.id, 4500);
}
