//! The open-relay probe against real Postfix instances started by `.ci/postfix.sh`:
//! a closed relay on 127.0.0.1:2525 (offering STARTTLS) and a deliberately open
//! one on 127.0.0.1:2526, both with a `discard:` transport.
//!
//! Without them the tests print a skip message and return, unless
//! `BD_REQUIRE_POSTFIX=1` is set (CI), where their absence is a failure.

use bounce_doctor::checks::relay;
use bounce_doctor::checks::{CheckReport, Settings, Status};
use std::net::{SocketAddr, TcpStream};
use std::time::Duration;
use tokio_util::sync::CancellationToken;

const CLOSED: u16 = 2525;
const OPEN: u16 = 2526;

/// True when something listens on the port; otherwise skip (or fail under CI).
fn postfix_on(port: u16) -> bool {
    let addr = SocketAddr::from(([127, 0, 0, 1], port));
    if TcpStream::connect_timeout(&addr, Duration::from_secs(2)).is_ok() {
        return true;
    }
    let required = std::env::var("BD_REQUIRE_POSTFIX").is_ok_and(|v| v == "1");
    assert!(
        !required,
        "BD_REQUIRE_POSTFIX=1 but nothing listens on 127.0.0.1:{port}; run .ci/postfix.sh"
    );
    eprintln!("skipped: no Postfix on 127.0.0.1:{port} (run .ci/postfix.sh to start it)");
    false
}

async fn probe(port: u16) -> CheckReport {
    let settings = Settings {
        smtp_timeout: Duration::from_secs(20),
        ..Settings::default()
    };
    let r = relay::probe("127.0.0.1", port, &settings, CancellationToken::new()).await;
    eprintln!("127.0.0.1:{port}: {} — {}", r.status.name(), r.summary);
    for d in &r.details {
        eprintln!("  {d}");
    }
    r
}

fn assert_no_message_transfer(r: &CheckReport) {
    for e in &r.evidence {
        let verb = e.query.split_whitespace().next().unwrap_or("");
        assert!(
            !verb.eq_ignore_ascii_case("DATA") && !verb.eq_ignore_ascii_case("BDAT"),
            "sent {:?}",
            e.query
        );
    }
}

#[tokio::test]
async fn postfix_open_relay_is_called_open() {
    if !postfix_on(OPEN) {
        return;
    }
    let r = probe(OPEN).await;
    assert_eq!(r.status, Status::Fail, "{r:#?}");
    assert!(r.summary.starts_with("open relay"), "{}", r.summary);
    assert!(r
        .evidence
        .iter()
        .any(|e| e.query.starts_with("RCPT TO:") && e.answer.starts_with("250")));
    assert!(r.evidence[0].answer.contains("ESMTP Postfix"));
    assert_no_message_transfer(&r);
}

#[tokio::test]
async fn postfix_closed_relay_is_called_closed() {
    if !postfix_on(CLOSED) {
        return;
    }
    let r = probe(CLOSED).await;
    assert_eq!(r.status, Status::Pass, "{r:#?}");
    assert!(r.summary.starts_with("not an open relay"), "{}", r.summary);
    assert!(r
        .evidence
        .iter()
        .any(|e| e.answer.contains("Relay access denied")));
    // The closed instance offers STARTTLS: the battery ran inside TLS.
    assert!(
        r.details
            .iter()
            .any(|d| d.contains("negotiated") && d.contains("over TLS")),
        "{:#?}",
        r.details
    );
    assert!(r
        .evidence
        .iter()
        .any(|e| e.query.starts_with("STARTTLS") && e.answer.starts_with("220")));
    assert!(!r
        .evidence
        .iter()
        .any(|e| e.query.starts_with("RCPT TO:") && e.answer.starts_with('2')));
    assert_no_message_transfer(&r);
}
