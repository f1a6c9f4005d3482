//! End-to-end: the real binary in a pseudo-terminal, diagnosing pasted bounces.

#[path = "support/pty.rs"]
mod pty;

use bounce_doctor::knowledge::KnowledgeBase;
use pty::{keys, Pty, DEADLINE};
use std::path::{Path, PathBuf};

fn fixture_kb() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/tui-kb")
}

const BOUNCE: &str = "\
From: MAILER-DAEMON@mail.example.org (Mail Delivery System)
Subject: Undelivered Mail Returned to Sender
To: alice@example.org

This is the mail system at host mail.example.org.

I'm sorry to have to inform you that your message could not
be delivered to one or more recipients.

<bob@example.net>: host mx.example.net[192.0.2.25] said: 550 5.1.1
    <bob@example.net>: Recipient address rejected: User unknown in virtual
    mailbox table (in reply to RCPT TO command)
";

/// The program with the test knowledge base, no user config and no display.
fn start(config: &Path, extra: &[&str]) -> Pty {
    let mut b = Pty::builder()
        .arg("--knowledge")
        .arg(fixture_kb())
        .env("XDG_CONFIG_HOME", config)
        .env_remove("DISPLAY")
        .env_remove("WAYLAND_DISPLAY")
        .size(100, 30);
    for a in extra {
        b = b.arg(a);
    }
    b.spawn()
}

/// A terminal sends a pasted newline as CR.
fn as_terminal_paste(text: &str) -> String {
    text.replace('\n', "\r")
}

/// What the engine itself says about `input`: (recipient, reason, title of the first entry).
fn expected(input: &str) -> (String, String, String) {
    let kb = KnowledgeBase::load_with(&[fixture_kb()]);
    let msgs = bounce_doctor::diagnose::diagnose(input.as_bytes(), &kb).unwrap();
    let r = &msgs[0].recipients[0];
    let title = kb.get(&r.kb[0]).unwrap().title.clone();
    (
        r.recipient.clone().unwrap(),
        r.reason.name().to_string(),
        title,
    )
}

#[test]
fn no_clipboard_then_bracketed_paste_is_diagnosed() {
    let config = tempfile::tempdir().unwrap();
    let mut t = start(config.path(), &[]);
    t.wait_for("Search", DEADLINE);
    t.send_str(keys::TAB);
    t.send_str("p");
    t.wait_for("No clipboard available", DEADLINE);
    t.wait_for("Ctrl+Shift+V", DEADLINE);
    t.wait_for("--paste FILE", DEADLINE);

    let (rcpt, reason, title) = expected(BOUNCE);
    assert_eq!(rcpt, "bob@example.net");
    t.paste(&as_terminal_paste(BOUNCE));
    t.try_wait_until(DEADLINE, |s| {
        s.contains(&rcpt)
            && s.contains(&format!("Reason: {reason}"))
            && s.contains("Bounce text (12 lines)")
    })
    .unwrap_or_else(|s| panic!("diagnosis not shown:\n{s}"));

    // Enter opens the recipient's first knowledge-base entry in the browser.
    t.send_str(keys::ENTER);
    let prefix: String = title.chars().take(20).collect();
    t.try_wait_until(DEADLINE, |s| s.contains("Search") && s.contains(&prefix))
        .unwrap_or_else(|s| panic!("entry {title:?} not opened:\n{s}"));
    t.send_str("q");
    assert_eq!(t.wait_exit(DEADLINE), Some(0));
}

#[test]
fn paste_without_bracketed_paste_is_one_paste_not_commands() {
    // Some terminals (and tmux or screen set up without it) send pasted text
    // as plain keystrokes. Letters like `q`, `w` and `p` are commands in the
    // browser; the pasted bounce must be diagnosed instead of acted on.
    let config = tempfile::tempdir().unwrap();
    let mut t = start(config.path(), &[]);
    t.wait_for("Search", DEADLINE);
    t.send_str(keys::TAB);
    let (rcpt, reason, _) = expected(BOUNCE);
    t.send_str(&as_terminal_paste(BOUNCE));
    t.try_wait_until(DEADLINE, |s| {
        s.contains(&rcpt)
            && s.contains(&format!("Reason: {reason}"))
            && s.contains("Bounce text (12 lines)")
    })
    .unwrap_or_else(|s| panic!("unbracketed paste not diagnosed:\n{s}"));
    // Typing stays typing: a few keys are commands as before (Esc back, q quits).
    t.send_str(keys::ESC);
    t.wait_for("Search", DEADLINE);
    t.send_str("q");
    assert_eq!(t.wait_exit(DEADLINE), Some(0));
}

#[test]
fn hostile_bounce_does_not_corrupt_the_screen() {
    let config = tempfile::tempdir().unwrap();
    let mut t = start(config.path(), &[]);
    t.wait_for("Search", DEADLINE);
    // Ctrl+V works from the search box too.
    t.send_str(keys::CTRL_V);
    t.wait_for("No clipboard available", DEADLINE);
    let hostile = "Subject: \x1b[2J\x1b[31mURGENT\x1b]0;pwned\x07\n\
                   \x1bc\x1b[?1049l\x1b[10;10Hmoved\n\
                   <bob@example.net>: 550 5.1.1 User unknown\n";
    t.paste(&as_terminal_paste(hostile));
    let screen = t
        .try_wait_until(DEADLINE, |s| {
            s.contains("^[[2J^[[31mURGENT^[]0;pwned^G") && s.contains("^[c^[[?1049l")
        })
        .unwrap_or_else(|s| panic!("escape sequences not shown inert:\n{s}"));
    // The interface is intact: still on the alternate screen, header on the
    // first row, status bar on the last, nothing written at row 10 col 10.
    assert!(t.with_screen(|s| s.alternate_screen()), "{screen}");
    let lines: Vec<&str> = screen.lines().collect();
    assert!(lines[0].starts_with("Paste a bounce"), "{screen}");
    assert!(
        t.with_screen(|s| s.contents_between(29, 0, 29, 99))
            .contains("back"),
        "{screen}"
    );
    assert!(!screen
        .lines()
        .any(|l| l.starts_with("moved") || l.contains("         moved")));
    // The raw sequences never reached the terminal.
    let raw = t.raw_output();
    let find = |needle: &[u8]| raw.windows(needle.len()).any(|w| w == needle);
    assert!(!find(b"\x1b]0;pwned"));
    assert!(!find(b"\x1bc"));
    assert!(!find(b"\x1b[10;10Hmoved"));
    t.send_str(keys::CTRL_C);
    assert_eq!(t.wait_exit(DEADLINE), Some(0));
}

#[test]
fn paste_file_option_is_diagnosed() {
    let config = tempfile::tempdir().unwrap();
    let file = config.path().join("bounce.eml");
    std::fs::write(&file, BOUNCE).unwrap();
    let (rcpt, reason, _) = expected(BOUNCE);
    let mut t = start(config.path(), &["--paste", file.to_str().unwrap()]);
    t.try_wait_until(DEADLINE, |s| {
        s.contains(&rcpt) && s.contains(&format!("Reason: {reason}")) && s.contains("bounce.eml")
    })
    .unwrap_or_else(|s| panic!("file not diagnosed:\n{s}"));
    // Esc goes back to browsing.
    t.send_str(keys::ESC);
    t.wait_for("Search", DEADLINE);
    t.send_str(keys::CTRL_C);
    assert_eq!(t.wait_exit(DEADLINE), Some(0));
}

#[test]
fn unreadable_binary_and_oversized_files_get_a_message() {
    let config = tempfile::tempdir().unwrap();
    let missing = config.path().join("missing.eml");
    let mut t = start(config.path(), &["--paste", missing.to_str().unwrap()]);
    t.wait_for("Cannot read", DEADLINE);
    t.send_str(keys::CTRL_C);
    assert_eq!(t.wait_exit(DEADLINE), Some(0));

    let binary = config.path().join("image.png");
    std::fs::write(&binary, b"\x89PNG\r\n\x1a\n\0\0\0\rIHDR\0\0\0\x10").unwrap();
    let mut t = start(config.path(), &["--paste", binary.to_str().unwrap()]);
    t.wait_for("Refused", DEADLINE);
    t.wait_for("binary", DEADLINE);
    t.send_str(keys::CTRL_C);
    assert_eq!(t.wait_exit(DEADLINE), Some(0));

    let big = config.path().join("big.eml");
    let line = "x".repeat(99) + "\n";
    std::fs::write(
        &big,
        line.repeat(bounce_doctor::diagnose::MAX_INPUT / 100 + 10),
    )
    .unwrap();
    let mut t = start(config.path(), &["--paste", big.to_str().unwrap()]);
    t.wait_for("Refused", DEADLINE);
    t.wait_for("10 MiB", DEADLINE);
    t.send_str(keys::CTRL_C);
    assert_eq!(t.wait_exit(DEADLINE), Some(0));
}

#[test]
fn mbox_recipients_are_grouped_by_message() {
    let config = tempfile::tempdir().unwrap();
    let second = BOUNCE.replace("bob@example.net", "dave@example.org");
    let mbox = format!(
        "From MAILER-DAEMON Mon Jan  1 00:00:00 2024\n{BOUNCE}\nFrom MAILER-DAEMON Mon Jan  1 00:00:00 2024\n{second}"
    );
    let file = config.path().join("bounces.mbox");
    std::fs::write(&file, &mbox).unwrap();
    let kb = KnowledgeBase::load_with(&[fixture_kb()]);
    let msgs = bounce_doctor::diagnose::diagnose(mbox.as_bytes(), &kb).unwrap();
    assert_eq!(msgs.len(), 2, "the engine splits the mbox");
    let mut t = start(config.path(), &["--paste", file.to_str().unwrap()]);
    t.try_wait_until(DEADLINE, |s| {
        s.contains(&format!("Message 1 (line {})", msgs[0].first_line))
            && s.contains("> bob@example.net")
    })
    .unwrap_or_else(|s| panic!("first message not shown:\n{s}"));
    // The second recipient's block and its evidence, in the second message.
    t.send_str("j");
    let line = msgs[1].recipients[0].evidence[0].line;
    t.try_wait_until(DEADLINE, |s| {
        s.contains(&format!("Message 2 (line {})", msgs[1].first_line))
            && s.contains("> dave@example.org")
            && s.contains(&format!("{line}>"))
    })
    .unwrap_or_else(|s| panic!("second message not shown:\n{s}"));
    t.send_str("q");
    assert_eq!(t.wait_exit(DEADLINE), Some(0));
}
