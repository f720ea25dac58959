//! Versioned migrations, one set for both backends.
//!
//! Each migration runs in a transaction together with the row that records it. On PostgreSQL an advisory
//! lock serialises replicas that start at the same moment; on SQLite each migration's transaction starts with
//! `BEGIN IMMEDIATE`, which takes the write lock before the version is read, so two processes starting on one
//! file wait for each other instead of both deciding to apply the same migration.
//!
//! Migrations only go forward. A database whose schema is newer than the last migration this binary knows was
//! upgraded by a newer binary; it is refused rather than used with a schema this code does not understand.

use crate::Error;
use crate::sql::Backend;

/// The migrations, in order. Append only; never edit one that has shipped.
const MIGRATIONS: &[(i64, &str)] = &[
    (1, include_str!("../migrations/0001_init.sql")),
    (2, include_str!("../migrations/0002_trigger_secret.sql")),
    (3, include_str!("../migrations/0003_connection_notices.sql")),
    (4, include_str!("../migrations/0004_metadata_snapshot.sql")),
    (5, include_str!("../migrations/0005_connection_meta.sql")),
    (6, include_str!("../migrations/0006_limiter_handoff.sql")),
];

/// An arbitrary constant that names our migration lock among other advisory locks.
const PG_MIGRATION_LOCK: i64 = 0x7573_6564_616d_6f01;

/// The schema version this binary creates and understands: the last migration it knows.
pub(crate) fn latest() -> i64 {
    MIGRATIONS.last().map_or(0, |&(version, _)| version)
}

const CREATE_TABLE: &str = "CREATE TABLE IF NOT EXISTS schema_migrations (version BIGINT PRIMARY KEY, applied_at BIGINT NOT NULL)";

/// Applies every migration not yet applied.
pub(crate) async fn run(backend: &Backend) -> Result<(), Error> {
    match backend {
        Backend::Sqlite(pool) => {
            let mut conn = pool.acquire().await?;
            sqlx::query(CREATE_TABLE).execute(&mut *conn).await?;
            sqlite::refuse_newer(&mut conn).await?;
            for &(version, sql) in MIGRATIONS {
                // A transaction begun by hand: sqlx's `begin` is SQLite's deferred BEGIN, which takes the write
                // lock only at the first write and then fails at once if another process wrote in between.
                sqlx::query("BEGIN IMMEDIATE").execute(&mut *conn).await?;
                let outcome = async {
                    if sqlite::applied(version, &mut conn).await? {
                        return Ok(());
                    }
                    for statement in statements(sql) {
                        sqlx::query(&statement)
                            .execute(&mut *conn)
                            .await
                            .map_err(|e| failed(version, &e))?;
                    }
                    record(version, &mut *conn).await
                }
                .await;
                if outcome.is_err() {
                    // A failed statement may already have ended the transaction; the failure is what matters.
                    let _ = sqlx::query("ROLLBACK").execute(&mut *conn).await;
                    return outcome;
                }
                sqlx::query("COMMIT").execute(&mut *conn).await?;
            }
        }
        Backend::Postgres(pool) => {
            let mut conn = pool.acquire().await?;
            sqlx::query("SELECT pg_advisory_lock($1)")
                .bind(PG_MIGRATION_LOCK)
                .execute(&mut *conn)
                .await?;
            let outcome = async {
                sqlx::query(CREATE_TABLE).execute(&mut *conn).await?;
                postgres::refuse_newer(&mut conn).await?;
                for &(version, sql) in MIGRATIONS {
                    if postgres::applied(version, &mut conn).await? {
                        continue;
                    }
                    let mut tx = sqlx::Connection::begin(&mut *conn).await?;
                    for statement in statements(sql) {
                        sqlx::query(&statement)
                            .execute(&mut *tx)
                            .await
                            .map_err(|e| failed(version, &e))?;
                    }
                    record(version, &mut *tx).await?;
                    tx.commit().await?;
                }
                Ok::<(), Error>(())
            }
            .await;
            sqlx::query("SELECT pg_advisory_unlock($1)")
                .bind(PG_MIGRATION_LOCK)
                .execute(&mut *conn)
                .await?;
            outcome?;
        }
    }
    Ok(())
}

/// Defines `refuse_newer` and `applied` for one backend's connection type. They are written per backend
/// rather than generic over `Executor`, whose higher-ranked bounds would keep `SqlStore::open`'s future from
/// being `Send`.
macro_rules! version_checks {
    ($module:ident, $connection:ty) => {
        mod $module {
            use crate::Error;

            /// Refuses a database that a newer binary has migrated past what this one knows.
            pub(super) async fn refuse_newer(conn: &mut $connection) -> Result<(), Error> {
                let found: Option<i64> =
                    sqlx::query_scalar("SELECT MAX(version) FROM schema_migrations")
                        .fetch_one(&mut *conn)
                        .await?;
                let known = super::latest();
                match found {
                    Some(found) if found > known => Err(Error::SchemaTooNew { found, known }),
                    _ => Ok(()),
                }
            }

            /// Whether migration `version` has been applied.
            pub(super) async fn applied(
                version: i64,
                conn: &mut $connection,
            ) -> Result<bool, Error> {
                let row: Option<i64> =
                    sqlx::query_scalar("SELECT version FROM schema_migrations WHERE version = $1")
                        .bind(version)
                        .fetch_optional(&mut *conn)
                        .await?;
                Ok(row.is_some())
            }
        }
    };
}
version_checks!(sqlite, sqlx::SqliteConnection);
version_checks!(postgres, sqlx::PgConnection);

async fn record<'c, E>(version: i64, executor: E) -> Result<(), Error>
where
    E: sqlx::Executor<'c>,
    i64: sqlx::Encode<'c, E::Database> + sqlx::Type<E::Database>,
    for<'q> <E::Database as sqlx::Database>::Arguments<'q>: sqlx::IntoArguments<'q, E::Database>,
{
    sqlx::query("INSERT INTO schema_migrations (version, applied_at) VALUES ($1, $2)")
        .bind(version)
        .bind(domain::now())
        .execute(executor)
        .await?;
    Ok(())
}

fn failed(version: i64, error: &sqlx::Error) -> Error {
    Error::Migration {
        version,
        message: error.to_string(),
    }
}

/// Splits a migration file into statements, dropping `--` comment lines first.
/// Our migrations contain no semicolons inside literals.
fn statements(sql: &str) -> Vec<String> {
    let code: String = sql
        .lines()
        .filter(|line| !line.trim_start().starts_with("--"))
        .map(|line| format!("{line}\n"))
        .collect();
    code.split(';')
        .map(str::trim)
        .filter(|s| !s.is_empty())
        .map(str::to_owned)
        .collect()
}
