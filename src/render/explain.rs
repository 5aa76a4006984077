//! Text rendering of explanations: the seven parts in the order a library author reads them
//! (verdict, rule, expected vs observed, closing, wire, likely cause, passing peer).

use crate::explain::{CauseGroup, Explanation};
use crate::model::CaseId;
use std::fmt::Write;

/// Options for the text form.
#[derive(Debug, Clone, Copy, Default)]
pub struct TextOptions {
    /// Leave out the wire timeline (it is long for chopped cases).
    pub no_wire: bool,
}

fn wrap(text: &str, indent: &str, width: usize) -> String {
    let mut out = String::new();
    let mut line = String::new();
    for word in text.split_whitespace() {
        if !line.is_empty() && line.len() + 1 + word.len() > width {
            let _ = writeln!(out, "{indent}{line}");
            line.clear();
        }
        if !line.is_empty() {
            line.push(' ');
        }
        line.push_str(word);
    }
    if !line.is_empty() {
        let _ = writeln!(out, "{indent}{line}");
    }
    out
}

/// One explanation as text.
pub fn text(e: &Explanation, opts: TextOptions) -> String {
    let mut s = String::new();
    let close = e.verdict.behavior_close.map(|b| b.as_str()).unwrap_or("-");
    let _ = writeln!(
        s,
        "Case {} — {} — {} / {}{}",
        e.case_id,
        e.agent,
        e.verdict.behavior,
        close,
        if e.passed { " (pass)" } else { "" }
    );
    let _ = writeln!(s, "Source: {}", e.source);

    let _ = writeln!(s, "\n1. Verdict");
    s.push_str(&wrap(&e.verdict.meaning, "   ", 96));
    if let Some(m) = &e.verdict.close_meaning {
        s.push_str(&wrap(&format!("Close: {m}"), "   ", 96));
    }
    if let Some(r) = &e.verdict.result_close {
        s.push_str(&wrap(&format!("Suite says: {r}"), "   ", 96));
    }

    let _ = writeln!(s, "\n2. What the case does and the rule it tests");
    match &e.rule {
        Some(r) => {
            s.push_str(&wrap(
                &format!("{} — the fuzzer {}.", r.topic, r.action),
                "   ",
                96,
            ));
            s.push_str(&wrap(
                &format!("Rule ({}): {}", r.rfc, r.requirement),
                "   ",
                96,
            ));
        }
        None => s.push_str("   No rule known for this case id.\n"),
    }
    if let Some(x) = &e.expectation {
        s.push_str(&wrap(&format!("Suite expectation: {x}"), "   ", 96));
    }

    let _ = writeln!(s, "\n3. Expected vs observed");
    match &e.divergence {
        Some(d) => {
            if !d.rows.is_empty() {
                let w = d
                    .rows
                    .iter()
                    .map(|r| r.expected.as_deref().unwrap_or("—").chars().count())
                    .max()
                    .unwrap_or(0)
                    .clamp(8, 44);
                let _ = writeln!(
                    s,
                    "     #  {:<w$}  observed",
                    format!("expected ({})", d.against.as_deref().unwrap_or("-"))
                );
                for r in &d.rows {
                    let mark = if d.first == Some(r.n) {
                        ">>"
                    } else if r.same {
                        "  "
                    } else {
                        " ≠"
                    };
                    let exp: String = r
                        .expected
                        .as_deref()
                        .unwrap_or("—")
                        .chars()
                        .take(44)
                        .collect();
                    let _ = writeln!(
                        s,
                        "   {mark}{:>2}  {:<w$}  {}",
                        r.n,
                        exp,
                        r.observed.as_deref().unwrap_or("—")
                    );
                }
            } else if let Some(k) = &d.against {
                let _ = writeln!(s, "   Both lists are empty ({k}).");
            }
            s.push_str(&wrap(&d.summary, "   ", 96));
        }
        None => s.push_str("   The report carries no event lists.\n"),
    }

    let _ = writeln!(s, "\n4. Closing");
    s.push_str(&wrap(&e.closing.text, "   ", 96));

    let _ = writeln!(s, "\n5. The wire");
    match (&e.wire, opts.no_wire) {
        (_, true) => s.push_str("   (left out)\n"),
        (None, _) => s.push_str("   The report carries no wire log.\n"),
        (Some(w), _) if w.lines.is_empty() => {
            s.push_str("   The wire log is empty (switched off for this case).\n")
        }
        (Some(w), _) => {
            for l in &w.lines {
                let range = if l.from == l.to {
                    format!("{:03}", l.from)
                } else {
                    format!("{:03}-{:03}", l.from, l.to)
                };
                let mut lines = l.text.lines();
                if let Some(first) = lines.next() {
                    let _ = writeln!(s, "   {range:<7} {first}");
                }
                for rest in lines {
                    let _ = writeln!(s, "           {}", rest.trim_start());
                }
            }
            for n in &w.decoded.notes {
                let _ = writeln!(s, "   note: {n}");
            }
        }
    }

    let _ = writeln!(s, "\n6. Likely cause");
    s.push_str(&wrap(&e.cause.title, "   ", 96));
    if let Some(f) = &e.cause.fix {
        s.push_str(&wrap(&format!("Fix: {f}"), "   ", 96));
    }

    let _ = writeln!(s, "\n7. A passing peer");
    match &e.peer {
        Some(p) => s.push_str(&wrap(&p.text, "   ", 96)),
        None if e.passed => s.push_str("   (this case passed)\n"),
        None => s.push_str("   No agent in the same folder (or --compare) passed this case.\n"),
    }
    for n in &e.notes {
        s.push_str(&wrap(&format!("Note: {n}"), "", 100));
    }
    s
}

/// `--all`: failures grouped by likely cause, largest group first.
pub fn groups_text(groups: &[CauseGroup], total_cases: usize) -> String {
    let mut s = String::new();
    let failing: usize = groups.iter().map(|g| g.cases.len()).sum();
    let _ = writeln!(
        s,
        "{failing} of {total_cases} cases did not pass, grouped into {} likely cause{}:",
        groups.len(),
        if groups.len() == 1 { "" } else { "s" }
    );
    for g in groups {
        let n = g.cases.len();
        let _ = writeln!(
            s,
            "\n{} — {}",
            if n == 1 {
                "1 failure".to_string()
            } else {
                format!("these {n} failures are one bug")
            },
            g.title
        );
        if let Some(f) = &g.fix {
            s.push_str(&wrap(&format!("Fix: {f}"), "   ", 96));
        }
        let mut agents: Vec<&str> = g.cases.iter().map(|c| c.0.as_str()).collect();
        agents.sort();
        agents.dedup();
        for a in agents {
            let ids: Vec<&CaseId> = g.cases.iter().filter(|c| c.0 == a).map(|c| &c.1).collect();
            s.push_str(&wrap(&format!("{a}: {}", compact_ids(&ids)), "   ", 96));
        }
    }
    s
}

/// Sorted ids with runs of consecutive siblings shortened: `12.1.1-18 12.2.1-18 9.2.4-6`.
pub fn compact_ids(ids: &[&CaseId]) -> String {
    let mut out: Vec<String> = Vec::new();
    let mut i = 0;
    while i < ids.len() {
        let p = ids[i].parts();
        let mut j = i;
        while j + 1 < ids.len() {
            let q = ids[j + 1].parts();
            let r = ids[j].parts();
            if q.len() == r.len()
                && q[..q.len() - 1] == r[..r.len() - 1]
                && q[q.len() - 1] == r[r.len() - 1] + 1
            {
                j += 1;
            } else {
                break;
            }
        }
        if j > i + 1 {
            out.push(format!("{}-{}", ids[i], ids[j].parts()[p.len() - 1]));
        } else {
            for id in &ids[i..=j] {
                out.push(id.to_string());
            }
        }
        i = j + 1;
    }
    out.join(" ")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn compact_ids_shortens_runs_only() {
        let ids: Vec<CaseId> = [
            "9.2.4", "9.2.5", "9.2.6", "9.3.6", "9.3.7", "12.1.1", "12.1.2", "12.1.3", "12.2.1",
        ]
        .iter()
        .map(|s| CaseId::parse(s).unwrap())
        .collect();
        let refs: Vec<&CaseId> = ids.iter().collect();
        assert_eq!(compact_ids(&refs), "9.2.4-6 9.3.6 9.3.7 12.1.1-3 12.2.1");
    }
}
