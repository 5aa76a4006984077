//! What counts as a pass: named profiles, widened explicitly.
//!
//! wstest always exits 0, so every project writes its own check, and they disagree (REFERENCE A):
//! some allow NON-STRICT, some ignore the close behaviour, some grep for "FAILED" and silently
//! pass WRONG CODE and UNCLEAN. A profile names one rule; `--allow` and `--unimplemented` widen
//! it in the open, so a CI log says exactly what was accepted.
//!
//! | profile | `behavior` passes | `behaviorClose` passes |
//! |---|---|---|
//! | `strict` (default) | OK, INFORMATIONAL | OK, INFORMATIONAL |
//! | `lenient` | OK, NON-STRICT, INFORMATIONAL | OK, INFORMATIONAL |
//!
//! INFORMATIONAL is only ever set by the suite itself, for the cases it marks informational
//! (7.1.6, 7.13.1, 7.13.2), so accepting it accepts exactly those. UNIMPLEMENTED (12.x/13.x
//! without permessage-deflate) never passes unless `--unimplemented GLOBS` names the cases or
//! `--allow UNIMPLEMENTED` accepts it everywhere.

use crate::diff::rank::{behavior_rank, close_rank};
use crate::model::{Behavior, CaseId, CaseSummary};
use crate::select::CaseGlob;
use serde::Serialize;
use std::collections::BTreeSet;

/// A named base rule.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, clap::ValueEnum)]
#[serde(rename_all = "lowercase")]
pub enum Profile {
    /// behavior OK or INFORMATIONAL; close behavior OK or INFORMATIONAL.
    Strict,
    /// strict, plus behavior NON-STRICT.
    Lenient,
}

impl Profile {
    pub fn as_str(self) -> &'static str {
        match self {
            Profile::Strict => "strict",
            Profile::Lenient => "lenient",
        }
    }
}

/// A profile plus its widenings.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Policy {
    pub profile: Profile,
    /// Verdicts accepted on top of the profile, in either dimension (`--allow`).
    pub allow: BTreeSet<Behavior>,
    /// Cases where UNIMPLEMENTED passes (`--unimplemented 12.*,13.*`).
    #[serde(serialize_with = "globs_as_strings")]
    pub unimplemented: Vec<CaseGlob>,
}

fn globs_as_strings<S: serde::Serializer>(g: &[CaseGlob], s: S) -> Result<S::Ok, S::Error> {
    s.collect_seq(g.iter().map(CaseGlob::as_str))
}

/// The policy's answer for one case.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Judgement {
    pub passed: bool,
    /// Why it failed, in one line (empty when it passed).
    pub reason: String,
}

impl Policy {
    pub fn new(profile: Profile) -> Policy {
        Policy {
            profile,
            allow: BTreeSet::new(),
            unimplemented: Vec::new(),
        }
    }

    /// The `behavior` values this policy accepts for `id`.
    pub fn behavior_ok(&self, b: Behavior, id: &CaseId) -> bool {
        let base = match self.profile {
            Profile::Strict => matches!(b, Behavior::Ok | Behavior::Informational),
            Profile::Lenient => matches!(
                b,
                Behavior::Ok | Behavior::Informational | Behavior::NonStrict
            ),
        };
        base || self.allow.contains(&b)
            || (b == Behavior::Unimplemented
                && self.unimplemented.iter().any(|g| g.matches(id.as_str())))
    }

    pub fn close_ok(&self, b: Behavior) -> bool {
        matches!(b, Behavior::Ok | Behavior::Informational) || self.allow.contains(&b)
    }

    /// Judges one row. A missing close behavior is a failure: a gate never passes what it could
    /// not check.
    pub fn judge(&self, c: &CaseSummary) -> Judgement {
        let mut why = Vec::new();
        if !self.behavior_ok(c.behavior, &c.case_id) {
            why.push(format!("behavior {}", c.behavior));
        }
        match c.behavior_close {
            Some(bc) if self.close_ok(bc) => {}
            Some(bc) => why.push(format!("close {bc}")),
            None => why.push("close behavior not recorded".to_string()),
        }
        Judgement {
            passed: why.is_empty(),
            reason: why.join(", "),
        }
    }

    /// One line saying what passes, for the summary header.
    pub fn describe(&self) -> String {
        let mut s = match self.profile {
            Profile::Strict => {
                "strict: behavior OK/INFORMATIONAL, close OK/INFORMATIONAL".to_string()
            }
            Profile::Lenient => {
                "lenient: behavior OK/NON-STRICT/INFORMATIONAL, close OK/INFORMATIONAL".to_string()
            }
        };
        if !self.allow.is_empty() {
            let a: Vec<&str> = self.allow.iter().map(|b| b.as_str()).collect();
            s.push_str(&format!("; also allowed: {}", a.join(", ")));
        }
        if !self.unimplemented.is_empty() {
            let g: Vec<&str> = self.unimplemented.iter().map(CaseGlob::as_str).collect();
            s.push_str(&format!("; UNIMPLEMENTED allowed in {}", g.join(",")));
        }
        s
    }
}

/// Whether verdicts `now` are no worse than `accepted` in both dimensions (the diff ranking).
pub fn no_worse_than(
    now: (Behavior, Option<Behavior>),
    accepted: (Behavior, Option<Behavior>),
) -> bool {
    let b = behavior_rank(now.0) >= behavior_rank(accepted.0);
    let c = match (now.1, accepted.1) {
        (Some(n), Some(a)) => close_rank(n) >= close_rank(a),
        (None, Some(_)) => false,
        (_, None) => true,
    };
    b && c
}

#[cfg(test)]
mod tests {
    use super::*;
    use Behavior::*;

    fn row(id: &str, b: Behavior, c: Option<Behavior>) -> CaseSummary {
        CaseSummary {
            agent: "a".into(),
            case_id: CaseId::parse(id).unwrap(),
            behavior: b,
            behavior_close: c,
            duration_ms: None,
            remote_close_code: None,
            report_file: None,
            description: None,
        }
    }

    #[test]
    fn strict_rejects_what_grep_gates_miss() {
        let p = Policy::new(Profile::Strict);
        assert!(p.judge(&row("1.1.1", Ok, Some(Ok))).passed);
        assert!(
            p.judge(&row("7.1.6", Informational, Some(Informational)))
                .passed
        );
        for (b, c) in [
            (Ok, Some(WrongCode)),
            (Ok, Some(Unclean)),
            (Ok, Some(FailedByClient)),
            (NonStrict, Some(Ok)),
            (Unimplemented, Some(Ok)),
            (Ok, None),
        ] {
            let j = p.judge(&row("12.1.1", b, c));
            assert!(!j.passed, "{b:?}/{c:?} must fail");
            assert!(!j.reason.is_empty());
        }
    }

    #[test]
    fn lenient_and_widenings() {
        let mut p = Policy::new(Profile::Lenient);
        assert!(p.judge(&row("3.2", NonStrict, Some(Ok))).passed);
        assert!(!p.judge(&row("12.1.1", Unimplemented, Some(Ok))).passed);
        p.unimplemented = vec![CaseGlob::new("12.*")];
        assert!(p.judge(&row("12.1.1", Unimplemented, Some(Ok))).passed);
        assert!(!p.judge(&row("13.1.1", Unimplemented, Some(Ok))).passed);
        assert!(!p.judge(&row("5.1", Ok, Some(FailedByClient))).passed);
        p.allow.insert(FailedByClient);
        assert!(p.judge(&row("5.1", Ok, Some(FailedByClient))).passed);
    }

    #[test]
    fn baseline_comparison_uses_the_ranking() {
        assert!(no_worse_than(
            (Failed, Some(WrongCode)),
            (Failed, Some(WrongCode))
        ));
        assert!(no_worse_than((Failed, Some(Ok)), (Failed, Some(WrongCode))));
        assert!(!no_worse_than(
            (Failed, Some(Unclean)),
            (Failed, Some(WrongCode))
        ));
        assert!(!no_worse_than((Failed, Some(Ok)), (NonStrict, Some(Ok))));
    }
}
