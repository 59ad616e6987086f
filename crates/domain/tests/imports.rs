//! The import use cases against real databases (SQLite, and PostgreSQL when the test command
//! provides one): rows in, problems and records out. Spreadsheet parsing is the web layer's
//! and is tested there; here the rows are built directly.

#[path = "imports/households.rs"]
mod households;
#[path = "imports/large.rs"]
mod large;
#[path = "imports/places.rs"]
mod places;
#[path = "imports/support.rs"]
mod support;
