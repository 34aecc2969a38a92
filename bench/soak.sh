#!/usr/bin/env bash
# Soak: thousands of sweeps against a flapping fake stack (down, up, slow, hanging, garbage),
# sampling lgtmtop's RSS and open fds; fails if either grows after the warm-up.
#   bench/soak.sh [SECONDS] [serve|tui] [build dir]     default: 600 serve build
# Prints CSV (seconds,rss_kb,fds,sweeps,faults) on stdout and a JSON summary on stderr.
set -euo pipefail
cd "$(dirname "$0")/.."
secs=${1:-600}
mode=${2:-serve}
bin=${3:-build}/lgtmtop
[[ -x $bin ]] || { echo "build first: cmake -S . -B build && cmake --build build" >&2; exit 1; }
exec python3 bench/soak.py --bin "$bin" --mode "$mode" --duration "$secs" \
    --interval "${SOAK_INTERVAL:-200ms}" --sample "${SOAK_SAMPLE:-5}"
