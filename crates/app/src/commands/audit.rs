//! `fengqiao audit verify`.

use std::process::ExitCode;

use fengqiao_domain::services::Services;

use crate::config::{Config, Database};
use crate::database;
use crate::messages::Explain;

pub async fn run(config: &Config, db: &Database) -> anyhow::Result<ExitCode> {
    let store = database::open_existing(db).await?;
    verify(&database::services(store, config)?).await
}

/// Prints the verification result; a broken chain is exit code 1 so scripts and monitoring
/// can act on it.
pub async fn verify(services: &Services) -> anyhow::Result<ExitCode> {
    let report = services.verify_audit().await.explained()?;
    println!("checked {} audit rows (the chain head records row {})", report.rows_checked, report.head_seq);
    match report.broken {
        None => {
            println!("audit chain intact");
            Ok(ExitCode::SUCCESS)
        }
        Some(broken) => {
            println!("audit chain BROKEN: {broken}");
            Ok(ExitCode::from(1))
        }
    }
}
