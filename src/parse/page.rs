//! The case page's content, once read from HTML or from pasted text, and how it becomes a
//! [`CaseReport`]. Both readers fill a [`Page`]; the rules that turn the page's words into typed
//! fields (verdict labels, Python literals, the closing table, the wire log lines) live here once.

use super::pylit;
use crate::error::{Error, Result};
use crate::model::{
    Behavior, CaseId, CaseReport, Closing, LoggedBytes, Source, SourceFormat, WireEntry, WireStats,
};
use std::path::Path;
use std::sync::OnceLock;

/// What `fuzzing.py` `createAgentCaseReportHTML` prints, section by section, as strings.
#[derive(Debug, Default, Clone)]
pub struct Page {
    /// `AGENT - Case X : Pass - N ms @ STARTED`.
    pub header: Option<String>,
    pub description: Option<String>,
    pub expectation: Option<String>,
    pub result: Option<String>,
    pub expected: Option<String>,
    pub observed: Option<String>,
    /// `resultClose (behaviorClose)`.
    pub closing_line: Option<String>,
    pub http_request: Option<String>,
    pub http_response: Option<String>,
    /// The 13 rows of the closing table: key → value as printed (`True`, `None`, `1000`, text).
    pub closing_rows: Vec<(String, String)>,
    /// Octets rx, octets tx (chop size, count), frames rx, frames tx (opcode, count), when shown.
    pub stats: Option<StatsTables>,
    /// Wire log: each entry's first line and its continuation lines (indent removed).
    pub wirelog: Vec<(String, Vec<String>)>,
    /// Whether the page says the wire log was disabled after the handshake.
    pub wirelog_disabled: bool,
}

/// Octets rx, octets tx (chop size, count), frames rx, frames tx (opcode, count).
pub type StatsTables = [Vec<(u64, u64)>; 4];

/// The header line, split.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Header {
    pub agent: String,
    pub case_id: CaseId,
    pub label: String,
    pub duration_ms: u64,
    pub started: String,
}

/// Splits `stratus@2 - Case 3.2 : Fail - 1001 ms @ 2026-04-02T15:17:18.866Z`.
pub fn parse_header(line: &str) -> Option<Header> {
    static RE: OnceLock<regex::Regex> = OnceLock::new();
    let re = RE.get_or_init(|| {
        regex::Regex::new(
            r"^\s*(.*?) - Case ([0-9]+(?:\.[0-9]+)*) : (Pass|Non-Strict|Informational|Fail|No Close|Unimplemented|Missing) - ([0-9]+) ms @ (\S*)\s*$",
        )
        .expect("static regex")
    });
    let c = re.captures(line)?;
    Some(Header {
        agent: c[1].to_string(),
        case_id: CaseId::parse(&c[2])?,
        label: c[3].to_string(),
        duration_ms: c[4].parse().ok()?,
        started: c[5].to_string(),
    })
}

/// The `result` the suite leaves when nothing decided the case (`case.py` default).
const DEFAULT_RESULT: &str = "Actual events differ from any expected.";

/// Only OK, NON-STRICT and INFORMATIONAL have their own label on the case page; everything else
/// shows "Fail". UNIMPLEMENTED is only ever set by the 12.x/13.x cases (`case12_x_x.py` `onOpen`),
/// when the connection opened without permessage-deflate; it keeps the default result text. A page
/// that shows exactly that is UNIMPLEMENTED; a FAILED 12.x/13.x case always has its own result.
fn behavior_from_label(
    label: &str,
    case_id: &CaseId,
    result: Option<&str>,
    response: Option<&str>,
    notes: &mut Vec<String>,
) -> Option<Behavior> {
    Some(match label {
        "Pass" => Behavior::Ok,
        "Non-Strict" => Behavior::NonStrict,
        "Informational" => Behavior::Informational,
        "No Close" => Behavior::NoClose,
        "Unimplemented" => Behavior::Unimplemented,
        "Fail" => {
            if matches!(case_id.group(), 12 | 13) {
                let opened = response.is_some_and(|r| r.contains(" 101"));
                let deflate =
                    response.is_some_and(|r| r.to_ascii_lowercase().contains("permessage-deflate"));
                match (result, response) {
                    (Some(DEFAULT_RESULT), Some(_)) if opened && !deflate => {
                        notes.push(
                            "page shows Fail; UNIMPLEMENTED inferred: no permessage-deflate was negotiated and no result was set".into(),
                        );
                        Behavior::Unimplemented
                    }
                    (Some(_), Some(_)) => Behavior::Failed,
                    _ => {
                        notes.push(
                            "page shows Fail: FAILED or UNIMPLEMENTED, the page does not say which"
                                .into(),
                        );
                        Behavior::Failed
                    }
                }
            } else {
                Behavior::Failed
            }
        }
        _ => return None,
    })
}

/// `Connection was properly closed (OK)` → (result_close, behavior_close).
fn split_closing_line(line: &str) -> (Option<String>, Option<Behavior>) {
    let line = line.trim();
    if let Some(open) = line.rfind(" (") {
        if let Some(inner) = line[open + 2..].strip_suffix(')') {
            if let Some(b) = Behavior::parse(inner) {
                return (Some(line[..open].to_string()), Some(b));
            }
        }
    }
    (Some(line.to_string()).filter(|s| !s.is_empty()), None)
}

fn py_bool(v: &str) -> Option<bool> {
    match v.trim() {
        "True" => Some(true),
        "False" => Some(false),
        _ => None,
    }
}

fn py_opt_str(v: &str) -> Option<String> {
    match v {
        "None" => None,
        s => Some(s.to_string()),
    }
}

fn closing_from_rows(rows: &[(String, String)]) -> std::result::Result<Option<Closing>, String> {
    if rows.is_empty() {
        return Ok(None);
    }
    let get = |k: &str| {
        rows.iter()
            .find(|(key, _)| key == k)
            .map(|(_, v)| v.as_str())
    };
    let flag = |k: &str| -> std::result::Result<bool, String> {
        let v = get(k).ok_or_else(|| format!("closing table lacks {k}"))?;
        py_bool(v).ok_or_else(|| format!("closing table: {k} = {v:?} is not True/False"))
    };
    let code = |k: &str| -> std::result::Result<Option<u16>, String> {
        match get(k).map(str::trim) {
            None | Some("None") => Ok(None),
            Some(v) => v
                .parse()
                .map(Some)
                .map_err(|_| format!("closing table: {k} = {v:?} is not a close code")),
        }
    };
    Ok(Some(Closing {
        is_server: flag("isServer")?,
        closed_by_me: flag("closedByMe")?,
        failed_by_me: flag("failedByMe")?,
        dropped_by_me: flag("droppedByMe")?,
        was_clean: flag("wasClean")?,
        was_not_clean_reason: get("wasNotCleanReason").and_then(py_opt_str),
        was_server_connection_drop_timeout: flag("wasServerConnectionDropTimeout")?,
        was_open_handshake_timeout: flag("wasOpenHandshakeTimeout")?,
        was_close_handshake_timeout: flag("wasCloseHandshakeTimeout")?,
        local_close_code: code("localCloseCode")?,
        local_close_reason: get("localCloseReason").and_then(py_opt_str),
        remote_close_code: code("remoteCloseCode")?,
        remote_close_reason: get("remoteCloseReason").and_then(py_opt_str),
    }))
}

/// The RX FRAME `MASK=` is `b2a_hex` of the already-hex mask (`fuzzing.py` quirk): undo it when
/// the value decodes to 8 hex digits; a page that prints the mask once (kosoku) is kept as is.
pub fn undo_double_hex(mask: &str) -> String {
    if mask.len() == 16 && mask.is_ascii() {
        let decoded: Option<String> = (0..16)
            .step_by(2)
            .map(|i| {
                u8::from_str_radix(&mask[i..i + 2], 16)
                    .ok()
                    .filter(|b| b.is_ascii_hexdigit())
                    .map(|b| b as char)
            })
            .collect();
        if let Some(d) = decoded {
            return d;
        }
    }
    mask.to_string()
}

/// Joins continuation lines as `textwrap.wrap(text, 100)` split them: a line cut inside a word
/// (hex) is exactly 100 characters without spaces and joins directly; otherwise the wrap dropped
/// one space.
fn join_wrapped(first: Option<&str>, rest: &[String]) -> String {
    let mut out = String::new();
    let mut prev_len: Option<(usize, bool)> = None;
    for line in first.into_iter().chain(rest.iter().map(String::as_str)) {
        if let Some((len, spaced)) = prev_len {
            if len != 100 || spaced {
                out.push(' ');
            }
        }
        out.push_str(line);
        prev_len = Some((line.chars().count(), line.contains(' ')));
    }
    out
}

fn parse_wire_line(head: &str, cont: &[String], octet_len_guessed: &mut bool) -> WireEntry {
    static FRAME_RX: OnceLock<regex::Regex> = OnceLock::new();
    static FRAME_TX: OnceLock<regex::Regex> = OnceLock::new();
    static TIMED: OnceLock<regex::Regex> = OnceLock::new();
    let unknown = || WireEntry::Unknown {
        text: std::iter::once(head.to_string())
            .chain(cont.iter().cloned())
            .collect::<Vec<_>>()
            .join("\n"),
    };
    // Drop the `NNN ` index.
    let body = head.trim_start();
    let body = match body.split_once(' ') {
        Some((n, rest)) if n.bytes().all(|b| b.is_ascii_digit()) => rest,
        _ => body,
    };
    let flag = |s: &str| s == "True";
    if let Some(rest) = body
        .strip_prefix("RX OCTETS: ")
        .or_else(|| body.strip_prefix("TX OCTETS: "))
        .or_else(|| body.strip_prefix("RX OCTETS:"))
        .or_else(|| body.strip_prefix("TX OCTETS:"))
    {
        let data = join_wrapped(Some(rest.trim()), cont);
        let truncated = data.ends_with(" ...");
        let hex_len = data.trim_end_matches(" ...").len() as u64 / 2;
        if truncated {
            *octet_len_guessed = true;
        }
        let octets = LoggedBytes {
            len: hex_len,
            data,
            truncated,
        };
        return if body.starts_with("RX") {
            WireEntry::RxOctets { octets }
        } else {
            WireEntry::TxOctets {
                octets,
                // The page shows sync only through a CSS class; text has no trace of it.
                sync: false,
            }
        };
    }
    let payload = |len: u64| {
        let data = join_wrapped(None, cont);
        let truncated = data.ends_with(" ...");
        LoggedBytes {
            len,
            data,
            truncated,
        }
    };
    if body.starts_with("RX FRAME") {
        let re = FRAME_RX.get_or_init(|| {
            regex::Regex::new(
                r"OPCODE=(\d+), FIN=(\w+), RSV=(\d+), PAYLOAD-LEN=(\d+), MASKED=(\w+), MASK=(\S+)",
            )
            .expect("static regex")
        });
        let Some(c) = re.captures(body) else {
            return unknown();
        };
        let (Ok(opcode), Ok(rsv), Ok(len)) = (c[1].parse(), c[3].parse(), c[4].parse()) else {
            return unknown();
        };
        return WireEntry::RxFrame {
            payload: payload(len),
            opcode,
            fin: flag(&c[2]),
            rsv,
            masked: flag(&c[5]),
            mask: py_opt_str(&c[6]).map(|m| undo_double_hex(&m)),
        };
    }
    if body.starts_with("TX FRAME") {
        let re = FRAME_TX.get_or_init(|| {
            regex::Regex::new(
                r"OPCODE=(\d+), FIN=(\w+), RSV=(\d+), PAYLOAD-LEN=(\d+), MASK=(\S+), PAYLOAD-REPEAT-LEN=(\S+), CHOPSIZE=(\S+), SYNC=(\w+)",
            )
            .expect("static regex")
        });
        let Some(c) = re.captures(body) else {
            return unknown();
        };
        let (Ok(opcode), Ok(rsv), Ok(len)) = (c[1].parse(), c[3].parse(), c[4].parse()) else {
            return unknown();
        };
        return WireEntry::TxFrame {
            payload: payload(len),
            opcode,
            fin: flag(&c[2]),
            rsv,
            mask: py_opt_str(&c[5]),
            payload_repeat_len: c[6].parse().ok(),
            chop_size: c[7].parse().ok(),
            sync: flag(&c[8]),
        };
    }
    let re = TIMED.get_or_init(|| {
        regex::Regex::new(
            r"^(?:DELAY ([0-9.]+) sec for TAG (.*)|DELAY TIMEOUT on TAG (.*)|FAIL CONNECTION AFTER ([0-9.]+) sec|CLOSE CONNECTION AFTER ([0-9.]+) sec)$",
        )
        .expect("static regex")
    });
    let body = body.trim();
    match body {
        "FAILING CONNECTION" => return WireEntry::Failing,
        "CLOSING CONNECTION" => return WireEntry::Closing,
        "WIRELOG ENABLED" => return WireEntry::WirelogSwitch { enabled: true },
        "WIRELOG DISABLED" => return WireEntry::WirelogSwitch { enabled: false },
        "TCP DROPPED BY ME" => return WireEntry::TcpDropped { by_me: true },
        "TCP DROPPED BY PEER" => return WireEntry::TcpDropped { by_me: false },
        _ => {}
    }
    let Some(c) = re.captures(body) else {
        return unknown();
    };
    let secs = |i: usize| c.get(i).and_then(|m| m.as_str().parse::<f64>().ok());
    let tag = |i: usize| {
        c.get(i)
            .map(|m| m.as_str().to_string())
            .and_then(|t| py_opt_str(&t))
    };
    if let Some(s) = secs(1) {
        WireEntry::Delay {
            seconds: s,
            tag: tag(2),
        }
    } else if c.get(3).is_some() {
        WireEntry::DelayFired { tag: tag(3) }
    } else if let Some(s) = secs(4) {
        WireEntry::FailAfter { seconds: s }
    } else if let Some(s) = secs(5) {
        WireEntry::CloseAfter { seconds: s }
    } else {
        unknown()
    }
}

/// Whether a line starts a wire log entry (`NNN RX OCTETS: …`, `NNN FAILING CONNECTION`, …).
pub fn is_wire_head(line: &str) -> bool {
    let t = line.trim_start();
    let digits = t.bytes().take_while(u8::is_ascii_digit).count();
    if digits < 3 || t.as_bytes().get(digits) != Some(&b' ') {
        return false;
    }
    let rest = &t[digits + 1..];
    [
        "RX OCTETS",
        "TX OCTETS",
        "RX FRAME",
        "TX FRAME",
        "DELAY ",
        "FAIL CONNECTION AFTER",
        "FAILING CONNECTION",
        "CLOSE CONNECTION AFTER",
        "CLOSING CONNECTION",
        "WIRELOG ",
        "TCP DROPPED BY",
    ]
    .iter()
    .any(|p| rest.starts_with(p))
}

/// Builds the record. `format` says which reader made the page.
pub fn build_report(page: Page, path: &Path, format: SourceFormat) -> Result<CaseReport> {
    let what = match format {
        SourceFormat::Html => "case page (HTML)",
        _ => "case page text",
    };
    let header_line = page.header.as_deref().ok_or_else(|| {
        Error::input(
            path,
            format!(
                "not an Autobahn {what}: no line like \"AGENT - Case 1.2.3 : Pass - 12 ms @ TIME\""
            ),
        )
    })?;
    let header = parse_header(header_line).ok_or_else(|| {
        Error::input(
            path,
            format!("{what}: cannot read the header line {header_line:?}"),
        )
    })?;
    let mut notes = Vec::new();
    let behavior = behavior_from_label(
        &header.label,
        &header.case_id,
        page.result.as_deref(),
        page.http_response.as_deref(),
        &mut notes,
    )
    .ok_or_else(|| {
        Error::input(
            path,
            format!("{what}: unknown verdict label {:?}", header.label),
        )
    })?;
    let (result_close, behavior_close) = match page.closing_line.as_deref() {
        Some(l) => split_closing_line(l),
        None => (None, None),
    };
    let bad = |m: String| Error::input(path, format!("{what}: {m}"));
    let (expected, expected_truncated) = match page.expected.as_deref() {
        None => (None, false),
        Some(t) => literal(t, pylit::expected_from).map_err(|m| bad(format!("Expected: {m}")))?,
    };
    let (observed, observed_truncated) = match page.observed.as_deref() {
        None => (None, false),
        Some(t) => literal(t, pylit::events_from).map_err(|m| bad(format!("Observed: {m}")))?,
    };
    let closing = closing_from_rows(&page.closing_rows).map_err(bad)?;
    let stats = page.stats.map(|[rx_o, tx_o, rx_f, tx_f]| WireStats {
        rx_octets: rx_o.into_iter().collect(),
        tx_octets: tx_o.into_iter().collect(),
        rx_frames: rx_f
            .into_iter()
            .filter_map(|(k, v)| u8::try_from(k).ok().map(|k| (k, v)))
            .collect(),
        tx_frames: tx_f
            .into_iter()
            .filter_map(|(k, v)| u8::try_from(k).ok().map(|k| (k, v)))
            .collect(),
    });
    let mut guessed = false;
    let wirelog: Vec<WireEntry> = page
        .wirelog
        .iter()
        .map(|(head, cont)| parse_wire_line(head, cont, &mut guessed))
        .collect();
    if guessed {
        notes.push(
            "the page does not give the length of octets it cut at 64: their len is the number of octets shown".into(),
        );
    }
    let suite_version = page
        .http_request
        .as_deref()
        .and_then(super::suite_version_in)
        .or_else(|| {
            page.http_response
                .as_deref()
                .and_then(super::suite_version_in)
        });
    let empty_to_none = |s: Option<String>| s.filter(|s| !s.is_empty());
    Ok(CaseReport {
        agent: header.agent,
        case_id: header.case_id,
        case_index: page.http_request.as_deref().and_then(run_case_index),
        behavior,
        behavior_close,
        duration_ms: Some(header.duration_ms),
        started: Some(header.started).filter(|s| !s.is_empty()),
        description: empty_to_none(page.description),
        expectation: empty_to_none(page.expectation),
        result: page.result,
        result_close,
        expected,
        expected_truncated,
        observed,
        observed_truncated,
        expected_close: None,
        closing,
        http_request: page.http_request,
        http_response: page.http_response,
        stats,
        wirelog: if page.wirelog.is_empty() {
            None
        } else {
            Some(wirelog)
        },
        report_time: None,
        traffic_stats: None,
        source: Source {
            path: path.to_path_buf(),
            format,
        },
        suite_version,
        notes,
    })
}

/// `GET /runCase?case=29&agent=…`: the run number of a client run.
fn run_case_index(request: &str) -> Option<u32> {
    let rest = request.split("/runCase?").nth(1)?;
    let query = rest.split([' ', '\r', '\n']).next()?;
    query
        .split('&')
        .find_map(|kv| kv.strip_prefix("case="))
        .and_then(|v| v.parse().ok())
}

/// Parses a printed literal, noticing the 1000-character cut (`limitString` appends `" ..."`).
fn literal<T>(
    text: &str,
    convert: fn(&pylit::PyValue) -> std::result::Result<T, String>,
) -> std::result::Result<(Option<T>, bool), String> {
    let text = text.trim();
    if let Some(cut) = text.strip_suffix(" ...") {
        let v = pylit::parse_prefix(cut).map_err(|e| e.to_string())?;
        return Ok((Some(convert(&v)?), true));
    }
    let v = pylit::parse(text).map_err(|e| e.to_string())?;
    Ok((Some(convert(&v)?), false))
}

/// Splits run-together stats digits (`24248` = chop 24, count 2, octets 48) so that every row
/// satisfies size × count = octets and the rows sum to the Total row; None when no split fits.
pub fn solve_octet_rows(rows: &[&str], total: Option<&str>) -> Option<Vec<(u64, u64)>> {
    let options: Vec<Vec<(u64, u64)>> = rows
        .iter()
        .map(|r| {
            let mut v = Vec::new();
            for i in 1..r.len() {
                for j in i + 1..r.len() {
                    let (a, b, c) = (&r[..i], &r[i..j], &r[j..]);
                    if [a, b, c].iter().any(|p| p.len() > 1 && p.starts_with('0')) {
                        continue;
                    }
                    if let (Ok(a), Ok(b), Ok(c)) =
                        (a.parse::<u64>(), b.parse::<u64>(), c.parse::<u64>())
                    {
                        if b > 0 && a.checked_mul(b) == Some(c) {
                            v.push((a, b));
                        }
                    }
                }
            }
            v
        })
        .collect();
    if total.is_some_and(|t| !t.bytes().all(|b| b.is_ascii_digit()))
        || rows.iter().any(|r| !r.bytes().all(|b| b.is_ascii_digit()))
    {
        return None;
    }
    let totals: Vec<(u64, u64)> = match total {
        None => Vec::new(),
        Some(t) => (1..t.len())
            .filter_map(|i| Some((t[..i].parse().ok()?, t[i..].parse().ok()?)))
            .collect(),
    };
    search(&options, &mut Vec::new(), &|chosen: &[(u64, u64)]| {
        let count: u64 = chosen.iter().map(|(_, n)| n).sum();
        let octets: u64 = chosen.iter().map(|(s, n)| s * n).sum();
        total.is_none() || totals.contains(&(count, octets))
    })
}

/// Splits run-together opcode rows (`102` = opcode 10, count 2); opcodes are 0..=15.
pub fn solve_frame_rows(rows: &[&str], total: Option<&str>) -> Option<Vec<(u64, u64)>> {
    if rows.iter().any(|r| !r.bytes().all(|b| b.is_ascii_digit())) {
        return None;
    }
    let options: Vec<Vec<(u64, u64)>> = rows
        .iter()
        .map(|r| {
            (1..r.len())
                .filter_map(|i| {
                    let (a, b) = (&r[..i], &r[i..]);
                    if [a, b].iter().any(|p| p.len() > 1 && p.starts_with('0')) {
                        return None;
                    }
                    let (a, b) = (a.parse::<u64>().ok()?, b.parse::<u64>().ok()?);
                    (a <= 15 && b > 0).then_some((a, b))
                })
                .collect()
        })
        .collect();
    let want: Option<u64> = total.and_then(|t| t.parse().ok());
    search(&options, &mut Vec::new(), &|chosen: &[(u64, u64)]| {
        want.is_none_or(|w| chosen.iter().map(|(_, n)| n).sum::<u64>() == w)
            && chosen.windows(2).all(|p| p[0].0 < p[1].0)
    })
}

/// Accepts or rejects a full choice of rows.
type RowCheck<'a> = dyn Fn(&[(u64, u64)]) -> bool + 'a;

/// Depth-first choice of one option per row, rows strictly increasing by key (the page sorts
/// them), accepted by `ok`. Bounded: stops after a fixed number of steps.
fn search(
    options: &[Vec<(u64, u64)>],
    chosen: &mut Vec<(u64, u64)>,
    ok: &RowCheck<'_>,
) -> Option<Vec<(u64, u64)>> {
    fn go(
        options: &[Vec<(u64, u64)>],
        chosen: &mut Vec<(u64, u64)>,
        ok: &RowCheck<'_>,
        budget: &mut u32,
    ) -> Option<Vec<(u64, u64)>> {
        if *budget == 0 {
            return None;
        }
        *budget -= 1;
        let i = chosen.len();
        if i == options.len() {
            return ok(chosen).then(|| chosen.clone());
        }
        for &opt in &options[i] {
            if chosen.last().is_some_and(|last| last.0 >= opt.0) {
                continue;
            }
            chosen.push(opt);
            if let Some(found) = go(options, chosen, ok, budget) {
                return Some(found);
            }
            chosen.pop();
        }
        None
    }
    let mut budget = 100_000;
    go(options, chosen, ok, &mut budget)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn header_lines_split() {
        let h =
            parse_header("websock server - Case 4.2.5 : Pass - 5 ms @ 2025-11-26T12:31:44.829Z")
                .unwrap();
        assert_eq!(h.agent, "websock server");
        assert_eq!(h.case_id.as_str(), "4.2.5");
        assert_eq!(h.label, "Pass");
        assert_eq!(h.duration_ms, 5);
        assert_eq!(h.started, "2025-11-26T12:31:44.829Z");
        assert!(parse_header("Case 4.2.5 : Pass").is_none());
    }

    #[test]
    fn double_hex_mask_is_undone_once() {
        assert_eq!(undo_double_hex("3066343232313762"), "0f42217b");
        assert_eq!(undo_double_hex("0f42217b"), "0f42217b");
        assert_eq!(undo_double_hex("zz66343232313762"), "zz66343232313762");
        assert_eq!(undo_double_hex("é6343232313762"), "é6343232313762");
    }

    #[test]
    fn run_together_stats_are_split_against_the_total() {
        assert_eq!(
            solve_octet_rows(&["24248", "2321232"], Some("3280")).unwrap(),
            [(24, 2), (232, 1)]
        );
        assert_eq!(
            solve_octet_rows(&["11666", "14114", "2081208"], Some("8288")).unwrap(),
            [(11, 6), (14, 1), (208, 1)]
        );
        assert_eq!(
            solve_frame_rows(&["04", "12", "81"], Some("7")).unwrap(),
            [(0, 4), (1, 2), (8, 1)]
        );
        assert_eq!(solve_frame_rows(&["111"], Some("11")).unwrap(), [(1, 11)]);
        assert_eq!(solve_frame_rows(&["111"], Some("1")).unwrap(), [(11, 1)]);
        assert!(solve_octet_rows(&["999"], Some("5")).is_none());
        // Not digits (a mangled paste): no split, and no panic on multi-byte characters.
        assert!(solve_octet_rows(&["24248"], Some("3é80")).is_none());
        assert!(solve_frame_rows(&["1é"], Some("1")).is_none());
    }

    #[test]
    fn wire_lines_are_typed() {
        let mut g = false;
        let e = parse_wire_line(
            "010 RX FRAME : OPCODE=1, FIN=True, RSV=0, PAYLOAD-LEN=13, MASKED=True, MASK=3464643839323330",
            &["Hello, world!".into()],
            &mut g,
        );
        assert_eq!(
            e,
            WireEntry::RxFrame {
                payload: LoggedBytes {
                    len: 13,
                    data: "Hello, world!".into(),
                    truncated: false
                },
                opcode: 1,
                fin: true,
                rsv: 0,
                masked: true,
                mask: Some("4dd89230".into()),
            }
        );
        let first = format!("000 RX OCTETS: {}", "47".repeat(50));
        let e = parse_wire_line(&first, &["6f73 ...".into()], &mut g);
        let want = format!("{}6f73 ...", "47".repeat(50));
        assert!(
            matches!(&e, WireEntry::RxOctets { octets } if octets.data == want && octets.truncated && octets.len == 52),
            "{e:?}"
        );
        assert!(g);
        assert_eq!(
            parse_wire_line("008 FAIL CONNECTION AFTER 1.000000 sec", &[], &mut g),
            WireEntry::FailAfter { seconds: 1.0 }
        );
        assert_eq!(
            parse_wire_line("017 TCP DROPPED BY PEER", &[], &mut g),
            WireEntry::TcpDropped { by_me: false }
        );
        assert_eq!(
            parse_wire_line("004 DELAY 1.000000 sec for TAG A", &[], &mut g),
            WireEntry::Delay {
                seconds: 1.0,
                tag: Some("A".into())
            }
        );
        assert_eq!(
            parse_wire_line("005 DELAY TIMEOUT on TAG B", &[], &mut g),
            WireEntry::DelayFired {
                tag: Some("B".into())
            }
        );
        assert!(matches!(
            parse_wire_line("009 SOMETHING", &[], &mut g),
            WireEntry::Unknown { .. }
        ));
    }

    #[test]
    fn wrapped_hex_joins_without_spaces() {
        let a = "a".repeat(100);
        assert_eq!(
            join_wrapped(Some(&a), &["bb ...".into()]),
            format!("{a}bb ...")
        );
        assert_eq!(
            join_wrapped(Some("hello"), &["world".into()]),
            "hello world"
        );
    }
}
