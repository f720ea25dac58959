//! Deals end to end: the new-deal form with the stage's required fields, the deal card with its feed,
//! and comments — as pages and in place.

use domain::store::Store as _;
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
    app.mount_card_contact().await;
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

/// POSTs the deal form; the status and where it sends the browser (or the page, when it does not).
async fn post_deal_see_other(app: &TestApp, fields: &[(&'static str, String)]) -> (u16, String) {
    let fields: Vec<(&str, &str)> = fields.iter().map(|(k, v)| (*k, v.as_str())).collect();
    let (status, location) = app
        .post_form_see_other(&app.url("/action/deal"), &fields)
        .await;
    if status == 303 {
        return (status, location);
    }
    (status, String::new())
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
    let (status, page) = post_deal_see_other(&app, &nimbus(&again, "7102")).await;

    // Assert: the new deal's card is where the agent lands.
    assert_ne!(again, create);
    assert_eq!(status, 303, "{page}");
    let card = page
        .strip_prefix(&format!("{}?t=", app.url("/deal")))
        .unwrap_or_else(|| panic!("not a card: {page}"))
        .replace("%3D", "=");
    assert_eq!(claims_of(&card)["k"], "deal");
    assert_eq!(claims_of(&card)["s"], 7101);
}

#[tokio::test]
async fn a_deal_amocrm_refuses_comes_back_with_every_value_kept_a_banner_and_a_retry() {
    // Arrange: amoCRM answers the new deal with 402 (the subscription ended).
    let app = TestApp::start().await;
    Mock::given(method("POST"))
        .and(path("/api/v4/leads"))
        .respond_with(wiremock::ResponseTemplate::new(402))
        .mount(&app.amo)
        .await;
    let (_, _, create) = open_deal_form(&app, "3001000:40002").await;

    // Act
    let (status, page) = post_deal(&app, &nimbus(&create, "7102")).await;

    // Assert: the same form, every value in it, why it failed, and a fresh single-use token.
    assert_eq!(status, 402);
    assert_shows(&page, "value=\"Nimbus 2001\"");
    assert_shows(&page, "value=\"2001\"");
    assert_shows(&page, &t(En, "state-payment-required"));
    assert_shows(&page, &t(En, "form-problem-not-saved"));
    assert_shows(&page, &t(En, "button-retry"));
    let again = tokens_for(&page, &app.url("/action/deal"))
        .into_iter()
        .find(|t| claims_of(t)["k"] == "create_deal")
        .expect("a fresh submit token");
    assert_ne!(again, create);
}

#[tokio::test]
async fn a_budget_typed_the_local_way_is_sent_as_whole_units_with_the_note_for_the_deal() {
    // Arrange: "1 500,50 ₽" as a Russian agent types it; amoCRM keeps whole units.
    let app = TestApp::start().await;
    Mock::given(method("POST"))
        .and(path("/api/v4/leads"))
        .and(body_partial_json(
            serde_json::json!([{"name": "Nimbus 2001", "price": 1501}]),
        ))
        .respond_with(hal(fixture!("block/leads_created.json")))
        .expect(1)
        .mount(&app.amo)
        .await;
    Mock::given(method("POST"))
        .and(path("/api/v4/leads/7101/notes"))
        .and(body_string_contains("Asked for a spare broom"))
        .respond_with(hal(fixture!("amocrm/notes_created.json")))
        .expect(1)
        .mount(&app.amo)
        .await;
    app.mount_ticket_note("/api/v4/leads/7101/notes", 1).await;
    let (_, form, create) = open_deal_form(&app, "3001000:40002").await;
    let mut fields = nimbus(&create, "7102");
    fields[2].1 = "1 500,50 ₽".into();
    fields.push(("note", "Asked for a spare broom".into()));

    // Act
    let (status, _) = post_deal(&app, &fields).await;

    // Assert
    assert_shows(
        &form,
        r#"<textarea id="f-note" class="form-control" name="note""#,
    );
    assert_eq!(status, 303, "created: on to the new deal's card");
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

    // Assert: with no script at all, the option says what the stage needs, the field says where it is
    // required, and it is marked for the chosen stage.
    assert_eq!(status, 200);
    assert_shows(&page, "Sales → Negotiation · needs Product");
    assert_shows(
        &page,
        &t1(En, "form-required-at", "stages", "Sales → Negotiation"),
    );
    assert_shows(
        &page,
        r#"<div class="field required-now" data-required-in="3001000:40002" data-fold>"#,
    );
    assert_shows(&page, "Kept name");
    assert_shows(&page, "Partners → Proposal");
}

/// The first form field's `<div class="field…">` opening tag holding the input named `name`.
fn field_tag<'h>(page: &'h str, name: &str) -> &'h str {
    let at = page
        .find(&format!("name=\"{name}\""))
        .unwrap_or_else(|| panic!("no input {name}"));
    let start = page[..at].rfind("<div class=\"field").expect("a field");
    let end = start + page[start..].find('>').expect("the tag ends");
    &page[start..=end]
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
    assert!(
        !field_tag(&form, "cf:701").contains("required-now"),
        "{}",
        field_tag(&form, "cf:701")
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
    assert!(field_tag(&page, "cf:701").contains("required-now"));
    assert_shows(&page, "Typed before the reload");
    assert_shows(&page, "value=\"42\"");
}

/// The form's inputs an agent sees without opening "More fields": every input, select and textarea that is
/// not hidden, outside `<details class="more">`.
fn visible_inputs(page: &str) -> Vec<String> {
    let folded_start = page.find("<details class=\"more\"").unwrap_or(page.len());
    let folded_end = page[folded_start..]
        .find("</details>")
        .map_or(page.len(), |at| folded_start + at);
    let outside = format!("{}{}", &page[..folded_start], &page[folded_end..]);
    let mut names = Vec::new();
    for tag in ["<input ", "<select ", "<textarea "] {
        for (at, _) in outside.match_indices(tag) {
            let rest = &outside[at..];
            let end = rest.find('>').unwrap_or(rest.len());
            let opening = &rest[..end];
            if opening.contains("type=\"hidden\"") {
                continue;
            }
            let name: String = opening
                .split("name=\"")
                .nth(1)
                .map(|n| n.chars().take_while(|c| *c != '"').collect())
                .unwrap_or_default();
            names.push((at, name));
        }
    }
    names.sort();
    names.into_iter().map(|(_, name)| name).collect()
}

#[tokio::test]
async fn a_form_with_56_fields_shows_at_most_12_inputs_and_folds_the_rest_under_more_fields() {
    // Arrange: an account with 56 deal fields, two of them required at Sales → Negotiation; the gear chose
    // three. The bound: 5 built-in inputs (name, budget, stage, responsible, note) + the stage's required
    // fields + the gear's ≤ 12.
    let app = TestApp::start().await;
    let connection = app.connect().await;
    app.mount_get("/api/v4/account", fixture!("amocrm/account.json"))
        .await;
    app.mount_no_tasks().await;
    app.mount_get("/api/v4/leads/pipelines", fixture!("amocrm/pipelines.json"))
        .await;
    app.mount_get("/api/v4/users", fixture!("amocrm/users.json"))
        .await;
    app.mount_get(
        "/api/v4/leads/custom_fields",
        fixture!("block/lead_custom_fields_56.json"),
    )
    .await;
    app.mount_search(PHONE_QUERY, Some(fixture!("block/contacts_one.json")))
        .await;
    app.mount_search(EMAIL_QUERY, None).await;
    app.mount_get("/api/v4/leads", fixture!("block/leads_all.json"))
        .await;
    app.store
        .set_field_choices(
            connection,
            &domain::store::FieldChoices {
                list: vec!["cf:801".parse().unwrap(), "cf:802".parse().unwrap()],
                card: vec!["cf:803".parse().unwrap(), "cf:801".parse().unwrap()],
            },
        )
        .await
        .unwrap();
    let (_, html) = app.post_block(&app.block_request()).await;
    let open = token_for(&html, &app.url("/action/deal"));

    // Act
    let (first_status, first) = app.get_page(&app.url("/action/deal"), &open, &[]).await;
    let (status, page) = app
        .get_page(
            &app.url("/action/deal"),
            &open,
            &[("stage", "3001000:40002")],
        )
        .await;

    // Assert
    assert_eq!((first_status, status), (200, 200));
    let shown = visible_inputs(&page);
    assert!(shown.len() <= 12, "{} inputs shown: {shown:?}", shown.len());
    assert_eq!(
        shown,
        [
            "name",
            "price",
            "stage",
            "responsible",
            "cf:801",
            "cf:802",
            "cf:803",
            "cf:811",
            "cf:841",
            "note"
        ]
    );
    assert_shows(&page, "More fields (<span class=\"cf-count\">51</span>)");
    // At the first stage nothing is required: only the gear's three are unfolded.
    assert_eq!(
        visible_inputs(&first),
        [
            "name",
            "price",
            "stage",
            "responsible",
            "cf:801",
            "cf:802",
            "cf:803",
            "note"
        ]
    );
    assert_shows(&first, "More fields (<span class=\"cf-count\">53</span>)");
    // A folded field still says where it is required, for the agent without script.
    assert_shows(
        &first,
        "Required at: Sales → Negotiation; Partners → Proposal",
    );
    assert_shows(
        &first,
        "Sales → Negotiation · needs Budget confirmed, Signed NDA",
    );
}

#[tokio::test]
async fn the_new_deal_link_names_the_deal_after_the_ticket_and_gives_it_the_contacts_responsible() {
    // Arrange
    let app = TestApp::start().await;
    let html = unescape(&block_with_harry(&app).await);
    let href: String = html
        .split("href=\"")
        .find(|rest| rest.starts_with(&app.url("/action/deal")))
        .map(|rest| rest.chars().take_while(|c| *c != '"').collect())
        .expect("the new-deal link");

    // Act: the agent follows the link as it is.
    let response = app.http.get(&href).send().await.unwrap();
    let status = response.status().as_u16();
    let page = response.text().await.unwrap();

    // Assert
    assert_eq!(status, 200);
    assert!(
        page.contains(r#"name="name" value="Where is my broom?""#),
        "{page}"
    );
    assert!(page.contains(r#"<option value="8001" selected>"#), "{page}");
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
async fn commenting_as_a_plain_form_goes_back_to_the_deal_card() {
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
    let (status, location) = app
        .post_form_see_other(
            &app.url("/action/comment"),
            &[("t", &comment), ("text", "Plain comment")],
        )
        .await;

    // Assert: POST → 303 → GET of the same deal's card, with a fresh page token in the agent's language.
    assert_eq!(status, 303);
    let card = location
        .strip_prefix(&format!("{}?t=", app.url("/deal")))
        .unwrap_or_else(|| panic!("not the card: {location}"));
    let card = card.replace("%3D", "=");
    assert_eq!(claims_of(&card)["k"], "deal");
    assert_eq!(claims_of(&card)["s"], 7001);
    assert_eq!(claims_of(&card)["l"], "en");
}

#[tokio::test]
async fn an_in_place_comment_whose_answer_was_lost_says_it_may_be_saved_and_hands_a_fresh_token() {
    // Arrange: amoCRM fails the first note with a server error, then takes the next one.
    let app = TestApp::start().await;
    let connection = app.connect().await;
    Mock::given(method("POST"))
        .and(path("/api/v4/leads/7001/notes"))
        .respond_with(wiremock::ResponseTemplate::new(500))
        .up_to_n_times(1)
        .expect(1)
        .mount(&app.amo)
        .await;
    Mock::given(method("POST"))
        .and(path("/api/v4/leads/7001/notes"))
        .respond_with(hal(fixture!("amocrm/notes_created.json")))
        .expect(1)
        .mount(&app.amo)
        .await;
    let comment = sign_claims(
        &serde_json::json!({"c": connection.to_string(), "t": TICKET_ID, "u": CLIENT_ID,
            "k": "comment", "s": 7001, "l": "en", "e": domain::now() + 600, "n": "c-11"}),
        SIGNING_KEY,
    );
    let url = app.url("/action/comment");

    // Act
    let (status, body, _) = app
        .post_in_place(&url, &[("t", &comment), ("text", "Maybe twice")], None)
        .await;
    let fresh = body["error"]["t"].as_str().unwrap_or_default().to_owned();
    let (replay, _, _) = app
        .post_in_place(&url, &[("t", &comment), ("text", "Maybe twice")], None)
        .await;
    let (again, again_body, _) = app
        .post_in_place(&url, &[("t", &fresh), ("text", "Maybe twice")], None)
        .await;

    // Assert: the spent token stays spent; the fresh one, for the same deal, goes through.
    assert!(status >= 500, "status {status}");
    let message = body["error"]["message"].as_str().unwrap_or_default();
    assert!(
        message.contains(&t(En, "form-problem-maybe-saved")),
        "{message}"
    );
    assert_eq!(claims_of(&fresh)["k"], "comment");
    assert_eq!(claims_of(&fresh)["s"], 7001);
    assert_eq!(replay, 409);
    assert_eq!(again, 200);
    assert_eq!(again_body, serde_json::json!({"ok": true}));
}

#[tokio::test]
async fn a_comment_amocrm_does_not_take_comes_back_on_the_card_with_its_text_and_a_retry() {
    // Arrange: amoCRM answers the note with a server error; the card itself reads fine.
    let app = TestApp::start().await;
    let connection = app.connect().await;
    app.mount_metadata().await;
    mount_card(&app).await;
    Mock::given(method("POST"))
        .and(path("/api/v4/leads/7001/notes"))
        .respond_with(wiremock::ResponseTemplate::new(503))
        .mount(&app.amo)
        .await;
    let comment = sign_claims(
        &serde_json::json!({"c": connection.to_string(), "t": TICKET_ID, "u": CLIENT_ID,
            "k": "comment", "s": 7001, "l": "en", "e": domain::now() + 600, "n": "c-9"}),
        SIGNING_KEY,
    );

    // Act
    let (status, page) = app
        .post_form(
            &app.url("/action/comment"),
            &[
                ("t", &comment),
                ("text", "Call back on Monday <b>before noon</b>"),
            ],
        )
        .await;

    // Assert: the card again, the text kept (escaped) in the box, why, and a fresh token to send it again.
    assert!(status >= 500, "status {status}");
    assert_shows(&page, "Firebolt order");
    assert!(
        page.contains("Call back on Monday &#60;b&#62;before noon&#60;/b&#62;</textarea>"),
        "{page}"
    );
    assert_shows(&page, &t(En, "button-retry"));
    assert_shows(&page, "id=\"errors\"");
    let again = token_for(&page, &app.url("/action/comment"));
    assert_ne!(again, comment);
    assert_eq!(claims_of(&again)["k"], "comment");
    assert_eq!(claims_of(&again)["s"], 7001);
}

#[tokio::test]
async fn a_comment_that_cannot_be_sent_while_the_card_cannot_be_read_keeps_its_text_on_a_form_alone()
 {
    // Arrange: amoCRM answers nothing at all (every call fails).
    let app = TestApp::start().await;
    let connection = app.connect().await;
    wiremock::Mock::given(wiremock::matchers::any())
        .respond_with(wiremock::ResponseTemplate::new(503))
        .mount(&app.amo)
        .await;
    let comment = sign_claims(
        &serde_json::json!({"c": connection.to_string(), "t": TICKET_ID, "u": CLIENT_ID,
            "k": "comment", "s": 7001, "l": "ru", "e": domain::now() + 600, "n": "c-10"}),
        SIGNING_KEY,
    );

    // Act
    let (status, page) = app
        .post_form(
            &app.url("/action/comment"),
            &[("t", &comment), ("text", "Перезвонить в понедельник")],
        )
        .await;

    // Assert
    assert!(status >= 500, "status {status}");
    assert_shows(&page, "Перезвонить в понедельник</textarea>");
    assert_shows(&page, &t(i18n::Lang::Ru, "button-retry"));
    let again = token_for(&page, &app.url("/action/comment"));
    assert_ne!(again, comment);
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
