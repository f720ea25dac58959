//! The consent form, read from the real sandbox's consent page.

use bench::html::first_form;
use sandbox::{Sandbox, SandboxConfig};

#[tokio::test]
async fn the_sandbox_consent_page_yields_its_form_with_every_hidden_field() {
    // Arrange
    let sandbox = Sandbox::start(SandboxConfig {
        redirect_uri: Some("http://127.0.0.1:9/oauth/callback".into()),
        ..SandboxConfig::default()
    })
    .await
    .unwrap();
    let mut url = sandbox.authorize_url();
    url.query_pairs_mut()
        .append_pair("client_id", "sandbox-client-id")
        .append_pair("state", "a&b\"c")
        .append_pair("mode", "post_message");
    let page = reqwest::Client::builder()
        .no_proxy()
        .build()
        .unwrap()
        .get(url)
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();

    // Act
    let form = first_form(&page).expect("a form");

    // Assert
    assert_eq!(form.action, "/oauth/decision");
    let field = |name: &str| {
        form.fields
            .iter()
            .find(|(k, _)| k == name)
            .map(|(_, v)| v.as_str())
    };
    assert_eq!(field("client_id"), Some("sandbox-client-id"));
    assert_eq!(field("state"), Some("a&b\"c"));
    assert_eq!(
        field("redirect_uri"),
        Some("http://127.0.0.1:9/oauth/callback")
    );
    assert_eq!(field("mode"), Some("post_message"));
    sandbox.shutdown().await;
}
