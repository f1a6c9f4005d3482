//! A fast reader for plainly formed MIME messages.
//!
//! mail-parser decodes every part of a message byte by byte, including the
//! ones a diagnosis never reads: the body of the attached original, images,
//! TNEF blobs. Most bounces are plainly formed (header blocks of `Name:`
//! fields, boundaries on lines of their own, the usual encodings), and for
//! those this module finds the same parts at the same offsets and decodes
//! them to the same text, decoding only what is read. Messages cut short (a
//! boundary that never comes) are recovered the way mail-parser recovers
//! them. Whatever is not plainly formed — odd header syntax, parameters in
//! RFC 2231 form, a boundary that is not at the start of a line, encoded
//! attached messages, quoted-printable or base64 the parser would reject —
//! makes [`read`] answer `None`, and the caller hands the message to
//! mail-parser. Tests check both ways give identical results over every
//! message we have (see `parse.rs`), and the `mime` fuzz target on any input.

use std::borrow::Cow;
use std::ops::Range;

use super::parse::{fields_at, Fields};

/// Deepest nesting of multiparts and attached messages followed here.
const MAX_DEPTH: usize = 8;
/// Most parts read here; more are left to mail-parser (and its limits).
const MAX_PARTS: usize = 256;

/// What a part holds, as far as the diagnosis reads it.
pub(super) enum Content<'a> {
    /// Decoded text of a text part other than HTML.
    Text(String),
    /// Decoded text of a text/html part.
    Html(String),
    /// Decoded bytes of a part that is neither text nor an attached message
    /// but is still read (message/delivery-status and the like).
    Bytes(Cow<'a, [u8]>),
    /// A part nobody reads (images, application data): not decoded.
    Skipped,
    /// An attached message: its header fields (name, raw value) and where
    /// the whole message lies in the input.
    Message {
        /// Header fields: name as mail-parser names it, raw value.
        headers: Vec<(&'a str, &'a str)>,
        /// The attached message's bytes.
        raw: Range<usize>,
    },
}

/// One part of a message, with offsets into the message.
pub(super) struct Part<'a> {
    /// Media type and subtype as written (compare without regard to case).
    pub ctype: &'a str,
    /// See `ctype`.
    pub subtype: &'a str,
    /// Where the body starts and ends.
    pub body: Range<usize>,
    /// What it holds.
    pub content: Content<'a>,
}

/// The parts of a plainly formed message, and its report-type parameter.
pub(super) struct Plain<'a> {
    /// Parts in message order (multipart containers and the parts of
    /// attached messages are not listed).
    pub parts: Vec<Part<'a>>,
    /// report-type of a multipart root, lower-cased.
    pub report_type: Option<String>,
}

/// A parsed Content-Type value.
struct ContentType<'a> {
    ctype: &'a str,
    subtype: &'a str,
    params: Vec<(&'a str, &'a str)>,
}

impl<'a> ContentType<'a> {
    fn is(&self, t: &str) -> bool {
        self.ctype.eq_ignore_ascii_case(t)
    }
    fn param(&self, name: &str) -> Option<&'a str> {
        (self.params.iter())
            .find(|(n, _)| n.eq_ignore_ascii_case(name))
            .map(|(_, v)| *v)
    }
}

/// Transfer encodings, as mail-parser tells them apart.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Encoding {
    Plain,
    QuotedPrintable,
    Base64,
}

/// The MIME fields of one header block.
struct Mime<'a> {
    ctype: Option<ContentType<'a>>,
    encoding: Encoding,
}

/// Read the parts of `msg`, whose top-level header block is `top`; None when
/// the message is not plainly formed (see the module comment).
pub(super) fn read<'a>(msg: &'a [u8], top: &Fields) -> Option<Plain<'a>> {
    if top.fields.is_empty() || memchr::memchr(b'\r', msg).is_some() {
        return None;
    }
    let mime = mime_fields(msg, top)?;
    let mut parts = Vec::new();
    let mut report_type = None;
    match &mime.ctype {
        Some(ct) if ct.is("multipart") => {
            report_type = ct.param("report-type").map(|s| s.to_ascii_lowercase());
            multipart(msg, top.body_start, ct, 0, Some(&mut parts))?;
        }
        Some(ct) if is_attached_message(ct) => return None,
        _ => {
            // A single part: its body runs to the end of the message.
            let body = top.body_start..msg.len();
            let content = leaf(msg, body.clone(), &mime, None)?;
            let (ctype, subtype) = type_names(&mime.ctype);
            parts.push(Part {
                ctype,
                subtype,
                body,
                content,
            });
        }
    }
    Some(Plain { parts, report_type })
}

fn type_names<'a>(ct: &Option<ContentType<'a>>) -> (&'a str, &'a str) {
    ct.as_ref()
        .map(|c| (c.ctype, c.subtype))
        .unwrap_or(("text", "plain"))
}

fn is_attached_message(ct: &ContentType<'_>) -> bool {
    ct.is("message")
        && (ct.subtype.eq_ignore_ascii_case("rfc822") || ct.subtype.eq_ignore_ascii_case("global"))
}

/// The Content-Type and Content-Transfer-Encoding of a header block (the
/// last of each, as mail-parser reads them).
fn mime_fields<'a>(msg: &'a [u8], block: &Fields) -> Option<Mime<'a>> {
    let mut ctype = None;
    let mut encoding = None;
    for &(start, colon, end) in &block.fields {
        let name = &msg[start..colon];
        if !matches!(name[0], b'c' | b'C') {
            continue;
        }
        if name.eq_ignore_ascii_case(b"content-type") {
            ctype = Some(colon + 1..end);
        } else if name.eq_ignore_ascii_case(b"content-transfer-encoding") {
            encoding = Some(colon + 1..end);
        }
    }
    let text = |r: Range<usize>| std::str::from_utf8(&msg[r]).ok();
    let ctype = match ctype {
        Some(r) => Some(content_type(text(r)?)?),
        None => None,
    };
    let encoding = match encoding {
        None => Encoding::Plain,
        Some(r) => {
            let v = text(r)?.trim_matches(|c: char| c.is_ascii_whitespace());
            if v.is_empty() || !v.bytes().all(is_token_byte) {
                return None;
            }
            if v.eq_ignore_ascii_case("base64") {
                Encoding::Base64
            } else if v.eq_ignore_ascii_case("quoted-printable") {
                Encoding::QuotedPrintable
            } else {
                Encoding::Plain
            }
        }
    };
    Some(Mime { ctype, encoding })
}

/// A byte that may appear in a MIME token (RFC 2045), less `*` (parameters
/// in RFC 2231 form are left to mail-parser).
fn is_token_byte(b: u8) -> bool {
    b.is_ascii_graphic()
        && !matches!(
            b,
            b'(' | b')'
                | b'<'
                | b'>'
                | b'@'
                | b','
                | b';'
                | b':'
                | b'\\'
                | b'"'
                | b'/'
                | b'['
                | b']'
                | b'?'
                | b'='
                | b'*'
        )
}

/// Parse `type/subtype; name=value; name="quoted value"`, allowing folding
/// whitespace between the pieces; anything else (comments, escapes, encoded
/// words, whitespace around `=`) is None.
fn content_type(v: &str) -> Option<ContentType<'_>> {
    let b = v.as_bytes();
    let mut i = 0;
    let skip_ws = |i: &mut usize| {
        while *i < b.len() && matches!(b[*i], b' ' | b'\t' | b'\n') {
            *i += 1;
        }
    };
    let token = |i: &mut usize| -> Option<&str> {
        let start = *i;
        while *i < b.len() && is_token_byte(b[*i]) {
            *i += 1;
        }
        (*i > start).then(|| &v[start..*i])
    };
    skip_ws(&mut i);
    let ctype = token(&mut i)?;
    if b.get(i) != Some(&b'/') {
        return None;
    }
    i += 1;
    let subtype = token(&mut i)?;
    let mut params = Vec::new();
    loop {
        skip_ws(&mut i);
        match b.get(i) {
            None => break,
            Some(b';') => i += 1,
            Some(_) => return None,
        }
        skip_ws(&mut i);
        if i == b.len() {
            break;
        }
        let name = token(&mut i)?;
        if b.get(i) != Some(&b'=') {
            return None;
        }
        i += 1;
        let value = if b.get(i) == Some(&b'"') {
            let start = i + 1;
            let len = b[start..].iter().position(|&c| c == b'"')?;
            let value = &v[start..start + len];
            if value.bytes().any(|c| c == b'\\' || c == b'\n') {
                return None;
            }
            i = start + len + 1;
            value
        } else {
            token(&mut i)?
        };
        if value.contains("=?")
            || params
                .iter()
                .any(|(n, _): &(&str, &str)| n.eq_ignore_ascii_case(name))
        {
            return None;
        }
        params.push((name, value));
    }
    Some(ContentType {
        ctype,
        subtype,
        params,
    })
}

/// A boundary line `--boundary` found where mail-parser looks next.
struct Delimiter {
    /// Offset of the leading `--`.
    at: usize,
    /// True for the closing `--boundary--`.
    close: bool,
    /// Offset after the line (after `--boundary--` for a closing one).
    after: usize,
}

/// Where the next boundary line is.
enum Found {
    At(Delimiter),
    /// The boundary does not occur again: the message was cut short.
    Missing,
}

/// The first `--boundary` at or after `from`. mail-parser takes the first
/// place the text occurs, even inside a line; that is only plainly formed
/// (Some) when it starts a line and ends it (or closes the multipart), or
/// when it does not occur at all.
fn next_delimiter(msg: &[u8], from: usize, boundary: &[u8]) -> Option<Found> {
    // Every `-` is a candidate start: a prepared substring searcher costs
    // more to set up than the few dashes of a part cost to check.
    let mut pos = from;
    let at = loop {
        let Some(at) = memchr::memchr(b'-', &msg[pos..]) else {
            return Some(Found::Missing);
        };
        let at = pos + at;
        if msg.get(at + 1) == Some(&b'-') && msg[at + 2..].starts_with(boundary) {
            break at;
        }
        pos = at + 1;
    };
    if at > 0 && msg[at - 1] != b'\n' {
        return None;
    }
    let end = at + 2 + boundary.len();
    let rest = &msg[end..];
    if rest.starts_with(b"--") {
        return Some(Found::At(Delimiter {
            at,
            close: true,
            after: end + 2,
        }));
    }
    let blanks = rest
        .iter()
        .take_while(|&&c| c == b' ' || c == b'\t')
        .count();
    (rest.get(blanks) == Some(&b'\n')).then_some(Found::At(Delimiter {
        at,
        close: false,
        after: end + blanks + 1,
    }))
}

/// How a multipart ended.
enum End {
    /// At its closing boundary; the offset after it.
    Closed(usize),
    /// Cut short: a boundary never came, and mail-parser took the rest of
    /// the message as the last part.
    Truncated,
    /// A multipart inside it closed and no boundary of its own came after:
    /// mail-parser stops reading right after that closing boundary.
    Stopped,
}

/// Read the multipart whose body starts at `body_start`; parts go to `sink`
/// (None inside attached messages, whose parts are not listed).
fn multipart<'a>(
    msg: &'a [u8],
    body_start: usize,
    ct: &ContentType<'a>,
    depth: usize,
    mut sink: Option<&mut Vec<Part<'a>>>,
) -> Option<End> {
    if depth > MAX_DEPTH || ct.subtype.eq_ignore_ascii_case("digest") {
        return None;
    }
    let boundary = ct.param("boundary")?.as_bytes();
    let Found::At(first) = next_delimiter(msg, body_start, boundary)? else {
        return None;
    };
    if first.close {
        return None;
    }
    let mut pos = first.after;
    loop {
        let block = fields_at(msg, pos)?;
        let mime = mime_fields(msg, &block)?;
        let hb = block.body_start;
        let (ctype, subtype) = type_names(&mime.ctype);
        let found = match &mime.ctype {
            Some(inner) if inner.is("multipart") => {
                match multipart(msg, hb, inner, depth + 1, sink.as_deref_mut())? {
                    End::Closed(end) => match next_delimiter(msg, end, boundary)? {
                        Found::Missing => return Some(End::Stopped),
                        found => found,
                    },
                    End::Truncated => Found::Missing,
                    stopped => return Some(stopped),
                }
            }
            Some(inner) if is_attached_message(inner) => {
                if mime.encoding != Encoding::Plain {
                    return None;
                }
                let (found, block, raw) = attached(msg, hb, boundary, depth)?;
                if let Some(parts) = sink.as_deref_mut() {
                    // The part ends where the attached message does.
                    parts.push(Part {
                        ctype,
                        subtype,
                        body: hb..raw.end,
                        content: Content::Message {
                            headers: header_list(msg, &block)?,
                            raw,
                        },
                    });
                }
                found
            }
            _ => {
                let found = next_delimiter(msg, hb, boundary)?;
                // Inside an attached message only the structure matters: a
                // part mail-parser cannot decode still ends at the boundary.
                if let Some(parts) = sink.as_deref_mut() {
                    let (body, content) = match &found {
                        Found::At(next) => {
                            let end = if next.at > hb { next.at - 1 } else { next.at };
                            (hb..end, leaf(msg, hb..end, &mime, Some(next.at > hb))?)
                        }
                        // mail-parser takes the rest as it is, as text,
                        // whatever the part's type and encoding.
                        Found::Missing => {
                            let charset = mime.ctype.as_ref().and_then(|c| c.param("charset"));
                            let text = charset_text(Cow::Borrowed(&msg[hb..]), charset);
                            (hb..msg.len(), Content::Text(text))
                        }
                    };
                    parts.push(Part {
                        ctype,
                        subtype,
                        body,
                        content,
                    });
                }
                found
            }
        };
        if sink.as_ref().is_some_and(|p| p.len() > MAX_PARTS) {
            return None;
        }
        match found {
            Found::Missing => return Some(End::Truncated),
            Found::At(next) if next.close => return Some(End::Closed(next.after)),
            Found::At(next) => pos = next.after,
        }
    }
}

/// An attached message (message/rfc822 stored as it is) starting at `start`
/// inside a multipart with `boundary`: the boundary that ends it (if any),
/// its header block, and the range mail-parser reports as the attached
/// message.
fn attached(
    msg: &[u8],
    start: usize,
    boundary: &[u8],
    depth: usize,
) -> Option<(Found, Fields, Range<usize>)> {
    let block = fields_at(msg, start)?;
    if block.fields.is_empty() {
        return None;
    }
    let mime = mime_fields(msg, &block)?;
    let body = block.body_start;
    let found = match &mime.ctype {
        Some(ct) if ct.is("multipart") && boundary_occurs(msg, body, ct) => {
            match multipart(msg, body, ct, depth + 1, None)? {
                End::Closed(end) => match next_delimiter(msg, end, boundary)? {
                    Found::At(next) => Found::At(next),
                    // mail-parser ends the attached message at its own closing
                    // boundary then; not followed here.
                    Found::Missing => return None,
                },
                End::Truncated => Found::Missing,
                // Where mail-parser then ends the attached message is not
                // followed here.
                End::Stopped => return None,
            }
        }
        Some(ct) if ct.is("message") => return None,
        // A multipart whose boundary never occurs is read as text (as a
        // cut-short original often is).
        _ => next_delimiter(msg, body, boundary)?,
    };
    // The attached message must have a body for the range below to be the
    // parser's.
    let raw = match &found {
        Found::At(next) if next.at > body => start..next.at - 1,
        Found::Missing if body < msg.len() => start..msg.len(),
        _ => return None,
    };
    Some((found, block, raw))
}

/// Whether the boundary of multipart `ct` occurs at all after `from`;
/// mail-parser reads a multipart as text when it does not.
fn boundary_occurs(msg: &[u8], from: usize, ct: &ContentType<'_>) -> bool {
    ct.param("boundary").is_some_and(|b| {
        !matches!(
            next_delimiter(msg, from, b.as_bytes()),
            Some(Found::Missing)
        )
    })
}

/// Header fields of a block as mail-parser lists them: the name in its
/// canonical form for known fields, the raw value (fields whose value is not
/// UTF-8 are left out).
fn header_list<'a>(msg: &'a [u8], block: &Fields) -> Option<Vec<(&'a str, &'a str)>> {
    // Field bounds are ASCII bytes, so a block that is UTF-8 as a whole
    // (the usual case) cuts into UTF-8 names and values.
    let whole =
        (block.fields.first()).and_then(|f| std::str::from_utf8(&msg[f.0..block.body_start]).ok());
    let text = |r: Range<usize>| match whole {
        Some(w) => {
            let base = block.fields[0].0;
            Some(&w[r.start - base..r.end - base])
        }
        None => std::str::from_utf8(&msg[r]).ok(),
    };
    let mut out = Vec::with_capacity(block.fields.len());
    for &(start, colon, end) in &block.fields {
        let name = text(start..colon)?;
        // No field mail-parser knows by name starts with `X-` (only
        // `X400-`): those keep their name as written, without a lookup.
        let custom = name.len() > 2 && name.as_bytes()[..2].eq_ignore_ascii_case(b"x-");
        let name = if custom {
            name
        } else {
            known_name(name).unwrap_or(name)
        };
        if let Some(value) = text(colon + 1..end) {
            out.push((name, value));
        }
    }
    Some(out)
}

/// The canonical form of a field name mail-parser knows (`subject` and
/// `SUBJECT` are `Subject`), `None` for others. mail-parser's lookup makes
/// a lower-case copy of the name each time; the answers are kept per name
/// as written, up to [`KNOWN_NAMES`] names (a few dozen occur in practice),
/// the rest looked up every time.
fn known_name(name: &str) -> Option<&'static str> {
    use std::collections::HashMap;
    /// Field names are short and few: a multiply-and-rotate over eight
    /// bytes at a time is hash enough.
    #[derive(Default)]
    struct Quick(u64);
    impl std::hash::Hasher for Quick {
        fn finish(&self) -> u64 {
            self.0
        }
        fn write(&mut self, bytes: &[u8]) {
            for c in bytes.chunks(8) {
                let mut w = [0u8; 8];
                w[..c.len()].copy_from_slice(c);
                self.0 = (self.0.rotate_left(5) ^ u64::from_le_bytes(w))
                    .wrapping_mul(0x517c_c1b7_2722_0a95);
            }
        }
    }
    type Seen = HashMap<Box<str>, Option<&'static str>, std::hash::BuildHasherDefault<Quick>>;
    thread_local! {
        static SEEN: std::cell::RefCell<Seen> = Default::default();
    }
    let lookup = |name: &str| match mail_parser::HeaderName::parse(name) {
        None | Some(mail_parser::HeaderName::Other(_)) => None,
        Some(known) => Some(known.as_static_str()),
    };
    SEEN.with(|seen| {
        if let Some(&known) = seen.borrow().get(name) {
            return known;
        }
        let known = lookup(name);
        let mut seen = seen.borrow_mut();
        if seen.len() < KNOWN_NAMES {
            seen.insert(name.into(), known);
        }
        known
    })
}

/// At most how many field names [`known_name`] keeps.
const KNOWN_NAMES: usize = 512;

/// Decode a part that is not a multipart or an attached message. `bounded`
/// says whether a boundary follows the body (Some(true) when the body is not
/// empty), which changes how mail-parser ends quoted-printable text.
fn leaf<'a>(
    msg: &'a [u8],
    body: Range<usize>,
    mime: &Mime<'a>,
    bounded: Option<bool>,
) -> Option<Content<'a>> {
    let ct = mime.ctype.as_ref();
    let text_kind = match ct {
        None => Some(false),
        Some(c) if c.is("text") => Some(c.subtype.eq_ignore_ascii_case("html")),
        // A multipart without a usable boundary: left to mail-parser.
        Some(c) if c.is("multipart") => return None,
        Some(c) if c.is("message") => None,
        Some(_) => {
            // Read by nobody: only check that mail-parser would decode it
            // (if not, it would turn it into text).
            let ok = match mime.encoding {
                Encoding::Plain => true,
                Encoding::Base64 => is_clean_base64(&msg[body.clone()]),
                Encoding::QuotedPrintable => quoted_printable(msg, body.clone(), bounded).is_some(),
            };
            return ok.then_some(Content::Skipped);
        }
    };
    let bytes: Cow<'a, [u8]> = match mime.encoding {
        Encoding::Plain => Cow::Borrowed(&msg[body]),
        Encoding::QuotedPrintable => Cow::Owned(quoted_printable(msg, body, bounded)?),
        Encoding::Base64 => Cow::Owned(base64(&msg[body])?),
    };
    let Some(html) = text_kind else {
        return Some(Content::Bytes(bytes));
    };
    let text = charset_text(bytes, ct.and_then(|c| c.param("charset")));
    Some(if html {
        Content::Html(text)
    } else {
        Content::Text(text)
    })
}

/// Text in the part's charset, decoded by mail-parser's decoders. ASCII text
/// in a charset that leaves ASCII as it is (checked by a test against the
/// decoders) is taken as it is.
fn charset_text(bytes: Cow<'_, [u8]>, charset: Option<&str>) -> String {
    let decoder =
        charset.and_then(|c| mail_parser::decoders::charsets::map::charset_decoder(c.as_bytes()));
    match decoder {
        Some(_) if bytes.is_ascii() && charset.is_some_and(|c| keeps_ascii(c, &bytes)) => {
            // ASCII is valid UTF-8.
            String::from_utf8(bytes.into_owned()).unwrap_or_default()
        }
        Some(decode) => decode(&bytes),
        None => match bytes {
            Cow::Borrowed(b) => super::parse::lossy(b).into_owned(),
            Cow::Owned(v) => String::from_utf8(v)
                .unwrap_or_else(|e| String::from_utf8_lossy(e.as_bytes()).into_owned()),
        },
    }
}

/// Escape, shift-out and shift-in: the bytes that switch ISO-2022 text
/// out of ASCII.
pub(super) const ISO_2022_SHIFTS: [u8; 3] = [0x1b, 0x0e, 0x0f];

/// Charsets whose decoders map ASCII text to itself.
pub(super) const ASCII_CHARSETS: [&str; 12] = [
    "us-ascii",
    "ascii",
    "utf-8",
    "utf8",
    "iso-8859-1",
    "iso-8859-15",
    "latin1",
    "windows-1252",
    "cp1252",
    "windows-1251",
    "koi8-r",
    "iso-8859-2",
];

/// Whether ASCII `text` in `charset` decodes to itself: in the charsets
/// above, and in ISO-2022-JP (common in Japanese bounces) when it has none
/// of the control bytes that switch that charset's character sets.
fn keeps_ascii(charset: &str, text: &[u8]) -> bool {
    if charset.eq_ignore_ascii_case("iso-2022-jp") {
        return !text.iter().any(|b| ISO_2022_SHIFTS.contains(b));
    }
    ASCII_CHARSETS
        .iter()
        .any(|c| c.eq_ignore_ascii_case(charset))
}

/// What each byte is in base64 text: its value (below 64), or one of
/// these.
const B64_SKIP: u8 = 64;
const B64_PAD: u8 = 65;
const B64_BAD: u8 = 255;
const B64: [u8; 256] = {
    let mut t = [B64_BAD; 256];
    let mut c = 0;
    while c < 256 {
        if let Some(v) = crate::base64_value(c as u8) {
            t[c] = v;
        }
        c += 1;
    }
    t[b' ' as usize] = B64_SKIP;
    t[b'\t' as usize] = B64_SKIP;
    t[b'\n' as usize] = B64_SKIP;
    t[b'=' as usize] = B64_PAD;
    t
};

/// Base64 that mail-parser decodes without complaint: the alphabet, padding
/// and line breaks only.
fn is_clean_base64(b: &[u8]) -> bool {
    b.iter().all(|&c| B64[c as usize] != B64_BAD)
}

/// Decode base64 as mail-parser does: blanks and line breaks skipped,
/// padding ends a group (and decoding goes on after it), an unfinished group
/// at the end dropped. None for anything else (other bytes, padding after a
/// single character), which mail-parser would not decode.
fn base64(b: &[u8]) -> Option<Vec<u8>> {
    let mut out = Vec::with_capacity(b.len() / 4 * 3 + 3);
    let mut acc = 0u32;
    let mut n = 0;
    let mut i = 0;
    while i < b.len() {
        if n == 0 {
            // Whole groups of four characters of the alphabet: most of a
            // body, decoded four bytes at a time.
            while let Some(&[p, q, r, s]) = b.get(i..i + 4) {
                let v = [p, q, r, s].map(|c| B64[c as usize]);
                if (v[0] | v[1] | v[2] | v[3]) >= 64 {
                    break;
                }
                let x = u32::from(v[0]) << 18
                    | u32::from(v[1]) << 12
                    | u32::from(v[2]) << 6
                    | u32::from(v[3]);
                out.extend_from_slice(&[(x >> 16) as u8, (x >> 8) as u8, x as u8]);
                i += 4;
            }
            if i == b.len() {
                break;
            }
        }
        let c = b[i];
        i += 1;
        let v = match B64[c as usize] {
            B64_SKIP => continue,
            B64_PAD => {
                padded(&mut out, acc, n)?;
                (acc, n) = (0, 0);
                continue;
            }
            B64_BAD => return None,
            v => v,
        };
        acc = acc << 6 | u32::from(v);
        n += 1;
        if n == 4 {
            out.extend_from_slice(&[(acc >> 16) as u8, (acc >> 8) as u8, acc as u8]);
            (acc, n) = (0, 0);
        }
    }
    Some(out)
}

/// The bytes of a group that padding ends after `n` characters (their
/// bits in `acc`); None after one, which mail-parser does not decode.
fn padded(out: &mut Vec<u8>, acc: u32, n: u32) -> Option<()> {
    match n {
        0 => {}
        2 => out.push((acc >> 4) as u8),
        3 => out.extend_from_slice(&[(acc >> 10) as u8, (acc >> 2) as u8]),
        _ => return None,
    }
    Some(())
}

/// Decoder states, as mail-parser's quoted-printable decoder has them.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Qp {
    None,
    Eq,
    Hex1(u8),
}

fn hex(c: u8) -> Option<u8> {
    match c {
        b'0'..=b'9' => Some(c - b'0'),
        b'A'..=b'F' => Some(c - b'A' + 10),
        b'a'..=b'f' => Some(c - b'a' + 10),
        _ => None,
    }
}

/// Decode quoted-printable text exactly as mail-parser does, runs of plain
/// text copied whole. `bounded`: None when the text runs to the end of the
/// message; Some(non_empty) when a boundary line follows (mail-parser then
/// drops the line break before it). None on text mail-parser rejects (two
/// `=` in a row), which it would not decode at all.
fn quoted_printable(msg: &[u8], body: Range<usize>, bounded: Option<bool>) -> Option<Vec<u8>> {
    if bounded == Some(false) {
        return Some(Vec::new());
    }
    // With a boundary, mail-parser reads up to and including the line
    // break before it.
    let end = if bounded.is_some() {
        body.end + 1
    } else {
        body.end
    };
    let b = &msg[body.start..end];
    let mut out = Vec::with_capacity(b.len());
    let mut state = Qp::None;
    let mut ws = 0usize;
    let mut last = 0u8;
    let mut i = 0;
    while i < b.len() {
        if state == Qp::None {
            // Plain text up to the next `=` or line break, copied whole.
            let run = memchr::memchr2(b'=', b'\n', &b[i..]).unwrap_or(b.len() - i);
            if run > 0 {
                let text = &b[i..i + run];
                out.extend_from_slice(text);
                let trailing = text
                    .iter()
                    .rev()
                    .take_while(|c| c.is_ascii_whitespace())
                    .count();
                ws = if trailing == run { ws + run } else { trailing };
                last = text[run - 1];
                i += run;
                continue;
            }
            // The two common escapes in one step: `=XX` (a byte) and `=`
            // at the end of a line (a soft break), as the states below
            // would take them.
            if b[i] == b'=' {
                let digit = |k: usize| b.get(k).and_then(|&c| hex(c));
                match (b.get(i + 1), digit(i + 1), digit(i + 2)) {
                    (_, Some(h), Some(l)) => {
                        out.push(h << 4 | l);
                        (ws, last, i) = (0, b[i + 2], i + 3);
                        continue;
                    }
                    (Some(b'\n'), ..) => {
                        (ws, last, i) = (0, b'\n', i + 2);
                        continue;
                    }
                    _ => {}
                }
            }
        }
        let c = b[i];
        match c {
            b'=' => {
                if state != Qp::None {
                    return None;
                }
                state = Qp::Eq;
            }
            b'\n' => {
                if state == Qp::Eq {
                    state = Qp::None;
                } else {
                    out.truncate(out.len() - ws);
                    out.push(b'\n');
                }
                ws = 0;
            }
            _ => match state {
                Qp::None => unreachable!("plain runs are copied above"),
                Qp::Eq => {
                    if let Some(h) = hex(c) {
                        state = Qp::Hex1(h);
                    } else if !c.is_ascii_whitespace() {
                        state = Qp::None;
                        out.extend_from_slice(&[b'=', c]);
                        ws = 0;
                    }
                }
                Qp::Hex1(h) => {
                    state = Qp::None;
                    match hex(c) {
                        Some(l) => out.push(h << 4 | l),
                        None => out.extend_from_slice(&[b'=', last, c]),
                    }
                    ws = 0;
                }
            },
        }
        last = c;
        i += 1;
    }
    if bounded.is_some() {
        // mail-parser reads the boundary's first `-` as text, then drops it
        // with the byte before it.
        match state {
            Qp::None => out.push(b'-'),
            Qp::Eq => {}
            Qp::Hex1(_) => out.extend_from_slice(&[b'=', last, b'-']),
        }
        if out.len() < 2 || state == Qp::Eq {
            return None;
        }
        out.truncate(out.len() - 2);
    }
    Some(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The decoder one byte at a time, as it was before whole groups were
    /// taken four bytes at a time.
    fn base64_by_byte(b: &[u8]) -> Option<Vec<u8>> {
        let mut out = Vec::new();
        let (mut acc, mut n) = (0u32, 0);
        for &c in b {
            let v = match c {
                b' ' | b'\t' | b'\n' => continue,
                b'=' => {
                    padded(&mut out, acc, n)?;
                    (acc, n) = (0, 0);
                    continue;
                }
                _ => crate::base64_value(c)?,
            };
            acc = acc << 6 | u32::from(v);
            n += 1;
            if n == 4 {
                out.extend_from_slice(&[(acc >> 16) as u8, (acc >> 8) as u8, acc as u8]);
                (acc, n) = (0, 0);
            }
        }
        Some(out)
    }

    /// The kept answers are mail-parser's, for names in any case, unknown
    /// names, names it refuses, and more names than are kept.
    #[test]
    fn known_names_are_mail_parsers() {
        let mut names: Vec<String> = [
            "Subject",
            "subject",
            "SUBJECT",
            "Content-Type",
            "content-type",
            "From",
            "to",
            "Received",
            "X-Mailer",
            "Final-Recipient",
            "Original-Recipient",
            "bad name",
            "a:b",
            "Ünïcode",
            "",
            "Reply-To",
            "message-id",
            "List-Unsubscribe",
            "Return-Path",
        ]
        .iter()
        .map(|s| s.to_string())
        .collect();
        names.extend((0..KNOWN_NAMES + 50).map(|i| format!("X-Field-{i}")));
        for _ in 0..2 {
            for n in &names {
                let want = match mail_parser::HeaderName::parse(n.as_str()) {
                    None | Some(mail_parser::HeaderName::Other(_)) => None,
                    Some(k) => Some(k.as_static_str()),
                };
                assert_eq!(known_name(n), want, "{n:?}");
            }
        }
    }

    /// Same bytes, or the same refusal, on bodies of whole lines, lines
    /// broken anywhere, padding in the middle, blanks and stray bytes.
    #[test]
    fn base64_decodes_as_byte_by_byte() {
        let pieces: [&[u8]; 10] = [
            b"QUJD",
            b"YWJjZGVm",
            b"Zg==",
            b"Zm8=",
            b"\n",
            b" ",
            b"\t",
            b"=",
            b"x",
            b"!",
        ];
        let mut seed = 0x9e37_79b9_7f4a_7c15u64;
        for _ in 0..20_000 {
            seed ^= seed << 13;
            seed ^= seed >> 7;
            seed ^= seed << 17;
            let n = (seed % 12) as usize;
            let body: Vec<u8> = (0..n)
                .flat_map(|k| {
                    pieces[((seed >> (4 * k + 6)) % 10) as usize]
                        .iter()
                        .copied()
                })
                .collect();
            assert_eq!(
                base64(&body),
                base64_by_byte(&body),
                "{:?}",
                String::from_utf8_lossy(&body)
            );
            assert_eq!(
                is_clean_base64(&body),
                body.iter()
                    .all(|&c| matches!(c, b'=' | b'\n' | b' ' | b'\t')
                        || crate::base64_value(c).is_some())
            );
        }
    }
}
