//! The terminal interface (ratatui + crossterm), Elm style: `model` holds the
//! state and `update`, `view` draws it, `app` owns the terminal and runs effects,
//! `keymap` is the one table of key bindings.

pub mod app;
pub mod clipboard;
pub mod keymap;
pub mod layout;
pub mod model;
pub mod text;
pub mod theme;
pub mod view;
pub mod wizard_pane;

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
pub fn run(options: Options) -> i32 {
    app::run(options)
}
