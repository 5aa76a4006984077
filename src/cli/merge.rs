//! `wstriage merge OUT DIR…`: shards of one run → one report folder.

use crate::cli::EXIT_INPUT;
use clap::{Args, ValueEnum};
use std::path::PathBuf;

/// Merge report folders of one run, split by cases (e.g. parallel CI jobs), into one.
#[derive(Debug, Args)]
#[command(
    after_help = "OUT must not exist (or be empty). index.json is written byte for byte as wstest \
writes it; index.html is the shards' own pages merged cell by cell (or, when they do not line up, \
a plain generated page). The folder appears atomically.\n\n\
Exit status: 0 merged, 2 usage or input error (missing folder or index.json, overlapping cases)."
)]
pub struct MergeArgs {
    /// The report folder to create.
    pub out: PathBuf,
    /// Shard report folders (each with an index.json).
    #[arg(required = true, num_args = 1..)]
    pub shards: Vec<PathBuf>,
    /// What to do with a case present in several shards: by default it is an error;
    /// `newer` keeps the result whose case file has the later `started` time.
    #[arg(long, value_enum)]
    pub prefer: Option<Prefer>,
    /// Output format of the merge summary.
    #[arg(long, value_enum, default_value_t = MergeFormat::Human)]
    pub format: MergeFormat,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum MergeFormat {
    Human,
    Json,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum Prefer {
    /// Keep the most recently started result of an overlapping case.
    Newer,
}

pub fn run(args: MergeArgs) -> i32 {
    let prefer_newer = args.prefer == Some(Prefer::Newer);
    match crate::merge::merge_reports(&args.out, &args.shards, prefer_newer) {
        Ok(summary) => {
            for w in &summary.warnings {
                eprintln!("warning: {w}");
            }
            if args.format == MergeFormat::Json {
                match serde_json::to_string_pretty(&summary) {
                    Ok(s) => crate::render::write_stdout(&format!("{s}\n")),
                    Err(e) => {
                        eprintln!("error: {e}");
                        return EXIT_INPUT;
                    }
                }
            } else {
                let mut text = format!(
                    "merged {} shards into {}: {} agent(s), {} case results, {} files\n",
                    summary.shards,
                    summary.out.display(),
                    summary.agents.len(),
                    summary.cases,
                    summary.files_copied
                );
                for o in &summary.overlaps {
                    text.push_str(&format!(
                        "  overlap: {} case {} kept from {}\n",
                        o.agent,
                        o.case_id,
                        o.kept.display()
                    ));
                }
                text.push_str(&match &summary.index_html {
                    crate::merge::IndexHtml::Merged => "  index.html: merged\n".to_string(),
                    crate::merge::IndexHtml::Generated { reason } => {
                        format!("  index.html: generated ({reason})\n")
                    }
                    crate::merge::IndexHtml::None => {
                        "  index.html: none (no shard had one)\n".to_string()
                    }
                });
                crate::render::write_stdout(&text);
            }
            0
        }
        Err(e) => {
            eprintln!("error: {e}");
            EXIT_INPUT
        }
    }
}
