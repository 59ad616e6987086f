//! One module per subcommand. Each answers the process exit code, or an error that `main`
//! prints as one line.

mod area;
mod audit;
mod backup;
mod demo;
mod generate;
mod keys;
mod raw_intake;
pub(crate) mod reindex;
mod restore;
mod serve;
mod stats;
mod stats_bench;
mod search_bench;
mod user;

use std::io::IsTerminal;
use std::process::ExitCode;

use anyhow::Context;
use tracing_subscriber::EnvFilter;

use crate::cli::{AreaCommand, AuditCommand, Cli, Command, KeysCommand, StatsCommand};
use crate::config::Config;
use crate::database;

pub async fn run(cli: Cli) -> anyhow::Result<ExitCode> {
    let listen = match &cli.command {
        Command::Serve(args) => args.listen,
        Command::Demo(args) => args.listen,
        _ => None,
    };
    let config = Config::load(&cli.data, listen)?;
    init_logging(&config.log)?;
    let db = config.database()?;
    match cli.command {
        Command::Serve(_) => serve::run(&config, &db).await,
        Command::Demo(args) => demo::run(&config, &db, &args.demo_password).await,
        Command::Migrate => {
            database::open_or_create(&db).await?;
            println!("{} is migrated to the current schema", db.describe());
            Ok(ExitCode::SUCCESS)
        }
        Command::User(cmd) => user::run(&config, &db, cmd).await,
        Command::Backup { dest } => backup::run(&config, &db, &dest).await,
        Command::Restore { src, force } => restore::run(&config, &db, &src, force).await,
        Command::Audit(AuditCommand::Verify) => audit::run(&config, &db).await,
        Command::Stats(StatsCommand::Verify) => stats::run(&config, &db, false).await,
        Command::Stats(StatsCommand::Rebuild) => stats::run(&config, &db, true).await,
        Command::Keys(KeysCommand::Generate) => {
            println!("{}", fengqiao_domain::privacy::Vault::generate_key());
            Ok(ExitCode::SUCCESS)
        }
        Command::Reindex => reindex::run(&config, &db).await,
        Command::Keys(KeysCommand::Rotate) => keys::rotate(&config, &db).await,
        Command::Area(AreaCommand::Import { file, under }) => area::import(&config, &db, &file, under.as_deref()).await,
        Command::Gen(args) => generate::run(&config, &db, &args).await,
        Command::RawIntake(args) => raw_intake::run(&config, &db, &args).await,
        Command::StatsBench(args) => stats_bench::run(&config, &db, &args).await,
        Command::SearchBench(args) => search_bench::run(&config, &db, &args).await,
    }
}

/// Logs go to stderr so that command output on stdout stays clean for scripts.
fn init_logging(filter: &str) -> anyhow::Result<()> {
    let filter = EnvFilter::try_new(filter).with_context(|| format!("invalid log filter {filter:?}"))?;
    let _ = tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_writer(std::io::stderr)
        .with_ansi(std::io::stderr().is_terminal())
        .try_init();
    Ok(())
}

/// Who is at the console, for the audit log.
pub(crate) fn login_name() -> String {
    ["USER", "LOGNAME"]
        .iter()
        .filter_map(|v| std::env::var(v).ok())
        .find(|n| !n.trim().is_empty())
        .unwrap_or_else(|| "root".to_string())
}
