//! Creating contacts and deals, linking, field choices, the deal card and comments.

use domain::store::FieldChoices;
use domain::{DealDraft, Error, FeedKind, FieldErrorCode, FieldKey, NewContactInput, StageRef};
use wiremock::matchers::{body_partial_json, body_string_contains, method, path};
use wiremock::{Mock, ResponseTemplate};

use crate::harness::{World, json};

fn draft(status: i64, fields: Vec<(i64, Vec<String>)>) -> DealDraft {
    DealDraft {
        name: "New broom".into(),
        price: Some("12 500".into()),
        pipeline_id: Some(10),
        status_id: Some(status),
        responsible_user_id: Some(8002),
        fields,
        contact_id: Some(3001),
        note: Some("From the ticket".into()),
    }
}

#[tokio::test]
async fn a_lead_draft_missing_a_stage_required_field_names_it_and_sends_nothing() {
    let world = World::new().await;
    world.mount_metadata().await;
    Mock::given(method("POST"))
        .and(path("/api/v4/leads"))
        .respond_with(ResponseTemplate::new(500))
        .expect(0)
        .mount(&world.amo)
        .await;

    let err = world
        .domain
        .create_deal(&world.ctx(), draft(103, vec![]))
        .await
        .unwrap_err();

    let Error::Validation(errors) = err else {
        panic!("expected validation errors, got {err:?}")
    };
    assert_eq!(errors.len(), 1, "{errors:?}");
    assert_eq!(errors[0].field, "cf:701");
    assert_eq!(errors[0].label.as_deref(), Some("Budget confirmed"));
    assert_eq!(errors[0].code, FieldErrorCode::Required);
}

#[tokio::test]
async fn every_wrong_value_is_reported_at_once() {
    let world = World::new().await;
    world.mount_metadata().await;
    let mut bad = draft(
        103,
        vec![
            (701, vec!["a lot".into()]),
            (702, vec!["9999".into()]),
            (703, vec!["31.02.2025".into()]),
            (999, vec!["x".into()]),
        ],
    );
    bad.price = Some("-5".into());
    bad.name = " ".into();

    let Error::Validation(errors) = world
        .domain
        .create_deal(&world.ctx(), bad)
        .await
        .unwrap_err()
    else {
        panic!()
    };

    let got: Vec<(String, &FieldErrorCode)> = errors
        .iter()
        .map(|e| (e.field.to_string(), &e.code))
        .collect();
    assert_eq!(
        got,
        vec![
            ("name".to_owned(), &FieldErrorCode::Required),
            ("price".to_owned(), &FieldErrorCode::Number),
            ("cf:701".to_owned(), &FieldErrorCode::Number),
            ("cf:702".to_owned(), &FieldErrorCode::Enum),
            ("cf:703".to_owned(), &FieldErrorCode::Date),
            ("cf:999".to_owned(), &FieldErrorCode::UnknownField),
        ]
    );
}

#[tokio::test]
async fn a_stage_of_another_pipeline_is_refused() {
    let world = World::new().await;
    world.mount_metadata().await;
    let Error::Validation(errors) = world
        .domain
        .create_deal(&world.ctx(), draft(201, vec![]))
        .await
        .unwrap_err()
    else {
        panic!()
    };
    assert_eq!(errors[0].field, "stage");
}

#[tokio::test]
async fn a_valid_lead_is_created_linked_to_its_contact_with_its_note_and_a_ticket_comment() {
    let world = World::new().await;
    world.mount_metadata().await;
    world.mount_contact_3001().await;
    Mock::given(method("POST"))
        .and(path("/api/v4/leads"))
        .and(body_partial_json(serde_json::json!([{
            "name": "New broom", "price": 12500, "pipeline_id": 10, "status_id": 103, "responsible_user_id": 8002,
            "_embedded": {"contacts": [{"id": 3001, "is_main": true}]},
            "custom_fields_values": [{"field_id": 701, "values": [{"value": "1000"}]}, {"field_id": 702, "values": [{"enum_id": 7022}]}]
        }])))
        .respond_with(json("created_lead.json"))
        .expect(1)
        .mount(&world.amo)
        .await;
    Mock::given(method("POST"))
        .and(path("/api/v4/leads/4500/notes"))
        .and(body_partial_json(
            serde_json::json!([{"note_type": "common", "params": {"text": "From the ticket"}}]),
        ))
        .respond_with(json("created_note.json"))
        .expect(1)
        .mount(&world.amo)
        .await;
    // The note back to the ticket is the deal's second note.
    Mock::given(method("POST"))
        .and(path("/api/v4/leads/4500/notes"))
        .and(body_string_contains(
            "Created from Usedesk ticket #1002 “Broom broke”",
        ))
        .respond_with(json("created_note.json"))
        .expect(1)
        .mount(&world.amo)
        .await;
    Mock::given(method("POST"))
        .and(path("/ticket"))
        .respond_with(json("usedesk_ticket.json"))
        .mount(&world.usedesk)
        .await;
    Mock::given(method("POST"))
        .and(path("/create/comment"))
        .and(body_partial_json(
            serde_json::json!({"ticket_id": 1002, "type": "private"}),
        ))
        .respond_with(json("usedesk_comment.json"))
        .expect(1)
        .mount(&world.usedesk)
        .await;

    let created = world
        .domain
        .create_deal(
            &world.ctx(),
            draft(
                103,
                vec![(701, vec!["1000".into()]), (702, vec!["Broom".into()])],
            ),
        )
        .await
        .unwrap();

    assert_eq!(created.id, 4500);
    assert!(created.url.ends_with("/leads/detail/4500"));
    let audit = world
        .store
        .list_audit(world.connection.id, 10)
        .await
        .unwrap();
    assert_eq!(audit[0].action, "lead.create");
    assert_eq!(audit[0].action, domain::store::AuditAction::LeadCreate);
    assert_eq!(audit[0].result, domain::store::AuditResult::Ok);
    assert_eq!(audit[0].target, "lead:4500");
}

#[tokio::test]
async fn a_contact_is_created_from_the_client_and_the_client_is_linked_to_it() {
    let world = World::new().await;
    Mock::given(method("POST"))
        .and(path("/api/v4/contacts"))
        .and(body_partial_json(serde_json::json!([{
            "name": "Luna Lovegood",
            "custom_fields_values": [
                {"field_code": "PHONE", "values": [{"value": "+79031234567", "enum_code": "WORK"}]},
                {"field_code": "EMAIL", "values": [{"value": "luna@quibbler.example", "enum_code": "WORK"}]}]
        }])))
        .respond_with(json("created_contact.json"))
        .expect(1)
        .mount(&world.amo)
        .await;
    Mock::given(method("POST"))
        .and(path("/create/comment"))
        .respond_with(json("usedesk_comment.json"))
        .expect(1)
        .mount(&world.usedesk)
        .await;

    let input = NewContactInput {
        name: "Luna Lovegood".into(),
        phones: vec!["8 903 123-45-67".into()],
        emails: vec!["luna@quibbler.example".into()],
        responsible_user_id: None,
        ..Default::default()
    };
    let created = world
        .domain
        .create_contact(&world.ctx(), input)
        .await
        .unwrap();

    assert_eq!(created.contact.id, 3500);
    assert_eq!(
        world.store.get_link(world.connection.id, 55).await.unwrap(),
        Some(3500)
    );
}

#[tokio::test]
async fn a_contact_without_a_name_or_with_a_bad_phone_is_refused_before_sending() {
    let world = World::new().await;
    let input = NewContactInput {
        name: " ".into(),
        phones: vec!["call me".into()],
        ..Default::default()
    };
    let Error::Validation(errors) = world
        .domain
        .create_contact(&world.ctx(), input)
        .await
        .unwrap_err()
    else {
        panic!()
    };
    assert_eq!(
        errors.iter().map(|e| e.field).collect::<Vec<_>>(),
        vec!["name", "phone"]
    );
}

#[tokio::test]
async fn linking_checks_the_contact_exists_and_unlinking_forgets_it() {
    let world = World::new().await;
    Mock::given(method("GET"))
        .and(path("/api/v4/contacts/3001"))
        .respond_with(json("contact_3001.json"))
        .mount(&world.amo)
        .await;
    Mock::given(method("GET"))
        .and(path("/api/v4/contacts/3999"))
        .respond_with(ResponseTemplate::new(204))
        .mount(&world.amo)
        .await;

    assert!(matches!(
        world.domain.link(&world.ctx(), 3999).await,
        Err(Error::NotFound(_))
    ));
    world.domain.link(&world.ctx(), 3001).await.unwrap();
    assert_eq!(
        world.store.get_link(world.connection.id, 55).await.unwrap(),
        Some(3001)
    );
    world.domain.unlink(&world.ctx()).await.unwrap();
    assert_eq!(
        world.store.get_link(world.connection.id, 55).await.unwrap(),
        None
    );
}

#[tokio::test]
async fn chosen_fields_are_saved_without_unknown_keys_and_shown_in_the_deals_list() {
    let world = World::new().await;
    world.mount_metadata().await;
    world.mount_harry().await;
    let choices = FieldChoices {
        list: vec![FieldKey::Custom(703), FieldKey::Custom(999_999)],
        card: vec![FieldKey::Custom(702)],
    };

    world
        .domain
        .save_field_choices(&world.ctx(), choices)
        .await
        .unwrap();
    let saved = world
        .store
        .get_field_choices(world.connection.id)
        .await
        .unwrap()
        .unwrap();
    let domain::BlockOutcome::Ready(data) = world.domain.block(world.harry(55)).await else {
        panic!()
    };

    assert_eq!(
        saved,
        FieldChoices {
            list: vec![FieldKey::Custom(703)],
            card: vec![FieldKey::Custom(702)]
        }
    );
    let shown = &data.contacts[0].deals[0].fields;
    assert_eq!(shown.len(), 1);
    assert_eq!(
        shown[0].value,
        Some(domain::model::FieldText::Date(1_735_689_600))
    );
}

#[tokio::test]
async fn the_deal_form_knows_where_each_field_is_required_and_which_the_gear_chose() {
    let world = World::new().await;
    world.mount_metadata().await;
    world
        .store
        .set_field_choices(
            world.connection.id,
            &FieldChoices {
                list: vec![FieldKey::Custom(703)],
                card: vec![FieldKey::Custom(702), FieldKey::Custom(703)],
            },
        )
        .await
        .unwrap();

    let form = world.domain.deal_form(world.connection.id).await.unwrap();
    let settings = world
        .domain
        .field_settings(world.connection.id)
        .await
        .unwrap();

    let budget = form.fields.iter().find(|f| f.id == 701).unwrap();
    let product = form.fields.iter().find(|f| f.id == 702).unwrap();
    assert_eq!(form.required_at(budget), vec![StageRef::new(10, 103)]);
    assert!(form.required_at(product).is_empty());
    assert_eq!(
        form.required_for(StageRef::new(10, 103))
            .map(|f| f.id)
            .collect::<Vec<_>>(),
        [701]
    );
    assert_eq!(form.shown, [FieldKey::Custom(703), FieldKey::Custom(702)]);
    assert!(form.is_shown(product) && !form.is_shown(budget));
    // The gear lists every pipeline with its stages (incoming ones too: triggers may name them), the users and
    // the fields, for the ids an admin writes into a trigger.
    assert_eq!(
        settings.pipelines.iter().map(|p| p.id).collect::<Vec<_>>(),
        [10, 20]
    );
    assert_eq!(settings.pipelines[0].stages.len(), 5);
    assert!(!settings.users.is_empty());
    assert_eq!(settings.fields.len(), 4);
}

#[tokio::test]
async fn the_deal_card_merges_events_and_notes_newest_first_with_authors() {
    let world = World::new().await;
    world.mount_metadata().await;
    Mock::given(method("GET"))
        .and(path("/api/v4/leads/4001"))
        .respond_with(json("lead_4001.json"))
        .mount(&world.amo)
        .await;
    Mock::given(method("GET"))
        .and(path("/api/v4/events"))
        .respond_with(json("events.json"))
        .mount(&world.amo)
        .await;
    Mock::given(method("GET"))
        .and(path("/api/v4/leads/4001/notes"))
        .respond_with(json("notes.json"))
        .mount(&world.amo)
        .await;

    let card = world
        .domain
        .deal_card(world.connection.id, 4001, None)
        .await
        .unwrap();

    assert_eq!(card.deal.stage.name, "Qualified");
    assert_eq!(
        card.fields.len(),
        1,
        "the card shows every filled field by default"
    );
    let kinds: Vec<_> = card.feed.iter().map(|f| &f.kind).collect();
    assert_eq!(
        kinds.len(),
        4,
        "the note's own event is not shown twice: {kinds:?}"
    );
    assert!(
        matches!(kinds[0], FeedKind::Note { text: Some(t), .. } if t == "Client asked for a discount")
    );
    assert!(matches!(kinds[1], FeedKind::FieldChanged { field } if field == "Deadline"));
    match kinds[2] {
        FeedKind::StatusChanged {
            from: Some(from),
            to: Some(to),
        } => {
            assert_eq!(
                (from.name.as_str(), to.name.as_str()),
                ("Incoming", "Qualified")
            );
        }
        other => panic!("{other:?}"),
    }
    assert_eq!(
        card.feed[2].author.as_ref().unwrap().name.as_deref(),
        Some("Severus Snape")
    );
    assert!(matches!(kinds[3], FeedKind::LeadAdded));
}

#[tokio::test]
async fn a_comment_is_posted_as_a_common_note() {
    let world = World::new().await;
    Mock::given(method("POST"))
        .and(path("/api/v4/leads/4001/notes"))
        .and(body_partial_json(
            serde_json::json!([{"note_type": "common", "params": {"text": "Called back"}}]),
        ))
        .respond_with(json("created_note.json"))
        .expect(1)
        .mount(&world.amo)
        .await;

    world
        .domain
        .post_comment(&world.ctx(), 4001, "  Called back ")
        .await
        .unwrap();
    assert!(matches!(
        world.domain.post_comment(&world.ctx(), 4001, "   ").await,
        Err(Error::Validation(_))
    ));
}

#[tokio::test]
async fn a_date_typed_in_a_form_is_read_in_the_amocrm_accounts_time_zone() {
    let world = World::new().await;
    world.mount_metadata().await;
    world.mount_contact_3001().await;
    // 10:00 in Moscow (the account's zone, UTC+3) is 07:00 UTC: 1735689600 + 7 h.
    Mock::given(method("POST"))
        .and(path("/api/v4/leads"))
        .and(body_partial_json(serde_json::json!([{"custom_fields_values": [{"field_id": 703, "values": [{"value": 1_735_714_800}]}]}])))
        .respond_with(json("created_lead.json"))
        .expect(1)
        .mount(&world.amo)
        .await;
    Mock::given(method("POST"))
        .and(path("/create/comment"))
        .respond_with(json("usedesk_comment.json"))
        .mount(&world.usedesk)
        .await;
    let mut lead = draft(102, vec![(703, vec!["2025-01-01T10:00".into()])]);
    lead.note = None;

    world.domain.create_deal(&world.ctx(), lead).await.unwrap();
}

#[tokio::test]
async fn a_date_typed_in_a_form_is_read_in_the_zone_the_block_asked_for_over_the_accounts() {
    let world = World::new().await;
    world.mount_metadata().await;
    world.mount_contact_3001().await;
    // 10:00 in Berlin in January (CET, UTC+1) is 09:00 UTC: 1735689600 + 9 h.
    Mock::given(method("POST"))
        .and(path("/api/v4/leads"))
        .and(body_partial_json(serde_json::json!([{"custom_fields_values": [{"field_id": 703, "values": [{"value": 1_735_722_000}]}]}])))
        .respond_with(json("created_lead.json"))
        .expect(1)
        .mount(&world.amo)
        .await;
    Mock::given(method("POST"))
        .and(path("/create/comment"))
        .respond_with(json("usedesk_comment.json"))
        .mount(&world.usedesk)
        .await;
    let mut lead = draft(102, vec![(703, vec!["2025-01-01T10:00".into()])]);
    lead.note = None;
    let ctx = domain::ActionContext {
        time_zone: Some("Europe/Berlin".into()),
        ..world.ctx()
    };

    world.domain.create_deal(&ctx, lead).await.unwrap();
}

#[tokio::test]
async fn a_deal_leaves_a_ticket_comment_in_the_blocks_language_and_an_amocrm_note_back_to_the_ticket()
 {
    // Arrange: a Russian block, an agent named by the block request.
    let world = World::new().await;
    world.mount_metadata().await;
    world.mount_contact_3001().await;
    Mock::given(method("POST"))
        .and(path("/api/v4/leads"))
        .respond_with(json("created_lead.json"))
        .expect(1)
        .mount(&world.amo)
        .await;
    Mock::given(method("POST"))
        .and(path("/ticket"))
        .respond_with(json("usedesk_ticket.json"))
        .expect(1)
        .mount(&world.usedesk)
        .await;
    let ticket_link = format!("{}/tickets/1002", world.usedesk.uri());
    let note = format!(
        "Создано из тикета Usedesk №1002 «Broom broke»: {ticket_link}\nСоздал агент Usedesk Ann Agent <ann@hogwarts.example>."
    );
    Mock::given(method("POST"))
        .and(path("/api/v4/leads/4500/notes"))
        .and(body_partial_json(
            serde_json::json!([{"note_type": "common", "params": {"text": note}}]),
        ))
        .respond_with(json("created_note.json"))
        .expect(1)
        .mount(&world.amo)
        .await;
    Mock::given(method("POST"))
        .and(path("/create/comment"))
        .and(body_partial_json(serde_json::json!({
            "ticket_id": 1002,
            "type": "private",
            "message": format!("Из этого тикета в amoCRM создана сделка «New broom»: {}/leads/detail/4500", world.amo.uri())
        })))
        .respond_with(json("usedesk_comment.json"))
        .expect(1)
        .mount(&world.usedesk)
        .await;
    let mut lead = draft(102, Vec::new());
    lead.note = None;
    let ctx = domain::ActionContext {
        lang: i18n::Lang::Ru,
        agent: Some("Ann Agent <ann@hogwarts.example>".into()),
        ..world.ctx()
    };

    // Act
    let created = world.domain.create_deal(&ctx, lead).await.unwrap();

    // Assert: the mocks' expectations are checked when the world is dropped.
    assert_eq!(created.id, 4500);
}

#[tokio::test]
async fn a_contact_gets_an_amocrm_note_with_the_ticket_number_subject_and_link() {
    // Arrange: a Spanish block without an agent's name.
    let world = World::new().await;
    Mock::given(method("POST"))
        .and(path("/api/v4/contacts"))
        .respond_with(json("created_contact.json"))
        .expect(1)
        .mount(&world.amo)
        .await;
    Mock::given(method("POST"))
        .and(path("/ticket"))
        .respond_with(json("usedesk_ticket.json"))
        .expect(1)
        .mount(&world.usedesk)
        .await;
    let note = format!(
        "Creado desde el ticket de Usedesk n.º 1002 “Broom broke”: {}/tickets/1002",
        world.usedesk.uri()
    );
    Mock::given(method("POST"))
        .and(path("/api/v4/contacts/3500/notes"))
        .and(body_partial_json(
            serde_json::json!([{"note_type": "common", "params": {"text": note}}]),
        ))
        .respond_with(json("created_note.json"))
        .expect(1)
        .mount(&world.amo)
        .await;
    Mock::given(method("POST"))
        .and(path("/create/comment"))
        .and(body_partial_json(serde_json::json!({
            "message": format!("Se creó el contacto “Luna Lovegood” en amoCRM a partir de este ticket: {}/contacts/detail/3500", world.amo.uri())
        })))
        .respond_with(json("usedesk_comment.json"))
        .expect(1)
        .mount(&world.usedesk)
        .await;
    let ctx = domain::ActionContext {
        lang: i18n::Lang::Es,
        ..world.ctx()
    };
    let input = NewContactInput {
        name: "Luna Lovegood".into(),
        phones: vec!["8 903 123-45-67".into()],
        emails: Vec::new(),
        responsible_user_id: None,
        ..Default::default()
    };

    // Act
    let created = world.domain.create_contact(&ctx, input).await.unwrap();

    // Assert
    assert_eq!(created.contact.id, 3500);
}
