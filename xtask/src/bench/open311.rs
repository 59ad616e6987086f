//! `cargo xtask bench --open311`: Open311 submissions (`POST requests.json`, form-encoded, an API
//! key checked and rate-counted, the location placed in a mapped grid, the case and its
//! submission committed) and `GET requests.json` answering a full page of 1,000 records.

use std::path::Path;

use super::report::Row;
use super::wrk;
use crate::http;
use crate::process::describe;
use crate::server::{DemoServer, Launch};
use crate::workspace::root;

pub const SECONDS: u32 = 10;
pub const CONNECTIONS: u32 = 16;
/// A key of its own with a limit high enough that the limiter answers no 429 during the run.
const PER_MINUTE: u32 = 600_000;

pub fn run(bin: &Path, server_cpu: Option<u32>, load_cpu: Option<u32>) -> Result<Vec<Row>, String> {
    let mut server = DemoServer::start(Launch { binary: bin, database_url: None, cpu: server_cpu, existing_data: None })?;
    let admin = server.admin_token()?;
    let issued = http::request(
        server.addr(),
        "POST",
        "/api/v1/api-keys",
        &[("Authorization", &format!("Bearer {admin}")), ("Content-Type", "application/json")],
        Some(&format!(r#"{{"name":"bench","area_code":"1501","per_minute":{PER_MINUTE}}}"#)),
    )
    .map_err(|e| e.to_string())?;
    let key = http::json_string_field(&issued.body, "secret").ok_or_else(|| format!("no key issued: {}", issued.body))?;
    let form = |n: u64| format!("api_key={key}&service_code=demand.heating&lat=40.83&long=111.61&description=bench+{n}&address_string=bench");
    let probe = http::request(server.addr(), "POST", "/open311/v2/requests.json", &[("Content-Type", "application/x-www-form-urlencoded")], Some(&form(0)))
        .map_err(|e| e.to_string())?;
    if probe.status != 201 {
        return Err(format!("POST requests.json answered {}: {}", probe.status, probe.body));
    }
    let dir = root().join("target/bench-scripts");
    std::fs::create_dir_all(&dir).map_err(|e| e.to_string())?;
    let script = dir.join("open311.lua");
    std::fs::write(&script, lua(&key)).map_err(|e| e.to_string())?;
    let post = wrk::Load { url: server.base_url(), header: None, cpu: load_cpu, seconds: SECONDS, connections: CONNECTIONS, script: Some(script.clone()) };
    let post_figures = wrk::run(&post)?;
    // The list must be full for its figure to mean the cap: top it up to 1,000 if the run did not.
    let made = (post_figures.requests_per_sec * f64::from(SECONDS)) as u64;
    for n in made..1_000 {
        http::request(server.addr(), "POST", "/open311/v2/requests.json", &[("Content-Type", "application/x-www-form-urlencoded")], Some(&form(n)))
            .map_err(|e| e.to_string())?;
    }
    let list = wrk::Load { url: format!("{}/open311/v2/requests.json", server.base_url()), script: None, connections: 4, ..post.clone() };
    let list_figures = wrk::run(&list)?;
    if let Some(problem) = server.stop() {
        eprintln!("xtask: {problem}");
    }
    let shown_post = wrk::Load { url: "http://127.0.0.1:<port>".into(), script: Some("target/bench-scripts/open311.lua".into()), ..post };
    let shown_list = wrk::Load { url: "http://127.0.0.1:<port>/open311/v2/requests.json".into(), ..list };
    Ok(vec![
        Row { label: "`POST /open311/v2/requests.json` (form, API key, point placed in a grid)".into(), figures: post_figures, command: describe(&wrk::command(&shown_post)) },
        Row { label: "`GET /open311/v2/requests.json` (1,000 records, the cap)".into(), figures: list_figures, command: describe(&wrk::command(&shown_list)) },
    ])
}

fn lua(key: &str) -> String {
    format!(
        "wrk.method = \"POST\"\nwrk.headers[\"Content-Type\"] = \"application/x-www-form-urlencoded\"\nlocal n = 0\nrequest = function()\n  n = n + 1\n  \
         return wrk.format(nil, \"/open311/v2/requests.json\", nil, string.format(\"api_key={key}&service_code=demand.heating&lat=40.83&long=111.61&address_string=bench&description=bench+%d\", n))\nend\n"
    )
}
