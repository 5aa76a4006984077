//! `summary`: per agent, the count of each verdict in both dimensions, like the suite's matrix
//! folded into one row per agent so it fits a terminal.

use crate::model::{Behavior, Run, RunMode};
use comfy_table::{presets::UTF8_FULL_CONDENSED, Cell, CellAlignment, ContentArrangement, Table};
use serde::Serialize;
use std::collections::BTreeMap;

/// One agent of one run, counted.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct AgentSummary {
    /// The report folder.
    pub run: String,
    pub agent: String,
    pub suite_version: Option<String>,
    pub mode: Option<RunMode>,
    pub cases: usize,
    /// Verdict → number of cases (only verdicts that occur).
    pub behavior: BTreeMap<String, usize>,
    pub behavior_close: BTreeMap<String, usize>,
    /// Sum of the known durations; null when the source gives none (some indexes omit them).
    pub duration_ms: Option<u64>,
}

/// Counts every agent of every run.
pub fn summarize(runs: &[Run]) -> Vec<AgentSummary> {
    let mut out = Vec::new();
    for run in runs {
        for agent in run.agents() {
            let mut s = AgentSummary {
                run: run.root.display().to_string(),
                agent: agent.to_string(),
                suite_version: run.suite_version.clone(),
                mode: run.mode,
                cases: 0,
                behavior: BTreeMap::new(),
                behavior_close: BTreeMap::new(),
                duration_ms: None,
            };
            for c in run.agent_cases(agent) {
                s.cases += 1;
                *s.behavior
                    .entry(c.behavior.as_str().to_string())
                    .or_default() += 1;
                if let Some(b) = c.behavior_close {
                    *s.behavior_close.entry(b.as_str().to_string()).or_default() += 1;
                }
                if let Some(d) = c.duration_ms {
                    s.duration_ms = Some(s.duration_ms.unwrap_or(0) + d);
                }
            }
            out.push(s);
        }
    }
    out
}

const BEHAVIOR_COLUMNS: [(Behavior, &str); 5] = [
    (Behavior::Ok, "OK"),
    (Behavior::NonStrict, "NON-STRICT"),
    (Behavior::Informational, "INFO"),
    (Behavior::Unimplemented, "UNIMPL"),
    (Behavior::Failed, "FAILED"),
];

const CLOSE_COLUMNS: [(Behavior, &str); 6] = [
    (Behavior::Ok, "OK"),
    (Behavior::WrongCode, "WRONG CODE"),
    (Behavior::Unclean, "UNCLEAN"),
    (Behavior::FailedByClient, "BY CLIENT"),
    (Behavior::Informational, "INFO"),
    (Behavior::Failed, "FAILED"),
];

fn duration(ms: u64) -> String {
    if ms >= 60_000 {
        format!("{}m{:02}s", ms / 60_000, (ms % 60_000) / 1000)
    } else {
        format!("{:.1}s", ms as f64 / 1000.0)
    }
}

/// The terminal table: one row per agent; verdict columns that are zero everywhere are left out.
pub fn table(rows: &[AgentSummary]) -> String {
    let used = |dim: &dyn Fn(&AgentSummary) -> &BTreeMap<String, usize>, b: Behavior| {
        rows.iter().any(|r| dim(r).contains_key(b.as_str()))
    };
    let behavior_cols: Vec<_> = BEHAVIOR_COLUMNS
        .iter()
        .filter(|(b, _)| used(&|r| &r.behavior, *b))
        .collect();
    let close_cols: Vec<_> = CLOSE_COLUMNS
        .iter()
        .filter(|(b, _)| used(&|r| &r.behavior_close, *b))
        .collect();
    // NO_CLOSE and anything else unusual still gets counted, in an "other" column.
    let known = |m: &BTreeMap<String, usize>, cols: &[&(Behavior, &str)]| -> usize {
        m.iter()
            .filter(|(k, _)| !cols.iter().any(|(b, _)| b.as_str() == k.as_str()))
            .map(|(_, v)| v)
            .sum()
    };
    let any_other = rows
        .iter()
        .any(|r| known(&r.behavior, &behavior_cols) + known(&r.behavior_close, &close_cols) > 0);
    let mut t = Table::new();
    t.load_style(UTF8_FULL_CONDENSED)
        .set_content_arrangement(ContentArrangement::Dynamic);
    let mut header = vec![Cell::new("run"), Cell::new("agent"), Cell::new("cases")];
    header.extend(behavior_cols.iter().map(|(_, n)| Cell::new(n)));
    header.extend(
        close_cols
            .iter()
            .map(|(_, n)| Cell::new(format!("close {n}"))),
    );
    if any_other {
        header.push(Cell::new("other"));
    }
    header.push(Cell::new("time"));
    t.set_header(header);
    for r in rows {
        let count = |m: &BTreeMap<String, usize>, b: Behavior| {
            let n = m.get(b.as_str()).copied().unwrap_or(0);
            Cell::new(if n == 0 {
                "·".to_string()
            } else {
                n.to_string()
            })
            .set_alignment(CellAlignment::Right)
        };
        let mut row = vec![
            Cell::new(&r.run),
            Cell::new(format!(
                "{}{}",
                r.agent,
                r.suite_version
                    .as_deref()
                    .map(|v| format!(" (suite {v})"))
                    .unwrap_or_default()
            )),
            Cell::new(r.cases).set_alignment(CellAlignment::Right),
        ];
        row.extend(behavior_cols.iter().map(|(b, _)| count(&r.behavior, *b)));
        row.extend(close_cols.iter().map(|(b, _)| count(&r.behavior_close, *b)));
        if any_other {
            let n = known(&r.behavior, &behavior_cols) + known(&r.behavior_close, &close_cols);
            row.push(Cell::new(n).set_alignment(CellAlignment::Right));
        }
        row.push(
            Cell::new(r.duration_ms.map(duration).unwrap_or_else(|| "-".into()))
                .set_alignment(CellAlignment::Right),
        );
        t.add_row(row);
    }
    t.to_string()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::{CaseId, CaseSummary};
    use std::path::PathBuf;

    fn row(agent: &str, id: &str, b: Behavior, c: Behavior, ms: u64) -> CaseSummary {
        CaseSummary {
            agent: agent.into(),
            case_id: CaseId::parse(id).unwrap(),
            behavior: b,
            behavior_close: Some(c),
            duration_ms: Some(ms),
            remote_close_code: None,
            report_file: None,
            description: None,
        }
    }

    #[test]
    fn counts_per_agent_and_dimension() {
        let run = Run {
            root: PathBuf::from("r"),
            suite_version: Some("0.8.2".into()),
            mode: None,
            cases: vec![
                row("a", "1.1.1", Behavior::Ok, Behavior::Ok, 5),
                row("a", "3.2", Behavior::Failed, Behavior::WrongCode, 10),
                row("b", "12.1.1", Behavior::Unimplemented, Behavior::Ok, 1),
            ],
        };
        let s = summarize(&[run]);
        assert_eq!(s.len(), 2);
        assert_eq!(s[0].cases, 2);
        assert_eq!(s[0].behavior["FAILED"], 1);
        assert_eq!(s[0].behavior_close["WRONG CODE"], 1);
        assert_eq!(s[0].duration_ms, Some(15));
        let t = table(&s);
        assert!(
            t.contains("UNIMPL") && t.contains("close WRONG CODE"),
            "{t}"
        );
        assert!(!t.contains("NON-STRICT"), "unused columns are dropped: {t}");
    }
}
