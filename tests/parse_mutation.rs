//! No input makes the parsers panic: real reports (per-case JSON, HTML, pasted text, index.json)
//! are mutated thousands of times with a fixed-seed PRNG (byte flips, truncations, splices,
//! deletions, duplications) and every result is parsed. Errors are fine; a panic fails the test
//! and names the seed and mutation that caused it.

use std::panic::{catch_unwind, AssertUnwindSafe};
use std::path::{Path, PathBuf};
use wstriage::parse::index::parse_index;
use wstriage::parse::parse_case_bytes;

/// xorshift64*: deterministic, so a failure reproduces from its iteration number.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_F491_4F6C_DD1D)
    }
    fn below(&mut self, n: usize) -> usize {
        if n == 0 {
            0
        } else {
            (self.next() % n as u64) as usize
        }
    }
}

fn inputs() -> Vec<(PathBuf, Vec<u8>)> {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("fixtures");
    let mut files: Vec<PathBuf> = [
        "undici-0.8.2/undici_case_5_19.json",
        "undici-0.8.2/undici_case_5_19.html",
        "undici-0.8.2/undici_case_6_4_1.json",
        "undici-0.8.2/undici_case_6_4_1.html",
        "tarantool-0.8.1/servers/autobahnserver_case_6_20_1.json",
        "tarantool-0.8.1/servers/autobahnserver_case_6_20_1.html",
        "tarantool-0.8.1/servers/autobahnserver_case_7_9_1.html",
        "tarantool-0.8.1/servers/autobahnserver_case_12_1_1.html",
        "tarantool-0.8.1/clients/tarantool_1_10_case_7_1_6.json",
        "tarantool-0.8.1/clients/tarantool_1_10_case_9_1_1.html",
    ]
    .iter()
    .map(|p| root.join(p))
    .collect();
    for e in std::fs::read_dir(root.join("seeds")).unwrap() {
        files.push(e.unwrap().path());
    }
    files
        .into_iter()
        .map(|p| {
            let b = std::fs::read(&p).unwrap();
            (p, b)
        })
        .collect()
}

/// One mutation of `data`, possibly using `other` as splice material. Returns a label.
fn mutate(rng: &mut Rng, data: &mut Vec<u8>, other: &[u8]) -> &'static str {
    match rng.below(7) {
        0 => {
            for _ in 0..1 + rng.below(8) {
                let i = rng.below(data.len());
                if let Some(b) = data.get_mut(i) {
                    *b ^= 1 << rng.below(8);
                }
            }
            "bit flips"
        }
        1 => {
            let n = rng.below(data.len() + 1);
            data.truncate(n);
            "truncation"
        }
        2 => {
            let at = rng.below(data.len() + 1);
            let from = rng.below(other.len());
            let len = rng.below(other.len() - from + 1).min(4096);
            let chunk = other[from..from + len].to_vec();
            data.splice(at..at, chunk);
            "splice from another report"
        }
        3 => {
            let a = rng.below(data.len() + 1);
            let b = (a + rng.below(2048)).min(data.len());
            data.drain(a..b);
            "deletion"
        }
        4 => {
            let a = rng.below(data.len() + 1);
            let b = (a + rng.below(512)).min(data.len());
            let chunk = data[a..b].to_vec();
            let at = rng.below(data.len() + 1);
            data.splice(
                at..at,
                chunk
                    .iter()
                    .cycle()
                    .take(chunk.len() * (1 + rng.below(4)))
                    .copied(),
            );
            "duplication"
        }
        5 => {
            // Tokens the parsers treat specially, dropped at random places.
            const TOKENS: [&[u8]; 15] = [
                "MASK=é3232313762".as_bytes(),
                "Total3é".as_bytes(),
                "OPCODE=99999999999".as_bytes(),
                b"\\ud800",
                b"\\u",
                b"\xed\xa0\x80",
                b"</span>",
                b"<pre>",
                b" ...",
                b"u'",
                b"\\x",
                b"((((((((",
                b"{'OK': [",
                b"| Total | 9 |",
                b"000 RX FRAME : OPCODE=",
            ];
            let at = rng.below(data.len() + 1);
            let t = TOKENS[rng.below(TOKENS.len())];
            data.splice(at..at, t.iter().copied());
            "token insertion"
        }
        _ => {
            let i = rng.below(data.len());
            if i < data.len() {
                data[i] = [0u8, 0xff, b'"', b'\'', b'<', b'>', b'\\', b'\n'][rng.below(8)];
            }
            "byte replacement"
        }
    }
}

#[test]
fn mutated_real_reports_never_panic() {
    let inputs = inputs();
    let index = std::fs::read(
        Path::new(env!("CARGO_MANIFEST_DIR")).join("fixtures/tarantool-0.8.1/servers/index.json"),
    )
    .unwrap();
    let mut rng = Rng(0x5eed_1234_abcd_0001);
    let iterations = 3000;
    let mut parsed_ok = 0;
    for iter in 0..iterations {
        let (path, original) = &inputs[iter % inputs.len()];
        let (_, other) = &inputs[rng.below(inputs.len())];
        let mut data = original.clone();
        let mut labels = Vec::new();
        for _ in 0..1 + rng.below(3) {
            labels.push(mutate(&mut rng, &mut data, other));
        }
        let outcome = catch_unwind(AssertUnwindSafe(|| parse_case_bytes(&data, path).is_ok()));
        match outcome {
            Ok(ok) => parsed_ok += ok as usize,
            Err(_) => panic!(
                "iteration {iter}: parsing {} after {labels:?} panicked",
                path.display()
            ),
        }
        if iter % 10 == 0 {
            let mut idx = index.clone();
            let label = mutate(&mut rng, &mut idx, &index);
            let text = String::from_utf8_lossy(&idx);
            catch_unwind(AssertUnwindSafe(|| {
                parse_index(&text, Path::new("index.json"))
            }))
            .unwrap_or_else(|_| panic!("iteration {iter}: index.json after {label} panicked"));
        }
    }
    // The mutations are not all fatal: some still parse, so the parsers really ran.
    assert!(
        parsed_ok > 100,
        "only {parsed_ok} of {iterations} mutated inputs parsed"
    );
    assert!(parsed_ok < iterations, "no mutation was ever rejected");
}
