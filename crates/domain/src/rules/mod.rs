//! Rules: pure decisions with no I/O. Each rule has one home.

pub mod access;
pub mod audit_chain;
pub mod boundary;
pub mod case_stats;
pub mod calendar;
pub mod deadline;
pub mod mediation;
pub mod placing;
pub mod password;
pub mod throttle;
pub mod workflow;
