//! What changed between two runs of one implementation (or two agents of one run).
//!
//! Every case present on either side gets one [`Outcome`]. Cases are paired by id, except in
//! the groups whose ids moved between suite versions (REFERENCE D7): 7.9.x ("7.9.6" is close code
//! 1012, 1014 or 1016 depending on the version) is paired by description whenever both sides
//! carry descriptions, and the pairing is reported. Verdicts are compared with the single
//! ranking in [`rank`]. Timing is compared separately, only for the cases whose time the suite
//! itself reports (9.x, 12.x, 13.x: `reportTime = True` in their case classes).

pub mod load;
pub mod rank;

use crate::model::{Behavior, CaseId, CaseSummary, Event};
use rank::{behavior_rank, close_rank};
use serde::Serialize;
use std::collections::{BTreeMap, BTreeSet, HashMap};

/// The classification of one case, in the order they are shown (worst news first).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Outcome {
    /// `behavior` or `behaviorClose` ranks lower than before.
    Regression,
    /// Something ranks higher and nothing ranks lower.
    Fix,
    /// Different (verdict of equal rank, close code), but not worse and not better.
    Changed,
    /// Only in NEW.
    New,
    /// Only in OLD.
    Missing,
    Unchanged,
}

impl Outcome {
    pub const ALL: [Outcome; 6] = [
        Outcome::Regression,
        Outcome::Fix,
        Outcome::Changed,
        Outcome::New,
        Outcome::Missing,
        Outcome::Unchanged,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            Outcome::Regression => "regression",
            Outcome::Fix => "fix",
            Outcome::Changed => "changed",
            Outcome::New => "new",
            Outcome::Missing => "missing",
            Outcome::Unchanged => "unchanged",
        }
    }
}

/// How an OLD case was matched to a NEW one.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum PairedBy {
    Id,
    /// Same description, possibly different ids (7.9.x across suite versions).
    Description,
    /// Same data set (index.html subcategory title) and position in it (12.x).
    #[serde(rename = "data_set")]
    DataSet,
    /// Only on one side.
    Unpaired,
}

/// Whether a paired case got slower or faster (only cases whose time the suite reports).
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct TimingChange {
    pub old_ms: u64,
    pub new_ms: u64,
    /// `(new - old) / old` in percent; `None` when OLD took 0 ms.
    pub percent: Option<f64>,
    pub slower: bool,
}

/// One case's comparison.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct CaseDiff {
    pub outcome: Outcome,
    pub paired_by: PairedBy,
    pub old: Option<CaseSummary>,
    pub new: Option<CaseSummary>,
    /// From whichever side carries it (NEW first).
    pub description: Option<String>,
    /// What differs, in words: `behavior OK → FAILED`, `close code 1000 → 1002`.
    pub changes: Vec<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub timing: Option<TimingChange>,
}

impl CaseDiff {
    /// The id to show: NEW's, or OLD's for a missing case; `7.9.8 → 7.9.6` when ids moved.
    pub fn id_label(&self) -> String {
        match (&self.old, &self.new) {
            (Some(o), Some(n)) if o.case_id != n.case_id => {
                format!("{} → {}", o.case_id, n.case_id)
            }
            (_, Some(n)) => n.case_id.to_string(),
            (Some(o), None) => o.case_id.to_string(),
            (None, None) => String::new(),
        }
    }

    /// The id used for ordering: NEW's if present.
    pub fn sort_id(&self) -> Option<&CaseId> {
        self.new.as_ref().or(self.old.as_ref()).map(|c| &c.case_id)
    }
}

/// One side of a comparison: one agent's rows of one run.
#[derive(Debug, Clone)]
pub struct DiffSide {
    /// The folder (for messages).
    pub label: String,
    pub agent: String,
    /// e.g. `0.8.1`, when known.
    pub suite_version: Option<String>,
    pub cases: Vec<CaseSummary>,
    /// Observed events by case id, when the case files were read (`--events`): equal verdicts
    /// with different events are then "changed".
    pub observed: HashMap<String, Vec<Event>>,
    /// 12.x subcategory → its data set, from index.html ("12.2" → "Lena Picture, Bitmap
    /// 512x512 bw"), sizes stripped (the test data changed size between versions).
    pub subcategories: HashMap<String, String>,
}

/// Tuning of what counts as a timing change.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct DiffOptions {
    /// Relative change that counts, in percent (default 25).
    pub time_threshold_pct: f64,
    /// Absolute change that counts, in ms, so 1 ms → 2 ms is not news (default 50).
    pub time_floor_ms: u64,
}

impl Default for DiffOptions {
    fn default() -> Self {
        DiffOptions {
            time_threshold_pct: 25.0,
            time_floor_ms: 50,
        }
    }
}

/// The comparison of one OLD agent with one NEW agent.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct AgentDiff {
    pub old_label: String,
    pub new_label: String,
    pub old_agent: String,
    pub new_agent: String,
    pub old_suite_version: Option<String>,
    pub new_suite_version: Option<String>,
    /// Sorted by outcome (regressions first), then numerically by case id.
    pub cases: Vec<CaseDiff>,
    /// Cases paired by description under different ids: (OLD id, NEW id, description).
    pub pairings: Vec<(String, String, String)>,
    /// Caveats about the comparison itself (e.g. ids paired without descriptions).
    pub notes: Vec<String>,
}

impl AgentDiff {
    pub fn count(&self, outcome: Outcome) -> usize {
        self.cases.iter().filter(|c| c.outcome == outcome).count()
    }

    /// The cases grouped by outcome, in `Outcome::ALL` order (regressions first), empty groups
    /// left out, unchanged ones only when asked: what every printer lists, decided once.
    pub fn groups(&self, include_unchanged: bool) -> Vec<(Outcome, Vec<&CaseDiff>)> {
        Outcome::ALL
            .into_iter()
            .filter(|&o| include_unchanged || o != Outcome::Unchanged)
            .map(|o| {
                (
                    o,
                    self.cases
                        .iter()
                        .filter(|c| c.outcome == o)
                        .collect::<Vec<_>>(),
                )
            })
            .filter(|(_, rows)| !rows.is_empty())
            .collect()
    }

    pub fn has_regression(&self) -> bool {
        self.count(Outcome::Regression) > 0
    }

    pub fn timing_changes(&self) -> impl Iterator<Item = &CaseDiff> {
        self.cases.iter().filter(|c| c.timing.is_some())
    }
}

/// Groups whose ids mean different cases in different suite versions, paired by description.
fn in_drifting_group(id: &CaseId) -> bool {
    id.parts().len() == 3 && id.parts()[0] == 7 && id.parts()[1] == 9
}

/// Whether the suite reports this case's time (`reportTime = True`: 9.x, 12.x, 13.x).
pub fn reports_time(id: &CaseId) -> bool {
    matches!(id.group(), 9 | 12 | 13)
}

/// `0.7.6` → (0, 7, 6); `25.10.1` → (25, 10, 1).
fn version_tuple(v: &str) -> Option<(u32, u32, u32)> {
    let mut it = v.trim().trim_start_matches('v').split(['.', '-']);
    let a = it.next()?.parse().ok()?;
    let b = it.next().and_then(|x| x.parse().ok()).unwrap_or(0);
    let c = it.next().and_then(|x| x.parse().ok()).unwrap_or(0);
    Some((a, b, c))
}

/// Compares one agent's rows in OLD with one agent's rows in NEW.
pub fn diff_sides(old: &DiffSide, new: &DiffSide, opts: &DiffOptions) -> AgentDiff {
    let mut notes = Vec::new();
    let mut pairings = Vec::new();
    let mut pairs: Vec<(Option<&CaseSummary>, Option<&CaseSummary>, PairedBy)> = Vec::new();

    let (old_drift, old_rest): (Vec<&CaseSummary>, Vec<&CaseSummary>) = old
        .cases
        .iter()
        .partition(|c| in_drifting_group(&c.case_id));
    let (new_drift, new_rest): (Vec<&CaseSummary>, Vec<&CaseSummary>) = new
        .cases
        .iter()
        .partition(|c| in_drifting_group(&c.case_id));
    let is12 = |c: &&CaseSummary| c.case_id.group() == 12 && c.case_id.parts().len() == 3;
    let (old12, old_rest): (Vec<&CaseSummary>, Vec<&CaseSummary>) =
        old_rest.into_iter().partition(is12);
    let (new12, new_rest): (Vec<&CaseSummary>, Vec<&CaseSummary>) =
        new_rest.into_iter().partition(is12);

    // 7.9.x: by description when every case on both sides has a unique one.
    let by_desc = |side: &[&CaseSummary]| -> Option<BTreeMap<String, usize>> {
        let mut map = BTreeMap::new();
        for (i, c) in side.iter().enumerate() {
            let d = normalize_description(c.description.as_deref()?);
            if map.insert(d, i).is_some() {
                return None;
            }
        }
        Some(map)
    };
    match (by_desc(&old_drift), by_desc(&new_drift)) {
        (Some(od), Some(nd)) if !old_drift.is_empty() || !new_drift.is_empty() => {
            let mut used_new = BTreeSet::new();
            for (d, &oi) in &od {
                match nd.get(d) {
                    Some(&ni) => {
                        used_new.insert(ni);
                        let (o, n) = (old_drift[oi], new_drift[ni]);
                        if o.case_id != n.case_id {
                            pairings.push((
                                o.case_id.to_string(),
                                n.case_id.to_string(),
                                n.description.clone().unwrap_or_default(),
                            ));
                        }
                        pairs.push((Some(o), Some(n), PairedBy::Description));
                    }
                    None => pairs.push((Some(old_drift[oi]), None, PairedBy::Unpaired)),
                }
            }
            for (ni, n) in new_drift.iter().enumerate() {
                if !used_new.contains(&ni) {
                    pairs.push((None, Some(n), PairedBy::Unpaired));
                }
            }
        }
        _ => {
            if !old_drift.is_empty() && !new_drift.is_empty() {
                let versions_differ = match (&old.suite_version, &new.suite_version) {
                    (Some(a), Some(b)) => a != b,
                    _ => true,
                };
                if versions_differ {
                    notes.push(
                        "7.9.x paired by id because case descriptions were not available on \
                         both sides; across suite versions 7.9.x ids name different close codes \
                         (7.9.6 = 1012, 1014 or 1016)"
                            .to_string(),
                    );
                }
            }
            pair_by_id(&old_drift, &new_drift, &mut pairs);
        }
    }
    pair_by_id(&old_rest, &new_rest, &mut pairs);

    // 12.x: by data set (the subcategory title on index.html) and position in it, when both
    // sides name their data sets; before 0.8.0 the data-set order was random per run.
    let by_dataset =
        |side: &DiffSide, rows: &[&CaseSummary]| -> Option<BTreeMap<(String, u32), usize>> {
            let mut map = BTreeMap::new();
            for (i, c) in rows.iter().enumerate() {
                let p = c.case_id.parts();
                let title = side.subcategories.get(&format!("{}.{}", p[0], p[1]))?;
                if map.insert((title.clone(), p[2]), i).is_some() {
                    return None;
                }
            }
            Some(map)
        };
    let paired_12 = match (by_dataset(old, &old12), by_dataset(new, &new12)) {
        (Some(od), Some(nd)) if !old12.is_empty() && !new12.is_empty() => {
            let mut used_new = BTreeSet::new();
            for (key, &oi) in &od {
                match nd.get(key) {
                    Some(&ni) => {
                        used_new.insert(ni);
                        let (o, n) = (old12[oi], new12[ni]);
                        if o.case_id != n.case_id {
                            pairings.push((
                                o.case_id.to_string(),
                                n.case_id.to_string(),
                                format!("data set \"{}\", case {} of it", key.0, key.1),
                            ));
                        }
                        pairs.push((Some(o), Some(n), PairedBy::DataSet));
                    }
                    None => pairs.push((Some(old12[oi]), None, PairedBy::Unpaired)),
                }
            }
            for (ni, n) in new12.iter().enumerate() {
                if !used_new.contains(&ni) {
                    pairs.push((None, Some(n), PairedBy::Unpaired));
                }
            }
            true
        }
        _ => {
            pair_by_id(&old12, &new12, &mut pairs);
            false
        }
    };

    let old_pre_080 = old
        .suite_version
        .as_deref()
        .and_then(version_tuple)
        .is_some_and(|v| v < (0, 8, 0));
    let new_pre_080 = new
        .suite_version
        .as_deref()
        .and_then(version_tuple)
        .is_some_and(|v| v < (0, 8, 0));
    if old_pre_080 != new_pre_080
        && !paired_12
        && old.cases.iter().any(|c| c.case_id.group() == 12)
        && new.cases.iter().any(|c| c.case_id.group() == 12)
    {
        notes.push(
            "12.x compared by id, but one side is from a suite before 0.8.0, whose 12.x \
             data-set order was random, and its index.html (which names the data sets) was \
             not available: 12.x differences may compare different payloads"
                .to_string(),
        );
    }

    let mut cases: Vec<CaseDiff> = pairs
        .into_iter()
        .map(|(o, n, by)| compare(o, n, by, opts))
        .collect();
    for c in cases.iter_mut().filter(|c| c.outcome == Outcome::Unchanged) {
        let (Some(o), Some(n)) = (&c.old, &c.new) else {
            continue;
        };
        if let (Some(eo), Some(en)) = (
            old.observed.get(o.case_id.as_str()),
            new.observed.get(n.case_id.as_str()),
        ) {
            if eo != en {
                c.outcome = Outcome::Changed;
                c.changes.push(format!(
                    "observed events differ ({} → {} events), same verdicts",
                    eo.len(),
                    en.len()
                ));
            }
        }
    }
    cases.sort_by(|a, b| {
        a.outcome
            .cmp(&b.outcome)
            .then_with(|| a.sort_id().cmp(&b.sort_id()))
    });
    pairings.sort_by(|a, b| CaseId::parse(&a.1).cmp(&CaseId::parse(&b.1)));

    AgentDiff {
        old_label: old.label.clone(),
        new_label: new.label.clone(),
        old_agent: old.agent.clone(),
        new_agent: new.agent.clone(),
        old_suite_version: old.suite_version.clone(),
        new_suite_version: new.suite_version.clone(),
        cases,
        pairings,
        notes,
    }
}

/// Descriptions compared without markup and spacing noise (`<br>` is allowed in them).
fn normalize_description(d: &str) -> String {
    d.replace("<br>", " ")
        .replace("<br/>", " ")
        .split_whitespace()
        .collect::<Vec<_>>()
        .join(" ")
}

fn pair_by_id<'a>(
    old: &[&'a CaseSummary],
    new: &[&'a CaseSummary],
    pairs: &mut Vec<(Option<&'a CaseSummary>, Option<&'a CaseSummary>, PairedBy)>,
) {
    let new_by_id: BTreeMap<&CaseId, &CaseSummary> = new.iter().map(|c| (&c.case_id, *c)).collect();
    let old_ids: BTreeSet<&CaseId> = old.iter().map(|c| &c.case_id).collect();
    for o in old {
        match new_by_id.get(&o.case_id) {
            Some(n) => pairs.push((Some(o), Some(n), PairedBy::Id)),
            None => pairs.push((Some(o), None, PairedBy::Unpaired)),
        }
    }
    for n in new {
        if !old_ids.contains(&n.case_id) {
            pairs.push((None, Some(n), PairedBy::Unpaired));
        }
    }
}

fn show(b: Option<Behavior>) -> &'static str {
    b.map_or("-", Behavior::as_str)
}

fn show_code(c: Option<u16>) -> String {
    c.map_or("None".to_string(), |c| c.to_string())
}

/// Classifies one pair with the ranking in [`rank`].
fn compare(
    old: Option<&CaseSummary>,
    new: Option<&CaseSummary>,
    paired_by: PairedBy,
    opts: &DiffOptions,
) -> CaseDiff {
    let description = new
        .and_then(|n| n.description.clone())
        .or_else(|| old.and_then(|o| o.description.clone()));
    let mut changes = Vec::new();
    let (outcome, timing) = match (old, new) {
        (Some(o), Some(n)) => {
            let mut worse = false;
            let mut better = false;
            if o.behavior != n.behavior {
                changes.push(format!("behavior {} → {}", o.behavior, n.behavior));
                let (ro, rn) = (behavior_rank(o.behavior), behavior_rank(n.behavior));
                worse |= rn < ro;
                better |= rn > ro;
            }
            if o.behavior_close != n.behavior_close {
                changes.push(format!(
                    "close {} → {}",
                    show(o.behavior_close),
                    show(n.behavior_close)
                ));
                if let (Some(a), Some(b)) = (o.behavior_close, n.behavior_close) {
                    worse |= close_rank(b) < close_rank(a);
                    better |= close_rank(b) > close_rank(a);
                }
            }
            if o.remote_close_code != n.remote_close_code {
                changes.push(format!(
                    "close code {} → {}",
                    show_code(o.remote_close_code),
                    show_code(n.remote_close_code)
                ));
            }
            let outcome = if worse {
                Outcome::Regression
            } else if better {
                Outcome::Fix
            } else if changes.is_empty() {
                Outcome::Unchanged
            } else {
                Outcome::Changed
            };
            (outcome, timing(o, n, opts))
        }
        (None, Some(_)) => (Outcome::New, None),
        (Some(_), None) => (Outcome::Missing, None),
        (None, None) => (Outcome::Unchanged, None),
    };
    CaseDiff {
        outcome,
        paired_by,
        old: old.cloned(),
        new: new.cloned(),
        description,
        changes,
        timing,
    }
}

/// A timing change worth showing: the suite reports the case's time, both runs passed it (a
/// failed 9.x case stops early, so its time says nothing), and the change clears both the
/// relative threshold and the absolute floor.
fn timing(o: &CaseSummary, n: &CaseSummary, opts: &DiffOptions) -> Option<TimingChange> {
    if !reports_time(&n.case_id) || !reports_time(&o.case_id) {
        return None;
    }
    if !rank::behavior_passes(o.behavior) || !rank::behavior_passes(n.behavior) {
        return None;
    }
    let (a, b) = (o.duration_ms?, n.duration_ms?);
    let delta = a.abs_diff(b);
    if delta < opts.time_floor_ms {
        return None;
    }
    let percent = (a > 0).then(|| (b as f64 - a as f64) / a as f64 * 100.0);
    if let Some(p) = percent {
        if p.abs() < opts.time_threshold_pct {
            return None;
        }
    }
    Some(TimingChange {
        old_ms: a,
        new_ms: b,
        percent,
        slower: b > a,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use Behavior::*;

    fn row(id: &str, b: Behavior, c: Option<Behavior>, code: Option<u16>) -> CaseSummary {
        CaseSummary {
            agent: "a".into(),
            case_id: CaseId::parse(id).unwrap(),
            behavior: b,
            behavior_close: c,
            duration_ms: Some(10),
            remote_close_code: code,
            report_file: None,
            description: None,
        }
    }

    fn side(cases: Vec<CaseSummary>, version: &str) -> DiffSide {
        DiffSide {
            label: "x".into(),
            agent: "a".into(),
            suite_version: Some(version.into()),
            cases,
            observed: HashMap::new(),
            subcategories: HashMap::new(),
        }
    }

    fn outcome_of(d: &AgentDiff, id: &str) -> Outcome {
        d.cases
            .iter()
            .find(|c| c.new.as_ref().or(c.old.as_ref()).unwrap().case_id.as_str() == id)
            .unwrap()
            .outcome
    }

    #[test]
    fn classifies_each_kind_of_change() {
        let old = side(
            vec![
                row("1.1.1", Ok, Some(Ok), Some(1000)),
                row("1.1.2", Failed, Some(Ok), Some(1000)),
                row("1.1.3", Ok, Some(Ok), Some(1000)),
                row("1.1.4", Ok, Some(Ok), Some(1000)),
                row("1.1.5", Ok, Some(Ok), Some(1000)),
                row("12.1.1", Ok, Some(Ok), Some(1000)),
                row("7.1.1", Ok, Some(Ok), Some(1000)),
                row("3.2", NonStrict, Some(Ok), Some(1000)),
            ],
            "0.8.1",
        );
        let new = side(
            vec![
                row("1.1.1", Ok, Some(Ok), Some(1000)),
                row("1.1.2", Ok, Some(Ok), Some(1000)),
                row("1.1.3", Failed, Some(Ok), Some(1000)),
                row("1.1.4", Ok, Some(WrongCode), Some(1002)),
                row("1.1.5", Ok, Some(Ok), Some(1001)),
                row("12.1.1", Unimplemented, Some(Ok), Some(1000)),
                row("2.1", Ok, Some(Ok), Some(1000)),
                // Worse close, better behavior: still a regression.
                row("3.2", Ok, Some(Unclean), None),
            ],
            "0.8.1",
        );
        let d = diff_sides(&old, &new, &DiffOptions::default());
        assert_eq!(outcome_of(&d, "1.1.1"), Outcome::Unchanged);
        assert_eq!(outcome_of(&d, "1.1.2"), Outcome::Fix);
        assert_eq!(outcome_of(&d, "1.1.3"), Outcome::Regression);
        assert_eq!(outcome_of(&d, "1.1.4"), Outcome::Regression);
        assert_eq!(outcome_of(&d, "1.1.5"), Outcome::Changed);
        assert_eq!(outcome_of(&d, "12.1.1"), Outcome::Regression);
        assert_eq!(outcome_of(&d, "2.1"), Outcome::New);
        assert_eq!(outcome_of(&d, "7.1.1"), Outcome::Missing);
        assert_eq!(outcome_of(&d, "3.2"), Outcome::Regression);
        assert_eq!(d.cases[0].outcome, Outcome::Regression);
        assert_eq!(d.count(Outcome::Regression), 4);
    }

    #[test]
    fn informational_versus_ok_is_a_change_not_a_regression() {
        let old = side(vec![row("7.1.6", Ok, Some(Ok), Some(1000))], "0.8.1");
        let new = side(
            vec![row("7.1.6", Informational, Some(Informational), Some(1000))],
            "0.8.1",
        );
        let d = diff_sides(&old, &new, &DiffOptions::default());
        assert_eq!(d.cases[0].outcome, Outcome::Changed);
    }

    #[test]
    fn close_codes_are_paired_by_description_when_ids_moved() {
        let with = |id: &str, code: u16, b: Behavior| {
            let mut r = row(id, b, Some(Ok), Some(1002));
            r.description = Some(format!("Send close with invalid close code {code}"));
            r
        };
        // 0.8.0 codes [0, 999, 1004, 1005, 1006, 1014, 1015, 1016, …]: 7.9.8 is 1016;
        // 0.8.1 dropped 1014/1015, so there 7.9.6 is 1016.
        let old = side(
            vec![
                with("7.9.5", 1006, Ok),
                with("7.9.6", 1014, Ok),
                with("7.9.8", 1016, Failed),
            ],
            "0.8.0",
        );
        let new = side(
            vec![with("7.9.5", 1006, Ok), with("7.9.6", 1016, Failed)],
            "0.8.1",
        );
        let d = diff_sides(&old, &new, &DiffOptions::default());
        // 1016 failed before and after: unchanged, despite 7.9.6 being OK → FAILED by id.
        assert_eq!(d.count(Outcome::Regression), 0, "{:#?}", d.cases);
        assert_eq!(d.count(Outcome::Missing), 1);
        assert_eq!(
            d.pairings,
            vec![(
                "7.9.8".into(),
                "7.9.6".into(),
                "Send close with invalid close code 1016".into()
            )]
        );
        let missing = d
            .cases
            .iter()
            .find(|c| c.outcome == Outcome::Missing)
            .unwrap();
        assert_eq!(missing.old.as_ref().unwrap().case_id.as_str(), "7.9.6");
    }

    #[test]
    fn without_descriptions_7_9_is_paired_by_id_with_a_note() {
        let old = side(vec![row("7.9.6", Ok, Some(Ok), Some(1002))], "0.8.0");
        let new = side(vec![row("7.9.6", Ok, Some(Ok), Some(1002))], "0.8.1");
        let d = diff_sides(&old, &new, &DiffOptions::default());
        assert_eq!(d.cases[0].paired_by, PairedBy::Id);
        assert!(d.notes.iter().any(|n| n.contains("7.9.x")), "{:?}", d.notes);
    }

    #[test]
    fn pre_080_12x_is_paired_by_data_set() {
        // A 0.7.x run where lena512 came first, against 0.8.1's fixed order (json first).
        let mut old = side(
            vec![
                row("12.1.3", Failed, Some(Ok), Some(1000)),
                row("12.2.3", Ok, Some(Ok), Some(1000)),
            ],
            "0.7.6",
        );
        old.subcategories
            .insert("12.1".into(), "Lena Picture, Bitmap 512x512 bw".into());
        old.subcategories
            .insert("12.2".into(), "Large JSON data file".into());
        let mut new = side(
            vec![
                row("12.1.3", Ok, Some(Ok), Some(1000)),
                row("12.2.3", Failed, Some(Ok), Some(1000)),
            ],
            "0.8.1",
        );
        new.subcategories
            .insert("12.1".into(), "Large JSON data file".into());
        new.subcategories
            .insert("12.2".into(), "Lena Picture, Bitmap 512x512 bw".into());
        let d = diff_sides(&old, &new, &DiffOptions::default());
        // By id both would change; by data set nothing did.
        assert_eq!(d.count(Outcome::Unchanged), 2, "{:#?}", d.cases);
        assert_eq!(d.pairings.len(), 2);
        assert!(d.notes.is_empty());
        // Without titles: by id, with a note.
        old.subcategories.clear();
        let d = diff_sides(&old, &new, &DiffOptions::default());
        assert_eq!(d.count(Outcome::Regression), 1);
        assert!(d.notes.iter().any(|n| n.contains("12.x")));
    }

    #[test]
    fn same_verdicts_with_other_events_is_changed() {
        use crate::model::EventKind;
        let ev = |p: &str| Event {
            kind: EventKind::Pong,
            payload: Some(p.into()),
            binary: None,
        };
        let mut old = side(vec![row("2.3", Ok, Some(Ok), Some(1000))], "0.8.1");
        let mut new = side(vec![row("2.3", Ok, Some(Ok), Some(1000))], "0.8.1");
        old.observed.insert("2.3".into(), vec![ev("a")]);
        new.observed.insert("2.3".into(), vec![ev("a")]);
        let same = diff_sides(&old, &new, &DiffOptions::default());
        assert_eq!(same.cases[0].outcome, Outcome::Unchanged);
        new.observed.insert("2.3".into(), vec![ev("b")]);
        let d = diff_sides(&old, &new, &DiffOptions::default());
        assert_eq!(d.cases[0].outcome, Outcome::Changed);
    }

    #[test]
    fn timing_needs_threshold_and_floor() {
        let t = |a: u64, b: u64| {
            let mut o = row("9.1.1", Ok, Some(Ok), Some(1000));
            let mut n = o.clone();
            o.duration_ms = Some(a);
            n.duration_ms = Some(b);
            timing(&o, &n, &DiffOptions::default())
        };
        assert!(t(1, 2).is_none(), "1 ms → 2 ms is not news");
        assert!(t(1000, 1100).is_none(), "10% is under the threshold");
        let slow = t(1000, 1500).unwrap();
        assert!(slow.slower && slow.percent.unwrap() > 49.0);
        assert!(!t(1000, 500).unwrap().slower);
        // Not a timed case.
        let mut o = row("1.1.1", Ok, Some(Ok), Some(1000));
        o.duration_ms = Some(10);
        let mut n = o.clone();
        n.duration_ms = Some(5000);
        assert!(timing(&o, &n, &DiffOptions::default()).is_none());
    }
}
