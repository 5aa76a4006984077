//! Closed-loop WebSocket echo load generator for the echo benchmark.
//!
//! N connections, each with exactly one message in flight: send, wait for the whole echo, record
//! the round-trip time, send the next. After a warm-up, it counts for a fixed duration, then
//! closes and prints one `RESULT` line that `scripts/bench-echo.sh` turns into a table.
//!
//! The client side is written here by hand (a few frames, no library) for two reasons: the same
//! client must drive both servers, and it must be able to offer permessage-deflate, which
//! tokio-tungstenite's client cannot. To keep the generator's own cost out of the figures, every
//! outgoing frame (header, mask, payload and, with `--deflate`, its compressed form) is built once
//! before the clock starts; during the run the generator only writes prepared bytes, reads the
//! echo, inflates it when compressed, and compares it with what it sent (a wrong echo is counted
//! as an error, so a fast but broken server cannot win).
//!
//! Bounded by construction: loopback addresses only, at most 256 connections, at most 16 MiB
//! messages, at most 120 s of measurement.
//!
//! Usage: `echo-load --addr 127.0.0.1:9011 --size 65536 [--conns 16] [--duration 5]
//!         [--warmup 1] [--deflate] [--label NAME]`

use flate2::{Compress, Compression, Decompress, FlushCompress, FlushDecompress};
use std::net::SocketAddr;
use std::sync::Arc;
use std::time::{Duration, Instant};
use tokio::io::{AsyncReadExt, AsyncWriteExt, BufReader};
use tokio::net::TcpStream;

const MAX_CONNS: usize = 256;
const MAX_SIZE: usize = 16 << 20;
const MAX_SECS: u64 = 120;
/// Distinct messages each connection cycles through, so deflate with context takeover does not
/// see the same bytes every time.
const POOL: usize = 8;

struct Args {
    addr: SocketAddr,
    size: usize,
    conns: usize,
    duration: Duration,
    warmup: Duration,
    deflate: bool,
    label: String,
}

fn usage(msg: &str) -> ! {
    eprintln!("echo-load: {msg}");
    eprintln!(
        "usage: echo-load --addr HOST:PORT --size BYTES [--conns N] [--duration SECS] [--warmup SECS] [--deflate] [--label NAME]"
    );
    std::process::exit(2);
}

fn parse_args() -> Args {
    let mut addr = None;
    let mut size = None;
    let mut conns = 16usize;
    let mut duration = 5u64;
    let mut warmup = 1u64;
    let mut deflate = false;
    let mut label = String::from("server");
    let mut it = std::env::args().skip(1);
    while let Some(a) = it.next() {
        let mut val = |name: &str| {
            it.next()
                .unwrap_or_else(|| usage(&format!("{name} needs a value")))
        };
        match a.as_str() {
            "--addr" => {
                addr = Some(
                    val("--addr")
                        .parse::<SocketAddr>()
                        .unwrap_or_else(|e| usage(&e.to_string())),
                )
            }
            "--size" => {
                size = Some(
                    val("--size")
                        .parse::<usize>()
                        .unwrap_or_else(|e| usage(&e.to_string())),
                )
            }
            "--conns" => {
                conns = val("--conns")
                    .parse()
                    .unwrap_or_else(|e: std::num::ParseIntError| usage(&e.to_string()))
            }
            "--duration" => {
                duration = val("--duration")
                    .parse()
                    .unwrap_or_else(|e: std::num::ParseIntError| usage(&e.to_string()))
            }
            "--warmup" => {
                warmup = val("--warmup")
                    .parse()
                    .unwrap_or_else(|e: std::num::ParseIntError| usage(&e.to_string()))
            }
            "--deflate" => deflate = true,
            "--label" => label = val("--label"),
            other => usage(&format!("unknown argument {other}")),
        }
    }
    let addr = addr.unwrap_or_else(|| usage("--addr is required"));
    let size = size.unwrap_or_else(|| usage("--size is required"));
    if !addr.ip().is_loopback() {
        usage("only loopback addresses are allowed");
    }
    if size == 0 || size > MAX_SIZE {
        usage("--size must be 1..=16777216");
    }
    if conns == 0 || conns > MAX_CONNS {
        usage("--conns must be 1..=256");
    }
    if duration == 0 || duration > MAX_SECS || warmup > MAX_SECS {
        usage("--duration must be 1..=120 and --warmup at most 120");
    }
    Args {
        addr,
        size,
        conns,
        duration: Duration::from_secs(duration),
        warmup: Duration::from_secs(warmup),
        deflate,
        label,
    }
}

/// xorshift64*: a fixed, dependency-free source of variety for payloads and mask keys.
struct Rng(u64);
impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_F491_4F6C_DD1D)
    }
}

/// ASCII word salad: valid UTF-8 (sent as text, like most real traffic) that deflate compresses
/// to about a quarter at 16 KiB and up (64 B does not shrink), unlike random bytes
/// (incompressible) or one repeated byte (trivial).
fn payload(size: usize, rng: &mut Rng) -> Vec<u8> {
    const WORDS: &[&str] = &[
        "the",
        "socket",
        "frame",
        "message",
        "close",
        "ping",
        "pong",
        "server",
        "client",
        "data",
        "echo",
        "deflate",
        "window",
        "bits",
        "takeover",
        "context",
        "text",
        "binary",
        "mask",
        "payload",
        "length",
        "opcode",
        "reserved",
        "continuation",
        "handshake",
        "upgrade",
        "\"id\":",
        "\"value\":",
        "{",
        "}",
        "[",
        "]",
        "42",
        "1337",
        "0.5",
        "true",
        "false",
        "null",
    ];
    let mut out = Vec::with_capacity(size + 16);
    while out.len() < size {
        let w = WORDS[(rng.next() % WORDS.len() as u64) as usize];
        out.extend_from_slice(w.as_bytes());
        out.push(if rng.next().is_multiple_of(9) {
            b'\n'
        } else {
            b' '
        });
    }
    out.truncate(size);
    out
}

/// Compress one message on its own (no context takeover on our side, which the client may always
/// choose) and drop the trailing 00 00 FF FF, as RFC 7692 section 7.2.1 says.
fn deflate_message(data: &[u8]) -> Vec<u8> {
    let mut c = Compress::new_with_window_bits(Compression::fast(), false, 15);
    let mut out = Vec::with_capacity(data.len() / 2 + 64);
    loop {
        let consumed = c.total_in() as usize;
        out.reserve(data.len() / 4 + 64);
        c.compress_vec(&data[consumed..], &mut out, FlushCompress::Sync)
            .expect("deflate");
        if c.total_in() as usize == data.len() && out.len() < out.capacity() {
            break;
        }
    }
    if out.ends_with(&[0, 0, 0xff, 0xff]) {
        out.truncate(out.len() - 4);
    }
    out
}

/// One masked client frame, FIN set, opcode text, RSV1 when the payload is compressed.
fn client_frame(payload: &[u8], rsv1: bool, opcode: u8, rng: &mut Rng) -> Vec<u8> {
    let mut f = Vec::with_capacity(payload.len() + 14);
    f.push(0x80 | if rsv1 { 0x40 } else { 0 } | opcode);
    let n = payload.len();
    if n < 126 {
        f.push(0x80 | n as u8);
    } else if n <= 0xffff {
        f.push(0x80 | 126);
        f.extend_from_slice(&(n as u16).to_be_bytes());
    } else {
        f.push(0x80 | 127);
        f.extend_from_slice(&(n as u64).to_be_bytes());
    }
    let key = (rng.next() as u32).to_be_bytes();
    f.extend_from_slice(&key);
    f.extend(payload.iter().enumerate().map(|(i, b)| b ^ key[i & 3]));
    f
}

struct Prepared {
    /// (plain payload, frame bytes to write)
    msgs: Vec<(Vec<u8>, Vec<u8>)>,
}

#[derive(Default)]
struct ConnStats {
    msgs: u64,
    bytes: u64,
    errors: u64,
    lat_us: Vec<u32>,
    deflate_negotiated: bool,
}

async fn handshake(
    stream: &mut BufReader<TcpStream>,
    addr: SocketAddr,
    deflate: bool,
) -> Result<Option<bool>, String> {
    let ext = if deflate {
        "Sec-WebSocket-Extensions: permessage-deflate; client_no_context_takeover\r\n"
    } else {
        ""
    };
    let req = format!(
        "GET / HTTP/1.1\r\nHost: {addr}\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n\
         Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n{ext}\r\n"
    );
    stream
        .get_mut()
        .write_all(req.as_bytes())
        .await
        .map_err(|e| e.to_string())?;
    let mut head = Vec::new();
    while !head.ends_with(b"\r\n\r\n") {
        let b = stream
            .read_u8()
            .await
            .map_err(|e| format!("handshake: {e}"))?;
        head.push(b);
        if head.len() > 16 * 1024 {
            return Err("handshake response too long".into());
        }
    }
    let text = String::from_utf8_lossy(&head).to_ascii_lowercase();
    if !text.starts_with("http/1.1 101") {
        return Err(format!(
            "handshake refused: {}",
            text.lines().next().unwrap_or("")
        ));
    }
    let ext_line = text
        .lines()
        .find(|l| l.starts_with("sec-websocket-extensions:"));
    Ok(match ext_line {
        Some(l) if l.contains("permessage-deflate") => {
            Some(l.contains("server_no_context_takeover"))
        }
        _ => None,
    })
}

/// Read one whole message (all fragments); answers pings; returns (rsv1, payload).
async fn read_message(
    stream: &mut BufReader<TcpStream>,
    buf: &mut Vec<u8>,
    rng: &mut Rng,
) -> Result<bool, String> {
    buf.clear();
    let mut compressed = false;
    let mut started = false;
    loop {
        let b0 = stream.read_u8().await.map_err(|e| e.to_string())?;
        let b1 = stream.read_u8().await.map_err(|e| e.to_string())?;
        let fin = b0 & 0x80 != 0;
        let opcode = b0 & 0x0f;
        let mut len = (b1 & 0x7f) as u64;
        if len == 126 {
            len = stream.read_u16().await.map_err(|e| e.to_string())? as u64;
        } else if len == 127 {
            len = stream.read_u64().await.map_err(|e| e.to_string())?;
        }
        if b1 & 0x80 != 0 {
            return Err("server sent a masked frame".into());
        }
        if len > (MAX_SIZE as u64) * 2 {
            return Err("frame too large".into());
        }
        match opcode {
            0x8 => return Err("server closed the connection".into()),
            0x9 | 0xA => {
                let mut p = vec![0u8; len as usize];
                stream.read_exact(&mut p).await.map_err(|e| e.to_string())?;
                if opcode == 0x9 {
                    let pong = client_frame(&p, false, 0xA, rng);
                    stream
                        .get_mut()
                        .write_all(&pong)
                        .await
                        .map_err(|e| e.to_string())?;
                }
                continue;
            }
            0x1 | 0x2 if !started => {
                started = true;
                compressed = b0 & 0x40 != 0;
            }
            0x0 if started => {}
            _ => return Err(format!("unexpected opcode {opcode}")),
        }
        let at = buf.len();
        buf.resize(at + len as usize, 0);
        stream
            .read_exact(&mut buf[at..])
            .await
            .map_err(|e| e.to_string())?;
        if fin {
            return Ok(compressed);
        }
    }
}

fn inflate(
    inf: &mut Decompress,
    input: &mut Vec<u8>,
    out: &mut Vec<u8>,
    expect: usize,
) -> Result<(), String> {
    input.extend_from_slice(&[0, 0, 0xff, 0xff]);
    out.clear();
    out.reserve(expect + 64);
    let start_in = inf.total_in();
    loop {
        let used = (inf.total_in() - start_in) as usize;
        inf.decompress_vec(&input[used..], out, FlushDecompress::Sync)
            .map_err(|e| e.to_string())?;
        let used = (inf.total_in() - start_in) as usize;
        if used == input.len() && out.len() < out.capacity() {
            return Ok(());
        }
        if out.len() > MAX_SIZE * 2 {
            return Err("inflated message too large".into());
        }
        out.reserve(out.capacity().max(4096));
    }
}

async fn run_conn(
    args: Arc<Args>,
    prep: Arc<Prepared>,
    seed: u64,
    start: Instant,
) -> Result<ConnStats, String> {
    let tcp = TcpStream::connect(args.addr)
        .await
        .map_err(|e| format!("connect {}: {e}", args.addr))?;
    tcp.set_nodelay(true).map_err(|e| e.to_string())?;
    let mut stream = BufReader::with_capacity(256 * 1024, tcp);
    let negotiated = handshake(&mut stream, args.addr, args.deflate).await?;
    let mut stats = ConnStats {
        deflate_negotiated: negotiated.is_some(),
        ..Default::default()
    };
    if args.deflate && negotiated.is_none() {
        return Err("server did not accept permessage-deflate".into());
    }
    let server_no_ctx = negotiated.unwrap_or(false);
    let mut inf = Decompress::new_with_window_bits(false, 15);
    let mut rng = Rng(seed | 1);
    let mut buf = Vec::new();
    let mut plain = Vec::new();
    let measure_from = start + args.warmup;
    let end = measure_from + args.duration;
    let mut i = (seed as usize) % POOL;
    loop {
        let (sent, frame) = &prep.msgs[i % POOL];
        i += 1;
        let t0 = Instant::now();
        if t0 >= end {
            break;
        }
        stream
            .get_mut()
            .write_all(frame)
            .await
            .map_err(|e| e.to_string())?;
        let compressed = read_message(&mut stream, &mut buf, &mut rng).await?;
        let got: &[u8] = if compressed {
            if server_no_ctx {
                inf.reset(false);
            }
            inflate(&mut inf, &mut buf, &mut plain, sent.len())?;
            &plain
        } else {
            &buf
        };
        let t1 = Instant::now();
        if t0 >= measure_from {
            stats.msgs += 1;
            stats.bytes += sent.len() as u64;
            if got != &sent[..] {
                stats.errors += 1;
            }
            stats
                .lat_us
                .push((t1 - t0).as_micros().min(u32::MAX as u128) as u32);
        }
    }
    // Polite close (code 1000); the reply is not waited for.
    let close = client_frame(&1000u16.to_be_bytes(), false, 0x8, &mut rng);
    let _ = stream.get_mut().write_all(&close).await;
    Ok(stats)
}

fn percentile(sorted: &[u32], p: f64) -> u32 {
    if sorted.is_empty() {
        return 0;
    }
    let idx = ((sorted.len() as f64 - 1.0) * p).round() as usize;
    sorted[idx.min(sorted.len() - 1)]
}

#[tokio::main]
async fn main() {
    let args = Arc::new(parse_args());
    let mut rng = Rng(0x9E37_79B9_7F4A_7C15);
    let mut msgs = Vec::with_capacity(POOL);
    for _ in 0..POOL {
        let p = payload(args.size, &mut rng);
        let frame = if args.deflate {
            client_frame(&deflate_message(&p), true, 0x1, &mut rng)
        } else {
            client_frame(&p, false, 0x1, &mut rng)
        };
        msgs.push((p, frame));
    }
    let prep = Arc::new(Prepared { msgs });
    let start = Instant::now();
    let mut tasks = Vec::new();
    for c in 0..args.conns {
        tasks.push(tokio::spawn(run_conn(
            args.clone(),
            prep.clone(),
            0x1234_5678 + c as u64 * 7919,
            start,
        )));
    }
    let mut total = ConnStats::default();
    let mut failures = Vec::new();
    for t in tasks {
        match t.await {
            Ok(Ok(s)) => {
                total.msgs += s.msgs;
                total.bytes += s.bytes;
                total.errors += s.errors;
                total.lat_us.extend(s.lat_us);
                total.deflate_negotiated |= s.deflate_negotiated;
            }
            Ok(Err(e)) => failures.push(e),
            Err(e) => failures.push(e.to_string()),
        }
    }
    if !failures.is_empty() {
        eprintln!(
            "echo-load: {} of {} connections failed, first: {}",
            failures.len(),
            args.conns,
            failures[0]
        );
        std::process::exit(1);
    }
    total.lat_us.sort_unstable();
    let secs = args.duration.as_secs_f64();
    let msgs_s = total.msgs as f64 / secs;
    let mb_s = total.bytes as f64 / secs / 1e6;
    println!(
        "RESULT label={} size={} conns={} deflate={} secs={} msgs={} msgs_per_s={:.0} mb_per_s={:.2} p50_us={} p99_us={} errors={}",
        args.label,
        args.size,
        args.conns,
        if total.deflate_negotiated { "yes" } else { "no" },
        secs,
        total.msgs,
        msgs_s,
        mb_s,
        percentile(&total.lat_us, 0.50),
        percentile(&total.lat_us, 0.99),
        total.errors
    );
    if total.errors > 0 {
        std::process::exit(1);
    }
}
