#!/usr/bin/env bash
# Parsing at the copy limit: a Tempo /metrics page of SERIES series over TENANTS tenants (default
# 480k and 300, ~43 MB) served by nginx on loopback; lgtmtop check of that Tempo (the metrics
# check reads the whole page: sums, version, per-tenant table) against `curl | grep -c` over the
# same bytes, side by side in one hyperfine run (best of RUNS), as MB/s.
# Usage: bench/parse.sh [build dir]   (default: build-rel)
set -euo pipefail
cd "$(dirname "$0")/.."
dir=${1:-build-rel}
bin=$dir/lgtmtop
[[ -x $bin ]] || { echo "build first: cmake -S . -B $dir -DCMAKE_BUILD_TYPE=Release && cmake --build $dir" >&2; exit 1; }
SERIES=${SERIES:-480000}
TENANTS=${TENANTS:-300}
RUNS=${RUNS:-5}
tmp=$(mktemp -d)
trap '[[ -s $tmp/nginx.pid ]] && kill "$(cat "$tmp/nginx.pid")" 2>/dev/null; rm -rf "$tmp"' EXIT
port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
base=http://127.0.0.1:$port
mkdir -p "$tmp/www"
python3 - "$tmp/www/metrics" "$SERIES" "$TENANTS" <<'PY'
import sys
out, series, tenants = sys.argv[1], int(sys.argv[2]), int(sys.argv[3])
routes = ["/tempopb.Pusher/PushBytesV2", "/api/search", "/api/traces", "/querier/api/search", "/api/v2/search/tags"]
les = ["0.005", "0.01", "0.025", "0.05", "0.1", "0.25", "0.5", "1", "2.5", "5", "10", "+Inf"]
with open(out, "w") as f:
    f.write('# HELP tempo_build_info A metric with a constant 1 value.\n# TYPE tempo_build_info gauge\n')
    f.write('tempo_build_info{branch="HEAD",goversion="go1.23.4",revision="abc",version="2.7.2"} 1\n')
    n = 1
    per = ["tempo_distributor_spans_received_total", "tempo_distributor_bytes_received_total",
           "tempo_ingester_traces_created_total", "tempo_ingester_bytes_received_total"]
    for name in per:
        f.write(f"# HELP {name} counter\n# TYPE {name} counter\n")
        for t in range(tenants):
            f.write(f'{name}{{tenant="tenant-{t:04d}"}} {t * 7919 + 13}\n')
            n += 1
    f.write("# HELP tempo_request_duration_seconds Time (in seconds) spent serving HTTP requests.\n")
    f.write("# TYPE tempo_request_duration_seconds histogram\n")
    i = 0
    while n < series:
        t, r, s = i % tenants, routes[(i // tenants) % len(routes)], (200, 404, 500)[i % 3]
        for le in les:
            f.write(f'tempo_request_duration_seconds_bucket{{route="{r}",status_code="{s}",'
                    f'tenant="tenant-{t:04d}",le="{le}"}} {i * 31 % 100000}\n')
        n += len(les)
        i += 1
PY
size=$(stat -c %s "$tmp/www/metrics")
mod=$(ls /usr/lib/nginx/modules/ngx_http_echo_module.so 2>/dev/null || true)
cat >"$tmp/nginx.conf" <<CONF
${mod:+load_module $mod;}
worker_processes 1;
pid $tmp/nginx.pid;
error_log $tmp/error.log crit;
events { worker_connections 1024; }
http {
    access_log off;
    client_body_temp_path $tmp;
    default_type text/plain;
    server {
        listen 127.0.0.1:$port;
        root $tmp/www;
        location = /metrics { default_type "text/plain; version=0.0.4"; }
        location = /ready { return 200 "ready\n"; }
        location / { return 404; }
    }
}
CONF
nginx -c "$tmp/nginx.conf" -p "$tmp" 2>"$tmp/nginx.err" || { cat "$tmp/nginx.err" >&2; exit 1; }
for _ in $(seq 50); do curl -sf -o /dev/null "$base/ready" && break; sleep 0.1; done
cat >"$tmp/lgtmtop.yaml" <<YAML
max_body: 256MiB
body_budget: 512MiB
stacks:
  - name: big
    tempo: { url: "$base" }
YAML
"$bin" check --json --sample 0 -t 30s -c "$tmp/lgtmtop.yaml" 2>/dev/null | python3 -c '
import json, sys
d = json.load(sys.stdin)
for c in d["stacks"][0]["components"]:
    for k in c["checks"]:
        if k["name"] == "metrics":
            print("metrics check:", k["status"], k["message"][:100])' >"$tmp/check.txt" || true
grep -q "metrics check: OK" "$tmp/check.txt" || { echo "the metrics check did not read the page:" >&2; cat "$tmp/check.txt" >&2; exit 1; }
# The other Tempo checks answer 404 at once: the run is the /metrics transfer and its parse.
[[ -n ${KEEP:-} ]] && { echo "$tmp/lgtmtop.yaml"; sleep "$KEEP"; }
hyperfine -N -i -w 1 -r "$RUNS" --export-json "$tmp/h.json" \
    "$bin check --sample 0 -t 30s -c $tmp/lgtmtop.yaml" \
    "bash -c 'curl -s $base/metrics | grep -c tenant'" \
    "bash -c 'curl -s $base/metrics >/dev/null'" >/dev/null 2>&1
best() { python3 -c 'import json,sys; print("%.4f" % json.load(open(sys.argv[1]))["results"][int(sys.argv[2])]["min"])' "$tmp/h.json" "$1"; }
lg=$(best 0) gr=$(best 1) cp=$(best 2)
mbs() { python3 -c "print('%.0f' % ($size / 1e6 / $1))"; }
echo "# Parsing: a Tempo /metrics page of $(python3 -c "print('%.1f' % ($size/1e6))") MB ($SERIES series, $TENANTS tenants)"
echo
echo "machine: $(nproc) cores ($(lscpu | sed -n 's/^Model name: *//p' | head -1)), $(uname -sr); load $(cut -d' ' -f1-3 /proc/loadavg); best of $RUNS (hyperfine)"
echo
echo "| run | wall time | MB/s end to end | vs curl \\| grep -c |"
echo "|---|---|---|---|"
printf '| lgtmtop check (Tempo: /metrics parsed, per-tenant table) | %s s | **%s** | %.2fx |\n' "$lg" "$(mbs "$lg")" "$(echo "$gr / $lg" | bc -l)"
printf '| curl \\| grep -c tenant | %s s | %s | 1x |\n' "$gr" "$(mbs "$gr")"
printf '| curl > /dev/null (the copy) | %s s | %s | |\n' "$cp" "$(mbs "$cp")"
echo
cat "$tmp/check.txt"
