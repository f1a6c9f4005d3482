//! Reading knowledge files. This is the only module that touches `serde_yaml`
//! (deprecated upstream); switching parsers means changing this file alone.

use super::schema::{Entry, Origin};
use super::Problem;

/// Parse one knowledge file into entries, collecting every problem with its line.
///
/// A file is a YAML list whose items start at column 0 with `- `. Each item is
/// parsed on its own so that one broken entry does not hide the others, and so
/// that every problem can point at the right line.
pub fn parse_file(path: &str, text: &str, builtin: bool) -> (Vec<Entry>, Vec<Problem>) {
    let mut entries = Vec::new();
    let mut problems = Vec::new();
    let problem = |line: usize, message: String| Problem {
        path: path.to_string(),
        line,
        message,
    };

    // Split into chunks at top-level list items.
    let mut chunks: Vec<(usize, String)> = Vec::new();
    let mut preamble_content: Option<usize> = None;
    for (idx, line) in text.lines().enumerate() {
        let lineno = idx + 1;
        if line.starts_with("- ") || line == "-" {
            chunks.push((lineno, String::new()));
        }
        match chunks.last_mut() {
            Some((_, chunk)) => {
                chunk.push_str(line);
                chunk.push('\n');
            }
            None => {
                let t = line.trim();
                if !t.is_empty() && !t.starts_with('#') && t != "---" && preamble_content.is_none()
                {
                    preamble_content = Some(lineno);
                }
            }
        }
    }
    if let Some(line) = preamble_content {
        problems.push(problem(
            line,
            "expected a list of entries, each starting at column 0 with `- id:`".to_string(),
        ));
    }
    for (start, chunk) in chunks {
        match serde_yaml::from_str::<Vec<Entry>>(&chunk) {
            Ok(list) => {
                for mut entry in list {
                    entry.origin = Origin {
                        path: path.to_string(),
                        line: start,
                        builtin,
                    };
                    entries.push(entry);
                }
            }
            Err(err) => {
                let line = err
                    .location()
                    .map(|l| start + l.line() - 1)
                    .unwrap_or(start);
                problems.push(problem(line, clean_yaml_error(&err.to_string())));
            }
        }
    }
    (entries, problems)
}

/// serde_yaml appends " at line N column M" (we print the line ourselves) and
/// prefixes a path like `.[0].title: ` (each chunk is a one-item list).
fn clean_yaml_error(message: &str) -> String {
    let msg = match message.find(" at line ") {
        Some(pos) => &message[..pos],
        None => message,
    };
    let Some(rest) = msg.strip_prefix(".[0]") else {
        return msg.to_string();
    };
    if let Some(rest) = rest.strip_prefix(": ") {
        return rest.to_string();
    }
    match rest.strip_prefix('.').and_then(|r| r.split_once(": ")) {
        Some((field, what)) => format!("field `{field}`: {what}"),
        None => msg.to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const GOOD: &str = "# comment\n- id: a\n  title: A\n  reason: blocked\n  severity: permanent\n  summary: s\n  explanation: e\n  source: RFC 5321\n- id: b\n  title: B\n  reason: userunknown\n  severity: permanent\n  summary: s\n  explanation: e\n  source: x\n";

    #[test]
    fn parses_entries_with_lines() {
        let (entries, problems) = parse_file("k.yaml", GOOD, false);
        assert!(problems.is_empty(), "{problems:?}");
        assert_eq!(entries.len(), 2);
        assert_eq!(entries[0].origin.line, 2);
        assert_eq!(entries[1].origin.line, 9);
    }

    #[test]
    fn reports_unknown_field_at_its_line() {
        let text = GOOD.replace("  source: x\n", "  source: x\n  colour: red\n");
        let (entries, problems) = parse_file("k.yaml", &text, false);
        assert_eq!(entries.len(), 1);
        assert_eq!(problems.len(), 1);
        assert_eq!(problems[0].line, 16);
        assert!(
            problems[0].message.contains("unknown field `colour`"),
            "{}",
            problems[0].message
        );
    }

    #[test]
    fn reports_syntax_error_and_keeps_other_entries() {
        let text = GOOD.replace("  title: B\n", "  title: [B\n");
        let (entries, problems) = parse_file("k.yaml", &text, false);
        assert_eq!(entries.len(), 1);
        assert_eq!(problems.len(), 1);
        assert!(problems[0].line >= 10, "{:?}", problems[0]);
    }

    #[test]
    fn rejects_non_list_files() {
        let (_, problems) = parse_file("k.yaml", "id: a\n", false);
        assert_eq!(problems[0].line, 1);
    }
}
