//! A contact's tasks from the block: the page lists the contact's and its open deals' open tasks (overdue
//! marked), "Call back" prefills a call for tomorrow, a task is created on the contact, one is completed.

use i18n::Lang::En;
use serde_json::json;
use wiremock::matchers::{body_json, body_string_contains, method, path, query_param};
use wiremock::{Mock, ResponseTemplate};

use crate::support::*;

async fn mount_tasks(app: &TestApp) {
    app.mount_get("/api/v4/contacts/3001", fixture!("block/contact_3001.json"))
        .await;
    Mock::given(method("GET"))
        .and(path("/api/v4/tasks"))
        .and(query_param("filter[entity_type]", "contacts"))
        .and(query_param("filter[entity_id][]", "3001"))
        .and(query_param("filter[is_completed]", "0"))
        .respond_with(hal(fixture!("block/tasks_of_contact.json")))
        .mount(&app.amo)
        .await;
    Mock::given(method("GET"))
        .and(path("/api/v4/tasks"))
        .and(query_param("filter[entity_type]", "leads"))
        .and(query_param("filter[entity_id][]", "7001"))
        .respond_with(hal(fixture!("block/tasks_of_deals.json")))
        .mount(&app.amo)
        .await;
}

/// The block of Harry's ticket and the token of his tasks page.
async fn tasks_token(app: &TestApp) -> String {
    app.mount_one_contact().await;
    mount_tasks(app).await;
    let (_, block) = app.post_block(&app.block_request()).await;
    token_for(&block, &app.url("/action/tasks"))
}

#[tokio::test]
async fn the_tasks_page_lists_open_tasks_of_the_contact_and_its_open_deals_overdue_first() {
    // Arrange
    let app = TestApp::start().await;
    app.connect().await;
    let token = tasks_token(&app).await;

    // Act
    let (status, page) = app.get_page(&app.url("/action/tasks"), &token, &[]).await;

    // Assert
    assert_eq!(status, 200);
    assert_eq!(claims_of(&token)["s"], 3001);
    assert_shows(&page, "Meet Harry at the Burrow");
    assert_shows(&page, "Call the client back");
    assert_shows(&page, "Send the contract");
    assert_shows(&page, &t1(En, "task-on-deal", "deal", "Firebolt order"));
    assert_shows(&page, &t(En, "task-overdue"));
    let overdue = page.find("Call the client back").expect("shown");
    let later = page.find("Meet Harry at the Burrow").expect("shown");
    assert!(overdue < later, "the earliest deadline comes first");
    assert_eq!(
        tokens_for(&page, &app.url("/action/task-complete")).len(),
        4,
        "each open task can be completed"
    );
}

#[tokio::test]
async fn call_back_prefills_a_follow_up_call_for_tomorrow_morning() {
    // Arrange
    let app = TestApp::start().await;
    app.connect().await;
    let token = tasks_token(&app).await;

    // Act
    let (status, page) = app
        .get_page(&app.url("/action/tasks"), &token, &[("call", "1")])
        .await;

    // Assert
    assert_eq!(status, 200);
    assert_shows(&page, "value=\"Call back\"");
    assert_shows(&page, "<option value=\"1\" selected>");
    assert_shows(&page, "T10:00\"");
}

#[tokio::test]
async fn a_task_is_created_on_the_contact_with_the_chosen_type_deadline_and_responsible() {
    // Arrange
    let app = TestApp::start().await;
    app.connect().await;
    let token = tasks_token(&app).await;
    Mock::given(method("POST"))
        .and(path("/api/v4/tasks"))
        .and(body_string_contains("\"entity_type\":\"contacts\""))
        .and(body_string_contains("\"entity_id\":3001"))
        .and(body_string_contains("\"task_type_id\":1"))
        .and(body_string_contains("\"text\":\"Call back\""))
        .and(body_string_contains("\"responsible_user_id\":8001"))
        .respond_with(hal(fixture!("amocrm/tasks_created.json")))
        .expect(1)
        .mount(&app.amo)
        .await;
    let (_, form) = app
        .get_page(&app.url("/action/tasks"), &token, &[("call", "1")])
        .await;
    let create = token_for(&form, &app.url("/action/tasks"));

    // Act
    let (status, page) = app
        .post_form(
            &app.url("/action/tasks"),
            &[
                ("t", &create),
                ("type", "1"),
                ("text", "Call back"),
                ("due", "2030-01-15T10:00"),
                ("responsible", "8001"),
            ],
        )
        .await;

    // Assert
    assert_eq!(claims_of(&create)["k"], "create_task");
    assert_eq!(status, 200);
    assert_shows(&page, &t(En, "action-done-task-created"));
}

/// Posts the create form with `token`, setting the task `on` the contact or a deal.
async fn post_task(app: &TestApp, token: &str, on: &str) -> (u16, String) {
    app.post_form(
        &app.url("/action/tasks"),
        &[
            ("t", token),
            ("on", on),
            ("text", "Send the invoice"),
            ("due", "2030-01-15T10:00"),
        ],
    )
    .await
}

#[tokio::test]
async fn a_task_is_created_on_one_of_the_contacts_open_deals_and_never_on_another_contacts() {
    // Arrange: Harry's deals are 7001 (open) and 7002; 9999 is not his.
    let app = TestApp::start().await;
    app.connect().await;
    let token = tasks_token(&app).await;
    Mock::given(method("POST"))
        .and(path("/api/v4/tasks"))
        .and(body_string_contains("\"entity_type\":\"leads\""))
        .and(body_string_contains("\"entity_id\":7001"))
        .respond_with(hal(fixture!("amocrm/tasks_created.json")))
        .expect(1)
        .mount(&app.amo)
        .await;
    let (_, form) = app.get_page(&app.url("/action/tasks"), &token, &[]).await;
    let create = |form: &str| token_for(form, &app.url("/action/tasks"));

    // Act
    let (status, page) = post_task(&app, &create(&form), "deal:7001").await;
    let (_, again) = app.get_page(&app.url("/action/tasks"), &token, &[]).await;
    let (refused, _) = post_task(&app, &create(&again), "deal:9999").await;

    // Assert
    assert_shows(&form, r#"<option value="deal:7001">"#);
    assert_eq!(status, 200, "{page}");
    assert_shows(&page, &t(En, "action-done-task-created"));
    assert!(
        (400..500).contains(&refused),
        "another contact's deal: {refused}"
    );
}

#[tokio::test]
async fn a_task_without_text_or_deadline_is_refused_before_anything_is_sent() {
    // Arrange
    let app = TestApp::start().await;
    app.connect().await;
    let token = tasks_token(&app).await;
    Mock::given(method("POST"))
        .and(path("/api/v4/tasks"))
        .respond_with(ResponseTemplate::new(500))
        .expect(0)
        .mount(&app.amo)
        .await;
    let (_, form) = app.get_page(&app.url("/action/tasks"), &token, &[]).await;
    let create = token_for(&form, &app.url("/action/tasks"));

    // Act
    let (status, page) = app
        .post_form(
            &app.url("/action/tasks"),
            &[("t", &create), ("text", " "), ("due", "someday")],
        )
        .await;

    // Assert
    assert_eq!(status, 422);
    assert_shows(&page, &t(En, "task-due-invalid"));
}

#[tokio::test]
async fn a_task_is_completed_with_its_result() {
    // Arrange
    let app = TestApp::start().await;
    app.connect().await;
    let token = tasks_token(&app).await;
    app.mount_get("/api/v4/tasks/56981", fixture!("block/task_open.json"))
        .await;
    Mock::given(method("PATCH"))
        .and(path("/api/v4/tasks/56981"))
        .and(body_json(json!({
            "id": 56981,
            "is_completed": true,
            "result": {"text": "Reached him"}
        })))
        .respond_with(hal(fixture!("amocrm/task_updated.json")))
        .expect(1)
        .mount(&app.amo)
        .await;
    let (_, page) = app.get_page(&app.url("/action/tasks"), &token, &[]).await;
    let complete = tokens_for(&page, &app.url("/action/task-complete"))
        .into_iter()
        .find(|t| claims_of(t)["s"] == 56981)
        .expect("the task can be completed");

    // Act
    let (status, answer, _) = app
        .post_in_place(
            &app.url("/action/task-complete"),
            &[("t", &complete), ("result", "Reached him")],
            None,
        )
        .await;

    // Assert
    assert_eq!(status, 200);
    assert_eq!(answer, json!({"ok": true}));
}

#[tokio::test]
async fn the_block_lists_the_open_tasks_of_the_contact_and_its_open_deal_each_with_done() {
    // Arrange
    let app = TestApp::start().await;
    app.connect().await;
    app.mount_one_contact().await;
    mount_tasks(&app).await;

    // Act
    let (status, block) = app.post_block(&app.block_request()).await;

    // Assert
    assert_eq!(status, 200);
    assert_shows(&block, "Meet Harry at the Burrow");
    assert_shows(&block, "Call the client back");
    assert_shows(&block, "Send the contract");
    assert_shows(&block, "uda-task uda-task-overdue");
    assert_shows(&block, &t(En, "task-overdue"));
    let mut done: Vec<i64> = tokens_for(&block, &app.url("/action/task-complete"))
        .iter()
        .map(|token| {
            assert_eq!(claims_of(token)["k"], "complete_task");
            claims_of(token)["s"].as_i64().expect("a task id")
        })
        .collect();
    done.sort_unstable();
    assert_eq!(
        done,
        [56970, 56981, 56982, 56983],
        "each task shown has its Done"
    );
    assert_shows(&block, "name=\"result\"");
    assert_shows(&block, "required");
}

#[tokio::test]
async fn done_in_the_block_works_without_javascript_as_a_plain_form() {
    // Arrange
    let app = TestApp::start().await;
    app.connect().await;
    app.mount_one_contact().await;
    mount_tasks(&app).await;
    app.mount_get("/api/v4/tasks/56981", fixture!("block/task_open.json"))
        .await;
    Mock::given(method("PATCH"))
        .and(path("/api/v4/tasks/56981"))
        .and(body_json(json!({
            "id": 56981,
            "is_completed": true,
            "result": {"text": "Reached him"}
        })))
        .respond_with(hal(fixture!("amocrm/task_updated.json")))
        .expect(1)
        .mount(&app.amo)
        .await;
    let (_, block) = app.post_block(&app.block_request()).await;
    let done = tokens_for(&block, &app.url("/action/task-complete"))
        .into_iter()
        .find(|t| claims_of(t)["s"] == 56981)
        .expect("the deal's task can be completed from the block");

    // Act: the form as a browser without JavaScript posts it.
    let (status, page) = app
        .post_form(
            &app.url("/action/task-complete"),
            &[("t", &done), ("result", "Reached him")],
        )
        .await;
    let (again, _) = app
        .post_form(
            &app.url("/action/task-complete"),
            &[("t", &done), ("result", "Reached him")],
        )
        .await;

    // Assert
    assert_eq!(status, 200);
    assert_shows(&page, &t(En, "action-done-task-completed"));
    assert_ne!(again, 200, "the token is single-use");
}

#[tokio::test]
async fn the_block_says_how_many_more_tasks_the_tasks_page_has() {
    // Arrange
    let app = TestApp::start().await;
    app.connect().await;
    app.mount_one_contact().await;
    Mock::given(method("GET"))
        .and(path("/api/v4/tasks"))
        .and(query_param("filter[entity_type]", "contacts"))
        .respond_with(hal(fixture!("block/tasks_of_contact_five.json")))
        .mount(&app.amo)
        .await;

    // Act
    let (_, block) = app.post_block(&app.block_request()).await;

    // Assert: the three soonest, and "2 more" leading to the tasks page.
    assert_eq!(block.matches("class=\"uda-task uda-task-").count(), 3);
    assert_shows(&block, "Confirm the delivery address");
    assert_hides(&block, "Meet at the Burrow");
    let more = i18n::Translator::global().t_args(
        En,
        "block-tasks-more",
        &[("count", i18n::Arg::from(2_i64))],
    );
    assert_shows(&block, &more);
    assert_eq!(
        tokens_for(&block, &app.url("/action/task-complete")).len(),
        3
    );
}

#[tokio::test]
async fn the_tasks_page_reads_every_page_of_the_deals_tasks() {
    // Arrange
    let app = TestApp::start().await;
    app.connect().await;
    app.mount_one_contact().await;
    app.mount_get("/api/v4/contacts/3001", fixture!("block/contact_3001.json"))
        .await;
    let on_mock = |body: &str| body.replace("https://hogwarts.amocrm.ru", &app.amo.uri());
    Mock::given(method("GET"))
        .and(path("/api/v4/tasks"))
        .and(query_param("filter[entity_type]", "leads"))
        .and(wiremock::matchers::query_param_is_missing("page"))
        .respond_with(hal(&on_mock(fixture!("amocrm/tasks_page1.json"))))
        .mount(&app.amo)
        .await;
    Mock::given(method("GET"))
        .and(path("/api/v4/tasks"))
        .and(query_param("filter[entity_type]", "leads"))
        .and(query_param("page", "2"))
        .respond_with(hal(&on_mock(fixture!("amocrm/tasks_page2.json"))))
        .expect(1)
        .mount(&app.amo)
        .await;
    let (_, block) = app.post_block(&app.block_request()).await;
    let token = token_for(&block, &app.url("/action/tasks"));

    // Act
    let (status, page) = app.get_page(&app.url("/action/tasks"), &token, &[]).await;

    // Assert: the block read one page (and says there are more); the page read both.
    assert_eq!(status, 200);
    assert_shows(&block, &t(En, "block-tasks-more-unread"));
    assert_hides(&block, "Send the contract");
    assert_shows(&page, "Call the client back");
    assert_shows(&page, "Meeting at the office");
    assert_shows(&page, "Send the contract");
}
