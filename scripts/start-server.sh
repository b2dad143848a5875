#!/usr/bin/env bash
# Starts the rk8s HTTP server with the card index and the model loaded before it listens.
# Host and port come from RK8S_SERVER_HOST / RK8S_SERVER_PORT (environment or .env; default
# 127.0.0.1:8000). A non-loopback host needs RK8S_SERVER_TOKEN: the server refuses to start without it.
# Extra arguments are passed on, e.g.: scripts/start-server.sh --no-model
set -euo pipefail
cd "$(dirname "$0")/.."
[ -f dist/src/cli/rk8s.cjs ] || { echo "error: dist/ is missing: run npm run build (or scripts/bootstrap.sh)" >&2; exit 1; }
exec node dist/src/cli/rk8s.cjs serve --preload "$@"
