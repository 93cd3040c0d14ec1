//! Backup and restore. SQLite: `VACUUM INTO` makes a consistent copy of a
//! live database without stopping the site. PostgreSQL: `pg_dump` and
//! `pg_restore`, which do the same for a server.

use std::path::Path;
use std::process::Command;

use anyhow::{Context, bail};

pub async fn backup(database_url: Option<&str>, data_dir: &Path, to: &Path) -> anyhow::Result<()> {
    if to.exists() {
        bail!("{} already exists; choose a new file", to.display());
    }
    match database_url.filter(|u| u.starts_with("postgres")) {
        Some(url) => {
            let status = Command::new("pg_dump")
                .args(["--format=custom", "--no-owner", "--file"])
                .arg(to)
                .arg(url)
                .status()
                .context("pg_dump not found: install postgresql-client, or run pg_dump --format=custom yourself")?;
            if !status.success() {
                bail!("pg_dump failed ({status})");
            }
        }
        None => {
            let db = data_dir.join("warta.db");
            if !db.exists() {
                bail!("no database at {}", db.display());
            }
            let store = crate::store::sqlite::SqliteStore::open_dir(data_dir).await?;
            store.vacuum_into(to).await?;
        }
    }
    Ok(())
}

pub async fn restore(
    database_url: Option<&str>,
    data_dir: &Path,
    from: &Path,
    force: bool,
) -> anyhow::Result<()> {
    if !from.exists() {
        bail!("{}: no such backup file", from.display());
    }
    match database_url.filter(|u| u.starts_with("postgres")) {
        Some(url) => {
            let status = Command::new("pg_restore")
                .args(["--clean", "--if-exists", "--no-owner", "--dbname"])
                .arg(url)
                .arg(from)
                .status()
                .context("pg_restore not found: install postgresql-client")?;
            if !status.success() {
                bail!("pg_restore failed ({status})");
            }
        }
        None => {
            // Check the backup before it replaces anything.
            crate::store::sqlite::SqliteStore::check_file(from)
                .await
                .with_context(|| format!("{} is not a sound Warta backup", from.display()))?;
            let db = data_dir.join("warta.db");
            if db.exists() && !force {
                bail!(
                    "{} exists; stop the site and pass --force to replace it",
                    db.display()
                );
            }
            std::fs::create_dir_all(data_dir)?;
            for suffix in ["-wal", "-shm"] {
                let _ = std::fs::remove_file(data_dir.join(format!("warta.db{suffix}")));
            }
            let tmp = data_dir.join("warta.db.restoring");
            std::fs::copy(from, &tmp)?;
            std::fs::rename(&tmp, &db)?;
        }
    }
    Ok(())
}
