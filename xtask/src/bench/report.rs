//! The benchmark's markdown: printed, and kept in BENCHMARKS.md between
//! markers so each run replaces its own section and leaves prose alone.

use std::path::Path;

use super::wrk::Figures;

/// Which generated block of BENCHMARKS.md a run owns: each run replaces only its own.
#[derive(Clone, Copy)]
pub enum Block {
    Http,
    City,
    Intake,
    Stats,
    Open311,
    Search,
}

impl Block {
    fn name(self) -> &'static str {
        match self {
            Block::Http => "cargo xtask bench",
            Block::City => "cargo xtask bench --city",
            Block::Intake => "cargo xtask bench --intake",
            Block::Stats => "cargo xtask bench --stats",
            Block::Open311 => "cargo xtask bench --open311",
            Block::Search => "cargo xtask bench --search",
        }
    }

    fn begin(self) -> String {
        format!("<!-- BEGIN {} (generated; edits inside are overwritten) -->", self.name())
    }

    fn end(self) -> String {
        format!("<!-- END {} -->", self.name())
    }
}

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

/// The city-scale block: how the city was made, the query figures, the import.
pub fn city_section(ctx: &Context, city: &super::city::CityFigures) -> String {
    let mut s = String::from("## The registry at Hohhot's size (`cargo xtask bench --city`)\n\n");
    s.push_str(&format!("Measured {} at commit `{}` on {}.\n\n", ctx.date, ctx.commit, ctx.cpu));
    s.push_str(&format!(
        "The city comes from `cargo xtask gen` (`target/release/fengqiao gen --households {} --data-dir target/city`, SQLite), \
         made once and kept: {}\n\n",
        super::city::HOUSEHOLDS,
        city.generated.trim()
    ));
    s.push_str(&format!("Server: `{}`.\n\n", ctx.server_command));
    table(&mut s, &city.rows);
    s.push_str(
        "\nEach load runs 3 s unrecorded first. The household lists walk all 4,188 grids, so most requests read \
         pages no earlier request touched: their p99 is the disk's and the page cache's as much as the query's.\n",
    );
    s.push_str(&format!("\n{}\n\nCommands:\n\n```sh\n", city.import));
    for r in &city.rows {
        s.push_str(&r.command);
        s.push('\n');
    }
    s.push_str("```\n");
    s
}

/// The Open311 block: submissions and the capped list.
pub fn open311_section(ctx: &Context, rows: &[Row]) -> String {
    let mut s = String::from("## Open311 (`cargo xtask bench --open311`)\n\n");
    s.push_str(&format!("Measured {} at commit `{}` on {}.\n\n", ctx.date, ctx.commit, ctx.cpu));
    s.push_str(&format!(
        "Server: `{}` on a fresh demo world (SQLite). Each submission checks and rate-counts an API key, places the point in \
         the deepest mapped grid, and commits the case with its submission and audit row; the list then answers the \
         newest 1,000 submissions of the last 90 days, the specification's cap.\n\n",
        ctx.server_command
    ));
    table(&mut s, rows);
    s.push_str("\nCommands:\n\n```sh\n");
    for r in rows {
        s.push_str(&r.command);
        s.push('\n');
    }
    s.push_str("```\n");
    s
}

/// The intake block: HTTP beside the store's floor, per backend.
pub fn intake_section(ctx: &Context, backends: &[super::intake::Backend]) -> String {
    let mut s = String::from("## Taking cases in (`cargo xtask bench --intake`)\n\n");
    s.push_str(&format!("Measured {} at commit `{}` on {}.\n\n", ctx.date, ctx.commit, ctx.cpu));
    s.push_str(&format!(
        "Server: `{}` on a fresh demo world. Over HTTP each request is a grid worker's bearer token checked, the body \
         validated, two parties' phones encrypted and indexed, and the case, its parties, first timeline entry, number and \
         audit row committed before the answer. Intakes that arrive while a write is under way share the next \
         transaction (group commit, at most 128 per transaction; `crates/store/src/intake_queue.rs`). The floor is \
         `fengqiao raw-intake`: the same rows, prepared and encrypted beforehand, written through the same store call with \
         the same concurrency into the same database right after, without HTTP, token or validation. SQLite runs in WAL mode with `synchronous=NORMAL` (a commit survives the process dying; \
         a power cut can lose the last few).\n\n",
        ctx.server_command
    ));
    table(&mut s, backends.iter().map(|b| &b.http));
    s.push_str("\n| floor: store only | rows | rows/s | p50 | p99 |\n|---|---:|---:|---:|---:|\n");
    for b in backends {
        s.push_str(&format!("| {} | {} | {:.0} | {:.2}ms | {:.2}ms |\n", b.name, b.raw.rows, b.raw.per_sec, b.raw.p50_ms, b.raw.p99_ms));
    }
    s.push_str("\nCommands:\n\n```sh\n");
    for b in backends {
        s.push_str(&b.http.command);
        s.push('\n');
        s.push_str(&b.raw_command);
        s.push('\n');
    }
    s.push_str("```\n");
    s
}

/// The figures block: sums beside a raw recount, per backend.
pub fn stats_section(ctx: &Context, runs: &[super::stats::StatsFigures], http: &[Row], exports: &[super::export::ExportFigures]) -> String {
    let mut s = String::from("## Case figures at city scale (`cargo xtask bench --stats`)\n\n");
    s.push_str(&format!("Measured {} at commit `{}` on {}.\n\n", ctx.date, ctx.commit, ctx.cpu));
    s.push_str(
        "Each run asks for the figures of random areas (city to grid) × random periods (a month, a quarter, a year, \
         or any stretch within the last ten years) as `GET /api/v1/stats/cases` computes them (the sums the write path \
         keeps, the child areas' sums, and the live count of overdue cases whose deadline passed after the overdue \
         mark), in-process without HTTP. Before the first, it moves the overdue mark to now as a server's first \
         deadline-monitor pass would (the cases it settled and the time it took are in the table). For the first 60 it \
         also reads the area's sums alone and counts intake, resolved and overdue straight from the raw cases with one \
         `COUNT`/`SUM` over the area's subtree and period; the two must agree or the run fails.\n\n",
    );
    s.push_str("| backend | cases | areas | mark moved over | in | figures p50 | figures p99 | sums only p50 | sums only p99 | raw recount p50 | raw recount p99 |\n");
    s.push_str("|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|\n");
    for r in runs {
        s.push_str(&format!(
            "| {} | {:.0} | {:.0} | {:.0} cases | {:.1} s | {:.2}ms | {:.2}ms | {:.2}ms | {:.2}ms | {:.1}ms | {:.1}ms |\n",
            r.backend,
            r.get("cases"),
            r.get("areas"),
            r.get("mark_settled_cases"),
            r.get("mark_settle_s"),
            r.get("figures_p50_ms"),
            r.get("figures_p99_ms"),
            r.get("sums_p50_ms"),
            r.get("sums_p99_ms"),
            r.get("recount_p50_ms"),
            r.get("recount_p99_ms")
        ));
    }
    s.push_str(&format!("\nThe same over HTTP, as the dashboard asks for it, and the dashboard page itself; server: `{}` on the generated city.\n\n", ctx.server_command));
    table(&mut s, http);
    s.push_str(
        "\nThe case ledger of the whole city (`GET /api/v1/cases/export.{xlsx,csv}?area=1501&from=…&to=…`, admin), for the \
         shortest stretch of whole years up to 2025 that holds a million cases; each format on a freshly started server, whose \
         resident memory is read just before the export and, as the high-water mark (VmHWM), when the last byte has \
         arrived. Both are the whole process, SQLite's page caches included (the export reads on two connections of 2 MB \
         each); the export itself holds two pages of 1,000 rows (one read ahead) and the compressor's state: the file, \
         CSV or the XLSX zip, is written to the wire as it is made.\n\n",
    );
    s.push_str("| format | period | rows | file size | seconds | rows/s | server RSS before | server peak RSS |\n|---|---|---:|---:|---:|---:|---:|---:|\n");
    let mib = |k: Option<u64>| k.map(|k| format!("{:.0} MiB", k as f64 / 1024.0)).unwrap_or_else(|| "not read".into());
    for e in exports {
        s.push_str(&format!(
            "| {} | {} | {} | {:.0} MB | {:.1} | {:.0} | {} | {} |\n",
            e.format,
            e.period,
            e.rows,
            e.bytes as f64 / 1e6,
            e.seconds,
            e.rows as f64 / e.seconds,
            mib(e.rss_before_kib),
            mib(e.peak_rss_kib)
        ));
    }
    s.push_str("\nCommands:\n\n```sh\n");
    for line in runs.iter().map(|r| &r.command).chain(http.iter().map(|r| &r.command)).chain(exports.iter().map(|e| &e.command)) {
        s.push_str(line);
        s.push('\n');
    }
    s.push_str("```\n");
    s
}

/// The search block: building an index from every case, then scoped queries.
pub fn search_section(ctx: &Context, f: &super::search::SearchFigures) -> String {
    let mut s = String::from("## Case search (`cargo xtask bench --search`)\n\n");
    s.push_str(&format!("Measured {} at commit `{}` on {}, on the world in `{}`.\n\n", ctx.date, ctx.commit, ctx.cpu, f.world));
    s.push_str(
        "The run builds a fresh tantivy index (jieba words, Han character pairs, party names) from every case in the \
         database, as `fengqiao reindex` does, then times queries in-process as `GET /api/v1/search/cases` runs them: \
         two-character words, surnames, places, Chinese with digits and two-term queries, each within a random scope \
         (the city, a district or a street), with the total count and the first 20 results marked up.\n\n",
    );
    s.push_str("| cases | index build | cases/s | index size | queries | p50 | p90 | p99 | max | mean matches |\n");
    s.push_str("|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|\n");
    s.push_str(&format!(
        "| {:.0} | {:.1}s | {:.0} | {:.0} MB | {:.0} | {:.2}ms | {:.2}ms | {:.2}ms | {:.2}ms | {:.0} |\n",
        f.get("cases"),
        f.get("build_secs"),
        f.get("cases_per_sec"),
        f.get("index_bytes") / 1e6,
        f.get("samples"),
        f.get("p50_ms"),
        f.get("p90_ms"),
        f.get("p99_ms"),
        f.get("max_ms"),
        f.get("mean_total")
    ));
    s.push_str(&format!("\nCommand:\n\n```sh\n{}\n```\n", f.command));
    s
}

fn table<'a>(s: &mut String, rows: impl IntoIterator<Item = &'a Row>) {
    s.push_str("| request | requests/s | p50 | p99 | non-2xx | socket errors |\n");
    s.push_str("|---|---:|---:|---:|---:|---|\n");
    for r in rows {
        let f = &r.figures;
        s.push_str(&format!(
            "| {} | {:.0} | {} | {} | {} | {} |\n",
            r.label, f.requests_per_sec, f.p50, f.p99, f.non_2xx, f.socket_errors
        ));
    }
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
    table(&mut s, rows);
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
pub fn update_file(path: &Path, which: Block, section: &str) -> std::io::Result<()> {
    let existing = std::fs::read_to_string(path).unwrap_or_else(|_| HEADER.to_string());
    std::fs::write(path, splice(&existing, which, section))
}

fn splice(existing: &str, which: Block, section: &str) -> String {
    let (begin, end) = (which.begin(), which.end());
    let block = format!("{begin}\n{section}{end}\n");
    // The END marker is searched after BEGIN: the other block's markers differ only in
    // their name, and "--city" blocks must not end at the plain block's END.
    let found = existing.find(&begin).and_then(|b| existing[b..].find(&end).map(|e| (b, b + e)));
    match found {
        Some((b, e)) => {
            let after = existing[e + end.len()..]
                .strip_prefix('\n')
                .unwrap_or(&existing[e + end.len()..]);
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
        let first = splice(HEADER, Block::Http, "one\n");
        assert!(first.starts_with("# Benchmarks") && first.contains("one\n"));
        let edited = format!("{first}\nNotes kept by hand.\n");
        let second = splice(&edited, Block::Http, "two\n");
        assert!(second.contains("two\n") && !second.contains("one\n"));
        assert!(second.ends_with("\nNotes kept by hand.\n"));
        assert_eq!(second.matches(&Block::Http.begin()).count(), 1);
    }

    #[test]
    fn the_two_blocks_replace_only_themselves() {
        let both = splice(&splice(HEADER, Block::Http, "http one\n"), Block::City, "city one\n");
        let again = splice(&splice(&both, Block::City, "city two\n"), Block::Http, "http two\n");
        assert!(again.contains("http two\n") && again.contains("city two\n"));
        assert!(!again.contains("one\n"));
        assert!(again.find("http two").unwrap() < again.find("city two").unwrap());
    }
}
