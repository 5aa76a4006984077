//! Shared helpers of the explain tests: fixture paths and loading through the real parser.
#![allow(dead_code)]

use std::path::{Path, PathBuf};
use wstriage::model::CaseReport;

/// A path under `fixtures/`.
pub fn fixture(rel: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("fixtures")
        .join(rel)
}

/// One case file through the parse module (as the CLI reads it).
pub fn load_case(path: &Path) -> CaseReport {
    wstriage::parse::parse_case_file(path).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

/// The case JSON files of a fixture folder, sorted; `only` keeps file names containing it.
pub fn case_files(dir: &str, only: &[&str]) -> Vec<PathBuf> {
    let mut v: Vec<_> = std::fs::read_dir(fixture(dir))
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|e| e == "json"))
        .filter(|p| {
            let name = p.file_name().unwrap().to_string_lossy().to_string();
            name.contains("_case_")
                && (only.is_empty()
                    || only
                        .iter()
                        .any(|o| name.ends_with(&format!("_case_{o}.json"))))
        })
        .collect();
    v.sort();
    v
}
