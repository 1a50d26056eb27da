//! ApiError: every status class, OAuth-style and other error bodies, HTML
//! pages, malformed and truncated JSON, and what the buyer is told.

use billing_core::api::bidali::parse_charge;
use billing_core::api::livechat::{parse_balance, parse_direct_charge, parse_direct_charges};
use billing_core::api::plans::parse_plans;
use billing_core::api::transport::{refuse_mock_backend, MOCK_BACKEND_HEADER};
use billing_core::api::{
    decode_json, parse_json, ApiError, HttpResponse, NextStep, OAuthErrorBody, Service,
    TransportError,
};
use billing_core::domain::locale::Locale;
use proptest::prelude::*;
use serde_json::Value;
use std::collections::BTreeMap;

fn error_for(response: &HttpResponse) -> ApiError {
    parse_balance(response).unwrap_err()
}

fn oauth(status: u16, error: &str, description: &str) -> ApiError {
    error_for(&HttpResponse::json(
        status,
        &serde_json::json!({"error": error, "error_description": description}),
    ))
}

// ---- Status classes -------------------------------------------------------

#[test]
fn oauth_style_bodies_are_read() {
    let error = oauth(400, "invalid_request", "price must be a positive integer");
    let ApiError::Http {
        service: _,
        status,
        body: Some(body),
        snippet,
        retry_after_secs,
    } = &error
    else {
        panic!("{error:?}");
    };
    assert_eq!(*status, 400);
    assert_eq!(body.error, "invalid_request");
    assert_eq!(
        body.error_description.as_deref(),
        Some("price must be a positive integer")
    );
    assert_eq!(*snippet, None);
    assert_eq!(*retry_after_secs, None);
    assert_eq!(
        error.to_string(),
        "HTTP 400 from the billing service: invalid_request (price must be a positive integer)"
    );
}

#[test]
fn client_errors_are_not_retryable() {
    for status in [400, 401, 402, 403, 404, 405, 409, 410, 413, 422] {
        let error = oauth(status, "invalid_request", "nope");
        assert!(!error.is_retryable(), "{status}");
        assert_eq!(error.retry_after_secs(), None);
        assert!(!error.user_message().is_empty());
    }
}

#[test]
fn server_errors_timeouts_and_rate_limits_are_retryable() {
    for status in [408, 429, 500, 502, 503, 504, 599] {
        let error = error_for(&HttpResponse::new(status, ""));
        assert!(error.is_retryable(), "{status}");
    }
    assert!(ApiError::Timeout {
        service: Service::Billing
    }
    .is_retryable());
    assert!(ApiError::Network {
        service: Service::Billing,
        message: "offline".into()
    }
    .is_retryable());
    assert!(!ApiError::validation("price", "must be more than zero").is_retryable());
    assert!(!ApiError::Decode {
        service: Service::Billing,
        path: "id".into(),
        message: "missing field".into()
    }
    .is_retryable());
}

#[test]
fn a_failed_write_may_have_happened_unless_it_was_refused() {
    // Look before repeating: the work may be done.
    for status in [500, 502, 504] {
        assert!(
            error_for(&HttpResponse::new(status, "")).write_may_have_happened(),
            "{status}"
        );
    }
    assert!(ApiError::Timeout {
        service: Service::Billing
    }
    .write_may_have_happened());
    assert!(ApiError::Network {
        service: Service::Billing,
        message: "connection reset".into()
    }
    .write_may_have_happened());
    let unreadable_success = parse_balance(&HttpResponse::new(200, "{\"balance\": ")).unwrap_err();
    assert!(
        unreadable_success.write_may_have_happened(),
        "{unreadable_success:?}"
    );
    let login_wall = error_for(
        &HttpResponse::new(200, "<!DOCTYPE html><title>Sign in</title>")
            .with_header("Content-Type", "text/html"),
    );
    assert!(login_wall.write_may_have_happened(), "{login_wall:?}");
    // Refused before any work.
    for status in [400, 401, 403, 404, 409, 422, 429, 503] {
        assert!(
            !oauth(status, "invalid_request", "nope").write_may_have_happened(),
            "{status}"
        );
    }
    assert!(!ApiError::validation("price", "must be more than zero").write_may_have_happened());
}

#[test]
fn a_refusal_names_the_field_at_fault() {
    let quantity = oauth(
        422,
        "invalid_request",
        "quantity: at most 50 for one purchase",
    );
    assert_eq!(quantity.field_at_fault().as_deref(), Some("quantity"));
    let plan = oauth(400, "invalid_request", "taxAmount must not be negative");
    assert_eq!(plan.field_at_fault().as_deref(), Some("taxAmount"));
    assert_eq!(
        ApiError::validation("price", "must be more than zero")
            .field_at_fault()
            .as_deref(),
        Some("price")
    );
    // Nothing to mark: no field named, or not a refusal of the content.
    assert_eq!(
        oauth(422, "invalid_request", "try later").field_at_fault(),
        None
    );
    assert_eq!(
        oauth(500, "server_error", "quantity overflow").field_at_fault(),
        None
    );
    assert_eq!(
        ApiError::Timeout {
            service: Service::Billing
        }
        .field_at_fault(),
        None
    );
}

#[test]
fn live_mode_refuses_answers_from_the_mock_backend() {
    let real = HttpResponse::json(200, &serde_json::json!({"balance": 0}));
    assert_eq!(
        refuse_mock_backend(real.clone()),
        real,
        "a real server's answer passes"
    );
    let mock = real.with_header(MOCK_BACKEND_HEADER, "billing-widget");
    let refused = refuse_mock_backend(mock);
    assert_eq!(refused.status, 421);
    let error = error_for(&refused);
    assert_eq!(error.status(), Some(421));
    assert!(!error.is_retryable());
    let message = error.user_message();
    assert!(message.contains("mock backend"), "{message}");
    assert!(message.contains("config.json"), "{message}");
}

#[test]
fn an_unreadable_answer_to_a_read_may_be_read_again_but_not_to_a_write() {
    let cut_off = error_for(
        &HttpResponse::new(200, "{\"result\": [{\"id\": \"5de")
            .with_header("Content-Type", "application/json"),
    );
    assert!(matches!(cut_off, ApiError::Decode { .. }), "{cut_off:?}");
    assert_eq!(cut_off.next_step(), NextStep::ContactAppOwner);
    assert_eq!(cut_off.next_step_of_read(), NextStep::Retry);
    let proxy_page = error_for(
        &HttpResponse::new(
            200,
            "<!DOCTYPE html><html><body>Sign in to the proxy</body></html>",
        )
        .with_header("Content-Type", "text/html"),
    );
    assert_eq!(proxy_page.next_step_of_read(), NextStep::Retry);
    // Everything else keeps its step.
    let refused = oauth(403, "forbidden", "not yours");
    assert_eq!(refused.next_step_of_read(), refused.next_step());
    let html_404 = error_for(
        &HttpResponse::new(404, "<html><body>Not Found</body></html>")
            .with_header("Content-Type", "text/html"),
    );
    assert_eq!(html_404.next_step_of_read(), NextStep::ContactAppOwner);
}

#[test]
fn each_status_class_has_its_next_step() {
    let cases = [
        (
            400,
            NextStep::FixField {
                field: Some("price".into()),
            },
        ),
        (401, NextStep::SignInAgain),
        (403, NextStep::ContactAppOwner),
        (404, NextStep::ContactAppOwner),
        (409, NextStep::Reload),
        (
            422,
            NextStep::FixField {
                field: Some("price".into()),
            },
        ),
        (429, NextStep::WaitAndRetry { after_secs: None }),
        (500, NextStep::Retry),
        (502, NextStep::Retry),
        (503, NextStep::WaitAndRetry { after_secs: None }),
        (504, NextStep::Retry),
    ];
    for (status, step) in cases {
        let error = oauth(status, "error", "the price is wrong");
        assert_eq!(error.next_step(), step, "{status}");
    }
    assert_eq!(
        ApiError::Timeout {
            service: Service::Billing
        }
        .next_step(),
        NextStep::Retry
    );
    assert_eq!(
        ApiError::Network {
            service: Service::Billing,
            message: "x".into()
        }
        .next_step(),
        NextStep::CheckConnection
    );
    assert_eq!(
        ApiError::validation("return_url", "must be a full address").next_step(),
        NextStep::FixField {
            field: Some("return_url".into())
        }
    );
}

#[test]
fn retry_after_is_read_on_429_and_503_only() {
    let limited = HttpResponse::new(429, "").with_header("retry-after", " 30 ");
    let error = error_for(&limited);
    assert_eq!(error.retry_after_secs(), Some(30));
    assert_eq!(
        error.next_step(),
        NextStep::WaitAndRetry {
            after_secs: Some(30)
        }
    );
    assert!(
        error.user_message().contains("30 seconds"),
        "{}",
        error.user_message()
    );

    let unavailable = HttpResponse::new(503, "").with_header("Retry-After", "120");
    let error = error_for(&unavailable);
    assert_eq!(error.retry_after_secs(), Some(120));
    assert!(
        error.user_message().contains("2 minutes"),
        "{}",
        error.user_message()
    );

    let http_date =
        HttpResponse::new(429, "").with_header("Retry-After", "Wed, 21 Oct 2015 07:28:00 GMT");
    assert_eq!(error_for(&http_date).retry_after_secs(), None);
    let garbage = HttpResponse::new(429, "").with_header("Retry-After", "-5");
    assert_eq!(error_for(&garbage).retry_after_secs(), None);
    let other = HttpResponse::new(500, "").with_header("Retry-After", "30");
    assert_eq!(error_for(&other).retry_after_secs(), None);
}

#[test]
fn a_403_names_the_missing_permission() {
    let error = oauth(403, "insufficient_scope", "Required scope: ledger_read");
    assert_eq!(error.missing_scope(), Some("ledger_read"));
    let message = error.user_message();
    assert!(message.contains("ledger_read"), "{message}");
    assert!(message.contains("earnings ledger"), "{message}");
    assert_eq!(error.next_step(), NextStep::ContactAppOwner);

    let error = oauth(403, "access_denied", "billing_manage scope is required");
    assert_eq!(error.missing_scope(), Some("billing_manage"));
    assert!(error.user_message().contains("create and manage charges"));

    let error = oauth(403, "forbidden", "not your charge");
    assert_eq!(error.missing_scope(), None);
    assert!(error.user_message().contains("not your charge"));
}

#[test]
fn user_messages_say_what_happened() {
    let cases = [
        (401, "Sign in again"),
        (404, "could not find"),
        (409, "Reload"),
        (429, "Too many requests"),
        (500, "error 500"),
        (503, "temporarily unavailable"),
        (418, "error 418"),
    ];
    for (status, words) in cases {
        let message = error_for(&HttpResponse::new(status, "")).user_message();
        assert!(message.contains(words), "{status}: {message}");
    }
    assert!(ApiError::Network {
        service: Service::Billing,
        message: "dns".into()
    }
    .user_message()
    .contains("internet connection"));
    assert!(ApiError::Timeout {
        service: Service::Billing
    }
    .user_message()
    .contains("too long"));
    let error = oauth(400, "invalid_request", "return_url must be absolute");
    let message = error.user_message();
    assert!(message.contains("return_url must be absolute"), "{message}");
    assert!(message.contains("the return address"), "{message}");
}

#[test]
fn the_server_s_words_are_quoted_as_a_sentence_of_their_own() {
    let error = oauth(422, "invalid_request", "quantity must be at most 100");
    assert_eq!(
        error.user_message(),
        "The billing service did not accept the request. It said: \u{201c}quantity must be \
         at most 100\u{201d}. Check the quantity."
    );
    assert_eq!(
        error.user_message_in(Locale::Pl),
        "Usługa rozliczeń nie przyjęła żądania. Odpowiedź: \u{201e}quantity must be at most \
         100\u{201d}. Sprawdź: ilość."
    );
}

#[test]
fn a_crypto_payment_error_names_the_crypto_payment_service_not_the_billing_one() {
    let unavailable = error_for(&HttpResponse::new(503, "").with_header("Retry-After", "30"))
        .with_service(Service::CryptoPayments);
    assert_eq!(unavailable.service(), Some(Service::CryptoPayments));
    assert_eq!(
        unavailable.user_message_in(Locale::En),
        "The crypto payment service is temporarily unavailable. Try again in 30 seconds."
    );
    assert_eq!(
        unavailable.user_message_in(Locale::Pl),
        "Usługa płatności kryptowalutami jest chwilowo niedostępna. Spróbuj ponownie za 30 \
         sekund."
    );
    // Every shape of failure: the crypto wording never names the billing
    // service, and the billing wording is what it always was.
    let failures = [
        ApiError::Network {
            service: Service::Billing,
            message: "dns".into(),
        },
        ApiError::Timeout {
            service: Service::Billing,
        },
        error_for(&HttpResponse::new(200, "<html>proxy</html>")),
        error_for(&HttpResponse::new(200, "{\"cut off")),
        oauth(422, "invalid_request", "amount must be positive"),
        error_for(&HttpResponse::new(404, "")),
        error_for(&HttpResponse::new(408, "")),
        error_for(&HttpResponse::new(500, "")),
        error_for(&HttpResponse::new(418, "")),
    ];
    for error in failures {
        assert_eq!(error.service(), Some(Service::Billing), "{error:?}");
        let from_crypto = error.clone().with_service(Service::CryptoPayments);
        let crypto = from_crypto.user_message_in(Locale::En);
        assert!(crypto.contains("crypto payment service"), "{crypto}");
        assert!(!crypto.contains("billing"), "{crypto}");
        let crypto_pl = from_crypto.user_message_in(Locale::Pl);
        assert!(
            crypto_pl.to_lowercase().contains("usług")
                && crypto_pl.contains("płatności kryptowalutami"),
            "{crypto_pl}"
        );
        assert!(!crypto_pl.contains("rozliczeń"), "{crypto_pl}");
        assert!(error.user_message().contains("billing service"));
    }
}

// ---- Other bodies ---------------------------------------------------------

#[test]
fn other_error_shapes_are_read_into_the_same_fields() {
    let feathers = OAuthErrorBody::parse(
        r#"{"name":"BadRequest","message":"amount is required","code":400,"className":"bad-request"}"#,
    )
    .unwrap();
    assert_eq!(feathers.error, "bad-request");
    assert_eq!(
        feathers.error_description.as_deref(),
        Some("amount is required")
    );

    let nested =
        OAuthErrorBody::parse(r#"{"error":{"type":"rate_limit","message":"slow down"}}"#).unwrap();
    assert_eq!(nested.error, "rate_limit");
    assert_eq!(nested.error_description.as_deref(), Some("slow down"));

    let message_only = OAuthErrorBody::parse(r#"{"message":"Internal error"}"#).unwrap();
    assert_eq!(message_only.error, "error");

    for body in [
        "",
        "oops",
        "[1]",
        r#"{"error": 5}"#,
        r#"{"error": ""}"#,
        r#"{"status":"fail"}"#,
        "null",
    ] {
        assert_eq!(OAuthErrorBody::parse(body), None, "{body}");
    }
}

#[test]
fn a_plain_text_body_is_kept_as_a_short_snippet() {
    let error = error_for(&HttpResponse::new(502, "Bad Gateway\r\nupstream reset"));
    let ApiError::Http { body, snippet, .. } = &error else {
        panic!("{error:?}");
    };
    assert_eq!(*body, None);
    assert_eq!(snippet.as_deref(), Some("Bad Gateway  upstream reset"));

    let long = "x".repeat(5_000);
    let error = error_for(&HttpResponse::new(500, long));
    let ApiError::Http {
        snippet: Some(snippet),
        ..
    } = &error
    else {
        panic!("{error:?}");
    };
    assert_eq!(
        snippet.chars().count(),
        201,
        "200 characters and an ellipsis"
    );

    let error = error_for(&HttpResponse::new(500, "   "));
    assert!(matches!(
        error,
        ApiError::Http {
            snippet: None,
            body: None,
            ..
        }
    ));
}

#[test]
fn html_pages_are_recognised_whatever_the_status() {
    let page = "<!DOCTYPE html><html><head><title>502 Bad\n Gateway</title></head><body>nginx</body></html>";
    let error = error_for(&HttpResponse::new(502, page));
    assert_eq!(
        error,
        ApiError::HtmlBody {
            service: Service::Billing,
            status: 502,
            title: Some("502 Bad Gateway".into()),
            retry_after_secs: None
        }
    );
    assert!(error.is_retryable());
    assert_eq!(error.next_step(), NextStep::Retry);

    // A 200 with a web page: the base URL points at a website or an SPA.
    let error = error_for(&HttpResponse::new(
        200,
        "\u{feff}  <html><body>app</body></html>",
    ));
    assert!(matches!(
        error,
        ApiError::HtmlBody {
            status: 200,
            title: None,
            ..
        }
    ));
    assert!(!error.is_retryable());
    assert_eq!(error.next_step(), NextStep::ContactAppOwner);
    assert!(error.user_message().contains("web page"));

    let by_header = HttpResponse::new(403, "Access denied")
        .with_header("Content-Type", "text/html; charset=utf-8");
    assert!(matches!(
        error_for(&by_header),
        ApiError::HtmlBody { status: 403, .. }
    ));

    let limited = HttpResponse::new(503, "<html><title>Maintenance</title></html>")
        .with_header("Retry-After", "60");
    let error = error_for(&limited);
    assert_eq!(error.retry_after_secs(), Some(60));
    assert!(error.to_string().contains("Maintenance"));
}

#[test]
fn transport_errors_become_network_and_timeout() {
    assert_eq!(
        ApiError::from(TransportError::Network("connection reset".into())),
        ApiError::Network {
            service: Service::Billing,
            message: "connection reset".into()
        }
    );
    assert_eq!(
        ApiError::from(TransportError::Timeout),
        ApiError::Timeout {
            service: Service::Billing
        }
    );
}

// ---- Malformed success bodies --------------------------------------------

fn decode(result: Result<impl std::fmt::Debug, ApiError>) -> (String, String) {
    match result {
        Err(ApiError::Decode {
            service: Service::Billing,
            path,
            message,
        }) => (path, message),
        other => panic!("expected a decode error, got {other:?}"),
    }
}

#[test]
fn malformed_and_truncated_json_are_decode_errors() {
    let (_, message) = decode(parse_balance(&HttpResponse::new(200, "{balance: 10}")));
    assert!(message.starts_with("not valid JSON"), "{message}");
    let (_, message) = decode(parse_balance(&HttpResponse::new(200, r#"{"balance": 1"#)));
    assert!(message.contains("truncated"), "{message}");
    let (_, message) = decode(parse_balance(&HttpResponse::new(
        200,
        r#"{"balance": 10} trailing"#,
    )));
    assert!(message.starts_with("not valid JSON"), "{message}");
    let (path, _) = decode(parse_balance(&HttpResponse::new(
        200,
        r#"{"balance": 10.5}"#,
    )));
    assert_eq!(path, "balance");
    let (path, _) = decode(parse_balance(&HttpResponse::new(
        200,
        r#"{"balance": null}"#,
    )));
    assert_eq!(path, "balance");
    let (path, _) = decode(parse_balance(&HttpResponse::new(
        200,
        r#"{"balance": 99999999999999999999}"#,
    )));
    assert_eq!(path, "balance");
}

#[test]
fn positions_become_paths_through_nesting_escapes_and_unicode() {
    let text = r#"{"a\"b": {"ключ": [1, 2, "three"]}, "z": 0}"#;
    let error = decode_json::<BTreeMap<String, Value>>(text);
    assert!(error.is_ok());
    let (path, message) = decode(decode_json::<BTreeMap<String, BTreeMap<String, Vec<u32>>>>(
        text,
    ));
    assert_eq!(path, r#"["a\"b"]["ключ"][2]"#, "{message}");

    let truncated = r#"{"result": [{"id": "x"}, {"name": "ab"#;
    let (path, message) = decode(decode_json::<Value>(truncated));
    assert_eq!(path, "result[1].name");
    assert!(message.contains("truncated"));

    let (path, _) = decode(decode_json::<Vec<BTreeMap<String, u8>>>(
        "[{}, {\"n\": 300}]",
    ));
    assert_eq!(path, "[1].n");
}

#[test]
fn decode_error_messages_are_for_logs_and_the_buyer_message_is_plain() {
    let error = ApiError::Decode {
        service: Service::Billing,
        path: "result[0].status".into(),
        message: "invalid type: integer `3`, expected a string".into(),
    };
    assert_eq!(
        error.to_string(),
        "unreadable response from the billing service at result[0].status: invalid type: integer `3`, expected a string"
    );
    assert!(error.user_message().contains("could not read"));
    assert_eq!(error.next_step(), NextStep::ContactAppOwner);
    let top = ApiError::Decode {
        service: Service::Billing,
        path: String::new(),
        message: "the response was empty".into(),
    };
    assert!(top.to_string().contains("the top level"));
}

#[test]
fn parse_json_accepts_any_2xx_only() {
    assert_eq!(
        parse_json::<Value>(&HttpResponse::new(204, "{}")).unwrap(),
        serde_json::json!({})
    );
    let error = parse_json::<Value>(&HttpResponse::new(302, "{}")).unwrap_err();
    assert_eq!(error.status(), Some(302));
    assert!(!error.is_retryable());
}

// ---- Never a panic --------------------------------------------------------

/// Text that looks like JSON often enough to reach the deeper code paths.
fn jsonish() -> impl Strategy<Value = String> {
    prop_oneof![
        any::<String>(),
        r#"[\[\]{}":,0-9a-z\\ .\-]{0,80}"#,
        r#"\{"(id|status|price|result|quotes|timeline|statusCode)": ?(\[|\{|"[a-z]{0,6}"|[0-9.e-]{1,6}|null|true)[\]\}]{0,3}"#,
    ]
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(512))]

    #[test]
    fn no_status_and_body_can_make_a_parser_panic(status in 0u16..1000, body in jsonish()) {
        let response = HttpResponse::new(status, body.clone());
        for error in [
            parse_direct_charge(&response).err(),
            parse_direct_charges(&response).err(),
            parse_charge(&response).err(),
            parse_plans(&response).err(),
            parse_balance(&response).err(),
        ].into_iter().flatten() {
            prop_assert!(!error.user_message().is_empty());
            let _ = error.next_step();
            let _ = error.to_string();
            if !(200..300).contains(&status) {
                prop_assert_eq!(error.status(), Some(status));
            }
        }
        let html = HttpResponse::new(status, format!("<html><title>{body}</title>"));
        prop_assert!(parse_balance(&html).is_err());
    }

    #[test]
    fn retryable_exactly_for_transient_statuses(status in 300u16..600) {
        let error = parse_balance(&HttpResponse::new(status, "")).unwrap_err();
        let transient = matches!(status, 408 | 425 | 429 | 500..=599);
        prop_assert_eq!(error.is_retryable(), transient);
    }
}

mod read_retries {
    use billing_core::api::transport::{
        read_retry_delay, HttpResponse, Method, TransportError, READ_RETRY_DELAYS_MS,
    };

    fn status(code: u16) -> Result<HttpResponse, TransportError> {
        Ok(HttpResponse::new(code, ""))
    }

    #[test]
    fn a_read_that_failed_fast_is_repeated_twice_with_growing_waits() {
        let dropped = Err(TransportError::Network("reset".to_owned()));
        assert_eq!(read_retry_delay(Method::Get, &dropped, 0, 0), Some(400));
        assert_eq!(
            read_retry_delay(Method::Get, &status(503), 1, 0),
            Some(1_200)
        );
        assert_eq!(
            read_retry_delay(Method::Get, &status(502), 2, 0),
            None,
            "then the buyer decides"
        );
        // Jitter only shortens, by at most a quarter.
        assert_eq!(
            read_retry_delay(Method::Get, &status(504), 0, 1000),
            Some(300)
        );
        assert_eq!(
            read_retry_delay(Method::Get, &status(504), 0, 5000),
            Some(300)
        );
        assert_eq!(READ_RETRY_DELAYS_MS.len(), 2);
    }

    #[test]
    fn writes_timeouts_and_meant_answers_are_never_repeated() {
        for method in [Method::Post, Method::Put, Method::Patch, Method::Delete] {
            assert_eq!(
                read_retry_delay(method, &status(503), 0, 0),
                None,
                "{method}"
            );
        }
        assert_eq!(
            read_retry_delay(Method::Get, &Err(TransportError::Timeout), 0, 0),
            None
        );
        for code in [200, 400, 401, 404, 409, 429, 500] {
            assert_eq!(
                read_retry_delay(Method::Get, &status(code), 0, 0),
                None,
                "{code}"
            );
        }
    }
}
