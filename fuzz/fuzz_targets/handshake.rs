//! Arbitrary bytes into the opening-handshake parser and validators (server and client side)
//! and the permessage-deflate negotiation. Must never panic.
#![no_main]

use libfuzzer_sys::fuzz_target;
use wstriage::ws::{deflate, handshake};

fuzz_target!(|data: &[u8]| {
    if let Ok(Some((head, used))) = handshake::parse_head(data, handshake::MAX_HEAD) {
        assert!(used <= data.len());
        if let Ok(req) = handshake::validate_request(&head) {
            if let Some(ext) = req.extensions.as_deref() {
                let _ = deflate::server_accept(ext);
            }
            let _ = handshake::server_response(&req.key, None);
        }
        let _ = handshake::validate_response(&head, "dGhlIHNhbXBsZSBub25jZQ==");
        if let Ok(Some(ext)) = handshake::validate_response(&head, "x") {
            let _ = deflate::client_accept(Some(&ext));
        }
    }
    if let Ok(s) = std::str::from_utf8(data) {
        let _ = deflate::server_accept(s);
        let _ = deflate::client_accept(Some(s));
    }
});
