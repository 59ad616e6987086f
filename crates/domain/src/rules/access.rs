//! Who may do what, where. The single home of the platform's authorisation rule:
//! **an account may do what its role permits, within its home area's subtree.**
//!
//! Things outside the subtree are reported as not found, so a caller cannot probe for them.

use serde::Serialize;
use uuid::Uuid;

use crate::error::{DomainError, Result};
use crate::model::{Area, Role, User};

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Permission {
    ViewAreas,
    ManageAreas,
    ManageAccounts,
    ViewAudit,
    /// See places, households and residents (personal data masked).
    ViewRegistry,
    /// Record and change places, households and residents.
    ManageRegistry,
    /// Record people who serve, organisations and grid duty lists.
    ManagePeople,
    /// See a full ID number or phone, with a stated reason; every reveal is audited.
    RevealPersonalData,
    /// See cases and their timelines.
    ViewCases,
    /// Take in a case (排查 / 登记).
    ReportCases,
    /// Work a case assigned to oneself: start, mediate, conclude, refer, give it back.
    HandleCases,
    /// Run a tier's cases: accept or decline, assign, escalate, dispatch down, return, backlog, close.
    SuperviseCases,
    /// Check a conclusion (核查) and make the follow-up visit (回访).
    VerifyCases,
    /// Keep the case categories, deadline limits and calendar years that every office uses.
    /// They are the whole deployment's, so only system administrators and district offices
    /// (which answer for the dispute-resolution rules of their district) keep them.
    ManageCaseSettings,
}

/// What district offices (and system administrators) may do: everything.
const OFFICE: &[Permission] = {
    use Permission::*;
    &[
        ViewAreas,
        ManageAreas,
        ManageAccounts,
        ViewAudit,
        ViewRegistry,
        ManageRegistry,
        ManagePeople,
        RevealPersonalData,
        ViewCases,
        ReportCases,
        HandleCases,
        SuperviseCases,
        VerifyCases,
        // Keep last: street offices have everything before it.
        ManageCaseSettings,
    ]
};

/// Street offices run their area like a district office but do not keep the deployment's
/// case settings.
const STREET_OFFICE: &[Permission] = match OFFICE.split_last() {
    Some((_, rest)) => rest,
    None => &[],
};

impl Role {
    pub fn permissions(self) -> &'static [Permission] {
        use Permission::*;
        match self {
            Role::SystemAdmin | Role::DistrictStaff => OFFICE,
            Role::StreetStaff => STREET_OFFICE,
            Role::CommunityStaff => &[
                ViewAreas,
                ManageAreas,
                ManageAccounts,
                ViewRegistry,
                ManageRegistry,
                ManagePeople,
                RevealPersonalData,
                ViewCases,
                ReportCases,
                HandleCases,
                SuperviseCases,
                VerifyCases,
            ],
            Role::GridWorker => &[ViewAreas, ViewRegistry, ManageRegistry, RevealPersonalData, ViewCases, ReportCases, HandleCases],
            Role::Mediator => &[ViewAreas, ViewRegistry, RevealPersonalData, ViewCases, ReportCases, HandleCases],
            Role::Leader => &[ViewAreas, ViewAudit, ViewRegistry, ViewCases],
            // 三官一律 mediate and advise on cases in the grids they serve.
            Role::LegalAdviser => &[ViewAreas, ViewRegistry, ViewCases, ReportCases, HandleCases],
            // Volunteer heads pass on what they see; cases carry parties' details, so they do
            // not browse them.
            Role::BuildingHead | Role::EntranceHead => &[ViewAreas, ViewRegistry, ReportCases],
            // Partner units see the territory, never residents.
            Role::Partner => &[ViewAreas],
        }
    }

    pub fn has(self, p: Permission) -> bool {
        self.permissions().contains(&p)
    }

    /// Only a system administrator makes system administrators; otherwise a role may be granted
    /// by anyone whose own permissions include all of the role's.
    pub fn may_grant(self, other: Role) -> bool {
        if other == Role::SystemAdmin {
            return self == Role::SystemAdmin;
        }
        other.permissions().iter().all(|p| self.has(*p))
    }
}

/// The authenticated caller of a use case.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Actor {
    pub user_id: Uuid,
    pub username: String,
    pub display_name: String,
    pub role: Role,
    pub home_area_id: Uuid,
    pub home_area_path: String,
    pub client_addr: Option<String>,
}

impl Actor {
    pub fn from_user(u: &User, client_addr: Option<String>) -> Self {
        Actor {
            user_id: u.id,
            username: u.username.to_string(),
            display_name: u.display_name.clone(),
            role: u.role,
            home_area_id: u.home_area_id,
            home_area_path: u.home_area_path.clone(),
            client_addr,
        }
    }

    /// An outside channel: an Open311 client by its API key, or the residents' portal. It
    /// takes in cases within `area_path` and does nothing else, so it carries the narrowest
    /// role that reports (a building head's, which browses no cases); its audit rows name it.
    pub fn outside_channel(name: &str, area_path: &str, client_addr: Option<String>) -> Actor {
        Actor {
            user_id: Uuid::nil(),
            username: name.to_string(),
            display_name: name.to_string(),
            role: Role::BuildingHead,
            home_area_id: Uuid::nil(),
            home_area_path: area_path.to_string(),
            client_addr,
        }
    }

    /// Is this path in the caller's subtree (home area included)?
    pub fn covers(&self, path: &str) -> bool {
        path.starts_with(&self.home_area_path)
    }

    /// Is this path strictly below the caller's home area? Structural changes (creating,
    /// moving, retiring areas; making accounts of a higher reach) stay below one's own level.
    pub fn covers_below(&self, path: &str) -> bool {
        self.covers(path) && path.len() > self.home_area_path.len()
    }

    pub fn require(&self, p: Permission) -> Result<()> {
        if self.role.has(p) { Ok(()) } else { Err(DomainError::Forbidden("error-forbidden")) }
    }

    /// Reading an area: out-of-scope answers not found.
    pub fn may_see_area(&self, area: &Area) -> Result<()> {
        self.require(Permission::ViewAreas)?;
        if self.covers(&area.path) { Ok(()) } else { Err(DomainError::NotFound("error-area-not-found")) }
    }

    /// Changing an area: it must be visible and strictly below the caller's home.
    pub fn may_change_area(&self, area: &Area) -> Result<()> {
        self.may_see_area(area)?;
        self.require(Permission::ManageAreas)?;
        if self.covers_below(&area.path) {
            Ok(())
        } else {
            Err(DomainError::Forbidden("error-area-above-scope"))
        }
    }

    /// Creating an area under `parent`: the parent must be in scope (it may be the home itself).
    pub fn may_create_under(&self, parent: &Area) -> Result<()> {
        self.may_see_area(parent)?;
        self.require(Permission::ManageAreas)
    }

    /// Anything recorded under an area path: in scope, and the role has the permission.
    /// Outside the scope it is not found, whatever the permission.
    pub fn may_in(&self, p: Permission, path: &str, not_found: &'static str) -> Result<()> {
        if !self.covers(path) {
            return Err(DomainError::NotFound(not_found));
        }
        self.require(p)
    }

    /// Acting for a tier on something that lies below it (a case handled by a street, in one of
    /// the street's communities): the tier's area must be in the caller's subtree. Someone
    /// below the tier sees the thing but may not act for the tier, hence forbidden, not hidden.
    pub fn may_act_for(&self, p: Permission, tier_path: &str) -> Result<()> {
        self.require(p)?;
        if self.covers(tier_path) { Ok(()) } else { Err(DomainError::Forbidden("error-other-tier")) }
    }

    /// Seeing an account: its home must be in the caller's subtree.
    pub fn may_see_user(&self, u: &User) -> Result<()> {
        self.require(Permission::ManageAccounts)?;
        if self.covers(&u.home_area_path) || u.id == self.user_id {
            Ok(())
        } else {
            Err(DomainError::NotFound("error-user-not-found"))
        }
    }

    /// Creating or changing an account with this role and home.
    pub fn may_manage_account(&self, role: Role, home: &Area) -> Result<()> {
        self.require(Permission::ManageAccounts)?;
        if !self.covers(&home.path) {
            return Err(DomainError::NotFound("error-area-not-found"));
        }
        if !self.role.may_grant(role) {
            return Err(DomainError::Forbidden("error-role-above-own"));
        }
        // A peer at one's own home area with the same powers could lock one out; only a
        // system administrator manages accounts at their own level.
        if self.role != Role::SystemAdmin && !self.covers_below(&home.path) && role.has(Permission::ManageAccounts) {
            return Err(DomainError::Forbidden("error-account-at-own-level"));
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::{AreaCode, AreaLevel};
    use chrono::Utc;

    fn area(path: &str, level: AreaLevel) -> Area {
        let code = Area::path_codes(path).last().unwrap().to_string();
        Area {
            id: Uuid::now_v7(),
            code: AreaCode::parse(&code).unwrap(),
            name: code,
            level,
            parent_id: None,
            path: path.into(),
            boundary: None,
            retired: false,
            version: 1,
            created_at: Utc::now(),
            updated_at: Utc::now(),
        }
    }

    fn actor(role: Role, home: &str) -> Actor {
        Actor {
            user_id: Uuid::now_v7(),
            username: "u".into(),
            display_name: "u".into(),
            role,
            home_area_id: Uuid::now_v7(),
            home_area_path: home.into(),
            client_addr: None,
        }
    }

    #[test]
    fn scope_is_the_home_subtree() {
        let street = actor(Role::StreetStaff, "/1501/150103/150103003/");
        let own = area("/1501/150103/150103003/150103003030/", AreaLevel::Community);
        let other = area("/1501/150102/150102001/", AreaLevel::Street);
        let parent = area("/1501/150103/", AreaLevel::District);
        assert!(street.may_see_area(&own).is_ok());
        assert_eq!(street.may_see_area(&other), Err(DomainError::NotFound("error-area-not-found")));
        assert_eq!(street.may_see_area(&parent), Err(DomainError::NotFound("error-area-not-found")));
    }

    #[test]
    fn changes_stay_below_home() {
        let street = actor(Role::StreetStaff, "/1501/150103/150103003/");
        let home = area("/1501/150103/150103003/", AreaLevel::Street);
        let child = area("/1501/150103/150103003/150103003030/", AreaLevel::Community);
        assert!(street.may_change_area(&child).is_ok());
        assert!(street.may_change_area(&home).is_err());
        assert!(street.may_create_under(&home).is_ok());
        let grid = actor(Role::GridWorker, "/1501/150103/150103003/");
        assert_eq!(grid.may_create_under(&home), Err(DomainError::Forbidden("error-forbidden")));
    }

    #[test]
    fn accounts_cannot_reach_above_their_maker() {
        let district = actor(Role::DistrictStaff, "/1501/150103/");
        let city = area("/1501/", AreaLevel::City);
        let street = area("/1501/150103/150103003/", AreaLevel::Street);
        let district_area = area("/1501/150103/", AreaLevel::District);
        assert!(district.may_manage_account(Role::StreetStaff, &street).is_ok());
        assert!(district.may_manage_account(Role::GridWorker, &district_area).is_ok());
        assert_eq!(
            district.may_manage_account(Role::StreetStaff, &city),
            Err(DomainError::NotFound("error-area-not-found"))
        );
        assert_eq!(
            district.may_manage_account(Role::SystemAdmin, &street),
            Err(DomainError::Forbidden("error-role-above-own"))
        );
        assert!(district.may_manage_account(Role::DistrictStaff, &district_area).is_err());
        let community = actor(Role::CommunityStaff, "/1501/150103/150103003/150103003030/");
        assert!(community.may_manage_account(Role::Leader, &street).is_err());
    }

    #[test]
    fn case_work_is_split_by_role_and_tier() {
        let community = actor(Role::CommunityStaff, "/1501/150103/150103003/150103003030/");
        assert!(community.may_act_for(Permission::SuperviseCases, "/1501/150103/150103003/150103003030/").is_ok());
        assert_eq!(
            community.may_act_for(Permission::SuperviseCases, "/1501/150103/150103003/"),
            Err(DomainError::Forbidden("error-other-tier"))
        );
        let grid = actor(Role::GridWorker, "/1501/150103/150103003/150103003030/01/");
        assert!(grid.role.has(Permission::HandleCases) && grid.role.has(Permission::ReportCases));
        assert!(!grid.role.has(Permission::SuperviseCases) && !grid.role.has(Permission::VerifyCases));
        assert!(Role::BuildingHead.has(Permission::ReportCases) && !Role::BuildingHead.has(Permission::ViewCases));
        assert!(Role::Leader.has(Permission::ViewCases) && !Role::Leader.has(Permission::HandleCases));
        assert!(Role::Partner.permissions().iter().all(|p| *p == Permission::ViewAreas));
        // Whoever may make a grid worker or a mediator account can do their case work too.
        assert!(Role::CommunityStaff.may_grant(Role::GridWorker) && Role::CommunityStaff.may_grant(Role::Mediator));
        assert!(Role::CommunityStaff.may_grant(Role::LegalAdviser));
    }

    #[test]
    fn case_settings_are_kept_by_district_offices_only() {
        assert!(Role::SystemAdmin.has(Permission::ManageCaseSettings) && Role::DistrictStaff.has(Permission::ManageCaseSettings));
        assert!(!Role::StreetStaff.has(Permission::ManageCaseSettings) && !Role::CommunityStaff.has(Permission::ManageCaseSettings));
        // Otherwise a street office may do what a district office may, so it cannot make one.
        assert!(Role::StreetStaff.permissions().iter().all(|p| Role::DistrictStaff.has(*p)));
        assert!(!Role::StreetStaff.may_grant(Role::DistrictStaff));
    }

    #[test]
    fn grants_follow_permissions() {
        assert!(Role::SystemAdmin.may_grant(Role::SystemAdmin));
        assert!(!Role::DistrictStaff.may_grant(Role::SystemAdmin));
        assert!(Role::CommunityStaff.may_grant(Role::GridWorker));
        assert!(!Role::CommunityStaff.may_grant(Role::Leader));
        let grid = actor(Role::GridWorker, "/1501/");
        let street = area("/1501/150103/150103003/", AreaLevel::Street);
        assert_eq!(grid.may_manage_account(Role::GridWorker, &street), Err(DomainError::Forbidden("error-forbidden")));
    }
}
