//! The knowledge commands of the real binary: lint, list, search, show, user entries.

use std::path::Path;
use std::process::{Command, Output};

fn bd(args: &[&str], env: &[(&str, &Path)]) -> Output {
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_bounce-doctor"));
    cmd.args(args)
        .env("NO_COLOR", "1")
        .env_remove("XDG_CONFIG_HOME");
    // Keep the tester's own ~/.config out of the way.
    let home = tempfile::tempdir().unwrap();
    cmd.env("HOME", home.path());
    for (k, v) in env {
        cmd.env(k, v);
    }
    cmd.output().unwrap()
}

fn text(b: &[u8]) -> String {
    String::from_utf8_lossy(b).into_owned()
}

const GOOD: &str = "- id: local-greylist-acme
  title: Acme greylisting
  codes: ['451', '4.7.1']
  match: ['acme greylist in effect']
  reason: blocked
  severity: transient
  acts: [sender-admin]
  summary: Acme delays first-time senders for a few minutes.
  explanation: Our own gateway defers unknown senders once.
  steps: [Wait and let your server retry.]
  source: local policy
";

#[test]
fn shipped_knowledge_lints_clean() {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("knowledge");
    let out = bd(&["kb", "lint", dir.to_str().unwrap()], &[]);
    assert!(
        out.status.success(),
        "{}{}",
        text(&out.stdout),
        text(&out.stderr)
    );
    assert_eq!(text(&out.stdout), "");
}

#[test]
fn lint_reports_file_and_line_and_fails() {
    let dir = tempfile::tempdir().unwrap();
    let bad = GOOD
        .replace("reason: blocked", "reason: blocked\n  colour: red")
        .replace("acme greylist in effect", "re:acme (greylist");
    std::fs::write(dir.path().join("a.yaml"), format!("{GOOD}{bad}")).unwrap();
    std::fs::write(dir.path().join("b.yaml"), "- id: [unclosed\n").unwrap();
    let out = bd(&["kb", "lint", dir.path().to_str().unwrap()], &[]);
    assert_eq!(out.status.code(), Some(1));
    let stdout = text(&out.stdout);
    let a = dir.path().join("a.yaml").display().to_string();
    let b = dir.path().join("b.yaml").display().to_string();
    assert!(
        stdout.contains(&format!("{a}:17: unknown field `colour`")),
        "{stdout}"
    );
    assert!(stdout.contains(&format!("{b}:1: ")), "{stdout}");
}

#[test]
fn lint_finds_duplicates_and_bad_regex() {
    let dir = tempfile::tempdir().unwrap();
    let bad = GOOD.replace("acme greylist in effect", "re:acme (greylist");
    std::fs::write(dir.path().join("a.yaml"), format!("{GOOD}{bad}")).unwrap();
    let out = bd(&["kb", "lint", dir.path().to_str().unwrap()], &[]);
    assert_eq!(out.status.code(), Some(1));
    let stdout = text(&out.stdout);
    assert!(stdout.contains(":12: invalid regex"), "{stdout}");
    assert!(
        stdout.contains(":12: duplicate id `local-greylist-acme`"),
        "{stdout}"
    );
}

#[test]
fn user_entries_are_searchable_and_bad_files_only_warn() {
    let cfg = tempfile::tempdir().unwrap();
    let kdir = cfg.path().join("bounce-doctor").join("knowledge");
    std::fs::create_dir_all(&kdir).unwrap();
    std::fs::write(kdir.join("mine.yaml"), GOOD).unwrap();
    std::fs::write(kdir.join("broken.yaml"), "- id: x\n  title: [\n").unwrap();
    let out = bd(
        &[
            "search",
            "451 4.7.1 acme greylist in effect, try later",
            "--json",
        ],
        &[("XDG_CONFIG_HOME", cfg.path())],
    );
    assert!(out.status.success(), "{}", text(&out.stderr));
    let hits: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(hits[0]["id"], "local-greylist-acme");
    let stderr = text(&out.stderr);
    assert!(stderr.contains("broken.yaml:2:"), "{stderr}");
}

#[test]
fn user_entry_overrides_builtin_with_same_id() {
    let list = bd(&["kb", "list", "--json"], &[]);
    let all: serde_json::Value = serde_json::from_slice(&list.stdout).unwrap();
    let builtin = all.as_array().unwrap();
    assert!(
        builtin.len() >= 300,
        "only {} built-in entries",
        builtin.len()
    );
    let id = builtin[0]["id"].as_str().unwrap();
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(
        dir.path().join("o.yaml"),
        GOOD.replace("local-greylist-acme", id),
    )
    .unwrap();
    let out = bd(
        &[
            "--knowledge",
            dir.path().to_str().unwrap(),
            "show",
            id,
            "--json",
        ],
        &[],
    );
    assert!(out.status.success());
    let e: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(e["title"], "Acme greylisting");
    let again = bd(
        &[
            "--knowledge",
            dir.path().to_str().unwrap(),
            "kb",
            "list",
            "--json",
        ],
        &[],
    );
    let merged: serde_json::Value = serde_json::from_slice(&again.stdout).unwrap();
    assert_eq!(merged.as_array().unwrap().len(), builtin.len());
}

#[test]
fn show_unknown_id_is_a_clear_error() {
    let out = bd(&["show", "no-such-entry"], &[]);
    assert_eq!(out.status.code(), Some(1));
    assert!(text(&out.stderr).contains("no knowledge-base entry with id `no-such-entry`"));
}

#[test]
fn search_finds_codes_and_pasted_lines() {
    let out = bd(&["search", "550", "--json", "--limit", "3"], &[]);
    assert!(out.status.success());
    let hits: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(hits.as_array().unwrap().len(), 3);
    assert!(hits[0]["codes"]
        .as_array()
        .unwrap()
        .iter()
        .any(|c| c == "550"));
    let out = bd(&["search", "qqqzzzxxyy"], &[]);
    assert_eq!(out.status.code(), Some(1));
    assert!(text(&out.stderr).contains("no entries match"));
}

#[test]
fn usage_errors_exit_2() {
    let out = bd(&["search"], &[]);
    assert_eq!(out.status.code(), Some(2));
    let out = bd(&["frobnicate"], &[]);
    assert_eq!(out.status.code(), Some(2));
}
