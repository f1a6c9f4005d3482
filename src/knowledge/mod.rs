//! The knowledge base: entries loaded from YAML, validated, and searchable.

pub mod lint;
pub mod load;
pub mod schema;
pub mod search;

pub use schema::{Actor, CheckKind, Entry, Reason, Severity};
pub use search::{Hit, Index};

use regex::{Regex, RegexSet};
use std::collections::HashMap;
use std::fmt;
use std::path::{Path, PathBuf};
use std::sync::OnceLock;

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

/// A validated regular expression compiled on first use: most patterns are
/// only ever scanned through the base-wide `RegexSet`, so keeping hundreds of
/// individually compiled copies would cost megabytes for nothing.
#[derive(Debug, Clone)]
pub struct LazyRegex {
    source: String,
    compiled: OnceLock<Option<Regex>>,
}

impl LazyRegex {
    /// The pattern as compiled (with its `(?i)` prefix).
    pub fn as_str(&self) -> &str {
        &self.source
    }

    fn get(&self) -> Option<&Regex> {
        self.compiled
            .get_or_init(|| Regex::new(&self.source).ok())
            .as_ref()
    }
}

impl Pattern {
    /// Compile one YAML `match` string (a regex is checked now, kept for later).
    pub fn compile(source: &str) -> Result<Pattern, regex::Error> {
        match source.strip_prefix("re:") {
            Some(re) => {
                let source = format!("(?i){}", re.trim());
                Regex::new(&source)?;
                Ok(Pattern::Regex(LazyRegex {
                    source,
                    compiled: OnceLock::new(),
                }))
            }
            None => Ok(Pattern::Literal(source.to_lowercase())),
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
}

/// All `match` patterns of the base at once: literals in one Aho-Corasick
/// automaton and regular expressions in one `RegexSet`, so a text is scanned
/// twice in all instead of once per pattern.
#[derive(Debug, Clone)]
pub(crate) struct Matcher {
    /// Automaton over every literal; `literal_owner[k]` = (entry, weight).
    literals: Option<aho_corasick::AhoCorasick>,
    literal_owner: Vec<(usize, usize)>,
    /// All regexes; `regex_owner[k]` = (entry, weight) of the set's k-th regex.
    regexes: RegexSet,
    regex_owner: Vec<(usize, usize)>,
}

impl Matcher {
    pub(crate) fn new(patterns: &[Vec<Pattern>]) -> Matcher {
        let mut literal_sources = Vec::new();
        let mut literal_owner = Vec::new();
        let mut sources = Vec::new();
        let mut regex_owner = Vec::new();
        for (i, pats) in patterns.iter().enumerate() {
            for p in pats {
                match p {
                    Pattern::Literal(lit) => {
                        literal_sources.push(lit.clone());
                        literal_owner.push((i, p.weight()));
                    }
                    Pattern::Regex(re) => {
                        sources.push(re.as_str().to_string());
                        regex_owner.push((i, p.weight()));
                    }
                }
            }
        }
        // Building only fails on size limits far beyond a knowledge base; then
        // the affected kind of pattern simply finds nothing.
        let literals = aho_corasick::AhoCorasick::new(&literal_sources).ok();
        // A larger lazy-DFA cache than the default keeps the set on the fast
        // path: with a few hundred patterns the default cache is exhausted and
        // the search falls back to the much slower NFA simulation.
        let regexes = regex::RegexSetBuilder::new(&sources)
            .dfa_size_limit(8 << 20)
            .build()
            .unwrap_or_else(|_| RegexSet::empty());
        if regexes.is_empty() {
            regex_owner.clear();
        }
        Matcher {
            literals,
            literal_owner,
            regexes,
            regex_owner,
        }
    }

    /// The best pattern weight per entry that matches `text_lower`.
    pub(crate) fn weights(&self, entries: usize, text_lower: &str) -> Vec<usize> {
        let mut best = vec![0usize; entries];
        if let Some(ac) = &self.literals {
            for m in ac.find_overlapping_iter(text_lower) {
                let (i, w) = self.literal_owner[m.pattern().as_usize()];
                best[i] = best[i].max(w);
            }
        }
        for k in self.regexes.matches(text_lower).iter() {
            let (i, w) = self.regex_owner[k];
            best[i] = best[i].max(w);
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
        // Patterns were validated by lint; an invalid one is dropped, not fatal.
        let pats = entry
            .patterns
            .iter()
            .filter_map(|p| Pattern::compile(p).ok())
            .collect();
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

    /// Entries listing this code (reply or enhanced), in base order.
    pub fn with_code(&self, code: &str) -> Vec<usize> {
        self.entries
            .iter()
            .enumerate()
            .filter(|(_, e)| e.codes.iter().any(|c| c == code))
            .map(|(i, _)| i)
            .collect()
    }

    /// General entries (see [`Entry::is_general_code_entry`]) that explain this code.
    pub fn general_for_code(&self, code: &str) -> Vec<usize> {
        self.with_code(code)
            .into_iter()
            .filter(|&i| self.entries[i].is_general_code_entry())
            .collect()
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
