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

/// The text after leading `\s` (ASCII whitespace as the engine's regexes
/// read it), for cheap checks of what an anchored pattern can start with.
pub(crate) fn after_space(line: &str) -> &[u8] {
    let b = line.as_bytes();
    let n = b
        .iter()
        .position(|c| !matches!(c, b' ' | b'\t' | b'\n' | 0x0B | 0x0C | b'\r'))
        .unwrap_or(b.len());
    &b[n..]
}

/// True when `b` has a clock time `dd:dd:dd` somewhere.
pub(crate) fn has_clock(b: &[u8]) -> bool {
    let mut from = 2;
    while let Some(p) = b
        .get(from..)
        .and_then(|r| r.iter().position(|&c| c == b':'))
    {
        let i = from + p;
        if b.len() >= i + 6
            && b[i - 2].is_ascii_digit()
            && b[i - 1].is_ascii_digit()
            && b[i + 1].is_ascii_digit()
            && b[i + 2].is_ascii_digit()
            && b[i + 3] == b':'
            && b[i + 4].is_ascii_digit()
            && b[i + 5].is_ascii_digit()
        {
            return true;
        }
        from = i + 1;
    }
    false
}

/// True when `b` has a digit 2-5 followed by a digit or a dot: every SMTP
/// reply code and enhanced status code has one.
pub(crate) fn has_code_start(b: &[u8]) -> bool {
    b.windows(2)
        .any(|w| matches!(w[0], b'2'..=b'5') && (w[1].is_ascii_digit() || w[1] == b'.'))
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

    #[test]
    fn cheap_checks() {
        assert_eq!(after_space(" \t\x0Bab"), b"ab");
        assert!(has_clock(b"Nov 23 17:00:00 x"));
        assert!(has_clock(b"17:00:00"));
        assert!(!has_clock(b"a:b 17:00 x: 1:2:3"));
        assert!(has_code_start(b"said: 550 no"));
        assert!(has_code_start(b"(#5.1.1)"));
        assert!(!has_code_start(b"no code 1.9 here 61"));
    }
}
