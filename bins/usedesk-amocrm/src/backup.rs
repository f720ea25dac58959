//! `backup` and `restore`: the SQLite database (copied consistently by the store, while the service runs) and
//! the key files beside it, into a private directory and back.

use std::path::{Path, PathBuf};

use anyhow::{Context as _, bail};

use crate::config::Config;

/// The database's file name inside a backup directory.
pub const DATABASE_FILE: &str = "usedesk-amocrm.db";

/// The key files kept beside the SQLite database when the config gives no key, and the config key that
/// replaces each.
const KEY_FILES: [(&str, &str); 2] = [
    ("token-encryption.key", "security.token_encryption_key"),
    ("signing.key", "security.signing_key"),
];

const POSTGRES: &str = "the database is PostgreSQL, which this command does not copy: use PostgreSQL's own tools, e.g. \
    `pg_dump --format=custom --file=usedesk-amocrm.dump \"$DATABASE_URL\"` (restore with `pg_restore --clean \
    --if-exists --dbname=\"$DATABASE_URL\" usedesk-amocrm.dump`), and keep security.token_encryption_key and \
    security.signing_key from the configuration with the dump (docs/setup.md, \"Backup and restore\")";

fn key_in_config(config: &Config, file: &str) -> bool {
    match file {
        "token-encryption.key" => config.security.token_encryption_key.is_some(),
        _ => config.security.signing_key.is_some(),
    }
}

fn sqlite_path(config: &Config) -> anyhow::Result<PathBuf> {
    match config.sqlite_path() {
        Some(path) => Ok(path),
        None => bail!("{POSTGRES}"),
    }
}

/// Creates `dir` readable by its owner only; refuses one that exists and is not empty.
fn create_private_dir(dir: &Path) -> anyhow::Result<()> {
    if dir.exists() {
        let empty = std::fs::read_dir(dir)
            .with_context(|| format!("reading {}", dir.display()))?
            .next()
            .is_none();
        if !empty {
            bail!(
                "{} exists and is not empty: back up into a new directory",
                dir.display()
            );
        }
    }
    store::create_private_dir(dir).with_context(|| format!("creating {}", dir.display()))?;
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt as _;
        std::fs::set_permissions(dir, std::fs::Permissions::from_mode(0o700))
            .with_context(|| format!("protecting {}", dir.display()))?;
    }
    Ok(())
}

/// Copies a small file that is written once and never changed (a key) to `to`, readable by its owner only.
/// It goes to a temporary name first, so `to` is never half written.
fn copy_private(from: &Path, to: &Path) -> anyhow::Result<()> {
    let bytes = std::fs::read(from).with_context(|| format!("reading {}", from.display()))?;
    let staging = PathBuf::from(format!("{}.restoring", to.display()));
    let _ = std::fs::remove_file(&staging);
    let mut options = std::fs::OpenOptions::new();
    options.write(true).create_new(true);
    #[cfg(unix)]
    std::os::unix::fs::OpenOptionsExt::mode(&mut options, 0o600);
    let mut file = options
        .open(&staging)
        .with_context(|| format!("creating {}", staging.display()))?;
    std::io::Write::write_all(&mut file, &bytes)
        .and_then(|()| file.sync_all())
        .with_context(|| format!("writing {}", staging.display()))?;
    std::fs::rename(&staging, to).with_context(|| format!("writing {}", to.display()))
}

/// Backs up the configured SQLite database and its key files into the new directory `dir`; returns what it
/// did, one line each, for the operator.
pub async fn backup(config: &Config, dir: &Path) -> anyhow::Result<Vec<String>> {
    let database = sqlite_path(config)?;
    create_private_dir(dir)?;
    let copied = store::backup_sqlite(&database, &dir.join(DATABASE_FILE))
        .await
        .with_context(|| format!("backing up {}", database.display()))?;
    let mut done = vec![format!(
        "database {} copied to {} (schema version {}, {} connection(s))",
        database.display(),
        dir.join(DATABASE_FILE).display(),
        copied.schema_version,
        copied.connections
    )];
    for (file, key) in KEY_FILES {
        let source = database.with_file_name(file);
        if key_in_config(config, file) {
            done.push(format!(
                "{key} comes from the configuration and is NOT in this backup: keep it separately, with the backup"
            ));
        } else if source.exists() {
            copy_private(&source, &dir.join(file))?;
            done.push(format!("key {} copied", source.display()));
        } else {
            done.push(format!(
                "no {} to copy (none was generated yet)",
                source.display()
            ));
        }
    }
    if !config.security.old_token_encryption_keys.is_empty() {
        done.push(
            "security.old_token_encryption_keys come from the configuration: keep them with the backup too".into(),
        );
    }
    let readme = format!(
        "usedesk-amocrm {} backup\n\n{}\n\nRestore with `usedesk-amocrm restore {}` on a stopped service. The files \
         here are secrets: the keys decrypt the amoCRM and Usedesk tokens in the database.\n",
        env!("CARGO_PKG_VERSION"),
        done.join("\n"),
        dir.display()
    );
    let mut options = std::fs::OpenOptions::new();
    options.write(true).create_new(true);
    #[cfg(unix)]
    std::os::unix::fs::OpenOptionsExt::mode(&mut options, 0o600);
    options
        .open(dir.join("README.txt"))
        .and_then(|mut file| std::io::Write::write_all(&mut file, readme.as_bytes()))
        .with_context(|| format!("writing {}", dir.join("README.txt").display()))?;
    Ok(done)
}

/// Puts the backup in `dir` back as the configured SQLite database and key files. Refuses to replace existing
/// files unless `force`, and always a database a running service has open; returns what it did.
pub async fn restore(config: &Config, dir: &Path, force: bool) -> anyhow::Result<Vec<String>> {
    let database = sqlite_path(config)?;
    let source = dir.join(DATABASE_FILE);
    if !source.exists() {
        bail!(
            "{} is not a backup made by `usedesk-amocrm backup`: it has no {DATABASE_FILE}",
            dir.display()
        );
    }
    let mut keys = Vec::new();
    let mut done = Vec::new();
    for (file, key) in KEY_FILES {
        let from = dir.join(file);
        let to = database.with_file_name(file);
        if key_in_config(config, file) {
            done.push(format!(
                "{key} comes from the configuration; {file} is not restored"
            ));
            continue;
        }
        if !from.exists() {
            done.push(match file {
                "token-encryption.key" => format!(
                    "WARNING: the backup has no {file}: unless {key} is set to the key in use when the backup was \
                     made, every connection must log in to amoCRM again (links and settings are kept)"
                ),
                _ => format!("the backup has no {file}: a new one will be generated; open blocks need a refresh"),
            });
            continue;
        }
        if to.exists() && std::fs::read(&to).ok() != std::fs::read(&from).ok() && !force {
            bail!(
                "{} exists and differs from the backup's; stop the service and pass --force to replace it",
                to.display()
            );
        }
        keys.push((from, to));
    }
    let copied = store::restore_sqlite(&source, &database, force)
        .await
        .with_context(|| format!("restoring {}", database.display()))?;
    done.insert(
        0,
        format!(
            "database {} restored from {} (schema version {}, {} connection(s)); the next start migrates it \
             to this binary's schema ({})",
            database.display(),
            source.display(),
            copied.schema_version,
            copied.connections,
            store::schema_version()
        ),
    );
    for (from, to) in keys {
        copy_private(&from, &to)?;
        done.insert(1, format!("key {} restored", to.display()));
    }
    Ok(done)
}
