#!/usr/bin/env bash
# Measures what a sweep costs, against the fake stack on loopback:
#  1. concurrency: 4 components (17 checks) that each answer after 1 s — lgtmtop check vs the
#     baseline of fetching the same URLs one after another with curl (what people do today);
#  2. memory: peak RSS of a check whose every response is 20 MiB (the 8 MiB body cap must hold);
#  3. CPU: instructions for a healthy 5-component check (callgrind, repeatable on noisy machines).
# Usage: bench/sweep.sh [build dir]   (default: build). Prints a Markdown report to stdout.
set -euo pipefail
cd "$(dirname "$0")/.."
bin=${1:-build}/lgtmtop
[[ -x $bin ]] || { echo "build first: cmake -S . -B build && cmake --build build" >&2; exit 1; }
tmp=$(mktemp -d)
trap 'kill $(jobs -p) 2>/dev/null; rm -rf "$tmp"' EXIT

start_stack() { # args: fakestack args; sets cfg
    local dir; dir=$(mktemp -d -p "$tmp")
    mkfifo "$dir/in"
    python3 tests/fakestack/fakestack.py --config-out "$dir/cfg.yaml" "$@" <"$dir/in" >"$dir/ports.json" &
    exec {keep}>"$dir/in"
    for _ in $(seq 100); do [[ -s $dir/ports.json ]] && break; sleep 0.1; done
    cfg=$dir/cfg.yaml
}

echo "# lgtmtop sweep benchmark"
echo
echo "machine: $(nproc) cores, $(awk '/MemTotal/ {printf "%.0f GiB", $2/1048576}' /proc/meminfo), $(uname -sr), $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | sed 's/^ //')"
echo "lgtmtop: $($bin --version), built in ${1:-build}"
echo

# 1. concurrency
start_stack --fault mimir=slow:1 --fault loki=slow:1 --fault tempo=slow:1 --fault grafana=slow:1 --fault prometheus=slow:1
urls=$("$bin" check --json --sample 0 -c "$cfg" --only mimir,loki,tempo,grafana -t 5s | python3 -c '
import json,sys
d=json.load(sys.stdin)
for c in d["stacks"][0]["components"]:
    print(len(c["checks"]), c["url"])')
n=$(awk '{s+=$1} END {print s}' <<<"$urls")
t0=$(date +%s.%N)
"$bin" check --sample 0 -c "$cfg" --only mimir,loki,tempo,grafana -t 5s >/dev/null
t1=$(date +%s.%N)
"$bin" check --sample 0 -c "$cfg" --only mimir,loki,tempo,prometheus -t 5s >/dev/null
t1b=$(date +%s.%N)
first=$(echo "$t1b - $t1" | bc)
# baseline: the same number of requests, one after another (each answers after 1 s)
base_url=$(awk 'NR==1 {print $2}' <<<"$urls")
t2=$(date +%s.%N)
for _ in $(seq "$n"); do curl -s -o /dev/null "$base_url/ready"; done
t3=$(date +%s.%N)
lg=$(echo "$t1 - $t0" | bc); seq=$(echo "$t3 - $t2" | bc)
echo "## 1. Concurrency: $n checks on 4 components, each answering after 1 s"
echo
echo "| run | wall time |"
echo "|---|---|"
printf "| lgtmtop check (all in flight at once; Grafana's datasources/dashboards need follow-up rounds) | %.2f s |\n" "$lg"
printf "| lgtmtop check of mimir, loki, tempo, prometheus (one round each) | %.2f s |\n" "$first"
printf "| baseline: %d curl requests one after another | %.2f s |\n" "$n" "$seq"
printf "\nratio baseline / lgtmtop: **%.1fx**\n\n" "$(echo "$seq / $lg" | bc -l)"

# 2. memory under huge bodies
start_stack --fault mimir=huge:20 --fault loki=huge:20 --fault tempo=huge:20 --fault grafana=huge:20 --fault prometheus=huge:20
rss_huge=$( (/usr/bin/time -f %M "$bin" check --sample 0 -c "$cfg" 2>&1 >/dev/null || true) | tail -1)
start_stack
rss_ok=$( (/usr/bin/time -f %M "$bin" check --sample 0 -c "$cfg" 2>&1 >/dev/null || true) | tail -1)
echo "## 2. Memory: peak RSS"
echo
echo "| run | peak RSS |"
echo "|---|---|"
echo "| healthy stack, 5 components | ${rss_ok} KiB |"
echo "| every response 20 MiB (cap 8 MiB, each check fails) | ${rss_huge} KiB |"
echo

# 3. instructions (deterministic)
if command -v valgrind >/dev/null; then
    out=$( (valgrind --tool=callgrind --callgrind-out-file=/dev/null "$bin" check --sample 0 -c "$cfg" 2>&1 >/dev/null || true) | grep -o 'Collected : [0-9]*' | grep -o '[0-9]*')
    echo "## 3. CPU: one healthy sweep of 5 components (21 checks)"
    echo
    echo "instructions (callgrind): $out"
fi
