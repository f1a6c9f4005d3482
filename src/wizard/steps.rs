//! The catalogue of wizard steps: what each one checks, why it matters, how to
//! fix what it finds, who has to act, and which bounce reasons it helps with.
//!
//! The texts follow the remediation advice of the seed documents (the
//! MessageLabs/Symantec troubleshooting page, Rackspace's bounce table,
//! Symantec's MAILER-DAEMON article and the general bounce guide) and the
//! sender's playbook of the reference facts; [`SEED_STEPS`] records which
//! step carries each seed instruction so a test can prove none is lost.

use crate::knowledge::{Actor, CheckKind, Reason};

/// Which input a probe step cannot run without.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Need {
    /// At least one sending IP.
    Ip,
    /// The sending domain.
    Domain,
    /// The mail server's host name.
    MailHost,
    /// An SMTP server to probe (explicit, or the mail host).
    Smtp,
    /// Nothing: a manual checklist step.
    Nothing,
}

impl Need {
    /// Plain words for "this step needs ..." messages.
    pub fn label(self) -> &'static str {
        match self {
            Need::Ip => "a sending IP address",
            Need::Domain => "the sending domain",
            Need::MailHost => "the mail server's host name",
            Need::Smtp => "an SMTP server (or the mail server's host name)",
            Need::Nothing => "nothing",
        }
    }
}

/// One step of the catalogue.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct StepInfo {
    /// The check kind this step runs or asks about.
    pub kind: CheckKind,
    /// Short title shown in the step list.
    pub title: &'static str,
    /// What the step checks, in one or two sentences.
    pub what: &'static str,
    /// Why it matters for deliverability in general.
    pub why: &'static str,
    /// How to fix a problem this step finds (for manual steps: the checklist itself).
    pub fix: &'static [&'static str],
    /// Who has to act when this step finds a problem.
    pub who: &'static [Actor],
    /// The input the step needs to run.
    pub needs: Need,
}

impl StepInfo {
    /// True for checklist items that no probe can answer.
    pub fn is_manual(&self) -> bool {
        self.kind.is_manual()
    }
}

use Actor::{RecipientAdmin, RecipientUser, SenderAdmin, SenderUser};

/// Every step the wizard knows, in the default order (same as `CheckKind::ALL`).
pub const CATALOGUE: [StepInfo; 17] = [
    StepInfo {
        kind: CheckKind::Blocklist,
        title: "Sending IP on blocklists (DNSBL)",
        what: "Looks up each sending IP in public DNS blocklists (Spamhaus ZEN, SpamCop, Barracuda and others) and tells listed, not listed and could-not-ask apart.",
        why: "Many receivers refuse every message from an IP that is on a blocklist; the bounce often names the list.",
        fix: &[
            "Find and stop the source of the spam first: ask the hosting company or network administrator to find who sends spam through the server (open relay, infected machine, abused web form, stolen account) and ban the culprit. Otherwise the IP is listed again, for longer.",
            "Then request removal from each list that has the IP: Spamhaus https://check.spamhaus.org/ (formerly https://www.spamhaus.org/lookup/), Barracuda https://www.barracudacentral.org/rbl/removal-request, Cloudmark https://csi.cloudmark.com/reset-request, Sender Score https://senderscore.org/rtbl/, SpamCop https://www.spamcop.net/bl.shtml (SpamCop listings expire by themselves within 24 hours after reports stop). A multi-list lookup such as https://www.dnsstuff.com shows third-party lists too.",
            "Spamhaus PBL (answer 127.0.0.10 or 127.0.0.11) is not a spam listing: the IP is in end-user space. Send through your ISP's smart host, or for a static IP running a real mail server request removal at https://www.spamhaus.org/pbl/ and resend after 1 hour.",
            "After removal, wait 24 hours and then resend the message.",
            "Meanwhile ask the recipient to add your address or domain to their allow list (safelist); their filter administrator can do that while the listing lasts.",
        ],
        who: &[SenderAdmin],
        needs: Need::Ip,
    },
    StepInfo {
        kind: CheckKind::DomainBlocklist,
        title: "Sending domain on domain blocklists",
        what: "Looks up the sending domain in domain blocklists (Spamhaus DBL, SURBL, URIBL), which also flag links inside messages.",
        why: "A listed domain in the From address or in a link gets a message refused as spam even when the sending IP is clean.",
        fix: &[
            "Find what got the domain listed (spam sent as the domain, a hacked web site, links in bulk mail), clean it up, then request removal: Spamhaus https://check.spamhaus.org/, SURBL https://www.surbl.org/, URIBL https://admin.uribl.com/.",
            "Check every domain you link to in the message the same way (including URL shorteners); one listed link domain is enough for a refusal.",
        ],
        who: &[SenderAdmin],
        needs: Need::Domain,
    },
    StepInfo {
        kind: CheckKind::Relay,
        title: "Open relay",
        what: "Connects to your mail server on port 25 as a stranger would and asks it to accept mail for a foreign domain. It stops at RCPT: no message is ever sent.",
        why: "An open relay is found and abused by spammers within hours; its IP lands on blocklists and receivers refuse it.",
        fix: &[
            "Allow relaying only for authenticated users and your own networks. Postfix: smtpd_relay_restrictions = permit_mynetworks, permit_sasl_authenticated, reject_unauth_destination. Exchange: remove anonymous relay permission from Internet-facing receive connectors. Exim: relay_from_hosts lists only local networks.",
            "Test again from outside your network (a test from inside the trusted network shows the server as open even when it is closed to the Internet); an external tester such as http://www.abuse.net/relay.html also works.",
            "Once the open relay is fixed, request removal from the blocklists that listed the IP, wait 24 hours and then resend.",
        ],
        who: &[SenderAdmin],
        needs: Need::Smtp,
    },
    StepInfo {
        kind: CheckKind::DnsMx,
        title: "Sending domain's DNS and MX records",
        what: "Checks that the sending domain exists and has MX (or address) records naming host names that resolve.",
        why: "Receivers check that the sender's domain exists and could take replies; a missing or broken domain draws 'sender domain invalid' or 'cannot verify your domain' refusals.",
        fix: &[
            "Verify your domain's DNS is set up: send with an envelope sender and From address in a valid domain that resolves, from an address that exists (mailbox, list or alias) at your provider.",
            "Publish MX records that name host names (not IP addresses, not CNAMEs) with A/AAAA records.",
            "If the bounce said 'use me as a relay' or 'relay access denied': ask your administrator or ISP to refresh (flush) your DNS server's cache, which may hold the recipient's old MX record; send outbound from the IP address registered with your mail provider; check the recipient's address for invalid characters; the recipient may have an incorrect MX record that only they can fix.",
            "With split domain routing, make sure the other mail server is running and accepts connections on port 25.",
            "If the recipient's domain has no MX records (host or domain name not found), the message cannot be delivered until the recipient creates MX records at their DNS host.",
        ],
        who: &[SenderAdmin],
        needs: Need::Domain,
    },
    StepInfo {
        kind: CheckKind::DnsPtr,
        title: "Reverse DNS (PTR) of the sending IP",
        what: "Looks up the PTR name of each sending IP and checks that the name points back to the same IP (forward-confirmed reverse DNS).",
        why: "Gmail, Microsoft and many others refuse or throttle mail from IPs without a matching PTR ('Bad reverse DNS', 'no PTR record'); a generic name such as 1-2-3-4.dsl.example.net looks like a home connection.",
        fix: &[
            "Ask whoever owns the IP (your ISP, hosting company or cloud console) to set its reverse DNS (PTR) to your mail server's host name, such as mail.example.com; it cannot be set in your own domain's zone.",
            "Give that host name an A (or AAAA) record pointing back to the same IP.",
            "Use the same name as the server's HELO/EHLO name.",
        ],
        who: &[SenderAdmin],
        needs: Need::Ip,
    },
    StepInfo {
        kind: CheckKind::Helo,
        title: "HELO name and server configuration",
        what: "Checks that the mail server's host name is a fully qualified name that resolves and matches the sending IP and its PTR.",
        why: "Receivers refuse greetings with bare or unresolvable names (localhost, EXCHANGE01) and servers that break the SMTP rules (RFC 5321, formerly RFC 2821).",
        fix: &[
            "Make sure your mail server is configured correctly: set its HELO/EHLO name to its public fully qualified host name, the same as the PTR name (Postfix: myhostname or smtp_helo_name; Exchange: the send connector's FQDN).",
            "Give that name an A/AAAA record with the sending IP.",
            "Keep the server standards-compliant (RFC 5321, formerly RFC 2821): CRLF line endings with no bare LF, correct command order, TLS with a valid certificate; update outdated mail software.",
            "If a bounce says your server does not comply with RFC 2821, contact your IT administrator or ISP with the full bounce; if it persists, contact the recipient.",
        ],
        who: &[SenderAdmin],
        needs: Need::MailHost,
    },
    StepInfo {
        kind: CheckKind::Spf,
        title: "SPF record",
        what: "Fetches the domain's SPF record, checks its syntax and the 10-lookup limit, and evaluates it for each sending IP.",
        why: "A receiver that sees SPF fail for your IP may refuse the message ('SPF check failed. Sender not authorized'); DMARC needs SPF or DKIM to pass.",
        fix: &[
            "Implement or adjust your SPF record: publish exactly one TXT record starting with v=spf1 that names every service sending as your domain (your servers with ip4:/ip6:, providers with include:).",
            "Stay within 10 DNS lookups (include, a, mx, ptr, exists, redirect); remove includes you no longer use.",
            "End with ~all or -all, never +all.",
            "Verify each sending source is compliant with the SPF policy, and update SPF before a new service starts sending.",
        ],
        who: &[SenderAdmin],
        needs: Need::Domain,
    },
    StepInfo {
        kind: CheckKind::Dmarc,
        title: "DMARC record",
        what: "Fetches the DMARC record at _dmarc.<domain> and reads its policy and report addresses.",
        why: "With p=reject or p=quarantine, mail that passes neither aligned SPF nor aligned DKIM is refused ('5.7.26 ... DMARC policy'); Gmail and Yahoo require a DMARC record from bulk senders.",
        fix: &[
            "Publish v=DMARC1; p=none; rua=mailto:dmarc-reports@<domain> first, read the reports, then move to quarantine or reject.",
            "Verify every sending source complies with the DMARC policy: it must pass SPF or DKIM with a domain aligned to the From domain.",
            "Update your DMARC DNS record (and SPF/DKIM) whenever you add a sending service, then resend.",
        ],
        who: &[SenderAdmin],
        needs: Need::Domain,
    },
    StepInfo {
        kind: CheckKind::Dkim,
        title: "DKIM keys",
        what: "Looks up DKIM public keys at <selector>._domainkey.<domain> for the given selectors (and common ones) and checks key type and size.",
        why: "Without a valid DKIM signature DMARC depends on SPF alone, which breaks when mail is forwarded; large providers expect DKIM from everyone sending volume.",
        fix: &[
            "Turn on DKIM signing for the From domain with a 2048-bit RSA key (optionally Ed25519 as well).",
            "Publish the public key at <selector>._domainkey.<domain>; take the selector from the s= tag of a real signed message.",
            "Do not change messages after signing (added footers or rewritten line endings break the signature).",
        ],
        who: &[SenderAdmin],
        needs: Need::Domain,
    },
    StepInfo {
        kind: CheckKind::MtaSts,
        title: "MTA-STS and TLS reporting",
        what: "Looks up the MTA-STS record (_mta-sts.<domain>) and the TLS reporting record (_smtp._tls.<domain>).",
        why: "Rarely the cause of your own bounces, but a broken policy makes other servers defer mail to you, and TLS reports reveal delivery failures.",
        fix: &[
            "Publish _mta-sts TXT \"v=STSv1; id=<date>\" and the policy at https://mta-sts.<domain>/.well-known/mta-sts.txt, starting with mode: testing.",
            "Publish _smtp._tls TXT \"v=TLSRPTv1; rua=mailto:...\" to receive TLS failure reports.",
            "For TLS failures, renew expired certificates, make the certificate name match the MX name, and offer TLS 1.2 or later.",
        ],
        who: &[SenderAdmin],
        needs: Need::Domain,
    },
    StepInfo {
        kind: CheckKind::SmartHost,
        title: "Dynamic or residential line: use a smart host",
        what: "Whether your server delivers straight to the Internet from a DSL, cable or other line whose IPs are shared with home users.",
        why: "Receivers treat mail sent directly from end-user address space (Spamhaus PBL, generic PTR names) as likely coming from a Trojan-infected home computer.",
        fix: &[
            "If your Internet line is DSL or cable shared with residential users, make the mail server send to your ISP's smart host (relay host) instead of directly to the Internet, with authenticated submission on port 587 (Postfix: relayhost = [smtp.your-isp.example]:587 with SASL; Exchange: a send connector through a smart host).",
            "Or get a static IP with a proper PTR name from the ISP, and if it is in Spamhaus PBL (127.0.0.11) request removal at https://www.spamhaus.org/pbl/.",
            "A PBL listing in the blocklist step or a generic PTR name in the reverse DNS step both point here.",
        ],
        who: &[SenderAdmin],
        needs: Need::Nothing,
    },
    StepInfo {
        kind: CheckKind::Content,
        title: "Spam-like content and message format",
        what: "Whether the message itself looks like spam, carries blocked attachments or breaks the message format.",
        why: "Content filters refuse messages with spam-like text, spamvertised URLs (links to listed domains), forwarded spam or risky attachments, whatever the server's reputation.",
        fix: &[
            "Send a short plain-text test message; if it arrives, the content of the original is the problem.",
            "Make sure the email contains no spam content: do not forward spam or phishing (not even as a warning), remove spamvertised URLs (links to domains on DBL/SURBL/URIBL) and URL shorteners.",
            "Remove blocked attachment types (.exe, .js, .scr, Office files with macros, and the WinZip-associated .b64 .bhx .hqx .mim .uue .xxe) and resend; share a link instead.",
            "Keep attachment names shorter than 50 characters (Rackspace refuses longer names).",
            "Keep the message under the receiver's size limit (Rackspace 50 MB); encoding makes attachments about a third larger.",
            "Make the message format valid (RFC 5322, formerly RFC 2822): one From, a Message-ID and a Date, no bare LF, no raw 8-bit header text. If the bounce cites RFC 2822, contact your IT administrator or ISP.",
            "If your sending address was blocked: check that you are not sending spam, turn off auto-forwarding and out-of-office replies (they answer spam), wait 24 hours and resend.",
        ],
        who: &[SenderUser, SenderAdmin],
        needs: Need::Nothing,
    },
    StepInfo {
        kind: CheckKind::InfectedHosts,
        title: "Virus-infected machines on your network",
        what: "Whether a compromised computer or device on your network sends spam through your mail server or straight out.",
        why: "Botnet spam leaves from your public IP; lists such as Spamhaus XBL (127.0.0.4) catch it and your mail server's IP is blocked with it.",
        fix: &[
            "Make sure no virus-infected machines on your network send spam through your mail server: scan every machine with up-to-date antivirus, clean or rebuild infected ones, and change their passwords.",
            "Block outbound TCP port 25 at the firewall for every host except the mail server, so infected machines cannot send directly.",
            "Look in the mail server's log for unusual volume from internal clients or authenticated accounts (stolen passwords) and reset compromised accounts.",
            "After cleaning up, request XBL removal at https://check.spamhaus.org/.",
        ],
        who: &[SenderAdmin],
        needs: Need::Nothing,
    },
    StepInfo {
        kind: CheckKind::WebScripts,
        title: "Exploitable web forms and PHP mail() scripts",
        what: "Whether contact forms or scripts on your web servers can be abused to send spam.",
        why: "Spammers abuse PHP contact scripts and the PHP mail() function to send whatever they want from your servers, which gets your IPs listed.",
        fix: &[
            "Make sure no exploitable web scripts run on your web servers: find forms and scripts that send mail (PHP mail(), sendmail calls) and look in the web server logs for bursts of form posts.",
            "Never let a form set To, Cc, Bcc or other headers from user input; strip CR and LF from fields (header injection).",
            "Add a CAPTCHA and rate limits; update or remove old scripts and CMS plugins.",
            "Make web applications send through authenticated SMTP to your mail server, not directly, so their volume is visible and limited.",
        ],
        who: &[SenderAdmin],
        needs: Need::Nothing,
    },
    StepInfo {
        kind: CheckKind::OptOut,
        title: "Opt-out links and list hygiene",
        what: "Whether newsletters and bulk mail let people unsubscribe easily and your lists stay clean.",
        why: "Recipients who cannot unsubscribe press 'report spam'; complaints and mail to dead addresses or spam traps ruin a sender's reputation.",
        fix: &[
            "Make sure every opt-in newsletter contains a working opt-out link so users can easily unsubscribe.",
            "Add one-click unsubscribe headers (RFC 8058): List-Unsubscribe: <https://...> and List-Unsubscribe-Post: List-Unsubscribe=One-Click; honour requests within 2 days.",
            "Mail only people who opted in; remove addresses that hard-bounce and long-unengaged ones; never use bought lists.",
            "Keep the complaint rate below 0.1% (Gmail Postmaster Tools, Microsoft SNDS).",
        ],
        who: &[SenderAdmin, SenderUser],
        needs: Need::Nothing,
    },
    StepInfo {
        kind: CheckKind::TrafficShaping,
        title: "Sending rate and connections",
        what: "How many parallel connections your server opens to one receiver and how many messages it sends per connection.",
        why: "Traffic-shaping filters defer or refuse servers that open too many connections or send too many messages in one connection.",
        fix: &[
            "Reduce concurrent connections to one receiver to five or fewer (Rackspace requires at most five; Comcast and Cox about ten). Postfix: default_destination_concurrency_limit = 5, or per transport.",
            "If the bounce says you exceeded the number of messages allowed in the same connection, send fewer messages per connection (Postfix: smtp_connection_reuse_count_limit), then resend.",
            "Warm up new IPs gradually, spread large sends over time, and honour 421/4xx deferrals instead of retrying at once.",
            "For a temporary error, try resending later; if the problem persists, contact your IT administrator or ISP.",
        ],
        who: &[SenderAdmin],
        needs: Need::Nothing,
    },
    StepInfo {
        kind: CheckKind::ContactRecipient,
        title: "If it persists: contact the recipient",
        what: "What to do when your side is clean and mail is still refused, or the block is the recipient's own choice.",
        why: "Some blocks are set by the recipient (their private block list of your IP, domain or address, their content rules); only they can lift them.",
        fix: &[
            "Contact the recipient by other means (phone, fax, another email account) and ask them to add your email address to their approved senders list: MessageLabs/Symantec.cloud customers do this in the ClientNet portal, Mimecast in Permitted Senders, Barracuda in its allow list.",
            "Quote the exact bounce text: if your IP, domain or address is on the recipient's private block list, only they can remove it (safelist at domain or user level).",
            "If the bounce says the address is invalid: double-check its spelling; if you are sure it is right, wait 4-6 hours and resend, then ask the recipient for further assistance.",
            "If the message was only queued for redelivery (the recipient's server is unavailable), the sending service keeps retrying; contact the recipient if it does not arrive.",
            "Before escalating, collect the full bounce and your server's log lines for the message (Symantec.cloud customers: Track and Trace) and open a case with your provider's support.",
        ],
        who: &[SenderUser, RecipientAdmin, RecipientUser],
        needs: Need::Nothing,
    },
];

/// The catalogue entry for a check kind.
pub fn info(kind: CheckKind) -> &'static StepInfo {
    CATALOGUE
        .iter()
        .find(|s| s.kind == kind)
        .expect("the catalogue has one entry per check kind")
}

/// Checks to run first for a diagnosed reason (reference facts §8 playbook).
pub fn reason_checks(reason: Reason) -> &'static [CheckKind] {
    use CheckKind::*;
    match reason {
        Reason::Blocked => &[
            Blocklist,
            DomainBlocklist,
            SmartHost,
            DnsPtr,
            Relay,
            InfectedHosts,
            WebScripts,
            ContactRecipient,
        ],
        Reason::BadReputation => &[Blocklist, DomainBlocklist, TrafficShaping, OptOut, Content],
        Reason::Speeding | Reason::TooManyConn => &[TrafficShaping, Blocklist],
        Reason::NoRelaying => &[DnsMx, SmartHost, ContactRecipient],
        Reason::AuthFailure => &[Spf, Dkim, Dmarc],
        Reason::SecurityError => &[Spf, Dkim, Dmarc, Blocklist],
        Reason::RequirePtr => &[DnsPtr, Helo, SmartHost],
        Reason::SpamDetected | Reason::PolicyViolation => {
            &[Content, DomainBlocklist, Blocklist, ContactRecipient]
        }
        Reason::ContentError | Reason::NotCompliantRfc => &[Content, Helo],
        Reason::VirusDetected => &[InfectedHosts, Content],
        Reason::Rejected => &[DnsMx, Spf, Dmarc, ContactRecipient],
        Reason::SyntaxError => &[Helo],
        Reason::FailedStartTls => &[MtaSts, Helo],
        Reason::MesgTooBig | Reason::ExceedLimit => &[Content, ContactRecipient],
        Reason::UserUnknown | Reason::HostUnknown | Reason::HasMoved => &[ContactRecipient, DnsMx],
        Reason::MailboxFull | Reason::Suspend => &[ContactRecipient],
        Reason::Filtered => &[ContactRecipient, Content],
        Reason::Feedback | Reason::Suppressed => &[OptOut, Content],
        Reason::Expired
        | Reason::NetworkError
        | Reason::SystemError
        | Reason::SystemFull
        | Reason::MailerError
        | Reason::NotAccept => &[DnsMx, ContactRecipient],
        Reason::Delivered | Reason::Vacation | Reason::OnHold | Reason::Undefined => &[],
    }
}

/// How much a problem found by this step usually hurts delivery: lower is worse.
/// Blocklists and open relays stop all mail; MTA-STS is cosmetic for outgoing mail.
pub fn impact_rank(kind: CheckKind) -> u8 {
    use CheckKind::*;
    match kind {
        Blocklist => 0,
        Relay => 1,
        DomainBlocklist => 2,
        InfectedHosts => 3,
        WebScripts => 4,
        SmartHost => 5,
        DnsPtr => 6,
        Spf => 7,
        Dmarc => 8,
        Dkim => 9,
        Helo => 10,
        DnsMx => 11,
        Content => 12,
        TrafficShaping => 13,
        OptOut => 14,
        MtaSts => 15,
        ContactRecipient => 16,
    }
}

/// One remediation instruction of a seed document and the wizard step(s) carrying it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct SeedStep {
    /// Seed document (`000` MessageLabs English, `001` French copy, `002` Rackspace,
    /// `003` Symantec MAILER-DAEMON, `004` general bounce guide).
    pub seed: &'static str,
    /// The instruction, in short.
    pub step: &'static str,
    /// Catalogue steps that carry it.
    pub kinds: &'static [CheckKind],
    /// Words that must appear (case-insensitively) in those steps' texts.
    pub keywords: &'static [&'static str],
}

/// Every remediation instruction of the seed documents (001 is the French copy
/// of 000 and carries the same steps, with "Symantec.cloud ClientNet").
pub const SEED_STEPS: &[SeedStep] = &[
    SeedStep { seed: "000", step: "I. check the sending IP on blocklists, request removal, wait 24 hours, resend", kinds: &[CheckKind::Blocklist], keywords: &["blocklist", "request removal", "24 hours", "resend", "dnsstuff"] },
    SeedStep { seed: "000", step: "II. ensure the mail server is not an open relay", kinds: &[CheckKind::Relay], keywords: &["open relay", "abuse.net/relay"] },
    SeedStep { seed: "000", step: "III. DSL/cable shared with residential users: send through the ISP's smart host", kinds: &[CheckKind::SmartHost], keywords: &["dsl", "cable", "residential", "smart host"] },
    SeedStep { seed: "000", step: "IV. no spam content (forwarded spam, spamvertised URLs)", kinds: &[CheckKind::Content], keywords: &["spam content", "forward spam", "spamvertised"] },
    SeedStep { seed: "000", step: "V. mail server configured correctly", kinds: &[CheckKind::Helo, CheckKind::DnsPtr], keywords: &["configured correctly", "helo", "reverse dns"] },
    SeedStep { seed: "000", step: "VI. no virus-infected machines sending spam through the server", kinds: &[CheckKind::InfectedHosts], keywords: &["virus-infected", "port 25"] },
    SeedStep { seed: "000", step: "VII. no exploitable web scripts (PHP contact scripts, mail())", kinds: &[CheckKind::WebScripts], keywords: &["exploitable web scripts", "php", "mail()"] },
    SeedStep { seed: "000", step: "VIII. opt-in newsletters carry an opt-out link", kinds: &[CheckKind::OptOut], keywords: &["opt-in newsletter", "opt-out link", "unsubscribe"] },
    SeedStep { seed: "000", step: "if it persists, contact the recipient by fax or phone and ask to be added to the approved senders list (ClientNet)", kinds: &[CheckKind::ContactRecipient], keywords: &["phone", "fax", "approved senders", "clientnet"] },
    SeedStep { seed: "000", step: "Spamhaus PBL: request removal at spamhaus.org/pbl, resend after 1 hour", kinds: &[CheckKind::Blocklist, CheckKind::SmartHost], keywords: &["pbl", "spamhaus.org/pbl", "1 hour"] },
    SeedStep { seed: "000", step: "IP, domain or address on the recipient's private block list: ask the recipient", kinds: &[CheckKind::ContactRecipient], keywords: &["private block list", "ip, domain or address"] },
    SeedStep { seed: "000", step: "invalid address: check spelling, wait 4-6 hours, resend, then contact the recipient", kinds: &[CheckKind::ContactRecipient], keywords: &["spelling", "4-6 hours"] },
    SeedStep { seed: "000", step: "'use me as a relay': refresh the DNS cache (old MX), correct outbound IP, recipient's MX, invalid characters", kinds: &[CheckKind::DnsMx], keywords: &["use me as a relay", "cache", "old mx", "registered with your mail provider", "invalid characters", "incorrect mx"] },
    SeedStep { seed: "000", step: "queued for redelivery: recipient server unavailable; contact admin or recipient", kinds: &[CheckKind::ContactRecipient], keywords: &["queued for redelivery", "unavailable"] },
    SeedStep { seed: "000", step: "traffic shaping filter: check open relay and blocklists, fix, wait 24 hours, resend", kinds: &[CheckKind::Relay, CheckKind::Blocklist], keywords: &["open relay", "wait 24 hours"] },
    SeedStep { seed: "000", step: "exceeded the number of messages allowed in the same connection: resend, contact IT administrator or ISP", kinds: &[CheckKind::TrafficShaping], keywords: &["messages allowed in the same connection", "resend", "it administrator or isp"] },
    SeedStep { seed: "000", step: "server may not comply with RFC 2821: contact IT administrator or ISP, then the recipient", kinds: &[CheckKind::Helo], keywords: &["rfc 2821", "it administrator or isp", "contact the recipient"] },
    SeedStep { seed: "000", step: "message format does not comply with RFC 2822", kinds: &[CheckKind::Content], keywords: &["rfc 2822", "it administrator or isp"] },
    SeedStep { seed: "000", step: "temporary error: resend; if it persists, contact IT administrator or ISP", kinds: &[CheckKind::TrafficShaping], keywords: &["temporary error", "try resending later", "if the problem persists"] },
    SeedStep { seed: "000", step: "sending address blocked: stop spam, turn off auto-forwarding and out-of-office, wait 24 hours", kinds: &[CheckKind::Content], keywords: &["sending address was blocked", "auto-forwarding", "out-of-office", "24 hours"] },
    SeedStep { seed: "002", step: "recipient domain without MX: recipient must create MX records", kinds: &[CheckKind::DnsMx], keywords: &["creates mx records"] },
    SeedStep { seed: "002", step: "recipient cannot verify your domain: verify your domain's DNS", kinds: &[CheckKind::DnsMx], keywords: &["verify your domain's dns", "cannot verify your domain"] },
    SeedStep { seed: "002", step: "too much spam from this source: send later, follow best practices, ask the recipient to safelist", kinds: &[CheckKind::Blocklist, CheckKind::ContactRecipient], keywords: &["safelist", "allow list"] },
    SeedStep { seed: "002", step: "too many concurrent connections: five or fewer", kinds: &[CheckKind::TrafficShaping], keywords: &["five or fewer", "concurrent connections"] },
    SeedStep { seed: "002", step: "split domain routing: external server running and accepting port 25", kinds: &[CheckKind::DnsMx], keywords: &["split domain routing", "port 25"] },
    SeedStep { seed: "002", step: "sending domain not valid: use a valid domain", kinds: &[CheckKind::DnsMx], keywords: &["valid domain"] },
    SeedStep { seed: "002", step: "content deemed spam: follow sending best practices", kinds: &[CheckKind::Content], keywords: &["spam-like", "plain-text test message"] },
    SeedStep { seed: "002", step: "sending address does not exist: create it as mailbox, list or alias", kinds: &[CheckKind::DnsMx], keywords: &["mailbox, list or alias"] },
    SeedStep { seed: "002", step: "message size over 50 MB", kinds: &[CheckKind::Content], keywords: &["50 mb"] },
    SeedStep { seed: "002", step: "blocked attachment types (incl. .b64 .bhx .hqx .mim .uue .xxe)", kinds: &[CheckKind::Content], keywords: &["blocked attachment types", ".b64", ".bhx", ".hqx", ".mim", ".uue", ".xxe"] },
    SeedStep { seed: "002", step: "attachment name longer than 50 characters", kinds: &[CheckKind::Content], keywords: &["50 characters"] },
    SeedStep { seed: "002", step: "sending IP blocked internally / domain- or user-level block list: safelist at the recipient", kinds: &[CheckKind::ContactRecipient], keywords: &["safelist at domain or user level"] },
    SeedStep { seed: "002", step: "Spamhaus PBL/SBL/XBL, Cloudmark, Sender Score, SpamCop: request remediation at the list's link", kinds: &[CheckKind::Blocklist], keywords: &["spamhaus.org/lookup", "csi.cloudmark.com/reset-request", "senderscore.org/rtbl", "spamcop.net/bl.shtml", "within 24 hours"] },
    SeedStep { seed: "002", step: "DMARC policy reject: make sources compliant, update the DMARC record", kinds: &[CheckKind::Dmarc], keywords: &["complies with the dmarc policy", "update your dmarc dns record"] },
    SeedStep { seed: "002", step: "SPF policy reject: make sources compliant with SPF", kinds: &[CheckKind::Spf], keywords: &["compliant with the spf policy"] },
    SeedStep { seed: "003", step: "SPF / sender verification failures: implement or adjust the SPF record", kinds: &[CheckKind::Spf], keywords: &["implement or adjust your spf record"] },
    SeedStep { seed: "003", step: "adjust message content / confirm the recipient's address", kinds: &[CheckKind::Content, CheckKind::ContactRecipient], keywords: &["test message", "double-check its spelling"] },
    SeedStep { seed: "003", step: "cause unclear: use Track and Trace, open a support case with logs", kinds: &[CheckKind::ContactRecipient], keywords: &["track and trace", "log lines", "open a case"] },
    SeedStep { seed: "004", step: "451 Bad reverse DNS: the hosting company must configure reverse DNS", kinds: &[CheckKind::DnsPtr], keywords: &["bad reverse dns", "reverse dns (ptr)", "hosting company"] },
    SeedStep { seed: "004", step: "blocklisted IP: find and ban who sends spam, then request removal (else relisted)", kinds: &[CheckKind::Blocklist], keywords: &["find who sends spam", "ban the culprit", "listed again"] },
];

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn catalogue_follows_check_kind_order() {
        let kinds: Vec<CheckKind> = CATALOGUE.iter().map(|s| s.kind).collect();
        assert_eq!(kinds, CheckKind::ALL.to_vec());
    }

    #[test]
    fn manual_steps_need_nothing_and_probes_need_input() {
        for s in &CATALOGUE {
            assert_eq!(s.is_manual(), s.needs == Need::Nothing, "{}", s.title);
            assert!(!s.fix.is_empty(), "{}", s.title);
        }
    }

    #[test]
    fn impact_ranks_are_distinct() {
        let mut ranks: Vec<u8> = CheckKind::ALL.iter().map(|k| impact_rank(*k)).collect();
        ranks.sort();
        ranks.dedup();
        assert_eq!(ranks.len(), CheckKind::ALL.len());
    }
}
