//! `/api/v4/tasks`: filtered lists over several pages, 204, creates and completing.

use amocrm::{Error, NewTask, TaskEntityType, TaskUpdate, TasksQuery};
use serde_json::json;
use wiremock::matchers::{body_json, method, path, query_param, query_param_is_missing};
use wiremock::{Mock, ResponseTemplate};

use crate::support::{Harness, fixture, problem};

#[tokio::test]
async fn open_tasks_of_a_lead_are_read_from_every_page_with_the_documented_filters() {
    // Arrange
    let harness = Harness::start().await;
    Mock::given(method("GET"))
        .and(path("/api/v4/tasks"))
        .and(query_param("filter[is_completed]", "0"))
        .and(query_param("filter[entity_type]", "leads"))
        .and(query_param("filter[entity_id][]", "7001"))
        .and(query_param("order[complete_till]", "asc"))
        .and(query_param("limit", "2"))
        .and(query_param_is_missing("page"))
        .respond_with(harness.hal(fixture!("tasks_page1.json")))
        .expect(1)
        .mount(&harness.server)
        .await;
    Mock::given(method("GET"))
        .and(path("/api/v4/tasks"))
        .and(query_param("page", "2"))
        .respond_with(harness.hal(fixture!("tasks_page2.json")))
        .expect(1)
        .mount(&harness.server)
        .await;
    let query = TasksQuery {
        limit: Some(2),
        ..TasksQuery::open_of(TaskEntityType::Leads, [7001])
    };

    // Act
    let tasks = harness.client.tasks().list_all(&query).await;

    // Assert
    let tasks = tasks.expect("both pages");
    let ids: Vec<i64> = tasks.iter().map(|t| t.id).collect();
    assert_eq!(ids, [56981, 56982, 56983]);
    assert_eq!(tasks[0].entity_type, Some(TaskEntityType::Leads));
    assert_eq!(tasks[0].entity_id, Some(7001));
    assert_eq!(tasks[0].result, None, "a null result is no result");
    assert_eq!(tasks[1].result, None, "an empty result object is no result");
    assert_eq!(tasks[1].duration, 1800);
    assert_eq!(
        tasks[2].task_type_id, 88123,
        "an account's own type id is kept"
    );
    assert_eq!(tasks[2].result, None, "a missing result is no result");
}

#[tokio::test]
async fn a_task_list_answered_204_is_empty() {
    // Arrange
    let harness = Harness::start().await;
    Mock::given(method("GET"))
        .and(path("/api/v4/tasks"))
        .respond_with(ResponseTemplate::new(204))
        .expect(2)
        .mount(&harness.server)
        .await;
    let query = TasksQuery::open_of(TaskEntityType::Contacts, [3001, 3002]);

    // Act
    let page = harness.client.tasks().list(&query).await;
    let all = harness.client.tasks().list_all(&query).await;

    // Assert
    assert!(page.expect("204 is a success").items.is_empty());
    assert!(all.expect("204 is a success").is_empty());
}

#[tokio::test]
async fn a_task_without_an_entity_and_with_a_result_is_read() {
    // Arrange
    let harness = Harness::start().await;
    Mock::given(method("GET"))
        .and(path("/api/v4/tasks/56990"))
        .respond_with(harness.hal(fixture!("task.json")))
        .expect(1)
        .mount(&harness.server)
        .await;

    // Act
    let task = harness.client.tasks().get(56990).await;

    // Assert
    let task = task.expect("read").expect("exists");
    assert_eq!(task.entity_id, None);
    assert_eq!(task.entity_type, None);
    assert!(task.is_completed);
    assert_eq!(task.result.as_deref(), Some("Sent on Monday"));
}

#[tokio::test]
async fn an_entity_id_filter_without_the_entity_type_is_refused_before_sending() {
    // Arrange
    let harness = Harness::start().await;
    let query = TasksQuery {
        entity_ids: vec![7001],
        ..TasksQuery::default()
    };

    // Act
    let result = harness.client.tasks().list(&query).await;

    // Assert
    assert!(matches!(result, Err(Error::InvalidArgument(_))));
}

#[tokio::test]
async fn create_sends_the_task_attached_to_its_entity_with_the_request_id() {
    // Arrange
    let harness = Harness::start().await;
    Mock::given(method("POST"))
        .and(path("/api/v4/tasks"))
        .and(body_json(json!([{
            "task_type_id": 1,
            "text": "Call back",
            "complete_till": 1700172000,
            "responsible_user_id": 123123,
            "entity_id": 3001,
            "entity_type": "contacts",
            "request_id": "call-back-1"
        }])))
        .respond_with(harness.hal(fixture!("tasks_created.json")))
        .expect(1)
        .mount(&harness.server)
        .await;
    let task = NewTask {
        task_type_id: Some(1),
        responsible_user_id: Some(123123),
        request_id: Some("call-back-1".to_owned()),
        ..NewTask::new("Call back", 1700172000).on(TaskEntityType::Contacts, 3001)
    };

    // Act
    let created = harness.client.tasks().create(&[task]).await;

    // Assert
    let created = created.expect("created");
    assert_eq!(created[0].id, 57001);
    assert_eq!(created[0].request_id.as_deref(), Some("call-back-1"));
}

#[tokio::test]
async fn a_task_without_text_is_refused_before_sending() {
    // Arrange
    let harness = Harness::start().await;

    // Act
    let result = harness
        .client
        .tasks()
        .create(&[NewTask::new("  ", 1700172000)])
        .await;

    // Assert
    assert!(matches!(result, Err(Error::InvalidArgument(_))));
}

#[tokio::test]
async fn completing_a_task_sends_is_completed_and_the_result_together() {
    // Arrange
    let harness = Harness::start().await;
    Mock::given(method("PATCH"))
        .and(path("/api/v4/tasks/56981"))
        .and(body_json(json!({
            "id": 56981,
            "is_completed": true,
            "result": {"text": "Reached the client"}
        })))
        .respond_with(harness.hal(fixture!("task_updated.json")))
        .expect(1)
        .mount(&harness.server)
        .await;

    // Act
    let updated = harness
        .client
        .tasks()
        .complete(56981, "Reached the client")
        .await;

    // Assert
    let updated = updated.expect("completed");
    assert_eq!(updated.id, 56981);
    assert_eq!(updated.updated_at, Some(1700090000));
}

#[tokio::test]
async fn a_refused_task_update_carries_the_validation_errors() {
    // Arrange
    let harness = Harness::start().await;
    Mock::given(method("PATCH"))
        .and(path("/api/v4/tasks/56981"))
        .respond_with(problem(400, fixture!("task_complete_400.json")))
        .expect(1)
        .mount(&harness.server)
        .await;

    // Act
    let result = harness
        .client
        .tasks()
        .update_one(&TaskUpdate {
            id: 56981,
            is_completed: Some(true),
            ..TaskUpdate::default()
        })
        .await;

    // Assert
    let error = result.expect_err("refused");
    let problem = error.problem().expect("a problem document");
    assert_eq!(problem.validation_errors[0].errors[0].path, "result.text");
}

#[tokio::test]
async fn batch_updates_go_to_the_list_endpoint() {
    // Arrange
    let harness = Harness::start().await;
    Mock::given(method("PATCH"))
        .and(path("/api/v4/tasks"))
        .and(body_json(json!([
            {"id": 56981, "complete_till": 1700200000},
            {"id": 56982, "responsible_user_id": 5}
        ])))
        .respond_with(harness.hal(
            r#"{"_embedded":{"tasks":[{"id":56981,"updated_at":1},{"id":56982,"updated_at":1}]}}"#,
        ))
        .expect(1)
        .mount(&harness.server)
        .await;
    let updates = [
        TaskUpdate {
            id: 56981,
            complete_till: Some(1700200000),
            ..TaskUpdate::default()
        },
        TaskUpdate {
            id: 56982,
            responsible_user_id: Some(5),
            ..TaskUpdate::default()
        },
    ];

    // Act
    let updated = harness.client.tasks().update(&updates).await;

    // Assert
    assert_eq!(updated.expect("updated").len(), 2);
}
