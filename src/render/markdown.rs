//! Markdown for PR comments and job summaries (GitHub-flavoured tables).

use crate::diff::{AgentDiff, CaseDiff, Outcome};
use crate::render::diff_table::{outcome_title, short_description, timing_text, verdict_columns};
use std::fmt::Write;

/// Escapes what would break a table cell.
pub fn cell(s: &str) -> String {
    s.replace('|', "\\|").replace('\n', " ")
}

/// A diff as Markdown: a summary line per agent pair, then a table per outcome.
pub fn diff(diffs: &[AgentDiff], show_unchanged: bool) -> String {
    let mut out = String::new();
    for d in diffs {
        let _ = writeln!(
            out,
            "### Autobahn diff: `{}` → `{}`\n",
            cell(&d.old_agent),
            cell(&d.new_agent)
        );
        let counts: Vec<String> = Outcome::ALL
            .iter()
            .map(|o| format!("**{}** {}", d.count(*o), o.as_str()))
            .collect();
        let _ = writeln!(out, "{}\n", counts.join(" · "));
        for (o, rows) in d.groups(show_unchanged) {
            let _ = writeln!(out, "#### {} ({})\n", outcome_title(o), rows.len());
            let _ = writeln!(out, "| Case | Description | Behavior | Close | Code |");
            let _ = writeln!(out, "|---|---|---|---|---|");
            for c in rows {
                let [b, bc, code] = verdict_columns(c);
                let _ = writeln!(
                    out,
                    "| {} | {} | {} | {} | {} |",
                    cell(&c.id_label()),
                    cell(&short_description(c.description.as_deref(), 100)),
                    cell(&b),
                    cell(&bc),
                    cell(&code)
                );
            }
            out.push('\n');
        }
        if !d.pairings.is_empty() {
            let _ = writeln!(
                out,
                "Paired by description (ids moved between suite versions):\n"
            );
            for (o, n, desc) in &d.pairings {
                let _ = writeln!(out, "- {o} → {n}: {}", cell(desc));
            }
            out.push('\n');
        }
        let timing: Vec<&CaseDiff> = d.timing_changes().collect();
        if !timing.is_empty() {
            let _ = writeln!(out, "#### Timing (apart from conformance)\n");
            let _ = writeln!(
                out,
                "| Case | Old ms | New ms | Change |\n|---|---|---|---|"
            );
            for c in timing {
                let t = c.timing.as_ref().expect("filtered on timing");
                let _ = writeln!(
                    out,
                    "| {} | {} | {} | {} |",
                    cell(&c.id_label()),
                    t.old_ms,
                    t.new_ms,
                    timing_text(t)
                );
            }
            out.push('\n');
        }
        for n in &d.notes {
            let _ = writeln!(out, "> note: {}\n", cell(n));
        }
    }
    out
}

/// A gate result as Markdown, for `$GITHUB_STEP_SUMMARY` or a PR comment.
pub fn gate(report: &crate::gate::GateReport) -> String {
    use crate::gate::Status;
    use crate::render::gate_summary::{agent_label, verdicts, why};
    let mut out = String::new();
    let _ = writeln!(
        out,
        "### Autobahn gate: {}\n\nRule: {}{}\n",
        if report.passed { "PASSED" } else { "FAILED" },
        cell(&report.rule),
        report
            .baseline
            .as_ref()
            .map_or(String::new(), |b| format!("; baseline `{}`", b.display()))
    );
    let _ = writeln!(
        out,
        "| Agent | Suite | Pass | Fail | Known | Fixed | Total |"
    );
    let _ = writeln!(out, "|---|---|---|---|---|---|---|");
    for a in &report.agents {
        let _ = writeln!(
            out,
            "| {} | {} | {} | {} | {} | {} | {} |",
            cell(&agent_label(report, a)),
            a.suite_version.as_deref().unwrap_or("?"),
            a.count(Status::Pass),
            a.count(Status::Fail),
            a.count(Status::Known),
            a.count(Status::Fixed),
            a.cases.len()
        );
    }
    out.push('\n');
    for (status, title) in [
        (Status::Fail, "Failing cases"),
        (Status::Known, "Known failures (baseline)"),
        (Status::Fixed, "Fixed since the baseline"),
    ] {
        let rows: Vec<_> = report
            .agents
            .iter()
            .flat_map(|a| a.cases.iter().map(move |c| (a, c)))
            .filter(|(_, c)| c.status == status)
            .collect();
        if rows.is_empty() {
            continue;
        }
        let _ = writeln!(out, "#### {title} ({})\n", rows.len());
        let _ = writeln!(out, "| Agent | Case | Verdicts | Reason | Description |");
        let _ = writeln!(out, "|---|---|---|---|---|");
        for (a, c) in rows {
            let _ = writeln!(
                out,
                "| {} | {} | {} | {} | {} |",
                cell(&agent_label(report, a)),
                c.case_id,
                cell(&verdicts(c)),
                cell(&if status == Status::Fixed {
                    "passes now".into()
                } else {
                    why(c)
                }),
                cell(&short_description(c.description.as_deref(), 100))
            );
        }
        out.push('\n');
    }
    if !report.stale.is_empty() {
        let _ = writeln!(
            out,
            "#### Stale baseline entries ({})\n",
            report.stale.len()
        );
        for s in &report.stale {
            let _ = writeln!(
                out,
                "- line {}: {} case {}: {}",
                s.entry.line,
                cell(&s.entry.agent),
                s.entry.case_id,
                cell(&s.why)
            );
        }
        out.push('\n');
    }
    out
}
