//! `fengqiao backup DEST`: an online, consistent copy (the store picks the method), and the
//! attachment files beside it in `DEST.attachments/` when they are kept on the file system.
//!
//! The database is copied first, then the files. Files are written before the rows that name
//! them and never change or go away, so every file the copied rows name is already there;
//! files uploaded meanwhile come along unnamed, which is harmless.

use std::path::{Path, PathBuf};
use std::process::ExitCode;

use anyhow::{Context, bail};

use crate::config::{Config, Database};
use crate::database;
use crate::messages::Explain;

/// Where the attachment files of the backup `dest` go.
pub fn attachments_beside(dest: &Path) -> PathBuf {
    let mut s = dest.as_os_str().to_owned();
    s.push(".attachments");
    PathBuf::from(s)
}

pub async fn run(config: &Config, db: &Database, dest: &Path) -> anyhow::Result<ExitCode> {
    let dest = std::path::absolute(dest).with_context(|| format!("bad destination {}", dest.display()))?;
    let files_dest = attachments_beside(&dest);
    if dest.exists() || files_dest.exists() {
        bail!("{} already exists; choose a new file name", if dest.exists() { &dest } else { &files_dest }.display());
    }
    let store = database::open_existing(db).await?;
    store.backup_to(&dest).await.explained()?;
    let size = std::fs::metadata(&dest).with_context(|| format!("backup written but {} cannot be read", dest.display()))?.len();
    println!("backed up {} to {} ({})", db.describe(), dest.display(), human_size(size));
    if let Some(dir) = config.attachments_dir().filter(|d| d.is_dir()) {
        let (files, bytes) = copy_blobs(&dir, &files_dest)?;
        println!("backed up {files} attachment files from {} to {} ({})", dir.display(), files_dest.display(), human_size(bytes));
    }
    Ok(ExitCode::SUCCESS)
}

/// Copies the blob files of one attachment directory into another (`ab/abcdef…`), each
/// through a temporary name, skipping those already there: their names are their content.
/// Answers how many files and bytes were copied.
pub fn copy_blobs(from: &Path, to: &Path) -> anyhow::Result<(u64, u64)> {
    let (mut files, mut bytes) = (0, 0);
    let is_digest = |name: &str, len: usize| name.len() == len && name.bytes().all(|b| b.is_ascii_hexdigit());
    for prefix in std::fs::read_dir(from).with_context(|| format!("cannot read {}", from.display()))? {
        let prefix = prefix?;
        if !prefix.file_type()?.is_dir() || !is_digest(&prefix.file_name().to_string_lossy(), 2) {
            continue;
        }
        let target_dir = to.join(prefix.file_name());
        for file in std::fs::read_dir(prefix.path())? {
            let file = file?;
            let name = file.file_name();
            // Only whole files: a `.tmp-…` is a write that has not finished.
            if !file.file_type()?.is_file() || !is_digest(&name.to_string_lossy(), 64) {
                continue;
            }
            let target = target_dir.join(&name);
            if target.exists() {
                continue;
            }
            std::fs::create_dir_all(&target_dir).with_context(|| format!("cannot create {}", target_dir.display()))?;
            let tmp = target_dir.join(format!(".tmp-copy-{}", name.to_string_lossy()));
            bytes += std::fs::copy(file.path(), &tmp).with_context(|| format!("cannot copy {}", file.path().display()))?;
            std::fs::File::open(&tmp).and_then(|f| f.sync_all()).context("cannot flush a copied attachment")?;
            std::fs::rename(&tmp, &target).with_context(|| format!("cannot move {} into place", target.display()))?;
            files += 1;
        }
    }
    Ok((files, bytes))
}

pub fn human_size(bytes: u64) -> String {
    const UNITS: [&str; 4] = ["KiB", "MiB", "GiB", "TiB"];
    if bytes < 1024 {
        return format!("{bytes} bytes");
    }
    let mut v = bytes as f64 / 1024.0;
    let mut unit = 0;
    while v >= 1024.0 && unit + 1 < UNITS.len() {
        v /= 1024.0;
        unit += 1;
    }
    format!("{v:.1} {}", UNITS[unit])
}

#[cfg(test)]
mod tests {
    #[test]
    fn sizes_read_naturally() {
        assert_eq!(super::human_size(512), "512 bytes");
        assert_eq!(super::human_size(1536), "1.5 KiB");
        assert_eq!(super::human_size(5 * 1024 * 1024), "5.0 MiB");
    }
}
