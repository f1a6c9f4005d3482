//! Search over the knowledge base: exact code matches first, then bounce-text
//! fragments found in the query, then substring and fuzzy matches.

use super::schema::{is_enhanced_code, is_reply_code};
use super::{KnowledgeBase, Matcher};
use fuzzy_matcher::skim::SkimMatcherV2;
use fuzzy_matcher::FuzzyMatcher;

/// One search result.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Hit {
    /// Position of the entry in `KnowledgeBase::entries`.
    pub index: usize,
    /// Higher is better.
    pub score: i64,
}

/// Pre-computed, lower-cased search fields of one entry.
#[derive(Debug, Clone)]
struct Doc {
    id: String,
    title: String,
    summary: String,
    provider: String,
    codes: Vec<String>,
    /// Literal fragments (lower-case) and regex sources for fuzzy matching.
    fragments: Vec<String>,
    /// Everything above joined, for the cheap subsequence pre-filter.
    all: String,
    /// The entry explains one code in general: no provider, and its codes are
    /// the class variants of a single code (`550`, or `4.7.1` + `5.7.1`).
    general: bool,
}

/// A search index over a knowledge base. Build once, query on every keystroke.
pub struct Index {
    docs: Vec<Doc>,
    /// Every entry's `match` patterns, scanned once per query.
    patterns: Matcher,
    fuzzy: SkimMatcherV2,
}

impl std::fmt::Debug for Index {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Index")
            .field("docs", &self.docs.len())
            .finish()
    }
}

/// Strip punctuation around a token so `(#5.1.1)` or `550-5.7.1` yield codes.
fn code_tokens(token: &str) -> Vec<String> {
    token
        .split(|c: char| !(c.is_ascii_digit() || c == '.'))
        .map(|t| t.trim_matches('.'))
        .filter(|t| is_code_query(t))
        .map(str::to_string)
        .collect()
}

/// A reply code, an enhanced code, or an enhanced-code prefix (`5.7`).
fn is_code_query(t: &str) -> bool {
    if is_reply_code(t) || is_enhanced_code(t) {
        return true;
    }
    let parts: Vec<&str> = t.split('.').collect();
    parts.len() == 2
        && matches!(parts[0], "2" | "4" | "5")
        && !parts[1].is_empty()
        && parts[1].len() <= 3
        && parts[1].bytes().all(|b| b.is_ascii_digit())
}

fn is_subsequence(needle: &str, hay: &str) -> bool {
    let mut hay = hay.chars();
    needle
        .chars()
        .filter(|c| !c.is_whitespace())
        .all(|c| hay.any(|h| h == c))
}

impl Index {
    /// Build the index for a knowledge base.
    pub fn new(kb: &KnowledgeBase) -> Index {
        let docs = kb
            .entries
            .iter()
            .map(|e| {
                let fragments: Vec<String> = e
                    .patterns
                    .iter()
                    .map(|p| p.strip_prefix("re:").unwrap_or(p).to_lowercase())
                    .collect();
                let provider = e.provider.clone().unwrap_or_default().to_lowercase();
                let title = e.title.to_lowercase();
                let summary = e.summary.to_lowercase();
                let id = e.id.to_lowercase();
                let all = format!(
                    "{id} {title} {provider} {} {} {summary}",
                    e.codes.join(" "),
                    fragments.join(" ")
                );
                Doc {
                    general: e.is_general_code_entry(),
                    id,
                    title,
                    summary,
                    provider,
                    codes: e.codes.clone(),
                    fragments,
                    all,
                }
            })
            .collect();
        Index {
            docs,
            // Shares the base's automaton and RegexSet (both reference-counted).
            patterns: kb.matcher().clone(),
            fuzzy: SkimMatcherV2::default(),
        }
    }

    /// Number of indexed entries.
    pub fn len(&self) -> usize {
        self.docs.len()
    }

    /// True when the index holds no entries.
    pub fn is_empty(&self) -> bool {
        self.docs.is_empty()
    }

    /// Search; an empty query lists every entry in base order.
    pub fn search(&self, query: &str) -> Vec<Hit> {
        let q = query.trim().to_lowercase();
        if q.is_empty() {
            return (0..self.docs.len())
                .map(|index| Hit { index, score: 0 })
                .collect();
        }
        let mut codes = Vec::new();
        let mut words = Vec::new();
        for tok in q.split_whitespace() {
            let cs = code_tokens(tok);
            if cs.is_empty() {
                words.push(tok);
            } else {
                codes.extend(cs);
            }
        }
        let text = words.join(" ");
        let pattern_weights = if text.is_empty() {
            Vec::new()
        } else {
            self.patterns.weights(self.docs.len(), &q)
        };
        let mut hits: Vec<Hit> = Vec::new();
        for (index, doc) in self.docs.iter().enumerate() {
            let code_score = Self::code_score(doc, &codes);
            let text_score = if text.is_empty() {
                0
            } else {
                self.text_score(doc, pattern_weights[index], &text)
            };
            let score = if text.is_empty() {
                code_score
            } else if text_score == 0 {
                // Codes alone still count when the words found nothing anywhere.
                code_score / 4
            } else {
                code_score + text_score
            };
            if score > 0 {
                hits.push(Hit { index, score });
            }
        }
        hits.sort_by(|a, b| b.score.cmp(&a.score).then(a.index.cmp(&b.index)));
        hits
    }

    /// Score the code tokens of a query against an entry's codes.
    ///
    /// The best single token decides (an exact enhanced code outranks an exact
    /// reply code, which outranks a prefix such as `5.7`); each further token
    /// that matches adds a little, so `550 5.7.1` prefers entries with both.
    /// General entries (the meaning of one code, no provider) come before the
    /// texts of particular servers that use the code.
    fn code_score(doc: &Doc, codes: &[String]) -> i64 {
        let mut best = 0;
        let mut matched = 0;
        let mut exact = false;
        for q in codes {
            let mut token_best = 0;
            for c in &doc.codes {
                let s = if c == q {
                    if q.contains('.') {
                        1000
                    } else {
                        900
                    }
                } else if c.starts_with(q.as_str()) && c.as_bytes().get(q.len()) == Some(&b'.') {
                    400
                } else {
                    0
                };
                token_best = token_best.max(s);
            }
            if token_best > 0 {
                matched += 1;
                exact |= token_best >= 900;
            }
            best = best.max(token_best);
        }
        if best == 0 {
            return 0;
        }
        let mut total = best + 150 * (matched - 1);
        if exact {
            // Entries about fewer codes are more specific.
            total += 60 / doc.codes.len().max(1) as i64;
        }
        if doc.general {
            total += 300;
        }
        total
    }

    /// `pattern_weight`: weight of the entry's most specific pattern found in
    /// the whole query (0 = none).
    fn text_score(&self, doc: &Doc, pattern_weight: usize, text: &str) -> i64 {
        // A known bounce fragment inside what the user pasted: the strongest signal.
        if pattern_weight > 0 {
            return 3000 + 10 * pattern_weight as i64;
        }
        let mut score = 0i64;
        // The query inside one of the entry's fields.
        let contains = [
            (&doc.id, 1300),
            (&doc.title, 1500),
            (&doc.provider, 1200),
            (&doc.summary, 700),
        ];
        for (field, weight) in contains {
            if let Some(pos) = field.find(text) {
                // Earlier and word-start matches rank higher.
                let at_start = pos == 0 || !field.as_bytes()[pos - 1].is_ascii_alphanumeric();
                score = score.max(weight + if at_start { 150 } else { 0 } - pos.min(100) as i64);
            }
        }
        for f in &doc.fragments {
            if let Some(pos) = f.find(text) {
                score = score.max(1400 - pos.min(100) as i64);
            }
        }
        if score > 0 {
            return score;
        }
        // Fuzzy, for typos and abbreviations; not for one to three letters, where
        // nearly everything is a subsequence and substring matches say enough.
        if (4..=40).contains(&text.len()) && is_subsequence(text, &doc.all) {
            let fields = [&doc.title, &doc.id, &doc.provider]
                .into_iter()
                .chain(doc.fragments.iter());
            for f in fields {
                if let Some(s) = self.fuzzy.fuzzy_match(f, text) {
                    score = score.max(s);
                }
            }
            if let Some(s) = self.fuzzy.fuzzy_match(&doc.summary, text) {
                score = score.max(s / 2);
            }
            if score > 0 {
                return score;
            }
        }
        // Long pasted text: count the distinctive words it shares with the entry.
        let words: Vec<&str> = text
            .split(|c: char| !c.is_alphanumeric())
            .filter(|w| w.len() >= 4)
            .collect();
        if words.len() >= 2 {
            let shared = words.iter().filter(|w| doc.all.contains(**w)).count();
            if shared * 2 >= words.len() && shared >= 2 {
                score = 20 * shared as i64;
            }
        }
        score
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::knowledge::lint::parse_and_check;

    fn kb() -> KnowledgeBase {
        let text = "\
- id: smtp-550
  title: Mailbox unavailable or rejected
  codes: ['550']
  reason: userunknown
  severity: permanent
  acts: [sender-user]
  summary: The receiving server refused the message for this recipient
  explanation: e
  steps: [s]
  source: RFC 5321
- id: enh-5-7-1
  title: Delivery not authorised
  codes: ['5.7.1', '4.7.1']
  reason: securityerror
  severity: permanent
  acts: [sender-admin]
  summary: Policy refusal
  explanation: e
  steps: [s]
  source: RFC 3463
- id: postfix-relay-access-denied
  title: Relay access denied
  codes: ['554', '5.7.1']
  match: ['relay access denied']
  reason: norelaying
  severity: permanent
  acts: [sender-admin, recipient-admin]
  summary: The server does not accept mail for that domain from you
  explanation: e
  steps: [s]
  source: Postfix
- id: spamhaus-zen
  title: Listed on Spamhaus ZEN
  codes: ['554']
  match: ['re:blocked using zen\\.spamhaus\\.org']
  reason: blocked
  severity: permanent
  acts: [sender-admin]
  summary: Your IP is listed
  explanation: e
  steps: [s]
  provider: Spamhaus
  source: Spamhaus
";
        let (es, ps) = parse_and_check(&[("t.yaml".into(), text.into())], true);
        assert!(ps.is_empty(), "{ps:?}");
        KnowledgeBase::from_entries(es, vec![])
    }

    fn top(idx: &Index, kb: &KnowledgeBase, q: &str) -> Vec<String> {
        idx.search(q)
            .iter()
            .map(|h| kb.entries[h.index].id.clone())
            .collect()
    }

    #[test]
    fn code_queries_rank_exact_codes_first() {
        let kb = kb();
        let idx = Index::new(&kb);
        assert_eq!(top(&idx, &kb, "550")[0], "smtp-550");
        assert_eq!(top(&idx, &kb, "5.7.1")[0], "enh-5-7-1");
        assert_eq!(top(&idx, &kb, "5.7")[0], "enh-5-7-1");
        // The reference meaning first, then the texts that use both codes.
        let both = top(&idx, &kb, "554 5.7.1");
        assert_eq!(both[..2], ["enh-5-7-1", "postfix-relay-access-denied"]);
        assert!(top(&idx, &kb, "421").is_empty());
    }

    #[test]
    fn pasted_lines_find_their_fragment() {
        let kb = kb();
        let idx = Index::new(&kb);
        let q = "554 5.7.1 <bob@example.net>: Relay access denied";
        assert_eq!(top(&idx, &kb, q)[0], "postfix-relay-access-denied");
        let q = "554 Service unavailable; Client host [192.0.2.1] blocked using zen.spamhaus.org";
        assert_eq!(top(&idx, &kb, q)[0], "spamhaus-zen");
    }

    #[test]
    fn words_and_typos_match() {
        let kb = kb();
        let idx = Index::new(&kb);
        assert_eq!(
            top(&idx, &kb, "relay access")[0],
            "postfix-relay-access-denied"
        );
        assert_eq!(top(&idx, &kb, "spamhaus")[0], "spamhaus-zen");
        assert_eq!(top(&idx, &kb, "mailbox unavailable")[0], "smtp-550");
        assert_eq!(
            top(&idx, &kb, "rly acces")[0],
            "postfix-relay-access-denied"
        );
        assert!(top(&idx, &kb, "zzzqqq").is_empty());
        assert_eq!(idx.search("").len(), 4);
    }
}
