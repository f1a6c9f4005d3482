//! The reference part of the built-in knowledge base: every SMTP reply code and
//! every registered enhanced status code has its own entry, and a search for the
//! bare code puts that entry first.

use bounce_doctor::knowledge::{Entry, Index, KnowledgeBase, Severity};

/// Every reply code from RFC 5321 and the extensions that define codes (211–556).
const REPLY_CODES: &[&str] = &[
    "211", "214", "220", "221", "235", "250", "251", "252", "253", "334", "354", "421", "422",
    "430", "432", "450", "451", "452", "453", "454", "455", "458", "459", "500", "501", "502",
    "503", "504", "521", "523", "524", "525", "530", "533", "534", "535", "538", "550", "551",
    "552", "553", "554", "555", "556",
];

const SMTP_FILE: &str = "knowledge/smtp.yaml";

fn builtin() -> KnowledgeBase {
    KnowledgeBase::builtin()
}

fn top_id(kb: &KnowledgeBase, idx: &Index, query: &str) -> Option<String> {
    idx.search(query)
        .first()
        .map(|h| kb.entries[h.index].id.clone())
}

fn reply_id(code: &str) -> String {
    format!("smtp-{code}")
}

#[test]
fn shipped_base_lints_clean() {
    let kb = builtin();
    let problems: Vec<String> = kb.problems.iter().map(|p| p.to_string()).collect();
    assert!(
        problems.is_empty(),
        "built-in knowledge has problems:\n{}",
        problems.join("\n")
    );
}

#[test]
fn smtp_file_has_one_tight_entry_per_reply_code() {
    let kb = builtin();
    for code in REPLY_CODES {
        let id = reply_id(code);
        let e: &Entry = kb
            .get(&id)
            .unwrap_or_else(|| panic!("no entry `{id}` for reply code {code}"));
        assert_eq!(e.origin.path, SMTP_FILE, "`{id}` comes from the wrong file");
        assert_eq!(
            e.codes,
            vec![code.to_string()],
            "`{id}` must list exactly its own code so it wins a bare-code search"
        );
    }
    let in_file = kb
        .entries
        .iter()
        .filter(|e| e.origin.path == SMTP_FILE)
        .count();
    assert_eq!(
        in_file,
        REPLY_CODES.len(),
        "smtp.yaml holds entries for codes missing from the list"
    );
}

#[test]
fn reply_severity_follows_the_first_digit() {
    let kb = builtin();
    for code in REPLY_CODES {
        let e = kb.get(&reply_id(code)).expect("entry exists");
        let want = match code.as_bytes()[0] {
            b'2' | b'3' => Severity::Success,
            b'4' => Severity::Transient,
            _ => Severity::Permanent,
        };
        assert_eq!(e.severity, want, "severity of `{}`", e.id);
        if want != Severity::Success {
            assert!(
                (2..=5).contains(&e.steps.len()),
                "`{}` should have 2–5 steps, has {}",
                e.id,
                e.steps.len()
            );
        }
    }
}

#[test]
fn bare_reply_code_finds_its_reference_entry_first() {
    let kb = builtin();
    let idx = Index::new(&kb);
    let wrong: Vec<String> = REPLY_CODES
        .iter()
        .filter_map(|code| {
            let got = top_id(&kb, &idx, code);
            (got.as_deref() != Some(reply_id(code).as_str()))
                .then(|| format!("{code}: top hit {got:?}"))
        })
        .collect();
    assert!(wrong.is_empty(), "wrong top hits:\n{}", wrong.join("\n"));
}

#[test]
fn standard_reply_texts_find_their_code() {
    let kb = builtin();
    let idx = Index::new(&kb);
    // The standard wording alone, without the number, still leads to the right code.
    for (text, id) in [
        (
            "Requested action not taken: mailbox unavailable",
            "smtp-550",
        ),
        (
            "Requested action not taken: insufficient system storage",
            "smtp-452",
        ),
        (
            "Service not available, closing transmission channel",
            "smtp-421",
        ),
        ("Transaction failed", "smtp-554"),
        ("Bad sequence of commands", "smtp-503"),
        (
            "Requested mail action aborted: exceeded storage allocation",
            "smtp-552",
        ),
        (
            "Requested action not taken: mailbox name not allowed",
            "smtp-553",
        ),
        ("Must issue a STARTTLS command first", "smtp-530"),
    ] {
        assert_eq!(
            top_id(&kb, &idx, text).as_deref(),
            Some(id),
            "query {text:?}"
        );
    }
}
