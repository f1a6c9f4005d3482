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
        "you are trying to use me",
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
    // Seed 002: Rackspace, common email bounce messages (one row per table row).
    msg("002", "MX host not found", Some("Host or domain name not found. MX host not found."), None, "rackspace-no-mx-records"),
    msg("002", "The recipient cannot verify the existence of your domain.", None, None, "rackspace-sender-domain-unverified"),
    msg("002", "The recipient’s server has received too much spam from this source.", None, None, "rackspace-too-much-spam-from-source"),
    msg("002", "An intermittent issue has occurred.", None, None, "rackspace-intermittent-issue"),
    msg("002", "The sending IP address has too many concurrent connections with our servers.", None, None, "rackspace-too-many-concurrent-connections"),
    msg("002", "the recipient's address (hosted on the external mail server) soft fails", None, None, "rackspace-split-routing-deferred"),
    msg("002", "The domain from which you are sending is not valid.", None, None, "rackspace-invalid-sending-domain"),
    msg("002", "The content of this message has been deemed spam by the internet community", None, None, "rackspace-content-deemed-spam"),
    msg("002", "Your domain exists in Rackspace, but the full email address you sent from does not.", None, None, "rackspace-sender-address-missing"),
    msg("002", "The recipient's email address does not exist in the Rackspace hosted domain.", None, None, "rackspace-recipient-not-in-hosted-domain"),
    msg("002", "The message size exceeds the maximum message size allowed by our servers (50 MB).", None, None, "rackspace-message-too-big"),
    msg("002", "The message contains an attachment file type on the blocked list.", None, None, "rackspace-blocked-attachment-type"),
    msg("002", "The message contains an attachment file type on Outlook's blocked list.", None, None, "rackspace-blocked-attachment-type"),
    msg("002", "an attachment that can be used to exploit WinZip associated files", None, None, "rackspace-blocked-attachment-type"),
    msg("002", "The recipient's address does not exist, or the recipient domain's DNS configuration has an issue.", None, None, "rackspace-recipient-unknown-or-dns"),
    msg("002", "The sending IP address is blocked internally.", None, None, "rackspace-ip-blocked-internally"),
    msg("002", "The sending server is Blocklisted by the Spamhaus PBL.", None, None, "rackspace-spamhaus-pbl"),
    msg("002", "The sending server is Blocklisted by Cloudmark.", None, None, "rackspace-cloudmark"),
    msg("002", "The sending server is Blocklisted by Senderscore.", None, None, "rackspace-senderscore"),
    msg("002", "The sending server is Blocklisted by the Spamhaus XBL.", None, None, "rackspace-spamhaus-xbl"),
    msg("002", "The sending server is Blocklisted by the Spamhaus SBL.", None, None, "rackspace-spamhaus-sbl"),
    msg("002", "The sending server is Blocklisted by Spamcop.", None, None, "rackspace-spamcop"),
    msg("002", "The sender is Blocklisted at the domain level.", None, None, "rackspace-domain-level-blocklist"),
    msg("002", "The sender is Blocklisted at the user level.", None, None, "rackspace-user-level-blocklist"),
    msg("002", "The name of the attached document is longer than 50 characters.", None, None, "rackspace-attachment-name-too-long"),
    msg("002", "the recipient's address (hosted on the external mail server) permanently fails", None, None, "rackspace-split-routing-failed"),
    msg("002", "The recipient's address (and domain) does not exist on our system.", None, None, "rackspace-recipient-and-domain-unknown"),
    msg("002", "The sender failed the DMARC policy, and the policy is set to reject.", None, None, "rackspace-dmarc-reject"),
    msg("002", "The sender failed the SPF policy, and the policy is set to reject.", None, None, "rackspace-spf-reject"),
    // Seed 003: Broadcom, outbound mail returned by MAILER-DAEMON@messagelabs.com.
    // Where the reply text alone is common to many servers ("User unknown",
    // "Relay access denied"), the reply with its code is the distinctive part:
    // the bare text rightly finds every server's entry for it.
    msg("003", "Outbound Mail returned by MAILER-DAEMON@messagelabs.com", None, None, "messagelabs-outbound-returned"),
    msg("003", "552 5.3.4 Message size exceeds fixed maximum message size", None, Some("5.3.4"), "recipient-refused-message-size"),
    msg("003", "552 Message size exceeds fixed limit", None, Some("552"), "recipient-refused-message-size"),
    msg("003", "552 Mailbox is full", None, Some("552"), "recipient-refused-mailbox-full"),
    msg("003", "552 Requested mail action aborted: exceeded storage allocation", None, Some("552"), "recipient-refused-mailbox-full"),
    msg("003", "550 User unknown", None, Some("550"), "recipient-refused-user-unknown"),
    msg("003", "Recipient address rejected: No such user", Some("554 5.7.1 Recipient address rejected: No such user"), Some("5.7.1"), "recipient-refused-user-unknown"),
    msg("003", "550 5.7.1 Unable to Relay", None, Some("5.7.1"), "recipient-refused-relay"),
    msg("003", "554 5.7.1 Relay access denied", None, Some("554"), "recipient-refused-relay"),
    msg("003", "Message rejected as spam by Content Filtering.", Some("550 5.7.1 Message rejected as spam by Content Filtering."), Some("5.7.1"), "recipient-refused-content"),
    msg("003", "Denied (Mode: normal)", Some("554 Denied (Mode: normal)"), Some("554"), "recipient-refused-content"),
    msg("003", "550 Denied by policy", None, Some("550"), "recipient-refused-content"),
    msg("003", "MS-Office file containing VBA macros found inside of the email", Some("552 MS-Office file containing VBA macros found inside of the email"), Some("552"), "recipient-refused-content"),
    msg("003", "Message rejected due to content restrictions", Some("550 5.7.1 Message rejected due to content restrictions"), Some("5.7.1"), "recipient-refused-content"),
    msg("003", "554 5.1.0 Sender denied", None, Some("5.1.0"), "recipient-refused-sender"),
    msg("003", "Envelope sender rejected", Some("553 Envelope sender rejected"), Some("553"), "recipient-refused-sender"),
    msg("003", "SPF check failed. Sender not authorized", Some("550 SPF check failed. Sender not authorized"), Some("550"), "recipient-refused-spf"),
    msg("003", "550 Sender verify failed", None, Some("550"), "recipient-refused-spf"),
    msg("003", "SPF unauthorized mail is prohibited.", Some("550 5.7.1 SPF unauthorized mail is prohibited."), Some("5.7.1"), "recipient-refused-spf"),
    msg("003", "[internal] exceeded max time without delivery", Some("554 5.4.7 [internal] exceeded max time without delivery"), Some("5.4.7"), "messagelabs-outbound-expired"),
    // Seed 004: "Understanding Email Bounce Messages", problems with your email server.
    msg("004", "Bad reverse DNS", Some("451 Bad reverse DNS."), Some("451"), "server-bad-reverse-dns"),
    msg("004", "blocked using b.barracudacentral.org", Some("blocked using b.barracudacentral.org;"), None, "server-barracuda-reputation-blocklist"),
    msg("004", "https://www.barracudanetworks.com/reputation/?pr=1&ip=[ip address]", None, None, "server-barracuda-reputation-blocklist"),
    msg(
        "004",
        "deferred using Trend Micro Email Reputation database",
        Some("Mail from [ip address] deferred using Trend Micro Email Reputation database. Please see https://www.mail-abuse.com/cgi-bin/lookup?[ip address]"),
        None,
        "server-trend-micro-ers-deferred",
    ),
    msg("004", "User defined policy matched for", Some("553 User defined policy matched for [ip address]"), Some("553"), "server-user-defined-policy-matched"),
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
    // Seed 002: Rackspace solutions.
    (
        "no MX: recipient must create MX records",
        "rackspace-no-mx-records",
        "publish mx records",
    ),
    (
        "domain unverified: verify your DNS",
        "rackspace-sender-domain-unverified",
        "dns records",
    ),
    (
        "too much spam: try again later",
        "rackspace-too-much-spam-from-source",
        "later",
    ),
    (
        "too much spam: best practices",
        "rackspace-too-much-spam-from-source",
        "good sending practice",
    ),
    (
        "too much spam: safelist your domain",
        "rackspace-too-much-spam-from-source",
        "safe senders list",
    ),
    (
        "intermittent: wait and resend",
        "rackspace-intermittent-issue",
        "send the message again",
    ),
    (
        "connections: five or less",
        "rackspace-too-many-concurrent-connections",
        "five or fewer",
    ),
    (
        "split routing soft fail: external server on port 25",
        "rackspace-split-routing-deferred",
        "port 25",
    ),
    (
        "invalid domain: use a valid domain",
        "rackspace-invalid-sending-domain",
        "real domain",
    ),
    (
        "content spam: best practices",
        "rackspace-content-deemed-spam",
        "good practice",
    ),
    (
        "sender missing: create mailbox, list or alias",
        "rackspace-sender-address-missing",
        "mailbox, list or alias",
    ),
    (
        "recipient not hosted: add the address",
        "rackspace-recipient-not-in-hosted-domain",
        "add the address",
    ),
    (
        "size: under the threshold",
        "rackspace-message-too-big",
        "smaller than the limit",
    ),
    (
        "attachment: remove blocked type",
        "rackspace-blocked-attachment-type",
        "remove the blocked attachment",
    ),
    (
        "recipient or DNS: check spelling",
        "rackspace-recipient-unknown-or-dns",
        "typing mistakes",
    ),
    (
        "recipient or DNS: recipient checks DNS",
        "rackspace-recipient-unknown-or-dns",
        "dns (mx records)",
    ),
    (
        "blocked internally: safelist",
        "rackspace-ip-blocked-internally",
        "safelist",
    ),
    (
        "PBL: removal via Spamhaus lookup",
        "rackspace-spamhaus-pbl",
        "spamhaus.org/lookup",
    ),
    (
        "PBL: safelisting does not help",
        "rackspace-spamhaus-pbl",
        "will not help",
    ),
    (
        "Cloudmark: reset request",
        "rackspace-cloudmark",
        "csi.cloudmark.com/reset-request",
    ),
    (
        "Cloudmark: safelist meanwhile",
        "rackspace-cloudmark",
        "safelist",
    ),
    (
        "Senderscore: rtbl removal",
        "rackspace-senderscore",
        "senderscore.org/rtbl",
    ),
    (
        "Senderscore: safelist meanwhile",
        "rackspace-senderscore",
        "safelist",
    ),
    (
        "XBL: removal via Spamhaus lookup",
        "rackspace-spamhaus-xbl",
        "spamhaus.org/lookup",
    ),
    (
        "XBL: safelist meanwhile",
        "rackspace-spamhaus-xbl",
        "safelist",
    ),
    (
        "SBL: removal via Spamhaus lookup",
        "rackspace-spamhaus-sbl",
        "spamhaus.org/lookup",
    ),
    (
        "SBL: safelist meanwhile",
        "rackspace-spamhaus-sbl",
        "safelist",
    ),
    (
        "Spamcop: learn more",
        "rackspace-spamcop",
        "spamcop.net/bl.shtml",
    ),
    (
        "Spamcop: removed after 24 hours",
        "rackspace-spamcop",
        "24 hours",
    ),
    (
        "Spamcop: safelist meanwhile",
        "rackspace-spamcop",
        "safelist",
    ),
    (
        "domain level: remove or safelist",
        "rackspace-domain-level-blocklist",
        "domain-level block list",
    ),
    (
        "user level: remove",
        "rackspace-user-level-blocklist",
        "user-level block list",
    ),
    (
        "attachment name: shorten",
        "rackspace-attachment-name-too-long",
        "shorter name",
    ),
    (
        "split routing hard fail: confirm address exists",
        "rackspace-split-routing-failed",
        "exists on the external server",
    ),
    (
        "recipient and domain unknown: check spelling",
        "rackspace-recipient-and-domain-unknown",
        "typing mistakes",
    ),
    (
        "DMARC: comply with the policy",
        "rackspace-dmarc-reject",
        "aligned with the from domain",
    ),
    (
        "DMARC: update the DMARC record",
        "rackspace-dmarc-reject",
        "dmarc, spf and dkim records",
    ),
    (
        "DMARC: resend",
        "rackspace-dmarc-reject",
        "send the message again",
    ),
    (
        "SPF: comply with the policy",
        "rackspace-spf-reject",
        "spf record",
    ),
    // Seed 003: what to do about outbound mail returned by MessageLabs.
    (
        "003: resolved on the recipient system",
        "messagelabs-outbound-returned",
        "quoted",
    ),
    (
        "003: confirm address or adjust content",
        "messagelabs-outbound-returned",
        "confirm the recipient's address",
    ),
    (
        "003: Track and Trace",
        "messagelabs-outbound-returned",
        "track and trace",
    ),
    (
        "003: SPF record",
        "messagelabs-outbound-returned",
        "spf record",
    ),
    (
        "003: SPF record (SPF entry)",
        "recipient-refused-spf",
        "spf record",
    ),
    (
        "003: open a case with support",
        "messagelabs-outbound-returned",
        "technical support",
    ),
    // Seed 004: what to do about server problems.
    (
        "004: contact hosting company for reverse DNS",
        "server-bad-reverse-dns",
        "hosts your mail server",
    ),
    (
        "004: configure reverse DNS",
        "server-bad-reverse-dns",
        "ptr record",
    ),
    (
        "004 Barracuda: report to hosting company, find the spammer",
        "server-barracuda-reputation-blocklist",
        "find who is sending spam",
    ),
    (
        "004 Barracuda: request removal via the link",
        "server-barracuda-reputation-blocklist",
        "request removal",
    ),
    (
        "004 Barracuda: relisted otherwise",
        "server-barracuda-reputation-blocklist",
        "listed again",
    ),
    (
        "004 Trend Micro: find the spammer",
        "server-trend-micro-ers-deferred",
        "find who sends spam",
    ),
    (
        "004 Trend Micro: request removal",
        "server-trend-micro-ers-deferred",
        "request removal",
    ),
    (
        "004 Trend Micro: relisted otherwise",
        "server-trend-micro-ers-deferred",
        "listed again",
    ),
    (
        "004 user defined policy: stop the spam source",
        "server-user-defined-policy-matched",
        "stop the spam source",
    ),
    (
        "004 user defined policy: request removal",
        "server-user-defined-policy-matched",
        "request removal",
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

#[test]
fn the_messagelabs_wrapper_is_found_but_never_outranks_the_quoted_reply() {
    let kb = KnowledgeBase::builtin();
    let index = Index::new(&kb);
    let wrapper = "This is the mail delivery agent at messagelabs.com.";
    let found = top(&kb, &index, wrapper, 3);
    assert!(
        found.iter().any(|id| id == "messagelabs-outbound-returned"),
        "{found:?}"
    );
    // Seed 003's layout around one of its example replies.
    let bounce = "This is the mail delivery agent at messagelabs.com.\n\n\
        I was unable to deliver your message to the following addresses:\n\n\
        someone@example.net\n\nReason: 550 User unknown\n"
        .to_lowercase();
    let best = kb.matching(&bounce);
    let first = best.first().map(|(i, _)| kb.entries[*i].id.as_str());
    assert_eq!(first, Some("recipient-refused-user-unknown"));
}
