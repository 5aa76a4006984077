//! The typed records: the single truth for what a case report is.
//!
//! Every input form (per-case JSON, per-case HTML, pasted page text, index.json) is parsed into
//! these types once; diff, gate, explain and render only ever see these. Field meanings mirror
//! the suite's own `fuzzing.py` (`FuzzingProtocol.connectionLost`, `createAgentCaseReportJSON`)
//! and `case/case.py`. A field the source does not carry is `None`, never invented.

use serde::{Deserialize, Serialize};
use std::cmp::Ordering;
use std::collections::BTreeMap;
use std::fmt;
use std::path::PathBuf;
use std::str::FromStr;

/// A case id such as `1.1.2` or `12.3.17`, ordered numerically part by part
/// (index.json lists ids in string order, where `1.1.10` < `1.1.2`).
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct CaseId {
    text: String,
    parts: Vec<u32>,
}

impl CaseId {
    /// Parses `1.2.3`; also accepts the file-name form `1_2_3`.
    pub fn parse(text: &str) -> Option<CaseId> {
        let text = text.trim();
        let normalized = text.replace('_', ".");
        let parts: Option<Vec<u32>> = normalized.split('.').map(|p| p.parse().ok()).collect();
        let parts = parts?;
        if parts.is_empty() {
            return None;
        }
        Some(CaseId {
            text: normalized,
            parts,
        })
    }

    pub fn as_str(&self) -> &str {
        &self.text
    }

    /// The numeric parts: `12.3.17` → `[12, 3, 17]`.
    pub fn parts(&self) -> &[u32] {
        &self.parts
    }

    /// The top-level group: `12.3.17` → 12.
    pub fn group(&self) -> u32 {
        self.parts[0]
    }

    /// The id with `_` separators, as used in report file names.
    pub fn file_form(&self) -> String {
        self.text.replace('.', "_")
    }
}

impl Ord for CaseId {
    fn cmp(&self, other: &Self) -> Ordering {
        self.parts.cmp(&other.parts)
    }
}

impl PartialOrd for CaseId {
    fn partial_cmp(&self, other: &Self) -> Option<Ordering> {
        Some(self.cmp(other))
    }
}

impl fmt::Display for CaseId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.text)
    }
}

impl FromStr for CaseId {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        CaseId::parse(s).ok_or_else(|| format!("not a case id: {s:?}"))
    }
}

impl Serialize for CaseId {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(&self.text)
    }
}

impl<'de> Deserialize<'de> for CaseId {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let text = String::deserialize(d)?;
        CaseId::parse(&text)
            .ok_or_else(|| serde::de::Error::custom(format!("not a case id: {text:?}")))
    }
}

/// A verdict, exactly as the suite spells it (`case/case.py`).
///
/// `behavior` takes OK, NON-STRICT, INFORMATIONAL, UNIMPLEMENTED, FAILED (NO_CLOSE is defined
/// but never set); `behaviorClose` takes OK, FAILED, WRONG CODE, UNCLEAN, FAILED BY CLIENT,
/// INFORMATIONAL.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
pub enum Behavior {
    #[serde(rename = "OK")]
    Ok,
    #[serde(rename = "NON-STRICT")]
    NonStrict,
    #[serde(rename = "INFORMATIONAL")]
    Informational,
    #[serde(rename = "UNIMPLEMENTED")]
    Unimplemented,
    #[serde(rename = "FAILED")]
    Failed,
    #[serde(rename = "WRONG CODE")]
    WrongCode,
    #[serde(rename = "UNCLEAN")]
    Unclean,
    #[serde(rename = "FAILED BY CLIENT")]
    FailedByClient,
    #[serde(rename = "NO_CLOSE")]
    NoClose,
}

impl Behavior {
    pub const ALL: [Behavior; 9] = [
        Behavior::Ok,
        Behavior::NonStrict,
        Behavior::Informational,
        Behavior::Unimplemented,
        Behavior::Failed,
        Behavior::WrongCode,
        Behavior::Unclean,
        Behavior::FailedByClient,
        Behavior::NoClose,
    ];

    /// The suite's spelling.
    pub fn as_str(self) -> &'static str {
        match self {
            Behavior::Ok => "OK",
            Behavior::NonStrict => "NON-STRICT",
            Behavior::Informational => "INFORMATIONAL",
            Behavior::Unimplemented => "UNIMPLEMENTED",
            Behavior::Failed => "FAILED",
            Behavior::WrongCode => "WRONG CODE",
            Behavior::Unclean => "UNCLEAN",
            Behavior::FailedByClient => "FAILED BY CLIENT",
            Behavior::NoClose => "NO_CLOSE",
        }
    }

    /// Reads the suite's spelling; also accepts `NON_STRICT`/`WRONG_CODE` style and any case.
    pub fn parse(text: &str) -> Option<Behavior> {
        let norm = text.trim().to_ascii_uppercase().replace(['_', '-'], " ");
        Behavior::ALL
            .into_iter()
            .find(|b| b.as_str().replace(['_', '-'], " ") == norm)
    }
}

impl fmt::Display for Behavior {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl FromStr for Behavior {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Behavior::parse(s).ok_or_else(|| format!("not a verdict: {s:?}"))
    }
}

/// What kind of observation an event is (`case.py`: `received.append(("message", …))` etc.).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum EventKind {
    Message,
    Ping,
    Pong,
    /// 6.4.x record `("timeout", tag)` when a delayed send fires.
    Timeout,
}

/// One expected or observed event. `payload` is as the suite logged it: text cut to 64
/// characters plus `" ..."`, or `0x` + hex when the payload was not UTF-8.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Event {
    pub kind: EventKind,
    pub payload: Option<String>,
    /// Only for messages: whether the message was binary.
    #[serde(skip_serializing_if = "Option::is_none", default)]
    pub binary: Option<bool>,
}

/// `expectedClose` from the per-case JSON (not shown in HTML or text).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ExpectedClose {
    pub closed_by_me: bool,
    pub close_code: Vec<u16>,
    pub require_clean: bool,
    /// Set by the invalid-UTF-8 cases: closing from the wrong side also fails `behavior`.
    #[serde(skip_serializing_if = "Option::is_none", default)]
    pub closed_by_wrong_endpoint_is_fatal: Option<bool>,
}

/// The 13 closing-behaviour keys, seen from the fuzzer ("me") as the suite records them.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Closing {
    pub is_server: bool,
    pub closed_by_me: bool,
    pub failed_by_me: bool,
    pub dropped_by_me: bool,
    pub was_clean: bool,
    pub was_not_clean_reason: Option<String>,
    pub was_server_connection_drop_timeout: bool,
    pub was_open_handshake_timeout: bool,
    pub was_close_handshake_timeout: bool,
    pub local_close_code: Option<u16>,
    pub local_close_reason: Option<String>,
    pub remote_close_code: Option<u16>,
    pub remote_close_reason: Option<String>,
}

/// Wire statistics: octets by read/write (chop) size, frames by opcode, each way.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct WireStats {
    /// chop size → number of reads of that size.
    pub rx_octets: BTreeMap<u64, u64>,
    pub tx_octets: BTreeMap<u64, u64>,
    /// opcode → number of frames.
    pub rx_frames: BTreeMap<u8, u64>,
    pub tx_frames: BTreeMap<u8, u64>,
}

/// A payload as logged: the length on the wire and the (possibly cut) text or hex.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct LoggedBytes {
    /// The real length in octets. HTML and pasted text do not print it for octets cut at 64
    /// (`binLogData`): there it is the number of octets shown, and the record's `notes` say so.
    pub len: u64,
    /// As logged: hex for octets; text (or `0x` hex) for frame payloads.
    pub data: String,
    /// True when the log cut the data (the suite appends `" ..."`).
    pub truncated: bool,
}

/// One wire log entry (`fuzzing.py` `logRxOctets`/`logTxOctets`/`logRxFrame`/`logTxFrame`
/// and the timer markers).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum WireEntry {
    /// `RO`: octets read from the testee.
    RxOctets { octets: LoggedBytes },
    /// `TO`: octets written to the testee; `sync` when sent with a sync (flush) point.
    TxOctets { octets: LoggedBytes, sync: bool },
    /// `RF`: a frame the fuzzer parsed from the testee.
    RxFrame {
        payload: LoggedBytes,
        opcode: u8,
        fin: bool,
        rsv: u8,
        masked: bool,
        /// The masking key in hex (undone from the HTML's hex-of-hex).
        mask: Option<String>,
    },
    /// `TF`: a frame the fuzzer sent.
    TxFrame {
        payload: LoggedBytes,
        opcode: u8,
        fin: bool,
        rsv: u8,
        mask: Option<String>,
        payload_repeat_len: Option<u64>,
        chop_size: Option<u64>,
        sync: bool,
    },
    /// `CT`: "DELAY f sec for TAG t".
    Delay { seconds: f64, tag: Option<String> },
    /// `CTE`: "DELAY TIMEOUT on TAG t".
    DelayFired { tag: Option<String> },
    /// `KL`: "FAIL CONNECTION AFTER f sec".
    FailAfter { seconds: f64 },
    /// `KLE`: "FAILING CONNECTION".
    Failing,
    /// `TI`: "CLOSE CONNECTION AFTER f sec".
    CloseAfter { seconds: f64 },
    /// `TIE`: "CLOSING CONNECTION".
    Closing,
    /// `WLM`: "WIRELOG ENABLED/DISABLED".
    WirelogSwitch { enabled: bool },
    /// "TCP DROPPED BY ME/PEER": only the HTML/text page carries this line.
    TcpDropped { by_me: bool },
    /// A line the parser did not understand, kept verbatim rather than dropped.
    Unknown { text: String },
}

/// Which form a record was read from.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum SourceFormat {
    Json,
    Html,
    Text,
    /// Only the index.json row was available.
    Index,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Source {
    /// The file read, or `-` for standard input.
    pub path: PathBuf,
    pub format: SourceFormat,
}

/// One case of one agent: everything the suite recorded, typed.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct CaseReport {
    pub agent: String,
    pub case_id: CaseId,
    /// The run number (`case` in the JSON, the `?case=N` of a client run).
    pub case_index: Option<u32>,
    pub behavior: Behavior,
    pub behavior_close: Option<Behavior>,
    pub duration_ms: Option<u64>,
    pub started: Option<String>,
    pub description: Option<String>,
    pub expectation: Option<String>,
    pub result: Option<String>,
    pub result_close: Option<String>,
    /// Verdict name → the event list that gives it (`{"OK": [...], "NON-STRICT": [...]}`).
    pub expected: Option<BTreeMap<String, Vec<Event>>>,
    /// True when the page cut the Expected literal at 1000 characters (`expected` then holds
    /// what could be read before the cut, if anything).
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub expected_truncated: bool,
    pub observed: Option<Vec<Event>>,
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub observed_truncated: bool,
    pub expected_close: Option<ExpectedClose>,
    pub closing: Option<Closing>,
    pub http_request: Option<String>,
    pub http_response: Option<String>,
    pub stats: Option<WireStats>,
    pub wirelog: Option<Vec<WireEntry>>,
    /// Whether the suite reports this case's time (9.x, 12.x, 13.x).
    pub report_time: Option<bool>,
    /// 12.x/13.x traffic statistics (compression ratios), kept as the suite wrote them.
    pub traffic_stats: Option<serde_json::Value>,
    pub source: Source,
    /// e.g. `25.10.1`, from the User-Agent/Server headers or the index.html banner.
    pub suite_version: Option<String>,
    /// What the parser could not decide from this source (e.g. "page shows Fail: FAILED or
    /// UNIMPLEMENTED").
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub notes: Vec<String>,
}

impl CaseReport {
    /// The close code the testee sent (from the fuzzer's view, the remote code).
    pub fn remote_close_code(&self) -> Option<u16> {
        self.closing.as_ref().and_then(|c| c.remote_close_code)
    }

    /// The index row this record implies.
    pub fn summary(&self) -> CaseSummary {
        CaseSummary {
            agent: self.agent.clone(),
            case_id: self.case_id.clone(),
            behavior: self.behavior,
            behavior_close: self.behavior_close,
            duration_ms: self.duration_ms,
            remote_close_code: self.remote_close_code(),
            report_file: None,
            description: self.description.clone(),
        }
    }
}

/// One row of index.json: the verdicts without the detail. Enough for summary, diff and gate.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CaseSummary {
    pub agent: String,
    pub case_id: CaseId,
    pub behavior: Behavior,
    pub behavior_close: Option<Behavior>,
    pub duration_ms: Option<u64>,
    pub remote_close_code: Option<u16>,
    /// `reportfile` from index.json, relative to the folder.
    pub report_file: Option<String>,
    /// Filled when a case file was read (index.json does not carry it).
    pub description: Option<String>,
}

/// Whether a run tested servers (fuzzingclient) or clients (fuzzingserver).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum RunMode {
    /// The fuzzer was the client: the testees are servers.
    Servers,
    /// The fuzzer was the server: the testees are clients.
    Clients,
}

/// One report folder: every agent's rows.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Run {
    pub root: PathBuf,
    pub suite_version: Option<String>,
    pub mode: Option<RunMode>,
    /// Sorted by agent, then numerically by case id.
    pub cases: Vec<CaseSummary>,
}

impl Run {
    pub fn agents(&self) -> Vec<&str> {
        let mut agents: Vec<&str> = self.cases.iter().map(|c| c.agent.as_str()).collect();
        agents.sort();
        agents.dedup();
        agents
    }

    pub fn agent_cases<'a>(&'a self, agent: &'a str) -> impl Iterator<Item = &'a CaseSummary> + 'a {
        self.cases.iter().filter(move |c| c.agent == agent)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn case_ids_sort_numerically() {
        let mut ids: Vec<CaseId> = ["10.1.1", "1.1.10", "1.1.2", "12.1.1", "2.1", "1.1.1"]
            .iter()
            .map(|s| CaseId::parse(s).unwrap())
            .collect();
        ids.sort();
        let text: Vec<&str> = ids.iter().map(|c| c.as_str()).collect();
        assert_eq!(
            text,
            ["1.1.1", "1.1.2", "1.1.10", "2.1", "10.1.1", "12.1.1"]
        );
    }

    #[test]
    fn case_id_accepts_file_form_and_rejects_garbage() {
        assert_eq!(CaseId::parse("7_9_6").unwrap().as_str(), "7.9.6");
        assert!(CaseId::parse("7.x").is_none());
        assert!(CaseId::parse("").is_none());
    }

    #[test]
    fn behavior_round_trips_suite_spelling() {
        for b in Behavior::ALL {
            assert_eq!(Behavior::parse(b.as_str()), Some(b));
            let json = serde_json::to_string(&b).unwrap();
            assert_eq!(json, format!("\"{}\"", b.as_str()));
        }
        assert_eq!(Behavior::parse("non_strict"), Some(Behavior::NonStrict));
        assert_eq!(Behavior::parse("PASS"), None);
    }
}
