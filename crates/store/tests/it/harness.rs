//! Opens a fresh store on each backend.
//!
//! PostgreSQL runs against `USEDESK_AMOCRM_TEST_PG_URL` (default `postgres://postgres@127.0.0.1:5432/test`),
//! each test in a schema of its own. When it is unreachable the PostgreSQL half of a test is skipped with a loud
//! message — unless `CI` or `REQUIRE_SERVICES` is set, when that is a failure.

use std::sync::Arc;

use secrecy::SecretString;
use store::{SqlStore, StoreOptions};
pub use testkit::TempDir;
use testkit::pg_url;

/// A test's store plus what it needs to look behind the store's back.
pub struct Fixture {
    pub store: Arc<SqlStore>,
    pub url: String,
    pub schema: Option<String>,
    _dir: Option<TempDir>,
}

pub fn test_key() -> SecretString {
    SecretString::from("MDEyMzQ1Njc4OWFiY2RlZjAxMjM0NTY3ODlhYmNkZWY=".to_owned())
}

pub async fn sqlite() -> Fixture {
    let dir = TempDir::new("store");
    let url = format!("sqlite://{}/store.db", dir.path().display());
    let store = SqlStore::open(&url, StoreOptions::default())
        .await
        .expect("sqlite store opens");
    Fixture {
        store: Arc::new(store),
        url,
        schema: None,
        _dir: Some(dir),
    }
}

/// Opens a PostgreSQL store in a new schema; `None` (with a loud message) when PostgreSQL is not reachable locally.
pub async fn postgres() -> Option<Fixture> {
    let url = pg_url();
    let schema = format!("store_test_{}", uuid::Uuid::new_v4().simple());
    let options = StoreOptions {
        encryption_key: Some(test_key()),
        pg_schema: Some(schema.clone()),
        max_connections: Some(4),
        ..StoreOptions::default()
    };
    match SqlStore::open(&url, options).await {
        Ok(store) => Some(Fixture {
            store: Arc::new(store),
            url,
            schema: Some(schema),
            _dir: None,
        }),
        Err(e) => testkit::unavailable("PostgreSQL", &url, &e),
    }
}

/// Opens a second handle on the same PostgreSQL schema: a second replica.
pub async fn second_replica(fixture: &Fixture) -> Arc<SqlStore> {
    let options = StoreOptions {
        encryption_key: Some(test_key()),
        pg_schema: fixture.schema.clone(),
        max_connections: Some(4),
        ..StoreOptions::default()
    };
    Arc::new(
        SqlStore::open(&fixture.url, options)
            .await
            .expect("second replica opens"),
    )
}

impl Fixture {
    /// Drops the test's schema (PostgreSQL).
    pub async fn cleanup(self) {
        if let Some(schema) = &self.schema {
            self.store.close().await;
            let pool = sqlx::PgPool::connect(&self.url)
                .await
                .expect("admin connection");
            sqlx::query(&format!("DROP SCHEMA IF EXISTS \"{schema}\" CASCADE"))
                .execute(&pool)
                .await
                .expect("drop schema");
        }
    }
}

/// Defines `mod $name { on_sqlite, on_postgres }` running the same body on both backends.
macro_rules! on_both_backends {
    ($name:ident, |$fixture:ident| $body:block) => {
        mod $name {
            #[allow(unused_imports)]
            use super::*;

            async fn run($fixture: &crate::harness::Fixture) $body

            #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
            async fn on_sqlite() {
                let fixture = crate::harness::sqlite().await;
                run(&fixture).await;
                fixture.cleanup().await;
            }

            #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
            async fn on_postgres() {
                let Some(fixture) = crate::harness::postgres().await else { return };
                run(&fixture).await;
                fixture.cleanup().await;
            }
        }
    };
}
pub(crate) use on_both_backends;
