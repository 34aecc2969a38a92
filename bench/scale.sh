#!/usr/bin/env bash
# Sweeps at scale: N stacks of one Loki each (4 requests per stack) against nginx answering every
# request after 200 ms (echo_sleep), so a sweep can be no faster than the slowest answer: the
# limit. Measured side by side in one run, best of several (hyperfine): lgtmtop check, the
# one-thread libcurl floor (bench/floor.c: the same URLs all in flight on libcurl's multi socket
# interface, nothing parsed or reported: what any one-thread libcurl client costs at least),
# one-thread raw sockets (bench/rawfloor.c: no HTTP library, a minimal GET on a fresh connection
# per URL, all at once: what any one-thread client costs at least, the kernel's TCP work),
# curl --parallel (--parallel-max 300, its maximum), up to 40 curl processes at once over
# slices of the URLs (--parallel-immediate, both cores busy), and for small N a sequential curl
# loop (one process per request, the status quo); then peak RSS of lgtmtop and of the floor,
# and how many checks were not answered OK (must be 0: an answered request is never a timeout).
# Usage: bench/scale.sh [build dir] [N...]   (default: build-rel, N = 1 10 100 1000 3000)
# Needs nginx with the echo module (apt-get install nginx-light libnginx-mod-http-echo),
# hyperfine, curl, python3, GNU time, a C compiler and libcurl's headers (libcurl4-openssl-dev).
# Prints a Markdown table to stdout.
set -euo pipefail
cd "$(dirname "$0")/.."
dir=${1:-build-rel}
shift || true
sizes=("$@")
[[ ${#sizes[@]} -gt 0 ]] || sizes=(1 10 100 1000 3000)
bin=$dir/lgtmtop
[[ -x $bin ]] || { echo "build first: cmake -S . -B $dir -DCMAKE_BUILD_TYPE=Release && cmake --build $dir" >&2; exit 1; }
DELAY=${DELAY:-0.2}
RUNS=${RUNS:-5}
# Every request in flight holds a socket (lgtmtop, curl and nginx alike).
ulimit -n "$(ulimit -Hn)" 2>/dev/null || ulimit -n 20000 2>/dev/null || true
tmp=$(mktemp -d)
trap '[[ -s $tmp/nginx.pid ]] && kill "$(cat "$tmp/nginx.pid")" 2>/dev/null; rm -rf "$tmp"' EXIT

floor=$tmp/floor
cc -O2 -std=c11 -o "$floor" bench/floor.c $(pkg-config --cflags --libs libcurl)
rawfloor=$tmp/rawfloor
cc -O2 -std=c11 -o "$rawfloor" bench/rawfloor.c
port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
mod=$(ls /usr/lib/nginx/modules/ngx_http_echo_module.so 2>/dev/null || true)
cat >"$tmp/nginx.conf" <<CONF
${mod:+load_module $mod;}
worker_processes 2;
worker_rlimit_nofile 20000;
pid $tmp/nginx.pid;
error_log $tmp/error.log crit;
events { worker_connections 16000; multi_accept on; }
http {
    access_log off;
    client_body_temp_path $tmp;
    keepalive_requests 100000;
    keepalive_timeout 300s;
    default_type text/plain;
    server {
        listen 127.0.0.1:$port backlog=4096;
        location = /ready { echo_sleep $DELAY; echo "ready"; }
        location = /loki/api/v1/status/buildinfo { default_type application/json; echo_sleep $DELAY;
            echo '{"version":"3.1.0","revision":"abc","branch":"HEAD","goVersion":"go1.22.5"}'; }
        location = /loki/api/v1/labels { default_type application/json; echo_sleep $DELAY;
            echo '{"status":"success","data":["job","level"]}'; }
        location = /metrics { default_type "text/plain; version=0.0.4"; echo_sleep $DELAY;
            echo '# TYPE loki_build_info gauge'; echo 'loki_build_info{version="3.1.0"} 1'; }
        location / { echo_sleep $DELAY; echo "ok"; }
    }
}
CONF
nginx -c "$tmp/nginx.conf" -p "$tmp" 2>"$tmp/nginx.err" || { cat "$tmp/nginx.err" >&2; exit 1; }
for _ in $(seq 50); do curl -sf -o /dev/null "http://127.0.0.1:$port/ready" && break; sleep 0.1; done
base=http://127.0.0.1:$port
paths=(/ready /loki/api/v1/status/buildinfo /loki/api/v1/labels /metrics)

best() { # hyperfine json -> min seconds of command $2
    python3 -c 'import json,sys; print("%.3f" % json.load(open(sys.argv[1]))["results"][int(sys.argv[2])]["min"])' "$1" "$2"
}

echo "# Sweeps at scale: every answer after $(python3 -c "print(int($DELAY*1000))") ms"
echo
echo "machine: $(nproc) cores ($(lscpu | sed -n 's/^Model name: *//p' | head -1)), $(awk '/MemTotal/ {printf "%.0f GiB", $2/1048576}' /proc/meminfo), $(uname -sr); load $(cut -d' ' -f1-3 /proc/loadavg)"
echo "lgtmtop: $($bin --version | head -1) ($dir), max_in_flight ${MAX_IN_FLIGHT:-default}; $(curl --version | head -1 | cut -d' ' -f1-2); $(nginx -v 2>&1 | cut -d' ' -f3); best of $RUNS (hyperfine)"
echo
echo "| stacks (requests) | limit | lgtmtop | one-thread libcurl floor | one-thread raw sockets, no HTTP library | curl --parallel (max 300) | up to 40 curl processes in parallel | sequential curl loop | peak RSS: lgtmtop / floor | not answered OK |"
echo "|---|---|---|---|---|---|---|---|---|---|"
for n in "${sizes[@]}"; do
    cfg=$tmp/lgtmtop-$n.yaml urls=$tmp/urls-$n.txt
    {
        [[ -n ${MAX_IN_FLIGHT:-} ]] && echo "max_in_flight: $MAX_IN_FLIGHT"
        echo "stacks:"
        for ((i = 0; i < n; i++)); do printf '  - name: s%d\n    loki: %s\n' "$i" "$base"; done
    } >"$cfg"
    : >"$urls"
    for ((i = 0; i < n; i++)); do for p in "${paths[@]}"; do printf 'url = "%s%s"\noutput = /dev/null\n' "$base" "$p"; done; done >>"$urls"
    plain=$tmp/plain-$n.txt
    for ((i = 0; i < n; i++)); do for p in "${paths[@]}"; do echo "$base$p"; done; done >"$plain"
    reqs=$((n * ${#paths[@]}))
    # Up to 40 curl processes at once, each with every URL of its slice in flight at once
    # (--parallel-immediate: no wait to learn whether a connection multiplexes), on both cores.
    procs=$((reqs < 40 ? reqs : 40))
    awk -v p="$procs" -v pre="$tmp/slice-$n-" '{ print > (pre int((NR - 1) / 2) % p) }' "$urls"
    multiscript=$tmp/multi-$n.sh
    echo "ls $tmp/slice-$n-* | xargs -P $procs -n 1 curl -s --parallel --parallel-immediate --parallel-max 300 -K" >"$multiscript"
    cmds=("$bin check --sample 0 -t 60s -c $cfg" "$floor $plain" "curl -s --parallel --parallel-max 300 -K $urls" "bash $multiscript" "$rawfloor $plain")
    seqcol="–"
    if ((reqs <= 40)); then
        seqscript=$tmp/seq-$n.sh
        { echo "for i in \$(seq $n); do for p in ${paths[*]}; do curl -s -o /dev/null $base\$p; done; done"; } >"$seqscript"
        cmds+=("bash $seqscript")
    fi
    runs=$RUNS
    ((reqs >= 4000)) && runs=$(( RUNS < 3 ? RUNS : 3 ))
    hyperfine -N -i -w 1 -r "$runs" --export-json "$tmp/h-$n.json" "${cmds[@]}" >/dev/null 2>&1
    lg=$(best "$tmp/h-$n.json" 0) fl=$(best "$tmp/h-$n.json" 1) cu=$(best "$tmp/h-$n.json" 2)
    ratio() { python3 -c "print('%.2fx (%s s)' % ($1 / $DELAY, '$1'))"; }
    mu=$(best "$tmp/h-$n.json" 3)
    raw=$(best "$tmp/h-$n.json" 4)
    ((${#cmds[@]} > 5)) && seqcol=$(ratio "$(best "$tmp/h-$n.json" 5)")
    /usr/bin/time -o "$tmp/rss" -f %M "$bin" check --sample 0 -t 60s -c "$cfg" >/dev/null 2>&1 || true
    rss=$(tail -1 "$tmp/rss")
    /usr/bin/time -o "$tmp/rss" -f %M "$floor" "$plain" >/dev/null 2>&1 || true
    frss=$(tail -1 "$tmp/rss")
    # shellcheck disable=SC2016
    bad=$("$bin" check --json --sample 0 -t 60s -c "$cfg" 2>/dev/null | python3 -c '
import json, sys, collections
d = json.load(sys.stdin); bad = collections.Counter()
for st in d["stacks"]:
    for c in st["components"]:
        for k in c["checks"]:
            if not k.get("skipped") and (k["error"] is not None or k["http_status"] != 200):
                bad[k["error"] or "status %s" % k["http_status"]] += 1
print(sum(bad.values()), "".join(" %s: %d" % kv for kv in bad.items()))' || echo "?")
    printf '| %d (%d) | %s s | **%s** | %s | %s | %s | %s | %s | %.1f / %.1f MiB | %s |\n' "$n" "$reqs" "$DELAY" "$(ratio "$lg")" "$(ratio "$fl")" "$(ratio "$raw")" "$(ratio "$cu")" "$(ratio "$mu")" "$seqcol" "$(echo "$rss / 1024" | bc -l)" "$(echo "$frss / 1024" | bc -l)" "$bad"
done
echo
echo "Ratios are wall time over the limit (the slowest answer, $DELAY s); each row's commands ran in"
echo "the same hyperfine invocation. Rerun: \`bench/scale.sh [build-dir] [N...]\`; \`MAX_IN_FLIGHT=n\` sets the key."
