//! `wstriage client`: the reference client, the suite's client testee (run against
//! `wstest -m fuzzingserver`).

use crate::ws::client::{self, ClientConfig, WsUrl};

/// Run every case of a wstest fuzzingserver as an echo client: read /getCaseCount, run each
/// /runCase?case=N&agent=NAME, then ask for /updateReports.
#[derive(Debug, clap::Args)]
pub struct ClientArgs {
    /// The fuzzingserver's URL.
    #[arg(long, default_value = "ws://127.0.0.1:9001")]
    pub url: String,
    /// Agent name the reports are filed under.
    #[arg(long, default_value = "wstriage")]
    pub agent: String,
    /// Do not offer permessage-deflate.
    #[arg(long)]
    pub no_deflate: bool,
}

pub fn run(args: ClientArgs) -> i32 {
    let base = match WsUrl::parse(&args.url) {
        Ok(u) => u,
        Err(e) => {
            eprintln!("wstriage client: {e}");
            return super::EXIT_INPUT;
        }
    };
    let config = ClientConfig {
        deflate: !args.no_deflate,
        ..ClientConfig::default()
    };
    let count = match client::case_count(&base, &config) {
        Ok(n) => n,
        Err(e) => {
            eprintln!(
                "wstriage client: cannot get the case count from {}: {e}",
                args.url
            );
            return super::EXIT_INPUT;
        }
    };
    eprintln!("wstriage client: {count} cases");
    let mut failures = 0;
    for n in 1..=count {
        if let Err(e) = client::run_case(&base, n, &args.agent, &config) {
            // A case the suite ends abruptly is judged by the suite, not here.
            eprintln!("wstriage client: case {n}: {e}");
            failures += 1;
        }
    }
    if let Err(e) = client::update_reports(&base, &args.agent, &config) {
        eprintln!("wstriage client: cannot update the reports: {e}");
        return super::EXIT_FAILED;
    }
    eprintln!("wstriage client: done ({count} cases, {failures} connection errors)");
    0
}
