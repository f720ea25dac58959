//! Keeping the contact in step with the ticket: the client's phone the contact lacks is offered, and adding it
//! sends the contact's stored values with it (amoCRM's PATCH replaces a field's whole list).

use serde_json::{Value, json};
use wiremock::matchers::{body_json, method, path};
use wiremock::{Mock, ResponseTemplate};

use crate::support::*;

/// Harry's ticket with a second phone that his contact does not have.
fn request_with_a_new_phone(app: &TestApp) -> Value {
    let mut request = app.block_request();
    request["client_data"]["phones"]
        .as_array_mut()
        .expect("phones")
        .push(json!({"type": "work", "phone": "+44 20 7946 0958"}));
    request
}

#[tokio::test]
async fn a_phone_of_the_client_is_added_to_the_contact_keeping_the_phones_it_has() {
    // Arrange
    let app = TestApp::start().await;
    app.connect().await;
    app.mount_one_contact().await;
    app.mount_search("2079460958", None).await;
    app.mount_get("/api/v4/contacts/3001", fixture!("block/contact_3001.json"))
        .await;
    Mock::given(method("PATCH"))
        .and(path("/api/v4/contacts/3001"))
        .and(body_json(json!({
            "id": 3001,
            "custom_fields_values": [{
                "field_id": 501,
                "values": [
                    {"value": "+7 (916) 123-45-67", "enum_id": 901, "enum_code": "WORK"},
                    {"value": "+442079460958", "enum_code": "WORK"}
                ]
            }]
        })))
        .respond_with(hal(fixture!("amocrm/contact_updated.json")))
        .expect(1)
        .mount(&app.amo)
        .await;
    let (_, block) = app.post_block(&request_with_a_new_phone(&app)).await;
    let token = token_for(&block, &app.url("/action/contact-value"));
    let phone = form_value(&block, "phone").expect("the phone to add");

    // Act
    let (status, answer, _) = app
        .post_in_place(
            &app.url("/action/contact-value"),
            &[("t", &token), ("phone", &phone)],
            None,
        )
        .await;

    // Assert
    assert_shows(
        &block,
        &t1(
            i18n::Lang::En,
            "button-add-value",
            "value",
            "+44 20 7946 0958",
        ),
    );
    assert_eq!(claims_of(&token)["s"], 3001);
    assert_eq!(phone, "+442079460958");
    assert_eq!(status, 200);
    assert_eq!(answer, json!({"ok": true}));
}

#[tokio::test]
async fn nothing_is_offered_when_the_contact_has_the_clients_values_in_another_format() {
    // Arrange
    let app = TestApp::start().await;
    app.connect().await;
    app.mount_one_contact().await;

    // Act
    let (_, block) = app.post_block(&app.block_request()).await;

    // Assert
    assert!(tokens_for(&block, &app.url("/action/contact-value")).is_empty());
}

#[tokio::test]
async fn a_value_that_is_not_a_phone_is_refused_and_nothing_is_sent() {
    // Arrange
    let app = TestApp::start().await;
    app.connect().await;
    app.mount_one_contact().await;
    app.mount_search("2079460958", None).await;
    Mock::given(method("PATCH"))
        .respond_with(ResponseTemplate::new(500))
        .expect(0)
        .mount(&app.amo)
        .await;
    let (_, block) = app.post_block(&request_with_a_new_phone(&app)).await;
    let token = token_for(&block, &app.url("/action/contact-value"));

    // Act
    let (status, _) = app
        .post_form(
            &app.url("/action/contact-value"),
            &[("t", &token), ("phone", "call me maybe")],
        )
        .await;

    // Assert
    assert!((400..500).contains(&status), "refused with {status}");
}

/// Harry's block, then his edit form opened from it: the form's status, the form, and its save token.
async fn open_contact_edit(app: &TestApp) -> (u16, String, String) {
    app.mount_one_contact().await;
    app.mount_get("/api/v4/contacts/3001", fixture!("block/contact_3001.json"))
        .await;
    let (_, block) = app.post_block(&app.block_request()).await;
    let open = token_for(&block, &app.url("/action/contact-edit"));
    let (status, form) = app
        .get_page(&app.url("/action/contact-edit"), &open, &[])
        .await;
    let save = token_for(&form, &app.url("/action/contact-edit"));
    (status, form, save)
}

#[tokio::test]
async fn a_contact_is_renamed_and_given_to_another_user_sending_only_what_changed() {
    // Arrange
    let app = TestApp::start().await;
    app.connect().await;
    Mock::given(method("PATCH"))
        .and(path("/api/v4/contacts/3001"))
        .and(body_json(json!({
            "id": 3001,
            "name": "Harry James Potter",
            "responsible_user_id": 8002
        })))
        .respond_with(hal(fixture!("amocrm/contact_updated.json")))
        .expect(1)
        .mount(&app.amo)
        .await;

    // Act
    let (form_status, form, save) = open_contact_edit(&app).await;
    let (status, page) = app
        .post_form(
            &app.url("/action/contact-edit"),
            &[
                ("t", &save),
                ("name", "Harry James Potter"),
                ("responsible", "8002"),
            ],
        )
        .await;

    // Assert
    assert_eq!(form_status, 200);
    assert_shows(&form, "value=\"Harry Potter\"");
    assert_shows(&form, "<option value=\"8001\" selected>");
    assert_eq!(claims_of(&save)["k"], "save_contact");
    assert_eq!(status, 200);
    assert_shows(&page, &t(i18n::Lang::En, "action-done-contact-saved"));
}

#[tokio::test]
async fn a_position_typed_on_the_edit_form_is_sent_by_its_field_code_and_alone() {
    // Arrange
    let app = TestApp::start().await;
    app.connect().await;
    Mock::given(method("PATCH"))
        .and(path("/api/v4/contacts/3001"))
        .and(body_json(json!({
            "id": 3001,
            "custom_fields_values": [
                {"field_code": "POSITION", "values": [{"value": "Seeker"}]}
            ]
        })))
        .respond_with(hal(fixture!("amocrm/contact_updated.json")))
        .expect(1)
        .mount(&app.amo)
        .await;
    let (_, form, save) = open_contact_edit(&app).await;

    // Act
    let (status, page) = app
        .post_form(
            &app.url("/action/contact-edit"),
            &[
                ("t", &save),
                ("name", "Harry Potter"),
                ("position", "  Seeker "),
                ("responsible", "8001"),
            ],
        )
        .await;

    // Assert
    assert_shows(&form, "name=\"position\" value=\"\"");
    assert_eq!(status, 200, "{page}");
    assert_shows(&page, &t(i18n::Lang::En, "action-done-contact-saved"));
}

#[tokio::test]
async fn a_contact_without_a_name_is_refused_and_nothing_is_sent() {
    // Arrange
    let app = TestApp::start().await;
    app.connect().await;
    Mock::given(method("PATCH"))
        .respond_with(ResponseTemplate::new(500))
        .expect(0)
        .mount(&app.amo)
        .await;
    let (_, _, save) = open_contact_edit(&app).await;

    // Act
    let (status, page) = app
        .post_form(
            &app.url("/action/contact-edit"),
            &[("t", &save), ("name", "  "), ("responsible", "8002")],
        )
        .await;

    // Assert
    assert_eq!(status, 422);
    assert_shows(&page, "<option value=\"8002\" selected>");
}
