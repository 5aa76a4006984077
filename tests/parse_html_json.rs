//! For every case of every fixture folder that has both forms, the record read from the HTML
//! page equals the record read from the JSON on every field both carry, and both agree with the
//! folder's index.json.

use std::path::{Path, PathBuf};
use wstriage::model::{CaseReport, WireEntry};
use wstriage::parse::folder::{case_file_name, find_report_folders};
use wstriage::parse::{load_runs, parse_case_file};

/// What `textwrap.wrap(text, 100)` leaves of a short payload on the page: whitespace characters
/// become spaces (tabs expanded), trailing whitespace goes, an all-blank payload prints nothing.
fn as_wrapped(text: &str) -> String {
    let mut col = 0;
    let mut out = String::new();
    for c in text.chars() {
        match c {
            '\t' => {
                let n = 8 - col % 8;
                out.extend(std::iter::repeat_n(' ', n));
                col += n;
            }
            '\n' | '\r' | '\x0b' | '\x0c' => {
                out.push(' ');
                col += 1;
            }
            c => {
                out.push(c);
                col += 1;
            }
        }
    }
    out.trim_end().to_string()
}

/// Compares the two records; returns the first difference.
fn compare(h: &CaseReport, j: &CaseReport) -> Result<(), String> {
    macro_rules! same {
        ($field:ident) => {
            if h.$field != j.$field {
                return Err(format!(
                    "{}: html {:?} != json {:?}",
                    stringify!($field),
                    h.$field,
                    j.$field
                ));
            }
        };
    }
    same!(agent);
    same!(case_id);
    same!(behavior);
    same!(behavior_close);
    same!(duration_ms);
    same!(started);
    same!(description);
    same!(expectation);
    same!(result);
    same!(result_close);
    same!(closing);
    same!(suite_version);
    if h.case_index.is_some() {
        same!(case_index);
    }
    if h.stats.is_some() {
        same!(stats);
    }
    let trimmed = |s: &Option<String>| s.as_deref().map(str::trim).map(str::to_string);
    if trimmed(&h.http_request) != trimmed(&j.http_request) {
        return Err(format!(
            "http_request: {:?} != {:?}",
            h.http_request, j.http_request
        ));
    }
    if trimmed(&h.http_response) != trimmed(&j.http_response) {
        return Err(format!(
            "http_response: {:?} != {:?}",
            h.http_response, j.http_response
        ));
    }
    if h.expected_truncated {
        let (hm, jm) = (h.expected.as_ref().unwrap(), j.expected.as_ref().unwrap());
        for (k, v) in hm {
            let full = jm.get(k).ok_or(format!("expected: key {k} not in json"))?;
            if full[..v.len()] != v[..] {
                return Err(format!("expected (cut): {k} differs"));
            }
        }
    } else {
        same!(expected);
    }
    if h.observed_truncated {
        let (hv, jv) = (h.observed.as_ref().unwrap(), j.observed.as_ref().unwrap());
        if jv[..hv.len()] != hv[..] {
            return Err("observed (cut) differs".into());
        }
    } else {
        same!(observed);
    }
    let (hw, jw) = (
        h.wirelog.as_deref().unwrap_or(&[]),
        j.wirelog.as_deref().unwrap_or(&[]),
    );
    // The page adds "TCP DROPPED BY ME/PEER" from droppedByMe.
    let Some((last, hw)) = hw.split_last() else {
        return Err("html wire log empty".into());
    };
    let dropped = j.closing.as_ref().unwrap().dropped_by_me;
    if *last != (WireEntry::TcpDropped { by_me: dropped }) {
        return Err(format!(
            "last html wire entry {last:?}, dropped_by_me {dropped}"
        ));
    }
    if hw.len() != jw.len() {
        return Err(format!(
            "wirelog: {} entries in html, {} in json",
            hw.len(),
            jw.len()
        ));
    }
    for (i, (a, b)) in hw.iter().zip(jw).enumerate() {
        let ok = match (a, b) {
            (WireEntry::RxOctets { octets: x }, WireEntry::RxOctets { octets: y })
            | (WireEntry::TxOctets { octets: x, .. }, WireEntry::TxOctets { octets: y, .. }) => {
                x.data == y.data && x.truncated == y.truncated && (x.truncated || x.len == y.len)
            }
            (
                WireEntry::RxFrame {
                    payload: x,
                    opcode: o1,
                    fin: f1,
                    rsv: r1,
                    masked: m1,
                    mask: k1,
                },
                WireEntry::RxFrame {
                    payload: y,
                    opcode: o2,
                    fin: f2,
                    rsv: r2,
                    masked: m2,
                    mask: k2,
                },
            ) => {
                (o1, f1, r1, m1, k1) == (o2, f2, r2, m2, k2)
                    && x.len == y.len
                    && x.data == as_wrapped(&y.data)
            }
            (
                WireEntry::TxFrame {
                    payload: x,
                    opcode: o1,
                    fin: f1,
                    rsv: r1,
                    mask: k1,
                    payload_repeat_len: p1,
                    chop_size: c1,
                    sync: s1,
                },
                WireEntry::TxFrame {
                    payload: y,
                    opcode: o2,
                    fin: f2,
                    rsv: r2,
                    mask: k2,
                    payload_repeat_len: p2,
                    chop_size: c2,
                    sync: s2,
                },
            ) => {
                (o1, f1, r1, k1, p1, c1, s1) == (o2, f2, r2, k2, p2, c2, s2)
                    && x.len == y.len
                    && x.data == as_wrapped(&y.data)
            }
            (a, b) => a == b,
        };
        if !ok {
            return Err(format!("wirelog[{i}]: html {a:?} != json {b:?}"));
        }
    }
    Ok(())
}

#[test]
fn html_and_json_records_agree_with_each_other_and_the_index() {
    // WSTRIAGE_COMPARE_DIR points the same check at any other tree of report folders.
    let root = std::env::var_os("WSTRIAGE_COMPARE_DIR")
        .map(PathBuf::from)
        .unwrap_or_else(|| Path::new(env!("CARGO_MANIFEST_DIR")).join("fixtures"));
    let (folders, errors) = find_report_folders(&root);
    assert!(errors.is_empty(), "{errors:?}");
    let mut pairs = 0;
    let mut failures = Vec::new();
    let mut html_only = 0;
    for folder in folders {
        let runs = load_runs(std::slice::from_ref(&folder.dir));
        let rows = runs
            .items
            .first()
            .map(|r| r.cases.clone())
            .unwrap_or_default();
        for cf in folder.case_files.iter().filter(|c| c.html) {
            let json_path: PathBuf = cf.path.with_extension("json");
            let h = match parse_case_file(&cf.path) {
                Ok(h) => h,
                Err(e) => {
                    failures.push(format!("{e}"));
                    continue;
                }
            };
            // Both agree with the index row.
            if let Some(row) = rows
                .iter()
                .find(|r| r.agent == h.agent && r.case_id == h.case_id)
            {
                if (
                    row.behavior,
                    row.behavior_close,
                    row.duration_ms,
                    row.remote_close_code,
                ) != (
                    h.behavior,
                    h.behavior_close,
                    h.duration_ms,
                    h.remote_close_code(),
                ) {
                    failures.push(format!(
                        "{}: html disagrees with index row {row:?}",
                        cf.path.display()
                    ));
                }
            } else if rows.iter().any(|r| r.agent == h.agent) {
                failures.push(format!("{}: not in the index", cf.path.display()));
            }
            // (Files of an agent the index does not know are leftovers of an earlier run, as in
            // ws-spec-check's committed folder: still compared with their JSON below.)
            if !json_path.exists() {
                html_only += 1;
                continue;
            }
            let j = parse_case_file(&json_path).unwrap_or_else(|e| panic!("{e}"));
            assert_eq!(case_file_name(&json_path).unwrap().case_id, j.case_id);
            pairs += 1;
            if let Err(m) = compare(&h, &j) {
                failures.push(format!("{}: {m}", cf.path.display()));
            }
        }
    }
    assert!(
        failures.is_empty(),
        "{} of {pairs} pairs differ; first: {:#?}",
        failures.len(),
        &failures[..failures.len().min(8)]
    );
    assert!(pairs >= 800, "only {pairs} pairs compared");
    if std::env::var_os("WSTRIAGE_COMPARE_DIR").is_none() {
        assert!(html_only > 0, "no HTML-only case exercised");
    }
}
