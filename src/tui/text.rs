//! Making untrusted text safe to draw: every string that comes from input (a
//! pasted bounce, the clipboard, a file, user knowledge files) passes through
//! [`sanitize`] before it reaches a widget, so escape sequences and control
//! characters are shown as inert placeholders and never reach the terminal raw.

/// Replace control characters by visible placeholders.
///
/// C0 controls become caret notation (`ESC` → `^[`, `BEL` → `^G`), `DEL` → `^?`,
/// C1 controls and bidirectional overrides (which can reorder what is shown) →
/// U+FFFD. A tab becomes spaces up to the next multiple of four columns.
pub fn sanitize(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '\t' => {
                let col = out.chars().count();
                let n = 4 - col % 4;
                out.extend(std::iter::repeat_n(' ', n));
            }
            '\u{0}'..='\u{1f}' => {
                out.push('^');
                out.push((c as u8 + b'@') as char);
            }
            '\u{7f}' => out.push_str("^?"),
            '\u{80}'..='\u{9f}'
            | '\u{200e}'..='\u{200f}'
            | '\u{202a}'..='\u{202e}'
            | '\u{2066}'..='\u{2069}' => out.push('\u{fffd}'),
            _ => out.push(c),
        }
    }
    out
}

/// Split input into display lines: `\r\n` and lone `\r` end a line like `\n`,
/// then each line is sanitized. Invalid UTF-8 becomes U+FFFD.
pub fn display_lines(input: &[u8]) -> Vec<String> {
    let text = String::from_utf8_lossy(input);
    let text = normalize_newlines(&text);
    let mut lines: Vec<String> = text.split('\n').map(sanitize).collect();
    if lines.len() > 1 && lines.last().is_some_and(|l| l.is_empty()) {
        lines.pop();
    }
    lines
}

/// Turn `\r\n` and lone `\r` into `\n`. Terminals send a pasted newline as `\r`.
pub fn normalize_newlines(s: &str) -> String {
    s.replace("\r\n", "\n").replace('\r', "\n")
}

/// Truncate to at most `max` characters, marking the cut with `…`.
pub fn ellipsize(s: &str, max: usize) -> String {
    // `nth` stops early: a pasted line can be megabytes long.
    if s.chars().nth(max).is_none() {
        return s.to_string();
    }
    if max == 0 {
        return String::new();
    }
    let mut out: String = s.chars().take(max - 1).collect();
    out.push('…');
    out
}

/// Word-wrap `s` to lines of at most `width` characters; words longer than a
/// line are split. Always returns at least one line.
pub fn wrap(s: &str, width: usize) -> Vec<String> {
    let width = width.max(1);
    let mut out = Vec::new();
    let mut line = String::new();
    let mut len = 0;
    for word in s.split_whitespace() {
        let mut word: Vec<char> = word.chars().collect();
        loop {
            let need = if len == 0 {
                word.len()
            } else {
                len + 1 + word.len()
            };
            if need <= width {
                if len > 0 {
                    line.push(' ');
                }
                line.extend(word.iter());
                len = need;
                break;
            }
            if len > 0 {
                out.push(std::mem::take(&mut line));
                len = 0;
                continue;
            }
            // A word longer than the line: cut it.
            let rest = word.split_off(width);
            out.push(word.iter().collect());
            word = rest;
        }
    }
    if len > 0 || out.is_empty() {
        out.push(line);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn escape_sequences_become_inert() {
        let s = sanitize("a\x1b[2J\x1b]0;pwned\x07b");
        assert_eq!(s, "a^[[2J^[]0;pwned^Gb");
        assert!(!s.chars().any(|c| c.is_control()));
        assert_eq!(
            sanitize("x\u{9b}31m\u{202e}y\u{7f}"),
            "x\u{fffd}31m\u{fffd}y^?"
        );
        assert_eq!(sanitize("a\tb"), "a   b");
    }

    #[test]
    fn lines_split_on_every_line_ending() {
        assert_eq!(display_lines(b"a\r\nb\rc\nd\n"), vec!["a", "b", "c", "d"]);
        assert_eq!(display_lines(b"\xffx"), vec!["\u{fffd}x"]);
        assert_eq!(display_lines(b""), vec![""]);
    }

    #[test]
    fn wrap_breaks_on_words_and_cuts_long_ones() {
        assert_eq!(wrap("one two three", 7), vec!["one two", "three"]);
        assert_eq!(wrap("abcdefghij", 4), vec!["abcd", "efgh", "ij"]);
        assert_eq!(wrap("", 4), vec![""]);
        assert_eq!(wrap("a b", 0), vec!["a", "b"]);
    }

    #[test]
    fn ellipsize_counts_characters() {
        assert_eq!(ellipsize("héllo", 5), "héllo");
        assert_eq!(ellipsize("héllo", 4), "hél…");
        assert_eq!(ellipsize("héllo", 0), "");
    }
}
