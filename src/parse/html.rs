//! Per-case HTML pages (`fuzzing.py` `createAgentCaseReportHTML`), read with `scraper`.
//!
//! What the page does to the data, and how it is undone here:
//! * It declares UTF-8 but writes payloads of the invalid-UTF-8 cases as raw bytes (Python 2
//!   encodes lone surrogates as `ED A0..BF xx`): the bytes are decoded leniently, each such
//!   surrogate sequence becoming one U+FFFD, as the JSON reader does with `\udxxx`.
//! * RX FRAME `MASK=` is hex of the hex string (undone in [`super::page::undo_double_hex`]).
//! * Expected/Observed are Python reprs cut at 1000 characters ([`super::pylit`]).
//! * Handshake dumps are stripped and their CR LF become LF in any HTML parser: CR LF is restored.
//! * UNIMPLEMENTED shows as "Fail" ([`super::page`] decides from the page's other content).

use super::page::{is_wire_head, Page};
use crate::error::{Error, Result};
use crate::model::{CaseReport, SourceFormat};
use scraper::{ElementRef, Html, Node, Selector};
use std::path::Path;
use std::sync::OnceLock;

/// Lossy UTF-8 decoding where an encoded surrogate (`ED A0..BF 80..BF`, which Python 2 writes
/// for lone surrogates) becomes a single U+FFFD; other invalid bytes become U+FFFD each.
pub fn decode_lossy(bytes: &[u8]) -> String {
    let mut out = String::with_capacity(bytes.len());
    let mut rest = bytes;
    loop {
        match std::str::from_utf8(rest) {
            Ok(s) => {
                out.push_str(s);
                return out;
            }
            Err(e) => {
                let (good, bad) = rest.split_at(e.valid_up_to());
                // Safe: the prefix up to valid_up_to is valid UTF-8.
                out.push_str(std::str::from_utf8(good).unwrap_or_default());
                out.push('\u{fffd}');
                let skip = if bad.len() >= 3
                    && bad[0] == 0xED
                    && (0xA0..=0xBF).contains(&bad[1])
                    && (0x80..=0xBF).contains(&bad[2])
                {
                    3
                } else {
                    e.error_len().unwrap_or(bad.len()).max(1)
                };
                rest = &bad[skip.min(bad.len())..];
            }
        }
    }
}

fn sel(cell: &'static OnceLock<Selector>, css: &str) -> &'static Selector {
    cell.get_or_init(|| Selector::parse(css).expect("static selector"))
}

/// The element's content after its leading `<b>Title</b><br/><br/>`, with `<br>`/`<b>` tags
/// written back as the suite wrote them (descriptions carry HTML such as `<br>`).
fn block_content(el: ElementRef<'_>) -> String {
    let mut out = String::new();
    let mut skipping = true;
    let mut seen_title = false;
    let mut brs = 0;
    for child in el.children() {
        if skipping {
            match child.value() {
                // Indentation before the title (the outcome block starts on a new line).
                Node::Text(t) if !seen_title && t.trim().is_empty() => continue,
                Node::Element(e) if e.name() == "b" && brs == 0 => {
                    seen_title = true;
                    continue;
                }
                Node::Element(e) if e.name() == "br" && brs < 2 => {
                    brs += 1;
                    if brs == 2 {
                        skipping = false;
                    }
                    continue;
                }
                _ => skipping = false,
            }
        }
        if let Some(t) = child.value().as_text() {
            out.push_str(t);
        } else if let Some(e) = ElementRef::wrap(child) {
            serialize(e, &mut out);
        }
    }
    restore_nul(out)
}

fn serialize(el: ElementRef<'_>, out: &mut String) {
    let name = el.value().name();
    out.push('<');
    out.push_str(name);
    out.push('>');
    if matches!(name, "br" | "hr" | "img") {
        return;
    }
    for c in el.children() {
        if let Some(t) = c.value().as_text() {
            out.push_str(t);
        } else if let Some(e) = ElementRef::wrap(c) {
            serialize(e, out);
        }
    }
    out.push_str("</");
    out.push_str(name);
    out.push('>');
}

/// HTML parsers drop U+0000 from text, but payloads such as 6.7.1's and 7.9.1's are NULs: they
/// are swapped for a private-use character before parsing and swapped back in every text read.
const NUL_STAND_IN: char = '\u{10FFFD}';

fn restore_nul(s: String) -> String {
    if s.contains(NUL_STAND_IN) {
        s.replace(NUL_STAND_IN, "\0")
    } else {
        s
    }
}

fn text_of(el: ElementRef<'_>) -> String {
    restore_nul(el.text().collect())
}

/// Parses one case page from its raw bytes.
pub fn parse_case_html(bytes: &[u8], path: &Path) -> Result<CaseReport> {
    let mut text = decode_lossy(bytes);
    if text.contains('\0') {
        text = text.replace('\0', &NUL_STAND_IN.to_string());
    }
    let page = read_page(&text);
    if page.header.is_none() {
        return Err(Error::input(
            path,
            "HTML without an Autobahn case header (<p class=\"case …\">AGENT - Case X : …</p>): not a case page",
        ));
    }
    super::page::build_report(page, path, SourceFormat::Html)
}

fn read_page(text: &str) -> Page {
    static HEADER: OnceLock<Selector> = OnceLock::new();
    static DESC: OnceLock<Selector> = OnceLock::new();
    static EXPECT: OnceLock<Selector> = OnceLock::new();
    static OUTCOME: OnceLock<Selector> = OnceLock::new();
    static PICKLE: OnceLock<Selector> = OnceLock::new();
    static CLOSING: OnceLock<Selector> = OnceLock::new();
    static DUMP: OnceLock<Selector> = OnceLock::new();
    static TABLE: OnceLock<Selector> = OnceLock::new();
    static TR: OnceLock<Selector> = OnceLock::new();
    static TD: OnceLock<Selector> = OnceLock::new();
    static WIRE: OnceLock<Selector> = OnceLock::new();
    static DISABLED: OnceLock<Selector> = OnceLock::new();
    let doc = Html::parse_document(text);
    let first = |s: &Selector| doc.select(s).next();
    let mut page = Page {
        header: first(sel(&HEADER, "p.case")).map(|e| text_of(e).trim().to_string()),
        description: first(sel(&DESC, "p.case_desc")).map(block_content),
        expectation: first(sel(&EXPECT, "p.case_expect")).map(block_content),
        ..Default::default()
    };
    if let Some(outcome) = first(sel(&OUTCOME, "p.case_outcome")) {
        // The result is the text right after the title's two <br/>.
        let content = block_content(outcome);
        page.result = content.split("<br>").next().map(|s| s.trim().to_string());
        let mut pickles = outcome.select(sel(&PICKLE, "span.case_pickle"));
        page.expected = pickles.next().map(text_of);
        page.observed = pickles.next().map(text_of);
    }
    page.closing_line =
        first(sel(&CLOSING, "p.case_closing_beh")).map(|e| block_content(e).trim().to_string());
    let mut dumps = doc.select(sel(&DUMP, "pre.http_dump"));
    let crlf = |e: ElementRef<'_>| text_of(e).replace("\r\n", "\n").replace('\n', "\r\n");
    page.http_request = dumps.next().map(crlf);
    page.http_response = dumps.next().map(crlf);
    let stats_disabled = doc
        .select(sel(&DISABLED, "p i"))
        .any(|i| text_of(i).contains("Statistics for octets/frames disabled"));
    let mut octet_tables: Vec<Vec<(u64, u64)>> = Vec::new();
    let mut frame_tables: Vec<Vec<(u64, u64)>> = Vec::new();
    for table in doc.select(sel(&TABLE, "table")) {
        let rows: Vec<Vec<String>> = table
            .select(sel(&TR, "tr"))
            .map(|tr| tr.select(sel(&TD, "td")).map(text_of).collect())
            .collect();
        let Some(head) = rows.first() else { continue };
        let head: Vec<&str> = head.iter().map(|s| s.trim()).collect();
        let body = rows[1..]
            .iter()
            .filter(|r| r.first().is_some_and(|c| c.trim() != "Total"));
        match head.as_slice() {
            ["Key", "Value", "Description"] => {
                page.closing_rows = body
                    .filter(|r| r.len() >= 2)
                    .map(|r| (r[0].trim().to_string(), r[1].clone()))
                    .collect();
            }
            ["Chop Size", "Count", "Octets"] => octet_tables.push(
                body.filter_map(|r| {
                    Some((
                        r.first()?.trim().parse().ok()?,
                        r.get(1)?.trim().parse().ok()?,
                    ))
                })
                .collect(),
            ),
            ["Opcode", "Count"] => frame_tables.push(
                body.filter_map(|r| {
                    Some((
                        r.first()?.trim().parse().ok()?,
                        r.get(1)?.trim().parse().ok()?,
                    ))
                })
                .collect(),
            ),
            _ => {}
        }
    }
    if !stats_disabled && octet_tables.len() == 2 && frame_tables.len() == 2 {
        let mut o = octet_tables.into_iter();
        let mut f = frame_tables.into_iter();
        page.stats = Some([
            o.next().unwrap_or_default(),
            o.next().unwrap_or_default(),
            f.next().unwrap_or_default(),
            f.next().unwrap_or_default(),
        ]);
    }
    for pre in doc.select(sel(&WIRE, "#wirelog pre")) {
        let line = text_of(pre);
        if is_wire_head(&line) {
            page.wirelog.push((line.trim().to_string(), Vec::new()));
        } else if let Some((_, cont)) = page.wirelog.last_mut() {
            cont.push(strip_indent(&line).to_string());
        }
    }
    page.wirelog_disabled = text.contains("Wire log after handshake disabled");
    page
}

/// Continuation lines are indented by 15 spaces (`(2+4+len(prefix))*" "`); only that indent
/// is removed, so a payload's own leading spaces stay.
pub fn strip_indent(line: &str) -> &str {
    let spaces = line.bytes().take(15).take_while(|&b| b == b' ').count();
    &line[spaces..]
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn encoded_surrogates_become_one_replacement_character() {
        assert_eq!(decode_lossy(b"a\xed\xa0\x80b"), "a\u{fffd}b");
        assert_eq!(
            decode_lossy(b"\xce\xba\xe1\xbd\xb9\xed\xa0\x80edited"),
            "\u{3ba}\u{1f79}\u{fffd}edited"
        );
        assert_eq!(decode_lossy(b"x\xffy\xc3"), "x\u{fffd}y\u{fffd}");
        assert_eq!(decode_lossy("ok \u{fffff}".as_bytes()), "ok \u{fffff}");
    }
}
