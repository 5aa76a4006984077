//! End-to-end tests of `wstriage suite`: the real binary drives the real wstest.
//!
//! They need wstest (Autobahn|Testsuite 25.10.1). Without it each test prints a loud SKIPPED
//! line and returns, except under CI (`CI` set), where a missing wstest fails: `scripts/test.sh`
//! installs it first, so there a skip would hide a broken set-up.
//!
//! The testees here are programs that are not wstriage: the suite's own `wstest -m
//! testeeserver` / `-m testeeclient` (a known-good peer that needs nothing more than wstest)
//! and `python3 -m http.server` (a server that is not WebSocket at all). So these tests cover
//! the "any user's program" path; `suite_reference.rs` runs wstriage's own serve/client.
//! Suite runs are serialised: the timing-sensitive cases must not compete for the CPU.

mod common;

use common::{assert_no_leftovers, leftovers, text, verdicts, wstest_or_skip, wstriage, SERIAL};
use std::process::Command;
use std::time::{Duration, Instant};

#[test]
fn server_mode_runs_a_user_server_and_leaves_a_report_folder() {
    let Some(wstest) = wstest_or_skip("server_mode_runs_a_user_server") else {
        return;
    };
    let _serial = SERIAL.lock().unwrap_or_else(|e| e.into_inner());
    let tmp = tempfile::tempdir().unwrap();
    let out_dir = tmp.path().join("servers");
    let cmd = format!(
        "{} -m testeeserver -w ws://127.0.0.1:{{port}}",
        wstest.display()
    );
    let out = wstriage(
        &[
            "suite",
            "server",
            "--cases",
            "1.1.*,7.1.*",
            "--exclude",
            "7.1.6",
            "--testee-cmd",
            &cmd,
            "--out",
            out_dir.to_str().unwrap(),
            "--quiet",
        ],
        tmp.path(),
    );
    assert_eq!(out.status.code(), Some(0), "{}", text(&out));
    let v = verdicts(&out_dir);
    let rows = v["testee"].as_object().expect("agent defaults to testee");
    let mut ids: Vec<&str> = rows.keys().map(|s| s.as_str()).collect();
    ids.sort();
    assert_eq!(
        ids,
        [
            "1.1.1", "1.1.2", "1.1.3", "1.1.4", "1.1.5", "1.1.6", "1.1.7", "1.1.8", "7.1.1",
            "7.1.2", "7.1.3", "7.1.4", "7.1.5"
        ]
    );
    assert!(out_dir.join("testee_case_1_1_1.json").is_file());
    assert!(out_dir.join("testee_case_7_1_5.html").is_file());
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(stdout.contains("13 cases"), "{stdout}");
    // The shard work folder is gone, and so is every process.
    let stray: Vec<_> = std::fs::read_dir(tmp.path())
        .unwrap()
        .flatten()
        .map(|e| e.file_name())
        .filter(|n| n.to_string_lossy().starts_with(".wstriage-suite-"))
        .collect();
    assert!(stray.is_empty(), "{stray:?}");
    assert_no_leftovers(tmp.path());
}

#[test]
fn client_mode_runs_a_user_client_with_the_url_substituted() {
    let Some(wstest) = wstest_or_skip("client_mode_runs_a_user_client") else {
        return;
    };
    let _serial = SERIAL.lock().unwrap_or_else(|e| e.into_inner());
    let tmp = tempfile::tempdir().unwrap();
    let out_dir = tmp.path().join("clients");
    let cmd = format!(
        "{} -m testeeclient -w {{url}} -i {{agent}}",
        wstest.display()
    );
    let out = wstriage(
        &[
            "suite",
            "client",
            "--cases",
            "2.*",
            "--testee-cmd",
            &cmd,
            "--agent",
            "their-client",
            "--out",
            out_dir.to_str().unwrap(),
            "--quiet",
        ],
        tmp.path(),
    );
    assert_eq!(out.status.code(), Some(0), "{}", text(&out));
    let v = verdicts(&out_dir);
    assert_eq!(
        v["their-client"].as_object().map(|o| o.len()),
        Some(11),
        "{v}"
    );
    assert_no_leftovers(tmp.path());
}

#[test]
fn a_server_that_is_not_websocket_fails_the_gate() {
    let Some(_) = wstest_or_skip("a_server_that_is_not_websocket_fails_the_gate") else {
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
            "1.1.1,1.1.2",
            "--testee-cmd",
            "exec python3 -m http.server --bind 127.0.0.1 {port}",
            "--out",
            out_dir.to_str().unwrap(),
            "--quiet",
        ],
        tmp.path(),
    );
    assert_eq!(out.status.code(), Some(1), "{}", text(&out));
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(
        stdout.contains("1.1.1") && stdout.contains("1.1.2"),
        "{stdout}"
    );
    let v = verdicts(&out_dir);
    assert_eq!(v["testee"]["1.1.1"][0], "FAILED", "{v}");
    assert_no_leftovers(tmp.path());
}

#[test]
fn a_missing_wstest_is_a_usage_error_naming_the_installer() {
    let tmp = tempfile::tempdir().unwrap();
    let out = Command::new(env!("CARGO_BIN_EXE_wstriage"))
        .args(["suite", "server", "--cases", "1.1.1", "--out"])
        .arg(tmp.path().join("r"))
        .env_remove("WSTEST")
        .env("PATH", tmp.path())
        .env("HOME", tmp.path())
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2), "{}", text(&out));
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(stderr.contains("scripts/install-wstest.sh"), "{stderr}");
    assert!(stderr.contains("--wstest"), "{stderr}");
}

#[test]
fn jobs_2_gives_the_same_verdicts_as_jobs_1_for_a_user_server() {
    let Some(wstest) = wstest_or_skip("jobs_2_gives_the_same_verdicts_as_jobs_1") else {
        return;
    };
    let _serial = SERIAL.lock().unwrap_or_else(|e| e.into_inner());
    let tmp = tempfile::tempdir().unwrap();
    let cmd = format!(
        "{} -m testeeserver -w ws://127.0.0.1:{{port}}",
        wstest.display()
    );
    let cases = "1.*,2.*,3.*,4.*,5.*,6.4.*,7.*,9.1.1,10.*,12.1.1,13.7.1";
    let mut results = Vec::new();
    for jobs in ["1", "2"] {
        let out_dir = tmp.path().join(format!("jobs{jobs}"));
        let out = wstriage(
            &[
                "suite",
                "server",
                "--cases",
                cases,
                "--jobs",
                jobs,
                "--testee-cmd",
                &cmd,
                "--out",
                out_dir.to_str().unwrap(),
                "--quiet",
            ],
            tmp.path(),
        );
        assert!(
            matches!(out.status.code(), Some(0 | 1)),
            "jobs {jobs}: {}",
            text(&out)
        );
        results.push(verdicts(&out_dir));
    }
    assert_eq!(results[0]["testee"].as_object().unwrap().len(), 109);
    assert_eq!(results[0], results[1], "--jobs 2 changed verdicts");
    assert_no_leftovers(tmp.path());
}

#[test]
fn interrupt_stops_every_process_and_exits_130() {
    let Some(wstest) = wstest_or_skip("interrupt_stops_every_process") else {
        return;
    };
    let _serial = SERIAL.lock().unwrap_or_else(|e| e.into_inner());
    let tmp = tempfile::tempdir().unwrap();
    let cmd = format!(
        "{} -m testeeserver -w ws://127.0.0.1:{{port}}",
        wstest.display()
    );
    let out_dir = tmp.path().join("servers");
    let mut child = Command::new(env!("CARGO_BIN_EXE_wstriage"))
        .args([
            "suite",
            "server",
            "--cases",
            "9.*",
            "--jobs",
            "2",
            "--testee-cmd",
            &cmd,
        ])
        .arg("--out")
        .arg(&out_dir)
        .arg("--quiet")
        .env("WSTRIAGE_TEST_MARKER", tmp.path())
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::null())
        .spawn()
        .unwrap();
    // Wait until both wstest shards run (their spec files name the work folder).
    let deadline = Instant::now() + Duration::from_secs(60);
    while leftovers(tmp.path())
        .iter()
        .filter(|p| p.contains("fuzzingclient"))
        .count()
        < 2
    {
        assert!(Instant::now() < deadline, "wstest shards never started");
        std::thread::sleep(Duration::from_millis(100));
    }
    std::thread::sleep(Duration::from_millis(500));
    // SAFETY: plain kill(2) of the child we spawned.
    unsafe {
        libc::kill(child.id() as i32, libc::SIGINT);
    }
    let status = child.wait().unwrap();
    assert_eq!(status.code(), Some(130));
    assert_no_leftovers(tmp.path());
    // The shard work folder went with the run; no half-written report was left either.
    let names: Vec<String> = std::fs::read_dir(tmp.path())
        .unwrap()
        .flatten()
        .map(|e| e.file_name().to_string_lossy().into_owned())
        .collect();
    assert!(
        names.iter().all(|n| !n.starts_with(".wstriage-suite-")),
        "{names:?}"
    );
    assert!(!out_dir.join("index.json").exists());
}
