//! Consistent copies of a live SQLite database, and putting one back.
//!
//! A backup is made by SQLite itself (`VACUUM INTO`): it reads one snapshot inside a read transaction, so the
//! service keeps serving — and writing — while it runs, and the copy is a complete database as of one moment,
//! never a file copied halfway through a write. A restore goes the other way only on a database nobody has
//! open: it first asks SQLite for the exclusive lock that leaving WAL mode needs, which fails while any other
//! process holds the database open.

use std::path::{Path, PathBuf};
use std::str::FromStr as _;
use std::time::Duration;

use sqlx::sqlite::SqliteConnectOptions;
use sqlx::{ConnectOptions as _, Connection as _, SqliteConnection};

use crate::Error;
use crate::sql::{Backend, SqlStore};

/// What a backup or restore found in the database it copied.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct Copied {
    /// The copy's schema version (its last applied migration).
    pub schema_version: i64,
    /// How many connections (Usedesk account, amoCRM account) the copy holds.
    pub connections: i64,
}

fn failed(what: impl std::fmt::Display) -> Error {
    Error::Backup(what.to_string())
}

async fn connect(path: &Path, read_only: bool) -> Result<SqliteConnection, Error> {
    let options = SqliteConnectOptions::from_str(&format!("sqlite://{}", path.display()))?
        .create_if_missing(false)
        .read_only(read_only)
        .busy_timeout(Duration::from_secs(10));
    options
        .connect()
        .await
        .map_err(|e| failed(format!("cannot open {}: {e}", path.display())))
}

async fn describe(conn: &mut SqliteConnection) -> Result<Copied, Error> {
    let schema_version: Option<i64> =
        sqlx::query_scalar("SELECT MAX(version) FROM schema_migrations")
            .fetch_one(&mut *conn)
            .await?;
    let connections: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM connections")
        .fetch_one(&mut *conn)
        .await?;
    Ok(Copied {
        schema_version: schema_version.unwrap_or(0),
        connections,
    })
}

/// Writes a consistent copy of the database through `conn` into `dest`, which must not exist yet; the copy is
/// made readable by its owner only.
async fn vacuum_into(conn: &mut SqliteConnection, dest: &Path) -> Result<Copied, Error> {
    if dest.exists() {
        return Err(failed(format!(
            "{} exists already; choose a new place",
            dest.display()
        )));
    }
    let copied = describe(conn).await?;
    sqlx::query("VACUUM INTO $1")
        .bind(dest.display().to_string())
        .execute(&mut *conn)
        .await
        .map_err(|e| failed(format!("copying into {}: {e}", dest.display())))?;
    private_file(dest)?;
    Ok(copied)
}

#[cfg(unix)]
fn private_file(path: &Path) -> Result<(), Error> {
    use std::os::unix::fs::PermissionsExt as _;
    std::fs::set_permissions(path, std::fs::Permissions::from_mode(0o600))
        .map_err(|e| failed(format!("cannot protect {}: {e}", path.display())))
}

#[cfg(not(unix))]
fn private_file(_: &Path) -> Result<(), Error> {
    Ok(())
}

impl SqlStore {
    /// Writes a consistent copy of this SQLite database into the file `dest` (which must not exist), while the
    /// store keeps serving. PostgreSQL is refused: back it up with `pg_dump`.
    pub async fn backup_to(&self, dest: &Path) -> Result<Copied, Error> {
        let Backend::Sqlite(pool) = &self.backend else {
            return Err(failed(
                "the database is PostgreSQL: back it up with pg_dump (docs/setup.md)",
            ));
        };
        let mut conn = pool.acquire().await?;
        vacuum_into(&mut conn, dest).await
    }
}

/// Writes a consistent copy of the SQLite database file `database` into `dest` (which must not exist), without
/// migrating it or disturbing the service that has it open.
pub async fn backup_sqlite(database: &Path, dest: &Path) -> Result<Copied, Error> {
    if !database.exists() {
        return Err(failed(format!(
            "there is no database at {}",
            database.display()
        )));
    }
    // Read-write although it only reads: a read-only connection could leave behind the `-wal` and `-shm` files
    // it had to create for a stopped service, owned by whoever ran the backup (root) and unusable by the
    // service; the last read-write connection to close removes them.
    let mut conn = connect(database, false).await?;
    let copied = vacuum_into(&mut conn, dest).await;
    conn.close().await?;
    copied
}

/// Puts the backup file `backup` in place as the SQLite database `target`. Refuses when `target` exists unless
/// `force`, and always when another process has `target` open (a running service). Returns what the restored
/// database holds; migrating it to this binary's schema is left to the next start (or `migrate`).
pub async fn restore_sqlite(backup: &Path, target: &Path, force: bool) -> Result<Copied, Error> {
    let mut source = connect(backup, true).await?;
    let check: String = sqlx::query_scalar("PRAGMA integrity_check")
        .fetch_one(&mut source)
        .await?;
    if check != "ok" {
        return Err(failed(format!(
            "{} is damaged ({check}); nothing was changed",
            backup.display()
        )));
    }
    let copied = describe(&mut source).await?;
    if copied.schema_version > crate::schema_version() {
        return Err(Error::SchemaTooNew {
            found: copied.schema_version,
            known: crate::schema_version(),
        });
    }
    if target.exists() {
        if !force {
            return Err(failed(format!(
                "{} exists; stop the service and pass --force to replace it",
                target.display()
            )));
        }
        refuse_in_use(target).await?;
    }
    if let Some(dir) = target.parent().filter(|d| !d.as_os_str().is_empty()) {
        crate::create_private_dir(dir)
            .map_err(|e| failed(format!("cannot create {}: {e}", dir.display())))?;
    }
    // Copied by SQLite beside the target, then renamed over it: the target is never half written.
    let staging = PathBuf::from(format!("{}.restoring", target.display()));
    let _ = std::fs::remove_file(&staging);
    let written = vacuum_into(&mut source, &staging).await;
    source.close().await?;
    written?;
    forget_limiter_handoff(&staging).await?;
    for suffix in ["-wal", "-shm", "-journal"] {
        let _ = std::fs::remove_file(format!("{}{suffix}", target.display()));
    }
    std::fs::rename(&staging, target)
        .map_err(|e| failed(format!("cannot move the copy to {}: {e}", target.display())))?;
    Ok(copied)
}

/// Deletes a limiter handoff the copy may hold (a backup of a stopped service): it describes the last second of a
/// process long gone, and would tell the next start that nothing was sent since.
async fn forget_limiter_handoff(path: &Path) -> Result<(), Error> {
    let mut conn = connect(path, false).await?;
    let table: Option<String> = sqlx::query_scalar(
        "SELECT name FROM sqlite_master WHERE type = 'table' AND name = 'limiter_handoffs'",
    )
    .fetch_optional(&mut conn)
    .await?;
    if table.is_some() {
        sqlx::query("DELETE FROM limiter_handoffs")
            .execute(&mut conn)
            .await?;
    }
    conn.close().await?;
    Ok(())
}

/// Fails when another process has the SQLite database `path` open. Leaving WAL mode needs the database to
/// itself; when nobody else has it open this also folds the write-ahead log into the file.
async fn refuse_in_use(path: &Path) -> Result<(), Error> {
    let options = SqliteConnectOptions::from_str(&format!("sqlite://{}", path.display()))?
        .create_if_missing(false)
        .busy_timeout(Duration::ZERO);
    let mut conn = options
        .connect()
        .await
        .map_err(|e| failed(format!("cannot open {}: {e}", path.display())))?;
    let mode = sqlx::query_scalar::<_, String>("PRAGMA journal_mode = DELETE")
        .fetch_one(&mut conn)
        .await;
    conn.close().await?;
    match mode {
        Ok(mode) if mode.eq_ignore_ascii_case("delete") => Ok(()),
        _ => Err(failed(format!(
            "{} is in use by another process: stop the service first",
            path.display()
        ))),
    }
}
