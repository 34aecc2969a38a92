#!/usr/bin/env bash
# Every figure of BENCHMARKS.md in one run: sweeps at scale (bench/scale.sh), Grafana at scale
# (bench/grafana.sh), parsing (bench/parse.sh), the live view at rest (bench/tui.sh) and the
# instruction count of one sweep (bench/callgrind.sh). Prints Markdown; each script also runs
# alone. Needs nginx with the echo module, hyperfine, curl, tmux, htop, valgrind, python3, bc:
#   apt-get install -y nginx-light libnginx-mod-http-echo hyperfine tmux htop valgrind bc curl
# Usage: bench/run.sh [build dir]   (default: build-rel, built here as Release if missing)
set -euo pipefail
cd "$(dirname "$0")/.."
dir=${1:-build-rel}
if [[ ! -x $dir/lgtmtop ]]; then
    cmake -S . -B "$dir" -DCMAKE_BUILD_TYPE=Release -DLGTMTOP_WERROR=OFF >/dev/null
    cmake --build "$dir" -j"$(nproc)" --target lgtmtop >/dev/null
fi
echo "# lgtmtop benchmarks"
echo
echo "$(date -u '+%Y-%m-%d %H:%M UTC'), $($dir/lgtmtop --version | head -1), commit $(git rev-parse --short HEAD 2>/dev/null || echo '?')"
echo
echo '```'
nproc
lscpu | head -14
echo '```'
echo
for s in scale grafana parse tui callgrind; do
    echo "---"
    echo
    bench/$s.sh "$dir"
    echo
done
