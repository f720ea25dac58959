//! A contact's company in the block: read (`with=leads`) beside the deals, shown with its link and its own open
//! deals — read in one more batched leads call only when it has deals the contact doesn't; a failure to read it
//! (or its deals) leaves the company (or its deals) out, not the block.

use i18n::Lang::En;
use wiremock::matchers::{body_partial_json, method, path, query_param, query_param_contains};
use wiremock::{Mock, ResponseTemplate};

use crate::support::*;

async fn mount_harry_with_a_company(app: &TestApp) {
    app.mount_metadata().await;
    app.mount_search(
        PHONE_QUERY,
        Some(fixture!("block/contacts_one_with_company.json")),
    )
    .await;
    app.mount_search(EMAIL_QUERY, None).await;
    app.mount_get("/api/v4/leads", fixture!("block/leads_all.json"))
        .await;
}

#[tokio::test]
async fn a_contact_with_a_company_shows_the_company_with_its_link() {
    // Arrange
    let app = TestApp::start().await;
    app.connect().await;
    mount_harry_with_a_company(&app).await;
    Mock::given(method("GET"))
        .and(path("/api/v4/companies"))
        .and(query_param("filter[id][]", "5001"))
        .respond_with(hal(fixture!("block/companies.json")))
        .expect(1)
        .mount(&app.amo)
        .await;

    // Act
    let (status, block) = app.post_block(&app.block_request()).await;

    // Assert
    assert_eq!(status, 200);
    assert_shows(&block, "Gringotts Wizarding Bank");
    assert_shows(&block, "/companies/detail/5001");
}

#[tokio::test]
async fn a_company_that_cannot_be_read_is_left_out_and_the_block_still_shows() {
    // Arrange
    let app = TestApp::start().await;
    app.connect().await;
    mount_harry_with_a_company(&app).await;
    Mock::given(method("GET"))
        .and(path("/api/v4/companies"))
        .respond_with(ResponseTemplate::new(500))
        .mount(&app.amo)
        .await;

    // Act
    let (status, block) = app.post_block(&app.block_request()).await;

    // Assert
    assert_eq!(status, 200);
    assert_shows(&block, "Harry Potter");
    assert_hides(&block, "Gringotts");
}

#[tokio::test]
async fn a_contact_without_a_company_costs_no_call() {
    // Arrange
    let app = TestApp::start().await;
    app.connect().await;
    app.mount_one_contact().await;
    Mock::given(method("GET"))
        .and(path("/api/v4/companies"))
        .respond_with(ResponseTemplate::new(500))
        .expect(0)
        .mount(&app.amo)
        .await;

    // Act
    let (status, block) = app.post_block(&app.block_request()).await;

    // Assert
    assert_eq!(status, 200);
    assert_shows(&block, "Harry Potter");
}

/// The requests amoCRM got for leads, each as its list of `filter[id][]` values.
async fn leads_calls(app: &TestApp) -> Vec<Vec<String>> {
    app.amo
        .received_requests()
        .await
        .unwrap_or_default()
        .iter()
        .filter(|r| r.method.as_str() == "GET" && r.url.path() == "/api/v4/leads")
        .map(|r| {
            r.url
                .query_pairs()
                .filter(|(k, _)| k == "filter[id][]")
                .map(|(_, v)| v.into_owned())
                .collect()
        })
        .collect()
}

async fn mount_company(app: &TestApp, body: &str) {
    Mock::given(method("GET"))
        .and(path("/api/v4/companies"))
        .and(query_param("filter[id][]", "5001"))
        .and(query_param("with", "leads"))
        .respond_with(hal(body))
        .expect(1)
        .mount(&app.amo)
        .await;
}

#[tokio::test]
async fn a_company_with_deals_of_its_own_shows_its_open_ones_read_in_one_more_batched_call() {
    // Arrange: the company shares 7001 with Harry and has 7101 (open), 7102 (won) and 7103 (open) of its own.
    let app = TestApp::start().await;
    app.connect().await;
    mount_harry_with_a_company(&app).await;
    mount_company(&app, fixture!("block/companies_with_leads.json")).await;
    Mock::given(method("GET"))
        .and(path("/api/v4/leads"))
        .and(query_param("filter[id][]", "7101"))
        .respond_with(hal(fixture!("block/leads_company.json")))
        .with_priority(1)
        .mount(&app.amo)
        .await;

    // Act
    let (status, block) = app.post_block(&app.block_request()).await;

    // Assert: the open ones listed with their cards, the won one only counted.
    assert_eq!(status, 200);
    assert_shows(&block, "Vault security audit");
    assert_shows(&block, "Dragon guard lease");
    assert_hides(&block, "Goblin silver appraisal");
    assert_shows(&block, "1 closed deal");
    let cards = tokens_for(&block, &app.url("/deal"));
    assert!(
        cards
            .iter()
            .any(|t| claims_of(t).to_string().contains("7101")),
        "the company's deal opens on its signed card"
    );
    let calls = leads_calls(&app).await;
    let own: Vec<&Vec<String>> = calls
        .iter()
        .filter(|c| c.contains(&"7101".to_owned()))
        .collect();
    assert_eq!(own.len(), 1, "{calls:?}");
    let mut asked = own[0].clone();
    asked.sort();
    assert!(
        asked.ends_with(&["7101".into(), "7102".into(), "7103".into()]),
        "{asked:?}"
    );
    assert!(calls.len() <= 2, "{calls:?}");
}

#[tokio::test]
async fn a_company_seen_before_has_its_known_deals_read_beside_it_and_a_deal_it_gained_since_after_it()
 {
    // Arrange: the first block finds the company with 7101 of its own; by the second it also has 7102 and 7103.
    let app = TestApp::start().await;
    app.connect().await;
    mount_harry_with_a_company(&app).await;
    Mock::given(method("GET"))
        .and(path("/api/v4/companies"))
        .and(query_param("with", "leads"))
        .respond_with(hal(fixture!("block/companies_with_fewer_leads.json")))
        .up_to_n_times(1)
        .with_priority(1)
        .mount(&app.amo)
        .await;
    Mock::given(method("GET"))
        .and(path("/api/v4/companies"))
        .and(query_param("with", "leads"))
        .respond_with(hal(fixture!("block/companies_with_leads.json")))
        .with_priority(2)
        .mount(&app.amo)
        .await;
    for id in ["7101", "7103"] {
        Mock::given(method("GET"))
            .and(path("/api/v4/leads"))
            .and(query_param("filter[id][]", id))
            .respond_with(hal(fixture!("block/leads_company.json")))
            .with_priority(1)
            .mount(&app.amo)
            .await;
    }
    let (_, first) = app.post_block(&app.block_request()).await;
    let mut another_client = app.block_request();
    another_client["client_id"] = serde_json::json!(987_654);

    // Act
    let (status, second) = app.post_block(&another_client).await;

    // Assert: the first block knew only 7101; the second asked for 7101 beside the company, then 7102 and 7103.
    assert_eq!(status, 200);
    assert_shows(&first, "Vault security audit");
    assert_hides(&first, "Dragon guard lease");
    assert_shows(&second, "Vault security audit");
    assert_shows(&second, "Dragon guard lease");
    let own: Vec<Vec<String>> = leads_calls(&app)
        .await
        .into_iter()
        .filter(|c| c.iter().any(|id| id.starts_with("71")))
        .collect();
    // (The second block's known deal may share the contact's deals call: both wait together.)
    assert_eq!(own.len(), 3, "{own:?}");
    assert_eq!(own[0], ["7101"]);
    assert!(own[1].contains(&"7101".to_owned()), "{own:?}");
    assert_eq!(
        own[2],
        ["7102", "7103"],
        "only what is new is read after the company"
    );
}

#[tokio::test]
async fn a_company_whose_deals_are_the_contacts_adds_no_call() {
    // Arrange
    let app = TestApp::start().await;
    app.connect().await;
    mount_harry_with_a_company(&app).await;
    mount_company(&app, fixture!("block/companies_sharing_leads.json")).await;

    // Act
    let (status, block) = app.post_block(&app.block_request()).await;

    // Assert
    assert_eq!(status, 200);
    assert_shows(&block, "Gringotts Wizarding Bank");
    assert_eq!(leads_calls(&app).await.len(), 1);
    assert!(!block.contains("<ul class=\"uda-company-deals\""));
}

#[tokio::test]
async fn a_company_whose_deals_cannot_be_read_is_shown_without_them_and_the_block_whole() {
    // Arrange
    let app = TestApp::start().await;
    app.connect().await;
    mount_harry_with_a_company(&app).await;
    mount_company(&app, fixture!("block/companies_with_leads.json")).await;
    Mock::given(method("GET"))
        .and(path("/api/v4/leads"))
        .and(query_param("filter[id][]", "7101"))
        .respond_with(ResponseTemplate::new(500))
        .with_priority(1)
        .mount(&app.amo)
        .await;

    // Act
    let (status, block) = app.post_block(&app.block_request()).await;

    // Assert: the contact's own deals and the company's name stay; "N more" points to amoCRM.
    assert_eq!(status, 200);
    assert_shows(&block, "Harry Potter");
    assert_shows(&block, "Firebolt order");
    assert_shows(&block, "Gringotts Wizarding Bank");
    assert_hides(&block, "Vault security audit");
    assert_shows(&block, "3 more");
}

/// A signed "create contact" token for `connection`, as the block's form carries it.
fn create_token(connection: domain::store::ConnectionId, nonce: &str) -> String {
    sign_claims(
        &serde_json::json!({"c": connection.to_string(), "t": TICKET_ID, "u": CLIENT_ID,
            "k": "create_contact", "l": "en", "e": domain::now() + 600, "n": nonce}),
        SIGNING_KEY,
    )
}

/// The new contact 3201, and the note back to the ticket it gets.
async fn mount_contact_created(app: &TestApp, times: u64) {
    Mock::given(method("POST"))
        .and(path("/api/v4/contacts"))
        .respond_with(hal(fixture!("amocrm/contacts_created.json")))
        .expect(times)
        .mount(&app.amo)
        .await;
    app.mount_ticket_note("/api/v4/contacts/3201/notes", times)
        .await;
}

/// amoCRM's answer to any company search.
async fn mount_company_search(app: &TestApp, body: &str) {
    Mock::given(method("GET"))
        .and(path("/api/v4/companies"))
        .and(query_param_contains("query", "ringotts"))
        .respond_with(hal(body))
        .mount(&app.amo)
        .await;
}

async fn mount_contact_link(app: &TestApp, company: i64) {
    Mock::given(method("POST"))
        .and(path("/api/v4/contacts/3201/link"))
        .and(body_partial_json(serde_json::json!([
            {"to_entity_id": company, "to_entity_type": "companies"}
        ])))
        .respond_with(hal(fixture!("domain/contact_company_linked.json")))
        .expect(1)
        .mount(&app.amo)
        .await;
}

async fn submit(app: &TestApp, token: &str, extra: &[(&str, &str)]) -> (u16, String) {
    let mut fields = vec![
        ("t", token),
        ("name", "Luna Lovegood"),
        ("phone", "+44 20 7946 0321"),
    ];
    fields.extend_from_slice(extra);
    app.post_form(&app.url("/action/contact"), &fields).await
}

#[tokio::test]
async fn the_contact_form_has_a_company_field_prefilled_from_the_link() {
    // Arrange
    let app = TestApp::start().await;
    app.connect().await;
    app.mount_metadata().await;
    app.mount_search(PHONE_QUERY, None).await;
    app.mount_search(EMAIL_QUERY, None).await;
    let (_, html) = app.post_block(&app.block_request()).await;
    let open = token_for(&html, &app.url("/action/contact"));

    // Act
    let (status, form) = app
        .get_page(
            &app.url("/action/contact"),
            &open,
            &[("name", "Luna"), ("company", "Quibbler")],
        )
        .await;

    // Assert
    assert_eq!(status, 200);
    assert_shows(&form, "name=\"company\" value=\"Quibbler\"");
    assert_shows(&form, &t(En, "form-company"));
}

#[tokio::test]
async fn a_contact_typed_with_the_name_of_one_company_is_linked_to_it() {
    // Arrange
    let app = TestApp::start().await;
    let connection = app.connect().await;
    mount_company_search(&app, fixture!("domain/companies_gringotts_one.json")).await;
    mount_contact_created(&app, 1).await;
    mount_contact_link(&app, 5001).await;

    // Act
    let (status, page) = submit(
        &app,
        &create_token(connection, "c-1"),
        &[("company", " gringotts bank ")],
    )
    .await;

    // Assert
    assert_eq!(status, 200);
    assert_shows(
        &page,
        &t1(
            En,
            "contact-created-company-linked",
            "name",
            "Gringotts Bank",
        ),
    );
    assert_shows(&page, "/companies/detail/5001");
}

#[tokio::test]
async fn a_contact_typed_with_a_new_company_creates_the_company_and_links_it() {
    // Arrange
    let app = TestApp::start().await;
    let connection = app.connect().await;
    Mock::given(method("GET"))
        .and(path("/api/v4/companies"))
        .respond_with(ResponseTemplate::new(204))
        .mount(&app.amo)
        .await;
    mount_contact_created(&app, 1).await;
    Mock::given(method("POST"))
        .and(path("/api/v4/companies"))
        .and(body_partial_json(serde_json::json!([{"name": "Quibbler"}])))
        .respond_with(hal(fixture!("amocrm/companies_created.json")))
        .expect(1)
        .mount(&app.amo)
        .await;
    Mock::given(method("POST"))
        .and(path("/api/v4/contacts/3201/link"))
        .respond_with(hal(fixture!("domain/contact_company_linked.json")))
        .expect(1)
        .mount(&app.amo)
        .await;

    // Act
    let (status, page) = submit(
        &app,
        &create_token(connection, "c-2"),
        &[("company", "Quibbler")],
    )
    .await;

    // Assert
    assert_eq!(status, 200);
    assert_shows(
        &page,
        &t1(En, "contact-created-company-created", "name", "Quibbler"),
    );
}

#[tokio::test]
async fn several_companies_with_the_typed_name_bring_the_form_back_with_a_choice_then_the_choice_is_used()
 {
    // Arrange
    let app = TestApp::start().await;
    let connection = app.connect().await;
    app.mount_metadata().await;
    mount_company_search(&app, fixture!("domain/companies_gringotts_two.json")).await;
    Mock::given(method("GET"))
        .and(path("/api/v4/companies/5003"))
        .respond_with(hal(fixture!("domain/company_5003.json")))
        .expect(1)
        .mount(&app.amo)
        .await;
    mount_contact_created(&app, 1).await;
    mount_contact_link(&app, 5003).await;

    // Act: the first submit asks which company; the second answers.
    let (asked_status, asked) = submit(
        &app,
        &create_token(connection, "c-3"),
        &[("company", "Gringotts Bank")],
    )
    .await;
    let again = token_for(&asked, &app.url("/action/contact"));
    let (status, page) = submit(
        &app,
        &again,
        &[
            ("company", "Gringotts Bank"),
            ("company_for", "Gringotts Bank"),
            ("company_pick", "5003"),
        ],
    )
    .await;

    // Assert: the choice keeps every value and names each company; nothing was created before the answer.
    assert_eq!(asked_status, 200);
    assert_shows(&asked, "value=\"Luna Lovegood\"");
    assert_shows(&asked, "value=\"+44 20 7946 0321\"");
    assert_shows(
        &asked,
        &t1(En, "form-company-choose", "name", "Gringotts Bank"),
    );
    assert_shows(&asked, "name=\"company_pick\" value=\"5003\"");
    assert_shows(&asked, "name=\"company_pick\" value=\"5001\"");
    assert_shows(&asked, "name=\"company_pick\" value=\"new\"");
    assert_shows(&asked, "/companies/detail/5001");
    assert_eq!(status, 200);
    assert_shows(
        &page,
        &t1(
            En,
            "contact-created-company-linked",
            "name",
            "Gringotts Bank",
        ),
    );
}

#[tokio::test]
async fn a_contact_whose_company_link_fails_is_created_and_the_page_says_what_did_not_happen() {
    // Arrange
    let app = TestApp::start().await;
    let connection = app.connect().await;
    mount_company_search(&app, fixture!("domain/companies_gringotts_one.json")).await;
    mount_contact_created(&app, 1).await;
    Mock::given(method("POST"))
        .and(path("/api/v4/contacts/3201/link"))
        .respond_with(ResponseTemplate::new(400))
        .mount(&app.amo)
        .await;

    // Act
    let (status, page) = submit(
        &app,
        &create_token(connection, "c-4"),
        &[("company", "Gringotts Bank")],
    )
    .await;

    // Assert
    assert_eq!(status, 200);
    assert_shows(
        &page,
        &t1(En, "action-done-contact-created", "name", "Luna Lovegood"),
    );
    assert_shows(
        &page,
        &t1(
            En,
            "contact-created-company-not-linked",
            "name",
            "Gringotts Bank",
        ),
    );
    assert_eq!(linked_contact(&app, connection).await, Some(3201));
}
