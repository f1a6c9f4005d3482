//! The system clipboard through arboard under a real X server (Xvfb):
//! `xvfb-run -a cargo test --test clipboard_x11 -- --include-ignored`.

#[path = "support/pty.rs"]
mod pty;

use bounce_doctor::knowledge::KnowledgeBase;
use pty::{keys, Pty, DEADLINE};
use std::path::PathBuf;

fn fixture_kb() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/tui-kb")
}

const BOUNCE: &str = "\
From: MAILER-DAEMON@mail.example.org (Mail Delivery System)
Subject: Undelivered Mail Returned to Sender
To: alice@example.org

This is the mail system at host mail.example.org.

<carol@example.com>: host mx.example.com[198.51.100.7] said: 552 5.2.2
    <carol@example.com>: Recipient address rejected: Mailbox full (in reply
    to RCPT TO command)
";

fn display() -> String {
    std::env::var("DISPLAY")
        .ok()
        .filter(|d| !d.is_empty())
        .expect("DISPLAY must be set: run under xvfb-run -a")
}

#[test]
#[ignore = "needs a display"]
fn p_diagnoses_the_clipboard_and_y_copies_an_entry() {
    let display = display();
    // The test's clipboard owns the selection while the program reads it.
    let mut clip = arboard::Clipboard::new().expect("X11 clipboard");
    clip.set_text(BOUNCE).unwrap();

    let kb = KnowledgeBase::load_with(&[fixture_kb()]);
    let msgs = bounce_doctor::diagnose::diagnose(BOUNCE.as_bytes(), &kb).unwrap();
    let r = &msgs[0].recipients[0];
    let (rcpt, reason) = (r.recipient.clone().unwrap(), r.reason.name());

    let config = tempfile::tempdir().unwrap();
    let mut t = Pty::builder()
        .arg("--knowledge")
        .arg(fixture_kb())
        .env("XDG_CONFIG_HOME", config.path())
        .env("DISPLAY", &display)
        .env_remove("WAYLAND_DISPLAY")
        .size(100, 30)
        .spawn();
    t.wait_for("Search", DEADLINE);
    t.send_str(keys::TAB);
    t.send_str("p");
    t.try_wait_until(DEADLINE, |s| {
        s.contains("from clipboard")
            && s.contains(&rcpt)
            && s.contains(&format!("Reason: {reason}"))
    })
    .unwrap_or_else(|s| panic!("clipboard bounce not diagnosed:\n{s}"));

    // Back to browsing; select a fixture entry and copy it.
    t.send_str(keys::ESC);
    t.wait_for("Search", DEADLINE);
    t.send_str("/");
    // Wait for the search box, as a person would: keys sent all at once are
    // taken for a paste from a terminal without bracketed paste.
    t.wait_for("Esc clear", DEADLINE);
    t.send_str("tui-mailbox-full");
    t.wait_for("(tui-mailbox-full)", DEADLINE);
    t.send_str(keys::TAB);
    t.send_str("y");
    t.wait_for("Copied", DEADLINE);
    let expected = KnowledgeBase::to_markdown(kb.get("tui-mailbox-full").unwrap());
    // The program owns the selection now; read it back through X.
    let got = clip.get_text().expect("read the clipboard back");
    assert_eq!(got, expected);
    t.send_str("q");
    assert_eq!(t.wait_exit(DEADLINE), Some(0));
}
