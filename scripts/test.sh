#!/usr/bin/env bash
# The whole test suite, as CI runs it: formatting, lints (host and wasm),
# host tests, browser tests in headless Chromium, then end-to-end journeys
# against a release build. Every stage runs; the summary names what failed.
set -uo pipefail

cd "$(dirname "$0")/.."
# shellcheck source=scripts/env.sh
source scripts/env.sh

scripts/setup.sh test || { echo "FAILED: setup (installing the tools)"; exit 1; }

results=()
failed=0
stage() {
  local name=$1
  shift
  printf '\n==> %s\n' "$name"
  local start=$SECONDS
  if "$@"; then
    results+=("ok      $name ($((SECONDS - start)) s)")
  else
    results+=("FAILED  $name ($((SECONDS - start)) s)")
    failed=$((failed + 1))
  fi
}

# The widget reaches the mock only over HTTP: its build (normal and build
# dependencies, for the browser) has no billing-mock; only its tests do.
widget_without_mock() {
  local tree
  tree=$(cargo tree --locked -p billing-widget -e normal,build --target wasm32-unknown-unknown --prefix none) || return 1
  if grep -q '^billing-mock' <<<"$tree"; then
    echo "billing-widget depends on billing-mock:"
    cargo tree --locked -p billing-widget -e normal,build --target wasm32-unknown-unknown -i billing-mock
    return 1
  fi
  echo "cargo tree -p billing-widget: $(sort -u <<<"$tree" | wc -l) crates, none of them billing-mock"
}

# Browser test files are tests/web*.rs; every other test file runs on the host.
# They build without the `split` feature: their runner loads one module, and
# a split point left unsplit would import a chunk that is never made.
browser_tests=()
for file in tests/web*.rs; do
  browser_tests+=(--test "$(basename "$file" .rs)")
done

stage "cargo fmt --check" cargo fmt --all -- --check
stage "bundled currency logos match cryptocurrency-icons" node scripts/currency-logos.mjs --check
stage "clippy (host, every crate)" cargo clippy --locked --workspace --all-targets -- -D warnings
stage "clippy (wasm32, split by route)" cargo clippy --locked --target wasm32-unknown-unknown --lib --bins "${browser_tests[@]}" -- -D warnings
stage "clippy (wasm32, unsplit: the browser tests' build)" \
  cargo clippy --locked --target wasm32-unknown-unknown --no-default-features --lib --bins "${browser_tests[@]}" -- -D warnings
stage "clippy (wasm32: billing-core, billing-mock, billing-mock-worker)" \
  cargo clippy --locked --target wasm32-unknown-unknown -p billing-core -p billing-mock -p billing-mock-worker --lib -- -D warnings
stage "the widget's build does not depend on billing-mock" widget_without_mock
stage "host tests (every crate: widget, billing-core, billing-mock, billing-mock-worker)" \
  cargo test --locked --no-fail-fast --workspace
stage "browser tests (wasm-bindgen-test, headless Chromium)" \
  cargo test --locked --no-fail-fast --target wasm32-unknown-unknown --no-default-features "${browser_tests[@]}"
stage "release build (trunk; split by route, wasm-opt -Oz)" trunk build --release --locked
stage "mock-server binary for the journeys" cargo build --locked -p billing-mock --bin mock-server
stage "end-to-end journeys (Chromium, release build, mock mode)" \
  node --test --test-concurrency=1 --test-reporter=spec e2e/

printf '\n==> Stages\n'
printf '  %s\n' "${results[@]}"
if [ "$failed" -gt 0 ]; then
  echo "FAILED: $failed stage(s); see the output above each FAILED stage."
  exit 1
fi
echo "All stages passed. Screenshots: e2e/screenshots/"
