#!/usr/bin/env bash
# Instructions for one healthy sweep (callgrind): lgtmtop check of the fake stack's five
# components, three times. Counted instructions barely move between runs on a noisy machine, so
# a change in them is a regression signal that wall time cannot give.
# Usage: bench/callgrind.sh [build dir]   (default: build-rel)
set -euo pipefail
cd "$(dirname "$0")/.."
dir=${1:-build-rel}
bin=$dir/lgtmtop
command -v valgrind >/dev/null || { echo "needs valgrind" >&2; exit 1; }
tmp=$(mktemp -d)
trap 'kill $(jobs -p) 2>/dev/null; rm -rf "$tmp"' EXIT
mkfifo "$tmp/in"
python3 tests/fakestack/fakestack.py --config-out "$tmp/cfg.yaml" <"$tmp/in" >"$tmp/ports.json" &
exec {keep}>"$tmp/in"
for _ in $(seq 100); do [[ -s $tmp/ports.json ]] && break; sleep 0.1; done
"$bin" check --sample 0 -c "$tmp/cfg.yaml" >/dev/null 2>&1 || true # warm the fake stack
counts=()
for _ in 1 2 3; do
    n=$( (valgrind --tool=callgrind --callgrind-out-file=/dev/null "$bin" check --sample 0 -c "$tmp/cfg.yaml" 2>&1 >/dev/null || true) |
        grep -o 'Collected : [0-9]*' | grep -o '[0-9]*')
    counts+=("$n")
done
checks=$("$bin" check --json --sample 0 -c "$tmp/cfg.yaml" 2>/dev/null | python3 -c '
import json, sys
d = json.load(sys.stdin)
print(sum(len(c["checks"]) for s in d["stacks"] for c in s["components"]))' || echo "?")
echo "# Instructions for one healthy sweep (callgrind)"
echo
echo "lgtmtop check of the fake stack (5 components, $checks checks), $(valgrind --version):"
echo
echo "| run | instructions |"
echo "|---|---|"
for i in 0 1 2; do printf '| %d | %s |\n' "$((i + 1))" "${counts[$i]}"; done
