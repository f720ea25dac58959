//! `query` search over contacts, driven by the sample Usedesk tickets.

use std::collections::BTreeSet;

use reqwest::StatusCode;
use sandbox::seed::*;
use sandbox::{SampleTicket, sample_tickets};

use crate::support::{Harness, content_type, enc};

/// What a careful client sends for a phone: its digits without the country prefix (`+7`/`8`).
fn phone_query(phone: &str) -> String {
    let digits: String = phone.chars().filter(char::is_ascii_digit).collect();
    if digits.len() == 11 && (digits.starts_with('7') || digits.starts_with('8')) {
        digits[1..].to_owned()
    } else {
        digits
    }
}

/// Every contact any of the ticket client's identifiers finds.
async fn contacts_found_for(harness: &Harness, ticket: &SampleTicket) -> BTreeSet<i64> {
    let mut queries: Vec<String> = ticket
        .phones
        .iter()
        .map(|(_, phone)| phone_query(phone))
        .collect();
    queries.extend(ticket.emails.iter().cloned());
    let mut found = BTreeSet::new();
    for query in queries {
        found.extend(
            harness
                .ids(
                    &format!("/api/v4/contacts?query={}", enc(&query)),
                    "contacts",
                )
                .await,
        );
    }
    found
}

fn ticket(id: i64) -> SampleTicket {
    sample_tickets()
        .into_iter()
        .find(|t| t.ticket_id == id)
        .expect("a sample ticket")
}

#[tokio::test]
async fn the_client_of_ticket_1001_matches_no_contact() {
    // Arrange
    let harness = Harness::start().await;

    // Act
    let found = contacts_found_for(&harness, &ticket(TICKET_NO_MATCH)).await;

    // Assert
    assert_eq!(found, BTreeSet::new());
}

#[tokio::test]
async fn the_client_of_ticket_1002_matches_exactly_harry() {
    // Arrange
    let harness = Harness::start().await;

    // Act
    let found = contacts_found_for(&harness, &ticket(TICKET_ONE_MATCH)).await;

    // Assert
    assert_eq!(found, BTreeSet::from([CONTACT_HARRY]));
}

#[tokio::test]
async fn the_client_of_ticket_1003_matches_arthur_molly_and_ron() {
    // Arrange
    let harness = Harness::start().await;

    // Act
    let found = contacts_found_for(&harness, &ticket(TICKET_THREE_MATCHES)).await;

    // Assert
    assert_eq!(
        found,
        BTreeSet::from([CONTACT_RON, CONTACT_ARTHUR, CONTACT_MOLLY])
    );
}

#[tokio::test]
async fn the_client_of_ticket_1004_has_no_phone_and_no_email() {
    // Arrange and act
    let ticket = ticket(TICKET_NO_IDENTIFIERS);

    // Assert
    assert!(
        ticket.phones.is_empty() && ticket.emails.is_empty(),
        "{ticket:?}"
    );
}

#[tokio::test]
async fn an_email_search_ignores_case() {
    // Arrange
    let harness = Harness::start().await;

    // Act
    let found = harness
        .ids(
            &format!(
                "/api/v4/contacts?query={}",
                enc("HARRY.POTTER@hogwarts.EXAMPLE")
            ),
            "contacts",
        )
        .await;

    // Assert
    assert_eq!(found, vec![CONTACT_HARRY]);
}

#[tokio::test]
async fn a_phone_search_with_the_international_prefix_finds_a_number_stored_with_it() {
    // Arrange
    let harness = Harness::start().await;

    // Act
    let found = harness
        .ids(
            &format!("/api/v4/contacts?query={}", enc("+79161234567")),
            "contacts",
        )
        .await;

    // Assert
    assert_eq!(found, vec![CONTACT_HARRY]);
}

#[tokio::test]
async fn a_phone_search_with_the_trunk_prefix_8_misses_a_number_stored_with_plus_7() {
    // Arrange: Harry's number is stored as "+7 (916) 123-45-67"; its digits do not contain "89161234567".
    let harness = Harness::start().await;

    // Act
    let response = harness.get("/api/v4/contacts?query=89161234567").await;

    // Assert
    assert_eq!(response.status(), StatusCode::NO_CONTENT);
}

#[tokio::test]
async fn a_query_that_matches_nothing_answers_204_with_an_empty_body() {
    // Arrange
    let harness = Harness::start().await;

    // Act
    let response = harness
        .get("/api/v4/contacts?query=luna.lovegood%40quibbler.example")
        .await;

    // Assert
    assert_eq!(response.status(), StatusCode::NO_CONTENT);
    assert_eq!(content_type(&response), "");
    assert!(response.bytes().await.expect("a body").is_empty());
}

#[tokio::test]
async fn a_query_searches_names_as_substrings() {
    // Arrange
    let harness = Harness::start().await;

    // Act
    let found = harness
        .ids("/api/v4/contacts?query=weasley", "contacts")
        .await;

    // Assert
    assert_eq!(
        found,
        vec![CONTACT_RON, CONTACT_ARTHUR, CONTACT_MOLLY, CONTACT_GINNY]
    );
}

#[tokio::test]
async fn contacts_with_leads_embed_the_ids_of_their_leads() {
    // Arrange
    let harness = Harness::start().await;

    // Act
    let body = harness
        .get_ok(&format!("/api/v4/contacts/{CONTACT_HARRY}?with=leads"))
        .await;

    // Assert
    let leads: Vec<i64> = body["_embedded"]["leads"]
        .as_array()
        .expect("embedded leads")
        .iter()
        .map(|l| l["id"].as_i64().expect("an id"))
        .collect();
    assert_eq!(
        leads,
        vec![
            LEAD_HARRY_FIREBOLT,
            LEAD_HARRY_KIT,
            LEAD_HARRY_CLOAK,
            LEAD_HARRY_PARTNERSHIP
        ]
    );
}

#[tokio::test]
async fn a_contact_has_its_position_and_tags_and_a_new_contact_keeps_the_tags_it_was_sent() {
    // Arrange
    let harness = Harness::start().await;
    let new = serde_json::json!([{"name": "Luna Lovegood", "_embedded": {"tags": [{"name": "Quibbler"}]}}]);

    // Act
    let harry = harness
        .get_ok(&format!("/api/v4/contacts/{CONTACT_HARRY}"))
        .await;
    let created = harness.post("/api/v4/contacts", &new).await;
    let created: serde_json::Value = created.json().await.expect("a JSON body");
    let id = created["_embedded"]["contacts"][0]["id"]
        .as_i64()
        .expect("the new contact's id");
    let luna = harness.get_ok(&format!("/api/v4/contacts/{id}")).await;

    // Assert
    let tags = |contact: &serde_json::Value| -> Vec<String> {
        contact["_embedded"]["tags"]
            .as_array()
            .expect("embedded tags")
            .iter()
            .map(|t| t["name"].as_str().expect("a tag name").to_owned())
            .collect()
    };
    assert_eq!(tags(&harry), ["VIP", "Quidditch"]);
    let position = harry["custom_fields_values"]
        .as_array()
        .expect("values")
        .iter()
        .find(|v| v["field_code"] == "POSITION")
        .map(|v| v["values"][0]["value"].clone());
    assert_eq!(position, Some(serde_json::json!("Seeker")));
    assert_eq!(tags(&luna), ["Quibbler"]);
}

#[tokio::test]
async fn harry_has_open_won_and_lost_leads_with_contacts_embedded() {
    // Arrange
    let harness = Harness::start().await;
    let query = format!(
        "/api/v4/leads?with=contacts&filter[id][]={LEAD_HARRY_FIREBOLT}&filter[id][]={LEAD_HARRY_KIT}&filter[id][]={LEAD_HARRY_CLOAK}"
    );

    // Act
    let body = harness.get_ok(&query).await;

    // Assert
    let leads = body["_embedded"]["leads"].as_array().expect("leads");
    let statuses: Vec<i64> = leads
        .iter()
        .map(|l| l["status_id"].as_i64().expect("a status"))
        .collect();
    assert_eq!(statuses, vec![STATUS_NEGOTIATION, STATUS_WON, STATUS_LOST]);
    for lead in leads {
        assert_eq!(lead["_embedded"]["contacts"][0]["id"], CONTACT_HARRY);
        assert_eq!(lead["_embedded"]["contacts"][0]["is_main"], true);
    }
    assert!(leads[1]["closed_at"].is_i64(), "a won lead has closed_at");
    assert!(
        leads[0]["closed_at"].is_null(),
        "an open lead has no closed_at"
    );
}

#[tokio::test]
async fn leads_filter_by_pipeline_and_by_stage() {
    // Arrange
    let harness = Harness::start().await;

    // Act
    let partners = harness
        .ids(
            &format!("/api/v4/leads?filter[pipeline_id][]={PIPELINE_PARTNERS}"),
            "leads",
        )
        .await;
    let negotiation = harness
        .ids(
            &format!(
                "/api/v4/leads?filter[statuses][0][pipeline_id]={PIPELINE_SALES}&filter[statuses][0][status_id]={STATUS_NEGOTIATION}"
            ),
            "leads",
        )
        .await;

    // Assert
    assert_eq!(
        partners,
        vec![LEAD_HARRY_PARTNERSHIP, 20_000_006, 20_000_013]
    );
    assert_eq!(
        negotiation,
        vec![LEAD_HARRY_FIREBOLT, 20_000_012, LEAD_MINISTRY_OWN]
    );
}

#[tokio::test]
async fn a_lead_query_searches_custom_field_values() {
    // Arrange
    let harness = Harness::start().await;

    // Act
    let found = harness
        .ids("/api/v4/leads?query=HT-2025-0042", "leads")
        .await;

    // Assert
    assert_eq!(found, vec![LEAD_HARRY_FIREBOLT]);
}
