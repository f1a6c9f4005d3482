//! The command-line front end: argument definitions and one module per subcommand.
//!
//! Exit codes: 0 success, 1 a problem was found (lint problems, unknown id, a
//! failed check), 2 usage error or unreadable input, 130 interrupted (Ctrl+C
//! during `check`, after printing what finished).

pub mod check;
pub mod diagnose;
pub mod kb;
pub mod search;

use crate::knowledge::KnowledgeBase;
use clap::{Args, Parser, Subcommand};
use std::io::IsTerminal;
use std::path::PathBuf;

/// Diagnose bounced email: browse bounce codes, paste a bounce, fix the cause.
///
/// Without a subcommand, opens the terminal interface.
#[derive(Debug, Parser)]
#[command(name = "bounce-doctor", version, about, long_about = None)]
pub struct Cli {
    /// Disable colour (also honoured: the NO_COLOR environment variable).
    #[arg(long, global = true)]
    pub no_color: bool,
    /// Extra knowledge directory (entries override built-in ones with the same id).
    #[arg(long = "knowledge", value_name = "DIR", global = true)]
    pub knowledge: Vec<PathBuf>,
    /// Open the terminal interface with this bounce file in the paste pane.
    #[arg(long, value_name = "FILE")]
    pub paste: Option<PathBuf>,
    /// DNS server for checks (ADDR or ADDR:PORT); default: the system resolver.
    #[arg(long, value_name = "ADDR[:PORT]", global = true)]
    pub resolver: Option<String>,
    #[command(subcommand)]
    pub command: Option<Command>,
}

/// Subcommands.
#[derive(Debug, Subcommand)]
pub enum Command {
    /// Search the knowledge base (codes, bounce texts, words).
    Search(search::SearchArgs),
    /// Show one knowledge-base entry by id.
    Show(search::ShowArgs),
    /// Knowledge-base maintenance.
    #[command(subcommand)]
    Kb(kb::KbCommand),
    /// Diagnose bounces from files, directories, mboxes or stdin.
    Diagnose(diagnose::DiagnoseArgs),
    /// Run blocklist, open-relay and DNS checks.
    Check(check::CheckArgs),
}

/// Options shared by commands that can print JSON.
#[derive(Debug, Args, Clone, Copy, Default)]
pub struct JsonFlag {
    /// Print JSON instead of text.
    #[arg(long)]
    pub json: bool,
}

/// Whether colour output is wanted: not disabled by flag or `NO_COLOR`, and stdout is a terminal.
pub fn color_enabled(no_color_flag: bool) -> bool {
    !no_color_flag && !no_color_env() && std::io::stdout().is_terminal()
}

/// True when the `NO_COLOR` environment variable is set to a non-empty value.
pub fn no_color_env() -> bool {
    std::env::var_os("NO_COLOR").is_some_and(|v| !v.is_empty())
}

/// Semantic colours for text output: callers ask for a meaning, not a colour.
#[derive(Debug, Clone, Copy)]
pub struct Paint {
    enabled: bool,
}

impl Paint {
    /// Painter that colours only when `enabled`.
    pub fn new(enabled: bool) -> Paint {
        Paint { enabled }
    }
    fn wrap(&self, code: &str, s: &str) -> String {
        if self.enabled {
            format!("\x1b[{code}m{s}\x1b[0m")
        } else {
            s.to_string()
        }
    }
    /// Something bad: failures, hard bounces.
    pub fn danger(&self, s: &str) -> String {
        self.wrap("31;1", s)
    }
    /// Needs attention: warnings, soft bounces.
    pub fn warn(&self, s: &str) -> String {
        self.wrap("33", s)
    }
    /// Good news: passes.
    pub fn ok(&self, s: &str) -> String {
        self.wrap("32", s)
    }
    /// Headings and names.
    pub fn strong(&self, s: &str) -> String {
        self.wrap("1", s)
    }
    /// Secondary information.
    pub fn muted(&self, s: &str) -> String {
        self.wrap("2", s)
    }
    /// Codes and identifiers.
    pub fn accent(&self, s: &str) -> String {
        self.wrap("36", s)
    }
}

/// Load the knowledge base for a command, printing load problems to stderr.
pub fn load_kb(cli_dirs: &[PathBuf]) -> KnowledgeBase {
    let kb = KnowledgeBase::load_default(cli_dirs);
    for p in &kb.problems {
        eprintln!("warning: {p}");
    }
    kb
}

/// Let a closed pipe end the process quietly (`bounce-doctor search x | head`),
/// as command-line tools do, instead of failing on the next write.
fn restore_sigpipe() {
    #[cfg(unix)]
    // SAFETY: resetting a signal disposition to its default has no preconditions.
    unsafe {
        libc::signal(libc::SIGPIPE, libc::SIG_DFL);
    }
}

/// Run the parsed command line; returns the process exit code.
pub fn run(cli: Cli) -> i32 {
    if cli.command.is_some() {
        restore_sigpipe();
    }
    let paint = Paint::new(color_enabled(cli.no_color));
    match cli.command {
        None => crate::tui::run(crate::tui::Options {
            no_color: cli.no_color || no_color_env(),
            knowledge_dirs: cli.knowledge.clone(),
            paste_file: cli.paste.clone(),
            resolver: cli.resolver.clone(),
        }),
        Some(Command::Search(args)) => search::run_search(&args, &cli.knowledge, paint),
        Some(Command::Show(args)) => search::run_show(&args, &cli.knowledge, paint),
        Some(Command::Kb(cmd)) => kb::run(&cmd, &cli.knowledge, paint),
        Some(Command::Diagnose(args)) => diagnose::run(&args, &cli.knowledge, paint),
        Some(Command::Check(args)) => check::run(&args, cli.resolver.as_deref(), paint),
    }
}
