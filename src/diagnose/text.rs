//! Cheap text primitives for the engine's hot paths: line splitting with
//! memchr and byte checks that rule lines out before a regex runs.

/// The lines of `text`, exactly as [`str::lines`] gives them (split at
/// `\n`, a `\r` before it removed, no empty last line after a final `\n`),
/// found with memchr instead of a byte-by-byte search.
pub(crate) fn lines(text: &str) -> impl Iterator<Item = &str> {
    let mut rest = Some(text);
    std::iter::from_fn(move || {
        let r = rest?;
        if r.is_empty() {
            rest = None;
            return None;
        }
        match memchr::memchr(b'\n', r.as_bytes()) {
            Some(p) => {
                rest = Some(&r[p + 1..]);
                let line = &r[..p];
                Some(line.strip_suffix('\r').unwrap_or(line))
            }
            // A last line without `\n` keeps a trailing `\r`.
            None => {
                rest = None;
                Some(r)
            }
        }
    })
}

/// Calls `found` with the position of each `\n` in `b`, in order, while
/// it returns true. The engine walks many short lines: a search per line
/// (memchr) costs some fifty instructions to set up and finish, where a
/// pass that compares sixteen bytes at a time and lists the line breaks it
/// saw costs a few per line.
pub(crate) fn each_newline(b: &[u8], mut found: impl FnMut(usize) -> bool) {
    let mut i = 0;
    #[cfg(target_arch = "x86_64")]
    {
        use std::arch::x86_64::{
            __m128i, _mm_cmpeq_epi8, _mm_loadu_si128, _mm_movemask_epi8, _mm_set1_epi8,
        };
        // SAFETY: SSE2 is part of every x86_64 processor, and each load reads
        // the sixteen bytes b[i..i + 16], which are in bounds.
        unsafe {
            let nl = _mm_set1_epi8(b'\n' as i8);
            while i + 16 <= b.len() {
                let v = _mm_loadu_si128(b.as_ptr().add(i).cast::<__m128i>());
                let mut mask = _mm_movemask_epi8(_mm_cmpeq_epi8(v, nl)) as u32;
                while mask != 0 {
                    if !found(i + mask.trailing_zeros() as usize) {
                        return;
                    }
                    mask &= mask - 1;
                }
                i += 16;
            }
        }
    }
    for (k, &c) in b[i..].iter().enumerate() {
        if c == b'\n' && !found(i + k) {
            return;
        }
    }
}

/// [`lines`] collected, into a vector sized for them from the start:
/// collecting the iterator grew the vector (and copied it) a dozen times for
/// a long part.
pub(crate) fn line_vec(text: &str) -> Vec<&str> {
    let b = text.as_bytes();
    // Room for lines of 24 bytes on average; longer in bounces.
    let mut out = Vec::with_capacity(b.len() / 24 + 2);
    let mut start = 0;
    each_newline(b, |p| {
        let line = &text[start..p];
        out.push(line.strip_suffix('\r').unwrap_or(line));
        start = p + 1;
        true
    });
    if start < text.len() {
        out.push(&text[start..]);
    }
    out
}

/// Every occurrence of many fixed patterns in a short text, overlapping ones
/// included: what the classifier's rule table and the knowledge base's
/// matcher ask of each diagnostic (a hundred bytes or so).
///
/// At each position of the text, the four bytes there are hashed and
/// looked up in a bit table of 8 KiB, which says whether some pattern may
/// begin with them; only then is the table of patterns by their first four
/// bytes read, and those patterns compared in full. Where many patterns
/// begin alike ("blocked using ..."), those long enough are kept in a
/// further table by their first eight bytes, and so on, so that a common
/// word in the text costs a few comparisons, not a hundred. Patterns
/// shorter than four bytes are searched for one by one.
///
/// The bit table stays in the processor's first-level cache, and the
/// positions do not depend on each other. The DFA over the patterns'
/// prefixes this replaces took fewer instructions, but each byte waited
/// for the previous one's state, read from a table of hundreds of
/// kilobytes that was cold for every new diagnostic.
#[derive(Debug)]
pub(crate) struct PrefixSet {
    /// `long[d]`: patterns of at least `4 (d + 1)` bytes, by the key of
    /// their first `4 (d + 1)` bytes (see [`PrefixSet::key`]).
    long: Vec<Groups>,
    /// Shorter patterns, each searched for on its own: they are few (two
    /// in the rule table, none in the knowledge base as shipped).
    short: Vec<u32>,
    /// For each group, the patterns in it, in their order.
    members: Vec<u32>,
    /// Each pattern's range in `bytes`, where they are stored one after
    /// the other.
    spans: Vec<(u32, u32)>,
    bytes: Vec<u8>,
}

/// Groups of patterns by key: a bit per hash value, then an open-addressed
/// table. Keys are hashes themselves, so two prefixes may share a group;
/// every pattern is compared in full before it counts.
#[derive(Debug)]
struct Groups {
    bits: Box<[u64; Groups::WORDS]>,
    slots: Vec<Slot>,
    /// `slots.len() - 1` (a power of two).
    mask: u32,
}

#[derive(Debug, Clone, Copy, Default)]
struct Slot {
    key: u32,
    /// The group's range of `PrefixSet::members`.
    members: (u32, u32),
    used: bool,
    /// Whether longer patterns of this group are in the next table.
    deeper: bool,
}

impl Groups {
    /// Bits in `bits`: 2^16.
    const BITS: u32 = 16;
    const WORDS: usize = (1 << Self::BITS) / 64;

    fn hash(key: u32) -> u32 {
        key.wrapping_mul(0x9e37_79b1)
    }

    fn new(groups: &[Slot]) -> Groups {
        let size = (groups.len() * 2).next_power_of_two().max(2);
        let mask = size as u32 - 1;
        let mut bits = Box::new([0u64; Self::WORDS]);
        let mut slots = vec![Slot::default(); size];
        for g in groups {
            let h = Self::hash(g.key) >> (32 - Self::BITS);
            bits[(h / 64) as usize] |= 1 << (h % 64);
            let mut i = Self::hash(g.key) & mask;
            while slots[i as usize].used {
                i = (i + 1) & mask;
            }
            slots[i as usize] = *g;
        }
        Groups { bits, slots, mask }
    }

    /// Whether `bits` has the bit of `key` (which all keys in the table
    /// have).
    #[inline(always)]
    fn may_have(bits: &[u64; Self::WORDS], key: u32) -> bool {
        let b = Self::hash(key) >> (32 - Self::BITS);
        bits[(b / 64) as usize] & (1 << (b % 64)) != 0
    }

    /// The group of `key`, if there is one.
    fn get(&self, key: u32) -> Option<&Slot> {
        if !Self::may_have(&self.bits, key) {
            return None;
        }
        self.probe(key)
    }

    /// [`Groups::get`] once the bit table has said yes.
    fn probe(&self, key: u32) -> Option<&Slot> {
        let mut i = Self::hash(key) & self.mask;
        loop {
            let slot = &self.slots[i as usize];
            if !slot.used {
                return None;
            }
            if slot.key == key {
                return Some(slot);
            }
            i = (i + 1) & self.mask;
        }
    }
}

impl PrefixSet {
    /// Bytes of a pattern taken per table.
    const WINDOW: usize = 4;
    /// At most how many patterns of a group are compared at one position
    /// before the longer ones go to the next table.
    const SHARED: usize = 3;

    /// The key of the first `4 (d + 1)` bytes, from the key of the first
    /// `4 d` (`None` for `d = 0`) and the four bytes after them.
    #[inline(always)]
    fn key(previous: Option<u32>, w: &[u8]) -> u32 {
        let next = u32::from_le_bytes([w[0], w[1], w[2], w[3]]);
        match previous {
            None => next,
            Some(k) => k.rotate_left(7).wrapping_mul(0x85eb_ca6b) ^ next,
        }
    }

    /// `None` for an empty pattern, or when the patterns' total length does
    /// not fit in 32 bits.
    pub(crate) fn new<P: AsRef<[u8]>>(patterns: impl IntoIterator<Item = P>) -> Option<PrefixSet> {
        const W: usize = PrefixSet::WINDOW;
        let patterns: Vec<P> = patterns.into_iter().collect();
        let pattern = |k: u32| patterns[k as usize].as_ref();
        let total: usize = patterns.iter().map(|p| p.as_ref().len()).sum();
        if patterns.iter().any(|p| p.as_ref().is_empty()) || u32::try_from(total).is_err() {
            return None;
        }
        let mut members = Vec::new();
        // Patterns grouped by key, in order of first appearance.
        let grouped = |ks: &mut dyn Iterator<Item = (u32, u32)>| {
            let mut groups: Vec<(u32, Vec<u32>)> = Vec::new();
            let mut index: std::collections::HashMap<u32, usize> = Default::default();
            for (key, k) in ks {
                let g = *index.entry(key).or_insert_with(|| {
                    groups.push((key, Vec::new()));
                    groups.len() - 1
                });
                groups[g].1.push(k);
            }
            groups
        };
        let mut slot = |key: u32, g: &[u32], deeper: bool| {
            let a = members.len() as u32;
            members.extend_from_slice(g);
            Slot {
                key,
                members: (a, members.len() as u32),
                used: true,
                deeper,
            }
        };
        let short: Vec<u32> = (0..patterns.len() as u32)
            .filter(|&k| pattern(k).len() < W)
            .collect();
        // (key so far, pattern) of the patterns for table `long.len()`.
        let mut level: Vec<(u32, u32)> = (0..patterns.len() as u32)
            .filter(|&k| pattern(k).len() >= W)
            .map(|k| (Self::key(None, &pattern(k)[..W]), k))
            .collect();
        let mut long = Vec::new();
        while !level.is_empty() {
            let depth = (long.len() + 1) * W;
            let mut next = Vec::new();
            let mut slots = Vec::new();
            for (key, g) in grouped(&mut level.iter().copied()) {
                let (stay, go): (Vec<u32>, Vec<u32>) = if g.len() > Self::SHARED {
                    g.iter().partition(|&&k| pattern(k).len() < depth + W)
                } else {
                    (g, Vec::new())
                };
                slots.push(slot(key, &stay, !go.is_empty()));
                next.extend(
                    go.iter()
                        .map(|&k| (Self::key(Some(key), &pattern(k)[depth..depth + W]), k)),
                );
            }
            long.push(Groups::new(&slots));
            level = next;
        }
        let (mut spans, mut bytes) = (Vec::new(), Vec::with_capacity(total));
        for p in &patterns {
            spans.push((bytes.len() as u32, (bytes.len() + p.as_ref().len()) as u32));
            bytes.extend_from_slice(p.as_ref());
        }
        Some(PrefixSet {
            long,
            short,
            members,
            spans,
            bytes,
        })
    }

    /// Calls `found(pattern, start, end)` for every occurrence of every
    /// pattern in `hay` (overlapping ones too): those of four bytes or more
    /// in the order they start, then the shorter ones in the order they
    /// start.
    pub(crate) fn each(&self, hay: &[u8], mut found: impl FnMut(usize, usize, usize)) {
        let mut compare = |slot: &Slot, start: usize| {
            let rest = &hay[start..];
            let (a, z) = slot.members;
            for &k in &self.members[a as usize..z as usize] {
                let p = self.pattern(k);
                if rest.starts_with(p) {
                    found(k as usize, start, start + p.len());
                }
            }
        };
        if let Some(first) = self.long.first() {
            let bits: &[u64; Groups::WORDS] = &first.bits;
            for (start, w) in hay.windows(Self::WINDOW).enumerate() {
                let key = Self::key(None, w);
                if Groups::may_have(bits, key) {
                    self.groups_at(hay, start, key, &mut compare);
                }
            }
        }
        for &k in &self.short {
            let p = self.pattern(k);
            // One after another, overlapping ones too ("bb" twice in "bbb").
            let mut from = 0;
            while let Some(i) = hay.get(from..).and_then(|h| memchr::memmem::find(h, p)) {
                found(k as usize, from + i, from + i + p.len());
                from += i + 1;
            }
        }
    }

    /// Pattern `k`'s bytes.
    fn pattern(&self, k: u32) -> &[u8] {
        let (a, z) = self.spans[k as usize];
        &self.bytes[a as usize..z as usize]
    }

    /// The groups of `key` (the first four bytes at `start`) and of the
    /// longer prefixes there, compared: apart from the bit table's test,
    /// which the caller makes.
    #[inline(never)]
    fn groups_at(
        &self,
        hay: &[u8],
        start: usize,
        mut key: u32,
        compare: &mut impl FnMut(&Slot, usize),
    ) {
        const W: usize = PrefixSet::WINDOW;
        let mut depth = W;
        for table in &self.long {
            let slot = if depth == W {
                table.probe(key)
            } else {
                table.get(key)
            };
            let Some(slot) = slot else {
                return;
            };
            compare(slot, start);
            match (slot.deeper, hay.get(start + depth..start + depth + W)) {
                (true, Some(w)) => key = Self::key(Some(key), w),
                _ => return,
            }
            depth += W;
        }
    }
}

/// Prepared vectorised searchers for a fixed list of words, built on first
/// use: for callers that need to know which word occurs, or where.
pub(crate) struct Finders {
    words: &'static [&'static str],
    finders: std::sync::OnceLock<Vec<memchr::memmem::Finder<'static>>>,
}

impl Finders {
    /// The list; the searchers are built on first use.
    pub(crate) const fn new(words: &'static [&'static str]) -> Finders {
        Finders {
            words,
            finders: std::sync::OnceLock::new(),
        }
    }

    /// One searcher per word, in list order.
    pub(crate) fn get(&self) -> &[memchr::memmem::Finder<'static>] {
        self.finders.get_or_init(|| {
            (self.words.iter())
                .map(|w| memchr::memmem::Finder::new(w.as_bytes()))
                .collect()
        })
    }
}

/// A fixed list of phrases looked for together: one prefiltered
/// Aho-Corasick search instead of a substring search per phrase, which
/// matters when the text is a whole bounce.
pub(crate) struct Phrases {
    words: &'static [&'static str],
    /// Searched with a DFA whatever its size (for long texts).
    dfa: bool,
    automaton: std::sync::OnceLock<Option<aho_corasick::AhoCorasick>>,
    /// Prepared searchers, for short lists.
    finders: Finders,
}

impl Phrases {
    const fn build(words: &'static [&'static str], dfa: bool) -> Phrases {
        Phrases {
            words,
            dfa,
            automaton: std::sync::OnceLock::new(),
            finders: Finders::new(words),
        }
    }

    /// The list; the automaton is built on first use.
    pub(crate) const fn new(words: &'static [&'static str]) -> Phrases {
        Phrases::build(words, false)
    }

    /// The list, searched with a DFA: for a list run over whole messages,
    /// where the DFA's speed is worth its memory.
    pub(crate) const fn with_dfa(words: &'static [&'static str]) -> Phrases {
        Phrases::build(words, true)
    }

    /// True when any of the phrases occurs in `hay`.
    pub(crate) fn any_in(&self, hay: &str) -> bool {
        // A few exact phrases: one vectorised search each beats the
        // automaton, which steps byte by byte through short texts.
        if self.words.len() <= 4 {
            let finders = self.finders.get();
            return finders.iter().any(|f| f.find(hay.as_bytes()).is_some());
        }
        let ac = self.automaton.get_or_init(|| {
            aho_corasick::AhoCorasick::builder()
                // A DFA is fastest, but for lists of some length it costs a
                // few hundred KiB each and resident memory has a budget.
                .kind(Some(
                    if self.dfa || self.words.iter().map(|w| w.len()).sum::<usize>() <= 160 {
                        aho_corasick::AhoCorasickKind::DFA
                    } else {
                        aho_corasick::AhoCorasickKind::ContiguousNFA
                    },
                ))
                .build(self.words)
                .ok()
        });
        match ac {
            Some(ac) => ac.is_match(hay),
            // Only if building failed: one search per phrase.
            None => self
                .words
                .iter()
                .any(|w| hay.as_bytes().windows(w.len()).any(|b| b == w.as_bytes())),
        }
    }
}

/// True for the ASCII white space of the engine's regexes (`\s` on ASCII).
pub(crate) const fn is_space(b: u8) -> bool {
    matches!(b, b' ' | b'\t' | b'\n' | 0x0B | 0x0C | b'\r')
}

/// What a byte can be in a word split ([`words`]): 0 part of a word, 1 ASCII
/// white space, 2 the first byte of a character that may be Unicode white
/// space (U+0085, U+00A0, U+1680, U+2000-U+205F, U+3000).
static SPACE_CLASS: [u8; 256] = {
    let mut t = [0u8; 256];
    let mut i = 0;
    while i < 256 {
        t[i] = match i as u8 {
            b if is_space(b) => 1,
            0xC2 | 0xE1 | 0xE2 | 0xE3 => 2,
            _ => 0,
        };
        i += 1;
    }
    t
};

/// Where the white space (Unicode's) at byte `i` of `s` ends.
fn past_space(s: &str, mut i: usize) -> usize {
    let b = s.as_bytes();
    while i < b.len() {
        match SPACE_CLASS[usize::from(b[i])] {
            0 => break,
            1 => i += 1,
            _ => match unicode_space(s, i) {
                0 => break,
                n => i += n,
            },
        }
    }
    i
}

/// The words of `s` joined by single spaces (runs of white space, line
/// breaks included, become one space; none at the ends), as joining
/// [`words`] would give them. Text between runs is copied whole: a word at a
/// time cost a copy call per word of diagnostic.
pub(crate) fn squash(s: &str) -> String {
    let b = s.as_bytes();
    let class = |i: usize| SPACE_CLASS[usize::from(b[i])];
    let mut out = String::with_capacity(s.len());
    let mut i = 0;
    loop {
        i = past_space(s, i);
        if i >= b.len() {
            return out;
        }
        if !out.is_empty() {
            out.push(' ');
        }
        // Words and the single spaces between them.
        let start = i;
        loop {
            while i < b.len() && class(i) == 0 {
                i += 1;
            }
            if i + 1 < b.len() && b[i] == b' ' && class(i + 1) == 0 {
                i += 2;
            } else if i < b.len() && class(i) == 2 && unicode_space(s, i) == 0 {
                i += 1;
            } else {
                break;
            }
        }
        out.push_str(&s[start..i]);
    }
}

/// The words of `s`, exactly as [`str::split_whitespace`] gives them
/// (Unicode white space separates), found with a byte table: the standard
/// iterator's general pattern machinery costs several times more per word.
pub(crate) fn words(s: &str) -> impl Iterator<Item = &str> {
    let b = s.as_bytes();
    let mut i = 0;
    std::iter::from_fn(move || {
        i = past_space(s, i);
        if i >= b.len() {
            return None;
        }
        let start = i;
        while i < b.len() {
            match SPACE_CLASS[usize::from(b[i])] {
                0 => i += 1,
                1 => break,
                _ if unicode_space(s, i) > 0 => break,
                _ => i += 1,
            }
        }
        Some(&s[start..i])
    })
}

/// Length of the character at `at` (a character boundary) if it is white
/// space, else 0.
#[cold]
fn unicode_space(s: &str, at: usize) -> usize {
    s[at..]
        .chars()
        .next()
        .filter(|c| c.is_whitespace())
        .map_or(0, char::len_utf8)
}

/// True when `s` starts with `prefix` in ASCII letters of either case
/// (`prefix` lower-case): `s.to_ascii_lowercase().starts_with(prefix)`
/// without the copy.
pub(crate) fn starts_with_ci(s: &str, prefix: &str) -> bool {
    s.as_bytes()
        .get(..prefix.len())
        .is_some_and(|h| h.eq_ignore_ascii_case(prefix.as_bytes()))
}

/// True when `b` has a clock time `dd:dd:dd` somewhere.
pub(crate) fn has_clock(b: &[u8]) -> bool {
    memchr::memchr_iter(b':', b).any(|i| {
        i >= 2
            && b.len() >= i + 6
            && b[i - 2].is_ascii_digit()
            && b[i - 1].is_ascii_digit()
            && b[i + 1].is_ascii_digit()
            && b[i + 2].is_ascii_digit()
            && b[i + 3] == b':'
            && b[i + 4].is_ascii_digit()
            && b[i + 5].is_ascii_digit()
    })
}

/// True when `b` has a digit 2-5 followed by a digit or a dot: every SMTP
/// reply code and enhanced status code has one.
pub(crate) fn has_code_start(b: &[u8]) -> bool {
    b.windows(2)
        .any(|w| matches!(w[0], b'2'..=b'5') && (w[1].is_ascii_digit() || w[1] == b'.'))
}

/// `str::trim` and its one-sided forms, with a fast path: most strings the
/// engine trims (lines, header values, fields) begin and end with a printable
/// ASCII character and need no trimming at all, which the standard trim
/// finds out only by decoding a character at each end. The same result as
/// the standard forms: ASCII white space is skipped byte by byte, and at a
/// non-ASCII byte the standard form takes over.
pub(crate) trait Trimmed {
    fn trimmed(&self) -> &str;
    fn trimmed_start(&self) -> &str;
    fn trimmed_end(&self) -> &str;
}

/// Neither white space nor a byte of a longer character.
#[inline(always)]
fn plain(b: u8) -> bool {
    b > b' ' && b < 0x80
}

impl Trimmed for str {
    #[inline]
    fn trimmed(&self) -> &str {
        self.trimmed_start().trimmed_end()
    }

    #[inline]
    fn trimmed_start(&self) -> &str {
        match self.as_bytes().first() {
            Some(&b) if !plain(b) => trim_start_slow(self),
            _ => self,
        }
    }

    #[inline]
    fn trimmed_end(&self) -> &str {
        match self.as_bytes().last() {
            Some(&b) if !plain(b) => trim_end_slow(self),
            _ => self,
        }
    }
}

#[inline(never)]
fn trim_start_slow(s: &str) -> &str {
    let n = (s.as_bytes().iter()).take_while(|&&b| is_space(b)).count();
    let rest = &s[n..];
    match rest.as_bytes().first() {
        Some(&b) if b >= 0x80 => rest.trim_start(),
        _ => rest,
    }
}

#[inline(never)]
fn trim_end_slow(s: &str) -> &str {
    let n = (s.as_bytes().iter().rev())
        .take_while(|&&b| is_space(b))
        .count();
    let rest = &s[..s.len() - n];
    match rest.as_bytes().last() {
        Some(&b) if b >= 0x80 => rest.trim_end(),
        _ => rest,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// `each_newline` lists what memchr finds, at every length around the
    /// sixteen-byte blocks and with line breaks at every offset, and stops
    /// when asked.
    #[test]
    fn each_newline_finds_every_line_break() {
        for len in 0..70 {
            for step in 1..20 {
                let b: Vec<u8> = (0..len)
                    .map(|i| if i % step == step - 1 { b'\n' } else { b'a' })
                    .collect();
                let want: Vec<usize> = memchr::memchr_iter(b'\n', &b).collect();
                let mut got = Vec::new();
                each_newline(&b, |p| {
                    got.push(p);
                    true
                });
                assert_eq!(got, want, "{len} {step}");
                for stop in 1..=want.len() {
                    let mut got = Vec::new();
                    each_newline(&b, |p| {
                        got.push(p);
                        got.len() < stop
                    });
                    assert_eq!(got, want[..stop], "{len} {step} {stop}");
                }
            }
        }
    }

    /// `squash` gives what joining the words gives.
    /// Strings of white space (ASCII and not), letters and other bytes
    /// below the space, in random order.
    fn random_texts(count: usize) -> Vec<String> {
        let pieces = [
            "a",
            "bc",
            " ",
            "  ",
            "\t",
            "\n",
            "\r\n",
            "\u{a0}",
            "\u{2003}",
            "é",
            "\u{2018}",
            "\u{3000}x",
            "\u{85}",
            "\x0b",
            "\x01",
            "\x1f",
        ];
        let mut seed = 0x2545_f491_4f6c_dd1du64;
        (0..count)
            .map(|_| {
                seed ^= seed << 13;
                seed ^= seed >> 7;
                seed ^= seed << 17;
                let n = (seed % 9) as usize;
                (0..n)
                    .map(|k| pieces[((seed >> (5 * k + 8)) % pieces.len() as u64) as usize])
                    .collect()
            })
            .collect()
    }

    #[test]
    fn squash_joins_the_words() {
        for t in random_texts(20_000) {
            let want = t.split_whitespace().collect::<Vec<_>>().join(" ");
            assert_eq!(squash(&t), want, "{t:?}");
        }
    }

    #[test]
    fn trimmed_is_trim() {
        for t in random_texts(20_000) {
            assert_eq!(t.trimmed(), t.trim(), "{t:?}");
            assert_eq!(t.trimmed_start(), t.trim_start(), "{t:?}");
            assert_eq!(t.trimmed_end(), t.trim_end(), "{t:?}");
        }
    }

    /// Every occurrence of every pattern, found one pattern at a time.
    fn occurrences(patterns: &[String], hay: &[u8]) -> Vec<(usize, usize, usize)> {
        let mut out = Vec::new();
        for (k, p) in patterns.iter().enumerate() {
            let p = p.as_bytes();
            for start in 0..hay.len() {
                if hay[start..].starts_with(p) {
                    out.push((k, start, start + p.len()));
                }
            }
        }
        out.sort();
        out
    }

    /// `PrefixSet` finds what a search for each pattern finds, on pattern
    /// lists built to share prefixes (many patterns begin alike, some are
    /// prefixes or suffixes of others, some repeat) and texts made of the
    /// same few letters, so that occurrences overlap and crowd.
    #[test]
    fn prefix_set_finds_every_occurrence() {
        let mut seed = 0x9e37_79b9_7f4a_7c15u64;
        let mut next = move |n: u64| {
            seed ^= seed << 13;
            seed ^= seed >> 7;
            seed ^= seed << 17;
            (seed % n) as usize
        };
        let letters = ["a", "b", "c", " ", "é", "ma", "il"];
        for round in 0..200 {
            let count = 1 + next(40);
            let mut patterns: Vec<String> = Vec::new();
            for _ in 0..count {
                let len = 1 + next(if round % 2 == 0 { 4 } else { 12 });
                let mut p: String = (0..len).map(|_| letters[next(7)]).collect();
                if !patterns.is_empty() && next(3) == 0 {
                    // A longer or shorter form of an earlier pattern.
                    let q = patterns[next(patterns.len() as u64)].clone();
                    p = if next(2) == 0 {
                        q + &p
                    } else {
                        q.chars().skip(1).collect()
                    };
                }
                if !p.is_empty() {
                    patterns.push(p);
                }
            }
            let set = PrefixSet::new(&patterns).expect("builds");
            for _ in 0..20 {
                let hay: String = (0..next(60)).map(|_| letters[next(7)]).collect();
                let mut found = Vec::new();
                set.each(hay.as_bytes(), |k, s, e| found.push((k, s, e)));
                found.sort();
                assert_eq!(
                    found,
                    occurrences(&patterns, hay.as_bytes()),
                    "{patterns:?} in {hay:?}"
                );
            }
        }
        assert!(PrefixSet::new(["a", ""]).is_none());
    }

    #[test]
    fn phrases_are_found_anywhere() {
        static P: Phrases = Phrases::new(&["could not be delivered", "bounce"]);
        assert!(P.any_in("your mail could not be delivered."));
        assert!(P.any_in("a bounce"));
        assert!(!P.any_in("delivered fine"));
        assert!(!P.any_in(""));
        assert!(!P.any_in("A BOUNCE"));
    }

    /// Our splitter gives what the standard library's gives, on each text.
    fn splits_like_std(
        texts: &[&str],
        ours: for<'a> fn(&'a str) -> Vec<&'a str>,
        std: for<'a> fn(&'a str) -> Vec<&'a str>,
    ) {
        for t in texts {
            assert_eq!(ours(t), std(t), "{t:?}");
        }
    }

    #[test]
    fn lines_split_like_the_standard_library() {
        let texts = [
            "",
            "a",
            "a\n",
            "a\nb",
            "a\r\nb\r\n",
            "\n\n",
            "a\n\nb\n",
            "\r",
            "a\rb\n",
            "x\r\n\r\n",
        ];
        splits_like_std(&texts, |t| lines(t).collect(), |t| t.lines().collect());
        splits_like_std(&texts, line_vec, |t| t.lines().collect());
    }

    #[test]
    fn words_split_like_the_standard_library() {
        splits_like_std(
            &[
                "",
                "   ",
                "a",
                " a  b\t\tc\r\n",
                "\x0Bx\x0Cy\x1Fz",
                "caf\u{e9} \u{a0}na\u{ef}ve\u{3000}x\u{2028}",
                "\u{85}end\u{85}",
            ],
            |t| words(t).collect(),
            |t| t.split_whitespace().collect(),
        );
    }

    #[test]
    fn cheap_checks() {
        assert!(has_clock(b"Nov 23 17:00:00 x"));
        assert!(has_clock(b"17:00:00"));
        assert!(!has_clock(b"a:b 17:00 x: 1:2:3"));
        assert!(has_code_start(b"said: 550 no"));
        assert!(has_code_start(b"(#5.1.1)"));
        assert!(!has_code_start(b"no code 1.9 here 61"));
    }
}
