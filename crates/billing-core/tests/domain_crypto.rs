//! Bidali crypto charges: status codes, currencies and payment URIs, and the
//! payment page's rules (the quotes' order, what is left to send, when a
//! watched payment ended, the countdown's clock).

use std::collections::BTreeMap;

use billing_core::domain::crypto::{
    currency_by_ticker, currency_info, ordered_quotes, payment_uri, AddressError, BidaliChargeId,
    CryptoAddress, PaymentUriError, PaymentUriKind, Protocol, Quote, QuoteStatus, StatusCategory,
    StatusCode, UriScheme, CURRENCIES, DAI_CONTRACT, GENERIC_LOGO_PATH,
};
use billing_core::domain::crypto_checkout::{
    amount_to_send, countdown_now_ms, payment_ended, Ended, PaymentProgress,
};
use billing_core::domain::money::ExactAmount;
use serde_json::json;

/// The seed's charge after payment, trimmed to what the widget reads.
const SEED_PAID_CHARGE: &str = r#"{
  "id": "sD-R4Fc6e",
  "amount": "150",
  "statusCode": 300,
  "status": "success",
  "currency": "USD",
  "payments": {
    "ethereum": {
      "transactions": [{"hash": "0x1df7", "amount": "0.86392", "confirmations": 3}],
      "requiredConfirmations": 3,
      "balance": "0.86392",
      "pending": "0",
      "outstanding": "0"
    }
  },
  "quotes": {
    "ethereum": {"id": "ccceb362-2c11-4a08-ba3c-bbb60ba46110", "rate": "0.00575946", "amount": "0.86392", "index": "205", "extraId": null, "status": "ACTIVE", "address": "0x4fc75db3bd33cb35944c770ab0a295eb19d37ec7", "currency": "ETH"},
    "dai": {"id": "bb25b745-d0c6-4c70-82c0-9ebd31642e66", "rate": "1.066", "amount": "159.9", "index": null, "extraId": null, "status": "ACTIVE", "address": null, "currency": "DAI"},
    "litecoin": {"id": "c0efeeb2-e0d2-402d-b5b4-6ce376ce7250", "rate": "0.01167582", "amount": "1.7514", "index": null, "extraId": null, "status": "ACTIVE", "address": null, "currency": "LTC"},
    "bitcoin": {"id": "8887af3e-7868-4703-b078-ed1289a3138e", "rate": "0.00019577", "amount": "0.029366", "index": null, "extraId": null, "status": "ACTIVE", "address": null, "currency": "BTC"}
  }
}"#;

/// The seed's bitcoin quote after `GET /quotes/:id` gave it an address.
const SEED_FETCHED_BITCOIN_QUOTE: &str = r#"{
  "id": "8887af3e-7868-4703-b078-ed1289a3138e",
  "rate": "0.00019577",
  "amount": "0.029366",
  "index": "907",
  "extraId": null,
  "status": "ACTIVE",
  "address": "3MxUt22azaF6VkoJNFkCUvmadu6MwHB8va",
  "currency": "BTC"
}"#;

const ETH_ADDRESS: &str = "0x4fc75db3bd33cb35944c770ab0a295eb19d37ec7";

fn amount(text: &str) -> ExactAmount {
    ExactAmount::parse(text).unwrap()
}

// ---- Status codes -----------------------------------------------------------

#[test]
fn seed_fresh_charge_is_pending_whatever_its_status_string_says() {
    // The seed's newly created charge has "statusCode": 100 next to
    // "status": "success": the code decides.
    let code: StatusCode = serde_json::from_value(json!(100)).unwrap();
    assert_eq!(code, StatusCode::PENDING);
    assert_eq!(code.category(), StatusCategory::Pending);
    assert!(!code.is_paid());
    assert!(code.should_poll());
}

#[test]
fn seed_paid_charge_is_paid_and_final() {
    let charge: serde_json::Value = serde_json::from_str(SEED_PAID_CHARGE).unwrap();
    let code: StatusCode = serde_json::from_value(charge["statusCode"].clone()).unwrap();
    assert_eq!(code, StatusCode::SUCCESS);
    assert!(code.is_paid());
    assert!(code.is_terminal());
    assert_eq!(code.name(), charge["status"].as_str());
    let id: BidaliChargeId = serde_json::from_value(charge["id"].clone()).unwrap();
    assert_eq!(id.as_str(), "sD-R4Fc6e");
    let paid: ExactAmount =
        serde_json::from_value(charge["payments"]["ethereum"]["balance"].clone()).unwrap();
    let due: ExactAmount =
        serde_json::from_value(charge["quotes"]["ethereum"]["amount"].clone()).unwrap();
    assert_eq!(paid, due);
}

#[test]
fn every_seed_status_name_maps_to_its_code() {
    for (name, code) in [
        ("pending", 100),
        ("underpaid", 105),
        ("processing", 200),
        ("success", 300),
        ("overpaid", 310),
        ("resolved", 320),
        ("failure", 400),
        ("timeout", 410),
        ("unsettled", 415),
        ("late", 420),
    ] {
        assert_eq!(
            StatusCode::from_name(name),
            Some(StatusCode::new(code)),
            "{name}"
        );
        assert_eq!(StatusCode::new(code).name(), Some(name));
    }
    assert_eq!(StatusCode::from_name("review"), Some(StatusCode::REVIEW));
    assert_eq!(
        StatusCode::from_name("refunded"),
        Some(StatusCode::REFUNDED)
    );
    assert_eq!(StatusCode::from_name("error"), Some(StatusCode::ERROR));
    assert_eq!(StatusCode::from_name("bogus"), None);
}

#[test]
fn only_the_named_successes_are_paid() {
    for code in 0..=1000u16 {
        let code = StatusCode::new(code);
        assert_eq!(
            code.is_paid(),
            [300, 310, 320].contains(&code.get()),
            "{code}"
        );
    }
    assert!(StatusCode::OVERPAID.is_paid());
    assert!(StatusCode::RESOLVED.is_paid());
    assert!(
        !StatusCode::REVIEW.is_paid(),
        "417 overpaid-in-review is not paid yet"
    );
    assert!(!StatusCode::REFUNDED.is_paid());
    assert!(!StatusCode::LATE.is_paid());
}

#[test]
fn unknown_codes_fall_into_their_range() {
    assert_eq!(StatusCode::new(150).category(), StatusCategory::Pending);
    assert_eq!(StatusCode::new(250).category(), StatusCategory::Processing);
    assert_eq!(
        StatusCode::new(399).category(),
        StatusCategory::Unknown,
        "a success this page cannot describe is not shown as paid"
    );
    assert_eq!(StatusCode::new(499).category(), StatusCategory::Failed);
    assert_eq!(StatusCode::new(503).category(), StatusCategory::Error);
    assert_eq!(StatusCode::new(99).category(), StatusCategory::Unknown);
    assert_eq!(StatusCode::new(600).category(), StatusCategory::Unknown);
    assert_eq!(StatusCode::new(0).category(), StatusCategory::Unknown);

    assert_eq!(StatusCode::new(250).label(), "Confirming payment");
    assert_eq!(StatusCode::new(399).label(), "Status unknown");
    assert!(!StatusCode::new(399).is_paid());
    assert!(
        StatusCode::new(399).should_poll(),
        "polled until it becomes a code the page knows, or the deadline"
    );
    assert_eq!(StatusCode::new(430).label(), "Payment failed");
    assert_eq!(StatusCode::new(700).label(), "Status unknown");
    assert_eq!(StatusCode::new(430).name(), None);
}

#[test]
fn polling_stops_once_paid_failed_or_errored() {
    assert!(StatusCode::PENDING.should_poll());
    assert!(StatusCode::UNDERPAID.should_poll());
    assert!(StatusCode::PROCESSING.should_poll());
    for done in [
        StatusCode::SUCCESS,
        StatusCode::FAILURE,
        StatusCode::TIMEOUT,
        StatusCode::UNDERPAID_EXPIRED,
        StatusCode::REFUNDED,
        StatusCode::ERROR,
    ] {
        assert!(done.is_terminal(), "{done}");
        assert!(!done.should_poll(), "{done}");
    }
}

#[test]
fn every_named_code_has_its_own_label_and_description() {
    let mut labels = std::collections::HashSet::new();
    for code in StatusCode::NAMED {
        assert!(code.name().is_some(), "{code}");
        assert!(code.description().ends_with('.'), "{code}");
        labels.insert(code.label());
    }
    assert_eq!(labels.len(), StatusCode::NAMED.len());
    assert_eq!(StatusCode::UNDERPAID.label(), "Partially paid");
    assert_eq!(StatusCode::UNDERPAID_EXPIRED.label(), "Underpaid");
    assert_eq!(StatusCode::REVIEW.label(), "Under review");
    assert_eq!(StatusCode::LATE.label(), "Paid too late");
}

#[test]
fn status_codes_serialise_as_numbers() {
    assert_eq!(serde_json::to_value(StatusCode::LATE).unwrap(), json!(420));
}

// ---- Currencies --------------------------------------------------------------

#[test]
fn every_seed_quote_currency_is_known_by_protocol_and_ticker() {
    let charge: serde_json::Value = serde_json::from_str(SEED_PAID_CHARGE).unwrap();
    let quotes = charge["quotes"].as_object().unwrap();
    assert_eq!(quotes.len(), 4);
    for (protocol, quote) in quotes {
        let info = currency_info(protocol).unwrap_or_else(|| panic!("{protocol}"));
        let ticker = quote["currency"].as_str().unwrap();
        assert_eq!(info.ticker, ticker);
        assert_eq!(
            currency_by_ticker(ticker).map(|c| c.protocol),
            Some(info.protocol)
        );
    }
}

#[test]
fn currency_decimals_are_those_of_each_chain() {
    let decimals = |p: &str| currency_info(p).map(|c| c.decimals);
    assert_eq!(decimals("bitcoin"), Some(8));
    assert_eq!(decimals("litecoin"), Some(8));
    assert_eq!(decimals("bitcoincash"), Some(8));
    assert_eq!(decimals("ethereum"), Some(18));
    assert_eq!(decimals("dai"), Some(18));
    assert_eq!(currency_info("dogecoin"), None);
    assert_eq!(
        currency_info("dai").map(|c| c.uri),
        Some(UriScheme::Erc20 {
            contract: Some(DAI_CONTRACT)
        })
    );
    assert_eq!(CURRENCIES.len(), 5);
}

#[test]
fn logos_follow_the_seed_pattern_with_local_fallbacks() {
    let bitcoin = Protocol::parse("bitcoin").unwrap();
    assert_eq!(
        bitcoin.logo_url(),
        "https://assets.bidali.com/currencies/bitcoin.png"
    );
    assert_eq!(
        bitcoin.small_logo_url(),
        "https://assets.bidali.com/currencies/small/bitcoin.png"
    );
    assert_eq!(bitcoin.local_logo_path(), "currencies/bitcoin.svg");
    assert_eq!(bitcoin.display_name(), "Bitcoin");

    let other = Protocol::parse("dogecoin").unwrap();
    assert_eq!(other.local_logo_path(), GENERIC_LOGO_PATH);
    assert_eq!(other.display_name(), "dogecoin");
}

#[test]
fn protocol_names_that_could_alter_a_logo_url_are_refused() {
    for bad in ["", "../x", "bit coin", "Bitcoin", "a?b", "x/y", "a.png#"] {
        assert!(Protocol::parse(bad).is_err(), "{bad:?}");
    }
    assert!(Protocol::parse(&"a".repeat(33)).is_err());
}

// ---- Payment URIs ----------------------------------------------------------------

#[test]
fn seed_bitcoin_quote_gives_a_bip21_uri() {
    let quote: Quote = serde_json::from_str(SEED_FETCHED_BITCOIN_QUOTE).unwrap();
    assert_eq!(quote.status, QuoteStatus::Active);
    assert_eq!(quote.amount.to_string(), "0.029366");
    let uri = quote.payment_uri("bitcoin").unwrap();
    assert_eq!(
        uri.uri,
        "bitcoin:3MxUt22azaF6VkoJNFkCUvmadu6MwHB8va?amount=0.029366"
    );
    assert_eq!(uri.kind, PaymentUriKind::Bip21);
    assert!(uri.includes_amount());
}

#[test]
fn seed_ethereum_quote_gives_an_eip681_uri_in_wei() {
    let charge: serde_json::Value = serde_json::from_str(SEED_PAID_CHARGE).unwrap();
    let quote: Quote = serde_json::from_value(charge["quotes"]["ethereum"].clone()).unwrap();
    let uri = quote.payment_uri("ethereum").unwrap();
    assert_eq!(
        uri.to_string(),
        "ethereum:0x4fc75db3bd33cb35944c770ab0a295eb19d37ec7?value=863920000000000000"
    );
    assert_eq!(uri.kind, PaymentUriKind::Eip681Ether);
}

#[test]
fn quotes_without_an_address_have_no_uri_yet() {
    let charge: serde_json::Value = serde_json::from_str(SEED_PAID_CHARGE).unwrap();
    let quote: Quote = serde_json::from_value(charge["quotes"]["litecoin"].clone()).unwrap();
    assert_eq!(quote.address, None);
    assert_eq!(
        quote.payment_uri("litecoin"),
        Err(PaymentUriError::MissingAddress)
    );
}

#[test]
fn quotes_round_trip_through_json() {
    let quote: Quote = serde_json::from_str(SEED_FETCHED_BITCOIN_QUOTE).unwrap();
    let again: Quote = serde_json::from_value(serde_json::to_value(&quote).unwrap()).unwrap();
    assert_eq!(again, quote);
    let value = serde_json::to_value(&quote).unwrap();
    assert_eq!(value["amount"], json!("0.029366"));
    assert_eq!(value["extraId"], json!(null));
}

#[test]
fn litecoin_and_bitcoin_cash_use_their_own_bip21_schemes() {
    let ltc = payment_uri(
        "litecoin",
        "MQMcJhpWHYVeQArcZR3sBgyPZxxRtnH441",
        &amount("1.7514"),
    )
    .unwrap();
    assert_eq!(
        ltc.uri,
        "litecoin:MQMcJhpWHYVeQArcZR3sBgyPZxxRtnH441?amount=1.7514"
    );
    let bch = payment_uri(
        "bitcoincash",
        "bitcoincash:qpm2qsznhks23z7629mms6s4cwef74vcwvy22gdx6a",
        &amount("0.5"),
    )
    .unwrap();
    assert_eq!(
        bch.uri,
        "bitcoincash:qpm2qsznhks23z7629mms6s4cwef74vcwvy22gdx6a?amount=0.5"
    );
}

#[test]
fn bip21_amounts_drop_trailing_zeros_but_never_round() {
    let uri = payment_uri(
        "bitcoin",
        "3MxUt22azaF6VkoJNFkCUvmadu6MwHB8va",
        &amount("0.0293660000"),
    )
    .unwrap();
    assert!(uri.uri.ends_with("?amount=0.029366"), "{}", uri.uri);
    assert_eq!(
        payment_uri(
            "bitcoin",
            "3MxUt22azaF6VkoJNFkCUvmadu6MwHB8va",
            &amount("0.000000001")
        ),
        Err(PaymentUriError::TooPrecise {
            ticker: "BTC",
            decimals: 8
        })
    );
}

#[test]
fn dai_uses_an_erc20_transfer_in_base_units() {
    let uri = payment_uri("dai", ETH_ADDRESS, &amount("159.9")).unwrap();
    assert_eq!(
        uri.uri,
        format!(
            "ethereum:{DAI_CONTRACT}/transfer?address={ETH_ADDRESS}&uint256=159900000000000000000"
        )
    );
    assert_eq!(uri.kind, PaymentUriKind::Eip681Token);
}

#[test]
fn ether_amounts_finer_than_a_wei_are_refused() {
    assert_eq!(
        payment_uri("ethereum", ETH_ADDRESS, &amount("0.0000000000000000001")),
        Err(PaymentUriError::TooPrecise {
            ticker: "ETH",
            decimals: 18
        })
    );
    let one_wei = payment_uri("ethereum", ETH_ADDRESS, &amount("0.000000000000000001")).unwrap();
    assert!(one_wei.uri.ends_with("?value=1"));
}

#[test]
fn zero_negative_and_unknown_currency_amounts_give_no_uri() {
    assert_eq!(
        payment_uri(
            "bitcoin",
            "3MxUt22azaF6VkoJNFkCUvmadu6MwHB8va",
            &amount("0")
        ),
        Err(PaymentUriError::NotPositive)
    );
    assert_eq!(
        payment_uri(
            "bitcoin",
            "3MxUt22azaF6VkoJNFkCUvmadu6MwHB8va",
            &amount("-1")
        ),
        Err(PaymentUriError::NotPositive)
    );
    assert_eq!(
        payment_uri(
            "dogecoin",
            "D8vFz4p1L37jdg47HXKtSHA5uYLYxbGgPD",
            &amount("1")
        ),
        Err(PaymentUriError::UnsupportedCurrency("dogecoin".into()))
    );
}

#[test]
fn injected_addresses_cannot_alter_the_uri() {
    let hostile = [
        ("3MxUt22?amount=100", AddressError::UriDelimiter('?')),
        ("3MxUt22&amount=100", AddressError::UriDelimiter('&')),
        ("3MxUt22#frag", AddressError::UriDelimiter('#')),
        ("javascript:alert(1)", AddressError::UriDelimiter(':')),
        ("3MxUt22/transfer", AddressError::UriDelimiter('/')),
        ("3MxUt22%3Famount", AddressError::UriDelimiter('%')),
        ("3MxUt22 evil", AddressError::Whitespace),
        ("3MxUt22\n", AddressError::Whitespace),
        ("3MxUt22<b>", AddressError::InvalidCharacter('<')),
        ("", AddressError::Empty),
    ];
    for (address, expected) in hostile {
        assert_eq!(
            payment_uri("bitcoin", address, &amount("0.1")),
            Err(PaymentUriError::Address(expected.clone())),
            "{address:?}"
        );
        assert_eq!(CryptoAddress::parse(address), Err(expected), "{address:?}");
    }
    assert_eq!(
        CryptoAddress::parse(&"a".repeat(129)),
        Err(AddressError::TooLong)
    );
}

#[test]
fn ethereum_uris_need_a_real_ethereum_address() {
    for bad in [
        "3MxUt22azaF6VkoJNFkCUvmadu6MwHB8va",
        "0x1234",
        "0xZZc75db3bd33cb35944c770ab0a295eb19d37ec7",
    ] {
        assert_eq!(
            payment_uri("ethereum", bad, &amount("1")),
            Err(PaymentUriError::Address(AddressError::NotEthereum)),
            "{bad}"
        );
    }
    assert_eq!(
        payment_uri("dai", "0x1234", &amount("1")),
        Err(PaymentUriError::Address(AddressError::NotEthereum))
    );
}

// ---- The payment page's rules -----------------------------------------------

fn progress(due: &str, settled: &str, pending: &str, outstanding: &str) -> PaymentProgress {
    PaymentProgress::new(
        &amount(due),
        &amount(settled),
        &amount(pending),
        &amount(outstanding),
        None,
        Some(2),
    )
}

#[test]
fn quotes_come_in_the_order_buyers_know_then_by_name() {
    let charge: serde_json::Value = serde_json::from_str(SEED_PAID_CHARGE).unwrap();
    let mut quotes: BTreeMap<Protocol, Quote> = charge["quotes"]
        .as_object()
        .unwrap()
        .iter()
        .map(|(p, q)| {
            let quote: Quote = serde_json::from_value(q.clone()).unwrap();
            (Protocol::parse(p).unwrap(), quote)
        })
        .collect();
    let bitcoin = quotes[&Protocol::parse("bitcoin").unwrap()].clone();
    for unknown in ["zcash", "dogecoin"] {
        quotes.insert(Protocol::parse(unknown).unwrap(), bitcoin.clone());
    }
    let order: Vec<String> = ordered_quotes(&quotes)
        .into_iter()
        .map(|(p, _)| p.to_string())
        .collect();
    assert_eq!(
        order,
        ["bitcoin", "ethereum", "dai", "litecoin", "dogecoin", "zcash"]
    );
    let (_, first) = &ordered_quotes(&quotes)[0];
    assert_eq!(first, &bitcoin, "each quote stays as sent");
}

#[test]
fn the_time_left_matters_while_payable_and_once_timed_out() {
    for code in [100, 105, 150, 410] {
        assert!(StatusCode::new(code).has_time_left(), "{code}");
    }
    for code in [200, 300, 310, 400, 405, 420, 500, 999] {
        assert!(!StatusCode::new(code).has_time_left(), "{code}");
    }
}

#[test]
fn after_part_of_a_payment_only_the_rest_is_asked_for() {
    let due = amount("0.029366");
    assert_eq!(amount_to_send(None, due), due, "no payment yet");
    let nothing = progress("0.029366", "0", "0", "0.029366");
    assert_eq!(amount_to_send(Some(&nothing), due), due);
    let part = progress("0.029366", "0.01", "0.000366", "0.019000");
    assert_eq!(amount_to_send(Some(&part), due), amount("0.019"));
    let all = progress("0.029366", "0.029366", "0", "0");
    assert_eq!(amount_to_send(Some(&all), due), due, "nothing outstanding");
}

#[test]
fn only_a_watched_payment_that_reaches_a_final_status_has_ended() {
    let code = StatusCode::new;
    let cases = [
        (Some(100), Some(300), Some(Ended::Paid)),
        (Some(200), Some(310), Some(Ended::Paid)),
        // An unnamed 3xx is still followed, so its end is told.
        (Some(350), Some(320), Some(Ended::Paid)),
        (Some(100), Some(410), Some(Ended::NotPaid)),
        (Some(200), Some(500), Some(Ended::NotPaid)),
        // Opened on a charge already final, or still open: nothing to tell.
        (None, Some(300), None),
        (Some(300), Some(300), None),
        (Some(410), Some(300), None),
        (Some(100), Some(200), None),
        (Some(100), Some(350), None),
        (Some(100), None, None),
    ];
    for (before, now, ended) in cases {
        assert_eq!(
            payment_ended(before.map(code), now.map(code)),
            ended,
            "{before:?} -> {now:?}"
        );
    }
}

#[test]
fn a_countdown_never_reads_a_time_before_its_charge_was_made() {
    assert_eq!(countdown_now_ms(1_000, 2_000), 2_000);
    assert_eq!(countdown_now_ms(3_000, 2_000), 3_000);
    assert_eq!(countdown_now_ms(3_000, i64::MIN), 3_000);
}
