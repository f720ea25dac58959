//! Opening a [`SqlStore`]: the URL picks the backend; the data directory and SQLite files are made private; the
//! token key is loaded (or, for SQLite only, created); then the migrations run.

use std::path::{Path, PathBuf};
use std::str::FromStr;
use std::sync::Arc;
use std::time::Duration;

use sqlx::postgres::{PgConnectOptions, PgPoolOptions};
use sqlx::sqlite::{SqliteConnectOptions, SqliteJournalMode, SqlitePoolOptions, SqliteSynchronous};

use super::{Backend, SqlStore};
use crate::crypto::{TokenCipher, TokenKey};
use crate::{Error, StoreOptions};

impl SqlStore {
    /// Opens and migrates the database at `url` (`sqlite://…` or `postgres://…`).
    pub async fn open(url: &str, options: StoreOptions) -> Result<Self, Error> {
        let (backend, key_file) = if let Some(rest) = url
            .strip_prefix("sqlite://")
            .or_else(|| url.strip_prefix("sqlite:"))
        {
            let path = rest.split('?').next().unwrap_or(rest);
            if path.is_empty() || path == ":memory:" {
                return Err(Error::UnsupportedUrl(url.to_owned()));
            }
            open_sqlite(path, &options).await?
        } else if url.starts_with("postgres://") || url.starts_with("postgresql://") {
            (
                open_postgres(url, &options).await?,
                options.key_file.clone(),
            )
        } else {
            return Err(Error::UnsupportedUrl(url.to_owned()));
        };
        let cipher = token_cipher(&options, key_file)?;
        crate::migrate::run(&backend).await?;
        Ok(Self {
            backend,
            cipher,
            refresh_locks: Arc::default(),
        })
    }
}

/// Opens the SQLite file at `path`, private to its owner; returns the pool and where its generated key lives.
async fn open_sqlite(
    path: &str,
    options: &StoreOptions,
) -> Result<(Backend, Option<PathBuf>), Error> {
    if let Some(dir) = Path::new(path)
        .parent()
        .filter(|d| !d.as_os_str().is_empty())
    {
        create_private_dir(dir)?;
    }
    restrict_database_files(Path::new(path))?;
    let connect = SqliteConnectOptions::from_str(&format!("sqlite://{path}"))?
        .create_if_missing(true)
        .journal_mode(SqliteJournalMode::Wal)
        .synchronous(SqliteSynchronous::Normal)
        .busy_timeout(Duration::from_secs(10))
        .foreign_keys(true);
    // An embedded file has no network connection to lose: skip sqlx's ping before every use.
    let pool = SqlitePoolOptions::new()
        .test_before_acquire(false)
        .max_connections(options.max_connections.unwrap_or(4))
        .connect_with(connect)
        .await?;
    let key_file = options
        .key_file
        .clone()
        .unwrap_or_else(|| TokenKey::default_path_beside(Path::new(path)));
    Ok((Backend::Sqlite(pool), Some(key_file)))
}

/// Opens the PostgreSQL pool at `url`, in `options.pg_schema` when one is named (created when missing).
async fn open_postgres(url: &str, options: &StoreOptions) -> Result<Backend, Error> {
    let mut connect = PgConnectOptions::from_str(url)?;
    if let Some(schema) = &options.pg_schema {
        connect = connect.options([("search_path", schema.as_str())]);
        // The schema must exist before a pooled connection can use it.
        let admin = PgPoolOptions::new()
            .max_connections(1)
            .connect_with(PgConnectOptions::from_str(url)?)
            .await?;
        sqlx::query(&format!(
            "CREATE SCHEMA IF NOT EXISTS \"{}\"",
            schema.replace('"', "")
        ))
        .execute(&admin)
        .await?;
        admin.close().await;
    }
    let pool = PgPoolOptions::new()
        .max_connections(options.max_connections.unwrap_or(8))
        .acquire_timeout(Duration::from_secs(10))
        .connect_with(connect)
        .await?;
    Ok(Backend::Postgres(pool))
}

/// The cipher from the configured key, or else the key file (SQLite only), plus the older keys still read.
fn token_cipher(options: &StoreOptions, key_file: Option<PathBuf>) -> Result<TokenCipher, Error> {
    let primary = match (&options.encryption_key, key_file) {
        (Some(text), _) => TokenKey::from_base64(text)?,
        (None, Some(path)) => TokenKey::load_or_create(&path)?,
        (None, None) => {
            return Err(Error::Key(
                "PostgreSQL needs token_encryption_key in the config, shared by every replica"
                    .into(),
            ));
        }
    };
    let older = options
        .old_encryption_keys
        .iter()
        .map(TokenKey::from_base64)
        .collect::<Result<Vec<_>, _>>()?;
    Ok(TokenCipher::new(primary, older))
}

/// Creates the data directory, readable by its owner only (0700 on Unix; directories above it that already
/// exist are left as they are).
fn create_private_dir(dir: &Path) -> Result<(), Error> {
    crate::create_private_dir(dir)
        .map_err(|e| Error::Key(format!("cannot create {}: {e}", dir.display())))
}

/// Makes the SQLite file (created empty when missing) and its `-wal` and `-shm` companions readable by their
/// owner only (0600 on Unix). SQLite gives the companions it creates the main file's permissions, so a new
/// database starts private; an existing one from an earlier version is tightened here.
fn restrict_database_files(path: &Path) -> Result<(), Error> {
    #[cfg(unix)]
    {
        use std::os::unix::fs::{OpenOptionsExt as _, PermissionsExt as _};
        let cannot =
            |e: std::io::Error| Error::Key(format!("cannot protect {}: {e}", path.display()));
        std::fs::OpenOptions::new()
            .create(true)
            .append(true)
            .mode(0o600)
            .open(path)
            .map_err(cannot)?;
        for suffix in ["", "-wal", "-shm", "-journal"] {
            let file = PathBuf::from(format!("{}{suffix}", path.display()));
            if file.exists() {
                std::fs::set_permissions(&file, std::fs::Permissions::from_mode(0o600))
                    .map_err(cannot)?;
            }
        }
    }
    #[cfg(not(unix))]
    let _ = path;
    Ok(())
}
