//! `fengqiao gen`: a city-size synthetic world in an empty database, for benchmarks.

use std::collections::HashMap;
use std::process::ExitCode;
use std::sync::Arc;
use std::time::Instant;

use anyhow::bail;
use fengqiao_domain::ports::SystemClock;
use fengqiao_domain::privacy::Vault;
use fengqiao_domain::rules::password;
use fengqiao_domain::services::Services;

use crate::cli::GenArgs;
use crate::config::{Config, Database};
use crate::demo::{self, WORLD_KEY};
use crate::messages::Explain;
use crate::{database, pidfile};

/// What `fengqiao gen` marks its databases with: not a demo (so `fengqiao demo` will not
/// replace hours of generation), not real data either.
pub const GENERATED_WORLD: &str = "generated";

pub async fn run(config: &Config, db: &Database, args: &GenArgs) -> anyhow::Result<ExitCode> {
    password::check_policy(&args.password).explained()?;
    if let Some(dir) = db.sqlite_dir() {
        pidfile::refuse_if_running(dir, "generating a world in it")?;
    }
    let store = database::open_or_create(db).await?;
    if store.holds_data().await.explained()? {
        bail!("{} already holds data; `fengqiao gen` only fills an empty database (use a new --data-dir)", db.describe());
    }
    store.set_meta(WORLD_KEY, GENERATED_WORLD).await.explained()?;
    let vault = Arc::new(crate::keys::demo_vault(config)?);
    let services = Services::new(store, Arc::new(SystemClock), config.auth_settings(), vault.clone());
    println!("Generating a city of about {} households in {}", args.households, db.describe());
    let started = Instant::now();
    let generated = demo::city::generate(&services, &vault, args.households as usize, &args.password, |done| {
        let secs = started.elapsed().as_secs_f64();
        println!(
            "  {:>3}/{} streets  {:>9} households  {:>9} residents  {:>7.0} residents/s",
            done.streets,
            done.of_streets,
            done.counts.households,
            done.counts.residents,
            done.counts.residents as f64 / secs.max(0.001)
        );
    })
    .await?;
    let counts = &generated.counts;
    let secs = started.elapsed().as_secs_f64();
    println!(
        "Done in {secs:.0} s: {} estates, {} buildings, {} households, {} residents, {} people who serve, {} organisations \
         ({:.0} rows/s). Accounts as in `fengqiao demo`, password {}.",
        counts.estates,
        counts.buildings,
        counts.households,
        counts.residents,
        counts.people,
        counts.organisations,
        (counts.estates + counts.buildings + counts.entrances + counts.households + counts.residents) as f64 / secs.max(0.001),
        args.password
    );
    if args.cases > 0 {
        cases(&services, vault, &generated.population, args.cases as usize).await?;
    }
    Ok(ExitCode::SUCCESS)
}

async fn cases(services: &Services, vault: Arc<Vault>, population: &HashMap<String, u64>, n: usize) -> anyhow::Result<()> {
    let plan = demo::cases::city::Plan::new(n);
    println!("Generating {n} cases over the last {} years ({} walkers, {} cases a batch)", plan.years, plan.workers, plan.batch);
    let settings = services.case_settings().await.explained()?;
    let started = Instant::now();
    let mut shown = 0;
    let written = demo::cases::city::generate(services.store.as_ref(), vault, &settings, services.clock.now(), population, &plan, |w| {
        // About twenty lines whatever the size.
        if w.cases - shown >= (n / 20).max(1) || w.cases == n {
            shown = w.cases;
            let secs = started.elapsed().as_secs_f64();
            println!("  {:>9}/{n} cases  {:>7.0} cases/s", w.cases, w.cases as f64 / secs.max(0.001));
        }
    })
    .await?;
    let secs = started.elapsed().as_secs_f64();
    println!(
        "Cases done in {secs:.0} s: {} cases ({} still open), {} office accounts, {} batches ({:.0} cases/s).",
        written.cases,
        written.open,
        written.accounts,
        written.batches,
        written.cases as f64 / secs.max(0.001)
    );
    Ok(())
}
