//! Wire decoding on real wire logs: the frames decoded from the logged octets (`TO`/`RO`) must
//! equal the frames the suite itself logged beside them (`TF`/`RF`), including octet-wise
//! chopped writes (chop size 1, one octet per entry) and masked client frames in both
//! directions (server runs: the fuzzer masks; client runs: the testee masks).

mod explain_common;

use explain_common::{case_files, fixture, load_case};
use wstriage::explain::wire::{check_against_logged, decode_octets, timeline};
use wstriage::model::WireEntry;

/// Real logs: server runs (the fuzzer masks; 2.6, 2.11, 3.4, 4.1.5, 4.2.5, 5.5, 5.8, 5.11, 5.14
/// use chop size 1), client runs (the testee masks), and the 0.7.6 tornado/aiohttp/websockets
/// cases.
fn files() -> Vec<std::path::PathBuf> {
    let chopped = [
        "2_6", "2_11", "3_4", "4_1_5", "4_2_5", "5_5", "5_8", "5_11", "5_14", "1_1_8", "5_19",
        "7_5_1",
    ];
    let mut v = case_files("tarantool-0.8.1/servers", &chopped);
    v.extend(case_files(
        "tarantool-0.8.1/clients",
        &[
            "2_6", "5_8", "5_17", "1_2_3", "7_3_6", "3_4", "2_11", "5_19", "7_1_1",
        ],
    ));
    v.extend(case_files("explain/tornado-7.9", &[]));
    v.extend(case_files("explain/aiohttp", &[]));
    v
}

#[test]
fn decoded_frames_equal_the_suites_logged_frames() {
    let mut total_complete = 0;
    let mut total_matched = 0;
    let mut chopped = 0;
    let mut masked_tx = 0;
    let mut masked_rx = 0;
    let all = files();
    assert!(all.len() > 40);
    {
        for path in all {
            let r = load_case(&path);
            let log = r.wirelog.as_deref().unwrap();
            let check = check_against_logged(log);
            assert!(
                check.mismatches.is_empty(),
                "{}: {:?}",
                path.display(),
                check.mismatches
            );
            assert!(check.complete > 0, "{}: nothing decoded", path.display());
            assert_eq!(check.unlogged, 0, "{}", path.display());
            total_complete += check.complete;
            total_matched += check.matched;
            let d = decode_octets(log);
            chopped += d
                .frames
                .iter()
                .filter(|f| f.complete && f.entries > 1)
                .count();
            masked_tx += d
                .frames
                .iter()
                .filter(|f| {
                    f.complete && f.mask.is_some() && f.dir == wstriage::explain::wire::Dir::Tx
                })
                .count();
            masked_rx += d
                .frames
                .iter()
                .filter(|f| {
                    f.complete && f.mask.is_some() && f.dir == wstriage::explain::wire::Dir::Rx
                })
                .count();
        }
    }
    eprintln!("complete decoded frames: {total_complete}, matched logged frames: {total_matched}, spread over several entries: {chopped}, masked TX: {masked_tx}, masked RX: {masked_rx}");
    assert_eq!(total_complete, total_matched);
    assert!(
        chopped >= 10,
        "chop-size-1 fixtures must exercise reassembly"
    );
    assert!(
        masked_tx > 10 && masked_rx >= 8,
        "both masking directions must be exercised"
    );
}

#[test]
fn chop_size_one_ping_is_reassembled_from_one_octet_entries() {
    // 2.6: a ping with 125 octets written one octet per entry, by the fuzzer as client (masked).
    let r = load_case(&fixture(
        "tarantool-0.8.1/servers/autobahnserver_case_2_6.json",
    ));
    let log = r.wirelog.as_deref().unwrap();
    let one_octet_writes = log
        .iter()
        .filter(|e| matches!(e, WireEntry::TxOctets { octets, .. } if octets.len == 1))
        .count();
    assert!(one_octet_writes > 100);
    let d = decode_octets(log);
    let ping = d
        .frames
        .iter()
        .find(|f| f.opcode == 9)
        .expect("ping decoded");
    assert!(ping.complete && ping.mask.is_some());
    assert_eq!(ping.len, 125);
    assert_eq!(ping.payload.len(), 125);
    assert_eq!(
        ping.entries,
        2 + 4 + 125,
        "header, mask key and payload, one octet each"
    );
    let view = timeline(log);
    assert!(view
        .lines
        .iter()
        .any(|l| l.text.contains("chop size 1") && l.text.contains("ping frame")));
}

#[test]
fn log_cut_octets_are_said_to_be_cut() {
    // 1.1.8: a 65536-octet text message in chops of 997; the log shows 64 octets of each.
    let r = load_case(&fixture(
        "tarantool-0.8.1/servers/autobahnserver_case_1_1_8.json",
    ));
    let d = decode_octets(r.wirelog.as_deref().unwrap());
    let text = d
        .frames
        .iter()
        .find(|f| f.opcode == 1)
        .expect("text frame header decoded");
    assert_eq!(text.len, 65536);
    assert!(text.cut_by_log && !text.complete);
    let view = timeline(r.wirelog.as_deref().unwrap());
    assert!(view
        .lines
        .iter()
        .any(|l| l.text.contains("log shows only the first 64")));
}
