//! The processes of a suite run (wstest shards, testee servers or clients), and the guard that
//! stops them.
//!
//! Every child is started in a process group of its own, so that stopping it also stops what it
//! started (a `sh -c` testee command, a server's workers), and so that a Ctrl-C typed at the
//! terminal reaches wstriage alone: wstriage then stops the groups in order instead of every
//! process dying at once mid-write. [`ChildGuard`] stops its group when dropped: on success, on
//! error and on interruption alike. If wstriage itself is killed outright (SIGKILL), the direct
//! children get SIGTERM from the kernel (`PR_SET_PDEATHSIG`), so nothing keeps a port.

use crate::error::{Error, Result};
use std::fs::File;
use std::io::{BufRead, BufReader, Read, Write};
use std::net::{SocketAddr, TcpListener, TcpStream, ToSocketAddrs};
use std::os::unix::process::CommandExt;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, ExitStatus, Stdio};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::mpsc::Sender;
use std::time::{Duration, Instant};

static INTERRUPTED: AtomicBool = AtomicBool::new(false);

extern "C" fn on_signal(_sig: libc::c_int) {
    // Only an atomic store: the one thing that is safe inside a signal handler.
    INTERRUPTED.store(true, Ordering::SeqCst);
}

/// Turns SIGINT, SIGTERM and SIGHUP into a flag that the run loop polls, so the guards get to
/// stop every child before wstriage exits.
pub fn install_interrupt_handler() {
    let handler = on_signal as extern "C" fn(libc::c_int) as libc::sighandler_t;
    // SAFETY: `on_signal` is async-signal-safe (one atomic store) and lives for the whole
    // program; `signal` has no other preconditions.
    unsafe {
        libc::signal(libc::SIGINT, handler);
        libc::signal(libc::SIGTERM, handler);
        libc::signal(libc::SIGHUP, handler);
    }
}

/// True once SIGINT, SIGTERM or SIGHUP arrived (after [`install_interrupt_handler`]).
pub fn interrupted() -> bool {
    INTERRUPTED.load(Ordering::SeqCst)
}

/// The error for a run stopped by a signal; the CLI maps it to exit status 130.
pub fn interrupted_error() -> Error {
    Error::Usage("interrupted: every process of the run was stopped".into())
}

/// A child process in its own process group, stopped (group-wide) when dropped.
pub struct ChildGuard {
    name: String,
    child: Child,
    log: PathBuf,
    status: Option<ExitStatus>,
}

impl ChildGuard {
    /// Starts `cmd` in a new process group, stdin from /dev/null, stderr (and stdout unless
    /// `stdout_lines` is given) appended to `log`. With `stdout_lines`, each stdout line is
    /// copied to the log and sent, with `tag`, to the channel.
    pub fn spawn(
        name: &str,
        mut cmd: Command,
        log: &Path,
        stdout_lines: Option<(usize, Sender<(usize, String)>)>,
    ) -> Result<ChildGuard> {
        let log_file = File::options()
            .create(true)
            .append(true)
            .open(log)
            .map_err(|e| Error::io(log, e))?;
        let err_file = log_file.try_clone().map_err(|e| Error::io(log, e))?;
        cmd.stdin(Stdio::null()).stderr(Stdio::from(err_file));
        if stdout_lines.is_some() {
            cmd.stdout(Stdio::piped());
        } else {
            let out_file = log_file.try_clone().map_err(|e| Error::io(log, e))?;
            cmd.stdout(Stdio::from(out_file));
        }
        cmd.process_group(0);
        // SAFETY: the closure runs between fork and exec and calls only prctl, which is
        // async-signal-safe.
        unsafe {
            cmd.pre_exec(|| {
                libc::prctl(libc::PR_SET_PDEATHSIG, libc::SIGTERM as libc::c_ulong);
                Ok(())
            });
        }
        let program = cmd.get_program().to_string_lossy().into_owned();
        let mut child = cmd
            .spawn()
            .map_err(|e| Error::Usage(format!("could not start {name} ({program}): {e}")))?;
        if let Some((tag, tx)) = stdout_lines {
            if let Some(stdout) = child.stdout.take() {
                let mut copy = log_file;
                std::thread::spawn(move || {
                    let mut reader = BufReader::new(stdout);
                    let mut buf = Vec::new();
                    loop {
                        buf.clear();
                        match reader.read_until(b'\n', &mut buf) {
                            Ok(0) | Err(_) => break,
                            Ok(_) => {
                                let _ = copy.write_all(&buf);
                                let line = String::from_utf8_lossy(&buf).trim_end().to_string();
                                if tx.send((tag, line)).is_err() {
                                    // Nobody listens any more; keep draining so the child
                                    // never blocks on a full pipe.
                                    continue;
                                }
                            }
                        }
                    }
                });
            }
        }
        Ok(ChildGuard {
            name: name.to_string(),
            child,
            log: log.to_path_buf(),
            status: None,
        })
    }

    pub fn name(&self) -> &str {
        &self.name
    }

    pub fn log(&self) -> &Path {
        &self.log
    }

    /// The exit status once the process has ended, without waiting.
    pub fn try_wait(&mut self) -> Option<ExitStatus> {
        if self.status.is_none() {
            if let Ok(Some(st)) = self.child.try_wait() {
                self.status = Some(st);
            }
        }
        self.status
    }

    /// Stops the whole process group: SIGTERM, up to `grace` to exit, then SIGKILL.
    /// Members of the group that outlive the leader (a testee's workers) are signalled too.
    pub fn stop(&mut self, grace: Duration) {
        let pgid = self.child.id() as libc::pid_t;
        // SAFETY: kill(2) with a negative pid signals the process group we created.
        unsafe {
            libc::kill(-pgid, libc::SIGTERM);
        }
        let deadline = Instant::now() + grace;
        while self.try_wait().is_none() && Instant::now() < deadline {
            std::thread::sleep(Duration::from_millis(20));
        }
        // SAFETY: as above; ESRCH (group gone) is fine.
        unsafe {
            libc::kill(-pgid, libc::SIGKILL);
        }
        if self.status.is_none() {
            self.status = self.child.wait().ok();
        }
    }
}

impl Drop for ChildGuard {
    fn drop(&mut self) {
        self.stop(Duration::from_secs(3));
    }
}

/// `n` distinct free TCP ports on 127.0.0.1. All listeners are held until every port is
/// chosen, so the ports differ; another program could still take one before the child binds
/// it, which the readiness check then reports.
pub fn free_ports(n: usize) -> Result<Vec<u16>> {
    let mut listeners = Vec::with_capacity(n);
    for _ in 0..n {
        let l = TcpListener::bind("127.0.0.1:0")
            .map_err(|e| Error::Usage(format!("no free TCP port on 127.0.0.1: {e}")))?;
        listeners.push(l);
    }
    listeners
        .iter()
        .map(|l| {
            l.local_addr()
                .map(|a| a.port())
                .map_err(|e| Error::Usage(format!("no free TCP port on 127.0.0.1: {e}")))
        })
        .collect()
}

/// `host:port` of a `ws://` URL, resolved.
pub fn url_addr(url: &str) -> Result<SocketAddr> {
    let rest = url
        .strip_prefix("ws://")
        .ok_or_else(|| Error::Usage(format!("{url}: only ws:// URLs can be tested")))?;
    let hostport = rest.split('/').next().unwrap_or(rest);
    let hostport = if hostport.contains(':') {
        hostport.to_string()
    } else {
        format!("{hostport}:80")
    };
    hostport
        .to_socket_addrs()
        .ok()
        .and_then(|mut a| a.next())
        .ok_or_else(|| Error::Usage(format!("{url}: cannot resolve {hostport}")))
}

/// Waits until something accepts TCP connections at `addr`. Fails early when `child` (the
/// process expected to listen there) exits, or on interruption.
pub fn wait_for_port(
    addr: SocketAddr,
    timeout: Duration,
    mut child: Option<&mut ChildGuard>,
) -> Result<()> {
    let deadline = Instant::now() + timeout;
    loop {
        if TcpStream::connect_timeout(&addr, Duration::from_millis(250)).is_ok() {
            return Ok(());
        }
        if interrupted() {
            return Err(interrupted_error());
        }
        if let Some(c) = child.as_deref_mut() {
            if let Some(st) = c.try_wait() {
                return Err(Error::Usage(format!(
                    "{} exited ({st}) before listening on {addr}; its output:\n{}",
                    c.name(),
                    log_tail(c.log(), 20)
                )));
            }
        }
        if Instant::now() >= deadline {
            let who = child.map(|c| c.name().to_string()).unwrap_or_default();
            return Err(Error::Usage(format!(
                "nothing listens on {addr} after {}s {who}",
                timeout.as_secs()
            )));
        }
        std::thread::sleep(Duration::from_millis(100));
    }
}

/// The last `n` lines of a log file, for error messages.
pub fn log_tail(path: &Path, n: usize) -> String {
    let text = match std::fs::read(path) {
        Ok(b) => String::from_utf8_lossy(&b).into_owned(),
        Err(e) => return format!("  (cannot read {}: {e})", path.display()),
    };
    let lines: Vec<&str> = text.lines().collect();
    let start = lines.len().saturating_sub(n);
    let mut out: String = lines[start..]
        .iter()
        .map(|l| format!("  | {l}\n"))
        .collect();
    if out.is_empty() {
        out = "  (no output)\n".into();
    }
    out
}

/// Asks a wstest fuzzing server to write its reports (`/updateReports`), as a testee client
/// does at the end; used when the client under test exits without doing it. The suite writes
/// the reports inside its `onOpen`, before it sends its close frame, so once the close frame
/// (or EOF) arrives the files are complete.
pub fn request_update_reports(addr: SocketAddr, agent: &str, timeout: Duration) -> Result<()> {
    let fail =
        |what: String| Error::Usage(format!("asking wstest at {addr} for its reports: {what}"));
    let mut s = TcpStream::connect_timeout(&addr, Duration::from_secs(5))
        .map_err(|e| fail(e.to_string()))?;
    s.set_read_timeout(Some(timeout))
        .map_err(|e| fail(e.to_string()))?;
    let agent_q: String = agent
        .bytes()
        .map(|b| {
            if b.is_ascii_alphanumeric() || b"-._~".contains(&b) {
                (b as char).to_string()
            } else {
                format!("%{b:02X}")
            }
        })
        .collect();
    let req = format!(
        "GET /updateReports?agent={agent_q} HTTP/1.1\r\nHost: {addr}\r\nUpgrade: websocket\r\n\
         Connection: Upgrade\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\n\
         Sec-WebSocket-Version: 13\r\n\r\n"
    );
    s.write_all(req.as_bytes())
        .map_err(|e| fail(e.to_string()))?;
    let mut got = Vec::new();
    let mut buf = [0u8; 4096];
    loop {
        let n = s.read(&mut buf).map_err(|e| fail(e.to_string()))?;
        if n == 0 {
            break;
        }
        got.extend_from_slice(&buf[..n]);
        if let Some(end) = got.windows(4).position(|w| w == b"\r\n\r\n") {
            if !got.starts_with(b"HTTP/1.1 101") {
                let head = String::from_utf8_lossy(&got[..end]).into_owned();
                return Err(fail(format!("handshake refused: {head}")));
            }
            // A close frame from the server (FIN + opcode 8) after the handshake.
            if got[end + 4..].first() == Some(&0x88) {
                // Answer it (masked, code 1000) so the suite records a clean close.
                let _ = s.write_all(&[0x88, 0x82, 0, 0, 0, 0, 0x03, 0xe8]);
                break;
            }
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn free_ports_are_distinct_and_bindable() {
        let ports = free_ports(4).unwrap();
        let mut sorted = ports.clone();
        sorted.sort();
        sorted.dedup();
        assert_eq!(sorted.len(), 4);
        for p in ports {
            assert!(TcpListener::bind(("127.0.0.1", p)).is_ok(), "port {p}");
        }
    }

    #[test]
    fn url_addr_reads_host_and_port() {
        assert_eq!(
            url_addr("ws://127.0.0.1:9001/path").unwrap(),
            "127.0.0.1:9001".parse().unwrap()
        );
        assert_eq!(url_addr("ws://127.0.0.1").unwrap().port(), 80);
        assert!(url_addr("wss://127.0.0.1:9001").is_err());
    }

    #[test]
    fn guard_stops_the_whole_process_group() {
        let dir = tempfile::tempdir().unwrap();
        let log = dir.path().join("child.log");
        let pidfile = dir.path().join("grandchild.pid");
        // The shell starts a grandchild and waits: killing only the shell would leave it.
        let mut cmd = Command::new("sh");
        cmd.arg("-c")
            .arg(format!("sleep 600 & echo $! > {}; wait", pidfile.display()));
        let guard = ChildGuard::spawn("sleeper", cmd, &log, None).unwrap();
        let deadline = Instant::now() + Duration::from_secs(10);
        while std::fs::read_to_string(&pidfile).map_or(true, |s| s.trim().is_empty()) {
            assert!(Instant::now() < deadline, "grandchild never started");
            std::thread::sleep(Duration::from_millis(20));
        }
        let pid: i32 = std::fs::read_to_string(&pidfile)
            .unwrap()
            .trim()
            .parse()
            .unwrap();
        // SAFETY: signal 0 only checks that the process exists.
        assert_eq!(unsafe { libc::kill(pid, 0) }, 0, "grandchild runs");
        drop(guard);
        // The grandchild was reparented to init (or a subreaper), which reaps it shortly.
        let deadline = Instant::now() + Duration::from_secs(5);
        loop {
            let alive = unsafe { libc::kill(pid, 0) } == 0
                && std::fs::read_to_string(format!("/proc/{pid}/stat"))
                    .is_ok_and(|s| !s.contains(") Z "));
            if !alive {
                break;
            }
            assert!(
                Instant::now() < deadline,
                "grandchild {pid} survived the guard"
            );
            std::thread::sleep(Duration::from_millis(50));
        }
    }

    #[test]
    fn stdout_lines_reach_the_channel_and_the_log() {
        let dir = tempfile::tempdir().unwrap();
        let log = dir.path().join("out.log");
        let (tx, rx) = std::sync::mpsc::channel();
        let mut cmd = Command::new("sh");
        cmd.arg("-c").arg("echo one; echo two >&2; echo three");
        let mut g = ChildGuard::spawn("echo", cmd, &log, Some((7, tx))).unwrap();
        let lines: Vec<(usize, String)> = rx.iter().collect();
        assert_eq!(
            lines,
            vec![(7, "one".to_string()), (7, "three".to_string())]
        );
        while g.try_wait().is_none() {
            std::thread::sleep(Duration::from_millis(10));
        }
        let text = std::fs::read_to_string(&log).unwrap();
        assert!(text.contains("one") && text.contains("two") && text.contains("three"));
    }

    #[test]
    fn wait_for_port_reports_a_child_that_exits() {
        let dir = tempfile::tempdir().unwrap();
        let log = dir.path().join("x.log");
        let mut cmd = Command::new("sh");
        cmd.arg("-c").arg("echo cannot bind; exit 3");
        let mut g = ChildGuard::spawn("testee", cmd, &log, None).unwrap();
        let port = free_ports(1).unwrap()[0];
        let addr: SocketAddr = ([127, 0, 0, 1], port).into();
        let err = wait_for_port(addr, Duration::from_secs(10), Some(&mut g)).unwrap_err();
        let msg = err.to_string();
        assert!(
            msg.contains("testee exited") && msg.contains("cannot bind"),
            "{msg}"
        );
    }
}
