//! `bounce-doctor search` and `bounce-doctor show`.

use super::{load_kb, JsonFlag, Paint};
use crate::knowledge::{Entry, Index, Severity};
use clap::Args;
use std::path::PathBuf;

/// Arguments of `search`.
#[derive(Debug, Args)]
pub struct SearchArgs {
    /// Words, a code (550, 5.7.1) or a pasted bounce line.
    #[arg(required = true, num_args = 1..)]
    pub query: Vec<String>,
    /// Show at most N results.
    #[arg(long, default_value_t = 10)]
    pub limit: usize,
    #[command(flatten)]
    pub json: JsonFlag,
}

/// Arguments of `show`.
#[derive(Debug, Args)]
pub struct ShowArgs {
    /// Entry id, as printed by `search` or `kb list`.
    pub id: String,
    #[command(flatten)]
    pub json: JsonFlag,
}

/// Colour a severity word by meaning.
pub fn severity_word(paint: Paint, s: Severity) -> String {
    match s {
        Severity::Permanent => paint.danger(s.name()),
        Severity::Transient => paint.warn(s.name()),
        Severity::Success => paint.ok(s.name()),
    }
}

/// Run `search`.
pub fn run_search(args: &SearchArgs, dirs: &[PathBuf], paint: Paint) -> i32 {
    let kb = load_kb(dirs);
    let index = Index::new(&kb);
    let query = args.query.join(" ");
    let hits = index.search(&query);
    let shown: Vec<&Entry> = hits
        .iter()
        .take(args.limit)
        .map(|h| &kb.entries[h.index])
        .collect();
    if args.json.json {
        println!(
            "{}",
            serde_json::to_string_pretty(&shown).unwrap_or_default()
        );
        return 0;
    }
    if shown.is_empty() {
        eprintln!("no entries match {query:?}");
        return 1;
    }
    for e in shown {
        println!(
            "{}  {}  {} [{}]\n    {}",
            paint.accent(&e.id),
            paint.strong(&e.title),
            paint.muted(&e.codes.join(" ")),
            severity_word(paint, e.severity),
            e.summary
        );
    }
    0
}

/// Run `show`.
pub fn run_show(args: &ShowArgs, dirs: &[PathBuf], paint: Paint) -> i32 {
    let kb = load_kb(dirs);
    let Some(entry) = kb.get(&args.id) else {
        eprintln!(
            "error: no knowledge-base entry with id `{}` (try `bounce-doctor search {}`)",
            args.id, args.id
        );
        return 1;
    };
    if args.json.json {
        println!(
            "{}",
            serde_json::to_string_pretty(entry).unwrap_or_default()
        );
        return 0;
    }
    print!("{}", render_entry(entry, paint));
    0
}

/// Human-readable rendering of one entry for the terminal.
pub fn render_entry(e: &Entry, paint: Paint) -> String {
    let mut s = format!("{}  {}\n", paint.strong(&e.title), paint.muted(&e.id));
    if !e.codes.is_empty() {
        s.push_str(&format!("codes:    {}\n", paint.accent(&e.codes.join(" "))));
    }
    s.push_str(&format!(
        "reason:   {} ({})\n",
        e.reason,
        severity_word(paint, e.severity)
    ));
    if !e.acts.is_empty() {
        let who: Vec<&str> = e.acts.iter().map(|a| a.label()).collect();
        s.push_str(&format!("who acts: {}\n", who.join(", ")));
    }
    if let Some(p) = &e.provider {
        s.push_str(&format!("provider: {p}\n"));
    }
    s.push_str(&format!("\n{}\n\n{}\n", e.summary, e.explanation.trim()));
    if !e.steps.is_empty() {
        s.push_str(&format!("\n{}\n", paint.strong("Steps")));
        for (i, step) in e.steps.iter().enumerate() {
            s.push_str(&format!("  {}. {}\n", i + 1, step));
        }
    }
    if !e.checks.is_empty() {
        let c: Vec<&str> = e.checks.iter().map(|c| c.name()).collect();
        s.push_str(&format!("\nwizard checks: {}\n", c.join(", ")));
    }
    for l in &e.links {
        s.push_str(&format!("link: {l}\n"));
    }
    s.push_str(&format!(
        "{}\n",
        paint.muted(&format!("source: {}", e.source))
    ));
    s
}
