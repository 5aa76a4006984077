//! `wstriage merge` on real report folders: a real run split into shards merges back into the
//! same index.json and index.html, byte for byte.

use serde_json::{Map, Value};
use std::fs;
use std::path::{Path, PathBuf};
use std::process::Command;

fn fixture(rel: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("fixtures")
        .join(rel)
}

fn wstriage(args: &[&Path]) -> std::process::Output {
    Command::new(env!("CARGO_BIN_EXE_wstriage"))
        .args(args)
        .output()
        .expect("run wstriage")
}

fn index_files(root: &Path, out: &mut Vec<PathBuf>) {
    let Ok(entries) = fs::read_dir(root) else {
        return;
    };
    for e in entries.flatten() {
        let p = e.path();
        if p.is_dir() {
            index_files(&p, out);
        } else if p.file_name().is_some_and(|n| n == "index.json") {
            out.push(p);
        }
    }
}

/// Every real index.json we hold re-serializes to its own bytes. Extra folders of real reports
/// (e.g. the team corpus) can be checked too with WSTRIAGE_CORPUS=dir.
#[test]
fn serializer_reproduces_real_index_json_bytes() {
    let mut files = Vec::new();
    index_files(&fixture(""), &mut files);
    if let Ok(extra) = std::env::var("WSTRIAGE_CORPUS") {
        index_files(Path::new(&extra), &mut files);
    }
    assert!(files.len() >= 2, "no index.json fixtures found");
    for f in &files {
        let bytes = fs::read(f).unwrap();
        let value: Value = serde_json::from_slice(&bytes).unwrap();
        let again = wstriage::merge::py2_json_dumps(&value);
        assert!(
            again.as_bytes() == bytes.as_slice(),
            "{}: re-serialized bytes differ",
            f.display()
        );
    }
}

const MISSING_CELL: &str =
    "            <td class=\"case_missing close_flex\" colspan=\"2\">Missing</td>";

/// Writes one shard of `full`: the rows `keep` selects, in a different JSON layout (so the
/// merge must re-serialize, not copy), the case files of those rows, and the real index.html
/// with every other result cell turned into wstest's "Missing" cell, as a run of only these
/// cases would show it.
fn write_shard(full: &Path, shard: &Path, keep: &dyn Fn(&str) -> bool) -> usize {
    fs::create_dir_all(shard).unwrap();
    let index: Map<String, Value> =
        serde_json::from_slice(&fs::read(full.join("index.json")).unwrap()).unwrap();
    let mut part = Map::new();
    let mut rows = 0;
    for (agent, cases) in &index {
        let mut mine = Map::new();
        for (id, row) in cases.as_object().unwrap() {
            if keep(id) {
                mine.insert(id.clone(), row.clone());
                rows += 1;
                let json = row["reportfile"].as_str().unwrap().to_string();
                let html = json.replace(".json", ".html");
                for file in [json, html] {
                    if full.join(&file).exists() {
                        fs::copy(full.join(&file), shard.join(&file)).unwrap();
                    }
                }
            }
        }
        part.insert(agent.clone(), Value::Object(mine));
    }
    fs::write(
        shard.join("index.json"),
        serde_json::to_string(&Value::Object(part)).unwrap(),
    )
    .unwrap();

    let html = fs::read_to_string(full.join("index.html")).unwrap();
    let mut out = Vec::new();
    let mut current: Option<String> = None;
    for line in html.split('\n') {
        if let Some(rest) = line
            .trim()
            .strip_prefix("<td class=\"case\"><a href=\"#case_desc_")
        {
            let id = rest
                .split("\">Case ")
                .nth(1)
                .unwrap()
                .split('<')
                .next()
                .unwrap();
            current = Some(id.to_string());
            out.push(line.to_string());
            continue;
        }
        match &current {
            Some(id) if line.trim().starts_with("<td class=\"case_") => {
                out.push(if keep(id) {
                    line.to_string()
                } else {
                    MISSING_CELL.to_string()
                });
            }
            _ => {
                if line.trim() == "</tr>" {
                    current = None;
                }
                out.push(line.to_string());
            }
        }
    }
    fs::write(shard.join("index.html"), out.join("\n")).unwrap();
    rows
}

#[test]
fn merged_shards_equal_the_unsharded_run() {
    merge_round_trip(&fixture("tarantool-0.8.1/servers"));
}

/// Two agents in one run: every result row holds one cell per agent.
#[test]
fn merged_shards_of_a_two_agent_run_equal_the_unsharded_run() {
    merge_round_trip(&fixture("pyservers-servers"));
}

fn merge_round_trip(full: &Path) {
    let full = full.to_path_buf();
    let tmp = tempfile::tempdir().unwrap();
    let a = tmp.path().join("shard-a");
    let b = tmp.path().join("shard-b");
    // Interleaved split so that every group is in both shards.
    let odd = |id: &str| id.bytes().map(u32::from).sum::<u32>() % 2 == 1;
    let rows_a = write_shard(&full, &a, &odd);
    let rows_b = write_shard(&full, &b, &|id| !odd(id));
    assert!(
        rows_a > 100 && rows_b > 100,
        "split is lopsided: {rows_a}/{rows_b}"
    );

    let out = tmp.path().join("merged");
    let run = wstriage(&[Path::new("merge"), &out, &a, &b]);
    assert_eq!(
        run.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&run.stderr)
    );
    let stdout = String::from_utf8_lossy(&run.stdout);
    assert!(stdout.contains("index.html: merged"), "{stdout}");

    assert!(
        fs::read(out.join("index.json")).unwrap() == fs::read(full.join("index.json")).unwrap(),
        "merged index.json differs from the unsharded run's"
    );
    assert!(
        fs::read(out.join("index.html")).unwrap() == fs::read(full.join("index.html")).unwrap(),
        "merged index.html differs from the unsharded run's"
    );
    // Every case file of the run is there, unchanged.
    for e in fs::read_dir(&full).unwrap().flatten() {
        let name = e.file_name();
        if name.to_string_lossy().contains("_case_") {
            assert_eq!(
                fs::read(out.join(&name)).unwrap(),
                fs::read(e.path()).unwrap(),
                "{name:?}"
            );
        }
    }
    // No staging folder left beside the output.
    let leftovers: Vec<_> = fs::read_dir(tmp.path())
        .unwrap()
        .flatten()
        .filter(|e| e.file_name().to_string_lossy().starts_with(".wstriage"))
        .collect();
    assert!(leftovers.is_empty());
}

#[test]
fn overlapping_shards_are_an_error_unless_prefer_newer() {
    let full = fixture("tarantool-0.8.1/servers");
    let tmp = tempfile::tempdir().unwrap();
    let a = tmp.path().join("a");
    let b = tmp.path().join("b");
    write_shard(&full, &a, &|id| id.starts_with("7."));
    write_shard(&full, &b, &|id| {
        id.starts_with("7.9.") || id.starts_with("1.")
    });
    let out = tmp.path().join("out");
    let run = wstriage(&[Path::new("merge"), &out, &a, &b]);
    assert_eq!(run.status.code(), Some(2));
    let err = String::from_utf8_lossy(&run.stderr);
    assert!(err.contains("overlap") && err.contains("7.9.1"), "{err}");
    assert!(
        !out.exists(),
        "a failed merge must not leave an output folder"
    );

    let run = wstriage(&[
        Path::new("merge"),
        Path::new("--prefer"),
        Path::new("newer"),
        &out,
        &a,
        &b,
    ]);
    assert_eq!(
        run.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&run.stderr)
    );
    let merged: Map<String, Value> =
        serde_json::from_slice(&fs::read(out.join("index.json")).unwrap()).unwrap();
    let cases = merged["AutobahnServer"].as_object().unwrap();
    assert!(
        cases.contains_key("7.9.1") && cases.contains_key("1.1.1") && cases.contains_key("7.1.1")
    );
}

#[test]
fn missing_shard_or_non_empty_output_is_exit_2() {
    let tmp = tempfile::tempdir().unwrap();
    let run = wstriage(&[
        Path::new("merge"),
        &tmp.path().join("out"),
        &tmp.path().join("no-such-shard"),
    ]);
    assert_eq!(run.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&run.stderr).contains("no-such-shard"));

    let busy = tmp.path().join("busy");
    fs::create_dir(&busy).unwrap();
    fs::write(busy.join("keep.txt"), "x").unwrap();
    let run = wstriage(&[
        Path::new("merge"),
        &busy,
        &fixture("tarantool-0.8.1/servers"),
    ]);
    assert_eq!(run.status.code(), Some(2));
    assert_eq!(fs::read_to_string(busy.join("keep.txt")).unwrap(), "x");
}

/// Folders whose pages do not line up (other suite version, other agents) still merge; the
/// index.html is then a generated one, and the command says so.
#[test]
fn unlike_pages_fall_back_to_a_generated_index_html() {
    let tmp = tempfile::tempdir().unwrap();
    let out = tmp.path().join("out");
    let a = fixture("tarantool-0.8.1/servers");
    let b = fixture("pyservers-servers");
    let run = wstriage(&[Path::new("merge"), &out, &a, &b]);
    assert_eq!(
        run.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&run.stderr)
    );
    assert!(String::from_utf8_lossy(&run.stdout).contains("index.html: generated"));
    let merged: Map<String, Value> =
        serde_json::from_slice(&fs::read(out.join("index.json")).unwrap()).unwrap();
    let mut expected: Vec<String> = Vec::new();
    for dir in [&a, &b] {
        let idx: Map<String, Value> =
            serde_json::from_slice(&fs::read(dir.join("index.json")).unwrap()).unwrap();
        for (agent, cases) in idx {
            assert_eq!(&merged[&agent], &cases, "{agent}");
            expected.push(agent);
        }
    }
    expected.sort();
    assert_eq!(merged.keys().cloned().collect::<Vec<_>>(), expected);
    let html = fs::read_to_string(out.join("index.html")).unwrap();
    assert!(html.contains("autobahnserver_case_1_1_1.html"));
}
