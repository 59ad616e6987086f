//! The benchmark's markdown: printed, and kept in BENCHMARKS.md between
//! markers so each run replaces its own section and leaves prose alone.

use std::path::Path;

use super::wrk::Figures;

const BEGIN: &str = "<!-- BEGIN cargo xtask bench (generated; edits inside are overwritten) -->";
const END: &str = "<!-- END cargo xtask bench -->";

const HEADER: &str = "# Benchmarks

Figures come from `cargo xtask bench`, run on the project's shared 2-core machine
with the server and the load generator pinned to different cores. That machine is
shared and noisy, so read the numbers as a rough trend between commits, not a promise;
no test asserts on them.
";

pub struct Row {
    pub label: String,
    pub figures: Figures,
    pub command: String,
}

pub struct Context {
    pub date: String,
    pub commit: String,
    pub cpu: String,
    pub server_command: String,
    pub peak_rss_kib: Option<u64>,
}

pub fn section(ctx: &Context, rows: &[Row]) -> String {
    let mut s = String::new();
    s.push_str("## HTTP throughput (`cargo xtask bench`)\n\n");
    s.push_str(&format!(
        "Measured {} at commit `{}` on {}.\n\n",
        ctx.date, ctx.commit, ctx.cpu
    ));
    s.push_str(&format!(
        "Server: `{}` (demo data, SQLite).\n\n",
        ctx.server_command
    ));
    s.push_str("| request | requests/s | p50 | p99 | non-2xx | socket errors |\n");
    s.push_str("|---|---:|---:|---:|---:|---|\n");
    for r in rows {
        let f = &r.figures;
        s.push_str(&format!(
            "| {} | {:.0} | {} | {} | {} | {} |\n",
            r.label, f.requests_per_sec, f.p50, f.p99, f.non_2xx, f.socket_errors
        ));
    }
    let rss = match ctx.peak_rss_kib {
        Some(kib) => format!("{:.1} MiB", kib as f64 / 1024.0),
        None => "not read".into(),
    };
    s.push_str(&format!(
        "\nServer peak RSS (VmHWM) after the runs: {rss}.\n\nCommands:\n\n```sh\n"
    ));
    for r in rows {
        s.push_str(&r.command);
        s.push('\n');
    }
    s.push_str("```\n");
    s
}

/// Replaces the generated section, or appends one (creating the file with
/// its header if need be).
pub fn update_file(path: &Path, section: &str) -> std::io::Result<()> {
    let existing = std::fs::read_to_string(path).unwrap_or_else(|_| HEADER.to_string());
    std::fs::write(path, splice(&existing, section))
}

fn splice(existing: &str, section: &str) -> String {
    let block = format!("{BEGIN}\n{section}{END}\n");
    match (existing.find(BEGIN), existing.find(END)) {
        (Some(b), Some(e)) if e > b => {
            let after = existing[e + END.len()..]
                .strip_prefix('\n')
                .unwrap_or(&existing[e + END.len()..]);
            format!("{}{block}{after}", &existing[..b])
        }
        _ => {
            let sep = if existing.ends_with("\n\n") || existing.is_empty() {
                ""
            } else if existing.ends_with('\n') {
                "\n"
            } else {
                "\n\n"
            };
            format!("{existing}{sep}{block}")
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn splice_appends_then_replaces_only_its_block() {
        let first = splice(HEADER, "one\n");
        assert!(first.starts_with("# Benchmarks") && first.contains("one\n"));
        let edited = format!("{first}\nNotes kept by hand.\n");
        let second = splice(&edited, "two\n");
        assert!(second.contains("two\n") && !second.contains("one\n"));
        assert!(second.ends_with("\nNotes kept by hand.\n"));
        assert_eq!(second.matches(BEGIN).count(), 1);
    }
}
