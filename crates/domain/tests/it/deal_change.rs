//! Changing a deal: the target stage's required fields checked before sending, won and lost in the deal's own
//! pipeline with the account's loss reasons, only what changes sent, and amoCRM's refusals on their fields.

use domain::{DealChange, Error, FieldErrorCode, FieldKey, StageRef};
use wiremock::matchers::{body_json, body_partial_json, method, path};
use wiremock::{Mock, ResponseTemplate};

use crate::harness::{World, fixture, json};

const DEAL: i64 = 4001;

/// A world with the metadata and deal 4001 (Sales → Qualified, budget 5000, a deadline, no product).
async fn world_with_deal() -> World {
    let world = World::new().await;
    world.mount_metadata().await;
    Mock::given(method("GET"))
        .and(path(format!("/api/v4/leads/{DEAL}")))
        .respond_with(json("lead_4001.json"))
        .mount(&world.amo)
        .await;
    Mock::given(method("GET"))
        .and(path("/api/v4/leads/loss_reasons"))
        .respond_with(json("loss_reasons.json"))
        .mount(&world.amo)
        .await;
    world
}

/// The deal's PATCH, answered with `response`, expected `times` times.
async fn expect_patch(world: &World, response: ResponseTemplate, times: u64) {
    Mock::given(method("PATCH"))
        .and(path(format!("/api/v4/leads/{DEAL}")))
        .respond_with(response)
        .expect(times)
        .mount(&world.amo)
        .await;
}

fn to(status: i64) -> DealChange {
    DealChange {
        stage: Some(StageRef::new(10, status)),
        ..DealChange::default()
    }
}

#[tokio::test]
async fn a_move_to_a_stage_that_needs_a_field_the_deal_lacks_is_refused_before_anything_is_sent() {
    // Arrange: Negotiation requires "Budget confirmed", which the deal does not hold.
    let world = world_with_deal().await;
    expect_patch(&world, ResponseTemplate::new(500), 0).await;

    // Act
    let err = world
        .domain
        .change_deal(&world.ctx(), DEAL, to(103))
        .await
        .unwrap_err();

    // Assert
    let Error::Validation(errors) = err else {
        panic!("expected validation errors, got {err:?}")
    };
    assert_eq!(errors.len(), 1, "{errors:?}");
    assert_eq!(errors[0].field, FieldKey::Custom(701));
    assert_eq!(errors[0].label.as_deref(), Some("Budget confirmed"));
    assert_eq!(errors[0].code, FieldErrorCode::Required);
}

#[tokio::test]
async fn a_move_with_the_required_field_filled_sends_the_stage_and_the_field_only() {
    // Arrange
    let world = world_with_deal().await;
    Mock::given(method("PATCH"))
        .and(path(format!("/api/v4/leads/{DEAL}")))
        .and(body_json(serde_json::json!({
            "id": DEAL, "status_id": 103,
            "custom_fields_values": [{"field_id": 701, "values": [{"value": "72000"}]}]
        })))
        .respond_with(json("lead_4001_updated.json"))
        .expect(1)
        .mount(&world.amo)
        .await;
    let change = DealChange {
        // The budget and the deadline as the form shows them: unchanged, so not sent.
        price: Some("5 000".into()),
        fields: vec![
            (701, vec!["72 000".into()]),
            (703, vec!["2025-01-01".into()]),
        ],
        ..to(103)
    };

    // Act
    world
        .domain
        .change_deal(&world.ctx(), DEAL, change)
        .await
        .unwrap();

    // Assert
    let audit = world
        .store
        .list_audit(world.connection.id, 10)
        .await
        .unwrap();
    assert_eq!(audit[0].action, domain::store::AuditAction::LeadUpdate);
    assert_eq!(audit[0].result, domain::store::AuditResult::Ok);
    assert_eq!(audit[0].target, format!("lead:{DEAL}"));
}

#[tokio::test]
async fn a_deal_closed_as_lost_is_sent_with_its_loss_reason() {
    // Arrange
    let world = world_with_deal().await;
    Mock::given(method("PATCH"))
        .and(path(format!("/api/v4/leads/{DEAL}")))
        .and(body_json(
            serde_json::json!({"id": DEAL, "status_id": 143, "loss_reason_id": 9101}),
        ))
        .respond_with(json("lead_4001_updated.json"))
        .expect(1)
        .mount(&world.amo)
        .await;
    let change = DealChange {
        loss_reason_id: Some(9101),
        ..to(143)
    };

    // Act / Assert
    world
        .domain
        .change_deal(&world.ctx(), DEAL, change)
        .await
        .unwrap();
}

#[tokio::test]
async fn a_loss_reason_the_account_does_not_have_is_refused() {
    // Arrange
    let world = world_with_deal().await;
    expect_patch(&world, ResponseTemplate::new(500), 0).await;
    let change = DealChange {
        loss_reason_id: Some(1),
        ..to(143)
    };

    // Act
    let err = world
        .domain
        .change_deal(&world.ctx(), DEAL, change)
        .await
        .unwrap_err();

    // Assert
    let Error::Validation(errors) = err else {
        panic!("expected validation errors, got {err:?}")
    };
    assert_eq!(errors[0].field, FieldKey::LossReason);
    assert_eq!(errors[0].code, FieldErrorCode::Enum);
}

#[tokio::test]
async fn won_or_lost_of_another_pipeline_is_refused() {
    // Arrange: the deal is in Sales; Partners has its own "Closed - lost".
    let world = world_with_deal().await;
    expect_patch(&world, ResponseTemplate::new(500), 0).await;
    let change = DealChange {
        stage: Some(StageRef::new(20, 143)),
        ..DealChange::default()
    };

    // Act
    let err = world
        .domain
        .change_deal(&world.ctx(), DEAL, change)
        .await
        .unwrap_err();

    // Assert
    let Error::Validation(errors) = err else {
        panic!("expected validation errors, got {err:?}")
    };
    assert_eq!(errors[0].field, FieldKey::Stage);
    assert_eq!(errors[0].code, FieldErrorCode::StageNotInPipeline);
}

#[tokio::test]
async fn a_move_to_another_pipeline_sends_both_ids_and_the_new_responsible() {
    // Arrange
    let world = world_with_deal().await;
    Mock::given(method("PATCH"))
        .and(path(format!("/api/v4/leads/{DEAL}")))
        .and(body_partial_json(serde_json::json!({
            "status_id": 201, "pipeline_id": 20, "responsible_user_id": 8002, "price": 1500
        })))
        .respond_with(json("lead_4001_updated.json"))
        .expect(1)
        .mount(&world.amo)
        .await;
    let change = DealChange {
        stage: Some(StageRef::new(20, 201)),
        price: Some("1500,4".into()),
        responsible_user_id: Some(8002),
        ..DealChange::default()
    };

    // Act / Assert
    world
        .domain
        .change_deal(&world.ctx(), DEAL, change)
        .await
        .unwrap();
}

#[tokio::test]
async fn a_change_that_changes_nothing_sends_nothing() {
    // Arrange
    let world = world_with_deal().await;
    expect_patch(&world, ResponseTemplate::new(500), 0).await;
    let change = DealChange {
        stage: Some(StageRef::new(10, 102)),
        price: Some("5000".into()),
        responsible_user_id: Some(8001),
        fields: vec![(703, vec!["2025-01-01".into()])],
        loss_reason_id: None,
    };

    // Act / Assert
    world
        .domain
        .change_deal(&world.ctx(), DEAL, change)
        .await
        .unwrap();
}

#[tokio::test]
async fn amocrm_validation_errors_come_back_on_the_field_they_name() {
    // Arrange: amoCRM refuses the product option the form offered.
    let world = world_with_deal().await;
    expect_patch(
        &world,
        ResponseTemplate::new(400)
            .insert_header("content-type", "application/problem+json")
            .set_body_string(fixture("lead_patch_refused_400.json")),
        1,
    )
    .await;
    let change = DealChange {
        fields: vec![(702, vec!["7021".into()])],
        ..DealChange::default()
    };

    // Act
    let err = world
        .domain
        .change_deal(&world.ctx(), DEAL, change)
        .await
        .unwrap_err();

    // Assert
    let Error::Validation(errors) = err else {
        panic!("expected the refusal on its field, got {err:?}")
    };
    assert_eq!(errors.len(), 1, "{errors:?}");
    assert_eq!(errors[0].field, FieldKey::Custom(702));
    assert_eq!(errors[0].label.as_deref(), Some("Product"));
    assert_eq!(
        errors[0].code,
        FieldErrorCode::Refused {
            detail: "The value you selected is not a valid choice.".into()
        }
    );
}

#[tokio::test]
async fn the_edit_form_shows_the_deal_as_it_is_with_the_loss_reasons_in_order() {
    // Arrange
    let world = world_with_deal().await;

    // Act
    let edit = world.domain.deal_edit(&world.ctx(), DEAL).await.unwrap();

    // Assert
    assert_eq!(edit.stage, StageRef::new(10, 102));
    assert_eq!(edit.price, Some(5000));
    assert_eq!(edit.responsible_user_id, Some(8001));
    assert_eq!(
        edit.values,
        vec![("cf:703".to_owned(), vec!["2025-01-01".to_owned()])]
    );
    let reasons: Vec<i64> = edit.loss_reasons.iter().map(|(id, _)| *id).collect();
    assert_eq!(reasons, [9101, 9102]);
}
