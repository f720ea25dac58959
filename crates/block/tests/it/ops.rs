//! Operations: health, readiness, metrics, token refresh through the store, graceful shutdown.

use std::sync::Mutex;

use domain::store::Store;
use secrecy::ExposeSecret;
use tokio::sync::oneshot;
use wiremock::matchers::{header, method, path};
use wiremock::{Mock, Request, Respond, ResponseTemplate};

use crate::support::*;

#[tokio::test]
async fn healthz_answers_ok() {
    // Arrange
    let app = TestApp::start().await;

    // Act
    let response = app.http.get(app.url("/healthz")).send().await.unwrap();

    // Assert
    assert_eq!(response.status().as_u16(), 200);
    assert_eq!(response.text().await.unwrap(), "ok");
}

#[tokio::test]
async fn readyz_follows_the_store() {
    // Arrange
    let app = TestApp::start().await;
    let ready = app.http.get(app.url("/readyz")).send().await.unwrap();

    // Act
    app.store.close().await;
    let closed = app.http.get(app.url("/readyz")).send().await.unwrap();

    // Assert
    assert_eq!(ready.status().as_u16(), 200);
    assert_eq!(closed.status().as_u16(), 503);
}

#[tokio::test]
async fn metrics_show_renders_upstream_calls_and_requests() {
    // Arrange
    let app = TestApp::start().await;
    app.connect().await;
    app.mount_one_contact().await;
    app.post_block(&app.block_request()).await;

    // Act
    let response = app.http.get(app.url("/metrics")).send().await.unwrap();
    let text = response.text().await.unwrap();

    // Assert
    for series in [
        "usedesk_amocrm_block_render_seconds_count{outcome=\"ready\"} 1",
        "usedesk_amocrm_http_requests_total{route=\"/api/\",status=\"200\"} 1",
        "usedesk_amocrm_upstream_calls_total{endpoint=\"GET /api/v4/account\",status=\"200\"} 1",
        "usedesk_amocrm_upstream_call_seconds_count{endpoint=\"GET /api/v4/contacts\"} 2",
        "usedesk_amocrm_limiter_waits_total 0",
        "usedesk_amocrm_token_refreshes_total{outcome=\"ok\"} 0",
    ] {
        assert!(text.contains(series), "{series} in:\n{text}");
    }
}

#[tokio::test]
async fn a_refused_access_token_is_refreshed_once_stored_and_counted() {
    // Arrange: amoCRM refuses the stored token and accepts the refreshed one.
    let app = TestApp::start().await;
    let connection = app.connect().await;
    Mock::given(header("authorization", "Bearer access-1"))
        .respond_with(ResponseTemplate::new(401).set_body_raw(
            fixture!("amocrm/unauthorized_401.json"),
            "application/problem+json",
        ))
        .with_priority(1)
        .mount(&app.amo)
        .await;
    Mock::given(method("POST"))
        .and(path("/oauth2/access_token"))
        .respond_with(json_answer(fixture!("amocrm/token.json")))
        .expect(1)
        .mount(&app.amo)
        .await;
    for (route, body) in [
        ("/api/v4/account", fixture!("amocrm/account.json")),
        ("/api/v4/leads/pipelines", fixture!("amocrm/pipelines.json")),
        ("/api/v4/users", fixture!("amocrm/users.json")),
    ] {
        Mock::given(method("GET"))
            .and(path(route))
            .and(header("authorization", "Bearer new-access-token"))
            .respond_with(hal(body))
            .mount(&app.amo)
            .await;
    }
    Mock::given(method("GET"))
        .and(path("/api/v4/contacts"))
        .and(header("authorization", "Bearer new-access-token"))
        .respond_with(ResponseTemplate::new(204))
        .mount(&app.amo)
        .await;

    // Act
    let (status, html) = app.post_block(&app.block_request()).await;
    let metrics = app
        .http
        .get(app.url("/metrics"))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();

    // Assert
    assert_eq!(status, 200);
    assert_shows(&html, &t(i18n::Lang::En, "state-no-contact"));
    let stored = app.store.get_connection(connection).await.unwrap().unwrap();
    let access = stored.tokens.expect("tokens").access_token;
    assert_eq!(
        access.expose_secret(),
        "new-access-token",
        "the rotated pair is stored"
    );
    assert!(
        metrics.contains("usedesk_amocrm_token_refreshes_total{outcome=\"ok\"} 1"),
        "{metrics}"
    );
}

/// Answers after the test lets it, and says when the request arrived.
struct Gate {
    arrived: Mutex<Option<oneshot::Sender<()>>>,
    release: Mutex<Option<std::sync::mpsc::Receiver<()>>>,
}

impl Respond for Gate {
    fn respond(&self, _: &Request) -> ResponseTemplate {
        if let Some(arrived) = self.arrived.lock().unwrap().take() {
            let _ = arrived.send(());
        }
        if let Some(release) = self.release.lock().unwrap().take() {
            let _ = release.recv();
        }
        ResponseTemplate::new(204)
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn shutdown_finishes_the_request_in_flight() {
    // Arrange: a render whose contact search is held until the shutdown has begun.
    let mut app = TestApp::start().await;
    app.connect().await;
    app.mount_metadata().await;
    let (arrived_tx, arrived_rx) = oneshot::channel();
    let (release_tx, release_rx) = std::sync::mpsc::channel();
    Mock::given(method("GET"))
        .and(path("/api/v4/contacts"))
        .respond_with(Gate {
            arrived: Mutex::new(Some(arrived_tx)),
            release: Mutex::new(Some(release_rx)),
        })
        .mount(&app.amo)
        .await;
    let request = app
        .http
        .post(app.url("/api/"))
        .json(&app.block_request())
        .send();
    let in_flight = tokio::spawn(request);
    arrived_rx.await.expect("the render reached amoCRM");

    // Act: stop while the request waits; once the listener is closed, let amoCRM answer.
    app.begin_stop();
    while tokio::net::TcpStream::connect(app.addr()).await.is_ok() {
        tokio::task::yield_now().await;
    }
    release_tx.send(()).unwrap();
    let response = in_flight.await.unwrap().expect("the request is answered");
    app.stopped().await;

    // Assert
    assert_eq!(response.status().as_u16(), 200);
    let (_, html) = block_html(response).await;
    assert_shows(&html, &t(i18n::Lang::En, "state-no-contact"));
}
