//! permessage-deflate (RFC 7692): negotiation on both sides and the per-message codec.
//!
//! Negotiation follows §7.1: the server takes the first offer it can honour and answers with the
//! parameters it agrees to; the client checks the answer against what it offered. The codec is
//! raw DEFLATE (no zlib header) with a chosen window; a message is compressed with a sync flush
//! and the trailing `00 00 FF FF` removed (§7.2.1), and that tail is put back before inflating
//! the last frame (§7.2.2). Context takeover keeps the LZ77 window across messages; the
//! `*_no_context_takeover` parameters reset it after each message.
//!
//! zlib (and zlib-rs) refuse a raw-deflate window of 8 bits, so this implementation never
//! compresses with fewer than 9: a server declines an offer with `server_max_window_bits=8` and a
//! client fails a response that demands `client_max_window_bits=8`. Inflating always uses a
//! 15-bit window, which reads streams made with any smaller window. Autobahn 12.x/13.x only use
//! 9 and 15.

use flate2::{Compress, Compression, Decompress, FlushCompress, FlushDecompress, Status};
use std::fmt;

/// The extension token (RFC 7692 §7).
pub const EXTENSION_NAME: &str = "permessage-deflate";

/// The offer a client built on this module sends: any server window, and let the server cap
/// ours (RFC 7692 §7.1.2.2: `client_max_window_bits` without a value).
pub const CLIENT_OFFER: &str = "permessage-deflate; client_max_window_bits";

/// The smallest window zlib will compress raw deflate with.
const MIN_COMPRESS_BITS: u8 = 9;

/// The parameters both sides agreed on, from the point of view of the wire: what the server
/// compresses with and what the client compresses with.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct DeflateConfig {
    pub server_no_context_takeover: bool,
    pub client_no_context_takeover: bool,
    /// LZ77 window (bits) the server compresses with.
    pub server_max_window_bits: u8,
    /// LZ77 window (bits) the client compresses with.
    pub client_max_window_bits: u8,
}

impl Default for DeflateConfig {
    fn default() -> Self {
        DeflateConfig {
            server_no_context_takeover: false,
            client_no_context_takeover: false,
            server_max_window_bits: 15,
            client_max_window_bits: 15,
        }
    }
}

/// One extension offer's parameters, as parsed (RFC 7692 §7.1).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct DeflateParams {
    pub server_no_context_takeover: bool,
    pub client_no_context_takeover: bool,
    pub server_max_window_bits: Option<u8>,
    /// `Some(None)`: present without a value (allowed in an offer only).
    pub client_max_window_bits: Option<Option<u8>>,
}

/// Why an extension header or a compressed message was refused.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum DeflateError {
    /// A parameter is unknown, repeated or has a bad value (RFC 7692 §7.1).
    BadParameter(String),
    /// The server answered with an extension we did not offer, or twice.
    UnexpectedExtension(String),
    /// The answer asks for a window this implementation cannot compress with.
    Unsupported(String),
    /// The compressed data is not valid DEFLATE.
    Corrupt,
    /// The message inflates beyond the configured maximum.
    TooLarge,
}

impl fmt::Display for DeflateError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            DeflateError::BadParameter(s) => write!(f, "bad permessage-deflate parameter: {s}"),
            DeflateError::UnexpectedExtension(s) => write!(f, "unexpected extension: {s}"),
            DeflateError::Unsupported(s) => write!(f, "unsupported permessage-deflate value: {s}"),
            DeflateError::Corrupt => f.write_str("invalid compressed data"),
            DeflateError::TooLarge => f.write_str("decompressed message too large"),
        }
    }
}

impl std::error::Error for DeflateError {}

/// An extension's parameters: names (lower-cased) and optional values.
pub type ExtensionParams = Vec<(String, Option<String>)>;

/// Splits a `Sec-WebSocket-Extensions` value into extensions, each a name and its parameters
/// (RFC 6455 §9.1 grammar; quoted values unquoted).
pub fn parse_extensions(header: &str) -> Vec<(String, ExtensionParams)> {
    let mut out = Vec::new();
    for ext in header.split(',') {
        let mut parts = ext.split(';').map(str::trim);
        let name = match parts.next() {
            Some(n) if !n.is_empty() => n.to_ascii_lowercase(),
            _ => continue,
        };
        let params = parts
            .filter(|p| !p.is_empty())
            .map(|p| match p.split_once('=') {
                Some((k, v)) => (
                    k.trim().to_ascii_lowercase(),
                    Some(v.trim().trim_matches('"').to_string()),
                ),
                None => (p.to_ascii_lowercase(), None),
            })
            .collect();
        out.push((name, params));
    }
    out
}

fn window_bits(name: &str, v: &str) -> Result<u8, DeflateError> {
    // RFC 7692 §7.1.2.1: a decimal 8..15 without leading zeros.
    if v.is_empty() || v.len() > 2 || v.starts_with('0') || !v.bytes().all(|b| b.is_ascii_digit()) {
        return Err(DeflateError::BadParameter(format!("{name}={v}")));
    }
    match v.parse::<u8>() {
        Ok(n @ 8..=15) => Ok(n),
        _ => Err(DeflateError::BadParameter(format!("{name}={v}"))),
    }
}

/// Parses one permessage-deflate parameter list; repeated or unknown parameters are errors.
pub fn parse_params(params: &[(String, Option<String>)]) -> Result<DeflateParams, DeflateError> {
    let mut p = DeflateParams::default();
    let mut seen: Vec<&str> = Vec::new();
    for (k, v) in params {
        if seen.contains(&k.as_str()) {
            return Err(DeflateError::BadParameter(format!("{k} repeated")));
        }
        seen.push(k);
        match (k.as_str(), v) {
            ("server_no_context_takeover", None) => p.server_no_context_takeover = true,
            ("client_no_context_takeover", None) => p.client_no_context_takeover = true,
            ("server_max_window_bits", Some(v)) => {
                p.server_max_window_bits = Some(window_bits(k, v)?)
            }
            ("client_max_window_bits", None) => p.client_max_window_bits = Some(None),
            ("client_max_window_bits", Some(v)) => {
                p.client_max_window_bits = Some(Some(window_bits(k, v)?))
            }
            _ => return Err(DeflateError::BadParameter(k.clone())),
        }
    }
    Ok(p)
}

/// Server side (RFC 7692 §7.1): picks the first permessage-deflate offer it can honour and
/// returns the agreed configuration and the `Sec-WebSocket-Extensions` value to answer with.
/// Offers with bad parameters are declined, not fatal (§7.1: "decline").
pub fn server_accept(header: &str) -> Option<(DeflateConfig, String)> {
    for (name, params) in parse_extensions(header) {
        if name != EXTENSION_NAME {
            continue;
        }
        let Ok(p) = parse_params(&params) else {
            continue;
        };
        let mut cfg = DeflateConfig::default();
        let mut answer = String::from(EXTENSION_NAME);
        if p.server_no_context_takeover {
            cfg.server_no_context_takeover = true;
            answer.push_str("; server_no_context_takeover");
        }
        if let Some(bits) = p.server_max_window_bits {
            if bits < MIN_COMPRESS_BITS {
                continue;
            }
            cfg.server_max_window_bits = bits;
            answer.push_str(&format!("; server_max_window_bits={bits}"));
        }
        if p.client_no_context_takeover {
            // A hint from the client; agreeing lets it reset its compressor (§7.1.1.2).
            cfg.client_no_context_takeover = true;
            answer.push_str("; client_no_context_takeover");
        }
        if let Some(Some(bits)) = p.client_max_window_bits {
            cfg.client_max_window_bits = bits;
        }
        return Some((cfg, answer));
    }
    None
}

/// Client side (RFC 7692 §7.1): checks the server's answer to [`CLIENT_OFFER`]. `Ok(None)` if
/// the server did not accept the extension.
pub fn client_accept(header: Option<&str>) -> Result<Option<DeflateConfig>, DeflateError> {
    let Some(header) = header else {
        return Ok(None);
    };
    let exts = parse_extensions(header);
    if exts.is_empty() {
        return Ok(None);
    }
    if exts.len() > 1 {
        return Err(DeflateError::UnexpectedExtension(header.to_string()));
    }
    let (name, params) = &exts[0];
    if name != EXTENSION_NAME {
        return Err(DeflateError::UnexpectedExtension(name.clone()));
    }
    let p = parse_params(params)?;
    let mut cfg = DeflateConfig {
        server_no_context_takeover: p.server_no_context_takeover,
        client_no_context_takeover: p.client_no_context_takeover,
        ..DeflateConfig::default()
    };
    if let Some(bits) = p.server_max_window_bits {
        cfg.server_max_window_bits = bits;
    }
    match p.client_max_window_bits {
        // §7.1.2.2: the response must carry a value.
        Some(None) => {
            return Err(DeflateError::BadParameter(
                "client_max_window_bits without a value".into(),
            ))
        }
        Some(Some(bits)) if bits < MIN_COMPRESS_BITS => {
            return Err(DeflateError::Unsupported(format!(
                "client_max_window_bits={bits}"
            )))
        }
        Some(Some(bits)) => cfg.client_max_window_bits = bits,
        None => {}
    }
    Ok(Some(cfg))
}

/// The per-connection codec: one compressor for what we send, one decompressor for what we
/// receive, each reset after every message when context takeover is off for its direction.
pub struct PerMessageDeflate {
    compress: Compress,
    decompress: Decompress,
    reset_compress: bool,
    reset_decompress: bool,
}

impl fmt::Debug for PerMessageDeflate {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("PerMessageDeflate")
            .field("reset_compress", &self.reset_compress)
            .field("reset_decompress", &self.reset_decompress)
            .finish()
    }
}

const TAIL: [u8; 4] = [0x00, 0x00, 0xff, 0xff];

impl PerMessageDeflate {
    /// Codec for the server side (`is_server`) or the client side of `cfg`.
    pub fn new(cfg: &DeflateConfig, is_server: bool) -> Self {
        let (own_bits, own_reset, peer_reset) = if is_server {
            (
                cfg.server_max_window_bits,
                cfg.server_no_context_takeover,
                cfg.client_no_context_takeover,
            )
        } else {
            (
                cfg.client_max_window_bits,
                cfg.client_no_context_takeover,
                cfg.server_no_context_takeover,
            )
        };
        PerMessageDeflate {
            compress: Compress::new_with_window_bits(
                Compression::default(),
                false,
                own_bits.clamp(MIN_COMPRESS_BITS, 15),
            ),
            decompress: Decompress::new_with_window_bits(false, 15),
            reset_compress: own_reset,
            reset_decompress: peer_reset,
        }
    }

    /// Compresses one whole message into `out` (§7.2.1: sync flush, tail removed).
    pub fn compress_message(&mut self, data: &[u8], out: &mut Vec<u8>) {
        let start_in = self.compress.total_in();
        let start_len = out.len();
        loop {
            if out.capacity() - out.len() < 1024 {
                out.reserve(data.len() / 2 + 4096);
            }
            let consumed = (self.compress.total_in() - start_in) as usize;
            // Raw deflate into a Vec with spare room cannot fail.
            let _ = self
                .compress
                .compress_vec(&data[consumed..], out, FlushCompress::Sync);
            let consumed = (self.compress.total_in() - start_in) as usize;
            if consumed == data.len() && out.len() < out.capacity() {
                break;
            }
        }
        if out.len() - start_len >= 4 && out.ends_with(&TAIL) {
            out.truncate(out.len() - 4);
        }
        if self.reset_compress {
            self.compress.reset();
        }
    }

    /// Inflates one frame's payload of a compressed message into `out`; `fin` marks the last
    /// frame (the removed tail is appended). Fails once `out` would exceed `max_len`.
    pub fn decompress_frame(
        &mut self,
        data: &[u8],
        fin: bool,
        out: &mut Vec<u8>,
        max_len: usize,
    ) -> Result<(), DeflateError> {
        self.inflate(data, out, max_len)?;
        if fin {
            self.inflate(&TAIL, out, max_len)?;
            if self.reset_decompress {
                self.decompress.reset(false);
            }
        }
        Ok(())
    }

    fn inflate(
        &mut self,
        mut input: &[u8],
        out: &mut Vec<u8>,
        max_len: usize,
    ) -> Result<(), DeflateError> {
        loop {
            if out.capacity() - out.len() < 4096 {
                let grow = out.len().clamp(32 * 1024, 4 * 1024 * 1024);
                out.reserve(grow);
            }
            let before_in = self.decompress.total_in();
            let before_out = out.len();
            let status = self
                .decompress
                .decompress_vec(input, out, FlushDecompress::Sync)
                .map_err(|_| DeflateError::Corrupt)?;
            let used = (self.decompress.total_in() - before_in) as usize;
            input = &input[used..];
            if out.len() > max_len {
                return Err(DeflateError::TooLarge);
            }
            if status == Status::StreamEnd {
                // A final block (BFINAL) ends this DEFLATE stream; the next message starts a
                // new one.
                self.decompress.reset(false);
                if input.is_empty() {
                    return Ok(());
                }
                continue;
            }
            if input.is_empty() && out.len() < out.capacity() {
                return Ok(());
            }
            if used == 0 && out.len() == before_out {
                return if input.is_empty() {
                    Ok(())
                } else {
                    Err(DeflateError::Corrupt)
                };
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn round_trip(cfg: DeflateConfig, msgs: &[&[u8]]) -> Vec<usize> {
        let mut server = PerMessageDeflate::new(&cfg, true);
        let mut client = PerMessageDeflate::new(&cfg, false);
        let mut sizes = Vec::new();
        for m in msgs {
            let mut wire = Vec::new();
            server.compress_message(m, &mut wire);
            assert!(!wire.ends_with(&TAIL));
            sizes.push(wire.len());
            // Split into two frames to exercise the per-frame path.
            let (a, b) = wire.split_at(wire.len() / 2);
            let mut back = Vec::new();
            client
                .decompress_frame(a, false, &mut back, 1 << 20)
                .unwrap();
            client
                .decompress_frame(b, true, &mut back, 1 << 20)
                .unwrap();
            assert_eq!(&back[..], *m);
        }
        sizes
    }

    #[test]
    fn context_takeover_makes_repeats_cheaper_and_no_takeover_does_not() {
        let msg: &[u8] = b"Hello permessage-deflate, hello permessage-deflate, a longer text";
        let with = round_trip(DeflateConfig::default(), &[msg, msg, b""]);
        assert!(with[1] < with[0], "{with:?}");
        let cfg = DeflateConfig {
            server_no_context_takeover: true,
            client_no_context_takeover: true,
            ..DeflateConfig::default()
        };
        let without = round_trip(cfg, &[msg, msg]);
        assert_eq!(without[0], without[1]);
    }

    #[test]
    fn window_bits_nine_round_trips() {
        let cfg = DeflateConfig {
            server_max_window_bits: 9,
            client_max_window_bits: 9,
            ..DeflateConfig::default()
        };
        let big: Vec<u8> = (0..100_000u32).map(|i| (i % 251) as u8).collect();
        round_trip(cfg, &[&big, &big]);
    }

    #[test]
    fn rfc7692_example_hello_inflates() {
        // RFC 7692 §7.2.3.1: "Hello" compressed, tail removed.
        let mut d = PerMessageDeflate::new(&DeflateConfig::default(), false);
        let mut out = Vec::new();
        d.decompress_frame(
            &[0xf2, 0x48, 0xcd, 0xc9, 0xc9, 0x07, 0x00],
            true,
            &mut out,
            100,
        )
        .unwrap();
        assert_eq!(out, b"Hello");
    }

    #[test]
    fn decompression_is_capped() {
        let mut c = PerMessageDeflate::new(&DeflateConfig::default(), true);
        let mut wire = Vec::new();
        c.compress_message(&vec![b'a'; 1 << 20], &mut wire);
        let mut d = PerMessageDeflate::new(&DeflateConfig::default(), false);
        let mut out = Vec::new();
        assert_eq!(
            d.decompress_frame(&wire, true, &mut out, 64 * 1024),
            Err(DeflateError::TooLarge)
        );
        assert!(out.len() < 1 << 20);
    }

    #[test]
    fn garbage_is_corrupt() {
        let mut d = PerMessageDeflate::new(&DeflateConfig::default(), false);
        let mut out = Vec::new();
        assert_eq!(
            d.decompress_frame(&[0xff, 0xff, 0xff, 0xff], true, &mut out, 100),
            Err(DeflateError::Corrupt)
        );
    }

    #[test]
    fn server_takes_first_acceptable_offer_and_echoes_server_params() {
        // Autobahn 13.7: three offers, the first one acceptable.
        let (cfg, answer) = server_accept(
            "permessage-deflate; client_no_context_takeover; client_max_window_bits; server_no_context_takeover; server_max_window_bits=9, permessage-deflate",
        )
        .unwrap();
        assert!(cfg.server_no_context_takeover && cfg.client_no_context_takeover);
        assert_eq!(cfg.server_max_window_bits, 9);
        assert_eq!(
            answer,
            "permessage-deflate; server_no_context_takeover; server_max_window_bits=9; client_no_context_takeover"
        );
        // Bad offers are skipped; an 8-bit server window cannot be honoured.
        let (_, answer) = server_accept(
            "permessage-deflate; server_max_window_bits=8, permessage-deflate; foo, permessage-deflate; server_max_window_bits=16, x-webkit-deflate-frame, permessage-deflate",
        )
        .unwrap();
        assert_eq!(answer, "permessage-deflate");
        assert!(server_accept(
            "x-custom, permessage-deflate; server_no_context_takeover; server_no_context_takeover"
        )
        .is_none());
    }

    #[test]
    fn client_checks_the_answer() {
        assert_eq!(client_accept(None), Ok(None));
        let cfg = client_accept(Some(
            "permessage-deflate; client_max_window_bits=9; client_no_context_takeover",
        ))
        .unwrap()
        .unwrap();
        assert_eq!(cfg.client_max_window_bits, 9);
        assert!(cfg.client_no_context_takeover);
        assert!(client_accept(Some("permessage-deflate; client_max_window_bits")).is_err());
        assert!(client_accept(Some("permessage-deflate; client_max_window_bits=8")).is_err());
        assert!(client_accept(Some("permessage-deflate; server_max_window_bits=07")).is_err());
        assert!(client_accept(Some("x-other")).is_err());
        assert!(client_accept(Some("permessage-deflate, permessage-deflate")).is_err());
    }
}
