//! A started sandbox with an HTTP client and a valid token, plus shortcuts for requests.

use reqwest::{Client, Response, StatusCode};
use sandbox::{Sandbox, SandboxConfig};
use serde_json::Value;

/// A running sandbox, an HTTP client and a long-lived token for the API.
pub struct Harness {
    pub sandbox: Sandbox,
    pub http: Client,
    pub token: String,
}

impl Harness {
    /// A seeded sandbox without the built-in rate limit, so tests can make as many calls as they need.
    pub async fn start() -> Self {
        Self::with(SandboxConfig {
            enforce_rate_limit: false,
            ..SandboxConfig::default()
        })
        .await
    }

    /// A sandbox started with `config`.
    pub async fn with(config: SandboxConfig) -> Self {
        let sandbox = Sandbox::start(config)
            .await
            .expect("the sandbox starts on free loopback ports");
        let token = sandbox.issue_long_lived_token();
        let http = Client::builder()
            .redirect(reqwest::redirect::Policy::none())
            .build()
            .expect("a reqwest client builds");
        Self {
            sandbox,
            http,
            token,
        }
    }

    /// An absolute URL on the amoCRM listener.
    pub fn amo(&self, path_and_query: &str) -> String {
        format!(
            "{}{}",
            self.sandbox.amocrm_url().as_str().trim_end_matches('/'),
            path_and_query
        )
    }

    /// An absolute URL on the Usedesk listener.
    pub fn usedesk(&self, path: &str) -> String {
        format!(
            "{}{}",
            self.sandbox.usedesk_url().as_str().trim_end_matches('/'),
            path
        )
    }

    /// GET on the amoCRM API with the harness token.
    pub async fn get(&self, path_and_query: &str) -> Response {
        self.http
            .get(self.amo(path_and_query))
            .bearer_auth(&self.token)
            .send()
            .await
            .expect("the sandbox answers")
    }

    /// GET that must answer 200 with HAL JSON; returns the body.
    pub async fn get_ok(&self, path_and_query: &str) -> Value {
        let response = self.get(path_and_query).await;
        assert_eq!(response.status(), StatusCode::OK, "GET {path_and_query}");
        assert_eq!(
            content_type(&response),
            "application/hal+json",
            "GET {path_and_query}"
        );
        response.json().await.expect("a JSON body")
    }

    /// A write with a JSON body and the harness token.
    pub async fn send(&self, method: reqwest::Method, path: &str, body: &Value) -> Response {
        self.http
            .request(method, self.amo(path))
            .bearer_auth(&self.token)
            .json(body)
            .send()
            .await
            .expect("the sandbox answers")
    }

    /// POST with a JSON body.
    pub async fn post(&self, path: &str, body: &Value) -> Response {
        self.send(reqwest::Method::POST, path, body).await
    }

    /// PATCH with a JSON body.
    pub async fn patch(&self, path: &str, body: &Value) -> Response {
        self.send(reqwest::Method::PATCH, path, body).await
    }

    /// A Usedesk API call with a JSON body.
    pub async fn usedesk_call(&self, method: &str, body: &Value) -> Response {
        self.http
            .post(self.usedesk(method))
            .json(body)
            .send()
            .await
            .expect("the sandbox answers")
    }

    /// The ids in `_embedded.<key>` of a list answer, or none for a 204.
    pub async fn ids(&self, path_and_query: &str, key: &str) -> Vec<i64> {
        let response = self.get(path_and_query).await;
        if response.status() == StatusCode::NO_CONTENT {
            return Vec::new();
        }
        assert_eq!(response.status(), StatusCode::OK, "GET {path_and_query}");
        let body: Value = response.json().await.expect("a JSON body");
        embedded_ids(&body, key)
    }
}

/// The ids of `_embedded.<key>`.
pub fn embedded_ids(body: &Value, key: &str) -> Vec<i64> {
    body["_embedded"][key]
        .as_array()
        .unwrap_or_else(|| panic!("_embedded.{key} is an array in {body}"))
        .iter()
        .map(|item| item["id"].as_i64().expect("an integer id"))
        .collect()
}

/// The response's content type without parameters.
pub fn content_type(response: &Response) -> String {
    response
        .headers()
        .get(reqwest::header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .unwrap_or_default()
        .split(';')
        .next()
        .unwrap_or_default()
        .to_owned()
}

/// Percent-encodes a query value.
pub fn enc(value: &str) -> String {
    url::form_urlencoded::byte_serialize(value.as_bytes()).collect()
}
