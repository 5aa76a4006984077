//! The wstest spec files, and the suite's case list.
//!
//! A spec is the JSON that `wstest -m fuzzingclient|fuzzingserver -s SPEC` reads
//! (`autobahntestsuite/fuzzing.py`: `FuzzingClientFactory` reads `servers[].url/agent`,
//! `FuzzingServerFactory` reads `url`; both read `outdir`, `cases`, `exclude-cases`, `options`).
//! wstriage always hands wstest explicit case ids, never globs: wstest's own matching
//! (`caseset.py: resolveCasePatternList`) turns `*` into a regex matched at the start only, so
//! `12.*.1` would also select `12.1.10`; resolving the globs here with
//! [`crate::select::CaseSelector`] keeps one meaning for `--cases` everywhere, and lets `--jobs`
//! split the exact list.

use crate::model::CaseId;
use serde_json::{json, Value};
use std::path::Path;

/// Case ids of Autobahn|Testsuite 25.10.1 (also 0.8.1 and 0.8.2), as `(prefix, count)`:
/// `("1.1", 8)` stands for 1.1.1 … 1.1.8, `("2", 11)` for 2.1 … 2.11. Generated from the suite's
/// `autobahntestsuite.case.Cases`; a test checks it against the installed suite. Used when the
/// installed suite cannot be asked (see [`query_case_ids`]).
const CASES_25_10_1: &[(&str, u32)] = &[
    ("1.1", 8),
    ("1.2", 8),
    ("2", 11),
    ("3", 7),
    ("4.1", 5),
    ("4.2", 5),
    ("5", 20),
    ("6.1", 3),
    ("6.2", 4),
    ("6.3", 2),
    ("6.4", 4),
    ("6.5", 5),
    ("6.6", 11),
    ("6.7", 4),
    ("6.8", 2),
    ("6.9", 4),
    ("6.10", 3),
    ("6.11", 5),
    ("6.12", 8),
    ("6.13", 5),
    ("6.14", 10),
    ("6.15", 1),
    ("6.16", 3),
    ("6.17", 5),
    ("6.18", 5),
    ("6.19", 5),
    ("6.20", 7),
    ("6.21", 8),
    ("6.22", 34),
    ("6.23", 7),
    ("7.1", 6),
    ("7.3", 6),
    ("7.5", 1),
    ("7.7", 13),
    ("7.9", 9),
    ("7.13", 2),
    ("9.1", 6),
    ("9.2", 6),
    ("9.3", 9),
    ("9.4", 9),
    ("9.5", 6),
    ("9.6", 6),
    ("9.7", 6),
    ("9.8", 6),
    ("10.1", 1),
    ("12.1", 18),
    ("12.2", 18),
    ("12.3", 18),
    ("12.4", 18),
    ("12.5", 18),
    ("13.1", 18),
    ("13.2", 18),
    ("13.3", 18),
    ("13.4", 18),
    ("13.5", 18),
    ("13.6", 18),
    ("13.7", 18),
];

/// The 517 case ids of 25.10.1, in the suite's order.
pub fn builtin_case_ids() -> Vec<CaseId> {
    let mut ids = Vec::with_capacity(517);
    for (prefix, count) in CASES_25_10_1 {
        for n in 1..=*count {
            if let Some(id) = CaseId::parse(&format!("{prefix}.{n}")) {
                ids.push(id);
            }
        }
    }
    ids
}

/// The python snippet that lists the installed suite's case ids, as JSON on stdout.
const LIST_CASES_PY: &str = "\
from autobahntestsuite.case import Cases, CaseCategories, CaseSubCategories, CaseBasename
from autobahntestsuite.caseset import CaseSet
import json
cs = CaseSet('Autobahn', CaseBasename, Cases, CaseCategories, CaseSubCategories)
print(json.dumps([cs.caseClasstoId(c) for c in Cases]))
";

/// Asks the installed suite for its case ids, through the interpreter named on the first line
/// of the `wstest` script (a virtualenv's python). `None` when wstest is not a python script or
/// the interpreter cannot answer (e.g. a wrapper script): callers fall back to
/// [`builtin_case_ids`].
pub fn query_case_ids(wstest: &Path) -> Option<Vec<CaseId>> {
    let head = std::fs::read(wstest).ok()?;
    let first = head.split(|&b| b == b'\n').next()?;
    let first = std::str::from_utf8(first).ok()?;
    let interp = first.strip_prefix("#!")?.trim();
    let mut parts = interp.split_whitespace();
    let program = parts.next()?;
    let out = std::process::Command::new(program)
        .args(parts)
        .arg("-c")
        .arg(LIST_CASES_PY)
        .stdin(std::process::Stdio::null())
        .stderr(std::process::Stdio::null())
        .output()
        .ok()?;
    if !out.status.success() {
        return None;
    }
    let text = String::from_utf8(out.stdout).ok()?;
    let list: Vec<String> = serde_json::from_str(text.trim()).ok()?;
    let ids: Option<Vec<CaseId>> = list.iter().map(|s| CaseId::parse(s)).collect();
    ids.filter(|v| !v.is_empty())
}

fn id_strings(cases: &[CaseId]) -> Vec<&str> {
    cases.iter().map(|c| c.as_str()).collect()
}

/// Spec for `wstest -m fuzzingclient`: the suite connects to the testee server at `url`.
/// `failByDrop: false` is what wstest sets for spec conformance anyway; written out so the spec
/// file on its own says how the run was made.
pub fn fuzzingclient_spec(url: &str, agent: &str, cases: &[CaseId], outdir: &Path) -> Value {
    json!({
        "outdir": outdir.to_string_lossy(),
        "options": {"failByDrop": false},
        "servers": [{"agent": agent, "url": url}],
        "cases": id_strings(cases),
        "exclude-cases": [],
        "exclude-agent-cases": {},
    })
}

/// Spec for `wstest -m fuzzingserver`: the suite listens at `url` for the testee client.
pub fn fuzzingserver_spec(url: &str, cases: &[CaseId], outdir: &Path) -> Value {
    json!({
        "url": url,
        "outdir": outdir.to_string_lossy(),
        "options": {"failByDrop": false},
        "cases": id_strings(cases),
        "exclude-cases": [],
        "exclude-agent-cases": {},
    })
}

/// Relative cost of a case, in tenths of a second, for balancing shards; only the ratios
/// matter. 12.x/13.x are measured: mean durations of a full 25.10.1 server run of wstriage's
/// own server (`--jobs 2`, 2 cores), by position in the subgroup (`case12_x_x.py: MSG_SIZES`:
/// 1000 messages of 16 B … 128 KiB, some auto-fragmented), scaled by the data set (12.3,
/// Goethe's Faust, costs 3.6 times 12.1's JSON). 9.x follows a real 0.8.1 server run
/// (`tarantool-0.8.1` in the shared corpus). Everything else is a connection and a few frames.
pub fn case_weight(id: &CaseId) -> u64 {
    const LARGE: [u64; 6] = [1, 1, 2, 8, 16, 32];
    const FRAGMENTED: [u64; 9] = [60, 20, 10, 8, 8, 6, 6, 6, 7];
    const CHOPPED: [u64; 6] = [14, 7, 4, 3, 2, 2];
    const ROUND_TRIPS: [u64; 6] = [3, 3, 3, 4, 6, 15];
    const PMCE: [u64; 18] = [
        12, 11, 15, 11, 22, 23, 42, 68, 133, 240, 27, 50, 95, 181, 325, 269, 287, 289,
    ];
    let nth = |table: &[u64], n: u32| -> u64 {
        let i = (n as usize).saturating_sub(1);
        table.get(i).copied().unwrap_or(3)
    };
    match id.parts() {
        [9, 1 | 2, n] => nth(&LARGE, *n),
        [9, 3 | 4, n] => nth(&FRAGMENTED, *n),
        [9, 5 | 6, n] => nth(&CHOPPED, *n),
        [9, 7 | 8, n] => nth(&ROUND_TRIPS, *n),
        [group @ (12 | 13), sub, n] => {
            // Tenths: the data set's cost relative to the mean.
            let data_set = match (group, sub) {
                (12, 1) => 5,
                (12, 2) => 13,
                (12, 3) => 18,
                (12, 4) => 9,
                (12, 5) => 14,
                _ => 7,
            };
            (nth(&PMCE, *n) * data_set / 10).max(1)
        }
        _ => 3,
    }
}

/// Splits `cases` into at most `jobs` shards of similar total cost. Cases are dealt in turn,
/// the most expensive first, each to the shard with the least cost so far (longest processing
/// time first): so the slow 9.x, 12.x and 13.x cases are spread over every shard instead of
/// landing in one contiguous block. Each shard keeps the suite's order (wstest sorts anyway).
pub fn split_cases(cases: &[CaseId], jobs: usize) -> Vec<Vec<CaseId>> {
    let jobs = jobs.clamp(1, cases.len().max(1));
    let mut order: Vec<&CaseId> = cases.iter().collect();
    // Stable sort: equal weights keep the suite's order, so the deal interleaves neighbours.
    order.sort_by_key(|c| std::cmp::Reverse(case_weight(c)));
    let mut shards: Vec<Vec<CaseId>> = vec![Vec::new(); jobs];
    let mut load = vec![0u64; jobs];
    for case in order {
        let (i, _) = load
            .iter()
            .enumerate()
            .min_by_key(|(i, l)| (**l, shards[*i].len()))
            .unwrap_or((0, &0));
        load[i] += case_weight(case);
        shards[i].push(case.clone());
    }
    for shard in &mut shards {
        shard.sort();
    }
    shards.retain(|s| !s.is_empty());
    shards
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ids(list: &[&str]) -> Vec<CaseId> {
        list.iter().map(|s| CaseId::parse(s).unwrap()).collect()
    }

    #[test]
    fn builtin_list_has_the_517_cases_of_25_10_1() {
        let all = builtin_case_ids();
        assert_eq!(all.len(), 517);
        assert_eq!(all[0].as_str(), "1.1.1");
        assert_eq!(all[16].as_str(), "2.1");
        assert_eq!(all[26].as_str(), "2.11");
        assert_eq!(all.last().unwrap().as_str(), "13.7.18");
        let no_pmce = all.iter().filter(|c| c.group() < 12).count();
        assert_eq!(no_pmce, 301);
        assert!(
            all.windows(2).all(|w| w[0] < w[1]),
            "suite order is numeric order"
        );
    }

    #[test]
    fn builtin_list_matches_the_installed_suite() {
        let wstest = match crate::suite::find_wstest(None) {
            Ok(w) => w,
            Err(_) => {
                eprintln!("SKIPPED: wstest not installed (scripts/install-wstest.sh)");
                return;
            }
        };
        let queried = query_case_ids(&wstest).expect("the installed suite lists its cases");
        assert_eq!(queried, builtin_case_ids());
    }

    #[test]
    fn specs_carry_explicit_ids_and_the_outdir() {
        let cases = ids(&["1.1.1", "12.1.10"]);
        let c = fuzzingclient_spec("ws://127.0.0.1:9001", "me", &cases, Path::new("/tmp/x"));
        assert_eq!(c["servers"][0]["url"], "ws://127.0.0.1:9001");
        assert_eq!(c["servers"][0]["agent"], "me");
        assert_eq!(c["cases"], json!(["1.1.1", "12.1.10"]));
        assert_eq!(c["outdir"], "/tmp/x");
        let s = fuzzingserver_spec("ws://127.0.0.1:9002", &cases, Path::new("o"));
        assert_eq!(s["url"], "ws://127.0.0.1:9002");
        assert_eq!(s["cases"], json!(["1.1.1", "12.1.10"]));
        assert!(s.get("servers").is_none());
    }

    #[test]
    fn split_covers_every_case_once_and_balances_slow_groups() {
        let all = builtin_case_ids();
        let shards = split_cases(&all, 2);
        assert_eq!(shards.len(), 2);
        let mut joined: Vec<CaseId> = shards.concat();
        joined.sort();
        assert_eq!(joined, all);
        let cost = |s: &Vec<CaseId>| s.iter().map(case_weight).sum::<u64>();
        let (a, b) = (cost(&shards[0]), cost(&shards[1]));
        assert!(
            a.abs_diff(b) * 20 <= a + b,
            "costs {a} vs {b} differ by over 5%"
        );
        for group in [9, 12, 13] {
            let n0 = shards[0].iter().filter(|c| c.group() == group).count();
            let n1 = shards[1].iter().filter(|c| c.group() == group).count();
            assert!(n0 > 0 && n1 > 0, "group {group} split {n0}/{n1}");
        }
        // Each shard in suite order.
        for s in &shards {
            assert!(s.windows(2).all(|w| w[0] < w[1]));
        }
    }

    #[test]
    fn split_never_makes_empty_shards() {
        let cases = ids(&["1.1.1", "1.1.2"]);
        assert_eq!(split_cases(&cases, 8).len(), 2);
        assert_eq!(split_cases(&cases, 1), vec![cases.clone()]);
        assert_eq!(split_cases(&cases, 0), vec![cases]);
        assert!(split_cases(&[], 3).is_empty());
    }
}
