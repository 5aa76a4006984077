//! Arbitrary bytes into the frame decoder and connection state machine, both roles, with and
//! without permessage-deflate, fed in two pieces. Must never panic; every event must be one the
//! API allows after what came before.
#![no_main]

use libfuzzer_sys::fuzz_target;
use wstriage::ws::deflate::DeflateConfig;
use wstriage::ws::{Connection, Event, Limits, Role};

fuzz_target!(|data: &[u8]| {
    if data.is_empty() {
        return;
    }
    let flags = data[0];
    let rest = &data[1..];
    let role = if flags & 1 == 0 { Role::Server } else { Role::Client };
    let deflate = (flags & 2 != 0).then(|| DeflateConfig {
        server_no_context_takeover: flags & 4 != 0,
        client_no_context_takeover: flags & 8 != 0,
        ..DeflateConfig::default()
    });
    let limits = Limits {
        max_frame_size: 1 << 16,
        max_message_size: 1 << 17,
    };
    let mut c = Connection::new(role, limits, deflate);
    let cut = (flags as usize >> 4).min(rest.len());
    let mut failed = false;
    for piece in [&rest[..cut], &rest[cut..]] {
        c.receive(piece);
        while let Some(ev) = c.poll_event() {
            if let Event::Failed(_) = ev {
                assert!(!failed, "failed twice");
                failed = true;
                assert!(c.close_sent());
            }
            if let Event::Message(wstriage::ws::Message::Binary(b)) = &ev {
                assert!(b.len() <= limits.max_message_size);
            }
        }
    }
});
