//! A pass/fail check over report folders, for CI: a [`policy::Policy`] decides each case, a
//! [`baseline::Baseline`] of known failures keeps accepted ones from failing the gate.
//!
//! Anything that could not be checked is never a pass: a folder that does not load, an agent
//! that is not there, a malformed baseline are input errors, and a case without a close verdict
//! fails.

pub mod baseline;
pub mod policy;

use crate::error::{Error, Result};
use crate::model::{Behavior, CaseId, CaseSummary, Run};
use crate::select::{CaseGlob, CaseSelector};
use baseline::{normalize_description, Baseline, BaselineEntry};
use policy::{no_worse_than, Policy};
use serde::Serialize;
use std::collections::{BTreeSet, HashMap};
use std::path::{Path, PathBuf};

/// What the gate made of one case.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Status {
    /// Fails the policy and is not an accepted known failure: fails the gate.
    Fail,
    /// Fails the policy, but the baseline accepts it (no worse than accepted).
    Known,
    /// In the baseline, but passes now (fails the gate only with `--strict-baseline`).
    Fixed,
    Pass,
}

impl Status {
    pub fn as_str(self) -> &'static str {
        match self {
            Status::Fail => "fail",
            Status::Known => "known",
            Status::Fixed => "fixed",
            Status::Pass => "pass",
        }
    }
}

/// How a baseline entry was matched to a case.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct BaselineMatch {
    pub line: usize,
    /// The id the entry names (differs from the case's when the id moved).
    pub entry_case_id: String,
    /// `id` or `description`.
    pub by: &'static str,
    pub accepted_behavior: Option<Behavior>,
    pub accepted_close: Option<Behavior>,
}

/// One case's result.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct CaseGate {
    pub case_id: CaseId,
    pub description: Option<String>,
    pub behavior: Behavior,
    pub behavior_close: Option<Behavior>,
    pub remote_close_code: Option<u16>,
    pub duration_ms: Option<u64>,
    pub status: Status,
    /// One line: what failed the policy (empty for a clean pass).
    pub reason: String,
    /// The suite's own words (`result`, then `resultClose`), when the case file was read.
    pub suite_result: Option<String>,
    pub baseline: Option<BaselineMatch>,
    /// The case file, relative to the run folder.
    pub report_file: Option<String>,
}

/// One agent of one run.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct AgentGate {
    pub agent: String,
    pub root: PathBuf,
    pub suite_version: Option<String>,
    pub cases: Vec<CaseGate>,
}

impl AgentGate {
    pub fn count(&self, s: Status) -> usize {
        self.cases.iter().filter(|c| c.status == s).count()
    }
}

/// A baseline entry that matched no case of the run.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct StaleEntry {
    pub entry: BaselineEntry,
    pub why: String,
}

/// The gate's verdict and everything behind it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct GateReport {
    pub passed: bool,
    pub policy: Policy,
    pub rule: String,
    pub baseline: Option<PathBuf>,
    pub strict_baseline: bool,
    pub agents: Vec<AgentGate>,
    /// Baseline entries that matched nothing (fail the gate with `--strict-baseline`).
    pub stale: Vec<StaleEntry>,
}

impl GateReport {
    pub fn count(&self, s: Status) -> usize {
        self.agents.iter().map(|a| a.count(s)).sum()
    }
}

/// How the gate runs.
#[derive(Debug, Clone)]
pub struct GateOptions {
    pub policy: Policy,
    pub select: CaseSelector,
    /// Only this agent (it must exist).
    pub agent: Option<String>,
    pub baseline: Option<(PathBuf, Baseline)>,
    pub strict_baseline: bool,
}

/// What the case files add to an index row.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct CaseDetail {
    pub description: Option<String>,
    pub result: Option<String>,
    pub result_close: Option<String>,
}

/// (run root, agent, case id) → detail.
pub type Details = HashMap<(PathBuf, String, String), CaseDetail>;

/// Loads every path as runs; any load error is an input error (a gate over a half-read run is
/// not a pass).
pub fn load_gate_runs(paths: &[PathBuf]) -> Result<Vec<Run>> {
    if paths.is_empty() {
        return Err(Error::Usage("gate needs at least one report folder".into()));
    }
    for p in paths {
        if p.as_os_str() != "-" && !p.exists() {
            return Err(Error::input(p, "no such file or folder"));
        }
    }
    let loaded = crate::parse::load_runs(paths);
    if let Some(e) = loaded.errors.into_iter().next() {
        return Err(e);
    }
    if loaded.items.iter().all(|r| r.cases.is_empty()) {
        return Err(Error::input(
            &paths[0],
            "no case results found: nothing to gate",
        ));
    }
    Ok(loaded.items)
}

/// The agents to gate in each run, checking `--agent`.
fn agents_of<'a>(runs: &'a [Run], agent: Option<&str>) -> Result<Vec<(&'a Run, String)>> {
    let mut out = Vec::new();
    for run in runs {
        for a in run.agents() {
            if crate::parse::agent_matches(agent, a) {
                out.push((run, a.to_string()));
            }
        }
    }
    if out.is_empty() {
        let all: BTreeSet<&str> = runs.iter().flat_map(|r| r.agents()).collect();
        return Err(Error::Usage(format!(
            "no agent {:?} in the reports (agents: {})",
            agent.unwrap_or(""),
            all.iter()
                .map(|a| format!("{a:?}"))
                .collect::<Vec<_>>()
                .join(", ")
        )));
    }
    Ok(out)
}

/// Reads description and the suite's result text for the cases `ids` of one agent.
pub fn load_details(run: &Run, agent: &str, ids: &BTreeSet<String>, details: &mut Details) {
    if ids.is_empty() {
        return;
    }
    let select = CaseSelector {
        include: ids.iter().map(|i| CaseGlob::new(i)).collect(),
        exclude: Vec::new(),
    };
    let loaded = crate::parse::load_reports(std::slice::from_ref(&run.root), Some(agent), &select);
    for r in loaded.items {
        if r.agent != agent {
            continue;
        }
        details.insert(
            (run.root.clone(), agent.to_string(), r.case_id.to_string()),
            CaseDetail {
                description: r.description,
                result: r.result,
                result_close: r.result_close,
            },
        );
    }
}

/// Loads the runs and the case details the verdict needs, then judges.
pub fn gate_paths(paths: &[PathBuf], opts: &GateOptions) -> Result<GateReport> {
    let runs = load_gate_runs(paths)?;
    let targets = agents_of(&runs, opts.agent.as_deref())?;
    let mut details = Details::new();
    for (run, agent) in &targets {
        // Details for failing cases (reason and baseline key) and every case a baseline entry of
        // this agent could match: same id, or any 7.9.x when an entry may have moved there.
        let entries: Vec<&BaselineEntry> = opts
            .baseline
            .iter()
            .flat_map(|(_, b)| b.entries.iter())
            .filter(|e| e.agent == *agent)
            .collect();
        let entry_ids: BTreeSet<String> = entries.iter().map(|e| e.case_id.to_string()).collect();
        let any_79 = entries
            .iter()
            .any(|e| e.case_id.parts().starts_with(&[7, 9]));
        let ids: BTreeSet<String> = run
            .agent_cases(agent)
            .filter(|c| opts.select.selects(&c.case_id))
            .filter(|c| {
                !opts.policy.judge(c).passed
                    || entry_ids.contains(c.case_id.as_str())
                    || (any_79 && c.case_id.parts().starts_with(&[7, 9]))
            })
            .map(|c| c.case_id.to_string())
            .collect();
        load_details(run, agent, &ids, &mut details);
    }
    let report = evaluate(&targets, &details, opts);
    if report.agents.iter().all(|a| a.cases.is_empty()) {
        // Nothing checked is not a pass.
        return Err(Error::Usage(
            "no case selected (check --cases/--exclude): nothing to gate".into(),
        ));
    }
    Ok(report)
}

/// Judges every selected case of the given (run, agent) pairs.
pub fn evaluate(targets: &[(&Run, String)], details: &Details, opts: &GateOptions) -> GateReport {
    let entries: Vec<&BaselineEntry> = opts
        .baseline
        .iter()
        .flat_map(|(_, b)| b.entries.iter())
        .collect();
    // Entries matched in any run (the rest are stale). Matching itself is per run: one agent
    // name can occur in several runs (a tree with a client and a server run), and an entry
    // accepts its case in each.
    let mut ever_used: BTreeSet<usize> = BTreeSet::new();
    let mut agents = Vec::new();
    for (run, agent) in targets {
        let mut used: BTreeSet<usize> = BTreeSet::new();
        let rows: Vec<&CaseSummary> = run
            .agent_cases(agent)
            .filter(|c| opts.select.selects(&c.case_id))
            .collect();
        let detail = |c: &CaseSummary| {
            details.get(&(run.root.clone(), agent.clone(), c.case_id.to_string()))
        };
        let description = |c: &CaseSummary| {
            c.description
                .clone()
                .or_else(|| detail(c).and_then(|d| d.description.clone()))
                .map(|d| normalize_description(&d))
        };
        // Pass 1: entries matched by id (and description, when both are known).
        let mut matched: HashMap<usize, (usize, &'static str)> = HashMap::new();
        for (ri, c) in rows.iter().enumerate() {
            let desc = description(c);
            if let Some((ei, _)) = entries.iter().enumerate().find(|(ei, e)| {
                !used.contains(ei)
                    && e.agent == *agent
                    && e.case_id == c.case_id
                    && match (&e.description, &desc) {
                        (Some(a), Some(b)) => a == b,
                        _ => true,
                    }
            }) {
                used.insert(ei);
                matched.insert(ri, (ei, "id"));
            }
        }
        // Pass 2: entries whose id moved, matched by description.
        for (ri, c) in rows.iter().enumerate() {
            if matched.contains_key(&ri) {
                continue;
            }
            let Some(desc) = description(c) else { continue };
            if let Some((ei, _)) = entries.iter().enumerate().find(|(ei, e)| {
                !used.contains(ei) && e.agent == *agent && e.description.as_ref() == Some(&desc)
            }) {
                used.insert(ei);
                matched.insert(ri, (ei, "description"));
            }
        }

        let mut cases = Vec::new();
        for (ri, c) in rows.iter().enumerate() {
            let judgement = opts.policy.judge(c);
            let d = detail(c);
            // The suite's words for the dimension(s) that failed: `result` explains
            // `behavior`, `resultClose` explains `behaviorClose`.
            let suite_result = d.and_then(|d| {
                let behavior_failed = !opts.policy.behavior_ok(c.behavior, &c.case_id);
                let close_failed = !c.behavior_close.is_some_and(|b| opts.policy.close_ok(b));
                let mut parts: Vec<&str> = Vec::new();
                for (failed, text) in [
                    (behavior_failed, d.result.as_deref()),
                    (close_failed, d.result_close.as_deref()),
                ] {
                    if let Some(t) = text.filter(|t| failed && !t.is_empty()) {
                        if !parts.contains(&t) {
                            parts.push(t);
                        }
                    }
                }
                (!parts.is_empty()).then(|| parts.join(" / "))
            });
            let bm = matched.get(&ri).map(|&(ei, by)| {
                let e = entries[ei];
                BaselineMatch {
                    line: e.line,
                    entry_case_id: e.case_id.to_string(),
                    by,
                    accepted_behavior: e.behavior,
                    accepted_close: e.behavior_close,
                }
            });
            let mut reason = judgement.reason.clone();
            let status = match (&bm, judgement.passed) {
                (None, true) => Status::Pass,
                (None, false) => Status::Fail,
                (Some(_), true) => Status::Fixed,
                (Some(m), false) => {
                    let accepted_b = m.accepted_behavior.unwrap_or(c.behavior);
                    let accepted_c = m.accepted_close.or(c.behavior_close);
                    if no_worse_than((c.behavior, c.behavior_close), (accepted_b, accepted_c)) {
                        Status::Known
                    } else {
                        reason = format!(
                            "{reason}; worse than the baseline accepts ({} / {})",
                            m.accepted_behavior.map_or("*", Behavior::as_str),
                            m.accepted_close.map_or("*", Behavior::as_str)
                        );
                        Status::Fail
                    }
                }
            };
            cases.push(CaseGate {
                case_id: c.case_id.clone(),
                description: description(c),
                behavior: c.behavior,
                behavior_close: c.behavior_close,
                remote_close_code: c.remote_close_code,
                duration_ms: c.duration_ms,
                status,
                reason,
                suite_result,
                baseline: bm,
                report_file: c.report_file.clone(),
            });
        }
        ever_used.extend(used);
        agents.push(AgentGate {
            agent: agent.clone(),
            root: run.root.clone(),
            suite_version: run.suite_version.clone(),
            cases,
        });
    }

    let gated_agents: BTreeSet<&str> = targets.iter().map(|(_, a)| a.as_str()).collect();
    let stale: Vec<StaleEntry> = entries
        .iter()
        .enumerate()
        .filter(|(ei, _)| !ever_used.contains(ei))
        .filter(|(_, e)| opts.select.selects(&e.case_id))
        .filter(|(_, e)| crate::parse::agent_matches(opts.agent.as_deref(), &e.agent))
        .map(|(_, e)| StaleEntry {
            entry: (*e).clone(),
            why: if !gated_agents.contains(e.agent.as_str()) {
                format!("no agent {:?} in the reports", e.agent)
            } else {
                "no case with this id and description in the run".to_string()
            },
        })
        .collect();

    let failed = agents
        .iter()
        .any(|a| a.cases.iter().any(|c| c.status == Status::Fail));
    let stale_fails = opts.strict_baseline
        && (!stale.is_empty()
            || agents
                .iter()
                .any(|a| a.cases.iter().any(|c| c.status == Status::Fixed)));
    GateReport {
        passed: !failed && !stale_fails,
        rule: opts.policy.describe(),
        policy: opts.policy.clone(),
        baseline: opts.baseline.as_ref().map(|(p, _)| p.clone()),
        strict_baseline: opts.strict_baseline,
        agents,
        stale,
    }
}

/// The baseline entries for every current failure (known or not), for `--write-baseline`.
pub fn current_failures(report: &GateReport) -> Vec<BaselineEntry> {
    let mut out = Vec::new();
    let mut seen = BTreeSet::new();
    for a in &report.agents {
        for c in &a.cases {
            if matches!(c.status, Status::Fail | Status::Known)
                && seen.insert((a.agent.clone(), c.case_id.clone()))
            {
                out.push(BaselineEntry {
                    agent: a.agent.clone(),
                    case_id: c.case_id.clone(),
                    behavior: Some(c.behavior),
                    behavior_close: c.behavior_close,
                    description: c.description.clone(),
                    line: 0,
                });
            }
        }
    }
    out
}

/// The gate of a run against a baseline made from that same run's failures.
pub fn with_baseline(opts: &GateOptions, path: &Path, entries: Vec<BaselineEntry>) -> GateOptions {
    let mut o = opts.clone();
    o.baseline = Some((path.to_path_buf(), Baseline { entries }));
    o
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::gate::policy::Profile;
    use Behavior::*;

    fn row(id: &str, b: Behavior, c: Behavior, desc: Option<&str>) -> CaseSummary {
        CaseSummary {
            agent: "lib".into(),
            case_id: CaseId::parse(id).unwrap(),
            behavior: b,
            behavior_close: Some(c),
            duration_ms: Some(1),
            remote_close_code: Some(1000),
            report_file: None,
            description: desc.map(str::to_string),
        }
    }

    fn run(cases: Vec<CaseSummary>) -> Run {
        Run {
            root: PathBuf::from("r"),
            suite_version: None,
            mode: None,
            cases,
        }
    }

    fn opts(baseline: &str, strict: bool) -> GateOptions {
        GateOptions {
            policy: Policy::new(Profile::Strict),
            select: CaseSelector::default(),
            agent: None,
            baseline: Some((
                PathBuf::from("b"),
                baseline::parse_baseline(baseline, Path::new("b")).unwrap(),
            )),
            strict_baseline: strict,
        }
    }

    fn status(r: &GateReport, id: &str) -> Status {
        r.agents[0]
            .cases
            .iter()
            .find(|c| c.case_id.as_str() == id)
            .unwrap()
            .status
    }

    #[test]
    fn baseline_accepts_known_and_reports_fixed() {
        let r = run(vec![
            row("1.1.1", Ok, Ok, None),
            row("7.1.5", Failed, WrongCode, Some("frag then close")),
            row("2.1", Ok, Ok, None),
            row("3.1", Failed, Ok, None),
        ]);
        let targets = vec![(&r, "lib".to_string())];
        let b = "[agent lib]\n7.1.5 | FAILED | WRONG CODE | frag then close\n2.1 | FAILED | OK |\n";
        let rep = evaluate(&targets, &Details::new(), &opts(b, false));
        assert_eq!(status(&rep, "7.1.5"), Status::Known);
        assert_eq!(status(&rep, "2.1"), Status::Fixed);
        assert_eq!(status(&rep, "3.1"), Status::Fail);
        assert!(!rep.passed);
        // Without the unknown failure, the gate passes; strict-baseline fails on the fixed one.
        let r2 = run(r.cases[..3].to_vec());
        let t2 = vec![(&r2, "lib".to_string())];
        assert!(evaluate(&t2, &Details::new(), &opts(b, false)).passed);
        assert!(!evaluate(&t2, &Details::new(), &opts(b, true)).passed);
    }

    #[test]
    fn worse_than_accepted_fails_and_moved_ids_match_by_description() {
        let r = run(vec![
            row("7.1.5", Failed, Unclean, Some("frag then close")),
            row("7.9.6", Failed, WrongCode, Some("invalid close code 1016")),
        ]);
        let targets = vec![(&r, "lib".to_string())];
        let b = "[agent lib]\n7.1.5 | FAILED | WRONG CODE | frag then close\n\
                 7.9.8 | FAILED | WRONG CODE | invalid close code 1016\n\
                 7.9.9 | FAILED | WRONG CODE | invalid close code 1100\n";
        let rep = evaluate(&targets, &Details::new(), &opts(b, false));
        assert_eq!(
            status(&rep, "7.1.5"),
            Status::Fail,
            "UNCLEAN is worse than WRONG CODE"
        );
        let moved = rep.agents[0]
            .cases
            .iter()
            .find(|c| c.case_id.as_str() == "7.9.6")
            .unwrap();
        assert_eq!(moved.status, Status::Known);
        assert_eq!(moved.baseline.as_ref().unwrap().by, "description");
        assert_eq!(rep.stale.len(), 1);
        assert_eq!(rep.stale[0].entry.case_id.as_str(), "7.9.9");
    }

    #[test]
    fn same_id_with_other_description_is_not_the_same_case() {
        let r = run(vec![row(
            "7.9.6",
            Failed,
            WrongCode,
            Some("invalid close code 1016"),
        )]);
        let targets = vec![(&r, "lib".to_string())];
        let b = "[agent lib]\n7.9.6 | FAILED | WRONG CODE | invalid close code 1014\n";
        let rep = evaluate(&targets, &Details::new(), &opts(b, false));
        assert_eq!(status(&rep, "7.9.6"), Status::Fail);
        assert_eq!(rep.stale.len(), 1);
    }

    #[test]
    fn one_entry_accepts_its_case_in_every_run_of_that_agent() {
        let a = run(vec![row("7.1.5", Failed, WrongCode, None)]);
        let mut b = run(vec![row("7.1.5", Failed, WrongCode, None)]);
        b.root = PathBuf::from("other");
        let targets = vec![(&a, "lib".to_string()), (&b, "lib".to_string())];
        let rep = evaluate(
            &targets,
            &Details::new(),
            &opts("[agent lib]\n7.1.5 | FAILED | WRONG CODE |\n", false),
        );
        assert!(rep.passed);
        assert_eq!(rep.count(Status::Known), 2);
        assert!(rep.stale.is_empty());
    }

    #[test]
    fn written_baseline_makes_the_same_run_pass() {
        let r = run(vec![
            row("1.1.1", Ok, Ok, None),
            row("7.1.5", Failed, WrongCode, Some("d")),
            row("12.1.1", Unimplemented, Ok, Some("e")),
        ]);
        let targets = vec![(&r, "lib".to_string())];
        let o = opts("", false);
        let first = evaluate(&targets, &Details::new(), &o);
        assert!(!first.passed);
        let entries = current_failures(&first);
        assert_eq!(entries.len(), 2);
        let text = baseline::render_baseline(&entries);
        let o2 = GateOptions {
            baseline: Some((
                PathBuf::from("b"),
                baseline::parse_baseline(&text, Path::new("b")).unwrap(),
            )),
            ..o
        };
        let second = evaluate(&targets, &Details::new(), &o2);
        assert!(second.passed);
        assert_eq!(second.count(Status::Known), 2);
    }
}
