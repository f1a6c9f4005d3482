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

/// Pieces of hand-written matchers that stand in for some of the engine's
/// regexes on hot paths. Each follows the regex's rules exactly: `\s` is
/// ASCII white space, `\b` an ASCII word boundary and, in `(?i)` patterns
/// (`ci`), ASCII letters of either case plus the two non-ASCII letters
/// that simple case folding ties to ASCII ones: `ſ` (U+017F, `s`) and `K`
/// (U+212A, `k`). The tests check each matcher against its regex.
pub(crate) mod hand {
    /// `ſ` in UTF-8.
    const LONG_S: [u8; 2] = [0xC5, 0xBF];
    /// `K` (Kelvin sign) in UTF-8.
    const KELVIN: [u8; 3] = [0xE2, 0x84, 0xAA];

    /// The end of `\s*` from `i`.
    pub(crate) fn skip_space(b: &[u8], mut i: usize) -> usize {
        while i < b.len() && crate::diagnose::text::is_space(b[i]) {
            i += 1;
        }
        i
    }

    /// The length of the run of ASCII digits at `i`, counted up to `max`
    /// (`\d{1,3}` needs to know whether a fourth digit follows).
    pub(crate) fn digits(b: &[u8], i: usize, max: usize) -> usize {
        b[i.min(b.len())..]
            .iter()
            .take(max)
            .take_while(|c| c.is_ascii_digit())
            .count()
    }

    /// The end of a comment `\s*\([^)]*\)` at `i`, if one is there.
    pub(crate) fn comment_end(b: &[u8], i: usize) -> Option<usize> {
        let j = skip_space(b, i);
        (b.get(j) == Some(&b'('))
            .then(|| memchr::memchr(b')', &b[j + 1..]))
            .flatten()
            .map(|c| j + 2 + c)
    }

    /// True when `b[i]` is an ASCII word byte (`\w` for `\b`).
    fn is_word(b: &[u8], i: usize) -> bool {
        b.get(i)
            .is_some_and(|&c| c.is_ascii_alphanumeric() || c == b'_')
    }

    /// An ASCII word boundary (`(?-u:\b)`) at `i`.
    pub(crate) fn boundary(b: &[u8], i: usize) -> bool {
        (i > 0 && is_word(b, i - 1)) != is_word(b, i)
    }

    /// The length of a non-ASCII letter that `(?i)` matches to `s` or `k`
    /// at `i`, when `want` is that letter; 0 otherwise.
    fn folded(b: &[u8], i: usize, want: u8) -> usize {
        let rest = &b[i.min(b.len())..];
        match want {
            b's' if rest.starts_with(&LONG_S) => 2,
            b'k' if rest.starts_with(&KELVIN) => 3,
            _ => 0,
        }
    }

    /// The end of `lit` (ASCII, letters in lower case) matched at `i`, with
    /// letters matched as `(?i)` does when `ci`.
    pub(crate) fn lit(b: &[u8], mut i: usize, lit: &str, ci: bool) -> Option<usize> {
        for &c in lit.as_bytes() {
            match b.get(i) {
                Some(&h) if h == c || (ci && h.to_ascii_lowercase() == c) => i += 1,
                Some(_) if ci => match folded(b, i, c) {
                    0 => return None,
                    n => i += n,
                },
                _ => return None,
            }
        }
        Some(i)
    }

    /// The length of the character at `i` when it is in `[A-Za-z0-9]`
    /// (under `(?i)` when `ci`); 0 otherwise.
    fn alnum(b: &[u8], i: usize, ci: bool) -> usize {
        match b.get(i) {
            Some(c) if c.is_ascii_alphanumeric() => 1,
            Some(_) if ci => folded(b, i, b's').max(folded(b, i, b'k')),
            _ => 0,
        }
    }

    /// The length of the character at `i` when it may stand in the local
    /// part of an address after its first character.
    fn local(b: &[u8], i: usize, ci: bool) -> usize {
        match b.get(i) {
            Some(c) if b"._%+-=/!#$&'*?^`{|}~".contains(c) => 1,
            _ => alnum(b, i, ci),
        }
    }

    /// The ends of an address (the formats' `ADDR`:
    /// `[A-Za-z0-9][A-Za-z0-9._%+\-=/!#$&'*?^`{|}~]*@[A-Za-z0-9][A-Za-z0-9.\-]*[A-Za-z0-9]`)
    /// starting at `i`, in the order the regex tries them: longest first.
    /// The local part can only end at the first `@`; the domain may end
    /// after any of its letters or digits but the first.
    pub(crate) fn addr_ends(b: &[u8], i: usize, ci: bool) -> impl Iterator<Item = usize> + '_ {
        let mut ends: Option<(usize, usize)> = None;
        let n = alnum(b, i, ci);
        if n > 0 {
            let mut j = i + n;
            loop {
                match local(b, j, ci) {
                    0 => break,
                    n => j += n,
                }
            }
            let d = alnum(b, j + 1, ci);
            if b.get(j) == Some(&b'@') && d > 0 {
                // The run of domain characters after the first one.
                let first_end = j + 1 + d;
                let mut k = first_end;
                loop {
                    match b.get(k) {
                        Some(b'.' | b'-') => k += 1,
                        _ => match alnum(b, k, ci) {
                            0 => break,
                            n => k += n,
                        },
                    }
                }
                ends = Some((first_end, k));
            }
        }
        // Walk back through the run: the characters in it are ASCII, `ſ`
        // or `K`, so each step back is unambiguous.
        let (floor, mut at) = ends.unwrap_or((0, 0));
        std::iter::from_fn(move || {
            while at > floor {
                let end = at;
                let len = if b[at - 1] < 0x80 {
                    1
                } else if b[..at].ends_with(&LONG_S) {
                    2
                } else {
                    3
                };
                at -= len;
                if len > 1 || b[at].is_ascii_alphanumeric() {
                    return Some(end);
                }
            }
            None
        })
    }

    /// The longest address starting at `i` (see [`addr_ends`]).
    pub(crate) fn addr(b: &[u8], i: usize, ci: bool) -> Option<usize> {
        addr_ends(b, i, ci).next()
    }

    /// The end of `[^\x00-\x7f]{1,8}` at `i` under `(?i)`, where the class
    /// (folded, then negated) leaves out `ſ` and `K`.
    pub(crate) fn non_ascii_1_to_8(b: &[u8], i: usize) -> Option<usize> {
        let mut j = i;
        let mut n = 0;
        while n < 8 && b.get(j).is_some_and(|&c| c >= 0x80) {
            if folded(b, j, b's') + folded(b, j, b'k') > 0 {
                break;
            }
            // A character's continuation bytes follow its first byte.
            j += 1;
            while b.get(j).is_some_and(|&c| c & 0xC0 == 0x80) {
                j += 1;
            }
            n += 1;
        }
        (n > 0).then_some(j)
    }
}

/// Inputs on which the hand-written matchers are compared with the regexes
/// they replace: every line of the labelled corpus (when present) and of
/// the test fixtures, trimmed, in lower case and joined with the next line,
/// plus random strings made of the pieces a pattern is built from.
#[cfg(test)]
pub(crate) mod oracle {
    use std::fmt::Debug;
    use std::path::Path;
    use std::sync::OnceLock;

    struct Inputs {
        /// Lines of the test fixtures.
        fixtures: Vec<String>,
        /// Lines of the corpus (empty without it).
        corpus: Vec<String>,
    }

    /// The lines of the files in `dirs`, trimmed, in lower case and joined
    /// with the next line as well.
    fn lines_of(dirs: &[std::path::PathBuf]) -> Vec<String> {
        let mut texts = Vec::new();
        for d in dirs {
            let mut files: Vec<_> = std::fs::read_dir(d)
                .expect("fixture directory")
                .flatten()
                .map(|e| e.path())
                .collect();
            files.sort();
            for f in files {
                let raw = std::fs::read(&f).expect("fixture");
                let s = String::from_utf8_lossy(&raw);
                let lines: Vec<&str> = s.lines().collect();
                for (k, l) in lines.iter().enumerate() {
                    texts.push(l.to_string());
                    texts.push(l.trim().to_string());
                    texts.push(l.to_ascii_lowercase());
                    if let Some(n) = lines.get(k + 1) {
                        texts.push(format!("{} {}", l.trim(), n.trim()));
                    }
                }
            }
        }
        texts.sort_unstable();
        texts.dedup();
        texts
    }

    fn inputs() -> &'static Inputs {
        static I: OnceLock<Inputs> = OnceLock::new();
        I.get_or_init(|| {
            let root = Path::new(env!("CARGO_MANIFEST_DIR"));
            // ../shared from the project root; a git worktree one level deeper also works.
            let corpus = [
                root.join("../shared/corpus/sisimai"),
                root.join("../../shared/corpus/sisimai"),
            ]
            .into_iter()
            .find(|p| p.join("lf").is_dir());
            if corpus.is_none() {
                eprintln!("corpus not found: comparing on the test fixtures only");
            }
            Inputs {
                fixtures: lines_of(&[
                    root.join("tests/fixtures/unseen"),
                    root.join("tests/fixtures/diagnose"),
                ]),
                corpus: corpus.map_or_else(Vec::new, |c| {
                    lines_of(&[c.join("lf"), c.join("not-bounce")])
                }),
            }
        })
    }

    /// `n` strings (a fixed seed: the same ones on every run): half made of
    /// up to 12 random `pieces`, half an `edge` case with up to three
    /// random edits (a piece put in, a stretch taken out, the end cut off),
    /// so that near misses of each pattern are tried too.
    pub(crate) fn random(edge: &[&str], pieces: &[&str], n: usize) -> Vec<String> {
        let mut state: u64 = 0x9E37_79B9_7F4A_7C15;
        let mut next = move |m: usize| {
            state ^= state << 13;
            state ^= state >> 7;
            state ^= state << 17;
            (state % m.max(1) as u64) as usize
        };
        (0..n)
            .map(|k| {
                if k % 2 == 0 || edge.is_empty() {
                    let len = next(12) + 1;
                    return (0..len).map(|_| pieces[next(pieces.len())]).collect();
                }
                let mut s: Vec<char> = edge[next(edge.len())].chars().collect();
                for _ in 0..next(3) + 1 {
                    let at = next(s.len() + 1);
                    match next(3) {
                        0 => {
                            let p: Vec<char> = pieces[next(pieces.len())].chars().collect();
                            s.splice(at..at, p);
                        }
                        1 => {
                            let end = (at + next(4) + 1).min(s.len());
                            s.drain(at..end);
                        }
                        _ => s.truncate(at),
                    }
                }
                s.into_iter().collect()
            })
            .collect()
    }

    /// Asserts that `new` gives what `old` (the regex) gives on every input
    /// line, each of `edge` and each of `random(edge, pieces)`, and that
    /// `old` found something on at least `min.0` lines of the corpus (when
    /// present), `min.1` of the fixtures and 1% of the random strings, so
    /// that the comparison is not an empty one.
    pub(crate) fn same<T: PartialEq + Debug>(
        edge: &[&str],
        pieces: &[&str],
        min: (usize, usize),
        new: impl Fn(&str) -> Option<T>,
        old: impl Fn(&str) -> Option<T>,
    ) {
        let inp = inputs();
        let check = |texts: &[String], what: &str| {
            let mut found = 0;
            for t in texts {
                let want = old(t);
                found += usize::from(want.is_some());
                assert_eq!(new(t), want, "{what} {t:?}");
            }
            eprintln!("{what}: {found} of {} match", texts.len());
            found
        };
        let found = check(&inp.corpus, "corpus line");
        assert!(
            inp.corpus.is_empty() || found >= min.0,
            "corpus: only {found} match"
        );
        let found = check(&inp.fixtures, "fixture line");
        assert!(found >= min.1, "fixtures: only {found} match");
        for t in edge {
            assert_eq!(new(t), old(t), "edge case {t:?}");
        }
        let random = random(edge, pieces, 40_000);
        let found = check(&random, "random");
        assert!(found >= random.len() / 100, "random: only {found} match");
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
