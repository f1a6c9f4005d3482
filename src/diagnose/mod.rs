//! Diagnosis: bytes of a bounce (DSN, forwarded copy, mbox, SMTP line or
//! transcript) in, one verdict per failed recipient out, with evidence lines.

pub mod actor;
pub mod classify;
mod dsn;
mod formats;
mod logs;
mod mime;
pub mod outcome;
mod parse;
pub(crate) mod rx;
pub(crate) mod text;

use crate::diagnose::text::Trimmed;
use rx::Caps;
use text::Phrases;

pub use outcome::Outcome;
#[cfg(fuzzing)]
pub use parse::fuzz_readings_agree;
pub use parse::sanitize;

use crate::knowledge::{Actor, KnowledgeBase, Reason};
use classify::Stage;
use serde::Serialize;
use std::net::IpAddr;

/// Inputs larger than this are refused (bytes).
pub const MAX_INPUT: usize = 10 * 1024 * 1024;

/// Why an input could not be diagnosed at all.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum InputError {
    /// More than [`MAX_INPUT`] bytes.
    #[error("input is {size} bytes; the limit is {limit} bytes (10 MiB)")]
    TooLarge {
        /// Size of the input.
        size: usize,
        /// The limit.
        limit: usize,
    },
    /// Binary data (NUL bytes or mostly non-text).
    #[error("input looks like binary data, not an email or SMTP text")]
    Binary,
    /// Nothing but whitespace.
    #[error("input is empty")]
    Empty,
}

/// A line of the input that supports a conclusion.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Evidence {
    /// 1-based line number in the input as given (after line-ending normalisation).
    pub line: usize,
    /// The line's text (control characters removed).
    pub text: String,
}

/// What kind of message the input (or one message of an mbox) is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum MessageKind {
    /// A delivery failure or delay report.
    Bounce,
    /// A feedback/abuse report (ARF).
    Feedback,
    /// An auto-reply (out of office).
    Vacation,
    /// Not a bounce at all.
    NotBounce,
}

/// Verdict for one recipient of one bounce.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct RecipientDiagnosis {
    /// Failed address, if stated.
    pub recipient: Option<String>,
    /// DSN action: failed, delayed, delivered, relayed, expanded.
    pub action: Option<String>,
    /// Enhanced status code (`5.1.1`). When the bounce states none, the class
    /// alone as `X.0.0` (RFC 3463: only the class is known), inferred from the
    /// reply code or the action.
    pub status: Option<String>,
    /// SMTP reply code (`550`).
    pub reply_code: Option<u16>,
    /// Classification.
    pub reason: Reason,
    /// Hard bounce (retrying is pointless) or soft.
    pub hard: bool,
    /// Who must act.
    pub acts: Vec<Actor>,
    /// The MTA that gave the error.
    pub remote_mta: Option<String>,
    /// The raw diagnostic text (reply from the remote server).
    pub diagnostic: Option<String>,
    /// Knowledge-base entry ids that apply, best first.
    pub kb: Vec<String>,
    /// Input lines that led to the conclusions.
    pub evidence: Vec<Evidence>,
}

/// Values the remediation wizard can be prefilled with.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct Prefill {
    /// Sending IPs quoted in the bounce (e.g. in a blocklist rejection).
    pub ips: Vec<IpAddr>,
    /// The sender's domain (envelope sender or From of the original message).
    pub sender_domain: Option<String>,
    /// The sending mail server's host name, when the bounce names it.
    pub mail_host: Option<String>,
}

/// Diagnosis of one message of the input.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct MessageDiagnosis {
    /// What the message is.
    pub kind: MessageKind,
    /// Subject of the bounce, if any.
    pub subject: Option<String>,
    /// One entry per recipient (empty unless `kind` is `Bounce`, `Feedback` or `Vacation`).
    pub recipients: Vec<RecipientDiagnosis>,
    /// Wizard prefill values.
    pub prefill: Prefill,
    /// First line of this message within the input (1-based), for mboxes.
    pub first_line: usize,
}

/// Maximum recipients reported per message (memory and output bound).
const MAX_RECIPIENTS: usize = 1000;
/// Maximum length of a diagnostic or evidence text in the output.
const MAX_TEXT: usize = 1000;

// Single words looked for in whole texts, with prepared searchers.
/// A feedback report's field (with [`USER_AGENT`]).
static FEEDBACK_TYPE: Phrases = Phrases::new(&["feedback-type:"]);
/// A feedback report's field (with [`FEEDBACK_TYPE`]).
static USER_AGENT: Phrases = Phrases::new(&["user-agent:"]);
/// The field of an Amazon SES notification.
static SES_TYPE: Phrases = Phrases::new(&["notificationType"]);
/// The field of an Amazon SES event.
static SES_EVENT: Phrases = Phrases::new(&["\"eventType\""]);

/// Diagnose raw input. An mbox yields one `MessageDiagnosis` per message.
pub fn diagnose(input: &[u8], kb: &KnowledgeBase) -> Result<Vec<MessageDiagnosis>, InputError> {
    if input.len() > MAX_INPUT {
        return Err(InputError::TooLarge {
            size: input.len(),
            limit: MAX_INPUT,
        });
    }
    if input.iter().all(|b| b.is_ascii_whitespace()) {
        return Err(InputError::Empty);
    }
    if parse::looks_binary(input) {
        return Err(InputError::Binary);
    }
    let norm = parse::normalise(input);
    let text = parse::lossy(&norm);
    let raw_lines = RawLines::new(&text);
    let mut out = Vec::new();
    for (first_line, msg) in parse::split_mbox(&norm) {
        out.push(diagnose_message(msg, first_line, &raw_lines, kb, 0));
    }
    Ok(out)
}

/// One human-readable part of a message, its lines unquoted.
struct HumanPart<'a> {
    /// Index of the part's segment.
    seg: usize,
    /// The lines; line `i` is decoded line `i` of the segment.
    lines: Vec<&'a str>,
    /// Where the copy of the original message starts
    /// ([`formats::original_start`]), found once for all who ask.
    original: Option<usize>,
}

impl HumanPart<'_> {
    /// The lines that are about the failure: those before the original.
    fn limit(&self) -> usize {
        self.original.unwrap_or(self.lines.len())
    }

    /// Evidence for line `i`.
    fn evidence(&self, loc: &Locator<'_>, i: usize) -> Evidence {
        loc.find(self.seg, i, self.lines[i])
    }
}

/// The lines of the input (split at every `\n`, as `str::split('\n')`
/// gives them), found as far as they are asked for: evidence lies in the
/// first parts of a message, and the copy of the original after them is
/// often most of the input.
struct RawLines<'a> {
    text: &'a str,
    /// Where the lines found so far start and end.
    spans: std::cell::RefCell<Vec<(usize, usize)>>,
    /// Where the next line starts (`None` once the last line is found).
    next: std::cell::Cell<Option<usize>>,
}

impl<'a> RawLines<'a> {
    fn new(text: &'a str) -> RawLines<'a> {
        RawLines {
            text,
            spans: std::cell::RefCell::new(Vec::with_capacity(64)),
            next: std::cell::Cell::new(Some(0)),
        }
    }

    /// Line `n` (1-based), if the input has that many.
    fn get(&self, n: usize) -> Option<&'a str> {
        let i = n.checked_sub(1)?;
        let mut spans = self.spans.borrow_mut();
        if spans.len() <= i {
            // The lines up to `n`, in one pass from where the last stopped.
            let from = self.next.get()?;
            let mut start = from;
            text::each_newline(&self.text.as_bytes()[from..], |p| {
                spans.push((start, from + p));
                start = from + p + 1;
                spans.len() <= i
            });
            self.next.set(Some(start));
            if spans.len() <= i {
                spans.push((start, self.text.len()));
                self.next.set(None);
            }
        }
        let (a, b) = *spans.get(i)?;
        Some(&self.text[a..b])
    }

    /// The first of lines `lo..=hi` (1-based) that holds `needle` (which
    /// has no line break): one search through the text from line `lo` on,
    /// instead of one per line.
    fn find_line(
        &self,
        lo: usize,
        hi: usize,
        needle: &memchr::memmem::Finder<'_>,
    ) -> Option<usize> {
        if memchr::memchr(b'\n', needle.needle()).is_some() {
            return None;
        }
        let lo = lo.max(1);
        self.get(lo)?;
        let start = self.spans.borrow()[lo - 1].0;
        let from = &self.text.as_bytes()[start..];
        let at = needle.find(from)?;
        let n = lo + memchr::memchr_iter(b'\n', &from[..at]).count();
        (n <= hi).then_some(n)
    }

    /// Lines `lo..=hi` (1-based) that the input has, with their numbers.
    fn range(&self, lo: usize, hi: usize) -> impl Iterator<Item = (usize, &'a str)> + '_ {
        (lo.max(1)..=hi).map_while(|n| Some((n, self.get(n)?)))
    }
}

/// Finds input lines for evidence.
struct Locator<'a> {
    raw: &'a RawLines<'a>,
    segs: &'a [parse::Segment],
}

impl Locator<'_> {
    /// The input line (1-based) showing `text` of segment `seg` (decoded line `idx`).
    fn find(&self, seg: usize, idx: usize, text: &str) -> Evidence {
        let trimmed = text.trimmed();
        // The first 48 characters (48 bytes, when those are ASCII).
        let cut = if trimmed.len() <= 48 {
            trimmed.len()
        } else if trimmed.as_bytes()[..48].is_ascii() {
            48
        } else {
            trimmed
                .char_indices()
                .nth(48)
                .map_or(trimmed.len(), |(i, _)| i)
        };
        let needle = &trimmed[..cut];
        let s = &self.segs[seg];
        // A part with no input position may be anywhere in the input.
        let (lo, hi) = if s.start_line == 0 {
            (1, usize::MAX)
        } else {
            (s.start_line, s.end_line.max(s.start_line))
        };
        let guess = s.start_line + idx;
        let found = if !needle.is_empty() {
            let direct = (s.start_line > 0)
                .then(|| self.raw.get(guess))
                .flatten()
                // Usually the line itself, maybe indented: no search needed.
                .filter(|r| r.trimmed_start().starts_with(needle) || r.contains(needle))
                .map(|_| guess);
            direct.or_else(|| {
                // One prepared searcher for the lines of the part.
                let finder = memchr::memmem::Finder::new(needle);
                self.raw.find_line(lo, hi, &finder)
            })
        } else {
            None
        };
        // A part decoded line for line (an 8-bit charset, ISO-2022-JP) keeps
        // its shape: decoded line `idx` is input line `guess`, though its
        // bytes read differently there. Base64 keeps no such correspondence.
        let same_line = || {
            let span = hi.checked_sub(lo)? + 1;
            let n = text::lines(&s.text).count();
            (s.start_line > 0 && n.abs_diff(span) <= 1 && guess <= hi)
                .then(|| self.raw.get(guess))
                .flatten()
                .filter(|r| !looks_base64(r))
                .map(|_| guess)
        };
        // Quoted-printable soft breaks split a decoded line over input lines
        // and only ever join lines, so the input line is at or after `guess`
        // and starts like the decoded one.
        let found = found.or_else(|| {
            let full = text.trimmed();
            let head: String = full.chars().take(20).collect();
            (s.start_line > 0 && head.len() >= 12).then_some(())?;
            let starts_here = |raw: &str| {
                let raw = raw.trimmed();
                // "Final-Recipient:=" — the line broke softly before the text did.
                let cut = raw.strip_suffix('=').filter(|r| r.len() >= 12);
                raw.starts_with(&head) || cut.is_some_and(|r| full.starts_with(r))
            };
            self.raw
                .range(guess.max(lo), hi)
                .take(400)
                .find(|(_, r)| starts_here(r))
                .map(|(n, _)| n)
        });
        let found_decoded = found.is_none().then(same_line).flatten();
        let line =
            found
                .or(found_decoded)
                .unwrap_or(if s.start_line == 0 { 1 } else { s.start_line });
        let shown = found.and_then(|n| self.raw.get(n)).unwrap_or(text);
        Evidence {
            line,
            text: clip(sanitize(shown.trimmed_end())),
        }
    }
}

/// A line of base64 (a run of the base64 alphabet with no spaces).
fn looks_base64(line: &str) -> bool {
    let t = line.trimmed();
    t.len() >= 16
        && t.bytes()
            .all(|b| b == b'=' || crate::base64_value(b).is_some())
}

/// `s` cut to [`MAX_TEXT`] bytes (at a character boundary, marked with `…`).
fn clip(mut s: String) -> String {
    if s.len() <= MAX_TEXT {
        return s;
    }
    let mut end = MAX_TEXT;
    while !s.is_char_boundary(end) {
        end -= 1;
    }
    s.truncate(end);
    s.push('…');
    s
}

fn bounce_subject(subject: &str) -> bool {
    static WORDS: Phrases = Phrases::new(&[
        "undeliver",
        "undelivered",
        "returned mail",
        "delivery status notification",
        "delivery failure",
        "delivery failed",
        "delivery has failed",
        "failure notice",
        "mail delivery",
        "could not be delivered",
        "non remis",
        "non recapitabile",
        "nondeliverable",
        "non-deliverable",
        "unzustellbar",
        "returning message",
        "delayed mail",
        "could not send message",
        "delivery_failure",
        "delivery notification",
        "message not delivered",
        "mail could not be delivered",
        "delivery problem",
        "warning: message",
        "returned to sender",
        "rejected:",
        // List managers (Mailman) refusing a post.
        "was rejected",
        "bounce",
        "mail system error",
        "postmaster",
        "delivery report",
        "nicht zustellbar",
        "unable to deliver",
    ]);
    WORDS.any_in(&subject.to_ascii_lowercase())
}

fn bounce_sender(from: &str) -> bool {
    static WORDS: Phrases = Phrases::new(&[
        "mailer-daemon",
        "postmaster",
        "mail delivery",
        "mail-daemon",
        "mailerdaemon",
        "mail administrator",
        "system administrator",
        "mail system",
        "content-filter",
        "mail router",
        "interscan",
        "mdaemon",
        "bounce",
        "microsoftexchange",
    ]);
    WORDS.any_in(&from.to_ascii_lowercase())
}

fn bounce_body(lower: &str) -> bool {
    static WORDS: Phrases = Phrases::with_dfa(&[
        "could not be delivered",
        "couldn't be delivered",
        "wasn't delivered",
        "was not delivered",
        "undeliverable",
        "delivery has failed",
        "permanent error",
        "permanent fatal error",
        "mail delivery failed",
        "returned mail",
        "this is the mail system at",
        "qmail-send program",
        "wasn't able to deliver",
        "failed permanently",
        "delivery to the following recipient",
        "unable to deliver",
        "could not deliver",
        "delivery failed",
        "delivery failure",
        "transcript of session follows",
        "not be delivered",
        "did not reach",
        "delivery status notification",
        "mail delivery software",
        "error delivering",
        "message you sent",
        "has been delayed",
        "warning only",
        "the following addresses had",
        "address not found",
        "rejected your message",
        "delivery problem",
        "was undeliverable",
        "delivery to these recipients",
        "was rejected for the following",
        "failed to deliver",
        "could not be reached",
        "fatal delivery error",
    ]);
    WORDS.any_in(lower)
}

fn is_vacation(ex: &parse::Extracted) -> bool {
    let auto = ex
        .header("auto-submitted")
        .is_some_and(|v| v.to_ascii_lowercase().contains("auto-replied"));
    let x_auto = ex.header("x-autoreply").is_some()
        || ex.header("x-autorespond").is_some()
        || ex.header("x-autoreply-from").is_some()
        || ex.header("x-mail-autoreply").is_some()
        || ex
            .header("precedence")
            .is_some_and(|v| v.to_ascii_lowercase().contains("auto_reply"));
    let subj = ex.subject.as_deref().unwrap_or("").to_ascii_lowercase();
    static VACATION: Phrases = Phrases::new(&[
        "out of office",
        "out of the office",
        "automatic reply",
        "auto:",
        "autosvar",
        "abwesenheitsnotiz",
        "autoreply",
        "auto-reply",
        "auto reply",
        "vacation",
        "away from",
        "absence",
        "réponse automatique",
        "risposta automatica",
        "respuesta automática",
        "automatische antwort",
        "on leave",
        "away until",
        "i am away",
    ]);
    let vac_subject = VACATION.any_in(&subj);
    // RFC 3834: Auto-Submitted: auto-replied marks an automatic response;
    // bounces carry it too, so the caller rules those out first.
    x_auto || auto || (vac_subject && !bounce_subject(&subj))
}

fn first_address(v: &str) -> Option<String> {
    // Lower-cased once chosen: a first candidate without '@' is dropped.
    dsn::clean_address_str(v)
        .filter(|a| a.contains('@'))
        .or_else(|| {
            v.split(|c: char| c.is_whitespace() || c == ',' || c == '<' || c == '>')
                .find(|w| w.contains('@'))
                .and_then(dsn::clean_address_str)
        })
        .map(str::to_ascii_lowercase)
}

fn domain_of(addr: &str) -> Option<String> {
    addr.rsplit_once('@')
        .map(|(_, d)| d.trim_end_matches('>').to_ascii_lowercase())
        .filter(|d| d.contains('.'))
}

/// A recipient before classification.
#[derive(Default)]
struct Draft {
    addr: Option<String>,
    action: Option<String>,
    status: Option<String>,
    diag_type: Option<String>,
    diagnostic: String,
    context: String,
    remote_mta: Option<String>,
    evidence: Vec<Evidence>,
    stage: Option<Stage>,
}

fn diagnose_message(
    msg: &[u8],
    first_line: usize,
    raw: &RawLines<'_>,
    kb: &KnowledgeBase,
    depth: usize,
) -> MessageDiagnosis {
    let ex = parse::extract(msg, first_line);
    let loc = Locator {
        raw,
        segs: &ex.segments,
    };
    let subject = ex.subject.as_deref().map(|s| clip(sanitize(s)));
    let from = ex.header("from").unwrap_or("").to_string();

    // Human-readable lines, unquoted per segment.
    let mut human: Vec<HumanPart> = Vec::new();
    for (si, seg) in ex.segments.iter().enumerate() {
        if seg.kind != parse::SegKind::Human {
            continue;
        }
        let mut lines = text::line_vec(&seg.text);
        parse::unquote(&mut lines);
        let original = formats::original_start(&lines);
        human.push(HumanPart {
            seg: si,
            lines,
            original,
        });
    }
    let all_lines = || human.iter().flat_map(|p| &p.lines).take(4000);
    let mut human_lower = String::with_capacity(all_lines().map(|l| l.len() + 1).sum());
    for (n, l) in all_lines().enumerate() {
        if n > 0 {
            human_lower.push('\n');
        }
        human_lower.push_str(l);
    }
    human_lower.make_ascii_lowercase();

    let mut prefill = Prefill::default();

    // Feedback reports (RFC 5965).
    let feedback_seg = ex
        .segments
        .iter()
        .position(|s| s.kind == parse::SegKind::Feedback);
    // Apple Mail's "Unsubscribe" button mails the list with this header: a
    // request to be removed, i.e. feedback about the mail, not an auto-reply.
    let unsubscribe = ex
        .header("x-apple-unsubscribe")
        .is_some_and(|v| v.trimmed().eq_ignore_ascii_case("true"));
    let is_feedback = ex.report_type.as_deref() == Some("feedback-report")
        || feedback_seg.is_some()
        || unsubscribe
        || (FEEDBACK_TYPE.any_in(&human_lower) && USER_AGENT.any_in(&human_lower));
    if is_feedback {
        let mut recips = Vec::new();
        let (seg_i, text) = match feedback_seg {
            Some(i) => (Some(i), ex.segments[i].text.clone()),
            None => (None, human_lower.clone()),
        };
        for (idx, line) in text::lines(&text).enumerate() {
            let l = line.trimmed();
            let low = l.to_ascii_lowercase();
            if low.starts_with("original-rcpt-to:") || low.starts_with("removal-recipient:") {
                let v = l.split_once(':').map(|x| x.1).unwrap_or("");
                let ev = seg_i.map(|s| loc.find(s, idx, l)).into_iter().collect();
                recips.push(feedback_recipient(first_address(v), ev));
            }
            if low.starts_with("source-ip:") {
                if let Ok(ip) = l[10..].trimmed().parse::<IpAddr>() {
                    push_ip(&mut prefill.ips, ip);
                }
            }
        }
        if recips.is_empty() && unsubscribe {
            // The one asking to be removed is the recipient the list mailed.
            let from_line = first_line.max(1);
            let ev = raw
                .range(from_line, from_line + 299)
                .find(|(_, l)| text::starts_with_ci(l, "x-apple-unsubscribe:"))
                .map(|(n, l)| Evidence {
                    line: n,
                    text: clip(sanitize(l.trimmed_end())),
                })
                .into_iter()
                .collect();
            recips.push(feedback_recipient(first_address(&from), ev));
        }
        if recips.is_empty() {
            let to = original_header(&ex, "to").and_then(|v| first_address(&v));
            recips.push(feedback_recipient(to, Vec::new()));
        }
        fill_sender(&mut prefill, &ex, None);
        return MessageDiagnosis {
            kind: MessageKind::Feedback,
            subject,
            recipients: recips,
            prefill,
            first_line,
        };
    }

    // Delivery-status parts; a pasted DSN without MIME is read from the text.
    let mut dsn_msgs: Vec<(usize, dsn::DsnMessage)> = ex
        .segments
        .iter()
        .enumerate()
        .filter(|(_, s)| s.kind == parse::SegKind::DeliveryStatus)
        .map(|(i, s)| (i, dsn::parse(&s.text)))
        .filter(|(_, m)| !m.recipients.is_empty())
        .collect();
    if dsn_msgs.is_empty() {
        for (i, s) in ex.segments.iter().enumerate() {
            if s.kind == parse::SegKind::Human && dsn::has_dsn_fields(&s.text) {
                let mut lines = text::line_vec(&s.text);
                parse::unquote(&mut lines);
                let m = dsn::parse(&lines.join("\n"));
                if !m.recipients.is_empty() {
                    dsn_msgs.push((i, m));
                    break;
                }
            }
        }
    }

    // Text layouts and transcripts.
    let bounce_to = ex.header("to").and_then(first_address);
    let mut text_rcpts: Vec<(Draft, bool)> = Vec::new();
    for h in &human {
        let lines = &h.lines;
        // Lines copied from a mail server's log carry their own verdicts.
        let logged = logs::scan(lines);
        if !logged.is_empty() {
            for r in logged {
                let d = Draft {
                    stage: r
                        .stage
                        .or_else(|| classify::find_stage(&r.text.to_ascii_lowercase())),
                    addr: r.addr,
                    action: Some(r.action.to_string()),
                    status: r.status,
                    diagnostic: text::squash(&r.text),
                    remote_mta: r.remote_mta,
                    evidence: vec![h.evidence(&loc, r.line)],
                    ..Draft::default()
                };
                merge_text(&mut text_rcpts, d, true);
            }
            continue;
        }
        let mut covered: Vec<usize> = Vec::new();
        for r in formats::scan(lines, h.limit(), bounce_to.as_deref()) {
            let d = draft_from_lines(&r, h, &loc, None);
            let has_code = r.lines.iter().any(|&i| formats::has_reply(lines[i]));
            covered.extend(r.lines.iter().copied());
            merge_text(&mut text_rcpts, d, has_code);
        }
        for (r, stage) in formats::transcript(lines, h.limit()) {
            // A reply already inside a recipient's block is that recipient's
            // reply, even when it quotes another address (Exim's "after
            // MAIL FROM:<sender>" refusal names the sender).
            let named_elsewhere = r.addr.as_ref().is_some_and(|a| {
                !text_rcpts
                    .iter()
                    .any(|(d, _)| d.addr.as_deref() == Some(a.as_str()))
            });
            if (r.addr.is_none() || named_elsewhere) && r.lines.iter().any(|i| covered.contains(i))
            {
                continue;
            }
            // The bounce goes back to the sender: a refusal quoting their
            // address is not a failed recipient of its own.
            if r.addr.is_some() && r.addr == bounce_to {
                continue;
            }
            let d = draft_from_lines(&r, h, &loc, stage);
            merge_text(&mut text_rcpts, d, true);
        }
    }
    attach_orphan_error(&mut text_rcpts);

    let mut drafts: Vec<Draft> = Vec::new();
    let mut lookups = 0usize;
    for (si, m) in &dsn_msgs {
        if prefill.mail_host.is_none() {
            prefill.mail_host = m
                .reporting_mta
                .as_deref()
                .map(|v| dsn::typed_value(v).to_ascii_lowercase())
                .filter(|h| h.contains('.'));
        }
        if let Some(s) = &m.postfix_sender {
            prefill.sender_domain = domain_of(s);
        }
        for r in &m.recipients {
            if drafts.len() >= MAX_RECIPIENTS {
                break;
            }
            let mut d = Draft {
                addr: r.address().map(|a| a.to_string()),
                action: r.action.as_ref().map(|a| a.0.clone()),
                status: r.status.as_ref().map(|s| s.0.clone()),
                diag_type: r.diag_type.clone(),
                remote_mta: r
                    .remote_mta
                    .as_ref()
                    .and_then(|m| host_only(dsn::typed_value(&m.0))),
                ..Draft::default()
            };
            let seg_text = text::line_vec(&ex.segments[*si].text);
            let mut ev = |line: usize| {
                if let Some(t) = seg_text.get(line) {
                    d.evidence.push(loc.find(*si, line, t));
                }
            };
            if let Some((_, l)) = &r.final_recipient {
                ev(*l);
            }
            if let Some((_, l)) = &r.action {
                ev(*l);
            }
            if let Some((_, l)) = &r.status {
                ev(*l);
            }
            if let Some((text, l)) = &r.diagnostic {
                d.diagnostic = text::squash(text);
                ev(*l);
            } else if let (Some(text), Some((_, l))) = (&r.status_text, &r.status) {
                // No Diagnostic-Code: the Status field's own comment is the text.
                d.diagnostic = text::squash(text);
                ev(*l);
            }
            // The human part often says more (stage, remote host).
            let same = text_rcpts
                .iter()
                .position(|(t, _)| t.addr.is_some() && t.addr == d.addr)
                .or_else(|| (text_rcpts.len() == 1 && m.recipients.len() == 1).then_some(0));
            if let Some(i) = same {
                let t = &text_rcpts[i].0;
                d.context = t.diagnostic.clone();
                if d.diagnostic.is_empty() || d.diagnostic.len() < 8 {
                    d.diagnostic = t.diagnostic.clone();
                    d.evidence.extend(t.evidence.iter().cloned());
                } else if let Some(first) = t.evidence.first() {
                    if d.evidence.iter().all(|e| e.line != first.line) {
                        d.evidence.push(first.clone());
                    }
                }
                d.stage = t.stage;
                if d.remote_mta.is_none() {
                    d.remote_mta = t.remote_mta.clone();
                }
            } else if d.diagnostic.is_empty() && lookups < 20 {
                // A recipient that is no mail address (Exim's "save to
                // /path" file delivery): the human part names it the same way.
                // (Bounded: each lookup reads the whole text.)
                let named = r
                    .final_recipient
                    .as_ref()
                    .map(|(v, _)| v.as_str())
                    .filter(|v| v.len() >= 6 && !v.contains('@'));
                lookups += usize::from(named.is_some());
                for h in human.iter().filter(|_| named.is_some()) {
                    let needle = named.unwrap_or_default();
                    if let Some(b) = formats::block_naming(&h.lines, h.limit(), needle) {
                        let t = draft_from_lines(&b, h, &loc, None);
                        d.diagnostic = t.diagnostic;
                        d.evidence.extend(t.evidence);
                        d.stage = t.stage;
                        break;
                    }
                }
            }
            drafts.push(d);
        }
    }

    // Amazon SES notifications carry the verdict as JSON.
    let mut ses_kind = None;
    if drafts.is_empty() {
        for (si, seg) in ex.segments.iter().enumerate() {
            if seg.kind == parse::SegKind::Human && SES_TYPE.any_in(&seg.text)
                || SES_EVENT.any_in(&seg.text)
            {
                if let Some((kind, found)) = ses_json(&seg.text, si, &loc) {
                    ses_kind = Some(kind);
                    drafts.extend(found);
                    break;
                }
            }
        }
    }
    if ses_kind == Some(MessageKind::Feedback) {
        let recipients = drafts
            .into_iter()
            .map(|d| feedback_recipient(d.addr, d.evidence))
            .collect();
        return MessageDiagnosis {
            kind: MessageKind::Feedback,
            subject,
            recipients,
            prefill,
            first_line,
        };
    }

    let from_daemon = bounce_sender(&from);
    let subject_bounce = ex.subject.as_deref().is_some_and(bounce_subject);
    // The wordings are looked for in the whole text, so only when asked:
    // most bounces are settled by their DSN fields before that.
    let body_bounce = std::cell::OnceCell::new();
    let body_bounce = || *body_bounce.get_or_init(|| bounce_body(&human_lower));
    let bounce_marked = || from_daemon || subject_bounce || body_bounce();

    // A mailing-list manager's error notice (fml marks its mail with
    // X-MLServer): the list refused or dropped the post. The notice names the
    // list address in the sentence that says why; its subject is the error's title.
    // Posts to the list carry the header too; notices come from the list's
    // own administrative address.
    let list_admin = first_address(&from).is_some_and(|a| {
        let local = a.split('@').next().unwrap_or("");
        local.ends_with("-admin")
            || local.ends_with("-owner")
            || local.ends_with("-ctl")
            || local.starts_with("owner-")
    });
    if drafts.is_empty() && list_admin && ex.header("x-mlserver").is_some() {
        if let Some(h) = human.first() {
            for r in formats::list_notice(&h.lines, h.limit()) {
                let mut d = draft_from_lines(&r, h, &loc, None);
                d.context = ex.subject.clone().unwrap_or_default();
                drafts.push(d);
            }
        }
    }

    if drafts.is_empty() {
        for (d, has_code) in text_rcpts {
            if has_code || bounce_marked() {
                drafts.push(d);
            }
            if drafts.len() >= MAX_RECIPIENTS {
                break;
            }
        }
        // Recipients the text does not name: X-Failed-Recipients (Exim) or the
        // original message's To.
        let unnamed = drafts.iter().all(|d| d.addr.is_none());
        if !drafts.is_empty() && unnamed {
            let named: Vec<String> = ex
                .header("x-failed-recipients")
                .map(|v| {
                    v.split(',')
                        .filter_map(first_address)
                        .collect::<Vec<String>>()
                })
                .unwrap_or_default();
            if named.len() == 1 || (named.len() > 1 && drafts.len() == 1) {
                let template = drafts.remove(0);
                drafts.clear();
                for a in named {
                    let mut d = Draft {
                        addr: Some(a),
                        ..Draft::default()
                    };
                    d.diagnostic = template.diagnostic.clone();
                    d.context = template.context.clone();
                    d.evidence = template.evidence.clone();
                    d.stage = template.stage;
                    d.remote_mta = template.remote_mta.clone();
                    drafts.push(d);
                }
            } else if let Some(to) = original_header(&ex, "to").and_then(|v| first_address(&v)) {
                for d in drafts.iter_mut() {
                    d.addr = Some(to.clone());
                }
            }
        }
    }

    // A bounce in a layout we do not know: the failed addresses from the
    // headers, the reason from the text before the copy of the message.
    let mut inner_seen: Vec<MessageDiagnosis> = Vec::new();
    if drafts.is_empty()
        && (from_daemon || subject_bounce)
        && (body_bounce() || ex.header("x-failed-recipients").is_some())
    {
        // A notice wrapped around the bounce it relays (a gateway forwarding
        // the DSN it received): the attached bounce says more than the wrapper.
        if depth < 2 {
            for (att, at_line) in &ex.attached {
                let inner_norm = parse::normalise(att);
                let at = if *at_line > 0 { *at_line } else { first_line };
                let inner = diagnose_message(&inner_norm, at, raw, kb, depth + 1);
                if inner.kind == MessageKind::Bounce
                    && inner.recipients.iter().any(|r| r.diagnostic.is_some())
                {
                    return inner;
                }
                inner_seen.push(inner);
            }
        }
        let mut named: Vec<String> = ex
            .header("x-failed-recipients")
            .map(|v| v.split(',').filter_map(first_address).collect())
            .unwrap_or_default();
        if named.is_empty() {
            named.extend(original_recipient(&ex, human.first()));
        }
        if let Some(d) = generic_text(&human, &loc) {
            if named.is_empty() && formats::has_reply(&d.diagnostic) {
                drafts.push(d);
            } else {
                for a in named {
                    drafts.push(Draft {
                        addr: Some(a),
                        diagnostic: d.diagnostic.clone(),
                        evidence: d.evidence.clone(),
                        stage: d.stage,
                        remote_mta: d.remote_mta.clone(),
                        ..Draft::default()
                    });
                }
            }
        }
    }

    if drafts.is_empty() {
        // Not a bounce itself: maybe a bounce forwarded as an attachment.
        if depth < 2 {
            // Attachments already diagnosed above are not diagnosed again.
            let mut seen = inner_seen.into_iter();
            for (att, at_line) in &ex.attached {
                let inner = seen.next().unwrap_or_else(|| {
                    let inner_norm = parse::normalise(att);
                    let at = if *at_line > 0 { *at_line } else { first_line };
                    diagnose_message(&inner_norm, at, raw, kb, depth + 1)
                });
                if inner.kind != MessageKind::NotBounce {
                    return inner;
                }
            }
        }
        let kind = if is_vacation(&ex) && !from_daemon && !subject_bounce {
            MessageKind::Vacation
        } else {
            MessageKind::NotBounce
        };
        let recipients = if kind == MessageKind::Vacation {
            vec![RecipientDiagnosis {
                recipient: first_address(&from),
                action: None,
                status: None,
                reply_code: None,
                reason: Reason::Vacation,
                hard: false,
                acts: Vec::new(),
                remote_mta: None,
                diagnostic: None,
                kb: Vec::new(),
                evidence: Vec::new(),
            }]
        } else {
            Vec::new()
        };
        return MessageDiagnosis {
            kind,
            subject,
            recipients,
            prefill,
            first_line,
        };
    }

    // Who reported the failure: provider rules key on it as well as on the
    // remote host and the recipient's domain.
    let mut reporters: Vec<String> = dsn_msgs
        .iter()
        .filter_map(|(_, m)| m.reporting_mta.as_deref())
        .filter_map(|v| host_only(dsn::typed_value(v)))
        .collect();
    reporters.extend(first_address(&from).and_then(|a| domain_of(&a)));
    let reporters = reporters.join(" ");
    let recipients: Vec<RecipientDiagnosis> = drafts
        .into_iter()
        .map(|d| finish(d, kb, &mut prefill, &reporters))
        .collect();
    fill_sender(&mut prefill, &ex, human.first());
    if prefill.mail_host.is_none() {
        prefill.mail_host = mail_host_from_text(&human_lower);
    }
    MessageDiagnosis {
        kind: MessageKind::Bounce,
        subject,
        recipients,
        prefill,
        first_line,
    }
}

fn feedback_recipient(addr: Option<String>, evidence: Vec<Evidence>) -> RecipientDiagnosis {
    RecipientDiagnosis {
        recipient: addr,
        action: None,
        status: None,
        reply_code: None,
        reason: Reason::Feedback,
        hard: false,
        acts: Reason::Feedback.default_actors().to_vec(),
        remote_mta: None,
        diagnostic: None,
        kb: Vec::new(),
        evidence,
    }
}

/// Layouts that state the error once and list the affected recipients apart
/// from it (MailMarshal "Could not be delivered because of ... The following
/// recipients were affected:"): the one reply that names no recipient belongs
/// to the listed recipients whose own lines say nothing about a failure.
fn attach_orphan_error(list: &mut Vec<(Draft, bool)>) {
    let orphans: Vec<usize> = (0..list.len())
        .filter(|&i| list[i].0.addr.is_none() && list[i].1)
        .collect();
    if orphans.len() != 1 {
        return;
    }
    let silent = |d: &Draft| {
        d.addr.is_some()
            && classify::text_reason(&d.diagnostic.to_ascii_lowercase()).is_none()
            && !formats::has_reply(&d.diagnostic)
    };
    if !list.iter().any(|(d, coded)| !coded && silent(d)) {
        return;
    }
    let (orphan, _) = list.remove(orphans[0]);
    for (d, coded) in list.iter_mut().filter(|(d, coded)| !*coded && silent(d)) {
        d.context = std::mem::take(&mut d.diagnostic);
        d.diagnostic = orphan.diagnostic.clone();
        d.evidence.extend(orphan.evidence.iter().cloned());
        if d.stage.is_none() {
            d.stage = orphan.stage;
        }
        if d.remote_mta.is_none() {
            d.remote_mta = orphan.remote_mta.clone();
        }
        *coded = true;
    }
}

fn merge_text(list: &mut Vec<(Draft, bool)>, d: Draft, has_code: bool) {
    if let Some(existing) = list
        .iter_mut()
        .find(|(e, _)| e.addr.is_some() && e.addr == d.addr)
    {
        // A transcript reply adds the code to a text block about the same address.
        if !existing.1 && has_code {
            existing.0.diagnostic = format!("{} {}", existing.0.diagnostic, d.diagnostic);
            existing.0.evidence.extend(d.evidence);
            existing.1 = true;
        }
        if existing.0.stage.is_none() {
            existing.0.stage = d.stage;
        }
        return;
    }
    if d.addr.is_none() && list.iter().any(|(e, _)| e.diagnostic == d.diagnostic) {
        return;
    }
    if list.len() < MAX_RECIPIENTS {
        list.push((d, has_code));
    }
}

fn draft_from_lines(
    r: &formats::TextRcpt,
    h: &HumanPart<'_>,
    loc: &Locator<'_>,
    stage: Option<Stage>,
) -> Draft {
    let mut text = String::new();
    let mut evidence = Vec::new();
    // Lines that only introduce the text ("because:") say nothing once the
    // text itself is there.
    let substantive = |t: &str| {
        let rule = t.chars().all(|c| "-=*_#~. ".contains(c));
        let short_lead_in = formats::is_lead_in(t) && text::words(t).count() <= 4;
        !rule && !short_lead_in
    };
    // Drop the address line itself so the diagnostic starts with the reason.
    // (The address is lower-case; the line matches it when its lower-case
    // form is equal.)
    let is_addr = |bare: &str| {
        r.addr.as_deref().is_some_and(|a| {
            !a.bytes().any(|b| b.is_ascii_uppercase()) && bare.eq_ignore_ascii_case(a)
        })
    };
    let cleaned: Vec<&str> = r
        .lines
        .iter()
        .map(|&i| {
            let t = h.lines[i].trimmed();
            let bare = t
                .trim_start_matches(['*', '-', '\u{2022}', ' '])
                .trim_matches(|c| c == '<' || c == '>' || c == ':')
                .trimmed();
            if is_addr(bare) {
                ""
            } else {
                t
            }
        })
        .collect();
    let has_text = cleaned.iter().any(|t| substantive(t));
    text.reserve(cleaned.iter().map(|t| t.len() + 1).sum());
    evidence.reserve(r.lines.len().min(12));
    for (&i, cleaned) in r.lines.iter().zip(cleaned) {
        let mut t = cleaned;
        if has_text && !substantive(t) {
            t = "";
        }
        if !t.is_empty() {
            if !text.is_empty() {
                text.push(' ');
            }
            text.push_str(t);
        }
        if evidence.len() < 12 {
            evidence.push(h.evidence(loc, i));
        }
    }
    let diagnostic = text::squash(&text);
    let lower = diagnostic.to_ascii_lowercase();
    Draft {
        addr: r.addr.clone(),
        remote_mta: formats::remote_mta(&diagnostic, &lower),
        stage: stage.or_else(|| classify::find_stage(&lower)),
        diagnostic,
        evidence,
        ..Draft::default()
    }
}

fn original_header(ex: &parse::Extracted, name: &str) -> Option<String> {
    for s in &ex.segments {
        if s.kind == parse::SegKind::Original {
            for l in text::lines(&s.text) {
                if text::starts_with_ci(l, name) && l.as_bytes().get(name.len()) == Some(&b':') {
                    return Some(l[name.len() + 1..].trimmed().to_string());
                }
            }
        }
    }
    None
}

fn fill_sender(prefill: &mut Prefill, ex: &parse::Extracted, human: Option<&HumanPart<'_>>) {
    if prefill.sender_domain.is_some() {
        return;
    }
    let from_orig = original_header(ex, "return-path")
        .and_then(|v| first_address(&v))
        .or_else(|| original_header(ex, "from").and_then(|v| first_address(&v)));
    let from_text = || {
        // Headers of the original quoted after a marker in a plain-text bounce.
        let h = human?;
        h.lines[h.original?..].iter().take(200).find_map(|l| {
            (text::starts_with_ci(l, "return-path:") || text::starts_with_ci(l, "from:"))
                .then(|| first_address(&l[l.find(':').unwrap_or(0) + 1..]))
                .flatten()
        })
    };
    let to = || ex.header("to").and_then(first_address);
    prefill.sender_domain = from_orig
        .or_else(from_text)
        .or_else(to)
        .and_then(|a| domain_of(&a));
}

fn mail_host_from_text(lower: &str) -> Option<String> {
    const MARKERS: [&str; 4] = [
        "this is the mail system at host ",
        "this is the qmail-send program at ",
        "this is the mail delivery agent at ",
        "this is the dragonfly mail agent v",
    ];
    // The whole text is searched: prepared vectorised searchers.
    static FINDERS: text::Finders = text::Finders::new(&MARKERS);
    for (marker, finder) in MARKERS.iter().zip(FINDERS.get()) {
        if let Some(p) = finder.find(lower.as_bytes()) {
            let rest = &lower[p + marker.len()..];
            let rest = rest.split_once(" at ").map(|x| x.1).unwrap_or(rest);
            let host: String = rest
                .chars()
                .take_while(|c| c.is_ascii_alphanumeric() || *c == '.' || *c == '-')
                .collect();
            let host = host.trim_end_matches('.').to_string();
            if host.contains('.') {
                return Some(host);
            }
        }
    }
    None
}

/// The host name of a Remote-MTA value (`mx.example.net. (192.0.2.1, ...)` → `mx.example.net`).
fn host_only(v: &str) -> Option<String> {
    let h = v
        .split_whitespace()
        .next()?
        .trim_matches(|c| c == '[' || c == ']' || c == '.' || c == ',');
    (!h.is_empty()).then(|| h.to_ascii_lowercase())
}

fn push_ip(ips: &mut Vec<IpAddr>, ip: IpAddr) {
    if !ips.contains(&ip) && ips.len() < 16 {
        ips.push(ip);
    }
}

/// Sending IPs quoted in a rejection: any IP in the text except the remote
/// host's own address in "host name[ip]".
fn collect_ips(text: &str, ips: &mut Vec<IpAddr>) {
    // Every address sought has a digit, a dot and a digit in a row.
    if !text
        .as_bytes()
        .windows(3)
        .any(|w| w[1] == b'.' && w[0].is_ascii_digit() && w[2].is_ascii_digit())
    {
        return;
    }
    use regex::Regex;
    use std::sync::OnceLock;
    static HOST: OnceLock<Regex> = OnceLock::new();
    static IP: OnceLock<Regex> = OnceLock::new();
    let host = rx::cached(
        &HOST,
        r"(?i)(?:host\s+)?[a-z0-9][\w.\-]*\.[a-z]{2,}\.?\s*\[[0-9a-f.:]+\]",
    );
    let ip = rx::cached(
        &IP,
        r"(?:^|[^\d.])(\d{1,3}\.\d{1,3}\.\d{1,3}\.\d{1,3})(?:[^\d.]|\.(?:\D|$)|$)",
    );
    static REMOTE_IP: OnceLock<Regex> = OnceLock::new();
    let remote_ip = rx::cached(
        &REMOTE_IP,
        r"(?i)(?:giving up on |connect to )?\d{1,3}(?:\.\d{1,3}){3}\.? ?(?:does not like|failed after|failed on|but connection died|said:)?",
    );
    let cleaned = host.replace_all(text, " ");
    // qmail names the remote by IP ("192.0.2.1 does not like recipient").
    // Matches found with `find_iter` (the lazy DFA) rather than through
    // captures: only the whole match is needed.
    let mut kept = String::with_capacity(cleaned.len());
    let mut last = 0;
    for m in remote_ip.find_iter(&cleaned) {
        kept.push_str(&cleaned[last..m.start()]);
        let low = m.as_str().to_ascii_lowercase();
        if low.starts_with("giving up on")
            || low.starts_with("connect to")
            || low.ends_with("like")
            || low.contains("failed")
            || low.contains("died")
            || low.ends_with("said:")
        {
            kept.push(' ');
        } else {
            kept.push_str(m.as_str());
        }
        last = m.end();
    }
    kept.push_str(&cleaned[last..]);
    for m in ip.find_iter(&kept) {
        if let Ok(a) = ip_in(m.as_str()).parse::<IpAddr>() {
            push_ip(ips, a);
        }
    }
}

/// The address that a match of `collect_ips`'s IP pattern captured: the
/// digits and dots from its first digit (the character before the address,
/// if any, is neither), without the dots that may follow the address.
fn ip_in(m: &str) -> &str {
    let from = m.find(|c: char| c.is_ascii_digit()).unwrap_or(m.len());
    let run = &m[from..];
    let end = run
        .find(|c: char| !(c.is_ascii_digit() || c == '.'))
        .unwrap_or(run.len());
    run[..end].trim_end_matches('.')
}

fn finish(
    mut d: Draft,
    kb: &KnowledgeBase,
    prefill: &mut Prefill,
    reporters: &str,
) -> RecipientDiagnosis {
    let diag = std::mem::take(&mut d.diagnostic);
    // Some generators put their own summary before the remote server's reply
    // ("5.1.0 - Unknown address error 550-'5.2.2 ... Mailbox Full'"): the
    // quoted reply is the evidence, and its codes are the remote server's.
    let quoted = quoted_remote_reply(&diag);
    let evidence_text = quoted.as_ref().map_or(diag.as_str(), |q| q.1.as_str());
    let lower = formats::without_boilerplate(unfold_reply(&evidence_text.to_ascii_lowercase()));
    let context_lower = formats::without_boilerplate(unfold_reply(&d.context.to_ascii_lowercase()));
    let mut reply = quoted
        .as_ref()
        .map(|q| q.0)
        .or_else(|| classify::find_reply(&diag))
        .or_else(|| classify::find_reply(&d.context));
    let reply_status = quoted
        .as_ref()
        .and_then(|q| classify::find_enhanced(&q.1))
        .or_else(|| classify::find_enhanced(&diag));
    let text_status = reply_status
        .clone()
        .or_else(|| classify::find_enhanced(&d.context));
    let mut status = d.status.clone();
    // The remote server's own code in its reply outranks the Status field
    // (the reporting MTA's summary of it) when both are of the same class.
    if let (Some(s), Some(t)) = (&status, &reply_status) {
        if t != s && !t.ends_with(".0.0") && s[..1] == t[..1] {
            status = Some(t.clone());
        }
    }
    // An expiry that quotes the last refusal ("554 4.4.7 Message expired ...
    // <421 4.4.2 Connection timed out>"): that refusal is what happened.
    if status.as_deref().is_some_and(|s| s.ends_with(".4.7")) {
        if let Some((r, code)) = last_quoted_refusal(&diag) {
            if status.as_deref().is_some_and(|s| s[..1] == code[..1]) {
                status = Some(code);
                reply = Some(r);
            }
        }
    }
    // A generic Status (X.0.0) with a specific code in the reply: the reply says more.
    if let (Some(s), Some(t)) = (&status, &text_status) {
        // Likewise an expiry status (X.4.7) that quotes the last refusal's code.
        let vague = s.ends_with(".0.0") || s.ends_with(".4.7");
        if vague && !t.ends_with(".0.0") && s[..1] == t[..1] {
            status = Some(t.clone());
        }
    }
    if status.is_none() {
        status = text_status;
    }
    let stage = d
        .stage
        .or_else(|| classify::find_stage(&lower))
        .or_else(|| classify::find_stage(&context_lower));
    let hosts = [
        d.remote_mta.as_deref().map(str::to_ascii_lowercase),
        d.addr.as_deref().and_then(domain_of),
        Some(reporters.to_string()),
    ]
    .into_iter()
    .flatten()
    .collect::<Vec<_>>()
    .join(" ");
    let reason = classify::classify(&classify::Facts {
        status: status.as_deref(),
        reply,
        text: &lower,
        context: &context_lower,
        stage,
        action: d.action.as_deref(),
        diag_type: d.diag_type.as_deref(),
        hosts: &hosts,
    });
    // Google Groups answers for a group that refused the post (it does not
    // exist, or the sender may not post): the sender is what was refused.
    let reason = if matches!(reason, Reason::OnHold | Reason::Undefined)
        && d.addr
            .as_deref()
            .is_some_and(|a| a.ends_with("@googlegroups.com"))
    {
        Reason::Rejected
    } else {
        reason
    };
    let mut inferred = false;
    if status.is_none() {
        let class = match (reply, d.action.as_deref()) {
            (Some(r), _) => Some((b'0' + (r / 100) as u8) as char),
            (None, Some(a)) if a.starts_with("delayed") => Some('4'),
            (None, Some(a)) if a.starts_with("delivered") || a.starts_with("relayed") => Some('2'),
            _ if reason == Reason::Delivered => Some('2'),
            _ if lower.contains("temporar") || lower.contains("warning only") => Some('4'),
            _ => Some('5'),
        };
        status = class
            .filter(|c| matches!(c, '2' | '4' | '5'))
            .map(|c| format!("{c}.0.0"));
        inferred = status.is_some();
    }
    let permanent =
        status.as_deref().is_some_and(|s| s.starts_with('5')) && !lower.contains("temporar");
    let temporary = status.as_deref().is_some_and(|s| s.starts_with('4'));
    collect_ips(&diag, &mut prefill.ips);

    // Knowledge-base entries: text matches first, then the enhanced code, then the reply code.
    let mut ids: Vec<String> = Vec::new();
    let mut add = |i: usize| {
        if let Some(e) = kb.entries.get(i) {
            if !ids.contains(&e.id) && ids.len() < 8 {
                ids.push(e.id.clone());
            }
        }
    };
    for i in kb.matching_entries(&diag.to_lowercase()) {
        add(i);
    }
    // By code, only the general meaning: entries of particular providers that
    // share the code would be noise unless their own text matched above.
    if let Some(s) = status.as_deref().filter(|_| !inferred) {
        for &i in kb.general_for_code(s) {
            add(i);
        }
    }
    if let Some(r) = reply {
        for &i in kb.general_for_code(&r.to_string()) {
            add(i);
        }
    }
    let mut evidence = d.evidence;
    evidence.sort_by_key(|e| e.line);
    evidence.dedup();
    let diagnostic = (!diag.is_empty()).then(|| clip(sanitize(&diag)));
    RecipientDiagnosis {
        recipient: d.addr.map(|a| sanitize(&a)),
        action: d.action.map(|a| sanitize(&a)),
        status,
        reply_code: reply,
        reason,
        hard: reason.is_hard(permanent),
        acts: actor::actors(reason, stage, temporary),
        remote_mta: d.remote_mta.map(|m| sanitize(&m)),
        diagnostic,
        kb: ids,
        evidence,
    }
}

/// The remote reply quoted after a generator's own status summary:
/// `5.1.0 - Unknown address error 550-'5.7.1 ... Access denied' (delivery
/// attempts: 0)` gives (550, `5.7.1 ... Access denied`).
fn quoted_remote_reply(diag: &str) -> Option<(u16, String)> {
    use regex::Regex;
    use std::sync::OnceLock;
    static RE: OnceLock<Regex> = OnceLock::new();
    let re = rx::cached(
        &RE,
        r"^[245]\.\d{1,3}\.\d{1,3} - [^']*?\b([245]\d\d)[ \-]'([^']*)'?",
    );
    // The summary opens with its own status code.
    if !matches!(diag.as_bytes(), [b'2' | b'4' | b'5', b'.', ..]) {
        return None;
    }
    let c = re.caps(diag)?;
    Some((c[1].parse().ok()?, c[2].trimmed().to_string()))
}

/// The last reply quoted in angle brackets after an expiry notice:
/// `... unable to deliver in 840 minutes.<421 4.4.2 Connection timed out>`.
fn last_quoted_refusal(diag: &str) -> Option<(u16, String)> {
    use regex::Regex;
    use std::sync::OnceLock;
    static RE: OnceLock<Regex> = OnceLock::new();
    let re = rx::cached(&RE, r"<([245]\d\d)[ \-]([245]\.\d{1,3}\.\d{1,3})\b");
    let c = re.captures_iter(diag).last()?;
    Some((c[1].parse().ok()?, c[2].to_string()))
}

/// The lines of a bounce in an unknown layout that say why it failed: those
/// with a reply code or a known failure wording, before the original message.
fn generic_text(human: &[HumanPart<'_>], loc: &Locator<'_>) -> Option<Draft> {
    let h = human.first()?;
    let body: Vec<usize> = (0..h.limit())
        .filter(|&i| !h.lines[i].trimmed().is_empty())
        .take(200)
        .collect();
    let mut picked: Vec<usize> = body
        .iter()
        .copied()
        .filter(|&i| {
            let l = h.lines[i];
            formats::has_reply(l) || classify::text_reason(&l.to_ascii_lowercase()).is_some()
        })
        .take(12)
        .collect();
    // No line says why: show where the text starts, but state no reason —
    // a boilerplate sentence ("could not be delivered to one or more
    // recipients") is not a diagnostic.
    let vague = picked.is_empty();
    if vague {
        picked = body.into_iter().take(6).collect();
    }
    if picked.is_empty() {
        return None;
    }
    let text = text::squash(
        &picked
            .iter()
            .map(|&i| h.lines[i].trimmed())
            .collect::<Vec<_>>()
            .join(" "),
    );
    let lower = text.to_ascii_lowercase();
    Some(Draft {
        evidence: picked.iter().map(|&i| h.evidence(loc, i)).collect(),
        remote_mta: formats::remote_mta(&text, &lower),
        stage: classify::find_stage(&lower),
        diagnostic: if vague { String::new() } else { text },
        ..Draft::default()
    })
}

/// The To of the original message: from an attached copy, or from the
/// headers quoted after the original-message marker.
fn original_recipient(ex: &parse::Extracted, human: Option<&HumanPart<'_>>) -> Option<String> {
    if let Some(to) = original_header(ex, "to").and_then(|v| first_address(&v)) {
        return Some(to);
    }
    let h = human?;
    h.lines[h.original?..].iter().take(200).find_map(|l| {
        text::starts_with_ci(l.trimmed_start(), "to:")
            .then(|| first_address(&l.trimmed_start()[3..]))
            .flatten()
    })
}

/// Amazon SES event notifications (SNS JSON): bounce, complaint or delivery.
fn ses_json(text: &str, seg: usize, loc: &Locator<'_>) -> Option<(MessageKind, Vec<Draft>)> {
    let start = text.find('{')?;
    let end = text.rfind('}')?;
    if end <= start {
        return None;
    }
    // SNS wraps long lines; the JSON is one line once the breaks are removed.
    let body = &text[start..=end];
    let v: serde_json::Value = serde_json::from_str(body)
        .or_else(|_| serde_json::from_str(&body.replace('\n', "")))
        .ok()?;
    // An SNS envelope ({"Type": "Notification", "Message": "..."}) carries the
    // notification as a JSON string.
    let v = match v.get("Message").and_then(|m| m.as_str()) {
        Some(inner) if v.get("notificationType").is_none() => serde_json::from_str(inner).ok()?,
        _ => v,
    };
    let kind = v
        .get("notificationType")
        .or_else(|| v.get("eventType"))?
        .as_str()?
        .to_ascii_lowercase();
    let str_of =
        |o: &serde_json::Value, k: &str| o.get(k).and_then(|x| x.as_str()).map(|s| s.to_string());
    let ev_for = |needle: &str| -> Vec<Evidence> {
        text.lines()
            .enumerate()
            .find(|(_, l)| l.contains(needle))
            .map(|(i, l)| vec![loc.find(seg, i, l)])
            .unwrap_or_default()
    };
    let mut drafts = Vec::new();
    match kind.as_str() {
        "bounce" => {
            let b = v.get("bounce")?;
            let mta = str_of(b, "reportingMTA").map(|m| dsn::typed_value(&m).to_string());
            for r in b
                .get("bouncedRecipients")?
                .as_array()?
                .iter()
                .take(MAX_RECIPIENTS)
            {
                let addr = str_of(r, "emailAddress").and_then(|a| dsn::clean_address(&a));
                let diag = str_of(r, "diagnosticCode")
                    .map(|d| dsn::typed_value(&d).to_string())
                    .unwrap_or_default();
                drafts.push(Draft {
                    evidence: addr.as_deref().map(ev_for).unwrap_or_default(),
                    addr,
                    action: str_of(r, "action"),
                    status: str_of(r, "status").and_then(|s| classify::find_enhanced(&s)),
                    diagnostic: text::squash(&diag),
                    remote_mta: mta.clone(),
                    ..Draft::default()
                });
            }
            Some((MessageKind::Bounce, drafts))
        }
        "complaint" => {
            let c = v.get("complaint")?;
            for r in c
                .get("complainedRecipients")?
                .as_array()?
                .iter()
                .take(MAX_RECIPIENTS)
            {
                let addr = str_of(r, "emailAddress").and_then(|a| dsn::clean_address(&a));
                drafts.push(Draft {
                    evidence: addr.as_deref().map(ev_for).unwrap_or_default(),
                    addr,
                    ..Draft::default()
                });
            }
            Some((MessageKind::Feedback, drafts))
        }
        "delivery" => {
            let d = v.get("delivery")?;
            let resp = str_of(d, "smtpResponse").unwrap_or_default();
            for r in d.get("recipients")?.as_array()?.iter().take(MAX_RECIPIENTS) {
                let addr = r.as_str().and_then(dsn::clean_address);
                drafts.push(Draft {
                    evidence: addr.as_deref().map(ev_for).unwrap_or_default(),
                    addr,
                    action: Some("delivered".into()),
                    status: classify::find_enhanced(&resp),
                    diagnostic: text::squash(&resp),
                    remote_mta: str_of(d, "remoteMtaIp"),
                    ..Draft::default()
                });
            }
            Some((MessageKind::Bounce, drafts))
        }
        _ => None,
    }
}

/// Join a multi-line SMTP reply into one sentence for matching: the repeated
/// `550-5.7.1` prefixes of continuation lines are dropped after the first.
fn unfold_reply(text: &str) -> String {
    // The first reply code stays; later continuation prefixes go.
    let b = text.as_bytes();
    let Some((_, first)) = reply_prefix(b, 0) else {
        return text.to_string();
    };
    let mut out = String::with_capacity(text.len());
    out.push_str(&text[..first]);
    let mut last = first;
    while let Some((start, end)) = reply_prefix(b, last) {
        out.push_str(&text[last..start]);
        out.push(' ');
        last = end;
    }
    out.push_str(&text[last..]);
    out
}

/// The first reply prefix from `from` on, as the pattern
/// `\s[245]\d\d[ \-](?:[245]\.\d{1,3}\.\d{1,3}\s)?` finds it (by hand:
/// asked of every failure text): its start and end.
fn reply_prefix(b: &[u8], from: usize) -> Option<(usize, usize)> {
    // Counting a fourth digit is enough to refuse a longer run.
    let digits = |i: usize| rx::hand::digits(b, i, 4);
    let mut k = from;
    while let Some(off) = memchr::memchr3(b'2', b'4', b'5', &b[k..]) {
        let d = k + off;
        k = d + 1;
        let code = d > from
            && text::is_space(b[d - 1])
            && b.get(d + 1).is_some_and(u8::is_ascii_digit)
            && b.get(d + 2).is_some_and(u8::is_ascii_digit)
            && matches!(b.get(d + 3), Some(b' ' | b'-'));
        if !code {
            continue;
        }
        let mut end = d + 4;
        // `[245]\.\d{1,3}\.\d{1,3}\s`: each run of digits whole (a longer
        // one leaves a digit where the dot or space must be).
        if matches!(b.get(end), Some(b'2' | b'4' | b'5')) && b.get(end + 1) == Some(&b'.') {
            let n1 = digits(end + 2);
            let dot = end + 2 + n1;
            if (1..=3).contains(&n1) && b.get(dot) == Some(&b'.') {
                let n2 = digits(dot + 1);
                let sp = dot + 1 + n2;
                if (1..=3).contains(&n2) && b.get(sp).is_some_and(|&c| text::is_space(c)) {
                    end = sp + 1;
                }
            }
        }
        return Some((d - 1, end));
    }
    None
}

#[cfg(test)]
mod raw_lines_tests {
    use super::RawLines;

    #[test]
    fn lines_are_those_of_a_split_at_newlines() {
        for t in [
            "",
            "a",
            "a\n",
            "a\nb",
            "\n\n",
            "a\r\n\nb\n",
            "é\nü",
            "ab\nb\nab\nb",
        ] {
            let raw = RawLines::new(t);
            let split: Vec<&str> = t.split('\n').collect();
            // Asked out of order, as evidence lookups do.
            assert_eq!(raw.get(split.len() + 1), None, "{t:?}");
            assert_eq!(raw.get(0), None);
            let got: Vec<&str> = raw.range(1, usize::MAX).map(|(_, l)| l).collect();
            assert_eq!(got, split, "{t:?}");
            // One search from line `lo` finds what a search per line finds.
            for needle in split.iter().filter(|l| !l.is_empty()) {
                let finder = memchr::memmem::Finder::new(needle.as_bytes());
                for lo in 0..=split.len() + 1 {
                    for hi in [lo, lo + 1, usize::MAX] {
                        let per_line = raw
                            .range(lo, hi)
                            .find(|(_, l)| l.contains(*needle))
                            .map(|(n, _)| n);
                        assert_eq!(raw.find_line(lo, hi, &finder), per_line, "{t:?} {lo} {hi}");
                    }
                }
            }
            let numbers: Vec<usize> = raw.range(2, 3).map(|(n, _)| n).collect();
            assert_eq!(numbers, (2..=split.len().min(3)).collect::<Vec<_>>());
        }
    }
}

/// The hand-written readers give what the regexes they replace give.
#[cfg(test)]
mod hand_reader_tests {
    use super::*;
    use crate::diagnose::rx::oracle::same;

    #[test]
    fn reply_prefix_finds_what_its_regex_finds() {
        let re = rx::new(r"\s[245]\d\d[ \-](?:[245]\.\d{1,3}\.\d{1,3}\s)?").unwrap();
        same(
            &[
                "",
                " 550 x",
                "550 x",
                "a 550-5.1.1 b 550-5.1.1 c",
                " 550-5.1.1x",
                " 550 5.1234.5 x",
                " 550 5.1.1234 x",
                " 550 5.12.123\t",
                " 5501 x",
                "\t421-4.7.0\n",
                "  550  550 ",
                " 550 5.1.1",
            ],
            &[
                "550", "421", "252", " ", "\t", "-", "5.1.1", "4.7.0", ".", "1", "12", "1234", "x",
                "\u{e9}",
            ],
            (2000, 300),
            |t| {
                let mut spans = Vec::new();
                let mut from = 0;
                while let Some((s, e)) = reply_prefix(t.as_bytes(), from) {
                    spans.push((s, e));
                    from = e;
                }
                (!spans.is_empty()).then_some(spans)
            },
            |t| {
                let spans: Vec<(usize, usize)> =
                    re.find_iter(t).map(|m| (m.start(), m.end())).collect();
                (!spans.is_empty()).then_some(spans)
            },
        );
    }

    #[test]
    fn ip_in_is_the_captured_group() {
        let re =
            rx::new(r"(?:^|[^\d.])(\d{1,3}\.\d{1,3}\.\d{1,3}\.\d{1,3})(?:[^\d.]|\.(?:\D|$)|$)")
                .unwrap();
        same(
            &[
                "",
                "1.2.3.4",
                "x1.2.3.4.",
                "x1.2.3.4..",
                "[192.0.2.1]",
                "1.2.3.4.5",
                "1234.2.3.4 ",
                "a 10.0.0.1.x",
            ],
            &[
                "1", "192", "0", "2", "1234", ".", "..", " ", "[", "]", "x", "\u{e9}",
            ],
            (1000, 100),
            |t| {
                let v: Vec<String> = re
                    .find_iter(t)
                    .map(|m| ip_in(m.as_str()).to_string())
                    .collect();
                (!v.is_empty()).then_some(v)
            },
            |t| {
                let v: Vec<String> = re.captures_iter(t).map(|c| c[1].to_string()).collect();
                (!v.is_empty()).then_some(v)
            },
        );
    }
}

#[cfg(test)]
mod quoted_tests {
    use super::{last_quoted_refusal, quoted_remote_reply};

    #[test]
    fn expiry_names_the_last_refusal() {
        assert_eq!(
            last_quoted_refusal(
                "554 4.4.7 Message expired: unable to deliver in 840 minutes.<421 4.4.2 Connection timed out>"
            ),
            Some((421, "4.4.2".to_string()))
        );
        assert_eq!(
            last_quoted_refusal("550 4.4.7 QUEUE.Expired; message expired"),
            None
        );
    }

    #[test]
    fn generator_summary_is_set_aside() {
        let q = quoted_remote_reply(
            "5.1.0 - Unknown address error 550-'5.2.2 <a@example.org>... Mailbox Full' (delivery attempts: 0)",
        );
        assert_eq!(
            q,
            Some((550, "5.2.2 <a@example.org>... Mailbox Full".to_string()))
        );
        assert_eq!(quoted_remote_reply("550 5.1.1 user unknown"), None);
    }
}
