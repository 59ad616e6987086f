//! People and organisations who serve: grid workers, 三官一律 legal advisers, liaison
//! cadres, building and entrance heads; property companies, 红色物业 stations, social
//! organisations and partner units (共建单位). People who serve need no account; when they
//! have one, `user_id` links it.

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;
use uuid::Uuid;


macro_rules! string_enum {
    ($(#[$m:meta])* $name:ident, $field:literal, $key:literal { $($(#[$vm:meta])* $variant:ident => $s:literal),+ $(,)? }) => {
        $(#[$m])*
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, ToSchema)]
        #[serde(rename_all = "snake_case")]
        pub enum $name { $($(#[$vm])* $variant),+ }

        impl $name {
            pub const ALL: &'static [$name] = &[$($name::$variant),+];
            pub fn as_str(self) -> &'static str {
                match self { $($name::$variant => $s),+ }
            }
            pub fn parse(s: &str) -> $crate::error::Result<Self> {
                match s.trim() {
                    $($s => Ok($name::$variant),)+
                    _ => Err($crate::error::DomainError::invalid($field, $key)),
                }
            }
        }
    };
}
pub(crate) use string_enum;

string_enum!(
    /// What kind of organisation.
    OrgKind, "kind", "error-org-kind" {
        PropertyCompany => "property_company",
        PropertyStation => "property_station",
        SocialOrg => "social_org",
        PartnerUnit => "partner_unit",
    }
);

string_enum!(
    /// How a person serves.
    PersonKind, "kind", "error-person-kind" {
        GridWorker => "grid_worker",
        LegalAdviser => "legal_adviser",
        LiaisonCadre => "liaison_cadre",
        BuildingHead => "building_head",
        EntranceHead => "entrance_head",
        /// 特邀调解员: e.g. a retired judge in a labour-dispute room.
        InvitedMediator => "invited_mediator",
        /// 乡里乡亲: a neighbour trusted locally, who mediates as a volunteer.
        VolunteerMediator => "volunteer_mediator",
    }
);

string_enum!(
    /// The 三官一律: police officer, judge, prosecutor, lawyer.
    Profession, "profession", "error-profession" {
        Police => "police",
        Judge => "judge",
        Prosecutor => "prosecutor",
        Lawyer => "lawyer",
    }
);

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Organisation {
    pub id: Uuid,
    pub kind: OrgKind,
    pub name: String,
    /// The area it is registered with (a community, street or district).
    pub area_id: Uuid,
    pub area_path: String,
    pub contact: Option<String>,
    pub version: i64,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Person {
    pub id: Uuid,
    pub name: String,
    pub kind: PersonKind,
    pub profession: Option<Profession>,
    /// Where they work, e.g. 海拉尔东路派出所 for a police officer.
    pub organisation: Option<String>,
    pub phone: Option<crate::model::resident::Protected>,
    pub user_id: Option<Uuid>,
    /// The area the person belongs to: where they may be assigned.
    pub area_id: Uuid,
    pub area_path: String,
    pub version: i64,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

/// A person placed in an area: grid workers and legal advisers in grids, liaison cadres
/// paired with communities.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Assignment {
    pub person_id: Uuid,
    pub area_id: Uuid,
    pub area_path: String,
    pub created_at: DateTime<Utc>,
}

impl PersonKind {
    /// The level of area this kind of person is assigned to.
    pub fn assigned_to(self) -> crate::model::AreaLevel {
        match self {
            // Mediation committees are set up by residents' committees.
            PersonKind::LiaisonCadre | PersonKind::InvitedMediator | PersonKind::VolunteerMediator => crate::model::AreaLevel::Community,
            _ => crate::model::AreaLevel::Grid,
        }
    }

    pub fn is_mediator(self) -> bool {
        matches!(self, PersonKind::InvitedMediator | PersonKind::VolunteerMediator)
    }
}
