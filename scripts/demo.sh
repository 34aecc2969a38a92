#!/usr/bin/env bash
# Builds lgtmtop, starts the bundled fake stack (tests/fakestack, "demo" scenario) on loopback
# ports, and opens lgtmtop's live view on it (q quits). Extra arguments go to lgtmtop, e.g.
# `scripts/demo.sh check` for the one-shot report.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/setup.sh
# Only the program: the demo needs none of the test dependencies.
cmake -S . -B build -DCMAKE_BUILD_TYPE=RelWithDebInfo -DLGTMTOP_TESTS=OFF >/dev/null
cmake --build build -j"$(nproc)" --target lgtmtop

tmp=$(mktemp -d)
trap 'kill "$fake_pid" 2>/dev/null; wait "$fake_pid" 2>/dev/null; rm -rf "$tmp"' EXIT
mkfifo "$tmp/keep"
# The fake stack exits when its stdin (this fifo) closes, i.e. when this script ends.
python3 tests/fakestack/fakestack.py --scenario demo --config-out "$tmp/lgtmtop.yaml" <"$tmp/keep" >"$tmp/ports.json" &
fake_pid=$!
exec 3>"$tmp/keep"
for _ in $(seq 100); do [[ -s "$tmp/lgtmtop.yaml" && -s "$tmp/ports.json" ]] && break; sleep 0.1; done
[[ -s "$tmp/lgtmtop.yaml" ]] || { echo "demo: the fake stack did not start" >&2; exit 1; }
echo "demo: fake stack up ($(tr -d '\n' <"$tmp/ports.json" | head -c 200)...)" >&2
set +e
build/lgtmtop -c "$tmp/lgtmtop.yaml" "$@"
rc=$?
set -e
exit $rc
