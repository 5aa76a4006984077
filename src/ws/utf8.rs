//! Incremental, fail-fast UTF-8 validation (RFC 6455 §8.1, Autobahn 6.x).
//!
//! A text message may arrive in many frames and each frame in many reads. The validator is fed
//! every piece as it arrives and reports an error on the first byte that cannot start or continue
//! a valid sequence — even when that byte is the second byte of a code point whose first byte
//! came in an earlier piece (Autobahn 6.4.x judges "fail fast" by timing). It keeps at most three
//! bytes of an unfinished code point between pieces and leans on `std::str::from_utf8` (whose
//! `error_len() == None` means "valid so far, cut short") for speed on the bulk of the data.

/// The first invalid byte sequence was seen.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct InvalidUtf8;

/// Validates a byte stream that arrives in pieces.
#[derive(Debug, Default, Clone)]
pub struct Utf8Validator {
    pending: [u8; 4],
    pending_len: usize,
}

impl Utf8Validator {
    pub fn new() -> Self {
        Self::default()
    }

    /// Checks the next piece. Fails as soon as the bytes so far cannot be the prefix of valid
    /// UTF-8.
    pub fn feed(&mut self, mut data: &[u8]) -> Result<(), InvalidUtf8> {
        if self.pending_len > 0 {
            while !data.is_empty() {
                self.pending[self.pending_len] = data[0];
                self.pending_len += 1;
                data = &data[1..];
                match std::str::from_utf8(&self.pending[..self.pending_len]) {
                    Ok(_) => {
                        self.pending_len = 0;
                        break;
                    }
                    Err(e) if e.error_len().is_some() => return Err(InvalidUtf8),
                    Err(_) => {}
                }
            }
            if self.pending_len > 0 {
                return Ok(());
            }
        }
        match std::str::from_utf8(data) {
            Ok(_) => Ok(()),
            Err(e) => match e.error_len() {
                Some(_) => Err(InvalidUtf8),
                None => {
                    let tail = &data[e.valid_up_to()..];
                    self.pending[..tail.len()].copy_from_slice(tail);
                    self.pending_len = tail.len();
                    Ok(())
                }
            },
        }
    }

    /// Call at the end of the message: an unfinished code point is an error.
    pub fn finish(&self) -> Result<(), InvalidUtf8> {
        if self.pending_len == 0 {
            Ok(())
        } else {
            Err(InvalidUtf8)
        }
    }

    /// Forgets state, for the next message.
    pub fn reset(&mut self) {
        self.pending_len = 0;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Feeds `data` one byte at a time; returns the index of the byte that failed.
    fn first_failure_bytewise(data: &[u8]) -> Option<usize> {
        let mut v = Utf8Validator::new();
        for (i, b) in data.iter().enumerate() {
            if v.feed(std::slice::from_ref(b)).is_err() {
                return Some(i);
            }
        }
        if v.finish().is_err() {
            return Some(data.len());
        }
        None
    }

    #[test]
    fn valid_text_passes_in_any_split() {
        let s = "κόσμε Hello-µ@ßöäüàá-UTF-8!! \u{10FFFF}\u{FFFD}";
        let b = s.as_bytes();
        for cut in 0..=b.len() {
            let mut v = Utf8Validator::new();
            v.feed(&b[..cut]).unwrap();
            v.feed(&b[cut..]).unwrap();
            v.finish().unwrap();
        }
        assert_eq!(first_failure_bytewise(b), None);
    }

    #[test]
    fn fails_on_the_first_bad_byte_even_mid_code_point() {
        // Autobahn 6.4.1 payload: "κόσμε" then F4 90 80 80 (beyond U+10FFFF): fail at F4 90.
        let mut p = "κόσμε".as_bytes().to_vec();
        let at = p.len();
        p.extend_from_slice(&[0xf4, 0x90, 0x80, 0x80]);
        p.extend_from_slice(b"edited");
        assert_eq!(first_failure_bytewise(&p), Some(at + 1));
        // Surrogates (ED A0..BF) fail on the second byte.
        assert_eq!(first_failure_bytewise(&[0x61, 0xed, 0xa0, 0x80]), Some(2));
        // Overlong forms fail on the first impossible byte.
        assert_eq!(first_failure_bytewise(&[0xc0, 0xaf]), Some(0));
        assert_eq!(first_failure_bytewise(&[0xe0, 0x80, 0xaf]), Some(1));
        // A lone continuation byte.
        assert_eq!(first_failure_bytewise(&[0x80]), Some(0));
    }

    #[test]
    fn truncated_code_point_fails_only_at_finish() {
        let mut v = Utf8Validator::new();
        v.feed(&[0xce, 0xba, 0xe1]).unwrap();
        assert_eq!(v.finish(), Err(InvalidUtf8));
        v.reset();
        v.feed(b"ok").unwrap();
        v.finish().unwrap();
    }

    #[test]
    fn bulk_feed_fails_on_invalid_inside() {
        let mut v = Utf8Validator::new();
        assert_eq!(v.feed(b"abc\xffdef"), Err(InvalidUtf8));
    }
}
