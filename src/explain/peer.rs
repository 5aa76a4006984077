//! A passing peer: another agent that passed the same case, and what it did differently.

use super::cause::is_pass;
use super::divergence::show_event;
use crate::model::CaseReport;
use serde::Serialize;

#[derive(Debug, Clone, Serialize)]
pub struct PeerNote {
    pub agent: String,
    pub source: String,
    pub behavior: String,
    pub behavior_close: Option<String>,
    /// What it did, in words.
    pub text: String,
}

fn close_of(r: &CaseReport) -> String {
    match &r.closing {
        None => "closing details not recorded".to_string(),
        Some(c) => {
            let code = c
                .remote_close_code
                .map(|c| format!("close {c}"))
                .unwrap_or_else(|| "no close code".into());
            if c.closed_by_me {
                format!("the fuzzer closed first and it answered with {code}")
            } else {
                format!("it closed first, with {code}")
            }
        }
    }
}

fn events_of(r: &CaseReport) -> String {
    match r.observed.as_deref() {
        None => "events not recorded".to_string(),
        Some([]) => "sent no events".to_string(),
        Some(evs) => {
            let v: Vec<String> = evs.iter().take(4).map(show_event).collect();
            let more = if evs.len() > 4 {
                format!(" and {} more", evs.len() - 4)
            } else {
                String::new()
            };
            format!("sent {}{more}", v.join(", "))
        }
    }
}

/// Picks a passing peer for `r` among `candidates` (same case id, other agent) and says how it
/// differed.
pub fn find_peer(r: &CaseReport, candidates: &[CaseReport]) -> Option<PeerNote> {
    let p = candidates
        .iter()
        .filter(|c| {
            c.case_id == r.case_id && !(c.agent == r.agent && c.source.path == r.source.path)
        })
        .find(|c| is_pass(c))?;
    let who = if p.agent == r.agent {
        format!("The same agent in {}", p.source.path.display())
    } else {
        p.agent.clone()
    };
    let mut text = format!("{who} passed: it {}; {}.", events_of(p), close_of(p));
    if p.observed != r.observed && r.observed.is_some() {
        text.push_str(&format!(" Yours {}.", events_of(r)));
    }
    if p.closing.as_ref().map(|c| c.closed_by_me) != r.closing.as_ref().map(|c| c.closed_by_me)
        || p.remote_close_code() != r.remote_close_code()
    {
        text.push_str(&format!(" On yours, {}.", close_of(r)));
    }
    Some(PeerNote {
        agent: p.agent.clone(),
        source: p.source.path.display().to_string(),
        behavior: p.behavior.as_str().to_string(),
        behavior_close: p.behavior_close.map(|b| b.as_str().to_string()),
        text,
    })
}
