//! Money: integer cents for prices, exact decimals for crypto amounts.
// Amounts in cents are written dollars_cents (123_456_78 is $123,456.78),
// which reads better here than thousands grouping.
#![allow(clippy::inconsistent_digit_grouping)]

use billing_core::domain::money::{
    parse_cents, parse_cents_with_max, parse_fiat_amount, parse_fiat_amount_with_max, AmountError,
    Cents, ExactAmount, MoneyInputError, UnitsError, DEFAULT_MAX_CENTS,
};
use proptest::prelude::*;

// ---- Cents: display -------------------------------------------------------

#[test]
fn cents_display_as_dollars_with_two_decimals() {
    assert_eq!(Cents::new(1234).to_string(), "$12.34");
    assert_eq!(Cents::new(5).to_string(), "$0.05");
    assert_eq!(Cents::new(0).to_string(), "$0.00");
    assert_eq!(Cents::new(9900).to_string(), "$99.00");
}

#[test]
fn cents_display_groups_thousands() {
    assert_eq!(Cents::new(123_456_78).to_string(), "$123,456.78");
    assert_eq!(Cents::new(1_000_00).to_string(), "$1,000.00");
    assert_eq!(Cents::new(999_99).to_string(), "$999.99");
    assert_eq!(Cents::new(100_000_000).to_string(), "$1,000,000.00");
}

#[test]
fn negative_cents_put_the_sign_before_the_symbol() {
    assert_eq!(Cents::new(-1234).to_string(), "-$12.34");
    assert_eq!(Cents::new(-5).to_string(), "-$0.05");
    assert_eq!(Cents::new(-123_456_78).display_in("EUR"), "-€123,456.78");
}

#[test]
fn extreme_cents_display_without_overflow() {
    assert_eq!(
        Cents::new(i64::MIN).to_string(),
        "-$92,233,720,368,547,758.08"
    );
    assert_eq!(
        Cents::new(i64::MAX).to_string(),
        "$92,233,720,368,547,758.07"
    );
}

#[test]
fn cents_display_in_other_currencies() {
    assert_eq!(Cents::new(15000).display_in("USD"), "$150.00");
    assert_eq!(Cents::new(15000).display_in("usd"), "$150.00");
    assert_eq!(Cents::new(15000).display_in("CAD"), "CA$150.00");
    assert_eq!(Cents::new(15000).display_in("GBP"), "£150.00");
    assert_eq!(Cents::new(150_000).display_in("CHF"), "1,500.00 CHF");
}

#[test]
fn malformed_currency_codes_are_never_echoed_into_the_page() {
    assert_eq!(Cents::new(100).display_in("<script>"), "1.00");
    assert_eq!(Cents::new(100).display_in("DOLLARS"), "1.00");
}

#[test]
fn plain_string_has_no_symbol_or_separator_for_input_fields() {
    assert_eq!(Cents::new(123_456).to_plain_string(), "1234.56");
    assert_eq!(Cents::new(7).to_plain_string(), "0.07");
    assert_eq!(Cents::new(-250).to_plain_string(), "-2.50");
}

#[test]
fn cents_serialise_as_a_bare_integer() {
    assert_eq!(serde_json::to_string(&Cents::new(9900)).unwrap(), "9900");
    assert_eq!(
        serde_json::from_str::<Cents>("100").unwrap(),
        Cents::new(100)
    );
}

// ---- Cents: arithmetic ----------------------------------------------------

#[test]
fn price_times_quantity_matches_the_seed_direct_charge() {
    // Seed: "price": 100, "quantity": 2 with per_account.
    assert_eq!(Cents::new(100).checked_mul(2), Some(Cents::new(200)));
}

#[test]
fn price_times_quantity_refuses_overflow_instead_of_wrapping() {
    assert_eq!(Cents::new(i64::MAX).checked_mul(2), None);
    assert_eq!(Cents::new(1).checked_mul(u64::MAX), None);
    assert_eq!(Cents::new(2).checked_mul(i64::MAX as u64), None);
    assert_eq!(Cents::new(0).checked_mul(u64::MAX), None);
}

#[test]
fn checked_add_and_sub_refuse_overflow() {
    assert_eq!(
        Cents::new(1).checked_add(Cents::new(2)),
        Some(Cents::new(3))
    );
    assert_eq!(Cents::new(i64::MAX).checked_add(Cents::new(1)), None);
    assert_eq!(Cents::new(i64::MIN).checked_sub(Cents::new(1)), None);
}

// ---- Cents: parsing what a buyer types ---------------------------------------

#[test]
fn parse_cents_accepts_the_usual_ways_to_write_an_amount() {
    assert_eq!(parse_cents("12.34"), Ok(Cents::new(1234)));
    assert_eq!(parse_cents("12"), Ok(Cents::new(1200)));
    assert_eq!(parse_cents("0.05"), Ok(Cents::new(5)));
    assert_eq!(parse_cents("12.3"), Ok(Cents::new(1230)));
    assert_eq!(parse_cents("0"), Ok(Cents::ZERO));
    assert_eq!(parse_cents("007.50"), Ok(Cents::new(750)));
}

#[test]
fn parse_cents_trims_surrounding_whitespace() {
    assert_eq!(parse_cents("  12.34\t\n"), Ok(Cents::new(1234)));
    assert_eq!(parse_cents("\u{a0}5\u{a0}"), Ok(Cents::new(500)));
}

#[test]
fn parse_cents_gives_a_specific_error_for_each_mistake() {
    let cases: &[(&str, MoneyInputError)] = &[
        ("", MoneyInputError::Empty),
        ("   ", MoneyInputError::Empty),
        ("1e3", MoneyInputError::Exponent),
        ("1.5E2", MoneyInputError::Exponent),
        ("-1", MoneyInputError::Negative),
        ("-0.01", MoneyInputError::Negative),
        ("NaN", MoneyInputError::NotANumber),
        ("inf", MoneyInputError::NotANumber),
        ("-Infinity", MoneyInputError::NotANumber),
        ("1,5", MoneyInputError::Comma),
        ("1,000.00", MoneyInputError::Comma),
        ("12.345", MoneyInputError::TooManyDecimals { max: 2 }),
        ("0.001", MoneyInputError::TooManyDecimals { max: 2 }),
        ("$12", MoneyInputError::InvalidCharacter { found: '$' }),
        ("+5", MoneyInputError::InvalidCharacter { found: '+' }),
        ("1 000", MoneyInputError::InvalidCharacter { found: ' ' }),
        ("abc", MoneyInputError::InvalidCharacter { found: 'a' }),
        ("٣", MoneyInputError::InvalidCharacter { found: '٣' }),
        ("1.2.3", MoneyInputError::Malformed),
        (".5", MoneyInputError::Malformed),
        ("5.", MoneyInputError::Malformed),
        (".", MoneyInputError::Malformed),
        ("92233720368547758.08", MoneyInputError::TooLarge),
        ("99999999999999999999999", MoneyInputError::TooLarge),
        (
            "1000000.01",
            MoneyInputError::AboveMaximum {
                max: DEFAULT_MAX_CENTS,
            },
        ),
    ];
    for (input, expected) in cases {
        assert_eq!(
            parse_cents(input).as_ref(),
            Err(expected),
            "input {input:?}"
        );
    }
}

#[test]
fn parse_cents_accepts_exactly_the_default_maximum() {
    assert_eq!(parse_cents("1000000"), Ok(DEFAULT_MAX_CENTS));
    assert_eq!(parse_cents("1000000.00"), Ok(DEFAULT_MAX_CENTS));
}

#[test]
fn the_largest_i64_cents_value_parses_when_the_maximum_allows_it() {
    let max = Cents::new(i64::MAX);
    assert_eq!(
        parse_cents_with_max("92233720368547758.07", max),
        Ok(Cents::new(i64::MAX))
    );
}

#[test]
fn parse_cents_with_max_uses_the_given_api_maximum() {
    let max = Cents::new(500);
    assert_eq!(parse_cents_with_max("5", max), Ok(Cents::new(500)));
    assert_eq!(
        parse_cents_with_max("5.01", max),
        Err(MoneyInputError::AboveMaximum { max })
    );
}

#[test]
fn input_error_messages_speak_to_the_buyer() {
    assert_eq!(MoneyInputError::Empty.to_string(), "Enter an amount.");
    assert_eq!(
        MoneyInputError::Comma.to_string(),
        "Use a dot for decimals and no thousands separators, like 1234.50."
    );
    assert_eq!(
        MoneyInputError::TooManyDecimals { max: 2 }.to_string(),
        "Use at most 2 decimal places."
    );
    assert_eq!(
        MoneyInputError::AboveMaximum {
            max: DEFAULT_MAX_CENTS
        }
        .to_string(),
        "The amount cannot be more than $1,000,000.00."
    );
}

// ---- Exact decimal amounts ---------------------------------------------------

fn amount(text: &str) -> ExactAmount {
    ExactAmount::parse(text).unwrap()
}

#[test]
fn exact_amounts_keep_every_digit_and_trailing_zero() {
    assert_eq!(amount("0.86392000").to_string(), "0.86392000");
    assert_eq!(amount("0.029366").to_string(), "0.029366");
    assert_eq!(amount("150").to_string(), "150");
    assert_eq!(amount("50.00").to_string(), "50.00");
    assert_eq!(amount("0.0000000000000000000000000001").scale(), 28);
}

#[test]
fn exact_amounts_compare_by_value() {
    assert_eq!(amount("1.50"), amount("1.5"));
    assert!(amount("0.029366") < amount("0.03"));
    assert_eq!(amount("0.86392000").normalized().to_string(), "0.86392");
}

#[test]
fn exact_amounts_reject_anything_but_plain_decimals() {
    assert_eq!(ExactAmount::parse(""), Err(AmountError::Empty));
    assert_eq!(ExactAmount::parse("1e3"), Err(AmountError::Exponent));
    assert_eq!(ExactAmount::parse("NaN"), Err(AmountError::NotFinite));
    assert_eq!(ExactAmount::parse("-inf"), Err(AmountError::NotFinite));
    for bad in [
        "1_000", "+1", " 1", "1 ", "1.", ".1", "0x10", "1,5", "--1", "-",
    ] {
        assert!(
            matches!(ExactAmount::parse(bad), Err(AmountError::Invalid(_))),
            "{bad:?} should be invalid"
        );
    }
    assert_eq!(
        ExactAmount::parse("0.00000000000000000000000000001"),
        Err(AmountError::OutOfRange)
    );
    assert_eq!(
        ExactAmount::parse("99999999999999999999999999999999"),
        Err(AmountError::OutOfRange)
    );
}

#[test]
fn exact_amounts_deserialise_from_json_strings_exactly() {
    let a: ExactAmount = serde_json::from_str(r#""0.86392000""#).unwrap();
    assert_eq!(a.to_string(), "0.86392000");
    let a: ExactAmount = serde_json::from_str(r#""-0.5""#).unwrap();
    assert!(a.is_negative());
}

#[test]
fn exact_amounts_deserialise_from_json_numbers_without_float_noise() {
    let a: ExactAmount = serde_json::from_str("150").unwrap();
    assert_eq!(a.to_string(), "150");
    let a: ExactAmount = serde_json::from_str("0.1").unwrap();
    assert_eq!(a.to_string(), "0.1");
    let a: ExactAmount = serde_json::from_str("50.00").unwrap();
    // A JSON number passes through f64: the trailing zeros are gone, the
    // value is exact.
    assert_eq!(a.to_string(), "50");
    let a: ExactAmount = serde_json::from_str("0.00575946").unwrap();
    assert_eq!(a.to_string(), "0.00575946");
    let a: ExactAmount = serde_json::from_str("-7").unwrap();
    assert_eq!(a.to_string(), "-7");
}

#[test]
fn exact_amounts_refuse_json_values_that_are_not_amounts() {
    assert!(serde_json::from_str::<ExactAmount>("true").is_err());
    assert!(serde_json::from_str::<ExactAmount>("null").is_err());
    assert!(serde_json::from_str::<ExactAmount>(r#""1e3""#).is_err());
    assert!(serde_json::from_str::<ExactAmount>("1e300").is_err());
}

#[test]
fn exact_amounts_serialise_as_strings() {
    assert_eq!(
        serde_json::to_string(&amount("0.86392000")).unwrap(),
        r#""0.86392000""#
    );
    assert_eq!(serde_json::to_string(&amount("150")).unwrap(), r#""150""#);
}

#[test]
fn seed_quote_amounts_read_exactly() {
    // Bidali seed: quotes carry amounts and rates as strings.
    let quote: serde_json::Value =
        serde_json::from_str(r#"{"rate": "0.00575946", "amount": "0.86392", "charge": "150"}"#)
            .unwrap();
    let rate: ExactAmount = serde_json::from_value(quote["rate"].clone()).unwrap();
    let coins: ExactAmount = serde_json::from_value(quote["amount"].clone()).unwrap();
    let fiat: ExactAmount = serde_json::from_value(quote["charge"].clone()).unwrap();
    assert_eq!(rate.to_string(), "0.00575946");
    assert_eq!(coins.to_string(), "0.86392");
    assert_eq!(fiat.to_cents(), Ok(Cents::new(15000)));
    // 150 x 0.00575946 = 0.863919: the quote rounds up to 5 decimals, so
    // the widget shows the quote's amount and never recomputes it.
    let product = ExactAmount::from_decimal(fiat.as_decimal() * rate.as_decimal());
    assert_eq!(product.to_string(), "0.86391900");
    assert!(coins > product);
}

#[test]
fn exact_amounts_convert_to_whole_units_without_rounding() {
    assert_eq!(
        amount("0.86392").to_base_units(18),
        Ok(863_920_000_000_000_000)
    );
    assert_eq!(amount("0.029366").to_base_units(8), Ok(2_936_600));
    assert_eq!(amount("1.10000000000").to_base_units(8), Ok(110_000_000));
    assert_eq!(
        amount("0.000000001").to_base_units(8),
        Err(UnitsError::TooPrecise { decimals: 8 })
    );
    assert_eq!(amount("-1").to_base_units(8), Err(UnitsError::Negative));
    assert_eq!(
        amount("79228162514264337593543950335").to_base_units(18),
        Err(UnitsError::Overflow)
    );
}

#[test]
fn exact_amounts_convert_to_cents_and_back() {
    assert_eq!(amount("150").to_cents(), Ok(Cents::new(15000)));
    assert_eq!(amount("12.3").to_cents(), Ok(Cents::new(1230)));
    assert_eq!(amount("-0.05").to_cents(), Ok(Cents::new(-5)));
    assert_eq!(
        amount("0.001").to_cents(),
        Err(UnitsError::TooPrecise { decimals: 2 })
    );
    assert_eq!(
        ExactAmount::from_cents(Cents::new(1234)).to_string(),
        "12.34"
    );
}

#[test]
fn outstanding_amount_is_an_exact_subtraction() {
    let due = amount("0.029366");
    let paid = amount("0.02");
    assert_eq!(due.checked_sub(&paid).unwrap().to_string(), "0.009366");
}

// ---- Fiat amounts typed by a buyer ---------------------------------------------

#[test]
fn fiat_input_keeps_the_digits_as_typed() {
    assert_eq!(parse_fiat_amount("150").unwrap().to_string(), "150");
    assert_eq!(parse_fiat_amount(" 49.99 ").unwrap().to_string(), "49.99");
    assert_eq!(parse_fiat_amount("12.3").unwrap().to_string(), "12.3");
}

#[test]
fn fiat_input_must_be_positive_and_at_most_two_decimals() {
    assert_eq!(parse_fiat_amount("0"), Err(MoneyInputError::Zero));
    assert_eq!(parse_fiat_amount("0.00"), Err(MoneyInputError::Zero));
    assert_eq!(parse_fiat_amount("-3"), Err(MoneyInputError::Negative));
    assert_eq!(
        parse_fiat_amount("1.999"),
        Err(MoneyInputError::TooManyDecimals { max: 2 })
    );
    assert_eq!(parse_fiat_amount("1e2"), Err(MoneyInputError::Exponent));
    assert_eq!(parse_fiat_amount("1,5"), Err(MoneyInputError::Comma));
    assert_eq!(parse_fiat_amount(""), Err(MoneyInputError::Empty));
    assert_eq!(parse_fiat_amount("nan"), Err(MoneyInputError::NotANumber));
    assert_eq!(
        parse_fiat_amount_with_max("100.01", Cents::new(10_000)),
        Err(MoneyInputError::AboveMaximum {
            max: Cents::new(10_000)
        })
    );
}

// ---- Properties ----------------------------------------------------------------

proptest! {
    #[test]
    fn any_allowed_cents_value_round_trips_through_its_plain_text(c in 0..=DEFAULT_MAX_CENTS.get()) {
        let cents = Cents::new(c);
        prop_assert_eq!(parse_cents(&cents.to_plain_string()), Ok(cents));
    }

    #[test]
    fn any_non_negative_cents_round_trips_with_an_unlimited_maximum(c in 0..=i64::MAX) {
        let cents = Cents::new(c);
        prop_assert_eq!(
            parse_cents_with_max(&cents.to_plain_string(), Cents::new(i64::MAX)),
            Ok(cents)
        );
    }

    #[test]
    fn display_is_plain_text_plus_symbol_and_separators(c in any::<i64>()) {
        let cents = Cents::new(c);
        let shown = cents.to_string();
        prop_assert_eq!(shown.replace([',', '$'], ""), cents.to_plain_string());
        prop_assert_eq!(shown.starts_with('-'), c < 0);
    }

    #[test]
    fn parse_cents_never_panics(s in "\\PC*") {
        let _ = parse_cents(&s);
    }

    #[test]
    fn price_times_quantity_is_exact_or_refused(price in 0..=i64::MAX, qty in any::<u32>()) {
        let total = Cents::new(price).checked_mul(u64::from(qty));
        let wide = i128::from(price) * i128::from(qty);
        match total {
            Some(t) => prop_assert_eq!(i128::from(t.get()), wide),
            None => prop_assert!(wide > i128::from(i64::MAX)),
        }
    }

    #[test]
    fn exact_amount_text_round_trips(mantissa in any::<i64>(), scale in 0u32..=18) {
        let text = rust_decimal::Decimal::new(mantissa, scale).to_string();
        let parsed = ExactAmount::parse(&text).unwrap();
        prop_assert_eq!(parsed.to_string(), text.clone());
        let json = serde_json::to_string(&parsed).unwrap();
        let back: ExactAmount = serde_json::from_str(&json).unwrap();
        prop_assert_eq!(back.to_string(), text);
    }

    #[test]
    fn exact_amount_from_a_json_number_is_the_shortest_text_of_the_f64_read(f in -1.0e12f64..1.0e12) {
        let json = serde_json::to_string(&f).unwrap();
        let from_number: ExactAmount = serde_json::from_str(&json).unwrap();
        let as_read: f64 = serde_json::from_str(&json).unwrap();
        let expected = ExactAmount::parse(&as_read.to_string()).unwrap();
        prop_assert_eq!(from_number.to_string(), expected.to_string());
    }

    #[test]
    fn json_numbers_with_up_to_15_significant_digits_are_read_exactly(
        mantissa in 0i64..1_000_000_000_000_000,
        scale in 0u32..=15,
    ) {
        let exact = rust_decimal::Decimal::new(mantissa, scale);
        let from_number: ExactAmount = serde_json::from_str(&exact.to_string()).unwrap();
        prop_assert_eq!(from_number.as_decimal(), exact);
    }

    #[test]
    fn cents_and_exact_amounts_agree(c in any::<i64>()) {
        let cents = Cents::new(c);
        prop_assert_eq!(ExactAmount::from_cents(cents).to_cents(), Ok(cents));
        prop_assert_eq!(ExactAmount::from_cents(cents).to_string(), cents.to_plain_string());
    }

    #[test]
    fn base_units_scale_back_to_the_amount(units in any::<u64>(), decimals in 0u32..=18) {
        let amount = ExactAmount::from_decimal(rust_decimal::Decimal::from_i128_with_scale(i128::from(units), decimals));
        prop_assert_eq!(amount.to_base_units(decimals), Ok(u128::from(units)));
    }
}
