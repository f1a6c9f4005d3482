//! `bounce-doctor check` end to end: the built binary against scripted SMTP peers on loopback.

#[path = "support/smtp_peer.rs"]
mod smtp_peer;

use serde_json::Value;
use smtp_peer::{Script, SmtpPeer};
use std::process::{Command, Output, Stdio};
use std::time::Duration;

const BIN: &str = env!("CARGO_BIN_EXE_bounce-doctor");

/// Run the binary off the async runtime so the peer keeps serving meanwhile.
async fn run(args: Vec<String>) -> Output {
    tokio::task::spawn_blocking(move || {
        Command::new(BIN)
            .args(&args)
            .env("NO_COLOR", "1")
            .stdin(Stdio::null())
            .output()
            .expect("run bounce-doctor")
    })
    .await
    .unwrap()
}

/// `check --smtp SMTP --only relay [--json]`.
fn relay_args(smtp: &str, json: bool) -> Vec<String> {
    let mut a: Vec<String> = ["check", "--smtp", smtp, "--only", "relay"]
        .iter()
        .map(|s| s.to_string())
        .collect();
    if json {
        a.push("--json".into());
    }
    a
}

/// Parse the JSON document and check its shape; returns the checks array.
fn checks(out: &Output) -> Vec<Value> {
    let stdout = String::from_utf8_lossy(&out.stdout);
    let doc: Value = serde_json::from_str(&stdout)
        .unwrap_or_else(|e| panic!("stdout is not JSON ({e}): {stdout}"));
    let checks = doc["checks"].as_array().expect("a checks array").clone();
    for c in &checks {
        for key in ["id", "status", "summary"] {
            assert!(c[key].is_string(), "{key} missing in {c}");
        }
        for key in ["details", "evidence", "fix", "commands"] {
            assert!(c[key].is_array(), "{key} missing in {c}");
        }
        let status = c["status"].as_str().unwrap();
        assert!(
            ["pass", "warn", "fail", "error", "skipped"].contains(&status),
            "{status}"
        );
        for e in c["evidence"].as_array().unwrap() {
            assert!(e["query"].is_string() && e["answer"].is_string(), "{e}");
        }
    }
    checks
}

/// Run `check --json` for the relay probe of `smtp`, insist on the exit
/// `code`, and return the checks array.
async fn relay_json(smtp: &str, code: i32) -> Vec<Value> {
    let out = run(relay_args(smtp, true)).await;
    assert_eq!(out.status.code(), Some(code), "{out:?}");
    checks(&out)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn open_relay_exits_1_with_a_fail_report() {
    let peer = SmtpPeer::start(Script::open_relay()).await;
    let checks = relay_json(&peer.target(), 1).await;
    assert_eq!(checks.len(), 1);
    let relay = &checks[0];
    assert_eq!(relay["id"], "relay");
    assert_eq!(relay["status"], "fail");
    assert!(relay["summary"].as_str().unwrap().starts_with("open relay"));
    let evidence = relay["evidence"].as_array().unwrap();
    assert!(evidence
        .iter()
        .any(|e| e["query"].as_str().unwrap().starts_with("RCPT TO:")
            && e["answer"].as_str().unwrap().starts_with("250")));
    assert!(relay["commands"][0]
        .as_str()
        .unwrap()
        .contains("--quit-after RCPT"));
    // Not one DATA/BDAT reached the server.
    assert!(peer
        .commands()
        .iter()
        .all(|c| !c.starts_with("DATA") && !c.starts_with("BDAT")));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn closed_relay_exits_0_with_a_pass_report() {
    let peer = SmtpPeer::start(Script::closed_relay()).await;
    let checks = relay_json(&peer.target(), 0).await;
    assert_eq!(checks[0]["status"], "pass");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_unreachable_server_is_an_error_not_a_failure() {
    let port = {
        let l = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
        l.local_addr().unwrap().port()
    };
    let checks = relay_json(&format!("127.0.0.1:{port}"), 0).await;
    assert_eq!(checks[0]["status"], "error");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn text_output_has_one_line_per_check_and_the_details() {
    let peer = SmtpPeer::start(Script::closed_relay()).await;
    let mut args = relay_args(&peer.target(), false);
    args.extend(["--only".into(), "relay,blocklist".into()]);
    let out = run(args).await;
    assert_eq!(out.status.code(), Some(0), "{out:?}");
    let stdout = String::from_utf8_lossy(&out.stdout);
    let lines: Vec<&str> = stdout.lines().collect();
    assert!(
        lines
            .iter()
            .any(|l| l.starts_with("PASS") && l.contains("relay")),
        "{stdout}"
    );
    // Missing input: skipped, naming the flag that would enable it.
    assert!(
        lines
            .iter()
            .any(|l| l.starts_with("SKIPPED") && l.contains("blocklist") && l.contains("--ip")),
        "{stdout}"
    );
    assert!(
        lines
            .iter()
            .any(|l| l.starts_with("    ") && l.contains("Relay access denied")),
        "{stdout}"
    );
    assert!(!stdout.contains('\x1b'), "NO_COLOR was ignored: {stdout:?}");
    // stderr is not a terminal here: no progress line.
    assert!(
        out.stderr.is_empty(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn usage_errors_exit_2_with_a_message() {
    for (args, needle) in [
        (
            vec!["check", "--ip", "not-an-ip"],
            "`not-an-ip` is not an IP address",
        ),
        (vec!["check", "--domain", "exa mple"], "--domain"),
        (vec!["check", "--smtp", "mx.example.com:0"], "--smtp"),
        (
            vec!["check", "--mx", "a.example", "--only", "nope"],
            "unknown check `nope`",
        ),
        (vec!["check"], "nothing to check"),
        (
            vec!["--resolver", "x", "check", "--domain", "example.com"],
            "--resolver",
        ),
    ] {
        let out = run(args.iter().map(|s| s.to_string()).collect()).await;
        assert_eq!(out.status.code(), Some(2), "{args:?}: {out:?}");
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert!(stderr.contains(needle), "{args:?}: {stderr}");
        assert!(!stderr.contains("panicked"), "{stderr}");
        assert!(out.stdout.is_empty());
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn ctrl_c_cancels_a_stuck_probe_and_still_prints() {
    let peer = SmtpPeer::start(Script::silent()).await;
    let mut child = Command::new(BIN)
        .args(relay_args(&peer.target(), true))
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .stdin(Stdio::null())
        .spawn()
        .unwrap();
    // Wait until the probe is connected and waiting for a greeting that never comes.
    while peer.connections() == 0 {
        tokio::time::sleep(Duration::from_millis(10)).await;
    }
    let kill = Command::new("kill")
        .args(["-INT", &child.id().to_string()])
        .status()
        .unwrap();
    assert!(kill.success());
    let out = tokio::time::timeout(
        Duration::from_secs(60),
        tokio::task::spawn_blocking(move || {
            let status = child.wait().unwrap();
            let mut stdout = String::new();
            std::io::Read::read_to_string(child.stdout.as_mut().unwrap(), &mut stdout).unwrap();
            (status, stdout)
        }),
    )
    .await
    .expect("Ctrl+C did not stop the check")
    .unwrap();
    assert_eq!(out.0.code(), Some(130), "{out:?}");
    let doc: Value = serde_json::from_str(&out.1).unwrap();
    assert_eq!(doc["checks"][0]["status"], "skipped", "{doc}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn markdown_report_matches_the_wizard_export() {
    let peer = SmtpPeer::start(Script::open_relay()).await;
    let mut args = relay_args(&peer.target(), false);
    args.push("--markdown".into());
    let out = run(args).await;
    assert_eq!(out.status.code(), Some(1));
    let md = String::from_utf8_lossy(&out.stdout);
    assert!(md.starts_with("# bounce-doctor remediation report"), "{md}");
    assert!(md.contains("**FAIL** Open relay"), "{md}");
    assert!(md.contains("--quit-after RCPT"), "{md}");
    // Steps that were not part of `--only relay` are listed as skipped, not passed.
    assert!(
        md.contains("Sending IP on blocklists (DNSBL) — skipped"),
        "{md}"
    );
    let both = run(vec!["check".into(), "--markdown".into(), "--json".into()]).await;
    assert_eq!(both.status.code(), Some(2));
}
