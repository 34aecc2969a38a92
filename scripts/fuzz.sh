#!/usr/bin/env bash
# Runs every libFuzzer harness of tests/fuzz for SECONDS each (default 60), starting from the
# committed corpus (tests/fuzz/corpus/<name>/) and the repository's fixtures as seeds.
# New interesting inputs go to build-fuzz/corpus/<name>/ (not committed); a crash stops that
# harness and leaves crash-* in build-fuzz/ — minimise it (-minimize_crash=1), then commit it to
# tests/fuzz/corpus/<name>/ so ctest replays it in every run.
#   scripts/fuzz.sh [SECONDS] [NAME...]     e.g. scripts/fuzz.sh 180 fuzz_promtext
set -euo pipefail
cd "$(dirname "$0")/.."
secs=${1:-60}
shift || true
build=${FUZZ_BUILD_DIR:-build-fuzz}
CC=${CC:-clang}
cmake -S . -B "$build" -DCMAKE_C_COMPILER="$CC" -DCMAKE_BUILD_TYPE=Debug -DLGTMTOP_FUZZ=ON \
    -DLGTMTOP_TESTS=OFF -DLGTMTOP_WERROR=OFF >/dev/null
if ! cmake --build "$build" -j"$(nproc)" >"$build/build.log" 2>&1; then
    tail -40 "$build/build.log"
    exit 1
fi
names=("$@")
if [ ${#names[@]} -eq 0 ]; then
    for f in tests/fuzz/fuzz_*.c; do names+=("$(basename "$f" .c)"); done
fi
# Seeds from the fixtures, by what each harness reads.
seeds() {
    case "$1" in
    fuzz_promtext) find tests/fixtures -name '*metrics*' -type f ;;
    fuzz_dashboards | fuzz_grafana) find tests/fixtures -name '*.json' -type f -size -200k ;;
    fuzz_config) find examples tests/fixtures -name '*.yaml' -o -name '*.yml' | head -50 ;;
    fuzz_parsers) find tests/fixtures -type f -size -200k | head -200 ;;
    fuzz_text) find tests/fixtures -name '*.txt' -type f | head -50 ;;
    esac
}
export ASAN_OPTIONS=${ASAN_OPTIONS:-detect_leaks=1:abort_on_error=1}
export UBSAN_OPTIONS=${UBSAN_OPTIONS:-print_stacktrace=1:halt_on_error=1}
status=0
for n in "${names[@]}"; do
    work="$build/corpus/$n"
    mkdir -p "$work" "$build/seeds/$n"
    seeds "$n" | while read -r f; do cp "$f" "$build/seeds/$n/$(echo "$f" | tr / _)"; done
    echo "== $n: ${secs}s"
    if ! (cd "$build" && "./tests/fuzz/$n" -max_total_time="$secs" -max_len=65536 -timeout=10 \
        -rss_limit_mb=2048 -print_final_stats=1 "corpus/$n" "../tests/fuzz/corpus/$n" "seeds/$n" \
        2>"$n.log"); then
        echo "!! $n failed: see $build/$n.log and $build/crash-*"
        tail -30 "$build/$n.log"
        status=1
    else
        grep -E '^stat::number_of_executed_units|^#[0-9]+.*DONE' "$build/$n.log" | tail -2 || true
    fi
done
exit $status
