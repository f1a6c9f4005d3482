//! `bounce-doctor diagnose` end to end: JSONL fields, stdin, directories,
//! not-bounce objects, and exit code 2 for unreadable paths.

use std::io::Write;
use std::process::{Command, Stdio};

fn bin() -> Command {
    let mut c = Command::new(env!("CARGO_BIN_EXE_bounce-doctor"));
    c.env("NO_COLOR", "1");
    c
}

fn fixtures() -> std::path::PathBuf {
    std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/diagnose")
}

fn json_lines(out: &[u8]) -> Vec<serde_json::Value> {
    String::from_utf8_lossy(out)
        .lines()
        .map(|l| serde_json::from_str(l).expect("each line is JSON"))
        .collect()
}

#[test]
fn json_has_the_documented_fields() {
    let out = bin()
        .args(["diagnose", "--json"])
        .arg(fixtures().join("two-bounces.mbox"))
        .output()
        .unwrap();
    assert!(out.status.success());
    let v = json_lines(&out.stdout);
    assert_eq!(v.len(), 2);
    for key in [
        "source",
        "index",
        "recipient",
        "action",
        "status",
        "reply_code",
        "reason",
        "severity",
        "acts",
        "kb",
        "remote_mta",
        "diagnostic",
        "evidence",
    ] {
        assert!(v[0].get(key).is_some(), "missing {key}");
    }
    assert_eq!(v[0]["index"], 1);
    assert_eq!(v[1]["index"], 2);
    assert_eq!(v[1]["reason"], "hostunknown");
    assert_eq!(v[1]["severity"], "hard");
    assert!(v[1]["evidence"][0]["line"].as_u64().unwrap() > 10);
}

#[test]
fn stdin_is_read_with_dash_source() {
    let mut child = bin()
        .args(["diagnose", "--json", "-"])
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .spawn()
        .unwrap();
    child
        .stdin
        .take()
        .unwrap()
        .write_all(b"550 5.1.1 <a@b.example>: Recipient address rejected: User unknown\n")
        .unwrap();
    let out = child.wait_with_output().unwrap();
    let v = json_lines(&out.stdout);
    assert_eq!(v[0]["source"], "-");
    assert_eq!(v[0]["reason"], "userunknown");
    assert_eq!(v[0]["reply_code"], 550);
}

#[test]
fn not_a_bounce_prints_one_object() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(
        dir.path().join("a.eml"),
        "From: x@example.org\nSubject: hi\n\nhello\n",
    )
    .unwrap();
    let out = bin()
        .args(["diagnose", "--json"])
        .arg(dir.path())
        .output()
        .unwrap();
    let v = json_lines(&out.stdout);
    assert_eq!(v.len(), 1);
    assert_eq!(v[0]["reason"], "not-bounce");
    assert_eq!(v[0]["index"], 1);
}

#[test]
fn unreadable_path_exits_2_and_continues() {
    let out = bin()
        .args(["diagnose", "--json", "/nonexistent/bounce.eml"])
        .arg(fixtures().join("bare-line.txt"))
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("/nonexistent/bounce.eml"));
    assert_eq!(json_lines(&out.stdout).len(), 1);
}

#[test]
fn human_output_has_no_colour_under_no_color() {
    let out = bin()
        .arg("diagnose")
        .arg(fixtures().join("escape-sequences.eml"))
        .output()
        .unwrap();
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(text.contains("userunknown"), "{text}");
    assert!(!text.contains('\u{1b}'), "{text:?}");
}
