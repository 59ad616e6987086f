//! Where the keys for personal data come from. Configured keys win (`[privacy] keys`,
//! `index_key`; required on PostgreSQL, where every app node must hold the same ones). On
//! SQLite without configured keys, a key file beside the database is created on first use,
//! readable only by its owner: it must be backed up, separately from the database, because
//! without it the encrypted ID numbers and phones cannot be read.

use std::path::Path;

use anyhow::{Context, bail};
use figment::providers::Format;
use fengqiao_domain::privacy::Vault;
use serde::{Deserialize, Serialize};

use crate::config::{Config, Database};
use crate::messages::Explain;

pub const KEY_FILE: &str = "privacy-keys.toml";

#[derive(Serialize, Deserialize)]
struct KeyFile {
    keys: Vec<String>,
    index_key: String,
}

/// The demo's data is synthetic: on PostgreSQL without configured keys it may use the
/// built-in insecure demo keys rather than refuse to start.
pub fn demo_vault(config: &Config) -> anyhow::Result<Vault> {
    match (config.privacy.keys.is_empty(), config.database()?) {
        (true, Database::Postgres(_)) => {
            tracing::warn!("demo on PostgreSQL without [privacy] keys: using the built-in demo keys, fit only for synthetic data");
            Ok(Vault::demo())
        }
        _ => vault(config),
    }
}

pub fn vault(config: &Config) -> anyhow::Result<Vault> {
    if !config.privacy.keys.is_empty() {
        return Vault::from_config(&config.privacy.keys, &config.privacy.index_key).explained().context("[privacy] keys");
    }
    match config.database()? {
        Database::Postgres(_) => bail!(
            "personal data keys are not configured: set [privacy] keys and index_key (generate them with `fengqiao keys generate`); \
             every app node must use the same ones"
        ),
        Database::Sqlite(file) => {
            let dir = file.parent().unwrap_or(Path::new("."));
            load_or_create(&dir.join(KEY_FILE))
        }
    }
}

/// The key file of a SQLite database, when that is where keys come from.
pub fn key_file(db: &Database) -> Option<std::path::PathBuf> {
    match db {
        Database::Sqlite(file) => Some(file.parent().unwrap_or(Path::new(".")).join(KEY_FILE)),
        Database::Postgres(_) => None,
    }
}

fn read_key_file(path: &Path) -> anyhow::Result<KeyFile> {
    let text = std::fs::read_to_string(path).with_context(|| format!("cannot read key file {}", path.display()))?;
    figment::Figment::from(figment::providers::Toml::string(&text)).extract().with_context(|| format!("key file {} is malformed", path.display()))
}

/// Replaces the key file atomically (write beside, then rename), keeping it private.
fn rewrite(path: &Path, file: &KeyFile) -> anyhow::Result<()> {
    let tmp = path.with_extension("toml.new");
    let _ = std::fs::remove_file(&tmp);
    write_private(&tmp, &toml_text(file))?;
    std::fs::rename(&tmp, path).with_context(|| format!("cannot replace key file {}", path.display()))
}

pub fn prepend_new_key(path: &Path) -> anyhow::Result<()> {
    let mut file = read_key_file(path)?;
    file.keys.insert(0, Vault::generate_key());
    rewrite(path, &file)
}

pub fn drop_old_keys(path: &Path) -> anyhow::Result<()> {
    let mut file = read_key_file(path)?;
    file.keys.truncate(1);
    rewrite(path, &file)
}

fn load_or_create(path: &Path) -> anyhow::Result<Vault> {
    if !path.exists() {
        std::fs::create_dir_all(path.parent().unwrap_or(Path::new("."))).ok();
        let file = KeyFile { keys: vec![Vault::generate_key()], index_key: Vault::generate_key() };
        write_private(path, &toml_text(&file))?;
        tracing::warn!(file = %path.display(), "created a new key file for personal data; back it up separately from the database");
    }
    let file = read_key_file(path)?;
    Vault::from_config(&file.keys, &file.index_key).explained().with_context(|| format!("key file {}", path.display()))
}

fn toml_text(f: &KeyFile) -> String {
    let keys: Vec<String> = f.keys.iter().map(|k| format!("\"{k}\"")).collect();
    format!(
        "# Keys for personal data in this Fengqiao database. Back this file up separately from the\n\
         # database: without it, ID numbers and phone numbers cannot be read. Newest key first.\n\
         keys = [{}]\nindex_key = \"{}\"\n",
        keys.join(", "),
        f.index_key
    )
}

fn write_private(path: &Path, text: &str) -> anyhow::Result<()> {
    use std::io::Write;
    let mut options = std::fs::OpenOptions::new();
    options.write(true).create_new(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt;
        options.mode(0o600);
    }
    let mut f = options.open(path).with_context(|| format!("cannot create key file {}", path.display()))?;
    f.write_all(text.as_bytes())?;
    f.sync_all()?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_key_file_is_made_once_and_then_reused() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join(KEY_FILE);
        let first = load_or_create(&path).unwrap();
        let sealed = first.encrypt("resident.phone", "13904710000").unwrap();
        let second = load_or_create(&path).unwrap();
        assert_eq!(second.decrypt("resident.phone", &sealed).unwrap(), "13904710000");
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            assert_eq!(std::fs::metadata(&path).unwrap().permissions().mode() & 0o777, 0o600);
        }
        std::fs::write(&path, "keys = 5").unwrap();
        assert!(load_or_create(&path).is_err());
    }
}
