//! A contact's company in the block: read in one batched call beside the deals, shown with its link; a failure
//! to read it leaves the company out, not the block.

use wiremock::matchers::{method, path, query_param};
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
