//! The pid file a server keeps in a SQLite data directory while it runs, so that commands
//! which replace the database file (restore, demo) can refuse to pull it from under a server.

use std::path::{Path, PathBuf};

use anyhow::{Context, bail};

pub const PID_FILE: &str = "fengqiao.pid";

pub struct PidFile {
    path: PathBuf,
    pid: u32,
}

/// The pid of a running process named in the directory's pid file, if any. A stale file left
/// by a killed server names no live process and is ignored.
pub fn running_server(dir: &Path) -> Option<u32> {
    let text = std::fs::read_to_string(dir.join(PID_FILE)).ok()?;
    let pid: u32 = text.trim().parse().ok()?;
    (pid != std::process::id() && is_alive(pid)).then_some(pid)
}

fn is_alive(pid: u32) -> bool {
    if Path::new("/proc/self").exists() {
        return Path::new(&format!("/proc/{pid}")).exists();
    }
    std::process::Command::new("kill")
        .args(["-0", &pid.to_string()])
        .stderr(std::process::Stdio::null())
        .status()
        .map(|s| s.success())
        // When liveness cannot be told, assume the worst: the file is easy to remove by hand.
        .unwrap_or(true)
}

/// Fails with an explanation when a server is running on this directory.
pub fn refuse_if_running(dir: &Path, doing: &str) -> anyhow::Result<()> {
    if let Some(pid) = running_server(dir) {
        bail!(
            "a fengqiao server (pid {pid}) is running on {}; stop it before {doing} (if no server is running, delete {})",
            dir.display(),
            dir.join(PID_FILE).display()
        );
    }
    Ok(())
}

impl PidFile {
    pub fn create(dir: &Path) -> anyhow::Result<PidFile> {
        refuse_if_running(dir, "starting another")?;
        let path = dir.join(PID_FILE);
        let pid = std::process::id();
        std::fs::write(&path, format!("{pid}\n")).with_context(|| format!("cannot write {}", path.display()))?;
        Ok(PidFile { path, pid })
    }
}

impl Drop for PidFile {
    fn drop(&mut self) {
        // Only our own: another server may have taken over a directory whose file was stale.
        let ours = std::fs::read_to_string(&self.path).is_ok_and(|t| t.trim() == self.pid.to_string());
        if ours {
            let _ = std::fs::remove_file(&self.path);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn stale_and_live_pid_files() {
        let dir = tempfile::tempdir().unwrap();
        assert_eq!(running_server(dir.path()), None);
        // Our own pid counts as not running, so a process may re-create its own file.
        let f = PidFile::create(dir.path()).unwrap();
        assert!(dir.path().join(PID_FILE).exists());
        drop(f);
        assert!(!dir.path().join(PID_FILE).exists());
        // A pid far above any kernel's pid_max is a stale leftover.
        std::fs::write(dir.path().join(PID_FILE), "999999999\n").unwrap();
        assert_eq!(running_server(dir.path()), None);
        // Pid 1 always runs.
        std::fs::write(dir.path().join(PID_FILE), "1\n").unwrap();
        assert_eq!(running_server(dir.path()), Some(1));
        assert!(refuse_if_running(dir.path(), "restoring").is_err());
    }
}
