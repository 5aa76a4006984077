//! GitHub Actions workflow commands (`::error title=…::message`): one annotation per failing
//! case, warnings for baseline housekeeping, a notice with the verdict.

use crate::gate::{GateReport, Status};
use crate::render::diff_table::short_description;
use crate::render::gate_summary::{agent_label, verdicts, why};
use std::fmt::Write;

/// Escapes a message (GitHub's `escapeData`).
pub fn escape_data(s: &str) -> String {
    s.replace('%', "%25")
        .replace('\r', "%0D")
        .replace('\n', "%0A")
}

/// Escapes a property value such as `title` (GitHub's `escapeProperty`).
pub fn escape_property(s: &str) -> String {
    escape_data(s).replace(':', "%3A").replace(',', "%2C")
}

pub fn gate(report: &GateReport) -> String {
    let mut out = String::new();
    for a in &report.agents {
        let label = agent_label(report, a);
        for c in &a.cases {
            let desc = short_description(c.description.as_deref(), 120);
            let desc = if desc.is_empty() {
                String::new()
            } else {
                format!(" ({desc})")
            };
            match c.status {
                Status::Fail => {
                    let _ = writeln!(
                        out,
                        "::error title={}::{}",
                        escape_property(&format!("Autobahn {label} case {}", c.case_id)),
                        escape_data(&format!("{}: {}{desc}", verdicts(c), why(c)))
                    );
                }
                Status::Fixed => {
                    let level = if report.strict_baseline {
                        "error"
                    } else {
                        "warning"
                    };
                    let line = c.baseline.as_ref().map_or(0, |m| m.line);
                    let _ = writeln!(
                        out,
                        "::{level} title={}::{}",
                        escape_property(&format!("Autobahn {label} case {} fixed", c.case_id)),
                        escape_data(&format!(
                            "passes now ({}); remove it from the baseline (line {line}){desc}",
                            verdicts(c)
                        ))
                    );
                }
                Status::Known | Status::Pass => {}
            }
        }
    }
    let level = if report.strict_baseline {
        "error"
    } else {
        "warning"
    };
    for s in &report.stale {
        let _ = writeln!(
            out,
            "::{level} title={}::{}",
            escape_property("Autobahn baseline entry matches nothing"),
            escape_data(&format!(
                "line {}: {} case {}: {}",
                s.entry.line, s.entry.agent, s.entry.case_id, s.why
            ))
        );
    }
    let _ = writeln!(
        out,
        "::notice title={}::{}",
        escape_property("Autobahn gate"),
        escape_data(&format!(
            "{}: {} fail, {} known, {} fixed, {} pass ({})",
            if report.passed { "PASSED" } else { "FAILED" },
            report.count(Status::Fail),
            report.count(Status::Known),
            report.count(Status::Fixed),
            report.count(Status::Pass),
            report.rule
        ))
    );
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn escapes_like_the_actions_toolkit() {
        assert_eq!(escape_data("50% a\r\nb"), "50%25 a%0D%0Ab");
        assert_eq!(escape_property("a:b,c"), "a%3Ab%2Cc");
    }
}
