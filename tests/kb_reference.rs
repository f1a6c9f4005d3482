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

/// Every enhanced status code in the IANA registry (X.0.0 to X.7.30), with the
/// class variants that occur in real mail: (entry id, codes it must list).
const ENHANCED: &[(&str, &[&str])] = &[
    ("enh-x-0-0", &["2.0.0", "4.0.0", "5.0.0"]),
    ("enh-x-1-0", &["2.1.0", "5.1.0"]),
    ("enh-x-1-1", &["4.1.1", "5.1.1"]),
    ("enh-x-1-2", &["4.1.2", "5.1.2"]),
    ("enh-x-1-3", &["5.1.3"]),
    ("enh-x-1-4", &["5.1.4"]),
    ("enh-x-1-5", &["2.1.5"]),
    ("enh-x-1-6", &["5.1.6"]),
    ("enh-x-1-7", &["5.1.7"]),
    ("enh-x-1-8", &["4.1.8", "5.1.8"]),
    ("enh-x-1-9", &["5.1.9"]),
    ("enh-x-1-10", &["5.1.10"]),
    ("enh-x-2-0", &["4.2.0", "5.2.0"]),
    ("enh-x-2-1", &["4.2.1", "5.2.1"]),
    ("enh-x-2-2", &["4.2.2", "5.2.2"]),
    ("enh-x-2-3", &["5.2.3"]),
    ("enh-x-2-4", &["4.2.4", "5.2.4"]),
    ("enh-x-3-0", &["4.3.0", "5.3.0"]),
    ("enh-x-3-1", &["4.3.1", "5.3.1"]),
    ("enh-x-3-2", &["4.3.2", "5.3.2"]),
    ("enh-x-3-3", &["5.3.3"]),
    ("enh-x-3-4", &["5.3.4"]),
    ("enh-x-3-5", &["4.3.5", "5.3.5"]),
    ("enh-x-3-6", &["2.3.6"]),
    ("enh-x-4-0", &["4.4.0", "5.4.0"]),
    ("enh-x-4-1", &["4.4.1", "5.4.1"]),
    ("enh-x-4-2", &["4.4.2", "5.4.2"]),
    ("enh-x-4-3", &["4.4.3", "5.4.3"]),
    ("enh-x-4-4", &["4.4.4", "5.4.4"]),
    ("enh-x-4-5", &["4.4.5"]),
    ("enh-x-4-6", &["4.4.6", "5.4.6"]),
    ("enh-x-4-7", &["4.4.7", "5.4.7"]),
    ("enh-x-5-0", &["4.5.0", "5.5.0"]),
    ("enh-x-5-1", &["5.5.1"]),
    ("enh-x-5-2", &["5.5.2"]),
    ("enh-x-5-3", &["4.5.3", "5.5.3"]),
    ("enh-x-5-4", &["5.5.4"]),
    ("enh-x-5-5", &["5.5.5"]),
    ("enh-x-5-6", &["5.5.6"]),
    ("enh-x-6-0", &["2.6.0", "5.6.0"]),
    ("enh-x-6-1", &["5.6.1"]),
    ("enh-x-6-2", &["5.6.2"]),
    ("enh-x-6-3", &["5.6.3"]),
    ("enh-x-6-4", &["2.6.4"]),
    ("enh-x-6-5", &["5.6.5"]),
    ("enh-x-6-6", &["5.6.6"]),
    ("enh-x-6-7", &["5.6.7"]),
    ("enh-x-6-8", &["5.6.8"]),
    ("enh-x-6-9", &["5.6.9"]),
    ("enh-x-6-10", &["5.6.10"]),
    ("enh-x-7-0", &["4.7.0", "5.7.0"]),
    ("enh-x-7-1", &["4.7.1", "5.7.1"]),
    ("enh-x-7-2", &["5.7.2"]),
    ("enh-x-7-3", &["5.7.3"]),
    ("enh-x-7-4", &["5.7.4"]),
    ("enh-x-7-5", &["5.7.5"]),
    ("enh-x-7-6", &["5.7.6"]),
    ("enh-x-7-7", &["5.7.7"]),
    ("enh-x-7-8", &["5.7.8"]),
    ("enh-x-7-9", &["5.7.9"]),
    ("enh-x-7-10", &["5.7.10"]),
    ("enh-x-7-11", &["5.7.11"]),
    ("enh-x-7-12", &["4.7.12", "5.7.12"]),
    ("enh-x-7-13", &["5.7.13"]),
    ("enh-x-7-14", &["5.7.14"]),
    ("enh-x-7-15", &["4.7.15", "5.7.15"]),
    ("enh-x-7-16", &["5.7.16"]),
    ("enh-x-7-17", &["5.7.17"]),
    ("enh-x-7-18", &["5.7.18"]),
    ("enh-x-7-19", &["5.7.19"]),
    ("enh-x-7-20", &["5.7.20"]),
    ("enh-x-7-21", &["5.7.21"]),
    ("enh-x-7-22", &["5.7.22"]),
    ("enh-x-7-23", &["5.7.23"]),
    ("enh-x-7-24", &["4.7.24", "5.7.24"]),
    ("enh-x-7-25", &["5.7.25"]),
    ("enh-x-7-26", &["5.7.26"]),
    ("enh-x-7-27", &["5.7.27"]),
    ("enh-x-7-28", &["5.7.28"]),
    ("enh-x-7-29", &["5.7.29"]),
    ("enh-x-7-30", &["5.7.30"]),
];

/// Highest registered detail number for each subject 0..=7 of the IANA registry.
const REGISTRY_LAST_DETAIL: [u32; 8] = [0, 10, 4, 6, 7, 6, 10, 30];

const ENHANCED_DIR: &str = "knowledge/enhanced/";

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

#[test]
fn enhanced_list_covers_the_whole_registry() {
    let mut want = Vec::new();
    for (subject, last) in REGISTRY_LAST_DETAIL.iter().enumerate() {
        for detail in 0..=*last {
            want.push(format!("enh-x-{subject}-{detail}"));
        }
    }
    let have: Vec<String> = ENHANCED.iter().map(|(id, _)| id.to_string()).collect();
    assert_eq!(have, want);
    for (id, codes) in ENHANCED {
        let suffix = id.trim_start_matches("enh-x-").replace('-', ".");
        for code in *codes {
            assert_eq!(
                code.split_once('.').map(|(_, rest)| rest),
                Some(suffix.as_str()),
                "code {code} does not belong to `{id}`"
            );
        }
    }
}

#[test]
fn enhanced_files_contribute_every_registered_code() {
    let kb = builtin();
    for (id, codes) in ENHANCED {
        let e = kb
            .get(id)
            .unwrap_or_else(|| panic!("no entry `{id}` in the built-in base"));
        let subject = id.split('-').nth(2).expect("id has a subject");
        assert!(
            e.origin
                .path
                .starts_with(&format!("{ENHANCED_DIR}x{subject}-")),
            "`{id}` comes from {}, not its subject file",
            e.origin.path
        );
        let listed: Vec<&str> = e.codes.iter().map(String::as_str).collect();
        assert_eq!(listed, codes.to_vec(), "codes of `{id}`");
    }
    let in_dir = kb
        .entries
        .iter()
        .filter(|e| e.origin.path.starts_with(ENHANCED_DIR))
        .count();
    assert_eq!(
        in_dir,
        ENHANCED.len(),
        "enhanced/ holds entries missing from the list"
    );
}

#[test]
fn enhanced_severity_matches_the_classes_listed() {
    let kb = builtin();
    for (id, codes) in ENHANCED {
        let e = kb.get(id).expect("entry exists");
        let only_success = codes.iter().all(|c| c.starts_with("2."));
        if only_success {
            assert_eq!(
                e.severity,
                Severity::Success,
                "`{id}` lists only 2.x.x codes"
            );
        } else {
            assert_ne!(e.severity, Severity::Success, "`{id}` lists failure codes");
            assert!(
                (2..=5).contains(&e.steps.len()) && !e.acts.is_empty(),
                "`{id}` needs 2–5 steps and someone to act"
            );
        }
    }
}

#[test]
fn bare_enhanced_code_finds_its_reference_entry_first() {
    let kb = builtin();
    let idx = Index::new(&kb);
    let wrong: Vec<String> = ENHANCED
        .iter()
        .flat_map(|(id, codes)| codes.iter().map(move |c| (*id, *c)))
        .filter_map(|(id, code)| {
            let got = top_id(&kb, &idx, code);
            (got.as_deref() != Some(id)).then(|| format!("{code}: top hit {got:?}, want {id}"))
        })
        .collect();
    assert!(wrong.is_empty(), "wrong top hits:\n{}", wrong.join("\n"));
}

#[test]
fn enhanced_prefix_opens_with_that_subjects_reference_entries() {
    let kb = builtin();
    let idx = Index::new(&kb);
    // `5.7` should open with the security/policy reference entries.
    let hits = idx.search("5.7");
    let first = &kb.entries[hits.first().expect("5.7 finds entries").index];
    assert!(
        first.codes.iter().any(|c| c.starts_with("5.7.")) && first.id.starts_with("enh-x-7-"),
        "first hit for 5.7 is `{}`",
        first.id
    );
}
