//! One plan's page: its details, switching it on or off, and the form that
//! changes it.

use leptos::ev::SubmitEvent;
use leptos::prelude::*;
use leptos_router::hooks::{use_params_map, use_query_map};

use super::form::{errors_summary, field_messages, plan_fields, refused_message, FormState};
use super::{
    active_badge, created_text, cycle_text, parse_plan_ref, plan_page, save_runner, tax_text,
    unavailable, BASE,
};
use crate::api::plans::PlansApi;
use crate::domain::plan::{BillingCycle, Plan, PlanForm, PlanRef};
use crate::flow::plan_save::{Event, SavePhase, Saved};
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
    let body = match services.plans() {
        Ok(api) => {
            let api = api.clone();
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
                    <PlanLoaded api=api.clone() reference currency=currency.clone()/>
                }
                .into_any(),
            })
            .into_any()
        }
        Err(reason) => unavailable(reason).into_any(),
    };
    plan_page("page-plan-detail", t().plan_title, t().plan_lead, body)
}

/// What the last save did, announced above the plan.
fn saved_text(saved: Saved) -> &'static str {
    match saved {
        Saved::Created => t().plan_created,
        Saved::Changed => t().plan_saved,
        Saved::Activated => t().plan_activated,
        Saved::Deactivated => t().plan_deactivated,
    }
}

#[component]
fn PlanLoaded(api: PlansApi, reference: PlanRef, currency: String) -> impl IntoView {
    let services = expect_context::<Services>();
    let query = use_query_map();
    let created = query.with_untracked(|q| q.get_str("saved") == Some("created"));
    let saved = RwSignal::new(created.then_some(Saved::Created));
    let resource = LocalResource::new({
        let load = api.load_plan(&reference);
        move || {
            let (services, load) = (services.clone(), load.clone());
            async move { services.send(load).await }
        }
    });
    let phase = RwSignal::new(SavePhase::Editing);
    let runner = save_runner(&api, phase, None);
    let draft = RwSignal::new(None::<PlanForm>);
    Effect::new(move |_| {
        phase.with(|phase| match phase {
            SavePhase::Saving(_) => saved.set(None),
            SavePhase::Done { plan, saved: what } => {
                saved.set(Some(*what));
                resource.set(Some(Ok((**plan).clone())));
            }
            // The card stays: its form still holds what was typed.
            SavePhase::Failed(_)
            | SavePhase::FieldRefused { .. }
            | SavePhase::NameUnsaveable(_) => draft.set(None),
            SavePhase::Editing | SavePhase::Invalid(_) => {}
        });
    });
    let ctx = EditContext {
        send: Callback::new(move |event: Event| {
            runner.with_value(|runner| runner.dispatch(event));
        }),
        phase,
        draft,
    };
    view! {
        <div class="plan-notes" role="status" aria-live="polite">
            {move || saved.get().map(|what| view! {
                <p class="notice notice-success" data-testid="plan-saved">{saved_text(what)}</p>
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
    /// Sends a save to the page's flow.
    send: Callback<Event>,
    phase: RwSignal<SavePhase>,
    /// Unsaved edits carried over when activating or deactivating redraws
    /// the card.
    draft: RwSignal<Option<PlanForm>>,
}

impl EditContext {
    fn busy(&self) -> bool {
        self.phase
            .with(|phase| matches!(phase, SavePhase::Saving(_)))
    }
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
    // The problems the flow found go next to their fields.
    Effect::new(move |_| {
        ctx.phase.with(|phase| match phase {
            SavePhase::Invalid(errors) => state.show(field_messages(errors)),
            SavePhase::FieldRefused { field, problem } => {
                state.show(vec![refused_message(*field, problem)]);
            }
            SavePhase::Saving(_) => state.errors.set(Vec::new()),
            _ => {}
        });
    });
    let unknown_cycle = match &plan.billing_cycle_type {
        BillingCycle::Other(code) => Some(code.clone()),
        _ => None,
    };
    let total = plan
        .total_per_cycle()
        .map(|t| money(t, &currency))
        .unwrap_or_else(|| t().too_large.to_owned());
    let toggle_problem = move || {
        ctx.phase.with(|phase| match phase {
            SavePhase::NameUnsaveable(error) => {
                Some((t().plan_name_unsaveable)(&error.problem_in(locale())))
            }
            _ => None,
        })
    };
    let toggle = {
        let plan = plan.clone();
        move |_| {
            if ctx.busy() {
                return;
            }
            // The detail is drawn anew with the saved plan.
            dom::keep_focus_here();
            // What was typed but not saved stays in the form.
            let typed = state.form.get_untracked();
            let unsaved = typed != PlanForm::from_plan_in(&plan, locale());
            ctx.draft.set(unsaved.then_some(typed));
            ctx.send.run(Event::Toggle(Box::new(plan.clone())));
        }
    };
    let submit = {
        let plan = plan.clone();
        move || {
            if ctx.busy() {
                return;
            }
            ctx.draft.set(None);
            ctx.send.run(Event::Change {
                plan: Box::new(plan.clone()),
                form: state.form.get_untracked(),
                locale: locale(),
            });
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
                    disabled=move || ctx.busy()
                    on:click=toggle
                >
                    {toggle_label}
                </button>
            </div>
            {move || toggle_problem().map(|problem| view! {
                <p class="field-error" role="alert" data-testid="plan-toggle-problem">{problem}</p>
            })}
        </section>
        <form
            class="card plan-form"
            data-testid="plan-form"
            data-mode="edit"
            aria-labelledby="plan-edit-heading"
            novalidate=true
            aria-busy=move || ctx.busy().then_some("true")
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
            {move || ctx.phase.with(|phase| match phase {
                SavePhase::Failed(error) => Some(error.clone()),
                _ => None,
            }).map(|error| view! {
                <ErrorNotice error retry=retry testid="plan-save-error"/>
            })}
            <div class="actions">
                <button
                    type="submit"
                    class="button-primary"
                    data-testid="plan-submit"
                    disabled=move || ctx.busy()
                >
                    {move || if ctx.busy() { t().saving } else { t().save_changes }}
                </button>
            </div>
        </form>
    }
}
