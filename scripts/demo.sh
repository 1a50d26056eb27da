#!/usr/bin/env bash
# Serves the demo in mock mode (the default in public/config.json): no
# account and no network needed. Installs missing tools first.
set -euo pipefail

cd "$(dirname "$0")/.."
# shellcheck source=scripts/env.sh
source scripts/env.sh

scripts/setup.sh build
port=${PORT:-8080}
echo
echo "LiveChat Billing demo (mock mode): http://127.0.0.1:$port/"
echo
exec trunk serve --address 127.0.0.1 --port "$port" --locked "$@"
