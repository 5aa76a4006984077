//! `cargo bench --bench parse [-- DIR…]`: per-case JSON and HTML parsing throughput (cases/s,
//! MB/s) over real report folders (default: `fixtures/`), then the same extraction by the plain
//! Python script `scripts/bench_parse.py` on the same files, in the same run, for comparison.
//! Files are read into memory first: this measures parsing, not the disk.

use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::{Duration, Instant};
use wstriage::parse::parse_case_bytes;

fn case_files(dirs: &[PathBuf], ext: &str) -> Vec<PathBuf> {
    let mut out = Vec::new();
    let mut stack: Vec<PathBuf> = dirs.to_vec();
    while let Some(d) = stack.pop() {
        let Ok(entries) = std::fs::read_dir(&d) else {
            continue;
        };
        for e in entries.flatten() {
            let p = e.path();
            if p.is_dir() {
                stack.push(p);
            } else if p
                .file_name()
                .and_then(|n| n.to_str())
                .is_some_and(|n| n.contains("_case_") && n.ends_with(ext))
            {
                out.push(p);
            }
        }
    }
    out.sort();
    out
}

fn bench(name: &str, files: &[PathBuf], min: Duration) {
    let blobs: Vec<(PathBuf, Vec<u8>)> = files
        .iter()
        .filter_map(|p| std::fs::read(p).ok().map(|b| (p.clone(), b)))
        .collect();
    if blobs.is_empty() {
        println!("rust   {name}: no files");
        return;
    }
    let size: usize = blobs.iter().map(|(_, b)| b.len()).sum();
    let start = Instant::now();
    let mut rounds = 0u64;
    let mut errors = 0usize;
    loop {
        for (p, b) in &blobs {
            if std::hint::black_box(parse_case_bytes(b, p)).is_err() {
                errors += 1;
            }
        }
        rounds += 1;
        if start.elapsed() >= min {
            break;
        }
    }
    let secs = start.elapsed().as_secs_f64();
    let cases = blobs.len() as f64 * rounds as f64;
    println!(
        "rust   {name}: {} cases x {rounds} rounds, {:.1} MB, {secs:.2} s: {:.0} cases/s, {:.1} MB/s{}",
        blobs.len(),
        size as f64 / 1e6,
        cases / secs,
        size as f64 * rounds as f64 / 1e6 / secs,
        if errors > 0 {
            format!(", {errors} errors")
        } else {
            String::new()
        }
    );
}

fn main() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    // `cargo bench` passes --bench; `cargo test --all-targets` runs this binary without it, and
    // then only a one-round smoke run over one small folder is done (no timing claims).
    if !std::env::args().any(|a| a == "--bench") {
        let dirs = [root.join("fixtures/undici-0.8.2")];
        bench("json", &case_files(&dirs, ".json"), Duration::ZERO);
        bench("html", &case_files(&dirs, ".html"), Duration::ZERO);
        return;
    }
    let mut dirs: Vec<PathBuf> = std::env::args()
        .skip(1)
        .filter(|a| !a.starts_with("--"))
        .map(PathBuf::from)
        .collect();
    if dirs.is_empty() {
        dirs.push(root.join("fixtures"));
    }
    println!("parse benchmark over {dirs:?}");
    bench("json", &case_files(&dirs, ".json"), Duration::from_secs(2));
    bench("html", &case_files(&dirs, ".html"), Duration::from_secs(2));
    let status = Command::new("python3")
        .arg(root.join("scripts/bench_parse.py"))
        .args(&dirs)
        .status();
    match status {
        Ok(s) if s.success() => {}
        other => println!("python baseline did not run: {other:?}"),
    }
}
