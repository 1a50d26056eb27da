#!/usr/bin/env bash
# Installs what building, serving and testing the widget needs, and skips
# whatever is already there (tool builds take minutes on 2 cores).
#
#   scripts/setup.sh build   Rust wasm target, trunk, wasm-bindgen-cli, wasm-split-cli, npm tools
#   scripts/setup.sh test    the above plus Chromium and ChromeDriver
#
# Nothing is downloaded at build time: Trunk finds these exact versions on
# PATH (see Trunk.toml).
set -euo pipefail

cd "$(dirname "$0")/.."
# shellcheck source=scripts/env.sh
source scripts/env.sh

TRUNK_VERSION=0.21.14
# 0.2.3 or later reads modules from wasm-bindgen 0.2.128+.
WASM_SPLIT_VERSION=0.2.4
what=${1:-build}

step() { printf '==> %s\n' "$*"; }
skip() { printf '    %s (already installed)\n' "$*"; }

as_root() {
  if [ "$(id -u)" = 0 ]; then "$@"
  elif command -v sudo >/dev/null 2>&1; then sudo "$@"
  else
    echo "error: '$*' needs root; run it as root or install sudo" >&2
    return 1
  fi
}

apt_updated=false
apt_install() {
  if [ "$apt_updated" = false ]; then
    as_root apt-get update -qq
    apt_updated=true
  fi
  as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "$@"
}

# The wasm-bindgen-cli version must equal the wasm-bindgen crate in Cargo.lock.
wasm_bindgen_version() {
  awk '/^name = "wasm-bindgen"$/ { getline; gsub(/version = |"/, ""); print; exit }' Cargo.lock
}

step "Rust target wasm32-unknown-unknown"
if rustup target list --installed | grep -qx wasm32-unknown-unknown; then
  skip "wasm32-unknown-unknown"
else
  rustup target add wasm32-unknown-unknown
fi

step "trunk $TRUNK_VERSION"
if trunk --version 2>/dev/null | grep -q "trunk $TRUNK_VERSION"; then
  skip "$(trunk --version)"
else
  # 0.22 needs a newer rustc than this project's; building takes ~17 min.
  cargo install trunk --version "$TRUNK_VERSION" --locked
fi

wbg=$(wasm_bindgen_version)
step "wasm-bindgen-cli $wbg"
if wasm-bindgen --version 2>/dev/null | grep -q " $wbg\$" &&
  command -v wasm-bindgen-test-runner >/dev/null 2>&1; then
  skip "$(wasm-bindgen --version)"
else
  cargo install wasm-bindgen-cli --version "$wbg"
fi

step "wasm-split-cli $WASM_SPLIT_VERSION"
# The binary has no --version; cargo's install list names the crate's version.
if command -v wasm-split-cli >/dev/null 2>&1 &&
  cargo install --list | grep -q "^wasm_split_cli_support v$WASM_SPLIT_VERSION:"; then
  skip "wasm_split_cli_support $WASM_SPLIT_VERSION"
else
  # Cuts the release wasm into the first screen and one chunk per page
  # (scripts/split-wasm.mjs); about a minute to build.
  cargo install wasm_split_cli_support --version "$WASM_SPLIT_VERSION" --locked --features build-binary
fi

step "npm tools (wasm-opt, playwright-core, jsqr, currency logos, LiveChat design tokens)"
if ! command -v npm >/dev/null 2>&1; then
  apt_install nodejs npm
fi
lock_sum=$(sha256sum package-lock.json | cut -d' ' -f1)
if [ -f node_modules/.lock-sum ] && [ "$(cat node_modules/.lock-sum)" = "$lock_sum" ]; then
  skip "node_modules matches package-lock.json"
else
  npm ci --no-audit --no-fund --loglevel=error
  echo "$lock_sum" > node_modules/.lock-sum
fi

if [ "$what" = test ]; then
  step "Chromium and ChromeDriver"
  if [ -x "$CHROME_BIN" ] && [ -x "$CHROMEDRIVER" ]; then
    skip "$("$CHROME_BIN" --version 2>/dev/null | head -n 1)"
  else
    apt_install chromium chromium-driver
  fi
fi

step "setup done"
