//! The block's stage select and the deal card's contacts: a deal moved in place sends its stage alone; a stage
//! that needs more is refused before anything is sent, beside the select, with the edit page for that stage; the
//! card reads the contact its link names beside the deal.

use i18n::Lang::En;
use wiremock::matchers::{body_json, method, path};
use wiremock::{Mock, ResponseTemplate};

use crate::support::*;

/// Harry's block with the deal 7001 (Sales → First contact) readable as `lead`, and its HTML.
async fn block_with(app: &TestApp, lead: &str) -> String {
    app.connect().await;
    app.mount_one_contact().await;
    app.mount_get("/api/v4/leads/7001", lead).await;
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

/// The stage select's token of the deal 7001.
fn move_token(app: &TestApp, block: &str) -> String {
    let token = token_for(block, &app.url("/action/deal-stage"));
    assert_eq!(claims_of(&token)["k"], "move_deal");
    assert_eq!(claims_of(&token)["s"], 7001);
    token
}

/// No PATCH may reach amoCRM.
async fn refuse_patches(app: &TestApp) {
    Mock::given(method("PATCH"))
        .respond_with(ResponseTemplate::new(500))
        .named("no change may be sent")
        .expect(0)
        .mount(&app.amo)
        .await;
}

#[tokio::test]
async fn an_open_deal_offers_the_stages_of_its_pipeline_with_its_own_chosen_then_won_and_lost() {
    // Arrange
    let app = TestApp::start().await;

    // Act
    let block = block_with(&app, fixture!("block/lead_7001.json")).await;

    // Assert
    move_token(&app, &block);
    assert_shows(
        &block,
        r#"<option value="3001000:40001" style="background-color:#99ccff;color:#1f2633" selected>First contact</option>"#,
    );
    assert_shows(&block, r#"<option value="3001000:40002""#);
    assert_shows(
        &block,
        r#"<option value="3001000:142">Won</option><option value="3001000:143">Lost</option>"#,
    );
    assert_hides(&block, r#"value="3001000:40000""#);
    assert_hides(&block, r#"value="3001001:41001""#);
    assert_eq!(
        tokens_for(&block, &app.url("/action/deal-stage")).len(),
        1,
        "only the open deal has a stage select"
    );
}

#[tokio::test]
async fn moving_a_deal_in_place_sends_its_stage_alone_and_the_block_reloads_with_it() {
    // Arrange
    let app = TestApp::start().await;
    let block = block_with(&app, fixture!("block/lead_7001.json")).await;
    Mock::given(method("PATCH"))
        .and(path("/api/v4/leads/7001"))
        .and(body_json(
            serde_json::json!({"id": 7001, "status_id": 40002}),
        ))
        .respond_with(hal(fixture!("amocrm/lead_updated.json")))
        .expect(1)
        .mount(&app.amo)
        .await;
    let token = move_token(&app, &block);

    // Act
    let (status, answer, _) = app
        .post_in_place(
            &app.url("/action/deal-stage"),
            &[("t", &token), ("stage", "3001000:40002")],
            None,
        )
        .await;
    let (_, again) = app.post_block(&app.block_request()).await;

    // Assert
    assert_eq!(status, 200, "{answer}");
    assert_eq!(answer, serde_json::json!({"ok": true}));
    assert_ne!(
        move_token(&app, &again),
        token,
        "the reloaded block has a fresh token"
    );
}

/// A GET page's status and HTML.
async fn open(url: &str) -> (u16, String) {
    let response = reqwest::get(url).await.expect("the service answers");
    let status = response.status().as_u16();
    (status, response.text().await.expect("a text body"))
}

#[tokio::test]
async fn a_stage_that_needs_a_field_the_deal_lacks_is_refused_before_sending_with_the_field_named()
{
    // Arrange
    let app = TestApp::start().await;
    let block = block_with(&app, fixture!("block/lead_7001_without_product.json")).await;
    Mock::given(method("PATCH"))
        .and(path("/api/v4/leads/7001"))
        .and(body_json(serde_json::json!({"id": 7001, "status_id": 142})))
        .respond_with(hal(fixture!("amocrm/lead_updated.json")))
        .expect(1)
        .mount(&app.amo)
        .await;
    refuse_patches(&app).await;
    let token = move_token(&app, &block);
    let post = |stage: &'static str| {
        let (app, token) = (&app, token.clone());
        async move {
            app.post_in_place(
                &app.url("/action/deal-stage"),
                &[("t", &token), ("stage", stage)],
                None,
            )
            .await
        }
    };

    // Act
    let (status, answer, _) = post("3001000:40002").await;
    let next = answer["error"]["next"]
        .as_str()
        .unwrap_or_default()
        .to_owned();
    let (page_status, page) = open(&next).await;
    let (won_status, won, _) = post("3001000:142").await;

    // Assert
    assert_eq!(status, 422, "{answer}");
    assert_eq!(
        answer["error"]["message"],
        t1(En, "deal-move-needs", "fields", "Product")
    );
    assert!(
        next.starts_with(&format!("{}?t=", app.url("/deal")))
            && next.ends_with("&edit=1&stage=3001000%3A40002"),
        "{next}"
    );
    let next_token = url::Url::parse(&next)
        .expect("an address")
        .query_pairs()
        .find(|(key, _)| key == "t")
        .map(|(_, value)| value.into_owned())
        .expect("the edit page's token");
    assert_eq!(
        claims_of(&next_token)["o"],
        3001,
        "the card behind the edit page reads the contact beside the deal"
    );
    assert_eq!(page_status, 200);
    assert_shows(&page, r#"<option value="3001000:40002" selected>"#);
    assert_shows(&page, r#"name="cf:701" aria-required="true""#);
    assert_eq!(
        (won_status, won),
        (200, serde_json::json!({"ok": true})),
        "nothing was sent, so the same select moves the deal to another stage"
    );
}

#[tokio::test]
async fn without_javascript_a_stage_that_needs_a_field_ends_on_the_edit_page_with_it_marked() {
    // Arrange
    let app = TestApp::start().await;
    let block = block_with(&app, fixture!("block/lead_7001_without_product.json")).await;
    refuse_patches(&app).await;
    let token = move_token(&app, &block);

    // Act
    let (status, page) = app
        .post_form(
            &app.url("/action/deal-stage"),
            &[("t", &token), ("stage", "3001000:40002")],
        )
        .await;

    // Assert
    assert_eq!(status, 422);
    assert_shows(&page, r#"id="errors""#);
    assert_shows(&page, &t1(En, "error-field-required", "field", "Product"));
    assert_shows(&page, r#"<option value="3001000:40002" selected>"#);
    assert_shows(&page, r#"name="price" value="5000""#);
    token_for(&page, &app.url("/action/deal-change"));
}

#[tokio::test]
async fn closing_as_lost_from_the_select_asks_for_a_loss_reason_on_the_edit_page() {
    // Arrange
    let app = TestApp::start().await;
    let block = block_with(&app, fixture!("block/lead_7001.json")).await;
    refuse_patches(&app).await;
    let token = move_token(&app, &block);

    // Act
    let (status, answer, _) = app
        .post_in_place(
            &app.url("/action/deal-stage"),
            &[("t", &token), ("stage", "3001000:143")],
            None,
        )
        .await;
    let next = answer["error"]["next"]
        .as_str()
        .unwrap_or_default()
        .to_owned();
    let (_, page) = open(&next).await;

    // Assert
    assert_eq!(status, 422, "{answer}");
    assert_eq!(
        answer["error"]["message"],
        t1(En, "deal-move-needs", "fields", &t(En, "form-loss-reason"))
    );
    assert!(next.ends_with("&stage=3001000%3A143"), "{next}");
    assert_shows(&page, r#"<option value="3001000:143" selected>"#);
    assert_shows(&page, r#"name="loss_reason""#);
}

#[tokio::test]
async fn amocrm_refusing_the_move_is_said_beside_the_select() {
    // Arrange
    let app = TestApp::start().await;
    let block = block_with(&app, fixture!("block/lead_7001.json")).await;
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
    let token = move_token(&app, &block);

    // Act
    let (status, answer, _) = app
        .post_in_place(
            &app.url("/action/deal-stage"),
            &[("t", &token), ("stage", "3001000:40002")],
            None,
        )
        .await;

    // Assert
    assert_eq!(status, 422, "{answer}");
    assert_eq!(
        answer["error"]["message"],
        "amoCRM did not accept “Pipeline and stage”: The value you selected is not a valid choice."
    );
    assert!(
        answer["error"]["next"]
            .as_str()
            .is_some_and(|n| n.ends_with("&edit=1&stage=3001000%3A40002")),
        "{answer}"
    );
}

#[tokio::test]
async fn the_edit_page_says_so_when_its_link_names_a_stage_it_does_not_offer() {
    // Arrange
    let app = TestApp::start().await;
    let block = block_with(&app, fixture!("block/lead_7001.json")).await;
    let card = token_for(&block, &app.url("/deal"));

    // Act
    let (status, page) = app
        .get_page(
            &app.url("/deal"),
            &card,
            &[("edit", "1"), ("stage", "3001001:142")],
        )
        .await;

    // Assert
    assert_eq!(status, 200);
    assert_shows(&page, &t(En, "error-stage-not-in-pipeline"));
    assert_shows(&page, r#"<option value="3001000:40001" selected>"#);
}

/// The GET requests amoCRM received on `route`, with their queries.
async fn reads_of(app: &TestApp, route: &str) -> Vec<String> {
    app.amo
        .received_requests()
        .await
        .unwrap_or_default()
        .iter()
        .filter(|r| r.method.as_str() == "GET" && r.url.path() == route)
        .map(|r| r.url.query().unwrap_or_default().to_owned())
        .collect()
}

#[tokio::test]
async fn the_card_opened_from_the_block_reads_its_contact_beside_the_deal_and_shows_position_and_tags()
 {
    // Arrange
    let app = TestApp::start().await;
    let block = block_with(&app, fixture!("block/lead_7001.json")).await;
    let card = tokens_for(&block, &app.url("/deal"))
        .into_iter()
        .find(|t| claims_of(t)["s"] == 7001)
        .expect("the card's link");

    // Act
    let (status, page) = app.get_page(&app.url("/deal"), &card, &[]).await;

    // Assert
    assert_eq!(status, 200);
    assert_eq!(claims_of(&card)["o"], 3001, "the link names the contact");
    assert_eq!(
        reads_of(&app, "/api/v4/leads/7001").await,
        ["with=contacts"]
    );
    assert_eq!(reads_of(&app, "/api/v4/contacts/3001").await.len(), 1);
    let by_id: Vec<String> = reads_of(&app, "/api/v4/contacts")
        .await
        .into_iter()
        .filter(|q| q.contains("filter"))
        .collect();
    assert!(by_id.is_empty(), "a second wave read {by_id:?}");
    assert_shows(&page, &t(En, "card-contacts"));
    assert_shows(&page, "Harry Potter</a>");
    assert_shows(&page, r#"<div class="person-position muted">Seeker</div>"#);
    assert_shows(
        &page,
        r#"<span class="tag">VIP</span><span class="tag">Quidditch</span>"#,
    );
    assert_shows(&page, "harry.potter@hogwarts.example");
}

#[tokio::test]
async fn the_card_opened_without_a_contact_reads_the_deals_contacts_after_the_deal() {
    // Arrange
    let app = TestApp::start().await;
    let connection = app.connect().await.to_string();
    app.mount_metadata().await;
    app.mount_get("/api/v4/leads/7001", fixture!("block/lead_7001.json"))
        .await;
    app.mount_get("/api/v4/events", fixture!("amocrm/events.json"))
        .await;
    app.mount_get("/api/v4/leads/7001/notes", fixture!("amocrm/notes.json"))
        .await;
    app.mount_card_contact().await;
    let card = sign_claims(
        &serde_json::json!({"c": connection, "k": "deal", "s": 7001, "l": "en",
            "e": domain::now() + 600, "n": "card-without-contact"}),
        SIGNING_KEY,
    );

    // Act
    let (status, page) = app.get_page(&app.url("/deal"), &card, &[]).await;

    // Assert
    assert_eq!(status, 200);
    assert!(reads_of(&app, "/api/v4/contacts/3001").await.is_empty());
    assert_eq!(
        reads_of(&app, "/api/v4/contacts").await,
        ["filter%5Bid%5D%5B%5D=3001&limit=250"]
    );
    assert_shows(&page, "Seeker");
    assert_shows(&page, r#"<span class="tag">Quidditch</span>"#);
}
