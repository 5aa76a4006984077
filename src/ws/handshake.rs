//! The opening handshake (RFC 6455 §4), both sides, sans-IO.
//!
//! Parsing works on the bytes read so far and returns `Ok(None)` until the blank line that ends
//! the head has arrived; anything after it belongs to the WebSocket stream and is returned to the
//! caller by length. Heads larger than a limit are refused, so a peer cannot make us buffer
//! without end.

use base64::engine::general_purpose::STANDARD as B64;
use base64::Engine;
use sha1::{Digest, Sha1};
use std::fmt;

/// RFC 6455 §1.3: appended to the key before hashing.
pub const GUID: &str = "258EAFA5-E914-47DA-95CA-C5AB0DC85B11";

/// Default maximum size of a request or response head.
pub const MAX_HEAD: usize = 16 * 1024;

/// Why a handshake was refused.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum HandshakeError {
    /// The head did not end within the size limit.
    TooLarge,
    /// Not a well-formed HTTP/1.1 head.
    Malformed(String),
    /// §4.2.1 item 1: the method must be GET.
    Method(String),
    /// §4.2.1 item 2–6 / §4.1: a required header is missing or wrong.
    Header(String),
    /// §4.2.1 item 6: only version 13 is spoken; the answer names it (§4.4).
    Version(String),
    /// §4.1: the server did not answer 101.
    Status(String),
    /// §4.1 item 4: Sec-WebSocket-Accept does not match our key.
    Accept,
}

impl fmt::Display for HandshakeError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            HandshakeError::TooLarge => f.write_str("handshake head too large"),
            HandshakeError::Malformed(s) => write!(f, "malformed handshake: {s}"),
            HandshakeError::Method(m) => write!(f, "method {m} is not GET"),
            HandshakeError::Header(s) => write!(f, "bad handshake header: {s}"),
            HandshakeError::Version(v) => write!(f, "unsupported Sec-WebSocket-Version {v}"),
            HandshakeError::Status(s) => write!(f, "server answered {s}, not 101"),
            HandshakeError::Accept => f.write_str("Sec-WebSocket-Accept does not match the key"),
        }
    }
}

impl std::error::Error for HandshakeError {}

/// A parsed HTTP head: start line and headers in order (names as sent).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Head {
    pub start_line: String,
    pub headers: Vec<(String, String)>,
}

impl Head {
    /// All values of a header (case-insensitive name), in order.
    pub fn values<'a>(&'a self, name: &'a str) -> impl Iterator<Item = &'a str> + 'a {
        self.headers
            .iter()
            .filter(move |(n, _)| n.eq_ignore_ascii_case(name))
            .map(|(_, v)| v.as_str())
    }

    /// The only value of a header; `Err` if repeated, `Ok(None)` if absent.
    pub fn single<'a>(&'a self, name: &'a str) -> Result<Option<&'a str>, HandshakeError> {
        let mut it = self.values(name);
        let first = it.next();
        if it.next().is_some() {
            return Err(HandshakeError::Header(format!("{name} repeated")));
        }
        Ok(first)
    }

    /// True if a comma-separated header contains `token` (case-insensitive), e.g.
    /// `Connection: keep-alive, Upgrade`.
    pub fn has_token(&self, name: &str, token: &str) -> bool {
        self.values(name)
            .flat_map(|v| v.split(','))
            .any(|t| t.trim().eq_ignore_ascii_case(token))
    }

    /// All values of a list header joined with ", " (RFC 7230 §3.2.2), if present.
    pub fn joined(&self, name: &str) -> Option<String> {
        let v: Vec<&str> = self.values(name).collect();
        if v.is_empty() {
            None
        } else {
            Some(v.join(", "))
        }
    }
}

/// Parses an HTTP head from the start of `buf`. `Ok(None)`: the blank line has not arrived yet.
/// On success also returns the head's length in bytes.
pub fn parse_head(buf: &[u8], limit: usize) -> Result<Option<(Head, usize)>, HandshakeError> {
    let end = match buf.windows(4).position(|w| w == b"\r\n\r\n") {
        Some(p) => p + 4,
        None if buf.len() > limit => return Err(HandshakeError::TooLarge),
        None => return Ok(None),
    };
    if end > limit {
        return Err(HandshakeError::TooLarge);
    }
    let text = std::str::from_utf8(&buf[..end - 4])
        .map_err(|_| HandshakeError::Malformed("head is not UTF-8".into()))?;
    let mut lines = text.split("\r\n");
    let start_line = lines.next().unwrap_or_default().to_string();
    let mut headers = Vec::new();
    for line in lines {
        if line.starts_with([' ', '\t']) {
            return Err(HandshakeError::Malformed("folded header line".into()));
        }
        let (name, value) = line.split_once(':').ok_or_else(|| {
            HandshakeError::Malformed(format!("header line without colon: {line:?}"))
        })?;
        if name.is_empty() || !name.bytes().all(is_tchar) {
            return Err(HandshakeError::Malformed(format!(
                "bad header name {name:?}"
            )));
        }
        headers.push((name.to_string(), value.trim().to_string()));
    }
    Ok(Some((
        Head {
            start_line,
            headers,
        },
        end,
    )))
}

/// RFC 7230 §3.2.6 token characters.
fn is_tchar(b: u8) -> bool {
    b.is_ascii_alphanumeric() || b"!#$%&'*+-.^_`|~".contains(&b)
}

/// `Sec-WebSocket-Accept` for a key (§4.2.2 item 5.4).
pub fn accept_key(key: &str) -> String {
    let mut h = Sha1::new();
    h.update(key.as_bytes());
    h.update(GUID.as_bytes());
    B64.encode(h.finalize())
}

/// What a server needs from a valid opening request.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ClientRequest {
    /// Request target (path and query).
    pub target: String,
    pub key: String,
    /// All `Sec-WebSocket-Extensions` values joined, if any.
    pub extensions: Option<String>,
}

/// Server side: checks an opening request (§4.2.1).
pub fn validate_request(head: &Head) -> Result<ClientRequest, HandshakeError> {
    let mut parts = head.start_line.split(' ');
    let (method, target, version) = match (parts.next(), parts.next(), parts.next(), parts.next()) {
        (Some(m), Some(t), Some(v), None) if !t.is_empty() => (m, t, v),
        _ => {
            return Err(HandshakeError::Malformed(format!(
                "request line {:?}",
                head.start_line
            )))
        }
    };
    if method != "GET" {
        return Err(HandshakeError::Method(method.to_string()));
    }
    if version != "HTTP/1.1" {
        return Err(HandshakeError::Malformed(format!("HTTP version {version}")));
    }
    if head.single("Host")?.is_none() {
        return Err(HandshakeError::Header("Host missing".into()));
    }
    if !head.has_token("Upgrade", "websocket") {
        return Err(HandshakeError::Header("Upgrade: websocket missing".into()));
    }
    if !head.has_token("Connection", "Upgrade") {
        return Err(HandshakeError::Header("Connection: Upgrade missing".into()));
    }
    match head.single("Sec-WebSocket-Version")? {
        Some("13") => {}
        Some(v) => return Err(HandshakeError::Version(v.to_string())),
        None => return Err(HandshakeError::Version("(missing)".into())),
    }
    let key = head
        .single("Sec-WebSocket-Key")?
        .ok_or_else(|| HandshakeError::Header("Sec-WebSocket-Key missing".into()))?;
    // §4.2.1 item 5: base64 of a 16-byte value.
    match B64.decode(key) {
        Ok(raw) if raw.len() == 16 => {}
        _ => return Err(HandshakeError::Header(format!("Sec-WebSocket-Key {key:?}"))),
    }
    Ok(ClientRequest {
        target: target.to_string(),
        key: key.to_string(),
        extensions: head.joined("Sec-WebSocket-Extensions"),
    })
}

/// Server side: the 101 answer (§4.2.2), with the agreed extensions if any.
pub fn server_response(key: &str, extensions: Option<&str>) -> Vec<u8> {
    let mut r = format!(
        "HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Accept: {}\r\n",
        accept_key(key)
    );
    if let Some(e) = extensions {
        r.push_str("Sec-WebSocket-Extensions: ");
        r.push_str(e);
        r.push_str("\r\n");
    }
    r.push_str("\r\n");
    r.into_bytes()
}

/// Server side: the answer to a refused request (§4.2.2 item 4, §4.4 for the version).
pub fn reject_response(err: &HandshakeError) -> Vec<u8> {
    let (status, extra) = match err {
        HandshakeError::Version(_) => ("426 Upgrade Required", "Sec-WebSocket-Version: 13\r\n"),
        HandshakeError::Method(_) => ("405 Method Not Allowed", "Allow: GET\r\n"),
        HandshakeError::TooLarge => ("431 Request Header Fields Too Large", ""),
        _ => ("400 Bad Request", ""),
    };
    let body = format!("{err}\n");
    format!(
        "HTTP/1.1 {status}\r\n{extra}Content-Type: text/plain\r\nContent-Length: {}\r\nConnection: close\r\n\r\n{body}",
        body.len()
    )
    .into_bytes()
}

/// Client side: a fresh random key (§4.1 item 7: 16 random bytes, base64).
pub fn new_key() -> String {
    let mut raw = [0u8; 16];
    // The key only needs to be unpredictable enough to defeat caches; on failure of the OS
    // source a fixed key still yields a valid handshake.
    let _ = getrandom::fill(&mut raw);
    B64.encode(raw)
}

/// Client side: the opening request (§4.1).
pub fn client_request(host: &str, target: &str, key: &str, extensions: Option<&str>) -> Vec<u8> {
    let mut r = format!(
        "GET {target} HTTP/1.1\r\nHost: {host}\r\nUpgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Key: {key}\r\nSec-WebSocket-Version: 13\r\n"
    );
    if let Some(e) = extensions {
        r.push_str("Sec-WebSocket-Extensions: ");
        r.push_str(e);
        r.push_str("\r\n");
    }
    r.push_str("\r\n");
    r.into_bytes()
}

/// Client side: checks the server's answer (§4.1, "the client MUST validate the server's
/// response"); returns the `Sec-WebSocket-Extensions` value, if any.
pub fn validate_response(head: &Head, key: &str) -> Result<Option<String>, HandshakeError> {
    let mut parts = head.start_line.splitn(3, ' ');
    let version = parts.next().unwrap_or_default();
    let status = parts.next().unwrap_or_default();
    if !version.starts_with("HTTP/1.") {
        return Err(HandshakeError::Malformed(format!(
            "status line {:?}",
            head.start_line
        )));
    }
    if status != "101" {
        return Err(HandshakeError::Status(head.start_line.clone()));
    }
    if !head.has_token("Upgrade", "websocket") {
        return Err(HandshakeError::Header("Upgrade: websocket missing".into()));
    }
    if !head.has_token("Connection", "Upgrade") {
        return Err(HandshakeError::Header("Connection: Upgrade missing".into()));
    }
    match head.single("Sec-WebSocket-Accept")? {
        Some(a) if a == accept_key(key) => {}
        _ => return Err(HandshakeError::Accept),
    }
    Ok(head.joined("Sec-WebSocket-Extensions"))
}

#[cfg(test)]
mod tests {
    use super::*;

    const REQ: &[u8] = b"GET /chat HTTP/1.1\r\nHost: server.example.com\r\nUpgrade: WebSocket\r\nConnection: keep-alive, upgrade\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\nSec-WebSocket-Extensions: permessage-deflate\r\nSec-WebSocket-Extensions: x-foo\r\n\r\n\x81\x80";

    fn head(req: &[u8]) -> Head {
        parse_head(req, MAX_HEAD).unwrap().unwrap().0
    }

    #[test]
    fn rfc_sample_key_gives_rfc_accept() {
        // RFC 6455 §1.3.
        assert_eq!(
            accept_key("dGhlIHNhbXBsZSBub25jZQ=="),
            "s3pPLMBiTxaQ9kYGzzhZRbK+xOo="
        );
    }

    #[test]
    fn request_parses_incrementally_and_leaves_frame_bytes() {
        for cut in 0..REQ.len() - 2 {
            assert_eq!(parse_head(&REQ[..cut], MAX_HEAD), Ok(None), "cut {cut}");
        }
        let (h, used) = parse_head(REQ, MAX_HEAD).unwrap().unwrap();
        assert_eq!(&REQ[used..], b"\x81\x80");
        let r = validate_request(&h).unwrap();
        assert_eq!(r.target, "/chat");
        assert_eq!(r.extensions.as_deref(), Some("permessage-deflate, x-foo"));
    }

    #[test]
    fn oversized_head_is_refused() {
        let big = vec![b'a'; MAX_HEAD + 1];
        assert_eq!(parse_head(&big, MAX_HEAD), Err(HandshakeError::TooLarge));
    }

    fn with(replace: &str, by: &str) -> Result<ClientRequest, HandshakeError> {
        let s = std::str::from_utf8(&REQ[..REQ.len() - 2])
            .unwrap()
            .replace(replace, by);
        validate_request(&head(s.as_bytes()))
    }

    #[test]
    fn request_rules() {
        assert!(matches!(
            with("GET /chat", "POST /chat"),
            Err(HandshakeError::Method(_))
        ));
        assert!(with("HTTP/1.1\r\nHost", "HTTP/1.0\r\nHost").is_err());
        assert!(matches!(
            with("Version: 13", "Version: 8"),
            Err(HandshakeError::Version(_))
        ));
        assert!(with("Upgrade: WebSocket", "Upgrade: h2c").is_err());
        assert!(with("keep-alive, upgrade", "keep-alive").is_err());
        assert!(with("Host: server.example.com\r\n", "").is_err());
        // The key must decode to exactly 16 bytes.
        assert!(with("dGhlIHNhbXBsZSBub25jZQ==", "dGhlIHNhbXBsZQ==").is_err());
        assert!(with("dGhlIHNhbXBsZSBub25jZQ==", "not base64!").is_err());
        assert!(with(
            "Key: dGhl",
            "Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Key: dGhl"
        )
        .is_err());
    }

    #[test]
    fn version_refusal_names_13() {
        let r = reject_response(&HandshakeError::Version("8".into()));
        let s = String::from_utf8(r).unwrap();
        assert!(s.starts_with("HTTP/1.1 426"));
        assert!(s.contains("Sec-WebSocket-Version: 13\r\n"));
    }

    #[test]
    fn client_round_trip_and_accept_check() {
        let key = new_key();
        let req = client_request("h:1", "/x?y=1", &key, Some("permessage-deflate"));
        let r = validate_request(&head(&req)).unwrap();
        assert_eq!(r.target, "/x?y=1");
        let resp = server_response(&r.key, Some("permessage-deflate"));
        let ext = validate_response(&head(&resp), &key).unwrap();
        assert_eq!(ext.as_deref(), Some("permessage-deflate"));
        assert_eq!(
            validate_response(&head(&resp), &new_key()),
            Err(HandshakeError::Accept)
        );
        let not101 = b"HTTP/1.1 200 OK\r\nContent-Length: 0\r\n\r\n";
        assert!(matches!(
            validate_response(&head(not101), &key),
            Err(HandshakeError::Status(_))
        ));
    }
}
