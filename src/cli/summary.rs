//! `wstriage summary`: per agent, the count of each verdict. Reads index.json only (falls back
//! to the case files when a folder has none).

use crate::cli::report_errors;
use crate::parse::{agent_matches, load_runs};
use crate::render::summary::{summarize, table};
use std::io::Write;
use std::path::PathBuf;

#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, clap::ValueEnum)]
pub enum SummaryFormat {
    /// A table for the terminal.
    #[default]
    Table,
    /// A JSON array, one object per agent of each run.
    Json,
}

#[derive(Debug, clap::Args)]
pub struct SummaryArgs {
    /// Report folders or trees of them (or index.json files, or case files).
    #[arg(required = true)]
    pub paths: Vec<PathBuf>,
    /// Only this agent.
    #[arg(long)]
    pub agent: Option<String>,
    #[arg(long, value_enum, default_value_t)]
    pub format: SummaryFormat,
}

pub fn run(args: SummaryArgs) -> i32 {
    let mut loaded = load_runs(&args.paths);
    for run in &mut loaded.items {
        run.cases
            .retain(|c| agent_matches(args.agent.as_deref(), &c.agent));
    }
    let rows = summarize(&loaded.items);
    let mut out = std::io::stdout().lock();
    let _ = match args.format {
        SummaryFormat::Json => serde_json::to_string_pretty(&rows)
            .map_err(std::io::Error::other)
            .and_then(|s| writeln!(out, "{s}")),
        SummaryFormat::Table if rows.is_empty() => Ok(()),
        SummaryFormat::Table => writeln!(out, "{}", table(&rows)),
    };
    let _ = out.flush();
    report_errors(&loaded.errors, rows.is_empty(), "no case found")
}
