//! Static files embedded in the binary: our own CSS and JS (`static/`) and the npm packages
//! installed by build.rs (`assets/node_modules`). URLs carry a content hash, so browsers may
//! cache them for a year and still never see a stale file after an upgrade.

use std::collections::HashMap;
use std::sync::OnceLock;

use axum::extract::Path;
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use rust_embed::RustEmbed;

#[derive(RustEmbed)]
#[folder = "static/"]
struct Own;

#[derive(RustEmbed)]
#[folder = "assets/node_modules/"]
#[include = "htmx.org/dist/htmx.min.js"]
#[include = "echarts/dist/echarts.min.js"]
#[include = "swagger-ui-dist/swagger-ui.css"]
#[include = "swagger-ui-dist/swagger-ui-bundle.js"]
#[include = "swagger-ui-dist/favicon-32x32.png"]
struct Vendor;

fn lookup(path: &str) -> Option<rust_embed::EmbeddedFile> {
    match path.strip_prefix("vendor/") {
        Some(rest) => Vendor::get(rest),
        None => Own::get(path),
    }
}

/// `/static/<path>?v=<hash>` for a file we embed; panics at start-up if the file is missing,
/// which a test catches.
pub fn url(path: &str) -> String {
    static CACHE: OnceLock<std::sync::Mutex<HashMap<String, String>>> = OnceLock::new();
    let cache = CACHE.get_or_init(Default::default);
    let mut map = cache.lock().unwrap_or_else(|e| e.into_inner());
    map.entry(path.to_string())
        .or_insert_with(|| {
            let file = lookup(path).unwrap_or_else(|| panic!("asset {path} is not embedded"));
            format!("/static/{path}?v={}", &hex::encode(file.metadata.sha256_hash())[..12])
        })
        .clone()
}

pub async fn serve(Path(path): Path<String>) -> Response {
    let Some(file) = lookup(&path) else {
        return StatusCode::NOT_FOUND.into_response();
    };
    let mime = mime_guess::from_path(&path).first_or_octet_stream();
    let mut res = file.data.into_owned().into_response();
    let h = res.headers_mut();
    if let Ok(v) = HeaderValue::from_str(mime.as_ref()) {
        h.insert(header::CONTENT_TYPE, v);
    }
    h.insert(header::CACHE_CONTROL, HeaderValue::from_static("public, max-age=31536000, immutable"));
    res
}

#[cfg(test)]
mod tests {
    #[test]
    fn every_referenced_asset_is_embedded() {
        for p in ["app.css", "app.js", "docs.js", "vendor/htmx.org/dist/htmx.min.js", "vendor/swagger-ui-dist/swagger-ui-bundle.js", "vendor/echarts/dist/echarts.min.js", "map.js", "dashboard.js", "screen.js", "screen.css"] {
            assert!(super::url(p).starts_with("/static/"), "{p}");
        }
    }
}
