//! Cross-tab mutual exclusion through the Web Locks API (`navigator.locks`).
//!
//! localStorage alone cannot keep two tabs from both claiming one
//! activation: tabs in different processes see each other's writes late.
//! A Web Lock is granted to one tab of the origin at a time, and the browser
//! frees it when that tab closes. Where the API is missing (an insecure
//! context, an old browser, a sandboxed frame) callers get
//! [`LockAttempt::Unsupported`] and rely on their other guards.
//!
//! web-sys only offers `LockManager` behind `web_sys_unstable_apis`, so the
//! one method used is bound here.

use js_sys::{Function, Object, Promise, Reflect};
use wasm_bindgen::prelude::*;
use wasm_bindgen::JsCast;
use wasm_bindgen_futures::JsFuture;

#[wasm_bindgen]
extern "C" {
    type LockManager;

    #[wasm_bindgen(method, catch, js_name = request)]
    fn request_with_options(
        this: &LockManager,
        name: &str,
        options: &Object,
        callback: &Function,
    ) -> Result<Promise, JsValue>;
}

/// A lock this tab holds; dropping it lets the next tab in.
#[must_use = "the lock is released as soon as this is dropped"]
pub struct HeldLock {
    release: Function,
}

impl Drop for HeldLock {
    fn drop(&mut self) {
        // Resolving the promise the lock callback returned frees the lock.
        let _ = self.release.call0(&JsValue::NULL);
    }
}

impl std::fmt::Debug for HeldLock {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("HeldLock")
    }
}

/// What asking for a lock gave.
#[derive(Debug)]
pub enum LockAttempt {
    Held(HeldLock),
    /// Another tab holds it (only from [`try_lock`]).
    Busy,
    /// No Web Locks here: nothing is excluded.
    Unsupported,
}

/// Takes the lock `name` if no tab holds it, without waiting.
pub async fn try_lock(name: &str) -> LockAttempt {
    request(name, true).await
}

/// Waits for the lock `name`; `None` where Web Locks are unsupported.
pub async fn lock(name: &str) -> Option<HeldLock> {
    match request(name, false).await {
        LockAttempt::Held(lock) => Some(lock),
        LockAttempt::Busy | LockAttempt::Unsupported => None,
    }
}

fn lock_manager() -> Option<LockManager> {
    let navigator = web_sys::window()?.navigator();
    let locks = Reflect::get(&navigator, &JsValue::from_str("locks")).ok()?;
    if locks.is_undefined() || locks.is_null() {
        return None;
    }
    Some(locks.unchecked_into())
}

/// A promise and the function that resolves it.
fn deferred() -> (Promise, Option<Function>) {
    let mut resolve = None;
    let promise = Promise::new(&mut |resolve_fn, _reject| resolve = Some(resolve_fn));
    (promise, resolve)
}

async fn request(name: &str, if_available: bool) -> LockAttempt {
    let Some(locks) = lock_manager() else {
        return LockAttempt::Unsupported;
    };
    // `granted` settles with the callback's argument: a Lock object, `null`
    // when `ifAvailable` found the lock taken, or `undefined` when the
    // request itself failed.
    let (granted, resolve_granted) = deferred();
    let (held_until, release) = deferred();
    let (Some(resolve_granted), Some(release)) = (resolve_granted, release) else {
        return LockAttempt::Unsupported;
    };
    let on_grant = resolve_granted.clone();
    let callback = Closure::once_into_js(move |lock: JsValue| -> JsValue {
        let busy = lock.is_null();
        let _ = on_grant.call1(&JsValue::NULL, &lock);
        if busy {
            JsValue::UNDEFINED
        } else {
            // The lock is held until this promise settles.
            held_until.into()
        }
    });
    let options = Object::new();
    if if_available {
        let _ = Reflect::set(&options, &JsValue::from_str("ifAvailable"), &JsValue::TRUE);
    }
    let requested = locks.request_with_options(name, &options, callback.unchecked_ref());
    match requested {
        Ok(outcome) => {
            // A refused request (SecurityError in an opaque origin, say)
            // never calls back: settle `granted` from its rejection instead.
            wasm_bindgen_futures::spawn_local(async move {
                if JsFuture::from(outcome).await.is_err() {
                    let _ = resolve_granted.call1(&JsValue::NULL, &JsValue::UNDEFINED);
                }
            });
        }
        Err(_) => return LockAttempt::Unsupported,
    }
    match JsFuture::from(granted).await {
        Ok(lock) if lock.is_null() => LockAttempt::Busy,
        Ok(lock) if lock.is_object() => LockAttempt::Held(HeldLock { release }),
        _ => LockAttempt::Unsupported,
    }
}
