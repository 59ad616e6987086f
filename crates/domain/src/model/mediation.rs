//! The mediation file (调解档案) of a dispute: its sessions (调解笔录), the written agreement
//! (人民调解协议书) with who has signed it, and the parties' application for judicial
//! confirmation (司法确认) with the court's answer. Shapes and per-value checks only; who may
//! write what, and when, is `rules::mediation`.

use chrono::{DateTime, NaiveDate, Utc};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;
use uuid::Uuid;

use crate::error::{DomainError, Result};
use crate::model::case::{multi_line, one_line};
use crate::model::partner::string_enum;

string_enum!(
    /// Who a mediator is: staff with an account, or someone from the registry of people who
    /// serve (an invited mediator such as a retired judge, or a trusted neighbour).
    MediatorKind, "kind", "error-mediator-kind" {
        /// An account: a mediator, or the staff member handling the case.
        Staff => "staff",
        /// 特邀调解员.
        Invited => "invited",
        /// 乡里乡亲: a volunteer neighbour.
        Volunteer => "volunteer",
    }
);

/// A mediator as the file records them; the name is kept as it was on the day, so the
/// record still reads right if the account or person is renamed later.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
pub struct Mediator {
    pub kind: MediatorKind,
    /// Set for staff.
    pub user_id: Option<Uuid>,
    /// Set for invited and volunteer mediators.
    pub person_id: Option<Uuid>,
    #[schema(example = "赵玉华")]
    pub name: String,
}

/// A mediator as a form chooses one: exactly one of the two ids, from
/// `GET /api/v1/cases/{id}/mediation/mediators`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct MediatorChoice {
    pub user_id: Option<Uuid>,
    pub person_id: Option<Uuid>,
}

/// Most mediators one session or agreement names.
pub const MAX_MEDIATORS: usize = 5;
pub const PLACE_MAX: usize = 100;
/// A session's record: a long afternoon's minutes.
pub const RECORD_MAX: usize = 20_000;
pub const OTHER_PARTICIPANTS_MAX: usize = 20;
pub const FACTS_MAX: usize = 5000;
pub const TERMS_MAX: usize = 5000;
pub const PERFORMANCE_MAX: usize = 2000;
pub const COURT_MAX: usize = 100;
/// Days after the agreement takes effect in which the parties may apply to a court
/// (People's Mediation Law art. 33).
pub const JUDICIAL_WINDOW_DAYS: i64 = 30;

/// One mediation session (调解笔录).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
pub struct MediationSession {
    pub id: Uuid,
    pub case_id: Uuid,
    /// When it was held (not when it was typed in).
    pub held_at: DateTime<Utc>,
    pub place: String,
    pub mediators: Vec<Mediator>,
    /// Parties of the case who took part.
    pub party_ids: Vec<Uuid>,
    /// Others present, by name: relatives, neighbours, a grid worker, a police officer.
    pub others: Vec<String>,
    pub record: String,
    pub recorded_by: Uuid,
    pub recorded_by_name: String,
    pub created_at: DateTime<Utc>,
}

/// What a form sends for a new session; `validate` checks the values on their own.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct NewSession {
    pub held_at: DateTime<Utc>,
    #[schema(example = "什拉门更社区调解室", min_length = 1, max_length = 100)]
    pub place: String,
    #[schema(min_items = 1, max_items = 5)]
    pub mediators: Vec<MediatorChoice>,
    /// Ids of the case's parties who took part.
    #[serde(default)]
    pub party_ids: Vec<Uuid>,
    #[serde(default)]
    #[schema(example = json!(["张敏（网格员）"]))]
    pub others: Vec<String>,
    #[schema(example = "双方陈述了水费分摊的经过……", min_length = 1, max_length = 20000)]
    pub record: String,
}

impl NewSession {
    pub fn validate(&self) -> Result<NewSession> {
        let place = one_line(&self.place, 1, PLACE_MAX).ok_or(DomainError::invalid("place", "error-session-place"))?;
        let record = multi_line(&self.record, 1, RECORD_MAX).ok_or(DomainError::invalid("record", "error-session-record"))?;
        check_choices(&self.mediators)?;
        if self.others.len() > OTHER_PARTICIPANTS_MAX {
            return Err(DomainError::invalid("others", "error-session-others"));
        }
        let others = self
            .others
            .iter()
            .filter(|o| !o.trim().is_empty())
            .map(|o| one_line(o, 1, 64).ok_or(DomainError::invalid("others", "error-session-others")))
            .collect::<Result<Vec<_>>>()?;
        let party_ids = unique(&self.party_ids);
        Ok(NewSession { place, record, others, party_ids, ..self.clone() })
    }
}

fn unique(ids: &[Uuid]) -> Vec<Uuid> {
    let mut out: Vec<Uuid> = Vec::with_capacity(ids.len());
    for id in ids {
        if !out.contains(id) {
            out.push(*id);
        }
    }
    out
}

/// One to five mediators, each named by exactly one id, none twice.
pub fn check_choices(choices: &[MediatorChoice]) -> Result<()> {
    let bad = DomainError::invalid("mediators", "error-mediators-required");
    if choices.is_empty() || choices.len() > MAX_MEDIATORS {
        return Err(bad);
    }
    for (i, c) in choices.iter().enumerate() {
        if c.user_id.is_some() == c.person_id.is_some() || choices[..i].contains(c) {
            return Err(bad);
        }
    }
    Ok(())
}

/// A party named in the agreement, and when they signed it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
pub struct AgreementParty {
    pub party_id: Uuid,
    pub signed_at: Option<DateTime<Utc>>,
}

/// The written agreement (人民调解协议书). Editable until every party and the mediator have
/// signed; it then takes effect on `effective_on` and is frozen.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
pub struct Agreement {
    pub case_id: Uuid,
    /// The committee's own register number, or the case number when it keeps none.
    #[schema(example = "150103-2024-000042")]
    pub number: String,
    /// The committee that seals it, e.g. 什拉门更社区人民调解委员会.
    pub committee: String,
    /// 纠纷主要事实、争议事项.
    pub facts: String,
    /// 经调解自愿达成的协议内容.
    pub terms: String,
    /// 履行方式.
    pub performance: String,
    /// 履行期限.
    pub performance_due: Option<NaiveDate>,
    pub parties: Vec<AgreementParty>,
    pub mediators: Vec<Mediator>,
    pub mediator_signed_at: Option<DateTime<Utc>>,
    /// The day the last signature was given: the agreement takes effect (Asia/Shanghai).
    pub effective_on: Option<NaiveDate>,
    /// Bumped by every change; a write based on an older one is a conflict.
    pub version: i64,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

impl Agreement {
    pub fn is_signed_by_all(&self) -> bool {
        self.mediator_signed_at.is_some() && self.parties.iter().all(|p| p.signed_at.is_some())
    }
}

/// What a form sends to write the agreement.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct AgreementDraft {
    /// The agreement's `version` as last seen; 0 to write the first one.
    #[schema(minimum = 0)]
    pub version: i64,
    /// Blank for the case number.
    pub number: Option<String>,
    /// Blank for the committee of the case's community.
    pub committee: Option<String>,
    #[schema(example = "申请人王秀英租住被申请人李建国房屋，双方就2024年上半年水费分摊发生争议。", min_length = 1, max_length = 5000)]
    pub facts: String,
    #[schema(example = "一、被申请人按实际用量重新核算水费，退还申请人多收水费三百元。", min_length = 1, max_length = 5000)]
    pub terms: String,
    #[schema(example = "被申请人以现金方式一次性支付", min_length = 1, max_length = 2000)]
    pub performance: String,
    pub performance_due: Option<NaiveDate>,
    /// Parties of the case bound by it; all of them when empty.
    #[serde(default)]
    pub party_ids: Vec<Uuid>,
    #[schema(min_items = 1, max_items = 5)]
    pub mediators: Vec<MediatorChoice>,
}

impl AgreementDraft {
    pub fn validate(&self) -> Result<AgreementDraft> {
        let blank = |v: &Option<String>| v.as_deref().map(str::trim).filter(|s| !s.is_empty()).map(str::to_string);
        let number = blank(&self.number)
            .map(|n| one_line(&n, 1, 40).ok_or(DomainError::invalid("number", "error-agreement-number")))
            .transpose()?;
        let committee = blank(&self.committee)
            .map(|n| one_line(&n, 1, 64).ok_or(DomainError::invalid("committee", "error-agreement-committee")))
            .transpose()?;
        let facts = multi_line(&self.facts, 1, FACTS_MAX).ok_or(DomainError::invalid("facts", "error-agreement-facts"))?;
        let terms = multi_line(&self.terms, 1, TERMS_MAX).ok_or(DomainError::invalid("terms", "error-agreement-terms"))?;
        let performance =
            multi_line(&self.performance, 1, PERFORMANCE_MAX).ok_or(DomainError::invalid("performance", "error-agreement-performance"))?;
        if self.version < 0 {
            return Err(DomainError::invalid("version", "error-agreement-version-stale"));
        }
        check_choices(&self.mediators)?;
        let party_ids = unique(&self.party_ids);
        Ok(AgreementDraft { number, committee, facts, terms, performance, party_ids, ..self.clone() })
    }
}

/// Who signs: one party of the agreement, or the mediator.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(tag = "signer", rename_all = "snake_case", deny_unknown_fields)]
pub enum Signer {
    Party { party_id: Uuid },
    Mediator,
}

string_enum!(
    /// The court's answer to an application for judicial confirmation.
    ConfirmationResult, "result", "error-judicial-result" {
        /// 确认有效: the agreement can be enforced through the court.
        Confirmed => "confirmed",
        /// 驳回申请 / 不予确认.
        Refused => "refused",
    }
);

/// The parties' joint application for judicial confirmation and the court's answer.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
pub struct JudicialConfirmation {
    pub case_id: Uuid,
    pub applied_on: NaiveDate,
    #[schema(example = "呼和浩特市回民区人民法院")]
    pub court: String,
    pub result: Option<ConfirmationResult>,
    pub decided_on: Option<NaiveDate>,
    pub note: Option<String>,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ConfirmationApplication {
    pub applied_on: NaiveDate,
    #[schema(example = "呼和浩特市回民区人民法院", min_length = 1, max_length = 100)]
    pub court: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ConfirmationDecision {
    pub result: ConfirmationResult,
    pub decided_on: NaiveDate,
    #[schema(max_length = 2000)]
    pub note: Option<String>,
}

/// The 30-day window for judicial confirmation, as of `today`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
pub struct ConfirmationWindow {
    /// The last day an application may be made.
    pub ends_on: NaiveDate,
    /// Whole days from today to `ends_on`; 0 on the last day, negative once it has passed.
    pub days_left: i64,
}

impl ConfirmationWindow {
    pub fn of(effective_on: NaiveDate, today: NaiveDate) -> Self {
        let ends_on = effective_on + chrono::Duration::days(JUDICIAL_WINDOW_DAYS);
        ConfirmationWindow { ends_on, days_left: (ends_on - today).num_days() }
    }
    pub fn is_open(&self) -> bool {
        self.days_left >= 0
    }
    /// Is `day` inside the window that starts on `effective_on`?
    pub fn admits(effective_on: NaiveDate, day: NaiveDate) -> bool {
        day >= effective_on && day <= effective_on + chrono::Duration::days(JUDICIAL_WINDOW_DAYS)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(s: &str) -> NaiveDate {
        NaiveDate::parse_from_str(s, "%Y-%m-%d").unwrap()
    }

    #[test]
    fn the_window_is_thirty_calendar_days_from_the_effective_date() {
        let w = ConfirmationWindow::of(d("2024-03-01"), d("2024-03-01"));
        assert_eq!((w.ends_on, w.days_left, w.is_open()), (d("2024-03-31"), 30, true));
        let w = ConfirmationWindow::of(d("2024-03-01"), d("2024-04-01"));
        assert_eq!((w.days_left, w.is_open()), (-1, false));
        assert!(ConfirmationWindow::admits(d("2024-03-01"), d("2024-03-31")));
        assert!(!ConfirmationWindow::admits(d("2024-03-01"), d("2024-04-01")));
        assert!(!ConfirmationWindow::admits(d("2024-03-01"), d("2024-02-29")), "not before it takes effect");
    }

    #[test]
    fn a_mediator_is_named_by_exactly_one_id_and_only_once() {
        let u = Uuid::now_v7();
        let one = MediatorChoice { user_id: Some(u), person_id: None };
        assert!(check_choices(&[one]).is_ok());
        assert!(check_choices(&[]).is_err());
        assert!(check_choices(&[one, one]).is_err());
        assert!(check_choices(&[MediatorChoice { user_id: Some(u), person_id: Some(u) }]).is_err());
        assert!(check_choices(&[MediatorChoice { user_id: None, person_id: None }]).is_err());
    }

    #[test]
    fn a_session_needs_a_place_and_a_record() {
        let s = NewSession {
            held_at: Utc::now(),
            place: "  调解室 ".into(),
            mediators: vec![MediatorChoice { user_id: Some(Uuid::now_v7()), person_id: None }],
            party_ids: vec![],
            others: vec![" ".into(), "张敏".into()],
            record: "记录".into(),
        };
        let ok = s.validate().unwrap();
        assert_eq!((ok.place.as_str(), ok.others), ("调解室", vec!["张敏".to_string()]));
        assert_eq!(NewSession { record: " ".into(), ..s.clone() }.validate(), Err(DomainError::invalid("record", "error-session-record")));
        assert_eq!(NewSession { place: "".into(), ..s }.validate(), Err(DomainError::invalid("place", "error-session-place")));
    }
}
