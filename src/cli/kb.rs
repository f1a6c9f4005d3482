//! `bounce-doctor kb lint|list`.

use super::{load_kb, JsonFlag, Paint};
use crate::knowledge::{self, lint, KnowledgeBase};
use clap::Subcommand;
use std::path::PathBuf;

/// `kb` subcommands.
#[derive(Debug, Subcommand)]
pub enum KbCommand {
    /// Validate knowledge files; prints `path:line: message` per problem, exit 1 if any.
    Lint {
        /// Directory to lint (default: the built-in base and the user's directory).
        dir: Option<PathBuf>,
    },
    /// List entries: id, codes and title per line, or a JSON array.
    List {
        #[command(flatten)]
        json: JsonFlag,
    },
}

/// Run a `kb` subcommand.
pub fn run(cmd: &KbCommand, dirs: &[PathBuf], paint: Paint) -> i32 {
    match cmd {
        KbCommand::Lint { dir } => {
            let (count, problems) = match dir {
                Some(d) => {
                    if !d.is_dir() {
                        eprintln!("error: {} is not a directory", d.display());
                        return 2;
                    }
                    let (files, mut problems) = knowledge::read_dir_files(d);
                    let (entries, more) = lint::parse_and_check(&files, false);
                    problems.extend(more);
                    (entries.len(), problems)
                }
                None => {
                    let kb = KnowledgeBase::load_default(dirs);
                    (kb.entries.len(), kb.problems)
                }
            };
            for p in &problems {
                println!("{p}");
            }
            if problems.is_empty() {
                eprintln!("{} {count} entries, no problems", paint.ok("ok:"));
                0
            } else {
                eprintln!(
                    "{} {} problem(s) in {count} usable entries",
                    paint.danger("error:"),
                    problems.len()
                );
                1
            }
        }
        KbCommand::List { json } => {
            let kb = load_kb(dirs);
            if json.json {
                println!(
                    "{}",
                    serde_json::to_string_pretty(&kb.entries).unwrap_or_default()
                );
            } else {
                for e in &kb.entries {
                    println!(
                        "{}\t{}\t{}",
                        paint.accent(&e.id),
                        e.codes.join(","),
                        e.title
                    );
                }
            }
            0
        }
    }
}
