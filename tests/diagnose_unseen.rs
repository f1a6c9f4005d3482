//! Generalisation: bounces in layouts of mail servers and providers that the
//! labelled corpus does not contain (qmail and its clones, OpenSMTPD, GMX,
//! Mail.ru, MessageLabs, InterScan, MailMarshal, legacy AOL/Yahoo, Facebook,
//! Exchange 2010-2016, new-style Microsoft 365, Gmail legacy, Postfix local
//! delivery and translated templates, Sendmail expiry, Exim variants,
//! hMailServer, SmarterMail, MDaemon, Kerio, Zimbra, Dovecot, filtering
//! gateways, and log lines). Each fixture in tests/fixtures/unseen is written
//! in the documented shape of its format; the expected reasons follow the
//! taxonomy (reference facts §7), not what the engine happens to answer.

use bounce_doctor::diagnose::{diagnose, MessageKind};
use bounce_doctor::knowledge::{KnowledgeBase, Reason};
use std::path::Path;

/// Expected verdict for one recipient.
struct Want {
    rcpt: &'static str,
    reason: Reason,
    /// Class digit of the status ('4' or '5'); None where the taxonomy leaves
    /// it open (an expiry reported with the last temporary code).
    class: Option<char>,
    hard: bool,
}

const fn w(rcpt: &'static str, reason: Reason, class: Option<char>, hard: bool) -> Want {
    Want {
        rcpt,
        reason,
        class,
        hard,
    }
}

const P: Option<char> = Some('5');
const T: Option<char> = Some('4');

fn table() -> Vec<(&'static str, Vec<Want>)> {
    use Reason::*;
    vec![
        (
            "qmail-1.eml",
            vec![w("alice@example.net", UserUnknown, P, true)],
        ),
        (
            "qmail-2.eml",
            vec![
                w("bob@example.com", UserUnknown, P, true),
                w("carl@nonexistent.example", HostUnknown, P, true),
            ],
        ),
        (
            "qmail-3.eml",
            vec![w("carol@example.net", Expired, None, false)],
        ),
        (
            "qmail-4.eml",
            vec![w("dave@example.com", MailboxFull, P, false)],
        ),
        (
            "qmail-5.eml",
            vec![w("erin@example.net", Rejected, P, false)],
        ),
        (
            "x4-1.eml",
            vec![w("frank@example.net", NoRelaying, P, false)],
        ),
        (
            "opensmtpd-1.eml",
            vec![w("gina@example.net", UserUnknown, P, true)],
        ),
        (
            "opensmtpd-2.eml",
            vec![w("hank@no-such-domain.example", HostUnknown, P, true)],
        ),
        (
            "opensmtpd-3.eml",
            vec![w("ivan@example.net", Expired, None, false)],
        ),
        (
            "gmx-1.eml",
            vec![w("julia@example.jp", UserUnknown, P, true)],
        ),
        (
            "gmx-2.eml",
            vec![w("kevin@example.net", Expired, None, false)],
        ),
        (
            "gmx-reject-1.eml",
            vec![w("anna@gmx.example", Blocked, P, false)],
        ),
        (
            "mailru-1.eml",
            vec![w("lena@example.net", MailboxFull, P, false)],
        ),
        (
            "mailru-2.eml",
            vec![w("mike@example.com", SpamDetected, P, false)],
        ),
        (
            "messagelabs-1.eml",
            vec![w("nora@example.net", UserUnknown, P, true)],
        ),
        (
            "interscan-1.eml",
            vec![w("oscar@example.co.jp", UserUnknown, P, true)],
        ),
        (
            "mailmarshal-1.eml",
            vec![w("paula@example.net", UserUnknown, P, true)],
        ),
        (
            "aol-1.eml",
            vec![w("quentin@example.invalid", HostUnknown, P, true)],
        ),
        (
            "yahoo-1.eml",
            vec![w("rachel@example.net", UserUnknown, P, true)],
        ),
        (
            "yahoo-2.eml",
            vec![w("steve@example.com", MailboxFull, P, false)],
        ),
        (
            "facebook-1.eml",
            vec![w("tina.example@facebook.com", Filtered, P, false)],
        ),
        (
            "exchange2010-1.eml",
            vec![w("ursula@example.com", UserUnknown, P, true)],
        ),
        (
            "exchange2013-1.eml",
            vec![w("victor@example.net", NoRelaying, P, false)],
        ),
        (
            "exchange2016-1.eml",
            vec![w("wendy@example.net", Expired, None, false)],
        ),
        (
            "office365-1.eml",
            vec![w("xavier@example.com", MailboxFull, P, false)],
        ),
        (
            "office365-2.eml",
            vec![w("yolanda@example.net", Blocked, P, false)],
        ),
        (
            "outlook-legacy-1.eml",
            vec![w("bruno@hotmail.example", Blocked, P, false)],
        ),
        (
            "gmail-1.eml",
            vec![w("zack@example.com", Suspend, P, false)],
        ),
        ("gmail-2.eml", vec![w("amy@example.net", Expired, T, false)]),
        (
            "postfix-local-1.eml",
            vec![
                w("bella@example.org", MailboxFull, P, false),
                w("carlos@example.org", UserUnknown, P, true),
            ],
        ),
        (
            "postfix-pipe-1.eml",
            vec![w("dora@example.org", MailerError, P, false)],
        ),
        (
            "postfix-german-1.eml",
            vec![w("emil@example.net", UserUnknown, P, true)],
        ),
        (
            "postfix-french-1.eml",
            vec![w("fabien@example.net", MailboxFull, P, false)],
        ),
        (
            "sendmail-expired-1.eml",
            vec![w("gail@example.net", Expired, None, false)],
        ),
        (
            "sendmail-warning-1.eml",
            // Sisimai reads "Connection refused by <host>" as a block
            // (Reason/Blocked.pm), even in a delay warning.
            vec![w("harry@example.net", Blocked, T, false)],
        ),
        (
            "exim-1.eml",
            vec![w("irene@example.net", SpamDetected, P, false)],
        ),
        (
            "exim-2.eml",
            vec![
                w("jack@example.invalid", HostUnknown, P, true),
                w("kate@example.com", Expired, None, false),
            ],
        ),
        (
            "exim-delay-1.eml",
            vec![w("leo@example.net", Expired, None, false)],
        ),
        (
            "hmailserver-1.eml",
            vec![w("mona@example.net", UserUnknown, P, true)],
        ),
        (
            "smartermail-1.eml",
            vec![w("nick@example.net", UserUnknown, P, true)],
        ),
        (
            "smartermail-2.eml",
            vec![w("olga@example.org", MailboxFull, None, false)],
        ),
        (
            "mdaemon-1.eml",
            vec![w("pete@example.net", UserUnknown, P, true)],
        ),
        (
            "kerio-1.eml",
            vec![w("rita@example.net", MailboxFull, P, false)],
        ),
        (
            "zimbra-1.eml",
            vec![
                w("sam@example.org", MailboxFull, P, false),
                w("tom@example.org", UserUnknown, P, true),
            ],
        ),
        (
            "dovecot-lda-1.eml",
            vec![w("uma@example.com", MailboxFull, None, false)],
        ),
        (
            "dovecot-lmtp-1.eml",
            vec![w("vera@example.com", UserUnknown, P, true)],
        ),
        (
            "proofpoint-1.eml",
            vec![w("walter@example.com", Blocked, P, false)],
        ),
        (
            "ironport-1.eml",
            vec![w("xena@example.com", BadReputation, P, false)],
        ),
        (
            "ironport-2.eml",
            vec![w("yusuf@example.com", UserUnknown, P, true)],
        ),
        (
            "barracuda-1.eml",
            vec![w("zelda@example.com", Blocked, P, false)],
        ),
        (
            "logline-postfix-1.txt",
            vec![w("vince@example.net", Blocked, P, false)],
        ),
        (
            "logline-exim-1.txt",
            vec![w("wanda@example.net", UserUnknown, P, true)],
        ),
        (
            "smtpline-1.txt",
            vec![w("xavi@example.net", MailboxFull, T, false)],
        ),
        (
            "exchange-de-1.eml",
            vec![w("felix@example.de", UserUnknown, P, true)],
        ),
        (
            "exchange-fr-1.eml",
            vec![w("georges@example.net", MailboxFull, P, false)],
        ),
        (
            "exchange-multi-1.eml",
            vec![
                w("helen@example.net", UserUnknown, P, true),
                w("ian@example.com", MailboxFull, P, false),
            ],
        ),
        (
            "exchange-delay-1.eml",
            vec![w("jane@example.net", Expired, T, false)],
        ),
        (
            "office365-3.eml",
            vec![w("kim@example.com", AuthFailure, P, false)],
        ),
        (
            "icewarp-1.eml",
            vec![w("luke@example.net", UserUnknown, P, true)],
        ),
        (
            "mercury-1.eml",
            vec![w("mary@example.net", MailboxFull, P, false)],
        ),
        (
            "axigen-1.eml",
            vec![w("ned@example.net", UserUnknown, P, true)],
        ),
        (
            "haraka-1.eml",
            vec![w("owen@example.net", NoRelaying, P, false)],
        ),
        (
            "qmail-6.eml",
            vec![w("petr@yandex.example", SpamDetected, P, false)],
        ),
        (
            "qmail-7.eml",
            vec![w("quinn@example.net", VirusDetected, P, false)],
        ),
        (
            "x4-2.eml",
            vec![w("pablo@example.net", UserUnknown, P, true)],
        ),
        (
            "exim-3.eml",
            vec![
                w("nadia@example.org", MailboxFull, None, false),
                w("oleg@example.com", HostUnknown, P, true),
            ],
        ),
        (
            "postfix-rspamd-1.eml",
            vec![w("rosa@example.net", SpamDetected, P, false)],
        ),
        (
            "gmx-3.eml",
            vec![w("lars@example.co.jp", Expired, None, false)],
        ),
        (
            "interscan-2.eml",
            vec![w("mika@example.co.jp", UserUnknown, P, true)],
        ),
        (
            "yahoo-3.eml",
            vec![w("trudy@example.org", MailboxFull, P, false)],
        ),
        (
            "yahoo-4.eml",
            vec![w("no-such-user@yahoo.example", UserUnknown, P, true)],
        ),
        (
            "opensmtpd-4.eml",
            vec![
                w("uri@example.jp", MailboxFull, P, false),
                w("vick@example.jp", UserUnknown, P, true),
            ],
        ),
        (
            "qmail-8.eml",
            vec![
                w("wally@example.net", HostUnknown, P, true),
                w("xiu@example.com", UserUnknown, P, true),
            ],
        ),
        (
            "aol-2.eml",
            vec![w("yara@example.net", MailboxFull, P, false)],
        ),
        (
            "messagelabs-2.eml",
            vec![w("zeno@example.net", SecurityError, P, false)],
        ),
        (
            "mailru-3.eml",
            vec![w("nikita@inbox.example", UserUnknown, P, true)],
        ),
        (
            "html-only-1.eml",
            vec![w("abel@example.com", UserUnknown, P, true)],
        ),
        ("smtpline-2.txt", vec![w("", UserUnknown, P, true)]),
        (
            "sendmail-multi-1.eml",
            vec![
                w("abe@example.net", UserUnknown, P, true),
                w("bea@example.net", MailboxFull, P, false),
                w("cal@example.com", NoRelaying, P, false),
            ],
        ),
        (
            "domino-de-1.eml",
            vec![w("doris@example.de", UserUnknown, P, true)],
        ),
        (
            "global-dsn-1.eml",
            vec![w("jürgen@example.net", UserUnknown, P, true)],
        ),
        (
            "dsn-dense-1.eml",
            vec![
                w("kai@example.net", UserUnknown, P, true),
                w("lou@example.net", MailboxFull, P, false),
            ],
        ),
        (
            "gsuite-1.eml",
            vec![w("lulu@nullmx.example", NotAccept, P, true)],
        ),
        (
            "gsuite-2.eml",
            vec![w("milo@example.net", UserUnknown, P, true)],
        ),
        (
            "x4-3.eml",
            vec![w("nina@example.net", UserUnknown, P, true)],
        ),
        (
            "mailmarshal-2.eml",
            vec![
                w("otto@example.net", MailboxFull, P, false),
                w("pam@example.net", MailboxFull, P, false),
            ],
        ),
        (
            "interscan-3.eml",
            vec![w("quin@example.co.jp", MailboxFull, P, false)],
        ),
        // A list manager refusing a post: the list is the recipient and the
        // sender was refused, as with Google Groups.
        (
            "mailman-1.eml",
            vec![w("staff@lists.example.org", Rejected, P, false)],
        ),
        (
            "generic-1.eml",
            vec![w("sara@example.net", MailboxFull, None, false)],
        ),
        (
            "generic-2.eml",
            vec![w("vic@example.net", UserUnknown, P, true)],
        ),
        (
            "exim-4.eml",
            vec![
                w("pia@example.net", Expired, None, false),
                w("quim@example.com", Rejected, P, false),
            ],
        ),
        (
            "opensmtpd-5.eml",
            vec![
                w("rene@example.net", NotAccept, P, true),
                w("sol@example.com", NetworkError, P, false),
            ],
        ),
        (
            "qmail-10.eml",
            vec![
                w("ida@example.org", NetworkError, P, false),
                w("jo@example.org", NetworkError, P, false),
                w("ken@example.org", Suspend, P, false),
                w("lia@example.org", MailboxFull, P, false),
            ],
        ),
        (
            "qmail-11.eml",
            vec![
                w("max@example.net", Blocked, P, false),
                w("ned@example.com", Expired, None, false),
            ],
        ),
        (
            "exchange-nl-1.eml",
            vec![w("evert@example.net", UserUnknown, P, true)],
        ),
        (
            "exchange-ja-1.eml",
            vec![w("fumi@example.net", MailboxFull, P, false)],
        ),
        (
            "qmail-9.eml",
            vec![
                w("gus@example.net", MailboxFull, P, false),
                w("hal@example.com", UserUnknown, P, true),
            ],
        ),
        (
            "smtpline-3.txt",
            vec![w("ola@example.net", NoRelaying, P, false)],
        ),
        ("smtpline-4.txt", vec![w("", UserUnknown, P, true)]),
        ("smtpline-5.txt", vec![w("", Blocked, P, false)]),
        (
            "logline-exim-2.txt",
            vec![w("qq@example.net", UserUnknown, P, true)],
        ),
        (
            "logline-postfix-2.txt",
            vec![w("rae@example.com", Expired, T, false)],
        ),
        // "user not found" with no SMTP stage and no X.1.x status: the
        // taxonomy's convention reads it as the recipient side filtering.
        (
            "groupwise-1.eml",
            vec![w("bert@example.net", Filtered, P, false)],
        ),
        (
            "exchange-es-1.eml",
            vec![w("carmen@example.net", MailboxFull, P, false)],
        ),
        (
            "exchange-it-1.eml",
            vec![w("dario@example.net", UserUnknown, P, true)],
        ),
        (
            "jp-mta-1.eml",
            vec![w("emi@example.ne.jp", UserUnknown, P, true)],
        ),
        (
            "orange-1.eml",
            vec![
                w("fanny@orange.example", UserUnknown, P, true),
                w("gaston@wanadoo.example", MailboxFull, P, false),
            ],
        ),
        (
            "laposte-1.eml",
            vec![w("hugo@laposte.example", Blocked, P, false)],
        ),
        (
            "orange-2.eml",
            vec![w("ines@orange.example", TooManyConn, T, false)],
        ),
    ]
}

/// What went wrong with one fixture, or None when it matches.
fn read(name: &str) -> Vec<u8> {
    let p = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures/unseen")
        .join(name);
    std::fs::read(&p).unwrap_or_else(|e| panic!("{}: {e}", p.display()))
}

fn check(name: &str, bytes: &[u8], want: &[Want], kb: &KnowledgeBase) -> Option<String> {
    let msgs = match diagnose(bytes, kb) {
        Ok(m) => m,
        Err(e) => return Some(format!("{name}: refused: {e}")),
    };
    if msgs.len() != 1 || msgs[0].kind != MessageKind::Bounce {
        let kinds: Vec<_> = msgs.iter().map(|m| m.kind).collect();
        return Some(format!("{name}: not one bounce: {kinds:?}"));
    }
    let got = &msgs[0].recipients;
    let mut problems = Vec::new();
    if got.len() != want.len() {
        let names: Vec<_> = got.iter().map(|r| r.recipient.clone()).collect();
        problems.push(format!(
            "{} recipients {names:?}, want {}",
            got.len(),
            want.len()
        ));
    }
    for (i, wt) in want.iter().enumerate() {
        let Some(r) = got.get(i) else { break };
        // An empty expected address: the input names no recipient.
        let expected = (!wt.rcpt.is_empty()).then_some(wt.rcpt);
        if r.recipient.as_deref() != expected {
            problems.push(format!(
                "#{i} recipient {:?}, want {}",
                r.recipient, wt.rcpt
            ));
        }
        if r.reason != wt.reason {
            problems.push(format!(
                "#{i} reason {:?}, want {:?} (diag {:?})",
                r.reason, wt.reason, r.diagnostic
            ));
        }
        if r.hard != wt.hard {
            problems.push(format!("#{i} hard {}, want {}", r.hard, wt.hard));
        }
        if let Some(c) = wt.class {
            let class = r.status.as_deref().and_then(|s| s.chars().next());
            if class != Some(c) {
                problems.push(format!("#{i} status {:?}, want class {c}", r.status));
            }
        }
    }
    (!problems.is_empty()).then(|| format!("{name}: {}", problems.join("; ")))
}

#[test]
fn unseen_layouts_are_diagnosed() {
    let kb = KnowledgeBase::builtin();
    let table = table();
    let failures: Vec<String> = table
        .iter()
        .filter_map(|(name, want)| check(name, &read(name), want, &kb))
        .collect();
    assert!(
        failures.is_empty(),
        "{} of {} unseen fixtures wrong:\n{}",
        failures.len(),
        table.len(),
        failures.join("\n")
    );
}

/// The same verdicts whatever the line endings: a paste from Windows (CRLF)
/// or an old Mac export (bare CR) must read like the LF original.
#[test]
fn unseen_layouts_do_not_depend_on_line_endings() {
    let kb = KnowledgeBase::builtin();
    let table = table();
    let mut failures = Vec::new();
    for (name, want) in &table {
        let lf = read(name);
        let crlf: Vec<u8> = lf
            .iter()
            .flat_map(|&b| {
                if b == b'\n' {
                    vec![b'\r', b'\n']
                } else {
                    vec![b]
                }
            })
            .collect();
        let cr: Vec<u8> = lf
            .iter()
            .map(|&b| if b == b'\n' { b'\r' } else { b })
            .collect();
        for (ending, bytes) in [("CRLF", crlf), ("CR", cr)] {
            if let Some(f) = check(name, &bytes, want, &kb) {
                failures.push(format!("{ending} {f}"));
            }
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

#[test]
fn every_fixture_is_in_the_table() {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/unseen");
    let table = table();
    for e in std::fs::read_dir(&dir).expect("fixture dir") {
        let name = e.expect("entry").file_name().to_string_lossy().into_owned();
        assert!(
            table.iter().any(|(n, _)| *n == name),
            "{name} has no expectation"
        );
    }
}
