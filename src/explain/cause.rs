//! The likely implementation mistake behind a failure pattern.
//!
//! A classifier over (case topic, verdicts, who closed, codes, events): the same mistake fails
//! many cases (an unchecked RSV bit fails all of 3.x), so `--all` groups failures by the key
//! returned here.

use super::divergence::Divergence;
use super::rules::Rule;
use crate::model::{Behavior, CaseReport, EventKind};
use serde::Serialize;

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Cause {
    /// Stable key for grouping, e.g. `rsv-not-checked`.
    pub key: &'static str,
    /// The mistake (or, for a pass, why it passed) in one sentence.
    pub title: String,
    /// What to change.
    pub fix: Option<String>,
}

fn cause(key: &'static str, title: impl Into<String>, fix: Option<&str>) -> Cause {
    Cause {
        key,
        title: title.into(),
        fix: fix.map(str::to_string),
    }
}

/// Whether a report counts as a clean pass (nothing to explain as a defect).
pub fn is_pass(r: &CaseReport) -> bool {
    matches!(r.behavior, Behavior::Ok | Behavior::Informational)
        && matches!(
            r.behavior_close,
            None | Some(Behavior::Ok) | Some(Behavior::Informational)
        )
}

/// Classifies a report.
pub fn classify(r: &CaseReport, rule: Option<&Rule>, div: Option<&Divergence>) -> Cause {
    let topic = rule.map(|r| r.topic).unwrap_or("");
    let must_fail = rule.is_some_and(|r| r.must_fail);
    let closed_by_fuzzer = r.closing.as_ref().map(|c| c.closed_by_me);
    let remote = r.remote_close_code();
    let extra_events = div
        .map(|d| d.first.is_some() && !d.extra.is_empty() && d.missing.is_empty())
        .unwrap_or(false);
    let id = r.case_id.parts();

    if is_pass(r) {
        let why = if r.behavior == Behavior::Informational {
            "the RFC leaves this behaviour open; the suite only records it".to_string()
        } else if must_fail {
            format!(
                "the testee failed the connection as required{}",
                match remote {
                    Some(c) => format!(" (close {c})"),
                    None => " (by dropping TCP, which the case allows)".to_string(),
                }
            )
        } else {
            "the testee handled the traffic as required and the connection closed as expected"
                .to_string()
        };
        return cause("pass", format!("No defect: {why}."), None);
    }
    if r.behavior == Behavior::Unimplemented {
        return cause(
            "pmce-not-negotiated",
            "permessage-deflate (RFC 7692) is not implemented or was not negotiated, so the compression cases did not run",
            Some("Implement permessage-deflate, or exclude 12.* and 13.* from the run."),
        );
    }
    if r.result_close
        .as_deref()
        .is_some_and(|s| s.contains("opening handshake was never completed"))
    {
        return cause(
            "handshake",
            "The opening handshake never completed (the testee refused or did not answer the upgrade)",
            Some("Check the handshake: Sec-WebSocket-Accept, the requested path, and extension negotiation."),
        );
    }

    // Octet-wise chopped input (chop size 1) that left the testee behind: the events stop
    // early or a message comes back garbled, where the unchopped sibling cases pass.
    let chopped = r.wirelog.as_deref().unwrap_or(&[]).iter().any(|e| {
        matches!(
            e,
            crate::model::WireEntry::TxFrame {
                chop_size: Some(1),
                ..
            }
        )
    });
    // A testee that neither failed the connection nor answered anything on chopped input
    // (the fuzzer's timer had to end it) stalled on the chops rather than accepting the frame:
    // accepting it would have produced echoes.
    let silent_until_timer = must_fail
        && rule.is_some_and(|x| !x.close.closed_by_fuzzer)
        && closed_by_fuzzer == Some(true)
        && r.observed.as_ref().is_some_and(|o| o.is_empty());
    if chopped && (stalled_or_garbled(r) || silent_until_timer) {
        return octet_chops();
    }

    // The testee should have failed the connection but the fuzzer had to (or it kept going).
    // In 7.x the fuzzer closes first by design; there the testee fails by answering with the
    // expected code (or none), not by closing first.
    let did_not_fail = match rule {
        Some(x) if x.close.closed_by_fuzzer => remote.is_some_and(|c| !x.close.codes.contains(&c)),
        _ => closed_by_fuzzer == Some(true) || (closed_by_fuzzer.is_none() && extra_events),
    };
    if must_fail && (did_not_fail || (r.behavior == Behavior::Failed && extra_events)) {
        return match (topic, id) {
            ("Reserved bits (RSV)", _) => cause(
                "rsv-not-checked",
                "RSV bits are not checked when no extension is negotiated",
                Some("Fail the connection with 1002 when RSV1-3 are set and no negotiated extension defines them (RFC 6455 §5.2)."),
            ),
            (t, _) if t.starts_with("Reserved opcodes") => cause(
                "reserved-opcode-accepted",
                "Frames with a reserved opcode (3-7, 11-15) are not rejected",
                Some("Fail the connection with 1002 on any opcode other than 0, 1, 2, 8, 9, 10."),
            ),
            ("Fragmented control frames", _) => cause(
                "fragmented-control-accepted",
                "Control frames with FIN=0 (fragmented ping/pong) are accepted",
                Some("Fail the connection with 1002 when a control frame has FIN=0 (RFC 6455 §5.5)."),
            ),
            ("Continuation without a message in progress", _) => cause(
                "orphan-continuation-accepted",
                "A continuation frame with no message in progress is accepted",
                Some("Track whether a fragmented message is open; a continuation frame when none is open must fail the connection with 1002 (RFC 6455 §5.4)."),
            ),
            ("Interleaved data messages", _) => cause(
                "interleaved-data-accepted",
                "A new text/binary frame in the middle of a fragmented message is accepted",
                Some("While a message is open, only continuation and control frames are valid; anything else fails the connection with 1002."),
            ),
            ("Pings and pongs", _) | ("Close frame payload length", [7, 3, 6]) => cause(
                "control-too-long-accepted",
                "Control frames with more than 125 octets of payload are accepted",
                Some("Check the payload length of control frames (at most 125) before processing them; fail with 1002."),
            ),
            ("Close frame payload length", _) => cause(
                "close-payload-not-validated",
                "A close frame with a 1-octet payload is accepted",
                Some("A non-empty close payload must hold at least the 2-octet code; fail with 1002."),
            ),
            ("Close reason must be UTF-8", _) => cause(
                "close-reason-not-validated",
                "The close reason is not checked for valid UTF-8",
                Some("Validate the close reason as UTF-8 and fail with 1007 (or 1002) when it is not."),
            ),
            ("Invalid close codes", _) => cause(
                "close-code-not-validated",
                "Invalid close codes (0-999, 1004-1006, 1016-2999) are accepted and echoed",
                Some("Validate received close codes (RFC 6455 §7.4); answer an invalid one with 1002."),
            ),
            ("UTF-8: fail fast", _) => cause(
                "utf8-not-validated",
                "Invalid UTF-8 in text messages is not detected",
                Some("Validate text payloads incrementally as frames arrive and fail with 1007."),
            ),
            (t, _) if t.starts_with("UTF-8") => cause(
                "utf8-not-validated",
                "Invalid UTF-8 in text messages is not detected",
                Some("Validate text messages (all fragments, across frame boundaries) and fail the connection with 1007 on invalid UTF-8, including surrogates, overlong forms and code points above U+10FFFF."),
            ),
            _ => cause(
                "protocol-error-not-detected",
                format!("The protocol error this case sends ({topic}) is not detected"),
                None,
            ),
        };
    }

    if r.behavior == Behavior::NonStrict {
        return match topic {
            "UTF-8: fail fast" => cause(
                "utf8-not-fail-fast",
                "Invalid UTF-8 is detected only at the end of the message, not fail-fast",
                Some("Run the UTF-8 validator on each frame (or chunk) as it arrives, and fail with 1007 at the first invalid octet."),
            ),
            _ => cause(
                "fails-before-valid-data",
                "The connection is failed before the valid data ahead of the bad frame was processed (frames handled as a batch)",
                Some("Process frames in order: deliver (echo) the valid frames that came before the invalid one, then fail."),
            ),
        };
    }

    // The testee failed the connection but with the wrong close code.
    if r.behavior_close == Some(Behavior::WrongCode) {
        let code = remote.map(|c| c.to_string()).unwrap_or_default();
        let wanted = r
            .expected_close
            .as_ref()
            .map(|e| e.close_code.clone())
            .or_else(|| rule.map(|x| x.close.codes.clone()))
            .unwrap_or_default();
        let wanted: Vec<String> = wanted.iter().map(u16::to_string).collect();
        let wanted = wanted.join(" or ");
        if topic == "Invalid close codes" {
            return cause(
                "close-code-not-validated",
                "Invalid close codes (0-999, 1004-1006, 1016-2999) are accepted and echoed",
                Some("Validate received close codes (RFC 6455 §7.4); answer an invalid one with 1002."),
            );
        }
        if topic.starts_with("UTF-8") {
            return cause(
                "utf8-wrong-close-code",
                format!("Invalid UTF-8 is detected but the connection is closed with {code} instead of 1007"),
                Some("Use close code 1007 (invalid frame payload data) for invalid UTF-8."),
            );
        }
        if must_fail {
            return cause(
                "protocol-error-wrong-code",
                format!("Protocol errors are detected but closed with {code} instead of {wanted}"),
                Some("Fail the connection with 1002 (protocol error) on framing violations."),
            );
        }
        return cause(
            "close-answer-wrong-code",
            format!("The close frame is answered with {code} instead of {wanted}"),
            Some("Answer a close by echoing its code (or 1000); use other codes only for your own errors."),
        );
    }

    // Valid traffic, but the testee closed or failed the connection itself.
    if !must_fail && closed_by_fuzzer == Some(false) {
        if chopped {
            return octet_chops();
        }
        return match topic {
            t if t.starts_with("UTF-8") => valid_utf8_rejected(),
            "Valid close codes" => cause(
                "valid-close-code-rejected",
                "Valid close codes (1000-1003, 1007-1011, 3000-4999) are rejected",
                Some("Accept every code RFC 6455 §7.4 allows on the wire and echo it."),
            ),
            "Framing: payload lengths" => cause(
                "length-encoding",
                "Messages at the 16-bit / 64-bit payload length boundary are not handled",
                Some("Check the extended payload length forms (126 → 16-bit, 127 → 64-bit) and the size limits."),
            ),
            "Limits and performance" => cause(
                "message-size-limit",
                "Large messages are refused (a size limit below what the case sends)",
                Some("Raise the message size limit for the test run, or accept that 9.x fails with 1009."),
            ),
            t if t.contains("ragment") || t.contains("interleaved") || t == "Auto-fragmentation" => cause(
                "fragmentation-broken",
                "Fragmented messages, or control frames between fragments, are not handled",
                Some("Reassemble continuation frames, and process control frames that arrive between fragments without ending the message."),
            ),
            _ => cause(
                "closes-valid-traffic",
                format!("The testee closed the connection on valid traffic ({topic})"),
                None,
            ),
        };
    }

    // Fail-fast cases: failing before the first wait means the valid first part was rejected.
    if topic == "UTF-8: fail fast"
        && closed_by_fuzzer == Some(false)
        && div.is_some_and(|d| {
            d.first == Some(1) && d.missing.first().is_some_and(|m| m.starts_with("timeout"))
        })
    {
        return valid_utf8_rejected();
    }

    // Events differ on valid traffic.
    if let Some(d) = div {
        if d.first.is_some() {
            let missing_pong = d.missing.iter().any(|m| m.starts_with("pong"));
            let extra_pong = d.extra.iter().any(|m| m.starts_with("pong"));
            let r_obs = r.observed.as_deref().unwrap_or(&[]);
            if id.first() == Some(&7) && topic == "Closing handshake basics" && !d.extra.is_empty()
            {
                return cause(
                    "data-after-close",
                    "Frames that arrive after a close frame are still processed",
                    Some("After a close frame is sent or received, discard further data frames and pings."),
                );
            }
            if matches!(id, [2, 10] | [2, 11]) && r_obs.iter().any(|e| e.kind == EventKind::Pong) {
                return cause(
                    "not-all-pings-answered",
                    "Only some of several pings in flight are answered (the RFC allows it; the suite expects every one)",
                    Some("Answer every ping with its own pong."),
                );
            }
            if chopped && !d.missing.is_empty() {
                return octet_chops();
            }
            if missing_pong {
                return cause(
                    "ping-not-answered",
                    "Pings are not answered with a pong echoing their payload",
                    Some("Answer each ping at once with a pong carrying the same payload, also between message fragments."),
                );
            }
            if extra_pong && matches!(id, [2, 7] | [2, 8] | [2, 9]) {
                return cause(
                    "unsolicited-pong-answered",
                    "Unsolicited pongs are answered",
                    Some("Ignore pongs; only pings get an answer."),
                );
            }
            if !d.missing.is_empty() && d.extra.is_empty() {
                return cause(
                    "message-not-echoed",
                    "An expected echo never came (message lost or not delivered to the application)",
                    None,
                );
            }
            return cause(
                "payload-corrupted",
                "The echoed data differs from what was sent (payload or message boundaries corrupted)",
                Some("Check unmasking, payload length handling and fragment reassembly."),
            );
        }
    }

    if topic == "Limits and performance" {
        return cause(
            "large-message-failed",
            "Large or heavily fragmented messages are not echoed intact (a message size limit, or a bug with big payloads)",
            Some("The suite sends up to 16 MiB (9.1/9.2) and 4-8 MiB in fragments (9.3/9.4): raise the size limit for the run, and check reassembly and partial writes of big messages."),
        );
    }
    match r.behavior_close {
        Some(Behavior::Unclean) => cause(
            "unclean-close",
            "The closing handshake is not completed cleanly (no close frame sent back, or TCP not closed by the server)",
            Some("Answer a close frame with a close frame, then (as server) close the TCP connection."),
        ),
        Some(Behavior::FailedByClient) => cause(
            "server-does-not-drop-tcp",
            "After the closing handshake the server does not close the TCP connection; the client had to",
            Some("As a server, close the TCP connection right after sending the close reply (RFC 6455 §7.1.1)."),
        ),
        Some(Behavior::Failed) if closed_by_fuzzer == Some(false) => cause(
            "closes-valid-traffic",
            format!("The testee closed the connection although the fuzzer was expected to ({topic})"),
            None,
        ),
        _ => {
            let res = r.result.as_deref().unwrap_or("");
            if res.contains("Did not receive message") || res.contains("did not finish") {
                cause(
                    "echo-timeout",
                    format!("The echo did not arrive within the case deadline ({res})"),
                    Some("Check throughput and message size limits on large or fragmented messages."),
                )
            } else {
                cause("other", format!("Unclassified failure: {}", if res.is_empty() { "no result text" } else { res }), None)
            }
        }
    }
}

fn valid_utf8_rejected() -> Cause {
    cause(
        "valid-utf8-rejected",
        "Valid UTF-8 is rejected: most likely a code point split across frame (or read) boundaries is judged invalid instead of being carried over, or the validator is too strict",
        Some("Validate incrementally with state carried across frames: an incomplete sequence at the end of a frame is not an error until the message ends; non-characters and U+FFFD are valid."),
    )
}

fn octet_chops() -> Cause {
    cause(
        "octet-chops-not-reassembled",
        "Frames that arrive a few octets at a time (one octet per TCP segment) are not reassembled: the reader seems to expect a whole frame per read",
        Some("Buffer partial reads: keep the octets of an incomplete header or payload and resume when more arrive (the stream is not frame-aligned)."),
    )
}

/// The observed events are a strict prefix of the OK list (the testee fell silent), or the
/// first difference is the right kind of event with a different payload (garbled).
fn stalled_or_garbled(r: &CaseReport) -> bool {
    let (Some(exp), Some(obs)) = (r.expected.as_ref(), r.observed.as_ref()) else {
        return false;
    };
    let Some(ok) = exp.get(Behavior::Ok.as_str()) else {
        return false;
    };
    if obs == ok {
        return false;
    }
    let prefix = ok.iter().zip(obs).take_while(|(a, b)| a == b).count();
    if prefix == obs.len() && obs.len() < ok.len() {
        return true;
    }
    match (ok.get(prefix), obs.get(prefix)) {
        (Some(a), Some(b)) => a.kind == b.kind && a.payload != b.payload,
        _ => false,
    }
}
