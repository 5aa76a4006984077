//! Case selection with the suite's own pattern syntax.
//!
//! wstest resolves `"cases"` and `"exclude-cases"` in `caseset.py`
//! (`CaseSet.resolveCasePatternList`): a pattern without `*` names one case id exactly; a
//! pattern with `*` becomes a regular expression (`.` literal, `*` any run of characters) that
//! must match at the start of the id, not at its end. So `1.*` selects `1.1.1` but not
//! `12.1.1`, and `12.*.1` selects `12.3.1` and also `12.3.10`, just as wstest does. The same
//! patterns work for `--case`, `--cases`, `--exclude` and `--unimplemented`.

use crate::model::CaseId;

/// One wstest case pattern.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CaseGlob {
    pattern: String,
}

impl CaseGlob {
    pub fn new(pattern: &str) -> CaseGlob {
        CaseGlob {
            pattern: pattern.trim().to_string(),
        }
    }

    pub fn as_str(&self) -> &str {
        &self.pattern
    }

    pub fn matches(&self, id: &str) -> bool {
        if self.pattern.contains('*') {
            matches_prefix(self.pattern.as_bytes(), id.as_bytes())
        } else {
            self.pattern == id
        }
    }
}

/// Include and exclude lists, as in a wstest spec. An empty include list selects everything.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct CaseSelector {
    pub include: Vec<CaseGlob>,
    pub exclude: Vec<CaseGlob>,
}

impl CaseSelector {
    /// Builds a selector from comma-separated lists (`"1.*,2.*"`), as given on the command line.
    pub fn from_lists(include: &[String], exclude: &[String]) -> CaseSelector {
        let split = |lists: &[String]| -> Vec<CaseGlob> {
            lists
                .iter()
                .flat_map(|l| l.split(','))
                .filter(|p| !p.trim().is_empty())
                .map(CaseGlob::new)
                .collect()
        };
        CaseSelector {
            include: split(include),
            exclude: split(exclude),
        }
    }

    pub fn selects(&self, id: &CaseId) -> bool {
        self.selects_str(id.as_str())
    }

    pub fn selects_str(&self, id: &str) -> bool {
        let included = self.include.is_empty() || self.include.iter().any(|g| g.matches(id));
        included && !self.exclude.iter().any(|g| g.matches(id))
    }
}

/// `re.match(pattern.replace('.', '\\.').replace('*', '.*'), id)`: `*` matches any run of
/// characters, everything else itself, anchored at the start of `text` only.
fn matches_prefix(pattern: &[u8], text: &[u8]) -> bool {
    match pattern.split_first() {
        None => true,
        Some((b'*', rest)) => (0..=text.len()).any(|skip| matches_prefix(rest, &text[skip..])),
        Some((&c, rest)) => text.first() == Some(&c) && matches_prefix(rest, &text[1..]),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn patterns_follow_wstest_caseset() {
        let g = CaseGlob::new("1.*");
        assert!(g.matches("1.1.1"));
        assert!(g.matches("1.2.8"));
        assert!(!g.matches("12.1.1"));
        // Anchored at the start only, as `re.match` is: wstest selects 12.3.10 for `12.*.1`.
        assert!(CaseGlob::new("12.*.1").matches("12.3.1"));
        assert!(CaseGlob::new("12.*.1").matches("12.3.10"));
        assert!(!CaseGlob::new("12.*.1").matches("12.3.2"));
        assert!(CaseGlob::new("*").matches("13.7.18"));
        // Without `*` a pattern is one exact id.
        assert!(CaseGlob::new("2.10").matches("2.10"));
        assert!(!CaseGlob::new("2.1").matches("2.10"));
        assert!(!CaseGlob::new("7.9").matches("7.9.1"));
    }

    #[test]
    fn selector_applies_exclude_after_include() {
        let s = CaseSelector::from_lists(&["1.*,9.*".into()], &["9.*".into()]);
        assert!(s.selects_str("1.1.1"));
        assert!(!s.selects_str("9.1.1"));
        assert!(!s.selects_str("2.1"));
        assert!(CaseSelector::default().selects_str("13.1.1"));
    }
}
