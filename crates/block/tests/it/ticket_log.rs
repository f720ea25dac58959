//! "Log this ticket to the deal": the comment form's second button, in place and as a plain form.

use i18n::Lang::En;
use wiremock::Mock;
use wiremock::matchers::{body_string_contains, method, path};

use crate::support::*;

const NOTES: &str = "/api/v4/leads/7001/notes";

/// Usedesk gives the ticket's conversation, the client and the agents; amoCRM its metadata and the deal's card,
/// and takes `notes` notes quoting the conversation.
async fn mount_log(app: &TestApp, notes: u64) {
    Mock::given(method("POST"))
        .and(path("/ticket"))
        .respond_with(json_answer(fixture!("usedesk/ticket.json")))
        .mount(&app.usedesk)
        .await;
    Mock::given(method("POST"))
        .and(path("/client"))
        .respond_with(json_answer(fixture!("block/usedesk_client.json")))
        .mount(&app.usedesk)
        .await;
    app.mount_usedesk_users().await;
    app.mount_metadata().await;
    app.mount_get("/api/v4/leads/7001", fixture!("block/lead_7001.json"))
        .await;
    app.mount_get("/api/v4/events", fixture!("amocrm/events.json"))
        .await;
    app.mount_get(NOTES, fixture!("amocrm/notes.json")).await;
    app.mount_card_contact().await;
    Mock::given(method("POST"))
        .and(path(NOTES))
        .and(body_string_contains(
            "Hello, my order 1542 has not arrived.",
        ))
        .respond_with(hal(fixture!("amocrm/notes_created.json")))
        .expect(notes)
        .mount(&app.amo)
        .await;
}

/// A comment token for the Firebolt order (deal 7001) of the fixture's ticket, with its own nonce.
fn comment_token(connection: domain::store::ConnectionId, nonce: &str) -> String {
    sign_claims(
        &serde_json::json!({"c": connection.to_string(), "t": TICKET_ID, "u": CLIENT_ID,
            "k": "comment", "s": 7001, "l": "en", "z": "UTC", "e": domain::now() + 600, "n": nonce}),
        SIGNING_KEY,
    )
}

#[tokio::test]
async fn logging_the_ticket_in_place_adds_one_note_and_a_second_press_says_when_and_adds_nothing() {
    // Arrange
    let app = TestApp::start().await;
    let connection = app.connect().await;
    mount_log(&app, 1).await;
    let url = app.url("/action/comment");
    let first = comment_token(connection, "log-1");
    let second = comment_token(connection, "log-2");

    // Act: the button's name and value go with the form's token; the text area may be empty.
    let (status, body, _) = app
        .post_in_place(&url, &[("t", &first), ("text", ""), ("log", "1")], None)
        .await;
    let (again, again_body, _) = app
        .post_in_place(&url, &[("t", &second), ("text", ""), ("log", "1")], None)
        .await;

    // Assert
    assert_eq!(status, 200, "{body}");
    assert_eq!(body, serde_json::json!({"ok": true}));
    assert_eq!(again, 409, "{again_body}");
    assert_eq!(again_body["error"]["code"], "already_logged");
    let message = again_body["error"]["message"].as_str().unwrap_or_default();
    let prefix = t1(En, "log-ticket-already", "date", "\u{1}");
    let prefix = prefix.split('\u{1}').next().unwrap_or_default();
    assert!(message.starts_with(prefix), "{message}");
    let fresh = again_body["error"]["t"].as_str().unwrap_or_default();
    assert_eq!(claims_of(fresh)["k"], "comment");
    assert_eq!(claims_of(fresh)["s"], 7001);
}

#[tokio::test]
async fn logging_the_ticket_as_a_plain_form_goes_to_the_deal_card_which_says_it_was_logged() {
    // Arrange
    let app = TestApp::start().await;
    let connection = app.connect().await;
    mount_log(&app, 1).await;
    let url = app.url("/action/comment");

    // Act
    let (status, location) = app
        .post_form_see_other(
            &url,
            &[("t", &comment_token(connection, "p-1")), ("log", "1")],
        )
        .await;
    let (again_status, again_location) = app
        .post_form_see_other(
            &url,
            &[("t", &comment_token(connection, "p-2")), ("log", "1")],
        )
        .await;
    let page = app
        .http
        .get(&location)
        .send()
        .await
        .expect("the card")
        .text()
        .await
        .unwrap();
    let again_page = app
        .http
        .get(&again_location)
        .send()
        .await
        .expect("the card")
        .text()
        .await
        .unwrap();

    // Assert: POST → 303 → the deal's card, with the banner of how it ended.
    assert_eq!((status, again_status), (303, 303));
    assert!(
        location.starts_with(&format!("{}?t=", app.url("/deal"))),
        "{location}"
    );
    assert!(location.ends_with("&log=done"), "{location}");
    assert!(
        again_location.contains("&log=already&at="),
        "{again_location}"
    );
    assert_shows(&page, &t(En, "log-ticket-done"));
    assert_shows(&page, "Firebolt order");
    let prefix = t1(En, "log-ticket-already", "date", "\u{1}");
    assert_shows(
        &again_page,
        prefix.split('\u{1}').next().unwrap_or_default(),
    );
    assert_shows(&again_page, &t(En, "button-log-ticket"));
}

#[tokio::test]
async fn a_log_amocrm_does_not_take_gives_the_token_back_in_place_and_logs_nothing() {
    // Arrange
    let app = TestApp::start().await;
    let connection = app.connect().await;
    mount_log(&app, 0).await;
    Mock::given(method("POST"))
        .and(path(NOTES))
        .respond_with(wiremock::ResponseTemplate::new(403))
        .with_priority(1)
        .mount(&app.amo)
        .await;
    let url = app.url("/action/comment");

    // Act
    let (status, body, _) = app
        .post_in_place(
            &url,
            &[("t", &comment_token(connection, "f-1")), ("log", "1")],
            None,
        )
        .await;

    // Assert: amoCRM refused it, so nothing was written and the claim is free again.
    assert!(status >= 400, "{status} {body}");
    assert_eq!(body["ok"], false);
    assert!(
        body["error"]["message"]
            .as_str()
            .is_some_and(|m| !m.is_empty())
    );
}
