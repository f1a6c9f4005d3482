//! The terminal interface (ratatui + crossterm).

use std::path::PathBuf;

/// Start-up options of the terminal interface.
#[derive(Debug, Clone, Default)]
pub struct Options {
    /// Map every colour to the default style.
    pub no_color: bool,
    /// Extra knowledge directories.
    pub knowledge_dirs: Vec<PathBuf>,
    /// Bounce file to open in the paste pane.
    pub paste_file: Option<PathBuf>,
    /// DNS server for wizard checks.
    pub resolver: Option<String>,
}

/// Run the interface until the user quits; returns the exit code.
pub fn run(_options: Options) -> i32 {
    eprintln!("the terminal interface is not built yet");
    2
}
