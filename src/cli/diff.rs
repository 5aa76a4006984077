//! `wstriage diff OLD [NEW]`: what changed between two runs, or two agents of one run.

use crate::cli::{EXIT_FAILED, EXIT_INPUT};
use crate::diff::load::{diff_folders, AgentChoice};
use crate::diff::DiffOptions;
use crate::select::CaseSelector;
use clap::{Args, ValueEnum};
use std::io::IsTerminal;
use std::path::PathBuf;

/// Compare two report folders (two versions of one implementation), or two agents of one.
#[derive(Debug, Args)]
#[command(after_help = "\
Every case on either side is classified: regression (behavior or close behavior ranks lower), \
fix (ranks higher, nothing lower), changed (different but of equal rank: another close code, \
OK vs INFORMATIONAL), new, missing, unchanged. Ranking, best first: behavior OK = INFORMATIONAL > \
NON-STRICT > UNIMPLEMENTED > FAILED; close OK = INFORMATIONAL > FAILED BY CLIENT > WRONG CODE > \
UNCLEAN > FAILED (see docs/verdicts.md). 7.9.x cases are paired by description, because their ids \
name different close codes in different suite versions.

Exit status: 0 no regression, 1 at least one regression, 2 usage or input error.")]
pub struct DiffArgs {
    /// The older report folder (or the only one, with --agents A,B).
    pub old: PathBuf,
    /// The newer report folder.
    pub new: Option<PathBuf>,
    /// Compare this agent on both sides (when a folder holds several).
    #[arg(long, conflicts_with = "agents")]
    pub agent: Option<String>,
    /// OLD's agent and NEW's agent, comma-separated: two agents of one folder, or an agent
    /// renamed between versions (`mylib@1,mylib@2`).
    #[arg(long, value_name = "OLD,NEW")]
    pub agents: Option<String>,
    /// Only these cases (wstest glob syntax, comma-separated: `1.*,7.9.*`).
    #[arg(long, value_name = "GLOBS")]
    pub cases: Vec<String>,
    /// Leave out these cases (wstest glob syntax).
    #[arg(long, value_name = "GLOBS")]
    pub exclude: Vec<String>,
    /// Relative time change that counts as slower/faster, for the cases whose time the suite
    /// reports (9.x, 12.x, 13.x).
    #[arg(long, default_value = "25%", value_name = "PERCENT")]
    pub time_threshold: String,
    /// Absolute time change below which nothing is reported, in ms.
    #[arg(long, default_value_t = 50, value_name = "MS")]
    pub time_floor: u64,
    /// Output format.
    #[arg(long, value_enum, default_value_t = DiffFormat::Table)]
    pub format: DiffFormat,
    /// Also list unchanged cases.
    #[arg(long)]
    pub all: bool,
    /// Read every case file (slower) so that equal verdicts with different observed events
    /// count as "changed".
    #[arg(long)]
    pub events: bool,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum DiffFormat {
    Table,
    Json,
    Markdown,
}

fn parse_percent(s: &str) -> Option<f64> {
    let v: f64 = s.trim().trim_end_matches('%').trim().parse().ok()?;
    (v.is_finite() && v >= 0.0).then_some(v)
}

pub fn run(args: DiffArgs) -> i32 {
    let Some(pct) = parse_percent(&args.time_threshold) else {
        eprintln!(
            "error: --time-threshold {:?}: expected a percentage such as 25%",
            args.time_threshold
        );
        return EXIT_INPUT;
    };
    let choice = match (&args.agent, &args.agents) {
        (Some(a), _) => AgentChoice::Same(a.clone()),
        (None, Some(pair)) => match pair.split_once(',') {
            Some((a, b)) if !a.trim().is_empty() && !b.trim().is_empty() => {
                AgentChoice::Pair(a.trim().to_string(), b.trim().to_string())
            }
            _ => {
                eprintln!("error: --agents expects two names: OLD,NEW");
                return EXIT_INPUT;
            }
        },
        (None, None) => AgentChoice::Auto,
    };
    let select = CaseSelector::from_lists(&args.cases, &args.exclude);
    let opts = DiffOptions {
        time_threshold_pct: pct,
        time_floor_ms: args.time_floor,
    };
    let diffs = match diff_folders(
        &args.old,
        args.new.as_deref(),
        &choice,
        &select,
        &opts,
        args.events,
    ) {
        Ok(d) => d,
        Err(e) => {
            eprintln!("error: {e}");
            return EXIT_INPUT;
        }
    };
    match args.format {
        DiffFormat::Table => {
            let width = (!std::io::stdout().is_terminal()).then_some(160);
            crate::render::write_stdout(&crate::render::diff_table::render(
                &diffs, args.all, width,
            ));
        }
        DiffFormat::Markdown => {
            crate::render::write_stdout(&crate::render::markdown::diff(&diffs, args.all))
        }
        DiffFormat::Json => {
            let value = serde_json::json!({
                "regression": diffs.iter().any(|d| d.has_regression()),
                "comparisons": diffs,
            });
            match serde_json::to_string_pretty(&value) {
                Ok(s) => crate::render::write_stdout(&format!("{s}\n")),
                Err(e) => {
                    eprintln!("error: {e}");
                    return EXIT_INPUT;
                }
            }
        }
    }
    if diffs.iter().any(|d| d.has_regression()) {
        EXIT_FAILED
    } else {
        0
    }
}
