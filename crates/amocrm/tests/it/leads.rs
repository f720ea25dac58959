//! `/api/v4/leads`: lists, single leads, chunked creates, complex creates and links.

use amocrm::{
    ComplexLead, CustomFieldValue, EntityLink, Error, LeadContact, LeadUpdate, LeadsQuery,
    NewCompany, NewContact, NewLead,
};
use serde_json::{Value, json};
use wiremock::matchers::{body_json, method, path, query_param};
use wiremock::{Mock, Request, ResponseTemplate};

use crate::support::{Harness, fixture, hal, problem};

/// Answers a lead create like amoCRM: one id per item, echoing its `request_id`. Ids count up
/// from 1000 within each request.
fn echo_created(request: &Request) -> ResponseTemplate {
    let items: Vec<Value> = serde_json::from_slice(&request.body).expect("a JSON array");
    let leads: Vec<Value> = items
        .iter()
        .enumerate()
        .map(|(i, item)| json!({"id": 1000 + i, "request_id": item["request_id"]}))
        .collect();
    hal(json!({"_embedded": {"leads": leads}}).to_string())
}

fn named_leads(count: usize) -> Vec<NewLead> {
    (0..count)
        .map(|i| NewLead {
            name: Some(format!("Lead {i}")),
            ..NewLead::default()
        })
        .collect()
}

#[tokio::test]
async fn list_with_contacts_returns_leads_with_their_contact_stubs() {
    // Arrange
    let harness = Harness::start().await;
    Mock::given(method("GET"))
        .and(path("/api/v4/leads"))
        .and(query_param("with", "contacts"))
        .and(query_param("filter[id][]", "7001"))
        .respond_with(harness.hal(fixture!("leads_with_contacts.json")))
        .expect(1)
        .mount(&harness.server)
        .await;
    let query = LeadsQuery {
        with_contacts: true,
        ..LeadsQuery::by_ids([7001, 7002])
    };

    // Act
    let page = harness.client.leads().list(&query).await;

    // Assert
    let page = page.expect("page");
    assert_eq!(page.next, None);
    let firebolt = &page.items[0];
    assert_eq!(firebolt.price, 5000);
    assert_eq!(
        firebolt.contacts,
        [
            LeadContact {
                id: 3001,
                is_main: true
            },
            LeadContact {
                id: 3002,
                is_main: false
            }
        ]
    );
    assert_eq!(firebolt.main_contact_id(), Some(3001));
    assert_eq!(
        firebolt.custom_fields_values[0].values[0].enum_id,
        Some(7101)
    );
    assert_eq!(firebolt.tags[0].name, "quidditch");
    assert!(firebolt.is_open());
    let wand = &page.items[1];
    assert_eq!(wand.price, 0, "a null price is 0");
    assert!(wand.is_won());
    assert_eq!(wand.closed_at, Some(1700005000));
    assert_eq!(wand.companies, [9001]);
}

#[tokio::test]
async fn list_all_filters_by_pipeline_and_stage() {
    // Arrange
    let harness = Harness::start().await;
    Mock::given(method("GET"))
        .and(path("/api/v4/leads"))
        .and(query_param("filter[pipeline_id][]", "3001000"))
        .and(query_param("filter[statuses][0][pipeline_id]", "3001000"))
        .and(query_param("filter[statuses][0][status_id]", "40001"))
        .and(query_param("limit", "250"))
        .respond_with(harness.hal(fixture!("leads_with_contacts.json")))
        .expect(1)
        .mount(&harness.server)
        .await;
    let query = LeadsQuery {
        pipeline_ids: vec![3001000],
        statuses: vec![(3001000, 40001)],
        ..LeadsQuery::default()
    };

    // Act
    let leads = harness.client.leads().list_all(&query).await;

    // Assert
    assert_eq!(leads.expect("leads").len(), 2);
}

#[tokio::test]
async fn get_returns_one_lead_or_none() {
    // Arrange
    let harness = Harness::start().await;
    Mock::given(method("GET"))
        .and(path("/api/v4/leads/7003"))
        .and(query_param("with", "contacts"))
        .respond_with(harness.hal(fixture!("lead.json")))
        .expect(1)
        .mount(&harness.server)
        .await;
    Mock::given(method("GET"))
        .and(path("/api/v4/leads/9999"))
        .respond_with(ResponseTemplate::new(204))
        .expect(1)
        .mount(&harness.server)
        .await;

    // Act
    let lead = harness.client.leads().get(7003, true).await;
    let missing = harness.client.leads().get(9999, false).await;

    // Assert
    let lead = lead.expect("parses").expect("exists");
    assert!(lead.is_lost());
    assert_eq!(lead.loss_reason_id, Some(12));
    assert_eq!(lead.main_contact_id(), Some(3003));
    assert_eq!(missing.expect("204 is not an error"), None);
}

#[tokio::test]
async fn create_sends_the_documented_body() {
    // Arrange
    let harness = Harness::start().await;
    Mock::given(method("POST"))
        .and(path("/api/v4/leads"))
        .and(body_json(json!([{
            "name": "Deal",
            "price": 5000,
            "status_id": 111,
            "pipeline_id": 222,
            "responsible_user_id": 333,
            "custom_fields_values": [
                {"field_id": 10, "values": [{"value": "text"}]},
                {"field_id": 11, "values": [{"enum_id": 5}]}
            ],
            "_embedded": {
                "contacts": [{"id": 777, "is_main": true}],
                "companies": [{"id": 888}],
                "tags": [{"name": "api"}]
            },
            "request_id": "ext-42"
        }])))
        .respond_with(echo_created)
        .expect(1)
        .mount(&harness.server)
        .await;
    let lead = NewLead {
        name: Some("Deal".to_owned()),
        price: Some(5000),
        status_id: Some(111),
        pipeline_id: Some(222),
        responsible_user_id: Some(333),
        custom_fields_values: vec![
            CustomFieldValue::text(10, "text"),
            CustomFieldValue::enums(11, [5]),
        ],
        contacts: vec![LeadContact {
            id: 777,
            is_main: true,
        }],
        companies: vec![888],
        tags: vec!["api".to_owned()],
        request_id: Some("ext-42".to_owned()),
    };

    // Act
    let created = harness.client.leads().create(&[lead]).await;

    // Assert
    let created = created.expect("created");
    assert_eq!(created[0].id, 1000);
    assert_eq!(created[0].request_id.as_deref(), Some("ext-42"));
}

#[tokio::test]
async fn creating_120_leads_sends_three_chunks_with_request_ids_and_keeps_the_order() {
    // Arrange
    let harness = Harness::start().await;
    Mock::given(method("POST"))
        .and(path("/api/v4/leads"))
        .respond_with(echo_created)
        .expect(3)
        .mount(&harness.server)
        .await;

    // Act
    let created = harness.client.leads().create(&named_leads(120)).await;

    // Assert
    let created = created.expect("created");
    assert_eq!(created.len(), 120);
    let requests = harness.server.received_requests().await.unwrap();
    let bodies: Vec<Vec<Value>> = requests
        .iter()
        .map(|r| serde_json::from_slice(&r.body).unwrap())
        .collect();
    let sizes: Vec<usize> = bodies.iter().map(Vec::len).collect();
    assert_eq!(sizes, [50, 50, 20]);
    let sent: Vec<&str> = bodies
        .iter()
        .flatten()
        .map(|item| {
            item["request_id"]
                .as_str()
                .expect("every item has a request_id")
        })
        .collect();
    let returned: Vec<&str> = created
        .iter()
        .map(|c| c.request_id.as_deref().unwrap())
        .collect();
    assert_eq!(sent, returned, "results are in input order");
    let names: Vec<&str> = bodies
        .iter()
        .flatten()
        .map(|i| i["name"].as_str().unwrap())
        .collect();
    assert_eq!(names[0], "Lead 0");
    assert_eq!(names[119], "Lead 119");
}

#[tokio::test]
async fn creating_more_than_250_leads_is_refused_before_sending() {
    // Arrange
    let harness = Harness::start().await;

    // Act
    let result = harness.client.leads().create(&named_leads(251)).await;

    // Assert
    assert!(
        matches!(result, Err(Error::InvalidArgument(_))),
        "{result:?}"
    );
}

#[tokio::test]
async fn a_chunk_failing_after_an_applied_one_reports_the_ids_already_written() {
    // Arrange
    let harness = Harness::start().await;
    Mock::given(method("POST"))
        .and(path("/api/v4/leads"))
        .respond_with(echo_created)
        .up_to_n_times(1)
        .expect(1)
        .mount(&harness.server)
        .await;
    Mock::given(method("POST"))
        .and(path("/api/v4/leads"))
        .respond_with(problem(400, fixture!("validation_400.json")))
        .expect(1)
        .mount(&harness.server)
        .await;

    // Act
    let result = harness.client.leads().create(&named_leads(60)).await;

    // Assert
    match result {
        Err(Error::PartialWrite {
            created_ids,
            source,
        }) => {
            assert_eq!(created_ids.len(), 50);
            assert!(matches!(*source, Error::Validation { status: 400, .. }));
        }
        other => panic!("expected a partial write, got {other:?}"),
    }
}

#[tokio::test]
async fn update_patches_the_stage() {
    // Arrange
    let harness = Harness::start().await;
    Mock::given(method("PATCH"))
        .and(path("/api/v4/leads"))
        .and(body_json(
            json!([{"id": 7001, "status_id": 142, "pipeline_id": 3001000}]),
        ))
        .respond_with(harness.hal(fixture!("leads_updated.json")))
        .expect(1)
        .mount(&harness.server)
        .await;
    let update = LeadUpdate {
        id: 7001,
        status_id: Some(142),
        pipeline_id: Some(3001000),
        ..LeadUpdate::default()
    };

    // Act
    let updated = harness.client.leads().update(&[update]).await;

    // Assert
    assert_eq!(updated.expect("updated")[0].id, 7001);
}

#[tokio::test]
async fn complex_create_embeds_the_new_contact_and_company() {
    // Arrange
    let harness = Harness::start().await;
    Mock::given(method("POST"))
        .and(path("/api/v4/leads/complex"))
        .and(body_json(json!([
            {
                "name": "Deal",
                "price": 100,
                "_embedded": {
                    "contacts": [{
                        "first_name": "Ivan",
                        "custom_fields_values": [
                            {"field_code": "PHONE", "values": [{"value": "+79990001122", "enum_code": "MOB"}]}
                        ]
                    }],
                    "companies": [{"name": "Ollivanders"}]
                },
                "request_id": "complex-1"
            },
            {
                "name": "Second",
                "_embedded": {"contacts": [{"name": "Anna"}]},
                "request_id": "complex-2"
            }
        ])))
        .respond_with(hal(fixture!("complex_created.json")))
        .expect(1)
        .mount(&harness.server)
        .await;
    let leads = [
        ComplexLead {
            name: Some("Deal".to_owned()),
            price: Some(100),
            contact: Some(NewContact {
                first_name: Some("Ivan".to_owned()),
                custom_fields_values: vec![CustomFieldValue::phone("+79990001122", "MOB")],
                ..NewContact::default()
            }),
            company: Some(NewCompany {
                name: "Ollivanders".to_owned(),
                custom_fields_values: Vec::new(),
            }),
            request_id: Some("complex-1".to_owned()),
            ..ComplexLead::default()
        },
        ComplexLead {
            name: Some("Second".to_owned()),
            contact: Some(NewContact::named("Anna")),
            request_id: Some("complex-2".to_owned()),
            ..ComplexLead::default()
        },
    ];

    // Act
    let created = harness.client.leads().create_complex(&leads).await;

    // Assert
    let created = created.expect("created");
    assert_eq!(created[0].id, 7101);
    assert_eq!(created[0].contact_id, Some(3101));
    assert_eq!(created[0].company_id, Some(9101));
    assert_eq!(created[0].request_id, ["complex-1"]);
    assert!(!created[0].merged);
    assert_eq!(created[1].company_id, None);
    assert!(created[1].merged);
}

#[tokio::test]
async fn link_and_unlink_post_the_link_list() {
    // Arrange
    let harness = Harness::start().await;
    Mock::given(method("POST"))
        .and(path("/api/v4/leads/7001/link"))
        .and(body_json(json!([
            {"to_entity_id": 3002, "to_entity_type": "contacts", "metadata": {"is_main": true}},
            {"to_entity_id": 9001, "to_entity_type": "companies"}
        ])))
        .respond_with(harness.hal(fixture!("links_created.json")))
        .expect(1)
        .mount(&harness.server)
        .await;
    Mock::given(method("POST"))
        .and(path("/api/v4/leads/7001/unlink"))
        .and(body_json(
            json!([{"to_entity_id": 3002, "to_entity_type": "contacts"}]),
        ))
        .respond_with(ResponseTemplate::new(204))
        .expect(1)
        .mount(&harness.server)
        .await;

    // Act
    let linked = harness
        .client
        .leads()
        .link(
            7001,
            &[EntityLink::contact(3002, true), EntityLink::company(9001)],
        )
        .await;
    let unlinked = harness
        .client
        .leads()
        .unlink(7001, &[EntityLink::contact(3002, false)])
        .await;

    // Assert
    linked.expect("linked");
    unlinked.expect("unlinked");
}
