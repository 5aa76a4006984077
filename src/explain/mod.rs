//! Why a case passed or failed, in terms a library author can act on.
//!
//! [`explain`] turns one [`CaseReport`] (from any input form) into an [`Explanation`]: the
//! verdict in the suite's own terms, the RFC rule the case tests ([`rules`]), expected versus
//! observed events with the first divergence ([`divergence`]), the closing story
//! ([`closing`]), the wire log as a timeline with logged octets decoded ([`wire`]), the likely
//! implementation mistake ([`cause`]) and a passing peer ([`peer`]). [`group_by_cause`] is
//! what `--all` prints: many failures, one bug.

pub mod cause;
pub mod closing;
pub mod divergence;
pub mod peer;
pub mod rules;
pub mod wire;

use crate::model::{Behavior, CaseId, CaseReport};
use serde::Serialize;

/// The verdict and what it means.
#[derive(Debug, Clone, Serialize)]
pub struct Verdict {
    pub behavior: Behavior,
    pub behavior_close: Option<Behavior>,
    /// What `behavior` means in the suite's terms.
    pub meaning: String,
    /// What `behaviorClose` means.
    pub close_meaning: Option<String>,
    /// The suite's own result lines.
    pub result: Option<String>,
    pub result_close: Option<String>,
}

/// Everything `explain` says about one case of one agent.
#[derive(Debug, Clone, Serialize)]
pub struct Explanation {
    pub agent: String,
    pub case_id: CaseId,
    pub source: String,
    pub suite_version: Option<String>,
    /// Clean pass (OK/INFORMATIONAL with an OK close): nothing to fix.
    pub passed: bool,
    pub verdict: Verdict,
    /// None when the id is not one the suite defines.
    pub rule: Option<rules::Rule>,
    /// The suite's description and expectation, HTML tags removed.
    pub description: Option<String>,
    pub expectation: Option<String>,
    pub divergence: Option<divergence::Divergence>,
    pub closing: closing::ClosingStory,
    pub wire: Option<wire::WireView>,
    pub cause: cause::Cause,
    pub peer: Option<peer::PeerNote>,
    /// Parser notes and caveats carried over.
    pub notes: Vec<String>,
}

/// What `behavior` means (`case.py`).
pub fn behavior_meaning(b: Behavior, r: &CaseReport) -> String {
    match b {
        Behavior::Ok => "PASS: the observed events match the strict expectation".into(),
        Behavior::NonStrict => "NON-STRICT: the events matched only the lenient expectation (accepted, but not what the RFC prefers)".into(),
        Behavior::Informational => "INFORMATIONAL: the RFC leaves this open; the suite only records what happened".into(),
        Behavior::Unimplemented => "UNIMPLEMENTED: the feature under test (permessage-deflate) was not negotiated".into(),
        Behavior::Failed => {
            let fatal = match &r.expected_close {
                Some(e) => e.closed_by_wrong_endpoint_is_fatal.unwrap_or(false),
                None => rules::rule_for(&r.case_id).is_some_and(|x| x.close.wrong_endpoint_fatal),
            };
            let matched = r
                .expected
                .as_ref()
                .zip(r.observed.as_ref())
                .is_some_and(|(e, o)| e.values().any(|v| v == o));
            let close_override = matches!(r.case_id.parts(), [7, 7, _] | [7, 9, _])
                && r.behavior_close == Some(Behavior::WrongCode);
            if close_override {
                "FAILED: the events matched, but in 7.7.x/7.9.x a wrong close code fails the whole case".into()
            } else if fatal && matched {
                "FAILED: the events matched, but in an invalid-UTF-8 case the wrong endpoint closing is fatal (the testee never detected the bad payload)".into()
            } else if r.expected.as_ref().is_some_and(|e| e.is_empty()) {
                "FAILED: the echo check failed (wrong, missing or late message)".into()
            } else {
                "FAILED: the observed events match none of the expected lists".into()
            }
        }
        Behavior::NoClose => "NO_CLOSE: (defined by the suite but never set)".into(),
        other => format!("{other}"),
    }
}

/// What `behaviorClose` means (`case.py` `onConnectionLost`).
pub fn close_meaning(b: Behavior) -> String {
    match b {
        Behavior::Ok => "OK: the connection was closed as expected".into(),
        Behavior::Failed => "FAILED: the connection was closed by the wrong endpoint (or the opening handshake never completed)".into(),
        Behavior::WrongCode => "WRONG CODE: the connection closed, but with a close code outside the expected set".into(),
        Behavior::Unclean => "UNCLEAN: the case requires a clean close (full closing handshake, then the server drops TCP) and this was not one".into(),
        Behavior::FailedByClient => "FAILED BY CLIENT: the fuzzer (as client) had to drop TCP; the server should close it".into(),
        Behavior::Informational => "INFORMATIONAL: the close is only recorded".into(),
        other => format!("{other}"),
    }
}

/// Removes HTML tags (`<br>`, `<b>`) from a suite description.
fn strip_html(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    let mut in_tag = false;
    for ch in s.chars() {
        match ch {
            '<' => in_tag = true,
            '>' if in_tag => {
                in_tag = false;
                out.push(' ');
            }
            c if !in_tag => out.push(c),
            _ => {}
        }
    }
    out.split_whitespace().collect::<Vec<_>>().join(" ")
}

/// Explains one report. `peers` are other agents' reports (same folder or `--compare`); the
/// first that passed the same case is described.
pub fn explain(r: &CaseReport, peers: &[CaseReport]) -> Explanation {
    let rule = rules::rule_for(&r.case_id);
    let must_fail = rule.as_ref().is_some_and(|x| x.must_fail);
    let divergence = divergence::diverge(r, must_fail);
    let closing = closing::story(r, rule.as_ref().map(|x| &x.close));
    let wire = r.wirelog.as_deref().map(wire::timeline);
    let cause = cause::classify(r, rule.as_ref(), divergence.as_ref());
    let passed = cause::is_pass(r);
    let peer = if passed {
        None
    } else {
        peer::find_peer(r, peers)
    };
    let mut notes = r.notes.clone();
    if rule.is_none() {
        notes.push(format!(
            "case {} is not a case id the suite defines",
            r.case_id
        ));
    }
    if r.expected_truncated || r.observed_truncated {
        notes.push(
            "the page cut the event lists at 1000 characters; the alignment covers what was shown"
                .into(),
        );
    }
    Explanation {
        agent: r.agent.clone(),
        case_id: r.case_id.clone(),
        source: r.source.path.display().to_string(),
        suite_version: r.suite_version.clone(),
        passed,
        verdict: Verdict {
            behavior: r.behavior,
            behavior_close: r.behavior_close,
            meaning: behavior_meaning(r.behavior, r),
            close_meaning: r.behavior_close.map(close_meaning),
            result: r.result.clone(),
            result_close: r.result_close.clone(),
        },
        rule,
        description: r.description.as_deref().map(strip_html),
        expectation: r.expectation.as_deref().map(strip_html),
        divergence,
        closing,
        wire,
        cause,
        peer,
        notes,
    }
}

/// Failures that share one likely cause.
#[derive(Debug, Clone, Serialize)]
pub struct CauseGroup {
    pub key: String,
    pub title: String,
    pub fix: Option<String>,
    /// (agent, case id), in case order.
    pub cases: Vec<(String, CaseId)>,
}

/// Groups explanations by cause key, largest group first (ties by first case id).
pub fn group_by_cause(list: &[Explanation]) -> Vec<CauseGroup> {
    let mut groups: Vec<CauseGroup> = Vec::new();
    for e in list {
        match groups.iter_mut().find(|g| g.key == e.cause.key) {
            Some(g) => g.cases.push((e.agent.clone(), e.case_id.clone())),
            None => groups.push(CauseGroup {
                key: e.cause.key.to_string(),
                title: e.cause.title.clone(),
                fix: e.cause.fix.clone(),
                cases: vec![(e.agent.clone(), e.case_id.clone())],
            }),
        }
    }
    for g in &mut groups {
        g.cases.sort_by(|a, b| a.1.cmp(&b.1).then(a.0.cmp(&b.0)));
    }
    groups.sort_by(|a, b| {
        b.cases
            .len()
            .cmp(&a.cases.len())
            .then(a.cases[0].1.cmp(&b.cases[0].1))
    });
    groups
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn strip_html_removes_tags() {
        assert_eq!(
            strip_html("Send <b>RSV = 1</b>.<br><br>MESSAGE:"),
            "Send RSV = 1 . MESSAGE:"
        );
    }
}
