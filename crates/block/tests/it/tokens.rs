//! Action tokens refused: forged, tampered, expired, replayed, for another action, for another ticket
//! or tenant — and form fields never redirect an action.

use base64::Engine as _;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use domain::store::Store;
use i18n::Lang::{En, Ru};
use serde_json::{Value, json};
use wiremock::Mock;
use wiremock::matchers::{method, path};

use crate::support::*;

fn unlink_claims(connection: &str, nonce: &str) -> Value {
    json!({"c": connection, "t": TICKET_ID, "u": CLIENT_ID, "k": "unlink", "s": 3001,
           "l": "ru", "e": domain::now() + 600, "n": nonce})
}

/// A linked client, so an unlink that goes through is visible in the store.
async fn linked_app() -> (TestApp, domain::store::ConnectionId) {
    let app = TestApp::start().await;
    let connection = app.connect().await;
    app.store
        .set_link(connection, CLIENT_ID, 3001)
        .await
        .unwrap();
    (app, connection)
}

#[tokio::test]
async fn an_action_with_a_token_signed_by_another_key_is_refused() {
    // Arrange
    let (app, connection) = linked_app().await;
    let forged = sign_claims(
        &unlink_claims(&connection.to_string(), "f-1"),
        "another-signing-key-of-more-than-32-bytes",
    );

    // Act
    let (status, page) = app
        .post_form(&app.url("/action/unlink"), &[("t", &forged)])
        .await;

    // Assert: refused in the default language (nothing of a forged token is trusted).
    assert_eq!(status, 403);
    assert_shows(&page, &t(En, "action-token-invalid"));
    assert_eq!(linked_contact(&app, connection).await, Some(3001));
}

#[tokio::test]
async fn an_action_with_tampered_claims_is_refused() {
    // Arrange: a genuine token whose claims are changed to another ticket and client.
    let (app, connection) = linked_app().await;
    let genuine = sign_claims(&unlink_claims(&connection.to_string(), "f-2"), SIGNING_KEY);
    let signature = genuine.split('.').nth(1).unwrap();
    let mut claims = claims_of(&genuine);
    claims["t"] = json!(1);
    claims["u"] = json!(CLIENT_ID + 1);
    let tampered = format!(
        "{}.{signature}",
        URL_SAFE_NO_PAD.encode(serde_json::to_vec(&claims).unwrap())
    );

    // Act
    let (status, body, _) = app
        .post_in_place(&app.url("/action/unlink"), &[("t", &tampered)], None)
        .await;

    // Assert
    assert_eq!(status, 403);
    assert_eq!(body["error"]["code"], "token_invalid");
    assert_eq!(linked_contact(&app, connection).await, Some(3001));
}

#[tokio::test]
async fn an_expired_action_token_is_refused_as_expired() {
    // Arrange
    let (app, connection) = linked_app().await;
    let mut claims = unlink_claims(&connection.to_string(), "f-3");
    claims["e"] = json!(domain::now() - 1);
    let expired = sign_claims(&claims, SIGNING_KEY);

    // Act
    let (status, page) = app
        .post_form(&app.url("/action/unlink"), &[("t", &expired)])
        .await;

    // Assert: refused before its claims are trusted, so in the default language.
    assert_eq!(status, 410);
    assert_shows(&page, &t(En, "action-token-expired"));
    assert_eq!(linked_contact(&app, connection).await, Some(3001));
}

#[tokio::test]
async fn a_spent_action_token_is_refused_as_replayed() {
    // Arrange
    let (app, connection) = linked_app().await;
    let token = sign_claims(&unlink_claims(&connection.to_string(), "f-4"), SIGNING_KEY);
    let (first, _) = app
        .post_form(&app.url("/action/unlink"), &[("t", &token)])
        .await;
    app.store
        .set_link(connection, CLIENT_ID, 3001)
        .await
        .unwrap();

    // Act
    let (status, page) = app
        .post_form(&app.url("/action/unlink"), &[("t", &token)])
        .await;

    // Assert
    assert_eq!(first, 200);
    assert_eq!(status, 409);
    assert_shows(&page, &t(Ru, "action-token-replayed"));
    assert_eq!(linked_contact(&app, connection).await, Some(3001));
}

#[tokio::test]
async fn a_token_for_one_action_does_not_authorise_another() {
    // Arrange: a deal card's token (read-only) used to post a comment, and a link token to unlink.
    let (app, connection) = linked_app().await;
    let card = sign_claims(
        &json!({"c": connection.to_string(), "t": TICKET_ID, "u": CLIENT_ID, "k": "deal", "s": 7001,
                "l": "en", "e": domain::now() + 600, "n": "f-5"}),
        SIGNING_KEY,
    );
    let link = sign_claims(
        &json!({"c": connection.to_string(), "t": TICKET_ID, "u": CLIENT_ID, "k": "link", "s": 3001,
                "l": "en", "e": domain::now() + 600, "n": "f-6"}),
        SIGNING_KEY,
    );
    Mock::given(method("POST"))
        .and(path("/api/v4/leads/7001/notes"))
        .respond_with(hal(fixture!("amocrm/notes_created.json")))
        .expect(0)
        .mount(&app.amo)
        .await;

    // Act
    let (comment_status, _) = app
        .post_form(&app.url("/action/comment"), &[("t", &card), ("text", "hi")])
        .await;
    let (unlink_status, _) = app
        .post_form(&app.url("/action/unlink"), &[("t", &link)])
        .await;
    let (page_status, _) = app.get_page(&app.url("/action/settings"), &link, &[]).await;

    // Assert
    assert_eq!(
        (comment_status, unlink_status, page_status),
        (403, 403, 403)
    );
    assert_eq!(linked_contact(&app, connection).await, Some(3001));
}

#[tokio::test]
async fn form_fields_cannot_redirect_an_action_to_another_ticket_or_client() {
    // Arrange: another ticket's client is linked too; the form names it.
    let (app, connection) = linked_app().await;
    let other_client = CLIENT_ID + 1;
    app.store
        .set_link(connection, other_client, 3001)
        .await
        .unwrap();
    let token = sign_claims(&unlink_claims(&connection.to_string(), "f-7"), SIGNING_KEY);

    // Act
    let (status, _) = app
        .post_form(
            &app.url("/action/unlink"),
            &[
                ("t", &token),
                ("client_id", &other_client.to_string()),
                ("ticket_id", "1"),
                ("c", "00000000-0000-0000-0000-000000000000"),
            ],
        )
        .await;

    // Assert: the token's client was unlinked, the other one kept.
    assert_eq!(status, 200);
    assert_eq!(linked_contact(&app, connection).await, None);
    assert_eq!(
        app.store.get_link(connection, other_client).await.unwrap(),
        Some(3001)
    );
}

#[tokio::test]
async fn a_token_of_another_tenant_acts_only_on_that_tenant() {
    // Arrange: a second Usedesk account's connection to the same amoCRM account, with its own link.
    let (app, connection) = linked_app().await;
    let other = app
        .store
        .save_login(
            "another-usedesk-account",
            app.amo_host().as_str(),
            &domain::store::StoredTokens {
                access_token: secrecy::SecretString::from("access-2"),
                refresh_token: None,
                expires_at: None,
            },
            None,
        )
        .await
        .unwrap()
        .id;
    app.store.set_link(other, CLIENT_ID, 3003).await.unwrap();
    let token = sign_claims(&unlink_claims(&other.to_string(), "f-8"), SIGNING_KEY);

    // Act
    let (status, _) = app
        .post_form(&app.url("/action/unlink"), &[("t", &token)])
        .await;

    // Assert
    assert_eq!(status, 200);
    assert_eq!(app.store.get_link(other, CLIENT_ID).await.unwrap(), None);
    assert_eq!(linked_contact(&app, connection).await, Some(3001));
}

#[tokio::test]
async fn an_action_without_a_token_is_refused() {
    // Arrange
    let (app, connection) = linked_app().await;

    // Act
    let (post_status, _) = app
        .post_form(&app.url("/action/unlink"), &[("client_id", "261702")])
        .await;
    let response = app.http.get(app.url("/deal")).send().await.unwrap();

    // Assert
    assert_eq!(post_status, 403);
    assert_eq!(response.status().as_u16(), 403);
    assert_eq!(linked_contact(&app, connection).await, Some(3001));
}
