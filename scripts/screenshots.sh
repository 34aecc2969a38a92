#!/usr/bin/env bash
# Renders screenshots/*.png of the live view from a real terminal: lgtmtop runs in a private
# tmux server (which is how keys are sent to it), an xterm under Xvfb attaches to that tmux,
# and ImageMagick's `import` grabs the xterm window. The fake stack (tests/fakestack) serves
# the data: its "healthy" scenario for the healthy grid, its "demo" scenario (jittery
# latencies, wandering rates, one Prometheus target down) for the rest, with faults switched
# on through its control API.
#
#   scripts/screenshots.sh            writes screenshots/{grid-healthy,grid-failures,findings,
#                                     pane-mimir-checks,pane-prometheus-details,pane-tempo-failing,
#                                     pane-grafana-datasources}.png, and with chromium
#                                     serve-status{,-phone-dark}.png (lgtmtop serve's page)
#   BUILD=build-foo scripts/screenshots.sh     use another build directory
#
# Needs (Debian): xvfb xterm imagemagick fonts-dejavu-core x11-utils tmux python3.
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT=$PWD
BUILD=${BUILD:-build}
OUT=${OUT:-$ROOT/screenshots}
COLS=${COLS:-150}
ROWS=${ROWS:-34}
FONT=${FONT:-DejaVu Sans Mono}
FONT_SIZE=${FONT_SIZE:-11}

missing=()
for tool in Xvfb xterm import xwininfo tmux python3 cmake; do
    command -v "$tool" >/dev/null || missing+=("$tool")
done
if ((${#missing[@]})); then
    echo "screenshots: missing ${missing[*]}; try: apt-get install xvfb xterm imagemagick fonts-dejavu-core x11-utils tmux" >&2
    exit 1
fi

cmake -S . -B "$BUILD" -DCMAKE_BUILD_TYPE=RelWithDebInfo >/dev/null
cmake --build "$BUILD" -j"$(nproc)" --target lgtmtop >/dev/null
BIN=$ROOT/$BUILD/lgtmtop
mkdir -p "$OUT"

tmp=$(mktemp -d)
SOCK="lgtmtop-shots-$$"
pids=()
cleanup() {
    tmux -L "$SOCK" kill-server 2>/dev/null || true
    for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done
    for p in "${pids[@]}"; do wait "$p" 2>/dev/null || true; done
    rm -rf "$tmp"
}
trap cleanup EXIT

# ---- X ---------------------------------------------------------------------------------
Xvfb -displayfd 3 -screen 0 2000x1200x24 -nolisten tcp 3>"$tmp/display" 2>"$tmp/xvfb.log" &
pids+=($!)
for _ in $(seq 100); do [[ -s "$tmp/display" ]] && break; sleep 0.1; done
[[ -s "$tmp/display" ]] || { echo "screenshots: Xvfb did not start" >&2; cat "$tmp/xvfb.log" >&2; exit 1; }
export DISPLAY=":$(head -n1 "$tmp/display")"

# ---- helpers -----------------------------------------------------------------------------
# start_stack SCENARIO: runs the fake stack until this script ends; sets CONFIG and CONTROL.
start_stack() {
    local sc=$1
    mkfifo "$tmp/keep-$sc"
    python3 tests/fakestack/fakestack.py --scenario "$sc" --config-out "$tmp/$sc.yaml" \
        <"$tmp/keep-$sc" >"$tmp/$sc.json" &
    pids+=($!)
    exec {keep_fd}>"$tmp/keep-$sc"
    for _ in $(seq 100); do [[ -s "$tmp/$sc.json" && -s "$tmp/$sc.yaml" ]] && break; sleep 0.1; done
    [[ -s "$tmp/$sc.json" ]] || { echo "screenshots: the fake stack did not start" >&2; exit 1; }
    CONFIG="$tmp/$sc.yaml"
    CONTROL=$(python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))["control"])' "$tmp/$sc.json")
}

fault() {
    python3 - "$CONTROL" "$1" "$2" <<'EOF'
import json, sys, urllib.request
req = urllib.request.Request(sys.argv[1] + "/fault", method="POST",
                             data=json.dumps({"component": sys.argv[2], "fault": sys.argv[3]}).encode(),
                             headers={"Content-Type": "application/json"})
urllib.request.urlopen(req, timeout=5).read()
EOF
}

screen() { tmux -L "$SOCK" capture-pane -p; }

# wait_for PYTHON-EXPR: polls the pane (as `s`) until the expression is true, 60 s at most.
wait_for() {
    local expr=$1
    for _ in $(seq 600); do
        if screen | python3 -c "import re, sys; s = sys.stdin.read(); sys.exit(0 if ($expr) else 1)"; then
            return 0
        fi
        sleep 0.1
    done
    echo "screenshots: timed out waiting for: $expr" >&2
    screen >&2
    exit 1
}

keys() { tmux -L "$SOCK" send-keys "$@"; }

# run_view: lgtmtop in a fresh tmux session, shown by a fresh xterm.
run_view() {
    tmux -L "$SOCK" kill-server 2>/dev/null || true
    tmux -L "$SOCK" -f /dev/null new-session -d -x "$COLS" -y "$ROWS" \
        "env -u NO_COLOR LANG=C.UTF-8 TERM=xterm-256color '$BIN' -c '$CONFIG' -i 1s; sleep 600"
    tmux -L "$SOCK" set-option -g status off >/dev/null
    tmux -L "$SOCK" set-option -g default-terminal xterm-256color >/dev/null
    LANG=C.UTF-8 xterm -geometry "${COLS}x${ROWS}+0+0" -fa "$FONT" -fs "$FONT_SIZE" \
        -bg '#1c1e22' -fg '#d6d6d6' -cr '#1c1e22' -bw 0 +sb -u8 -T lgtmtop-shot -n lgtmtop-shot \
        -xrm 'XTerm*boldColors: false' \
        -e env LANG=C.UTF-8 tmux -u -L "$SOCK" attach &
    XTERM_PID=$!
    pids+=($XTERM_PID)
    for _ in $(seq 100); do
        WID=$(xwininfo -name lgtmtop-shot 2>/dev/null | awk '/Window id:/ {print $4}') && [[ -n "$WID" ]] && break
        sleep 0.1
    done
    [[ -n "${WID:-}" ]] || { echo "screenshots: no xterm window" >&2; exit 1; }
}

stop_view() {
    tmux -L "$SOCK" kill-server 2>/dev/null || true
    kill "$XTERM_PID" 2>/dev/null || true
    wait "$XTERM_PID" 2>/dev/null || true
}

# shot NAME: the pane text is what we waited for; give the X server a moment to paint it.
shot() {
    sleep 0.5
    import -window "$WID" "$OUT/$1.png"
    echo "screenshots: $OUT/$1.png"
}

sparkline_len() {  # python expr: the tempo row's sparkline has at least N points
    echo "len(re.findall('[\u2581-\u2588\u00d7]', next((l for l in s.splitlines() if ' tempo ' in l), ''))) >= $1"
}

# ---- healthy grid --------------------------------------------------------------------------
start_stack healthy
run_view
wait_for "'5 OK' in s and 'spans/s' in s and $(sparkline_len 12)"
shot grid-healthy
stop_view

# ---- demo: failures and drill-downs ----------------------------------------------------------
start_stack demo
run_view
wait_for "'KEY FIGURE' in s and $(sparkline_len 12)"
fault tempo refused
fault loki notready
wait_for "re.search(r'FAIL\s+tempo', s) and re.search(r'WARN\s+loki', s)"
# a few failed sweeps, so the sparkline shows them
wait_for "re.search(r'FAIL\s+tempo\s.*\u00d7{5}', s)"
shot grid-failures

keys f        # every finding in full
wait_for "'findings' in s.splitlines()[0] and 'Tempo is down' in s and '\u2192' in s"
shot findings
keys Escape
wait_for "'KEY FIGURE' in s"

keys Enter   # the cursor is on mimir
wait_for "'first byte' in s and 'mimir' in s.splitlines()[0]"
shot pane-mimir-checks

keys Escape
wait_for "'KEY FIGURE' in s"
keys G        # prometheus, the last row
wait_for "any(l.startswith('>') and 'prometheus' in l for l in s.splitlines())"
keys Enter 2  # its Details pane
wait_for "'prometheus' in s.splitlines()[0] and 'targets' in s and 'down' in s"
shot pane-prometheus-details

keys Escape
wait_for "'KEY FIGURE' in s"
keys k k
wait_for "any(l.startswith('>') and 'tempo' in l for l in s.splitlines())"
keys Enter
wait_for "'tempo' in s.splitlines()[0] and 'error:' in s"
shot pane-tempo-failing

fault grafana ds_unhealthy
keys Escape
wait_for "'KEY FIGURE' in s"
keys j        # grafana
wait_for "any(l.startswith('>') and 'grafana' in l for l in s.splitlines())"
keys Enter Tab  # its Datasources pane
wait_for "'grafana' in s.splitlines()[0] and re.search(r'FAIL\s+Loki\s', s) and 'GRAFANA' in s"
shot pane-grafana-datasources
stop_view

# The status page of lgtmtop serve, from headless Chromium (the page test takes them).
if command -v chromium >/dev/null; then
    LGTMTOP_BIN=$BIN LGTMTOP_SCREENSHOTS=$OUT python3 tests/integration/test_page.py \
        StatusPageInChromium.test_screenshots >/dev/null 2>&1 && echo "screenshots: serve-status, serve-status-phone-dark"
fi
echo "screenshots: done"
