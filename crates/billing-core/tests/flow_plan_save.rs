//! Saving a plan: the form is checked before sending, one request per
//! save, a refused field goes next to that field, a created plan opens its
//! page.

mod support;

use billing_core::api::Service;
use billing_core::api::{ApiError, OAuthErrorBody};
use billing_core::domain::locale::Locale;
use billing_core::domain::money::Cents;
use billing_core::domain::plan::{
    BillingCycle, Plan, PlanField, PlanFieldError, PlanForm, PlanId, PlanRef,
};
use billing_core::flow::plan_save::{
    plan_path, refused_field, toggled, Event, PlanSaveFlow, Request, SavePhase, Saved,
};
use billing_core::flow::{Effect, Env, Machine, ShellEffect};
use serde_json::json;
use support::{http, valid_plan_form};

fn plan() -> Plan {
    serde_json::from_value(json!({
        "id": 5001,
        "name": "Pro monthly",
        "code": "pro-monthly",
        "accountId": 2001,
        "amount": 1900,
        "taxAmount": 152,
        "billingCycleType": "M",
        "isActive": true
    }))
    .expect("a plan")
}

fn create(flow: &mut PlanSaveFlow, form: PlanForm, locale: Locale) -> Vec<Effect<Request, Event>> {
    flow.update(Event::Create { form, locale }, &Env::at(0))
}

fn answer(flow: &mut PlanSaveFlow, answer: Result<Plan, ApiError>) -> Vec<Effect<Request, Event>> {
    flow.update(Event::Answered(answer), &Env::at(0))
}

fn refusal(status: u16, description: &str) -> ApiError {
    ApiError::Http {
        service: Service::Billing,
        status,
        body: Some(OAuthErrorBody {
            error: "invalid_request".into(),
            error_description: Some(description.into()),
        }),
        snippet: None,
        retry_after_secs: None,
    }
}

#[test]
fn a_valid_new_plan_is_sent_once_with_its_amounts_in_cents() {
    let mut flow = PlanSaveFlow::default();
    let effects = create(&mut flow, valid_plan_form(), Locale::En);
    let [Effect::Send(Request::Create(new))] = effects.as_slice() else {
        panic!("one create, got {effects:?}");
    };
    assert_eq!(new.amount, Cents::new(1900));
    assert_eq!(new.tax_amount, Some(Cents::new(152)));
    assert_eq!(flow.phase(), &SavePhase::Saving(Saved::Created));
    assert_eq!(create(&mut flow, valid_plan_form(), Locale::En), vec![]);
}

#[test]
fn polish_amounts_are_read_with_a_decimal_comma() {
    let mut flow = PlanSaveFlow::default();
    let form = PlanForm {
        amount: "19,50".into(),
        ..valid_plan_form()
    };
    let effects = create(&mut flow, form, Locale::Pl);
    assert!(
        matches!(effects.as_slice(), [Effect::Send(Request::Create(new))] if new.amount == Cents::new(1950)),
        "{effects:?}"
    );
}

#[test]
fn every_wrong_field_is_named_at_once_and_nothing_is_sent() {
    let mut flow = PlanSaveFlow::default();
    let form = PlanForm {
        name: String::new(),
        amount: "-1".into(),
        ..valid_plan_form()
    };
    assert_eq!(create(&mut flow, form, Locale::En), vec![]);
    let SavePhase::Invalid(errors) = flow.phase() else {
        panic!("invalid, got {:?}", flow.phase());
    };
    let fields: Vec<_> = errors.fields().collect();
    assert!(fields.contains(&PlanField::Name), "{fields:?}");
    assert!(fields.contains(&PlanField::Amount), "{fields:?}");
    // Put right, the form is sent.
    assert_eq!(create(&mut flow, valid_plan_form(), Locale::En).len(), 1);
}

#[test]
fn a_created_plan_opens_its_page_saying_it_was_created() {
    let mut flow = PlanSaveFlow::default();
    create(&mut flow, valid_plan_form(), Locale::En);
    assert_eq!(
        answer(&mut flow, Ok(plan())),
        vec![Effect::Shell(ShellEffect::Navigate(
            "/plans/5001?saved=created".into()
        ))]
    );
    assert_eq!(
        flow.phase(),
        &SavePhase::Done {
            plan: Box::new(plan()),
            saved: Saved::Created
        }
    );
}

#[test]
fn a_changed_plan_is_saved_in_place() {
    let mut flow = PlanSaveFlow::default();
    let form = PlanForm {
        name: "Pro monthly plus".into(),
        ..PlanForm::from_plan(&plan())
    };
    let effects = flow.update(
        Event::Change {
            plan: Box::new(plan()),
            form,
            locale: Locale::En,
        },
        &Env::at(0),
    );
    let [Effect::Send(Request::Modify(PlanId(5001), changes))] = effects.as_slice() else {
        panic!("one modify, got {effects:?}");
    };
    assert_eq!(changes.name.as_str(), "Pro monthly plus");
    let saved = plan().with_changes(changes);
    assert_eq!(answer(&mut flow, Ok(saved.clone())), vec![]);
    assert_eq!(
        flow.phase(),
        &SavePhase::Done {
            plan: Box::new(saved),
            saved: Saved::Changed
        }
    );
}

#[test]
fn the_code_and_account_cannot_change_after_creation() {
    let mut flow = PlanSaveFlow::default();
    let form = PlanForm {
        code: "other".into(),
        ..PlanForm::from_plan(&plan())
    };
    let event = Event::Change {
        plan: Box::new(plan()),
        form,
        locale: Locale::En,
    };
    assert_eq!(flow.update(event, &Env::at(0)), vec![]);
    let SavePhase::Invalid(errors) = flow.phase() else {
        panic!("invalid, got {:?}", flow.phase());
    };
    assert_eq!(
        errors.for_field(PlanField::Code),
        Some(&PlanFieldError::Immutable)
    );
}

#[test]
fn switching_off_keeps_everything_else_as_the_server_sent_it() {
    let odd = Plan {
        billing_cycle_type: BillingCycle::from_code("Q2"),
        ..plan()
    };
    let changes = toggled(&odd).expect("a saveable name");
    assert!(!changes.is_active);
    assert_eq!(changes.amount, odd.amount);
    assert_eq!(changes.tax_amount, odd.tax_amount);
    assert_eq!(changes.billing_cycle_type, BillingCycle::from_code("Q2"));

    let mut flow = PlanSaveFlow::default();
    let effects = flow.update(Event::Toggle(Box::new(odd)), &Env::at(0));
    assert_eq!(
        effects,
        vec![Effect::Send(Request::Modify(PlanId(5001), changes))]
    );
    assert_eq!(flow.phase(), &SavePhase::Saving(Saved::Deactivated));
}

#[test]
fn a_plan_whose_name_cannot_be_saved_is_not_switched() {
    let mut flow = PlanSaveFlow::default();
    let unnamed = Plan {
        name: "  ".into(),
        ..plan()
    };
    assert_eq!(
        flow.update(Event::Toggle(Box::new(unnamed)), &Env::at(0)),
        vec![]
    );
    assert_eq!(
        flow.phase(),
        &SavePhase::NameUnsaveable(PlanFieldError::Required)
    );
}

#[test]
fn a_refusal_that_names_a_field_goes_next_to_it() {
    assert_eq!(
        refused_field(&refusal(422, "amount: cannot be negative")),
        Some((PlanField::Amount, "cannot be negative".into()))
    );
    assert_eq!(
        refused_field(&refusal(400, "taxAmount : too large")),
        Some((PlanField::TaxAmount, "too large".into()))
    );
    assert_eq!(
        refused_field(&ApiError::Validation {
            field: "billingCycleType".into(),
            message: "is required".into()
        }),
        Some((PlanField::BillingCycleType, "is required".into()))
    );

    let mut flow = PlanSaveFlow::default();
    create(&mut flow, valid_plan_form(), Locale::En);
    answer(&mut flow, Err(refusal(422, "amount: cannot be negative")));
    assert_eq!(
        flow.phase(),
        &SavePhase::FieldRefused {
            field: PlanField::Amount,
            problem: "cannot be negative".into()
        }
    );
}

#[test]
fn a_refusal_naming_no_known_field_is_a_plain_failure() {
    for error in [
        refusal(422, "colour: not a field"),
        refusal(409, "amount: conflict"),
        refusal(400, "no field named"),
        http(500),
        ApiError::Timeout {
            service: Service::Billing,
        },
    ] {
        assert_eq!(refused_field(&error), None, "{error:?}");
        let mut flow = PlanSaveFlow::default();
        create(&mut flow, valid_plan_form(), Locale::En);
        assert_eq!(answer(&mut flow, Err(error.clone())), vec![]);
        assert_eq!(flow.phase(), &SavePhase::Failed(error.clone()));
        // Sending again retries.
        assert_eq!(create(&mut flow, valid_plan_form(), Locale::En).len(), 1);
    }
}

#[test]
fn nothing_else_is_sent_while_a_save_is_in_flight() {
    let mut flow = PlanSaveFlow::default();
    flow.update(Event::Toggle(Box::new(plan())), &Env::at(0));
    assert_eq!(
        flow.update(Event::Toggle(Box::new(plan())), &Env::at(0)),
        vec![]
    );
    assert_eq!(create(&mut flow, valid_plan_form(), Locale::En), vec![]);
    assert_eq!(flow.phase(), &SavePhase::Saving(Saved::Deactivated));
}

#[test]
fn an_answer_nobody_waits_for_changes_nothing() {
    let mut flow = PlanSaveFlow::default();
    assert_eq!(answer(&mut flow, Ok(plan())), vec![]);
    assert_eq!(flow.phase(), &SavePhase::Editing);
}

#[test]
fn plan_pages_are_addressed_by_id_or_code() {
    assert_eq!(plan_path(&PlanRef::Id(PlanId(5001))), "/plans/5001");
    let code = billing_core::domain::plan::PlanCode::parse("starter-monthly").expect("a code");
    assert_eq!(plan_path(&PlanRef::Code(code)), "/plans/*starter-monthly");
}
