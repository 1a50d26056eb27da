//! One plan's page: its details, switching it on or off, and the form that
//! changes it.

use leptos::ev::SubmitEvent;
use leptos::prelude::*;
use leptos_router::hooks::{use_params_map, use_query_map};

use super::form::{errors_summary, field_messages, plan_fields, server_field_error, FormState};
use super::{
    active_badge, created_text, cycle_text, parse_plan_ref, plan_page, tax_text, unavailable,
    Client, BASE,
};
use crate::api::ApiError;
use crate::domain::plan::{
    BillingCycle, Plan, PlanChanges, PlanField, PlanForm, PlanId, PlanName, PlanRef,
};
use crate::i18n::{locale, t};
use crate::ui::components::{detail_problem, money, ErrorNotice};
use crate::ui::services::Services;
use crate::ui::shell::Loading;
use crate::web::dom;

#[component]
pub fn PlanDetail() -> impl IntoView {
    let services = expect_context::<Services>();
    let params = use_params_map();
    let reference =
        Memo::new(move |_| params.with(|p| parse_plan_ref(p.get_str("id").unwrap_or_default())));
    let body = match services.plans_client() {
        Ok(client) => {
            let currency = services.currency.clone();
            (move || match reference.get() {
                Err(problem) => detail_problem(
                    "invalid-id",
                    t().not_a_plan_address,
                    problem,
                    BASE,
                    t().back_to_plans,
                )
                .into_any(),
                Ok(reference) => view! {
                    <PlanLoaded client=client.clone() reference currency=currency.clone()/>
                }
                .into_any(),
            })
            .into_any()
        }
        Err(reason) => unavailable(reason).into_any(),
    };
    plan_page("page-plan-detail", t().plan_title, t().plan_lead, body)
}

/// What the last change did, announced above the plan.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum SavedNote {
    Created,
    Saved,
    Activated,
    Deactivated,
}

impl SavedNote {
    fn text(self) -> &'static str {
        match self {
            SavedNote::Created => t().plan_created,
            SavedNote::Saved => t().plan_saved,
            SavedNote::Activated => t().plan_activated,
            SavedNote::Deactivated => t().plan_deactivated,
        }
    }
}

#[component]
fn PlanLoaded(client: Client, reference: PlanRef, currency: String) -> impl IntoView {
    let query = use_query_map();
    let created = query.with_untracked(|q| q.get_str("saved") == Some("created"));
    let saved = RwSignal::new(created.then_some(SavedNote::Created));
    let resource = LocalResource::new({
        let client = client.clone();
        move || {
            let client = client.clone();
            let reference = reference.clone();
            async move { client.send(client.api().load_plan(&reference)).await }
        }
    });
    let busy = RwSignal::new(false);
    let save_error = RwSignal::new(None::<ApiError>);
    let field_problem = RwSignal::new(None::<(PlanField, String)>);
    let draft = RwSignal::new(None::<PlanForm>);
    let modify = Action::new_local(
        move |(id, changes, note): &(PlanId, PlanChanges, SavedNote)| {
            let client = client.clone();
            let id = *id;
            let changes = changes.clone();
            let note = *note;
            async move {
                let result = client
                    .send(client.api().modify_plan(&PlanRef::Id(id), &changes))
                    .await;
                busy.try_set(false);
                if result.is_err() {
                    // The card stays: its form still holds what was typed.
                    draft.try_set(None);
                }
                match result {
                    Ok(plan) => {
                        save_error.try_set(None);
                        saved.try_set(Some(note));
                        resource.set(Some(Ok(plan)));
                    }
                    Err(error) => match server_field_error(&error) {
                        Some(problem) => {
                            field_problem.try_set(Some(problem));
                        }
                        None => {
                            save_error.try_set(Some(error));
                        }
                    },
                }
            }
        },
    );
    let send = Callback::new(move |input: (PlanId, PlanChanges, SavedNote)| {
        if busy.get_untracked() {
            return;
        }
        busy.set(true);
        saved.set(None);
        save_error.set(None);
        modify.dispatch(input);
    });
    let ctx = EditContext {
        send,
        busy,
        save_error,
        field_problem,
        draft,
    };
    view! {
        <div class="plan-notes" role="status" aria-live="polite">
            {move || saved.get().map(|note| view! {
                <p class="notice notice-success" data-testid="plan-saved">{note.text()}</p>
            })}
        </div>
        <Transition fallback=|| view! { <Loading label=t().loading_plan/> }>
            {move || {
                let currency = currency.clone();
                resource.get().map(move |loaded| match loaded {
                    Ok(plan) => view! { <PlanCard plan currency ctx/> }.into_any(),
                    Err(error) if error.status() == Some(404) => detail_problem(
                        "not-found",
                        t().plan_not_found,
                        t().no_such_plan.to_owned(),
                        BASE,
                        t().back_to_plans,
                    )
                    .into_any(),
                    Err(error) => view! {
                        <ErrorNotice error retry=Callback::new(move |_| resource.refetch()) reading=true/>
                    }
                    .into_any(),
                })
            }}
        </Transition>
    }
}

/// What the plan card needs from the page that loaded it.
#[derive(Clone, Copy)]
struct EditContext {
    send: Callback<(PlanId, PlanChanges, SavedNote)>,
    busy: RwSignal<bool>,
    save_error: RwSignal<Option<ApiError>>,
    /// A field the server refused; moved into the form's errors.
    field_problem: RwSignal<Option<(PlanField, String)>>,
    /// Unsaved edits carried over when activating or deactivating redraws
    /// the card.
    draft: RwSignal<Option<PlanForm>>,
}

#[component]
fn PlanCard(plan: Plan, currency: String, ctx: EditContext) -> impl IntoView {
    let saved_form = PlanForm::from_plan_in(&plan, locale());
    let form = match ctx.draft.try_update(Option::take).flatten() {
        Some(draft) => PlanForm {
            is_active: plan.is_active,
            ..draft
        },
        None => saved_form,
    };
    let state = FormState::new(form);
    Effect::new(move |_| {
        if let Some(problem) = ctx.field_problem.get() {
            ctx.field_problem.set(None);
            state.show(vec![problem]);
        }
    });
    let unknown_cycle = match &plan.billing_cycle_type {
        BillingCycle::Other(code) => Some(code.clone()),
        _ => None,
    };
    let total = plan
        .total_per_cycle()
        .map(|t| money(t, &currency))
        .unwrap_or_else(|| t().too_large.to_owned());
    let toggle_problem = RwSignal::new(None::<String>);
    let toggle = {
        let plan = plan.clone();
        move |_| {
            // The detail is drawn anew with the saved plan.
            dom::keep_focus_here();
            let name = match PlanName::parse(&plan.name) {
                Ok(name) => name,
                Err(error) => {
                    toggle_problem.set(Some((t().plan_name_unsaveable)(
                        &error.problem_in(locale()),
                    )));
                    return;
                }
            };
            toggle_problem.set(None);
            // What was typed but not saved stays in the form.
            let typed = state.form.get_untracked();
            let unsaved = typed != PlanForm::from_plan_in(&plan, locale());
            ctx.draft.set(unsaved.then_some(typed));
            let is_active = !plan.is_active;
            let changes = PlanChanges {
                name,
                amount: plan.amount,
                tax_amount: plan.tax_amount,
                // The code as the server sent it, known or not.
                billing_cycle_type: plan.billing_cycle_type.clone(),
                is_active,
            };
            let note = if is_active {
                SavedNote::Activated
            } else {
                SavedNote::Deactivated
            };
            ctx.send.run((plan.id, changes, note));
        }
    };
    let submit = {
        let plan = plan.clone();
        move || {
            if ctx.busy.get_untracked() {
                return;
            }
            match state
                .form
                .with_untracked(|f| f.with_decimal_dots(locale()).validate_changes(&plan))
            {
                Err(errors) => state.show(field_messages(&errors)),
                Ok(changes) => {
                    state.errors.set(Vec::new());
                    ctx.draft.set(None);
                    ctx.send.run((plan.id, changes, SavedNote::Saved));
                }
            }
        }
    };
    let retry = {
        let submit = submit.clone();
        Callback::new(move |_| submit())
    };
    let (toggle_label, toggle_class) = if plan.is_active {
        (t().deactivate_plan, "button-secondary")
    } else {
        (t().activate_plan, "button-primary")
    };
    view! {
        <section
            class="card detail-card plan-detail"
            data-testid="plan-detail"
            data-id=plan.id.to_string()
            data-cycle=plan.billing_cycle_type.code().to_owned()
            data-active=plan.is_active.to_string()
        >
            <div class="detail-head">
                <h2 data-testid="plan-detail-name">{plan.name.clone()}</h2>
                {active_badge(plan.is_active)}
            </div>
            <dl class="details">
                <dt>{t().plan_id}</dt>
                <dd data-testid="plan-detail-id">{plan.id.to_string()}</dd>
                <dt>{t().plan_code}</dt>
                <dd data-testid="plan-detail-code">
                    {plan.code.clone().unwrap_or_else(|| "—".to_owned())}
                </dd>
                <dt>{t().account_id}</dt>
                <dd data-testid="plan-detail-account">{plan.account_id.to_string()}</dd>
                <dt>{t().amount}</dt>
                <dd data-testid="plan-detail-amount">{money(plan.amount, &currency)}</dd>
                <dt>{t().tax}</dt>
                <dd data-testid="plan-detail-tax">{tax_text(plan.tax_amount, &currency)}</dd>
                <dt>{t().total_per_cycle}</dt>
                <dd data-testid="plan-detail-total">{total}</dd>
                <dt>{t().billing_cycle}</dt>
                <dd data-testid="plan-detail-cycle">{cycle_text(&plan.billing_cycle_type)}</dd>
                <dt>{t().created}</dt>
                <dd data-testid="plan-detail-created">
                    {created_text(&plan)}
                </dd>
            </dl>
            <div class="actions">
                <button
                    type="button"
                    class=toggle_class
                    data-testid="plan-toggle-active"
                    disabled=move || ctx.busy.get()
                    on:click=toggle
                >
                    {toggle_label}
                </button>
            </div>
            {move || toggle_problem.get().map(|problem| view! {
                <p class="field-error" role="alert" data-testid="plan-toggle-problem">{problem}</p>
            })}
        </section>
        <form
            class="card plan-form"
            data-testid="plan-form"
            data-mode="edit"
            aria-labelledby="plan-edit-heading"
            novalidate=true
            aria-busy=move || ctx.busy.get().then_some("true")
            on:submit=move |ev: SubmitEvent| {
                ev.prevent_default();
                // Saved, the plan's page is drawn anew.
                dom::keep_focus_here();
                submit();
            }
        >
            <h2 id="plan-edit-heading">{t().change_plan}</h2>
            {errors_summary(state)}
            {plan_fields(state, false, &currency, unknown_cycle)}
            {move || ctx.save_error.get().map(|error| view! {
                <ErrorNotice error retry=retry testid="plan-save-error"/>
            })}
            <div class="actions">
                <button
                    type="submit"
                    class="button-primary"
                    data-testid="plan-submit"
                    disabled=move || ctx.busy.get()
                >
                    {move || if ctx.busy.get() { t().saving } else { t().save_changes }}
                </button>
            </div>
        </form>
    }
}
