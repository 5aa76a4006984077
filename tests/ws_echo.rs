//! End-to-end: the real `wstriage serve` binary, driven by the library's own client over TCP.

use std::io::{BufRead, BufReader};
use std::process::{Child, Command, Stdio};
use wstriage::ws::client::{connect, ClientConfig, WsUrl};
use wstriage::ws::{Event, Message};

/// The child, its announced URL, and its stderr (kept open so it can still write).
struct Server(
    Child,
    String,
    #[allow(dead_code)] BufReader<std::process::ChildStderr>,
);

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

/// Starts `wstriage serve` on a free port and reads the address it announces.
fn serve(extra: &[&str]) -> Server {
    let mut child = Command::new(env!("CARGO_BIN_EXE_wstriage"))
        .args(["serve", "--listen", "127.0.0.1:0"])
        .args(extra)
        .stderr(Stdio::piped())
        .spawn()
        .expect("spawn wstriage serve");
    let mut line = String::new();
    let mut err = BufReader::new(child.stderr.take().unwrap());
    err.read_line(&mut line).unwrap();
    let url = line
        .trim()
        .rsplit(' ')
        .next()
        .expect("address in the banner")
        .to_string();
    assert!(url.starts_with("ws://127.0.0.1:"), "{line}");
    Server(child, url, err)
}

fn echo_round_trip(url: &str, deflate: bool) -> bool {
    let cfg = ClientConfig {
        deflate,
        ..ClientConfig::default()
    };
    let mut ws = connect(&WsUrl::parse(url).unwrap(), &cfg).expect("handshake");
    let negotiated = ws.connection().is_compressed();
    let big: Vec<u8> = (0..300_000u32).map(|i| (i * 7 % 256) as u8).collect();
    let sent = [
        Message::Text("Hello, κόσμε".into()),
        Message::Binary(big),
        Message::Text(String::new()),
    ];
    for m in &sent {
        ws.send(m).unwrap();
        match ws.read_event().unwrap() {
            Some(Event::Message(back)) => assert_eq!(&back, m),
            other => panic!("expected the echo, got {other:?}"),
        }
    }
    ws.connection_mut().close(Some(1000), "done").unwrap();
    loop {
        match ws.read_event().unwrap() {
            Some(Event::Close(Some(f))) => {
                assert_eq!(f.code, 1000);
                break;
            }
            Some(_) => {}
            None => panic!("TCP closed before the Close reply"),
        }
    }
    // The server drops TCP after the close handshake (RFC 6455 §7.1.1).
    let mut tcp = ws.stream();
    tcp.set_read_timeout(Some(std::time::Duration::from_secs(5)))
        .unwrap();
    let mut rest = [0u8; 16];
    assert_eq!(std::io::Read::read(&mut tcp, &mut rest).unwrap(), 0);
    negotiated
}

#[test]
fn serve_echoes_text_and_binary_with_and_without_deflate() {
    let s = serve(&[]);
    assert!(
        echo_round_trip(&s.1, true),
        "deflate was offered and should be accepted"
    );
    assert!(!echo_round_trip(&s.1, false));
    let plain = serve(&["--no-deflate"]);
    assert!(
        !echo_round_trip(&plain.1, true),
        "--no-deflate must decline the offer"
    );
}

#[test]
fn serve_refuses_a_bad_handshake_with_400() {
    use std::io::{Read, Write};
    let s = serve(&[]);
    let addr = s.1.trim_start_matches("ws://");
    let mut tcp = std::net::TcpStream::connect(addr).unwrap();
    tcp.write_all(b"GET / HTTP/1.1\r\nHost: x\r\nUpgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Version: 13\r\n\r\n")
        .unwrap();
    let mut answer = String::new();
    tcp.read_to_string(&mut answer).unwrap();
    assert!(answer.starts_with("HTTP/1.1 400"), "{answer}");
}
