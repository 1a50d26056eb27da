//! The `/crypto` start page: the form for a catalog item or a typed amount,
//! drawn from the core's `StartForm`, whose check builds the charge; the
//! page words its problems and opens the charge through the flow's runner.

use leptos::ev::SubmitEvent;
use leptos::prelude::*;

use super::{bidali_error, open_charge_runner, Client};
use crate::api::ApiError;
use crate::config::{AppConfig, ItemKind};
use crate::flow::crypto_start::{
    self, offer_total, payment_path, refused_field, Offer, Opening, StartField, StartForm,
    StartProblem, FIAT_CURRENCIES,
};
use crate::i18n::{locale, t};
use crate::ui::components::PageHeader;
use crate::ui::embedding::customer_prefill;
use crate::ui::services::Services;
use crate::web::server_clock::SampledClock;
use crate::web::tab_memory;

/// The catalog's items that can be paid once in crypto: one-time items
/// whose quantity the seller fixes (per-agent prices are LiveChat's to
/// decide, see [`offer_total`]).
fn offers(config: &AppConfig) -> Vec<Offer> {
    config
        .catalog
        .iter()
        .filter_map(|item| match item.kind {
            ItemKind::OneTime {
                quantity,
                per_account,
            } => Some(Offer {
                id: item.id.clone(),
                name: item.name.clone(),
                total: offer_total(item.price, quantity, per_account)?,
            }),
            ItemKind::Subscription { .. } => None,
        })
        .collect()
}

/// The field's input id, also its test id.
const fn input_id(field: StartField) -> &'static str {
    match field {
        StartField::Amount => "crypto-amount",
        StartField::Currency => "crypto-currency",
        StartField::Description => "crypto-description",
        StartField::Email => "crypto-email",
        StartField::FirstName => "crypto-first-name",
        StartField::LastName => "crypto-last-name",
    }
}

/// The form's words for a problem its check found.
fn problem_text(problem: &StartProblem) -> String {
    match problem {
        StartProblem::AmountUnreadable(error) => error.message(locale()),
        StartProblem::EmailNeeded => t().crypto_email_needed.to_owned(),
        StartProblem::EmailInvalid => t().crypto_email_invalid.to_owned(),
        StartProblem::CurrencyNotACode => t().crypto_currency_invalid.to_owned(),
        StartProblem::DescriptionTooLong { max } => (t().crypto_description_too_long)(*max),
        StartProblem::NameTooLong { max, .. } => (t().crypto_name_too_long)(*max),
        // The amount was parsed, and its problems worded, before this
        // check; the check's own English words are the last resort.
        StartProblem::AmountRefused { problem } => format!("This {problem}."),
        StartProblem::Unchecked(error) => error.user_message_in(locale()),
    }
}

fn focus(id: &str) {
    if let Some(element) = web_sys::window()
        .and_then(|w| w.document())
        .and_then(|d| d.get_element_by_id(id))
    {
        use wasm_bindgen::JsCast;
        if let Ok(element) = element.dyn_into::<web_sys::HtmlElement>() {
            let _ = element.focus();
        }
    }
}

#[component]
pub fn CryptoStart() -> impl IntoView {
    let services = expect_context::<Services>();
    let config = expect_context::<AppConfig>();
    let clock = SampledClock::default();
    let body = match services.bidali_client(clock.clone()) {
        Ok(client) => view! { <StartPayment client clock config/> }.into_any(),
        Err(error) => bidali_error(error, None, "crypto-unavailable", true),
    };
    let resume = tab_memory::last_crypto_charge();
    view! {
        <div data-testid="page-crypto">
            <PageHeader title=t().crypto_title lead=t().crypto_lead/>
            {resume.map(|id| view! {
                <p class="notice" data-testid="crypto-resume">
                    {t().crypto_resume}
                    <a href=payment_path(&id, None)>{t().crypto_go_back}</a>
                </p>
            })}
            {body}
        </div>
    }
}

#[component]
fn StartPayment(client: Client, clock: SampledClock, config: AppConfig) -> impl IntoView {
    let offers = offers(&config);
    let form = RwSignal::new(StartForm::new(&offers, &config.currency, locale()));
    // The customer selected in the Agent App fills empty buyer fields.
    Effect::new(move |_| {
        let Some((email, first, last)) = customer_prefill() else {
            return;
        };
        form.update(|f| f.prefill_buyer(email, first, last));
    });
    let problem = RwSignal::new(None::<(StartField, String)>);
    let failure = RwSignal::new(None::<ApiError>);
    let busy = RwSignal::new(false);
    let offers = StoredValue::new(offers);

    let opening = RwSignal::new(Opening::Idle);
    let opener = open_charge_runner(client, clock, opening);
    Effect::new(move |_| {
        busy.set(opening.with(|o| matches!(o, Opening::Creating | Opening::Opened)));
        let Opening::Failed(error) = opening.get() else {
            return;
        };
        match refused_field(&error) {
            // Bidali refused a field's content: said and marked there.
            Some(field) => {
                problem.set(Some((field, error.user_message_in(locale()))));
                focus(input_id(field));
            }
            None => failure.set(Some(error)),
        }
    });
    let submit = Callback::new(move |()| {
        if busy.get_untracked() {
            return;
        }
        failure.set(None);
        let charge = match form.with_untracked(|f| f.to_charge(locale())) {
            Ok(charge) => charge,
            Err(refused) => {
                let field = refused.field();
                problem.set(Some((field, problem_text(&refused))));
                focus(input_id(field));
                return;
            }
        };
        problem.set(None);
        opener.with_value(|r| r.dispatch(crypto_start::Event::Open { charge, pay: None }));
    });

    let error_of = move |field: StartField| {
        move || {
            problem.with(|p| {
                p.as_ref()
                    .filter(|(f, _)| *f == field)
                    .map(|(_, message)| message.clone())
            })
        }
    };
    let text_input = move |field: StartField,
                           label: &'static str,
                           kind: &'static str,
                           autocomplete: &'static str,
                           get: fn(&StartForm) -> String,
                           set: fn(&mut StartForm, String)| {
        let id = input_id(field);
        let error_id = format!("{id}-error");
        let error = error_of(field);
        view! {
            <div class="field">
                <label for=id>{label}</label>
                <input
                    id=id
                    type=kind
                    autocomplete=autocomplete
                    data-testid=id
                    aria-invalid=move || error().is_some().then_some("true")
                    aria-describedby=move || error().is_some().then(|| error_id.clone())
                    prop:value=move || form.with(get)
                    on:input=move |ev| {
                        let value = event_target_value(&ev);
                        form.update(|f| set(f, value));
                        if problem.with_untracked(|p| p.as_ref().is_some_and(|(f, _)| *f == field)) {
                            problem.set(None);
                        }
                    }
                />
                {move || error().map(|message| view! {
                    <p class="field-error" role="alert" id=format!("{id}-error") data-testid=format!("{id}-error")>
                        {message}
                    </p>
                })}
            </div>
        }
    };

    // Catalog prices are in the shop's currency.
    let catalog_currency = config.currency.clone();
    let offer_options = offers.with_value(|offers| {
        offers
            .iter()
            .map(|offer| {
                let value = offer.id.clone();
                let selected = {
                    let value = value.clone();
                    move || form.with(|f| f.offer == value)
                };
                view! {
                    <option value=value selected=selected>
                        {format!("{} ({})", offer.name, offer.total.display_locale(&catalog_currency, locale()))}
                    </option>
                }
            })
            .collect_view()
    });
    let choose_offer = move |ev| {
        let chosen = event_target_value(&ev);
        let offers = offers.get_value();
        form.update(|f| f.choose_offer(&chosen, &offers, locale()));
        problem.set(None);
    };
    let currency_options = FIAT_CURRENCIES
        .iter()
        .map(|code| {
            let selected = move || form.with(|f| f.currency == *code);
            view! { <option value=*code selected=selected>{*code}</option> }
        })
        .collect_view();

    view! {
        <form
            class="card crypto-start"
            data-testid="crypto-form"
            aria-label=t().crypto_start_label
            novalidate=true
            aria-busy=move || busy.get().then_some("true")
            on:submit=move |ev: SubmitEvent| {
                ev.prevent_default();
                submit.run(());
            }
        >
            <div class="field">
                <label for="crypto-offer">{t().crypto_what_for}</label>
                <select id="crypto-offer" data-testid="crypto-offer" on:change=choose_offer>
                    {offer_options}
                    <option value="" selected=move || form.with(|f| f.offer.is_empty())>
                        {t().crypto_another_amount}
                    </option>
                </select>
            </div>
            <div class="field-row">
                {text_input(StartField::Amount, t().amount, "text", "off", |f| f.amount.clone(), StartForm::type_amount)}
                <div class="field">
                    <label for="crypto-currency">{t().currency}</label>
                    <select
                        id="crypto-currency"
                        data-testid="crypto-currency"
                        on:change=move |ev| form.update(|f| f.currency = event_target_value(&ev))
                    >
                        {currency_options}
                    </select>
                </div>
            </div>
            {text_input(StartField::Description, t().crypto_description, "text", "off", |f| f.description.clone(), |f, v| f.description = v)}
            <fieldset class="customer">
                <legend>{t().crypto_buyer}</legend>
                {text_input(StartField::Email, t().email, "email", "email", |f| f.email.clone(), |f, v| f.email = v)}
                <div class="field-row">
                    {text_input(StartField::FirstName, t().first_name, "text", "given-name", |f| f.first_name.clone(), |f, v| f.first_name = v)}
                    {text_input(StartField::LastName, t().last_name, "text", "family-name", |f| f.last_name.clone(), |f, v| f.last_name = v)}
                </div>
            </fieldset>
            {move || failure.get().map(|error| {
                bidali_error(error, Some(submit), "crypto-create-error", false)
            })}
            <div class="actions">
                <button type="submit" class="button-primary" data-testid="crypto-submit" disabled=move || busy.get()>
                    {move || if busy.get() { t().getting_quotes } else { t().get_quotes }}
                </button>
            </div>
        </form>
    }
}
