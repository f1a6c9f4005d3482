//! Command-line entry point: parse arguments and dispatch, nothing else.

use clap::Parser;

fn main() {
    let cli = bounce_doctor::cli::Cli::parse();
    std::process::exit(bounce_doctor::cli::run(cli));
}
