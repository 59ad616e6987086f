//! The case figures an official reads: for one area's subtree and one period, with the same
//! figures for each child area. Definitions: see `rules::case_stats`.

use std::collections::BTreeMap;

use chrono::{DateTime, NaiveDate, Utc};
use serde::Serialize;
use utoipa::ToSchema;

use crate::model::AreaLevel;

/// A share as the seed quotes it: four decimals, cut off rather than rounded (3232 of 3413
/// is 0.9469, printed 94.69%). None when there is nothing to divide by.
pub fn share(part: i64, whole: i64) -> Option<f64> {
    (whole > 0).then(|| ((part as f64 / whole as f64) * 10_000.0 + 1e-9).floor() / 10_000.0)
}

#[derive(Debug, Clone, Serialize, ToSchema, PartialEq)]
pub struct AreaRef {
    pub code: String,
    pub name: String,
    pub level: AreaLevel,
}

#[derive(Debug, Clone, Default, Serialize, ToSchema, PartialEq)]
pub struct IntakeResolved {
    pub intake: i64,
    pub resolved: i64,
    /// resolved ÷ intake, four decimals cut off; null when nothing was taken in.
    pub resolution_rate: Option<f64>,
}

impl IntakeResolved {
    pub fn new(intake: i64, resolved: i64) -> Self {
        IntakeResolved { intake, resolved, resolution_rate: share(resolved, intake) }
    }
}

#[derive(Debug, Clone, Serialize, ToSchema, PartialEq)]
pub struct CategoryFigures {
    pub kind: String,
    pub category: String,
    pub name_zh: String,
    pub name_en: String,
    #[serde(flatten)]
    pub figures: IntakeResolved,
}

/// Where cases were resolved: "small matters stay in the community, big ones in the street".
#[derive(Debug, Clone, Default, Serialize, ToSchema, PartialEq)]
pub struct LevelFigures {
    pub community: i64,
    pub street: i64,
    pub district: i64,
}

#[derive(Debug, Clone, Default, Serialize, ToSchema, PartialEq)]
pub struct SatisfactionFigures {
    pub satisfied: i64,
    pub basically_satisfied: i64,
    pub dissatisfied: i64,
    /// (satisfied + basically satisfied) ÷ all answers, one per follow-up visit: a dissatisfied
    /// visit reopened its case, and still counts.
    pub satisfaction_rate: Option<f64>,
}

/// A partner mediation room (法院+工会 …): cases referred to it and those whose conclusion
/// stands as resolved (its success, 成功率); none for the police, whose results are theirs.
#[derive(Debug, Clone, Serialize, ToSchema, PartialEq)]
pub struct RoomFigures {
    pub room: String,
    pub cases: i64,
    pub resolved: Option<i64>,
    pub success_rate: Option<f64>,
}

#[derive(Debug, Clone, Serialize, ToSchema, PartialEq)]
pub struct ChildFigures {
    pub area: AreaRef,
    #[serde(flatten)]
    pub figures: IntakeResolved,
    pub overdue: i64,
}

#[derive(Debug, Clone, Serialize, ToSchema, PartialEq)]
pub struct CaseFigures {
    pub area: AreaRef,
    /// First day of the period (Asia/Shanghai), inclusive.
    #[schema(value_type = String, format = Date)]
    pub from: NaiveDate,
    /// Last day of the period, inclusive.
    #[schema(value_type = String, format = Date)]
    pub to: NaiveDate,
    pub kind: Option<String>,
    pub category: Option<String>,
    pub intake: i64,
    pub resolved: i64,
    pub resolution_rate: Option<f64>,
    /// Where the cases taken in during the period stand now.
    pub by_status: BTreeMap<String, i64>,
    pub by_kind: BTreeMap<String, IntakeResolved>,
    pub by_category: Vec<CategoryFigures>,
    pub by_outcome: BTreeMap<String, i64>,
    pub by_level: LevelFigures,
    /// Of the period's cases, open ones past their deadline at `overdue_at`.
    pub overdue: i64,
    /// The instant overdue was counted at (when the figures were read).
    pub overdue_at: DateTime<Utc>,
    pub concluded_on_time: i64,
    pub concluded_late: i64,
    /// on time ÷ (on time + late).
    pub on_time_rate: Option<f64>,
    pub satisfaction: SatisfactionFigures,
    pub reopened: i64,
    pub rooms: Vec<RoomFigures>,
    pub children: Vec<ChildFigures>,
}

#[cfg(test)]
mod tests {
    use super::share;

    #[test]
    fn shares_are_cut_at_four_decimals_as_the_seed_prints_them() {
        assert_eq!(share(3232, 3413), Some(0.9469));
        assert_eq!(share(174, 300), Some(0.58));
        assert_eq!(share(1, 3), Some(0.3333));
        assert_eq!(share(2, 3), Some(0.6666));
        assert_eq!(share(5, 5), Some(1.0));
        assert_eq!(share(0, 0), None);
    }
}
