//! Command-line interface: argument definitions and dispatch. Each subcommand's flags live in
//! its own file beside this one, with their documentation; the work is done by the library.
//!
//! Exit status, for every command: 0 success (or gate passed / no regression), 1 the check
//! failed (gate failed, diff found a regression), 2 usage or input error.

use clap::{Parser, Subcommand};

pub mod cases;
pub mod client;
pub mod diff;
pub mod gate;
pub mod merge;
pub mod serve;

pub mod explain;
pub mod show;
pub mod suite;
pub mod summary;

/// Exit status for "the check ran and failed".
pub const EXIT_FAILED: i32 = 1;
/// Exit status for bad usage or unreadable input.
pub const EXIT_INPUT: i32 = 2;

#[derive(Debug, Parser)]
#[command(
    name = "wstriage",
    version,
    about = "Parse, diff, gate and explain Autobahn|Testsuite WebSocket reports",
    after_help = "Exit status: 0 success, 1 check failed (gate failed, regression found), 2 usage or input error."
)]
pub struct Cli {
    #[command(subcommand)]
    pub command: Command,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Print the version of wstriage and of the suite it targets.
    Version,
    /// Merge report folders of one run, split by cases, into one report folder.
    Merge(merge::MergeArgs),
    /// Compare two runs (or two agents of one run): regressions, fixes, changes, timing.
    Diff(diff::DiffArgs),
    /// Pass/fail for CI: a conformance policy, a baseline of known failures, JUnit/GitHub output.
    Gate(gate::GateArgs),
    /// Run the real Autobahn|Testsuite against a server or client (wstriage's own by
    /// default), leave a report folder and gate it.
    Suite(suite::SuiteArgs),
    /// Run the reference WebSocket echo server (the suite's server testee).
    Serve(serve::ServeArgs),
    /// Run the reference WebSocket client against a wstest fuzzingserver.
    Client(client::ClientArgs),
    /// Show the full record of each case (folders, .json/.html case files, pasted text, -).
    Show(show::ShowArgs),
    /// Count verdicts per agent (reads index.json only).
    Summary(summary::SummaryArgs),
    /// One line per matching case.
    Cases(cases::CasesArgs),
    /// Explain why a case failed (or passed): verdict, RFC rule, first divergence, closing,
    /// decoded wire, likely cause, a passing peer.
    Explain(explain::ExplainArgs),
}

/// Runs the parsed command line and returns the process exit status.
pub fn run(cli: Cli) -> i32 {
    match cli.command {
        Command::Version => {
            println!("wstriage {}", env!("CARGO_PKG_VERSION"));
            0
        }
        Command::Merge(args) => merge::run(args),
        Command::Diff(args) => diff::run(args),
        Command::Gate(args) => gate::run(args),
        Command::Suite(args) => suite::run(args),
        Command::Serve(args) => serve::run(args),
        Command::Client(args) => client::run(args),
        Command::Show(args) => show::run(args),
        Command::Summary(args) => summary::run(args),
        Command::Cases(args) => cases::run(args),
        Command::Explain(args) => crate::cli::explain::run(args),
    }
}

/// Prints each input error as one line on stderr; returns the exit status: 2 when an input
/// could not be read (or `nothing` is true: nothing matched), else 0.
pub fn report_errors(errors: &[crate::Error], nothing: bool, what: &str) -> i32 {
    for e in errors {
        eprintln!("wstriage: error: {e}");
    }
    if !errors.is_empty() {
        return EXIT_INPUT;
    }
    if nothing {
        eprintln!("wstriage: error: {what}");
        return EXIT_INPUT;
    }
    0
}
