//! `/api/v4/companies`, a contact's company and links between them.

use amocrm::{CompaniesQuery, CompanyDraft, EntityLink};
use serde_json::json;
use wiremock::matchers::{body_json, method, path, query_param};
use wiremock::{Mock, ResponseTemplate};

use crate::support::{Harness, fixture};

#[tokio::test]
async fn a_company_is_read_with_the_ids_of_its_leads() {
    // Arrange
    let harness = Harness::start().await;
    Mock::given(method("GET"))
        .and(path("/api/v4/companies/5001"))
        .and(query_param("with", "leads"))
        .respond_with(harness.hal(fixture!("company.json")))
        .expect(1)
        .mount(&harness.server)
        .await;

    // Act
    let company = harness.client.companies().get(5001, true).await;

    // Assert
    let company = company.expect("read").expect("exists");
    assert_eq!(company.name, "Gringotts Wizarding Bank");
    assert_eq!(company.leads, [7001, 7004]);
    assert!(company.custom_fields_values.is_empty());
    assert_eq!(company.tags[0].name, "bank");
}

#[tokio::test]
async fn a_missing_company_is_none() {
    // Arrange
    let harness = Harness::start().await;
    Mock::given(method("GET"))
        .and(path("/api/v4/companies/404"))
        .respond_with(ResponseTemplate::new(204))
        .expect(1)
        .mount(&harness.server)
        .await;

    // Act
    let company = harness.client.companies().get(404, false).await;

    // Assert
    assert_eq!(company.expect("a 204 is no company"), None);
}

#[tokio::test]
async fn companies_are_searched_by_query_and_nothing_found_is_empty() {
    // Arrange
    let harness = Harness::start().await;
    Mock::given(method("GET"))
        .and(path("/api/v4/companies"))
        .and(query_param("query", "Gringotts"))
        .respond_with(harness.hal(fixture!("companies_search.json")))
        .expect(1)
        .mount(&harness.server)
        .await;
    Mock::given(method("GET"))
        .and(path("/api/v4/companies"))
        .and(query_param("query", "Zonko"))
        .respond_with(ResponseTemplate::new(204))
        .expect(1)
        .mount(&harness.server)
        .await;

    // Act
    let found = harness
        .client
        .companies()
        .list(&CompaniesQuery::search("Gringotts"))
        .await;
    let none = harness
        .client
        .companies()
        .list_all(&CompaniesQuery::search("Zonko"))
        .await;

    // Assert
    let found = found.expect("found");
    assert_eq!(found.items[0].id, 5001);
    assert_eq!(
        found.items[0].custom_fields_values[0].texts().next(),
        Some("+44 20 7946 0000")
    );
    assert!(none.expect("204 is a success").is_empty());
}

#[tokio::test]
async fn a_company_is_created_with_its_responsible_user() {
    // Arrange
    let harness = Harness::start().await;
    Mock::given(method("POST"))
        .and(path("/api/v4/companies"))
        .and(body_json(json!([{
            "name": "Zonko's Joke Shop",
            "responsible_user_id": 123123,
            "request_id": "new-company-1"
        }])))
        .respond_with(harness.hal(fixture!("companies_created.json")))
        .expect(1)
        .mount(&harness.server)
        .await;
    let draft = CompanyDraft {
        responsible_user_id: Some(123123),
        request_id: Some("new-company-1".to_owned()),
        ..CompanyDraft::named("Zonko's Joke Shop")
    };

    // Act
    let created = harness.client.companies().create(&[draft]).await;

    // Assert
    assert_eq!(created.expect("created")[0].id, 5101);
}

#[tokio::test]
async fn a_contact_names_its_company_without_being_asked() {
    // Arrange
    let harness = Harness::start().await;
    Mock::given(method("GET"))
        .and(path("/api/v4/contacts/3001"))
        .respond_with(harness.hal(fixture!("contact_with_company.json")))
        .expect(1)
        .mount(&harness.server)
        .await;

    // Act
    let contact = harness.client.contacts().get(3001, false).await;

    // Assert
    let contact = contact.expect("read").expect("exists");
    assert_eq!(contact.company_id(), Some(5001));
}

#[tokio::test]
async fn a_contact_is_linked_to_a_company_and_a_company_to_a_contact() {
    // Arrange
    let harness = Harness::start().await;
    Mock::given(method("POST"))
        .and(path("/api/v4/contacts/3001/link"))
        .and(body_json(
            json!([{"to_entity_id": 5001, "to_entity_type": "companies"}]),
        ))
        .respond_with(harness.hal(fixture!("links_created.json")))
        .expect(1)
        .mount(&harness.server)
        .await;
    Mock::given(method("POST"))
        .and(path("/api/v4/companies/5001/link"))
        .and(body_json(
            json!([{"to_entity_id": 3002, "to_entity_type": "contacts"}]),
        ))
        .respond_with(harness.hal(fixture!("links_created.json")))
        .expect(1)
        .mount(&harness.server)
        .await;

    // Act
    let contact_side = harness
        .client
        .contacts()
        .link(3001, &[EntityLink::company(5001)])
        .await;
    let company_side = harness
        .client
        .companies()
        .link(5001, &[EntityLink::contact(3002, false)])
        .await;

    // Assert
    contact_side.expect("linked from the contact");
    company_side.expect("linked from the company");
}
