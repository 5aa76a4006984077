//! The baseline file: known failures, accepted until fixed.
//!
//! A small line format meant to be read and edited by hand and to diff well in git (one case
//! per line, sorted by agent then numerically by case id):
//!
//! ```text
//! # comments start with '#'
//! [agent websockets-17.4]
//! 7.1.5 | FAILED | WRONG CODE | Send message fragment1 followed by close then fragment
//! ```
//!
//! Fields: case id, accepted `behavior`, accepted `behaviorClose` (suite spelling, or `*` for
//! any), and the case's description. The description is part of the key because case ids moved
//! between suite versions (7.9.6 is close code 1012, 1014 or 1016 depending on the version): an
//! entry matches a case with the same id and description, or, when the id moved, the case with
//! that description. An empty description matches by id alone.

use crate::error::{Error, Result};
use crate::model::{Behavior, CaseId};
use serde::Serialize;
use std::path::Path;

/// One known failure.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct BaselineEntry {
    pub agent: String,
    pub case_id: CaseId,
    /// The accepted `behavior`; `None` = any (`*`).
    pub behavior: Option<Behavior>,
    /// The accepted `behaviorClose`; `None` = any (`*`).
    pub behavior_close: Option<Behavior>,
    /// Normalized (one line, single spaces); `None` when left empty.
    pub description: Option<String>,
    /// 1-based line in the file (0 for entries made in memory).
    pub line: usize,
}

/// A parsed baseline file.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct Baseline {
    pub entries: Vec<BaselineEntry>,
}

const HEADER: &str = "\
# wstriage baseline: known Autobahn|Testsuite failures, accepted until fixed.
#
# `wstriage gate --baseline FILE` reports these cases without failing the gate, as long as they
# are no worse than accepted here. A case that passes again is reported as fixed
# (`--strict-baseline` makes that, and any entry matching no case, fail the gate, so this file
# stays current). Regenerate with `wstriage gate … --write-baseline FILE`.
#
# [agent NAME]  the entries below belong to this agent (its name as in index.json)
# CASE | BEHAVIOR | CLOSE | DESCRIPTION
#   BEHAVIOR, CLOSE  the verdicts accepted, spelled as the suite does (FAILED, NON-STRICT,
#                    UNIMPLEMENTED, WRONG CODE, UNCLEAN, FAILED BY CLIENT, ...), or * for any
#   DESCRIPTION      the case's description, matched too because case ids moved between suite
#                    versions (7.9.6 is close code 1012, 1014 or 1016); empty = match by id only
# Blank lines and lines starting with # are ignored.
";

/// Collapses a description to one line with single spaces, the form stored and compared.
pub fn normalize_description(d: &str) -> String {
    d.split_whitespace().collect::<Vec<_>>().join(" ")
}

fn parse_verdict(field: &str, path: &Path, line: usize, what: &str) -> Result<Option<Behavior>> {
    let f = field.trim();
    if f == "*" {
        return Ok(None);
    }
    Behavior::parse(f).map(Some).ok_or_else(|| {
        Error::input(
            path,
            format!("line {line}: {what} {f:?} is not a suite verdict (or *)"),
        )
    })
}

/// Reads a baseline file. Anything malformed is an error naming the line: a baseline that is
/// half understood would silently accept failures.
pub fn read_baseline(path: &Path) -> Result<Baseline> {
    let text = std::fs::read_to_string(path).map_err(|e| Error::io(path, e))?;
    parse_baseline(&text, path)
}

pub fn parse_baseline(text: &str, path: &Path) -> Result<Baseline> {
    let mut agent: Option<String> = None;
    let mut entries: Vec<BaselineEntry> = Vec::new();
    for (i, raw) in text.lines().enumerate() {
        let line = i + 1;
        let t = raw.trim();
        if t.is_empty() || t.starts_with('#') {
            continue;
        }
        if let Some(rest) = t.strip_prefix('[') {
            let Some(inner) = rest.strip_suffix(']') else {
                return Err(Error::input(
                    path,
                    format!("line {line}: expected [agent NAME]"),
                ));
            };
            let Some(name) = inner.strip_prefix("agent ") else {
                return Err(Error::input(
                    path,
                    format!("line {line}: expected [agent NAME]"),
                ));
            };
            let name = name.trim();
            if name.is_empty() {
                return Err(Error::input(path, format!("line {line}: empty agent name")));
            }
            agent = Some(name.to_string());
            continue;
        }
        let fields: Vec<&str> = t.splitn(4, '|').collect();
        if fields.len() < 3 {
            return Err(Error::input(
                path,
                format!("line {line}: expected CASE | BEHAVIOR | CLOSE | DESCRIPTION"),
            ));
        }
        let Some(agent) = agent.clone() else {
            return Err(Error::input(
                path,
                format!("line {line}: entry before any [agent NAME] line"),
            ));
        };
        let case_id = CaseId::parse(fields[0].trim()).ok_or_else(|| {
            Error::input(
                path,
                format!("line {line}: {:?} is not a case id", fields[0].trim()),
            )
        })?;
        let behavior = parse_verdict(fields[1], path, line, "behavior")?;
        let behavior_close = parse_verdict(fields[2], path, line, "close behavior")?;
        let description = fields
            .get(3)
            .map(|d| normalize_description(d))
            .filter(|d| !d.is_empty());
        if let Some(prev) = entries
            .iter()
            .find(|e| e.agent == agent && e.case_id == case_id)
        {
            return Err(Error::input(
                path,
                format!(
                    "line {line}: {agent} case {case_id} is already listed on line {}",
                    prev.line
                ),
            ));
        }
        entries.push(BaselineEntry {
            agent,
            case_id,
            behavior,
            behavior_close,
            description,
            line,
        });
    }
    Ok(Baseline { entries })
}

/// The file text for `entries`: header, then per agent (sorted) its cases sorted numerically.
pub fn render_baseline(entries: &[BaselineEntry]) -> String {
    let mut sorted: Vec<&BaselineEntry> = entries.iter().collect();
    sorted.sort_by(|a, b| {
        a.agent
            .cmp(&b.agent)
            .then_with(|| a.case_id.cmp(&b.case_id))
    });
    let mut out = String::from(HEADER);
    let mut current: Option<&str> = None;
    for e in sorted {
        if current != Some(e.agent.as_str()) {
            out.push_str(&format!("\n[agent {}]\n", e.agent));
            current = Some(&e.agent);
        }
        let v = |b: Option<Behavior>| b.map_or("*", Behavior::as_str);
        out.push_str(&format!(
            "{} | {} | {} | {}\n",
            e.case_id,
            v(e.behavior),
            v(e.behavior_close),
            e.description.as_deref().unwrap_or("")
        ));
    }
    if entries.is_empty() {
        out.push_str("\n# No known failures.\n");
    }
    out
}

/// Writes a baseline atomically.
pub fn write_baseline(path: &Path, entries: &[BaselineEntry]) -> Result<()> {
    crate::fsutil::write_atomic(path, render_baseline(entries).as_bytes())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn entry(agent: &str, id: &str, b: Behavior, c: Behavior, d: &str) -> BaselineEntry {
        BaselineEntry {
            agent: agent.into(),
            case_id: CaseId::parse(id).unwrap(),
            behavior: Some(b),
            behavior_close: Some(c),
            description: Some(d.into()),
            line: 0,
        }
    }

    #[test]
    fn round_trips_sorted() {
        let entries = vec![
            entry(
                "b",
                "7.9.10",
                Behavior::Failed,
                Behavior::WrongCode,
                "code 2000 | pipe",
            ),
            entry(
                "b",
                "7.9.2",
                Behavior::Failed,
                Behavior::WrongCode,
                "code 999",
            ),
            entry("a x", "12.1.1", Behavior::Unimplemented, Behavior::Ok, ""),
        ];
        let text = render_baseline(&entries);
        let parsed = parse_baseline(&text, Path::new("b.txt")).unwrap();
        let ids: Vec<(String, String)> = parsed
            .entries
            .iter()
            .map(|e| (e.agent.clone(), e.case_id.to_string()))
            .collect();
        assert_eq!(
            ids,
            [("a x", "12.1.1"), ("b", "7.9.2"), ("b", "7.9.10")]
                .map(|(a, b)| (a.to_string(), b.to_string()))
        );
        assert_eq!(
            parsed.entries[2].description.as_deref(),
            Some("code 2000 | pipe")
        );
        assert_eq!(parsed.entries[0].description, None);
        assert_eq!(parsed.entries[1].behavior_close, Some(Behavior::WrongCode));
    }

    #[test]
    fn malformed_lines_are_errors_naming_the_line() {
        for (text, needle) in [
            ("7.1.5 | FAILED | OK |\n", "before any [agent"),
            ("[agent a]\n7.1.5 | BROKEN | OK |\n", "line 2"),
            ("[agent a]\nseven | FAILED | OK |\n", "not a case id"),
            ("[agent a]\n7.1.5 FAILED OK\n", "expected CASE"),
            (
                "[agent a]\n7.1.5 | * | * |\n7.1.5 | * | * |\n",
                "already listed on line 2",
            ),
            ("[agent]\n", "expected [agent NAME]"),
        ] {
            let err = parse_baseline(text, Path::new("base.txt"))
                .unwrap_err()
                .to_string();
            assert!(
                err.contains(needle) && err.contains("base.txt"),
                "{text:?}: {err}"
            );
        }
    }

    #[test]
    fn wildcards_and_comments() {
        let b = parse_baseline(
            "# c\n\n[agent a]\n  # indented comment\n9.1.1 | * | * |\n",
            Path::new("x"),
        )
        .unwrap();
        assert_eq!(b.entries.len(), 1);
        assert_eq!(b.entries[0].behavior, None);
        assert_eq!(b.entries[0].line, 5);
    }
}
