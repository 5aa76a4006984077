//! End-to-end: `wstriage suite` with its default testees, wstriage's own `serve` and `client`,
//! through the real wstest, on subsets small enough for `cargo test`. The full suite runs in
//! `scripts/conformance.sh`.
//!
//! Skipped with a loud message when wstest is not installed (failing under CI, where
//! `scripts/test.sh` installs it).

mod common;

use common::{assert_no_leftovers, text, verdicts, wstest_or_skip, wstriage, SERIAL};

/// One case or more of every group, 9.x, 12.x and 13.x included, with the suite's slowest cases
/// left out: the fast ones show the same rules.
const SUBSET: &str = "1.*,2.*,3.*,4.*,5.*,6.1.*,6.4.*,6.20.*,7.*,9.1.1,9.7.1,10.*,\
                      12.1.1,12.2.2,13.1.1,13.3.2,13.7.1";
const SUBSET_LEN: usize = 16 + 11 + 7 + 10 + 20 + 3 + 4 + 7 + 37 + 2 + 1 + 5;

#[test]
fn reference_server_passes_1_1_strictly() {
    let Some(_) = wstest_or_skip("reference_server_passes_1_1_strictly") else {
        return;
    };
    let _serial = SERIAL.lock().unwrap_or_else(|e| e.into_inner());
    let tmp = tempfile::tempdir().unwrap();
    let out_dir = tmp.path().join("servers");
    let out = wstriage(
        &[
            "suite",
            "server",
            "--cases",
            "1.1.*",
            "--out",
            out_dir.to_str().unwrap(),
            "--quiet",
        ],
        tmp.path(),
    );
    assert_eq!(out.status.code(), Some(0), "{}", text(&out));
    let v = verdicts(&out_dir);
    let rows = v["wstriage"].as_object().expect("agent wstriage");
    assert_eq!(rows.len(), 8);
    for (id, r) in rows {
        assert_eq!(r[0], "OK", "{id}: {r}");
        assert_eq!(r[1], "OK", "{id}: {r}");
    }
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(stdout.contains("PASSED"), "gate summary printed: {stdout}");
    assert_no_leftovers(tmp.path());
}

#[test]
fn reference_client_passes_1_1_strictly() {
    let Some(_) = wstest_or_skip("reference_client_passes_1_1_strictly") else {
        return;
    };
    let _serial = SERIAL.lock().unwrap_or_else(|e| e.into_inner());
    let tmp = tempfile::tempdir().unwrap();
    let out_dir = tmp.path().join("clients");
    let out = wstriage(
        &[
            "suite",
            "client",
            "--cases",
            "1.1.*",
            "--out",
            out_dir.to_str().unwrap(),
            "--quiet",
        ],
        tmp.path(),
    );
    assert_eq!(out.status.code(), Some(0), "{}", text(&out));
    let v = verdicts(&out_dir);
    assert_eq!(v["wstriage"].as_object().map(|o| o.len()), Some(8), "{v}");
    assert_no_leftovers(tmp.path());
}

/// `--jobs 2` must judge the testee exactly as `--jobs 1`: same cases, same behavior,
/// behaviorClose and close code, per case.
fn jobs_agree(side: &str) {
    let _serial = SERIAL.lock().unwrap_or_else(|e| e.into_inner());
    let tmp = tempfile::tempdir().unwrap();
    let mut results = Vec::new();
    for jobs in ["1", "2"] {
        let out_dir = tmp.path().join(format!("{side}-jobs{jobs}"));
        let out = wstriage(
            &[
                "suite",
                side,
                "--cases",
                SUBSET,
                "--jobs",
                jobs,
                "--out",
                out_dir.to_str().unwrap(),
                "--quiet",
            ],
            tmp.path(),
        );
        assert!(
            matches!(out.status.code(), Some(0 | 1)),
            "{side} --jobs {jobs}: {}",
            text(&out)
        );
        results.push(verdicts(&out_dir));
    }
    let n = results[0]["wstriage"].as_object().map(|o| o.len());
    assert_eq!(
        n,
        Some(SUBSET_LEN),
        "{side}: every selected case has a result"
    );
    assert_eq!(results[0], results[1], "{side}: --jobs 2 changed verdicts");
    assert_no_leftovers(tmp.path());
}

#[test]
fn jobs_2_gives_the_same_verdicts_as_jobs_1_server() {
    if wstest_or_skip("jobs_2_gives_the_same_verdicts_as_jobs_1_server").is_some() {
        jobs_agree("server");
    }
}

#[test]
fn jobs_2_gives_the_same_verdicts_as_jobs_1_client() {
    if wstest_or_skip("jobs_2_gives_the_same_verdicts_as_jobs_1_client").is_some() {
        jobs_agree("client");
    }
}

/// The same check on every case of the suite, both sides. Not part of `cargo test` (about an
/// hour on 2 cores: the full suite four times); run it with
/// `cargo test --release --test suite_reference -- --ignored`.
#[test]
#[ignore = "full suite, four runs: cargo test --release --test suite_reference -- --ignored"]
fn full_suite_jobs_2_gives_the_same_verdicts_as_jobs_1() {
    if wstest_or_skip("full_suite_jobs_2_gives_the_same_verdicts_as_jobs_1").is_none() {
        return;
    }
    for side in ["server", "client"] {
        let _serial = SERIAL.lock().unwrap_or_else(|e| e.into_inner());
        let tmp = tempfile::tempdir().unwrap();
        let mut results = Vec::new();
        for jobs in ["1", "2"] {
            let out_dir = tmp.path().join(format!("{side}-jobs{jobs}"));
            let out = wstriage(
                &[
                    "suite",
                    side,
                    "--jobs",
                    jobs,
                    "--out",
                    out_dir.to_str().unwrap(),
                    "--quiet",
                ],
                tmp.path(),
            );
            assert!(
                matches!(out.status.code(), Some(0 | 1)),
                "{side} --jobs {jobs}: {}",
                text(&out)
            );
            results.push(verdicts(&out_dir));
        }
        let n = results[0]["wstriage"].as_object().map(|o| o.len());
        assert_eq!(n, Some(517), "{side}: every case has a result");
        assert_eq!(results[0], results[1], "{side}: --jobs 2 changed verdicts");
        assert_no_leftovers(tmp.path());
    }
}
