//! Finding report folders and the case files in them.
//!
//! A report folder is any directory holding an `index.json`, a renamed copy of it
//! (`<something>_index.json`, as projects commit them), or case files named as `fuzzing.py`
//! `makeAgentCaseReportFilename` does: `cleanForFilename(agent) + "_case_" + id with "_" + ext`.
//! A tree (e.g. `reports/servers` and `reports/clients` under one root) yields one folder each.

use crate::error::Error;
use crate::model::CaseId;
use std::path::{Path, PathBuf};

/// One `<agent>_case_<id>.<ext>` file found by its name.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CaseFile {
    pub path: PathBuf,
    /// The agent as it appears in the file name (already cleaned by the suite).
    pub agent_file: String,
    pub case_id: CaseId,
    pub html: bool,
}

/// What one report folder holds.
#[derive(Debug, Clone, Default)]
pub struct ReportFolder {
    pub dir: PathBuf,
    /// `index.json` first, then any `*_index.json` copies.
    pub indexes: Vec<PathBuf>,
    pub case_files: Vec<CaseFile>,
    pub index_html: Option<PathBuf>,
}

/// The suite's `cleanForFilename`: lower-case, every character outside `[a-z0-9]` becomes `_`.
pub fn clean_for_filename(agent: &str) -> String {
    agent
        .to_lowercase()
        .chars()
        .map(|c| {
            if c.is_ascii_lowercase() || c.is_ascii_digit() {
                c
            } else {
                '_'
            }
        })
        .collect()
}

/// Splits `tarantool_1_10_case_12_1_3.json` into ("tarantool_1_10", 12.1.3, json).
pub fn case_file_name(path: &Path) -> Option<CaseFile> {
    let name = path.file_name()?.to_str()?;
    let (stem, html) = if let Some(s) = name.strip_suffix(".json") {
        (s, false)
    } else if let Some(s) = name.strip_suffix(".html") {
        (s, true)
    } else {
        return None;
    };
    let at = stem.rfind("_case_")?;
    let agent_file = &stem[..at];
    let id = &stem[at + "_case_".len()..];
    if id.is_empty() || !id.bytes().all(|b| b.is_ascii_digit() || b == b'_') {
        return None;
    }
    Some(CaseFile {
        path: path.to_path_buf(),
        agent_file: agent_file.to_string(),
        case_id: CaseId::parse(id)?,
        html,
    })
}

/// Whether a file name is an index (`index.json` or a `*_index.json` copy).
pub fn is_index_name(path: &Path) -> bool {
    path.file_name()
        .and_then(|n| n.to_str())
        .is_some_and(|n| n == "index.json" || n.ends_with("_index.json"))
}

/// Reads one directory (not recursive) into a [`ReportFolder`], or None when it holds no report.
pub fn scan_dir(dir: &Path) -> Result<(Option<ReportFolder>, Vec<PathBuf>), Error> {
    let mut folder = ReportFolder {
        dir: dir.to_path_buf(),
        ..Default::default()
    };
    let mut subdirs = Vec::new();
    let entries = std::fs::read_dir(dir).map_err(|e| Error::io(dir, e))?;
    let mut copies = Vec::new();
    for entry in entries {
        let entry = entry.map_err(|e| Error::io(dir, e))?;
        let path = entry.path();
        let is_dir = entry.file_type().map(|t| t.is_dir()).unwrap_or(false) || (path.is_dir());
        if is_dir {
            subdirs.push(path);
            continue;
        }
        let Some(name) = path.file_name().and_then(|n| n.to_str()) else {
            continue;
        };
        if name == "index.json" {
            folder.indexes.insert(0, path.clone());
        } else if name.ends_with("_index.json") {
            copies.push(path.clone());
        } else if name == "index.html" {
            folder.index_html = Some(path.clone());
        } else if let Some(cf) = case_file_name(&path) {
            folder.case_files.push(cf);
        }
    }
    copies.sort();
    folder.indexes.extend(copies);
    folder.case_files.sort_by(|a, b| {
        (&a.agent_file, &a.case_id, a.html).cmp(&(&b.agent_file, &b.case_id, b.html))
    });
    subdirs.sort();
    let found = !folder.indexes.is_empty() || !folder.case_files.is_empty();
    Ok((found.then_some(folder), subdirs))
}

/// Every report folder in the tree under `root` (root included), in path order.
/// Unreadable directories are reported and skipped.
pub fn find_report_folders(root: &Path) -> (Vec<ReportFolder>, Vec<Error>) {
    let mut folders = Vec::new();
    let mut errors = Vec::new();
    let mut stack = vec![root.to_path_buf()];
    let mut seen = 0usize;
    while let Some(dir) = stack.pop() {
        seen += 1;
        if seen > 100_000 {
            errors.push(Error::input(root, "too many directories below this path"));
            break;
        }
        match scan_dir(&dir) {
            Ok((folder, subdirs)) => {
                folders.extend(folder);
                // Reverse so that the stack pops in sorted order.
                stack.extend(subdirs.into_iter().rev());
            }
            Err(e) => errors.push(e),
        }
    }
    folders.sort_by(|a, b| a.dir.cmp(&b.dir));
    (folders, errors)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn clean_name_matches_the_suite() {
        assert_eq!(clean_for_filename("Tornado/py27"), "tornado_py27");
        assert_eq!(
            clean_for_filename("aiohttp-2.1.0 + uvloop-0.8.0"),
            "aiohttp_2_1_0___uvloop_0_8_0"
        );
        assert_eq!(clean_for_filename("stratus@2"), "stratus_2");
    }

    #[test]
    fn case_file_names_split_at_the_last_case_marker() {
        let cf = case_file_name(Path::new("d/tarantool_1_10_case_12_1_3.html")).unwrap();
        assert_eq!(cf.agent_file, "tarantool_1_10");
        assert_eq!(cf.case_id.as_str(), "12.1.3");
        assert!(cf.html);
        let cf = case_file_name(Path::new("my_case_study_case_1_1_1.json")).unwrap();
        assert_eq!(cf.agent_file, "my_case_study");
        assert!(case_file_name(Path::new("index.json")).is_none());
        assert!(case_file_name(Path::new("a_case_1_x.json")).is_none());
        assert!(case_file_name(Path::new("a_case_1_1.txt")).is_none());
    }
}
