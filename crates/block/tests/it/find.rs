//! The agent's own search: offered first when nothing matched, a phone written differently still found and
//! confirmed, a name found as a possible match, and Link from the results binding the client.

use i18n::Lang::En;
use wiremock::matchers::{method, path, query_param};
use wiremock::{Mock, ResponseTemplate};

use crate::support::*;

/// The client's own searches find nothing the first time (the block), Harry afterwards (the agent's search).
async fn mount_nothing_then_harry(app: &TestApp) {
    app.mount_metadata().await;
    for query in [PHONE_QUERY, EMAIL_QUERY] {
        Mock::given(method("GET"))
            .and(path("/api/v4/contacts"))
            .and(query_param("query", query))
            .respond_with(ResponseTemplate::new(204))
            .up_to_n_times(1)
            .mount(&app.amo)
            .await;
    }
    app.mount_search(PHONE_QUERY, Some(fixture!("block/contacts_one.json")))
        .await;
    app.mount_get("/api/v4/leads", fixture!("block/leads_all.json"))
        .await;
    app.mount_get("/api/v4/contacts/3001", fixture!("block/contact_3001.json"))
        .await;
}

#[tokio::test]
async fn a_phone_written_differently_finds_the_contact_and_link_binds_it_for_the_next_block() {
    // Arrange: nothing matched the client, so the block offers the search first.
    let app = TestApp::start().await;
    let connection = app.connect().await;
    mount_nothing_then_harry(&app).await;
    let (_, block) = app.post_block(&app.block_request()).await;
    let search_at = block
        .find("/action/search")
        .expect("the block offers the search");
    let add_at = block
        .find("/action/contact")
        .expect("and adding the client");
    let search = token_for(&block, &app.url("/action/search"));

    // Act: search for the client's phone written another way, then link the contact found.
    let (status, results) = app
        .get_page(
            &app.url("/action/search"),
            &search,
            &[("q", "8 (916) 123 45 67")],
        )
        .await;
    let link = token_for(&results, &app.url("/action/link"));
    let (linked_status, done) = app
        .post_form(&app.url("/action/link"), &[("t", &link)])
        .await;
    let (_, next_block) = app.post_block(&app.block_request()).await;

    // Assert
    assert!(search_at < add_at, "the search comes before Add to amoCRM");
    assert_eq!(status, 200);
    assert_shows(&results, "Harry Potter");
    assert_shows(&results, &t(En, "search-confirmed"));
    assert_eq!(claims_of(&link)["k"], "link");
    assert_eq!(claims_of(&link)["s"], 3001);
    assert_eq!(linked_status, 200);
    assert_shows(&done, &t(En, "action-done-link"));
    assert_eq!(linked_contact(&app, connection).await, Some(3001));
    assert_shows(&next_block, "Harry Potter");
    assert_shows(&next_block, &t(En, "contact-linked-badge"));
}

#[tokio::test]
async fn a_name_finds_possible_matches_only() {
    // Arrange
    let app = TestApp::start().await;
    app.connect().await;
    app.mount_one_contact().await;
    app.mount_search("Potter", Some(fixture!("block/contacts_one.json")))
        .await;
    Mock::given(method("GET"))
        .and(path("/api/v4/companies"))
        .and(query_param("query", "Potter"))
        .respond_with(ResponseTemplate::new(204))
        .expect(1)
        .mount(&app.amo)
        .await;
    let (_, block) = app.post_block(&app.block_request()).await;
    let search = token_for(&block, &app.url("/action/search"));

    // Act
    let (status, results) = app
        .get_page(&app.url("/action/search"), &search, &[("q", " Potter ")])
        .await;

    // Assert
    assert_eq!(status, 200);
    assert_shows(&results, "Harry Potter");
    assert_shows(&results, &t(En, "search-possible"));
    assert_hides(&results, &t(En, "search-confirmed"));
}

#[tokio::test]
async fn an_empty_search_asks_for_something_to_search_for_and_sends_nothing() {
    // Arrange
    let app = TestApp::start().await;
    app.connect().await;
    app.mount_one_contact().await;
    let (_, block) = app.post_block(&app.block_request()).await;
    let search = token_for(&block, &app.url("/action/search"));

    // Act
    let (status, page) = app
        .get_page(&app.url("/action/search"), &search, &[("q", "   ")])
        .await;

    // Assert
    assert_eq!(status, 200);
    assert_shows(&page, &t(En, "search-empty"));
}

#[tokio::test]
async fn a_search_token_does_not_link_anything() {
    // Arrange
    let app = TestApp::start().await;
    let connection = app.connect().await;
    app.mount_one_contact().await;
    let (_, block) = app.post_block(&app.block_request()).await;
    let search = token_for(&block, &app.url("/action/search"));

    // Act
    let (status, _) = app
        .post_form(&app.url("/action/link"), &[("t", &search)])
        .await;

    // Assert
    assert!((400..500).contains(&status), "refused with {status}");
    assert_eq!(linked_contact(&app, connection).await, None);
}
