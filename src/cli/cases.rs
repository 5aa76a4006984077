//! `wstriage cases`: one line per matching case, from the index (or the case files when a
//! folder has no index).

use crate::cli::report_errors;
use crate::model::{Behavior, CaseSummary};
use crate::parse::{agent_matches, load_runs};
use crate::render::case_lines;
use crate::select::CaseSelector;
use std::io::Write;
use std::path::PathBuf;

#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, clap::ValueEnum)]
pub enum CasesFormat {
    /// One aligned line per case.
    #[default]
    Lines,
    /// A JSON array of index rows.
    Json,
}

#[derive(Debug, clap::Args)]
pub struct CasesArgs {
    /// Report folders or trees of them (or index.json files, or case files).
    #[arg(required = true)]
    pub paths: Vec<PathBuf>,
    /// Only this agent.
    #[arg(long)]
    pub agent: Option<String>,
    /// Keep cases whose behavior or close behavior is one of these (suite spelling, e.g.
    /// `FAILED,UNCLEAN,"WRONG CODE"`; `_` may stand for the space).
    #[arg(long, value_delimiter = ',')]
    pub behavior: Vec<String>,
    /// Case ids to keep, wstest glob syntax, comma-separated or repeated.
    #[arg(long = "case", visible_alias = "cases")]
    pub case: Vec<String>,
    /// Case ids to leave out.
    #[arg(long)]
    pub exclude: Vec<String>,
    #[arg(long, value_enum, default_value_t)]
    pub format: CasesFormat,
}

pub fn run(args: CasesArgs) -> i32 {
    let mut wanted = Vec::new();
    for b in &args.behavior {
        match Behavior::parse(b) {
            Some(v) => wanted.push(v),
            None => {
                eprintln!(
                    "wstriage: error: --behavior {b:?} is not a verdict (OK, NON-STRICT, INFORMATIONAL, UNIMPLEMENTED, FAILED, WRONG CODE, UNCLEAN, FAILED BY CLIENT, NO_CLOSE)"
                );
                return crate::cli::EXIT_INPUT;
            }
        }
    }
    let select = CaseSelector::from_lists(&args.case, &args.exclude);
    let loaded = load_runs(&args.paths);
    let rows: Vec<&CaseSummary> = loaded
        .items
        .iter()
        .flat_map(|r| r.cases.iter())
        .filter(|c| agent_matches(args.agent.as_deref(), &c.agent))
        .filter(|c| select.selects(&c.case_id))
        .filter(|c| {
            wanted.is_empty()
                || wanted.contains(&c.behavior)
                || c.behavior_close.is_some_and(|b| wanted.contains(&b))
        })
        .collect();
    let mut out = std::io::stdout().lock();
    let _ = match args.format {
        CasesFormat::Json => serde_json::to_string_pretty(&rows)
            .map_err(std::io::Error::other)
            .and_then(|s| writeln!(out, "{s}")),
        CasesFormat::Lines => rows
            .iter()
            .try_for_each(|c| writeln!(out, "{}", case_lines::line(c))),
    };
    let _ = out.flush();
    // An empty match is an answer here ("no FAILED case"), not an error.
    report_errors(&loaded.errors, false, "")
}
