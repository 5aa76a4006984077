//! Per-case JSON (`<agent>_case_<id>.json`), as `fuzzing.py` `createAgentCaseReportJSON` writes it.
//!
//! The suite dumps its Python 2 dict with `json.dumps(sort_keys=True, indent=3)`. Payloads of
//! the invalid-UTF-8 cases (6.3.1, 6.20.x) were decoded by Python 2's lenient UTF-8 codec, which
//! keeps encoded surrogates, so the file holds lone `\udxxx` escapes that strict parsers (serde_json)
//! reject. [`repair_lone_surrogates`] turns each into `\ufffd` before parsing; the HTML parser maps
//! the same bytes (`ED A0..BF xx`) to one U+FFFD too, so both forms give the same record.

use crate::error::{Error, Result};
use crate::model::{
    Behavior, CaseId, CaseReport, Closing, Event, EventKind, ExpectedClose, LoggedBytes, Source,
    SourceFormat, WireEntry, WireStats,
};
use serde::de::{self, IgnoredAny, SeqAccess, Visitor};
use serde::Deserialize;
use serde_json::Value;
use std::borrow::Cow;
use std::collections::BTreeMap;
use std::path::Path;

/// Replaces every `\uXXXX` escape naming a lone surrogate with `\ufffd`; valid pairs are kept.
/// Works on the raw text, tracking escapes so that `\\u…` (an escaped backslash) is left alone.
pub fn repair_lone_surrogates(text: &str) -> Cow<'_, str> {
    let bytes = text.as_bytes();
    if !text.contains("\\ud") && !text.contains("\\uD") {
        return Cow::Borrowed(text);
    }
    let hex4 = |at: usize| -> Option<u16> {
        let s = text.get(at..at + 4)?;
        u16::from_str_radix(s, 16).ok()
    };
    let mut out = String::with_capacity(text.len());
    let mut copied = 0;
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i] != b'\\' {
            i += 1;
            continue;
        }
        if bytes.get(i + 1) != Some(&b'u') {
            i += 2;
            continue;
        }
        let Some(unit) = hex4(i + 2) else {
            i += 2;
            continue;
        };
        let is_high = (0xD800..=0xDBFF).contains(&unit);
        let is_low = (0xDC00..=0xDFFF).contains(&unit);
        if is_high {
            let next_is_low = bytes.get(i + 6) == Some(&b'\\')
                && bytes.get(i + 7) == Some(&b'u')
                && hex4(i + 8).is_some_and(|u| (0xDC00..=0xDFFF).contains(&u));
            if next_is_low {
                i += 12;
                continue;
            }
        }
        if is_high || is_low {
            out.push_str(&text[copied..i]);
            out.push_str("\\ufffd");
            copied = i + 6;
        }
        i += 6;
    }
    out.push_str(&text[copied..]);
    Cow::Owned(out)
}

/// The per-case JSON as written; every field optional so that old or odd files still load and a
/// missing key becomes `None` rather than an error (only `id`, `agent`, `behavior` are required).
#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct RawCase {
    agent: Option<String>,
    id: Option<String>,
    behavior: Option<String>,
    behavior_close: Option<String>,
    case: Option<u32>,
    closed_by_me: Option<bool>,
    description: Option<String>,
    dropped_by_me: Option<bool>,
    duration: Option<f64>,
    expectation: Option<String>,
    expected: Option<BTreeMap<String, Vec<RawEvent>>>,
    expected_close: Option<RawExpectedClose>,
    failed_by_me: Option<bool>,
    http_request: Option<String>,
    http_response: Option<String>,
    is_server: Option<bool>,
    local_close_code: Option<u16>,
    local_close_reason: Option<String>,
    received: Option<Vec<RawEvent>>,
    remote_close_code: Option<u16>,
    remote_close_reason: Option<String>,
    report_time: Option<bool>,
    result: Option<String>,
    result_close: Option<String>,
    rx_frame_stats: Option<BTreeMap<String, u64>>,
    rx_octet_stats: Option<BTreeMap<String, u64>>,
    started: Option<String>,
    traffic_stats: Option<Value>,
    tx_frame_stats: Option<BTreeMap<String, u64>>,
    tx_octet_stats: Option<BTreeMap<String, u64>>,
    was_clean: Option<bool>,
    was_close_handshake_timeout: Option<bool>,
    was_not_clean_reason: Option<String>,
    was_open_handshake_timeout: Option<bool>,
    was_server_connection_drop_timeout: Option<bool>,
    wirelog: Option<Vec<RawWire>>,
}

/// Parses the text of one per-case JSON file. `path` names the file in errors and in `source`.
pub fn parse_case_json(text: &str, path: &Path) -> Result<CaseReport> {
    let repaired = repair_lone_surrogates(text);
    let mut raw: RawCase = serde_json::from_str(&repaired)
        .map_err(|e| Error::input(path, format!("not a valid per-case JSON report: {e}")))?;
    let bad = |what: &str| Error::input(path, format!("per-case JSON report: {what}"));
    let id = raw.id.as_deref().ok_or_else(|| bad("missing \"id\""))?;
    let case_id = CaseId::parse(id).ok_or_else(|| bad(&format!("bad case id {id:?}")))?;
    let agent = raw.agent.clone().ok_or_else(|| bad("missing \"agent\""))?;
    let behavior_text = raw
        .behavior
        .as_deref()
        .ok_or_else(|| bad("missing \"behavior\""))?;
    let behavior = Behavior::parse(behavior_text)
        .ok_or_else(|| bad(&format!("unknown behavior {behavior_text:?}")))?;
    let behavior_close = match raw.behavior_close.as_deref() {
        None => None,
        Some(t) => {
            Some(Behavior::parse(t).ok_or_else(|| bad(&format!("unknown behaviorClose {t:?}")))?)
        }
    };
    let expected = raw.expected.take().map(|m| {
        m.into_iter()
            .map(|(k, v)| (k, v.into_iter().map(|e| e.0).collect()))
            .collect()
    });
    let observed = raw
        .received
        .take()
        .map(|v| v.into_iter().map(|e| e.0).collect());
    let expected_close = raw.expected_close.take().map(|c| ExpectedClose {
        closed_by_me: c.closed_by_me,
        close_code: c.close_code,
        require_clean: c.require_clean,
        closed_by_wrong_endpoint_is_fatal: c.closed_by_wrong_endpoint_is_fatal,
    });
    let closing = closing_from_raw(&raw);
    let stats = stats_from_raw(&raw).map_err(|m| bad(&m))?;
    let wirelog = raw
        .wirelog
        .take()
        .map(|v| v.into_iter().map(|w| w.0).collect());
    let suite_version = raw
        .http_request
        .as_deref()
        .and_then(super::suite_version_in)
        .or_else(|| {
            raw.http_response
                .as_deref()
                .and_then(super::suite_version_in)
        });
    Ok(CaseReport {
        agent,
        case_id,
        case_index: raw.case,
        behavior,
        behavior_close,
        duration_ms: raw.duration.filter(|d| *d >= 0.0).map(|d| d.round() as u64),
        started: raw.started,
        description: raw.description,
        expectation: raw.expectation,
        result: raw.result,
        result_close: raw.result_close,
        expected,
        expected_truncated: false,
        observed,
        observed_truncated: false,
        expected_close,
        closing,
        http_request: raw.http_request,
        http_response: raw.http_response,
        stats,
        wirelog,
        report_time: raw.report_time,
        traffic_stats: raw.traffic_stats.filter(|v| !v.is_null()),
        source: Source {
            path: path.to_path_buf(),
            format: SourceFormat::Json,
        },
        suite_version,
        notes: Vec::new(),
    })
}

fn closing_from_raw(raw: &RawCase) -> Option<Closing> {
    // The 9 boolean keys are always written by the suite; without them the source has no
    // closing block at all (rather than inventing `false`s).
    Some(Closing {
        is_server: raw.is_server?,
        closed_by_me: raw.closed_by_me?,
        failed_by_me: raw.failed_by_me?,
        dropped_by_me: raw.dropped_by_me?,
        was_clean: raw.was_clean?,
        was_not_clean_reason: raw.was_not_clean_reason.clone(),
        was_server_connection_drop_timeout: raw.was_server_connection_drop_timeout?,
        was_open_handshake_timeout: raw.was_open_handshake_timeout?,
        was_close_handshake_timeout: raw.was_close_handshake_timeout?,
        local_close_code: raw.local_close_code,
        local_close_reason: raw.local_close_reason.clone(),
        remote_close_code: raw.remote_close_code,
        remote_close_reason: raw.remote_close_reason.clone(),
    })
}

fn stats_from_raw(raw: &RawCase) -> std::result::Result<Option<WireStats>, String> {
    fn keyed<K: std::str::FromStr + Ord>(
        name: &str,
        m: &Option<BTreeMap<String, u64>>,
    ) -> std::result::Result<BTreeMap<K, u64>, String> {
        let mut out = BTreeMap::new();
        if let Some(m) = m {
            for (k, v) in m {
                let key = k.parse().map_err(|_| format!("{name}: bad key {k:?}"))?;
                out.insert(key, *v);
            }
        }
        Ok(out)
    }
    if raw.rx_octet_stats.is_none()
        && raw.tx_octet_stats.is_none()
        && raw.rx_frame_stats.is_none()
        && raw.tx_frame_stats.is_none()
    {
        return Ok(None);
    }
    Ok(Some(WireStats {
        rx_octets: keyed("rxOctetStats", &raw.rx_octet_stats)?,
        tx_octets: keyed("txOctetStats", &raw.tx_octet_stats)?,
        rx_frames: keyed("rxFrameStats", &raw.rx_frame_stats)?,
        tx_frames: keyed("txFrameStats", &raw.tx_frame_stats)?,
    }))
}

/// `expectedClose` as written.
#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct RawExpectedClose {
    closed_by_me: bool,
    close_code: Vec<u16>,
    require_clean: bool,
    closed_by_wrong_endpoint_is_fatal: Option<bool>,
}

/// `["message", text, isBinary]`, `["ping", text]`, `["pong", text]`, `["timeout", tag]`,
/// read straight from the array (no intermediate `Value`: this is the hot path of a 500-case
/// folder).
struct RawEvent(Event);

impl<'de> Deserialize<'de> for RawEvent {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct V;
        impl<'de> Visitor<'de> for V {
            type Value = RawEvent;
            fn expecting(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
                f.write_str("an event [kind, payload, ...]")
            }
            fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<RawEvent, A::Error> {
                let kind: Cow<'de, str> = seq
                    .next_element()?
                    .ok_or_else(|| de::Error::custom("empty event"))?;
                let kind = match kind.as_ref() {
                    "message" => EventKind::Message,
                    "ping" => EventKind::Ping,
                    "pong" => EventKind::Pong,
                    "timeout" => EventKind::Timeout,
                    other => {
                        return Err(de::Error::custom(format!("unknown event kind {other:?}")))
                    }
                };
                let payload: Option<String> = seq.next_element::<Option<String>>()?.flatten();
                let binary = if kind == EventKind::Message {
                    seq.next_element::<Option<bool>>()?.flatten()
                } else {
                    None
                };
                while seq.next_element::<IgnoredAny>()?.is_some() {}
                Ok(RawEvent(Event {
                    kind,
                    payload,
                    binary,
                }))
            }
        }
        d.deserialize_seq(V)
    }
}

/// `[len, data]` as logged by `binLogData`/`asciiLogData`.
pub(crate) fn logged(len: u64, data: String) -> LoggedBytes {
    let truncated = data.ends_with(" ...");
    LoggedBytes {
        len,
        data,
        truncated,
    }
}

/// One wire log array (table in REFERENCE D3 / `fuzzing.py`), read straight from the array.
struct RawWire(WireEntry);

impl<'de> Deserialize<'de> for RawWire {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct V;
        fn need<'de, A: SeqAccess<'de>, T: Deserialize<'de>>(
            seq: &mut A,
            what: &str,
        ) -> Result<T, A::Error> {
            seq.next_element()?
                .ok_or_else(|| de::Error::custom(format!("wire log entry lacks {what}")))
        }
        impl<'de> Visitor<'de> for V {
            type Value = RawWire;
            fn expecting(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
                f.write_str("a wire log entry [kind, ...]")
            }
            fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<RawWire, A::Error> {
                let tag: Cow<'de, str> = need(&mut seq, "its kind")?;
                let bytes = |seq: &mut A| -> Result<LoggedBytes, A::Error> {
                    let (len, data): (u64, String) = need(seq, "[len, data]")?;
                    Ok(logged(len, data))
                };
                let entry = match tag.as_ref() {
                    "RO" => WireEntry::RxOctets {
                        octets: bytes(&mut seq)?,
                    },
                    "TO" => WireEntry::TxOctets {
                        octets: bytes(&mut seq)?,
                        sync: seq
                            .next_element::<Option<bool>>()?
                            .flatten()
                            .unwrap_or(false),
                    },
                    "RF" => WireEntry::RxFrame {
                        payload: bytes(&mut seq)?,
                        opcode: need(&mut seq, "opcode")?,
                        fin: need(&mut seq, "fin")?,
                        rsv: need(&mut seq, "rsv")?,
                        masked: need(&mut seq, "masked")?,
                        mask: seq.next_element::<Option<String>>()?.flatten(),
                    },
                    "TF" => WireEntry::TxFrame {
                        payload: bytes(&mut seq)?,
                        opcode: need(&mut seq, "opcode")?,
                        fin: need(&mut seq, "fin")?,
                        rsv: need(&mut seq, "rsv")?,
                        mask: seq.next_element::<Option<String>>()?.flatten(),
                        payload_repeat_len: seq.next_element::<Option<u64>>()?.flatten(),
                        chop_size: seq.next_element::<Option<u64>>()?.flatten(),
                        sync: seq
                            .next_element::<Option<bool>>()?
                            .flatten()
                            .unwrap_or(false),
                    },
                    "CT" => WireEntry::Delay {
                        seconds: need(&mut seq, "delay")?,
                        tag: seq.next_element::<Option<Tag>>()?.flatten().map(|t| t.0),
                    },
                    "CTE" => WireEntry::DelayFired {
                        tag: seq.next_element::<Option<Tag>>()?.flatten().map(|t| t.0),
                    },
                    "KL" => WireEntry::FailAfter {
                        seconds: need(&mut seq, "delay")?,
                    },
                    "KLE" => WireEntry::Failing,
                    "TI" => WireEntry::CloseAfter {
                        seconds: need(&mut seq, "delay")?,
                    },
                    "TIE" => WireEntry::Closing,
                    "WLM" => WireEntry::WirelogSwitch {
                        enabled: need(&mut seq, "switch")?,
                    },
                    other => {
                        let mut parts = vec![Value::String(other.to_string())];
                        while let Some(v) = seq.next_element::<Value>()? {
                            parts.push(v);
                        }
                        return Ok(RawWire(WireEntry::Unknown {
                            text: Value::Array(parts).to_string(),
                        }));
                    }
                };
                while seq.next_element::<IgnoredAny>()?.is_some() {}
                Ok(RawWire(entry))
            }
        }
        d.deserialize_seq(V)
    }
}

/// A delay tag: a string (`"A"`) or, in principle, any scalar the case passed.
struct Tag(String);

impl<'de> Deserialize<'de> for Tag {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        Ok(Tag(match Value::deserialize(d)? {
            Value::String(s) => s,
            other => other.to_string(),
        }))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lone_surrogates_become_replacement_and_pairs_stay() {
        let text = r#"["\ud800", "a\udb80b", "\udbbf\udfff", "\\ud800", "\udc00\ud800"]"#;
        let fixed = repair_lone_surrogates(text);
        let v: Vec<String> = serde_json::from_str(&fixed).unwrap();
        assert_eq!(v[0], "\u{fffd}");
        assert_eq!(v[1], "a\u{fffd}b");
        assert_eq!(v[2], "\u{fffff}");
        assert_eq!(v[3], "\\ud800");
        assert_eq!(v[4], "\u{fffd}\u{fffd}");
        assert!(matches!(repair_lone_surrogates("plain"), Cow::Borrowed(_)));
    }

    #[test]
    fn wire_entries_map_every_kind() {
        let raw: Vec<RawWire> = serde_json::from_str(
            r#"[["RO",[406,"4745 ..."]],["TO",[2,"8900"],true],
               ["RF",[2,"0x03e8"],8,true,0,true,"0f42217b"],
               ["TF",[13,"Hello"],1,true,2,null,null,1,false],
               ["CT",1,"A"],["CTE","A"],["KL",0.5],["KLE"],["TI",1],["TIE"],["WLM",false],["ZZ",1]]"#,
        )
        .unwrap();
        let entries: Vec<WireEntry> = raw.into_iter().map(|w| w.0).collect();
        assert_eq!(
            entries[0],
            WireEntry::RxOctets {
                octets: LoggedBytes {
                    len: 406,
                    data: "4745 ...".into(),
                    truncated: true
                }
            }
        );
        assert!(matches!(entries[1], WireEntry::TxOctets { sync: true, .. }));
        assert!(
            matches!(&entries[2], WireEntry::RxFrame { opcode: 8, masked: true, mask: Some(m), .. } if m == "0f42217b")
        );
        assert!(matches!(
            entries[3],
            WireEntry::TxFrame {
                rsv: 2,
                chop_size: Some(1),
                mask: None,
                ..
            }
        ));
        assert_eq!(
            entries[4],
            WireEntry::Delay {
                seconds: 1.0,
                tag: Some("A".into())
            }
        );
        assert_eq!(entries[6], WireEntry::FailAfter { seconds: 0.5 });
        assert_eq!(entries[10], WireEntry::WirelogSwitch { enabled: false });
        assert_eq!(
            entries[11],
            WireEntry::Unknown {
                text: r#"["ZZ",1]"#.into()
            }
        );
        // A malformed entry is an error, not a panic or a silent default.
        assert!(serde_json::from_str::<Vec<RawWire>>(r#"[["RF",[2,"x"],"eight"]]"#).is_err());
        assert!(serde_json::from_str::<Vec<RawEvent>>(r#"[["shout","x"]]"#).is_err());
    }

    #[test]
    fn missing_id_is_an_error_naming_the_file() {
        let err = parse_case_json(
            r#"{"agent":"a","behavior":"OK"}"#,
            Path::new("x_case_1.json"),
        )
        .unwrap_err()
        .to_string();
        assert!(err.starts_with("x_case_1.json:"), "{err}");
        assert!(err.contains("\"id\""), "{err}");
    }
}
