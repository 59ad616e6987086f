//! One demo account per role, placed where that role works. The people are invented: no name
//! from the seed article is used.

use fengqiao_domain::model::Role;
use fengqiao_domain::rules::access::Actor;
use fengqiao_domain::services::{AccountChange, NewAccount, Services};

use crate::messages::Explain;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct DemoAccount {
    pub username: &'static str,
    pub display_name: &'static str,
    pub role: Role,
    pub area_code: &'static str,
}

const fn account(username: &'static str, display_name: &'static str, role: Role, area_code: &'static str) -> DemoAccount {
    DemoAccount { username, display_name, role, area_code }
}

pub const DEMO_ACCOUNTS: [DemoAccount; 11] = [
    account("admin", "韩立民", Role::SystemAdmin, "1501"),
    account("district", "郑思远", Role::DistrictStaff, "150102"),
    account("street", "赵春燕", Role::StreetStaff, "150103003"),
    account("community", "马秀兰", Role::CommunityStaff, "150103003030"),
    account("grid", "张海峰", Role::GridWorker, "150103003030G01"),
    account("mediator", "刘桂芳", Role::Mediator, "150103003001"),
    account("legal", "孙志明", Role::LegalAdviser, "150103003030G02"),
    account("building_head", "白玉山", Role::BuildingHead, "150103003030G01"),
    account("entrance_head", "高淑珍", Role::EntranceHead, "150103003030G01"),
    account("partner", "周晓光", Role::Partner, "150103004"),
    account("leader", "陈国栋", Role::Leader, "150103"),
];

/// Creates the demo accounts, or, where one already exists (a reused demo world), gives it the
/// password again and enables it. Answers how many were created.
pub async fn provide_accounts(services: &Services, actor: &Actor, password: &str) -> anyhow::Result<usize> {
    let mut created = 0;
    for a in DEMO_ACCOUNTS {
        if services.store.user_by_username(a.username).await.explained()?.is_none() {
            let new = NewAccount {
                username: a.username.to_string(),
                display_name: a.display_name.to_string(),
                role: a.role.as_str().to_string(),
                home_area_code: a.area_code.to_string(),
                password: password.to_string(),
            };
            services.create_account(actor, new).await.explained()?;
            created += 1;
            continue;
        }
        services.set_password(actor, a.username, None, password).await.explained()?;
        let existing = services.account(actor, a.username).await.explained()?;
        if existing.disabled {
            let enable = AccountChange { version: existing.version, disabled: Some(false), ..AccountChange::default() };
            services.change_account(actor, a.username, enable).await.explained()?;
        }
    }
    Ok(created)
}
