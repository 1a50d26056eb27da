//! Recurring billing plans: the gateway's plan, its create and modify
//! bodies, and the plan form's validation.

mod support;

use billing_core::domain::locale::Locale;
use billing_core::domain::money::{Cents, MoneyInputError, DEFAULT_MAX_CENTS};
use billing_core::domain::plan::{
    AccountId, BillingCycle, NewPlan, Plan, PlanChanges, PlanCode, PlanDateTime, PlanField,
    PlanFieldError, PlanForm, PlanId, PlanName, PlanRef,
};
use serde_json::json;
use support::valid_plan_form;

/// A `load` response with every field of the seed's table.
fn loaded_plan_json() -> serde_json::Value {
    json!({
        "id": 900123,
        "name": "Pro monthly",
        "code": "pro-monthly",
        "accountId": 2001,
        "amount": 1900,
        "taxAmount": 152,
        "billingCycleType": "M",
        "isActive": true,
        "createDate": "2019-04-09 16:02:38"
    })
}

// ---- The plan as the gateway returns it -------------------------------------------

#[test]
fn a_loaded_plan_reads_every_seed_field() {
    let plan: Plan = serde_json::from_value(loaded_plan_json()).unwrap();
    assert_eq!(plan.id, PlanId(900123));
    assert_eq!(plan.name, "Pro monthly");
    assert_eq!(plan.code.as_deref(), Some("pro-monthly"));
    assert_eq!(plan.account_id, AccountId(2001));
    assert_eq!(plan.amount, Cents::new(1900));
    assert_eq!(plan.tax_amount, Some(Cents::new(152)));
    assert_eq!(plan.billing_cycle_type, BillingCycle::Monthly);
    assert!(plan.is_active);
    assert_eq!(
        plan.create_date.map(|d| d.to_string()).as_deref(),
        Some("2019-04-09 16:02:38")
    );
    assert_eq!(plan.total_per_cycle(), Some(Cents::new(2052)));
}

#[test]
fn a_loaded_plan_serialises_back_to_the_same_json() {
    let plan: Plan = serde_json::from_value(loaded_plan_json()).unwrap();
    assert_eq!(serde_json::to_value(&plan).unwrap(), loaded_plan_json());
}

#[test]
fn optional_fields_may_be_missing_and_the_cycle_defaults_to_monthly() {
    let plan: Plan = serde_json::from_value(json!({
        "id": 1, "name": "Basic", "accountId": 7, "amount": 0, "isActive": false
    }))
    .unwrap();
    assert_eq!(plan.code, None);
    assert_eq!(plan.tax_amount, None);
    assert_eq!(plan.create_date, None);
    assert_eq!(plan.billing_cycle_type, BillingCycle::Monthly);
}

#[test]
fn an_unknown_cycle_code_is_kept_exactly_as_sent() {
    let mut value = loaded_plan_json();
    value["billingCycleType"] = json!("X2");
    let plan: Plan = serde_json::from_value(value).unwrap();
    assert_eq!(plan.billing_cycle_type, BillingCycle::Other("X2".into()));
    assert_eq!(
        serde_json::to_value(&plan).unwrap()["billingCycleType"],
        json!("X2")
    );
    let form = PlanForm::from_plan(&plan);
    let changes = form.validate_changes(&plan).unwrap();
    assert_eq!(changes.billing_cycle_type, BillingCycle::Other("X2".into()));
    assert_eq!(
        serde_json::to_value(&changes).unwrap()["billingCycleType"],
        json!("X2")
    );
}

#[test]
fn known_cycle_codes_round_trip() {
    for cycle in BillingCycle::KNOWN {
        assert_eq!(BillingCycle::from_code(cycle.code()), cycle);
        assert_eq!(serde_json::to_value(&cycle).unwrap(), json!(cycle.code()));
    }
    assert_eq!(BillingCycle::default().code(), "M");
    assert_eq!(BillingCycle::Monthly.label(), "Monthly");
}

#[test]
fn a_malformed_create_date_is_refused() {
    let mut value = loaded_plan_json();
    value["createDate"] = json!("2019-04-09T16:02:38Z");
    assert!(serde_json::from_value::<Plan>(value).is_err());
}

// ---- createDate -----------------------------------------------------------------

#[test]
fn create_dates_parse_in_the_gateway_format_and_print_back_unchanged() {
    for text in [
        "2019-04-09 16:02:38",
        "2000-02-29 00:00:00",
        "2024-12-31 23:59:59",
    ] {
        let date = PlanDateTime::parse(text).unwrap();
        assert_eq!(date.to_string(), text);
    }
    let date = PlanDateTime::parse("2019-04-09 16:02:38").unwrap();
    assert_eq!(date.date_string(), "2019-04-09");
    assert_eq!((date.year, date.month, date.day), (2019, 4, 9));
}

#[test]
fn impossible_or_differently_shaped_dates_are_refused() {
    for bad in [
        "",
        "2019-04-09",
        "2019-04-09T16:02:38",
        "2019-4-9 16:02:38",
        "2019-13-01 00:00:00",
        "2019-00-01 00:00:00",
        "2019-02-29 00:00:00",
        "1900-02-29 00:00:00",
        "2019-04-31 00:00:00",
        "2019-04-09 24:00:00",
        "2019-04-09 23:60:00",
        "2019-04-09 23:59:60",
        "0000-01-01 00:00:00",
        " 2019-04-09 16:02:38",
        "２019-04-09 16:02:38",
    ] {
        assert!(PlanDateTime::parse(bad).is_err(), "{bad:?}");
    }
}

#[test]
fn create_dates_sort_chronologically() {
    let a = PlanDateTime::parse("2019-04-09 16:02:38").unwrap();
    let b = PlanDateTime::parse("2019-04-10 00:00:00").unwrap();
    let c = PlanDateTime::parse("2020-01-01 00:00:00").unwrap();
    assert!(a < b && b < c);
}

// ---- Creating a plan from the form ---------------------------------------------------

#[test]
fn a_valid_form_becomes_the_create_body() {
    let new_plan = valid_plan_form().validate_new().unwrap();
    assert_eq!(
        serde_json::to_value(&new_plan).unwrap(),
        json!({
            "name": "Pro monthly",
            "code": "pro-monthly",
            "accountId": 2001,
            "amount": 1900,
            "taxAmount": 152,
            "billingCycleType": "M",
            "isActive": true
        })
    );
    assert!(new_plan.validate().is_ok());
}

#[test]
fn empty_code_tax_and_cycle_mean_none_none_and_monthly() {
    let form = PlanForm {
        code: "  ".into(),
        tax_amount: "".into(),
        billing_cycle: "".into(),
        ..valid_plan_form()
    };
    let new_plan = form.validate_new().unwrap();
    assert_eq!(new_plan.code, None);
    assert_eq!(new_plan.tax_amount, None);
    assert_eq!(new_plan.billing_cycle_type, BillingCycle::Monthly);
    let body = serde_json::to_value(&new_plan).unwrap();
    assert!(body.get("code").is_none());
    assert!(body.get("taxAmount").is_none());
}

#[test]
fn a_free_plan_with_zero_amount_is_allowed() {
    let form = PlanForm {
        amount: "0".into(),
        ..valid_plan_form()
    };
    assert_eq!(form.validate_new().unwrap().amount, Cents::ZERO);
}

#[test]
fn every_wrong_field_is_reported_at_once_by_name() {
    let form = PlanForm {
        name: "   ".into(),
        code: "pro monthly!".into(),
        account_id: "abc".into(),
        amount: "-5".into(),
        tax_amount: "1,50".into(),
        billing_cycle: "M/Y".into(),
        is_active: true,
    };
    let errors = form.validate_new().unwrap_err();
    assert_eq!(
        errors.for_field(PlanField::Name),
        Some(&PlanFieldError::Required)
    );
    assert_eq!(
        errors.for_field(PlanField::Code),
        Some(&PlanFieldError::InvalidCharacter { found: ' ' })
    );
    assert_eq!(
        errors.for_field(PlanField::AccountId),
        Some(&PlanFieldError::NotAnInteger)
    );
    assert_eq!(
        errors.for_field(PlanField::Amount),
        Some(&PlanFieldError::Negative)
    );
    assert_eq!(
        errors.for_field(PlanField::TaxAmount),
        Some(&PlanFieldError::Money(MoneyInputError::Comma))
    );
    assert_eq!(
        errors.for_field(PlanField::BillingCycleType),
        Some(&PlanFieldError::InvalidCharacter { found: '/' })
    );
    assert_eq!(errors.0.len(), 6);
    assert_eq!(
        errors.0[0].to_string(),
        "Name: is required",
        "messages start with the field label"
    );
}

#[test]
fn name_length_follows_the_seed_string_255() {
    let at_limit = "é".repeat(255);
    assert!(
        PlanName::parse(&at_limit).is_ok(),
        "255 characters, not bytes"
    );
    let form = PlanForm {
        name: "n".repeat(256),
        ..valid_plan_form()
    };
    assert_eq!(
        form.validate_new().unwrap_err().for_field(PlanField::Name),
        Some(&PlanFieldError::TooLong { max: 255 })
    );
    assert_eq!(
        PlanName::parse("Pro\u{0}"),
        Err(PlanFieldError::ControlCharacter)
    );
    assert_eq!(PlanName::parse("  Pro  ").unwrap().as_str(), "Pro");
}

#[test]
fn code_follows_the_seed_string_60_and_is_safe_in_a_path() {
    assert!(PlanCode::parse(&"c".repeat(60)).is_ok());
    assert_eq!(
        PlanCode::parse(&"c".repeat(61)),
        Err(PlanFieldError::TooLong { max: 60 })
    );
    for (bad, found) in [("*pro", '*'), ("a/b", '/'), ("a?b", '?'), ("a%2f", '%')] {
        assert_eq!(
            PlanCode::parse(bad),
            Err(PlanFieldError::InvalidCharacter { found }),
            "{bad}"
        );
    }
    assert!(PlanCode::parse("Pro_2024.v1-a").is_ok());
}

#[test]
fn plans_are_addressed_by_id_or_star_code() {
    assert_eq!(PlanRef::Id(PlanId(42)).path_segment(), "42");
    let code = PlanCode::parse("pro-monthly").unwrap();
    assert_eq!(PlanRef::Code(code).path_segment(), "*pro-monthly");
}

#[test]
fn amounts_must_be_non_negative_and_within_the_maximum() {
    let form = PlanForm {
        amount: "1000000.01".into(),
        tax_amount: "0.001".into(),
        ..valid_plan_form()
    };
    let errors = form.validate_new().unwrap_err();
    assert_eq!(
        errors.for_field(PlanField::Amount),
        Some(&PlanFieldError::AboveMaximum {
            max: DEFAULT_MAX_CENTS
        })
    );
    assert_eq!(
        errors.for_field(PlanField::TaxAmount),
        Some(&PlanFieldError::Money(MoneyInputError::TooManyDecimals {
            max: 2
        }))
    );
    let missing = PlanForm {
        amount: " ".into(),
        ..valid_plan_form()
    };
    assert_eq!(
        missing
            .validate_new()
            .unwrap_err()
            .for_field(PlanField::Amount),
        Some(&PlanFieldError::Required)
    );
}

#[test]
fn account_id_must_be_a_positive_whole_number() {
    for (raw, expected) in [
        ("", PlanFieldError::Required),
        ("0", PlanFieldError::NotPositive),
        ("-3", PlanFieldError::NotAnInteger),
        ("1.5", PlanFieldError::NotAnInteger),
        ("99999999999999999999", PlanFieldError::NotAnInteger),
    ] {
        let form = PlanForm {
            account_id: raw.into(),
            ..valid_plan_form()
        };
        assert_eq!(
            form.validate_new()
                .unwrap_err()
                .for_field(PlanField::AccountId),
            Some(&expected),
            "{raw:?}"
        );
    }
}

#[test]
fn a_create_body_read_by_a_server_is_checked_too() {
    let body: NewPlan = serde_json::from_value(json!({
        "name": "Pro", "accountId": 1, "amount": -100, "taxAmount": -1,
        "billingCycleType": "M", "isActive": true
    }))
    .unwrap();
    let errors = body.validate().unwrap_err();
    let fields: Vec<_> = errors.fields().collect();
    assert_eq!(fields, vec![PlanField::Amount, PlanField::TaxAmount]);
    assert!(serde_json::from_value::<NewPlan>(json!({
        "name": "", "accountId": 1, "amount": 1, "isActive": true
    }))
    .is_err());
    assert!(serde_json::from_value::<NewPlan>(json!({
        "name": "Pro", "code": "../x", "accountId": 1, "amount": 1, "isActive": true
    }))
    .is_err());
}

// ---- Modifying a plan -----------------------------------------------------------------

#[test]
fn code_and_account_are_immutable_after_creation() {
    assert!(PlanField::Code.is_immutable_after_creation());
    assert!(PlanField::AccountId.is_immutable_after_creation());
    for field in [
        PlanField::Name,
        PlanField::Amount,
        PlanField::TaxAmount,
        PlanField::BillingCycleType,
        PlanField::IsActive,
    ] {
        assert!(!field.is_immutable_after_creation(), "{field}");
    }
}

#[test]
fn the_edit_form_prefills_from_the_plan_and_saves_unchanged() {
    let plan: Plan = serde_json::from_value(loaded_plan_json()).unwrap();
    let form = PlanForm::from_plan(&plan);
    assert_eq!(form.amount, "19.00");
    assert_eq!(form.tax_amount, "1.52");
    assert_eq!(form.account_id, "2001");
    let changes = form.validate_changes(&plan).unwrap();
    assert_eq!(plan.with_changes(&changes), plan);
}

#[test]
fn a_polish_edit_form_prefills_decimal_commas_and_saves_unchanged() {
    let plan: Plan = serde_json::from_value(loaded_plan_json()).unwrap();
    let form = PlanForm::from_plan_in(&plan, Locale::Pl);
    assert_eq!(form.amount, "19,00");
    assert_eq!(form.tax_amount, "1,52");
    let changes = form
        .with_decimal_dots(Locale::Pl)
        .validate_changes(&plan)
        .unwrap();
    assert_eq!(plan.with_changes(&changes), plan);
}

#[test]
fn the_modify_body_never_carries_code_or_account() {
    let plan: Plan = serde_json::from_value(loaded_plan_json()).unwrap();
    let form = PlanForm {
        name: "Pro monthly (2025)".into(),
        amount: "24.00".into(),
        is_active: false,
        ..PlanForm::from_plan(&plan)
    };
    let changes: PlanChanges = form.validate_changes(&plan).unwrap();
    assert_eq!(
        serde_json::to_value(&changes).unwrap(),
        json!({
            "name": "Pro monthly (2025)",
            "amount": 2400,
            "taxAmount": 152,
            "billingCycleType": "M",
            "isActive": false
        })
    );
    let updated = plan.with_changes(&changes);
    assert_eq!(updated.code, plan.code);
    assert_eq!(updated.account_id, plan.account_id);
    assert_eq!(updated.amount, Cents::new(2400));
    assert!(!updated.is_active);
}

#[test]
fn changing_code_or_account_on_edit_is_an_error_on_that_field() {
    let plan: Plan = serde_json::from_value(loaded_plan_json()).unwrap();
    let form = PlanForm {
        code: "other".into(),
        account_id: "2002".into(),
        ..PlanForm::from_plan(&plan)
    };
    let errors = form.validate_changes(&plan).unwrap_err();
    assert_eq!(
        errors.for_field(PlanField::Code),
        Some(&PlanFieldError::Immutable)
    );
    assert_eq!(
        errors.for_field(PlanField::AccountId),
        Some(&PlanFieldError::Immutable)
    );
    assert_eq!(
        errors.to_string(),
        "Code: cannot be changed after the plan is created; \
         Account ID: cannot be changed after the plan is created"
    );
}
