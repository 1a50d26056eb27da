//! The workspace's dependency direction, checked on the source: the widget
//! reaches the mock backend only over HTTP (through its transport), and the
//! core names neither the widget nor the mock.
//!
//! Cargo already refuses most of this: the widget's build has no
//! `billing-mock` dependency (`scripts/test.sh` checks `cargo tree`), and
//! the core has none to use. Only the browser tests run the mock in their
//! page (a dev-dependency); these checks keep the widget's pages,
//! configuration and API layer from naming it even so.

use std::path::{Path, PathBuf};

/// Ways of reaching into the mock's code instead of speaking HTTP to it.
const MOCK_NAMES: [&str; 4] = ["billing_mock", "crate::mock", "with_backend", "MockBackend"];

fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

fn rust_files(dir: &Path) -> Vec<PathBuf> {
    let mut files = Vec::new();
    let Ok(entries) = std::fs::read_dir(dir) else {
        return files;
    };
    for entry in entries.flatten() {
        let path = entry.path();
        if path.is_dir() {
            files.extend(rust_files(&path));
        } else if path.extension().is_some_and(|ext| ext == "rs") {
            files.push(path);
        }
    }
    files.sort();
    files
}

fn relative(path: &Path) -> String {
    path.strip_prefix(root())
        .unwrap_or(path)
        .to_string_lossy()
        .replace('\\', "/")
}

/// Every `(file, line number, line)` of `files` naming one of `names`.
fn naming(files: &[PathBuf], names: &[&str]) -> Vec<String> {
    let mut hits = Vec::new();
    for file in files {
        let text = std::fs::read_to_string(file).unwrap_or_default();
        for (number, line) in text.lines().enumerate() {
            if names.iter().any(|name| line.contains(name)) {
                hits.push(format!(
                    "{}:{}: {}",
                    relative(file),
                    number + 1,
                    line.trim()
                ));
            }
        }
    }
    hits
}

#[test]
fn the_widget_never_reaches_into_the_mock() {
    let files = rust_files(&root().join("src"));
    assert!(
        files.len() > 10,
        "the widget's sources were found: {files:?}"
    );
    let hits = naming(&files, &MOCK_NAMES);
    assert!(
        hits.is_empty(),
        "these lines reach into the mock instead of sending it HTTP requests:\n{}",
        hits.join("\n")
    );
}

#[test]
fn the_core_names_neither_the_widget_nor_the_mock() {
    let core = root().join("crates/billing-core");
    let files = rust_files(&core.join("src"));
    assert!(files.len() > 10, "the core's sources were found");
    let hits = naming(
        &files,
        &["billing_mock", "billing_widget", "web_sys", "leptos"],
    );
    assert!(
        hits.is_empty(),
        "the core must stay pure:\n{}",
        hits.join("\n")
    );
    let manifest = std::fs::read_to_string(core.join("Cargo.toml")).expect("the core's manifest");
    for crate_name in [
        "billing-mock",
        "billing-widget",
        "web-sys",
        "leptos",
        "gloo",
    ] {
        assert!(
            !manifest.contains(crate_name),
            "billing-core must not depend on {crate_name}"
        );
    }
}

#[test]
fn the_check_sees_a_line_that_reaches_into_the_mock() {
    // The checks above would pass on an empty match: show they can fail.
    let dir = std::env::temp_dir().join(format!("boundaries-{}", std::process::id()));
    std::fs::create_dir_all(&dir).expect("a temporary folder");
    let file = dir.join("page.rs");
    std::fs::write(
        &file,
        "fn f() { mock.with_backend(|b| b.state.clone()); }\n",
    )
    .expect("a test file");
    let hits = naming(&[file], &MOCK_NAMES);
    let _ = std::fs::remove_dir_all(&dir);
    assert_eq!(hits.len(), 1, "{hits:?}");
}
