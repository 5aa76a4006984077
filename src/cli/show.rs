//! `wstriage show`: the full record of each case, as a readable page or as JSON.

use crate::cli::report_errors;
use crate::parse::load_reports;
use crate::render::case_page;
use crate::select::CaseSelector;
use std::io::Write;
use std::path::PathBuf;

#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, clap::ValueEnum)]
pub enum ShowFormat {
    /// A readable page per case.
    #[default]
    Text,
    /// One JSON array of records (fields documented in the README).
    Json,
}

#[derive(Debug, clap::Args)]
pub struct ShowArgs {
    /// Report folders (or trees of them), case files (.json or .html), pasted case-page text,
    /// or `-` for standard input.
    #[arg(required = true)]
    pub paths: Vec<PathBuf>,
    /// Only this agent (its name, or the file-name form such as `tarantool_1_10`).
    #[arg(long)]
    pub agent: Option<String>,
    /// Case ids to keep, wstest glob syntax (`6.4.*`), comma-separated or repeated.
    #[arg(long = "case", visible_alias = "cases")]
    pub case: Vec<String>,
    /// Case ids to leave out, same syntax.
    #[arg(long)]
    pub exclude: Vec<String>,
    #[arg(long, value_enum, default_value_t)]
    pub format: ShowFormat,
}

/// Prints the records; exit 2 when an input could not be read or nothing matched.
pub fn run(args: ShowArgs) -> i32 {
    let select = CaseSelector::from_lists(&args.case, &args.exclude);
    let loaded = load_reports(&args.paths, args.agent.as_deref(), &select);
    let mut out = std::io::stdout().lock();
    // A closed pipe (`| head`) just ends the output.
    let _ = match args.format {
        ShowFormat::Json => serde_json::to_string_pretty(&loaded.items)
            .map_err(std::io::Error::other)
            .and_then(|s| writeln!(out, "{s}")),
        ShowFormat::Text => loaded.items.iter().enumerate().try_for_each(|(i, r)| {
            if i > 0 {
                writeln!(out)?;
            }
            write!(out, "{}", case_page::render(r))
        }),
    };
    let _ = out.flush();
    report_errors(&loaded.errors, loaded.items.is_empty(), "no case matched")
}
