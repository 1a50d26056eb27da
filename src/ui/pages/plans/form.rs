//! The plan form, for creating a plan and changing one: its fields with
//! their hints and errors (the core's and the server's), and the page that
//! creates a plan.

use leptos::ev::SubmitEvent;
use leptos::prelude::*;

use super::{focus_by_id, plan_page, save_runner, unavailable, BASE};
use crate::api::plans::PlansApi;
use crate::domain::plan::{BillingCycle, PlanField, PlanForm, PlanValidationErrors};
use crate::flow::plan_save::{Event, SavePhase};
use crate::i18n::{locale, t, Locale};
use crate::ui::components::{router_navigate, shown_clipped, shown_raw, ErrorNotice};
use crate::ui::services::Services;

/// The longest server problem shown next to a field.
const MAX_PROBLEM: usize = 200;

/// A field the server refused, with its problem in a sentence, for the
/// form's errors.
pub(super) fn refused_message(field: PlanField, problem: &str) -> (PlanField, String) {
    (field, sentence(field, problem))
}

/// "Amount cannot be negative."
fn sentence(field: PlanField, problem: &str) -> String {
    let problem = problem.trim().trim_end_matches('.');
    match locale() {
        Locale::En => format!("{} {}.", field.label(), shown_clipped(problem, MAX_PROBLEM)),
        other => format!(
            "{}: {}.",
            field.label_in(other),
            shown_clipped(problem, MAX_PROBLEM)
        ),
    }
}

pub(super) fn field_messages(errors: &PlanValidationErrors) -> Vec<(PlanField, String)> {
    errors
        .0
        .iter()
        .map(|e| (e.field, e.error.sentence_in(e.field, locale())))
        .collect()
}

/// The input's id, also its test id.
const fn field_id(field: PlanField) -> &'static str {
    match field {
        PlanField::Name => "plan-field-name",
        PlanField::Code => "plan-field-code",
        PlanField::AccountId => "plan-field-account",
        PlanField::Amount => "plan-field-amount",
        PlanField::TaxAmount => "plan-field-tax",
        PlanField::BillingCycleType => "plan-field-cycle",
        PlanField::IsActive => "plan-field-active",
    }
}

// ---------------------------------------------------------------------------
// The plan form, for creating and changing
// ---------------------------------------------------------------------------

/// The form as typed and the problems found, per field.
#[derive(Clone, Copy)]
pub(super) struct FormState {
    pub(super) form: RwSignal<PlanForm>,
    pub(super) errors: RwSignal<Vec<(PlanField, String)>>,
}

impl FormState {
    pub(super) fn new(form: PlanForm) -> Self {
        Self {
            form: RwSignal::new(form),
            errors: RwSignal::new(Vec::new()),
        }
    }

    fn error(&self, field: PlanField) -> Option<String> {
        self.errors.with(|errors| {
            errors
                .iter()
                .find(|(f, _)| *f == field)
                .map(|(_, m)| m.clone())
        })
    }

    fn clear(&self, field: PlanField) {
        self.errors
            .update(|errors| errors.retain(|(f, _)| *f != field));
    }

    /// Shows the problems and puts the focus on the first field at fault.
    pub(super) fn show(&self, errors: Vec<(PlanField, String)>) {
        let first = errors.first().map(|(f, _)| *f);
        self.errors.set(errors);
        if let Some(field) = first {
            focus_by_id(field_id(field));
        }
    }
}

/// A text input with its label, hint and error. `read_only` for what
/// cannot change after creation.
fn text_field(
    state: FormState,
    field: PlanField,
    hint: String,
    input_mode: &'static str,
    read_only: bool,
    get: fn(&PlanForm) -> String,
    set: fn(&mut PlanForm, String),
) -> impl IntoView {
    let id = field_id(field);
    let hint_id = format!("{id}-hint");
    let error_id = format!("{id}-error");
    let described = {
        let hint_id = hint_id.clone();
        let error_id = error_id.clone();
        move || {
            if state.error(field).is_some() {
                format!("{hint_id} {error_id}")
            } else {
                hint_id.clone()
            }
        }
    };
    view! {
        <div class="plan-field" data-field=field.api_name()>
            <label for=id>{field.label_in(locale())}</label>
            <input
                id=id
                type="text"
                inputmode=input_mode
                autocomplete="off"
                data-testid=id
                readonly=read_only
                aria-readonly=read_only.then_some("true")
                aria-invalid=move || state.error(field).is_some().then_some("true")
                aria-describedby=described
                prop:value=move || state.form.with(get)
                on:input=move |ev| {
                    let value = event_target_value(&ev);
                    state.form.update(|form| set(form, value));
                    state.clear(field);
                }
            />
            <p class="plan-hint" id=hint_id>{hint}</p>
            {move || state.error(field).map(|message| view! {
                <p class="field-error" id=error_id.clone() data-testid=format!("{id}-error")>
                    {message}
                </p>
            })}
        </div>
    }
}

/// The billing cycle: the known codes, plus the plan's own code when this
/// page does not know it, kept as it is.
fn cycle_field(state: FormState, unknown: Option<String>) -> impl IntoView {
    let field = PlanField::BillingCycleType;
    let id = field_id(field);
    let error_id = format!("{id}-error");
    let selected = move |code: &str| state.form.with(|f| f.billing_cycle.trim() == code);
    let known = BillingCycle::KNOWN
        .iter()
        .map(|cycle| {
            let code = cycle.code().to_owned();
            let label = format!("{} ({})", cycle.label_in(locale()), cycle.code());
            let value = code.clone();
            view! {
                <option value=value prop:selected=move || selected(&code)>{label}</option>
            }
        })
        .collect_view();
    let other = unknown.map(|code| {
        let label = (t().code_unknown)(&shown_raw(&code));
        let value = code.clone();
        view! { <option value=value prop:selected=move || selected(&code)>{label}</option> }
    });
    view! {
        <div class="plan-field" data-field=field.api_name()>
            <label for=id>{field.label_in(locale())}</label>
            <select
                id=id
                data-testid=id
                aria-invalid=move || state.error(field).is_some().then_some("true")
                aria-describedby=move || state.error(field).is_some().then(|| error_id.clone())
                on:change=move |ev| {
                    let value = event_target_value(&ev);
                    state.form.update(|form| form.billing_cycle = value);
                    state.clear(field);
                }
            >
                {other}
                {known}
            </select>
            {move || state.error(field).map(|message| view! {
                <p class="field-error" id=format!("{id}-error") data-testid=format!("{id}-error")>
                    {message}
                </p>
            })}
        </div>
    }
}

fn active_field(state: FormState) -> impl IntoView {
    let id = field_id(PlanField::IsActive);
    view! {
        <div class="plan-field plan-check">
            <input
                id=id
                type="checkbox"
                data-testid=id
                prop:checked=move || state.form.with(|f| f.is_active)
                on:change=move |ev| {
                    let checked = event_target_checked(&ev);
                    state.form.update(|form| form.is_active = checked);
                }
            />
            <label for=id>{t().plan_active_field}</label>
        </div>
    }
}

/// The fields of the form; code and account only editable at creation.
pub(super) fn plan_fields(
    state: FormState,
    creating: bool,
    currency: &str,
    unknown_cycle: Option<String>,
) -> impl IntoView {
    let fixed = t().plan_fixed_hint.to_owned();
    view! {
        {text_field(
            state,
            PlanField::Name,
            t().plan_name_hint.to_owned(),
            "text",
            false,
            |f| f.name.clone(),
            |f, v| f.name = v,
        )}
        {text_field(
            state,
            PlanField::Amount,
            (t().plan_amount_hint)(currency),
            "decimal",
            false,
            |f| f.amount.clone(),
            |f, v| f.amount = v,
        )}
        {text_field(
            state,
            PlanField::TaxAmount,
            (t().plan_tax_hint)(currency),
            "decimal",
            false,
            |f| f.tax_amount.clone(),
            |f, v| f.tax_amount = v,
        )}
        {cycle_field(state, unknown_cycle)}
        {text_field(
            state,
            PlanField::Code,
            if creating {
                t().plan_code_hint.to_owned()
            } else {
                fixed.clone()
            },
            "text",
            !creating,
            |f| f.code.clone(),
            |f, v| f.code = v,
        )}
        {text_field(
            state,
            PlanField::AccountId,
            if creating {
                t().plan_account_hint.to_owned()
            } else {
                fixed
            },
            "numeric",
            !creating,
            |f| f.account_id.clone(),
            |f, v| f.account_id = v,
        )}
        {active_field(state)}
    }
}

/// "Check the 2 fields marked below", announced, above the form.
pub(super) fn errors_summary(state: FormState) -> impl IntoView {
    move || {
        let count = state.errors.with(Vec::len);
        (count > 0).then(|| {
            let text = (t().check_fields)(count);
            view! {
                <p class="notice notice-error" role="alert" data-testid="plan-form-errors">{text}</p>
            }
        })
    }
}

// ---------------------------------------------------------------------------
// Creating
// ---------------------------------------------------------------------------

#[component]
pub fn PlanCreate() -> impl IntoView {
    let services = expect_context::<Services>();
    let body = match services.plans() {
        Ok(api) => {
            view! { <CreateForm api=api.clone() currency=services.currency.clone()/> }.into_any()
        }
        Err(reason) => unavailable(reason).into_any(),
    };
    plan_page("page-plan-new", t().new_plan_title, t().new_plan_lead, body)
}

#[component]
fn CreateForm(api: PlansApi, currency: String) -> impl IntoView {
    let state = FormState::new(PlanForm {
        billing_cycle: BillingCycle::Monthly.code().to_owned(),
        is_active: true,
        ..PlanForm::default()
    });
    let phase = RwSignal::new(SavePhase::Editing);
    let runner = save_runner(&api, phase, Some(router_navigate()));
    // The problems the flow found go next to their fields.
    Effect::new(move |_| {
        phase.with(|phase| match phase {
            SavePhase::Invalid(errors) => state.show(field_messages(errors)),
            SavePhase::FieldRefused { field, problem } => {
                state.show(vec![refused_message(*field, problem)]);
            }
            SavePhase::Saving(_) => state.errors.set(Vec::new()),
            _ => {}
        });
    });
    let busy = move || phase.with(|phase| matches!(phase, SavePhase::Saving(_)));
    let server_error = move || {
        phase.with(|phase| match phase {
            SavePhase::Failed(error) => Some(error.clone()),
            _ => None,
        })
    };
    let submit = move || {
        let form = state.form.get_untracked();
        runner.with_value(|runner| {
            runner.dispatch(Event::Create {
                form,
                locale: locale(),
            })
        });
    };
    view! {
        <form
            class="card plan-form"
            data-testid="plan-form"
            data-mode="create"
            aria-label=t().new_plan
            novalidate=true
            aria-busy=move || busy().then_some("true")
            on:submit=move |ev: SubmitEvent| {
                ev.prevent_default();
                submit();
            }
        >
            {errors_summary(state)}
            {plan_fields(state, true, &currency, None)}
            {move || server_error().map(|error| view! {
                <ErrorNotice error retry=Callback::new(move |_| submit()) testid="plan-save-error"/>
            })}
            <div class="actions">
                <button
                    type="submit"
                    class="button-primary"
                    data-testid="plan-submit"
                    disabled=busy
                >
                    {move || if busy() { t().creating } else { t().create_plan }}
                </button>
                <a class="button-link" href=BASE>{t().cancel_form}</a>
            </div>
        </form>
    }
}
