//! Loads `config.json` from next to `index.html`.

use gloo_net::http::Request;

use crate::config::{AppConfig, ConfigError, QueryOverrides};

/// Path of the configuration file, relative to the document base.
pub const CONFIG_PATH: &str = "config.json";

/// Fetches, parses and validates the configuration, then applies the
/// address bar's overrides. Every failure is a specific [`ConfigError`].
pub async fn load_config(overrides: &QueryOverrides) -> Result<AppConfig, ConfigError> {
    let url = super::dom::resolve_against_base(CONFIG_PATH);
    let response = Request::get(&url)
        .header("Accept", "application/json")
        .send()
        .await
        .map_err(|err| ConfigError::Unreachable {
            path: url.clone(),
            reason: err.to_string(),
        })?;
    if !response.ok() {
        return Err(ConfigError::Missing {
            path: url,
            status: response.status(),
        });
    }
    let text = response
        .text()
        .await
        .map_err(|err| ConfigError::Unreachable {
            path: url.clone(),
            reason: err.to_string(),
        })?;
    AppConfig::from_json(&text)?.with_overrides(overrides)
}
