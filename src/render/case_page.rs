//! `show --format text`: one readable page per case, in the order of the suite's own page
//! (verdicts, description, events, closing, handshake, statistics, wire log).

use crate::model::{CaseReport, Event, EventKind, WireEntry};
use std::fmt::Write;

fn yes_no(b: bool) -> &'static str {
    if b {
        "yes"
    } else {
        "no"
    }
}

/// An event as one short phrase: `message "Hello" (text)`, `ping ""`, `timeout A`.
pub fn event_phrase(e: &Event) -> String {
    let payload = e.payload.as_deref().unwrap_or("");
    match e.kind {
        EventKind::Message => format!(
            "message {:?} ({})",
            payload,
            if e.binary == Some(true) {
                "binary"
            } else {
                "text"
            }
        ),
        EventKind::Ping => format!("ping {payload:?}"),
        EventKind::Pong => format!("pong {payload:?}"),
        EventKind::Timeout => format!("timeout {payload}"),
    }
}

/// One wire log entry on one line.
pub fn wire_line(e: &WireEntry) -> String {
    let cut = |t: bool| if t { " (cut)" } else { "" };
    match e {
        WireEntry::RxOctets { octets } => {
            format!("RX OCTETS {:>5}: {}{}", octets.len, octets.data, cut(false))
        }
        WireEntry::TxOctets { octets, sync } => format!(
            "TX OCTETS {:>5}: {}{}",
            octets.len,
            octets.data,
            if *sync { " [sync]" } else { "" }
        ),
        WireEntry::RxFrame {
            payload,
            opcode,
            fin,
            rsv,
            masked,
            mask,
        } => format!(
            "RX FRAME  opcode={opcode} fin={fin} rsv={rsv} len={} masked={masked}{}: {:?}",
            payload.len,
            mask.as_deref()
                .map(|m| format!(" mask={m}"))
                .unwrap_or_default(),
            payload.data
        ),
        WireEntry::TxFrame {
            payload,
            opcode,
            fin,
            rsv,
            mask,
            payload_repeat_len,
            chop_size,
            sync,
        } => format!(
            "TX FRAME  opcode={opcode} fin={fin} rsv={rsv} len={}{}{}{}{}: {:?}",
            payload.len,
            mask.as_deref()
                .map(|m| format!(" mask={m}"))
                .unwrap_or_default(),
            payload_repeat_len
                .map(|r| format!(" repeat-to={r}"))
                .unwrap_or_default(),
            chop_size.map(|c| format!(" chop={c}")).unwrap_or_default(),
            if *sync { " [sync]" } else { "" },
            payload.data
        ),
        WireEntry::Delay { seconds, tag } => format!(
            "DELAY {seconds} s for tag {}",
            tag.as_deref().unwrap_or("-")
        ),
        WireEntry::DelayFired { tag } => {
            format!("DELAY fired for tag {}", tag.as_deref().unwrap_or("-"))
        }
        WireEntry::FailAfter { seconds } => format!("FAIL CONNECTION AFTER {seconds} s"),
        WireEntry::Failing => "FAILING CONNECTION".into(),
        WireEntry::CloseAfter { seconds } => format!("CLOSE CONNECTION AFTER {seconds} s"),
        WireEntry::Closing => "CLOSING CONNECTION".into(),
        WireEntry::WirelogSwitch { enabled } => {
            format!("WIRELOG {}", if *enabled { "ENABLED" } else { "DISABLED" })
        }
        WireEntry::TcpDropped { by_me } => {
            format!(
                "TCP DROPPED BY {}",
                if *by_me { "ME (fuzzer)" } else { "PEER" }
            )
        }
        WireEntry::Unknown { text } => format!("? {text}"),
    }
}

/// The whole page for one case.
pub fn render(r: &CaseReport) -> String {
    let mut o = String::new();
    let close = r.behavior_close.map(|b| b.as_str()).unwrap_or("?");
    let _ = writeln!(
        o,
        "Case {} — {}   behavior {}, close {}{}{}",
        r.case_id,
        r.agent,
        r.behavior,
        close,
        r.duration_ms
            .map(|d| format!(", {d} ms"))
            .unwrap_or_default(),
        r.started
            .as_deref()
            .map(|s| format!(" @ {s}"))
            .unwrap_or_default()
    );
    let _ = writeln!(
        o,
        "  source: {} ({:?}){}{}",
        r.source.path.display(),
        r.source.format,
        r.suite_version
            .as_deref()
            .map(|v| format!(", suite {v}"))
            .unwrap_or_default(),
        r.case_index
            .map(|i| format!(", run #{i}"))
            .unwrap_or_default()
    );
    let mut field = |name: &str, v: &Option<String>| {
        if let Some(v) = v {
            let _ = writeln!(o, "  {name}: {}", v.replace('\n', "\n    "));
        }
    };
    field("description", &r.description);
    field("expectation", &r.expectation);
    field("result", &r.result);
    field("result (close)", &r.result_close);
    if let Some(exp) = &r.expected {
        let _ = writeln!(
            o,
            "  expected{}:",
            if r.expected_truncated {
                " (cut by the page)"
            } else {
                ""
            }
        );
        if exp.is_empty() {
            let _ = writeln!(o, "    (no event list: decided by the case itself)");
        }
        for (verdict, events) in exp {
            let list: Vec<String> = events.iter().map(event_phrase).collect();
            let _ = writeln!(
                o,
                "    {verdict}: {}",
                if list.is_empty() {
                    "(nothing)".to_string()
                } else {
                    list.join(", ")
                }
            );
        }
    }
    if let Some(obs) = &r.observed {
        let list: Vec<String> = obs.iter().map(event_phrase).collect();
        let _ = writeln!(
            o,
            "  observed{}: {}",
            if r.observed_truncated {
                " (cut by the page)"
            } else {
                ""
            },
            if list.is_empty() {
                "(nothing)".to_string()
            } else {
                list.join(", ")
            }
        );
    }
    if let Some(ec) = &r.expected_close {
        let _ = writeln!(
            o,
            "  expected close: by {}, codes {:?}, clean required: {}",
            if ec.closed_by_me { "fuzzer" } else { "testee" },
            ec.close_code,
            yes_no(ec.require_clean)
        );
    }
    if let Some(c) = &r.closing {
        let _ = writeln!(
            o,
            "  closing: fuzzer is {}; closed by fuzzer {}, failed by fuzzer {}, TCP dropped by fuzzer {}, clean {}",
            if c.is_server { "server" } else { "client" },
            yes_no(c.closed_by_me),
            yes_no(c.failed_by_me),
            yes_no(c.dropped_by_me),
            yes_no(c.was_clean)
        );
        if let Some(reason) = &c.was_not_clean_reason {
            let _ = writeln!(o, "    not clean: {reason}");
        }
        let timeouts: Vec<&str> = [
            (c.was_server_connection_drop_timeout, "server drop"),
            (c.was_open_handshake_timeout, "opening handshake"),
            (c.was_close_handshake_timeout, "closing handshake"),
        ]
        .iter()
        .filter(|(b, _)| *b)
        .map(|(_, n)| *n)
        .collect();
        if !timeouts.is_empty() {
            let _ = writeln!(o, "    timeouts: {}", timeouts.join(", "));
        }
        let code = |code: Option<u16>, reason: &Option<String>| match (code, reason) {
            (None, _) => "none".to_string(),
            (Some(c), None) => c.to_string(),
            (Some(c), Some(r)) => format!("{c} {r:?}"),
        };
        let _ = writeln!(
            o,
            "    close sent by fuzzer: {}; by testee: {}",
            code(c.local_close_code, &c.local_close_reason),
            code(c.remote_close_code, &c.remote_close_reason)
        );
    }
    for (name, dump) in [("request", &r.http_request), ("response", &r.http_response)] {
        if let Some(d) = dump {
            let _ = writeln!(o, "  handshake {name}:");
            for l in d.lines() {
                let _ = writeln!(o, "    {}", l.trim_end());
            }
        }
    }
    if let Some(s) = &r.stats {
        let sum = |m: &std::collections::BTreeMap<u64, u64>| -> (u64, u64) {
            (m.values().sum(), m.iter().map(|(k, v)| k * v).sum())
        };
        let (rn, ro) = sum(&s.rx_octets);
        let (tn, to) = sum(&s.tx_octets);
        let frames = |m: &std::collections::BTreeMap<u8, u64>| {
            m.iter()
                .map(|(op, n)| format!("op{op}×{n}"))
                .collect::<Vec<_>>()
                .join(" ")
        };
        let _ = writeln!(
            o,
            "  wire stats: rx {ro} octets in {rn} reads, tx {to} octets in {tn} writes; frames rx [{}] tx [{}]",
            frames(&s.rx_frames),
            frames(&s.tx_frames)
        );
    }
    if let Some(log) = &r.wirelog {
        let _ = writeln!(o, "  wire log ({} entries):", log.len());
        for (i, e) in log.iter().enumerate() {
            let _ = writeln!(o, "    {i:03} {}", wire_line(e));
        }
    }
    for n in &r.notes {
        let _ = writeln!(o, "  note: {n}");
    }
    o
}
