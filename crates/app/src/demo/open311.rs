//! The demo's published Open311 key: city-wide, so any civic-tech client can be pointed at a
//! demo server and submit without first asking an administrator.

use fengqiao_domain::services::submissions::NewApiKey;
use fengqiao_domain::services::{Services, operator};

use super::DEMO_ACTOR;
use crate::messages::Explain;

pub const DEMO_KEY: &str = "fengqiao-demo-open311";
const CITY: &str = "1501";

/// Issues the key unless the demo world has it already (a reused demo keeps its key).
pub async fn provide_key(services: &Services) -> anyhow::Result<()> {
    if services.api_key_is_live(DEMO_KEY).await.explained()? {
        return Ok(());
    }
    let new = NewApiKey { name: "演示 Open311 客户端".into(), area_code: CITY.into(), per_minute: Some(10_000) };
    services.issue_api_key_with_secret(&operator(DEMO_ACTOR), new, DEMO_KEY.into()).await.explained()?;
    Ok(())
}

/// What `demo` prints about the key.
pub fn lines(listen: &str) -> String {
    format!("Open311 GeoReport v2: http://{listen}/open311/v2/services.json  api_key = {DEMO_KEY} (city-wide, 呼和浩特市)\nResidents' portal: http://{listen}/portal\n")
}
