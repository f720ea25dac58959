//! `/api/v4/contacts`: search, pagination, single contacts, creates and updates.

use amocrm::{ContactUpdate, ContactsQuery, CustomFieldValue, Error, FieldType, NewContact};
use serde_json::{Value, json};
use wiremock::matchers::{body_json, method, path, query_param, query_param_is_missing};
use wiremock::{Mock, ResponseTemplate};

use crate::support::{Harness, fixture, hal};

#[tokio::test]
async fn list_returns_one_page_and_the_link_to_the_next() {
    // Arrange
    let harness = Harness::start().await;
    Mock::given(method("GET"))
        .and(path("/api/v4/contacts"))
        .and(query_param("query", "9161234567"))
        .and(query_param("with", "leads"))
        .and(query_param_is_missing("page"))
        .respond_with(harness.hal(fixture!("contacts_page1.json")))
        .expect(1)
        .mount(&harness.server)
        .await;
    let query = ContactsQuery {
        with_leads: true,
        ..ContactsQuery::search("9161234567")
    };

    // Act
    let page = harness
        .client
        .contacts()
        .list(&query)
        .await
        .expect("page 1");

    // Assert
    assert_eq!(page.items.len(), 2);
    let harry = &page.items[0];
    assert_eq!(harry.name, "Harry Potter");
    assert_eq!(harry.phones(), ["+7 (916) 123-45-67", "8 916 765 43 21"]);
    assert_eq!(harry.emails(), ["Harry.Potter@Hogwarts.example"]);
    assert_eq!(harry.leads, [7001, 7002]);
    assert_eq!(page.items[1].tags[0].name, "vip");
    let next = page.next.expect("a next page is linked");
    assert!(next.as_str().starts_with(&harness.server.uri()));
    assert_eq!(next.query(), Some("limit=250&with=leads&page=2"));
}

#[tokio::test]
async fn list_all_follows_next_links_until_the_last_page() {
    // Arrange
    let harness = Harness::start().await;
    Mock::given(method("GET"))
        .and(path("/api/v4/contacts"))
        .and(query_param("limit", "250"))
        .and(query_param_is_missing("page"))
        .respond_with(harness.hal(fixture!("contacts_page1.json")))
        .expect(1)
        .mount(&harness.server)
        .await;
    Mock::given(method("GET"))
        .and(path("/api/v4/contacts"))
        .and(query_param("page", "2"))
        .respond_with(harness.hal(fixture!("contacts_page2.json")))
        .expect(1)
        .mount(&harness.server)
        .await;

    // Act
    let contacts = harness
        .client
        .contacts()
        .list_all(&ContactsQuery {
            with_leads: true,
            ..ContactsQuery::default()
        })
        .await
        .expect("all pages");

    // Assert
    let ids: Vec<i64> = contacts.iter().map(|c| c.id).collect();
    assert_eq!(ids, [3001, 3002, 3003]);
    assert!(
        contacts[2].custom_fields_values.is_empty(),
        "null values are an empty list"
    );
    assert_eq!(contacts[2].leads, [7003]);
}

#[tokio::test]
async fn a_search_answered_204_is_an_empty_page_not_an_error() {
    // Arrange
    let harness = Harness::start().await;
    Mock::given(method("GET"))
        .and(path("/api/v4/contacts"))
        .respond_with(ResponseTemplate::new(204))
        .expect(2)
        .mount(&harness.server)
        .await;
    let query = ContactsQuery::search("nobody@example.com");

    // Act
    let page = harness.client.contacts().list(&query).await;
    let all = harness.client.contacts().list_all(&query).await;

    // Assert
    let page = page.expect("204 is a success");
    assert!(page.items.is_empty());
    assert_eq!(page.next, None);
    assert!(all.expect("204 is a success").is_empty());
}

#[tokio::test]
async fn a_next_link_to_another_host_is_not_followed() {
    // Arrange
    let harness = Harness::start().await;
    let foreign = wiremock::MockServer::start().await;
    Mock::given(wiremock::matchers::any())
        .respond_with(ResponseTemplate::new(200))
        .expect(0)
        .named("the foreign host")
        .mount(&foreign)
        .await;
    let body = harness
        .body(fixture!("contacts_foreign_next.json"))
        .replace("FOREIGN_ORIGIN", &foreign.uri());
    Mock::given(method("GET"))
        .and(path("/api/v4/contacts"))
        .respond_with(hal(body))
        .expect(1)
        .mount(&harness.server)
        .await;

    // Act
    let result = harness
        .client
        .contacts()
        .list_all(&ContactsQuery::default())
        .await;

    // Assert
    match result {
        Err(Error::Decode { message, .. }) => {
            assert!(message.contains("next page link"), "{message}")
        }
        other => panic!("expected the foreign link to be refused, got {other:?}"),
    }
}

#[tokio::test]
async fn ids_are_sent_as_an_id_filter() {
    // Arrange
    let harness = Harness::start().await;
    Mock::given(method("GET"))
        .and(path("/api/v4/contacts"))
        .and(query_param("filter[id][]", "3001"))
        .and(query_param("order[updated_at]", "desc"))
        .and(query_param("limit", "10"))
        .respond_with(harness.hal(fixture!("contacts_page2.json")))
        .expect(1)
        .mount(&harness.server)
        .await;
    let query = ContactsQuery {
        limit: Some(10),
        order_updated_desc: true,
        ..ContactsQuery::by_ids([3001, 3002])
    };

    // Act
    let page = harness.client.contacts().list(&query).await;

    // Assert
    assert_eq!(page.expect("page").items.len(), 1);
    let requests = harness.server.received_requests().await.unwrap();
    let url = requests[0].url.as_str();
    assert!(
        url.contains("filter%5Bid%5D%5B%5D=3001&filter%5Bid%5D%5B%5D=3002"),
        "{url}"
    );
}

#[tokio::test]
async fn a_page_size_above_250_is_refused_before_sending() {
    // Arrange
    let harness = Harness::start().await;
    let query = ContactsQuery {
        limit: Some(251),
        ..ContactsQuery::default()
    };

    // Act
    let result = harness.client.contacts().list(&query).await;

    // Assert
    assert!(
        matches!(result, Err(Error::InvalidArgument(_))),
        "{result:?}"
    );
}

#[tokio::test]
async fn get_returns_the_contact_and_keeps_unknown_field_types_raw() {
    // Arrange
    let harness = Harness::start().await;
    Mock::given(method("GET"))
        .and(path("/api/v4/contacts/3004"))
        .and(query_param_is_missing("with"))
        .respond_with(harness.hal(fixture!("contact_unknown_field_types.json")))
        .expect(1)
        .mount(&harness.server)
        .await;

    // Act
    let contact = harness.client.contacts().get(3004, false).await;

    // Assert
    let contact = contact.expect("parses").expect("exists");
    let fields = &contact.custom_fields_values;
    assert_eq!(fields[0].field_type, Some(FieldType::TrackingData));
    assert_eq!(
        fields[0].values[0].as_text().as_deref(),
        Some("utm_source=quibbler")
    );
    assert_eq!(
        fields[1].field_type,
        Some(FieldType::Other("quibbler_subscription".to_owned()))
    );
    assert_eq!(
        fields[1].values[0].value["nested"]["issues"],
        json!([1, 2, 3])
    );
    assert_eq!(fields[1].values[0].extra["subtype"], "yearly");
    assert_eq!(
        fields[1].values[0].as_text().as_deref(),
        Some(r#"{"nested":{"issues":[1,2,3],"since":"1995-09-01"}}"#)
    );
    assert_eq!(fields[3].values[0].as_text().as_deref(), Some("true"));
    assert_eq!(contact.phones(), ["+44 20 7946 0958"]);
    assert!(contact.leads.is_empty());
}

#[tokio::test]
async fn get_of_a_missing_contact_is_none_for_404_and_for_204() {
    // Arrange
    let harness = Harness::start().await;
    Mock::given(method("GET"))
        .and(path("/api/v4/contacts/404"))
        .respond_with(ResponseTemplate::new(404))
        .expect(1)
        .mount(&harness.server)
        .await;
    Mock::given(method("GET"))
        .and(path("/api/v4/contacts/204"))
        .and(query_param("with", "leads"))
        .respond_with(ResponseTemplate::new(204))
        .expect(1)
        .mount(&harness.server)
        .await;

    // Act
    let not_found = harness.client.contacts().get(404, false).await;
    let no_content = harness.client.contacts().get(204, true).await;

    // Assert
    assert_eq!(not_found.expect("404 is not an error here"), None);
    assert_eq!(no_content.expect("204 is not an error here"), None);
}

#[tokio::test]
async fn create_sends_the_documented_body_with_a_request_id() {
    // Arrange
    let harness = Harness::start().await;
    Mock::given(method("POST"))
        .and(path("/api/v4/contacts"))
        .and(body_json(json!([{
            "name": "Ivan",
            "first_name": "Ivan",
            "last_name": "P",
            "responsible_user_id": 123,
            "custom_fields_values": [
                {"field_code": "PHONE", "values": [{"value": "+79990001122", "enum_code": "WORK"}]},
                {"field_code": "EMAIL", "values": [{"value": "a@b.ru", "enum_code": "WORK"}]}
            ],
            "request_id": "ext-1"
        }])))
        .respond_with(harness.hal(fixture!("contacts_created.json")))
        .expect(1)
        .mount(&harness.server)
        .await;
    let contact = NewContact {
        name: Some("Ivan".to_owned()),
        first_name: Some("Ivan".to_owned()),
        last_name: Some("P".to_owned()),
        responsible_user_id: Some(123),
        custom_fields_values: vec![
            CustomFieldValue::phone("+79990001122", "WORK"),
            CustomFieldValue::email("a@b.ru", "WORK"),
        ],
        tags: Vec::new(),
        request_id: Some("ext-1".to_owned()),
    };

    // Act
    let created = harness.client.contacts().create(&[contact]).await;

    // Assert
    let created = created.expect("created");
    assert_eq!(created.len(), 1);
    assert_eq!(created[0].id, 3201);
    assert_eq!(created[0].request_id.as_deref(), Some("ext-1"));
}

#[tokio::test]
async fn create_generates_a_request_id_when_none_is_given() {
    // Arrange
    let harness = Harness::start().await;
    Mock::given(method("POST"))
        .and(path("/api/v4/contacts"))
        .respond_with(harness.hal(fixture!("contacts_created.json")))
        .expect(1)
        .mount(&harness.server)
        .await;
    let contact = NewContact {
        tags: vec!["usedesk".to_owned()],
        ..NewContact::named("Neville Longbottom")
    };

    // Act
    harness
        .client
        .contacts()
        .create(&[contact])
        .await
        .expect("created");

    // Assert
    let requests = harness.server.received_requests().await.unwrap();
    let body: Value = serde_json::from_slice(&requests[0].body).unwrap();
    let request_id = body[0]["request_id"]
        .as_str()
        .expect("a request_id is sent");
    assert!(!request_id.is_empty());
    assert_eq!(body[0]["_embedded"]["tags"], json!([{"name": "usedesk"}]));
}

#[tokio::test]
async fn update_patches_only_the_fields_given() {
    // Arrange
    let harness = Harness::start().await;
    Mock::given(method("PATCH"))
        .and(path("/api/v4/contacts"))
        .and(body_json(json!([{
            "id": 3001,
            "name": "Harry James Potter",
            "custom_fields_values": [{"field_id": 503, "values": [{"value": "Captain"}]}]
        }])))
        .respond_with(harness.hal(fixture!("contacts_updated.json")))
        .expect(1)
        .mount(&harness.server)
        .await;
    let update = ContactUpdate {
        id: 3001,
        name: Some("Harry James Potter".to_owned()),
        custom_fields_values: Some(vec![CustomFieldValue::text(503, "Captain")]),
        ..ContactUpdate::default()
    };

    // Act
    let updated = harness.client.contacts().update(&[update]).await;

    // Assert
    let updated = updated.expect("updated");
    assert_eq!(updated[0].id, 3001);
    assert_eq!(updated[0].updated_at, Some(1700009999));
}

#[tokio::test]
async fn creating_nothing_sends_nothing() {
    // Arrange
    let harness = Harness::start().await;

    // Act
    let created = harness.client.contacts().create(&[]).await;

    // Assert
    assert_eq!(created.expect("nothing to do"), []);
}

#[test]
fn a_composite_value_with_a_name_is_shown_by_its_name_and_others_as_json() {
    let named = amocrm::FieldValueItem::new(json!({"catalog_element_id": 77, "name": "Scotland"}));
    let unnamed = amocrm::FieldValueItem::new(json!({"catalog_element_id": 77}));

    assert_eq!(named.as_text().as_deref(), Some("Scotland"));
    assert_eq!(
        unnamed.as_text().as_deref(),
        Some(r#"{"catalog_element_id":77}"#)
    );
}
