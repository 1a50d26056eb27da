//! Browser tests of the Agent App bridge with real JavaScript values: what
//! a `message` event can carry (cycles, functions, huge or odd values) and
//! where it came from. Nothing hostile reaches the protocol core, and what
//! does is still refused there.
#![cfg(target_arch = "wasm32")]

use billing_widget::domain::agent_app::{
    Embedding, HostLink, HostOrigins, Received, MAX_FRAME_BYTES,
};
use billing_widget::web::agent_app::{frame_text, is_from_parent};
use js_sys::{Array, Object, Reflect};
use wasm_bindgen::JsValue;
use wasm_bindgen_test::*;

wasm_bindgen_test_configure!(run_in_browser);

const HOST: &str = "https://my.livechatinc.com";

fn object(pairs: &[(&str, JsValue)]) -> JsValue {
    let object = Object::new();
    for (key, value) in pairs {
        Reflect::set(&object, &(*key).into(), value).expect("set a property");
    }
    object.into()
}

fn handshake() -> JsValue {
    object(&[
        ("@@livechat/postmessenger", JsValue::TRUE),
        ("owner", "host".into()),
        ("instance", "one".into()),
        ("type", "handshake".into()),
        ("request", JsValue::NULL),
        ("data", Object::new().into()),
    ])
}

fn link() -> HostLink {
    HostLink::new(
        &Embedding::from_query("?plugin_id=test-plugin"),
        HostOrigins::new([HOST.to_owned()]),
        None,
    )
}

#[wasm_bindgen_test]
fn a_real_handshake_object_is_read_and_answered() {
    let text = frame_text(&handshake()).expect("a plain object is JSON");
    let mut link = link();
    let received = link.receive(&text, HOST, true);
    assert!(received.connected_now);
    assert_eq!(received.replies.len(), 1);
    assert_eq!(received.replies[0].target_origin, HOST);
}

#[wasm_bindgen_test]
fn values_that_are_not_json_never_reach_the_core() {
    let cyclic = Object::new();
    Reflect::set(&cyclic, &"self".into(), &cyclic).expect("set");
    let function = js_sys::Function::new_no_args("return 1");
    let big_int = js_sys::BigInt::from(12_u32);
    for (what, value) in [
        ("a cyclic object", JsValue::from(cyclic)),
        ("a function", function.into()),
        ("undefined", JsValue::UNDEFINED),
        ("a BigInt", big_int.into()),
        ("a symbol", JsValue::symbol(Some("handshake"))),
    ] {
        assert_eq!(frame_text(&value), None, "{what}");
    }
}

#[wasm_bindgen_test]
fn an_oversized_frame_is_dropped_before_it_is_read() {
    let padding = "x".repeat(MAX_FRAME_BYTES);
    let big = object(&[
        ("@@livechat/postmessenger", JsValue::TRUE),
        ("type", "handshake".into()),
        ("padding", padding.into()),
    ]);
    assert_eq!(frame_text(&big), None);
}

#[wasm_bindgen_test]
fn odd_but_serialisable_values_are_refused_by_the_core() {
    let mut link = link();
    let values = [
        JsValue::NULL,
        JsValue::from(42),
        JsValue::from("handshake"),
        Array::of2(&handshake(), &handshake()).into(),
        object(&[
            ("@@livechat/postmessenger", JsValue::FALSE),
            ("type", "handshake".into()),
        ]),
        object(&[("type", "handshake".into()), ("owner", "host".into())]),
        object(&[
            ("@@livechat/postmessenger", JsValue::TRUE),
            ("owner", Object::new().into()),
            ("instance", "one".into()),
            ("type", "handshake".into()),
            ("request", JsValue::NULL),
        ]),
        js_sys::Date::new_0().into(),
        js_sys::Map::new().into(),
    ];
    for value in values {
        let Some(text) = frame_text(&value) else {
            continue;
        };
        assert_eq!(
            link.receive(&text, HOST, true),
            Received::default(),
            "{text}"
        );
    }
    assert!(!link.is_connected());
}

#[wasm_bindgen_test]
fn a_handshake_from_the_wrong_place_is_refused() {
    let text = frame_text(&handshake()).expect("JSON");
    let mut link = link();
    for (origin, from_parent) in [
        ("https://evil.example", true),
        ("null", true),
        ("http://my.livechatinc.com", true),
        (HOST, false),
    ] {
        assert_eq!(
            link.receive(&text, origin, from_parent),
            Received::default(),
            "{origin} from parent: {from_parent}"
        );
    }
    assert!(!link.is_connected());
}

#[wasm_bindgen_test]
fn only_the_parent_window_counts_as_the_host() {
    // A test page is a top-level page: it has no parent to trust.
    let window = web_sys::window().expect("a window");
    let from_self = web_sys::MessageEventInit::new();
    from_self.set_source(Some(&window));
    from_self.set_data(&handshake());
    let event = web_sys::MessageEvent::new_with_event_init_dict("message", &from_self)
        .expect("a message event");
    assert!(!is_from_parent(&event), "the page itself is not its host");

    let nowhere = web_sys::MessageEvent::new("message").expect("a message event");
    assert!(!is_from_parent(&nowhere), "no source at all");
}
