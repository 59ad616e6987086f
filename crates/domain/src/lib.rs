//! Fengqiao's domain: the model, the rules that govern it, the use cases the web layer calls,
//! and the ports (traits) the storage layer implements. Nothing here knows about HTTP or SQL.

pub mod error;
pub mod model;
pub mod ports;
pub mod privacy;
pub mod rules;
pub mod services;

pub use error::{DomainError, Result};
