//! Deals end to end: the new-deal form with the stage's required fields, the deal card with its feed,
//! and comments — as pages and in place.

use i18n::Lang::En;
use wiremock::Mock;
use wiremock::matchers::{body_partial_json, body_string_contains, method, path};

use crate::support::*;

/// A block with Harry found, and its HTML.
async fn block_with_harry(app: &TestApp) -> String {
    app.connect().await;
    app.mount_one_contact().await;
    let (_, html) = app.post_block(&app.block_request()).await;
    html
}

async fn mount_card(app: &TestApp) {
    app.mount_get("/api/v4/leads/7001", fixture!("block/lead_7001.json"))
        .await;
    app.mount_get("/api/v4/events", fixture!("amocrm/events.json"))
        .await;
    app.mount_get("/api/v4/leads/7001/notes", fixture!("amocrm/notes.json"))
        .await;
}

/// The POSTs amoCRM received on `route`.
async fn posts_to(app: &TestApp, route: &str) -> usize {
    app.amo
        .received_requests()
        .await
        .unwrap_or_default()
        .iter()
        .filter(|r| r.method.as_str() == "POST" && r.url.path() == route)
        .count()
}

/// The new-deal form for Harry, opened at `stage`, and its submit token.
async fn open_deal_form(app: &TestApp, stage: &str) -> (u16, String, String) {
    let html = block_with_harry(app).await;
    let open = token_for(&html, &app.url("/action/deal"));
    let (status, form) = app
        .get_page(&app.url("/action/deal"), &open, &[("stage", stage)])
        .await;
    let create = tokens_for(&form, &app.url("/action/deal"))
        .into_iter()
        .find(|t| claims_of(t)["k"] == "create_deal")
        .expect("a submit token");
    (status, form, create)
}

fn nimbus(token: &str, product: &'static str) -> Vec<(&'static str, String)> {
    vec![
        ("t", token.to_owned()),
        ("name", "Nimbus 2001".into()),
        ("price", "2001".into()),
        ("stage", "3001000:40002".into()),
        ("cf:701", product.into()),
    ]
}

async fn post_deal(app: &TestApp, fields: &[(&'static str, String)]) -> (u16, String) {
    let fields: Vec<(&str, &str)> = fields.iter().map(|(k, v)| (*k, v.as_str())).collect();
    app.post_form(&app.url("/action/deal"), &fields).await
}

#[tokio::test]
async fn new_deal_with_a_stage_required_field_empty_is_refused_naming_the_field_and_sends_nothing()
{
    // Arrange
    let app = TestApp::start().await;
    Mock::given(method("POST"))
        .and(path("/api/v4/leads"))
        .respond_with(hal(fixture!("block/leads_created.json")))
        .expect(0)
        .mount(&app.amo)
        .await;
    let (form_status, form, create) = open_deal_form(&app, "3001000:40002").await;

    // Act: submit without the product the stage requires.
    let (status, refused) = post_deal(&app, &nimbus(&create, "")).await;

    // Assert: the form again, naming the field, with the values kept.
    assert_eq!(form_status, 200);
    assert_shows(&form, "Product");
    assert_shows(&form, "Negotiation");
    assert_eq!(status, 422);
    assert_shows(
        &refused,
        &t1(En, "error-field-required", "field", "Product"),
    );
    assert_shows(&refused, "Nimbus 2001");
}

#[tokio::test]
async fn new_deal_refused_for_a_missing_field_is_created_once_it_is_filled() {
    // Arrange
    let app = TestApp::start().await;
    Mock::given(method("POST"))
        .and(path("/api/v4/leads"))
        .and(body_partial_json(serde_json::json!([{
            "name": "Nimbus 2001",
            "price": 2001,
            "pipeline_id": 3001000,
            "status_id": 40002,
            "_embedded": {"contacts": [{"id": 3001, "is_main": true}]},
        }])))
        .and(body_string_contains("7102"))
        .respond_with(hal(fixture!("block/leads_created.json")))
        .expect(1)
        .mount(&app.amo)
        .await;
    app.mount_ticket_note("/api/v4/leads/7101/notes", 1).await;
    let (_, _, create) = open_deal_form(&app, "3001000:40002").await;
    let (refused_status, refused) = post_deal(&app, &nimbus(&create, "")).await;
    assert_eq!(refused_status, 422);
    assert_eq!(posts_to(&app, "/api/v4/leads").await, 0);

    // Act: fill it in with the fresh token the refused form carries.
    let again = tokens_for(&refused, &app.url("/action/deal"))
        .into_iter()
        .find(|t| claims_of(t)["k"] == "create_deal")
        .expect("a fresh submit token");
    let (status, page) = post_deal(&app, &nimbus(&again, "7102")).await;

    // Assert
    assert_ne!(again, create);
    assert_eq!(status, 200);
    assert_shows(
        &page,
        &t1(En, "action-done-deal-created", "name", "Nimbus 2001"),
    );
    assert_shows(
        &page,
        &format!("{}/leads/detail/7101", app.amo_host().as_str()),
    );
}

#[tokio::test]
async fn new_deal_form_marks_what_the_chosen_stage_requires() {
    // Arrange
    let app = TestApp::start().await;
    let html = block_with_harry(&app).await;
    let open = token_for(&html, &app.url("/action/deal"));

    // Act
    let (status, page) = app
        .get_page(
            &app.url("/action/deal"),
            &open,
            &[("stage", "3001000:40002"), ("name", "Kept name")],
        )
        .await;

    // Assert
    assert_eq!(status, 200);
    assert_shows(
        &page,
        &t1(En, "form-required-for-stage", "stage", "Negotiation"),
    );
    assert_shows(&page, "Kept name");
    assert_shows(&page, "Partners");
}

#[tokio::test]
async fn show_required_fields_reloads_the_form_for_the_chosen_stage_with_the_values_kept() {
    // Arrange: the form as first opened, for the main pipeline's first stage.
    let app = TestApp::start().await;
    let html = block_with_harry(&app).await;
    let open = token_for(&html, &app.url("/action/deal"));
    let (_, form) = app.get_page(&app.url("/action/deal"), &open, &[]).await;
    let tokens = tokens_for(&form, &app.url("/action/deal"));
    let create = tokens
        .iter()
        .find(|t| claims_of(t)["k"] == "create_deal")
        .expect("a submit token");
    let reload = unescape(&form)
        .split("formaction=\"")
        .nth(1)
        .and_then(|rest| rest.split("value=\"").nth(1))
        .map(|rest| rest.chars().take_while(|c| *c != '"').collect::<String>())
        .expect("a reload button with its token");
    assert_hides(
        &form,
        &t1(En, "form-required-for-stage", "stage", "Negotiation"),
    );

    // Act: the browser sends the whole form, with both tokens, to the button's GET URL.
    let response = app
        .http
        .get(app.url("/action/deal"))
        .query(&[
            ("t", create.as_str()),
            ("name", "Typed before the reload"),
            ("stage", "3001000:40002"),
            ("cf:702", "42"),
            ("t", reload.as_str()),
        ])
        .send()
        .await
        .unwrap();
    let status = response.status().as_u16();
    let page = response.text().await.unwrap();

    // Assert
    assert_eq!(status, 200);
    assert_shows(
        &page,
        &t1(En, "form-required-for-stage", "stage", "Negotiation"),
    );
    assert_shows(&page, "Typed before the reload");
    assert_shows(&page, "value=\"42\"");
}

#[tokio::test]
async fn deal_card_shows_the_deal_its_fields_and_its_feed() {
    // Arrange
    let app = TestApp::start().await;
    let html = block_with_harry(&app).await;
    mount_card(&app).await;
    let card = tokens_for(&html, &app.url("/deal"))
        .into_iter()
        .find(|t| claims_of(t)["s"] == 7001)
        .expect("a card link for the Firebolt order");

    // Act
    let (status, page) = app.get_page(&app.url("/deal"), &card, &[]).await;

    // Assert
    assert_eq!(status, 200);
    assert_shows(&page, "Firebolt order");
    assert_shows(&page, "Broom");
    assert_shows(&page, "Customer wants the 2024 model.");
    assert_shows(&page, &t(En, "feed-lead-added"));
    assert_shows(&page, "Minerva McGonagall");
    let comment = token_for(&page, &app.url("/action/comment"));
    assert_eq!(claims_of(&comment)["k"], "comment");
    assert_eq!(claims_of(&comment)["s"], 7001);
}

#[tokio::test]
async fn commenting_on_a_deal_posts_one_note_and_the_token_works_once() {
    // Arrange
    let app = TestApp::start().await;
    let html = block_with_harry(&app).await;
    mount_card(&app).await;
    Mock::given(method("POST"))
        .and(path("/api/v4/leads/7001/notes"))
        .and(body_partial_json(serde_json::json!([{
            "note_type": "common",
            "params": {"text": "Called the client back"},
        }])))
        .respond_with(hal(fixture!("amocrm/notes_created.json")))
        .expect(1)
        .mount(&app.amo)
        .await;
    let card = tokens_for(&html, &app.url("/deal"))
        .into_iter()
        .find(|t| claims_of(t)["s"] == 7001)
        .expect("a card link for the Firebolt order");
    let (_, page) = app.get_page(&app.url("/deal"), &card, &[]).await;
    let comment = token_for(&page, &app.url("/action/comment"));

    // Act: post in place, then replay the same form.
    let fields = [("t", comment.as_str()), ("text", "Called the client back")];
    let (status, body, _) = app
        .post_in_place(&app.url("/action/comment"), &fields, None)
        .await;
    let (replay_status, replay, _) = app
        .post_in_place(&app.url("/action/comment"), &fields, None)
        .await;

    // Assert
    assert_eq!(status, 200);
    assert_eq!(body, serde_json::json!({"ok": true}));
    assert_eq!(replay_status, 409);
    assert_eq!(replay["error"]["code"], "token_replayed");
    assert_eq!(replay["error"]["message"], t(En, "action-token-replayed"));
}

#[tokio::test]
async fn commenting_as_a_plain_form_shows_the_done_page() {
    // Arrange
    let app = TestApp::start().await;
    let connection = app.connect().await;
    Mock::given(method("POST"))
        .and(path("/api/v4/leads/7001/notes"))
        .respond_with(hal(fixture!("amocrm/notes_created.json")))
        .expect(1)
        .mount(&app.amo)
        .await;
    let comment = sign_claims(
        &serde_json::json!({"c": connection.to_string(), "t": TICKET_ID, "u": CLIENT_ID,
            "k": "comment", "s": 7001, "l": "en", "e": domain::now() + 600, "n": "c-1"}),
        SIGNING_KEY,
    );

    // Act
    let (status, page) = app
        .post_form(
            &app.url("/action/comment"),
            &[("t", &comment), ("text", "Plain comment")],
        )
        .await;

    // Assert
    assert_eq!(status, 200);
    assert_shows(&page, &t(En, "action-done-comment"));
}

#[tokio::test]
async fn an_empty_comment_shows_the_card_again_and_posts_nothing() {
    // Arrange
    let app = TestApp::start().await;
    let connection = app.connect().await;
    app.mount_metadata().await;
    mount_card(&app).await;
    let comment = sign_claims(
        &serde_json::json!({"c": connection.to_string(), "t": TICKET_ID, "u": CLIENT_ID,
            "k": "comment", "s": 7001, "l": "en", "e": domain::now() + 600, "n": "c-2"}),
        SIGNING_KEY,
    );

    // Act
    let (status, page) = app
        .post_form(
            &app.url("/action/comment"),
            &[("t", &comment), ("text", "   ")],
        )
        .await;

    // Assert: the catch-all would fail on a POST of a note.
    assert_eq!(status, 422);
    assert_shows(&page, &t(En, "error-comment-empty"));
    assert_shows(&page, "Firebolt order");
}

#[tokio::test]
async fn an_empty_comment_in_place_answers_422_with_the_reason_in_the_agents_language() {
    // Arrange
    let app = TestApp::start().await;
    let connection = app.connect().await;
    let comment = sign_claims(
        &serde_json::json!({"c": connection.to_string(), "t": TICKET_ID, "u": CLIENT_ID,
            "k": "comment", "s": 7001, "l": "es", "e": domain::now() + 600, "n": "c-3"}),
        SIGNING_KEY,
    );

    // Act
    let (status, body, _) = app
        .post_in_place(
            &app.url("/action/comment"),
            &[("t", &comment), ("text", "")],
            None,
        )
        .await;

    // Assert: nothing posted (the catch-all would fail the test).
    assert_eq!(status, 422);
    assert_eq!(body["ok"], false);
    assert_eq!(body["error"]["code"], "validation");
    assert_eq!(
        body["error"]["message"],
        t(i18n::Lang::Es, "error-comment-empty")
    );
    assert_eq!(body["error"]["fields"][0]["field"], "comment");
}
