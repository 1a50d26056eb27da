//! Small DOM effects the app needs at start-up.

use wasm_bindgen::JsCast;

use crate::config::Theme;

/// The page's `location.search`, or empty when there is no window.
pub fn location_search() -> String {
    web_sys::window()
        .and_then(|w| w.location().search().ok())
        .unwrap_or_default()
}

/// Resolves a path against `document.baseURI`, so the app finds its files
/// whichever route the page was opened on.
pub fn resolve_against_base(path: &str) -> String {
    let base = web_sys::window()
        .and_then(|w| w.document())
        .and_then(|d| d.base_uri().ok().flatten());
    match base.and_then(|b| url::Url::parse(&b).ok()) {
        Some(base) => base
            .join(path)
            .map(String::from)
            .unwrap_or_else(|_| path.to_owned()),
        None => path.to_owned(),
    }
}

/// Marks the chosen theme on `<html>`: `data-theme="light|dark"` and
/// LiveChat's theme class (`lc-light-theme` or `lc-dark-theme`, the other
/// removed), or neither for the system theme, which the stylesheet then
/// follows through `prefers-color-scheme`. The stylesheet does the rest.
pub fn apply_theme(theme: Theme) {
    let Some(root) = web_sys::window()
        .and_then(|w| w.document())
        .and_then(|d| d.document_element())
    else {
        return;
    };
    let (light, dark) = match theme {
        Theme::System => (false, false),
        Theme::Light => (true, false),
        Theme::Dark => (false, true),
    };
    let classes = root.class_list();
    // Setting an attribute or a class on <html> cannot fail for a valid
    // name; there is nothing useful to do if it did.
    let _ = classes.toggle_with_force("lc-light-theme", light);
    let _ = classes.toggle_with_force("lc-dark-theme", dark);
    let _ = match theme.attribute() {
        Some(value) => root.set_attribute("data-theme", value),
        None => root.remove_attribute("data-theme"),
    };
}

/// `performance.mark(name)`: benchmarks read these marks.
pub fn performance_mark(name: &str) {
    if let Some(performance) = web_sys::window().and_then(|w| w.performance()) {
        let _ = performance.mark(name);
    }
}

/// Whether the system asks for a dark colour scheme.
pub fn prefers_dark() -> bool {
    web_sys::window()
        .and_then(|w| w.match_media("(prefers-color-scheme: dark)").ok().flatten())
        .is_some_and(|query| query.matches())
}

/// The page's full address, parsed.
pub fn current_url() -> Option<url::Url> {
    let href = web_sys::window()?.location().href().ok()?;
    url::Url::parse(&href).ok()
}

/// The page's origin, e.g. `http://127.0.0.1:8080`.
pub fn origin() -> String {
    web_sys::window()
        .and_then(|w| w.location().origin().ok())
        .unwrap_or_default()
}

/// Milliseconds since the Unix epoch from the device clock.
pub fn now_ms() -> u64 {
    let now = js_sys::Date::now();
    // Date.now() is a whole, non-negative number of milliseconds.
    if now.is_finite() && now > 0.0 {
        now as u64
    } else {
        0
    }
}

/// Loads the page again from its address.
pub fn reload() {
    if let Some(window) = web_sys::window() {
        let _ = window.location().reload();
    }
}

/// A real navigation (a full page load), as a redirect from another site is.
pub fn navigate_to(url: &url::Url) {
    if let Some(window) = web_sys::window() {
        // A refused navigation leaves the user on the page, which still
        // shows where they were going.
        let _ = window.location().assign(url.as_str());
    }
}

/// Whether the `<details>` element a `toggle` event came from is now open.
pub fn details_open(event: &web_sys::Event) -> bool {
    use wasm_bindgen::JsCast;
    event
        .target()
        .and_then(|target| target.dyn_into::<web_sys::Element>().ok())
        .is_some_and(|details| details.has_attribute("open"))
}

/// `window.confirm`: a yes/no question before something that cannot be undone.
pub fn confirm(question: &str) -> bool {
    web_sys::window()
        .and_then(|w| w.confirm_with_message(question).ok())
        .unwrap_or(false)
}

/// Replaces the address bar's path and query without a reload or a history
/// entry: codes, tokens and charge ids must not stay visible or bookmarkable.
pub fn replace_address(path_and_query: &str) {
    if let Some(history) = web_sys::window().and_then(|w| w.history().ok()) {
        let _ =
            history.replace_state_with_url(&wasm_bindgen::JsValue::NULL, "", Some(path_and_query));
    }
}

/// Whether the page runs inside a frame (the LiveChat Agent App).
pub fn is_framed() -> bool {
    let Some(window) = web_sys::window() else {
        return false;
    };
    match (window.top(), window.self_()) {
        (Ok(Some(top)), me) => !js_sys::Object::is(&top, &me),
        // A cross-origin top that cannot even be named: framed.
        _ => true,
    }
}

/// Moves the focus to `element` when nothing has it any more (the control
/// that had it was removed or redrawn), so keyboard users keep their place;
/// focus the user put elsewhere is left alone.
pub fn focus_if_lost(element: &web_sys::HtmlElement) {
    let document = web_sys::window().and_then(|w| w.document());
    let lost = document.is_some_and(|d| match (d.active_element(), d.body()) {
        (None, _) => true,
        (Some(active), Some(body)) => js_sys::Object::is(&active, &body),
        (Some(_), None) => false,
    });
    if lost {
        let _ = element.focus();
    }
}

/// Marks an element that outlives the redraws inside it, where focus goes
/// when the control that had it is redrawn away. Give it `tabindex="-1"`.
pub const FOCUS_HOME: &str = "data-focus-home";

/// How often, and for how long, [`keep_focus_near`] looks: long enough for
/// a request that times out (15 s) to come back and redraw.
const FOCUS_WATCH_EVERY_MS: i32 = 50;
const FOCUS_WATCH_TRIES: u32 = 20_000 / FOCUS_WATCH_EVERY_MS as u32;

/// Called by a control whose action redraws it away (a retry, "Check
/// again", a toggle that saves): when the focus is lost (now or once the
/// answer has come and the page redrawn), it goes to the control drawn in
/// its place (same `data-testid`), else to its nearest [`FOCUS_HOME`], else
/// `#main`, so a keyboard or screen-reader user stays where they were.
/// Focus the user moves elsewhere meanwhile is left alone.
pub fn keep_focus_near(control: &web_sys::Element) {
    let home = control
        .closest(&format!("[{FOCUS_HOME}]"))
        .ok()
        .flatten()
        .or_else(|| {
            web_sys::window()
                .and_then(|w| w.document())
                .and_then(|d| d.get_element_by_id("main"))
        });
    watch_focus(
        FocusWatch {
            control: control.clone(),
            testid: control.get_attribute("data-testid"),
            home,
        },
        FOCUS_WATCH_TRIES,
    );
}

/// [`keep_focus_near`] the focused control: the button clicked or pressed,
/// or the field Enter was pressed in.
pub fn keep_focus_here() {
    let active = web_sys::window().and_then(|w| w.document()).and_then(|d| {
        d.active_element()
            .filter(|a| d.body().is_none_or(|b| !js_sys::Object::is(a, &b)))
    });
    if let Some(active) = active {
        keep_focus_near(&active);
    }
}

struct FocusWatch {
    control: web_sys::Element,
    testid: Option<String>,
    home: Option<web_sys::Element>,
}

fn watch_focus(watch: FocusWatch, tries_left: u32) {
    let Some(document) = web_sys::window().and_then(|w| w.document()) else {
        return;
    };
    let active = document.active_element();
    let lost = match (&active, document.body()) {
        (None, _) => true,
        (Some(active), Some(body)) => js_sys::Object::is(active, &body),
        (Some(_), None) => false,
    };
    let waiting = active
        .as_ref()
        .is_some_and(|a| js_sys::Object::is(a, &watch.control) && watch.control.is_connected());
    if lost {
        let replacement = watch
            .testid
            .as_deref()
            .and_then(|id| {
                document
                    .query_selector(&format!("[data-testid=\"{id}\"]"))
                    .ok()
            })
            .flatten();
        match replacement {
            // Disabled while its request runs (which took the focus away):
            // it gets the focus back once it can take it.
            Some(busy) if busy.has_attribute("disabled") && tries_left > 0 => {}
            Some(replacement) if focus_element(&document, &replacement) => return,
            _ => {
                if let Some(home) = &watch.home {
                    focus_element(&document, home);
                }
                return;
            }
        }
    } else if !waiting || tries_left == 0 {
        return;
    }
    let next = wasm_bindgen::closure::Closure::once_into_js(move || {
        watch_focus(watch, tries_left - 1);
    });
    if let Some(window) = web_sys::window() {
        let _ = window.set_timeout_with_callback_and_timeout_and_arguments_0(
            next.unchecked_ref(),
            FOCUS_WATCH_EVERY_MS,
        );
    }
}

/// Focuses `element`; `false` when it cannot take focus (disabled, hidden).
fn focus_element(document: &web_sys::Document, element: &web_sys::Element) -> bool {
    let Ok(element) = element.clone().dyn_into::<web_sys::HtmlElement>() else {
        return false;
    };
    let _ = element.focus();
    document
        .active_element()
        .is_some_and(|active| js_sys::Object::is(&active, &element))
}

/// The page's main region, where focus goes when its control is gone.
pub fn focus_main() {
    let main = web_sys::window()
        .and_then(|w| w.document())
        .and_then(|d| d.get_element_by_id("main"))
        .and_then(|e| e.dyn_into::<web_sys::HtmlElement>().ok());
    if let Some(main) = main {
        let _ = main.focus();
    }
}

/// Names the page in the tab and the history list.
pub fn set_title(title: &str) {
    if let Some(document) = web_sys::window().and_then(|w| w.document()) {
        document.set_title(title);
    }
}

/// Whether the tab is hidden (polling pauses then).
pub fn page_hidden() -> bool {
    web_sys::window()
        .and_then(|w| w.document())
        .is_some_and(|d| d.hidden())
}

/// Whether the browser says it is offline (polling pauses then).
pub fn is_offline() -> bool {
    web_sys::window().is_some_and(|w| !w.navigator().on_line())
}

/// Tells a polling schedule whether the tab is visible and online now.
/// `Some` when that changes what to do: pause, or check at once.
pub fn sync_poll_pause(
    schedule: &mut crate::domain::polling::PollSchedule,
) -> Option<crate::domain::polling::PollDecision> {
    let now = now_ms();
    let visible = schedule.set_visible(!page_hidden(), now);
    let online = schedule.set_online(!is_offline(), now);
    online.or(visible)
}

/// The `href` of the link an event happened in, as written in the markup
/// (`/charges`), or `None` outside a link.
pub fn link_href_of(event: &web_sys::Event) -> Option<String> {
    let target = event.target()?.dyn_into::<web_sys::Element>().ok()?;
    target.closest("a[href]").ok()??.get_attribute("href")
}

/// Runs `work` once the browser is idle (`requestIdleCallback`, or a short
/// timeout where there is none), so it never competes with the page being
/// shown.
pub fn when_idle(work: impl FnOnce() + 'static) {
    let Some(window) = web_sys::window() else {
        return;
    };
    let callback = wasm_bindgen::closure::Closure::once_into_js(work);
    let callback = callback.unchecked_ref::<js_sys::Function>();
    let has_idle_callback =
        js_sys::Reflect::has(&window, &"requestIdleCallback".into()).unwrap_or(false);
    let scheduled = if has_idle_callback {
        window.request_idle_callback(callback).map(drop)
    } else {
        window
            .set_timeout_with_callback_and_timeout_and_arguments_0(callback, 200)
            .map(drop)
    };
    if scheduled.is_err() {
        web_sys::console::warn_1(&"could not schedule idle work".into());
    }
}
