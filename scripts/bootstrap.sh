#!/usr/bin/env bash
# One-time setup: install, build, build the retrieval index, create logs/ and .env.
set -euo pipefail
cd "$(dirname "$0")/.."
command -v node >/dev/null || { echo "error: Node.js 20+ is required" >&2; exit 1; }
major=$(node -p 'process.versions.node.split(".")[0]')
[ "$major" -ge 20 ] || { echo "error: Node.js 20+ is required (found $(node --version))" >&2; exit 1; }
command -v kubectl >/dev/null || echo "warning: kubectl not found on PATH; rk8s needs it to run commands (set RK8S_KUBECTL)" >&2
npm install
mkdir -p logs
[ -f .env ] || { cp .env.example .env; echo "created .env from .env.example"; }
node dist/src/cli/rk8s.cjs check
node dist/src/cli/rk8s.cjs index build
echo "ready: npm start opens the TUI on the sandbox cluster"
