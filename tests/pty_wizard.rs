//! End-to-end: the real binary in a pseudo-terminal runs the remediation
//! wizard against a DNS server and an SMTP peer started here on loopback.

#[path = "support/dns_server.rs"]
mod dns_server;
#[path = "support/pty.rs"]
mod pty;
#[path = "support/smtp_peer.rs"]
mod smtp_peer;

use dns_server::{zone, DnsServer};
use pty::{keys, Pty, DEADLINE};
use smtp_peer::{Script, SmtpPeer};
use std::path::PathBuf;

fn fixture_kb() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/tui-kb")
}

/// The program pointed at our resolver, with no user config and no display.
fn start(resolver: &str, config: &tempfile::TempDir) -> Pty {
    Pty::builder()
        .arg("--knowledge")
        .arg(fixture_kb())
        .arg("--resolver")
        .arg(resolver)
        .env("XDG_CONFIG_HOME", config.path())
        .env_remove("DISPLAY")
        .env_remove("WAYLAND_DISPLAY")
        .env_remove("NO_COLOR")
        .size(140, 45)
        .spawn()
}

/// The status word drawn after `title` in the step list (the list pane ends at a border).
fn status_of(screen: &str, title: &str) -> Option<String> {
    // Only the list pane: the detail pane to its right repeats the selected title.
    let line = screen
        .lines()
        .map(|l| l.split("││").next().unwrap_or(l))
        .find(|l| l.contains(title))?;
    let after = &line[line.find(title)? + title.len()..];
    let cell = after.split('│').next().unwrap_or(after);
    Some(cell.trim().to_string())
}

/// Wait until the step row `title` shows `status`.
fn wait_status(t: &Pty, title: &str, status: &str) -> String {
    t.try_wait_until(DEADLINE, |s| status_of(s, title).as_deref() == Some(status))
        .unwrap_or_else(|s| panic!("`{title}` never showed `{status}`:\n{s}"))
}

/// Move the cursor until the step detail shows `title` (it then appears twice:
/// in the list and as the detail's heading).
fn select_step(t: &mut Pty, title: &str) {
    for _ in 0..30 {
        if t.screen().matches(title).count() >= 2 {
            return;
        }
        t.send_str("j");
        let before = t.screen();
        let _ = t.try_wait_until(std::time::Duration::from_secs(2), |s| s != before);
    }
    panic!("could not select `{title}`:\n{}", t.screen());
}

/// Type into the focused field and wait until it shows, as a person would
/// before pressing the next key. (Keys sent all at once with a line break
/// are, rightly, taken for a paste from a terminal without bracketed paste.)
fn type_text(t: &mut Pty, s: &str) {
    t.send_str(s);
    let tail: String = s
        .chars()
        .rev()
        .take(8)
        .collect::<Vec<_>>()
        .into_iter()
        .rev()
        .collect();
    t.wait_for(&tail, DEADLINE);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn wizard_runs_blocklist_and_relay_checks_and_summarises() {
    // 192.0.2.10 is listed in the local copy of zen.spamhaus.org (with the
    // RFC 5782 test point so the list counts as working).
    let dns = DnsServer::start(&[zone(
        "zen.spamhaus.org",
        "2.0.0.127 A 127.0.0.2\n2.0.0.127 TXT \"test point\"\n\
         10.2.0.192 A 127.0.0.2\n10.2.0.192 TXT \"Listed in SBL, see https://check.spamhaus.org/\"\n",
    )])
    .await;
    let smtp = SmtpPeer::start(Script::open_relay()).await;
    let config = tempfile::tempdir().unwrap();
    let resolver = dns.addr.to_string();
    let smtp_target = smtp.target();

    // The PTY calls block; run them off the runtime that serves DNS and SMTP.
    tokio::task::spawn_blocking(move || {
        let mut t = start(&resolver, &config);
        t.wait_for("Search", DEADLINE);
        // Enter leaves the search box for the list, where `w` opens the wizard.
        t.send_str(keys::ENTER);
        t.wait_for("next pane", DEADLINE);
        t.send_str("w");
        t.wait_for("Remediation wizard: inputs", DEADLINE);
        t.wait_for("Sending IP(s):", DEADLINE);

        // A bad IP and a bad domain are refused with messages.
        type_text(&mut t, "300.1.2.3");
        t.send_str(keys::TAB);
        type_text(&mut t, "exa mple.com");
        t.send_str(keys::ENTER);
        t.wait_for("`300.1.2.3` is not an IPv4 or IPv6 address", DEADLINE);
        t.wait_for("is not a valid domain", DEADLINE);

        // Fix them: focus went back to the IP field.
        t.send_str("\x15"); // Ctrl+U clears the field
        type_text(&mut t, "192.0.2.10");
        t.wait_gone("is not an IPv4 or IPv6 address", DEADLINE);
        t.send_str(keys::TAB);
        t.send_str("\x15");
        type_text(&mut t, "example.com");
        t.send_str(keys::TAB);
        type_text(&mut t, "mail.example.com");
        t.send_str(keys::TAB);
        t.send_str(keys::TAB);
        type_text(&mut t, &smtp_target);
        t.send_str(keys::ENTER);

        t.wait_for("Remediation wizard: steps", DEADLINE);
        // The listed IP fails the blocklist step; the scripted open relay fails the relay step.
        wait_status(&t, "Sending IP on blocklists (DNSBL)", "fail");
        let screen = wait_status(&t, "Open relay", "fail");
        // Manual steps wait for a tick.
        assert_eq!(
            status_of(&screen, "Virus-infected machines on your network").as_deref(),
            Some("pending"),
            "{screen}"
        );

        // The blocklist step's details show the evidence of the listing.
        select_step(&mut t, "Sending IP on blocklists (DNSBL)");
        t.wait_for("Evidence (query → answer)", DEADLINE);
        t.wait_for("10.2.0.192.zen.spamhaus.org", DEADLINE);

        // Tick a checklist item, skip another step.
        select_step(&mut t, "Virus-infected machines on your network");
        t.send_str(" ");
        wait_status(&t, "Virus-infected machines on your network", "done");
        select_step(&mut t, "Opt-out links and list hygiene");
        t.send_str("s");
        wait_status(&t, "Opt-out links and list hygiene", "skipped");

        // The summary puts the blocklist failure first.
        t.send_str(keys::ENTER);
        // Poll for the whole summary, not its first line: a frame may be half drawn.
        let screen = wait_all(
            &t,
            &[
                "Remediation wizard: summary",
                "What is wrong",
                "Sending IP on blocklists (DNSBL):",
                "Open relay:",
                "Who must act:",
                "Next actions",
            ],
        );
        let bl = screen
            .find("Sending IP on blocklists (DNSBL):")
            .unwrap_or_else(|| panic!("{screen}"));
        let relay = screen
            .find("Open relay:")
            .unwrap_or_else(|| panic!("{screen}"));
        assert!(bl < relay, "blocklist before relay:\n{screen}");
        assert!(screen.contains("What is wrong"), "{screen}");
        assert!(
            screen.contains("Who must act: sender's mail admin"),
            "{screen}"
        );
        t.send_str("q");
        assert_eq!(t.wait_exit(DEADLINE), Some(0));
        // The exit can be seen before the last output is read: poll for it.
        t.wait_screen(DEADLINE, "the main screen", |s| !s.alternate_screen());
    })
    .await
    .unwrap();

    // The relay probe talked to our peer and never sent DATA.
    let seen = smtp.commands();
    assert!(seen.iter().any(|c| c.starts_with("RCPT TO:")), "{seen:?}");
    assert!(
        !seen.iter().any(|c| c.eq_ignore_ascii_case("DATA")),
        "{seen:?}"
    );
    assert!(dns.queries() > 0);
}

#[test]
fn bad_resolver_is_refused_before_the_terminal_is_taken() {
    let config = tempfile::tempdir().unwrap();
    let mut t = start("not-an-address", &config);
    t.wait_for("--resolver", DEADLINE);
    assert_eq!(t.wait_exit(DEADLINE), Some(2));
}

const BOUNCE: &str = "From: MAILER-DAEMON@mx.example.net\n\
To: alice@example.com\n\
Subject: Undelivered Mail Returned to Sender\n\
\n\
This is the mail system at host mx.example.net.\n\
\n\
<bob@example.net>: host mx.example.net[198.51.100.5] said: 554 5.7.1\n    \
Service unavailable; Client host [192.0.2.10] blocked using\n    \
zen.spamhaus.org (in reply to RCPT TO command)\n";

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn wizard_from_a_pasted_bounce_is_prefilled_and_checks_dns() {
    let dns = DnsServer::start(&[
        zone(
            "zen.spamhaus.org",
            "2.0.0.127 A 127.0.0.2\n10.2.0.192 A 127.0.0.2\n",
        ),
        zone(
            "example.com",
            "@ MX 10 mail.example.com.\nmail A 192.0.2.10\n\
             @ TXT \"v=spf1 ip4:192.0.2.10 -all\"\n\
             _dmarc TXT \"v=DMARC1; p=reject; rua=mailto:dmarc@example.com\"\n",
        ),
        zone("2.0.192.in-addr.arpa", "10 PTR mail.example.com.\n"),
    ])
    .await;
    let smtp = SmtpPeer::start(Script::closed_relay()).await;
    let config = tempfile::tempdir().unwrap();
    let resolver = dns.addr.to_string();
    let smtp_target = smtp.target();

    tokio::task::spawn_blocking(move || {
        let mut t = start(&resolver, &config);
        t.wait_for("Search", DEADLINE);
        t.paste(BOUNCE);
        t.wait_for("bob@example.net", DEADLINE);
        // Wait for the verdict, then open the wizard from it.
        t.wait_for("Who acts:", DEADLINE);
        t.send_str("w");
        t.wait_for("Remediation wizard: inputs", DEADLINE);
        // Prefilled from the diagnosis; the recipient's server is not offered
        // as the sender's mail host.
        let screen = wait_all(
            &t,
            &[
                "Reason: blocked",
                "Sending IP(s):",
                "Sending domain:",
                "SMTP server",
            ],
        );
        let field = |s: &str, label: &str| {
            s.lines().find(|l| l.contains(label)).map(|l| {
                l.split(label)
                    .nth(1)
                    .unwrap_or("")
                    .trim_matches(|c: char| c == ' ' || c == '│')
                    .to_string()
            })
        };
        assert_eq!(
            field(&screen, "Sending IP(s):").as_deref(),
            Some("192.0.2.10█"),
            "{screen}"
        );
        assert_eq!(
            field(&screen, "Sending domain:").as_deref(),
            Some("example.com"),
            "{screen}"
        );
        assert!(!screen.contains("mx.example.net█"), "{screen}");

        t.send_str(keys::TAB);
        t.send_str(keys::TAB);
        type_text(&mut t, "mail.example.com");
        t.send_str(keys::TAB);
        t.send_str(keys::TAB);
        type_text(&mut t, &smtp_target);
        t.send_str(keys::ENTER);
        t.wait_for("Remediation wizard: steps", DEADLINE);

        wait_status(&t, "Sending IP on blocklists (DNSBL)", "fail");
        wait_status(&t, "SPF record", "pass");
        wait_status(&t, "Reverse DNS (PTR) of the sending IP", "pass");
        wait_status(&t, "Open relay", "pass");
        // Steps for the diagnosed reason come first: the knowledge entry's own
        // checklist, then the blocklist check.
        let screen = t.screen();
        let first = screen
            .find("Steps for")
            .unwrap_or_else(|| panic!("{screen}"));
        let spf = screen.find("SPF record").unwrap();
        assert!(first < spf, "{screen}");

        t.send_str(keys::ENTER);
        let screen = t.wait_for("Next actions", DEADLINE);
        assert!(
            screen.contains("Passed") || screen.contains("What is wrong"),
            "{screen}"
        );
        t.send_str("q");
        assert_eq!(t.wait_exit(DEADLINE), Some(0));
    })
    .await
    .unwrap();
    assert!(smtp.connections() >= 1);
}

/// Poll until every one of `texts` is on the screen at once.
fn wait_all(t: &Pty, texts: &[&str]) -> String {
    t.try_wait_until(DEADLINE, |s| texts.iter().all(|x| s.contains(x)))
        .unwrap_or_else(|s| panic!("timed out waiting for {texts:?}; screen:\n{s}"))
}
