//! `_links.next` pagination, `_page`, limits and 204 past the end.

use std::collections::BTreeSet;

use reqwest::StatusCode;
use sandbox::seed::{
    CONTACT_ARTHUR, CONTACT_COUNT, CONTACT_GINNY, CONTACT_MOLLY, CONTACT_RON, LEAD_FIELD_COUNT,
};
use serde_json::Value;

use crate::support::{Harness, embedded_ids};

#[tokio::test]
async fn lead_custom_fields_span_two_pages_joined_by_links_next() {
    // Arrange
    let harness = Harness::start().await;

    // Act
    let first = harness.get_ok("/api/v4/leads/custom_fields").await;
    let next = first["_links"]["next"]["href"]
        .as_str()
        .expect("a next link on page 1")
        .to_owned();
    let second: Value = harness
        .http
        .get(&next)
        .bearer_auth(&harness.token)
        .send()
        .await
        .expect("the sandbox answers")
        .json()
        .await
        .expect("a JSON body");

    // Assert
    assert_eq!(first["_page"], 1);
    assert_eq!(second["_page"], 2);
    assert_eq!(first["_total_items"], LEAD_FIELD_COUNT);
    assert_eq!(first["_page_count"], 2);
    assert!(
        next.starts_with(harness.amo("/api/v4/leads/custom_fields?").as_str()),
        "{next}"
    );
    assert!(second["_links"]["next"].is_null(), "page 2 is the last");
    assert_eq!(
        second["_links"]["prev"]["href"]
            .as_str()
            .map(|h| h.contains("page=1")),
        Some(true)
    );
    let mut ids: BTreeSet<i64> = embedded_ids(&first, "custom_fields").into_iter().collect();
    ids.extend(embedded_ids(&second, "custom_fields"));
    assert_eq!(embedded_ids(&first, "custom_fields").len(), 50);
    assert_eq!(ids.len(), LEAD_FIELD_COUNT);
}

#[tokio::test]
async fn lead_custom_fields_include_every_common_type_and_required_statuses() {
    // Arrange
    let harness = Harness::start().await;

    // Act
    let first = harness.get_ok("/api/v4/leads/custom_fields?page=1").await;

    // Assert
    let fields = first["_embedded"]["custom_fields"]
        .as_array()
        .expect("fields");
    let types: BTreeSet<&str> = fields.iter().filter_map(|f| f["type"].as_str()).collect();
    for wanted in [
        "text",
        "numeric",
        "checkbox",
        "select",
        "multiselect",
        "date",
        "date_time",
        "url",
        "textarea",
        "radiobutton",
        "birthday",
        "tracking_data",
        "chained_list",
    ] {
        assert!(types.contains(wanted), "no {wanted} field in {types:?}");
    }
    let with_required = fields
        .iter()
        .filter(|f| {
            f["required_statuses"]
                .as_array()
                .is_some_and(|r| !r.is_empty())
        })
        .count();
    assert!(
        with_required >= 2,
        "{with_required} fields have required_statuses"
    );
    let product = fields
        .iter()
        .find(|f| f["name"] == "Product")
        .expect("the Product field");
    assert_eq!(product["enums"].as_array().map(Vec::len), Some(4));
}

#[tokio::test]
async fn a_custom_field_limit_above_50_is_capped_at_50() {
    // Arrange
    let harness = Harness::start().await;

    // Act
    let body = harness
        .get_ok("/api/v4/leads/custom_fields?limit=250")
        .await;

    // Assert
    assert_eq!(embedded_ids(&body, "custom_fields").len(), 50);
    assert!(body["_links"]["next"]["href"].is_string());
}

#[tokio::test]
async fn contact_pages_keep_the_query_in_the_next_link() {
    // Arrange
    let harness = Harness::start().await;

    // Act
    let first = harness
        .get_ok("/api/v4/contacts?query=weasley&limit=2")
        .await;
    let next = first["_links"]["next"]["href"]
        .as_str()
        .expect("a next link")
        .to_owned();
    let second: Value = harness
        .http
        .get(&next)
        .bearer_auth(&harness.token)
        .send()
        .await
        .expect("an answer")
        .json()
        .await
        .expect("JSON");

    // Assert
    assert!(
        next.contains("query=weasley") && next.contains("page=2") && next.contains("limit=2"),
        "{next}"
    );
    assert_eq!(
        embedded_ids(&first, "contacts"),
        vec![CONTACT_RON, CONTACT_ARTHUR]
    );
    assert_eq!(
        embedded_ids(&second, "contacts"),
        vec![CONTACT_MOLLY, CONTACT_GINNY]
    );
    assert!(second["_links"]["next"].is_null());
}

#[tokio::test]
async fn a_page_past_the_end_answers_204() {
    // Arrange
    let harness = Harness::start().await;

    // Act
    let response = harness.get("/api/v4/contacts?page=3&limit=10").await;

    // Assert
    assert_eq!(response.status(), StatusCode::NO_CONTENT);
}

#[tokio::test]
async fn a_contact_limit_above_250_is_refused_with_a_problem() {
    // Arrange
    let harness = Harness::start().await;

    // Act
    let response = harness.get("/api/v4/contacts?limit=251").await;

    // Assert
    assert_eq!(response.status(), StatusCode::BAD_REQUEST);
    assert_eq!(
        crate::support::content_type(&response),
        "application/problem+json"
    );
    let body: Value = response.json().await.expect("JSON");
    assert_eq!(body["status"], 400);
}

#[tokio::test]
async fn contacts_order_by_updated_at_descending() {
    // Arrange
    let harness = Harness::start().await;

    // Act
    let body = harness
        .get_ok("/api/v4/contacts?order[updated_at]=desc&limit=250")
        .await;

    // Assert
    let stamps: Vec<i64> = body["_embedded"]["contacts"]
        .as_array()
        .expect("contacts")
        .iter()
        .map(|c| c["updated_at"].as_i64().expect("a timestamp"))
        .collect();
    assert_eq!(stamps.len(), CONTACT_COUNT);
    assert!(stamps.windows(2).all(|w| w[0] >= w[1]), "{stamps:?}");
}
