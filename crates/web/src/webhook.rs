//! Posting webhook deliveries over HTTP for the domain's sender (`services::oversight`).

use std::time::Duration;

use async_trait::async_trait;
use fengqiao_domain::services::oversight::{SIGNATURE_HEADER, WebhookSender};
use uuid::Uuid;

/// A receiver that does not answer in this time counts as a failed attempt, retried later.
const TIMEOUT: Duration = Duration::from_secs(10);

pub struct HttpSender {
    client: reqwest::Client,
}

impl HttpSender {
    pub fn new() -> Self {
        // No redirects: a receiver that moved is reconfigured by an administrator, not followed.
        let client = reqwest::Client::builder()
            .timeout(TIMEOUT)
            .redirect(reqwest::redirect::Policy::none())
            .build()
            .expect("an HTTP client with default TLS builds");
        HttpSender { client }
    }
}

impl Default for HttpSender {
    fn default() -> Self {
        HttpSender::new()
    }
}

#[async_trait]
impl WebhookSender for HttpSender {
    async fn post(&self, url: &str, body: &str, signature: &str, event_id: Uuid) -> Result<u16, String> {
        let r = self
            .client
            .post(url)
            .header("content-type", "application/json")
            .header(SIGNATURE_HEADER, signature)
            .header("X-Fengqiao-Event", event_id.to_string())
            .body(body.to_string())
            .send()
            .await
            .map_err(|e| e.without_url().to_string())?;
        Ok(r.status().as_u16())
    }
}
