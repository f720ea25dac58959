//! Single-entity PATCHes of leads and contacts, adding values to multitext fields, and loss
//! reasons.

use amocrm::{ContactUpdate, Error, LeadUpdate, PHONE, STATUS_LOST};
use serde_json::json;
use wiremock::matchers::{body_json, method, path, query_param};
use wiremock::{Mock, ResponseTemplate};

use crate::support::{Harness, fixture, problem};

#[tokio::test]
async fn a_phone_is_added_by_sending_the_stored_ones_with_it() {
    // Arrange
    let harness = Harness::start().await;
    Mock::given(method("GET"))
        .and(path("/api/v4/contacts/3001"))
        .respond_with(harness.hal(fixture!("contact_with_company.json")))
        .expect(1)
        .mount(&harness.server)
        .await;
    Mock::given(method("PATCH"))
        .and(path("/api/v4/contacts/3001"))
        .and(body_json(json!({
            "id": 3001,
            "custom_fields_values": [{
                "field_id": 901,
                "values": [
                    {"value": "+7 (916) 123-45-67", "enum_id": 1, "enum_code": "WORK"},
                    {"value": "8 916 765 43 21", "enum_id": 3, "enum_code": "MOB"},
                    {"value": "+44 20 7946 0958", "enum_code": "WORK"}
                ]
            }]
        })))
        .respond_with(harness.hal(fixture!("contact_updated.json")))
        .expect(1)
        .mount(&harness.server)
        .await;
    let contact = harness
        .client
        .contacts()
        .get(3001, false)
        .await
        .expect("read")
        .expect("exists");

    // Act
    let update = ContactUpdate {
        id: contact.id,
        custom_fields_values: Some(vec![contact.field_with_added(
            PHONE,
            "+44 20 7946 0958",
            "WORK",
        )]),
        ..ContactUpdate::default()
    };
    let updated = harness.client.contacts().update_one(&update).await;

    // Assert
    assert_eq!(updated.expect("patched").updated_at, Some(1700090000));
}

#[tokio::test]
async fn a_first_email_is_sent_by_field_code() {
    // Arrange
    let harness = Harness::start().await;
    Mock::given(method("GET"))
        .and(path("/api/v4/contacts/3001"))
        .respond_with(harness.hal(fixture!("contact_with_company.json")))
        .expect(1)
        .mount(&harness.server)
        .await;
    let contact = harness
        .client
        .contacts()
        .get(3001, false)
        .await
        .expect("read")
        .expect("exists");

    // Act
    let field = contact.field_with_added("EMAIL", "harry@example.com", "WORK");

    // Assert
    assert_eq!(
        serde_json::to_value(field).expect("serialises"),
        json!({"field_code": "EMAIL", "values": [{"value": "harry@example.com", "enum_code": "WORK"}]})
    );
}

#[tokio::test]
async fn a_contact_name_and_responsible_are_patched_alone() {
    // Arrange
    let harness = Harness::start().await;
    Mock::given(method("PATCH"))
        .and(path("/api/v4/contacts/3001"))
        .and(body_json(
            json!({"id": 3001, "name": "Harry J. Potter", "responsible_user_id": 5}),
        ))
        .respond_with(harness.hal(fixture!("contact_updated.json")))
        .expect(1)
        .mount(&harness.server)
        .await;

    // Act
    let updated = harness
        .client
        .contacts()
        .update_one(&ContactUpdate {
            id: 3001,
            name: Some("Harry J. Potter".to_owned()),
            responsible_user_id: Some(5),
            ..ContactUpdate::default()
        })
        .await;

    // Assert
    assert_eq!(updated.expect("patched").id, 3001);
}

#[tokio::test]
async fn a_lead_is_closed_as_lost_with_its_reason() {
    // Arrange
    let harness = Harness::start().await;
    Mock::given(method("PATCH"))
        .and(path("/api/v4/leads/7001"))
        .and(body_json(json!({
            "id": 7001,
            "status_id": 143,
            "pipeline_id": 3001000,
            "loss_reason_id": 9101
        })))
        .respond_with(harness.hal(fixture!("lead_updated.json")))
        .expect(1)
        .mount(&harness.server)
        .await;

    // Act
    let updated = harness
        .client
        .leads()
        .update_one(&LeadUpdate {
            id: 7001,
            status_id: Some(STATUS_LOST),
            pipeline_id: Some(3001000),
            loss_reason_id: Some(9101),
            ..LeadUpdate::default()
        })
        .await;

    // Assert
    assert_eq!(updated.expect("patched").id, 7001);
}

#[tokio::test]
async fn a_refused_lead_patch_names_each_offending_field() {
    // Arrange
    let harness = Harness::start().await;
    Mock::given(method("PATCH"))
        .and(path("/api/v4/leads/7001"))
        .respond_with(problem(400, fixture!("lead_patch_validation_400.json")))
        .expect(1)
        .mount(&harness.server)
        .await;

    // Act
    let result = harness
        .client
        .leads()
        .update_one(&LeadUpdate {
            id: 7001,
            status_id: Some(45),
            ..LeadUpdate::default()
        })
        .await;

    // Assert
    let error = result.expect_err("refused");
    assert!(matches!(error, Error::Validation { status: 400, .. }));
    let paths: Vec<&str> = error.problem().expect("problem").validation_errors[0]
        .errors
        .iter()
        .map(|e| e.path.as_str())
        .collect();
    assert_eq!(
        paths,
        ["custom_fields_values.0.values.0.value", "status_id"]
    );
}

#[tokio::test]
async fn loss_reasons_come_in_their_sort_order() {
    // Arrange
    let harness = Harness::start().await;
    Mock::given(method("GET"))
        .and(path("/api/v4/leads/loss_reasons"))
        .and(query_param("limit", "250"))
        .respond_with(harness.hal(fixture!("loss_reasons.json")))
        .expect(1)
        .mount(&harness.server)
        .await;

    // Act
    let reasons = harness.client.leads().loss_reasons().await;

    // Assert
    let names: Vec<String> = reasons.expect("read").into_iter().map(|r| r.name).collect();
    assert_eq!(names, ["Chose a competitor", "Too expensive"]);
}

#[tokio::test]
async fn an_account_without_loss_reasons_has_an_empty_list() {
    // Arrange
    let harness = Harness::start().await;
    Mock::given(method("GET"))
        .and(path("/api/v4/leads/loss_reasons"))
        .respond_with(ResponseTemplate::new(204))
        .expect(1)
        .mount(&harness.server)
        .await;

    // Act
    let reasons = harness.client.leads().loss_reasons().await;

    // Assert
    assert!(reasons.expect("204 is a success").is_empty());
}
