#!/usr/bin/env bash
# Measures `lgtmtop lint` on a large tree of real dashboards (tests/fixtures/dashboards: Grafana's
# Tempo mixin, node-exporter-full and friends, docker-otel-lgtm, the crafted ones) copied COPIES
# times, next to Python over the same files: `python3 -m json.tool` once per file (what a
# shell loop in CI does) and one python3 process json.load-ing every file (parsing only).
# Usage: bench/lint.sh [build dir] [copies]   (default: build, 60). Prints Markdown to stdout.
# OLD=path/to/an/older/lgtmtop adds its `dashboards lint` over the same tree (a regression check).
# For a figure, use an optimised build without sanitizers:
#   cmake -S . -B build-bench -DCMAKE_BUILD_TYPE=Release -DLGTMTOP_TESTS=OFF && cmake --build build-bench
set -euo pipefail
cd "$(dirname "$0")/.."
dir=${1:-build}
copies=${2:-60}
bin=$dir/lgtmtop
[[ -x $bin ]] || { echo "build first: cmake -S . -B $dir && cmake --build $dir" >&2; exit 1; }
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

mapfile -t src < <(find tests/fixtures/dashboards -name '*.json' ! -name 'library_elements.json' | sort)
for i in $(seq "$copies"); do
    d=$tmp/tree/team-$i
    mkdir -p "$d"
    for f in "${src[@]}"; do cp "$f" "$d/$(echo "$f" | tr / _)"; done
done
files=$(find "$tmp/tree" -name '*.json' | wc -l)
bytes=$(find "$tmp/tree" -name '*.json' -print0 | du -cb --files0-from=- | tail -1 | cut -f1)
mb=$(echo "scale=1; $bytes / 1048576" | bc)

best() { # best wall time of 3 runs of "$@", in seconds
    local b=""
    for _ in 1 2 3; do
        local t0 t1 t
        t0=$(date +%s.%N)
        "$@" >/dev/null 2>&1 || true
        t1=$(date +%s.%N)
        t=$(echo "$t1 - $t0" | bc)
        if [[ -z $b ]] || (( $(echo "$t < $b" | bc) )); then b=$t; fi
    done
    echo "$b"
}
rate() { printf "%.1f" "$(echo "scale=3; $bytes / 1048576 / $1" | bc)"; }
secs() { printf "%.2f" "$1"; }

t_lint=$(best "$bin" lint --uid prometheus --uid loki --uid tempo "$tmp/tree")
[[ -n ${OLD:-} ]] && t_old=$(best "$OLD" dashboards lint --uid prometheus --uid loki --uid tempo "$tmp/tree")
t_load=$(best python3 -c 'import json, sys
for f in sys.argv[1:]:
    with open(f) as h: json.load(h)' $(find "$tmp/tree" -name '*.json'))
t0=$(date +%s.%N)
find "$tmp/tree" -name '*.json' -print0 | xargs -0 -n1 python3 -m json.tool >/dev/null
t1=$(date +%s.%N)
t_tool=$(echo "$t1 - $t0" | bc)

echo "# lgtmtop lint benchmark"
echo
echo "machine: $(nproc) cores, $(uname -sr), $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | sed 's/^ //')"
echo "lgtmtop: $($bin --version | head -1), built in $dir; $(python3 --version)"
echo "tree: $files dashboard files, $mb MB ($copies copies of ${#src[@]} real and crafted dashboards)"
echo
echo "| run | wall time | throughput |"
echo "|---|---|---|"
echo "| lgtmtop lint (parse, resolve every reference, report) | $(secs "$t_lint") s | $(rate "$t_lint") MB/s |"
[[ -n ${OLD:-} ]] && echo "| $OLD dashboards lint (before) | $(secs "$t_old") s | $(rate "$t_old") MB/s |"
echo "| python3 -m json.tool, once per file | $(secs "$t_tool") s | $(rate "$t_tool") MB/s |"
echo "| python3, one process, json.load of every file (parsing only) | $(secs "$t_load") s | $(rate "$t_load") MB/s |"
echo
echo "lgtmtop lint: best of 3; json.tool: one run. Wall-clock on a shared machine: compare ratios."
