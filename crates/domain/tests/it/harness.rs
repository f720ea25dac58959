//! A domain wired to wiremock stand-ins for amoCRM and Usedesk and to a SQLite (or PostgreSQL) store.

use std::sync::Arc;
use std::time::Duration;

use amocrm::{HostPolicy, LocalRateLimiter, OAuthConfig};
use domain::store::{Connection, Store, StoredTokens};
use domain::{Dependencies, Domain, DomainConfig};
use secrecy::SecretString;
use wiremock::matchers::{method, path, query_param};
use wiremock::{Mock, MockServer, ResponseTemplate};

pub const USEDESK_TOKEN: &str = "usedesk-api-token-1";

/// A fixture file's text.
pub fn fixture(name: &str) -> String {
    let path = format!(
        "{}/../../fixtures/domain/{name}",
        env!("CARGO_MANIFEST_DIR")
    );
    std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("fixture {path}: {e}"))
}

pub fn json(name: &str) -> ResponseTemplate {
    ResponseTemplate::new(200)
        .insert_header("content-type", "application/hal+json")
        .set_body_string(fixture(name))
}

pub struct World {
    pub amo: MockServer,
    pub usedesk: MockServer,
    pub store: Arc<dyn Store>,
    pub domain: Domain,
    pub connection: Connection,
    _dir: Option<testkit::TempDir>,
}

pub fn config(amo: &MockServer, usedesk: &MockServer) -> DomainConfig {
    DomainConfig {
        host_policy: HostPolicy::with_extra_allowed(vec![amo.uri()]),
        oauth: Some(OAuthConfig::new(
            "client-id".to_owned(),
            SecretString::from("client-secret".to_owned()),
            "https://service.example/oauth/callback".to_owned(),
        )),
        usedesk_base: usedesk.uri().parse().unwrap(),
        render_deadline: Duration::from_secs(5),
        request_timeout: Duration::from_secs(5),
        ..DomainConfig::default()
    }
}

pub fn domain_over(store: Arc<dyn Store>, config: DomainConfig) -> Domain {
    Domain::new(
        config,
        Dependencies {
            store,
            http: reqwest::Client::new(),
            limiter: Arc::new(LocalRateLimiter::new(1000, Duration::from_secs(1))),
            call_observer: None,
            refresh_observer: None,
        },
    )
}

pub fn tokens(access: &str, expires_at: i64) -> StoredTokens {
    StoredTokens {
        access_token: SecretString::from(access.to_owned()),
        refresh_token: Some(SecretString::from("old-refresh".to_owned())),
        expires_at: Some(expires_at),
    }
}

pub fn usedesk_token() -> SecretString {
    SecretString::from(USEDESK_TOKEN.to_owned())
}

/// Fails readably on any request no test expected.
pub async fn catch_all(server: &MockServer) {
    Mock::given(wiremock::matchers::any())
        .respond_with(|req: &wiremock::Request| {
            ResponseTemplate::new(599)
                .set_body_string(format!("unexpected request: {} {}", req.method, req.url))
        })
        .with_priority(u8::MAX)
        .mount(server)
        .await;
}

impl World {
    /// A world with a connection whose access token `access` expires at `expires_at`, with `tweak` applied to the config.
    pub async fn with(
        access: &str,
        expires_at: i64,
        tweak: impl FnOnce(&mut DomainConfig),
    ) -> World {
        let amo = MockServer::start().await;
        let usedesk = MockServer::start().await;
        catch_all(&amo).await;
        catch_all(&usedesk).await;
        let dir = testkit::TempDir::new("domain");
        let url = format!("sqlite://{}/store.db", dir.path().display());
        let store = store::open(&url, store::StoreOptions::default())
            .await
            .unwrap();
        let mut config = config(&amo, &usedesk);
        tweak(&mut config);
        let domain = domain_over(store.clone(), config);
        let host = domain.parse_host(&amo.uri()).unwrap();
        let connection = store
            .save_login(
                &Domain::usedesk_account(&usedesk_token()),
                host.as_str(),
                &tokens(access, expires_at),
                Some(&usedesk_token()),
            )
            .await
            .unwrap();
        World {
            amo,
            usedesk,
            store,
            domain,
            connection,
            _dir: Some(dir),
        }
    }

    pub async fn new() -> World {
        Self::with("good-access", 4_000_000_000, |_| {}).await
    }

    /// How many of the requests amoCRM received so far `keep` keeps.
    pub async fn count_requests(&self, keep: impl Fn(&wiremock::Request) -> bool) -> usize {
        self.amo
            .received_requests()
            .await
            .unwrap_or_default()
            .iter()
            .filter(|r| keep(r))
            .count()
    }

    pub fn host(&self) -> amocrm::AccountHost {
        self.domain.parse_host(&self.amo.uri()).unwrap()
    }

    /// Mounts account, pipelines, users and lead custom fields.
    pub async fn mount_metadata(&self) {
        mount_metadata_on(&self.amo).await;
    }

    /// Mounts contact 3001 (Harry, without a company), which a new deal for him reads for its company.
    pub async fn mount_contact_3001(&self) {
        Mock::given(method("GET"))
            .and(path("/api/v4/contacts/3001"))
            .respond_with(json("contact_3001.json"))
            .mount(&self.amo)
            .await;
    }

    /// Mounts Harry's searches (phone and e-mail) and the leads batch; open tasks, none unless a test mounts them.
    pub async fn mount_harry(&self) {
        Mock::given(method("GET"))
            .and(path("/api/v4/tasks"))
            .respond_with(ResponseTemplate::new(204))
            .with_priority(10)
            .mount(&self.amo)
            .await;
        Mock::given(method("GET"))
            .and(path("/api/v4/contacts"))
            .and(query_param("query", "9161234567"))
            .respond_with(json("contacts_by_phone.json"))
            .mount(&self.amo)
            .await;
        Mock::given(method("GET"))
            .and(path("/api/v4/contacts"))
            .and(query_param("query", "harry.potter@hogwarts.example"))
            .respond_with(json("contacts_by_email.json"))
            .mount(&self.amo)
            .await;
        Mock::given(method("GET"))
            .and(path("/api/v4/leads"))
            .respond_with(json("leads.json"))
            .mount(&self.amo)
            .await;
    }

    pub fn harry(&self, client_id: i64) -> domain::BlockInput {
        domain::BlockInput {
            usedesk_token: usedesk_token(),
            host: self.host(),
            client: domain::model::TicketClient {
                ticket_id: Some(1002),
                client_id: Some(client_id),
                name: Some("Harry Potter".into()),
                phones: vec!["8 (916) 123-45-67".into()],
                emails: vec![" HARRY.POTTER@hogwarts.example ".into()],
            },
        }
    }

    pub fn ctx(&self) -> domain::ActionContext {
        domain::ActionContext {
            connection_id: self.connection.id,
            ticket_id: Some(1002),
            client_id: Some(55),
            actor: "agent".into(),
            lang: i18n::Lang::En,
            time_zone: None,
            agent: None,
        }
    }
}

/// Two store handles (two "replicas") on one fresh PostgreSQL schema; `None` with a loud message when PostgreSQL is
/// not reachable, unless `CI` or `REQUIRE_SERVICES` is set, when that is a failure.
pub struct PgPair {
    pub a: Arc<dyn Store>,
    pub b: Arc<dyn Store>,
    url: String,
    schema: String,
}

pub async fn postgres_pair() -> Option<PgPair> {
    let url = testkit::pg_url();
    let schema = format!("domain_test_{}", uuid::Uuid::new_v4().simple());
    let options = || store::StoreOptions {
        encryption_key: Some(SecretString::from(
            "MDEyMzQ1Njc4OWFiY2RlZjAxMjM0NTY3ODlhYmNkZWY=".to_owned(),
        )),
        pg_schema: Some(schema.clone()),
        max_connections: Some(4),
        ..store::StoreOptions::default()
    };
    let a = match store::open(&url, options()).await {
        Ok(a) => a,
        Err(e) => return testkit::unavailable("PostgreSQL", &url, &e),
    };
    let b = store::open(&url, options()).await.expect("second replica");
    Some(PgPair { a, b, url, schema })
}

impl PgPair {
    /// Drops the test's schema.
    pub async fn cleanup(self) {
        drop((self.a, self.b));
        let pool = sqlx::PgPool::connect(&self.url)
            .await
            .expect("admin connection");
        sqlx::query(&format!(
            "DROP SCHEMA IF EXISTS \"{}\" CASCADE",
            self.schema
        ))
        .execute(&pool)
        .await
        .expect("drop schema");
    }
}

/// Mounts account, pipelines, users and lead custom fields on `amo`.
pub async fn mount_metadata_on(amo: &MockServer) {
    for (p, file) in [
        ("/api/v4/account", "account.json"),
        ("/api/v4/leads/pipelines", "pipelines.json"),
        ("/api/v4/users", "users.json"),
        ("/api/v4/leads/custom_fields", "lead_fields.json"),
    ] {
        Mock::given(method("GET"))
            .and(path(p))
            .respond_with(json(file))
            .mount(amo)
            .await;
    }
}
