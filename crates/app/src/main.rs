//! The `fengqiao` binary. Everything happens in `commands`; this only parses the command line
//! and turns failures into a message and an exit code.

mod cli;
mod commands;
mod config;
mod database;
mod demo;
mod jobs;
mod keys;
mod messages;
mod pidfile;
mod table;

use std::process::ExitCode;

use clap::Parser;

#[tokio::main]
async fn main() -> ExitCode {
    let cli = cli::Cli::parse();
    match commands::run(cli).await {
        Ok(code) => code,
        Err(e) => {
            eprintln!("error: {e:#}");
            ExitCode::FAILURE
        }
    }
}
