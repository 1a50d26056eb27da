//! The LiveChat Agent App's postMessage protocol: the handshake, host calls
//! and events, widget calls, plain mode, and what is refused.

use billing_core::domain::agent_app::*;
use serde_json::{json, Value};

const HOST: &str = "https://my.livechatinc.com";
const OTHER_HOST: &str = "https://my.livechat.com";
const OWNER: &str = "owner-1";
const INSTANCE: &str = "instance-1";

fn origins() -> HostOrigins {
    HostOrigins::new([HOST.to_owned(), OTHER_HOST.to_owned()])
}

fn trusted() -> HostLink {
    HostLink::new(
        &Embedding::from_query("?plugin_id=demo-widget"),
        origins(),
        None,
    )
}

fn handshake_from(owner: Value, instance: Value) -> String {
    json!({
        "@@livechat/postmessenger": true,
        "owner": owner,
        "instance": instance,
        "type": "handshake",
        "request": null,
        "data": {},
    })
    .to_string()
}

fn handshake() -> String {
    handshake_from(json!(OWNER), json!(INSTANCE))
}

/// A trusted link after an accepted handshake from `HOST`.
fn connected() -> HostLink {
    let mut link = trusted();
    let received = link.receive(&handshake(), HOST, true);
    assert!(received.connected_now);
    link
}

fn frame(kind: &str, request: Value, data: Value) -> String {
    json!({
        "@@livechat/postmessenger": true,
        "owner": OWNER,
        "instance": INSTANCE,
        "type": kind,
        "request": request,
        "data": data,
    })
    .to_string()
}

fn host_call(request: u64, payload: Value) -> String {
    frame(
        "call",
        json!(request),
        json!({ "method": "handle", "args": [payload] }),
    )
}

fn event(name: &str, data: Value) -> Value {
    json!({ "event_name": format!("livechat:{name}"), "event_data": data })
}

fn parsed(out: &Outgoing) -> Value {
    serde_json::from_str(&out.frame).expect("outgoing frames are JSON")
}

/// The single reply `received` carries, parsed, after checking its target.
fn only_reply(received: &Received) -> Value {
    assert_eq!(received.replies.len(), 1, "{received:?}");
    assert_eq!(received.replies[0].target_origin, HOST);
    parsed(&received.replies[0])
}

fn ack(request: Value) -> Value {
    json!({
        "@@livechat/postmessenger": true,
        "owner": OWNER,
        "instance": INSTANCE,
        "type": "response",
        "request": request,
        "data": { "error": false },
    })
}

/// The event a connected link reports for one host call (which it must
/// acknowledge whatever the payload).
fn host_event(payload: Value) -> Option<HostEvent> {
    let mut link = connected();
    let received = link.receive(&host_call(3, payload), HOST, true);
    assert_eq!(only_reply(&received), ack(json!(3)));
    received.event
}

fn profile(data: Value) -> CustomerProfile {
    match host_event(event("customer_profile", data)) {
        Some(HostEvent::CustomerProfile(profile)) => profile,
        other => panic!("expected a profile, got {other:?}"),
    }
}

// ---- Embedding parameters ----------------------------------------------------------

#[test]
fn the_query_string_gives_plugin_id_and_connection_mode() {
    let embedding = Embedding::from_query("?plugin_id=abc.DEF_1:2-3&connection=plain&theme=dark");
    assert_eq!(embedding.plugin_id.as_deref(), Some("abc.DEF_1:2-3"));
    assert_eq!(embedding.mode, ConnectionMode::Plain);

    let embedding = Embedding::from_query("plugin_id=x");
    assert_eq!(embedding.plugin_id.as_deref(), Some("x"));
    assert_eq!(embedding.mode, ConnectionMode::Trusted);
}

#[test]
fn only_connection_plain_selects_plain_mode() {
    assert_eq!(
        ConnectionMode::from_query("connection=plain"),
        ConnectionMode::Plain
    );
    assert_eq!(
        ConnectionMode::from_query("?a=1&connection=plain"),
        ConnectionMode::Plain
    );
    for query in [
        "",
        "?",
        "connection=PLAIN",
        "connection=plainx",
        "xconnection=plain",
        "connection=",
    ] {
        assert_eq!(
            ConnectionMode::from_query(query),
            ConnectionMode::Trusted,
            "{query}"
        );
    }
}

#[test]
fn a_plugin_id_that_is_not_a_short_plain_token_is_dropped() {
    let long = "a".repeat(101);
    for query in [
        "".to_owned(),
        "plugin_id=".to_owned(),
        format!("plugin_id={long}"),
        "plugin_id=%3Cscript%3E".to_owned(),
        "plugin_id=a%20b".to_owned(),
        "plugin_id=a/b".to_owned(),
        "plugin_id=%C5%BC".to_owned(),
    ] {
        assert_eq!(Embedding::from_query(&query).plugin_id, None, "{query}");
    }
    let hundred = "a".repeat(100);
    assert_eq!(
        Embedding::from_query(&format!("plugin_id={hundred}")).plugin_id,
        Some(hundred)
    );
}

#[test]
fn host_origins_match_exactly_and_never_null_or_wildcard() {
    let origins = HostOrigins::new([
        "https://my.livechatinc.com/".to_owned(),
        "http://localhost:8080".to_owned(),
        "null".to_owned(),
        "*".to_owned(),
        "https://evil.example/path".to_owned(),
    ]);
    assert!(origins.allows("https://my.livechatinc.com"));
    assert!(origins.allows("http://localhost:8080"));
    for refused in [
        "null",
        "*",
        "",
        "http://my.livechatinc.com",
        "https://my.livechatinc.com:8443",
        "https://my.livechatinc.com/",
        "https://evil.my.livechatinc.com",
        "https://my.livechatinc.com.evil.example",
        "http://localhost:8081",
        "http://localhost",
        "https://evil.example",
    ] {
        assert!(!origins.allows(refused), "{refused}");
    }
    assert_eq!(origins.as_slice().len(), 2);
}

// ---- The handshake -----------------------------------------------------------------

#[test]
fn the_handshake_is_answered_with_the_sdks_two_way_response() {
    let mut link = trusted();
    assert!(!link.is_connected());

    let received = link.receive(&handshake(), HOST, true);

    assert_eq!(
        only_reply(&received),
        json!({
            "@@livechat/postmessenger": true,
            "owner": OWNER,
            "instance": INSTANCE,
            "type": "response",
            "request": null,
            "data": { "error": false, "result": {} },
        })
    );
    assert!(received.connected_now);
    assert_eq!(received.event, None);
    assert!(link.is_connected());
    assert_eq!(link.host_origin(), Some(HOST));
}

#[test]
fn the_handshake_answer_has_no_four_way_marker_and_a_non_null_result() {
    let reply = only_reply(&connected_first_reply());
    let object = reply.as_object().expect("an object");
    assert!(!object.contains_key("@@livechat/4way"));
    assert!(!object.keys().any(|key| key.contains("4way")));
    assert_eq!(reply["data"]["result"], json!({}));
}

fn connected_first_reply() -> Received {
    trusted().receive(&handshake(), HOST, true)
}

#[test]
fn numeric_owner_and_instance_are_echoed_unchanged() {
    let mut link = trusted();
    let received = link.receive(&handshake_from(json!(17), json!(2.5)), HOST, true);
    let reply = only_reply(&received);
    assert_eq!(reply["owner"], json!(17));
    assert_eq!(reply["instance"], json!(2.5));

    // Later frames must carry the same values: the string "17" is another owner.
    let as_text = json!({
        "@@livechat/postmessenger": true, "owner": "17", "instance": 2.5,
        "type": "call", "request": 0, "data": {"method": "handle", "args": []},
    });
    assert_eq!(
        link.receive(&as_text.to_string(), HOST, true),
        Received::default()
    );
}

#[test]
fn a_repeated_handshake_is_answered_again_but_connects_only_once() {
    let mut link = trusted();
    let first = link.receive(&handshake(), HOST, true);
    assert!(first.connected_now);
    for _ in 0..5 {
        let again = link.receive(&handshake(), HOST, true);
        assert!(!again.connected_now);
        assert_eq!(again.replies, first.replies);
    }
}

#[test]
fn a_handshake_from_another_window_is_ignored() {
    let mut link = trusted();
    assert_eq!(link.receive(&handshake(), HOST, false), Received::default());
    assert!(!link.is_connected());
}

#[test]
fn only_the_parent_on_an_allowed_origin_is_heard_before_any_frame_is_read() {
    let link = trusted();
    assert!(link.may_hear_from(HOST, true));
    assert!(link.may_hear_from(OTHER_HOST, true));
    assert!(!link.may_hear_from(HOST, false), "a sibling or popup");
    for origin in ["null", "*", "", "https://evil.example"] {
        assert!(!link.may_hear_from(origin, true), "{origin}");
    }
}

#[test]
fn a_handshake_from_a_foreign_or_opaque_origin_is_ignored() {
    let mut link = trusted();
    for origin in [
        "null",
        "*",
        "",
        "https://evil.example",
        "http://my.livechatinc.com",
        "https://my.livechatinc.com.evil.example",
    ] {
        assert_eq!(
            link.receive(&handshake(), origin, true),
            Received::default(),
            "{origin}"
        );
    }
    assert!(!link.is_connected());
    assert_eq!(link.host_origin(), None);
}

#[test]
fn nothing_but_a_handshake_is_accepted_before_connecting() {
    let mut link = trusted();
    for early in [
        host_call(0, event("customer_profile", json!({"name": "Ada"}))),
        frame("handshake_echo", json!(0), json!({})),
        frame("response", json!(0), json!({"error": false})),
    ] {
        assert_eq!(link.receive(&early, HOST, true), Received::default());
    }
    assert!(!link.is_connected());
}

#[test]
fn once_connected_a_handshake_from_another_origin_or_owner_is_ignored() {
    let mut link = connected();
    assert_eq!(
        link.receive(&handshake(), OTHER_HOST, true),
        Received::default()
    );
    assert_eq!(
        link.receive(
            &handshake_from(json!("owner-2"), json!(INSTANCE)),
            HOST,
            true
        ),
        Received::default()
    );
    assert_eq!(
        link.receive(
            &handshake_from(json!(OWNER), json!("instance-2")),
            HOST,
            true
        ),
        Received::default()
    );
    assert_eq!(link.host_origin(), Some(HOST));
}

#[test]
fn once_connected_frames_from_another_origin_window_owner_or_instance_are_ignored() {
    let mut link = connected();
    let call = host_call(0, event("change_theme", json!({"theme": "dark"})));
    assert_eq!(link.receive(&call, OTHER_HOST, true), Received::default());
    assert_eq!(link.receive(&call, HOST, false), Received::default());

    let mut foreign_owner: Value = serde_json::from_str(&call).expect("json");
    foreign_owner["owner"] = json!("owner-2");
    assert_eq!(
        link.receive(&foreign_owner.to_string(), HOST, true),
        Received::default()
    );
    let mut foreign_instance: Value = serde_json::from_str(&call).expect("json");
    foreign_instance["instance"] = json!("instance-2");
    assert_eq!(
        link.receive(&foreign_instance.to_string(), HOST, true),
        Received::default()
    );

    // The genuine frame still works.
    let received = link.receive(&call, HOST, true);
    assert_eq!(
        received.event,
        Some(HostEvent::ChangeTheme(HostTheme::Dark))
    );
}

#[test]
fn a_handshake_echo_is_answered_with_its_request_id() {
    let mut link = connected();
    let received = link.receive(&frame("handshake_echo", json!(7), json!({})), HOST, true);
    assert_eq!(only_reply(&received), ack(json!(7)));
    assert_eq!(received.event, None);
    assert!(!received.connected_now);
}

// ---- Host calls ------------------------------------------------------------------

#[test]
fn a_host_call_is_answered_with_its_own_request_id() {
    let mut link = connected();
    for request in [0, 1, 41, 9_007_199_254_740_991] {
        let received = link.receive(
            &host_call(request, event("message_sent", json!({}))),
            HOST,
            true,
        );
        assert_eq!(only_reply(&received), ack(json!(request)));
    }
}

#[test]
fn an_unknown_event_is_answered_and_reported_by_name() {
    assert_eq!(
        host_event(event(
            "customer_details_section_button_click",
            json!({"buttonId": "b"})
        )),
        Some(HostEvent::Other {
            name: "customer_details_section_button_click".to_owned()
        })
    );
    let long = "x".repeat(500);
    assert_eq!(
        host_event(event(&long, json!(null))),
        Some(HostEvent::Other {
            name: "x".repeat(64)
        })
    );
}

#[test]
fn a_malformed_payload_is_still_answered_but_carries_no_event() {
    let mut link = connected();
    let datas = [
        json!({ "method": "handle", "args": [] }),
        json!({ "method": "handle", "args": [42] }),
        json!({ "method": "handle", "args": "not a list" }),
        json!({ "method": "handle" }),
        json!({ "method": "other", "args": [event("change_theme", json!({"theme": "dark"}))] }),
        json!({ "args": [event("change_theme", json!({"theme": "dark"}))] }),
        json!({ "method": "handle", "args": [{ "event_name": "change_theme", "event_data": {"theme": "dark"} }] }),
        json!({ "method": "handle", "args": [{ "event_name": 5 }] }),
        json!({ "method": "handle", "args": [{ "event_name": "livechat:" }] }),
        json!({ "method": "handle", "args": [event("customer_profile", json!("Ada"))] }),
        json!({ "method": "handle", "args": [event("transaction_accepted", json!({}))] }),
        json!(null),
        json!("handle"),
    ];
    for (request, data) in datas.into_iter().enumerate() {
        let received = link.receive(&frame("call", json!(request), data.clone()), HOST, true);
        assert_eq!(only_reply(&received), ack(json!(request)), "{data}");
        assert_eq!(received.event, None, "{data}");
    }
    // `data` may be absent altogether.
    let no_data = json!({
        "@@livechat/postmessenger": true, "owner": OWNER, "instance": INSTANCE,
        "type": "call", "request": 99,
    });
    let received = link.receive(&no_data.to_string(), HOST, true);
    assert_eq!(only_reply(&received), ack(json!(99)));
}

#[test]
fn a_call_or_echo_without_a_numeric_request_id_is_ignored() {
    let mut link = connected();
    let payload =
        json!({ "method": "handle", "args": [event("change_theme", json!({"theme": "dark"}))] });
    for request in [json!(null), json!("1"), json!(true), json!([1]), json!({})] {
        assert_eq!(
            link.receive(&frame("call", request.clone(), payload.clone()), HOST, true),
            Received::default(),
            "{request}"
        );
        assert_eq!(
            link.receive(
                &frame("handshake_echo", request.clone(), json!({})),
                HOST,
                true
            ),
            Received::default(),
            "{request}"
        );
    }
}

// ---- Host events -----------------------------------------------------------------

#[test]
fn a_full_customer_profile_is_mapped() {
    let profile = profile(json!({
        "id": "visitor-1",
        "name": "Ada King Lovelace",
        "email": "ada@example.com",
        "geolocation": {
            "latitude": "51.5", "longitude": "-0.1", "country": "United Kingdom",
            "country_code": "GB", "region": "England", "city": "London", "timezone": "Europe/London"
        },
        "chat": { "id": "chat-9", "groupID": "0", "preChatSurvey": [{"question": "q", "answer": "a"}] },
        "source": "chats"
    }));
    assert_eq!(
        profile,
        CustomerProfile {
            id: Some("visitor-1".to_owned()),
            name: Some("Ada King Lovelace".to_owned()),
            email: Some("ada@example.com".to_owned()),
            country: Some("United Kingdom".to_owned()),
            city: Some("London".to_owned()),
            chat_id: Some("chat-9".to_owned()),
        }
    );
    assert_eq!(
        profile.first_and_last_name(),
        (Some("Ada".to_owned()), Some("King Lovelace".to_owned()))
    );
}

#[test]
fn a_partial_customer_profile_leaves_the_rest_empty() {
    let profile = profile(json!({ "name": "Ada", "geolocation": { "city": "London" } }));
    assert_eq!(
        profile,
        CustomerProfile {
            name: Some("Ada".to_owned()),
            city: Some("London".to_owned()),
            ..CustomerProfile::default()
        }
    );
    assert_eq!(
        profile.first_and_last_name(),
        (Some("Ada".to_owned()), None)
    );
    assert_eq!(self::profile(json!({})), CustomerProfile::default());
    assert_eq!(
        CustomerProfile::default().first_and_last_name(),
        (None, None)
    );
}

#[test]
fn a_hostile_customer_profile_is_capped_cleaned_and_type_checked() {
    let profile = profile(json!({
        "id": 12345,
        "name": format!("  Ada\u{0}\u{7}\n Love\u{202E}lace{}  ", "z".repeat(10_000)),
        "email": "ada@@example.com",
        "geolocation": { "country": ["PL"], "city": "\u{1b}[31mKrak\u{f3}w\u{1b}[0m" },
        "chat": "chat-9",
    }));
    let name = profile.name.clone().expect("a name");
    assert!(name.starts_with("Ada Lovelace"), "{name}");
    assert_eq!(name.chars().count(), 200);
    assert!(!name.chars().any(char::is_control));
    assert!(!name.contains('\u{202E}'));
    assert_eq!(profile.id, None);
    assert_eq!(profile.email, None);
    assert_eq!(profile.country, None);
    assert_eq!(profile.city.as_deref(), Some("[31mKrak\u{f3}w[0m"));
    assert_eq!(profile.chat_id, None);

    let huge = "x".repeat(1_000);
    let capped = self::profile(json!({
        "id": huge, "geolocation": { "country": huge, "city": huge }, "chat": { "id": huge }
    }));
    for field in [capped.id, capped.country, capped.city, capped.chat_id] {
        assert_eq!(field.map(|f| f.chars().count()), Some(200));
    }
}

#[test]
fn only_plausible_emails_are_kept() {
    let email = |raw: Value| profile(json!({ "email": raw })).email;
    assert_eq!(
        email(json!(" ada@example.com\u{0} ")).as_deref(),
        Some("ada@example.com")
    );
    for bad in [
        json!("ada"),
        json!("ada@"),
        json!("@example.com"),
        json!("ada@example"),
        json!("ada@b@example.com"),
        json!("ada lovelace@example.com"),
        json!(format!("{}@example.com", "a".repeat(250))),
        json!(42),
        json!({"address": "ada@example.com"}),
    ] {
        assert_eq!(email(bad.clone()), None, "{bad}");
    }
}

#[test]
fn change_theme_accepts_light_and_dark_only() {
    let theme = |data: Value| host_event(event("change_theme", data));
    assert_eq!(
        theme(json!({"theme": "light"})),
        Some(HostEvent::ChangeTheme(HostTheme::Light))
    );
    assert_eq!(
        theme(json!({"theme": "dark"})),
        Some(HostEvent::ChangeTheme(HostTheme::Dark))
    );
    for other in [
        json!({"theme": "Dark"}),
        json!({"theme": "blue"}),
        json!({"theme": 1}),
        json!({}),
        json!(null),
    ] {
        assert_eq!(theme(other.clone()), None, "{other}");
    }
}

#[test]
fn transaction_outcomes_carry_a_valid_charge_id() {
    const CHARGE: &str = "5deab95d-c0c9-4397-9593-436f533e83e5";
    assert_eq!(
        host_event(event("transaction_accepted", json!({ "chargeId": CHARGE }))),
        Some(HostEvent::TransactionAccepted {
            charge_id: CHARGE.to_owned()
        })
    );
    assert_eq!(
        host_event(event("transaction_declined", json!({ "chargeId": CHARGE }))),
        Some(HostEvent::TransactionDeclined {
            charge_id: CHARGE.to_owned()
        })
    );
    // A charge id is matched against ours: a bad one is refused, not repaired.
    for bad in [
        json!(""),
        json!("../x"),
        json!("a\u{0}b"),
        json!(5),
        json!("x".repeat(500)),
    ] {
        assert_eq!(
            host_event(event("transaction_accepted", json!({ "chargeId": bad }))),
            None,
            "{bad}"
        );
    }
}

#[test]
fn transaction_failed_gives_a_short_text_for_any_error_shape() {
    let failed = |data: Value| match host_event(event("transaction_failed", data)) {
        Some(HostEvent::TransactionFailed { error }) => error,
        other => panic!("expected a failure, got {other:?}"),
    };
    assert_eq!(failed(json!({"error": "card declined"})), "card declined");
    assert_eq!(
        failed(json!({"error": {"message": "insufficient funds", "code": 402}})),
        "insufficient funds"
    );
    assert_eq!(failed(json!({"error": {"code": "E42"}})), "E42");
    assert_eq!(
        failed(json!({"error": {"status": 500}})),
        r#"{"status":500}"#
    );
    assert_eq!(
        failed(json!({"error": "x".repeat(5_000)})).chars().count(),
        200
    );
    for empty in [
        json!({}),
        json!(null),
        json!({"error": null}),
        json!({"error": "  "}),
    ] {
        assert!(!failed(empty).is_empty());
    }
}

// ---- Widget calls and host responses -------------------------------------------

#[test]
fn widget_calls_are_framed_with_a_counter_from_zero() {
    let mut link = connected();
    let first = link.send("plugin_inited", None).expect("connected");
    assert_eq!(first.target_origin, HOST);
    assert_eq!(
        parsed(&first),
        json!({
            "@@livechat/postmessenger": true,
            "owner": OWNER,
            "instance": INSTANCE,
            "type": "call",
            "request": 0,
            "data": {
                "method": "handle",
                "args": [{ "plugin_id": "demo-widget", "message": "plugin_inited", "data": null }],
            },
        })
    );
    let second = link
        .send("set_toast", Some(json!({"message": "Paid"})))
        .expect("connected");
    assert_eq!(parsed(&second)["request"], json!(1));
    assert_eq!(
        parsed(&second)["data"]["args"][0]["data"],
        json!({"message": "Paid"})
    );
    assert_eq!(
        parsed(&link.send("track", None).expect("connected"))["request"],
        json!(2)
    );
}

#[test]
fn nothing_is_sent_before_the_handshake_and_plugin_id_may_be_null() {
    let mut link = HostLink::new(&Embedding::from_query(""), origins(), Some(HOST.to_owned()));
    assert_eq!(link.send("plugin_inited", None), None);
    link.receive(&handshake(), HOST, true);
    let call = link.send("plugin_inited", None).expect("connected");
    // The refused send did not use up request 0.
    assert_eq!(parsed(&call)["request"], json!(0));
    assert_eq!(parsed(&call)["data"]["args"][0]["plugin_id"], Value::Null);
}

#[test]
fn a_host_response_answers_one_of_our_calls_once() {
    let mut link = connected();
    link.send("plugin_inited", None).expect("connected");
    link.send("register_transaction_pending", Some(json!({})))
        .expect("connected");

    let received = link.receive(&ack(json!(1)).to_string(), HOST, true);
    assert_eq!(received.answered, Some(1));
    assert!(!received.answer_failed);
    assert!(received.replies.is_empty());

    // Not twice, and not for a call we never made.
    assert_eq!(
        link.receive(&ack(json!(1)).to_string(), HOST, true),
        Received::default()
    );
    assert_eq!(
        link.receive(&ack(json!(5)).to_string(), HOST, true),
        Received::default()
    );

    let failed = frame(
        "response",
        json!(0),
        json!({"error": true, "result": "boom"}),
    );
    let received = link.receive(&failed, HOST, true);
    assert_eq!(received.answered, Some(0));
    assert!(received.answer_failed);
}

// ---- Plain mode ------------------------------------------------------------------

fn plain(parent_origin: Option<&str>) -> HostLink {
    HostLink::new(
        &Embedding::from_query("plugin_id=demo-widget&connection=plain"),
        origins(),
        parent_origin.map(str::to_owned),
    )
}

#[test]
fn plain_mode_posts_raw_payloads_to_an_allowed_parent_origin() {
    let mut link = plain(Some(HOST));
    assert_eq!(link.mode(), ConnectionMode::Plain);
    assert!(link.is_connected());
    let out = link
        .send("put_message", Some(json!("Hello")))
        .expect("known host");
    assert_eq!(out.target_origin, HOST);
    assert_eq!(
        parsed(&out),
        json!({ "plugin_id": "demo-widget", "message": "put_message", "data": "Hello" })
    );

    // A parent origin off the list is never a target.
    let mut link = plain(Some("https://evil.example"));
    assert!(!link.is_connected());
    assert_eq!(link.send("put_message", None), None);
}

#[test]
fn plain_mode_accepts_raw_host_events_and_learns_the_host_origin_from_the_first() {
    let mut link = plain(None);
    assert_eq!(link.send("plugin_inited", None), None);
    let dark = event("change_theme", json!({"theme": "dark"})).to_string();

    assert_eq!(link.receive(&dark, HOST, false), Received::default());
    assert_eq!(
        link.receive(&dark, "https://evil.example", true),
        Received::default()
    );
    assert_eq!(link.receive(&dark, "null", true), Received::default());
    assert!(!link.is_connected());

    let received = link.receive(&dark, OTHER_HOST, true);
    assert_eq!(
        received.event,
        Some(HostEvent::ChangeTheme(HostTheme::Dark))
    );
    assert!(received.replies.is_empty());
    assert!(!received.connected_now);
    assert_eq!(link.host_origin(), Some(OTHER_HOST));

    // Now only that origin is heard, and it is where frames go.
    assert_eq!(link.receive(&dark, HOST, true), Received::default());
    assert_eq!(
        link.send("plugin_inited", None)
            .map(|out| out.target_origin),
        Some(OTHER_HOST.to_owned())
    );
}

#[test]
fn plain_mode_ignores_envelopes_and_answers_nothing() {
    let mut link = plain(Some(HOST));
    assert_eq!(link.receive(&handshake(), HOST, true), Received::default());
    assert_eq!(
        link.receive(&host_call(0, event("message", json!({}))), HOST, true),
        Received::default()
    );
    let received = link.receive(&event("message", json!({})).to_string(), HOST, true);
    assert!(received.replies.is_empty());
    assert_eq!(
        received.event,
        Some(HostEvent::Other {
            name: "message".to_owned()
        })
    );
}

// ---- Refused input -----------------------------------------------------------------

#[test]
fn an_oversized_frame_is_ignored_unread() {
    let padding = " ".repeat(MAX_FRAME_BYTES);
    let mut link = trusted();
    assert_eq!(
        link.receive(&format!("{}{padding}", handshake()), HOST, true),
        Received::default()
    );
    assert!(!link.is_connected());

    let mut link = connected();
    let big = host_call(
        0,
        event(
            "customer_profile",
            json!({ "name": "x".repeat(MAX_FRAME_BYTES) }),
        ),
    );
    assert_eq!(link.receive(&big, HOST, true), Received::default());

    let mut link = plain(Some(HOST));
    let big = event("message", json!("x".repeat(MAX_FRAME_BYTES))).to_string();
    assert_eq!(link.receive(&big, HOST, true), Received::default());
}

#[test]
fn envelopes_with_wrong_types_are_ignored() {
    let mut link = trusted();
    let good: Value = serde_json::from_str(&handshake()).expect("json");
    let broken = [
        ("@@livechat/postmessenger", json!("true")),
        ("@@livechat/postmessenger", json!(1)),
        ("@@livechat/postmessenger", json!(false)),
        ("owner", json!(null)),
        ("owner", json!({"id": 1})),
        ("owner", json!([OWNER])),
        ("instance", json!(true)),
        ("type", json!(1)),
        ("type", json!("HANDSHAKE")),
        ("request", json!("0")),
    ];
    for (key, value) in broken {
        let mut frame = good.clone();
        frame[key] = value.clone();
        assert_eq!(
            link.receive(&frame.to_string(), HOST, true),
            Received::default(),
            "{key}: {value}"
        );
    }
    for missing in ["@@livechat/postmessenger", "owner", "instance", "type"] {
        let mut frame = good.clone();
        frame.as_object_mut().expect("object").remove(missing);
        assert_eq!(
            link.receive(&frame.to_string(), HOST, true),
            Received::default(),
            "{missing}"
        );
    }
    for not_an_object in [
        "",
        "null",
        "true",
        "0",
        "\"handshake\"",
        "[]",
        &format!("[{}]", handshake()),
    ] {
        assert_eq!(
            link.receive(not_an_object, HOST, true),
            Received::default(),
            "{not_an_object}"
        );
    }
    assert!(!link.is_connected());
}

/// A small deterministic generator, so a failure reproduces.
struct XorShift(u64);

impl XorShift {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        self.0
    }
}

#[test]
fn truncated_and_random_frames_never_panic_or_get_a_reply() {
    let valid = [
        handshake(),
        frame("handshake_echo", json!(3), json!({})),
        host_call(
            4,
            event(
                "customer_profile",
                json!({"name": "Ada", "email": "ada@example.com"}),
            ),
        ),
        ack(json!(0)).to_string(),
        event("change_theme", json!({"theme": "dark"})).to_string(),
    ];
    let mut links = [trusted(), connected(), plain(Some(HOST)), plain(None)];
    for text in &valid {
        for end in 0..text.len() {
            let Some(prefix) = text.get(..end) else {
                continue;
            };
            for link in links.iter_mut() {
                let received = link.receive(prefix, HOST, true);
                assert!(received.replies.is_empty(), "{prefix}");
                assert_eq!(received.event, None, "{prefix}");
            }
        }
    }

    let mut rng = XorShift(0x9E37_79B9_7F4A_7C15);
    for _ in 0..2_000 {
        let len = (rng.next() % 200) as usize;
        let bytes: Vec<u8> = (0..len).map(|_| rng.next() as u8).collect();
        let text = String::from_utf8_lossy(&bytes);
        for link in links.iter_mut() {
            assert_eq!(
                link.receive(&text, HOST, true),
                Received::default(),
                "{text:?}"
            );
        }
    }

    // Single-character mutations of valid frames may still be valid frames,
    // so only the absence of panics is checked here.
    const ALPHABET: &[u8] = b"{}[]\":,0123456789.-eE tfnul\\@x";
    for _ in 0..5_000 {
        let source = &valid[(rng.next() % valid.len() as u64) as usize];
        let mut bytes = source.clone().into_bytes();
        let at = (rng.next() % bytes.len() as u64) as usize;
        bytes[at] = ALPHABET[(rng.next() % ALPHABET.len() as u64) as usize];
        let text = String::from_utf8_lossy(&bytes);
        for link in links.iter_mut() {
            let _ = link.receive(&text, HOST, true);
        }
    }
}
