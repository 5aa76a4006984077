//! From report folders to [`DiffSide`]s: choosing the run and the agents, and fetching the
//! descriptions that pairing and display need (index.json does not carry them; the per-case
//! files do, and only the few that are needed are parsed).

use super::{diff_sides, AgentDiff, DiffOptions, DiffSide, Outcome};
use crate::error::{Error, Result};
use crate::model::{CaseSummary, Run};
use crate::parse::{agent_matches, load_reports, load_runs};
use crate::select::{CaseGlob, CaseSelector};
use std::collections::HashMap;
use std::path::{Path, PathBuf};

/// Which agents to compare.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub enum AgentChoice {
    /// One agent per side when each side has exactly one; else every agent both sides share.
    #[default]
    Auto,
    /// The same agent on both sides (`--agent`).
    Same(String),
    /// OLD's agent A against NEW's agent B (`--agents A,B`): two agents of one run, or an
    /// agent renamed between versions.
    Pair(String, String),
}

/// Loads exactly one run from `path` (a report folder, or a tree holding one); every load
/// error is an input error, because a diff over a half-read run would report false news.
pub fn load_one_run(path: &Path) -> Result<Run> {
    if !path.exists() {
        return Err(Error::input(path, "no such file or folder"));
    }
    let mut loaded = load_runs(&[path.to_path_buf()]);
    if let Some(e) = loaded.errors.into_iter().next() {
        return Err(e);
    }
    match loaded.items.len() {
        1 => Ok(loaded.items.remove(0)),
        0 => Err(Error::input(path, "no Autobahn report found")),
        _ => {
            let roots: Vec<String> = loaded
                .items
                .iter()
                .map(|r| r.root.display().to_string())
                .collect();
            Err(Error::input(
                path,
                format!(
                    "holds {} report folders ({}); name one",
                    roots.len(),
                    roots.join(", ")
                ),
            ))
        }
    }
}

/// Finds `name` among a run's agents (exact, or the same file-name form, as `--agent`
/// matches elsewhere).
pub fn find_agent(run: &Run, name: &str) -> Result<String> {
    let agents = run.agents();
    agents
        .iter()
        .find(|a| **a == name)
        .or_else(|| agents.iter().find(|a| agent_matches(Some(name), a)))
        .map(|a| a.to_string())
        .ok_or_else(|| {
            Error::input(
                &run.root,
                format!(
                    "no agent {name:?} here (agents: {})",
                    agents
                        .iter()
                        .map(|a| format!("{a:?}"))
                        .collect::<Vec<_>>()
                        .join(", ")
                ),
            )
        })
}

/// The (OLD agent, NEW agent) pairs to compare.
pub fn choose_agents(old: &Run, new: &Run, choice: &AgentChoice) -> Result<Vec<(String, String)>> {
    match choice {
        AgentChoice::Same(a) => Ok(vec![(find_agent(old, a)?, find_agent(new, a)?)]),
        AgentChoice::Pair(a, b) => Ok(vec![(find_agent(old, a)?, find_agent(new, b)?)]),
        AgentChoice::Auto => {
            let (oa, na) = (old.agents(), new.agents());
            if oa.is_empty() {
                return Err(Error::input(&old.root, "no cases in this report"));
            }
            if na.is_empty() {
                return Err(Error::input(&new.root, "no cases in this report"));
            }
            if oa.len() == 1 && na.len() == 1 {
                return Ok(vec![(oa[0].to_string(), na[0].to_string())]);
            }
            if oa == na {
                return Ok(oa.iter().map(|a| (a.to_string(), a.to_string())).collect());
            }
            Err(Error::Usage(format!(
                "OLD has agents {oa:?} and NEW has {na:?}: pick with --agent NAME or --agents OLD,NEW"
            )))
        }
    }
}

fn side(run: &Run, agent: &str, select: &CaseSelector) -> DiffSide {
    DiffSide {
        label: run.root.display().to_string(),
        agent: agent.to_string(),
        suite_version: run.suite_version.clone(),
        cases: run
            .agent_cases(agent)
            .filter(|c| select.selects(&c.case_id))
            .cloned()
            .collect(),
        observed: HashMap::new(),
        subcategories: dataset_titles(&run.root),
    }
}

/// The 12.x subcategory titles from a folder's index.html (`<td class="case_subcategory" …>12.2
/// Lena Picture, Bitmap 512x512 bw (binary, 263222 bytes)</td>`), without the type and size,
/// which changed when the suite changed its test data. Empty when there is no index.html.
///
/// The only place these titles are written is the master page (`fuzzing.py`
/// `createMasterReportHTML`, from `CaseSubCategories`); case files do not name the data set.
pub fn dataset_titles(root: &Path) -> HashMap<String, String> {
    let mut out = HashMap::new();
    let Ok(bytes) = std::fs::read(root.join("index.html")) else {
        return out;
    };
    let text = String::from_utf8_lossy(&bytes);
    for line in text.lines() {
        let Some(rest) = line.trim().strip_prefix("<td class=\"case_subcategory\"") else {
            continue;
        };
        let Some(start) = rest.find('>') else {
            continue;
        };
        let Some(inner) = rest[start + 1..].strip_suffix("</td>") else {
            continue;
        };
        let Some((id, title)) = inner.split_once(' ') else {
            continue;
        };
        if !id.starts_with("12.") {
            continue;
        }
        let title = match title.rfind(" (") {
            Some(i) if title.ends_with(" bytes)") => &title[..i],
            _ => title,
        };
        out.insert(id.to_string(), title.trim().to_string());
    }
    out
}

/// Reads every selected case file of one agent for its observed events (and descriptions).
fn fill_events(root: &Path, side: &mut DiffSide, select: &CaseSelector) {
    let loaded = load_reports(&[PathBuf::from(root)], Some(&side.agent), select);
    let mut desc: HashMap<String, String> = HashMap::new();
    for r in loaded.items.into_iter().filter(|r| r.agent == side.agent) {
        if let Some(d) = r.description {
            desc.insert(r.case_id.to_string(), d);
        }
        if let Some(ev) = r.observed {
            side.observed.insert(r.case_id.to_string(), ev);
        }
    }
    for row in side.cases.iter_mut() {
        if row.description.is_none() {
            row.description = desc.get(row.case_id.as_str()).cloned();
        }
    }
}

/// Fills `description` of the rows whose ids `wanted` selects, from the per-case files.
/// Best effort: a folder with only index.json leaves them empty (and pairing says so).
pub fn fill_descriptions(
    root: &Path,
    agent: &str,
    rows: &mut [CaseSummary],
    wanted: &CaseSelector,
) {
    if wanted.include.is_empty() {
        return;
    }
    let loaded = load_reports(&[PathBuf::from(root)], Some(agent), wanted);
    let by_id: HashMap<String, String> = loaded
        .items
        .into_iter()
        .filter(|r| r.agent == agent)
        .filter_map(|r| Some((r.case_id.to_string(), r.description?)))
        .collect();
    for row in rows.iter_mut() {
        if row.description.is_none() && wanted.selects(&row.case_id) {
            row.description = by_id.get(row.case_id.as_str()).cloned();
        }
    }
}

fn exact_ids<'a>(ids: impl Iterator<Item = &'a str>) -> CaseSelector {
    CaseSelector {
        include: ids.map(CaseGlob::new).collect(),
        exclude: Vec::new(),
    }
}

/// The whole diff of two folders (or two agents of one folder when `new` is `None`).
pub fn diff_folders(
    old_path: &Path,
    new_path: Option<&Path>,
    choice: &AgentChoice,
    select: &CaseSelector,
    opts: &DiffOptions,
    events: bool,
) -> Result<Vec<AgentDiff>> {
    let old = load_one_run(old_path)?;
    let new = match new_path {
        Some(p) => load_one_run(p)?,
        None => {
            if !matches!(choice, AgentChoice::Pair(..)) {
                return Err(Error::Usage(
                    "with one folder, name the two agents to compare: --agents A,B".into(),
                ));
            }
            old.clone()
        }
    };
    let pairs = choose_agents(&old, &new, choice)?;
    let drift = CaseSelector::from_lists(&["7.9.*".to_string()], &[]);
    let mut out = Vec::new();
    for (oa, na) in pairs {
        let mut os = side(&old, &oa, select);
        let mut ns = side(&new, &na, select);
        if os.cases.is_empty() && ns.cases.is_empty() {
            return Err(Error::Usage(format!(
                "no case of {oa:?} or {na:?} selected (check --cases/--exclude): nothing to compare"
            )));
        }
        if events {
            fill_events(&old.root, &mut os, select);
            fill_events(&new.root, &mut ns, select);
        }
        fill_descriptions(&old.root, &oa, &mut os.cases, &drift);
        fill_descriptions(&new.root, &na, &mut ns.cases, &drift);
        let first = diff_sides(&os, &ns, opts);
        // Descriptions for the rows that will be shown.
        let shown = |c: &super::CaseDiff| c.outcome != Outcome::Unchanged || c.timing.is_some();
        let old_ids: Vec<String> = first
            .cases
            .iter()
            .filter(|c| shown(c))
            .filter_map(|c| c.old.as_ref())
            .filter(|r| r.description.is_none())
            .map(|r| r.case_id.to_string())
            .collect();
        let new_ids: Vec<String> = first
            .cases
            .iter()
            .filter(|c| shown(c))
            .filter_map(|c| c.new.as_ref())
            .filter(|r| r.description.is_none())
            .map(|r| r.case_id.to_string())
            .collect();
        if old_ids.is_empty() && new_ids.is_empty() {
            out.push(first);
            continue;
        }
        fill_descriptions(
            &old.root,
            &oa,
            &mut os.cases,
            &exact_ids(old_ids.iter().map(String::as_str)),
        );
        fill_descriptions(
            &new.root,
            &na,
            &mut ns.cases,
            &exact_ids(new_ids.iter().map(String::as_str)),
        );
        out.push(diff_sides(&os, &ns, opts));
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn data_set_titles_come_from_a_real_index_html() {
        let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("fixtures/tarantool-0.8.1/servers");
        let t = dataset_titles(&root);
        assert_eq!(t.len(), 5);
        assert_eq!(t["12.2"], "Lena Picture, Bitmap 512x512 bw");
        assert_eq!(t["12.3"], "Human readable text, Goethe's Faust I (German)");
    }
}
