//! Helpers shared by the suite-driving end-to-end tests.
#![allow(dead_code)] // each test file uses its own subset

use std::path::{Path, PathBuf};
use std::process::{Command, Output};
use std::sync::Mutex;
use std::time::{Duration, Instant};

pub static SERIAL: Mutex<()> = Mutex::new(());

pub fn wstest_or_skip(test: &str) -> Option<PathBuf> {
    match wstriage::suite::find_wstest(None) {
        Ok(p) => Some(p),
        Err(e) => {
            if std::env::var_os("CI").is_some() {
                panic!("{test}: wstest missing under CI (scripts/test.sh installs it): {e}");
            }
            eprintln!(
                "\n!!!!! SKIPPED {test}: wstest is not installed; run scripts/install-wstest.sh !!!!!\n"
            );
            None
        }
    }
}

pub fn wstriage(args: &[&str], marker: &Path) -> Output {
    Command::new(env!("CARGO_BIN_EXE_wstriage"))
        .args(args)
        .env("WSTRIAGE_TEST_MARKER", marker)
        .output()
        .expect("run wstriage")
}

/// Processes (other than this test) whose environment carries `marker`: anything wstriage
/// started and left running.
pub fn leftovers(marker: &Path) -> Vec<String> {
    let needle = format!("WSTRIAGE_TEST_MARKER={}", marker.display());
    let me = std::process::id().to_string();
    let mut found = Vec::new();
    for entry in std::fs::read_dir("/proc").unwrap().flatten() {
        let name = entry.file_name().to_string_lossy().into_owned();
        if !name.bytes().all(|b| b.is_ascii_digit()) || name == me {
            continue;
        }
        let Ok(env) = std::fs::read(entry.path().join("environ")) else {
            continue;
        };
        if env.split(|&b| b == 0).any(|v| v == needle.as_bytes()) {
            let stat = std::fs::read_to_string(entry.path().join("stat")).unwrap_or_default();
            if stat.contains(") Z ") {
                continue; // a zombie holds nothing
            }
            let cmd = std::fs::read(entry.path().join("cmdline")).unwrap_or_default();
            found.push(format!(
                "{name}: {}",
                String::from_utf8_lossy(&cmd).replace('\0', " ")
            ));
        }
    }
    found
}

pub fn assert_no_leftovers(marker: &Path) {
    // The guards wait for their children, but give grandchildren a moment to be reaped.
    let deadline = Instant::now() + Duration::from_secs(5);
    loop {
        let left = leftovers(marker);
        if left.is_empty() {
            return;
        }
        assert!(
            Instant::now() < deadline,
            "processes left running: {left:#?}"
        );
        std::thread::sleep(Duration::from_millis(100));
    }
}

pub fn text(out: &Output) -> String {
    format!(
        "status {:?}\nstdout:\n{}\nstderr:\n{}",
        out.status.code(),
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    )
}

/// `{agent: {case: {behavior, behaviorClose, remoteCloseCode}}}` of a report folder.
pub fn verdicts(dir: &Path) -> serde_json::Value {
    let index: serde_json::Value =
        serde_json::from_slice(&std::fs::read(dir.join("index.json")).unwrap()).unwrap();
    let mut out = serde_json::Map::new();
    for (agent, cases) in index.as_object().unwrap() {
        let mut rows = serde_json::Map::new();
        for (id, row) in cases.as_object().unwrap() {
            rows.insert(
                id.clone(),
                serde_json::json!([
                    row["behavior"],
                    row["behaviorClose"],
                    row["remoteCloseCode"]
                ]),
            );
        }
        out.insert(agent.clone(), serde_json::Value::Object(rows));
    }
    serde_json::Value::Object(out)
}
