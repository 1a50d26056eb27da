# Sourced by the other scripts: where the tools live.
# cargo-installed tools (trunk, wasm-bindgen) and npm tools (wasm-opt).
export PATH="$HOME/.cargo/bin:$PWD/node_modules/.bin:$PATH"
# The system Chromium, for wasm-bindgen-test, end-to-end tests and benchmarks.
export CHROME_BIN="${CHROME_BIN:-/usr/bin/chromium}"
export CHROMEDRIVER="${CHROMEDRIVER:-/usr/bin/chromedriver}"
# Trunk must never try to download or version-check over the network.
export TRUNK_SKIP_VERSION_CHECK=true
# A browser test file gets this many seconds in all (the runner's default,
# 20, is less than two lost-answer tests that wait out a 12 s timeout).
export WASM_BINDGEN_TEST_TIMEOUT="${WASM_BINDGEN_TEST_TIMEOUT:-120}"
