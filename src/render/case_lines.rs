//! `cases`: one line per case, aligned, easy to grep.

use crate::model::CaseSummary;

/// `agent  case  behavior  close  duration  code  [description]`.
pub fn line(c: &CaseSummary) -> String {
    let mut s = format!(
        "{:<24} {:<9} {:<13} {:<16} {:>7} {:>5}",
        c.agent,
        c.case_id.as_str(),
        c.behavior.as_str(),
        c.behavior_close.map(|b| b.as_str()).unwrap_or("-"),
        c.duration_ms
            .map(|d| format!("{d}ms"))
            .unwrap_or_else(|| "-".into()),
        c.remote_close_code
            .map(|d| d.to_string())
            .unwrap_or_else(|| "-".into()),
    );
    if let Some(d) = &c.description {
        s.push_str("  ");
        s.push_str(&d.replace('\n', " "));
    }
    s.trim_end().to_string()
}
