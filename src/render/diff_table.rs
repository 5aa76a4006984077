//! Human output of a diff: a header, counts, then one table per outcome (regressions first),
//! each row with the case's description and old → new verdicts and close code.

use crate::diff::{AgentDiff, CaseDiff, Outcome};
use comfy_table::{presets::UTF8_FULL_CONDENSED, ContentArrangement, Table};
use std::fmt::Write;

/// Heading of an outcome group.
pub fn outcome_title(o: Outcome) -> &'static str {
    match o {
        Outcome::Regression => "Regressions",
        Outcome::Fix => "Fixes",
        Outcome::Changed => "Changed (not worse, not better)",
        Outcome::New => "New cases",
        Outcome::Missing => "Missing cases",
        Outcome::Unchanged => "Unchanged",
    }
}

/// `OK` when equal, `OK → FAILED` when not.
pub fn transition(old: Option<String>, new: Option<String>) -> String {
    match (old, new) {
        (Some(a), Some(b)) if a == b => a,
        (Some(a), Some(b)) => format!("{a} → {b}"),
        (Some(a), None) => format!("{a} → (absent)"),
        (None, Some(b)) => format!("(absent) → {b}"),
        (None, None) => "-".into(),
    }
}

/// The three verdict columns of a row: behavior, close behavior, remote close code.
pub fn verdict_columns(c: &CaseDiff) -> [String; 3] {
    let b = |s: &Option<crate::model::CaseSummary>| s.as_ref().map(|x| x.behavior.to_string());
    let bc = |s: &Option<crate::model::CaseSummary>| {
        s.as_ref()
            .map(|x| x.behavior_close.map_or("-".to_string(), |b| b.to_string()))
    };
    let code = |s: &Option<crate::model::CaseSummary>| {
        s.as_ref().map(|x| {
            x.remote_close_code
                .map_or("None".to_string(), |c| c.to_string())
        })
    };
    [
        transition(b(&c.old), b(&c.new)),
        transition(bc(&c.old), bc(&c.new)),
        transition(code(&c.old), code(&c.new)),
    ]
}

/// A description on one line, without markup, cut to `max` characters.
pub fn short_description(d: Option<&str>, max: usize) -> String {
    let Some(d) = d else { return String::new() };
    let plain = strip_tags(d);
    let plain: String = plain.split_whitespace().collect::<Vec<_>>().join(" ");
    if plain.chars().count() > max {
        let cut: String = plain.chars().take(max.saturating_sub(1)).collect();
        format!("{cut}…")
    } else {
        plain
    }
}

/// Drops HTML tags (`<br>`, `<b>`: the suite's descriptions carry some), keeping the text.
pub fn strip_tags(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    let mut in_tag = false;
    for c in s.chars() {
        match c {
            '<' => {
                in_tag = true;
                out.push(' ');
            }
            '>' if in_tag => in_tag = false,
            _ if !in_tag => out.push(c),
            _ => {}
        }
    }
    out
}

fn side_label(label: &str, agent: &str, version: Option<&str>) -> String {
    match version {
        Some(v) => format!("{label} [{agent}, suite {v}]"),
        None => format!("{label} [{agent}]"),
    }
}

/// The whole human report for several agent comparisons.
pub fn render(diffs: &[AgentDiff], show_unchanged: bool, width: Option<u16>) -> String {
    let mut out = String::new();
    for (i, d) in diffs.iter().enumerate() {
        if i > 0 {
            out.push('\n');
        }
        let _ = writeln!(
            out,
            "{} → {}",
            side_label(&d.old_label, &d.old_agent, d.old_suite_version.as_deref()),
            side_label(&d.new_label, &d.new_agent, d.new_suite_version.as_deref())
        );
        let counts: Vec<String> = Outcome::ALL
            .iter()
            .map(|o| format!("{} {}", d.count(*o), o.as_str()))
            .collect();
        let _ = writeln!(out, "{}", counts.join(" · "));
        for (o, rows) in d.groups(show_unchanged) {
            let _ = writeln!(out, "\n{} ({})", outcome_title(o), rows.len());
            let mut t = Table::new();
            t.load_style(UTF8_FULL_CONDENSED)
                .set_content_arrangement(ContentArrangement::Dynamic)
                .set_header(vec!["Case", "Description", "Behavior", "Close", "Code"]);
            if let Some(w) = width {
                t.set_width(w);
            }
            for c in rows {
                let [b, bc, code] = verdict_columns(c);
                t.add_row(vec![
                    c.id_label(),
                    short_description(c.description.as_deref(), 70),
                    b,
                    bc,
                    code,
                ]);
            }
            let _ = writeln!(out, "{t}");
        }
        if !d.pairings.is_empty() {
            let _ = writeln!(
                out,
                "\nPaired by description (ids moved between suite versions):"
            );
            for (o, n, desc) in &d.pairings {
                let _ = writeln!(out, "  {o} → {n}  {}", short_description(Some(desc), 70));
            }
        }
        let timing: Vec<&CaseDiff> = d.timing_changes().collect();
        if !timing.is_empty() {
            let slower = timing
                .iter()
                .filter(|c| c.timing.as_ref().is_some_and(|t| t.slower))
                .count();
            let _ = writeln!(
                out,
                "\nTiming, apart from conformance: {slower} slower, {} faster",
                timing.len() - slower
            );
            let mut t = Table::new();
            t.load_style(UTF8_FULL_CONDENSED)
                .set_content_arrangement(ContentArrangement::Dynamic)
                .set_header(vec!["Case", "Old ms", "New ms", "Change"]);
            if let Some(w) = width {
                t.set_width(w);
            }
            for c in timing {
                let tc = c.timing.as_ref().expect("filtered on timing");
                t.add_row(vec![
                    c.id_label(),
                    tc.old_ms.to_string(),
                    tc.new_ms.to_string(),
                    timing_text(tc),
                ]);
            }
            let _ = writeln!(out, "{t}");
        }
        for n in &d.notes {
            let _ = writeln!(out, "note: {n}");
        }
    }
    out
}

/// `slower +52%` / `faster -40%`.
pub fn timing_text(t: &crate::diff::TimingChange) -> String {
    let word = if t.slower { "slower" } else { "faster" };
    match t.percent {
        Some(p) => format!("{word} {p:+.0}%"),
        None => format!("{word} (from 0 ms)"),
    }
}
