//! Loading real report folders: index.json, per-case JSON, trees, fallbacks, version detection.

use std::path::{Path, PathBuf};
use wstriage::model::{Behavior, RunMode, SourceFormat};
use wstriage::parse::{load_reports, load_runs, parse_case_file};
use wstriage::select::CaseSelector;

fn fixture(rel: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("fixtures")
        .join(rel)
}

#[test]
fn a_tree_gives_one_run_per_report_folder_sorted_numerically() {
    let loaded = load_runs(&[fixture("")]);
    assert!(loaded.errors.is_empty(), "{:?}", loaded.errors);
    let roots: Vec<String> = loaded
        .items
        .iter()
        .map(|r| {
            r.root
                .strip_prefix(fixture(""))
                .unwrap()
                .display()
                .to_string()
        })
        .collect();
    for want in [
        "rust-websocket-lite/clients",
        "rust-websocket-lite/servers",
        "tarantool-0.8.0/servers",
        "tarantool-0.8.1/clients",
        "tarantool-0.8.1/servers",
        "undici-0.8.2",
    ] {
        assert!(roots.iter().any(|r| r == want), "{want} not in {roots:?}");
    }
    for run in &loaded.items {
        for pair in run.cases.windows(2) {
            assert!(
                (&pair[0].agent, &pair[0].case_id) < (&pair[1].agent, &pair[1].case_id),
                "{} not sorted at {} / {}",
                run.root.display(),
                pair[0].case_id,
                pair[1].case_id
            );
        }
    }
    let by = |rel: &str| {
        loaded
            .items
            .iter()
            .find(|r| r.root == fixture(rel))
            .unwrap()
    };
    let servers = by("tarantool-0.8.1/servers");
    assert_eq!(servers.cases.len(), 513);
    assert_eq!(servers.agents(), ["AutobahnServer"]);
    assert_eq!(servers.suite_version.as_deref(), Some("0.8.1"));
    assert_eq!(servers.mode, Some(RunMode::Servers));
    let clients = by("tarantool-0.8.1/clients");
    assert_eq!(clients.cases.len(), 517);
    assert_eq!(clients.mode, Some(RunMode::Clients));
    // 0.8.0 still had 11 invalid close codes in 7.9.x: 519 cases.
    assert_eq!(by("tarantool-0.8.0/servers").cases.len(), 519);
    // undici only committed a renamed copy of index.json, and no index.html: the version comes
    // from a case file's Server header.
    let undici = by("undici-0.8.2");
    assert_eq!(undici.cases.len(), 517);
    assert_eq!(undici.suite_version.as_deref(), Some("0.8.2"));
    let ids: Vec<&str> = undici.cases[..12]
        .iter()
        .map(|c| c.case_id.as_str())
        .collect();
    assert_eq!(ids[8..], ["1.2.1", "1.2.2", "1.2.3", "1.2.4"]);
    let c = undici
        .cases
        .iter()
        .find(|c| c.case_id.as_str() == "6.4.1")
        .unwrap();
    assert_eq!(c.behavior, Behavior::NonStrict);
    assert_eq!(c.duration_ms, Some(2002));
}

#[test]
fn every_json_case_agrees_with_its_index_row() {
    for rel in [
        "tarantool-0.8.1/servers",
        "tarantool-0.8.1/clients",
        "undici-0.8.2",
    ] {
        let runs = load_runs(&[fixture(rel)]);
        let reports = load_reports(&[fixture(rel)], None, &CaseSelector::default());
        assert!(
            reports.errors.is_empty(),
            "{rel}: {:?}",
            &reports.errors[..1]
        );
        let rows = &runs.items[0].cases;
        assert_eq!(reports.items.len(), rows.len(), "{rel}");
        let mut from_files = 0;
        for row in rows {
            let r = reports
                .items
                .iter()
                .find(|r| r.agent == row.agent && r.case_id == row.case_id)
                .unwrap_or_else(|| panic!("{rel}: no record for {}", row.case_id));
            assert_eq!(r.behavior, row.behavior, "{rel} {}", row.case_id);
            assert_eq!(
                r.behavior_close, row.behavior_close,
                "{rel} {}",
                row.case_id
            );
            assert_eq!(r.duration_ms, row.duration_ms, "{rel} {}", row.case_id);
            if r.source.format != SourceFormat::Index {
                from_files += 1;
                assert_eq!(
                    r.remote_close_code(),
                    row.remote_close_code,
                    "{rel} {}",
                    row.case_id
                );
            }
        }
        assert!(
            from_files >= 5,
            "{rel}: only {from_files} records came from case files"
        );
    }
}

#[test]
fn lone_surrogates_in_real_json_are_repaired() {
    let dir = fixture("tarantool-0.8.1/servers");
    for case in ["6_3_1", "6_20_1", "6_20_3", "6_20_7"] {
        let path = dir.join(format!("autobahnserver_case_{case}.json"));
        let r = parse_case_file(&path).unwrap_or_else(|e| panic!("{e}"));
        let log = serde_json::to_string(&r.wirelog).unwrap();
        assert!(
            log.contains('\u{fffd}'),
            "{case}: no U+FFFD in the wire log"
        );
        assert_eq!(r.suite_version.as_deref(), Some("0.8.1"));
    }
    // A valid surrogate pair (non-character U+FFFFF in 6.22.x) stays a real character.
    let r = parse_case_file(&dir.join("autobahnserver_case_6_22_1.json")).unwrap();
    let log = serde_json::to_string(&r.wirelog).unwrap();
    assert!(!log.contains('\u{fffd}'), "6.22.1 should not need repair");
}

#[test]
fn json_fields_come_through_typed() {
    let r = parse_case_file(&fixture("undici-0.8.2/undici_case_6_4_1.json")).unwrap();
    assert_eq!(r.agent, "undici");
    assert_eq!(r.case_id.as_str(), "6.4.1");
    assert_eq!(r.case_index, Some(74));
    assert_eq!(r.behavior, Behavior::NonStrict);
    assert_eq!(r.behavior_close, Some(Behavior::Ok));
    assert_eq!(r.started.as_deref(), Some("2024-06-08T14:29:54.962Z"));
    let expected = r.expected.as_ref().unwrap();
    assert_eq!(expected["OK"].len(), 1);
    assert_eq!(expected["NON-STRICT"].len(), 2);
    assert_eq!(
        serde_json::to_value(&r.observed).unwrap(),
        serde_json::json!([{"kind": "timeout", "payload": "A"}, {"kind": "timeout", "payload": "B"}])
    );
    let ec = r.expected_close.as_ref().unwrap();
    assert_eq!(ec.close_code, [1007]);
    assert_eq!(ec.closed_by_wrong_endpoint_is_fatal, Some(true));
    let closing = r.closing.as_ref().unwrap();
    assert!(closing.is_server && !closing.was_clean);
    assert_eq!(
        closing.was_not_clean_reason.as_deref(),
        Some("peer dropped the TCP connection without previous WebSocket closing handshake")
    );
    let stats = r.stats.as_ref().unwrap();
    assert_eq!(stats.tx_frames.get(&0), Some(&2));
    assert_eq!(stats.rx_octets.get(&406), Some(&1));
    let json = serde_json::to_value(&r).unwrap();
    for key in [
        "agent",
        "case_id",
        "case_index",
        "behavior",
        "behavior_close",
        "duration_ms",
        "started",
        "description",
        "expectation",
        "result",
        "result_close",
        "expected",
        "observed",
        "expected_close",
        "closing",
        "http_request",
        "http_response",
        "stats",
        "wirelog",
        "source",
        "suite_version",
    ] {
        assert!(json.get(key).is_some(), "record JSON lacks {key}");
    }
    assert_eq!(json["source"]["format"], "json");
    assert_eq!(json["closing"]["was_clean"], false);
}

#[test]
fn filters_apply_and_missing_case_files_fall_back_to_the_index_row() {
    let sel = CaseSelector::from_lists(&["6.4.*".into()], &["6.4.2".into()]);
    let loaded = load_reports(&[fixture("undici-0.8.2")], Some("undici"), &sel);
    assert!(loaded.errors.is_empty(), "{:?}", loaded.errors);
    let ids: Vec<(String, SourceFormat)> = loaded
        .items
        .iter()
        .map(|r| (r.case_id.to_string(), r.source.format))
        .collect();
    assert_eq!(
        ids,
        [
            ("6.4.1".to_string(), SourceFormat::Json),
            ("6.4.3".to_string(), SourceFormat::Index),
            ("6.4.4".to_string(), SourceFormat::Index)
        ]
    );
    assert!(loaded.items[1].notes[0].contains("missing"));
    let none = load_reports(&[fixture("undici-0.8.2")], Some("other"), &sel);
    assert!(none.items.is_empty());
}

#[test]
fn without_an_index_the_case_files_are_read() {
    let tmp = tempfile::tempdir().unwrap();
    let src = fixture("tarantool-0.8.1/servers");
    for case in ["1_1_1", "1_1_8", "1_1_2", "7_9_6", "12_1_10", "12_1_2"] {
        let name = format!("autobahnserver_case_{case}.json");
        std::fs::copy(src.join(&name), tmp.path().join(&name)).unwrap();
    }
    let runs = load_runs(&[tmp.path().to_path_buf()]);
    assert!(runs.errors.is_empty(), "{:?}", runs.errors);
    let ids: Vec<&str> = runs.items[0]
        .cases
        .iter()
        .map(|c| c.case_id.as_str())
        .collect();
    assert_eq!(
        ids,
        ["1.1.1", "1.1.2", "1.1.8", "7.9.6", "12.1.2", "12.1.10"]
    );
    assert_eq!(runs.items[0].cases[5].behavior, Behavior::Unimplemented);
    assert_eq!(runs.items[0].suite_version.as_deref(), Some("0.8.1"));
    let reports = load_reports(
        &[tmp.path().to_path_buf()],
        Some("AutobahnServer"),
        &CaseSelector::from_lists(&["1.1.*".into()], &[]),
    );
    assert_eq!(reports.items.len(), 3);
}

#[test]
fn a_broken_case_file_is_one_error_and_the_rest_load() {
    let tmp = tempfile::tempdir().unwrap();
    let src = fixture("tarantool-0.8.1/servers");
    for case in ["1_1_1", "1_1_2", "2_1"] {
        let name = format!("autobahnserver_case_{case}.json");
        std::fs::copy(src.join(&name), tmp.path().join(&name)).unwrap();
    }
    let broken = tmp.path().join("autobahnserver_case_1_1_2.json");
    let text = std::fs::read_to_string(&broken).unwrap();
    std::fs::write(&broken, &text[..text.len() / 2]).unwrap();
    let loaded = load_reports(&[tmp.path().to_path_buf()], None, &CaseSelector::default());
    assert_eq!(loaded.items.len(), 2);
    assert_eq!(loaded.errors.len(), 1);
    let msg = loaded.errors[0].to_string();
    assert!(msg.contains("autobahnserver_case_1_1_2.json"), "{msg}");
    assert!(!msg.contains('\n'), "one line: {msg}");
}
