//! The knowledge base: entries loaded from YAML, validated, and searchable.

pub mod lint;
pub mod load;
pub mod schema;
pub mod search;

pub use schema::{Actor, CheckKind, Entry, Reason, Severity};
pub use search::{Hit, Index};

use regex::Regex;
use std::collections::HashMap;
use std::fmt;
use std::path::{Path, PathBuf};
use std::sync::{Arc, OnceLock};

mod embedded {
    include!(concat!(env!("OUT_DIR"), "/embedded_knowledge.rs"));
}

/// A problem found in a knowledge file, printed as `path:line: message`.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct Problem {
    /// File the problem is in.
    pub path: String,
    /// 1-based line.
    pub line: usize,
    /// What is wrong, in words.
    pub message: String,
}

impl fmt::Display for Problem {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}:{}: {}", self.path, self.line, self.message)
    }
}

/// A compiled `match` pattern of an entry.
#[derive(Debug, Clone)]
pub enum Pattern {
    /// Case-insensitive literal fragment, stored lower-case.
    Literal(String),
    /// Case-insensitive regular expression (`re:` prefix in YAML).
    Regex(LazyRegex),
}

/// A validated regular expression compiled on first use: a text is only run
/// through the few regexes whose literal prefixes it contains (see
/// [`Matcher`]), so most patterns are never compiled at all. Clones share the
/// compiled program. Like the engine's own regexes it is compiled with ASCII
/// `\b`, `\w`, `\d` and `\s` (see `diagnose::rx`): the Unicode classes made
/// each compiled pattern several times larger for no difference in what the
/// entries' patterns find in bounce texts.
#[derive(Debug, Clone)]
pub struct LazyRegex {
    source: String,
    compiled: Arc<OnceLock<Option<Regex>>>,
}

impl LazyRegex {
    /// The pattern as compiled (with its `(?i)` prefix).
    pub fn as_str(&self) -> &str {
        &self.source
    }

    fn get(&self) -> Option<&Regex> {
        self.compiled
            .get_or_init(|| crate::diagnose::rx::new(&self.source).ok())
            .as_ref()
    }
}

impl Pattern {
    /// Compile one YAML `match` string (a regex is checked now, kept for later).
    pub fn compile(source: &str) -> Result<Pattern, regex::Error> {
        if let Some(re) = source.strip_prefix("re:") {
            crate::diagnose::rx::new(&format!("(?i){}", re.trim()))?;
        }
        Ok(Pattern::prepare(source))
    }

    /// Prepare a `match` string already checked with [`Pattern::compile`]
    /// (by the knowledge lint): a regex is compiled on first use only, and
    /// one that does not compile never matches.
    pub fn prepare(source: &str) -> Pattern {
        match source.strip_prefix("re:") {
            Some(re) => Pattern::Regex(LazyRegex {
                source: format!("(?i){}", re.trim()),
                compiled: Arc::default(),
            }),
            None => Pattern::Literal(source.to_lowercase()),
        }
    }

    /// Where this pattern matches in `text`; `text_lower` must be `text.to_lowercase()`.
    pub fn find(&self, text_lower: &str) -> Option<(usize, usize)> {
        match self {
            Pattern::Literal(lit) => text_lower.find(lit.as_str()).map(|s| (s, s + lit.len())),
            Pattern::Regex(re) => re.get()?.find(text_lower).map(|m| (m.start(), m.end())),
        }
    }

    /// How specific the pattern is (longer literal = more specific).
    pub fn weight(&self) -> usize {
        match self {
            Pattern::Literal(lit) => lit.len(),
            Pattern::Regex(re) => re.as_str().len().saturating_sub(4).min(60),
        }
    }
}

/// The loaded knowledge base: entries, their compiled patterns and load problems.
#[derive(Debug, Clone, Default)]
pub struct KnowledgeBase {
    /// All entries, built-in first, user entries overriding by id.
    pub entries: Vec<Entry>,
    /// Compiled `match` patterns, parallel to `entries`.
    pub patterns: Vec<Vec<Pattern>>,
    /// Problems met while loading (shown in the status bar and by `kb lint`).
    pub problems: Vec<Problem>,
    by_id: HashMap<String, usize>,
    /// Every pattern of every entry in one scan, built on first use.
    matcher: OnceLock<Matcher>,
    /// Entries per listed code, in base order, built on first use.
    by_code: OnceLock<HashMap<String, Vec<usize>>>,
    /// The general entries among `by_code`, built on first use.
    general_by_code: OnceLock<HashMap<String, Vec<usize>>>,
}

/// All `match` patterns of the base at once, in one scan of the
/// text: the literals themselves, and for every regular expression the
/// literals its matches must hold (its "gates", see [`gates`]). Only a
/// regex whose gates occur in the text is run, on its own. A single `RegexSet`
/// over all regexes did the same in one pass, but its lazy DFA needed
/// megabytes of cache and fell back to the slow NFA simulation on non-ASCII
/// text (Unicode `\b`).
#[derive(Debug, Clone)]
pub(crate) struct Matcher {
    inner: Arc<MatcherInner>,
}

#[derive(Debug)]
struct MatcherInner {
    /// Every distinct literal and gate, found together.
    automaton: Option<crate::diagnose::text::PrefixSet>,
    /// For each automaton pattern: what its occurrence means.
    targets: Vec<Vec<Target>>,
    /// Every regex of the base, with its owning entry and weight.
    regexes: Vec<GatedRegex>,
    /// Regexes without a usable gate: run on every text.
    ungated: Vec<usize>,
}

#[derive(Debug, Clone, Copy)]
enum Target {
    /// A literal pattern of `entry` with this weight occurs.
    Literal { entry: usize, weight: usize },
    /// A literal of the first gate set of the regex `regexes[k]` occurs.
    Gate(usize),
}

#[derive(Debug)]
struct GatedRegex {
    entry: usize,
    weight: usize,
    /// Its second gate set (see [`gates`]), if any: one of these must
    /// occur as well before it is run. Looked for only when the first set
    /// has one in the text; in the scan, short literals such as `5.7.`
    /// would be found in most texts, for many regexes each.
    also: Vec<memchr::memmem::Finder<'static>>,
    regex: LazyRegex,
}

/// Sets of lower-case literals such that every match of `source` (a
/// case-insensitive regex) in lower-case text contains a literal of each
/// set, best first; at most two sets, and `None` when no set is known (the
/// regex must then always be run). A set is what every match begins with,
/// or ends with, or what the match of one of the pattern's parts begins or
/// ends with (`rejected: \S+ listed at` has two: `rejected: ` and ` listed
/// at`). The sets with the longest shortest literals are taken, since a
/// longer literal occurs in fewer texts, and one implied by a set already
/// taken is passed over.
///
/// Sound because the text is lower-case: a match is part of the text, so
/// its characters are lower-case, and [`lower_case_only`] drops the other
/// case of every letter before the literals are spelled out. Without that,
/// `(?i)` makes a class of each letter, the variants double per letter, and
/// the extractor cuts them down to two or three letters, which occur in
/// most texts.
fn gates(source: &str) -> Option<Vec<Vec<String>>> {
    use regex_syntax::hir::literal::ExtractKind;
    use regex_syntax::hir::{Hir, HirKind};
    let hir = lower_case_only(&regex_syntax::Parser::new().parse(source).ok()?);
    // What the matches begin and end with, and, for a sequence, what the
    // match of each tail of it begins with and of each head ends with.
    let mut parts = vec![
        (hir.clone(), ExtractKind::Prefix),
        (hir.clone(), ExtractKind::Suffix),
    ];
    if let HirKind::Concat(subs) = hir.kind() {
        for i in 1..subs.len() {
            parts.push((Hir::concat(subs[i..].to_vec()), ExtractKind::Prefix));
            parts.push((Hir::concat(subs[..i].to_vec()), ExtractKind::Suffix));
        }
    }
    let mut sets: Vec<Vec<String>> = (parts.into_iter())
        .filter_map(|(h, kind)| gates_of(&h, kind))
        .collect();
    let shortest = |g: &Vec<String>| g.iter().map(|l| l.len()).min().unwrap_or(0);
    // Longest shortest literal first; among equals, the order above.
    sets.sort_by_key(|g| std::cmp::Reverse(shortest(g)));
    let mut best: Vec<Vec<String>> = Vec::new();
    for set in sets {
        // `set` is implied when every literal of a taken set contains one of it.
        let implied = |taken: &Vec<String>| {
            (taken.iter()).all(|t| set.iter().any(|l| t.contains(l.as_str())))
        };
        if best.len() < 2 && !best.iter().any(implied) {
            best.push(set);
        }
    }
    (!best.is_empty()).then_some(best)
}

/// The literals of `kind` (prefixes or suffixes) of the matches of `hir`.
fn gates_of(
    hir: &regex_syntax::hir::Hir,
    kind: regex_syntax::hir::literal::ExtractKind,
) -> Option<Vec<String>> {
    use regex_syntax::hir::literal::{ExtractKind, Extractor};
    let suffix = matches!(kind, ExtractKind::Suffix);
    let seq = Extractor::new().kind(kind).limit_total(1024).extract(hir);
    let mut out = Vec::new();
    for lit in seq.literals()? {
        // Literals shortened by the extractor's limits may be cut inside a
        // character (at the end of a prefix, the start of a suffix); a
        // shorter literal is still a valid gate.
        let mut bytes = lit.as_bytes();
        let text = loop {
            match std::str::from_utf8(bytes) {
                Ok(t) => break t,
                Err(_) if suffix && !bytes.is_empty() => bytes = &bytes[1..],
                Err(e) => break std::str::from_utf8(&bytes[..e.valid_up_to()]).ok()?,
            }
        };
        if text.is_empty() {
            return None;
        }
        if text.to_lowercase() == text {
            out.push(text.to_string());
        }
    }
    out.sort();
    out.dedup();
    // No lower-case variant at all cannot happen for a sensible pattern; be
    // safe and run such a regex every time rather than never.
    (!out.is_empty()).then_some(out)
}

/// `hir` with every small class narrowed to the characters that lower-case
/// text can hold (those `to_lowercase` keeps as they are), so that `(?i)t`
/// is the literal `t` again. Large classes (`\S`, `.`, negations) are
/// kept: the extractor does not spell them out anyway. A class left empty
/// matches nothing, as no lower-case text can match it.
fn lower_case_only(hir: &regex_syntax::hir::Hir) -> regex_syntax::hir::Hir {
    use regex_syntax::hir::{
        Capture, Class, ClassUnicode, ClassUnicodeRange, Hir, HirKind, Repetition,
    };
    const SMALL: u32 = 64;
    let lower = |c: char| c.to_lowercase().eq(std::iter::once(c));
    match hir.kind() {
        HirKind::Class(Class::Unicode(class)) => {
            let ranges = class.ranges();
            let size: u32 = ranges.iter().map(|r| r.len() as u32).sum();
            if size > SMALL {
                return hir.clone();
            }
            let kept = (ranges.iter())
                .flat_map(|r| r.start()..=r.end())
                .filter(|&c| lower(c))
                .map(|c| ClassUnicodeRange::new(c, c));
            Hir::class(Class::Unicode(ClassUnicode::new(kept)))
        }
        HirKind::Repetition(r) => Hir::repetition(Repetition {
            sub: Box::new(lower_case_only(&r.sub)),
            ..r.clone()
        }),
        HirKind::Capture(c) => Hir::capture(Capture {
            sub: Box::new(lower_case_only(&c.sub)),
            ..c.clone()
        }),
        HirKind::Concat(subs) => Hir::concat(subs.iter().map(lower_case_only).collect()),
        HirKind::Alternation(subs) => Hir::alternation(subs.iter().map(lower_case_only).collect()),
        // Byte classes come only with `(?-u)`, which no pattern of the base
        // uses; kept as they are, they make the gates shorter, not wrong.
        HirKind::Class(Class::Bytes(_))
        | HirKind::Empty
        | HirKind::Literal(_)
        | HirKind::Look(_) => hir.clone(),
    }
}

impl Matcher {
    pub(crate) fn new(patterns: &[Vec<Pattern>]) -> Matcher {
        let mut index: HashMap<String, usize> = HashMap::new();
        let mut sources: Vec<String> = Vec::new();
        let mut targets: Vec<Vec<Target>> = Vec::new();
        let mut regexes = Vec::new();
        let mut ungated = Vec::new();
        let mut add = |lit: &str, t: Target| {
            let k = *index.entry(lit.to_string()).or_insert_with(|| {
                sources.push(lit.to_string());
                targets.push(Vec::new());
                sources.len() - 1
            });
            targets[k].push(t);
        };
        for (entry, pats) in patterns.iter().enumerate() {
            for p in pats {
                match p {
                    Pattern::Literal(lit) => add(
                        lit,
                        Target::Literal {
                            entry,
                            weight: p.weight(),
                        },
                    ),
                    Pattern::Regex(re) => {
                        let k = regexes.len();
                        // Gates of the pattern as written, with Unicode
                        // classes: ASCII `\d`, `\w` and `\s` are subsets of
                        // the Unicode ones, and a negated class is too large
                        // for the extractor to spell out in either form (the
                        // literals stop there), so every match of the ASCII
                        // pattern still holds the literals. They are also
                        // fewer and shorter: an ASCII bounded `\d` spells out
                        // every digit string it allows.
                        let gated = gates(re.as_str());
                        let also = (gated.iter().flat_map(|sets| sets.get(1)).flatten())
                            .map(|l| memchr::memmem::Finder::new(l.as_bytes()).into_owned())
                            .collect();
                        regexes.push(GatedRegex {
                            entry,
                            weight: p.weight(),
                            also,
                            regex: re.clone(),
                        });
                        match gated {
                            Some(sets) => sets[0].iter().for_each(|l| add(l, Target::Gate(k))),
                            None => ungated.push(k),
                        }
                    }
                }
            }
        }
        // Building only fails on 4 GiB of patterns, far beyond a knowledge base; then
        // literal patterns find nothing and every regex is run.
        let automaton = crate::diagnose::text::PrefixSet::new(&sources);
        if automaton.is_none() {
            ungated = (0..regexes.len()).collect();
        }
        Matcher {
            inner: Arc::new(MatcherInner {
                automaton,
                targets,
                regexes,
                ungated,
            }),
        }
    }

    /// The entries with a pattern in `text_lower` and the best weight of
    /// each, in no particular order.
    pub(crate) fn hits(&self, text_lower: &str) -> Vec<(usize, usize)> {
        let m = &*self.inner;
        let mut hits: Vec<(usize, usize)> = Vec::new();
        let mut note = |entry: usize, weight: usize| match hits.iter_mut().find(|h| h.0 == entry) {
            Some(h) => h.1 = h.1.max(weight),
            None => hits.push((entry, weight)),
        };
        let mut gates: Vec<usize> = Vec::new();
        if let Some(ac) = &m.automaton {
            ac.each(text_lower.as_bytes(), |pattern, _, _| {
                for t in &m.targets[pattern] {
                    match *t {
                        Target::Literal { entry, weight } => note(entry, weight),
                        Target::Gate(k) if !gates.contains(&k) => gates.push(k),
                        Target::Gate(_) => {}
                    }
                }
            });
        }
        let bytes = text_lower.as_bytes();
        let open = gates.iter().copied().filter(|&k| {
            let also = &m.regexes[k].also;
            also.is_empty() || also.iter().any(|f| f.find(bytes).is_some())
        });
        // Ungated regexes have no gate literal, so the two lists are disjoint.
        for k in m.ungated.iter().copied().chain(open) {
            let r = &m.regexes[k];
            if r.regex.get().is_some_and(|re| re.is_match(text_lower)) {
                note(r.entry, r.weight);
            }
        }
        hits.retain(|h| h.1 > 0);
        hits
    }

    /// The best pattern weight per entry that matches `text_lower` (0 for
    /// none): [`Matcher::hits`] with a slot for every one of `entries`.
    pub(crate) fn weights(&self, entries: usize, text_lower: &str) -> Vec<usize> {
        let mut best = vec![0usize; entries];
        for (entry, weight) in self.hits(text_lower) {
            best[entry] = weight;
        }
        best
    }
}

/// The built-in knowledge files as (path, text).
pub fn embedded_files() -> &'static [(&'static str, &'static str)] {
    embedded::EMBEDDED
}

/// The user's knowledge directory: `$XDG_CONFIG_HOME/bounce-doctor/knowledge`
/// (or `~/.config/bounce-doctor/knowledge`).
pub fn user_dir() -> Option<PathBuf> {
    let base = std::env::var_os("XDG_CONFIG_HOME")
        .filter(|v| !v.is_empty())
        .map(PathBuf::from)
        .or_else(|| std::env::var_os("HOME").map(|h| PathBuf::from(h).join(".config")))?;
    Some(base.join("bounce-doctor").join("knowledge"))
}

/// Read every `*.yaml`/`*.yml` file below `dir` (sorted), as (path, text).
/// Unreadable files and directories become problems, not errors.
pub fn read_dir_files(dir: &Path) -> (Vec<(String, String)>, Vec<Problem>) {
    let mut files = Vec::new();
    let mut problems = Vec::new();
    let mut stack = vec![dir.to_path_buf()];
    let mut paths = Vec::new();
    while let Some(d) = stack.pop() {
        match std::fs::read_dir(&d) {
            Ok(rd) => {
                for e in rd.flatten() {
                    let p = e.path();
                    if p.is_dir() {
                        stack.push(p);
                    } else if p.extension().is_some_and(|x| x == "yaml" || x == "yml") {
                        paths.push(p);
                    }
                }
            }
            Err(err) => problems.push(Problem {
                path: d.display().to_string(),
                line: 0,
                message: format!("cannot read knowledge directory: {err}"),
            }),
        }
    }
    paths.sort();
    for p in paths {
        let name = p.display().to_string();
        match std::fs::read(&p) {
            Ok(bytes) => match String::from_utf8(bytes) {
                Ok(text) => files.push((name, text)),
                Err(_) => problems.push(Problem {
                    path: name,
                    line: 1,
                    message: "file is not UTF-8 text".into(),
                }),
            },
            Err(err) => problems.push(Problem {
                path: name,
                line: 0,
                message: format!("cannot read file: {err}"),
            }),
        }
    }
    (files, problems)
}

impl KnowledgeBase {
    /// Only the entries compiled into the binary.
    pub fn builtin() -> KnowledgeBase {
        let files: Vec<(String, String)> = embedded_files()
            .iter()
            .map(|(p, t)| (p.to_string(), t.to_string()))
            .collect();
        let (entries, problems) = lint::parse_and_check(&files, true);
        KnowledgeBase::from_entries(entries, problems)
    }

    /// Built-in entries plus the user's own from `dirs` (later directories win).
    /// A missing directory is silently skipped; anything wrong inside is a problem.
    pub fn load_with(dirs: &[PathBuf]) -> KnowledgeBase {
        let mut kb = KnowledgeBase::builtin();
        for dir in dirs {
            if !dir.exists() {
                continue;
            }
            let (files, mut problems) = read_dir_files(dir);
            let (entries, more) = lint::parse_and_check(&files, false);
            problems.extend(more);
            kb.problems.extend(problems);
            for e in entries {
                kb.upsert(e);
            }
        }
        kb
    }

    /// Built-in entries plus the default user directory and any extra directories.
    pub fn load_default(extra: &[PathBuf]) -> KnowledgeBase {
        let mut dirs: Vec<PathBuf> = user_dir().into_iter().collect();
        dirs.extend(extra.iter().cloned());
        KnowledgeBase::load_with(&dirs)
    }

    /// Build from already-validated entries.
    pub fn from_entries(entries: Vec<Entry>, problems: Vec<Problem>) -> KnowledgeBase {
        let mut kb = KnowledgeBase {
            problems,
            ..KnowledgeBase::default()
        };
        for e in entries {
            kb.upsert(e);
        }
        kb
    }

    fn upsert(&mut self, entry: Entry) {
        self.matcher = OnceLock::new();
        self.by_code = OnceLock::new();
        self.general_by_code = OnceLock::new();
        // Patterns were validated by lint (a full compile each); compiling
        // them all again here doubled the start-up time. An invalid one
        // simply never matches.
        let pats = entry.patterns.iter().map(|p| Pattern::prepare(p)).collect();
        match self.by_id.get(&entry.id) {
            Some(&i) => {
                self.entries[i] = entry;
                self.patterns[i] = pats;
            }
            None => {
                self.by_id.insert(entry.id.clone(), self.entries.len());
                self.entries.push(entry);
                self.patterns.push(pats);
            }
        }
    }

    /// The entry with this id.
    pub fn get(&self, id: &str) -> Option<&Entry> {
        self.by_id.get(id).map(|&i| &self.entries[i])
    }

    /// Index of the entry with this id.
    pub fn position(&self, id: &str) -> Option<usize> {
        self.by_id.get(id).copied()
    }

    /// For every entry, the weight of its most specific pattern found in
    /// `text_lower` (0 = none), scanning the text once for all patterns.
    pub fn pattern_weights(&self, text_lower: &str) -> Vec<usize> {
        self.matcher().weights(self.entries.len(), text_lower)
    }

    /// The base-wide pattern matcher, built once on first use.
    pub(crate) fn matcher(&self) -> &Matcher {
        self.matcher.get_or_init(|| Matcher::new(&self.patterns))
    }

    /// Entries whose `match` patterns occur in `text`, best (most specific) first,
    /// with the byte range of the match. `text_lower` must be lower-case.
    pub fn matching(&self, text_lower: &str) -> Vec<(usize, (usize, usize))> {
        let mut hits: Vec<(usize, usize, (usize, usize))> = Vec::new();
        for (i, w) in self.pattern_weights(text_lower).into_iter().enumerate() {
            if w == 0 {
                continue;
            }
            // Only the few entries that matched are scanned again for the range.
            let best = self.patterns[i]
                .iter()
                .filter_map(|p| p.find(text_lower).map(|r| (p.weight(), r)))
                .max_by_key(|(w, _)| *w);
            if let Some((w, r)) = best {
                hits.push((i, w, r));
            }
        }
        hits.sort_by(|a, b| b.1.cmp(&a.1).then(a.0.cmp(&b.0)));
        hits.into_iter().map(|(i, _, r)| (i, r)).collect()
    }

    /// Entries whose `match` patterns occur in `text_lower`, in the order of
    /// [`KnowledgeBase::matching`] (most specific first), without finding
    /// where: one scan of the text instead of a second search per entry.
    pub fn matching_entries(&self, text_lower: &str) -> Vec<usize> {
        let mut hits = self.matcher().hits(text_lower);
        hits.sort_by(|a, b| b.1.cmp(&a.1).then(a.0.cmp(&b.0)));
        hits.into_iter().map(|(i, _)| i).collect()
    }

    /// Entries listing this code (reply or enhanced), in base order.
    pub fn with_code(&self, code: &str) -> Vec<usize> {
        // Looked up for every recipient: an index instead of a pass over the base.
        let index = self.by_code.get_or_init(|| self.code_index(|_| true));
        index.get(code).cloned().unwrap_or_default()
    }

    /// General entries (see [`Entry::is_general_code_entry`]) that explain this code.
    pub fn general_for_code(&self, code: &str) -> &[usize] {
        // Asked for every recipient: worked out once per code.
        let index = self
            .general_by_code
            .get_or_init(|| self.code_index(Entry::is_general_code_entry));
        index.get(code).map_or(&[], |v| v.as_slice())
    }

    /// The entries `keep` accepts, listed under each code they name, in base order.
    fn code_index(&self, keep: impl Fn(&Entry) -> bool) -> HashMap<String, Vec<usize>> {
        let mut index: HashMap<String, Vec<usize>> = HashMap::new();
        for (i, e) in self.entries.iter().enumerate().filter(|(_, e)| keep(e)) {
            for c in &e.codes {
                let list = index.entry(c.clone()).or_default();
                if list.last() != Some(&i) {
                    list.push(i);
                }
            }
        }
        index
    }

    /// Render an entry as Markdown (for copying and exports).
    pub fn to_markdown(entry: &Entry) -> String {
        let mut s = format!("## {}\n\n", entry.title);
        if !entry.codes.is_empty() {
            s.push_str(&format!("**Codes:** {}  \n", entry.codes.join(", ")));
        }
        s.push_str(&format!(
            "**Reason:** {} ({})  \n",
            entry.reason,
            entry.severity.name()
        ));
        if !entry.acts.is_empty() {
            let who: Vec<&str> = entry.acts.iter().map(|a| a.label()).collect();
            s.push_str(&format!("**Who acts:** {}  \n", who.join(", ")));
        }
        if let Some(p) = &entry.provider {
            s.push_str(&format!("**Provider:** {p}  \n"));
        }
        s.push_str(&format!(
            "\n{}\n\n{}\n",
            entry.summary,
            entry.explanation.trim()
        ));
        if !entry.steps.is_empty() {
            s.push_str("\n### Steps\n\n");
            for (i, step) in entry.steps.iter().enumerate() {
                s.push_str(&format!("{}. {}\n", i + 1, step));
            }
        }
        if !entry.links.is_empty() {
            s.push_str("\n### Links\n\n");
            for l in &entry.links {
                s.push_str(&format!("- {l}\n"));
            }
        }
        s.push_str(&format!("\n_Source: {}_ (`{}`)\n", entry.source, entry.id));
        s
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The best weight per entry found by trying every pattern on its own.
    fn naive(kb: &KnowledgeBase, text_lower: &str) -> Vec<usize> {
        kb.patterns
            .iter()
            .map(|pats| {
                pats.iter()
                    .filter(|p| p.find(text_lower).is_some())
                    .map(|p| p.weight())
                    .max()
                    .unwrap_or(0)
            })
            .collect()
    }

    #[test]
    fn gates_are_lower_case_words_the_matches_hold() {
        let sets = |v: &[&[&str]]| {
            Some(
                v.iter()
                    .map(|set| set.iter().map(|s| s.to_string()).collect())
                    .collect(),
            )
        };
        assert_eq!(
            gates("(?i)5\\.7\\.50[12]\\b"),
            sets(&[&["5.7.501", "5.7.502"]])
        );
        // Whole words, not the first letters of every case variant (but
        // with the long s, which is lower-case and matches `(?i)s`).
        assert_eq!(
            gates("(?i)(received )?too much spam"),
            sets(&[&[
                "received too much spam",
                "received too much \u{17f}pam",
                "too much spam",
                "too much \u{17f}pam"
            ]])
        );
        // The end, when the start can be anything or is shorter.
        assert_eq!(gates("(?i)\\S+ not allowed"), sets(&[&[" not allowed"]]));
        assert_eq!(
            gates("(?i)\\d+ pending (mail|letter)"),
            sets(&[&[" pending letter", " pending mail"]])
        );
        // Parts in the middle, and two sets that must both occur.
        assert_eq!(
            gates("(?i)rejected: \\S+ listed at \\S+"),
            sets(&[&[" listed at ", " li\u{17f}ted at "], &["rejected: "]])
        );
        assert_eq!(
            gates("(?i)5\\.7\\.\\d+ .*unable to relay"),
            sets(&[&["unable to relay"], &["5.7."]])
        );
        // A match that can start and end anywhere still holds its inner
        // literal; a pattern with no literal at all has no gate.
        assert_eq!(gates("(?i).*banned.*"), sets(&[&["banned"]]));
        assert_eq!(gates("(?i).*"), None);
        // Only lower-case variants: the text is lower-case.
        let g = gates("(?i)Quota").expect("gate");
        assert!(g.iter().flatten().all(|g| g.starts_with('q')), "{g:?}");
    }

    #[test]
    fn gated_scan_agrees_with_every_pattern_alone() {
        let kb = KnowledgeBase::builtin();
        let mut texts: Vec<String> = Vec::new();
        // Every literal and the quoted example texts of the base, plus the
        // bounce fixtures line by line and whole, and non-ASCII neighbours
        // for word boundaries.
        for e in &kb.entries {
            texts.push(e.summary.to_lowercase());
            texts.push(e.explanation.to_lowercase());
            for p in &e.patterns {
                let t = p.trim_start_matches("re:").to_lowercase();
                texts.push(format!("é{t}é"));
                texts.push(t);
            }
            for c in &e.codes {
                texts.push(format!("550 {c} ünknown"));
            }
        }
        let fixtures = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/diagnose");
        for f in std::fs::read_dir(fixtures).expect("fixtures").flatten() {
            let t = String::from_utf8_lossy(&std::fs::read(f.path()).expect("read")).to_lowercase();
            texts.extend(t.lines().map(|l| l.to_string()));
            texts.push(t);
        }
        let m = kb.matcher();
        let mut hits = 0;
        for t in &texts {
            let got = m.weights(kb.entries.len(), t);
            assert_eq!(got, naive(&kb, t), "text: {t}");
            let ranked: Vec<usize> = kb.matching(t).into_iter().map(|(i, _)| i).collect();
            assert_eq!(kb.matching_entries(t), ranked, "text: {t}");
            hits += got.iter().filter(|&&w| w > 0).count();
        }
        assert!(hits > 100, "the texts should match many entries: {hits}");
    }
}
