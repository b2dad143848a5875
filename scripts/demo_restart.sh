#!/usr/bin/env bash
# Demo: a safe restart of deployment/api in prod on the simulated cluster.
# Starts the sandbox, shows the plan and the preview, runs the restart with --confirm,
# prints the audit records, and stops the sandbox. Needs kubectl on PATH; no real cluster is touched.
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
BIN="$ROOT/dist/src/cli/rk8s.cjs"
if [[ ! -f "$BIN" ]]; then
  echo "==> building rk8s (npm run build)"
  (cd "$ROOT" && npm run build --silent)
fi
if ! command -v kubectl >/dev/null 2>&1; then
  echo "kubectl is not installed: install it (https://kubernetes.io/docs/tasks/tools/) and run again" >&2
  exit 1
fi

WORK="$(mktemp -d "${TMPDIR:-/tmp}/rk8s-demo.XXXXXX")"
export KUBECONFIG="$WORK/kubeconfig"
export RK8S_AUDIT_LOG="$WORK/agent.log"
export RK8S_CACHE_DIR="$WORK/cache"
export KUBECACHEDIR="$WORK/kube-cache"
rk8s() { node "$BIN" "$@"; }

SANDBOX_PID=""
cleanup() {
  if [[ -n "$SANDBOX_PID" ]] && kill -0 "$SANDBOX_PID" 2>/dev/null; then
    kill "$SANDBOX_PID" 2>/dev/null || true
    wait "$SANDBOX_PID" 2>/dev/null || true
    echo "==> sandbox stopped"
  fi
  rm -rf "$WORK"
}
trap cleanup EXIT INT TERM

echo "==> starting the sandbox cluster (kubeconfig: $KUBECONFIG)"
node "$BIN" sandbox --kubeconfig "$KUBECONFIG" >"$WORK/sandbox.log" 2>&1 &
SANDBOX_PID=$!
for _ in $(seq 1 150); do
  if [[ -s "$KUBECONFIG" ]] && kubectl get namespace prod >/dev/null 2>&1; then break; fi
  if ! kill -0 "$SANDBOX_PID" 2>/dev/null; then
    echo "the sandbox exited early:" >&2
    cat "$WORK/sandbox.log" >&2
    exit 1
  fi
  sleep 0.2
done
kubectl get namespace prod >/dev/null || { echo "the sandbox did not come up; log:" >&2; cat "$WORK/sandbox.log" >&2; exit 1; }
kubectl get deployment api -n prod

REQUEST=(-n prod --intent restart --resource deployment --name api)

echo
echo "==> 1. the plan (exit 3: a medium-risk command needs confirmation)"
set +e
rk8s plan "${REQUEST[@]}"
echo "(rk8s plan exited $?)"
set -e

echo
echo "==> 2. the preview: rk8s exec --dry-run runs nothing"
rk8s exec "${REQUEST[@]}" --dry-run

echo
echo "==> 3. without a terminal and without --confirm, nothing runs (exit 3)"
set +e
rk8s exec "${REQUEST[@]}" </dev/null
echo "(rk8s exec exited $?)"
set -e

echo
echo "==> 4. run it, confirmed"
rk8s exec "${REQUEST[@]}" --confirm

echo
echo "==> 5. the deployment after the restart (a read-only command runs without confirmation)"
rk8s exec -n prod --intent get --resource deployment --name api --quiet

echo
echo "==> 6. the audit records of this demo"
rk8s audit tail -n 20
rk8s audit verify
