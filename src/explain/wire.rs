//! The wire log as a readable timeline, and the logged octets decoded back into frames.
//!
//! The suite logs what it wrote and read twice: as frames (`TF`/`RF`, already parsed) and as
//! raw octets (`TO`/`RO`, hex, cut to the first 64 octets with `" ..."`). The octets are the
//! only record of how a frame was really chopped and masked, and for a chopped frame the octets
//! of one frame spread over many entries (chop size 1 writes one octet per entry), so this
//! module reassembles each direction's octet stream and decodes frames from it.
//!
//! The frame-header decoder here is deliberately small and self-contained: log octets may be
//! partial (cut by the log, or the connection ended mid-frame), which a protocol decoder
//! (`ws::frame`) treats as an error rather than as "known up to here". Unifying the two is
//! left to the lead.

use crate::model::{LoggedBytes, WireEntry};
use serde::Serialize;
use std::collections::VecDeque;

/// Which way octets went, named from the fuzzer's side as the suite's log does.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Dir {
    /// Fuzzer → testee (`TO`/`TF`).
    Tx,
    /// Testee → fuzzer (`RO`/`RF`).
    Rx,
}

/// A frame decoded from logged octets.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct DecodedFrame {
    pub dir: Dir,
    /// Wire-log index of the entry holding the frame's first octet.
    pub first_entry: usize,
    /// Wire-log index of the entry holding its last octet (None when it never arrived).
    pub last_entry: Option<usize>,
    pub fin: bool,
    pub rsv: u8,
    pub opcode: u8,
    /// Masking key in hex, when the frame was masked.
    pub mask: Option<String>,
    /// Payload length from the header.
    pub len: u64,
    /// The unmasked payload octets that the log shows (a prefix when the log cut them).
    #[serde(serialize_with = "ser_hex")]
    pub payload: Vec<u8>,
    /// All header and payload octets were in the log.
    pub complete: bool,
    /// The log cut some payload octets (`" ..."`): the frame is known, the payload only in part.
    pub cut_by_log: bool,
    /// Number of log entries its octets spread over (chopping).
    pub entries: usize,
    /// False when the log ends inside the frame header (only FIN/RSV/opcode are then known).
    pub header_complete: bool,
    /// Header octets present (2-14 when complete).
    pub header_octets: usize,
}

fn ser_hex<S: serde::Serializer>(b: &[u8], s: S) -> Result<S::Ok, S::Error> {
    s.serialize_str(&hex(b))
}

/// Lower-case hex of octets.
pub fn hex(b: &[u8]) -> String {
    b.iter().map(|x| format!("{x:02x}")).collect()
}

/// Parses hex, ignoring whitespace; None if it is not hex.
pub fn unhex(s: &str) -> Option<Vec<u8>> {
    let s: String = s.chars().filter(|c| !c.is_whitespace()).collect();
    if !s.len().is_multiple_of(2) {
        return None;
    }
    (0..s.len())
        .step_by(2)
        .map(|i| u8::from_str_radix(s.get(i..i + 2)?, 16).ok())
        .collect()
}

/// The octets a logged octet entry shows, and whether the log cut them.
fn logged_octets(b: &LoggedBytes) -> (Vec<u8>, bool) {
    let data = b.data.trim_end();
    let (data, cut_marker) = match data.strip_suffix("...") {
        Some(d) => (d.trim_end(), true),
        None => (data, false),
    };
    let bytes = unhex(data).unwrap_or_default();
    let cut = cut_marker || b.truncated || (bytes.len() as u64) < b.len;
    (bytes, cut)
}

/// The payload octets a logged frame shows: `0x`+hex when not UTF-8, else the text.
pub fn logged_payload(b: &LoggedBytes) -> (Vec<u8>, bool) {
    let data = b.data.as_str();
    let (data, cut_marker) = match data.strip_suffix(" ...") {
        Some(d) => (d, true),
        None => (data, false),
    };
    let bytes = match data.strip_prefix("0x").and_then(unhex) {
        Some(h) => h,
        None => data.as_bytes().to_vec(),
    };
    let cut = cut_marker || b.truncated || (bytes.len() as u64) < b.len;
    (bytes, cut)
}

/// The suite's own payload rendering (`asciiLogData`): text up to 64 octets (with `" ..."`
/// when longer than 60), or `0x`+hex when that is not UTF-8. Used to compare decoded frames
/// against the frames the suite logged.
pub fn ascii_log_data(p: &[u8]) -> String {
    let cut = p.len() > 60;
    let shown = if cut { &p[..p.len().min(64)] } else { p };
    match std::str::from_utf8(shown) {
        Ok(t) if cut => format!("{t} ..."),
        Ok(t) => t.to_string(),
        Err(_) => {
            if cut {
                format!("0x{} ...", hex(shown))
            } else {
                format!("0x{}", hex(shown))
            }
        }
    }
}

/// A piece of one direction's stream: the octets one log entry shows, followed by the number
/// of octets it held that the log did not show (kept as a count, so a 16 MiB message costs
/// nothing).
struct Seg {
    entry: usize,
    known: Vec<u8>,
    unknown: u64,
}

/// One direction's octet stream being reassembled.
struct Stream {
    dir: Dir,
    segs: VecDeque<Seg>,
    /// Octets buffered (known and unknown).
    len: u64,
    handshake_done: bool,
    /// Set after octets went missing in a header: wait for the next entry to resynchronise.
    lost: bool,
}

impl Stream {
    fn new(dir: Dir) -> Stream {
        Stream {
            dir,
            segs: VecDeque::new(),
            len: 0,
            handshake_done: false,
            lost: false,
        }
    }

    fn clear(&mut self) {
        self.segs.clear();
        self.len = 0;
    }

    fn push(&mut self, entry: usize, octets: &[u8], total: u64, notes: &mut Vec<String>) {
        let mut known: &[u8] = octets;
        if !self.handshake_done {
            self.handshake_done = true;
            if known.starts_with(b"GET ") || known.starts_with(b"HTTP/") {
                // The opening handshake: skip it, keep frame octets after the blank line.
                match find(known, b"\r\n\r\n") {
                    Some(end) if (known.len() as u64) == total => known = &known[end + 4..],
                    _ => return,
                }
                if known.is_empty() {
                    return;
                }
                self.append(entry, known, known.len() as u64);
                return;
            }
        }
        if self.lost {
            // Frames usually start at a write boundary; resume here (a direction whose decoding
            // then disagrees with the logged frames is discarded by `timeline`).
            self.clear();
            self.lost = false;
            notes.push(format!(
                "{entry:03}: resumed decoding {} octets at this entry (octets before it were not in the log)",
                dir_word(self.dir)
            ));
        }
        self.append(entry, known, total);
    }

    fn append(&mut self, entry: usize, known: &[u8], total: u64) {
        let unknown = total.saturating_sub(known.len() as u64);
        self.len += known.len() as u64 + unknown;
        self.segs.push_back(Seg {
            entry,
            known: known.to_vec(),
            unknown,
        });
    }

    /// The first `n` octets (fewer if the buffer is shorter); `None` for an unlogged octet.
    fn head(&self, n: usize) -> Vec<Option<u8>> {
        let mut out = Vec::with_capacity(n);
        for seg in &self.segs {
            for &b in &seg.known {
                if out.len() == n {
                    return out;
                }
                out.push(Some(b));
            }
            for _ in 0..seg.unknown.min(n as u64) {
                if out.len() == n {
                    return out;
                }
                out.push(None);
            }
        }
        out
    }

    /// Removes the first `n` octets; returns them with each unlogged run as one `None`, and the
    /// log entry of each element.
    fn take(&mut self, mut n: u64) -> (Vec<Option<u8>>, Vec<usize>) {
        let mut octets = Vec::new();
        let mut origin = Vec::new();
        while n > 0 {
            let Some(seg) = self.segs.front_mut() else {
                break;
            };
            let k = (seg.known.len() as u64).min(n) as usize;
            for b in seg.known.drain(..k) {
                octets.push(Some(b));
                origin.push(seg.entry);
            }
            n -= k as u64;
            self.len -= k as u64;
            if n > 0 && seg.known.is_empty() && seg.unknown > 0 {
                let u = seg.unknown.min(n);
                seg.unknown -= u;
                n -= u;
                self.len -= u;
                octets.push(None);
                origin.push(seg.entry);
            }
            if seg.known.is_empty() && seg.unknown == 0 {
                self.segs.pop_front();
            }
        }
        (octets, origin)
    }

    fn first_entry(&self) -> usize {
        self.segs.front().map(|s| s.entry).unwrap_or(0)
    }

    /// Decodes every complete frame at the front of the buffer.
    fn drain(&mut self, out: &mut Vec<DecodedFrame>, notes: &mut Vec<String>) {
        loop {
            if self.lost || self.len == 0 {
                return;
            }
            match parse_header(&self.head(14)) {
                Header::NeedMore => return,
                Header::Unknown => {
                    let e = self.first_entry();
                    notes.push(format!(
                        "{e:03}: a {} frame header fell in octets the log cut; frames after it are decoded from the next entry on",
                        dir_word(self.dir)
                    ));
                    self.lost = true;
                    self.clear();
                    return;
                }
                Header::Ok(h) => {
                    let total = (h.header_len as u64).saturating_add(h.len);
                    if self.len < total {
                        return;
                    }
                    let (octets, origin) = self.take(total);
                    out.push(build_frame(self.dir, &h, &octets, &origin, true));
                }
            }
        }
    }

    /// At the end of the log: a frame whose octets never all arrived.
    fn finish(&mut self, out: &mut Vec<DecodedFrame>) {
        if self.lost || self.len == 0 {
            return;
        }
        let head = self.head(14);
        match parse_header(&head) {
            Header::Ok(h) => {
                let (octets, origin) = self.take(self.len);
                out.push(build_frame(self.dir, &h, &octets, &origin, false));
            }
            Header::NeedMore => {
                // Not even the header arrived whole: show what the first octets say.
                if let Some(Some(b0)) = head.first() {
                    let len = match head.get(1) {
                        Some(Some(b1)) if b1 & 0x7f < 126 => u64::from(b1 & 0x7f),
                        _ => 0,
                    };
                    let (octets, origin) = self.take(self.len);
                    let h = HeaderInfo {
                        fin: b0 & 0x80 != 0,
                        rsv: (b0 >> 4) & 0x07,
                        opcode: b0 & 0x0f,
                        mask: None,
                        len,
                        header_len: octets.len(),
                    };
                    let mut frame = build_frame(self.dir, &h, &octets, &origin, false);
                    frame.header_complete = false;
                    out.push(frame);
                }
            }
            Header::Unknown => {}
        }
    }
}

fn dir_word(d: Dir) -> &'static str {
    match d {
        Dir::Tx => "TX",
        Dir::Rx => "RX",
    }
}

fn find(hay: &[u8], needle: &[u8]) -> Option<usize> {
    hay.windows(needle.len()).position(|w| w == needle)
}

struct HeaderInfo {
    fin: bool,
    rsv: u8,
    opcode: u8,
    mask: Option<[u8; 4]>,
    len: u64,
    header_len: usize,
}

enum Header {
    Ok(HeaderInfo),
    NeedMore,
    /// A header octet is not in the log.
    Unknown,
}

/// RFC 6455 §5.2 base framing: 2 octets, 0/2/8 octets of extended length, 0/4 of mask key.
fn parse_header(buf: &[Option<u8>]) -> Header {
    let get = |i: usize| -> Result<u8, Header> {
        match buf.get(i) {
            None => Err(Header::NeedMore),
            Some(None) => Err(Header::Unknown),
            Some(Some(b)) => Ok(*b),
        }
    };
    let run = || -> Result<HeaderInfo, Header> {
        let b0 = get(0)?;
        let b1 = get(1)?;
        let mut pos = 2;
        let len = match b1 & 0x7f {
            126 => {
                let v = u64::from(get(2)?) << 8 | u64::from(get(3)?);
                pos += 2;
                v
            }
            127 => {
                let mut v = 0u64;
                for i in 0..8 {
                    v = v << 8 | u64::from(get(2 + i)?);
                }
                pos += 8;
                v
            }
            n => u64::from(n),
        };
        let mask = if b1 & 0x80 != 0 {
            let m = [get(pos)?, get(pos + 1)?, get(pos + 2)?, get(pos + 3)?];
            pos += 4;
            Some(m)
        } else {
            None
        };
        Ok(HeaderInfo {
            fin: b0 & 0x80 != 0,
            rsv: (b0 >> 4) & 0x07,
            opcode: b0 & 0x0f,
            mask,
            len,
            header_len: pos,
        })
    };
    match run() {
        Ok(h) => Header::Ok(h),
        Err(e) => e,
    }
}

fn build_frame(
    dir: Dir,
    h: &HeaderInfo,
    octets: &[Option<u8>],
    origin: &[usize],
    complete_len: bool,
) -> DecodedFrame {
    let body = &octets[h.header_len.min(octets.len())..];
    let mut payload = Vec::new();
    let mut cut = false;
    for (i, b) in body.iter().enumerate() {
        match b {
            Some(b) if !cut => {
                let m = h.mask.map(|m| m[i % 4]).unwrap_or(0);
                payload.push(b ^ m);
            }
            Some(_) => {}
            None => cut = true,
        }
    }
    let mut entries: Vec<usize> = origin.to_vec();
    entries.dedup();
    DecodedFrame {
        dir,
        first_entry: origin[0],
        last_entry: if complete_len {
            origin.last().copied()
        } else {
            None
        },
        fin: h.fin,
        rsv: h.rsv,
        opcode: h.opcode,
        mask: h.mask.map(|m| hex(&m)),
        len: h.len,
        payload,
        complete: complete_len && !cut,
        cut_by_log: cut,
        entries: entries.len(),
        header_complete: true,
        header_octets: h.header_len.min(octets.len()),
    }
}

/// What decoding the octet entries of a wire log gave.
#[derive(Debug, Clone, Default, Serialize)]
pub struct Decoded {
    pub frames: Vec<DecodedFrame>,
    /// Where decoding lost or regained its place, in log order.
    pub notes: Vec<String>,
}

/// Feeds one octet entry to a stream and decodes what completed. An entry cut by the log
/// whose real length is not known (an HTML page shows 64 octets and no length) ends the
/// alignment: the frame in progress is reported as cut and decoding resumes at the next entry.
fn feed(stream: &mut Stream, i: usize, octets: &LoggedBytes, out: &mut Decoded) {
    let (b, cut) = logged_octets(octets);
    let length_unknown = cut && b.len() >= 64 && octets.len <= b.len() as u64;
    stream.push(i, &b, octets.len, &mut out.notes);
    stream.drain(&mut out.frames, &mut out.notes);
    if length_unknown && stream.handshake_done && stream.len > 0 {
        let before = out.frames.len();
        stream.finish(&mut out.frames);
        for f in &mut out.frames[before..] {
            f.cut_by_log = true;
            f.complete = false;
        }
        out.notes.push(format!(
            "{i:03}: the log cut these {} octets without saying how many there were; frames after them are decoded from the next entry on",
            dir_word(stream.dir)
        ));
        stream.clear();
        stream.lost = true;
    }
}

/// Reassembles both octet streams of a wire log and decodes the frames in them.
pub fn decode_octets(entries: &[WireEntry]) -> Decoded {
    let mut tx = Stream::new(Dir::Tx);
    let mut rx = Stream::new(Dir::Rx);
    let mut out = Decoded::default();
    for (i, e) in entries.iter().enumerate() {
        match e {
            WireEntry::TxOctets { octets, .. } => feed(&mut tx, i, octets, &mut out),
            WireEntry::RxOctets { octets } => feed(&mut rx, i, octets, &mut out),
            WireEntry::WirelogSwitch { .. } => {
                // Logging was off in between: whatever was buffered is unrelated to what follows.
                for s in [&mut tx, &mut rx] {
                    s.clear();
                    s.lost = false;
                    s.handshake_done = true;
                }
            }
            _ => {}
        }
    }
    tx.finish(&mut out.frames);
    rx.finish(&mut out.frames);
    out.frames.sort_by_key(|f| f.first_entry);
    out
}

/// Opcode name (RFC 6455 §11.8).
pub fn opcode_name(op: u8) -> String {
    match op {
        0 => "continuation".into(),
        1 => "text".into(),
        2 => "binary".into(),
        8 => "close".into(),
        9 => "ping".into(),
        10 => "pong".into(),
        3..=7 => format!("reserved non-control opcode {op}"),
        _ => format!("reserved control opcode {op}"),
    }
}

/// A close payload: code and reason (RFC 6455 §5.5.1).
pub fn close_payload(p: &[u8]) -> String {
    match p.len() {
        0 => "no code".to_string(),
        1 => format!("1 octet {:02x} (too short for a code)", p[0]),
        _ => {
            let code = u16::from(p[0]) << 8 | u16::from(p[1]);
            let reason = &p[2..];
            if reason.is_empty() {
                format!("code {code}")
            } else {
                match std::str::from_utf8(reason) {
                    Ok(r) => format!("code {code}, reason {r:?}"),
                    Err(_) => format!("code {code}, reason not UTF-8: {}", hex(reason)),
                }
            }
        }
    }
}

/// Payload shown for a person: close frames decoded, text quoted, else hex; shortened.
fn show_payload(opcode: u8, p: &[u8], len: u64, cut: bool) -> String {
    if opcode == 8 {
        return close_payload(p);
    }
    if len == 0 {
        return "empty".to_string();
    }
    const MAX: usize = 48;
    let shown = &p[..p.len().min(MAX)];
    let more = if (p.len() as u64) < len || p.len() > MAX || cut {
        " …"
    } else {
        ""
    };
    match std::str::from_utf8(shown) {
        Ok(t) => format!("{t:?}{more}"),
        Err(_) => format!("0x{}{more}", hex(shown)),
    }
}

/// One line of the readable timeline.
#[derive(Debug, Clone, Serialize)]
pub struct WireLine {
    /// First and last wire-log index this line covers.
    pub from: usize,
    pub to: usize,
    pub text: String,
}

/// The whole timeline plus the decoded frames.
#[derive(Debug, Clone, Default, Serialize)]
pub struct WireView {
    pub lines: Vec<WireLine>,
    pub decoded: Decoded,
}

fn flags(fin: bool, rsv: u8) -> String {
    let mut s = if fin {
        "FIN".to_string()
    } else {
        "no FIN".to_string()
    };
    if rsv != 0 {
        s.push_str(&format!(", RSV={rsv}"));
    }
    s
}

/// Builds the readable timeline: one line per log entry (runs of chopped writes merged), each
/// octet line followed by the frames its octets completed.
pub fn timeline(entries: &[WireEntry]) -> WireView {
    let mut decoded = decode_octets(entries);
    // A direction whose decoded frames disagree with the frames the suite logged was not
    // frame-aligned in the log (octets went unlogged, e.g. in 9.x): its decoding is noise.
    for dir in [Dir::Tx, Dir::Rx] {
        if !direction_agrees(entries, &decoded, dir) {
            decoded.frames.retain(|f| f.dir != dir);
            let w = dir_word(dir);
            decoded.notes.retain(|n| !n.contains(w));
            decoded.notes.push(format!(
                "{w} octets are not decoded into frames: the log does not hold every octet of this direction (frames decoded from it disagree with the frames the suite logged)"
            ));
        }
    }
    let mut lines = Vec::new();
    let mut i = 0;
    while i < entries.len() {
        let e = &entries[i];
        // Runs of octet entries in one direction are shown once, with the frames they carry.
        if let Some(dir) = octet_dir(e) {
            let mut j = i;
            let mut total = 0u64;
            let mut sizes = Vec::new();
            while j < entries.len() && octet_dir(&entries[j]) == Some(dir) {
                let len = octet_len(&entries[j]);
                if j > i {
                    // Runs of one-octet chops are merged, and so are writes that neither start
                    // nor end a decoded frame (the middle of a big message).
                    let chops = len == 1 && sizes.iter().all(|&l| l == 1);
                    let boundary = decoded
                        .frames
                        .iter()
                        .any(|f| f.dir == dir && (f.first_entry == j || f.last_entry == Some(j)));
                    let plain = !boundary && len > 1 && sizes.iter().all(|&l| l > 1);
                    if !chops && !plain {
                        break;
                    }
                }
                total += len;
                sizes.push(len);
                j += 1;
            }
            let count = j - i;
            let side = if dir == Dir::Tx {
                "fuzzer wrote"
            } else {
                "testee sent"
            };
            let mut text = if count == 1 {
                let (b, cut) = match e {
                    WireEntry::TxOctets { octets, .. } | WireEntry::RxOctets { octets } => {
                        logged_octets(octets)
                    }
                    _ => (Vec::new(), false),
                };
                let sync = matches!(e, WireEntry::TxOctets { sync: true, .. });
                let body = if b.starts_with(b"GET ") || b.starts_with(b"HTTP/") {
                    let first = String::from_utf8_lossy(&b);
                    format!("HTTP: {}", first.lines().next().unwrap_or_default())
                } else {
                    let h = hex(&b[..b.len().min(24)]);
                    let more = if b.len() > 24 || cut { "…" } else { "" };
                    format!("{h}{more}")
                };
                format!(
                    "{side} {total} octet{}{}: {body}{}",
                    if total == 1 { "" } else { "s" },
                    if sync { " (sync)" } else { "" },
                    if cut {
                        " (log shows only the first 64)"
                    } else {
                        ""
                    }
                )
            } else if sizes.iter().all(|&l| l == 1) {
                format!("{side} {total} octets in {count} writes of 1 octet (chop size 1)")
            } else {
                let what = if dir == Dir::Tx { "writes" } else { "reads" };
                let parts: Vec<(Vec<u8>, bool)> = entries[i..j]
                    .iter()
                    .map(|e| match e {
                        WireEntry::TxOctets { octets, .. } | WireEntry::RxOctets { octets } => {
                            logged_octets(octets)
                        }
                        _ => (Vec::new(), false),
                    })
                    .collect();
                if parts.iter().any(|p| p.1) {
                    format!("{side} {total} octets in {count} {what} (log shows only the first 64 octets of each)")
                } else {
                    let shown: Vec<String> = parts.iter().map(|p| hex(&p.0)).collect();
                    let joined = shown.join(" ");
                    let joined = if joined.len() > 60 {
                        format!("{}…", &joined[..60])
                    } else {
                        joined
                    };
                    format!("{side} {total} octets in {count} {what}: {joined}")
                }
            };
            let frames: Vec<&DecodedFrame> = decoded
                .frames
                .iter()
                .filter(|f| f.dir == dir && f.last_entry.map(|l| l >= i && l < j).unwrap_or(false))
                .collect();
            for f in frames {
                text.push_str(&format!("\n    = {}", describe_frame(f)));
            }
            let unfinished: Vec<&DecodedFrame> = decoded
                .frames
                .iter()
                .filter(|f| {
                    f.dir == dir
                        && f.last_entry.is_none()
                        && f.first_entry >= i
                        && f.first_entry < j
                })
                .collect();
            for f in unfinished {
                text.push_str(&format!("\n    = {}", describe_frame(f)));
            }
            lines.push(WireLine {
                from: i,
                to: j - 1,
                text,
            });
            i = j;
            continue;
        }
        lines.push(WireLine {
            from: i,
            to: i,
            text: describe_entry(e),
        });
        i += 1;
    }
    WireView { lines, decoded }
}

fn octet_dir(e: &WireEntry) -> Option<Dir> {
    match e {
        WireEntry::TxOctets { .. } => Some(Dir::Tx),
        WireEntry::RxOctets { .. } => Some(Dir::Rx),
        _ => None,
    }
}

fn octet_len(e: &WireEntry) -> u64 {
    match e {
        WireEntry::TxOctets { octets, .. } | WireEntry::RxOctets { octets } => octets.len,
        _ => 0,
    }
}

/// A decoded frame in words.
pub fn describe_frame(f: &DecodedFrame) -> String {
    if !f.header_complete {
        return format!(
            "{} frame, {}: only the first {} octet{} of its header were ever written (over {} log entr{}), the connection ended first",
            opcode_name(f.opcode),
            flags(f.fin, f.rsv),
            f.header_octets,
            if f.header_octets == 1 { "" } else { "s" },
            f.entries,
            if f.entries == 1 { "y" } else { "ies" }
        );
    }
    let mut s = format!(
        "{} frame, {}, {} octets{}: {}",
        opcode_name(f.opcode),
        flags(f.fin, f.rsv),
        f.len,
        match &f.mask {
            Some(m) => format!(", masked with {m}"),
            None => String::new(),
        },
        show_payload(f.opcode, &f.payload, f.len, f.cut_by_log)
    );
    if f.entries > 1 {
        s.push_str(&format!(" [octets spread over {} log entries]", f.entries));
    }
    if !f.header_complete {
        s.push_str(
            " [incomplete: the log ends inside the frame header; the rest was never written]",
        );
    } else if f.cut_by_log {
        s.push_str(" [payload cut by the log]");
    } else if f.last_entry.is_none() {
        s.push_str(&format!(
            " [incomplete: only {} of {} payload octets were ever written, the connection ended first]",
            f.payload.len(),
            f.len
        ));
    }
    s
}

/// A non-octet entry in words.
pub fn describe_entry(e: &WireEntry) -> String {
    match e {
        WireEntry::TxFrame { payload, opcode, fin, rsv, mask, payload_repeat_len, chop_size, sync } => {
            let (p, cut) = logged_payload(payload);
            let len = payload_repeat_len.unwrap_or(payload.len);
            let mut s = format!(
                "fuzzer sends {} frame, {}, {} octets{}: {}",
                opcode_name(*opcode),
                flags(*fin, *rsv),
                len,
                match mask {
                    Some(m) => format!(", masked with {m}"),
                    None => String::new(),
                },
                show_payload(*opcode, &p, payload.len, cut)
            );
            if let Some(r) = payload_repeat_len {
                s.push_str(&format!(" (the {} octets repeated to {r})", payload.len));
            }
            if let Some(c) = chop_size {
                s.push_str(&format!(" (written in chops of {c} octet{})", if *c == 1 { "" } else { "s" }));
            }
            if *sync {
                s.push_str(" (sync: flushed on its own)");
            }
            s
        }
        WireEntry::RxFrame { payload, opcode, fin, rsv, masked, mask } => {
            let (p, cut) = logged_payload(payload);
            format!(
                "testee sent {} frame, {}, {} octets{}: {}",
                opcode_name(*opcode),
                flags(*fin, *rsv),
                payload.len,
                match (masked, mask) {
                    (true, Some(m)) => format!(", masked with {m}"),
                    (true, None) => ", masked".to_string(),
                    _ => String::new(),
                },
                show_payload(*opcode, &p, payload.len, cut)
            )
        }
        WireEntry::Delay { seconds, tag } => format!(
            "fuzzer waits {seconds} s (timer {})",
            tag.as_deref().unwrap_or("-")
        ),
        WireEntry::DelayFired { tag } => format!("timer {} fired", tag.as_deref().unwrap_or("-")),
        WireEntry::FailAfter { seconds } => format!(
            "fuzzer arms its fail timer: it will fail the connection after {seconds} s unless the testee closes first"
        ),
        WireEntry::Failing => "fail timer fired: the fuzzer fails the connection (the testee had not closed it)".to_string(),
        WireEntry::CloseAfter { seconds } => format!(
            "fuzzer arms its close timer: it will start a normal close after {seconds} s"
        ),
        WireEntry::Closing => "close timer fired: the fuzzer starts the closing handshake".to_string(),
        WireEntry::WirelogSwitch { enabled } => {
            if *enabled {
                "wire log switched back on".to_string()
            } else {
                "wire log switched off (bulk traffic not logged)".to_string()
            }
        }
        WireEntry::TcpDropped { by_me } => {
            if *by_me {
                "TCP connection dropped by the fuzzer".to_string()
            } else {
                "TCP connection dropped by the testee".to_string()
            }
        }
        WireEntry::Unknown { text } => format!("(unrecognised log line) {text}"),
        WireEntry::TxOctets { .. } | WireEntry::RxOctets { .. } => String::new(),
    }
}

fn logged_frames(
    entries: &[WireEntry],
    dir: Dir,
) -> Vec<(u8, bool, u8, Option<String>, u64, String)> {
    entries
        .iter()
        .filter_map(|e| match (dir, e) {
            (
                Dir::Tx,
                WireEntry::TxFrame {
                    payload,
                    opcode,
                    fin,
                    rsv,
                    mask,
                    payload_repeat_len,
                    ..
                },
            ) => Some((
                *opcode,
                *fin,
                *rsv,
                mask.as_deref().map(str::to_ascii_lowercase),
                payload_repeat_len.unwrap_or(payload.len),
                if payload_repeat_len.is_some() {
                    String::new()
                } else {
                    payload.data.clone()
                },
            )),
            (
                Dir::Rx,
                WireEntry::RxFrame {
                    payload,
                    opcode,
                    fin,
                    rsv,
                    mask,
                    ..
                },
            ) => Some((
                *opcode,
                *fin,
                *rsv,
                mask.as_deref().map(str::to_ascii_lowercase),
                payload.len,
                payload.data.clone(),
            )),
            _ => None,
        })
        .collect()
}

type Logged = (u8, bool, u8, Option<String>, u64, String);

/// Header fields equal (only FIN/RSV/opcode when the log ended inside the header).
fn same_header(f: &DecodedFrame, l: &Logged) -> bool {
    let (op, fin, rsv, mask, len, _) = l;
    if !f.header_complete {
        return *op == f.opcode && *fin == f.fin && *rsv == f.rsv;
    }
    *op == f.opcode && *fin == f.fin && *rsv == f.rsv && *mask == f.mask && *len == f.len
}

/// Whether Python 2's UTF-8 codec (which the suite runs on) would decode these octets: like
/// UTF-8, but encoded surrogates (ED A0..BF xx) are accepted. The suite then logs text, where
/// strict UTF-8 gives hex; such payloads cannot be compared as text.
fn py2_decodes_with_surrogates(p: &[u8]) -> bool {
    if std::str::from_utf8(p).is_ok() {
        return false;
    }
    let mut q = p.to_vec();
    // Replace each encoded surrogate by a valid 3-octet sequence of the same shape.
    let mut i = 0;
    while i + 2 < q.len() {
        if q[i] == 0xed && (0xa0..=0xbf).contains(&q[i + 1]) && (0x80..=0xbf).contains(&q[i + 2]) {
            q[i + 1] = 0x9f;
            i += 3;
        } else {
            i += 1;
        }
    }
    std::str::from_utf8(&q).is_ok()
}

/// Payload text equal to the suite's rendering (or not comparable: repeated payloads, cut
/// frames, Python-2-only surrogate text).
fn same_text(f: &DecodedFrame, l: &Logged) -> bool {
    let text = &l.5;
    if text.is_empty() || !f.complete {
        return true;
    }
    let ours = ascii_log_data(&f.payload);
    if *text == ours {
        return true;
    }
    let shown = &f.payload[..f.payload.len().min(64)];
    ours.starts_with("0x") && !text.starts_with("0x") && py2_decodes_with_surrogates(shown)
}

/// A frame a conforming sender could have written (used to tell raw writes the suite did not
/// log as frames from garbage decoded out of misaligned octets).
fn plausible(f: &DecodedFrame) -> bool {
    f.rsv == 0
        && matches!(f.opcode, 0 | 1 | 2 | 8 | 9 | 10)
        && (f.opcode < 8 || (f.fin && f.len <= 125))
}

/// How the decoded frames of one direction line up with the logged frames.
struct Alignment {
    /// (decoded index, logged index) of frames whose headers agree, in order.
    pairs: Vec<(usize, usize)>,
    /// Decoded frames with no logged counterpart (the suite wrote them as raw octets, or they
    /// are noise from misaligned octets).
    unlogged: Vec<usize>,
}

/// Greedy in-order alignment: each decoded frame takes the next logged frame with the same
/// header, skipping logged frames that never reached the octet log.
fn align(ours: &[&DecodedFrame], logged: &[Logged]) -> Alignment {
    let mut pairs = Vec::new();
    let mut unlogged = Vec::new();
    let mut next = 0;
    for (k, f) in ours.iter().enumerate() {
        match logged[next.min(logged.len())..]
            .iter()
            .position(|l| same_header(f, l))
        {
            Some(off) => {
                pairs.push((k, next + off));
                next += off + 1;
            }
            None => unlogged.push(k),
        }
    }
    Alignment { pairs, unlogged }
}

/// Whether the frames decoded in one direction can be trusted: each one either agrees with a
/// logged frame (in order; payload text too when complete) or is a plausible frame the suite
/// wrote without logging it as a frame. Misaligned octets decode into frames that fail this.
fn direction_agrees(entries: &[WireEntry], decoded: &Decoded, dir: Dir) -> bool {
    let logged = logged_frames(entries, dir);
    let ours: Vec<&DecodedFrame> = decoded.frames.iter().filter(|f| f.dir == dir).collect();
    let a = align(&ours, &logged);
    a.pairs.iter().all(|&(k, l)| same_text(ours[k], &logged[l]))
        && a.unlogged
            .iter()
            .all(|&k| ours[k].last_entry.is_none() || plausible(ours[k]))
}

/// How decoded frames compare with the frames the suite logged beside the octets.
#[derive(Debug, Clone, Default, Serialize)]
pub struct FrameCheck {
    /// Decoded frames whose octets were all in the log.
    pub complete: usize,
    /// Of those, how many equal a logged frame (in order: opcode, FIN, RSV, mask, length and
    /// the payload as the suite renders it).
    pub matched: usize,
    /// Complete decoded frames the suite did not log as frames (raw writes, e.g. 6.4.3/6.4.4
    /// send one frame in timed chops), or noise from misaligned octets.
    pub unlogged: usize,
    /// Decoded frames the log cut or that never finished.
    pub partial: usize,
    /// Frames whose header agrees with a logged frame but whose payload does not.
    pub mismatches: Vec<String>,
}

/// Compares decoded frames, direction by direction and in order, with the logged `TF`/`RF`.
pub fn check_against_logged(entries: &[WireEntry]) -> FrameCheck {
    let decoded = decode_octets(entries);
    let mut check = FrameCheck::default();
    for dir in [Dir::Tx, Dir::Rx] {
        let logged = logged_frames(entries, dir);
        let ours: Vec<&DecodedFrame> = decoded.frames.iter().filter(|f| f.dir == dir).collect();
        let a = align(&ours, &logged);
        for (k, f) in ours.iter().enumerate() {
            if !f.complete {
                check.partial += 1;
                continue;
            }
            check.complete += 1;
            match a.pairs.iter().find(|p| p.0 == k) {
                Some(&(_, l)) if same_text(f, &logged[l]) => check.matched += 1,
                Some(&(_, l)) => check.mismatches.push(format!(
                    "{} frame {k}: decoded {:?}; logged {:?}",
                    dir_word(dir),
                    ascii_log_data(&f.payload),
                    logged[l].5
                )),
                None => check.unlogged += 1,
            }
        }
    }
    check
}

#[cfg(test)]
mod tests {
    use super::*;

    fn tx(hex: &str) -> WireEntry {
        WireEntry::TxOctets {
            octets: LoggedBytes {
                len: (hex.len() / 2) as u64,
                data: hex.into(),
                truncated: false,
            },
            sync: false,
        }
    }
    fn rx(hex: &str) -> WireEntry {
        WireEntry::RxOctets {
            octets: LoggedBytes {
                len: (hex.len() / 2) as u64,
                data: hex.into(),
                truncated: false,
            },
        }
    }

    #[test]
    fn decodes_two_frames_in_one_read_and_unmasks() {
        // Seed 000 entry 011: a masked text frame followed by a masked, empty pong.
        let d = decode_octets(&[rx("818dfd1bbf97b57ed3fb92379fe09269d3f3dc8a8000000000")]);
        assert_eq!(d.frames.len(), 2);
        assert_eq!(d.frames[0].payload, b"Hello, world!");
        assert_eq!(d.frames[0].mask.as_deref(), Some("fd1bbf97"));
        assert_eq!(d.frames[1].opcode, 10);
        assert_eq!(d.frames[1].len, 0);
        assert!(d.frames.iter().all(|f| f.complete));
    }

    #[test]
    fn reassembles_octet_wise_chops_and_reports_unfinished_frame() {
        // Seed 003 (4.2.5, chop size 1): the text frame over 19 one-octet writes, then the
        // reserved-opcode frame of which only 2 octets were written before the peer dropped.
        let mut log = vec![tx("81")];
        for b in [
            "8d", "41", "a8", "48", "af", "09", "cd", "24", "c3", "2e", "84", "68", "d8", "2e",
            "da", "24", "cb", "60", "8f", "8d", "8f",
        ] {
            log.push(tx(b));
        }
        let d = decode_octets(&log);
        assert_eq!(d.frames.len(), 2);
        assert_eq!(d.frames[0].payload, b"Hello, world!");
        assert_eq!(d.frames[0].entries, 19);
        assert!(d.frames[0].complete);
        assert_eq!(d.frames[1].opcode, 15);
        assert!(!d.frames[1].complete);
        assert_eq!(d.frames[1].last_entry, None);
    }

    #[test]
    fn close_payload_is_decoded() {
        assert_eq!(
            close_payload(&unhex("03e9476f696e672041776179").unwrap()),
            "code 1001, reason \"Going Away\""
        );
        assert_eq!(close_payload(&[0x03]), "1 octet 03 (too short for a code)");
        let d = decode_octets(&[tx("880c03e9476f696e672041776179")]);
        assert!(describe_frame(&d.frames[0]).contains("code 1001, reason \"Going Away\""));
    }

    #[test]
    fn log_cut_payload_is_marked_not_invented() {
        // A 200-octet text frame whose log shows only 64 octets.
        let mut h = String::from("817e00c8");
        h.push_str(&"41".repeat(60));
        let e = WireEntry::RxOctets {
            octets: LoggedBytes {
                len: 204,
                data: format!("{h} ..."),
                truncated: true,
            },
        };
        let d = decode_octets(&[e]);
        assert_eq!(d.frames.len(), 1);
        assert_eq!(d.frames[0].len, 200);
        assert!(d.frames[0].cut_by_log && !d.frames[0].complete);
        assert_eq!(d.frames[0].payload.len(), 60);
    }

    #[test]
    fn big_frames_keep_alignment_through_unlogged_octets() {
        // A 1 MiB binary frame written in 16 KiB reads (the log shows 64 octets of each),
        // then a close frame: the close must still be found at the right place.
        let mut log = Vec::new();
        let mut first = String::from("827f0000000000100000");
        first.push_str(&"00".repeat(54));
        log.push(WireEntry::TxOctets {
            octets: LoggedBytes {
                len: 16384,
                data: format!("{first} ..."),
                truncated: true,
            },
            sync: false,
        });
        let rest = 1_048_576 + 10 - 16384;
        for _ in 0..(rest / 16384) {
            log.push(WireEntry::TxOctets {
                octets: LoggedBytes {
                    len: 16384,
                    data: format!("{} ...", "00".repeat(64)),
                    truncated: true,
                },
                sync: false,
            });
        }
        // The last 10 octets of the frame (header length), logged whole, then the close.
        log.push(tx(&"00".repeat(10)));
        log.push(tx("880203e8"));
        let d = decode_octets(&log);
        assert_eq!(d.frames.len(), 2, "{:?}", d.notes);
        assert_eq!(d.frames[0].len, 1_048_576);
        assert!(d.frames[0].cut_by_log);
        assert_eq!(d.frames[0].entries, 65);
        assert_eq!(d.frames[1].opcode, 8);
        assert!(d.frames[1].complete);
    }

    #[test]
    fn absurd_lengths_do_not_panic() {
        // A 64-bit length of 2^64-1 (invalid, but octets are untrusted input).
        let d = decode_octets(&[rx("827fffffffffffffffff00")]);
        assert_eq!(d.frames.len(), 1);
        assert!(!d.frames[0].complete);
        assert_eq!(d.frames[0].len, u64::MAX);
    }

    #[test]
    fn ascii_log_data_matches_suite_rules() {
        assert_eq!(ascii_log_data(b"Hello"), "Hello");
        assert_eq!(ascii_log_data(&[0x03, 0xe8]), "0x03e8");
        let long = vec![b'a'; 70];
        assert_eq!(ascii_log_data(&long), format!("{} ...", "a".repeat(64)));
    }
}
