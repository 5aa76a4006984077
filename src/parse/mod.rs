//! Every input form → [`crate::model`]: report folders (and trees of them), `index.json`,
//! per-case JSON, per-case HTML and pasted page text (file or standard input).
//!
//! Loading never stops at the first bad file: each input that cannot be read gives one
//! [`crate::Error`] naming it, and everything else still loads ([`Loaded`]).

pub mod folder;
pub mod html;
pub mod index;
pub mod json;
pub mod page;
pub mod pylit;
pub mod text;

use crate::error::{Error, Result};
use crate::model::{CaseReport, CaseSummary, Run, RunMode};
use crate::select::CaseSelector;
use folder::{clean_for_filename, ReportFolder};
use std::collections::HashSet;
use std::io::Read;
use std::path::{Path, PathBuf};
use std::sync::OnceLock;

/// What a load produced: the items that loaded, and one error per input that did not
/// (a broken file among hundreds is reported; the rest still load).
#[derive(Debug)]
pub struct Loaded<T> {
    pub items: Vec<T>,
    pub errors: Vec<Error>,
}

impl<T> Default for Loaded<T> {
    fn default() -> Self {
        Loaded {
            items: Vec::new(),
            errors: Vec::new(),
        }
    }
}

/// The input forms a case file can take; detected from the content, not the extension.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum InputFormat {
    Json,
    Html,
    Text,
}

/// Largest input accepted from one file or stdin; a case file is tens of KB, a 9.x/12.x page
/// rarely above 1 MB.
const MAX_INPUT: u64 = 256 * 1024 * 1024;

/// The suite version in an HTTP dump (`Server:`/`User-Agent: AutobahnTestSuite/25.10.1-0.10.9`).
pub fn suite_version_in(text: &str) -> Option<String> {
    static RE: OnceLock<regex::Regex> = OnceLock::new();
    let re = RE.get_or_init(|| {
        regex::Regex::new(r"AutobahnTestSuite/([0-9]+(?:\.[0-9]+)+)").expect("static regex")
    });
    re.captures(text).map(|c| c[1].to_string())
}

/// The suite version in the index.html banner (`Autobahn WebSocket Testsuite</a> v0.8.2/v0.10.9`).
pub fn suite_version_in_banner(text: &str) -> Option<String> {
    static RE: OnceLock<regex::Regex> = OnceLock::new();
    let re = RE.get_or_init(|| {
        regex::Regex::new(r"Testsuite</a>\s*v([0-9]+(?:\.[0-9]+)+)/v").expect("static regex")
    });
    re.captures(text).map(|c| c[1].to_string())
}

/// Whether `name` selects `agent`: the exact name, or the same file-name form
/// (so `--agent tarantool_1_10` finds `Tarantool/1.10`).
pub fn agent_matches(filter: Option<&str>, agent: &str) -> bool {
    match filter {
        None => true,
        Some(f) => f == agent || clean_for_filename(f) == clean_for_filename(agent),
    }
}

fn read_limited(path: &Path) -> Result<Vec<u8>> {
    let file = std::fs::File::open(path).map_err(|e| Error::io(path, e))?;
    let mut buf = Vec::new();
    file.take(MAX_INPUT + 1)
        .read_to_end(&mut buf)
        .map_err(|e| Error::io(path, e))?;
    if buf.len() as u64 > MAX_INPUT {
        return Err(Error::input(
            path,
            "file too large for a report (over 256 MiB)",
        ));
    }
    Ok(buf)
}

/// Reads at most `limit` bytes from the start of a file (used to peek at versions and modes
/// without parsing whole files).
fn read_prefix(path: &Path, limit: u64) -> Option<Vec<u8>> {
    let file = std::fs::File::open(path).ok()?;
    let mut buf = Vec::new();
    file.take(limit).read_to_end(&mut buf).ok()?;
    Some(buf)
}

/// Detects the form of a case input from its first bytes. Errors for empty, binary and
/// UTF-16 input name the file.
pub fn detect_format(bytes: &[u8], path: &Path) -> Result<InputFormat> {
    if bytes.starts_with(&[0xFF, 0xFE]) || bytes.starts_with(&[0xFE, 0xFF]) {
        return Err(Error::input(
            path,
            "UTF-16 text: save the report as UTF-8 (as the suite writes it)",
        ));
    }
    let body = bytes.strip_prefix(&[0xEF, 0xBB, 0xBF]).unwrap_or(bytes);
    let start = body.iter().position(|b| !b.is_ascii_whitespace());
    let Some(start) = start else {
        return Err(Error::input(path, "empty input: no report in it"));
    };
    let head = &body[start..body.len().min(start + 4096)];
    if head.contains(&0) {
        return Err(Error::input(path, "binary data, not an Autobahn report"));
    }
    let controls = head
        .iter()
        .filter(|&&b| b < 0x20 && !matches!(b, b'\n' | b'\r' | b'\t' | 0x0c))
        .count();
    if controls * 20 > head.len() {
        return Err(Error::input(path, "binary data, not an Autobahn report"));
    }
    // `[` opens JSON only when a JSON value follows (not `[package]` or `[Section]`).
    let after = head[1..].iter().find(|b| !b.is_ascii_whitespace());
    let json_array = head[0] == b'['
        && after.is_some_and(|b| matches!(b, b'[' | b'{' | b'"' | b']' | b'-' | b'0'..=b'9'));
    if head[0] == b'{' || json_array {
        return Ok(InputFormat::Json);
    }
    let lower: Vec<u8> = head[..head.len().min(1024)].to_ascii_lowercase();
    let has = |needle: &[u8]| lower.windows(needle.len()).any(|w| w == needle);
    if head[0] == b'<' || has(b"<!doctype") || has(b"<html") {
        return Ok(InputFormat::Html);
    }
    Ok(InputFormat::Text)
}

/// One case from the bytes of a file or stdin, in any form.
pub fn parse_case_bytes(bytes: &[u8], path: &Path) -> Result<CaseReport> {
    match detect_format(bytes, path)? {
        InputFormat::Json => {
            let text = std::str::from_utf8(bytes).map_err(|e| {
                Error::input(
                    path,
                    format!("JSON is not valid UTF-8 (byte {})", e.valid_up_to()),
                )
            })?;
            let text = text.trim_start_matches('\u{feff}');
            if looks_like_index(text) {
                return Err(Error::input(
                    path,
                    "this is an index.json (a run's summary), not a case report; pass its folder",
                ));
            }
            json::parse_case_json(text, path)
        }
        InputFormat::Html => html::parse_case_html(bytes, path),
        InputFormat::Text => {
            let text = std::str::from_utf8(bytes).map_err(|e| {
                Error::input(
                    path,
                    format!(
                        "text is not valid UTF-8 at byte {} (wrong encoding? save it as UTF-8)",
                        e.valid_up_to()
                    ),
                )
            })?;
            parse_case_text(text.trim_start_matches('\u{feff}'), path)
        }
    }
}

/// An index.json maps agent → case → row, so its first top-level value is an object; a case
/// report's first key (`agent`, keys are sorted) holds a string.
fn looks_like_index(text: &str) -> bool {
    let b = text.trim_start().as_bytes();
    if b.first() != Some(&b'{') {
        return false;
    }
    let mut i = 1;
    while b.get(i).is_some_and(|c| c.is_ascii_whitespace()) {
        i += 1;
    }
    if b.get(i) != Some(&b'"') {
        return false;
    }
    i += 1;
    while let Some(&c) = b.get(i) {
        match c {
            b'\\' => i += 2,
            b'"' => break,
            _ => i += 1,
        }
    }
    i += 1;
    while b
        .get(i)
        .is_some_and(|c| c.is_ascii_whitespace() || *c == b':')
    {
        i += 1;
    }
    b.get(i) == Some(&b'{')
}

/// One case file of any form (format detected from content, not only the extension).
pub fn parse_case_file(path: &Path) -> Result<CaseReport> {
    let bytes = read_limited(path)?;
    parse_case_bytes(&bytes, path)
}

/// Pasted page text (both seed forms).
pub fn parse_case_text(text: &str, source: &Path) -> Result<CaseReport> {
    text::parse_case_text(text, source)
}

/// Reads standard input fully (for `-`).
fn read_stdin() -> Result<Vec<u8>> {
    let mut buf = Vec::new();
    std::io::stdin()
        .take(MAX_INPUT + 1)
        .read_to_end(&mut buf)
        .map_err(|e| Error::io("-", e))?;
    if buf.len() as u64 > MAX_INPUT {
        return Err(Error::input(
            "-",
            "input too large for a report (over 256 MiB)",
        ));
    }
    Ok(buf)
}

/// The report folders under `path` (itself, or a tree of them); a folder holding none is one
/// error naming it, so a typo in a path is never an empty pass.
fn report_folders_in(path: &Path, errors: &mut Vec<Error>) -> Vec<folder::ReportFolder> {
    let (folders, found_errors) = folder::find_report_folders(path);
    errors.extend(found_errors);
    if folders.is_empty() {
        errors.push(Error::input(
            path,
            "no Autobahn report here (no index.json and no <agent>_case_<id>.json/.html files)",
        ));
    }
    folders
}

/// Index-level view of report folders (or trees of them): reads index.json only, falls back to
/// the case files when it is missing. One Run per report folder found.
pub fn load_runs(paths: &[PathBuf]) -> Loaded<Run> {
    let mut out = Loaded::default();
    for path in paths {
        if path.as_os_str() == "-" {
            match read_stdin().and_then(|b| run_from_stdin(&b)) {
                Ok(run) => out.items.push(run),
                Err(e) => out.errors.push(e),
            }
            continue;
        }
        if path.is_dir() {
            for f in report_folders_in(path, &mut out.errors) {
                out.items.push(run_from_folder(&f, &mut out.errors));
            }
        } else if !path.exists() {
            out.errors
                .push(Error::input(path, "no such file or folder"));
        } else if folder::is_index_name(path) {
            let dir = path.parent().map(Path::to_path_buf).unwrap_or_default();
            let f = ReportFolder {
                dir,
                indexes: vec![path.clone()],
                ..Default::default()
            };
            out.items.push(run_from_folder(&f, &mut out.errors));
        } else {
            match parse_case_file(path) {
                Ok(report) => out.items.push(Run {
                    root: path.clone(),
                    suite_version: report.suite_version.clone(),
                    mode: report.closing.as_ref().map(|c| mode_of(c.is_server)),
                    cases: vec![report.summary()],
                }),
                Err(e) => out.errors.push(e),
            }
        }
    }
    out
}

fn mode_of(fuzzer_is_server: bool) -> RunMode {
    if fuzzer_is_server {
        RunMode::Clients
    } else {
        RunMode::Servers
    }
}

fn run_from_stdin(bytes: &[u8]) -> Result<Run> {
    let path = Path::new("-");
    let text = std::str::from_utf8(bytes).map_err(|_| Error::input(path, "not valid UTF-8"))?;
    if looks_like_index(text) {
        let (cases, errors) = index::parse_index(text, path);
        if let Some(e) = errors.into_iter().next() {
            return Err(e);
        }
        return Ok(Run {
            root: path.to_path_buf(),
            suite_version: None,
            mode: None,
            cases,
        });
    }
    let report = parse_case_bytes(bytes, path)?;
    Ok(Run {
        root: path.to_path_buf(),
        suite_version: report.suite_version.clone(),
        mode: report.closing.as_ref().map(|c| mode_of(c.is_server)),
        cases: vec![report.summary()],
    })
}

/// Rows of a folder from its index(es); without one, from its case files.
fn run_from_folder(f: &ReportFolder, errors: &mut Vec<Error>) -> Run {
    let mut cases: Vec<CaseSummary> = Vec::new();
    if !f.indexes.is_empty() {
        let mut seen = HashSet::new();
        for idx in &f.indexes {
            let bytes = match read_limited(idx) {
                Ok(b) => b,
                Err(e) => {
                    errors.push(e);
                    continue;
                }
            };
            let text = String::from_utf8_lossy(&bytes);
            let (rows, errs) = index::parse_index(&text, idx);
            errors.extend(errs);
            for r in rows {
                if seen.insert((r.agent.clone(), r.case_id.clone())) {
                    cases.push(r);
                }
            }
        }
    } else {
        for cf in preferred_case_files(f) {
            match parse_case_file(&cf.path) {
                Ok(report) => {
                    let mut row = report.summary();
                    row.report_file = cf
                        .path
                        .file_name()
                        .map(|n| n.to_string_lossy().into_owned());
                    cases.push(row);
                }
                Err(e) => errors.push(e),
            }
        }
    }
    cases.sort_by(|a, b| {
        a.agent
            .cmp(&b.agent)
            .then_with(|| a.case_id.cmp(&b.case_id))
    });
    let (peek_version, peek_server) = peek_folder(f);
    Run {
        root: f.dir.clone(),
        suite_version: peek_version,
        mode: peek_server.map(mode_of),
        cases,
    }
}

/// One file per (agent, case): the JSON when present, else the HTML.
fn preferred_case_files(f: &ReportFolder) -> Vec<&folder::CaseFile> {
    // case_files is sorted by (agent_file, case_id, html): JSON comes first for each pair.
    let mut out: Vec<&folder::CaseFile> = Vec::new();
    for cf in &f.case_files {
        if let Some(last) = out.last() {
            if last.agent_file == cf.agent_file && last.case_id == cf.case_id {
                continue;
            }
        }
        out.push(cf);
    }
    out
}

/// The suite version and run mode, from the index.html banner and the head of one case file.
/// Cheap (reads at most 64 KiB of each) and best-effort: a damaged file just leaves them unknown.
fn peek_folder(f: &ReportFolder) -> (Option<String>, Option<bool>) {
    static SERVER_JSON: OnceLock<regex::Regex> = OnceLock::new();
    static SERVER_HTML: OnceLock<regex::Regex> = OnceLock::new();
    let mut version = f
        .index_html
        .as_deref()
        .and_then(|p| read_prefix(p, 64 * 1024))
        .and_then(|b| suite_version_in_banner(&String::from_utf8_lossy(&b)));
    let mut server = None;
    if let Some(cf) = f.case_files.first() {
        if let Some(bytes) = read_prefix(&cf.path, 64 * 1024) {
            let text = String::from_utf8_lossy(&bytes);
            if version.is_none() {
                version = suite_version_in(&text);
            }
            let re = if cf.html {
                SERVER_HTML.get_or_init(|| {
                    regex::Regex::new(r"<td>isServer</td>\s*<td[^>]*>(True|False)<")
                        .expect("static regex")
                })
            } else {
                SERVER_JSON.get_or_init(|| {
                    regex::Regex::new(r#""isServer":\s*(true|false)"#).expect("static regex")
                })
            };
            server = re
                .captures(&text)
                .map(|c| c[1].eq_ignore_ascii_case("true"));
        }
    }
    (version, server)
}

/// Full records from folders, case files (.json/.html), pasted text files, or "-" (stdin);
/// `select` filters by case id, `agent` by agent name, before expensive parsing where possible.
pub fn load_reports(
    paths: &[PathBuf],
    agent: Option<&str>,
    select: &CaseSelector,
) -> Loaded<CaseReport> {
    let mut out = Loaded::default();
    let keep = |r: &CaseReport| agent_matches(agent, &r.agent) && select.selects(&r.case_id);
    for path in paths {
        if path.as_os_str() == "-" {
            match read_stdin().and_then(|b| parse_case_bytes(&b, Path::new("-"))) {
                Ok(r) if keep(&r) => out.items.push(r),
                Ok(_) => {}
                Err(e) => out.errors.push(e),
            }
            continue;
        }
        if path.is_dir() {
            for f in report_folders_in(path, &mut out.errors) {
                load_folder_reports(&f, agent, select, &mut out);
            }
        } else if !path.exists() {
            out.errors
                .push(Error::input(path, "no such file or folder"));
        } else if folder::is_index_name(path) {
            let dir = path.parent().map(Path::to_path_buf).unwrap_or_default();
            let (mut f, _) = match folder::scan_dir(if dir.as_os_str().is_empty() {
                Path::new(".")
            } else {
                &dir
            }) {
                Ok((Some(f), sub)) => (f, sub),
                Ok((None, _)) => (ReportFolder::default(), Vec::new()),
                Err(e) => {
                    out.errors.push(e);
                    continue;
                }
            };
            f.dir = dir;
            f.indexes = vec![path.clone()];
            load_folder_reports(&f, agent, select, &mut out);
        } else {
            match parse_case_file(path) {
                Ok(r) if keep(&r) => out.items.push(r),
                Ok(_) => {}
                Err(e) => out.errors.push(e),
            }
        }
    }
    out
}

/// The case files of one folder, chosen through its index (so agent and case filters apply
/// before any case file is parsed), or by file name when there is no index.
fn load_folder_reports(
    f: &ReportFolder,
    agent: Option<&str>,
    select: &CaseSelector,
    out: &mut Loaded<CaseReport>,
) {
    let mut wanted: Vec<PathBuf> = Vec::new();
    let mut index_only: Vec<CaseReport> = Vec::new();
    if !f.indexes.is_empty() {
        let run = run_from_folder(
            &ReportFolder {
                dir: f.dir.clone(),
                indexes: f.indexes.clone(),
                ..Default::default()
            },
            &mut out.errors,
        );
        for row in run.cases {
            if !agent_matches(agent, &row.agent) || !select.selects(&row.case_id) {
                continue;
            }
            let json_name = row.report_file.clone().unwrap_or_else(|| {
                format!(
                    "{}_case_{}.json",
                    clean_for_filename(&row.agent),
                    row.case_id.file_form()
                )
            });
            let json_path = f.dir.join(&json_name);
            let html_path = json_path.with_extension("html");
            if json_path.is_file() {
                wanted.push(json_path);
            } else if html_path.is_file() {
                wanted.push(html_path);
            } else {
                // Projects often commit index.json with only a few case files (undici does):
                // the row is all that is known, and the record says so instead of failing.
                let index_path = f.indexes.first().cloned().unwrap_or_default();
                index_only.push(index::report_from_row(&row, &index_path, &json_name));
            }
        }
    } else {
        let agent_file = agent.map(clean_for_filename);
        for cf in preferred_case_files(f) {
            if agent_file.as_ref().is_some_and(|a| *a != cf.agent_file)
                || !select.selects(&cf.case_id)
            {
                continue;
            }
            wanted.push(cf.path.clone());
        }
    }
    for p in wanted {
        match parse_case_file(&p) {
            Ok(r) => {
                if agent_matches(agent, &r.agent) && select.selects(&r.case_id) {
                    out.items.push(r)
                }
            }
            Err(e) => out.errors.push(e),
        }
    }
    out.items.extend(index_only);
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn versions_come_from_headers_and_banner() {
        assert_eq!(
            suite_version_in("HTTP/1.1 101\r\nServer: AutobahnTestSuite/25.10.1-0.10.9\r\n")
                .as_deref(),
            Some("25.10.1")
        );
        assert_eq!(
            suite_version_in("User-Agent: AutobahnTestSuite/0.7.6-0.10.9").as_deref(),
            Some("0.7.6")
        );
        assert_eq!(suite_version_in("Server: nginx"), None);
        assert_eq!(
            suite_version_in_banner("Testsuite</a> v0.8.2/v0.10.9.</p>").as_deref(),
            Some("0.8.2")
        );
    }

    #[test]
    fn format_detection_reads_content() {
        let p = Path::new("f");
        assert_eq!(detect_format(b"  {\"a\":1}", p).unwrap(), InputFormat::Json);
        assert_eq!(
            detect_format(b"<!DOCTYPE html>\n<html>", p).unwrap(),
            InputFormat::Html
        );
        assert_eq!(
            detect_format(b"agent - Case 1.1.1 : Pass", p).unwrap(),
            InputFormat::Text
        );
        assert!(detect_format(b"", p)
            .unwrap_err()
            .to_string()
            .contains("empty"));
        assert!(detect_format(b"\x00\x01\x02PK", p)
            .unwrap_err()
            .to_string()
            .contains("binary"));
        assert!(detect_format(b"\xff\xfea\x00", p)
            .unwrap_err()
            .to_string()
            .contains("UTF-16"));
    }

    #[test]
    fn agent_filter_accepts_file_form() {
        assert!(agent_matches(Some("Tarantool/1.10"), "Tarantool/1.10"));
        assert!(agent_matches(Some("tarantool_1_10"), "Tarantool/1.10"));
        assert!(!agent_matches(Some("tarantool"), "Tarantool/1.10"));
        assert!(agent_matches(None, "x"));
    }
}
