//! Running child processes: echoing their output while keeping a copy to
//! parse, bounding them in time, and ending them (and what they spawned).

use std::io::{BufRead, BufReader, Read, Write};
use std::os::unix::fs::MetadataExt;
use std::path::PathBuf;
use std::process::{Command, ExitStatus, Stdio};
use std::sync::{Arc, Mutex};
use std::thread;
use std::time::{Duration, Instant};

pub struct Captured {
    pub status: ExitStatus,
    pub output: String,
    pub timed_out: bool,
}

impl Captured {
    pub fn success(&self) -> bool {
        self.status.success() && !self.timed_out
    }
}

/// Describes a command the way a person would retype it in a shell, for
/// logs and for the commands BENCHMARKS.md records.
pub fn describe(cmd: &Command) -> String {
    std::iter::once(cmd.get_program())
        .chain(cmd.get_args())
        .map(|a| shell_quote(&a.to_string_lossy()))
        .collect::<Vec<_>>()
        .join(" ")
}

fn shell_quote(word: &str) -> String {
    let plain = |c: char| c.is_ascii_alphanumeric() || "_./:=@%+,-".contains(c);
    if !word.is_empty() && word.chars().all(plain) {
        word.to_string()
    } else {
        format!("'{}'", word.replace('\'', r"'\''"))
    }
}

/// Runs a command with its output going straight to ours; for steps whose
/// output we never parse (installs, builds).
pub fn run(cmd: &mut Command) -> Result<(), String> {
    println!("$ {}", describe(cmd));
    let status = cmd
        .stdin(Stdio::null())
        .status()
        .map_err(|e| format!("could not start `{}`: {e}", describe(cmd)))?;
    if status.success() {
        Ok(())
    } else {
        Err(format!("`{}` exited with {status}", describe(cmd)))
    }
}

/// Runs a command, echoing each line as it arrives (CI logs should show
/// progress, not a wall of text at the end) while keeping a copy for parsing.
/// After `limit` the command and every process it started are killed: a hung
/// browser or test must not eat CI's whole time budget.
pub fn run_tee(cmd: &mut Command, limit: Duration) -> Result<Captured, String> {
    println!("$ {}", describe(cmd));
    let mut child = cmd
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .map_err(|e| format!("could not start `{}`: {e}", describe(cmd)))?;
    let seen = Arc::new(Mutex::new(String::new()));
    let out = echo_lines(child.stdout.take().expect("piped"), seen.clone(), false);
    let err = echo_lines(child.stderr.take().expect("piped"), seen.clone(), true);

    let deadline = Instant::now() + limit;
    let mut timed_out = false;
    let status = loop {
        match child.try_wait() {
            Ok(Some(status)) => break status,
            Ok(None) if Instant::now() >= deadline => {
                eprintln!(
                    "xtask: `{}` ran past {}s; killing it",
                    describe(cmd),
                    limit.as_secs()
                );
                timed_out = true;
                kill_tree(child.id());
                break child.wait().map_err(|e| e.to_string())?;
            }
            Ok(None) => thread::sleep(Duration::from_millis(100)),
            Err(e) => return Err(format!("waiting for `{}`: {e}", describe(cmd))),
        }
    };
    // A grandchild that outlived its parent may still hold the pipes open;
    // don't let it keep us waiting for an EOF that never comes.
    for reader in [out, err] {
        let until = Instant::now() + Duration::from_secs(5);
        while !reader.is_finished() && Instant::now() < until {
            thread::sleep(Duration::from_millis(50));
        }
        if reader.is_finished() {
            let _ = reader.join();
        }
    }
    let output = seen.lock().map(|s| s.clone()).unwrap_or_default();
    Ok(Captured {
        status,
        output,
        timed_out,
    })
}

fn echo_lines<R: Read + Send + 'static>(
    source: R,
    seen: Arc<Mutex<String>>,
    to_stderr: bool,
) -> thread::JoinHandle<()> {
    thread::spawn(move || {
        let mut reader = BufReader::new(source);
        let mut buf = Vec::new();
        // Bytes, not read_line: a runner printing invalid UTF-8 must not
        // end the capture early.
        while matches!(reader.read_until(b'\n', &mut buf), Ok(n) if n > 0) {
            let line = String::from_utf8_lossy(&buf);
            if to_stderr {
                let _ = std::io::stderr().write_all(line.as_bytes());
            } else {
                let _ = std::io::stdout().write_all(line.as_bytes());
            }
            if let Ok(mut s) = seen.lock() {
                s.push_str(&line);
            }
            buf.clear();
        }
    })
}

/// Runs a command and returns its stdout, for short queries (versions, status).
pub fn query(cmd: &mut Command) -> Option<String> {
    let out = cmd
        .stdin(Stdio::null())
        .stderr(Stdio::null())
        .output()
        .ok()?;
    out.status
        .success()
        .then(|| String::from_utf8_lossy(&out.stdout).into_owned())
}

pub fn which(name: &str) -> Option<PathBuf> {
    let path = std::env::var_os("PATH")?;
    std::env::split_paths(&path)
        .map(|dir| dir.join(name))
        .find(|candidate| {
            std::fs::metadata(candidate)
                .map(|m| m.is_file() && m.mode() & 0o111 != 0)
                .unwrap_or(false)
        })
}

/// /proc/self belongs to the effective uid, which spares us a libc binding.
pub fn is_root() -> bool {
    std::fs::metadata("/proc/self")
        .map(|m| m.uid() == 0)
        .unwrap_or(false)
}

/// Sends a signal through kill(1); std only knows SIGKILL.
pub fn signal(pid: u32, sig: &str) {
    let _ = Command::new("kill")
        .args([format!("-{sig}"), pid.to_string()])
        .stdin(Stdio::null())
        .stderr(Stdio::null())
        .status();
}

/// Kills a process and all its descendants. Found through /proc rather than a
/// process group so that Ctrl-C in a terminal still reaches every child.
pub fn kill_tree(root: u32) {
    let mut victims = vec![root];
    let mut i = 0;
    let parents = parent_table();
    while i < victims.len() {
        let parent = victims[i];
        victims.extend(
            parents
                .iter()
                .filter(|(_, ppid)| *ppid == parent)
                .map(|(pid, _)| *pid),
        );
        i += 1;
    }
    for pid in victims {
        signal(pid, "KILL");
    }
}

fn parent_table() -> Vec<(u32, u32)> {
    let Ok(entries) = std::fs::read_dir("/proc") else {
        return Vec::new();
    };
    entries
        .filter_map(|e| e.ok()?.file_name().to_str()?.parse::<u32>().ok())
        .filter_map(|pid| {
            let stat = std::fs::read_to_string(format!("/proc/{pid}/stat")).ok()?;
            Some((pid, parse_ppid(&stat)?))
        })
        .collect()
}

/// The command name in /proc/<pid>/stat may itself contain spaces and
/// parentheses, so fields are counted from the last ')'.
fn parse_ppid(stat: &str) -> Option<u32> {
    let rest = &stat[stat.rfind(')')? + 1..];
    rest.split_whitespace().nth(1)?.parse().ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn described_commands_can_be_pasted_into_a_shell() {
        let mut cmd = Command::new("wrk");
        cmd.args([
            "-H",
            "Authorization: Bearer x",
            "it's",
            "http://127.0.0.1:1/a?b=c",
        ]);
        assert_eq!(
            describe(&cmd),
            r"wrk -H 'Authorization: Bearer x' 'it'\''s' 'http://127.0.0.1:1/a?b=c'"
        );
    }

    #[test]
    fn ppid_survives_odd_command_names() {
        assert_eq!(parse_ppid("42 (a) b) S 7 42 42 0"), Some(7));
        assert_eq!(parse_ppid("1 (init) S 0 1 1"), Some(0));
    }

    #[test]
    fn tee_keeps_both_streams_and_the_status() {
        let got = run_tee(
            Command::new("sh").args(["-c", "echo out; echo err >&2; exit 3"]),
            Duration::from_secs(10),
        )
        .unwrap();
        assert_eq!(got.status.code(), Some(3));
        assert!(got.output.contains("out\n") && got.output.contains("err\n"));
        assert!(!got.timed_out);
    }

    #[test]
    fn tee_kills_a_command_that_overruns() {
        let started = Instant::now();
        let got = run_tee(
            Command::new("sh").args(["-c", "sleep 30 & wait"]),
            Duration::from_secs(1),
        )
        .unwrap();
        assert!(got.timed_out);
        assert!(started.elapsed() < Duration::from_secs(15));
    }
}
