//! `wstriage suite server|client`: run the real Autobahn|Testsuite against a testee, leave a
//! report folder, gate it.

use crate::cli::gate::{GateArgs, GateFormat};
use crate::cli::{EXIT_FAILED, EXIT_INPUT};
use crate::gate::policy::Profile;
use crate::suite::progress::{format_elapsed, ProgressMode};
use crate::suite::{run_suite, Mode, SuiteOptions};
use clap::{Args, ValueEnum};
use std::path::PathBuf;

/// Exit status when the run was interrupted (SIGINT/SIGTERM/SIGHUP), as shells report 128+2.
pub const EXIT_INTERRUPTED: i32 = 130;

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum SuiteSide {
    /// Test a server: wstest is the fuzzing client.
    Server,
    /// Test a client: wstest is the fuzzing server.
    Client,
}

#[derive(Debug, Args)]
#[command(after_help = "\
Testee commands (--testee-cmd) run through `sh -c`; {url}, {port} and {agent} are replaced:
  server mode: `--testee-cmd 'my-server --port {port}'` gets a free port per shard (wstest
    connects to ws://127.0.0.1:{port}); a command without {port}/{url} needs --testee-url and is
    shared by all shards. `--testee-url URL` alone tests a server that is already running.
  client mode: `--testee-cmd 'my-client {url} {agent}'`: the client must run every case of
    {url}/getCaseCount via {url}/runCase?case=N&agent=NAME, then call {url}/updateReports
    (wstriage asks for the reports itself if the client does not).
Without --testee-cmd/--testee-url the testee is wstriage's own `serve` / `client`.
wstest is found by --wstest, $WSTEST, PATH, then ~/.cache/wstest/bin/wstest
(scripts/install-wstest.sh installs it there).
Exit status: 0 the gate passed, 1 it failed (or selected cases have no result), 2 usage or
setup error, 130 interrupted.")]
pub struct SuiteArgs {
    /// Which side of the testee to test.
    #[arg(value_enum)]
    pub side: SuiteSide,
    /// Cases to run: comma-separated globs over case ids (`1.*,2.*`, `12.*.1`); default all.
    #[arg(long, value_name = "GLOBS")]
    pub cases: Vec<String>,
    /// Cases to leave out, same syntax; applied after --cases.
    #[arg(long, value_name = "GLOBS")]
    pub exclude: Vec<String>,
    /// Report folder [default: reports/servers or reports/clients]. Earlier report files in it
    /// are replaced.
    #[arg(long, value_name = "DIR")]
    pub out: Option<PathBuf>,
    /// Number of wstest processes to split the cases over (each on its own port).
    #[arg(long, short = 'j', default_value_t = 1, value_name = "N")]
    pub jobs: usize,
    /// The program under test, as a shell command with {url}/{port}/{agent} placeholders.
    #[arg(long, value_name = "CMD")]
    pub testee_cmd: Option<String>,
    /// Server mode: the URL the testee server listens at ({port} allowed).
    #[arg(long, value_name = "URL")]
    pub testee_url: Option<String>,
    /// The wstest executable.
    #[arg(long, value_name = "PATH")]
    pub wstest: Option<PathBuf>,
    /// Agent name in the reports [default: wstriage, or testee for --testee-cmd/--testee-url].
    #[arg(long, value_name = "NAME")]
    pub agent: Option<String>,
    /// No progress bar or progress lines.
    #[arg(long)]
    pub quiet: bool,
    /// Gate: the base rule (see `wstriage gate --help`).
    #[arg(long, value_enum, default_value_t = Profile::Strict, help_heading = "Gate")]
    pub profile: Profile,
    /// Gate: also accept these verdicts (suite spelling, comma-separated).
    #[arg(long, value_name = "VERDICTS", help_heading = "Gate")]
    pub allow: Vec<String>,
    /// Gate: accept UNIMPLEMENTED for these cases (globs, comma-separated).
    #[arg(long, value_name = "GLOBS", help_heading = "Gate")]
    pub unimplemented: Vec<String>,
    /// Gate: known failures to accept.
    #[arg(long, value_name = "FILE", help_heading = "Gate")]
    pub baseline: Option<PathBuf>,
    /// Gate: fail when a baseline entry is fixed or matches no case.
    #[arg(long, requires = "baseline", help_heading = "Gate")]
    pub strict_baseline: bool,
    /// Gate: output format on stdout.
    #[arg(long, value_enum, default_value_t = GateFormat::Human, help_heading = "Gate")]
    pub format: GateFormat,
    /// Gate: also write JUnit XML here.
    #[arg(long, value_name = "FILE", help_heading = "Gate")]
    pub junit: Option<PathBuf>,
}

pub fn run(args: SuiteArgs) -> i32 {
    if args.jobs == 0 {
        eprintln!("wstriage suite: --jobs must be at least 1");
        return EXIT_INPUT;
    }
    let mode = match args.side {
        SuiteSide::Server => Mode::Server,
        SuiteSide::Client => Mode::Client,
    };
    let opts = SuiteOptions {
        mode,
        select: crate::select::CaseSelector::from_lists(&args.cases, &args.exclude),
        out: args.out.clone().unwrap_or_else(|| mode.default_out()),
        jobs: args.jobs,
        testee_cmd: args.testee_cmd.clone(),
        testee_url: args.testee_url.clone(),
        wstest: args.wstest.clone(),
        agent: args.agent.clone(),
        progress: if args.quiet {
            ProgressMode::Off
        } else {
            ProgressMode::Auto
        },
    };
    let run = match run_suite(&opts) {
        Ok(r) => r,
        Err(e) => {
            eprintln!("wstriage suite: {e}");
            return if crate::suite::runner::interrupted() {
                EXIT_INTERRUPTED
            } else {
                EXIT_INPUT
            };
        }
    };
    for note in &run.notes {
        eprintln!("note: {note}");
    }
    // Stdout belongs to the gate's output (it may be JSON); the run line joins it only in
    // the human format.
    let human = args.format == GateFormat::Human;
    let say = |line: String| {
        if human {
            println!("{line}");
        } else {
            eprintln!("{line}");
        }
    };
    say(format!(
        "suite {}: {} cases, {} wstest process{}, {} → {}",
        match mode {
            Mode::Server => "server",
            Mode::Client => "client",
        },
        run.cases.len(),
        run.shards,
        if run.shards == 1 { "" } else { "es" },
        format_elapsed(run.elapsed),
        run.out.display()
    ));
    let mut status = gate_folder(&args, &run.out);
    if !run.missing.is_empty() {
        let ids: Vec<&str> = run.missing.iter().map(|c| c.as_str()).collect();
        say(format!(
            "FAIL: {} selected case(s) have no result (the testee or wstest stopped early): {}",
            ids.len(),
            ids.join(", ")
        ));
        status = EXIT_FAILED;
    }
    status
}

/// Gates the folder the run left with the gate command itself (`wstriage gate OUT`), so the
/// summary, the JSON/GitHub/Markdown output, JUnit and the baseline behave exactly as there.
fn gate_folder(args: &SuiteArgs, out: &std::path::Path) -> i32 {
    let gate_args = GateArgs {
        paths: vec![out.to_path_buf()],
        profile: args.profile,
        allow: args.allow.clone(),
        unimplemented: args.unimplemented.clone(),
        cases: args.cases.clone(),
        exclude: args.exclude.clone(),
        // Every agent of the folder: a user's client may file its reports under its own name.
        agent: None,
        baseline: args.baseline.clone(),
        strict_baseline: args.strict_baseline,
        write_baseline: None,
        format: args.format,
        junit: args.junit.clone(),
    };
    crate::cli::gate::run(gate_args)
}
