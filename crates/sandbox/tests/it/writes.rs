//! Writes change state: contacts, leads, stage rules, notes, links, events.

use reqwest::StatusCode;
use sandbox::seed::*;
use serde_json::{Value, json};

use crate::support::{Harness, content_type, embedded_ids};

async fn validation_errors(response: reqwest::Response) -> Value {
    assert_eq!(response.status(), StatusCode::BAD_REQUEST);
    assert_eq!(content_type(&response), "application/problem+json");
    let body: Value = response.json().await.expect("JSON");
    assert_eq!(body["detail"], "Request validation failed");
    body["validation-errors"].clone()
}

async fn created_id(response: reqwest::Response, key: &str) -> i64 {
    assert_eq!(response.status(), StatusCode::OK);
    let body: Value = response.json().await.expect("JSON");
    body["_embedded"][key][0]["id"].as_i64().expect("an id")
}

async fn event_types(harness: &Harness, lead_id: i64) -> Vec<String> {
    let body = harness
        .get_ok(&format!(
            "/api/v4/events?filter[entity]=lead&filter[entity_id][]={lead_id}&limit=100"
        ))
        .await;
    body["_embedded"]["events"]
        .as_array()
        .expect("events")
        .iter()
        .map(|e| e["type"].as_str().expect("a type").to_owned())
        .collect()
}

#[tokio::test]
async fn a_created_contact_can_be_found_by_its_phone() {
    // Arrange
    let harness = Harness::start().await;
    let body = json!([{
        "first_name": "Luna", "last_name": "Lovegood", "request_id": "ud-2001",
        "custom_fields_values": [
            { "field_code": "PHONE", "values": [{ "value": "+44 20 7946 0321", "enum_code": "MOB" }] },
            { "field_code": "EMAIL", "values": [{ "value": "luna.lovegood@quibbler.example" }] },
        ],
    }]);

    // Act
    let response = harness.post("/api/v4/contacts", &body).await;
    let answer: Value = response.json().await.expect("JSON");
    let found = harness
        .ids("/api/v4/contacts?query=2079460321", "contacts")
        .await;

    // Assert
    let id = answer["_embedded"]["contacts"][0]["id"]
        .as_i64()
        .expect("an id");
    assert_eq!(answer["_embedded"]["contacts"][0]["request_id"], "ud-2001");
    assert_eq!(found, vec![id]);
    let contact = harness.get_ok(&format!("/api/v4/contacts/{id}")).await;
    assert_eq!(contact["name"], "Luna Lovegood");
    let phone = &contact["custom_fields_values"][0];
    assert_eq!(phone["field_code"], "PHONE");
    assert_eq!(phone["values"][0]["enum_code"], "MOB");
    assert_eq!(phone["values"][0]["enum_id"], ENUM_PHONE_MOB);
    assert_eq!(
        contact["custom_fields_values"][1]["values"][0]["enum_code"], "WORK",
        "the kind defaults to WORK"
    );
}

#[tokio::test]
async fn a_contact_without_any_name_is_refused_and_nothing_is_written() {
    // Arrange
    let harness = Harness::start().await;
    let body = json!([{ "name": "Valid Person" }, { "custom_fields_values": [] }]);

    // Act
    let errors = validation_errors(harness.post("/api/v4/contacts", &body).await).await;

    // Assert
    assert_eq!(errors[0]["request_id"], "1");
    assert_eq!(errors[0]["errors"][0]["code"], "FieldIsRequired");
    assert_eq!(errors[0]["errors"][0]["path"], "name");
    assert_eq!(
        harness
            .ids("/api/v4/contacts?query=Valid%20Person", "contacts")
            .await,
        Vec::<i64>::new()
    );
}

#[tokio::test]
async fn a_contact_with_an_unknown_field_is_refused_naming_the_path() {
    // Arrange
    let harness = Harness::start().await;
    let body = json!([{ "name": "X", "request_id": "r1", "custom_fields_values": [
        { "field_code": "PHONE", "values": [{ "value": "1" }] },
        { "field_id": 999, "values": [{ "value": "?" }] },
    ] }]);

    // Act
    let errors = validation_errors(harness.post("/api/v4/contacts", &body).await).await;

    // Assert
    assert_eq!(errors[0]["request_id"], "r1");
    assert_eq!(errors[0]["errors"][0]["code"], "NotSupportedChoice");
    assert_eq!(
        errors[0]["errors"][0]["path"],
        "custom_fields_values.1.field_id"
    );
}

#[tokio::test]
async fn patching_a_contact_replaces_a_field_and_moves_updated_at() {
    // Arrange
    let harness = Harness::start().await;
    let before = harness
        .get_ok(&format!("/api/v4/contacts/{CONTACT_DRACO}"))
        .await;

    // Act
    let response = harness
        .patch(
            "/api/v4/contacts",
            &json!([{ "id": CONTACT_DRACO, "custom_fields_values": [{ "field_code": "POSITION", "values": [{ "value": "Heir" }] }] }]),
        )
        .await;

    // Assert
    assert_eq!(response.status(), StatusCode::OK);
    let after = harness
        .get_ok(&format!("/api/v4/contacts/{CONTACT_DRACO}"))
        .await;
    let position = after["custom_fields_values"]
        .as_array()
        .expect("values")
        .iter()
        .find(|f| f["field_code"] == "POSITION")
        .expect("a position");
    assert_eq!(position["values"][0]["value"], "Heir");
    assert!(after["updated_at"].as_i64() > before["updated_at"].as_i64());
}

#[tokio::test]
async fn a_created_lead_is_linked_to_its_contact_and_gets_a_lead_added_event() {
    // Arrange
    let harness = Harness::start().await;
    let body = json!([{
        "name": "Wand polish", "price": 1200, "pipeline_id": PIPELINE_SALES, "status_id": STATUS_FIRST_CONTACT,
        "custom_fields_values": [
            { "field_id": FIELD_PRODUCT, "values": [{ "enum_id": ENUM_PRODUCT_WANDS }] },
            { "field_id": FIELD_DELIVERY_DATE, "values": [{ "value": "2025-10-01T00:00:00+00:00" }] },
            { "field_id": FIELD_RUSH_ORDER, "values": [{ "value": false }] },
        ],
        "_embedded": { "contacts": [{ "id": CONTACT_NEVILLE }], "tags": [{ "name": "usedesk" }] },
    }]);

    // Act
    let id = created_id(harness.post("/api/v4/leads", &body).await, "leads").await;

    // Assert
    let lead = harness
        .get_ok(&format!("/api/v4/leads/{id}?with=contacts"))
        .await;
    assert_eq!(lead["name"], "Wand polish");
    assert_eq!(
        lead["responsible_user_id"], USER_ALBUS,
        "the token's user by default"
    );
    assert_eq!(lead["_embedded"]["contacts"][0]["id"], CONTACT_NEVILLE);
    assert_eq!(lead["_embedded"]["contacts"][0]["is_main"], true);
    assert_eq!(lead["_embedded"]["tags"][0]["name"], "usedesk");
    let values = lead["custom_fields_values"].as_array().expect("values");
    assert_eq!(values[0]["values"][0]["value"], "Wands");
    assert_eq!(values[1]["values"][0]["value"], 1_759_276_800);
    let neville = harness
        .get_ok(&format!("/api/v4/contacts/{CONTACT_NEVILLE}?with=leads"))
        .await;
    assert_eq!(embedded_ids(&neville, "leads"), vec![id]);
    assert_eq!(event_types(&harness, id).await, vec!["lead_added"]);
}

#[tokio::test]
async fn a_stage_of_another_pipeline_is_refused_as_not_supported_choice() {
    // Arrange
    let harness = Harness::start().await;
    let body = json!([{ "name": "Mismatch", "pipeline_id": PIPELINE_SALES, "status_id": STATUS_ONBOARDING }]);

    // Act
    let errors = validation_errors(harness.post("/api/v4/leads", &body).await).await;

    // Assert
    assert_eq!(errors[0]["errors"][0]["code"], "NotSupportedChoice");
    assert_eq!(errors[0]["errors"][0]["path"], "status_id");
}

#[tokio::test]
async fn a_lead_entering_negotiation_without_budget_confirmed_is_refused_as_field_is_required() {
    // Arrange
    let harness = Harness::start().await;
    let body = json!([{ "name": "No budget", "pipeline_id": PIPELINE_SALES, "status_id": STATUS_NEGOTIATION }]);

    // Act
    let errors = validation_errors(harness.post("/api/v4/leads", &body).await).await;

    // Assert
    let error = &errors[0]["errors"][0];
    assert_eq!(error["code"], "FieldIsRequired");
    assert_eq!(error["path"], "custom_fields_values");
    assert!(
        error["detail"]
            .as_str()
            .is_some_and(|d| d.contains("Budget confirmed")),
        "{error}"
    );
}

#[tokio::test]
async fn an_unknown_choice_of_a_select_field_is_refused_with_its_path() {
    // Arrange
    let harness = Harness::start().await;
    let body = json!([{ "name": "Odd", "custom_fields_values": [{ "field_id": FIELD_PRODUCT, "values": [{ "enum_id": 1 }] }] }]);

    // Act
    let errors = validation_errors(harness.post("/api/v4/leads", &body).await).await;

    // Assert
    assert_eq!(errors[0]["errors"][0]["code"], "NotSupportedChoice");
    assert_eq!(
        errors[0]["errors"][0]["path"],
        "custom_fields_values.0.values.0.enum_id"
    );
}

#[tokio::test]
async fn moving_a_lead_into_decision_making_requires_the_product() {
    // Arrange: Molly's wool lead has no Product.
    let harness = Harness::start().await;
    let lead = 20_000_007;

    // Act
    let refused = harness
        .patch(
            &format!("/api/v4/leads/{lead}"),
            &json!({ "status_id": STATUS_DECISION_MAKING }),
        )
        .await;
    let accepted = harness
        .patch(
            &format!("/api/v4/leads/{lead}"),
            &json!({ "status_id": STATUS_DECISION_MAKING, "custom_fields_values": [{ "field_id": FIELD_PRODUCT, "values": [{ "value": "Robes" }] }] }),
        )
        .await;

    // Assert
    let errors = validation_errors(refused).await;
    assert_eq!(errors[0]["errors"][0]["code"], "FieldIsRequired");
    assert_eq!(accepted.status(), StatusCode::OK);
    let stored = harness.get_ok(&format!("/api/v4/leads/{lead}")).await;
    assert_eq!(stored["status_id"], STATUS_DECISION_MAKING);
}

#[tokio::test]
async fn updating_a_lead_records_status_responsible_price_and_field_events() {
    // Arrange
    let harness = Harness::start().await;
    let lead = LEAD_ARTHUR_FORD;

    // Act
    let response = harness
        .patch(
            "/api/v4/leads",
            &json!([{ "id": lead, "status_id": STATUS_WON, "responsible_user_id": USER_SEVERUS, "price": 70000,
                      "custom_fields_values": [{ "field_id": FIELD_BUDGET_CONFIRMED, "values": [{ "value": 70000 }] }] }]),
        )
        .await;

    // Assert
    assert_eq!(response.status(), StatusCode::OK);
    let stored = harness.get_ok(&format!("/api/v4/leads/{lead}")).await;
    assert!(stored["closed_at"].is_i64(), "a won lead is closed");
    let body = harness
        .get_ok(&format!(
            "/api/v4/events?filter[entity]=lead&filter[entity_id][]={lead}"
        ))
        .await;
    let events = body["_embedded"]["events"].as_array().expect("events");
    let status_change = events
        .iter()
        .find(|e| {
            e["type"] == "lead_status_changed"
                && e["value_after"][0]["lead_status"]["id"] == STATUS_WON
        })
        .expect("a status change to won");
    assert_eq!(
        status_change["value_before"][0]["lead_status"]["id"],
        STATUS_DECISION_MAKING
    );
    assert_eq!(status_change["created_by"], USER_ALBUS);
    let kinds: Vec<&str> = events.iter().filter_map(|e| e["type"].as_str()).collect();
    for wanted in [
        "entity_responsible_changed",
        "sale_field_changed",
        "custom_field_600001_value_changed",
    ] {
        assert!(kinds.contains(&wanted), "{wanted} in {kinds:?}");
    }
}

#[tokio::test]
async fn a_posted_note_appears_in_the_lead_notes() {
    // Arrange
    let harness = Harness::start().await;
    let body = json!([{ "note_type": "common", "params": { "text": "Client called from Usedesk ticket #1002" } }]);

    // Act
    let id = created_id(
        harness
            .post(&format!("/api/v4/leads/{LEAD_HARRY_KIT}/notes"), &body)
            .await,
        "notes",
    )
    .await;

    // Assert
    let notes = harness
        .get_ok(&format!("/api/v4/leads/{LEAD_HARRY_KIT}/notes"))
        .await;
    let note = notes["_embedded"]["notes"]
        .as_array()
        .expect("notes")
        .iter()
        .find(|n| n["id"] == id)
        .expect("the new note")
        .clone();
    assert_eq!(
        note["params"]["text"],
        "Client called from Usedesk ticket #1002"
    );
    assert_eq!(note["created_by"], USER_ALBUS);
    assert_eq!(note["entity_id"], LEAD_HARRY_KIT);
}

#[tokio::test]
async fn an_empty_common_note_is_refused() {
    // Arrange
    let harness = Harness::start().await;

    // Act
    let response = harness
        .post(
            &format!("/api/v4/leads/{LEAD_HARRY_KIT}/notes"),
            &json!([{ "note_type": "common", "params": { "text": " " } }]),
        )
        .await;

    // Assert
    let errors = validation_errors(response).await;
    assert_eq!(errors[0]["errors"][0]["path"], "params.text");
}

#[tokio::test]
async fn linking_a_contact_updates_both_sides_and_unlinking_undoes_it() {
    // Arrange
    let harness = Harness::start().await;
    let link = json!([{ "to_entity_id": CONTACT_GINNY, "to_entity_type": "contacts", "metadata": { "is_main": false } }]);

    // Act
    let linked = harness
        .post(&format!("/api/v4/leads/{LEAD_BURROW_ROOF}/link"), &link)
        .await;
    let ginny_after_link = harness
        .get_ok(&format!("/api/v4/contacts/{CONTACT_GINNY}?with=leads"))
        .await;
    let unlinked = harness
        .post(&format!("/api/v4/leads/{LEAD_BURROW_ROOF}/unlink"), &link)
        .await;

    // Assert
    assert_eq!(linked.status(), StatusCode::OK);
    let body: Value = linked.json().await.expect("JSON");
    assert_eq!(body["_embedded"]["links"][0]["to_entity_id"], CONTACT_GINNY);
    assert_eq!(
        embedded_ids(&ginny_after_link, "leads"),
        vec![LEAD_BURROW_ROOF]
    );
    assert_eq!(unlinked.status(), StatusCode::NO_CONTENT);
    let lead = harness
        .get_ok(&format!("/api/v4/leads/{LEAD_BURROW_ROOF}?with=contacts"))
        .await;
    let contacts: Vec<i64> = embedded_ids(&lead, "contacts");
    assert_eq!(contacts, vec![CONTACT_ARTHUR, CONTACT_MOLLY]);
    let kinds = event_types(&harness, LEAD_BURROW_ROOF).await;
    assert!(
        kinds.contains(&"entity_linked".to_owned())
            && kinds.contains(&"entity_unlinked".to_owned()),
        "{kinds:?}"
    );
}

#[tokio::test]
async fn a_complex_lead_creates_its_contact_and_links_it() {
    // Arrange
    let harness = Harness::start().await;
    let body = json!([{
        "name": "Complex order", "price": 500,
        "_embedded": {
            "contacts": [{ "first_name": "Dean", "last_name": "Thomas",
                           "custom_fields_values": [{ "field_code": "EMAIL", "values": [{ "value": "dean@gryffindor.example", "enum_code": "PRIV" }] }] }],
            "companies": [{ "name": "West Ham Supporters" }],
        },
    }]);

    // Act
    let response = harness.post("/api/v4/leads/complex", &body).await;

    // Assert
    assert_eq!(response.status(), StatusCode::OK);
    let answer: Value = response.json().await.expect("JSON");
    let lead_id = answer[0]["id"].as_i64().expect("a lead id");
    let contact_id = answer[0]["contact_id"].as_i64().expect("a contact id");
    assert!(answer[0]["company_id"].is_i64());
    assert_eq!(answer[0]["request_id"], json!(["0"]));
    assert_eq!(answer[0]["merged"], false);
    let contact = harness
        .get_ok(&format!("/api/v4/contacts/{contact_id}?with=leads"))
        .await;
    assert_eq!(contact["name"], "Dean Thomas");
    assert_eq!(embedded_ids(&contact, "leads"), vec![lead_id]);
}

#[tokio::test]
async fn more_than_fifty_complex_leads_are_refused() {
    // Arrange
    let harness = Harness::start().await;
    let body = Value::Array(
        (0..51)
            .map(|i| json!({ "name": format!("Lead {i}") }))
            .collect(),
    );

    // Act
    let response = harness.post("/api/v4/leads/complex", &body).await;

    // Assert
    assert_eq!(response.status(), StatusCode::UNPROCESSABLE_ENTITY);
}

#[tokio::test]
async fn a_body_that_is_not_an_array_is_a_bad_request() {
    // Arrange
    let harness = Harness::start().await;

    // Act
    let response = harness
        .post("/api/v4/leads", &json!({ "name": "single" }))
        .await;

    // Assert
    assert_eq!(response.status(), StatusCode::BAD_REQUEST);
    assert_eq!(content_type(&response), "application/problem+json");
}

#[tokio::test]
async fn a_note_posted_to_a_contact_is_in_that_contacts_notes_and_not_in_a_leads() {
    // Arrange
    let harness = Harness::start().await;
    let body = json!([{ "note_type": "common", "params": { "text": "Created from Usedesk ticket #1002" } }]);

    // Act
    let id = created_id(
        harness
            .post(&format!("/api/v4/contacts/{CONTACT_HARRY}/notes"), &body)
            .await,
        "notes",
    )
    .await;

    // Assert
    let notes = harness
        .get_ok(&format!("/api/v4/contacts/{CONTACT_HARRY}/notes"))
        .await;
    let note = &notes["_embedded"]["notes"][0];
    assert_eq!(note["id"], id);
    assert_eq!(note["entity_id"], CONTACT_HARRY);
    assert_eq!(note["params"]["text"], "Created from Usedesk ticket #1002");
    assert!(
        note["_links"]["self"]["href"]
            .as_str()
            .is_some_and(|h| h.contains("/api/v4/contacts/")),
        "{note}"
    );
    let lead_notes = harness
        .get_ok(&format!("/api/v4/leads/{LEAD_HARRY_KIT}/notes"))
        .await;
    assert!(
        lead_notes["_embedded"]["notes"]
            .as_array()
            .expect("notes")
            .iter()
            .all(|n| n["id"] != id),
        "a contact's note is not in a lead's feed"
    );
    let missing = harness.post("/api/v4/contacts/999999/notes", &body).await;
    assert_eq!(missing.status(), StatusCode::NOT_FOUND);
}
