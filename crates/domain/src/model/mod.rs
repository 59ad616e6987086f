//! The things Fengqiao keeps records of.

pub mod area;
pub mod audit;
pub mod session;
pub mod user;

pub use area::{Area, AreaCode, AreaLevel};
pub use audit::{AuditEntry, AuditFilter, NewAudit};
pub use session::{Session, SessionKind};
pub use user::{Role, User, Username};
