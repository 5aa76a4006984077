//! JUnit XML for CI test reports, in the shape Jenkins, GitLab and the GitHub test-report
//! actions read (the Ant/Surefire schema): one `<testsuite>` per agent, one `<testcase>` per
//! case; a failing case carries `<failure>` with behavior, close behavior, close code and the
//! reason; a known failure (baseline) is `<skipped>`, the way xfail is reported by pytest.

use crate::gate::{CaseGate, GateReport, Status};
use crate::render::diff_table::short_description;
use crate::render::gate_summary::{agent_label, verdicts, why};
use std::fmt::Write;

/// Escapes text for XML attributes and content, dropping characters XML 1.0 cannot hold.
pub fn xml_escape(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&apos;"),
            '\t' | '\n' | '\r' => out.push(c),
            c if (c as u32) < 0x20 || c == '\u{FFFE}' || c == '\u{FFFF}' => {}
            c => out.push(c),
        }
    }
    out
}

fn seconds(ms: Option<u64>) -> String {
    format!("{:.3}", ms.unwrap_or(0) as f64 / 1000.0)
}

/// The case id alone: a test's name must not change with its outcome (CI tracks history by
/// name), and descriptions are only read for the cases that fail.
fn case_name(c: &CaseGate) -> String {
    c.case_id.to_string()
}

fn failure_body(c: &CaseGate, root: &std::path::Path) -> String {
    let mut b = String::new();
    let _ = writeln!(b, "Case {}", c.case_id);
    if let Some(d) = &c.description {
        let _ = writeln!(b, "Description: {}", short_description(Some(d), 10_000));
    }
    let _ = writeln!(b, "Behavior: {}", c.behavior);
    let _ = writeln!(
        b,
        "Close behavior: {}",
        c.behavior_close.map_or("-".to_string(), |x| x.to_string())
    );
    let _ = writeln!(
        b,
        "Remote close code: {}",
        c.remote_close_code
            .map_or("None".to_string(), |x| x.to_string())
    );
    let _ = writeln!(b, "Reason: {}", why(c));
    if let Some(f) = &c.report_file {
        let _ = writeln!(b, "Report: {}", root.join(f).display());
    }
    b
}

pub fn gate(report: &GateReport) -> String {
    let total: usize = report.agents.iter().map(|a| a.cases.len()).sum();
    let time: u64 = report
        .agents
        .iter()
        .flat_map(|a| a.cases.iter())
        .filter_map(|c| c.duration_ms)
        .sum();
    let mut out = String::from("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n");
    let _ = writeln!(
        out,
        "<testsuites name=\"wstriage gate\" tests=\"{total}\" failures=\"{}\" errors=\"0\" skipped=\"{}\" time=\"{}\">",
        report.count(Status::Fail),
        report.count(Status::Known),
        seconds(Some(time))
    );
    for a in &report.agents {
        let suite_time: u64 = a.cases.iter().filter_map(|c| c.duration_ms).sum();
        let name = agent_label(report, a);
        let _ = writeln!(
            out,
            "  <testsuite name=\"{}\" tests=\"{}\" failures=\"{}\" errors=\"0\" skipped=\"{}\" time=\"{}\">",
            xml_escape(&name),
            a.cases.len(),
            a.count(Status::Fail),
            a.count(Status::Known),
            seconds(Some(suite_time))
        );
        let _ = writeln!(out, "    <properties>");
        for (k, v) in [
            ("report_folder", a.root.display().to_string()),
            (
                "suite_version",
                a.suite_version.clone().unwrap_or_else(|| "unknown".into()),
            ),
            ("policy", report.rule.clone()),
        ] {
            let _ = writeln!(
                out,
                "      <property name=\"{k}\" value=\"{}\"/>",
                xml_escape(&v)
            );
        }
        let _ = writeln!(out, "    </properties>");
        let classname = format!("autobahn.{}", a.agent);
        for c in &a.cases {
            let open = format!(
                "    <testcase name=\"{}\" classname=\"{}\" time=\"{}\"",
                xml_escape(&case_name(c)),
                xml_escape(&classname),
                seconds(c.duration_ms)
            );
            match c.status {
                Status::Pass => {
                    let _ = writeln!(out, "{open}/>");
                }
                Status::Fixed => {
                    let _ = writeln!(out, "{open}>");
                    let _ = writeln!(
                        out,
                        "      <system-out>{}</system-out>",
                        xml_escape(&format!(
                            "passes now, but is listed in the baseline{}: remove it",
                            c.baseline
                                .as_ref()
                                .map_or(String::new(), |m| format!(" (line {})", m.line))
                        ))
                    );
                    let _ = writeln!(out, "    </testcase>");
                }
                Status::Known => {
                    let _ = writeln!(out, "{open}>");
                    let _ = writeln!(
                        out,
                        "      <skipped message=\"{}\"/>",
                        xml_escape(&format!(
                            "known failure (baseline{}): {}",
                            c.baseline
                                .as_ref()
                                .map_or(String::new(), |m| format!(" line {}", m.line)),
                            verdicts(c)
                        ))
                    );
                    let _ = writeln!(out, "    </testcase>");
                }
                Status::Fail => {
                    let _ = writeln!(out, "{open}>");
                    let _ = writeln!(
                        out,
                        "      <failure message=\"{}\" type=\"{}\">{}</failure>",
                        xml_escape(&format!("{}: {}", verdicts(c), c.reason)),
                        xml_escape(c.behavior.as_str()),
                        xml_escape(&failure_body(c, &a.root))
                    );
                    let _ = writeln!(out, "    </testcase>");
                }
            }
        }
        let _ = writeln!(out, "  </testsuite>");
    }
    out.push_str("</testsuites>\n");
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn escapes_markup_and_drops_invalid_characters() {
        assert_eq!(
            xml_escape("a<b>&\"c'\u{1}\u{fffd}"),
            "a&lt;b&gt;&amp;&quot;c&apos;\u{fffd}"
        );
    }
}
