#!/usr/bin/env bash
# Fails when a C file under src/, include/ or tests/ differs from what clang-format makes of it
# (.clang-format at the root). Fix with: scripts/check-format.sh --fix
set -euo pipefail
cd "$(dirname "$0")/.."
mapfile -t files < <(git ls-files -co --exclude-standard -- 'src/*.[ch]' 'include/*.[ch]' 'tests/*.[ch]')
if [[ "${1:-}" == "--fix" ]]; then
    clang-format -i "${files[@]}"
    exit 0
fi
bad=()
for f in "${files[@]}"; do
    [[ -f "$f" ]] || continue
    clang-format "$f" | cmp -s - "$f" || bad+=("$f")
done
if [[ ${#bad[@]} -gt 0 ]]; then
    echo "format: ${#bad[@]} file(s) differ from clang-format: ${bad[*]}" >&2
    echo "format: run scripts/check-format.sh --fix" >&2
    exit 1
fi
echo "format: ${#files[@]} files clean"
