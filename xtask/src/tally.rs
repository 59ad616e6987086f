//! Stage outcomes and the parsers that read pass/fail counts out of each
//! runner's closing lines.

use std::time::Duration;

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Outcome {
    Counted {
        passed: u64,
        failed: u64,
    },
    /// The stage could not produce a verdict (tool missing, build broke,
    /// server never came up). It counts as one failure so that the closing
    /// line can never read as green when something did not run.
    NotRun(String),
}

pub struct Stage {
    pub name: String,
    pub outcome: Outcome,
    pub took: Duration,
}

#[derive(Default)]
pub struct Tally {
    stages: Vec<Stage>,
}

impl Tally {
    pub fn record(&mut self, name: &str, outcome: Outcome, took: Duration) {
        let line = match &outcome {
            Outcome::Counted { passed, failed } => format!("{passed} passed, {failed} failed"),
            Outcome::NotRun(why) => format!("DID NOT RUN: {why}"),
        };
        println!("\n==> {name}: {line} ({:.1}s)\n", took.as_secs_f64());
        self.stages.push(Stage {
            name: name.to_string(),
            outcome,
            took,
        });
    }

    pub fn totals(&self) -> (u64, u64) {
        self.stages
            .iter()
            .fold((0, 0), |(p, f), s| match s.outcome {
                Outcome::Counted { passed, failed } => (p + passed, f + failed),
                Outcome::NotRun(_) => (p, f + 1),
            })
    }

    pub fn all_green(&self) -> bool {
        self.totals().1 == 0
    }

    /// Prints one row per stage, then the closing line CI reads.
    pub fn print_summary(&self) {
        println!("\n==> summary");
        for s in &self.stages {
            let verdict = match &s.outcome {
                Outcome::Counted { passed, failed } => format!("{passed} passed, {failed} failed"),
                Outcome::NotRun(why) => format!("did not run: {why}"),
            };
            println!("  {:<28} {verdict} ({:.1}s)", s.name, s.took.as_secs_f64());
        }
        let (passed, failed) = self.totals();
        println!("{passed} passed, {failed} failed");
    }
}

/// Turns a runner's captured output and exit status into an outcome. A runner
/// that exited non-zero while reporting no failures still failed at something
/// (a crash, a load error), and must not read as green.
pub fn judge(counts: Option<(u64, u64)>, exit_ok: bool, runner: &str) -> Outcome {
    match counts {
        Some((passed, failed)) if exit_ok || failed > 0 => Outcome::Counted { passed, failed },
        Some(_) => Outcome::NotRun(format!(
            "{runner} exited non-zero although it reported no failures"
        )),
        None if exit_ok => Outcome::NotRun(format!("{runner} printed no summary line")),
        None => Outcome::NotRun(format!("{runner} failed before reporting results")),
    }
}

/// Colour codes would split the words we look for.
pub fn strip_ansi(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut chars = text.chars().peekable();
    while let Some(c) = chars.next() {
        if c == '\u{1b}' && chars.peek() == Some(&'[') {
            chars.next();
            for c in chars.by_ref() {
                if c.is_ascii_alphabetic() {
                    break;
                }
            }
        } else {
            out.push(c);
        }
    }
    out
}

/// nextest: `Summary [  1.234s] 40 tests run: 38 passed (1 slow), 2 failed, 1 skipped`.
/// Timed-out and exec-failed tests count as failures; parenthesised notes
/// (slow, leaky, flaky) qualify a count rather than add one.
pub fn parse_nextest(output: &str) -> Option<(u64, u64)> {
    let text = strip_ansi(output);
    let line = text
        .lines()
        .rev()
        .find(|l| l.trim_start().starts_with("Summary [") && l.contains(" run:"))?;
    let counts = drop_parenthesised(&line[line.find(" run:")? + " run:".len()..]);
    let (mut passed, mut failed) = (0, 0);
    for part in counts.split(',') {
        let mut words = part.split_whitespace();
        let Some(n) = words.next().and_then(|n| n.parse::<u64>().ok()) else {
            continue;
        };
        match words.collect::<Vec<_>>().join(" ").as_str() {
            "passed" => passed += n,
            "skipped" => {}
            _ => failed += n,
        }
    }
    Some((passed, failed))
}

fn drop_parenthesised(text: &str) -> String {
    let mut depth = 0usize;
    text.chars()
        .filter(|&c| match c {
            '(' => {
                depth += 1;
                false
            }
            ')' => {
                depth = depth.saturating_sub(1);
                false
            }
            _ => depth == 0,
        })
        .collect()
}

/// cargo test prints one `test result:` line per test binary; sum them all.
pub fn parse_cargo_test(output: &str) -> Option<(u64, u64)> {
    let text = strip_ansi(output);
    let mut found = None;
    for line in text
        .lines()
        .filter_map(|l| l.trim_start().strip_prefix("test result: "))
    {
        let (p, f) = found.get_or_insert((0, 0));
        for part in line.split(';') {
            let mut words = part.split_whitespace().rev();
            let (Some(label), Some(n)) = (words.next(), words.next()) else {
                continue;
            };
            let Ok(n) = n.parse::<u64>() else { continue };
            match label {
                "passed" => *p += n,
                "failed" => *f += n,
                _ => {}
            }
        }
    }
    found
}

/// node --test with the TAP reporter ends with `# pass N`, `# fail N` and
/// `# cancelled N`; a cancelled test (timeout, crashed file) did not pass.
pub fn parse_tap(output: &str) -> Option<(u64, u64)> {
    let text = strip_ansi(output);
    let last = |key: &str| {
        text.lines().rev().find_map(|l| {
            l.trim()
                .strip_prefix(key)
                .and_then(|n| n.trim().parse::<u64>().ok())
        })
    };
    let passed = last("# pass ")?;
    let failed = last("# fail ")?;
    Some((passed, failed + last("# cancelled ").unwrap_or(0)))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn nextest_all_green_with_skips() {
        let out = "  PASS [ 0.1s] a\n------------\n     Summary [  12.345s] 40 tests run: 40 passed, 2 skipped\n";
        assert_eq!(parse_nextest(out), Some((40, 0)));
    }

    #[test]
    fn nextest_failures_timeouts_and_notes() {
        let out = "Summary [ 3.0s] 10 tests run: 6 passed (1 slow, 1 leaky), 2 failed, 1 timed out, 1 exec failed, 3 skipped";
        assert_eq!(parse_nextest(out), Some((6, 4)));
    }

    #[test]
    fn nextest_cancelled_run_and_colours() {
        let out = "\u{1b}[32;1m     Summary\u{1b}[0m [   1.2s] 3/9 tests run: 2 passed, \u{1b}[31;1m1 failed\u{1b}[0m, 6 skipped";
        assert_eq!(parse_nextest(out), Some((2, 1)));
    }

    #[test]
    fn nextest_without_summary_is_none() {
        assert_eq!(parse_nextest("error: could not compile `x`"), None);
    }

    #[test]
    fn cargo_test_sums_every_binary() {
        let out = "test result: ok. 3 passed; 0 failed; 1 ignored; 0 measured; 0 filtered out; finished in 0.01s\n\
                   test result: FAILED. 5 passed; 2 failed; 0 ignored; 0 measured; 0 filtered out; finished in 1.2s\n";
        assert_eq!(parse_cargo_test(out), Some((8, 2)));
        assert_eq!(parse_cargo_test("Compiling x"), None);
    }

    #[test]
    fn tap_summary_counts_cancelled_as_failed() {
        let out = "TAP version 13\nok 1 - a\n# tests 5\n# suites 0\n# pass 3\n# fail 1\n# cancelled 1\n# skipped 0\n";
        assert_eq!(parse_tap(out), Some((3, 2)));
        assert_eq!(parse_tap("# tests 0"), None);
    }

    #[test]
    fn a_non_zero_exit_never_reads_green() {
        assert_eq!(
            judge(Some((4, 0)), false, "node"),
            Outcome::NotRun("node exited non-zero although it reported no failures".into())
        );
        assert_eq!(
            judge(Some((4, 1)), false, "node"),
            Outcome::Counted {
                passed: 4,
                failed: 1
            }
        );
        assert!(matches!(judge(None, true, "node"), Outcome::NotRun(_)));
    }

    #[test]
    fn not_run_stages_count_as_failures() {
        let mut t = Tally::default();
        t.record(
            "a",
            Outcome::Counted {
                passed: 3,
                failed: 0,
            },
            Duration::ZERO,
        );
        t.record("b", Outcome::NotRun("missing".into()), Duration::ZERO);
        assert_eq!(t.totals(), (3, 1));
        assert!(!t.all_green());
    }
}
