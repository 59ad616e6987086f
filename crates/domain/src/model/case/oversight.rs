//! Oversight of a case from above: supervision orders (督办) that the handling tier must
//! answer, and extension requests (延期申请) that the tier above decides.
//!
//! Both are part of the case's state, so the queues can show and filter them and the
//! timeline replays them; who may issue, answer or decide is decided in `rules::workflow`.

use chrono::{DateTime, NaiveDate, Utc};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;
use uuid::Uuid;

/// Most working days one request may add: beyond six weeks the case belongs to another tier
/// or in the backlog, not on a longer clock.
pub const MAX_EXTENSION_DAYS: u32 = 30;

/// An open supervision order from an upper tier; it stays on the case until answered.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
pub struct SupervisionOrder {
    pub issued_by: Uuid,
    pub issued_by_name: String,
    pub issued_at: DateTime<Utc>,
    pub instructions: String,
    /// The day (Asia/Shanghai) by which the handling tier should answer.
    pub reply_by: Option<NaiveDate>,
}

/// An extension request waiting for the tier above; at most one at a time.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
pub struct ExtensionRequest {
    pub requested_by: Uuid,
    pub requested_by_name: String,
    pub requested_at: DateTime<Utc>,
    /// Working days to add to the deadline.
    pub days: u32,
    pub reason: String,
}
