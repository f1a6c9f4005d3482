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
