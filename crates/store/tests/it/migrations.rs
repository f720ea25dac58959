//! Upgrades: a database left at schema version 1 is migrated with its data intact, a database newer than this
//! binary is refused, and processes starting together on one SQLite file migrate it once.

use domain::store::{ConnectionId, ConnectionStatus, FieldChoices, Store};
use store::{SqlStore, StoreOptions};

use crate::harness::{TempDir, test_key};

/// The schema-1 database with data, as SQL both backends accept.
const SCHEMA_V1: &str = include_str!("../../../../fixtures/store/schema_v1.sql");
const FIXTURE_CONNECTION: &str = "2f1c8a44-5d0b-4f0e-9a57-3c1f6f0b9e21";

/// A place for a database: a temporary SQLite file, or a fresh PostgreSQL schema (dropped at the end).
enum Place {
    Sqlite(TempDir),
    Postgres(String),
}

impl Place {
    fn sqlite() -> Place {
        Place::Sqlite(TempDir::new("migrations"))
    }

    /// A fresh schema on the local PostgreSQL; `None` (with a loud message) when it is not reachable.
    async fn postgres() -> Option<Place> {
        let url = testkit::pg_url();
        if let Err(e) = sqlx::PgPool::connect(&url).await {
            return testkit::unavailable("PostgreSQL", &url, &e);
        }
        Some(Place::Postgres(format!(
            "store_migrations_{}",
            uuid::Uuid::new_v4().simple()
        )))
    }

    fn url(&self) -> String {
        match self {
            Place::Sqlite(dir) => format!("sqlite://{}/store.db", dir.path().display()),
            Place::Postgres(_) => testkit::pg_url(),
        }
    }

    fn options(&self) -> StoreOptions {
        match self {
            Place::Sqlite(_) => StoreOptions::default(),
            Place::Postgres(schema) => StoreOptions {
                encryption_key: Some(test_key()),
                pg_schema: Some(schema.clone()),
                max_connections: Some(2),
                ..StoreOptions::default()
            },
        }
    }

    async fn open(&self) -> Result<SqlStore, store::Error> {
        SqlStore::open(&self.url(), self.options()).await
    }

    /// Runs `sql` (several statements) directly on the database, behind the store's back.
    async fn execute(&self, sql: &str) {
        match self {
            Place::Sqlite(_) => {
                let options: sqlx::sqlite::SqliteConnectOptions =
                    self.url().parse().expect("a SQLite URL");
                let pool = sqlx::SqlitePool::connect_with(options.create_if_missing(true))
                    .await
                    .expect("SQLite opens");
                sqlx::raw_sql(sql).execute(&pool).await.expect("SQL runs");
                pool.close().await;
            }
            Place::Postgres(schema) => {
                let pool = sqlx::PgPool::connect(&self.url())
                    .await
                    .expect("PostgreSQL");
                sqlx::query(&format!("CREATE SCHEMA IF NOT EXISTS \"{schema}\""))
                    .execute(&pool)
                    .await
                    .expect("schema created");
                let mut tx = pool.begin().await.expect("a transaction");
                sqlx::query(&format!("SET LOCAL search_path TO \"{schema}\""))
                    .execute(&mut *tx)
                    .await
                    .expect("search path set");
                sqlx::raw_sql(sql)
                    .execute(&mut *tx)
                    .await
                    .expect("SQL runs");
                tx.commit().await.expect("committed");
                pool.close().await;
            }
        }
    }

    async fn cleanup(self) {
        if let Place::Postgres(schema) = &self {
            let pool = sqlx::PgPool::connect(&self.url())
                .await
                .expect("PostgreSQL");
            sqlx::query(&format!("DROP SCHEMA IF EXISTS \"{schema}\" CASCADE"))
                .execute(&pool)
                .await
                .expect("schema dropped");
            pool.close().await;
        }
    }
}

async fn upgrades_schema_one_with_its_data_intact(place: Place) {
    place.execute(SCHEMA_V1).await;

    let store = place.open().await.expect("a schema-1 database opens");

    let id = ConnectionId::parse(FIXTURE_CONNECTION).unwrap();
    let connection = store
        .get_connection(id)
        .await
        .unwrap()
        .expect("the connection survives the upgrade");
    assert_eq!(connection.usedesk_account, "usedesk-account-hash-v1");
    assert_eq!(connection.amo_host, "fixture.amocrm.ru");
    assert_eq!(connection.status, ConnectionStatus::NeedsLogin);
    assert_eq!(connection.token_version, 3);
    assert_eq!(store.get_link(id, 501).await.unwrap(), Some(9001));
    assert_eq!(store.get_link(id, 502).await.unwrap(), Some(9002));
    assert_eq!(
        store.get_field_choices(id).await.unwrap(),
        Some(FieldChoices {
            list: vec!["price".parse().unwrap(), "cf:701".parse().unwrap()],
            card: vec!["cf:702".parse().unwrap()],
        })
    );
    let audit = store.list_audit(id, 10).await.unwrap();
    assert_eq!(audit.len(), 1);
    assert_eq!(audit[0].target, "contact:9001");
    assert!(
        !store.consume_nonce("nonce-1", 4_102_444_800).await.unwrap(),
        "a nonce used before the upgrade stays used"
    );
    store.close().await;
    let reopened = place.open().await.expect("the upgraded database reopens");
    reopened.close().await;
    place.cleanup().await;
}

async fn refuses_a_database_newer_than_the_binary(place: Place) {
    let store = place.open().await.expect("a new database opens");
    store.close().await;
    let newer = store::schema_version() + 1;
    place
        .execute(&format!(
            "INSERT INTO schema_migrations (version, applied_at) VALUES ({newer}, 0)"
        ))
        .await;

    let refused = place.open().await.expect_err("a newer database is refused");

    assert!(
        matches!(refused, store::Error::SchemaTooNew { found, known } if found == newer && known == newer - 1),
        "{refused:?}"
    );
    let message = refused.to_string();
    assert!(
        message.contains(&format!("schema version {newer}"))
            && message.contains(&format!("knows up to {}", newer - 1))
            && message.contains("upgrade the binary or restore a backup"),
        "{message}"
    );
    place.cleanup().await;
}

#[tokio::test]
async fn a_sqlite_database_at_schema_one_is_upgraded_with_its_data_intact() {
    upgrades_schema_one_with_its_data_intact(Place::sqlite()).await;
}

#[tokio::test]
async fn a_postgres_database_at_schema_one_is_upgraded_with_its_data_intact() {
    let Some(place) = Place::postgres().await else {
        return;
    };
    upgrades_schema_one_with_its_data_intact(place).await;
}

#[tokio::test]
async fn a_sqlite_database_newer_than_the_binary_is_refused_naming_both_versions() {
    refuses_a_database_newer_than_the_binary(Place::sqlite()).await;
}

#[tokio::test]
async fn a_postgres_database_newer_than_the_binary_is_refused_naming_both_versions() {
    let Some(place) = Place::postgres().await else {
        return;
    };
    refuses_a_database_newer_than_the_binary(place).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn stores_opening_one_new_sqlite_file_at_once_migrate_it_exactly_once() {
    let place = Place::sqlite();
    let url = place.url();

    let open = || SqlStore::open(&url, StoreOptions::default());

    // Concurrent on one task is enough: each SQLite connection works, and waits for locks, on its own thread.
    let (a, b, c, d) = tokio::join!(open(), open(), open(), open());

    for store in [a, b, c, d] {
        store.expect("every store opens").close().await;
    }
    let pool = sqlx::SqlitePool::connect(&url).await.unwrap();
    let versions: Vec<i64> = sqlx::query_scalar("SELECT version FROM schema_migrations")
        .fetch_all(&pool)
        .await
        .unwrap();
    // Each migration recorded once, up to the last one (numbers may skip one that another branch owns).
    let mut unique = versions.clone();
    unique.dedup();
    assert_eq!(unique, versions, "each migration is recorded once");
    assert!(versions.is_sorted(), "{versions:?}");
    assert_eq!(versions.first(), Some(&1));
    assert_eq!(versions.last(), Some(&store::schema_version()));
    pool.close().await;
}
