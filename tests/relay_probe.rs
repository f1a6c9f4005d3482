//! The open-relay probe against scripted SMTP peers on loopback.

#[path = "support/smtp_peer.rs"]
mod smtp_peer;

use bounce_doctor::checks::relay::{self, PROBE_DOMAIN};
use bounce_doctor::checks::{CheckReport, Settings, Status, Target};
use smtp_peer::{Script, SmtpPeer};
use std::time::Duration;
use tokio_util::sync::CancellationToken;

/// Guard against a hung probe: far longer than any scenario needs.
const HANG_GUARD: Duration = Duration::from_secs(60);

fn settings(step: Duration) -> Settings {
    Settings {
        smtp_timeout: step,
        ..Settings::default()
    }
}

fn target(peer: &SmtpPeer) -> Target {
    Target {
        smtp: Some(peer.target()),
        ..Target::default()
    }
}

/// Run the probe against a fresh peer playing `script`; returns the report and
/// the commands the peer received.
async fn probe_with(script: Script, step: Duration) -> (CheckReport, Vec<String>) {
    let peer = SmtpPeer::start(script).await;
    let report = tokio::time::timeout(
        HANG_GUARD,
        relay::run(&target(&peer), &settings(step), CancellationToken::new()),
    )
    .await
    .expect("probe hung");
    // The peer records a command before replying, so everything is in by now.
    (report, peer.commands())
}

async fn probe(script: Script) -> (CheckReport, Vec<String>) {
    probe_with(script, Duration::from_secs(10)).await
}

fn text(r: &CheckReport) -> String {
    format!("{}\n{}", r.summary, r.details.join("\n"))
}

/// The report has this status and its summary names every phrase.
fn assert_outcome(r: &CheckReport, status: Status, phrases: &[&str]) {
    assert_eq!(r.status, status, "{}", text(r));
    for p in phrases {
        assert!(r.summary.contains(p), "no {p:?} in: {}", r.summary);
    }
}

fn assert_no_message_transfer(cmds: &[String]) {
    for c in cmds {
        let verb = c
            .split_whitespace()
            .next()
            .unwrap_or("")
            .to_ascii_uppercase();
        assert!(
            verb != "DATA" && verb != "BDAT",
            "the probe sent {c:?}; full dialogue: {cmds:#?}"
        );
    }
}

#[tokio::test]
async fn open_relay_fails_and_names_the_accepted_form() {
    let (r, cmds) = probe(Script::open_relay()).await;
    assert_eq!(r.status, Status::Fail, "{}", text(&r));
    assert!(r.summary.starts_with("open relay"), "{}", r.summary);
    assert!(
        r.summary
            .contains(&format!("RCPT TO:<relay-test@{PROBE_DOMAIN}>")),
        "{}",
        r.summary
    );
    assert!(r.details.iter().any(|d| d.starts_with("ACCEPTED:")));
    assert!(r.commands[0].starts_with("swaks --server 127.0.0.1 --port "));
    assert!(r.commands[0].ends_with("--quit-after RCPT"));
    assert!(!r.fix.is_empty());
    assert_eq!(cmds.last().map(String::as_str), Some("QUIT"));
    assert_no_message_transfer(&cmds);
}

#[tokio::test]
async fn only_the_percent_hack_is_open() {
    let needle = "%relay-test.bounce-doctor.invalid@[127.0.0.1]>";
    let (r, cmds) = probe(Script::open_for(needle)).await;
    assert_outcome(&r, Status::Fail, &["1 of ", "percent hack via IP literal"]);
    assert!(
        r.summary
            .contains("RCPT TO:<relay-test%relay-test.bounce-doctor.invalid@[127.0.0.1]>"),
        "{}",
        r.summary
    );
    let accepted: Vec<_> = r
        .details
        .iter()
        .filter(|d| d.starts_with("ACCEPTED"))
        .collect();
    assert_eq!(accepted.len(), 1, "{accepted:?}");
    assert!(
        r.commands[0].contains("--to 'relay-test%relay-test.bounce-doctor.invalid@[127.0.0.1]'")
            || r.commands[0].contains("--to relay-test%relay-test.bounce-doctor.invalid@"),
        "{}",
        r.commands[0]
    );
    assert_no_message_transfer(&cmds);
}

#[tokio::test]
async fn only_the_bang_path_is_open() {
    let (r, _) = probe(Script::open_for("!relay-test>")).await;
    assert_outcome(&r, Status::Fail, &["UUCP bang path"]);
}

#[tokio::test]
async fn closed_relay_passes_after_the_whole_battery() {
    let (r, cmds) = probe(Script::closed_relay()).await;
    assert_eq!(r.status, Status::Pass, "{}", text(&r));
    let rcpts = cmds.iter().filter(|c| c.starts_with("RCPT TO:")).count();
    assert!(rcpts >= 8, "only {rcpts} forms tried: {cmds:#?}");
    assert!(
        r.summary
            .contains(&format!("refused all {rcpts} relay forms")),
        "{}",
        r.summary
    );
    // Every test starts from a clean transaction: RSET right before each MAIL.
    for (i, c) in cmds.iter().enumerate() {
        if c.starts_with("MAIL FROM:") {
            assert_eq!(cmds[i - 1], "RSET", "no RSET before {c}");
        }
    }
    // The banner name is used for the spoofed-sender and host-name forms.
    assert!(cmds.contains(&"MAIL FROM:<relay-probe@peer.example.test>".to_string()));
    assert!(cmds.iter().any(|c| c.contains("<@peer.example.test:")));
    // Every recipient stays in the reserved probe domain.
    assert!(cmds
        .iter()
        .filter(|c| c.starts_with("RCPT"))
        .all(|c| c.contains(PROBE_DOMAIN)));
    assert_eq!(cmds[0], format!("EHLO {}", relay::PROBE_HELO));
    assert_eq!(cmds.last().map(String::as_str), Some("QUIT"));
    assert_no_message_transfer(&cmds);
}

#[tokio::test]
async fn the_transcript_holds_every_command_and_reply() {
    let (r, cmds) = probe(Script::closed_relay()).await;
    let queries: Vec<&str> = r.evidence.iter().map(|e| e.query.as_str()).collect();
    assert!(queries[0].starts_with("(connect to 127.0.0.1:"));
    // Multi-line greeting kept whole.
    assert_eq!(
        r.evidence[0].answer,
        "220-peer.example.test ESMTP ready\n220-no UCE\n220 go ahead"
    );
    assert_eq!(
        &queries[1..],
        cmds.iter().map(String::as_str).collect::<Vec<_>>()
    );
    // Multi-line EHLO reply kept whole.
    assert!(r.evidence[1].answer.contains("250-STARTTLS\n"));
    assert!(r
        .evidence
        .iter()
        .any(|e| e.answer.contains("Relay access denied")));
}

#[tokio::test]
async fn starttls_availability_is_reported_honestly() {
    // Offered but answered 454: said so, and the battery ran in plain text.
    let (r, _) = probe(Script::closed_relay()).await;
    assert!(
        r.details
            .iter()
            .any(|d| d.contains("STARTTLS was offered but refused")
                && d.contains("454")
                && d.contains("plain text")),
        "{}",
        text(&r)
    );
    // Offered and negotiated: said so, never claimed as plain text.
    let (r, _) = probe(Script::closed_relay().tls()).await;
    assert!(
        r.details.iter().any(|d| d.contains("negotiated")
            && d.contains("over TLS")
            && d.contains("certificate was not validated")),
        "{}",
        text(&r)
    );
    assert!(
        !r.details.iter().any(|d| d.contains("plain text")),
        "{}",
        text(&r)
    );
    // HELO-only servers advertise nothing.
    let (r, _) = probe(Script::helo_only()).await;
    assert!(!r.details.iter().any(|d| d.contains("STARTTLS was offered")));
}

/// Probe a peer and also return, per command, whether it came over TLS.
async fn probe_tls(script: Script) -> (CheckReport, Vec<(String, bool)>, usize) {
    let peer = SmtpPeer::start(script).await;
    let report = tokio::time::timeout(
        HANG_GUARD,
        relay::run(
            &target(&peer),
            &settings(Duration::from_secs(10)),
            CancellationToken::new(),
        ),
    )
    .await
    .expect("probe hung");
    (report, peer.commands_with_tls(), peer.connections())
}

#[tokio::test]
async fn starttls_is_negotiated_and_the_battery_runs_over_tls() {
    let (r, cmds, conns) = probe_tls(Script::open_relay().tls()).await;
    assert_outcome(&r, Status::Fail, &["open relay"]);
    assert_eq!(conns, 1);
    let lines: Vec<String> = cmds.iter().map(|(c, _)| c.clone()).collect();
    assert_no_message_transfer(&lines);
    // EHLO in plain text, STARTTLS in plain text, then EHLO again inside TLS.
    assert!(lines[0].starts_with("EHLO ") && !cmds[0].1, "{cmds:?}");
    assert!(lines[1] == "STARTTLS" && !cmds[1].1, "{cmds:?}");
    assert!(lines[2].starts_with("EHLO ") && cmds[2].1, "{cmds:?}");
    // Every relay attempt came after the upgrade.
    let rcpts: Vec<&(String, bool)> = cmds.iter().filter(|(c, _)| c.starts_with("RCPT")).collect();
    assert!(rcpts.len() > 5, "{cmds:?}");
    assert!(rcpts.iter().all(|(_, tls)| *tls), "{cmds:?}");
    assert!(cmds.iter().skip(2).all(|(_, tls)| *tls), "{cmds:?}");
    // The transcript shows the upgrade and names the protocol.
    let i = r
        .evidence
        .iter()
        .position(|e| e.query == "STARTTLS")
        .expect("STARTTLS in evidence");
    assert!(
        r.evidence[i].answer.starts_with("220"),
        "{:?}",
        r.evidence[i]
    );
    assert_eq!(r.evidence[i + 1].query, "TLS handshake");
    assert!(
        r.evidence[i + 1].answer.starts_with("TLSv1.3")
            && r.evidence[i + 1].answer.contains("not validated"),
        "{:?}",
        r.evidence[i + 1]
    );
    assert!(r.evidence[i + 2].query.starts_with("EHLO "));
}

#[tokio::test]
async fn a_closed_relay_over_tls_still_passes() {
    let (r, cmds, _) = probe_tls(Script::closed_relay().tls()).await;
    assert_outcome(&r, Status::Pass, &["not an open relay"]);
    assert!(cmds
        .iter()
        .filter(|(c, _)| c.starts_with("RCPT"))
        .all(|(_, t)| *t));
}

#[tokio::test]
async fn refused_starttls_falls_back_to_plain_text() {
    let (r, cmds, conns) = probe_tls(Script::open_relay()).await;
    assert_outcome(&r, Status::Fail, &["open relay"]);
    // A 454 leaves the session usable: no reconnect, nothing over TLS.
    assert_eq!(conns, 1);
    assert!(cmds.iter().all(|(_, tls)| !tls));
    assert_eq!(cmds.iter().filter(|(c, _)| c == "STARTTLS").count(), 1);
    assert!(cmds.iter().any(|(c, _)| c.starts_with("RCPT")));
    assert!(
        r.details
            .iter()
            .any(|d| d.contains("refused") && d.contains("454")),
        "{}",
        text(&r)
    );
    let lines: Vec<String> = cmds.into_iter().map(|(c, _)| c).collect();
    assert_no_message_transfer(&lines);
}

#[tokio::test]
async fn a_failed_handshake_reconnects_in_plain_text() {
    let (r, cmds, conns) = probe_tls(Script::open_relay().broken_tls()).await;
    // The verdict still comes, from a second, plain-text session.
    assert_outcome(&r, Status::Fail, &["open relay"]);
    assert_eq!(conns, 2);
    assert_eq!(cmds.iter().filter(|(c, _)| c == "STARTTLS").count(), 1);
    assert!(cmds.iter().any(|(c, _)| c.starts_with("RCPT")));
    assert!(
        r.details
            .iter()
            .any(|d| d.contains("could not be negotiated") && d.contains("reconnected")),
        "{}",
        text(&r)
    );
    assert!(r
        .evidence
        .iter()
        .any(|e| e.query == "TLS handshake" && e.answer.starts_with("failed")));
    let lines: Vec<String> = cmds.into_iter().map(|(c, _)| c).collect();
    assert_no_message_transfer(&lines);
}

#[tokio::test]
async fn every_report_warns_about_the_vantage_point() {
    for script in [Script::open_relay(), Script::closed_relay()] {
        let (r, _) = probe(script).await;
        assert!(
            r.details.iter().any(|d| d.contains("mynetworks")),
            "{}",
            text(&r)
        );
    }
}

#[tokio::test]
async fn helo_fallback_when_ehlo_is_refused() {
    let (r, cmds) = probe(Script::helo_only()).await;
    assert_eq!(r.status, Status::Pass, "{}", text(&r));
    assert!(cmds[0].starts_with("EHLO "));
    assert!(cmds[1].starts_with("HELO "));
    assert!(r.details.iter().any(|d| d.contains("fell back to HELO")));
}

#[tokio::test]
async fn auth_required_is_closed_and_stops_early() {
    let (r, cmds) = probe(Script::auth_required()).await;
    assert_outcome(&r, Status::Pass, &["requires authentication", "530"]);
    assert_eq!(cmds.iter().filter(|c| c.starts_with("MAIL")).count(), 1);
    assert!(!cmds.iter().any(|c| c.starts_with("AUTH")));
    assert_no_message_transfer(&cmds);
}

#[tokio::test]
async fn tls_required_is_not_a_verdict() {
    let (r, cmds) = probe(Script::tls_required()).await;
    assert_outcome(&r, Status::Error, &["STARTTLS"]);
    assert_no_message_transfer(&cmds);
}

#[tokio::test]
async fn greylisting_is_inconclusive() {
    let (r, cmds) = probe(Script::greylisting()).await;
    assert_eq!(r.status, Status::Error, "{}", text(&r));
    assert!(r.summary.starts_with("inconclusive"), "{}", r.summary);
    assert!(r.summary.contains("greylisting"), "{}", r.summary);
    assert_no_message_transfer(&cmds);
}

#[tokio::test]
async fn a_tarpit_is_reported_as_slow_not_closed() {
    let (r, cmds) = probe_with(Script::tarpit(), Duration::from_millis(300)).await;
    assert_outcome(&r, Status::Error, &["slow / tarpit", "MAIL FROM:"]);
    assert!(r
        .evidence
        .iter()
        .any(|e| e.answer.contains("slow server or tarpit")));
    assert_no_message_transfer(&cmds);
}

#[tokio::test]
async fn a_silent_server_is_reported_as_slow_not_closed() {
    let (r, cmds) = probe_with(Script::silent(), Duration::from_millis(300)).await;
    assert_outcome(&r, Status::Error, &["slow / tarpit"]);
    assert!(cmds.is_empty(), "{cmds:?}");
}

#[tokio::test]
async fn a_dropped_connection_is_an_error() {
    let (r, cmds) = probe(Script::drop_after(3)).await;
    assert_outcome(&r, Status::Error, &["closed the connection after"]);
    assert_no_message_transfer(&cmds);
}

#[tokio::test]
async fn garbage_is_not_smtp() {
    let (r, _) = probe(Script::garbage_greeting()).await;
    assert_outcome(
        &r,
        Status::Error,
        &["does not answer like an SMTP server", "HTTP/1.1"],
    );

    let (r, cmds) = probe(Script::garbage_after_ehlo()).await;
    assert_outcome(&r, Status::Error, &["not an SMTP reply"]);
    assert_no_message_transfer(&cmds);
}

#[tokio::test]
async fn a_refused_session_is_not_a_verdict() {
    let (r, cmds) = probe(Script::refuses_session()).await;
    assert_outcome(&r, Status::Error, &["refused the session"]);
    assert!(!cmds.iter().any(|c| c.starts_with("RCPT")));
}

#[tokio::test]
async fn unreachable_port_is_an_error_not_closed() {
    // Bind, learn the port, close it: nothing listens there any more.
    let port = {
        let l = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
        l.local_addr().unwrap().port()
    };
    let t = Target {
        smtp: Some(format!("127.0.0.1:{port}")),
        ..Target::default()
    };
    let r = relay::run(
        &t,
        &settings(Duration::from_secs(5)),
        CancellationToken::new(),
    )
    .await;
    assert_outcome(&r, Status::Error, &["cannot be reached from here"]);
    assert!(!r.summary.contains("closed"), "{}", r.summary);
}

/// Probe a peer playing `script` with a step timeout of an hour, so only
/// cancellation can end the probe; cancel once `ready` holds for the peer.
async fn cancel_when(script: Script, ready: impl Fn(&SmtpPeer) -> bool) -> CheckReport {
    let peer = SmtpPeer::start(script).await;
    let cancel = CancellationToken::new();
    let t = target(&peer);
    let s = settings(Duration::from_secs(3600));
    let probe = tokio::spawn({
        let cancel = cancel.clone();
        async move { relay::run(&t, &s, cancel).await }
    });
    while !ready(&peer) {
        tokio::time::sleep(Duration::from_millis(10)).await;
    }
    cancel.cancel();
    tokio::time::timeout(HANG_GUARD, probe)
        .await
        .expect("cancellation was not honoured")
        .unwrap()
}

#[tokio::test]
async fn cancellation_stops_a_probe_stuck_on_a_silent_server() {
    let r = cancel_when(Script::silent(), |peer| peer.connections() > 0).await;
    assert_eq!(r.status, Status::Skipped, "{}", text(&r));
    assert!(r.summary.contains("cancelled"));
}

#[tokio::test]
async fn cancellation_stops_a_probe_in_a_tarpit() {
    let r = cancel_when(Script::tarpit(), |peer| {
        peer.commands().iter().any(|c| c.starts_with("MAIL"))
    })
    .await;
    assert_eq!(r.status, Status::Skipped, "{}", text(&r));
    // What was said before the cancel is kept as evidence.
    assert!(r.evidence.iter().any(|e| e.query.starts_with("EHLO")));
}

#[tokio::test]
async fn without_a_server_the_check_is_skipped() {
    let r = relay::run(
        &Target::default(),
        &Settings::default(),
        CancellationToken::new(),
    )
    .await;
    assert_eq!(r.status, Status::Skipped);
    assert!(r.summary.contains("--smtp"), "{}", r.summary);
}

#[tokio::test]
async fn no_scenario_ever_sends_data_or_bdat() {
    let scripts = [
        Script::open_relay(),
        Script::open_for("%"),
        Script::closed_relay(),
        Script::auth_required(),
        Script::tls_required(),
        Script::greylisting(),
        Script::drop_after(5),
        Script::garbage_after_ehlo(),
        Script::helo_only(),
        Script::slow(Duration::from_millis(5)),
        Script::open_relay().tls(),
        Script::closed_relay().tls(),
        Script::open_relay().broken_tls(),
    ];
    let mut total = 0;
    for script in scripts {
        let (_, cmds) = probe(script).await;
        total += cmds.len();
        assert_no_message_transfer(&cmds);
    }
    let (_, cmds) = probe_with(Script::tarpit(), Duration::from_millis(200)).await;
    assert_no_message_transfer(&cmds);
    // The check above must have had something to look at.
    assert!(total > 50, "only {total} commands recorded");
}
