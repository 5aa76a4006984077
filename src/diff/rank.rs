//! The one ranking of verdicts that diff (and the docs) use, justified from the suite itself.
//!
//! `behavior` (`case/case.py`, and how `fuzzing.py` `createMasterReportHTML` shows it):
//!
//! | rank | verdicts | why |
//! |---|---|---|
//! | 3 pass | OK, INFORMATIONAL | "Pass": the events matched the `OK` list. INFORMATIONAL is only ever forced by the case itself (7.1.6, 7.13.1, 7.13.2): the suite says the behaviour is "left unspecified by the spec", so it is not worse than OK. |
//! | 2 pass, non-strict | NON-STRICT | Matched the `NON-STRICT` list: "does not adhere to a SHOULD-behavior … still conformant". |
//! | 1 not a pass | UNIMPLEMENTED | 12.x/13.x when permessage-deflate was not negotiated: nothing was tested. Not a MUST violation, so better than FAILED, but never a pass: OK → UNIMPLEMENTED loses a feature. |
//! | 0 fail | FAILED, NO_CLOSE | "non-conforming to a MUST-behavior". NO_CLOSE is defined but never set; if it ever appears it means no close happened. |
//!
//! `behaviorClose` (the order of the checks in `Case.onConnectionLost`, and the colour the
//! index page gives each: `case_ok`, `case_almost`, `case_non_strict`, `case_failed`):
//!
//! | rank | verdicts | why |
//! |---|---|---|
//! | 4 | OK, INFORMATIONAL | "Connection was properly closed"; INFORMATIONAL forced by the case. |
//! | 3 | FAILED BY CLIENT | The fuzzer (client) had to drop TCP: "It is preferred that the server close the TCP connection" — a SHOULD (`case_almost`). |
//! | 2 | WRONG CODE | The close handshake happened but with a code outside the expected list (`case_non_strict` colour, but a wrong status code; 7.7/7.9 turn it into behavior FAILED). |
//! | 1 | UNCLEAN | "The spec requires the connection to be failed cleanly here" (`case_failed`, "Unclean"). |
//! | 0 | FAILED, NO_CLOSE, UNIMPLEMENTED | Closed by the wrong endpoint, or the opening handshake never completed (`case_failed`, "Fail"). UNIMPLEMENTED never appears as a close verdict; should it, it is not a pass. |

use crate::model::Behavior;

/// How good a `behavior` is: higher is better. Equal ranks are "different but not worse".
pub fn behavior_rank(b: Behavior) -> u8 {
    match b {
        Behavior::Ok | Behavior::Informational => 3,
        Behavior::NonStrict => 2,
        Behavior::Unimplemented => 1,
        Behavior::Failed | Behavior::NoClose => 0,
        // Close-only verdicts, should one turn up as a behavior: they are failures.
        Behavior::WrongCode | Behavior::Unclean | Behavior::FailedByClient => 0,
    }
}

/// How good a `behaviorClose` is: higher is better.
pub fn close_rank(b: Behavior) -> u8 {
    match b {
        Behavior::Ok | Behavior::Informational => 4,
        Behavior::FailedByClient => 3,
        Behavior::WrongCode => 2,
        Behavior::Unclean => 1,
        Behavior::Failed | Behavior::NoClose | Behavior::Unimplemented => 0,
        // NON-STRICT is not a close verdict; rank it like FAILED BY CLIENT (a SHOULD missed).
        Behavior::NonStrict => 3,
    }
}

/// Whether a `behavior` counts as a pass in the suite's own words ("Pass", "Non-Strict",
/// "Info"). UNIMPLEMENTED is not a pass.
pub fn behavior_passes(b: Behavior) -> bool {
    behavior_rank(b) >= 2
}

#[cfg(test)]
mod tests {
    use super::*;
    use Behavior::*;

    #[test]
    fn behavior_order_follows_the_suite() {
        assert!(behavior_rank(Ok) > behavior_rank(NonStrict));
        assert_eq!(behavior_rank(Ok), behavior_rank(Informational));
        assert!(behavior_rank(NonStrict) > behavior_rank(Unimplemented));
        assert!(behavior_rank(Unimplemented) > behavior_rank(Failed));
        assert!(!behavior_passes(Unimplemented));
        assert!(behavior_passes(NonStrict));
    }

    #[test]
    fn close_order_follows_the_suite() {
        let order = [Ok, FailedByClient, WrongCode, Unclean, Failed];
        for w in order.windows(2) {
            assert!(
                close_rank(w[0]) > close_rank(w[1]),
                "{:?} vs {:?}",
                w[0],
                w[1]
            );
        }
        assert_eq!(close_rank(Ok), close_rank(Informational));
    }
}
