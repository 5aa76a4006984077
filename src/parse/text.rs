//! Pasted case-page text, in the two forms users paste (see `fixtures/seeds/`):
//! * the browser's visible text: headings on their own lines, table cells run together
//!   (`isServerTrueTrue, iff I (the fuzzer) am …`, stats rows like `24248` = 24 × 2 = 48);
//! * a `| a | b |` table form, where the headings of the tables are gone and each handshake
//!   dump is flattened onto one line.
//!
//! Both carry the same sections in the same order as the HTML page, so the text is cut into a
//! [`Page`] and built by the same rules ([`super::page::build_report`]).

use super::html::strip_indent;
use super::page::{
    is_wire_head, parse_header, solve_frame_rows, solve_octet_rows, Page, StatsTables,
};
use crate::error::{Error, Result};
use crate::model::{CaseReport, SourceFormat};
use std::path::Path;

/// The closing table's keys and the suite's description of each (`fuzzing.py` `cbv`), in the
/// order the page prints them. The description lets a run-together row be split.
const CLOSING_KEYS: [(&str, &str); 13] = [
    ("isServer", "True, iff I (the fuzzer) am a server, and the peer is a client."),
    ("closedByMe", "True, iff I have initiated closing handshake (that is, did send close first)."),
    ("failedByMe", "True, iff I have failed the WS connection (i.e. due to protocol error). Failing can be either by initiating closing handshake or brutal drop TCP."),
    ("droppedByMe", "True, iff I dropped the TCP connection."),
    ("wasClean", "True, iff full WebSocket closing handshake was performed (close frame sent and received) _and_ the server dropped the TCP (which is its responsibility)."),
    ("wasNotCleanReason", "When wasClean == False, the reason what happened."),
    ("wasServerConnectionDropTimeout", "When we are a client, and we expected the server to drop the TCP, but that didn't happen in time, this gets True."),
    ("wasOpenHandshakeTimeout", "When performing the opening handshake, but the peer did not finish in time, this gets True."),
    ("wasCloseHandshakeTimeout", "When we initiated a closing handshake, but the peer did not respond in time, this gets True."),
    ("localCloseCode", "The close code I sent in close frame (if any)."),
    ("localCloseReason", "The close reason I sent in close frame (if any)."),
    ("remoteCloseCode", "The close code the peer sent me in close frame (if any)."),
    ("remoteCloseReason", "The close reason the peer sent me in close frame (if any)."),
];

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Section {
    Preamble,
    Description,
    Expectation,
    Outcome,
    Expected,
    Observed,
    ClosingLine,
    Handshake,
    ClosingTable,
    Stats,
    Wire,
}

/// Splits `| a | b | c |` into trimmed cells.
fn cells(line: &str) -> Vec<String> {
    let t = line.trim();
    let t = t.strip_prefix('|').unwrap_or(t);
    let t = t.strip_suffix('|').unwrap_or(t);
    t.split('|').map(|c| c.trim().to_string()).collect()
}

/// A run-together closing row: `wasNotCleanReasonpeer dropped …When wasClean == False, …`.
fn split_closing_row(line: &str) -> Option<(String, String)> {
    let line = line.trim();
    let mut keys: Vec<&(&str, &str)> = CLOSING_KEYS.iter().collect();
    keys.sort_by_key(|(k, _)| std::cmp::Reverse(k.len()));
    let (key, desc) = keys.into_iter().find(|(k, _)| line.starts_with(k))?;
    let rest = &line[key.len()..];
    let value = rest.strip_suffix(desc).unwrap_or(rest);
    Some((key.to_string(), value.trim().to_string()))
}

/// One stats table being read: its kind and the raw rows.
struct RawTable {
    octets: bool,
    rows: Vec<String>,
    total: Option<String>,
    /// Pipe tables come split into cells already.
    split: Vec<(u64, u64)>,
    piped: bool,
}

/// Parses pasted page text.
pub fn parse_case_text(text: &str, path: &Path) -> Result<CaseReport> {
    let mut page = Page::default();
    let mut section = Section::Preamble;
    let mut desc: Vec<&str> = Vec::new();
    let mut expect: Vec<&str> = Vec::new();
    let mut result: Vec<&str> = Vec::new();
    let mut expected: Vec<&str> = Vec::new();
    let mut observed: Vec<&str> = Vec::new();
    let mut handshake: Vec<&str> = Vec::new();
    let mut tables: Vec<RawTable> = Vec::new();
    let mut stats_disabled = false;
    for raw in text.lines() {
        let line = raw.trim_end();
        let t = line.trim();
        if page.header.is_none() {
            if parse_header(t).is_some() {
                page.header = Some(t.to_string());
                section = Section::Preamble;
            }
            continue;
        }
        // Headings and table headers switch sections in both forms.
        let next = match t {
            "Case Description" => Some(Section::Description),
            "Case Expectation" => Some(Section::Expectation),
            "Case Outcome" => Some(Section::Outcome),
            "Expected:" if matches!(section, Section::Outcome) => Some(Section::Expected),
            "Observed:" if matches!(section, Section::Expected) => Some(Section::Observed),
            "Case Closing Behavior" => Some(Section::ClosingLine),
            "Opening Handshake" => Some(Section::Handshake),
            "Closing Behavior" | "KeyValueDescription" => Some(Section::ClosingTable),
            "Wire Statistics" => Some(Section::Stats),
            "Wire Log" => Some(Section::Wire),
            _ => None,
        };
        if let Some(s) = next {
            section = s;
            continue;
        }
        if t.starts_with('|') {
            let c = cells(t);
            let head: Vec<&str> = c.iter().map(String::as_str).collect();
            match head.as_slice() {
                ["Key", "Value", "Description"] => {
                    section = Section::ClosingTable;
                    continue;
                }
                ["Chop Size", "Count", "Octets"] | ["Opcode", "Count"] => {
                    section = Section::Stats;
                    tables.push(RawTable {
                        octets: head.len() == 3,
                        rows: Vec::new(),
                        total: None,
                        split: Vec::new(),
                        piped: true,
                    });
                    continue;
                }
                _ => {}
            }
        }
        match t {
            "Chop SizeCountOctets" | "OpcodeCount" => {
                section = Section::Stats;
                tables.push(RawTable {
                    octets: t.starts_with("Chop"),
                    rows: Vec::new(),
                    total: None,
                    split: Vec::new(),
                    piped: false,
                });
                continue;
            }
            "Statistics for octets/frames disabled!" => {
                stats_disabled = true;
                continue;
            }
            "Wire log after handshake disabled!" => {
                page.wirelog_disabled = true;
                section = Section::Wire;
                continue;
            }
            _ => {}
        }
        if is_wire_head(t) {
            section = Section::Wire;
            page.wirelog.push((t.to_string(), Vec::new()));
            continue;
        }
        match section {
            Section::Preamble => {}
            Section::Description => desc.push(line),
            Section::Expectation => expect.push(line),
            Section::Outcome => result.push(t),
            Section::Expected => expected.push(t),
            Section::Observed => observed.push(t),
            Section::ClosingLine => {
                if !t.is_empty() {
                    if page.closing_line.is_none() {
                        page.closing_line = Some(t.to_string());
                    } else {
                        // The `| a |` form has no "Opening Handshake" heading.
                        section = Section::Handshake;
                        handshake.push(line);
                    }
                }
            }
            Section::Handshake => handshake.push(line),
            Section::ClosingTable => {
                if t.is_empty() {
                    continue;
                }
                let row = if t.starts_with('|') {
                    let c = cells(t);
                    (c.len() >= 2).then(|| (c[0].clone(), c[1..c.len().max(3) - 1].join("|")))
                } else {
                    split_closing_row(t)
                };
                if let Some(row) = row {
                    page.closing_rows.push(row);
                }
            }
            Section::Stats => {
                let Some(table) = tables.last_mut() else {
                    continue;
                };
                if t.is_empty() || t.starts_with("Octets ") || t.starts_with("Frames ") {
                    continue;
                }
                if table.piped {
                    let c = cells(t);
                    if c.first().map(String::as_str) == Some("Total") {
                        table.total = Some(c[1..].join(" "));
                    } else if let (Some(Ok(a)), Some(Ok(b))) = (
                        c.first().map(|s| s.parse::<u64>()),
                        c.get(1).map(|s| s.parse::<u64>()),
                    ) {
                        table.split.push((a, b));
                    }
                } else if let Some(total) = t.strip_prefix("Total") {
                    table.total = Some(total.to_string());
                } else if t.bytes().all(|b| b.is_ascii_digit()) {
                    table.rows.push(t.to_string());
                }
            }
            Section::Wire => {
                if let Some((_, cont)) = page.wirelog.last_mut() {
                    if !t.is_empty() {
                        cont.push(strip_indent(line).to_string());
                    }
                }
            }
        }
    }
    if page.header.is_none() {
        return Err(Error::input(
            path,
            "not an Autobahn case page: no line like \"AGENT - Case 1.2.3 : Pass - 12 ms @ TIME\"",
        ));
    }
    let block = |lines: &[&str]| -> Option<String> {
        let start = lines.iter().position(|l| !l.trim().is_empty())?;
        let end = lines.iter().rposition(|l| !l.trim().is_empty())?;
        Some(lines[start..=end].join("\n"))
    };
    page.description = block(&desc);
    page.expectation = block(&expect);
    page.result = block(&result).map(|r| r.replace('\n', " "));
    page.expected = block(&expected).map(|e| e.replace('\n', ""));
    page.observed = block(&observed).map(|e| e.replace('\n', ""));
    let hs: Vec<&str> = handshake
        .iter()
        .copied()
        .filter(|l| !l.trim().is_empty())
        .collect();
    let split = hs
        .iter()
        .position(|l| l.trim_start().starts_with("HTTP/"))
        .unwrap_or(hs.len());
    let join = |ls: &[&str]| Some(ls.join("\r\n")).filter(|s| !s.is_empty());
    page.http_request = join(&hs[..split]);
    page.http_response = join(&hs[split..]);
    if !stats_disabled {
        page.stats = stats_from_tables(&tables).map_err(|m| Error::input(path, m))?;
    }
    super::page::build_report(page, path, SourceFormat::Text)
}

/// Two octet tables (received, transmitted) then two frame tables, as the page prints them.
fn stats_from_tables(tables: &[RawTable]) -> std::result::Result<Option<StatsTables>, String> {
    let solve = |t: &RawTable| -> std::result::Result<Vec<(u64, u64)>, String> {
        if t.piped {
            return Ok(t.split.clone());
        }
        let rows: Vec<&str> = t.rows.iter().map(String::as_str).collect();
        let found = if t.octets {
            solve_octet_rows(&rows, t.total.as_deref())
        } else {
            solve_frame_rows(&rows, t.total.as_deref())
        };
        found.ok_or_else(|| {
            format!(
                "case page text: cannot split the run-together stats rows {:?} (total {:?})",
                t.rows, t.total
            )
        })
    };
    let octets: Vec<&RawTable> = tables.iter().filter(|t| t.octets).collect();
    let frames: Vec<&RawTable> = tables.iter().filter(|t| !t.octets).collect();
    if octets.len() != 2 || frames.len() != 2 {
        return Ok(None);
    }
    Ok(Some([
        solve(octets[0])?,
        solve(octets[1])?,
        solve(frames[0])?,
        solve(frames[1])?,
    ]))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn run_together_closing_rows_split_on_known_descriptions() {
        assert_eq!(
            split_closing_row("wasNotCleanReasonpeer dropped the TCP connection without previous WebSocket closing handshakeWhen wasClean == False, the reason what happened."),
            Some(("wasNotCleanReason".into(), "peer dropped the TCP connection without previous WebSocket closing handshake".into()))
        );
        assert_eq!(
            split_closing_row(
                "isServerTrueTrue, iff I (the fuzzer) am a server, and the peer is a client."
            ),
            Some(("isServer".into(), "True".into()))
        );
        assert_eq!(
            split_closing_row("wasCleanFalseTrue, iff full WebSocket closing handshake was performed (close frame sent and received) _and_ the server dropped the TCP (which is its responsibility)."),
            Some(("wasClean".into(), "False".into()))
        );
        assert_eq!(split_closing_row("nothing"), None);
    }

    #[test]
    fn text_without_a_header_is_rejected_naming_the_file() {
        let e = parse_case_text("hello\nworld\n", Path::new("notes.txt"))
            .unwrap_err()
            .to_string();
        assert!(e.starts_with("notes.txt: not an Autobahn case page"), "{e}");
    }
}
