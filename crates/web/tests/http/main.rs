//! Every HTTP test in one binary (each file in tests/ would link separately).

mod api_accounts;
mod api_attachments;
mod api_areas;
mod api_auth;
mod api_boundaries;
mod api_case_lists;
mod api_cases;
mod api_exports;
mod api_imports;
mod api_oversight;
mod api_registry;
mod api_serving;
mod api_webhooks;
mod support;
mod ui;
mod ui_attachments;
mod ui_heads;
mod ui_imports;
mod ui_map;
mod ui_oversight;
mod ui_cases;
mod ui_people;
mod ui_registry;
