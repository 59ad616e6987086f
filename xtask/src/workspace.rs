//! Where things live: the workspace root, its target directory, and throwaway
//! directories that clean up after themselves.

use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicU32, Ordering};
use std::time::{SystemTime, UNIX_EPOCH};

/// The workspace root. xtask is always built from inside the workspace it
/// drives, so the compile-time manifest path is the one source that cannot
/// be fooled by the caller's working directory.
pub fn root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .expect("xtask lives one level below the workspace root")
        .to_path_buf()
}

/// Honour CARGO_TARGET_DIR so that a developer who moved the target dir (to
/// dodge another build's lock) runs the binary cargo just built for them.
pub fn target_dir() -> PathBuf {
    match std::env::var_os("CARGO_TARGET_DIR") {
        Some(dir) if !dir.is_empty() => {
            let dir = PathBuf::from(dir);
            if dir.is_absolute() {
                dir
            } else {
                root().join(dir)
            }
        }
        _ => root().join("target"),
    }
}

/// The cargo that started us, so a toolchain chosen with `cargo +x` sticks.
pub fn cargo() -> std::process::Command {
    let mut cmd =
        std::process::Command::new(std::env::var_os("CARGO").unwrap_or_else(|| "cargo".into()));
    cmd.current_dir(root());
    // `cargo run` hands xtask its own manifest dir; ring's build script watches
    // that variable, so passing it on would make every switch between
    // `cargo xtask …` and a plain `cargo build` recompile ring and all above it.
    cmd.env_remove("CARGO_MANIFEST_DIR");
    cmd
}

pub fn binary(profile: &str) -> PathBuf {
    target_dir().join(profile).join("fengqiao")
}

/// A directory under the system temp dir, removed on drop so that a failing
/// stage does not leave databases and logs behind.
pub struct TempDir {
    path: PathBuf,
}

impl TempDir {
    pub fn new(prefix: &str) -> std::io::Result<Self> {
        static COUNTER: AtomicU32 = AtomicU32::new(0);
        let nanos = SystemTime::now()
            .duration_since(UNIX_EPOCH)
            .map(|d| d.as_nanos())
            .unwrap_or(0);
        let n = COUNTER.fetch_add(1, Ordering::Relaxed);
        let path =
            std::env::temp_dir().join(format!("{prefix}-{}-{nanos}-{n}", std::process::id()));
        // create_dir, not create_dir_all: refusing an existing path keeps us
        // from ever adopting (and later deleting) someone else's directory.
        std::fs::create_dir(&path)?;
        Ok(Self { path })
    }

    pub fn path(&self) -> &Path {
        &self.path
    }
}

impl Drop for TempDir {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.path);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn temp_dir_is_removed_on_drop() {
        let dir = TempDir::new("xtask-selftest").unwrap();
        let kept = dir.path().to_path_buf();
        std::fs::write(kept.join("f"), b"x").unwrap();
        drop(dir);
        assert!(!kept.exists());
    }

    #[test]
    fn root_holds_the_workspace_manifest() {
        assert!(root().join("Cargo.toml").is_file());
        assert!(root().join("xtask").is_dir());
    }
}
