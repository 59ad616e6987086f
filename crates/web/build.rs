//! Browser assets (htmx, Swagger UI, ECharts) come from npm with a committed lockfile and are embedded
//! into the binary. This installs them on a fresh checkout so `cargo build` alone suffices.

use std::path::Path;
use std::process::Command;

fn main() {
    println!("cargo:rerun-if-changed=assets/package.json");
    println!("cargo:rerun-if-changed=assets/package-lock.json");
    let assets = Path::new(env!("CARGO_MANIFEST_DIR")).join("assets");
    let needed = ["htmx.org/dist/htmx.min.js", "swagger-ui-dist/swagger-ui-bundle.js", "swagger-ui-dist/swagger-ui.css", "echarts/dist/echarts.min.js"];
    if needed.iter().all(|f| assets.join("node_modules").join(f).exists()) {
        return;
    }
    let status = Command::new("npm")
        .args(["ci", "--no-audit", "--no-fund", "--ignore-scripts"])
        .current_dir(&assets)
        .status()
        .unwrap_or_else(|e| panic!("fengqiao-web needs npm to fetch its browser assets (apt-get install npm): {e}"));
    assert!(status.success(), "npm ci in {} failed", assets.display());
}
