//! The reference implementation's rows: the report folders of a full conformance run
//! (`scripts/conformance.sh`, `--jobs 2`, both sides) kept in `fixtures/wstriage-25.10.1/`.
//!
//! They show what CI demands of every submission (every case, strict) and give `explain` a
//! known-good peer. `jobs1/` holds the index.json of full runs made by one wstest process per
//! side (what `--jobs 1` runs); the sharded rows must carry the same verdicts and close codes.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use wstriage::gate::policy::{Policy, Profile};
use wstriage::gate::{gate_paths, GateOptions};
use wstriage::model::{Behavior, CaseSummary, Run};
use wstriage::parse::load_runs;
use wstriage::select::CaseSelector;

fn fixture(rel: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("fixtures/wstriage-25.10.1")
        .join(rel)
}

fn one_run(path: PathBuf) -> Run {
    let mut loaded = load_runs(std::slice::from_ref(&path));
    assert!(
        loaded.errors.is_empty(),
        "{}: {:?}",
        path.display(),
        loaded.errors
    );
    assert_eq!(loaded.items.len(), 1, "{}", path.display());
    loaded.items.remove(0)
}

/// The cases the suite itself marks informational (`case.py` overrides for 7.1.6, 7.13.1,
/// 7.13.2): the only ones where INFORMATIONAL is a pass under the strict profile.
const INFORMATIONAL: [&str; 3] = ["7.1.6", "7.13.1", "7.13.2"];

fn assert_strict_everywhere(side: &str) {
    let run = one_run(fixture(side));
    assert_eq!(run.suite_version.as_deref(), Some("25.10.1"), "{side}");
    assert_eq!(run.cases.len(), 517, "{side}: the full 25.10.1 suite");
    for case in &run.cases {
        let want = if INFORMATIONAL.contains(&case.case_id.as_str()) {
            Behavior::Informational
        } else {
            Behavior::Ok
        };
        assert_eq!(case.behavior, want, "{side} {}", case.case_id);
        assert_eq!(case.behavior_close, Some(want), "{side} {}", case.case_id);
    }
    // The same verdict through the gate's own code path, strict profile.
    let opts = GateOptions {
        policy: Policy::new(Profile::Strict),
        select: CaseSelector::default(),
        agent: None,
        baseline: None,
        strict_baseline: false,
    };
    let report = gate_paths(&[fixture(side)], &opts).expect("gate loads the reference rows");
    assert!(report.passed, "{side}: strict gate failed");
}

#[test]
fn reference_server_rows_pass_every_case_strictly() {
    assert_strict_everywhere("servers");
}

#[test]
fn reference_client_rows_pass_every_case_strictly() {
    assert_strict_everywhere("clients");
}

fn verdicts(run: &Run) -> BTreeMap<String, (Behavior, Option<Behavior>, Option<u16>)> {
    run.cases
        .iter()
        .map(|c: &CaseSummary| {
            (
                c.case_id.to_string(),
                (c.behavior, c.behavior_close, c.remote_close_code),
            )
        })
        .collect()
}

fn assert_jobs_agree(side: &str) {
    let sharded = verdicts(&one_run(fixture(side)));
    let single = verdicts(&one_run(fixture(&format!("jobs1/{side}"))));
    assert_eq!(single.len(), 517, "jobs1/{side}");
    let differing: Vec<&String> = single
        .keys()
        .filter(|id| single.get(*id) != sharded.get(*id))
        .collect();
    assert!(
        differing.is_empty(),
        "{side}: --jobs 2 and one wstest process disagree on {differing:?}"
    );
}

#[test]
fn sharded_server_run_has_the_same_verdicts_as_one_wstest_process() {
    assert_jobs_agree("servers");
}

#[test]
fn sharded_client_run_has_the_same_verdicts_as_one_wstest_process() {
    assert_jobs_agree("clients");
}
