//! The gate's one-screen human summary: verdict and rule, counts per agent, then each failing
//! case on one line with its reason.

use crate::gate::{AgentGate, CaseGate, GateReport, Status};
use crate::render::diff_table::short_description;
use comfy_table::{presets::UTF8_FULL_CONDENSED, Table};
use std::fmt::Write;

/// How many failing cases are listed before "… and N more".
const MAX_LISTED: usize = 40;

/// `FAILED / WRONG CODE (code 1002)`.
pub fn verdicts(c: &CaseGate) -> String {
    let close = c.behavior_close.map_or("-".to_string(), |b| b.to_string());
    let code = c
        .remote_close_code
        .map_or("None".to_string(), |c| c.to_string());
    format!("{} / {} (code {})", c.behavior, close, code)
}

/// The suite's own words when known, else the policy's reason.
pub fn why(c: &CaseGate) -> String {
    match &c.suite_result {
        Some(r) => format!("{}: {}", c.reason, r),
        None => c.reason.clone(),
    }
}

/// Name of an agent's section; qualified by folder when an agent occurs in several runs.
pub fn agent_label(report: &GateReport, a: &AgentGate) -> String {
    let n = report.agents.iter().filter(|x| x.agent == a.agent).count();
    if n > 1 {
        format!("{} ({})", a.agent, a.root.display())
    } else {
        a.agent.clone()
    }
}

pub fn render(report: &GateReport) -> String {
    let mut out = String::new();
    let _ = writeln!(
        out,
        "Autobahn gate: {}  ({})",
        if report.passed { "PASSED" } else { "FAILED" },
        report.rule
    );
    if let Some(b) = &report.baseline {
        let _ = writeln!(
            out,
            "baseline: {}{}",
            b.display(),
            if report.strict_baseline {
                " (strict)"
            } else {
                ""
            }
        );
    }
    let mut t = Table::new();
    t.load_style(UTF8_FULL_CONDENSED).set_header(vec![
        "Agent", "Suite", "Pass", "Fail", "Known", "Fixed", "Total",
    ]);
    for a in &report.agents {
        t.add_row(vec![
            agent_label(report, a),
            a.suite_version.clone().unwrap_or_else(|| "?".into()),
            a.count(Status::Pass).to_string(),
            a.count(Status::Fail).to_string(),
            a.count(Status::Known).to_string(),
            a.count(Status::Fixed).to_string(),
            a.cases.len().to_string(),
        ]);
    }
    let _ = writeln!(out, "{t}");

    let section = |out: &mut String, title: &str, status: Status| {
        let rows: Vec<(&AgentGate, &CaseGate)> = report
            .agents
            .iter()
            .flat_map(|a| a.cases.iter().map(move |c| (a, c)))
            .filter(|(_, c)| c.status == status)
            .collect();
        if rows.is_empty() {
            return;
        }
        let _ = writeln!(out, "\n{title} ({}):", rows.len());
        for (a, c) in rows.iter().take(MAX_LISTED) {
            let extra = match (status, &c.baseline) {
                (Status::Known, Some(m)) if m.by == "description" => {
                    format!("  [baseline line {}, was {}]", m.line, m.entry_case_id)
                }
                (Status::Known | Status::Fixed, Some(m)) => format!("  [baseline line {}]", m.line),
                _ => String::new(),
            };
            let _ = writeln!(
                out,
                "  {}  {}  {}  {}{}{}",
                agent_label(report, a),
                c.case_id,
                verdicts(c),
                if status == Status::Fixed {
                    "passes now".to_string()
                } else {
                    why(c)
                },
                match short_description(c.description.as_deref(), 60) {
                    d if d.is_empty() => String::new(),
                    d => format!("  — {d}"),
                },
                extra
            );
        }
        if rows.len() > MAX_LISTED {
            let _ = writeln!(
                out,
                "  … and {} more (--format json lists all)",
                rows.len() - MAX_LISTED
            );
        }
    };
    section(&mut out, "Failing", Status::Fail);
    section(&mut out, "Known failures (baseline)", Status::Known);
    section(
        &mut out,
        if report.strict_baseline {
            "Fixed since the baseline (fails with --strict-baseline: remove them)"
        } else {
            "Fixed since the baseline (remove them from it)"
        },
        Status::Fixed,
    );
    if !report.stale.is_empty() {
        let _ = writeln!(out, "\nStale baseline entries ({}):", report.stale.len());
        for s in &report.stale {
            let _ = writeln!(
                out,
                "  line {}: {} {}: {}",
                s.entry.line, s.entry.agent, s.entry.case_id, s.why
            );
        }
    }
    out
}
