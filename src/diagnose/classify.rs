//! From status codes, reply codes, SMTP stage and reply text to a reason in the
//! Sisimai taxonomy. The rules follow what the MTAs and providers document and
//! how a postmaster reads a bounce: specific text first, then the enhanced
//! status code, then the stage and the basic reply code.

use super::rx;
use super::rx::Caps;
use crate::knowledge::Reason;
use regex::Regex;
use std::sync::OnceLock;

/// SMTP command during which the remote server refused.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Stage {
    /// At connection time (banner).
    Connect,
    /// After HELO/EHLO.
    Helo,
    /// After MAIL FROM.
    Mail,
    /// After RCPT TO.
    Rcpt,
    /// After DATA or at end of data.
    Data,
}

/// First enhanced status code (`5.1.1`) in `text`, not part of an IP address or version.
pub fn find_enhanced(text: &str) -> Option<String> {
    let b = text.as_bytes();
    for (start, end) in enhanced_matches(b) {
        let m = &text[start..end];
        let before = start.checked_sub(1).map(|i| b[i]);
        if before.is_some_and(|c| c.is_ascii_digit() || c == b'.' || c.is_ascii_alphabetic()) {
            continue;
        }
        let after = b.get(end).copied();
        if after.is_some_and(|c| c.is_ascii_digit()) {
            continue;
        }
        if after == Some(b'.') && b.get(end + 1).is_some_and(|c| c.is_ascii_digit()) {
            continue;
        }
        return Some(m.to_string());
    }
    None
}

/// The pattern of enhanced status codes.
#[cfg(test)]
const ENHANCED: &str = r"([245])\.(\d{1,3})\.(\d{1,3})";

/// The matches of [`ENHANCED`] as `find_iter` gives them (leftmost, not
/// overlapping), read by hand from the dots: each match has one right
/// after its first byte. The first number is a whole run of at most three
/// digits (a dot must follow it), the second the first three digits of its
/// run at most.
fn enhanced_matches(b: &[u8]) -> impl Iterator<Item = (usize, usize)> + '_ {
    use rx::hand::digits;
    let mut pos = 0;
    std::iter::from_fn(move || {
        let mut from = pos + 1;
        while let Some(k) = memchr::memchr(b'.', b.get(from..).unwrap_or(&[])) {
            let p = from + k;
            from = p + 1;
            if !matches!(b[p - 1], b'2' | b'4' | b'5') {
                continue;
            }
            let n1 = digits(b, p + 1, 4);
            if n1 == 0 || n1 > 3 || b.get(p + 1 + n1) != Some(&b'.') {
                continue;
            }
            let q = p + n1 + 2;
            let n2 = digits(b, q, 3);
            if n2 == 0 {
                continue;
            }
            pos = q + n2;
            return Some((p - 1, pos));
        }
        pos = b.len();
        None
    })
}

/// A reply code at the start of a text.
const REPLY_START: &str = r"^\s*(?:smtp;\s*|<<<\s*|#)?([245][0-5]\d)(?:[\s\-]|$)";
/// A reply code where bounce generators quote replies.
const REPLY_QUOTED: &str = r"(?i)(?:said:\s*|returned\s*'|<<<\s*|[#(\[]|error:?\s+|reply:?\s*|response:?\s*|code:?\s*|^|\s)([245][0-5]\d)(?:[\s\-]+(?:[245]\.\d{1,3}\.\d{1,3}|[a-z<#])|[\s\-]*$)";
/// A labelled code field.
const REPLY_LABELLED: &str = r"(?i)code\s*:\s*([245][0-5]\d)(?:[^\d.]|$)";

/// The SMTP reply code of a reply text (`550 5.1.1 ...` → 550), looking at
/// the start first and then at places where bounce generators quote replies.
pub fn find_reply(text: &str) -> Option<u16> {
    static START: OnceLock<Regex> = OnceLock::new();
    static QUOTED: OnceLock<Regex> = OnceLock::new();
    let start = rx::cached(&START, REPLY_START);
    // In each pattern the code is the first digit of the match and the two
    // after it: what comes before it has none. The lazy DFA finds the match
    // without the capturing engine.
    let code = |m: regex::Match<'_>| {
        let s = m.as_str();
        let i = s.find(|c: char| c.is_ascii_digit())?;
        s.get(i..i + 3)?.parse().ok()
    };
    if let Some(m) = start.find(text) {
        return code(m);
    }
    let quoted = rx::cached(&QUOTED, REPLY_QUOTED);
    if let Some(m) = quoted.find(text) {
        return code(m);
    }
    // A labelled code field: "ERROR_CODE :550, ..." (Zoho), "Code: 550,".
    static LABELLED: OnceLock<Regex> = OnceLock::new();
    let labelled = rx::cached(&LABELLED, REPLY_LABELLED);
    labelled.find(text).and_then(code)
}

/// The word the stage pattern of [`find_stage`] captured, from its whole
/// match: each alternative opens with its own words, and the captured word
/// is what follows them (or the whole match, or the command word of
/// `rcpt to command`).
fn stage_word(m: &str) -> &str {
    let inside = |open: &str, close: &str| m.strip_prefix(open)?.strip_suffix(close);
    for lead in ["in reply to ", "after "] {
        if let Some(rest) = m.strip_prefix(lead) {
            return rest.strip_prefix("the ").unwrap_or(rest);
        }
    }
    for lead in [
        "did not like our ",
        "while sending ",
        "while performing ",
        "smtp:",
        "most progress was ",
    ] {
        if let Some(rest) = m.strip_prefix(lead) {
            return rest;
        }
    }
    if let Some(rest) = m.strip_prefix(">>>") {
        return rest.trim_start_matches(|c: char| c.is_ascii() && super::text::is_space(c as u8));
    }
    if let Some(w) = inside("[", "]").or_else(|| inside("(", ")")) {
        return w;
    }
    if m.ends_with(" command") && ["rcpt", "mail", "data"].iter().any(|w| m.starts_with(w)) {
        return &m[..4];
    }
    m
}

/// The stage words of bounce texts; the named group that matched holds the
/// word that tells the stage.
const STAGE_PATTERN: &str = r"(?x)
    in\ reply\ to\ (?:the\ )?(?P<a>rcpt|mail|end\ of\ data|data|helo|ehlo|lhlo|connect|initial)
  | after\ (?:the\ )?(?P<b>rcpt|mail|end\ of\ data|data|helo|ehlo|initial\ connection|sending\ data|pipelined|quit)
  | >>>\s*(?P<c>rcpt|mail|data|helo|ehlo|\.)
  | did\ not\ like\ our\ (?P<d>rcpt|mail|final\ data|data|helo|ehlo)
  | (?P<e>does\ not\ like\ recipient|but\ sender\ was\ rejected|but\ my\ name\ was\ rejected|failed\ on\ data\ command|failed\ after\ i\ sent\ the\ message|but\ greeting\ failed)
  | \[(?P<f>rcpt_to|mail_from|data|connect|helo)\]
  | while\ (?:sending|performing)\ (?P<g>rcpt|mail|data|helo|ehlo)
  | (?P<h>sent\ <<<\ rcpt|sent\ <<<\ mail)
  | \bsmtp:(?P<i>rcpt|mail|data|helo|ehlo|connect)\b
  | most\ progress\ was\ (?P<j>rcpt|mail|data|helo|ehlo)
  | \b(?P<k>rcpt|mail|data)(?:\ to|\ from)?\ command\b
  | (?P<l>additional\ rcpt\ to\ generated|unknown\ recipient\ or\ mailbox\ unavailable\ ->|for\ text\ command|refused\ to\ talk\ to\ me)
  | \((?P<m>helo|ehlo|mail|rcpt|data)\)
    ";

/// The SMTP stage named by the bounce text, if any.
pub fn find_stage(text_lower: &str) -> Option<Stage> {
    static RE: OnceLock<Regex> = OnceLock::new();
    let re = rx::cached(&RE, STAGE_PATTERN);
    match gmail_state(text_lower) {
        Some(6) => return Some(Stage::Mail),
        Some(13) => return Some(Stage::Helo),
        Some(14) => return Some(Stage::Rcpt),
        Some(15 | 17 | 18) => return Some(Stage::Data),
        _ => {}
    }
    // The lazy DFA finds the match; which group it filled is plain from
    // the match itself (see `stage_word`), which spares the capturing engine.
    let word = stage_word(re.find(text_lower)?.as_str());
    Some(if word.contains("rcpt") || word.contains("recipient") {
        Stage::Rcpt
    } else if word.starts_with("mail") || word.contains("sender was rejected") {
        Stage::Mail
    } else if word.contains("data")
        || word == "."
        || word.contains("sent the message")
        || word.contains("text command")
    {
        Stage::Data
    } else if word.contains("helo")
        || word.contains("ehlo")
        || word.contains("lhlo")
        || word.contains("my name")
        || word.contains("talk to me")
    {
        Stage::Helo
    } else if word.contains("connect") || word.contains("initial") || word.contains("greeting") {
        Stage::Connect
    } else {
        return None;
    })
}

/// Everything the classifier looks at for one recipient.
#[derive(Debug, Default)]
pub struct Facts<'a> {
    /// Enhanced status code.
    pub status: Option<&'a str>,
    /// SMTP reply code.
    pub reply: Option<u16>,
    /// Lower-cased diagnostic text (the remote server's reply).
    pub text: &'a str,
    /// Lower-cased other text about this recipient (the human-readable part).
    pub context: &'a str,
    /// SMTP stage of the refusal.
    pub stage: Option<Stage>,
    /// DSN Action.
    pub action: Option<&'a str>,
    /// Diagnostic-Code type (`smtp`, `x-unix`).
    pub diag_type: Option<&'a str>,
    /// Lower-case host names that say whose servers were involved, separated
    /// by spaces: the remote MTA, the reporting MTA, the bounce sender's
    /// domain and the recipient's domain. Provider rules key on them.
    pub hosts: &'a str,
}

/// Wordings and error codes of particular MTAs and providers that name the
/// reason by themselves, whatever the SMTP stage or the status code says:
/// each is documented by its vendor for one condition only. Lower-case.
const VENDOR_RULES: &[(Reason, &[&str])] = &[
    (
        Reason::UserUnknown,
        &[
            // Exchange 2000/2003 diagnostic code for "Unknown Recipient".
            "(000c05a6)",
            // Gmail / Google Workspace: "The email account that you tried to
            // reach does not exist" in its newer wording.
            "because the address couldn't be found. check for typos",
            // Yahoo answers RCPT TO for an address it does not have.
            "delivery error: dd this user doesn't have",
            "delivery error: dd requested mailbox",
            // Exchange Online / Exchange 2007+ directory lookups.
            "resolver.adr.recipientnotfound",
            "resolver.adr.recipnotfound",
            "resolver.adr.exrecipnotfound",
            "recipient not found by smtp address lookup",
            // Exchange Online's directory-based edge blocking refuses
            // addresses its tenant does not have (550 5.4.1).
            "recipient address rejected: access denied",
            // Ipswitch IMail.
            "invalid final delivery userid",
            // Verizon's MMS gateway.
            "no valid recipients for this mm",
            "error: invalid user address",
            // A local delivery agent has the final word on local users.
            "mail.local: unknown user",
            // qmail.
            "sorry, no mailbox here by that name",
            // Lotus Notes / Domino.
            "user not listed in public name & address book",
            // The same verdict in Domino's translated templates (German,
            // Spanish, French, Japanese), cut short of accented letters.
            "ffentlichen adressbuch nicht aufgef",
            "no se encuentra en el directorio de domino",
            "dans l'annuaire domino",
            "domino ディレクトリには見つかりません",
            "not listed in domino directory",
            // Trend Micro InterScan.
            "please check if address is correct",
        ],
    ),
    // qmail-ldap.
    (
        Reason::Suspend,
        &[
            "mailaddress is administratively disabled",
            "mailaddress is administrativley disabled",
        ],
    ),
    (
        Reason::ExceedLimit,
        &["the message exeeded the maximum size the user accepts"],
    ),
    (
        Reason::SystemFull,
        &["requested action not taken: mailbox unavailable (not enough free space)"],
    ),
    // Mail.ru (Exim) and OpenSMTPD.
    (
        Reason::NotAccept,
        &[
            "an mx or srv record indicated no smtp service",
            "no host found for existing smtp connection",
            "destination seem to reject all mails",
        ],
    ),
    (Reason::ContentError, &["too many \"received\" headers"]),
    (Reason::SecurityError, &["could not retrieve credentials"]),
    (
        Reason::NetworkError,
        &[
            "address family mismatch on destination mxs",
            "all routes to destination blocked",
            "bad dns lookup error code",
            "could not retrieve source address",
            "network error on destination mxs",
            "no mx found for domain",
            "no mx found for destination",
            "no valid route to remote mx",
            "no valid route to destination",
            "temporary failure in mx lookup",
        ],
    ),
    // qmail gave up retrying, whatever the last attempt's error was.
    (
        Reason::Expired,
        &["this message has been in the queue too long"],
    ),
    (
        Reason::HostUnknown,
        &["all host address lookups failed permanently"],
    ),
    // qmail-remote when the domain has neither MX nor address records
    // ("... (#5.4.4)"): the domain cannot be routed.
    (
        Reason::HostUnknown,
        &["couldn't find a mail exchanger or ip address"],
    ),
    // MessageLabs (Symantec Email Security.cloud) asking a client to log in
    // before it relays: an authentication problem, not a relaying policy.
    (
        Reason::SecurityError,
        &["please turn on smtp authentication"],
    ),
    // Exchange 2000/2003 diagnostic codes.
    (Reason::Filtered, &["(000c0595)"]),
    (Reason::NetworkError, &["(00120270)"]),
    (Reason::SystemError, &["(00010256)", "(000d06b5)"]),
    (Reason::ContentError, &["(00050311)", "(000502cc)"]),
    (Reason::SecurityError, &["(000b0981)"]),
];

/// Provider rules: when one of `hosts` (a domain suffix) took part, the
/// provider's own wording decides. Lower-case.
struct ProviderRule {
    hosts: &'static [&'static str],
    frags: &'static [(&'static str, Reason)],
}

const PROVIDER_RULES: &[ProviderRule] = &[
    // Outlook.com / Hotmail answer RCPT TO for a mailbox they do not have
    // with this wording (other MTAs use it for any refusal).
    ProviderRule {
        hosts: &["hotmail.com", "outlook.com", "live.com", "msn.com"],
        frags: &[
            (
                "requested action not taken: mailbox unavailable",
                Reason::UserUnknown,
            ),
            ("mismatches client ip", Reason::RequirePtr),
        ],
    },
    // au (KDDI): the refused address quoted means no such user; an empty
    // address slot means the recipient's filter refused the sender.
    ProviderRule {
        hosts: &["ezweb.ne.jp", "au.com"],
        frags: &[
            (">: user unknown", Reason::UserUnknown),
            ("550 : user unknown", Reason::Filtered),
        ],
    },
    // AOL reports a domain whose MX answer is unusable as not accepting mail.
    ProviderRule {
        hosts: &["aol.com"],
        frags: &[(
            "type=mx: malformed or unexpected name server reply",
            Reason::NotAccept,
        )],
    },
    // MessageLabs (Symantec.cloud) checks recipients before accepting.
    ProviderRule {
        hosts: &["messagelabs.com"],
        frags: &[("no such user", Reason::UserUnknown)],
    },
    // Verizon Wireless' MMS gateway quotes the refusal of the address.
    ProviderRule {
        hosts: &["vtext.com", "vzwpix.com"],
        frags: &[("no such user here", Reason::UserUnknown)],
    },
    // GoDaddy's inbound servers.
    ProviderRule {
        hosts: &["secureserver.net"],
        frags: &[
            ("account does not exist", Reason::UserUnknown),
            ("550 recipient not found", Reason::UserUnknown),
            ("account disabled", Reason::Suspend),
            ("account storage limit", Reason::MailboxFull),
            ("554 rbl reject", Reason::Blocked),
            ("delivery timeout", Reason::Expired),
        ],
    },
    // Cox.
    ProviderRule {
        hosts: &["cox.net"],
        frags: &[
            ("rejected - no rdns", Reason::Blocked),
            ("too many bad commands from", Reason::Blocked),
            ("dns check failure - try again later", Reason::Blocked),
            ("too many invalid recipients", Reason::Blocked),
            ("esmtp server temporarily not available", Reason::NotAccept),
            ("esmtp no data before greeting", Reason::PolicyViolation),
            ("attachment extension is forbidden", Reason::PolicyViolation),
            ("too many sessions from", Reason::TooManyConn),
            (
                "requested action aborted: try again later",
                Reason::TooManyConn,
            ),
            ("message threshold exceeded", Reason::TooManyConn),
            ("recipient rejected", Reason::UserUnknown),
        ],
    },
];

/// Reason named by a provider's own error code in the text: Cox and
/// Spectrum (`AUP#CXBL`, `AUP#In-1310`), Orange / La Poste (`LPN007_416`,
/// `OFR_506`), Facebook (`RCP-P2`), I.UA (`mail.i.ua/err/2`) and GoDaddy
/// (`IB212`).
fn provider_code(text: &str) -> Option<Reason> {
    if !provider_gate(text) {
        return None;
    }
    provider_code_of(text)
}

/// [`provider_code`] without its gate.
fn provider_code_of(text: &str) -> Option<Reason> {
    use Reason::*;
    // Each code below has one of these in it (the text is lower-case).
    static MARKS: super::text::Phrases = super::text::Phrases::new(&[
        "aup#",
        "lpn",
        "ofr",
        "ouk",
        ".i.ua/err/",
        "rcp-",
        "int-",
        "pol-",
        "msg-",
        "dns-",
        "con-",
        " ib",
        "\tib",
        "\nib",
        "\x0bib",
        "\x0cib",
        "\rib",
    ]);
    if !MARKS.any_in(text) {
        return None;
    }
    static AUP: OnceLock<Regex> = OnceLock::new();
    static FR: OnceLock<Regex> = OnceLock::new();
    static IB: OnceLock<Regex> = OnceLock::new();
    let aup = rx::cached(&AUP, r"aup#([a-z]*)-?(\d*)");
    if let Some(c) = aup.caps(text) {
        let (letters, digits) = (&c[1], &c[2]);
        if digits.is_empty() {
            // Cox: letter codes.
            return Some(match letters {
                "cxbl" | "cdrbl" | "cxdns" => Blocked,
                "cxthrt" | "cxmj" => SecurityError,
                "cxsndr" | "cxsmtp" => Rejected,
                "cxcnct" | "cxmxrt" => TooManyConn,
                l if l.starts_with("ipbl") => Blocked,
                l if l.starts_with("urlbl") => SpamDetected,
                _ => return None,
            });
        }
        // Spectrum (Charter): four-digit codes in documented ranges.
        let n: u32 = digits.parse().ok()?;
        return Some(match n {
            1000 => Blocked,
            1010 | 1500 | 1520 | 1020..=1080 => Rejected,
            1090 => SystemError,
            1260 => NetworkError,
            1530 => MesgTooBig,
            1540 | 1550 | 1300..=1490 => TooManyConn,
            1560 | 1160..=1190 => PolicyViolation,
            1100..=1150 | 1200..=1250 => Blocked,
            _ => return None,
        });
    }
    let fr = rx::cached(&FR, r"\b(?:lpn|lpnaaa|ofr|ouk)(?:_|\d{3}[-_])(\d{3})\b");
    if let Some(c) = fr.caps(text) {
        return Some(match &c[1] {
            "101" | "102" | "103" | "401" | "510" | "999" => Blocked,
            "104" => TooManyConn,
            "305" | "402" => SecurityError,
            "403" | "405" | "415" | "421" => Rejected,
            "416" | "418" => UserUnknown,
            "417" => MailboxFull,
            "420" | "426" => Suspend,
            "505" => SystemError,
            "506" => SpamDetected,
            "514" => MesgTooBig,
            "517" | "630" => PolicyViolation,
            _ => return None,
        });
    }
    static IUA: OnceLock<Regex> = OnceLock::new();
    let iua = rx::cached(&IUA, r"\.i\.ua/err/(\d{1,2})\b");
    if let Some(c) = iua.caps(text) {
        // I.UA's error pages, one per reason.
        let r = match &c[1] {
            "1" | "6" => Some(NoRelaying),
            "2" => Some(UserUnknown),
            "3" => Some(Suspend),
            "4" => Some(MailboxFull),
            "5" => Some(TooManyConn),
            "7" | "9" => Some(Blocked),
            "8" => Some(Rejected),
            "10" => Some(Filtered),
            _ => None,
        };
        if r.is_some() {
            return r;
        }
    }
    static FB: OnceLock<Regex> = OnceLock::new();
    let fb = rx::cached(&FB, r"\b(rcp|int|pol|msg|dns|con)-([pt]\d)\b");
    if let Some(c) = fb.caps(text) {
        // Facebook's documented SMTP error codes.
        let r = match (&c[1], &c[2]) {
            ("rcp", "p1") | ("int", "p1" | "p3" | "p4") => Some(UserUnknown),
            ("rcp", "p2" | "p3") => Some(Filtered),
            ("pol", "p1" | "p2") => Some(Blocked),
            ("msg", "p1") | ("int", "p2") => Some(MesgTooBig),
            ("msg", "p2" | "p3") | ("pol", "p6" | "p7") => Some(ContentError),
            ("pol", "p3" | "p4" | "t1" | "t2" | "t3") => Some(NotAccept),
            ("dns", "p1" | "p2" | "t1" | "p3" | "t2") => Some(Rejected),
            ("con", "t1") | ("rcp", "t1") => Some(SystemError),
            ("con", "t2" | "t3") => Some(TooManyConn),
            ("pol", "p5") => Some(VirusDetected),
            ("rcp", "t4") => Some(Suspend),
            _ => None,
        };
        if r.is_some() {
            return r;
        }
    }
    let ib = rx::cached(&IB, r"\sib(\d{3})\b");
    if let Some(c) = ib.caps(text) {
        return Some(match &c[1] {
            "103" | "104" | "105" | "106" | "108" | "110" | "111" | "112" | "113" => Blocked,
            "007" | "510" => TooManyConn,
            "504" | "607" => Speeding,
            "101" => Expired,
            "212" => SpamDetected,
            "401" => SecurityError,
            "501" | "502" | "506" | "508" => Rejected,
            "705" => VirusDetected,
            _ => return None,
        });
    }
    None
}

/// A cheap test that every code [`provider_code`] reads needs, tried before
/// its phrase automaton (which steps through the text byte by byte): the
/// words `aup#` or `.i.ua/err/`; a `-` or `_` right after a Facebook word or
/// (past digits) a Frontier one; or `ib` before a digit. Vectorised searches
/// for rare bytes rule out most texts.
fn provider_gate(text: &str) -> bool {
    static WORDS: super::text::Phrases = super::text::Phrases::new(&["aup#", ".i.ua/err/"]);
    let b = text.as_bytes();
    let dash = memchr::memchr2_iter(b'-', b'_', b).any(|p| {
        let before = &b[..p];
        let lead = &before[..before.len()
            - before
                .iter()
                .rev()
                .take_while(|c| c.is_ascii_digit())
                .count()];
        ["rcp", "int", "pol", "msg", "dns", "con"]
            .iter()
            .any(|w| before.ends_with(w.as_bytes()))
            || ["lpn", "aaa", "ofr", "ouk"]
                .iter()
                .any(|w| lead.ends_with(w.as_bytes()))
    });
    static IB: super::text::Finders = super::text::Finders::new(&["ib"]);
    dash || IB.get()[0]
        .find_iter(b)
        .any(|p| b.get(p + 2).is_some_and(u8::is_ascii_digit))
        || WORDS.any_in(text)
}

/// IMail's report that its retries ran out.
fn imail_gave_up(text: &str) -> bool {
    static RE: OnceLock<Regex> = OnceLock::new();
    let re = rx::cached(&RE, r"\bdelivery failed \d+ attempts");
    re.is_match(text)
}

/// The session state Gmail names in "... (state 14).".
fn gmail_state(text: &str) -> Option<u32> {
    // Asked of every text; the prepared search rules most out cheaply.
    static STATE: super::text::Phrases = super::text::Phrases::new(&["(state "]);
    if !STATE.any_in(text) {
        return None;
    }
    static RE: OnceLock<Regex> = OnceLock::new();
    let re = rx::cached(&RE, r"\(state (\d{1,2})\)");
    re.caps(text).and_then(|c| c[1].parse().ok())
}

/// Host-unknown wordings that name the host in the middle of the sentence:
/// "host mx.example.org not found", "553 example.org does not exist".
fn host_unknown_named(text: &str) -> bool {
    static RE: OnceLock<Regex> = OnceLock::new();
    let re = rx::cached(
        &RE,
        r"\bhost [a-z0-9][a-z0-9.\-]*\.[a-z]{2,} not found|\b553 [a-z0-9][a-z0-9.\-]*\.[a-z]{2,} does not exist",
    );
    re.is_match(text)
}

/// The host names of `Facts::hosts`, without a trailing root dot.
fn host_list(hosts: &str) -> Vec<&str> {
    hosts
        .split_whitespace()
        .map(|h| h.trim_end_matches('.'))
        .collect()
}

/// Whether one of `hosts` is in one of `domains`.
fn involves(hosts: &[&str], domains: &[&str]) -> bool {
    hosts.iter().any(|h| {
        domains
            .iter()
            .any(|d| h == d || (h.ends_with(d) && h.as_bytes()[h.len() - d.len() - 1] == b'.'))
    })
}

/// A reason named by a vendor wording or code, or by a provider's own rule.
/// `hits` are the rule-table hits in the text and in the context.
fn vendor_reason(f: &Facts<'_>, hosts: &[&str], hits: [RuleHits; 2]) -> Option<Reason> {
    // Ipswitch IMail puts the verdict first: "Unknown user: a@b".
    if f.text.starts_with("unknown user: ") {
        return Some(Reason::UserUnknown);
    }
    // IMail gives up after its retry count: "Delivery failed 20 attempts".
    if imail_gave_up(f.text) {
        return Some(Reason::Expired);
    }
    // Gmail's older bounces end the quoted reply with "(state N)", the
    // session state in which it was refused; some states decide the reason.
    match gmail_state(f.text) {
        Some(13) => return Some(Reason::Blocked),
        Some(15 | 17 | 18) => return Some(Reason::Filtered),
        _ => {}
    }
    if let Some((reason, _)) = hits.iter().find_map(|h| h.vendor) {
        return Some(reason);
    }
    for rule in PROVIDER_RULES {
        if involves(hosts, rule.hosts) {
            for (frag, reason) in rule.frags {
                if f.text.contains(frag) || f.context.contains(frag) {
                    return Some(*reason);
                }
            }
        }
    }
    provider_code(f.text).or_else(|| provider_code(f.context))
}

/// Text rules in priority order: the first reason with a matching fragment wins.
/// Fragments are MTA and provider wordings (RFC texts, Postfix, Exim, Sendmail,
/// qmail, Exchange, Gmail, Yahoo, appliances), lower-case.
const TEXT_RULES: &[(Reason, &[&str])] = &[
    (
        Reason::MailboxFull,
        &[
            "mailbox exceeds",
            "mailbox full",
            "mailbox is full",
            "mailbox is over quota",
            "mailbox over quota",
            "over quota",
            "overquota",
            "over the quota",
            "quota exceeded",
            "quota exceed",
            "exceeded quota",
            "exceeds quota",
            "exceeded its quota",
            "exceeding its mailbox quota",
            "disk quota",
            "diskspace quota",
            "mail quota",
            "mailbox size limit",
            "mailbox limit has been exceeded",
            "mailbox would exceed",
            "mailbox has exceeded",
            "mailfolder is full",
            "full mailbox",
            "not enough storage space",
            "exceeded storage allocation",
            "user's space has been used up",
            "too much mail data",
            "too many messages in this mailbox",
            "quota violation",
            "reached disk quota",
            "boite du destinataire pleine",
            "boîte du destinataire pleine",
            "overquotatemp",
            "mailbox exceeded",
            "recipient's mailbox is full",
            "account is exceeding their quota",
            "does not have enough space",
            "mailbox quota usage exceeded",
            "over the allowed quota",
            "user has too many messages on the server",
            "account disabled temporarly for exceeding receiving limits",
            "mail file size exceeds the maximum size allowed",
        ],
    ),
    (
        Reason::MesgTooBig,
        &[
            "message too big",
            "message size exceeds",
            "message file too big",
            "message exceeds maximum",
            "exceeds the maximum size",
            "maximum message size",
            "max message size",
            "exceeded maximum inbound message size",
            "maximum email size exceeded",
            "size exceeds fixed",
            "size limits",
            "size limit exceeded",
            "message is too large",
            "message too large for this",
            "maxsizeerror",
            "taille limite du message",
            "message length exceeds",
            "line limit exceeded",
            "recipsizelimit",
        ],
    ),
    (
        Reason::ExceedLimit,
        &[
            "message too large",
            "message header size exceeds limit",
            "exceeds administrative limit",
        ],
    ),
    (
        Reason::Suspend,
        &[
            "temporarily locked",
            // qmail-ldap, misspelling included.
            "administrativley disabled",
            "administratively disabled",
            "temporary locked",
            "mailbox disabled",
            "mailbox is disabled",
            "mailbox currently suspended",
            "account disabled",
            "account is disabled",
            "account has been disabled",
            "account has been suspended",
            "account is suspended",
            "account suspended",
            "account is inactive",
            "account inactive",
            "tried to reach is disabled",
            "tried to reach is inactive",
            "inactive account",
            "inactive user",
            "user is inactive",
            "invalid/inactive",
            "temporarily inactive",
            "user suspended",
            "is a deadmailbox",
            "user is terminated",
            "mailbox is frozen",
            "this account has been disabled or discontinued",
            "user or domain is disabled",
            "account is locked",
            "recipient suspend",
            "disableduser",
            "mailbox is inactive",
            "mailbox inactive",
            "is no longer active",
            "has been disabled",
            "account expired",
            "mailbox unavailable or access denied",
            "is currently suspended",
            "has been suspended",
            "is a deactivated mailbox",
            "boite du destinataire archivee",
            "mailbox cannot be accessed",
            "access denied, banned recipient",
        ],
    ),
    (
        Reason::HasMoved,
        &[
            "has been replaced by",
            "no longer on server",
            "recipient no longer",
            "has moved",
            "address has changed",
            "mailbox has moved",
        ],
    ),
    (
        Reason::NoRelaying,
        &[
            "relay access denied",
            "relaying denied",
            "relay denied",
            "relay not permitted",
            "relaying not permitted",
            "relay prohibited",
            "relaying prohibited",
            "unable to relay",
            "not permitted to relay",
            "not allowed to relay",
            "no relaying",
            "insecure mail relay",
            "as a relay",
            "isn't in my list of allowed rcpthosts",
            "is not in my list of allowed rcpthosts",
            "not in my list of allowed rcpthosts",
            "not an open relay",
            "relaying mail to",
            "we don't handle mail for",
            "this system is not configured to relay",
            "not a gateway",
            "not local host",
            "mail relay denied",
            "relay access",
            "requires authentication when attempting to send to a non-local e-mail address",
            "list of allowed rcpthost",
        ],
    ),
    // A spam verdict outranks the advice about SPF/DKIM that follows it.
    (
        Reason::SpamDetected,
        &[
            "rejected due to spam",
            "due to spam classification",
            "classified as spam",
        ],
    ),
    (
        Reason::AuthFailure,
        &[
            "authentication information",
            "authentication checks",
            "dmarc policy",
            "dmarc-policy",
            "dmarc validation",
            "dmarc check",
            "dmarcrejection",
            "failed dmarc",
            "fails dmarc",
            "dmarc fail",
            "dmarc reject",
            "due to dmarc",
            "spf check",
            "spf fail",
            "spf validation",
            "spf record",
            "spf policy",
            "failed spf",
            "fails spf",
            "sender policy framework",
            "spf=fail",
            "spf unauthorized",
            "dkim verification",
            "dkim signature",
            "dkim check",
            "unauthenticated email",
            "authenticate with either spf or dkim",
            "both spf and dkim",
            "sender id (pra)",
            "is not allowed to send mail from",
            "is not designated",
            "not permitted by domain of",
            "ipv6autherror",
            "sender invalid - envelope rejected",
        ],
    ),
    (
        Reason::Blocked,
        &[
            "rejected by the recipient domain",
            "blocked using",
            "banned sending ip",
            "access denied, banned sender",
            "blacklisted by",
            "ip address blacklisted",
            "bad sender ip address",
            "client host rejected",
        ],
    ),
    (
        Reason::SecurityError,
        &[
            "unauthenticated senders",
            "authentication required",
            "must be authenticated",
        ],
    ),
    (
        Reason::Filtered,
        &[
            "resolver.rst.notauthorized",
            "message filtered",
            "refused due to recipient preferences",
            "user refuses to receive",
            "user reject the mail",
            "user reject",
            "because the recipient is only accepting mail from specific email addresses",
            "bounced address",
            "due to extended inactivity new mail is not currently being accepted",
            "not found recipient account",
            "refuse to receive mail",
            "recipient refuses",
            "blocked by the recipient",
            "you have been blocked by the recipient",
            "is not accepting any mail",
            "has restricted sms e-mail",
            "message rejected due to user rules",
            "this account is protected by",
            "because the recipient is not accepting mail",
            "rejected by recipient",
            "not authorized to send to this recipient",
            "delivery not authorized, message refused",
        ],
    ),
    (
        Reason::UserUnknown,
        &[
            "invalid final delivery userid",
            "recipient not recognized",
            "recipient name is not recognized",
            "user unknown",
            "unknown user",
            "unknown recipient",
            "recipient unknown",
            "no such user",
            "no such recipient",
            "no such mailbox",
            "no such address",
            "no such person",
            "no such account",
            "no such email address",
            "no mailbox here by that name",
            "no mailbox by that name",
            "no mailbox found",
            "no account by that name",
            "mailbox not found",
            "mailbox not present",
            "mailbox does not exist",
            "mailbox doesn't exist",
            "mailbox unavailable",
            "mailbox invalid",
            "invalid mailbox",
            "unknown mailbox",
            "user not found",
            "user not known",
            "user not exist",
            "user does not exist",
            "user doesn't exist",
            "user doesn't have a",
            "user missing home directory",
            "recipient not found",
            "recipient does not exist",
            "recipient not exist",
            "recipient is not local",
            "recipient address rejected: access denied",
            "recipient address rejected: undeliverable",
            "address does not exist",
            "address doesn't exist",
            "address unknown",
            "address not present in directory",
            "not found in directory",
            "account that you tried to reach does not exist",
            "email account that you tried to reach",
            "address couldn't be found",
            "address could not be found",
            "email address does not exist",
            "invalid recipient",
            "invalid address",
            "not a valid recipient",
            "not a valid mailbox",
            "not a valid user",
            "is not a known user",
            "is not an active address",
            "not known at this site",
            "recipnotfound",
            "recipientnotfound",
            "recipient not ok",
            "unknown or illegal alias",
            "badrcptto",
            "validrcptto",
            "not listed in domino directory",
            "no mail box available",
            "there is no one at this address",
            "utilisateur inconnu",
            "destination addresses were unknown",
            "this address no longer accepts mail",
            "nosuchuser",
            "doesn't have a yahoo",
            "non-existent user",
            "nonexistent user",
            "unknown local part",
            "unknown address",
            "does not exist here",
            "no valid recipients",
            "undeliverable address",
            "invalid user",
            "bad destination mailbox",
        ],
    ),
    (
        Reason::RequirePtr,
        &[
            "reverse hostname",
            "no reverse dns",
            "fix reverse dns",
            "reverse dns lookup",
            "reverse dns entry",
            "reverse dns name",
            "reverse dns failed",
            "reverse dns required",
            "unverifyable sending ip",
            "reverse lookup",
            "ptr record",
            "ptr resource record",
            "no ptr",
            "cannot find your hostname",
            "ip name lookup failed",
            "unresolvable relay host name",
            "generic dns ptr",
            "rdns",
            "reverse-dns",
            "fcrdns",
        ],
    ),
    (
        Reason::NotCompliantRfc,
        &[
            "multiple addresses in from",
            "not rfc 5322 compliant",
            "rfc 5322",
            "rfcmessagenoncompliant",
            "not rfc compliant",
            "rfc2822",
            "rfc 2822",
            "duplicate header",
            "multiple from",
            "multiple subject",
            "missing a valid message-id",
            "is not compliant with rfc",
        ],
    ),
    (
        Reason::BadReputation,
        &[
            "poor reputation",
            "low reputation",
            "bad reputation",
            "ip reputation",
            "reputation score",
            "sender reputation",
            "domain reputation",
        ],
    ),
    (
        Reason::ContentError,
        &[
            "improper use of 8-bit data",
            "invalid mime",
            "mime complexity",
            "improperly-formatted binary content",
            "unnecessary base64",
            "message header size",
            "too many received",
            "malformed message",
            "header size exceeds maximum permitted",
            "message is malformed",
        ],
    ),
    (
        Reason::Rejected,
        &[
            // Mailing-list managers refusing a post from a non-member (fml).
            "not a member of this mailing list",
            "not member article from",
            "send mail as",
            "recipient addresses rejected : access denied",
            "can't determine purported responsible address",
            "an address that has been blacklisted",
            "sender is in my black list",
            "this server does not accept mail from",
            "returned mail not accepted here",
            "not a registered gateway user",
            "sender address rejected",
            "sender rejected",
            "sender was rejected",
            "sender denied",
            "sender verify failed",
            "sender is spammer",
            "invalid sender",
            "bad sender",
            "sender not pre-approved",
            "sender email address rejected",
            "sender address has been blacklisted",
            "sender domain",
            "domain of sender",
            "sender is in my badmailfrom",
            "unroutable sender",
            "null sender is not allowed",
            "empty envelope senders",
            "no third-party dsns",
            "bogus mail from",
            "mail from not owned",
            "from address rejected",
            "envelope sender",
            "return path",
            "batv",
            "unverified address",
            "fully qualified email address required",
            "members-only list",
            "not allowed to post",
            "permission to post",
            "non-member",
            "your access to submit messages",
            "you are not allowed to send",
            "not allowed to send from",
            "access denied (sender blacklisted)",
            "administrative prohibition",
            "because the sender isn't on the recipient's list of senders",
            "denied [bouncedeny]",
            "denied by secumail valid-address-filter",
            "does not exist e2110",
            "email address is on senderfilterconfig list",
            "emetteur invalide",
            "from: domain is invalid. please provide a valid from:",
            "rule imposed mailbox access for",
            "transaction failed unsigned dsn for",
            "backscatter protection detected an invalid or expired email address",
            "message rejected: email address is not verified",
            "syntax error: empty email address",
            "envelope blocked",
        ],
    ),
    // Domains that resolve but name no usable mail server: before the
    // host-unknown wordings they contain.
    (
        Reason::NotAccept,
        &[
            "name server: .: host not found",
            "no mx record found for domain=",
            "no route for current request",
            "smtp protocol returned a permanent error",
        ],
    ),
    // Postfix's temporary DNS failure ("Host not found, try again") is not
    // proof that the domain does not exist.
    (
        Reason::NetworkError,
        &["host not found, try again", "had no relevant answers"],
    ),
    (
        Reason::HostUnknown,
        &[
            "host or domain name not found",
            "host unknown",
            "unknown host",
            "domain does not exist",
            "domain doesn't exist",
            "no such domain",
            "domain not found",
            "unknown domain",
            "unrouteable address",
            "unroutable address",
            "couldn't find any host",
            "could not find any host",
            "name or service not known",
            "nxdomain",
            "non-existent domain",
            "nonexistentdomain",
            "recipient domain must exist",
            "domain must exist",
            "the account or domain may not exist",
            "no mx record",
            "mx records point to non-existent hosts",
            "domain name not found",
            "domain is not reachable",
            "invalid domain",
            "host not found",
            "host unreachable",
            "mail domain mentioned in email address is unknown",
        ],
    ),
    (
        Reason::VirusDetected,
        &[
            "security policies",
            "virus",
            "infected",
            "malware",
            "potentially executable attachment",
            "executable content",
        ],
    ),
    (
        Reason::SpamDetected,
        &[
            "spam",
            "blacklisted url",
            "uribl",
            "surbl",
            "unsolicited",
            "ube",
            "bulk mail",
            "junk mail",
            "message content rejected",
            "content filter",
            "mail content denied",
            "suspected as",
            "looks like sp",
            "scored too high",
            "high probability of",
            "recurrent pattern detection",
            "our filters rate",
            "blockedmessage",
            "unsolicitedmessageerror",
        ],
    ),
    (
        Reason::PolicyViolation,
        &[
            "host network not allowed",
            "content presents a potential",
            "header error",
            "policy reasons",
            "local policy violation",
            "policy violation detected",
            "local policy",
            "organization policy",
            "organizational settings",
            "content policy",
            "denied by policy",
            "illegal attachment",
            "attachment extension is forbidden",
            "attachment not allowed",
            "attachments are not allowed",
            "attachment type",
            "forbidden attachment",
            "blocked attachment",
            "attachment is not allowed",
            "prohibited",
            "not subscribed to this group",
            "mass mailer",
            "rejected for policy",
            "message given low priority",
            "closed mailing list",
            "we do not accept messages containing images or other attachments",
            "without solving a captcha",
            "protocol violation",
        ],
    ),
    (
        Reason::Speeding,
        &[
            "recipients this hour",
            "receiving mail too quickly",
            "receiving mail at a rate",
        ],
    ),
    (
        Reason::TooManyConn,
        &[
            "connection rate limit",
            "frequency limited",
            "too many connections",
        ],
    ),
    (
        Reason::Speeding,
        &[
            "receiving mail too quickly",
            "receiving mail at a rate",
            "too quickly",
            "rate limit",
            "rate limited",
            "ratelimit",
            "try again slower",
            "sending rate",
            "receivingrate",
            "too much email",
            "too many messages",
            "unusual rate",
        ],
    ),
    (
        Reason::TooManyConn,
        &[
            "too many connections",
            "too many concurrent",
            "too many simultaneous",
            "too many sessions",
            "too many smtp sessions",
            "connection limit",
            "maximum connection",
            "max connections",
            "too many recipients",
            "too many errors",
            "trop de connexions",
            "max message per connection",
        ],
    ),
    (
        Reason::FailedStartTls,
        &[
            "starttls",
            "requiretls",
            "tls required",
            "requires encryption",
            "must issue a starttls",
            "encryption required",
            "mta-sts",
            "dane",
            "tls negotiation failed",
        ],
    ),
    (
        Reason::Blocked,
        &[
            "blocked using",
            "blacklisted",
            "blacklist",
            "blocklist",
            "block list",
            "blocklisted",
            "block listed",
            "listed in",
            "listed on",
            "dnsbl",
            "rbl",
            "spamhaus",
            "spamcop",
            "barracudacentral",
            "client host rejected",
            "client host blocked",
            "helo command rejected",
            "rejecting open proxy",
            "dynamic ip",
            "dynamic/zombied",
            "residential",
            "banned sending ip",
            "your ip",
            "your ip address",
            "sending ip",
            "ip address",
            "ip blocked",
            "your host",
            "has been blocked",
            "was blocked",
            "blocked by",
            "refused to talk to me",
            "not currently accepting mail from",
            "temporarily deferred",
            "permanently deferred",
            "connection refused",
            "not allowed to connect",
            "remotehost looks suspiciously like spammer",
            "no access from mail server",
            "service unavailable; client host",
            "esmtp not accepting connections",
            "please use the smtp server of your isp",
            "network is on our block list",
            "blocked - see",
            "refused - see",
            "has been temporarily rate limited", // ip-level throttle
            "gmx.net",
            "bad ip",
            "connection dropped",
            "connection was dropped by remote host",
            "cannot resolve your address",
            "confirm this mail server",
            "go away",
            "invalid ip for sending mail of domain",
            "in a black list",
            "listed as abusive",
            "your server requires confirmation",
            "blocked",
        ],
    ),
    (
        Reason::SecurityError,
        &[
            "authentication required",
            "authentication is required",
            "authentication failure",
            "authentication failed",
            "authentication credentials invalid",
            "must be authenticated",
            "not authenticated",
            "smtp authentication",
            "requires authentication",
            "please authenticate",
            "client was not authenticated",
            "invalid credentials",
            "not authorized",
            "email address is not verified",
            "account not subscribed to ses",
        ],
    ),
    (
        Reason::NotAccept,
        &[
            "null mx",
            "does not accept mail",
            "doesn't accept mail",
            "not accepting mail",
            "no mail service",
            "accepts no mail",
            "does not receive mail",
        ],
    ),
    (
        Reason::NetworkError,
        &[
            "mail forwarding loop",
            "i wasn't able to establish an smtp connection",
            "routing loop",
            "mail loop",
            "too many hops",
            "hop count exceeded",
            "forwarding loop",
            "loops back to myself",
            // OpenSMTPD, and qmail's "This message is looping".
            "loop detected",
            "message is looping",
            "host name lookup failure",
            "malformed name server reply",
            "malformed or unexpected name server reply",
            "no route to host",
            "host is unreachable",
            "unable to resolve route",
            "dns query failed",
            "dns lookup failure",
            "mx lookup",
            "temporary failure in name resolution",
            "network is unreachable",
            "connection reset",
            "could not connect and send the mail to",
            "dns records for the destination computer could not be found",
            "message looping",
            "unrouteable mail domain",
        ],
    ),
    (
        Reason::SystemFull,
        &[
            "insufficient disk space",
            "mail system full",
            "insufficient system storage",
            "insufficient system resources",
            "out of disk space",
            "spool full",
            "disk full",
            "no space left",
        ],
    ),
    (
        Reason::MailerError,
        &[
            "x-unix;",
            "command died with status",
            "command failed:",
            "mailer error",
            "procmail",
            "pipe to |",
            "delivery to a program",
            "program exited",
            "exit status",
        ],
    ),
    (
        Reason::SystemError,
        &[
            // Mailing-list managers dropping a post they have seen before (fml).
            "duplicated message-id",
            "loop alert:",
            "write error",
            "automatic homedir creator crashed",
            "illegal value in ldap attribute",
            "ldap attribute is not given but mandatory",
            "timeout while performing search on ldap server",
            "too many results returned but needs to be unique",
            "error while executing qmail-forward",
            "temporary error in automatic homedir creation",
            "temporary failure in ldap lookup",
            "unable to contact ldap server",
            "unable to login into ldap server",
            "delivery to file forbidden",
            "delivery to pipe forbidden",
            "local delivery failed",
            "bad interpreter: no such file or directory",
            "queue file write error",
            "could not load drd",
            "transaction failed",
            "internal server error",
            "internal error",
            "system error",
            "local error in processing",
            "local configuration error",
            "server configuration error",
            "mail system configuration error",
            "misconfigured",
            "temporary local problem",
            "service currently unavailable",
            "aliasing/forwarding loop",
            "can't create user output file",
            "temporary server error",
            "timeout waiting for input",
            "interrupted system call",
            "it encountered an error while being processed",
            "loop was found in the mail exchanger",
            "system config error",
            "it would create a mail loop",
            "mail for this domain loops",
        ],
    ),
    (
        Reason::Expired,
        &[
            "unable to connect",
            "could not connect",
            "not reachable",
            "host not reachable",
            "will be retried",
            "did not accept our requests to connect",
            "retry timeout exceeded",
            "retry time not reached",
            "queue too long",
            "in the queue too long",
            "has been delayed",
            "delivery time expired",
            "message expired",
            "message timed out",
            "queue.expired",
            "giving up on",
            "could not be delivered for",
            "could not deliver for the last",
            "could not find a gateway for",
            "failed to deliver to domain ",
            "it has not been collected after",
            "message expired after sitting in queue",
            "retry time not reached for any host after a long failure period",
            "was not reachable within",
            "unable to deliver message after multiple retries",
            "have been failing for a long time",
            "delivery attempts will continue",
            "still being retried",
            "exceeded max time without delivery",
            "connection timed out",
            "timed out",
            "expired",
            "server did not respond",
            "not be delivered within",
        ],
    ),
    (
        Reason::SyntaxError,
        &[
            "syntax error",
            "malformed address",
            "bad sequence of commands",
            "command unrecognized",
            "unrecognized command",
            "command not recognized",
            "command not implemented",
            "unknown command",
        ],
    ),
];

/// Reasons whose text evidence outranks any enhanced status code (fact 7.3
/// rule 4: a 5.1.1 that says "mailbox full" is a full mailbox).
fn text_beats_code(text: Reason, code: Reason, status: &str) -> bool {
    use Reason::*;
    let _ = text;
    // Codes that name one condition precisely; anything else is read from the
    // text. An expiry (X.4.7) is not among them: it only says that retrying
    // ran out, and the last error quoted with it says why.
    let decisive = matches!(
        &status[1..],
        ".2.2"
            | ".3.4"
            | ".2.3"
            | ".1.6"
            | ".7.13"
            | ".7.25"
            | ".7.26"
            | ".7.23"
            | ".7.20"
            | ".7.21"
            | ".7.22"
            | ".7.24"
            | ".3.1"
    );
    !(decisive
        && matches!(
            code,
            MailboxFull
                | MesgTooBig
                | ExceedLimit
                | HasMoved
                | Suspend
                | RequirePtr
                | Expired
                | AuthFailure
                | SystemFull
        ))
}

/// Reason from an enhanced status code alone (facts §2.2, Sisimai column).
pub fn reason_for_status(status: &str) -> Option<Reason> {
    use Reason::*;
    let class = status.as_bytes().first().copied()?;
    let rest = &status[1..];
    let permanent = class == b'5';
    Some(match rest {
        ".1.0" | ".1.1" | ".1.3" => UserUnknown,
        ".1.2" => HostUnknown,
        ".1.4" => Filtered,
        ".1.5" if class == b'2' => Delivered,
        ".1.6" => HasMoved,
        ".1.7" | ".1.8" => Rejected,
        ".1.9" => SystemError,
        ".1.10" => NotAccept,
        ".2.0" => Filtered,
        ".2.1" => {
            if permanent {
                Filtered
            } else {
                Blocked
            }
        }
        ".2.2" => MailboxFull,
        ".2.3" => ExceedLimit,
        ".2.4" => Filtered,
        ".3.0" => SystemError,
        ".3.1" => SystemFull,
        ".3.2" => NotAccept,
        ".3.3" | ".3.5" => SystemError,
        ".3.4" => MesgTooBig,
        ".4.0" => NetworkError,
        ".4.1" => Expired,
        ".4.2" => NetworkError,
        ".4.3" => SystemError,
        ".4.4" => {
            if permanent {
                HostUnknown
            } else {
                NetworkError
            }
        }
        ".4.5" => SystemFull,
        ".4.6" => NetworkError,
        ".4.7" => Expired,
        ".4.8" => FailedStartTls,
        ".5.2" | ".5.6" => SyntaxError,
        ".5.3" => TooManyConn,
        ".5.4" | ".5.5" => SystemError,
        ".6.0" | ".6.1" | ".6.2" | ".6.3" | ".6.5" | ".6.6" | ".6.7" | ".6.8" | ".6.9" => {
            ContentError
        }
        ".7.0" => SecurityError,
        ".7.1" | ".7.2" => {
            if permanent {
                SecurityError
            } else {
                Blocked
            }
        }
        ".7.3" | ".7.4" | ".7.5" | ".7.6" | ".7.7" | ".7.8" | ".7.9" | ".7.10" | ".7.11"
        | ".7.12" | ".7.14" | ".7.15" | ".7.19" => SecurityError,
        ".7.13" => Suspend,
        ".7.16" => MesgTooBig,
        ".7.17" | ".7.18" => HasMoved,
        ".7.20" | ".7.21" | ".7.22" | ".7.23" | ".7.24" | ".7.26" | ".7.29" => AuthFailure,
        ".7.25" => RequirePtr,
        ".7.27" => NotAccept,
        ".7.28" => SpamDetected,
        ".7.30" => FailedStartTls,
        _ => {
            if class == b'2' {
                Delivered
            } else {
                return None;
            }
        }
    })
}

/// Generic codes that say nothing beyond the class.
fn is_generic_status(status: &str) -> bool {
    // A temporary "other network or routing status" (4.4.0) says only that
    // delivery is still being tried.
    matches!(
        &status[1..],
        ".0.0" | ".0.1" | ".5.0" | ".5.1" | ".3.0" | ".0.900"
    ) || status == "4.4.0"
}

/// The first text rule that matches, and the matched fragment: the earliest
/// fragment in `TEXT_RULES` order that occurs (as a word when short).
pub fn text_reason(text_lower: &str) -> Option<(Reason, &'static str)> {
    rules().first(text_lower).text
}

/// The vendor and text rules, built on first use.
fn rules() -> &'static RuleTable {
    static RULES: OnceLock<RuleTable> = OnceLock::new();
    RULES.get_or_init(RuleTable::new)
}

/// What one text holds of each rule table: the earliest vendor rule and the
/// earliest text rule with a fragment in it.
#[derive(Debug, Clone, Copy, Default)]
struct RuleHits {
    vendor: Option<(Reason, &'static str)>,
    text: Option<(Reason, &'static str)>,
}

/// `VENDOR_RULES` and `TEXT_RULES` searched in one pass (the classifier asks
/// both about the same texts): pattern k of the automaton is `fragments[k]`,
/// the vendor fragments first, each table numbered in rule order, so the
/// earliest rule of a table with a fragment in the text is the smallest
/// number of that table among the matches.
struct RuleTable {
    automaton: Option<super::text::PrefixSet>,
    fragments: Vec<(Reason, &'static str)>,
    /// Fragments `..vendor` are `VENDOR_RULES`, the rest `TEXT_RULES`.
    vendor: usize,
}

impl RuleTable {
    fn new() -> RuleTable {
        let flat = |rules: &'static [(Reason, &'static [&'static str])]| {
            rules
                .iter()
                .flat_map(|(reason, frags)| frags.iter().map(|f| (*reason, *f)))
        };
        let fragments: Vec<(Reason, &'static str)> =
            flat(VENDOR_RULES).chain(flat(TEXT_RULES)).collect();
        let automaton = super::text::PrefixSet::new(fragments.iter().map(|(_, f)| f));
        RuleTable {
            automaton,
            vendor: flat(VENDOR_RULES).count(),
            fragments,
        }
    }

    /// The earliest fragment (in rule order) of each table that occurs in
    /// `text`; text-rule fragments shorter than 5 characters must stand as
    /// words.
    fn first(&self, text: &str) -> RuleHits {
        let Some(ac) = &self.automaton else {
            // Only if the automaton could not be built: one search per fragment.
            let (vendor, rest) = self.fragments.split_at(self.vendor);
            return RuleHits {
                vendor: vendor.iter().find(|(_, f)| text.contains(f)).copied(),
                text: rest.iter().find(|(_, f)| contains_word(text, f)).copied(),
            };
        };
        let hb = text.as_bytes();
        let (mut vendor, mut rule): (Option<usize>, Option<usize>) = (None, None);
        ac.each(hb, |order, start, end| {
            if order < self.vendor {
                if vendor.is_none_or(|o| order < o) {
                    vendor = Some(order);
                }
                return;
            }
            if rule.is_some_and(|o| o <= order) {
                return;
            }
            if self.fragments[order].1.len() < 5 && !word_at(hb, start, end) {
                return;
            }
            rule = Some(order);
        });
        RuleHits {
            vendor: vendor.map(|o| self.fragments[o]),
            text: rule.map(|o| self.fragments[o]),
        }
    }
}

/// True when `hay[s..e]` is not part of a longer word.
fn word_at(hb: &[u8], s: usize, e: usize) -> bool {
    let before_ok = s == 0 || !hb[s - 1].is_ascii_alphanumeric();
    let after_ok = e >= hb.len() || !hb[e].is_ascii_alphanumeric();
    before_ok && after_ok
}

/// Substring match; fragments shorter than 5 characters must stand as words
/// so that "ube" does not match "tube" and "rbl" does not match "herbl".
fn contains_word(hay: &str, needle: &str) -> bool {
    if needle.len() >= 5 {
        return hay.contains(needle);
    }
    let hb = hay.as_bytes();
    let mut from = 0;
    while let Some(p) = hay[from..].find(needle) {
        let s = from + p;
        if word_at(hb, s, s + needle.len()) {
            return true;
        }
        from = s + 1;
        while !hay.is_char_boundary(from) {
            from += 1;
        }
    }
    false
}

#[cfg(test)]
mod text_rules_scan {
    use super::*;

    fn naive(text_lower: &str) -> Option<(Reason, &'static str)> {
        TEXT_RULES.iter().find_map(|(reason, frags)| {
            frags
                .iter()
                .find(|f| contains_word(text_lower, f))
                .map(|f| (*reason, *f))
        })
    }

    #[test]
    fn vendor_scan_finds_what_rule_order_finds() {
        let table = rules();
        let frags: Vec<&str> = VENDOR_RULES
            .iter()
            .flat_map(|(_, f)| f.iter().copied())
            .collect();
        for (i, f) in frags.iter().enumerate() {
            let other = frags[(i * 7 + 3) % frags.len()];
            for t in [
                f.to_string(),
                format!("x{f}y"),
                format!("{f} ... {other}"),
                format!("{other}{f}"),
            ] {
                let naive = VENDOR_RULES
                    .iter()
                    .find(|(_, fs)| fs.iter().any(|x| t.contains(x)))
                    .map(|(r, _)| *r);
                assert_eq!(table.first(&t).vendor.map(|(r, _)| r), naive, "text: {t}");
            }
        }
    }

    #[test]
    fn one_scan_finds_what_rule_order_finds() {
        let frags: Vec<&str> = TEXT_RULES
            .iter()
            .flat_map(|(_, f)| f.iter().copied())
            .collect();
        let mut texts = vec![String::new(), "nothing to see".to_string()];
        for (i, f) in frags.iter().enumerate() {
            texts.push(f.to_string());
            texts.push(format!("x{f}"));
            texts.push(format!("{f}s and more"));
            texts.push(format!("é{f}é"));
            // A later rule's fragment before an earlier one's.
            let other = frags[(i * 7 + 3) % frags.len()];
            texts.push(format!("{f} ... {other}"));
            texts.push(format!("{other}{f}"));
        }
        for t in &texts {
            assert_eq!(text_reason(t), naive(t), "text: {t}");
        }
    }
}

/// Classify one recipient.
pub fn classify(f: &Facts<'_>) -> Reason {
    use Reason::*;
    let action = f.action.unwrap_or("");
    let status = f.status.filter(|s| s.len() >= 5);
    let success_action = action.starts_with("delivered")
        || action.starts_with("relayed")
        || action.starts_with("expanded");
    if success_action && status.is_none_or(|s| s.starts_with('2')) {
        return Delivered;
    }
    if status.is_some_and(|s| s.starts_with('2')) && !action.starts_with("failed") {
        return Delivered;
    }
    let hosts = host_list(f.hosts);
    // Both tables in one pass over each text.
    let hits = [rules().first(f.text), rules().first(f.context)];
    if let Some(r) = vendor_reason(f, &hosts, hits) {
        return r;
    }
    let text_match = if host_unknown_named(f.text) {
        Some((HostUnknown, "host not found"))
    } else {
        hits.iter().find_map(|h| h.text)
    };
    let text_hit = text_match.map(|(r, _)| r);
    // Blocking words that name the sending host or its IP (a blocklist, "your
    // IP") rather than a bare refusal ("deferred").
    let host_blocked = text_match.is_some_and(|(r, frag)| {
        r == Blocked
            && !matches!(
                frag,
                "temporarily deferred" | "permanently deferred" | "blocked"
            )
    });
    let code_hit = status.and_then(reason_for_status);
    let temporary = status.is_some_and(|s| s.starts_with('4'))
        || f.reply.is_some_and(|r| (400..500).contains(&r))
        || action.starts_with("delayed");

    let mut reason = match (text_hit, code_hit) {
        (Some(t), Some(c)) if t != c => {
            if text_beats_code(t, c, status.unwrap_or("5.0.0")) {
                t
            } else {
                c
            }
        }
        (Some(t), _) => t,
        (None, Some(c)) if !status.is_some_and(is_generic_status) => c,
        _ => Undefined,
    };

    // "No such user" said after DATA is the recipient side filtering the
    // message, not a verdict on the address (facts §7.3 rule 3).
    // With a mailbox-status code (X.2.x) the same words mean the mailbox
    // refused the message.
    if reason == UserUnknown && code_hit != Some(UserUnknown) && f.stage != Some(Stage::Rcpt) {
        reason = Filtered;
    }
    // A local program's failure (Diagnostic-Code: x-unix) is the mailer's:
    // its words about users or hosts are about the program's own lookup.
    if f.diag_type.is_some_and(|t| t.contains("unix"))
        && matches!(
            reason,
            UserUnknown | Filtered | HostUnknown | Rejected | Blocked | OnHold
        )
    {
        reason = MailerError;
    }
    // A lookup failure that the MTA will retry is a DNS problem, not proof
    // that the domain does not exist.
    if reason == HostUnknown && temporary {
        reason = NetworkError;
    }
    // Stage hints (facts §1.3, §7.3 rule 3).
    match f.stage {
        Some(Stage::Mail)
            // Refused at MAIL FROM: the address in question is the sender's,
            // unless the words say the sending host itself is blocked.
            if matches!(reason, Undefined | UserUnknown | HostUnknown | OnHold)
                || (reason == Blocked && !host_blocked)
                || (reason == SecurityError && f.text.contains("access denied")) =>
        {
            reason = Rejected
        }
        Some(Stage::Connect | Stage::Helo)
            if matches!(reason, Undefined | SecurityError | OnHold) =>
        {
            reason = Blocked
        }
        _ => {}
    }

    if reason == Undefined {
        reason = if f.diag_type.is_some_and(|t| t.contains("unix")) {
            MailerError
        } else if let Some(s) = status.filter(|s| !is_generic_status(s)) {
            reason_for_status(s).unwrap_or(Undefined)
        } else if let Some(r) = f.reply {
            match r {
                500..=504 => SyntaxError,
                421 => Blocked,
                450 | 550 if f.stage == Some(Stage::Rcpt) => UserUnknown,
                551 => UserUnknown,
                552 => MailboxFull,
                553 if f.stage == Some(Stage::Rcpt) => UserUnknown,
                554 if f.stage == Some(Stage::Connect) => Blocked,
                521 | 556 => NotAccept,
                530 | 535 | 538 => SecurityError,
                _ => Undefined,
            }
        } else {
            Undefined
        };
        if reason == Undefined && temporary && action.starts_with("delayed") {
            reason = Expired;
        }
        if reason == Undefined && !f.text.trim().is_empty() {
            reason = OnHold;
        }
    }
    // NTT docomo answers most refusals with a bare 550: at RCPT the address
    // does not exist, after DATA the recipient's settings refused the sender.
    if involves(&hosts, &["docomo.ne.jp"])
        && status.is_none_or(is_generic_status)
        && matches!(reason, UserUnknown | Filtered | OnHold | Undefined)
    {
        match f.stage {
            Some(Stage::Rcpt) => reason = UserUnknown,
            Some(Stage::Data) => reason = Rejected,
            _ => {}
        }
    }
    reason
}

/// The hand reading of enhanced codes finds what the regex finds.
#[cfg(test)]
mod enhanced_tests {
    use super::*;
    use crate::diagnose::rx::oracle::same;

    #[test]
    fn enhanced_matches_are_the_regex_matches() {
        let re = rx::new(ENHANCED).unwrap();
        same(
            &[
                "",
                ".",
                "5.",
                "5.1.1",
                "55.1.1",
                "5.1234.5",
                "5.123.4567",
                "2.0.0 4.4.1.5.1.1",
                "x5.1.1.2",
                "5.1.",
                ".5.5.5.5.5",
                "\u{e9}5.1.1",
            ],
            &[
                "5", "4", "2", "3", ".", "1", "12", "123", "1234", "0", " ", "x", "\u{e9}",
            ],
            (1000, 100),
            |t| {
                let v: Vec<_> = enhanced_matches(t.as_bytes()).collect();
                (!v.is_empty()).then_some(v)
            },
            |t| {
                let v: Vec<_> = re.find_iter(t).map(|m| (m.start(), m.end())).collect();
                (!v.is_empty()).then_some(v)
            },
        );
    }
}

/// The gate of [`provider_code`] lets through every text a code is read from.
#[cfg(test)]
mod provider_gate_tests {
    use super::*;
    use crate::diagnose::rx::oracle::same;

    #[test]
    fn gate_keeps_every_code() {
        same(
            &[
                "550 aup#cxbl",
                "aup#-1010",
                "lpn_101",
                "lpnaaa_416",
                "ofr123-417 x",
                "ouk123_514",
                "see https://mail.i.ua/err/4/",
                "rcp-p1",
                "pol-t3.",
                " ib103",
                "\tib007",
                "x ib101 y",
            ],
            &[
                "aup#",
                "cxbl",
                "-",
                "_",
                "1010",
                "101",
                "416",
                "lpn",
                "lpnaaa",
                "ofr",
                "ouk",
                "123",
                ".i.ua/err/",
                "4",
                "rcp",
                "int",
                "pol",
                "msg",
                "dns",
                "con",
                "p1",
                "t3",
                " ",
                "\t",
                "ib",
                "007",
                "x",
                "#",
                "/",
            ],
            (50, 10),
            |t| provider_code(&t.to_ascii_lowercase()),
            |t| provider_code_of(&t.to_ascii_lowercase()),
        );
    }
}

/// The stage word and reply code are read from the match as the capture
/// groups would give them.
#[cfg(test)]
mod match_readers {
    use super::*;
    use crate::diagnose::rx::oracle::same;

    #[test]
    fn stage_word_is_the_captured_group() {
        let re = rx::new(STAGE_PATTERN).unwrap();
        let names = [
            "a", "b", "c", "d", "e", "f", "g", "h", "i", "j", "k", "l", "m",
        ];
        same(
            &[
                "",
                "in reply to the end of data",
                "in reply to rcpt to command",
                "after the initial connection",
                "after sending data",
                ">>> \t.",
                ">>>rcpt",
                "did not like our final data",
                "failed on data command",
                "[rcpt_to]",
                "while performing helo",
                "sent <<< mail",
                "smtp:connect ",
                "most progress was ehlo",
                "mail from command",
                "xdata command",
                "data to command",
                "for text command",
                "(ehlo)",
                "additional rcpt to generated",
            ],
            &[
                "in reply to ",
                "after ",
                "the ",
                "rcpt",
                "mail",
                "data",
                "end of data",
                "helo",
                ">>>",
                " ",
                "\t",
                ".",
                "did not like our ",
                "[",
                "]",
                "(",
                ")",
                "_to",
                "while sending ",
                "smtp:",
                " command",
                " to",
                " from",
                "x",
                "does not like recipient",
                "sent <<< ",
                "connect",
                "initial",
                " connection",
            ],
            (100, 50),
            |t| re.find(t).map(|m| stage_word(m.as_str()).to_string()),
            |t| {
                re.captures(t).map(|c| {
                    names
                        .iter()
                        .find_map(|n| c.name(n))
                        .unwrap()
                        .as_str()
                        .to_string()
                })
            },
        );
    }

    #[test]
    fn reply_code_is_the_captured_group() {
        for (pat, min) in [
            (REPLY_START, (500, 100)),
            (REPLY_QUOTED, (2000, 400)),
            (REPLY_LABELLED, (20, 5)),
        ] {
            let re = rx::new(pat).unwrap();
            let code = |m: regex::Match<'_>| {
                let s = m.as_str();
                let i = s.find(|c: char| c.is_ascii_digit())?;
                s.get(i..i + 3).map(String::from)
            };
            same(
                &[
                    "",
                    "550 5.1.1 x",
                    "smtp; 421 x",
                    "<<< 552-",
                    "#550",
                    "host x said: 554 go away",
                    "returned '550 x",
                    "(550 5.7.1 x)",
                    "error: 550 x",
                    "Reply: 451 x",
                    "ERROR_CODE :550, x",
                    "code: 550.",
                    "code : 5501",
                    "\u{17f}aid: 550 x",
                ],
                &[
                    "550", "421", "5.1.1", "smtp;", "<<<", "#", "said:", "returned", "'", "(", "[",
                    "error", "reply", "response", "code", ":", " ", "-", "x", ".", "\u{17f}",
                    "\u{212a}",
                ],
                min,
                |t| re.find(t).and_then(code),
                |t| re.captures(t).map(|c| c[1].to_string()),
            );
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn codes_are_found() {
        assert_eq!(find_enhanced("550 5.1.1 <a@b>").as_deref(), Some("5.1.1"));
        assert_eq!(find_enhanced("host [192.5.1.1] said").as_deref(), None);
        assert_eq!(find_enhanced("(#5.7.1)").as_deref(), Some("5.7.1"));
        assert_eq!(find_reply("550 5.1.1 <a@b>"), Some(550));
        assert_eq!(find_reply("host x said: 554 go away"), Some(554));
        assert_eq!(find_reply("smtp; 421 try later"), Some(421));
        assert_eq!(
            find_reply("a@b Invalid Address, ERROR_CODE :550, ERROR_CODE :5.1.1"),
            Some(550)
        );
    }

    #[test]
    fn stage_is_found() {
        assert_eq!(
            find_stage("said: 550 x (in reply to rcpt to command)"),
            Some(Stage::Rcpt)
        );
        assert_eq!(
            find_stage("smtp error from remote mail server after end of data:"),
            Some(Stage::Data)
        );
        assert_eq!(
            find_stage("connected but sender was rejected."),
            Some(Stage::Mail)
        );
    }

    #[test]
    fn unknown_user_wording_needs_rcpt_or_an_address_status() {
        // At RCPT, or with an X.1.1 status, the address does not exist.
        let at_rcpt = Facts {
            reply: Some(550),
            text: "550 no such user here",
            stage: Some(Stage::Rcpt),
            ..Facts::default()
        };
        assert_eq!(classify(&at_rcpt), Reason::UserUnknown);
        let with_code = Facts {
            status: Some("5.1.1"),
            text: "550 5.1.1 user unknown",
            ..Facts::default()
        };
        assert_eq!(classify(&with_code), Reason::UserUnknown);
        // The same words at an unknown stage, or after DATA, are a filter's.
        let unknown_stage = Facts {
            status: Some("5.0.0"),
            reply: Some(550),
            text: "550 unknown user a@example.org",
            ..Facts::default()
        };
        assert_eq!(classify(&unknown_stage), Reason::Filtered);
        let after_data = Facts {
            text: "550 <a@example.org>: user unknown",
            stage: Some(Stage::Data),
            ..Facts::default()
        };
        assert_eq!(classify(&after_data), Reason::Filtered);
        assert_eq!(
            find_stage("smtp:rcpt host 192.0.2.1: 553 no such user here"),
            Some(Stage::Rcpt)
        );
    }

    #[test]
    fn vendor_wordings_decide_whatever_the_stage() {
        let exchange = Facts {
            text: "the recipient name is not recognized msexch:ims:a:b:c 0 (000c05a6) unknown recipient",
            ..Facts::default()
        };
        assert_eq!(classify(&exchange), Reason::UserUnknown);
        let yahoo = Facts {
            reply: Some(554),
            text: "554 delivery error: dd this user doesn't have a example.net account (a@example.net) [0]",
            ..Facts::default()
        };
        assert_eq!(classify(&yahoo), Reason::UserUnknown);
        let microsoft = Facts {
            status: Some("5.1.10"),
            text: "550 5.1.10 resolver.adr.recipientnotfound; recipient not found by smtp address lookup",
            ..Facts::default()
        };
        assert_eq!(classify(&microsoft), Reason::UserUnknown);
    }

    #[test]
    fn layout_wordings_of_other_mtas() {
        let cases: &[(&str, Reason)] = &[
            ("550 mailaddress is administratively disabled", Reason::Suspend),
            ("452 requested action not taken: mailbox unavailable (not enough free space)", Reason::SystemFull),
            ("an mx or srv record indicated no smtp service", Reason::NotAccept),
            ("destination seem to reject all mails", Reason::NotAccept),
            ("network error on destination mxs", Reason::NetworkError),
            ("too many \"received\" headers - suspected mail loop", Reason::ContentError),
            ("sorry, i wasn't able to establish an smtp connection. (#4.4.1) i'm not going to try again; this message has been in the queue too long.", Reason::Expired),
            ("sorry, i wasn't able to establish an smtp connection. (#4.4.1)", Reason::NetworkError),
            ("unable to contact ldap server", Reason::SystemError),
            ("550 5.1.1 rcp-p2 the attempted recipient's preferences prevent messages from being delivered.", Reason::Filtered),
            ("554 5.7.1 pol-p1 your mail server's ip address is listed on the spamhaus pbl.", Reason::Blocked),
            ("550 unknown user. http://mail.i.ua/err/2/", Reason::UserUnknown),
            ("550 5.2.1 mailbox cannot be accessed", Reason::Suspend),
        ];
        for (text, want) in cases {
            let f = Facts {
                text,
                ..Facts::default()
            };
            assert_eq!(classify(&f), *want, "{text}");
        }
        // AOL's reading of a malformed MX answer is its own; elsewhere it is
        // a DNS problem.
        let text = "name service error for name=example.org type=mx: malformed or unexpected name server reply";
        let aol = Facts {
            status: Some("5.4.4"),
            text,
            hosts: "omr-a01.mx.aol.com",
            ..Facts::default()
        };
        assert_eq!(classify(&aol), Reason::NotAccept);
        let other = Facts {
            hosts: "mx.example.net",
            ..aol
        };
        assert_eq!(classify(&other), Reason::NetworkError);
    }

    #[test]
    fn documented_reason_wordings() {
        let cases: &[(&str, Reason)] = &[
            (
                "552 user has too many messages on the server",
                Reason::MailboxFull,
            ),
            (
                "550 account disabled temporarly for exceeding receiving limits",
                Reason::MailboxFull,
            ),
            ("550 this account has been suspended", Reason::Suspend),
            (
                "550 sorry, that domain isn't in my list of allowed rcpthost",
                Reason::NoRelaying,
            ),
            ("550 name server: .: host not found", Reason::NotAccept),
            ("550 unrouteable mail domain", Reason::NetworkError),
            (
                "550 transaction failed unsigned dsn for a@example.org",
                Reason::Rejected,
            ),
            ("550 access denied (sender blacklisted)", Reason::Rejected),
            ("550 closed mailing list", Reason::PolicyViolation),
            ("550 system config error", Reason::SystemError),
            ("550 bad sender ip address", Reason::Blocked),
            (
                "550 192.0.2.1 is in a black list at example.org",
                Reason::Blocked,
            ),
        ];
        for (text, want) in cases {
            let f = Facts {
                text,
                ..Facts::default()
            };
            assert_eq!(classify(&f), *want, "{text}");
        }
    }

    #[test]
    fn provider_rules_need_the_provider() {
        let text = "550 requested action not taken: mailbox unavailable (-1:2:-3)";
        let hotmail = Facts {
            status: Some("5.5.0"),
            text,
            hosts: "bay004-mc1.hotmail.com example.org",
            ..Facts::default()
        };
        assert_eq!(classify(&hotmail), Reason::UserUnknown);
        // Another provider's "mailbox unavailable" is not a verdict on the address.
        let other = Facts {
            hosts: "mx.hotmail.example.org",
            ..hotmail
        };
        assert_ne!(classify(&other), Reason::UserUnknown);
        // docomo: a bare 550 after DATA is the recipient refusing the sender.
        let docomo = Facts {
            status: Some("5.0.0"),
            text: "550 unknown user a@docomo.ne.jp",
            stage: Some(Stage::Data),
            hosts: "mfsmax.docomo.ne.jp",
            ..Facts::default()
        };
        assert_eq!(classify(&docomo), Reason::Rejected);
    }

    #[test]
    fn provider_error_codes() {
        let cox = Facts {
            status: Some("5.1.0"),
            text: "550 5.1.0 <b@example.com> sender rejected. aup#cdrbl",
            ..Facts::default()
        };
        assert_eq!(classify(&cox), Reason::Blocked);
        let spectrum = Facts {
            status: Some("5.1.0"),
            text: "550 5.1.0 <b@example.com> sender rejected. aup#in-1310",
            ..Facts::default()
        };
        assert_eq!(classify(&spectrum), Reason::TooManyConn);
        let orange = Facts {
            status: Some("5.5.0"),
            text: "550 5.5.0 invalid recipient. lpn007_416",
            ..Facts::default()
        };
        assert_eq!(classify(&orange), Reason::UserUnknown);
        let godaddy = Facts {
            text: "552 this message has been rejected due to content judged to be spam. ib212",
            ..Facts::default()
        };
        assert_eq!(classify(&godaddy), Reason::SpamDetected);
        assert!(involves(&host_list("mx.cox.net."), &["cox.net"]));
        assert!(!involves(&host_list("mx.notcox.net"), &["cox.net"]));
    }

    #[test]
    fn layout_stage_phrases() {
        let cases: &[(&str, Stage)] = &[
            (
                "connected to 192.0.2.1 but greeting failed.",
                Stage::Connect,
            ),
            (
                "sorry, no smtp connection got far enough; most progress was rcpt to",
                Stage::Rcpt,
            ),
            (
                "smtp error: rcpt command failed: 550 no such user",
                Stage::Rcpt,
            ),
            (
                "additional rcpt to generated following response: 550 no such user",
                Stage::Rcpt,
            ),
            (
                "unknown recipient or mailbox unavailable -> a@example.org",
                Stage::Rcpt,
            ),
            (
                "smtp error from remote server for text command, host: mx.example.org",
                Stage::Data,
            ),
            (
                "host mx.example.org[192.0.2.1] refused to talk to me: 554 go away",
                Stage::Helo,
            ),
            (
                "smtp server <192.0.2.1> refused to accept your message (data)",
                Stage::Data,
            ),
        ];
        for (text, want) in cases {
            assert_eq!(find_stage(text), Some(*want), "{text}");
        }
        assert_eq!(find_stage("please email command line users"), None);
    }

    #[test]
    fn stage_and_session_state_rules() {
        // "after EHLO" is the greeting stage.
        assert_eq!(
            find_stage("smtp error from remote mail server after ehlo a.example: 550 rejected"),
            Some(Stage::Helo)
        );
        let ehlo = Facts {
            reply: Some(550),
            text: "550 rejected",
            stage: Some(Stage::Helo),
            ..Facts::default()
        };
        assert_eq!(classify(&ehlo), Reason::Blocked);
        // Gmail's "(state 18)" is after DATA, and a filter's verdict.
        let gmail = Facts {
            status: Some("5.7.0"),
            text: "google tried to deliver your message, but it was rejected by the recipient domain. 554 554 5.7.0 header error (state 18).",
            ..Facts::default()
        };
        assert_eq!(find_stage(gmail.text), Some(Stage::Data));
        assert_eq!(classify(&gmail), Reason::Filtered);
        // A blocklist named at MAIL FROM is still about the sending host;
        // a bare "access denied" there is about the sender.
        let listed = Facts {
            reply: Some(550),
            text: "550 messages from 192.0.2.1 weren't sent: part of their network is on our block list",
            stage: Some(Stage::Mail),
            ..Facts::default()
        };
        assert_eq!(classify(&listed), Reason::Blocked);
        let denied = Facts {
            status: Some("5.7.1"),
            text: "550 5.7.1 access denied",
            stage: Some(Stage::Mail),
            ..Facts::default()
        };
        assert_eq!(classify(&denied), Reason::Rejected);
    }

    #[test]
    fn expiry_status_yields_to_the_last_error() {
        let refused = Facts {
            status: Some("4.4.7"),
            action: Some("delayed"),
            text: "deferred: connection refused by mx.example.net. message could not be delivered for 5 days",
            ..Facts::default()
        };
        assert_eq!(classify(&refused), Reason::Blocked);
        let dns = Facts {
            status: Some("4.4.7"),
            text: "deferred: name server: example.net.: host name lookup failure",
            ..Facts::default()
        };
        assert_eq!(classify(&dns), Reason::NetworkError);
        let plain = Facts {
            status: Some("4.4.7"),
            text: "",
            ..Facts::default()
        };
        assert_eq!(classify(&plain), Reason::Expired);
    }

    #[test]
    fn wording_families() {
        let cases: &[(&str, Reason)] = &[
            ("dns lookup failure: host mx.example.org not found", Reason::HostUnknown),
            ("553 mx.example.org does not exist", Reason::HostUnknown),
            ("name service error for domain example.org: host not found, try again", Reason::NetworkError),
            ("your email to group g@example.org was rejected due to spam classification. set up spf records", Reason::SpamDetected),
            ("550 rejected - blacklisted url in message. see http://lookup.uribl.com", Reason::SpamDetected),
            ("450 service permits 2 unverifyable sending ips", Reason::RequirePtr),
            ("554 5.7.1 reverse dns lookup for host 192.0.2.1 failed permanently", Reason::RequirePtr),
            ("550 5.7.1 can't determine purported responsible address", Reason::Rejected),
            ("sorry, you are sending to/from an address that has been blacklisted", Reason::Rejected),
            ("552-5.7.0 this message was blocked because its content presents a potential security issue", Reason::PolicyViolation),
        ];
        for (text, want) in cases {
            let f = Facts {
                text,
                ..Facts::default()
            };
            assert_eq!(classify(&f), *want, "{text}");
        }
        // A bare "access denied" is not a block of the sending host: at MAIL
        // FROM it refuses the sender, elsewhere the status code decides.
        let denied = Facts {
            status: Some("5.7.1"),
            text: "550-'5.7.1 <a@example.org>... access denied'",
            ..Facts::default()
        };
        assert_eq!(classify(&denied), Reason::SecurityError);
        let mfilter = Facts {
            status: Some("5.4.1"),
            text: "550 5.4.1 all recipient addresses rejected : access denied",
            ..Facts::default()
        };
        assert_eq!(classify(&mfilter), Reason::Rejected);
        let hops = Facts {
            status: Some("5.4.6"),
            text: "[554 5.4.6 hop count exceeded - possible mail loop] the attachment contains the original mail headers",
            ..Facts::default()
        };
        assert_eq!(classify(&hops), Reason::NetworkError);
        // A local program's failure is the mailer's, even if it says "no such user".
        let unix = Facts {
            status: Some("5.1.1"),
            text: "procmail: couldn't create \"/var/mail/a\": no such user",
            diag_type: Some("x-unix"),
            ..Facts::default()
        };
        assert_eq!(classify(&unix), Reason::MailerError);
    }

    #[test]
    fn retries_ran_out() {
        for text in [
            "delivery failed 20 attempts: a@example.org",
            "could not deliver for the last 432000 seconds. giving up.",
            "routing: could not find a gateway for a@example.org",
        ] {
            let f = Facts {
                text,
                ..Facts::default()
            };
            assert_eq!(classify(&f), Reason::Expired, "{text}");
        }
        // A delayed message with only the catch-all network status is still
        // being retried; the permanent 5.4.0 stays a network error.
        let delayed = Facts {
            status: Some("4.4.0"),
            action: Some("delayed"),
            ..Facts::default()
        };
        assert_eq!(classify(&delayed), Reason::Expired);
        let failed = Facts {
            status: Some("5.4.0"),
            action: Some("failed"),
            ..Facts::default()
        };
        assert_eq!(classify(&failed), Reason::NetworkError);
    }

    #[test]
    fn text_beats_generic_code() {
        let f = Facts {
            status: Some("5.7.1"),
            reply: Some(554),
            text: "554 5.7.1 service unavailable; client host [192.0.2.1] blocked using zen.spamhaus.org",
            ..Facts::default()
        };
        assert_eq!(classify(&f), Reason::Blocked);
        let f = Facts {
            status: Some("5.1.1"),
            text: "550 5.1.1 mailbox full",
            ..Facts::default()
        };
        assert_eq!(classify(&f), Reason::MailboxFull);
        let f = Facts {
            status: Some("5.2.2"),
            text: "",
            ..Facts::default()
        };
        assert_eq!(classify(&f), Reason::MailboxFull);
    }
}
