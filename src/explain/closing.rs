//! The closing story in one or two sentences: who closed first, who was expected to, the codes
//! sent and expected, whether the TCP drop was clean, which timers fired.
//!
//! Terms follow `case.py`/`fuzzing.py`: "closedByMe" means the fuzzer sent the first close
//! frame; "failedByMe" that it did so (or dropped TCP) because of a protocol problem or its
//! fail timer (`KL`/`KLE` in the wire log).

use super::rules::CloseRule;
use crate::model::{CaseReport, WireEntry};
use serde::Serialize;

/// Which endpoint.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Side {
    Fuzzer,
    Testee,
}

#[derive(Debug, Clone, Serialize)]
pub struct ClosingStory {
    /// Who sent the first close (or failed the connection); None when the report does not say.
    pub closed_first: Option<Side>,
    pub expected_first: Option<Side>,
    pub fuzzer_code: Option<u16>,
    pub fuzzer_reason: Option<String>,
    pub testee_code: Option<u16>,
    pub testee_reason: Option<String>,
    pub expected_codes: Vec<u16>,
    pub clean: Option<bool>,
    /// Timers and timeouts that fired, in words.
    pub timeouts: Vec<String>,
    /// The story itself.
    pub text: String,
}

fn code_text(code: Option<u16>, reason: Option<&str>) -> String {
    match (code, reason.filter(|r| !r.is_empty())) {
        (Some(c), Some(r)) => format!("{c} ({r})"),
        (Some(c), None) => c.to_string(),
        (None, _) => "no code".to_string(),
    }
}

fn codes_text(codes: &[u16]) -> String {
    let v: Vec<String> = codes.iter().map(u16::to_string).collect();
    match v.len() {
        0 => "any code".to_string(),
        1 => v[0].clone(),
        _ => format!("{} or {}", v[..v.len() - 1].join(", "), v[v.len() - 1]),
    }
}

/// Tells the closing story of a report. `rule` supplies the expected close when the report
/// (HTML, pasted text) does not carry `expectedClose`.
pub fn story(r: &CaseReport, rule: Option<&CloseRule>) -> ClosingStory {
    let wire = r.wirelog.as_deref().unwrap_or(&[]);
    let fail_after = wire.iter().find_map(|e| match e {
        WireEntry::FailAfter { seconds } => Some(*seconds),
        _ => None,
    });
    let fail_fired = wire.iter().any(|e| matches!(e, WireEntry::Failing));
    let close_after = wire.iter().find_map(|e| match e {
        WireEntry::CloseAfter { seconds } => Some(*seconds),
        _ => None,
    });
    let close_fired = wire.iter().any(|e| matches!(e, WireEntry::Closing));

    let (exp_fuzzer_first, exp_codes, require_clean) = match (&r.expected_close, rule) {
        (Some(e), _) => (
            Some(e.closed_by_me),
            e.close_code.clone(),
            Some(e.require_clean),
        ),
        (None, Some(c)) => (
            Some(c.closed_by_fuzzer),
            c.codes.clone(),
            Some(c.require_clean),
        ),
        (None, None) => (None, Vec::new(), None),
    };
    let expected_first = exp_fuzzer_first.map(|f| if f { Side::Fuzzer } else { Side::Testee });

    let mut timeouts = Vec::new();
    if let (Some(s), true) = (fail_after, fail_fired) {
        timeouts.push(format!("the fuzzer's {} s fail timer fired", secs(s)));
    }
    if let (Some(s), true) = (close_after, close_fired) {
        timeouts.push(format!("the fuzzer's {} s close timer fired", secs(s)));
    }

    let Some(c) = &r.closing else {
        let text = format!(
            "The report carries no closing details; the suite judged the close {}: {}.",
            r.behavior_close.map(|b| b.as_str()).unwrap_or("(unknown)"),
            r.result_close.as_deref().unwrap_or("no reason given")
        );
        return ClosingStory {
            closed_first: None,
            expected_first,
            fuzzer_code: None,
            fuzzer_reason: None,
            testee_code: None,
            testee_reason: None,
            expected_codes: exp_codes,
            clean: None,
            timeouts,
            text,
        };
    };
    if c.was_close_handshake_timeout {
        timeouts.push("the testee did not answer the fuzzer's close in time".to_string());
    }
    if c.was_server_connection_drop_timeout {
        timeouts
            .push("the server did not drop TCP in time after the closing handshake".to_string());
    }
    if c.was_open_handshake_timeout {
        timeouts.push("the opening handshake did not finish in time".to_string());
    }

    let fuzzer = code_text(c.local_close_code, c.local_close_reason.as_deref());
    let testee = code_text(c.remote_close_code, c.remote_close_reason.as_deref());
    let peer_dropped = c
        .was_not_clean_reason
        .as_deref()
        .is_some_and(|s| s.contains("peer dropped the TCP connection"));

    let fuzzer_sent_close = wire
        .iter()
        .any(|e| matches!(e, WireEntry::TxFrame { opcode: 8, .. }));
    let mut first = String::new();
    if c.closed_by_me {
        if let (Some(s), true) = (fail_after, fail_fired) {
            first.push_str(&format!(
                "The fuzzer closed first: the testee had not closed the connection, so after {} s the fuzzer's timer failed it",
                secs(s)
            ));
        } else if close_fired {
            first.push_str("The fuzzer closed first, as its close timer fired, starting a normal closing handshake");
        } else if expected_first == Some(Side::Fuzzer) {
            first.push_str("The fuzzer closed first, as this case does by design");
        } else if c.failed_by_me {
            first.push_str("The fuzzer closed first: it failed the connection itself (it saw a protocol violation from the testee)");
        } else {
            first.push_str("The fuzzer closed first, starting the closing handshake");
        }
        if c.local_close_code.is_some() {
            first.push_str(&format!(" with close {fuzzer}"));
        } else if fuzzer_sent_close {
            first.push_str(" with a close frame without code");
        } else if c.dropped_by_me {
            first.push_str(" by dropping TCP");
        }
        if c.remote_close_code.is_some() {
            first.push_str(&format!("; the testee answered with close {testee}"));
        } else if peer_dropped {
            first.push_str("; the testee never sent a close frame and dropped TCP");
        } else if c.was_close_handshake_timeout {
            first.push_str("; the testee never answered");
        } else {
            first.push_str("; the testee sent no close code back");
        }
        if c.dropped_by_me && !c.was_clean {
            first.push_str(", and in the end the fuzzer dropped TCP");
        }
    } else if c.remote_close_code.is_some() {
        first.push_str(&format!("The testee closed first, with close {testee}"));
        if c.local_close_code.is_some() {
            first.push_str(&format!("; the fuzzer answered with {fuzzer}"));
        }
    } else if peer_dropped {
        first.push_str("The testee closed first, by dropping TCP without a close frame");
    } else {
        first.push_str("The testee closed first, with a close frame without code");
        if c.local_close_code.is_some() {
            first.push_str(&format!("; the fuzzer answered with {fuzzer}"));
        }
    }
    first.push('.');

    let mut second = String::new();
    match expected_first {
        Some(Side::Testee) => second.push_str(&format!(
            " The case expected the testee to fail the connection itself (close {} or just drop TCP)",
            codes_text(&exp_codes)
        )),
        Some(Side::Fuzzer) => second.push_str(&format!(
            " The case expected the fuzzer to close and the testee to answer with {}{}",
            codes_text(&exp_codes),
            if require_clean == Some(true) { ", cleanly" } else { "" }
        )),
        None => {}
    }
    let clean = if c.was_clean {
        "the close was clean".to_string()
    } else {
        format!(
            "not clean: {}",
            c.was_not_clean_reason
                .as_deref()
                .unwrap_or("no reason recorded")
        )
    };
    if second.is_empty() {
        second.push_str(&format!(" The {clean}"));
    } else {
        second.push_str(&format!("; {clean}"));
    }
    let extra: Vec<&String> = timeouts
        .iter()
        .filter(|t| !t.contains("fail timer") && !t.contains("close timer"))
        .collect();
    if !extra.is_empty() {
        let v: Vec<&str> = extra.iter().map(|s| s.as_str()).collect();
        second.push_str(&format!(" ({})", v.join("; ")));
    }
    second.push('.');

    ClosingStory {
        closed_first: Some(if c.closed_by_me {
            Side::Fuzzer
        } else {
            Side::Testee
        }),
        expected_first,
        fuzzer_code: c.local_close_code,
        fuzzer_reason: c.local_close_reason.clone(),
        testee_code: c.remote_close_code,
        testee_reason: c.remote_close_reason.clone(),
        expected_codes: exp_codes,
        clean: Some(c.was_clean),
        timeouts,
        text: format!("{first}{second}"),
    }
}

/// `1.0` → "1", `0.5` → "0.5".
fn secs(s: f64) -> String {
    if s.fract() == 0.0 {
        format!("{}", s as i64)
    } else {
        format!("{s}")
    }
}
