//! One test per bounce layout the engine reads, on hand-written fixtures
//! (tests/fixtures/diagnose, made-up addresses), plus hostile input.

use bounce_doctor::diagnose::{diagnose, InputError, MessageDiagnosis, MessageKind, MAX_INPUT};
use bounce_doctor::knowledge::{KnowledgeBase, Reason};
use std::path::Path;

/// Loaded once: compiling the built-in base is the slow part of these tests.
fn kb() -> &'static KnowledgeBase {
    static KB: std::sync::OnceLock<KnowledgeBase> = std::sync::OnceLock::new();
    KB.get_or_init(KnowledgeBase::builtin)
}

fn fixture(name: &str) -> Vec<u8> {
    let p = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures/diagnose")
        .join(name);
    std::fs::read(&p).unwrap_or_else(|e| panic!("{}: {e}", p.display()))
}

fn run(name: &str) -> Vec<MessageDiagnosis> {
    diagnose(&fixture(name), kb()).expect("diagnosable")
}

fn one(name: &str) -> MessageDiagnosis {
    let mut v = run(name);
    assert_eq!(v.len(), 1, "{name}: one message");
    v.remove(0)
}

/// The evidence must quote the input line it names.
fn assert_evidence_is_real(name: &str, m: &MessageDiagnosis) {
    let text = String::from_utf8_lossy(&fixture(name)).replace("\r\n", "\n");
    let lines: Vec<&str> = text.split('\n').collect();
    for r in &m.recipients {
        assert!(
            !r.evidence.is_empty(),
            "{name}: no evidence for {:?}",
            r.recipient
        );
        for e in &r.evidence {
            let line = lines.get(e.line - 1).copied().unwrap_or("");
            assert!(
                bounce_doctor::diagnose::sanitize(line.trim_end()).contains(e.text.trim()),
                "{name}: evidence line {} is {:?}, not {:?}",
                e.line,
                line,
                e.text
            );
        }
    }
}

#[test]
fn postfix_dsn() {
    let m = one("postfix-dsn.eml");
    assert_eq!(m.kind, MessageKind::Bounce);
    assert_eq!(m.recipients.len(), 1);
    let r = &m.recipients[0];
    assert_eq!(r.recipient.as_deref(), Some("bob@example.net"));
    assert_eq!(r.action.as_deref(), Some("failed"));
    assert_eq!(r.status.as_deref(), Some("5.1.1"));
    assert_eq!(r.reply_code, Some(550));
    assert_eq!(r.reason, Reason::UserUnknown);
    assert!(r.hard);
    assert_eq!(r.remote_mta.as_deref(), Some("mx.example.net"));
    assert!(r
        .evidence
        .iter()
        .any(|e| e.text.starts_with("Status: 5.1.1")));
    assert_eq!(m.prefill.sender_domain.as_deref(), Some("example.org"));
    assert_eq!(m.prefill.mail_host.as_deref(), Some("mx.example.org"));
    assert_evidence_is_real("postfix-dsn.eml", &m);
}

#[test]
fn exim_bounce() {
    let m = one("exim.eml");
    assert_eq!(m.recipients.len(), 1, "{:?}", m.recipients);
    let r = &m.recipients[0];
    assert_eq!(r.recipient.as_deref(), Some("dave@example.com"));
    assert_eq!(r.status.as_deref(), Some("5.2.2"));
    assert_eq!(r.reply_code, Some(552));
    assert_eq!(r.reason, Reason::MailboxFull);
    assert!(!r.hard);
    assert_eq!(r.remote_mta.as_deref(), Some("mx.example.com"));
    assert_evidence_is_real("exim.eml", &m);
}

#[test]
fn qmail_bounce() {
    let m = one("qmail.eml");
    let r = &m.recipients[0];
    assert_eq!(r.recipient.as_deref(), Some("frank@example.net"));
    assert_eq!(r.reply_code, Some(550));
    assert_eq!(r.status.as_deref(), Some("5.1.1"));
    assert_eq!(r.reason, Reason::UserUnknown);
    // The remote server's own address is not a sending IP.
    assert!(m.prefill.ips.is_empty(), "{:?}", m.prefill.ips);
    assert_eq!(m.prefill.mail_host.as_deref(), Some("mail.example.org"));
    assert_evidence_is_real("qmail.eml", &m);
}

#[test]
fn sendmail_transcript() {
    let m = one("sendmail-transcript.eml");
    assert_eq!(m.recipients.len(), 1);
    let r = &m.recipients[0];
    assert_eq!(r.recipient.as_deref(), Some("heidi@example.net"));
    assert_eq!(r.status.as_deref(), Some("5.7.1"));
    assert_eq!(r.reason, Reason::NoRelaying);
    assert_evidence_is_real("sendmail-transcript.eml", &m);
}

#[test]
fn exchange_ndr() {
    let m = one("exchange-ndr.eml");
    assert_eq!(m.recipients.len(), 1);
    let r = &m.recipients[0];
    assert_eq!(r.recipient.as_deref(), Some("judy@corp.example.com"));
    assert_eq!(r.status.as_deref(), Some("5.1.10"));
    assert_eq!(r.reply_code, Some(550));
    assert_eq!(r.reason, Reason::UserUnknown);
    assert!(r
        .evidence
        .iter()
        .any(|e| e.text.contains("RecipientNotFound")));
    assert_evidence_is_real("exchange-ndr.eml", &m);
}

#[test]
fn gmail_dsn() {
    let m = one("gmail-dsn.eml");
    let r = &m.recipients[0];
    assert_eq!(r.recipient.as_deref(), Some("leo@example.net"));
    assert_eq!(r.status.as_deref(), Some("5.7.26"));
    assert_eq!(r.reason, Reason::AuthFailure);
    assert_eq!(r.remote_mta.as_deref(), Some("mx.example.net"));
    assert_evidence_is_real("gmail-dsn.eml", &m);
}

#[test]
fn forwarded_with_original_message_separator() {
    // Outlook forwards and replies put "-----Original Message-----" above the
    // forwarded mail: here that mail is the bounce, not a copy to skip.
    let name = "forwarded-original-message.txt";
    let m = one(name);
    assert_eq!(m.kind, MessageKind::Bounce);
    assert_eq!(m.recipients.len(), 1, "{:#?}", m.recipients);
    let r = &m.recipients[0];
    assert_eq!(r.recipient.as_deref(), Some("carol@contoso.example"));
    assert_eq!(r.status.as_deref(), Some("5.1.10"));
    assert_eq!(r.reason, Reason::UserUnknown);
    assert_evidence_is_real(name, &m);
}

#[test]
fn mail_log_lines() {
    // What a postmaster copies from the log: Postfix delivery and smtpd
    // reject lines, an Exim failure. Each is a recipient with its evidence.
    let name = "mail-log-lines.txt";
    let m = one(name);
    assert_eq!(m.kind, MessageKind::Bounce);
    let got: Vec<_> = m
        .recipients
        .iter()
        .map(|r| {
            (
                r.recipient.clone().unwrap_or_default(),
                r.action.clone().unwrap_or_default(),
                r.status.clone().unwrap_or_default(),
                r.reason,
            )
        })
        .collect();
    let want = [
        ("bob@example.net", "failed", "5.1.1", Reason::UserUnknown),
        ("erin@example.org", "failed", "5.7.1", Reason::Blocked),
        ("frank@example.net", "failed", "5.7.1", Reason::SpamDetected),
    ];
    for (addr, action, status, reason) in want {
        assert!(
            got.iter().any(|g| g
                == &(
                    addr.to_string(),
                    action.to_string(),
                    status.to_string(),
                    reason
                )),
            "{addr}: {got:#?}"
        );
    }
    let dave = m
        .recipients
        .iter()
        .find(|r| r.recipient.as_deref() == Some("dave@example.org"))
        .expect("deferred recipient");
    assert_eq!(dave.action.as_deref(), Some("delayed"));
    assert!(!dave.hard);
    assert_evidence_is_real(name, &m);
}

#[test]
fn forwarded_quoted_bounce() {
    let m = one("forwarded-quoted.eml");
    assert_eq!(m.kind, MessageKind::Bounce);
    let got: Vec<_> = m
        .recipients
        .iter()
        .map(|r| (r.recipient.clone().unwrap_or_default(), r.reason))
        .collect();
    assert_eq!(
        got,
        vec![
            ("niaj@example.net".to_string(), Reason::Blocked),
            ("olivia@example.net".to_string(), Reason::UserUnknown)
        ]
    );
    assert_eq!(
        m.prefill.ips,
        vec!["198.51.100.23".parse::<std::net::IpAddr>().unwrap()]
    );
    assert_evidence_is_real("forwarded-quoted.eml", &m);
}

#[test]
fn mbox_with_two_bounces() {
    let v = run("two-bounces.mbox");
    assert_eq!(v.len(), 2);
    assert_eq!(v[0].first_line, 2);
    assert_eq!(v[0].recipients[0].reason, Reason::MailboxFull);
    assert_eq!(
        v[1].recipients[0].recipient.as_deref(),
        Some("rupert@example.com")
    );
    assert_eq!(v[1].recipients[0].reason, Reason::HostUnknown);
    assert!(v[1].recipients[0].evidence[0].line > v[1].first_line);
}

#[test]
fn bare_reply_line() {
    let m = one("bare-line.txt");
    let r = &m.recipients[0];
    assert_eq!(r.recipient.as_deref(), Some("a@b.example"));
    assert_eq!(r.reply_code, Some(550));
    assert_eq!(r.status.as_deref(), Some("5.1.1"));
    assert_eq!(r.reason, Reason::UserUnknown);
    assert!(r.hard);
    assert_eq!(r.evidence[0].line, 1);
}

#[test]
fn smtp_transcript() {
    let m = one("smtp-transcript.txt");
    let got: Vec<_> = m
        .recipients
        .iter()
        .map(|r| {
            (
                r.recipient.clone().unwrap_or_default(),
                r.reply_code,
                r.reason,
            )
        })
        .collect();
    // The RCPT refusal belongs to trent; the refusal after DATA to the accepted uma.
    assert_eq!(
        got,
        vec![
            (
                "trent@example.net".to_string(),
                Some(450),
                Reason::MailboxFull
            ),
            (
                "uma@example.net".to_string(),
                Some(554),
                Reason::SpamDetected
            )
        ]
    );
    assert_eq!(m.recipients[0].evidence[0].line, 8);
}

#[test]
fn base64_delivery_status() {
    let m = one("base64-dsn.eml");
    let r = &m.recipients[0];
    assert_eq!(r.recipient.as_deref(), Some("victor@example.net"));
    assert_eq!(r.status.as_deref(), Some("5.2.2"));
    assert_eq!(r.reason, Reason::MailboxFull);
}

#[test]
fn quoted_printable_delivery_status() {
    let m = one("qp-dsn.eml");
    let r = &m.recipients[0];
    assert_eq!(r.recipient.as_deref(), Some("xavier@example.net"));
    assert_eq!(r.action.as_deref(), Some("delayed"));
    assert_eq!(r.status.as_deref(), Some("4.4.7"));
    assert_eq!(r.reason, Reason::Expired);
    assert!(r.diagnostic.as_deref().unwrap().contains("queue too long"));
}

#[test]
fn iso_2022_jp_body() {
    let m = one("iso2022jp.eml");
    assert_eq!(m.kind, MessageKind::Bounce);
    let r = &m.recipients[0];
    assert_eq!(r.recipient.as_deref(), Some("zoe@example.jp"));
    assert_eq!(r.reason, Reason::MailboxFull);
    // The decoded subject is text, not ISO-2022-JP escape sequences.
    let subject = m.subject.as_deref().unwrap();
    assert!(
        !subject.is_empty() && !subject.contains('\u{1b}'),
        "{subject:?}"
    );
}

#[test]
fn latin1_body() {
    let m = one("latin1.eml");
    let r = &m.recipients[0];
    assert_eq!(r.reason, Reason::MailboxFull);
    assert!(r.diagnostic.as_deref().unwrap().contains("Boîte pleine"));
}

#[test]
fn crlf_and_cr_give_the_same_answer() {
    let lf = fixture("postfix-dsn.eml");
    let text = String::from_utf8(lf.clone()).unwrap();
    let crlf = text.replace('\n', "\r\n");
    let cr = text.replace('\n', "\r");
    let a = diagnose(&lf, kb()).unwrap();
    assert_eq!(a, diagnose(crlf.as_bytes(), kb()).unwrap());
    assert_eq!(a, diagnose(cr.as_bytes(), kb()).unwrap());
}

#[test]
fn escape_sequences_never_reach_output() {
    let m = one("escape-sequences.eml");
    let r = &m.recipients[0];
    assert_eq!(r.reason, Reason::UserUnknown);
    let json = serde_json::to_string(&m).unwrap();
    assert!(
        !json.contains('\u{1b}') && !json.contains('\u{7}'),
        "{json}"
    );
    let all = format!("{:?} {:?}", m.subject, r.evidence);
    assert!(!all.contains('\u{1b}'));
    assert!(r.diagnostic.as_deref().unwrap().contains("\\x1B[31m"));
}

#[test]
fn binary_input_is_refused() {
    let mut bytes = b"\x7fELF\x02\x01\x01".to_vec();
    bytes.extend((0..4096u32).map(|i| (i * 7 % 251) as u8));
    assert_eq!(diagnose(&bytes, kb()), Err(InputError::Binary));
    assert_eq!(diagnose(b"550 5.1.1 a\0b", kb()), Err(InputError::Binary));
}

#[test]
fn oversized_input_is_refused() {
    let big = vec![b'a'; MAX_INPUT + 1];
    assert!(matches!(
        diagnose(&big, kb()),
        Err(InputError::TooLarge { .. })
    ));
}

#[test]
fn empty_input_is_refused() {
    assert_eq!(diagnose(b" \n\r\n", kb()), Err(InputError::Empty));
}

#[test]
fn ordinary_mail_is_not_a_bounce() {
    let mail = b"From: amy@example.org\nTo: ben@example.net\nSubject: lunch\n\nSee you at noon.\nben@example.net\n";
    let v = diagnose(mail, kb()).unwrap();
    assert_eq!(v[0].kind, MessageKind::NotBounce);
    assert!(v[0].recipients.is_empty());
}

#[test]
fn auto_reply_is_vacation() {
    let mail = b"From: cat@example.org\nTo: dan@example.net\nSubject: Out of Office: lunch\nAuto-Submitted: auto-replied\n\nI am away until Monday.\n";
    let v = diagnose(mail, kb()).unwrap();
    assert_eq!(v[0].kind, MessageKind::Vacation);
    assert_eq!(v[0].recipients[0].reason, Reason::Vacation);
}

#[test]
fn feedback_report_is_recognised() {
    let mail = b"From: fbl@isp.example\nTo: abuse@example.org\nSubject: complaint\nMIME-Version: 1.0\nContent-Type: multipart/report; report-type=feedback-report; boundary=\"F\"\n\n--F\nContent-Type: text/plain\n\nA complaint.\n\n--F\nContent-Type: message/feedback-report\n\nFeedback-Type: abuse\nUser-Agent: test/1.0\nVersion: 1\nOriginal-Rcpt-To: eli@isp.example\nSource-IP: 192.0.2.77\n\n--F--\n";
    let v = diagnose(mail, kb()).unwrap();
    assert_eq!(v[0].kind, MessageKind::Feedback);
    assert_eq!(
        v[0].recipients[0].recipient.as_deref(),
        Some("eli@isp.example")
    );
    assert_eq!(v[0].recipients[0].reason, Reason::Feedback);
    assert_eq!(
        v[0].prefill.ips,
        vec!["192.0.2.77".parse::<std::net::IpAddr>().unwrap()]
    );
}

#[test]
fn deeply_nested_mime_is_bounded() {
    let mut s = String::from("From: MAILER-DAEMON@x.example\nSubject: Undelivered Mail Returned to Sender\nMIME-Version: 1.0\n");
    for i in 0..2000 {
        s.push_str(&format!(
            "Content-Type: multipart/mixed; boundary=\"b{i}\"\n\n--b{i}\n"
        ));
    }
    s.push_str("Content-Type: text/plain\n\n<x@example.net>: 550 5.1.1 User unknown\n");
    let v = diagnose(s.as_bytes(), kb()).expect("no error");
    assert!(!v.is_empty());
}

/// The diagnostic of the only recipient of a one-message fixture.
fn only_diagnostic(name: &str, m: &MessageDiagnosis) -> String {
    assert_eq!(m.kind, MessageKind::Bounce, "{name}");
    assert_eq!(m.recipients.len(), 1, "{name}: {:?}", m.recipients);
    assert_evidence_is_real(name, m);
    m.recipients[0].diagnostic.clone().unwrap_or_default()
}

#[test]
fn domino_reason_follows_because() {
    let m = one("domino.eml");
    let d = only_diagnostic("domino.eml", &m);
    let r = &m.recipients[0];
    assert_eq!(r.recipient.as_deref(), Some("bob@example.net"));
    // The text after "because:" is the reason; the lead-in is not.
    assert!(d.starts_with("User Bob Smith"), "{d}");
}

#[test]
fn notes_reason_above_address() {
    let m = one("notes.eml");
    let d = only_diagnostic("notes.eml", &m);
    assert_eq!(
        m.recipients[0].recipient.as_deref(),
        Some("carol@example.net")
    );
    assert_eq!(d, "User not listed in public Name & Address Book");
}

#[test]
fn sendmail_v5_verdict_lines_pair_replies() {
    let m = one("sendmail-v5.eml");
    assert_evidence_is_real("sendmail-v5.eml", &m);
    let got: Vec<(Option<&str>, &str)> = m
        .recipients
        .iter()
        .map(|r| {
            (
                r.recipient.as_deref(),
                r.diagnostic.as_deref().unwrap_or(""),
            )
        })
        .collect();
    assert_eq!(got.len(), 3, "{got:?}");
    // The sender named in the refused MAIL FROM is not a recipient.
    assert_eq!(got[0].0, Some("dan@example.com"));
    assert!(got[0].1.contains("sender domain refused"), "{got:?}");
    // A host line explains the recipient at that host, not the one before.
    assert_eq!(got[1].0, Some("erin@example.net"));
    assert!(got[1].1.contains("Host unknown"), "{got:?}");
    assert!(!got[1].1.contains("refused"), "{got:?}");
    assert_eq!(got[2].0, Some("gus@example.edu"));
    assert!(got[2].1.contains("Requested mailbox not found"), "{got:?}");
    assert_eq!(m.recipients[1].reason, Reason::HostUnknown);
    assert_eq!(m.recipients[2].reason, Reason::UserUnknown);
}

#[test]
fn heading_above_recipient_list_applies_to_it() {
    let m = one("heading-list.eml");
    let d = only_diagnostic("heading-list.eml", &m);
    assert_eq!(
        m.recipients[0].recipient.as_deref(),
        Some("hana@mobile.example.jp")
    );
    assert!(d.contains("account is disabled"), "{d}");
    assert_eq!(m.recipients[0].reason, Reason::Suspend);
}

#[test]
fn bulleted_recipient_list() {
    let m = one("bullet-list.eml");
    let d = only_diagnostic("bullet-list.eml", &m);
    let r = &m.recipients[0];
    assert_eq!(r.recipient.as_deref(), Some("ivan@example.net"));
    assert!(d.contains("User unknown in relay recipient table"), "{d}");
    assert_eq!(r.status.as_deref(), Some("5.1.1"));
}

#[test]
fn failure_text_in_paragraph_after_intro() {
    let m = one("dragonfly.eml");
    let d = only_diagnostic("dragonfly.eml", &m);
    assert_eq!(
        m.recipients[0].recipient.as_deref(),
        Some("judy@example.net")
    );
    assert!(
        d.contains("Could not deliver for the last 432000 seconds"),
        "{d}"
    );
}

#[test]
fn mailing_list_notice() {
    let m = one("list-notice.eml");
    let d = only_diagnostic("list-notice.eml", &m);
    assert_eq!(
        m.recipients[0].recipient.as_deref(),
        Some("lunch@lists.example.org")
    );
    assert!(
        d.starts_with("You are not a member of this mailing list"),
        "{d}"
    );
    assert_eq!(m.recipients[0].reason, Reason::Rejected);
}

#[test]
fn mailing_list_post_is_not_a_notice() {
    let m = one("list-post.eml");
    assert_eq!(m.kind, MessageKind::NotBounce, "{:?}", m.recipients);
}

#[test]
fn sns_envelope_with_ses_bounce() {
    let m = one("sns-envelope.txt");
    only_diagnostic("sns-envelope.txt", &m);
    let r = &m.recipients[0];
    assert_eq!(r.recipient.as_deref(), Some("kim@example.net"));
    assert_eq!(r.status.as_deref(), Some("5.1.1"));
    assert_eq!(r.reason, Reason::UserUnknown);
}

#[test]
fn recipient_that_is_not_an_address() {
    let m = one("file-recipient.eml");
    let d = only_diagnostic("file-recipient.eml", &m);
    assert_eq!(
        m.recipients[0].recipient.as_deref(),
        Some("/var/mail/spool/example.org/lee")
    );
    assert!(d.contains("mailbox is full"), "{d}");
    assert_eq!(m.recipients[0].reason, Reason::MailboxFull);
}

#[test]
fn status_comment_is_the_text_when_no_diagnostic_code() {
    let m = one("status-comment.eml");
    let d = only_diagnostic("status-comment.eml", &m);
    assert_eq!(d, "example.net: host name lookup failure");
    assert_eq!(m.recipients[0].status.as_deref(), Some("4.0.0"));
}

#[test]
fn mbox_without_blank_line_before_from() {
    let v = run("mbox-no-blank.mbox");
    assert_eq!(v.len(), 2, "{v:?}");
    assert_eq!(
        v[0].recipients[0].recipient.as_deref(),
        Some("ned@example.net")
    );
    assert_eq!(
        v[1].recipients[0].recipient.as_deref(),
        Some("olga@example.net")
    );
    assert_eq!(v[1].recipients[0].status.as_deref(), Some("5.2.2"));
    for m in &v {
        assert_evidence_is_real("mbox-no-blank.mbox", m);
    }
}

#[test]
fn apple_unsubscribe_is_feedback() {
    let m = one("apple-unsubscribe.eml");
    assert_eq!(m.kind, MessageKind::Feedback);
    assert_eq!(m.recipients.len(), 1);
    assert_eq!(
        m.recipients[0].recipient.as_deref(),
        Some("pat@example.net")
    );
    assert_evidence_is_real("apple-unsubscribe.eml", &m);
}

#[test]
fn evidence_of_a_decoded_line_is_its_own_input_line() {
    let m = one("notes-iso2022jp.eml");
    assert_eq!(m.recipients.len(), 1);
    let r = &m.recipients[0];
    assert_eq!(r.recipient.as_deref(), Some("taro@example.jp"));
    let d = r.diagnostic.as_deref().unwrap_or("");
    assert!(d.contains("見つかりません"), "{d}");
    // The reason is on line 11 of the input (in ISO-2022-JP bytes there).
    let lines: Vec<usize> = r.evidence.iter().map(|e| e.line).collect();
    assert_eq!(lines, vec![11, 12], "{:?}", r.evidence);
}

#[test]
fn quoted_printable_soft_breaks_keep_evidence_on_real_lines() {
    let m = one("qp-soft-breaks.eml");
    assert_eq!(m.recipients.len(), 1, "{:?}", m.recipients);
    let r = &m.recipients[0];
    assert_eq!(r.recipient.as_deref(), Some("uma@example.net"));
    assert_eq!(r.status.as_deref(), Some("5.2.1"));
    assert_evidence_is_real("qp-soft-breaks.eml", &m);
    // The Diagnostic-Code field starts on line 21 of the input.
    assert!(r.evidence.iter().any(|e| e.line == 21), "{:?}", r.evidence);
}
