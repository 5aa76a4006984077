//! `index.json` (`fuzzing.py` `createMasterReportJSON`): agent → case id → verdict row.
//!
//! The suite writes it with `sort_keys`, so case ids come in string order (`1.1.10` before
//! `1.1.2`); rows are re-sorted numerically here. A row that cannot be read is an error for that
//! row only; the rest of the index still loads.

use crate::error::Error;
use crate::model::{Behavior, CaseId, CaseReport, CaseSummary, Source, SourceFormat};
use serde::Deserialize;
use serde_json::Value;
use std::collections::BTreeMap;
use std::path::Path;

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct RawRow {
    behavior: Option<String>,
    behavior_close: Option<String>,
    duration: Option<f64>,
    remote_close_code: Option<u16>,
    #[serde(rename = "reportfile")]
    report_file: Option<String>,
}

/// Parses an index.json text into rows sorted by agent, then numerically by case id.
/// Returns the rows read and one error per row (or for the whole file) that could not be read.
pub fn parse_index(text: &str, path: &Path) -> (Vec<CaseSummary>, Vec<Error>) {
    let repaired = super::json::repair_lone_surrogates(text);
    let tree: BTreeMap<String, BTreeMap<String, Value>> = match serde_json::from_str(&repaired) {
        Ok(t) => t,
        Err(e) => {
            return (
                Vec::new(),
                vec![Error::input(
                    path,
                    format!("not a valid index.json (agent → case → row): {e}"),
                )],
            )
        }
    };
    let mut rows = Vec::new();
    let mut errors = Vec::new();
    for (agent, cases) in tree {
        for (id, value) in cases {
            match row(&agent, &id, value) {
                Ok(r) => rows.push(r),
                Err(m) => errors.push(Error::input(
                    path,
                    format!("agent {agent:?}, case {id:?}: {m}"),
                )),
            }
        }
    }
    rows.sort_by(|a, b| {
        a.agent
            .cmp(&b.agent)
            .then_with(|| a.case_id.cmp(&b.case_id))
    });
    (rows, errors)
}

fn row(agent: &str, id: &str, value: Value) -> Result<CaseSummary, String> {
    let case_id = CaseId::parse(id).ok_or("not a case id")?;
    let raw: RawRow = serde_json::from_value(value).map_err(|e| e.to_string())?;
    let behavior_text = raw.behavior.ok_or("missing behavior")?;
    let behavior =
        Behavior::parse(&behavior_text).ok_or(format!("unknown behavior {behavior_text:?}"))?;
    let behavior_close = match raw.behavior_close {
        None => None,
        Some(t) => Some(Behavior::parse(&t).ok_or(format!("unknown behaviorClose {t:?}"))?),
    };
    Ok(CaseSummary {
        agent: agent.to_string(),
        case_id,
        behavior,
        behavior_close,
        duration_ms: raw.duration.filter(|d| *d >= 0.0).map(|d| d.round() as u64),
        remote_close_code: raw.remote_close_code,
        report_file: raw.report_file,
        description: None,
    })
}

/// The record for a case whose files are gone: only what the index row says. The close code
/// the index carries has no home without the closing block, so it goes into a note.
pub fn report_from_row(row: &CaseSummary, index_path: &Path, missing_file: &str) -> CaseReport {
    let mut notes = vec![format!(
        "case file {missing_file} (and its .html) missing: only the index row is known"
    )];
    if let Some(code) = row.remote_close_code {
        notes.push(format!("index remoteCloseCode: {code}"));
    }
    CaseReport {
        agent: row.agent.clone(),
        case_id: row.case_id.clone(),
        case_index: None,
        behavior: row.behavior,
        behavior_close: row.behavior_close,
        duration_ms: row.duration_ms,
        started: None,
        description: None,
        expectation: None,
        result: None,
        result_close: None,
        expected: None,
        expected_truncated: false,
        observed: None,
        observed_truncated: false,
        expected_close: None,
        closing: None,
        http_request: None,
        http_response: None,
        stats: None,
        wirelog: None,
        report_time: None,
        traffic_stats: None,
        source: Source {
            path: index_path.to_path_buf(),
            format: SourceFormat::Index,
        },
        suite_version: None,
        notes,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rows_sort_numerically_and_bad_rows_are_reported_alone() {
        let text = r#"{"b": {"1.1.10": {"behavior": "OK", "behaviorClose": "OK", "duration": 3,
                                 "remoteCloseCode": 1000, "reportfile": "b_case_1_1_10.json"},
                      "1.1.2": {"behavior": "NON-STRICT", "behaviorClose": "WRONG CODE", "duration": 1,
                                "remoteCloseCode": null, "reportfile": "b_case_1_1_2.json"},
                      "10.1.1": {"behavior": "BOGUS"}},
                "a": {"2.1": {"behavior": "UNIMPLEMENTED", "behaviorClose": "OK", "duration": 0}}}"#;
        let (rows, errors) = parse_index(text, Path::new("r/index.json"));
        let ids: Vec<String> = rows
            .iter()
            .map(|r| format!("{}:{}", r.agent, r.case_id))
            .collect();
        assert_eq!(ids, ["a:2.1", "b:1.1.2", "b:1.1.10"]);
        assert_eq!(rows[1].behavior_close, Some(Behavior::WrongCode));
        assert_eq!(rows[1].remote_close_code, None);
        assert_eq!(rows[2].report_file.as_deref(), Some("b_case_1_1_10.json"));
        assert_eq!(errors.len(), 1);
        let e = errors[0].to_string();
        assert!(
            e.contains("r/index.json") && e.contains("10.1.1") && e.contains("BOGUS"),
            "{e}"
        );
    }

    #[test]
    fn garbage_is_one_error_naming_the_file() {
        let (rows, errors) = parse_index("{\"a\": [1,2", Path::new("x/index.json"));
        assert!(rows.is_empty());
        assert_eq!(errors.len(), 1);
        assert!(errors[0].to_string().starts_with("x/index.json: "));
    }
}
