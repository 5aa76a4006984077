//! `wstriage gate PATH…`: pass/fail for CI, with a policy and a baseline of known failures.

use crate::cli::{EXIT_FAILED, EXIT_INPUT};
use crate::gate::baseline::{read_baseline, write_baseline};
use crate::gate::policy::{Policy, Profile};
use crate::gate::{current_failures, gate_paths, with_baseline, GateOptions};
use crate::model::Behavior;
use crate::select::{CaseGlob, CaseSelector};
use clap::{Args, ValueEnum};
use std::path::PathBuf;

/// Check report folders against a conformance policy; exit non-zero when it fails.
#[derive(Debug, Args)]
#[command(after_help = "\
Profiles (the rule each applies):
  strict   behavior OK or INFORMATIONAL (the suite sets INFORMATIONAL only for the cases it marks
           informational: 7.1.6, 7.13.1, 7.13.2); close behavior OK or INFORMATIONAL. Default.
  lenient  strict, plus behavior NON-STRICT.
  --allow VALUE,…          accept more verdicts in either dimension (e.g. \"FAILED BY CLIENT\").
  --unimplemented GLOBS    accept UNIMPLEMENTED for these cases (e.g. 12.*,13.* without
                           permessage-deflate). UNIMPLEMENTED never passes otherwise.

Baseline: --baseline FILE lists known failures (per agent, case id and description, with the
verdicts accepted). A known failure that still fails is reported, not failing the gate, unless it
got worse; one that passes now is reported as fixed. --strict-baseline fails on fixed and stale
entries. --write-baseline FILE writes the current failures (sorted, atomically).

Exit status: 0 gate passed, 1 gate failed, 2 usage or input error (missing folder, unknown agent,
malformed baseline, unreadable report). An input error is never a pass.")]
pub struct GateArgs {
    /// Report folders (or trees of them, or index.json files).
    #[arg(required = true)]
    pub paths: Vec<PathBuf>,
    /// The base rule.
    #[arg(long, value_enum, default_value_t = Profile::Strict)]
    pub profile: Profile,
    /// Also accept these verdicts (suite spelling, comma-separated).
    #[arg(long, value_name = "VERDICTS")]
    pub allow: Vec<String>,
    /// Accept UNIMPLEMENTED for these cases (wstest glob syntax, comma-separated).
    #[arg(long, value_name = "GLOBS")]
    pub unimplemented: Vec<String>,
    /// Only these cases (wstest glob syntax, comma-separated).
    #[arg(long, value_name = "GLOBS")]
    pub cases: Vec<String>,
    /// Leave out these cases (wstest glob syntax, comma-separated).
    #[arg(long, value_name = "GLOBS")]
    pub exclude: Vec<String>,
    /// Only this agent (it must be in the reports).
    #[arg(long)]
    pub agent: Option<String>,
    /// Known failures to accept.
    #[arg(long, value_name = "FILE")]
    pub baseline: Option<PathBuf>,
    /// Fail when a baseline entry is fixed or matches no case (keeps the baseline current).
    #[arg(long, requires = "baseline")]
    pub strict_baseline: bool,
    /// Write the current failures as a baseline file, then gate against it.
    #[arg(long, value_name = "FILE")]
    pub write_baseline: Option<PathBuf>,
    /// Output format on stdout.
    #[arg(long, value_enum, default_value_t = GateFormat::Human)]
    pub format: GateFormat,
    /// Also write JUnit XML here (one testsuite per agent, one testcase per case).
    #[arg(long, value_name = "FILE")]
    pub junit: Option<PathBuf>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum GateFormat {
    Human,
    Json,
    /// GitHub Actions workflow commands (annotations).
    Github,
    Markdown,
}

fn split(values: &[String]) -> Vec<String> {
    values
        .iter()
        .flat_map(|v| v.split(','))
        .map(|s| s.trim().to_string())
        .filter(|s| !s.is_empty())
        .collect()
}

pub fn run(args: GateArgs) -> i32 {
    match run_inner(args) {
        Ok(code) => code,
        Err(e) => {
            eprintln!("error: {e}");
            EXIT_INPUT
        }
    }
}

fn run_inner(args: GateArgs) -> crate::Result<i32> {
    let mut policy = Policy::new(args.profile);
    for v in split(&args.allow) {
        let b = Behavior::parse(&v).ok_or_else(|| {
            crate::Error::Usage(format!(
                "--allow {v:?}: not a suite verdict (OK, NON-STRICT, INFORMATIONAL, UNIMPLEMENTED, \
                 FAILED, WRONG CODE, UNCLEAN, FAILED BY CLIENT)"
            ))
        })?;
        policy.allow.insert(b);
    }
    policy.unimplemented = split(&args.unimplemented)
        .iter()
        .map(|g| CaseGlob::new(g))
        .collect();
    let baseline = match &args.baseline {
        Some(p) => Some((p.clone(), read_baseline(p)?)),
        None => None,
    };
    let opts = GateOptions {
        policy,
        select: CaseSelector::from_lists(&args.cases, &args.exclude),
        agent: args.agent.clone(),
        baseline,
        strict_baseline: args.strict_baseline,
    };
    let mut report = gate_paths(&args.paths, &opts)?;
    if let Some(path) = &args.write_baseline {
        let entries = current_failures(&report);
        write_baseline(path, &entries)?;
        eprintln!(
            "wrote {} known failure(s) to {}",
            entries.len(),
            path.display()
        );
        report = gate_paths(&args.paths, &with_baseline(&opts, path, entries))?;
    }
    if let Some(j) = &args.junit {
        crate::fsutil::write_atomic(j, crate::render::junit::gate(&report).as_bytes())?;
    }
    match args.format {
        GateFormat::Human => {
            crate::render::write_stdout(&crate::render::gate_summary::render(&report))
        }
        GateFormat::Markdown => {
            crate::render::write_stdout(&crate::render::markdown::gate(&report))
        }
        GateFormat::Github => crate::render::write_stdout(&crate::render::github::gate(&report)),
        GateFormat::Json => crate::render::write_stdout(&format!(
            "{}\n",
            serde_json::to_string_pretty(&report)
                .map_err(|e| crate::Error::Usage(format!("JSON output: {e}")))?
        )),
    }
    Ok(if report.passed { 0 } else { EXIT_FAILED })
}
