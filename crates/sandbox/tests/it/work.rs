//! Tasks, companies and loss reasons: the sandbox keeps them as state and answers like amoCRM.

use reqwest::StatusCode;
use sandbox::seed::*;
use serde_json::{Value, json};

use crate::support::{Harness, embedded_ids};

#[tokio::test]
async fn open_tasks_of_a_lead_are_filtered_by_entity_and_state() {
    // Arrange
    let harness = Harness::start().await;

    // Act
    let of_lead = harness
        .ids(
            &format!(
                "/api/v4/tasks?filter[is_completed]=0&filter[entity_type]=leads&filter[entity_id][]={LEAD_ARTHUR_FORD}"
            ),
            "tasks",
        )
        .await;
    let of_other = harness
        .get(&format!(
            "/api/v4/tasks?filter[entity_type]=leads&filter[entity_id][]={LEAD_HARRY_KIT}"
        ))
        .await;

    // Assert
    assert_eq!(of_lead, [TASK_FIRST]);
    assert_eq!(of_other.status(), StatusCode::NO_CONTENT);
}

#[tokio::test]
async fn a_created_task_is_listed_and_completing_it_records_the_result() {
    // Arrange
    let harness = Harness::start().await;
    let due = SEED_TIME + 86_400;
    let body = json!([{
        "task_type_id": TASK_TYPE_FOLLOW_UP, "text": "Call back", "complete_till": due,
        "entity_type": "contacts", "entity_id": CONTACT_HARRY, "responsible_user_id": USER_RUBEUS,
        "request_id": "call-1",
    }]);

    // Act
    let created: Value = harness
        .post("/api/v4/tasks", &body)
        .await
        .json()
        .await
        .expect("JSON");
    let id = created["_embedded"]["tasks"][0]["id"]
        .as_i64()
        .expect("an id");
    let open = harness
        .get_ok(&format!(
            "/api/v4/tasks?filter[is_completed]=0&filter[entity_type]=contacts&filter[entity_id][]={CONTACT_HARRY}"
        ))
        .await;
    let completed = harness
        .patch(
            &format!("/api/v4/tasks/{id}"),
            &json!({ "is_completed": true, "result": { "text": "Reached him" } }),
        )
        .await;
    let answer: Value = completed.json().await.expect("JSON");
    let task = harness.get_ok(&format!("/api/v4/tasks/{id}")).await;
    let still_open = harness
        .get_ok(&format!(
            "/api/v4/tasks?filter[is_completed]=0&filter[entity_type]=contacts&filter[entity_id][]={CONTACT_HARRY}"
        ))
        .await;

    // Assert
    assert_eq!(created["_embedded"]["tasks"][0]["request_id"], "call-1");
    let listed = open["_embedded"]["tasks"]
        .as_array()
        .expect("tasks")
        .iter()
        .find(|t| t["id"] == id)
        .expect("the new task is among Harry's open tasks");
    assert_eq!(listed["result"], Value::Null);
    assert_eq!(listed["responsible_user_id"], USER_RUBEUS);
    assert_eq!(answer["id"], id);
    assert!(
        answer.get("text").is_none(),
        "a single PATCH answers id and updated_at only"
    );
    assert_eq!(task["is_completed"], true);
    assert_eq!(task["result"]["text"], "Reached him");
    assert!(
        !embedded_ids(&still_open, "tasks").contains(&id),
        "a completed task is no longer open"
    );
}

#[tokio::test]
async fn a_task_without_text_or_deadline_is_refused() {
    // Arrange
    let harness = Harness::start().await;

    // Act
    let response = harness
        .post("/api/v4/tasks", &json!([{ "task_type_id": 1 }]))
        .await;

    // Assert
    assert_eq!(response.status(), StatusCode::BAD_REQUEST);
    let body: Value = response.json().await.expect("JSON");
    let paths: Vec<&str> = body["validation-errors"][0]["errors"]
        .as_array()
        .expect("errors")
        .iter()
        .filter_map(|e| e["path"].as_str())
        .collect();
    assert_eq!(paths, ["text", "complete_till"]);
}

#[tokio::test]
async fn task_lists_page_like_other_lists() {
    // Arrange
    let harness = Harness::start().await;

    // Act
    let first = harness.get_ok("/api/v4/tasks?limit=1").await;
    let next = first["_links"]["next"]["href"]
        .as_str()
        .expect("a next link");
    let second: Value = harness
        .http
        .get(next)
        .bearer_auth(&harness.token)
        .send()
        .await
        .expect("answers")
        .json()
        .await
        .expect("JSON");

    // Assert
    assert_eq!(embedded_ids(&first, "tasks"), [TASK_FIRST]);
    assert_eq!(embedded_ids(&second, "tasks"), [TASK_FIRST + 1]);
}

#[tokio::test]
async fn a_contact_names_its_company_and_the_company_lists_its_leads() {
    // Arrange
    let harness = Harness::start().await;

    // Act
    let arthur = harness
        .get_ok(&format!("/api/v4/contacts/{CONTACT_ARTHUR}"))
        .await;
    let harry = harness
        .get_ok(&format!("/api/v4/contacts/{CONTACT_HARRY}"))
        .await;
    let company = harness
        .get_ok(&format!("/api/v4/companies/{COMPANY_MINISTRY}?with=leads"))
        .await;
    let found = harness
        .ids("/api/v4/companies?query=ministry", "companies")
        .await;

    // Assert
    assert_eq!(embedded_ids(&arthur, "companies"), [COMPANY_MINISTRY]);
    assert!(embedded_ids(&harry, "companies").is_empty());
    assert_eq!(company["name"], "Ministry of Magic");
    // The deal it shares with Arthur, and one of its own.
    assert_eq!(
        embedded_ids(&company, "leads"),
        [LEAD_ARTHUR_FORD, LEAD_MINISTRY_OWN]
    );
    assert_eq!(found, [COMPANY_MINISTRY]);
}

#[tokio::test]
async fn a_new_company_linked_to_a_contact_and_a_lead_created_with_it() {
    // Arrange
    let harness = Harness::start().await;
    let created: Value = harness
        .post(
            "/api/v4/companies",
            &json!([{ "name": "Zonko's Joke Shop" }]),
        )
        .await
        .json()
        .await
        .expect("JSON");
    let company = created["_embedded"]["companies"][0]["id"]
        .as_i64()
        .expect("an id");

    // Act
    let linked = harness
        .post(
            &format!("/api/v4/contacts/{CONTACT_NEVILLE}/link"),
            &json!([{ "to_entity_id": company, "to_entity_type": "companies" }]),
        )
        .await;
    let lead: Value = harness
        .post(
            "/api/v4/leads",
            &json!([{ "name": "Jokes", "_embedded": {
                "contacts": [{ "id": CONTACT_NEVILLE }], "companies": [{ "id": company }] } }]),
        )
        .await
        .json()
        .await
        .expect("JSON");
    let lead_id = lead["_embedded"]["leads"][0]["id"].as_i64().expect("an id");
    let neville = harness
        .get_ok(&format!("/api/v4/contacts/{CONTACT_NEVILLE}"))
        .await;
    let stored = harness.get_ok(&format!("/api/v4/leads/{lead_id}")).await;

    // Assert
    assert_eq!(linked.status(), StatusCode::OK);
    assert_eq!(embedded_ids(&neville, "companies"), [company]);
    assert_eq!(embedded_ids(&stored, "companies"), [company]);
}

#[tokio::test]
async fn a_contact_phone_patch_replaces_the_whole_list() {
    // Arrange
    let harness = Harness::start().await;
    let before = harness
        .get_ok(&format!("/api/v4/contacts/{CONTACT_NEVILLE}"))
        .await;

    // Act
    let response = harness
        .patch(
            &format!("/api/v4/contacts/{CONTACT_NEVILLE}"),
            &json!({ "custom_fields_values": [{ "field_code": "PHONE",
                "values": [{ "value": "+44 20 7946 0958", "enum_code": "WORK" }] }] }),
        )
        .await;
    let after = harness
        .get_ok(&format!("/api/v4/contacts/{CONTACT_NEVILLE}"))
        .await;

    // Assert
    assert_eq!(response.status(), StatusCode::OK);
    let phones = |contact: &Value| -> Vec<String> {
        contact["custom_fields_values"]
            .as_array()
            .into_iter()
            .flatten()
            .filter(|f| f["field_code"] == "PHONE")
            .flat_map(|f| f["values"].as_array().cloned().unwrap_or_default())
            .filter_map(|v| v["value"].as_str().map(str::to_owned))
            .collect()
    };
    assert!(!phones(&before).is_empty(), "Neville has a phone to lose");
    assert_eq!(phones(&after), ["+44 20 7946 0958"]);
}

#[tokio::test]
async fn loss_reasons_and_task_types_are_the_accounts() {
    // Arrange
    let harness = Harness::start().await;

    // Act
    let reasons = harness.get_ok("/api/v4/leads/loss_reasons").await;
    let account = harness.get_ok("/api/v4/account?with=task_types").await;

    // Assert
    assert_eq!(
        embedded_ids(&reasons, "loss_reasons")[..2],
        [LOSS_REASON_PRICE, LOSS_REASON_COMPETITOR]
    );
    assert_eq!(account["is_loss_reason_enabled"], true);
    assert_eq!(
        embedded_ids(&account, "task_types"),
        [
            TASK_TYPE_FOLLOW_UP,
            TASK_TYPE_MEETING,
            TASK_TYPE_SEND_DOCUMENTS
        ]
    );
}

#[tokio::test]
async fn harrys_open_tasks_come_soonest_first_with_one_overdue_and_one_due_today() {
    // Arrange
    let harness = Harness::start().await;
    let now = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .expect("after 1970")
        .as_secs() as i64;

    // Act
    let of_contact = harness
        .get_ok(&format!(
            "/api/v4/tasks?filter[is_completed]=0&filter[entity_type]=contacts&filter[entity_id][]={CONTACT_HARRY}&order[complete_till]=asc"
        ))
        .await;
    let of_deal = harness
        .get_ok(&format!(
            "/api/v4/tasks?filter[is_completed]=0&filter[entity_type]=leads&filter[entity_id][]={LEAD_HARRY_FIREBOLT}&order[complete_till]=desc"
        ))
        .await;

    // Assert
    let due = |body: &Value| -> Vec<i64> {
        body["_embedded"]["tasks"]
            .as_array()
            .expect("tasks")
            .iter()
            .map(|t| t["complete_till"].as_i64().expect("a deadline"))
            .collect()
    };
    let (contact, deal) = (due(&of_contact), due(&of_deal));
    assert_eq!(contact.len(), 2);
    assert!(contact[0] < now && contact[1] > now, "{contact:?}");
    assert_eq!(deal.len(), 2);
    assert!(deal[0] > deal[1], "descending: {deal:?}");
    let moscow_day = |t: i64| (t + 3 * 3600).div_euclid(86_400);
    assert_eq!(moscow_day(deal[1]), moscow_day(now), "one is due today");
}
