//! Explanations of real failing and passing cases (per-case JSON from real runs): the facts in
//! the output are checked, not only that something printed.

mod explain_common;

use explain_common::{case_files, load_case};
use wstriage::explain::{explain, group_by_cause};
use wstriage::model::CaseReport;
use wstriage::render::explain::{groups_text, text, TextOptions};

fn load_dir(dir: &str) -> Vec<CaseReport> {
    case_files(dir, &[]).iter().map(|p| load_case(p)).collect()
}

#[test]
fn tornado_echoes_invalid_close_codes_one_bug() {
    let all = load_dir("explain/tornado-7.9");
    let tornado: Vec<&CaseReport> = all
        .iter()
        .filter(|r| r.agent.starts_with("tornado"))
        .collect();
    assert_eq!(tornado.len(), 11);
    let ex: Vec<_> = tornado.iter().map(|r| explain(r, &all)).collect();
    for e in &ex {
        assert!(!e.passed);
        assert_eq!(e.cause.key, "close-code-not-validated", "{}", e.case_id);
        assert_eq!(e.closing.expected_codes, vec![1002]);
    }
    // 7.9.1 sends code 0; tornado echoed it.
    let e = ex.iter().find(|e| e.case_id.as_str() == "7.9.1").unwrap();
    assert_eq!(e.closing.testee_code, Some(0));
    let out = text(e, TextOptions::default());
    eprintln!("{out}");
    assert!(out.contains("WRONG CODE"));
    assert!(out.contains("RFC 6455 §7.4"));
    assert!(out.contains("answered with close 0"));
    let peer = e.peer.as_ref().expect("websockets-3.3 passed 7.9.1");
    assert!(peer.agent.starts_with("websockets"));
    assert!(peer.text.contains("1002"), "{}", peer.text);
    let groups = group_by_cause(&ex);
    assert_eq!(groups.len(), 1);
    let g = groups_text(&groups, 11);
    assert!(g.contains("these 11 failures are one bug"), "{g}");
}

#[test]
fn aiohttp_octet_chops_never_echoed() {
    let all = load_dir("explain/aiohttp");
    let r = all
        .iter()
        .find(|r| r.agent.starts_with("aiohttp") && r.case_id.as_str() == "5.5")
        .unwrap();
    let e = explain(r, &all);
    let out = text(&e, TextOptions::default());
    eprintln!("{out}");
    assert_eq!(e.verdict.behavior_close.unwrap().as_str(), "UNCLEAN");
    let d = e.divergence.as_ref().unwrap();
    assert_eq!(d.first, Some(1));
    assert_eq!(
        d.missing,
        vec!["message \"fragment1fragment2\"".to_string()]
    );
    assert!(e.closing.text.contains("close timer"), "{}", e.closing.text);
    assert!(out.contains("chop size 1"));
    assert!(e.peer.is_some());
    assert_eq!(e.cause.key, "octet-chops-not-reassembled");
    // 2.6 (a ping written one octet at a time) fails the same way: one bug.
    let r26 = all
        .iter()
        .find(|r| r.agent.starts_with("aiohttp") && r.case_id.as_str() == "2.6")
        .unwrap();
    let e26 = explain(r26, &all);
    assert_eq!(e26.cause.key, "octet-chops-not-reassembled");
    let groups = group_by_cause(&[e, e26]);
    assert_eq!(groups.len(), 1);
    assert_eq!(groups[0].cases.len(), 2);
}

#[test]
fn aiohttp_3_2_is_non_strict() {
    let all = load_dir("explain/aiohttp");
    let r = all.iter().find(|r| r.case_id.as_str() == "3.2").unwrap();
    let e = explain(r, &all);
    eprintln!("{}", text(&e, TextOptions::default()));
    assert_eq!(e.verdict.behavior.as_str(), "NON-STRICT");
    assert!(e.verdict.meaning.contains("lenient"));
    assert_eq!(e.cause.key, "fails-before-valid-data");
}

/// The same case read from its HTML page and from its JSON explains alike (the page lacks
/// `expectedClose`, which the rules supply, and the real length of cut octets).
#[test]
fn html_and_json_explain_alike() {
    let mut compared = 0;
    for (dir, prefix) in [
        ("tarantool-0.8.1/servers", "autobahnserver"),
        ("tarantool-0.8.1/clients", "tarantool_1_10"),
    ] {
        for id in [
            "2_6", "3_4", "4_2_5", "5_8", "5_17", "6_2_4", "6_4_1", "6_4_2", "6_4_3", "7_3_6",
            "7_9_1", "9_2_4", "9_5_1", "12_1_1",
        ] {
            let base = explain_common::fixture(&format!("{dir}/{prefix}_case_{id}"));
            let (json, html) = (base.with_extension("json"), base.with_extension("html"));
            if !json.is_file() || !html.is_file() {
                continue;
            }
            let a = explain(&load_case(&json), &[]);
            let b = explain(&load_case(&html), &[]);
            assert_eq!(a.cause, b.cause, "{}", html.display());
            assert_eq!(a.closing.text, b.closing.text, "{}", html.display());
            assert_eq!(a.verdict.meaning, b.verdict.meaning, "{}", html.display());
            assert_eq!(
                a.divergence.as_ref().map(|d| &d.summary),
                b.divergence.as_ref().map(|d| &d.summary),
                "{}",
                html.display()
            );
            let frames = |e: &wstriage::explain::Explanation| -> Vec<(u8, u64, Vec<u8>)> {
                e.wire
                    .as_ref()
                    .unwrap()
                    .decoded
                    .frames
                    .iter()
                    .filter(|f| f.complete)
                    .map(|f| (f.opcode, f.len, f.payload.clone()))
                    .collect()
            };
            if ["2_6", "3_4", "4_2_5", "5_8"].contains(&id) {
                assert_eq!(frames(&a), frames(&b), "{}", html.display());
                assert!(!frames(&a).is_empty());
            }
            compared += 1;
        }
    }
    assert!(compared >= 20, "{compared}");
}

/// 6.4.3 writes one text frame as three timed raw writes that the suite never logs as a
/// frame: only the octets show it, and the decoder puts it back together.
#[test]
fn raw_timed_chops_are_decoded_into_the_frame_the_log_never_shows() {
    let r = load_case(&explain_common::fixture(
        "tarantool-0.8.1/clients/tarantool_1_10_case_6_4_3.json",
    ));
    let e = explain(&r, &[]);
    assert_eq!(e.cause.key, "utf8-not-fail-fast");
    let w = e.wire.as_ref().unwrap();
    let f = w
        .decoded
        .frames
        .iter()
        .find(|f| f.opcode == 1)
        .expect("the raw text frame");
    assert!(f.complete && !f.fin);
    assert_eq!(f.len, 21);
    assert_eq!(f.entries, 4);
    assert_eq!(
        &f.payload[11..15],
        &[0xf4, 0x90, 0x80, 0x80],
        "the octets that make it invalid"
    );
    let logged_text_frames = r
        .wirelog
        .as_deref()
        .unwrap()
        .iter()
        .filter(|x| matches!(x, wstriage::model::WireEntry::TxFrame { opcode: 1, .. }))
        .count();
    assert_eq!(logged_text_frames, 0);
    let t = text(&e, TextOptions::default());
    assert!(t.contains("text frame, no FIN, 21 octets: 0xcebae1bdb9cf83cebcceb5f4908080656469746564 [octets spread over 4 log entries]"), "{t}");
}
