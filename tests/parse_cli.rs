//! The real binary on real and broken inputs: exit codes, one error line per bad file,
//! `summary` reading only index.json, filters.

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

fn fixture(rel: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("fixtures")
        .join(rel)
}

fn wstriage(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_wstriage"))
        .args(args)
        .output()
        .unwrap()
}

fn stderr_lines(o: &Output) -> Vec<String> {
    String::from_utf8_lossy(&o.stderr)
        .lines()
        .map(str::to_string)
        .collect()
}

#[test]
fn each_bad_file_gives_one_error_line_naming_it_and_exit_2() {
    let tmp = tempfile::tempdir().unwrap();
    let good = std::fs::read(fixture(
        "tarantool-0.8.1/servers/autobahnserver_case_1_1_1.json",
    ))
    .unwrap();
    let page = std::fs::read(fixture(
        "tarantool-0.8.1/servers/autobahnserver_case_1_1_1.html",
    ))
    .unwrap();
    let seed_text = std::fs::read_to_string(
        std::fs::read_dir(fixture("seeds"))
            .unwrap()
            .map(|e| e.unwrap().path())
            .find(|p| p.to_string_lossy().contains("002_"))
            .unwrap(),
    )
    .unwrap();
    let utf16: Vec<u8> = [0xFF, 0xFE]
        .into_iter()
        .chain(seed_text.encode_utf16().flat_map(|u| u.to_le_bytes()))
        .collect();
    let latin1: Vec<u8> = seed_text
        .replace("wspp", "wspp\u{e9}")
        .chars()
        .map(|c| c as u32 as u8)
        .collect();
    let cases: Vec<(&str, Vec<u8>, &str)> = vec![
        ("empty.json", Vec::new(), "empty"),
        (
            "truncated.json",
            good[..good.len() / 3].to_vec(),
            "not a valid per-case JSON",
        ),
        (
            "truncated.html",
            page[..page.len() / 50].to_vec(),
            "not a case page",
        ),
        (
            "binary.json",
            vec![0x50, 0x4b, 0x03, 0x04, 0, 0, 0x14, 0, 0, 0, 8, 0],
            "binary",
        ),
        ("utf16.txt", utf16, "UTF-16"),
        ("latin1.txt", latin1, "not valid UTF-8"),
        (
            "unrelated.json",
            br#"{"name": "left-pad", "version": "1.3.0"}"#.to_vec(),
            "missing",
        ),
        (
            "unrelated.txt",
            b"[package]\nname = \"x\"\n".to_vec(),
            "not an Autobahn case page",
        ),
        (
            "unrelated.html",
            b"<!DOCTYPE html><html><body><p>hi</p></body></html>".to_vec(),
            "not a case page",
        ),
    ];
    for (name, bytes, why) in cases {
        let path = tmp.path().join(name);
        std::fs::write(&path, &bytes).unwrap();
        let out = wstriage(&["show", path.to_str().unwrap()]);
        assert_eq!(out.status.code(), Some(2), "{name}");
        let lines = stderr_lines(&out);
        assert_eq!(lines.len(), 1, "{name}: {lines:?}");
        assert!(
            lines[0].starts_with(&format!("wstriage: error: {}: ", path.display())),
            "{name}: {}",
            lines[0]
        );
        assert!(lines[0].contains(why), "{name}: {}", lines[0]);
        assert!(out.stdout.is_empty(), "{name}: printed a record");
    }
}

#[test]
fn in_a_folder_the_other_cases_still_load() {
    let tmp = tempfile::tempdir().unwrap();
    let src = fixture("tarantool-0.8.1/clients");
    for case in ["1_1_1", "1_1_2", "2_1", "2_2"] {
        let name = format!("tarantool_1_10_case_{case}.json");
        std::fs::copy(src.join(&name), tmp.path().join(&name)).unwrap();
    }
    let bad = tmp.path().join("tarantool_1_10_case_2_1.json");
    std::fs::write(&bad, b"\x00\x01garbage").unwrap();
    let out = wstriage(&["show", tmp.path().to_str().unwrap(), "--format", "json"]);
    assert_eq!(out.status.code(), Some(2));
    let lines = stderr_lines(&out);
    assert_eq!(lines.len(), 1, "{lines:?}");
    assert!(
        lines[0].contains("tarantool_1_10_case_2_1.json"),
        "{}",
        lines[0]
    );
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    let ids: Vec<&str> = v
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r["case_id"].as_str().unwrap())
        .collect();
    assert_eq!(ids, ["1.1.1", "1.1.2", "2.2"]);
}

#[test]
fn summary_reads_only_the_index() {
    let tmp = tempfile::tempdir().unwrap();
    let src = fixture("tarantool-0.8.1/clients");
    std::fs::copy(src.join("index.json"), tmp.path().join("index.json")).unwrap();
    // Every case file of the run, replaced by garbage: summary must not look at them.
    for entry in std::fs::read_dir(&src).unwrap() {
        let p = entry.unwrap().path();
        let name = p.file_name().unwrap().to_str().unwrap().to_string();
        if name.contains("_case_") {
            std::fs::write(tmp.path().join(name), b"\xff\xfe garbage").unwrap();
        }
    }
    let real = wstriage(&["summary", src.to_str().unwrap(), "--format", "json"]);
    let copy = wstriage(&["summary", tmp.path().to_str().unwrap(), "--format", "json"]);
    assert_eq!(
        copy.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&copy.stderr)
    );
    let a: serde_json::Value = serde_json::from_slice(&real.stdout).unwrap();
    let b: serde_json::Value = serde_json::from_slice(&copy.stdout).unwrap();
    for key in [
        "agent",
        "cases",
        "behavior",
        "behavior_close",
        "duration_ms",
    ] {
        assert_eq!(a[0][key], b[0][key], "{key}");
    }
    assert_eq!(a[0]["agent"], "Tarantool/1.10");
    assert_eq!(a[0]["cases"], 517);
    assert_eq!(a[0]["behavior"]["FAILED"], 26);
    assert_eq!(a[0]["behavior"]["UNIMPLEMENTED"], 216);
    assert_eq!(a[0]["behavior_close"]["UNCLEAN"], 23);
    assert_eq!(a[0]["mode"], "clients");
    assert_eq!(a[0]["suite_version"], "0.8.1");
}

#[test]
fn summary_table_and_cases_lines() {
    let out = wstriage(&["summary", fixture("").to_str().unwrap()]);
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let table = String::from_utf8(out.stdout).unwrap();
    for want in [
        "AutobahnServer",
        "Tarantool/1.10",
        "rust-websocket-lite",
        "undici",
        "close UNCLEAN",
        "UNIMPL",
    ] {
        assert!(table.contains(want), "{want} missing in\n{table}");
    }
    let out = wstriage(&[
        "cases",
        fixture("tarantool-0.8.1/clients").to_str().unwrap(),
        "--behavior",
        "UNCLEAN",
    ]);
    assert_eq!(out.status.code(), Some(0));
    let text = String::from_utf8(out.stdout).unwrap();
    assert_eq!(text.lines().count(), 23);
    assert!(text.lines().all(|l| l.contains("UNCLEAN")));
    let out = wstriage(&[
        "cases",
        fixture("tarantool-0.8.1/clients").to_str().unwrap(),
        "--behavior",
        "FAILED",
        "--case",
        "9.*",
        "--exclude",
        "9.1.*",
    ]);
    let text = String::from_utf8(out.stdout).unwrap();
    assert!(!text.is_empty());
    assert!(
        text.lines()
            .all(|l| l.contains(" 9.") && !l.contains(" 9.1.")),
        "{text}"
    );
    let out = wstriage(&[
        "cases",
        fixture("undici-0.8.2").to_str().unwrap(),
        "--behavior",
        "NOPE",
    ]);
    assert_eq!(out.status.code(), Some(2));
}

#[test]
fn show_selects_by_case_and_agent_and_prints_json_records() {
    let out = wstriage(&[
        "show",
        fixture("").to_str().unwrap(),
        "--agent",
        "undici",
        "--case",
        "6.4.1",
        "--format",
        "json",
    ]);
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(v.as_array().unwrap().len(), 1);
    assert_eq!(v[0]["behavior"], "NON-STRICT");
    assert_eq!(v[0]["observed"][1]["kind"], "timeout");
    let out = wstriage(&[
        "show",
        fixture("undici-0.8.2/undici_case_5_19.html")
            .to_str()
            .unwrap(),
    ]);
    assert_eq!(out.status.code(), Some(0));
    let page = String::from_utf8(out.stdout).unwrap();
    assert!(page.starts_with("Case 5.19 — undici"), "{page}");
    assert!(
        page.contains("mask=0f42217b"),
        "RX mask not undone:\n{page}"
    );
    let none = wstriage(&[
        "show",
        fixture("undici-0.8.2").to_str().unwrap(),
        "--case",
        "99.*",
    ]);
    assert_eq!(none.status.code(), Some(2));
}
