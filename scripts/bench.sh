#!/usr/bin/env bash
# Builds the widget and a bare Leptos counter the same way (release,
# wasm-opt -Oz), then prints sizes and first-paint figures side by side.
set -euo pipefail

cd "$(dirname "$0")/.."
# shellcheck source=scripts/env.sh
source scripts/env.sh

scripts/setup.sh test
echo "==> release build: widget"
trunk build --release --locked --dist bench/out/app
echo "==> release build: bare Leptos counter (baseline)"
# Cargo reads the widget's .cargo/config.toml from bench/counter too (config
# files are looked up from the working directory upwards), which would give
# the baseline the widget's 256 KiB stack. RUSTFLAGS replaces those flags:
# the counter keeps the erased component types (a build setting, like the
# profile) but links with the default 1 MiB stack, as a bare counter does.
(cd bench/counter && RUSTFLAGS="--cfg erase_components" trunk build --release --dist ../out/counter)
echo
node bench/measure.mjs bench/out/app bench/out/counter
node bench/large-data.mjs bench/out/app

echo
echo "==> mock-server: 32 parallel clients, then a latency fault"
mock_server="${MOCK_SERVER_BIN:-${CARGO_TARGET_DIR:-target}/debug/mock-server}"
if [ ! -x "$mock_server" ]; then
  cargo build --locked -p billing-mock --bin mock-server
fi
MOCK_SERVER_BIN="$mock_server" node bench/mock-server-load.mjs
