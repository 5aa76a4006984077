//! The pasted-text reader against every real HTML page of the fixtures: each page is turned
//! into the two pasted forms of `fixtures/seeds/` (the text a browser shows: block elements on
//! their own lines, table cells run together, `<pre>` kept verbatim; and the `| a | b |` form),
//! and the record read from each text must equal the record read from the HTML on every field
//! the text carries.

use scraper::{ElementRef, Html};
use std::path::Path;
use wstriage::model::{CaseReport, WireEntry};
use wstriage::parse::folder::find_report_folders;
use wstriage::parse::html::decode_lossy;
use wstriage::parse::{parse_case_file, parse_case_text};

/// Text outside `<pre>`: whitespace runs become one space, as a browser renders them.
fn push_collapsed(t: &str, out: &mut String) {
    let collapsed: Vec<&str> = t.split_whitespace().collect();
    let mut s = collapsed.join(" ");
    if t.starts_with(char::is_whitespace) && !out.ends_with(['\n', ' ']) && !s.is_empty() {
        s.insert(0, ' ');
    }
    if t.ends_with(char::is_whitespace) && !s.is_empty() {
        s.push(' ');
    }
    out.push_str(&s);
}

/// Roughly `innerText`: whitespace collapsed outside `<pre>`, newlines around blocks, no
/// separator between table cells.
fn visible_text(html: &str) -> String {
    fn walk(el: ElementRef<'_>, pre: bool, out: &mut String) {
        let name = el.value().name();
        if matches!(name, "style" | "script" | "head") {
            return;
        }
        let block = matches!(
            name,
            "p" | "h1" | "h2" | "h3" | "div" | "table" | "tr" | "pre" | "center" | "hr"
        );
        if block && !out.ends_with('\n') {
            out.push('\n');
        }
        if name == "br" {
            out.push('\n');
        }
        let pre = pre || name == "pre";
        for c in el.children() {
            if let Some(t) = c.value().as_text() {
                if pre {
                    out.push_str(t);
                } else {
                    let collapsed: Vec<&str> = t.split_whitespace().collect();
                    let mut s = collapsed.join(" ");
                    if t.starts_with(char::is_whitespace)
                        && !out.ends_with(['\n', ' '])
                        && !s.is_empty()
                    {
                        s.insert(0, ' ');
                    }
                    if t.ends_with(char::is_whitespace) && !s.is_empty() {
                        s.push(' ');
                    }
                    out.push_str(&s);
                }
            } else if let Some(e) = ElementRef::wrap(c) {
                walk(e, pre, out);
            }
        }
        if block && !out.ends_with('\n') {
            out.push('\n');
        }
    }
    let doc = Html::parse_document(html);
    let mut out = String::new();
    walk(doc.root_element(), false, &mut out);
    out
}

/// The `| a | b |` form of `fixtures/seeds/000_*.txt`: no section or table headings, table rows
/// as `| a | b |`, each handshake dump flattened onto one line, wire log lines unindented.
fn pipe_text(html: &str) -> String {
    fn walk(el: ElementRef<'_>, out: &mut String) {
        let name = el.value().name();
        if matches!(name, "style" | "script" | "head" | "h2" | "h3") {
            return;
        }
        if name == "tr" {
            let cells: Vec<String> = el
                .children()
                .filter_map(ElementRef::wrap)
                .map(|td| td.text().collect::<String>())
                .collect();
            out.push_str(&format!("| {} |\n", cells.join(" | ")));
            return;
        }
        if name == "pre" {
            let text: String = el.text().collect();
            let class = el.value().attr("class").unwrap_or("");
            let line = if class == "http_dump" {
                text.split_whitespace().collect::<Vec<_>>().join(" ")
            } else {
                text.trim().to_string()
            };
            out.push_str(&line);
            out.push('\n');
            return;
        }
        let block = matches!(name, "p" | "h1" | "div" | "table" | "center");
        if name == "br" || (block && !out.ends_with('\n')) {
            out.push('\n');
        }
        for c in el.children() {
            if let Some(t) = c.value().as_text() {
                push_collapsed(t, out);
            } else if let Some(e) = ElementRef::wrap(c) {
                walk(e, out);
            }
        }
        if block && !out.ends_with('\n') {
            out.push('\n');
        }
    }
    let doc = Html::parse_document(html);
    let mut out = String::new();
    walk(doc.root_element(), &mut out);
    out
}

fn compare(t: &CaseReport, h: &CaseReport) -> Result<(), String> {
    macro_rules! same {
        ($f:ident) => {
            if t.$f != h.$f {
                return Err(format!(
                    "{}: text {:?} != html {:?}",
                    stringify!($f),
                    t.$f,
                    h.$f
                ));
            }
        };
    }
    same!(agent);
    same!(case_id);
    same!(behavior);
    same!(behavior_close);
    same!(duration_ms);
    same!(started);
    same!(result);
    same!(result_close);
    same!(expected);
    same!(observed);
    same!(closing);
    same!(stats);
    let flat = |s: &Option<String>| {
        s.as_deref()
            .map(|s| s.split_whitespace().collect::<Vec<_>>().join(" "))
    };
    if flat(&t.http_request) != flat(&h.http_request)
        || flat(&t.http_response) != flat(&h.http_response)
    {
        return Err(format!(
            "handshake: text {:?} != html {:?}",
            t.http_request, h.http_request
        ));
    }
    same!(suite_version);
    same!(case_index);
    let (tw, hw) = (
        t.wirelog.as_deref().unwrap_or(&[]),
        h.wirelog.as_deref().unwrap_or(&[]),
    );
    if tw.len() != hw.len() {
        return Err(format!(
            "wirelog: {} entries in text, {} in html",
            tw.len(),
            hw.len()
        ));
    }
    for (i, (a, b)) in tw.iter().zip(hw).enumerate() {
        // Visible text cannot keep a payload's leading spaces (they merge with the indent),
        // nor NUL characters (browsers drop them, as the converter here does).
        let ok = match (a, b) {
            (WireEntry::TxFrame { payload: x, .. }, WireEntry::TxFrame { payload: y, .. })
            | (WireEntry::RxFrame { payload: x, .. }, WireEntry::RxFrame { payload: y, .. }) => {
                x.data == y.data.replace('\0', "").trim_start() && x.len == y.len
            }
            _ => a == b,
        };
        if !ok {
            return Err(format!("wirelog[{i}]: text {a:?} != html {b:?}"));
        }
    }
    Ok(())
}

#[test]
fn both_text_forms_of_every_real_page_read_like_the_page() {
    // WSTRIAGE_COMPARE_DIR points the same check at any other tree of report folders.
    let root = std::env::var_os("WSTRIAGE_COMPARE_DIR")
        .map(std::path::PathBuf::from)
        .unwrap_or_else(|| Path::new(env!("CARGO_MANIFEST_DIR")).join("fixtures"));
    let (folders, _) = find_report_folders(&root);
    let mut pages = 0;
    let mut failures = Vec::new();
    for folder in folders {
        for cf in folder.case_files.iter().filter(|c| c.html) {
            let bytes = std::fs::read(&cf.path).unwrap();
            let h = parse_case_file(&cf.path).unwrap();
            let html = decode_lossy(&bytes);
            pages += 1;
            for (form, text) in [("visible", visible_text(&html)), ("pipe", pipe_text(&html))] {
                match parse_case_text(&text, &cf.path) {
                    Ok(t) => {
                        if let Err(m) = compare(&t, &h) {
                            failures.push(format!("{} ({form}): {m}", cf.path.display()));
                        }
                    }
                    Err(e) => failures.push(format!("({form}) {e}")),
                }
            }
        }
    }
    assert!(pages > 800, "{pages}");
    assert!(
        failures.is_empty(),
        "{} of {pages} pages differ; first: {:#?}",
        failures.len(),
        &failures[..failures.len().min(6)]
    );
}
