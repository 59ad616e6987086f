//! The demo world `fengqiao demo` serves: the seed article's city, districts, streets and
//! communities under their official codes, grids, and one account per role; then the
//! registry of places and people below the grids (`registry::load`).

mod accounts;
pub mod boundaries;
pub mod cases;
pub mod city;
mod names;
pub mod open311;
mod orgs;
mod places;
pub mod registry;
mod residents;
mod serving;
mod world;

#[cfg(test)]
mod registry_tests;
#[cfg(test)]
mod tests;

use fengqiao_domain::services::{Services, operator};

use crate::messages::Explain;

pub use accounts::DEMO_ACCOUNTS;

/// The meta key that records what kind of world a database holds, and its demo value.
pub const WORLD_KEY: &str = "world";
pub const DEMO_WORLD: &str = "demo";

/// The name the demo loader's changes carry in the audit log.
pub const DEMO_ACTOR: &str = "demo";

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Built {
    pub areas_created: usize,
    pub accounts_created: usize,
}

/// Loads the world into a database already marked as a demo. Safe to run again on the same
/// demo world: existing areas are kept, existing accounts get the password again.
pub async fn build(services: &Services, password: &str) -> anyhow::Result<Built> {
    let actor = operator(DEMO_ACTOR);
    let rows = world::demo_divisions()?;
    let areas_created = services.import_divisions(&actor, &rows).await.explained()?;
    let accounts_created = accounts::provide_accounts(services, &actor, password).await?;
    Ok(Built { areas_created, accounts_created })
}
