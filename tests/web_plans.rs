//! Browser tests of the billing plans manager: the real routes rendered by
//! Leptos in headless Chromium, over the in-page mock backend (its four
//! seeded plans, or more added per test). Run with
//! `cargo test --target wasm32-unknown-unknown --test web_plans`.
#![cfg(target_arch = "wasm32")]

use billing_mock::MockBackend;
use billing_widget::domain::money::Cents;
use billing_widget::domain::plan::{AccountId, BillingCycle, Plan, PlanId};
use billing_widget::web::dom;
use mock_transport::MockTransport;
use wasm_bindgen::JsCast;
use wasm_bindgen_test::*;

#[path = "support/browser.rs"]
mod browser;
#[path = "support/mock_transport.rs"]
mod mock_transport;

use browser::{mount, Mounted};

#[path = "support/bad_amounts.rs"]
mod bad_amounts;

wasm_bindgen_test_configure!(run_in_browser);

/// A fresh mock with its seeded plans, changed by `change`.
fn seed(change: impl FnOnce(&mut MockBackend)) -> MockTransport {
    let mock = MockTransport::new(1);
    mock.with_backend(|backend| {
        // Nothing from an earlier test: the mock also keeps its last state
        // in memory, so removing the stored copy is not enough.
        *backend = MockBackend::new(1);
        change(backend);
    });
    mock
}

fn plans(mock: &MockTransport) -> Vec<Plan> {
    mock.with_backend(|b| b.state.plans.plans.clone())
}

fn plan(mock: &MockTransport, id: i64) -> Plan {
    plans(mock)
        .into_iter()
        .find(|p| p.id.0 == id)
        .expect("the plan is in the mock")
}

fn input(app: &Mounted, testid: &str) -> web_sys::HtmlInputElement {
    app.one(&format!("[data-testid={testid}]"))
        .dyn_into::<web_sys::HtmlInputElement>()
        .expect("an input")
}

fn type_into(app: &Mounted, testid: &str, value: &str) {
    let field = input(app, testid);
    field.set_value(value);
    let event = web_sys::Event::new("input").expect("an input event");
    field.dispatch_event(&event).expect("dispatch input");
}

fn select(app: &Mounted, testid: &str) -> web_sys::HtmlSelectElement {
    app.one(&format!("[data-testid={testid}]"))
        .dyn_into::<web_sys::HtmlSelectElement>()
        .expect("a select")
}

fn pathname() -> String {
    browser::window().location().pathname().unwrap_or_default()
}

fn row_ids(app: &Mounted) -> Vec<String> {
    app.all("[data-testid=plan-row]")
        .iter()
        .map(|r| r.get_attribute("data-id").unwrap_or_default())
        .collect()
}

fn extra_plan(id: i64) -> Plan {
    Plan {
        id: PlanId(id),
        name: format!("Extra plan {id}"),
        code: Some(format!("extra-{id}")),
        account_id: AccountId(2002),
        amount: Cents::new(100 * id),
        tax_amount: None,
        billing_cycle_type: BillingCycle::Monthly,
        is_active: true,
        create_date: None,
    }
}

#[wasm_bindgen_test]
async fn the_list_shows_every_column_and_an_unknown_cycle_as_it_is() {
    let _mock = seed(|_| {});
    let app = mount("/plans");
    app.wait_for_page(1).await;
    assert_eq!(row_ids(&app), ["5001", "5002", "5003", "5004"]);
    let rows = app.all("[data-testid=plan-row]");
    let text = |i: usize| rows[i].text_content().unwrap_or_default();
    assert!(text(0).contains("Starter monthly"));
    assert!(text(0).contains("$29.00"));
    assert!(text(0).contains("Monthly (M)"));
    assert!(text(0).contains("2024-01-15"));
    assert!(text(1).contains("$29.90"), "tax shown: {}", text(1));
    assert_eq!(
        rows[2].get_attribute("data-active").as_deref(),
        Some("false")
    );
    assert!(text(2).contains("Inactive"));
    assert_eq!(rows[3].get_attribute("data-cycle").as_deref(), Some("X"));
    assert!(
        text(3).contains("\u{201c}X\u{201d}"),
        "raw code: {}",
        text(3)
    );
    assert!(app.is_disabled("[data-testid=page-prev]"));
    assert!(app.is_disabled("[data-testid=page-next]"));
}

#[wasm_bindgen_test]
async fn twenty_five_plans_page_twenty_then_five() {
    let _mock = seed(|backend| {
        for id in 6001..6022 {
            backend.state.plans.plans.push(extra_plan(id));
        }
    });
    let app = mount("/plans");
    app.wait_for_page(1).await;
    assert_eq!(app.all("[data-testid=plan-row]").len(), 20);
    assert!(!app.is_disabled("[data-testid=page-next]"));
    app.click("[data-testid=page-next]");
    app.wait_for_page(2).await;
    assert_eq!(dom::location_search(), "?page=2");
    assert_eq!(app.all("[data-testid=plan-row]").len(), 5);
    assert!(app.is_disabled("[data-testid=page-next]"));
}

#[wasm_bindgen_test]
async fn filters_live_in_the_address_and_a_bad_account_is_marked() {
    let _mock = seed(|backend| backend.state.plans.plans.push(extra_plan(6001)));
    let app = mount("/plans?accountId=2002");
    app.wait_for_page(1).await;
    assert_eq!(row_ids(&app), ["6001"]);
    assert_eq!(input(&app, "plan-filter-account").value(), "2002");

    type_into(&app, "plan-filter-account", "");
    type_into(&app, "plan-filter-name", "pro");
    app.click("[data-testid=plan-filter-apply]");
    app.wait_until("the name filter in the address", |_| {
        dom::location_search() == "?name=pro"
    })
    .await;
    app.wait_for_page(1).await;
    assert_eq!(row_ids(&app), ["5002"]);

    type_into(&app, "plan-filter-account", "12x");
    app.click("[data-testid=plan-filter-apply]");
    app.wait_for("[data-testid=plan-filter-account-error]")
        .await;
    assert_eq!(
        input(&app, "plan-filter-account")
            .get_attribute("aria-invalid")
            .as_deref(),
        Some("true")
    );
    assert_eq!(dom::location_search(), "?name=pro");
}

#[wasm_bindgen_test]
async fn a_plan_opens_by_star_code() {
    let _mock = seed(|_| {});
    let app = mount("/plans");
    app.wait_for_page(1).await;
    type_into(&app, "plan-open-ref", "*custom-x");
    app.click("[data-testid=plan-open-submit]");
    app.wait_for("[data-testid=plan-detail]").await;
    assert_eq!(app.text("[data-testid=plan-detail-name]"), "Custom cycle");
    assert_eq!(app.text("[data-testid=plan-detail-id]"), "5004");
    assert_eq!(pathname(), "/plans/*custom-x");
}

#[wasm_bindgen_test]
async fn a_bad_open_reference_is_explained_in_place() {
    let _mock = seed(|_| {});
    let app = mount("/plans");
    app.wait_for_page(1).await;
    type_into(&app, "plan-open-ref", "*no spaces");
    app.click("[data-testid=plan-open-submit]");
    app.wait_for("[data-testid=plan-open-error]").await;
    assert_eq!(
        input(&app, "plan-open-ref")
            .get_attribute("aria-invalid")
            .as_deref(),
        Some("true")
    );
    assert_eq!(input(&app, "plan-open-ref").value(), "*no spaces");
}

#[wasm_bindgen_test]
async fn a_validation_error_is_marked_on_its_field_and_nothing_is_lost_or_sent() {
    let mock = seed(|_| {});
    let app = mount("/plans/new");
    app.wait_for("[data-testid=plan-form]").await;
    type_into(&app, "plan-field-name", "Team monthly");
    type_into(&app, "plan-field-amount", "19.999");
    type_into(&app, "plan-field-tax", "1.50");
    type_into(&app, "plan-field-code", "team-monthly");
    type_into(&app, "plan-field-account", "1001");
    app.click("[data-testid=plan-submit]");
    app.wait_for("[data-testid=plan-field-amount-error]").await;
    assert_eq!(
        input(&app, "plan-field-amount")
            .get_attribute("aria-invalid")
            .as_deref(),
        Some("true")
    );
    assert!(input(&app, "plan-field-name")
        .get_attribute("aria-invalid")
        .is_none());
    for (testid, value) in [
        ("plan-field-name", "Team monthly"),
        ("plan-field-amount", "19.999"),
        ("plan-field-tax", "1.50"),
        ("plan-field-code", "team-monthly"),
        ("plan-field-account", "1001"),
    ] {
        assert_eq!(input(&app, testid).value(), value, "{testid} kept");
    }
    assert_eq!(plans(&mock).len(), 4, "nothing was sent");
}

/// Every money field of both plan forms refuses every bad amount in place.
#[wasm_bindgen_test]
async fn no_plan_money_field_takes_a_bad_amount() {
    let mock = seed(|_| {});
    let starter = plan(&mock, 5001);
    for path in ["/plans/new", "/plans/5001"] {
        let app = mount(path);
        app.wait_for("[data-testid=plan-form]").await;
        if path == "/plans/new" {
            type_into(&app, "plan-field-name", "Team monthly");
            type_into(&app, "plan-field-code", "team-monthly");
            type_into(&app, "plan-field-account", "1001");
        }
        for field in ["plan-field-amount", "plan-field-tax"] {
            for bad in bad_amounts::BAD_AMOUNTS {
                type_into(&app, "plan-field-amount", "19.00");
                type_into(&app, "plan-field-tax", "1.50");
                leptos::task::tick().await;
                assert!(
                    app.all(&format!("[data-testid={field}-error]")).is_empty(),
                    "a fixed amount clears the mark"
                );
                type_into(&app, field, bad);
                app.click("[data-testid=plan-submit]");
                app.wait_until(&format!("{bad:?} refused in {field} on {path}"), |root| {
                    root.query_selector(&format!("[data-testid={field}-error]"))
                        .ok()
                        .flatten()
                        .is_some()
                })
                .await;
                assert_eq!(
                    input(&app, field).get_attribute("aria-invalid").as_deref(),
                    Some("true"),
                    "{bad:?} in {field} on {path}"
                );
                assert_eq!(input(&app, field).value(), *bad, "what was typed is kept");
            }
        }
        drop(app);
    }
    assert_eq!(plans(&mock).len(), 4, "nothing was created");
    assert_eq!(plan(&mock, 5001), starter, "nothing was changed");
}

#[wasm_bindgen_test]
async fn a_server_refusal_is_marked_on_its_field_and_nothing_is_lost() {
    let mock = seed(|_| {});
    let app = mount("/plans/new");
    app.wait_for("[data-testid=plan-form]").await;
    type_into(&app, "plan-field-name", "Copy of starter");
    type_into(&app, "plan-field-amount", "5");
    // The code is taken: only the server knows.
    type_into(&app, "plan-field-code", "starter-monthly");
    type_into(&app, "plan-field-account", "1001");
    app.click("[data-testid=plan-submit]");
    app.wait_for("[data-testid=plan-field-code-error]").await;
    assert!(app
        .text("[data-testid=plan-field-code-error]")
        .contains("already used"));
    assert_eq!(input(&app, "plan-field-code").value(), "starter-monthly");
    assert_eq!(input(&app, "plan-field-name").value(), "Copy of starter");
    assert_eq!(plans(&mock).len(), 4);
}

#[wasm_bindgen_test]
async fn creating_a_plan_sends_cents_once_and_opens_it() {
    let mock = seed(|_| {});
    let app = mount("/plans/new");
    app.wait_for("[data-testid=plan-form]").await;
    type_into(&app, "plan-field-name", "Team yearly");
    type_into(&app, "plan-field-amount", "199.99");
    type_into(&app, "plan-field-tax", "20");
    let cycle = select(&app, "plan-field-cycle");
    cycle.set_value("A");
    cycle
        .dispatch_event(&web_sys::Event::new("change").expect("an event"))
        .expect("dispatch");
    type_into(&app, "plan-field-code", "team-yearly");
    type_into(&app, "plan-field-account", "1001");
    // Two clicks, one plan.
    app.click("[data-testid=plan-submit]");
    app.click("[data-testid=plan-submit]");
    app.wait_for("[data-testid=plan-saved]").await;
    app.wait_for("[data-testid=plan-detail]").await;
    let all = plans(&mock);
    assert_eq!(all.len(), 5);
    let created = &all[4];
    assert_eq!(created.name, "Team yearly");
    assert_eq!(created.amount, Cents::new(19_999));
    assert_eq!(created.tax_amount, Some(Cents::new(2_000)));
    assert_eq!(created.billing_cycle_type, BillingCycle::Annually);
    assert_eq!(created.code.as_deref(), Some("team-yearly"));
    assert!(created.is_active);
    assert_eq!(pathname(), format!("/plans/{}", created.id));
}

#[wasm_bindgen_test]
async fn modifying_keeps_an_unknown_cycle_and_shows_fixed_fields_read_only() {
    let mock = seed(|_| {});
    let app = mount("/plans/5004");
    app.wait_for("[data-testid=plan-form]").await;
    assert!(input(&app, "plan-field-code").read_only());
    assert!(input(&app, "plan-field-account").read_only());
    assert_eq!(select(&app, "plan-field-cycle").value(), "X");
    type_into(&app, "plan-field-name", "Custom cycle, renamed");
    type_into(&app, "plan-field-amount", "55.10");
    app.click("[data-testid=plan-submit]");
    app.wait_for("[data-testid=plan-saved]").await;
    let saved = plan(&mock, 5004);
    assert_eq!(saved.name, "Custom cycle, renamed");
    assert_eq!(saved.amount, Cents::new(5_510));
    assert_eq!(
        saved.billing_cycle_type,
        BillingCycle::Other("X".to_owned())
    );
    assert_eq!(saved.code.as_deref(), Some("custom-x"));
    app.wait_until("the new name shown", |root| {
        root.text_content()
            .unwrap_or_default()
            .contains("Custom cycle, renamed")
    })
    .await;
}

#[wasm_bindgen_test]
async fn deactivating_and_activating_keep_everything_else() {
    let mock = seed(|_| {});
    let app = mount("/plans/5004");
    app.wait_for("[data-testid=plan-toggle-active]").await;
    app.click("[data-testid=plan-toggle-active]");
    app.wait_for("[data-testid=plan-saved]").await;
    let off = plan(&mock, 5004);
    assert!(!off.is_active);
    assert_eq!(off.billing_cycle_type, BillingCycle::Other("X".to_owned()));
    assert_eq!(off.tax_amount, Some(Cents::new(0)));
    app.wait_for("[data-testid=plan-detail][data-active=false]")
        .await;
    app.click("[data-testid=plan-toggle-active]");
    app.wait_for("[data-testid=plan-detail][data-active=true]")
        .await;
    assert!(plan(&mock, 5004).is_active);
}

#[wasm_bindgen_test]
async fn the_keyboard_focus_survives_a_toggle_and_a_save_that_redraw_the_plan() {
    let _mock = seed(|_| {});
    let app = mount("/plans/5004");
    let toggle = app
        .wait_for("[data-testid=plan-toggle-active]")
        .await
        .dyn_into::<web_sys::HtmlElement>()
        .expect("a button");
    toggle.focus().expect("focus the toggle");
    toggle.click();
    app.wait_for("[data-testid=plan-detail][data-active=false]")
        .await;
    app.wait_until("the focus on the new toggle", |_| {
        browser::focused_testid().as_deref() == Some("plan-toggle-active")
    })
    .await;

    let save = app
        .one("[data-testid=plan-submit]")
        .dyn_into::<web_sys::HtmlElement>()
        .expect("a button");
    save.focus().expect("focus save");
    save.click();
    app.wait_for("[data-testid=plan-saved]").await;
    app.wait_until("the focus kept on the form's button", |_| {
        browser::focused_testid().as_deref() == Some("plan-submit")
    })
    .await;
}

#[wasm_bindgen_test]
async fn an_unknown_plan_says_so() {
    let _mock = seed(|_| {});
    let app = mount("/plans/*nope");
    app.wait_for("[data-testid=not-found]").await;
}

#[wasm_bindgen_test]
async fn live_mode_explains_why_plans_are_unavailable_and_sends_nothing() {
    use billing_widget::config::AppConfig;
    use billing_widget::ui::ConfiguredApp;
    use leptos::prelude::*;
    use leptos_router::components::Router;

    let mut raw: serde_json::Value =
        serde_json::from_str(browser::SHIPPED_CONFIG).expect("the shipped config is JSON");
    raw["mode"] = "live".into();
    raw["livechat"]["client_id"] = "test-client-id".into();
    let config = AppConfig::from_json(&raw.to_string()).expect("a live configuration");
    browser::go_to("/plans");
    let root = browser::container();
    let handle = leptos::mount::mount_to(root.clone(), move || {
        view! { <Router><ConfiguredApp config transport=browser::test_transport()/></Router> }
    });
    let notice = browser::wait_for(&root, "[data-testid=plans-unavailable]").await;
    assert!(notice
        .text_content()
        .unwrap_or_default()
        .contains("credentials"));
    assert!(root
        .query_selector("[data-testid=plan-row]")
        .ok()
        .flatten()
        .is_none());
    drop(handle);
    root.remove();
}

#[wasm_bindgen_test]
async fn deactivating_keeps_unsaved_edits_in_the_form() {
    let mock = seed(|_| {});
    let app = mount("/plans/5001");
    app.wait_for("[data-testid=plan-form]").await;
    type_into(&app, "plan-field-name", "Starter, being renamed");
    app.click("[data-testid=plan-toggle-active]");
    app.wait_for("[data-testid=plan-detail][data-active=false]")
        .await;
    let saved = plan(&mock, 5001);
    assert!(!saved.is_active);
    assert_eq!(saved.name, "Starter monthly", "only the flag was sent");
    assert_eq!(
        input(&app, "plan-field-name").value(),
        "Starter, being renamed"
    );
    assert!(!input(&app, "plan-field-active").checked());
}
