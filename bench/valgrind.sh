#!/usr/bin/env bash
# Memcheck over a handful of faults: `lgtmtop check` (table and --json) against the fake stack
# with every component in one fault at a time. Every run must report 0 errors and 0 bytes
# definitely lost (exit 1 otherwise). Use a build without sanitizers (ASan and valgrind do not
# mix), e.g. cmake -S . -B build-rel -DCMAKE_BUILD_TYPE=RelWithDebInfo && cmake --build build-rel
#   bench/valgrind.sh [build dir] [FAULT...]     default: build-rel, the list below
set -euo pipefail
cd "$(dirname "$0")/.."
bin=${1:-build-rel}/lgtmtop
shift || true
[[ -x $bin ]] || { echo "no $bin: build without sanitizers first" >&2; exit 1; }
command -v valgrind >/dev/null || { echo "valgrind is not installed" >&2; exit 1; }
faults=("$@")
[[ ${#faults[@]} -gt 0 ]] || faults=(none refused hang garbage truncated huge:20 endless hostile big_header
    bad_counters:NaN deep_json login_page)
tmp=$(mktemp -d)
trap 'kill $(jobs -p) 2>/dev/null; rm -rf "$tmp"' EXIT
mkfifo "$tmp/in"
python3 tests/fakestack/fakestack.py --config-out "$tmp/cfg.yaml" <"$tmp/in" >"$tmp/ports.json" &
exec {keep}>"$tmp/in"
for _ in $(seq 100); do [[ -s $tmp/ports.json ]] && break; sleep 0.1; done
control=$(python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))["control"])' "$tmp/ports.json")
set_fault() {
    for k in mimir loki tempo grafana prometheus; do
        curl -sf -X POST -H 'Content-Type: application/json' -d "{\"component\":\"$k\",\"fault\":\"$1\"}" \
            "$control/fault" >/dev/null
    done
}
status=0
printf '| fault | output | errors | definitely lost | exit |\n|---|---|---|---|---|\n'
for f in "${faults[@]}"; do
    set_fault "$f"
    for out in table json; do
        extra=()
        [[ $out == json ]] && extra=(--json)
        log="$tmp/vg-$f-$out.log"
        rc=0
        valgrind --quiet --leak-check=full --show-leak-kinds=definite --errors-for-leak-kinds=definite \
            --error-exitcode=99 --log-file="$log" \
            "$bin" check --sample 0 -t 2s -c "$tmp/cfg.yaml" "${extra[@]}" >/dev/null 2>&1 || rc=$?
        errors=$(grep -c '^==[0-9]*== [A-Z].*\(Invalid\|uninitialised\|Mismatched\|overlap\)' "$log" || true)
        lost=$(grep -o 'definitely lost: [0-9,]* bytes' "$log" | head -1 | grep -o '[0-9,]* bytes' || echo "0 bytes")
        printf '| %s | %s | %s | %s | %s |\n' "$f" "$out" "$errors" "$lost" "$rc"
        if [[ $rc == 99 ]]; then
            status=1
            sed -n 1,60p "$log" >&2
        fi
    done
done
set_fault none
exit $status
