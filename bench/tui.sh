#!/usr/bin/env bash
# What the live view costs when nothing changes: lgtmtop -i INTERVAL against the fake stack
# (healthy, on loopback) and `htop -d 50` side by side, each in its own pane of one private tmux
# server (100x30, TERM=screen), for SECONDS after a warm-up. Measured per program: CPU (utime +
# stime from /proc, % of one core), peak RSS, and bytes written to the terminal per minute
# (tmux pipe-pane).
# Usage: bench/tui.sh [build dir]   (default: build-rel; DURATION=120 WARMUP=70 INTERVAL=5s)
set -euo pipefail
cd "$(dirname "$0")/.."
dir=${1:-build-rel}
bin=$(realpath "$dir/lgtmtop")
DURATION=${DURATION:-120}
WARMUP=${WARMUP:-70} # past the first minute, when ages move by the second
INTERVAL=${INTERVAL:-5s}
command -v tmux >/dev/null || { echo "needs tmux" >&2; exit 1; }
tmp=$(mktemp -d)
sock=lgtmtop-bench-$$
tm() { tmux -L "$sock" -f /dev/null "$@"; }
cleanup() { tm kill-server 2>/dev/null || true; kill $(jobs -p) 2>/dev/null || true; rm -rf "$tmp"; }
trap cleanup EXIT
mkfifo "$tmp/in"
python3 tests/fakestack/fakestack.py --config-out "$tmp/cfg.yaml" <"$tmp/in" >"$tmp/ports.json" &
exec {keep}>"$tmp/in"
for _ in $(seq 100); do [[ -s $tmp/ports.json ]] && break; sleep 0.1; done
env -u TMUX LANG=C.UTF-8 TERM=screen tmux -L "$sock" -f /dev/null new-session -d -x 100 -y 30 -s lg \
    "exec env TERM=screen $bin -c $tmp/cfg.yaml -i $INTERVAL"
have_htop=false
if command -v htop >/dev/null; then
    tm new-session -d -x 100 -y 30 -s ht "exec env TERM=screen htop -d 50"
    have_htop=true
fi
sleep "$WARMUP"
lgpid=$(tm list-panes -t lg -F '#{pane_pid}')
ticks() { awk '{print $14 + $15}' "/proc/$1/stat"; }
tm pipe-pane -t lg -o "cat >> $tmp/lg.out"
$have_htop && tm pipe-pane -t ht -o "cat >> $tmp/ht.out"
htpid=$($have_htop && tm list-panes -t ht -F '#{pane_pid}' || echo "")
l0=$(ticks "$lgpid")
h0=$([[ -n $htpid ]] && ticks "$htpid" || echo 0)
sleep "$DURATION"
l1=$(ticks "$lgpid")
h1=$([[ -n $htpid ]] && ticks "$htpid" || echo 0)
hz=$(getconf CLK_TCK)
row() { # name ticks bytes pid
    local rss; rss=$(awk '/VmHWM/ {printf "%.1f MiB", $2/1024}' "/proc/$4/status" 2>/dev/null || echo "?")
    printf '| %s | %.2f%% | %s | %.1f KB/min |\n' "$1" "$(echo "$2 * 100 / $hz / $DURATION" | bc -l)" "$rss" \
        "$(echo "$3 * 60 / $DURATION / 1000" | bc -l)"
}
echo "# The live view at rest: $DURATION s after a ${WARMUP} s warm-up, 100x30 tmux panes"
echo
echo "machine: $(nproc) cores ($(lscpu | sed -n 's/^Model name: *//p' | head -1)), $(uname -sr); load $(cut -d' ' -f1-3 /proc/loadavg)"
echo
echo "| program | CPU (one core) | peak RSS | written to the terminal |"
echo "|---|---|---|---|"
row "lgtmtop -i $INTERVAL (healthy fake stack)" "$((l1 - l0))" "$(stat -c %s "$tmp/lg.out" 2>/dev/null || echo 0)" "$lgpid"
[[ -n $htpid ]] && row "htop -d 50" "$((h1 - h0))" "$(stat -c %s "$tmp/ht.out" 2>/dev/null || echo 0)" "$htpid"
[[ -n ${KEEP_OUT:-} ]] && cp "$tmp"/*.out "$KEEP_OUT"/ 2>/dev/null
true
