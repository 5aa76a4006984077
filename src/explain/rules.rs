//! The rule each case tests: what the fuzzer does, what RFC 6455 (or RFC 7692 for 12.x/13.x)
//! requires of the testee, and how the suite expects the connection to end.
//!
//! Written from the RFC text and from the suite's own case classes (`autobahntestsuite/case/`,
//! `DESCRIPTION`, `EXPECTATION`, `expectedClose`). The statements are ours; the ids, payloads and
//! expected closes follow the suite. Ids cover 0.7.x to 25.10.1: 7.9.x had 13 invalid codes up
//! to 0.7.5 and 11 in 0.7.6–0.8.0, so 7.9.10–7.9.13 map too (the code itself is in the
//! description, which is the only stable name; see REFERENCE D7).

use crate::model::CaseId;
use serde::Serialize;

/// How the suite expects the connection to end (its `expectedClose`), known from the case
/// class even when the report (HTML, pasted text) does not carry it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct CloseRule {
    /// True when the fuzzer is expected to start the closing handshake (the testee behaved and
    /// the fuzzer ends the case); false when the testee must fail the connection itself.
    pub closed_by_fuzzer: bool,
    /// Close codes the testee may send (an empty close, without code, is always accepted).
    pub codes: Vec<u16>,
    /// Whether a full closing handshake with the server dropping TCP is required.
    pub require_clean: bool,
    /// Invalid-UTF-8 cases: the fuzzer (not the testee) closing also fails `behavior`
    /// (`closedByWrongEndpointIsFatal`).
    pub wrong_endpoint_fatal: bool,
}

/// The requirement one case checks.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Rule {
    pub case_id: String,
    /// Sub-group name, e.g. "Reserved bits (RSV)".
    pub topic: &'static str,
    /// What the fuzzer sends.
    pub action: String,
    /// What the RFC requires of the testee, in one or two sentences.
    pub requirement: String,
    /// Where: "RFC 6455 §5.2".
    pub rfc: &'static str,
    pub close: CloseRule,
    /// True when the correct reaction is to fail the connection (protocol error).
    pub must_fail: bool,
}

const NORMAL: u16 = 1000;
const PROTOCOL_ERROR: u16 = 1002;
const INVALID_PAYLOAD: u16 = 1007;

fn fuzzer_closes() -> CloseRule {
    CloseRule {
        closed_by_fuzzer: true,
        codes: vec![NORMAL],
        require_clean: true,
        wrong_endpoint_fatal: false,
    }
}

fn testee_fails(code: u16) -> CloseRule {
    CloseRule {
        closed_by_fuzzer: false,
        codes: vec![code],
        require_clean: false,
        wrong_endpoint_fatal: false,
    }
}

/// Sizes used in 1.1.x / 1.2.x: around the 7-bit, 16-bit and 64-bit length encodings.
const SIZES_1: [&str; 8] = ["0", "125", "126", "127", "128", "65535", "65536", "65536"];
/// 9.1/9.2 message sizes.
const SIZES_9_1: [&str; 6] = ["64 KiB", "256 KiB", "1 MiB", "4 MiB", "8 MiB", "16 MiB"];
/// 9.3/9.4 fragment sizes of a 4 MiB message (9.x.9 sends 8 MiB in 4 MiB fragments).
const FRAGS_9_3: [&str; 9] = [
    "64 B", "256 B", "1 KiB", "4 KiB", "16 KiB", "64 KiB", "256 KiB", "1 MiB", "4 MiB",
];
/// 9.5/9.6 chop sizes for a 1 MiB message.
const CHOPS_9_5: [&str; 6] = ["64", "128", "256", "512", "1024", "2048"];
/// 9.7/9.8 payload sizes of the 1000 round trips.
const RTT_9_7: [&str; 6] = ["0", "16", "64", "256", "1024", "4096"];
/// 12.x/13.x: (payload size, auto-fragment size) for the 18 variants of each sub-group.
const PMCE_SIZES: [(u32, u32); 18] = [
    (16, 0),
    (64, 0),
    (256, 0),
    (1024, 0),
    (4096, 0),
    (8192, 0),
    (16384, 0),
    (32768, 0),
    (65536, 0),
    (131072, 0),
    (8192, 256),
    (16384, 256),
    (32768, 256),
    (65536, 256),
    (131072, 256),
    (131072, 1024),
    (131072, 4096),
    (131072, 32768),
];
/// 7.7.x valid close codes (fuzzer sends, testee echoes or answers 1000).
const VALID_CODES_7_7: [u16; 13] = [
    1000, 1001, 1002, 1003, 1007, 1008, 1009, 1010, 1011, 3000, 3999, 4000, 4999,
];
/// 7.9.x invalid close codes in 0.8.1+; older suites used longer lists (REFERENCE D7).
const INVALID_CODES_7_9: [u16; 9] = [0, 999, 1004, 1005, 1006, 1016, 1100, 2000, 2999];

/// 6.5–6.23 (generated from Markus Kuhn's UTF-8 decoder test): sub-group name, number of
/// cases, and which case numbers carry invalid UTF-8 (the rest are valid and must be echoed).
const UTF8_GENERATED: [(u32, &str, u32, &[u32]); 19] = [
    (5, "Some valid UTF-8 sequences", 5, &[]),
    (
        6,
        "All prefixes of a valid UTF-8 string with multi-byte code points",
        11,
        &[1, 3, 4, 6, 8, 10],
    ),
    (7, "First possible sequence of a certain length", 4, &[]),
    (
        8,
        "First possible sequence length 5/6 (invalid code points)",
        2,
        &[1, 2],
    ),
    (9, "Last possible sequence of a certain length", 4, &[]),
    (
        10,
        "Last possible sequence length 4/5/6 (invalid code points)",
        3,
        &[1, 2, 3],
    ),
    (11, "Other boundary conditions", 5, &[5]),
    (
        12,
        "Unexpected continuation bytes",
        8,
        &[1, 2, 3, 4, 5, 6, 7, 8],
    ),
    (13, "Lonely start characters", 5, &[1, 2, 3, 4, 5]),
    (
        14,
        "Sequences with last continuation byte missing",
        10,
        &[1, 2, 3, 4, 5, 6, 7, 8, 9, 10],
    ),
    (15, "Concatenation of incomplete sequences", 1, &[1]),
    (16, "Impossible bytes", 3, &[1, 2, 3]),
    (17, "Overlong ASCII character", 5, &[1, 2, 3, 4, 5]),
    (18, "Maximum overlong sequences", 5, &[1, 2, 3, 4, 5]),
    (19, "Overlong NUL character", 5, &[1, 2, 3, 4, 5]),
    (20, "Single UTF-16 surrogates", 7, &[1, 2, 3, 4, 5, 6, 7]),
    (21, "Paired UTF-16 surrogates", 8, &[1, 2, 3, 4, 5, 6, 7, 8]),
    (22, "Non-character code points (valid UTF-8)", 34, &[]),
    (23, "Unicode specials (valid UTF-8)", 7, &[]),
];

/// 13.x sub-groups: the client's permessage-deflate offers as (no_context_takeover, max_window_bits).
const PMCE_OFFERS_13: [&str; 7] = [
    "default offer, no parameters",
    "client_no_context_takeover requested",
    "client_max_window_bits=9 requested",
    "client_max_window_bits=15 requested",
    "no_context_takeover + max_window_bits=9 requested",
    "no_context_takeover + max_window_bits=15 requested",
    "three offers in order: (no_context_takeover, max_window_bits=9), (no_context_takeover), (default)",
];

/// 12.x sub-groups: the data set sent (order fixed from 0.8.0; scrambled before, #80).
const PMCE_DATA_12: [&str; 5] = [
    "a large JSON file (UTF-8 text)",
    "the Lena 512x512 bitmap (binary)",
    "Goethe's Faust I (German text, sent as binary)",
    "a large HTML file (UTF-8 text)",
    "a larger PDF (binary)",
];

/// Every case id of the current suite (0.8.1 to 25.10.1), in run order: 517 ids.
pub fn current_case_ids() -> Vec<String> {
    let mut ids = Vec::with_capacity(517);
    let mut push = |prefix: &str, n: u32| {
        for i in 1..=n {
            ids.push(format!("{prefix}{i}"));
        }
    };
    push("1.1.", 8);
    push("1.2.", 8);
    push("2.", 11);
    push("3.", 7);
    push("4.1.", 5);
    push("4.2.", 5);
    push("5.", 20);
    push("6.1.", 3);
    push("6.2.", 4);
    push("6.3.", 2);
    push("6.4.", 4);
    for (sub, _, n, _) in UTF8_GENERATED {
        push(&format!("6.{sub}."), n);
    }
    push("7.1.", 6);
    push("7.3.", 6);
    push("7.5.", 1);
    push("7.7.", 13);
    push("7.9.", 9);
    push("7.13.", 2);
    push("9.1.", 6);
    push("9.2.", 6);
    push("9.3.", 9);
    push("9.4.", 9);
    push("9.5.", 6);
    push("9.6.", 6);
    push("9.7.", 6);
    push("9.8.", 6);
    push("10.1.", 1);
    for sub in 1..=5 {
        push(&format!("12.{sub}."), 18);
    }
    for sub in 1..=7 {
        push(&format!("13.{sub}."), 18);
    }
    ids
}

/// The rule for a case id, or None when the suite (any version since 0.7) defines no such case.
pub fn rule_for(id: &CaseId) -> Option<Rule> {
    let p = id.parts();
    let in_range = |i: u32, n: u32| (1..=n).contains(&i);
    let rule = |topic, action: String, requirement: &str, rfc, close, must_fail| Rule {
        case_id: id.as_str().to_string(),
        topic,
        action,
        requirement: requirement.to_string(),
        rfc,
        close,
        must_fail,
    };
    match p {
        [1, sub @ (1 | 2), n] if in_range(*n, 8) => {
            let kind = if *sub == 1 { "text" } else { "binary" };
            let size = SIZES_1[*n as usize - 1];
            let chop = if *n == 8 { ", written in chops of 997 octets" } else { "" };
            Some(rule(
                "Framing: payload lengths",
                format!("sends one {kind} message of {size} octets{chop}"),
                "The payload length uses the 7-bit form up to 125, the 16-bit form (126) up to 65535 and the 64-bit form (127) above; the testee must read each form and echo the message unchanged, then close normally.",
                "RFC 6455 §5.2",
                fuzzer_closes(),
                false,
            ))
        }
        [2, n] if in_range(*n, 11) => {
            let n = *n;
            let (action, req, rfc, close, fail) = match n {
                1..=4 | 6 => (
                    match n {
                        1 => "sends a ping without payload".to_string(),
                        2 => "sends a ping with a small text payload".to_string(),
                        3 => "sends a ping with a small binary (non-UTF-8) payload".to_string(),
                        4 => "sends a ping with 125 octets of payload (the control-frame maximum)".to_string(),
                        _ => "sends a ping with 125 octets, written one octet at a time".to_string(),
                    },
                    "A ping must be answered with a pong carrying exactly the ping's payload (any octets, not only UTF-8), however the octets arrive.",
                    "RFC 6455 §5.5.2, §5.5.3",
                    fuzzer_closes(),
                    false,
                ),
                5 => (
                    "sends a ping with 126 octets of payload".to_string(),
                    "Control frames carry at most 125 octets of payload; a longer one is a protocol error and the testee must fail the connection (close 1002), not answer it.",
                    "RFC 6455 §5.5",
                    testee_fails(PROTOCOL_ERROR),
                    true,
                ),
                7 | 8 => (
                    format!("sends an unsolicited pong {}", if n == 7 { "without payload" } else { "with payload" }),
                    "An unsolicited pong is allowed (a heartbeat) and needs no answer; the testee must ignore it and close normally.",
                    "RFC 6455 §5.5.3",
                    fuzzer_closes(),
                    false,
                ),
                9 => (
                    "sends an unsolicited pong, then a ping".to_string(),
                    "The unsolicited pong is ignored; the ping is answered with a pong echoing its payload.",
                    "RFC 6455 §5.5.2, §5.5.3",
                    fuzzer_closes(),
                    false,
                ),
                _ => (
                    format!("sends 10 pings with payload{}", if n == 11 { ", written one octet at a time" } else { "" }),
                    "Each ping should get its own pong (the RFC allows answering only the most recent one, but the suite expects all ten).",
                    "RFC 6455 §5.5.2, §5.5.3",
                    fuzzer_closes(),
                    false,
                ),
            };
            Some(rule("Pings and pongs", action, req, rfc, close, fail))
        }
        [3, n] if in_range(*n, 7) => {
            let action = match n {
                1 => "sends a small text message with RSV=1".to_string(),
                2..=4 => format!(
                    "sends a text message, then the same with RSV={n}, then a ping{}",
                    match n {
                        3 => " (frame-wise chops)",
                        4 => " (octet-wise chops)",
                        _ => "",
                    }
                ),
                5 => "sends a binary message with RSV=5".to_string(),
                6 => "sends a ping with RSV=6".to_string(),
                _ => "sends a close frame with RSV=7".to_string(),
            };
            Some(rule(
                "Reserved bits (RSV)",
                action,
                "RSV1-3 must be 0 unless a negotiated extension defines them; on a non-zero RSV bit the testee must fail the connection at once (close 1002), without echoing the frame or answering later frames.",
                "RFC 6455 §5.2",
                testee_fails(PROTOCOL_ERROR),
                true,
            ))
        }
        [4, sub @ (1 | 2), n] if in_range(*n, 5) => {
            let opcode = if *sub == 1 { 2 + n } else { 10 + n };
            let kind = if *sub == 1 { "non-control" } else { "control" };
            let action = if *n <= 2 {
                format!("sends a frame with reserved {kind} opcode {opcode}")
            } else {
                format!("sends a text message, then a frame with reserved {kind} opcode {opcode}, then a ping")
            };
            Some(rule(
                if *sub == 1 { "Reserved opcodes (non-control 3-7)" } else { "Reserved opcodes (control 11-15)" },
                action,
                "Opcodes 3-7 and 11-15 are reserved; on receiving one the testee must fail the connection (close 1002) and process nothing after it.",
                "RFC 6455 §5.2, §5.5",
                testee_fails(PROTOCOL_ERROR),
                true,
            ))
        }
        [5, n] if in_range(*n, 20) => {
            let n = *n;
            let (topic, action, req, rfc, close, fail): (_, String, _, _, _, _) = match n {
                1 | 2 => (
                    "Fragmented control frames",
                    format!("sends a {} fragmented into 2 frames", if n == 1 { "ping" } else { "pong" }),
                    "Control frames must not be fragmented (FIN must be 1); the testee must fail the connection (close 1002).",
                    "RFC 6455 §5.4, §5.5",
                    testee_fails(PROTOCOL_ERROR),
                    true,
                ),
                3..=5 => (
                    "Fragmentation",
                    format!("sends a text message in 2 fragments{}", match n { 4 => " (frame-wise chops)", 5 => " (octet-wise chops)", _ => "" }),
                    "A message may arrive as a first frame plus continuation frames; the testee must reassemble it and echo the whole message.",
                    "RFC 6455 §5.4",
                    fuzzer_closes(),
                    false,
                ),
                6..=8 => (
                    "Control frames interleaved with fragments",
                    format!("sends a text message in 2 fragments with a ping between them{}", match n { 7 => " (frame-wise chops)", 8 => " (octet-wise chops)", _ => "" }),
                    "Control frames may be injected between the fragments of a message; the testee must answer the ping at once and still reassemble the message.",
                    "RFC 6455 §5.4",
                    fuzzer_closes(),
                    false,
                ),
                9..=17 => (
                    "Continuation without a message in progress",
                    match n {
                        9..=11 => format!("sends a continuation frame with FIN=1 when no message is in progress, then a text message{}", chops(n - 9)),
                        12..=14 => format!("sends a continuation frame with FIN=0 when no message is in progress, then a text message{}", chops(n - 12)),
                        15 => "sends a 2-fragment text message, then a continuation frame (FIN=0) with nothing to continue, then a text message".to_string(),
                        16 => "twice: a continuation frame (FIN=0) with nothing to continue, then a text message in 2 fragments".to_string(),
                        _ => "twice: a continuation frame (FIN=1) with nothing to continue, then a text message in 2 fragments".to_string(),
                    },
                    "A continuation frame (opcode 0) is only valid while a fragmented message is in progress; one that arrives with nothing to continue is a protocol error and the testee must fail the connection (close 1002) instead of ignoring it or starting a message.",
                    "RFC 6455 §5.4",
                    testee_fails(PROTOCOL_ERROR),
                    true,
                ),
                18 => (
                    "Interleaved data messages",
                    "sends a text message in 2 fragments whose second frame also has opcode text".to_string(),
                    "While a fragmented message is in progress every following data frame must be a continuation (opcode 0); a new text/binary frame is a protocol error (close 1002), since messages cannot interleave.",
                    "RFC 6455 §5.4",
                    testee_fails(PROTOCOL_ERROR),
                    true,
                ),
                _ => (
                    "Control frames interleaved with fragments",
                    format!("sends a 5-fragment text message with two pings between fragments and a 1 s pause{}", if n == 20 { ", each frame flushed separately" } else { "" }),
                    "The testee must answer the first ping as soon as it arrives, before the message is complete, and echo the reassembled message; how the stream is chopped must not matter.",
                    "RFC 6455 §5.4, §5.5.2",
                    fuzzer_closes(),
                    false,
                ),
            };
            Some(rule(topic, action, req, rfc, close, fail))
        }
        [6, sub, n] => utf8_rule(id, *sub, *n),
        [7, 1, n] if in_range(*n, 6) => {
            let action = match n {
                1 => "sends a message, then a close frame",
                2 => "sends two close frames",
                3 => "sends a close frame, then a ping",
                4 => "sends a close frame, then a text message",
                5 => "sends a message fragment, a close frame, then the next fragment",
                _ => "sends a 256 KiB message, a close frame, then a ping",
            };
            let close = if *n == 6 {
                CloseRule { closed_by_fuzzer: true, codes: vec![NORMAL], require_clean: true, wrong_endpoint_fatal: false }
            } else {
                fuzzer_closes()
            };
            Some(rule(
                "Closing handshake basics",
                action.to_string(),
                if *n == 6 {
                    "After a close frame the peer sends no more data; whether the echo of the large message comes before the close is implementation defined, so the suite only reports this case (INFORMATIONAL)."
                } else {
                    "After sending or receiving a close frame no more data frames are processed; the testee answers the close with one close frame (echoing the code) and the server then drops TCP."
                },
                "RFC 6455 §5.5.1, §7.1.2",
                close,
                false,
            ))
        }
        [7, 3, n] if in_range(*n, 6) => {
            let (action, req, close) = match n {
                1 => ("sends a close frame without payload", "A close frame may have no payload; the testee answers with a close frame and closes cleanly.", fuzzer_closes()),
                2 => ("sends a close frame with a 1-octet payload", "A close payload, if present, starts with a 2-octet code; 1 octet is a protocol error (close 1002 or drop TCP).", CloseRule { closed_by_fuzzer: true, codes: vec![PROTOCOL_ERROR], require_clean: false, wrong_endpoint_fatal: false }),
                3 => ("sends a close frame with code 1000 only", "The testee echoes the close (code 1000) and closes cleanly.", fuzzer_closes()),
                4 => ("sends a close frame with code and reason", "The testee accepts a UTF-8 reason after the code and closes cleanly.", fuzzer_closes()),
                5 => ("sends a close frame with a 123-octet reason (the maximum)", "A close frame may carry 125 octets: code plus 123 octets of reason; the testee must accept it and close cleanly.", fuzzer_closes()),
                _ => ("sends a close frame with a 124-octet reason (126-octet payload)", "A control frame payload above 125 octets is a protocol error; the testee must fail the connection (close 1002 or drop TCP).", CloseRule { closed_by_fuzzer: true, codes: vec![PROTOCOL_ERROR], require_clean: false, wrong_endpoint_fatal: false }),
            };
            Some(rule("Close frame payload length", action.to_string(), req, "RFC 6455 §5.5, §5.5.1", close, matches!(n, 2 | 6)))
        }
        [7, 5, 1] => Some(rule(
            "Close reason must be UTF-8",
            "sends a close frame whose reason is invalid UTF-8".to_string(),
            "The close reason is UTF-8 text; invalid UTF-8 there must fail the connection (close 1002 or 1007, or drop TCP).",
            "RFC 6455 §5.5.1, §8.1",
            CloseRule { closed_by_fuzzer: true, codes: vec![PROTOCOL_ERROR, INVALID_PAYLOAD], require_clean: false, wrong_endpoint_fatal: false },
            true,
        )),
        [7, 7, n] if in_range(*n, 13) => {
            let code = VALID_CODES_7_7[*n as usize - 1];
            Some(rule(
                "Valid close codes",
                format!("sends a close frame with valid code {code}"),
                "Codes 1000-1003, 1007-1011 and 3000-4999 are valid on the wire; the testee must answer with a close (echoing the code, or 1000) and close cleanly.",
                "RFC 6455 §7.4.1, §7.4.2",
                CloseRule { closed_by_fuzzer: true, codes: vec![NORMAL, code], require_clean: true, wrong_endpoint_fatal: false },
                false,
            ))
        }
        [7, 9, n] if in_range(*n, 13) => {
            let code = if *n <= 9 {
                format!(" ({} in suites 0.8.1+; older suites used other codes at this number)", INVALID_CODES_7_9[*n as usize - 1])
            } else {
                " (this number exists only in suites before 0.8.1; see the description for the code)".to_string()
            };
            Some(rule(
                "Invalid close codes",
                format!("sends a close frame with an invalid code{code}"),
                "Codes below 1000, 1004-1006, 1016-2999 (unassigned or reserved for local use, e.g. 1005/1006 must never be sent) are invalid on the wire; the testee must fail the connection with 1002 (or drop TCP), not echo the code.",
                "RFC 6455 §7.4.1, §7.4.2",
                CloseRule { closed_by_fuzzer: true, codes: vec![PROTOCOL_ERROR], require_clean: false, wrong_endpoint_fatal: false },
                true,
            ))
        }
        [7, 13, n @ (1 | 2)] => {
            let code = if *n == 1 { 5000 } else { 65535 };
            Some(rule(
                "Close codes outside the defined ranges",
                format!("sends a close frame with code {code}"),
                "Codes 5000 and above are not defined by the RFC; the suite accepts 1000, an echo or 1002 and reports the case as INFORMATIONAL.",
                "RFC 6455 §7.4.2",
                CloseRule { closed_by_fuzzer: true, codes: vec![NORMAL, code, PROTOCOL_ERROR], require_clean: false, wrong_endpoint_fatal: false },
                false,
            ))
        }
        [9, sub, n] => {
            let n = *n;
            let action = match (sub, n) {
                (1 | 2, 1..=6) => format!("sends one {} message of {}", kind9(*sub), SIZES_9_1[n as usize - 1]),
                (3 | 4, 1..=9) => format!("sends one {} message of {} in fragments of {}", kind9(*sub), if n == 9 { "8 MiB" } else { "4 MiB" }, FRAGS_9_3[n as usize - 1]),
                (5 | 6, 1..=6) => format!("sends one 1 MiB {} message written in chops of {} octets", kind9(*sub), CHOPS_9_5[n as usize - 1]),
                (7 | 8, 1..=6) => format!("sends 1000 {} messages of {} octets, one after the other, and measures the round trip", kind9(*sub), RTT_9_7[n as usize - 1]),
                (9 | 10, _) if n >= 1 => format!("sends {} messages of unlimited size (disabled in the suite)", kind9(*sub)),
                _ => return None,
            };
            Some(rule(
                "Limits and performance",
                action,
                "The RFC sets no message size limit below 2^63; the testee must echo large, heavily fragmented or finely chopped messages correctly within the case's deadline (a size limit must be an explicit close 1009, which still fails this case).",
                "RFC 6455 §5.2, §5.4, §10.4",
                fuzzer_closes(),
                false,
            ))
        }
        [10, 1, 1] => Some(rule(
            "Auto-fragmentation",
            "sends a 64 KiB text message that the fuzzer fragments into 1300-octet frames".to_string(),
            "Fragmentation is transparent to the application: the testee must reassemble and echo the message.",
            "RFC 6455 §5.4",
            fuzzer_closes(),
            false,
        )),
        [12, sub, n] if in_range(*sub, 5) && in_range(*n, 18) => {
            let (size, frag) = PMCE_SIZES[*n as usize - 1];
            Some(rule(
                "permessage-deflate: payloads",
                format!(
                    "offers permessage-deflate and sends 1000 compressed messages of {size} octets of {}{}",
                    PMCE_DATA_12[*sub as usize - 1],
                    frag_text(frag)
                ),
                "When permessage-deflate is negotiated, RSV1 marks a compressed message; the testee must inflate it (appending 00 00 ff ff) and echo it, keeping or resetting the LZ77 window as negotiated. Without the extension the case is UNIMPLEMENTED, not failed.",
                "RFC 7692 §6, §7.2",
                fuzzer_closes(),
                false,
            ))
        }
        [13, sub, n] if in_range(*sub, 7) && in_range(*n, 18) => {
            let (size, frag) = PMCE_SIZES[*n as usize - 1];
            Some(rule(
                "permessage-deflate: parameters",
                format!(
                    "offers permessage-deflate ({}) and sends 1000 compressed messages of {size} octets{}",
                    PMCE_OFFERS_13[*sub as usize - 1],
                    frag_text(frag)
                ),
                "The testee must accept or decline each offered parameter correctly (no_context_takeover, max_window_bits 8-15; a response may not include a parameter the offer did not allow) and then compress and inflate with exactly the negotiated window and context rules. Without the extension the case is UNIMPLEMENTED.",
                "RFC 7692 §5, §7.1",
                fuzzer_closes(),
                false,
            ))
        }
        _ => None,
    }
}

fn chops(i: u32) -> &'static str {
    match i {
        0 => ", in one chop",
        1 => ", in per-frame chops",
        _ => ", in octet-wise chops",
    }
}

fn kind9(sub: u32) -> &'static str {
    if sub % 2 == 1 {
        "text"
    } else {
        "binary"
    }
}

fn frag_text(frag: u32) -> String {
    if frag == 0 {
        String::new()
    } else {
        format!(", fragmented into {frag}-octet frames")
    }
}

fn utf8_rule(id: &CaseId, sub: u32, n: u32) -> Option<Rule> {
    let valid_req = "Text messages must be valid UTF-8; valid text (however fragmented, even split inside a code point) must be accepted and echoed unchanged.";
    let invalid_req = "A text message that is not valid UTF-8 must fail the connection with close 1007; the check must happen as frames arrive, so the testee closes, not the fuzzer.";
    let invalid_close = || CloseRule {
        closed_by_fuzzer: false,
        codes: vec![INVALID_PAYLOAD],
        require_clean: false,
        wrong_endpoint_fatal: true,
    };
    let (topic, action, valid): (&'static str, String, bool) = match (sub, n) {
        (1, 1..=3) => (
            "UTF-8: empty fragments",
            match n {
                1 => "sends an empty text message",
                2 => "sends a text message as 3 empty fragments",
                _ => "sends a text message as 3 fragments, first and last empty",
            }
            .to_string(),
            true,
        ),
        (2, 1..=4) => (
            "UTF-8: valid text, fragmented",
            match n {
                1 => "sends valid UTF-8 text in one frame",
                2 => "sends valid UTF-8 text in 2 frames split on a code point boundary",
                _ => "sends valid UTF-8 text in 1-octet frames, splitting code points",
            }
            .to_string(),
            true,
        ),
        (3, 1 | 2) => (
            "UTF-8: invalid text",
            if n == 1 {
                "sends invalid UTF-8 text (a UTF-16 surrogate) in one frame"
            } else {
                "sends invalid UTF-8 text in 1-octet frames"
            }
            .to_string(),
            false,
        ),
        (4, 1..=4) => {
            return Some(Rule {
                case_id: id.as_str().to_string(),
                topic: "UTF-8: fail fast",
                action: format!(
                    "sends a text message whose {} makes it invalid (code point above U+10FFFF), pausing 1 s between parts",
                    if n <= 2 { "second of 3 frames" } else { "second of 3 chops of one frame" }
                ),
                requirement: "Invalid UTF-8 must be detected as soon as the offending octets arrive (fail fast), not only when the message is complete: the connection must be failed (1007) before the fuzzer's next part. Failing only at the end gives NON-STRICT.".to_string(),
                rfc: "RFC 6455 §8.1, §5.6",
                close: invalid_close(),
                must_fail: true,
            })
        }
        _ => {
            let (_, name, count, invalid) = UTF8_GENERATED.iter().find(|(s, ..)| *s == sub)?;
            if !(1..=*count).contains(&n) {
                return None;
            }
            let valid = !invalid.contains(&n);
            (
                if valid { "UTF-8: valid sequences" } else { "UTF-8: invalid sequences" },
                format!(
                    "sends a text message in one frame ({}: {} UTF-8)",
                    name.to_lowercase(),
                    if valid { "valid" } else { "invalid" }
                ),
                valid,
            )
        }
    };
    Some(Rule {
        case_id: id.as_str().to_string(),
        topic,
        action,
        requirement: if valid { valid_req } else { invalid_req }.to_string(),
        rfc: "RFC 6455 §5.6, §8.1",
        close: if valid {
            fuzzer_closes()
        } else {
            invalid_close()
        },
        must_fail: !valid,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn id(s: &str) -> CaseId {
        CaseId::parse(s).unwrap()
    }

    #[test]
    fn current_suite_has_517_ids_all_mapped() {
        let ids = current_case_ids();
        assert_eq!(ids.len(), 517);
        let without_pmce = ids
            .iter()
            .filter(|i| !i.starts_with("12.") && !i.starts_with("13."))
            .count();
        assert_eq!(without_pmce, 301);
        for i in &ids {
            assert!(rule_for(&id(i)).is_some(), "{i} unmapped");
        }
    }

    #[test]
    fn rules_carry_the_suites_expected_close() {
        let r = rule_for(&id("3.2")).unwrap();
        assert!(r.must_fail && !r.close.closed_by_fuzzer);
        assert_eq!(r.close.codes, vec![1002]);
        assert!(r.requirement.contains("RSV"));
        let r = rule_for(&id("6.6.2")).unwrap();
        assert!(!r.must_fail, "0xceba is valid UTF-8");
        let r = rule_for(&id("6.6.3")).unwrap();
        assert_eq!(r.close.codes, vec![1007]);
        let r = rule_for(&id("7.7.10")).unwrap();
        assert_eq!(r.close.codes, vec![1000, 3000]);
        assert!(rule_for(&id("12.3.17"))
            .unwrap()
            .rfc
            .starts_with("RFC 7692"));
        assert!(
            rule_for(&id("7.9.13")).is_some(),
            "0.7.5 and older had 13 invalid codes"
        );
    }

    #[test]
    fn unknown_ids_are_not_mapped() {
        for bad in [
            "8.1", "11.1.1", "1.1.9", "6.22.35", "12.6.1", "13.1.19", "7.2.1", "0.1",
        ] {
            assert!(rule_for(&id(bad)).is_none(), "{bad} should be unknown");
        }
    }
}
