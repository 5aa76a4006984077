//! Every case id found in real full-run index.json files maps to a rule and an RFC section:
//! a 517-case run (0.8.1), a 519-case run (0.8.0, 11 invalid close codes in 7.9.x) and a
//! 0.7.6 run with four agents.

mod explain_common;

use explain_common::fixture;
use std::collections::BTreeSet;
use wstriage::explain::rules::{current_case_ids, rule_for};
use wstriage::model::CaseId;

fn ids_in(index: &str) -> BTreeSet<String> {
    let text = std::fs::read_to_string(fixture(index)).unwrap();
    let v: serde_json::Value = serde_json::from_str(&text).unwrap();
    v.as_object()
        .unwrap()
        .values()
        .flat_map(|cases| cases.as_object().unwrap().keys().cloned())
        .collect()
}

#[test]
fn every_id_in_real_runs_has_a_rule() {
    let mut seen = 0;
    for index in [
        "tarantool-0.8.1/clients/index.json",
        "tarantool-0.8.0/servers/index.json",
        "explain/index/ws-spec-check-0.7.6-servers.index.json",
    ] {
        let ids = ids_in(index);
        assert!(ids.len() > 300, "{index}: {} ids", ids.len());
        let unmapped: Vec<&String> = ids
            .iter()
            .filter(|id| CaseId::parse(id).and_then(|c| rule_for(&c)).is_none())
            .collect();
        assert!(unmapped.is_empty(), "{index}: unmapped {unmapped:?}");
        for id in &ids {
            let r = rule_for(&CaseId::parse(id).unwrap()).unwrap();
            assert!(r.rfc.starts_with("RFC 6455") || r.rfc.starts_with("RFC 7692"));
            assert_eq!(
                r.rfc.starts_with("RFC 7692"),
                id.starts_with("12.") || id.starts_with("13."),
                "{id}"
            );
            assert!(!r.requirement.is_empty() && !r.action.is_empty());
        }
        seen += ids.len();
    }
    assert!(seen > 1300);
}

#[test]
fn the_517_case_run_is_exactly_the_current_suite() {
    let real = ids_in("tarantool-0.8.1/clients/index.json");
    let ours: BTreeSet<String> = current_case_ids().into_iter().collect();
    assert_eq!(real.len(), 517);
    assert_eq!(real, ours);
}

#[test]
fn old_runs_have_7_9_10_and_7_9_11() {
    let old = ids_in("tarantool-0.8.0/servers/index.json");
    assert_eq!(old.len(), 519);
    assert!(old.contains("7.9.11"));
    let r = rule_for(&CaseId::parse("7.9.11").unwrap()).unwrap();
    assert_eq!(r.topic, "Invalid close codes");
}
