//! The `fengqiao` binary. Everything happens in `commands`; this only parses the command line
//! and turns failures into a message and an exit code.

mod cli;
mod commands;
mod config;
mod database;
mod demo;
mod jobs;
mod keys;
mod malloc;
mod messages;
mod pidfile;
mod table;

use std::process::ExitCode;

use clap::Parser;

fn main() -> ExitCode {
    malloc::tune();
    let cli = cli::Cli::parse();
    let runtime = match tokio::runtime::Builder::new_multi_thread().enable_all().build() {
        Ok(r) => r,
        Err(e) => {
            eprintln!("error: cannot start the async runtime: {e}");
            return ExitCode::FAILURE;
        }
    };
    match runtime.block_on(commands::run(cli)) {
        Ok(code) => code,
        Err(e) => {
            eprintln!("error: {e:#}");
            ExitCode::FAILURE
        }
    }
}
