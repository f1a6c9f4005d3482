//! Human-readable bounce layouts (Postfix, Exim, qmail, Sendmail, Exchange,
//! Gmail, Yahoo, appliances) and SMTP transcripts: find each failed recipient
//! and the lines that describe its failure.

use super::rx::cached as re;
use super::rx::cached_with as re_with;
use super::rx::Caps;
use crate::diagnose::text::Trimmed;
use regex::Regex;
use std::sync::OnceLock;

/// A recipient found in text, with the indices of the lines about it.
#[derive(Debug, Clone)]
pub(crate) struct TextRcpt {
    /// Address, lower-case (None when the text names no recipient).
    pub addr: Option<String>,
    /// Indices (into the scanned lines) of the lines describing the failure.
    pub lines: Vec<usize>,
}

const ADDR: &str =
    r"[A-Za-z0-9][A-Za-z0-9._%+\-=/!#$&'*?^`{|}~]*@[A-Za-z0-9][A-Za-z0-9.\-]*[A-Za-z0-9]";

/// Lines that begin the copy of the original message: nothing after them is
/// about the failure (facts §7.5 markers of each MTA).
fn is_original_marker(line: &str) -> bool {
    // Asked of every line. After the leading marks, every alternative below
    // starts with one of these pairs of ASCII letters (or "a "), in either
    // case; `(?i)` matches no non-ASCII character to any of these bytes.
    let b = line.as_bytes();
    let start = b
        .iter()
        .position(|&c| {
            !(super::text::is_space(c) || matches!(c, b'-' | b'=' | b'*' | b'#' | b'_' | b'>'))
        })
        .unwrap_or(b.len());
    match b.get(start..start + 2) {
        None => return false,
        Some(&[x, y]) if x.is_ascii() && y.is_ascii() => {
            let pair = [x.to_ascii_lowercase(), y.to_ascii_lowercase()];
            if !matches!(
                &pair,
                b"th"
                    | b"be"
                    | b"or"
                    | b"un"
                    | b"me"
                    | b"re"
                    | b"he"
                    | b"co"
                    | b"te"
                    | b"yo"
                    | b"in"
                    | b"a "
                    | b"fo"
                    | b"bo"
            ) {
                return false;
            }
        }
        _ => {}
    }
    static R: OnceLock<Regex> = OnceLock::new();
    let r = re(
        &R,
        r"(?i)^[\s\-=*#_>]*(?:this is a copy of (?:the|your) message|below this line is a copy of the message|original message follows|unsent message (?:below|follows)|original message headers|message headers follow|returned message|the original message (?:is|headers)|headers of (?:the|your) original message|copy of (?:the|your) original message|text of the original message|original message:|-+ ?original message ?-+|the header of the original message|content-type: message/rfc822|your message (?:reads|headers)|included is a copy of|a copy of the original message|forwarded message follows|message text follows|the first \d+ lines of your message|bounced e-?mail:|----- original message -----|original email follows|original mail as follows)",
    );
    r.is_match(line)
}

/// Where the copy of the original message begins, if anywhere. A marker
/// followed straight away by the headers of a bounce (`Subject:
/// Undeliverable…`, `From: MAILER-DAEMON…`) is no such place: mail clients
/// write "-----Original Message-----" above a mail they forward, and what is
/// forwarded here is the bounce itself.
pub(crate) fn original_start(lines: &[&str]) -> Option<usize> {
    (0..lines.len())
        .find(|&i| is_original_marker(lines[i]) && !forwarded_bounce_follows(&lines[i + 1..]))
}

/// The header block right after a marker is that of a bounce: both its
/// sender and its subject say so (one alone is too weak: an original message
/// may well be about bounces).
fn forwarded_bounce_follows(rest: &[&str]) -> bool {
    let (mut from, mut subject) = (false, false);
    for l in rest
        .iter()
        .map(|l| l.trimmed())
        .filter(|l| !l.is_empty())
        .take(8)
        .take_while(|l| is_header_like(l))
    {
        let (name, value) = l.split_once(':').unwrap_or((l, ""));
        match name.trimmed().to_ascii_lowercase().as_str() {
            "subject" => subject |= super::bounce_subject(value),
            "from" => from |= super::bounce_sender(value),
            _ => {}
        }
    }
    from && subject
}

/// A header field name the layout scan skips, then `\s*:`.
const HEADER_LIKE: &str = r"(?i)^(?:to|from|cc|bcc|reply-to|return-path|sender|delivered-to|envelope-to|received|message-id|in-reply-to|references|subject|date|sent|x-[\w-]+|original-recipient|final-recipient|arrival-date|reporting-mta|dkim-signature|list-[\w-]+|authentication-results)\s*:";

/// True when the line starts like a header field ([`HEADER_LIKE`]). Read by
/// hand on every line the layout scan tries: the name is what comes before
/// the first colon (neither a name nor `\s` holds one), less its trailing
/// white space. A name with a non-ASCII byte (`ſ` and `K` fold to ASCII
/// letters) is left to the regex.
fn is_header_like(line: &str) -> bool {
    let t = line.trimmed_start();
    let Some(colon) = memchr::memchr(b':', t.as_bytes()) else {
        return false;
    };
    let mut name = &t.as_bytes()[..colon];
    if !name.is_ascii() {
        static R: OnceLock<Regex> = OnceLock::new();
        return re(&R, HEADER_LIKE).is_match(t);
    }
    while let [rest @ .., last] = name {
        if !super::text::is_space(*last) {
            break;
        }
        name = rest;
    }
    const NAMES: &[&[u8]] = &[
        b"to",
        b"from",
        b"cc",
        b"bcc",
        b"reply-to",
        b"return-path",
        b"sender",
        b"delivered-to",
        b"envelope-to",
        b"received",
        b"message-id",
        b"in-reply-to",
        b"references",
        b"subject",
        b"date",
        b"sent",
        b"original-recipient",
        b"final-recipient",
        b"arrival-date",
        b"reporting-mta",
        b"dkim-signature",
        b"authentication-results",
    ];
    if NAMES.iter().any(|n| name.eq_ignore_ascii_case(n)) {
        return true;
    }
    // x-[\w-]+ and list-[\w-]+
    [&b"x-"[..], b"list-"].iter().any(|p| {
        name.len() > p.len()
            && name[..p.len()].eq_ignore_ascii_case(p)
            && name[p.len()..]
                .iter()
                .all(|&c| c.is_ascii_alphanumeric() || c == b'_' || c == b'-')
    })
}

/// True when the line ends in an ASCII letter or digit or one of `extra`.
/// The address anchors below are only tried on lines that end the way
/// their patterns must, which rules out most sentences cheaply.
fn ends_in(t: &str, extra: &[u8]) -> bool {
    t.as_bytes()
        .last()
        .is_some_and(|c| c.is_ascii_alphanumeric() || extra.contains(c))
}

/// An address on a line of its own (Exim, qmail, Exchange, Sendmail lists).
fn anchor_alone(t: &str) -> Option<String> {
    // The address (or a comment after it) ends the line, maybe with a colon.
    if !ends_in(t, b">\")):") {
        return None;
    }
    alone(t).map(str::to_ascii_lowercase)
}

/// The address of a line that holds only it, as the pattern
/// `^(?:(?:"[^"]*"\s*|[^<>@:,]{0,60}\s)<(ADDR)>|<?"?(ADDR)"?>?)(?:\s*\([^)]*\))?\s*:?\s*$`
/// reads it (asked of most lines with an `@`, so matched by hand).
fn alone(t: &str) -> Option<&str> {
    use super::rx::hand::{addr, comment_end, skip_space};
    let b = t.as_bytes();
    // `(?:\s*\([^)]*\))?\s*:?\s*$` at `i`.
    let rest = |i: usize| {
        let end = |k: usize| {
            let k = skip_space(b, k);
            skip_space(b, k + usize::from(b.get(k) == Some(&b':'))) == b.len()
        };
        comment_end(b, i).is_some_and(end) || end(i)
    };
    // `<(ADDR)>` and the rest, from `i` on.
    let bracketed = |i: usize| {
        (b.get(i) == Some(&b'<'))
            .then(|| addr(b, i + 1, false))
            .flatten()
            .filter(|&e| b.get(e) == Some(&b'>') && rest(e + 1))
            .map(|e| &t[i + 1..e])
    };
    // A quoted name first.
    if b.first() == Some(&b'"') {
        if let Some(q) = memchr::memchr(b'"', &b[1..]) {
            if let Some(a) = bracketed(skip_space(b, q + 2)) {
                return Some(a);
            }
        }
    }
    // Up to 60 characters of a name, then white space: the `<` can only
    // be the first one.
    if let Some(lt) =
        memchr::memchr(b'<', b).filter(|&lt| lt > 0 && super::text::is_space(b[lt - 1]))
    {
        let name = &t[..lt - 1];
        if !name.contains(['<', '>', '@', ':', ',']) && name.chars().nth(60).is_none() {
            if let Some(a) = bracketed(lt) {
                return Some(a);
            }
        }
    }
    // The address without a name.
    let mut a = usize::from(b.first() == Some(&b'<'));
    a += usize::from(b.get(a) == Some(&b'"'));
    let e = addr(b, a, false)?;
    let mut i = e + usize::from(b.get(e) == Some(&b'"'));
    i += usize::from(b.get(i) == Some(&b'>'));
    rest(i).then(|| &t[a..e])
}

/// `<addr>: text` (Postfix, Courier), `<addr>... text` (Sendmail),
/// `addr: text` and `addr ... text`.
fn anchor_leading(t: &str) -> Option<String> {
    // The address opens the line: its `@` comes before any white space.
    let b = t.as_bytes();
    let space = b.iter().position(|&c| super::text::is_space(c));
    let leading = memchr::memchr(b'@', b).is_some_and(|at| space.is_none_or(|sp| at < sp));
    if !leading {
        return None;
    }
    leading_addr(t).map(str::to_ascii_lowercase)
}

/// The address that opens a line, as the pattern
/// `^<?(ADDR)>?(?:\s*\([^)]*\))?(?:\s*(?::|\.\.\.|,)\s*|\s+)[^\s@]` reads it
/// (matched by hand: asked of many lines).
fn leading_addr(t: &str) -> Option<&str> {
    use super::rx::hand::{addr_ends, comment_end, skip_space};
    let b = t.as_bytes();
    // `(?:\s*(?::|\.\.\.|,)\s*|\s+)[^\s@]` at `k`.
    let sep = |k: usize| {
        let m = skip_space(b, k);
        let after = match b.get(m..) {
            Some([b':' | b',', ..]) => Some(m + 1),
            Some([b'.', b'.', b'.', ..]) => Some(m + 3),
            _ => None,
        };
        let text = |n: usize| {
            b.get(n)
                .is_some_and(|&c| !super::text::is_space(c) && c != b'@')
        };
        after.is_some_and(|n| text(skip_space(b, n))) || (m > k && text(m))
    };
    // `>?(?:\s*\([^)]*\))?` and the separator at `i`.
    let rest = |i: usize| {
        let i = i + usize::from(b.get(i) == Some(&b'>'));
        comment_end(b, i).is_some_and(sep) || sep(i)
    };
    let a = usize::from(b.first() == Some(&b'<'));
    addr_ends(b, a, false).find(|&e| rest(e)).map(|e| &t[a..e])
}

/// `Unknown user: addr` or `Delivery failed 20 attempts: addr` — a short
/// label that itself states a failure, then the address. A label that only
/// names the address ("target address:") is not evidence of a failure.
fn anchor_labelled(t: &str) -> Option<String> {
    // A label of 3 or more bytes without `@` and its colon, then the
    // address, which ends the line.
    let b = t.as_bytes();
    let labelled = memchr::memchr(b':', b)
        .is_some_and(|c| c >= 3 && memchr::memchr(b'@', b).is_some_and(|at| at > c));
    if !labelled || !ends_in(t, b">\".") {
        return None;
    }
    static FAIL: OnceLock<Regex> = OnceLock::new();
    let (label, addr) = label_and_addr(t)?;
    let label = label.to_ascii_lowercase();
    let failure_word = re(
        &FAIL,
        r"\b(?:fail(?:ed|ure)?|undeliver(?:able|ed)|unable|could not|couldn't|rejected|invalid|unknown|error)\b",
    );
    if super::classify::text_reason(&label).is_none() && !failure_word.is_match(&label) {
        return None;
    }
    Some(addr.to_ascii_lowercase())
}

/// The label and address of a line, as the pattern
/// `^([^@:<>]{3,50}):\s*<?"?(ADDR)"?>?\.?$` reads it (matched by hand).
fn label_and_addr(t: &str) -> Option<(&str, &str)> {
    use super::rx::hand::{addr, skip_space};
    let b = t.as_bytes();
    // The label runs up to the first colon.
    let c = memchr::memchr(b':', b)?;
    let label = &t[..c];
    if label.contains(['@', '<', '>']) || !(3..=50).contains(&label.chars().count()) {
        return None;
    }
    let mut a = skip_space(b, c + 1);
    a += usize::from(b.get(a) == Some(&b'<'));
    a += usize::from(b.get(a) == Some(&b'"'));
    let e = addr(b, a, false)?;
    let mut i = e;
    for c in [b'"', b'>', b'.'] {
        i += usize::from(b.get(i) == Some(&c));
    }
    (i == b.len()).then(|| (label, &t[a..e]))
}

/// The line without a list bullet (`* addr`, `- addr`, `• addr`): some
/// layouts list the failed recipients as bullet points.
fn unbullet(t: &str) -> &str {
    for b in ["* ", "- ", "\u{2022} "] {
        if let Some(rest) = t.strip_prefix(b) {
            if rest.contains('@') {
                return rest.trimmed_start();
            }
        }
    }
    t
}

/// A short line that only introduces what follows ("because:", "For the
/// following reason:", "Reason:"): the next paragraph is the failure text.
pub(crate) fn is_lead_in(t: &str) -> bool {
    t.ends_with(':')
        && !t.contains(['@', '[', '('])
        && !t.chars().any(|c| c.is_ascii_digit())
        && super::text::words(t).count() <= 6
}

/// The previous line says the next address is the sender ("A message sent
/// by", "From:"), not a failed recipient.
fn introduces_sender(prev: &str) -> bool {
    let p = prev.trimmed().trim_end_matches(':').as_bytes();
    let ends = |s: &[u8]| p.len() >= s.len() && p[p.len() - s.len()..].eq_ignore_ascii_case(s);
    ends(b"sent by")
        || ends(b" from")
        || p.eq_ignore_ascii_case(b"from")
        || p.eq_ignore_ascii_case(b"sender")
}

/// Phrases of known layouts that name the failed recipient inside a
/// sentence; `lower` is the line (or a line it ends) in lower case.
fn anchor_phrase(t: &str, lower: &str) -> Option<String> {
    if let Some(a) = phrase_addr(t) {
        return Some(a);
    }
    // The address inside the sentence: "Message delivery to 'a@b' failed."
    // (No `k` or `s` in the words: the lower-case line has them if the
    // case-insensitive pattern can match.)
    static DELIVERY_TO: super::text::Phrases = super::text::Phrases::new(&["delivery to"]);
    if !DELIVERY_TO.any_in(lower) {
        return None;
    }
    static QUOTED: OnceLock<Regex> = OnceLock::new();
    let quoted = re_with(&QUOTED, || {
        format!(r#"(?i)\bdelivery to\s*['"<]({ADDR})['">]\s*(?:has\s+)?failed"#)
    });
    quoted.caps(t).map(|c| c[1].to_ascii_lowercase())
}

/// The address a known phrase names (see [`anchor_phrase`]).
fn phrase_addr(t: &str) -> Option<String> {
    static R: OnceLock<Regex> = OnceLock::new();
    let r = re_with(&R, || {
        format!(
            r#"(?i)(?:(?:error|failure|problem)s? (?:delivering|sending)\b.{{0,30}}?\bto|(?:was|wasn't|couldn't be|could not be|cannot be|can't be|has not been|not) (?:delivered|sent|relayed) to|delivery to the following recipients? (?:failed|was aborted|has been delayed)[^:]*:?|(?:failed|undeliverable) recipients?:?|(?:original|intended|unknown|invalid|failed|final) recipients?(?: address)?:|recipient address:|to the following (?:recipients?|address(?:es)?)[^:]*:|not delivered to|delivery failed for|unable to deliver (?:your )?(?:message|mail)? ?to|could not deliver (?:mail|message)? ?to|rejected your message to the following|your message to|failed to deliver to|^\s*recipients?:)\s*:?\s*['"]?<?"?({ADDR})"?>?"#
        )
    });
    // The lazy DFA finds where the match is; the address in it is read by
    // hand, which costs a fraction of the capturing engine. Should the two
    // ever disagree on where the match ends, the regex decides.
    let m = r.find(t)?;
    match phrase_at(t, m.start()) {
        Some((a, e, end)) if end == m.end() => Some(t[a..e].to_ascii_lowercase()),
        _ => r.caps(t).map(|c| c[1].to_ascii_lowercase()),
    }
}

/// What follows the words of a phrase alternative.
#[derive(Clone, Copy)]
enum PhraseEnd {
    /// Nothing.
    Words,
    /// `\b.{0,30}?\bto`
    LazyTo,
    /// `[^:]*:?`
    UpToColon,
    /// `[^:]*:`
    ThroughColon,
}

/// The alternatives of the phrase pattern before its `^\s*recipients?:`:
/// slots of words (`(?i)`), each slot's options in the order the regex
/// tries them ("" for an optional slot left out).
const PHRASES: &[(&[&[&str]], PhraseEnd)] = &[
    (
        &[
            &["error", "failure", "problem"],
            &["s", ""],
            &[" "],
            &["delivering", "sending"],
        ],
        PhraseEnd::LazyTo,
    ),
    (
        &[
            &[
                "was",
                "wasn't",
                "couldn't be",
                "could not be",
                "cannot be",
                "can't be",
                "has not been",
                "not",
            ],
            &[" "],
            &["delivered", "sent", "relayed"],
            &[" to"],
        ],
        PhraseEnd::Words,
    ),
    (
        &[
            &["delivery to the following recipient"],
            &["s", ""],
            &[" "],
            &["failed", "was aborted", "has been delayed"],
        ],
        PhraseEnd::UpToColon,
    ),
    (
        &[
            &["failed", "undeliverable"],
            &[" recipient"],
            &["s", ""],
            &[":", ""],
        ],
        PhraseEnd::Words,
    ),
    (
        &[
            &[
                "original", "intended", "unknown", "invalid", "failed", "final",
            ],
            &[" recipient"],
            &["s", ""],
            &[" address", ""],
            &[":"],
        ],
        PhraseEnd::Words,
    ),
    (&[&["recipient address:"]], PhraseEnd::Words),
    (
        &[
            &["to the following "],
            &["recipients", "recipient", "addresses", "address"],
        ],
        PhraseEnd::ThroughColon,
    ),
    (&[&["not delivered to"]], PhraseEnd::Words),
    (&[&["delivery failed for"]], PhraseEnd::Words),
    (
        &[
            &["unable to deliver "],
            &["your ", ""],
            &["message", "mail", ""],
            &[" ", ""],
            &["to"],
        ],
        PhraseEnd::Words,
    ),
    (
        &[
            &["could not deliver "],
            &["mail", "message", ""],
            &[" ", ""],
            &["to"],
        ],
        PhraseEnd::Words,
    ),
    (
        &[&["rejected your message to the following"]],
        PhraseEnd::Words,
    ),
    (&[&["your message to"]], PhraseEnd::Words),
    (&[&["failed to deliver to"]], PhraseEnd::Words),
];

/// Each way `slots` match from `i`, in the regex's order, until `then`
/// accepts one.
fn each_way<R>(
    b: &[u8],
    i: usize,
    slots: &[&[&str]],
    then: &mut dyn FnMut(usize) -> Option<R>,
) -> Option<R> {
    let Some((first, rest)) = slots.split_first() else {
        return then(i);
    };
    first
        .iter()
        .find_map(|w| super::rx::hand::lit(b, i, w, true).and_then(|j| each_way(b, j, rest, then)))
}

/// The phrase pattern of [`phrase_addr`] matched from `s`, where the regex
/// found its match to begin: the address's start and end and the end of
/// the whole match.
fn phrase_at(t: &str, s: usize) -> Option<(usize, usize, usize)> {
    use super::rx::hand::{addr, boundary, lit, skip_space};
    let b = t.as_bytes();
    // `\s*:?\s*['"]?<?"?(ADDR)"?>?` from `q`.
    let addr_from = |q: usize| {
        let mut i = skip_space(b, q);
        i = skip_space(b, i + usize::from(b.get(i) == Some(&b':')));
        i += usize::from(matches!(b.get(i), Some(b'\'' | b'"')));
        i += usize::from(b.get(i) == Some(&b'<'));
        i += usize::from(b.get(i) == Some(&b'"'));
        let e = addr(b, i, true)?;
        let mut end = e + usize::from(b.get(e) == Some(&b'"'));
        end += usize::from(b.get(end) == Some(&b'>'));
        Some((i, e, end))
    };
    let colon = memchr::memchr(b':', b.get(s..)?).map(|c| s + c);
    for &(slots, kind) in PHRASES {
        let found = each_way(b, s, slots, &mut |j| match kind {
            PhraseEnd::Words => addr_from(j),
            PhraseEnd::LazyTo => {
                if !boundary(b, j) {
                    return None;
                }
                let mut p = j;
                for _ in 0..=30 {
                    if boundary(b, p) {
                        if let Some(found) = lit(b, p, "to", true).and_then(addr_from) {
                            return Some(found);
                        }
                    }
                    let c = t[p..].chars().next().filter(|&c| c != '\n')?;
                    p += c.len_utf8();
                }
                None
            }
            PhraseEnd::UpToColon => {
                // `[^:]*` takes all up to the first colon, then gives back
                // one character at a time.
                let m = colon.filter(|&c| c >= j).unwrap_or(b.len());
                if m < b.len() {
                    if let Some(found) = addr_from(m + 1) {
                        return Some(found);
                    }
                }
                (j..=m)
                    .rev()
                    .filter(|&p| t.is_char_boundary(p))
                    .find_map(addr_from)
            }
            PhraseEnd::ThroughColon => colon.filter(|&c| c >= j).and_then(|c| addr_from(c + 1)),
        });
        if found.is_some() {
            return found;
        }
    }
    // `^\s*recipients?:`
    if s == 0 {
        return each_way(
            b,
            skip_space(b, 0),
            &[&["recipient"], &["s", ""], &[":"]],
            &mut |j| addr_from(j),
        );
    }
    None
}

/// An SMTP `RCPT TO:<addr>` command quoted in the text.
fn rcpt_command(lower: &str) -> bool {
    // The pattern's words first: few lines have them.
    if !lower.contains("rcpt to") {
        return false;
    }
    static R: OnceLock<Regex> = OnceLock::new();
    re(&R, r"rcpt to:?\s*<?[^\s<>@]+@").is_match(lower)
}

/// True when the line says nothing but "could not deliver to <addr>." — the
/// address ends the sentence. `low` is the line in lower case.
fn only_intro(low: &str, addr: &str) -> bool {
    low.find(addr).is_some_and(|p| {
        low[p + addr.len()..]
            .chars()
            .all(|c| c.is_whitespace() || matches!(c, '>' | '"' | '.' | ':' | ','))
    })
}

fn is_system_address(a: &str) -> bool {
    let local = a.split('@').next().unwrap_or("");
    matches!(
        local,
        "mailer-daemon" | "postmaster" | "mail-daemon" | "noreply" | "no-reply"
    )
}

/// True when the line carries an SMTP reply code (`550 5.1.1 ...`, `#550`, `said: 550`).
pub(crate) fn has_reply(line: &str) -> bool {
    if !super::text::has_code_start(line.as_bytes()) {
        return false;
    }
    static R: OnceLock<Regex> = OnceLock::new();
    re(
        &R,
        r"(?i)(?:^|said:\s*|returned\s*'|<<<\s*|[#(\[:]\s*|\s)[245][0-5]\d(?:[\s\-](?:[245]\.\d{1,3}\.\d{1,3}|[a-z<#(\[])|\s*$)|\(#[45]\.\d\.\d+\)|\b[45]\.\d{1,3}\.\d{1,3}\b",
    )
    .is_match(line)
}

fn continuation_opener(line: &str) -> bool {
    static R: OnceLock<Regex> = OnceLock::new();
    re(
        &R,
        r"(?i)^\s*(?:the (?:response|error) (?:from the remote server|that the other server returned)|the (?:response|error) was:|remote (?:host|server) (?:said|returned)|diagnostic|technical details|reason:|error:|the following message|smtp error|host \S+ said|[\w.\-]+ \[[\d.:a-f]+\] (?:said|did not like)|\(reason:|----- transcript)",
    )
    .is_match(line)
}

/// `l.trimmed().is_empty()`, without trimming the many lines that open with
/// a character other than white space.
fn is_blank(l: &str) -> bool {
    match l.as_bytes().first() {
        None => true,
        Some(&b) if b.is_ascii() && !super::text::is_space(b) => false,
        Some(_) => l.trimmed().is_empty(),
    }
}

/// Scan human-readable lines for per-recipient blocks.
/// `limit` is where the copy of the original message starts
/// ([`original_start`], or the number of lines).
pub(crate) fn scan(lines: &[&str], limit: usize, sender: Option<&str>) -> Vec<TextRcpt> {
    // (line, address, the line only introduces the failure, the address
    // stands alone on its line)
    let mut anchors: Vec<(usize, String, bool, bool)> = Vec::new();
    // The last line with text (untrimmed: it is only read through
    // `introduces_sender`, which trims it).
    let mut prev_text = "";
    for (i, l) in lines[..limit].iter().enumerate() {
        let before = prev_text;
        if !is_blank(l) {
            prev_text = l;
        }
        // Most lines have no address: they are passed over before trimming.
        if memchr::memchr(b'@', l.as_bytes()).is_none() {
            continue;
        }
        let t = l.trimmed();
        if t.is_empty() || t.len() > 400 || is_header_like(t) {
            continue;
        }
        let lower = t.to_ascii_lowercase();
        // Commands of a pasted session name addresses without saying anything
        // about them; "(in reply to RCPT TO command)" after a reply does not.
        if lower.starts_with(">>>") || lower.starts_with("<<<") || rcpt_command(&lower) {
            continue;
        }
        let t = unbullet(t);
        let phrase = anchor_phrase(t, &lower);
        let alone = anchor_alone(t);
        let is_alone = alone.is_some();
        let found = alone
            .or_else(|| anchor_leading(t))
            .or_else(|| phrase.clone())
            .or_else(|| anchor_labelled(t));
        // The bounce goes back to the sender: their address is not a failed recipient.
        if let Some(a) = found.filter(|a| {
            !is_system_address(a) && Some(a.as_str()) != sender && !introduces_sender(before)
        }) {
            // "There was an error delivering your mail to <a>." only introduces
            // the failure: the text comes in the next paragraph.
            // `t` (unbulleted) ends the trimmed line, so its lower-case
            // form ends `lower`.
            let intro_only = phrase.as_deref() == Some(a.as_str())
                && only_intro(&lower[lower.len() - t.len()..], &a);
            anchors.push((i, a, intro_only, is_alone));
        }
    }
    let mut out: Vec<TextRcpt> = Vec::new();
    for (k, (start, addr, intro_only, alone)) in anchors.iter().enumerate() {
        let next = anchors.get(k + 1).map(|a| a.0).unwrap_or(limit);
        // Sized for a typical block at once (up to 40 lines are taken):
        // growing from one line reallocates at 4, 8 and 16.
        let mut block = Vec::with_capacity(16);
        block.push(*start);
        let mut i = start + 1;
        let mut blank_run = 0;
        let first = unbullet(lines[*start].trimmed());
        let mut content = !intro_only && !first.ends_with(':') && first.len() > addr.len() + 4;
        let mut lead_in = false;
        // Block length before the last blank gap crossed: text after a gap
        // that names another failed recipient (a Sendmail transcript after
        // the address list) is not this recipient's.
        let mut before_gap: Option<usize> = None;
        while i < next && block.len() < 40 {
            let t = lines[i].trimmed();
            if before_gap.is_some() && t.contains('@') {
                let low = t.to_ascii_lowercase();
                if anchors
                    .iter()
                    .any(|(_, other, ..)| other != addr && low.contains(other.as_str()))
                {
                    block.truncate(before_gap.unwrap_or(block.len()));
                    break;
                }
            }
            if t.is_empty() {
                blank_run += 1;
                // Allow a gap only when the next text continues this failure.
                let resume = lines[i + 1..next]
                    .iter()
                    .find(|l| !is_blank(l))
                    .is_some_and(|l| {
                        lead_in
                            || (!content && !l.contains('@'))
                            || continuation_opener(l)
                            || (has_reply(l) && l.starts_with([' ', '\t']))
                    });
                if !resume || blank_run > 2 {
                    break;
                }
                before_gap = Some(block.len());
            } else {
                blank_run = 0;
                block.push(i);
                lead_in = is_lead_in(t);
                content = !lead_in;
            }
            i += 1;
        }
        // Lotus Notes: the reason stands on the line(s) just above an address
        // that has nothing after it.
        if block.len() == 1 && *alone {
            let floor = k.checked_sub(1).map(|p| anchors[p].0 + 1).unwrap_or(0);
            let mut j = *start;
            while j > floor && *start - j < 5 {
                let t = lines[j - 1].trimmed();
                if t.is_empty()
                    || t.contains('@')
                    || t.ends_with(':')
                    || t.starts_with(['-', '=', '*', '_'])
                    || is_header_like(t)
                {
                    break;
                }
                j -= 1;
            }
            block.splice(0..0, j..*start);
        }
        if let Some(existing) = out.iter_mut().find(|r| r.addr.as_deref() == Some(addr)) {
            existing.lines.extend(block);
        } else {
            out.push(TextRcpt {
                addr: Some(addr.clone()),
                lines: block,
            });
        }
    }
    // A paragraph just above the list of recipients that states why they
    // failed ("The user(s) account is disabled.", "Delivery to the following
    // recipients was aborted after 5 hours:") applies to each of them.
    if let Some(&(first, ..)) = anchors.first() {
        let heading = heading_above(lines, first);
        if !heading.is_empty() {
            for r in out.iter_mut() {
                r.lines.splice(0..0, heading.iter().copied());
            }
        }
    }
    // One recipient whose block has no reply, while the text has one further
    // down (Gmail "The response from the remote server was:", DragonFly): join them.
    if out.len() == 1 && !out[0].lines.iter().any(|&i| has_reply(lines[i])) {
        if let Some(first) = (0..limit)
            .find(|&i| !out[0].lines.contains(&i) && has_reply(lines[i]) && i > out[0].lines[0])
        {
            let mut j = first;
            // Include the line that introduces the reply.
            if j > 0 && !is_blank(lines[j - 1]) {
                out[0].lines.push(j - 1);
            }
            while j < limit && !is_blank(lines[j]) && j < first + 20 {
                out[0].lines.push(j);
                j += 1;
            }
            // Later lines quoting the full reply (Microsoft 365's "Status
            // code: 550 5.1.10" first, "Reported error: 550 5.1.10
            // RESOLVER.ADR.RecipientNotFound ..." further down).
            out[0].lines.extend(
                (j..limit.min(j + 40))
                    .filter(|&k| has_reply(lines[k]))
                    .take(3),
            );
            out[0].lines.sort_unstable();
            out[0].lines.dedup();
        }
    }
    out
}

/// The line naming `needle` (a recipient as a DSN states it) and the lines
/// that follow it up to a blank line: that recipient's text. `limit` as for
/// [`scan`].
pub(crate) fn block_naming(lines: &[&str], limit: usize, needle: &str) -> Option<TextRcpt> {
    let needle = needle.to_ascii_lowercase();
    let at = (0..limit)
        .find(|&i| !is_header_like(lines[i]) && lines[i].to_ascii_lowercase().contains(&needle))?;
    let block: Vec<usize> = (at..limit)
        .take_while(|&i| !is_blank(lines[i]))
        .take(12)
        .collect();
    Some(TextRcpt {
        addr: Some(needle),
        lines: block,
    })
}

/// Error notices of mailing-list managers: each sentence that ends with the
/// list address in angle brackets (`You are not a member of this mailing list
/// <list@example.org>.`) is one failure, with the rest of its paragraph.
/// `limit` as for [`scan`].
pub(crate) fn list_notice(lines: &[&str], limit: usize) -> Vec<TextRcpt> {
    static R: OnceLock<Regex> = OnceLock::new();
    let r = re_with(&R, || format!(r"<({ADDR})>\.?\s*$"));
    let mut out: Vec<TextRcpt> = Vec::new();
    let mut i = 0;
    while i < limit {
        let Some(c) = r.caps(lines[i]).filter(|_| !is_header_like(lines[i])) else {
            i += 1;
            continue;
        };
        let addr = c[1].to_ascii_lowercase();
        let mut block = vec![i];
        i += 1;
        while i < limit && !is_blank(lines[i]) && !r.is_match(lines[i]) {
            block.push(i);
            i += 1;
        }
        if !out.iter().any(|o| o.addr.as_deref() == Some(addr.as_str())) {
            out.push(TextRcpt {
                addr: Some(addr),
                lines: block,
            });
            if out.len() >= 1000 {
                break;
            }
        }
    }
    out
}

/// The paragraph ending at most three blank lines above line `first`, when
/// it states a failure in known wording.
fn heading_above(lines: &[&str], first: usize) -> Vec<usize> {
    let mut end = first;
    while end > 0 && first - end <= 3 && is_blank(lines[end - 1]) {
        end -= 1;
    }
    if end == first || end == 0 || first - end > 3 {
        return Vec::new();
    }
    let mut start = end;
    while start > 0 && end - start < 4 && !is_blank(lines[start - 1]) {
        start -= 1;
    }
    let text = lines[start..end]
        .iter()
        .map(|l| l.trimmed().to_ascii_lowercase())
        .collect::<Vec<_>>()
        .join(" ");
    if text.contains('@') || super::classify::text_reason(&text).is_none() {
        return Vec::new();
    }
    (start..end).collect()
}

/// Parse an SMTP dialogue (Sendmail transcripts, pasted sessions, a single
/// reply line, session logs; translated InterScan transcripts label the
/// `>>>`/`<<<` markers with a word such as 送信): each error reply is tied to
/// the command it answered. Lines from `limit` on (the original message) are
/// not read.
pub(crate) fn transcript(
    lines: &[&str],
    limit: usize,
) -> Vec<(TextRcpt, Option<super::classify::Stage>)> {
    use super::classify::Stage;
    let mut out: Vec<(TextRcpt, Option<Stage>)> = Vec::new();
    let mut stage: Option<Stage> = None;
    let mut last_rcpt: Option<String> = None;
    let mut accepted: Vec<String> = Vec::new();
    // Sendmail (V5 and later) closes a transcript with its own verdict per
    // recipient ("554 <a@example.net>... Remote protocol error") and per host
    // ("550 example.net (smtp)... Host unknown"). When such lines are present
    // they name the failed recipients; the server replies quoted before one
    // (and any host line) explain that recipient.
    let status_mode = lines[..limit]
        .iter()
        .any(|l| sendmail_status(l).is_some_and(|(_, a)| a.is_some()));
    let mut pending: Vec<usize> = Vec::new();
    let mut pending_stage: Option<Stage> = None;
    let mut keyed: Vec<(String, Vec<usize>)> = Vec::new();
    let mut i = 0;
    while i < limit {
        let l = strip_log_prefix(lines[i]);
        if status_mode
            && l.trimmed_start()
                .to_ascii_lowercase()
                .starts_with("while talking to")
        {
            // A new session: what the previous host said is not about the next one.
            pending.clear();
            pending_stage = None;
            stage = None;
            last_rcpt = None;
            i += 1;
            continue;
        }
        if let Some((code, who)) = status_mode.then(|| sendmail_status(l)).flatten() {
            match who {
                Some(addr) => {
                    let (mut block, st) = match keyed.iter().position(|(a, _)| *a == addr) {
                        Some(k) => (keyed.remove(k).1, Some(Stage::Rcpt)),
                        None => (std::mem::take(&mut pending), pending_stage.take()),
                    };
                    block.push(i);
                    // "250 <a@example.net>... Sent" is a success, not a failure.
                    if code >= 400 {
                        out.push((
                            TextRcpt {
                                addr: Some(addr),
                                lines: block,
                            },
                            st,
                        ));
                    }
                }
                None => pending.push(i),
            }
            i += 1;
            continue;
        }
        if let Some((verb, to)) = command(l) {
            let verb = verb.to_ascii_lowercase();
            stage = Some(match verb.as_str() {
                "helo" | "ehlo" | "lhlo" | "starttls" | "auth" => Stage::Helo,
                "mail from" => Stage::Mail,
                "rcpt to" => Stage::Rcpt,
                _ => Stage::Data,
            });
            last_rcpt = if verb == "rcpt to" {
                to.map(str::to_ascii_lowercase)
            } else {
                None
            };
            i += 1;
            continue;
        }
        if let Some(c) = reply_line(l) {
            let code: u16 = c.code.parse().unwrap_or(0);
            let mut block = vec![i];
            let mut j = i;
            // Multi-line reply: "550-..." continues until "550 ...".
            while j + 1 < limit && c.more {
                j += 1;
                match reply_line(strip_log_prefix(lines[j])) {
                    Some(n) if n.code == c.code => {
                        block.push(j);
                        if !n.more {
                            break;
                        }
                    }
                    _ => {
                        j -= 1;
                        break;
                    }
                }
            }
            if code >= 400 && status_mode {
                match (stage, &last_rcpt) {
                    // Bounded: each verdict line looks its recipient up here.
                    (Some(Stage::Rcpt), Some(a)) if keyed.len() < 1000 => {
                        keyed.push((a.clone(), block))
                    }
                    (Some(Stage::Rcpt), Some(_)) => {}
                    _ => {
                        pending.extend(block);
                        pending_stage = stage;
                    }
                }
            } else if code >= 400 {
                // The reply text after the code (the regex stops at the code:
                // capturing the rest of the line as well cost more than the match).
                let text = &l[c.end..];
                let mentioned = bracketed_addr(text)
                    .map(str::to_ascii_lowercase)
                    .filter(|a| !is_system_address(a));
                let targets: Vec<Option<String>> = match (stage, &last_rcpt, mentioned) {
                    (Some(Stage::Rcpt), Some(a), _) => vec![Some(a.clone())],
                    (Some(Stage::Data), _, _) if !accepted.is_empty() => {
                        accepted.iter().cloned().map(Some).collect()
                    }
                    (_, _, Some(m)) => vec![Some(m)],
                    _ => vec![None],
                };
                for t in targets {
                    out.push((
                        TextRcpt {
                            addr: t,
                            lines: block.clone(),
                        },
                        stage,
                    ));
                }
            } else if code < 300 && stage == Some(Stage::Rcpt) {
                if let Some(a) = last_rcpt.take() {
                    accepted.push(a);
                }
            }
            i = j + 1;
            continue;
        }
        i += 1;
    }
    // Replies to a RCPT whose recipient has no verdict line of its own.
    for (a, block) in keyed {
        out.push((
            TextRcpt {
                addr: Some(a),
                lines: block,
            },
            Some(Stage::Rcpt),
        ));
    }
    out
}

/// The line without a leading log time stamp (`Mon 2026-11-23 17:00:00.401: `,
/// `2026-11-23T17:00:00Z `, `Nov 23 17:00:00 `): session logs that MTAs
/// attach to their bounces (MDaemon, Kerio, appliances) prefix every command
/// and reply with one.
fn strip_log_prefix(line: &str) -> &str {
    if !super::text::has_clock(line.as_bytes()) {
        return line;
    }
    static R: OnceLock<Regex> = OnceLock::new();
    let r = re(
        &R,
        r"^\s*(?:[A-Za-z]{3},?\s+)?(?:\d{4}-\d\d-\d\d|\d{1,2}[/.]\d{1,2}[/.]\d{2,4}|[A-Za-z]{3}\s+\d{1,2})[ T]\d\d:\d\d:\d\d(?:[.,]\d+)?(?:Z|\s*[+-]\d\d:?\d\d)?\s*:?\s+",
    );
    r.find(line).map(|m| &line[m.end()..]).unwrap_or(line)
}

/// The sentences [`without_boilerplate`] takes out.
const BOILERPLATE: &[&str] = &[
    "primary target ip address responded with:",
    "attempted failover to alternate host, but that did not succeed.",
    "either there are no alternate hosts, or delivery failed to all alternate hosts.",
];

/// Each of [`BOILERPLATE`] holds one of these (the last two share
/// "alternate host"): two searches rule out all three.
const BOILERPLATE_GATE: &[&str] = &[
    "primary target ip address responded with:",
    "alternate host",
];

/// Lower-case failure text without the fixed sentences some generators wrap
/// around the remote reply: they name no cause, and words in them ("IP
/// address", "delivery failed") would read as one. Exchange's failover note
/// is the common case.
pub(crate) fn without_boilerplate(lower: String) -> String {
    static ANY: super::text::Phrases = super::text::Phrases::new(BOILERPLATE_GATE);
    if !ANY.any_in(&lower) {
        return lower;
    }
    let mut out = lower;
    for f in BOILERPLATE {
        if out.contains(f) {
            out = out.replace(f, " ");
        }
    }
    out
}

/// A Sendmail verdict line: `554 <a@example.net>... text` (the recipient) or
/// `550 example.net (smtp)... text` (a host, no recipient).
fn sendmail_status(line: &str) -> Option<(u16, Option<String>)> {
    // By hand, as the patterns in the tests below read: asked of every
    // line of a transcript.
    use super::rx::hand::{addr_ends, skip_space};
    let b = line.as_bytes();
    let p = skip_space(b, 0);
    let code = b.get(p..p + 3)?;
    if !matches!(code[0], b'2' | b'4' | b'5') || !code[1..].iter().all(u8::is_ascii_digit) {
        return None;
    }
    let code: u16 = line[p..p + 3].parse().ok()?;
    // `\s+`
    let q = skip_space(b, p + 3);
    if q == p + 3 {
        return None;
    }
    // `...\s*\S` at `i`.
    let dots = |i: usize| b[i..].starts_with(b"...") && skip_space(b, i + 3) < b.len();
    // `<?(ADDR)>?` then the dots.
    let a = q + usize::from(b.get(q) == Some(&b'<'));
    if let Some(e) =
        addr_ends(b, a, false).find(|&e| dots(e + usize::from(b.get(e) == Some(&b'>'))))
    {
        return Some((code, Some(line[a..e].to_ascii_lowercase())));
    }
    // `[A-Za-z0-9][\w.\-]*\s+\([\w\-]+\)` then the dots.
    let word = |c: &u8| c.is_ascii_alphanumeric() || matches!(c, b'_' | b'-');
    if !b.get(q).is_some_and(u8::is_ascii_alphanumeric) {
        return None;
    }
    let h = q + b[q..].iter().take_while(|c| word(c) || **c == b'.').count();
    let o = skip_space(b, h);
    if o == h || b.get(o) != Some(&b'(') {
        return None;
    }
    let c = o + 1 + b[o + 1..].iter().take_while(|c| word(c)).count();
    (c > o + 1 && b.get(c) == Some(&b')') && dots(c + 1)).then_some((code, None))
}

/// An SMTP command in a transcript line, as the pattern
/// `(?i)^\s*(?:>>>|sent\s*<<<|c:|-->|->|client:|in:|[^\x00-\x7f]{1,8}\s*>>>)?\s*(helo|ehlo|lhlo|mail from|rcpt to|data|bdat|quit|starttls|auth)\b:?\s*<?(ADDR)?`
/// reads it: the verb and the address after it. Asked of every line of a
/// transcript, so matched by hand.
fn command(l: &str) -> Option<(&str, Option<&str>)> {
    use super::rx::hand::{addr, boundary, lit, skip_space};
    const MARKS: [&[&str]; 7] = [
        &[">>>"],
        &["sent", "<<<"],
        &["c:"],
        &["-->"],
        &["->"],
        &["client:"],
        &["in:"],
    ];
    const VERBS: [&str; 10] = [
        "helo",
        "ehlo",
        "lhlo",
        "mail from",
        "rcpt to",
        "data",
        "bdat",
        "quit",
        "starttls",
        "auth",
    ];
    let b = l.as_bytes();
    let p = skip_space(b, 0);
    // The verb and what follows it, from `s` on.
    let rest = |s: usize| {
        let v = skip_space(b, s);
        let h = *b.get(v)?;
        // Each verb has its own first letter.
        let e = match h.to_ascii_lowercase() {
            c if c < 0x80 => VERBS
                .iter()
                .find(|w| w.as_bytes()[0] == c)
                .and_then(|w| lit(b, v, w, true))
                .filter(|&e| boundary(b, e))?,
            _ => VERBS
                .iter()
                .find_map(|w| lit(b, v, w, true).filter(|&e| boundary(b, e)))?,
        };
        let mut a = e + usize::from(b.get(e) == Some(&b':'));
        a = skip_space(b, a);
        a += usize::from(b.get(a) == Some(&b'<'));
        Some((&l[v..e], addr(b, a, true).map(|end| &l[a..end])))
    };
    after_marker(b, p, &MARKS, ">>>", rest).or_else(|| rest(p))
}

/// The first reading of a transcript line that `rest` accepts after one of
/// its markers: one of `marks`, or up to eight non-ASCII characters and
/// `arrow` (translated transcripts label the arrows with a word). `p` is
/// where the line's text begins. Inlined into both readers, which run on
/// every line of a transcript.
#[inline(always)]
fn after_marker<T>(
    b: &[u8],
    p: usize,
    marks: &[&[&str]],
    arrow: &str,
    rest: impl Fn(usize) -> Option<T>,
) -> Option<T> {
    use super::rx::hand::{lit, non_ascii_1_to_8, skip_space};
    let h = *b.get(p)?;
    for m in marks.iter().filter(|m| may_start(h, m[0])) {
        if let Some(found) = marker(b, p, m).and_then(&rest) {
            return Some(found);
        }
    }
    if h >= 0x80 {
        let translated = non_ascii_1_to_8(b, p).and_then(|i| lit(b, skip_space(b, i), arrow, true));
        if let Some(found) = translated.and_then(&rest) {
            return Some(found);
        }
    }
    None
}

/// Whether a `(?i)` match of `word` can begin with the byte `h`: its first
/// letter in either case, or the first byte of a non-ASCII character.
fn may_start(h: u8, word: &str) -> bool {
    h.to_ascii_lowercase() == word.as_bytes()[0] || h >= 0x80
}

/// The end of a transcript marker: its words (`(?i)`) with `\s*` between.
fn marker(b: &[u8], p: usize, words: &[&str]) -> Option<usize> {
    use super::rx::hand::{lit, skip_space};
    let mut i = p;
    for (k, w) in words.iter().enumerate() {
        if k > 0 {
            i = skip_space(b, i);
        }
        i = lit(b, i, w, true)?;
    }
    Some(i)
}

/// A server reply in a transcript line ([`reply_line`]).
struct ReplyLine<'a> {
    /// The reply code.
    code: &'a str,
    /// A `-` follows the code: the reply goes on on the next line.
    more: bool,
    /// Where the text after the code (and its separator) begins.
    end: usize,
}

/// A server reply in a transcript line, as the pattern
/// `(?i)^\s*(?:<<<|received\s*>>>|s:|<--|<-|server:|out:|[^\x00-\x7f]{1,8}\s*<<<)?\s*([245][0-5]\d)([ \-]|$)`
/// reads it. Asked of every line of a transcript, so matched by hand.
fn reply_line(l: &str) -> Option<ReplyLine<'_>> {
    use super::rx::hand::skip_space;
    const MARKS: [&[&str]; 7] = [
        &["<<<"],
        &["received", ">>>"],
        &["s:"],
        &["<--"],
        &["<-"],
        &["server:"],
        &["out:"],
    ];
    let b = l.as_bytes();
    let p = skip_space(b, 0);
    // The code and what follows it, from `s` on.
    let rest = |s: usize| {
        let c = skip_space(b, s);
        let d = b.get(c..c + 3)?;
        if !(matches!(d[0], b'2' | b'4' | b'5')
            && matches!(d[1], b'0'..=b'5')
            && d[2].is_ascii_digit())
        {
            return None;
        }
        let (more, end) = match b.get(c + 3) {
            None => (false, c + 3),
            Some(b' ') => (false, c + 4),
            Some(b'-') => (true, c + 4),
            Some(_) => return None,
        };
        Some(ReplyLine {
            code: &l[c..c + 3],
            more,
            end,
        })
    };
    if b.get(p)?.is_ascii_digit() {
        return rest(p);
    }
    after_marker(b, p, &MARKS, "<<<", rest)
}

/// The first address in angle brackets (`<(ADDR)>`) in `text`.
fn bracketed_addr(text: &str) -> Option<&str> {
    let b = text.as_bytes();
    memchr::memchr_iter(b'<', b).find_map(|i| {
        super::rx::hand::addr(b, i + 1, false)
            .filter(|&e| b.get(e) == Some(&b'>'))
            .map(|e| &text[i + 1..e])
    })
}

/// Remote MTA named in the text describing a failure; `lower` is the text
/// with ASCII letters in lower case.
pub(crate) fn remote_mta(text: &str, lower: &str) -> Option<String> {
    // Every alternative below needs a `[` or one of these words, so most
    // texts are ruled out without running the regex. None of the words has
    // an `s` or `k`, the only ASCII letters `(?i)` also matches outside ASCII,
    // so looking in the lower-case text is enough.
    static WORDS: super::text::Phrases =
        super::text::Phrases::new(&["while ta", "remote ", " failed ", " doe"]);
    if !text.contains('[') && !WORDS.any_in(lower) {
        return None;
    }
    static R: OnceLock<Regex> = OnceLock::new();
    let r = re(&R, REMOTE_MTA);
    let host = remote_in(r.find(text)?.as_str());
    Some(
        host.trim_matches(|c| c == '[' || c == ']')
            .to_ascii_lowercase(),
    )
}

/// Names of the remote MTA in a text; one group per layout.
const REMOTE_MTA: &str = r"(?i)(?:\bhost\s+([a-z0-9][\w.\-]*\.[a-z]{2,}|\[[\d.]+\])\s*\[|while talking to\s+([a-z0-9][\w.\-]*\.[a-z]{2,})|\b([a-z0-9][\w.\-]*\.[a-z]{2,})\s*\[[\d.:a-f]+\]\s*(?:said|did not like)|remote server at\s+([a-z0-9][\w.\-]*\.[a-z]{2,})|(?:^|\s)(\d{1,3}\.\d{1,3}\.\d{1,3}\.\d{1,3}) (?:does not like|failed after|failed on))";

/// The group of [`REMOTE_MTA`] that a match `m` filled, read from the match
/// (the lazy DFA finds it without the capturing engine): only the first
/// layout ends in `[`; the second and fourth open with their words and end
/// in the name, after the last white space; of the others only the third
/// has a `[`, after the name; the fifth is an IP address between optional
/// white space and a space.
fn remote_in(m: &str) -> &str {
    use super::rx::hand::lit;
    let space = |c: char| c.is_ascii() && super::text::is_space(c as u8);
    let b = m.as_bytes();
    if let Some(rest) = m.strip_suffix('[') {
        // `host\s+NAME\s*[`
        let name = rest.trim_end_matches(space);
        return name
            .find(space)
            .map_or(name, |i| name[i..].trim_start_matches(space));
    }
    if lit(b, 0, "while talking to", true).is_some()
        || lit(b, 0, "remote server at", true).is_some()
    {
        return m.rfind(space).map_or(m, |i| &m[i + 1..]);
    }
    if let Some(i) = m.find('[') {
        return m[..i].trim_end_matches(space);
    }
    let ip = m.trim_start_matches(space);
    ip.find(' ').map_or(ip, |i| &ip[..i])
}

/// The hand-written matchers give what the regexes they replace give.
#[cfg(test)]
mod hand_matchers {
    use super::*;
    use crate::diagnose::rx::oracle::same;

    #[test]
    fn header_like_is_the_regex() {
        let r = rx(HEADER_LIKE);
        same(
            &[
                "",
                ":",
                "To: a@b",
                "  from :a@b",
                "FROM\t\x0b:",
                "x-:",
                "x-_-9:",
                "X-Foo Bar: x",
                "list-id:",
                "list-:",
                "subject",
                "\u{17f}ubject: x",
                "\u{17f}ender:",
                "\u{a0}To: x",
                "Tox: y",
                "x-\u{e9}: y",
                "reply-to : <a@b>",
                "dkim-signature:v=1",
            ],
            &[
                "to",
                "From",
                "cc",
                "BCC",
                "reply-to",
                "sender",
                "subject",
                "Sent",
                "date",
                "x-",
                "list-",
                "_",
                "-",
                "9",
                "a",
                " ",
                "\t",
                ":",
                "\u{17f}",
                "\u{212a}",
                "\u{a0}",
                "received",
                "message-id",
                "authentication-results",
                "final-recipient",
                "@",
            ],
            (1000, 100),
            |t| is_header_like(t).then_some(()),
            |t| r.is_match(t.trimmed_start()).then_some(()),
        );
    }

    #[test]
    fn boilerplate_gate_covers_each_sentence() {
        for f in BOILERPLATE {
            assert!(BOILERPLATE_GATE.iter().any(|g| f.contains(g)), "{f}");
        }
    }

    #[test]
    fn blank_is_trimmed_empty() {
        for t in [
            "",
            " ",
            "\t\r",
            "\u{a0}",
            "\u{3000} ",
            "\u{1c}",
            "x",
            " x",
            "\u{e9}",
            "\u{a0}x",
            "\x0b",
        ] {
            assert_eq!(is_blank(t), t.trimmed().is_empty(), "{t:?}");
        }
    }

    fn rx(p: &str) -> Regex {
        crate::diagnose::rx::new(p).unwrap()
    }

    fn own(m: Option<regex::Match<'_>>) -> Option<String> {
        m.map(|m| m.as_str().to_string())
    }

    /// Addresses and near-addresses, for the random strings.
    const ADDRS: &[&str] = &[
        "a@example.net",
        "Jo.Doe+x@Mail-1.Example.COM",
        "a@b",
        "a@b.",
        "a@b-.cd-",
        "a@b..c",
        "x'y@z.zz",
        "\u{17f}@\u{212a}.\u{17f}",
        "k@\u{17f}",
        "@",
        "a",
        ".",
        "-",
        "_",
    ];

    fn pieces(own: &[&'static str]) -> Vec<&'static str> {
        let mut p = own.to_vec();
        p.extend_from_slice(ADDRS);
        p.extend_from_slice(&[" ", "\t", "", "\u{e9}", "\u{17f}", "\u{212a}", "\u{131}"]);
        p
    }

    #[test]
    fn command_reads_like_its_regex() {
        let r = rx(&format!(
            r"(?i)^\s*(?:>>>|sent\s*<<<|c:|-->|->|client:|in:|[^\x00-\x7f]{{1,8}}\s*>>>)?\s*(helo|ehlo|lhlo|mail from|rcpt to|data|bdat|quit|starttls|auth)\b:?\s*<?({ADDR})?"
        ));
        same(
            &[
                "",
                " ",
                ">>>",
                "sent <<<",
                "RCPT TO:<a@b.cc>",
                "rcpt to: a@b",
                "MAIL FROM:<>",
                "helo",
                "heloo",
                "helo_x",
                "\u{17f}tarttls",
                "STARTTL\u{17f} x",
                "\u{9001}\u{4fe1} >>> RCPT TO:<a@example.net>",
                "\u{4e00}\u{4e8c}\u{4e09}\u{56db}\u{4e94}\u{516d}\u{4e03}\u{516b}\u{4e5d} >>> data",
                "\u{17f} >>> data",
                "\u{e9}\u{17f} >>> data",
                "  data  ",
                "data\u{17f}",
                "-->  quit",
                "->quit",
                "--> x",
                "client: AUTH",
                "in:rcpt to:<k@\u{212a}.com>",
                "rcpt to:<a@b.c.>",
                "rcpt to:<a@b-.cd->",
                "rcpt to  a@b..cd",
                "RCPT TO:<\"a\"@b.cd>",
            ],
            &pieces(&[
                ">>>",
                "<<<",
                "sent",
                "SENT",
                "c:",
                "C:",
                "-->",
                "->",
                "client:",
                "in:",
                "\u{9001}\u{4fe1}",
                "helo",
                "HELO",
                "ehlo",
                "lhlo",
                "mail from",
                "MAIL FROM",
                "rcpt to",
                "RCPT TO",
                "data",
                "bdat",
                "quit",
                "starttls",
                "\u{17f}tarttl\u{17f}",
                "auth",
                ":",
                "<",
                ">",
            ]),
            (150, 40),
            |t| command(t).map(|(v, a)| (v.to_string(), a.map(String::from))),
            |t| r.captures(t).map(|c| (c[1].to_string(), own(c.get(2)))),
        );
    }

    #[test]
    fn reply_line_reads_like_its_regex() {
        let r = rx(
            r"(?i)^\s*(?:<<<|received\s*>>>|s:|<--|<-|server:|out:|[^\x00-\x7f]{1,8}\s*<<<)?\s*([245][0-5]\d)([ \-]|$)",
        );
        same(
            &[
                "",
                "550",
                "550-",
                "550 x",
                "5501",
                "560 x",
                "<<< 550-5.1.1",
                "received >>>250 ok",
                "\u{17f}: 550 x",
                "\u{17f} <<< 550 x",
                "\u{53d7}\u{4fe1} <<< 550 x",
                "<-- 421",
                "<-421",
                "<-- x",
                "SERVER: 250 ok",
                "out:554-",
                "  452\t",
            ],
            &pieces(&[
                "<<<",
                "received",
                "RECEIVED",
                ">>>",
                "s:",
                "S:",
                "\u{17f}:",
                "<--",
                "<-",
                "server:",
                "out:",
                "\u{53d7}\u{4fe1}",
                "250",
                "550",
                "421",
                "599",
                "560",
                "-",
                "5",
                "0",
            ]),
            (600, 100),
            |t| reply_line(t).map(|c| (c.code.to_string(), c.more, c.end)),
            |t| {
                r.captures(t).map(|c| {
                    (
                        c[1].to_string(),
                        &c[2] == "-",
                        c.get(2).map_or(t.len(), |m| m.end()),
                    )
                })
            },
        );
    }

    #[test]
    fn sendmail_status_reads_like_its_regexes() {
        let rcpt = rx(&format!(r"^\s*([245]\d\d)\s+<?({ADDR})>?\.\.\.\s*\S"));
        let host = rx(r"^\s*([245]\d\d)\s+[A-Za-z0-9][\w.\-]*\s+\([\w\-]+\)\.\.\.\s*\S");
        same(
            &[
                "",
                "550",
                "550 ",
                "554 <a@example.net>... Remote protocol error",
                "550 example.net (smtp)... Host unknown",
                "550 a@b...c",
                "550 a@b.c...",
                "550 a@b.c... ",
                "550 <a@b.c>...\u{e9}",
                "250 <a@b.c>>... x",
                "550 ex_ample.net  (s-m_tp)...x",
                "550 example.net ()... x",
                "199 a@b.cc... x",
            ],
            &pieces(&[
                "550",
                "250",
                "421",
                "554",
                "199",
                "<",
                ">",
                "...",
                "..",
                "example.net",
                "(smtp)",
                "(",
                ")",
                "smtp",
            ]),
            (50, 8),
            sendmail_status,
            |t| {
                if let Some(c) = rcpt.captures(t) {
                    return Some((c[1].parse().unwrap(), Some(c[2].to_ascii_lowercase())));
                }
                host.captures(t).map(|c| (c[1].parse().unwrap(), None))
            },
        );
    }

    #[test]
    fn alone_reads_like_its_regex() {
        let r = rx(&format!(
            r#"^(?:(?:"[^"]*"\s*|[^<>@:,]{{0,60}}\s)<({ADDR})>|<?"?({ADDR})"?>?)(?:\s*\([^)]*\))?\s*:?\s*$"#
        ));
        same(
            &[
                "",
                "a@example.net",
                "<a@example.net>",
                "\"a@example.net\"",
                "<\"a@example.net\">:",
                "\"Jo Doe\" <a@example.net>",
                "\"Jo <x> Doe\"  <a@example.net> (comment) :",
                "Jo Doe <a@example.net>",
                "Jo Doe<a@example.net>",
                "Jo: Doe <a@example.net>",
                "\"Jo\" x <a@example.net>",
                "123456789012345678901234567890123456789012345678901234567890 <a@b.cc>",
                "1234567890123456789012345678901234567890123456789012345678901 <a@b.cc>",
                "\u{e9}\u{e9}\u{e9}\u{e9}\u{e9}\u{e9}\u{e9}\u{e9}\u{e9}\u{e9}\u{e9}\u{e9}\u{e9}\u{e9}\u{e9}\u{e9}\u{e9}\u{e9}\u{e9}\u{e9}\u{e9}\u{e9}\u{e9}\u{e9}\u{e9}\u{e9}\u{e9}\u{e9}\u{e9}\u{e9}\u{e9}\u{e9}\u{e9}\u{e9}\u{e9} <a@b.cc>",
                "a@b.cc (x",
                "a@b.cc (x) (y)",
                "a@b.cc.",
                "a@b.cc :  ",
                "<a@b.cc> <c@d.ee>",
            ],
            &pieces(&["<", ">", "\"", "(", ")", ":", ",", "Jo", "x y"]),
            (250, 100),
            |t| alone(t).map(String::from),
            |t| r.captures(t).map(|c| own(c.get(1).or(c.get(2))).unwrap()),
        );
    }

    #[test]
    fn leading_addr_reads_like_its_regex() {
        let r = rx(&format!(
            r#"^<?({ADDR})>?(?:\s*\([^)]*\))?(?:\s*(?::|\.\.\.|,)\s*|\s+)[^\s@]"#
        ));
        same(
            &[
                "",
                "a@b.cc",
                "a@b.cc: x",
                "<a@b.cc>: host x said",
                "<a@b.cc>... User unknown",
                "a@b...c",
                "a@b.c... @",
                "a@b.cc , x",
                "a@b.cc (x) y",
                "a@b.cc (x) @",
                "a@b.cc (x",
                "a@b.cc:@",
                "a@b.cc \u{e9}",
                "a@b.cc-: x",
            ],
            &pieces(&["<", ">", "(", ")", ":", ",", "...", "..", "x"]),
            (400, 150),
            |t| leading_addr(t).map(String::from),
            |t| r.captures(t).map(|c| c[1].to_string()),
        );
    }

    #[test]
    fn labelled_reads_like_its_regex() {
        let r = rx(&format!(r#"^([^@:<>]{{3,50}}):\s*<?"?({ADDR})"?>?\.?$"#));
        same(
            &[
                "",
                "Unknown user: a@b.cc",
                "ab: a@b.cc",
                "abc:a@b.cc.",
                "abc: <\"a@b.cc\">.",
                "abc: a@b.cc..",
                "a<c: a@b.cc",
                "x: y: a@b.cc",
                "12345678901234567890123456789012345678901234567890: a@b.cc",
                "123456789012345678901234567890123456789012345678901: a@b.cc",
                "\u{e9}\u{e9}\u{e9}: a@b.cc",
            ],
            &pieces(&[
                "Unknown user",
                "abc",
                ":",
                "<",
                ">",
                "\"",
                "x y",
                "12345678901234567890",
            ]),
            (2500, 150),
            |t| label_and_addr(t).map(|(l, a)| (l.to_string(), a.to_string())),
            |t| r.captures(t).map(|c| (c[1].to_string(), c[2].to_string())),
        );
    }

    #[test]
    fn phrase_at_reads_like_its_regex() {
        let r = rx(&format!(
            r#"(?i)(?:(?:error|failure|problem)s? (?:delivering|sending)\b.{{0,30}}?\bto|(?:was|wasn't|couldn't be|could not be|cannot be|can't be|has not been|not) (?:delivered|sent|relayed) to|delivery to the following recipients? (?:failed|was aborted|has been delayed)[^:]*:?|(?:failed|undeliverable) recipients?:?|(?:original|intended|unknown|invalid|failed|final) recipients?(?: address)?:|recipient address:|to the following (?:recipients?|address(?:es)?)[^:]*:|not delivered to|delivery failed for|unable to deliver (?:your )?(?:message|mail)? ?to|could not deliver (?:mail|message)? ?to|rejected your message to the following|your message to|failed to deliver to|^\s*recipients?:)\s*:?\s*['"]?<?"?({ADDR})"?>?"#
        ));
        same(
            PHRASE_EDGE,
            &phrase_pieces(),
            (200, 50),
            |t| {
                r.find(t)
                    .and_then(|m| phrase_at(t, m.start()))
                    .map(|(a, e, end)| (t[a..e].to_string(), end))
            },
            |t| {
                r.captures(t)
                    .map(|c| (c[1].to_string(), c[0].len() + c.get(0).unwrap().start()))
            },
        );
    }

    const PHRASE_EDGE: &[&str] = &[
        "",
        "error delivering to a@b.cc",
        "errors sending your mail to: <a@b.cc>",
        "error delivering tomas@b.cc",
        "error delivering message to the recipient tomas@b.cc",
        "error delivering\u{e9}\u{e9}\u{e9}\u{e9}\u{e9}\u{e9}\u{e9}\u{e9}\u{e9}\u{e9}\u{e9}\u{e9} to a@b.cc",
        "error delivering xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx to a@b.cc",
        "error delivering xxxxxxxxxxxxxxxxxxxxxxxxxxxxx to a@b.cc",
        "Problems sending your mail to: <a@b.cc>",
        "It wa\u{17f} not \u{17f}ent to a@b.cc",
        "wasn't delivered to \"a@b.cc\">",
        "could not be relayed to a@b.cc",
        "Delivery to the following recipient failed permanently: a@b.cc",
        "delivery to the following recipients failed john.doe@b.cc",
        "delivery to the following recipients failed: x: a@b.cc",
        "failed recipients@b.cc",
        "failed recipient address: a@b.cc",
        "Undeliverable recipients: a@b.cc",
        "Final-Recipient: a@b.cc",
        "Final recipient: a@b.cc",
        "un\u{212a}nown recipient: a@b.cc",
        "Recipient address: a@b.cc",
        "to the following addresses: a@b.cc",
        "to the following recipient (x): 'a@b.cc'",
        "Delivery failed for a@b.cc",
        "Unable to deliver your message to a@b.cc",
        "unable to deliver mailto a@b.cc",
        "unable to deliver your  to a@b.cc",
        "Could not deliver mail to a@b.cc",
        "rejected your message to the following: a@b.cc",
        "Your me\u{17f}\u{17f}age to a@b.cc",
        "failed to deliver to a@b.cc",
        "  recipients: a@b.cc",
        "recipient:a@b.cc",
        "Message delivery to 'a@b.cc' has failed",
        "delivery to <a@b.cc> failed",
    ];

    fn phrase_pieces() -> Vec<&'static str> {
        pieces(&[
            "error",
            "failures",
            "problem",
            " delivering",
            " sending",
            " to",
            "was",
            "not",
            " delivered",
            " sent",
            " relayed",
            "delivery to the following recipients",
            " failed",
            "recipient",
            " address",
            ":",
            "your message",
            "could not deliver",
            "'",
            "\"",
            "<",
            ">",
            "has",
            "\n",
        ])
    }

    #[test]
    fn anchor_phrase_reads_like_its_regexes() {
        let r = rx(&format!(
            r#"(?i)(?:(?:error|failure|problem)s? (?:delivering|sending)\b.{{0,30}}?\bto|(?:was|wasn't|couldn't be|could not be|cannot be|can't be|has not been|not) (?:delivered|sent|relayed) to|delivery to the following recipients? (?:failed|was aborted|has been delayed)[^:]*:?|(?:failed|undeliverable) recipients?:?|(?:original|intended|unknown|invalid|failed|final) recipients?(?: address)?:|recipient address:|to the following (?:recipients?|address(?:es)?)[^:]*:|not delivered to|delivery failed for|unable to deliver (?:your )?(?:message|mail)? ?to|could not deliver (?:mail|message)? ?to|rejected your message to the following|your message to|failed to deliver to|^\s*recipients?:)\s*:?\s*['"]?<?"?({ADDR})"?>?"#
        ));
        let quoted = rx(&format!(
            r#"(?i)\bdelivery to\s*['"<]({ADDR})['">]\s*(?:has\s+)?failed"#
        ));
        same(
            PHRASE_EDGE,
            &phrase_pieces(),
            (200, 50),
            |t| anchor_phrase(t, &t.to_ascii_lowercase()),
            |t| {
                r.captures(t)
                    .or_else(|| quoted.captures(t))
                    .map(|c| c[1].to_ascii_lowercase())
            },
        );
    }

    #[test]
    fn bracketed_addr_reads_like_its_regex() {
        let r = rx(&format!(r"<({ADDR})>"));
        same(
            &[
                "",
                "<>",
                "<a@b.cc>",
                "x <a@b.> <c@d.ee>",
                "<<a@b.cc>>",
                "<a@b.cc-> <a@b.c>",
            ],
            &pieces(&["<", ">", "x"]),
            (8000, 800),
            |t| bracketed_addr(t).map(String::from),
            |t| r.captures(t).map(|c| c[1].to_string()),
        );
    }
}

#[cfg(test)]
mod remote_in_tests {
    use super::*;
    use crate::diagnose::rx::oracle::same;

    #[test]
    fn remote_in_is_the_captured_group() {
        let r = crate::diagnose::rx::new(REMOTE_MTA).unwrap();
        same(
            &[
                "",
                "host mx.example.net[192.0.2.9] said: 550",
                "host  [192.0.2.9] \t[x",
                "HO\u{17f}T mx.example.net [1.2.3.4]",
                "while talKing to  MX.Example.NET:",
                "while tal\u{212a}ing to\tmx.example.net",
                "mx.example.net [192.0.2.1] did not like",
                "hostx.example.net [::1] said",
                "Remote Server at mail.example.org returned",
                "remote \u{17f}erver at mail.example.org",
                "192.0.2.7 does not like recipient",
                " 192.0.2.7 FAILED after I sent the message",
                "1.2.3.4.example.com [1.2.3.4] said",
            ],
            &[
                "host",
                "HOST",
                " ",
                "\t",
                "mx.example.net",
                "[",
                "]",
                "192.0.2.7",
                "::1",
                "said",
                "did not like",
                "while talking to",
                "remote server at",
                "does not like",
                "failed after",
                "failed on",
                "x",
                ".",
                "\u{17f}",
                "\u{212a}",
            ],
            (150, 20),
            |t| r.find(t).map(|m| remote_in(m.as_str()).to_string()),
            |t| {
                r.captures(t)
                    .map(|c| (1..=5).find_map(|i| c.get(i)).unwrap().as_str().to_string())
            },
        );
    }
}

#[cfg(test)]
mod remote_mta_gate {
    use super::*;

    #[test]
    fn gate_keeps_every_alternative() {
        for (text, host) in [
            ("host mx.example.net[192.0.2.9] said: 550", "mx.example.net"),
            ("while talking to MX.Example.NET:", "mx.example.net"),
            ("mx.example.net [192.0.2.1] did not like", "mx.example.net"),
            (
                "Remote Server at mail.example.org returned",
                "mail.example.org",
            ),
            ("192.0.2.7 does not like recipient", "192.0.2.7"),
            ("192.0.2.7 FAILED after I sent the message", "192.0.2.7"),
        ] {
            let lower = text.to_ascii_lowercase();
            assert_eq!(remote_mta(text, &lower).as_deref(), Some(host), "{text}");
        }
        assert_eq!(
            remote_mta("550 5.1.1 user unknown", "550 5.1.1 user unknown"),
            None
        );
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn v(s: &str) -> Vec<&str> {
        s.lines().collect()
    }

    #[test]
    fn postfix_block() {
        let l = v("The mail system\n\n<a@example.net>: host mx.example.net[192.0.2.9] said: 550 5.1.1\n    <a@example.net>: Recipient address rejected: User unknown (in reply to RCPT\n    TO command)\n\n<b@example.net>: mailbox full\n");
        let r = scan(&l, l.len(), None);
        assert_eq!(r.len(), 2);
        assert_eq!(r[0].lines, vec![2, 3, 4]);
        assert_eq!(r[1].addr.as_deref(), Some("b@example.net"));
    }

    #[test]
    fn transcript_ties_reply_to_rcpt() {
        let l = v(">>> MAIL From:<s@example.org>\n<<< 250 ok\n>>> RCPT To:<a@example.net>\n<<< 550 5.1.1 <a@example.net>... User unknown\n");
        let r = transcript(&l, l.len());
        assert_eq!(r.len(), 1);
        assert_eq!(r[0].0.addr.as_deref(), Some("a@example.net"));
    }

    #[test]
    fn session_log_with_time_stamps_is_a_transcript() {
        let l = v(" Mon 2026-11-23 17:00:00.301: --> MAIL From:<s@example.org>\n Mon 2026-11-23 17:00:00.400: <-- 250 2.1.0 Ok\n Mon 2026-11-23 17:00:00.401: --> RCPT To:<b@example.net>\n Mon 2026-11-23 17:00:00.500: <-- 550 5.1.1 No such user\n");
        let r = transcript(&l, l.len());
        assert_eq!(r.len(), 1);
        assert_eq!(r[0].0.addr.as_deref(), Some("b@example.net"));
        assert_eq!(r[0].1, Some(super::super::classify::Stage::Rcpt));
    }

    #[test]
    fn last_recipient_does_not_take_the_transcript_of_others() {
        let l = v("<a@example.net>\n    (reason: 550 5.1.1 User unknown)\n<c@example.com>\n    (reason: 550 5.7.1 Relaying denied)\n\n   ----- Transcript of session follows -----\n>>> RCPT To:<a@example.net>\n<<< 550 5.1.1 User unknown\n");
        let r = scan(&l, l.len(), None);
        assert_eq!(r.len(), 2);
        assert_eq!(r[1].addr.as_deref(), Some("c@example.com"));
        assert_eq!(r[1].lines, vec![2, 3]);
    }

    #[test]
    fn boilerplate_intros_are_no_heading() {
        // The sentences MTAs put above every recipient list say nothing about
        // why those recipients failed.
        for intro in [
            "A message that you sent could not be delivered to one or more of its\nrecipients. This is a permanent error. The following address(es) failed:",
            "Hi. This is the qmail-send program at mx.example.org.\nI'm afraid I wasn't able to deliver your message to the following addresses.\nThis is a permanent error; I've given up. Sorry it didn't work out.",
            "I'm sorry to have to inform you that your message could not\nbe delivered to one or more recipients. It's attached below.",
            "Delivery to the following recipients failed.",
            "Your message did not reach some or all of the intended recipients.",
            "----- The following addresses had permanent fatal errors -----",
        ] {
            let text = format!("{intro}\n\n  a@example.net\n");
            let l = v(&text);
            let first = l.len() - 1;
            assert!(heading_above(&l, first).is_empty(), "{intro}");
        }
    }

    #[test]
    fn remote_is_found() {
        assert_eq!(
            remote_mta(
                "host mx.example.net[192.0.2.9] said: 550",
                "host mx.example.net[192.0.2.9] said: 550"
            )
            .as_deref(),
            Some("mx.example.net")
        );
    }
}
