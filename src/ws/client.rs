//! A blocking client on top of the sans-IO core, and the suite's client testee
//! (`wstriage client`): read the case count, echo every case, ask for the reports.

use super::connection::{Connection, Event, Limits, Message, Role};
use super::deflate;
use super::handshake;
use super::stream::WebSocket;
use std::fmt;
use std::io::{self, Read, Write};
use std::net::TcpStream;
use std::time::Duration;

/// Why a client connection could not be opened.
#[derive(Debug)]
pub enum ConnectError {
    Url(String),
    Io(io::Error),
    Handshake(handshake::HandshakeError),
    Deflate(deflate::DeflateError),
}

impl fmt::Display for ConnectError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            ConnectError::Url(u) => write!(f, "not a ws:// URL: {u}"),
            ConnectError::Io(e) => write!(f, "{e}"),
            ConnectError::Handshake(e) => write!(f, "{e}"),
            ConnectError::Deflate(e) => write!(f, "{e}"),
        }
    }
}

impl std::error::Error for ConnectError {}

impl From<io::Error> for ConnectError {
    fn from(e: io::Error) -> Self {
        ConnectError::Io(e)
    }
}

/// A `ws://host[:port][/path]` URL split into the address to dial, the Host header and the
/// request target.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct WsUrl {
    pub host: String,
    pub port: u16,
    pub target: String,
}

impl WsUrl {
    pub fn parse(url: &str) -> Result<WsUrl, ConnectError> {
        let rest = url
            .strip_prefix("ws://")
            .ok_or_else(|| ConnectError::Url(url.to_string()))?;
        let (authority, target) = match rest.find(['/', '?']) {
            Some(i) if rest[i..].starts_with('/') => (&rest[..i], rest[i..].to_string()),
            Some(i) => (&rest[..i], format!("/{}", &rest[i..])),
            None => (rest, "/".to_string()),
        };
        let (host, port) = match authority.rsplit_once(':') {
            Some((h, p)) if !h.ends_with(']') || h.starts_with('[') => (
                h.to_string(),
                p.parse().map_err(|_| ConnectError::Url(url.to_string()))?,
            ),
            _ => (authority.to_string(), 80),
        };
        if host.is_empty() {
            return Err(ConnectError::Url(url.to_string()));
        }
        Ok(WsUrl { host, port, target })
    }

    /// The same server, another target.
    pub fn with_target(&self, target: String) -> WsUrl {
        WsUrl {
            target,
            ..self.clone()
        }
    }
}

/// Client options.
#[derive(Debug, Clone, Copy)]
pub struct ClientConfig {
    pub limits: Limits,
    /// Offer permessage-deflate.
    pub deflate: bool,
    pub handshake_timeout: Duration,
}

impl Default for ClientConfig {
    fn default() -> Self {
        ClientConfig {
            limits: Limits::default(),
            deflate: true,
            handshake_timeout: Duration::from_secs(10),
        }
    }
}

/// Opens a WebSocket connection (§4.1).
pub fn connect(url: &WsUrl, config: &ClientConfig) -> Result<WebSocket, ConnectError> {
    let mut stream = TcpStream::connect((url.host.trim_matches(['[', ']']), url.port))?;
    stream.set_nodelay(true)?;
    stream.set_read_timeout(Some(config.handshake_timeout))?;
    let key = handshake::new_key();
    let host = if url.port == 80 {
        url.host.clone()
    } else {
        format!("{}:{}", url.host, url.port)
    };
    let offer = config.deflate.then_some(deflate::CLIENT_OFFER);
    stream.write_all(&handshake::client_request(&host, &url.target, &key, offer))?;
    let mut buf = Vec::new();
    let mut chunk = [0u8; 4096];
    let (head, used) = loop {
        match handshake::parse_head(&buf, handshake::MAX_HEAD) {
            Ok(Some(x)) => break x,
            Ok(None) => {}
            Err(e) => return Err(ConnectError::Handshake(e)),
        }
        let n = stream.read(&mut chunk)?;
        if n == 0 {
            return Err(ConnectError::Io(io::ErrorKind::UnexpectedEof.into()));
        }
        buf.extend_from_slice(&chunk[..n]);
    };
    let ext = handshake::validate_response(&head, &key).map_err(ConnectError::Handshake)?;
    if ext.is_some() && !config.deflate {
        return Err(ConnectError::Deflate(
            deflate::DeflateError::UnexpectedExtension(ext.unwrap_or_default()),
        ));
    }
    let agreed = deflate::client_accept(ext.as_deref()).map_err(ConnectError::Deflate)?;
    stream.set_read_timeout(None)?;
    let conn = Connection::new(Role::Client, config.limits, agreed);
    Ok(WebSocket::new(stream, conn, &buf[used..]))
}

/// Percent-encodes a query value (RFC 3986 unreserved characters kept).
pub fn encode_query_value(v: &str) -> String {
    let mut out = String::new();
    for b in v.bytes() {
        if b.is_ascii_alphanumeric() || b"-._~".contains(&b) {
            out.push(b as char);
        } else {
            out.push_str(&format!("%{b:02X}"));
        }
    }
    out
}

/// Reads the first text message of a connection, then lets it close.
fn read_text_then_close(mut ws: WebSocket) -> io::Result<Option<String>> {
    let mut text = None;
    loop {
        match ws.read_event()? {
            None => break,
            Some(Event::Message(Message::Text(t))) if text.is_none() => text = Some(t),
            Some(_) => {}
        }
        if ws.connection().is_closed() {
            break;
        }
    }
    ws.finish();
    Ok(text)
}

/// Asks a wstest fuzzingserver how many cases it has (`/getCaseCount`).
pub fn case_count(base: &WsUrl, config: &ClientConfig) -> Result<u32, ConnectError> {
    let ws = connect(&base.with_target("/getCaseCount".into()), config)?;
    let text = read_text_then_close(ws)?.unwrap_or_default();
    text.trim()
        .parse()
        .map_err(|_| ConnectError::Url(format!("case count {text:?} is not a number")))
}

/// Runs case `n` as an echo client (`/runCase?case=N&agent=A`).
pub fn run_case(
    base: &WsUrl,
    n: u32,
    agent: &str,
    config: &ClientConfig,
) -> Result<(), ConnectError> {
    let target = format!("/runCase?case={n}&agent={}", encode_query_value(agent));
    let ws = connect(&base.with_target(target), config)?;
    ws.run_echo(&|| false)?;
    Ok(())
}

/// Asks the fuzzingserver to write its reports (`/updateReports?agent=A`).
pub fn update_reports(
    base: &WsUrl,
    agent: &str,
    config: &ClientConfig,
) -> Result<(), ConnectError> {
    let target = format!("/updateReports?agent={}", encode_query_value(agent));
    let ws = connect(&base.with_target(target), config)?;
    read_text_then_close(ws)?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn urls() {
        let u = WsUrl::parse("ws://127.0.0.1:9001").unwrap();
        assert_eq!(
            (u.host.as_str(), u.port, u.target.as_str()),
            ("127.0.0.1", 9001, "/")
        );
        let u = WsUrl::parse("ws://example.com/a?b=c").unwrap();
        assert_eq!(
            (u.host.as_str(), u.port, u.target.as_str()),
            ("example.com", 80, "/a?b=c")
        );
        let u = WsUrl::parse("ws://h:1?x").unwrap();
        assert_eq!(u.target, "/?x");
        assert!(WsUrl::parse("http://h").is_err());
        assert!(WsUrl::parse("ws://h:notaport/").is_err());
    }

    #[test]
    fn agent_names_are_encoded() {
        assert_eq!(encode_query_value("wstriage 0.1/x"), "wstriage%200.1%2Fx");
    }
}
