//! The test harness: the real service bound to 127.0.0.1:0, amoCRM and Usedesk as wiremock servers
//! with catch-alls, a SQLite store in a temporary directory, and helpers to read the block's HTML.

use std::sync::Arc;
use std::time::Duration;

use amocrm::{AccountHost, HostPolicy, LocalRateLimiter, OAuthConfig, RateLimiter};
use base64::Engine as _;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use block::{App, BlockConfig, Metrics};
use domain::store::{ConnectionId, Store, StoredTokens};
use domain::{Dependencies, Domain, DomainConfig};
use hmac::{Hmac, Mac};
use secrecy::SecretString;
use serde_json::Value;
use sha2::Sha256;
use store::{SqlStore, StoreOptions};
use testkit::TempDir;
pub use testkit::html::unescape;
use tokio::net::TcpListener;
use tokio::sync::oneshot;
use tokio::task::JoinHandle;
use url::Url;
use wiremock::matchers::{any, method, path, query_param};
use wiremock::{Mock, MockServer, ResponseTemplate};

/// The contents of a file under `fixtures/`.
macro_rules! fixture {
    ($name:literal) => {
        include_str!(concat!(
            env!("CARGO_MANIFEST_DIR"),
            "/../../fixtures/",
            $name
        ))
    };
}
pub(crate) use fixture;

/// The Usedesk API token of the block requests in the fixtures.
pub const USEDESK_TOKEN: &str = "usedesk-token-1";
/// The signing key of every test app.
pub const SIGNING_KEY: &str = "a-test-signing-key-of-more-than-32-bytes";
/// The phone of the ticket's client, as amoCRM is searched for it.
pub const PHONE_QUERY: &str = "9161234567";
/// The e-mail of the ticket's client, as amoCRM is searched for it.
pub const EMAIL_QUERY: &str = "harry.potter@hogwarts.example";
/// The ticket and client of the block request fixture.
pub const TICKET_ID: i64 = 2265179;
pub const CLIENT_ID: i64 = 261702;

/// What differs between test apps.
pub struct Options {
    pub oauth: bool,
    pub secret: Option<&'static str>,
    pub cors: Vec<String>,
    pub render_deadline: Duration,
    pub render_cache_ttl: Duration,
    pub preview: bool,
    pub default_language: i18n::Lang,
    pub max_body_bytes: usize,
    pub comment_in_ticket: bool,
    /// The rate limiter; by default one loose enough never to delay a test.
    pub limiter: Option<Arc<dyn RateLimiter>>,
    /// The operator's login pins.
    pub login_pins: Vec<domain::LoginPin>,
    /// Adds the mock amoCRM's origin to every pin's hosts.
    pub pin_own_host: bool,
    pub require_trigger_secret: bool,
}

impl Default for Options {
    fn default() -> Self {
        Self {
            oauth: true,
            secret: None,
            cors: Vec::new(),
            render_deadline: Duration::from_secs(10),
            // Each render goes upstream, so tests see exactly the calls they arrange.
            render_cache_ttl: Duration::ZERO,
            preview: false,
            default_language: i18n::Lang::En,
            max_body_bytes: 1024 * 1024,
            comment_in_ticket: false,
            limiter: None,
            login_pins: Vec::new(),
            pin_own_host: false,
            require_trigger_secret: true,
        }
    }
}

/// One running service with its upstreams.
pub struct TestApp {
    /// `http://127.0.0.1:PORT`, without a trailing slash.
    pub base: String,
    pub amo: MockServer,
    pub usedesk: MockServer,
    pub store: Arc<SqlStore>,
    pub http: reqwest::Client,
    pub policy: HostPolicy,
    shutdown: Option<oneshot::Sender<()>>,
    server: Option<JoinHandle<std::io::Result<()>>>,
    _dir: TempDir,
}

/// Answers every request no other mock matched with a readable failure; reaching it fails the test.
async fn mount_catch_all(server: &MockServer, name: &str) {
    Mock::given(any())
        .respond_with(
            ResponseTemplate::new(418)
                .set_body_string(format!("unexpected request to {name}: no mock matches it")),
        )
        .with_priority(u8::MAX)
        .named(format!("catch-all for unexpected {name} requests"))
        .expect(0)
        .mount(server)
        .await;
}

/// A 200 `application/hal+json` answer.
pub fn hal(body: &str) -> ResponseTemplate {
    ResponseTemplate::new(200).set_body_raw(body.to_owned(), "application/hal+json")
}

/// A 200 JSON answer.
pub fn json_answer(body: &str) -> ResponseTemplate {
    ResponseTemplate::new(200).set_body_raw(body.to_owned(), "application/json")
}

impl TestApp {
    pub async fn start() -> Self {
        Self::with(Options::default()).await
    }

    pub async fn with(options: Options) -> Self {
        let amo = MockServer::start().await;
        let usedesk = MockServer::start().await;
        mount_catch_all(&amo, "amoCRM").await;
        mount_catch_all(&usedesk, "Usedesk").await;
        let dir = TempDir::new("block-it");
        let url = format!("sqlite://{}/store.db", dir.path().display());
        let store = Arc::new(
            SqlStore::open(&url, StoreOptions::default())
                .await
                .expect("the SQLite store opens"),
        );
        let listener = TcpListener::bind("127.0.0.1:0").await.expect("a free port");
        let base = format!("http://{}", listener.local_addr().expect("an address"));
        let policy = HostPolicy::with_extra_allowed(vec![amo.uri()]);
        let oauth = options.oauth.then(|| {
            OAuthConfig::new(
                "integration-id",
                SecretString::from("integration-secret"),
                format!("{base}/oauth/callback"),
            )
        });
        let http = reqwest::Client::builder()
            .no_proxy()
            .build()
            .expect("an HTTP client");
        let metrics = Metrics::new();
        let domain = Domain::new(
            DomainConfig {
                host_policy: policy.clone(),
                oauth,
                render_deadline: options.render_deadline,
                render_cache_ttl: options.render_cache_ttl,
                usedesk_base: Url::parse(&usedesk.uri()).expect("the mock's URL"),
                usedesk_comment_on_create: options.comment_in_ticket,
                login_pins: options
                    .login_pins
                    .iter()
                    .cloned()
                    .map(|mut pin| {
                        if options.pin_own_host {
                            pin.amo_hosts.push(amo.uri());
                        }
                        pin
                    })
                    .collect(),
                require_trigger_secret: options.require_trigger_secret,
                ..DomainConfig::default()
            },
            Dependencies {
                store: store.clone(),
                http,
                limiter: options.limiter.clone().unwrap_or_else(|| {
                    Arc::new(LocalRateLimiter::new(1000, Duration::from_secs(1)))
                }),
                call_observer: Some(metrics.clone()),
                refresh_observer: Some(metrics.clone()),
            },
        );
        let mut config = BlockConfig::new(
            Url::parse(&format!("{base}/")).expect("the service's URL"),
            SecretString::from(SIGNING_KEY),
        );
        config.block_secret = options.secret.map(SecretString::from);
        config.cors_origins = options.cors.clone();
        config.default_language = options.default_language;
        config.max_body_bytes = options.max_body_bytes;
        if options.preview {
            config.preview = Some(block::view::Preview {
                api_url: format!("{base}/api/"),
                samples: vec![block::view::PreviewSample {
                    label: "Harry".into(),
                    body: serde_json::from_str(fixture!("block/block_request.json"))
                        .expect("the fixture is JSON"),
                }],
                languages: i18n::Lang::ALL.to_vec(),
                sandbox_url: None,
            });
        }
        config.validate().expect("the test configuration is valid");
        let app = App::new(config, domain, metrics);
        let (tx, rx) = oneshot::channel::<()>();
        let server = tokio::spawn(block::serve(listener, app, async {
            let _ = rx.await;
        }));
        Self {
            base,
            amo,
            usedesk,
            store,
            http: reqwest::Client::builder()
                .no_proxy()
                .redirect(reqwest::redirect::Policy::none())
                .build()
                .expect("an HTTP client"),
            policy,
            shutdown: Some(tx),
            server: Some(server),
            _dir: dir,
        }
    }

    /// The service's address.
    pub fn addr(&self) -> String {
        self.base.trim_start_matches("http://").to_owned()
    }

    /// Asks the service to stop (it finishes what is in flight).
    pub fn begin_stop(&mut self) {
        if let Some(tx) = self.shutdown.take() {
            let _ = tx.send(());
        }
    }

    /// Waits until the service has stopped.
    pub async fn stopped(&mut self) {
        if let Some(server) = self.server.take() {
            server
                .await
                .expect("the server task ends")
                .expect("the server stops cleanly");
        }
    }

    pub fn url(&self, path: &str) -> String {
        format!("{}{path}", self.base)
    }

    /// The amoCRM account of the mock, as the store keeps it.
    pub fn amo_host(&self) -> AccountHost {
        AccountHost::parse(&self.amo.uri(), &self.policy).expect("the mock's origin is allowed")
    }

    /// Stores a working connection for the fixture's Usedesk account, as a finished login would.
    pub async fn connect(&self) -> ConnectionId {
        self.connect_as(USEDESK_TOKEN, "1").await
    }

    /// Stores a working connection for the Usedesk account of `usedesk_token`, with tokens ending in `n`.
    async fn connect_as(&self, usedesk_token: &str, n: &str) -> ConnectionId {
        let token = SecretString::from(usedesk_token);
        let tokens = StoredTokens {
            access_token: SecretString::from(format!("access-{n}")),
            refresh_token: Some(SecretString::from(format!("refresh-{n}"))),
            expires_at: Some(domain::now() + 86_400),
        };
        self.store
            .save_login(
                &Domain::usedesk_account(&token),
                self.amo_host().as_str(),
                &tokens,
                Some(&token),
            )
            .await
            .expect("the connection is saved")
            .id
    }

    /// Gives the connection a new trigger secret, as the gear's button does (the old one stops working); returns it.
    pub async fn trigger_secret(&self, connection: ConnectionId) -> String {
        let secret = domain::trigger_secret::generate().expect("randomness");
        let secret = secrecy::ExposeSecret::expose_secret(&secret).to_owned();
        self.store
            .set_trigger_secret_hash(
                connection,
                &domain::trigger_secret::hash(&secret),
                domain::now(),
            )
            .await
            .expect("the secret is stored");
        secret
    }

    /// Stores a second working connection, of another Usedesk account on the same amoCRM.
    pub async fn connect_other(&self) -> ConnectionId {
        self.connect_as("another-usedesk-token", "2").await
    }

    /// The fixture's block request, pointed at the mock amoCRM.
    pub fn block_request(&self) -> Value {
        let mut body: Value = serde_json::from_str(fixture!("block/block_request.json"))
            .expect("the fixture is JSON");
        body["amo_base_host"] = Value::String(self.amo.uri());
        body
    }

    /// POSTs a JSON block request; the status and the block's HTML.
    pub async fn post_block(&self, body: &Value) -> (u16, String) {
        let response = self
            .http
            .post(self.url("/api/"))
            .json(body)
            .send()
            .await
            .expect("the service answers");
        block_html(response).await
    }

    /// Usedesk's `POST /users`: the agents that name the Usedesk account on the login pages.
    pub async fn mount_usedesk_users(&self) {
        Mock::given(method("POST"))
            .and(path("/users"))
            .respond_with(json_answer(fixture!("usedesk/users.json")))
            .mount(&self.usedesk)
            .await;
    }

    /// Opens a login link as the agent's browser does: the confirmation page (which must answer 200), then its
    /// button. The button's answer (a redirect to amoCRM, or a refusal page) and the confirmation page.
    pub async fn confirm_login(&self, link: &str) -> (reqwest::Response, String) {
        let page = self
            .http
            .get(link)
            .send()
            .await
            .expect("the service answers");
        assert_eq!(page.status().as_u16(), 200, "the confirmation page");
        let page = page.text().await.expect("a page");
        let sealed = form_value(&page, "s").unwrap_or_else(|| panic!("a login form in {page}"));
        let answer = self
            .http
            .post(self.url("/oauth/start"))
            .form(&[("s", sealed.as_str())])
            .send()
            .await
            .expect("the service answers");
        (answer, page)
    }

    /// amoCRM's account metadata: account, pipelines, users and lead fields; and no open tasks, unless a test
    /// mounts some (every block reads them beside its deals).
    pub async fn mount_metadata(&self) {
        self.mount_no_tasks().await;
        self.mount_get("/api/v4/account", fixture!("amocrm/account.json"))
            .await;
        self.mount_get("/api/v4/leads/pipelines", fixture!("amocrm/pipelines.json"))
            .await;
        self.mount_get("/api/v4/users", fixture!("amocrm/users.json"))
            .await;
        self.mount_get(
            "/api/v4/leads/custom_fields",
            fixture!("block/lead_custom_fields.json"),
        )
        .await;
    }

    /// What a login does after the code exchange: reads the account and its users, and subscribes the webhook.
    pub async fn mount_login_follow_up(&self) {
        self.mount_get("/api/v4/account", fixture!("amocrm/account.json"))
            .await;
        self.mount_get("/api/v4/users", fixture!("amocrm/users.json"))
            .await;
        Mock::given(method("POST"))
            .and(path("/api/v4/webhooks"))
            .respond_with(hal(fixture!("amocrm/webhook_created.json")))
            .mount(&self.amo)
            .await;
    }

    /// The note back to the ticket that a contact or deal created from it gets (`notes` is its amoCRM notes
    /// path), with the ticket Usedesk is asked for to quote its subject; each expected `times`.
    pub async fn mount_ticket_note(&self, notes: &str, times: u64) {
        Mock::given(method("POST"))
            .and(path("/ticket"))
            .respond_with(json_answer(fixture!("block/usedesk_ticket.json")))
            .expect(times)
            .mount(&self.usedesk)
            .await;
        Mock::given(method("POST"))
            .and(path(notes))
            .and(wiremock::matchers::body_string_contains("Usedesk ticket #"))
            .respond_with(hal(fixture!("amocrm/notes_created.json")))
            .expect(times)
            .mount(&self.amo)
            .await;
    }

    /// A GET of `route` answered with `body`.
    pub async fn mount_get(&self, route: &str, body: &str) {
        Mock::given(method("GET"))
            .and(path(route))
            .respond_with(hal(body))
            .mount(&self.amo)
            .await;
    }

    /// The contact search for `query` answered with `body` (204 when `None`).
    pub async fn mount_search(&self, query: &str, body: Option<&str>) {
        let answer = match body {
            Some(body) => hal(body),
            None => ResponseTemplate::new(204),
        };
        Mock::given(method("GET"))
            .and(path("/api/v4/contacts"))
            .and(query_param("query", query))
            .respond_with(answer)
            .mount(&self.amo)
            .await;
    }

    /// Harry (3001) with his position and tags, as the deal card reads him: alone (the card opened from the block,
    /// whose link names him) and by id (opened without). Before his plain record, when both are mounted.
    pub async fn mount_card_contact(&self) {
        Mock::given(method("GET"))
            .and(path("/api/v4/contacts/3001"))
            .respond_with(hal(fixture!("block/contact_3001_card.json")))
            .with_priority(1)
            .mount(&self.amo)
            .await;
        Mock::given(method("GET"))
            .and(path("/api/v4/contacts"))
            .and(query_param("filter[id][]", "3001"))
            .respond_with(hal(fixture!("block/contacts_of_card.json")))
            .mount(&self.amo)
            .await;
    }

    /// No open tasks, unless a test mounts some (the block reads them beside the deals).
    pub async fn mount_no_tasks(&self) {
        Mock::given(method("GET"))
            .and(path("/api/v4/tasks"))
            .respond_with(ResponseTemplate::new(204))
            .with_priority(10)
            .mount(&self.amo)
            .await;
    }

    /// Metadata, the client's phone finding Harry (e-mail finding nothing), and his deals; and his own record,
    /// which a new deal for him reads for his company.
    pub async fn mount_one_contact(&self) {
        self.mount_metadata().await;
        self.mount_get("/api/v4/contacts/3001", fixture!("block/contact_3001.json"))
            .await;
        self.mount_search(PHONE_QUERY, Some(fixture!("block/contacts_one.json")))
            .await;
        self.mount_search(EMAIL_QUERY, None).await;
        self.mount_get("/api/v4/leads", fixture!("block/leads_all.json"))
            .await;
    }

    /// Metadata, two contacts (and a near miss) found by phone, and their deals.
    pub async fn mount_many_contacts(&self) {
        self.mount_metadata().await;
        self.mount_search(PHONE_QUERY, Some(fixture!("block/contacts_many.json")))
            .await;
        self.mount_search(EMAIL_QUERY, None).await;
        self.mount_get("/api/v4/leads", fixture!("block/leads_all.json"))
            .await;
    }

    /// Opens a GET page with `t` and extra query pairs; the status and the page.
    pub async fn get_page(&self, url: &str, token: &str, extra: &[(&str, &str)]) -> (u16, String) {
        let mut query = vec![("t", token)];
        query.extend_from_slice(extra);
        let response = self
            .http
            .get(url)
            .query(&query)
            .send()
            .await
            .expect("the service answers");
        let status = response.status().as_u16();
        (status, response.text().await.expect("a text body"))
    }

    /// POSTs a form as a new tab would; the status and the page.
    pub async fn post_form(&self, url: &str, fields: &[(&str, &str)]) -> (u16, String) {
        let response = self
            .http
            .post(url)
            .form(fields)
            .send()
            .await
            .expect("the service answers");
        let status = response.status().as_u16();
        (status, response.text().await.expect("a text body"))
    }

    /// POSTs a form as a new tab would, for an answer that sends the browser on: the status and `Location`.
    pub async fn post_form_see_other(&self, url: &str, fields: &[(&str, &str)]) -> (u16, String) {
        let response = self
            .http
            .post(url)
            .form(fields)
            .send()
            .await
            .expect("the service answers");
        let status = response.status().as_u16();
        let location = response
            .headers()
            .get("location")
            .and_then(|l| l.to_str().ok())
            .unwrap_or_default()
            .to_owned();
        (status, location)
    }

    /// POSTs a form as the block's in-place handler does; the status and the JSON answer.
    pub async fn post_in_place(
        &self,
        url: &str,
        fields: &[(&str, &str)],
        origin: Option<&str>,
    ) -> (u16, Value, reqwest::header::HeaderMap) {
        let mut request = self
            .http
            .post(url)
            .header("Accept", "application/json")
            .form(fields);
        if let Some(origin) = origin {
            request = request.header("Origin", origin);
        }
        let response = request.send().await.expect("the service answers");
        let status = response.status().as_u16();
        let headers = response.headers().clone();
        let body = response.json().await.expect("a JSON body");
        (status, body, headers)
    }
}

impl Drop for TestApp {
    fn drop(&mut self) {
        if let Some(tx) = self.shutdown.take() {
            let _ = tx.send(());
        }
    }
}

/// The status of a block answer and its HTML, checking the answer is `{"html": …}` JSON.
pub async fn block_html(response: reqwest::Response) -> (u16, String) {
    let status = response.status().as_u16();
    let content_type = response
        .headers()
        .get("content-type")
        .and_then(|v| v.to_str().ok())
        .unwrap_or_default()
        .to_owned();
    assert!(
        content_type.starts_with("application/json"),
        "a block answer is JSON, got {content_type}"
    );
    let body: Value = response.json().await.expect("a JSON body");
    let html = body["html"]
        .as_str()
        .unwrap_or_else(|| panic!("the answer has an html string: {body}"))
        .to_owned();
    (status, html)
}

/// HTML with its character references turned back into characters, to read URLs, tokens and text.
/// The key login links are sealed with, derived from `signing_key` as the service derives it.
fn seal_key(signing_key: &str) -> chacha20poly1305::ChaCha20Poly1305 {
    use chacha20poly1305::KeyInit as _;
    let mut mac = <Hmac<Sha256> as Mac>::new_from_slice(signing_key.as_bytes()).unwrap();
    mac.update(b"usedesk-amocrm/block/oauth-seal/v1");
    let key: [u8; 32] = mac.finalize().into_bytes().into();
    chacha20poly1305::ChaCha20Poly1305::new(chacha20poly1305::Key::from_slice(&key))
}

const LOGIN_LINK_AAD: &[u8] = b"usedesk-amocrm/login-link/v1";

/// A login link's sealed context `s` made with the operator's key (to forge what the service would mint).
pub fn seal_login(context: &Value, signing_key: &str) -> String {
    use chacha20poly1305::aead::{Aead as _, Payload};
    let nonce = [7u8; 12];
    let sealed = seal_key(signing_key)
        .encrypt(
            chacha20poly1305::Nonce::from_slice(&nonce),
            Payload {
                msg: context.to_string().as_bytes(),
                aad: LOGIN_LINK_AAD,
            },
        )
        .unwrap();
    URL_SAFE_NO_PAD.encode([nonce.as_slice(), &sealed].concat())
}

/// What a login link's sealed context `s` holds.
pub fn open_login(sealed: &str, signing_key: &str) -> Value {
    use chacha20poly1305::aead::{Aead as _, Payload};
    let bytes = URL_SAFE_NO_PAD.decode(sealed).unwrap();
    let (nonce, sealed) = bytes.split_at(12);
    let plain = seal_key(signing_key)
        .decrypt(
            chacha20poly1305::Nonce::from_slice(nonce),
            Payload {
                msg: sealed,
                aad: LOGIN_LINK_AAD,
            },
        )
        .unwrap();
    serde_json::from_slice(&plain).unwrap()
}

/// The value of the hidden input `name` of a page's form.
pub fn form_value(html: &str, name: &str) -> Option<String> {
    let marker = format!("name=\"{name}\" value=\"");
    let start = html.find(&marker)? + marker.len();
    let value: String = html[start..].chars().take_while(|c| *c != '"').collect();
    Some(unescape(&value))
}

fn token_at(text: &str) -> String {
    text.chars()
        .take_while(|c| c.is_ascii_alphanumeric() || matches!(c, '-' | '_' | '.'))
        .collect()
}

/// Every action token the HTML carries for the service's `url`: in links (`url?t=…`, or `url?…&t=…` after
/// prefilled values) and in forms posting to it (their hidden field `t`).
pub fn tokens_for(html: &str, url: &str) -> Vec<String> {
    let html = unescape(html);
    let mut tokens = Vec::new();
    let link = format!("{url}?");
    for (at, _) in html.match_indices(&link) {
        let query = &html[at + link.len()..];
        let query = &query[..query.find(['"', ' ', '\n']).unwrap_or(query.len())];
        if let Some(t) = query.split('&').find_map(|pair| pair.strip_prefix("t=")) {
            tokens.push(token_at(t));
        }
    }
    // A form posts to the URL itself, or to a place on the page it answers (`…#errors`).
    let action = format!("action=\"{url}");
    for (at, _) in html.match_indices(&action) {
        let rest = &html[at..];
        if !matches!(rest.as_bytes().get(action.len()), Some(b'"' | b'#')) {
            continue;
        }
        let form_end = rest.find("</form>").unwrap_or(rest.len());
        let marker = "name=\"t\" value=\"";
        if let Some(t) = rest[..form_end].find(marker) {
            tokens.push(token_at(&rest[t + marker.len()..]));
        }
    }
    tokens
}

/// The one token the HTML carries for `url`.
pub fn token_for(html: &str, url: &str) -> String {
    let tokens = tokens_for(html, url);
    assert!(!tokens.is_empty(), "no token for {url} in:\n{html}");
    tokens[0].clone()
}

/// The claims of a token, read without checking it (tests look inside; the service never does).
pub fn claims_of(token: &str) -> Value {
    let payload = token.split('.').next().expect("a payload");
    serde_json::from_slice(&URL_SAFE_NO_PAD.decode(payload).expect("base64url"))
        .expect("JSON claims")
}

/// A token with these claims, signed as the service signs (HMAC-SHA256 with the key derived from
/// `signing_key` for action tokens).
pub fn sign_claims(claims: &Value, signing_key: &str) -> String {
    let mut derive =
        <Hmac<Sha256> as Mac>::new_from_slice(signing_key.as_bytes()).expect("any key length");
    derive.update(b"usedesk-amocrm/block/action-token/v1");
    let key = derive.finalize().into_bytes();
    let payload = URL_SAFE_NO_PAD.encode(serde_json::to_vec(claims).expect("JSON"));
    let mut mac = <Hmac<Sha256> as Mac>::new_from_slice(&key).expect("a 32-byte key");
    mac.update(payload.as_bytes());
    format!(
        "{payload}.{}",
        URL_SAFE_NO_PAD.encode(mac.finalize().into_bytes())
    )
}

/// Whether the store has a link for the fixture's client, and to which contact.
pub async fn linked_contact(app: &TestApp, connection: ConnectionId) -> Option<i64> {
    app.store
        .get_link(connection, CLIENT_ID)
        .await
        .expect("the store answers")
}

/// A message in `lang`.
pub fn t(lang: i18n::Lang, id: &str) -> String {
    i18n::Translator::global().t(lang, id)
}

/// A message in `lang` with one variable.
pub fn t1(lang: i18n::Lang, id: &str, name: &str, value: &str) -> String {
    i18n::Translator::global().t_args(lang, id, &[(name, i18n::Arg::from(value))])
}

/// Asserts the HTML shows `text` (compared with the entities decoded).
#[track_caller]
pub fn assert_shows(html: &str, text: &str) {
    assert!(
        unescape(html).contains(text),
        "expected the HTML to show {text:?}:\n{html}"
    );
}

/// Asserts the HTML does not show `text`.
#[track_caller]
pub fn assert_hides(html: &str, text: &str) {
    assert!(
        !unescape(html).contains(text),
        "expected the HTML not to show {text:?}:\n{html}"
    );
}
