//! Account, users, pipelines, notes and events as the seed defines them, and routing errors.

use reqwest::StatusCode;
use sandbox::seed::*;
use serde_json::Value;

use crate::support::{Harness, content_type};

#[tokio::test]
async fn the_account_is_hogwarts_trading_in_roubles() {
    // Arrange
    let harness = Harness::start().await;

    // Act
    let account = harness.get_ok("/api/v4/account?with=amojo_id").await;

    // Assert
    assert_eq!(account["name"], ACCOUNT_NAME);
    assert_eq!(account["subdomain"], ACCOUNT_SUBDOMAIN);
    assert_eq!(account["currency"], "RUB");
    assert_eq!(account["currency_symbol"], "₽");
    assert_eq!(account["current_user_id"], USER_ALBUS);
    assert!(account["amojo_id"].is_string());
}

#[tokio::test]
async fn the_accounts_time_zone_comes_under_embedded_datetime_settings_only_when_asked_for() {
    // Arrange
    let harness = Harness::start().await;

    // Act
    let plain = harness.get_ok("/api/v4/account").await;
    let with = harness
        .get_ok("/api/v4/account?with=datetime_settings,users_groups")
        .await;

    // Assert
    assert!(plain["_embedded"]["datetime_settings"].is_null());
    let settings = &with["_embedded"]["datetime_settings"];
    assert_eq!(settings["timezone"], TIME_ZONE);
    assert_eq!(settings["timezone_offset"], "+03:00");
    assert_eq!(settings["date_format"], "d.m.Y");
    assert!(with["_embedded"]["users_groups"].is_array(), "both extras");
}

#[tokio::test]
async fn there_are_four_users_and_one_admin() {
    // Arrange
    let harness = Harness::start().await;

    // Act
    let body = harness.get_ok("/api/v4/users").await;

    // Assert
    let users = body["_embedded"]["users"].as_array().expect("users");
    assert_eq!(users.len(), 4);
    let admins: Vec<i64> = users
        .iter()
        .filter(|u| u["rights"]["is_admin"] == true)
        .map(|u| u["id"].as_i64().expect("an id"))
        .collect();
    assert_eq!(admins, vec![USER_ALBUS]);
}

#[tokio::test]
async fn pipelines_have_coloured_stages_with_incoming_won_and_lost() {
    // Arrange
    let harness = Harness::start().await;

    // Act
    let body = harness.get_ok("/api/v4/leads/pipelines").await;

    // Assert
    let pipelines = body["_embedded"]["pipelines"]
        .as_array()
        .expect("pipelines");
    assert_eq!(pipelines.len(), 2);
    assert_eq!(pipelines[0]["is_main"], true);
    for pipeline in pipelines {
        let statuses = pipeline["_embedded"]["statuses"]
            .as_array()
            .expect("statuses");
        assert!((6..=8).contains(&statuses.len()), "{}", statuses.len());
        assert!(
            statuses
                .iter()
                .all(|s| s["color"].as_str().is_some_and(|c| c.starts_with('#')))
        );
        assert_eq!(
            statuses.iter().filter(|s| s["type"] == 1).count(),
            1,
            "one incoming stage"
        );
        assert!(statuses.iter().any(|s| s["id"] == STATUS_WON));
        assert!(statuses.iter().any(|s| s["id"] == STATUS_LOST));
    }
}

#[tokio::test]
async fn contact_custom_fields_offer_phone_and_email_kinds() {
    // Arrange
    let harness = Harness::start().await;

    // Act
    let body = harness.get_ok("/api/v4/contacts/custom_fields").await;

    // Assert
    let fields = body["_embedded"]["custom_fields"]
        .as_array()
        .expect("fields");
    let phone = fields.iter().find(|f| f["code"] == "PHONE").expect("PHONE");
    let kinds: Vec<&str> = phone["enums"]
        .as_array()
        .expect("enums")
        .iter()
        .filter_map(|e| e["value"].as_str())
        .collect();
    assert_eq!(kinds, vec!["WORK", "WORKDD", "MOB", "FAX", "HOME", "OTHER"]);
    assert!(
        fields
            .iter()
            .any(|f| f["code"] == "EMAIL" && f["type"] == "multitext")
    );
    assert!(fields.iter().any(|f| f["name"] == "Position"));
}

#[tokio::test]
async fn the_firebolt_lead_has_every_kind_of_note_and_event() {
    // Arrange
    let harness = Harness::start().await;

    // Act
    let notes = harness
        .get_ok(&format!(
            "/api/v4/leads/notes?filter[entity_id][]={LEAD_HARRY_FIREBOLT}"
        ))
        .await;
    let events = harness
        .get_ok(&format!("/api/v4/events?filter[entity]=lead&filter[entity_id][]={LEAD_HARRY_FIREBOLT}&with=lead_name"))
        .await;

    // Assert
    let note_types: Vec<&str> = notes["_embedded"]["notes"]
        .as_array()
        .expect("notes")
        .iter()
        .filter_map(|n| n["note_type"].as_str())
        .collect();
    for wanted in ["common", "service_message", "call_in"] {
        assert!(note_types.contains(&wanted), "{wanted} in {note_types:?}");
    }
    let events = events["_embedded"]["events"].as_array().expect("events");
    let kinds: Vec<&str> = events.iter().filter_map(|e| e["type"].as_str()).collect();
    for wanted in [
        "lead_added",
        "lead_status_changed",
        "entity_responsible_changed",
        "custom_field_600001_value_changed",
        "incoming_chat_message",
    ] {
        assert!(kinds.contains(&wanted), "{wanted} in {kinds:?}");
    }
    let stamps: Vec<i64> = events
        .iter()
        .map(|e| e["created_at"].as_i64().expect("a time"))
        .collect();
    assert!(
        stamps.windows(2).all(|w| w[0] >= w[1]),
        "newest first: {stamps:?}"
    );
    assert!(events.iter().all(|e| e["id"].is_string()));
    let change = events
        .iter()
        .find(|e| e["type"] == "lead_status_changed")
        .expect("a status change");
    assert!(change["value_before"][0]["lead_status"]["id"].is_i64());
    assert!(change["value_after"][0]["lead_status"]["pipeline_id"].is_i64());
}

#[tokio::test]
async fn events_refuse_more_than_ten_entity_ids() {
    // Arrange
    let harness = Harness::start().await;
    let ids: String = (1..=11)
        .map(|i| format!("&filter[entity_id][]={i}"))
        .collect();

    // Act
    let response = harness
        .get(&format!("/api/v4/events?filter[entity]=lead{ids}"))
        .await;

    // Assert
    assert_eq!(response.status(), StatusCode::BAD_REQUEST);
}

#[tokio::test]
async fn events_refuse_a_limit_above_100() {
    // Arrange
    let harness = Harness::start().await;

    // Act
    let response = harness.get("/api/v4/events?limit=101").await;

    // Assert
    assert_eq!(response.status(), StatusCode::BAD_REQUEST);
}

#[tokio::test]
async fn events_of_a_lead_without_any_answer_204() {
    // Arrange
    let harness = Harness::start().await;

    // Act
    let response = harness
        .get("/api/v4/events?filter[entity]=lead&filter[entity_id][]=1")
        .await;

    // Assert
    assert_eq!(response.status(), StatusCode::NO_CONTENT);
}

#[tokio::test]
async fn an_unknown_path_answers_404_problem_json() {
    // Arrange
    let harness = Harness::start().await;

    // Act
    let response = harness.get("/api/v4/widgets").await;

    // Assert
    assert_eq!(response.status(), StatusCode::NOT_FOUND);
    assert_eq!(content_type(&response), "application/problem+json");
    let body: Value = response.json().await.expect("JSON");
    assert_eq!(body["status"], 404);
}

#[tokio::test]
async fn a_missing_lead_answers_404() {
    // Arrange
    let harness = Harness::start().await;

    // Act
    let response = harness.get("/api/v4/leads/1").await;

    // Assert
    assert_eq!(response.status(), StatusCode::NOT_FOUND);
}

#[tokio::test]
async fn an_unseeded_sandbox_has_metadata_but_no_contacts() {
    // Arrange
    let harness = Harness::with(sandbox::SandboxConfig {
        seed: false,
        ..sandbox::SandboxConfig::default()
    })
    .await;

    // Act
    let contacts = harness.get("/api/v4/contacts").await;
    let pipelines = harness.get_ok("/api/v4/leads/pipelines").await;

    // Assert
    assert_eq!(contacts.status(), StatusCode::NO_CONTENT);
    assert_eq!(
        pipelines["_embedded"]["pipelines"].as_array().map(Vec::len),
        Some(2)
    );
}

#[tokio::test]
async fn the_sample_account_has_the_documented_numbers_of_contacts_and_leads() {
    // Arrange
    let harness = Harness::start().await;

    // Act
    let contacts = harness.ids("/api/v4/contacts?limit=250", "contacts").await;
    let leads = harness.ids("/api/v4/leads?limit=250", "leads").await;

    // Assert
    assert_eq!(contacts.len(), CONTACT_COUNT);
    assert_eq!(leads.len(), LEAD_COUNT);
}
