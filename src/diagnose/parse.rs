//! Input handling: line endings, binary detection, mbox splitting, MIME
//! extraction (via mail-parser), quoted forwards, and sanitising text for output.

use mail_parser::{MessageParser, MimeHeaders, PartType};

/// How many message/rfc822 levels we look into. Bounces nest at most a
/// forwarded bounce inside an attachment; deeper nesting is hostile input.
const MAX_DEPTH: usize = 4;
/// At most this many MIME parts are examined per message (memory bound).
const MAX_PARTS: usize = 512;

/// Replace CRLF and bare CR with LF, so line numbers and parsing do not
/// depend on the line-ending convention of the input.
pub(crate) fn normalise(input: &[u8]) -> Vec<u8> {
    // Copy the runs between CRs whole: most input has no CR at all.
    let mut out = Vec::with_capacity(input.len());
    let mut rest = input;
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
    out
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
    if input.contains(&0) {
        return true;
    }
    let sample = &input[..input.len().min(64 * 1024)];
    // A branch-free sum: this runs over every input.
    let controls: usize = sample
        .chunks(255)
        .map(|c| {
            c.iter()
                .map(|&b| {
                    u8::from(b < 0x20)
                        & u8::from(b != b'\t')
                        & u8::from(b != b'\n')
                        & u8::from(b != b'\r')
                        & u8::from(b != 0x0c)
                        & u8::from(b != 0x1b)
                })
                .sum::<u8>() as usize
        })
        .sum();
    // Invalid UTF-8 alone is fine (legacy charsets); control bytes are not.
    controls * 20 > sample.len().max(1)
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
        if pos > 0 && (prev_blank || is_envelope_line(line)) && is_mbox_separator(line) {
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
    // Most text is printable ASCII already.
    if s.bytes().all(|b| (0x20..0x7f).contains(&b)) {
        return s.to_string();
    }
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '\t' => out.push(' '),
            c if c.is_control() => {
                out.push_str(&format!("\\x{:02X}", c as u32 & 0xff));
            }
            // Bidirectional overrides can disguise text in a terminal.
            '\u{202a}'..='\u{202e}' | '\u{2066}'..='\u{2069}' => {}
            c => out.push(c),
        }
    }
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
    /// Top-level headers, names lower-cased, values unfolded.
    pub headers: Vec<(String, String)>,
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
    /// First value of a header (name lower-case).
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(n, _)| n == name)
            .map(|(_, v)| v.as_str())
    }
}

/// Byte offset → 1-based line number within a message slice.
struct LineMap {
    starts: Vec<usize>,
}

impl LineMap {
    fn new(text: &[u8]) -> LineMap {
        let mut starts = vec![0];
        starts.extend(memchr::memchr_iter(b'\n', text).map(|i| i + 1));
        LineMap { starts }
    }
    fn line(&self, offset: usize) -> usize {
        match self.starts.binary_search(&offset) {
            Ok(i) => i + 1,
            Err(i) => i,
        }
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
/// header is kept raw; structured parsing of Received, addresses, dates and
/// message ids was a good part of the parsing time and was never used.
fn parser() -> &'static MessageParser {
    static PARSER: std::sync::OnceLock<MessageParser> = std::sync::OnceLock::new();
    PARSER.get_or_init(|| {
        MessageParser::new()
            .with_mime_headers()
            .header_text(mail_parser::HeaderName::Subject)
            .default_header_raw()
    })
}

/// Extract headers and text segments from one (normalised) message.
/// `first_line` is the message's first line within the whole input.
pub(crate) fn extract(msg: &[u8], first_line: usize) -> Extracted {
    let lines = LineMap::new(msg);
    let total_lines = lines.starts.len();
    let mut ex = Extracted::default();
    let whole = |kind| Segment {
        kind,
        text: lossy(msg).into_owned(),
        start_line: first_line,
        end_line: first_line + total_lines.saturating_sub(1),
    };
    if !starts_with_headers(msg) {
        ex.segments.push(whole(SegKind::Human));
        return ex;
    }
    // mail-parser has internal consistency assertions that can fire on
    // corrupt MIME; a failure there must not take the program down.
    let parsed = std::panic::catch_unwind(|| parser().parse(msg))
        .ok()
        .flatten();
    let Some(message) = parsed else {
        ex.segments.push(whole(SegKind::Human));
        return ex;
    };
    for (name, value) in message.headers_raw() {
        ex.headers
            .push((name.to_ascii_lowercase(), unfold(&decode_words(value))));
    }
    ex.subject = message.subject().map(|s| s.to_string());
    if let Some(ct) = message.root_part().content_type() {
        if ct.ctype().eq_ignore_ascii_case("multipart") {
            ex.report_type = ct.attribute("report-type").map(|s| s.to_ascii_lowercase());
        }
    }
    let to_line = |off: u32| first_line + lines.line(off as usize).saturating_sub(1);
    let mut seen = 0usize;
    let whole_msg = msg.as_ptr_range();
    // Line of a byte slice that lies inside `msg` (None for decoded copies).
    let line_of = |b: &[u8]| {
        let p = b.as_ptr();
        whole_msg
            .contains(&p)
            .then(|| to_line((p as usize - whole_msg.start as usize) as u32))
    };
    walk(&message, 0, &mut ex, &mut seen, &to_line, &line_of, true);
    // Header-only input (e.g. pasted DSN fields) has no body: scan the headers.
    if ex.segments.iter().all(|s| s.text.trim().is_empty()) {
        ex.segments.clear();
        ex.segments.push(whole(SegKind::Human));
    }
    ex
}

fn walk(
    message: &mail_parser::Message<'_>,
    depth: usize,
    ex: &mut Extracted,
    seen: &mut usize,
    to_line: &dyn Fn(u32) -> usize,
    line_of: &dyn Fn(&[u8]) -> Option<usize>,
    top: bool,
) {
    for part in message.parts.iter() {
        *seen += 1;
        if *seen > MAX_PARTS {
            return;
        }
        let (ctype, subtype) = part
            .content_type()
            .map(|c| {
                (
                    c.ctype().to_ascii_lowercase(),
                    c.subtype().unwrap_or("").to_ascii_lowercase(),
                )
            })
            .unwrap_or_else(|| ("text".into(), "plain".into()));
        let (start, end) = if top {
            (to_line(part.offset_body), to_line(part.offset_end))
        } else {
            (0, 0)
        };
        let seg = |kind, text: String| Segment {
            kind,
            text,
            start_line: start,
            end_line: end.max(start),
        };
        match &part.body {
            PartType::Multipart(_) => {}
            PartType::Message(inner) => {
                // The original message: its headers help prefill; if it is itself
                // a bounce (forwarded as attachment) the caller may look inside.
                let mut hdr = String::new();
                for (n, v) in inner.headers_raw() {
                    hdr.push_str(n);
                    hdr.push(':');
                    hdr.push_str(v);
                    if !v.ends_with('\n') {
                        hdr.push('\n');
                    }
                }
                ex.segments.push(seg(SegKind::Original, hdr));
                if depth + 1 < MAX_DEPTH && ex.attached.len() < 4 {
                    let raw = inner.raw_message();
                    let line = line_of(raw).unwrap_or(start);
                    ex.attached.push((raw.to_vec(), line));
                }
            }
            PartType::Text(t) | PartType::Html(t) => {
                let text = if matches!(part.body, PartType::Html(_)) {
                    strip_html(t)
                } else {
                    t.to_string()
                };
                let kind = classify_part(&ctype, &subtype);
                ex.segments.push(seg(kind, text));
            }
            PartType::Binary(b) | PartType::InlineBinary(b) => {
                let kind = classify_part(&ctype, &subtype);
                if kind != SegKind::Human || ctype == "text" || ctype == "message" {
                    ex.segments.push(seg(kind, lossy(b).into_owned()));
                }
            }
        }
    }
}

fn classify_part(ctype: &str, subtype: &str) -> SegKind {
    match (ctype, subtype) {
        ("message", "delivery-status") | ("message", "global-delivery-status") => {
            SegKind::DeliveryStatus
        }
        ("message", "feedback-report") => SegKind::Feedback,
        ("text", "rfc822-headers")
        | ("message", "rfc822-headers")
        | ("message", "global-headers") => SegKind::Original,
        _ => SegKind::Human,
    }
}

/// Unfold a header value: join continuation lines with single spaces.
pub(crate) fn unfold(v: &str) -> String {
    let mut out = String::with_capacity(v.len());
    for (i, l) in v.split('\n').enumerate() {
        let t = l.trim();
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
fn decode_words(v: &str) -> String {
    if !v.contains("=?") {
        return v.to_string();
    }
    // Let mail-parser decode by parsing a one-header message.
    let raw = format!("Subject:{v}\n\n");
    parser()
        .parse(raw.as_bytes())
        .and_then(|m| m.subject().map(|s| s.to_string()))
        .unwrap_or_else(|| v.to_string())
}

/// Crude HTML to text: drop tags, decode a few entities, keep line structure.
fn strip_html(html: &str) -> String {
    let mut out = String::with_capacity(html.len());
    let mut in_tag = false;
    let mut tag = String::new();
    for c in html.chars() {
        if in_tag {
            if c == '>' {
                in_tag = false;
                let t = tag.to_ascii_lowercase();
                if t.starts_with("br")
                    || t.starts_with("/p")
                    || t.starts_with("p")
                    || t.starts_with("/div")
                    || t.starts_with("/tr")
                    || t.starts_with("/li")
                {
                    out.push('\n');
                }
                tag.clear();
            } else if tag.len() < 16 {
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

/// Remove `>` quoting from a forwarded bounce when most non-empty lines are
/// quoted (a level at a time, at most a few levels). Sendmail transcript
/// lines (`>>> RCPT`) in an unquoted bounce are a minority and stay intact.
pub(crate) fn unquote(lines: &mut [String]) {
    for _ in 0..4 {
        let non_empty = lines.iter().filter(|l| !l.trim().is_empty()).count();
        let quoted = lines
            .iter()
            .filter(|l| {
                let t = l.trim_start();
                t.starts_with('>') && !t.starts_with(">>> ")
            })
            .count();
        if non_empty < 3 || quoted * 2 < non_empty {
            return;
        }
        for l in lines.iter_mut() {
            let t = l.trim_start();
            if let Some(rest) = t.strip_prefix('>') {
                *l = rest.strip_prefix(' ').unwrap_or(rest).to_string();
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn line_endings_are_normalised() {
        assert_eq!(normalise(b"a\r\nb\rc\n"), b"a\nb\nc\n");
    }

    #[test]
    fn controls_are_escaped() {
        assert_eq!(sanitize("a\x1b[31mb\x07"), "a\\x1B[31mb\\x07");
    }

    #[test]
    fn mbox_is_split() {
        let m = b"From a@b Mon Jan 1 00:00:00 2024\nSubject: x\n\nbody\n\nFrom c@d Mon Jan 1 00:00:00 2024\nSubject: y\n\nbody\n";
        let parts = split_mbox(m);
        assert_eq!(parts.len(), 2);
        assert_eq!(parts[0].0, 2);
        assert_eq!(parts[1].0, 7);
    }

    #[test]
    fn quoted_lines_are_unquoted() {
        let mut v: Vec<String> = ["> a", "> > b", "> c"]
            .iter()
            .map(|s| s.to_string())
            .collect();
        unquote(&mut v);
        assert_eq!(v, ["a", "> b", "c"]);
    }
}
