//! bounce-doctor: diagnose bounced email, browse bounce codes, fix the cause.
//!
//! The core (`knowledge`, `diagnose`, `checks`, `wizard`) does no terminal I/O;
//! `tui` and `cli` are thin front ends over it.

pub mod checks;
pub mod cli;
pub mod diagnose;
pub mod knowledge;
pub mod tui;
pub mod wizard;

/// The value of a base64 alphabet character (RFC 4648). The decoders of
/// MIME parts and of DKIM keys share it; they differ in what else they take.
pub(crate) const fn base64_value(c: u8) -> Option<u8> {
    match c {
        b'A'..=b'Z' => Some(c - b'A'),
        b'a'..=b'z' => Some(c - b'a' + 26),
        b'0'..=b'9' => Some(c - b'0' + 52),
        b'+' => Some(62),
        b'/' => Some(63),
        _ => None,
    }
}
