//! Frame header coding, masking and payload lengths (RFC 6455 §5.2, §5.3).
//!
//! The decoder never blocks: given the bytes received so far it either returns a complete header
//! and how many bytes it used, or `Ok(None)` ("need more bytes"). Payload bytes are not part of
//! the header; the connection consumes them as they arrive, so a text frame can be checked for
//! UTF-8 before its last byte is on the wire (Autobahn 6.4.3/6.4.4).

use std::fmt;

/// Frame opcodes (RFC 6455 §5.2). Values 3–7 and 11–15 are reserved and rejected.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum OpCode {
    Continuation,
    Text,
    Binary,
    Close,
    Ping,
    Pong,
    /// A reserved opcode: receiving one fails the connection (§5.2, Autobahn 4.x).
    Reserved(u8),
}

impl OpCode {
    /// Decodes the low nibble of the first header byte.
    pub fn from_u8(v: u8) -> OpCode {
        match v & 0x0f {
            0 => OpCode::Continuation,
            1 => OpCode::Text,
            2 => OpCode::Binary,
            8 => OpCode::Close,
            9 => OpCode::Ping,
            10 => OpCode::Pong,
            other => OpCode::Reserved(other),
        }
    }

    /// The wire value.
    pub fn as_u8(self) -> u8 {
        match self {
            OpCode::Continuation => 0,
            OpCode::Text => 1,
            OpCode::Binary => 2,
            OpCode::Close => 8,
            OpCode::Ping => 9,
            OpCode::Pong => 10,
            OpCode::Reserved(v) => v & 0x0f,
        }
    }

    /// Control frames have the high bit of the opcode set (§5.5).
    pub fn is_control(self) -> bool {
        self.as_u8() & 0x08 != 0
    }
}

/// A decoded frame header.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct FrameHeader {
    pub fin: bool,
    /// RSV1: "per-message compressed" when permessage-deflate is negotiated (RFC 7692 §6).
    pub rsv1: bool,
    pub rsv2: bool,
    pub rsv3: bool,
    pub opcode: OpCode,
    /// Masking key; clients must mask, servers must not (§5.1, §5.3).
    pub mask: Option<[u8; 4]>,
    pub payload_len: u64,
}

/// A header that can never be valid, whatever follows it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum HeaderError {
    /// The 64-bit length had its most significant bit set (§5.2).
    LengthOverflow,
}

impl fmt::Display for HeaderError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            HeaderError::LengthOverflow => f.write_str("64-bit payload length has its top bit set"),
        }
    }
}

impl FrameHeader {
    /// Decodes a header from the start of `buf`. `Ok(None)`: not enough bytes yet.
    pub fn decode(buf: &[u8]) -> Result<Option<(FrameHeader, usize)>, HeaderError> {
        if buf.len() < 2 {
            return Ok(None);
        }
        let b0 = buf[0];
        let b1 = buf[1];
        let masked = b1 & 0x80 != 0;
        let len7 = b1 & 0x7f;
        let (payload_len, mut pos) = match len7 {
            126 => {
                if buf.len() < 4 {
                    return Ok(None);
                }
                (u16::from_be_bytes([buf[2], buf[3]]) as u64, 4)
            }
            127 => {
                if buf.len() < 10 {
                    return Ok(None);
                }
                let mut b = [0u8; 8];
                b.copy_from_slice(&buf[2..10]);
                let len = u64::from_be_bytes(b);
                if len & (1 << 63) != 0 {
                    return Err(HeaderError::LengthOverflow);
                }
                (len, 10)
            }
            n => (n as u64, 2),
        };
        let mask = if masked {
            if buf.len() < pos + 4 {
                return Ok(None);
            }
            let m = [buf[pos], buf[pos + 1], buf[pos + 2], buf[pos + 3]];
            pos += 4;
            Some(m)
        } else {
            None
        };
        Ok(Some((
            FrameHeader {
                fin: b0 & 0x80 != 0,
                rsv1: b0 & 0x40 != 0,
                rsv2: b0 & 0x20 != 0,
                rsv3: b0 & 0x10 != 0,
                opcode: OpCode::from_u8(b0),
                mask,
                payload_len,
            },
            pos,
        )))
    }

    /// Appends the header to `out`, using the shortest length form (§5.2: "the minimal number
    /// of bytes MUST be used").
    pub fn encode(&self, out: &mut Vec<u8>) {
        let b0 = (self.fin as u8) << 7
            | (self.rsv1 as u8) << 6
            | (self.rsv2 as u8) << 5
            | (self.rsv3 as u8) << 4
            | self.opcode.as_u8();
        let mbit = if self.mask.is_some() { 0x80 } else { 0 };
        out.push(b0);
        if self.payload_len < 126 {
            out.push(mbit | self.payload_len as u8);
        } else if self.payload_len <= u16::MAX as u64 {
            out.push(mbit | 126);
            out.extend_from_slice(&(self.payload_len as u16).to_be_bytes());
        } else {
            out.push(mbit | 127);
            out.extend_from_slice(&self.payload_len.to_be_bytes());
        }
        if let Some(m) = self.mask {
            out.extend_from_slice(&m);
        }
    }
}

/// XORs `data` with the masking key, starting at byte `offset` of the payload (§5.3), so a
/// payload can be unmasked in pieces as it arrives. Works a word at a time: masking is on the
/// hot path of every client frame and every server read.
pub fn apply_mask(data: &mut [u8], mask: [u8; 4], offset: usize) {
    let mut rot = [0u8; 4];
    for (i, r) in rot.iter_mut().enumerate() {
        *r = mask[(offset + i) % 4];
    }
    let word = u32::from_ne_bytes(rot) as u64;
    let wide = word | (word << 32);
    let mut chunks = data.chunks_exact_mut(8);
    for c in &mut chunks {
        let mut b = [0u8; 8];
        b.copy_from_slice(c);
        let v = u64::from_ne_bytes(b) ^ wide;
        c.copy_from_slice(&v.to_ne_bytes());
    }
    for (i, b) in chunks.into_remainder().iter_mut().enumerate() {
        *b ^= rot[i % 4];
    }
}

/// Appends one complete frame (header and, masked if `mask` is set, payload) to `out`.
pub fn encode_frame(
    out: &mut Vec<u8>,
    fin: bool,
    rsv1: bool,
    opcode: OpCode,
    mask: Option<[u8; 4]>,
    payload: &[u8],
) {
    FrameHeader {
        fin,
        rsv1,
        rsv2: false,
        rsv3: false,
        opcode,
        mask,
        payload_len: payload.len() as u64,
    }
    .encode(out);
    let start = out.len();
    out.extend_from_slice(payload);
    if let Some(m) = mask {
        apply_mask(&mut out[start..], m, 0);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn hdr(len: u64, mask: Option<[u8; 4]>) -> FrameHeader {
        FrameHeader {
            fin: true,
            rsv1: false,
            rsv2: false,
            rsv3: false,
            opcode: OpCode::Binary,
            mask,
            payload_len: len,
        }
    }

    #[test]
    fn length_forms_round_trip_with_minimal_encoding() {
        // §5.2: 7-bit up to 125, 16-bit up to 65535, 64-bit above.
        for (len, hlen) in [(0u64, 2usize), (125, 2), (126, 4), (65535, 4), (65536, 10)] {
            let h = hdr(len, None);
            let mut out = Vec::new();
            h.encode(&mut out);
            assert_eq!(out.len(), hlen, "len {len}");
            assert_eq!(FrameHeader::decode(&out), Ok(Some((h, hlen))));
        }
    }

    #[test]
    fn partial_headers_ask_for_more_bytes() {
        let h = hdr(70000, Some([1, 2, 3, 4]));
        let mut out = Vec::new();
        h.encode(&mut out);
        for cut in 0..out.len() {
            assert_eq!(FrameHeader::decode(&out[..cut]), Ok(None), "cut {cut}");
        }
        assert_eq!(FrameHeader::decode(&out), Ok(Some((h, 14))));
    }

    #[test]
    fn length_with_top_bit_is_rejected() {
        let mut buf = vec![0x82, 127];
        buf.extend_from_slice(&(1u64 << 63).to_be_bytes());
        assert_eq!(FrameHeader::decode(&buf), Err(HeaderError::LengthOverflow));
    }

    #[test]
    fn bits_and_opcodes_decode() {
        let (h, _) = FrameHeader::decode(&[0x7b, 0x00]).unwrap().unwrap();
        assert!(!h.fin && h.rsv1 && h.rsv2 && h.rsv3);
        assert_eq!(h.opcode, OpCode::Reserved(11));
        assert!(h.opcode.is_control());
        assert!(!OpCode::Reserved(3).is_control());
        assert_eq!(OpCode::from_u8(9), OpCode::Ping);
    }

    #[test]
    fn mask_in_pieces_equals_mask_at_once() {
        let mask = [0x37, 0xfa, 0x21, 0x3d];
        let data: Vec<u8> = (0..100u8).collect();
        let mut whole = data.clone();
        apply_mask(&mut whole, mask, 0);
        // RFC 6455 §5.3: octet i is XORed with mask[i mod 4].
        for (i, b) in whole.iter().enumerate() {
            assert_eq!(*b, data[i] ^ mask[i % 4]);
        }
        let mut pieces = data.clone();
        let (a, rest) = pieces.split_at_mut(7);
        apply_mask(a, mask, 0);
        let (b, c) = rest.split_at_mut(30);
        apply_mask(b, mask, 7);
        apply_mask(c, mask, 37);
        assert_eq!(pieces, whole);
    }

    #[test]
    fn rfc_example_masked_hello() {
        // RFC 6455 §5.7: a single-frame masked text message "Hello".
        let mut out = Vec::new();
        encode_frame(
            &mut out,
            true,
            false,
            OpCode::Text,
            Some([0x37, 0xfa, 0x21, 0x3d]),
            b"Hello",
        );
        assert_eq!(
            out,
            [0x81, 0x85, 0x37, 0xfa, 0x21, 0x3d, 0x7f, 0x9f, 0x4d, 0x51, 0x58]
        );
    }
}
