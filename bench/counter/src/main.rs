use leptos::prelude::*;

#[component]
fn Counter() -> impl IntoView {
    let count = RwSignal::new(0);
    view! {
        <button on:click=move |_| *count.write() += 1>"Count: " {count}</button>
    }
}

fn main() {
    leptos::mount::mount_to_body(Counter);
    if let Some(performance) = web_sys::window().and_then(|w| w.performance()) {
        let _ = performance.mark("app-mounted");
    }
}
