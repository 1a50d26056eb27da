//! `localStorage` and `sessionStorage`, where unavailable (private modes,
//! sandboxed frames) quietly absent: callers treat a miss as "nothing saved".

/// Which Web Storage area.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Area {
    /// Shared by every tab of the origin, kept across restarts.
    Local,
    /// This tab only, gone when it closes.
    Session,
}

fn storage(area: Area) -> Option<web_sys::Storage> {
    let window = web_sys::window()?;
    let found = match area {
        Area::Local => window.local_storage(),
        Area::Session => window.session_storage(),
    };
    found.ok().flatten()
}

pub fn get(area: Area, key: &str) -> Option<String> {
    storage(area)?.get_item(key).ok().flatten()
}

/// Saves `value`; `false` when storage is unavailable or full.
pub fn set(area: Area, key: &str, value: &str) -> bool {
    storage(area).is_some_and(|s| s.set_item(key, value).is_ok())
}

pub fn remove(area: Area, key: &str) {
    if let Some(s) = storage(area) {
        let _ = s.remove_item(key);
    }
}

/// Reads and removes in one go: for values that must be used once.
pub fn take(area: Area, key: &str) -> Option<String> {
    let value = get(area, key);
    if value.is_some() {
        remove(area, key);
    }
    value
}
