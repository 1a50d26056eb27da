//! URLs coming back to the widget: the charge return and the
//! `confirmation_url` allow-list.

use billing_core::domain::charge::{ChargeKind, IdError};
use billing_core::domain::return_url::{
    check_confirmation_url, parse_charge_return, AllowedOrigin, ChargeReturnError,
    OriginConfigError, UnsafeUrlError, DEFAULT_CONFIRMATION_ORIGINS,
};

const SEED_ID: &str = "5deab95d-c0c9-4397-9593-436f533e83e5";

// ---- Charge return -----------------------------------------------------------------

#[test]
fn seed_direct_return_url_gives_id_and_kind() {
    let ret = parse_charge_return(
        "https://application.com/path?id=5deab95d-c0c9-4397-9593-436f533e83e5&type=direct_charge",
    )
    .unwrap();
    assert_eq!(ret.id(), SEED_ID);
    assert_eq!(ret.kind(), Some(ChargeKind::Direct));
    assert_eq!(ret.lookup_order(), &[ChargeKind::Direct]);
    assert_eq!(ret.direct_id().as_str(), SEED_ID);
}

#[test]
fn seed_recurrent_return_url_has_no_type_so_direct_is_tried_first() {
    let ret =
        parse_charge_return("http://localhost?id=1c286f7a-aab8-4384-8e09-dc6749c550cd").unwrap();
    assert_eq!(ret.kind(), None);
    assert_eq!(
        ret.lookup_order(),
        &[ChargeKind::Direct, ChargeKind::Recurrent]
    );
    assert_eq!(
        ret.recurrent_id().as_str(),
        "1c286f7a-aab8-4384-8e09-dc6749c550cd"
    );
}

#[test]
fn return_query_is_read_from_a_bare_query_a_path_or_a_full_url() {
    for input in [
        "?id=abc-123&type=recurrent_charge",
        "id=abc-123&type=recurrent_charge",
        "/billing/return?type=recurrent_charge&id=abc-123",
        "https://widget.example/?plugin_id=p1&theme=dark&id=abc-123&type=recurrent_charge#top",
    ] {
        let ret = parse_charge_return(input).unwrap();
        assert_eq!(ret.id(), "abc-123", "{input}");
        assert_eq!(ret.kind(), Some(ChargeKind::Recurrent), "{input}");
        assert_eq!(ret.lookup_order(), &[ChargeKind::Recurrent]);
    }
}

#[test]
fn an_empty_type_counts_as_missing() {
    let ret = parse_charge_return("?id=abc&type=").unwrap();
    assert_eq!(ret.kind(), None);
}

#[test]
fn percent_encoded_ids_are_decoded_before_validation() {
    assert_eq!(parse_charge_return("?id=abc%2D1").unwrap().id(), "abc-1");
    assert_eq!(
        parse_charge_return("?id=abc%2F..%2Fledger"),
        Err(ChargeReturnError::InvalidId(IdError::InvalidCharacter {
            found: '/'
        }))
    );
}

#[test]
fn malformed_charge_returns_are_refused_with_a_reason() {
    let cases: &[(&str, ChargeReturnError)] = &[
        ("", ChargeReturnError::MissingId),
        ("?type=direct_charge", ChargeReturnError::MissingId),
        ("https://app.example/return", ChargeReturnError::MissingId),
        ("?ID=abc", ChargeReturnError::MissingId),
        ("#id=abc", ChargeReturnError::MissingId),
        ("?id=", ChargeReturnError::InvalidId(IdError::Empty)),
        ("?id=a&id=b", ChargeReturnError::DuplicateParam("id")),
        ("?id=a&id=a", ChargeReturnError::DuplicateParam("id")),
        (
            "?id=a&type=direct_charge&type=recurrent_charge",
            ChargeReturnError::DuplicateParam("type"),
        ),
        (
            "?id=a&type=subscription",
            ChargeReturnError::UnknownType("subscription".into()),
        ),
        (
            "?id=a&type=DIRECT_CHARGE",
            ChargeReturnError::UnknownType("DIRECT_CHARGE".into()),
        ),
        (
            "?id=%3Cscript%3Ealert(1)%3C/script%3E",
            ChargeReturnError::Markup("id"),
        ),
        (
            "?id=<img src=x onerror=alert(1)>",
            ChargeReturnError::Markup("id"),
        ),
        (
            "?id=a&type=%22onmouseover",
            ChargeReturnError::Markup("type"),
        ),
        ("?id=a'b", ChargeReturnError::Markup("id")),
        (
            "?id=a+b",
            ChargeReturnError::InvalidId(IdError::InvalidCharacter { found: ' ' }),
        ),
        (
            "?id=javascript:alert(1)",
            ChargeReturnError::InvalidId(IdError::InvalidCharacter { found: ':' }),
        ),
    ];
    for (input, expected) in cases {
        assert_eq!(
            parse_charge_return(input).as_ref(),
            Err(expected),
            "{input:?}"
        );
    }
    let long = format!("?id={}", "a".repeat(5000));
    assert_eq!(parse_charge_return(&long), Err(ChargeReturnError::TooLong));
    let long_id = format!("?id={}", "a".repeat(129));
    assert!(matches!(
        parse_charge_return(&long_id),
        Err(ChargeReturnError::InvalidId(IdError::TooLong { .. }))
    ));
}

// ---- Allowed origins (configuration) ---------------------------------------------------

#[test]
fn configured_origins_are_normalised_https_origins() {
    let origin = AllowedOrigin::parse("https://Billing.LiveChatInc.com/").unwrap();
    assert_eq!(origin.as_str(), "https://billing.livechatinc.com");
    let with_default_port = AllowedOrigin::parse("https://billing.livechatinc.com:443").unwrap();
    assert_eq!(with_default_port, origin);
    let custom_port = AllowedOrigin::parse("https://pay.example.com:8443").unwrap();
    assert_eq!(custom_port.as_str(), "https://pay.example.com:8443");
    assert_eq!(
        AllowedOrigin::parse_list(&DEFAULT_CONFIRMATION_ORIGINS)
            .unwrap()
            .len(),
        2
    );
}

#[test]
fn configured_origins_must_be_bare_https_origins() {
    assert!(matches!(
        AllowedOrigin::parse("http://billing.livechatinc.com"),
        Err(OriginConfigError::NotHttps(_))
    ));
    for not_origin in [
        "https://billing.livechatinc.com/path",
        "https://billing.livechatinc.com/?q=1",
        "https://user@billing.livechatinc.com",
        "https://billing.livechatinc.com/#x",
    ] {
        assert!(
            matches!(
                AllowedOrigin::parse(not_origin),
                Err(OriginConfigError::NotAnOrigin(_))
            ),
            "{not_origin}"
        );
    }
    assert!(matches!(
        AllowedOrigin::parse("billing.livechatinc.com"),
        Err(OriginConfigError::Malformed(_))
    ));
}

#[test]
fn the_mock_origin_may_be_http_only_on_a_loopback_host() {
    assert!(AllowedOrigin::parse_mock("http://127.0.0.1:8080").is_ok());
    assert!(AllowedOrigin::parse_mock("http://localhost:3000").is_ok());
    assert!(AllowedOrigin::parse_mock("http://[::1]:8080").is_ok());
    assert!(AllowedOrigin::parse_mock("https://demo.example.org").is_ok());
    assert!(AllowedOrigin::parse_mock("http://evil.com:8080").is_err());
    assert!(AllowedOrigin::parse_mock("http://localhost.evil.com").is_err());
    assert!(AllowedOrigin::parse_mock("http://127.0.0.1.nip.io").is_err());
}

// ---- confirmation_url ----------------------------------------------------------------------

const ALLOWED: [&str; 3] = [
    "https://billing.livechatinc.com",
    "https://www.livechat.com",
    "https://pay.example.com:8443",
];

fn check(raw: &str) -> Result<String, UnsafeUrlError> {
    check_confirmation_url(raw, &ALLOWED, None).map(|u| u.to_string())
}

#[test]
fn seed_confirmation_url_is_accepted() {
    let url =
        check("https://billing.livechatinc.com/?id=5deab95d-c0c9-4397-9593-436f533e83e5").unwrap();
    assert_eq!(
        url,
        "https://billing.livechatinc.com/?id=5deab95d-c0c9-4397-9593-436f533e83e5"
    );
}

#[test]
fn accepted_confirmation_urls() {
    let accepted = [
        "https://billing.livechatinc.com/?id=abc",
        "https://billing.livechatinc.com:443/?id=abc",
        "https://BILLING.livechatinc.com/confirm#step-2",
        "HTTPS://billing.livechatinc.com/",
        "https://billing.livechatinc.com",
        "https://www.livechat.com/marketplace/checkout/charge/abc-123/direct_charge",
        "https://pay.example.com:8443/checkout?id=1",
        "https://billing.livechatinc.com/path%20with%20space?q=a%26b",
    ];
    for raw in accepted {
        assert!(
            check(raw).is_ok(),
            "{raw} should be accepted: {:?}",
            check(raw)
        );
    }
}

#[test]
fn the_returned_url_is_the_parsed_normalised_one() {
    assert_eq!(
        check("https://BILLING.livechatinc.com:443/?id=abc").unwrap(),
        "https://billing.livechatinc.com/?id=abc"
    );
}

#[test]
fn hostile_confirmation_urls_are_refused_for_the_right_reason() {
    type E = UnsafeUrlError;
    let lookalike = |h: &str| E::LookalikeHost(h.to_owned());
    let not_allowed = |o: &str| E::NotAllowed(o.to_owned());
    let long = format!("https://billing.livechatinc.com/?x={}", "a".repeat(5000));
    let cases: Vec<(&str, E)> = vec![
        // Schemes that run code or read local data.
        (
            "javascript:alert(document.cookie)",
            E::ForbiddenScheme("javascript".into()),
        ),
        (
            "JaVaScRiPt:alert(1)",
            E::ForbiddenScheme("javascript".into()),
        ),
        (
            "data:text/html,<script>alert(1)</script>",
            E::ForbiddenScheme("data".into()),
        ),
        (
            "blob:https://billing.livechatinc.com/1234",
            E::ForbiddenScheme("blob".into()),
        ),
        ("file:///etc/passwd", E::ForbiddenScheme("file".into())),
        ("vbscript:msgbox(1)", E::ForbiddenScheme("vbscript".into())),
        (
            "ftp://billing.livechatinc.com/",
            E::ForbiddenScheme("ftp".into()),
        ),
        // Whitespace and control characters the parser would silently drop.
        ("java\tscript:alert(1)", E::ControlOrWhitespace),
        ("java\nscript:alert(1)", E::ControlOrWhitespace),
        (" https://billing.livechatinc.com/", E::ControlOrWhitespace),
        (
            "https://billing.livechatinc.com/\u{0}",
            E::ControlOrWhitespace,
        ),
        ("https://billing.livechat\tinc.com/", E::ControlOrWhitespace),
        (
            "\u{7f}https://billing.livechatinc.com/",
            E::ControlOrWhitespace,
        ),
        (
            "https://billing.livechatinc.com/\u{2028}",
            E::ControlOrWhitespace,
        ),
        // Relative and scheme-less forms.
        ("//billing.livechatinc.com/", E::ProtocolRelative),
        ("//evil.com/", E::ProtocolRelative),
        ("/billing/confirm", E::NotAbsolute),
        ("billing.livechatinc.com/?id=1", E::NotAbsolute),
        ("https:billing.livechatinc.com/", E::MissingSlashes),
        ("https:/billing.livechatinc.com/", E::MissingSlashes),
        ("https:///billing.livechatinc.com/", E::MissingHost),
        // Backslashes, which browsers read as slashes.
        ("https:\\\\evil.com", E::Backslash),
        ("https://evil.com\\@billing.livechatinc.com/", E::Backslash),
        ("/\\evil.com", E::Backslash),
        // Userinfo hiding the real host.
        ("https://billing.livechatinc.com@evil.com/", E::Userinfo),
        ("https://user:pass@billing.livechatinc.com/", E::Userinfo),
        ("https://@billing.livechatinc.com/", E::Userinfo),
        ("https://billing.livechatinc.com:443@evil.com/", E::Userinfo),
        // Percent-encoding tricks.
        ("https://billing%2Elivechatinc.com/", E::EncodedHost),
        ("https://billing.livechatinc.com%2F@evil.com/", E::Userinfo),
        (
            "https://evil.com%2F.billing.livechatinc.com/",
            E::EncodedHost,
        ),
        (
            "https://billing.livechatinc.com/%0d%0aSet-Cookie:x=1",
            E::EncodedControl,
        ),
        (
            "https://billing.livechatinc.com/%5c%5cevil.com",
            E::EncodedControl,
        ),
        ("https://billing.livechatinc.com/%00", E::EncodedControl),
        // IDN and punycode confusion.
        ("https://bіlling.livechatinc.com/", E::NonAscii),
        ("https://billing．livechatinc.com/", E::NonAscii),
        ("https://billing.livechatinc.com/\u{202e}", E::NonAscii),
        ("https://xn--blling-2wa.livechatinc.com/", E::Punycode),
        ("https://billing.xn--livechatin-ccb.com/", E::Punycode),
        // Lookalike hosts.
        (
            "https://billing.livechatinc.com.evil.com/",
            lookalike("billing.livechatinc.com.evil.com"),
        ),
        (
            "https://evilbilling.livechatinc.com/",
            lookalike("evilbilling.livechatinc.com"),
        ),
        (
            "https://billing.livechatinc.com./",
            lookalike("billing.livechatinc.com."),
        ),
        (
            "https://sub.billing.livechatinc.com/",
            lookalike("sub.billing.livechatinc.com"),
        ),
        ("https://livechatinc.com/", lookalike("livechatinc.com")),
        (
            "https://billing.livechatinc.co/",
            lookalike("billing.livechatinc.co"),
        ),
        (
            "https://billing-livechatinc.com/",
            not_allowed("https://billing-livechatinc.com"),
        ),
        (
            "https://evil.com/#@billing.livechatinc.com",
            not_allowed("https://evil.com"),
        ),
        (
            "https://evil.com/?https://billing.livechatinc.com",
            not_allowed("https://evil.com"),
        ),
        // Ports and plain http.
        ("https://billing.livechatinc.com:8443/", E::UnexpectedPort),
        ("https://billing.livechatinc.com:0/", E::UnexpectedPort),
        ("https://pay.example.com/checkout", E::UnexpectedPort),
        ("http://billing.livechatinc.com/", E::NotHttps),
        ("http://127.0.0.1:8080/mock/confirm", E::NotHttps),
        // IP addresses and other hosts.
        ("https://127.0.0.1/", not_allowed("https://127.0.0.1")),
        ("https://2130706433/", not_allowed("https://127.0.0.1")),
        ("https://0x7f.1/", not_allowed("https://127.0.0.1")),
        ("https://[::1]/", not_allowed("https://[::1]")),
        ("https://[billing.livechatinc.com]/", E::Malformed),
        ("https://billing.livechatinc.com:99999/", E::Malformed),
        // Empty and oversized.
        ("", E::Empty),
        ("   ", E::Empty),
        (long.as_str(), E::TooLong),
    ];
    assert!(cases.len() >= 25);
    let wrong: Vec<String> = cases
        .iter()
        .filter(|(raw, expected)| check(raw).as_ref() != Err(expected))
        .map(|(raw, expected)| format!("{raw:?}: expected {expected:?}, got {:?}", check(raw)))
        .collect();
    assert!(wrong.is_empty(), "{}", wrong.join("\n"));
}

#[test]
fn the_mock_origin_is_accepted_only_when_passed() {
    let mock_confirm = "http://127.0.0.1:8080/mock/confirm?id=abc&type=direct_charge";
    assert_eq!(check(mock_confirm), Err(UnsafeUrlError::NotHttps));
    let with_mock = check_confirmation_url(mock_confirm, &ALLOWED, Some("http://127.0.0.1:8080"));
    assert_eq!(with_mock.unwrap().as_str(), mock_confirm);
    // Another port on the same loopback host is not the mock.
    assert!(check_confirmation_url(
        "http://127.0.0.1:9999/mock/confirm",
        &ALLOWED,
        Some("http://127.0.0.1:8080")
    )
    .is_err());
    // A mock origin that is not loopback (or https) is ignored.
    assert!(check_confirmation_url(
        "http://evil.com:8080/",
        &ALLOWED,
        Some("http://evil.com:8080")
    )
    .is_err());
    // The mock does not relax any other rule.
    assert_eq!(
        check_confirmation_url(
            "http://user@127.0.0.1:8080/",
            &ALLOWED,
            Some("http://127.0.0.1:8080")
        ),
        Err(UnsafeUrlError::Userinfo)
    );
}

#[test]
fn seed_recurrent_confirmation_url_on_localhost_needs_mock_mode() {
    let seed =
        "http://localhost:8000?id=1c286f7a-aab8-4384-8e09-dc6749c550cd&type=recurrent_charge";
    assert_eq!(check(seed), Err(UnsafeUrlError::NotHttps));
    assert!(check_confirmation_url(seed, &ALLOWED, Some("http://localhost:8000")).is_ok());
}

#[test]
fn invalid_allow_list_entries_never_match() {
    let list = [
        "http://billing.livechatinc.com",
        "billing.livechatinc.com",
        "*",
    ];
    assert!(check_confirmation_url("https://billing.livechatinc.com/", &list, None).is_err());
    assert!(check_confirmation_url("http://billing.livechatinc.com/", &list, None).is_err());
    let empty: [&str; 0] = [];
    assert!(check_confirmation_url("https://billing.livechatinc.com/", &empty, None).is_err());
}

#[test]
fn the_allow_list_may_be_given_as_parsed_urls_or_allowed_origins() {
    let urls: Vec<url::Url> = ALLOWED
        .iter()
        .map(|o| url::Url::parse(o).unwrap())
        .collect();
    assert!(check_confirmation_url("https://billing.livechatinc.com/?id=1", &urls, None).is_ok());
    let origins = AllowedOrigin::parse_list(&ALLOWED).unwrap();
    assert!(check_confirmation_url("https://www.livechat.com/x", &origins, None).is_ok());
}

#[test]
fn unsafe_url_messages_are_readable() {
    assert_eq!(
        UnsafeUrlError::ForbiddenScheme("javascript".into()).to_string(),
        "the payment page address uses the \"javascript\" scheme; only https is allowed"
    );
    assert_eq!(
        UnsafeUrlError::NotAllowed("https://evil.com".into()).to_string(),
        "the payment page origin \"https://evil.com\" is not on the allow-list"
    );
}
