//! Accuracy guard on the labelled bounce corpus (../shared/corpus/sisimai):
//! reason and status agreement must not regress, line endings must not change
//! answers, and messages that are not bounces must not be reported as bounces.
//! Skipped (with a message) when the corpus is not present.

use bounce_doctor::diagnose::{diagnose, MessageKind};
use bounce_doctor::knowledge::KnowledgeBase;
use std::collections::HashMap;
use std::path::{Path, PathBuf};

/// Levels reached when this guard was last raised (rounded down a little).
const MIN_REASON: f64 = 0.97;
const MIN_STATUS: f64 = 0.98;

fn corpus() -> Option<PathBuf> {
    // ../shared from the project root; a git worktree one level deeper also works.
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let p = root.join("../shared/corpus/sisimai");
    let alt = root.join("../../shared/corpus/sisimai");
    if p.join("labels.tsv").exists() {
        Some(p)
    } else if alt.join("labels.tsv").exists() {
        Some(alt)
    } else {
        eprintln!("corpus not found at {}: skipping", p.display());
        None
    }
}

/// (reason, status) per recipient index, the way the CLI numbers them.
fn answers(path: &Path, kb: &KnowledgeBase) -> Vec<(String, String)> {
    let bytes = std::fs::read(path).expect("read corpus file");
    let Ok(msgs) = diagnose(&bytes, kb) else {
        return vec![("input-error".into(), String::new())];
    };
    let mut out = Vec::new();
    for m in msgs {
        if m.recipients.is_empty() {
            out.push(("not-bounce".to_string(), String::new()));
        }
        for r in m.recipients {
            out.push((r.reason.name().to_string(), r.status.unwrap_or_default()));
        }
    }
    out
}

/// The scorer's rule: X.0.9yy labels ("no code stated") compare the class only.
fn status_agrees(want: &str, got: &str) -> bool {
    let w = want.as_bytes();
    if want.len() == 7 && &want[1..4] == ".0." && w[4] == b'9' {
        return got.as_bytes().first() == w.first();
    }
    got == want
}

fn files(dir: &Path) -> Vec<PathBuf> {
    let mut v: Vec<PathBuf> = std::fs::read_dir(dir)
        .map(|rd| rd.flatten().map(|e| e.path()).collect())
        .unwrap_or_default();
    v.sort();
    v
}

#[test]
fn corpus_agreement_does_not_regress() {
    let Some(root) = corpus() else { return };
    let kb = KnowledgeBase::builtin();
    let labels = std::fs::read_to_string(root.join("labels.tsv")).expect("labels");
    let mut got: HashMap<String, Vec<(String, String)>> = HashMap::new();
    for f in files(&root.join("lf")) {
        let name = f.file_name().unwrap().to_string_lossy().to_string();
        got.insert(name, answers(&f, &kb));
    }
    let (mut n, mut reason_ok, mut status_ok) = (0usize, 0usize, 0usize);
    for row in labels.lines().skip(1) {
        let cols: Vec<&str> = row.split('\t').collect();
        if cols.len() < 5 {
            continue;
        }
        let index: usize = cols[1].parse().unwrap_or(0);
        n += 1;
        let Some((reason, status)) = got.get(cols[0]).and_then(|v| v.get(index.wrapping_sub(1)))
        else {
            continue;
        };
        if reason == cols[4] {
            reason_ok += 1;
        }
        if status_agrees(cols[2], status) {
            status_ok += 1;
        }
    }
    let reason = reason_ok as f64 / n as f64;
    let status = status_ok as f64 / n as f64;
    println!("corpus: recipients={n} reason={reason:.3} status={status:.3}");
    assert!(
        reason >= MIN_REASON,
        "reason agreement {reason:.3} < {MIN_REASON}"
    );
    assert!(
        status >= MIN_STATUS,
        "status agreement {status:.3} < {MIN_STATUS}"
    );
}

#[test]
fn line_endings_do_not_change_answers() {
    let Some(root) = corpus() else { return };
    let kb = KnowledgeBase::builtin();
    let mut compared = 0;
    for variant in ["crlf", "cr"] {
        for f in files(&root.join(variant)) {
            let lf = root.join("lf").join(f.file_name().unwrap());
            if !lf.exists() {
                continue;
            }
            assert_eq!(
                answers(&f, &kb),
                answers(&lf, &kb),
                "{} differs from lf/",
                f.display()
            );
            compared += 1;
        }
    }
    assert!(compared > 0, "no crlf/cr files compared");
}

#[test]
fn not_bounces_are_recognised() {
    let Some(root) = corpus() else { return };
    let kb = KnowledgeBase::builtin();
    for f in files(&root.join("not-bounce")) {
        let bytes = std::fs::read(&f).expect("read");
        if let Ok(msgs) = diagnose(&bytes, &kb) {
            for m in msgs {
                assert_ne!(
                    m.kind,
                    MessageKind::Bounce,
                    "{} taken for a bounce",
                    f.display()
                );
            }
        }
    }
}
