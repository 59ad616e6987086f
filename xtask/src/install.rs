//! Installs what a fresh Debian machine lacks, and nothing it already has:
//! CI starts from a new machine, a developer's machine is usually warm.

use std::path::Path;
use std::process::Command;

use crate::process::{is_root, query, run, which};
use crate::workspace::root;

#[derive(Default, Clone, Copy)]
pub struct Needs {
    pub browser: bool,
    pub schemathesis: bool,
    pub postgres: bool,
    pub wrk: bool,
}

/// Installs everything `needs` asks for; reports every failure, not just the
/// first, so one CI log shows the whole picture.
pub fn ensure(needs: Needs) -> Result<(), String> {
    let mut results = vec![debian_packages(needs)];
    if needs.schemathesis {
        results.push(schemathesis());
    }
    if needs.browser {
        results.push(e2e_node_modules());
    }
    let problems: Vec<String> = results.into_iter().filter_map(Result::err).collect();
    if problems.is_empty() {
        Ok(())
    } else {
        Err(problems.join("; "))
    }
}

fn debian_packages(needs: Needs) -> Result<(), String> {
    // The server sets agreement PDFs in Noto CJK; the tests read them back with pdftotext.
    let mut wanted = vec!["fonts-noto-cjk", "poppler-utils"];
    if needs.browser {
        // Without the CJK fonts Chinese renders as boxes in screenshots.
        wanted.push("chromium");
    }
    if needs.postgres && crate::postgres::find_bin_dir().is_none() {
        wanted.push("postgresql");
    }
    if needs.wrk {
        wanted.push("wrk");
    }
    let missing: Vec<&str> = wanted.into_iter().filter(|p| !dpkg_installed(p)).collect();
    if missing.is_empty() {
        return Ok(());
    }
    println!("installing Debian packages: {}", missing.join(" "));
    let apt = |args: &[&str]| {
        let mut cmd = if is_root() {
            Command::new("apt-get")
        } else {
            let mut c = Command::new("sudo");
            c.args(["-n", "apt-get"]);
            c
        };
        cmd.args(args).env("DEBIAN_FRONTEND", "noninteractive");
        cmd
    };
    run(&mut apt(&["update"]))?;
    run(apt(&["install", "-y"]).args(&missing))
}

/// `dpkg -s` also succeeds for removed packages whose config files remain,
/// so the status line is what tells.
fn dpkg_installed(package: &str) -> bool {
    query(Command::new("dpkg").args(["-s", package])).is_some_and(|out| {
        out.lines()
            .any(|l| l.trim() == "Status: install ok installed")
    })
}

/// How to invoke schemathesis: its script on PATH if there is one, else the
/// module through python3 (a fresh pip install under pyenv may not have put
/// the script on PATH until a rehash).
pub fn schemathesis_command() -> Option<Command> {
    if let Some(path) = which("schemathesis") {
        return Some(Command::new(path));
    }
    // `st` is a common name (a terminal, among others); take it only if it
    // says it is schemathesis.
    if let Some(path) = which("st")
        && query(Command::new(&path).arg("--version"))
            .is_some_and(|v| v.to_lowercase().contains("schemathesis"))
    {
        return Some(Command::new(path));
    }
    let python = which("python3")?;
    query(Command::new(&python).args(["-c", "import schemathesis"]))?;
    let mut cmd = Command::new(python);
    cmd.args(["-m", "schemathesis.cli"]);
    Some(cmd)
}

/// The Open311 check's client and schema validator import in python3.
fn python_clients_present() -> bool {
    which("python3").is_some_and(|p| query(Command::new(p).args(["-c", "import georeport, jsonschema, xmltodict"])).is_some())
}

fn schemathesis() -> Result<(), String> {
    if schemathesis_command().is_some() && python_clients_present() {
        return Ok(());
    }
    let requirements = root().join("xtask/requirements-test.txt");
    let pip = |extra: &[&str]| {
        let mut cmd = Command::new("python3");
        cmd.args([
            "-m",
            "pip",
            "install",
            "--quiet",
            "--disable-pip-version-check",
            "-r",
        ])
        .arg(&requirements)
        .args(extra);
        run(&mut cmd)
    };
    // Debian's own python3 refuses system-wide pip installs (PEP 668); the
    // pyenv interpreter this machine ships does not, so that is tried first.
    pip(&[]).or_else(|_| pip(&["--break-system-packages"]))?;
    schemathesis_command()
        .map(|_| ())
        .ok_or_else(|| "schemathesis still not runnable after pip install".into())
}

/// `npm ci` only when the lockfile changed since the last install: it wipes
/// node_modules first, which costs time on every local run otherwise.
fn e2e_node_modules() -> Result<(), String> {
    let e2e = root().join("e2e");
    let lock = e2e.join("package-lock.json");
    if !lock.is_file() {
        return Err(
            "e2e/package-lock.json is missing; run `npm install` in e2e/ and commit the lockfile"
                .into(),
        );
    }
    let installed = e2e.join("node_modules/.package-lock.json");
    if newer_or_same(&installed, &lock) && newer_or_same(&installed, &e2e.join("package.json")) {
        return Ok(());
    }
    run(Command::new("npm")
        .args(["ci", "--no-audit", "--no-fund"])
        .current_dir(&e2e))
}

fn newer_or_same(a: &Path, b: &Path) -> bool {
    let modified = |p: &Path| std::fs::metadata(p).and_then(|m| m.modified()).ok();
    matches!((modified(a), modified(b)), (Some(a), Some(b)) if a >= b)
}
