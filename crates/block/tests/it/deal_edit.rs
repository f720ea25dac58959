//! Changing a deal: the block's "Change" link opens the edit page prefilled from the deal; its submit sends only
//! what changed and ends on the card with a "Changed" banner; a refused submit comes back with every value kept.

use i18n::Lang::En;
use wiremock::matchers::{body_json, method, path};
use wiremock::{Mock, ResponseTemplate};

use crate::support::*;

/// Harry's block, with the deal 7001 (Sales → First contact) readable, and the account's loss reasons.
async fn block_with_the_deal(app: &TestApp) -> String {
    app.connect().await;
    app.mount_one_contact().await;
    app.mount_get("/api/v4/leads/7001", fixture!("block/lead_7001.json"))
        .await;
    app.mount_get(
        "/api/v4/leads/loss_reasons",
        fixture!("amocrm/loss_reasons.json"),
    )
    .await;
    app.mount_get("/api/v4/events", fixture!("amocrm/events.json"))
        .await;
    app.mount_get("/api/v4/leads/7001/notes", fixture!("amocrm/notes.json"))
        .await;
    app.mount_card_contact().await;
    let (_, html) = app.post_block(&app.block_request()).await;
    html
}

/// The edit page of deal 7001, opened from the block's "Change" link: its status, page and submit token.
async fn open_edit_page(app: &TestApp, block: &str) -> (u16, String, String) {
    let card = tokens_for(block, &app.url("/deal"))
        .into_iter()
        .find(|t| claims_of(t)["s"] == 7001)
        .expect("a link for the Firebolt order");
    let change = format!("{}?t={card}&edit=1", app.url("/deal"));
    assert!(testkit::html::unescape(block).contains(&change), "{block}");
    let (status, page) = app
        .get_page(&app.url("/deal"), &card, &[("edit", "1")])
        .await;
    let submit = token_for(&page, &app.url("/action/deal-change"));
    (status, page, submit)
}

#[tokio::test]
async fn the_change_link_opens_the_edit_page_prefilled_from_the_deal() {
    // Arrange
    let app = TestApp::start().await;
    let block = block_with_the_deal(&app).await;

    // Act
    let (status, page, submit) = open_edit_page(&app, &block).await;

    // Assert
    assert_eq!(status, 200);
    assert_shows(&page, &t1(En, "deal-edit-title", "name", "Firebolt order"));
    assert_shows(&page, r#"<option value="3001000:40001" selected>"#);
    assert_shows(&page, r#"<option value="3001000:143">"#);
    assert_shows(&page, r#"name="price" value="5000""#);
    assert_shows(&page, r#"<option value="8001" selected>"#);
    assert_shows(&page, r#"<option value="9101">Chose a competitor</option>"#);
    assert_eq!(claims_of(&submit)["k"], "change_deal");
    assert_eq!(claims_of(&submit)["s"], 7001);
}

#[tokio::test]
async fn closing_a_deal_as_lost_with_a_reason_ends_on_its_card_saying_it_changed() {
    // Arrange
    let app = TestApp::start().await;
    let block = block_with_the_deal(&app).await;
    Mock::given(method("PATCH"))
        .and(path("/api/v4/leads/7001"))
        .and(body_json(
            serde_json::json!({"id": 7001, "status_id": 143, "loss_reason_id": 9101}),
        ))
        .respond_with(hal(fixture!("amocrm/lead_updated.json")))
        .expect(1)
        .mount(&app.amo)
        .await;
    let (_, _, submit) = open_edit_page(&app, &block).await;

    // Act
    let (status, location) = app
        .post_form_see_other(
            &app.url("/action/deal-change"),
            &[
                ("t", &submit),
                ("stage", "3001000:143"),
                ("loss_reason", "9101"),
                ("price", "5 000"),
                ("responsible", "8001"),
                ("cf:701", "7101"),
                ("cf:702", "5000"),
            ],
        )
        .await;
    let card = reqwest::get(&location).await.unwrap().text().await.unwrap();

    // Assert
    assert_eq!(status, 303);
    assert!(
        location.starts_with(&format!("{}?t=", app.url("/deal"))),
        "{location}"
    );
    assert!(location.ends_with("&changed=1"), "{location}");
    assert_shows(&card, &t(En, "deal-changed"));
}

#[tokio::test]
async fn a_budget_that_is_not_a_number_comes_back_with_every_value_kept_and_nothing_sent() {
    // Arrange
    let app = TestApp::start().await;
    let block = block_with_the_deal(&app).await;
    Mock::given(method("PATCH"))
        .respond_with(ResponseTemplate::new(500))
        .expect(0)
        .mount(&app.amo)
        .await;
    let (_, _, submit) = open_edit_page(&app, &block).await;

    // Act
    let (status, page) = app
        .post_form(
            &app.url("/action/deal-change"),
            &[
                ("t", &submit),
                ("stage", "3001000:40002"),
                ("price", "a lot"),
                ("responsible", "8002"),
            ],
        )
        .await;

    // Assert
    assert_eq!(status, 422);
    assert_shows(&page, r#"id="errors""#);
    assert_shows(&page, r#"name="price" value="a lot""#);
    assert_shows(&page, r#"<option value="3001000:40002" selected>"#);
    assert_shows(&page, r#"<option value="8002" selected>"#);
    let again = token_for(&page, &app.url("/action/deal-change"));
    assert_ne!(again, submit, "the page comes back with a fresh token");
}

#[tokio::test]
async fn amocrm_refusing_the_stage_is_shown_beside_the_stage() {
    // Arrange
    let app = TestApp::start().await;
    let block = block_with_the_deal(&app).await;
    Mock::given(method("PATCH"))
        .and(path("/api/v4/leads/7001"))
        .respond_with(
            ResponseTemplate::new(400)
                .insert_header("content-type", "application/problem+json")
                .set_body_string(fixture!("amocrm/lead_stage_refused_400.json")),
        )
        .expect(1)
        .mount(&app.amo)
        .await;
    let (_, _, submit) = open_edit_page(&app, &block).await;

    // Act
    let (status, page) = app
        .post_form(
            &app.url("/action/deal-change"),
            &[("t", &submit), ("stage", "3001001:41001")],
        )
        .await;

    // Assert
    assert_eq!(status, 422);
    let refused =
        "amoCRM did not accept “Pipeline and stage”: The value you selected is not a valid choice.";
    assert!(testkit::html::unescape(&page).contains(refused), "{page}");
    assert_shows(&page, r#"<option value="3001001:41001" selected>"#);
}
