//! The developer's ledger and balance (needs the `ledger_read` scope).

use leptos::prelude::*;

use crate::api::livechat::{BillingApi, LedgerEntry};
use crate::api::Endpoint;
use crate::domain::charge::LedgerEntryType;
use crate::domain::money::Cents;
use crate::domain::oauth::{AccessToken, Scope};
use crate::i18n::{locale, t};
use crate::ui::auth::{Auth, SignInStatus};
use crate::ui::components::{
    money, status_list, time_view, ErrorNotice, ListQuery, ListSpec, LoadError, PageHeader,
    RequireScope, RequireSignIn, SignedInLoader,
};
use crate::ui::services::Services;
use crate::ui::shell::Loading;

const LEDGER_SCOPE: &str = "ledger_read";

const LEDGER: ListSpec<LedgerEntry> = ListSpec {
    base: "/ledger",
    texts: |m| &m.ledger_entries,
    filters: &[],
    filter_label: |_| "",
    request: ledger_request,
    row: ledger_row,
};

/// The amount with the sign its type gives it: `+$12.00` for a collection,
/// `-$5.00` for a refund or withdrawal; an unknown type as sent.
fn signed_amount(entry_type: &LedgerEntryType, value: Cents, currency: &str) -> String {
    let signed = entry_type
        .balance_sign()
        .and_then(|sign| value.get().checked_abs().map(|abs| (sign, abs)))
        .map(|(sign, abs)| Cents::new(if sign < 0 { -abs } else { abs }));
    match signed {
        Some(amount) if amount.get() > 0 => format!("+{}", money(amount, currency)),
        Some(amount) => money(amount, currency),
        None => money(value, currency),
    }
}

fn type_label(entry_type: &LedgerEntryType) -> String {
    match entry_type {
        LedgerEntryType::Unknown(raw) => {
            let shown: String = raw.chars().filter(|c| !c.is_control()).take(40).collect();
            (t().other_type)(&shown)
        }
        known => known.label_in(locale()).to_owned(),
    }
}

fn direction(entry_type: &LedgerEntryType) -> &'static str {
    match entry_type.balance_sign() {
        Some(sign) if sign > 0 => "credit",
        Some(_) => "debit",
        None => "other",
    }
}

fn ledger_row(entry: LedgerEntry, currency: &str) -> AnyView {
    let amount = signed_amount(&entry.entry_type, entry.value, currency);
    view! {
        <li
            class="card list-row ledger-row"
            data-testid="ledger-row"
            data-type=entry.entry_type.as_str().to_owned()
        >
            <div class="list-row-main">
                <span class="list-row-name" data-testid="ledger-name">{entry.name.clone()}</span>
                <strong
                    class=format!("ledger-amount is-{}", direction(&entry.entry_type))
                    data-testid="ledger-amount"
                >
                    {amount}
                </strong>
            </div>
            <div class="list-row-meta">
                <span class="badge" data-testid="ledger-type">{type_label(&entry.entry_type)}</span>
                <span class="terms">{time_view(&entry.created_at)}</span>
            </div>
        </li>
    }
    .into_any()
}

#[component]
pub fn Ledger() -> impl IntoView {
    view! {
        <div data-testid="page-ledger">
            <PageHeader title=t().ledger_title lead=t().ledger_lead/>
            <RequireSignIn purpose=t().ledger_entries.purpose>
                <LedgerGate/>
            </RequireSignIn>
        </div>
    }
}

/// Without `ledger_read` in the token nothing is sent: the page says which
/// permission is missing and who can grant it.
#[component]
fn LedgerGate() -> impl IntoView {
    let auth = expect_context::<Auth>();
    let allowed = Memo::new(move |_| match auth.status() {
        SignInStatus::SignedIn(token) => token.has_scope(&Scope::LedgerRead),
        _ => false,
    });
    view! {
        <RequireScope scope=LEDGER_SCOPE allowed>
            <LedgerContent/>
        </RequireScope>
    }
}

#[component]
fn LedgerContent() -> impl IntoView {
    let loader = SignedInLoader::from_context();
    let currency = expect_context::<Services>().currency.clone();
    let balance = LocalResource::new(move || loader.load(|api, token| api.get_balance(token)));
    // A 403 naming the scope is shown once, instead of the whole page.
    let scope_refused = move || {
        balance.with(|loaded| {
            matches!(loaded, Some(Err(LoadError::Api(error))) if error.missing_scope().is_some())
        })
    };
    view! {
        <section class="card balance-card" aria-labelledby="balance-heading">
            <h2 id="balance-heading">{t().balance}</h2>
            <Transition fallback=|| view! { <Loading label=t().loading_balance/> }>
                {move || {
                    let currency = currency.clone();
                    balance.get().map(move |loaded| match loaded {
                        Ok(balance) => view! {
                            <p class="balance" data-testid="balance">
                                {money(balance.balance, &currency)}
                            </p>
                        }
                        .into_any(),
                        Err(LoadError::Api(error)) if error.missing_scope().is_some() => {
                            view! { <p class="hint">{t().ledger_not_available}</p> }
                                .into_any()
                        }
                        Err(LoadError::Api(error)) => view! {
                            <ErrorNotice
                                error
                                retry=Callback::new(move |_| balance.refetch())
                                testid="balance-error"
                                reading=true
                            />
                        }
                        .into_any(),
                        Err(LoadError::SignedOut) => ().into_any(),
                    })
                }}
            </Transition>
        </section>
        <RequireScope scope=LEDGER_SCOPE allowed=Signal::derive(move || !scope_refused())>
            <LedgerEntries/>
        </RequireScope>
    }
}

fn ledger_request(
    api: &BillingApi,
    token: &AccessToken,
    q: &ListQuery,
) -> Endpoint<Vec<LedgerEntry>> {
    api.get_ledger(token, Some(q.page))
}

/// The entries, 20 a page, newest first; the page lives in the address.
#[component]
fn LedgerEntries() -> impl IntoView {
    view! {
        <div class="ledger-entries">
            <h2 class="list-heading">{t().ledger_entries_heading}</h2>
            {status_list(LEDGER)}
        </div>
    }
}
