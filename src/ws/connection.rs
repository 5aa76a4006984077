//! The protocol state machine (RFC 6455 §5–§7): bytes in, events out, bytes to send.
//!
//! One [`Connection`] serves both roles. It owns no socket: the caller feeds received bytes with
//! [`Connection::receive`], takes events one at a time with [`Connection::poll_event`] (frames are
//! decoded lazily, so an event is handled — say, a message echoed — before the frames after it
//! are looked at, and replies go out in the order the suite expects), and writes
//! [`Connection::output`] to the peer. Pings are answered and Close frames echoed by the core.
//!
//! Failing the connection (§7.1.7) queues a Close frame with the code for the failure (1002
//! protocol error, 1007 invalid payload, 1009 too big) and then only waits for the peer's Close:
//! later data frames are skipped unchecked. Who closes TCP is the caller's job: a server as soon
//! as the close handshake is over (§7.1.1), a client after the server has done so, or after a
//! timeout.

use super::deflate::{DeflateConfig, DeflateError, PerMessageDeflate};
use super::frame::{apply_mask, encode_frame, FrameHeader, OpCode};
use super::utf8::Utf8Validator;
use std::fmt;

/// Which end of the connection we are: it decides masking (§5.1, §5.3).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Role {
    Server,
    Client,
}

/// Limits a connection enforces on what it receives.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Limits {
    /// Largest frame payload accepted (1009 beyond).
    pub max_frame_size: u64,
    /// Largest message accepted, after decompression (1009 beyond).
    pub max_message_size: usize,
}

impl Default for Limits {
    /// 64 MiB: four times the largest message of Autobahn 9.x (16 MiB).
    fn default() -> Self {
        Limits {
            max_frame_size: 64 << 20,
            max_message_size: 64 << 20,
        }
    }
}

/// A complete data message.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Message {
    Text(String),
    Binary(Vec<u8>),
}

/// A Close frame's body (§5.5.1).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CloseFrame {
    pub code: u16,
    pub reason: String,
}

/// What the peer did, or what we concluded.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Event {
    Message(Message),
    /// A Ping; the Pong is already queued (§5.5.2).
    Ping(Vec<u8>),
    Pong(Vec<u8>),
    /// The peer's Close frame; our Close is queued if we had not sent one (§5.5.1).
    Close(Option<CloseFrame>),
    /// We failed the connection; a Close frame with [`ProtocolError::close_code`] is queued.
    Failed(ProtocolError),
}

/// Why the connection was failed; each names the RFC 6455 rule it enforces.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ProtocolError {
    /// §5.2: RSV bits set without an extension that defines them (RSV1 only on the first frame
    /// of a compressed data message, RFC 7692 §6).
    ReservedBits,
    /// §5.2: opcodes 3–7 and 11–15 are reserved.
    ReservedOpcode(u8),
    /// §5.1: a server must fail on an unmasked frame.
    UnmaskedFrame,
    /// §5.1: a client must fail on a masked frame.
    MaskedFrame,
    /// §5.5: control frames must not be fragmented.
    FragmentedControl,
    /// §5.5: control frame payloads are at most 125 bytes.
    ControlTooLong,
    /// §5.4: a continuation frame with no message in progress.
    UnexpectedContinuation,
    /// §5.4: a new data frame while a fragmented message is in progress.
    ExpectedContinuation,
    /// §5.2: a 64-bit length with its top bit set.
    LengthOverflow,
    /// §8.1: a text message (or close reason, §5.5.1) that is not UTF-8.
    InvalidUtf8,
    /// §7.4: a close code that must not be sent on the wire, or is unassigned.
    InvalidCloseCode(u16),
    /// §5.5.1: a close body of one byte.
    CloseTooShort,
    /// A frame above [`Limits::max_frame_size`].
    FrameTooLarge,
    /// A message above [`Limits::max_message_size`] (also after inflating).
    MessageTooLarge,
    /// RFC 7692 §6.2: compressed data that does not inflate.
    BadCompression,
}

impl ProtocolError {
    /// The close code for this failure (§7.4.1).
    pub fn close_code(self) -> u16 {
        match self {
            ProtocolError::InvalidUtf8 => 1007,
            ProtocolError::FrameTooLarge | ProtocolError::MessageTooLarge => 1009,
            _ => 1002,
        }
    }
}

impl fmt::Display for ProtocolError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            ProtocolError::ReservedBits => f.write_str("reserved bits set"),
            ProtocolError::ReservedOpcode(o) => write!(f, "reserved opcode {o}"),
            ProtocolError::UnmaskedFrame => f.write_str("unmasked frame from client"),
            ProtocolError::MaskedFrame => f.write_str("masked frame from server"),
            ProtocolError::FragmentedControl => f.write_str("fragmented control frame"),
            ProtocolError::ControlTooLong => f.write_str("control frame over 125 bytes"),
            ProtocolError::UnexpectedContinuation => f.write_str("continuation without message"),
            ProtocolError::ExpectedContinuation => {
                f.write_str("new message inside a fragmented one")
            }
            ProtocolError::LengthOverflow => f.write_str("payload length over 2^63"),
            ProtocolError::InvalidUtf8 => f.write_str("invalid UTF-8"),
            ProtocolError::InvalidCloseCode(c) => write!(f, "invalid close code {c}"),
            ProtocolError::CloseTooShort => f.write_str("close payload of 1 byte"),
            ProtocolError::FrameTooLarge => f.write_str("frame too large"),
            ProtocolError::MessageTooLarge => f.write_str("message too large"),
            ProtocolError::BadCompression => f.write_str("invalid compressed data"),
        }
    }
}

/// Sending after our Close frame is not allowed (§5.5.1).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct AlreadyClosing;

impl fmt::Display for AlreadyClosing {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("the close handshake has started")
    }
}

impl std::error::Error for AlreadyClosing {}

/// Close codes an endpoint may receive (§7.4.1, §7.4.2 and the IANA registry): 1000–1003,
/// 1007–1014 and 3000–4999. 1004–1006 and 1015 must never be sent; the rest is unassigned.
pub fn is_valid_close_code(code: u16) -> bool {
    matches!(code, 1000..=1003 | 1007..=1014 | 3000..=4999)
}

#[derive(Debug)]
enum ReadState {
    Header,
    Payload {
        header: FrameHeader,
        remaining: u64,
        /// Bytes of this payload already unmasked (mask phase).
        done: usize,
    },
}

#[derive(Debug)]
struct Incoming {
    text: bool,
    compressed: bool,
    data: Vec<u8>,
    utf8: Utf8Validator,
}

/// The sans-IO WebSocket connection (after the opening handshake).
#[derive(Debug)]
pub struct Connection {
    role: Role,
    limits: Limits,
    deflate: Option<PerMessageDeflate>,
    inbuf: Vec<u8>,
    inpos: usize,
    out: Vec<u8>,
    read: ReadState,
    message: Option<Incoming>,
    /// Payload of the control frame or compressed data frame being read.
    frame_buf: Vec<u8>,
    close_sent: bool,
    close_received: bool,
    failed: Option<ProtocolError>,
}

impl Connection {
    /// A connection in the open state; `deflate` is the agreed permessage-deflate configuration.
    pub fn new(role: Role, limits: Limits, deflate: Option<DeflateConfig>) -> Self {
        Connection {
            role,
            limits,
            deflate: deflate.map(|c| PerMessageDeflate::new(&c, role == Role::Server)),
            inbuf: Vec::new(),
            inpos: 0,
            out: Vec::new(),
            read: ReadState::Header,
            message: None,
            frame_buf: Vec::new(),
            close_sent: false,
            close_received: false,
            failed: None,
        }
    }

    pub fn role(&self) -> Role {
        self.role
    }

    /// Feeds bytes read from the peer. Call [`poll_event`](Self::poll_event) afterwards.
    pub fn receive(&mut self, data: &[u8]) {
        if self.close_received {
            return;
        }
        self.inbuf.extend_from_slice(data);
    }

    /// Bytes waiting to be written to the peer.
    pub fn output(&self) -> &[u8] {
        &self.out
    }

    /// Marks the first `n` output bytes as written.
    pub fn consume_output(&mut self, n: usize) {
        self.out.drain(..n.min(self.out.len()));
    }

    /// True once we have sent a Close frame.
    pub fn close_sent(&self) -> bool {
        self.close_sent
    }

    /// True once the peer's Close frame has arrived.
    pub fn close_received(&self) -> bool {
        self.close_received
    }

    /// Both Close frames exchanged: the server may now drop TCP (§7.1.1).
    pub fn is_closed(&self) -> bool {
        self.close_sent && self.close_received
    }

    /// The failure, if we failed the connection.
    pub fn failure(&self) -> Option<ProtocolError> {
        self.failed
    }

    /// True if permessage-deflate is in use.
    pub fn is_compressed(&self) -> bool {
        self.deflate.is_some()
    }

    fn mask(&self) -> Option<[u8; 4]> {
        match self.role {
            Role::Server => None,
            Role::Client => {
                let mut m = [0u8; 4];
                // §5.3 wants unpredictable keys; if the OS source fails, a fixed key still
                // produces valid frames.
                let _ = getrandom::fill(&mut m);
                Some(m)
            }
        }
    }

    /// Queues a data message (compressed if permessage-deflate is in use).
    pub fn send(&mut self, msg: &Message) -> Result<(), AlreadyClosing> {
        match msg {
            Message::Text(s) => self.send_data(OpCode::Text, s.as_bytes()),
            Message::Binary(b) => self.send_data(OpCode::Binary, b),
        }
    }

    fn send_data(&mut self, opcode: OpCode, data: &[u8]) -> Result<(), AlreadyClosing> {
        if self.close_sent {
            return Err(AlreadyClosing);
        }
        let mask = self.mask();
        if let Some(d) = self.deflate.as_mut() {
            let mut z = Vec::new();
            d.compress_message(data, &mut z);
            encode_frame(&mut self.out, true, true, opcode, mask, &z);
        } else {
            encode_frame(&mut self.out, true, false, opcode, mask, data);
        }
        Ok(())
    }

    /// Queues a Ping (payload cut to 125 bytes, §5.5).
    pub fn ping(&mut self, payload: &[u8]) -> Result<(), AlreadyClosing> {
        if self.close_sent {
            return Err(AlreadyClosing);
        }
        let mask = self.mask();
        let p = &payload[..payload.len().min(125)];
        encode_frame(&mut self.out, true, false, OpCode::Ping, mask, p);
        Ok(())
    }

    /// Starts (or answers) the close handshake. The reason is cut to fit 125 bytes on a
    /// character boundary.
    pub fn close(&mut self, code: Option<u16>, reason: &str) -> Result<(), AlreadyClosing> {
        if self.close_sent {
            return Err(AlreadyClosing);
        }
        let mut body = Vec::new();
        if let Some(c) = code {
            body.extend_from_slice(&c.to_be_bytes());
            let mut end = reason.len().min(123);
            while !reason.is_char_boundary(end) {
                end -= 1;
            }
            body.extend_from_slice(&reason.as_bytes()[..end]);
        }
        let mask = self.mask();
        encode_frame(&mut self.out, true, false, OpCode::Close, mask, &body);
        self.close_sent = true;
        Ok(())
    }

    fn fail(&mut self, e: ProtocolError) -> Event {
        let _ = self.close(Some(e.close_code()), &e.to_string());
        self.failed = Some(e);
        self.message = None;
        self.frame_buf.clear();
        Event::Failed(e)
    }

    fn compact(&mut self) {
        if self.inpos == self.inbuf.len() {
            self.inbuf.clear();
            self.inpos = 0;
        } else if self.inpos > 64 * 1024 {
            self.inbuf.drain(..self.inpos);
            self.inpos = 0;
        }
    }

    /// Checks a data or control frame header against §5.2–§5.5 before any payload is read.
    fn check_header(&mut self, h: &FrameHeader) -> Result<(), ProtocolError> {
        if let OpCode::Reserved(o) = h.opcode {
            return Err(ProtocolError::ReservedOpcode(o));
        }
        let first_data = matches!(h.opcode, OpCode::Text | OpCode::Binary);
        if h.rsv2 || h.rsv3 || (h.rsv1 && !(first_data && self.deflate.is_some())) {
            return Err(ProtocolError::ReservedBits);
        }
        match (self.role, h.mask.is_some()) {
            (Role::Server, false) => return Err(ProtocolError::UnmaskedFrame),
            (Role::Client, true) => return Err(ProtocolError::MaskedFrame),
            _ => {}
        }
        if h.opcode.is_control() {
            if !h.fin {
                return Err(ProtocolError::FragmentedControl);
            }
            if h.payload_len > 125 {
                return Err(ProtocolError::ControlTooLong);
            }
            return Ok(());
        }
        if h.payload_len > self.limits.max_frame_size {
            return Err(ProtocolError::FrameTooLarge);
        }
        match (h.opcode, &self.message) {
            (OpCode::Continuation, None) => return Err(ProtocolError::UnexpectedContinuation),
            (OpCode::Text | OpCode::Binary, Some(_)) => {
                return Err(ProtocolError::ExpectedContinuation)
            }
            _ => {}
        }
        if self.message.is_none() {
            self.message = Some(Incoming {
                text: h.opcode == OpCode::Text,
                compressed: h.rsv1,
                data: Vec::new(),
                utf8: Utf8Validator::new(),
            });
        }
        let m = self.message.as_mut().expect("set above");
        if !m.compressed {
            let total = m.data.len() as u64 + h.payload_len;
            if total > self.limits.max_message_size as u64 {
                return Err(ProtocolError::MessageTooLarge);
            }
            m.data.reserve(h.payload_len as usize);
        }
        Ok(())
    }

    /// Decodes frames until one produces an event, or the buffered bytes run out (`None`).
    pub fn poll_event(&mut self) -> Option<Event> {
        loop {
            if self.close_received {
                self.inbuf.clear();
                self.inpos = 0;
                return None;
            }
            match self.read {
                ReadState::Header => {
                    let h = match FrameHeader::decode(&self.inbuf[self.inpos..]) {
                        Ok(Some((h, n))) => {
                            self.inpos += n;
                            h
                        }
                        Ok(None) => {
                            self.compact();
                            return None;
                        }
                        Err(_) => {
                            self.inbuf.clear();
                            self.inpos = 0;
                            if self.failed.is_some() {
                                return None;
                            }
                            return Some(self.fail(ProtocolError::LengthOverflow));
                        }
                    };
                    // Even a refused frame's payload is stepped over, so that the peer's
                    // Close can still be found behind it.
                    self.read = ReadState::Payload {
                        header: h,
                        remaining: h.payload_len,
                        done: 0,
                    };
                    if self.failed.is_none() {
                        if let Err(e) = self.check_header(&h) {
                            return Some(self.fail(e));
                        }
                    }
                }
                ReadState::Payload {
                    header,
                    remaining,
                    done,
                } => {
                    let avail = (self.inbuf.len() - self.inpos) as u64;
                    if header.opcode.is_control() {
                        if avail < remaining {
                            self.compact();
                            return None;
                        }
                        let end = self.inpos + remaining as usize;
                        let mut payload = self.inbuf[self.inpos..end].to_vec();
                        self.inpos = end;
                        self.read = ReadState::Header;
                        if let Some(m) = header.mask {
                            apply_mask(&mut payload, m, 0);
                        }
                        if let Some(ev) = self.on_control(header.opcode, payload) {
                            return Some(ev);
                        }
                        continue;
                    }
                    let take = avail.min(remaining) as usize;
                    if take == 0 && remaining > 0 {
                        self.compact();
                        return None;
                    }
                    let start = self.inpos;
                    self.inpos += take;
                    let remaining = remaining - take as u64;
                    self.read = if remaining == 0 {
                        ReadState::Header
                    } else {
                        ReadState::Payload {
                            header,
                            remaining,
                            done: done + take,
                        }
                    };
                    if self.failed.is_some() {
                        // Skipping to the peer's Close: payloads are not looked at.
                        continue;
                    }
                    let chunk = &mut self.inbuf[start..start + take];
                    if let Some(m) = header.mask {
                        apply_mask(chunk, m, done);
                    }
                    let msg = self.message.as_mut().expect("checked in check_header");
                    if msg.compressed {
                        self.frame_buf.extend_from_slice(chunk);
                    } else {
                        msg.data.extend_from_slice(chunk);
                        if msg.text && msg.utf8.feed(chunk).is_err() {
                            return Some(self.fail(ProtocolError::InvalidUtf8));
                        }
                    }
                    if remaining > 0 {
                        self.compact();
                        return None;
                    }
                    if let Some(ev) = self.end_of_data_frame(header.fin) {
                        return Some(ev);
                    }
                }
            }
        }
    }

    fn end_of_data_frame(&mut self, fin: bool) -> Option<Event> {
        let msg = self.message.as_mut().expect("data frame has a message");
        if msg.compressed {
            let before = msg.data.len();
            let d = self.deflate.as_mut().expect("RSV1 only with deflate");
            let r = d.decompress_frame(
                &self.frame_buf,
                fin,
                &mut msg.data,
                self.limits.max_message_size,
            );
            self.frame_buf.clear();
            match r {
                Ok(()) => {}
                Err(DeflateError::TooLarge) => {
                    return Some(self.fail(ProtocolError::MessageTooLarge))
                }
                Err(_) => return Some(self.fail(ProtocolError::BadCompression)),
            }
            if msg.text && msg.utf8.feed(&msg.data[before..]).is_err() {
                return Some(self.fail(ProtocolError::InvalidUtf8));
            }
        }
        if !fin {
            return None;
        }
        let msg = self.message.take().expect("checked above");
        if msg.text {
            if msg.utf8.finish().is_err() {
                return Some(self.fail(ProtocolError::InvalidUtf8));
            }
            match String::from_utf8(msg.data) {
                Ok(s) => Some(Event::Message(Message::Text(s))),
                Err(_) => Some(self.fail(ProtocolError::InvalidUtf8)),
            }
        } else {
            Some(Event::Message(Message::Binary(msg.data)))
        }
    }

    fn on_control(&mut self, opcode: OpCode, payload: Vec<u8>) -> Option<Event> {
        match opcode {
            OpCode::Ping => {
                if self.failed.is_some() {
                    return None;
                }
                if !self.close_sent {
                    let mask = self.mask();
                    encode_frame(&mut self.out, true, false, OpCode::Pong, mask, &payload);
                }
                Some(Event::Ping(payload))
            }
            OpCode::Pong => {
                if self.failed.is_some() {
                    return None;
                }
                Some(Event::Pong(payload))
            }
            OpCode::Close => {
                if self.failed.is_some() {
                    // The reply to our Close: the handshake is complete, whatever it says.
                    self.close_received = true;
                    let frame = (payload.len() >= 2).then(|| CloseFrame {
                        code: u16::from_be_bytes([payload[0], payload[1]]),
                        reason: String::from_utf8_lossy(&payload[2..]).into_owned(),
                    });
                    return Some(Event::Close(frame));
                }
                // Even a bad Close is the peer's last frame: failing it ends the handshake.
                self.close_received = true;
                let frame = match payload.len() {
                    0 => None,
                    1 => return Some(self.fail(ProtocolError::CloseTooShort)),
                    _ => {
                        let code = u16::from_be_bytes([payload[0], payload[1]]);
                        if !is_valid_close_code(code) {
                            return Some(self.fail(ProtocolError::InvalidCloseCode(code)));
                        }
                        match String::from_utf8(payload[2..].to_vec()) {
                            Ok(reason) => Some(CloseFrame { code, reason }),
                            Err(_) => return Some(self.fail(ProtocolError::InvalidUtf8)),
                        }
                    }
                };
                if !self.close_sent {
                    // §5.5.1: echo the status code.
                    let _ = self.close(frame.as_ref().map(|f| f.code), "");
                }
                Some(Event::Close(frame))
            }
            _ => None,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const MASK: [u8; 4] = [0x11, 0x22, 0x33, 0x44];

    /// A frame as a client would send it (masked).
    fn cframe(b0: u8, payload: &[u8]) -> Vec<u8> {
        let mut out = Vec::new();
        let h = FrameHeader {
            fin: b0 & 0x80 != 0,
            rsv1: b0 & 0x40 != 0,
            rsv2: b0 & 0x20 != 0,
            rsv3: b0 & 0x10 != 0,
            opcode: OpCode::from_u8(b0),
            mask: Some(MASK),
            payload_len: payload.len() as u64,
        };
        h.encode(&mut out);
        let s = out.len();
        out.extend_from_slice(payload);
        apply_mask(&mut out[s..], MASK, 0);
        out
    }

    fn server() -> Connection {
        Connection::new(Role::Server, Limits::default(), None)
    }

    fn events(c: &mut Connection, bytes: &[u8]) -> Vec<Event> {
        c.receive(bytes);
        std::iter::from_fn(|| c.poll_event()).collect()
    }

    /// Decodes the frames a server wrote: (opcode, payload).
    fn sent(c: &Connection) -> Vec<(OpCode, Vec<u8>)> {
        let mut v = Vec::new();
        let mut b = c.output();
        while let Ok(Some((h, n))) = FrameHeader::decode(b) {
            let end = n + h.payload_len as usize;
            v.push((h.opcode, b[n..end].to_vec()));
            b = &b[end..];
        }
        v
    }

    fn close_code(c: &Connection) -> Option<u16> {
        sent(c)
            .into_iter()
            .find(|(o, _)| *o == OpCode::Close)
            .map(|(_, p)| u16::from_be_bytes([p[0], p[1]]))
    }

    fn failed_with(bytes: &[u8]) -> u16 {
        let mut c = server();
        let ev = events(&mut c, bytes);
        assert!(
            matches!(ev.last(), Some(Event::Failed(_))),
            "expected failure, got {ev:?}"
        );
        close_code(&c).unwrap()
    }

    #[test]
    fn text_and_binary_messages_arrive_whole() {
        let mut c = server();
        let mut bytes = cframe(0x81, b"Hello");
        bytes.extend(cframe(0x82, &[0, 1, 2]));
        assert_eq!(
            events(&mut c, &bytes),
            vec![
                Event::Message(Message::Text("Hello".into())),
                Event::Message(Message::Binary(vec![0, 1, 2]))
            ]
        );
    }

    #[test]
    fn bytes_arriving_one_at_a_time_give_the_same_events() {
        let mut bytes = cframe(0x01, b"Hel");
        bytes.extend(cframe(0x89, b"p"));
        bytes.extend(cframe(0x80, b"lo"));
        let mut c = server();
        let mut got = Vec::new();
        for b in &bytes {
            got.extend(events(&mut c, std::slice::from_ref(b)));
        }
        assert_eq!(
            got,
            vec![
                Event::Ping(b"p".to_vec()),
                Event::Message(Message::Text("Hello".into()))
            ]
        );
    }

    #[test]
    fn fragments_with_interleaved_ping_are_answered_in_order() {
        // §5.4/§5.5: control frames may be injected between fragments.
        let mut bytes = cframe(0x02, b"ab");
        bytes.extend(cframe(0x89, b"ping!"));
        bytes.extend(cframe(0x00, b"cd"));
        bytes.extend(cframe(0x80, b"ef"));
        let mut c = server();
        let ev = events(&mut c, &bytes);
        assert_eq!(ev[1], Event::Message(Message::Binary(b"abcdef".to_vec())));
        assert_eq!(sent(&c), vec![(OpCode::Pong, b"ping!".to_vec())]);
    }

    #[test]
    fn every_ping_gets_its_pong() {
        // Autobahn 2.10: ten pings in flight.
        let mut bytes = Vec::new();
        for i in 0..10u8 {
            bytes.extend(cframe(0x89, &[i]));
        }
        let mut c = server();
        events(&mut c, &bytes);
        let pongs = sent(&c);
        assert_eq!(pongs.len(), 10);
        assert!(pongs
            .iter()
            .enumerate()
            .all(|(i, (o, p))| *o == OpCode::Pong && p == &[i as u8]));
    }

    #[test]
    fn reserved_bits_and_opcodes_fail_1002() {
        assert_eq!(failed_with(&cframe(0xa1, b"x")), 1002); // RSV2
        assert_eq!(failed_with(&cframe(0x91, b"x")), 1002); // RSV3
        assert_eq!(failed_with(&cframe(0xc1, b"x")), 1002); // RSV1 without deflate
        assert_eq!(failed_with(&cframe(0x83, b"")), 1002); // opcode 3
        assert_eq!(failed_with(&cframe(0x8b, b"")), 1002); // opcode 11
    }

    #[test]
    fn nothing_after_a_failure_is_answered() {
        // Autobahn 3.2: echo, then bad frame, then a ping that must not be answered.
        let mut bytes = cframe(0x81, b"ok");
        bytes.extend(cframe(0xa1, b"bad"));
        bytes.extend(cframe(0x89, b"p"));
        let mut c = server();
        let ev = events(&mut c, &bytes);
        assert_eq!(ev.len(), 2);
        assert_eq!(sent(&c).len(), 1);
        assert_eq!(close_code(&c), Some(1002));
    }

    #[test]
    fn masking_rules_per_role() {
        let mut unmasked = Vec::new();
        encode_frame(&mut unmasked, true, false, OpCode::Text, None, b"x");
        assert_eq!(failed_with(&unmasked), 1002);
        let mut client = Connection::new(Role::Client, Limits::default(), None);
        let ev = events(&mut client, &cframe(0x81, b"x"));
        assert_eq!(ev, vec![Event::Failed(ProtocolError::MaskedFrame)]);
        let mut client = Connection::new(Role::Client, Limits::default(), None);
        assert_eq!(
            events(&mut client, &unmasked),
            vec![Event::Message(Message::Text("x".into()))]
        );
        // A client masks what it sends.
        client.send(&Message::Text("y".into())).unwrap();
        let (h, _) = FrameHeader::decode(client.output()).unwrap().unwrap();
        assert!(h.mask.is_some());
    }

    #[test]
    fn control_frame_rules() {
        assert_eq!(failed_with(&cframe(0x09, b"")), 1002); // fragmented ping
        assert_eq!(failed_with(&cframe(0x89, &[0; 126])), 1002); // too long
        let mut c = server();
        let ev = events(&mut c, &cframe(0x89, &[7; 125]));
        assert_eq!(ev, vec![Event::Ping(vec![7; 125])]);
    }

    #[test]
    fn fragmentation_rules() {
        assert_eq!(failed_with(&cframe(0x80, b"x")), 1002); // continuation first
        let mut b = cframe(0x01, b"a");
        b.extend(cframe(0x81, b"b")); // new message mid-fragment
        assert_eq!(failed_with(&b), 1002);
    }

    #[test]
    fn invalid_utf8_fails_fast_mid_frame() {
        // Autobahn 6.4.3: the invalid bytes arrive before the frame is complete.
        let mut payload = "κόσμε".as_bytes().to_vec();
        payload.extend_from_slice(&[0xf4, 0x90, 0x80, 0x80, b'x', b'y']);
        let bytes = cframe(0x81, &payload);
        let mut c = server();
        let cut = bytes.len() - 4; // header + "κόσμε" + F4 90
        let ev = events(&mut c, &bytes[..cut]);
        assert_eq!(ev, vec![Event::Failed(ProtocolError::InvalidUtf8)]);
        assert_eq!(close_code(&c), Some(1007));
    }

    #[test]
    fn invalid_utf8_across_fragments_fails_1007() {
        let mut b = cframe(0x01, &[0xce]);
        b.extend(cframe(0x80, &[0x28]));
        assert_eq!(failed_with(&b), 1007);
        // Truncated code point at the end of the message.
        assert_eq!(failed_with(&cframe(0x81, &[0x61, 0xe2, 0x82])), 1007);
        // Valid when split mid code point.
        let mut b = cframe(0x01, &[0xe2, 0x82]);
        b.extend(cframe(0x80, &[0xac]));
        let mut c = server();
        assert_eq!(
            events(&mut c, &b),
            vec![Event::Message(Message::Text("€".into()))]
        );
    }

    #[test]
    fn close_handshake_echoes_code_and_ignores_what_follows() {
        let mut b = cframe(0x88, &[0x03, 0xe8, b'b', b'y', b'e']);
        b.extend(cframe(0x81, b"late"));
        let mut c = server();
        let ev = events(&mut c, &b);
        assert_eq!(
            ev,
            vec![Event::Close(Some(CloseFrame {
                code: 1000,
                reason: "bye".into()
            }))]
        );
        assert!(c.is_closed());
        assert_eq!(sent(&c), vec![(OpCode::Close, vec![0x03, 0xe8])]);
        // An empty close is answered with an empty close.
        let mut c = server();
        assert_eq!(events(&mut c, &cframe(0x88, b"")), vec![Event::Close(None)]);
        assert_eq!(sent(&c), vec![(OpCode::Close, vec![])]);
    }

    #[test]
    fn close_payload_rules() {
        assert_eq!(failed_with(&cframe(0x88, &[0x03])), 1002);
        // A bad Close still ends the handshake: the peer will send nothing more.
        let mut c = server();
        events(&mut c, &cframe(0x88, &[0x03]));
        assert!(c.is_closed());
        for code in [
            0u16, 999, 1004, 1005, 1006, 1015, 1016, 1100, 2000, 2999, 5000,
        ] {
            assert_eq!(
                failed_with(&cframe(0x88, &code.to_be_bytes())),
                1002,
                "{code}"
            );
        }
        for code in [
            1000u16, 1001, 1002, 1003, 1007, 1008, 1009, 1010, 1011, 3000, 3999, 4000, 4999,
        ] {
            let mut c = server();
            events(&mut c, &cframe(0x88, &code.to_be_bytes()));
            assert_eq!(close_code(&c), Some(code), "{code}");
        }
        // Autobahn 7.5.1: reason not UTF-8.
        assert_eq!(
            failed_with(&cframe(0x88, &[0x03, 0xe8, 0xce, 0xba, 0xe1, 0xbd])),
            1007
        );
    }

    #[test]
    fn after_failure_the_peer_close_completes_the_handshake() {
        let mut b = cframe(0xa1, b"bad");
        b.extend(cframe(0x81, &[0xff])); // not checked any more
        b.extend(cframe(0x88, &[0x03, 0xea]));
        let mut c = server();
        let ev = events(&mut c, &b);
        assert_eq!(
            ev,
            vec![
                Event::Failed(ProtocolError::ReservedBits),
                Event::Close(Some(CloseFrame {
                    code: 1002,
                    reason: String::new()
                }))
            ]
        );
        assert!(c.is_closed());
        assert_eq!(sent(&c).len(), 1);
    }

    #[test]
    fn limits_give_1009() {
        let limits = Limits {
            max_frame_size: 100,
            max_message_size: 150,
        };
        let mut c = Connection::new(Role::Server, limits, None);
        events(&mut c, &cframe(0x82, &[0; 101]));
        assert_eq!(close_code(&c), Some(1009));
        let mut c = Connection::new(Role::Server, limits, None);
        let mut b = cframe(0x02, &[0; 100]);
        b.extend(cframe(0x80, &[0; 51]));
        events(&mut c, &b);
        assert_eq!(close_code(&c), Some(1009));
    }

    #[test]
    fn huge_length_fails() {
        let mut b = vec![0x82, 0xff];
        b.extend_from_slice(&(1u64 << 63).to_be_bytes());
        b.extend_from_slice(&MASK);
        assert_eq!(failed_with(&b), 1002);
    }

    #[test]
    fn compressed_messages_round_trip_and_rsv1_only_on_first_frame() {
        let cfg = DeflateConfig::default();
        let mut client = Connection::new(Role::Client, Limits::default(), Some(cfg));
        let mut server = Connection::new(Role::Server, Limits::default(), Some(cfg));
        client
            .send(&Message::Text("hello hello hello".into()))
            .unwrap();
        let (h, _) = FrameHeader::decode(client.output()).unwrap().unwrap();
        assert!(h.rsv1);
        let wire = client.output().to_vec();
        assert_eq!(
            events(&mut server, &wire),
            vec![Event::Message(Message::Text("hello hello hello".into()))]
        );
        // Control frames are never compressed.
        server.ping(b"p").unwrap();
        let (h, _) = FrameHeader::decode(server.output()).unwrap().unwrap();
        assert!(!h.rsv1);
        // RSV1 on a continuation frame is an error.
        let mut b = cframe(0x41, b"");
        b.extend(cframe(0xc0, b""));
        let mut s = Connection::new(Role::Server, Limits::default(), Some(cfg));
        assert_eq!(
            events(&mut s, &b),
            vec![Event::Failed(ProtocolError::ReservedBits)]
        );
        // RSV1 on a control frame is an error.
        let mut s = Connection::new(Role::Server, Limits::default(), Some(cfg));
        assert_eq!(
            events(&mut s, &cframe(0xc9, b"")),
            vec![Event::Failed(ProtocolError::ReservedBits)]
        );
    }

    #[test]
    fn no_sending_after_close() {
        let mut c = server();
        c.close(Some(1000), "").unwrap();
        assert_eq!(c.send(&Message::Text("x".into())), Err(AlreadyClosing));
        assert_eq!(c.close(Some(1000), ""), Err(AlreadyClosing));
    }
}
