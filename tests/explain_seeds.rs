//! The five seed pages (fixtures/seeds/, pasted from real reports) explained: verdict, rule,
//! divergence, closing story and cause must be right for each.
//!
//! Here each seed is built by hand from its page, field for field (wire logs included, masks
//! undone from the page's hex-of-hex), so the explain logic is checked independently of the
//! pasted-text parser; `explain_cli.rs` runs the real binary (and parser) on the seed files.

use std::collections::BTreeMap;
use std::path::PathBuf;
use wstriage::explain::closing::Side;
use wstriage::explain::{explain, Explanation};
use wstriage::model::*;
use wstriage::render::explain::{text, TextOptions};

fn oct(tx: bool, len: i64, data: &str) -> WireEntry {
    let truncated = data.ends_with(" ...");
    let octets = LoggedBytes {
        len: if len < 0 { 200 } else { len as u64 },
        data: data.to_string(),
        truncated,
    };
    if tx {
        WireEntry::TxOctets {
            octets,
            sync: false,
        }
    } else {
        WireEntry::RxOctets { octets }
    }
}

fn tf(
    opcode: u8,
    fin: bool,
    rsv: u8,
    len: u64,
    payload: &str,
    mask: Option<String>,
    chop: Option<u64>,
) -> WireEntry {
    WireEntry::TxFrame {
        payload: LoggedBytes {
            len,
            data: payload.to_string(),
            truncated: false,
        },
        opcode,
        fin,
        rsv,
        mask,
        payload_repeat_len: None,
        chop_size: chop,
        sync: false,
    }
}

fn rf(
    opcode: u8,
    fin: bool,
    rsv: u8,
    len: u64,
    payload: &str,
    masked: bool,
    mask: Option<String>,
) -> WireEntry {
    WireEntry::RxFrame {
        payload: LoggedBytes {
            len,
            data: payload.to_string(),
            truncated: false,
        },
        opcode,
        fin,
        rsv,
        masked,
        mask,
    }
}

fn msg(t: &str) -> Event {
    Event {
        kind: EventKind::Message,
        payload: Some(t.into()),
        binary: Some(false),
    }
}

fn pong(t: &str) -> Event {
    Event {
        kind: EventKind::Pong,
        payload: Some(t.into()),
        binary: None,
    }
}

#[allow(clippy::too_many_arguments)]
fn closing(
    is_server: bool,
    by_me: bool,
    failed: bool,
    dropped: bool,
    clean: bool,
    reason: Option<&str>,
    local: Option<(u16, &str)>,
    remote: Option<u16>,
) -> Closing {
    Closing {
        is_server,
        closed_by_me: by_me,
        failed_by_me: failed,
        dropped_by_me: dropped,
        was_clean: clean,
        was_not_clean_reason: reason.map(str::to_string),
        was_server_connection_drop_timeout: false,
        was_open_handshake_timeout: false,
        was_close_handshake_timeout: false,
        local_close_code: local.map(|l| l.0),
        local_close_reason: local.and_then(|l| {
            if l.1.is_empty() {
                None
            } else {
                Some(l.1.to_string())
            }
        }),
        remote_close_code: remote,
        remote_close_reason: None,
    }
}

const PEER_DROPPED: &str =
    "peer dropped the TCP connection without previous WebSocket closing handshake";

#[allow(clippy::too_many_arguments)]
fn seed(
    file: &str,
    agent: &str,
    id: &str,
    behavior: Behavior,
    close: Behavior,
    desc: &str,
    exp: &str,
    expected: Vec<(&str, Vec<Event>)>,
    observed: Vec<Event>,
    result_close: &str,
    c: Closing,
    wire: Vec<WireEntry>,
) -> CaseReport {
    let expected: BTreeMap<String, Vec<Event>> = expected
        .into_iter()
        .map(|(k, v)| (k.to_string(), v))
        .collect();
    CaseReport {
        agent: agent.into(),
        case_id: CaseId::parse(id).unwrap(),
        case_index: None,
        behavior,
        behavior_close: Some(close),
        duration_ms: None,
        started: None,
        description: Some(desc.into()),
        expectation: Some(exp.into()),
        result: Some(
            if behavior == Behavior::Failed {
                "Actual events differ from any expected."
            } else {
                "Actual events match at least one expected."
            }
            .into(),
        ),
        result_close: Some(result_close.into()),
        expected: Some(expected),
        expected_truncated: false,
        observed: Some(observed),
        observed_truncated: false,
        expected_close: None,
        closing: Some(c),
        http_request: None,
        http_response: None,
        stats: None,
        wirelog: Some(wire),
        report_time: None,
        traffic_stats: None,
        source: Source {
            path: PathBuf::from(format!("fixtures/seeds/{file}")),
            format: SourceFormat::Text,
        },
        suite_version: None,
        notes: Vec::new(),
    }
}

const RSV_EXP: &str = "Echo for first message is received, but then connection is failed immediately, since RSV must be 0, when no extension defining RSV meaning has been negotiated. The Pong is not received.";

fn out(e: &Explanation) -> String {
    let t = text(e, TextOptions::default());
    eprintln!("{t}");
    t
}

#[test]
fn seed_000_rsv2_echoed_fuzzer_failed_after_1s_with_1001() {
    let r = seed(
        "000_8744436108273a4e.txt",
        "stratus@2",
        "3.2",
        Behavior::Failed,
        Behavior::Failed,
        "Send small text message, then send again with <b>RSV = 2</b>, then send Ping.",
        RSV_EXP,
        vec![("OK", vec![msg("Hello, world!")]), ("NON-STRICT", vec![])],
        vec![msg("Hello, world!"), msg("Hello, world!"), pong("")],
        "The connection was failed by the wrong endpoint",
        closing(
            true,
            true,
            true,
            false,
            false,
            Some(PEER_DROPPED),
            Some((1001, "Going Away")),
            None,
        ),
        wire_000(),
    );
    let e = explain(&r, &[]);
    let t = out(&e);
    assert!(!e.passed);
    assert_eq!(e.verdict.behavior, Behavior::Failed);
    assert!(e
        .verdict
        .close_meaning
        .as_deref()
        .unwrap()
        .contains("wrong endpoint"));
    let rule = e.rule.as_ref().unwrap();
    assert_eq!(rule.topic, "Reserved bits (RSV)");
    assert!(rule.action.contains("RSV=2"));
    assert_eq!(rule.rfc, "RFC 6455 §5.2");
    let d = e.divergence.as_ref().unwrap();
    assert_eq!(d.first, Some(2));
    assert_eq!(
        d.extra,
        vec![
            "message \"Hello, world!\"".to_string(),
            "pong (empty)".to_string()
        ]
    );
    assert!(
        d.summary
            .contains("Expected the connection to be failed after event 1"),
        "{}",
        d.summary
    );
    assert!(
        d.summary.contains("echoed message \"Hello, world!\"")
            && d.summary.contains("answered a ping")
    );
    assert_eq!(e.closing.closed_first, Some(Side::Fuzzer));
    assert_eq!(e.closing.expected_first, Some(Side::Testee));
    assert_eq!(e.closing.fuzzer_code, Some(1001));
    assert_eq!(e.closing.expected_codes, vec![1002]);
    assert_eq!(e.closing.clean, Some(false));
    assert!(
        e.closing
            .text
            .contains("after 1 s the fuzzer's timer failed it with close 1001 (Going Away)"),
        "{}",
        e.closing.text
    );
    assert!(e.closing.text.contains("1002"));
    assert_eq!(e.cause.key, "rsv-not-checked");
    assert!(e
        .cause
        .title
        .contains("RSV bits are not checked when no extension is negotiated"));
    // The wire: the RSV=2 frame decoded from its octets, the pong found inside entry 011's
    // octets next to the echo, and the fuzzer's close decoded.
    assert!(t.contains("text frame, FIN, RSV=2, 13 octets: \"Hello, world!\""));
    assert!(t.contains("pong frame, FIN, 0 octets, masked with 00000000: empty"));
    assert!(t.contains("close frame, FIN, 12 octets: code 1001, reason \"Going Away\""));
    assert!(t.contains("fail timer fired"));
    assert!(t.contains("TCP connection dropped by the testee"));
}

#[test]
fn seed_001_orphan_continuation_accepted() {
    let r = seed(
        "001_33ddd392ade73b91.txt", "stratus@2", "5.17", Behavior::Failed, Behavior::Failed,
        "Repeated 2x: Continuation Frame with FIN = true (where there is nothing to continue), then text Message fragmented into 2 fragments.",
        "The connection is failed immediately, since there is no message to continue.",
        vec![("OK", vec![])],
        vec![msg("fragment2fragment3"), msg("fragment2fragment3")],
        "The connection was failed by the wrong endpoint",
        closing(true, true, true, false, false, Some(PEER_DROPPED), Some((1001, "Going Away")), None),
        wire_001(),
    );
    let e = explain(&r, &[]);
    let t = out(&e);
    assert_eq!(
        e.rule.as_ref().unwrap().topic,
        "Continuation without a message in progress"
    );
    assert_eq!(e.rule.as_ref().unwrap().rfc, "RFC 6455 §5.4");
    let d = e.divergence.as_ref().unwrap();
    assert_eq!(d.first, Some(1));
    assert!(
        d.summary
            .contains("Expected the connection to be failed before any event"),
        "{}",
        d.summary
    );
    assert_eq!(e.closing.closed_first, Some(Side::Fuzzer));
    assert_eq!(e.closing.expected_first, Some(Side::Testee));
    assert_eq!(e.cause.key, "orphan-continuation-accepted");
    assert!(e
        .cause
        .title
        .contains("continuation frame with no message in progress is accepted"));
    assert!(t.contains("continuation frame, FIN, 9 octets: \"fragment1\""));
}

#[test]
fn seed_002_wspp_passes_by_failing_with_1002() {
    let r = seed(
        "002_9ea1acbb81ea7641.txt",
        "wspp",
        "3.2",
        Behavior::Ok,
        Behavior::Ok,
        "Send small text message, then send again with <b>RSV = 2</b>, then send Ping.",
        RSV_EXP,
        vec![("OK", vec![msg("Hello, world!")]), ("NON-STRICT", vec![])],
        vec![msg("Hello, world!")],
        "Connection was properly closed",
        closing(
            true,
            false,
            false,
            true,
            true,
            None,
            Some((1000, "")),
            Some(1002),
        ),
        wire_002(),
    );
    let e = explain(&r, &[]);
    let t = out(&e);
    assert!(e.passed);
    assert_eq!(e.cause.key, "pass");
    assert!(e
        .cause
        .title
        .contains("failed the connection as required (close 1002)"));
    assert_eq!(e.divergence.as_ref().unwrap().first, None);
    assert_eq!(e.closing.closed_first, Some(Side::Testee));
    assert_eq!(e.closing.testee_code, Some(1002));
    assert!(
        e.closing
            .text
            .starts_with("The testee closed first, with close 1002; the fuzzer answered with 1000"),
        "{}",
        e.closing.text
    );
    assert!(e.closing.text.contains("the close was clean"));
    assert!(t.contains("(this case passed)"));
}

#[test]
fn seed_003_websock_server_drops_tcp_on_reserved_opcode_chop_1() {
    let r = seed(
        "003_b64e756b1361e21f.txt", "websock server", "4.2.5", Behavior::Ok, Behavior::Ok,
        "Send small text message, then send frame with reserved control <b>Opcode = 15</b> and non-empty payload, then send Ping.",
        "Echo for first message is received, but then connection is failed immediately, since reserved opcode frame is used. A Pong is not received.",
        vec![("OK", vec![msg("Hello, world!")]), ("NON-STRICT", vec![])],
        vec![msg("Hello, world!")],
        "Connection was properly closed",
        closing(false, false, false, false, false, Some(PEER_DROPPED), None, None),
        wire_003(),
    );
    let e = explain(&r, &[]);
    let t = out(&e);
    assert!(e.passed);
    assert_eq!(
        e.rule.as_ref().unwrap().topic,
        "Reserved opcodes (control 11-15)"
    );
    assert!(
        e.cause
            .title
            .contains("by dropping TCP, which the case allows"),
        "{}",
        e.cause.title
    );
    assert!(
        e.closing
            .text
            .starts_with("The testee closed first, by dropping TCP without a close frame"),
        "{}",
        e.closing.text
    );
    assert!(e.closing.text.contains("close 1002 or just drop TCP"));
    // The masked text frame reassembled from 19 one-octet writes; the opcode-15 frame only
    // began before the server dropped the connection.
    let w = e.wire.as_ref().unwrap();
    let text_frame = w
        .decoded
        .frames
        .iter()
        .find(|f| f.opcode == 1 && f.dir == wstriage::explain::wire::Dir::Tx)
        .unwrap();
    assert_eq!(text_frame.mask.as_deref(), Some("41a848af"));
    assert_eq!(text_frame.payload, b"Hello, world!");
    assert_eq!(text_frame.entries, 19);
    let reserved = w.decoded.frames.iter().find(|f| f.opcode == 15).unwrap();
    assert!(!reserved.complete);
    assert!(t.contains("chop size 1"));
    assert!(t.contains("reserved control opcode 15 frame"));
    assert!(t.contains("only the first 3 octets of its header were ever written"));
}

#[test]
fn seed_004_mint_passes_rsv4_octetwise() {
    let r = seed(
        "004_66760c4df335a9e2.txt", "Mint", "3.4", Behavior::Ok, Behavior::Ok,
        "Send small text message, then send again with <b>RSV = 4</b>, then send Ping. Octets are sent in octet-wise chops.", RSV_EXP,
        vec![("OK", vec![msg("Hello, world!")]), ("NON-STRICT", vec![])],
        vec![msg("Hello, world!")],
        "Connection was properly closed",
        closing(true, false, false, true, true, None, Some((1000, "")), Some(1002)),
        wire_004(),
    );
    let e = explain(&r, &[]);
    let t = out(&e);
    assert!(e.passed);
    assert_eq!(e.cause.key, "pass");
    assert!(
        e.rule.as_ref().unwrap().action.contains("RSV=4")
            && e.rule.as_ref().unwrap().action.contains("octet-wise")
    );
    assert_eq!(e.closing.testee_code, Some(1002));
    let w = e.wire.as_ref().unwrap();
    let rsv4 = w
        .decoded
        .frames
        .iter()
        .find(|f| f.rsv == 4)
        .expect("RSV=4 frame reassembled from single octets");
    assert!(rsv4.complete && rsv4.entries == 15);
    assert!(t.contains("text frame, FIN, RSV=4, 13 octets: \"Hello, world!\""));
}

fn wire_000() -> Vec<WireEntry> {
    vec![
        oct(false, -1, "474554202f72756e436173653f636173653d3239266167656e743d737472617475732534303220485454502f312e310d0a686f73743a203132372e302e302e31 ..."),
        oct(true, -1, "485454502f312e312031303120537769746368696e672050726f746f636f6c730d0a5365727665723a204175746f6261686e5465737453756974652f32352e31 ..."),
        tf(1, true, 0, 13, "Hello, world!", None, None),
        oct(true, 15, "810d48656c6c6f2c20776f726c6421"),
        tf(1, true, 2, 13, "Hello, world!", None, None),
        oct(true, 15, "a10d48656c6c6f2c20776f726c6421"),
        tf(9, true, 0, 0, "", None, None),
        oct(true, 2, "8900"),
        WireEntry::FailAfter { seconds: 1.0 },
        oct(false, 19, "818d4dd8923005bdfe5c22f4b24722aafe546c"),
        rf(1, true, 0, 13, "Hello, world!", true, Some("4dd89230".into())),
        oct(false, 25, "818dfd1bbf97b57ed3fb92379fe09269d3f3dc8a8000000000"),
        rf(1, true, 0, 13, "Hello, world!", true, Some("fd1bbf97".into())),
        rf(10, true, 0, 0, "", true, Some("00000000".into())),
        WireEntry::Failing,
        tf(8, true, 0, 12, "0x03e9476f696e672041776179", None, None),
        oct(true, 14, "880c03e9476f696e672041776179"),
        WireEntry::TcpDropped { by_me: false },
    ]
}

fn wire_001() -> Vec<WireEntry> {
    vec![
        oct(false, -1, "474554202f72756e436173653f636173653d3631266167656e743d737472617475732534303220485454502f312e310d0a686f73743a203132372e302e302e31 ..."),
        oct(true, -1, "485454502f312e312031303120537769746368696e672050726f746f636f6c730d0a5365727665723a204175746f6261686e5465737453756974652f32352e31 ..."),
        tf(0, true, 0, 9, "fragment1", None, None),
        oct(true, 11, "8009667261676d656e7431"),
        tf(1, false, 0, 9, "fragment2", None, None),
        oct(true, 11, "0109667261676d656e7432"),
        tf(0, true, 0, 9, "fragment3", None, None),
        oct(true, 11, "8009667261676d656e7433"),
        tf(0, true, 0, 9, "fragment1", None, None),
        oct(true, 11, "8009667261676d656e7431"),
        tf(1, false, 0, 9, "fragment2", None, None),
        oct(true, 11, "0109667261676d656e7432"),
        tf(0, true, 0, 9, "fragment3", None, None),
        oct(true, 11, "8009667261676d656e7433"),
        WireEntry::FailAfter { seconds: 1.0 },
        oct(false, 24, "8192d07e2628b60c474fbd1b485ce2185449b7134346a44d"),
        rf(1, true, 0, 18, "fragment2fragment3", true, Some("d07e2628".into())),
        oct(false, 24, "81925f34fe4c39469f2b325190386d528c2d38599b222b07"),
        rf(1, true, 0, 18, "fragment2fragment3", true, Some("5f34fe4c".into())),
        WireEntry::Failing,
        tf(8, true, 0, 12, "0x03e9476f696e672041776179", None, None),
        oct(true, 14, "880c03e9476f696e672041776179"),
        WireEntry::TcpDropped { by_me: false },
    ]
}

fn wire_002() -> Vec<WireEntry> {
    vec![
        oct(false, -1, "474554202f72756e436173653f636173653d3239266167656e743d7773707020485454502f312e310d0a486f73743a203132372e302e302e313a393030310d0a ..."),
        oct(true, -1, "485454502f312e312031303120537769746368696e672050726f746f636f6c730d0a5365727665723a204175746f6261686e5465737453756974652f32352e31 ..."),
        tf(1, true, 0, 13, "Hello, world!", None, None),
        oct(true, 15, "810d48656c6c6f2c20776f726c6421"),
        tf(1, true, 2, 13, "Hello, world!", None, None),
        oct(true, 15, "a10d48656c6c6f2c20776f726c6421"),
        tf(9, true, 0, 0, "", None, None),
        oct(true, 2, "8900"),
        WireEntry::FailAfter { seconds: 1.0 },
        oct(false, 27, "818d8d0079e1c565158de22c5996e2721585ac88829e5150e09dbb"),
        rf(1, true, 0, 13, "Hello, world!", true, Some("8d0079e1".into())),
        rf(8, true, 0, 2, "0x03ea", true, Some("9e5150e0".into())),
        tf(8, true, 0, 2, "0x03e8", None, None),
        oct(true, 4, "880203e8"),
        WireEntry::TcpDropped { by_me: true },
    ]
}

fn wire_003() -> Vec<WireEntry> {
    vec![
        oct(true, -1, "474554202f777320485454502f312e310d0a557365722d4167656e743a204175746f6261686e5465737453756974652f32352e31302e312d302e31302e390d0a ..."),
        oct(false, -1, "485454502f312e312031303120537769746368696e672050726f746f636f6c730d0a446174653a205765642c203236204e6f7620323032352031323a33313a34 ..."),
        tf(1, true, 0, 13, "Hello, world!", Some("41a848af".into()), Some(1)),
        oct(true, 1, "81"),
        tf(15, true, 0, 13, "Hello, world!", Some("8fbb5faa".into()), Some(1)),
        tf(9, true, 0, 0, "", Some("7301f0ad".into()), Some(1)),
        WireEntry::FailAfter { seconds: 1.0 },
        oct(true, 1, "8d"),
        oct(true, 1, "41"),
        oct(true, 1, "a8"),
        oct(true, 1, "48"),
        oct(true, 1, "af"),
        oct(true, 1, "09"),
        oct(true, 1, "cd"),
        oct(true, 1, "24"),
        oct(true, 1, "c3"),
        oct(true, 1, "2e"),
        oct(true, 1, "84"),
        oct(true, 1, "68"),
        oct(true, 1, "d8"),
        oct(true, 1, "2e"),
        oct(true, 1, "da"),
        oct(true, 1, "24"),
        oct(true, 1, "cb"),
        oct(true, 1, "60"),
        oct(true, 1, "8f"),
        oct(false, 15, "810d48656c6c6f2c20776f726c6421"),
        rf(1, true, 0, 13, "Hello, world!", false, None),
        oct(true, 1, "8d"),
        oct(true, 1, "8f"),
        WireEntry::TcpDropped { by_me: false },
    ]
}

fn wire_004() -> Vec<WireEntry> {
    vec![
        oct(false, -1, "474554202f72756e436173653f636173653d3331266167656e743d4d696e7420485454502f312e310d0a686f73743a206c6f63616c686f73743a393030310d0a ..."),
        oct(true, -1, "485454502f312e312031303120537769746368696e672050726f746f636f6c730d0a5365727665723a204175746f6261686e5465737453756974652f302e382e ..."),
        tf(1, true, 0, 13, "Hello, world!", None, Some(1)),
        oct(true, 1, "81"),
        tf(1, true, 4, 13, "Hello, world!", None, Some(1)),
        tf(9, true, 0, 0, "", None, Some(1)),
        WireEntry::FailAfter { seconds: 1.0 },
        oct(true, 1, "0d"),
        oct(true, 1, "48"),
        oct(true, 1, "65"),
        oct(true, 1, "6c"),
        oct(true, 1, "6c"),
        oct(true, 1, "6f"),
        oct(true, 1, "2c"),
        oct(true, 1, "20"),
        oct(true, 1, "77"),
        oct(true, 1, "6f"),
        oct(true, 1, "72"),
        oct(true, 1, "6c"),
        oct(true, 1, "64"),
        oct(true, 1, "21"),
        oct(true, 1, "c1"),
        oct(true, 1, "0d"),
        oct(true, 1, "48"),
        oct(true, 1, "65"),
        oct(true, 1, "6c"),
        oct(true, 1, "6c"),
        oct(true, 1, "6f"),
        oct(true, 1, "2c"),
        oct(true, 1, "20"),
        oct(true, 1, "77"),
        oct(true, 1, "6f"),
        oct(true, 1, "72"),
        oct(false, 19, "818d0e39aed9465cc2b561158eae614bc2bd2f"),
        rf(1, true, 0, 13, "Hello, world!", true, Some("0e39aed9".into())),
        oct(true, 1, "6c"),
        oct(true, 1, "64"),
        oct(true, 1, "21"),
        oct(true, 1, "89"),
        oct(true, 1, "00"),
        oct(false, 8, "88822f5615012cbc"),
        rf(8, true, 0, 2, "0x03ea", true, Some("2f561501".into())),
        tf(8, true, 0, 2, "0x03e8", None, None),
        oct(true, 4, "880203e8"),
        WireEntry::TcpDropped { by_me: true },
    ]
}
