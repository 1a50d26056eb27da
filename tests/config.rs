//! The runtime configuration: what a valid `config.json` gives the app, and
//! the specific message each kind of mistake produces.

use billing_widget::api::livechat::ApiVersion;
use billing_widget::api::ApiError;
use billing_widget::config::{AppConfig, ConfigError, ItemKind, Mode, QueryOverrides, Theme};
use serde_json::{json, Value};

/// The file shipped in `public/`, so the demo's own configuration is tested.
const SHIPPED: &str = include_str!("../public/config.json");

fn shipped() -> Value {
    serde_json::from_str(SHIPPED).expect("the shipped config.json is JSON")
}

fn parse(value: &Value) -> Result<AppConfig, ConfigError> {
    AppConfig::from_json(&value.to_string())
}

fn live(mut value: Value) -> Value {
    value["mode"] = json!("live");
    value["livechat"]["client_id"] = json!("1e2cb91de0b15e99a7f4502b900e907e");
    value
}

#[test]
fn the_shipped_configuration_runs_the_offline_mock_by_default() {
    let config = AppConfig::from_json(SHIPPED).expect("shipped config is valid");
    assert_eq!(config.mode, Mode::Mock);
    assert_eq!(config.currency, "USD");
    assert_eq!(
        config.livechat.oauth_flow,
        billing_widget::config::OAuthFlow::Code
    );
    assert_eq!(config.livechat.billing_api_version, "v1");
    assert_eq!(
        config.livechat.billing_api_url.as_str(),
        "https://billing.livechatinc.com/"
    );
    assert!(config
        .confirmation_origins
        .iter()
        .any(|o| o.as_str() == "https://billing.livechatinc.com/"));
}

#[test]
fn the_catalog_holds_one_time_items_and_subscriptions_priced_in_cents() {
    let config = AppConfig::from_json(SHIPPED).expect("shipped config is valid");
    let export = &config.catalog[0];
    assert_eq!(export.id, "chat-transcripts-export");
    assert_eq!(
        export.price,
        billing_widget::domain::money::Cents::new(1900)
    );
    assert_eq!(
        export.kind,
        ItemKind::OneTime {
            quantity: 1,
            per_account: false
        }
    );
    let per_agent = &config.catalog[1];
    assert_eq!(
        per_agent.kind,
        ItemKind::OneTime {
            quantity: 1,
            per_account: true
        }
    );
    let pro = &config.catalog[2];
    assert_eq!(
        pro.kind,
        ItemKind::Subscription {
            months: 1,
            trial_days: 14,
            per_account: false
        }
    );
}

#[test]
fn a_file_that_is_not_json_says_where_it_broke() {
    let err = AppConfig::from_json("{ \"mode\": \"mock\", ").unwrap_err();
    assert!(matches!(err, ConfigError::InvalidJson(_)), "{err:?}");
    assert!(err.to_string().contains("line 1"), "{err}");
}

#[test]
fn an_empty_file_is_invalid_json() {
    let err = AppConfig::from_json("").unwrap_err();
    assert!(matches!(err, ConfigError::InvalidJson(_)), "{err:?}");
}

#[test]
fn an_unknown_mode_names_the_modes_that_exist() {
    let mut value = shipped();
    value["mode"] = json!("production");
    let err = parse(&value).unwrap_err();
    assert_eq!(err, ConfigError::UnknownMode("production".into()));
    assert!(err.to_string().contains("\"mock\""));
    assert!(err.to_string().contains("\"live\""));
}

#[test]
fn a_misspelt_setting_is_reported_instead_of_silently_ignored() {
    let mut value = shipped();
    value["livechat"]["client_idd"] = json!("x");
    let err = parse(&value).unwrap_err();
    assert!(matches!(err, ConfigError::InvalidShape(_)), "{err:?}");
    assert!(err.to_string().contains("client_idd"), "{err}");
}

#[test]
fn a_missing_section_is_reported_by_name() {
    let mut value = shipped();
    value.as_object_mut().unwrap().remove("bidali");
    let err = parse(&value).unwrap_err();
    assert!(err.to_string().contains("bidali"), "{err}");
}

#[test]
fn live_mode_refuses_plain_http_to_a_remote_host() {
    let mut value = live(shipped());
    value["livechat"]["billing_api_url"] = json!("http://billing.example.com");
    let err = parse(&value).unwrap_err();
    assert_eq!(
        err,
        ConfigError::InsecureUrl {
            field: "livechat.billing_api_url".into(),
            value: "http://billing.example.com/".into()
        }
    );
}

#[test]
fn live_mode_allows_http_on_loopback_for_a_local_server() {
    for local in [
        "http://localhost:8787",
        "http://127.0.0.1:8787",
        "http://127.8.9.1",
        "http://[::1]:8787",
    ] {
        let mut value = live(shipped());
        value["livechat"]["billing_api_url"] = json!(local);
        assert!(parse(&value).is_ok(), "{local} should be accepted");
    }
}

#[test]
fn mock_mode_does_not_care_about_the_live_urls_scheme() {
    let mut value = shipped();
    value["bidali"]["api_url"] = json!("http://api.bidali.example");
    assert!(parse(&value).is_ok());
}

#[test]
fn live_mode_needs_a_client_id() {
    let mut value = live(shipped());
    value["livechat"]["client_id"] = json!("  ");
    assert_eq!(
        parse(&value).unwrap_err(),
        ConfigError::MissingValue("livechat.client_id".into())
    );
}

#[test]
fn urls_that_are_not_urls_are_named_with_their_field() {
    for bad in [
        "billing.livechatinc.com",
        "ftp://x.example",
        "https://user:pw@x.example",
        "",
    ] {
        let mut value = shipped();
        value["livechat"]["accounts_url"] = json!(bad);
        let err = parse(&value).unwrap_err();
        assert_eq!(
            err,
            ConfigError::InvalidUrl {
                field: "livechat.accounts_url".into(),
                value: bad.into()
            },
            "{bad}"
        );
    }
}

#[test]
fn allowed_origins_must_be_bare_origins() {
    let mut value = shipped();
    value["confirmation_origins"] = json!(["https://billing.livechatinc.com/checkout"]);
    let err = parse(&value).unwrap_err();
    assert!(matches!(err, ConfigError::NotAnOrigin { .. }), "{err:?}");
}

#[test]
fn catalog_mistakes_name_the_item_and_the_problem() {
    let cases = [
        (
            json!({"id": "a", "kind": "one_time", "name": "A", "price": 0}),
            "positive",
        ),
        (
            json!({"id": "a", "kind": "one_time", "name": "A", "price": -5}),
            "positive",
        ),
        (
            json!({"id": "a", "kind": "one_time", "name": " ", "price": 100}),
            "name",
        ),
        (
            json!({"id": "a b", "kind": "one_time", "name": "A", "price": 100}),
            "id",
        ),
        (
            json!({"id": "a", "kind": "one_time", "name": "A", "price": 100, "quantity": 0}),
            "quantity",
        ),
        (
            json!({"id": "a", "kind": "one_time", "name": "A", "price": 100, "months": 1}),
            "subscriptions only",
        ),
        (
            json!({"id": "a", "kind": "subscription", "name": "A", "price": 100, "months": 0}),
            "months",
        ),
        (
            json!({"id": "a", "kind": "subscription", "name": "A", "price": 100, "quantity": 2}),
            "quantity",
        ),
        (
            json!({"id": "a", "kind": "one_time", "name": "A", "price": 100_000_000_000i64}),
            "in cents",
        ),
    ];
    for (item, expected) in cases {
        let mut value = shipped();
        value["catalog"] = json!([item]);
        let err = parse(&value).unwrap_err();
        assert!(
            matches!(err, ConfigError::InvalidCatalogItem { .. }),
            "{item}: {err:?}"
        );
        assert!(err.to_string().contains(expected), "{item}: {err}");
    }
}

#[test]
fn a_price_with_decimals_is_rejected_because_prices_are_cents() {
    let mut value = shipped();
    value["catalog"] = json!([{"id": "a", "kind": "one_time", "name": "A", "price": 19.99}]);
    assert!(matches!(
        parse(&value).unwrap_err(),
        ConfigError::InvalidShape(_)
    ));
}

#[test]
fn catalog_ids_are_unique() {
    let mut value = shipped();
    let item = json!({"id": "a", "kind": "one_time", "name": "A", "price": 100});
    value["catalog"] = json!([item.clone(), item]);
    assert_eq!(
        parse(&value).unwrap_err(),
        ConfigError::DuplicateCatalogItem("a".into())
    );
}

#[test]
fn the_address_bar_can_pick_the_mode_and_theme() {
    let overrides = QueryOverrides::parse("?plugin_id=abc&theme=dark&mode=mock").unwrap();
    assert_eq!(overrides.mode, Some(Mode::Mock));
    assert_eq!(overrides.theme, Some(Theme::Dark));
}

#[test]
fn an_unknown_theme_from_the_host_is_ignored_but_an_unknown_mode_is_an_error() {
    let overrides = QueryOverrides::parse("theme=sepia").unwrap();
    assert_eq!(overrides.theme, None);
    assert_eq!(
        QueryOverrides::parse("mode=prod").unwrap_err(),
        ConfigError::UnknownMode("prod".into())
    );
}

#[test]
fn switching_a_live_configuration_to_the_mock_is_allowed() {
    let config = parse(&live(shipped())).unwrap();
    let overrides = QueryOverrides::parse("mode=mock").unwrap();
    assert_eq!(config.with_overrides(&overrides).unwrap().mode, Mode::Mock);
}

#[test]
fn switching_the_demo_to_live_still_checks_the_live_requirements() {
    let config = AppConfig::from_json(SHIPPED).unwrap();
    let overrides = QueryOverrides::parse("mode=live").unwrap();
    // The shipped demo has no client id, so live mode cannot start.
    assert_eq!(
        config.with_overrides(&overrides).unwrap_err(),
        ConfigError::MissingValue("livechat.client_id".into())
    );
}

#[test]
fn the_theme_maps_to_the_html_data_theme_attribute() {
    assert_eq!(Theme::Dark.attribute(), Some("dark"));
    assert_eq!(Theme::Light.attribute(), Some("light"));
    assert_eq!(Theme::System.attribute(), None);
}

#[test]
fn billing_terms_are_spelt_out_next_to_the_price() {
    let once = ItemKind::OneTime {
        quantity: 1,
        per_account: false,
    };
    assert_eq!(once.terms(), "once");
    let three = ItemKind::OneTime {
        quantity: 3,
        per_account: false,
    };
    assert_eq!(three.terms(), "once, for 3");
    let per_agent = ItemKind::OneTime {
        quantity: 1,
        per_account: true,
    };
    assert_eq!(per_agent.terms(), "once, per agent in your organization");
    let monthly_trial = ItemKind::Subscription {
        months: 1,
        trial_days: 14,
        per_account: false,
    };
    assert_eq!(monthly_trial.terms(), "every month, 14-day free trial");
    let quarterly = ItemKind::Subscription {
        months: 3,
        trial_days: 0,
        per_account: true,
    };
    assert_eq!(quarterly.terms(), "every 3 months, per agent");
    let yearly = ItemKind::Subscription {
        months: 12,
        trial_days: 0,
        per_account: false,
    };
    assert_eq!(yearly.terms(), "every year");
}

#[test]
fn internationalised_host_names_are_refused() {
    // Allow-listed LiveChat, Bidali and gateway hosts are ASCII; refusing
    // Unicode hosts outright closes homograph tricks and keeps IDNA tables
    // out of the wasm bundle.
    let mut value = shipped();
    value["plans"]["api_url"] = json!("https://bïlling.example.com");
    assert!(
        matches!(parse(&value).unwrap_err(), ConfigError::InvalidUrl { .. }),
        "a Unicode host must not be accepted"
    );
}

#[test]
fn a_host_mixing_capitals_and_unicode_is_refused_without_a_panic() {
    let mut value = shipped();
    value["plans"]["api_url"] = json!("https://Bïlling.example.com");
    assert!(matches!(
        parse(&value).unwrap_err(),
        ConfigError::InvalidUrl { .. }
    ));
}

#[test]
fn the_mock_scenario_comes_from_the_file_or_the_address_bar() {
    let mut value = shipped();
    value["mock_scenario"] = json!("card_declined");
    let config = parse(&value).expect("a known scenario");
    assert_eq!(config.mock_scenario.as_deref(), Some("card_declined"));
    let overrides = QueryOverrides::parse("?mock_scenario=crypto_overpaid").unwrap();
    let config = config.with_overrides(&overrides).unwrap();
    assert_eq!(config.mock_scenario.as_deref(), Some("crypto_overpaid"));
}

#[test]
fn a_mock_scenario_that_is_not_a_name_is_refused_before_the_mock_sees_it() {
    for bad in [
        "",
        "Card_Declined",
        "card declined",
        "../reset",
        "<b>",
        &"x".repeat(65),
    ] {
        let query = format!(
            "mock_scenario={}",
            url::form_urlencoded::byte_serialize(bad.as_bytes()).collect::<String>()
        );
        let err = QueryOverrides::parse(&query).unwrap_err();
        assert_eq!(err, ConfigError::InvalidScenario(bad.to_owned()), "{bad:?}");
        assert!(err.to_string().contains("card_declined"), "{err}");
        let mut value = shipped();
        value["mock_scenario"] = json!(bad);
        assert_eq!(
            parse(&value).unwrap_err(),
            ConfigError::InvalidScenario(bad.to_owned())
        );
    }
    // Whether a well-formed name exists is the mock's to say (at start-up).
    let overrides = QueryOverrides::parse("mock_scenario=chaos").unwrap();
    assert_eq!(overrides.mock_scenario.as_deref(), Some("chaos"));
}

#[test]
fn bidali_logos_are_asked_of_bidali_unless_turned_off() {
    // Live mode, so this also holds in the live-only build.
    let mut value = live(shipped());
    assert!(
        parse(&value).expect("valid").bidali.remote_logos,
        "on by default"
    );
    value["bidali"]["remote_logos"] = Value::Bool(false);
    assert!(!parse(&value).expect("valid").bidali.remote_logos);
    value["bidali"]["remote_logos"] = Value::String("no".to_owned());
    let error = parse(&value).expect_err("a string is not a switch");
    assert!(error.to_string().contains("expected a boolean"), "{error}");
}

#[test]
fn the_configured_apis_are_built_from_their_sections() {
    let mut value = live(shipped());
    value["livechat"]["billing_api_url"] = json!("https://billing.text.com");
    value["livechat"]["billing_api_version"] = json!("v3");
    let config = parse(&value).expect("a valid configuration");
    let billing = config
        .livechat
        .billing_api()
        .expect("v3 is a known version");
    assert_eq!(billing.version(), ApiVersion::V3);
    assert!(config.bidali.charges_api().is_ok());
    assert!(config.plans.plans_api().is_ok());

    let mut config = config;
    config.livechat.billing_api_version = "v9".to_owned();
    let error = config.livechat.billing_api().unwrap_err();
    assert!(
        matches!(error, ApiError::Validation { ref field, .. } if field == "billing_api_version"),
        "{error:?}"
    );
}

#[test]
fn live_mode_takes_a_mock_backend_only_when_told_to() {
    let config = parse(&live(shipped())).expect("a live configuration");
    assert!(!config.allow_mock_backend, "off unless asked for");
    assert!(!config.uses_mock_backend());

    let mut value = live(shipped());
    value["allow_mock_backend"] = json!(true);
    let config = parse(&value).expect("a live configuration for mock-server");
    assert!(config.allow_mock_backend && config.uses_mock_backend());

    let mut value = live(shipped());
    value["allow_mock_backend"] = json!("yes");
    assert!(matches!(parse(&value), Err(ConfigError::InvalidShape(_))));
}
