//! Output formats over the typed records: human text and tables, JSON, Markdown, JUnit XML,
//! GitHub annotations. Each printer reads the model (or a diff/gate/explain result) and
//! never parses input itself.

pub mod case_lines;
pub mod case_page;
pub mod diff_table;
pub mod gate_summary;
pub mod github;
pub mod junit;
pub mod markdown;

pub mod explain;
pub mod summary;

/// Writes command output to stdout. A closed pipe (`wstriage gate … | head`) ends the output
/// quietly instead of panicking the way `print!` does.
pub fn write_stdout(text: &str) {
    use std::io::Write;
    let mut out = std::io::stdout().lock();
    let _ = out.write_all(text.as_bytes()).and_then(|()| out.flush());
}
