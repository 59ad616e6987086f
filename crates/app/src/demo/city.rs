//! The city-scale generator behind `fengqiao gen`: the demo's registry generator run over
//! every community of 呼和浩特市, each filled densely, one street per transaction so memory
//! stays flat whatever the size.

use std::collections::HashMap;

use anyhow::Context;
use fengqiao_domain::model::NewAudit;
use fengqiao_domain::services::{Services, operator};
use fengqiao_domain::privacy::Vault;

use super::places::{self, Community};
use super::registry::{CityScale, Counts, World, linked_accounts};
use super::{DEMO_ACTOR, accounts, world};
use crate::messages::Explain;

/// Households a densely filled estate holds on average: four buildings of two or three
/// entrances, six floors, two flats a landing, 88% registered (see `places.rs`); measured
/// over a whole generated city.
const HOUSEHOLDS_PER_ESTATE: f64 = 111.5;

/// What `generate` wrote, and the residents of each grid by path, which `fengqiao gen --cases`
/// spreads cases by.
pub struct Generated {
    pub counts: Counts,
    pub population: HashMap<String, u64>,
}

pub struct Progress<'a> {
    pub streets: usize,
    pub of_streets: usize,
    pub counts: &'a Counts,
}

pub async fn generate(
    services: &Services,
    vault: &Vault,
    households: usize,
    password: &str,
    mut progress: impl FnMut(Progress<'_>),
) -> anyhow::Result<Generated> {
    let actor = operator(DEMO_ACTOR);
    let rows = world::city_divisions()?;
    let communities = rows.iter().filter(|r| r.level == "community").count();
    services.import_divisions(&actor, &rows).await.explained()?;
    accounts::provide_accounts(services, &actor, password).await?;

    let store = services.store.as_ref();
    let now = services.clock.now();
    let mut w = World::new(vault, now);
    w.linked = linked_accounts(store).await?;
    let per_community = households as f64 / communities as f64 / HOUSEHOLDS_PER_ESTATE;
    w.city = Some(CityScale { estates_per_community: per_community });

    let city = store.area_by_code(world::CITY).await.explained()?.context("the city is missing after import")?;
    let districts = store.area_children(city.id, false).await.explained()?;
    let mut streets: Vec<(usize, Vec<Community>)> = Vec::new();
    for (d, district) in districts.iter().enumerate() {
        let (_, all) = places::tree(store, district.code.as_str(), &[]).await?;
        let mut by_street: Vec<Vec<Community>> = Vec::new();
        for c in all {
            match by_street.last_mut() {
                Some(last) if last[0].street.id == c.street.id => last.push(c),
                _ => by_street.push(vec![c]),
            }
        }
        streets.extend(by_street.into_iter().map(|s| (d, s)));
    }

    let mut total = Counts::default();
    let mut population: HashMap<String, u64> = HashMap::new();
    let of_streets = streets.len();
    for (n, (d, communities)) in streets.into_iter().enumerate() {
        let district = &districts[d];
        let street = communities[0].street.clone();
        w.reseed(street.code.as_str());
        let batch = w.district(district, &communities)?;
        let counts = Counts::of(&batch);
        for r in &batch.residents {
            *population.entry(r.area_path.clone()).or_insert(0) += 1;
        }
        let audit = NewAudit {
            at: now,
            actor_id: None,
            actor_name: DEMO_ACTOR.to_string(),
            action: "generate.registry".to_string(),
            entity_type: "registry".to_string(),
            entity_id: street.code.to_string(),
            area_path: street.path.clone(),
            before: None,
            after: Some(serde_json::to_value(&counts)?),
            client_addr: None,
        };
        store.insert_registry(&batch, &[audit]).await.explained().with_context(|| format!("writing the registry of {}", street.name))?;
        total.add(&counts);
        progress(Progress { streets: n + 1, of_streets, counts: &total });
    }
    Ok(Generated { counts: total, population })
}
