//! Languages: which one the page speaks, Polish plural forms, money, exact
//! amounts, counts and dates in each locale, and the completeness of the
//! catalogs.

use billing_widget::config::{AppConfig, ConfigError, ItemKind};
use billing_widget::domain::calendar::{
    format_date, format_date_prefix, format_date_time, format_time, month_abbreviation,
};
use billing_widget::domain::money::{
    parse_cents_in, parse_fiat_amount_in, Cents, ExactAmount, MoneyInputError, DEFAULT_MAX_CENTS,
};
use billing_widget::i18n::{
    choose_locale, format_count, polish_plural, query_lang, Locale, LocaleSetting, Messages,
    PolishPlural,
};
use serde_json::{json, Value};

const SHIPPED: &str = include_str!("../public/config.json");
const NBSP: char = '\u{a0}';

fn nb(text: &str) -> String {
    text.replace('~', &NBSP.to_string())
}

// ---------------------------------------------------------------------------
// Choosing the locale
// ---------------------------------------------------------------------------

#[test]
fn the_query_parameter_wins_over_configuration_and_browser() {
    let browser = ["en-US"];
    assert_eq!(
        choose_locale(Some("pl"), LocaleSetting::Fixed(Locale::En), &browser),
        Locale::Pl
    );
    assert_eq!(
        choose_locale(Some("EN"), LocaleSetting::Fixed(Locale::Pl), &["pl-PL"]),
        Locale::En
    );
}

#[test]
fn an_unknown_query_value_falls_back_to_the_next_source() {
    assert_eq!(
        choose_locale(Some("de"), LocaleSetting::Fixed(Locale::Pl), &["en"]),
        Locale::Pl
    );
    assert_eq!(
        choose_locale(Some(""), LocaleSetting::Auto, &["pl"]),
        Locale::Pl
    );
}

#[test]
fn a_fixed_configuration_wins_over_the_browser() {
    assert_eq!(
        choose_locale(None, LocaleSetting::Fixed(Locale::Pl), &["en-GB"]),
        Locale::Pl
    );
    assert_eq!(
        choose_locale(None, LocaleSetting::Fixed(Locale::En), &["pl-PL"]),
        Locale::En
    );
}

#[test]
fn auto_takes_the_first_browser_language_the_widget_speaks() {
    assert_eq!(
        choose_locale(None, LocaleSetting::Auto, &["de-DE", "pl-PL", "en"]),
        Locale::Pl
    );
    assert_eq!(
        choose_locale(None, LocaleSetting::Auto, &["fr", "en-US", "pl"]),
        Locale::En
    );
    assert_eq!(
        choose_locale(None, LocaleSetting::Auto, &["pl_PL"]),
        Locale::Pl
    );
    // Only the primary subtag counts: "plx" is not Polish.
    assert_eq!(
        choose_locale(None, LocaleSetting::Auto, &["plx"]),
        Locale::En
    );
}

#[test]
fn english_is_the_default() {
    let none: [&str; 0] = [];
    assert_eq!(choose_locale(None, LocaleSetting::Auto, &none), Locale::En);
    assert_eq!(
        choose_locale(None, LocaleSetting::Auto, &["de", "fr"]),
        Locale::En
    );
}

#[test]
fn the_lang_parameter_is_read_from_the_query_string() {
    assert_eq!(query_lang("?lang=pl").as_deref(), Some("pl"));
    assert_eq!(query_lang("mode=mock&lang=en").as_deref(), Some("en"));
    assert_eq!(query_lang("?mode=mock"), None);
}

#[test]
fn html_lang_tags() {
    assert_eq!(Locale::En.tag(), "en");
    assert_eq!(Locale::Pl.tag(), "pl");
}

fn shipped() -> Value {
    serde_json::from_str(SHIPPED).expect("the shipped config.json is JSON")
}

#[test]
fn the_configuration_locale_defaults_to_auto_and_accepts_en_and_pl() {
    let config = AppConfig::from_json(SHIPPED).expect("shipped config is valid");
    assert_eq!(config.locale, LocaleSetting::Auto);

    let mut value = shipped();
    value.as_object_mut().expect("an object").remove("locale");
    let config = AppConfig::from_json(&value.to_string()).expect("valid without locale");
    assert_eq!(config.locale, LocaleSetting::Auto);

    for (raw, expected) in [
        ("auto", LocaleSetting::Auto),
        ("pl", LocaleSetting::Fixed(Locale::Pl)),
        ("en", LocaleSetting::Fixed(Locale::En)),
    ] {
        let mut value = shipped();
        value["locale"] = json!(raw);
        let config = AppConfig::from_json(&value.to_string()).expect("a known locale");
        assert_eq!(config.locale, expected, "{raw}");
    }
}

#[test]
fn an_unknown_configuration_locale_is_refused_with_a_clear_message() {
    let mut value = shipped();
    value["locale"] = json!("de");
    let error = AppConfig::from_json(&value.to_string()).expect_err("de is not spoken");
    assert_eq!(error, ConfigError::UnknownLocale("de".into()));
    let message = error.to_string();
    assert!(message.contains("\"de\""), "{message}");
    assert!(
        message.contains("\"auto\"") && message.contains("\"pl\""),
        "{message}"
    );
}

// ---------------------------------------------------------------------------
// Polish plurals
// ---------------------------------------------------------------------------

#[test]
fn polish_plural_categories_follow_cldr() {
    use PolishPlural::{Few, Many, One};
    let cases = [
        (0, Many),
        (1, One),
        (2, Few),
        (3, Few),
        (4, Few),
        (5, Many),
        (11, Many),
        (12, Many),
        (13, Many),
        (14, Many),
        (21, Many),
        (22, Few),
        (24, Few),
        (25, Many),
        (101, Many),
        (102, Few),
        (111, Many),
        (112, Many),
        (114, Many),
        (122, Few),
        (1_001, Many),
    ];
    for (n, expected) in cases {
        assert_eq!(polish_plural(n), expected, "{n}");
    }
}

#[test]
fn polish_counts_use_the_right_noun_form() {
    let pl = Messages::of(Locale::Pl);
    assert_eq!((pl.days)(1), "1 dzień");
    assert_eq!((pl.days)(2), "2 dni");
    assert_eq!((pl.days)(5), "5 dni");
    let shown = |n| (pl.charges.page_shown)(3, n);
    assert_eq!(shown(1), "Strona 3: pokazano 1 płatność.");
    assert_eq!(shown(4), "Strona 3: pokazano 4 płatności.");
    let subs = |n| (pl.subscriptions.page_shown)(1, n);
    assert_eq!(subs(1), "Strona 1: pokazano 1 subskrypcję.");
    assert_eq!(subs(2), "Strona 1: pokazano 2 subskrypcje.");
    assert_eq!(subs(5), "Strona 1: pokazano 5 subskrypcji.");
    assert_eq!(subs(12), "Strona 1: pokazano 12 subskrypcji.");
    assert_eq!(subs(22), "Strona 1: pokazano 22 subskrypcje.");
    let entries = |n| (pl.ledger_entries.page_shown)(2, n);
    assert_eq!(entries(1), "Strona 2: pokazano 1 wpis.");
    assert_eq!(entries(3), "Strona 2: pokazano 3 wpisy.");
    assert_eq!(entries(14), "Strona 2: pokazano 14 wpisów.");
    assert_eq!(entries(20), "Strona 2: pokazano 20 wpisów.");
    let every = pl.terms_every_months;
    assert_eq!(every(1), "co miesiąc");
    assert_eq!(every(3), "co 3 miesiące");
    assert_eq!(every(6), "co 6 miesięcy");
    assert_eq!(every(12), "co rok");
    assert_eq!(every(24), "co 24 miesiące");
}

#[test]
fn english_counts_keep_their_wording() {
    let en = Messages::of(Locale::En);
    assert_eq!((en.days)(1), "1 day");
    assert_eq!((en.days)(14), "14 days");
    assert_eq!((en.charges.page_shown)(2, 20), "Page 2: 20 charges shown.");
    assert_eq!((en.terms_every_months)(3), "every 3 months");
}

// ---------------------------------------------------------------------------
// Numbers, money and exact amounts
// ---------------------------------------------------------------------------

#[test]
fn counts_are_grouped_the_locale_way() {
    assert_eq!(format_count(999, Locale::En), "999");
    assert_eq!(format_count(1_234, Locale::En), "1,234");
    assert_eq!(format_count(1_234_567, Locale::En), "1,234,567");
    // CLDR pl groups only from five digits.
    assert_eq!(format_count(1_234, Locale::Pl), "1234");
    assert_eq!(format_count(12_345, Locale::Pl), nb("12~345"));
    assert_eq!(format_count(1_234_567, Locale::Pl), nb("1~234~567"));
}

#[test]
fn english_money_is_unchanged() {
    for code in ["USD", "EUR", "PLN", "CHF", "??"] {
        assert_eq!(
            Cents::new(123_450).display_locale(code, Locale::En),
            Cents::new(123_450).display_in(code)
        );
    }
    assert_eq!(
        Cents::new(123_450).display_locale("USD", Locale::En),
        "$1,234.50"
    );
}

#[test]
fn polish_money_has_a_decimal_comma_and_the_currency_after() {
    let pl = |cents: i64, code: &str| Cents::new(cents).display_locale(code, Locale::Pl);
    assert_eq!(pl(123_450, "USD"), nb("1234,50~USD"));
    assert_eq!(pl(1_234_500, "USD"), nb("12~345,00~USD"));
    assert_eq!(pl(123_456_789, "PLN"), nb("1~234~567,89~zł"));
    assert_eq!(pl(1_900, "pln"), nb("19,00~zł"));
    assert_eq!(pl(-300, "EUR"), nb("-3,00~€"));
    assert_eq!(pl(5, "GBP"), nb("0,05~GBP"));
    assert_eq!(pl(0, "CHF"), nb("0,00~CHF"));
    // A malformed code is never echoed back.
    assert_eq!(pl(1_000, "<b>"), "10,00");
}

#[test]
fn exact_amounts_keep_every_digit_with_the_locale_separator() {
    let amount = ExactAmount::parse("0.86392000").expect("exact");
    assert_eq!(amount.display_locale(Locale::En), "0.86392000");
    assert_eq!(amount.display_locale(Locale::Pl), "0,86392000");
    let tiny = ExactAmount::parse("0.000000000000000001").expect("exact");
    assert_eq!(tiny.display_locale(Locale::Pl), "0,000000000000000001");
    let whole = ExactAmount::parse("150").expect("exact");
    assert_eq!(whole.display_locale(Locale::Pl), "150");
    let negative = ExactAmount::parse("-12.5").expect("exact");
    assert_eq!(negative.display_locale(Locale::Pl), "-12,5");
}

#[test]
fn polish_buyers_may_type_a_decimal_comma() {
    let max = Cents::new(100_000_000);
    assert_eq!(
        parse_cents_in("12,50", max, Locale::Pl),
        Ok(Cents::new(1_250))
    );
    assert_eq!(
        parse_cents_in("12,5", max, Locale::Pl),
        Ok(Cents::new(1_250))
    );
    assert_eq!(parse_cents_in(" 7 ", max, Locale::Pl), Ok(Cents::new(700)));
    assert_eq!(
        parse_cents_in("12.50", max, Locale::Pl),
        Ok(Cents::new(1_250))
    );
    assert_eq!(
        parse_fiat_amount_in("49,99", max, Locale::Pl).map(|a| a.to_string()),
        Ok("49.99".to_owned())
    );
}

#[test]
fn ambiguous_separators_are_refused_not_guessed() {
    let max = Cents::new(100_000_000);
    for input in ["1.234,50", "1,234.50", "1,2,3"] {
        assert_eq!(
            parse_cents_in(input, max, Locale::Pl),
            Err(MoneyInputError::Comma),
            "{input}"
        );
    }
    // Three decimals are not cents, whichever separator.
    assert_eq!(
        parse_cents_in("1,234", max, Locale::Pl),
        Err(MoneyInputError::TooManyDecimals { max: 2 })
    );
    // English keeps refusing commas.
    assert_eq!(
        parse_cents_in("12,50", max, Locale::En),
        Err(MoneyInputError::Comma)
    );
}

#[test]
fn money_input_errors_read_in_each_locale() {
    let comma = MoneyInputError::Comma;
    assert_eq!(comma.message(Locale::En), comma.to_string());
    assert!(
        comma.message(Locale::Pl).contains("12,50")
            || comma.message(Locale::Pl).contains("1234,50")
    );
    let above = MoneyInputError::AboveMaximum {
        max: Cents::new(100_000_000),
    };
    assert_eq!(
        above.message(Locale::Pl),
        nb("Kwota nie może przekraczać 1~000~000,00~USD.")
    );
    assert_eq!(
        MoneyInputError::InvalidCharacter { found: 'x' }.message(Locale::Pl),
        "Znak \u{201e}x\u{201d} jest niedozwolony; użyj cyfr i przecinka, np. 12,50."
    );
}

mod money_props {
    use super::*;
    use proptest::prelude::*;

    proptest! {
        /// Every amount a Polish page shows reads back to the same cents.
        #[test]
        fn polish_display_reads_back(cents in 0_i64..100_000_000) {
            let shown = Cents::new(cents).display_locale("USD", Locale::Pl);
            let typed: String = shown
                .trim_end_matches("USD")
                .chars()
                .filter(|c| *c != NBSP)
                .collect();
            prop_assert_eq!(
                parse_cents_in(&typed, Cents::new(100_000_000), Locale::Pl),
                Ok(Cents::new(cents))
            );
        }

        /// Whatever is typed into a fiat amount field, in either language,
        /// is refused or read as a positive amount within the maximum that
        /// keeps every digit: the same cents the price fields would read.
        #[test]
        fn a_typed_fiat_amount_is_refused_or_exact(
            typed in prop_oneof![
                "\\PC{0,12}",
                "[ 0-9.,-]{0,12}",
                "[0-9]{1,9}([.,][0-9]{0,3})?",
            ],
            polish in any::<bool>(),
        ) {
            let locale = if polish { Locale::Pl } else { Locale::En };
            let max = Cents::new(100_000_000);
            match parse_fiat_amount_in(&typed, max, locale) {
                Ok(amount) => {
                    let cents = amount.to_cents();
                    prop_assert!(cents.is_ok(), "at most two decimals: {amount}");
                    let cents = cents.unwrap_or(Cents::ZERO);
                    prop_assert!(cents > Cents::ZERO && cents <= max, "{typed:?} read as {amount}");
                    prop_assert_eq!(parse_cents_in(&typed, max, locale), Ok(cents));
                    // The digits are the ones typed (leading zeros aside),
                    // with a dot for decimals: "12.50" stays "12.50".
                    let digits = typed.trim().replace(',', ".");
                    let (int, frac) = digits.split_once('.').unwrap_or((&digits, ""));
                    let int = match int.trim_start_matches('0') {
                        "" => "0",
                        rest => rest,
                    };
                    let expected = if digits.contains('.') { format!("{int}.{frac}") } else { int.to_owned() };
                    prop_assert_eq!(amount.to_string(), expected);
                }
                Err(_) => {
                    // A refused amount is refused by the price parser too,
                    // unless it is zero (a price may be free; a payment not).
                    if let Ok(cents) = parse_cents_in(&typed, max, locale) {
                        prop_assert_eq!(cents, Cents::ZERO, "{:?}", typed);
                    }
                }
            }
        }

        /// Every positive amount a page shows, typed back, is read exactly.
        #[test]
        fn a_shown_amount_typed_back_pays_exactly_that(cents in 1_i64..100_000_000, polish in any::<bool>()) {
            let locale = if polish { Locale::Pl } else { Locale::En };
            let shown = Cents::new(cents).display_locale("USD", locale);
            let typed: String = shown
                .trim_start_matches('$')
                .trim_end_matches("USD")
                .chars()
                .filter(|c| *c != NBSP && *c != ' ' && (polish || *c != ','))
                .collect();
            let read = parse_fiat_amount_in(&typed, Cents::new(100_000_000), locale);
            prop_assert_eq!(read.map(|a| a.to_cents()), Ok(Ok(Cents::new(cents))), "{}", shown);
        }

        /// A comma and a dot mean the same in Polish input.
        #[test]
        fn comma_and_dot_agree(whole in 0_u32..1_000_000, frac in 0_u32..100) {
            let max = Cents::new(100_000_000);
            let with_comma = format!("{whole},{frac:02}");
            let with_dot = format!("{whole}.{frac:02}");
            prop_assert_eq!(
                parse_cents_in(&with_comma, max, Locale::Pl),
                parse_cents_in(&with_dot, max, Locale::Pl)
            );
        }
    }
}

// ---------------------------------------------------------------------------
// Dates
// ---------------------------------------------------------------------------

/// 2026-11-23T18:05:09Z.
const INSTANT: u64 = 1_795_457_109_000;

#[test]
fn dates_and_times_read_the_locale_way() {
    assert_eq!(
        format_date_time(INSTANT, 0, Locale::En),
        "23 Nov 2026, 18:05"
    );
    assert_eq!(
        format_date_time(INSTANT, 0, Locale::Pl),
        "23 lis 2026, 18:05"
    );
    // Warsaw in winter is UTC+1.
    assert_eq!(
        format_date_time(INSTANT, 60, Locale::Pl),
        "23 lis 2026, 19:05"
    );
    assert_eq!(
        format_date_time(INSTANT, -19 * 60, Locale::En),
        "22 Nov 2026, 23:05"
    );
    assert_eq!(format_time(INSTANT, 0), "18:05:09");
}

#[test]
fn every_month_has_its_cldr_abbreviation() {
    let pl: Vec<_> = (1..=12)
        .map(|m| month_abbreviation(m, Locale::Pl))
        .collect();
    assert_eq!(
        pl,
        ["sty", "lut", "mar", "kwi", "maj", "cze", "lip", "sie", "wrz", "paź", "lis", "gru"]
    );
    let en: Vec<_> = (1..=12)
        .map(|m| month_abbreviation(m, Locale::En))
        .collect();
    assert_eq!(
        en,
        ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"]
    );
    assert_eq!(format_date(2024, 5, 1, Locale::Pl), "1 maj 2024");
}

#[test]
fn server_dates_keep_the_day_they_were_written_with() {
    // Late evening west of UTC is still the 23rd where it was written.
    let text = "2026-11-23T23:30:00-05:00";
    assert_eq!(
        format_date_prefix(text, Locale::En).as_deref(),
        Some("23 Nov 2026")
    );
    assert_eq!(
        format_date_prefix(text, Locale::Pl).as_deref(),
        Some("23 lis 2026")
    );
    assert_eq!(
        format_date_prefix("2024-02-29T00:00:00Z", Locale::Pl).as_deref(),
        Some("29 lut 2024")
    );
    assert_eq!(format_date_prefix("2023-02-29T00:00:00Z", Locale::Pl), None);
    assert_eq!(format_date_prefix("soon", Locale::En), None);
    assert_eq!(format_date_prefix("2026-13-01", Locale::En), None);
}

// ---------------------------------------------------------------------------
// Catalogs
// ---------------------------------------------------------------------------

/// Texts that are the same word in both languages on purpose.
const SAME_IN_BOTH: &[&str] = &["status", "status_prefix"];

#[test]
fn every_text_is_present_in_every_locale() {
    for locale in Locale::ALL {
        for (name, text) in Messages::of(locale).texts() {
            assert!(!text.trim().is_empty(), "{locale:?}.{name} is empty");
        }
    }
}

#[test]
fn polish_differs_from_english_except_where_meant_to() {
    let en = Messages::of(Locale::En).texts();
    let pl = Messages::of(Locale::Pl).texts();
    assert_eq!(en.len(), pl.len());
    let identical: Vec<String> = en
        .iter()
        .zip(&pl)
        .filter(|((_, e), (_, p))| e == p)
        .map(|((name, _), _)| name.clone())
        .collect();
    let unexpected: Vec<&String> = identical
        .iter()
        .filter(|name| !SAME_IN_BOTH.contains(&name.as_str()))
        .collect();
    assert!(unexpected.is_empty(), "not translated: {unexpected:?}");
}

#[test]
fn parameters_are_substituted() {
    for locale in Locale::ALL {
        let m = Messages::of(locale);
        assert!((m.quantity_range)(100).contains("100"));
        assert!((m.host_failed)("card expired").contains("card expired"));
        assert!((m.status_unknown)("on_hold").contains("on_hold"));
        assert!((m.unknown_status_help)("on_hold").contains("on_hold"));
        assert!((m.status_is)("Paid").contains("Paid"));
        assert!((m.page_n)(7).contains('7'));
        assert!((m.back_to_page)(4).contains('4'));
        assert!((m.not_a_charge_detail)("too long").contains("too long"));
        assert!((m.not_a_subscription_detail)("too long").contains("too long"));
        assert!((m.other_type)("bonus").contains("bonus"));
        assert!((m.terms_once_for)(3).contains('3'));
        assert!((m.terms_trial_days)(14).contains("14"));
        assert!((m.dev_bulk)(10_000).contains("10000"));
        assert!((m.dev_bulk_listed)(10_000).contains("10000"));
        let refund = (m.refund_about)("9,99 USD", 12);
        assert!(
            refund.contains("9,99 USD") && refund.contains("12"),
            "{refund}"
        );
        for list in [&m.charges, &m.subscriptions, &m.ledger_entries] {
            assert!((list.page_empty)(9).contains('9'));
            assert!((list.page_shown)(9, 17).contains("17"));
            assert!((list.no_more)(9).contains('9'));
            assert!((list.none_with_status)("Paid").contains("Paid"));
        }
    }
}

#[test]
fn the_developer_panels_counts_take_the_polish_plural() {
    let m = Messages::of(Locale::Pl);
    assert_eq!((m.dev_bulk)(10_000), "Pokaż 10000 wygenerowanych wpisów");
    assert_eq!((m.dev_bulk)(2), "Pokaż 2 wygenerowane wpisy");
    assert!((m.dev_bulk_listed)(1).starts_with("Listy pokazują 1 wygenerowaną płatność"));
}

#[test]
fn crypto_form_limits_read_in_each_locale() {
    let en = Messages::of(Locale::En);
    assert_eq!(
        (en.crypto_description_too_long)(500),
        "This must be at most 500 characters."
    );
    let pl = Messages::of(Locale::Pl);
    assert_eq!(
        (pl.crypto_description_too_long)(500),
        "Wpisz najwyżej 500 znaków."
    );
    assert_eq!(
        (pl.crypto_name_too_long)(100),
        "Wpisz najwyżej 100 znaków bez znaków sterujących."
    );
    assert_eq!(
        (pl.crypto_name_too_long)(2),
        "Wpisz najwyżej 2 znaki bez znaków sterujących."
    );
}

#[test]
fn unusable_address_parameters_are_named_in_each_locale() {
    let en = Messages::of(Locale::En);
    assert_eq!(
        (en.note_not_a_page)("two"),
        "\u{201c}two\u{201d} in the address is not a page number, so page 1 is shown."
    );
    let pl = Messages::of(Locale::Pl);
    assert_eq!(
        (pl.note_not_a_page)("dwa"),
        "\u{201e}dwa\u{201d} w adresie nie jest numerem strony, więc pokazano stronę 1."
    );
    assert!((pl.note_not_a_status)("zapłacone")
        .starts_with("\u{201e}zapłacone\u{201d} w adresie nie jest statusem"));
    assert!((pl.note_not_an_account)("abc").ends_with("więc pokazano wszystkie konta."));
}

#[test]
fn amounts_are_prefilled_for_editing_the_way_the_locale_writes_them() {
    let amount = Cents::new(123_450);
    assert_eq!(amount.to_input_string(Locale::En), "1234.50");
    assert_eq!(amount.to_input_string(Locale::Pl), "1234,50");
    assert_eq!(Cents::new(-5).to_input_string(Locale::Pl), "-0,05");
    // What is prefilled reads back as the same amount.
    for locale in Locale::ALL {
        let text = amount.to_input_string(locale);
        assert_eq!(
            parse_cents_in(&text, DEFAULT_MAX_CENTS, locale),
            Ok(amount),
            "{text}"
        );
    }
}

#[test]
fn item_terms_read_in_each_locale() {
    let sub = ItemKind::Subscription {
        months: 1,
        trial_days: 14,
        per_account: true,
    };
    assert_eq!(sub.terms(), "every month, per agent, 14-day free trial");
    assert_eq!(
        sub.terms_in(Messages::of(Locale::Pl)),
        "co miesiąc, za agenta, 14-dniowy bezpłatny okres próbny"
    );
    let once = ItemKind::OneTime {
        quantity: 3,
        per_account: false,
    };
    assert_eq!(
        once.terms_in(Messages::of(Locale::Pl)),
        "jednorazowo, za 3 szt."
    );
}

// ---------------------------------------------------------------------------
// Plans forms
// ---------------------------------------------------------------------------

mod plan_forms {
    use super::*;
    use billing_widget::domain::plan::{PlanField, PlanFieldError, PlanForm};

    fn form(amount: &str, tax: &str) -> PlanForm {
        PlanForm {
            name: "Starter".into(),
            code: String::new(),
            account_id: "1001".into(),
            amount: amount.into(),
            tax_amount: tax.into(),
            billing_cycle: "M".into(),
            is_active: true,
        }
    }

    #[test]
    fn polish_plan_amounts_accept_a_decimal_comma() {
        let dotted = form("19,99", "1,5").with_decimal_dots(Locale::Pl);
        assert_eq!(dotted.amount, "19.99");
        assert_eq!(dotted.tax_amount, "1.5");
        let new = dotted.validate_new().expect("a valid plan");
        assert_eq!(new.amount, Cents::new(1_999));
        // English keeps what was typed, so the comma is refused there.
        assert_eq!(
            form("19,99", "").with_decimal_dots(Locale::En).amount,
            "19,99"
        );
        // Mixed separators stay as typed and are refused.
        let mixed = form("1.019,99", "").with_decimal_dots(Locale::Pl);
        assert!(mixed.validate_new().is_err());
    }

    #[test]
    fn plan_field_errors_read_in_polish() {
        assert_eq!(
            PlanFieldError::Negative.sentence_in(PlanField::Amount, Locale::En),
            "Amount cannot be negative."
        );
        assert_eq!(
            PlanFieldError::Money(MoneyInputError::Empty)
                .sentence_in(PlanField::Amount, Locale::En),
            "Amount: Enter an amount."
        );
        assert_eq!(
            PlanFieldError::Negative.sentence_in(PlanField::TaxAmount, Locale::Pl),
            "Podatek: wartość nie może być ujemna."
        );
        assert_eq!(
            PlanFieldError::TooLong { max: 255 }.sentence_in(PlanField::Name, Locale::Pl),
            "Nazwa: najwyżej 255 znaków."
        );
        assert_eq!(
            PlanFieldError::TooLong { max: 2 }.sentence_in(PlanField::Name, Locale::Pl),
            "Nazwa: najwyżej 2 znaki."
        );
    }
}

#[test]
fn giving_up_on_a_payment_reads_in_polish() {
    use billing_widget::domain::polling::GiveUpReason;
    let reasons = [
        GiveUpReason::StillProcessing,
        GiveUpReason::Unreachable,
        GiveUpReason::Rejected { status: 418 },
        GiveUpReason::NotAuthorized,
    ];
    for reason in reasons {
        assert_eq!(reason.message_in(Locale::En), reason.to_string());
        assert_ne!(reason.message_in(Locale::Pl), reason.to_string());
    }
    assert!(GiveUpReason::StillProcessing
        .message_in(Locale::Pl)
        .starts_with("Płatność wciąż jest przetwarzana"));
    assert!(GiveUpReason::Rejected { status: 418 }
        .message_in(Locale::Pl)
        .contains("HTTP 418"));
}

#[test]
fn every_timeline_step_has_a_polish_label() {
    use billing_widget::domain::charge::{DirectChargeStatus as D, RecurrentChargeStatus as R};
    use billing_widget::domain::checkout::{direct_timeline, recurrent_timeline};
    let direct: Vec<D> = D::KNOWN
        .into_iter()
        .chain([D::Unknown("on_hold".into())])
        .collect();
    let recurrent: Vec<R> = R::KNOWN
        .into_iter()
        .chain([R::Unknown("on_hold".into())])
        .collect();
    let mut steps = Vec::new();
    for activated in [false, true] {
        for status in &direct {
            steps.extend(direct_timeline(status, activated));
        }
        for in_trial in [false, true] {
            for status in &recurrent {
                steps.extend(recurrent_timeline(status, activated, in_trial));
            }
        }
    }
    for step in steps {
        assert_eq!(step.label_in(Locale::En), step.label);
        assert_ne!(
            step.label_in(Locale::Pl),
            step.label,
            "{} has no Polish label",
            step.label
        );
    }
}

/// Every case reads in English as its `Display` text and in Polish as a
/// non-empty text of its own.
fn assert_polish<T: std::fmt::Display + std::fmt::Debug>(
    cases: &[T],
    message_in: impl Fn(&T, Locale) -> String,
) {
    for case in cases {
        assert_eq!(message_in(case, Locale::En), case.to_string(), "{case:?}");
        let polish = message_in(case, Locale::Pl);
        assert!(!polish.trim().is_empty(), "{case:?} has no Polish text");
        assert_ne!(polish, case.to_string(), "{case:?} has no Polish text");
    }
}

// ---------------------------------------------------------------------------
// Return links and ids
// ---------------------------------------------------------------------------

mod return_links {
    use super::*;
    use billing_widget::domain::charge::{DirectChargeId, IdError};
    use billing_widget::domain::return_url::{
        check_confirmation_url, parse_charge_return, ChargeReturnError, UnsafeUrlError,
        DEFAULT_CONFIRMATION_ORIGINS,
    };

    fn id_errors() -> Vec<IdError> {
        vec![
            IdError::Empty,
            IdError::TooLong { len: 130, max: 128 },
            IdError::InvalidCharacter { found: '/' },
        ]
    }

    #[test]
    fn every_id_error_reads_in_polish() {
        assert_polish(&id_errors(), IdError::message_in);
        assert_eq!(
            DirectChargeId::parse("")
                .unwrap_err()
                .message_in(Locale::Pl),
            "identyfikator jest pusty"
        );
        let too_long = |len| IdError::TooLong { len, max: 128 }.message_in(Locale::Pl);
        assert_eq!(
            too_long(130),
            "identyfikator ma 130 znaków, a może mieć najwyżej 128"
        );
        assert!(too_long(132).contains("132 znaki,"), "{}", too_long(132));
        assert_eq!(
            IdError::InvalidCharacter { found: '/' }.message_in(Locale::Pl),
            "identyfikator zawiera \u{201e}/\u{201d}; dozwolone są tylko litery, cyfry, \
             \u{201e}-\u{201d} i \u{201e}_\u{201d}"
        );
        // Nothing invisible reaches the page.
        let newline = IdError::InvalidCharacter { found: '\n' }.message_in(Locale::Pl);
        assert!(newline.contains("\u{201e}\\n\u{201d}"), "{newline}");
    }

    #[test]
    fn every_tampered_return_link_reads_in_polish() {
        let mut cases = vec![
            ChargeReturnError::TooLong,
            ChargeReturnError::MissingId,
            ChargeReturnError::DuplicateParam("id"),
            ChargeReturnError::Markup("type"),
            ChargeReturnError::UnknownType("bonus".into()),
        ];
        cases.extend(id_errors().into_iter().map(ChargeReturnError::InvalidId));
        assert_polish(&cases, ChargeReturnError::message_in);

        let missing = parse_charge_return("?type=direct_charge").unwrap_err();
        assert_eq!(
            missing.message_in(Locale::Pl),
            "adres powrotu nie wskazuje, której płatności dotyczy"
        );
        let duplicate = parse_charge_return("?id=a&id=b").unwrap_err();
        assert_eq!(
            duplicate.message_in(Locale::Pl),
            "parametr \u{201e}id\u{201d} występuje w adresie powrotu więcej niż raz"
        );
        let invalid = parse_charge_return("?id=a%2Fb").unwrap_err();
        assert_eq!(
            invalid.message_in(Locale::Pl),
            "identyfikator płatności w adresie powrotu jest nieprawidłowy: identyfikator \
             zawiera \u{201e}/\u{201d}; dozwolone są tylko litery, cyfry, \u{201e}-\u{201d} i \
             \u{201e}_\u{201d}"
        );
        let pl = Messages::of(Locale::Pl);
        assert_eq!(
            (pl.return_invalid_detail)(&missing.message_in(Locale::Pl)),
            "Nic nie zostało pobrane ani aktywowane: adres powrotu nie wskazuje, której \
             płatności dotyczy."
        );
    }

    #[test]
    fn every_refused_payment_page_reads_in_polish() {
        let cases = [
            UnsafeUrlError::Empty,
            UnsafeUrlError::TooLong,
            UnsafeUrlError::ControlOrWhitespace,
            UnsafeUrlError::NonAscii,
            UnsafeUrlError::Backslash,
            UnsafeUrlError::ProtocolRelative,
            UnsafeUrlError::NotAbsolute,
            UnsafeUrlError::ForbiddenScheme("javascript".into()),
            UnsafeUrlError::MissingSlashes,
            UnsafeUrlError::MissingHost,
            UnsafeUrlError::Userinfo,
            UnsafeUrlError::EncodedHost,
            UnsafeUrlError::EncodedControl,
            UnsafeUrlError::Malformed,
            UnsafeUrlError::NotHttps,
            UnsafeUrlError::Punycode,
            UnsafeUrlError::LookalikeHost("billing.livechatinc.com.evil.example".into()),
            UnsafeUrlError::UnexpectedPort,
            UnsafeUrlError::NotAllowed("https://evil.example".into()),
        ];
        assert_polish(&cases, UnsafeUrlError::message_in);

        let refused =
            check_confirmation_url("javascript:alert(1)", &DEFAULT_CONFIRMATION_ORIGINS, None)
                .unwrap_err();
        assert_eq!(
            refused.message_in(Locale::Pl),
            "adres strony płatności używa schematu \u{201e}javascript\u{201d}; dozwolony jest \
             tylko https"
        );
        let not_https = check_confirmation_url(
            "http://billing.livechatinc.com/x",
            &DEFAULT_CONFIRMATION_ORIGINS,
            None,
        )
        .unwrap_err();
        let pl = Messages::of(Locale::Pl);
        assert_eq!(
            (pl.confirmation_not_opened)(&not_https.message_in(Locale::Pl)),
            "Strona potwierdzenia nie została otwarta: adres strony płatności nie używa https."
        );
        assert!((pl.unsafe_confirmation)(&not_https.message_in(Locale::Pl))
            .starts_with("Płatność została utworzona, ale jej strona potwierdzenia nie została otwarta: adres strony płatności nie używa https."));
        let en = Messages::of(Locale::En);
        assert_eq!(
            (en.unsafe_confirmation)(&not_https.message_in(Locale::En)),
            "The charge was created, but its confirmation page was not opened because the \
             payment page address is not https. Nothing has been paid. Please tell the app's \
             owner."
        );
    }
}

// ---------------------------------------------------------------------------
// Plan codes
// ---------------------------------------------------------------------------

#[test]
fn plan_code_problems_read_in_polish() {
    use billing_widget::domain::money::MoneyInputError;
    use billing_widget::domain::plan::{PlanCode, PlanFieldError};
    let cases = [
        PlanFieldError::Required,
        PlanFieldError::TooLong { max: 60 },
        PlanFieldError::ControlCharacter,
        PlanFieldError::InvalidCharacter { found: '*' },
        PlanFieldError::NotAnInteger,
        PlanFieldError::NotPositive,
        PlanFieldError::Negative,
        PlanFieldError::AboveMaximum {
            max: Cents::new(100_000_000),
        },
        PlanFieldError::Money(MoneyInputError::Empty),
        PlanFieldError::Immutable,
    ];
    assert_polish(&cases, PlanFieldError::problem_in);
    for case in &cases {
        assert!(!case.problem_in(Locale::Pl).ends_with('.'), "{case:?}");
    }
    let pl = Messages::of(Locale::Pl);
    let en = Messages::of(Locale::En);
    let sentence = |raw: &str, m: &Messages, locale| {
        (m.plan_code_invalid)(&PlanCode::parse(raw).unwrap_err().problem_in(locale))
    };
    assert_eq!(
        sentence(" ", pl, Locale::Pl),
        "Kod planu: pole jest wymagane."
    );
    assert_eq!(sentence(" ", en, Locale::En), "The plan code is required.");
    assert_eq!(
        sentence(&"a".repeat(61), pl, Locale::Pl),
        "Kod planu: najwyżej 60 znaków."
    );
    assert_eq!(
        sentence("a b", pl, Locale::Pl),
        "Kod planu: dozwolone są tylko litery, cyfry, \u{201e}.\u{201d}, \u{201e}-\u{201d} i \
         \u{201e}_\u{201d} (znaleziono \u{201e} \u{201d})."
    );
}

#[test]
fn a_plan_name_that_cannot_be_saved_reads_in_polish() {
    use billing_widget::domain::plan::{PlanFieldError, PlanName};
    let too_long = PlanName::parse(&"n".repeat(256)).unwrap_err();
    assert_eq!(too_long, PlanFieldError::TooLong { max: 255 });
    assert_eq!(
        (Messages::of(Locale::Pl).plan_name_unsaveable)(&too_long.problem_in(Locale::Pl)),
        "Nie można zapisać planu z obecną nazwą (najwyżej 255 znaków): popraw ją w formularzu \
         poniżej."
    );
    assert_eq!(
        (Messages::of(Locale::En).plan_name_unsaveable)(&too_long.problem_in(Locale::En)),
        "The plan's name must be at most 255 characters, so it cannot be saved as it is: \
         correct it in the form below."
    );
}

// ---------------------------------------------------------------------------
// Signing in
// ---------------------------------------------------------------------------

mod sign_in {
    use super::*;
    use billing_widget::domain::oauth::{
        CallbackError, OAuthError, PendingSignInError, RedirectGuardError, SignInError, StateError,
    };

    #[test]
    fn the_sign_in_loop_guard_reads_in_polish() {
        let wait = |wait_ms| RedirectGuardError::TooManyAttempts { wait_ms }.message_in(Locale::Pl);
        assert_eq!(
            wait(800),
            "Zbyt wiele prób logowania. Odczekaj 1 sekundę, a potem spróbuj ponownie."
        );
        assert!(
            wait(3_000).contains("Odczekaj 3 sekundy,"),
            "{}",
            wait(3_000)
        );
        assert!(
            wait(12_000).contains("Odczekaj 12 sekund,"),
            "{}",
            wait(12_000)
        );
        assert!(
            wait(22_000).contains("Odczekaj 22 sekundy,"),
            "{}",
            wait(22_000)
        );
        assert!(
            wait(25_000).contains("Odczekaj 25 sekund,"),
            "{}",
            wait(25_000)
        );
        assert_polish(
            &[RedirectGuardError::TooManyAttempts { wait_ms: 30_000 }],
            RedirectGuardError::message_in,
        );
    }

    #[test]
    fn every_sign_in_failure_reads_in_polish() {
        let codes = [
            "access_denied",
            "invalid_scope",
            "invalid_request",
            "unauthorized_client",
            "invalid_grant",
            "too_many_redirects",
            "unauthorized",
            "server_error",
            "temporarily_unavailable",
            "weird_code",
        ];
        let mut cases: Vec<SignInError> = codes
            .iter()
            .map(|code| OAuthError::new(code, None).into())
            .collect();
        cases.extend(
            [
                CallbackError::InvalidUrl,
                CallbackError::DuplicateParameter("state".into()),
                CallbackError::MissingAccessToken,
                CallbackError::InvalidAccessToken,
                CallbackError::UnsupportedTokenType("mac".into()),
                CallbackError::InvalidExpiresIn("soon".into()),
                CallbackError::MissingCode,
                CallbackError::InvalidCode,
                CallbackError::Ambiguous,
            ]
            .map(SignInError::from),
        );
        cases.extend(
            [
                StateError::Missing,
                StateError::Mismatch,
                StateError::NothingPending,
            ]
            .map(SignInError::from),
        );
        cases.extend(
            [PendingSignInError::Corrupt, PendingSignInError::Expired].map(SignInError::from),
        );
        cases.push(SignInError::FlowMismatch);
        assert_polish(&cases, SignInError::message_in);

        assert_eq!(
            SignInError::from(StateError::Mismatch).message_in(Locale::Pl),
            "Odpowiedź logowania nie należy do tej sesji przeglądarki. Zaloguj się ponownie."
        );
        assert_eq!(
            SignInError::from(OAuthError::new("access_denied", None)).message_in(Locale::Pl),
            "Dostęp nie został udzielony. Zaloguj się ponownie, aby kontynuować."
        );
        // A code the server sent is quoted as it came.
        let other = OAuthError::new("weird_code", None).user_message_in(Locale::Pl);
        assert!(
            other.starts_with("Logowanie nie powiodło się (weird_code)."),
            "{other}"
        );
        let duplicate = CallbackError::DuplicateParameter("state".into()).message_in(Locale::Pl);
        assert!(duplicate.contains("\u{201e}state\u{201d}"), "{duplicate}");
    }
}

// ---------------------------------------------------------------------------
// Bidali addresses and QR codes
// ---------------------------------------------------------------------------

mod crypto_addresses {
    use super::*;
    use billing_widget::domain::crypto::{AddressError, CryptoAddress, PaymentUriError};
    use billing_widget::domain::qr::{qr_path, QrError};

    fn address_errors() -> Vec<AddressError> {
        vec![
            AddressError::Empty,
            AddressError::TooLong,
            AddressError::Whitespace,
            AddressError::UriDelimiter('?'),
            AddressError::InvalidCharacter('é'),
            AddressError::NotEthereum,
        ]
    }

    #[test]
    fn every_address_problem_reads_in_polish() {
        assert_polish(&address_errors(), AddressError::message_in);
        let problem = CryptoAddress::parse("bc1q?amount=999").unwrap_err();
        assert_eq!(
            problem.message_in(Locale::Pl),
            "adres płatności zawiera znak \u{201e}?\u{201d}, który zmieniłby link płatności"
        );
        let pl = Messages::of(Locale::Pl);
        let shown = (pl.unchecked_address)("Bitcoin", &problem.message_in(Locale::Pl));
        assert!(
            shown.contains("(adres płatności zawiera znak \u{201e}?\u{201d}"),
            "{shown}"
        );
    }

    #[test]
    fn every_payment_link_problem_reads_in_polish() {
        let mut cases = vec![
            PaymentUriError::UnsupportedCurrency("dogecoin".into()),
            PaymentUriError::MissingAddress,
            PaymentUriError::NotPositive,
            PaymentUriError::TooPrecise {
                ticker: "BTC",
                decimals: 8,
            },
            PaymentUriError::Overflow,
        ];
        cases.extend(address_errors().into_iter().map(PaymentUriError::Address));
        assert_polish(&cases, PaymentUriError::message_in);
        let precise = |decimals| {
            PaymentUriError::TooPrecise {
                ticker: "USDT",
                decimals,
            }
            .message_in(Locale::Pl)
        };
        assert_eq!(
            precise(6),
            "USDT pozwala najwyżej na 6 miejsc po przecinku, a kwota ma ich więcej"
        );
        assert!(precise(2).contains("na 2 miejsca po"), "{}", precise(2));
        assert!(precise(1).contains("na 1 miejsce po"), "{}", precise(1));
    }

    #[test]
    fn a_qr_code_problem_reads_in_polish() {
        assert_polish(&[QrError], |e, locale| e.message_in(locale).to_owned());
        let error = qr_path(&"x".repeat(10_000)).unwrap_err();
        let pl = Messages::of(Locale::Pl);
        assert_eq!(
            (pl.no_qr)(error.message_in(Locale::Pl)),
            "Brak kodu QR: link płatności jest za długi na kod QR. Zamiast tego skopiuj adres i \
             kwotę."
        );
    }
}
