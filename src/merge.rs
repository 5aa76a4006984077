//! Merge shards of one wstest run into one report folder.
//!
//! Parallel CI jobs each run a slice of the cases (`"cases": ["1.*"]`, `["2.*"]`, …) against the
//! same agents and each write a report folder. [`merge_reports`] turns those folders into the one
//! folder the unsharded run would have written: every per-case file copied, `index.json`
//! rewritten byte for byte as wstest writes it (`fuzzing.py` `createMasterReportJSON`:
//! `json.dumps(res, sort_keys=True, indent=3, separators=(',', ': '))` under Python 2.7, no
//! trailing newline), and `index.html` merged cell by cell from the shards' own pages.
//!
//! The output folder appears atomically: everything is written into a temporary folder beside
//! it and renamed into place at the end, so a failed merge never leaves a half-filled report
//! that a later `diff` or `gate` would read as a (smaller) run.

use crate::error::{Error, Result};
use serde_json::{Map, Value};
use std::collections::{BTreeMap, BTreeSet};
use std::fs;
use std::path::{Path, PathBuf};

/// What a merge did.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct MergeSummary {
    /// The folder written.
    pub out: PathBuf,
    /// Number of shard folders read.
    pub shards: usize,
    /// Agents in the merged index, sorted.
    pub agents: Vec<String>,
    /// Rows (agent × case) in the merged index.json.
    pub cases: usize,
    /// Per-case files copied (JSON and HTML).
    pub files_copied: usize,
    /// Cases present in more than one shard, and which shard's result was kept
    /// (only with `prefer_newer`; otherwise overlaps are an error).
    pub overlaps: Vec<Overlap>,
    /// How index.html was produced.
    pub index_html: IndexHtml,
    /// Things that did not stop the merge but that a user should know (a per-case file an
    /// index row names but the shard lacks, …).
    pub warnings: Vec<String>,
}

/// One (agent, case) found in several shards.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct Overlap {
    pub agent: String,
    pub case_id: String,
    /// Every shard that had it, in command-line order.
    pub shards: Vec<PathBuf>,
    /// The shard whose result was kept.
    pub kept: PathBuf,
}

/// How the merged index.html came about.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "snake_case")]
pub enum IndexHtml {
    /// The shards' own pages (same suite version, same agents) merged cell by cell: the
    /// result is the page the unsharded run would have written, except the "generated on"
    /// time, which is the first shard's.
    Merged,
    /// The shards' pages could not be lined up (different suite versions or agent sets), so a
    /// plain page listing every case and verdict was generated instead.
    Generated { reason: String },
    /// No shard had an index.html.
    None,
}

/// Merges the report folders `shards` (one run split by cases) into the new folder `out`.
///
/// `out` must not exist, or be an empty folder. An (agent, case) present in two shards is an
/// error unless `prefer_newer`, in which case the result whose case file has the later
/// `started` time is kept (ties and unreadable times: the shard named later wins).
pub fn merge_reports(out: &Path, shards: &[PathBuf], prefer_newer: bool) -> Result<MergeSummary> {
    if shards.is_empty() {
        return Err(Error::Usage("merge needs at least one shard folder".into()));
    }
    check_output_folder(out, shards)?;

    let indexes: Vec<BTreeMap<String, Map<String, Value>>> = shards
        .iter()
        .map(|s| read_index(s))
        .collect::<Result<_>>()?;

    // (agent, case) → indexes of the shards that have it, in command-line order.
    let mut owners: BTreeMap<(String, String), Vec<usize>> = BTreeMap::new();
    for (i, index) in indexes.iter().enumerate() {
        for (agent, cases) in index {
            for case_id in cases.keys() {
                owners
                    .entry((agent.clone(), case_id.clone()))
                    .or_default()
                    .push(i);
            }
        }
    }

    let overlapping: Vec<(&(String, String), &Vec<usize>)> =
        owners.iter().filter(|(_, v)| v.len() > 1).collect();
    if !overlapping.is_empty() && !prefer_newer {
        let shown: Vec<String> = overlapping
            .iter()
            .take(5)
            .map(|((agent, case), who)| {
                let names: Vec<String> = who
                    .iter()
                    .map(|&i| shards[i].display().to_string())
                    .collect();
                format!("{agent} case {case} (in {})", names.join(", "))
            })
            .collect();
        let more = if overlapping.len() > 5 {
            format!(" and {} more", overlapping.len() - 5)
        } else {
            String::new()
        };
        return Err(Error::Usage(format!(
            "shards overlap: {}{more}; shards of one run must hold disjoint cases \
             (use --prefer newer to keep the most recent result)",
            shown.join("; ")
        )));
    }

    // Decide the winner of every (agent, case).
    let mut winner: BTreeMap<(String, String), usize> = BTreeMap::new();
    let mut overlaps = Vec::new();
    for (key, who) in &owners {
        let kept = if who.len() == 1 {
            who[0]
        } else {
            let kept = newest(key, who, shards, &indexes);
            overlaps.push(Overlap {
                agent: key.0.clone(),
                case_id: key.1.clone(),
                shards: who.iter().map(|&i| shards[i].clone()).collect(),
                kept: shards[kept].clone(),
            });
            kept
        };
        winner.insert(key.clone(), kept);
    }

    // The merged index: each row as its winning shard wrote it.
    let mut merged: Map<String, Value> = Map::new();
    for ((agent, case_id), &i) in &winner {
        let row = indexes[i][agent][case_id].clone();
        merged
            .entry(agent.clone())
            .or_insert_with(|| Value::Object(Map::new()))
            .as_object_mut()
            .expect("agent entries are objects")
            .insert(case_id.clone(), row);
    }
    let index_json = py2_json_dumps(&Value::Object(merged.clone()));

    // Build everything in a temporary folder beside `out`, then rename it into place.
    let parent = match out.parent() {
        Some(p) if !p.as_os_str().is_empty() => p.to_path_buf(),
        _ => PathBuf::from("."),
    };
    fs::create_dir_all(&parent).map_err(|e| Error::io(&parent, e))?;
    let staging = tempfile::Builder::new()
        .prefix(".wstriage-merge-")
        .tempdir_in(&parent)
        .map_err(|e| Error::io(&parent, e))?;

    let mut warnings = Vec::new();
    let mut files_copied = 0usize;
    let mut copied: BTreeSet<String> = BTreeSet::new();
    // Per shard: case files its index.json names but the folder lacks (one warning each).
    let mut missing: Vec<Vec<String>> = vec![Vec::new(); shards.len()];
    for ((agent, case_id), &i) in &winner {
        let row = &indexes[i][agent][case_id];
        let Some(json_name) = row.get("reportfile").and_then(Value::as_str) else {
            warnings.push(format!(
                "{}: {agent} case {case_id} has no reportfile in index.json",
                shards[i].display()
            ));
            continue;
        };
        if !is_plain_file_name(json_name) {
            return Err(Error::input(
                shards[i].join("index.json"),
                format!("{agent} case {case_id}: reportfile {json_name:?} is not a file name"),
            ));
        }
        let html_name = match json_name.strip_suffix(".json") {
            Some(stem) => format!("{stem}.html"),
            None => format!("{json_name}.html"),
        };
        for (name, required) in [(json_name.to_string(), true), (html_name, false)] {
            let from = shards[i].join(&name);
            if !from.is_file() {
                if required {
                    missing[i].push(name);
                }
                continue;
            }
            if !copied.insert(name.clone()) {
                // Two agents whose names clean to the same file name share the file, as
                // they do in the suite's own output.
                continue;
            }
            fs::copy(&from, staging.path().join(&name)).map_err(|e| Error::io(&from, e))?;
            files_copied += 1;
        }
    }

    for (i, names) in missing.iter().enumerate() {
        if let Some(first) = names.first() {
            warnings.push(format!(
                "{}: {} case file(s) named by index.json are missing (first: {first}); \
                 the index rows are merged without them",
                shards[i].display(),
                names.len()
            ));
        }
    }

    fs::write(staging.path().join("index.json"), index_json.as_bytes())
        .map_err(|e| Error::io(staging.path().join("index.json"), e))?;

    let index_html = {
        let pages: Vec<Option<Vec<u8>>> = shards
            .iter()
            .map(|s| {
                let p = s.join("index.html");
                match fs::read(&p) {
                    Ok(b) => Ok(Some(b)),
                    Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(None),
                    Err(e) => Err(Error::io(&p, e)),
                }
            })
            .collect::<Result<_>>()?;
        if pages.iter().all(Option::is_none) {
            IndexHtml::None
        } else {
            let (bytes, how) = match merge_index_html(&pages, &winner) {
                Ok(b) => (b, IndexHtml::Merged),
                Err(reason) => (
                    generated_index_html(&merged).into_bytes(),
                    IndexHtml::Generated { reason },
                ),
            };
            let p = staging.path().join("index.html");
            fs::write(&p, bytes).map_err(|e| Error::io(&p, e))?;
            how
        }
    };

    // Publish: fsync is left to the rename's atomicity; an empty `out` is replaced.
    if out.exists() {
        fs::remove_dir(out).map_err(|e| Error::io(out, e))?;
    }
    let staged = staging.keep();
    if let Err(e) = fs::rename(&staged, out) {
        let _ = fs::remove_dir_all(&staged);
        return Err(Error::io(out, e));
    }

    let agents: Vec<String> = merged.keys().cloned().collect();
    Ok(MergeSummary {
        out: out.to_path_buf(),
        shards: shards.len(),
        agents,
        cases: winner.len(),
        files_copied,
        overlaps,
        index_html,
        warnings,
    })
}

/// The output must be new (or an empty folder) and not one of the inputs: a merge never
/// overwrites a report.
fn check_output_folder(out: &Path, shards: &[PathBuf]) -> Result<()> {
    if out.exists() {
        if !out.is_dir() {
            return Err(Error::input(out, "output exists and is not a folder"));
        }
        let mut entries = fs::read_dir(out).map_err(|e| Error::io(out, e))?;
        if entries.next().is_some() {
            return Err(Error::input(
                out,
                "output folder is not empty; merge writes a new report folder",
            ));
        }
    }
    let out_abs = fs::canonicalize(out).ok();
    for s in shards {
        if !s.is_dir() {
            return Err(Error::input(s, "not a report folder (no such directory)"));
        }
        if out_abs.is_some() && fs::canonicalize(s).ok() == out_abs {
            return Err(Error::input(s, "output folder is also a shard"));
        }
    }
    Ok(())
}

/// A `reportfile` must name a file inside the folder, never a path out of it.
fn is_plain_file_name(name: &str) -> bool {
    !name.is_empty() && !name.contains(['/', '\\']) && name != "." && name != ".."
}

/// Reads a shard's index.json as `{agent: {case id: row}}`, keeping every row exactly as
/// written (fields wstriage does not know included), so the merged file can be re-emitted
/// byte for byte.
fn read_index(shard: &Path) -> Result<BTreeMap<String, Map<String, Value>>> {
    let path = shard.join("index.json");
    let bytes = fs::read(&path).map_err(|e| match e.kind() {
        std::io::ErrorKind::NotFound => {
            Error::input(&path, "missing: a shard must be a wstest report folder")
        }
        _ => Error::io(&path, e),
    })?;
    let value: Value = serde_json::from_slice(&bytes)
        .map_err(|e| Error::input(&path, format!("not valid JSON: {e}")))?;
    let Value::Object(agents) = value else {
        return Err(Error::input(&path, "expected an object of agents"));
    };
    let mut out = BTreeMap::new();
    for (agent, cases) in agents {
        let Value::Object(cases) = cases else {
            return Err(Error::input(
                &path,
                format!("agent {agent:?}: expected an object of cases"),
            ));
        };
        for (case_id, row) in &cases {
            if !row.is_object() {
                return Err(Error::input(
                    &path,
                    format!("agent {agent:?} case {case_id}: expected an object"),
                ));
            }
        }
        out.insert(agent, cases);
    }
    Ok(out)
}

/// Of several shards holding one (agent, case), the one whose run of it started last.
fn newest(
    key: &(String, String),
    who: &[usize],
    shards: &[PathBuf],
    indexes: &[BTreeMap<String, Map<String, Value>>],
) -> usize {
    let started = |i: usize| -> Option<String> {
        let file = indexes[i][&key.0][&key.1].get("reportfile")?.as_str()?;
        case_started(&shards[i].join(file))
    };
    let mut best = who[0];
    let mut best_time = started(best);
    for &i in &who[1..] {
        let t = started(i);
        // Later on the command line wins ties and unknown times.
        if t >= best_time || t.is_none() {
            best = i;
            best_time = t;
        }
    }
    best
}

/// The `started` time (ISO 8601, so it sorts as text) of a per-case JSON file.
///
/// The file is not parsed as JSON: wstest's case files can hold lone `\udxxx` surrogates that
/// strict parsers reject (REFERENCE F), and only this one top-level key is needed. wstest
/// writes top-level keys on their own line, indented by exactly 3 spaces.
fn case_started(path: &Path) -> Option<String> {
    let text = fs::read(path).ok()?;
    let text = String::from_utf8_lossy(&text);
    let line = text.lines().find(|l| l.starts_with("   \"started\": \""))?;
    let rest = &line["   \"started\": \"".len()..];
    Some(rest.split('"').next()?.to_string())
}

/// Serializes like Python 2.7 `json.dumps(value, sort_keys=True, indent=3,
/// separators=(',', ': '))` with the default `ensure_ascii=True`: wstest's exact bytes.
pub fn py2_json_dumps(value: &Value) -> String {
    let mut out = String::new();
    write_py2(value, 0, &mut out);
    out
}

fn write_py2(value: &Value, level: usize, out: &mut String) {
    const INDENT: usize = 3;
    match value {
        Value::Null => out.push_str("null"),
        Value::Bool(b) => out.push_str(if *b { "true" } else { "false" }),
        Value::Number(n) => {
            if let Some(f) = n.as_f64().filter(|_| n.is_f64()) {
                out.push_str(&py_float_repr(f));
            } else {
                out.push_str(&n.to_string());
            }
        }
        Value::String(s) => write_py2_string(s, out),
        Value::Array(items) => {
            if items.is_empty() {
                out.push_str("[]");
                return;
            }
            out.push('[');
            for (i, item) in items.iter().enumerate() {
                if i > 0 {
                    out.push(',');
                }
                out.push('\n');
                out.push_str(&" ".repeat((level + 1) * INDENT));
                write_py2(item, level + 1, out);
            }
            out.push('\n');
            out.push_str(&" ".repeat(level * INDENT));
            out.push(']');
        }
        Value::Object(map) => {
            if map.is_empty() {
                out.push_str("{}");
                return;
            }
            // Python sorts unicode keys by code point; Rust's `str` order (UTF-8 bytes) is the
            // same order.
            let mut keys: Vec<&String> = map.keys().collect();
            keys.sort();
            out.push('{');
            for (i, key) in keys.into_iter().enumerate() {
                if i > 0 {
                    out.push(',');
                }
                out.push('\n');
                out.push_str(&" ".repeat((level + 1) * INDENT));
                write_py2_string(key, out);
                out.push_str(": ");
                write_py2(&map[key], level + 1, out);
            }
            out.push('\n');
            out.push_str(&" ".repeat(level * INDENT));
            out.push('}');
        }
    }
}

/// Python's `encode_basestring_ascii`: printable ASCII stays, `"` and `\` and the usual
/// controls get short escapes, everything else `\uxxxx` (lower-case hex, surrogate pairs above
/// the BMP).
fn write_py2_string(s: &str, out: &mut String) {
    out.push('"');
    for c in s.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '\t' => out.push_str("\\t"),
            '\u{8}' => out.push_str("\\b"),
            '\u{c}' => out.push_str("\\f"),
            ' '..='~' => out.push(c),
            _ => {
                let mut buf = [0u16; 2];
                for unit in c.encode_utf16(&mut buf) {
                    out.push_str(&format!("\\u{unit:04x}"));
                }
            }
        }
    }
    out.push('"');
}

/// Python 2.7 `repr(float)`: the shortest digits that round-trip, in exponent form when the
/// decimal exponent is below -4 or at least 16 (`1e-05`, `1e+16`), else with at least one
/// digit after the point (`100.0`).
fn py_float_repr(f: f64) -> String {
    if f == 0.0 {
        return if f.is_sign_negative() { "-0.0" } else { "0.0" }.into();
    }
    // Rust's `{:e}` gives the shortest round-trip digits: "1.2345e-5".
    let sci = format!("{f:e}");
    let (mantissa, exp) = sci.split_once('e').expect("{:e} has an exponent");
    let exp: i32 = exp.parse().expect("{:e} exponent is an integer");
    let (sign, mantissa) = match mantissa.strip_prefix('-') {
        Some(m) => ("-", m),
        None => ("", mantissa),
    };
    let digits: String = mantissa.chars().filter(|c| *c != '.').collect();
    if !(-4..16).contains(&exp) {
        let mut m = digits[..1].to_string();
        if digits.len() > 1 {
            m.push('.');
            m.push_str(&digits[1..]);
        }
        let esign = if exp < 0 { '-' } else { '+' };
        return format!("{sign}{m}e{esign}{:02}", exp.abs());
    }
    let point = exp + 1; // digits before the decimal point
    let body = if point <= 0 {
        format!("0.{}{}", "0".repeat((-point) as usize), digits)
    } else if (point as usize) >= digits.len() {
        format!("{}{}.0", digits, "0".repeat(point as usize - digits.len()))
    } else {
        format!(
            "{}.{}",
            &digits[..point as usize],
            &digits[point as usize..]
        )
    };
    format!("{sign}{body}")
}

/// One line of a master index.html: what it is, for lining shards' pages up.
enum HtmlLine<'a> {
    /// `<td class="agent close_flex" colspan="2">AGENT</td>` in a category row.
    Agent(&'a [u8]),
    /// `<td class="case"><a href="#case_desc_…">Case X</a></td>`: a result row starts.
    Case(&'a [u8]),
    /// A result cell for the next agent of the current row.
    Cell,
    Other,
}

fn classify(line: &[u8]) -> HtmlLine<'_> {
    let t = trim_ascii(line);
    if let Some(rest) = t.strip_prefix(b"<td class=\"agent close_flex\" colspan=\"2\">") {
        if let Some(agent) = rest.strip_suffix(b"</td>") {
            return HtmlLine::Agent(agent);
        }
    }
    if let Some(rest) = t.strip_prefix(b"<td class=\"case\"><a href=\"#case_desc_") {
        if let Some(pos) = rest.windows(6).position(|w| w == b"\">Case") {
            let after = &rest[pos + 7..];
            if let Some(end) = after.iter().position(|&b| b == b'<') {
                return HtmlLine::Case(&after[..end]);
            }
        }
    }
    if t.starts_with(b"<td class=\"case_") {
        return HtmlLine::Cell;
    }
    HtmlLine::Other
}

fn trim_ascii(b: &[u8]) -> &[u8] {
    let start = b
        .iter()
        .position(|c| !c.is_ascii_whitespace())
        .unwrap_or(b.len());
    let end = b
        .iter()
        .rposition(|c| !c.is_ascii_whitespace())
        .map_or(start, |e| e + 1);
    &b[start..end]
}

/// Merges the shards' own index.html pages cell by cell.
///
/// wstest writes the same page skeleton for every run of one suite version and agent set:
/// every known case gets a row (cases not run show `Missing`), one cell line per agent in
/// sorted order. So the pages line up line by line; a result cell is taken from the shard that
/// won that (agent, case), every other line must agree (the "generated on" line excepted,
/// where the first shard's is kept). Anything else is reported as the reason to fall back.
fn merge_index_html(
    pages: &[Option<Vec<u8>>],
    winner: &BTreeMap<(String, String), usize>,
) -> Result<Vec<u8>, String> {
    let present: Vec<(usize, Vec<&[u8]>)> = pages
        .iter()
        .enumerate()
        .filter_map(|(i, p)| p.as_ref().map(|b| (i, b.split(|&c| c == b'\n').collect())))
        .collect();
    if present.len() != pages.len() {
        return Err("some shards have no index.html".into());
    }
    let n = present[0].1.len();
    if present.iter().any(|(_, lines)| lines.len() != n) {
        return Err(
            "the shards' index.html pages differ in layout (suite version or agents)".into(),
        );
    }
    let first = &present[0].1;
    // Agents in page order (sorted, as wstest writes them), from the first category row.
    let mut agents: Vec<String> = Vec::new();
    let mut out: Vec<u8> = Vec::new();
    let mut case: Option<String> = None;
    let mut cell = 0usize;
    let mut agents_done = false;
    for li in 0..n {
        let line = first[li];
        let chosen: &[u8] = match classify(line) {
            HtmlLine::Agent(a) => {
                if !agents_done {
                    agents.push(String::from_utf8_lossy(a).into_owned());
                }
                case = None;
                require_same(&present, li)?;
                line
            }
            HtmlLine::Case(id) => {
                agents_done = true;
                case = Some(String::from_utf8_lossy(id).into_owned());
                cell = 0;
                require_same(&present, li)?;
                line
            }
            HtmlLine::Cell if case.is_some() => {
                let case_id = case.as_deref().unwrap_or_default();
                let Some(agent) = agents.get(cell) else {
                    return Err(format!("case {case_id}: more cells than agents"));
                };
                cell += 1;
                match winner.get(&(agent.clone(), case_id.to_string())) {
                    Some(&w) => present
                        .iter()
                        .find(|(i, _)| *i == w)
                        .map(|(_, lines)| lines[li])
                        .unwrap_or(line),
                    None => line,
                }
            }
            _ => {
                if trim_ascii(line) == b"</tr>" {
                    case = None;
                }
                if trim_ascii(line).starts_with(b"<p id=\"intro\">") {
                    line
                } else {
                    require_same(&present, li)?;
                    line
                }
            }
        };
        if li > 0 {
            out.push(b'\n');
        }
        out.extend_from_slice(chosen);
    }
    Ok(out)
}

fn require_same(present: &[(usize, Vec<&[u8]>)], li: usize) -> Result<(), String> {
    let line = present[0].1[li];
    if present.iter().any(|(_, lines)| lines[li] != line) {
        return Err(format!(
            "the shards' index.html pages differ at line {} (suite version or agents)",
            li + 1
        ));
    }
    Ok(())
}

/// A plain index page for when the shards' own pages cannot be merged: one row per case,
/// one cell per agent linking to its case page.
fn generated_index_html(merged: &Map<String, Value>) -> String {
    let esc = |s: &str| {
        s.replace('&', "&amp;")
            .replace('<', "&lt;")
            .replace('>', "&gt;")
            .replace('"', "&quot;")
    };
    let agents: Vec<&String> = merged.keys().collect();
    let mut ids: BTreeSet<crate::model::CaseId> = BTreeSet::new();
    for cases in merged.values() {
        if let Some(cases) = cases.as_object() {
            ids.extend(cases.keys().filter_map(|k| crate::model::CaseId::parse(k)));
        }
    }
    let mut html = String::from(
        "<!DOCTYPE html>\n<html>\n<head><meta charset=\"utf-8\" /><title>Merged Autobahn report</title></head>\n<body>\n\
         <p>Merged by wstriage from several report folders; per-case pages are the suite's own.</p>\n\
         <table>\n<tr><th>Case</th>",
    );
    for a in &agents {
        html.push_str(&format!("<th>{}</th><th>close</th>", esc(a)));
    }
    html.push_str("</tr>\n");
    for id in &ids {
        html.push_str(&format!("<tr><td>Case {}</td>", esc(id.as_str())));
        for a in &agents {
            match merged[*a].get(id.as_str()) {
                Some(row) => {
                    let get = |k: &str| match row.get(k) {
                        Some(Value::String(s)) => s.clone(),
                        Some(Value::Null) | None => "None".into(),
                        Some(v) => v.to_string(),
                    };
                    let file = get("reportfile");
                    let page = file.strip_suffix(".json").unwrap_or(&file).to_string() + ".html";
                    html.push_str(&format!(
                        "<td><a href=\"{}\">{}</a></td><td>{} {}</td>",
                        esc(&page),
                        esc(&get("behavior")),
                        esc(&get("behaviorClose")),
                        esc(&get("remoteCloseCode"))
                    ));
                }
                None => html.push_str("<td colspan=\"2\">Missing</td>"),
            }
        }
        html.push_str("</tr>\n");
    }
    html.push_str("</table>\n</body>\n</html>\n");
    html
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn py2_json_matches_wstest_layout() {
        let v = json!({"b": {"1.10": {"x": null}, "1.9": {}}, "a": [1, "é\"\n", true]});
        let expected = "{\n   \"a\": [\n      1,\n      \"\\u00e9\\\"\\n\",\n      true\n   ],\n   \"b\": {\n      \"1.10\": {\n         \"x\": null\n      },\n      \"1.9\": {}\n   }\n}";
        assert_eq!(py2_json_dumps(&v), expected);
    }

    #[test]
    fn py2_json_escapes_like_ensure_ascii() {
        let v = json!("\u{7f}\u{1}😀/~");
        assert_eq!(py2_json_dumps(&v), "\"\\u007f\\u0001\\ud83d\\ude00/~\"");
    }

    #[test]
    fn py2_float_repr_matches_python() {
        // Values checked against `python2 -c 'print repr(x)'`.
        for (f, s) in [
            (0.1, "0.1"),
            (100.0, "100.0"),
            (1e-5, "1e-05"),
            (0.0001, "0.0001"),
            (1e16, "1e+16"),
            (1234567890123456.0, "1234567890123456.0"),
            (-2.5, "-2.5"),
            (0.29412, "0.29412"),
            (1.5e300, "1.5e+300"),
        ] {
            assert_eq!(py_float_repr(f), s, "{f}");
        }
    }

    #[test]
    fn started_time_is_read_without_a_json_parser() {
        let dir = tempfile::tempdir().unwrap();
        let p = dir.path().join("a_case_1_1_1.json");
        fs::write(
            &p,
            "{\n   \"agent\": \"a\",\n   \"received\": [\n      \"\\udc80\"\n   ],\n   \"started\": \"2020-09-05T15:17:29.127Z\",\n   \"x\": 1\n}",
        )
        .unwrap();
        assert_eq!(
            case_started(&p).as_deref(),
            Some("2020-09-05T15:17:29.127Z")
        );
    }
}
