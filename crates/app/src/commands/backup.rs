//! `fengqiao backup DEST`: an online, consistent copy (the store picks the method).

use std::path::Path;
use std::process::ExitCode;

use anyhow::{Context, bail};

use crate::config::Database;
use crate::database;
use crate::messages::Explain;

pub async fn run(db: &Database, dest: &Path) -> anyhow::Result<ExitCode> {
    let dest = std::path::absolute(dest).with_context(|| format!("bad destination {}", dest.display()))?;
    if dest.exists() {
        bail!("{} already exists; choose a new file name", dest.display());
    }
    let store = database::open_existing(db).await?;
    store.backup_to(&dest).await.explained()?;
    let size = std::fs::metadata(&dest).with_context(|| format!("backup written but {} cannot be read", dest.display()))?.len();
    println!("backed up {} to {} ({})", db.describe(), dest.display(), human_size(size));
    Ok(ExitCode::SUCCESS)
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
