//! Progress of a suite run: cases done / total, the cases running now, elapsed time.
//!
//! wstest writes its report files only at the very end (`FuzzingFactory.createReports`), so
//! counting files shows nothing until then. What it does print as it goes is one line per case
//! it starts (`fuzzing.py`: "Running test case ID 6.4.1 for agent X from peer tcp:…"), in both
//! modes; a case counts as done when its shard starts the next one or exits. On a terminal the
//! count is an indicatif bar on stderr; elsewhere (CI logs) a plain line every 30 seconds.

use indicatif::{ProgressBar, ProgressDrawTarget, ProgressStyle};
use std::io::IsTerminal;
use std::time::{Duration, Instant};

/// Reads wstest's "Running test case ID 1.2.3 for agent NAME from peer …" line.
pub fn parse_running_line(line: &str) -> Option<(&str, &str)> {
    let rest = line.trim().strip_prefix("Running test case ID ")?;
    let (id, rest) = rest.split_once(" for agent ")?;
    let agent = match rest.rsplit_once(" from peer ") {
        Some((agent, _)) => agent,
        None => rest,
    };
    Some((id, agent))
}

/// How progress is shown.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ProgressMode {
    /// A bar on a terminal, periodic lines otherwise.
    Auto,
    /// Nothing (tests, `--quiet`).
    Off,
}

#[derive(Debug, Default, Clone)]
struct ShardState {
    started: usize,
    current: Option<String>,
    finished: bool,
}

/// Counts cases across shards and draws them.
pub struct Progress {
    total: usize,
    shards: Vec<ShardState>,
    bar: Option<ProgressBar>,
    plain: bool,
    start: Instant,
    last_plain: Instant,
    /// When a case last started or a shard last finished.
    last_activity: Instant,
}

impl Progress {
    pub fn new(total: usize, shards: usize, mode: ProgressMode) -> Progress {
        let tty = std::io::stderr().is_terminal();
        let bar = (mode == ProgressMode::Auto && tty).then(|| {
            let bar =
                ProgressBar::with_draw_target(Some(total as u64), ProgressDrawTarget::stderr());
            let style = ProgressStyle::with_template(
                "{elapsed_precise} [{bar:30.cyan/blue}] {pos}/{len} cases  {wide_msg}",
            )
            .unwrap_or_else(|_| ProgressStyle::default_bar())
            .progress_chars("=> ");
            bar.set_style(style);
            bar.enable_steady_tick(Duration::from_millis(500));
            bar
        });
        let now = Instant::now();
        Progress {
            total,
            shards: vec![ShardState::default(); shards],
            bar,
            plain: mode == ProgressMode::Auto && !tty,
            start: now,
            last_plain: now,
            last_activity: now,
        }
    }

    /// A line of shard `shard`'s wstest output.
    pub fn line(&mut self, shard: usize, line: &str) {
        if let Some((id, _agent)) = parse_running_line(line) {
            if let Some(s) = self.shards.get_mut(shard) {
                s.started += 1;
                s.current = Some(id.to_string());
            }
            self.last_activity = Instant::now();
            self.redraw();
        }
    }

    /// Shard `shard`'s wstest has exited: its last case is done.
    pub fn shard_finished(&mut self, shard: usize) {
        if let Some(s) = self.shards.get_mut(shard) {
            s.finished = true;
            s.current = None;
        }
        self.last_activity = Instant::now();
        self.redraw();
    }

    /// Cases finished so far.
    pub fn done(&self) -> usize {
        let done: usize = self
            .shards
            .iter()
            .map(|s| {
                if s.finished || s.started == 0 {
                    s.started
                } else {
                    s.started - 1
                }
            })
            .sum();
        done.min(self.total)
    }

    /// The cases running now, one per busy shard.
    pub fn current(&self) -> Vec<&str> {
        self.shards
            .iter()
            .filter_map(|s| s.current.as_deref())
            .collect()
    }

    /// Called from the run loop: prints the periodic plain line when due.
    pub fn tick(&mut self) {
        if self.plain && self.last_plain.elapsed() >= Duration::from_secs(30) {
            self.print_plain();
        }
    }

    fn print_plain(&mut self) {
        self.last_plain = Instant::now();
        eprintln!(
            "suite: {}/{} cases done, {} elapsed{}",
            self.done(),
            self.total,
            format_elapsed(self.start.elapsed()),
            match self.current().as_slice() {
                [] => String::new(),
                cur => format!(", running {}", cur.join(", ")),
            }
        );
    }

    fn redraw(&mut self) {
        let done = self.done() as u64;
        let msg = match self.current().as_slice() {
            [] => String::new(),
            cur => format!("running {}", cur.join(", ")),
        };
        if let Some(bar) = &self.bar {
            bar.set_position(done);
            bar.set_message(msg);
        }
    }

    /// Clears the bar; prints the final count in plain mode.
    pub fn finish(&mut self) {
        if let Some(bar) = self.bar.take() {
            bar.finish_and_clear();
        }
        if self.plain {
            self.print_plain();
        }
    }

    /// Time since a case last started (or a shard finished): how long the run has been stuck,
    /// if it is.
    pub fn idle(&self) -> Duration {
        self.last_activity.elapsed()
    }

    /// Whether any case has started yet.
    pub fn started_any(&self) -> bool {
        self.shards.iter().any(|s| s.started > 0)
    }

    pub fn elapsed(&self) -> Duration {
        self.start.elapsed()
    }
}

impl Drop for Progress {
    fn drop(&mut self) {
        if let Some(bar) = self.bar.take() {
            bar.abandon();
        }
    }
}

/// `1m05s`, `42s`, `1h02m`.
pub fn format_elapsed(d: Duration) -> String {
    let s = d.as_secs();
    match s {
        0..=59 => format!("{s}s"),
        60..=3599 => format!("{}m{:02}s", s / 60, s % 60),
        _ => format!("{}h{:02}m", s / 3600, (s % 3600) / 60),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_wstest_running_lines() {
        assert_eq!(
            parse_running_line(
                "Running test case ID 6.4.1 for agent wstriage from peer tcp:127.0.0.1:9001"
            ),
            Some(("6.4.1", "wstriage"))
        );
        assert_eq!(
            parse_running_line(
                "Running test case ID 2.10 for agent Tornado/py27 from peer tcp4:1.2.3.4:5"
            ),
            Some(("2.10", "Tornado/py27"))
        );
        assert_eq!(parse_running_line("Cases = ['1.1.1']"), None);
        assert_eq!(parse_running_line("Report generation complete."), None);
    }

    #[test]
    fn counts_a_case_done_when_the_next_starts_or_the_shard_ends() {
        let mut p = Progress::new(5, 2, ProgressMode::Off);
        assert_eq!(p.done(), 0);
        p.line(0, "Running test case ID 1.1.1 for agent a from peer x");
        p.line(1, "Running test case ID 9.1.1 for agent a from peer x");
        assert_eq!(p.done(), 0);
        assert_eq!(p.current(), vec!["1.1.1", "9.1.1"]);
        p.line(0, "Running test case ID 1.1.2 for agent a from peer x");
        p.line(0, "some other output");
        assert_eq!(p.done(), 1);
        p.shard_finished(0);
        assert_eq!(p.done(), 2);
        assert_eq!(p.current(), vec!["9.1.1"]);
        p.line(1, "Running test case ID 9.1.2 for agent a from peer x");
        p.shard_finished(1);
        assert_eq!(p.done(), 4);
    }

    #[test]
    fn elapsed_reads_like_a_clock() {
        assert_eq!(format_elapsed(Duration::from_secs(42)), "42s");
        assert_eq!(format_elapsed(Duration::from_secs(65)), "1m05s");
        assert_eq!(format_elapsed(Duration::from_secs(3720)), "1h02m");
    }
}
