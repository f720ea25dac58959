//! The block's actions end to end: add a contact, link and unlink, and choose fields — as pages in a new
//! tab and in place (JSON).

use domain::store::Store;
use i18n::Lang::En;
use wiremock::matchers::{body_string_contains, method, path};
use wiremock::{Mock, ResponseTemplate};

use crate::support::*;

#[tokio::test]
async fn adding_a_contact_creates_it_links_it_and_notes_it_in_the_ticket() {
    // Arrange: a block with no contact found.
    let app = TestApp::with(Options {
        comment_in_ticket: true,
        ..Options::default()
    })
    .await;
    let connection = app.connect().await;
    app.mount_metadata().await;
    app.mount_search(PHONE_QUERY, None).await;
    app.mount_search(EMAIL_QUERY, None).await;
    Mock::given(method("POST"))
        .and(path("/api/v4/contacts"))
        .and(body_string_contains("Harry Potter"))
        .and(body_string_contains("+79161234567"))
        .and(body_string_contains("harry.potter@hogwarts.example"))
        .respond_with(hal(fixture!("amocrm/contacts_created.json")))
        .expect(1)
        .mount(&app.amo)
        .await;
    Mock::given(method("POST"))
        .and(path("/create/comment"))
        .and(body_string_contains("2265179"))
        .respond_with(json_answer(fixture!("usedesk/comment_created.json")))
        .expect(1)
        .mount(&app.usedesk)
        .await;
    app.mount_ticket_note("/api/v4/contacts/3201/notes", 1)
        .await;
    let (_, html) = app.post_block(&app.block_request()).await;
    let open = token_for(&html, &app.url("/action/contact"));

    // Act: open the prefilled form, then submit it.
    let (form_status, form) = app
        .get_page(
            &app.url("/action/contact"),
            &open,
            &[
                ("name", "Harry Potter"),
                ("phone", "+7 (916) 123-45-67"),
                ("email", "harry.potter@hogwarts.example"),
            ],
        )
        .await;
    let create = token_for(&form, &app.url("/action/contact"));
    let (status, page) = app
        .post_form(
            &app.url("/action/contact"),
            &[
                ("t", &create),
                ("name", "Harry Potter"),
                ("phone", "+7 (916) 123-45-67"),
                ("phone", ""),
                ("email", "harry.potter@hogwarts.example"),
            ],
        )
        .await;

    // Assert
    assert_eq!(form_status, 200);
    assert_shows(&form, "Harry Potter");
    assert_shows(&form, "+7 (916) 123-45-67");
    assert_ne!(open, create, "the form posts with a fresh token of its own");
    assert_eq!(claims_of(&create)["k"], "create_contact");
    assert_eq!(status, 200);
    assert_shows(
        &page,
        &t1(En, "action-done-contact-created", "name", "Harry Potter"),
    );
    assert_eq!(linked_contact(&app, connection).await, Some(3201));
    // The page shows the contact and offers its first deal; the block marks it new on its next render.
    assert_shows(&page, "harry.potter@hogwarts.example");
    assert_shows(&page, &t(En, "button-new-deal-for-contact"));
    let new_deal = token_for(&page, &app.url("/action/deal"));
    assert_eq!(claims_of(&new_deal)["k"], "new_deal");
    assert_eq!(claims_of(&new_deal)["s"], 3201);
    assert_shows(&page, &t(En, "contact-created-block-hint"));
}

#[tokio::test]
async fn adding_a_contact_in_one_click_in_place_answers_ok() {
    // Arrange: a block with no contact found; its one-click form carries the client's data.
    let app = TestApp::start().await;
    app.connect().await;
    app.mount_metadata().await;
    app.mount_search(PHONE_QUERY, None).await;
    app.mount_search(EMAIL_QUERY, None).await;
    Mock::given(method("POST"))
        .and(path("/api/v4/contacts"))
        .and(body_string_contains("Harry Potter"))
        .respond_with(hal(fixture!("amocrm/contacts_created.json")))
        .expect(1)
        .mount(&app.amo)
        .await;
    app.mount_ticket_note("/api/v4/contacts/3201/notes", 1)
        .await;
    let (_, html) = app.post_block(&app.block_request()).await;
    let create = tokens_for(&html, &app.url("/action/contact"))
        .into_iter()
        .find(|t| claims_of(t)["k"] == "create_contact")
        .expect("the one-click form");

    // Act
    let (status, body, _) = app
        .post_in_place(
            &app.url("/action/contact"),
            &[
                ("t", &create),
                ("name", "Harry Potter"),
                ("phone", "+7 (916) 123-45-67"),
                ("email", "harry.potter@hogwarts.example"),
            ],
            None,
        )
        .await;

    // Assert
    assert_eq!(status, 200);
    assert_eq!(body, serde_json::json!({"ok": true}));
}

#[tokio::test]
async fn a_contact_amocrm_does_not_take_comes_back_with_every_value_kept() {
    // Arrange: amoCRM has blocked the integration (403).
    let app = TestApp::start().await;
    let connection = app.connect().await;
    Mock::given(method("POST"))
        .and(path("/api/v4/contacts"))
        .respond_with(ResponseTemplate::new(403))
        .mount(&app.amo)
        .await;
    let create = sign_claims(
        &serde_json::json!({"c": connection.to_string(), "t": TICKET_ID, "u": CLIENT_ID,
            "k": "create_contact", "l": "pt", "e": domain::now() + 600, "n": "n-9"}),
        SIGNING_KEY,
    );

    // Act
    let (status, page) = app
        .post_form(
            &app.url("/action/contact"),
            &[
                ("t", &create),
                ("name", "Luna Lovegood"),
                ("phone", "+44 20 7946 0321"),
                ("email", "luna@quibbler.example"),
            ],
        )
        .await;

    // Assert: 503 with the wait, as for every blocked request.
    assert_eq!(status, 503);
    assert_shows(&page, "value=\"Luna Lovegood\"");
    assert_shows(&page, "value=\"+44 20 7946 0321\"");
    assert_shows(&page, "value=\"luna@quibbler.example\"");
    assert_shows(&page, &t(i18n::Lang::Pt, "state-blocked"));
    assert_shows(&page, &t(i18n::Lang::Pt, "button-retry"));
    assert_shows(&page, "#errors\"");
    let again = token_for(&page, &app.url("/action/contact"));
    assert_ne!(again, create);
    assert_eq!(claims_of(&again)["k"], "create_contact");
}

#[tokio::test]
async fn adding_a_contact_without_a_name_shows_the_form_again_and_sends_nothing() {
    // Arrange
    let app = TestApp::start().await;
    let connection = app.connect().await;
    Mock::given(method("POST"))
        .and(path("/api/v4/contacts"))
        .respond_with(hal(fixture!("amocrm/contacts_created.json")))
        .expect(0)
        .mount(&app.amo)
        .await;
    let create = sign_claims(
        &serde_json::json!({"c": connection.to_string(), "t": TICKET_ID, "u": CLIENT_ID,
            "k": "create_contact", "l": "en", "e": domain::now() + 600, "n": "n-1"}),
        SIGNING_KEY,
    );

    // Act
    let (status, page) = app
        .post_form(
            &app.url("/action/contact"),
            &[("t", &create), ("name", " "), ("phone", "+7 916 123-45-67")],
        )
        .await;

    // Assert: the form again, with the error, the values, and a fresh token.
    assert_eq!(status, 422);
    assert_shows(&page, "+7 916 123-45-67");
    let again = token_for(&page, &app.url("/action/contact"));
    assert_ne!(again, create);
    assert_eq!(linked_contact(&app, connection).await, None);
}

#[tokio::test]
async fn linking_a_contact_shows_only_it_and_unlinking_in_place_shows_all_again() {
    // Arrange: two contacts found.
    let app = TestApp::start().await;
    let connection = app.connect().await;
    app.mount_many_contacts().await;
    app.mount_get("/api/v4/contacts/3003", fixture!("block/contact_3003.json"))
        .await;
    let (_, html) = app.post_block(&app.block_request()).await;
    let link = tokens_for(&html, &app.url("/action/link"))
        .into_iter()
        .find(|t| claims_of(t)["s"] == 3003)
        .expect("a link button for the old card");

    // Act: link as a plain form.
    let (status, page) = app
        .post_form(&app.url("/action/link"), &[("t", &link)])
        .await;

    // Assert
    assert_eq!(status, 200);
    assert_shows(&page, &t(En, "action-done-link"));
    assert_eq!(linked_contact(&app, connection).await, Some(3003));
    let (_, linked) = app.post_block(&app.block_request()).await;
    assert_shows(&linked, "Harry J. Potter (old card)");
    assert_hides(&linked, "Firebolt order");
    let unlink = token_for(&linked, &app.url("/action/unlink"));

    // Act: unlink in place.
    let (status, body, _) = app
        .post_in_place(&app.url("/action/unlink"), &[("t", &unlink)], None)
        .await;

    // Assert
    assert_eq!(status, 200);
    assert_eq!(body, serde_json::json!({"ok": true}));
    assert_eq!(linked_contact(&app, connection).await, None);
    let (_, again) = app.post_block(&app.block_request()).await;
    assert_shows(&again, "Firebolt order");
    assert_shows(&again, "Harry J. Potter (old card)");
}

#[tokio::test]
async fn linking_a_contact_deleted_meanwhile_says_it_was_not_found() {
    // Arrange
    let app = TestApp::start().await;
    let connection = app.connect().await;
    Mock::given(method("GET"))
        .and(path("/api/v4/contacts/3003"))
        .respond_with(ResponseTemplate::new(204))
        .expect(1)
        .mount(&app.amo)
        .await;
    let link = sign_claims(
        &serde_json::json!({"c": connection.to_string(), "t": TICKET_ID, "u": CLIENT_ID,
            "k": "link", "s": 3003, "l": "en", "e": domain::now() + 600, "n": "n-2"}),
        SIGNING_KEY,
    );

    // Act
    let (status, body, _) = app
        .post_in_place(&app.url("/action/link"), &[("t", &link)], None)
        .await;

    // Assert
    assert_eq!(status, 404);
    assert_eq!(body["ok"], false);
    assert_eq!(body["error"]["code"], "not_found");
    assert_eq!(body["error"]["message"], t(En, "action-not-found"));
    assert_eq!(linked_contact(&app, connection).await, None);
}

#[tokio::test]
async fn an_action_that_failed_without_writing_can_be_sent_again_with_the_same_token() {
    // Arrange: the contact is missing at the first try (nothing is written), there at the second.
    let app = TestApp::start().await;
    let connection = app.connect().await;
    Mock::given(method("GET"))
        .and(path("/api/v4/contacts/3003"))
        .respond_with(ResponseTemplate::new(204))
        .up_to_n_times(1)
        .with_priority(1)
        .expect(1)
        .mount(&app.amo)
        .await;
    app.mount_get("/api/v4/contacts/3003", fixture!("block/contact_3003.json"))
        .await;
    let link = sign_claims(
        &serde_json::json!({"c": connection.to_string(), "t": TICKET_ID, "u": CLIENT_ID,
            "k": "link", "s": 3003, "l": "en", "e": domain::now() + 600, "n": "n-retry"}),
        SIGNING_KEY,
    );

    // Act: in place first (fails), then the plain form falls back with the same token.
    let (first, _, _) = app
        .post_in_place(&app.url("/action/link"), &[("t", &link)], None)
        .await;
    let (second, _) = app
        .post_form(&app.url("/action/link"), &[("t", &link)])
        .await;

    // Assert
    assert_eq!(first, 404);
    assert_eq!(
        second, 200,
        "the token was given back because nothing was written"
    );
    assert_eq!(linked_contact(&app, connection).await, Some(3003));
}

#[tokio::test]
async fn choosing_fields_saves_them_and_the_next_render_shows_the_chosen_field() {
    // Arrange
    let app = TestApp::start().await;
    let connection = app.connect().await;
    app.mount_one_contact().await;
    let (_, before) = app.post_block(&app.block_request()).await;
    assert_hides(&before, "Delivery date");
    let open = token_for(&before, &app.url("/action/settings"));

    // Act: open the gear, tick the delivery date for the list and the budget for the card.
    let (page_status, page) = app.get_page(&app.url("/action/settings"), &open, &[]).await;
    let save = token_for(&page, &app.url("/action/settings"));
    let (status, saved) = app
        .post_form(
            &app.url("/action/settings"),
            &[
                ("t", &save),
                ("list", "cf:705"),
                ("card", "cf:702"),
                ("card", "cf:999"),
            ],
        )
        .await;

    // Assert
    assert_eq!(page_status, 200);
    assert_shows(&page, "Product");
    assert_shows(&page, "Delivery date");
    assert_shows(&page, &connection.to_string());
    assert_eq!(status, 200);
    assert_shows(&saved, &t(En, "settings-saved"));
    let choices = app
        .store
        .get_field_choices(connection)
        .await
        .unwrap()
        .expect("choices saved");
    assert_eq!(choices.list, vec!["cf:705"]);
    assert_eq!(choices.card, vec!["cf:702"], "unknown fields are dropped");
    let (_, after) = app.post_block(&app.block_request()).await;
    assert_shows(&after, "Delivery date");
}

/// The text of the read-only `<textarea id="{id}">` of a page, entities decoded.
fn textarea(page: &str, id: &str) -> String {
    let start = page
        .find(&format!("<textarea id=\"{id}\""))
        .unwrap_or_else(|| panic!("no textarea {id}"));
    let body = &page[start + page[start..].find('>').unwrap() + 1..];
    unescape(&body[..body.find("</textarea>").unwrap()])
}

#[tokio::test]
async fn the_gear_puts_the_integration_id_and_a_trigger_body_for_the_connection_first_and_lists_every_id()
 {
    // Arrange
    let app = TestApp::start().await;
    let connection = app.connect().await;
    app.mount_one_contact().await;
    let (_, block) = app.post_block(&app.block_request()).await;
    let open = token_for(&block, &app.url("/action/settings"));

    // Act
    let response = app
        .http
        .get(app.url("/action/settings"))
        .query(&[("t", open.as_str())])
        .send()
        .await
        .unwrap();
    let status = response.status().as_u16();
    let policy = response
        .headers()
        .get("content-security-policy")
        .and_then(|v| v.to_str().ok())
        .unwrap_or_default()
        .to_owned();
    let page = response.text().await.unwrap();

    // Assert: the Integration ID comes before everything else the page asks of the admin, read-only and
    // selected on focus.
    assert_eq!(status, 200);
    let id_input = page
        .find("id=\"integration-id\"")
        .expect("the Integration ID");
    assert!(id_input < page.find("id=\"trigger-body\"").unwrap());
    assert!(id_input < page.find("name=\"list\"").unwrap());
    assert_shows(
        &page,
        &format!(
            r#"<input id="integration-id" class="form-control mono copy" type="text" value="{connection}" readonly spellcheck="false" onfocus="this.select()">"#
        ),
    );
    // The body is JSON for this connection, with Usedesk's ticket variable and the main pipeline's first stage.
    let body: serde_json::Value =
        serde_json::from_str(&textarea(&page, "trigger-body")).expect("the trigger body is JSON");
    assert_eq!(body["amoClientId"], connection.to_string());
    assert_eq!(body["ticketId"], "{{ticket_id}}");
    assert_eq!(body["fields"]["pipeline_id"], 3_001_000);
    assert_eq!(body["fields"]["status_id"], 40_001);
    assert_eq!(body["fields"]["name"], "Deal from ticket {{ticket_id}}");
    assert!(
        body.get("secret").is_none(),
        "the secret never goes into the body"
    );
    assert_shows(&page, &app.url("/api/freeCreateLead"));
    assert_shows(&page, "X-Trigger-Secret");
    // Pipelines with their stages, users and fields, each with its id.
    for row in [
        r#"<td class="id">3001000</td><td class="id"></td><td><strong>Sales</strong></td>"#,
        r#"<td class="id">3001000</td><td class="id">40002</td><td>Negotiation</td>"#,
        r#"<td class="id">3001001</td><td class="id">41001</td><td>Proposal</td>"#,
        r#"<td class="id">8001</td><td>Minerva McGonagall</td>"#,
        r#"<td class="id">701</td><td>Product</td><td>Sales → Negotiation</td>"#,
        r#"<td class="id">702</td><td>Budget confirmed</td>"#,
    ] {
        assert_shows(&page, row);
    }
    assert_shows(&page, r#"<tr data-filter="701 product">"#);
    // The handlers the page has are the ones its policy allows, and no others.
    let handlers: Vec<String> = ["onfocus=\"", "oninput=\""]
        .iter()
        .flat_map(|attr| {
            page.match_indices(attr).map(|(at, _)| {
                unescape(
                    &page[at + attr.len()..]
                        .chars()
                        .take_while(|c| *c != '"')
                        .collect::<String>(),
                )
            })
        })
        .collect();
    assert!(handlers.len() >= 4, "{handlers:?}");
    for handler in &handlers {
        use base64::Engine as _;
        use sha2::Digest as _;
        let hash = base64::engine::general_purpose::STANDARD
            .encode(sha2::Sha256::digest(handler.as_bytes()));
        assert!(
            policy.contains(&format!("'sha256-{hash}'")),
            "{policy} lacks {handler}"
        );
    }
    assert!(!policy.contains("'unsafe-inline'; form"), "{policy}");
}

#[tokio::test]
async fn choosing_fields_in_place_answers_ok() {
    // Arrange
    let app = TestApp::start().await;
    let connection = app.connect().await;
    app.mount_metadata().await;
    let save = sign_claims(
        &serde_json::json!({"c": connection.to_string(), "t": TICKET_ID, "u": CLIENT_ID,
            "k": "save_settings", "l": "en", "e": domain::now() + 600, "n": "n-3"}),
        SIGNING_KEY,
    );

    // Act
    let (status, body, _) = app
        .post_in_place(
            &app.url("/action/settings"),
            &[("t", &save), ("list", "cf:701")],
            None,
        )
        .await;

    // Assert
    assert_eq!(status, 200);
    assert_eq!(body, serde_json::json!({"ok": true}));
    let choices = app.store.get_field_choices(connection).await.unwrap();
    assert_eq!(choices.unwrap().list, vec!["cf:701"]);
}

#[tokio::test]
async fn a_multipart_action_with_a_huge_boundary_is_refused_before_its_body_is_parsed() {
    // Arrange: the quadratic-boundary attack — a valid token inside, a 60 000-byte boundary of dashes
    // and a body of dashes, which a boundary search would compare about 60 000 × 1 MiB times.
    let app = TestApp::start().await;
    let connection = app.connect().await;
    app.store
        .set_link(connection, CLIENT_ID, 3001)
        .await
        .unwrap();
    let unlink = sign_claims(
        &serde_json::json!({"c": connection.to_string(), "t": TICKET_ID, "u": CLIENT_ID,
            "k": "unlink", "s": 3001, "l": "en", "e": domain::now() + 600, "n": "n-4"}),
        SIGNING_KEY,
    );
    let boundary = format!("{}x", "-".repeat(60_000));
    let mut body =
        format!("--{boundary}\r\nContent-Disposition: form-data; name=\"t\"\r\n\r\n{unlink}\r\n");
    body.push_str(&"-".repeat(1_000_000 - body.len()));

    // Act
    let response = app
        .http
        .post(app.url("/action/unlink"))
        .header("Accept", "application/json")
        .header(
            "Content-Type",
            format!("multipart/form-data; boundary={boundary}"),
        )
        .body(body)
        .send()
        .await
        .unwrap();

    // Assert: refused by its type alone; nothing was done, and the token is still unspent.
    assert_eq!(response.status().as_u16(), 415);
    let answer: serde_json::Value = response.json().await.unwrap();
    assert_eq!(
        answer["error"]["code"], "unsupported_media_type",
        "{answer}"
    );
    assert_eq!(linked_contact(&app, connection).await, Some(3001));
    let (status, _, _) = app
        .post_in_place(&app.url("/action/unlink"), &[("t", &unlink)], None)
        .await;
    assert_eq!(status, 200);
    assert_eq!(linked_contact(&app, connection).await, None);
}
