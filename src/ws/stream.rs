//! Blocking I/O over a [`Connection`]: the thin layer between a `TcpStream` and the sans-IO core.

use super::connection::{AlreadyClosing, Connection, Event, Message, Role};
use std::io::{self, Read, Write};
use std::net::{Shutdown, TcpStream};
use std::time::{Duration, Instant};

/// How long to wait for the peer's part of the close handshake (its Close frame, or for a
/// client, the server closing TCP) before dropping the connection ourselves.
pub const CLOSE_TIMEOUT: Duration = Duration::from_secs(2);

/// A WebSocket over a blocking TCP stream.
#[derive(Debug)]
pub struct WebSocket {
    stream: TcpStream,
    conn: Connection,
    buf: Vec<u8>,
}

/// True for the errors a read timeout produces.
pub fn is_timeout(e: &io::Error) -> bool {
    matches!(
        e.kind(),
        io::ErrorKind::WouldBlock | io::ErrorKind::TimedOut
    )
}

impl WebSocket {
    /// Wraps an open connection; `leftover` are bytes read after the handshake head.
    pub fn new(stream: TcpStream, mut conn: Connection, leftover: &[u8]) -> Self {
        conn.receive(leftover);
        WebSocket {
            stream,
            conn,
            buf: vec![0u8; 256 * 1024],
        }
    }

    pub fn connection(&self) -> &Connection {
        &self.conn
    }

    pub fn connection_mut(&mut self) -> &mut Connection {
        &mut self.conn
    }

    pub fn stream(&self) -> &TcpStream {
        &self.stream
    }

    /// Writes everything queued.
    pub fn flush(&mut self) -> io::Result<()> {
        if !self.conn.output().is_empty() {
            self.stream.write_all(self.conn.output())?;
            let n = self.conn.output().len();
            self.conn.consume_output(n);
        }
        Ok(())
    }

    /// The next event; `Ok(None)` when the peer closed TCP. Queued output (pongs, echoes,
    /// Close replies) is written before blocking on a read.
    pub fn read_event(&mut self) -> io::Result<Option<Event>> {
        loop {
            if let Some(ev) = self.conn.poll_event() {
                return Ok(Some(ev));
            }
            self.flush()?;
            if self.conn.close_received() {
                // Nothing after the peer's Close matters (§5.5.1).
                return Ok(None);
            }
            let n = self.stream.read(&mut self.buf)?;
            if n == 0 {
                return Ok(None);
            }
            self.conn.receive(&self.buf[..n]);
        }
    }

    /// Queues a message; it is written by the next `flush` or `read_event`.
    pub fn send(&mut self, msg: &Message) -> Result<(), AlreadyClosing> {
        self.conn.send(msg)
    }

    /// Ends the TCP connection once the close handshake is over (or given up on). A server
    /// closes first (§7.1.1): it half-closes and waits briefly for the client's FIN, so that
    /// unread bytes do not turn the close into a reset. A client waits for the server to close.
    pub fn finish(mut self) {
        let _ = self.flush();
        if self.conn.role() == Role::Server {
            let _ = self.stream.shutdown(Shutdown::Write);
        }
        let deadline = Instant::now() + CLOSE_TIMEOUT;
        let mut scratch = [0u8; 4096];
        loop {
            let left = deadline.saturating_duration_since(Instant::now());
            if left.is_zero() || self.stream.set_read_timeout(Some(left)).is_err() {
                break;
            }
            match self.stream.read(&mut scratch) {
                Ok(0) | Err(_) => break,
                Ok(_) => {}
            }
        }
        let _ = self.stream.shutdown(Shutdown::Both);
    }

    /// Echoes every data message back with its type until the connection closes; `stop` is
    /// polled at each read timeout (set one on the stream to make it effective) and starts a
    /// 1001 close when it returns true.
    pub fn run_echo(mut self, stop: &dyn Fn() -> bool) -> io::Result<()> {
        let mut close_started: Option<Instant> = None;
        loop {
            if self.conn.is_closed() {
                break;
            }
            if self.conn.close_sent() {
                let t = *close_started.get_or_insert_with(Instant::now);
                if t.elapsed() > CLOSE_TIMEOUT {
                    break;
                }
                self.stream.set_read_timeout(Some(CLOSE_TIMEOUT))?;
            }
            match self.read_event() {
                Ok(None) => break,
                Ok(Some(Event::Message(m))) => {
                    let _ = self.conn.send(&m);
                }
                Ok(Some(_)) => {}
                Err(e) if is_timeout(&e) => {
                    if stop() && !self.conn.close_sent() {
                        let _ = self.conn.close(Some(1001), "going away");
                    }
                }
                Err(e) => return Err(e),
            }
        }
        self.finish();
        Ok(())
    }
}
