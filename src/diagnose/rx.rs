//! Regexes of the engine, compiled with ASCII classes: bounce layouts are
//! ASCII keywords around free text, and Unicode `\w`, `\d`, `\s` and `\b`
//! make each automaton many times larger (and the word boundary keeps the
//! fast matcher off non-ASCII text) for no gain in what they find.

use regex::Regex;
use std::sync::OnceLock;

/// `pat` with `\d`, `\w`, `\s` (and their negations) as ASCII classes and
/// `\b` as an ASCII word boundary.
pub(crate) fn ascii(pat: &str) -> String {
    let mut out = String::with_capacity(pat.len() + 16);
    let mut in_class = false;
    let mut chars = pat.chars().peekable();
    while let Some(c) = chars.next() {
        if c != '\\' {
            match c {
                '[' if !in_class => in_class = true,
                ']' if in_class => in_class = false,
                _ => {}
            }
            out.push(c);
            continue;
        }
        let Some(n) = chars.next() else {
            out.push(c);
            break;
        };
        let body = match n {
            'd' => Some("0-9"),
            'w' => Some("0-9A-Za-z_"),
            's' => Some("\\t\\n\\x0B\\x0C\\r "),
            _ => None,
        };
        match (n, body, in_class) {
            (_, Some(b), true) => out.push_str(b),
            (_, Some(b), false) => {
                out.push('[');
                out.push_str(b);
                out.push(']');
            }
            ('D' | 'W' | 'S', _, false) => {
                let b = match n {
                    'D' => "0-9",
                    'W' => "0-9A-Za-z_",
                    _ => "\\t\\n\\x0B\\x0C\\r ",
                };
                out.push_str("[^");
                out.push_str(b);
                out.push(']');
            }
            ('b', _, false) => out.push_str("(?-u:\\b)"),
            _ => {
                out.push('\\');
                out.push(n);
            }
        }
    }
    out
}

/// Compile an engine regex with ASCII classes.
pub(crate) fn new(pat: &str) -> Result<Regex, regex::Error> {
    Regex::new(&ascii(pat))
}

/// The engine regex kept in `cell`, compiled on first use. The patterns are
/// the engine's own, so a bad one is a programming error.
pub(crate) fn cached(cell: &'static OnceLock<Regex>, pat: &str) -> &'static Regex {
    cell.get_or_init(|| new(pat).expect("engine regex"))
}

/// Like [`cached`], for a pattern put together at run time: `pat` is only
/// called the first time, not on every use.
pub(crate) fn cached_with(
    cell: &'static OnceLock<Regex>,
    pat: impl FnOnce() -> String,
) -> &'static Regex {
    cell.get_or_init(|| new(&pat()).expect("engine regex"))
}

/// Captures found after a match test: `Regex::captures` sets up its
/// capture slots and may run the slower capturing engine even when nothing
/// matches, while `is_match` answers from the lazy DFA. Most lines the
/// engine tries a pattern on do not match it.
pub(crate) trait Caps {
    /// Like `Regex::captures`, cheaper when there is no match.
    fn caps<'h>(&self, haystack: &'h str) -> Option<regex::Captures<'h>>;
}

impl Caps for Regex {
    fn caps<'h>(&self, haystack: &'h str) -> Option<regex::Captures<'h>> {
        if self.is_match(haystack) {
            self.captures(haystack)
        } else {
            None
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn classes_become_ascii() {
        assert_eq!(ascii(r"\d{3}"), "[0-9]{3}");
        assert_eq!(ascii(r"[\w.\-]+"), r"[0-9A-Za-z_.\-]+");
        assert_eq!(ascii(r"\bx\S"), r"(?-u:\b)x[^\t\n\x0B\x0C\r ]");
        assert_eq!(ascii(r"\[\d\]"), r"\[[0-9]\]");
        let re = new(r"\bcode\s*:\s*(\d{3})\b").unwrap();
        assert_eq!(&re.captures("error code : 550!").unwrap()[1], "550");
        assert!(!re.is_match("barcode: 550"));
    }
}
