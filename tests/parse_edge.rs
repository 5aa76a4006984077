//! Traps of real pages that the fixtures do not all show by themselves: the 1000-character cut
//! of Expected/Observed, UNIMPLEMENTED shown as "Fail", suite-version drift of 7.9.x.

use std::path::{Path, PathBuf};
use wstriage::model::{Behavior, EventKind};
use wstriage::parse::html::parse_case_html;
use wstriage::parse::{load_runs, parse_case_file};

fn fixture(rel: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("fixtures")
        .join(rel)
}

/// `FuzzingFactory.limitString(s, 1000)`: longer than 996 → first 996 characters + " ...".
fn limit_string(s: &str) -> String {
    if s.len() > 996 {
        format!("{} ...", &s[..996])
    } else {
        s.to_string()
    }
}

#[test]
fn literals_cut_at_1000_characters_keep_their_complete_events() {
    // 2.10 sends 10 pings: the real page prints both lists in full (under 1000 characters).
    let path = fixture("tarantool-0.8.1/servers/autobahnserver_case_2_10.html");
    let page = std::fs::read_to_string(&path).unwrap();
    let full = parse_case_file(&path).unwrap();
    assert!(!full.expected_truncated && !full.observed_truncated);
    assert_eq!(full.observed.as_ref().unwrap().len(), 10);
    // The same page as the suite prints it when the lists are longer: 60 pongs, cut.
    let long: Vec<String> = (0..60)
        .map(|i| format!("('pong', u'payload-{i}')"))
        .collect();
    let long_list = format!("[{}]", long.join(", "));
    let long_dict = format!("{{'OK': {long_list}}}");
    let start =
        page.find("<span class=\"case_pickle\">").unwrap() + "<span class=\"case_pickle\">".len();
    let end = page[start..].find("</span>").unwrap() + start;
    let obs_start = page[end..].find("<span class=\"case_pickle\">").unwrap() + end + 26;
    let obs_end = page[obs_start..].find("</span>").unwrap() + obs_start;
    let cut = format!(
        "{}{}{}{}{}",
        &page[..start],
        limit_string(&long_dict),
        &page[end..obs_start],
        limit_string(&long_list),
        &page[obs_end..]
    );
    let r = parse_case_html(cut.as_bytes(), &path).unwrap();
    assert!(r.expected_truncated && r.observed_truncated);
    let exp = &r.expected.as_ref().unwrap()["OK"];
    let obs = r.observed.as_ref().unwrap();
    // 996 characters hold the first complete "('pong', u'payload-N')" entries of the list.
    let complete = limit_string(&long_list).matches("')").count();
    assert_eq!(obs.len(), complete);
    assert!(obs.len() > 30 && obs.len() < 60, "{}", obs.len());
    assert_eq!(exp.len(), limit_string(&long_dict).matches("')").count());
    assert!(obs
        .iter()
        .enumerate()
        .all(|(i, e)| e.kind == EventKind::Pong
            && e.payload.as_deref() == Some(format!("payload-{i}").as_str())));
}

#[test]
fn fail_on_a_12_x_page_is_unimplemented_only_without_permessage_deflate() {
    let path = fixture("tarantool-0.8.1/servers/autobahnserver_case_12_1_1.html");
    let json = parse_case_file(&path.with_extension("json")).unwrap();
    assert_eq!(json.behavior, Behavior::Unimplemented);
    let r = parse_case_file(&path).unwrap();
    assert_eq!(r.behavior, Behavior::Unimplemented);
    assert!(
        r.notes.iter().any(|n| n.contains("UNIMPLEMENTED inferred")),
        "{:?}",
        r.notes
    );
    // The same page had the server accepted permessage-deflate: a "Fail" is then a real failure.
    let page = std::fs::read_to_string(&path).unwrap();
    let accepted = page.replacen(
        "HTTP/1.1 101 Switching Protocols",
        "HTTP/1.1 101 Switching Protocols\nSec-WebSocket-Extensions: permessage-deflate",
        1,
    );
    assert_ne!(accepted, page);
    let r = parse_case_html(accepted.as_bytes(), &path).unwrap();
    assert_eq!(r.behavior, Behavior::Failed);
    // Outside 12.x/13.x nothing can be UNIMPLEMENTED: "Fail" is FAILED without a note.
    let f = parse_case_file(&fixture(
        "tarantool-0.8.1/clients/tarantool_1_10_case_9_2_4.html",
    ))
    .unwrap();
    assert_eq!(f.behavior, Behavior::Failed);
    assert!(
        f.notes.iter().all(|n| !n.contains("UNIMPLEMENTED")),
        "{:?}",
        f.notes
    );
}

#[test]
fn client_run_pages_give_the_run_number_and_version() {
    let r = parse_case_file(&fixture(
        "tarantool-0.8.1/clients/tarantool_1_10_case_10_1_1.html",
    ))
    .unwrap();
    assert_eq!(r.agent, "Tarantool/1.10");
    assert!(r.case_index.is_some());
    assert_eq!(r.suite_version.as_deref(), Some("0.8.1"));
    assert!(r.closing.as_ref().unwrap().is_server);
}

#[test]
fn one_implementation_under_two_suite_versions_has_different_7_9_ids() {
    let old = load_runs(&[fixture("tarantool-0.8.0/servers")]);
    let new = load_runs(&[fixture("tarantool-0.8.1/servers")]);
    let ids = |runs: &wstriage::parse::Loaded<wstriage::model::Run>| -> Vec<String> {
        runs.items[0]
            .cases
            .iter()
            .filter(|c| c.case_id.as_str().starts_with("7.9."))
            .map(|c| c.case_id.to_string())
            .collect()
    };
    // 0.8.0 still had 11 invalid close codes (1014/1015 were removed in 0.8.1).
    assert_eq!(ids(&old).len(), 11);
    assert_eq!(ids(&new).len(), 9);
    assert_eq!(ids(&old).last().unwrap(), "7.9.11");
    assert_eq!(new.items[0].suite_version.as_deref(), Some("0.8.1"));
    // The old folder has no index.html; its version comes from the group-7 case files kept
    // beside index.json (their `Server: AutobahnTestSuite/0.8.0-…` header).
    assert_eq!(old.items[0].suite_version.as_deref(), Some("0.8.0"));
}
