//! The wasm binary: mounts the app. Nothing else lives here.

fn main() {
    #[cfg(target_arch = "wasm32")]
    billing_widget::mount();

    #[cfg(not(target_arch = "wasm32"))]
    eprintln!("billing-widget is a browser app: build it with `make demo` (trunk serve).");
}
