//! A `fengqiao demo` server on a free loopback port, for the browser suite,
//! the API contract run and the benchmarks. Stopped on drop.

use std::fs::File;
use std::net::{SocketAddr, TcpListener};
use std::path::Path;
use std::process::{Child, Command, Stdio};
use std::thread;
use std::time::{Duration, Instant};

use crate::http;
use crate::process::{describe, signal};
use crate::workspace::TempDir;

pub const DEMO_USER: &str = "admin";
pub const DEMO_PASSWORD: &str = "fengqiao-demo";

/// Asks the kernel for a port nobody holds. Another process could take it
/// between here and the server's bind; the window is small enough for tests.
pub fn free_port() -> std::io::Result<u16> {
    Ok(TcpListener::bind("127.0.0.1:0")?.local_addr()?.port())
}

pub struct DemoServer {
    child: Option<Child>,
    addr: SocketAddr,
    log: std::path::PathBuf,
    dir: TempDir,
}

pub struct Launch<'a> {
    pub binary: &'a Path,
    pub database_url: Option<String>,
    /// CPU to pin the server to, so load generators do not share its core.
    pub cpu: Option<u32>,
    /// Serve this data directory (`fengqiao serve`) instead of a fresh demo world.
    pub existing_data: Option<&'a Path>,
}

impl DemoServer {
    pub fn start(launch: Launch<'_>) -> Result<Self, String> {
        if !launch.binary.is_file() {
            return Err(format!(
                "{} does not exist; did the build fail?",
                launch.binary.display()
            ));
        }
        let dir = TempDir::new("fengqiao-demo").map_err(|e| format!("temp dir: {e}"))?;
        let data = dir.path().join("data");
        std::fs::create_dir(&data).map_err(|e| format!("data dir: {e}"))?;
        let log = dir.path().join("server.log");
        let log_file = File::create(&log).map_err(|e| format!("server log: {e}"))?;
        let log_err = log_file.try_clone().map_err(|e| e.to_string())?;
        let port = free_port().map_err(|e| format!("free port: {e}"))?;
        let addr = SocketAddr::from(([127, 0, 0, 1], port));

        let mut cmd = match launch.cpu {
            Some(cpu) => {
                let mut c = Command::new("taskset");
                c.args(["-c", &cpu.to_string()]).arg(launch.binary);
                c
            }
            None => Command::new(launch.binary),
        };
        match launch.existing_data {
            Some(existing) => cmd.arg("serve").arg("--data-dir").arg(existing),
            None => cmd.arg("demo").arg("--data-dir").arg(&data),
        };
        cmd.arg("--listen").arg(addr.to_string());
        if let Some(url) = &launch.database_url {
            cmd.arg("--database-url").arg(url);
        }
        // The server's own log goes to a file: a pipe nobody drains would
        // block it once the pipe buffer fills.
        println!("$ {}", describe(&cmd));
        let child = cmd
            .current_dir(dir.path())
            .stdin(Stdio::null())
            .stdout(log_file)
            .stderr(log_err)
            .spawn()
            .map_err(|e| format!("could not start {}: {e}", launch.binary.display()))?;
        let mut server = Self {
            child: Some(child),
            addr,
            log,
            dir,
        };
        server.wait_healthy(Duration::from_secs(60))?;
        Ok(server)
    }

    pub fn addr(&self) -> SocketAddr {
        self.addr
    }

    /// The demo's data directory (SQLite database, key file).
    pub fn data_dir(&self) -> std::path::PathBuf {
        self.dir.path().join("data")
    }

    pub fn base_url(&self) -> String {
        format!("http://{}", self.addr)
    }

    /// With taskset the pid is still the server's: taskset execs in place.
    pub fn pid(&self) -> u32 {
        self.child.as_ref().map(|c| c.id()).unwrap_or(0)
    }

    fn wait_healthy(&mut self, limit: Duration) -> Result<(), String> {
        let started = Instant::now();
        let child = self.child.as_mut().expect("running");
        loop {
            if let Ok(Some(status)) = child.try_wait() {
                return Err(format!(
                    "server exited with {status} before answering /healthz\n{}",
                    self.log_tail()
                ));
            }
            if matches!(http::get(self.addr, "/healthz", &[]), Ok(r) if r.status == 200) {
                println!(
                    "server up at {} after {:.1}s",
                    self.base_url(),
                    started.elapsed().as_secs_f64()
                );
                return Ok(());
            }
            if started.elapsed() >= limit {
                return Err(format!(
                    "GET /healthz did not answer 200 within {}s\n{}",
                    limit.as_secs(),
                    self.log_tail()
                ));
            }
            thread::sleep(Duration::from_millis(250));
        }
    }

    /// The demo admin's API token, as the contract suite and the benchmarks
    /// send it.
    pub fn admin_token(&self) -> Result<String, String> {
        self.token_for(DEMO_USER)
    }

    /// A demo account's API token.
    pub fn token_for(&self, username: &str) -> Result<String, String> {
        let body = format!(r#"{{"username":"{username}","password":"{DEMO_PASSWORD}"}}"#);
        let resp = http::post_json(self.addr, "/api/v1/auth/token", &body)
            .map_err(|e| format!("POST /api/v1/auth/token: {e}"))?;
        if resp.status != 200 && resp.status != 201 {
            return Err(format!(
                "POST /api/v1/auth/token answered {}: {}",
                resp.status, resp.body
            ));
        }
        http::json_string_field(&resp.body, "token")
            .ok_or_else(|| format!("no \"token\" in the token response: {}", resp.body))
    }

    /// A demo account's browser session as a `Cookie` header value, signed in through the
    /// login form as a person would (its CSRF cookie and hidden field included), for pages
    /// that only a browser session may open.
    pub fn session_cookie(&self, username: &str) -> Result<String, String> {
        let form = http::get(self.addr, "/login", &[]).map_err(|e| format!("GET /login: {e}"))?;
        let csrf = form
            .body
            .split("name=\"csrf_token\" value=\"")
            .nth(1)
            .and_then(|rest| rest.split('"').next())
            .ok_or("no csrf_token field on the login page")?;
        let cookies = form.cookies().join("; ");
        let body = format!("username={username}&password={DEMO_PASSWORD}&csrf_token={}", csrf.replace('+', "%2B").replace('/', "%2F").replace('=', "%3D"));
        let headers = [("Content-Type", "application/x-www-form-urlencoded"), ("Cookie", cookies.as_str())];
        let resp = http::request(self.addr, "POST", "/login", &headers, Some(&body)).map_err(|e| format!("POST /login: {e}"))?;
        resp.cookies()
            .into_iter()
            .find(|c| c.starts_with("fq_session=") && c.len() > "fq_session=".len())
            .ok_or_else(|| format!("POST /login answered {} without a session cookie", resp.status))
    }

    pub fn log_tail(&self) -> String {
        let text = std::fs::read_to_string(&self.log).unwrap_or_default();
        let lines: Vec<&str> = text.lines().collect();
        let from = lines.len().saturating_sub(60);
        format!(
            "--- last lines of the server's output ({}) ---\n{}",
            self.dir.path().display(),
            lines[from..].join("\n")
        )
    }

    /// SIGTERM first so the server's graceful shutdown is exercised too; a
    /// server that ignores it for 15 s is killed and reported.
    pub fn stop(&mut self) -> Option<String> {
        let mut child = self.child.take()?;
        if let Ok(Some(_)) = child.try_wait() {
            return Some("server had already exited".into());
        }
        signal(child.id(), "TERM");
        let until = Instant::now() + Duration::from_secs(15);
        while Instant::now() < until {
            if let Ok(Some(_)) = child.try_wait() {
                return None;
            }
            thread::sleep(Duration::from_millis(100));
        }
        let _ = child.kill();
        let _ = child.wait();
        Some("server ignored SIGTERM for 15s and was killed".into())
    }
}

impl Drop for DemoServer {
    fn drop(&mut self) {
        if let Some(problem) = self.stop() {
            eprintln!("xtask: {problem}");
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_server_that_dies_at_once_is_reported_not_awaited() {
        let started = Instant::now();
        let err = DemoServer::start(Launch {
            binary: Path::new("/bin/false"),
            database_url: None,
            cpu: None,
            existing_data: None,
        })
        .err()
        .expect("/bin/false is no server");
        assert!(err.contains("before answering /healthz"), "{err}");
        assert!(started.elapsed() < Duration::from_secs(10));
    }
}
