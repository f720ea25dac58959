//! The examples under `examples/` run against a mock amoCRM: each example's logic is a public
//! function, included here from the example's own file, so what the tests run is what users run.

use std::sync::Arc;
use std::time::{Duration, SystemTime};

use amocrm::{
    AmoClient, Error, HostPolicy, LeadsQuery, LocalRateLimiter, OAuthClient, OAuthConfig,
    SecretString, StaticToken, TokenPair,
};
use futures_util::TryStreamExt;
use secrecy::ExposeSecret;
use serde_json::json;
use tokio::time::Instant;
use wiremock::matchers::{body_json, header, method, path, query_param};
use wiremock::{Mock, ResponseTemplate};

use crate::support::{Harness, fixture, host_for, policy_for};

#[allow(dead_code)]
#[path = "../../examples/search_contacts.rs"]
mod search_contacts;

#[allow(dead_code)]
#[path = "../../examples/create_deal.rs"]
mod create_deal;

#[allow(dead_code)]
#[path = "../../examples/stream_leads.rs"]
mod stream_leads;

#[allow(dead_code)]
#[path = "../../examples/oauth_token_store.rs"]
mod oauth_token_store;

fn strings(items: &[&str]) -> Vec<String> {
    items.iter().map(|s| (*s).to_owned()).collect()
}

#[tokio::test]
async fn searching_phones_keeps_only_contacts_whose_stored_number_has_the_same_digits() {
    // Arrange
    let harness = Harness::start().await;
    Mock::given(method("GET"))
        .and(path("/api/v4/contacts"))
        .and(query_param("query", "9161234567"))
        .respond_with(harness.hal(fixture!("contacts_search_phone.json")))
        .expect(1)
        .mount(&harness.server)
        .await;
    Mock::given(method("GET"))
        .and(path("/api/v4/contacts"))
        .and(query_param("query", "9160000000"))
        .respond_with(ResponseTemplate::new(204))
        .expect(1)
        .mount(&harness.server)
        .await;

    // Act
    let matches = search_contacts::run(
        &harness.client,
        &strings(&["+7 (916) 123-45-67", "8 916 000-00-00"]),
    )
    .await;

    // Assert
    let matches = matches.expect("both searches succeed");
    assert_eq!(matches[0].phone, "+7 (916) 123-45-67");
    let ids: Vec<i64> = matches[0].contacts.iter().map(|c| c.id).collect();
    assert_eq!(ids, [3001], "the hit on another field is not a phone match");
    assert_eq!(matches[1].phone, "8 916 000-00-00");
    assert!(matches[1].contacts.is_empty(), "a 204 is no contact");
}

#[tokio::test]
async fn a_phone_with_too_few_digits_is_refused_before_anything_is_sent() {
    // Arrange
    let harness = Harness::start().await;

    // Act
    let result = search_contacts::run(&harness.client, &strings(&["12-3"])).await;

    // Assert
    assert!(
        matches!(result, Err(Error::InvalidArgument(_))),
        "{result:?}"
    );
}

#[tokio::test(start_paused = true)]
async fn searching_nine_phones_at_once_waits_for_the_rate_limiters_next_window() {
    // Arrange
    let harness = Harness::start().await;
    Mock::given(method("GET"))
        .and(path("/api/v4/contacts"))
        .respond_with(ResponseTemplate::new(204))
        .expect(9)
        .mount(&harness.server)
        .await;
    // Under a paused clock a pending timer fires as soon as the runtime idles on network I/O, so
    // this client has no request timeout and no idle timer in its pool.
    let http = reqwest::Client::builder()
        .pool_idle_timeout(None)
        .build()
        .unwrap();
    let client = AmoClient::builder(host_for(&harness.server), Arc::new(StaticToken::new("t")))
        .http_client(http)
        .rate_limiter(Arc::new(LocalRateLimiter::amocrm_default()))
        .no_timeout()
        .build();
    let phones: Vec<String> = (0..9).map(|i| format!("+7 916 000-00-0{i}")).collect();
    let began = Instant::now();

    // Act
    let matches = search_contacts::run(&client, &phones).await;

    // Assert
    assert_eq!(matches.expect("every search succeeds").len(), 9);
    let took = began.elapsed();
    assert!(
        took >= Duration::from_secs(1),
        "7 searches go at once, the 8th and 9th wait a full second; took {took:?}"
    );
    assert!(
        took < Duration::from_secs(2),
        "one extra window is enough; took {took:?}"
    );
}

#[test]
fn deal_arguments_become_the_documented_lead_body_with_typed_field_values() {
    // Act
    let lead = create_deal::parse_args(&strings(&[
        "Website order",
        "5000",
        "701=enum:7101,7102",
        "702=12.5",
        "703=Call after 5 pm",
        "704=true",
        "--contact",
        "3001",
        "--pipeline",
        "3001000",
        "--status",
        "40001",
    ]));

    // Assert
    let lead = lead.expect("the arguments are valid");
    assert_eq!(
        serde_json::to_value(&lead).unwrap(),
        json!({
            "name": "Website order",
            "price": 5000,
            "status_id": 40001,
            "pipeline_id": 3001000,
            "custom_fields_values": [
                {"field_id": 701, "values": [{"enum_id": 7101}, {"enum_id": 7102}]},
                {"field_id": 702, "values": [{"value": 12.5}]},
                {"field_id": 703, "values": [{"value": "Call after 5 pm"}]},
                {"field_id": 704, "values": [{"value": true}]}
            ],
            "_embedded": {"contacts": [{"id": 3001, "is_main": true}]}
        })
    );
}

#[test]
fn deal_arguments_that_are_not_numbers_where_ids_belong_are_refused_with_the_reason() {
    assert!(create_deal::parse_args(&strings(&["Deal"])).is_err());
    assert!(create_deal::parse_args(&strings(&["Deal", "cheap"])).is_err());
    assert!(create_deal::parse_args(&strings(&["Deal", "1", "x=1"])).is_err());
    assert!(create_deal::parse_args(&strings(&["Deal", "1", "701"])).is_err());
    assert!(create_deal::parse_args(&strings(&["Deal", "1", "701=enum:a"])).is_err());
    assert!(create_deal::parse_args(&strings(&["Deal", "1", "--contact"])).is_err());
}

#[tokio::test]
async fn creating_a_deal_posts_its_custom_fields_and_returns_the_new_id() {
    // Arrange
    let harness = Harness::start().await;
    Mock::given(method("POST"))
        .and(path("/api/v4/leads"))
        .and(body_json(json!([{
            "name": "Website order",
            "price": 5000,
            "custom_fields_values": [
                {"field_id": 701, "values": [{"enum_id": 7101}]},
                {"field_id": 703, "values": [{"value": "Call after 5 pm"}]}
            ],
            "_embedded": {"contacts": [{"id": 3001, "is_main": true}]},
            "request_id": "deal-1"
        }])))
        .respond_with(harness.hal(fixture!("leads_created.json")))
        .expect(1)
        .mount(&harness.server)
        .await;
    let mut lead = create_deal::parse_args(&strings(&[
        "Website order",
        "5000",
        "701=enum:7101",
        "703=Call after 5 pm",
        "--contact",
        "3001",
    ]))
    .unwrap();
    lead.request_id = Some("deal-1".to_owned());

    // Act
    let created = create_deal::run(&harness.client, lead).await;

    // Assert
    let created = created.expect("the deal is created");
    assert_eq!(created.id, 7101);
    assert_eq!(created.request_id.as_deref(), Some("deal-1"));
}

/// Mounts the two lead pages of the fixtures, each expected `page2_calls` / once.
async fn mount_lead_pages(harness: &Harness, page2_calls: u64) {
    Mock::given(method("GET"))
        .and(path("/api/v4/leads"))
        .and(query_param("page", "1"))
        .and(query_param("limit", "250"))
        .respond_with(harness.hal(fixture!("leads_page1.json")))
        .expect(1)
        .mount(&harness.server)
        .await;
    Mock::given(method("GET"))
        .and(path("/api/v4/leads"))
        .and(query_param("page", "2"))
        .and(query_param("limit", "250"))
        .respond_with(harness.hal(fixture!("leads_page2.json")))
        .expect(page2_calls)
        .mount(&harness.server)
        .await;
}

#[tokio::test]
async fn streaming_leads_fetches_page_after_page_until_no_next_page_is_linked() {
    // Arrange
    let harness = Harness::start().await;
    mount_lead_pages(&harness, 1).await;
    let mut ids = Vec::new();

    // Act
    let total = stream_leads::run(&harness.client, LeadsQuery::default(), |lead| {
        ids.push(lead.id)
    })
    .await;

    // Assert
    assert_eq!(total.expect("every page is read"), 3);
    assert_eq!(ids, [7001, 7002, 7003]);
}

#[tokio::test]
async fn a_lead_stream_dropped_after_the_first_page_asks_for_no_other_page() {
    // Arrange
    let harness = Harness::start().await;
    mount_lead_pages(&harness, 0).await;

    // Act
    let first = {
        let pages = stream_leads::lead_pages(&harness.client, LeadsQuery::default());
        let mut pages = std::pin::pin!(pages);
        pages.try_next().await
    };

    // Assert
    let first = first.expect("the first page is read").expect("a page");
    assert_eq!(first.items.len(), 2);
    assert!(first.next.is_some(), "amoCRM linked a next page");
}

#[tokio::test]
async fn an_empty_lead_list_ends_the_stream_after_one_request() {
    // Arrange
    let harness = Harness::start().await;
    Mock::given(method("GET"))
        .and(path("/api/v4/leads"))
        .respond_with(ResponseTemplate::new(204))
        .expect(1)
        .mount(&harness.server)
        .await;

    // Act
    let total = stream_leads::run(&harness.client, LeadsQuery::default(), |_| {}).await;

    // Assert
    assert_eq!(total.expect("no leads is not an error"), 0);
}

fn oauth_client() -> OAuthClient {
    OAuthClient::new(
        OAuthConfig::new(
            "client-uuid",
            "client-secret",
            "https://integration.example/oauth",
        ),
        reqwest::Client::new(),
    )
}

/// A path in a fresh private directory, removed with its contents on drop.
struct TempFile {
    _dir: testkit::TempDir,
    path: std::path::PathBuf,
}

impl TempFile {
    fn new() -> TempFile {
        let dir = testkit::TempDir::new("amocrm-example");
        let path = dir.path().join("tokens.json");
        TempFile { _dir: dir, path }
    }
}
#[tokio::test]
async fn the_code_exchange_stores_the_tokens_in_a_file_only_its_owner_can_read() {
    // Arrange
    let harness = Harness::start().await;
    Mock::given(method("POST"))
        .and(path("/oauth2/access_token"))
        .and(body_json(json!({
            "client_id": "client-uuid",
            "client_secret": "client-secret",
            "grant_type": "authorization_code",
            "code": "code-1",
            "redirect_uri": "https://integration.example/oauth"
        })))
        .respond_with(ResponseTemplate::new(200).set_body_string(fixture!("token.json")))
        .expect(1)
        .mount(&harness.server)
        .await;
    let file = TempFile::new();

    // Act
    let store = oauth_token_store::exchange(
        &oauth_client(),
        host_for(&harness.server),
        "code-1",
        &file.path,
    )
    .await;

    // Assert
    let store = store.expect("the code is exchanged and stored");
    assert!(!format!("{store:?}").contains("new-access-token"));
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let mode = std::fs::metadata(&file.path).unwrap().permissions().mode();
        assert_eq!(mode & 0o777, 0o600);
    }
    let (loaded, tokens) =
        oauth_token_store::FileTokenStore::load(&file.path, &policy_for(&harness.server))
            .expect("the file reads back");
    assert_eq!(loaded.host(), &host_for(&harness.server));
    assert_eq!(tokens.access_token.expose_secret(), "new-access-token");
    assert_eq!(
        tokens.refresh_token.as_ref().map(|t| t.expose_secret()),
        Some("new-refresh-token")
    );
    assert!(!tokens.is_expired(SystemTime::now(), Duration::from_secs(3600)));
}

#[tokio::test]
async fn an_expired_stored_token_is_refreshed_and_the_new_pair_stored_before_the_call() {
    // Arrange
    let harness = Harness::start().await;
    let file = TempFile::new();
    let expired = TokenPair {
        access_token: SecretString::from("old-access-token"),
        refresh_token: Some(SecretString::from("old-refresh-token")),
        expires_at: Some(SystemTime::now() - Duration::from_secs(60)),
        token_type: "Bearer".to_owned(),
    };
    oauth_token_store::FileTokenStore::new(&file.path, host_for(&harness.server))
        .save(&expired)
        .unwrap();
    Mock::given(method("POST"))
        .and(path("/oauth2/access_token"))
        .and(body_json(json!({
            "client_id": "client-uuid",
            "client_secret": "client-secret",
            "grant_type": "refresh_token",
            "refresh_token": "old-refresh-token",
            "redirect_uri": "https://integration.example/oauth"
        })))
        .respond_with(ResponseTemplate::new(200).set_body_string(fixture!("token.json")))
        .expect(1)
        .mount(&harness.server)
        .await;
    Mock::given(method("GET"))
        .and(path("/api/v4/account"))
        .and(header("authorization", "Bearer new-access-token"))
        .respond_with(harness.hal(fixture!("account.json")))
        .expect(1)
        .mount(&harness.server)
        .await;
    let policy: HostPolicy = policy_for(&harness.server);

    // Act
    let client = oauth_token_store::client(oauth_client(), &file.path, &policy)
        .expect("the stored tokens load");
    let account = client.account().get(&[]).await;

    // Assert
    assert_eq!(account.expect("the call succeeds").name, "Hogwarts Trading");
    let (_, stored) = oauth_token_store::FileTokenStore::load(&file.path, &policy).unwrap();
    assert_eq!(stored.access_token.expose_secret(), "new-access-token");
    assert_eq!(
        stored.refresh_token.as_ref().map(|t| t.expose_secret()),
        Some("new-refresh-token")
    );
}
