#!/usr/bin/env bash
# Builds lgtmtop with -Werror, AddressSanitizer and UndefinedBehaviorSanitizer, and runs every
# test (cmocka units, integration against the fake stack and a real Prometheus, TUI in tmux).
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/setup.sh --test
scripts/check-format.sh
scripts/check-layers.sh
# The demo's build (optimised, -Werror): -O2 finds warnings (format truncation) a Debug build does not.
cmake -S . -B "${BUILD_DIR:-build-test}-demo" -DCMAKE_BUILD_TYPE=RelWithDebInfo -DLGTMTOP_TESTS=OFF >/dev/null
cmake --build "${BUILD_DIR:-build-test}-demo" -j"$(nproc)" --target lgtmtop >/dev/null
build=${BUILD_DIR:-build-test}
cmake -S . -B "$build" -DCMAKE_BUILD_TYPE=Debug -DLGTMTOP_WERROR=ON -DLGTMTOP_SANITIZE=ON >/dev/null
cmake --build "$build" -j"$(nproc)"
export ASAN_OPTIONS=${ASAN_OPTIONS:-detect_leaks=1:abort_on_error=1}
export UBSAN_OPTIONS=${UBSAN_OPTIONS:-print_stacktrace=1:halt_on_error=1}
ctest --test-dir "$build" --output-on-failure -j2 "$@"
