//! Python 2 `repr` literals, as the case page prints `expected` and `received`:
//! `{'OK': [('message', u'Hello, world!', False)], 'NON-STRICT': []}`.
//!
//! A small recursive-descent parser over dicts, lists, tuples, `u''`/`''`/`""` strings (with
//! `\x`, `\u`, `\U`, `\n`, octal and the other Python escapes), `True`/`False`/`None`, ints and
//! floats. Byte strings (`'…'` without `u`) are decoded as UTF-8 afterwards, as Python 2's
//! `json.dumps` does when the suite writes the same value to the JSON report; lone surrogates
//! become U+FFFD as in [`super::json::repair_lone_surrogates`], so both forms give equal events.

use crate::model::{Event, EventKind};
use std::collections::BTreeMap;

/// A Python literal value.
#[derive(Debug, Clone, PartialEq)]
pub enum PyValue {
    None,
    Bool(bool),
    Int(i64),
    Float(f64),
    Str(String),
    List(Vec<PyValue>),
    Tuple(Vec<PyValue>),
    Dict(Vec<(PyValue, PyValue)>),
}

/// Where and why parsing stopped.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PyError {
    pub offset: usize,
    pub message: String,
}

impl std::fmt::Display for PyError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{} at offset {}", self.message, self.offset)
    }
}

/// Nesting deeper than this is not a suite literal (and would risk the stack).
const MAX_DEPTH: usize = 64;

struct Parser<'a> {
    s: &'a [u8],
    pos: usize,
    /// When set, hitting the end of input closes every open container instead of failing
    /// (for literals the page cut at 1000 characters).
    lenient_end: bool,
    /// Set when a lenient parse had to close containers at the end.
    cut: bool,
}

/// Parses one complete literal (surrounding whitespace allowed).
pub fn parse(text: &str) -> Result<PyValue, PyError> {
    let mut p = Parser {
        s: text.as_bytes(),
        pos: 0,
        lenient_end: false,
        cut: false,
    };
    let v = p.value(0)?;
    p.ws();
    if p.pos != p.s.len() {
        return Err(p.err("unexpected text after the literal"));
    }
    Ok(v)
}

/// Parses a literal that may have been cut short: returns the value made of every element
/// completed before the end (an element cut in the middle is dropped).
pub fn parse_prefix(text: &str) -> Result<PyValue, PyError> {
    let mut p = Parser {
        s: text.as_bytes(),
        pos: 0,
        lenient_end: true,
        cut: false,
    };
    p.value(0)
}

impl Parser<'_> {
    fn err(&self, message: &str) -> PyError {
        PyError {
            offset: self.pos,
            message: message.to_string(),
        }
    }

    fn ws(&mut self) {
        while self.pos < self.s.len() && self.s[self.pos].is_ascii_whitespace() {
            self.pos += 1;
        }
    }

    fn peek(&self) -> Option<u8> {
        self.s.get(self.pos).copied()
    }

    fn at_end(&self) -> bool {
        self.pos >= self.s.len()
    }

    fn value(&mut self, depth: usize) -> Result<PyValue, PyError> {
        if depth > MAX_DEPTH {
            return Err(self.err("literal nested too deeply"));
        }
        self.ws();
        match self.peek() {
            None => Err(self.err("unexpected end of literal")),
            Some(b'{') => self.dict(depth),
            Some(b'[') => self.seq(b']', depth).map(PyValue::List),
            Some(b'(') => self.seq(b')', depth).map(PyValue::Tuple),
            Some(b'\'' | b'"') => self.string(false),
            Some(b'u' | b'U') if matches!(self.s.get(self.pos + 1), Some(b'\'' | b'"')) => {
                self.pos += 1;
                self.string(true)
            }
            Some(b'b' | b'B') if matches!(self.s.get(self.pos + 1), Some(b'\'' | b'"')) => {
                self.pos += 1;
                self.string(false)
            }
            Some(c) if c == b'-' || c.is_ascii_digit() => self.number(),
            Some(c) if c.is_ascii_alphabetic() => self.name(),
            Some(_) => Err(self.err("unexpected character")),
        }
    }

    fn name(&mut self) -> Result<PyValue, PyError> {
        let start = self.pos;
        while self
            .peek()
            .is_some_and(|c| c.is_ascii_alphanumeric() || c == b'_')
        {
            self.pos += 1;
        }
        match &self.s[start..self.pos] {
            b"True" => Ok(PyValue::Bool(true)),
            b"False" => Ok(PyValue::Bool(false)),
            b"None" => Ok(PyValue::None),
            _ => {
                self.pos = start;
                Err(self.err("unknown name (only True, False, None)"))
            }
        }
    }

    fn number(&mut self) -> Result<PyValue, PyError> {
        let start = self.pos;
        if self.peek() == Some(b'-') {
            self.pos += 1;
        }
        let mut float = false;
        while let Some(c) = self.peek() {
            match c {
                b'0'..=b'9' => {}
                b'.' | b'e' | b'E' => float = true,
                b'+' | b'-' if float => {}
                _ => break,
            }
            self.pos += 1;
        }
        let text =
            std::str::from_utf8(&self.s[start..self.pos]).map_err(|_| self.err("bad number"))?;
        // Python 2 longs print with an `L` suffix.
        if matches!(self.peek(), Some(b'L' | b'l')) {
            self.pos += 1;
        }
        if float {
            text.parse()
                .map(PyValue::Float)
                .map_err(|_| self.err("bad float"))
        } else {
            text.parse()
                .map(PyValue::Int)
                .map_err(|_| self.err("bad integer"))
        }
    }

    /// `[a, b]` / `(a, b)` / `(a,)`, with a trailing comma allowed.
    fn seq(&mut self, close: u8, depth: usize) -> Result<Vec<PyValue>, PyError> {
        self.pos += 1;
        let mut items = Vec::new();
        loop {
            self.ws();
            if self.at_end() && self.lenient_end {
                self.cut = true;
                return Ok(items);
            }
            if self.peek() == Some(close) {
                self.pos += 1;
                return Ok(items);
            }
            let item = self.value(depth + 1);
            match item {
                Ok(v) if !self.cut => items.push(v),
                Ok(_) => return Ok(items),
                Err(_) if self.lenient_end && self.at_end() => {
                    self.cut = true;
                    return Ok(items);
                }
                Err(e) => return Err(e),
            }
            self.ws();
            match self.peek() {
                Some(b',') => self.pos += 1,
                Some(c) if c == close => {}
                None if self.lenient_end => {
                    self.cut = true;
                    return Ok(items);
                }
                _ => return Err(self.err("expected ',' or the end of the list")),
            }
        }
    }

    fn dict(&mut self, depth: usize) -> Result<PyValue, PyError> {
        self.pos += 1;
        let mut items = Vec::new();
        loop {
            self.ws();
            if self.at_end() && self.lenient_end {
                self.cut = true;
                return Ok(PyValue::Dict(items));
            }
            if self.peek() == Some(b'}') {
                self.pos += 1;
                return Ok(PyValue::Dict(items));
            }
            let key = match self.value(depth + 1) {
                Ok(k) if !self.cut => k,
                Ok(_) => return Ok(PyValue::Dict(items)),
                Err(_) if self.lenient_end && self.at_end() => {
                    self.cut = true;
                    return Ok(PyValue::Dict(items));
                }
                Err(e) => return Err(e),
            };
            self.ws();
            if self.peek() != Some(b':') {
                if self.lenient_end && self.at_end() {
                    self.cut = true;
                    return Ok(PyValue::Dict(items));
                }
                return Err(self.err("expected ':' in dict"));
            }
            self.pos += 1;
            match self.value(depth + 1) {
                // A value cut in the middle keeps what it had (a list of the events read so far).
                Ok(v) => items.push((key, v)),
                Err(_) if self.lenient_end && self.at_end() => {
                    self.cut = true;
                    return Ok(PyValue::Dict(items));
                }
                Err(e) => return Err(e),
            }
            if self.cut {
                return Ok(PyValue::Dict(items));
            }
            self.ws();
            match self.peek() {
                Some(b',') => self.pos += 1,
                Some(b'}') => {}
                None if self.lenient_end => {
                    self.cut = true;
                    return Ok(PyValue::Dict(items));
                }
                _ => return Err(self.err("expected ',' or '}' in dict")),
            }
        }
    }

    fn hex(&mut self, n: usize) -> Result<u32, PyError> {
        let digits = self
            .s
            .get(self.pos..self.pos + n)
            .ok_or_else(|| self.err("escape cut short"))?;
        let text = std::str::from_utf8(digits).map_err(|_| self.err("bad escape"))?;
        let v = u32::from_str_radix(text, 16).map_err(|_| self.err("bad hex escape"))?;
        self.pos += n;
        Ok(v)
    }

    /// A quoted string. Unicode strings collect code points (surrogate pairs are joined, lone
    /// surrogates become U+FFFD); byte strings collect bytes, then decode as UTF-8 (lossy).
    fn string(&mut self, unicode: bool) -> Result<PyValue, PyError> {
        let quote = self.s[self.pos];
        self.pos += 1;
        let mut units: Vec<u32> = Vec::new();
        let mut bytes: Vec<u8> = Vec::new();
        loop {
            let Some(c) = self.peek() else {
                return Err(self.err("unterminated string"));
            };
            self.pos += 1;
            if c == quote {
                break;
            }
            if c != b'\\' {
                if unicode {
                    // Raw (non-escaped) text: take the whole UTF-8 character.
                    let start = self.pos - 1;
                    let len = utf8_len(c);
                    let end = (start + len).min(self.s.len());
                    match std::str::from_utf8(&self.s[start..end]) {
                        Ok(ch) => units.extend(ch.chars().map(|c| c as u32)),
                        Err(_) => units.push(0xFFFD),
                    }
                    self.pos = end;
                } else {
                    bytes.push(c);
                }
                continue;
            }
            let Some(e) = self.peek() else {
                return Err(self.err("unterminated string"));
            };
            self.pos += 1;
            let simple = match e {
                b'\\' => Some(b'\\'),
                b'\'' => Some(b'\''),
                b'"' => Some(b'"'),
                b'n' => Some(b'\n'),
                b'r' => Some(b'\r'),
                b't' => Some(b'\t'),
                b'a' => Some(0x07),
                b'b' => Some(0x08),
                b'f' => Some(0x0c),
                b'v' => Some(0x0b),
                b'\n' => None,
                _ => None,
            };
            if let Some(b) = simple {
                if unicode {
                    units.push(b as u32);
                } else {
                    bytes.push(b);
                }
                continue;
            }
            match e {
                b'\n' => {}
                b'x' => {
                    let v = self.hex(2)?;
                    if unicode {
                        units.push(v);
                    } else {
                        bytes.push(v as u8);
                    }
                }
                b'u' if unicode => units.push(self.hex(4)?),
                b'U' if unicode => units.push(self.hex(8)?),
                b'0'..=b'7' => {
                    let mut v = (e - b'0') as u32;
                    for _ in 0..2 {
                        match self.peek() {
                            Some(d @ b'0'..=b'7') => {
                                v = v * 8 + (d - b'0') as u32;
                                self.pos += 1;
                            }
                            _ => break,
                        }
                    }
                    if unicode {
                        units.push(v);
                    } else {
                        bytes.push(v as u8);
                    }
                }
                other => {
                    // Unknown escapes stay as written, as in Python.
                    if unicode {
                        units.push(b'\\' as u32);
                        units.push(other as u32);
                    } else {
                        bytes.push(b'\\');
                        bytes.push(other);
                    }
                }
            }
        }
        if unicode {
            Ok(PyValue::Str(from_code_units(&units)))
        } else {
            Ok(PyValue::Str(String::from_utf8_lossy(&bytes).into_owned()))
        }
    }
}

fn utf8_len(first: u8) -> usize {
    match first {
        0xC0..=0xDF => 2,
        0xE0..=0xEF => 3,
        0xF0..=0xF7 => 4,
        _ => 1,
    }
}

/// Code points (possibly UTF-16 surrogates from a narrow Python build) → a Rust string.
fn from_code_units(units: &[u32]) -> String {
    let mut out = String::with_capacity(units.len());
    let mut i = 0;
    while i < units.len() {
        let u = units[i];
        if (0xD800..=0xDBFF).contains(&u) {
            if let Some(&lo) = units.get(i + 1) {
                if (0xDC00..=0xDFFF).contains(&lo) {
                    let cp = 0x10000 + ((u - 0xD800) << 10) + (lo - 0xDC00);
                    out.push(char::from_u32(cp).unwrap_or('\u{fffd}'));
                    i += 2;
                    continue;
                }
            }
        }
        out.push(char::from_u32(u).unwrap_or('\u{fffd}'));
        i += 1;
    }
    out
}

/// A tuple or list such as `('message', u'Hello', False)` → an [`Event`].
pub fn event_from(v: &PyValue) -> Result<Event, String> {
    let items = match v {
        PyValue::Tuple(t) | PyValue::List(t) => t,
        _ => return Err("event is not a tuple".into()),
    };
    let kind = match items.first() {
        Some(PyValue::Str(s)) => match s.as_str() {
            "message" => EventKind::Message,
            "ping" => EventKind::Ping,
            "pong" => EventKind::Pong,
            "timeout" => EventKind::Timeout,
            other => return Err(format!("unknown event kind {other:?}")),
        },
        _ => return Err("event has no kind".into()),
    };
    let payload = match items.get(1) {
        None | Some(PyValue::None) => None,
        Some(PyValue::Str(s)) => Some(s.clone()),
        Some(PyValue::Int(i)) => Some(i.to_string()),
        Some(other) => return Err(format!("unexpected payload {other:?}")),
    };
    let binary = match (kind, items.get(2)) {
        (EventKind::Message, Some(PyValue::Bool(b))) => Some(*b),
        _ => None,
    };
    Ok(Event {
        kind,
        payload,
        binary,
    })
}

/// `[ev, ev, …]` → events.
pub fn events_from(v: &PyValue) -> Result<Vec<Event>, String> {
    match v {
        PyValue::List(items) | PyValue::Tuple(items) => items.iter().map(event_from).collect(),
        _ => Err("not a list of events".into()),
    }
}

/// `{'OK': [...], 'NON-STRICT': [...]}` → verdict → events.
pub fn expected_from(v: &PyValue) -> Result<BTreeMap<String, Vec<Event>>, String> {
    match v {
        PyValue::Dict(items) => items
            .iter()
            .map(|(k, v)| match k {
                PyValue::Str(k) => Ok((k.clone(), events_from(v)?)),
                _ => Err("verdict key is not a string".to_string()),
            })
            .collect(),
        _ => Err("not a dict".into()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_the_suite_expected_dict() {
        let v = parse("{'OK': [('message', u'Hello, world!', False)], 'NON-STRICT': []}").unwrap();
        let m = expected_from(&v).unwrap();
        assert_eq!(m["OK"].len(), 1);
        assert_eq!(m["OK"][0].kind, EventKind::Message);
        assert_eq!(m["OK"][0].payload.as_deref(), Some("Hello, world!"));
        assert_eq!(m["OK"][0].binary, Some(false));
        assert!(m["NON-STRICT"].is_empty());
    }

    #[test]
    fn string_escapes_follow_python() {
        let v = parse(r#"[u'\u03ba\xe9\n\t\\ \'q\' "d"', u"it's", u'\U000fffff', u'\udbbf\udfff', u'\ud800x', '\xce\xba', 'a\x00', u'\101']"#)
            .unwrap();
        let PyValue::List(items) = v else { panic!() };
        let s: Vec<&str> = items
            .iter()
            .map(|i| match i {
                PyValue::Str(s) => s.as_str(),
                _ => panic!(),
            })
            .collect();
        assert_eq!(s[0], "\u{3ba}\u{e9}\n\t\\ 'q' \"d\"");
        assert_eq!(s[1], "it's");
        assert_eq!(s[2], "\u{fffff}");
        assert_eq!(s[3], "\u{fffff}");
        assert_eq!(s[4], "\u{fffd}x");
        assert_eq!(s[5], "\u{3ba}");
        assert_eq!(s[6], "a\0");
        assert_eq!(s[7], "A");
    }

    #[test]
    fn scalars_tuples_and_errors() {
        assert_eq!(
            parse("(1, -2, 3L, 1.5, None, True, (u'a',))").unwrap(),
            PyValue::Tuple(vec![
                PyValue::Int(1),
                PyValue::Int(-2),
                PyValue::Int(3),
                PyValue::Float(1.5),
                PyValue::None,
                PyValue::Bool(true),
                PyValue::Tuple(vec![PyValue::Str("a".into())]),
            ])
        );
        assert!(parse("[('message', u'x', False)").is_err());
        assert!(parse("{'OK': [}").is_err());
        assert!(parse("[evil()]").is_err());
        assert!(parse("[1] 2").is_err());
        let deep = "[".repeat(10_000);
        assert!(parse(&deep).is_err());
    }

    #[test]
    fn a_cut_literal_keeps_the_complete_elements() {
        let v = parse_prefix("{'OK': [('ping', u'a'), ('ping', u'b'), ('pi").unwrap();
        let m = expected_from(&v).unwrap();
        assert_eq!(m["OK"].len(), 2);
        let v = parse_prefix("[('pong', u'x'), ('pong', u'y'").unwrap();
        assert_eq!(events_from(&v).unwrap().len(), 1);
    }
}
