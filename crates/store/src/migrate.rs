//! Versioned migrations, one set for both backends.
//!
//! Each migration runs in a transaction together with the row that records it. On PostgreSQL an advisory
//! lock serialises replicas that start at the same moment; SQLite takes its write lock with the transaction.

use crate::Error;
use crate::sql::Backend;

/// The migrations, in order. Append only; never edit one that has shipped.
const MIGRATIONS: &[(i64, &str)] = &[
    (1, include_str!("../migrations/0001_init.sql")),
    (2, include_str!("../migrations/0002_trigger_secret.sql")),
];

/// An arbitrary constant that names our migration lock among other advisory locks.
const PG_MIGRATION_LOCK: i64 = 0x7573_6564_616d_6f01;

const CREATE_TABLE: &str = "CREATE TABLE IF NOT EXISTS schema_migrations (version BIGINT PRIMARY KEY, applied_at BIGINT NOT NULL)";

/// Applies every migration not yet applied.
pub(crate) async fn run(backend: &Backend) -> Result<(), Error> {
    match backend {
        Backend::Sqlite(pool) => {
            sqlx::query(CREATE_TABLE).execute(pool).await?;
            for &(version, sql) in MIGRATIONS {
                let mut tx = pool.begin().await?;
                let applied: Option<i64> =
                    sqlx::query_scalar("SELECT version FROM schema_migrations WHERE version = $1")
                        .bind(version)
                        .fetch_optional(&mut *tx)
                        .await?;
                if applied.is_some() {
                    continue;
                }
                for statement in statements(sql) {
                    sqlx::query(&statement)
                        .execute(&mut *tx)
                        .await
                        .map_err(|e| failed(version, &e))?;
                }
                record(version, &mut *tx).await?;
                tx.commit().await?;
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
                for &(version, sql) in MIGRATIONS {
                    let applied: Option<i64> = sqlx::query_scalar(
                        "SELECT version FROM schema_migrations WHERE version = $1",
                    )
                    .bind(version)
                    .fetch_optional(&mut *conn)
                    .await?;
                    if applied.is_some() {
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
