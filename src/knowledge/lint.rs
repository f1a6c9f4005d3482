//! Validation of knowledge files beyond YAML syntax: ids, codes, regexes, duplicates.

use super::load::parse_file;
use super::schema::{is_enhanced_code, is_reply_code, Entry, Severity};
use super::{Pattern, Problem};
use std::collections::HashMap;

/// Parse every file and validate the entries. Returns the entries that are usable
/// (an entry with a problem in a field that matters is still kept when it can be
/// used safely: bad patterns are dropped at compile time) and every problem found.
pub fn parse_and_check(files: &[(String, String)], builtin: bool) -> (Vec<Entry>, Vec<Problem>) {
    let mut entries = Vec::new();
    let mut problems = Vec::new();
    for (path, text) in files {
        let (mut es, ps) = parse_file(path, text, builtin);
        problems.extend(ps);
        entries.append(&mut es);
    }
    let mut seen: HashMap<String, (String, usize)> = HashMap::new();
    let mut keep = Vec::with_capacity(entries.len());
    for entry in entries {
        let found = check_entry(&entry);
        let at = |message: String| Problem {
            path: entry.origin.path.clone(),
            line: entry.origin.line,
            message,
        };
        problems.extend(found.into_iter().map(at));
        if let Some((path, line)) = seen.get(&entry.id) {
            problems.push(at(format!(
                "duplicate id `{}` (first defined at {}:{})",
                entry.id, path, line
            )));
            continue;
        }
        seen.insert(
            entry.id.clone(),
            (entry.origin.path.clone(), entry.origin.line),
        );
        keep.push(entry);
    }
    problems.sort_by(|a, b| a.path.cmp(&b.path).then(a.line.cmp(&b.line)));
    (keep, problems)
}

/// Problems of one entry, as messages (the caller adds file and line).
pub fn check_entry(e: &Entry) -> Vec<String> {
    let mut out = Vec::new();
    let slug_ok = !e.id.is_empty()
        && e.id
            .bytes()
            .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-' || b == b'.')
        && e.id.as_bytes()[0].is_ascii_alphanumeric();
    if !slug_ok {
        out.push(format!(
            "id `{}` must be a slug: lower-case letters, digits, `-` and `.`",
            e.id
        ));
    }
    for (field, value) in [
        ("title", &e.title),
        ("summary", &e.summary),
        ("explanation", &e.explanation),
        ("source", &e.source),
    ] {
        if value.trim().is_empty() {
            out.push(format!("`{field}` of `{}` is empty", e.id));
        }
    }
    if e.summary.contains('\n') {
        out.push(format!("`summary` of `{}` must be one line", e.id));
    }
    for code in &e.codes {
        if !is_reply_code(code) && !is_enhanced_code(code) {
            out.push(format!(
                "code `{code}` in `{}` is neither a reply code like 550 nor an enhanced code like 5.7.1",
                e.id
            ));
        }
    }
    for p in &e.patterns {
        if p.trim().is_empty() {
            out.push(format!("empty `match` pattern in `{}`", e.id));
            continue;
        }
        if let Err(err) = Pattern::compile(p) {
            let first = err
                .to_string()
                .lines()
                .last()
                .unwrap_or("")
                .trim()
                .to_string();
            out.push(format!("invalid regex `{p}` in `{}`: {first}", e.id));
        }
    }
    if e.severity != Severity::Success {
        if e.steps.is_empty() {
            out.push(format!("`{}` has no `steps`", e.id));
        }
        if e.acts.is_empty() {
            out.push(format!("`{}` has no `acts`", e.id));
        }
    }
    if e.codes.is_empty() && e.patterns.is_empty() {
        out.push(format!(
            "`{}` has neither `codes` nor `match`: nothing can find it",
            e.id
        ));
    }
    for l in &e.links {
        if !(l.starts_with("https://") || l.starts_with("http://") || l.starts_with("mailto:")) {
            out.push(format!(
                "link `{l}` in `{}` is not an http(s) or mailto URL",
                e.id
            ));
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn file(text: &str) -> Vec<(String, String)> {
        vec![("u.yaml".to_string(), text.to_string())]
    }

    const ONE: &str = "- id: x-1\n  title: T\n  codes: ['550']\n  match: ['re:relay (access )?denied']\n  reason: norelaying\n  severity: permanent\n  acts: [sender-admin]\n  summary: s\n  explanation: e\n  steps: [do it]\n  source: RFC 5321\n";

    #[test]
    fn clean_entry_has_no_problems() {
        let (es, ps) = parse_and_check(&file(ONE), false);
        assert_eq!(es.len(), 1);
        assert!(ps.is_empty(), "{ps:?}");
    }

    #[test]
    fn finds_bad_regex_code_and_duplicate() {
        let bad = ONE
            .replace("re:relay (access )?denied", "re:relay (")
            .replace("'550'", "'650'");
        let text = format!("{bad}{ONE}");
        let (es, ps) = parse_and_check(&file(&text), false);
        assert_eq!(es.len(), 1);
        let msgs: Vec<String> = ps.iter().map(|p| p.to_string()).collect();
        assert!(
            msgs.iter()
                .any(|m| m.starts_with("u.yaml:1: invalid regex")),
            "{msgs:?}"
        );
        assert!(msgs.iter().any(|m| m.contains("code `650`")), "{msgs:?}");
        assert!(
            msgs.iter()
                .any(|m| m.starts_with("u.yaml:12: duplicate id")),
            "{msgs:?}"
        );
    }

    #[test]
    fn unknown_reason_is_reported_with_line() {
        let text = ONE.replace("norelaying", "relayproblem");
        let (_, ps) = parse_and_check(&file(&text), false);
        assert_eq!(ps.len(), 1);
        assert_eq!(ps[0].line, 5);
        assert!(
            ps[0].message.contains("unknown variant `relayproblem`"),
            "{}",
            ps[0].message
        );
    }
}
