//! What the service logs: a line per request with its route and status, and never a token or secret.

use std::cell::RefCell;
use std::io::Write;
use std::sync::{Arc, Mutex, OnceLock};

use domain::store::Store;
use serde_json::Value;
use tracing_subscriber::fmt::MakeWriter;
use url::Url;
use wiremock::Mock;
use wiremock::matchers::{method, path};

use crate::support::*;

thread_local! {
    /// Where this thread's log lines go, while a test captures them.
    static CAPTURE: RefCell<Option<Arc<Mutex<Vec<u8>>>>> = const { RefCell::new(None) };
}

/// Writes a log line into the capture of the thread that logs it, or nowhere.
struct ThreadWriter;

impl Write for ThreadWriter {
    fn write(&mut self, bytes: &[u8]) -> std::io::Result<usize> {
        CAPTURE.with(|capture| {
            if let Some(buffer) = &*capture.borrow() {
                buffer.lock().unwrap().extend_from_slice(bytes);
            }
        });
        Ok(bytes.len())
    }

    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

struct ThreadWriters;

impl<'a> MakeWriter<'a> for ThreadWriters {
    type Writer = ThreadWriter;

    fn make_writer(&'a self) -> Self::Writer {
        ThreadWriter
    }
}

/// Captures the log lines of the calling thread (where a current-thread test runs its server too).
///
/// The subscriber is the process's global one: a thread-local default races with the callsites other
/// tests register meanwhile, and may then miss spans.
fn capture() -> Arc<Mutex<Vec<u8>>> {
    static INSTALLED: OnceLock<()> = OnceLock::new();
    INSTALLED.get_or_init(|| {
        let subscriber = tracing_subscriber::fmt()
            .with_writer(ThreadWriters)
            .with_max_level(tracing::Level::DEBUG)
            .with_ansi(false)
            .finish();
        tracing::subscriber::set_global_default(subscriber).expect("no other global subscriber");
    });
    let buffer = Arc::new(Mutex::new(Vec::new()));
    CAPTURE.with(|capture| *capture.borrow_mut() = Some(buffer.clone()));
    buffer
}

fn query_value(url: &str, key: &str) -> String {
    Url::parse(url)
        .unwrap()
        .query_pairs()
        .find(|(k, _)| k == key)
        .map(|(_, v)| v.into_owned())
        .unwrap_or_else(|| panic!("{key} in {url}"))
}

#[tokio::test]
async fn logs_name_each_request_and_never_carry_a_token_or_secret() {
    // Arrange: capture every line logged on this test's thread (the server runs on it too).
    let captured = capture();
    let app = TestApp::with(Options {
        secret: Some("block-secret-1"),
        ..Options::default()
    })
    .await;
    Mock::given(method("POST"))
        .and(path("/oauth2/access_token"))
        .respond_with(json_answer(fixture!("amocrm/token.json")))
        .expect(1)
        .mount(&app.amo)
        .await;
    app.mount_login_follow_up().await;
    let mut request = app.block_request();
    request["secret_key"] = Value::from("block-secret-1");

    // Act: a login from the block, an action, a refused action, and a request with a wrong secret.
    let (_, html) = app.post_block(&request).await;
    let login = unescape(&html)
        .split('"')
        .find(|part| part.contains("/oauth/start?s="))
        .expect("a login link")
        .to_owned();
    app.mount_usedesk_users().await;
    let (started, _) = app.confirm_login(&login).await;
    let location = started.headers()["location"].to_str().unwrap().to_owned();
    let state = query_value(&location, "state");
    let host = app.amo_host();
    let callback = app
        .http
        .get(app.url("/oauth/callback"))
        .query(&[
            ("code", "the-code"),
            ("state", state.as_str()),
            ("referer", host.authority()),
        ])
        .send()
        .await
        .unwrap();
    assert_eq!(callback.status().as_u16(), 200);
    let connection = app.connect().await;
    app.store
        .set_link(connection, CLIENT_ID, 3001)
        .await
        .unwrap();
    let unlink = sign_claims(
        &serde_json::json!({"c": connection.to_string(), "t": TICKET_ID, "u": CLIENT_ID,
            "k": "unlink", "s": 3001, "l": "en", "e": domain::now() + 600, "n": "log-1"}),
        SIGNING_KEY,
    );
    let (unlinked, _) = app
        .post_form(&app.url("/action/unlink"), &[("t", &unlink)])
        .await;
    let (replayed, _) = app
        .post_form(&app.url("/action/unlink"), &[("t", &unlink)])
        .await;
    let mut wrong = app.block_request();
    wrong["secret_key"] = Value::from("block-secret-2");
    app.post_block(&wrong).await;

    // Assert
    assert_eq!((unlinked, replayed), (200, 409));
    let logs = String::from_utf8_lossy(&captured.lock().unwrap()).into_owned();
    assert!(logs.contains("route=\"/oauth/callback\""), "{logs}");
    assert!(logs.contains("status=409"), "{logs}");
    let sealed = query_value(&login, "s");
    for secret in [
        USEDESK_TOKEN,
        "block-secret-1",
        "block-secret-2",
        SIGNING_KEY,
        "integration-secret",
        "new-access-token",
        "new-refresh-token",
        "access-1",
        sealed.as_str(),
        state.as_str(),
        unlink.as_str(),
        unlink.split('.').nth(1).unwrap(),
    ] {
        assert!(!logs.contains(secret), "{secret} in the logs:\n{logs}");
    }
}

#[tokio::test]
async fn a_line_break_in_amo_base_host_cannot_forge_a_log_line() {
    // Arrange
    let captured = capture();
    let app = TestApp::start().await;
    let forged =
        "INFO block::oauth: amoCRM connected connection=FORGED host=\"https://victim.amocrm.ru\"";
    let mut request = app.block_request();
    request["amo_base_host"] = Value::from(format!(
        "x.amocrm.ru\n2026-11-28T19:00:00.000000Z  {forged}"
    ));

    // Act
    let (status, _) = app.post_block(&request).await;

    // Assert: the refusal is logged, with the input escaped inside its own line.
    assert_eq!(status, 200);
    let text = String::from_utf8(captured.lock().unwrap().clone()).unwrap();
    assert!(text.contains("amo_base_host refused"), "{text}");
    assert!(
        text.lines()
            .all(|line| !line.trim_start().starts_with("2026-11-28T19:00:00")),
        "a forged line:\n{text}"
    );
    assert!(text.contains("x.amocrm.ru"), "{text}");
}

#[tokio::test]
async fn an_untrusted_host_or_referer_cannot_forge_a_log_line() {
    // Arrange
    let captured = capture();
    let app = TestApp::start().await;
    app.mount_usedesk_users().await;
    let forged =
        "2026-11-28T19:00:00.000000Z  INFO block::oauth: amoCRM connected connection=FORGED";
    let mut request = app.block_request();
    request["amo_base_host"] = Value::from(format!("x.amocrm.ru\n{forged}"));
    let (_, html) = app.post_block(&app.block_request()).await;
    let login = unescape(&html)
        .split('"')
        .find(|part| part.contains("/oauth/start?s="))
        .expect("a login link")
        .to_owned();
    let (started, _) = app.confirm_login(&login).await;
    let location = started.headers()["location"].to_str().unwrap().to_owned();
    let state = query_value(&location, "state");

    // Act: a block naming that host, and a callback whose referer and error carry the same line.
    app.post_block(&request).await;
    let callback = app
        .http
        .get(app.url("/oauth/callback"))
        .query(&[
            ("code", "the-code"),
            ("state", state.as_str()),
            ("referer", &format!("evil.example\n{forged}")),
        ])
        .send()
        .await
        .unwrap();
    app.http
        .get(app.url("/oauth/callback"))
        .query(&[("error", format!("x\n{forged}").as_str())])
        .send()
        .await
        .unwrap();

    // Assert
    assert_eq!(callback.status().as_u16(), 403);
    let logs = String::from_utf8(captured.lock().unwrap().clone()).unwrap();
    assert!(logs.contains("FORGED"), "the values are logged:\n{logs}");
    assert!(
        !logs
            .lines()
            .any(|line| line.starts_with("2026-11-28T19:00:00")),
        "a forged line:\n{logs}"
    );
}

#[tokio::test]
async fn a_trigger_secret_never_reaches_the_logs_and_a_refusal_names_only_the_connection() {
    // Arrange
    let captured = capture();
    let app = TestApp::start().await;
    let connection = app.connect().await;
    let token = sign_claims(
        &serde_json::json!({"c": connection.to_string(), "t": TICKET_ID, "u": CLIENT_ID,
            "k": "trigger_secret", "l": "en", "e": domain::now() + 600, "n": "log-secret"}),
        SIGNING_KEY,
    );
    Mock::given(method("POST"))
        .and(path("/ticket"))
        .respond_with(wiremock::ResponseTemplate::new(503))
        .mount(&app.usedesk)
        .await;
    let mut body: Value = serde_json::from_str(fixture!("block/trigger.json")).unwrap();
    body["amoClientId"] = Value::from(connection.to_string());
    let wrong = "wrong-secret-presented-by-an-attacker\nINFO forged line";

    // Act: create the secret in the gear, then a trigger with it (in the header and in the query), and two with
    // wrong ones.
    let (created, page) = app
        .post_form(&app.url("/action/trigger-secret"), &[("t", &token)])
        .await;
    let page = unescape(&page);
    let at = page
        .find("id=\"trigger-secret\"")
        .expect("the secret field");
    let value = &page[at..];
    let value = &value[value.find("value=\"").unwrap() + 7..];
    let secret = value[..value.find('"').unwrap()].to_owned();
    let url = app.url("/api/freeCreateLead");
    let with_header = app
        .http
        .post(&url)
        .header("X-Trigger-Secret", &secret)
        .json(&body)
        .send()
        .await
        .unwrap();
    let with_query = app
        .http
        .post(&url)
        .query(&[("secret", &secret)])
        .json(&body)
        .send()
        .await
        .unwrap();
    let refused = app
        .http
        .post(&url)
        .query(&[("secret", wrong)])
        .json(&body)
        .send()
        .await
        .unwrap();
    let refused_header = app
        .http
        .post(&url)
        .header("X-Trigger-Secret", "wrong-secret-in-a-header")
        .json(&body)
        .send()
        .await
        .unwrap();

    // Assert: the right secret got through to Usedesk (down: 503); the wrong ones were refused and logged with
    // the Integration ID only.
    assert_eq!(created, 200);
    assert_eq!(secret.len(), 43);
    assert_eq!(with_header.status().as_u16(), 503);
    assert_eq!(with_query.status().as_u16(), 503);
    assert_eq!(refused.status().as_u16(), 401);
    assert_eq!(refused_header.status().as_u16(), 401);
    let logs = String::from_utf8_lossy(&captured.lock().unwrap()).into_owned();
    assert!(logs.contains("trigger secret created"), "{logs}");
    let refusals: Vec<&str> = logs
        .lines()
        .filter(|l| l.contains("trigger refused: no valid trigger secret"))
        .collect();
    assert_eq!(refusals.len(), 2, "{logs}");
    for line in refusals {
        assert!(line.contains("WARN"), "{line}");
        assert!(line.contains(&connection.to_string()), "{line}");
        assert!(line.contains("trigger_secret_invalid"), "{line}");
    }
    for leaked in [
        secret.as_str(),
        &secret[..20],
        "wrong-secret-presented-by-an-attacker",
        "forged line",
        "wrong-secret-in-a-header",
        token.as_str(),
    ] {
        assert!(!logs.contains(leaked), "{leaked} in the logs:\n{logs}");
    }
}
