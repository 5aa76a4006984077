//! Drives the real Autobahn|Testsuite (`wstest` 25.10.1) against a testee, and leaves a normal
//! report folder.
//!
//! `server` mode runs `wstest -m fuzzingclient` against a testee server (wstriage's own `serve`
//! by default, or the user's program); `client` mode runs `wstest -m fuzzingserver` and points
//! a testee client at it (wstriage's own `client` by default). `--jobs N` splits the selected
//! cases over N wstest processes on distinct ports, each into a shard folder, and merges the
//! shards into the output folder. Every process started is stopped again by a guard
//! ([`runner::ChildGuard`]), whatever way the run ends.
//!
//! The gate is not applied here: this module produces the folder; the CLI loads and gates it.

pub mod progress;
pub mod runner;
pub mod spec;

use crate::error::{Error, Result};
use crate::model::CaseId;
use crate::select::CaseSelector;
use progress::{Progress, ProgressMode};
use runner::{free_ports, interrupted, interrupted_error, wait_for_port, ChildGuard};
use std::net::SocketAddr;
use std::path::{Path, PathBuf};
use std::process::Command;
use std::sync::mpsc;
use std::time::Duration;

/// A run where no case has started this long after the testee and wstest are up is stuck
/// (typically a testee client that never connects).
const FIRST_CASE_TIMEOUT: Duration = Duration::from_secs(120);
/// A run where no new case has started for this long is stuck: longer than the suite's longest
/// case deadline (1000 s, 9.5.x/9.6.x in `case9_x_x.py`), so a slow case never trips it.
const STALL_TIMEOUT: Duration = Duration::from_secs(1200);

/// The installer that a missing wstest points at.
pub const INSTALL_SCRIPT: &str = "scripts/install-wstest.sh";

/// Which side of the testee the suite plays.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Mode {
    /// The testee is a server; wstest is the fuzzing client (`-m fuzzingclient`).
    Server,
    /// The testee is a client; wstest is the fuzzing server (`-m fuzzingserver`).
    Client,
}

impl Mode {
    fn wstest_mode(self) -> &'static str {
        match self {
            Mode::Server => "fuzzingclient",
            Mode::Client => "fuzzingserver",
        }
    }

    /// Default report folder: the suite's own defaults (`reports/servers`, `reports/clients`),
    /// so server and client runs never overwrite each other.
    pub fn default_out(self) -> PathBuf {
        match self {
            Mode::Server => PathBuf::from("reports/servers"),
            Mode::Client => PathBuf::from("reports/clients"),
        }
    }
}

/// Everything a suite run needs; the CLI fills it from its flags.
#[derive(Debug, Clone)]
pub struct SuiteOptions {
    pub mode: Mode,
    pub select: CaseSelector,
    pub out: PathBuf,
    /// Number of wstest processes (shards); 1 runs one wstest.
    pub jobs: usize,
    /// The user's testee, a shell command; `{url}`, `{port}` and `{agent}` are substituted.
    pub testee_cmd: Option<String>,
    /// Server mode: where the testee server listens (`{port}` substituted). Needed when the
    /// command has no `{port}`/`{url}`, or when the server is already running (no command).
    pub testee_url: Option<String>,
    pub wstest: Option<PathBuf>,
    /// Agent name in the reports; default `wstriage` for the reference implementation,
    /// `testee` for a user's program.
    pub agent: Option<String>,
    pub progress: ProgressMode,
}

/// What a finished run left behind.
#[derive(Debug, Clone)]
pub struct SuiteRun {
    pub out: PathBuf,
    pub agent: String,
    /// The cases that were asked of wstest.
    pub cases: Vec<CaseId>,
    pub shards: usize,
    pub elapsed: Duration,
    /// Selected cases with no result in the folder (the testee died, wstest crashed…).
    pub missing: Vec<CaseId>,
    /// Things the user should know (a testee that exited early, reports requested on its
    /// behalf).
    pub notes: Vec<String>,
}

/// Finds wstest: `--wstest`, then `$WSTEST`, then `wstest` on PATH, then the project
/// installer's location `$HOME/.cache/wstest/bin/wstest`. A path given explicitly must exist.
pub fn find_wstest(explicit: Option<&Path>) -> Result<PathBuf> {
    let not_found = |what: String| {
        Error::Usage(format!(
            "{what}\nwstest (Autobahn|Testsuite 25.10.1, Python 2.7) is needed. Install it with \
             `{INSTALL_SCRIPT}` (a virtualenv in ~/.cache/wstest, found automatically), or pass \
             --wstest PATH / set WSTEST."
        ))
    };
    if let Some(p) = explicit {
        return if is_executable(p) {
            Ok(p.to_path_buf())
        } else {
            Err(not_found(format!(
                "--wstest {}: not an executable file",
                p.display()
            )))
        };
    }
    if let Some(p) = std::env::var_os("WSTEST").filter(|v| !v.is_empty()) {
        let p = PathBuf::from(p);
        return if is_executable(&p) {
            Ok(p)
        } else {
            Err(not_found(format!(
                "WSTEST={}: not an executable file",
                p.display()
            )))
        };
    }
    if let Some(path) = std::env::var_os("PATH") {
        for dir in std::env::split_paths(&path) {
            let candidate = dir.join("wstest");
            if is_executable(&candidate) {
                return Ok(candidate);
            }
        }
    }
    if let Some(home) = std::env::var_os("HOME") {
        let candidate = PathBuf::from(home).join(".cache/wstest/bin/wstest");
        if is_executable(&candidate) {
            return Ok(candidate);
        }
    }
    Err(not_found(
        "wstest not found (looked at --wstest, $WSTEST, PATH, ~/.cache/wstest/bin/wstest)".into(),
    ))
}

fn is_executable(p: &Path) -> bool {
    use std::os::unix::fs::PermissionsExt;
    std::fs::metadata(p).is_ok_and(|m| m.is_file() && m.permissions().mode() & 0o111 != 0)
}

/// The cases of the installed suite matching `select`, in the suite's order.
pub fn selected_cases(wstest: &Path, select: &CaseSelector) -> Vec<CaseId> {
    let all = spec::query_case_ids(wstest).unwrap_or_else(spec::builtin_case_ids);
    all.into_iter().filter(|c| select.selects(c)).collect()
}

/// Substitutes `{url}`, `{port}` and `{agent}` in a testee command or URL template.
pub fn expand_template(template: &str, url: &str, port: u16, agent: &str) -> String {
    template
        .replace("{url}", url)
        .replace("{port}", &port.to_string())
        .replace("{agent}", agent)
}

fn has_placeholder(template: &str) -> bool {
    template.contains("{url}") || template.contains("{port}")
}

fn shell(command: &str) -> Command {
    let mut c = Command::new("sh");
    c.arg("-c").arg(command);
    c
}

/// One wstest process and what it works on.
struct Shard {
    cases: Vec<CaseId>,
    dir: PathBuf,
    /// The URL wstest connects to (server mode) or listens at (client mode).
    url: String,
    port: u16,
    wstest: Option<ChildGuard>,
    testee: Option<ChildGuard>,
    done: bool,
}

/// Runs the suite as `opts` says and merges the result into `opts.out`.
pub fn run_suite(opts: &SuiteOptions) -> Result<SuiteRun> {
    validate_testee(opts)?;
    let wstest = find_wstest(opts.wstest.as_deref())?;
    let cases = selected_cases(&wstest, &opts.select);
    if cases.is_empty() {
        return Err(Error::Usage(
            "no case of the suite matches --cases/--exclude".into(),
        ));
    }
    let own_testee = opts.testee_cmd.is_none() && opts.testee_url.is_none();
    let agent = opts
        .agent
        .clone()
        .unwrap_or_else(|| if own_testee { "wstriage" } else { "testee" }.to_string());

    runner::install_interrupt_handler();
    std::fs::create_dir_all(&opts.out).map_err(|e| Error::io(&opts.out, e))?;
    let parent = opts
        .out
        .parent()
        .filter(|p| !p.as_os_str().is_empty())
        .unwrap_or(Path::new("."));
    // The shards go next to the output folder (same file system, so the merge can move
    // files), in a folder removed when the run ends.
    let work = tempfile::Builder::new()
        .prefix(".wstriage-suite-")
        .tempdir_in(parent)
        .map_err(|e| Error::io(parent, e))?;
    let work_dir = work.path().to_path_buf();

    let plan = spec::split_cases(&cases, opts.jobs);
    let ports = free_ports(plan.len())?;
    let mut shards: Vec<Shard> = plan
        .into_iter()
        .zip(ports)
        .enumerate()
        .map(|(i, (cases, port))| Shard {
            cases,
            dir: work_dir.join(format!("shard-{}", i + 1)),
            url: format!("ws://127.0.0.1:{port}"),
            port,
            wstest: None,
            testee: None,
            done: false,
        })
        .collect();

    let mut notes = Vec::new();
    let mut progress = Progress::new(cases.len(), shards.len(), opts.progress);
    let (tx, rx) = mpsc::channel::<(usize, String)>();
    // A shared testee (one server for every shard) lives here; per-shard ones in the shard.
    let mut shared_testee: Option<ChildGuard> = None;

    match opts.mode {
        Mode::Server => {
            start_testee_servers(opts, &agent, &work_dir, &mut shards, &mut shared_testee)?;
            for (i, shard) in shards.iter_mut().enumerate() {
                let spec = spec::fuzzingclient_spec(&shard.url, &agent, &shard.cases, &shard.dir);
                shard.wstest = Some(start_wstest(&wstest, opts.mode, i, &work_dir, &spec, &tx)?);
            }
        }
        Mode::Client => {
            for (i, shard) in shards.iter_mut().enumerate() {
                let spec = spec::fuzzingserver_spec(&shard.url, &shard.cases, &shard.dir);
                shard.wstest = Some(start_wstest(&wstest, opts.mode, i, &work_dir, &spec, &tx)?);
            }
            for shard in shards.iter_mut() {
                let addr: SocketAddr = ([127, 0, 0, 1], shard.port).into();
                wait_for_port(addr, Duration::from_secs(60), shard.wstest.as_mut())?;
            }
            start_testee_clients(opts, &agent, &work_dir, &mut shards)?;
        }
    }
    // Only the wstest readers hold senders now: the channel closes when they are gone.
    drop(tx);
    loop {
        pump(&rx, &mut progress);
        if interrupted() {
            return Err(interrupted_error());
        }
        let all_done = match opts.mode {
            Mode::Server => poll_server_shards(&mut shards, &rx, &mut progress, &mut notes),
            Mode::Client => {
                poll_client_shards(&mut shards, &rx, &mut progress, &mut notes, &agent)?
            }
        };
        if all_done {
            break;
        }
        progress.tick();
        check_stall(&progress, &shards)?;
        std::thread::sleep(Duration::from_millis(100));
    }
    if let Some(t) = shared_testee.as_mut() {
        if let Some(st) = t.try_wait() {
            notes.push(testee_died(t, st));
        }
    }
    progress.finish();
    let elapsed = progress.elapsed();
    // Stop every testee now (the guards would on drop), before touching the output folder.
    for shard in shards.iter_mut() {
        if let Some(mut t) = shard.testee.take() {
            t.stop(Duration::from_secs(3));
        }
    }
    if let Some(mut t) = shared_testee.take() {
        t.stop(Duration::from_secs(3));
    }

    let produced: Vec<PathBuf> = shards
        .iter()
        .filter(|s| s.dir.join("index.json").is_file())
        .map(|s| s.dir.clone())
        .collect();
    if produced.is_empty() {
        let logs: String = shards
            .iter()
            .map(|s| tail_of(&s.wstest))
            .collect::<Vec<_>>()
            .join("\n");
        return Err(Error::Usage(format!(
            "wstest wrote no report{}\n{logs}",
            if notes.is_empty() {
                String::new()
            } else {
                format!(":\n{}", notes.join("\n"))
            }
        )));
    }
    notes.extend(merge_into(&opts.out, &work_dir, &produced)?);
    let missing = missing_cases(&opts.out, &cases)?;
    Ok(SuiteRun {
        out: opts.out.clone(),
        agent,
        cases,
        shards: shards.len(),
        elapsed,
        missing,
        notes,
    })
}

/// Server mode: a shard is done when its wstest exits (wstest writes the reports, then stops).
/// Returns whether every shard is done.
fn poll_server_shards(
    shards: &mut [Shard],
    rx: &mpsc::Receiver<(usize, String)>,
    progress: &mut Progress,
    notes: &mut Vec<String>,
) -> bool {
    let mut all_done = true;
    for (i, shard) in shards.iter_mut().enumerate() {
        if shard.done {
            continue;
        }
        let Some(status) = shard.wstest.as_mut().and_then(|w| w.try_wait()) else {
            all_done = false;
            continue;
        };
        pump(rx, progress);
        shard.done = true;
        progress.shard_finished(i);
        if !status.success() {
            notes.push(format!(
                "wstest shard {} exited with {status}; its output:\n{}",
                i + 1,
                tail_of(&shard.wstest)
            ));
        }
        if let Some(t) = shard.testee.as_mut() {
            if let Some(st) = t.try_wait() {
                notes.push(testee_died(t, st));
            }
        }
    }
    all_done
}

/// Client mode: wstest (the fuzzing server) never exits by itself; a shard is done when its
/// testee client exits. The reports are then on disk if the client asked for them
/// (`/updateReports`); if not, wstriage asks on its behalf. Then that shard's wstest is stopped.
fn poll_client_shards(
    shards: &mut [Shard],
    rx: &mpsc::Receiver<(usize, String)>,
    progress: &mut Progress,
    notes: &mut Vec<String>,
    agent: &str,
) -> Result<bool> {
    let mut all_done = true;
    for (i, shard) in shards.iter_mut().enumerate() {
        if shard.done {
            continue;
        }
        let client_exit = shard.testee.as_mut().and_then(|t| t.try_wait());
        let wstest_exit = shard.wstest.as_mut().and_then(|w| w.try_wait());
        if let Some(st) = client_exit {
            pump(rx, progress);
            if !st.success() {
                notes.push(format!(
                    "testee client {} exited with {st}; its output:\n{}",
                    i + 1,
                    tail_of(&shard.testee)
                ));
            }
            if wstest_exit.is_none() && !shard.dir.join("index.json").exists() {
                notes.push(format!(
                    "testee client {} ended without asking for the reports (/updateReports); \
                     wstriage asked for them",
                    i + 1
                ));
                let addr: SocketAddr = ([127, 0, 0, 1], shard.port).into();
                runner::request_update_reports(addr, agent, Duration::from_secs(600))?;
            }
            if let Some(mut w) = shard.wstest.take() {
                w.stop(Duration::from_secs(3));
            }
        } else if let Some(st) = wstest_exit {
            notes.push(format!(
                "wstest shard {} exited with {st} before its client finished; its output:\n{}",
                i + 1,
                tail_of(&shard.wstest)
            ));
            if let Some(mut t) = shard.testee.take() {
                t.stop(Duration::from_secs(3));
            }
        } else {
            all_done = false;
            continue;
        }
        shard.done = true;
        progress.shard_finished(i);
    }
    Ok(all_done)
}

/// Client mode: one testee client per shard, pointed at that shard's fuzzing server.
fn start_testee_clients(
    opts: &SuiteOptions,
    agent: &str,
    work_dir: &Path,
    shards: &mut [Shard],
) -> Result<()> {
    for (i, shard) in shards.iter_mut().enumerate() {
        let command = match &opts.testee_cmd {
            Some(t) => shell(&expand_template(t, &shard.url, shard.port, agent)),
            None => {
                let mut c = Command::new(current_exe()?);
                c.args(["client", "--url", &shard.url, "--agent", agent]);
                c
            }
        };
        let log = work_dir.join(format!("testee-{}.log", i + 1));
        let name = format!("testee client {}", i + 1);
        shard.testee = Some(ChildGuard::spawn(&name, command, &log, None)?);
    }
    Ok(())
}

fn validate_testee(opts: &SuiteOptions) -> Result<()> {
    match (opts.mode, &opts.testee_cmd, &opts.testee_url) {
        (Mode::Server, Some(cmd), None) if !has_placeholder(cmd) => Err(Error::Usage(format!(
            "--testee-cmd {cmd:?} has no {{port}} or {{url}}: give --testee-url (where it \
             listens), or put {{port}} in the command so wstriage chooses free ports"
        ))),
        (Mode::Client, _, Some(_)) => Err(Error::Usage(
            "client mode: --testee-url applies to server mode only; wstriage starts the fuzzing \
             server on a free port and gives its URL to the client command as {url}"
                .into(),
        )),
        (Mode::Client, Some(cmd), _) if !has_placeholder(cmd) => Err(Error::Usage(format!(
            "client mode: --testee-cmd {cmd:?} must contain {{url}} (or {{port}}): wstriage \
             starts the fuzzing server on a free port and substitutes it"
        ))),
        _ => Ok(()),
    }
}

fn current_exe() -> Result<PathBuf> {
    std::env::current_exe()
        .map_err(|e| Error::Usage(format!("cannot find the wstriage executable: {e}")))
}

/// Starts the testee server(s). With wstriage's own `serve`, or a command with `{port}`/`{url}`,
/// each shard gets its own testee on its own port: a crash, a stuck connection or a slow case
/// in one shard then cannot change another shard's verdicts, so `--jobs N` judges the testee as
/// `--jobs 1` does. A command without placeholders (fixed port) or an already running server
/// (`--testee-url` alone) is shared by every shard, which then needs a concurrent server.
fn start_testee_servers(
    opts: &SuiteOptions,
    agent: &str,
    work_dir: &Path,
    shards: &mut [Shard],
    shared: &mut Option<ChildGuard>,
) -> Result<()> {
    let per_shard = match &opts.testee_cmd {
        None => opts.testee_url.is_none(),
        Some(cmd) => has_placeholder(cmd),
    };
    if per_shard {
        for (i, shard) in shards.iter_mut().enumerate() {
            let listen_url = format!("ws://127.0.0.1:{}", shard.port);
            if let Some(u) = &opts.testee_url {
                shard.url = expand_template(u, &listen_url, shard.port, agent);
            } else {
                shard.url = listen_url.clone();
            }
            let command = match &opts.testee_cmd {
                Some(t) => shell(&expand_template(t, &listen_url, shard.port, agent)),
                None => {
                    let mut c = Command::new(current_exe()?);
                    c.args(["serve", "--listen", &format!("127.0.0.1:{}", shard.port)]);
                    c
                }
            };
            let log = work_dir.join(format!("testee-{}.log", i + 1));
            let name = format!("testee server {}", i + 1);
            shard.testee = Some(ChildGuard::spawn(&name, command, &log, None)?);
        }
        for shard in shards.iter_mut() {
            let addr = runner::url_addr(&shard.url)?;
            wait_for_port(addr, Duration::from_secs(30), shard.testee.as_mut())?;
        }
    } else {
        let url = opts.testee_url.clone().unwrap_or_default();
        for shard in shards.iter_mut() {
            shard.url = url.clone();
        }
        let addr = runner::url_addr(&url)?;
        if let Some(cmd) = &opts.testee_cmd {
            let log = work_dir.join("testee.log");
            let port = addr.port();
            let guard = ChildGuard::spawn(
                "testee server",
                shell(&expand_template(cmd, &url, port, agent)),
                &log,
                None,
            )?;
            *shared = Some(guard);
        }
        wait_for_port(addr, Duration::from_secs(30), shared.as_mut())?;
    }
    Ok(())
}

fn start_wstest(
    wstest: &Path,
    mode: Mode,
    index: usize,
    work_dir: &Path,
    spec: &serde_json::Value,
    tx: &mpsc::Sender<(usize, String)>,
) -> Result<ChildGuard> {
    let spec_path = work_dir.join(format!("spec-{}.json", index + 1));
    let text = serde_json::to_vec_pretty(spec)
        .map_err(|e| Error::Usage(format!("cannot write the wstest spec: {e}")))?;
    crate::fsutil::write_atomic(&spec_path, &text)?;
    let mut cmd = Command::new(wstest);
    cmd.arg("-m")
        .arg(mode.wstest_mode())
        .arg("-s")
        .arg(&spec_path);
    if mode == Mode::Client {
        // No embedded web server: its default port 8080 would clash between shards.
        cmd.args(["-u", "0"]);
    }
    cmd.current_dir(work_dir).env("PYTHONUNBUFFERED", "1");
    let log = work_dir.join(format!("wstest-{}.log", index + 1));
    ChildGuard::spawn(
        &format!("wstest shard {}", index + 1),
        cmd,
        &log,
        Some((index, tx.clone())),
    )
}

/// Fails a run that stopped making progress, with every log's tail, rather than letting CI
/// hang until its own time limit.
fn check_stall(progress: &Progress, shards: &[Shard]) -> Result<()> {
    let limit = if progress.started_any() {
        STALL_TIMEOUT
    } else {
        FIRST_CASE_TIMEOUT
    };
    if progress.idle() < limit {
        return Ok(());
    }
    let logs: Vec<String> = shards
        .iter()
        .flat_map(|s| [&s.wstest, &s.testee])
        .filter_map(|g| g.as_ref())
        .map(|g| format!("{}:\n{}", g.name(), runner::log_tail(g.log(), 10)))
        .collect();
    Err(Error::Usage(format!(
        "{}; stopped the run. Output:\n{}",
        if progress.started_any() {
            format!("no new case started for {} s", limit.as_secs())
        } else {
            format!(
                "no case started within {} s (does the testee connect to the URL it is given?)",
                limit.as_secs()
            )
        },
        logs.join("\n")
    )))
}

fn pump(rx: &mpsc::Receiver<(usize, String)>, progress: &mut Progress) {
    while let Ok((shard, line)) = rx.try_recv() {
        progress.line(shard, &line);
    }
}

fn tail_of(guard: &Option<ChildGuard>) -> String {
    guard
        .as_ref()
        .map(|g| runner::log_tail(g.log(), 15))
        .unwrap_or_default()
}

fn testee_died(t: &ChildGuard, st: std::process::ExitStatus) -> String {
    format!(
        "{} exited during the run ({st}); its output:\n{}",
        t.name(),
        runner::log_tail(t.log(), 15)
    )
}

/// Removes an earlier run's report files from `out` (index.json, index.html and the per-case
/// `*_case_*.json|html`), so the folder holds this run only. Nothing else is touched.
pub fn clear_report_files(out: &Path) -> Result<()> {
    let entries = match std::fs::read_dir(out) {
        Ok(e) => e,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(()),
        Err(e) => return Err(Error::io(out, e)),
    };
    for entry in entries {
        let entry = entry.map_err(|e| Error::io(out, e))?;
        let name = entry.file_name().to_string_lossy().into_owned();
        let report = name == "index.json"
            || name == "index.html"
            || (name.contains("_case_") && (name.ends_with(".json") || name.ends_with(".html")));
        if report && entry.file_type().is_ok_and(|t| t.is_file()) {
            std::fs::remove_file(entry.path()).map_err(|e| Error::io(entry.path(), e))?;
        }
    }
    Ok(())
}

/// Puts the shard folders' reports into `out`: the gate helper's [`crate::merge::merge_reports`]
/// builds the folder the unsharded run would have written (index.json byte for byte as wstest
/// writes it, index.html merged cell by cell) in the work folder, then its files replace the
/// earlier report files in `out`. Also used for a single shard, so both paths are the same.
fn merge_into(out: &Path, work_dir: &Path, shards: &[PathBuf]) -> Result<Vec<String>> {
    let merged = work_dir.join("merged");
    let summary = crate::merge::merge_reports(&merged, shards, false)?;
    clear_report_files(out)?;
    for entry in std::fs::read_dir(&merged).map_err(|e| Error::io(&merged, e))? {
        let entry = entry.map_err(|e| Error::io(&merged, e))?;
        let dst = out.join(entry.file_name());
        std::fs::rename(entry.path(), &dst)
            .or_else(|_| std::fs::copy(entry.path(), &dst).map(|_| ()))
            .map_err(|e| Error::io(&dst, e))?;
    }
    Ok(summary.warnings)
}

/// Selected cases that have no row in `out/index.json` (for any agent).
fn missing_cases(out: &Path, cases: &[CaseId]) -> Result<Vec<CaseId>> {
    let path = out.join("index.json");
    let text = std::fs::read(&path).map_err(|e| Error::io(&path, e))?;
    let v: serde_json::Value =
        serde_json::from_slice(&text).map_err(|e| Error::input(&path, format!("not JSON: {e}")))?;
    let mut seen = std::collections::HashSet::new();
    if let Some(obj) = v.as_object() {
        for cases in obj.values() {
            if let Some(c) = cases.as_object() {
                seen.extend(c.keys().cloned());
            }
        }
    }
    Ok(cases
        .iter()
        .filter(|c| !seen.contains(c.as_str()))
        .cloned()
        .collect())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn templates_substitute_url_port_and_agent() {
        assert_eq!(
            expand_template(
                "my-client --url {url} --name {agent} -p {port}",
                "ws://h:1",
                1,
                "me"
            ),
            "my-client --url ws://h:1 --name me -p 1"
        );
        assert!(has_placeholder("srv --port {port}"));
        assert!(!has_placeholder("srv --port 9001"));
    }

    #[test]
    fn a_missing_wstest_names_the_installer() {
        let err = find_wstest(Some(Path::new("/nonexistent/wstest"))).unwrap_err();
        let msg = err.to_string();
        assert!(msg.contains("/nonexistent/wstest"), "{msg}");
        assert!(msg.contains(INSTALL_SCRIPT), "{msg}");
    }

    #[test]
    fn testee_flags_that_cannot_work_are_refused() {
        let base = SuiteOptions {
            mode: Mode::Server,
            select: CaseSelector::default(),
            out: PathBuf::from("x"),
            jobs: 1,
            testee_cmd: Some("python3 echo.py 9001".into()),
            testee_url: None,
            wstest: None,
            agent: None,
            progress: ProgressMode::Off,
        };
        assert!(validate_testee(&base).is_err());
        let with_url = SuiteOptions {
            testee_url: Some("ws://127.0.0.1:9001".into()),
            ..base.clone()
        };
        assert!(validate_testee(&with_url).is_ok());
        let client = SuiteOptions {
            mode: Mode::Client,
            testee_cmd: Some("my-client ws://127.0.0.1:9001".into()),
            ..base.clone()
        };
        assert!(validate_testee(&client).is_err());
        let client_ok = SuiteOptions {
            mode: Mode::Client,
            testee_cmd: Some("my-client {url}".into()),
            ..base
        };
        assert!(validate_testee(&client_ok).is_ok());
        let client_url = SuiteOptions {
            testee_url: Some("ws://127.0.0.1:9001".into()),
            ..client_ok
        };
        assert!(validate_testee(&client_url).is_err());
    }

    #[test]
    fn clearing_removes_only_report_files() {
        let dir = tempfile::tempdir().unwrap();
        for name in [
            "index.json",
            "index.html",
            "a_case_1_1_1.json",
            "a_case_1_1_1.html",
            "notes.txt",
        ] {
            std::fs::write(dir.path().join(name), "x").unwrap();
        }
        clear_report_files(dir.path()).unwrap();
        let left: Vec<String> = std::fs::read_dir(dir.path())
            .unwrap()
            .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
            .collect();
        assert_eq!(left, vec!["notes.txt".to_string()]);
    }

    #[test]
    fn default_out_folders_differ_by_mode() {
        assert_ne!(Mode::Server.default_out(), Mode::Client.default_out());
    }
}
