//! End to end: the real binary on real report folders and files.

mod explain_common;

use explain_common::fixture;
use std::process::Command;

fn run(args: &[&str]) -> (i32, String, String) {
    let out = Command::new(env!("CARGO_BIN_EXE_wstriage"))
        .arg("explain")
        .args(args)
        .current_dir(env!("CARGO_MANIFEST_DIR"))
        .output()
        .expect("run wstriage");
    (
        out.status.code().unwrap_or(-1),
        String::from_utf8_lossy(&out.stdout).into_owned(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

#[test]
fn all_groups_tornado_close_code_failures_into_one_bug() {
    let (code, out, _) = run(&["fixtures/explain/tornado-7.9", "--all"]);
    assert_eq!(code, 0);
    assert!(out.contains("11 of 22 cases did not pass"), "{out}");
    assert!(out.contains("these 11 failures are one bug — Invalid close codes"));
    assert!(out.contains("tornado-4.5.1: 7.9.1-11"));
    assert!(
        !out.contains("websockets-3.3:"),
        "passing agent listed: {out}"
    );
}

#[test]
fn json_output_carries_the_same_facts() {
    let (code, out, err) = run(&[
        "fixtures/explain/tornado-7.9",
        "7.9.1",
        "--agent",
        "tornado-4.5.1",
        "--format",
        "json",
    ]);
    assert_eq!(code, 0, "{err}");
    let v: serde_json::Value = serde_json::from_str(&out).unwrap();
    assert_eq!(v["case_id"], "7.9.1");
    assert_eq!(v["verdict"]["behavior_close"], "WRONG CODE");
    assert_eq!(v["rule"]["rfc"], "RFC 6455 §7.4.1, §7.4.2");
    assert_eq!(v["closing"]["testee_code"], 0);
    assert_eq!(v["closing"]["expected_codes"], serde_json::json!([1002]));
    assert_eq!(v["cause"]["key"], "close-code-not-validated");
    assert_eq!(v["peer"]["agent"], "websockets-3.3");
    assert!(v["wire"]["lines"].as_array().unwrap().len() > 3);
}

#[test]
fn several_agents_without_agent_explains_the_failing_one() {
    let (code, out, _) = run(&["fixtures/explain/tornado-7.9", "7.9.4"]);
    assert_eq!(code, 0);
    assert!(out.contains("Case 7.9.4 — tornado-4.5.1"));
    assert!(!out.contains("Case 7.9.4 — websockets-3.3"));
    assert!(out.contains("websockets-3.3 passed"));
}

#[test]
fn compare_folder_supplies_the_passing_peer_for_a_single_file() {
    let file = fixture("explain/aiohttp/aiohttp_2_1_0_case_5_5.json");
    let (code, out, _) = run(&[file.to_str().unwrap(), "--no-wire"]);
    assert_eq!(code, 0);
    assert!(out.contains("No agent in the same folder"));
    let (code, out, _) = run(&[
        file.to_str().unwrap(),
        "--compare",
        "fixtures/explain/aiohttp",
        "--no-wire",
    ]);
    assert_eq!(code, 0);
    assert!(
        out.contains("websockets-3.3 passed: it sent message \"fragment1fragment2\""),
        "{out}"
    );
}

#[test]
fn tarantool_client_run_all_by_cause() {
    let (code, out, _) = run(&[
        "fixtures/tarantool-0.8.1/clients",
        "--all",
        "--format",
        "json",
    ]);
    assert_eq!(code, 0);
    let v: serde_json::Value = serde_json::from_str(&out).unwrap();
    let groups = v["groups"].as_array().unwrap();
    let find = |k: &str| {
        groups
            .iter()
            .find(|g| g["key"] == k)
            .map(|g| g["cases"].as_array().unwrap().len())
    };
    assert_eq!(find("pmce-not-negotiated"), Some(216));
    assert_eq!(find("large-message-failed"), Some(23));
    assert_eq!(find("utf8-not-fail-fast"), Some(2));
    assert_eq!(
        find("valid-utf8-rejected"),
        Some(2),
        "6.2.4 and 6.4.2: split code point rejected"
    );
}

#[test]
fn usage_errors_exit_2() {
    let (code, _, err) = run(&["fixtures/explain/tornado-7.9"]);
    assert_eq!(code, 2);
    assert!(err.contains("name a CASE"));
    let (code, _, err) = run(&["fixtures/explain/tornado-7.9", "3.2"]);
    assert_eq!(code, 2);
    assert!(err.contains("no record of case 3.2"));
    let (code, _, _) = run(&["fixtures/explain/tornado-7.9", "x.y"]);
    assert_eq!(code, 2);
    let (code, _, _) = run(&["fixtures/does-not-exist", "1.1.1"]);
    assert_eq!(code, 2);
}

#[test]
fn server_that_leaves_tcp_open_after_failing_is_one_bug() {
    // tarantool 0.8.1 server: 7.3.2, 7.3.6, 7.5.1 and 7.9.1-9 answered with the right code
    // (1002/1007) but the client-side fuzzer had to drop TCP: FAILED BY CLIENT.
    let (code, out, _) = run(&["fixtures/tarantool-0.8.1/servers", "--all"]);
    assert_eq!(code, 0);
    assert!(
        out.contains("these 12 failures are one bug — After the closing handshake the server does not close the TCP connection"),
        "{out}"
    );
    assert!(
        out.contains("AutobahnServer: 7.3.2 7.3.6 7.5.1 7.9.1-9"),
        "{out}"
    );
    assert!(
        !out.contains("accepted and echoed"),
        "right codes were sent: {out}"
    );
}

fn seed_json(file: &str) -> serde_json::Value {
    let (code, out, err) = run(&[&format!("fixtures/seeds/{file}"), "--format", "json"]);
    assert_eq!(code, 0, "{err}");
    serde_json::from_str(&out).unwrap()
}

/// The five pasted seed pages, read by the real text parser, explained by the real binary.
#[test]
fn seeds_from_pasted_text() {
    let v = seed_json("000_8744436108273a4e.txt");
    assert_eq!(v["case_id"], "3.2");
    assert_eq!(v["passed"], false);
    assert_eq!(v["rule"]["topic"], "Reserved bits (RSV)");
    assert_eq!(v["divergence"]["first"], 2);
    assert_eq!(
        v["divergence"]["offending_frame"],
        "004: text frame with RSV=2"
    );
    assert_eq!(v["closing"]["closed_first"], "fuzzer");
    assert_eq!(v["closing"]["expected_first"], "testee");
    assert_eq!(v["closing"]["fuzzer_code"], 1001);
    assert_eq!(v["closing"]["expected_codes"], serde_json::json!([1002]));
    assert!(v["closing"]["text"]
        .as_str()
        .unwrap()
        .contains("after 1 s the fuzzer's timer failed it with close 1001"));
    assert_eq!(v["cause"]["key"], "rsv-not-checked");

    let v = seed_json("001_33ddd392ade73b91.txt");
    assert_eq!(v["case_id"], "5.17");
    assert_eq!(v["cause"]["key"], "orphan-continuation-accepted");
    assert_eq!(v["divergence"]["first"], 1);
    assert_eq!(v["closing"]["closed_first"], "fuzzer");

    for (file, id, testee_code) in [
        ("002_9ea1acbb81ea7641.txt", "3.2", Some(1002u16)),
        ("003_b64e756b1361e21f.txt", "4.2.5", None),
        ("004_66760c4df335a9e2.txt", "3.4", Some(1002)),
    ] {
        let v = seed_json(file);
        assert_eq!(v["case_id"], id);
        assert_eq!(v["passed"], true, "{file}");
        assert_eq!(v["cause"]["key"], "pass");
        assert_eq!(v["closing"]["closed_first"], "testee", "{file}");
        assert_eq!(
            v["closing"]["testee_code"].as_u64(),
            testee_code.map(u64::from),
            "{file}"
        );
        assert!(v["divergence"]["first"].is_null());
    }

    let (_, text, _) = run(&["fixtures/seeds/000_8744436108273a4e.txt"]);
    assert!(
        text.contains("pong frame, FIN, 0 octets, masked with 00000000: empty"),
        "{text}"
    );
    assert!(text.contains("RSV bits are not checked when no extension is negotiated"));
}

#[test]
fn pasted_text_on_stdin() {
    use std::io::Write;
    let page = std::fs::read(fixture("seeds/001_33ddd392ade73b91.txt")).unwrap();
    let mut child = Command::new(env!("CARGO_BIN_EXE_wstriage"))
        .args(["explain", "-", "--no-wire"])
        .stdin(std::process::Stdio::piped())
        .stdout(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    child.stdin.take().unwrap().write_all(&page).unwrap();
    let out = child.wait_with_output().unwrap();
    assert_eq!(out.status.code(), Some(0));
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(text.contains("Case 5.17 — stratus@2 — FAILED / FAILED"));
    assert!(text.contains("A continuation frame with no message in progress is accepted"));
    assert!(text.contains("(left out)"));
}
