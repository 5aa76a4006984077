//! A blocking, thread-per-connection echo server on top of the sans-IO core: the suite's server
//! testee (`wstriage serve`).

use super::connection::{Connection, Limits, Role};
use super::deflate;
use super::handshake::{self, HandshakeError};
use super::stream::WebSocket;
use std::io::{self, Read, Write};
use std::net::{SocketAddr, TcpListener, TcpStream};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;
use std::thread;
use std::time::Duration;

/// How the server behaves.
#[derive(Debug, Clone, Copy)]
pub struct ServerConfig {
    pub limits: Limits,
    /// Accept permessage-deflate offers.
    pub deflate: bool,
    /// Time allowed for the opening handshake.
    pub handshake_timeout: Duration,
}

impl Default for ServerConfig {
    fn default() -> Self {
        ServerConfig {
            limits: Limits::default(),
            deflate: true,
            handshake_timeout: Duration::from_secs(10),
        }
    }
}

/// Reads and answers the opening handshake on `stream` (§4.2); returns the connection and any
/// bytes that followed the request head.
pub fn accept(
    stream: &mut TcpStream,
    config: &ServerConfig,
) -> io::Result<Result<(Connection, Vec<u8>), HandshakeError>> {
    // One deadline for the whole head, so a peer trickling bytes cannot hold a thread.
    let deadline = std::time::Instant::now() + config.handshake_timeout;
    let mut buf = Vec::new();
    let mut chunk = [0u8; 4096];
    let (head, used) = loop {
        match handshake::parse_head(&buf, handshake::MAX_HEAD) {
            Ok(Some(x)) => break x,
            Ok(None) => {}
            Err(e) => {
                stream.write_all(&handshake::reject_response(&e))?;
                return Ok(Err(e));
            }
        }
        let left = deadline.saturating_duration_since(std::time::Instant::now());
        if left.is_zero() {
            return Err(io::ErrorKind::TimedOut.into());
        }
        stream.set_read_timeout(Some(left))?;
        let n = stream.read(&mut chunk)?;
        if n == 0 {
            return Err(io::ErrorKind::UnexpectedEof.into());
        }
        buf.extend_from_slice(&chunk[..n]);
    };
    let req = match handshake::validate_request(&head) {
        Ok(r) => r,
        Err(e) => {
            stream.write_all(&handshake::reject_response(&e))?;
            return Ok(Err(e));
        }
    };
    let agreed = if config.deflate {
        req.extensions.as_deref().and_then(deflate::server_accept)
    } else {
        None
    };
    let answer = agreed.as_ref().map(|(_, a)| a.as_str());
    stream.write_all(&handshake::server_response(&req.key, answer))?;
    let conn = Connection::new(Role::Server, config.limits, agreed.map(|(c, _)| c));
    Ok(Ok((conn, buf[used..].to_vec())))
}

/// Serves one echo connection to its end.
pub fn handle(mut stream: TcpStream, config: &ServerConfig, stop: &AtomicBool) -> io::Result<()> {
    stream.set_nodelay(true)?;
    let (conn, leftover) = match accept(&mut stream, config)? {
        Ok(x) => x,
        Err(_) => return Ok(()),
    };
    // A periodic timeout lets the connection notice a shutdown request.
    stream.set_read_timeout(Some(Duration::from_millis(500)))?;
    WebSocket::new(stream, conn, &leftover).run_echo(&|| stop.load(Ordering::Relaxed))
}

/// A running echo server.
pub struct EchoServer {
    listener: TcpListener,
    config: ServerConfig,
    stop: Arc<AtomicBool>,
}

impl EchoServer {
    pub fn bind(addr: &str, config: ServerConfig) -> io::Result<Self> {
        Ok(EchoServer {
            listener: TcpListener::bind(addr)?,
            config,
            stop: Arc::new(AtomicBool::new(false)),
        })
    }

    pub fn local_addr(&self) -> io::Result<SocketAddr> {
        self.listener.local_addr()
    }

    /// A handle that stops the server: set it, then wake the accept loop with [`wake`].
    pub fn stop_flag(&self) -> Arc<AtomicBool> {
        self.stop.clone()
    }

    /// Accepts connections until the stop flag is set, then lets open connections close
    /// (1001) and waits for them.
    pub fn run(self) -> io::Result<()> {
        let mut workers: Vec<thread::JoinHandle<()>> = Vec::new();
        for stream in self.listener.incoming() {
            if self.stop.load(Ordering::Relaxed) {
                break;
            }
            let stream = match stream {
                Ok(s) => s,
                Err(_) => continue,
            };
            let config = self.config;
            let stop = self.stop.clone();
            workers.retain(|w| !w.is_finished());
            workers.push(thread::spawn(move || {
                let _ = handle(stream, &config, &stop);
            }));
        }
        for w in workers {
            let _ = w.join();
        }
        Ok(())
    }
}

/// Unblocks an accept loop listening on `addr` by connecting to it once.
pub fn wake(addr: SocketAddr) {
    let _ = TcpStream::connect_timeout(&addr, Duration::from_secs(1));
}
