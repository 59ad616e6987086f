//! The things Fengqiao keeps records of.

pub mod area;
pub mod audit;
pub mod case;
pub mod import;
pub mod mediation;
pub mod mediator_figures;
pub mod notice;
pub mod partner;
pub mod place;
pub mod resident;
pub mod session;
pub mod stats;
pub mod submission;
pub mod user;

pub use area::{Area, AreaCode, AreaLevel};
pub use audit::{AuditEntry, AuditFilter, NewAudit};
pub use import::{ImportJob, ImportKind, ImportOutcome, ImportProblem, ImportStatus};
pub use session::{Session, SessionKind};
pub use user::{Role, User, Username};
pub use partner::{Assignment, OrgKind, Organisation, Person, PersonKind, Profession};
pub use place::{Building, Entrance, Estate, Household};
pub use resident::{Protected, Relation, Resident};
