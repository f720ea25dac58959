//! The lead's feed: notes and events.

use amocrm::{Error, EventEntity, EventsQuery, NewNote, NoteType};
use serde_json::json;
use wiremock::matchers::{body_json, body_partial_json, method, path, query_param};
use wiremock::{Mock, ResponseTemplate};

use crate::support::{Harness, fixture};

#[tokio::test]
async fn notes_of_a_lead_are_listed_with_known_and_unknown_types() {
    // Arrange
    let harness = Harness::start().await;
    Mock::given(method("GET"))
        .and(path("/api/v4/leads/7001/notes"))
        .and(query_param("limit", "250"))
        .respond_with(harness.hal(fixture!("notes.json")))
        .expect(1)
        .mount(&harness.server)
        .await;

    // Act
    let notes = harness.client.notes().list_for_lead(7001).await;

    // Assert
    let notes = notes.expect("notes");
    assert_eq!(notes.len(), 3);
    assert_eq!(notes[0].note_type, NoteType::Common);
    assert_eq!(notes[0].text(), Some("Customer wants the 2024 model."));
    assert_eq!(notes[1].note_type, NoteType::CallIn);
    assert_eq!(notes[1].params["duration"], 60);
    assert_eq!(notes[1].text(), None);
    assert_eq!(notes[2].note_type, NoteType::Other("owl_post".to_owned()));
    assert_eq!(notes[2].text(), Some("Delivered by owl"));
    assert_eq!(notes[2].created_by, 0);
}

#[tokio::test]
async fn a_comment_is_added_as_a_common_note_with_a_request_id() {
    // Arrange
    let harness = Harness::start().await;
    Mock::given(method("POST"))
        .and(path("/api/v4/leads/7001/notes"))
        .and(body_json(json!([{
            "note_type": "common",
            "params": {"text": "Called from Usedesk ticket 1002"},
            "request_id": "note-1"
        }])))
        .respond_with(harness.hal(fixture!("notes_created.json")))
        .expect(1)
        .mount(&harness.server)
        .await;
    let note = NewNote {
        request_id: Some("note-1".to_owned()),
        ..NewNote::common("Called from Usedesk ticket 1002")
    };

    // Act
    let created = harness.client.notes().create_for_lead(7001, &[note]).await;

    // Assert
    let created = created.expect("created");
    assert_eq!(created[0].id, 5101);
    assert_eq!(created[0].request_id.as_deref(), Some("note-1"));
}

#[tokio::test]
async fn a_note_is_added_to_a_contact_on_the_contacts_path() {
    // Arrange
    let harness = Harness::start().await;
    Mock::given(method("POST"))
        .and(path("/api/v4/contacts/3001/notes"))
        .and(body_partial_json(json!([{
            "note_type": "common",
            "params": {"text": "Created from Usedesk ticket #1002"}
        }])))
        .respond_with(harness.hal(fixture!("notes_created.json")))
        .expect(1)
        .mount(&harness.server)
        .await;

    // Act
    let created = harness
        .client
        .notes()
        .create_for_contact(
            3001,
            &[NewNote::common("Created from Usedesk ticket #1002")],
        )
        .await;

    // Assert
    assert_eq!(created.expect("created")[0].id, 5101);
}

#[tokio::test]
async fn events_of_leads_are_filtered_by_entity_ids_types_and_extras() {
    // Arrange
    let harness = Harness::start().await;
    Mock::given(method("GET"))
        .and(path("/api/v4/events"))
        .and(query_param("filter[entity]", "lead"))
        .and(query_param("filter[entity_id][]", "7001"))
        .and(query_param(
            "filter[type]",
            "lead_added,lead_status_changed",
        ))
        .and(query_param("with", "lead_name"))
        .and(query_param("limit", "100"))
        .respond_with(harness.hal(fixture!("events.json")))
        .expect(1)
        .mount(&harness.server)
        .await;
    let query = EventsQuery {
        types: vec!["lead_added".to_owned(), "lead_status_changed".to_owned()],
        with: vec!["lead_name".to_owned()],
        ..EventsQuery::for_leads([7001])
    };

    // Act
    let events = harness.client.events().list(&query).await;

    // Assert
    let events = events.expect("events");
    assert_eq!(events.len(), 3);
    assert_eq!(events[0].id, "01hq8k2y3a4b5c6d7e8f9g0h1j");
    assert_eq!(events[1].event_type, "lead_status_changed");
    assert_eq!(events[1].value_before[0]["lead_status"]["id"], 40000);
    assert_eq!(events[1].value_after[0]["lead_status"]["id"], 40001);
    assert_eq!(events[2].event_type, "custom_field_702_value_changed");
    assert_eq!(events[2].entity_type, "lead");
}

#[tokio::test]
async fn no_matching_events_is_an_empty_list() {
    // Arrange
    let harness = Harness::start().await;
    Mock::given(method("GET"))
        .and(path("/api/v4/events"))
        .and(query_param("filter[entity]", "catalog_5"))
        .respond_with(ResponseTemplate::new(204))
        .expect(1)
        .mount(&harness.server)
        .await;
    let query = EventsQuery {
        entity: EventEntity::Catalog(5),
        ..EventsQuery::for_leads([])
    };

    // Act
    let events = harness.client.events().list(&query).await;

    // Assert
    assert!(events.expect("204 is a success").is_empty());
}

#[tokio::test]
async fn more_than_ten_entity_ids_or_a_limit_above_100_is_refused_before_sending() {
    // Arrange
    let harness = Harness::start().await;
    let too_many_ids = EventsQuery::for_leads(1..=11);
    let too_large_page = EventsQuery {
        limit: Some(250),
        ..EventsQuery::for_leads([7001])
    };

    // Act
    let ids_result = harness.client.events().list(&too_many_ids).await;
    let limit_result = harness.client.events().list(&too_large_page).await;

    // Assert
    assert!(
        matches!(ids_result, Err(Error::InvalidArgument(_))),
        "{ids_result:?}"
    );
    assert!(
        matches!(limit_result, Err(Error::InvalidArgument(_))),
        "{limit_result:?}"
    );
}
