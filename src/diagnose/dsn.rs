//! RFC 3464 delivery-status fields: per-message and per-recipient blocks.

use crate::diagnose::text::Trimmed;

/// One field of a delivery-status body.
#[derive(Debug, Clone)]
pub(crate) struct Field<'a> {
    /// Field name as written (ASCII, shorter than 40 bytes).
    pub name: &'a str,
    /// Unfolded value (a copy only when folded).
    pub value: std::borrow::Cow<'a, str>,
    /// 0-based index of the field's first line within the text.
    pub line: usize,
}

impl Field<'_> {
    /// The name in lower case, written into `buf`: fields are many and
    /// their names short, so no string is allocated per field.
    fn lower_name<'b>(&self, buf: &'b mut [u8; 40]) -> &'b str {
        let n = &mut buf[..self.name.len()];
        n.copy_from_slice(self.name.as_bytes());
        n.make_ascii_lowercase();
        std::str::from_utf8(n).unwrap_or_default()
    }
}

/// A recipient block of a DSN.
#[derive(Debug, Clone, Default)]
pub(crate) struct DsnRecipient {
    pub final_recipient: Option<(String, usize)>,
    pub original_recipient: Option<(String, usize)>,
    pub action: Option<(String, usize)>,
    pub status: Option<(String, usize)>,
    /// Text after the code in the Status field (`4.0.0 (host name lookup
    /// failure)`), when it says more than the code's class.
    pub status_text: Option<String>,
    pub remote_mta: Option<(String, usize)>,
    /// Diagnostic-Code type (`smtp`, `x-unix`, `x-postfix`) and text.
    pub diag_type: Option<String>,
    pub diagnostic: Option<(String, usize)>,
    /// Per-recipient fields seen after the first address field (block boundary detection).
    after_address: usize,
}

impl DsnRecipient {
    /// The address that failed.
    pub fn address(&self) -> Option<&str> {
        self.final_recipient
            .as_ref()
            .or(self.original_recipient.as_ref())
            .map(|(a, _)| a.as_str())
    }
}

/// Per-message fields of a DSN.
#[derive(Debug, Clone, Default)]
pub(crate) struct DsnMessage {
    pub reporting_mta: Option<String>,
    pub postfix_sender: Option<String>,
    pub recipients: Vec<DsnRecipient>,
}

/// Split text into fields (unfolding continuation lines), keeping blank lines
/// as block separators (`None`).
fn fields(text: &str) -> Vec<Option<Field<'_>>> {
    // A DSN block has about ten fields.
    let mut out: Vec<Option<Field>> = Vec::with_capacity(16);
    for (i, line) in super::text::lines(text).enumerate() {
        if line.trimmed().is_empty() {
            out.push(None);
            continue;
        }
        if line.starts_with([' ', '\t']) {
            if let Some(Some(f)) = out.last_mut() {
                let v = f.value.to_mut();
                v.push(' ');
                v.push_str(line.trimmed());
            }
            continue;
        }
        if let Some((name, value)) = line.split_once(':') {
            let name = name.trimmed();
            if !name.is_empty()
                && name.len() < 40
                && name
                    .bytes()
                    .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_')
            {
                out.push(Some(Field {
                    name,
                    value: value.trimmed().into(),
                    line: i,
                }));
                continue;
            }
        }
        out.push(None);
    }
    out
}

/// Strip the `type;` prefix of a typed field (`rfc822; a@b` → (`rfc822`, `a@b`)).
pub(crate) fn typed(value: &str) -> (Option<String>, String) {
    let (t, v) = split_typed(value);
    (t.map(str::to_ascii_lowercase), v.to_string())
}

/// The value of a typed field without its `type;` prefix (`rfc822; a@b` →
/// `a@b`), borrowed: most callers only read it.
pub(crate) fn typed_value(value: &str) -> &str {
    split_typed(value).1
}

/// A typed field's type as written, if it has one, and its value, trimmed.
fn split_typed(value: &str) -> (Option<&str>, &str) {
    match value.split_once(';') {
        Some((t, v))
            if !t.trimmed().is_empty()
                && t.trimmed().len() < 20
                && !t.contains(' ')
                && !t.contains('@') =>
        {
            (Some(t.trimmed()), v.trimmed())
        }
        _ => (None, value.trimmed()),
    }
}

/// Clean an address from a DSN field: drop `<>`, quotes and trailing junk.
pub(crate) fn clean_address(v: &str) -> Option<String> {
    clean_address_str(v).map(str::to_ascii_lowercase)
}

/// [`clean_address`] before lower-casing, so that a caller that may
/// discard the address makes no copy of it.
pub(crate) fn clean_address_str(v: &str) -> Option<&str> {
    let v = v.trimmed();
    let b = v.as_bytes();
    let inner = match (memchr::memchr(b'<', b), memchr::memrchr(b'>', b)) {
        (Some(a), Some(e)) if e > a => &v[a + 1..e],
        _ => super::text::words(v).next().unwrap_or(""),
    };
    // `trim_matches(['"', '\'', ',', ';', '.'])` by bytes: the characters
    // are ASCII, so the cuts fall on character boundaries.
    let junk = |c: &u8| matches!(c, b'"' | b'\'' | b',' | b';' | b'.');
    let ib = inner.as_bytes();
    let start = ib.iter().position(|c| !junk(c)).unwrap_or(ib.len());
    let end = ib.iter().rposition(|c| !junk(c)).map_or(start, |p| p + 1);
    let inner = inner[start..end].trimmed();
    // Local recipients (`root`) are still recipients.
    (!inner.is_empty() && inner.len() <= 320).then_some(inner)
}

/// True when the text contains RFC 3464 recipient fields.
pub(crate) fn has_dsn_fields(text: &str) -> bool {
    super::text::lines(text).any(|l| {
        let l = l.trimmed_start();
        super::text::starts_with_ci(l, "final-recipient:")
            || super::text::starts_with_ci(l, "original-recipient:")
    })
}

/// Parse a delivery-status body.
pub(crate) fn parse(text: &str) -> DsnMessage {
    let mut msg = DsnMessage::default();
    let mut cur: Option<DsnRecipient> = None;
    let flush = |cur: &mut Option<DsnRecipient>, msg: &mut DsnMessage| {
        if let Some(r) = cur.take() {
            if r.final_recipient.is_some() || r.original_recipient.is_some() {
                msg.recipients.push(r);
            } else if let Some(last) = msg.recipients.last_mut() {
                // Fields that drifted after a blank line belong to the last recipient.
                merge(last, r);
            }
        }
    };
    for f in fields(text) {
        let Some(f) = f else {
            // A blank line ends a recipient block only once it has an address.
            if cur
                .as_ref()
                .is_some_and(|r| r.final_recipient.is_some() || r.original_recipient.is_some())
            {
                flush(&mut cur, &mut msg);
            }
            continue;
        };
        let mut buf = [0u8; 40];
        let name = f.lower_name(&mut buf);
        if matches!(name, "action" | "status" | "remote-mta" | "diagnostic-code") {
            if let Some(r) = cur.as_mut() {
                if r.final_recipient.is_some() || r.original_recipient.is_some() {
                    r.after_address += 1;
                }
            }
        }
        match name {
            "reporting-mta" => msg.reporting_mta = Some(typed_value(&f.value).to_string()),
            "x-postfix-sender" => msg.postfix_sender = clean_address(typed_value(&f.value)),
            "final-recipient" | "original-recipient" => {
                let is_final = name == "final-recipient";
                let r = cur.get_or_insert_with(DsnRecipient::default);
                // Original-Recipient may come before or after Final-Recipient in
                // one block; a repeated field or one after the status starts a new block.
                let past_address = r.after_address > 0;
                let slot_taken = if is_final {
                    r.final_recipient.is_some() || (past_address && r.original_recipient.is_some())
                } else {
                    r.original_recipient.is_some() || past_address
                };
                if slot_taken {
                    flush(&mut cur, &mut msg);
                }
                let r = cur.get_or_insert_with(DsnRecipient::default);
                if let Some(a) = clean_address(typed_value(&f.value)) {
                    if is_final {
                        r.final_recipient = Some((a, f.line));
                    } else {
                        r.original_recipient = Some((a, f.line));
                    }
                }
            }
            "action" => {
                cur.get_or_insert_with(DsnRecipient::default).action =
                    Some((typed_value(&f.value).to_ascii_lowercase(), f.line))
            }
            "status" => {
                let val = typed_value(&f.value);
                if let Some(code) = super::classify::find_enhanced(val) {
                    let r = cur.get_or_insert_with(DsnRecipient::default);
                    r.status_text = status_comment(val, &code);
                    r.status = Some((code, f.line));
                }
            }
            "remote-mta" => {
                let host = typed_value(&f.value)
                    .trim_matches(|c| c == '[' || c == ']')
                    .trimmed()
                    .to_ascii_lowercase();
                if !host.is_empty() {
                    cur.get_or_insert_with(DsnRecipient::default).remote_mta = Some((host, f.line));
                }
            }
            "diagnostic-code" => {
                let (ty, val) = typed(&f.value);
                let r = cur.get_or_insert_with(DsnRecipient::default);
                r.diag_type = ty;
                if !val.is_empty() {
                    r.diagnostic = Some((val, f.line));
                }
            }
            _ => {}
        }
    }
    flush(&mut cur, &mut msg);
    msg
}

/// The comment after the code of a Status field, unless it only names the
/// code's class or its RFC 3463 "other or undefined" subject.
fn status_comment(val: &str, code: &str) -> Option<String> {
    let rest = val.split_once(code)?.1;
    let t = rest
        .trimmed()
        .trim_start_matches('(')
        .trim_end_matches(')')
        .trimmed();
    let low = t.to_ascii_lowercase();
    let generic = low.is_empty()
        || low.starts_with("other or undefined")
        || matches!(
            low.as_str(),
            "permanent failure"
                | "permanent error"
                | "temporary failure"
                | "temporary error"
                | "transient failure"
                | "persistent transient failure"
                | "success"
        );
    (!generic && t.chars().any(|c| c.is_ascii_alphabetic())).then(|| t.to_string())
}

fn merge(into: &mut DsnRecipient, from: DsnRecipient) {
    if into.action.is_none() {
        into.action = from.action;
    }
    if into.status.is_none() {
        into.status = from.status;
        into.status_text = from.status_text;
    }
    if into.remote_mta.is_none() {
        into.remote_mta = from.remote_mta;
    }
    if into.diagnostic.is_none() {
        into.diagnostic = from.diagnostic;
        into.diag_type = from.diag_type;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The byte-wise cleaning gives what the `str` pattern methods give.
    #[test]
    fn clean_address_is_the_pattern_version() {
        fn old(v: &str) -> Option<String> {
            let v = v.trim();
            let inner = match (v.find('<'), v.rfind('>')) {
                (Some(a), Some(b)) if b > a => &v[a + 1..b],
                _ => v.split_whitespace().next().unwrap_or(""),
            };
            let inner = inner.trim_matches(['"', '\'', ',', ';', '.']).trim();
            (!inner.is_empty() && inner.len() <= 320).then(|| inner.to_ascii_lowercase())
        }
        crate::diagnose::rx::oracle::same(
            &[
                "",
                "rfc822; <A@B.example>",
                "\"'a@b.'\" x",
                "> a@b <",
                "<\u{e9}.\u{a0}a@b;>",
                ".,;",
                "rfc822;\u{3000}Root",
            ],
            &[
                "<", ">", "\"", "'", ",", ";", ".", " ", "\u{a0}", "\u{e9}", "a@b", "Rfc822;", "x",
            ],
            (1000, 100),
            clean_address,
            old,
        );
    }

    #[test]
    fn parses_two_recipients() {
        let t = "Reporting-MTA: dns; mx.example.org\nX-Postfix-Sender: rfc822; s@example.org\n\nFinal-Recipient: rfc822; a@example.net\nAction: failed\nStatus: 5.1.1\nDiagnostic-Code: smtp; 550 5.1.1 <a@example.net>:\n  User unknown\n\nFinal-Recipient: rfc822; b@example.net\nAction: delayed\nStatus: 4.4.1\n";
        let m = parse(t);
        assert_eq!(m.reporting_mta.as_deref(), Some("mx.example.org"));
        assert_eq!(m.postfix_sender.as_deref(), Some("s@example.org"));
        assert_eq!(m.recipients.len(), 2);
        assert_eq!(m.recipients[0].address(), Some("a@example.net"));
        assert_eq!(
            m.recipients[0].diagnostic.as_ref().unwrap().0,
            "550 5.1.1 <a@example.net>: User unknown"
        );
        assert_eq!(m.recipients[1].status.as_ref().unwrap().0, "4.4.1");
    }
}
