//! Expected versus observed events, aligned, with the first divergence named.
//!
//! The suite compares the whole observed list with each expected list for exact equality
//! (`case.py` `onConnectionLost`), so the useful answer is *where* they first differ and what
//! the extra or missing events mean.

use crate::model::{Behavior, CaseReport, Event, EventKind, WireEntry};
use serde::Serialize;

/// One aligned row.
#[derive(Debug, Clone, Serialize)]
pub struct Row {
    /// 1-based event number.
    pub n: usize,
    pub expected: Option<String>,
    pub observed: Option<String>,
    pub same: bool,
}

/// The alignment against one expected list.
#[derive(Debug, Clone, Serialize)]
pub struct Divergence {
    /// Which expected list the rows align with ("OK", "NON-STRICT"): the one that matched, else
    /// the one closest to what was observed.
    pub against: Option<String>,
    pub rows: Vec<Row>,
    /// 1-based number of the first differing event; None when the lists are equal.
    pub first: Option<usize>,
    /// The divergence in words.
    pub summary: String,
    /// Events the testee sent beyond the expected list.
    pub extra: Vec<String>,
    /// Expected events that never came.
    pub missing: Vec<String>,
    /// The first frame the fuzzer sent that breaks RFC 6455 framing (from the wire log), for
    /// cases where the testee must fail the connection: "004: text frame with RSV=2".
    pub offending_frame: Option<String>,
}

/// Finds the first frame the fuzzer sent that a conforming peer must reject: non-zero RSV
/// (no extension in these cases), a reserved opcode, a fragmented or oversized control frame,
/// a continuation with no message open, or a new data frame while one is open.
pub fn offending_frame(entries: &[WireEntry]) -> Option<String> {
    let mut open = false;
    for (i, e) in entries.iter().enumerate() {
        let WireEntry::TxFrame {
            payload,
            opcode,
            fin,
            rsv,
            payload_repeat_len,
            ..
        } = e
        else {
            continue;
        };
        let len = payload_repeat_len.unwrap_or(payload.len);
        let name = crate::explain::wire::opcode_name(*opcode);
        let why = if *rsv != 0 {
            Some(format!("{name} frame with RSV={rsv}"))
        } else if matches!(opcode, 3..=7 | 11..=15) {
            Some(format!("frame with {name}"))
        } else if *opcode >= 8 && !fin {
            Some(format!(
                "{name} frame with FIN=0 (fragmented control frame)"
            ))
        } else if *opcode >= 8 && len > 125 {
            Some(format!(
                "{name} frame with {len} octets of payload (over 125)"
            ))
        } else if *opcode == 0 && !open {
            Some("continuation frame with no message in progress".to_string())
        } else if matches!(opcode, 1 | 2) && open {
            Some(format!(
                "{name} frame while a fragmented message is still open"
            ))
        } else {
            None
        };
        if let Some(w) = why {
            return Some(format!("{i:03}: {w}"));
        }
        if *opcode <= 2 {
            open = !fin;
        }
    }
    None
}

/// An event as a short phrase: `message "Hello, world!"`, `pong (empty)`.
pub fn show_event(e: &Event) -> String {
    let payload = match e.payload.as_deref() {
        None | Some("") => "(empty)".to_string(),
        Some(p) => format!("{p:?}"),
    };
    match e.kind {
        EventKind::Message => {
            let kind = if e.binary == Some(true) {
                "binary message"
            } else {
                "message"
            };
            format!("{kind} {payload}")
        }
        EventKind::Ping => format!("ping {payload}"),
        EventKind::Pong => format!("pong {payload}"),
        EventKind::Timeout => format!("timeout {}", e.payload.as_deref().unwrap_or("")),
    }
}

/// What an observed event tells about the testee, in words.
fn meaning(e: &Event) -> String {
    match e.kind {
        EventKind::Message => format!("echoed {}", show_event(e)),
        EventKind::Pong => format!("answered a ping ({})", show_event(e)),
        EventKind::Ping => format!("sent its own {}", show_event(e)),
        EventKind::Timeout => format!(
            "let the fuzzer's wait {} run out",
            e.payload.as_deref().unwrap_or("")
        ),
    }
}

fn common_prefix(a: &[Event], b: &[Event]) -> usize {
    a.iter().zip(b).take_while(|(x, y)| x == y).count()
}

/// Aligns the observed events with the expected lists of a report.
pub fn diverge(r: &CaseReport, must_fail: bool) -> Option<Divergence> {
    let expected = r.expected.as_ref()?;
    let observed = r.observed.as_ref()?;
    if expected.is_empty() {
        // 9.x, 12.x, 13.x decide while messages arrive; no event lists are kept.
        return Some(Divergence {
            against: None,
            rows: Vec::new(),
            first: None,
            summary: format!(
                "This case keeps no event lists (it checks each echo as it arrives): {}",
                r.result.as_deref().unwrap_or("no result recorded")
            ),
            extra: Vec::new(),
            missing: Vec::new(),
            offending_frame: None,
        });
    }
    // Which list to align with: the verdict's own list when it matched, else the OK list, else
    // the one sharing the longest prefix.
    let matched = expected
        .iter()
        .find(|(_, v)| *v == observed)
        .map(|(k, _)| k.clone());
    let key = matched.clone().or_else(|| {
        if expected.contains_key(Behavior::Ok.as_str()) {
            Some(Behavior::Ok.as_str().to_string())
        } else {
            expected
                .iter()
                .max_by_key(|(_, v)| common_prefix(v, observed))
                .map(|(k, _)| k.clone())
        }
    })?;
    let exp = &expected[&key];
    let n = exp.len().max(observed.len());
    let mut rows = Vec::with_capacity(n);
    for i in 0..n {
        let e = exp.get(i);
        let o = observed.get(i);
        rows.push(Row {
            n: i + 1,
            expected: e.map(show_event),
            observed: o.map(show_event),
            same: e.is_some() && e == o,
        });
    }
    let prefix = common_prefix(exp, observed);
    let first = if exp == observed {
        None
    } else {
        Some(prefix + 1)
    };
    // Everything the testee sent from the divergence on.
    let extra: Vec<String> = observed.iter().skip(prefix).map(show_event).collect();
    let missing: Vec<String> = exp.iter().skip(prefix).map(show_event).collect();
    let summary = match first {
        None => {
            if matched.as_deref() == Some(Behavior::Ok.as_str()) {
                match observed.len() {
                    0 => "No events were expected and none were observed.".to_string(),
                    1 => "The one observed event matches the expected list exactly.".to_string(),
                    n => format!("The {n} observed events match the expected list exactly."),
                }
            } else {
                format!(
                    "The observed events match only the {key} list (the lenient expectation), not the strict OK list."
                )
            }
        }
        Some(k) if prefix == exp.len() => {
            let tail: Vec<String> = observed[prefix..].iter().map(meaning).collect();
            let lead = if must_fail {
                if prefix == 0 {
                    "Expected the connection to be failed before any event".to_string()
                } else {
                    format!("Expected the connection to be failed after event {prefix}")
                }
            } else {
                format!(
                    "Expected {} event{} only",
                    exp.len(),
                    if exp.len() == 1 { "" } else { "s" }
                )
            };
            format!("{lead}; from event {k} on, your side {}.", join_and(&tail))
        }
        Some(k) if prefix == observed.len() => {
            let lost: Vec<String> = exp[prefix..].iter().map(show_event).collect();
            format!(
                "Events diverge at event {k}: the testee sent nothing more, but the case expected {}.",
                join_and(&lost)
            )
        }
        Some(k) => format!(
            "Events diverge at event {k}: expected {}, observed {}.",
            show_event(&exp[prefix]),
            show_event(&observed[prefix])
        ),
    };
    let offending_frame = if must_fail {
        r.wirelog.as_deref().and_then(offending_frame)
    } else {
        None
    };
    let summary = match (&offending_frame, first) {
        (Some(o), Some(_)) => {
            format!("{summary} The frame that should have ended the connection: {o}.")
        }
        _ => summary,
    };
    Some(Divergence {
        against: Some(key),
        rows,
        first,
        summary,
        extra,
        missing,
        offending_frame,
    })
}

fn join_and(items: &[String]) -> String {
    match items.len() {
        0 => String::new(),
        1 => items[0].clone(),
        _ => format!(
            "{} and {}",
            items[..items.len() - 1].join(", "),
            items[items.len() - 1]
        ),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    pub(crate) fn msg(t: &str) -> Event {
        Event {
            kind: EventKind::Message,
            payload: Some(t.into()),
            binary: Some(false),
        }
    }

    #[test]
    fn show_event_forms() {
        assert_eq!(show_event(&msg("hi")), "message \"hi\"");
        let pong = Event {
            kind: EventKind::Pong,
            payload: Some(String::new()),
            binary: None,
        };
        assert_eq!(show_event(&pong), "pong (empty)");
    }

    #[test]
    fn join_and_reads_naturally() {
        assert_eq!(
            join_and(&["a".into(), "b".into(), "c".into()]),
            "a, b and c"
        );
    }
}
