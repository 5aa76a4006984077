//! The five pasted case pages of `fixtures/seeds/`, value by value: both text forms (visible
//! browser text with run-together cells, and `| a | b |` tables), from a file and from stdin.

use std::path::{Path, PathBuf};
use std::process::Command;
use wstriage::model::{Behavior, CaseReport, Closing, Event, EventKind, SourceFormat, WireEntry};
use wstriage::parse::parse_case_file;

fn seed(prefix: &str) -> CaseReport {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("fixtures/seeds");
    let path: PathBuf = std::fs::read_dir(&dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .find(|p| p.file_name().unwrap().to_str().unwrap().starts_with(prefix))
        .unwrap();
    let r = parse_case_file(&path).unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(r.source.format, SourceFormat::Text);
    r
}

fn msg(text: &str) -> Event {
    Event {
        kind: EventKind::Message,
        payload: Some(text.into()),
        binary: Some(false),
    }
}

#[allow(clippy::too_many_arguments)]
fn closing(
    is_server: bool,
    closed_by_me: bool,
    failed_by_me: bool,
    dropped_by_me: bool,
    was_clean: bool,
    reason: Option<&str>,
    local: Option<(u16, Option<&str>)>,
    remote: Option<u16>,
) -> Closing {
    Closing {
        is_server,
        closed_by_me,
        failed_by_me,
        dropped_by_me,
        was_clean,
        was_not_clean_reason: reason.map(str::to_string),
        was_server_connection_drop_timeout: false,
        was_open_handshake_timeout: false,
        was_close_handshake_timeout: false,
        local_close_code: local.map(|l| l.0),
        local_close_reason: local.and_then(|l| l.1).map(str::to_string),
        remote_close_code: remote,
        remote_close_reason: None,
    }
}

const PEER_DROPPED: &str =
    "peer dropped the TCP connection without previous WebSocket closing handshake";

fn expected_3x(r: &CaseReport) {
    let exp = r.expected.as_ref().unwrap();
    assert_eq!(exp.len(), 2);
    assert_eq!(exp["OK"], [msg("Hello, world!")]);
    assert!(exp["NON-STRICT"].is_empty());
}

fn frame(e: &WireEntry) -> (bool, u8, bool, u8, u64, &str, Option<&str>) {
    match e {
        WireEntry::RxFrame {
            payload,
            opcode,
            fin,
            rsv,
            mask,
            ..
        } => (
            true,
            *opcode,
            *fin,
            *rsv,
            payload.len,
            payload.data.as_str(),
            mask.as_deref(),
        ),
        WireEntry::TxFrame {
            payload,
            opcode,
            fin,
            rsv,
            mask,
            ..
        } => (
            false,
            *opcode,
            *fin,
            *rsv,
            payload.len,
            payload.data.as_str(),
            mask.as_deref(),
        ),
        other => panic!("not a frame: {other:?}"),
    }
}

fn octets(e: &WireEntry) -> (bool, &str) {
    match e {
        WireEntry::RxOctets { octets } => (true, octets.data.as_str()),
        WireEntry::TxOctets { octets, .. } => (false, octets.data.as_str()),
        other => panic!("not octets: {other:?}"),
    }
}

#[test]
fn seed_000_pipe_form_stratus_3_2_failed() {
    let r = seed("000_");
    assert_eq!(r.agent, "stratus@2");
    assert_eq!(r.case_id.as_str(), "3.2");
    assert_eq!(r.behavior, Behavior::Failed);
    assert_eq!(r.behavior_close, Some(Behavior::Failed));
    assert_eq!(r.duration_ms, Some(1001));
    assert_eq!(r.started.as_deref(), Some("2026-04-02T15:17:18.866Z"));
    assert_eq!(r.case_index, Some(29));
    assert_eq!(r.suite_version.as_deref(), Some("25.10.1"));
    assert_eq!(
        r.result.as_deref(),
        Some("Actual events differ from any expected.")
    );
    assert_eq!(
        r.result_close.as_deref(),
        Some("The connection was failed by the wrong endpoint")
    );
    expected_3x(&r);
    let pong = Event {
        kind: EventKind::Pong,
        payload: Some(String::new()),
        binary: None,
    };
    assert_eq!(
        r.observed.as_deref().unwrap(),
        [msg("Hello, world!"), msg("Hello, world!"), pong]
    );
    assert_eq!(
        r.closing.as_ref().unwrap(),
        &closing(
            true,
            true,
            true,
            false,
            false,
            Some(PEER_DROPPED),
            Some((1001, Some("Going Away"))),
            None
        )
    );
    let s = r.stats.as_ref().unwrap();
    assert_eq!(
        s.rx_octets
            .iter()
            .map(|(a, b)| (*a, *b))
            .collect::<Vec<_>>(),
        [(19, 1), (25, 1), (232, 1)]
    );
    assert_eq!(
        s.tx_octets
            .iter()
            .map(|(a, b)| (*a, *b))
            .collect::<Vec<_>>(),
        [(2, 1), (14, 1), (15, 2), (208, 1)]
    );
    assert_eq!(
        s.rx_frames
            .iter()
            .map(|(a, b)| (*a, *b))
            .collect::<Vec<_>>(),
        [(1, 2), (10, 1)]
    );
    assert_eq!(
        s.tx_frames
            .iter()
            .map(|(a, b)| (*a, *b))
            .collect::<Vec<_>>(),
        [(1, 2), (8, 1), (9, 1)]
    );
    let w = r.wirelog.as_ref().unwrap();
    assert_eq!(w.len(), 18);
    let (rx, hex) = octets(&w[0]);
    assert!(rx);
    assert_eq!(
        hex,
        "474554202f72756e436173653f636173653d3239266167656e743d737472617475732534303220485454502f312e310d0a686f73743a203132372e302e302e31 ..."
    );
    assert_eq!(frame(&w[4]), (false, 1, true, 2, 13, "Hello, world!", None));
    assert_eq!(w[8], WireEntry::FailAfter { seconds: 1.0 });
    // RX masks are printed as hex of the hex string: 3464643839323330 = "4dd89230".
    assert_eq!(
        frame(&w[10]),
        (true, 1, true, 0, 13, "Hello, world!", Some("4dd89230"))
    );
    assert_eq!(frame(&w[13]), (true, 10, true, 0, 0, "", Some("00000000")));
    assert_eq!(w[14], WireEntry::Failing);
    assert_eq!(
        frame(&w[15]),
        (false, 8, true, 0, 12, "0x03e9476f696e672041776179", None)
    );
    assert_eq!(w[17], WireEntry::TcpDropped { by_me: false });
    // The flattened handshake stays one line; the run number and version still come out of it.
    assert!(r
        .http_request
        .as_deref()
        .unwrap()
        .starts_with("GET /runCase?case=29&agent=stratus%402 HTTP/1.1 host:"));
}

#[test]
fn seed_001_visible_text_stratus_5_17_failed() {
    let r = seed("001_");
    assert_eq!(r.agent, "stratus@2");
    assert_eq!(r.case_id.as_str(), "5.17");
    assert_eq!(r.behavior, Behavior::Failed);
    assert_eq!(r.behavior_close, Some(Behavior::Failed));
    assert_eq!(r.case_index, Some(61));
    let exp = r.expected.as_ref().unwrap();
    assert_eq!(exp.keys().collect::<Vec<_>>(), ["OK"]);
    assert!(exp["OK"].is_empty());
    assert_eq!(
        r.observed.as_deref().unwrap(),
        [msg("fragment2fragment3"), msg("fragment2fragment3")]
    );
    assert_eq!(
        r.closing.as_ref().unwrap(),
        &closing(
            true,
            true,
            true,
            false,
            false,
            Some(PEER_DROPPED),
            Some((1001, Some("Going Away"))),
            None
        )
    );
    // Run-together rows: "24248" = 24 × 2 = 48, "2321232" = 232 × 1, total "3280" = 3 reads, 280 octets.
    let s = r.stats.as_ref().unwrap();
    assert_eq!(
        s.rx_octets
            .iter()
            .map(|(a, b)| (*a, *b))
            .collect::<Vec<_>>(),
        [(24, 2), (232, 1)]
    );
    assert_eq!(
        s.tx_octets
            .iter()
            .map(|(a, b)| (*a, *b))
            .collect::<Vec<_>>(),
        [(11, 6), (14, 1), (208, 1)]
    );
    assert_eq!(
        s.rx_frames
            .iter()
            .map(|(a, b)| (*a, *b))
            .collect::<Vec<_>>(),
        [(1, 2)]
    );
    assert_eq!(
        s.tx_frames
            .iter()
            .map(|(a, b)| (*a, *b))
            .collect::<Vec<_>>(),
        [(0, 4), (1, 2), (8, 1)]
    );
    assert_eq!(
        r.http_response.as_deref(),
        Some("HTTP/1.1 101 Switching Protocols\r\nServer: AutobahnTestSuite/25.10.1-0.10.9\r\nX-Powered-By: AutobahnPython/0.10.9\r\nUpgrade: WebSocket\r\nConnection: Upgrade\r\nSec-WebSocket-Accept: ns5fEZvPibGzKKwNyxEXljPKTXQ=")
    );
    let w = r.wirelog.as_ref().unwrap();
    assert_eq!(w.len(), 23);
    // Indented continuation lines join onto their entry.
    assert!(octets(&w[1])
        .1
        .ends_with("4175746f6261686e5465737453756974652f32352e31 ..."));
    assert_eq!(frame(&w[2]), (false, 0, true, 0, 9, "fragment1", None));
    assert_eq!(frame(&w[4]), (false, 1, false, 0, 9, "fragment2", None));
    assert_eq!(
        frame(&w[16]),
        (true, 1, true, 0, 18, "fragment2fragment3", Some("d07e2628"))
    );
    assert_eq!(
        frame(&w[18]),
        (true, 1, true, 0, 18, "fragment2fragment3", Some("5f34fe4c"))
    );
    assert_eq!(w[19], WireEntry::Failing);
    assert_eq!(w[22], WireEntry::TcpDropped { by_me: false });
}

#[test]
fn seed_002_visible_text_wspp_3_2_ok() {
    let r = seed("002_");
    assert_eq!(r.agent, "wspp");
    assert_eq!(r.case_id.as_str(), "3.2");
    assert_eq!(r.behavior, Behavior::Ok);
    assert_eq!(r.behavior_close, Some(Behavior::Ok));
    assert_eq!(r.duration_ms, Some(1));
    expected_3x(&r);
    assert_eq!(r.observed.as_deref().unwrap(), [msg("Hello, world!")]);
    assert_eq!(
        r.closing.as_ref().unwrap(),
        &closing(
            true,
            false,
            false,
            true,
            true,
            None,
            Some((1000, None)),
            Some(1002)
        )
    );
    let s = r.stats.as_ref().unwrap();
    assert_eq!(
        s.rx_octets
            .iter()
            .map(|(a, b)| (*a, *b))
            .collect::<Vec<_>>(),
        [(27, 1), (179, 1)]
    );
    assert_eq!(
        s.tx_octets
            .iter()
            .map(|(a, b)| (*a, *b))
            .collect::<Vec<_>>(),
        [(2, 1), (4, 1), (15, 2), (208, 1)]
    );
    let w = r.wirelog.as_ref().unwrap();
    assert_eq!(w.len(), 15);
    assert_eq!(
        frame(&w[11]),
        (true, 8, true, 0, 2, "0x03ea", Some("9e5150e0"))
    );
    assert_eq!(frame(&w[12]), (false, 8, true, 0, 2, "0x03e8", None));
    assert_eq!(octets(&w[13]), (false, "880203e8"));
    assert_eq!(w[14], WireEntry::TcpDropped { by_me: true });
}

#[test]
fn seed_003_pipe_form_websock_server_4_2_5_ok() {
    let r = seed("003_");
    assert_eq!(r.agent, "websock server");
    assert_eq!(r.case_id.as_str(), "4.2.5");
    assert_eq!(r.behavior, Behavior::Ok);
    assert_eq!(r.behavior_close, Some(Behavior::Ok));
    assert_eq!(r.duration_ms, Some(5));
    // A server run: no /runCase?case=N, so no run number; the version is in the User-Agent.
    assert_eq!(r.case_index, None);
    assert_eq!(r.suite_version.as_deref(), Some("25.10.1"));
    expected_3x(&r);
    assert_eq!(r.observed.as_deref().unwrap(), [msg("Hello, world!")]);
    assert_eq!(
        r.closing.as_ref().unwrap(),
        &closing(
            false,
            false,
            false,
            false,
            false,
            Some(PEER_DROPPED),
            None,
            None
        )
    );
    let s = r.stats.as_ref().unwrap();
    assert_eq!(
        s.tx_octets
            .iter()
            .map(|(a, b)| (*a, *b))
            .collect::<Vec<_>>(),
        [(1, 22), (244, 1)]
    );
    assert_eq!(
        s.tx_frames
            .iter()
            .map(|(a, b)| (*a, *b))
            .collect::<Vec<_>>(),
        [(1, 1), (9, 1), (15, 1)]
    );
    let w = r.wirelog.as_ref().unwrap();
    assert_eq!(w.len(), 31);
    // TX masks are printed once (plain hex), with the chop size.
    assert_eq!(
        frame(&w[2]),
        (false, 1, true, 0, 13, "Hello, world!", Some("41a848af"))
    );
    assert!(matches!(
        w[4],
        WireEntry::TxFrame {
            opcode: 15,
            chop_size: Some(1),
            ..
        }
    ));
    assert_eq!(octets(&w[7]), (false, "8d"));
    assert_eq!(frame(&w[27]), (true, 1, true, 0, 13, "Hello, world!", None));
    assert_eq!(w[30], WireEntry::TcpDropped { by_me: false });
}

#[test]
fn seed_004_visible_text_mint_3_4_ok_suite_0_8_2() {
    let r = seed("004_");
    assert_eq!(r.agent, "Mint");
    assert_eq!(r.case_id.as_str(), "3.4");
    assert_eq!(r.behavior, Behavior::Ok);
    assert_eq!(r.behavior_close, Some(Behavior::Ok));
    assert_eq!(r.duration_ms, Some(16));
    assert_eq!(r.case_index, Some(31));
    assert_eq!(r.suite_version.as_deref(), Some("0.8.2"));
    expected_3x(&r);
    assert_eq!(
        r.closing.as_ref().unwrap(),
        &closing(
            true,
            false,
            false,
            true,
            true,
            None,
            Some((1000, None)),
            Some(1002)
        )
    );
    let s = r.stats.as_ref().unwrap();
    // "818" = 8 × 1 = 8 next to "19119" = 19 × 1 and "2031203" = 203 × 1: total 3 reads, 230 octets.
    assert_eq!(
        s.rx_octets
            .iter()
            .map(|(a, b)| (*a, *b))
            .collect::<Vec<_>>(),
        [(8, 1), (19, 1), (203, 1)]
    );
    assert_eq!(
        s.tx_octets
            .iter()
            .map(|(a, b)| (*a, *b))
            .collect::<Vec<_>>(),
        [(1, 32), (4, 1), (206, 1)]
    );
    let w = r.wirelog.as_ref().unwrap();
    assert_eq!(w.len(), 45);
    assert!(matches!(
        w[2],
        WireEntry::TxFrame {
            chop_size: Some(1),
            rsv: 0,
            ..
        }
    ));
    assert!(matches!(
        w[4],
        WireEntry::TxFrame {
            chop_size: Some(1),
            rsv: 4,
            ..
        }
    ));
    assert_eq!(
        frame(&w[34]),
        (true, 1, true, 0, 13, "Hello, world!", Some("0e39aed9"))
    );
    assert_eq!(
        frame(&w[41]),
        (true, 8, true, 0, 2, "0x03ea", Some("2f561501"))
    );
    assert_eq!(w[44], WireEntry::TcpDropped { by_me: true });
}

#[test]
fn stdin_dash_reads_pasted_text() {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("fixtures/seeds");
    let file = std::fs::read_dir(&dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .find(|p| p.file_name().unwrap().to_str().unwrap().starts_with("002_"))
        .unwrap();
    let out = Command::new(env!("CARGO_BIN_EXE_wstriage"))
        .args(["show", "-", "--format", "json"])
        .stdin(std::fs::File::open(&file).unwrap())
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(v[0]["agent"], "wspp");
    assert_eq!(v[0]["case_id"], "3.2");
    assert_eq!(v[0]["behavior"], "OK");
    assert_eq!(v[0]["source"]["path"], "-");
    assert_eq!(v[0]["source"]["format"], "text");
    assert_eq!(v[0]["closing"]["remote_close_code"], 1002);
}
