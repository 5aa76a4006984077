//! `wstriage explain SOURCE [CASE] [--agent A] [--compare DIR] [--all] [--format text|json]`.

use crate::explain::{cause::is_pass, explain, group_by_cause, Explanation};
use crate::model::{CaseId, CaseReport};
use crate::parse::{agent_matches, load_reports};
use crate::render::explain::{groups_text, text, TextOptions};
use crate::select::CaseSelector;
use clap::{Args, ValueEnum};
use std::path::PathBuf;

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum Format {
    Text,
    Json,
}

#[derive(Debug, Args)]
#[command(
    after_help = "Exit status: 0 explained, 2 usage or input error (nothing could be loaded, case not found)."
)]
pub struct ExplainArgs {
    /// A report folder, a case file (.json or .html), a pasted-text file, or `-` for stdin.
    pub source: PathBuf,
    /// The case id, e.g. 5.17 (required for a folder unless --all).
    pub case: Option<String>,
    /// Explain only this agent (exact name or its file-name form). Without it, every agent
    /// that did not pass the case is explained (all of them if every agent passed).
    #[arg(long)]
    pub agent: Option<String>,
    /// Another report folder to look for a passing peer in.
    #[arg(long, value_name = "DIR")]
    pub compare: Vec<PathBuf>,
    /// Explain every non-passing case of the folder, grouped by likely cause.
    #[arg(long)]
    pub all: bool,
    #[arg(long, value_enum, default_value_t = Format::Text)]
    pub format: Format,
    /// Leave the wire timeline out of the text output.
    #[arg(long)]
    pub no_wire: bool,
}

fn report_errors(errors: &[crate::Error]) {
    for e in errors {
        eprintln!("wstriage explain: {e}");
    }
}

/// Runs the command; returns the exit status.
pub fn run(args: ExplainArgs) -> i32 {
    match run_inner(&args) {
        Ok(out) => {
            print!("{out}");
            0
        }
        Err(msg) => {
            eprintln!("wstriage explain: {msg}");
            super::EXIT_INPUT
        }
    }
}

fn run_inner(args: &ExplainArgs) -> Result<String, String> {
    let is_dir = args.source.is_dir();
    if is_dir && args.case.is_none() && !args.all {
        return Err(format!(
            "{} is a report folder: name a CASE (e.g. 5.17) or use --all",
            args.source.display()
        ));
    }
    let select = match &args.case {
        Some(c) if !args.all => {
            if CaseId::parse(c).is_none() {
                return Err(format!("not a case id: {c:?}"));
            }
            CaseSelector::from_lists(std::slice::from_ref(c), &[])
        }
        _ => CaseSelector::default(),
    };
    // Load every agent: the others are the peers.
    let loaded = load_reports(std::slice::from_ref(&args.source), None, &select);
    report_errors(&loaded.errors);
    let mut peers: Vec<CaseReport> = loaded.items.clone();
    for dir in &args.compare {
        let more = load_reports(std::slice::from_ref(dir), None, &select);
        report_errors(&more.errors);
        peers.extend(more.items);
    }
    let mut targets: Vec<&CaseReport> = loaded
        .items
        .iter()
        .filter(|r| agent_matches(args.agent.as_deref(), &r.agent))
        .collect();
    if targets.is_empty() {
        return Err(match (&args.agent, &args.case) {
            (Some(a), Some(c)) => format!(
                "no record of case {c} for agent {a:?} in {}",
                args.source.display()
            ),
            (Some(a), None) => format!("no records for agent {a:?} in {}", args.source.display()),
            (None, Some(c)) => format!("no record of case {c} in {}", args.source.display()),
            (None, None) => format!("nothing could be loaded from {}", args.source.display()),
        });
    }
    targets.sort_by(|a, b| a.agent.cmp(&b.agent).then(a.case_id.cmp(&b.case_id)));
    let opts = TextOptions {
        no_wire: args.no_wire,
    };

    if args.all {
        let total = targets.len();
        let failing: Vec<Explanation> = targets
            .iter()
            .filter(|r| !is_pass(r))
            .map(|r| explain(r, &peers))
            .collect();
        let groups = group_by_cause(&failing);
        return Ok(match args.format {
            Format::Json => {
                let v = serde_json::json!({
                    "total_cases": total,
                    "not_passed": failing.len(),
                    "groups": groups,
                    "explanations": failing,
                });
                to_json(&v)?
            }
            Format::Text => groups_text(&groups, total),
        });
    }

    // Several agents, no --agent: the ones that did not pass (all, if every one passed).
    if args.agent.is_none() && targets.iter().any(|r| !is_pass(r)) && targets.len() > 1 {
        targets.retain(|r| !is_pass(r));
    }
    let list: Vec<Explanation> = targets.iter().map(|r| explain(r, &peers)).collect();
    match args.format {
        Format::Json => {
            if list.len() == 1 {
                to_json(&list[0])
            } else {
                to_json(&list)
            }
        }
        Format::Text => Ok(list
            .iter()
            .map(|e| text(e, opts))
            .collect::<Vec<_>>()
            .join("\n────────────────────────────────────────\n\n")),
    }
}

fn to_json<T: serde::Serialize>(v: &T) -> Result<String, String> {
    serde_json::to_string_pretty(v)
        .map(|s| s + "\n")
        .map_err(|e| format!("cannot write JSON: {e}"))
}
