//! A throwaway PostgreSQL cluster in a temp dir on a free port. The machine's
//! own server on 5432 is never touched: tests that share it would see each
//! other's databases and leave litter behind.

use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::thread;
use std::time::{Duration, Instant};

use crate::process::{describe, is_root, which};
use crate::server::free_port;
use crate::workspace::TempDir;

/// The newest `/usr/lib/postgresql/<version>/bin` that has an initdb; Debian
/// keeps these off PATH.
pub fn find_bin_dir() -> Option<PathBuf> {
    let mut found: Vec<(u32, PathBuf)> = std::fs::read_dir("/usr/lib/postgresql")
        .ok()?
        .filter_map(|e| {
            let e = e.ok()?;
            let version = e.file_name().to_str()?.split('.').next()?.parse().ok()?;
            let bin = e.path().join("bin");
            bin.join("initdb").is_file().then_some((version, bin))
        })
        .collect();
    found.sort();
    found.pop().map(|(_, bin)| bin)
}

pub struct ThrowawayPostgres {
    bin: PathBuf,
    port: u16,
    running: bool,
    // Dropped last (fields drop in order), after the server has stopped.
    dir: TempDir,
}

impl ThrowawayPostgres {
    pub fn start() -> Result<Self, String> {
        let bin = find_bin_dir()
            .ok_or("no /usr/lib/postgresql/*/bin/initdb; install the postgresql package")?;
        let dir = TempDir::new("fengqiao-pg").map_err(|e| format!("temp dir: {e}"))?;
        // initdb and pg_ctl refuse to run as root; as root we hand the dir to
        // the postgres user and run them as that user.
        if is_root() {
            let (uid, gid) = postgres_ids()?;
            std::os::unix::fs::chown(dir.path(), Some(uid), Some(gid))
                .map_err(|e| format!("chown: {e}"))?;
        }
        let mut pg = Self {
            bin,
            port: 0,
            running: false,
            dir,
        };
        pg.pg_tool("initdb")
            .arg("-D")
            .arg(pg.data_dir())
            .args([
                "-A",
                "trust",
                "-U",
                "postgres",
                "-E",
                "UTF8",
                "--no-locale",
                "--no-sync",
            ])
            .stdout(Stdio::null())
            .status()
            .map_err(|e| format!("initdb: {e}"))
            .and_then(|s| {
                if s.success() {
                    Ok(())
                } else {
                    Err(format!("initdb exited with {s}"))
                }
            })?;

        // The free port can be taken between our probe and the server's
        // bind; a couple of fresh tries make that race harmless.
        let mut last_error = String::new();
        for _ in 0..3 {
            pg.port = free_port().map_err(|e| format!("free port: {e}"))?;
            pg.write_settings()?;
            match pg.launch() {
                Ok(()) => {
                    pg.running = true;
                    pg.wait_ready(Duration::from_secs(30))?;
                    println!(
                        "throwaway PostgreSQL ready on 127.0.0.1:{} ({})",
                        pg.port,
                        pg.dir.path().display()
                    );
                    return Ok(pg);
                }
                Err(e) => last_error = e,
            }
        }
        Err(format!("{last_error}\n{}", pg.log_tail()))
    }

    pub fn url(&self, database: &str) -> String {
        format!("postgres://postgres@127.0.0.1:{}/{database}", self.port)
    }

    pub fn create_database(&self, name: &str) -> Result<(), String> {
        let status = Command::new(self.bin.join("createdb"))
            .args([
                "-h",
                "127.0.0.1",
                "-p",
                &self.port.to_string(),
                "-U",
                "postgres",
                name,
            ])
            .stdin(Stdio::null())
            .status()
            .map_err(|e| format!("createdb: {e}"))?;
        if status.success() {
            Ok(())
        } else {
            Err(format!("createdb {name} exited with {status}"))
        }
    }

    fn data_dir(&self) -> PathBuf {
        self.dir.path().join("data")
    }

    fn pg_tool(&self, tool: &str) -> Command {
        let program = self.bin.join(tool);
        let mut cmd = if is_root() {
            // /usr/sbin is missing from some root PATHs (su without -l).
            let mut c =
                Command::new(which("runuser").unwrap_or_else(|| "/usr/sbin/runuser".into()));
            c.args(["-u", "postgres", "--"]).arg(program);
            c
        } else {
            Command::new(program)
        };
        // The postgres user may not be able to read the caller's working
        // directory (a checkout under /root), and initdb fails if it cannot.
        cmd.current_dir(self.dir.path()).stdin(Stdio::null());
        cmd
    }

    /// Appended to postgresql.conf rather than passed through `pg_ctl -o`,
    /// which splices them into a shell command line. Durability is pointless
    /// for a cluster that is deleted at the end of the run.
    fn write_settings(&self) -> Result<(), String> {
        let settings = format!(
            "\n# cargo xtask test\nport = {}\nlisten_addresses = '127.0.0.1'\nunix_socket_directories = '{}'\n\
             fsync = off\nsynchronous_commit = off\nfull_page_writes = off\nmax_connections = 200\n",
            self.port,
            self.dir.path().display()
        );
        std::fs::OpenOptions::new()
            .append(true)
            .open(self.data_dir().join("postgresql.conf"))
            .and_then(|mut f| f.write_all(settings.as_bytes()))
            .map_err(|e| format!("postgresql.conf: {e}"))
    }

    fn launch(&self) -> Result<(), String> {
        let mut cmd = self.pg_tool("pg_ctl");
        cmd.arg("-D")
            .arg(self.data_dir())
            .arg("-l")
            .arg(self.log_path())
            .args(["-w", "-t", "60", "start"]);
        let status = cmd
            .stdout(Stdio::null())
            .status()
            .map_err(|e| format!("{}: {e}", describe(&cmd)))?;
        if status.success() {
            Ok(())
        } else {
            Err(format!("`{}` exited with {status}", describe(&cmd)))
        }
    }

    fn wait_ready(&self, limit: Duration) -> Result<(), String> {
        let started = Instant::now();
        let isready = self.bin.join("pg_isready");
        while started.elapsed() < limit {
            let ok = Command::new(&isready)
                .args([
                    "-q",
                    "-h",
                    "127.0.0.1",
                    "-p",
                    &self.port.to_string(),
                    "-U",
                    "postgres",
                    "-t",
                    "2",
                ])
                .stdin(Stdio::null())
                .status()
                .is_ok_and(|s| s.success());
            if ok {
                return Ok(());
            }
            thread::sleep(Duration::from_millis(200));
        }
        Err(format!(
            "PostgreSQL on port {} not ready after {}s\n{}",
            self.port,
            limit.as_secs(),
            self.log_tail()
        ))
    }

    fn log_path(&self) -> PathBuf {
        self.dir.path().join("server.log")
    }

    fn log_tail(&self) -> String {
        let text = std::fs::read_to_string(self.log_path()).unwrap_or_default();
        let lines: Vec<&str> = text.lines().collect();
        format!(
            "--- PostgreSQL log ---\n{}",
            lines[lines.len().saturating_sub(30)..].join("\n")
        )
    }
}

impl Drop for ThrowawayPostgres {
    fn drop(&mut self) {
        if !self.running {
            return;
        }
        // Immediate: nothing in this cluster is worth a clean checkpoint.
        let stopped = self
            .pg_tool("pg_ctl")
            .arg("-D")
            .arg(self.data_dir())
            .args(["-m", "immediate", "-w", "-t", "30", "stop"])
            .stdout(Stdio::null())
            .status()
            .is_ok_and(|s| s.success());
        if !stopped {
            eprintln!("xtask: pg_ctl stop failed; killing the postmaster");
            if let Some(pid) = postmaster_pid(&self.data_dir()) {
                crate::process::kill_tree(pid);
            }
        }
    }
}

fn postmaster_pid(data: &Path) -> Option<u32> {
    std::fs::read_to_string(data.join("postmaster.pid"))
        .ok()?
        .lines()
        .next()?
        .trim()
        .parse()
        .ok()
}

fn postgres_ids() -> Result<(u32, u32), String> {
    let passwd = std::fs::read_to_string("/etc/passwd").map_err(|e| format!("/etc/passwd: {e}"))?;
    passwd
        .lines()
        .map(|l| l.split(':').collect::<Vec<_>>())
        .find(|f| f.first() == Some(&"postgres") && f.len() > 3)
        .and_then(|f| Some((f[2].parse().ok()?, f[3].parse().ok()?)))
        .ok_or_else(|| "no `postgres` user; install the postgresql package".to_string())
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Needs PostgreSQL's binaries; where they are absent the harness's own
    /// install step has not run, which is not this test's concern.
    #[test]
    fn throwaway_cluster_starts_serves_and_vanishes() {
        if find_bin_dir().is_none() {
            eprintln!("skipped: no PostgreSQL binaries");
            return;
        }
        let pg = ThrowawayPostgres::start().unwrap();
        let dir = pg.dir.path().to_path_buf();
        pg.create_database("xtask_selftest").unwrap();
        assert!(
            pg.url("xtask_selftest")
                .starts_with("postgres://postgres@127.0.0.1:")
        );
        assert_ne!(pg.port, 5432);
        drop(pg);
        assert!(!dir.exists());
    }
}
