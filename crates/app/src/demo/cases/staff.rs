//! The offices that handle the demo's cases: in every community, street and district of the
//! detailed districts (and at every other district's level), a head who accepts, assigns,
//! checks and closes, and a mediator who handles. The demo accounts take these seats where
//! they sit (`community` at 巴彦淖尔北路社区, `mediator` at 什拉门更社区, `district` at 新城区),
//! so signing in as them shows cases they worked.
//!
//! The other accounts exist only to be named on cases: their password is a random secret
//! nobody holds, and they are created straight in the store, one audit row each.

use std::collections::HashMap;

use anyhow::Context;
use chrono::{DateTime, Utc};
use fengqiao_domain::model::{Area, AreaLevel, NewAudit, Role, User, Username};
use fengqiao_domain::ports::Store;
use fengqiao_domain::rules::access::Actor;
use rand::rngs::StdRng;
use rand::{Rng, SeedableRng};
use uuid::Uuid;

use crate::demo::DEMO_ACTOR;
use crate::demo::names::anyone;
use fengqiao_domain::privacy::Gender;
use crate::messages::Explain;

/// The two seats of one office.
#[derive(Debug, Clone)]
pub struct Office {
    /// Accepts, assigns, escalates, verifies, follows up and closes (`SuperviseCases`).
    pub head: Actor,
    /// Starts, mediates and concludes (`HandleCases`).
    pub mediator: Actor,
}

/// Offices by the path of their area.
#[derive(Debug, Default)]
pub struct Offices {
    by_path: HashMap<String, Office>,
}

impl Offices {
    pub fn of(&self, path: &str) -> anyhow::Result<&Office> {
        self.by_path.get(path).with_context(|| format!("no demo office at {path}"))
    }
}

/// Demo accounts that sit in an office: (username, seat is head).
const SEATED: [(&str, bool); 3] = [("community", true), ("mediator", false), ("district", true)];

fn head_role(level: AreaLevel) -> Role {
    match level {
        AreaLevel::Community => Role::CommunityStaff,
        AreaLevel::Street => Role::StreetStaff,
        _ => Role::DistrictStaff,
    }
}

fn username(area: &Area, head: bool) -> String {
    format!("{}{}", if head { "head-" } else { "mediator-" }, area.code.as_str().to_ascii_lowercase())
}

/// Finds or creates the offices of these areas; returns them with how many accounts it made.
pub async fn provide(store: &dyn Store, areas: &[Area], now: DateTime<Utc>) -> anyhow::Result<(Offices, usize)> {
    let mut rng = StdRng::seed_from_u64(4);
    let mut seated = HashMap::new();
    for (name, head) in SEATED {
        if let Some(u) = store.user_by_username(name).await.explained()? {
            seated.insert((u.home_area_path.clone(), head), u);
        }
    }
    // Hashed once: every unseated account shares a secret no one knows.
    let secret: String = (0..32).map(|_| rng.random_range(b'a'..=b'z') as char).collect();
    let hash = fengqiao_domain::rules::password::hash(&secret).explained()?;
    let mut offices = Offices::default();
    let mut created = 0;
    for area in areas {
        let mut seats = Vec::with_capacity(2);
        for head in [true, false] {
            if let Some(u) = seated.get(&(area.path.clone(), head)) {
                seats.push(u.clone());
                continue;
            }
            let name = username(area, head);
            // A reused demo world: the office is already staffed.
            if let Some(u) = store.user_by_username(&name).await.explained()? {
                seats.push(u);
                continue;
            }
            let gender = if rng.random_bool(0.6) { Gender::Female } else { Gender::Male };
            let birth_year = rng.random_range(1968..1996);
            let user = User {
                id: Uuid::now_v7(),
                username: Username::parse(&name).explained()?,
                display_name: anyone(&mut rng, gender, birth_year),
                role: if head { head_role(area.level) } else { Role::Mediator },
                home_area_id: area.id,
                home_area_path: area.path.clone(),
                password_hash: hash.clone(),
                disabled: false,
                version: 1,
                created_at: now,
                updated_at: now,
            };
            let audit = NewAudit {
                at: now,
                actor_id: None,
                actor_name: DEMO_ACTOR.to_string(),
                action: "account.create".to_string(),
                entity_type: "account".to_string(),
                entity_id: name,
                area_path: area.path.clone(),
                before: None,
                after: Some(serde_json::json!({"role": user.role, "display_name": user.display_name, "demo": "case office"})),
                client_addr: None,
            };
            store.insert_user(&user, &audit).await.explained()?;
            created += 1;
            seats.push(user);
        }
        let office = Office { head: Actor::from_user(&seats[0], None), mediator: Actor::from_user(&seats[1], None) };
        offices.by_path.insert(area.path.clone(), office);
    }
    Ok((offices, created))
}
