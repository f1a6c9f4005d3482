//! `bounce-doctor diagnose`.

use super::{JsonFlag, Paint};
use clap::Args;
use std::path::PathBuf;

/// Arguments of `diagnose`.
#[derive(Debug, Args)]
pub struct DiagnoseArgs {
    /// Files, directories (all files, sorted) or mboxes; `-` or nothing reads stdin.
    pub paths: Vec<PathBuf>,
    #[command(flatten)]
    pub json: JsonFlag,
}

/// Run `diagnose`.
pub fn run(_args: &DiagnoseArgs, _dirs: &[PathBuf], _paint: Paint) -> i32 {
    eprintln!("diagnose is not built yet");
    2
}
