//! Links the widget's wasm binary with its relocations kept when it is to be
//! split by route (the `split` feature): `wasm-split-cli` needs them to cut
//! the module apart (scripts/split-wasm.mjs), and wasm-bindgen and wasm-opt
//! drop them afterwards. Only this binary: the mock's worker and the browser
//! tests are not split, and relocations keep wasm-opt from shrinking them.
fn main() {
    println!("cargo:rerun-if-env-changed=CARGO_FEATURE_SPLIT");
    let wasm = std::env::var("CARGO_CFG_TARGET_ARCH").is_ok_and(|arch| arch == "wasm32");
    if wasm && std::env::var_os("CARGO_FEATURE_SPLIT").is_some() {
        println!("cargo:rustc-link-arg-bin=billing-widget=--emit-relocs");
    }
}
