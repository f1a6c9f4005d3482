//! Fuzz the bounce parser: any bytes in, never a panic, output free of raw
//! control characters. Run with `cargo +nightly fuzz run diagnose`.
#![no_main]

use bounce_doctor::diagnose::diagnose;
use bounce_doctor::knowledge::KnowledgeBase;
use libfuzzer_sys::fuzz_target;
use std::sync::OnceLock;

fn kb() -> &'static KnowledgeBase {
    static KB: OnceLock<KnowledgeBase> = OnceLock::new();
    KB.get_or_init(KnowledgeBase::builtin)
}

fuzz_target!(|data: &[u8]| {
    if let Ok(msgs) = diagnose(data, kb()) {
        for m in msgs {
            for r in m.recipients {
                for e in r.evidence {
                    assert!(!e.text.chars().any(|c| c.is_control()));
                }
                if let Some(d) = r.diagnostic {
                    assert!(!d.chars().any(|c| c.is_control()));
                }
            }
        }
    }
});
