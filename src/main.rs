//! The `wstriage` binary: parse arguments, hand over to the library.

use clap::Parser;

fn main() {
    let cli = wstriage::cli::Cli::parse();
    std::process::exit(wstriage::cli::run(cli));
}
