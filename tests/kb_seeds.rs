//! Every bounce message and every remediation step of the five seed documents
//! (Symantec/MessageLabs troubleshooting in English and French, Rackspace's
//! common bounces, Broadcom's MAILER-DAEMON@messagelabs.com examples and the
//! "Understanding Email Bounce Messages" server problems) must be found by the
//! built-in knowledge base. The texts below are copied from the seeds so the
//! test does not depend on files outside the crate.

use bounce_doctor::knowledge::{Index, KnowledgeBase};

/// One message of a seed document.
struct SeedMessage {
    /// Which seed it comes from (for failure messages).
    seed: &'static str,
    /// A distinctive fragment, verbatim from the seed.
    fragment: &'static str,
    /// The whole line when the seed quotes a complete SMTP reply.
    line: Option<&'static str>,
    /// The reply or enhanced code the seed gives the message.
    code: Option<&'static str>,
    /// The entry that must explain it.
    id: &'static str,
}

const fn msg(
    seed: &'static str,
    fragment: &'static str,
    line: Option<&'static str>,
    code: Option<&'static str>,
    id: &'static str,
) -> SeedMessage {
    SeedMessage {
        seed,
        fragment,
        line,
        code,
        id,
    }
}

const SEED_MESSAGES: &[SeedMessage] = &[
    // Seed 000: Symantec/MessageLabs troubleshooting page (English).
    msg("000", "blocked as spam by our Signaturing anti-spam filter", None, None, "messagelabs-signaturing-spam"),
    msg("000", "put on a block list by the Spamhaus PBL block list", None, None, "messagelabs-spamhaus-pbl"),
    msg("000", "your IP address is on the recipient’s private block list", None, None, "messagelabs-private-ip-blocklist"),
    msg("000", "your domain is on the recipient’s private block list", None, None, "messagelabs-private-domain-blocklist"),
    msg("000", "your email address is on the recipient’s private block list", None, None, "messagelabs-private-address-blocklist"),
    msg("000", "sent an email to an invalid address at the recipient’s domain", None, None, "messagelabs-invalid-recipient"),
    msg(
        "000",
        "as a relay",
        Some("you are trying to use me [server-x.tower-xx.messagelab] as a relay"),
        None,
        "messagelabs-relay-denied",
    ),
    msg("000", "queued the email for redelivery at a later time", None, None, "messagelabs-queued-for-redelivery"),
    msg("000", "blocked as spam by our SMTP traffic shaping filter", None, None, "messagelabs-traffic-shaping"),
    msg("000", "exceeded the number of messages allowed in the same connection", None, None, "messagelabs-too-many-messages-per-connection"),
    msg("000", "mail server may not comply with RFC 2821", None, None, "messagelabs-rfc2821-noncompliance"),
    msg("000", "The error message indicates a temporary error", None, None, "messagelabs-temporary-error"),
    msg("000", "The format of your message did not comply with RFC 2822", None, None, "messagelabs-rfc2822-noncompliance"),
    msg("000", "sending from an email address that has been blocked by MessageLabs", None, None, "messagelabs-sender-address-blocked"),
    msg("000", "The error message indicates a permanent error", None, None, "messagelabs-permanent-error"),
    // Seed 001: the French copy, which names the service Symantec.cloud.
    msg(
        "001",
        "trying to use me [server-x.tower-xx.messagelab] as a relay",
        Some("If you are trying to use me [server-x.tower-xx.messagelab] as a relay"),
        None,
        "messagelabs-relay-denied",
    ),
    msg("001", "sending from an email address that has been blocked by\nSymantec.cloud", None, None, "messagelabs-sender-address-blocked"),
    msg("001", "so it has queued the email for redelivery", None, None, "messagelabs-queued-for-redelivery"),
    msg("001", "Spamhaus PBL block list", None, None, "messagelabs-spamhaus-pbl"),
    // MessageLabs reply asking for SMTP authentication (Sisimai MessageLabs sample).
    msg(
        "000",
        "Please turn on SMTP Authentication in your mail client",
        Some("550-Please turn on SMTP Authentication in your mail client. 550-mail0.bemta0.messagelabs.com [198.51.100.21]:22222 is not permitted to 550 relay through this server without authentication."),
        Some("550"),
        "messagelabs-smtp-auth-required",
    ),
];

/// A remediation step of a seed: the entry that must carry it and a phrase its steps must contain.
const SEED_STEPS: &[(&str, &str, &str)] = &[
    // Seed 000/001, Signaturing anti-spam filter, steps I-VIII and the fallback.
    (
        "I: blocklists, removal, wait 24 hours",
        "messagelabs-signaturing-spam",
        "wait 24 hours",
    ),
    ("I: blocklists", "messagelabs-signaturing-spam", "blocklist"),
    (
        "II: open relay",
        "messagelabs-signaturing-spam",
        "open relay",
    ),
    (
        "III: ISP smart host",
        "messagelabs-signaturing-spam",
        "smart host",
    ),
    (
        "IV: spam content",
        "messagelabs-signaturing-spam",
        "spamvertised",
    ),
    (
        "V: server configured correctly",
        "messagelabs-signaturing-spam",
        "set up correctly",
    ),
    (
        "VI: virus-infected machines",
        "messagelabs-signaturing-spam",
        "infected with a virus",
    ),
    (
        "VII: exploitable web scripts",
        "messagelabs-signaturing-spam",
        "mail()",
    ),
    (
        "VIII: opt-out link",
        "messagelabs-signaturing-spam",
        "opt-out",
    ),
    (
        "after VIII: approved senders",
        "messagelabs-signaturing-spam",
        "approved senders list",
    ),
    (
        "PBL: removal at spamhaus.org/pbl",
        "messagelabs-spamhaus-pbl",
        "spamhaus.org/pbl",
    ),
    (
        "PBL: resend after 1 hour",
        "messagelabs-spamhaus-pbl",
        "1 hour",
    ),
    (
        "PBL: approved senders",
        "messagelabs-spamhaus-pbl",
        "approved senders list",
    ),
    (
        "private IP list: contact recipient",
        "messagelabs-private-ip-blocklist",
        "phone, fax",
    ),
    (
        "private IP list: approved senders",
        "messagelabs-private-ip-blocklist",
        "approved senders list",
    ),
    (
        "private domain list: approved senders",
        "messagelabs-private-domain-blocklist",
        "approved senders list",
    ),
    (
        "private address list: approved senders",
        "messagelabs-private-address-blocklist",
        "approved senders list",
    ),
    (
        "invalid address: spelling",
        "messagelabs-invalid-recipient",
        "typing mistakes",
    ),
    (
        "invalid address: wait 4-6 hours",
        "messagelabs-invalid-recipient",
        "4 to 6 hours",
    ),
    (
        "invalid address: contact recipient",
        "messagelabs-invalid-recipient",
        "another way",
    ),
    (
        "relay: refresh DNS",
        "messagelabs-relay-denied",
        "dns cache",
    ),
    (
        "relay: outbound IP",
        "messagelabs-relay-denied",
        "ip address registered",
    ),
    (
        "relay: recipient MX",
        "messagelabs-relay-denied",
        "mx records",
    ),
    (
        "relay: invalid characters",
        "messagelabs-relay-denied",
        "characters",
    ),
    (
        "relay: contact recipient",
        "messagelabs-relay-denied",
        "another way",
    ),
    (
        "queued: retried",
        "messagelabs-queued-for-redelivery",
        "retrying",
    ),
    (
        "queued: ask administrator",
        "messagelabs-queued-for-redelivery",
        "administrator",
    ),
    (
        "queued: contact recipient",
        "messagelabs-queued-for-redelivery",
        "another way",
    ),
    (
        "traffic shaping I: open relay, wait 24 hours",
        "messagelabs-traffic-shaping",
        "open relay",
    ),
    (
        "traffic shaping I: wait 24 hours",
        "messagelabs-traffic-shaping",
        "wait 24 hours",
    ),
    (
        "traffic shaping II: block lists",
        "messagelabs-traffic-shaping",
        "blocklists",
    ),
    (
        "traffic shaping: approved senders",
        "messagelabs-traffic-shaping",
        "approved senders list",
    ),
    (
        "messages per connection: resend",
        "messagelabs-too-many-messages-per-connection",
        "send the message again",
    ),
    (
        "messages per connection: IT administrator",
        "messagelabs-too-many-messages-per-connection",
        "administrator or isp",
    ),
    (
        "RFC 2821: IT administrator",
        "messagelabs-rfc2821-noncompliance",
        "administrator or isp",
    ),
    (
        "RFC 2821: contact recipient",
        "messagelabs-rfc2821-noncompliance",
        "contact the recipient",
    ),
    (
        "RFC 2822: IT administrator",
        "messagelabs-rfc2822-noncompliance",
        "administrator or isp",
    ),
    (
        "RFC 2822: contact recipient",
        "messagelabs-rfc2822-noncompliance",
        "contact the recipient",
    ),
    (
        "temporary error: resend",
        "messagelabs-temporary-error",
        "send the message again",
    ),
    (
        "temporary error: IT administrator",
        "messagelabs-temporary-error",
        "administrator or isp",
    ),
    (
        "permanent error: resend",
        "messagelabs-permanent-error",
        "send the message once more",
    ),
    (
        "permanent error: IT administrator",
        "messagelabs-permanent-error",
        "administrator or isp",
    ),
    (
        "blocked address: no spam sent",
        "messagelabs-sender-address-blocked",
        "no spam leaves",
    ),
    (
        "blocked address: auto forwarding / out of office",
        "messagelabs-sender-address-blocked",
        "out-of-office",
    ),
    (
        "blocked address: wait 24 hours",
        "messagelabs-sender-address-blocked",
        "wait 24 hours",
    ),
    (
        "blocked address: contact recipient",
        "messagelabs-sender-address-blocked",
        "another way",
    ),
];

/// Ids of the first `n` search results.
fn top(kb: &KnowledgeBase, index: &Index, query: &str, n: usize) -> Vec<String> {
    index
        .search(query)
        .iter()
        .take(n)
        .map(|h| kb.entries[h.index].id.clone())
        .collect()
}

#[test]
fn every_seed_message_finds_its_entry() {
    let kb = KnowledgeBase::builtin();
    let index = Index::new(&kb);
    let mut failures = Vec::new();
    for m in SEED_MESSAGES {
        let Some(entry) = kb.get(m.id) else {
            failures.push(format!("seed {}: entry `{}` does not exist", m.seed, m.id));
            continue;
        };
        assert!(
            entry.origin.path.starts_with("knowledge/seeds/"),
            "`{}` should live in knowledge/seeds/, not {}",
            m.id,
            entry.origin.path
        );
        let mut queries = vec![m.fragment];
        queries.extend(m.line);
        for q in queries {
            let found = top(&kb, &index, q, 3);
            if !found.iter().any(|id| id == m.id) {
                failures.push(format!(
                    "seed {}: {q:?} -> top 3 {found:?}, expected `{}`",
                    m.seed, m.id
                ));
            }
        }
        if let Some(code) = m.code {
            if !entry.codes.iter().any(|c| c == code) {
                failures.push(format!("seed {}: `{}` lacks code {code}", m.seed, m.id));
            }
            let all = top(&kb, &index, code, usize::MAX);
            if !all.iter().any(|id| id == m.id) {
                failures.push(format!(
                    "seed {}: searching code {code} does not list `{}`",
                    m.seed, m.id
                ));
            }
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

#[test]
fn every_seed_message_is_matched_by_a_pattern_of_its_entry() {
    let kb = KnowledgeBase::builtin();
    let mut failures = Vec::new();
    for m in SEED_MESSAGES {
        let text = m.line.unwrap_or(m.fragment).to_lowercase();
        let Some(pos) = kb.position(m.id) else {
            failures.push(format!("entry `{}` does not exist", m.id));
            continue;
        };
        if !kb.patterns[pos].iter().any(|p| p.find(&text).is_some()) {
            failures.push(format!(
                "seed {}: no `match` of `{}` finds {text:?}",
                m.seed, m.id
            ));
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

#[test]
fn every_seed_remediation_step_is_in_an_entry() {
    let kb = KnowledgeBase::builtin();
    let mut failures = Vec::new();
    for (step, id, phrase) in SEED_STEPS {
        let Some(entry) = kb.get(id) else {
            failures.push(format!("{step}: entry `{id}` does not exist"));
            continue;
        };
        let phrase = phrase.to_lowercase();
        if !entry
            .steps
            .iter()
            .any(|s| s.to_lowercase().contains(&phrase))
        {
            failures.push(format!("{step}: no step of `{id}` mentions {phrase:?}"));
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

#[test]
fn the_spam_checklist_offers_every_wizard_check() {
    use bounce_doctor::knowledge::CheckKind;
    let kb = KnowledgeBase::builtin();
    let entry = kb
        .get("messagelabs-signaturing-spam")
        .expect("signaturing entry");
    for check in [
        CheckKind::Blocklist,
        CheckKind::Relay,
        CheckKind::SmartHost,
        CheckKind::Content,
        CheckKind::DnsPtr,
        CheckKind::Helo,
        CheckKind::Spf,
        CheckKind::InfectedHosts,
        CheckKind::WebScripts,
        CheckKind::OptOut,
        CheckKind::ContactRecipient,
    ] {
        assert!(entry.checks.contains(&check), "missing check {check:?}");
    }
}

#[test]
fn seed_entries_name_provider_and_source() {
    let kb = KnowledgeBase::builtin();
    let seeds: Vec<_> = kb
        .entries
        .iter()
        .filter(|e| e.origin.path.starts_with("knowledge/seeds/"))
        .collect();
    assert!(!seeds.is_empty());
    for e in seeds {
        assert!(
            e.source.to_lowercase().contains("seed")
                || e.source.contains("Rackspace")
                || e.source.contains("reference facts"),
            "`{}` source does not name its seed: {}",
            e.id,
            e.source
        );
        if e.id.starts_with("messagelabs-") {
            assert_eq!(
                e.provider.as_deref(),
                Some("Symantec Email Security.cloud (MessageLabs)"),
                "`{}`",
                e.id
            );
        }
    }
}
