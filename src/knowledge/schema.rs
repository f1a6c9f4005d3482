//! The knowledge-base entry schema: what one YAML entry may contain.

use serde::{Deserialize, Serialize};
use std::fmt;

/// One knowledge-base entry: a bounce code or rejection text, what it means and how to fix it.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct Entry {
    /// Stable slug, unique across the base (`smtp-550`, `gmail-5-7-26-dmarc`).
    pub id: String,
    /// Short human title shown in lists.
    pub title: String,
    /// Reply codes (`550`) and enhanced status codes (`5.7.1`) this entry explains.
    #[serde(default)]
    pub codes: Vec<String>,
    /// Fragments of real bounce texts that identify this entry. A plain string is a
    /// case-insensitive literal; a string starting with `re:` is a regular expression.
    #[serde(default, rename = "match")]
    pub patterns: Vec<String>,
    /// Classification in the Sisimai taxonomy.
    pub reason: Reason,
    /// Whether retrying unchanged can ever work.
    pub severity: Severity,
    /// Who has to do something about it.
    #[serde(default)]
    pub acts: Vec<Actor>,
    /// One line: what happened.
    pub summary: String,
    /// A paragraph in plain words: why it happens.
    pub explanation: String,
    /// Ordered remediation steps.
    #[serde(default)]
    pub steps: Vec<String>,
    /// Wizard checks that help with this entry.
    #[serde(default)]
    pub checks: Vec<CheckKind>,
    /// Provider, appliance or blocklist whose text this is, if any.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub provider: Option<String>,
    /// Useful links (delisting pages, provider documentation).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub links: Vec<String>,
    /// Where the facts come from (RFC, provider documentation, seed document).
    pub source: String,
    /// File and line this entry was loaded from (not part of the YAML).
    #[serde(skip_deserializing, default)]
    pub origin: Origin,
}

impl Entry {
    /// True when the entry gives the general meaning of one code: it names no
    /// provider and its codes are the class variants of a single code (`550`,
    /// or `4.7.1` with `5.7.1`). Such entries rank first for a bare code.
    pub fn is_general_code_entry(&self) -> bool {
        let tail = |c: &String| c.split_once('.').map_or(c.as_str(), |(_, t)| t).to_string();
        let Some(first) = self.codes.first() else {
            return false;
        };
        self.provider.is_none()
            && self
                .codes
                .iter()
                .all(|c| c.contains('.') == first.contains('.') && tail(c) == tail(first))
    }
}

/// Where an entry was read from.
#[derive(Debug, Clone, Default, Serialize, PartialEq, Eq)]
pub struct Origin {
    /// File path (`knowledge/smtp.yaml` for built-in entries).
    pub path: String,
    /// 1-based line of the entry's first line.
    pub line: usize,
    /// True for entries compiled into the binary.
    pub builtin: bool,
}

/// Sisimai v5 bounce reasons (see the reference taxonomy).
#[derive(Debug, Clone, Copy, Serialize, Deserialize, PartialEq, Eq, Hash, PartialOrd, Ord)]
#[serde(rename_all = "lowercase")]
pub enum Reason {
    AuthFailure,
    BadReputation,
    Blocked,
    ContentError,
    Delivered,
    ExceedLimit,
    Expired,
    FailedStartTls,
    Feedback,
    Filtered,
    HasMoved,
    HostUnknown,
    MailboxFull,
    MailerError,
    MesgTooBig,
    NetworkError,
    NoRelaying,
    NotAccept,
    NotCompliantRfc,
    OnHold,
    PolicyViolation,
    Rejected,
    RequirePtr,
    SecurityError,
    SpamDetected,
    Speeding,
    Suppressed,
    Suspend,
    SyntaxError,
    SystemError,
    SystemFull,
    TooManyConn,
    Undefined,
    UserUnknown,
    Vacation,
    VirusDetected,
}

impl Reason {
    /// Every reason, in alphabetical order.
    pub const ALL: [Reason; 36] = [
        Reason::AuthFailure,
        Reason::BadReputation,
        Reason::Blocked,
        Reason::ContentError,
        Reason::Delivered,
        Reason::ExceedLimit,
        Reason::Expired,
        Reason::FailedStartTls,
        Reason::Feedback,
        Reason::Filtered,
        Reason::HasMoved,
        Reason::HostUnknown,
        Reason::MailboxFull,
        Reason::MailerError,
        Reason::MesgTooBig,
        Reason::NetworkError,
        Reason::NoRelaying,
        Reason::NotAccept,
        Reason::NotCompliantRfc,
        Reason::OnHold,
        Reason::PolicyViolation,
        Reason::Rejected,
        Reason::RequirePtr,
        Reason::SecurityError,
        Reason::SpamDetected,
        Reason::Speeding,
        Reason::Suppressed,
        Reason::Suspend,
        Reason::SyntaxError,
        Reason::SystemError,
        Reason::SystemFull,
        Reason::TooManyConn,
        Reason::Undefined,
        Reason::UserUnknown,
        Reason::Vacation,
        Reason::VirusDetected,
    ];

    /// The taxonomy name, as written in YAML and JSON (`userunknown`).
    pub fn name(self) -> &'static str {
        match self {
            Reason::AuthFailure => "authfailure",
            Reason::BadReputation => "badreputation",
            Reason::Blocked => "blocked",
            Reason::ContentError => "contenterror",
            Reason::Delivered => "delivered",
            Reason::ExceedLimit => "exceedlimit",
            Reason::Expired => "expired",
            Reason::FailedStartTls => "failedstarttls",
            Reason::Feedback => "feedback",
            Reason::Filtered => "filtered",
            Reason::HasMoved => "hasmoved",
            Reason::HostUnknown => "hostunknown",
            Reason::MailboxFull => "mailboxfull",
            Reason::MailerError => "mailererror",
            Reason::MesgTooBig => "mesgtoobig",
            Reason::NetworkError => "networkerror",
            Reason::NoRelaying => "norelaying",
            Reason::NotAccept => "notaccept",
            Reason::NotCompliantRfc => "notcompliantrfc",
            Reason::OnHold => "onhold",
            Reason::PolicyViolation => "policyviolation",
            Reason::Rejected => "rejected",
            Reason::RequirePtr => "requireptr",
            Reason::SecurityError => "securityerror",
            Reason::SpamDetected => "spamdetected",
            Reason::Speeding => "speeding",
            Reason::Suppressed => "suppressed",
            Reason::Suspend => "suspend",
            Reason::SyntaxError => "syntaxerror",
            Reason::SystemError => "systemerror",
            Reason::SystemFull => "systemfull",
            Reason::TooManyConn => "toomanyconn",
            Reason::Undefined => "undefined",
            Reason::UserUnknown => "userunknown",
            Reason::Vacation => "vacation",
            Reason::VirusDetected => "virusdetected",
        }
    }

    /// Parse a taxonomy name.
    pub fn from_name(name: &str) -> Option<Reason> {
        Reason::ALL.iter().copied().find(|r| r.name() == name)
    }

    /// The reason in plain words ("the recipient's address does not exist").
    pub fn phrase(self) -> &'static str {
        match self {
            Reason::AuthFailure => {
                "the receiver could not authenticate your domain (SPF, DKIM or DMARC failed)"
            }
            Reason::BadReputation => {
                "the receiver rates the sending IP or domain as having a poor reputation"
            }
            Reason::Blocked => {
                "the receiver refused your server or its IP (blocklist, dynamic IP or local block)"
            }
            Reason::ContentError => "the message format was refused",
            Reason::Delivered => "the message was delivered",
            Reason::ExceedLimit => "the message exceeded a limit of the recipient's mailbox",
            Reason::Expired => "the receiving side stayed unreachable or kept deferring, and delivery is retried only until the retry time runs out",
            Reason::FailedStartTls => "a secure (TLS) connection could not be made",
            Reason::Feedback => "a recipient reported your message as spam",
            Reason::Filtered => "a filter on the recipient's side refused the message",
            Reason::HasMoved => "the recipient's address has moved",
            Reason::HostUnknown => "the recipient's domain does not exist or cannot receive mail",
            Reason::MailboxFull => "the recipient's mailbox is full",
            Reason::MailerError => "the recipient's mail system failed while delivering",
            Reason::MesgTooBig => "the message was too large",
            Reason::NetworkError => "a network or DNS failure stopped delivery",
            Reason::NoRelaying => {
                "the receiving server refused to relay the message ('relay access denied')"
            }
            Reason::NotAccept => "the recipient's domain does not accept mail",
            Reason::NotCompliantRfc => "the message or your server broke the mail standards",
            Reason::OnHold => "the bounce does not say enough to decide",
            Reason::PolicyViolation => "the message broke the recipient's policy",
            Reason::Rejected => "the receiver refused the sender address",
            Reason::RequirePtr => "the sending IP has no matching reverse DNS (PTR)",
            Reason::SecurityError => "the receiver refused the message for security reasons",
            Reason::SpamDetected => "the message was classified as spam",
            Reason::Speeding => "you sent too fast for the receiver",
            Reason::Suppressed => "the address is on a suppression list",
            Reason::Suspend => "the recipient's account is suspended",
            Reason::SyntaxError => "the receiver could not understand your server's SMTP commands",
            Reason::SystemError => "the recipient's mail system had an error",
            Reason::SystemFull => "the recipient's mail system is out of space",
            Reason::TooManyConn => {
                "your server opened too many connections or sent too many messages per connection"
            }
            Reason::Undefined => "the cause is unknown",
            Reason::UserUnknown => "the recipient's address does not exist",
            Reason::Vacation => "it was an auto-reply, not a bounce",
            Reason::VirusDetected => "the message was found to contain malware",
        }
    }

    /// Sisimai's hard-bounce rule: only these reasons are hard (notaccept only for 5xx).
    pub fn is_hard(self, permanent: bool) -> bool {
        match self {
            Reason::UserUnknown | Reason::HostUnknown | Reason::HasMoved => true,
            Reason::NotAccept => permanent,
            _ => false,
        }
    }

    /// Who usually has to act for this reason (reference taxonomy, section 7.1).
    pub fn default_actors(self) -> &'static [Actor] {
        use Actor::*;
        match self {
            Reason::AuthFailure
            | Reason::BadReputation
            | Reason::Blocked
            | Reason::NotCompliantRfc
            | Reason::RequirePtr
            | Reason::Speeding
            | Reason::SyntaxError
            | Reason::TooManyConn => &[SenderAdmin],
            Reason::ContentError | Reason::SecurityError | Reason::SpamDetected => {
                &[SenderAdmin, SenderUser]
            }
            Reason::VirusDetected => &[SenderUser, SenderAdmin],
            Reason::ExceedLimit
            | Reason::HasMoved
            | Reason::HostUnknown
            | Reason::MesgTooBig
            | Reason::UserUnknown => &[SenderUser],
            Reason::Suppressed => &[SenderUser, SenderAdmin],
            Reason::Expired | Reason::NetworkError | Reason::NoRelaying => {
                &[SenderAdmin, RecipientAdmin]
            }
            Reason::FailedStartTls => &[SenderAdmin, RecipientAdmin],
            Reason::Rejected => &[SenderAdmin, SenderUser],
            Reason::Filtered | Reason::PolicyViolation => &[RecipientAdmin, RecipientUser],
            Reason::MailboxFull | Reason::Suspend => &[RecipientUser],
            Reason::MailerError | Reason::NotAccept | Reason::SystemError | Reason::SystemFull => {
                &[RecipientAdmin]
            }
            Reason::Feedback => &[SenderAdmin],
            Reason::Delivered | Reason::Vacation | Reason::OnHold | Reason::Undefined => &[],
        }
    }
}

impl fmt::Display for Reason {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

/// Whether the condition is permanent, temporary, or not a failure at all.
#[derive(Debug, Clone, Copy, Serialize, Deserialize, PartialEq, Eq, Hash)]
#[serde(rename_all = "lowercase")]
pub enum Severity {
    /// Retrying the same thing will not help (5xx).
    Permanent,
    /// May clear by itself or on retry (4xx).
    Transient,
    /// A positive reply (2xx/3xx): nothing failed.
    Success,
}

impl Severity {
    /// YAML/JSON name.
    pub fn name(self) -> &'static str {
        match self {
            Severity::Permanent => "permanent",
            Severity::Transient => "transient",
            Severity::Success => "success",
        }
    }
}

/// Who has to act to fix a bounce.
#[derive(Debug, Clone, Copy, Serialize, Deserialize, PartialEq, Eq, Hash, PartialOrd, Ord)]
#[serde(rename_all = "kebab-case")]
pub enum Actor {
    /// The administrator of the sending mail system.
    SenderAdmin,
    /// The person who sent the message.
    SenderUser,
    /// The administrator of the receiving mail system.
    RecipientAdmin,
    /// The person the message was for.
    RecipientUser,
}

impl Actor {
    /// Every actor.
    pub const ALL: [Actor; 4] = [
        Actor::SenderAdmin,
        Actor::SenderUser,
        Actor::RecipientAdmin,
        Actor::RecipientUser,
    ];

    /// YAML/JSON name (`sender-admin`).
    pub fn name(self) -> &'static str {
        match self {
            Actor::SenderAdmin => "sender-admin",
            Actor::SenderUser => "sender-user",
            Actor::RecipientAdmin => "recipient-admin",
            Actor::RecipientUser => "recipient-user",
        }
    }

    /// Plain-words label for people (`the sender's mail administrator`).
    pub fn label(self) -> &'static str {
        match self {
            Actor::SenderAdmin => "sender's mail admin",
            Actor::SenderUser => "sender",
            Actor::RecipientAdmin => "recipient's mail admin",
            Actor::RecipientUser => "recipient",
        }
    }
}

impl fmt::Display for Actor {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

/// A wizard step: a network probe or a manual checklist item.
#[derive(Debug, Clone, Copy, Serialize, Deserialize, PartialEq, Eq, Hash, PartialOrd, Ord)]
#[serde(rename_all = "kebab-case")]
pub enum CheckKind {
    /// The sending IP against IP blocklists (DNSBL).
    Blocklist,
    /// The sending domain against domain blocklists (RHSBL/URIBL).
    DomainBlocklist,
    /// Open-relay probe of the mail server.
    Relay,
    /// MX records of the domain.
    DnsMx,
    /// Reverse DNS of the sending IP, forward-confirmed.
    DnsPtr,
    /// HELO/EHLO name against PTR and DNS.
    Helo,
    /// SPF record, syntax, lookups, evaluation for the sending IP.
    Spf,
    /// DMARC record and policy.
    Dmarc,
    /// DKIM keys for selectors.
    Dkim,
    /// MTA-STS and TLS-RPT records.
    MtaSts,
    /// Manual: send through the ISP's smart host from dynamic/residential space.
    SmartHost,
    /// Manual: no spam-like content or spamvertised links.
    Content,
    /// Manual: no infected machines sending through the server.
    InfectedHosts,
    /// Manual: no exploitable web forms or PHP mail() scripts.
    WebScripts,
    /// Manual: opt-out links and list hygiene.
    OptOut,
    /// Manual: per-connection message limits and traffic shaping.
    TrafficShaping,
    /// Manual: contact the recipient by other means / ask to be allow-listed.
    ContactRecipient,
}

impl CheckKind {
    /// Every check kind, in wizard default order.
    pub const ALL: [CheckKind; 17] = [
        CheckKind::Blocklist,
        CheckKind::DomainBlocklist,
        CheckKind::Relay,
        CheckKind::DnsMx,
        CheckKind::DnsPtr,
        CheckKind::Helo,
        CheckKind::Spf,
        CheckKind::Dmarc,
        CheckKind::Dkim,
        CheckKind::MtaSts,
        CheckKind::SmartHost,
        CheckKind::Content,
        CheckKind::InfectedHosts,
        CheckKind::WebScripts,
        CheckKind::OptOut,
        CheckKind::TrafficShaping,
        CheckKind::ContactRecipient,
    ];

    /// YAML/JSON name (`dns-ptr`).
    pub fn name(self) -> &'static str {
        match self {
            CheckKind::Blocklist => "blocklist",
            CheckKind::DomainBlocklist => "domain-blocklist",
            CheckKind::Relay => "relay",
            CheckKind::DnsMx => "dns-mx",
            CheckKind::DnsPtr => "dns-ptr",
            CheckKind::Helo => "helo",
            CheckKind::Spf => "spf",
            CheckKind::Dmarc => "dmarc",
            CheckKind::Dkim => "dkim",
            CheckKind::MtaSts => "mta-sts",
            CheckKind::SmartHost => "smart-host",
            CheckKind::Content => "content",
            CheckKind::InfectedHosts => "infected-hosts",
            CheckKind::WebScripts => "web-scripts",
            CheckKind::OptOut => "opt-out",
            CheckKind::TrafficShaping => "traffic-shaping",
            CheckKind::ContactRecipient => "contact-recipient",
        }
    }

    /// Parse a YAML/JSON name.
    pub fn from_name(name: &str) -> Option<CheckKind> {
        CheckKind::ALL.iter().copied().find(|c| c.name() == name)
    }

    /// True for checklist items that no network probe can answer.
    pub fn is_manual(self) -> bool {
        matches!(
            self,
            CheckKind::SmartHost
                | CheckKind::Content
                | CheckKind::InfectedHosts
                | CheckKind::WebScripts
                | CheckKind::OptOut
                | CheckKind::TrafficShaping
                | CheckKind::ContactRecipient
        )
    }
}

impl fmt::Display for CheckKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

/// True when `code` is a three-digit SMTP reply code (`550`).
pub fn is_reply_code(code: &str) -> bool {
    code.len() == 3
        && code.bytes().all(|b| b.is_ascii_digit())
        && matches!(code.as_bytes()[0], b'2'..=b'5')
}

/// True when `code` is an enhanced status code (`5.7.1`, `4.7.650`).
pub fn is_enhanced_code(code: &str) -> bool {
    let mut parts = code.split('.');
    let (Some(class), Some(subject), Some(detail), None) =
        (parts.next(), parts.next(), parts.next(), parts.next())
    else {
        return false;
    };
    matches!(class, "2" | "4" | "5")
        && (1..=3).contains(&subject.len())
        && (1..=3).contains(&detail.len())
        && subject
            .bytes()
            .chain(detail.bytes())
            .all(|b| b.is_ascii_digit())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reason_names_round_trip() {
        for r in Reason::ALL {
            assert_eq!(Reason::from_name(r.name()), Some(r));
            let yaml = serde_json::to_string(&r).unwrap();
            assert_eq!(yaml, format!("\"{}\"", r.name()));
        }
    }

    #[test]
    fn check_names_round_trip() {
        for c in CheckKind::ALL {
            assert_eq!(CheckKind::from_name(c.name()), Some(c));
            assert_eq!(
                serde_json::to_string(&c).unwrap(),
                format!("\"{}\"", c.name())
            );
        }
    }

    #[test]
    fn code_shapes() {
        assert!(is_reply_code("550"));
        assert!(!is_reply_code("650"));
        assert!(!is_reply_code("55"));
        assert!(is_enhanced_code("5.7.1"));
        assert!(is_enhanced_code("4.7.650"));
        assert!(!is_enhanced_code("5.7"));
        assert!(!is_enhanced_code("3.1.1"));
        assert!(!is_enhanced_code("5.7.1.1"));
    }
}
