//! Input handling: line endings, binary detection, mbox splitting, MIME
//! extraction (our reader in `mime.rs` for plainly formed messages, mail-parser
//! for the rest), quoted forwards, and sanitising text for output.

use crate::diagnose::text::Trimmed;
use std::ops::Range;

use mail_parser::{MessageParser, MimeHeaders, PartType};

use super::mime;

/// At most this many MIME parts are examined per message (memory bound).
const MAX_PARTS: usize = 512;

/// Replace CRLF and bare CR with LF, so line numbers and parsing do not
/// depend on the line-ending convention of the input. Input without a CR
/// (the usual case) is returned as it is, not copied.
pub(crate) fn normalise(input: &[u8]) -> std::borrow::Cow<'_, [u8]> {
    let Some(first) = memchr::memchr(b'\r', input) else {
        return std::borrow::Cow::Borrowed(input);
    };
    // Copy the runs between CRs whole.
    let mut out = Vec::with_capacity(input.len());
    out.extend_from_slice(&input[..first]);
    let mut rest = &input[first..];
    while let Some(p) = memchr::memchr(b'\r', rest) {
        out.extend_from_slice(&rest[..p]);
        out.push(b'\n');
        let skip = if rest.get(p + 1) == Some(&b'\n') {
            2
        } else {
            1
        };
        rest = &rest[p + skip..];
    }
    out.extend_from_slice(rest);
    std::borrow::Cow::Owned(out)
}

/// Bytes as text, invalid UTF-8 replaced; valid input (the usual case) is
/// checked by the fast validator and borrowed, not copied.
pub(crate) fn lossy(bytes: &[u8]) -> std::borrow::Cow<'_, str> {
    match std::str::from_utf8(bytes) {
        Ok(s) => std::borrow::Cow::Borrowed(s),
        Err(_) => String::from_utf8_lossy(bytes),
    }
}

/// True when the input is binary data rather than mail text: NUL bytes, or
/// many control characters that no mail or terminal text would contain.
pub(crate) fn looks_binary(input: &[u8]) -> bool {
    if memchr::memchr(0, input).is_some() {
        return true;
    }
    let sample = &input[..input.len().min(64 * 1024)];
    let too_many = |controls: usize| controls * 20 > sample.len().max(1);
    // This runs over every input, so first a cheap bound: bytes below 0x20
    // that are not line breaks (one vectorised comparison, and memchr's
    // count). Mail text is far below it.
    let low: usize = sample
        .chunks(255)
        .map(|c| c.iter().map(|&b| u8::from(b < 0x20)).sum::<u8>() as usize)
        .sum();
    let breaks = memchr::memchr_iter(b'\n', sample).count();
    if !too_many(low - breaks) {
        return false;
    }
    // The exact count: tabs, carriage returns, form feeds and escapes are
    // text too (invalid UTF-8 alone is fine: legacy charsets).
    let text = [b'\t', b'\r', 0x0c, 0x1b];
    let allowed: usize = (text.iter())
        .map(|&t| memchr::memchr_iter(t, sample).count())
        .sum();
    too_many(low - breaks - allowed)
}

/// Split an mbox into messages: (first line number, bytes). Input that is not
/// an mbox is one message starting at line 1.
pub(crate) fn split_mbox(text: &[u8]) -> Vec<(usize, &[u8])> {
    if !text.starts_with(b"From ") {
        return vec![(1, text)];
    }
    let mut out = Vec::new();
    let mut start = 0usize;
    let mut start_line = 1usize;
    let mut line_no = 1usize;
    let mut pos = 0usize;
    let mut prev_blank = true;
    while pos < text.len() {
        let end = memchr_nl(text, pos);
        let line = &text[pos..end];
        // Some writers put no blank line before the next message's From_
        // line; a full envelope line (sender and asctime date) is still one.
        if pos > 0 && is_mbox_separator(line) && (prev_blank || is_envelope_line(line)) {
            out.push((start_line, &text[start..pos]));
            start = pos;
            start_line = line_no;
        }
        prev_blank = line.iter().all(|b| b.is_ascii_whitespace());
        pos = end + 1;
        line_no += 1;
    }
    out.push((start_line, &text[start..]));
    // Drop the "From " envelope line of each message: it is not a header.
    out.into_iter()
        .map(|(l, m)| {
            if m.starts_with(b"From ") {
                let e = memchr_nl(m, 0);
                (l + 1, &m[(e + 1).min(m.len())..])
            } else {
                (l, m)
            }
        })
        .filter(|(_, m)| !m.iter().all(|b| b.is_ascii_whitespace()))
        .collect()
}

/// `From sender Thu Jul  2 12:05:05 2020`: the From_ line with the date in
/// asctime form, which no sentence of a message body looks like.
fn is_envelope_line(line: &[u8]) -> bool {
    let Ok(text) = std::str::from_utf8(line) else {
        return false;
    };
    let w: Vec<&str> = text.split_whitespace().collect();
    let day = |s: &str| ["Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"].contains(&s);
    let month = |s: &str| {
        [
            "Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec",
        ]
        .contains(&s)
    };
    let num = |s: &str| !s.is_empty() && s.bytes().all(|b| b.is_ascii_digit());
    let time = |s: &str| s.len() >= 5 && s.split(':').all(num) && s.matches(':').count() >= 1;
    w.len() >= 7
        && w[0] == "From"
        && day(w[2])
        && month(w[3])
        && num(w[4])
        && time(w[5])
        && w[6..].iter().any(|y| y.len() == 4 && num(y))
}

fn is_mbox_separator(line: &[u8]) -> bool {
    // "From sender date": a From_ line has at least a second word after the sender.
    line.starts_with(b"From ") && line.len() > 6 && line[5..].contains(&b' ')
}

fn memchr_nl(text: &[u8], from: usize) -> usize {
    memchr::memchr(b'\n', &text[from..])
        .map(|p| from + p)
        .unwrap_or(text.len())
}

/// Make text safe to print: escape sequences and control characters are shown
/// as visible `\xNN` escapes instead of reaching a terminal raw; tabs become spaces.
pub fn sanitize(s: &str) -> String {
    // Most text is printable ASCII already: checked a block at a time
    // without an early exit, so the check is vectorised.
    let printable = |c: &[u8]| {
        c.iter()
            .fold(0u8, |bad, &b| bad | u8::from(b.wrapping_sub(0x20) >= 0x5f))
            == 0
    };
    if s.as_bytes().chunks(64).all(printable) {
        return s.to_string();
    }
    let bytes = s.as_bytes();
    let mut out = String::with_capacity(s.len());
    // Runs of ordinary text are copied whole. Only these bytes can start a
    // character that needs care: C0 controls, DEL, the lead byte of the C1
    // controls (U+0080..U+009F) and of the bidirectional controls (U+202A..).
    let mut run = 0;
    let mut i = 0;
    while i < bytes.len() {
        let b = bytes[i];
        if b >= 0x20 && b != 0x7f && b != 0xc2 && b != 0xe2 {
            i += 1;
            continue;
        }
        let Some(c) = s[i..].chars().next() else {
            break;
        };
        let next = i + c.len_utf8();
        let bidi = matches!(c, '\u{202a}'..='\u{202e}' | '\u{2066}'..='\u{2069}');
        if c == '\t' || c.is_control() || bidi {
            out.push_str(&s[run..i]);
            run = next;
            if c == '\t' {
                out.push(' ');
            } else if c.is_control() {
                const HEX: &[u8; 16] = b"0123456789ABCDEF";
                let v = c as u32 & 0xff;
                out.push_str("\\x");
                out.push(HEX[(v >> 4) as usize] as char);
                out.push(HEX[(v & 0xf) as usize] as char);
            }
            // Bidirectional overrides can disguise text in a terminal: dropped.
        }
        i = next;
    }
    out.push_str(&s[run..]);
    out
}

/// Kind of a piece of text found in a message.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum SegKind {
    /// Human-readable text of the bounce (or a non-MIME body).
    Human,
    /// A message/delivery-status body (RFC 3464 fields).
    DeliveryStatus,
    /// A message/feedback-report body (RFC 5965).
    Feedback,
    /// Headers of the original message (text/rfc822-headers or a message/rfc822 part).
    Original,
}

/// A decoded piece of text plus where it sits in the input.
#[derive(Debug, Clone)]
pub(crate) struct Segment {
    pub kind: SegKind,
    pub text: String,
    /// 1-based line (in the whole input) where this text starts.
    pub start_line: usize,
    /// 1-based last line (inclusive) of this text in the input.
    pub end_line: usize,
}

/// What we take out of one message.
#[derive(Debug, Default)]
pub(crate) struct Extracted {
    /// Top-level headers, read through [`Extracted::header`].
    headers: Headers,
    /// Decoded Subject.
    pub subject: Option<String>,
    /// report-type parameter of a multipart/report.
    pub report_type: Option<String>,
    /// Text pieces in message order.
    pub segments: Vec<Segment>,
    /// Original message found attached (for forwarded bounces as attachment),
    /// with the input line where its copy starts (exact when the attachment
    /// is stored verbatim; the part's first line when it had to be decoded).
    pub attached: Vec<(Vec<u8>, usize)>,
}

impl Extracted {
    /// First value of a header (name lower-case), unfolded and with RFC 2047
    /// words decoded.
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers.get(name)
    }
}

/// The top-level header fields as the parser split them. Only a handful are
/// ever asked for, so values are unfolded and decoded on first use rather
/// than for every field of every message.
#[derive(Debug, Default)]
struct Headers {
    /// Text holding the names and raw values.
    buf: String,
    /// Per field: its name and raw value as ranges of `buf`, and the
    /// decoded value once asked for.
    fields: Vec<(Range<usize>, Range<usize>, std::cell::OnceCell<String>)>,
}

impl Headers {
    fn push(&mut self, name: &str, value: &str) {
        let start = self.buf.len();
        self.buf.push_str(name);
        let name_end = self.buf.len();
        self.buf.push_str(value);
        self.fields.push((
            start..name_end,
            name_end..self.buf.len(),
            std::cell::OnceCell::new(),
        ));
    }

    fn get(&self, name: &str) -> Option<&str> {
        self.fields.iter().find_map(|(n, v, decoded)| {
            let n = &self.buf.as_bytes()[n.clone()];
            // Field names match case-insensitively; `name` is lower-case.
            let same = n.len() == name.len()
                && n.iter()
                    .zip(name.as_bytes())
                    .all(|(a, b)| a.to_ascii_lowercase() == *b);
            same.then(|| {
                decoded
                    .get_or_init(|| unfold(&decode_words(&self.buf[v.clone()])))
                    .as_str()
            })
        })
    }
}

/// Byte offset → 1-based line number within a message slice. Only a few
/// offsets per message are asked for, mostly in increasing order, so lines
/// are counted on demand from the last answer instead of indexing them all.
struct LineCounter<'a> {
    text: &'a [u8],
    /// Last offset asked for and its 0-based line.
    at: std::cell::Cell<(usize, usize)>,
}

impl<'a> LineCounter<'a> {
    fn new(text: &'a [u8]) -> LineCounter<'a> {
        LineCounter {
            text,
            at: std::cell::Cell::new((0, 0)),
        }
    }
    fn line(&self, offset: usize) -> usize {
        let offset = offset.min(self.text.len());
        let (from, line) = self.at.get();
        let line = if offset >= from {
            line + memchr::memchr_iter(b'\n', &self.text[from..offset]).count()
        } else {
            line - memchr::memchr_iter(b'\n', &self.text[offset..from]).count()
        };
        self.at.set((offset, line));
        line + 1
    }
}

/// True when the text begins with something that looks like a header block.
fn starts_with_headers(msg: &[u8]) -> bool {
    let first = msg
        .split(|&b| b == b'\n')
        .find(|l| !l.iter().all(|b| b.is_ascii_whitespace()));
    let Some(first) = first else { return false };
    let Some(colon) = first.iter().position(|&b| b == b':') else {
        return false;
    };
    colon > 0
        && first[..colon]
            .iter()
            .all(|&b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_')
}

/// The MIME parser, set up to decode only what [`extract`] reads: the MIME
/// headers (needed to find and decode the parts) and Subject. Every other
/// header is skipped: we read those through their raw bytes, and structured
/// parsing of Received, addresses, dates and message ids (or even a copy of
/// each raw value) was a good part of the parsing time.
fn parser() -> &'static MessageParser {
    static PARSER: std::sync::OnceLock<MessageParser> = std::sync::OnceLock::new();
    PARSER.get_or_init(|| {
        MessageParser::new()
            .with_mime_headers()
            .header_text(mail_parser::HeaderName::Subject)
            .default_header_ignore()
    })
}

/// The header fields of a plainly formed header block: every field starts
/// with a name of letters, digits, `-` or `_` directly followed by a colon,
/// continuation lines start with a space or a tab, and an empty line ends the
/// block. For such a block mail-parser splits the fields exactly as here;
/// anything else is left to it.
pub(super) struct Fields {
    /// Per field: start, colon and end (after its last newline) in the message.
    pub fields: Vec<(usize, usize, usize)>,
    /// Offset of the body (after the empty line).
    pub body_start: usize,
}

/// Bytes of a plainly formed field name: letters, digits, `-` and `_`.
static NAME_BYTE: [bool; 256] = {
    let mut t = [false; 256];
    let mut b = 0;
    while b < 256 {
        let c = b as u8;
        t[b] = c.is_ascii_alphanumeric() || c == b'-' || c == b'_';
        b += 1;
    }
    t
};

/// The plainly formed header block starting at `from`, or None.
pub(super) fn fields_at(msg: &[u8], from: usize) -> Option<Fields> {
    let mut fields = Vec::with_capacity(16);
    let mut pos = from;
    loop {
        match msg.get(pos) {
            Some(b'\n') => {
                return Some(Fields {
                    fields,
                    body_start: pos + 1,
                })
            }
            None => return None,
            Some(_) => {}
        }
        let name_len = msg[pos..].iter().position(|&b| !NAME_BYTE[b as usize])?;
        let colon = pos + name_len;
        if name_len == 0 || msg[colon] != b':' {
            return None;
        }
        let mut end = colon + 1;
        loop {
            end += memchr::memchr(b'\n', &msg[end..])? + 1;
            if !matches!(msg.get(end), Some(b' ' | b'\t')) {
                break;
            }
        }
        fields.push((pos, colon, end));
        pos = end;
    }
}

impl Fields {
    /// The message with only the header fields mail-parser acts on (MIME
    /// fields and Subject), and the shift to apply to offsets from the body
    /// on: (first body offset in the reduced text, bytes removed before it).
    /// None when there is nothing to leave out.
    fn reduced(&self, msg: &[u8]) -> Option<(Vec<u8>, (usize, usize))> {
        const KEPT: [&[u8]; 7] = [
            b"subject",
            b"content-type",
            b"content-transfer-encoding",
            b"content-disposition",
            b"content-id",
            b"content-description",
            b"content-location",
        ];
        let kept = |&&(start, colon, _): &&(usize, usize, usize)| {
            let name = &msg[start..colon];
            matches!(name[0], b's' | b'S' | b'c' | b'C')
                && KEPT.iter().any(|k| name.eq_ignore_ascii_case(k))
        };
        let kept_len: usize = self.fields.iter().filter(kept).map(|f| f.2 - f.0).sum();
        // The empty line that ends the block stays with the body.
        let block_end = self.body_start - 1;
        if kept_len == block_end {
            return None;
        }
        let mut out = Vec::with_capacity(kept_len + msg.len() - block_end);
        for &(start, _, end) in self.fields.iter().filter(kept) {
            out.extend_from_slice(&msg[start..end]);
        }
        out.extend_from_slice(&msg[block_end..]);
        Some((out, (kept_len + 1, block_end - kept_len)))
    }
}

/// Extract headers and text segments from one (normalised) message.
/// `first_line` is the message's first line within the whole input.
pub(crate) fn extract(msg: &[u8], first_line: usize) -> Extracted {
    extract_from(msg, first_line, true)
}

/// [`extract`], with our own reading of plainly formed messages (the
/// top-level header block, and the parts when [`mime::read`] can) switched
/// on or off (off only to test that both ways give the same result).
fn extract_from(msg: &[u8], first_line: usize, own: bool) -> Extracted {
    let lines = LineCounter::new(msg);
    let whole = |kind| Segment {
        kind,
        text: lossy(msg).into_owned(),
        start_line: first_line,
        end_line: first_line + memchr::memchr_iter(b'\n', msg).count(),
    };
    if !starts_with_headers(msg) {
        let mut ex = Extracted::default();
        ex.segments.push(whole(SegKind::Human));
        return ex;
    }
    let to_line = |off: usize| first_line + lines.line(off).saturating_sub(1);
    let top = fields_at(msg, 0).filter(|_| own);
    let plain = top.as_ref().and_then(|t| mime::read(msg, t));
    let mut ex = match (&top, plain) {
        (Some(t), Some(plain)) => {
            let mut ex = Extracted::default();
            top_headers(&mut ex, msg, t);
            ex.subject = subject(msg, t);
            ex.report_type = plain.report_type;
            for part in plain.parts.into_iter().take(MAX_PARTS) {
                let body = match part.content {
                    mime::Content::Text(t) => Body::Text(t),
                    mime::Content::Html(t) => Body::Html(t),
                    mime::Content::Bytes(b) => Body::Bytes(b),
                    mime::Content::Skipped => continue,
                    mime::Content::Message { headers, raw } => Body::Message {
                        headers: header_text(headers.iter().copied()),
                        raw: (ex.attached.len() < 4)
                            .then(|| (msg[raw.clone()].to_vec(), to_line(raw.start))),
                    },
                };
                let span = (to_line(part.body.start), to_line(part.body.end));
                add_part(&mut ex, PartKind::of(part.ctype, part.subtype), span, body);
            }
            ex
        }
        _ => match parse_with_parser(msg, top.as_ref(), &to_line) {
            Some(ex) => ex,
            None => {
                let mut ex = Extracted::default();
                ex.segments.push(whole(SegKind::Human));
                return ex;
            }
        },
    };
    // Header-only input (e.g. pasted DSN fields) has no body: scan the headers.
    if ex.segments.iter().all(|s| s.text.trimmed().is_empty()) {
        ex.segments.clear();
        ex.segments.push(whole(SegKind::Human));
    }
    ex
}

/// Keep the top-level header fields read by [`fields_at`].
fn top_headers(ex: &mut Extracted, msg: &[u8], t: &Fields) {
    match std::str::from_utf8(&msg[..t.body_start]) {
        // Field bounds are ASCII bytes, so they cut the block's text cleanly.
        Ok(block) => {
            ex.headers.buf = block.to_string();
            ex.headers.fields = (t.fields.iter())
                .map(|&(start, colon, end)| (start..colon, colon + 1..end, Default::default()))
                .collect();
        }
        Err(_) => {
            for &(start, colon, end) in &t.fields {
                // Like mail-parser's raw headers: values that are not UTF-8 are left out.
                if let Ok(value) = std::str::from_utf8(&msg[colon + 1..end]) {
                    ex.headers.push(lossy(&msg[start..colon]).as_ref(), value);
                }
            }
        }
    }
}

/// The decoded Subject, as mail-parser gives it: the last Subject field,
/// each of its lines trimmed of blanks and joined with a space. Encoded
/// words and text that is not UTF-8 are left to mail-parser, handed that
/// field alone.
fn subject(msg: &[u8], t: &Fields) -> Option<String> {
    let &(_, colon, end) = (t.fields.iter())
        .rev()
        .find(|&&(start, colon, _)| msg[start..colon].eq_ignore_ascii_case(b"subject"))?;
    let raw = &msg[colon + 1..end];
    let plain = std::str::from_utf8(raw).ok().filter(|v| !v.contains("=?"));
    let Some(value) = plain else {
        return parsed_subject(raw);
    };
    let mut out = String::with_capacity(value.len());
    for line in value.split('\n') {
        let line = line.trim_matches([' ', '\t', '\r']);
        if line.is_empty() {
            continue;
        }
        if !out.is_empty() {
            out.push(' ');
        }
        out.push_str(line);
    }
    (!out.is_empty()).then_some(out)
}

/// Read the message with mail-parser (None when it finds no message).
/// `top`: the top-level header block when plainly formed, read here instead.
fn parse_with_parser(
    msg: &[u8],
    top: Option<&Fields>,
    to_line: &dyn Fn(usize) -> usize,
) -> Option<Extracted> {
    // The top-level header block is often most of a bounce (the relay's
    // Received and authentication fields), and mail-parser reads it byte by
    // byte only for us to skip nearly every field. When the block is plainly
    // formed, read it here and hand the parser just the fields it acts on,
    // followed by the untouched body: parts, offsets (shifted back by
    // `shift`) and decoded text come out exactly as from the whole message.
    let reduced = top.and_then(|t| t.reduced(msg));
    let (parse_input, shift) = match &reduced {
        Some((r, shift)) => (r.as_slice(), Some(*shift)),
        None => (msg, None),
    };
    // mail-parser has internal consistency assertions that can fire on
    // corrupt MIME; a failure there must not take the program down.
    let mut message = std::panic::catch_unwind(|| parser().parse(parse_input))
        .ok()
        .flatten()?;
    let mut ex = Extracted::default();
    match top {
        Some(t) => top_headers(&mut ex, msg, t),
        None => {
            for (name, value) in message.headers_raw() {
                ex.headers.push(name, value);
            }
        }
    }
    ex.subject = message.subject().map(|s| s.to_string());
    if let Some(ct) = message.root_part().content_type() {
        if ct.ctype().eq_ignore_ascii_case("multipart") {
            ex.report_type = ct.attribute("report-type").map(|s| s.to_ascii_lowercase());
        }
    }
    // Offsets into what the parser read, back to offsets into `msg`.
    let to_msg = |off: u32| match shift {
        Some((from, by)) if off as usize >= from => off as usize + by,
        _ => off as usize,
    };
    let parsed_range = parse_input.as_ptr_range();
    // Line of a byte slice that lies inside the parsed text (None for decoded copies).
    let line_of = |b: &[u8]| {
        let p = b.as_ptr();
        parsed_range
            .contains(&p)
            .then(|| to_line(to_msg((p as usize - parsed_range.start as usize) as u32)))
    };
    // The parts are taken by value so decoded text moves into its segment
    // without a copy.
    for part in std::mem::take(&mut message.parts)
        .into_iter()
        .take(MAX_PARTS)
    {
        let kind = part
            .content_type()
            .map(|c| PartKind::of(c.ctype(), c.subtype().unwrap_or("")))
            .unwrap_or(PartKind::of("text", "plain"));
        let body = match part.body {
            PartType::Multipart(_) => continue,
            PartType::Message(inner) => {
                let raw = inner.raw_message();
                Body::Message {
                    headers: header_text(inner.headers_raw().collect::<Vec<_>>().into_iter()),
                    raw: (ex.attached.len() < 4).then(|| {
                        let line =
                            line_of(raw).unwrap_or_else(|| to_line(to_msg(part.offset_body)));
                        (raw.to_vec(), line)
                    }),
                }
            }
            PartType::Text(t) => Body::Text(t.into_owned()),
            PartType::Html(t) => Body::Html(t.into_owned()),
            PartType::Binary(b) | PartType::InlineBinary(b) => Body::Bytes(b),
        };
        // Line numbers only for parts that become segments, in input order
        // (the line counter moves forward cheaply).
        let span = (
            to_line(to_msg(part.offset_body)),
            to_line(to_msg(part.offset_end)),
        );
        add_part(&mut ex, kind, span, body);
    }
    Some(ex)
}

/// What a part holds, from either reader.
enum Body<'a> {
    Text(String),
    Html(String),
    Bytes(std::borrow::Cow<'a, [u8]>),
    /// An attached message: its header block as text, and (for the first
    /// few) its bytes and first input line.
    Message {
        headers: String,
        raw: Option<(Vec<u8>, usize)>,
    },
}

/// Header fields as `Name:value` lines.
fn header_text<'a>(fields: impl Iterator<Item = (&'a str, &'a str)> + Clone) -> String {
    // Sized at once: growing it field by field copied it a dozen times.
    let mut hdr = String::with_capacity(fields.clone().map(|(n, v)| n.len() + v.len() + 2).sum());
    for (n, v) in fields {
        hdr.push_str(n);
        hdr.push(':');
        hdr.push_str(v);
        if !v.ends_with('\n') {
            hdr.push('\n');
        }
    }
    hdr
}

/// What a part's content type says: the kind of segment it makes, and
/// whether it is text (text/* or message/*) even when not decoded as such.
#[derive(Clone, Copy)]
struct PartKind {
    kind: SegKind,
    textual: bool,
}

impl PartKind {
    fn of(ctype: &str, subtype: &str) -> PartKind {
        PartKind {
            kind: classify_part(ctype, subtype),
            textual: ctype.eq_ignore_ascii_case("text") || ctype.eq_ignore_ascii_case("message"),
        }
    }
}

/// Turn one part into a segment. `span`: first and last input line of its body.
fn add_part(ex: &mut Extracted, what: PartKind, span: (usize, usize), body: Body<'_>) {
    let PartKind { kind, textual } = what;
    let seg = |kind, text: String| Segment {
        kind,
        text,
        start_line: span.0,
        end_line: span.1.max(span.0),
    };
    match body {
        Body::Message { headers, raw } => {
            // The original message: its headers help prefill; if it is itself
            // a bounce (forwarded as attachment) the caller may look inside.
            ex.attached.extend(raw);
            ex.segments.push(seg(SegKind::Original, headers));
        }
        Body::Text(t) => ex.segments.push(seg(kind, t)),
        Body::Html(t) => ex.segments.push(seg(kind, strip_html(&t))),
        Body::Bytes(b) => {
            if kind != SegKind::Human || textual {
                ex.segments.push(seg(kind, lossy(&b).into_owned()));
            }
        }
    }
}

/// What a part holds, from its content type (compared without regard to case).
fn classify_part(ctype: &str, subtype: &str) -> SegKind {
    let is = |t: &str, s: &str| ctype.eq_ignore_ascii_case(t) && subtype.eq_ignore_ascii_case(s);
    if is("message", "delivery-status") || is("message", "global-delivery-status") {
        SegKind::DeliveryStatus
    } else if is("message", "feedback-report") {
        SegKind::Feedback
    } else if is("text", "rfc822-headers")
        || is("message", "rfc822-headers")
        || is("message", "global-headers")
    {
        SegKind::Original
    } else {
        SegKind::Human
    }
}

/// Unfold a header value: join continuation lines with single spaces.
pub(crate) fn unfold(v: &str) -> String {
    let mut out = String::with_capacity(v.len());
    for (i, l) in v.split('\n').enumerate() {
        let t = l.trimmed();
        if t.is_empty() {
            continue;
        }
        if i > 0 && !out.is_empty() {
            out.push(' ');
        }
        out.push_str(t);
    }
    out
}

/// Decode RFC 2047 encoded words in a raw header value (best effort).
fn decode_words(v: &str) -> std::borrow::Cow<'_, str> {
    if !v.contains("=?") {
        return std::borrow::Cow::Borrowed(v);
    }
    std::borrow::Cow::Owned(parsed_subject(v.as_bytes()).unwrap_or_else(|| v.to_string()))
}

/// A raw header value as mail-parser decodes a Subject: unfolded, encoded
/// words decoded (it is handed a message of that one field).
fn parsed_subject(value: &[u8]) -> Option<String> {
    let mut raw = b"Subject:".to_vec();
    raw.extend_from_slice(value);
    raw.extend_from_slice(b"\n\n");
    parser()
        .parse(&raw)
        .and_then(|m| m.subject().map(|s| s.to_string()))
}

/// Crude HTML to text: drop tags, decode a few entities, keep line structure.
/// Works on bytes: `<`, `>` and `&` are ASCII, so every cut is at a character
/// boundary of the UTF-8 text.
fn strip_html(html: &str) -> String {
    let bytes = html.as_bytes();
    let mut out = String::with_capacity(html.len());
    let mut pos = 0;
    while let Some(open) = memchr::memchr(b'<', &bytes[pos..]) {
        out.push_str(&html[pos..pos + open]);
        let tag_start = pos + open + 1;
        // An unterminated tag at the end is dropped with the rest of the text.
        let Some(close) = memchr::memchr(b'>', &bytes[tag_start..]) else {
            return decode_entities(out);
        };
        let tag = &bytes[tag_start..tag_start + close];
        let starts = |p: &[u8]| tag.len() >= p.len() && tag[..p.len()].eq_ignore_ascii_case(p);
        // Tags that end a line of text (`p` also stands for its prefixes: pre, param).
        if starts(b"br")
            || starts(b"/p")
            || starts(b"p")
            || starts(b"/div")
            || starts(b"/tr")
            || starts(b"/li")
        {
            out.push('\n');
        }
        pos = tag_start + close + 1;
    }
    out.push_str(&html[pos..]);
    decode_entities(out)
}

/// Decode the few HTML entities bounce pages use, in one pass.
fn decode_entities(text: String) -> String {
    let Some(first) = memchr::memchr(b'&', text.as_bytes()) else {
        return text;
    };
    const ENTITIES: [(&str, &str); 6] = [
        ("&nbsp;", " "),
        ("&lt;", "<"),
        ("&gt;", ">"),
        ("&quot;", "\""),
        ("&#39;", "'"),
        ("&amp;", "&"),
    ];
    let mut out = String::with_capacity(text.len());
    out.push_str(&text[..first]);
    let mut pos = first;
    while let Some(amp) = memchr::memchr(b'&', &text.as_bytes()[pos..]) {
        let at = pos + amp;
        out.push_str(&text[pos..at]);
        let rest = &text[at..];
        match ENTITIES.iter().find(|(e, _)| rest.starts_with(e)) {
            Some((e, r)) => {
                out.push_str(r);
                pos = at + e.len();
            }
            None => {
                out.push('&');
                pos = at + 1;
            }
        }
    }
    out.push_str(&text[pos..]);
    out
}

/// Remove `>` quoting from a forwarded bounce when most non-empty lines are
/// quoted (a level at a time, at most a few levels). Sendmail transcript
/// lines (`>>> RCPT`) in an unquoted bounce are a minority and stay intact.
pub(crate) fn unquote(lines: &mut [&str]) {
    for _ in 0..4 {
        // One pass: a line is empty when nothing is left after its leading
        // blanks, quoted when what is left starts with `>`.
        let (mut non_empty, mut quoted) = (0, 0);
        for l in lines.iter() {
            let t = l.trimmed_start();
            non_empty += usize::from(!t.is_empty());
            quoted += usize::from(t.starts_with('>') && !t.starts_with(">>> "));
        }
        if non_empty < 3 || quoted * 2 < non_empty {
            return;
        }
        for l in lines.iter_mut() {
            let t = l.trimmed_start();
            if let Some(rest) = t.strip_prefix('>') {
                *l = rest.strip_prefix(' ').unwrap_or(rest);
            }
        }
    }
}

/// Both ways of reading a message (ours where it can, mail-parser
/// throughout) must give the same extract; panics where they do not.
/// Answers whether our MIME reader took the message.
#[cfg(any(test, fuzzing))]
fn readings_agree(m: &[u8], what: &str) -> bool {
    let a = extract_from(m, 3, true);
    let b = extract_from(m, 3, false);
    assert_eq!(
        format!("{:?}", a.segments),
        format!("{:?}", b.segments),
        "segments of {what}"
    );
    assert_eq!(a.attached, b.attached, "attached of {what}");
    assert_eq!(a.subject, b.subject, "subject of {what}");
    assert_eq!(a.report_type, b.report_type, "report type of {what}");
    for n in [
        "from",
        "to",
        "date",
        "content-type",
        "x-failed-recipients",
        "x-odd_name-2",
        "x-empty",
        "auto-submitted",
        "received",
    ] {
        assert_eq!(a.header(n), b.header(n), "{n} in {what}");
    }
    starts_with_headers(m) && fields_at(m, 0).is_some_and(|t| mime::read(m, &t).is_some())
}

/// For the fuzzing build: [`readings_agree`] on every message of any input
/// that `diagnose` would read.
#[cfg(fuzzing)]
pub fn fuzz_readings_agree(input: &[u8]) {
    if input.len() > super::MAX_INPUT || looks_binary(input) {
        return;
    }
    let norm = normalise(input);
    for (_, m) in split_mbox(&norm) {
        readings_agree(m, "fuzz input");
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn line_endings_are_normalised() {
        assert_eq!(&*normalise(b"a\r\nb\rc\n"), b"a\nb\nc\n");
        assert!(matches!(
            normalise(b"a\nb\n"),
            std::borrow::Cow::Borrowed(b"a\nb\n")
        ));
    }

    #[test]
    fn controls_are_escaped() {
        assert_eq!(sanitize("a\x1b[31mb\x07"), "a\\x1B[31mb\\x07");
    }

    #[test]
    fn binary_is_told_from_text() {
        assert!(looks_binary(b"text\0with a NUL"));
        assert!(!looks_binary(
            b"plain text\n\twith a tab\r\n\x1b[31m and an escape\x0c"
        ));
        let mut controls = b"mostly text ".repeat(10);
        assert!(!looks_binary(&controls));
        controls.extend_from_slice(&[1, 2, 3, 4, 5, 6, 7]);
        assert!(looks_binary(&controls));
        // Tabs and escapes are text, however many.
        assert!(!looks_binary(&b"\t\t\x1b\r\n".repeat(50)));
        assert!(!looks_binary(b""));
    }

    #[test]
    fn mbox_is_split() {
        let m = b"From a@b Mon Jan 1 00:00:00 2024\nSubject: x\n\nbody\n\nFrom c@d Mon Jan 1 00:00:00 2024\nSubject: y\n\nbody\n";
        let parts = split_mbox(m);
        assert_eq!(parts.len(), 2);
        assert_eq!(parts[0].0, 2);
        assert_eq!(parts[1].0, 7);
    }

    /// The straightforward character-by-character forms of [`sanitize`] and
    /// [`strip_html`]: the byte-level versions must agree with them.
    fn sanitize_by_char(s: &str) -> String {
        let mut out = String::new();
        for c in s.chars() {
            match c {
                '\t' => out.push(' '),
                c if c.is_control() => out.push_str(&format!("\\x{:02X}", c as u32 & 0xff)),
                '\u{202a}'..='\u{202e}' | '\u{2066}'..='\u{2069}' => {}
                c => out.push(c),
            }
        }
        out
    }

    fn strip_html_by_char(html: &str) -> String {
        let mut out = String::new();
        let mut in_tag = false;
        let mut tag = String::new();
        for c in html.chars() {
            if in_tag {
                if c == '>' {
                    in_tag = false;
                    let t = tag.to_ascii_lowercase();
                    if ["br", "/p", "p", "/div", "/tr", "/li"]
                        .iter()
                        .any(|p| t.starts_with(p))
                    {
                        out.push('\n');
                    }
                    tag.clear();
                } else {
                    tag.push(c);
                }
            } else if c == '<' {
                in_tag = true;
            } else {
                out.push(c);
            }
        }
        out.replace("&nbsp;", " ")
            .replace("&lt;", "<")
            .replace("&gt;", ">")
            .replace("&quot;", "\"")
            .replace("&#39;", "'")
            .replace("&amp;", "&")
    }

    #[test]
    fn sanitize_agrees_with_the_plain_form() {
        for s in [
            "",
            "plain text",
            "tab\there",
            "esc \x1b[31m red \x07 bell \x7f del",
            "c1 \u{85} \u{9b}31m and \u{a0} nbsp \u{e9}t\u{e9}",
            "bidi \u{202e}evil\u{202c} \u{2066}x\u{2069} \u{2014} dash \u{20ac}",
            "\u{1F600} wide \u{200b} zero-width",
        ] {
            assert_eq!(sanitize(s), sanitize_by_char(s), "{s:?}");
        }
    }

    #[test]
    fn strip_html_agrees_with_the_plain_form() {
        for h in [
            "",
            "no tags &amp; entities",
            "<p>One</p><P>Two<BR/>three</DIV><div>four</div><pre>x</pre>",
            "<tr><td>a</td></TR><li>b</li></Li>",
            "a > b <b>bold</b> c",
            "<a href=\"x>y\">link</a> &lt;user@example.org&gt;",
            "&amp;lt; stays &lt; &amp;amp; &nbsp;&quot;q&quot; &#39;s&#39; & alone &",
            "&l<b>t;</b> joined across a tag",
            "caf\u{e9} <\u{e9}t\u{e9}> r\u{e9}sum\u{e9}",
            "<span style=\"font-family: verdana, sans-serif\">long attribute</span>",
            "unterminated <tag at the end",
            "<<nested>> <p",
        ] {
            assert_eq!(strip_html(h), strip_html_by_char(h), "{h:?}");
        }
    }

    #[test]
    fn headers_are_found_unfolded_and_decoded() {
        let m = b"From: A <a@example.org>\nX-Failed-Recipients: one@example.org,\n  two@example.org\nSubject: =?UTF-8?Q?caf=C3=A9?=\nX-Note: =?UTF-8?Q?caf=C3=A9?=\nFROM: second\n\nbody\n";
        let ex = extract(m, 1);
        assert_eq!(ex.header("from"), Some("A <a@example.org>"));
        assert_eq!(
            ex.header("x-failed-recipients"),
            Some("one@example.org, two@example.org")
        );
        assert_eq!(ex.header("x-note"), Some("caf\u{e9}"));
        assert_eq!(ex.subject.as_deref(), Some("caf\u{e9}"));
        // Names are asked for in lower case.
        assert_eq!(ex.header("From"), None);
        assert_eq!(ex.header("to"), None);
    }

    #[test]
    fn parts_carry_their_input_lines() {
        let m = b"Subject: x\nContent-Type: multipart/report; report-type=delivery-status; boundary=B\n\n--B\nContent-Type: text/plain\n\nline one\nline two\n--B\nContent-Type: message/delivery-status\n\nAction: failed\n\n--B\nContent-Type: message/rfc822\n\nFrom: me@example.org\nSubject: hi\n\nbody\n--B--\n";
        let ex = extract(m, 10);
        assert_eq!(ex.report_type.as_deref(), Some("delivery-status"));
        let spans: Vec<_> = ex
            .segments
            .iter()
            .map(|s| (s.kind, s.start_line, s.end_line))
            .collect();
        assert_eq!(
            spans,
            [
                (SegKind::Human, 16, 17),
                (SegKind::DeliveryStatus, 21, 22),
                (SegKind::Original, 26, 29),
            ]
        );
        assert_eq!(ex.attached.len(), 1);
        assert_eq!(ex.attached[0].1, 26);
        assert!(ex.attached[0].0.starts_with(b"From: me@example.org\n"));
    }

    #[test]
    fn own_top_fields_give_the_same_result_as_the_parser() {
        let dsn = "Received: from mx.example.net (mx.example.net [192.0.2.1])\n\tby relay.example.org; Mon, 1 Jan 2024 00:00:00 +0000\nFrom: MAILER-DAEMON@example.org\nX-Odd_Name-2: value with: colons\nX-Empty:\nTo: user@example.com\nSubject: Undelivered Mail Returned to Sender\nMIME-Version: 1.0\nContent-Type: multipart/report; report-type=delivery-status;\n  boundary=\"B1\"\nAuto-Submitted: auto-replied\n\nPreamble\n--B1\nContent-Type: text/plain; charset=iso-8859-1\nContent-Transfer-Encoding: quoted-printable\n\nCaf=E9 <user@example.com>: mailbox full\n--B1\nContent-Type: message/delivery-status\n\nFinal-Recipient: rfc822; user@example.com\nAction: failed\nStatus: 5.2.2\n\n--B1\nContent-Type: message/rfc822\n\nFrom: user@example.org\nSubject: hello\nContent-Type: text/html\n\n<p>hi</p>\n--B1--\n";
        let messages = [
            dsn.to_string(),
            // No MIME fields at all, a single-part body.
            "Received: by a\nFrom: a@example.org\n\nbody line\n".to_string(),
            // Only kept fields: nothing to leave out.
            "Subject: s\nContent-Type: text/plain\n\nbody\n".to_string(),
            // Not plainly formed: left to the parser either way.
            "From: a\n odd\n: colon first\n\nbody\n".to_string(),
            // Header block without an end.
            "From: a@example.org\nTo: b@example.org".to_string(),
            dsn.replace("\n--B1--\n", "\n"),
            dsn.replace("iso-8859-1", "utf-8")
                .replace("Caf=E9", "Caf\u{e9}"),
        ];
        for m in &messages {
            same_both_ways(m.as_bytes(), m);
        }
        let ex = extract(dsn.as_bytes(), 1);
        assert_eq!(ex.header("auto-submitted"), Some("auto-replied"));
        assert_eq!(ex.header("x-empty"), Some(""));
        assert_eq!(
            ex.segments[0].text,
            "Caf\u{e9} <user@example.com>: mailbox full"
        );
    }

    fn same_both_ways(m: &[u8], what: &str) -> bool {
        readings_agree(m, what)
    }

    /// Every message in a directory tree, normalised as `diagnose` does.
    fn messages_in(dir: &std::path::Path, out: &mut Vec<(String, Vec<u8>)>) {
        let Ok(entries) = std::fs::read_dir(dir) else {
            return;
        };
        let mut paths: Vec<_> = entries.flatten().map(|e| e.path()).collect();
        paths.sort();
        for p in paths {
            if p.is_dir() {
                messages_in(&p, out);
            } else if let Ok(bytes) = std::fs::read(&p) {
                if bytes.len() > 4 << 20 || looks_binary(&bytes) {
                    continue;
                }
                let norm = normalise(&bytes);
                for (_, m) in split_mbox(&norm) {
                    out.push((p.display().to_string(), m.to_vec()));
                }
            }
        }
    }

    #[test]
    fn own_mime_reading_gives_the_same_result_as_the_parser() {
        let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR"));
        let mut messages = Vec::new();
        messages_in(&root.join("tests/fixtures"), &mut messages);
        let fixtures = messages.len();
        // ../shared sits beside the project (or beside its worktree folder).
        for shared in ["../shared", "../../shared"] {
            messages_in(&root.join(shared).join("corpus/sisimai"), &mut messages);
        }
        if messages.len() == fixtures {
            eprintln!("../shared/corpus/sisimai not found: checking the project's fixtures only");
        }
        let mut ours = 0;
        for (path, m) in &messages {
            ours += usize::from(same_both_ways(m, path));
        }
        // The comparison means something only if our reader is used: it
        // takes most plainly formed messages.
        assert!(
            ours * 10 >= messages.len() * 7,
            "our MIME reader took only {ours} of {} messages",
            messages.len()
        );
        // More inputs (e.g. a fuzzing corpus) can be named for a local run.
        if let Some(extra) = std::env::var_os("BD_MIME_CORPUS") {
            let mut more = Vec::new();
            messages_in(std::path::Path::new(&extra), &mut more);
            for (path, m) in &more {
                same_both_ways(m, path);
            }
        }
    }

    #[test]
    fn quoted_printable_edges_read_like_the_parser() {
        let part = |body: &str, tail: &str| {
            format!(
                "From: a@example.org\nContent-Type: multipart/mixed; boundary=\"B\"\n\n--B\nContent-Type: text/plain; charset=iso-8859-1\nContent-Transfer-Encoding: quoted-printable\n\n{body}--B\nContent-Type: text/plain\n\nnext\n--B--{tail}"
            )
        };
        let bodies = [
            "",
            "\n",
            "plain line\n",
            "trailing blanks   \n\tand tabs\t\n",
            "soft =\nbreak\n",
            "soft break before the boundary=\n",
            "blanks before soft  =\nbreak\n",
            "caf=E9 =3D equal =3d lower\n",
            "=41=\n=42\n",
            "bad =XY hex and =4 half\n",
            "= space after equals\nnext\n",
            "=  \nequals then blanks\n",
            "half at the end =4\n",
            "half over a line =4\n1 rest\n",
            "dashes -- and --B-like text\n",
            "double == equals\n",
            "=\n",
            "=E9\n\n\n",
        ];
        for body in bodies {
            for tail in ["\n", "\nepilogue\n", ""] {
                let m = part(body, tail);
                same_both_ways(m.as_bytes(), &m);
            }
            // The same text as a single-part message, running to its end.
            let single = format!(
                "From: a@example.org\nContent-Type: text/plain\nContent-Transfer-Encoding: quoted-printable\n\n{body}"
            );
            same_both_ways(single.as_bytes(), &single);
        }
        // Plainly formed, so taken by our reader.
        assert!(same_both_ways(part("caf=E9\n", "\n").as_bytes(), "caf"));
    }

    #[test]
    fn multipart_structures_read_like_the_parser() {
        let head = "From: a@example.org\nSubject: =?UTF-8?Q?caf=C3=A9?=\nSubject: second\nMIME-Version: 1.0\n";
        let messages = [
            // Nested multipart, an image, an attached message with its own
            // multipart body, a delivery-status in quoted-printable.
            "Content-Type: multipart/report; report-type=Delivery-Status;\n boundary=\"outer\"\n\npreamble\n--outer\nContent-Type: multipart/alternative; boundary=inner\n\n--inner\nContent-Type: text/plain\n\nplain\n--inner\nContent-Type: text/html; charset=us-ascii\n\n<p>html</p>\n--inner--\n\n--outer\nContent-Type: image/png\nContent-Transfer-Encoding: base64\n\niVBORw0KGgo=\n--outer\nContent-Type: message/delivery-status\nContent-Transfer-Encoding: quoted-printable\n\nStatus: 5.1.1=\n\n--outer\nContent-Type: message/rfc822\n\nFrom: b@example.org\nMessage-Id: <1@x>\nX-Custom: v\nx400-received: r\nContent-Type: multipart/alternative; boundary=\"orig\"\n\n--orig\nContent-Type: text/plain\n\nhello\n--orig--\n\n--outer--\nepilogue\n",
            // Attached message with a single-part body, last part.
            "Content-Type: multipart/mixed; boundary=X\n\n--X\n\nno headers here\n--X\nContent-Type: message/rfc822\n\nFrom: b@example.org\nSubject: hi\n\nbody\n--X--\n",
            // Boundary inside a line, missing close, prefix boundaries: left to the parser.
            "Content-Type: multipart/mixed; boundary=X\n\n--X\n\ntext --X inside\n--X--\n",
            "Content-Type: multipart/mixed; boundary=X\n\n--X\n\nno close\n",
            "Content-Type: multipart/mixed; boundary=X\n\n--X\nContent-Type: multipart/alternative; boundary=XY\n\n--XY\n\na\n--XY--\n--X--\n",
            // Base64 that mail-parser turns into text, and clean base64.
            "Content-Type: multipart/mixed; boundary=X\n\n--X\nContent-Type: application/octet-stream\nContent-Transfer-Encoding: base64\n\nnot base64!\n--X\nContent-Type: application/pdf\nContent-Transfer-Encoding: base64\n\nJVBERi0=\n--X--\n",
            // Parameters in forms left to the parser.
            "Content-Type: multipart/mixed; boundary*0=X\n\n--X\n\na\n--X--\n",
            "Content-Type: text/plain; charset = utf-8 (comment)\n\ntext\n",
            "Content-Type: text/plain; charset=\"koi8-r\"\nContent-Transfer-Encoding: 8bit\n\n\u{442}\u{435}\u{43a}\u{441}\u{442}\n",
            "Content-Type: TEXT/HTML; CHARSET=WINDOWS-1252\n\n<p>a&amp;b</p>\n",
            // Base64 text, padded every way, and base64 mail-parser rejects.
            "Content-Type: multipart/mixed; boundary=X\n\n--X\nContent-Type: text/plain; charset=utf-8\nContent-Transfer-Encoding: base64\n\nQUJD\nQUI=\nQQ==\n Y2Fmw6k=\nQUJ\n--X\nContent-Type: message/delivery-status\nContent-Transfer-Encoding: BASE64\n\nU3RhdHVzOiA1LjEuMQ==\n--X\nContent-Type: text/plain\nContent-Transfer-Encoding: base64\n\nQ=\nnot-base64!\n--X--\n",
            // Cut short: the last part runs to the end, taken as text.
            "Content-Type: multipart/mixed; boundary=X\n\n--X\nContent-Type: text/html; charset=us-ascii\nContent-Transfer-Encoding: quoted-printable\n\n<p>caf=E9</p>\n",
            "Content-Type: multipart/mixed; boundary=X\n\n--X\n\nfirst\n--X\nContent-Type: image/png\nContent-Transfer-Encoding: base64\n\niVBORw0KGgo=\n",
            "Content-Type: multipart/mixed; boundary=X\n\n--X\n\nfirst\n--X\nContent-Type: message/rfc822\n\nFrom: b@example.org\nSubject: hi\n\nbody cut\n",
            "Content-Type: multipart/mixed; boundary=X\n\n--X\n\nfirst\n--X\nContent-Type: message/rfc822\n\nFrom: b@example.org\nContent-Type: multipart/alternative; boundary=Y\n\n--Y\n\ncut inside\n",
            "Content-Type: multipart/mixed; boundary=X\n\n--X\n\nfirst\n--X\nContent-Type: message/rfc822\n\nFrom: b@example.org\nContent-Type: multipart/alternative; boundary=Y\n\n--Y\n\nclosed\n--Y--\nbut the outer is not\n",
            "Content-Type: multipart/mixed; boundary=X\n\n--X\nContent-Type: multipart/alternative; boundary=Y\n\n--Y\n\ninner cut\n",
            "Content-Type: multipart/mixed; boundary=X\n\n--X\nContent-Type: multipart/alternative; boundary=Y\n\n--Y\n\ninner closed\n--Y--\n",
            "Content-Type: multipart/mixed; boundary=X\n\n--X\nContent-Type: message/rfc822\n\nFrom: b@example.org\nSubject: header block cut",
            // Inside an attached message, a multipart closes and no boundary
            // of the enclosing one follows (found by fuzzing).
            "Content-Type: multipart/mixed; boundary=X\n\n--X\n\nfirst\n--X\nContent-Type: message/rfc822\n\nFrom: b@example.org\nContent-Type: multipart/mixed; boundary=Y\n\n--Y\n\ntext\n--Y\nContent-Type: multipart/alternative; boundary=Z\n\n--Z\n\nz\n--Z--\n\nno more Y\n--X--\n",
            // An attached multipart whose boundary never comes: read as text.
            "Content-Type: multipart/mixed; boundary=X\n\n--X\n\nfirst\n--X\nContent-Type: message/rfc822\n\nFrom: b@example.org\nContent-Type: multipart/alternative; boundary=Y\n\nno parts\n--X--\n",
            "Content-Type: multipart/mixed; boundary=X\n\n--X\n\nfirst\n--X\nContent-Type: message/rfc822\n\nFrom: b@example.org\nContent-Type: multipart/alternative\n\nno boundary\n--X--\n",
        ];
        for body in messages {
            let m = format!("{head}{body}");
            same_both_ways(m.as_bytes(), &m);
        }
        assert!(same_both_ways(
            format!("{head}{}", messages[0]).as_bytes(),
            "report"
        ));
        assert!(same_both_ways(
            format!("{head}{}", messages[1]).as_bytes(),
            "mixed"
        ));
    }

    #[test]
    fn subjects_read_like_the_parser() {
        for v in [
            " Undelivered Mail Returned to Sender",
            "\tfolded\n  across   lines \n\tthree",
            "   ",
            "",
            "trailing blanks\t \n",
            " =?UTF-8?Q?caf=C3=A9?= and text",
            " x\x0cy form feed stays",
        ] {
            let m = format!("From: a@example.org\nSubject: first\nSubject:{v}\n\nbody\n");
            same_both_ways(m.as_bytes(), &m);
        }
    }

    #[test]
    fn charsets_taken_as_ascii_leave_ascii_alone() {
        let ascii: Vec<u8> = (0u8..0x80).collect();
        for name in mime::ASCII_CHARSETS {
            if let Some(decode) =
                mail_parser::decoders::charsets::map::charset_decoder(name.as_bytes())
            {
                assert_eq!(decode(&ascii).as_bytes(), ascii, "{name}");
            }
        }
        let plain: Vec<u8> = (ascii.iter())
            .filter(|b| !mime::ISO_2022_SHIFTS.contains(b))
            .copied()
            .collect();
        let decode = mail_parser::decoders::charsets::map::charset_decoder(b"ISO-2022-JP");
        assert_eq!(decode.map(|d| d(&plain).into_bytes()), Some(plain));
    }

    #[test]
    fn quoted_lines_are_unquoted() {
        let mut v = ["> a", "> > b", "> c"];
        unquote(&mut v);
        assert_eq!(v, ["a", "> b", "c"]);
    }
}
