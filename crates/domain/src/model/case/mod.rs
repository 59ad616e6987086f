//! Cases (事件): the disputes, demands and hazards an office takes in, and their record.
//!
//! A case lies in one area (its home area, 属地) and is handled at one tier at a time: the
//! community, the street or the district. The tier is data on every case and every timeline
//! entry, so "resolved within the community" is a query, not a report someone types up.
//! The rules that move a case along live in `rules::workflow`; this module only holds the
//! shapes and checks each value on its own.

mod action;
mod attachment;
mod category;
mod ledger;
mod oversight;
mod party;
mod searchable;

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;
use uuid::Uuid;

use crate::error::{DomainError, Result};
use crate::model::AreaLevel;
use crate::model::partner::string_enum;

pub use action::{ActionKind, CaseAction, TimelineEntry};
pub use attachment::{ATTACHMENT_TOO_LARGE, ATTACHMENT_TYPE, Attachment, AttachmentType, check_file, sanitise_file_name};
pub use category::{Category, CategoryCode, CategoryTree};
pub use ledger::LedgerCase;
pub use oversight::{ExtensionRequest, MAX_EXTENSION_DAYS, SupervisionOrder};
pub use searchable::SearchableCase;
pub use party::{CheckedParty, NewParty, Party, PartyKind, PartyRole, check_dispute_parties};

string_enum!(
    /// What kind of matter: 矛盾纠纷, 诉求 / 民生需求, 安全隐患.
    CaseKind, "kind", "error-case-kind" {
        Dispute => "dispute",
        Demand => "demand",
        Hazard => "hazard",
    }
);

string_enum!(
    /// How the case reached the office.
    Channel, "channel", "error-case-channel" {
        /// Found by a grid worker on patrol or a visit (网格巡查).
        GridPatrol => "grid_patrol",
        /// A resident came to the office (来访).
        WalkIn => "walk_in",
        /// By telephone, including 12345 hand-overs (来电).
        Hotline => "hotline",
        /// The resident web form (网上).
        Online => "online",
        /// Another system, through the API or Open311.
        Api => "api",
        /// Handed over by another body: a court, a police station, a department (转交).
        Referral => "referral",
        /// Found on a joint visit of the grid worker and the community police officer (警网联动).
        JointPoliceVisit => "joint_police_visit",
    }
);

string_enum!(
    /// Risk grading used in dispute screening (一般 / 较大 / 重大).
    RiskLevel, "risk", "error-case-risk" {
        Ordinary => "ordinary",
        Major => "major",
        Grave => "grave",
    }
);

string_enum!(
    /// Where a case stands. `Declined` and `Closed` are terminal.
    CaseStatus, "status", "error-case-status" {
        /// Taken in, not yet accepted by the level that handles it (上报 / 登记).
        Reported => "reported",
        /// Accepted at its handling level, waiting for a handler (受理).
        Accepted => "accepted",
        /// Refused at intake, with a reason (不予受理).
        Declined => "declined",
        /// A handler is named but has not started (分派).
        Assigned => "assigned",
        /// Being worked on: mediation sessions, site visits (办理中).
        InProgress => "in_progress",
        /// With a partner mediation room (诉调 / 检调 / 警调对接).
        Referred => "referred",
        /// Accepted but not solvable now (挂账).
        Backlog => "backlog",
        /// Concluded with an outcome (办结).
        Concluded => "concluded",
        /// The conclusion was checked by someone other than the handler (核查).
        Verified => "verified",
        /// A follow-up visit found the parties satisfied (回访).
        FollowedUp => "followed_up",
        /// 结案.
        Closed => "closed",
    }
);

impl CaseStatus {
    pub fn is_terminal(self) -> bool {
        matches!(self, CaseStatus::Declined | CaseStatus::Closed)
    }
    /// Statuses in which the case carries an outcome.
    pub fn is_after_conclusion(self) -> bool {
        matches!(self, CaseStatus::Concluded | CaseStatus::Verified | CaseStatus::FollowedUp | CaseStatus::Closed)
    }
}

string_enum!(
    /// How a case ended.
    Outcome, "outcome", "error-case-outcome" {
        /// Ended by a mediation agreement, written or oral (调解成功).
        ResolvedByAgreement => "resolved_by_agreement",
        /// Solved without an agreement: repaired, explained, the demand met (其他方式化解).
        ResolvedOtherwise => "resolved_otherwise",
        /// The parties went to court or arbitration (诉讼 / 仲裁).
        ReferredToLitigation => "referred_to_litigation",
        /// The applicant withdrew (撤回).
        Withdrawn => "withdrawn",
        /// Concluded without a solution (未化解).
        Unresolved => "unresolved",
        /// The same matter as another case taken in earlier (重复件): closed with a link to it,
        /// and counted once, there (see `rules::case_stats`).
        Duplicate => "duplicate",
    }
);

impl Outcome {
    /// Counts towards the resolution rate (化解率).
    pub fn is_resolved(self) -> bool {
        matches!(self, Outcome::ResolvedByAgreement | Outcome::ResolvedOtherwise)
    }
    /// Outcomes a handler concludes with; a duplicate is only ever marked as one.
    pub fn is_concluded_by_handler(self) -> bool {
        self != Outcome::Duplicate
    }
}

string_enum!(
    /// The answer on a follow-up visit (满意度).
    Satisfaction, "satisfaction", "error-case-satisfaction" {
        Satisfied => "satisfied",
        BasicallySatisfied => "basically_satisfied",
        Dissatisfied => "dissatisfied",
    }
);

string_enum!(
    /// Partner mediation rooms a dispute can be referred to (诉调对接 and its siblings).
    PartnerRoom, "room", "error-case-partner-room" {
        /// 法院 + 工会: labour disputes.
        CourtAndUnion => "court_and_union",
        /// 法院 + 商会: disputes between businesses.
        CourtAndChamber => "court_and_chamber",
        /// 检察院 + 工会.
        ProcuratorateAndUnion => "procuratorate_and_union",
        /// 公安派出所 (警调对接).
        Police => "police",
    }
);

/// The tier that handles a case: 小事不出社区、大事不出街道、矛盾不上交.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum HandlingLevel {
    Community,
    Street,
    District,
}

impl HandlingLevel {
    pub const ALL: [HandlingLevel; 3] = [HandlingLevel::Community, HandlingLevel::Street, HandlingLevel::District];

    pub fn as_str(self) -> &'static str {
        match self {
            HandlingLevel::Community => "community",
            HandlingLevel::Street => "street",
            HandlingLevel::District => "district",
        }
    }

    pub fn parse(s: &str) -> Result<Self> {
        HandlingLevel::ALL.into_iter().find(|l| l.as_str() == s.trim()).ok_or(DomainError::invalid("level", "error-case-level"))
    }

    /// The tier that first handles a case lying in an area of this level. Grids have no
    /// office of their own, so their cases start with the community. A case placed on a
    /// whole city has no tier: it must be put in a district.
    pub fn of_area(level: AreaLevel) -> Option<HandlingLevel> {
        match level {
            AreaLevel::Grid | AreaLevel::Community => Some(HandlingLevel::Community),
            AreaLevel::Street => Some(HandlingLevel::Street),
            AreaLevel::District => Some(HandlingLevel::District),
            AreaLevel::City => None,
        }
    }

    pub fn area_level(self) -> AreaLevel {
        match self {
            HandlingLevel::Community => AreaLevel::Community,
            HandlingLevel::Street => AreaLevel::Street,
            HandlingLevel::District => AreaLevel::District,
        }
    }

    /// The tier above; the district escalates nowhere: 矛盾不上交.
    pub fn up(self) -> Option<HandlingLevel> {
        match self {
            HandlingLevel::Community => Some(HandlingLevel::Street),
            HandlingLevel::Street => Some(HandlingLevel::District),
            HandlingLevel::District => None,
        }
    }
}

/// A human-readable case number: `150103-2024-000042`, the district code, the year of intake
/// and a sequence per district and year. People quote it on the phone, so it is short and
/// has no characters that read alike in handwriting.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize, ToSchema)]
#[serde(try_from = "String", into = "String")]
pub struct CaseNumber(String);

impl CaseNumber {
    pub fn compose(district_code: &str, year: i32, seq: u64) -> Result<Self> {
        CaseNumber::parse(&format!("{district_code}-{year}-{seq:06}"))
    }
    pub fn parse(s: &str) -> Result<Self> {
        let s = s.trim();
        if Self::well_formed(s) { Ok(CaseNumber(s.to_ascii_uppercase())) } else { Err(DomainError::invalid("number", "error-case-number")) }
    }

    fn well_formed(s: &str) -> bool {
        (3..=40).contains(&s.len())
            && s.chars().all(|c| c.is_ascii_alphanumeric() || c == '-')
            && s.chars().next().is_some_and(|c| c.is_ascii_alphanumeric())
    }
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl TryFrom<String> for CaseNumber {
    type Error = DomainError;
    fn try_from(s: String) -> Result<Self> {
        // A stored number is already in its own form: keep it rather than copy it (a ledger
        // reads a million).
        if Self::well_formed(&s) && !s.bytes().any(|b| b.is_ascii_lowercase()) {
            return Ok(CaseNumber(s));
        }
        CaseNumber::parse(&s)
    }
}
impl From<CaseNumber> for String {
    fn from(n: CaseNumber) -> String {
        n.0
    }
}
impl std::fmt::Display for CaseNumber {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.0)
    }
}

/// A map point in WGS84, as a phone's location service gives it.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize, ToSchema)]
pub struct GeoPoint {
    pub lon: f64,
    pub lat: f64,
}

impl GeoPoint {
    pub fn new(lon: f64, lat: f64) -> Result<Self> {
        let ok = lon.is_finite() && lat.is_finite() && (-180.0..=180.0).contains(&lon) && (-90.0..=90.0).contains(&lat);
        if ok { Ok(GeoPoint { lon, lat }) } else { Err(DomainError::invalid("point", "error-case-point")) }
    }
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
pub struct Case {
    pub id: Uuid,
    pub number: CaseNumber,
    pub kind: CaseKind,
    /// A code in the kind's category tree, e.g. `tenancy.utilities`.
    #[schema(value_type = String)]
    pub category: CategoryCode,
    pub title: String,
    pub description: String,
    /// The home area (属地): the grid, community, street or district where the matter lies.
    pub area_id: Uuid,
    /// Copied from the area, so scope checks need no join; rewritten when areas move.
    pub area_path: String,
    pub area_level: AreaLevel,
    pub address: Option<String>,
    pub point: Option<GeoPoint>,
    pub channel: Channel,
    pub risk: RiskLevel,
    /// The account that took it in; none for a resident's web form or the API.
    pub reporter_id: Option<Uuid>,
    pub reporter_name: String,
    pub status: CaseStatus,
    pub outcome: Option<Outcome>,
    pub handling_level: HandlingLevel,
    /// The tier it came from by escalation or dispatch, where a return sends it back.
    pub received_from_level: Option<HandlingLevel>,
    /// The tier at which it was resolved; set exactly when it is concluded as resolved.
    pub resolved_level: Option<HandlingLevel>,
    pub handler_id: Option<Uuid>,
    pub handler_name: Option<String>,
    pub concluded_by: Option<Uuid>,
    pub verified_by: Option<Uuid>,
    pub satisfaction: Option<Satisfaction>,
    /// The partner room it was last referred to; kept after the referral ends, so each
    /// room's results can be counted.
    pub partner_room: Option<PartnerRoom>,
    /// Times reopened after a conclusion; a reopened case does not count as resolved before.
    pub reopened: i32,
    /// Follow-up visits (回访) at which the parties said they were dissatisfied. Each reopened
    /// the case and cleared `satisfaction`, yet each is an answer the satisfaction rate counts:
    /// without them every case that ends satisfied would hide the visits that sent it back.
    #[serde(default)]
    pub dissatisfied_follow_ups: i32,
    /// Optimistic concurrency: every action bumps it by one; a stale action is a conflict.
    pub version: i64,
    /// When it was taken in: the intake (排查) date.
    pub created_at: DateTime<Utc>,
    pub accepted_at: Option<DateTime<Utc>>,
    pub concluded_at: Option<DateTime<Utc>>,
    pub closed_at: Option<DateTime<Utc>>,
    pub updated_at: DateTime<Utc>,
    /// End of the working day by which the current tier must conclude; none while the clock
    /// is stopped (not yet accepted, referred, in backlog) or when the calendar lacks the year.
    pub deadline: Option<DateTime<Utc>>,
    /// The supervision order (督办) from an upper tier waiting for an answer.
    pub supervision: Option<SupervisionOrder>,
    /// The extension request waiting for the tier above.
    pub pending_extension: Option<ExtensionRequest>,
}

impl Case {
    /// The path of the area whose office handles the case now: the home area itself or the
    /// ancestor at the handling tier. Counted from the home area, not from the root, so the
    /// answer does not depend on what sits above the district.
    pub fn handling_area_path(&self) -> String {
        handling_path(&self.area_path, self.area_level, self.handling_level)
    }

    pub fn is_overdue(&self, now: DateTime<Utc>) -> bool {
        overdue(self.status, self.deadline, now)
    }
}

/// Past its deadline and not yet concluded (nor ended otherwise).
fn overdue(status: CaseStatus, deadline: Option<DateTime<Utc>>, now: DateTime<Utc>) -> bool {
    !status.is_after_conclusion() && !status.is_terminal() && deadline.is_some_and(|d| now > d)
}

fn depth(level: AreaLevel) -> usize {
    match level {
        AreaLevel::City => 0,
        AreaLevel::District => 1,
        AreaLevel::Street => 2,
        AreaLevel::Community => 3,
        AreaLevel::Grid => 4,
    }
}

/// The ancestor of `path` (an area of `level`) at the tier `at`.
pub fn handling_path(path: &str, level: AreaLevel, at: HandlingLevel) -> String {
    let codes = crate::model::Area::path_codes(path);
    let up = depth(level).saturating_sub(depth(at.area_level()));
    let keep = codes.len().saturating_sub(up);
    let mut out = String::from("/");
    for c in &codes[..keep] {
        out.push_str(c);
        out.push('/');
    }
    out
}

/// What an intake form sends; `validate` checks each field on its own. The category is
/// checked against the tree and the area against the caller's scope by the workflow.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
pub struct CaseDraft {
    pub kind: CaseKind,
    pub category: String,
    pub title: String,
    #[serde(default)]
    pub description: String,
    pub area_id: Uuid,
    pub address: Option<String>,
    pub point: Option<GeoPoint>,
    pub channel: Channel,
    #[serde(default = "ordinary")]
    pub risk: RiskLevel,
    /// Who reported, when not the caller (a resident at the window, a hotline caller).
    pub reporter_name: Option<String>,
}

fn ordinary() -> RiskLevel {
    RiskLevel::Ordinary
}

pub const TITLE_MAX: usize = 100;
pub const DESCRIPTION_MAX: usize = 5000;
pub const ADDRESS_MAX: usize = 200;
/// Reasons and notes on actions: enough for a paragraph, not for a record of a session.
pub const NOTE_MAX: usize = 2000;

impl CaseDraft {
    /// Trims and checks lengths; returns the cleaned draft.
    pub fn validate(&self) -> Result<CaseDraft> {
        let title = one_line(&self.title, 1, TITLE_MAX).ok_or(DomainError::invalid("title", "error-case-title"))?;
        let description = multi_line(&self.description, 0, DESCRIPTION_MAX)
            .ok_or(DomainError::invalid("description", "error-case-description"))?;
        let address = match self.address.as_deref().map(str::trim).filter(|a| !a.is_empty()) {
            None => None,
            Some(a) => Some(one_line(a, 1, ADDRESS_MAX).ok_or(DomainError::invalid("address", "error-case-address"))?),
        };
        let point = self.point.map(|p| GeoPoint::new(p.lon, p.lat)).transpose()?;
        let reporter_name = match self.reporter_name.as_deref().map(str::trim).filter(|a| !a.is_empty()) {
            None => None,
            Some(n) => Some(one_line(n, 1, 64).ok_or(DomainError::invalid("reporter_name", "error-case-reporter-name"))?),
        };
        let category = CategoryCode::parse(&self.category)?.as_str().to_string();
        Ok(CaseDraft { category, title, description, address, point, reporter_name, ..self.clone() })
    }
}

/// A single line of text of `min..=max` characters (counted before trimming, as the API
/// documents); no control characters.
pub fn one_line(raw: &str, min: usize, max: usize) -> Option<String> {
    let t = raw.trim();
    let n = raw.chars().count();
    (t.chars().count() >= min && n <= max && !t.chars().any(char::is_control)).then(|| t.to_string())
}

/// Like `one_line`, but line breaks and tabs are kept: descriptions and records are prose.
pub fn multi_line(raw: &str, min: usize, max: usize) -> Option<String> {
    let t = raw.trim();
    let n = raw.chars().count();
    let ok = t.chars().count() >= min && n <= max && !t.chars().any(|c| c.is_control() && !matches!(c, '\n' | '\r' | '\t'));
    ok.then(|| t.to_string())
}

/// A required reason (退回, 不予受理, 上报 …): present, not blank, bounded.
pub fn required_note(raw: &str, field: &'static str) -> Result<String> {
    multi_line(raw, 1, NOTE_MAX).ok_or(DomainError::invalid(field, "error-case-reason-required"))
}

/// An optional note: blank counts as absent.
pub fn optional_note(raw: Option<&str>, field: &'static str) -> Result<Option<String>> {
    match raw.map(str::trim).filter(|s| !s.is_empty()) {
        None => Ok(None),
        Some(s) => multi_line(s, 1, NOTE_MAX).map(Some).ok_or(DomainError::invalid(field, "error-case-note")),
    }
}

#[cfg(test)]
mod tests;
